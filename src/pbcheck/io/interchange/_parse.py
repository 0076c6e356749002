"""Bytes in, plain data out: JSON or TOML parsed safely, within limits.

Only the standard library's :mod:`json` and :mod:`tomllib` parse: no YAML, no
pickle, no code.  Whatever the input, the result is either plain data
(dicts, lists, strings, integers, booleans, ``None``, and :class:`Decimal`
for the floats that the loader will then refuse) or a
:class:`~pbcheck.errors.ValidationError` naming where the input went wrong.
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import date, datetime, time
from decimal import Decimal
from itertools import chain, compress, repeat
from pathlib import Path as FilePath
from typing import Literal

import attrs

from pbcheck._numbers import whole_at_least
from pbcheck.errors import (
    DOCUMENT,
    MAX_PROBLEMS,
    InvalidTypeError,
    InvalidValueError,
    Problem,
    ValidationError,
)
from pbcheck.io.interchange._paths import Path

Format = Literal["json", "toml"]
PathLike = str | os.PathLike[str]


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
        results_scale: how many times larger than *max_bytes* and *max_items*
            a results document may be (4 by default).  A results document
            holds the evaluations it was scored from and their scorecards
            besides, about 1.5 times their size: a 59 MiB evaluations
            document, inside the limit, gives a 91 MB results document.  So
            that what ``score`` writes can always be read back by ``rank``
            and ``report``, results get room to grow; see :meth:`for_kind`.

    >>> Limits().max_bytes == 64 * 1024 * 1024
    True
    >>> Limits().for_kind("results").max_bytes == 256 * 1024 * 1024
    True
    >>> Limits(max_depth=0)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: max_depth: must be a whole number ≥ 1 (got 0)
    """

    max_bytes: int = attrs.field(default=64 * 1024 * 1024, validator=_positive)
    max_depth: int = attrs.field(default=64, validator=_positive)
    max_items: int = attrs.field(default=5_000_000, validator=_positive)
    results_scale: int = attrs.field(default=4, validator=_positive)

    @classmethod
    def of_mib(cls, mib: int) -> Limits:
        """Limits for documents of up to *mib* MiB (``--max-document-mib``).

        For big seasons: *max_bytes* becomes *mib* MiB and *max_items* grows
        in proportion (5 million values per 64 MiB, never fewer than the
        default), so a larger document is not refused for its count instead;
        a results document still gets :attr:`results_scale` times both.  The
        depth stays as it is: no real document nests deeper.

        Raises:
            InvalidValueError: *mib* is not a whole number ≥ 1, named
                ``max_document_mib``.

        >>> limits = Limits.of_mib(256)
        >>> limits.max_bytes // 2**20, limits.max_items, limits.max_depth
        (256, 20000000, 64)
        >>> Limits.of_mib(1).max_items  # never below the default
        5000000
        >>> Limits.of_mib(0)
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: max_document_mib: must be a whole number ≥ 1 (got 0)
        """
        if isinstance(mib, bool) or not isinstance(mib, int) or mib < 1:
            raise InvalidValueError(
                ("max_document_mib",), mib, "must be a whole number ≥ 1"
            )
        default = cls()
        per_mib = default.max_items * 2**20 // default.max_bytes
        return cls(
            max_bytes=mib * 2**20,
            max_items=max(default.max_items, mib * per_mib),
        )

    def for_kind(self, kind: str | None) -> Limits:
        """The limits a document of *kind* is read with.

        A results document gets *max_bytes* and *max_items* times
        :attr:`results_scale`; every other kind gets these limits as they
        are.  ``None`` (any kind, as the document says) gets the larger
        ones; the document is then held to its own kind's once read.

        >>> Limits(max_bytes=1000).for_kind("results").max_bytes
        4000
        >>> Limits(max_bytes=1000).for_kind("rubric").max_bytes
        1000
        """
        if kind not in ("results", None):
            return self
        return attrs.evolve(
            self,
            max_bytes=self.max_bytes * self.results_scale,
            max_items=self.max_items * self.results_scale,
            results_scale=1,
        )


