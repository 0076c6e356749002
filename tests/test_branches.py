"""三会一课 per branch, in calendar periods, and counted as of a date (issue 14 §7, §8).

The rules under test, from the 2018《中国共产党支部工作条例（试行）》:

- 第十一条: "党支部党员大会是党支部的议事决策机构，由全体党员参加，一般每季度召开1次。"
- 第十二条: "党支部委员会会议一般每月召开1次，根据需要可以随时召开"
- 第十三条: "党小组会一般每月召开1次"

They fall on each branch (支部) in calendar quarters and months.  How a partial
first or last calendar period counts, and how branch-periods become points,
are pbcheck's defaults or the rubric's own rules, never the 条例's.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import Evaluation, Indicator, Rubric, Section, score
from pbcheck.errors import InvalidValueError, UnknownReferenceError, ValidationError
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Activity
from pbcheck.model.frequency import (
    DEFAULT_PARTIAL_MIN_SHARE,
    BranchActivityRule,
    Frequency,
    FrequencyOutcome,
    evaluate_activities,
)
from pbcheck.testing import (
    branch_activities,
    branch_frequencies,
    branch_names,
    branch_seasons,
)
from pbcheck.testing._cycles import cycles, dates_in

CYCLE = AssessmentCycle.cross_year(2025)  # 2025-05-01 … 2026-04-30
BRANCHES = ("第一党支部", "第二党支部", "第三党支部")
ALL_MONTHS = [(2025, m) for m in range(5, 13)] + [(2026, m) for m in range(1, 5)]


def held(branch: str, *months: tuple[int, int], day: int = 15) -> list[Activity]:
    return [Activity("B1", date(y, m, day), branch=branch) for y, m in months]


def congress(**options: object) -> Frequency:
    """党员大会: once per calendar quarter, per branch."""
    fields: dict[str, object] = {
        "align": "calendar",
        "per_branch": "all",
        "activity": "召开党员大会",
    }
    fields.update(options)
    return Frequency("quarter", **fields)  # type: ignore[arg-type]


# One 党员大会 in each calendar quarter of the cycle (June stands for May–June).
EVERY_QUARTER = [(2025, 6), (2025, 8), (2025, 11), (2026, 2), (2026, 4)]


class TestPartyMemberCongressPerBranch:
    """第十一条: 党员大会 一般每季度召开1次, for every branch, in calendar quarters."""

    def test_every_branch_meets_every_quarter(self):
        """Three branches each meet once a calendar quarter: full points."""
        records = [a for b in BRANCHES for a in held(b, *EVERY_QUARTER)]
        outcome = congress().evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES
        )
        assert outcome.points == 2
        assert str(outcome.reason).startswith(
            "3个党支部，4个季度各党支部均达到每季度至少1次"
        )
        assert [b.branch for b in outcome.branches] == list(BRANCHES)

    def test_one_branch_missing_a_quarter_is_named(self):
        """第二党支部 without a 2025 Q4 congress: that quarter is missed, and said so."""
        records = [
            a
            for b in BRANCHES
            for a in held(b, *EVERY_QUARTER)
            if not (b == "第二党支部" and a.occurred_at == date(2025, 11, 15))
        ]
        outcome = congress().evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES
        )
        assert outcome.points == Fraction(3, 2)
        assert [p.label for p in outcome.missed] == ["2025年第四季度"]
        assert "第二党支部 2025年第四季度未召开党员大会" in str(outcome.reason)
        assert str(outcome.reason).endswith("按达到比例计分：3 ÷ 4 × 2，得 1.5 分")
        second = outcome.branches[1]
        assert [p.label for p in second.missed] == ["2025年第四季度"]
        assert outcome.branches[0].missed == ()

    def test_a_meeting_held_by_another_branch_does_not_count(self):
        """Two congresses of 第一党支部 in a quarter do not cover 第二党支部's."""
        records = held("第一党支部", *EVERY_QUARTER) + held("第一党支部", (2025, 11))
        records += held("第二党支部", *[q for q in EVERY_QUARTER if q != (2025, 11)])
        unit_level = Frequency("quarter", align="calendar").evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES[:2]
        )
        per_branch = congress().evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES[:2]
        )
        assert unit_level.points == 2
        assert per_branch.points == Fraction(3, 2)

    def test_a_short_count_says_how_many(self):
        """With at_least=2, one meeting is reported as 召开党员大会1次，不足2次."""
        records = held("第一党支部", (2025, 8))
        outcome = congress(at_least=2).evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES[:1]
        )
        assert "第一党支部 2025年第三季度召开党员大会1次，不足2次" in str(
            outcome.reason
        )

    def test_without_an_activity_name_the_reason_lists_branch_and_period(self):
        """No activity phrase: the gap is named as branch and period only."""
        outcome = congress(activity=None).evaluate_activities(
            held("第一党支部", (2025, 8)), CYCLE, Fraction(2), branches=BRANCHES[:1]
        )
        assert (
            "（未达到：第一党支部 2025年5—6月（第二季度，部分）；"
            "第一党支部 2025年第四季度；第一党支部 2026年第一季度）"
        ) in str(outcome.reason)


