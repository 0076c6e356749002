"""Helpers and hypothesis strategies for outcomes: rankings, grades, lists, history.

:func:`scorecards` and :func:`org_tree` build small, *really scored* inputs
(one direct-score indicator worth 100 points, a bonus pool and a veto item)
for examples and tests; the strategies generate seasons of them.

>>> cards = scorecards({"a": 90, "b": "85.5"}, vetoed={"b"})
>>> [(c.unit_id, c.total, c.disqualified) for c in cards]
[('a', Fraction(90, 1), False), ('b', Fraction(171, 2), True)]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from hypothesis import strategies as st

from pbcheck._numbers import Exact, to_exact
from pbcheck.evaluation import Evaluation, Incident, Observation
from pbcheck.org import OrgTree, OrgUnit, UnitKind
from pbcheck.rubric import BonusPool, Indicator, Rubric, Section, Veto
from pbcheck.rules import DirectScore
from pbcheck.scoring import Scorecard, score_all

__all__ = [
    "bottom_matrices",
    "org_tree",
    "scorecards",
    "seasons",
    "simple_rubric",
]

_VETO_DAY = date(2025, 9, 1)
# A few values, so that ties (exact, and on the rounded 80.00) are common.
_TOTALS: tuple[Exact, ...] = (60, 70, 75, "75.5", 80, "80.004", 90, 100)


def simple_rubric() -> Rubric:
    """A 100-point rubric: one direct score ``i``, bonus ``b`` (cap 10), veto ``V``.

    >>> simple_rubric().max_total
    Fraction(100, 1)
    """
    return Rubric(
        "simple",
        "1",
        "示例细则",
        [
            Section(
                "s",
                "综合",
                100,
                indicators=[Indicator("i", "综合评分", 100, DirectScore())],
            )
        ],
        bonus=BonusPool(10, [Indicator("b", "加分", 10, DirectScore())]),
        vetoes=[Veto("V", "发生严重违纪违法问题")],
    )


def scorecards(
    totals: Mapping[str, Exact],
    *,
    vetoed: Collection[str] = (),
    bonus: Mapping[str, Exact] | None = None,
) -> tuple[Scorecard, ...]:
    """Scorecards with the given totals, scored by :func:`simple_rubric`.

    Args:
        totals: unit id → total (0–100); the base is the total less its bonus.
        vetoed: units with a disqualifying veto incident (一票否决).
        bonus: unit id → bonus points (0–10) included in its total.

    >>> [c.base for c in scorecards({"a": 90}, bonus={"a": 5})]
    [Fraction(85, 1)]
    """
    bonus = bonus or {}
    evaluations = []
    for unit_id, total in totals.items():
        extra = to_exact(bonus.get(unit_id, 0), f"bonus[{unit_id}]")
        observations = [Observation("i", to_exact(total, f"totals[{unit_id}]") - extra)]
        if extra:
            observations.append(Observation("b", extra))
        incidents = [Incident("V", _VETO_DAY)] if unit_id in vetoed else []
        evaluations.append(Evaluation(unit_id, observations, incidents=incidents))
    return score_all(simple_rubric(), evaluations)


def org_tree(
    series: Mapping[str, Sequence[str]],
    *,
    liaison_groups: Mapping[str, str] | None = None,
) -> OrgTree:
    """A working committee with one party committee per unit id, by series.

    Args:
        series: series name → unit ids in it.
        liaison_groups: unit id → liaison group (联系片), optional.

    >>> [u.series for u in org_tree({"党群部门": ["a"]}).units]
    [None, '党群部门']
    """
    groups = liaison_groups or {}
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    units += [
        OrgUnit(
            unit_id,
            f"单位{unit_id}",
            UnitKind.PARTY_COMMITTEE,
            parent="root",
            series=name,
            liaison_group=groups.get(unit_id),
        )
        for name, ids in series.items()
        for unit_id in ids
    ]
    return OrgTree(units)


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
