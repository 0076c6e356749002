"""Scorecards: the exact, explainable result of scoring one unit (计分结果).

A :class:`Scorecard` holds every indicator's points, every section's roll-up,
bonus, deductions and veto findings, each traceable to the records it came
from through :meth:`Scorecard.explain`.  They are made by
:func:`pbcheck.score` / :func:`pbcheck.score_all` (see :mod:`pbcheck.scoring.engine`).
With the ``frames`` extra, :func:`scorecard_frame` and :func:`scorecards_frame`
give them as DataFrames (数据表).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import UnknownItemError
from pbcheck.model.aggregation import label_zh
from pbcheck.model.evaluation import Activity, Incident, NotApplicable, Observation
from pbcheck.model.org import OrgTree, OrgUnit
from pbcheck.model.rubric import ROOT
from pbcheck.views import html
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)
from pbcheck.views.text import official_date

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DeductionScore",
    "Explanation",
    "IndicatorScore",
    "RaterScore",
    "Record",
    "Scorecard",
    "SectionScore",
    "VetoFinding",
    "scorecard_frame",
    "scorecards_frame",
]

#: Any record an explanation can point to.
Record = Observation | Activity | Incident | NotApplicable


@attrs.frozen
class RaterScore:
    """One counted observation and the points its rule gave.

    >>> from pbcheck.examples.small import scorecards
    >>> rater = scorecards({"a": 85})[0].indicators["i"].raters[0]
    >>> rater.points, rater.reason, rater.weight
    (Fraction(85, 1), '考评直接评分 85 分', Fraction(1, 1))
    """

    observation: Observation
    points: Fraction
    reason: str
    weight: Fraction


@attrs.frozen
class IndicatorScore:
    """An indicator's result for one unit.

    ``points`` is on the indicator's own scale (``[0, max_points]``);
    ``contribution`` is what it adds to the base (its attainment times its
    share of the total, ``possible``).  Bonus indicators contribute through
    the bonus pool instead, so their ``possible`` is their ``max_points``.

    >>> from pbcheck.examples.small import scorecards
    >>> result = scorecards({"a": 85})[0].indicators["i"]
    >>> result.points, result.max_points, result.possible
    (Fraction(85, 1), Fraction(100, 1), Fraction(100, 1))
    """

    indicator_id: str
    title: str
    points: Fraction
    max_points: Fraction
    possible: Fraction
    reason: str
    raters: tuple[RaterScore, ...] = ()
    not_counted: tuple[Observation, ...] = ()
    activities: tuple[Activity, ...] = ()
    aggregator: str | None = None
    bonus: bool = False
    not_applicable: NotApplicable | None = None

    @property
    def attainment(self) -> Fraction:
        """``points / max_points``, in ``[0, 1]``.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].indicators["i"].attainment
        Fraction(17, 20)
        """
        return self.points / self.max_points

    @property
    def contribution(self) -> Fraction:
        """Points this indicator adds to the base (or claims as bonus).

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].indicators["i"].contribution
        Fraction(85, 1)
        """
        return self.attainment * self.possible


@attrs.frozen
class SectionScore:
    """A section's result: its attainment and points, and how they rolled up.

    >>> from pbcheck.examples.small import scorecards
    >>> section = scorecards({"a": 85})[0].sections["s"]
    >>> section.title, section.attainment, section.aggregator, section.children
    ('综合', Fraction(17, 20), 'weighted_sum', ('i',))
    """

    section_id: str
    title: str
    attainment: Fraction
    possible: Fraction
    aggregator: str
    children: tuple[str, ...]
    shares: tuple[Fraction, ...]
    applicable: bool = True

    @property
    def points(self) -> Fraction:
        """``attainment × possible``.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].sections["s"].points
        Fraction(85, 1)
        """
        return self.attainment * self.possible


@attrs.frozen
class DeductionScore:
    """A direct deduction item's incidents and what it took.

    ``claimed`` is what the incidents add up to, ``counted`` what the item's
    ``cap`` let through.

    >>> item = DeductionScore(
    ...     "K1", "违反规定", (), Fraction(3), Fraction(2), Fraction(2)
    ... )
    >>> item.claimed - item.counted
    Fraction(1, 1)
    """

    deduction_id: str
    title: str
    incidents: tuple[Incident, ...]
    claimed: Fraction
    counted: Fraction
    cap: Fraction | None


@attrs.frozen
class VetoFinding:
    """A triggered veto (一票否决) and the incidents that triggered it.

    >>> from pbcheck.examples.small import scorecards
    >>> (finding,) = scorecards({"a": 90}, vetoed={"a"})[0].vetoes
    >>> finding.veto_id, finding.title, finding.cap
    ('V', '发生严重违纪违法问题', None)
    """

    veto_id: str
    title: str
    incidents: tuple[Incident, ...]
    cap: Fraction | None

    @property
    def disqualifies(self) -> bool:
        """True for a disqualifying veto, False for a capping one.

        >>> VetoFinding("V", "严重违纪", (), None).disqualifies
        True
        """
        return self.cap is None


@attrs.frozen
class Explanation:
    """How one number of a scorecard was produced.

    ``formula`` says which rule or aggregation and which weights; ``parts``
    explain the inputs in turn, down to the ``records`` (observations,
    activities, incidents) they rest on.  ``value`` is exact; ``shown`` is
    how the lines write it (a scorecard's explanations use the rubric's
    rounding: amounts by :meth:`~pbcheck.RoundingPolicy.show`, the total
    by :meth:`~pbcheck.RoundingPolicy.format_long`); without it, the value
    at two places.

    >>> from pbcheck.examples.small import scorecards
    >>> print(scorecards({"a": 85})[0].explain())
    总分 = 85.00：基础分 85 + 加分 0 − 扣分 0，限于 0 至 100 分
      基础分 = 85：按加权求和汇总各部分，× 100 分
        综合 [s] = 85：按加权求和（权重 i 100 分）得完成度 0.85，× 100 分
          综合评分 [i] = 85：考评直接评分 85 分；满分 100，折合 85 / 100 分
            · 考评组：85
    """

    subject: str
    value: Fraction
    formula: str
    parts: tuple[Explanation, ...] = ()
    records: tuple[Record, ...] = ()
    shown: str | None = None

    def lines(self, depth: int = 0) -> list[str]:
        """The explanation as indented lines, one per step and record.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].explain().lines()[1]
        '  基础分 = 85：按加权求和汇总各部分，× 100 分'
        """
        indent = "  " * depth
        shown = _DEFAULT.show(self.value) if self.shown is None else self.shown
        out = [f"{indent}{self.subject} = {shown}：{self.formula}"]
        out.extend(f"{indent}  · {_describe(record)}" for record in self.records)
        for part in self.parts:
            out.extend(part.lines(depth + 1))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def walk(self) -> Iterable[Explanation]:
        """This explanation and every part below it, depth first.

        >>> from pbcheck.examples.small import scorecards
        >>> [e.subject for e in scorecards({"a": 85})[0].explain().walk()]
        ['总分', '基础分', '综合 [s]', '综合评分 [i]']
        """
        yield self
        for part in self.parts:
            yield from part.walk()


_DEFAULT = RoundingPolicy()


def _day(moment: date | datetime) -> str:
    """A record's date (the local date of a moment) in official form."""
    return official_date(moment.date() if isinstance(moment, datetime) else moment)


