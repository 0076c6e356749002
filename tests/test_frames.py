"""DataFrames of scorecards, rankings and outcomes, and the leaf helpers they use.

The frames live beside their types (``pbcheck.scoring.scorecard``,
``pbcheck.outcomes.ranking``, ``pbcheck.outcomes.season``); the generic part
(modes, cells, a frame from plain rows) is ``pbcheck.views.frames``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import RoundingPolicy, assess_outcomes
from pbcheck.errors import InvalidValueError, MissingExtraError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.outcomes.ranking import rank, ranking_frame
from pbcheck.outcomes.season import outcomes_frame
from pbcheck.scoring.engine import score_all
from pbcheck.scoring.scorecard import scorecard_frame, scorecards_frame
from pbcheck.views.frames import Cells, check_numeric, frame_from_rows


@pytest.fixture(scope="module")
def season():
    rubric, tree, cycle = example_rubrics(), example_tree(), example_cycle(2025)
    cards = score_all(rubric, example_evaluations(2025), tree=tree, cycle=cycle)
    return tree, cards, assess_outcomes(cards, tree, cycle=cycle)


class TestScorecardFrame:
    def test_one_row_per_indicator(self, season):
        """65 standards plus the bonus indicators claimed, indexed by id."""
        _, cards, _ = season
        card = cards[0]
        frame = card.to_frame()
        assert list(frame.columns) == [
            "title", "section", "section_title", "bonus", "points", "max_points",
            "attainment", "possible", "contribution", "reason",
        ]  # fmt: skip
        assert frame.index.name == "indicator_id"
        assert len(frame) == len(card.indicators) + len(card.bonus)
        assert list(frame.index[: len(card.indicators)]) == list(card.indicators)

    def test_decimals_agree_with_show(self, season):
        """In decimal mode every score is the Decimal ``Scorecard.show`` prints."""
        _, cards, _ = season
        for card in cards[:10]:
            frame = card.to_frame(numeric="decimal")
            for indicator_id, result in card.indicators.items():
                cell = frame.loc[indicator_id, "contribution"]
                assert isinstance(cell, Decimal)
                assert cell == Decimal(card.show(result.contribution))
                assert frame.loc[indicator_id, "points"] == Decimal(
                    card.show(result.points)
                )

    def test_section_is_the_parent(self, season):
        _, cards, _ = season
        card = cards[0]
        frame = card.to_frame()
        for indicator_id in card.indicators:
            parent = frame.loc[indicator_id, "section"]
            assert indicator_id in card.sections[parent].children

    def test_exact_and_float(self, season):
        """``exact`` gives the Fractions, ``float`` float64 columns for plotting."""
        _, cards, _ = season
        card = cards[0]
        exact = card.to_frame(numeric="exact")
        first = next(iter(card.indicators.values()))
        assert exact.loc[first.indicator_id, "contribution"] == first.contribution
        assert isinstance(exact.loc[first.indicator_id, "attainment"], Fraction)
        floats = card.to_frame(numeric="float")
        assert str(floats["contribution"].dtype) == "float64"
        regular = floats.loc[~floats["bonus"], "contribution"]
        assert regular.sum() == pytest.approx(float(card.base))
        assert str(card.to_frame()["points"].dtype) == "float64"
        assert str(card.to_frame(numeric="decimal")["points"].dtype) == "object"

    def test_unknown_mode(self, season):
        _, cards, _ = season
        with pytest.raises(InvalidValueError, match="numeric"):
            cards[0].to_frame(numeric="int")  # type: ignore[arg-type]

    @given(
        st.decimals(min_value=0, max_value=100, places=4, allow_nan=False),
    )
    def test_rounding_agrees_with_show(self, total):
        """Whatever the exact total, the frame shows what the scorecard shows."""
        (card,) = scorecards({"a": total})
        frame = scorecards_frame([card], numeric="decimal")
        assert frame.loc["a", "total"] == Decimal(card.show(card.total))
        assert frame.loc["a", "total"] == card.rounded_total


class TestScorecardsFrame:
    def test_sorted_and_named(self, season):
        """Sorted by unit id whatever the input order; name and series from the tree."""
        tree, cards, _ = season
        frame = scorecards_frame(reversed(cards), tree=tree, numeric="decimal")
        assert list(frame.index) == sorted(c.unit_id for c in cards)
        card = cards[0]
        row = frame.loc[card.unit_id]
        assert row["name"] == tree[card.unit_id].name
        assert row["series"] == tree[card.unit_id].series
        assert row["total"] == card.rounded_total
        for column in frame.attrs["titles"]:
            assert row[column] == Decimal(card.show(card.sections[column].points))
        assert frame.equals(scorecards_frame(cards, tree=tree, numeric="decimal"))

    def test_columns(self, season):
        tree, cards, _ = season
        frame = scorecards_frame(cards, tree=tree)
        assert list(frame.columns[:12]) == [
            "name", "series", "liaison_group", "base", "bonus_claimed", "bonus",
            "deductions_claimed", "deductions", "total", "disqualified", "vetoes", "A",
        ]  # fmt: skip
        vetoed = frame[frame["disqualified"]]
        assert len(vetoed) >= 1
        assert set(vetoed["vetoes"]) == {"V1"}


class TestRankingAndOutcomesFrames:
    def test_ranking_frame(self):
        table = rank(scorecards({"a": 80, "b": 90, "c": 80, "d": "79.996"}))
        frame = table.to_frame()
        assert list(frame.columns) == [
            "rank", "position", "total", "disqualified", "tied_with", "reason",
        ]  # fmt: skip
        assert list(frame.index) == ["b", "a", "c", "d"]
        # d shows 80.00: on the published basis it ties with a and c.
        assert list(frame["rank"]) == [1, 2, 2, 2]
        assert frame.loc["d", "total"] == Decimal("80.00")
        assert ranking_frame(table, numeric="exact").loc["d", "total"] == Fraction(
            "79.996"
        )

    def test_outcomes_frame(self, season):
        """One row per unit with series, rank, total, grade, flags and reasons."""
        _, cards, outcomes = season
        frame = outcomes.to_frame(numeric="decimal")
        assert list(frame.columns) == [
            "name", "series", "liaison_group", "rank", "total", "grade", "commended", "bottom", "vetoed",
            "commendation_status", "rank_reason", "grade_reason",
            "commendation_reason", "bottom_reason",
        ]  # fmt: skip
        assert len(frame) == len(cards)
        assert set(frame.index[frame["commended"]]) == set(
            outcomes.commendation.unit_ids
        )
        assert set(frame.index[frame["bottom"]]) == set(outcomes.bottom.unit_ids)
        vetoed = {c.unit_id for c in cards if c.disqualified}
        assert set(frame.index[frame["vetoed"]]) == vetoed
        for card in cards[:5]:
            row = frame.loc[card.unit_id]
            assert row["total"] == card.rounded_total
            assert row["grade"] == outcomes.grades.of(card.unit_id).label
            assert row["bottom_reason"] == outcomes.bottom.of(card.unit_id).reason

    def test_outcomes_rows_follow_series_and_rank(self):
        tree = org_tree({"政府工作部门": ["a", "b"], "党群部门": ["c", "d"]})
        outcomes = assess_outcomes(
            scorecards({"a": 70, "b": 90, "c": 60, "d": 95}), tree
        )
        frame = outcomes_frame(outcomes, numeric="float")
        assert list(frame.index) == ["b", "a", "d", "c"]
        assert str(frame["total"].dtype) == "float64"


class TestMissingPandas:
    def test_every_function_raises_missing_extra(self, monkeypatch):
        """Without pandas each function says which extra to install."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        cards = scorecards({"a": 90})
        tree = org_tree({"党群部门": ["a"]})
        calls = [
            lambda: scorecard_frame(cards[0]),
            lambda: scorecards_frame(cards),
            lambda: ranking_frame(rank(cards)),
            lambda: outcomes_frame(assess_outcomes(cards, tree)),
            cards[0].to_frame,
            rank(cards).to_frame,
            assess_outcomes(cards, tree).to_frame,
            lambda: frame_from_rows([{"id": "a"}], ["id"], index="id"),
        ]
        for call in calls:
            with pytest.raises(MissingExtraError, match=r"pbcheck\[frames\]"):
                call()

    def test_wrong_mode_is_reported_before_missing_pandas(self, monkeypatch):
        """A bad ``numeric`` is named even where pandas is missing too."""
        monkeypatch.setitem(sys.modules, "pandas", None)
        (card,) = scorecards({"a": 90})
        with pytest.raises(InvalidValueError, match="numeric"):
            scorecards_frame([card], numeric="int")  # type: ignore[arg-type]


