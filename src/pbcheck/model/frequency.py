"""Frequency rules (频次要求): "at least *k* per month / quarter / half-year / cycle".

Routine party work is a matter of frequencies.  The "三会一课" obligations are
the worked example: the branch committee meeting (支委会) monthly, the party
lesson (党课) quarterly, the party-member congress (党员大会) twice a year — at
least once per half-year — and the democratic life meeting (民主生活会 /
组织生活会) at least once a year.

A :class:`Frequency` counts dated activity records in each sub-period of an
:class:`~pbcheck.model.cycle.AssessmentCycle` (aligned to the cycle start, so
cross-year quarters run May–July, August–October, November–January and
February–April) and turns the met and missed sub-periods into points, exactly:

>>> from datetime import date
>>> from fractions import Fraction
>>> from pbcheck.model.cycle import AssessmentCycle
>>> cycle = AssessmentCycle.cross_year(2025)
>>> meetings = [
...     date(y, m, 10)
...     for y, m in [(2025, 5), (2025, 6), (2025, 7), (2025, 9), (2025, 10)]
...     + [(2025, 11), (2026, 1), (2026, 2), (2026, 3), (2026, 4)]
... ]
>>> outcome = Frequency("month").evaluate(meetings, cycle, Fraction(3))
>>> outcome.points
Fraction(5, 2)
>>> print(outcome.reason)
12个月中10个月达到每月至少1次（未达到：2025年8月、2025年12月），按达到比例计分：10/12 × 3 = 2.5 分
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias, cast, get_args

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    PbcheckError,
    Problem,
    _Problems,
)
from pbcheck.model.cycle import AssessmentCycle, SubPeriod, SubPeriodUnit

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from pbcheck.model.evaluation import Activity
    from pbcheck.model.rules import ActivityOutcome, ActivityRule

__all__ = ["Frequency", "FrequencyOutcome", "FrequencyScoring", "evaluate_activities"]

#: How met and missed sub-periods become points.
FrequencyScoring: TypeAlias = Literal["all_or_nothing", "per_period", "deduct_per_miss"]

_SCORINGS: tuple[str, ...] = get_args(FrequencyScoring)
_PERS: tuple[str, ...] = get_args(SubPeriodUnit)
# (每…, …个) for each unit: "每月至少1次", "12个月".
_UNIT_ZH = {
    "month": ("每月", "个月"),
    "quarter": ("每季度", "个季度"),
    "half": ("每半年", "个半年"),
    "cycle": ("每个考核周期", "个考核周期"),
}


def _fmt(value: Fraction) -> str:
    """An exact number as short text: ``3``, ``2.5``, ``-1``, ``5/3``."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:  # no finite decimal expansion
        return f"{value.numerator}/{value.denominator}"
    scaled, places = abs(value), 0
    while scaled.denominator != 1:
        scaled, places = scaled * 10, places + 1
    digits = str(scaled.numerator).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}"
    return f"-{text}" if value < 0 else text


def _accept_exact(value: Exact | None) -> Fraction | None:
    # Identity at run time: the conversion happens in __attrs_post_init__ so that
    # every problem of a Frequency is reported together; this converter only
    # widens the accepted type of ``deduction`` for type checkers.
    return cast("Fraction | None", value)


@attrs.frozen
class FrequencyOutcome:
    """The result of a :class:`Frequency` over one cycle.

    Attributes:
        points: the points earned, exact, in ``[0, max_points]``.
        periods: every sub-period of the cycle, in order.
        counts: how many records fell in each of ``periods``.
        met: the sub-periods with at least the required number of records.
        missed: the sub-periods with fewer.
        reason: one line in simplified Chinese naming the met and missed counts
            and the arithmetic, e.g. ``"12个月中10个月达到每月至少1次…"``.

    >>> from datetime import date
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> outcome = Frequency("half").evaluate(
    ...     [date(2025, 7, 1)], AssessmentCycle.cross_year(2025), Fraction(2)
    ... )
    >>> [period.label for period in outcome.met], [p.label for p in outcome.missed]
    (['上半年度 (2025-05-01—2025-10-31)'], ['下半年度 (2025-11-01—2026-04-30)'])
    >>> outcome.counts, outcome.points
    ((1, 0), Fraction(1, 1))
    """

    points: Fraction
    periods: tuple[SubPeriod, ...]
    counts: tuple[int, ...]
    met: tuple[SubPeriod, ...]
    missed: tuple[SubPeriod, ...]
    reason: str


