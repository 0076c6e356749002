"""Hypothesis strategies for party branches (党支部) and the 三会一课 they hold.

A unit's branches, frequency rules with every option (per branch, calendar
alignment, partial-period share, scoring) and dated activity records held by
those branches, for property tests of
:func:`~pbcheck.model.frequency.evaluate_activities`:

>>> from fractions import Fraction
>>> from hypothesis import given, settings
>>> @settings(max_examples=20, database=None, derandomize=True)
... @given(branch_seasons())
... def check(season):
...     rule, cycle, branches, activities, maximum = season
...     outcome = rule.evaluate_activities(
...         activities, cycle, maximum, branches=branches
...     )
...     assert 0 <= outcome.points <= maximum
>>> check()
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import strategies as st

from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Activity
from pbcheck.model.frequency import Frequency
from pbcheck.testing._cycles import cycles, dates_in

__all__ = [
    "branch_activities",
    "branch_frequencies",
    "branch_names",
    "branch_seasons",
]

_NUMERALS = "一二三四五六七八九十"


def branch_names(
    min_size: int = 1, max_size: int = 4
) -> st.SearchStrategy[tuple[str, ...]]:
    """Distinct branch names: 第一党支部, 第二党支部, … (at most ten).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(branch_names())
    ... def check(names):
    ...     assert len(set(names)) == len(names) >= 1
    >>> check()
    """
    return st.lists(
        st.sampled_from(_NUMERALS),
        min_size=min_size,
        max_size=min(max_size, len(_NUMERALS)),
        unique=True,
    ).map(lambda picked: tuple(f"第{n}党支部" for n in picked))


@st.composite
def branch_frequencies(
    draw: st.DrawFn, *, per_branch: Sequence[str | None] = (None, "all", "each")
) -> Frequency:
    """Frequency rules with every option: unit, count, scoring, branches, alignment.

    *per_branch* limits the branch modes drawn (``None`` is the unit-level
    rule).  A calendar-aligned rule draws its partial-period share from
    pbcheck's default (unset), 0, 1/3, 1/2, 2/3 and 1.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(branch_frequencies(per_branch=("each",)))
    ... def check(rule):
    ...     assert rule.per_branch == "each"
    >>> check()
    """
    scoring = draw(st.sampled_from(("all_or_nothing", "per_period", "deduct_per_miss")))
    deduction = (
        draw(st.fractions(Fraction(1, 10), 5, max_denominator=20))
        if scoring == "deduct_per_miss"
        else None
    )
    align = draw(st.sampled_from(("cycle", "calendar")))
    share = (
        draw(
            st.sampled_from(
                (None, Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), 1)
            )
        )
        if align == "calendar"
        else None
    )
    return Frequency(
        draw(st.sampled_from(("month", "quarter", "half", "cycle"))),
        draw(st.integers(1, 3)),
        scoring,  # type: ignore[arg-type]
        deduction,
        per_branch=draw(st.sampled_from(tuple(per_branch))),
        align=align,  # type: ignore[arg-type]
        partial_min_share=share,
        activity=draw(st.sampled_from((None, "召开党员大会"))),
    )


def branch_activities(
    cycle: AssessmentCycle,
    branches: Sequence[str],
    *,
    indicator_id: str = "B1",
    unattributed: bool = False,
    max_size: int = 40,
) -> st.SearchStrategy[list[Activity]]:
    """Activities for *indicator_id* dated in *cycle*, each held by one of *branches*.

    With *unattributed*, some name no branch (``branch=None``).

    >>> from hypothesis import given, settings
    >>> cycle = AssessmentCycle.cross_year(2025)
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(branch_activities(cycle, ("第一党支部",)))
    ... def check(held):
    ...     assert all(a.branch == "第一党支部" for a in held)
    >>> check()
    """
    choices: list[str | None] = list(branches)
    if unattributed:
        choices.append(None)
    return st.lists(
        st.builds(
            lambda day, branch: Activity(indicator_id, day, branch=branch),
            dates_in(cycle),
            st.sampled_from(choices),
        ),
        max_size=max_size,
    )


@st.composite
def branch_seasons(
    draw: st.DrawFn,
    *,
    rules: st.SearchStrategy[Frequency] | None = None,
    branches: st.SearchStrategy[tuple[str, ...]] | None = None,
    unattributed: bool = False,
) -> tuple[Frequency, AssessmentCycle, tuple[str, ...], list[Activity], Fraction]:
    """A rule, a cycle, the unit's branches, their activities and a maximum.

    One indicator of one unit: ``(rule, cycle, branches, activities, max_points)``.

    Cycles are of every kind (:func:`~pbcheck.testing.cycles`); maxima are
    exact, 0–100.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(branch_seasons())
    ... def check(season):
    ...     rule, cycle, branches, activities, maximum = season
    ...     assert all(cycle.contains(a.occurred_at) for a in activities)
    ...     assert {a.branch for a in activities} <= set(branches)
    >>> check()
    """
    rule = draw(rules if rules is not None else branch_frequencies())
    cycle = draw(cycles())
    names = draw(branches if branches is not None else branch_names())
    held = draw(branch_activities(cycle, names, unattributed=unattributed))
    maximum = draw(st.fractions(0, 100, max_denominator=100))
    return rule, cycle, names, held, maximum