class TestSectionColumnNames:
    def test_section_named_like_a_column_is_prefixed(self):
        """A section called ``total`` does not hide the total column."""
        from pbcheck.model.evaluation import Evaluation, Observation
        from pbcheck.model.rubric import Indicator, Rubric, Section
        from pbcheck.model.rules import DirectScore

        rubric = Rubric(
            "r",
            "1",
            "细则",
            [
                Section(
                    "total",
                    "综合",
                    60,
                    indicators=[Indicator("i", "甲", 60, DirectScore())],
                ),
                Section(
                    "B",
                    "其他",
                    40,
                    indicators=[Indicator("j", "乙", 40, DirectScore())],
                ),
            ],
        )
        cards = score_all(
            rubric, [Evaluation("a", [Observation("i", 30), Observation("j", 40)])]
        )
        frame = scorecards_frame(cards, numeric="decimal")
        assert frame.loc["a", "total"] == Decimal("70.00")
        assert frame.loc["a", "section:total"] == Decimal("30.00")
        assert frame.loc["a", "B"] == Decimal("40.00")


class TestGenericHelpers:
    def test_cells_in_each_mode(self):
        """One exact value becomes a rounded Decimal, the Fraction, or a float."""
        third = Fraction(1, 3)
        assert Cells("decimal").score(third) == Decimal("0.33")
        assert Cells("decimal").share(third) == Decimal("0.3333")
        assert Cells("exact").score(third) == third
        assert Cells("float").share(third) == pytest.approx(1 / 3)
        assert Cells("decimal").score(None) is None

    def test_cells_follow_the_rounding_policy(self):
        """Decimal cells use the policy given (places, half-even), shares two more."""
        cells = Cells("decimal", RoundingPolicy(places=1, mode="half_even"))
        assert cells.score(Fraction("0.25")) == Decimal("0.2")
        assert cells.share(Fraction("0.0125")) == Decimal("0.012")

    def test_shown_keeps_the_owners_figure(self):
        """In decimal mode a value already shown stays as shown; else it is exact."""
        exact, shown = Fraction("79.996"), Decimal("80.00")
        assert Cells("decimal").shown(exact, shown) is shown
        assert Cells("exact").shown(exact, shown) == exact
        assert Cells("float").shown(exact, shown) == pytest.approx(79.996)

    def test_unknown_mode_is_named(self):
        """Neither the check nor a Cells accepts a mode outside the three."""
        with pytest.raises(InvalidValueError, match=r"numeric.*'int'"):
            check_numeric("int")
        with pytest.raises(InvalidValueError, match="numeric"):
            Cells("Decimal")  # type: ignore[arg-type]

    def test_frame_from_rows_keeps_exact_cells(self):
        """Numeric columns are object dtype outside float mode, so cells stay exact."""
        rows = [{"id": "a", "x": Fraction(1, 3)}, {"id": "b", "x": None}]
        frame = frame_from_rows(
            rows, ["id", "x"], index="id", numeric_columns=["x"], numeric="exact"
        )
        assert str(frame["x"].dtype) == "object"
        assert frame.loc["a", "x"] == Fraction(1, 3)
        assert frame.loc["b", "x"] is None
        floats = frame_from_rows(
            [{"id": "a", "x": 0.5}], ["id", "x"], index="id",
            numeric_columns=["x"], numeric="float",
        )  # fmt: skip
        assert str(floats["x"].dtype) == "float64"
        assert list(floats.index) == ["a"]