@attrs.frozen
class Frequency:
    """At least *at_least* records per *per* sub-period of a cycle.

    Args:
        per: ``"month"`` (每月), ``"quarter"`` (每季度), ``"half"`` (每半年:
            a half-year, so "twice a year" is ``per="half"``) or ``"cycle"``
            (每个考核周期, "at least yearly" in a yearly cycle).
        at_least: the number of records each sub-period needs, ≥ 1.
        scoring: how met sub-periods become points out of ``max_points``:

            - ``"all_or_nothing"``: full points if every sub-period is met,
              else 0;
            - ``"per_period"`` (default): ``max_points × met / total``;
            - ``"deduct_per_miss"``: ``max_points − deduction × missed``, never
              below 0.
        deduction: points lost per missed sub-period; required for
            ``"deduct_per_miss"`` and refused otherwise.  Any exact number
            (``"0.5"``, ``Decimal("0.5")``, ``Fraction(1, 2)``); floats are
            refused.

    >>> Frequency("quarter", scoring="deduct_per_miss", deduction="0.5").deduction
    Fraction(1, 2)
    >>> Frequency("half", at_least=2).describe()
    '每半年至少2次'
    """

    per: SubPeriodUnit
    at_least: int = 1
    scoring: FrequencyScoring = "per_period"
    deduction: Fraction | None = attrs.field(default=None, converter=_accept_exact)

    def __attrs_post_init__(self) -> None:
        """Check every field; raise one :class:`ValidationError` for all problems."""
        problems = _Problems("invalid frequency rule")
        if self.per not in _PERS:
            problems.add(
                InvalidValueError(
                    ("frequency", "per"), self.per, f"must be one of {_PERS}"
                )
            )
        at_least: object = self.at_least
        if not isinstance(at_least, int) or isinstance(at_least, bool):
            problems.add(
                InvalidTypeError(
                    ("frequency", "at_least"), at_least, "must be a whole number"
                )
            )
        elif at_least < 1:
            problems.add(
                InvalidValueError(("frequency", "at_least"), at_least, "must be >= 1")
            )
        if self.scoring not in _SCORINGS:
            problems.add(
                InvalidValueError(
                    ("frequency", "scoring"),
                    self.scoring,
                    f"must be one of {_SCORINGS}",
                )
            )
        problems.extend(self._deduction_problems())
        problems.raise_if_any()

    def _deduction_problems(self) -> list[Problem]:
        """Check ``deduction`` against ``scoring``; store it as a Fraction."""
        if self.scoring != "deduct_per_miss":
            if self.deduction is None:
                return []
            return [
                InvalidValueError(
                    ("frequency", "deduction"),
                    self.deduction,
                    "applies only when scoring is 'deduct_per_miss' "
                    f"(scoring is {self.scoring!r})",
                )
            ]
        if self.deduction is None:
            return [
                InvalidValueError(
                    ("frequency", "deduction"),
                    None,
                    "is required when scoring is 'deduct_per_miss'",
                )
            ]
        try:
            deduction = to_exact(self.deduction, ("frequency", "deduction"))
        except Problem as exc:
            return [exc]
        if deduction <= 0:
            return [
                InvalidValueError(
                    ("frequency", "deduction"), self.deduction, "must be > 0"
                )
            ]
        object.__setattr__(self, "deduction", deduction)
        return []

    def describe(self) -> str:
        """The rule in simplified Chinese, e.g. ``"每月至少1次"``."""
        return f"{_UNIT_ZH[self.per][0]}至少{self.at_least}次"

    def evaluate(
        self,
        occurred: Sequence[date],
        cycle: AssessmentCycle,
        max_points: Fraction,
    ) -> FrequencyOutcome:
        """Count *occurred* per sub-period of *cycle* and score the result.

        Each record counts once, in the sub-period holding its date; the order
        of the records does not matter.

        Args:
            occurred: local dates of the activity records (aware datetimes are
                converted to the cycle's zone).
            cycle: the cycle whose sub-periods are counted.
            max_points: the indicator's maximum, ≥ 0.

        Returns:
            The points (exact, within ``[0, max_points]``), the counts, the
            met and missed sub-periods and a one-line reason.

        Raises:
            OutOfCycleError: a record is dated outside *cycle* (the first one
                found, named ``occurred[i]``).
            InvalidValueError: a record is a naive datetime, or *max_points*
                is negative.
            InvalidTypeError: a record is not a date, or *max_points* is not
                exact.
        """
        maximum = to_exact(max_points, ("max_points",))
        if maximum < 0:
            raise InvalidValueError(("max_points",), max_points, "must be >= 0")
        given: object = occurred
        if isinstance(given, str | bytes):
            raise InvalidTypeError(("occurred",), given, "must be a sequence of dates")
        days = [
            cycle.require_within(moment, ("occurred", i))
            for i, moment in enumerate(occurred)
        ]
        periods = cycle.sub_periods(self.per)
        per_start = Counter(_period_index(periods, day) for day in days)
        counts = tuple(per_start[i] for i in range(len(periods)))
        met = tuple(
            p for p, n in zip(periods, counts, strict=True) if n >= self.at_least
        )
        missed = tuple(
            p for p, n in zip(periods, counts, strict=True) if n < self.at_least
        )
        points, arithmetic = self._score(maximum, len(met), len(missed))
        noun = _UNIT_ZH[self.per][1]
        summary = (
            f"{len(periods)}{noun}中{len(met)}{noun}达到{self.describe()}"
            if missed
            else f"{len(periods)}{noun}全部达到{self.describe()}"
        )
        if missed:
            summary += f"（未达到：{'、'.join(p.label for p in missed)}）"
        return FrequencyOutcome(
            points=points,
            periods=periods,
            counts=counts,
            met=met,
            missed=missed,
            reason=f"{summary}，{arithmetic}",
        )

    def _score(self, maximum: Fraction, met: int, missed: int) -> tuple[Fraction, str]:
        total = met + missed
        if self.scoring == "all_or_nothing":
            if missed:
                return Fraction(0), "须全部达到方可得分，得 0 分"
            return maximum, f"得满分 {_fmt(maximum)} 分"
        if self.scoring == "per_period":
            points = maximum * Fraction(met, total)
            return points, (
                f"按达到比例计分：{met}/{total} × {_fmt(maximum)} = {_fmt(points)} 分"
            )
        if self.deduction is None:  # pragma: no cover - prevented by validation
            raise PbcheckError("deduct_per_miss without a deduction")
        raw = maximum - self.deduction * missed
        text = (
            f"每缺1{_UNIT_ZH[self.per][1]}扣 {_fmt(self.deduction)} 分："
            f"{_fmt(maximum)} − {_fmt(self.deduction)} × {missed} = {_fmt(raw)}"
        )
        if raw < 0:
            return Fraction(0), f"{text}，不低于 0，得 0 分"
        return raw, f"{text} 分"


