"""The exact weights at which results change (pbcheck.whatif.sweep): swap points, sweeps."""

import itertools
import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import (
    BottomPolicy,
    CommendationPolicy,
    DirectScore,
    Evaluation,
    Indicator,
    Median,
    Observation,
    OutcomePolicy,
    Quota,
    RankingPolicy,
    Rubric,
    Section,
    assess_outcomes,
    score_all,
)
from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, two_section_example
from pbcheck.testing._simulation import weighted_seasons
from pbcheck.whatif.reweight import reweight
from pbcheck.whatif.simulation import Attainments
from pbcheck.whatif.sweep import swap_point, sweep

#: Weight studies compare totals exactly (see pbcheck.whatif._common).
EXACT = RankingPolicy(basis="exact")

POLICIES = (
    OutcomePolicy(ranking=EXACT),
    # Before the office rules of issue 14: vetoed units in the quota, ties spared.
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(
            Quota(count=1), vetoed_in_quota=True, ties="spare", min_group_size=1
        ),
    ),
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(Quota(count=2), ties="include", below=20),
        commendation=CommendationPolicy(Quota(share="0.5"), min_score=30),
    ),
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(Quota(share="0.25"), vetoed=False, group_by="all"),
        commendation=CommendationPolicy(
            Quota(count=2), exclude_bottom=False, group_by="all"
        ),
    ),
)


@pytest.fixture(scope="module")
def example():
    rubric, tree = example_rubric(), example_tree()
    cards = score_all(
        example_rubrics(),
        example_evaluations(2025),
        tree=tree,
        cycle=example_cycle(2025),
    )
    return rubric, tree, cards


def exact_lists(rubric, evaluations, tree, policy, weights):
    """The lists by re-weighting the rubric and re-scoring the exact path."""
    cards = score_all(reweight(rubric, weights, normalise=True), evaluations)
    outcomes = assess_outcomes(cards, tree, policy)
    return set(outcomes.commendation.unit_ids), set(outcomes.bottom.unit_ids)


def all_or_nothing() -> Rubric:
    """A percent rubric whose first section holds all the weight (100/0)."""
    return Rubric(
        "z",
        "1",
        "100/0",
        [
            Section(
                "A",
                "甲",
                100,
                indicators=[Indicator("a", "a", 10, DirectScore(), weight=100)],
            ),
            Section(
                "B",
                "乙",
                0,
                indicators=[Indicator("b", "b", 10, DirectScore(), weight=100)],
            ),
        ],
        weighting="percent",
        total_points=100,
    )


class TestSwapPoint:
    def test_exact_tie_weight(self):
        """a and b tie at 65/35; re-scoring there gives equal totals."""
        rubric, evaluations = two_section_example()
        a, b = score_all(rubric, evaluations)
        point = swap_point(rubric, a, b)
        assert point.tie_weight == 65
        assert point.change == -5
        at_tie = score_all(reweight(rubric, {"常规": 65, "服务": 35}), evaluations)
        assert at_tie[0].total == at_tie[1].total

    def test_parallel_units_never_swap(self):
        """Equal attainment gaps in both sections: the difference is constant."""
        rubric, _ = two_section_example()
        cards = score_all(
            rubric,
            [
                Evaluation("a", [Observation("R", 70), Observation("F", 30)]),
                Evaluation("b", [Observation("R", 35), Observation("F", 15)]),
            ],
        )
        point = swap_point(rubric, *cards)
        assert point.tie_weight is None
        assert "不会交换" in point.reason

    def test_out_of_range(self):
        """A unit better in both sections cannot be overtaken by any weights."""
        rubric, _ = two_section_example()
        cards = score_all(
            rubric,
            [
                Evaluation("a", [Observation("R", 70), Observation("F", 20)]),
                Evaluation("b", [Observation("R", 35), Observation("F", 15)]),
            ],
        )
        point = swap_point(rubric, *cards)
        assert point.tie_weight is None
        assert "超出" in point.reason

    def test_nonlinear_rubrics_are_refused(self):
        """Three sections, or a median at the top, cannot be solved this way."""
        rubric, evaluations = two_section_example()
        cards = score_all(rubric, evaluations)
        median = Rubric("m", "1", "m", rubric.sections, aggregator=Median())
        with pytest.raises(ValueError, match="weighted sum"):
            swap_point(median, *cards)

    def test_all_weight_on_the_first_section(self):
        """At 100/0 the second section still takes the rest; the sweep of it agrees.

        The sweep cannot move the section that holds everything (the others
        have no proportion to keep), but sweeping the other one is the same
        axis read backwards: the first at 80 is the second at 20.
        """
        rubric = all_or_nothing()
        cards = score_all(
            rubric,
            [
                Evaluation("x", [Observation("a", 9), Observation("b", 1)]),
                Evaluation("y", [Observation("a", 8), Observation("b", 5)]),
            ],
        )
        point = swap_point(rubric, *cards)
        assert (point.current_weight, point.tie_weight) == (100, 80)
        tree = org_tree({"s": ["x", "y"]})
        with pytest.raises(InvalidValueError, match="holds all the weight"):
            sweep(rubric, cards, "A", 0, 100, tree=tree)
        assert sweep(rubric, cards, "B", 0, 100, tree=tree).change_points == (20,)


