"""A unit assessed but not publicly ranked appears in the report apart, with its grade and why."""

from __future__ import annotations

from pbcheck import AssessmentCycle, OutcomePolicy, assess_outcomes
from pbcheck.examples.small import org_tree, scorecards, simple_rubric
from pbcheck.outcomes.ranking import RankingPolicy
from pbcheck.report import CycleReport, to_html, to_markdown

REASON = "纪检监察机关参加考核、不参加公开排名"


def _report() -> CycleReport:
    tree = org_tree({"党群部门": ["a", "b", "c", "jw"]})
    cards = scorecards({"a": 95, "b": 88, "c": 70, "jw": 91})
    policy = OutcomePolicy(ranking=RankingPolicy(unranked={"jw": REASON}))
    return CycleReport.build(
        cards,
        assess_outcomes(cards, tree, policy),
        tree=tree,
        rubric=simple_rubric(),
        cycle=AssessmentCycle.cross_year(2025),
    )


def test_the_unranked_unit_is_listed_apart_with_its_grade_and_reason():
    report = _report()
    ranked = [line.unit_id for table in report.series for line in table.lines]
    assert "jw" not in ranked
    [entry] = report.unranked
    assert (entry.unit_id, entry.total, entry.grade, entry.reason) == (
        "jw",
        "91.00",
        "好",
        REASON,
    )
    for text in (to_html(report, charts=False), to_markdown(report)):
        assert "参加考核、不参加公开排名的单位" in text
        assert REASON in text


def test_a_season_without_unranked_units_has_no_such_section():
    tree = org_tree({"党群部门": ["a", "b"]})
    cards = scorecards({"a": 95, "b": 88})
    report = CycleReport.build(
        cards,
        assess_outcomes(cards, tree),
        tree=tree,
        rubric=simple_rubric(),
        cycle=AssessmentCycle.cross_year(2025),
    )
    assert report.unranked == ()
    assert "不参加公开排名" not in to_markdown(report)
