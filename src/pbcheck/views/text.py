"""Words for people: dates in the official form (公文日期).

One formatter for every date a person reads in a circular, a report heading, a
reason or an explanation, so that no page says ``2026-05-20`` beside
``2026年5月20日``.  Machine-readable outputs (CSV cells, JSON documents,
file names) keep ISO dates.
"""

from __future__ import annotations

from datetime import date

__all__ = ["official_date", "official_span"]


def official_date(day: date) -> str:
    """A date as official documents write it: ``2026年5月20日``.

    Arabic numerals without leading zeros, as GB/T 9704-2012 (7.3.5.3) asks
    for the 成文日期.

    >>> official_date(date(2026, 5, 20)), official_date(date(2025, 10, 1))
    ('2026年5月20日', '2025年10月1日')
    """
    return f"{day.year}年{day.month}月{day.day}日"


def official_span(start: date, end: date) -> str:
    """A span of days in official form, joined by 至: ``2025年5月1日至2026年4月30日``.

    >>> official_span(date(2025, 5, 1), date(2026, 4, 30))
    '2025年5月1日至2026年4月30日'
    """
    return f"{official_date(start)}至{official_date(end)}"
