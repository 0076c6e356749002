"""Frames that plot as they come, carry who each unit is, and survive Parquet.

The default frames are typed for analysis: float64 points, Int64 ranks,
category labels; the exact figures stay one keyword away.  Expectations are
derived from the objects, never from the example season's names or numbers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings

from pbcheck import AssessmentCycle, Results, assess_outcomes
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import scorecards
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.outcomes.history import (
    History,
    history_frame,
    trends,
    trends_frame,
)
from pbcheck.outcomes.season import outcomes_frame
from pbcheck.scoring.scorecard import scorecards_frame
from pbcheck.testing import seasons
from pbcheck.views.frames import DEFAULT_NUMERIC, frame_from_rows


@pytest.fixture(scope="module")
def results():
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(2025),
        example_evaluations(2025),
    )


def _grouped_tree() -> OrgTree:
    """Three units in two series, with a grouping besides the liaison groups."""
    root = OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)
    units = [
        OrgUnit(
            uid,
            f"单位{uid}",
            UnitKind.PARTY_COMMITTEE,
            parent="root",
            series=series,
            liaison_group=group,
            groupings={"纪检联系片": discipline},
        )
        for uid, series, group, discipline in (
            ("b", "政府工作部门", "第一片", "甲组"),
            ("a", "党群部门", "第二片", "乙组"),
            ("c", "政府工作部门", "第二片", "甲组"),
        )
    ]
    return OrgTree([root, *units])


class TestDefaultDtypes:
    def test_default_is_float(self):
        """The documented default mode is the plottable one."""
        assert DEFAULT_NUMERIC == "float"

    def test_scorecards_frame_has_no_object_columns(self, results):
        """No column of the default season frame is ``object`` (38 were before)."""
        frame = scorecards_frame(results.scorecards, tree=results.tree)
        assert not [c for c in frame.columns if frame[c].dtype == object]
        titles = frame.attrs["titles"]
        for column in titles:
            assert str(frame[column].dtype) == "float64"
        assert str(frame["total"].dtype) == "float64"
        assert str(frame["series"].dtype) == "category"

    def test_decimal_mode_is_the_old_frame(self, results):
        """``numeric="decimal"`` still gives the figures as shown, as object cells."""
        frame = scorecards_frame(results.scorecards, numeric="decimal")
        card = results.scorecards[0]
        assert frame.loc[card.unit_id, "total"] == card.rounded_total
        assert isinstance(frame.loc[card.unit_id, "total"], Decimal)
        exact = scorecards_frame(results.scorecards, numeric="exact")
        assert exact.loc[card.unit_id, "total"] == card.total

    def test_outcomes_frame_types(self, results):
        """Ranks are Int64, totals float64, series/grade/status categories."""
        frame = results.outcomes.to_frame(tree=results.tree)
        assert str(frame["rank"].dtype) == "Int64"
        assert str(frame["total"].dtype) == "float64"
        for column in ("series", "liaison_group", "grade", "commendation_status"):
            assert str(frame[column].dtype) == "category", column
        # Series in the order of the outcomes (tree order), not alphabetical.
        assert list(frame["series"].cat.categories) == list(results.outcomes.rankings)
        grades = [tier.label for tier in results.outcomes.policy.grading.tiers]
        assert list(frame["grade"].cat.categories)[: len(grades)] == grades

    def test_default_frames_plot(self, results):
        """``frame.plot`` draws the default frames (it raised "no numeric data")."""
        matplotlib = pytest.importorskip("matplotlib")
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        frames = [
            scorecards_frame(results.scorecards, tree=results.tree),
            results.outcomes.to_frame(),
            results.scorecards[0].to_frame(),
            results.to_frame(),
        ]
        for frame in frames:
            axes = frame.plot()
            assert axes.get_lines()  # at least one numeric column was drawn
            plt.close("all")

    @settings(max_examples=25)
    @given(seasons())
    def test_float_cells_are_the_exact_values(self, season):
        """Each float cell is the exact total converted once, whatever the season."""
        tree, cards = season
        frame = scorecards_frame(cards, tree=tree)
        for card in cards:
            assert frame.loc[card.unit_id, "total"] == float(card.total)
        outcomes = outcomes_frame(assess_outcomes(cards, tree))
        assert str(outcomes["rank"].dtype) == "Int64"


class TestWhoEachUnitIs:
    def test_names_series_groupings_and_titles(self):
        """The frames carry the tree's names, series, liaison groups and groupings."""
        tree = _grouped_tree()
        cards = scorecards({"a": 90, "b": 80, "c": 70})
        frame = scorecards_frame(cards, tree=tree)
        for unit in tree:
            if unit.id == "root":
                continue
            row = frame.loc[unit.id]
            assert row["name"] == unit.name
            assert row["series"] == unit.series
            assert row["liaison_group"] == unit.liaison_group
            assert row["纪检联系片"] == unit.groupings["纪检联系片"]
        # Categories follow the tree (b's series first), not the sorted rows.
        assert list(frame["series"].cat.categories) == ["政府工作部门", "党群部门"]
        assert frame.attrs["titles"] == {"s": cards[0].sections["s"].title}
        outcomes = assess_outcomes(cards, tree).to_frame(tree=tree)
        assert outcomes.loc["a", "name"] == tree["a"].name
        assert outcomes.loc["c", "纪检联系片"] == "甲组"
        assert str(outcomes["纪检联系片"].dtype) == "category"

    def test_scorecard_frame_titles_sections(self, results):
        """Each indicator row names its section's title (奖励分 for a bonus)."""
        card = results.scorecards[0]
        frame = card.to_frame()
        for indicator_id in card.indicators:
            section = frame.loc[indicator_id, "section"]
            assert frame.loc[indicator_id, "section_title"] == (
                card.sections[section].title
            )
        for bonus in card.bonus:
            assert frame.loc[bonus.indicator_id, "section_title"] == "奖励分"

    def test_results_frame_joins_outcomes_and_sections(self, results):
        """One row per unit: outcomes, tree and every section's points."""
        frame = results.to_frame(numeric="exact")
        assert len(frame) == len(results.scorecards)
        for card in results.scorecards[:5]:
            row = frame.loc[card.unit_id]
            assert row["name"] == results.tree[card.unit_id].name
            assert row["base"] == card.base
            for column, title in frame.attrs["titles"].items():
                section_id = column.removeprefix("section:")
                assert row[column] == card.sections[section_id].points
                assert title == card.sections[section_id].title
            assert row["grade"] == results.outcomes.grades.of(card.unit_id).label

    def test_partial_results_frame_says_so(self):
        """A partial season's frame keeps the banner beside the titles."""
        evaluations = example_evaluations(2025)[:3]
        partial = Results.compute(
            example_rubrics(),
            example_tree(),
            example_cycle(2025),
            evaluations,
            partial=True,
        )
        frame = partial.to_frame()
        assert frame.attrs["partial"] == partial.outcomes.partial_label
        assert "titles" in frame.attrs


