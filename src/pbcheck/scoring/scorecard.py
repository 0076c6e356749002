"""Scorecards: the exact, explainable result of scoring one unit (计分结果).

A :class:`Scorecard` holds every indicator's points, every section's roll-up,
bonus, deductions and veto findings, each traceable to the records it came
from through :meth:`Scorecard.explain`.  They are made by
:func:`pbcheck.score` / :func:`pbcheck.score_all` (see :mod:`pbcheck.scoring.engine`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck._numbers import format_exact as _f
from pbcheck.model.evaluation import Activity, Incident, Observation
from pbcheck.model.rubric import ROOT

if TYPE_CHECKING:
    import pandas as pd

    from pbcheck.views.frames import NumericMode

__all__ = [
    "DeductionScore",
    "Explanation",
    "IndicatorScore",
    "RaterScore",
    "Record",
    "Scorecard",
    "SectionScore",
    "VetoFinding",
]

#: Any record an explanation can point to.
Record = Observation | Activity | Incident


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
    activities, incidents) they rest on.

    >>> from pbcheck.examples.small import scorecards
    >>> print(scorecards({"a": 85})[0].explain())
    总分 = 85：基础分 85 + 加分 0 − 扣分 0，限于 [0, 100]
      基础分 = 85：weighted_sum 汇总各部分，× 100 分
        综合 [s] = 85：weighted_sum（权重 i 100 分）得完成度 0.85，× 100 分
          综合评分 [i] = 85：考评直接评分 85 分；满分 100，折合 85 / 100 分
            · 考评组：85
    """

    subject: str
    value: Fraction
    formula: str
    parts: tuple[Explanation, ...] = ()
    records: tuple[Record, ...] = ()

    def lines(self, depth: int = 0) -> list[str]:
        """The explanation as indented lines, one per step and record.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].explain().lines()[1]
        '  基础分 = 85：weighted_sum 汇总各部分，× 100 分'
        """
        indent = "  " * depth
        out = [f"{indent}{self.subject} = {_f(self.value)}：{self.formula}"]
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


