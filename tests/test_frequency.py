"""Tests for pbcheck.model.frequency: "at least k per month / quarter / half / cycle"."""

from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import RoundingPolicy
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    OutOfCycleError,
    ValidationError,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.frequency import Frequency, FrequencyOutcome
from pbcheck.testing._cycles import cycles, dates_in

CYCLE = AssessmentCycle.cross_year(2025)  # 2025-05-01 … 2026-04-30


def monthly(*months: tuple[int, int], day: int = 10) -> list[date]:
    return [date(year, month, day) for year, month in months]


ALL_MONTHS = [(2025, m) for m in range(5, 13)] + [(2026, m) for m in range(1, 5)]


class TestFrequencyValidation:
    def test_every_problem_is_reported_at_once(self):
        """Unknown unit, zero count, unknown scoring are all reported together."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("week", 0, "sometimes")  # type: ignore[arg-type]
        assert [p.path for p in excinfo.value.problems] == [
            "frequency.per",
            "frequency.at_least",
            "frequency.scoring",
        ]

    def test_boolean_count_is_refused(self):
        """at_least=True is not a count."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("month", True)
        assert isinstance(excinfo.value.problems[0], InvalidTypeError)

    def test_deduct_per_miss_needs_a_deduction(self):
        """deduct_per_miss without a deduction is refused."""
        with pytest.raises(ValidationError, match="invalid frequency rule") as excinfo:
            Frequency("month", scoring="deduct_per_miss")
        assert "required" in excinfo.value.problems[0].message

    def test_deduction_without_deduct_per_miss_is_refused(self):
        """A deduction on a per_period rule would be silently ignored: refused."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("month", deduction="0.5")
        assert "only when scoring is 'deduct_per_miss'" in str(
            excinfo.value.problems[0]
        )

    @pytest.mark.parametrize(
        ("deduction", "error"),
        [
            (0.5, InvalidTypeError),
            ("半分", InvalidValueError),
            ("0", InvalidValueError),
            (-1, InvalidValueError),
        ],
    )
    def test_bad_deductions_are_refused(self, deduction, error):
        """Floats, text, zero and negative deductions are refused."""
        with pytest.raises(ValidationError) as excinfo:
            Frequency("month", scoring="deduct_per_miss", deduction=deduction)
        (problem,) = excinfo.value.problems
        assert isinstance(problem, error)
        assert problem.path == "frequency.deduction"

    @pytest.mark.parametrize("given_value", ["0.5", Decimal("0.5"), Fraction(1, 2)])
    def test_deduction_becomes_an_exact_fraction(self, given_value):
        """Any exact form of one half is stored as Fraction(1, 2)."""
        rule = Frequency("month", scoring="deduct_per_miss", deduction=given_value)
        assert rule.deduction == Fraction(1, 2)
        assert type(rule.deduction) is Fraction

    def test_describe(self):
        """The rule reads as Chinese: 每季度至少2次."""
        assert Frequency("quarter", 2).describe() == "每季度至少2次"


class TestSanHuiYiKe:
    """The 三会一课 obligations over the 2025—2026 cross-year cycle."""

    def test_branch_committee_monthly_with_two_missed_months(self):
        """支委会 monthly: 10 of 12 months met, per_period → 10/12 × 3 = 2.5."""
        held = [m for m in ALL_MONTHS if m not in {(2025, 8), (2025, 12)}]
        outcome = Frequency("month").evaluate(monthly(*held), CYCLE, Fraction(3))
        assert outcome.points == Fraction(5, 2)
        assert [p.label for p in outcome.missed] == ["2025年8月", "2025年12月"]
        assert len(outcome.met) == 10
        assert outcome.counts == (1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1)
        assert str(outcome.reason) == (
            "12个月中10个月达到每月至少1次（未达到：2025年8月、2025年12月），"
            "按达到比例计分：10 ÷ 12 × 3，得 2.5 分"
        )

    def test_branch_committee_two_in_one_month_do_not_cover_another(self):
        """Two meetings in May do not make up for a missing June."""
        held = [date(2025, 5, 5), date(2025, 5, 25)]
        held += monthly(*[m for m in ALL_MONTHS if m not in {(2025, 5), (2025, 6)}])
        outcome = Frequency("month").evaluate(held, CYCLE, Fraction(3))
        assert outcome.counts[:2] == (2, 0)
        assert [p.label for p in outcome.missed] == ["2025年6月"]
        assert outcome.points == Fraction(11, 4)

    def test_party_lesson_quarterly(self):
        """党课 quarterly, missing Nov–Jan: 3/4 × 2 = 1.5; all-or-nothing gives 0."""
        lessons = [date(2025, 6, 1), date(2025, 9, 1), date(2026, 3, 1)]
        per_period = Frequency("quarter").evaluate(lessons, CYCLE, Fraction(2))
        assert per_period.points == Fraction(3, 2)
        assert per_period.missed[0].label == "2025年11月—2026年1月（考核期第3季度）"
        strict = Frequency("quarter", scoring="all_or_nothing")
        outcome = strict.evaluate(lessons, CYCLE, Fraction(2))
        assert outcome.points == 0
        assert "须全部达到方可得分，得 0 分" in str(outcome.reason)
        deduct = Frequency("quarter", scoring="deduct_per_miss", deduction="0.5")
        outcome = deduct.evaluate(lessons, CYCLE, Fraction(2))
        assert outcome.points == Fraction(3, 2)
        assert "2 − 0.5 × 1 = 1.5 分" in str(outcome.reason)

    def test_party_member_congress_twice_a_year_is_once_per_half(self):
        """A rubric's "党员大会 twice a year": once per half; two in one half miss one.

        The 支部工作条例 (第十一条) asks a branch's 党员大会 一般每季度召开1次;
        that rule is tested in test_branches.
        """
        rule = Frequency("half")
        both_halves = rule.evaluate(
            [date(2025, 7, 1), date(2026, 1, 8)], CYCLE, Fraction(2)
        )
        assert both_halves.points == 2
        assert str(both_halves.reason).startswith("2个半年全部达到每半年至少1次")
        same_half = rule.evaluate(
            [date(2025, 7, 1), date(2025, 10, 8)], CYCLE, Fraction(2)
        )
        assert same_half.counts == (2, 0)
        assert same_half.points == 1
        assert same_half.missed[0].label == "2025年11月—2026年4月（考核期后半年）"

    def test_democratic_life_meeting_at_least_yearly(self):
        """民主生活会 at least once per cycle: one in January earns full points."""
        rule = Frequency("cycle", scoring="all_or_nothing")
        held = rule.evaluate([date(2026, 1, 20)], CYCLE, Fraction(3))
        assert held.points == 3
        assert str(held.reason) == "1个考核周期全部达到每个考核周期至少1次，得满分 3 分"
        assert rule.evaluate([], CYCLE, Fraction(3)).points == 0

    def test_deduction_is_floored_at_zero(self):
        """Six missed months at 0.5 each from 2 points floors at 0, and says so."""
        rule = Frequency("month", scoring="deduct_per_miss", deduction="0.5")
        outcome = rule.evaluate(monthly(*ALL_MONTHS[:6]), CYCLE, Fraction(2))
        assert outcome.points == 0
        assert "2 − 0.5 × 6 = -1，不低于 0，得 0 分" in str(outcome.reason)

    def test_non_decimal_points_stay_exact_and_are_worded_rounded(self):
        """1/12 of a point stays exact; the reason words it at the rounding, no fraction."""
        outcome = Frequency("month").evaluate([date(2025, 5, 1)], CYCLE, Fraction(1))
        assert outcome.points == Fraction(1, 12)
        assert outcome.reason.amounts[-1] == Fraction(1, 12)
        assert str(outcome.reason).endswith("1 ÷ 12 × 1，得 0.08 分")
        assert outcome.reason.render(RoundingPolicy(places=3)).endswith("得 0.083 分")


class TestEvaluateInputs:
    def test_out_of_cycle_record_names_record_date_and_cycle(self):
        """A record after the period raises OutOfCycleError naming all three."""
        with pytest.raises(OutOfCycleError) as excinfo:
            Frequency("month").evaluate(
                [date(2025, 6, 1), date(2026, 5, 2)], CYCLE, Fraction(3)
            )
        message = str(excinfo.value)
        assert "occurred[1]" in message
        assert "2026-05-02" in message
        assert "2025—2026年度" in message

    def test_naive_datetime_record_is_refused(self):
        """A naive datetime among the records is refused, not guessed."""
        with pytest.raises(InvalidValueError, match="timezone-aware"):
            Frequency("month").evaluate(
                [datetime(2025, 6, 1, 9, 0)],  # noqa: DTZ001
                CYCLE,
                Fraction(3),
            )

    def test_aware_datetimes_count_in_the_local_month(self):
        """2025-05-31T16:30Z is June 1 in Shanghai, so it counts for June."""
        outcome = Frequency("month").evaluate(
            [datetime(2025, 5, 31, 16, 30, tzinfo=UTC)], CYCLE, Fraction(1)
        )
        assert outcome.counts[:2] == (0, 1)

    def test_negative_or_float_maximum_is_refused(self):
        """max_points must be an exact number ≥ 0."""
        with pytest.raises(InvalidValueError, match="max_points"):
            Frequency("month").evaluate([], CYCLE, Fraction(-1))
        with pytest.raises(InvalidTypeError, match="max_points"):
            Frequency("month").evaluate([], CYCLE, 3.0)  # type: ignore[arg-type]

    def test_a_string_is_not_a_list_of_dates(self):
        """Passing one ISO string instead of a list of dates is refused."""
        with pytest.raises(InvalidTypeError, match="occurred"):
            Frequency("month").evaluate("2025-06-01", CYCLE, Fraction(1))  # type: ignore[arg-type]


@st.composite
def frequencies(draw: st.DrawFn) -> Frequency:
    scoring = draw(st.sampled_from(("all_or_nothing", "per_period", "deduct_per_miss")))
    deduction = (
        draw(st.fractions(Fraction(1, 10), 5, max_denominator=20))
        if scoring == "deduct_per_miss"
        else None
    )
    return Frequency(
        draw(st.sampled_from(("month", "quarter", "half", "cycle"))),
        draw(st.integers(1, 3)),
        scoring,
        deduction,
    )


cycles_with_records = cycles().flatmap(
    lambda c: st.tuples(st.just(c), st.lists(dates_in(c), max_size=40))
)
max_points = st.fractions(0, 100, max_denominator=100)


class TestFrequencyProperties:
    @given(frequencies(), cycles_with_records, max_points, st.randoms())
    def test_order_of_records_does_not_matter(self, rule, pair, maximum, rnd):
        """Shuffling the records gives exactly the same outcome."""
        cycle, records = pair
        shuffled = list(records)
        rnd.shuffle(shuffled)
        assert rule.evaluate(records, cycle, maximum) == rule.evaluate(
            shuffled, cycle, maximum
        )

    @given(frequencies(), cycles_with_records, max_points)
    def test_each_record_counts_once_in_its_sub_period(self, rule, pair, maximum):
        """counts sum to the number of records, each in the sub-period holding it."""
        cycle, records = pair
        outcome = rule.evaluate(records, cycle, maximum)
        assert sum(outcome.counts) == len(records)
        assert outcome.periods == cycle.sub_periods(rule.per)
        for period, count in zip(outcome.periods, outcome.counts, strict=True):
            assert count == sum(1 for d in records if period.contains(d))

    @given(frequencies(), cycles_with_records, max_points)
    def test_points_are_exact_and_within_bounds(self, rule, pair, maximum):
        """Points are a Fraction in [0, max] and follow the scoring formula."""
        cycle, records = pair
        outcome = rule.evaluate(records, cycle, maximum)
        assert isinstance(outcome, FrequencyOutcome)
        assert isinstance(outcome.points, Fraction)
        assert 0 <= outcome.points <= maximum
        met, missed, total = len(outcome.met), len(outcome.missed), len(outcome.periods)
        assert met + missed == total
        assert set(outcome.met).isdisjoint(outcome.missed)
        if rule.scoring == "all_or_nothing":
            assert outcome.points == (maximum if missed == 0 else 0)
        elif rule.scoring == "per_period":
            assert outcome.points == maximum * Fraction(met, total)
        else:
            assert rule.deduction is not None
            assert outcome.points == max(Fraction(0), maximum - rule.deduction * missed)
        assert f"{met}" in str(outcome.reason)
