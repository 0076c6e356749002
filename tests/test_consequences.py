"""Consequence rules (考评结果运用), issue 14 §6: grade, veto, bottom place and streaks."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle
from pbcheck.errors import ValidationError
from pbcheck.outcomes.consequences import (
    DEFAULT_CONSEQUENCE_RULES,
    SEED_SOURCE,
    ConsequenceRule,
    OnBottom,
    OnGrade,
    OnVeto,
    Streak,
    consequences,
)
from pbcheck.outcomes.history import (
    CycleResult,
    EscalationPolicy,
    EscalationStep,
    History,
    UnitResult,
    escalations,
)
from pbcheck.testing._outcomes import bottom_matrices

C = {year: AssessmentCycle.cross_year(year) for year in range(2020, 2030)}

#: Issue 14 §6: "差 → 约谈 and a written 整改报告 within one month, the same year".
POOR_RULE = (
    "考评等次为“差”的，由机关工委进行约谈，被约谈单位须在一个月内提交书面整改报告"
)
POOR = ConsequenceRule(
    "poor_grade",
    OnGrade(["差"]),
    [
        EscalationStep("talk", "约谈", "机关工委", days=30),
        EscalationStep("report", "提交书面整改报告", "被约谈单位党组织", months=1),
    ],
    basis=POOR_RULE,
    source="本细则第十五条",
)
#: "连续两年一般及以下".
WEAK_RULE = "连续两年考评等次为“一般”及以下的，由机关工委对党组织书记进行提醒谈话"
WEAK = ConsequenceRule(
    "weak_streak",
    Streak(OnGrade(["一般", "差"]), 2),
    [EscalationStep("reminder", "提醒谈话", "机关工委", days=30)],
    basis=WEAK_RULE,
)


def cycle(year, *units):
    return CycleResult(C[year], units)


class TestGoldenRules:
    def test_a_poor_grade_brings_a_talk_and_a_written_report_within_a_month(self):
        """Golden: "差 → 约谈 and a written 整改报告 within one month, the same year".

        Results of 2025–2026 are announced 2026-06-15; the report is due one
        calendar month later, 2026-07-15, by the unit's party organisation.
        """
        history = History(
            [cycle(2025, UnitResult("czj", grade="差"), UnitResult("b", grade="好"))]
        )
        found = consequences(history, [POOR])
        assert [(c.unit_id, c.label, c.by, c.due, c.streak) for c in found] == [
            ("czj", "约谈", "机关工委", date(2026, 7, 15), 1),
            ("czj", "提交书面整改报告", "被约谈单位党组织", date(2026, 7, 15), 1),
        ]
        assert found[1].reason == (
            "czj 2025—2026年度等次为“差”，由被约谈单位党组织提交书面整改报告，"
            "考评结果公布（2026-06-15）后 1 个月内完成，即 2026-07-15 前；"
            f"依据本细则第十五条：{POOR_RULE}"
        )

    def test_two_weak_years_in_a_row(self):
        """Golden: "连续两年一般及以下" — fires in the second year, not after a break."""
        history = History(
            [
                cycle(2023, UnitResult("a", grade="一般"), UnitResult("b", grade="差")),
                cycle(2024, UnitResult("a", grade="差"), UnitResult("b", grade="较好")),
                cycle(
                    2025, UnitResult("a", grade="较好"), UnitResult("b", grade="一般")
                ),
            ]
        )
        found = consequences(history, [WEAK])
        assert [(c.unit_id, c.cycle, c.streak) for c in found] == [
            ("a", "2024—2025年度", 2)
        ]
        assert (
            "截至2024—2025年度连续 2 个考核周期等次为“一般”或“差”（达到 2 个）"
            in found[0].reason
        )

    def test_a_veto_and_a_bottom_place_are_triggers(self):
        """A veto or a bottom place in the cycle brings the rule's actions that year."""
        talk = [EscalationStep("talk", "约谈", "机关工委", days=15)]
        rules = [
            ConsequenceRule(
                "veto", OnVeto(), talk, basis="被一票否决的，约谈主要负责人"
            ),
            ConsequenceRule(
                "bottom", OnBottom(), talk, basis="处于后位的，约谈主要负责人"
            ),
        ]
        history = History(
            [
                cycle(
                    2025,
                    UnitResult("a", vetoed=True),
                    UnitResult("b", at_bottom=True),
                    UnitResult("c"),
                )
            ]
        )
        assert [(c.unit_id, c.rule) for c in consequences(history, rules)] == [
            ("a", "veto"),
            ("b", "bottom"),
        ]

    def test_the_default_is_the_seed_rule_labelled_as_pbchecks(self):
        """The defaults are only the seed's two years at the bottom, never "有关规定".

        "连续两年处于后位的，由市直工委通报批评，并向其主管部门（单位）或上级分管领导进行反馈"
        (南平市，关于进一步完善机关党建工作责任制的思考).
        """
        (rule,) = DEFAULT_CONSEQUENCE_RULES
        assert rule.source == SEED_SOURCE
        assert "连续两年处于后位" in rule.basis
        history = History(
            [cycle(y, UnitResult("a", at_bottom=True)) for y in (2024, 2025)]
        )
        found = consequences(history)
        assert [c.label for c in found] == [
            "通报批评",
            "反馈主管部门",
            "诫勉谈话",
            "限期整改",
        ]
        assert all("有关规定" not in c.reason for c in found)
        assert all(SEED_SOURCE in c.reason for c in found)

    def test_a_streak_across_rubric_versions_warns(self):
        """Two bottom places under different rubrics still count, with a warning."""
        history = History(
            [
                cycle(2024, UnitResult("a", at_bottom=True, rubric="zf 2024")),
                cycle(2025, UnitResult("a", at_bottom=True, rubric="zf 2025")),
            ]
        )
        found = consequences(history)
        assert found[0].warning == "连续期间考核细则不同（zf 2024 → zf 2025）"
        assert found[0].reason.endswith(
            "；注意：连续期间考核细则不同（zf 2024 → zf 2025）"
        )

    def test_latest_only(self):
        """latest_only keeps the current cycle's actions."""
        history = History(
            [
                cycle(2024, UnitResult("a", grade="差")),
                cycle(2025, UnitResult("a", grade="差")),
            ]
        )
        assert {c.cycle for c in consequences(history, [POOR], latest_only=True)} == {
            "2025—2026年度"
        }