class TestBranchCommitteeShareAndDeduction:
    """第十二条: 支委会 一般每月召开1次, scored by share of branch-months or per miss."""

    def test_share_of_branch_months(self):
        """Two branches, 24 branch-months, 21 met: 21/24 × 3 = 2.625 ('each', per_period)."""
        first = held("第一党支部", *ALL_MONTHS)
        second = held("第二党支部", *ALL_MONTHS[:9])  # no Feb, Mar, Apr 2026
        rule = Frequency("month", align="calendar", per_branch="each")
        outcome = rule.evaluate_activities(
            first + second, CYCLE, Fraction(3), branches=BRANCHES[:2]
        )
        assert outcome.points == Fraction(21, 8)
        assert str(outcome.reason).startswith(
            "2个党支部各12个月，共24个中21个达到每月至少1次（未达到：第二党支部 2026年2月"
        )
        assert str(outcome.reason).endswith("按达到比例计分：21 ÷ 24 × 3，得 2.63 分")
        # The unit-level view: a month is met when every branch met it.
        assert len(outcome.met) == 9

    def test_all_branches_must_meet_is_stricter_than_share(self):
        """The same records give 9/12 under 'all' and 21/24 under 'each'."""
        records = held("第一党支部", *ALL_MONTHS) + held("第二党支部", *ALL_MONTHS[:9])
        every = Frequency("month", align="calendar", per_branch="all")
        each = Frequency("month", align="calendar", per_branch="each")
        assert every.evaluate_activities(
            records, CYCLE, Fraction(3), branches=BRANCHES[:2]
        ).points == Fraction(9, 4)
        assert each.evaluate_activities(
            records, CYCLE, Fraction(3), branches=BRANCHES[:2]
        ).points == Fraction(21, 8)

    def test_deduction_per_branch_month_missed_is_floored_at_zero(self):
        """0.5 per missed branch-month: 3 missed from 3 → 1.5; 8 missed → floored at 0."""
        rule = Frequency(
            "month",
            align="calendar",
            per_branch="each",
            scoring="deduct_per_miss",
            deduction="0.5",
        )
        records = held("第一党支部", *ALL_MONTHS) + held("第二党支部", *ALL_MONTHS[:9])
        outcome = rule.evaluate_activities(
            records, CYCLE, Fraction(3), branches=BRANCHES[:2]
        )
        assert outcome.points == Fraction(3, 2)
        assert "每个党支部每缺1个月扣 0.5 分：3 − 0.5 × 3 = 1.5 分" in str(
            outcome.reason
        )
        sparse = held("第一党支部", *ALL_MONTHS[:8]) + held(
            "第二党支部", *ALL_MONTHS[:8]
        )
        floored = rule.evaluate_activities(
            sparse, CYCLE, Fraction(3), branches=BRANCHES[:2]
        )
        assert floored.points == 0
        assert "3 − 0.5 × 8 = -1，不低于 0，得 0 分" in str(floored.reason)


