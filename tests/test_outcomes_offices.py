"""Outcomes as offices apply them: published value, bottom lists, comparable groups, groupings.

Issue 14 §2 (comparable groups), §3 (published value), §4 (bottom lists) and
§9 (groupings); each golden test quotes the rule it implements.
"""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.model.org import OrgTree, OrgUnit
from pbcheck.outcomes.ranking import (
    Quota,
    RankingPolicy,
    comparable_groups,
    rank,
    rank_within,
)
from pbcheck.outcomes.season import OutcomePolicy, assess_outcomes
from pbcheck.outcomes.selection import BottomPolicy, CommendationPolicy, bottom_list
from pbcheck.testing import office_seasons


def _rubric(cards, rubric_id, **changes):
    """The same cards as if scored by another rubric (id, and full points if given)."""
    return tuple(attrs.evolve(c, rubric_id=rubric_id, **changes) for c in cards)


class TestPublishedValue:
    """§3: "Offices publish totals to two decimals and rank and grade on what they
    publish ... Make the published (rounded) total the default basis for ranking
    ties, grade bands and list cut-offs; keep the exact basis as an option;
    reasons always say which value decided and never contradict what is shown."
    """

    def test_units_shown_alike_are_tied_and_the_reason_says_on_what(self):
        """89.996 and 90 both publish as 90.00: tied, "公布分 90.00 相同"."""
        table = rank(scorecards({"a": "89.996", "b": 90}))
        assert [e.rank for e in table] == [1, 1]
        assert (
            table.entry("a").reason
            == "总分 90.00，排第 1 名；与 b 公布分 90.00 相同，并列"
        )

    def test_the_exact_basis_shows_the_longer_decimal_never_a_fraction(self):
        """On the exact basis a reason shows 89.996（公布为 90.00）, and no a/b."""
        table = rank(
            scorecards({"a": "89.996", "b": 90, "c": "26749787/306000"}),
            RankingPolicy(basis="exact"),
        )
        assert table.unit_ids == ("b", "a", "c")
        assert table.entry("a").reason.startswith("总分 89.996（公布为 90.00）")
        assert table.entry("c").reason.startswith("总分 87.417604…（公布为 87.42）")
        assert all("/" not in e.reason for e in table)

    def test_below_and_min_score_compare_the_published_total(self):
        """A unit shown as 60.00 is not below 60; one shown as 85.00 meets 85."""
        cards = scorecards({"a": "59.996", "b": "84.996", "c": 95})
        bottom = bottom_list(cards, None, BottomPolicy(below=60))
        assert bottom.unit_ids == ()
        exact = RankingPolicy(basis="exact")
        bottom = bottom_list(cards, None, BottomPolicy(below=60), ranking=exact)
        assert bottom.unit_ids == ("a",)
        assert bottom.of("a").reason.startswith("总分 59.996（公布为 60.00）")
        policy = OutcomePolicy(
            commendation=CommendationPolicy(Quota(count=3), min_score=85)
        )
        tree = org_tree({"党群部门": ["a", "b", "c"]})
        assert "b" in assess_outcomes(cards, tree, policy).commendation.unit_ids


