"""Working calendar: weekends, holidays, 调休 workdays and working-day windows."""

from __future__ import annotations

import builtins
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    ValidationError,
)
from pbcheck.season.calendar import WorkingCalendar
from pbcheck.testing._season_calendar import calendar_days, working_calendars

# National Day 2026 (国庆节): 1–7 October off, Saturday 10 October worked.
NATIONAL_DAY = [date(2026, 10, 1) + timedelta(days=k) for k in range(7)]
NATIONAL_DAY_WORKDAY = date(2026, 10, 10)


class TestDays:
    def test_weekdays_work_and_weekends_rest_by_default(self) -> None:
        """Without lists, Monday–Friday are working days and Saturday–Sunday are not."""
        calendar = WorkingCalendar()
        week = [date(2026, 6, 15) + timedelta(days=k) for k in range(7)]
        assert [calendar.is_working_day(day) for day in week] == [True] * 5 + [
            False
        ] * 2

    def test_a_holiday_rests_and_a_workday_works(self) -> None:
        """A listed holiday on a weekday rests; a listed 调休 Saturday works."""
        calendar = WorkingCalendar(
            holidays=NATIONAL_DAY, workdays=[NATIONAL_DAY_WORKDAY]
        )
        assert not calendar.is_working_day(date(2026, 10, 5))  # a Monday
        assert calendar.is_working_day(NATIONAL_DAY_WORKDAY)
        assert not calendar.is_working_day(date(2026, 10, 11))  # Sunday after

    def test_lists_are_sorted_and_each_day_once(self) -> None:
        """Equal lists in another order, with repeats, give an equal calendar."""
        one = WorkingCalendar(holidays=[date(2026, 1, 2), date(2026, 1, 1)])
        two = WorkingCalendar(
            holidays=[date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 1)]
        )
        assert one == two
        assert one.holidays == (date(2026, 1, 1), date(2026, 1, 2))

    def test_one_date_alone_is_one_day(self) -> None:
        """A single date given for a list is that day, not an error."""
        assert WorkingCalendar(holidays=date(2026, 1, 1)).holidays == (
            date(2026, 1, 1),
        )

    def test_repr_counts_the_days(self) -> None:
        """The repr says how many holidays and workdays, and which years."""
        calendar = WorkingCalendar(
            holidays=NATIONAL_DAY, workdays=[NATIONAL_DAY_WORKDAY], years=[2026]
        )
        assert repr(calendar) == "<WorkingCalendar: 节假日 7 天，调休上班 1 天，2026年>"


class TestValidation:
    def test_a_day_both_holiday_and_workday_is_named(self) -> None:
        """A day in both lists is refused, naming the day and where it is."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar(
                holidays=[date(2026, 10, 3)],
                workdays=[date(2026, 9, 20), date(2026, 10, 3)],
            )
        (problem,) = caught.value.problems
        assert problem.steps == ("workdays", 1)
        assert problem.value == date(2026, 10, 3)
        assert "also listed as a holiday" in problem.message

    def test_a_weekday_workday_is_refused(self) -> None:
        """A 调休 workday must be a Saturday or Sunday."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar(workdays=[date(2026, 10, 7)])
        (problem,) = caught.value.problems
        assert "Saturday or Sunday" in problem.message

    def test_every_problem_at_once(self) -> None:
        """A datetime, a text and a bad year are all reported together."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar(
                holidays=[datetime(2026, 1, 1, tzinfo=UTC), "2026-01-02"],
                years=["2026"],
            )
        assert [p.steps for p in caught.value.problems] == [
            ("holidays", 0),
            ("holidays", 1),
            ("years", 0),
        ]
        assert all(isinstance(p, InvalidTypeError) for p in caught.value.problems)

    def test_no_years_is_refused(self) -> None:
        """``years=[]`` covers nothing, so it is refused rather than read as all."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar(years=[])
        assert "at least one year" in caught.value.problems[0].message

    @pytest.mark.parametrize("n", [0, -1, True, 1.0])
    def test_window_length_must_be_whole(self, n: Any) -> None:
        """A window of 0, negative, boolean or float length is refused naming n."""
        with pytest.raises(InvalidValueError) as caught:
            WorkingCalendar().working_days_from(date(2026, 6, 15), n)
        assert caught.value.steps == ("n",)

    def test_start_must_be_a_date(self) -> None:
        """A datetime start is refused (a window counts days, not instants)."""
        with pytest.raises(InvalidTypeError) as caught:
            WorkingCalendar().working_days_from(datetime(2026, 6, 15, 9, tzinfo=UTC), 5)
        assert caught.value.steps == ("start",)

    def test_between_refuses_a_reversed_span(self) -> None:
        """``last`` before ``first`` is refused, naming ``last``."""
        with pytest.raises(InvalidValueError) as caught:
            WorkingCalendar().working_days_between(date(2026, 6, 2), date(2026, 6, 1))
        assert caught.value.steps == ("last",)


