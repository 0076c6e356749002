"""Tests for pbcheck.model.cycle: assessment cycles, milestones, sub-periods, calendars."""

from datetime import UTC, date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    OutOfCycleError,
    UnknownReferenceError,
    ValidationError,
    render,
)
from pbcheck.model.cycle import AssessmentCycle, CycleCalendar, Milestone
from pbcheck.testing._cycles import aware_datetimes, cycle_calendars, cycles, dates_in

SHANGHAI = timezone(timedelta(hours=8))
UNITS = ("month", "quarter", "half", "cycle")


def problems_of(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


class TestMilestone:
    def test_valid_milestone_keeps_its_fields(self):
        """A well-formed milestone stores exactly what it was given."""
        m = Milestone(
            "self_check", "半年自查", "Half-year self-check", date(2025, 11, 30)
        )
        assert (m.key, m.name_zh, m.name_en, m.date) == (
            "self_check",
            "半年自查",
            "Half-year self-check",
            date(2025, 11, 30),
        )

    def test_every_problem_is_reported_at_once(self):
        """Bad key, empty names and a datetime date are all reported together."""
        with pytest.raises(ValidationError) as excinfo:
            Milestone("Self Check", "", " ", datetime(2025, 11, 30, tzinfo=UTC))
        paths = [p.path for p in excinfo.value.problems]
        assert paths == [
            "milestone.key",
            "milestone.name_zh",
            "milestone.name_en",
            "milestone.date",
        ]
        assert isinstance(excinfo.value.problems[-1], InvalidTypeError)


class TestCrossYear:
    def test_2025_golden_dates(self):
        """The 2025 cross-year cycle: May 2025 – April 2026, assessed May 2026, 七一."""
        cycle = AssessmentCycle.cross_year(2025)
        assert (cycle.start, cycle.end) == (date(2025, 5, 1), date(2026, 4, 30))
        assert (cycle.label_zh, cycle.label_en) == ("2025—2026年度", "2025–2026")
        assert cycle.kind == "cross_year"
        assert cycle.zone == "Asia/Shanghai"
        assert cycle.days == 365
        assert [(m.key, m.name_zh, m.date) for m in cycle.milestones] == [
            ("period_start", "考核期开始", date(2025, 5, 1)),
            ("self_check", "半年自查", date(2025, 11, 30)),
            ("period_end", "考核期结束", date(2026, 4, 30)),
            ("assessment_window_open", "考评开始", date(2026, 5, 1)),
            ("assessment_window_close", "考评结束", date(2026, 5, 31)),
            ("results_announced", "考评结果公布", date(2026, 6, 15)),
            ("commendation", "七一表彰", date(2026, 6, 30)),
        ]

    def test_overrides_replace_default_dates(self):
        """An override moves just that milestone; the others keep their defaults."""
        cycle = AssessmentCycle.cross_year(
            2025,
            overrides={
                "commendation": date(2026, 6, 28),
                "self_check": date(2025, 11, 15),
            },
        )
        assert cycle.milestone("commendation").date == date(2026, 6, 28)
        assert cycle.milestone("self_check").date == date(2025, 11, 15)
        assert cycle.milestone("results_announced").date == date(2026, 6, 15)

    def test_unknown_and_fixed_override_keys_are_all_reported(self):
        """Unknown keys and the fixed period keys are refused, each by name."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.cross_year(
                2025,
                overrides={
                    "commendaton": date(2026, 6, 1),
                    "period_end": date(2026, 3, 31),
                    "self_check": "2025-11-30",  # type: ignore[dict-item]
                },
            )
        problems = excinfo.value.problems
        assert [p.path for p in problems] == [
            "overrides.commendaton",
            "overrides.period_end",
            "overrides.self_check",
        ]
        assert isinstance(problems[0], UnknownReferenceError)
        assert "commendation" in problems[0].message  # the known keys are listed
        assert "fixed by the period" in problems[1].message
        assert isinstance(problems[2], InvalidTypeError)

    def test_out_of_order_override_names_milestones_and_dates(self):
        """A self-check moved past the period end names both milestones and dates."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.cross_year(2025, overrides={"self_check": date(2026, 5, 2)})
        (problem,) = excinfo.value.problems
        assert problem.path == "cycle.milestones[period_end].date"
        assert "period_end" in problem.message
        assert "2026-04-30" in problem.message
        assert "self_check" in problem.message
        assert "2026-05-02" in problem.message

    def test_commendation_must_precede_july_first(self):
        """七一表彰 on or after July 1 is refused in a cross-year cycle."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.cross_year(
                2025, overrides={"commendation": date(2026, 7, 1)}
            )
        assert any("July 1 (七一)" in line for line in render(excinfo.value))

    @pytest.mark.parametrize("year", [0, 9998, True, "2025", 2025.0])
    def test_bad_years_are_refused(self, year):
        """Years outside 1–9997, booleans, strings and floats are refused."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.cross_year(year)
        assert excinfo.value.problems[0].path == "year"
        assert excinfo.value.problems[0].value is year

    def test_bad_zone_is_refused(self):
        """An unknown IANA zone name is refused, naming the field."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.cross_year(2025, zone="Asia/Beijing")
        (problem,) = excinfo.value.problems
        assert (problem.path, problem.value) == ("cycle.zone", "Asia/Beijing")


class TestOtherKinds:
    def test_calendar_year_golden_dates(self):
        """Calendar year 2025: Jan–Dec, self-check July 31, assessed January 2026."""
        cycle = AssessmentCycle.calendar_year(2025)
        assert (cycle.start, cycle.end, cycle.label_zh) == (
            date(2025, 1, 1),
            date(2025, 12, 31),
            "2025年度",
        )
        assert [m.date for m in cycle.milestones] == [
            date(2025, 1, 1),
            date(2025, 7, 31),
            date(2025, 12, 31),
            date(2026, 1, 1),
            date(2026, 1, 31),
            date(2026, 2, 15),
            date(2026, 2, 28),
        ]
        assert cycle.milestone("commendation").name_zh == "总结表彰"

    def test_generic_short_cycle_has_no_self_check(self):
        """A six-month generic cycle has no half-year self-check and ends on Aug 31."""
        cycle = AssessmentCycle.generic(2025, 3, 6)
        assert (cycle.start, cycle.end) == (date(2025, 3, 1), date(2025, 8, 31))
        assert "self_check" not in [m.key for m in cycle.milestones]
        assert cycle.kind == "generic"

    def test_generic_twelve_months_from_may_matches_cross_year_dates(self):
        """generic(2025, 5) has the same period and dates as cross_year(2025)."""
        generic = AssessmentCycle.generic(2025, 5)
        cross = AssessmentCycle.cross_year(2025)
        assert [m.date for m in generic.milestones] == [
            m.date for m in cross.milestones
        ]
        assert generic.label_zh == cross.label_zh

    def test_term_mid_and_end(self):
        """届中 assesses the first half of the term, 届末 the whole term."""
        mid = AssessmentCycle.term(date(2021, 6, 18), 5, "mid")
        end = AssessmentCycle.term(date(2021, 6, 18), 5, "end")
        assert (mid.start, mid.end) == (date(2021, 6, 18), date(2023, 12, 17))
        assert (end.start, end.end) == (date(2021, 6, 18), date(2026, 6, 17))
        assert mid.label_zh == "2021—2026年任期（届中）"
        assert end.label_zh == "2021—2026年任期（届末）"
        assert (mid.kind, end.kind) == ("term_mid", "term_end")
        assert end.milestone("self_check").name_zh == "中期自查"
        assert end.milestone("assessment_window_open").date == date(2026, 6, 18)

    def test_term_arguments_are_all_checked(self):
        """A bad start, a zero-year term and an unknown stage are reported together."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle.term("2021-06-18", 0, "late")  # type: ignore[arg-type]
        assert [p.path for p in excinfo.value.problems] == [
            "term.start",
            "term.years",
            "term.stage",
        ]


class TestCustomCycle:
    def test_default_labels_follow_the_dates(self):
        """Direct construction derives labels from the period."""
        cycle = AssessmentCycle(date(2021, 6, 18), date(2022, 6, 17))
        assert cycle.label_zh == "2021年6月18日—2022年6月17日"
        assert cycle.label_en == "2021-06-18–2022-06-17"
        assert cycle.kind == "custom"

    def test_milestones_out_of_stated_order_are_refused(self):
        """Each milestone earlier than the one before it is named with both dates."""
        steps = (
            Milestone("kickoff", "动员部署", "Kick-off", date(2025, 3, 1)),
            Milestone("self_check", "半年自查", "Self-check", date(2025, 2, 1)),
            Milestone("review", "检查", "Review", date(2025, 1, 1)),
        )
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle(date(2025, 1, 1), date(2025, 12, 31), milestones=steps)
        lines = problems_of(excinfo)
        assert len(lines) == 2
        assert "self_check" in lines[0]
        assert "2025-02-01" in lines[0]
        assert "kickoff" in lines[0]
        assert "2025-03-01" in lines[0]
        assert "review" in lines[1]

    def test_structural_problems_are_collected(self):
        """End before start, empty label, bad kind, bad zone and a duplicate key."""
        steps = [
            Milestone("a", "甲", "A", date(2025, 1, 1)),
            Milestone("a", "甲", "A", date(2025, 1, 2)),
        ]
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle(
                date(2025, 12, 31),
                date(2025, 1, 1),
                label_zh="",
                milestones=steps,
                zone="Mars/Olympus",
                kind="lunar",  # type: ignore[arg-type]
            )
        assert [p.path for p in excinfo.value.problems] == [
            "cycle.end",
            "cycle.label_zh",
            "cycle.zone",
            "cycle.kind",
            "cycle.milestones[a].key",
        ]

    def test_milestones_that_are_not_milestones_are_reported(self):
        """None or strings among the milestones are problems, not a raw TypeError."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle(date(2025, 1, 1), date(2025, 12, 31), milestones=None)  # type: ignore[arg-type]
        assert excinfo.value.problems[0].path == "cycle.milestones[0]"

    def test_period_milestones_must_match_the_period(self):
        """A period_start milestone on another day than start is refused."""
        steps = [Milestone("period_start", "考核期开始", "Start", date(2025, 1, 2))]
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle(date(2025, 1, 1), date(2025, 12, 31), milestones=steps)
        assert "2025-01-01" in problems_of(excinfo)[0]

    def test_kind_shapes_are_enforced(self):
        """A 'cross_year' cycle must run May–April, a 'calendar_year' one Jan–Dec."""
        with pytest.raises(ValidationError, match="invalid assessment cycle"):
            AssessmentCycle(date(2025, 1, 1), date(2025, 12, 31), kind="cross_year")
        with pytest.raises(ValidationError):
            AssessmentCycle(date(2025, 5, 1), date(2026, 4, 30), kind="calendar_year")

    def test_datetimes_are_not_period_bounds(self):
        """Period bounds must be local dates, not datetimes."""
        with pytest.raises(ValidationError) as excinfo:
            AssessmentCycle(datetime(2025, 1, 1, tzinfo=UTC), date(2025, 12, 31))
        assert excinfo.value.problems[0].path == "cycle.start"


class TestLeapYears:
    def test_2027_cross_year_holds_february_29(self):
        """The 2027 cross-year cycle contains 2028-02-29 and has 366 days."""
        cycle = AssessmentCycle.cross_year(2027)
        assert cycle.contains(date(2028, 2, 29))
        assert cycle.days == 366
        assert AssessmentCycle.cross_year(2026).days == 365

    @given(st.integers(1990, 2100))
    def test_cross_year_length_follows_february(self, year):
        """A cross-year cycle has 366 days exactly when February N+1 has 29 days."""
        cycle = AssessmentCycle.cross_year(year)
        leap = (date(year + 1, 3, 1) - date(year + 1, 2, 1)).days == 29
        assert cycle.days == (366 if leap else 365)

    @given(cycles())
    def test_milestones_are_in_stated_order(self, cycle):
        """Every built-in cycle's milestones are in order, between start and after end."""
        dates = [m.date for m in cycle.milestones]
        assert dates == sorted(dates)
        assert cycle.milestones[0].key == "period_start"
        assert cycle.milestones[0].date == cycle.start
        assert cycle.milestone("period_end").date == cycle.end
        assert cycle.milestone("assessment_window_open").date == cycle.end + timedelta(
            days=1
        )

    @pytest.mark.parametrize("year", [2023, 2027, 2099, 2100])
    def test_milestones_in_order_around_leap_years(self, year):
        """Both named kinds keep their order in and around leap years (2100 is not)."""
        for cycle in (
            AssessmentCycle.cross_year(year),
            AssessmentCycle.calendar_year(year),
        ):
            dates = [m.date for m in cycle.milestones]
            assert dates == sorted(dates)
            assert len({m.key for m in cycle.milestones}) == 7


class TestLocalDate:
    CYCLE = AssessmentCycle.cross_year(2025)

    def test_dates_are_taken_as_local(self):
        """A plain date is returned unchanged."""
        assert self.CYCLE.local_date(date(2026, 4, 30)) == date(2026, 4, 30)

    def test_late_evening_in_shanghai_is_inside(self):
        """2026-04-30T23:30+08:00 is the last day of the 2025 cross-year cycle."""
        moment = datetime(2026, 4, 30, 23, 30, tzinfo=SHANGHAI)
        assert self.CYCLE.contains(moment)
        assert self.CYCLE.local_date(moment) == date(2026, 4, 30)

    def test_utc_afternoon_is_already_may_in_shanghai(self):
        """2026-04-30T16:00Z is 2026-05-01 00:00 in Shanghai: outside the cycle."""
        moment = datetime(2026, 4, 30, 16, 0, tzinfo=UTC)
        assert self.CYCLE.local_date(moment) == date(2026, 5, 1)
        assert not self.CYCLE.contains(moment)
        utc_cycle = AssessmentCycle.cross_year(2025, zone="UTC")
        assert utc_cycle.contains(moment)

    def test_start_boundary_in_utc(self):
        """2025-04-30T16:00Z is already May 1 in Shanghai: inside the cycle."""
        assert self.CYCLE.contains(datetime(2025, 4, 30, 16, 0, tzinfo=UTC))
        assert not self.CYCLE.contains(datetime(2025, 4, 30, 15, 59, tzinfo=UTC))

    def test_naive_datetime_is_refused_naming_the_value(self):
        """A naive datetime raises InvalidValueError that shows the value."""
        naive = datetime(2026, 4, 30, 23, 30)  # noqa: DTZ001
        with pytest.raises(InvalidValueError, match="timezone-aware") as excinfo:
            self.CYCLE.contains(naive)
        assert excinfo.value.value is naive
        assert "2026, 4, 30, 23, 30" in str(excinfo.value)

    def test_other_types_are_refused(self):
        """A string is not a date."""
        with pytest.raises(InvalidTypeError):
            self.CYCLE.local_date("2026-04-30")  # type: ignore[arg-type]

    @given(cycles(), aware_datetimes())
    def test_contains_agrees_with_the_wall_clock_in_the_zone(self, cycle, moment):
        """contains() is exactly: the date on the cycle zone's wall clock is in range."""
        local = moment.astimezone(ZoneInfo(cycle.zone)).date()
        assert cycle.contains(moment) == (cycle.start <= local <= cycle.end)


class TestRequireWithin:
    CYCLE = AssessmentCycle.cross_year(2025)

    def test_inside_returns_the_local_date(self):
        """A record inside the cycle yields its local date."""
        moment = datetime(2025, 4, 30, 17, 0, tzinfo=UTC)
        assert self.CYCLE.require_within(moment, "records[0]") == date(2025, 5, 1)

    def test_error_names_record_date_and_cycle(self):
        """An out-of-cycle record names the record, its date and the cycle label."""
        with pytest.raises(OutOfCycleError) as excinfo:
            self.CYCLE.require_within(date(2026, 5, 3), "支委会记录[7]")
        message = str(excinfo.value)
        assert "支委会记录[7]" in message
        assert "2026-05-03" in message
        assert "2025—2026年度" in message
        assert isinstance(excinfo.value, ValueError)

    def test_error_shows_the_local_date_of_a_datetime(self):
        """For a datetime, the message gives the local date that fell outside."""
        with pytest.raises(OutOfCycleError, match="dated 2026-05-01"):
            self.CYCLE.require_within(datetime(2026, 4, 30, 16, tzinfo=UTC), "r")


class TestNextMilestone:
    CYCLE = AssessmentCycle.cross_year(2025)

    @pytest.mark.parametrize(
        ("today", "key", "days"),
        [
            (date(2025, 4, 1), "period_start", 30),
            (date(2025, 5, 1), "period_start", 0),
            (date(2025, 5, 2), "self_check", 212),
            (date(2026, 6, 1), "results_announced", 14),
            (date(2026, 6, 30), "commendation", 0),
        ],
    )
    def test_next_milestone_and_days_remaining(self, today, key, days):
        """The first milestone on or after today, with the whole days to go."""
        milestone, remaining = self.CYCLE.next_milestone(today)
        assert (milestone.key, remaining) == (key, days)

    def test_none_after_the_last_milestone(self):
        """Once the commendation has passed there is nothing next."""
        assert self.CYCLE.next_milestone(date(2026, 7, 1)) is None

    def test_aware_datetime_today_is_converted(self):
        """'today' as an aware datetime uses the cycle zone's date."""
        milestone, remaining = self.CYCLE.next_milestone(
            datetime(2026, 6, 29, 16, 30, tzinfo=UTC)  # 2026-06-30 00:30 Shanghai
        )
        assert (milestone.key, remaining) == ("commendation", 0)


class TestAssessmentWindow:
    CYCLE = AssessmentCycle.cross_year(2025)

    @pytest.mark.parametrize(
        ("today", "is_open"),
        [
            (date(2026, 4, 30), False),
            (date(2026, 5, 1), True),
            (date(2026, 5, 31), True),
            (date(2026, 6, 1), False),
        ],
    )
    def test_window_is_may_with_both_ends(self, today, is_open):
        """The 2025 cycle's assessment window is 2026-05-01 … 2026-05-31."""
        assert self.CYCLE.is_assessment_window_open(today) is is_open

    def test_cycle_without_window_raises(self):
        """Asking a cycle without a window fails loudly instead of saying 'closed'."""
        bare = AssessmentCycle(date(2025, 1, 1), date(2025, 12, 31))
        with pytest.raises(UnknownReferenceError, match="assessment_window_open"):
            bare.is_assessment_window_open(date(2025, 6, 1))


class TestSubPeriods:
    def test_cross_year_quarters(self):
        """Cross-year quarters are May–Jul, Aug–Oct, Nov–Jan, Feb–Apr."""
        quarters = AssessmentCycle.cross_year(2025).sub_periods("quarter")
        assert [(q.start, q.end) for q in quarters] == [
            (date(2025, 5, 1), date(2025, 7, 31)),
            (date(2025, 8, 1), date(2025, 10, 31)),
            (date(2025, 11, 1), date(2026, 1, 31)),
            (date(2026, 2, 1), date(2026, 4, 30)),
        ]
        assert quarters[0].label == "2025年5—7月（考核期第1季度）"
        assert [q.index for q in quarters] == [0, 1, 2, 3]

    def test_months_and_halves_labels(self):
        """Months are labelled 2025年5月 …; two halves are the cycle's 前半年 / 后半年."""
        cycle = AssessmentCycle.cross_year(2025)
        months = cycle.sub_periods("month")
        assert len(months) == 12
        assert (months[0].label, months[-1].label) == ("2025年5月", "2026年4月")
        assert months[9].days == 28  # February 2026
        halves = cycle.sub_periods("half")
        assert [h.label for h in halves] == [
            "2025年5—10月（考核期前半年）",
            "2025年11月—2026年4月（考核期后半年）",
        ]

    def test_cycle_quarters_cannot_pass_for_calendar_quarters(self):
        """A cross-year quarter names its months and its place in the cycle,
        never a bare 第N季度; one that is a calendar quarter keeps that name."""
        cross = AssessmentCycle.cross_year(2025).sub_periods("quarter")
        for quarter in cross:
            assert quarter.label.startswith(
                f"{quarter.start.year}年{quarter.start.month}"
            )
            assert f"（考核期第{quarter.index + 1}季度）" in quarter.label
            assert "cycle quarter" in quarter.label_en
        calendar = AssessmentCycle.calendar_year(2025).sub_periods("quarter")
        assert [q.label for q in calendar] == [
            "2025年第一季度",
            "2025年第二季度",
            "2025年第三季度",
            "2025年第四季度",
        ]
        assert calendar[0].label_en == "2025 Q1"

    def test_whole_cycle_unit(self):
        """'cycle' is one sub-period spanning the whole cycle."""
        cycle = AssessmentCycle.calendar_year(2025)
        (whole,) = cycle.sub_periods("cycle")
        assert (whole.start, whole.end) == (cycle.start, cycle.end)

    def test_term_starting_on_the_31st(self):
        """Months of a term starting Jan 31 are clamped, never overlapping."""
        cycle = AssessmentCycle.term(date(2021, 1, 31), 1)
        months = cycle.sub_periods("month")
        assert (months[0].start, months[0].end) == (
            date(2021, 1, 31),
            date(2021, 2, 27),
        )
        assert months[1].start == date(2021, 2, 28)
        assert months[0].label == "2021年1月31日—2月27日（考核期第1个月）"

    def test_unknown_unit_is_refused(self):
        """Units other than month / quarter / half / cycle are refused."""
        with pytest.raises(InvalidValueError, match="unit"):
            AssessmentCycle.cross_year(2025).sub_periods("week")  # type: ignore[arg-type]

    @given(cycles(), st.sampled_from(UNITS))
    def test_sub_periods_partition_the_cycle(self, cycle, unit):
        """Sub-periods are contiguous, non-empty, start at start and end at end."""
        periods = cycle.sub_periods(unit)
        assert periods[0].start == cycle.start
        assert periods[-1].end == cycle.end
        for before, after in pairwise(periods):
            assert after.start == before.end + timedelta(days=1)
        assert all(p.start <= p.end for p in periods)
        assert sum(p.days for p in periods) == cycle.days
        assert [p.index for p in periods] == list(range(len(periods)))


class TestCalendarSubPeriods:
    """align="calendar": the calendar's months, quarters and halves cut to the cycle."""

    def test_cross_year_calendar_quarters_with_partial_ends(self):
        """May–April: May–Jun 2025 and Apr 2026 are partial second quarters."""
        quarters = AssessmentCycle.cross_year(2025).sub_periods(
            "quarter", align="calendar"
        )
        assert [(q.start, q.end) for q in quarters] == [
            (date(2025, 5, 1), date(2025, 6, 30)),
            (date(2025, 7, 1), date(2025, 9, 30)),
            (date(2025, 10, 1), date(2025, 12, 31)),
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 4, 1), date(2026, 4, 30)),
        ]
        assert [q.label for q in quarters] == [
            "2025年5—6月（第二季度，部分）",
            "2025年第三季度",
            "2025年第四季度",
            "2026年第一季度",
            "2026年4月（第二季度，部分）",
        ]
        assert [q.partial for q in quarters] == [True, False, False, False, True]
        assert (quarters[0].whole_start, quarters[0].whole_end) == (
            date(2025, 4, 1),
            date(2025, 6, 30),
        )
        assert (quarters[0].days, quarters[0].whole_days) == (61, 91)
        assert quarters[1].whole_days == quarters[1].days == 92
        assert quarters[1].label_en == "2025 Q3"
        assert quarters[-1].label_en == "2026-04-01–2026-04-30 (2026 Q2, partial)"

    def test_cross_year_calendar_halves_and_months(self):
        """Halves: 5—6月 of 上半年, 下半年, 2026年1—4月 of 上半年; months are whole."""
        cycle = AssessmentCycle.cross_year(2025)
        halves = cycle.sub_periods("half", align="calendar")
        assert [h.label for h in halves] == [
            "2025年5—6月（上半年，部分）",
            "2025年下半年",
            "2026年1—4月（上半年，部分）",
        ]
        months = cycle.sub_periods("month", align="calendar")
        assert len(months) == 12
        assert not any(m.partial for m in months)
        assert (months[0].label, months[-1].label) == ("2025年5月", "2026年4月")

    def test_calendar_year_calendar_quarters_are_whole(self):
        """A calendar-year cycle has four whole calendar quarters, none partial."""
        quarters = AssessmentCycle.calendar_year(2025).sub_periods(
            "quarter", align="calendar"
        )
        assert [q.label for q in quarters] == [
            "2025年第一季度",
            "2025年第二季度",
            "2025年第三季度",
            "2025年第四季度",
        ]
        assert not any(q.partial for q in quarters)

    def test_a_cycle_starting_mid_month_names_days(self):
        """A term starting 10 May labels its cut first month and quarter by day."""
        cycle = AssessmentCycle.term(date(2025, 5, 10), 1)
        first_month = cycle.sub_periods("month", align="calendar")[0]
        assert first_month.label == "2025年5月10—31日（5月，部分）"
        first_quarter = cycle.sub_periods("quarter", align="calendar")[0]
        assert first_quarter.label == "2025年5月10日—6月30日（第二季度，部分）"

    def test_whole_cycle_unit_ignores_alignment(self):
        """'cycle' is the whole period whatever the alignment."""
        cycle = AssessmentCycle.cross_year(2025)
        assert cycle.sub_periods("cycle", align="calendar") == cycle.sub_periods(
            "cycle"
        )

    def test_unknown_alignment_is_refused(self):
        """An alignment other than 'cycle' or 'calendar' is refused, named align."""
        with pytest.raises(InvalidValueError, match="align"):
            AssessmentCycle.cross_year(2025).sub_periods("month", align="fiscal")  # type: ignore[arg-type]

    @given(cycles(), st.sampled_from(UNITS))
    def test_calendar_sub_periods_partition_the_cycle(self, cycle, unit):
        """No gap, no overlap, start..end covered; each lies in its calendar period."""
        periods = cycle.sub_periods(unit, align="calendar")
        assert periods[0].start == cycle.start
        assert periods[-1].end == cycle.end
        for before, after in pairwise(periods):
            assert after.start == before.end + timedelta(days=1)
        assert sum(p.days for p in periods) == cycle.days
        assert [p.index for p in periods] == list(range(len(periods)))
        for period in periods:
            assert period.start <= period.end
            if period.partial:
                assert period.whole_start is not None
                assert period.whole_end is not None
                assert period.whole_start <= period.start <= period.end
                assert period.end <= period.whole_end
                assert period.days < period.whole_days
            if unit != "cycle" and not period.partial:
                # A whole calendar period starts on the 1st of its first month.
                assert period.start.day == 1
                step = {"month": 1, "quarter": 3, "half": 6}[unit]
                assert (period.start.month - 1) % step == 0
        # Only the first and the last can be cut.
        assert not any(p.partial for p in periods[1:-1])