def _describe(record: Record, rounding: RoundingPolicy = _DEFAULT) -> str:
    if isinstance(record, Observation):
        when = f" {_day(record.recorded_at)}" if record.recorded_at else ""
        who = f" {record.rater}" if record.rater else ""
        evidence = "；".join(e.ref for e in record.evidence)
        tail = f"（依据：{evidence}）" if evidence else ""
        value = record.value
        if isinstance(value, bool):
            shown = "达标" if value else "未达标"
        else:
            shown = rounding.show(Fraction(value))
        return f"{record.source.label_zh}{who}{when}：{shown}{tail}"
    if isinstance(record, Activity):
        branch = f" {record.branch}" if record.branch else ""
        return f"活动 {_day(record.occurred_at)}{branch} {record.title}".rstrip()
    if isinstance(record, NotApplicable):
        when = f" {_day(record.recorded_at)}" if record.recorded_at else ""
        evidence = "；".join(e.ref for e in record.evidence)
        tail = f"（依据：{evidence}）" if evidence else ""
        return f"合理缺项{when}：{record.reason}{tail}"
    category = f"（{record.category}）" if record.category else ""
    return f"事项 {record.item_id}{category} {_day(record.occurred_at)} {record.note}".rstrip()


@attrs.frozen(repr=False)
class Scorecard:
    """One unit's exact result under one rubric, with everything that made it.

    All numbers are exact :class:`~fractions.Fraction`; :attr:`rounded_total`
    and :meth:`show` apply the rubric's :class:`~pbcheck.RoundingPolicy`.
    ``repr`` fits a terminal line; in a notebook the card shows as a small
    table of its parts (``_repr_html_``); :meth:`to_frame` gives one row per
    indicator.

    >>> from pbcheck.examples.small import scorecards
    >>> (card,) = scorecards({"ZF01": "92.345"})
    >>> card
    <Scorecard ZF01: 92.35 / 100>
    >>> card.total, card.show(card.total)
    (Fraction(18469, 200), '92.35')

    ``as_of`` is set on a mid-cycle result (半年自查, :func:`pbcheck.score`
    with ``as_of=``): it counts only what was recorded by that date and is
    provisional (:attr:`provisional`).
    """

    unit_id: str
    rubric_id: str
    rubric_version: str
    base: Fraction
    bonus_claimed: Fraction
    bonus_counted: Fraction
    deductions_claimed: Fraction
    deductions_counted: Fraction
    total: Fraction
    max_total: Fraction
    floor: Fraction
    total_points: Fraction
    sections: Mapping[str, SectionScore]
    indicators: Mapping[str, IndicatorScore]
    bonus: tuple[IndicatorScore, ...] = ()
    deductions: tuple[DeductionScore, ...] = ()
    vetoes: tuple[VetoFinding, ...] = ()
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy)
    as_of: date | None = None

    def __repr__(self) -> str:
        veto = " 一票否决" if self.disqualified else ""
        when = f" 截至{self.as_of.isoformat()}，暂定" if self.as_of else ""
        return (
            f"<Scorecard {self.unit_id}: {self.show(self.total)} / "
            f"{_f(self.max_total)}{veto}{when}>"
        )

    @property
    def provisional(self) -> bool:
        """True for a mid-cycle result scored ``as_of`` a date (暂定).

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].provisional
        False
        """
        return self.as_of is not None

    def _repr_html_(self) -> str:
        """The total, its parts and the top two levels of sections."""
        flag = "（一票否决）" if self.disqualified else ""
        title = (
            f"{self.unit_id}：总分 {self.show(self.total)} / {self.show(self.max_total)}"
            f"{flag}（{self.rubric_id} {self.rubric_version}）"
        )
        rows: list[list[str]] = [
            ["基础分", self.show(self.base), self.show(self.total_points)],
            ["加分", self.show(self.bonus_counted), ""],
            ["扣分", self.show(self.deductions_counted), ""],
        ]
        root = self.sections.get(ROOT)
        for child in root.children if root is not None else ():
            section = self.sections.get(child)
            if section is None:
                continue
            rows.append(
                [
                    f"{section.title} [{child}]",
                    self.show(section.points),
                    self.show(section.possible),
                ]
            )
            for grandchild in section.children:
                sub = self.sections.get(grandchild)
                if sub is not None:
                    rows.append(
                        [
                            f"　{sub.title} [{grandchild}]",
                            self.show(sub.points),
                            self.show(sub.possible),
                        ]
                    )
        rows.extend(
            [f"一票否决 {finding.title} [{finding.veto_id}]", "", ""]
            for finding in self.vetoes
        )
        return html.titled(title, html.table(["项目", "得分", "满分"], rows, limit=60))

    def to_frame(self, *, numeric: NumericMode = DEFAULT_NUMERIC) -> pd.DataFrame:
        """One row per indicator; see :func:`scorecard_frame`.

        Floats by default, for plotting; ``numeric="decimal"`` gives the
        figures as shown.  Needs the ``frames`` extra (pandas).

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": "85.125"})
        >>> card.to_frame().loc["i", "points"]
        np.float64(85.125)
        >>> shown = card.to_frame(numeric="decimal").loc["i", "points"]
        >>> shown == Decimal(card.show(card.total))
        True
        """
        return scorecard_frame(self, numeric=numeric)

    @property
    def disqualified(self) -> bool:
        """True when a disqualifying veto (一票否决) was triggered.

        >>> from pbcheck.examples.small import scorecards
        >>> [c.disqualified for c in scorecards({"a": 90, "b": 95}, vetoed={"b"})]
        [False, True]
        """
        return any(finding.disqualifies for finding in self.vetoes)

    @property
    def rounded_total(self) -> Decimal:
        """The total as shown: rounded once, by the rubric's rounding policy.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": "84.125"})[0].rounded_total
        Decimal('84.13')
        """
        return self.rounding.apply(self.total)

    def show(self, value: Fraction) -> str:
        """Any number of this scorecard as text, by the rounding policy.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 90})[0].show(Fraction(1, 3))
        '0.33'
        """
        return self.rounding.format(value)

    def explain(self, item: str = "total") -> Explanation:
        """Explain the total, a section, an indicator, a bonus or deduction item.

        Raises:
            UnknownItemError: if *item* names nothing in the scorecard (a
                :class:`KeyError` too), naming the close ids that do exist.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].explain("i").formula
        '考评直接评分 85 分；满分 100，折合 85 / 100 分'
        >>> scorecards({"a": 85})[0].explain("I")
        Traceback (most recent call last):
        ...
        pbcheck.errors.UnknownItemError: 'I' names nothing in the scorecard; it has 'total', 's', 'i'
        """
        if item == "total":
            return self._explain_total()
        if item in self.sections:
            return self._explain_section(item)
        if item in self.indicators:
            return _explain_indicator(self.indicators[item], self.rounding)
        for bonus in self.bonus:
            if bonus.indicator_id == item:
                return _explain_indicator(bonus, self.rounding)
        for deduction in self.deductions:
            if deduction.deduction_id == item:
                return _explain_deduction(deduction, self.rounding)
        known = [
            "total",
            *(section for section in self.sections if section != ROOT),
            *self.indicators,
            *(bonus.indicator_id for bonus in self.bonus),
            *(deduction.deduction_id for deduction in self.deductions),
        ]
        raise UnknownItemError(item, known, "the scorecard")

    def _explain_section(self, section_id: str) -> Explanation:
        section = self.sections[section_id]
        parts = tuple(
            self._explain_section(child)
            if child in self.sections
            else _explain_indicator(self.indicators[child], self.rounding)
            for child in section.children
        )
        show = self.rounding.show
        weights = "，".join(
            f"{child} {show(share * section.possible)} 分"
            if share or self._applies(child)
            else f"{child} 不适用"
            for child, share in zip(section.children, section.shares, strict=True)
        )
        if not section.applicable:
            return Explanation(
                f"{section.title} [{section_id}]",
                Fraction(0),
                "本部分指标均为合理缺项，不计入，由其他部分按比例折算",
                parts,
            )
        formula = (
            f"按{label_zh(section.aggregator)}（权重 {weights}）得完成度 "
            f"{_attainment(section.attainment)}，× {show(section.possible)} 分"
        )
        return Explanation(
            f"{section.title} [{section_id}]",
            section.points,
            formula,
            parts,
            shown=show(section.points),
        )

    def _applies(self, item_id: str) -> bool:
        """Whether a section or indicator applies to the unit (not 合理缺项)."""
        if item_id in self.sections:
            return self.sections[item_id].applicable
        return self.indicators[item_id].not_applicable is None

    @property
    def not_applicable(self) -> tuple[NotApplicable, ...]:
        """The 合理缺项 markers this scorecard honoured, in rubric order.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].not_applicable
        ()
        """
        return tuple(
            result.not_applicable
            for result in self.indicators.values()
            if result.not_applicable is not None
        )

    def _explain_total(self) -> Explanation:
        root = self.sections[ROOT]
        show = self.rounding.show
        parts: list[Explanation] = [
            Explanation(
                "基础分",
                self.base,
                f"按{label_zh(root.aggregator)}汇总各部分，× {show(self.total_points)} 分",
                tuple(self._explain_section(child) for child in root.children),
                shown=show(self.base),
            )
        ]
        if self.bonus:
            parts.append(
                Explanation(
                    "加分",
                    self.bonus_counted,
                    f"申报 {show(self.bonus_claimed)} 分，"
                    f"计入 {show(self.bonus_counted)} 分",
                    tuple(_explain_indicator(b, self.rounding) for b in self.bonus),
                    shown=show(self.bonus_counted),
                )
            )
        if self.deductions:
            parts.append(
                Explanation(
                    "直接扣分",
                    self.deductions_counted,
                    f"合计 {show(self.deductions_claimed)} 分，"
                    f"计 {show(self.deductions_counted)} 分",
                    tuple(
                        _explain_deduction(d, self.rounding) for d in self.deductions
                    ),
                    shown=show(self.deductions_counted),
                )
            )
        parts.extend(
            Explanation(
                f"一票否决 {finding.title}",
                Fraction(0) if finding.cap is None else finding.cap,
                "取消评先资格"
                if finding.cap is None
                else f"总分不超过 {show(finding.cap)} 分",
                records=finding.incidents,
                shown=show(Fraction(0) if finding.cap is None else finding.cap),
            )
            for finding in self.vetoes
        )
        formula = (
            f"基础分 {show(self.base)} + 加分 {show(self.bonus_counted)} − 扣分 "
            f"{show(self.deductions_counted)}，限于 {show(self.floor)} 至 "
            f"{show(self.max_total)} 分"
        )
        subject = "总分"
        if self.as_of is not None:
            subject = f"总分（截至{official_date(self.as_of)}，暂定）"
        # The total as published, with the longer decimal when rounding
        # changed it: "87.418，公布为 87.42".
        return Explanation(
            subject,
            self.total,
            formula,
            tuple(parts),
            shown=self.rounding.format_long(self.total),
        )


