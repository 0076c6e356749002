"""Hypothesis strategies for rubrics, org trees and evaluations.

Use them to property-test your own rubric: generate evaluations for it and
check what you promise your users.

>>> from hypothesis import given, settings
>>> from pbcheck import score
>>> @settings(max_examples=5)
... @given(rubric_and_evaluation())
... def test_total_stays_in_range(pair):
...     rubric, evaluation = pair
...     card = score(rubric, evaluation)
...     assert rubric.floor <= card.total <= rubric.max_total
>>> test_total_stays_in_range()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction

from hypothesis import strategies as st

from pbcheck.model.aggregation import (
    Aggregator,
    GeometricMean,
    Median,
    Minimum,
    WeightedMean,
    WeightedSum,
)
from pbcheck.model.evaluation import (
    Evaluation,
    Incident,
    Observation,
    ObservedValue,
    Source,
)
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import BonusPool, Deduction, Indicator, Rubric, Section, Veto
from pbcheck.model.rules import (
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Tiers,
    ValueRule,
)

__all__ = [
    "ROLL_UP_AGGREGATORS",
    "evaluations_for",
    "exact_numbers",
    "indicators",
    "observed_values",
    "org_trees",
    "rubric_and_evaluation",
    "rubrics",
    "value_rules",
]

#: Monotone roll-up strategies that keep a section within its points.
ROLL_UP_AGGREGATORS: tuple[Aggregator, ...] = (
    WeightedSum(),
    WeightedMean(),
    Median(),
    Minimum(),
    GeometricMean(),
)

_RATER_AGGREGATORS: tuple[Aggregator, ...] = (
    WeightedMean(),
    Median(),
    Minimum(),
    GeometricMean(),
)

_INCIDENT_DAY = date(2025, 9, 1)


def exact_numbers(
    low: Fraction | int = 0, high: Fraction | int = 100, places: int = 2
) -> st.SearchStrategy[Fraction]:
    """Exact decimals with at most *places* places in ``[low, high]``.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(exact_numbers(0, 10, places=1))
    ... def check(number):
    ...     assert isinstance(number, Fraction) and 0 <= number <= 10
    ...     assert (number * 10).denominator == 1
    >>> check()
    """
    scale = 10**places
    return st.integers(
        int(Fraction(low) * scale + Fraction(scale - 1, scale)) if low else 0,
        int(Fraction(high) * scale),
    ).map(lambda n: Fraction(n, scale))


def value_rules(max_points: Fraction) -> st.SearchStrategy[ValueRule]:
    """Every built-in value rule, configured to fit an indicator worth *max_points*.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(value_rules(Fraction(5)))
    ... def check(rule):
    ...     assert not rule.config_problems(Fraction(5))
    >>> check()
    """
    tiers = st.lists(
        st.tuples(st.integers(0, 100), exact_numbers(0, max_points)),
        min_size=1,
        max_size=4,
        unique_by=lambda pair: pair[0],
    ).map(
        lambda pairs: Tiers(
            list(
                zip(
                    sorted(t for t, _ in pairs),
                    sorted(p for _, p in pairs),
                    strict=True,
                )
            )
        )
    )
    return st.one_of(
        st.just(PassFail()),
        st.just(DirectScore()),
        st.builds(
            RatioToTarget,
            target=st.integers(50, 100),
            zero_below=st.sampled_from([0, 10, 40]),
        ),
        tiers,
        st.builds(
            DeductionPerOccurrence,
            per=exact_numbers(Fraction(1, 100), max_points),
            floor=exact_numbers(0, max_points),
        ),
        st.builds(
            PointsPerOccurrence,
            per=exact_numbers(Fraction(1, 100), max_points),
            cap=st.one_of(st.none(), exact_numbers(Fraction(1, 100), max_points)),
        ),
        st.builds(CountAtLeast, required=st.integers(1, 12), partial=st.booleans()),
    )


@st.composite
def indicators(draw: st.DrawFn, id: str) -> Indicator:  # noqa: A002 - mirrors Indicator.id
    """An indicator with id *id*, a random maximum and a fitting value rule.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(indicators("A1"))
    ... def check(indicator):
    ...     assert indicator.id == "A1" and indicator.max_points > 0
    >>> check()
    """
    max_points = draw(exact_numbers(Fraction(1, 2), 20, places=1))
    rule = draw(value_rules(max_points))
    return Indicator(id, f"指标 {id}", max_points, rule)


@st.composite
def _section(draw: st.DrawFn, prefix: str, depth: int, counter: list[int]) -> Section:
    counter[0] += 1
    section_id = f"{prefix}{counter[0]}"
    subsections: list[Section] = []
    if depth > 0:
        subsections = [
            draw(_section(section_id + ".", depth - 1, counter))
            for _ in range(draw(st.integers(0, 2)))
        ]
    leaves = [
        draw(indicators(f"{section_id}-i{n}"))
        for n in range(draw(st.integers(0 if subsections else 1, 3)))
    ]
    weight = sum((s.weight for s in subsections), Fraction(0)) + sum(
        (i.max_points for i in leaves), Fraction(0)
    )
    return Section(
        section_id,
        f"部分 {section_id}",
        weight,
        subsections,
        leaves,
        aggregator=draw(st.sampled_from(ROLL_UP_AGGREGATORS)),
    )


@st.composite
def rubrics(
    draw: st.DrawFn,
    *,
    max_depth: int = 2,
    max_sections: int = 3,
    extras: bool = True,
) -> Rubric:
    """Valid points-weighted rubrics with nested sections and mixed rules.

    With *extras*, also bonus indicators, direct deductions and vetoes, and
    either scheme.  Total points are whatever the sections add up to, so
    weights always sum exactly.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(rubrics(max_depth=1, extras=False))
    ... def check(rubric):
    ...     assert sum(s.weight for s in rubric.sections) == rubric.total_points
    >>> check()
    """
    counter = [0]
    sections = [
        draw(_section("S", draw(st.integers(0, max_depth)), counter))
        for _ in range(draw(st.integers(1, max_sections)))
    ]
    total = sum((s.weight for s in sections), Fraction(0))
    fields: dict[str, object] = {
        "aggregator": draw(st.sampled_from(ROLL_UP_AGGREGATORS)),
        "rater_aggregator": draw(st.sampled_from(_RATER_AGGREGATORS)),
    }
    if extras:
        bonus = [draw(indicators(f"B{n}")) for n in range(draw(st.integers(0, 2)))]
        fields["bonus"] = BonusPool(draw(exact_numbers(0, 10, places=1)), bonus)
        fields["deductions"] = [
            Deduction(
                f"D{n}", f"扣分项 {n}", points=draw(exact_numbers(Fraction(1, 10), 5))
            )
            for n in range(draw(st.integers(0, 2)))
        ]
        fields["deduction_cap"] = draw(st.one_of(st.none(), exact_numbers(1, 10)))
        fields["scheme"] = draw(st.sampled_from(["capped", "open"]))
        fields["vetoes"] = draw(
            st.lists(
                st.builds(
                    Veto,
                    id=st.sampled_from(["V1", "V2"]),
                    title=st.just("一票否决项"),
                    cap=st.one_of(st.none(), exact_numbers(0, total)),
                ),
                max_size=2,
                unique_by=lambda veto: veto.id,
            )
        )
    return Rubric(
        "generated",
        "1",
        "生成的细则",
        sections,
        total_points=total,
        **fields,  # type: ignore[arg-type]
    )


def observed_values(
    rule: ValueRule, max_points: Fraction
) -> st.SearchStrategy[ObservedValue]:
    """Values *rule* can score on an indicator worth *max_points*.

    >>> from hypothesis import given, settings
    >>> rule = RatioToTarget(target=85)
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(observed_values(rule, Fraction(2)))
    ... def check(value):
    ...     assert rule.value_problem(value, Fraction(2)) is None
    ...     assert 0 <= rule.points(value, Fraction(2)).points <= 2
    >>> check()
    """
    if rule.value_kind == "pass_fail":
        return st.booleans()
    if rule.value_kind == "count":
        return st.integers(0, 20)
    if isinstance(rule, DirectScore):
        return exact_numbers(0, max_points)
    return exact_numbers(0, 120)


@st.composite
def evaluations_for(
    draw: st.DrawFn,
    rubric: Rubric,
    unit_id: str = "u1",
    *,
    max_raters: int = 3,
) -> Evaluation:
    """A valid evaluation of *rubric*: one to *max_raters* raters per indicator.

    Also some self-assessments (recorded, not counted), bonus claims,
    deduction incidents and, rarely, veto incidents.

    Use it to check a promise about *your* rubric, e.g. that no total leaves
    ``[floor, max_total]``:

    >>> from hypothesis import given, settings
    >>> from pbcheck import score
    >>> from pbcheck.examples.small import simple_rubric
    >>> mine = simple_rubric()
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(evaluations_for(mine, "czj"))
    ... def check(evaluation):
    ...     assert evaluation.unit_id == "czj"
    ...     assert mine.floor <= score(mine, evaluation).total <= mine.max_total
    >>> check()
    """
    observations: list[Observation] = []
    for indicator in rubric.indicators():
        assert isinstance(indicator.rule, ValueRule)  # noqa: S101 - rubrics() makes these
        for rater in range(draw(st.integers(1, max_raters))):
            value = draw(observed_values(indicator.rule, indicator.max_points))
            observations.append(
                Observation(indicator.id, value, rater=f"评分人{rater}")
            )
        if draw(st.booleans()):
            value = draw(observed_values(indicator.rule, indicator.max_points))
            observations.append(Observation(indicator.id, value, source=Source.SELF))
    for indicator in rubric.bonus.indicators:
        if draw(st.booleans()):
            assert isinstance(indicator.rule, ValueRule)  # noqa: S101
            value = draw(observed_values(indicator.rule, indicator.max_points))
            observations.append(Observation(indicator.id, value))
    incidents = [
        Incident(deduction.id, _INCIDENT_DAY, note=f"第{n}次")
        for deduction in rubric.deductions
        for n in range(draw(st.integers(0, 3)))
    ]
    incidents += [
        Incident(veto.id, _INCIDENT_DAY)
        for veto in rubric.vetoes
        if draw(st.integers(0, 4)) == 0
    ]
    return Evaluation(unit_id, observations, incidents=incidents)


@st.composite
def rubric_and_evaluation(draw: st.DrawFn) -> tuple[Rubric, Evaluation]:
    """A generated rubric together with one valid evaluation of it.

    >>> from hypothesis import given, settings
    >>> from pbcheck import score
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(rubric_and_evaluation())
    ... def check(pair):
    ...     rubric, evaluation = pair
    ...     assert score(rubric, evaluation).rubric_version == rubric.version
    >>> check()
    """
    rubric = draw(rubrics())
    return rubric, draw(evaluations_for(rubric))


@st.composite
def org_trees(
    draw: st.DrawFn,
    *,
    max_units: int = 20,
    series: Sequence[str] = ("政府工作部门", "党群部门", "垂直管理部门"),
) -> OrgTree:
    """Valid org trees: one working committee and units below it, in any order.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(org_trees(max_units=8))
    ... def check(tree):
    ...     assert [u.id for u in tree.roots] == ["root"]
    ...     assert len(tree.descendants("root")) == len(tree) - 1
    >>> check()
    """
    count = draw(st.integers(1, max_units))
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    for n in range(1, count):
        parent = units[draw(st.integers(0, n - 1))].id
        kind = draw(
            st.sampled_from(
                [k for k in UnitKind if k is not UnitKind.WORKING_COMMITTEE]
            )
        )
        units.append(
            OrgUnit(
                f"u{n}",
                f"单位{n}",
                kind,
                parent=parent,
                series=draw(st.sampled_from(series)),
                liaison_group=f"第{draw(st.integers(1, 8))}联系片",
            )
        )
    return OrgTree(draw(st.permutations(units)))