class TestPartialCalendarPeriods:
    """pbcheck's default: a cut calendar period counts if it holds ≥ half its days."""

    def test_default_counts_may_june_and_skips_april(self):
        """May–Jun 2025 (61/91 days) counts; Apr 2026 (30/91) is skipped, and said so."""
        rule = Frequency("quarter", align="calendar")
        outcome = rule.evaluate([date(2025, 8, 1)], CYCLE, Fraction(4))
        assert Fraction(1, 2) == DEFAULT_PARTIAL_MIN_SHARE
        assert [p.label for p in outcome.skipped] == ["2026年4月（第二季度，部分）"]
        assert [p.label for p in outcome.missed] == [
            "2025年5—6月（第二季度，部分）",
            "2025年第四季度",
            "2026年第一季度",
        ]
        assert outcome.points == 1
        assert "2026年4月（第二季度，部分）天数不足整季度的一半，不计入" in str(
            outcome.reason
        )

    @pytest.mark.parametrize(
        ("share", "counted"),
        [("0", 5), ("1/3", 4), ("0.7", 3), ("1", 3)],
    )
    def test_share_is_configurable(self, share, counted):
        """0 counts both cut quarters; 2/3 (61/91 ≈ 0.67 < 0.7) and 1 count neither."""
        rule = Frequency("quarter", align="calendar", partial_min_share=Fraction(share))
        outcome = rule.evaluate([], CYCLE, Fraction(1))
        assert len(outcome.missed) == counted
        assert len(outcome.skipped) == 5 - counted

    def test_calendar_half_years(self):
        """Halves: 5—6月 (61/181 days) skipped, 下半年 and 2026年1—4月 (120/181) count."""
        rule = Frequency("half", align="calendar")
        outcome = rule.evaluate([date(2025, 9, 1)], CYCLE, Fraction(2))
        assert [p.label for p in outcome.skipped] == ["2025年5—6月（上半年，部分）"]
        assert [p.label for p in outcome.met] == ["2025年下半年"]
        assert [p.label for p in outcome.missed] == ["2026年1—4月（上半年，部分）"]
        assert outcome.points == 1

    def test_share_needs_calendar_alignment_and_lies_in_0_1(self):
        """partial_min_share with align='cycle', or above 1, is refused by name."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("quarter", partial_min_share="0.5")
        assert excinfo.value.problems[0].path == "frequency.partial_min_share"
        assert "align is 'calendar'" in excinfo.value.problems[0].message
        with pytest.raises(ValidationError) as excinfo:
            Frequency("quarter", align="calendar", partial_min_share="1.5")
        assert "within 0–1" in excinfo.value.problems[0].message

    def test_every_new_option_is_checked_at_once(self):
        """Bad per_branch, align and activity are reported together."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("month", per_branch="most", align="fiscal", activity=" ")  # type: ignore[arg-type]
        assert [p.path for p in excinfo.value.problems] == [
            "frequency.per_branch",
            "frequency.align",
            "frequency.activity",
        ]


