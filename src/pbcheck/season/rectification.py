r"""The rectification ledger (整改台账): items raised, updated, closed and re-checked.

A :class:`RectificationItem` is one problem a unit must put right: what is
wrong, where it comes from (``basis``), who answers for it (责任人), the
measures and the deadline.  It is the fold of its events
(:mod:`pbcheck.season.events`): :meth:`RectificationItem.raised` builds it
from a :class:`~pbcheck.season.events.RectificationRaised`, and each later
event gives a new item or is refused with a
:class:`~pbcheck.errors.RefusedError` that leaves the item as it was:

==========================================  ==================================
event                                       allowed when the item is
==========================================  ==================================
:class:`~.RectificationUpdated` (整改进展)   open or reopened
:class:`~.RectificationClosed` (销号)        open or reopened
:class:`~.RectificationRechecked` (回头看)   closed; ``holds=False`` reopens it
==========================================  ==================================

An item is **overdue** on a day after its deadline while it is not closed;
a reopened item keeps its old deadline until an update sets a new one.

:func:`propose_rectification` drafts the items a season's results call for
(the office reviews them and records the ones it keeps):

* one per consequence action that is a rectification (the action's key is
  ``rectification`` or its label says 整改) under the consequence rules
  (:mod:`pbcheck.outcomes.consequences`: bottom place, grade, veto, streaks);
  the deadline is the rule's own;
* one per unit that lost points (its 失分清单 / 反馈单,
  :func:`pbcheck.scoring.lost_points`), naming the main lost items with the
  points each lost; the deadline is *months* calendar months after *at*.

The 责任人 is the unit's party secretary (书记) from the org tree: the
secretary is the first person responsible (第一责任人) for the unit's
party-building work.  A unit whose secretary is not registered is refused
(every such unit named at once): an item without a person to answer for it
is not an item an office can follow up, so register the secretary in the
tree first.

:func:`carry_over` turns the items still overdue in the next cycle into
:class:`~pbcheck.model.evaluation.Incident`\ s of a deduction item the next
rubric defines (逾期未完成整改), so that the next season can deduct for them.

Three units with their secretaries registered; the default rules raise
only the 失分清单 items:

>>> from datetime import date, datetime
>>> from pbcheck import AssessmentCycle, Evaluation, Observation
>>> from pbcheck import OrgTree, OrgUnit, ResponsiblePerson, Results
>>> from pbcheck.examples.small import simple_rubric
>>> secretaries = {"a": "张伟", "b": "李娜", "c": "王芳"}
>>> tree = OrgTree(
...     [
...         OrgUnit("root", "机关工委", "working_committee"),
...         *(
...             OrgUnit(
...                 unit_id,
...                 f"单位{unit_id}",
...                 "party_committee",
...                 parent="root",
...                 series="党群部门",
...                 responsible=[ResponsiblePerson(name, "secretary")],
...             )
...             for unit_id, name in secretaries.items()
...         ),
...     ]
... )
>>> results = Results.compute(
...     simple_rubric(),
...     tree,
...     AssessmentCycle.cross_year(2025),
...     [
...         Evaluation(u, [Observation("i", t)])
...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
...     ],
... )
>>> at = datetime.fromisoformat("2026-06-20T09:00+08:00")
>>> raised = propose_rectification(results, at=at, actor="kpb")
>>> first = raised[0]
>>> first.item_id, first.unit_id, first.basis, first.responsible, first.deadline
('ZG-2026-001', 'a', 'lost_points', '张伟', datetime.date(2026, 9, 20))
>>> print(first.problem)
单位a2025—2026年度党建工作责任制考核失分清单：共失 5.00 分；主要失分项：“综合评分”（i）失 5.00 分
>>> item = RectificationItem.raised(first)
>>> item.status.label_zh, item.overdue(date(2026, 9, 21))
('整改中', True)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from pbcheck._text import unsafe_character
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    RefusedError,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evidence, Incident, Source
from pbcheck.model.org import Role
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.consequences import (
    DEFAULT_CONSEQUENCE_RULES,
    Consequence,
    ConsequenceRule,
    OnBottom,
    OnGrade,
    OnVeto,
    Streak,
    consequences,
)
from pbcheck.outcomes.history import History
from pbcheck.outcomes.season import Results
from pbcheck.scoring.feedback import LostPoint
from pbcheck.scoring.feedback import lost_points as _lost_points
from pbcheck.season.events import (
    RectificationClosed,
    RectificationRaised,
    RectificationRechecked,
    RectificationUpdated,
)

__all__ = [
    "RectificationEvent",
    "RectificationItem",
    "RectificationStatus",
    "carry_over",
    "propose_rectification",
]

#: Any event of the rectification ledger.
RectificationEvent: TypeAlias = (
    RectificationRaised
    | RectificationUpdated
    | RectificationClosed
    | RectificationRechecked
)


class RectificationStatus(StrEnum):
    """Where a rectification item stands.

    >>> [status.label_zh for status in RectificationStatus]
    ['整改中', '已销号', '重新整改']
    """

    OPEN = "open"
    """整改中 — raised, not yet closed."""
    CLOSED = "closed"
    """已销号 — closed on evidence (and, if re-checked, found to hold)."""
    REOPENED = "reopened"
    """重新整改 — closed, then found not to hold at a 回头看."""

    @property
    def label_zh(self) -> str:
        """The status as the ledger shows it."""
        return _STATUS_ZH[self]


_STATUS_ZH = {
    RectificationStatus.OPEN: "整改中",
    RectificationStatus.CLOSED: "已销号",
    RectificationStatus.REOPENED: "重新整改",
}


def _check_day(path: tuple[str, ...], value: object) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTypeError(path, value, "must be a date (not a datetime)")
    return value


@attrs.frozen(kw_only=True)
class RectificationItem:
    """One item of the rectification ledger, as its events leave it.

    Build it with :meth:`raised`; change it only through :meth:`updated`,
    :meth:`closed` and :meth:`rechecked` (or :meth:`apply`), which return a
    new item.

    Args:
        item_id: the item's id, e.g. ``ZG-2026-014``.
        unit_id: the unit that must rectify.
        problem: what is wrong (问题).
        basis: where it comes from (``bottom``, ``grade``, ``veto``,
            ``lost_points``, ``spot_check`` or ``other``).
        responsible: the person answerable (责任人).
        deadline: the current deadline (an update may move it).
        measures: the measures (整改措施): those raised with the item, then
            those each update added.
        indicator_id: the indicator it concerns, if one.
        status: open, closed or reopened.
        raised_at: when it was raised; raised_by: by whom.
        progress: the updates (整改进展), oldest first.
        closings: every closing (销号), oldest first (a reopened item may be
            closed again).
        rechecks: every 回头看, oldest first.

    >>> from datetime import date, datetime, timedelta, timezone
    >>> beijing = timezone(timedelta(hours=8))
    >>> item = RectificationItem.raised(
    ...     RectificationRaised(
    ...         at=datetime(2026, 6, 20, 9, tzinfo=beijing),
    ...         actor="office",
    ...         item_id="ZG-2026-001",
    ...         unit_id="czj",
    ...         problem="“三会一课”记录不全",
    ...         basis="lost_points",
    ...         responsible="周明华",
    ...         deadline=date(2026, 9, 20),
    ...     )
    ... )
    >>> closed = item.closed(
    ...     RectificationClosed(
    ...         at=datetime(2026, 9, 1, 10, tzinfo=beijing),
    ...         actor="office",
    ...         item_id="ZG-2026-001",
    ...         reason="补齐会议记录，经核查属实",
    ...     )
    ... )
    >>> closed.status.label_zh, closed.closed_at.date(), item.status.label_zh
    ('已销号', datetime.date(2026, 9, 1), '整改中')
    >>> closed.closed(
    ...     RectificationClosed(
    ...         at=datetime(2026, 9, 2, 10, tzinfo=beijing),
    ...         actor="office",
    ...         item_id="ZG-2026-001",
    ...         reason="再次销号",
    ...     )
    ... )
    Traceback (most recent call last):
    ...
    pbcheck.errors.RefusedError: cannot close rectification item ZG-2026-001: it was already closed (销号) on 2026-09-01
    """

    item_id: str
    unit_id: str
    problem: str
    basis: str
    responsible: str
    deadline: date
    measures: tuple[str, ...] = ()
    indicator_id: str | None = None
    status: RectificationStatus = RectificationStatus.OPEN
    raised_at: datetime
    raised_by: str
    progress: tuple[RectificationUpdated, ...] = ()
    closings: tuple[RectificationClosed, ...] = ()
    rechecks: tuple[RectificationRechecked, ...] = ()

    @classmethod
    def raised(cls, event: RectificationRaised) -> RectificationItem:
        """The item *event* puts on the ledger.

        Raises:
            InvalidTypeError: *event* is not a
                :class:`~pbcheck.season.events.RectificationRaised`.
        """
        if not isinstance(event, RectificationRaised):
            raise InvalidTypeError(("event",), event, "must be a RectificationRaised")
        return cls(
            item_id=event.item_id,
            unit_id=event.unit_id,
            problem=event.problem,
            basis=event.basis,
            responsible=event.responsible,
            deadline=event.deadline,
            measures=event.measures,
            indicator_id=event.indicator_id,
            raised_at=event.at,
            raised_by=event.actor,
        )

    # -- reading ---------------------------------------------------------------

    @property
    def closed_at(self) -> datetime | None:
        """When it was closed, while it stands closed; else ``None``."""
        if self.status is RectificationStatus.CLOSED:
            return self.closings[-1].at
        return None

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """The evidence it was closed on, while it stands closed; else ``()``."""
        if self.status is RectificationStatus.CLOSED:
            return self.closings[-1].evidence
        return ()

    @property
    def last_at(self) -> datetime:
        """When the latest of its events happened."""
        times = [self.raised_at]
        times += [event.at for event in self.progress]
        times += [event.at for event in self.closings]
        times += [event.at for event in self.rechecks]
        return max(times)

    def overdue(self, as_of: date) -> bool:
        """Whether the item is past its deadline on *as_of* and not closed.

        >>> from datetime import date, datetime, timezone
        >>> item = RectificationItem(
        ...     item_id="ZG-1",
        ...     unit_id="a",
        ...     problem="p",
        ...     basis="other",
        ...     responsible="周明华",
        ...     deadline=date(2026, 9, 20),
        ...     raised_at=datetime(2026, 6, 20, tzinfo=timezone.utc),
        ...     raised_by="office",
        ... )
        >>> item.overdue(date(2026, 9, 20)), item.overdue(date(2026, 9, 21))
        (False, True)
        """
        _check_day(("as_of",), as_of)
        return self.status is not RectificationStatus.CLOSED and as_of > self.deadline

    # -- transitions -------------------------------------------------------------

    def _accept(
        self, event: RectificationEvent, kind: type[RectificationEvent], action: str
    ) -> str:
        """Check that *event* is a *kind* for this item, not dated before its last event."""
        if not isinstance(event, kind):
            raise InvalidTypeError(("event",), event, f"must be a {kind.__name__}")
        doing = f"{action} rectification item {self.item_id}"
        if event.item_id != self.item_id:
            raise RefusedError(
                doing, f"the event is for item {event.item_id}, not {self.item_id}"
            )
        if event.at < self.last_at:
            raise RefusedError(
                doing,
                f"the event ({event.at.isoformat()}) is dated before the item's "
                f"latest record ({self.last_at.isoformat()})",
            )
        return doing

    def _closed_on(self) -> str:
        return self.closings[-1].at.date().isoformat()

    def updated(self, event: RectificationUpdated) -> RectificationItem:
        """The item with *event*'s progress; its measures are added, its deadline moves.

        Raises:
            RefusedError: the item is closed, *event* is for another item or
                dated before the item's latest record, or the new deadline is
                before the day the item was raised.
        """
        doing = self._accept(event, RectificationUpdated, "update")
        if self.status is RectificationStatus.CLOSED:
            raise RefusedError(
                doing,
                f"it was closed (销号) on {self._closed_on()}; a 回头看 that finds "
                "it does not hold reopens it",
            )
        deadline = self.deadline
        if event.deadline is not None:
            if event.deadline < self.raised_at.date():
                raise RefusedError(
                    doing,
                    f"the new deadline {event.deadline.isoformat()} is before the "
                    f"item was raised ({self.raised_at.date().isoformat()})",
                )
            deadline = event.deadline
        return attrs.evolve(
            self,
            deadline=deadline,
            measures=(*self.measures, *event.measures),
            progress=(*self.progress, event),
        )

    def closed(self, event: RectificationClosed) -> RectificationItem:
        """The item closed (销号) on *event*'s reason and evidence.

        Raises:
            RefusedError: the item is already closed, or *event* is for
                another item or dated before the item's latest record.
        """
        doing = self._accept(event, RectificationClosed, "close")
        if self.status is RectificationStatus.CLOSED:
            raise RefusedError(
                doing, f"it was already closed (销号) on {self._closed_on()}"
            )
        return attrs.evolve(
            self,
            status=RectificationStatus.CLOSED,
            closings=(*self.closings, event),
        )

    def rechecked(self, event: RectificationRechecked) -> RectificationItem:
        """The item after a 回头看: still closed if it holds, else reopened.

        Raises:
            RefusedError: the item is not closed (only a closed item is
                re-checked), or *event* is for another item or dated before
                the item's latest record.
        """
        doing = self._accept(event, RectificationRechecked, "recheck")
        if self.status is not RectificationStatus.CLOSED:
            raise RefusedError(
                doing,
                f"it is not closed (status {self.status.label_zh}); "
                "回头看 looks again at closed items",
            )
        status = (
            RectificationStatus.CLOSED if event.holds else RectificationStatus.REOPENED
        )
        return attrs.evolve(self, status=status, rechecks=(*self.rechecks, event))

    def apply(
        self, event: RectificationUpdated | RectificationClosed | RectificationRechecked
    ) -> RectificationItem:
        """The transition *event* asks for (:meth:`updated`, :meth:`closed`, :meth:`rechecked`).

        Raises:
            RefusedError: as the transition does; a second
                :class:`~pbcheck.season.events.RectificationRaised` for the
                item is refused too.
            InvalidTypeError: *event* is not a rectification event.
        """
        if isinstance(event, RectificationUpdated):
            return self.updated(event)
        if isinstance(event, RectificationClosed):
            return self.closed(event)
        if isinstance(event, RectificationRechecked):
            return self.rechecked(event)
        if isinstance(event, RectificationRaised):
            raise RefusedError(
                f"raise rectification item {event.item_id}",
                f"item {self.item_id} was already raised on "
                f"{self.raised_at.date().isoformat()}",
            )
        raise InvalidTypeError(("event",), event, "must be a rectification event")


# -- proposing items from results ------------------------------------------------


def _is_rectification(consequence: Consequence) -> bool:
    return consequence.key == "rectification" or "整改" in consequence.label


def _basis(rule: ConsequenceRule) -> str:
    trigger = rule.when.of if isinstance(rule.when, Streak) else rule.when
    if isinstance(trigger, OnBottom):
        return "bottom"
    if isinstance(trigger, OnGrade):
        return "grade"
    if isinstance(trigger, OnVeto):
        return "veto"
    return "other"  # pragma: no cover - the triggers are the four above


def _check_moment(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidTypeError(("at",), value, "must be a timezone-aware datetime")
    if value.utcoffset() is None:
        raise InvalidValueError(
            ("at",), value, "must be timezone-aware (e.g. 2026-06-20T09:00+08:00)"
        )
    return value


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError((name,), value, "must be a non-empty string")
    if (why := unsafe_character(value)) is not None:
        raise InvalidValueError((name,), value, why)
    return value


def _check_whole(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError((name,), value, "must be a whole number ≥ 1")
    return value


def _history(results: Results, history: History | None) -> History:
    if history is None:
        return History([results.cycle_result()])
    if not isinstance(history, History):
        raise InvalidTypeError(("history",), history, "must be a History")
    latest = history.results[-1].cycle if len(history) else None
    if latest != results.cycle:
        raise InvalidValueError(
            ("history",),
            "（空）" if latest is None else latest.label_zh,
            f"must end with the results' cycle {results.cycle.label_zh}",
        )
    return history


def _lost_text(
    name: str, cycle: str, lines: Sequence[LostPoint], main: int
) -> str | None:
    """The problem of a unit's 失分清单, or ``None`` if it lost nothing."""
    losing = [line for line in lines if line.lost > 0]
    total = sum((line.lost for line in lines), Fraction(0))
    if not losing or total <= 0:
        return None
    show = losing[0].show
    # Largest first; the rubric's order among equal losses (sorted is stable).
    ranked = sorted(losing, key=lambda line: -line.lost)
    shown = "；".join(
        f"“{line.title}”（{line.item_id}）失 {show(line.lost)} 分"
        for line in ranked[:main]
    )
    text = f"{name}{cycle}党建工作责任制考核失分清单：共失 {show(total)} 分；主要失分项：{shown}"
    rest = ranked[main:]
    if rest:
        lost = sum((line.lost for line in rest), Fraction(0))
        text += f"；另有 {len(rest)} 项失 {show(lost)} 分"
    return text


