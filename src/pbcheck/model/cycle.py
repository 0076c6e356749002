"""Assessment cycles (考核周期): periods, milestones, sub-periods and calendars.

The Nanping article *proposes* (among its 对策与建议; Nanping itself assessed
at the year end) moving the assessment off the crowded year end (跨年度考评):
the assessed period runs from **May of year N to April of year N+1**, the
assessment takes place **in May N+1**, and the summary and commendation happen
**before July 1** (七一)::

    探索党建工作跨考评工作机制，将党建工作考评时间调整为当年5月至次年4月，
    次年5月考评，"七一"前进行总结表彰。
    -- 南平市，关于进一步完善机关党建工作责任制的思考（三、对策与建议）

:meth:`AssessmentCycle.cross_year` builds exactly that cycle; calendar-year
(自然年度), generic and term-based (届中 / 届末) cycles are available too, and a
:class:`CycleCalendar` maps any date to the unique cycle that contains it.

>>> cycle = AssessmentCycle.cross_year(2025)
>>> cycle.label_zh, cycle.start, cycle.end, cycle.days
('2025—2026年度', datetime.date(2025, 5, 1), datetime.date(2026, 4, 30), 365)
>>> for m in cycle.milestones:
...     print(m.date, m.key, m.name_zh)
2025-05-01 period_start 考核期开始
2025-11-30 self_check 半年自查
2026-04-30 period_end 考核期结束
2026-05-01 assessment_window_open 考评开始
2026-05-31 assessment_window_close 考评结束
2026-06-15 results_announced 考评结果公布
2026-06-30 commendation 七一表彰

Dates are local dates in the cycle's zone (``Asia/Shanghai`` by default).
Datetimes must be timezone-aware and are converted to that zone first; the
library never reads the clock, so "today" is always a parameter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Literal, TypeAlias, get_args
from zoneinfo import ZoneInfo

import attrs
from dateutil.relativedelta import relativedelta

from pbcheck._text import unsafe_character
from pbcheck.errors import (
    Id,
    InvalidTypeError,
    InvalidValueError,
    OutOfCycleError,
    Path,
    Problem,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.views import html

__all__ = [
    "DEFAULT_ZONE",
    "AssessmentCycle",
    "CalendarKind",
    "CycleCalendar",
    "CycleKind",
    "Milestone",
    "SubPeriod",
    "SubPeriodAlignment",
    "SubPeriodUnit",
]

#: The zone in which cycle dates are local dates unless a cycle says otherwise.
DEFAULT_ZONE = "Asia/Shanghai"

#: How a cycle was built; ``"custom"`` for cycles constructed directly.
CycleKind: TypeAlias = Literal[
    "cross_year", "calendar_year", "generic", "term_mid", "term_end", "custom"
]

#: The kinds of :class:`CycleCalendar`.
CalendarKind: TypeAlias = Literal["cross_year", "calendar_year", "generic"]

#: Units for :meth:`AssessmentCycle.sub_periods`; ``"half"`` is a half-year.
SubPeriodUnit: TypeAlias = Literal["month", "quarter", "half", "cycle"]

#: Where :meth:`AssessmentCycle.sub_periods` starts counting: at the cycle
#: start (``"cycle"``) or at the calendar's months, quarters and half-years
#: (``"calendar"``, 自然月 / 自然季度 / 自然半年).
SubPeriodAlignment: TypeAlias = Literal["cycle", "calendar"]

_KINDS: tuple[str, ...] = get_args(CycleKind)
_UNITS: tuple[str, ...] = get_args(SubPeriodUnit)
_ALIGNMENTS: tuple[str, ...] = get_args(SubPeriodAlignment)
_UNIT_MONTHS = {"month": 1, "quarter": 3, "half": 6}
_QUARTER_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")
_HALF_ZH = ("上半年", "下半年")
_KEY = re.compile(r"[a-z][a-z0-9_]*")
# Keys fixed by the period itself: they cannot be overridden.
_PERIOD_KEYS = ("period_start", "period_end")
# date.max.year - 1: room for the assessment after the period.
_MAX_YEAR = 9997


def _is_date(value: object) -> bool:
    """A :class:`~datetime.date` that is not a :class:`~datetime.datetime`."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# An IANA name: letters first in each part, then letters, digits, _ + -.
# ("Asia/Shanghai", "Etc/GMT-8", "America/Port-au-Prince"); no dots, so no
# "..", no file such as "zone.tab"; the longest real name is 32 characters.
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z][A-Za-z0-9_+-]*)*")
_ZONE_NAME_MAX = 64
# Files in the zone database that are no zone: "localtime" is whatever this
# machine is set to (so the same file would mean different dates elsewhere),
# "posixrules" and "Factory" are the database's own, "posix/" and "right/"
# are copies (the latter counting leap seconds).
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_NOT_ZONE_FOLDERS = ("posix/", "right/")


@functools.lru_cache(maxsize=256)
def _zone_problem(zone: str) -> str | None:
    """Why *zone* is not an IANA zone name, or None."""
    if (
        len(zone) > _ZONE_NAME_MAX
        or not _ZONE_NAME.fullmatch(zone)
        or zone in _NOT_ZONES
        or zone.startswith(_NOT_ZONE_FOLDERS)
    ):
        return "is not an IANA time zone name"
    try:
        ZoneInfo(zone)
    # A folder ("Asia") raises IsADirectoryError, an unreadable file another
    # OSError; the library's own errors for a missing or malformed file are
    # ZoneInfoNotFoundError (a LookupError) and ValueError.
    except (ValueError, LookupError, OSError):
        return "is not a time zone known to this machine's zone database"
    return None


def _check_zone(zone: object, path: Path) -> Problem | None:
    if not isinstance(zone, str):
        return InvalidTypeError(path, zone, "must be an IANA time zone name")
    if (why := _zone_problem(zone)) is not None:
        return InvalidValueError(
            path, zone, f"{why}; use one such as 'Asia/Shanghai' or 'UTC'"
        )
    return None