# Runs in a fresh interpreter.  ``pbcheck/__init__`` re-exports the whole core,
# so it is replaced by an empty package first: what is then loaded is exactly
# what the views modules import themselves (and building a frame imports).
_LEAF_PROBE = """
import importlib.util, json, sys, types
from fractions import Fraction

spec = importlib.util.find_spec("pbcheck")
package = types.ModuleType("pbcheck")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["pbcheck"] = package

from pbcheck.views import frames, html

html.titled("t", html.table(["a"], [[1]]))
cells = frames.Cells("decimal")
frames.frame_from_rows([{"id": "a", "x": cells.score(Fraction(1, 3))}], ["id", "x"], index="id")
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "pbcheck")))
"""


class TestViewsAreALeaf:
    def test_views_import_no_domain_module(self):
        """pbcheck.views loads only errors and the exact-number helpers, no domain type."""
        result = subprocess.run(
            [sys.executable, "-c", _LEAF_PROBE],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = set(json.loads(result.stdout))
        assert {"pbcheck.views.html", "pbcheck.views.frames"} <= loaded
        domain = {
            m
            for m in loaded
            if m.split(".")[1:2] in (["model"], ["scoring"], ["outcomes"])
        }
        assert domain == set()
        assert loaded <= {
            "pbcheck",
            "pbcheck.views",
            "pbcheck.views.html",
            "pbcheck.views.frames",
            "pbcheck.errors",
            "pbcheck._numbers",
            "pbcheck._exact_text",
        }
