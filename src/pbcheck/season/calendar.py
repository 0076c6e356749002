"""Working days (工作日) for windows such as 公示: weekends, holidays and 调休.

A :class:`WorkingCalendar` says which days are working days:

* Monday to Friday are working days, unless listed in ``holidays``;
* Saturday and Sunday are rest days, unless listed in ``workdays`` — the
  weekend days worked in exchange for a longer holiday (调休上班);
* a day listed in ``holidays`` is a rest day whatever weekday it is.

A day cannot be both a holiday and a workday, and a 调休 workday is a
Saturday or a Sunday (listing a Wednesday says nothing, so it is refused as
the mistake it probably is).  The calendar knows nothing by itself: give it
the days, or build it with :meth:`WorkingCalendar.china` from the
``chinese-calendar`` package (the ``holidays-cn`` extra), which holds the
State Council's published holiday arrangements year by year.  A calendar
built for some years only (``years``) refuses to answer about any other
year rather than guess.

A window of *n* working days beginning on a day counts that day as the first
if it is a working day, else the next working day; it ends on its *n*-th
working day (:meth:`WorkingCalendar.working_days_from`).  How long a window
is — five working days of 公示, seven, or any other — is the office's choice,
written in its own rules; pbcheck's ledger defaults to five
(``SeasonPlan.publicity_days``), which is pbcheck's default, not a
regulation.

>>> from datetime import date
>>> plain = WorkingCalendar()
>>> plain.working_days_from(date(2026, 6, 12), 5)  # a Friday: Fri, Mon–Thu
datetime.date(2026, 6, 18)

The Dragon Boat Festival of 2026 (端午节, Friday 19 June) is a holiday:

>>> duanwu = WorkingCalendar(holidays=[date(2026, 6, 19)])
>>> duanwu.working_days_from(date(2026, 6, 15), 5)
datetime.date(2026, 6, 22)
>>> duanwu.working_days_between(date(2026, 6, 15), date(2026, 6, 22))
5
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

import attrs

from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    Path,
    Problem,
    _Problems,
)

__all__ = ["WorkingCalendar"]

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


def _listed(value: object) -> tuple[object, ...]:
    # One date given alone is one day, not something to iterate over.
    if isinstance(value, date) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _years(value: object) -> tuple[object, ...] | None:
    if value is None:
        return None
    if isinstance(value, int) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _is_day(value: object) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _check_day(path: Path, value: object) -> date:
    if not _is_day(value):
        raise InvalidTypeError(path, value, "must be a date (not a datetime)")
    return value  # type: ignore[return-value]


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@attrs.frozen(repr=False)
class WorkingCalendar:
    r"""Which days are working days (工作日): weekends, holidays and 调休 workdays.

    Args:
        holidays: rest days that would otherwise be working days (法定节假日
            and the days joined to them); weekend days may be listed too.
        workdays: weekend days that are working days (调休上班).
        years: the years the lists cover, when they cover only some; asking
            about a day of another year is refused instead of answered
            from weekends alone.  ``None`` (default): every year.

    The lists are kept sorted, each day once.

    Raises:
        ValidationError: every problem at once — a member that is not a
            date, a day both a holiday and a workday (named), a workday that
            is not a Saturday or Sunday, a year that is not a whole number.

    >>> from datetime import date
    >>> from pbcheck.errors import ValidationError, render
    >>> try:
    ...     WorkingCalendar(
    ...         holidays=[date(2026, 10, 1)],
    ...         workdays=[date(2026, 10, 1), date(2026, 10, 7)],
    ...     )
    ... except ValidationError as exc:
    ...     print("\n".join(render(exc)))
    invalid working calendar: 2 problems
      workdays[0]: is also listed as a holiday; a day is one or the other (got '2026-10-01')
      workdays[1]: is a weekday; a 调休 workday is a Saturday or Sunday (got '2026-10-07')
    """

    holidays: tuple[date, ...] = attrs.field(default=(), converter=_listed)
    workdays: tuple[date, ...] = attrs.field(default=(), converter=_listed)
    years: tuple[int, ...] | None = attrs.field(
        default=None, converter=_years, kw_only=True
    )
    _rest: frozenset[date] = attrs.field(init=False, eq=False, hash=False)
    _work: frozenset[date] = attrs.field(init=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid working calendar")
        holidays = self._days("holidays", problems)
        workdays = self._days("workdays", problems)
        for index, day in enumerate(self.workdays):
            if not _is_day(day):
                continue
            if day in holidays:
                problems.add(
                    InvalidValueError(
                        ("workdays", index),
                        day,
                        "is also listed as a holiday; a day is one or the other",
                    )
                )
            elif day.weekday() < _SATURDAY:
                problems.add(
                    InvalidValueError(
                        ("workdays", index),
                        day,
                        "is a weekday; a 调休 workday is a Saturday or Sunday",
                    )
                )
        if self.years is not None:
            if not self.years:
                problems.add(
                    InvalidValueError(("years",), [], "must name at least one year")
                )
            for index, year in enumerate(self.years):
                if not _is_whole(year):
                    problems.add(
                        InvalidTypeError(("years", index), year, "must be a year")
                    )
        problems.raise_if_any()
        # Sorted and each day once: equal calendars compare equal.
        object.__setattr__(self, "holidays", tuple(sorted(holidays)))
        object.__setattr__(self, "workdays", tuple(sorted(workdays)))
        if self.years is not None:
            object.__setattr__(self, "years", tuple(sorted(set(self.years))))
        object.__setattr__(self, "_rest", frozenset(holidays))
        object.__setattr__(self, "_work", frozenset(workdays))

    def _days(self, name: str, problems: _Problems) -> set[date]:
        days: set[date] = set()
        for index, day in enumerate(getattr(self, name)):
            try:
                days.add(_check_day((name, index), day))
            except Problem as problem:
                problems.add(problem)
        return days

    def __repr__(self) -> str:
        covers = ""
        if self.years is not None:
            first, last = self.years[0], self.years[-1]
            covers = f"，{first}年" if first == last else f"，{first}—{last}年"
        return (
            f"<WorkingCalendar: 节假日 {len(self.holidays)} 天，"
            f"调休上班 {len(self.workdays)} 天{covers}>"
        )

    @classmethod
    def china(cls, years: Iterable[int] | int) -> WorkingCalendar:
        """China's public holidays and 调休 workdays of *years* (the ``holidays-cn`` extra).

        The days come from the ``chinese-calendar`` package, which follows
        the State Council's yearly notices on the holiday arrangements; a
        year it holds no data for (not yet published, or too early) is
        refused, naming the year.  The calendar covers *years* only: a
        window running past them is refused too, so add the next year for
        a window at the turn of the year.

        Raises:
            MissingExtraError: ``chinese-calendar`` is not installed.
            ValidationError: no year given, or a year without data (each named).

        >>> from datetime import date
        >>> calendar = WorkingCalendar.china([2026])
        >>> calendar
        <WorkingCalendar: 节假日 33 天，调休上班 6 天，2026年>
        >>> (
        ...     calendar.is_working_day(date(2026, 10, 1)),
        ...     calendar.is_working_day(date(2026, 10, 10)),
        ... )  # 国庆节; Saturday 10 October is a 调休 workday
        (False, True)
        >>> calendar.is_working_day(date(2027, 1, 4))
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: day: the working calendar covers 2026 only; add the year's holidays and 调休 workdays (got '2027-01-04')
        """
        try:
            import chinese_calendar  # type: ignore[import-untyped]  # noqa: PLC0415 - optional extra
        except ImportError as exc:
            raise MissingExtraError(
                "holidays-cn", "WorkingCalendar.china (China's public holidays)"
            ) from exc
        known_holidays: dict[date, Any] = chinese_calendar.holidays
        known_workdays: dict[date, Any] = chinese_calendar.workdays
        wanted = _years(years) or ()
        problems = _Problems("invalid working calendar")
        if not wanted:
            problems.add(
                InvalidValueError(("years",), [], "must name at least one year")
            )
        have = {day.year for day in known_holidays}
        chosen: set[int] = set()
        for index, year in enumerate(wanted):
            if not isinstance(year, int) or isinstance(year, bool):
                problems.add(InvalidTypeError(("years", index), year, "must be a year"))
            elif year in have:
                chosen.add(year)
            else:
                problems.add(
                    InvalidValueError(
                        ("years", index),
                        year,
                        f"chinese-calendar has no holiday data for {year} "
                        f"(it has {min(have)}—{max(have)}); give the year's "
                        "holidays and 调休 workdays yourself",
                    )
                )
        problems.raise_if_any()
        return cls(
            holidays=[day for day in known_holidays if day.year in chosen],
            workdays=[day for day in known_workdays if day.year in chosen],
            years=sorted(chosen),
        )

    def _covered(self, path: Path, day: date) -> None:
        if self.years is not None and day.year not in self.years:
            first, last = self.years[0], self.years[-1]
            span = str(first) if first == last else f"{first}—{last}"
            if len(self.years) != last - first + 1:
                span = "、".join(str(year) for year in self.years)
            raise InvalidValueError(
                path,
                day,
                f"the working calendar covers {span} only; add the year's "
                "holidays and 调休 workdays",
            )

    def is_working_day(self, day: date) -> bool:
        """Whether *day* is a working day.

        Raises:
            InvalidTypeError: *day* is not a date.
            InvalidValueError: *day* falls in a year the calendar does not cover.

        >>> from datetime import date
        >>> calendar = WorkingCalendar(workdays=[date(2026, 2, 14)])
        >>> calendar.is_working_day(date(2026, 2, 14))  # a Saturday, 调休
        True
        >>> calendar.is_working_day(date(2026, 2, 15))  # a Sunday
        False
        """
        _check_day(("day",), day)
        return self._working(("day",), day)

    def _working(self, path: Path, day: date) -> bool:
        self._covered(path, day)
        if day in self._rest:
            return False
        return day.weekday() < _SATURDAY or day in self._work

    def _from(self, path: Path, start: date) -> Iterator[date]:
        """The working days on or after *start*, in order."""
        day = start
        while True:
            if self._working(path, day):
                yield day
            day += _ONE_DAY

    def working_days_from(self, start: date, n: int) -> date:
        """The last day of a window of *n* working days beginning on *start*.

        *start* is the window's first day if it is a working day; otherwise
        the window begins on the next working day.

        Raises:
            InvalidTypeError: *start* is not a date.
            InvalidValueError: *n* is not a whole number ≥ 1, or the window
                runs into a year the calendar does not cover.

        >>> from datetime import date
        >>> WorkingCalendar().working_days_from(date(2026, 6, 13), 1)  # a Saturday
        datetime.date(2026, 6, 15)
        >>> WorkingCalendar().working_days_from(date(2026, 6, 15), 0)
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: n: must be a whole number ≥ 1 (got 0)
        """
        _check_day(("start",), start)
        if not _is_whole(n) or n < 1:
            raise InvalidValueError(("n",), n, "must be a whole number ≥ 1")
        for count, day in enumerate(self._from(("start",), start), 1):
            if count == n:
                return day
        raise AssertionError  # pragma: no cover - the generator never ends

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days lie from *first* to *last*, both included.

        Raises:
            InvalidTypeError: either is not a date.
            InvalidValueError: *last* is before *first*, or the span runs
                into a year the calendar does not cover.

        >>> from datetime import date
        >>> WorkingCalendar().working_days_between(date(2026, 6, 13), date(2026, 6, 14))
        0
        >>> WorkingCalendar().working_days_between(date(2026, 6, 15), date(2026, 6, 1))
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: last: must not be before first (2026-06-15) (got '2026-06-01')
        """
        _check_day(("first",), first)
        _check_day(("last",), last)
        if last < first:
            raise InvalidValueError(
                ("last",), last, f"must not be before first ({first.isoformat()})"
            )
        self._covered(("last",), last)
        count = 0
        day = first
        while day <= last:
            count += self._working(("first",), day)
            day += _ONE_DAY
        return count
