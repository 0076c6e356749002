"""The vectorised kernel: one block of rows in, exact integer numerators out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck.bulk._plan import COUNT_LIMIT, LeafPlan, Plan
from pbcheck.errors import InvalidValueError, Problem

#: Rows scored at a time inside a chunk, so temporaries stay in cache.
BLOCK_ROWS = 8192
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 100
#: Beyond this magnitude a float is not read as a decimal (it saturates any rule).
_HUGE = float(2**50)

Array = NDArray[Any]


@attrs.frozen
class _Group:
    """Leaves of one shape (affine or steps) and kind, scored together."""

    columns: NDArray[np.intp]
    kind: str
    steps: bool
    unit: float
    limited: bool
    shifted: bool
    saturate: Array
    a: Array
    b: Array
    low: Array
    high: Array
    limit: Array  # DirectScore's largest k, +inf elsewhere
    thresholds: Array  # (columns, steps), padded with +inf
    table: Array  # (columns, steps): what reaching each step adds


def _constant(values: Sequence[int], exact_float: bool) -> Array:
    if exact_float:
        return np.asarray(values, dtype=np.float64)
    return np.asarray(list(values), dtype=object)


def groups(leaves: Sequence[LeafPlan], exact_float: bool) -> tuple[_Group, ...]:
    """Leaves grouped by (kind, shape), with their constants as arrays."""
    keyed: dict[tuple[str, bool], list[int]] = {}
    for index, leaf in enumerate(leaves):
        keyed.setdefault((leaf.kind, bool(leaf.steps)), []).append(index)
    out = []
    for (kind, steps), columns in keyed.items():
        chosen = [leaves[c] for c in columns]
        width = max((len(leaf.steps) for leaf in chosen), default=0)
        thresholds = np.full((len(chosen), width), np.inf)
        table = [[0] * width for _ in chosen]
        for row, leaf in enumerate(chosen):
            thresholds[row, : len(leaf.steps)] = leaf.steps
            for step in range(len(leaf.steps)):
                table[row][step] = leaf.values[step + 1] - leaf.values[step]
        out.append(
            _Group(
                columns=np.asarray(columns, dtype=np.intp),
                kind=kind,
                steps=steps,
                unit=float(chosen[0].unit),
                limited=any(leaf.limit is not None for leaf in chosen),
                shifted=any(leaf.b for leaf in chosen),
                saturate=np.asarray(
                    [leaf.saturate for leaf in chosen], dtype=np.float64
                ),
                a=_constant([leaf.a for leaf in chosen], exact_float),
                b=_constant([leaf.b for leaf in chosen], exact_float),
                low=_constant([leaf.low for leaf in chosen], exact_float),
                high=_constant([leaf.high for leaf in chosen], exact_float),
                limit=np.asarray(
                    [np.inf if leaf.limit is None else leaf.limit for leaf in chosen]
                ),
                thresholds=thresholds,
                table=np.asarray(table, dtype=np.float64 if exact_float else object),
            )
        )
    return tuple(out)


class Problems:
    """Problems found in a chunk: the first :data:`MAX_PROBLEMS`, and a count."""

    __slots__ = ("count", "found")

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.count = 0

    def merge(self, other: Problems) -> None:
        """Add the problems *other* found (in order, up to the limit)."""
        self.found.extend(other.found[: MAX_PROBLEMS - len(self.found)])
        self.count += other.count

    def add(
        self,
        mask: Array,
        offset: int,
        names: Sequence[str],
        message: str,
        values: Array,
    ) -> None:
        """Record every ``True`` cell of *mask* (rows × columns) as a problem."""
        rows, cols = np.nonzero(mask)
        self.count += len(rows)
        for row, col in zip(rows[: MAX_PROBLEMS - len(self.found)], cols, strict=False):
            value = values[row, col]
            self.found.append(
                InvalidValueError(
                    f"table[{offset + int(row)}][{names[int(col)]}]",
                    None if np.isnan(value) else float(value),
                    message,
                )
            )


def _leaf_problems(  # noqa: PLR0913, PLR0917 - internal
    group: _Group,
    raw: Array,
    scaled: Array,
    labels: Sequence[str],
    offset: int,
    problems: Problems,
    *,
    missing_claims_nothing: bool,
    decimals: int,
) -> None:
    """Find exactly what is wrong in a block the fast check refused (rare)."""
    missing = np.isnan(raw)
    if not missing_claims_nothing:
        problems.add(
            missing, offset, labels,
            "is missing (NaN): not observed, which the exact path refuses too", raw,
        )  # fmt: skip
    negative = raw < 0
    if group.kind == "number":
        bad = (raw < _HUGE / group.unit) & (scaled / group.unit != raw)
        message = f"must be a decimal with at most {decimals} places (see decimals=)"
    elif group.kind == "count":
        bad = np.floor(raw) != raw
        message = "must be a whole count"
    else:
        bad = (raw != 0) & (raw != 1)
        message = "must be 1 (达标) or 0 (未达标)"
    bad &= ~missing & ~negative
    problems.add(bad, offset, labels, message, raw)
    problems.add(negative, offset, labels, "must not be negative", raw)
    problems.add(
        (scaled > group.limit) & ~bad, offset, labels, "must not exceed max_points", raw
    )


def _scaled(group: _Group, raw: Array) -> tuple[Array, bool]:
    """The integers ``k`` of a group's cells, and whether all passed the fast check.

    Whole-block reductions only (NaN fails each of them), so a valid block
    costs few passes; a block that fails is examined cell by cell.
    """
    if group.kind == "number":
        scaled = raw * group.unit
        np.rint(scaled, out=scaled)
        ok = bool(raw.min() >= 0) and np.array_equal(scaled / group.unit, raw)
        if ok and group.limited:
            ok = bool((scaled.max(axis=0) <= group.limit).all())
        return scaled, ok
    if group.kind == "count":
        return raw, bool(raw.min() >= 0) and np.array_equal(np.floor(raw), raw)
    return raw, np.array_equal(raw * raw, raw)  # only 0 and 1 are their squares


def _numerators(group: _Group, scaled: Array, dtype: np.dtype[Any]) -> Array:
    """Each cell's attainment numerator, by the group's affine or step rule.

    Works in place on *scaled* (a private copy of the block's columns).
    """
    exact_float = dtype != np.dtype(object)
    if group.kind == "pass_fail":
        return scaled if exact_float else scaled.astype(np.int64).astype(object)
    k = np.minimum(scaled, group.saturate, out=scaled)
    if not exact_float:
        k = k.astype(np.int64).astype(object)
    if group.steps:
        values = np.zeros(k.shape, dtype=dtype)
        for step in range(group.thresholds.shape[1]):
            values += (k >= group.thresholds[:, step]) * group.table[:, step]
        return values
    values = np.multiply(k, group.a, out=k) if exact_float else group.a * k
    if group.shifted:
        values -= group.b
    clipped: Array = np.clip(values, group.low, group.high, out=values)
    return clipped


def read_leaves(  # noqa: PLR0913 - internal
    block: NDArray[np.float64],
    group_list: Sequence[_Group],
    names: Sequence[str],
    offset: int,
    problems: Problems,
    *,
    exact_float: bool,
    missing_claims_nothing: bool,
    decimals: int,
    weights: Array | None = None,
) -> Array:
    """The attainment numerators of every leaf column of *block*.

    One fast validity test per group; only a block that fails it is examined
    cell by cell.  With *weights* (one integer factor per column), return
    their weighted row sums instead of the matrix: the root of a wholly
    linear rubric, without writing the matrix out.
    """
    dtype = np.dtype(np.float64) if exact_float else np.dtype(object)
    if weights is not None:
        total: Array = np.zeros(block.shape[0], dtype=dtype)
    else:
        out = np.zeros(block.shape, dtype=dtype)
    for group in group_list:
        raw = block[:, group.columns]
        missing = np.isnan(raw) if missing_claims_nothing else None
        if missing is not None and missing.any():
            raw = np.where(missing, 0.0, raw)
        else:
            missing = None
        scaled, ok = _scaled(group, raw)
        if not ok:
            before = problems.count
            _leaf_problems(
                group, raw, scaled, [names[c] for c in group.columns], offset,
                problems, missing_claims_nothing=missing_claims_nothing,
                decimals=decimals,
            )  # fmt: skip
            if problems.count > before:
                continue
        values = _numerators(group, scaled, dtype)
        if missing is not None:
            values = np.where(missing, 0, values)
        if weights is not None:
            total += (
                values @ weights[group.columns]
                if exact_float
                else values.dot(weights[group.columns])
            )
        else:
            out[:, group.columns] = values
    return total if weights is not None else out


def roll_up(plan: Plan, leaves: Array) -> Array:
    """The root's attainment numerator (over the root scale) for every row."""
    cache: dict[int, Array] = {}

    def value(index: int) -> Array:
        if index in cache:
            return cache[index]
        node = plan.nodes[index]
        if node.dense is not None:
            weights = _constant(node.dense, plan.exact_float)
            result: Array = (
                leaves @ weights if plan.exact_float else leaves.dot(weights)
            )
        else:
            parts = [
                leaves[:, child] if is_leaf else value(child)
                for is_leaf, child in node.children
            ]
            if node.kind == "linear":
                result = sum(
                    (f * p for f, p in zip(node.factors, parts, strict=True)),
                    np.zeros(leaves.shape[0], dtype=leaves.dtype),
                )
            else:
                stacked = np.stack(
                    [f * p for f, p in zip(node.factors, parts, strict=True)], axis=1
                )
                if node.kind == "minimum":
                    result = stacked.min(axis=1)
                else:
                    ordered = np.sort(stacked, axis=1)
                    count = ordered.shape[1]
                    if node.kind == "median":
                        middle = count // 2
                        result = (
                            ordered[:, middle]
                            if count % 2
                            else ordered[:, middle - 1] + ordered[:, middle]
                        )
                    else:
                        result = ordered[:, node.trim : count - node.trim].sum(axis=1)
        cache[index] = result
        return result

    return value(len(plan.nodes) - 1)


def counts(
    block: NDArray[np.float64],
    names: Sequence[str],
    offset: int,
    problems: Problems,
) -> NDArray[np.int64]:
    """Incident counts: whole, non-negative, at most :data:`COUNT_LIMIT`; NaN is 0."""
    if block.shape[1] == 0:
        return np.zeros(block.shape, dtype=np.int64)
    raw = np.where(np.isnan(block), 0.0, block)
    bad = (np.floor(raw) != raw) | (raw < 0) | (raw > COUNT_LIMIT)
    if bad.any():
        problems.add(
            bad, offset, names,
            f"must be a whole incident count in [0, {COUNT_LIMIT}]", block,
        )  # fmt: skip
        raw = np.where(bad, 0.0, raw)
    return raw.astype(np.int64)
