"""iCalendar (.ics) export of cycle milestones: a work calendar for any calendar app.

Needs the optional ``ics`` extra (``pip install 'pbcheck[ics]'``, which brings
``icalendar``); importing this module does not need it, calling
:func:`milestones_to_ics` does.

Each milestone becomes one all-day event whose summary is the Chinese name with
the English one, e.g. ``七一表彰（Commendation before July 1 (七一)）·
2025—2026年度``.  The output is deterministic: the UID of an event is derived
from the cycle's English label and the milestone key
(``2025-2026-commendation@pbcheck``), and the DTSTAMP is the *stamp* you pass,
or else the first day of the milestone's cycle at midnight UTC — the library
never reads the clock.

>>> from pbcheck.model.cycle import AssessmentCycle
>>> ics = milestones_to_ics(AssessmentCycle.cross_year(2025))
>>> ics.count(b"BEGIN:VEVENT")
7
>>> b"UID:2025-2026-commendation@pbcheck" in ics
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, TypeAlias

from pbcheck.errors import InvalidTypeError, InvalidValueError, MissingExtraError
from pbcheck.model.cycle import AssessmentCycle, Milestone

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["MilestoneSource", "milestone_uid", "milestones_to_ics"]

#: What :func:`milestones_to_ics` accepts: a cycle (all its milestones), or
#: several cycles and ``(cycle, milestone)`` pairs such as
#: :meth:`~pbcheck.model.cycle.CycleCalendar.milestones_between` returns.
MilestoneSource: TypeAlias = (
    AssessmentCycle | Iterable[AssessmentCycle | tuple[AssessmentCycle, Milestone]]
)

_NOT_UID = re.compile(r"[^A-Za-z0-9]+")


def _icalendar() -> ModuleType:
    try:
        import icalendar  # noqa: PLC0415 - optional extra, imported when needed
    except ImportError as exc:
        raise MissingExtraError("ics", "pbcheck.io.ics (iCalendar export)") from exc
    return icalendar


def _pairs(source: MilestoneSource) -> list[tuple[AssessmentCycle, Milestone]]:
    items: Iterable[object] = (
        (source,) if isinstance(source, AssessmentCycle) else source
    )
    pairs: list[tuple[AssessmentCycle, Milestone]] = []
    for position, item in enumerate(items):
        if isinstance(item, AssessmentCycle):
            pairs.extend((item, milestone) for milestone in item.milestones)
        elif (
            isinstance(item, tuple)
            and len(item) == 2  # a (cycle, milestone) pair
            and isinstance(item[0], AssessmentCycle)
            and isinstance(item[1], Milestone)
        ):
            pairs.append((item[0], item[1]))
        else:
            raise InvalidTypeError(
                ("cycles_or_milestones", position),
                item,
                "must be an AssessmentCycle or an (AssessmentCycle, Milestone) pair",
            )
    return pairs


def milestone_uid(cycle: AssessmentCycle, milestone: Milestone) -> str:
    """The stable iCalendar UID of *milestone* in *cycle*.

    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> c = AssessmentCycle.cross_year(2025)
    >>> milestone_uid(c, c.milestone("self_check"))
    '2025-2026-self_check@pbcheck'
    """
    label = _NOT_UID.sub("-", cycle.label_en).strip("-").lower()
    return f"{label}-{milestone.key}@pbcheck"


def milestones_to_ics(
    cycles_or_milestones: MilestoneSource,
    *,
    stamp: datetime | None = None,
    calendar_name: str = "党建工作考核时间节点 / Party-building assessment milestones",
) -> bytes:
    """An iCalendar file with one all-day event per milestone.

    Events are sorted by date; a milestone given twice (as part of a cycle and
    as a pair, say) appears once.

    Args:
        cycles_or_milestones: a cycle, or cycles and ``(cycle, milestone)``
            pairs (the output of
            :meth:`~pbcheck.model.cycle.CycleCalendar.milestones_between`).
        stamp: the DTSTAMP of every event, timezone-aware.  By default each
            event is stamped with its cycle's first day at 00:00 UTC, so the
            same input always gives the same bytes.
        calendar_name: the calendar's display name (``X-WR-CALNAME``).

    Returns:
        The ``.ics`` file content (UTF-8, CRLF line endings).

    Raises:
        MissingExtraError: the ``ics`` extra (icalendar) is not installed.
        InvalidValueError: *stamp* is a naive datetime.
        InvalidTypeError: an item is neither a cycle nor a pair.

    >>> from pbcheck.model.cycle import CycleCalendar
    >>> calendar = CycleCalendar.cross_year()
    >>> pairs = calendar.milestones_between(date(2026, 5, 1), date(2026, 6, 30))
    >>> ics = milestones_to_ics(pairs, stamp=datetime(2026, 4, 1, tzinfo=UTC))
    >>> ics.count(b"BEGIN:VEVENT"), b"DTSTAMP:20260401T000000Z" in ics
    (5, True)
    """
    if stamp is not None and (
        not isinstance(stamp, datetime) or stamp.utcoffset() is None
    ):
        raise InvalidValueError(("stamp",), stamp, "must be a timezone-aware datetime")
    pairs = _pairs(cycles_or_milestones)
    icalendar = _icalendar()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//pbcheck//pbcheck assessment milestones//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", calendar_name)
    zones = {cycle.zone for cycle, _ in pairs}
    if len(zones) == 1:
        calendar.add("x-wr-timezone", zones.pop())
    seen: set[str] = set()
    for cycle, milestone in sorted(pairs, key=lambda p: (p[1].date, p[0].start)):
        uid = milestone_uid(cycle, milestone)
        if uid in seen:
            continue
        seen.add(uid)
        event = icalendar.Event()
        event.add("uid", uid)
        event.add("dtstamp", _stamp(stamp, cycle.start))
        event.add("dtstart", milestone.date)
        event.add("dtend", milestone.date + timedelta(days=1))
        event.add(
            "summary",
            f"{milestone.name_zh}（{milestone.name_en}）· {cycle.label_zh}",
        )
        event.add(
            "description",
            f"{cycle.label_zh}（{cycle.label_en}）考核周期 "
            f"{cycle.start.isoformat()}—{cycle.end.isoformat()}；"
            f"节点 / milestone: {milestone.key}",
        )
        event.add("categories", ["党建考核", "pbcheck"])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def _stamp(stamp: datetime | None, default_day: date) -> datetime:
    if stamp is None:
        return datetime.combine(default_day, time(0, 0), tzinfo=UTC)
    return stamp.astimezone(UTC)
