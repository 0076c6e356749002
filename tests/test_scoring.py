"""Golden and unit tests of rules, rubric validation and the scoring engine."""

from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import pytest

from pbcheck import (
    Activity,
    AssessmentCycle,
    BonusPool,
    CountAtLeast,
    Deduction,
    DeductionPerOccurrence,
    DirectScore,
    Evaluation,
    Frequency,
    Incident,
    Indicator,
    Observation,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Rubric,
    Section,
    Source,
    Tiers,
    TrimmedMean,
    ValidationError,
    Veto,
    score,
    score_all,
)
from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    OutOfCycleError,
    UnknownReferenceError,
    render,
)

CYCLE = AssessmentCycle.cross_year(2025)
MAY = date(2026, 5, 12)


class TestRules:
    def test_ratio_to_target_golden(self):
        """≥85% 双强 worth 2 points: 85% or more → 2; 80% → 2 × 80/85; 0% → 0."""
        rule = RatioToTarget(target=85)
        assert rule.points(Fraction(90), Fraction(2)).points == 2
        assert rule.points(Fraction(80), Fraction(2)).points == Fraction(32, 17)
        assert rule.points(Fraction(0), Fraction(2)).points == 0

    def test_ratio_with_zero_below(self):
        """Below zero_below earns nothing; between, linear from zero_below to the target."""
        rule = RatioToTarget(target=100, zero_below=80)
        assert rule.points(Fraction(80), Fraction(3)).points == 0
        assert rule.points(Fraction(90), Fraction(3)).points == Fraction(3, 2)

    def test_tiers_reject_falling_points(self):
        """Tiers whose points fall as thresholds rise are refused when the indicator is built."""
        with pytest.raises(ValidationError) as caught:
            Indicator("i", "电教片", 2, Tiers([(4, 2), (8, 1)]))
        assert [p.path for p in caught.value.problems] == [
            "indicator[i].rule.tiers[1].points"
        ]

    def test_deduction_floor(self):
        """−0.5 per missing record, not below 0."""
        rule = DeductionPerOccurrence(per="0.5")
        assert rule.points(2, Fraction(2)).points == 1
        assert rule.points(9, Fraction(2)).points == 0

    def test_points_per_occurrence_cap(self):
        """2 points per session, at most 12 a cycle."""
        assert PointsPerOccurrence(per=2, cap=12).points(7, Fraction(12)).points == 12
        assert PointsPerOccurrence(per=2).points(3, Fraction(12)).points == 6

    def test_count_at_least(self):
        """≥ 8 education films a year: 8 → full, 7 → nothing (or 7/8 with partial credit)."""
        assert CountAtLeast(8).points(8, Fraction(2)).points == 2
        assert CountAtLeast(8).points(7, Fraction(2)).points == 0
        assert CountAtLeast(8, partial=True).points(7, Fraction(2)).points == Fraction(
            7, 4
        )

    def test_rule_configuration_refuses_floats(self):
        """A float target is refused with the field named."""
        with pytest.raises(InvalidTypeError, match="target"):
            RatioToTarget(target=0.85)


def small_rubric(**fields):
    return Rubric(
        "r",
        "2025",
        "测试细则",
        [
            Section("A", "常规工作", 70, sections=[
                Section("A1", "思想建设", 30, indicators=[
                    Indicator("a1", "理论学习", 10, PassFail()),
                    Indicator("a2", "谈心谈话", 20, DirectScore()),
                ]),
                Section("A2", "组织建设", 40, indicators=[
                    Indicator("a3", "双强比例", 38, RatioToTarget(target=85)),
                    Indicator("a4", "支委会", 2, Frequency(per="month")),
                ]),
            ]),
            Section("B", "服务发展", 30, indicators=[Indicator("b1", "创业竞赛", 30, DirectScore())]),
        ],
        **fields,
    )  # fmt: skip


def monthly(months):
    return [
        Activity("a4", date(2025 + (m >= 13), (m - 1) % 12 + 1, 15)) for m in months
    ]


