"""自评 against 考评组: how far each unit's self-assessment is from the assessed score.

Units score themselves (自评) before the assessment team (考评组) does; the
self-assessment is recorded but, by default, not counted
(:data:`~pbcheck.model.rubric.DEFAULT_SOURCE_WEIGHTS`).  Where the two part
ways is what an office asks about at feedback time ("自评分明显高于考评分").
:func:`self_assessment_gaps` puts them side by side, per unit and indicator,
on the indicator's own scale:

>>> from pbcheck import Evaluation, Observation, Source, score_all
>>> from pbcheck.examples.small import simple_rubric
>>> rubric = simple_rubric()
>>> cards = score_all(
...     rubric,
...     [
...         Evaluation(
...             "SFJ",
...             [Observation("i", 84), Observation("i", 95, source=Source.SELF)],
...         )
...     ],
... )
>>> table = self_assessment_gaps(rubric, cards)
>>> (gap,) = table
>>> gap.self_points, gap.assessed_points, gap.gap, gap.direction
(Fraction(95, 1), Fraction(84, 1), Fraction(11, 1), '自评高于考评')
>>> print(table)
自评与考评对照（1 个单位，1 项指标有自评）
  SFJ  i 综合评分：自评 95.00，考评 84.00，相差 +11.00（满分 100，自评高于考评）
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck.model.evaluation import Source
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import _is_value_rule
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SelfAssessmentGap", "SelfAssessmentGaps", "self_assessment_gaps"]

#: Which way a self-assessment departs from the assessed score.
Direction = Literal["自评高于考评", "自评低于考评", "一致"]


@attrs.frozen
class SelfAssessmentGap:
    """One unit's self-assessment of one indicator beside its assessed score.

    Args:
        unit_id: the unit.
        indicator_id: the indicator; ``title`` its title.
        self_points: the points the unit's own 自评 earns under the rule (the
            mean when it recorded several).
        assessed_points: the points counted in the scorecard.
        max_points: the indicator's full marks.

    >>> from fractions import Fraction
    >>> gap = SelfAssessmentGap(
    ...     "SFJ", "A1", "基础台账", Fraction(49), Fraction(41), Fraction(50)
    ... )
    >>> gap.gap, gap.gap_share, gap.direction
    (Fraction(8, 1), Fraction(4, 25), '自评高于考评')
    """

    unit_id: str
    indicator_id: str
    title: str
    self_points: Fraction
    assessed_points: Fraction
    max_points: Fraction

    @property
    def gap(self) -> Fraction:
        """``self_points − assessed_points``: positive when the unit scored itself higher."""
        return self.self_points - self.assessed_points

    @property
    def gap_share(self) -> Fraction:
        """The gap as a share of full marks, in ``[−1, 1]``."""
        return self.gap / self.max_points

    @property
    def direction(self) -> Direction:
        """自评高于考评, 自评低于考评 or 一致."""
        if self.gap > 0:
            return "自评高于考评"
        if self.gap < 0:
            return "自评低于考评"
        return "一致"


def _gaps(value: Iterable[SelfAssessmentGap]) -> tuple[SelfAssessmentGap, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class SelfAssessmentGaps:
    """Every self-assessed indicator of a season beside its assessed score.

    Rows follow the scorecards' order and, within a unit, the rubric's.
    ``print`` lists them; :meth:`largest` picks the widest gaps;
    :meth:`to_frame` gives one row per unit and indicator.

    >>> from fractions import Fraction
    >>> table = SelfAssessmentGaps(
    ...     [
    ...         SelfAssessmentGap(
    ...             "SFJ", "A1", "基础台账", Fraction(49), Fraction(41), Fraction(50)
    ...         ),
    ...         SelfAssessmentGap(
    ...             "SFJ", "A2", "责任书", Fraction(20), Fraction(0), Fraction(20)
    ...         ),
    ...     ]
    ... )
    >>> table
    <SelfAssessmentGaps: 1 个单位，2 项>
    >>> [row.indicator_id for row in table.largest(1)], len(table.of("TJJ"))
    (['A2'], 0)
    """

    rows: tuple[SelfAssessmentGap, ...] = attrs.field(converter=_gaps)
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy)

    def __iter__(self) -> Iterator[SelfAssessmentGap]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __repr__(self) -> str:
        units = len({row.unit_id for row in self.rows})
        return f"<SelfAssessmentGaps: {units} 个单位，{len(self.rows)} 项>"

    def of(self, unit_id: str) -> tuple[SelfAssessmentGap, ...]:
        """The rows of *unit_id* (empty when it self-assessed nothing)."""
        return tuple(row for row in self.rows if row.unit_id == unit_id)

    def largest(self, count: int = 10) -> tuple[SelfAssessmentGap, ...]:
        """The *count* rows with the widest gap relative to full marks.

        Ties keep the table's order.
        """
        return tuple(
            sorted(self.rows, key=lambda row: -abs(row.gap_share))[: max(count, 0)]
        )

    def lines(self) -> list[str]:
        """The table as plain text lines, one per row."""
        units = len({row.unit_id for row in self.rows})
        show = self.rounding.format
        out = [f"自评与考评对照（{units} 个单位，{len(self.rows)} 项指标有自评）"]
        for row in self.rows:
            sign = "+" if row.gap > 0 else ""
            out.append(
                f"  {row.unit_id}  {row.indicator_id} {row.title}："
                f"自评 {show(row.self_points)}，考评 {show(row.assessed_points)}，"
                f"相差 {sign}{show(row.gap)}"
                f"（满分 {show(row.max_points).rstrip('0').rstrip('.')}，"
                f"{row.direction}）"
            )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        show = self.rounding.format
        rows = [
            [
                row.unit_id,
                row.indicator_id,
                row.title,
                show(row.self_points),
                show(row.assessed_points),
                show(row.gap),
                row.direction,
            ]
            for row in self.rows
        ]
        return html.titled(
            self.lines()[0],
            html.table(["单位", "指标", "名称", "自评", "考评", "相差", "对照"], rows),
        )

    def to_frame(self, *, numeric: NumericMode = DEFAULT_NUMERIC) -> pd.DataFrame:
        """One row per unit and indicator (the ``frames`` extra).

        Columns: ``indicator_id``, ``title``, ``self_points``,
        ``assessed_points``, ``gap``, ``max_points`` and ``direction``,
        indexed by ``unit_id``.
        """
        check_numeric(numeric)
        cells = Cells(numeric, self.rounding)
        numbers = ("self_points", "assessed_points", "gap", "max_points")
        return frame_from_rows(
            (
                {
                    "unit_id": row.unit_id,
                    "indicator_id": row.indicator_id,
                    "title": row.title,
                    "self_points": cells.score(row.self_points),
                    "assessed_points": cells.score(row.assessed_points),
                    "gap": cells.score(row.gap),
                    "max_points": cells.score(row.max_points),
                    "direction": row.direction,
                }
                for row in self.rows
            ),
            ["unit_id", "indicator_id", "title", *numbers, "direction"],
            index="unit_id",
            numeric_columns=numbers,
            numeric=numeric,
        )


def self_assessment_gaps(
    rubric: Rubric | RubricSet,
    scorecards: Sequence[Scorecard],
    *,
    tree: OrgTree | None = None,
) -> SelfAssessmentGaps:
    """Each unit's 自评 beside its assessed score, per indicator.

    The self-assessment is read from the scorecards (the observations of
    source :attr:`~pbcheck.model.evaluation.Source.SELF`, counted or not) and
    scored by the indicator's own rule, so both sides are points on the same
    scale.  Indicators without a self-assessment, frequency indicators and
    合理缺项 indicators have no row.  With a
    :class:`~pbcheck.model.rubric_set.RubricSet`, *tree* gives each unit's
    series.

    >>> from pbcheck import Evaluation, Observation, Source, score_all
    >>> from pbcheck.examples.small import simple_rubric
    >>> cards = score_all(
    ...     simple_rubric(),
    ...     [
    ...         Evaluation(
    ...             "a",
    ...             [Observation("i", 70), Observation("i", 80, source=Source.SELF)],
    ...         )
    ...     ],
    ... )
    >>> [(row.unit_id, row.gap) for row in self_assessment_gaps(simple_rubric(), cards)]
    [('a', Fraction(10, 1))]
    """
    rows: list[SelfAssessmentGap] = []
    rounding = RoundingPolicy()
    for card in scorecards:
        rounding = card.rounding
        if isinstance(rubric, RubricSet):
            series = None
            if tree is not None and card.unit_id in tree:
                series = tree[card.unit_id].series
            own = rubric.rubric_for(card.unit_id, series=series)
        else:
            own = rubric
        for result in card.indicators.values():
            rule = own.indicator(result.indicator_id).rule
            if result.not_applicable is not None or not _is_value_rule(rule):
                continue
            own_view = [
                o
                for o in (*result.not_counted, *(r.observation for r in result.raters))
                if o.source is Source.SELF
            ]
            if not own_view:
                continue
            points = [rule.points(o.value, result.max_points).points for o in own_view]
            rows.append(
                SelfAssessmentGap(
                    card.unit_id,
                    result.indicator_id,
                    result.title,
                    sum(points, Fraction(0)) / len(points),
                    result.points,
                    result.max_points,
                )
            )
    return SelfAssessmentGaps(rows, rounding)