class TestBottomList:
    """§4, and the seed's rule it serves: "對考評處于后位的機關黨組織取消該黨組織和單位
    領導評先評優資格" (南平市直機關工委).  Issue 14 §4: "A vetoed unit is handled by its
    veto consequence; by default the bottom places go to the lowest-ranked units
    without a veto ... Units tied at the last bottom place are all named ... A
    series too small to rank (default: one unit) has no bottom place."
    """

    def test_a_vetoed_unit_does_not_take_the_bottom_place(self):
        """The vetoed unit is listed for its veto, the weakest real performer for its place."""
        cards = scorecards({"a": 95, "b": 80, "c": 70, "d": 99}, vetoed={"d"})
        bottom = bottom_list(cards, None, BottomPolicy(Quota(count=1)))
        assert bottom.unit_ids == ("c", "d")
        assert "不占后位名额" in bottom.of("d").reason
        assert "未被一票否决的单位中位列倒数第 1" in bottom.of("c").reason
        old = bottom_list(
            cards, None, BottomPolicy(Quota(count=1), vetoed_in_quota=True)
        )
        assert old.unit_ids == ("d",)

    def test_units_tied_at_the_last_place_are_all_named(self):
        """Two units tied for last are both at the bottom, each told why."""
        cards = scorecards({"a": 90, "b": 60, "c": "59.996"})
        bottom = bottom_list(cards, None, BottomPolicy(Quota(count=1)))
        assert bottom.unit_ids == ("b", "c")
        assert "与 c 公布分 60.00 相同，在本组并列倒数第 1" in bottom.of("b").reason

    def test_a_one_unit_series_has_no_bottom_place(self):
        """A series of one (or of one unit without a veto) has no bottom place, and says so."""
        tree = org_tree({"政府工作部门": ["a", "b"], "垂直管理部门": ["c"]})
        cards = scorecards({"a": 90, "b": 70, "c": 40})
        bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=1)))
        assert bottom.unit_ids == ("b",)
        assert "不设后位名额" in bottom.of("c").reason
        assert (
            "  垂直管理部门：参与后位排名的单位 1 个，不足 2 个，不设后位名额"
            in bottom.lines()
        )
        single = bottom_list(
            cards, tree, BottomPolicy(Quota(count=1), min_group_size=1)
        )
        assert single.unit_ids == ("b", "c")
        with pytest.raises(InvalidValueError):
            BottomPolicy(min_group_size=0)

    def test_commendation_ties_at_the_cut_off_still_all_drop(self):
        """A commendation quota is never exceeded: tied units at its cut-off all drop."""
        tree = org_tree({"党群部门": list("abc")})
        cards = scorecards({"a": 95, "b": "94.996", "c": 80})
        policy = OutcomePolicy(commendation=CommendationPolicy(Quota(count=1)))
        chosen = assess_outcomes(cards, tree, policy).commendation
        assert chosen.unit_ids == ()
        assert "与 b 公布分 95.00 相同" in chosen.of("a").reason


class TestComparableGroups:
    """§2: "ranking and bottom/commendation lists happen only within groups that
    share a rubric or are declared comparable (same full points), never silently
    across different rubrics."
    """

    def test_a_mixed_group_is_refused_naming_group_units_and_rubrics(self):
        """The error names the series, each rubric and its units."""
        tree = org_tree({"政府工作部门": ["a", "b", "c"]})
        a, b, c = scorecards({"a": 90, "b": 80, "c": 70})
        cards = (a, *_rubric((b, c), "zf"))
        with pytest.raises(ValidationError) as info:
            rank_within(cards, tree)
        (problem,) = info.value.problems
        assert problem.path == "series[政府工作部门]"
        assert "细则 simple 1: a; 细则 zf 1: b, c" in problem.message
        with pytest.raises(ValidationError):
            rank(cards)
        with pytest.raises(ValidationError):
            assess_outcomes(cards, tree)

    def test_split_ranks_each_rubric_apart_and_says_which(self):
        """With mixed_rubrics='split' each rubric's units have their own table and places."""
        tree = org_tree({"政府工作部门": ["a", "b", "c"]})
        a, b, c = scorecards({"a": 90, "b": 80, "c": 70})
        cards = (a, *_rubric((b, c), "zf"))
        split = RankingPolicy(mixed_rubrics="split")
        tables = rank_within(cards, tree, split)
        assert {k: t.unit_ids for k, t in tables.items()} == {
            "政府工作部门（细则 simple 1）": ("a",),
            "政府工作部门（细则 zf 1）": ("b", "c"),
        }
        assert (
            tables["政府工作部门（细则 zf 1）"].scope
            == "系列：政府工作部门（细则 zf 1）"
        )
        bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=1)), ranking=split)
        assert bottom.unit_ids == ("c",)  # a's group of one has no bottom place

    def test_assess_outcomes_splits_the_overall_ranking_by_rubric(self):
        """A split season has no overall table across rubrics, one per rubric instead."""
        tree = org_tree({"政府工作部门": ["a", "b", "c"]})
        a, b, c = scorecards({"a": 90, "b": 80, "c": 70})
        cards = (a, *_rubric((b, c), "zf"))
        split = RankingPolicy(mixed_rubrics="split")
        outcomes = assess_outcomes(cards, tree, OutcomePolicy(ranking=split))
        assert len(outcomes.overall) == 0
        assert set(outcomes.overall_by_rubric) == {
            "全部（细则 simple 1）",
            "全部（细则 zf 1）",
        }

    def test_declared_comparable_rubrics_need_equal_full_points(self):
        """Declared comparable: ranked together; with different full points: an error."""
        a, b = scorecards({"a": 90, "b": 80})
        (b_zf,) = _rubric((b,), "zf")
        policy = RankingPolicy(comparable=[{"simple", "zf"}])
        assert rank((a, b_zf), policy).unit_ids == ("a", "b")
        (b_90,) = _rubric((b,), "zf", max_total=90)
        with pytest.raises(ValidationError) as info:
            rank((a, b_90), policy)
        (problem,) = info.value.problems
        assert problem.steps == ("policy", "comparable", 0)
        assert "full points differ" in problem.message
        with pytest.raises(ValidationError):
            RankingPolicy(comparable=[{"a", "b"}, {"b"}])