def full_evaluation(unit="u1", **overrides):
    fields = {
        "observations": [
            Observation("a1", True, recorded_at=MAY),
            Observation("a2", "15", rater="甲", recorded_at=MAY),
            Observation("a2", 18, rater="乙", recorded_at=MAY),
            Observation("a2", 20, source=Source.SELF, recorded_at=MAY),
            Observation("a3", 80, recorded_at=MAY),
            Observation("b1", "27.5", recorded_at=MAY),
        ],
        "activities": monthly(range(5, 17)),
    }
    fields.update(overrides)
    return Evaluation(unit, **fields)


class TestGoldenTotal:
    def test_hand_computed_total(self):
        """A total computed by hand, step by step, equals the engine's exact total.

        a1 10 + a2 mean(15, 18) = 16.5 (自评 20 not counted) + a3 38 × 80/85
        + a4 12/12 × 2 + b1 27.5 = 56 + 3040/85 = 56 + 608/17.
        """
        card = score(small_rubric(), full_evaluation(), cycle=CYCLE)
        assert card.total == Fraction(10) + Fraction(33, 2) + Fraction(
            608, 17
        ) + 2 + Fraction(55, 2)
        assert str(card.rounded_total) == "91.76"
        assert card.indicators["a2"].not_counted[0].source is Source.SELF

    def test_frequency_misses_cost_points(self):
        """Two missed months of 支委会 leave 10/12 of its 2 points."""
        card = score(
            small_rubric(),
            full_evaluation(activities=monthly([*range(5, 11), *range(13, 17)])),
            cycle=CYCLE,
        )
        assert card.indicators["a4"].points == Fraction(5, 3)
        assert "10个月" in card.indicators["a4"].reason

    def test_trimmed_mean_raters(self):
        """去掉一个最高分、一个最低分 across five raters of one indicator."""
        rubric = small_rubric(rater_aggregator=TrimmedMean())
        observations = [
            Observation("a2", v, rater=f"评委{n}", recorded_at=MAY)
            for n, v in enumerate([20, 19, 16, 15, 5])
        ]
        others = [o for o in full_evaluation().observations if o.indicator_id != "a2"]
        card = score(
            rubric, full_evaluation(observations=others + observations), cycle=CYCLE
        )
        assert card.indicators["a2"].points == Fraction(50, 3)

    def test_bonus_deductions_and_caps(self):
        """Bonus counted up to its cap; deductions by category, per item and per cycle caps."""
        rubric = small_rubric(
            bonus=BonusPool(
                5, [Indicator("j1", "省级表彰", 6, PointsPerOccurrence(per=3))]
            ),
            deductions=[
                Deduction("k1", "诫勉谈话", points=1, cap=2),
                Deduction(
                    "k2",
                    "违反八项规定",
                    by_category={
                        "县处级": 3,
                        "乡科级": 2,
                        "一般干部": 1,
                        "其他": "0.5",
                    },
                ),
            ],
            deduction_cap=4,
        )
        day = date(2025, 8, 1)
        evaluation = full_evaluation(
            observations=[*full_evaluation().observations, Observation("j1", 2, recorded_at=MAY)],
            incidents=[Incident("k1", day), Incident("k1", day, note="二"), Incident("k1", day, note="三"),
                       Incident("k2", day, category="其他"), Incident("k2", day, category="乡科级")],
        )  # fmt: skip
        card = score(rubric, evaluation, cycle=CYCLE)
        assert (card.bonus_claimed, card.bonus_counted) == (6, 5)
        assert [d.counted for d in card.deductions] == [2, Fraction(5, 2)]
        assert (card.deductions_claimed, card.deductions_counted) == (Fraction(9, 2), 4)
        assert card.total == card.base + 5 - 4

    def test_capped_versus_open_scheme(self):
        """Capped: never above 100; open (base 100 ± adjustments): may exceed it by the bonus."""
        perfect = [
            Observation("a1", True), Observation("a2", 20), Observation("a3", 90),
            Observation("b1", 30), Observation("j1", 2),
        ]  # fmt: skip
        bonus = BonusPool(
            5, [Indicator("j1", "省级表彰", 6, PointsPerOccurrence(per=3))]
        )
        evaluation = full_evaluation(observations=perfect)
        assert score(small_rubric(bonus=bonus), evaluation, cycle=CYCLE).total == 100
        assert (
            score(
                small_rubric(bonus=bonus, scheme="open"), evaluation, cycle=CYCLE
            ).total
            == 105
        )

    def test_veto_disqualifies_or_caps(self):
        """一票否决: disqualify whatever the score, or hold the total at the cap."""
        incidents = [Incident("v", date(2025, 10, 1))]
        card = score(
            small_rubric(vetoes=[Veto("v", "严重违纪")]),
            full_evaluation(incidents=incidents),
            cycle=CYCLE,
        )
        assert card.disqualified
        capped = score(
            small_rubric(vetoes=[Veto("v", "整改不力", cap=60)]),
            full_evaluation(incidents=incidents),
            cycle=CYCLE,
        )
        assert not capped.disqualified
        assert capped.total == 60


