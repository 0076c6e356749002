"""Hypothesis strategies for working calendars (工作日): holidays and 调休 workdays.

>>> from hypothesis import given, settings
>>> @settings(max_examples=10, database=None, derandomize=True)
... @given(working_calendars(), calendar_days())
... def test_a_holiday_is_never_a_working_day(calendar, day):
...     assert not (day in calendar.holidays and calendar.is_working_day(day))
>>> test_a_holiday_is_never_a_working_day()
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from pbcheck.season.calendar import WorkingCalendar

__all__ = ["calendar_days", "working_calendars"]

_FIRST, _LAST = date(2024, 1, 1), date(2027, 12, 31)


def calendar_days() -> st.SearchStrategy[date]:
    """Days of 2024—2027, the span :func:`working_calendars` lists days in.

    >>> from hypothesis import find
    >>> find(calendar_days(), lambda day: day.weekday() == 6).weekday()
    6
    """
    return st.dates(_FIRST, _LAST)


@st.composite
def working_calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Working calendars: holiday runs (a week off at a time, as at 春节 and 国庆) and 调休 Saturdays and Sundays.

    Holidays come in runs of 1 to 10 days starting anywhere in 2024—2027
    (weekends included, as published arrangements list them); 调休 workdays
    are weekend days that are not holidays.  The calendar covers every year,
    so any window can be asked about.

    >>> from hypothesis import find
    >>> calendar = find(working_calendars(), lambda c: len(c.workdays) >= 2)
    >>> all(day.weekday() >= 5 for day in calendar.workdays)
    True
    """
    holidays: set[date] = set()
    runs = draw(st.lists(st.tuples(calendar_days(), st.integers(1, 10)), max_size=12))
    for first, length in runs:
        holidays.update(first + timedelta(days=k) for k in range(length))
    weekend = calendar_days().map(
        lambda day: day + timedelta(days=max(0, 5 - day.weekday()))
    )
    workdays = {
        day for day in draw(st.lists(weekend, max_size=12)) if day not in holidays
    }
    return WorkingCalendar(holidays=sorted(holidays), workdays=sorted(workdays))