def _attainment(value: Fraction) -> str:
    """A share of full marks: exact when short (``0.85``), else a percentage.

    >>> _attainment(Fraction(17, 20)), _attainment(Fraction(2, 3))
    ('0.85', '66.67%')
    """
    if 10**4 % value.denominator == 0:
        return _f(value)
    return f"{_DEFAULT.format(value * 100)}%"


def _explain_indicator(
    result: IndicatorScore, rounding: RoundingPolicy = _DEFAULT
) -> Explanation:
    records: tuple[Record, ...] = tuple(r.observation for r in result.raters)
    records += result.activities
    parts: tuple[Explanation, ...] = ()
    show = rounding.show
    if len(result.raters) > 1:
        parts = tuple(
            Explanation(
                f"{r.observation.source.label_zh} {r.observation.rater}".rstrip(),
                r.points,
                f"{r.reason}（权重 {show(r.weight)}）",
                records=(r.observation,),
                shown=show(r.points),
            )
            for r in result.raters
        )
        records = result.activities
    if result.not_applicable is not None:
        records = (result.not_applicable,)
    formula = f"{result.reason}；满分 {show(result.max_points)}"
    if result.not_applicable is not None and not result.possible:
        formula += "，不计入，由适用的指标按比例折算"
    elif not result.bonus:
        formula += f"，折合 {show(result.contribution)} / {show(result.possible)} 分"
    if result.not_counted:
        formula += f"；另有 {len(result.not_counted)} 条记录不计分（如自评）"
    return Explanation(
        f"{result.title} [{result.indicator_id}]",
        result.points,
        formula,
        parts,
        records,
        shown=show(result.points),
    )