class _Draft(NamedTuple):
    unit_id: str
    problem: str
    basis: str
    deadline: date
    indicator_id: str | None = None


def propose_rectification(  # noqa: PLR0913 - every choice of the office is named
    results: Results,
    *,
    at: datetime,
    actor: str,
    rules: Iterable[ConsequenceRule] = DEFAULT_CONSEQUENCE_RULES,
    history: History | None = None,
    months: int = 3,
    lost_points: bool = True,
    id_prefix: str = "ZG",
    first_number: int = 1,
    main_items: int = 5,
) -> tuple[RectificationRaised, ...]:
    """The rectification items *results* call for, as events ready to record.

    Units in the org tree's order; for each, its consequence items (in the
    order of *rules* and their actions) and then its 失分清单 item.  Ids are
    ``<id_prefix>-<year of at>-<n>`` (at least three digits), numbered in
    that order from *first_number*, so the same results propose the same
    items.

    Args:
        results: the season's results (final ones, in a season).
        at: when the items are raised.
        actor: who raises them (the office).
        rules: consequence rules (:mod:`pbcheck.outcomes.consequences`);
            only their rectification actions become items.
        history: earlier cycles for streak rules, ending with the results'
            cycle; ``None``: this cycle alone.
        months: calendar months from *at* to a 失分清单 item's deadline
            (``dateutil``'s months: 31 May + 1 month is 30 June).
        lost_points: whether to raise the 失分清单 items.
        id_prefix: the ids' prefix (整改 → ``ZG``).
        first_number: the first item's number, so that a later batch of the
            same year continues the ledger's numbering instead of reusing it.
        main_items: how many of the largest lost items a problem names.

    Raises:
        InvalidTypeError: an argument of the wrong type, named.
        InvalidValueError: a bad argument, named.
        ValidationError: units that need an item have no secretary (书记)
            registered in the tree, every such unit named; or the rules are
            invalid (as :func:`~pbcheck.outcomes.consequences.consequences`
            says).

    A rule of your own (not a regulation: the office writes it):

    >>> from datetime import datetime
    >>> from pbcheck import AssessmentCycle, Evaluation, Observation
    >>> from pbcheck import OrgTree, OrgUnit, ResponsiblePerson, Results
    >>> from pbcheck.examples.small import simple_rubric
    >>> secretaries = {"a": "张伟", "b": "李娜", "c": "王芳"}
    >>> tree = OrgTree(
    ...     [
    ...         OrgUnit("root", "机关工委", "working_committee"),
    ...         *(
    ...             OrgUnit(
    ...                 unit_id,
    ...                 f"单位{unit_id}",
    ...                 "party_committee",
    ...                 parent="root",
    ...                 series="党群部门",
    ...                 responsible=[ResponsiblePerson(name, "secretary")],
    ...             )
    ...             for unit_id, name in secretaries.items()
    ...         ),
    ...     ]
    ... )
    >>> results = Results.compute(
    ...     simple_rubric(),
    ...     tree,
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation(u, [Observation("i", t)])
    ...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
    ...     ],
    ... )
    >>> from pbcheck.outcomes.consequences import ConsequenceRule, OnBottom
    >>> from pbcheck.outcomes.history import EscalationStep
    >>> bottom = ConsequenceRule(
    ...     "bottom",
    ...     OnBottom(),
    ...     [EscalationStep("rectification", "限期整改", "主要领导", months=2)],
    ...     basis="处于后位的，限期两个月整改",
    ... )
    >>> at = datetime.fromisoformat("2026-06-20T09:00+08:00")
    >>> items = propose_rectification(results, at=at, actor="kpb", rules=[bottom])
    >>> for item in items:
    ...     print(
    ...         item.item_id, item.unit_id, item.basis, item.deadline, item.responsible
    ...     )
    ZG-2026-001 a lost_points 2026-09-20 张伟
    ZG-2026-002 b lost_points 2026-09-20 李娜
    ZG-2026-003 c bottom 2026-08-15 王芳
    ZG-2026-004 c lost_points 2026-09-20 王芳

    Units with no secretary registered are refused, all of them named:

    >>> from pbcheck.errors import ValidationError, render
    >>> from pbcheck.examples.small import org_tree
    >>> bare = Results.compute(
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b"]}),
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation("a", [Observation("i", 95)]),
    ...         Evaluation("b", [Observation("i", 70)]),
    ...     ],
    ... )
    >>> try:
    ...     propose_rectification(bare, at=at, actor="kpb")
    ... except ValidationError as exc:
    ...     print(render(exc)[0])
    ...     print(render(exc)[1])  # doctest: +ELLIPSIS
    cannot propose rectification items: 2 problems
      unit[a].responsible: names no secretary (书记) to answer for its rectification items; ...
    """
    if not isinstance(results, Results):
        raise InvalidTypeError(("results",), results, "must be a Results")
    at = _check_moment(at)
    actor = _check_text("actor", actor)
    id_prefix = _check_text("id_prefix", id_prefix)
    months = _check_whole("months", months)
    first_number = _check_whole("first_number", first_number)
    main_items = _check_whole("main_items", main_items)
    chosen = tuple(rules)
    found = consequences(_history(results, history), chosen, latest_only=True)
    by_key = {rule.key: rule for rule in chosen}
    actions: dict[str, list[Consequence]] = {}
    for consequence in found:
        if _is_rectification(consequence):
            actions.setdefault(consequence.unit_id, []).append(consequence)
    due = at.date() + relativedelta(months=months)
    drafts: list[tuple[_Draft, str]] = []
    problems = _Problems("cannot propose rectification items")
    scored = {card.unit_id: card for card in results.scorecards}
    for unit in results.tree:
        if unit.id not in scored:
            continue
        unit_drafts = [
            _Draft(unit.id, c.reason, _basis(by_key[c.rule]), c.due)
            for c in actions.get(unit.id, ())
        ]
        if lost_points:
            lines = _lost_points(scored[unit.id], results.rubric_of(unit.id))
            text = _lost_text(unit.name, results.cycle.label_zh, lines, main_items)
            if text is not None:
                losing = [line for line in lines if line.lost > 0]
                only = losing[0] if len(losing) == 1 else None
                indicator = only.item_id if only and only.kind == "indicator" else None
                unit_drafts.append(_Draft(unit.id, text, "lost_points", due, indicator))
        if not unit_drafts:
            continue
        secretary = next(
            (p.name for p in unit.responsible if p.role is Role.SECRETARY), None
        )
        if secretary is None:
            problems.add(
                UnknownReferenceError(
                    (*item("unit", unit.id), "responsible"),
                    [p.name for p in unit.responsible],
                    "names no secretary (书记) to answer for its rectification "
                    "items; register the unit's 党组织书记 in the org tree",
                )
            )
            continue
        drafts.extend((draft, secretary) for draft in unit_drafts)
    problems.raise_if_any()
    width = max(3, len(str(first_number + len(drafts) - 1)))
    return tuple(
        RectificationRaised(
            at=at,
            actor=actor,
            item_id=f"{id_prefix}-{at.year}-{number:0{width}d}",
            unit_id=draft.unit_id,
            problem=draft.problem,
            basis=draft.basis,
            responsible=secretary,
            deadline=draft.deadline,
            indicator_id=draft.indicator_id,
        )
        for number, (draft, secretary) in enumerate(drafts, first_number)
    )


