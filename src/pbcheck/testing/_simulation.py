"""Hypothesis strategies for what-if simulation: seasons and weight sets.

:func:`weighted_seasons` draws small seasons whose totals move with the
top-level weights — two or three top-level sections, nested items, bonus,
deductions and both kinds of veto — with scores drawn from a few values so
that exact ties are common; :func:`weight_sets` draws exact weightings.

>>> from hypothesis import given, settings
>>> @settings(max_examples=3)
... @given(weighted_seasons())
... def test_one_evaluation_per_unit(season):
...     rubric, evaluations, tree = season
...     assert len(evaluations) == len(tree) - 1
>>> test_one_evaluation_per_unit()
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from pbcheck.model.evaluation import Evaluation, Incident, Observation
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import BonusPool, Deduction, Indicator, Rubric, Section, Veto
from pbcheck.model.rules import DirectScore

__all__ = ["weight_sets", "weighted_seasons"]

_DAY = date(2025, 9, 1)
_SERIES = ("政府工作部门", "党群部门")


@st.composite
def weighted_seasons(
    draw: st.DrawFn, *, max_units: int = 8
) -> tuple[Rubric, tuple[Evaluation, ...], OrgTree]:
    """A rubric with a weighted-sum top level, a season of it, and the tree.

    Each top-level section holds one or two items of one or two direct-score
    indicators; every score is a quarter of its maximum, so ties (exact, and
    at different weights) are common.

    >>> from hypothesis import find
    >>> rubric, _, _ = find(weighted_seasons(), lambda s: len(s[0].sections) == 3)
    >>> [section.id for section in rubric.sections]
    ['S0', 'S1', 'S2']
    """
    sections = []
    for s in range(draw(st.integers(2, 3))):
        items = []
        for i in range(draw(st.integers(1, 2))):
            leaves = [
                Indicator(f"S{s}.{i}.{n}", f"指标 {s}.{i}.{n}", points, DirectScore())
                for n, points in enumerate(
                    draw(st.lists(st.sampled_from([4, 8, 12]), min_size=1, max_size=2))
                )
            ]
            items.append(
                Section(
                    f"S{s}.{i}",
                    f"项目 {s}.{i}",
                    sum(leaf.max_points for leaf in leaves),
                    indicators=leaves,
                )
            )
        sections.append(
            Section(f"S{s}", f"部分 {s}", sum(i.weight for i in items), sections=items)
        )
    rubric = Rubric(
        "simulated",
        "1",
        "模拟细则",
        sections,
        total_points=sum(s.weight for s in sections),
        bonus=BonusPool(3, [Indicator("B", "加分", 4, DirectScore())]),
        deductions=[Deduction("D", "扣分", points=2)],
        vetoes=[Veto("V", "一票否决"), Veto("C", "封顶", cap=draw(st.integers(0, 30)))],
        scheme=draw(st.sampled_from(["capped", "open"])),
    )
    evaluations = []
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    for n in range(draw(st.integers(1, max_units))):
        observations = [
            Observation(
                indicator.id, indicator.max_points * draw(st.integers(0, 4)) / 4
            )
            for indicator in rubric.indicators()
        ]
        if draw(st.integers(0, 3)) == 0:
            observations.append(Observation("B", draw(st.integers(0, 4))))
        incidents = [
            Incident(item, _DAY, note=str(k))
            for item, most in (("D", 3), ("V", 1), ("C", 1))
            for k in range(
                draw(st.integers(0, most)) if draw(st.integers(0, 4)) == 0 else 0
            )
        ]
        evaluations.append(Evaluation(f"u{n}", observations, incidents=incidents))
        units.append(
            OrgUnit(
                f"u{n}",
                f"单位{n}",
                UnitKind.PARTY_COMMITTEE,
                parent="root",
                series=draw(st.sampled_from(_SERIES)),
            )
        )
    return rubric, tuple(evaluations), OrgTree(units)


def weight_sets(rubric: Rubric) -> st.SearchStrategy[dict[str, int]]:
    """Whole-number top-level weights (0–10, not all 0), to be normalised.

    >>> from hypothesis import find
    >>> from pbcheck.examples.small import two_section_example
    >>> sorted(find(weight_sets(two_section_example()[0]), lambda w: True))
    ['常规', '服务']
    """
    ids = [section.id for section in rubric.sections]
    return st.fixed_dictionaries({sid: st.integers(0, 10) for sid in ids}).filter(
        lambda weights: sum(weights.values()) > 0
    )