class TestCoverage:
    def test_a_day_outside_the_years_is_refused(self) -> None:
        """A calendar for 2026 refuses to say whether a 2027 day is worked."""
        calendar = WorkingCalendar(years=[2026])
        assert calendar.is_working_day(date(2026, 12, 31))
        with pytest.raises(InvalidValueError, match="covers 2026 only"):
            calendar.is_working_day(date(2027, 1, 4))

    def test_a_window_running_past_the_years_is_refused(self) -> None:
        """A window at the turn of the year needs the next year's data."""
        calendar = WorkingCalendar(years=[2026])
        with pytest.raises(InvalidValueError, match="covers 2026 only"):
            calendar.working_days_from(date(2026, 12, 29), 5)
        assert WorkingCalendar(years=[2026, 2027]).working_days_from(
            date(2026, 12, 29), 5
        ) == date(2027, 1, 4)

    def test_years_with_a_gap_are_listed(self) -> None:
        """Years 2024 and 2026 are named each, not as a span that includes 2025."""
        with pytest.raises(InvalidValueError, match="covers 2024、2026 only"):
            WorkingCalendar(years=[2026, 2024]).is_working_day(date(2025, 3, 3))


class TestWindows:
    def test_a_window_starting_on_a_rest_day_begins_on_the_next_working_day(
        self,
    ) -> None:
        """Starting on Saturday, one working day ends on Monday."""
        assert WorkingCalendar().working_days_from(date(2026, 6, 13), 1) == date(
            2026, 6, 15
        )

    def test_national_day_window(self) -> None:
        """5 working days of 公示 from 30 September 2026 end on 12 October.

        30 Sep (Wed) is day 1, 1–7 Oct are off, 8 and 9 Oct are days 2 and 3,
        Saturday 10 Oct (调休) is day 4, and Monday 12 Oct is day 5.
        """
        calendar = WorkingCalendar(
            holidays=NATIONAL_DAY, workdays=[NATIONAL_DAY_WORKDAY]
        )
        assert calendar.working_days_from(date(2026, 9, 30), 5) == date(2026, 10, 12)

    @given(working_calendars(), calendar_days(), st.integers(1, 40))
    def test_the_window_ends_on_a_working_day(
        self, calendar: WorkingCalendar, start: date, n: int
    ) -> None:
        """Whatever the calendar, a window's last day is a working day."""
        assert calendar.is_working_day(calendar.working_days_from(start, n))

    @given(working_calendars(), calendar_days(), st.integers(1, 40))
    def test_counting_back_gives_n(
        self, calendar: WorkingCalendar, start: date, n: int
    ) -> None:
        """The working days from start to the window's end are exactly n."""
        end = calendar.working_days_from(start, n)
        assert calendar.working_days_between(start, end) == n

    @given(working_calendars(), calendar_days(), st.integers(1, 40))
    def test_windows_grow_with_n(
        self, calendar: WorkingCalendar, start: date, n: int
    ) -> None:
        """One working day more always ends strictly later (monotone in n)."""
        assert calendar.working_days_from(start, n) < calendar.working_days_from(
            start, n + 1
        )

    @given(working_calendars(), calendar_days(), calendar_days())
    def test_between_counts_the_working_days(
        self, calendar: WorkingCalendar, one: date, two: date
    ) -> None:
        """``working_days_between`` equals counting ``is_working_day`` day by day."""
        first, last = min(one, two), max(one, two)
        days = (first + timedelta(days=k) for k in range((last - first).days + 1))
        assert calendar.working_days_between(first, last) == sum(
            calendar.is_working_day(day) for day in days
        )

    @given(working_calendars(), calendar_days())
    def test_the_rule_for_one_day(self, calendar: WorkingCalendar, day: date) -> None:
        """A day works iff (a weekday and not a holiday) or a listed workday."""
        expected = (
            day.weekday() < 5 and day not in calendar.holidays
        ) or day in calendar.workdays
        assert calendar.is_working_day(day) is expected


class TestChina:
    def test_2026_national_day(self) -> None:
        """The package's 2026 data: 1 Oct rests, Saturday 10 Oct works."""
        calendar = WorkingCalendar.china(2026)
        assert calendar.years == (2026,)
        assert not calendar.is_working_day(date(2026, 10, 1))
        assert calendar.is_working_day(NATIONAL_DAY_WORKDAY)
        assert calendar.working_days_from(date(2026, 9, 30), 5) == date(2026, 10, 12)

    def test_a_year_without_data_is_named(self) -> None:
        """Years the package does not hold are refused, each named."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar.china([2026, 1999, 2999])
        assert [(p.steps, p.value) for p in caught.value.problems] == [
            (("years", 1), 1999),
            (("years", 2), 2999),
        ]
        assert "no holiday data for 1999" in caught.value.problems[0].message

    def test_no_year_is_refused(self) -> None:
        """``china([])`` is refused: it would cover nothing."""
        with pytest.raises(ValidationError) as caught:
            WorkingCalendar.china([])
        assert "at least one year" in caught.value.problems[0].message

    def test_without_the_extra(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without chinese-calendar, the error names the holidays-cn extra."""
        real_import = builtins.__import__

        def refuse(name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "chinese_calendar":
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.delitem(sys.modules, "chinese_calendar", raising=False)
        monkeypatch.setattr(builtins, "__import__", refuse)
        with pytest.raises(MissingExtraError) as caught:
            WorkingCalendar.china([2026])
        assert caught.value.extra == "holidays-cn"
