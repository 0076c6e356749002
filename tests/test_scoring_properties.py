"""Property tests: the invariants of DESIGN.md for the scoring engine."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pbcheck import (
    Evaluation,
    Incident,
    Indicator,
    Observation,
    RoundingPolicy,
    Rubric,
    Section,
    ValidationError,
    Veto,
    score,
    score_all,
)
from pbcheck.errors import InvalidWeightsError
from pbcheck.model.rules import ValueRule
from pbcheck.testing import (
    evaluations_for,
    exact_numbers,
    observed_values,
    rubric_and_evaluation,
    rubrics,
)


class TestBounds:
    @given(rubric_and_evaluation())
    def test_total_within_floor_and_max(self, pair):
        """A total never exceeds the rubric's maximum (bonus cap included) nor drops below its floor."""
        rubric, evaluation = pair
        card = score(rubric, evaluation)
        assert rubric.floor <= card.total <= rubric.max_total
        assert 0 <= card.base <= rubric.total_points

    @given(rubric_and_evaluation())
    def test_bonus_cap_respected(self, pair):
        """Counted bonus never exceeds the cap nor what was claimed."""
        rubric, evaluation = pair
        card = score(rubric, evaluation)
        assert card.bonus_counted <= rubric.bonus.cap
        assert card.bonus_counted <= card.bonus_claimed

    @given(rubric_and_evaluation())
    def test_sections_within_their_points(self, pair):
        """Every section scores within [0, its points]; every indicator within [0, max]."""
        rubric, evaluation = pair
        card = score(rubric, evaluation)
        for section in card.sections.values():
            assert 0 <= section.points <= section.possible
        for result in card.indicators.values():
            assert 0 <= result.points <= result.max_points

    @given(rubric_and_evaluation())
    def test_scores_are_exact_fractions(self, pair):
        """No float appears anywhere in a scorecard's numbers."""
        rubric, evaluation = pair
        card = score(rubric, evaluation)
        numbers = [card.total, card.base, card.bonus_counted, card.deductions_counted]
        numbers += [s.attainment for s in card.sections.values()]
        numbers += [i.points for i in card.indicators.values()]
        assert all(type(n) is Fraction for n in numbers)


def _raise_one(draw, rubric, evaluation):
    """Replace one counted observation by one the rule scores at least as high."""
    counted = [
        (i, o)
        for i, o in enumerate(evaluation.observations)
        if o.source.value != "self"
        and o.indicator_id in {x.id for x in rubric.indicators()}
    ]
    index, observation = draw(st.sampled_from(counted))
    indicator = rubric.indicator(observation.indicator_id)
    rule = indicator.rule
    assert isinstance(rule, ValueRule)
    other = draw(observed_values(rule, indicator.max_points))
    old_points = rule.points(observation.value, indicator.max_points).points
    new_points = rule.points(other, indicator.max_points).points
    low, high = (
        (other, observation.value)
        if new_points < old_points
        else (observation.value, other)
    )
    observations = list(evaluation.observations)
    observations[index] = attrs.evolve(observation, value=low)
    lower = attrs.evolve(evaluation, observations=observations)
    observations[index] = attrs.evolve(observation, value=high)
    higher = attrs.evolve(evaluation, observations=observations)
    return lower, higher


class TestMonotonicity:
    @given(st.data())
    def test_raising_one_score_never_lowers_the_total(self, data):
        """Monotone strategies: a better observation never lowers a section or the total."""
        rubric = data.draw(rubrics())
        evaluation = data.draw(evaluations_for(rubric))
        lower, higher = _raise_one(data.draw, rubric, evaluation)
        low_card, high_card = score(rubric, lower), score(rubric, higher)
        assert low_card.total <= high_card.total
        for section_id, section in low_card.sections.items():
            assert section.points <= high_card.sections[section_id].points


class TestOrderInvariance:
    @given(st.data())
    def test_record_order_does_not_matter(self, data):
        """Shuffling observations and incidents gives the identical scorecard."""
        rubric, evaluation = data.draw(rubric_and_evaluation())
        shuffled = Evaluation(
            evaluation.unit_id,
            data.draw(st.permutations(evaluation.observations)),
            incidents=data.draw(st.permutations(evaluation.incidents)),
        )
        assert score(rubric, shuffled) == score(rubric, evaluation)

    @given(st.data())
    def test_unit_order_does_not_matter(self, data):
        """Scoring a season in any order gives each unit the same scorecard."""
        rubric = data.draw(rubrics(extras=False))
        evaluations = [data.draw(evaluations_for(rubric, f"u{n}")) for n in range(3)]
        shuffled = data.draw(st.permutations(evaluations))
        by_unit = {c.unit_id: c for c in score_all(rubric, evaluations)}
        assert {c.unit_id: c for c in score_all(rubric, shuffled)} == by_unit

    @given(st.data())
    def test_indicator_order_does_not_matter(self, data):
        """Permuting the indicators of every section leaves every total unchanged."""
        rubric, evaluation = data.draw(rubric_and_evaluation())

        def permute(section: Section) -> Section:
            return attrs.evolve(
                section,
                sections=[
                    permute(s) for s in data.draw(st.permutations(section.sections))
                ],
                indicators=data.draw(st.permutations(section.indicators)),
            )

        permuted = attrs.evolve(rubric, sections=[permute(s) for s in rubric.sections])
        assert score(permuted, evaluation).total == score(rubric, evaluation).total