def _to_local(moment: object, zone: str) -> date:
    """The local date of a date (as is) or an aware datetime (converted to *zone*)."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidValueError(
                ("moment",),
                moment,
                "must be timezone-aware (a naive datetime has no place in "
                f"time); attach a zone, e.g. tzinfo=ZoneInfo({zone!r})",
            )
        return moment.astimezone(ZoneInfo(zone)).date()
    if isinstance(moment, date):
        return moment
    raise InvalidTypeError(("moment",), moment, "must be a date or a datetime")


def _last_of_month(day: date) -> date:
    return day + relativedelta(day=31)


def _whole_months(start: date, end: date) -> int | None:
    """Months from *start* to *end* (inclusive) if both sit on month boundaries."""
    if start.day != 1 or end != _last_of_month(end):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _period_labels(start: date, end: date) -> tuple[str, str]:
    """Default Chinese and English labels for the period *start*…*end*."""
    months = _whole_months(start, end)
    if months == 12 and start.month == 1:
        return f"{start.year}年度", f"{start.year}"
    if months == 12:
        return f"{start.year}—{end.year}年度", f"{start.year}–{end.year}"
    if months is not None:
        return (
            f"{start.year}年{start.month}月—{end.year}年{end.month}月",
            f"{start.year}-{start.month:02d}–{end.year}-{end.month:02d}",
        )
    return (
        f"{start.year}年{start.month}月{start.day}日—{end.year}年{end.month}月{end.day}日",
        f"{start.isoformat()}–{end.isoformat()}",
    )


@attrs.frozen
class Milestone:
    """One dated step of a cycle (时间节点), e.g. the half-year self-check.

    Args:
        key: stable English id, lowercase with underscores, e.g.
            ``"self_check"``; the same key means the same step in every cycle.
        name_zh: the name in simplified Chinese, e.g. ``"半年自查"``.
        name_en: the name in English, e.g. ``"Half-year self-check"``.
        date: the local date of the step (a :class:`~datetime.date`, not a
            datetime).

    The built-in constructors of :class:`AssessmentCycle` use these keys, in
    this order: ``period_start`` (考核期开始), ``self_check`` (半年自查 /
    中期自查), ``period_end`` (考核期结束), ``assessment_window_open``
    (考评开始), ``assessment_window_close`` (考评结束), ``results_announced``
    (考评结果公布) and ``commendation`` (七一表彰 / 总结表彰).

    >>> Milestone("self_check", "半年自查", "Half-year self-check", date(2025, 11, 30))
    Milestone(key='self_check', name_zh='半年自查', name_en='Half-year self-check', date=datetime.date(2025, 11, 30))
    """

    key: str
    name_zh: str
    name_en: str
    date: date

    def __attrs_post_init__(self) -> None:
        """Check every field; raise one :class:`ValidationError` for all problems."""
        problems = _Problems("invalid milestone")
        here: Path = ("milestone",)
        if isinstance(self.key, str) and _KEY.fullmatch(self.key):
            here = item("milestone", self.key)
        else:
            problems.add(
                InvalidValueError(
                    (*here, "key"),
                    self.key,
                    "must be a lowercase English id such as 'self_check'",
                )
            )
        for name in ("name_zh", "name_en"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.add(
                    InvalidValueError(
                        (*here, name), value, "must be a non-empty string"
                    )
                )
            elif (why := unsafe_character(value)) is not None:
                problems.add(InvalidValueError((*here, name), value, why))
        if not _is_date(self.date):
            problems.add(
                InvalidTypeError(
                    (*here, "date"),
                    self.date,
                    "must be a datetime.date (a local date, not a datetime)",
                )
            )
        problems.raise_if_any()


@attrs.frozen
class SubPeriod:
    """A slice of a cycle (a month, quarter, half-year or the whole cycle).

    Aligned to the cycle start (the default), the quarters of the cross-year
    cycle run May–July, August–October, November–January, February–April.
    Aligned to the calendar, they are the calendar quarters cut to the cycle:
    the first and last are *partial* (May–June 2025 of the second quarter,
    April 2026 of the second quarter), and :attr:`whole_start` /
    :attr:`whole_end` say which calendar period they are part of.

    Args:
        unit: ``"month"``, ``"quarter"``, ``"half"`` or ``"cycle"``.
        index: position in :meth:`AssessmentCycle.sub_periods`, from 0.
        start: first day, inclusive.
        end: last day, inclusive.
        label: Chinese label, e.g. ``"2025年5月"``,
            ``"2025年5—7月（考核期第1季度）"`` (a quarter of a cross-year
            cycle: never just ``"第1季度"``, which reads as January–March),
            ``"2025年第三季度"`` or ``"2025年5—6月（第二季度，部分）"``.
        label_en: English label, e.g. ``"2025-05"`` or
            ``"2025-05-01–2025-07-31 (cycle quarter 1)"``.
        whole_start: for a partial calendar period, the first day of the whole
            calendar period; ``None`` when the slice is whole.
        whole_end: for a partial calendar period, its last day; ``None`` when
            the slice is whole.

    >>> winter = AssessmentCycle.cross_year(2025).sub_periods("quarter")[2]
    >>> winter.label, winter.days, winter.contains(date(2026, 1, 31))
    ('2025年11月—2026年1月（考核期第3季度）', 92, True)
    >>> first = AssessmentCycle.cross_year(2025).sub_periods(
    ...     "quarter", align="calendar"
    ... )[0]
    >>> first.label, first.partial, first.days, first.whole_days
    ('2025年5—6月（第二季度，部分）', True, 61, 91)
    """

    unit: SubPeriodUnit
    index: int
    start: date
    end: date
    label: str
    label_en: str
    whole_start: date | None = None
    whole_end: date | None = None

    @property
    def days(self) -> int:
        """Number of days, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def partial(self) -> bool:
        """Whether the cycle cuts this calendar period (only the calendar-aligned ones)."""
        return self.whole_start is not None

    @property
    def whole_days(self) -> int:
        """Days of the whole calendar period; :attr:`days` when the slice is whole."""
        if self.whole_start is None or self.whole_end is None:
            return self.days
        return (self.whole_end - self.whole_start).days + 1

    def contains(self, day: date) -> bool:
        """Whether the local date *day* falls within this sub-period."""
        return self.start <= day <= self.end


def _to_milestones(milestones: Iterable[Milestone]) -> tuple[Milestone, ...]:
    # Anything that is not iterable is kept as one item, so that validation can
    # report it (with every other problem) instead of tuple() raising TypeError.
    given: object = milestones
    if isinstance(given, Iterable):
        return tuple(given)
    return (given,)  # type: ignore[return-value]


