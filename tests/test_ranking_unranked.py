"""Units assessed but not publicly ranked (参加考核、不参加公开排名)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import InvalidTypeError, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.outcomes.ranking import Quota, RankingPolicy, rank, rank_within
from pbcheck.outcomes.selection import (
    BottomPolicy,
    CommendationPolicy,
    bottom_list,
    commendation_list,
)
from pbcheck.testing._outcomes import seasons

REASON = "纪检监察机关按细则参加考核、不参加公开排名"


def _tree_and_cards():
    tree = org_tree({"党群部门": ["jw", "a", "b", "c", "d"]})
    cards = scorecards({"jw": 60, "a": 95, "b": 90, "c": 85, "d": 80})
    return tree, cards


class TestPolicy:
    def test_default_ranks_everyone(self):
        """No unit is left out unless the policy names it."""
        assert RankingPolicy().unranked == {}

    def test_blank_reason_is_refused_naming_the_unit(self):
        """Leaving a unit out needs a reason; a blank one names the unit and value."""
        with pytest.raises(ValidationError) as caught:
            RankingPolicy(unranked={"jw": "", "ok": "理由"})
        assert "policy.unranked[jw]" in str(caught.value)
        assert "(got '')" in str(caught.value)

    def test_not_a_mapping_is_refused(self):
        """A list of ids (no reasons) is a type error naming the field."""
        with pytest.raises(ValidationError) as caught:
            RankingPolicy(unranked=["jw"])
        (problem,) = caught.value.problems
        assert isinstance(problem, InvalidTypeError)
        assert "policy.unranked" in str(problem)

    def test_policy_stays_hashable_and_comparable(self):
        """The mapping takes part in equality; the policy can still be hashed."""
        one = RankingPolicy(unranked={"jw": REASON})
        assert one == RankingPolicy(unranked={"jw": REASON})
        assert one != RankingPolicy()
        assert isinstance(hash(one), int)


class TestTables:
    def test_left_out_of_its_series_table(self):
        """The unit takes no place; the others rank as if it were absent."""
        tree, cards = _tree_and_cards()
        policy = RankingPolicy(unranked={"jw": REASON})
        table = rank_within(cards, tree, policy)["党群部门"]
        assert "jw" not in table
        assert table.unit_ids == ("a", "b", "c", "d")
        assert [e.rank for e in table] == [1, 2, 3, 4]

    def test_rank_ranks_every_card_given(self):
        """rank() ranks exactly the cards it is given: choosing them is the caller's."""
        _, cards = _tree_and_cards()
        table = rank(cards, RankingPolicy(unranked={"jw": REASON}))
        assert "jw" in table

    @given(seasons(), st.data())
    def test_same_as_ranking_without_the_unit(self, season, data):
        """Leaving units out equals ranking the others alone, group by group."""
        tree, cards = season
        ids = sorted(card.unit_id for card in cards)
        left_out = data.draw(st.sets(st.sampled_from(ids)), label="left out")
        policy = RankingPolicy(unranked=dict.fromkeys(left_out, REASON))
        with_policy = rank_within(cards, tree, policy)
        alone = rank_within(
            [c for c in cards if c.unit_id not in left_out], tree, RankingPolicy()
        )
        for name, table in with_policy.items():
            assert not set(table.unit_ids) & left_out
            other = alone.get(name)
            if other is None:  # the group had only units left out
                assert table.unit_ids == ()
                continue
            assert [(e.unit_id, e.rank, e.reason) for e in table] == [
                (e.unit_id, e.rank, e.reason) for e in other
            ]


class TestListsAndQuotas:
    def test_never_at_the_bottom_even_when_lowest(self):
        """The lowest unit, left out, takes no bottom place; the next one does."""
        tree, cards = _tree_and_cards()
        policy = RankingPolicy(unranked={"jw": REASON})
        bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=1)), ranking=policy)
        assert bottom.unit_ids == ("d",)

    def test_not_counted_in_a_quota_group(self):
        """20% of the four ranked units is 0 places; with jw counted it would be 1."""
        tree, cards = _tree_and_cards()
        quota = CommendationPolicy(Quota(share="0.2"))
        counted = commendation_list(cards, tree, quota)
        assert counted.unit_ids == ("a",)
        left_out = commendation_list(
            cards, tree, quota, ranking=RankingPolicy(unranked={"jw": REASON})
        )
        assert left_out.unit_ids == ()