class TestCycleCalendar:
    def test_cycle_for_boundary_dates(self):
        """April 30 belongs to the cycle that started the May before; May 1 starts one."""
        cal = CycleCalendar.cross_year()
        assert cal.cycle_for(date(2026, 4, 30)) == AssessmentCycle.cross_year(2025)
        assert cal.cycle_for(date(2026, 5, 1)) == AssessmentCycle.cross_year(2026)
        assert cal.cycle_for(date(2026, 1, 15)).label_zh == "2025—2026年度"

    def test_cycle_for_converts_aware_datetimes(self):
        """2026-04-30T16:00Z maps to the 2026 cross-year cycle (May 1 in Shanghai)."""
        cal = CycleCalendar.cross_year()
        moment = datetime(2026, 4, 30, 16, 0, tzinfo=UTC)
        assert cal.cycle_for(moment).start == date(2026, 5, 1)
        with pytest.raises(InvalidValueError):
            cal.cycle_for(datetime(2026, 4, 30, 16, 0))  # noqa: DTZ001

    def test_cycle_by_start_year(self):
        """cycle(n) is the cycle whose period starts in year n."""
        assert CycleCalendar.cross_year().cycle(2025) == AssessmentCycle.cross_year(
            2025
        )
        assert CycleCalendar.calendar_year().cycle(2025) == (
            AssessmentCycle.calendar_year(2025)
        )
        assert CycleCalendar.generic(7, 6).cycle(2025).start == date(2025, 1, 1)

    def test_biennial_calendar_has_no_cycle_in_odd_years(self):
        """A year in which no cycle starts is an error naming the next start."""
        cal = CycleCalendar.generic(1, 24, anchor_year=2024)
        assert cal.cycle(2026).start == date(2026, 1, 1)
        with pytest.raises(InvalidValueError, match="next starts 2026-01-01"):
            cal.cycle(2025)

    def test_named_kinds_keep_their_shape(self):
        """A cross-year calendar starting in March is refused with a hint."""
        with pytest.raises(ValidationError, match="invalid cycle calendar"):
            CycleCalendar("cross_year", 3, 12)
        with pytest.raises(ValidationError) as excinfo:
            CycleCalendar.generic(13, 0, zone="Nowhere")
        assert [p.path for p in excinfo.value.problems] == [
            "calendar.start_month",
            "calendar.months",
            "calendar.zone",
        ]

    def test_reversed_range_is_refused(self):
        """last before first is a mistake, not an empty range."""
        cal = CycleCalendar.cross_year()
        with pytest.raises(InvalidValueError):
            list(cal.cycles_between(date(2026, 1, 1), date(2025, 1, 1)))
        with pytest.raises(InvalidValueError):
            cal.milestones_between(date(2026, 1, 1), date(2025, 1, 1))

    def test_work_calendar_golden(self):
        """Spring 2026: the end of one cycle, its assessment, the start of the next."""
        cal = CycleCalendar.cross_year()
        found = cal.milestones_between(date(2026, 4, 1), date(2026, 6, 30))
        assert [(c.label_en, m.key) for c, m in found] == [
            ("2025–2026", "period_end"),
            ("2025–2026", "assessment_window_open"),
            ("2026–2027", "period_start"),
            ("2025–2026", "assessment_window_close"),
            ("2025–2026", "results_announced"),
            ("2025–2026", "commendation"),
        ]

    @given(cycle_calendars(), st.dates(date(1990, 1, 1), date(2100, 12, 31)))
    def test_every_date_is_in_exactly_one_cycle(self, cal, day):
        """The cycle found for a date contains it, and no neighbouring cycle does."""
        cycle = cal.cycle_for(day)
        assert cycle.contains(day)
        around = list(
            cal.cycles_between(
                cycle.start - timedelta(days=1), cycle.end + timedelta(1)
            )
        )
        assert len(around) == 3
        assert [c.contains(day) for c in around] == [False, True, False]

    @given(
        cycle_calendars(),
        st.dates(date(1990, 1, 1), date(2095, 12, 31)),
        st.integers(0, 2000),
    )
    def test_consecutive_cycles_tile_time(self, cal, first, span):
        """Consecutive cycles touch without gaps or overlaps and cover the range."""
        last = first + timedelta(days=span)
        found = list(cal.cycles_between(first, last))
        assert found[0].contains(first)
        assert found[-1].contains(last)
        for before, after in pairwise(found):
            assert after.start == before.end + timedelta(days=1)

    @given(cycle_calendars(), st.integers(1990, 2100))
    def test_cycle_n_starts_in_year_n(self, cal, year):
        """cycle(n), when it exists, starts in n and is the cycle holding its start."""
        try:
            cycle = cal.cycle(year)
        except InvalidValueError:
            assert cal.months > 12
            return
        assert cycle.start.year == year
        assert cal.cycle_for(cycle.start) == cycle

    @given(
        cycle_calendars(),
        st.dates(date(1990, 1, 1), date(2095, 12, 31)),
        st.integers(0, 800),
    )
    def test_work_calendar_lists_every_milestone_in_range(self, cal, first, span):
        """milestones_between is sorted, in range, and misses none of nearby cycles."""
        last = first + timedelta(days=span)
        found = cal.milestones_between(first, last)
        assert [m.date for _, m in found] == sorted(m.date for _, m in found)
        assert all(first <= m.date <= last for _, m in found)
        lookback = cal.cycles_between(first - timedelta(days=31 * 70), last)
        expected = {
            (c.start, m.key)
            for c in lookback
            for m in c.milestones
            if first <= m.date <= last
        }
        assert {(c.start, m.key) for c, m in found} == expected


class TestStrategies:
    @given(cycles().flatmap(lambda c: st.tuples(st.just(c), dates_in(c))))
    def test_dates_in_stays_in_its_cycle(self, pair):
        """dates_in(cycle) only draws dates the cycle contains."""
        cycle, day = pair
        assert cycle.contains(day)

    @given(aware_datetimes())
    def test_aware_datetimes_are_aware(self, moment):
        """aware_datetimes() never draws a naive datetime."""
        assert moment.utcoffset() is not None
