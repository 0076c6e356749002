"""History across cycles: streaks, escalation, successions and trends."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle
from pbcheck.errors import Id, ValidationError
from pbcheck.examples.small import org_tree, scorecards
from pbcheck.outcomes.history import (
    CycleResult,
    EscalationPolicy,
    EscalationStep,
    History,
    UnitResult,
    escalations,
    honours,
    trends,
)
from pbcheck.outcomes.season import assess_outcomes
from pbcheck.testing._outcomes import bottom_matrices

C = {year: AssessmentCycle.cross_year(year) for year in range(2020, 2030)}


def cycle(year, *units):
    return CycleResult(C[year], units)


class TestGoldenRules:
    def test_two_years_at_the_bottom_bring_criticism_and_feedback(self):
        """Nanping: "连续两年处于后位的，由市直工委通报批评，并向其主管部门或上级分管领导进行反馈".

        (南平市，关于进一步完善机关党建工作责任制的思考.)  Both actions are
        due a set time after the 2025–2026 results are announced (2026-06-15).
        """
        history = History(
            [
                cycle(2024, UnitResult("gsj", at_bottom=True), UnitResult("czj")),
                cycle(2025, UnitResult("gsj", at_bottom=True), UnitResult("czj")),
            ]
        )
        actions = {a.key: a for a in escalations(history)}
        assert {a.unit_id for a in actions.values()} == {"gsj"}
        assert actions["circulated_criticism"].label == "通报批评"
        assert actions["circulated_criticism"].by == "市直机关工委"
        assert actions["feedback_to_superior"].label == "反馈主管部门"
        assert actions["circulated_criticism"].due == date(2026, 7, 15)
        assert "连续 2 个考核周期处于后位" in actions["circulated_criticism"].reason
        assert "考评结果公布（2026-06-15）" in actions["circulated_criticism"].reason

    def test_two_years_at_the_bottom_bring_admonishment_and_rectification(self):
        """Nanping: "连续两年处于后位的，要追究领导班子和相关责任人的责任，上级分管领导进行诫勉谈话，并责成主要领导…限期整改".

        Rectification is due three months after the results are announced.
        """
        history = History(
            [
                cycle(2024, UnitResult("gsj", at_bottom=True)),
                cycle(2025, UnitResult("gsj", at_bottom=True)),
            ]
        )
        actions = {a.key: a for a in escalations(history)}
        assert actions["admonishment_talk"].label == "诫勉谈话"
        assert actions["admonishment_talk"].by == "上级分管领导"
        assert actions["rectification"].label == "限期整改"
        assert actions["rectification"].due == date(2026, 9, 15)

    def test_one_year_at_the_bottom_brings_no_escalation(self):
        """A single year at the bottom costs eligibility, not escalation."""
        history = History(
            [
                cycle(2024, UnitResult("gsj")),
                cycle(2025, UnitResult("gsj", at_bottom=True)),
            ]
        )
        assert escalations(history) == ()


class TestSuccession:
    def test_renamed_unit_keeps_its_streak(self):
        """工商局 became 市场监管局: the streak continues under the new id."""
        history = History(
            [
                cycle(2024, UnitResult("gsj", at_bottom=True)),
                cycle(2025, UnitResult("scjg", at_bottom=True)),
            ],
            successions={C[2025].label_zh: {"gsj": "scjg"}},
        )
        actions = escalations(history)
        assert {a.unit_id for a in actions} == {"scjg"}
        assert "原 gsj" in actions[0].reason

    def test_merged_unit_inherits_the_longest_streak(self):
        """Two units merge; one was at the bottom twice: the merger carries 3."""
        history = History(
            [
                cycle(2023, UnitResult("a", at_bottom=True), UnitResult("b")),
                cycle(
                    2024,
                    UnitResult("a", at_bottom=True),
                    UnitResult("b", at_bottom=True),
                ),
                cycle(2025, UnitResult("ab", at_bottom=True)),
            ],
            successions={C[2025].label_zh: {"a": "ab", "b": "ab"}},
        )
        assert history.streaks()[-1] == {"ab": 3}
        assert "由 a、b 合并而来" in escalations(history, latest_only=True)[0].reason

    def test_split_unit_passes_its_streak_to_each_successor(self):
        """One unit split in two: each half that stays at the bottom escalates."""
        history = History(
            [
                cycle(2024, UnitResult("a", at_bottom=True)),
                cycle(2025, UnitResult("a1", at_bottom=True), UnitResult("a2")),
            ],
            successions={C[2025].label_zh: {"a": ["a1", "a2"]}},
        )
        assert history.streaks()[-1] == {"a1": 2, "a2": 0}
        assert history.lineage(1, "a1") == "由 a 分设而来"

    def test_dissolved_and_new_units(self):
        """A dissolved unit has no successor; a new unit starts afresh."""
        history = History(
            [
                cycle(2024, UnitResult("a", at_bottom=True)),
                cycle(2025, UnitResult("b", at_bottom=True)),
            ],
            successions={C[2025].label_zh: {"a": []}},
        )
        assert history.streaks()[-1] == {"b": 1}

    def test_a_gap_between_cycles_breaks_the_streak(self):
        """2023 and 2025 are not consecutive cycles."""
        history = History(
            [
                cycle(2023, UnitResult("a", at_bottom=True)),
                cycle(2025, UnitResult("a", at_bottom=True)),
            ]
        )
        assert escalations(history) == ()

    def test_invalid_successions_are_reported_together(self):
        """Unknown cycles, old ids and new ids are all named."""
        with pytest.raises(ValidationError) as info:
            History(
                [cycle(2024, UnitResult("a")), cycle(2025, UnitResult("b"))],
                successions={C[2025].label_zh: {"x": "y"}, "1999年度": {}},
            )
        assert len(info.value.problems) == 3
        # Successions are mappings: each key is a name step.
        label = C[2025].label_zh
        assert [p.steps for p in info.value.problems] == [
            ("history", "successions", label, "x"),
            ("history", "successions", label, "x"),
            ("history", "successions", "1999年度"),
        ]

    def test_a_unit_assessed_twice_is_named_by_its_position(self):
        """The second ``a`` of a cycle is ``result.units[1]``: its id names the first."""
        with pytest.raises(ValidationError) as info:
            cycle(2025, UnitResult("a"), UnitResult("a"))
        assert info.value.problems[0].steps == ("result", "units", 1, "unit_id")

    def test_overlapping_cycles_are_rejected(self):
        """Two results for overlapping periods cannot both be in one history."""
        with pytest.raises(ValidationError, match="invalid history"):
            History([cycle(2024), CycleResult(AssessmentCycle.calendar_year(2025), [])])


class TestEscalationPolicy:
    def test_steps_are_data(self):
        """Three years, 30 days after the commendation milestone."""
        policy = EscalationPolicy(
            length=3,
            steps=[EscalationStep("talk", "约谈", "工委书记", "commendation", days=30)],
        )
        history = History(
            [cycle(y, UnitResult("a", at_bottom=True)) for y in (2023, 2024, 2025)]
        )
        (action,) = escalations(history, policy)
        assert (action.cycle, action.due) == (C[2025].label_zh, date(2026, 7, 30))

    def test_a_step_names_itself_by_its_key(self):
        """A bad field of a step is ``step[talk].days``; a bad key, ``step.key``."""
        with pytest.raises(ValidationError) as info:
            EscalationStep("talk", "约谈", "工委", days=-1)
        assert info.value.problems[0].path == "step[talk].days"
        with pytest.raises(ValidationError) as info:
            EscalationStep("", "约谈", "工委")
        assert info.value.problems[0].path == "step.key"

    def test_unknown_milestone_is_an_error(self):
        """A step counting from a milestone the cycle lacks is reported."""
        policy = EscalationPolicy(
            steps=[EscalationStep("x", "约谈", "工委", "no_such")]
        )
        history = History(
            [cycle(y, UnitResult("a", at_bottom=True)) for y in (2024, 2025)]
        )
        with pytest.raises(ValidationError) as info:
            escalations(history, policy)
        assert info.value.problems[0].steps == (
            "policy",
            "steps",
            Id("x"),
            "milestone",
        )


class TestProperties:
    @given(bottom_matrices(), st.integers(1, 3))
    def test_escalation_fires_exactly_on_runs_of_the_configured_length(
        self, matrix, length
    ):
        """Unit u escalates in cycle j iff it was at the bottom in cycles j−length+1 … j."""
        history = History(
            [
                CycleResult(
                    C[2020 + j],
                    [UnitResult(f"u{i}", at_bottom=b) for i, b in enumerate(row)],
                )
                for j, row in enumerate(matrix)
            ]
        )
        fired = {
            (a.cycle, a.unit_id)
            for a in escalations(history, EscalationPolicy(length=length))
        }
        expected = {
            (C[2020 + j].label_zh, f"u{i}")
            for j in range(len(matrix))
            for i in range(len(matrix[0]))
            if j + 1 >= length
            and all(matrix[k][i] for k in range(j - length + 1, j + 1))
        }
        assert fired == expected


class TestTrendsAndHonours:
    def test_trends(self):
        """Rank and score change against the one predecessor."""
        history = History(
            [
                cycle(
                    2024,
                    UnitResult("a", Fraction(80), 3),
                    UnitResult("b", Fraction(90), 1),
                ),
                cycle(
                    2025,
                    UnitResult("a", Fraction(85), 1),
                    UnitResult("b", Fraction(84), 2),
                    UnitResult("c", Fraction(70), 3),
                ),
            ]
        )
        found = {t.unit_id: t for t in trends(history)}
        assert (found["a"].rank_change, found["a"].score_change) == (2, 5)
        assert (
            found["b"].reason
            == "排名由第 1 名降至第 2 名（下降 1 位），总分 90.00 → 84.00（−6.00）"
        )
        assert found["c"].rank_change is None
        assert found["c"].reason == "无上期结果可比"

    def test_honours_for_a_run_at_the_top(self):
        """Three years commended running."""
        history = History(
            [cycle(y, UnitResult("a", top=True)) for y in (2023, 2024, 2025)]
        )
        assert [n.streak for n in honours(history, 3)] == [3]

    def test_from_outcomes_of_two_seasons(self):
        """Outcomes of 2024 and 2025 feed the history directly."""
        tree = org_tree({"政府工作部门": ["a", "b", "c"]})
        first = assess_outcomes(scorecards({"a": 90, "b": 80, "c": 60}), tree)
        second = assess_outcomes(scorecards({"a": 91, "b": 81, "c": 59}), tree)
        history = History([first.cycle_result(C[2024]), second.cycle_result(C[2025])])
        assert {a.unit_id for a in escalations(history)} == {"c"}


class TestAcrossRubricVersions:
    """Issue 14 §8: trends across rubric versions warn and can compare percentiles or parts."""

    def two_cycles(self):
        return History(
            [
                cycle(
                    2024,
                    UnitResult(
                        "a",
                        Fraction(90),
                        2,
                        group="g",
                        rubric="zf 2024",
                        attainment={"dj": Fraction(3, 4), "yw": Fraction(1, 2)},
                    ),
                    UnitResult("b", Fraction(95), 1, group="g", rubric="zf 2024"),
                ),
                cycle(
                    2025,
                    UnitResult(
                        "a",
                        Fraction(70),
                        1,
                        group="g",
                        rubric="zf 2025",
                        attainment={"dj": Fraction(9, 10), "new": Fraction(1)},
                    ),
                    UnitResult("b", Fraction(60), 2, group="g", rubric="zf 2025"),
                ),
            ]
        )

    def test_a_change_of_rubric_is_a_structured_warning(self):
        """Totals of two rubric versions: the trend says so in a field and in its reason."""
        trend = trends(self.two_cycles())[0]
        assert trend.rubric_change == ("zf 2024", "zf 2025")
        assert trend.warning == "考核细则由 zf 2024 改为 zf 2025，总分不宜直接比较"
        assert trend.reason.startswith(trend.warning + "；")

    def test_the_same_rubric_gives_no_warning(self):
        """No rubric recorded, or the same one: no warning."""
        history = History(
            [
                cycle(y, UnitResult("a", Fraction(80), 1, rubric="zf 1"))
                for y in (2024, 2025)
            ]
        )
        (trend,) = trends(history)
        assert (trend.warning, trend.rubric_change) == (None, None)

    def test_percentiles_compare_places_in_groups_of_any_size(self):
        """Rank 2 of 2 then 1 of 2: percentile 100% → 50%, up 50 points."""
        trend = trends(self.two_cycles(), compare="percentile")[0]
        assert (trend.previous_percentile, trend.percentile) == (
            Fraction(1),
            Fraction(1, 2),
        )
        assert trend.percentile_change == Fraction(1, 2)
        assert "名次百分位 100.0% → 50.0%（前移 50.0 个百分点）" in trend.reason
        assert "总分" in trend.reason  # only in the warning
        assert "→ 70" not in trend.reason

    def test_attainment_compares_the_parts_both_rubrics_have(self):
        """dj 75% → 90%: a part only one version has is left out."""
        trend = trends(self.two_cycles(), compare="attainment")[0]
        assert trend.attainment_change == {"dj": Fraction(3, 20)}
        assert "各部分得分率：dj 75.0% → 90.0%（+15.0 个百分点）" in trend.reason

    def test_an_unknown_comparison_is_refused(self):
        """compare= names its value when it is none of the three."""
        with pytest.raises(ValueError, match="compare: must be one of"):
            trends(self.two_cycles(), compare="median")  # type: ignore[arg-type]

    def test_a_cycle_result_carries_grade_veto_rubric_and_parts(self):
        """from_lists fills grade, vetoed, rubric and per-part attainment when given."""
        tree = org_tree({"党群部门": ["a", "b"]})
        cards = scorecards({"a": 85, "b": 50}, vetoed={"b"})
        outcomes = assess_outcomes(cards, tree)
        result = CycleResult.from_lists(
            C[2025],
            outcomes.rankings,
            bottom=outcomes.bottom,
            grades=outcomes.grades,
            scorecards=cards,
        )
        a, b = result.get("a"), result.get("b")
        assert (a.grade, a.vetoed, a.rubric) == ("较好", False, "simple 1")
        assert (b.grade, b.vetoed) == ("差", True)
        assert a.attainment == {"s": Fraction(85, 100)}

    def test_streaks_of_any_test(self):
        """A streak can count any test of a result, e.g. graded 一般 or below."""
        history = History(
            [
                cycle(2023, UnitResult("a", grade="一般")),
                cycle(2024, UnitResult("a", grade="差")),
                cycle(2025, UnitResult("a", grade="较好")),
            ]
        )
        runs = history.streaks(lambda unit: unit.grade in {"一般", "差"})
        assert [r["a"] for r in runs] == [1, 2, 0]