class TestAsOf:
    """§8: as of a date only elapsed sub-periods and records up to it count."""

    def test_half_year_self_check(self):
        """截至2025年10月31日: 6 months due, 5 met → 5/6 × 3 = 2.5; the rest not due."""
        records = [
            Activity("B1", date(y, m, 9)) for y, m in ALL_MONTHS if (y, m) != (2025, 8)
        ]
        outcome = Frequency("month").evaluate_activities(
            records, CYCLE, Fraction(3), as_of=date(2025, 10, 31)
        )
        assert str(outcome.reason) == (
            "截至2025年10月31日，已到期6个月中5个月达到每月至少1次（未达到：2025年8月）"
            "；其余6个月尚未到期，不计入，按达到比例计分：5 ÷ 6 × 3，得 2.5 分"
        )
        assert outcome.points == Fraction(5, 2)
        assert len(outcome.not_due) == 6
        assert outcome.as_of == date(2025, 10, 31)
        assert sum(outcome.counts) == 5  # records after as_of are ignored

    def test_a_period_ending_after_as_of_is_neither_met_nor_missed(self):
        """On 15 Oct, October is not due even though a meeting was held on the 9th."""
        records = [Activity("B1", date(2025, m, 9)) for m in (5, 6, 7, 8, 9, 10)]
        outcome = Frequency("month").evaluate_activities(
            records, CYCLE, Fraction(3), as_of=date(2025, 10, 15)
        )
        assert outcome.points == 3
        assert outcome.not_due[0].label == "2025年10月"
        assert outcome.counts[5] == 1

    def test_nothing_due_yet_is_full_points(self):
        """Before the first quarter ends nothing was missed: full points, and said so."""
        outcome = Frequency("quarter").evaluate_activities(
            [], CYCLE, Fraction(2), as_of=date(2025, 6, 30)
        )
        assert outcome.points == 2
        assert str(outcome.reason).startswith("截至2025年6月30日，尚无到期的季度")

    def test_per_branch_as_of(self):
        """Per branch and as of a date: the branch-periods due are the ones counted."""
        records = held("第一党支部", (2025, 6), (2025, 8)) + held(
            "第二党支部", (2025, 6)
        )
        outcome = congress(per_branch="each").evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES[:2], as_of=date(2025, 10, 1)
        )
        assert str(outcome.reason).startswith(
            "截至2025年10月1日，2个党支部各已到期2个季度，共4个中3个达到"
        )
        assert "第二党支部 2025年第三季度未召开党员大会" in str(outcome.reason)
        assert outcome.points == Fraction(3, 2)

    def test_as_of_at_or_after_the_cycle_end_is_the_final_result(self):
        """as_of on the last day (or later) gives exactly the outcome without it."""
        records = [Activity("B1", date(2025, 7, 1))]
        final = Frequency("half").evaluate_activities(records, CYCLE, Fraction(2))
        for last in (date(2026, 4, 30), date(2026, 6, 1)):
            assert (
                Frequency("half").evaluate_activities(
                    records, CYCLE, Fraction(2), as_of=last
                )
                == final
            )


class TestBranchInputs:
    def test_per_branch_without_branches_is_an_error_naming_branches(self):
        """A per-branch rule and a unit that declares no branches: refused at branches."""
        with pytest.raises(InvalidValueError) as excinfo:
            congress().evaluate_activities([], CYCLE, Fraction(2))
        assert excinfo.value.path == "branches"
        assert "每季度至少1次 counts per branch (per_branch='all')" in str(
            excinfo.value
        )
        with pytest.raises(InvalidValueError, match="no branches were given"):
            congress().evaluate([date(2025, 8, 1)], CYCLE, Fraction(2))

    def test_a_record_of_an_unknown_branch_is_refused(self):
        """A record naming a branch the unit does not declare is named by position."""
        with pytest.raises(UnknownReferenceError) as excinfo:
            congress().evaluate_activities(
                held("第九党支部", (2025, 8)), CYCLE, Fraction(2), branches=BRANCHES
            )
        assert excinfo.value.path == "activities[0].branch"

    def test_repeated_branch_is_refused(self):
        """The same branch twice would count its records twice: refused."""
        with pytest.raises(InvalidValueError, match="given twice"):
            congress().evaluate_activities(
                [], CYCLE, Fraction(2), branches=("第一党支部", "第一党支部")
            )

    def test_records_without_a_branch_count_for_none_and_are_mentioned(self):
        """Unattributed records do not fill any branch's quarter; the reason says so."""
        records = [Activity("B1", date(2025, 8, 1)), *held("第一党支部", (2025, 8))]
        outcome = congress().evaluate_activities(
            records, CYCLE, Fraction(2), branches=BRANCHES[:1]
        )
        assert outcome.unattributed == 1
        assert "另有1条记录未注明党支部，不计入" in str(outcome.reason)
        assert outcome.counts[1] == 2  # both are still records of that quarter

    def test_unit_level_rules_ignore_branches(self):
        """Without per_branch the unit's records count together, branches or not."""
        records = [*held("第一党支部", (2025, 8)), Activity("B1", date(2025, 11, 1))]
        outcome = Frequency("quarter", align="calendar").evaluate_activities(
            records, CYCLE, Fraction(4), branches=BRANCHES
        )
        assert outcome.branches == ()
        assert [p.label for p in outcome.met] == ["2025年第三季度", "2025年第四季度"]


@attrs.frozen
class CountsOnly:
    """A third-party ActivityRule with only evaluate(): full points per record, capped."""

    def evaluate(self, occurred, cycle, max_points):
        del cycle
        points = min(max_points, Fraction(len(occurred)))
        return FrequencyOutcome(points, (), (), (), (), f"{len(occurred)} 次")


