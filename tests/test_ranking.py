"""Rankings within series, liaison groups and overall."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import Id, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.model.evaluation import Evaluation
from pbcheck.outcomes.ranking import Quota, RankingPolicy, rank, rank_within, take_top
from pbcheck.scoring.engine import score
from pbcheck.testing._outcomes import seasons
from pbcheck.testing._rubrics import evaluations_for, rubrics


class TestTies:
    def test_competition_is_the_default(self):
        """Tied units share a rank and the next rank is skipped: 1, 2, 2, 4."""
        table = rank(scorecards({"a": 90, "b": 85, "c": 85, "d": 70}))
        assert [e.rank for e in table] == [1, 2, 2, 4]
        assert table.entry("b").tied_with == ("c",)
        assert "并列" in table.entry("b").reason

    def test_dense(self):
        """Dense ranking does not skip: 1, 2, 2, 3."""
        cards = scorecards({"a": 90, "b": 85, "c": 85, "d": 70})
        table = rank(cards, RankingPolicy(ties="dense"))
        assert [e.rank for e in table] == [1, 2, 2, 3]

    def test_ordinal_breaks_ties_by_base_then_id(self):
        """Ordinal: equal totals are ordered by base score, then by unit id."""
        cards = scorecards({"c": 90, "a": 90, "b": 90}, bonus={"c": 5})
        table = rank(cards, RankingPolicy(ties="ordinal"))
        assert table.unit_ids == ("a", "b", "c")  # c's base is 85
        assert [e.rank for e in table] == [1, 2, 3]
        assert "基础分" in table.entry("a").reason

    def test_exact_basis_separates_what_rounding_would_tie(self):
        """80.004 and 80 both show as 80.00: tied by default, apart on exact totals.

        The default changed on purpose (issue 14 §3: offices rank on the
        published value), so the exact basis is now asked for; its reason
        shows the longer decimal that decided, never a fraction.
        """
        cards = scorecards({"a": "80.004", "b": 80})
        exact = rank(cards, RankingPolicy(basis="exact"))
        assert [e.rank for e in exact] == [1, 2]
        assert exact.entry("a").reason.startswith(
            "总分 80.004（公布为 80.00），排第 1 名"
        )
        assert "公布分相同，但本表按未经四舍五入的总分排名，不并列" in (
            exact.entry("b").reason
        )
        shown = rank(cards)
        assert [e.rank for e in shown] == [1, 1]
        assert "与 b 公布分 80.00 相同，并列" in shown.entry("a").reason
        # the strict order still puts the higher exact total first
        assert shown.unit_ids == ("a", "b")


class TestVetoes:
    def test_vetoed_units_come_after_every_other_unit(self):
        """A vetoed unit ranks after all others, among themselves by score."""
        cards = scorecards({"a": 99, "b": 60, "c": 95, "d": 50}, vetoed={"a", "c"})
        table = rank(cards)
        assert table.unit_ids == ("b", "d", "a", "c")
        assert [e.rank for e in table] == [1, 2, 3, 4]
        assert "一票否决" in table.entry("a").reason

    def test_vetoed_and_clean_units_with_equal_totals_are_not_tied(self):
        """Same score, but one was vetoed: no tie."""
        table = rank(scorecards({"a": 80, "b": 80}, vetoed={"a"}))
        assert [(e.unit_id, e.rank) for e in table] == [("b", 1), ("a", 2)]


class TestGroups:
    def test_within_series_and_liaison_groups(self):
        """Each series (and each liaison group) is ranked on its own."""
        tree = org_tree(
            {"政府工作部门": ["a", "b"], "党群部门": ["c", "d"]},
            liaison_groups={"a": "第一联系片", "c": "第一联系片", "b": "第二联系片"},
        )
        cards = scorecards({"a": 70, "b": 80, "c": 90, "d": 60})
        series = rank_within(cards, tree)
        assert {k: t.unit_ids for k, t in series.items()} == {
            "政府工作部门": ("b", "a"),
            "党群部门": ("c", "d"),
        }
        groups = rank_within(cards, tree, by="liaison_group")
        assert groups["第一联系片"].unit_ids == ("c", "a")
        assert groups["未分联系片"].unit_ids == ("d",)
        assert groups["第一联系片"].scope == "联系片：第一联系片"
        overall = rank_within(cards, tree, by="all")
        assert overall["全部"].unit_ids == ("c", "b", "a", "d")

    def test_errors_are_gathered(self):
        """Duplicate scorecards and units outside the tree are all reported."""
        cards = scorecards({"a": 1, "x": 2})
        with pytest.raises(ValidationError) as info:
            rank_within([*cards, cards[0]], org_tree({"党群部门": ["a"]}))
        messages = [str(p) for p in info.value.problems]
        assert any("names no unit" in m for m in messages)
        assert any("two scorecards" in m for m in messages)

    def test_a_scorecard_is_named_by_its_unit_and_a_repeat_by_its_position(self):
        """``scorecards[x]`` for an unknown unit; the repeated ``a`` is ``scorecards[2]``."""
        cards = scorecards({"a": 1, "x": 2})
        with pytest.raises(ValidationError) as info:
            rank_within([*cards, cards[0]], org_tree({"党群部门": ["a"]}))
        assert [p.steps for p in info.value.problems] == [
            ("scorecards", Id("x"), "unit_id"),
            ("scorecards", 2, "unit_id"),
        ]


class TestQuota:
    def test_shares_round_down_and_count_caps(self):
        """20% of 12 is 2; with both a count and a share the smaller wins."""
        assert Quota(share="0.2").limit(12) == 2
        assert Quota(share="0.2").limit(4) == 0
        assert Quota(count=1, share="0.5").limit(10) == 1

    def test_invalid_quota(self):
        """A quota needs a count or a share within [0, 1]."""
        with pytest.raises(ValidationError):
            Quota()
        with pytest.raises(ValidationError) as info:
            Quota(share="1.5")
        assert info.value.problems[0].steps == ("quota", "share")

    def test_take_top_drops_ties_at_the_cut_off(self):
        """Units tied at the cut-off all drop, so the limit is never exceeded."""
        table = rank(scorecards({"a": 95, "b": 94, "c": 94, "d": 90}))
        taken, dropped = take_top(table.entries, 2)
        assert [e.unit_id for e in taken] == ["a"]
        assert [e.unit_id for e in dropped] == ["b", "c"]
        taken, dropped = take_top(table.entries, 3)
        assert [e.unit_id for e in taken] == ["a", "b", "c"]
        assert dropped == ()


policies = st.builds(
    RankingPolicy,
    ties=st.sampled_from(["competition", "dense", "ordinal"]),
    basis=st.sampled_from(["exact", "rounded"]),
)


class TestProperties:
    @given(seasons(), policies, st.randoms(use_true_random=False))
    def test_invariant_under_input_order(self, season, policy, random):
        """Shuffling the scorecards never changes a ranking."""
        tree, cards = season
        shuffled = list(cards)
        random.shuffle(shuffled)
        assert rank_within(cards, tree, policy) == rank_within(shuffled, tree, policy)
        assert rank(cards, policy) == rank(shuffled, policy)

    @given(seasons(), policies)
    def test_ranks_are_consistent_with_the_order(self, season, policy):
        """Ranks never fall down the table, and vetoed units come last."""
        _, cards = season
        table = rank(cards, policy)
        ranks = [e.rank for e in table]
        assert ranks == sorted(ranks)
        flags = [e.disqualified for e in table]
        assert flags == sorted(flags)

    @given(st.data())
    def test_a_dominating_unit_never_ranks_below(self, data):
        """If every indicator of unit hi scores at least unit lo's, hi ranks no lower.

        Two evaluations of the same generated rubric (monotone roll-ups, no
        bonus, deductions or vetoes); ``hi`` takes, indicator by indicator,
        the observations of whichever scored more.
        """
        rubric = data.draw(rubrics(extras=False, max_depth=1))
        one = data.draw(evaluations_for(rubric, "one"))
        two = data.draw(evaluations_for(rubric, "two"))
        card_one, card_two = score(rubric, one), score(rubric, two)
        observations = []
        for indicator in rubric.indicators():
            better = (
                one
                if card_one.indicators[indicator.id].points
                >= card_two.indicators[indicator.id].points
                else two
            )
            observations += [
                o for o in better.observations if o.indicator_id == indicator.id
            ]
        hi = score(rubric, Evaluation("hi", observations))
        lo = score(rubric, Evaluation("lo", one.observations))
        for indicator in rubric.indicators():
            assert (
                hi.indicators[indicator.id].points >= lo.indicators[indicator.id].points
            )
        policy = data.draw(policies)
        table = rank([lo, hi], policy)
        assert table.rank_of("hi") <= table.rank_of("lo")
        assert hi.total >= lo.total
        assert isinstance(hi.total, Fraction)
