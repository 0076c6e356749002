"""The fold of a season's events, with every check (the ledger's engine room).

:class:`Fold` is mutable on purpose: replaying a season applies each event in
place, so a 91-unit season replays in milliseconds.  Each ``_apply_*``
method checks everything first and only then changes anything, so a refused
event leaves the fold as it was; the public :class:`~pbcheck.season.ledger.Ledger`
copies the fold before recording, and never shows a fold that is still
being changed.

Records are kept per unit as :class:`_Unit` values that are never changed
in place (a change builds a new one), so a copy of the fold only copies the
unit mapping, and a snapshot (the provisional results, the final ones) is a
mapping that later events cannot touch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import MappingProxyType

import attrs

from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidValueError,
    NotAuthorisedError,
    Path,
    RefusedError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.evaluation import Activity, Evaluation, Incident, Observation
from pbcheck.season import events as ev
from pbcheck.season._checks import (
    _check_marker,
    _check_observations,
    _check_records,
    _unit_may_submit,
    _who,
)
from pbcheck.season._records import _Entry, _statuses, _Unit
from pbcheck.season.authority import Actor, ActorRole
from pbcheck.season.collection import CollectionRow, CollectionStatus
from pbcheck.season.plan import SeasonPlan, _Scope
from pbcheck.season.rectification import RectificationItem
from pbcheck.season.state import Objection, SeasonPhase, SeasonState

# The key of an entry made by an objection's decision, not by a submitter.
_CORRECTION = "objection:"


@attrs.frozen
class _Snapshot:
    """The records at one moment (provisional, published, approved)."""

    version: int
    at: datetime
    units: Mapping[str, _Unit]
    missing: int


def _day(moment: datetime) -> date:
    """The day of *moment* in its own zone (how the office reads the event)."""
    return moment.date()


class Fold:
    """A season's state, built one event at a time; see the module docstring."""

    __slots__ = (
        "approved",
        "changed",
        "last_at",
        "letters",
        "objections",
        "opened",
        "plan",
        "provisional",
        "publicity",
        "published",
        "rectification",
        "units",
        "version",
    )

    def __init__(self, plan: SeasonPlan) -> None:
        self.plan = plan
        self.version = 0
        self.opened: ev.SeasonOpened | None = None
        self.last_at: datetime | None = None
        self.letters: dict[str, ev.LetterIssued] = {}
        self.units: dict[str, _Unit] = {u: _Unit() for u in plan.unit_ids}
        # The version of the last event that changed any records.
        self.changed = 0
        self.provisional: _Snapshot | None = None
        self.publicity: ev.PublicityOpened | None = None
        self.published: _Snapshot | None = None
        self.objections: dict[str, Objection] = {}
        self.approved: tuple[ev.ResultsApproved, _Snapshot] | None = None
        self.rectification: dict[str, RectificationItem] = {}

    def copy(self) -> Fold:
        """A fold that can be changed without changing this one."""
        other = Fold.__new__(Fold)
        for name in Fold.__slots__:
            value = getattr(self, name)
            setattr(other, name, dict(value) if isinstance(value, dict) else value)
        return other

    # -- the state as values ---------------------------------------------------

    def state(self) -> SeasonState:
        """The season's state as a value (what ``ledger.state`` gives)."""
        opened = self.opened
        phase = SeasonPhase.NOT_OPENED if opened is None else SeasonPhase.COLLECTING
        if self.approved is not None:
            phase = SeasonPhase.APPROVED
        elif self.publicity is not None and self.last_at is not None:
            over = _day(self.last_at) > self.publicity.ends
            phase = SeasonPhase.PUBLICITY_OVER if over else SeasonPhase.PUBLICITY
        elif self.provisional is not None:
            phase = SeasonPhase.PROVISIONAL
        return SeasonState(
            season_id="" if opened is None else opened.season_id,
            title="" if opened is None else opened.title,
            phase=phase,
            version=self.version,
            opened_at=None if opened is None else opened.at,
            last_at=self.last_at,
            letters=tuple(self.letters),
            provisional_at=None if self.provisional is None else self.provisional.at,
            provisional_missing=(
                0 if self.provisional is None else self.provisional.missing
            ),
            publicity_starts=None if self.publicity is None else self.publicity.starts,
            publicity_ends=None if self.publicity is None else self.publicity.ends,
            approved_at=None if self.approved is None else self.approved[0].at,
            approved_reason="" if self.approved is None else self.approved[0].reason,
        )

    def evaluations(
        self, units: Mapping[str, _Unit] | None = None
    ) -> tuple[Evaluation, ...]:
        """One evaluation per assessed unit, in the plan's order."""
        units = self.units if units is None else units
        return tuple(units[u].evaluation(u) for u in self.plan.unit_ids)

    def owner_id(self, unit_id: str, indicator_id: str) -> str:
        """Who scores the indicator: its department, else the first office."""
        owner = self.plan.owner(unit_id, indicator_id)
        if owner is not None:
            return owner.id
        return self.plan.authority.offices()[0].id

    def collection(self, units: Mapping[str, _Unit] | None = None) -> CollectionStatus:
        """Department × indicator × unit: what has come in."""
        units = self.units if units is None else units
        rows = []
        for unit_id in self.plan.unit_ids:
            unit = units[unit_id]
            scope = self.plan.scope(unit_id)
            for indicator_id, (status, note) in _statuses(unit, scope).items():
                rows.append(
                    CollectionRow(
                        self.owner_id(unit_id, indicator_id),
                        unit_id,
                        indicator_id,
                        status,
                        note,
                    )
                )
        return CollectionStatus(rows)

    def missing_count(self) -> int:
        """How many (unit, indicator) scores are outstanding."""
        return sum(
            status.outstanding
            for unit_id in self.plan.unit_ids
            for status, _ in _statuses(
                self.units[unit_id], self.plan.scope(unit_id)
            ).values()
        )

    # -- applying an event -----------------------------------------------------

    def apply(self, event: ev.Event) -> None:
        """Check *event* against the season and fold it in; refuse it unchanged."""
        handler = _HANDLERS.get(type(event))
        if handler is None:
            raise InvalidValueError(
                ("event",), event, "must be a season event (pbcheck.season.events)"
            )
        actor = self.plan.authority.actor(event.actor)  # UnknownItemError
        if not isinstance(event, ev.SeasonOpened):
            if self.opened is None:
                raise RefusedError(
                    event.kind.replace("_", " "),
                    "the season is not open: its first event must be SeasonOpened",
                )
            assert self.last_at is not None  # noqa: S101 - set with opened
            if event.at < self.last_at:
                raise RefusedError(
                    event.kind.replace("_", " "),
                    f"events are recorded in time order: this one is dated "
                    f"{event.at.isoformat()}, before the latest "
                    f"({self.last_at.isoformat()})",
                )
        handler(self, event, actor)
        self.version += 1
        self.last_at = event.at

    # Each handler checks first, then changes; see the module docstring.

    def _office_only(self, actor: Actor, action: str, target: str) -> None:
        if actor.role is not ActorRole.OFFICE:
            raise NotAuthorisedError(_who(actor), action, target, self._offices())

    def _offices(self) -> str:
        names = "、".join(f"{a.id}（{a.name}）" for a in self.plan.authority.offices())
        return f"the office ({names})"

    def _not_approved(self, action: str) -> None:
        if self.approved is not None:
            raise RefusedError(
                action,
                f"the results were approved (审定) on "
                f"{_day(self.approved[0].at).isoformat()}; the season's records "
                "are closed",
            )

    def _unit(self, unit_id: str, where: Path = ("unit_id",)) -> _Scope:
        """The unit's rubric scope; a ValidationError if it is not assessed."""
        if unit_id not in self.units:
            problems = _Problems("invalid event")
            problems.add(
                UnknownReferenceError(
                    where, unit_id, "names no assessed unit of the season"
                )
            )
            problems.raise_if_any()
        return self.plan.scope(unit_id)

    def _may_handle(
        self, actor: Actor, action: str, unit_id: str, item_id: str
    ) -> None:
        """The item's owning department or the office, else refused."""
        if actor.role is ActorRole.OFFICE:
            return
        owner = self.plan.owner(unit_id, item_id)
        if (
            actor.role is ActorRole.DEPARTMENT
            and owner is not None
            and owner.id == actor.id
        ):
            return
        allowed = (
            f"{owner.id}（{owner.name}） or {self._offices()}"
            if owner is not None
            else f"{self._offices()} (no department owns it)"
        )
        raise NotAuthorisedError(
            _who(actor), action, f"{item_id} for unit {unit_id}", allowed
        )

    def on_season_opened(self, event: ev.SeasonOpened, actor: Actor) -> None:
        if self.opened is not None:
            raise RefusedError(
                "open the season",
                f"season {self.opened.season_id} was already opened on "
                f"{_day(self.opened.at).isoformat()}",
            )
        self._office_only(actor, "open", f"season {event.season_id}")
        if event.season_id != self.plan.season_id:
            problems = _Problems("invalid event")
            problems.add(
                InvalidValueError(
                    ("season_id",),
                    event.season_id,
                    f"must be the plan's season id ({self.plan.season_id})",
                )
            )
            problems.raise_if_any()
        self.opened = event

    def on_letter_issued(self, event: ev.LetterIssued, actor: Actor) -> None:
        self._office_only(
            actor, "issue", f"a responsibility letter to unit {event.unit_id}"
        )
        scope = self._unit(event.unit_id)
        problems = _Problems("invalid responsibility letter")
        for index, indicator_id in enumerate(event.indicator_ids):
            if scope.indicator(indicator_id) is None:
                problems.add(
                    UnknownReferenceError(
                        ("indicator_ids", index),
                        indicator_id,
                        f"names no indicator of the unit's rubric "
                        f"{scope.rubric.id} {scope.rubric.version}",
                    )
                )
        problems.raise_if_any()
        self.letters[event.unit_id] = event

    def on_submitted(self, event: ev.Submitted, actor: Actor) -> None:
        unit_id = event.unit_id
        if actor.role is ActorRole.UNIT:
            _unit_may_submit(actor, event)
        scope = self._unit(unit_id)
        self._not_approved("submit")
        if not (event.observations or event.activities or event.incidents):
            raise RefusedError(
                "submit", f"the submission for unit {unit_id} holds no record"
            )
        unit = self.units[unit_id]
        if actor.role is ActorRole.DEPARTMENT:
            items = [o.indicator_id for o in event.observations]
            items += [a.indicator_id for a in event.activities]
            items += [i.item_id for i in event.incidents]
            for item_id in dict.fromkeys(items):
                # An id of no item of the rubric is the records' problem, below.
                if item_id in scope.chains:
                    self._may_handle(actor, "submit", unit_id, item_id)
        _check_records(self.plan, scope, unit, event, actor.id)
        # Grouped in one pass: a unit's whole score sheet may come at once.
        grouped: dict[str, tuple[list[Observation], list[Activity]]] = {}
        for observation in event.observations:
            grouped.setdefault(observation.indicator_id, ([], []))[0].append(
                observation
            )
        for activity in event.activities:
            grouped.setdefault(activity.indicator_id, ([], []))[1].append(activity)
        entries = dict(unit.entries)
        for indicator_id, (observations, activities) in grouped.items():
            key = (actor.id, indicator_id)
            entries.pop(key, None)  # a resubmission goes to the end, as it came
            entries[key] = _Entry(
                tuple(observations), tuple(activities), event.at, self.version
            )
        by_item: dict[str, list[Incident]] = {}
        for incident in event.incidents:
            by_item.setdefault(incident.item_id, []).append(incident)
        incidents = dict(unit.incidents)
        for item_id, found in by_item.items():
            key = (actor.id, item_id)
            incidents.pop(key, None)
            incidents[key] = tuple(found)
        self.units[unit_id] = attrs.evolve(unit, entries=entries, incidents=incidents)
        self.changed = self.version

    def on_not_applicable_marked(
        self, event: ev.NotApplicableMarked, actor: Actor
    ) -> None:
        unit_id, indicator_id = event.unit_id, event.marker.indicator_id
        scope = self._unit(unit_id)
        self._not_approved("mark not applicable")
        unit = self.units[unit_id]
        problems = _Problems("invalid 合理缺项 marker")
        where: Path = ("evaluations", Id(unit_id), "not_applicable", indicator_id)
        _check_marker(scope, unit, event.marker, where, problems, replacing=False)
        problems.raise_if_any()
        self._may_handle(actor, "mark not applicable", unit_id, indicator_id)
        marked = {**unit.not_applicable, indicator_id: event.marker}
        self.units[unit_id] = attrs.evolve(unit, not_applicable=marked)
        self.changed = self.version

    def on_reviewed(self, event: ev.Accepted | ev.Returned, actor: Actor) -> None:
        accepting = isinstance(event, ev.Accepted)
        action = "accept" if accepting else "return"
        unit_id, indicator_id = event.unit_id, event.indicator_id
        scope = self._unit(unit_id)
        if scope.indicator(indicator_id) is None:
            problems = _Problems("invalid review")
            problems.add(
                UnknownReferenceError(
                    ("indicator_id",),
                    indicator_id,
                    f"names no indicator of the unit's rubric "
                    f"{scope.rubric.id} {scope.rubric.version}",
                )
            )
            problems.raise_if_any()
        self._may_handle(actor, action, unit_id, indicator_id)
        self._not_approved(action)
        unit = self.units[unit_id]
        live = unit.live(indicator_id)
        indicator = scope.indicator(indicator_id)
        # A frequency indicator with no activity at all is a finding (none
        # were held), not a gap: accepting it says the ledger was checked.
        confirms_none = (
            accepting
            and indicator is not None
            and scope.takes_activities(indicator)
            and not scope.takes_values(indicator)
            and not any(i == indicator_id for _, i in unit.entries)
        )
        if not live and not confirms_none:
            returned = [e for (_, i), e in unit.entries.items() if i == indicator_id]
            why = (
                f"it was returned ({returned[-1].returned}) and not resubmitted"
                if returned
                else "nothing has been received"
            )
            raise RefusedError(action, f"{indicator_id} for unit {unit_id}: {why}")
        if accepting:
            accepted = {**unit.accepted, indicator_id: self.version}
            self.units[unit_id] = attrs.evolve(unit, accepted=accepted)
            return
        entries = {
            key: (
                attrs.evolve(entry, returned=event.reason)
                if key[1] == indicator_id and entry.returned is None
                else entry
            )
            for key, entry in unit.entries.items()
        }
        accepted = {k: v for k, v in unit.accepted.items() if k != indicator_id}
        self.units[unit_id] = attrs.evolve(unit, entries=entries, accepted=accepted)
        self.changed = self.version

    def on_provisional_computed(
        self, event: ev.ProvisionalComputed, actor: Actor
    ) -> None:
        self._office_only(actor, "compute", "provisional results")
        self._not_approved("compute provisional results")
        self.provisional = _Snapshot(
            self.version, event.at, MappingProxyType(dict(self.units)),
            self.missing_count(),
        )  # fmt: skip

    def on_publicity_opened(self, event: ev.PublicityOpened, actor: Actor) -> None:
        action = "open the 公示"
        self._office_only(actor, "open", "the 公示 of the provisional results")
        self._not_approved(action)
        if self.provisional is None:
            raise RefusedError(action, "no provisional results have been computed")
        if self.changed > self.provisional.version:
            raise RefusedError(
                action,
                f"records changed after the provisional results of "
                f"{self.provisional.at.isoformat()}: recompute first "
                "(ProvisionalComputed)",
            )
        if self.publicity is not None and _day(event.at) <= self.publicity.ends:
            raise RefusedError(
                action,
                f"the 公示 from {self.publicity.starts.isoformat()} is open until "
                f"{self.publicity.ends.isoformat()}",
            )
        if event.working_days < self.plan.publicity_days:
            raise RefusedError(
                action,
                f"the season's 公示 lasts at least {self.plan.publicity_days} "
                f"working days (SeasonPlan.publicity_days); this one has "
                f"{event.working_days}",
            )
        self.publicity = event
        self.published = self.provisional

    def on_objection_filed(self, event: ev.ObjectionFiled, actor: Actor) -> None:
        unit_id = event.unit_id
        if actor.role is not ActorRole.UNIT or actor.unit_id != unit_id:
            raise NotAuthorisedError(
                _who(actor),
                "file",
                f"an objection for unit {unit_id}",
                f"unit {unit_id}'s own actor (an objection comes from the unit "
                "concerned)",
            )
        scope = self._unit(unit_id)
        problems = _Problems("invalid objection")
        if event.objection_id in self.objections:
            problems.add(
                DuplicateIdError(
                    ("objection_id",), event.objection_id, "was already filed"
                )
            )
        for index, indicator_id in enumerate(event.indicator_ids):
            if scope.indicator(indicator_id) is None:
                problems.add(
                    UnknownReferenceError(
                        ("indicator_ids", index),
                        indicator_id,
                        "names no indicator of the unit's rubric",
                    )
                )
        problems.raise_if_any()
        action = "file an objection"
        self._not_approved(action)
        publicity = self.publicity
        if publicity is None:
            raise RefusedError(action, "no 公示 has been opened")
        day = _day(event.at)
        if day < publicity.starts:
            raise RefusedError(
                action,
                f"the 公示 opens on {publicity.starts.isoformat()}; this objection "
                f"came on {day.isoformat()}",
            )
        if day > publicity.ends:
            raise RefusedError(
                action,
                f"the 公示 closed on {publicity.ends.isoformat()} "
                f"({publicity.working_days} working days from "
                f"{publicity.starts.isoformat()}); this objection came on "
                f"{day.isoformat()}",
            )
        self.objections[event.objection_id] = Objection(
            event.objection_id,
            unit_id,
            actor.id,
            event.at,
            event.text,
            event.indicator_ids,
        )

    def on_objection_decided(self, event: ev.ObjectionDecided, actor: Actor) -> None:
        action = f"decide objection {event.objection_id}"
        self._office_only(actor, "decide", f"objection {event.objection_id}")
        objection = self.objections.get(event.objection_id)
        if objection is None:
            raise RefusedError(action, "no objection with that id was filed")
        if objection.decided_at is not None:
            raise RefusedError(
                action,
                f"it was already decided on {_day(objection.decided_at).isoformat()}"
                f" ({objection.status_zh})",
            )
        if not event.upheld and (event.corrections or event.not_applicable):
            raise RefusedError(
                action,
                "corrections and 合理缺项 come only with an upheld objection",
            )
        unit_id = objection.unit_id
        scope, unit = self.plan.scope(unit_id), self.units[unit_id]
        problems = _Problems("invalid objection decision")
        _check_observations(
            self.plan, scope, unit, event.corrections, path=("corrections",),
            problems=problems, submitter=None,
        )  # fmt: skip
        corrected = {o.indicator_id for o in event.corrections}
        for index, marker in enumerate(event.not_applicable):
            where: Path = ("not_applicable", index, "indicator_id")
            if marker.indicator_id in corrected:
                problems.add(
                    InvalidValueError(
                        where,
                        marker.indicator_id,
                        "is both corrected and marked not applicable",
                    )
                )
            _check_marker(scope, unit, marker, where, problems, replacing=True)
        problems.raise_if_any()
        changed = corrected | {m.indicator_id for m in event.not_applicable}
        entries = {k: e for k, e in unit.entries.items() if k[1] not in changed}
        for indicator_id in dict.fromkeys(o.indicator_id for o in event.corrections):
            entries[(_CORRECTION + event.objection_id, indicator_id)] = _Entry(
                tuple(o for o in event.corrections if o.indicator_id == indicator_id),
                (),
                event.at,
                self.version,
            )
        marked = {k: m for k, m in unit.not_applicable.items() if k not in changed}
        marked.update({m.indicator_id: m for m in event.not_applicable})
        if scope.regular and set(scope.regular) <= set(marked):
            raise RefusedError(
                action, "it would mark every indicator of the unit not applicable"
            )
        self.units[unit_id] = attrs.evolve(
            unit,
            entries=entries,
            not_applicable=marked,
            accepted={k: v for k, v in unit.accepted.items() if k not in changed},
        )
        if changed:
            self.changed = self.version
        self.objections[event.objection_id] = attrs.evolve(
            objection,
            decided_at=event.at,
            upheld=event.upheld,
            reason=event.reason,
            corrections=event.corrections,
            not_applicable=event.not_applicable,
        )

    def on_results_approved(self, event: ev.ResultsApproved, actor: Actor) -> None:
        action = "approve"
        self._office_only(actor, "approve", "the results")
        if self.approved is not None:
            raise RefusedError(
                action,
                f"the results were already approved on "
                f"{_day(self.approved[0].at).isoformat()}",
            )
        publicity = self.publicity
        if publicity is None:
            raise RefusedError(action, "the results have not been published (公示)")
        if _day(event.at) <= publicity.ends:
            raise RefusedError(
                action,
                f"the 公示 runs until {publicity.ends.isoformat()}; approve after "
                "it has ended",
            )
        pending = [o.objection_id for o in self.objections.values() if not o.decided]
        if pending:
            raise RefusedError(
                action, f"objection(s) not yet decided: {', '.join(pending)}"
            )
        status = self.collection()
        if not status.complete:
            raise RefusedError(action, status.describe_missing())
        snapshot = _Snapshot(
            self.version, event.at, MappingProxyType(dict(self.units)), 0
        )
        self.approved = (event, snapshot)

    def on_rectification(self, event: ev.Event, actor: Actor) -> None:
        _rectification_step(self, event, actor)