def _explain_deduction(
    result: DeductionScore, rounding: RoundingPolicy = _DEFAULT
) -> Explanation:
    show = rounding.show
    cap = f"，本项封顶 {show(result.cap)} 分" if result.cap is not None else ""
    return Explanation(
        f"{result.title} [{result.deduction_id}]",
        result.counted,
        f"{len(result.incidents)} 次，合计 {show(result.claimed)} 分{cap}",
        records=result.incidents,
        shown=show(result.counted),
    )


# -- DataFrames (the ``frames`` extra) -------------------------------------------

_CARD_COLUMNS = (
    "indicator_id",
    "title",
    "section",
    "section_title",
    "bonus",
    "points",
    "max_points",
    "attainment",
    "possible",
    "contribution",
    "reason",
)
_CARD_NUMBERS = ("points", "max_points", "attainment", "possible", "contribution")


def scorecard_frame(
    card: Scorecard, *, numeric: NumericMode = DEFAULT_NUMERIC
) -> pd.DataFrame:
    """One row per indicator of *card* (bonus indicators last), indexed by id.

    Columns: ``title``, ``section`` (the id of the section the indicator
    sits in, ``""`` for a bonus indicator) and ``section_title`` (its title,
    ``奖励分`` for a bonus indicator), both ``category``, ``bonus``, ``points`` (on the indicator's own
    scale), ``max_points``, ``attainment`` (``points / max_points``),
    ``possible`` (its share of the total) and ``contribution`` (what it adds
    to the base), and ``reason``.  How numbers arrive with each *numeric*
    mode: see :mod:`pbcheck.views.frames`.  Needs the ``frames`` extra
    (pandas); :meth:`Scorecard.to_frame` is the same.

    >>> from pbcheck.examples.small import scorecards
    >>> (card,) = scorecards({"a": "85.125"}, bonus={"a": 2})
    >>> frame = scorecard_frame(card)
    >>> list(frame.index), frame.loc["i", "points"], list(frame["bonus"])
    (['i', 'b'], np.float64(83.125), [False, True])
    >>> scorecard_frame(card, numeric="decimal").loc["i", "points"]
    Decimal('83.13')
    >>> frame.loc["i", "section_title"], str(frame["points"].dtype)
    ('综合', 'float64')
    """
    check_numeric(numeric)
    cells = Cells(numeric, card.rounding)
    parents = _parents(card)
    rows = []
    for result in (*card.indicators.values(), *card.bonus):
        section = "" if result.bonus else parents.get(result.indicator_id, "")
        owner = card.sections.get(section)
        rows.append(
            {
                "indicator_id": result.indicator_id,
                "title": result.title,
                "section": section,
                "section_title": _BONUS_TITLE
                if result.bonus
                else ("" if owner is None else owner.title),
                "bonus": result.bonus,
                "points": cells.score(result.points),
                "max_points": cells.score(result.max_points),
                "attainment": cells.share(result.attainment),
                "possible": cells.score(result.possible),
                "contribution": cells.score(result.contribution),
                "reason": result.reason,
            }
        )
    return frame_from_rows(
        rows,
        _CARD_COLUMNS,
        index="indicator_id",
        numeric_columns=_CARD_NUMBERS,
        numeric=numeric,
        label_columns=("section", "section_title"),
    )