@st.composite
def two_units(draw):
    weight = draw(st.integers(1, 99))
    rubric = Rubric(
        "g",
        "1",
        "g",
        [
            Section(
                "A",
                "甲",
                weight,
                indicators=[Indicator("a", "a", weight, DirectScore())],
            ),
            Section(
                "B",
                "乙",
                100 - weight,
                indicators=[Indicator("b", "b", 100 - weight, DirectScore())],
            ),
        ],
    )
    evaluations = [
        Evaluation(
            unit,
            [
                Observation("a", Fraction(draw(st.integers(0, 100)), 100) * weight),
                Observation(
                    "b", Fraction(draw(st.integers(0, 100)), 100) * (100 - weight)
                ),
            ],
        )
        for unit in ("x", "y")
    ]
    return rubric, evaluations


class TestProperties:
    @given(two_units())
    def test_totals_are_equal_at_the_tie_weight(self, pair):
        """Wherever a tie weight is found, re-scoring there ties the two units exactly."""
        rubric, evaluations = pair
        x, y = score_all(rubric, evaluations)
        point = swap_point(rubric, x, y)
        if point.tie_weight is None:
            return
        varied = reweight(rubric, {"A": point.tie_weight, "B": 100 - point.tie_weight})
        x2, y2 = score_all(varied, evaluations)
        assert x2.total == y2.total

    @given(two_units())
    def test_the_sweep_changes_the_list_at_the_swap_point_only(self, pair):
        """Two units of one series: the bottom list changes where they tie, nowhere else.

        At the tie both are listed, so the tie is a change point even at
        either end of the range (an interval of its own).
        """
        rubric, evaluations = pair
        cards = score_all(rubric, evaluations)
        tie = swap_point(rubric, *cards).tie_weight
        result = sweep(rubric, cards, "A", 0, 100, tree=org_tree({"s": ["x", "y"]}))
        assert result.change_points == (() if tie is None else (tie,))


