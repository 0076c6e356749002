"""Small season reports for examples and tests of :mod:`pbcheck.report`.

>>> small_report()
<CycleReport 示例细则 2025—2026年度: 5 个单位，1 个系列；表彰 1 个，处于后位 1 个>
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from pbcheck._numbers import Exact
from pbcheck.cycle import AssessmentCycle
from pbcheck.outcomes import assess_outcomes
from pbcheck.report import CycleReport
from pbcheck.testing._outcomes import org_tree, scorecards, simple_rubric

__all__ = ["small_report"]

_TOTALS: Mapping[str, Exact] = {"a": 95, "b": 88, "c": 80, "d": 75, "e": 60}


def small_report(
    totals: Mapping[str, Exact] | None = None,
    *,
    series: Mapping[str, Sequence[str]] | None = None,
    vetoed: Collection[str] = (),
    year: int = 2025,
) -> CycleReport:
    """A really scored season report: :func:`scorecards` in one tree, default outcomes.

    Args:
        totals: unit id → total; five units ``a``–``e`` by default.
        series: series name → unit ids; all units in ``党群部门`` by default.
        vetoed: units with a disqualifying veto (一票否决).
        year: the first year of the cross-year cycle.

    >>> [line.unit_id for line in small_report({"x": 70, "y": 90}).lines]
    ['y', 'x']
    """
    totals = dict(_TOTALS if totals is None else totals)
    tree = org_tree(series or {"党群部门": list(totals)})
    cards = scorecards(totals, vetoed=vetoed)
    cycle = AssessmentCycle.cross_year(year)
    return CycleReport.build(
        cards,
        assess_outcomes(cards, tree, cycle=cycle),
        tree=tree,
        rubric=simple_rubric(),
        cycle=cycle,
    )