def _period_index(periods: tuple[SubPeriod, ...], day: date) -> int:
    # Sub-periods are few (at most 600 months) and sorted; a linear scan is clear.
    for period in periods:
        if period.start <= day <= period.end:
            return period.index
    raise InvalidValueError(  # pragma: no cover - require_within checked the day
        ("occurred",), day, "is in no sub-period of the cycle"
    )


def evaluate_activities(  # noqa: PLR0913 - every input of the count is named
    rule: ActivityRule,
    activities: Sequence[Activity],
    cycle: AssessmentCycle,
    max_points: Fraction,
    *,
    branches: Sequence[str] = (),
    as_of: date | None = None,
) -> ActivityOutcome:
    """Score a unit's *activities* (already checked to lie in *cycle*) by *rule*.

    The one place the scoring engine asks a frequency indicator for its
    points.  *branches* are the unit's party branches this cycle; *as_of*
    (a mid-cycle check, 半年自查) limits the count to what has happened by
    that date.

    >>> from datetime import date
    >>> from pbcheck.model.evaluation import Activity
    >>> evaluate_activities(
    ...     Frequency("half"),
    ...     [Activity("B3", date(2025, 6, 20))],
    ...     AssessmentCycle.cross_year(2025),
    ...     Fraction(2),
    ... ).points
    Fraction(1, 1)
    """
    days = [cycle.local_date(activity.occurred_at) for activity in activities]
    return rule.evaluate(days, cycle, max_points)