class TestValidation:
    def test_a_rule_is_checked_at_construction(self):
        """An empty key, a trigger of the wrong type and no actions are all named."""
        with pytest.raises(ValidationError) as info:
            ConsequenceRule("", "差", [])  # type: ignore[arg-type]
        assert [p.steps[-1] for p in info.value.problems] == ["key", "when", "actions"]

    def test_repeated_keys_and_unknown_milestones_are_refused(self):
        """Two rules with one key; an action counted from a milestone the cycle lacks."""
        with pytest.raises(ValidationError) as info:
            consequences(
                History([cycle(2025, UnitResult("a", grade="差"))]), [POOR, POOR]
            )
        assert info.value.problems[0].steps == ("rules", 1, "key")
        odd = ConsequenceRule(
            "odd",
            OnGrade("差"),
            [EscalationStep("x", "约谈", "机关工委", milestone="nowhere")],
        )
        with pytest.raises(ValidationError) as info:
            consequences(History([cycle(2025, UnitResult("a", grade="差"))]), [odd])
        assert info.value.problems[0].steps[-1] == "milestone"

    def test_a_grade_trigger_names_a_grade(self):
        """OnGrade([]) would never apply."""
        with pytest.raises(ValueError, match="must name at least one grade"):
            OnGrade([])


class TestProperties:
    @given(bottom_matrices(), st.integers(1, 3))
    def test_escalations_are_the_bottom_streak_rule(self, matrix, length):
        """escalations(h, p) gives the same actions as the rule from_escalation(p)."""
        history = History(
            [
                CycleResult(
                    C[2020 + j],
                    [UnitResult(f"u{i}", at_bottom=b) for i, b in enumerate(row)],
                )
                for j, row in enumerate(matrix)
            ]
        )
        policy = EscalationPolicy(length=length)
        old = [
            (a.unit_id, a.cycle, a.key, a.label, a.by, a.streak, a.due)
            for a in escalations(history, policy)
        ]
        new = [
            (c.unit_id, c.cycle, c.key, c.label, c.by, c.streak, c.due)
            for c in consequences(history, [ConsequenceRule.from_escalation(policy)])
        ]
        assert new == old

    @given(
        st.lists(
            st.lists(
                st.sampled_from(["好", "较好", "一般", "差"]), min_size=2, max_size=2
            ),
            min_size=1,
            max_size=5,
        )
    )
    def test_grade_streaks_fire_exactly_on_runs(self, matrix):
        """ "连续两年一般及以下" fires for unit u in cycle j iff j−1 and j were 一般 or 差."""
        history = History(
            [
                CycleResult(
                    C[2020 + j],
                    [UnitResult(f"u{i}", grade=g) for i, g in enumerate(row)],
                )
                for j, row in enumerate(matrix)
            ]
        )
        fired = {(c.cycle, c.unit_id) for c in consequences(history, [WEAK])}
        weak = {"一般", "差"}
        expected = {
            (C[2020 + j].label_zh, f"u{i}")
            for j in range(1, len(matrix))
            for i in range(2)
            if matrix[j][i] in weak and matrix[j - 1][i] in weak
        }
        assert fired == expected