# -- rectification (整改台账) --------------------------------------------------


def _rectification_step(fold: Fold, event: ev.Event, actor: Actor) -> None:
    """Fold one rectification event: the one place its items are made and moved."""
    if isinstance(event, ev.RectificationRaised):
        fold._office_only(actor, "raise", f"rectification item {event.item_id}")  # noqa: SLF001
        scope = fold._unit(event.unit_id)  # noqa: SLF001
        problems = _Problems("invalid rectification item")
        if event.item_id in fold.rectification:
            problems.add(
                DuplicateIdError(("item_id",), event.item_id, "was already raised")
            )
        if event.indicator_id is not None and event.indicator_id not in scope.chains:
            problems.add(
                UnknownReferenceError(
                    ("indicator_id",),
                    event.indicator_id,
                    "names no item of the unit's rubric",
                )
            )
        problems.raise_if_any()
        fold.rectification[event.item_id] = RectificationItem.raised(event)
        return
    item_id = event.item_id  # type: ignore[union-attr]
    item = fold.rectification.get(item_id)
    if isinstance(event, ev.RectificationUpdated):
        unit_id = None if item is None else item.unit_id
        if actor.role is not ActorRole.OFFICE and not (
            actor.role is ActorRole.UNIT and actor.unit_id == unit_id
        ):
            raise NotAuthorisedError(
                _who(actor),
                "update",
                f"rectification item {item_id}",
                f"{fold._offices()} or unit {unit_id}'s own actor",  # noqa: SLF001
            )
    else:
        verb = "close" if isinstance(event, ev.RectificationClosed) else "recheck"
        fold._office_only(actor, verb, f"rectification item {item_id}")  # noqa: SLF001
    if item is None:
        raise RefusedError(
            event.kind.replace("_", " "), f"no rectification item {item_id} was raised"
        )
    fold.rectification[item_id] = item.apply(event)  # type: ignore[arg-type]