class TestExplanation:
    def test_section_traces_back_to_observations(self):
        """A section's explanation names its weights, each indicator's rule and the observations used."""
        card = score(small_rubric(), full_evaluation(), cycle=CYCLE)
        explanation = card.explain("A1")
        assert explanation.value == card.sections["A1"].points == Fraction(53, 2)
        assert "a1 10 分，a2 20 分" in explanation.formula
        nodes = list(explanation.walk())
        records = [r for node in nodes for r in node.records]
        used = {(o.indicator_id, o.rater) for o in records}
        assert used == {("a1", ""), ("a2", "甲"), ("a2", "乙")}
        assert any("按加权平均合成" in node.formula for node in nodes)
        assert not any("weighted_mean" in node.formula for node in nodes)
        text = str(explanation)
        assert "考评组 甲" in text
        assert "另有 1 条记录不计分" in text

    def test_total_explanation_lists_every_part(self):
        """The total's explanation adds up base, bonus and deductions."""
        card = score(small_rubric(), full_evaluation(), cycle=CYCLE)
        explanation = card.explain()
        assert explanation.value == card.total
        assert explanation.parts[0].value == card.base
        with pytest.raises(KeyError):
            card.explain("nothing")


class TestEvaluationProblems:
    def test_every_problem_at_once_with_paths(self):
        """Unknown ids, bad values, scores above the maximum, duplicates and missing indicators together."""
        evaluation = Evaluation("u1", [
            Observation("a1", 3),
            Observation("zz", 1),
            Observation("a2", 25, rater="甲"),
            Observation("a2", 10, rater="甲"),
            Observation("b1", 10),
        ], incidents=[Incident("k9", date(2025, 9, 1))])  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            score(small_rubric(), evaluation, cycle=CYCLE)
        by_path = {p.path: p for p in caught.value.problems}
        assert isinstance(
            by_path["evaluations[u1].observations[1].indicator_id"],
            UnknownReferenceError,
        )
        assert by_path["evaluations[u1].observations[2].value"].value == 25
        assert (
            "max_points (20)"
            in by_path["evaluations[u1].observations[2].value"].message
        )
        assert isinstance(
            by_path["evaluations[u1].observations[3].rater"], DuplicateIdError
        )
        assert "evaluations[u1].indicators[a3]" in by_path
        assert "evaluations[u1].incidents[0].item_id" in by_path
        lines = render(caught.value)
        assert lines[0].startswith("invalid evaluation for unit 'u1'")

    def test_a_bad_value_is_reported_once(self):
        """A refused value is its indicator's only problem: no "no counted observation" echo."""
        broken = full_evaluation(
            observations=[
                Observation("a1", True, recorded_at=MAY),
                Observation("a2", 25, rater="甲", recorded_at=MAY),
                Observation("a3", 80, recorded_at=MAY),
                Observation("b1", "27.5", recorded_at=MAY),
            ]
        )
        with pytest.raises(ValidationError) as caught:
            score(small_rubric(), broken, cycle=CYCLE)
        (problem,) = caught.value.problems
        assert problem.path.endswith(".value")
        assert problem.value == 25

    def test_records_outside_the_cycle_are_rejected(self):
        """An activity of May 2026 is not in the 2025 cycle: error naming the record, its date and the cycle."""
        evaluation = full_evaluation(
            activities=[*monthly(range(5, 17)), Activity("a4", date(2026, 5, 3))]
        )
        with pytest.raises(ValidationError) as caught:
            score(small_rubric(), evaluation, cycle=CYCLE)
        (problem,) = caught.value.problems
        assert isinstance(problem, OutOfCycleError)
        assert problem.path == "evaluations[u1].activities[12].occurred_at"
        assert problem.value == "2026-05-03"
        assert "2025—2026年度" in problem.message

    def test_timezone_boundary(self):
        """23:30 Beijing time on April 30 is in the 2025 cycle even when written in UTC."""
        late = datetime(2026, 4, 30, 15, 30, tzinfo=UTC)  # 23:30+08:00
        too_late = datetime(2026, 4, 30, 23, 30, tzinfo=timezone(timedelta(hours=-1)))
        ok = full_evaluation(activities=[*monthly(range(5, 16)), Activity("a4", late)])
        assert score(small_rubric(), ok, cycle=CYCLE).indicators["a4"].points == 2
        bad = full_evaluation(
            activities=[*monthly(range(5, 16)), Activity("a4", too_late)]
        )
        with pytest.raises(ValidationError) as caught:
            score(small_rubric(), bad, cycle=CYCLE)
        assert "outside the cycle" in str(caught.value)

    def test_naive_datetime_refused(self):
        """A naive datetime is refused at construction."""
        with pytest.raises(InvalidValueError, match="timezone-aware"):
            Activity("a4", datetime(2025, 6, 1, 9, 0))  # noqa: DTZ001 - the point of the test

    def test_frequency_needs_the_cycle(self):
        """Scoring frequency indicators without the cycle is a clear error."""
        with pytest.raises(ValidationError) as caught:
            score(small_rubric(), full_evaluation())
        assert "needs the assessment cycle" in str(caught.value)

    def test_season_problems_gathered(self):
        """score_all reports every unit's problems and duplicates, and scores nothing."""
        with pytest.raises(ValidationError) as caught:
            score_all(
                small_rubric(),
                [full_evaluation("u1"), full_evaluation("u1"), Evaluation("u2")],
                cycle=CYCLE,
            )
        paths = [p.path for p in caught.value.problems]
        assert "evaluations[u1].unit_id" in paths
        assert sum(p.startswith("evaluations[u2]") for p in paths) == 4


