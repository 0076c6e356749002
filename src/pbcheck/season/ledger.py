"""A season as a ledger of events (考核全过程台账): state is the fold of its events.

A :class:`Ledger` is a :class:`~pbcheck.season.plan.SeasonPlan` and the
events recorded under it.  Constructing one replays every event with every
check, so a store rebuilds a season from its rows and gets exactly what was
recorded; :meth:`Ledger.record` checks one more event — who may do it
(:class:`~pbcheck.errors.NotAuthorisedError`), whether the season allows it
now (:class:`~pbcheck.errors.RefusedError`), whether its records are valid
(:class:`~pbcheck.errors.ValidationError`) — and returns a new ledger; a
refused event leaves the ledger as it was.  Nothing here reads a clock:
"now" is always an event's ``at`` or a parameter.

How records become evaluations (:meth:`Ledger.evaluations`):

* for each unit, each submitter's latest submission of an indicator replaces
  that submitter's earlier records of it (a resubmission);
* a returned indicator (退回补正) is not counted until it is resubmitted: the
  returned material was not accepted, so the indicator is missing;
* an upheld objection's corrections replace every earlier record of their
  indicators for the unit;
* 自评 (source ``self``) records stay in the evaluation; the rubric's source
  weights decide whether they count (by default they do not).

>>> from datetime import datetime, timedelta, timezone
>>> from pbcheck import Observation
>>> from pbcheck.examples.small import org_tree, simple_rubric
>>> from pbcheck.model.cycle import AssessmentCycle
>>> from pbcheck.season import Actor, Authority, Submitted
>>> beijing = timezone(timedelta(hours=8))
>>> plan = SeasonPlan(
...     "2025",
...     "2025年度考核",
...     simple_rubric(),
...     org_tree({"党群部门": ["a", "b"]}),
...     AssessmentCycle.calendar_year(2025),
...     Authority(
...         [
...             Actor("kpb", "考核办", "office"),
...             Actor("zzb", "组织部", "department"),
...             Actor("a", "单位a", "unit", unit_id="a"),
...         ],
...         owners={"s": "zzb"},
...     ),
... )
>>> ledger = Ledger.open(plan, at=datetime(2026, 1, 5, 9, tzinfo=beijing), actor="kpb")
>>> ledger = ledger.record(
...     Submitted(
...         at=datetime(2026, 1, 10, 9, tzinfo=beijing),
...         actor="zzb",
...         unit_id="a",
...         observations=[Observation("i", 92)],
...     )
... )
>>> ledger.version, ledger.collection().missing_for("zzb")
(2, (('b', 'i'),))
>>> ledger.record(
...     Submitted(
...         at=datetime(2026, 1, 11, 9, tzinfo=beijing),
...         actor="a",
...         unit_id="a",
...         observations=[Observation("i", 100)],
...     )
... )
Traceback (most recent call last):
    ...
pbcheck.errors.NotAuthorisedError: a（单位a，被考核单位） may not submit a 考评组 score \
of i for its own unit a; only the department that owns it or the office (a unit \
submits only its 自评, source self) may
>>> ledger.results()
Traceback (most recent call last):
    ...
pbcheck.errors.RefusedError: cannot rank the season: 1 score missing: b i (zzb); \
compute provisional results (provisional=True) or collect them first
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from datetime import date, datetime
from typing import Any, TypeVar

from pbcheck.errors import InvalidTypeError, InvalidValueError, RefusedError
from pbcheck.model.evaluation import Evaluation
from pbcheck.outcomes.season import Results, assessed_units
from pbcheck.season import events as ev
from pbcheck.season._fold import Fold, _Snapshot
from pbcheck.season._records import _Unit
from pbcheck.season.authority import ActorRole
from pbcheck.season.collection import CollectionStatus
from pbcheck.season.events import Event
from pbcheck.season.plan import SeasonPlan
from pbcheck.season.rectification import RectificationItem
from pbcheck.season.state import Objection, ResultChange, SeasonState

__all__ = ["Ledger"]

_T = TypeVar("_T")


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    if isinstance(value, str | bytes | Mapping):
        raise InvalidTypeError(("events",), value, "must be a sequence of events")
    events = tuple(value)
    kinds = tuple(ev.EVENT_KINDS.values())
    for index, event in enumerate(events):
        if not isinstance(event, kinds):
            raise InvalidTypeError(("events", index), event, "must be a season event")
    return events


class Ledger:
    """A season: its plan and its events, and the state they fold to.

    Args:
        plan: what the season runs on.
        events: every event, in the order recorded; each is checked as
            :meth:`record` checks it.

    Raises:
        NotAuthorisedError: an event by an actor the authority does not allow.
        RefusedError: an event the season's state did not allow.
        ValidationError: an event with invalid records.
        UnknownItemError: an event by an actor the authority does not know.

    Two ledgers are equal when their plans and events are.

    A store rebuilds a season by replaying its events; a refused event
    leaves the ledger as it was:

    >>> from datetime import datetime
    >>> from pbcheck import Observation
    >>> from pbcheck.errors import RefusedError
    >>> from pbcheck.season import ObjectionFiled, Submitted
    >>> from pbcheck.testing import season_plan
    >>> def at(text):
    ...     return datetime.fromisoformat(text + "+08:00")
    >>> ledger = Ledger.open(season_plan(), at=at("2026-01-05T09:00"), actor="kpb")
    >>> ledger = ledger.record(
    ...     Submitted(
    ...         at=at("2026-01-12T10:00"),
    ...         actor="xcb",
    ...         unit_id="a",
    ...         observations=[Observation("B1", 27)],
    ...     )
    ... )
    >>> Ledger(ledger.plan, ledger.events) == ledger
    True
    >>> try:
    ...     ledger.record(
    ...         ObjectionFiled(
    ...             at=at("2026-01-14T15:00"),
    ...             actor="a",
    ...             objection_id="YY-2026-01",
    ...             unit_id="a",
    ...             text="B1 得分偏低",
    ...         )
    ...     )
    ... except RefusedError as exc:
    ...     print(exc)
    cannot file an objection: no 公示 has been opened
    >>> ledger.version, ledger.state.phase.label_zh
    (2, '材料报送')
    """

    __slots__ = ("_cache", "_events", "_fold", "_plan")

    def __init__(self, plan: SeasonPlan, events: Iterable[Event] = ()) -> None:
        if not isinstance(plan, SeasonPlan):
            raise InvalidTypeError(("plan",), plan, "must be a SeasonPlan")
        events = _events(events)
        fold = Fold(plan)
        for event in events:
            fold.apply(event)
        self._plan = plan
        self._events = events
        self._fold = fold
        self._cache: dict[str, Any] = {}

    @classmethod
    def _made(cls, plan: SeasonPlan, events: tuple[Event, ...], fold: Fold) -> Ledger:
        # A ledger from a fold already checked: recording does not replay.
        ledger = cls.__new__(cls)
        ledger._plan, ledger._events = plan, events  # noqa: SLF001 - its own class
        ledger._fold, ledger._cache = fold, {}  # noqa: SLF001 - its own class
        return ledger

    @classmethod
    def open(
        cls, plan: SeasonPlan, *, at: datetime, actor: str, title: str | None = None
    ) -> Ledger:
        """A new season: the ledger with its :class:`SeasonOpened` event.

        Args:
            plan: what the season runs on.
            at: when it opens.
            actor: the office that opens it.
            title: the event's title; the plan's title if ``None``.
        """
        opened = ev.SeasonOpened(
            at=at,
            actor=actor,
            season_id=plan.season_id,
            title=plan.title if title is None else title,
        )
        return cls(plan, (opened,))

    # -- recording -------------------------------------------------------------

    def record(self, event: Event) -> Ledger:
        """A new ledger with *event* recorded; this one is left unchanged.

        Raises:
            NotAuthorisedError, RefusedError, ValidationError,
            UnknownItemError: see :class:`Ledger`.
        """
        return self.record_all((event,))

    def record_all(self, events: Iterable[Event]) -> Ledger:
        """A new ledger with every one of *events* recorded, or none of them."""
        added = _events(events)
        fold = self._fold.copy()
        for event in added:
            fold.apply(event)
        return Ledger._made(self._plan, self._events + added, fold)

    # -- what the ledger holds -------------------------------------------------

    @property
    def plan(self) -> SeasonPlan:
        """The season's plan."""
        return self._plan

    @property
    def events(self) -> tuple[Event, ...]:
        """Every event, in the order recorded."""
        return self._events

    @property
    def version(self) -> int:
        """How many events the ledger holds (a store's expected version)."""
        return len(self._events)

    @property
    def state(self) -> SeasonState:
        """Where the season stands: phase, letters, 公示 window, approval."""
        return self._cached("state", self._fold.state)

    def as_of(self, moment: date | datetime) -> Ledger:
        """The season as it stood at *moment*: the events up to it, replayed.

        A date means the end of that day, in each event's own zone; a
        datetime must be timezone-aware.  The result is a prefix of the
        events: the first event after *moment* ends it.

        >>> from pbcheck.testing import season_plan
        >>> from pbcheck.season import ProvisionalComputed
        >>> from datetime import date, datetime, timedelta, timezone
        >>> beijing = timezone(timedelta(hours=8))
        >>> ledger = Ledger.open(
        ...     season_plan(), at=datetime(2026, 1, 5, 9, tzinfo=beijing), actor="kpb"
        ... ).record(
        ...     ProvisionalComputed(
        ...         at=datetime(2026, 1, 9, 9, tzinfo=beijing), actor="kpb"
        ...     )
        ... )
        >>> (
        ...     ledger.as_of(date(2026, 1, 8)).version,
        ...     ledger.as_of(date(2026, 1, 9)).version,
        ... )
        (1, 2)
        """
        if isinstance(moment, datetime):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise InvalidValueError(
                    ("as_of",),
                    moment,
                    "must be timezone-aware (e.g. 2026-05-20T09:30+08:00) or a date",
                )

            def within(event: Event) -> bool:
                return event.at <= moment

        elif isinstance(moment, date):

            def within(event: Event) -> bool:
                return event.at.date() <= moment

        else:
            raise InvalidTypeError(("as_of",), moment, "must be a date or a datetime")
        count = 0
        for event in self._events:
            if not within(event):
                break
            count += 1
        return Ledger(self._plan, self._events[:count])

    def evaluations(self) -> tuple[Evaluation, ...]:
        """The current records, one evaluation per assessed unit (see the module)."""
        return self._cached("evaluations", self._fold.evaluations)

    def collection(self) -> CollectionStatus:
        """Department × indicator × unit: received, missing, returned, accepted."""
        return self._cached("collection", self._fold.collection)

    def assignments(self, actor_id: str) -> tuple[tuple[str, str], ...]:
        """The (unit, indicator) pairs *actor_id* scores: its score-sheet rows.

        A department gets every assessed unit × each regular indicator it
        owns; the office gets the indicators no department owns; a unit
        gets its own indicators (the rows of its 自评).

        Raises:
            UnknownItemError: no actor has that id.

        >>> from pbcheck.testing import season_plan
        >>> from datetime import datetime, timedelta, timezone
        >>> ledger = Ledger.open(
        ...     season_plan(),
        ...     at=datetime(2026, 1, 5, 9, tzinfo=timezone(timedelta(hours=8))),
        ...     actor="kpb",
        ... )
        >>> ledger.assignments("xcb")
        (('a', 'B1'), ('b', 'B1'), ('c', 'B1'))
        """
        actor = self._plan.authority.actor(actor_id)
        plan, fold = self._plan, self._fold
        pairs = []
        for unit_id in plan.unit_ids:
            if actor.role is ActorRole.UNIT and unit_id != actor.unit_id:
                continue
            for indicator_id in plan.scope(unit_id).regular:
                owner = plan.owner(unit_id, indicator_id)
                if (
                    actor.role is ActorRole.UNIT
                    or (actor.role is ActorRole.DEPARTMENT and owner is actor)
                    or (
                        actor.role is ActorRole.OFFICE
                        and owner is None
                        and fold.owner_id(unit_id, indicator_id) == actor.id
                    )
                ):
                    pairs.append((unit_id, indicator_id))
        return tuple(pairs)

    def objections(self) -> tuple[Objection, ...]:
        """Every objection, in the order filed, with its decision once decided."""
        return tuple(self._fold.objections.values())

    def rectification(self) -> tuple[RectificationItem, ...]:
        """The rectification items (整改台账), in the order raised."""
        return tuple(self._fold.rectification.values())

    # -- results ---------------------------------------------------------------

    def results(self, *, provisional: bool = False) -> Results:
        """The season's results from its current records.

        Args:
            provisional: score even with scores missing (a partial result,
                e.g. the 半年自查 picture); otherwise missing scores are
                refused.

        Raises:
            RefusedError: scores are missing (naming them) and *provisional*
                is false.
        """
        key = f"results-{provisional}"
        if key not in self._cache:
            self._cache[key] = self._results(
                self._fold.units, provisional=provisional, action="rank the season"
            )
        return self._cache[key]  # type: ignore[no-any-return]

    def published(self) -> Results | None:
        """The provisional results put to 公示, or ``None`` before any 公示."""
        snapshot = self._fold.published
        if snapshot is None:
            return None
        return self._cached(
            "published",
            lambda: self._results(
                snapshot.units, provisional=True, action="show the published results"
            ),
        )

    def final(self) -> Results | None:
        """The approved (审定) results, or ``None`` before approval."""
        approved = self._fold.approved
        if approved is None:
            return None
        snapshot: _Snapshot = approved[1]
        return self._cached(
            "final",
            lambda: self._results(snapshot.units, provisional=False, action="approve"),
        )

    def changes(self) -> tuple[ResultChange, ...]:
        """Published → final differences: total, rank, grade, list membership.

        Empty before approval or without a 公示.
        """
        before, after = self.published(), self.final()
        if before is None or after is None:
            return ()
        return _changes(before, after)

    def _results(
        self, units: Mapping[str, _Unit], *, provisional: bool, action: str
    ) -> Results:
        fold = self._fold
        status = fold.collection(units)
        partial = not status.complete
        if partial and not provisional:
            raise RefusedError(
                action,
                f"{status.describe_missing()}; compute provisional results "
                "(provisional=True) or collect them first",
            )
        evaluations = fold.evaluations(units)
        if partial:
            # A provisional picture scores the units whose records are all in;
            # the others are listed as missing (Outcomes.missing_units).
            outstanding = {row.unit_id for row in status.rows if row.status.outstanding}
            evaluations = tuple(e for e in evaluations if e.unit_id not in outstanding)
        return _compute(self._plan, evaluations, partial=partial)

    def _cached(self, key: str, make: Callable[[], _T]) -> _T:
        # A ledger never changes, so what it derives is worked out once.
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]  # type: ignore[no-any-return]

    # -- values ----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        return (self._plan, self._events) == (other._plan, other._events)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        state = self.state
        return (
            f"<Ledger {self._plan.season_id}: {self.version} events, "
            f"{state.phase.label_zh}>"
        )


