"""Validators shared by the season's records: ids, texts, times, tuples of records.

Each names the field and the value it refused; the text rule is
:mod:`pbcheck._text`'s, the same one the model applies.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, TypeVar

import attrs

from pbcheck._text import unsafe_character
from pbcheck.errors import InvalidTypeError, InvalidValueError

_T = TypeVar("_T")


def text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A non-blank single line with no unsafe character (an id, a name)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError((attribute.name,), value, "must be a non-empty string")
    if (why := unsafe_character(value)) is not None:
        raise InvalidValueError((attribute.name,), value, why)


def optional_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or :func:`text`."""
    if value is not None:
        text(_, attribute, value)


def free_text(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A reason or note: may be empty and hold line breaks, nothing else unsafe."""
    if not isinstance(value, str):
        raise InvalidTypeError((attribute.name,), value, "must be a string")
    if (why := unsafe_character(value, line_breaks=True)) is not None:
        raise InvalidValueError((attribute.name,), value, why)


def required_reason(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A reason that must be given (退回补正, a decision): :func:`free_text`, not blank."""
    free_text(_, attribute, value)
    if not str(value).strip():
        raise InvalidValueError((attribute.name,), value, "a reason must be given")


def moment(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A timezone-aware :class:`~datetime.datetime`: events are instants, not days."""
    if not isinstance(value, datetime):
        raise InvalidTypeError(
            (attribute.name,), value, "must be a timezone-aware datetime"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(
            (attribute.name,),
            value,
            "must be timezone-aware (e.g. 2026-05-20T09:30+08:00)",
        )


def day(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A calendar :class:`~datetime.date` (not a datetime)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidTypeError((attribute.name,), value, "must be a date")


def optional_day(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``None`` or :func:`day`."""
    if value is not None:
        day(_, attribute, value)


def whole(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A whole number ≥ 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidValueError((attribute.name,), value, "must be a whole number ≥ 1")


def texts(value: Iterable[str]) -> tuple[str, ...]:
    """A tuple of texts, each checked by the owning class (see :func:`each_text`)."""
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def each_text(
    _: object, attribute: attrs.Attribute[Any], value: tuple[str, ...]
) -> None:
    """Every member non-blank single-line text."""
    for index, member in enumerate(value):
        if not isinstance(member, str) or not member.strip():
            raise InvalidValueError(
                (attribute.name, index), member, "must be a non-empty string"
            )
        if (why := unsafe_character(member)) is not None:
            raise InvalidValueError((attribute.name, index), member, why)


def records(kind: type[_T]) -> Any:  # noqa: ANN401 - attrs fields are typed at their use
    """A converter to a tuple and a validator that every member is a *kind*."""

    def convert(value: Iterable[_T]) -> tuple[_T, ...]:
        return tuple(value)

    def check(
        _: object, attribute: attrs.Attribute[Any], value: tuple[object, ...]
    ) -> None:
        for index, member in enumerate(value):
            if not isinstance(member, kind):
                raise InvalidTypeError(
                    (attribute.name, index), member, f"must be a {kind.__name__}"
                )

    return attrs.field(factory=tuple, converter=convert, validator=check)


def instance(*kinds: type) -> Any:  # noqa: ANN401 - an attrs validator
    """A validator: the value is one of *kinds*, else a library error naming the field."""
    names = " or ".join(kind.__name__ for kind in kinds)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        # bool is an int: a flag asks for a bool, and an int is not one.
        if not isinstance(value, kinds) or (
            bool in kinds and not isinstance(value, bool)
        ):
            raise InvalidTypeError((attribute.name,), value, f"must be a {names}")

    return check


def optional_instance(*kinds: type) -> Any:  # noqa: ANN401 - an attrs validator
    """:func:`instance`, or ``None``."""
    inner = instance(*kinds)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            inner(_, attribute, value)

    return check


def one_of(*allowed: str) -> Any:  # noqa: ANN401 - an attrs validator
    """A validator: the value is one of *allowed*, else a library error naming them."""
    shown = ", ".join(allowed)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if value not in allowed:
            raise InvalidValueError((attribute.name,), value, f"must be one of {shown}")

    return check