class TestRubricValidation:
    def test_duplicate_ids_and_bad_numbers_together(self):
        """Duplicate ids and weights that do not sum are reported in one error."""
        with pytest.raises(ValidationError) as caught:
            Rubric("r", "1", "细则", [
                Section("A", "甲", 60, indicators=[Indicator("x", "指标", 60, PassFail())]),
                Section("B", "乙", 30, indicators=[Indicator("x", "指标", 30, PassFail())]),
            ])  # fmt: skip
        messages = render(caught.value)
        assert (
            "rubric.sections[B].indicators[x].id: is already used at rubric.sections[A].indicators[x]"
            in messages[1]
        )
        assert "must sum to exactly 100 points (they sum to 90)" in messages[2]

    def test_percent_weighting_and_normalising(self):
        """Percent weights must sum to 100; normalising rescales 7/3 to 70/30 only when asked."""
        leaves = [Indicator("i", "指标", 5, DirectScore(), weight=100)]
        sections = [
            Section("A", "甲", 7, indicators=leaves),
            Section(
                "B",
                "乙",
                3,
                indicators=[Indicator("j", "指标", 5, DirectScore(), weight=100)],
            ),
        ]
        with pytest.raises(ValidationError) as caught:
            Rubric("r", "1", "细则", sections, weighting="percent")
        assert "they sum to 10)" in str(caught.value)
        rubric = Rubric.normalising(
            id="r", version="1", title="细则", sections=sections, weighting="percent"
        )
        assert [s.weight for s in rubric.sections] == [70, 30]
        assert rubric.points_of("A") == 70

    def test_float_weight_refused(self):
        """A float weight is refused with the path and the value."""
        with pytest.raises(ValidationError) as caught:
            Section("A", "甲", 0.7, indicators=[Indicator("i", "指标", 1, PassFail())])
        (problem,) = caught.value.problems
        assert (problem.path, problem.value) == ("section[A].weight", 0.7)
