"""Cell values → exact domain values, by the documented rules of :mod:`pbcheck.io.spreadsheets`.

Each converter returns the value or raises :class:`CellProblem` with a message
saying what to write instead; normalisations (trimmed spaces, full-width
digits) are returned to the caller, which records them only when the whole
cell was accepted.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from pbcheck._numbers import MAX_DIGITS, to_exact
from pbcheck.errors import Problem
from pbcheck.io.spreadsheets._grid import CellError, Percent, RawValue, Uncached
from pbcheck.model.evaluation import ObservedValue, Source
from pbcheck.model.rules import DirectScore, ValueRule


class CellProblem(Exception):
    """A cell that cannot be read; the message says what to write instead."""


#: (what was done, original, result) for an accepted cell.
Note = tuple[str, str, str]

TRIMMED = "trimmed surrounding spaces"
FULL_WIDTH = "full-width characters to ASCII"

# Full-width digits and the punctuation numbers use, to their ASCII forms.
# Only these: Unicode NFKC would also turn "8²" into "82".
_FULL_WIDTH = str.maketrans(
    "０１２３４５６７８９．＋－／％，",
    "0123456789.+-/%,",
)
_CHINESE_NUMERALS = frozenset(
    "零〇一二两三四五六七八九十百千万点壹贰叁肆伍陆柒捌玖拾佰仟"
)
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_WITH_UNIT = re.compile(r"([+-]?[0-9]+(?:\.[0-9]+)?)\s*(分|次|个|项|部|天|人)")
_DATE = re.compile(r"([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})")

#: Words read as pass/fail (达标/未达标), compared after trimming; Latin case-insensitively.
PASS_WORDS = ("达标", "是", "合格", "通过", "✓", "✔", "√", "TRUE")
FAIL_WORDS = ("未达标", "不达标", "否", "不合格", "未通过", "✗", "✘", "×", "FALSE")
_PASS_FAIL = {word.casefold(): True for word in PASS_WORDS} | {
    word.casefold(): False for word in FAIL_WORDS
}
_SIGNIFICANT_DIGITS = 15  # what Excel keeps of a number


def _markers(raw: RawValue) -> None:
    if isinstance(raw, Uncached):
        raise CellProblem(
            f"is a formula without a cached value ({raw.formula}); formulas are "
            "never evaluated: open and save the workbook in Excel, or paste the "
            "values"
        )
    if isinstance(raw, CellError):
        raise CellProblem(f"is an Excel error value ({raw.code}), not data")
    if isinstance(raw, Percent):
        raise CellProblem(
            f"is a number formatted as a percentage: the cell shows {raw.shown} but "
            f"holds {raw.number!r}, and a percentage is ambiguous; format the cell "
            "as a number (常规) and type the value itself, e.g. 85 or 4.25"
        )


def clean(raw: str, notes: list[Note]) -> str:
    """Trim surrounding spaces (recorded); refuse text that looks like a formula."""
    text = raw.strip()
    if text != raw:
        notes.append((TRIMMED, raw, text))
    if text.startswith("="):
        raise CellProblem(
            "looks like a formula; formulas are never evaluated: write the value itself"
        )
    return text


def text(raw: RawValue, notes: list[Note]) -> str:
    """An identifier or name: text (trimmed), or a whole-number cell; ``""`` if blank."""
    _markers(raw)
    if raw is None:
        return ""
    if isinstance(raw, str):
        return clean(raw, notes)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise CellProblem("must be text")


def free_text(raw: RawValue) -> str:
    """A note: kept exactly as written, unless it looks like a formula."""
    if isinstance(raw, Percent):
        return raw.shown
    _markers(raw)
    if raw is None:
        return ""
    if isinstance(raw, str):
        if raw.lstrip().startswith("="):
            raise CellProblem(
                "looks like a formula; formulas are never evaluated: write the "
                "note as text"
            )
        return raw
    if isinstance(raw, float):
        return repr(raw)
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    return str(raw)


def source(raw: RawValue, notes: list[Note]) -> Source:
    """A :class:`Source` by its value (``team``) or Chinese label (``考评组``)."""
    word = text(raw, notes)
    for candidate in Source:
        if word.casefold() == candidate.value or word == candidate.label_zh:
            return candidate
    accepted = "、".join(f"{s.label_zh} ({s.value})" for s in Source)
    if not word:
        raise CellProblem(f"must name a source: {accepted}")
    raise CellProblem(f"is not a source; write one of {accepted}")


def day(raw: RawValue, notes: list[Note]) -> date | None:
    """A date cell, or text ``2026-05-12`` / ``2026/5/12``; ``None`` if blank."""
    _markers(raw)
    if raw is None:
        return None
    if isinstance(raw, datetime):
        if raw.time() != time(0):
            raise CellProblem(
                "has a time of day; spreadsheet times carry no time zone: "
                "give the date only"
            )
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        written = clean(raw, notes)
        match = _DATE.fullmatch(written)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellProblem("is not a calendar date") from None
    raise CellProblem("must be a date such as 2026-05-12")


def value(
    raw: RawValue, rule: ValueRule, max_points: Fraction, notes: list[Note]
) -> ObservedValue:
    """An observed value as *rule* reads it, checked by the rule itself."""
    _markers(raw)
    if raw is None:
        raise CellProblem("is empty; every row needs a value")
    if rule.value_kind == "pass_fail":
        result: ObservedValue = _pass_fail(raw, notes)
    else:
        result = _number(raw, rule, notes)
    message = rule.value_problem(result, max_points)
    if message is not None:
        raise CellProblem(message)
    return result


def _pass_fail(raw: RawValue, notes: list[Note]) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = clean(raw, notes)
        if word.casefold() in _PASS_FAIL:
            return _PASS_FAIL[word.casefold()]
    raise CellProblem(
        "must be 达标 or 未达标 (also read: 是/否, 合格/不合格, 通过/未通过, ✓/✗, "
        "TRUE/FALSE); a number is ambiguous between points and a judgement"
    )


def _exact(number: Fraction) -> ObservedValue:
    """Whole numbers stay integers; everything else is an exact Fraction."""
    return number.numerator if number.denominator == 1 else number


def _number(raw: RawValue, rule: ValueRule, notes: list[Note]) -> ObservedValue:
    if isinstance(raw, bool):
        raise CellProblem("must be a number, not a pass/fail judgement")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return _exact(_from_float(raw))
    if isinstance(raw, datetime | date | time | timedelta):
        raise CellProblem("is a date or time, not a number")
    if not isinstance(raw, str):
        raise CellProblem("must be a number")
    written = clean(raw, notes)
    ascii_text = written.translate(_FULL_WIDTH)
    if ascii_text != written:
        notes.append((FULL_WIDTH, written, ascii_text))
    try:
        return _exact(to_exact(ascii_text, ("value",)))
    except Problem as problem:
        if f"more than {MAX_DIGITS} digits" in problem.message:  # too long to read
            raise CellProblem(problem.message) from None
        raise CellProblem(_why_not_a_number(ascii_text, rule)) from None


def _from_float(number: float) -> Fraction:
    """A numeric Excel cell, read as the shortest decimal that round-trips (``repr``)."""
    if not math.isfinite(number):
        raise CellProblem("must be a finite number")
    try:
        decimal = Decimal(repr(number))
    except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
        raise CellProblem("must be a number") from None
    digits = len(decimal.normalize().as_tuple().digits)
    if digits > _SIGNIFICANT_DIGITS:
        raise CellProblem(
            f"has {digits} significant digits, more than the {_SIGNIFICANT_DIGITS} "
            "Excel keeps, so it is not the number that was meant (often the "
            "result of a formula such as =1/3 or =AVERAGE(...)); type the exact "
            "value as text, e.g. 1/3 or 85.33"
        )
    return Fraction(decimal)


def _why_not_a_number(written: str, rule: ValueRule) -> str:  # noqa: PLR0911 - one message per case
    if written.endswith("%"):
        if isinstance(rule, DirectScore):
            return (
                "is a percentage, which is ambiguous between points and a share "
                "of the indicator's maximum: write the points, e.g. 4.25"
            )
        if rule.value_kind == "count":
            return "must be a whole count, not a percentage"
        return (
            "is written with '%': write the number alone, in the unit of the "
            f"rule's target (e.g. {written[:-1].strip() or '85'} for {written})"
        )
    if _THOUSANDS.fullmatch(written):
        return (
            "has a thousands separator, which is not read: write "
            f"{written.replace(',', '')}"
        )
    if any(character in _CHINESE_NUMERALS for character in written):
        return (
            "is written in Chinese numerals, which are not read: write digits, e.g. 85"
        )
    unit = _WITH_UNIT.fullmatch(written)
    if unit:
        return f"must be the number alone, without '{unit.group(2)}': write {unit.group(1)}"
    if not written:
        return "is empty; every row needs a value"
    return "is not a number; write digits such as 85, 8.5 or 1/3"
