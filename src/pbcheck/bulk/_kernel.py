"""The vectorised kernel: one block of rows in, exact integer numerators out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck.bulk._plan import COUNT_LIMIT, LeafPlan, Plan
from pbcheck.bulk._table import cell_path
from pbcheck.errors import MAX_PROBLEMS, InvalidValueError, Problem

#: Rows scored at a time inside a chunk, so temporaries stay in cache.
BLOCK_ROWS = 2048
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
    """Problems found in a chunk: the first :data:`MAX_PROBLEMS`, and a count.

    ``rows`` is the number of rows of the chunk they were found in.
    """

    __slots__ = ("count", "found", "rows")

    def __init__(self) -> None:
        self.found: list[Problem] = []
        self.count = 0
        self.rows = 0

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
                    cell_path(offset + int(row), names[int(col)]),
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


def _folds(leaf: LeafPlan) -> bool:
    """Whether ``clip(a·min(k, saturate) − b, low, high)`` is ``a·(clip(k, lo, hi) − c)``.

    True when ``a`` divides ``b``, ``low`` and ``high`` (so ``c = b / a``
    and the bounds are integers) and ``min(k, saturate)`` changes nothing:
    ``a·saturate − b`` is already past the bound the rule runs towards, and
    float products and differences are monotonic, so larger ``k`` (even
    ``inf``) clip to that bound as well.
    """
    if leaf.steps:
        return True  # scored by its group; the fold leaves its column as is
    if leaf.a > 0:
        saturates = leaf.a * leaf.saturate - leaf.b >= leaf.high
    elif leaf.a < 0:
        saturates = leaf.a * leaf.saturate - leaf.b <= leaf.low
    else:
        return False
    return saturates and all(x % leaf.a == 0 for x in (leaf.b, leaf.low, leaf.high))


@attrs.frozen
class Columns:
    """Every leaf's constants, tiled to a whole block (float64, column order).

    The fast path treats a whole block at once, with operands of the block's
    own shape (broadcasting a row of constants costs NumPy twice as much):
    each cell is read as the integer ``k = rint(v × unit)`` (``unit`` is 1
    for counts and pass/fail), which must give back ``v`` exactly, be
    non-negative and reach at most ``limit`` (1 for pass/fail, so 0 and 1 are
    all it accepts).  Then, when every leaf folds (:func:`_folds`), the block
    becomes ``m = clip(k, lo, hi)`` in two passes and the numerators are
    ``a·(m − c)`` (the row sums take ``a`` and ``c`` into their weights);
    otherwise ``n = clip(a·min(k, saturate) − b, low, high)`` as planned.
    Step columns are then scored by their groups.
    """

    unit: Array
    limit: Array | None
    lo: Array
    hi: Array
    #: Folded: per column ``a`` and ``c``; plain: tiled ``a``, ``b``, ``saturate``.
    a: Array
    c: Array
    saturate: Array | None
    folded: bool
    #: Per step column: its index, thresholds (rising) and numerators per step count.
    step_columns: tuple[tuple[int, Array, Array], ...]

    @classmethod
    def of(cls, leaves: Sequence[LeafPlan], rows: int) -> Columns:
        """The constants of *leaves* (a plan exact in float64) for blocks of *rows*."""
        # Tiers rise strictly and rounding up keeps their order, so the steps
        # reached are always the first few: their count picks the numerator.
        assert all(list(leaf.steps) == sorted(leaf.steps) for leaf in leaves)  # noqa: S101

        def tiled(values: Sequence[float]) -> Array:
            return np.tile(np.asarray(values, dtype=np.float64), (rows, 1))

        folded = all(_folds(leaf) for leaf in leaves)
        limits = [1 if leaf.kind == "pass_fail" else leaf.limit for leaf in leaves]
        unit = tiled([leaf.unit for leaf in leaves])
        limit = (
            None
            if all(x is None for x in limits)
            else tiled([np.inf if x is None else x for x in limits])
        )
        step_columns = tuple(
            (
                index,
                np.asarray(leaf.steps, dtype=np.float64),
                np.asarray(leaf.values, dtype=np.float64),
            )
            for index, leaf in enumerate(leaves)
            if leaf.steps
        )
        if not folded:
            return cls(
                lo=tiled([leaf.low for leaf in leaves]),
                hi=tiled([leaf.high for leaf in leaves]),
                a=tiled([leaf.a for leaf in leaves]),
                c=tiled([leaf.b for leaf in leaves]),
                saturate=tiled([leaf.saturate for leaf in leaves]),
                unit=unit,
                limit=limit,
                folded=False,
                step_columns=step_columns,
            )
        ones = [leaf.steps or leaf.a == 0 for leaf in leaves]
        a = [1 if one else leaf.a for leaf, one in zip(leaves, ones, strict=True)]
        c = [
            0 if one else leaf.b // leaf.a
            for leaf, one in zip(leaves, ones, strict=True)
        ]
        bounds = [
            (0, 0)
            if one
            else sorted((leaf.low // leaf.a + cj, leaf.high // leaf.a + cj))
            for leaf, one, cj in zip(leaves, ones, c, strict=True)
        ]
        return cls(
            lo=tiled([low for low, _ in bounds]),
            hi=tiled([high for _, high in bounds]),
            a=np.asarray(a, dtype=np.float64),
            c=np.asarray(c, dtype=np.float64),
            saturate=None,
            unit=unit,
            limit=limit,
            folded=True,
            step_columns=step_columns,
        )

    def bound(self, weights: Sequence[int]) -> int:
        """The largest magnitude the folded row sums with *weights* reach."""
        top = np.maximum(np.abs(self.lo[0]), np.abs(self.hi[0]))
        return int(
            sum(
                abs(int(w) * int(a)) * int(m)
                for w, a, m in zip(weights, self.a, top, strict=True)
            )
            + abs(
                sum(
                    int(w) * int(a) * int(c)
                    for w, a, c in zip(weights, self.a, self.c, strict=True)
                )
            )
        )


@attrs.frozen
class Scratch:
    """Buffers for one block at a time, reused.

    Fresh multi-megabyte arrays per block cost more in page faults than the
    arithmetic on them.
    """

    work: NDArray[np.float64]
    spare: NDArray[np.float64]
    flags: NDArray[np.bool_]

    @classmethod
    def of(cls, rows: int, columns: int) -> Scratch:
        """Buffers for blocks of up to *rows* × *columns*."""
        return cls(
            np.empty((rows, columns)),
            np.empty((rows, columns)),
            np.empty((rows, columns), dtype=bool),
        )


def read_leaves_float(  # noqa: PLR0913, PLR0917 - internal
    block: NDArray[np.float64],
    columns: Columns,
    scratch: Scratch,
    group_list: Sequence[_Group],
    names: Sequence[str],
    offset: int,
    problems: Problems,
    *,
    missing_claims_nothing: bool,
    decimals: int,
    folded: bool = False,
) -> Array:
    """The numerators of every leaf column of *block*, for a float64 plan.

    A few whole-block passes, no gathers: a block that fails the fast test
    (NaN fails each part of it) goes to :func:`read_leaves`, which finds
    exactly which cells are wrong.  With *folded* (only when
    ``columns.folded``), return ``m``, the clipped values before ``a·(m − c)``.
    """
    rows = len(block)
    raw = block
    work, spare, flags = scratch.work[:rows], scratch.spare[:rows], scratch.flags[:rows]
    missing = np.isnan(block) if missing_claims_nothing else None
    if missing is not None and missing.any():
        raw = np.where(missing, 0.0, block)
    else:
        missing = None
    unit = columns.unit[:rows]
    np.multiply(raw, unit, out=work)
    np.rint(work, out=work)
    ok = bool(raw.min(initial=0.0) >= 0) and bool(
        np.equal(np.divide(work, unit, out=spare), raw, out=flags).all()
    )
    if ok and columns.limit is not None:
        ok = bool(np.less_equal(work, columns.limit[:rows], out=flags).all())
    if not ok:
        leaves = read_leaves(
            block, group_list, names, offset, problems, exact_float=True,
            missing_claims_nothing=missing_claims_nothing, decimals=decimals,
        )  # fmt: skip
        if folded and not problems.count:
            # Back to m: n = a·(m − c), exactly (a divides n − a·c).
            leaves = np.divide(leaves, columns.a) + columns.c
        return leaves
    reached = [
        (index, values, np.searchsorted(steps, work[:, index], side="right"))
        for index, steps, values in columns.step_columns
    ]
    if not columns.folded:
        assert columns.saturate is not None  # noqa: S101 - set when not folded
        np.minimum(work, columns.saturate[:rows], out=work)
        np.multiply(work, columns.a[:rows], out=work)
        work -= columns.c[:rows]
    np.maximum(work, columns.lo[:rows], out=work)
    np.minimum(work, columns.hi[:rows], out=work)
    for index, values, count in reached:
        work[:, index] = values[count]
    if columns.folded and not folded:
        work -= columns.c
        work *= columns.a
    if missing is not None:
        work[missing] = 0.0
    return work


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
) -> NDArray[np.float64]:
    """Incident counts: whole, non-negative, at most :data:`COUNT_LIMIT`; NaN is 0.

    Float64 (exact: whole and small), *block* itself when nothing is missing.
    Checked in slices of about a block's cells, so the temporaries stay in
    cache (NaN fails the range test, and sends its slice to the careful path).
    """
    if block.shape[1] == 0:
        return np.zeros(block.shape)
    out = block
    step = max(BLOCK_ROWS * 64 // block.shape[1], 1)
    for start in range(0, len(block), step):
        part = block[start : start + step]
        if (
            part.min() >= 0
            and part.max() <= COUNT_LIMIT
            and np.array_equal(np.rint(part), part)
        ):
            continue
        if out is block:
            out = block.copy()
        missing = np.isnan(part)
        raw = np.where(missing, 0.0, part)
        bad = (np.rint(raw) != raw) | (raw < 0) | (raw > COUNT_LIMIT)
        problems.add(
            bad, offset + start, names,
            f"must be a whole incident count in [0, {COUNT_LIMIT}]", part,
        )  # fmt: skip
        out[start : start + step] = np.where(bad, 0.0, raw)
    return out
