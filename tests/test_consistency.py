"""Rater consistency: deviations from consensus and lenient / severe raters."""

from fractions import Fraction

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
    score_all,
)
from pbcheck.errors import InvalidTypeError
from pbcheck.scoring.consistency import ConsistencyPolicy, rater_consistency

RUBRIC = Rubric(
    "r",
    "1",
    "示例",
    [
        Section(
            "s",
            "综合",
            20,
            indicators=[
                Indicator("i", "指标一", 10, DirectScore()),
                Indicator("j", "指标二", 10, DirectScore()),
            ],
        )
    ],
    total_points=20,
)


def season(rows):
    """rows: unit → {indicator: (甲, 乙, 丙)}."""
    return score_all(
        RUBRIC,
        [
            Evaluation(
                unit,
                [
                    Observation(indicator, value, rater=rater)
                    for indicator, values in scores.items()
                    for rater, value in zip("甲乙丙", values, strict=True)
                ],
            )
            for unit, scores in rows.items()
        ],
    )


ROWS = {
    "x": {"i": (9, 6, 7), "j": (8, 6, 6)},
    "y": {"i": (8, 5, 6), "j": (9, 7, 7)},
}


class TestPolicy:
    def test_a_bad_threshold_is_named(self):
        """The threshold converter names its field by steps."""
        with pytest.raises(InvalidTypeError) as info:
            ConsistencyPolicy(threshold=0.1)  # type: ignore[arg-type]
        assert info.value.steps == ("threshold",)


class TestDeviations:
    def test_leave_one_out_consensus_is_exact(self):
        """甲's consensus on x.i is the mean of 乙 and 丙: 6.5; deviation +2.5."""
        report = rater_consistency(season(ROWS))
        first = next(d for d in report.deviations if d.rater == "考评组 甲")
        assert (first.unit_id, first.indicator_id) == ("x", "i")
        assert first.consensus == Fraction(13, 2)
        assert first.deviation == Fraction(5, 2)
        assert first.relative == Fraction(1, 4)

    def test_flags_lenient_and_severe_raters(self):
        """甲 scores high everywhere, 乙 low; 丙 is within the threshold."""
        report = rater_consistency(season(ROWS))
        flags = {p.rater: p.flag for p in report.profiles}
        assert flags == {
            "考评组 甲": "lenient",
            "考评组 乙": "severe",
            "考评组 丙": None,
        }
        assert [p.rater for p in report.flagged] == ["考评组 乙", "考评组 甲"]
        assert "偏松" in next(p.reason for p in report.profiles if p.flag == "lenient")

    def test_too_few_judgements_never_flag(self):
        """Below min_judgements a rater is reported but not judged."""
        report = rater_consistency(season(ROWS), ConsistencyPolicy(min_judgements=5))
        assert report.flagged == ()
        assert "不作判断" in report.profiles[0].reason

    def test_combined_consensus(self):
        """Against the combined points (mean of all three) deviations sum to 0."""
        report = rater_consistency(
            season(ROWS), ConsistencyPolicy(consensus="combined")
        )
        per_indicator = {}
        for d in report.deviations:
            per_indicator.setdefault((d.unit_id, d.indicator_id), []).append(
                d.deviation
            )
        assert all(sum(v) == 0 for v in per_indicator.values())

    def test_raters_are_told_apart_by_source(self):
        """The same name in two sources is two raters."""
        cards = score_all(
            RUBRIC,
            [
                Evaluation(
                    "x",
                    [
                        Observation("i", 9, rater="甲"),
                        Observation("i", 5, source=Source.DEPARTMENT, rater="甲"),
                        Observation("j", 5),
                    ],
                )
            ],
        )
        assert [p.rater for p in rater_consistency(cards).profiles] == [
            "考评组 甲",
            "部门评议 甲",
        ]


class TestProperties:
    @given(st.permutations(list(ROWS.items())))
    def test_order_of_scorecards_does_not_matter(self, rows):
        """The report is the same whatever order the units come in."""
        assert rater_consistency(season(dict(rows))) == rater_consistency(season(ROWS))
