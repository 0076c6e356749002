"""Scoring's integer fast paths give exactly what the strategies themselves give.

Sections that roll up with the built-in weighted sum or weighted mean, and
raters combined by the built-in weighted mean, are computed on integers over a
common denominator instead of through the strategy objects.  These tests hold
those results to the strategies' own, and check that anything else (another
strategy, a subclass, points of another type, weights the strategy would
refuse) still goes through the strategy.
"""

from decimal import Context, Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    Observation,
    Rubric,
    Section,
    Source,
    ValidationError,
    WeightedMean,
    WeightedSum,
    format_exact,
    score,
)
from pbcheck.errors import InvalidWeightsError
from pbcheck.model.rubric import ROOT
from pbcheck.model.rules import RuleResult
from pbcheck.scoring.engine import _sum_terms
from pbcheck.testing._rubrics import rubric_and_evaluation


def _two_sections(aggregator: object = None, rule: object = None) -> Rubric:
    extra = {} if aggregator is None else {"aggregator": aggregator}
    return Rubric(
        "r",
        "1",
        "细则",
        [
            Section(
                "A",
                "常规",
                60,
                indicators=[
                    Indicator("A1", "台账", 20, rule or DirectScore()),
                    Indicator("A2", "学习", 40, DirectScore()),
                ],
                **extra,
            ),
            Section(
                "B", "发展", 40, indicators=[Indicator("B1", "竞赛", 40, DirectScore())]
            ),
        ],
    )


def _season() -> Evaluation:
    return Evaluation(
        "u",
        [
            Observation("A1", 7),
            Observation("A2", "33.5"),
            Observation("B1", 25, rater="甲"),
            Observation("B1", "30.25", rater="乙"),
        ],
    )


@given(rubric_and_evaluation())
def test_roll_up_and_raters_equal_the_strategies(pair):
    """Every section and every multi-rater indicator, recomputed by its strategy."""
    rubric, evaluation = pair
    card = score(rubric, evaluation)
    sections = rubric.sections_by_id()
    for node_id, section in card.sections.items():
        values = [
            card.sections[child].attainment
            if child in card.sections
            else card.indicators[child].attainment
            for child in section.children
        ]
        strategy = (
            rubric.aggregator if node_id == ROOT else sections[node_id].aggregator
        )
        expected = strategy(values, list(section.shares))
        assert type(section.attainment) is Fraction
        assert section.attainment == expected
    for result in card.indicators.values():
        if len(result.raters) > 1:
            indicator = rubric.indicator(result.indicator_id)
            strategy = indicator.rater_aggregator or rubric.rater_aggregator
            points = [r.points for r in result.raters]
            weights = [r.weight for r in result.raters]
            assert type(result.points) is Fraction
            assert result.points == strategy(points, weights)


@given(
    st.lists(
        st.tuples(st.integers(-(10**30), 10**30), st.integers(1, 10**12)), max_size=12
    )
)
def test_sum_terms_is_the_fraction_sum(terms):
    """The unreduced integer sum reduces to the Fraction sum of its terms."""
    top, bottom = _sum_terms(terms)
    expected = sum((Fraction(t, b) for t, b in terms), Fraction(0))
    assert bottom > 0
    assert Fraction(top, bottom) == expected


def test_a_subclass_of_a_builtin_strategy_is_called():
    """Only the built-in classes themselves are computed in place."""

    class Lowest(WeightedSum):
        def __call__(self, values, weights):
            return min(values)

    card = score(_two_sections(Lowest()), _season())
    assert card.sections["A"].attainment == Fraction(7, 20)  # A1's, not the sum
    assert card.sections["A"].aggregator == "weighted_sum"


def test_points_of_another_type_go_through_the_strategies():
    """A custom rule's int points roll up exactly as the strategies take them."""

    @attrs.frozen
    class Whole:
        value_kind = "number"

        def config_problems(self, max_points):
            return ()

        def value_problem(self, value, max_points):
            return None

        def points(self, value, max_points):
            return RuleResult(int(value), "取整")

    card = score(_two_sections(rule=Whole()), _season())
    a1 = card.indicators["A1"]
    assert type(a1.points) is int
    values = [a1.attainment, card.indicators["A2"].attainment]
    assert card.sections["A"].attainment == WeightedSum()(
        values, list(card.sections["A"].shares)
    )


def test_weights_the_mean_would_refuse_are_refused_as_the_mean_refuses_them():
    """The integer mean runs only for positive weights; else the strategy reports."""
    rubric = _two_sections()
    rubric.source_weights[Source.TEAM] = Fraction(-1)  # a mapping the caller can change
    with pytest.raises(InvalidWeightsError) as direct:
        WeightedMean()([Fraction(25), Fraction(121, 4)], [Fraction(-1)] * 2)
    with pytest.raises(ValidationError) as caught:
        score(rubric, _season())
    (problem,) = [
        p for p in caught.value.problems if isinstance(p, InvalidWeightsError)
    ]
    assert problem.path == "evaluations[u].observations[B1]"
    assert problem.message == direct.value.message


@given(
    st.integers(-(10**40), 10**40),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from([1, 3, 7]),
)
def test_format_exact_is_the_exact_decimal_or_the_fraction(
    numerator, twos, fives, other
):
    """Terminating values show as their exact decimal, the others as n/d."""
    value = Fraction(numerator, 2**twos * 5**fives * other)
    shown = format_exact(value)
    if value.denominator == 1:
        assert shown == str(value.numerator)
    elif other != 1 and value.denominator % other == 0:
        assert shown == f"{value.numerator}/{value.denominator}"
    else:
        exact = Context(prec=200).divide(
            Decimal(value.numerator), Decimal(value.denominator)
        )
        assert shown == f"{exact:f}"
