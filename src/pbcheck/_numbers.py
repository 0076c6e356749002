"""Exact numbers: how inputs become :class:`~fractions.Fraction`, how scores are shown.

Every point pbcheck computes is a :class:`~fractions.Fraction`: sums, weighted
means, ratios to targets and trimmed means are exact, so no binary-float drift
can move a unit across a grade boundary.  Rounding happens once, when a number
is shown, by a :class:`RoundingPolicy`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Final, Literal, TypeAlias

import attrs

from pbcheck._exact_text import format_exact
from pbcheck.errors import InvalidTypeError, InvalidValueError, Path

__all__ = [
    "MAX_DIGITS",
    "MAX_PLACES",
    "Exact",
    "Reason",
    "RoundingPolicy",
    "format_exact",
    "to_exact",
    "words",
]

#: What pbcheck accepts wherever it wants an exact number.
Exact: TypeAlias = int | Decimal | Fraction | str

# ASCII digits only: Python's own parsers accept full-width digits such as "８５",
# which would be a silent normalisation.
_DECIMAL_LITERAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_FRACTION_LITERAL = re.compile(r"[+-]?[0-9]+/[0-9]+")

#: The most digits an input number may have: in its whole part with its
#: decimals (``"12.345"`` has 5), in either part of a fraction, or, for an
#: ``int``, ``Decimal`` or ``Fraction``, in its numerator or denominator.  Real
#: scores and weights have a handful; the bound keeps every number far below
#: Python's own limit on converting ints to and from text (4,300 digits), so a
#: hostile input is refused by name instead of failing later with a bare
#: :class:`ValueError`, and exact arithmetic on it stays cheap.
MAX_DIGITS: Final = 1000

#: The most decimal places a :class:`RoundingPolicy` shows.  Scores are shown
#: to two places; a policy of a million places would make every number it
#: rounds a million-digit integer (and fail to print it).
MAX_PLACES: Final = 100

_BOUND = 10**MAX_DIGITS  # the first whole number with MAX_DIGITS + 1 digits
_TOO_LONG = f"has more than {MAX_DIGITS} digits"


def to_exact(value: object, path: Path | str) -> Fraction:
    """Convert an input number to a :class:`~fractions.Fraction`, exactly.

    Accepted: :class:`int`, :class:`~decimal.Decimal` (finite),
    :class:`~fractions.Fraction`, and strings holding a decimal literal
    (``"8.5"``) or a fraction (``"1/3"``) in ASCII digits.

    Refused, with an error naming *path* (its steps, see
    :mod:`pbcheck.errors`) and the value: :class:`float` (it is not exact:
    ``0.1`` is not one tenth; write ``Decimal("0.1")`` or ``"0.1"``),
    :class:`bool`, NaN and infinities, and strings with anything else in them
    (spaces, ``%``, full-width digits).  Nothing is guessed.  A number with
    more than ``MAX_DIGITS`` (1,000) digits is refused too, before Python tries to
    convert it.

    >>> to_exact("8.5", ("x",))
    Fraction(17, 2)
    >>> to_exact(0.1, ("section", "weight"))
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidTypeError: section.weight: must be an exact number ...
    >>> to_exact("1" * 5000, ("observations", 0, "value"))
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: observations[0].value: has more than 1000 digits ...
    """
    if isinstance(value, bool):
        raise InvalidTypeError(path, value, "must be a number, not a boolean")
    if isinstance(value, Fraction):
        if abs(value.numerator) >= _BOUND or value.denominator >= _BOUND:
            raise InvalidValueError(path, value, _TOO_LONG)
        return value
    if isinstance(value, int):
        if abs(value) >= _BOUND:
            raise InvalidValueError(path, value, _TOO_LONG)
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidValueError(path, value, "must be finite")
        # The exponent counts too: Decimal("1E+999999") is a whole number of a
        # million digits, built in full by Fraction().
        _, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)  # noqa: S101 - finite, checked above
        if len(digits) + max(exponent, 0) > MAX_DIGITS or -exponent > MAX_DIGITS:
            raise InvalidValueError(path, value, _TOO_LONG)
        return Fraction(value)
    if isinstance(value, str):
        if _DECIMAL_LITERAL.fullmatch(value) or _FRACTION_LITERAL.fullmatch(value):
            if any(_digit_count(part) > MAX_DIGITS for part in value.split("/")):
                raise InvalidValueError(path, value, _TOO_LONG)
            try:
                return Fraction(value)
            except ZeroDivisionError:
                raise InvalidValueError(path, value, "has a zero denominator") from None
        raise InvalidValueError(
            path, value, "must be a decimal number in ASCII digits, e.g. '8.5'"
        )
    if isinstance(value, float):
        raise InvalidTypeError(
            path,
            value,
            "must be an exact number (int, Decimal, Fraction or a string such as "
            "'0.7'); floats are refused because they are not exact",
        )
    raise InvalidTypeError(path, value, "must be a number")


def _digit_count(text: str) -> int:
    """How many digits *text* (one decimal or one side of a fraction) has."""
    return len(text) - text.count(".") - text.count("+") - text.count("-")


_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}


def whole_at_least(
    minimum: int, owner: str = ""
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """An attrs validator: a whole number (not a bool) ≥ *minimum*.

    It raises :class:`~pbcheck.errors.InvalidValueError` (a :class:`ValueError`)
    whose path is ``(owner, field)`` (``(field,)`` without an owner), so a bad
    parameter is reported like every other bad input.

    >>> @attrs.frozen
    ... class Rule:
    ...     required: int = attrs.field(validator=whole_at_least(1, "rule"))
    >>> Rule(0)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: rule.required: must be a whole number ≥ 1 (got 0)
    """

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise InvalidValueError(
                (owner, attribute.name) if owner else (attribute.name,),
                value,
                f"must be a whole number ≥ {minimum}",
            )

    return check


def one_of(
    options: tuple[str, ...], owner: str = ""
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """An attrs validator: one of *options*, else a library error listing them.

    Like ``attrs.validators.in_``, but it raises
    :class:`~pbcheck.errors.InvalidValueError` whose path is
    ``(owner, field)``, so a bad choice is reported like every other bad input.

    >>> @attrs.frozen
    ... class Policy:
    ...     ties: str = attrs.field(validator=one_of(("dense", "ordinal"), "policy"))
    >>> Policy("skip")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: policy.ties: must be one of 'dense', 'ordinal' (got 'skip')
    """
    allowed = ", ".join(repr(option) for option in options)

    def check(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, str) or value not in options:
            raise InvalidValueError(
                (owner, attribute.name) if owner else (attribute.name,),
                value,
                f"must be one of {allowed}",
            )

    return check


_at_least_zero = whole_at_least(0, "rounding")


def _places(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    _at_least_zero(instance, attribute, value)
    if value > MAX_PLACES:  # type: ignore[operator]  # an int ≥ 0, checked above
        raise InvalidValueError(
            ("rounding", attribute.name), value, f"must be at most {MAX_PLACES}"
        )


def _mode(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in _MODES:
        raise InvalidValueError(
            ("rounding", attribute.name),
            value,
            f"must be one of {', '.join(repr(m) for m in _MODES)}",
        )


@attrs.frozen
class RoundingPolicy:
    """How an exact score is shown: rounded once, at presentation.

    The default is two places, rounding half up (四舍五入), which is what
    assessment tables in party offices use: 84.125 shows as 84.13.
    ``mode="half_even"`` (banker's rounding) is available for systems that
    need it.

    >>> RoundingPolicy().apply(Fraction("84.125"))
    Decimal('84.13')
    >>> RoundingPolicy(places=1).apply(Fraction(-5, 4))
    Decimal('-1.3')

    At most ``MAX_PLACES`` (100) places:

    >>> RoundingPolicy(places=10**6)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: rounding.places: must be at most 100 (got 1000000)
    """

    places: int = attrs.field(default=2, validator=_places)
    mode: Literal["half_up", "half_even"] = attrs.field(
        default="half_up", validator=_mode
    )

    def apply(self, value: Fraction) -> Decimal:
        """Round *value* to ``places`` decimals by ``mode``, exactly."""
        scaled = value * 10**self.places
        whole, rest = divmod(abs(scaled.numerator), scaled.denominator)
        twice_rest = 2 * rest
        if twice_rest > scaled.denominator or (
            twice_rest == scaled.denominator
            and (self.mode == "half_up" or whole % 2 == 1)
        ):
            whole += 1
        return _decimal(-whole if scaled < 0 else whole, self.places)

    def format(self, value: Fraction) -> str:
        """The rounded value as text, always with ``places`` decimals."""
        return f"{self.apply(value):.{self.places}f}"

    def show(self, value: Fraction) -> str:
        """An amount inside a sentence (a reason, a formula): short, never a fraction.

        The one rule for amounts people read in words: a value with at most
        ``places`` decimals is written exactly and without padding (``2``,
        ``1.5``); any other is rounded to ``places`` (``32/17`` → ``1.88``),
        so no ``a/b`` ever reaches a reader.  Tables and totals use
        :meth:`format` (always ``places`` decimals) or :meth:`format_long`.

        >>> policy = RoundingPolicy()
        >>> (
        ...     policy.show(Fraction(2)),
        ...     policy.show(Fraction(3, 2)),
        ...     policy.show(Fraction(32, 17)),
        ... )
        ('2', '1.5', '1.88')
        >>> RoundingPolicy(places=1).show(Fraction(11, 6))
        '1.8'
        """
        if (value.denominator == 1) or (10**self.places % value.denominator == 0):
            return format_exact(value)
        return self.format(value)

    def format_long(self, value: Fraction) -> str:
        """A published value, with the longer decimal when rounding changed it.

        A value the rounding leaves as it is shows as :meth:`format` does
        (``87.50``).  Otherwise the longer decimal comes first, with as many
        places as it takes to differ from the published figure (at most four
        more than ``places``), then the published figure:
        ``89.996，公布为 90.00``.  Where a rubric compares exact values
        (``basis="exact"``), this is what shows a reader why two units
        published alike rank apart, or why 90.00 is not a 90-point grade.

        >>> policy = RoundingPolicy()
        >>> policy.format_long(Fraction("87.5"))
        '87.50'
        >>> policy.format_long(Fraction("89.996"))
        '89.996，公布为 90.00'
        >>> policy.format_long(Fraction(26749787, 306000))
        '87.418，公布为 87.42'
        """
        published = self.apply(value)
        if published == value:
            return self.format(value)
        longer = published
        for places in range(self.places + 1, self.places + 5):
            longer = attrs.evolve(self, places=places).apply(value)
            if longer != published:
                break
        return f"{longer}，公布为 {self.format(value)}"


def _decimal(scaled: int, places: int) -> Decimal:
    """``scaled / 10**places`` as a :class:`~decimal.Decimal`, with every digit.

    Built from its digits, not through ``Decimal.scaleb``, whose default
    28-digit context would round long numbers silently.

    >>> _decimal(-12345678901234567890123456789015, 1)
    Decimal('-1234567890123456789012345678901.5')
    """
    sign = 1 if scaled < 0 else 0
    digits = tuple(int(d) for d in str(abs(scaled)))
    return Decimal((sign, digits, -places))


_DEFAULT_ROUNDING = RoundingPolicy()


def _parts(parts: Iterable[str | Fraction]) -> tuple[str | Fraction, ...]:
    return tuple(parts)


@attrs.frozen
class Reason:
    """A reason in words with its exact amounts, worded at a rounding chosen later.

    Scoring rules say why in a sentence, but they do not know the rubric's
    rounding; a reason keeps its amounts exact and is worded when shown:
    the scoring engine words every reason with the rubric's
    :class:`RoundingPolicy` (by :meth:`RoundingPolicy.show`), ``str()`` with
    the default (two places).  *parts* are text and exact amounts, in order.

    >>> reason = Reason(("按比例得 2 × 80 ÷ 85，计 ", Fraction(32, 17), " 分"))
    >>> str(reason)
    '按比例得 2 × 80 ÷ 85，计 1.88 分'
    >>> reason.render(RoundingPolicy(places=1))
    '按比例得 2 × 80 ÷ 85，计 1.9 分'
    >>> reason.amounts
    (Fraction(32, 17),)
    """

    parts: tuple[str | Fraction, ...] = attrs.field(converter=_parts)

    @property
    def amounts(self) -> tuple[Fraction, ...]:
        """The exact amounts of the reason, in order."""
        return tuple(part for part in self.parts if not isinstance(part, str))

    def render(self, rounding: RoundingPolicy = _DEFAULT_ROUNDING) -> str:
        """The reason in words, each amount shown by ``rounding.show``."""
        return "".join(
            part if isinstance(part, str) else rounding.show(part)
            for part in self.parts
        )

    def __str__(self) -> str:
        return self.render()


def words(reason: str | Reason, rounding: RoundingPolicy = _DEFAULT_ROUNDING) -> str:
    """*reason* as text: a :class:`Reason` worded at *rounding*, a string as it is.

    A rule of one's own may give its reason as plain text; the built-in rules
    give a :class:`Reason`.

    >>> words("达标，得满分 2 分"), words(Reason(("计 ", Fraction(1, 3), " 分")))
    ('达标，得满分 2 分', '计 0.33 分')
    """
    return reason if isinstance(reason, str) else reason.render(rounding)