_HANDLERS: dict[type, Callable[[Fold, ev.Event, Actor], None]] = {
    ev.SeasonOpened: Fold.on_season_opened,  # type: ignore[dict-item]
    ev.LetterIssued: Fold.on_letter_issued,  # type: ignore[dict-item]
    ev.Submitted: Fold.on_submitted,  # type: ignore[dict-item]
    ev.NotApplicableMarked: Fold.on_not_applicable_marked,  # type: ignore[dict-item]
    ev.Accepted: Fold.on_reviewed,  # type: ignore[dict-item]
    ev.Returned: Fold.on_reviewed,  # type: ignore[dict-item]
    ev.ProvisionalComputed: Fold.on_provisional_computed,  # type: ignore[dict-item]
    ev.PublicityOpened: Fold.on_publicity_opened,  # type: ignore[dict-item]
    ev.ObjectionFiled: Fold.on_objection_filed,  # type: ignore[dict-item]
    ev.ObjectionDecided: Fold.on_objection_decided,  # type: ignore[dict-item]
    ev.ResultsApproved: Fold.on_results_approved,  # type: ignore[dict-item]
    ev.RectificationRaised: Fold.on_rectification,
    ev.RectificationUpdated: Fold.on_rectification,
    ev.RectificationClosed: Fold.on_rectification,
    ev.RectificationRechecked: Fold.on_rectification,
}
