"""Hypothesis strategies for the season's calendar and 整改台账: working days, item histories.

>>> from hypothesis import given, settings
>>> @settings(max_examples=10, database=None, derandomize=True)
... @given(working_calendars(), calendar_days())
... def test_a_holiday_is_never_a_working_day(calendar, day):
...     assert not (day in calendar.holidays and calendar.is_working_day(day))
>>> test_a_holiday_is_never_a_working_day()
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from pbcheck.season.calendar import WorkingCalendar
from pbcheck.season.events import (
    RectificationClosed,
    RectificationRaised,
    RectificationRechecked,
    RectificationUpdated,
)
from pbcheck.season.rectification import RectificationEvent

__all__ = ["calendar_days", "rectification_histories", "working_calendars"]

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


_BEIJING = timezone(timedelta(hours=8))
_FOLLOW_UPS = ("update", "close", "holds", "reopens")


@st.composite
def rectification_histories(
    draw: st.DrawFn,
) -> tuple[RectificationRaised, tuple[RectificationEvent, ...]]:
    """An item raised and a run of later events for it, in any order of kinds.

    The kinds — progress (with or without a new deadline), 销号, 回头看 that
    holds or reopens — come in any order, so many are refused by the item's
    rules (closing a closed item, re-checking an open one); times never go
    backwards.  The ledger tests and the rectification tests fold them.

    >>> from hypothesis import find
    >>> raised, later = find(rectification_histories(), lambda h: len(h[1]) >= 3)
    >>> raised.kind, all(event.item_id == raised.item_id for event in later)
    ('rectification_raised', True)
    """
    start = datetime(2026, 6, 20, 9, 0, tzinfo=_BEIJING)
    raised = RectificationRaised(
        at=start,
        actor="office",
        item_id="ZG-2026-001",
        unit_id="czj",
        problem="“三会一课”记录不全",
        basis="lost_points",
        responsible="周明华",
        deadline=draw(st.dates(date(2026, 7, 1), date(2026, 12, 31))),
    )
    events: list[RectificationEvent] = []
    moment = start
    for kind in draw(st.lists(st.sampled_from(_FOLLOW_UPS), max_size=8)):
        moment += timedelta(hours=draw(st.integers(0, 24 * 40)))
        common: dict[str, Any] = {
            "at": moment,
            "actor": "office",
            "item_id": raised.item_id,
        }
        if kind == "update":
            deadline = draw(st.none() | st.dates(date(2026, 6, 20), date(2027, 6, 30)))
            events.append(
                RectificationUpdated(
                    **common, progress="已制定整改方案", deadline=deadline
                )
            )
        elif kind == "close":
            events.append(RectificationClosed(**common, reason="整改完成，经核查属实"))
        else:
            events.append(
                RectificationRechecked(**common, holds=kind == "holds", reason="回头看")
            )
    return raised, tuple(events)
