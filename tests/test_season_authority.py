"""The season plan: authority checked against the rubric(s) and the tree."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pbcheck import Observation, RubricSet
from pbcheck.errors import NotAuthorisedError, ValidationError, render
from pbcheck.examples.small import org_tree, simple_rubric, waiver_rubric
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.season import Actor, Authority, Ledger, SeasonPlan, Submitted

BJ = timezone(timedelta(hours=8))


def plan_for(authority: Authority, **series: list[str]) -> SeasonPlan:
    """A plan on a set: 党群部门 on the waiver rubric, 政府部门 on the simple one."""
    rubrics = RubricSet(
        [waiver_rubric(), simple_rubric()],
        by_series={"党群部门": "jgdj", "政府部门": "simple"},
    )
    return SeasonPlan(
        "2025",
        "分类考核",
        rubrics,
        org_tree(series or {"党群部门": ["a"], "政府部门": ["g"]}),
        AssessmentCycle.calendar_year(2025),
        authority,
    )


class TestSeasonPlan:
    def test_owners_and_unit_actors_are_checked_against_rubrics_and_tree(self):
        """An owned id no rubric of the set has and a unit actor of no unit: both named."""
        authority = Authority(
            [
                Actor("kpb", "考核办", "office"),
                Actor("zzb", "组织部", "department"),
                Actor("x", "单位x", "unit", unit_id="x"),
            ],
            owners={"A": "zzb", "i": "zzb", "Q9": "zzb"},
        )
        with pytest.raises(ValidationError) as caught:
            plan_for(authority)
        assert render(caught.value)[1:] == [
            (
                "  authority.owners.Q9: names no indicator, section, deduction or "
                "veto item of the season's rubric (got 'Q9')"
            ),
            (
                "  authority.actors[2].unit_id: names no assessed unit of the season "
                "(got 'x')"
            ),
        ]

    def test_the_working_committee_is_not_assessed(self):
        """By default every unit but the 机关工委 is assessed; unit_ids narrows it."""
        authority = Authority([Actor("kpb", "考核办", "office")])
        assert plan_for(authority).unit_ids == ("a", "g")
        narrowed = SeasonPlan(
            "2025", "t", simple_rubric(), org_tree({"党群部门": ["a", "b"]}),
            AssessmentCycle.calendar_year(2025), authority, unit_ids=["b"],
        )  # fmt: skip
        assert narrowed.unit_ids == ("b",)

    def test_each_unit_is_checked_against_its_own_rubric(self):
        """With a set, a unit's submission is checked on its own rubric, ownership too."""
        authority = Authority(
            [
                Actor("kpb", "考核办", "office"),
                Actor("zzb", "组织部", "department"),
                Actor("xcb", "宣传部", "department"),
            ],
            owners={"A": "zzb", "s": "xcb"},
        )
        ledger = Ledger.open(
            plan_for(authority), at=datetime(2026, 1, 5, tzinfo=BJ), actor="kpb"
        )
        when = datetime(2026, 1, 6, tzinfo=BJ)
        ledger = ledger.record(
            Submitted(
                at=when, actor="xcb", unit_id="g", observations=[Observation("i", 90)]
            )
        )
        with pytest.raises(ValidationError):  # A1 is no indicator of g's rubric
            ledger.record(
                Submitted(
                    at=when,
                    actor="zzb",
                    unit_id="g",
                    observations=[Observation("A1", 30)],
                )
            )
        with pytest.raises(NotAuthorisedError, match="only zzb（组织部）"):
            ledger.record(
                Submitted(
                    at=when,
                    actor="xcb",
                    unit_id="a",
                    observations=[Observation("A1", 30)],
                )
            )
        assert ledger.assignments("xcb") == (("g", "i"),)
        assert ledger.assignments("kpb") == (("a", "B1"),)