def _compute(
    plan: SeasonPlan, evaluations: tuple[Evaluation, ...], *, partial: bool
) -> Results:
    """Score the season: the one place the ledger calls the scoring engine.

    With *partial* (a provisional result while scores are missing), only
    the units whose records are all in are scored; the outcomes say the
    season is partial and name the units left out.
    """
    # A plan of fewer units than the tree assesses is a partial season too.
    partial = partial or len(plan.unit_ids) < len(assessed_units(plan.tree))
    return Results.compute(
        plan.rubric, plan.tree, plan.cycle, evaluations, plan.policy, partial=partial
    )


def _changes(before: Results, after: Results) -> tuple[ResultChange, ...]:
    """Differences of total, series rank, grade and list membership, unit by unit."""

    def facts(results: Results) -> dict[str, dict[str, str]]:
        table: dict[str, dict[str, str]] = {}
        for card in results.scorecards:
            table[card.unit_id] = {"total": card.show(card.total)}
        for ranking in results.outcomes.rankings.values():
            for entry in ranking.entries:
                table.setdefault(entry.unit_id, {})["rank"] = str(entry.rank)
        for unit_id, row in table.items():
            with suppress(KeyError):  # an ungraded unit has no grade to compare
                row["grade"] = results.outcomes.grades.of(unit_id).label
            row["commended"] = str(unit_id in results.outcomes.commendation.unit_ids)
            row["bottom"] = str(unit_id in results.outcomes.bottom.unit_ids)
        return table

    old, new = facts(before), facts(after)
    return tuple(
        ResultChange(unit_id, what, was.get(what), now.get(what))
        for unit_id in dict.fromkeys([*old, *new])
        for was, now in [(old.get(unit_id, {}), new.get(unit_id, {}))]
        for what in ("total", "rank", "grade", "commended", "bottom")
        if was.get(what) != now.get(what)
    )
