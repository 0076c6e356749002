"""Grade gates and overrides (等次限制与直接评定), issue 14 §5, and grades on the published total (§3)."""

from datetime import date

import attrs
import pytest
from hypothesis import given

from pbcheck.errors import Id, InvalidTypeError, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.outcomes.grading import (
    GradeGate,
    GradeOverride,
    GradeTier,
    GradingPolicy,
    Honour,
    HonourLevel,
    grade,
)
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.selection import AccountabilityKind, AccountabilityRecord
from pbcheck.testing._grades import grade_cases, grading_policies

CRITICISM_RULE = "被问责、受到通报批评的单位不得评为“好”"
HONOUR_RULE = "获中央表彰的直接评为“好”"

#: "被问责、受到通报批评的单位不得评为'好'" — every kind of accountability.
CRITICISM = GradeGate(
    "accountability",
    "较好",
    kinds=list(AccountabilityKind),
    basis=CRITICISM_RULE,
    source="本细则第十二条",
)
#: "获中央表彰的直接评为'好'".
CENTRAL = GradeOverride(
    "central_honour",
    "好",
    levels=[HonourLevel.CENTRAL],
    basis=HONOUR_RULE,
    source="本细则第十三条",
)


def policy(*, share=None, gates=(CRITICISM,), overrides=(CENTRAL,), **extra):
    return GradingPolicy(
        [
            GradeTier("好", 90, None if share is None else Quota(share=share)),
            GradeTier("较好", 80),
            GradeTier("一般", 60),
            GradeTier("差"),
        ],
        gates=gates,
        overrides=overrides,
        **extra,
    )


def criticised(unit_id, on=date(2026, 3, 9), kind="circulated_criticism", **extra):
    return AccountabilityRecord(unit_id, kind, on, **extra)


def honoured(unit_id, level="central", on=date(2025, 7, 1)):
    return Honour(unit_id, level, "全国先进基层党组织", on, evidence="中发〔2025〕1号")


def grades_of(cases_policy, case):
    return grade(
        case.cards,
        cases_policy,
        tree=case.tree,
        accountability=case.accountability,
        honours=case.honours,
        facts=case.facts,
    )


class TestGates:
    def test_circulated_criticism_caps_the_grade_at_good_enough(self):
        """Golden: "被问责、受到通报批评的单位不得评为'好'".

        93.50 reaches 好, but a 通报批评 in March 2026 caps it at 较好; the
        reason quotes the rule as the rubric's own and says which value decided.
        """
        grades = grade(
            scorecards({"a": "93.5"}), policy(), accountability=[criticised("a")]
        )
        result = grades.of("a")
        assert (result.label, result.by_score, result.gate) == (
            "较好",
            "好",
            "accountability",
        )
        assert result.reason == (
            "公布分 93.50 达到“好”等次线 90，但2026年3月受到通报批评，按本细则第十二条"
            f"（{CRITICISM_RULE}）不得评为“好”；达到“较好”等次线 80，评为“较好”"
        )
        assert "有关规定" not in result.reason

    def test_a_gate_never_raises_a_grade(self):
        """A capped unit that scored below the cap keeps its own grade, gate unused."""
        result = grade(
            scorecards({"a": 70}), policy(), accountability=[criticised("a")]
        ).of("a")
        assert (result.label, result.gate) == ("一般", None)

    def test_a_capped_unit_takes_no_quota_place(self):
        """The one 好 place (5 × 20%) goes to the best unit the gate does not cap."""
        tree = org_tree({"政府工作部门": list("abcde")})
        cards = scorecards({"a": 98, "b": 95, "c": 85, "d": 80, "e": 70})
        grades = grade(
            cards, policy(share="0.2"), tree=tree, accountability=[criticised("a")]
        )
        assert [grades.of(u).label for u in "ab"] == ["较好", "好"]

    def test_pending_and_out_of_cycle_records_apply_no_gate(self):
        """A pending case is not decided; a record outside the cycle is another year's."""
        cycle = AssessmentCycle.cross_year(2025)
        records = [
            criticised("a", pending=True),
            criticised("b", on=date(2024, 6, 1)),
        ]
        grades = grade(
            scorecards({"a": 95, "b": 95}),
            policy(),
            accountability=records,
            cycle=cycle,
        )
        assert [grades.of(u).label for u in "ab"] == ["好", "好"]

    def test_a_fact_supplied_by_the_caller_applies_a_gate(self):
        """A gate on a fact (e.g. a serious incident) applies when the caller states it."""
        incident = GradeGate(
            "incident",
            "一般",
            facts=["发生重大安全责任事故"],
            basis="发生重大安全责任事故的不得评为“好”“较好”",
        )
        result = grade(
            scorecards({"a": 95}),
            policy(gates=[incident]),
            facts={"a": ["发生重大安全责任事故"]},
        ).of("a")
        assert (result.label, result.gate) == ("一般", "incident")
        assert "不得评为“好”、“较好”" in result.reason

    def test_the_strictest_gate_wins(self):
        """Two gates apply: the lower cap decides, and is the one named."""
        strict = GradeGate(
            "strict", "一般", kinds=["admonishment"], basis="诫勉的不得评为“较好”及以上"
        )
        records = [criticised("a"), criticised("a", kind="admonishment")]
        result = grade(
            scorecards({"a": 95}),
            policy(gates=[CRITICISM, strict]),
            accountability=records,
        ).of("a")
        assert (result.label, result.gate) == ("一般", "strict")