class TestEvaluateActivities:
    def test_a_rule_with_only_evaluate_gets_the_dates_up_to_as_of(self):
        """A custom rule keeps working: it sees the local dates, none after as_of."""
        assert not isinstance(CountsOnly(), BranchActivityRule)
        records = [Activity("B1", date(2025, m, 1)) for m in (5, 7, 9, 11)]
        full = evaluate_activities(CountsOnly(), records, CYCLE, Fraction(10))
        early = evaluate_activities(
            CountsOnly(), records, CYCLE, Fraction(10), as_of=date(2025, 8, 31)
        )
        assert (full.points, early.points) == (4, 2)

    def test_frequency_is_asked_with_branches_and_as_of(self):
        """evaluate_activities hands a Frequency the branches and the date."""
        records = held("第一党支部", (2025, 8))
        outcome = evaluate_activities(
            congress(),
            records,
            CYCLE,
            Fraction(2),
            branches=BRANCHES[:1],
            as_of=date(2025, 9, 30),
        )
        assert str(outcome.reason).startswith(
            "截至2025年9月30日，1个党支部，已到期2个季度"
        )


def _outcome(rule, season_cycle, names, records, maximum, *, as_of=None):
    return rule.evaluate_activities(
        records, season_cycle, maximum, branches=names, as_of=as_of
    )


class TestBranchProperties:
    @given(branch_seasons(unattributed=True))
    def test_points_within_bounds_and_periods_partitioned(self, season):
        """Points lie in [0, max]; met, missed, skipped and not-due partition periods."""
        rule, cycle, names, records, maximum = season
        outcome = _outcome(rule, cycle, names, records, maximum)
        assert isinstance(outcome.points, Fraction)
        assert 0 <= outcome.points <= maximum
        parts = outcome.met + outcome.missed + outcome.skipped + outcome.not_due
        assert sorted(p.index for p in parts) == list(range(len(outcome.periods)))
        assert sum(outcome.counts) == len(records)

    @given(
        branch_frequencies(per_branch=("all",)).filter(
            lambda r: r.scoring == "per_period"
        ),
        cycles(),
        branch_names(),
        st.data(),
    )
    def test_all_branches_never_beats_the_share(self, rule, cycle, names, data):
        """For the same data, 'all' branches must meet ≤ the share of branch-periods."""
        records = data.draw(branch_activities(cycle, names))
        every = _outcome(rule, cycle, names, records, Fraction(10))
        each = _outcome(
            attrs.evolve(rule, per_branch="each"), cycle, names, records, Fraction(10)
        )
        assert every.points <= each.points

    @given(branch_seasons(unattributed=True), st.data())
    def test_adding_an_activity_never_lowers_points(self, season, data):
        """One more record, of any branch or none, on any date: points never fall."""
        rule, cycle, names, records, maximum = season
        extra = Activity(
            "B1",
            data.draw(dates_in(cycle)),
            branch=data.draw(st.sampled_from((*names, None))),
        )
        as_of = data.draw(st.none() | dates_in(cycle))
        before = _outcome(rule, cycle, names, records, maximum, as_of=as_of)
        after = _outcome(rule, cycle, names, [*records, extra], maximum, as_of=as_of)
        assert after.points >= before.points

    @given(
        branch_frequencies(per_branch=(None,)),
        st.sampled_from(("all", "each")),
        cycles(),
        st.data(),
    )
    def test_one_branch_equals_the_unit_level_rule(self, rule, mode, cycle, data):
        """With one branch holding every record, per-branch modes score as the unit."""
        names = ("第一党支部",)
        records = data.draw(branch_activities(cycle, names))
        as_of = data.draw(st.none() | dates_in(cycle))
        unit = _outcome(rule, cycle, names, records, Fraction(7), as_of=as_of)
        branch = _outcome(
            attrs.evolve(rule, per_branch=mode),
            cycle,
            names,
            records,
            Fraction(7),
            as_of=as_of,
        )
        assert branch.points == unit.points
        assert (branch.met, branch.missed) == (unit.met, unit.missed)

    @given(branch_seasons())
    def test_as_of_at_the_cycle_end_equals_no_as_of(self, season):
        """Counting as of the cycle's last day is the final count, exactly."""
        rule, cycle, names, records, maximum = season
        assert _outcome(
            rule, cycle, names, records, maximum, as_of=cycle.end
        ) == _outcome(rule, cycle, names, records, maximum)

    @given(branch_seasons(), st.data())
    def test_records_after_as_of_do_not_matter(self, season, data):
        """Dropping every record after as_of changes nothing."""
        rule, cycle, names, records, maximum = season
        as_of = data.draw(dates_in(cycle))
        kept = [a for a in records if a.occurred_at <= as_of]
        assert _outcome(rule, cycle, names, records, maximum, as_of=as_of) == _outcome(
            rule, cycle, names, kept, maximum, as_of=as_of
        )

    @given(branch_seasons())
    def test_branch_counts_add_up(self, season):
        """Each branch's counts sum to its records; together, to all attributed ones."""
        rule, cycle, names, records, maximum = season
        outcome = _outcome(rule, cycle, names, records, maximum)
        if rule.per_branch is None:
            assert outcome.branches == ()
            return
        for branch in outcome.branches:
            assert sum(branch.counts) == sum(
                1 for a in records if a.branch == branch.branch
            )


