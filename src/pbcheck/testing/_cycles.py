"""Hypothesis strategies for assessment cycles, calendars, dates and datetimes.

>>> from hypothesis import given
>>> @given(cycles())
... def test_cycle_has_a_positive_length(cycle):
...     assert cycle.days >= 1
>>> test_cycle_has_a_positive_length()
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from pbcheck.model.cycle import AssessmentCycle, CycleCalendar

__all__ = ["aware_datetimes", "cycle_calendars", "cycles", "dates_in", "zones"]

#: Zones with different offsets, half-hour offsets and daylight saving time.
_ZONES = (
    "Asia/Shanghai",
    "Asia/Urumqi",
    "Asia/Hong_Kong",
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
)
_FIRST_YEAR, _LAST_YEAR = 1990, 2100


def zones() -> st.SearchStrategy[str]:
    """IANA zone names, the default ``Asia/Shanghai`` first (it shrinks to it).

    >>> from zoneinfo import ZoneInfo
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(zones())
    ... def check(zone):
    ...     assert ZoneInfo(zone) is not None
    >>> check()
    """
    return st.sampled_from(_ZONES)


def cycle_calendars() -> st.SearchStrategy[CycleCalendar]:
    """Calendars of every kind: cross-year, calendar-year and generic ones.

    Generic calendars start in any month and last 1, 2, 3, 4, 6, 12, 18, 24 or
    60 months (month lengths that do and do not divide a year).

    Every date falls in exactly one cycle of a calendar:

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(cycle_calendars(), st.dates(date(2000, 1, 1), date(2040, 12, 31)))
    ... def check(calendar, day):
    ...     assert calendar.cycle_for(day).contains(day)
    >>> check()
    """
    generic = st.builds(
        CycleCalendar.generic,
        st.integers(1, 12),
        st.sampled_from((12, 1, 2, 3, 4, 6, 18, 24, 60)),
        zone=zones(),
        anchor_year=st.integers(_FIRST_YEAR, 2030),
    )
    return st.one_of(
        st.builds(CycleCalendar.cross_year, zone=zones()),
        st.builds(CycleCalendar.calendar_year, zone=zones()),
        generic,
    )


def _term_cycles() -> st.SearchStrategy[AssessmentCycle]:
    return st.builds(
        AssessmentCycle.term,
        st.dates(date(_FIRST_YEAR, 1, 1), date(_LAST_YEAR - 5, 12, 31)),
        st.integers(1, 5),
        st.sampled_from(("mid", "end")),
        zone=zones(),
    )


def cycles() -> st.SearchStrategy[AssessmentCycle]:
    """Cycles of any kind, periods starting in the years 1990–2100.

    Cross-year, calendar-year, generic (any start month, 1–60 months) and
    term-based (届中 / 届末, terms of 1–5 years starting on any day).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(cycles())
    ... def check(cycle):
    ...     dates = [m.date for m in cycle.milestones]
    ...     assert dates == sorted(dates) and cycle.start <= cycle.end
    >>> check()
    """
    year = st.integers(_FIRST_YEAR, _LAST_YEAR)
    return st.one_of(
        st.builds(AssessmentCycle.cross_year, year, zone=zones()),
        st.builds(AssessmentCycle.calendar_year, year, zone=zones()),
        st.builds(
            AssessmentCycle.generic,
            year,
            st.integers(1, 12),
            st.sampled_from((12, 1, 3, 6, 24, 60)) | st.integers(1, 60),
            zone=zones(),
        ),
        _term_cycles(),
    )


def dates_in(cycle: AssessmentCycle) -> st.SearchStrategy[date]:
    """Local dates within *cycle*, both ends included.

    >>> from hypothesis import given, settings
    >>> cycle = AssessmentCycle.cross_year(2025)
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(dates_in(cycle))
    ... def check(day):
    ...     assert cycle.contains(day)
    >>> check()
    """
    return st.dates(min_value=cycle.start, max_value=cycle.end)


def aware_datetimes(
    min_value: datetime = datetime(_FIRST_YEAR, 1, 1),  # noqa: DTZ001
    max_value: datetime = datetime(_LAST_YEAR, 12, 31),  # noqa: DTZ001
) -> st.SearchStrategy[datetime]:
    """Timezone-aware datetimes in IANA zones and fixed offsets (−12:00 … +14:00).

    *min_value* and *max_value* are naive bounds on the local wall time, as
    :func:`hypothesis.strategies.datetimes` takes them.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=20, database=None, derandomize=True)
    ... @given(aware_datetimes())
    ... def check(moment):
    ...     assert moment.utcoffset() is not None
    >>> check()
    """
    fixed = st.integers(-12 * 60, 14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    named = zones().map(ZoneInfo)
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=st.one_of(st.just(UTC), named, fixed),
    )
