"""Two seasons compared in one call: ranks, grades, lists and parts per unit.

Expectations are derived from the two seasons' own outcomes and scorecards,
so the tests hold whatever the example season contains.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import AssessmentCycle, Results, assess_outcomes
from pbcheck.errors import InvalidTypeError, UnknownReferenceError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, scorecards, simple_rubric
from pbcheck.outcomes.season import (
    SeasonComparison,
    compare_seasons,
    comparison_frame,
)


def _season(year, totals, tree, *, partial=False):
    cards = scorecards(totals)
    return Results(
        simple_rubric(),
        tree,
        AssessmentCycle.cross_year(year),
        cards,
        assess_outcomes(cards, tree, partial=partial),
    )


@pytest.fixture(scope="module")
def example_pair():
    rubric, tree = example_rubrics(), example_tree()
    return tuple(
        Results.compute(rubric, tree, example_cycle(y), example_evaluations(y))
        for y in (2024, 2025)
    )


class TestExampleSeasons:
    def test_every_unit_against_its_outcomes(self, example_pair):
        """Each row restates both seasons' rank, total, grade and lists."""
        before, after = example_pair
        comparison = compare_seasons(before, after)
        assert len(comparison) == len(after.scorecards)
        ranks = [
            {e.unit_id: (s, e) for s, t in r.outcomes.rankings.items() for e in t}
            for r in (before, after)
        ]
        for change in comparison:
            uid = change.unit_id
            (s0, e0), (s1, e1) = ranks[0][uid], ranks[1][uid]
            assert (change.rank_before, change.rank_after) == (e0.rank, e1.rank)
            assert change.rank_change == (e0.rank - e1.rank if s0 == s1 else None)
            assert change.total_change == e1.total - e0.total
            assert change.grade_after == after.outcomes.grades.of(uid).label
            assert change.commended_before == (uid in before.outcomes.commendation)
            assert change.bottom_after == (uid in after.outcomes.bottom)
            card0, card1 = before.scorecard(uid), after.scorecard(uid)
            for part in comparison.parts:
                assert change.part_change(part) == (
                    card1.sections[part].points - card0.sections[part].points
                )

    def test_frame_in_one_call(self, example_pair):
        """``comparison_frame`` is the plain data as a typed DataFrame."""
        before, after = example_pair
        frame = comparison_frame(before, after)
        plain = compare_seasons(before, after)
        assert list(frame.index) == [c.unit_id for c in plain]
        assert str(frame["rank_change"].dtype) == "Int64"
        assert str(frame["total_change"].dtype) == "float64"
        assert str(frame["grade_after"].dtype) == "category"
        assert str(frame["series"].dtype) == "category"
        for change in plain.changes[:10]:
            row = frame.loc[change.unit_id]
            assert row["total_change"] == float(change.total_change)
            assert row["reason"] == change.reason
        for part, title in plain.parts.items():
            assert frame.attrs["titles"][f"{part}_change"] == f"{title} 变化"
        assert (frame.attrs["before"], frame.attrs["after"]) == (
            before.cycle.label_zh,
            after.cycle.label_zh,
        )

    def test_rows_need_no_pandas_and_stay_exact(self, example_pair):
        """``rows()`` gives plain dictionaries of exact Fractions."""
        comparison = compare_seasons(*example_pair)
        rows = comparison.rows()
        assert [row["unit_id"] for row in rows] == [c.unit_id for c in comparison]
        assert all(isinstance(row["total_change"], Fraction) for row in rows)

    def test_html_is_bounded_and_escaped(self, example_pair):
        """The notebook view lists the movers in a cut table."""
        page = compare_seasons(*example_pair)._repr_html_()
        assert "<table" in page
        assert len(page) < 20_000


class TestEdges:
    def test_new_and_gone_units(self):
        """A unit in one season only has an empty side and says so."""
        tree = org_tree({"党群部门": ["a", "b", "c"]})
        before = _season(2024, {"a": 90, "b": 80}, tree, partial=True)
        after = _season(2025, {"a": 85, "c": 70}, tree, partial=True)
        comparison = compare_seasons(before, after)
        assert [c.unit_id for c in comparison] == ["a", "c", "b"]
        new, gone = comparison.of("c"), comparison.of("b")
        assert (new.rank_before, new.rank_after, new.rank_change) == (None, 2, None)
        assert new.reason == "上期未参加考评"
        assert (gone.total_after, gone.total_change) == (None, None)
        assert gone.reason == "本期未参加考评"
        frame = comparison.to_frame()
        assert frame["rank_before"].isna().tolist() == [False, True, False]

    def test_series_change_is_not_a_rank_change(self):
        """Ranks in different series are not compared; the reason says why."""
        before = _season(2024, {"a": 90, "b": 80}, org_tree({"党群部门": ["a", "b"]}))
        after = _season(
            2025,
            {"a": 90, "b": 80},
            org_tree({"党群部门": ["a"], "政府工作部门": ["b"]}),
        )
        change = compare_seasons(before, after).of("b")
        assert (change.rank_before, change.rank_after) == (2, 1)
        assert change.rank_change is None
        assert "系列由 党群部门 改为 政府工作部门" in change.reason

    def test_unknown_unit_and_wrong_type(self):
        """Misuse gives library errors naming the value."""
        tree = org_tree({"党群部门": ["a"]})
        season = _season(2025, {"a": 90}, tree)
        with pytest.raises(UnknownReferenceError, match="nope"):
            compare_seasons(season, season).of("nope")
        with pytest.raises(InvalidTypeError, match="before"):
            compare_seasons({"a": 1}, season)  # type: ignore[arg-type]

    def test_repr_is_one_line(self):
        tree = org_tree({"党群部门": ["a"]})
        season = _season(2025, {"a": 90}, tree)
        text = repr(compare_seasons(season, season))
        assert "\n" not in text
        assert text.startswith("<SeasonComparison")


_TOTALS = st.sampled_from([60, 70, 75, "80.004", 80, 90, 100])


@st.composite
def _two_seasons(draw):
    ids = [f"u{n}" for n in range(draw(st.integers(1, 6)))]
    series = {i: draw(st.sampled_from(["政府工作部门", "党群部门"])) for i in ids}
    by_series: dict[str, list[str]] = {}
    for uid, name in series.items():
        by_series.setdefault(name, []).append(uid)
    tree = org_tree(by_series)
    totals = [{i: draw(_TOTALS) for i in ids} for _ in range(2)]
    return _season(2024, totals[0], tree), _season(2025, totals[1], tree)


class TestProperties:
    @settings(max_examples=40)
    @given(_two_seasons())
    def test_a_season_against_itself_moves_nothing(self, pair):
        """Comparing a season with itself: every change zero, nobody moved."""
        season, _ = pair
        comparison = compare_seasons(season, season)
        assert comparison.moved == ()
        for change in comparison:
            assert change.rank_change == 0
            assert change.total_change == 0

    @settings(max_examples=40)
    @given(_two_seasons())
    def test_swapping_the_seasons_negates_every_change(self, pair):
        """Before/after swapped: the same units, each change with its sign flipped."""
        before, after = pair
        forward = compare_seasons(before, after)
        backward = compare_seasons(after, before)
        assert isinstance(forward, SeasonComparison)
        for change in forward:
            other = backward.of(change.unit_id)
            assert other.rank_change == -change.rank_change
            assert other.total_change == -change.total_change
            assert (other.commended_before, other.bottom_before) == (
                change.commended_after,
                change.bottom_after,
            )
