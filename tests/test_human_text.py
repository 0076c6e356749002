"""What people read holds no fraction and no English method name (issue 16).

The bundled example season, end to end: every unit's explanation and
reasons, the 失分清单 reasons, the circular, the Markdown and HTML reports,
the CSV files, every string cell of the workbook and the command line's
output.  Exact fractions stay in the API and in results documents; here
they must not reach a reader (a date such as 2026/5/20 or a path is not a
fraction of an exact value, and the pattern skips them).
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

from pbcheck import RoundingPolicy
from pbcheck.cli import main
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import Results
from pbcheck.model.aggregation import (
    GeometricMean,
    Median,
    Minimum,
    TrimmedMean,
    WeightedMean,
    WeightedSum,
    aggregator,
    label_zh,
)
from pbcheck.scoring import lost_points

# a/b of numbers, not part of a date (2026/5/20) or a path segment.
_FRACTION = re.compile(r"(?<![\d/])\d+/\d+(?![\d/])")
_ENGLISH = re.compile(
    r"weighted_sum|weighted_mean|trimmed_mean|geometric_mean|\bmedian\b|\bminimum\b"
)


def _offending(texts):
    return [t for t in texts if _FRACTION.search(t) or _ENGLISH.search(t)]


@pytest.fixture(scope="module")
def season():
    """The example's last season, computed as the demo does."""
    year = EXAMPLE_YEARS[-1]
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(year),
        example_evaluations(year),
    )


class TestTheExampleSeason:
    def test_explanations_and_reasons(self, season):
        """Every unit's explain() lines and every indicator's reason are clean."""
        texts = []
        for card in season.scorecards:
            texts += card.explain().lines()
            for result in card.indicators.values():
                texts.append(result.reason)
                texts += [r.reason for r in result.raters]
        assert len(texts) > 1000
        assert _offending(texts) == []

    def test_lost_point_reasons(self, season):
        """The 失分清单 of every unit words its reasons without fractions."""
        rubrics = example_rubrics()
        texts = [
            point.reason
            for card in season.scorecards
            for point in lost_points(card, rubrics.rubric_for(card.unit_id))
        ]
        assert texts
        assert _offending(texts) == []

    def test_demo_output_and_every_written_file(self, season, tmp_path, capsys):
        """The demo's printout (rank and one explanation) and its report files."""
        openpyxl = pytest.importorskip("openpyxl")
        unit = season.scorecards[-1].unit_id
        assert main(["demo", "--explain", unit, "--out", str(tmp_path)]) == 0
        texts = capsys.readouterr().out.splitlines()
        assert any("按加权求和" in t for t in texts)
        for path in sorted(tmp_path.iterdir()):
            if path.suffix == ".xlsx":
                book = openpyxl.load_workbook(path)
                texts += [
                    value
                    for sheet in book
                    for row in sheet.iter_rows(values_only=True)
                    for value in row
                    if isinstance(value, str)
                ]
            else:
                texts += path.read_text(encoding="utf-8").splitlines()
        assert {p.suffix for p in tmp_path.iterdir()} >= {
            ".csv",
            ".md",
            ".html",
            ".txt",
        }
        assert _offending(texts) == []


class TestAmountsInWords:
    def test_a_short_amount_is_exact_and_a_long_one_rounded(self):
        """show() writes 1.5 as it is and 32/17 at the policy's places."""
        assert RoundingPolicy().show(Fraction(3, 2)) == "1.5"
        assert RoundingPolicy().show(Fraction(32, 17)) == "1.88"
        assert RoundingPolicy(places=1).show(Fraction(32, 17)) == "1.9"

    def test_the_longer_decimal_when_rounding_changed_the_total(self):
        """89.996 publishes as 90.00, and format_long says both."""
        assert (
            RoundingPolicy().format_long(Fraction("89.996")) == "89.996，公布为 90.00"
        )
        assert RoundingPolicy().format_long(Fraction(90)) == "90.00"

    def test_rubric_rounding_reaches_the_reasons(self, season):
        """A reason's amounts follow the rubric's places (two in the example)."""
        places = example_rubric().rounding.places
        amounts = re.compile(r"\d+\.(\d+)")
        for card in season.scorecards:
            for result in card.indicators.values():
                for decimals in amounts.findall(result.reason):
                    assert len(decimals) <= places, result.reason


class TestLabels:
    @pytest.mark.parametrize(
        ("strategy", "label"),
        [
            (WeightedSum(), "加权求和"),
            (WeightedMean(), "加权平均"),
            (TrimmedMean(), "去掉一个最高分、一个最低分后平均"),
            (TrimmedMean(k=2), "去掉两个最高分、两个最低分后平均"),
            (Median(), "中位数"),
            (GeometricMean(), "几何平均"),
            (Minimum(), "取最低分"),
        ],
    )
    def test_every_builtin_has_a_chinese_label(self, strategy, label):
        """Each built-in strategy names itself in Chinese; the API name stays English."""
        assert label_zh(strategy) == label
        assert label_zh(strategy.name).startswith(label[:2])
        assert strategy.name.isascii()

    def test_a_third_party_strategy_may_give_one_or_not(self):
        """aggregator(label_zh=…) is shown; without one, the registry name."""

        @aggregator("top", label_zh="取最高分")
        def top(values, weights):
            return max(values)

        @aggregator("plain")
        def plain(values, weights):
            return max(values)

        assert label_zh(top) == "取最高分"
        assert label_zh(plain) == "plain"
