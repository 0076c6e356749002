"""History across cycles: streaks, escalation and trends (连续处于后位).

The source documents attach consequences to *runs* of results.  Nanping's
practice, as the article reports it:

    连续两年处于后位的，由市直工委通报批评，并向其主管部门（单位）或上级分管领导
    进行反馈。
    -- 南平市，关于进一步完善机关党建工作责任制的思考（一、实践情况）

and what the same article proposes on top (诫勉 is a formal accountability
measure, not a friendly talk):

    连续两年处于后位的，要追究领导班子和相关责任人的责任，上级分管领导进行诫勉
    谈话，并责成主要领导从思想上、工作上提出具体措施，限期整改。
    -- 同上（三、对策与建议）

后位 ("at the bottom") is whatever bottom places the rubric's
:class:`~pbcheck.outcomes.selection.BottomPolicy` defines, e.g. the last
three of each series.

A :class:`History` holds the :class:`CycleResult` of several cycles for the
same org tree, oldest first.  Units may be renamed, merged or split between
cycles; an explicit **succession** (old id → new ids) per cycle keeps their
streaks alive:

* a unit not named in a succession continues under the same id;
* a renamed or split unit passes its streak to each of its successors;
* a merged unit inherits the **longest** streak of its predecessors
  (accountability does not vanish in a merger);
* a unit mapped to no successor was dissolved.

Two cycles are consecutive when the later starts the day after the earlier
ends; a gap (a cycle missing from the history) breaks every streak, as does a
cycle in which a unit was not assessed.

:func:`escalations` emits the configured actions (通报批评, 反馈主管部门,
诫勉谈话, 限期整改 by default) for every cycle in which a unit's bottom
streak reaches :attr:`EscalationPolicy.length` (two by default) — and again in
every later cycle it stays there — each due a set time after a milestone of
that cycle (``results_announced`` by default).  :func:`honours` reports runs
at the top, :func:`trends` the change of rank and score.

>>> from datetime import date
>>> from pbcheck import AssessmentCycle
>>> history = History(
...     [
...         CycleResult(
...             AssessmentCycle.cross_year(2024), [UnitResult("a", at_bottom=True)]
...         ),
...         CycleResult(
...             AssessmentCycle.cross_year(2025), [UnitResult("a", at_bottom=True)]
...         ),
...     ]
... )
>>> [(a.label, a.due) for a in escalations(history)]
[('通报批评', datetime.date(2026, 7, 15)), ('反馈主管部门', datetime.date(2026, 7, 15)), ('诫勉谈话', datetime.date(2026, 7, 15)), ('限期整改', datetime.date(2026, 9, 15))]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta

from pbcheck._numbers import RoundingPolicy
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    Path,
    Problem,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.rubric import ROOT
from pbcheck.outcomes.grading import Grades
from pbcheck.outcomes.ranking import Ranking
from pbcheck.outcomes.selection import BottomList, CommendationList
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_ESCALATION_STEPS",
    "Compare",
    "CycleResult",
    "EscalationAction",
    "EscalationPolicy",
    "EscalationStep",
    "History",
    "HonourNote",
    "StreakTest",
    "Trend",
    "UnitResult",
    "escalations",
    "history_frame",
    "honours",
    "trends",
    "trends_frame",
]


def _attainments(value: Mapping[str, Fraction]) -> dict[str, Fraction]:
    return dict(value)


@attrs.frozen
class UnitResult:
    """What history needs of one unit in one cycle.

    Args:
        unit_id: the unit's id in that cycle.
        total: its exact total, if known.
        rank: its rank within its group, if known.
        at_bottom: it was at the bottom (处于后位).
        top: it was commended (or in the top N).
        group: its series (or the group it was ranked in).
        grade: its grade (等次) label, if graded.
        vetoed: it was vetoed (一票否决).
        rubric: the rubric it was scored on, ``<id> <version>``, if known;
            trends and streaks across a change of rubric warn.
        attainment: per part of the rubric (top-level section id), the
            share of the part's points earned (得分率), if known.

    >>> UnitResult("a", total=Fraction(90), rank=1, top=True).top
    True
    """

    unit_id: str
    total: Fraction | None = None
    rank: int | None = None
    at_bottom: bool = False
    top: bool = False
    group: str | None = None
    grade: str | None = None
    vetoed: bool = False
    rubric: str | None = None
    attainment: Mapping[str, Fraction] = attrs.field(
        factory=dict, converter=_attainments, hash=False
    )


def _units(value: Iterable[UnitResult]) -> tuple[UnitResult, ...]:
    return tuple(value)


@attrs.frozen
class CycleResult:
    """The results of one cycle: one :class:`UnitResult` per assessed unit.

    >>> from pbcheck import AssessmentCycle
    >>> result = CycleResult(AssessmentCycle.cross_year(2025), [UnitResult("a")])
    >>> result.get("a").at_bottom, result.get("b")
    (False, None)
    """

    cycle: AssessmentCycle
    units: tuple[UnitResult, ...] = attrs.field(converter=_units)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid cycle result")
        if not isinstance(self.cycle, AssessmentCycle):
            problems.add(
                InvalidTypeError(
                    ("result", "cycle"), self.cycle, "must be an AssessmentCycle"
                )
            )
        seen: set[str] = set()
        for index, unit in enumerate(self.units):
            if not isinstance(unit, UnitResult):
                problems.add(
                    InvalidTypeError(
                        ("result", "units", index), unit, "must be a UnitResult"
                    )
                )
            elif unit.unit_id in seen:
                # Named by position: its id would name the first one.
                problems.add(
                    DuplicateIdError(
                        ("result", "units", index, "unit_id"),
                        unit.unit_id,
                        "appears twice",
                    )
                )
            else:
                seen.add(unit.unit_id)
        problems.raise_if_any()

    def get(self, unit_id: str) -> UnitResult | None:
        """The result of *unit_id*, or ``None`` if it was not assessed."""
        for unit in self.units:
            if unit.unit_id == unit_id:
                return unit
        return None

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """The assessed units' ids."""
        return tuple(unit.unit_id for unit in self.units)

    @classmethod
    def from_lists(  # noqa: PLR0913 - every list of the cycle is named
        cls,
        cycle: AssessmentCycle,
        rankings: Mapping[str, Ranking],
        *,
        bottom: BottomList | None = None,
        commendation: CommendationList | None = None,
        top_n: int | None = None,
        grades: Grades | None = None,
        scorecards: Iterable[Scorecard] = (),
    ) -> CycleResult:
        """Build from a cycle's rankings and lists.

        ``top`` is "commended" when *commendation* is given, else "rank ≤
        *top_n*" when that is given, else ``False``.  Each unit's grade comes
        from *grades*, its rubric and per-part attainment from its scorecard
        in *scorecards*, when given; ``vetoed`` from the ranking.

        >>> from pbcheck import AssessmentCycle
        >>> from pbcheck.outcomes.ranking import rank
        >>> from pbcheck.examples.small import scorecards
        >>> table = rank(scorecards({"a": 90, "b": 80}))
        >>> result = CycleResult.from_lists(
        ...     AssessmentCycle.cross_year(2025), {"全部": table}, top_n=1
        ... )
        >>> [(u.unit_id, u.rank, u.top) for u in result.units]
        [('a', 1, True), ('b', 2, False)]
        """
        cards = {card.unit_id: card for card in scorecards}
        graded = {} if grades is None else {g.unit_id: g.label for g in grades}
        units = []
        for group, table in rankings.items():
            for entry in table:
                if commendation is not None:
                    top = entry.unit_id in commendation
                else:
                    top = top_n is not None and entry.rank <= top_n
                card = cards.get(entry.unit_id)
                units.append(
                    UnitResult(
                        entry.unit_id,
                        entry.total,
                        entry.rank,
                        at_bottom=bottom is not None and entry.unit_id in bottom,
                        top=top,
                        group=group,
                        grade=graded.get(entry.unit_id),
                        vetoed=entry.disqualified,
                        rubric=None if card is None else _rubric(card),
                        attainment={} if card is None else _attainment(card),
                    )
                )
        return cls(cycle, units)

    def group_size(self, unit: UnitResult) -> int:
        """How many units of this cycle were ranked in *unit*'s group."""
        return sum(1 for other in self.units if other.group == unit.group)