def read_document(path: PathLike, limits: Limits, kind: str | None = "") -> bytes:
    """A document file's bytes, never more than the limit for *kind*.

    The limit is ``limits.for_kind(kind).max_bytes`` (:meth:`Limits.for_kind`:
    results documents may be larger; ``None``, any kind, allows that much
    too, and :func:`decode` then holds the document to its own kind's; left
    out, ``limits.max_bytes``).

    A regular file larger than the limit is refused from its size alone.
    Whatever ``stat`` says (``/dev/zero``, ``/dev/urandom``, a FIFO report
    0 bytes and never end), at most one byte past the limit is read, which is
    enough to refuse it.  A FIFO is read as any program reads one: the read
    waits for a writer, then stops at the limit however long it writes.

    Raises:
        ValidationError: the file cannot be read (named, with the reason), or
            is larger than the limit.
    """
    target = FilePath(path)
    limits = limits.for_kind(kind)
    data = b""
    try:
        size = target.stat().st_size
        if size <= limits.max_bytes:
            chunks: list[bytes] = []
            left = limits.max_bytes + 1
            with target.open("rb", buffering=0) as handle:
                while left > 0:
                    chunk = handle.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    left -= len(chunk)
            data = b"".join(chunks)
    except OSError as exc:
        raise ValidationError(
            f"cannot read {target}",
            [
                InvalidValueError(
                    (DOCUMENT,), str(target), f"cannot be read: {exc.strerror}"
                )
            ],
        ) from None
    if len(data) > limits.max_bytes:
        # Not a regular file (or one growing while read): no size but this.
        size = len(data)
        message = f"holds more than the limit of {limits.max_bytes} bytes"
    elif size > limits.max_bytes:
        message = f"is larger than the limit of {limits.max_bytes} bytes"
    else:
        return data
    raise ValidationError(
        f"cannot read {target}", [InvalidValueError((DOCUMENT,), size, message)]
    )


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


