"""Exact numbers as text, without rounding: ``2.5``, ``12``, ``1/3``.

A leaf below :mod:`pbcheck.errors` (which quotes exact values in messages) and
:mod:`pbcheck._numbers` (which re-exports :func:`format_exact`): one formatter
for explanations, documents and error messages, with no import of its own.
"""

from __future__ import annotations

import functools
from fractions import Fraction

__all__ = ["format_exact"]


def format_exact(value: Fraction) -> str:
    """Show an exact value without rounding: ``2.5``, ``12``, or ``1/3``.

    Used in explanations, where a rounded figure would hide where a point came
    from.

    >>> (
    ...     format_exact(Fraction(5, 2)),
    ...     format_exact(Fraction(12)),
    ...     format_exact(Fraction(1, 3)),
    ... )
    ('2.5', '12', '1/3')
    """
    # .denominator first: anything but a rational (a float, a Decimal) fails here.
    denominator = value.denominator
    if denominator == 1:
        return str(value.numerator)
    return _ratio_text(value.numerator, denominator)


# Scores repeat the same few halves, tenths and thirds many thousand times.
@functools.lru_cache(maxsize=4096)
def _ratio_text(numerator: int, denominator: int) -> str:
    # A decimal needs as many places as the larger power of 2 or 5 in the
    # denominator; anything else in it makes the value a repeating decimal.
    twos = (denominator & -denominator).bit_length() - 1  # trailing zero bits
    rest = denominator >> twos
    fives = 0
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return f"{numerator}/{denominator}"
    places = max(twos, fives)
    # Integer digits, not Decimal, and the exact quotient (the denominator
    # divides 10**places): explanations and dumps format thousands of numbers.
    digits = str(abs(numerator) * (10**places // denominator)).rjust(places + 1, "0")
    sign = "-" if numerator < 0 else ""
    return f"{sign}{digits[:-places]}.{digits[-places:]}"