class TestParquet:
    def test_round_trip_through_pyarrow_and_polars(self, results, tmp_path):
        """Default frames write to Parquet; pandas and polars read the same types."""
        pytest.importorskip("pyarrow")
        polars = pytest.importorskip("polars")
        import pandas as pd

        frame = results.to_frame()
        path = tmp_path / "season.parquet"
        frame.to_parquet(path)
        back = pd.read_parquet(path)
        assert back.attrs["titles"] == frame.attrs["titles"]
        assert str(back["rank"].dtype) == "Int64"
        assert str(back["series"].dtype) == "category"
        assert back["total"].tolist() == frame["total"].tolist()

        table = polars.read_parquet(path)
        schema = table.schema
        assert schema["total"] == polars.Float64
        assert schema["rank"] == polars.Int64
        assert schema["series"] == polars.Categorical
        assert schema["commended"] == polars.Boolean
        assert schema["name"] == polars.String
        assert table["unit_id"].to_list() == list(frame.index)

    def test_decimal_frames_keep_exact_figures(self, results, tmp_path):
        """A decimal frame becomes Parquet decimals: the shown figures, exactly."""
        polars = pytest.importorskip("polars")
        frame = results.to_frame(numeric="decimal")
        path = tmp_path / "shown.parquet"
        frame.to_parquet(path)
        table = polars.read_parquet(path)
        assert isinstance(table.schema["total"], polars.Decimal)
        first = results.scorecards[0]
        row = table.filter(polars.col("unit_id") == first.unit_id)
        assert row["total"].to_list() == [first.rounded_total]