class TestGroupings:
    """§9: "A unit can belong to several groupings (e.g. 8 党建联系片 and 5
    纪检联系片); rankings and reports can be made by any of them."
    """

    tree = OrgTree(
        [
            OrgUnit(
                "a",
                "甲",
                "party_committee",
                series="党群部门",
                groupings={"纪检联系片": "第一片"},
            ),
            OrgUnit(
                "b",
                "乙",
                "party_committee",
                series="党群部门",
                groupings={"纪检联系片": "第二片"},
            ),
            OrgUnit(
                "c",
                "丙",
                "party_committee",
                series="党群部门",
                groupings={"纪检联系片": "第二片"},
            ),
            OrgUnit("d", "丁", "party_committee", series="党群部门"),
        ]
    )

    def test_rankings_by_any_grouping(self):
        """rank_within and assess_outcomes rank by each grouping of the tree."""
        cards = scorecards({"a": 90, "b": 70, "c": 80, "d": 60})
        tables = rank_within(cards, self.tree, by="纪检联系片")
        assert {k: t.unit_ids for k, t in tables.items()} == {
            "第一片": ("a",),
            "第二片": ("c", "b"),
            "未分纪检联系片": ("d",),
        }
        assert tables["第二片"].scope == "纪检联系片：第二片"
        outcomes = assess_outcomes(cards, self.tree)
        assert outcomes.groupings["纪检联系片"]["第二片"].unit_ids == ("c", "b")

    def test_an_unknown_grouping_is_named_with_the_known_ones(self):
        """A typo in a grouping name is an error listing what the tree has."""
        with pytest.raises(InvalidValueError) as info:
            rank_within(scorecards({"a": 90}), self.tree, by="纪检片")
        assert info.value.value == "纪检片"
        assert "known: series, liaison_group, all, 纪检联系片" in info.value.message