class _JsonScan:
    """Parser hooks that note, while JSON is parsed, whatever the walk must see.

    Objects come out as plain dicts unless a key is given twice (then as
    :class:`_Pairs`); floats and constants come out as the walk expects them.
    ``plain`` stays true while there is none of these.
    """

    __slots__ = ("plain",)

    def __init__(self) -> None:
        self.plain = True

    def object(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.plain = False
            return _Pairs(pairs)
        return result

    def number(self, text: str) -> Decimal:
        self.plain = False
        return Decimal(text)

    def constant(self, text: str) -> _NonFinite:
        self.plain = False
        return _NonFinite(text)


def _within(parsed: object, limits: Limits) -> bool:
    """Whether plain parsed JSON keeps the depth and item bounds of the walk.

    It goes level by level, with the loops in C: the containers of one level
    give the values of the next.
    """
    dicts = [parsed] if isinstance(parsed, dict) else []
    lists = [parsed] if isinstance(parsed, list) else []
    items = 1
    depth = 0
    while dicts or lists:
        if depth >= limits.max_depth:
            return False
        values = [
            *chain.from_iterable(map(dict.values, dicts)),
            *chain.from_iterable(lists),
        ]
        items += len(values)
        dicts = list(compress(values, map(isinstance, values, repeat(dict))))
        lists = list(compress(values, map(isinstance, values, repeat(list))))
        depth += 1
    return items <= limits.max_items


def _fail(message: str, value: object = None) -> ValidationError:
    return ValidationError(
        "unreadable document", [InvalidValueError((DOCUMENT,), value, message)]
    )


def decode(
    data: bytes | str, fmt: Format, limits: Limits, kind: str | None = ""
) -> object:
    """Parse *data* as *fmt* within *limits*; plain data or a ValidationError.

    *kind* is the kind of document expected, ``None`` for any: a results
    document may be larger (:meth:`Limits.for_kind`).  With ``None``, a
    document over *limits* but inside the results limits is parsed, then
    refused unless it says it is a results document.  Left out, *limits*
    hold as they are, whatever the document.
    """
    given = limits
    limits = limits.for_kind(kind)
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
            [
                InvalidTypeError(
                    (DOCUMENT,), type(data).__name__, "must be text or bytes"
                )
            ],
        )
    if size > limits.max_bytes:
        shown = f"{given.max_bytes}" + (
            f" ({limits.max_bytes} for a results document)"
            if limits.max_bytes != given.max_bytes
            else ""
        )
        raise _fail(f"is {size} bytes, more than the limit of {shown}")
    text = text.removeprefix("\ufeff")
    scan = _JsonScan()
    try:
        if fmt == "json":
            parsed: object = json.loads(
                text,
                parse_float=scan.number,
                parse_constant=scan.constant,
                object_pairs_hook=scan.object,
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
    if kind is None:
        _check_own_kind(parsed, size, given)
    if fmt == "json" and scan.plain and _within(parsed, limits):
        # Nothing the walk could refuse or change: no duplicate keys, no
        # floats or constants, every bound kept.  Anything else takes the
        # walk, which names each problem where it is.
        return parsed
    walker = _Walk(limits, given)
    result = walker.visit(parsed, (), 0)
    if walker.problems:
        raise ValidationError(
            "unreadable document", walker.problems, omitted=walker.omitted
        )
    return result


def _check_own_kind(parsed: object, size: int, limits: Limits) -> None:
    """A document read as any kind is held to its own kind's size limit."""
    kind = parsed.get("kind") if isinstance(parsed, dict) else ""
    own = limits.for_kind(kind if isinstance(kind, str) else "")
    if size > own.max_bytes:
        raise _fail(f"is {size} bytes, more than the limit of {own.max_bytes}")


class _Walk:
    """Checks depth, size, duplicates and non-finite numbers; normalises TOML values."""

    def __init__(self, limits: Limits, given: Limits | None = None) -> None:
        self.limits = limits
        # The limits as given, when a document of any kind was allowed a
        # results document's room: messages name both.
        self.given = given or limits
        self.items = 0
        # The first MAX_PROBLEMS, and a count of the rest: a document of a
        # million NaNs costs a counter, not a million problems.
        self.problems: list[Problem] = []
        self.omitted = 0
        self.stopped = False

    def visit(self, value: object, path: Path, depth: int) -> object:  # noqa: PLR0911 - one branch per kind of value
        if self.stopped:
            return None
        self.items += 1
        if self.items > self.limits.max_items:
            most = self.limits.max_items
            shown = (
                f"{most} values"
                if self.given.max_items == most
                else f"{self.given.max_items} values ({most} in a results document)"
            )
            self._stop(path, f"holds more than {shown}")
            return None
        if isinstance(value, dict | list) and depth >= self.limits.max_depth:
            self._stop(path, f"nests deeper than the limit of {self.limits.max_depth}")
            return None
        if isinstance(value, dict):
            for key in getattr(value, "duplicates", ()):
                self._add((*path, key), None, "is given twice")
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
            self._add(
                path, text, "is not a finite number; NaN and Infinity are refused"
            )
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                self._add(
                    path,
                    value.isoformat(),
                    "must carry its UTC offset (e.g. 2026-04-30T23:30:00+08:00) "
                    "or be a plain date",
                )
                return None
            return value.isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, time):
            self._add(path, value.isoformat(), "a time of day alone is refused")
            return None
        return value

    def _add(self, path: Path, value: object, message: str) -> None:
        """Keep a problem while there is room, else only count it."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(InvalidValueError((DOCUMENT, *path), value, message))
        else:
            self.omitted += 1

    def _stop(self, path: Path, message: str) -> None:
        self._add(path, None, message)
        self.stopped = True
