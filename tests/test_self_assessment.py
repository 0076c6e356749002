"""自评 against 考评组 (issue 14, section 8): a per-unit, per-indicator deviation table."""

from __future__ import annotations

from fractions import Fraction

import attrs

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    Observation,
    PassFail,
    Rubric,
    Section,
    Source,
    score_all,
)
from pbcheck.model.evaluation import NotApplicable
from pbcheck.scoring.self_assessment import self_assessment_gaps

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
                Indicator("A1", "基础台账", 50, DirectScore()),
                Indicator("A2", "党建工作责任书签订", 20, PassFail()),
                Indicator("A3", "行政审批服务", 30, DirectScore()),
            ],
        )
    ],
)


def _self(indicator: str, value: object) -> Observation:
    return Observation(indicator, value, source=Source.SELF, rater="本单位")


SEASON = [
    Evaluation(
        "SFJ",
        [
            Observation("A1", 41, rater="考评组甲"),
            _self("A1", 49),
            Observation("A2", False),
            _self("A2", True),
            Observation("A3", 27),
        ],
    ),
    Evaluation(
        "TJJ",
        [Observation("A1", 46), _self("A1", 44), Observation("A2", True)],
        not_applicable=[NotApplicable("A3", "本单位无行政审批职能")],
    ),
]


def test_each_self_assessed_indicator_has_a_row_on_its_own_scale():
    """Self-assessed values are scored by the indicator's rule (达标 → full marks)."""
    cards = score_all(RUBRIC, SEASON)
    table = self_assessment_gaps(RUBRIC, cards)
    rows = {(r.unit_id, r.indicator_id): r for r in table}
    assert set(rows) == {("SFJ", "A1"), ("SFJ", "A2"), ("TJJ", "A1")}
    assert rows["SFJ", "A1"].gap == 8
    assert rows["SFJ", "A2"].self_points == 20
    assert rows["SFJ", "A2"].assessed_points == 0
    assert rows["TJJ", "A1"].direction == "自评低于考评"
    assert rows["TJJ", "A1"].gap_share == Fraction(-2, 50)


def test_the_widest_gaps_come_first_relative_to_full_marks():
    """A 20-point gap on a 20-point indicator outranks an 8-point gap on 50."""
    table = self_assessment_gaps(RUBRIC, score_all(RUBRIC, SEASON))
    assert [(r.unit_id, r.indicator_id) for r in table.largest(2)] == [
        ("SFJ", "A2"),
        ("SFJ", "A1"),
    ]
    assert table.of("TJJ")[0].indicator_id == "A1"


def test_the_table_reads_as_an_office_writes_it():
    """Plain lines name the unit, the indicator, both scores and the direction."""
    table = self_assessment_gaps(RUBRIC, score_all(RUBRIC, SEASON))
    assert str(table).splitlines()[1] == (
        "  SFJ  A1 基础台账：自评 49.00，考评 41.00，相差 +8.00（满分 50，自评高于考评）"
    )
    frame = table.to_frame()
    assert list(frame.columns) == [
        "indicator_id",
        "title",
        "self_points",
        "assessed_points",
        "gap",
        "max_points",
        "direction",
    ]
    assert frame.loc["TJJ", "gap"] == -2.0
    exact = table.to_frame(numeric="decimal")
    assert str(exact.loc["TJJ", "gap"]) == "-2.00"


def test_counted_self_assessment_is_read_too():
    """With self-assessment given a weight, its observation is still found."""
    rubric = attrs.evolve(RUBRIC, source_weights={Source.SELF: 1})
    table = self_assessment_gaps(rubric, score_all(rubric, SEASON))
    row = next(r for r in table if (r.unit_id, r.indicator_id) == ("SFJ", "A1"))
    assert row.self_points == 49
    assert row.assessed_points == 45  # the mean of 41 and 49
