"""What-if analysis: alternative weights and exact swap points."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    Median,
    Observation,
    Rubric,
    Section,
    score_all,
)
from pbcheck.errors import ValidationError
from pbcheck.examples.small import org_tree, two_section_example
from pbcheck.whatif.reweight import reweight, swap_point, what_if


class TestReweight:
    def test_sections_below_are_rescaled(self):
        """60/40: the second section's indicator is now worth 40 points."""
        rubric, _ = two_section_example()
        varied = reweight(rubric, {"常规": 60, "服务": 40})
        assert varied.points_of("F") == 40
        assert varied.points_of("R") == 60
        assert varied.version == rubric.version

    def test_weights_must_sum_exactly_unless_normalising(self):
        """6/4 is an error, or 60/40 with normalise=True."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError, match="invalid weights"):
            reweight(rubric, {"常规": 6, "服务": 4})
        assert (
            reweight(rubric, {"常规": 6, "服务": 4}, normalise=True).points_of("R")
            == 60
        )

    def test_unknown_missing_and_inexact_weights(self):
        """Every problem of the weights is reported at once."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError) as info:
            reweight(rubric, {"常规": 0.6, "其他": 40})
        assert len(info.value.problems) == 3


class TestWhatIf:
    def test_rank_grade_and_list_changes(self):
        """70/30 → 60/40 swaps a and b."""
        rubric, evaluations = two_section_example()
        tree = org_tree({"政府工作部门": ["a", "b"]})
        report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
        assert [(c.unit_id, c.before, c.after) for c in report.rank_changes] == [
            ("a", 1, 2),
            ("b", 2, 1),
        ]
        assert report.bottom_added == ("a",)
        assert report.bottom_removed == ("b",)
        assert "  新增后位：a" in report.lines()


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