class TestOverrides:
    def test_a_central_honour_sets_the_grade(self):
        """Golden: "获中央表彰的直接评为'好'" — 85 becomes 好, and the reason says why."""
        result = grade(scorecards({"a": 85}), policy(), honours=[honoured("a")]).of("a")
        assert (result.label, result.by_score, result.override) == (
            "好",
            "较好",
            "central_honour",
        )
        assert result.reason == (
            "公布分 85.00；2025年7月获中央表彰“全国先进基层党组织”，按本细则第十三条"
            f"（{HONOUR_RULE}）直接评为“好”，评为“好”"
        )

    def test_a_lower_honour_does_not_apply(self):
        """A provincial honour is not a central one."""
        result = grade(
            scorecards({"a": 85}), policy(), honours=[honoured("a", "provincial")]
        ).of("a")
        assert (result.label, result.override) == ("较好", None)

    def test_a_veto_beats_an_override(self):
        """A vetoed unit gets the lowest grade whatever its honours."""
        result = grade(
            scorecards({"a": 95}, vetoed={"a"}), policy(), honours=[honoured("a")]
        ).of("a")
        assert result.label == "差"
        assert "一票否决" in result.reason

    def test_a_gate_caps_an_override_by_default(self):
        """Honoured and criticised: the prohibition stands ("不得评为" is not lifted)."""
        result = grade(
            scorecards({"a": 85}),
            policy(),
            honours=[honoured("a")],
            accountability=[criticised("a")],
        ).of("a")
        assert (result.label, result.gate, result.override) == (
            "较好",
            "accountability",
            "central_honour",
        )
        assert "不得评为“好”" in result.reason

    def test_an_override_can_be_declared_to_beat_a_gate(self):
        """override_beats_gate=True: the honour's grade stands, the gate is noted."""
        result = grade(
            scorecards({"a": 85}),
            policy(override_beats_gate=True),
            honours=[honoured("a")],
            accountability=[criticised("a")],
        ).of("a")
        assert (result.label, result.gate) == ("好", None)
        assert "直接评定优先" in result.reason

    def test_an_override_uses_a_quota_place_unless_declared_not_to(self):
        """With takes_quota the honoured unit fills the one 好 place; without, it does not."""
        tree = org_tree({"政府工作部门": list("abcde")})
        cards = scorecards({"a": 85, "b": 95, "c": 80, "d": 80, "e": 70})
        taking = grade(cards, policy(share="0.2"), tree=tree, honours=[honoured("a")])
        assert [taking.of(u).label for u in "ab"] == ["好", "较好"]
        assert "名额 1 个" in taking.of("b").reason
        free = policy(share="0.2", overrides=[attrs.evolve(CENTRAL, takes_quota=False)])
        outside = grade(cards, free, tree=tree, honours=[honoured("a")])
        assert [outside.of(u).label for u in "ab"] == ["好", "好"]


