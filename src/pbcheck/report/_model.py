"""The report model: everything a season's report shows, built once, pure and frozen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck.errors import (
    Id,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import (
    SERIES_GOVERNMENT,
    SERIES_PARTY_MASS,
    SERIES_VERTICAL,
    OrgTree,
)
from pbcheck.model.rubric import Rubric, Section
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.history import (
    EscalationAction,
    EscalationPolicy,
    History,
    escalations,
)
from pbcheck.outcomes.ranking import NO_SERIES, RankedUnit
from pbcheck.outcomes.season import Outcomes
from pbcheck.scoring.audit import AuditTrail
from pbcheck.scoring.scorecard import Scorecard

__all__ = [
    "CycleReport",
    "EscalationLine",
    "IndicatorLine",
    "ListEntry",
    "SectionLine",
    "SeriesTable",
    "UnitBreakdown",
    "UnitLine",
]

#: Series in the order the source documents name them; others follow by name.
_SERIES_ORDER = (SERIES_GOVERNMENT, SERIES_PARTY_MASS, SERIES_VERTICAL)


def _series_key(name: str) -> tuple[int, str]:
    if name in _SERIES_ORDER:
        return (_SERIES_ORDER.index(name), "")
    if name == NO_SERIES:
        return (len(_SERIES_ORDER) + 1, "")
    return (len(_SERIES_ORDER), name)


def _unit_lines(value: Iterable[UnitLine]) -> tuple[UnitLine, ...]:
    return tuple(value)


def _section_lines(value: Iterable[SectionLine]) -> tuple[SectionLine, ...]:
    return tuple(value)


def _item_lines(value: Iterable[ItemLine]) -> tuple[ItemLine, ...]:
    return tuple(value)


def _series_tables(value: Iterable[SeriesTable]) -> tuple[SeriesTable, ...]:
    return tuple(value)


def _breakdowns(value: Iterable[UnitBreakdown]) -> tuple[UnitBreakdown, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _entries(value: Iterable[ListEntry]) -> tuple[ListEntry, ...]:
    return tuple(value)


def _escalation_lines(value: Iterable[EscalationLine]) -> tuple[EscalationLine, ...]:
    return tuple(value)


@attrs.frozen
class UnitLine:
    """One unit's row in its series table (the summary sheet).

    Args:
        unit_id: the unit's id.
        name: its name in the org tree.
        series: its series (系列).
        rank: its rank within the series.
        total: exact total; ``base``, ``bonus`` and ``deductions`` as counted.
        grade: its grade (等次).
        commended: selected for commendation (表彰).
        at_bottom: at the bottom of its series (处于后位).
        vetoed: disqualified by a veto (一票否决).
        rank_reason, grade_reason, commendation_reason, bottom_reason: why.
        rubric_id: the id of the rubric that assessed the unit (分类考核:
            each series may have its own).

    >>> line = UnitLine("a", "单位a", "党群部门", 1, Fraction(90), Fraction(90))
    >>> line.name, line.grade, line.commended
    ('单位a', '', False)
    """

    unit_id: str
    name: str
    series: str
    rank: int
    total: Fraction
    base: Fraction
    bonus: Fraction = Fraction(0)
    deductions: Fraction = Fraction(0)
    grade: str = ""
    commended: bool = False
    at_bottom: bool = False
    vetoed: bool = False
    rank_reason: str = ""
    grade_reason: str = ""
    commendation_reason: str = ""
    bottom_reason: str = ""
    rubric_id: str = ""


@attrs.frozen
class SeriesTable:
    """The units of one series (系列), in ranking order.

    >>> SeriesTable("党群部门", ()).series
    '党群部门'
    """

    series: str
    lines: tuple[UnitLine, ...] = attrs.field(converter=_unit_lines)


@attrs.frozen
class SectionLine:
    """One section of a unit's breakdown: its points out of its share.

    ``depth`` is 0 for a top-level section (e.g. 机关党建常规工作), 1 for its
    parts, and so on.  ``applicable`` is false when every indicator of the
    section is 合理缺项 for the unit (it then counts for nothing and the other
    sections are scaled up, as the rubric says).

    >>> SectionLine("A", "常规工作", 0, Fraction(63), Fraction(70)).attainment
    Fraction(9, 10)
    """

    section_id: str
    title: str
    depth: int
    points: Fraction
    possible: Fraction
    applicable: bool = True

    @property
    def attainment(self) -> Fraction:
        """``points / possible`` (完成度), 0 for a section worth nothing.

        >>> SectionLine("X", "空", 1, Fraction(0), Fraction(0)).attainment
        Fraction(0, 1)
        """
        return self.points / self.possible if self.possible else Fraction(0)


@attrs.frozen
class ItemLine:
    """A bonus (加分), deduction (扣分) or veto (一票否决) item of a unit.

    ``claimed`` is what the records add up to, ``counted`` what the item's cap
    let through (for a veto: 0 for a disqualifying veto, else its cap).

    >>> ItemLine(
    ...     "deduction", "K1", "班子成员被诫勉谈话", Fraction(2), Fraction(2), "1 次"
    ... ).kind
    'deduction'
    """

    kind: Literal["bonus", "deduction", "veto"]
    item_id: str
    title: str
    claimed: Fraction
    counted: Fraction
    note: str = ""


@attrs.frozen
class IndicatorLine:
    """One quantified standard (指标) of a unit: its points and why.

    ``points`` is on the indicator's own scale (out of ``max_points``);
    ``contribution`` is what it adds to the total (out of ``possible``).
    ``not_applicable`` is the reason when the indicator is 合理缺项 for the
    unit: it is then shown as ``合理缺项（原因）``, never as 0 points, and
    loses the unit nothing (:attr:`lost`).

    >>> line = IndicatorLine(
    ...     "P1.1.1",
    ...     "中心组学习",
    ...     "P1.1",
    ...     Fraction(1),
    ...     Fraction(3, 2),
    ...     Fraction(1),
    ...     Fraction(3, 2),
    ...     "10 次，未达 12 次",
    ... )
    >>> line.possible - line.contribution
    Fraction(1, 2)
    """

    indicator_id: str
    title: str
    section_id: str
    points: Fraction
    max_points: Fraction
    contribution: Fraction
    possible: Fraction
    reason: str
    not_applicable: str | None = None

    @property
    def lost(self) -> Fraction:
        """Points of the total this indicator lost the unit (失分); 0 if 合理缺项.

        >>> IndicatorLine(
        ...     "B2",
        ...     "行政审批服务",
        ...     "B",
        ...     Fraction(0),
        ...     Fraction(15),
        ...     Fraction(0),
        ...     Fraction(0),
        ...     "合理缺项",
        ...     "本单位无行政审批职能",
        ... ).lost
        Fraction(0, 1)
        """
        if self.not_applicable is not None:
            return Fraction(0)
        return self.possible - self.contribution

    @property
    def shown_points(self) -> str | None:
        """``合理缺项（原因）`` for an indicator that does not apply, else ``None``.

        >>> IndicatorLine(
        ...     "B2",
        ...     "行政审批服务",
        ...     "B",
        ...     Fraction(0),
        ...     Fraction(15),
        ...     Fraction(0),
        ...     Fraction(0),
        ...     "合理缺项",
        ...     "本单位无行政审批职能",
        ... ).shown_points
        '合理缺项（本单位无行政审批职能）'
        """
        if self.not_applicable is None:
            return None
        return f"合理缺项（{self.not_applicable}）"


def _indicator_lines(value: Iterable[IndicatorLine]) -> tuple[IndicatorLine, ...]:
    return tuple(value)


@attrs.frozen
class UnitBreakdown:
    """Everything about one unit: its line, sections, items and indicators.

    ``items`` are its bonus, deduction and veto items; ``indicators`` its
    quantified standards in rubric order.

    >>> line = UnitLine("a", "单位a", "党群部门", 1, Fraction(90), Fraction(90))
    >>> UnitBreakdown(line, (), ()).line.unit_id
    'a'
    """

    line: UnitLine
    sections: tuple[SectionLine, ...] = attrs.field(converter=_section_lines)
    items: tuple[ItemLine, ...] = attrs.field(converter=_item_lines)
    max_total: Fraction = Fraction(100)
    indicators: tuple[IndicatorLine, ...] = attrs.field(
        default=(), converter=_indicator_lines
    )

    @property
    def top_sections(self) -> tuple[SectionLine, ...]:
        """The sections that show in a compact table: depth 0 and 1.

        >>> from pbcheck.examples.small import small_report
        >>> [s.section_id for s in small_report().unit("a").top_sections]
        ['s']
        """
        return tuple(s for s in self.sections if s.depth <= 1)


@attrs.frozen
class ListEntry:
    """A unit on the commendation or bottom list, with the reason.

    >>> ListEntry("a", "单位a", "党群部门", 1, "总分 95.00").name
    '单位a'
    """

    unit_id: str
    name: str
    series: str
    rank: int
    reason: str


@attrs.frozen
class UnrankedEntry:
    """A unit assessed and graded but not publicly ranked (不参加公开排名), with why.

    >>> UnrankedEntry(
    ...     "jw", "市纪委监委机关党委", "党群部门", "95.19", "好", "按细则不排名"
    ... ).grade
    '好'
    """

    unit_id: str
    name: str
    series: str
    total: str
    grade: str
    reason: str


def _unranked_entries(value: Iterable[UnrankedEntry]) -> tuple[UnrankedEntry, ...]:
    return tuple(value)


@attrs.frozen
class EscalationLine:
    """One escalation action (连续处于后位的问责与整改) for a unit of the report.

    >>> EscalationLine(
    ...     "a",
    ...     "单位a",
    ...     "党群部门",
    ...     2,
    ...     "通报批评",
    ...     "市直机关工委",
    ...     date(2026, 7, 15),
    ...     "……",
    ... ).label
    '通报批评'
    """

    unit_id: str
    name: str
    series: str
    streak: int
    label: str
    by: str
    due: date
    reason: str


@attrs.frozen(repr=False)
class CycleReport:
    """Everything a season's report shows: build with :meth:`build`.

    Pure data: the renderers (:func:`~pbcheck.report.to_markdown`,
    :func:`~pbcheck.report.to_html`, :func:`~pbcheck.report.to_csv`,
    :func:`~pbcheck.report.to_workbook`, :func:`~pbcheck.report.to_circular`)
    only format it.  Every order in it is canonical — series in the order of
    the source documents (政府工作部门, 党群部门, 垂直管理部门, then others
    by name), units in ranking order — so a report never depends on the
    order of the inputs.

    Args:
        title: the rubric's title, or the rubric set's (分类考核).
        rubric_id: the rubric's id (for a set, its rubrics' ids joined by
            ``、``); ``rubric_version`` its version (the set's).
        cycle: the assessment cycle.
        rounding: how numbers are shown (the rubric's policy).
        series: one table per series.
        units: one breakdown per unit, in series and ranking order.
        grade_labels: the grades, best first.
        commendation_title: what is awarded, e.g. ``党建工作先进单位``.
        commended: the units selected for commendation.
        bottom: the units at the bottom (处于后位).
        escalations: actions for units at the bottom several cycles running.
        escalation_length: how many cycles running trigger them.
        history_given: whether a history was given (without one, runs at
            the bottom cannot be judged and the report says so).
        issuer: the assessing organisation (the org tree's root), if any.
        rubric_titles: rubric id → title of every rubric that assessed a
            unit of the report, in report order: one for a single rubric,
            several for a season of classified assessment (分类考核).
        rubric_sections: rubric id → (section id → title) of the sections
            shown in compact tables (depth 0 and 1), per rubric: sections of
            different rubrics are never put in one table.
        rubric_set: whether the season was scored on a
            :class:`~pbcheck.model.rubric_set.RubricSet`.
        audit: the season's :class:`~pbcheck.scoring.audit.AuditTrail` (审计记录), if
            given: what became of every input record.
        partial: the banner of a partial season
            (:attr:`~pbcheck.Outcomes.partial_label`, e.g. ``部分单位（3/90）—
            非完整结果``), which every format shows by its title; empty when
            the season covers the tree.

    >>> from pbcheck.report import CycleReport
    >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
    >>> from pbcheck import AssessmentCycle, assess_outcomes
    >>> tree = org_tree({"党群部门": ["a", "b", "c", "d", "e"]})
    >>> cards = scorecards({"a": 95, "b": 88, "c": 80, "d": 75, "e": 60})
    >>> report = CycleReport.build(
    ...     cards,
    ...     assess_outcomes(cards, tree),
    ...     tree=tree,
    ...     rubric=simple_rubric(),
    ...     cycle=AssessmentCycle.cross_year(2025),
    ... )
    >>> report
    <CycleReport 示例细则 2025—2026年度: 5 个单位，1 个系列；表彰 1 个，处于后位 1 个>
    >>> [e.name for e in report.commended], [e.name for e in report.bottom]
    (['单位a'], ['单位e'])
    """

    title: str
    rubric_id: str
    rubric_version: str
    cycle: AssessmentCycle
    rounding: RoundingPolicy
    series: tuple[SeriesTable, ...] = attrs.field(converter=_series_tables)
    units: tuple[UnitBreakdown, ...] = attrs.field(converter=_breakdowns)
    grade_labels: tuple[str, ...] = attrs.field(converter=_strings)
    commendation_title: str
    commended: tuple[ListEntry, ...] = attrs.field(converter=_entries)
    bottom: tuple[ListEntry, ...] = attrs.field(converter=_entries)
    escalations: tuple[EscalationLine, ...] = attrs.field(converter=_escalation_lines)
    escalation_length: int = 2
    history_given: bool = False
    issuer: str = ""
    rubric_titles: Mapping[str, str] = attrs.field(factory=dict)
    rubric_sections: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)
    audit: AuditTrail | None = None
    rubric_set: bool = False
    partial: str = ""
    unranked: tuple[UnrankedEntry, ...] = attrs.field(
        default=(), converter=_unranked_entries
    )

    @property
    def heading(self) -> str:
        """The report's title line, with the banner of a partial season.

        >>> from pbcheck.examples.small import small_report
        >>> small_report().heading
        '示例细则：2025—2026年度考评结果'
        """
        title = f"{self.title}：{self.cycle.label_zh}考评结果"
        return f"{title}（{self.partial}）" if self.partial else title

    def __repr__(self) -> str:
        return (
            f"<CycleReport {self.title} {self.cycle.label_zh}: {len(self.units)} 个单位，"
            f"{len(self.series)} 个系列；表彰 {len(self.commended)} 个，"
            f"处于后位 {len(self.bottom)} 个>"
        )

    @property
    def several_rubrics(self) -> bool:
        """Whether units of the report were assessed by different rubrics.

        Then each unit's row names its rubric and section tables are made
        per rubric.

        >>> from pbcheck.examples.small import small_report
        >>> small_report().several_rubrics
        False
        """
        return len(self.rubric_titles) > 1

    def rubric_title(self, line: UnitLine) -> str:
        """The title of the rubric that assessed *line*'s unit.

        >>> from pbcheck.examples.small import small_report
        >>> report = small_report()
        >>> report.rubric_title(report.lines[0])
        '示例细则'
        """
        return self.rubric_titles.get(line.rubric_id, line.rubric_id)

    def show(self, value: Fraction) -> str:
        """A number as the report shows it (the rubric's rounding policy).

        >>> from pbcheck.examples.small import small_report
        >>> small_report().show(Fraction("84.125"))
        '84.13'
        """
        return self.rounding.format(value)

    @property
    def lines(self) -> tuple[UnitLine, ...]:
        """Every unit's line, series by series, in ranking order.

        >>> from pbcheck.examples.small import small_report
        >>> [line.unit_id for line in small_report().lines]
        ['a', 'b', 'c', 'd', 'e']
        """
        return tuple(line for table in self.series for line in table.lines)

    def unit(self, unit_id: str) -> UnitBreakdown:
        """The breakdown of *unit_id*; :class:`KeyError` if it is not in the report.

        >>> from pbcheck.examples.small import small_report
        >>> small_report().unit("e").line.at_bottom
        True
        """
        for breakdown in self.units:
            if breakdown.line.unit_id == unit_id:
                return breakdown
        raise KeyError(unit_id)

    @property
    def announced(self) -> date:
        """The date a report is dated by: the results announcement, else the end.

        Taken from the cycle (``results_announced`` milestone), never from
        the clock, so that files are reproducible.

        >>> from pbcheck.examples.small import small_report
        >>> small_report().announced
        datetime.date(2026, 6, 15)
        """
        for milestone in self.cycle.milestones:
            if milestone.key == "results_announced":
                return milestone.date
        return self.cycle.end

    @classmethod
    def build(  # noqa: PLR0913 - every input of a report is named
        cls,
        scorecards: Iterable[Scorecard],
        outcomes: Outcomes,
        *,
        tree: OrgTree,
        rubric: Rubric | RubricSet,
        cycle: AssessmentCycle,
        history: History | None = None,
        escalation: EscalationPolicy | None = None,
        audit: AuditTrail | None = None,
    ) -> CycleReport:
        """Build the report of one season from in-memory results.

        Args:
            scorecards: the season's scorecards, in any order.
            outcomes: :func:`~pbcheck.assess_outcomes` of those scorecards.
            tree: the org tree (unit names and series).
            rubric: the rubric they were scored by (titles, sections), or
                the :class:`~pbcheck.model.rubric_set.RubricSet` of a season
                of classified assessment (分类考核): each unit's rubric is
                then the one the set gives it.
            cycle: the assessment cycle.
            history: earlier cycles, for escalation (连续处于后位); this
                season's result is added when the history lacks it.
            escalation: the escalation rules (two cycles running by default).
            audit: the season's :func:`~pbcheck.scoring.audit.audit_trail`; the report
                then counts the records by status and lists them (CSV table
                ``audit``).  Its units must be the scored units.

        Raises:
            ValidationError: a ranked unit has no scorecard, a scorecard was
                not ranked, a scorecard belongs to another rubric than its
                unit's, or the audit trail names a unit without a scorecard.

        >>> from pbcheck import AssessmentCycle, assess_outcomes
        >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
        >>> tree = org_tree({"政府工作部门": ["a"], "党群部门": ["b"]})
        >>> cards = scorecards({"a": 90, "b": 80})
        >>> report = CycleReport.build(
        ...     reversed(cards),
        ...     assess_outcomes(cards, tree),
        ...     tree=tree,
        ...     rubric=simple_rubric(),
        ...     cycle=AssessmentCycle.cross_year(2025),
        ... )
        >>> [table.series for table in report.series]
        ['政府工作部门', '党群部门']
        """
        cards = {card.unit_id: card for card in scorecards}
        own = _check_inputs(cards, outcomes, rubric, tree, audit)
        tables, units = _ranked_tables(cards, outcomes, tree, own)
        lines = [line for table in tables for line in table.lines]
        policy = escalation or EscalationPolicy()
        used = {own[line.unit_id].id: own[line.unit_id] for line in lines}
        if not used and isinstance(rubric, Rubric):
            used = {rubric.id: rubric}
        return cls(
            title=rubric.title,
            rubric_id=rubric.id if isinstance(rubric, Rubric) else "、".join(used),
            rubric_version=rubric.version,
            cycle=cycle,
            rounding=rubric.rounding,
            series=tables,
            units=units,
            grade_labels=outcomes.grades.policy.labels,
            commendation_title=outcomes.commendation.policy.title,
            commended=[
                _list_entry(line, line.commendation_reason)
                for line in lines
                if line.commended
            ],
            bottom=[
                _list_entry(line, line.bottom_reason)
                for line in lines
                if line.at_bottom
            ],
            escalations=_escalations(outcomes, tree, cycle, history, policy, lines),
            escalation_length=policy.length,
            history_given=history is not None,
            issuer=_issuer(tree, cards),
            rubric_titles={rubric_id: r.title for rubric_id, r in used.items()},
            rubric_sections={
                rubric_id: {
                    s.section_id: s.title for s in _structure(r) if s.depth <= 1
                }
                for rubric_id, r in used.items()
            },
            audit=audit,
            rubric_set=isinstance(rubric, RubricSet),
            partial=outcomes.partial_label,
            unranked=_unranked(cards, outcomes, tree),
        )


def _unranked(
    cards: Mapping[str, Scorecard],
    outcomes: Outcomes,
    tree: OrgTree,
) -> tuple[UnrankedEntry, ...]:
    """The scored units the policy keeps out of public rankings, in tree order."""
    reasons = outcomes.policy.ranking.unranked
    grades = {result.unit_id: result.label for result in outcomes.grades}
    return tuple(
        UnrankedEntry(
            unit.id,
            unit.name,
            unit.series or "",
            str(cards[unit.id].rounded_total),
            grades.get(unit.id, ""),
            reasons[unit.id],
        )
        for unit in tree
        if unit.id in reasons and unit.id in cards
    )


def _check_inputs(
    cards: Mapping[str, Scorecard],
    outcomes: Outcomes,
    rubric: Rubric | RubricSet,
    tree: OrgTree,
    audit: AuditTrail | None,
) -> dict[str, Rubric]:
    """Each scored unit's rubric; raise every way the inputs disagree.

    See :meth:`CycleReport.build`.
    """
    problems = _Problems("invalid report inputs")
    ranked = {entry.unit_id for table in outcomes.rankings.values() for entry in table}
    for unit_id in sorted(ranked - cards.keys()):
        problems.add(
            UnknownReferenceError(
                ("outcomes", "rankings", Id(unit_id)), unit_id, "has no scorecard"
            )
        )
    # Units assessed but not publicly ranked (RankingPolicy.unranked) are scored.
    ranked |= set(outcomes.policy.ranking.unranked)
    for unit_id in sorted(cards.keys() - ranked):
        problems.add(
            UnknownReferenceError(
                ("scorecards", Id(unit_id)), unit_id, "is not ranked in the outcomes"
            )
        )
    own: dict[str, Rubric] = {}
    for unit_id in sorted(cards):
        card = cards[unit_id]
        where = ("scorecards", Id(unit_id), "rubric_id")
        try:
            expected = _rubric_of(rubric, tree, unit_id)
        except Problem as problem:
            problems.add(problem.moved((*where[:2], *problem.steps)))
            continue
        own[unit_id] = expected
        if card.rubric_id != expected.id or card.rubric_version != expected.version:
            whose = "" if expected is rubric else " (the unit's rubric of the set)"
            problems.add(
                InvalidValueError(
                    where,
                    f"{card.rubric_id} {card.rubric_version}",
                    f"was scored by another rubric than {expected.id} "
                    f"{expected.version}{whose}",
                )
            )
    if audit is not None:
        for unit_id in sorted(audit.by_unit().keys() - cards.keys()):
            problems.add(
                UnknownReferenceError(
                    ("audit", Id(unit_id)), unit_id, "has no scorecard"
                )
            )
    problems.raise_if_any()
    return own


def _rubric_of(rubric: Rubric | RubricSet, tree: OrgTree, unit_id: str) -> Rubric:
    """The rubric that assessed *unit_id*: *rubric*, or the unit's own of the set."""
    if isinstance(rubric, Rubric):
        return rubric
    series = tree[unit_id].series if unit_id in tree else None
    return rubric.rubric_for(unit_id, series=series)


def _ranked_tables(
    cards: Mapping[str, Scorecard],
    outcomes: Outcomes,
    tree: OrgTree,
    own: Mapping[str, Rubric],
) -> tuple[list[SeriesTable], list[UnitBreakdown]]:
    """One table per series in canonical order, and every unit's breakdown."""
    tables: list[SeriesTable] = []
    units: list[UnitBreakdown] = []
    structures: dict[int, list[SectionLine]] = {}
    for series in sorted(outcomes.rankings, key=_series_key):
        lines = []
        for entry in outcomes.rankings[series]:
            card = cards[entry.unit_id]
            rubric = own[entry.unit_id]
            line = _unit_line(entry, series, card, outcomes, tree)
            line = attrs.evolve(line, rubric_id=rubric.id)
            lines.append(line)
            if id(rubric) not in structures:
                structures[id(rubric)] = _structure(rubric)
            units.append(_breakdown(line, card, structures[id(rubric)]))
        tables.append(SeriesTable(series, lines))
    return tables, units


def _unit_line(
    entry: RankedUnit,
    series: str,
    card: Scorecard,
    outcomes: Outcomes,
    tree: OrgTree,
) -> UnitLine:
    """A unit's line: its scores, rank, grade and lists, each with the reason."""
    decision = outcomes.commendation.of(entry.unit_id)
    bottom = outcomes.bottom.of(entry.unit_id)
    graded = outcomes.grades.of(entry.unit_id)
    return UnitLine(
        unit_id=entry.unit_id,
        name=_name(tree, entry.unit_id),
        series=series,
        rank=entry.rank,
        total=card.total,
        base=card.base,
        bonus=card.bonus_counted,
        deductions=card.deductions_counted,
        grade=graded.label,
        commended=decision.selected,
        at_bottom=bottom.at_bottom,
        vetoed=card.disqualified,
        rank_reason=entry.reason,
        grade_reason=graded.reason,
        commendation_reason=decision.reason,
        bottom_reason=bottom.reason,
    )


def _list_entry(line: UnitLine, reason: str) -> ListEntry:
    """*line*'s unit on a list (commended or at the bottom), for *reason*."""
    return ListEntry(line.unit_id, line.name, line.series, line.rank, reason)


def _issuer(tree: OrgTree, cards: Mapping[str, Scorecard]) -> str:
    """The assessing organisation: the one root of *tree* not assessed, if any."""
    roots = [unit for unit in tree.roots if unit.id not in cards]
    return roots[0].name if len(roots) == 1 else ""


def _name(tree: OrgTree, unit_id: str) -> str:
    return tree[unit_id].name if unit_id in tree else unit_id


def _structure(rubric: Rubric) -> list[SectionLine]:
    """Every section of *rubric*, top-down, with depth (points filled in later)."""
    out: list[SectionLine] = []

    def visit(sections: Sequence[Section], depth: int) -> None:
        for section in sections:
            out.append(
                SectionLine(section.id, section.title, depth, Fraction(0), Fraction(0))
            )
            visit(section.sections, depth + 1)

    visit(rubric.sections, 0)
    return out


def _breakdown(
    line: UnitLine, card: Scorecard, structure: Sequence[SectionLine]
) -> UnitBreakdown:
    sections = []
    for shape in structure:
        score = card.sections.get(shape.section_id)
        if score is None:
            continue
        sections.append(
            attrs.evolve(
                shape,
                points=score.points,
                possible=score.possible,
                applicable=score.applicable,
            )
        )
    items: list[ItemLine] = [
        ItemLine("bonus", b.indicator_id, b.title, b.points, b.points, b.reason)
        for b in card.bonus
    ]
    items.extend(
        ItemLine(
            "deduction",
            d.deduction_id,
            d.title,
            d.claimed,
            d.counted,
            f"{len(d.incidents)} 次"
            + ("" if d.cap is None else f"，封顶 {card.show(d.cap)} 分"),
        )
        for d in card.deductions
    )
    items.extend(
        ItemLine(
            "veto",
            v.veto_id,
            v.title,
            Fraction(0) if v.cap is None else v.cap,
            Fraction(0) if v.cap is None else v.cap,
            "取消评先资格，排在最后"
            if v.cap is None
            else f"总分不超过 {card.show(v.cap)} 分",
        )
        for v in card.vetoes
    )
    parents = {
        child: section_id
        for section_id, section in card.sections.items()
        for child in section.children
    }
    indicators = [
        IndicatorLine(
            result.indicator_id,
            result.title,
            parents.get(result.indicator_id, ""),
            result.points,
            result.max_points,
            result.contribution,
            result.possible,
            result.reason,
            None if result.not_applicable is None else result.not_applicable.reason,
        )
        for result in card.indicators.values()
    ]
    return UnitBreakdown(line, sections, items, card.max_total, indicators)


def _escalations(  # noqa: PLR0913, PLR0917 - internal
    outcomes: Outcomes,
    tree: OrgTree,
    cycle: AssessmentCycle,
    history: History | None,
    policy: EscalationPolicy,
    lines: Sequence[UnitLine],
) -> list[EscalationLine]:
    if history is None:
        return []
    if not any(r.cycle == cycle for r in history.results):
        history = History(
            [*history.results, outcomes.cycle_result(cycle)],
            successions=history.successions,
        )
    position = {line.unit_id: index for index, line in enumerate(lines)}
    series = {line.unit_id: line.series for line in lines}
    steps = {step.key: index for index, step in enumerate(policy.steps)}
    actions: list[EscalationAction] = [
        a for a in escalations(history, policy) if a.cycle == cycle.label_zh
    ]
    actions.sort(
        key=lambda a: (
            position.get(a.unit_id, len(lines)),
            a.unit_id,
            steps.get(a.key, 0),
        )
    )
    return [
        EscalationLine(
            a.unit_id,
            _name(tree, a.unit_id),
            series.get(a.unit_id, ""),
            a.streak,
            a.label,
            a.by,
            a.due,
            a.reason,
        )
        for a in actions
    ]
