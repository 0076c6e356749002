"""Frequency rules (频次要求): "at least *k* per month / quarter / half-year / cycle".

Routine party work is a matter of frequencies.  The "三会一课" obligations of a
party branch are the worked example; the 2018《中国共产党支部工作条例（试行）》
says (第十一条、第十二条、第十三条)::

    党支部党员大会是党支部的议事决策机构，由全体党员参加，一般每季度召开1次。
    党支部委员会会议一般每月召开1次，根据需要可以随时召开。
    党小组会一般每月召开1次。

How often a branch gives a party lesson (党课) is not fixed by that 条例 (it
asks 党委（党组）书记 to give one at least once a year); "每季度至少1次党课" is a
common rubric's own rule.  The branch's organisational life meeting
(组织生活会) is held at least once a year, usually in the fourth quarter (the
same 条例); the democratic life meeting (民主生活会) is a different thing, the
leadership team's meeting of leading cadres, generally once a year.

A :class:`Frequency` counts dated activity records in each sub-period of an
:class:`~pbcheck.model.cycle.AssessmentCycle` and turns the met and missed
sub-periods into points, exactly.  By default sub-periods are aligned to the
cycle start, so cross-year quarters run May–July, August–October,
November–January and February–April:

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
12个月中10个月达到每月至少1次（未达到：2025年8月、2025年12月），按达到比例计分：10 ÷ 12 × 3，得 2.5 分

The obligations of the 条例 fall on each branch (支部) in calendar periods.
``align="calendar"`` counts calendar months, quarters and half-years (cut to
the cycle: see :attr:`Frequency.partial_min_share` for the partial first and
last ones), and ``per_branch`` counts each of the unit's branches
(:attr:`~pbcheck.model.evaluation.Evaluation.branches`) on its own:

>>> from pbcheck.model.evaluation import Activity
>>> congress = Frequency(
...     "quarter", align="calendar", per_branch="all", activity="召开党员大会"
... )
>>> held = [
...     Activity("B1", date(y, m, 15), branch=b)
...     for b in ("第一党支部", "第二党支部")
...     for y, m in [(2025, 6), (2025, 8), (2025, 11), (2026, 2)]
...     if (b, m) != ("第二党支部", 11)
... ]
>>> outcome = congress.evaluate_activities(
...     held, cycle, Fraction(2), branches=("第一党支部", "第二党支部")
... )
>>> print(outcome.reason)
2个党支部，4个季度中3个季度各党支部均达到每季度至少1次（未达到：第二党支部 2025年第四季度未召开党员大会）；2026年4月（第二季度，部分）天数不足整季度的一半，不计入，按达到比例计分：3 ÷ 4 × 2，得 1.5 分
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from fractions import Fraction
from typing import (
    TYPE_CHECKING,
    Literal,
    Protocol,
    TypeAlias,
    TypeGuard,
    cast,
    get_args,
    runtime_checkable,
)

import attrs

from pbcheck._numbers import Exact, Reason, RoundingPolicy, to_exact
from pbcheck._text import unsafe_character
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    PbcheckError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.cycle import (
    AssessmentCycle,
    SubPeriod,
    SubPeriodAlignment,
    SubPeriodUnit,
)
from pbcheck.views.text import official_date

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from pbcheck.model.evaluation import Activity

__all__ = [
    "DEFAULT_PARTIAL_MIN_SHARE",
    "ActivityOutcome",
    "ActivityRule",
    "BranchActivityRule",
    "BranchMode",
    "BranchOutcome",
    "Frequency",
    "FrequencyOutcome",
    "FrequencyScoring",
    "evaluate_activities",
]

#: How met and missed sub-periods become points.
FrequencyScoring: TypeAlias = Literal["all_or_nothing", "per_period", "deduct_per_miss"]

#: How a rule counts a unit's party branches (党支部): ``"all"`` — a
#: sub-period is met only when every branch meets it; ``"each"`` — every
#: branch's sub-period (支部·季度) is met or missed on its own.
BranchMode: TypeAlias = Literal["all", "each"]

#: pbcheck's default for :attr:`Frequency.partial_min_share`: a partial calendar
#: period counts when it holds at least half of the whole period's days.  A
#: default of this library, not a regulation.
DEFAULT_PARTIAL_MIN_SHARE = Fraction(1, 2)

_SCORINGS: tuple[str, ...] = get_args(FrequencyScoring)
_PERS: tuple[str, ...] = get_args(SubPeriodUnit)
_BRANCH_MODES: tuple[str, ...] = get_args(BranchMode)
_ALIGNMENTS: tuple[str, ...] = get_args(SubPeriodAlignment)
# (每…, …个, bare noun) for each unit: "每月至少1次", "12个月", "整月".
_UNIT_ZH = {
    "month": ("每月", "个月", "月"),
    "quarter": ("每季度", "个季度", "季度"),
    "half": ("每半年", "个半年", "半年"),
    "cycle": ("每个考核周期", "个考核周期", "考核周期"),
}


_SHARES_ZH = {Fraction(1, 2): "一半"}
_DIGITS_ZH = "〇一二三四五六七八九十"


def _share_zh(share: Fraction) -> str:
    """A share of a period in words: ``一半``, ``三分之一``, ``百分之六十``.

    >>> _share_zh(Fraction(1, 2)), _share_zh(Fraction(1, 3)), _share_zh(Fraction(3, 5))
    ('一半', '三分之一', '五分之三')
    """
    if share in _SHARES_ZH:
        return _SHARES_ZH[share]
    if share.denominator <= 10:  # a digit or 十 in words
        return f"{_DIGITS_ZH[share.denominator]}分之{_DIGITS_ZH[share.numerator]}"
    return f"{RoundingPolicy().show(share * 100)}%"


def _accept_exact(value: Exact | None) -> Fraction | None:
    # Identity at run time: the conversion happens in __attrs_post_init__ so that
    # every problem of a Frequency is reported together; this converter only
    # widens the accepted type of ``deduction`` for type checkers.
    return cast("Fraction | None", value)


@attrs.frozen
class BranchOutcome:
    """How one party branch (党支部) did under a per-branch :class:`Frequency`.

    Attributes:
        branch: the branch, as named in the evaluation's ``branches``.
        counts: how many of its records fell in each sub-period of the
            outcome's ``periods`` (in the same order).
        met: the counted sub-periods it met.
        missed: the counted sub-periods it missed.

    >>> from datetime import date
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> from pbcheck.model.evaluation import Activity
    >>> rule = Frequency("half", align="calendar", per_branch="each")
    >>> outcome = rule.evaluate_activities(
    ...     [Activity("B1", date(2025, 9, 1), branch="机关第一党支部")],
    ...     AssessmentCycle.calendar_year(2025),
    ...     Fraction(2),
    ...     branches=("机关第一党支部", "机关第二党支部"),
    ... )
    >>> [(b.branch, b.counts, [p.label for p in b.missed]) for b in outcome.branches]
    [('机关第一党支部', (0, 1), ['2025年上半年']), ('机关第二党支部', (0, 0), ['2025年上半年', '2025年下半年'])]
    """

    branch: str
    counts: tuple[int, ...]
    met: tuple[SubPeriod, ...]
    missed: tuple[SubPeriod, ...]


@attrs.frozen
class FrequencyOutcome:
    """The result of a :class:`Frequency` over one cycle.

    ``met``, ``missed``, ``skipped`` and ``not_due`` partition ``periods``:
    every sub-period is in exactly one of them.

    Attributes:
        points: the points earned, exact, in ``[0, max_points]``.
        periods: every sub-period of the cycle, in order.
        counts: how many counted records fell in each of ``periods``.
        met: the counted sub-periods with at least the required number of
            records (with a per-branch rule: met by every branch).
        missed: the counted sub-periods with fewer (with a per-branch rule:
            missed by at least one branch).
        reason: one line in simplified Chinese naming the met and missed counts
            and the arithmetic, e.g. ``"12个月中10个月达到每月至少1次…"``.
        skipped: partial calendar periods too short to count
            (:attr:`Frequency.partial_min_share`); neither met nor missed.
        not_due: sub-periods not yet ended on ``as_of``; neither met nor missed.
        as_of: the date counting stopped at, when before the cycle's end (the
            result is then provisional); ``None`` otherwise.
        branches: one :class:`BranchOutcome` per branch, in the order given,
            with a per-branch rule; empty otherwise.
        unattributed: records of a per-branch rule that name no branch; they
            count for no branch.

    >>> from datetime import date
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> outcome = Frequency("half").evaluate(
    ...     [date(2025, 7, 1)], AssessmentCycle.cross_year(2025), Fraction(2)
    ... )
    >>> [period.label for period in outcome.met], [p.label for p in outcome.missed]
    (['2025年5—10月（考核期前半年）'], ['2025年11月—2026年4月（考核期后半年）'])
    >>> outcome.counts, outcome.points
    ((1, 0), Fraction(1, 1))
    """

    points: Fraction
    periods: tuple[SubPeriod, ...]
    counts: tuple[int, ...]
    met: tuple[SubPeriod, ...]
    missed: tuple[SubPeriod, ...]
    reason: Reason
    skipped: tuple[SubPeriod, ...] = ()
    not_due: tuple[SubPeriod, ...] = ()
    as_of: date | None = None
    branches: tuple[BranchOutcome, ...] = ()
    unattributed: int = 0


@runtime_checkable
class ActivityRule(Protocol):
    """Scores dated activity records within a cycle (this module).

    ``evaluate`` receives the local dates of the activities (already checked to
    lie in *cycle*) and returns an outcome with ``points`` in
    ``[0, max_points]`` and a ``reason``.

    :class:`~pbcheck.model.frequency.Frequency` is the built-in one:

    >>> from datetime import date
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> rule = Frequency("half")
    >>> isinstance(rule, ActivityRule)
    True
    >>> rule.evaluate(
    ...     [date(2025, 6, 20)], AssessmentCycle.cross_year(2025), Fraction(2)
    ... ).points
    Fraction(1, 1)
    """

    def evaluate(
        self,
        occurred: Sequence[date],
        cycle: AssessmentCycle,
        max_points: Fraction,
    ) -> ActivityOutcome:
        """Points for the activities that *occurred* in *cycle*."""
        ...


class ActivityOutcome(Protocol):
    """What an :class:`ActivityRule` returns: points and the reason.

    Any object with these two attributes will do; a
    :class:`~pbcheck.model.frequency.FrequencyOutcome` is one:

    >>> from datetime import date
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> outcome = Frequency("cycle").evaluate(
    ...     [date(2025, 12, 26)], AssessmentCycle.cross_year(2025), Fraction(1)
    ... )
    >>> outcome.points, str(outcome.reason)
    (Fraction(1, 1), '1个考核周期全部达到每个考核周期至少1次，得满分 1 分')
    """

    @property
    def points(self) -> Fraction:
        """Points within ``[0, max_points]``."""
        ...

    @property
    def reason(self) -> str | Reason:
        """Why, in words.

        Text, or a :class:`~pbcheck.model.rules.Reason` whose amounts the
        scoring engine words with the rubric's rounding.
        """
        ...


@runtime_checkable
class BranchActivityRule(Protocol):
    """An activity rule that reads whole activity records, not just their dates.

    The optional richer form of
    :class:`ActivityRule`: a rule with this method is
    asked through it by :func:`evaluate_activities`, with the unit's branches
    and the as-of date; a rule with only ``evaluate`` is asked as before, with
    the dates of the records up to the as-of date.  :class:`Frequency` has
    both.

    >>> isinstance(Frequency("month"), BranchActivityRule)
    True
    """

    def evaluate_activities(
        self,
        activities: Sequence[Activity],
        cycle: AssessmentCycle,
        max_points: Fraction,
        *,
        branches: Sequence[str] = (),
        as_of: date | None = None,
    ) -> ActivityOutcome:
        """Points for *activities* (within *cycle*), per branch and as of a date."""
        ...


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
            - ``"per_period"`` (default): ``max_points × met / counted``;
            - ``"deduct_per_miss"``: ``max_points − deduction × missed``, never
              below 0.

            With ``per_branch="each"`` the sub-periods counted are those of
            every branch (支部·季度).  When no sub-period is counted (none due
            yet, or every one skipped), nothing was missed: full points.
        deduction: points lost per missed sub-period; required for
            ``"deduct_per_miss"`` and refused otherwise.  Any exact number
            (``"0.5"``, ``Decimal("0.5")``, ``Fraction(1, 2)``); floats are
            refused.
        per_branch: ``None`` (default): the unit's records are counted
            together, whatever branch held them.  ``"all"``: each branch is
            counted on its own and a sub-period is met only when *every*
            branch meets it.  ``"each"``: every branch's sub-period is met or
            missed on its own, so ``"per_period"`` gives points × the share of
            branch-periods met and ``"deduct_per_miss"`` a deduction per
            branch-period missed (floored at 0).  A per-branch rule needs the
            unit's branches (:attr:`~pbcheck.model.evaluation.Evaluation.branches`);
            records naming no branch count for none.
        align: ``"cycle"`` (default): sub-periods counted from the cycle start.
            ``"calendar"``: calendar months, quarters and half-years, cut to
            the cycle (自然季度).
        partial_min_share: with ``align="calendar"``, the share of a whole
            calendar period's days a *partial* first or last period must hold
            to be counted; a shorter one is skipped (neither met nor missed).
            ``0`` counts every partial period, ``1`` none.  Unset means
            pbcheck's default, :data:`DEFAULT_PARTIAL_MIN_SHARE` (one half):
            in a May–April cycle, May–June 2025 (61 of 91 days) counts as the
            second quarter and April 2026 (30 days) does not.  A default of
            this library, not a regulation; refused with ``align="cycle"``.
        activity: what is counted, as a verb phrase for reasons, e.g.
            ``"召开党员大会"`` or ``"上党课"`` (reasons then say
            "第二党支部 2025年第四季度未召开党员大会").

    >>> Frequency("quarter", scoring="deduct_per_miss", deduction="0.5").deduction
    Fraction(1, 2)
    >>> Frequency("half", at_least=2).describe()
    '每半年至少2次'
    >>> Frequency("quarter", align="calendar").partial_share
    Fraction(1, 2)
    """

    per: SubPeriodUnit
    at_least: int = 1
    scoring: FrequencyScoring = "per_period"
    deduction: Fraction | None = attrs.field(default=None, converter=_accept_exact)
    per_branch: BranchMode | None = None
    align: SubPeriodAlignment = "cycle"
    partial_min_share: Fraction | None = attrs.field(
        default=None, converter=_accept_exact
    )
    activity: str | None = None

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
        problems.extend(self._branch_and_calendar_problems())
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

    def _branch_and_calendar_problems(self) -> list[Problem]:
        """Check ``per_branch``, ``align``, ``partial_min_share`` and ``activity``."""
        found: list[Problem] = []
        if self.per_branch is not None and self.per_branch not in _BRANCH_MODES:
            found.append(
                InvalidValueError(
                    ("frequency", "per_branch"),
                    self.per_branch,
                    f"must be None or one of {_BRANCH_MODES}",
                )
            )
        if self.align not in _ALIGNMENTS:
            found.append(
                InvalidValueError(
                    ("frequency", "align"), self.align, f"must be one of {_ALIGNMENTS}"
                )
            )
        activity: object = self.activity
        if activity is not None and (
            not isinstance(activity, str) or not activity.strip()
        ):
            found.append(
                InvalidValueError(
                    ("frequency", "activity"),
                    activity,
                    "must be None or a non-empty verb phrase such as '召开党员大会'",
                )
            )
        elif activity is not None and (why := unsafe_character(activity)) is not None:
            found.append(InvalidValueError(("frequency", "activity"), activity, why))
        if self.partial_min_share is None:
            return found
        where = ("frequency", "partial_min_share")
        if self.align != "calendar":
            found.append(
                InvalidValueError(
                    where,
                    self.partial_min_share,
                    "applies only when align is 'calendar' (cycle-aligned "
                    "sub-periods are never partial)",
                )
            )
            return found
        try:
            share = to_exact(self.partial_min_share, where)
        except Problem as exc:
            found.append(exc)
            return found
        if not 0 <= share <= 1:
            found.append(
                InvalidValueError(where, self.partial_min_share, "must be within 0–1")
            )
            return found
        object.__setattr__(self, "partial_min_share", share)
        return found

    @property
    def partial_share(self) -> Fraction:
        """The share in force: :attr:`partial_min_share` or pbcheck's default."""
        if self.partial_min_share is None:
            return DEFAULT_PARTIAL_MIN_SHARE
        return self.partial_min_share

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
        of the records does not matter.  A per-branch rule cannot be asked
        this way (dates name no branch): use :meth:`evaluate_activities`.

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
            InvalidValueError: a record is a naive datetime, *max_points*
                is negative, or the rule counts per branch.
            InvalidTypeError: a record is not a date, or *max_points* is not
                exact.
        """
        maximum = _maximum(max_points)
        given: object = occurred
        if isinstance(given, str | bytes):
            raise InvalidTypeError(("occurred",), given, "must be a sequence of dates")
        records = [
            (cycle.require_within(moment, ("occurred", i)), None)
            for i, moment in enumerate(occurred)
        ]
        return self._count(records, cycle, maximum, (), None)

    def evaluate_activities(
        self,
        activities: Sequence[Activity],
        cycle: AssessmentCycle,
        max_points: Fraction,
        *,
        branches: Sequence[str] = (),
        as_of: date | datetime | None = None,
    ) -> FrequencyOutcome:
        """Count *activities* per sub-period (and per branch), as of a date.

        Args:
            activities: the unit's records for this indicator, within *cycle*.
            cycle: the cycle whose sub-periods are counted.
            max_points: the indicator's maximum, ≥ 0.
            branches: the unit's party branches (党支部) this cycle; required
                by a per-branch rule, ignored otherwise.
            as_of: count only what has happened by this date (a mid-cycle
                check, 半年自查): records after it are ignored, and sub-periods
                ending after it are not yet due (neither met nor missed);
                ``"per_period"`` points are then pro-rata over the due
                sub-periods.  On or after the cycle's end it changes nothing.

        Raises:
            InvalidValueError: the rule counts per branch and *branches* is
                empty (named ``branches``), or a branch repeats.
            UnknownReferenceError: a record names a branch not in *branches*.
            OutOfCycleError: a record is dated outside *cycle*.

        >>> from pbcheck.model.evaluation import Activity
        >>> rule = Frequency("month")
        >>> held = [Activity("B3", date(2025, m, 9)) for m in (5, 6, 8, 9, 11)]
        >>> outcome = rule.evaluate_activities(
        ...     held,
        ...     AssessmentCycle.cross_year(2025),
        ...     Fraction(3),
        ...     as_of=date(2025, 10, 31),
        ... )
        >>> print(outcome.reason)
        截至2025年10月31日，已到期6个月中4个月达到每月至少1次（未达到：2025年7月、2025年10月）；其余6个月尚未到期，不计入，按达到比例计分：4 ÷ 6 × 3，得 2 分
        """
        maximum = _maximum(max_points)
        known = _checked_branches(branches)
        cutoff = None if as_of is None else cycle.local_date(as_of)
        if cutoff is not None and cutoff >= cycle.end:
            cutoff = None  # everything is due: the final result
        records: list[tuple[date, str | None]] = []
        for i, activity in enumerate(activities):
            day = cycle.require_within(activity.occurred_at, ("activities", i))
            branch = activity.branch
            if (
                self.per_branch is not None
                and branch is not None
                and branch not in known
            ):
                raise UnknownReferenceError(
                    ("activities", i, "branch"),
                    branch,
                    f"is not one of the unit's branches ({', '.join(known)})",
                )
            if cutoff is None or day <= cutoff:
                records.append((day, branch))
        return self._count(records, cycle, maximum, known, cutoff)

    def _count(
        self,
        records: Sequence[tuple[date, str | None]],
        cycle: AssessmentCycle,
        maximum: Fraction,
        branches: tuple[str, ...],
        cutoff: date | None,
    ) -> FrequencyOutcome:
        """The outcome of *records* (dated up to *cutoff*, when set)."""
        if self.per_branch is not None and not branches:
            raise InvalidValueError(
                ("branches",),
                (),
                f"the rule {self.describe()} counts per branch "
                f"(per_branch={self.per_branch!r}), but no branches were given: "
                "declare the unit's 党支部 in its evaluation's branches",
            )
        periods = cycle.sub_periods(self.per, align=self.align)
        counted, skipped, not_due = self._sort_periods(periods, cutoff)
        index = [_period_index(periods, day) for day, _ in records]
        per_period = Counter(index)
        counts = tuple(per_period[i] for i in range(len(periods)))
        tally = _Tally(self, periods, counted)
        if self.per_branch is None:
            tally.unit(counts)
        else:
            tally.branches(branches, records, index)
        points, arithmetic = self._score(maximum, tally.met_units, tally.missed_units)
        notes = self._notes(skipped, not_due, tally.unattributed)
        summary = tally.summary(len(branches), cutoff)
        return FrequencyOutcome(
            points=points,
            periods=periods,
            counts=counts,
            met=tally.met,
            missed=tally.missed,
            reason=Reason((f"{summary}{notes}，", *arithmetic)),
            skipped=skipped,
            not_due=not_due,
            as_of=cutoff,
            branches=tally.by_branch,
            unattributed=tally.unattributed,
        )

    def _sort_periods(
        self, periods: tuple[SubPeriod, ...], cutoff: date | None
    ) -> tuple[tuple[SubPeriod, ...], tuple[SubPeriod, ...], tuple[SubPeriod, ...]]:
        """*periods* as (counted, skipped as too partial, not yet due)."""
        counted: list[SubPeriod] = []
        skipped: list[SubPeriod] = []
        not_due: list[SubPeriod] = []
        share = self.partial_share
        for period in periods:
            if cutoff is not None and period.end > cutoff:
                not_due.append(period)
            elif period.partial and Fraction(period.days, period.whole_days) < share:
                skipped.append(period)
            else:
                counted.append(period)
        return tuple(counted), tuple(skipped), tuple(not_due)

    def _notes(
        self,
        skipped: tuple[SubPeriod, ...],
        not_due: tuple[SubPeriod, ...],
        unattributed: int,
    ) -> str:
        """What was left out of the count, each note after a "；"."""
        notes = ""
        noun = _UNIT_ZH[self.per]
        if skipped:
            share = self.partial_share
            # A share in words (一半, 三分之一), never "1/2".
            notes += (
                f"；{'、'.join(p.label for p in skipped)}天数不足整{noun[2]}的"
                f"{_share_zh(share)}，不计入"
            )
        if not_due:
            notes += f"；其余{len(not_due)}{noun[1]}尚未到期，不计入"
        if unattributed:
            notes += f"；另有{unattributed}条记录未注明党支部，不计入"
        return notes

    def _score(
        self, maximum: Fraction, met: int, missed: int
    ) -> tuple[Fraction, tuple[str | Fraction, ...]]:
        """The points and the arithmetic, as the parts of a :class:`Reason`."""
        if not missed:
            lead = "" if met else f"无应计的{_UNIT_ZH[self.per][2]}，"
            return maximum, (f"{lead}得满分 ", maximum, " 分")
        if self.scoring == "all_or_nothing":
            return Fraction(0), ("须全部达到方可得分，得 0 分",)
        if self.scoring == "per_period":
            total = met + missed
            points = maximum * Fraction(met, total)
            # "10 ÷ 12", not "10/12", which would read as a fraction; 得 (not
            # =) because the points shown may be rounded.
            return points, (
                f"按达到比例计分：{met} ÷ {total} × ",
                maximum,
                "，得 ",
                points,
                " 分",
            )
        if self.deduction is None:  # pragma: no cover - prevented by validation
            raise PbcheckError("deduct_per_miss without a deduction")
        raw = maximum - self.deduction * missed
        each = "每个党支部" if self.per_branch == "each" else ""
        parts: tuple[str | Fraction, ...] = (
            f"{each}每缺1{_UNIT_ZH[self.per][1]}扣 ", self.deduction, " 分：",
            maximum, " − ", self.deduction, f" × {missed} = ", raw,
        )  # fmt: skip
        if raw < 0:
            return Fraction(0), (*parts, "，不低于 0，得 0 分")
        return raw, (*parts, " 分")


class _Tally:
    """Met and missed sub-periods (and branch-periods) of one count."""

    def __init__(
        self,
        rule: Frequency,
        periods: tuple[SubPeriod, ...],
        counted: tuple[SubPeriod, ...],
    ) -> None:
        self.rule = rule
        self.periods = periods
        self.counted = counted
        self.met: tuple[SubPeriod, ...] = ()
        self.missed: tuple[SubPeriod, ...] = ()
        self.met_units = 0
        self.missed_units = 0
        self.by_branch: tuple[BranchOutcome, ...] = ()
        self.unattributed = 0
        # (branch, period, count) of each missed branch-period, for the reason.
        self.gaps: list[tuple[str, SubPeriod, int]] = []

    def unit(self, counts: tuple[int, ...]) -> None:
        """The unit's records counted together."""
        need = self.rule.at_least
        self.met = tuple(p for p in self.counted if counts[p.index] >= need)
        self.missed = tuple(p for p in self.counted if counts[p.index] < need)
        self.met_units, self.missed_units = len(self.met), len(self.missed)

    def branches(
        self,
        branches: tuple[str, ...],
        records: Sequence[tuple[date, str | None]],
        index: list[int],
    ) -> None:
        """Each branch's records counted on its own."""
        need = self.rule.at_least
        held = Counter(
            (branch, i)
            for (_, branch), i in zip(records, index, strict=True)
            if branch is not None
        )
        self.unattributed = sum(1 for _, branch in records if branch is None)
        outcomes = []
        for branch in branches:
            counts = tuple(held[branch, i] for i in range(len(self.periods)))
            outcomes.append(
                BranchOutcome(
                    branch,
                    counts,
                    tuple(p for p in self.counted if counts[p.index] >= need),
                    tuple(p for p in self.counted if counts[p.index] < need),
                )
            )
        self.by_branch = tuple(outcomes)
        # Gaps in period order, then in the order the branches were given.
        self.gaps = [
            (outcome.branch, period, outcome.counts[period.index])
            for period in self.counted
            for outcome in outcomes
            if outcome.counts[period.index] < need
        ]
        short = {period.index for _, period, _ in self.gaps}
        self.met = tuple(p for p in self.counted if p.index not in short)
        self.missed = tuple(p for p in self.counted if p.index in short)
        if self.rule.per_branch == "all":
            self.met_units, self.missed_units = len(self.met), len(self.missed)
        else:
            self.missed_units = len(self.gaps)
            self.met_units = len(branches) * len(self.counted) - self.missed_units

    def _gap_text(self, branch: str, period: SubPeriod, count: int) -> str:
        activity = self.rule.activity
        if activity is None:
            return f"{branch} {period.label}" + (f"（{count}次）" if count else "")
        if count == 0:
            return f"{branch} {period.label}未{activity}"
        return f"{branch} {period.label}{activity}{count}次，不足{self.rule.at_least}次"

    def summary(self, branch_count: int, cutoff: date | None) -> str:
        """The head of the reason: what was counted and what was missed."""
        rule = self.rule
        head = "" if cutoff is None else f"截至{official_date(cutoff)}，"
        due = "" if cutoff is None else "已到期"
        if not self.counted:
            bare = _UNIT_ZH[rule.per][2]
            return head + (f"尚无到期的{bare}" if cutoff else f"没有计入的{bare}")
        if rule.per_branch is None:
            return head + self._unit_summary(due)
        return head + self._branch_summary(branch_count, due)

    def _unit_summary(self, due: str) -> str:
        rule, counted = self.rule, len(self.counted)
        noun = _UNIT_ZH[rule.per][1]
        if not self.missed:
            return f"{due}{counted}{noun}全部达到{rule.describe()}"
        return (
            f"{due}{counted}{noun}中{len(self.met)}{noun}达到"
            f"{rule.describe()}（未达到：{'、'.join(p.label for p in self.missed)}）"
        )

    def _branch_summary(self, branch_count: int, due: str) -> str:
        rule, counted = self.rule, len(self.counted)
        noun = _UNIT_ZH[rule.per][1]
        gaps = "；".join(self._gap_text(*gap) for gap in self.gaps)
        if rule.per_branch == "all":
            lead = f"{branch_count}个党支部，{due}{counted}{noun}"
            if not self.missed:
                return f"{lead}各党支部均达到{rule.describe()}"
            return (
                f"{lead}中{len(self.met)}{noun}各党支部均达到{rule.describe()}"
                f"（未达到：{gaps}）"
            )
        lead = f"{branch_count}个党支部各{due}{counted}{noun}"
        if not self.gaps:
            return f"{lead}全部达到{rule.describe()}"
        return (
            f"{lead}，共{branch_count * counted}个中{self.met_units}个达到"
            f"{rule.describe()}（未达到：{gaps}）"
        )