# -- carrying open items into the next cycle ---------------------------------------


def carry_over(  # noqa: PLR0913 - the next cycle's terms are each named
    items: Iterable[RectificationItem],
    *,
    as_of: date,
    deduction_item_id: str,
    cycle: AssessmentCycle,
    rubric: Rubric | None = None,
    category: str | None = None,
) -> tuple[Incident, ...]:
    """The items overdue on *as_of* as incidents of *cycle* the next rubric deducts for.

    An item carries over when it is not closed and its deadline has passed
    (an item still within its deadline is not a failing yet: call again
    later).  Each incident is of *deduction_item_id*, dated the day after
    the deadline or, if that was before *cycle*, the cycle's first day;
    its note names the item, and its evidence refers to the ledger item.
    Incidents belong to a unit's evaluation: pass the items of one unit to
    get that unit's incidents.

    Args:
        items: rectification items (a ledger's, or any).
        as_of: the day of the look; it must fall within *cycle*.
        deduction_item_id: the deduction item (直接扣分) of the next rubric.
        cycle: the next cycle, in which the incidents are dated.
        rubric: the next rubric, when given, must define the deduction item.
        category: the deduction's category, for items graded by category.

    Raises:
        InvalidTypeError: an argument of the wrong type, named.
        InvalidValueError: a bad argument, named (as_of outside *cycle*).
        UnknownReferenceError: *rubric* has no such deduction item.

    >>> from datetime import date, datetime, timezone
    >>> from pbcheck import AssessmentCycle
    >>> item = RectificationItem(
    ...     item_id="ZG-2026-003",
    ...     unit_id="czj",
    ...     problem="“三会一课”记录不全",
    ...     basis="lost_points",
    ...     responsible="周明华",
    ...     deadline=date(2026, 9, 20),
    ...     raised_at=datetime(2026, 6, 20, tzinfo=timezone.utc),
    ...     raised_by="office",
    ... )
    >>> (incident,) = carry_over(
    ...     [item],
    ...     as_of=date(2026, 10, 8),
    ...     deduction_item_id="K2",
    ...     cycle=AssessmentCycle.cross_year(2026),
    ... )
    >>> incident.item_id, incident.occurred_at, incident.evidence[0].ref
    ('K2', datetime.date(2026, 9, 21), 'ZG-2026-003')
    >>> print(incident.note)
    整改台账 ZG-2026-003（czj）逾期未完成整改：整改期限 2026-09-20，截至 2026-10-08 仍为“整改中”
    """
    _check_day(("as_of",), as_of)
    deduction_item_id = _check_text("deduction_item_id", deduction_item_id)
    if not isinstance(cycle, AssessmentCycle):
        raise InvalidTypeError(("cycle",), cycle, "must be an AssessmentCycle")
    if not cycle.start <= as_of <= cycle.end:
        raise InvalidValueError(
            ("as_of",),
            as_of,
            f"must fall within the cycle {cycle.label_zh} "
            f"({cycle.start.isoformat()}—{cycle.end.isoformat()})",
        )
    if rubric is not None:
        known = [deduction.id for deduction in rubric.deductions]
        if deduction_item_id not in known:
            raise UnknownReferenceError(
                ("deduction_item_id",),
                deduction_item_id,
                f"names no deduction item of rubric {rubric.id} {rubric.version} "
                f"(it has {', '.join(known) or 'none'})",
            )
    out = []
    for index, entry in enumerate(items):
        if not isinstance(entry, RectificationItem):
            raise InvalidTypeError(
                ("items", index), entry, "must be a RectificationItem"
            )
        if not entry.overdue(as_of):
            continue
        late = max(entry.deadline + timedelta(days=1), cycle.start)
        out.append(
            Incident(
                deduction_item_id,
                late,
                category=category,
                source=Source.LEDGER,
                evidence=(Evidence("ledger", entry.item_id, title="整改台账"),),
                note=(
                    f"整改台账 {entry.item_id}（{entry.unit_id}）逾期未完成整改："
                    f"整改期限 {entry.deadline.isoformat()}，截至 {as_of.isoformat()} "
                    f"仍为“{entry.status.label_zh}”"
                ),
            )
        )
    return tuple(out)