class TestProperties:
    @given(office_seasons(), st.integers(0, 3))
    def test_the_bottom_list_holds_every_unit_tied_at_its_last_place(
        self, season, places
    ):
        """Any unit without a veto tied with a unit at the bottom of its group is at the bottom too."""
        tree, cards = season
        bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=places)))
        tables = rank_within(cards, tree)
        for table in tables.values():
            listed = [e for e in table if e.unit_id in bottom and not e.disqualified]
            for entry in table:
                if not entry.disqualified and any(entry.ties(e) for e in listed):
                    assert entry.unit_id in bottom

    @given(office_seasons(), st.integers(0, 3))
    def test_no_vetoed_unit_takes_a_quota_place_by_default(self, season, places):
        """The units without a veto at the bottom are those of the same season without its vetoed units."""
        tree, cards = season
        policy = BottomPolicy(Quota(count=places))
        with_vetoed = bottom_list(cards, tree, policy)
        clean = [c for c in cards if not c.disqualified]
        without = bottom_list(clean, tree, policy)
        vetoed = {c.unit_id for c in cards if c.disqualified}
        assert set(with_vetoed.unit_ids) - vetoed == set(without.unit_ids)
        assert vetoed <= set(with_vetoed.unit_ids)

    @given(office_seasons(rubrics=("zf", "cz", "qz")), st.booleans())
    def test_a_unit_is_ranked_only_against_comparable_rubrics(self, season, declare):
        """Split groups hold one rubric (or one declared set); refused groups raise."""
        tree, cards = season
        comparable = [{"zf", "cz"}] if declare else []
        split = RankingPolicy(mixed_rubrics="split", comparable=comparable)
        for table in rank_within(cards, tree, split).values():
            members = [c for c in cards if c.unit_id in table]
            assert len({split.rubric_group(c) for c in members}) == 1
            assert len({c.max_total for c in members}) == 1
        refuse = RankingPolicy(comparable=comparable)
        groups = {
            name: [c for c in cards if c.unit_id in {u.id for u in units}]
            for name, units in tree.by_series().items()
            if name is not None
        }
        mixed = any(
            len({refuse.rubric_group(c) for c in g}) > 1 for g in groups.values()
        )
        if mixed:
            with pytest.raises(ValidationError):
                comparable_groups(groups, refuse, by="series")
        else:
            assert comparable_groups(groups, refuse, by="series") == groups

    @given(office_seasons(), st.sampled_from(["competition", "dense", "ordinal"]))
    def test_published_ranking_never_puts_a_higher_shown_total_below(
        self, season, ties
    ):
        """Among units of equal veto status, a higher published total is never ranked lower."""
        tree, cards = season
        for table in rank_within(cards, tree, RankingPolicy(ties=ties)).values():
            for hi in table:
                for lo in table:
                    if hi.disqualified == lo.disqualified and hi.shown > lo.shown:
                        assert hi.position < lo.position
                        assert hi.rank < lo.rank
                    if ties != "ordinal" and hi.ties(lo):
                        assert hi.rank == lo.rank
            assert all("/" not in e.reason for e in table)


def test_assess_outcomes_applies_grade_gates_and_overrides():
    """The season call passes accountability and honours to the grading policy."""
    from datetime import date

    from pbcheck.outcomes.grading import (
        GradeGate,
        GradeOverride,
        GradingPolicy,
        Honour,
        HonourLevel,
    )
    from pbcheck.outcomes.selection import AccountabilityRecord

    tree = org_tree({"党群部门": ["a", "b", "c"]})
    grading = GradingPolicy(
        GradingPolicy.standard().tiers,
        gates=[
            GradeGate(
                "criticism",
                "较好",
                kinds=["circulated_criticism"],
                basis="受到通报批评的单位不得评为“好”",
            )
        ],
        overrides=[
            GradeOverride(
                "central",
                "好",
                levels=[HonourLevel.CENTRAL],
                basis="获中央表彰的直接评为“好”",
            )
        ],
    )
    outcomes = assess_outcomes(
        scorecards({"a": 95, "b": 70, "c": 85}),
        tree,
        OutcomePolicy(grading=grading),
        accountability=[
            AccountabilityRecord("a", "circulated_criticism", date(2026, 3, 9))
        ],
        honours=[
            Honour("b", HonourLevel.CENTRAL, "全国先进基层党组织", date(2026, 6, 28))
        ],
    )
    assert outcomes.grades.of("a").label == "较好"
    assert outcomes.grades.of("a").gate == "criticism"
    assert outcomes.grades.of("b").label == "好"
    assert outcomes.grades.of("b").override == "central"