class TestFrameFromRows:
    def test_label_order_and_counts(self):
        """Given categories come first, others as met; counts are nullable."""
        frame = frame_from_rows(
            [
                {"id": "x", "g": "乙", "n": 2},
                {"id": "y", "g": "丙", "n": None},
            ],
            ["id", "g", "n"],
            index="id",
            count_columns=["n"],
            label_columns={"g": ["甲", "乙"]},
            attrs={"note": "t"},
        )
        assert list(frame["g"].cat.categories) == ["甲", "乙", "丙"]
        assert frame["n"].isna().tolist() == [False, True]
        assert frame.attrs == {"note": "t"}

    def test_fraction_cells_become_floats_by_default(self):
        """The default mode turns exact cells into floats, never strings."""
        frame = frame_from_rows(
            [{"id": "a", "x": Fraction(1, 4)}], ["id", "x"], index="id",
            numeric_columns=["x"],
        )  # fmt: skip
        assert frame.loc["a", "x"] == 0.25


class TestHistoryFrames:
    @staticmethod
    def _history():
        tree = _grouped_tree()
        results = []
        for year, totals in (
            (2023, (90, 70, 60)),
            (2024, (95, 65, 80)),
            (2025, (60, 85, 75)),
        ):
            cards = scorecards(dict(zip("abc", totals, strict=True)))
            outcomes = assess_outcomes(cards, tree)
            results.append(
                outcomes.cycle_result(
                    AssessmentCycle.cross_year(year), scorecards=cards
                )
            )
        return History(results)

    def test_history_frame_restates_every_cycle(self):
        """One row per cycle and unit: rank, total, flags and streaks as History says."""
        history = self._history()
        frame = history_frame(history)
        assert len(frame) == sum(len(r.units) for r in history)
        streaks = history.streaks("bottom")
        for index, result in enumerate(history):
            for unit in result.units:
                row = frame.loc[(result.cycle.label_zh, unit.unit_id)]
                assert row["rank"] == unit.rank
                assert row["total"] == float(unit.total)
                assert bool(row["at_bottom"]) == unit.at_bottom
                assert row["bottom_streak"] == streaks[index][unit.unit_id]
        assert str(frame["rank"].dtype) == "Int64"
        labels = [r.cycle.label_zh for r in history]
        paths = frame.reset_index().pivot_table(
            index="unit_id", columns="cycle", values="total", observed=True
        )
        assert list(paths.columns) == labels

    def test_trends_frame_is_trends(self):
        """Each row is the unit's Trend: changes and reason, exact in exact mode."""
        history = self._history()
        frame = trends_frame(history, numeric="exact")
        for trend in trends(history):
            row = frame.loc[trend.unit_id]
            assert row["rank_change"] == trend.rank_change
            assert row["score_change"] == trend.score_change
            assert row["reason"] == trend.reason
            for part, change in trend.attainment_change.items():
                assert row[f"attainment_change:{part}"] == change
        floats = trends_frame(history)
        assert str(floats["score_change"].dtype) == "float64"