class TestValidation:
    def test_rules_name_grades_of_the_policy(self):
        """A gate or override naming an unknown grade, or a repeated key, is refused by place."""
        with pytest.raises(ValidationError) as info:
            policy(
                gates=[
                    GradeGate("g", "优秀", facts=["x"]),
                    GradeGate("g", "较好", facts=["x"]),
                ],
                overrides=[GradeOverride("o", "特优", facts=["y"])],
            )
        assert [p.steps for p in info.value.problems] == [
            ("policy", "gates", Id("g"), "highest"),
            ("policy", "gates", 1, "key"),
            ("policy", "overrides", Id("o"), "grade"),
        ]

    def test_a_rule_needs_a_condition(self):
        """A gate with neither kinds nor facts would never apply: refused."""
        with pytest.raises(ValidationError) as info:
            GradeGate("g", "较好")
        assert info.value.problems[0].steps == ("gate", Id("g"), "facts")

    def test_records_must_name_graded_units(self):
        """A record, honour or fact for a unit not graded is named by its place."""
        with pytest.raises(ValidationError) as info:
            grade(
                scorecards({"a": 90}),
                policy(),
                accountability=[criticised("zz")],
                honours=[honoured("yy")],
                facts={"xx": ["重大事故"]},
            )
        assert [p.steps for p in info.value.problems] == [
            ("accountability", 0, "unit_id"),
            ("honours", 0, "unit_id"),
            ("facts", "xx"),
        ]

    def test_an_honour_names_its_field(self):
        """A bad honour level or date is refused with the field and value."""
        with pytest.raises(ValueError, match="'regional' is not a valid HonourLevel"):
            Honour("a", "regional", "t", date(2025, 1, 1))
        with pytest.raises(InvalidTypeError) as info:
            Honour("a", "central", "t", "2025-01-01")  # type: ignore[arg-type]
        assert info.value.steps == ("honour", "awarded_on")


class TestProperties:
    @given(grade_cases())
    def test_gates_never_raise_a_grade(self, case):
        """A unit a gate caps is graded no better than without the policy's gates."""
        with_gates = grades_of(case.policy, case)
        without = grades_of(attrs.evolve(case.policy, gates=()), case)
        for result in with_gates:
            if result.gate is not None:
                assert result.level >= without.of(result.unit_id).level
                gate = next(g for g in case.policy.gates if g.key == result.gate)
                assert result.level >= case.policy.level(gate.highest)

    @given(grade_cases())
    def test_every_unit_gets_exactly_one_grade(self, case):
        """Gates and overrides never lose or repeat a unit."""
        grades = grades_of(case.policy, case)
        assert sorted(g.unit_id for g in grades) == sorted(
            c.unit_id for c in case.cards
        )

    @given(grade_cases())
    def test_overrides_set_exactly_their_grade_unless_vetoed_or_gated(self, case):
        """An override's grade stands, except a veto (lowest) or a gate that wins (its cap)."""
        grades = grades_of(case.policy, case)
        for result in grades:
            if result.override is None:
                continue
            card = next(c for c in case.cards if c.unit_id == result.unit_id)
            assert not card.disqualified
            declared = case.policy.level(case.policy.overrides[0].grade)
            if result.gate is None:
                assert result.level == declared
            else:
                assert not case.policy.override_beats_gate
                assert result.level > declared

    @given(grade_cases())
    def test_vetoed_units_get_the_lowest_grade(self, case):
        """A veto beats every gate and override."""
        grades = grades_of(case.policy, case)
        for card in case.cards:
            if card.disqualified:
                assert grades.of(card.unit_id).level == len(case.policy.tiers) - 1

    @given(grade_cases(quotas=False))
    def test_a_published_total_that_reaches_a_band_is_never_graded_below_it(self, case):
        """Without quotas, gates, overrides or a veto, the shown total decides the grade.

        Issue 14 §3: a unit shown as 90.00 is never graded below a 90 band.
        """
        plain = attrs.evolve(case.policy, basis="rounded", gates=(), overrides=())
        grades = grade(case.cards, plain, tree=case.tree)
        for card in case.cards:
            if card.disqualified:
                continue
            shown = card.rounded_total
            expected = next(
                level
                for level, tier in enumerate(plain.tiers)
                if tier.min_score is None or shown >= tier.min_score
            )
            assert grades.of(card.unit_id).level == expected

    @given(grading_policies(rules=False))
    def test_without_rules_the_grade_is_unchanged_by_records(self, drawn):
        """Records and honours change nothing when the policy has no gate or override."""
        cards = scorecards({"a": 95, "b": 85})
        alone = grade(cards, drawn)
        recorded = grade(
            cards, drawn, accountability=[criticised("a")], honours=[honoured("b")]
        )
        assert [g.label for g in alone] == [g.label for g in recorded]
