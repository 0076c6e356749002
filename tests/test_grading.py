"""Grades (等次) by thresholds and quotas."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import Id, ValidationError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.io.interchange import Results, dumps, loads
from pbcheck.outcomes.grading import EXCELLENT_LABELS, GradeTier, GradingPolicy, grade
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.testing._outcomes import seasons


def quota_policy(share="0.2", basis="exact"):
    return GradingPolicy(
        [
            GradeTier("好", 90, Quota(share=share)),
            GradeTier("较好", 80),
            GradeTier("一般", 60),
            GradeTier("差"),
        ],
        basis=basis,
    )


class TestThresholds:
    def test_lower_bounds_are_inclusive(self):
        """A score exactly on a threshold reaches it; 59.99 does not reach 60."""
        cards = scorecards({"a": 90, "b": "89.99", "c": 60, "d": "59.99"})
        grades = grade(cards, GradingPolicy.standard())
        assert [g.label for g in grades] == ["好", "较好", "一般", "差"]
        assert grades.of("d").reason == "公布分 59.99 未达到“一般”等次线 60，评为“差”"

    def test_exact_versus_rounded_basis(self):
        """89.996 shows as 90.00: the published basis (default) grades 好, exact 较好."""
        cards = scorecards({"a": "89.996"})
        published = grade(cards, GradingPolicy.standard()).of("a")
        assert published.label == "好"
        assert published.reason == "公布分 90.00 达到“好”等次线 90，评为“好”"
        exact = GradingPolicy(GradingPolicy.standard().tiers, basis="exact")
        assert grade(cards, exact).of("a").label == "较好"

    def test_the_default_basis_is_the_published_total(self):
        """GradingPolicy and from_ranges default to the published (rounded) total."""
        assert GradingPolicy.standard().basis == "rounded"
        ranges = GradingPolicy.from_ranges([("好", 90, 100), ("差", 0, 90)])
        assert ranges.basis == "rounded"

    def test_an_exact_reason_agrees_with_the_published_total(self):
        """On the exact basis a published 90.00 graded 较好 says why, in decimals.

        Issue 14 §3: "reasons always say which value decided and never
        contradict what is shown" — no fraction is printed.
        """
        cards = scorecards({"a": "89.996", "b": "85.3333333333333"})
        grades = grade(
            cards, GradingPolicy(GradingPolicy.standard().tiers, basis="exact")
        )
        assert grades.of("a").reason == (
            "总分 89.996（公布为 90.00），按未经四舍五入的总分未达到“好”等次线 90；"
            "达到“较好”等次线 80，评为“较好”"
        )
        assert grades.of("b").reason == (
            "总分 85.333333…（公布为 85.33），达到“较好”等次线 80，评为“较好”"
        )
        assert "/" not in grades.of("b").reason

    def test_labels_are_data(self):
        """Any labels work, e.g. 优秀 / 良好 / 合格 / 不合格."""
        policy = GradingPolicy(
            [
                GradeTier(EXCELLENT_LABELS[0], 95),
                GradeTier(EXCELLENT_LABELS[1], 85),
                GradeTier(EXCELLENT_LABELS[2], 60),
                GradeTier(EXCELLENT_LABELS[3]),
            ]
        )
        assert grade(scorecards({"a": 96}), policy).of("a").label == "优秀"


class TestValidation:
    def test_the_last_tier_must_catch_every_score(self):
        """A threshold or quota on the last tier would leave scores ungraded."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy([GradeTier("好", 90), GradeTier("差", 60, Quota(count=1))])
        assert len(info.value.problems) == 2

    def test_thresholds_must_fall(self):
        """Thresholds that do not fall strictly, repeated labels, empty tiers."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy([GradeTier("好", 80), GradeTier("好", 90), GradeTier("差")])
        messages = [p.message for p in info.value.problems]
        assert any("below the threshold" in m for m in messages)
        assert any("used twice" in m for m in messages)
        with pytest.raises(ValidationError):
            GradingPolicy([])
        with pytest.raises(ValidationError):
            GradingPolicy([GradeTier("好"), GradeTier("差")])

    def test_a_repeated_label_is_named_by_its_position(self):
        """The repeat is ``policy.tiers[1]``: ``policy.tiers[好]`` names the first."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy([GradeTier("好", 90), GradeTier("好", 80), GradeTier("差")])
        (problem,) = info.value.problems
        assert problem.steps == ("policy", "tiers", 1, "label")

    def test_a_repeated_label_in_a_results_document_is_found_there(self):
        """Loaded from a file, the repeated tier is the one named, not the first."""
        policy = OutcomePolicy(
            grading=GradingPolicy(
                [GradeTier("好", 90), GradeTier("较好", 80), GradeTier("差")]
            )
        )
        season = Results.compute(
            example_rubrics(), example_tree(), example_cycle(2025),
            example_evaluations(2025)[:3], policy, partial=True,
        )  # fmt: skip
        data = json.loads(dumps(season))
        data["outcomes"]["policy"]["grading"]["tiers"][1]["label"] = "好"
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data), "results")
        assert [p.path for p in info.value.problems] == [
            "$.outcomes.policy.grading.tiers[1].label"
        ]

    def test_a_tier_names_itself(self):
        """A tier's own problem names it by its label: ``tier[好].quota``."""
        with pytest.raises(ValidationError) as info:
            GradeTier("好", 90, quota=3)  # type: ignore[arg-type]
        assert info.value.problems[0].steps == ("tier", Id("好"), "quota")

    def test_ranges_with_a_gap_are_rejected(self):
        """96–100 / 76–95 leaves 95.5 nowhere: rejected at construction."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy.from_ranges(
                [("好", 96, 100), ("较好", 76, 95), ("一般", 60, 75), ("差", 0, 60)]
            )
        assert [p.path for p in info.value.problems] == [
            "policy.ranges[较好].high",
            "policy.ranges[一般].high",
        ]

    def test_a_range_is_named_by_a_label_only_where_it_names_that_range(self):
        """A label is quoted where it could be misread; a repeated one gives way to its position."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy.from_ranges(
                [("A.1", 90, 100), ("A.1", 70, 80), ("C", 10, 0), ("D", "x", 10)]
            )
        assert [p.steps for p in info.value.problems] == [
            ("policy", "ranges", 3, "low"),
            ("policy", "ranges", Id("C"), "low"),
            ("policy", "ranges", 1, "high"),
            ("policy", "ranges", Id("C"), "high"),
        ]
        with pytest.raises(ValidationError) as info:
            GradingPolicy.from_ranges([("A.1", 95, 100), ("B", 0, 90)])
        assert info.value.problems[0].path == "policy.ranges[B].high"
        with pytest.raises(ValidationError) as info:
            GradingPolicy.from_ranges([("A", 95, 100), ("B.1", 0, 90)])
        assert info.value.problems[0].path == "policy.ranges['B.1'].high"

    def test_overlapping_ranges_are_rejected(self):
        """Overlaps give two grades to one score."""
        with pytest.raises(ValidationError) as info:
            GradingPolicy.from_ranges([("好", 90, 100), ("差", 0, 91)])
        assert "two grades" in info.value.problems[0].message

    def test_contiguous_ranges_give_the_boundary_to_the_upper_grade(self):
        """80–90 / 90–100: exactly 90 is the upper grade; 95.5 has a grade."""
        policy = GradingPolicy.from_ranges(
            [("好", 90, 100), ("较好", 80, 90), ("差", 0, 80)]
        )
        grades = grade(scorecards({"a": 90, "b": "89.5", "c": "95.5"}), policy)
        assert [(g.unit_id, g.label) for g in grades] == [
            ("c", "好"),
            ("a", "好"),
            ("b", "较好"),
        ]