def _rubric(card: Scorecard) -> str:
    return f"{card.rubric_id} {card.rubric_version}"


def _attainment(card: Scorecard) -> dict[str, Fraction]:
    """Each part's (top-level section's) attainment, by section id."""
    root = card.sections.get(ROOT)
    if root is None:
        return {}
    return {
        part: card.sections[part].attainment
        for part in root.children
        if part in card.sections
    }


#: What a streak counts: the bottom or top flag, or any test of a unit's result.
StreakTest: TypeAlias = Literal["bottom", "top"] | Callable[[UnitResult], bool]


def _successor_ids(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _successions(
    value: Mapping[str, Mapping[str, str | Sequence[str]]],
) -> dict[str, dict[str, tuple[str, ...]]]:
    return {
        label: {old: _successor_ids(new) for old, new in dict(mapping).items()}
        for label, mapping in dict(value).items()
    }


def _sorted_results(value: Iterable[CycleResult]) -> tuple[CycleResult, ...]:
    items = tuple(value)
    if all(isinstance(r, CycleResult) for r in items):
        return tuple(sorted(items, key=lambda r: r.cycle.start))
    return items


@attrs.frozen
class History:
    """Results of several cycles, oldest first, and how units succeeded each other.

    Args:
        results: one :class:`CycleResult` per cycle, in any order (they are
            sorted by start date); cycles must not overlap.
        successions: later cycle's ``label_zh`` → {old id → new id(s)} for
            the units renamed, merged, split or dissolved (``[]``) since the
            cycle before it.

    Raises:
        ValidationError: overlapping cycles; a succession for an unknown or
            first cycle; old ids not assessed in the cycle before, new ids
            not assessed in that cycle.

    >>> from pbcheck import AssessmentCycle
    >>> c24, c25 = AssessmentCycle.cross_year(2024), AssessmentCycle.cross_year(2025)
    >>> history = History(
    ...     [
    ...         CycleResult(c24, [UnitResult("gsj", at_bottom=True)]),
    ...         CycleResult(c25, [UnitResult("scjg", at_bottom=True)]),
    ...     ],
    ...     successions={c25.label_zh: {"gsj": "scjg"}},
    ... )
    >>> history.predecessors(1, "scjg")
    ('gsj',)
    """

    results: tuple[CycleResult, ...] = attrs.field(converter=_sorted_results)
    successions: Mapping[str, Mapping[str, tuple[str, ...]]] = attrs.field(
        factory=dict, converter=_successions
    )

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid history")
        for index, result in enumerate(self.results):
            if not isinstance(result, CycleResult):
                problems.add(
                    InvalidTypeError(
                        ("history", "results", index), result, "must be a CycleResult"
                    )
                )
        problems.raise_if_any()
        labels = {r.cycle.label_zh: i for i, r in enumerate(self.results)}
        for earlier, later in zip(self.results, self.results[1:], strict=False):
            if later.cycle.start <= earlier.cycle.end:
                problems.add(
                    InvalidValueError(
                        ("history", "results", Id(later.cycle.label_zh)),
                        later.cycle.start.isoformat(),
                        f"overlaps {earlier.cycle.label_zh} (ends {earlier.cycle.end.isoformat()})",
                    )
                )
        for label, mapping in self.successions.items():
            # Keys of mappings: name steps (``successions["2025年度"]["gsj"]``).
            where: Path = ("history", "successions", str(label))
            position = labels.get(label)
            if position is None or position == 0:
                problems.add(
                    UnknownReferenceError(
                        where,
                        label,
                        "must name a cycle of the history other than the first "
                        f"({', '.join(labels)})",
                    )
                )
                continue
            before = set(self.results[position - 1].unit_ids)
            after = set(self.results[position].unit_ids)
            for old, new_ids in mapping.items():
                if old not in before:
                    problems.add(
                        UnknownReferenceError(
                            (*where, str(old)),
                            old,
                            "was not assessed in the cycle before",
                        )
                    )
                for new in new_ids:
                    if new not in after:
                        problems.add(
                            UnknownReferenceError(
                                (*where, str(old)), new, f"was not assessed in {label}"
                            )
                        )
        problems.raise_if_any()

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[CycleResult]:
        return iter(self.results)

    def consecutive(self, index: int) -> bool:
        """Whether cycle *index* starts the day after cycle *index* − 1 ends."""
        if index <= 0:
            return False
        before, after = self.results[index - 1].cycle, self.results[index].cycle
        return after.start == before.end + timedelta(days=1)

    def successors(self, index: int, unit_id: str) -> tuple[str, ...]:
        """Ids in cycle *index* + 1 that continue *unit_id* of cycle *index*."""
        if index + 1 >= len(self.results):
            return ()
        mapping = self.successions.get(self.results[index + 1].cycle.label_zh, {})
        return mapping.get(unit_id, (unit_id,))

    def predecessors(self, index: int, unit_id: str) -> tuple[str, ...]:
        """Ids in cycle *index* − 1 that *unit_id* of cycle *index* continues.

        Empty for the first cycle, after a gap, or for a new unit.
        """
        if not self.consecutive(index):
            return ()
        before = self.results[index - 1]
        return tuple(
            old for old in before.unit_ids if unit_id in self.successors(index - 1, old)
        )

    def streaks(self, kind: StreakTest = "bottom") -> tuple[dict[str, int], ...]:
        """Per cycle, each unit's run of consecutive cycles at the bottom (top).

        A unit's run is 0 in a cycle where it is not at the bottom (top);
        otherwise 1 + the longest run of its predecessors.  *kind* may also
        be any test of a :class:`UnitResult`, e.g. "graded 一般 or 差".

        >>> from pbcheck import AssessmentCycle
        >>> history = History(
        ...     [
        ...         CycleResult(
        ...             AssessmentCycle.cross_year(y), [UnitResult("a", at_bottom=b)]
        ...         )
        ...         for y, b in ((2023, True), (2024, True), (2025, False))
        ...     ]
        ... )
        >>> [s["a"] for s in history.streaks()]
        [1, 2, 0]
        """
        out: list[dict[str, int]] = []
        for index, result in enumerate(self.results):
            runs: dict[str, int] = {}
            for unit in result.units:
                if kind == "bottom":
                    flag = unit.at_bottom
                elif kind == "top":
                    flag = unit.top
                else:
                    flag = kind(unit)
                if not flag:
                    runs[unit.unit_id] = 0
                    continue
                earlier = [
                    out[index - 1][p] for p in self.predecessors(index, unit.unit_id)
                ]
                runs[unit.unit_id] = 1 + max(earlier, default=0)
            out.append(runs)
        return tuple(out)

    def lineage(self, index: int, unit_id: str) -> str:
        """How *unit_id* of cycle *index* relates to the cycle before, in words."""
        previous = self.predecessors(index, unit_id)
        if not previous or previous == (unit_id,):
            return ""
        if len(previous) > 1:
            return f"由 {'、'.join(previous)} 合并而来"
        (old,) = previous
        if len(self.successors(index - 1, old)) > 1:
            return f"由 {old} 分设而来"
        return f"原 {old}"


@attrs.frozen
class EscalationStep:
    """One action taken on a unit whose bottom streak reached the policy's length.

    Args:
        key: a stable English id, e.g. ``rectification``.
        label: the action in Chinese, e.g. ``限期整改``.
        by: who acts, e.g. ``市直机关工委``.
        milestone: the cycle milestone the due date counts from.
        days: days after the milestone.
        months: months after the milestone (calendar months, then *days*).
        basis: the rule it rests on, quoted in the reason.

    >>> EscalationStep("talk", "诫勉谈话", "上级分管领导", days=30).days
    30
    """

    key: str
    label: str
    by: str
    milestone: str = "results_announced"
    days: int = 0
    months: int = 0
    basis: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid escalation step")
        here = item("step", self.key)
        for name in ("key", "label", "by", "milestone"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                # A bad key names no step: the bare kind stands (``step.key``).
                problems.add(
                    InvalidValueError(
                        (*here, name), value, "must be a non-empty string"
                    )
                )
        for name in ("days", "months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.add(
                    InvalidValueError(
                        (*here, name), value, "must be a whole number ≥ 0"
                    )
                )
        problems.raise_if_any()

    def due(self, cycle: AssessmentCycle) -> date:
        """The due date in *cycle*: the milestone plus ``months`` and ``days``.

        >>> from pbcheck import AssessmentCycle
        >>> EscalationStep("x", "限期整改", "主要领导", months=3).due(
        ...     AssessmentCycle.cross_year(2025)
        ... )
        datetime.date(2026, 9, 15)
        """
        start = cycle.milestone(self.milestone).date
        return start + relativedelta(months=self.months, days=self.days)

    def within(self) -> str:
        """The time allowed, in Chinese: ``30 天``, ``3 个月``, ``1 个月又10 天``.

        >>> EscalationStep("x", "整改", "主要领导", months=1, days=10).within()
        '1 个月又10 天'
        """
        parts = []
        if self.months:
            parts.append(f"{self.months} 个月")
        if self.days or not parts:
            parts.append(f"{self.days} 天")
        return "又".join(parts)


_NANPING = "连续两年处于后位的，由市直工委通报批评，并向其主管部门（单位）或上级分管领导进行反馈"
_ACCOUNT = "连续两年处于后位的，上级分管领导进行诫勉谈话，并责成主要领导……限期整改"

#: The four actions of the source documents, due 30 days (整改: 3 months)
#: after the results are announced.  Change them as data.
DEFAULT_ESCALATION_STEPS: tuple[EscalationStep, ...] = (
    EscalationStep(
        "circulated_criticism", "通报批评", "市直机关工委", days=30, basis=_NANPING
    ),
    EscalationStep(
        "feedback_to_superior", "反馈主管部门", "市直机关工委", days=30, basis=_NANPING
    ),
    EscalationStep(
        "admonishment_talk", "诫勉谈话", "上级分管领导", days=30, basis=_ACCOUNT
    ),
    EscalationStep("rectification", "限期整改", "主要领导", months=3, basis=_ACCOUNT),
)


@attrs.frozen
class EscalationPolicy:
    """When escalation fires and what it does.

    Args:
        length: the run of consecutive cycles at the bottom that triggers it
            (2: 连续两年).
        steps: the actions, in order.

    >>> EscalationPolicy().length
    2
    """

    length: int = attrs.field(default=2, validator=attrs.validators.ge(1))
    steps: tuple[EscalationStep, ...] = attrs.field(
        default=DEFAULT_ESCALATION_STEPS, converter=tuple
    )


@attrs.frozen
class EscalationAction:
    """One action due for one unit in one cycle, and why.

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(y), [UnitResult("czj", at_bottom=True)]
    ...         )
    ...         for y in (2024, 2025)
    ...     ]
    ... )
    >>> action = escalations(history)[0]
    >>> action.unit_id, action.cycle, action.label, action.streak, action.due
    ('czj', '2025—2026年度', '通报批评', 2, datetime.date(2026, 7, 15))
    """

    unit_id: str
    cycle: str
    key: str
    label: str
    by: str
    streak: int
    due: date
    reason: str


def escalations(
    history: History,
    policy: EscalationPolicy | None = None,
    *,
    latest_only: bool = False,
) -> tuple[EscalationAction, ...]:
    """The escalation actions of every cycle (or only the latest); see the module.

    Raises:
        ValidationError: a step names a milestone a cycle does not have.

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(y), [UnitResult("a", at_bottom=True)]
    ...         )
    ...         for y in (2023, 2024, 2025)
    ...     ]
    ... )
    >>> sorted({(a.cycle, a.streak) for a in escalations(history)})
    [('2024—2025年度', 2), ('2025—2026年度', 3)]
    """
    policy = policy or EscalationPolicy()
    problems = _Problems("invalid escalation")
    streaks = history.streaks("bottom")
    actions: list[EscalationAction] = []
    first = len(history) - 1 if latest_only else 0
    for index in range(first, len(history)):
        result = history.results[index]
        for unit in result.units:
            streak = streaks[index][unit.unit_id]
            if streak < policy.length:
                continue
            lineage = history.lineage(index, unit.unit_id)
            note = f"（{lineage}）" if lineage else ""
            for step in policy.steps:
                try:
                    due = step.due(result.cycle)
                except Problem as problem:
                    problems.add(
                        UnknownReferenceError(
                            ("policy", "steps", Id(step.key), "milestone"),
                            step.milestone,
                            problem.message,
                        )
                    )
                    continue
                milestone = result.cycle.milestone(step.milestone)
                actions.append(
                    EscalationAction(
                        unit.unit_id,
                        result.cycle.label_zh,
                        step.key,
                        step.label,
                        step.by,
                        streak,
                        due,
                        f"{unit.unit_id}{note} 截至{result.cycle.label_zh}连续 {streak} 个"
                        f"考核周期处于后位（达到 {policy.length} 个），由{step.by}"
                        f"{step.label}，{milestone.name_zh}（{milestone.date.isoformat()}）"
                        f"后 {step.within()}内完成，即 {due.isoformat()} 前"
                        + (f"；依据：{step.basis}" if step.basis else ""),
                    )
                )
    problems.raise_if_any()
    return tuple(actions)


@attrs.frozen
class HonourNote:
    """A run of consecutive cycles at the top (e.g. commended three years running).

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(y), [UnitResult("czj", top=True)]
    ...         )
    ...         for y in (2023, 2024, 2025)
    ...     ]
    ... )
    >>> [(note.cycle, note.streak) for note in honours(history)]
    [('2025—2026年度', 3)]
    """

    unit_id: str
    cycle: str
    streak: int
    reason: str


def honours(history: History, length: int = 3) -> tuple[HonourNote, ...]:
    """Units whose run at the top reached *length* cycles, per cycle.

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(AssessmentCycle.cross_year(y), [UnitResult("a", top=True)])
    ...         for y in (2024, 2025)
    ...     ]
    ... )
    >>> [n.reason for n in honours(history, 2)]
    ['a 截至2025—2026年度连续 2 个考核周期受到表彰或位列前列']
    """
    streaks = history.streaks("top")
    notes = []
    for index, result in enumerate(history.results):
        for unit in result.units:
            streak = streaks[index][unit.unit_id]
            if streak >= length:
                lineage = history.lineage(index, unit.unit_id)
                note = f"（{lineage}）" if lineage else ""
                notes.append(
                    HonourNote(
                        unit.unit_id,
                        result.cycle.label_zh,
                        streak,
                        f"{unit.unit_id}{note} 截至{result.cycle.label_zh}连续 {streak} "
                        "个考核周期受到表彰或位列前列",
                    )
                )
    return tuple(notes)


#: What a trend compares: totals, rank percentiles within the group, or each
#: part's attainment (得分率).
Compare: TypeAlias = Literal["total", "percentile", "attainment"]

_COMPARE = ("total", "percentile", "attainment")
_COMPARED = {"percentile": "名次百分位", "attainment": "各部分得分率"}


@attrs.frozen
class Trend:
    """How one unit's rank and result changed since the cycle before.

    ``rank_change`` is positive when the unit moved *up* (previous rank −
    rank); every change is ``None`` without exactly one comparable
    predecessor (a new unit, a merger, a gap).

    ``percentile`` is the unit's rank as a share of its group (名次百分位:
    rank ÷ units in the group, so 1/5 is "first of five"); its change is
    positive when the unit moved up.  ``attainment_change`` is, per part of
    the rubric present in both cycles, the change of the share of the part's
    points earned.  ``rubric_change`` is ``(before, after)`` when the two
    cycles were scored on different rubrics (or versions); the ``warning``
    then says so, and the reason begins with it.

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2024),
    ...             [UnitResult("czj", Fraction(80), 5)],
    ...         ),
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2025),
    ...             [UnitResult("czj", Fraction(83), 2)],
    ...         ),
    ...     ]
    ... )
    >>> (trend,) = trends(history)
    >>> trend.previous_rank, trend.rank, trend.rank_change, trend.score_change
    (5, 2, 3, Fraction(3, 1))
    """

    unit_id: str
    cycle: str
    predecessors: tuple[str, ...]
    rank: int | None
    previous_rank: int | None
    rank_change: int | None
    total: Fraction | None
    previous_total: Fraction | None
    score_change: Fraction | None
    reason: str
    compare: Compare = "total"
    percentile: Fraction | None = None
    previous_percentile: Fraction | None = None
    percentile_change: Fraction | None = None
    attainment_change: Mapping[str, Fraction] = attrs.field(
        factory=dict, converter=_attainments, hash=False
    )
    rubric_change: tuple[str, str] | None = None
    warning: str | None = None


def trends(
    history: History, index: int = -1, *, compare: Compare = "total"
) -> tuple[Trend, ...]:
    """Change of every unit of cycle *index* (the latest by default) since the cycle before.

    Args:
        history: the cycles.
        index: which cycle's units; the latest by default.
        compare: what the reason compares besides the rank: ``"total"``
            (default), ``"percentile"`` (the rank as a share of the group,
            comparable across groups of different size) or ``"attainment"``
            (each part's share of its points, comparable across rubric
            versions whose parts keep their ids).  Every change is computed
            whatever *compare* says; it chooses what the reason shows.

    When the unit's rubric differs between the two cycles (:attr:`UnitResult.rubric`,
    both known), the trend carries a ``warning`` and ``rubric_change``:
    totals of different rubrics need not be comparable.

    Raises:
        InvalidValueError: *compare* is not one of the three.

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2024), [UnitResult("a", Fraction(80), 3)]
    ...         ),
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2025), [UnitResult("a", Fraction(85), 1)]
    ...         ),
    ...     ]
    ... )
    >>> (trend,) = trends(history)
    >>> trend.rank_change, trend.score_change, trend.reason
    (2, Fraction(5, 1), '排名由第 3 名升至第 1 名（上升 2 位），总分 80.00 → 85.00（+5.00）')

    Across a change of rubric, compare rank percentiles instead:

    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2024),
    ...             [UnitResult("a", Fraction(80), 2, rubric="zf 2024"), UnitResult("b", rank=1)],
    ...         ),
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2025),
    ...             [UnitResult("a", Fraction(70), 1, rubric="zf 2025"), UnitResult("b", rank=2)],
    ...         ),
    ...     ]
    ... )  # fmt: skip
    >>> trend = trends(history, compare="percentile")[0]
    >>> trend.rubric_change, trend.percentile_change
    (('zf 2024', 'zf 2025'), Fraction(1, 2))
    >>> print(trend.reason)
    考核细则由 zf 2024 改为 zf 2025，总分不宜直接比较，改为比较名次百分位；排名由第 2 名升至第 1 名（上升 1 位），名次百分位 100.0% → 50.0%（前移 50.0 个百分点）
    """
    if compare not in _COMPARE:
        raise InvalidValueError(
            ("compare",), compare, f"must be one of {', '.join(_COMPARE)}"
        )
    if not history.results:
        return ()
    index = index % len(history)
    result = history.results[index]
    out = []
    for unit in result.units:
        previous = history.predecessors(index, unit.unit_id)
        before = None
        if len(previous) == 1:
            before = history.results[index - 1].get(previous[0])
        out.append(_trend(history, index, unit, before, compare))
    return tuple(out)


def _change(
    after: Fraction | int | None, before: Fraction | int | None
) -> Fraction | None:
    if after is None or before is None:
        return None
    return Fraction(after) - Fraction(before)


def _trend(
    history: History,
    index: int,
    unit: UnitResult,
    before: UnitResult | None,
    compare: Compare,
) -> Trend:
    result = history.results[index]
    percentile = _percentile(result, unit)
    if before is None:
        return Trend(
            unit.unit_id,
            result.cycle.label_zh,
            history.predecessors(index, unit.unit_id),
            unit.rank,
            None,
            None,
            unit.total,
            None,
            None,
            _trend_reason(history, index, unit, None, None, None),
            compare=compare,
            percentile=percentile,
        )
    earlier = _percentile(history.results[index - 1], before)
    rank_change = _change(before.rank, unit.rank)
    percentile_change = _change(earlier, percentile)
    attainment = {
        part: value - before.attainment[part]
        for part, value in unit.attainment.items()
        if part in before.attainment
    }
    rubric_change = None
    warning = None
    if unit.rubric and before.rubric and unit.rubric != before.rubric:
        rubric_change = (before.rubric, unit.rubric)
        warning = f"考核细则由 {before.rubric} 改为 {unit.rubric}，总分不宜直接比较" + (
            "" if compare == "total" else f"，改为比较{_COMPARED[compare]}"
        )
    parts = [] if warning is None else [warning]
    body = _trend_reason(
        history,
        index,
        unit,
        before,
        None if rank_change is None else int(rank_change),
        _change(unit.total, before.total) if compare == "total" else None,
    )
    if compare == "percentile" and percentile is not None and earlier is not None:
        assert percentile_change is not None  # noqa: S101 - both known
        moved = "前移" if percentile_change >= 0 else "后移"
        body += (
            f"，名次百分位 {_percent(earlier)} → {_percent(percentile)}"
            f"（{moved} {_points(abs(percentile_change))} 个百分点）"
        )
    if compare == "attainment" and attainment:
        body += "，各部分得分率：" + "；".join(
            f"{part} {_percent(before.attainment[part])} → "
            f"{_percent(unit.attainment[part])}"
            f"（{'+' if change >= 0 else '−'}{_points(abs(change))} 个百分点）"
            for part, change in attainment.items()
        )
    parts.append(body)
    return Trend(
        unit.unit_id,
        result.cycle.label_zh,
        history.predecessors(index, unit.unit_id),
        unit.rank,
        before.rank,
        None if rank_change is None else int(rank_change),
        unit.total,
        before.total,
        _change(unit.total, before.total),
        "；".join(parts),
        compare=compare,
        percentile=percentile,
        previous_percentile=earlier,
        percentile_change=percentile_change,
        attainment_change=attainment,
        rubric_change=rubric_change,
        warning=warning,
    )


def _percentile(result: CycleResult, unit: UnitResult) -> Fraction | None:
    if unit.rank is None:
        return None
    return Fraction(unit.rank, result.group_size(unit))


def _percent(value: Fraction) -> str:
    return f"{_ONE_PLACE.format(value * 100)}%"


def _points(value: Fraction) -> str:
    return _ONE_PLACE.format(value * 100)


_ONE_PLACE = RoundingPolicy(places=1)
_SHOWN = RoundingPolicy()


def _trend_reason(  # noqa: PLR0913, PLR0917 - internal
    history: History,
    index: int,
    unit: UnitResult,
    before: UnitResult | None,
    rank_change: int | None,
    score_change: Fraction | None,
) -> str:
    if before is None:
        previous = history.predecessors(index, unit.unit_id)
        if len(previous) > 1:
            return f"由 {'、'.join(previous)} 合并而来，无可比的上期结果"
        return "无上期结果可比"
    parts = []
    lineage = history.lineage(index, unit.unit_id)
    if lineage:
        parts.append(lineage)
    if rank_change is not None:
        assert unit.rank is not None  # noqa: S101
        assert before.rank is not None  # noqa: S101
        if rank_change > 0:
            parts.append(
                f"排名由第 {before.rank} 名升至第 {unit.rank} 名（上升 {rank_change} 位）"
            )
        elif rank_change < 0:
            parts.append(
                f"排名由第 {before.rank} 名降至第 {unit.rank} 名（下降 {-rank_change} 位）"
            )
        else:
            parts.append(f"排名持平（第 {unit.rank} 名）")
    if score_change is not None:
        assert unit.total is not None  # noqa: S101
        assert before.total is not None  # noqa: S101
        sign = "+" if score_change >= 0 else "−"
        parts.append(
            f"总分 {_SHOWN.format(before.total)} → {_SHOWN.format(unit.total)}"
            f"（{sign}{_SHOWN.format(abs(score_change))}）"
        )
    return "，".join(parts) or "无可比数据"


# -- DataFrames (the ``frames`` extra) -------------------------------------------


def history_frame(
    history: History, *, numeric: NumericMode = DEFAULT_NUMERIC
) -> pd.DataFrame:
    """Every unit of every cycle, one row each, indexed by ``(cycle, unit_id)``.

    Columns: ``group`` (its series), ``rank`` (``Int64``), ``total``,
    ``grade``, ``at_bottom``, ``top``, ``vetoed``, ``bottom_streak`` and
    ``top_streak`` (:meth:`History.streaks`, ``Int64``), ``rubric``, then
    one ``attainment:<part>`` column per part of the rubric (得分率).  The
    cycle and group are ``category`` columns in history order, so
    ``frame["total"].unstack("cycle")`` (or a ``pivot_table``) gives each
    unit's path over the years.  Numbers as in every frame (:mod:`pbcheck.views.frames`).  Needs
    the ``frames`` extra (pandas).

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(year),
    ...             [UnitResult("a", Fraction(total), rank, at_bottom=bottom)],
    ...         )
    ...         for year, total, rank, bottom in (
    ...             (2024, 70, 3, True),
    ...             (2025, 72, 3, True),
    ...         )
    ...     ]
    ... )
    >>> frame = history_frame(history)
    >>> frame["bottom_streak"].tolist(), str(frame["rank"].dtype)
    ([1, 2], 'Int64')
    >>> frame.loc[("2025—2026年度", "a"), "total"]
    np.float64(72.0)
    """
    check_numeric(numeric)
    cells = Cells(numeric)
    bottoms, tops = history.streaks("bottom"), history.streaks("top")
    parts = list(
        dict.fromkeys(p for r in history for u in r.units for p in u.attainment)
    )
    rows = []
    for index, result in enumerate(history):
        for unit in result.units:
            row: dict[str, object] = {
                "cycle": result.cycle.label_zh,
                "unit_id": unit.unit_id,
                "group": unit.group or "",
                "rank": unit.rank,
                "total": cells.score(unit.total),
                "grade": unit.grade or "",
                "at_bottom": unit.at_bottom,
                "top": unit.top,
                "vetoed": unit.vetoed,
                "bottom_streak": bottoms[index][unit.unit_id],
                "top_streak": tops[index][unit.unit_id],
                "rubric": unit.rubric or "",
            }
            for part in parts:
                row[f"attainment:{part}"] = cells.share(unit.attainment.get(part))
            rows.append(row)
    shares = [f"attainment:{part}" for part in parts]
    return frame_from_rows(
        rows,
        [
            "cycle",
            "unit_id",
            "group",
            "rank",
            "total",
            "grade",
            "at_bottom",
            "top",
            "vetoed",
            "bottom_streak",
            "top_streak",
            "rubric",
            *shares,
        ],
        index=("cycle", "unit_id"),
        numeric_columns=("total", *shares),
        numeric=numeric,
        count_columns=("rank", "bottom_streak", "top_streak"),
        label_columns={"cycle": [r.cycle.label_zh for r in history], "group": []},
    )


def trends_frame(
    history: History,
    index: int = -1,
    *,
    compare: Compare = "total",
    numeric: NumericMode = DEFAULT_NUMERIC,
) -> pd.DataFrame:
    """:func:`trends` as a DataFrame: one row per unit of cycle *index*.

    Columns: ``cycle``, ``predecessors`` (``、``-joined), ``rank``,
    ``previous_rank``, ``rank_change`` (``Int64``, up is positive),
    ``total``, ``previous_total``, ``score_change``, ``percentile``,
    ``previous_percentile``, ``percentile_change``, one
    ``attainment_change:<part>`` column per part, ``warning`` and ``reason``.
    Numbers as in every frame (:mod:`pbcheck.views.frames`).  Needs the
    ``frames`` extra (pandas).

    >>> from pbcheck import AssessmentCycle
    >>> history = History(
    ...     [
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2024), [UnitResult("a", Fraction(80), 3)]
    ...         ),
    ...         CycleResult(
    ...             AssessmentCycle.cross_year(2025), [UnitResult("a", Fraction(85), 1)]
    ...         ),
    ...     ]
    ... )
    >>> trends_frame(history)[["rank_change", "score_change"]]
             rank_change  score_change
    unit_id
    a                  2           5.0
    """
    check_numeric(numeric)
    cells = Cells(numeric)
    found = trends(history, index, compare=compare)
    parts = list(dict.fromkeys(p for t in found for p in t.attainment_change))
    rows = []
    for trend in found:
        row: dict[str, object] = {
            "unit_id": trend.unit_id,
            "cycle": trend.cycle,
            "predecessors": "、".join(trend.predecessors),
            "rank": trend.rank,
            "previous_rank": trend.previous_rank,
            "rank_change": trend.rank_change,
            "total": cells.score(trend.total),
            "previous_total": cells.score(trend.previous_total),
            "score_change": cells.score(trend.score_change),
            "percentile": cells.share(trend.percentile),
            "previous_percentile": cells.share(trend.previous_percentile),
            "percentile_change": cells.share(trend.percentile_change),
        }
        for part in parts:
            row[f"attainment_change:{part}"] = cells.share(
                trend.attainment_change.get(part)
            )
        row["warning"] = trend.warning or ""
        row["reason"] = trend.reason
        rows.append(row)
    changes = [f"attainment_change:{part}" for part in parts]
    numbers = (
        "total",
        "previous_total",
        "score_change",
        "percentile",
        "previous_percentile",
        "percentile_change",
        *changes,
    )
    return frame_from_rows(
        rows,
        [
            "unit_id",
            "cycle",
            "predecessors",
            "rank",
            "previous_rank",
            "rank_change",
            *numbers,
            "warning",
            "reason",
        ],
        index="unit_id",
        numeric_columns=numbers,
        numeric=numeric,
        count_columns=("rank", "previous_rank", "rank_change"),
        label_columns=("cycle",),
    )