def _maximum(max_points: Fraction) -> Fraction:
    maximum = to_exact(max_points, ("max_points",))
    if maximum < 0:
        raise InvalidValueError(("max_points",), max_points, "must be >= 0")
    return maximum


def _checked_branches(branches: Sequence[str]) -> tuple[str, ...]:
    given: object = branches
    if isinstance(given, str | bytes):
        raise InvalidTypeError(("branches",), given, "must be a sequence of names")
    known = tuple(branches)
    seen: set[str] = set()
    for i, branch in enumerate(known):
        if not isinstance(branch, str) or not branch.strip():
            raise InvalidValueError(("branches", i), branch, "must be a non-empty name")
        if branch in seen:
            raise InvalidValueError(("branches", i), branch, "is given twice")
        seen.add(branch)
    return known


def _period_index(periods: tuple[SubPeriod, ...], day: date) -> int:
    # Sub-periods are few (at most 600 months) and sorted; a linear scan is clear.
    for period in periods:
        if period.start <= day <= period.end:
            return period.index
    raise InvalidValueError(  # pragma: no cover - require_within checked the day
        ("occurred",), day, "is in no sub-period of the cycle"
    )


# isinstance() against a runtime-checkable Protocol inspects its members on
# each call; the engine asks once per indicator per unit, so the answer is
# kept per rule class (rules are attrs classes whose methods do not change).
_BRANCH_RULE: dict[type, bool] = {}