#: The section title of a bonus indicator in a frame.
_BONUS_TITLE = "奖励分"


def _parents(card: Scorecard) -> dict[str, str]:
    return {
        child: section_id
        for section_id, section in card.sections.items()
        for child in section.children
    }


_CARDS_NUMBERS = (
    "base",
    "bonus_claimed",
    "bonus",
    "deductions_claimed",
    "deductions",
    "total",
)


def scorecards_frame(
    cards: Iterable[Scorecard],
    *,
    tree: OrgTree | None = None,
    numeric: NumericMode = DEFAULT_NUMERIC,
) -> pd.DataFrame:
    """One row per scorecard, indexed by unit id and sorted by it.

    Columns: ``name``, ``series`` and ``liaison_group`` (联系片; with *tree*,
    else empty), then with *tree* one column per grouping of its units
    (:attr:`~pbcheck.OrgUnit.groupings`, named by the grouping), ``base``,
    ``bonus_claimed``, ``bonus`` (counted), ``deductions_claimed``,
    ``deductions`` (counted), ``total``, ``disqualified`` (一票否决),
    ``vetoes`` (the triggered veto ids, ``、``-joined), then one column per
    section of the rubric (its points), named by section id in rubric order
    (``section:<id>`` — ``grouping:<name>`` for a grouping — when a name is
    also that of a column before it).  Series, liaison groups and groupings
    are ``category`` columns in tree order.  ``frame.attrs["titles"]`` maps
    each section column to the section's title, so
    ``frame.rename(columns=frame.attrs["titles"])`` labels a chart in words.
    Rows are sorted by unit id, so the frame never depends on input order.
    How numbers arrive with each *numeric* mode: see
    :mod:`pbcheck.views.frames`.  Needs the ``frames`` extra (pandas).

    >>> from pbcheck.examples.small import scorecards
    >>> frame = scorecards_frame(scorecards({"b": 70, "a": 90}, vetoed={"b"}))
    >>> list(frame.index), list(frame["disqualified"]), frame.loc["a", "s"]
    (['a', 'b'], [False, True], np.float64(90.0))
    >>> frame.attrs["titles"], str(frame["total"].dtype)
    ({'s': '综合'}, 'float64')
    >>> shown = scorecards_frame(scorecards({"a": "85.125"}), numeric="decimal")
    >>> shown.loc["a", "total"]
    Decimal('85.13')
    """
    check_numeric(numeric)
    ordered = sorted(cards, key=lambda c: c.unit_id)
    # Every section of any card, each once, in the order first seen.
    sections = list(
        dict.fromkeys(s for card in ordered for s in _section_order(card) if s != ROOT)
    )
    units = {
        card.unit_id: tree[card.unit_id]
        for card in ordered
        if tree is not None and card.unit_id in tree
    }
    # Groupings of the tree's units, in tree order (not unit-id order).
    in_tree = [] if tree is None else [u for u in tree if u.id in units]
    groupings = list(dict.fromkeys(g for unit in in_tree for g in unit.groupings))
    fixed = {
        "unit_id",
        "name",
        "series",
        "liaison_group",
        *_CARDS_NUMBERS,
        "disqualified",
        "vetoes",
    }
    grouping_names = {g: f"grouping:{g}" if g in fixed else g for g in groupings}
    fixed |= set(grouping_names.values())
    names = {s: f"section:{s}" if s in fixed else s for s in sections}
    titles: dict[str, str] = {}
    rows = []
    for card in ordered:
        cells = Cells(numeric, card.rounding)
        unit = units.get(card.unit_id)
        row: dict[str, object] = {
            "unit_id": card.unit_id,
            "name": unit.name if unit is not None else "",
            "series": (unit.series or "") if unit is not None else "",
            "liaison_group": (unit.liaison_group or "") if unit is not None else "",
        }
        for grouping, column in grouping_names.items():
            row[column] = (unit.groupings.get(grouping) if unit else None) or ""
        row |= {
            "base": cells.score(card.base),
            "bonus_claimed": cells.score(card.bonus_claimed),
            "bonus": cells.score(card.bonus_counted),
            "deductions_claimed": cells.score(card.deductions_claimed),
            "deductions": cells.score(card.deductions_counted),
            "total": cells.score(card.total),
            "disqualified": card.disqualified,
            "vetoes": "、".join(v.veto_id for v in card.vetoes),
        }
        for section_id in sections:
            section = card.sections.get(section_id)
            row[names[section_id]] = (
                None if section is None else cells.score(section.points)
            )
            if section is not None:
                titles.setdefault(names[section_id], section.title)
        rows.append(row)
    labels = ("series", "liaison_group", *grouping_names.values())
    columns = (
        "unit_id",
        "name",
        *labels,
        *_CARDS_NUMBERS,
        "disqualified",
        "vetoes",
        *names.values(),
    )
    return frame_from_rows(
        rows,
        columns,
        index="unit_id",
        numeric_columns=(*_CARDS_NUMBERS, *names.values()),
        numeric=numeric,
        # Categories in tree order, as the tree lists its series.
        label_columns=_tree_labels(in_tree, grouping_names),
        attrs={"titles": {column: titles[column] for column in names.values()}},
    )


def _tree_labels(
    units: Iterable[OrgUnit], groupings: Mapping[str, str]
) -> dict[str, list[str]]:
    """Each label column's values in the order the tree meets them."""
    found: dict[str, dict[str, None]] = {
        column: {} for column in ("series", "liaison_group", *groupings.values())
    }
    for unit in units:
        found["series"][unit.series or ""] = None
        found["liaison_group"][unit.liaison_group or ""] = None
        for grouping, column in groupings.items():
            found[column][unit.groupings.get(grouping) or ""] = None
    return {column: list(values) for column, values in found.items()}


def _section_order(card: Scorecard) -> list[str]:
    """Section ids top-down (parents before children), in rubric order."""
    order: list[str] = []

    def visit(section_id: str) -> None:
        order.append(section_id)
        for child in card.sections[section_id].children:
            if child in card.sections:
                visit(child)

    if ROOT in card.sections:
        visit(ROOT)
    return order