class TestThroughTheEngine:
    def test_score_counts_each_branch_of_the_evaluation(self):
        """score() hands the evaluation's branches and as_of to the per-branch rules."""
        rubric = Rubric(
            "jgdj",
            "2025",
            "市直机关党建工作责任制考核细则",
            [
                Section(
                    "A",
                    "组织生活",
                    100,
                    indicators=[
                        Indicator("A1", "支部党员大会", 40, congress()),
                        Indicator(
                            "A2",
                            "支委会",
                            60,
                            Frequency("month", align="calendar", per_branch="each"),
                        ),
                    ],
                )
            ],
        )
        branches = BRANCHES[:2]
        congresses = [
            attrs.evolve(a, indicator_id="A1")
            for b in branches
            for a in held(b, *EVERY_QUARTER[:4])
            if not (b == "第二党支部" and a.occurred_at == date(2025, 11, 15))
        ]
        committees = [
            attrs.evolve(a, indicator_id="A2")
            for b in branches
            for a in held(b, *ALL_MONTHS, day=9)
            if not (b == "第二党支部" and a.occurred_at >= date(2026, 3, 1))
        ]
        evaluation = Evaluation(
            "SFJ", activities=congresses + committees, branches=branches
        )
        card = score(rubric, evaluation, cycle=CYCLE)
        assert "第二党支部 2025年第四季度未召开党员大会" in card.indicators["A1"].reason
        assert card.indicators["A1"].points == 30  # 3/4 × 40
        assert card.indicators["A2"].points == 55  # 22/24 × 60
        assert card.total == 85
        midway = score(rubric, evaluation, cycle=CYCLE, as_of=date(2025, 10, 31))
        assert midway.total == 100
        assert midway.indicators["A2"].reason.startswith(
            "截至2025年10月31日，2个党支部各已到期6个月全部达到每月至少1次"
        )


def test_a_per_branch_rule_for_a_unit_without_branches_names_unit_and_indicator():
    """score() reports it under the unit's evaluation, with the other problems."""
    from pbcheck import (
        Activity,
        AssessmentCycle,
        Evaluation,
        Frequency,
        Indicator,
        Rubric,
        Section,
        ValidationError,
        score,
    )

    rubric = Rubric(
        "r",
        "1",
        "细则",
        [
            Section(
                "A",
                "组织建设",
                10,
                indicators=[
                    Indicator(
                        "A1", "党员大会", 10, Frequency("quarter", per_branch="all")
                    )
                ],
            )
        ],
        total_points=10,
    )
    evaluation = Evaluation("SFJ", activities=[Activity("A1", date(2025, 6, 1))])
    with pytest.raises(ValidationError) as info:
        score(rubric, evaluation, cycle=AssessmentCycle.cross_year(2025))
    (problem,) = info.value.problems
    assert problem.path == "evaluations[SFJ].indicators[A1]"
    assert "declare the unit's 党支部" in problem.message
