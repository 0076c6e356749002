"""Bytes in, plain data out: JSON or TOML parsed safely, within limits.

Only the standard library's :mod:`json` and :mod:`tomllib` parse: no YAML, no
pickle, no code.  Whatever the input, the result is either plain data
(dicts, lists, strings, integers, booleans, ``None``, and :class:`Decimal`
for the floats that the loader will then refuse) or a
:class:`~pbcheck.errors.ValidationError` naming where the input went wrong.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal

import attrs

from pbcheck._numbers import whole_at_least
from pbcheck.errors import InvalidTypeError, InvalidValueError, Problem, ValidationError
from pbcheck.interchange._paths import Path, render_path

Format = Literal["json", "toml"]


_positive = whole_at_least(1)


@attrs.frozen
class Limits:
    """Bounds on what the loader accepts, so that no input can exhaust a machine.

    Args:
        max_bytes: the largest document, in bytes (64 MiB by default).
        max_depth: the deepest nesting of lists and objects (64 by default;
            real documents need about 15).
        max_items: the most values (scalars, lists and objects together) in
            one document (5 million by default).

    >>> Limits().max_bytes == 64 * 1024 * 1024
    True
    >>> Limits(max_depth=0)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: max_depth: must be a whole number ≥ 1 (got 0)
    """

    max_bytes: int = attrs.field(default=64 * 1024 * 1024, validator=_positive)
    max_depth: int = attrs.field(default=64, validator=_positive)
    max_items: int = attrs.field(default=5_000_000, validator=_positive)


class _NonFinite:
    """What ``NaN`` and ``Infinity`` parse to, so the walk can say where they were."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Pairs(dict[str, object]):
    """A JSON object that remembers keys given twice."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__()
        self.duplicates: list[str] = []
        for key, value in pairs:
            if key in self:
                self.duplicates.append(key)
            self[key] = value


def _fail(message: str, value: object = None) -> ValidationError:
    return ValidationError(
        "unreadable document", [InvalidValueError("$", value, message)]
    )


def decode(data: bytes | str, fmt: Format, limits: Limits) -> object:
    """Parse *data* as *fmt* within *limits*; plain data or a ValidationError."""
    if isinstance(data, str):
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError as exc:
            raise _fail(
                f"holds a character that is not valid Unicode: {exc.reason}"
            ) from None
        text = data
    elif isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        size = len(raw)
        if size <= limits.max_bytes:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise _fail(
                    f"is not UTF-8 text (invalid byte at offset {exc.start})"
                ) from None
    else:
        raise ValidationError(
            "unreadable document",
            [InvalidTypeError("$", type(data).__name__, "must be text or bytes")],
        )
    if size > limits.max_bytes:
        raise _fail(f"is {size} bytes, more than the limit of {limits.max_bytes}")
    text = text.removeprefix("\ufeff")
    try:
        if fmt == "json":
            parsed: object = json.loads(
                text,
                parse_float=Decimal,
                parse_constant=_NonFinite,
                object_pairs_hook=_Pairs,
            )
        else:
            parsed = tomllib.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise _fail(f"is not valid TOML: {exc}") from None
    except RecursionError:
        raise _fail(
            f"nests lists or objects too deeply (the limit is {limits.max_depth})"
        ) from None
    except (ValueError, MemoryError) as exc:  # e.g. an integer with 5000 digits
        raise _fail(f"cannot be parsed: {exc}") from None
    walker = _Walk(limits)
    result = walker.visit(parsed, (), 0)
    if walker.problems:
        raise ValidationError("unreadable document", walker.problems)
    return result


class _Walk:
    """Checks depth, size, duplicates and non-finite numbers; normalises TOML values."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.items = 0
        self.problems: list[Problem] = []
        self.stopped = False

    def visit(self, value: object, path: Path, depth: int) -> object:  # noqa: PLR0911 - one branch per kind of value
        if self.stopped:
            return None
        self.items += 1
        if self.items > self.limits.max_items:
            self._stop(path, f"holds more than {self.limits.max_items} values")
            return None
        if isinstance(value, dict | list) and depth >= self.limits.max_depth:
            self._stop(path, f"nests deeper than the limit of {self.limits.max_depth}")
            return None
        if isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                self.problems.append(
                    InvalidValueError(render_path((*path, key)), None, "is given twice")
                )
            return {
                key: self.visit(item, (*path, key), depth + 1)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [
                self.visit(item, (*path, index), depth + 1)
                for index, item in enumerate(value)
            ]
        if isinstance(value, _NonFinite) or (
            isinstance(value, Decimal) and not value.is_finite()
        ):
            text = value.text if isinstance(value, _NonFinite) else str(value)
            self.problems.append(
                InvalidValueError(
                    render_path(path),
                    text,
                    "is not a finite number; NaN and Infinity are refused",
                )
            )
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self.problems.append(
                    InvalidValueError(
                        render_path(path),
                        value.isoformat(),
                        "must carry its UTC offset (e.g. 2026-04-30T23:30:00+08:00) "
                        "or be a plain date",
                    )
                )
                return None
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, time):
            self.problems.append(
                InvalidValueError(
                    render_path(path),
                    value.isoformat(),
                    "a time of day alone is refused",
                )
            )
            return None
        return value

    def _stop(self, path: Path, message: str) -> None:
        self.problems.append(InvalidValueError(render_path(path), None, message))
        self.stopped = True
