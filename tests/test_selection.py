"""Commendation and bottom lists, and the eligibility gates."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle
from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.rating import BallotCount, UnitBallots, tally_all
from pbcheck.outcomes.selection import (
    AccountabilityKind,
    AccountabilityRecord,
    BottomPolicy,
    CommendationPolicy,
    bottom_list,
    commendation_list,
)
from pbcheck.testing._outcomes import seasons

CYCLE = AssessmentCycle.cross_year(2025)  # 2025-05-01 — 2026-04-30


class TestGoldenRules:
    def test_bottom_units_lose_eligibility(self):
        """Nanping: "对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格".

        (南平市，关于进一步完善机关党建工作责任制的思考.)  With a quota
        large enough to reach it, the bottom unit is still not commended.
        """
        tree = org_tree({"政府工作部门": ["a", "b", "c"]})
        cards = scorecards({"a": 95, "b": 92, "c": 91})
        bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=1)))
        chosen = commendation_list(
            cards, tree, CommendationPolicy(Quota(count=3)), bottom=bottom
        )
        assert bottom.unit_ids == ("c",)
        assert chosen.unit_ids == ("a", "b")
        decision = chosen.of("c")
        assert decision.status == "ineligible"
        assert "取消该党组织和单位领导评先评优资格" in decision.reason


class TestPolicies:
    def test_each_threshold_names_its_own_field(self):
        """min_score and min_rating are told apart; ``below`` names itself."""
        with pytest.raises(InvalidValueError) as info:
            CommendationPolicy(Quota(count=1), min_rating="高")
        assert info.value.steps == ("policy", "min_rating")
        with pytest.raises(InvalidValueError) as info:
            CommendationPolicy(Quota(count=1), min_score="八十")
        assert info.value.steps == ("policy", "min_score")
        with pytest.raises(InvalidValueError) as info:
            BottomPolicy(below="x")
        assert info.value.steps == ("policy", "below")


class TestBottom:
    def test_each_series_has_its_own_quota(self):
        """Bottom 1 in one series, bottom 2 in another."""
        tree = org_tree({"政府工作部门": list("abcd"), "党群部门": list("efgh")})
        cards = scorecards(
            dict(zip("abcdefgh", [90, 80, 70, 60, 90, 80, 70, 60], strict=True))
        )
        policy = BottomPolicy(Quota(count=1), per_series={"党群部门": Quota(count=2)})
        assert bottom_list(cards, tree, policy).unit_ids == ("d", "g", "h")

    def test_ties_at_the_cut_off_are_included_or_spared(self):
        """Included by default; spared on request (never more than the quota).

        The default changed on purpose (issue 14 §4: "Units tied at the last
        bottom place are all named"); ``ties="spare"`` keeps the old rule.
        """
        tree = org_tree({"政府工作部门": list("abc")})
        cards = scorecards({"a": 90, "b": 60, "c": 60})
        both = bottom_list(cards, tree, BottomPolicy(Quota(count=1)))
        assert both.unit_ids == ("b", "c")
        assert "一并列入" in both.of("b").reason
        spared = bottom_list(cards, tree, BottomPolicy(Quota(count=1), ties="spare"))
        assert spared.unit_ids == ()

    def test_below_a_score_and_vetoes(self):
        """Every unit below the line, and every vetoed unit, is at the bottom."""
        cards = scorecards({"a": 95, "b": 59, "c": 99}, vetoed={"c"})
        bottom = bottom_list(cards, None, BottomPolicy(below=60))
        assert set(bottom.unit_ids) == {"b", "c"}
        assert bottom.of("c").reason.endswith(
            "一票否决（按否决事项处理，不占后位名额）"
        )
        spared = bottom_list(cards, None, BottomPolicy(below=60, vetoed=False))
        assert spared.unit_ids == ("b",)

    def test_share_rounds_down(self):
        """Bottom 10% of 9 units is nobody."""
        cards = scorecards({f"u{n}": 50 + n for n in range(9)})
        assert bottom_list(cards, None, BottomPolicy(Quota(share="0.1"))).unit_ids == ()


class TestGates:
    def test_veto(self):
        """A vetoed unit is ineligible, however high it scored."""
        chosen = commendation_list(
            scorecards({"a": 99, "b": 80}, vetoed={"a"}),
            None,
            CommendationPolicy(Quota(count=1)),
        )
        assert chosen.unit_ids == ("b",)
        assert chosen.of("a").gates[0].status == "fail"

    def test_min_score(self):
        """Below the minimum score: ineligible, so nobody is commended."""
        chosen = commendation_list(
            scorecards({"a": 84}),
            None,
            CommendationPolicy(Quota(count=1), min_score=85),
        )
        assert chosen.unit_ids == ()
        assert "低于评先最低分 85" in chosen.of("a").reason

    def test_accountability_severity_and_period(self):
        """诫勉 within the period blocks; lighter or earlier does not; pending holds."""
        cards = scorecards({"a": 95, "b": 94, "c": 93, "d": 92})
        records = [
            AccountabilityRecord(
                "a", AccountabilityKind.ADMONISHMENT, date(2025, 10, 8)
            ),
            AccountabilityRecord("b", AccountabilityKind.REMINDER, date(2025, 10, 8)),
            AccountabilityRecord("c", AccountabilityKind.DISCIPLINE, date(2024, 10, 8)),
            AccountabilityRecord("d", "discipline", date(2026, 3, 1), pending=True),
        ]
        chosen = commendation_list(
            cards,
            None,
            CommendationPolicy(Quota(count=4)),
            accountability=records,
            cycle=CYCLE,
        )
        assert [chosen.of(u).status for u in "abcd"] == [
            "ineligible",
            "eligible",
            "eligible",
            "held",
        ]
        assert chosen.unit_ids == ("b", "c")
        assert "不占名额" in chosen.of("d").reason

    def test_records_must_name_scored_units(self):
        """A record about an unknown unit is an error, not ignored."""
        with pytest.raises(ValidationError):
            commendation_list(
                scorecards({"a": 90}),
                None,
                CommendationPolicy(Quota(count=1)),
                accountability=[
                    AccountabilityRecord("zz", "admonishment", date(2025, 9, 1))
                ],
            )

    def test_democratic_rating_gate(self):
        """Low, flagged, missing and non-quorate ratings; separate from the score."""
        ratings = tally_all(
            [
                UnitBallots("a", [BallotCount(10, 10, 10, {"好": 9, "一般": 1})]),
                UnitBallots("b", [BallotCount(10, 10, 10, {"好": 5, "一般": 5})]),
                UnitBallots("c", [BallotCount(10, 10, 10, {"好": 6, "差": 4})]),
                UnitBallots("d", [BallotCount(10, 10, 5, {"好": 5})]),
            ]
        )
        cards = scorecards({"a": 90, "b": 91, "c": 92, "d": 93, "e": 94})
        policy = CommendationPolicy(Quota(count=5), min_rating="0.8")
        chosen = commendation_list(cards, None, policy, ratings=ratings)
        assert chosen.unit_ids == ("a",)
        assert [chosen.of(u).status for u in "bcde"] == [
            "ineligible",
            "ineligible",
            "held",
            "held",
        ]
        assert "好及较好率 50% 低于要求 80%" in chosen.of("b").reason
        assert "缺少民主测评结果" in chosen.of("e").reason

    def test_selection_quota_per_series_and_ties(self):
        """Top 1 per series; units tied at the cut-off all drop."""
        tree = org_tree({"政府工作部门": list("abc"), "党群部门": list("def")})
        cards = scorecards({"a": 95, "b": 95, "c": 80, "d": 90, "e": 85, "f": 80})
        chosen = commendation_list(cards, tree, CommendationPolicy(Quota(count=1)))
        assert chosen.unit_ids == ("d",)
        assert "同分" in chosen.of("a").reason


class TestProperties:
    @given(
        seasons(max_units=10),
        st.integers(0, 3),
        st.integers(0, 2),
        st.sampled_from(["spare", "include"]),
    )
    def test_no_vetoed_or_bottom_unit_is_commended_and_quotas_hold(
        self, season, places, bottom_places, ties
    ):
        """Vetoed and bottom units are never commended; no series exceeds its quota."""
        tree, cards = season
        bottom = bottom_list(
            cards, tree, BottomPolicy(Quota(count=bottom_places), ties=ties)
        )
        chosen = commendation_list(
            cards, tree, CommendationPolicy(Quota(count=places)), bottom=bottom
        )
        vetoed = {c.unit_id for c in cards if c.disqualified}
        assert not vetoed & set(chosen.unit_ids)
        assert not set(bottom.unit_ids) & set(chosen.unit_ids)
        for series, units in tree.by_series().items():
            if series is None:
                continue
            members = {u.id for u in units}
            assert len(members & set(chosen.unit_ids)) <= places
            if ties == "spare":
                clean = members & set(bottom.unit_ids) - vetoed
                assert len(clean) <= bottom_places