def _describe(record: Record) -> str:
    if isinstance(record, Observation):
        when = f" {record.recorded_at.isoformat()}" if record.recorded_at else ""
        who = f" {record.rater}" if record.rater else ""
        evidence = "；".join(e.ref for e in record.evidence)
        tail = f"（依据：{evidence}）" if evidence else ""
        value = record.value
        shown = value if isinstance(value, bool) else _f(Fraction(value))
        return f"{record.source.label_zh}{who}{when}：{shown}{tail}"
    if isinstance(record, Activity):
        return f"活动 {record.occurred_at.isoformat()} {record.title}".rstrip()
    category = f"（{record.category}）" if record.category else ""
    return f"事项 {record.item_id}{category} {record.occurred_at.isoformat()} {record.note}".rstrip()


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

    def __repr__(self) -> str:
        veto = " 一票否决" if self.disqualified else ""
        return (
            f"<Scorecard {self.unit_id}: {self.show(self.total)} / "
            f"{_f(self.max_total)}{veto}>"
        )

    def _repr_html_(self) -> str:
        from pbcheck.views._reprs import scorecard_html  # noqa: PLC0415 - notebooks only

        return scorecard_html(self)

    def to_frame(self, *, numeric: NumericMode = "decimal") -> pd.DataFrame:
        """One row per indicator; see :func:`pbcheck.views.frames.scorecard_frame`.

        Needs the ``frames`` extra (pandas).

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": "85.125"})
        >>> card.to_frame().loc["i", "points"] == Decimal(card.show(card.total))
        True
        """
        from pbcheck.views.frames import scorecard_frame  # noqa: PLC0415 - optional extra

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
            KeyError: if *item* names nothing in the scorecard.

        >>> from pbcheck.examples.small import scorecards
        >>> scorecards({"a": 85})[0].explain("i").formula
        '考评直接评分 85 分；满分 100，折合 85 / 100 分'
        """
        if item == "total":
            return self._explain_total()
        if item in self.sections:
            return self._explain_section(item)
        if item in self.indicators:
            return _explain_indicator(self.indicators[item])
        for bonus in self.bonus:
            if bonus.indicator_id == item:
                return _explain_indicator(bonus)
        for deduction in self.deductions:
            if deduction.deduction_id == item:
                return _explain_deduction(deduction)
        raise KeyError(item)

    def _explain_section(self, section_id: str) -> Explanation:
        section = self.sections[section_id]
        parts = tuple(
            self._explain_section(child)
            if child in self.sections
            else _explain_indicator(self.indicators[child])
            for child in section.children
        )
        weights = "，".join(
            f"{child} {_f(share * section.possible)} 分"
            for child, share in zip(section.children, section.shares, strict=True)
        )
        formula = (
            f"{section.aggregator}（权重 {weights}）得完成度 "
            f"{_f(section.attainment)}，× {_f(section.possible)} 分"
        )
        return Explanation(
            f"{section.title} [{section_id}]", section.points, formula, parts
        )

    def _explain_total(self) -> Explanation:
        root = self.sections[ROOT]
        parts: list[Explanation] = [
            Explanation(
                "基础分",
                self.base,
                f"{root.aggregator} 汇总各部分，× {_f(self.total_points)} 分",
                tuple(self._explain_section(child) for child in root.children),
            )
        ]
        if self.bonus:
            parts.append(
                Explanation(
                    "加分",
                    self.bonus_counted,
                    f"申报 {_f(self.bonus_claimed)} 分，计入 {_f(self.bonus_counted)} 分",
                    tuple(_explain_indicator(b) for b in self.bonus),
                )
            )
        if self.deductions:
            parts.append(
                Explanation(
                    "直接扣分",
                    self.deductions_counted,
                    f"合计 {_f(self.deductions_claimed)} 分，"
                    f"计 {_f(self.deductions_counted)} 分",
                    tuple(_explain_deduction(d) for d in self.deductions),
                )
            )
        parts.extend(
            Explanation(
                f"一票否决 {finding.title}",
                Fraction(0) if finding.cap is None else finding.cap,
                "取消评先资格"
                if finding.cap is None
                else f"总分不超过 {_f(finding.cap)} 分",
                records=finding.incidents,
            )
            for finding in self.vetoes
        )
        formula = (
            f"基础分 {_f(self.base)} + 加分 {_f(self.bonus_counted)} − 扣分 "
            f"{_f(self.deductions_counted)}，限于 [{_f(self.floor)}, {_f(self.max_total)}]"
        )
        return Explanation("总分", self.total, formula, tuple(parts))


def _explain_indicator(result: IndicatorScore) -> Explanation:
    records: tuple[Record, ...] = tuple(r.observation for r in result.raters)
    records += result.activities
    parts: tuple[Explanation, ...] = ()
    if len(result.raters) > 1:
        parts = tuple(
            Explanation(
                f"{r.observation.source.label_zh} {r.observation.rater}".rstrip(),
                r.points,
                f"{r.reason}（权重 {_f(r.weight)}）",
                records=(r.observation,),
            )
            for r in result.raters
        )
        records = result.activities
    formula = f"{result.reason}；满分 {_f(result.max_points)}"
    if not result.bonus:
        formula += f"，折合 {_f(result.contribution)} / {_f(result.possible)} 分"
    if result.not_counted:
        formula += f"；另有 {len(result.not_counted)} 条记录不计分（如自评）"
    return Explanation(
        f"{result.title} [{result.indicator_id}]",
        result.points,
        formula,
        parts,
        records,
    )


def _explain_deduction(result: DeductionScore) -> Explanation:
    cap = f"，本项封顶 {_f(result.cap)} 分" if result.cap is not None else ""
    return Explanation(
        f"{result.title} [{result.deduction_id}]",
        result.counted,
        f"{len(result.incidents)} 次，合计 {_f(result.claimed)} 分{cap}",
        records=result.incidents,
    )
