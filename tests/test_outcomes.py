"""The one-call facade: rankings, grades and lists together."""

from datetime import date

import pytest

from pbcheck import AssessmentCycle
from pbcheck.errors import ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.outcomes.grading import GradeTier, GradingPolicy
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.rating import BallotCount, UnitBallots, tally_all
from pbcheck.outcomes.season import OutcomePolicy, assess_outcomes
from pbcheck.outcomes.selection import (
    AccountabilityRecord,
    BottomPolicy,
    CommendationPolicy,
)

TREE = org_tree(
    {"政府工作部门": list("abcde"), "党群部门": list("fgh"), "垂直管理部门": list("ij")}
)
TOTALS = {
    "a": 95,
    "b": 92,
    "c": 85,
    "d": 70,
    "e": 55,
    "f": 93,
    "g": 80,
    "h": 78,
    "i": 91,
    "j": 60,
}


class TestAssessOutcomes:
    def test_everything_in_one_call(self):
        """Rankings per series, grades, commendation and bottom lists, with reasons."""
        policy = OutcomePolicy(
            grading=GradingPolicy(
                [
                    GradeTier("好", 90, Quota(share="0.4")),
                    GradeTier("较好", 80),
                    GradeTier("一般", 60),
                    GradeTier("差"),
                ]
            ),
            bottom=BottomPolicy(
                Quota(count=1), per_series={"垂直管理部门": Quota(count=0)}
            ),
            commendation=CommendationPolicy(Quota(count=1), min_score=90),
        )
        outcomes = assess_outcomes(scorecards(TOTALS, vetoed={"c"}), TREE, policy)
        assert list(outcomes.rankings) == ["政府工作部门", "党群部门", "垂直管理部门"]
        assert outcomes.rankings["政府工作部门"].unit_ids == tuple("abdec")
        assert outcomes.commendation.unit_ids == ("a", "f", "i")
        # Changed on purpose (issue 14 §4): vetoed c is listed for its veto
        # and no longer takes 政府工作部门's one bottom place, which goes to
        # e, the lowest unit without a veto.
        assert outcomes.bottom.unit_ids == ("e", "c", "h")
        assert outcomes.grades.of("b").label == "好"
        assert outcomes.grades.of("c").label == "差"
        assert len(outcomes.overall) == 10
        assert (
            repr(outcomes)
            == "<Outcomes: 10 个单位，3 个系列；表彰 3 个，处于后位 3 个>"
        )
        text = str(outcomes)
        for heading in (
            "排名（系列：政府工作部门",
            "等次（",
            "党建工作先进单位（",
            "处于后位（",
        ):
            assert heading in text

    def test_gates_through_the_facade(self):
        """Ratings and accountability records reach the commendation gates."""
        ratings = tally_all([UnitBallots("a", [BallotCount(10, 10, 10, {"差": 10})])])
        records = [AccountabilityRecord("f", "admonishment", date(2025, 12, 1))]
        outcomes = assess_outcomes(
            scorecards(TOTALS),
            TREE,
            OutcomePolicy(commendation=CommendationPolicy(Quota(count=1))),
            ratings=ratings,
            accountability=records,
            cycle=AssessmentCycle.cross_year(2025),
        )
        assert outcomes.commendation.of("a").status == "ineligible"
        assert outcomes.commendation.of("f").status == "ineligible"
        assert outcomes.commendation.unit_ids == ("b", "g", "i")

    def test_unknown_units_are_errors(self):
        """A scorecard for a unit outside the tree is reported."""
        with pytest.raises(ValidationError):
            assess_outcomes(scorecards({"zz": 90}), TREE)