def _default_labels_zh(self: AssessmentCycle) -> str:
    if _is_date(self.start) and _is_date(self.end):
        return _period_labels(self.start, self.end)[0]
    return f"{self.start}—{self.end}"


def _default_labels_en(self: AssessmentCycle) -> str:
    if _is_date(self.start) and _is_date(self.end):
        return _period_labels(self.start, self.end)[1]
    return f"{self.start}–{self.end}"


@attrs.frozen(repr=False)
class AssessmentCycle:
    r"""An assessment period with its milestones (考核周期).

    Prefer the named constructors: :meth:`cross_year` (跨年度, May–April, as
    the Nanping article proposes), :meth:`calendar_year` (自然年度), :meth:`generic`
    and :meth:`term` (届中 / 届末).  Constructing directly builds a
    ``"custom"`` cycle.

    Args:
        start: first day of the assessed period, inclusive.
        end: last day of the assessed period, inclusive.
        label_zh: Chinese label, e.g. ``"2025—2026年度"`` (derived from the
            dates when omitted).
        label_en: English label, e.g. ``"2025–2026"`` (derived when omitted).
        milestones: the steps of the cycle in their stated order; each date
            must be on or after the date of the one before it.  A
            ``period_start`` / ``period_end`` milestone must fall on
            ``start`` / ``end``.
        zone: IANA time zone in which the dates are local dates.
        kind: how the cycle was built.  ``"cross_year"`` cycles must run from
            May 1 to April 30 and commend before July 1; ``"calendar_year"``
            cycles must run from January 1 to December 31.

    Every problem is reported at once in a :class:`~pbcheck.errors.ValidationError`:

    >>> from pbcheck.errors import ValidationError, render
    >>> late = {
    ...     "results_announced": date(2026, 7, 15),
    ...     "commendation": date(2026, 7, 1),
    ... }
    >>> try:
    ...     AssessmentCycle.cross_year(2025, overrides=late)
    ... except ValidationError as exc:
    ...     print("\n".join(render(exc)))
    invalid assessment cycle: 2 problems
      cycle.milestones[commendation].date: 七一表彰 (commendation) on 2026-07-01 must not be before 考评结果公布 (results_announced) on 2026-07-15 (got '2026-07-01')
      cycle.milestones[commendation].date: must be before July 1 (七一) of 2026 in a cross-year cycle (got '2026-07-01')
    """

    start: date
    end: date
    label_zh: str = attrs.field(
        default=attrs.Factory(_default_labels_zh, takes_self=True)
    )
    label_en: str = attrs.field(
        default=attrs.Factory(_default_labels_en, takes_self=True)
    )
    milestones: tuple[Milestone, ...] = attrs.field(
        default=(), converter=_to_milestones
    )
    zone: str = DEFAULT_ZONE
    kind: CycleKind = "custom"

    def __attrs_post_init__(self) -> None:
        """Check every field; raise one :class:`ValidationError` for all problems."""
        problems = _Problems("invalid assessment cycle")
        dates_ok = True
        for name in ("start", "end"):
            value = getattr(self, name)
            if not _is_date(value):
                dates_ok = False
                problems.add(
                    InvalidTypeError(
                        ("cycle", name),
                        value,
                        "must be a datetime.date (a local date, not a datetime)",
                    )
                )
        if dates_ok and self.end < self.start:
            problems.add(
                InvalidValueError(
                    ("cycle", "end"), self.end, f"must not be before start {self.start}"
                )
            )
        for name in ("label_zh", "label_en"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                problems.add(
                    InvalidValueError(
                        ("cycle", name), value, "must be a non-empty string"
                    )
                )
            elif (why := unsafe_character(value)) is not None:
                problems.add(InvalidValueError(("cycle", name), value, why))
        if (zone_problem := _check_zone(self.zone, ("cycle", "zone"))) is not None:
            problems.add(zone_problem)
        if self.kind not in _KINDS:
            problems.add(
                InvalidValueError(
                    ("cycle", "kind"), self.kind, f"must be one of {_KINDS}"
                )
            )
        problems.extend(self._milestone_problems(check_period=dates_ok))
        if dates_ok:
            problems.extend(self._kind_problems())
        problems.raise_if_any()

    def _milestone_problems(self, *, check_period: bool) -> list[Problem]:
        found: list[Problem] = []
        seen: set[str] = set()
        previous: Milestone | None = None
        items: tuple[object, ...] = self.milestones
        for position, milestone in enumerate(items):
            if not isinstance(milestone, Milestone):
                found.append(
                    InvalidTypeError(
                        ("cycle", "milestones", position),
                        milestone,
                        "must be a Milestone",
                    )
                )
                continue
            path: Path = ("cycle", "milestones", Id(milestone.key))
            if milestone.key in seen:
                found.append(
                    InvalidValueError((*path, "key"), milestone.key, "is used twice")
                )
                # Its other problems by position: its key names the first one.
                path = ("cycle", "milestones", position)
            seen.add(milestone.key)
            if previous is not None and milestone.date < previous.date:
                found.append(
                    InvalidValueError(
                        (*path, "date"),
                        milestone.date,
                        f"{milestone.name_zh} ({milestone.key}) on {milestone.date} "
                        f"must not be before {previous.name_zh} ({previous.key}) "
                        f"on {previous.date}",
                    )
                )
            previous = milestone
            if not check_period:
                continue
            bound = {"period_start": self.start, "period_end": self.end}.get(
                milestone.key
            )
            if bound is not None and milestone.date != bound:
                found.append(
                    InvalidValueError(
                        (*path, "date"),
                        milestone.date,
                        f"must be the period's {milestone.key.removeprefix('period_')}"
                        f" {bound}",
                    )
                )
        return found

    def _kind_problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.kind == "cross_year":
            expected_end = self.start + relativedelta(years=1, days=-1)
            if (self.start.month, self.start.day) != (5, 1) or self.end != expected_end:
                found.append(
                    InvalidValueError(
                        ("cycle",),
                        (self.start, self.end),
                        "a cross-year cycle must run from May 1 to April 30 of the "
                        "next year",
                    )
                )
            deadline = date(self.end.year, 7, 1)
            found.extend(
                InvalidValueError(
                    ("cycle", "milestones", Id("commendation"), "date"),
                    milestone.date,
                    f"must be before July 1 (七一) of {self.end.year} in a "
                    "cross-year cycle",
                )
                for milestone in self.milestones
                if isinstance(milestone, Milestone)
                and milestone.key == "commendation"
                and milestone.date >= deadline
            )
        elif self.kind == "calendar_year" and (
            (self.start.month, self.start.day) != (1, 1)
            or self.end != date(self.start.year, 12, 31)
        ):
            found.append(
                InvalidValueError(
                    ("cycle",),
                    (self.start, self.end),
                    "a calendar-year cycle must run from January 1 to December 31",
                )
            )
        return found

    # -- constructors ---------------------------------------------------------

    @classmethod
    def cross_year(
        cls,
        year: int,
        *,
        overrides: Mapping[str, date] | None = None,
        zone: str = DEFAULT_ZONE,
    ) -> AssessmentCycle:
        """The cross-year cycle (跨年度考评) whose period starts in May of *year*.

        Defaults, each overridable through *overrides* (milestone key → date;
        ``period_start`` and ``period_end`` are fixed by the period):

        - ``period_start`` 考核期开始: May 1 of *year*;
        - ``self_check`` 半年自查: November 30 of *year*, the end of the month
          after the first half-year (May–October);
        - ``period_end`` 考核期结束: April 30 of *year* + 1;
        - ``assessment_window_open`` / ``_close`` 考评开始 / 考评结束: May 1–31
          of *year* + 1;
        - ``results_announced`` 考评结果公布: June 15 of *year* + 1;
        - ``commendation`` 七一表彰: June 30 of *year* + 1, which must stay
          before July 1.

        Args:
            year: the year in which the assessed period starts.
            overrides: milestone dates that differ from the defaults.
            zone: IANA time zone in which the dates are local dates.

        >>> c = AssessmentCycle.cross_year(
        ...     2025, overrides={"self_check": date(2025, 11, 20)}
        ... )
        >>> c.milestone("self_check").date, c.label_en
        (datetime.date(2025, 11, 20), '2025–2026')
        """
        return cls._build(
            "cross_year", year, 5, 12, overrides=overrides, zone=zone, labels=None
        )

    @classmethod
    def calendar_year(
        cls,
        year: int,
        *,
        overrides: Mapping[str, date] | None = None,
        zone: str = DEFAULT_ZONE,
    ) -> AssessmentCycle:
        """The calendar-year cycle (自然年度): January 1 – December 31 of *year*.

        Assessed at the year end: the self-check (半年自查) is due July 31, the
        assessment window (考评) is January of *year* + 1, results are announced
        February 15 and the summary and commendation (总结表彰) is due by the
        end of February.  Override any of them through *overrides*.

        >>> c = AssessmentCycle.calendar_year(2025)
        >>> c.label_zh, c.milestone("assessment_window_open").date
        ('2025年度', datetime.date(2026, 1, 1))
        """
        return cls._build(
            "calendar_year", year, 1, 12, overrides=overrides, zone=zone, labels=None
        )

    @classmethod
    def generic(
        cls,
        start_year: int,
        start_month: int,
        months: int = 12,
        *,
        overrides: Mapping[str, date] | None = None,
        zone: str = DEFAULT_ZONE,
    ) -> AssessmentCycle:
        """A cycle of *months* whole months from the first of *start_month*.

        Default milestones follow the same rule as every built-in cycle: a
        self-check at the end of the month after the first half (only for
        periods of twelve months or more), the assessment window in the month
        after the period, results on the 15th of the month after that and the
        summary and commendation (总结表彰) at its end.

        >>> c = AssessmentCycle.generic(2025, 3, 6)
        >>> c.label_zh, c.end
        ('2025年3月—2025年8月', datetime.date(2025, 8, 31))
        """
        return cls._build(
            "generic",
            start_year,
            start_month,
            months,
            overrides=overrides,
            zone=zone,
            labels=None,
        )

    @classmethod
    def term(
        cls,
        start: date,
        years: int,
        stage: Literal["mid", "end"] = "end",
        *,
        overrides: Mapping[str, date] | None = None,
        zone: str = DEFAULT_ZONE,
    ) -> AssessmentCycle:
        """A term-based cycle: mid-term (届中) or end-of-term (届末) assessment.

        A term of *years* years starts on *start* (an election date need not be
        the first of a month).  ``stage="mid"`` assesses the first half of the
        term; ``stage="end"`` assesses the whole term.  Milestones follow the
        generic rule, counted from *start* (the self-check is named 中期自查).

        >>> c = AssessmentCycle.term(date(2021, 6, 18), 5, "mid")
        >>> c.label_zh, c.start, c.end
        ('2021—2026年任期（届中）', datetime.date(2021, 6, 18), datetime.date(2023, 12, 17))
        """
        problems = _Problems("invalid assessment cycle")
        if not _is_date(start):
            problems.add(
                InvalidTypeError(("term", "start"), start, "must be a datetime.date")
            )
        elif not 1 <= start.year <= _MAX_YEAR:
            problems.add(
                InvalidValueError(
                    ("term", "start"), start, f"year must be ≤ {_MAX_YEAR}"
                )
            )
        if not _is_int(years) or not 1 <= years <= 50:
            problems.add(
                InvalidValueError(
                    ("term", "years"), years, "must be a whole number 1–50"
                )
            )
        if stage not in ("mid", "end"):
            problems.add(
                InvalidValueError(("term", "stage"), stage, "must be 'mid' or 'end'")
            )
        problems.raise_if_any()
        term_end = start + relativedelta(years=years, days=-1)
        months = 12 * years if stage == "end" else 6 * years
        zh, en = ("届中", "mid-term") if stage == "mid" else ("届末", "end of term")
        labels = (
            f"{start.year}—{term_end.year}年任期（{zh}）",
            f"{start.year}–{term_end.year} term ({en})",
        )
        return cls._from_start(
            "term_mid" if stage == "mid" else "term_end",
            start,
            months,
            overrides=overrides,
            zone=zone,
            labels=labels,
        )

    @classmethod
    def _build(  # noqa: PLR0913
        cls,
        kind: CycleKind,
        year: int,
        month: int,
        months: int,
        *,
        overrides: Mapping[str, date] | None,
        zone: str,
        labels: tuple[str, str] | None,
    ) -> AssessmentCycle:
        problems = _Problems("invalid assessment cycle")
        if not _is_int(year) or not 1 <= year <= _MAX_YEAR:
            problems.add(
                InvalidValueError(
                    ("year",), year, f"must be a whole year 1–{_MAX_YEAR}"
                )
            )
        if not _is_int(month) or not 1 <= month <= 12:
            problems.add(InvalidValueError(("start_month",), month, "must be 1–12"))
        if not _is_int(months) or not 1 <= months <= 600:
            problems.add(
                InvalidValueError(("months",), months, "must be a whole number 1–600")
            )
        problems.raise_if_any()
        return cls._from_start(
            kind,
            date(year, month, 1),
            months,
            overrides=overrides,
            zone=zone,
            labels=labels,
        )

    @classmethod
    def _from_start(  # noqa: PLR0913
        cls,
        kind: CycleKind,
        start: date,
        months: int,
        *,
        overrides: Mapping[str, date] | None,
        zone: str,
        labels: tuple[str, str] | None,
    ) -> AssessmentCycle:
        end = start + relativedelta(months=months, days=-1)
        after = end + timedelta(days=1)
        steps: list[tuple[str, str, str, date]] = [
            ("period_start", "考核期开始", "Assessment period begins", start)
        ]
        if months >= 12:
            self_check = start + relativedelta(months=months // 2 + 1, days=-1)
            if months == 12:
                steps.append(
                    ("self_check", "半年自查", "Half-year self-check", self_check)
                )
            else:
                steps.append(
                    ("self_check", "中期自查", "Mid-period self-check", self_check)
                )
        if kind == "cross_year":
            commendation = ("七一表彰", "Commendation before July 1 (七一)")
        else:
            commendation = ("总结表彰", "Summary and commendation")
        steps += [
            ("period_end", "考核期结束", "Assessment period ends", end),
            ("assessment_window_open", "考评开始", "Assessment window opens", after),
            (
                "assessment_window_close",
                "考评结束",
                "Assessment window closes",
                after + relativedelta(months=1, days=-1),
            ),
            (
                "results_announced",
                "考评结果公布",
                "Results announced",
                after + relativedelta(months=1, days=14),
            ),
            (
                "commendation",
                *commendation,
                after + relativedelta(months=2, days=-1),
            ),
        ]
        dates = {key: day for key, _, _, day in steps}
        dates.update(_checked_overrides(overrides, tuple(dates)))
        label_zh, label_en = labels or _period_labels(start, end)
        return cls(
            start=start,
            end=end,
            label_zh=label_zh,
            label_en=label_en,
            milestones=tuple(
                Milestone(key, zh, en, dates[key]) for key, zh, en, _ in steps
            ),
            zone=zone,
            kind=kind,
        )

    # -- queries ----------------------------------------------------------------

    @property
    def days(self) -> int:
        """Length of the period in days, both ends included.

        >>> AssessmentCycle.cross_year(2027).days  # holds 2028-02-29
        366
        """
        return (self.end - self.start).days + 1

    @property
    def zone_info(self) -> ZoneInfo:
        """The cycle's zone as a :class:`~zoneinfo.ZoneInfo`."""
        return ZoneInfo(self.zone)

    def __repr__(self) -> str:
        """One line: the label, the period, the kind, the zone and how many milestones.

        >>> AssessmentCycle.cross_year(2025)
        <AssessmentCycle 2025—2026年度: 2025-05-01 至 2026-04-30，cross_year，Asia/Shanghai，7 个节点>
        """
        return (
            f"<AssessmentCycle {self.label_zh}: {self.start.isoformat()} 至 "
            f"{self.end.isoformat()}，{self.kind}，{self.zone}，"
            f"{len(self.milestones)} 个节点>"
        )

    def _repr_html_(self) -> str:
        """The period and its milestones (节点) in date order, escaped.

        >>> page = AssessmentCycle.cross_year(2025)._repr_html_()
        >>> "七一表彰" in page, "2026-06-30" in page
        (True, True)
        """
        rows = [
            [m.name_zh, m.key, m.date.isoformat()]
            for m in sorted(self.milestones, key=lambda m: m.date)
        ]
        return html.titled(
            f"{self.label_zh}（{self.start.isoformat()} 至 {self.end.isoformat()}，"
            f"{self.zone}）",
            html.table(["节点", "键", "日期"], rows),
        )

    def milestone(self, key: str) -> Milestone:
        """The milestone with *key*.

        Raises:
            UnknownReferenceError: the cycle has no such milestone.
        """
        for milestone in self.milestones:
            if milestone.key == key:
                return milestone
        known = ", ".join(m.key for m in self.milestones) or "none"
        raise UnknownReferenceError(
            ("milestone",),
            key,
            f"is not a milestone of {self.label_zh} (known: {known})",
        )

    def local_date(self, moment: date | datetime) -> date:
        """The local date of *moment* in the cycle's zone.

        A :class:`~datetime.date` is taken as already local.  A
        :class:`~datetime.datetime` must be timezone-aware: it is converted to
        the cycle's zone first.

        >>> from datetime import datetime, timezone
        >>> c = AssessmentCycle.cross_year(2025)
        >>> c.local_date(datetime(2026, 4, 30, 16, 0, tzinfo=timezone.utc))
        datetime.date(2026, 5, 1)
        >>> c.local_date(datetime(2026, 4, 30, 16, 0))
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: moment: must be timezone-aware ...

        Raises:
            InvalidValueError: *moment* is a naive datetime.
            InvalidTypeError: *moment* is neither a date nor a datetime.
        """
        return _to_local(moment, self.zone)

    def contains(self, moment: date | datetime) -> bool:
        """Whether *moment* (local date, or aware datetime) is in the period.

        >>> from datetime import datetime, timedelta, timezone
        >>> c = AssessmentCycle.cross_year(2025)
        >>> c.contains(
        ...     datetime(2026, 4, 30, 23, 30, tzinfo=timezone(timedelta(hours=8)))
        ... )
        True
        >>> c.contains(datetime(2026, 4, 30, 16, 0, tzinfo=timezone.utc))
        False
        """
        return self.start <= self.local_date(moment) <= self.end

    def require_within(self, moment: date | datetime, what: Path | str) -> date:
        """The local date of *moment*, which must fall within the period.

        Args:
            moment: a local date or an aware datetime.
            what: where the record is, named in the error: a path, e.g.
                ``("records", 3)`` (see :mod:`pbcheck.errors`), or a label.

        >>> c = AssessmentCycle.cross_year(2025)
        >>> c.require_within(date(2026, 5, 3), ("records", 3))
        Traceback (most recent call last):
        ...
        pbcheck.errors.OutOfCycleError: records[3]: dated 2026-05-03, outside the cycle 2025—2026年度 (2025-05-01—2026-04-30) ...

        Raises:
            OutOfCycleError: *moment* falls outside the period.
        """
        local = self.local_date(moment)
        if not self.start <= local <= self.end:
            raise OutOfCycleError(
                what,
                moment,
                f"dated {local.isoformat()}, outside the cycle {self.label_zh} "
                f"({self.start.isoformat()}—{self.end.isoformat()})",
            )
        return local

    def next_milestone(self, today: date | datetime) -> tuple[Milestone, int] | None:
        """The first milestone on or after *today*, and the days remaining.

        Returns ``None`` once every milestone has passed.

        >>> m, days = AssessmentCycle.cross_year(2025).next_milestone(date(2026, 6, 1))
        >>> m.name_zh, days
        ('考评结果公布', 14)
        """
        local = self.local_date(today)
        for milestone in self.milestones:
            if milestone.date >= local:
                return milestone, (milestone.date - local).days
        return None

    def is_assessment_window_open(self, today: date | datetime) -> bool:
        """Whether *today* falls in the assessment window (考评), ends included.

        >>> c = AssessmentCycle.cross_year(2025)
        >>> c.is_assessment_window_open(date(2026, 5, 31))
        True
        >>> c.is_assessment_window_open(date(2026, 4, 30))
        False

        Raises:
            UnknownReferenceError: the cycle defines no assessment window.
        """
        local = self.local_date(today)
        opens = self.milestone("assessment_window_open").date
        closes = self.milestone("assessment_window_close").date
        return opens <= local <= closes

    def sub_periods(
        self, unit: SubPeriodUnit, *, align: SubPeriodAlignment = "cycle"
    ) -> tuple[SubPeriod, ...]:
        """Split the period into months, quarters, half-years or one whole.

        Sub-periods partition the period exactly: contiguous, the first
        starting on ``start``, the last ending on ``end``.

        With ``align="cycle"`` (the default) they are counted from the cycle
        start; if the period is not a whole number of units, the last
        sub-period is shorter.  Each is labelled by its months first and its
        place in the cycle after, so a cross-year cycle's quarters cannot be
        read as calendar quarters (a sub-period that is a calendar quarter,
        as in a calendar-year cycle, keeps the calendar's name):

        >>> for q in AssessmentCycle.cross_year(2025).sub_periods("quarter"):
        ...     print(q.label)
        2025年5—7月（考核期第1季度）
        2025年8—10月（考核期第2季度）
        2025年11月—2026年1月（考核期第3季度）
        2026年2—4月（考核期第4季度）

        With ``align="calendar"`` they are the calendar's months, quarters
        (January–March, April–June, …) and half-years (January–June,
        July–December) that meet the period, cut to it; a cut one is marked
        :attr:`~SubPeriod.partial`.  ``"cycle"`` is the whole period either way.

        >>> for q in AssessmentCycle.cross_year(2025).sub_periods(
        ...     "quarter", align="calendar"
        ... ):
        ...     print(q.label)
        2025年5—6月（第二季度，部分）
        2025年第三季度
        2025年第四季度
        2026年第一季度
        2026年4月（第二季度，部分）

        Raises:
            InvalidValueError: *unit* is not one of the four units, or *align*
                is not ``"cycle"`` or ``"calendar"``.
        """
        if unit not in _UNITS:
            raise InvalidValueError(("unit",), unit, f"must be one of {_UNITS}")
        if align not in _ALIGNMENTS:
            raise InvalidValueError(("align",), align, f"must be one of {_ALIGNMENTS}")
        if unit == "cycle":
            return (
                SubPeriod(
                    "cycle",
                    0,
                    self.start,
                    self.end,
                    f"{self.label_zh} ({self.start}—{self.end})",
                    f"{self.label_en} ({self.start}–{self.end})",
                ),
            )
        if align == "calendar":
            return _calendar_split(self.start, self.end, unit)
        return _split(self.start, self.end, unit)


@functools.lru_cache(maxsize=64)
def _split(start: date, end: date, unit: SubPeriodUnit) -> tuple[SubPeriod, ...]:
    """*start*–*end* in months, quarters or halves (cached: scoring asks per unit)."""
    step = _UNIT_MONTHS[unit]
    bounds = [start]
    while bounds[-1] <= end:
        bounds.append(start + relativedelta(months=step * len(bounds)))
    bounds[-1] = end + timedelta(days=1)
    count = len(bounds) - 1
    return tuple(
        _sub_period(unit, i, bounds[i], bounds[i + 1] - timedelta(days=1), count)
        for i in range(count)
    )


@functools.lru_cache(maxsize=64)
def _calendar_split(
    start: date, end: date, unit: SubPeriodUnit
) -> tuple[SubPeriod, ...]:
    """The calendar months, quarters or halves meeting *start*–*end*, cut to it."""
    step = _UNIT_MONTHS[unit]
    whole_start = date(start.year, (start.month - 1) // step * step + 1, 1)
    found: list[SubPeriod] = []
    while whole_start <= end:
        following = whole_start + relativedelta(months=step)
        whole_end = following - timedelta(days=1)
        found.append(
            _calendar_period(
                unit,
                len(found),
                (max(start, whole_start), min(end, whole_end)),
                (whole_start, whole_end),
            )
        )
        whole_start = following
    return tuple(found)


def _calendar_period(
    unit: SubPeriodUnit,
    index: int,
    span: tuple[date, date],
    whole: tuple[date, date],
) -> SubPeriod:
    """One calendar period, labelled by the calendar, cut to *span*."""
    first = whole[0]
    if unit == "month":
        name_zh, name_en = f"{first.month}月", f"{first.year}-{first.month:02d}"
        whole_zh = f"{first.year}年{first.month}月"
    elif unit == "quarter":
        number = (first.month - 1) // 3
        name_zh, name_en = _QUARTER_ZH[number], f"{first.year} Q{number + 1}"
        whole_zh = f"{first.year}年{name_zh}"
    else:
        number = (first.month - 1) // 6
        name_zh, name_en = _HALF_ZH[number], f"{first.year} H{number + 1}"
        whole_zh = f"{first.year}年{name_zh}"
    if span == whole:
        return SubPeriod(unit, index, span[0], span[1], whole_zh, name_en)
    return SubPeriod(
        unit,
        index,
        span[0],
        span[1],
        f"{_span_zh(*span)}（{name_zh}，部分）",
        f"{span[0]}–{span[1]} ({name_en}, partial)",
        whole_start=whole[0],
        whole_end=whole[1],
    )


def _span_zh(start: date, end: date) -> str:
    """A span within one year in Chinese: ``2025年5—6月``, ``2026年4月``, or by day."""
    if start.day == 1 and end == _last_of_month(end):
        if start.month == end.month:
            return f"{start.year}年{start.month}月"
        return f"{start.year}年{start.month}—{end.month}月"
    if start.month == end.month:
        return f"{start.year}年{start.month}月{start.day}—{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日—{end.month}月{end.day}日"


def _sub_period(
    unit: SubPeriodUnit, index: int, start: date, end: date, count: int
) -> SubPeriod:
    """One cycle-aligned sub-period, labelled so it cannot pass for a calendar one.

    A sub-period that *is* a calendar month, quarter or half-year (as in a
    calendar-year cycle) gets the calendar's own name (``2025年第一季度``);
    any other is named by its months first and its place in the cycle after
    (``2025年11月—2026年1月（考核期第3季度）``), because "第3季度" alone reads
    as July–September to anyone who sees it.
    """
    number = index + 1
    months = _whole_months(start, end)
    step = _UNIT_MONTHS[unit]
    if months == step and (start.month - 1) % step == 0:
        return _calendar_period(unit, index, (start, end), (start, end))
    span_en = f"{start}–{end}"
    if unit == "month":
        place_zh, place_en = f"考核期第{number}个月", f"cycle month {number}"
    elif unit == "quarter":
        place_zh, place_en = f"考核期第{number}季度", f"cycle quarter {number}"
    elif count == 2:
        place_zh = f"考核期{'前' if index == 0 else '后'}半年"
        place_en = f"cycle half {number}"
    else:
        place_zh, place_en = f"考核期第{number}个半年", f"cycle half {number}"
    return SubPeriod(
        unit,
        index,
        start,
        end,
        f"{_long_span_zh(start, end)}（{place_zh}）",
        f"{span_en} ({place_en})",
    )


def _long_span_zh(start: date, end: date) -> str:
    """A span in Chinese that may cross a year: ``2025年11月—2026年1月``."""
    if start.year == end.year:
        return _span_zh(start, end)
    if start.day == 1 and end == _last_of_month(end):
        return f"{start.year}年{start.month}月—{end.year}年{end.month}月"
    return (
        f"{start.year}年{start.month}月{start.day}日—"
        f"{end.year}年{end.month}月{end.day}日"
    )


def _checked_overrides(
    overrides: Mapping[str, date] | None, known: tuple[str, ...]
) -> dict[str, date]:
    if overrides is None:
        return {}
    problems = _Problems("invalid assessment cycle")
    given: object = overrides
    if not isinstance(given, Mapping):
        problems.add(
            InvalidTypeError(("overrides",), given, "must map milestone keys to dates")
        )
        problems.raise_if_any()
    allowed = [key for key in known if key not in _PERIOD_KEYS]
    for key, value in overrides.items():
        # A key of a mapping: a name step (``overrides.commendation``).
        path = ("overrides", str(key))
        if key in _PERIOD_KEYS:
            problems.add(
                InvalidValueError(
                    path,
                    value,
                    "is fixed by the period; build AssessmentCycle(start=…, end=…) "
                    "for a custom period",
                )
            )
        elif key not in known:
            problems.add(
                UnknownReferenceError(
                    path,
                    value,
                    f"is not a milestone of this cycle (known: {', '.join(allowed)})",
                )
            )
        elif not _is_date(value):
            problems.add(
                InvalidTypeError(
                    path,
                    value,
                    "must be a datetime.date (a local date, not a datetime)",
                )
            )
    problems.raise_if_any()
    return dict(overrides)


@attrs.frozen
class CycleCalendar:
    """A kind of cycle repeated without gaps: maps every date to one cycle.

    Cycles of a calendar tile time: consecutive cycles touch, never overlap,
    and every date falls in exactly one of them.

    Args:
        kind: ``"cross_year"`` (跨年度, May–April), ``"calendar_year"``
            (自然年度) or ``"generic"``.
        start_month: month in which cycles start (5 for cross-year, 1 for
            calendar-year).
        months: length of each cycle in months (12 for both named kinds).
        zone: IANA time zone in which dates are local dates.
        anchor_year: a year in which a cycle starts; only matters when 12 is
            not a multiple of *months* (e.g. a biennial calendar).

    >>> cal = CycleCalendar.cross_year()
    >>> cal.cycle_for(date(2026, 4, 30)).label_zh
    '2025—2026年度'
    >>> cal.cycle_for(date(2026, 5, 1)).label_zh
    '2026—2027年度'
    """

    kind: CalendarKind = "cross_year"
    start_month: int = 5
    months: int = 12
    zone: str = DEFAULT_ZONE
    anchor_year: int = 2000

    def __attrs_post_init__(self) -> None:
        """Check every field; raise one :class:`ValidationError` for all problems."""
        problems = _Problems("invalid cycle calendar")
        named = {"cross_year": (5, 12), "calendar_year": (1, 12)}
        if self.kind not in ("cross_year", "calendar_year", "generic"):
            problems.add(
                InvalidValueError(
                    ("calendar", "kind"),
                    self.kind,
                    "must be 'cross_year', 'calendar_year' or 'generic'",
                )
            )
        elif self.kind in named and (self.start_month, self.months) != named[self.kind]:
            problems.add(
                InvalidValueError(
                    ("calendar",),
                    (self.start_month, self.months),
                    f"a {self.kind} calendar has start_month, months = "
                    f"{named[self.kind]}; use CycleCalendar.generic() for others",
                )
            )
        if not _is_int(self.start_month) or not 1 <= self.start_month <= 12:
            problems.add(
                InvalidValueError(
                    ("calendar", "start_month"), self.start_month, "must be 1–12"
                )
            )
        if not _is_int(self.months) or not 1 <= self.months <= 600:
            problems.add(
                InvalidValueError(("calendar", "months"), self.months, "must be 1–600")
            )
        if not _is_int(self.anchor_year) or not 1 <= self.anchor_year <= _MAX_YEAR:
            problems.add(
                InvalidValueError(
                    ("calendar", "anchor_year"),
                    self.anchor_year,
                    f"must be 1–{_MAX_YEAR}",
                )
            )
        if (zone_problem := _check_zone(self.zone, ("calendar", "zone"))) is not None:
            problems.add(zone_problem)
        problems.raise_if_any()

    @classmethod
    def cross_year(cls, *, zone: str = DEFAULT_ZONE) -> CycleCalendar:
        """Cross-year cycles (跨年度): May of year N to April of year N+1."""
        return cls("cross_year", 5, 12, zone)

    @classmethod
    def calendar_year(cls, *, zone: str = DEFAULT_ZONE) -> CycleCalendar:
        """Calendar-year cycles (自然年度): January to December."""
        return cls("calendar_year", 1, 12, zone)

    @classmethod
    def generic(
        cls,
        start_month: int,
        months: int = 12,
        *,
        zone: str = DEFAULT_ZONE,
        anchor_year: int = 2000,
    ) -> CycleCalendar:
        """Cycles of *months* months, one of them starting in *start_month*.

        >>> cal = CycleCalendar.generic(1, 6)
        >>> [
        ...     c.label_zh
        ...     for c in cal.cycles_between(date(2025, 1, 1), date(2025, 12, 31))
        ... ]
        ['2025年1月—2025年6月', '2025年7月—2025年12月']
        """
        return cls("generic", start_month, months, zone, anchor_year)

    # Cycles are numbered by k: cycle k starts at absolute month _base + k*months,
    # where an absolute month is year * 12 + (month - 1).
    @property
    def _base(self) -> int:
        return self.anchor_year * 12 + self.start_month - 1

    def _index(self, day: date) -> int:
        return (day.year * 12 + day.month - 1 - self._base) // self.months

    def _at(self, index: int) -> AssessmentCycle:
        year, month0 = divmod(self._base + index * self.months, 12)
        if self.kind == "cross_year":
            return AssessmentCycle.cross_year(year, zone=self.zone)
        if self.kind == "calendar_year":
            return AssessmentCycle.calendar_year(year, zone=self.zone)
        return AssessmentCycle.generic(year, month0 + 1, self.months, zone=self.zone)

    def local_date(self, moment: date | datetime) -> date:
        """The local date of *moment* in the calendar's zone (see AssessmentCycle)."""
        return _to_local(moment, self.zone)

    def cycle_for(self, moment: date | datetime) -> AssessmentCycle:
        """The unique cycle containing *moment* (a date or an aware datetime).

        >>> from datetime import datetime, timezone
        >>> CycleCalendar.cross_year().cycle_for(
        ...     datetime(2026, 4, 30, 16, 0, tzinfo=timezone.utc)
        ... ).label_en
        '2026–2027'
        """
        return self._at(self._index(self.local_date(moment)))

    def cycle(self, year: int) -> AssessmentCycle:
        """The (first) cycle whose period starts in *year*.

        >>> CycleCalendar.calendar_year().cycle(2025).label_zh
        '2025年度'

        Raises:
            InvalidValueError: no cycle of this calendar starts in *year*.
        """
        if not _is_int(year) or not 1 <= year <= _MAX_YEAR:
            raise InvalidValueError(
                ("year",), year, f"must be a whole year 1–{_MAX_YEAR}"
            )
        index = -((self._base - year * 12) // self.months)  # ceiling division
        found = self._at(index)
        if found.start.year != year:
            raise InvalidValueError(
                ("year",),
                year,
                f"no cycle of this calendar starts in {year}; the next starts "
                f"{found.start}",
            )
        return found

    def cycles_between(
        self, first: date | datetime, last: date | datetime
    ) -> Iterator[AssessmentCycle]:
        """The consecutive cycles from the one holding *first* to the one with *last*.

        Raises:
            InvalidValueError: *last* is before *first*.
        """
        low, high = self.local_date(first), self.local_date(last)
        if high < low:
            raise InvalidValueError(
                ("last",), last, f"must not be before first {first}"
            )
        for index in range(self._index(low), self._index(high) + 1):
            yield self._at(index)

    def milestones_between(
        self, first: date | datetime, last: date | datetime
    ) -> tuple[tuple[AssessmentCycle, Milestone], ...]:
        """Every milestone dated *first* … *last* (inclusive): a work calendar.

        Milestones of earlier cycles that fall in the range (such as the
        previous cycle's commendation) are included.  Sorted by date, then
        by cycle.

        >>> cal = CycleCalendar.cross_year()
        >>> for c, m in cal.milestones_between(date(2026, 4, 1), date(2026, 5, 31)):
        ...     print(m.date, c.label_zh, m.name_zh)
        2026-04-30 2025—2026年度 考核期结束
        2026-05-01 2025—2026年度 考评开始
        2026-05-01 2026—2027年度 考核期开始
        2026-05-31 2025—2026年度 考评结束

        Raises:
            InvalidValueError: *last* is before *first*.
        """
        low, high = self.local_date(first), self.local_date(last)
        if high < low:
            raise InvalidValueError(
                ("last",), last, f"must not be before first {first}"
            )
        start_index = self._index(low)
        # Earlier cycles may still have milestones (assessment, commendation) in range.
        while any(m.date >= low for m in self._at(start_index - 1).milestones):
            start_index -= 1
        found = [
            (cycle, milestone)
            for index in range(start_index, self._index(high) + 1)
            for cycle in (self._at(index),)
            for milestone in cycle.milestones
            if low <= milestone.date <= high
        ]
        found.sort(key=lambda pair: (pair[1].date, pair[0].start))
        return tuple(found)
