"""合理缺项 in the bulk path: rows grouped by which indicators do not apply.

A row's marked cells (its *pattern*) decide how its rubric rolls up: pro-rata
renormalises the weights of what applies, full marks fixes the waived
attainments at 1.  Real seasons have few patterns (行政审批 for the 党群
series, 挂村服务 for units without a village), so each pattern is compiled
once into a plan of its own (:func:`pbcheck.bulk._plan.compile_plan` with
``waived=``, cached on the rubric's plan) and its rows are scored by it;
their totals are then brought to one common denominator with the others.
Rows without a marked cell take the plain path untouched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck.bulk._kernel import Problems
from pbcheck.bulk._plan import Plan, applicable_shares, compile_plan
from pbcheck.bulk._table import BulkTable
from pbcheck.errors import MAX_PROBLEMS, InvalidValueError, Problem
from pbcheck.model.rubric import ROOT, Rubric

__all__ = ["Patterns", "derived_plan"]


def derived_plan(plan: Plan, waived: frozenset[str]) -> Plan | Exception:
    """The plan for rows whose *waived* indicators do not apply (cached on *plan*).

    The reason nothing can be scored instead, as an exception: every
    indicator waived, or a trimmed mean left with too few
    children (the exact path refuses both).
    """
    found = plan.derived.get(waived)
    if found is not None:
        return found
    rubric = plan.rubric
    result: Plan | Exception
    # Nothing applies: refused whatever the policy (full marks would give a
    # unit to which nothing applies the full score).
    if not applicable_shares(rubric, waived)[ROOT]:
        result = InvalidValueError(
            ("not_applicable",),
            sorted(waived),
            "marks every indicator not applicable: nothing is left to score",
        )
    else:
        try:
            # Bonus items count as on every other row: the derived plan
            # rolls up the indicators only.
            result = attrs.evolve(
                compile_plan(rubric, plan.decimals, waived),
                bonus=(),
                bonus_factors=(),
                derived={},
            )
        except Problem as problem:
            result = problem
    plan.derived[waived] = result
    return result


def _keys(packed: NDArray[np.uint8]) -> NDArray[Any]:
    """One sortable key per row of packed mask bits."""
    width = packed.shape[1]
    if width <= 8:  # bytes in a uint64: one integer key per row
        wide = np.zeros((len(packed), 8), dtype=np.uint8)
        wide[:, :width] = packed
        return wide.view(np.uint64).reshape(-1)
    return np.ascontiguousarray(packed).view(np.dtype((np.void, width))).reshape(-1)


@attrs.frozen(eq=False)
class Patterns:
    """The marked rows of a chunk, grouped by the indicators marked.

    ``rows`` are the marked rows (indices into the chunk); ``groups`` pairs
    each pattern (the ids marked) with the positions in ``rows`` that have it.
    """

    rows: NDArray[np.intp]
    groups: tuple[tuple[frozenset[str], NDArray[np.intp]], ...]

    @classmethod
    def of(cls, mask: NDArray[np.bool_], names: Sequence[str]) -> Patterns | None:
        """The patterns of *mask*; ``None`` when no cell is marked."""
        marked = mask.any(axis=1)
        rows = np.flatnonzero(marked)
        if not len(rows):
            return None
        bits = mask[rows]
        keys = _keys(np.packbits(bits, axis=1))
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        order = np.argsort(inverse, kind="stable")
        bounds = np.cumsum(np.bincount(inverse, minlength=len(first)))
        groups = []
        start = 0
        for pattern, stop in enumerate(bounds):
            ids = frozenset(names[int(j)] for j in np.flatnonzero(bits[first[pattern]]))
            groups.append((ids, order[start:stop]))
            start = int(stop)
        return cls(rows, tuple(groups))

    def __iter__(self) -> Iterator[tuple[frozenset[str], NDArray[np.intp]]]:
        """Each pattern and the chunk rows that have it."""
        for ids, positions in self.groups:
            yield ids, self.rows[positions]


def check_marks(
    rubric: Rubric,
    data: BulkTable,
    names: Sequence[str],
    offset: int,
    problems: Problems,
) -> None:
    """Marked cells that may not be marked, or that hold a value too."""
    mask = data.not_applicable
    assert mask is not None  # noqa: S101 - the caller checks
    fixed = [j for j, i in enumerate(rubric.indicators()) if not i.waivable]
    if fixed:
        refused = np.zeros(mask.shape, dtype=bool)
        refused[:, fixed] = mask[:, fixed]
        problems.add(
            refused, offset, names,
            f"may not be marked not applicable: rubric {rubric.id} "
            f"{rubric.version} requires every unit to be scored on it "
            "(waivable=False)",
            data.values,
        )  # fmt: skip
    problems.add(
        mask & ~np.isnan(data.values), offset, names,
        "is marked not applicable but also holds a value; keep the value or "
        "the marker, not both",
        data.values,
    )  # fmt: skip


def refuse_rows(
    problems: Problems,
    rows: NDArray[np.intp],
    offset: int,
    waived: frozenset[str],
    reason: Exception,
) -> None:
    """Rows whose pattern cannot be scored, each named with *reason*."""
    problems.count += len(rows)
    if isinstance(reason, InvalidValueError) and reason.steps == ("not_applicable",):
        message = reason.message
    else:
        message = (
            f"leaves too little to roll up once these indicators are not "
            f"applicable ({reason})"
        )
    for row in rows[: max(MAX_PROBLEMS - len(problems.found), 0)]:
        problems.found.append(
            InvalidValueError(
                ("table", offset + int(row), "not_applicable"), sorted(waived), message
            )
        )