def _is_branch_rule(rule: object) -> TypeGuard[BranchActivityRule]:
    kind = type(rule)
    if kind not in _BRANCH_RULE:
        _BRANCH_RULE[kind] = isinstance(rule, BranchActivityRule)
    return _BRANCH_RULE[kind]


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
    that date.  A rule that reads whole records
    (:class:`BranchActivityRule`, such as :class:`Frequency`) is given all
    three; any other :class:`ActivityRule` is given the
    local dates of the records up to *as_of*, as before.

    >>> from datetime import date
    >>> from pbcheck.model.evaluation import Activity
    >>> evaluate_activities(
    ...     Frequency("half"),
    ...     [Activity("B3", date(2025, 6, 20))],
    ...     AssessmentCycle.cross_year(2025),
    ...     Fraction(2),
    ... ).points
    Fraction(1, 1)

    Raises:
        InvalidValueError: a per-branch rule and no *branches* (named
            ``branches``; the engine places it under the unit's evaluation).
    """
    if _is_branch_rule(rule):
        return rule.evaluate_activities(
            activities, cycle, max_points, branches=branches, as_of=as_of
        )
    days = [cycle.local_date(activity.occurred_at) for activity in activities]
    if as_of is not None:
        cutoff = cycle.local_date(as_of)
        days = [day for day in days if day <= cutoff]
    return rule.evaluate(days, cycle, max_points)
