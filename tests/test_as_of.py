"""Scoring as of a date (半年自查, issue 14 section 8).

The rule under test: "Scoring as of a date: only elapsed sub-periods and
records up to that date count; the result says it is provisional."
"""

from __future__ import annotations

from datetime import date

import pytest

from pbcheck import (
    AssessmentCycle,
    Deduction,
    DirectScore,
    Evaluation,
    Incident,
    Indicator,
    Observation,
    Rubric,
    Section,
    ValidationError,
    score,
    score_all,
)

CYCLE = AssessmentCycle.cross_year(2025)
RUBRIC = Rubric(
    "jgdj",
    "2025",
    "市直机关党建工作责任制考核细则",
    [
        Section(
            "A",
            "机关党建常规工作",
            100,
            indicators=[
                Indicator("A1", "基础台账", 60, DirectScore()),
                Indicator("A2", "党员教育管理", 40, DirectScore()),
            ],
        )
    ],
    deductions=[Deduction("K1", "诫勉谈话", points=1)],
)
EVALUATION = Evaluation(
    "SFJ",
    [
        Observation("A1", 50, rater="半年自查组", recorded_at=date(2025, 10, 20)),
        Observation("A1", 56, rater="考评组", recorded_at=date(2026, 5, 12)),
        Observation("A2", 36, rater="考评组", recorded_at=date(2025, 10, 28)),
    ],
    incidents=[Incident("K1", date(2026, 1, 8), note="诫勉谈话一人次")],
)


def test_only_records_up_to_the_date_count():
    """As of 31 October the May scores and the January incident do not exist yet."""
    card = score(RUBRIC, EVALUATION, cycle=CYCLE, as_of=date(2025, 10, 31))
    assert card.indicators["A1"].points == 50
    assert card.deductions == ()
    assert card.total == 86
    assert card.provisional
    assert card.as_of == date(2025, 10, 31)


def test_the_result_says_it_is_provisional():
    """repr and explain() both say 暂定 and the date, in official form."""
    card = score(RUBRIC, EVALUATION, cycle=CYCLE, as_of=date(2025, 10, 31))
    assert repr(card) == "<Scorecard SFJ: 86.00 / 100 截至2025-10-31，暂定>"
    assert str(card.explain()).startswith("总分（截至2025年10月31日，暂定） = 86")


def test_as_of_the_cycle_end_counts_everything_dated_in_the_period():
    """At the end of the period every activity and incident counts."""
    final = score(RUBRIC, EVALUATION, cycle=CYCLE)
    at_end = score(RUBRIC, EVALUATION, cycle=CYCLE, as_of=CYCLE.end)
    assert at_end.deductions == final.deductions
    assert not final.provisional


def test_an_indicator_with_nothing_recorded_yet_is_still_an_error():
    """A missing indicator stays an error as of any date, naming unit and indicator."""
    with pytest.raises(ValidationError) as info:
        score(RUBRIC, EVALUATION, cycle=CYCLE, as_of=date(2025, 10, 25))
    (problem,) = info.value.problems
    assert problem.path == "evaluations[SFJ].indicators[A2]"


@pytest.mark.parametrize(
    ("as_of", "cycle", "expected"),
    [
        (date(2026, 5, 1), CYCLE, "lies outside the cycle"),
        (date(2025, 10, 31), None, "needs the assessment cycle"),
    ],
)
def test_as_of_must_lie_in_the_cycle(as_of, cycle, expected):
    """A date outside the cycle, or no cycle, is refused naming as_of."""
    with pytest.raises(ValidationError) as info:
        score_all(RUBRIC, [EVALUATION], cycle=cycle, as_of=as_of)
    (problem,) = info.value.problems
    assert problem.path == "as_of"
    assert expected in problem.message