class TestSweep:
    def test_two_section_example_swaps_where_swap_point_says(self):
        """The bottom list changes at 65, swap_point's tie weight, and only there."""
        rubric, evaluations = two_section_example()
        cards = score_all(rubric, evaluations)
        tree = org_tree({"政府工作部门": ["a", "b"]})
        result = sweep(rubric, cards, "常规", 50, 90, tree=tree)
        assert result.change_points == (swap_point(rubric, *cards).tie_weight,)
        assert result.at(60).bottom == ("a",)
        # Tied for last: both are named (BottomPolicy ties="include").
        assert set(result.at(65).bottom) == {"a", "b"}
        assert result.at(80).bottom == ("b",)
        assert result.weights_at(60) == {"常规": 60, "服务": 40}
        assert "变化点 65" in repr(result)

    def test_attainments_sweep_like_scorecards(self, example):
        """Arrays (as floats) and scorecards (exact) find the same lists."""
        rubric, tree, cards = example
        exact = sweep(rubric, cards, "A", 60, 80, tree=tree)
        floats = sweep(
            rubric, Attainments.from_scorecards(rubric, cards, tree), "A", 60, 80
        )
        assert [(i.commended, i.bottom) for i in exact.intervals] == [
            (i.commended, i.bottom) for i in floats.intervals
        ]
        for ours, theirs in zip(exact.change_points, floats.change_points, strict=True):
            assert abs(ours - theirs) < Fraction(1, 10**6)

    def test_bad_sweeps(self, example):
        """Unknown sections and ranges outside the basis are refused together."""
        rubric, tree, cards = example
        with pytest.raises(ValidationError) as info:
            sweep(rubric, cards, "X", 90, 50, tree=tree)
        assert len(info.value.problems) == 2
        assert [p.path for p in info.value.problems] == ["section_id", "stop"]
        with pytest.raises(InvalidValueError, match="tree"):
            sweep(rubric, cards, "A", 50, 90)
        other = reweight(rubric, {"A": 60, "B": 40})  # same id and version
        with pytest.raises(ValidationError, match="affine"):
            sweep(other, cards, "A", 50, 90, tree=tree)

    @pytest.mark.parametrize(
        ("start", "stop", "named"),
        [(-1, 50, ["start"]), (50, 101, ["stop"]), (-1, 101, ["start", "stop"])],
    )
    def test_a_bound_out_of_range_is_named_by_itself(self, example, start, stop, named):
        """Each bound outside ``[0, basis]`` is its own problem, at its own name."""
        rubric, tree, cards = example
        with pytest.raises(ValidationError) as info:
            sweep(rubric, cards, "A", start, stop, tree=tree)
        assert [p.steps for p in info.value.problems] == [(n,) for n in named]

    def test_mixed_groups_follow_each_list(self, example):
        """Bottom per series, commendation over all units: each list keeps its own groups."""
        rubric, tree, cards = example
        policy = OutcomePolicy(
            ranking=EXACT,
            commendation=CommendationPolicy(Quota(count=5), group_by="all"),
        )
        result = sweep(rubric, cards, "A", 65, 75, tree=tree, policy=policy)
        outcomes = assess_outcomes(cards, tree, policy)
        assert set(result.at(70).commended) == set(outcomes.commendation.unit_ids)
        assert set(result.at(70).bottom) == set(outcomes.bottom.unit_ids)


@settings(max_examples=30)
@given(weighted_seasons(max_units=6), st.sampled_from(POLICIES), st.data())
def test_sweep_change_points_are_exact(season, policy, data):
    """Re-scoring exactly at, just below and just above each change point agrees."""
    rubric, evaluations, tree = season
    section = data.draw(st.sampled_from([s.id for s in rubric.sections]))
    basis = rubric.total_points
    cards = score_all(rubric, evaluations)
    result = sweep(rubric, cards, section, 0, basis, tree=tree, policy=policy)

    def check(x):
        weights = result.weights_at(x)
        commended, bottom = exact_lists(rubric, evaluations, tree, policy, weights)
        interval = result.at(x)
        assert (set(interval.commended), set(interval.bottom)) == (commended, bottom)
        return frozenset(commended), frozenset(bottom)

    bounds = sorted({Fraction(0), *result.change_points, basis})
    for low, high in itertools.pairwise(bounds):
        check((low + high) / 2)
    gap = min(b - a for a, b in itertools.pairwise(bounds)) / 1000
    for point in result.change_points:
        near = [x for x in (point - gap, point, point + gap) if 0 <= x <= basis]
        assert len({check(x) for x in near}) > 1  # the lists change right there


def test_sweeps_scorecards_without_numpy():
    """pbcheck.whatif.sweep imports and sweeps scorecards with NumPy missing."""
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "from pbcheck import score_all\n"
        "from pbcheck.examples.small import org_tree, two_section_example\n"
        "from pbcheck.whatif.sweep import swap_point, sweep\n"
        "rubric, evaluations = two_section_example()\n"
        "cards = score_all(rubric, evaluations)\n"
        "tree = org_tree({'s': ['a', 'b']})\n"
        "print(sweep(rubric, cards, '常规', 50, 90, tree=tree).change_points)\n"
        "print(swap_point(rubric, *cards).tie_weight)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["(Fraction(65,", "1),)", "65"]
