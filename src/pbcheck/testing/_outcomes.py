"""Hypothesis strategies for outcomes: seasons of scorecards for rankings, lists, history.

The seasons are built with :func:`pbcheck.examples.small.scorecards` and
:func:`pbcheck.examples.small.org_tree` (one direct-score indicator worth 100
points, a bonus pool and a veto item), so every generated card is really
scored.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from pbcheck._numbers import Exact, to_exact
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.model.org import OrgTree
from pbcheck.scoring.scorecard import Scorecard

__all__ = ["bottom_matrices", "seasons"]

# A few values, so that ties (exact, and on the rounded 80.00) are common.
_TOTALS: tuple[Exact, ...] = (60, 70, 75, "75.5", 80, "80.004", 90, 100)


@st.composite
def seasons(
    draw: st.DrawFn,
    *,
    max_units: int = 8,
    series: Sequence[str] = ("政府工作部门", "党群部门"),
) -> tuple[OrgTree, tuple[Scorecard, ...]]:
    """A small tree and one scorecard per unit, with ties, bonus and vetoes.

    Totals are drawn from a few values so that ties are common.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3)
    ... @given(seasons())
    ... def test_one_card_per_unit(season):
    ...     tree, cards = season
    ...     assert len(cards) == len(tree) - 1
    >>> test_one_card_per_unit()
    """
    count = draw(st.integers(1, max_units))
    ids = [f"u{n}" for n in range(count)]
    by_series: dict[str, list[str]] = {}
    for unit_id in ids:
        by_series.setdefault(draw(st.sampled_from(series)), []).append(unit_id)
    totals: dict[str, Exact] = {
        unit_id: draw(st.sampled_from(_TOTALS)) for unit_id in ids
    }
    bonus = {
        unit_id: draw(st.sampled_from([0, 0, 5]))
        for unit_id in ids
        if to_exact(totals[unit_id], "t") >= 60
    }
    vetoed = {unit_id for unit_id in ids if draw(st.integers(0, 5)) == 0}
    return org_tree(by_series), scorecards(totals, vetoed=vetoed, bonus=bonus)


def bottom_matrices(
    *, max_units: int = 4, max_cycles: int = 5
) -> st.SearchStrategy[list[list[bool]]]:
    """Cycles × units of "at the bottom" flags, for streak properties.

    >>> from hypothesis import find
    >>> find(bottom_matrices(), lambda m: len(m) > 1)
    [[False], [False]]
    """
    return st.integers(1, max_units).flatmap(
        lambda units: st.lists(
            st.lists(st.booleans(), min_size=units, max_size=units),
            min_size=1,
            max_size=max_cycles,
        )
    )