class TestQuotas:
    def test_quota_rounds_down_per_series(self):
        """20% of 4 units is 0: nobody in that series gets 好."""
        tree = org_tree(
            {"政府工作部门": ["a", "b", "c", "d", "e"], "党群部门": list("fghi")}
        )
        totals = dict.fromkeys("abcdefghi", 85) | {"a": 95, "f": 99}
        grades = grade(scorecards(totals), quota_policy(), tree=tree)
        assert grades.of("a").label == "好"
        assert grades.of("f").label == "较好"
        assert "4 个单位 × 20%" in grades.of("f").reason

    def test_ties_at_the_cut_off_all_drop(self):
        """Two units tied at the last 好 place both drop to 较好."""
        tree = org_tree({"政府工作部门": list("abcdefghij")})
        totals = dict.fromkeys("abcdefghij", 70) | {"a": 98, "b": 95, "c": 95}
        grades = grade(scorecards(totals), quota_policy(), tree=tree)
        assert [grades.of(u).label for u in "abc"] == ["好", "较好", "较好"]
        assert "同分" in grades.of("b").reason
        assert grades.counts()["好"] == 1

    def test_quota_only_tier(self):
        """A tier without a threshold is given by rank alone."""
        policy = GradingPolicy(
            [GradeTier("优秀", quota=Quota(count=1)), GradeTier("合格")]
        )
        grades = grade(scorecards({"a": 50, "b": 40}), policy)
        assert [g.label for g in grades] == ["优秀", "合格"]

    def test_veto_forces_the_lowest_grade_and_takes_no_quota(self):
        """A vetoed 99 is 差; the 95 behind it still gets the one 好 place."""
        tree = org_tree({"政府工作部门": list("abcde")})
        cards = scorecards({"a": 99, "b": 95, "c": 80, "d": 80, "e": 80}, vetoed={"a"})
        grades = grade(cards, quota_policy(), tree=tree)
        assert grades.of("a").label == "差"
        assert grades.of("a").by_score == "好"
        assert "一票否决" in grades.of("a").reason
        assert grades.of("b").label == "好"


class TestProperties:
    @given(seasons(max_units=12), st.sampled_from(["0", "0.2", "0.34", "0.5", "1"]))
    def test_quotas_are_never_exceeded(self, season, share):
        """Per series, the 好 tier never holds more than floor(share × n) units."""
        tree, cards = season
        grades = grade(cards, quota_policy(share), tree=tree)
        for series, units in tree.by_series().items():
            if series is None:
                continue
            members = {u.id for u in units}
            top = [g for g in grades if g.unit_id in members and g.label == "好"]
            assert len(top) <= Quota(share=share).limit(len(members))

    @given(seasons(), st.sampled_from(["exact", "rounded"]))
    def test_every_unit_has_exactly_one_grade_and_vetoes_are_lowest(
        self, season, basis
    ):
        """Each scored unit is graded once; every vetoed unit is 差."""
        tree, cards = season
        grades = grade(cards, quota_policy(basis=basis), tree=tree)
        assert sorted(g.unit_id for g in grades) == sorted(c.unit_id for c in cards)
        for card in cards:
            if card.disqualified:
                assert grades.of(card.unit_id).label == "差"