class TestWeights:
    @given(st.data())
    def test_scaling_weights_then_normalising_changes_nothing(self, data):
        """Scaling every weight by a constant and normalising gives the same result."""
        rubric, evaluation = data.draw(rubric_and_evaluation())
        factor = data.draw(exact_numbers(Fraction(1, 100), 50))
        assume(factor > 0)

        def scale(section: Section) -> Section:
            return attrs.evolve(
                section,
                weight=section.weight * factor,
                sections=[scale(s) for s in section.sections],
                indicators=[
                    attrs.evolve(i, weight=(i.weight or i.max_points) * factor)
                    for i in section.indicators
                ],
            )

        fields = {
            f.name: getattr(rubric, f.name)
            for f in attrs.fields(Rubric)
            if f.init and f.name != "sections"
        }
        rescaled = Rubric.normalising(
            sections=[scale(s) for s in rubric.sections], **fields
        )
        assert score(rescaled, evaluation) == score(rubric, evaluation)

    @given(st.lists(st.integers(0, 100), min_size=2, max_size=5), st.integers(1, 50))
    def test_weights_that_do_not_sum_are_rejected(self, weights, extra):
        """Weights summing to anything but the basis are an error naming the level and the sum."""
        weights = [*weights[:-1], 100 - sum(weights[:-1]) + extra]
        assume(weights[-1] >= 0)
        sections = [
            Section(
                f"S{n}",
                f"部分{n}",
                w,
                indicators=[Indicator(f"i{n}", "指标", 1, _direct())],
            )
            for n, w in enumerate(weights)
        ]
        with pytest.raises(ValidationError) as caught:
            Rubric("r", "1", "细则", sections, weighting="percent")
        problem = caught.value.problems[-1]
        assert isinstance(problem, InvalidWeightsError)
        assert problem.path == "rubric.weights"
        assert f"they sum to {100 + extra}" in problem.message

    @given(st.integers(-100, -1))
    def test_negative_weight_is_rejected(self, weight):
        """A negative weight is rejected with its path and value, never clipped."""
        with pytest.raises(ValidationError) as caught:
            Section(
                "S", "部分", weight, indicators=[Indicator("i", "指标", 1, _direct())]
            )
        assert [p.path for p in caught.value.problems] == ["section[S].weight"]
        assert caught.value.problems[0].value == str(weight)


def _direct():
    from pbcheck import DirectScore

    return DirectScore()


class TestVeto:
    @given(st.data())
    def test_disqualifying_veto_dominates(self, data):
        """A disqualifying veto marks the unit whatever it scored."""
        rubric = data.draw(rubrics(extras=False))
        rubric = attrs.evolve(rubric, vetoes=[Veto("V", "严重违纪")])
        evaluation = attrs.evolve(data.draw(evaluations_for(rubric)), incidents=())
        vetoed = attrs.evolve(evaluation, incidents=[Incident("V", date(2025, 9, 1))])
        assert not score(rubric, evaluation).disqualified
        assert score(rubric, vetoed).disqualified

    @given(st.data())
    def test_capping_veto_caps(self, data):
        """A capping veto holds the total at or below its cap."""
        rubric = data.draw(rubrics(extras=False))
        cap = data.draw(exact_numbers(0, rubric.total_points))
        rubric = attrs.evolve(rubric, vetoes=[Veto("V", "问题整改不力", cap=cap)])
        evaluation = attrs.evolve(data.draw(evaluations_for(rubric)), incidents=())
        vetoed = attrs.evolve(evaluation, incidents=[Incident("V", date(2025, 9, 1))])
        card = score(rubric, vetoed)
        assert card.total <= cap
        assert card.total == min(cap, score(rubric, evaluation).total)


class TestRounding:
    @given(st.integers(-(10**9), 10**9), st.integers(0, 4))
    def test_half_up_matches_decimal_quantize(self, thousandths, places):
        """RoundingPolicy rounds exactly like Decimal ROUND_HALF_UP (四舍五入)."""
        value = Fraction(thousandths, 1000)
        expected = (Decimal(thousandths) / 1000).quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
        )
        assert RoundingPolicy(places=places).apply(value) == expected

    @given(rubric_and_evaluation())
    def test_rounding_happens_only_at_presentation(self, pair):
        """The exact total is kept; only rounded_total is rounded."""
        rubric, evaluation = pair
        card = score(rubric, evaluation)
        assert card.rounded_total == rubric.rounding.apply(card.total)
        assert abs(Fraction(card.rounded_total) - card.total) <= Fraction(1, 200)


class TestSelfAssessmentNotCounted:
    @given(st.data())
    def test_self_assessment_never_changes_the_total(self, data):
        """自评 is recorded but (by default) never moves a score."""
        rubric, evaluation = data.draw(rubric_and_evaluation())
        without = attrs.evolve(
            evaluation,
            observations=[
                o for o in evaluation.observations if o.source.value != "self"
            ],
        )
        assert score(rubric, without).total == score(rubric, evaluation).total


def test_observation_values_are_exact():
    """Observations refuse floats, so the exact path never sees one."""
    with pytest.raises(TypeError, match="floats are refused"):
        Observation("i", 0.1)
