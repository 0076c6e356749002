"""Scoring chunks, combining them, ranking and grading in bulk."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from fractions import Fraction
from functools import cache
from queue import SimpleQueue
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck._numbers import RoundingPolicy
from pbcheck.bulk._fused import Engine, FusedLeaves, use_fused
from pbcheck.bulk._kernel import (
    BLOCK_ROWS,
    Array,
    Columns,
    Problems,
    Scratch,
    _Group,
    counts,
    groups,
    read_leaves,
    read_leaves_float,
    roll_up,
)
from pbcheck.bulk._plan import (
    COUNT_LIMIT,
    FLOAT_EXACT,
    INT_EXACT,
    Plan,
    _ceil,
    compile_plan,
)
from pbcheck.bulk._table import BulkLayout, BulkTable
from pbcheck.bulk._waivers import Patterns, check_marks, derived_plan, refuse_rows
from pbcheck.errors import InvalidTypeError, InvalidValueError, ValidationError
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.grading import GradingPolicy
from pbcheck.outcomes.ranking import NO_SERIES, RankingPolicy

__all__ = [
    "BulkChunk",
    "BulkResult",
    "combine",
    "iter_score",
    "score_bulk_chunks",
    "score_chunk",
]

DEFAULT_DECIMALS = 4
#: Rows the fused kernel scores per call (a part each thread takes).
FUSED_BLOCK_ROWS = 65_536


@attrs.frozen(eq=False)
class BulkChunk:
    """The scores of one chunk of rows, before ranking: a pure function of them.

    Totals and their parts are exact integers over ``denominator`` (int64, or
    Python integers for rubrics whose denominators are too large for int64);
    ``shown`` holds the totals as shown, in units of ``10**-places``.

    >>> import numpy as np
    >>> from pbcheck import Indicator, PassFail, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "台账", 100, PassFail())],
    ...         )
    ...     ],
    ... )
    >>> chunk = score_chunk(rubric, np.array([[1.0], [0.0]]))
    >>> chunk.shown.tolist(), chunk.denominator
    ([10000, 0], 1)
    """

    unit_ids: NDArray[Any]
    series: NDArray[Any] | None
    denominator: int
    places: int
    base: Array
    adjustment: Array
    veto_cap: Array
    total: Array
    shown: Array
    vetoed: NDArray[np.bool_]
    disqualified: NDArray[np.bool_]
    attainment: NDArray[np.float64] | None

    def __len__(self) -> int:
        return len(self.total)


def _as_table(rubric: Rubric, table: object, offset: int) -> BulkTable:
    """*table* as a BulkTable; rows without ids are numbered from *offset*."""
    if isinstance(table, BulkTable):
        return table
    if isinstance(table, np.ndarray):
        return BulkTable.from_arrays(
            table,
            layout=BulkLayout.of(rubric),
            unit_ids=np.arange(offset, offset + len(table)),
        )
    return BulkTable.from_columns(rubric, table, first_row=offset)


def _check_widths(plan: Plan, table: BulkTable) -> None:
    layout = BulkLayout.of(plan.rubric)
    for name, block in (
        ("indicators", table.values),
        ("bonus", table.bonus),
        ("deductions", table.deductions),
        ("vetoes", table.vetoes),
    ):
        want = len(getattr(layout, name))
        if block.shape[1] != want:
            raise InvalidValueError(
                ("table", "values" if name == "indicators" else name),
                block.shape,
                f"must have {want} columns, one per {name} column of the layout",
            )


def _round(total: Array, denominator: int, places: int, *, half_even: bool) -> Array:
    """Round ``total / denominator`` to *places*, exactly, as RoundingPolicy does."""
    scaled = total * 10**places
    magnitude = abs(scaled)
    if magnitude.dtype == object:
        whole, rest = magnitude // denominator, magnitude % denominator
    else:
        whole, rest = np.divmod(magnitude, denominator)
    twice = 2 * rest
    up = twice > denominator
    tie = twice == denominator
    up |= (tie & (whole % 2 == 1)) if half_even else tie
    result = whole + up
    rounded: Array = np.where(scaled < 0, -result, result)
    return rounded


def score_chunk(  # noqa: PLR0913 - keyword options
    rubric: Rubric,
    table: object,
    *,
    decimals: int = DEFAULT_DECIMALS,
    keep_attainment: bool = False,
    offset: int = 0,
    plan: Plan | None = None,
    threads: int = 1,
    engine: Engine = "auto",
    not_applicable: object = None,
) -> BulkChunk:
    """Score one chunk of rows: a pure function of them (map it over partitions).

    Args:
        rubric: the rubric; see :func:`~pbcheck.bulk.score_bulk` for what it may hold.
        table: a :class:`BulkTable`, an ``N × indicators`` float matrix, a
            DataFrame, a pyarrow Table or a mapping of columns.
        decimals: how many decimal places number columns carry.
        keep_attainment: keep the ``N × M`` attainment matrix.
        offset: the chunk's first row number, for error messages.
        plan: a compiled plan (internal: :func:`iter_score` compiles once).
        threads: score blocks of rows on this many threads (the result is
            the same; leave 1 under Dask, which runs chunks in parallel).
        engine: ``"numpy"``, ``"numba"`` (the fused kernel, the ``jit``
            extra) or ``"auto"`` (Numba for chunks of 100,000 rows or more
            when it imports); the result is the same.
        not_applicable: an ``N × indicators`` boolean mask of the cells that
            do not apply (合理缺项), as :attr:`BulkTable.not_applicable`.

    Raises:
        ValidationError: every problem of the chunk's cells (the first
            :data:`~pbcheck.errors.MAX_PROBLEMS` listed, the rest counted in
            ``omitted``), or why the rubric is outside the bulk
            layout.
        MissingExtraError: ``engine="numba"`` without Numba.

    >>> import numpy as np
    >>> from pbcheck import DirectScore, Indicator, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "评分", 100, DirectScore())],
    ...         )
    ...     ],
    ... )
    >>> score_chunk(rubric, np.array([[82.5]]), keep_attainment=True).attainment
    array([[0.825]])
    """
    if not_applicable is not None:
        table = _as_table(rubric, table, offset).marked(not_applicable)
    scored = _score_rows(
        rubric, table, decimals=decimals, keep_attainment=keep_attainment,
        offset=offset, plan=plan, threads=threads, engine=engine,
    )  # fmt: skip
    if isinstance(scored, Problems):
        raise _invalid(rubric, scored, offset, offset + scored.rows - 1)
    return scored


def _invalid(
    rubric: Rubric | str, problems: Problems, first: int, last: int
) -> ValidationError:
    """The error for *problems* found in rows *first*–*last*.

    The first :data:`~pbcheck.errors.MAX_PROBLEMS` are listed and the rest
    counted (``omitted``), as every other collector of problems does.
    """
    found = list(problems.found)
    name = f"rubric {rubric.id!r}" if isinstance(rubric, Rubric) else repr(rubric)
    return ValidationError(
        f"invalid bulk table for {name} (rows {first}–{last})",
        found,
        omitted=max(problems.count - len(found), 0),
    )


def _score_rows(  # noqa: PLR0913 - keyword options
    rubric: Rubric,
    table: object,
    *,
    decimals: int,
    keep_attainment: bool,
    offset: int,
    plan: Plan | None,
    threads: int,
    engine: Engine,
) -> BulkChunk | Problems:
    """:func:`score_chunk`, returning the problems of a bad chunk instead of raising.

    The steps: check the table's shape; score the indicators and bonus items
    of every row (the fused kernel when chosen, else NumPy, which also takes
    over when the fused kernel declines a part, as it names each problem);
    count deductions and vetoes; then the totals.
    """
    plan = plan or compile_plan(rubric, decimals)
    data = _as_table(rubric, table, offset)
    _check_widths(plan, data)
    marks, patterns = Problems(), None
    if data.not_applicable is not None:
        names = BulkLayout.of(rubric).indicators
        check_marks(rubric, data, names, offset, marks)
        patterns = Patterns.of(data.not_applicable, names)
        if patterns is not None:
            # Marked cells read as 0, which every check passes; no plan uses them.
            data = attrs.evolve(
                data, values=np.where(data.not_applicable, 0.0, data.values)
            )
    rows = _Rows.of(
        rubric, plan, data, offset=offset, decimals=decimals,
        keep_attainment=keep_attainment,
    )  # fmt: skip
    fused = (
        use_fused(engine, len(rows))
        and plan.exact_float
        and _FusedEngine.of(rows).score(threads)
    )
    problems = Problems() if fused else _NumpyEngine.of(rows, threads).score(threads)
    marks.merge(problems)
    problems = marks
    deducted = counts(data.deductions, rows.layout.deductions, offset, problems)
    incidents = counts(data.vetoes, rows.layout.vetoes, offset, problems)
    waived = (
        None
        if patterns is None
        else _waived_base(rows, patterns, problems, threads=threads, engine=engine)
    )
    if problems.count:
        problems.rows = len(rows)
        return problems
    return rows.totals(deducted, incidents, waived)


@attrs.frozen
class _Base:
    """The base of every row of a chunk with 合理缺项, over a common denominator.

    ``base`` is over ``plan.denominator × scale``, in integers of ``int_type``.
    """

    base: Array
    scale: int
    int_type: np.dtype[Any]


def _waived_base(
    rows: _Rows,
    patterns: Patterns,
    problems: Problems,
    *,
    threads: int,
    engine: Engine,
) -> _Base | None:
    """The base of each row, its marked rows scored by their patterns' plans.

    Rows whose pattern cannot be scored are reported; ``None`` then, or when
    cells already failed (the derived plans would read them again).
    """
    plan = rows.plan
    derived: list[tuple[Plan, NDArray[np.intp]]] = []
    for waived, where in patterns:
        found = derived_plan(plan, waived)
        if isinstance(found, Plan):
            derived.append((found, where))
        else:
            refuse_rows(problems, where, rows.offset, waived, found)
    if problems.count:
        return None
    common = math.lcm(plan.denominator, *(p.denominator for p, _ in derived))
    int_type = (
        np.dtype(np.int64)
        if plan.exact_float and common * plan.reach < INT_EXACT
        else np.dtype(object)
    )
    scale = common // plan.denominator
    base = (rows.root * plan.base_factor).astype(int_type) * scale
    for sub_plan, where in derived:
        root = _derived_root(rows, sub_plan, where, threads=threads, engine=engine)
        factor = sub_plan.base_factor * (common // sub_plan.denominator)
        base[where] = root.astype(int_type) * factor
    return _Base(base, scale, int_type)


def _derived_root(
    rows: _Rows,
    plan: Plan,
    where: NDArray[np.intp],
    *,
    threads: int,
    engine: Engine,
) -> Array:
    """The roll-up of rows *where* by a pattern's *plan* (their cells are checked)."""
    data = rows.data
    empty = np.empty((len(where), 0))
    sub = BulkTable(data.values[where], empty, empty, empty, data.unit_ids[where])
    sub_rows = _Rows.of(
        plan.rubric, plan, sub, offset=rows.offset, decimals=rows.decimals,
        keep_attainment=rows.attainment is not None,
    )  # fmt: skip
    fused = (
        use_fused(engine, len(sub_rows))
        and plan.exact_float
        and _FusedEngine.of(sub_rows).score(threads)
    )
    if not fused:
        _NumpyEngine.of(sub_rows, threads).score(threads)
    if rows.attainment is not None and sub_rows.attainment is not None:
        rows.attainment[where] = sub_rows.attainment
    return sub_rows.root


@attrs.frozen(eq=False)
class _Rows:
    """The rows of one chunk as the engines score them: what they read and fill.

    The engines write each row of ``root`` (the rubric's roll-up, over the
    root's scale), ``claimed`` (bonus points claimed, before the cap) and
    ``attainment`` (when kept) once; blocks of rows are disjoint, so they may
    run on threads.  Integers are int64 for a plan exact in float64, else
    Python integers (``int_type``).
    """

    plan: Plan
    data: BulkTable
    layout: BulkLayout
    rounding: RoundingPolicy
    offset: int
    decimals: int
    int_type: np.dtype[Any]
    root: Array
    claimed: Array
    attainment: NDArray[np.float64] | None
    #: Each leaf's scale: attainment is its numerator over it.
    scales: NDArray[np.float64]
    bonus_factors: Array
    #: The root's weights when the row sums may come straight from the kernel:
    #: a wholly linear rubric without the attainment matrix (never written out).
    weights: Array | None

    @classmethod
    def of(  # noqa: PLR0913 - internal
        cls,
        rubric: Rubric,
        plan: Plan,
        data: BulkTable,
        *,
        offset: int,
        decimals: int,
        keep_attainment: bool,
    ) -> _Rows:
        """Empty results for the rows of *data*, and the constants both engines use."""
        exact = plan.exact_float
        rows = len(data)
        int_type = np.dtype(np.int64) if exact else np.dtype(object)
        dense = plan.nodes[-1].dense
        return cls(
            plan=plan,
            data=data,
            layout=BulkLayout.of(rubric),
            rounding=rubric.rounding,
            offset=offset,
            decimals=decimals,
            int_type=int_type,
            root=np.zeros(rows, dtype=int_type),
            claimed=np.zeros(rows, dtype=int_type),
            attainment=np.empty(data.values.shape) if keep_attainment else None,
            scales=np.asarray([leaf.scale for leaf in plan.leaves], dtype=np.float64),
            bonus_factors=np.asarray(plan.bonus_factors, dtype=int_type),
            weights=(
                None
                if dense is None or keep_attainment
                else np.asarray(dense, dtype=np.float64 if exact else object)
            ),
        )

    def __len__(self) -> int:
        return len(self.data)

    @property
    def dense(self) -> tuple[int, ...] | None:
        """The root's weights per leaf when the rubric is wholly linear."""
        return self.plan.nodes[-1].dense

    def keep_attainment(self, start: int, stop: int, numerators: Array) -> None:
        """Keep the attainments of rows ``start:stop`` (when the matrix is kept)."""
        if self.attainment is not None:
            np.divide(
                numerators.astype(np.float64, copy=False),
                self.scales,
                out=self.attainment[start:stop],
            )

    def totals(
        self,
        deducted: NDArray[np.float64],
        incidents: NDArray[np.float64],
        waived: _Base | None = None,
    ) -> BulkChunk:
        """The chunk's scores from the filled rows and the incident counts.

        The base is the roll-up over the rubric's denominator (or, with 合理
        缺项, *waived*: each row's own roll-up over a common multiple of it);
        the adjustment is the bonus counted (up to its cap) less the
        deductions counted (:func:`_deductions`); the total stays between the
        floor and the maximum, then under the caps of the vetoes incurred.
        """
        plan, rows = self.plan, len(self)
        bonus_counted = np.minimum(self.claimed, plan.bonus_cap)
        deductions = _deductions(plan, deducted, rows, self.int_type)
        adjustment = bonus_counted - deductions
        scale, int_type = 1, self.int_type
        if waived is None:
            base = self.root * plan.base_factor
        else:
            base, scale, int_type = waived.base, waived.scale, waived.int_type
            adjustment = adjustment.astype(int_type) * scale
        total = np.clip(base + adjustment, plan.floor * scale, plan.max_total * scale)
        vetoed = incidents > 0
        veto_cap, disqualified = _vetoes(plan, vetoed, int_type, scale)
        total = np.minimum(total, veto_cap)
        denominator = plan.denominator * scale
        return BulkChunk(
            unit_ids=self.data.unit_ids,
            series=self.data.series,
            denominator=denominator,
            places=self.rounding.places,
            base=base,
            adjustment=adjustment,
            veto_cap=veto_cap,
            total=total,
            shown=_round(
                total,
                denominator,
                self.rounding.places,
                half_even=self.rounding.mode == "half_even",
            ),
            vetoed=vetoed,
            disqualified=disqualified,
            attainment=self.attainment,
        )


def _vetoes(
    plan: Plan, vetoed: NDArray[np.bool_], int_type: np.dtype[Any], scale: int = 1
) -> tuple[Array, NDArray[np.bool_]]:
    """The highest total the vetoes incurred allow, and who is disqualified.

    Over ``plan.denominator × scale``.
    """
    rows = len(vetoed)
    veto_cap = np.full(rows, plan.max_total * scale, dtype=int_type)
    disqualified = np.zeros(rows, dtype=bool)
    for column, cap in enumerate(plan.veto_caps):
        if cap is None:
            disqualified |= vetoed[:, column]
        else:
            veto_cap = np.where(
                vetoed[:, column], np.minimum(veto_cap, cap * scale), veto_cap
            )
    return veto_cap, disqualified


@attrs.frozen(eq=False)
class _FusedEngine:
    """The fused Numba kernel over parts of :data:`FUSED_BLOCK_ROWS` rows.

    Only for a plan exact in float64.  It checks each cell quickly and
    declines a part with a bad cell (then NumPy scores the whole chunk and
    names the problems).  ``leaf_sums`` and ``bonus_sums`` are the weights of
    row sums it may take directly (every partial sum exact in float64);
    without them it writes the numerators out.
    """

    rows: _Rows
    leaves: FusedLeaves
    bonus: FusedLeaves
    leaf_sums: NDArray[np.float64] | None
    bonus_sums: NDArray[np.float64] | None

    @classmethod
    def of(cls, rows: _Rows) -> _FusedEngine:
        """The kernel's constants for *rows*."""
        plan, dense = rows.plan, rows.dense
        leaves = FusedLeaves.of(plan.leaves)
        bonus = FusedLeaves.of(plan.bonus)
        return cls(
            rows=rows,
            leaves=leaves,
            bonus=bonus,
            leaf_sums=(
                np.asarray(dense, dtype=np.float64)
                if dense is not None
                and rows.attainment is None
                and leaves.exact_with(dense)
                else None
            ),
            bonus_sums=(
                np.asarray(plan.bonus_factors, dtype=np.float64)
                if bonus.exact_with(plan.bonus_factors)
                else None
            ),
        )

    def score(self, threads: int) -> bool:
        """Score every part; False if the kernel declined one."""
        starts = range(0, len(self.rows), FUSED_BLOCK_ROWS)
        # Parts write disjoint rows; the kernel releases the GIL.
        if threads > 1 and len(starts) > 1:
            with ThreadPoolExecutor(threads) as pool:
                return all(pool.map(self.part, starts))
        return all(self.part(start) for start in starts)

    def part(self, start: int) -> bool:
        """Score rows ``start:start + FUSED_BLOCK_ROWS``; False if declined."""
        stop = min(start + FUSED_BLOCK_ROWS, len(self.rows))
        if not self._leaves(start, stop):
            return False
        return not self.rows.plan.bonus or self._bonus(start, stop)

    def _leaves(self, start: int, stop: int) -> bool:
        """The root (and attainments) of rows ``start:stop``; False if declined."""
        rows = self.rows
        values = np.ascontiguousarray(rows.data.values[start:stop])
        if self.leaf_sums is not None:
            sums = self.leaves.row_sums(values, self.leaf_sums, missing_is_zero=False)
            if sums is None:
                return False
            rows.root[start:stop] = sums
            return True
        kept = None if rows.attainment is None else rows.attainment[start:stop]
        numerators = self.leaves.matrix(values, missing_is_zero=False, out=kept)
        if numerators is None:
            return False
        rows.root[start:stop] = roll_up(rows.plan, numerators)
        # In place when kept: the kernel wrote the numerators there.
        rows.keep_attainment(start, stop, numerators)
        return True

    def _bonus(self, start: int, stop: int) -> bool:
        """The bonus claimed by rows ``start:stop``; False if declined."""
        rows = self.rows
        bonus = np.ascontiguousarray(rows.data.bonus[start:stop])
        if self.bonus_sums is not None:
            claims = self.bonus.row_sums(bonus, self.bonus_sums, missing_is_zero=True)
        else:
            claims = self.bonus.matrix(bonus, missing_is_zero=True)
            if claims is not None:
                claims = claims.astype(rows.int_type) @ rows.bonus_factors
        if claims is None:
            return False
        rows.claimed[start:stop] = claims
        return True


@attrs.frozen(eq=False)
class _NumpyEngine:
    """The NumPy kernel over blocks of :data:`BLOCK_ROWS` rows; it names every problem.

    A plan exact in float64 takes whole-block passes (constants tiled to a
    block in ``leaf_columns`` and ``bonus_columns``, one set of scratch
    buffers per thread); any other gathers by groups in Python integers.
    """

    rows: _Rows
    leaf_groups: tuple[_Group, ...]
    bonus_groups: tuple[_Group, ...]
    leaf_columns: Columns | None
    bonus_columns: Columns | None
    #: A folded, wholly linear rubric sums m with weights w·a, less Σ w·a·c
    #: (when those sums too stay exact in float64); None otherwise.
    folded_weights: NDArray[np.float64] | None
    folded_shift: float
    #: One set of buffers per thread, taken by a block and given back after it.
    spare: SimpleQueue[tuple[Scratch, Scratch]]

    @classmethod
    def of(cls, rows: _Rows, threads: int) -> _NumpyEngine:
        """The kernel's constants and buffers for *rows* on *threads* threads."""
        plan, exact, dense = rows.plan, rows.plan.exact_float, rows.dense
        block_rows = max(min(BLOCK_ROWS, len(rows)), 1)
        leaf_columns = Columns.of(plan.leaves, block_rows) if exact else None
        folded_weights, folded_shift = None, 0.0
        if (
            rows.weights is not None
            and leaf_columns is not None
            and leaf_columns.folded
            and leaf_columns.bound(dense or ()) < FLOAT_EXACT
        ):
            folded_weights = np.asarray(dense, dtype=np.float64) * leaf_columns.a
            folded_shift = float(folded_weights @ leaf_columns.c)
        spare: SimpleQueue[tuple[Scratch, Scratch]] = SimpleQueue()
        if exact:
            for _ in range(max(threads, 1)):
                spare.put(
                    (
                        Scratch.of(block_rows, len(plan.leaves)),
                        Scratch.of(block_rows, len(plan.bonus)),
                    )
                )
        return cls(
            rows=rows,
            leaf_groups=groups(plan.leaves, exact),
            bonus_groups=groups(plan.bonus, exact),
            leaf_columns=leaf_columns,
            bonus_columns=Columns.of(plan.bonus, block_rows) if exact else None,
            folded_weights=folded_weights,
            folded_shift=folded_shift,
            spare=spare,
        )

    def score(self, threads: int) -> Problems:
        """Score every block; the problems found, in row order."""
        starts = range(0, len(self.rows), BLOCK_ROWS)
        # Blocks write disjoint rows; NumPy releases the GIL inside each operation.
        if threads > 1 and len(starts) > 1:
            with ThreadPoolExecutor(threads) as pool:
                found_per_block = list(pool.map(self.block, starts))
        else:
            found_per_block = [self.block(start) for start in starts]
        problems = Problems()
        for found in found_per_block:
            problems.merge(found)
        return problems

    def block(self, start: int) -> Problems:
        """Score rows ``start:start + BLOCK_ROWS``; the problems found in them."""
        stop = min(start + BLOCK_ROWS, len(self.rows))
        if not self.rows.plan.exact_float:
            return self._integer_block(start, stop)
        scratch = self.spare.get()
        try:
            return self._float_block(start, stop, *scratch)
        finally:
            self.spare.put(scratch)

    def _integer_block(self, start: int, stop: int) -> Problems:
        """The same in Python integers: gathers by group."""
        rows, found = self.rows, Problems()
        first = rows.offset + start
        leaves = read_leaves(
            rows.data.values[start:stop], self.leaf_groups, rows.layout.indicators,
            first, found, exact_float=False, missing_claims_nothing=False,
            decimals=rows.decimals, weights=rows.weights,
        )  # fmt: skip
        if found.count:
            return found
        # With weights the kernel gave the row sums already.
        rows.root[start:stop] = (
            leaves if rows.weights is not None else roll_up(rows.plan, leaves)
        )
        rows.keep_attainment(start, stop, leaves)
        if rows.plan.bonus:
            bonus = read_leaves(
                rows.data.bonus[start:stop], self.bonus_groups, rows.layout.bonus,
                first, found, exact_float=False, missing_claims_nothing=True,
                decimals=rows.decimals,
            )  # fmt: skip
            rows.claimed[start:stop] = bonus.astype(rows.int_type) @ rows.bonus_factors
        return found

    def _float_block(
        self, start: int, stop: int, leaf_scratch: Scratch, bonus_scratch: Scratch
    ) -> Problems:
        """The same for a plan exact in float64: whole-block passes, no gathers."""
        assert self.leaf_columns is not None  # noqa: S101 - set when exact
        assert self.bonus_columns is not None  # noqa: S101 - set when exact
        rows, found = self.rows, Problems()
        first = rows.offset + start
        folded = self.folded_weights is not None
        leaves = read_leaves_float(
            rows.data.values[start:stop], self.leaf_columns, leaf_scratch,
            self.leaf_groups, rows.layout.indicators, first, found,
            missing_claims_nothing=False, decimals=rows.decimals, folded=folded,
        )  # fmt: skip
        if found.count:
            return found
        if self.folded_weights is not None:
            rows.root[start:stop] = leaves @ self.folded_weights - self.folded_shift
        elif rows.weights is not None:
            rows.root[start:stop] = leaves @ rows.weights
        else:
            rows.root[start:stop] = roll_up(rows.plan, leaves)
        rows.keep_attainment(start, stop, leaves)
        if rows.plan.bonus:
            bonus = read_leaves_float(
                rows.data.bonus[start:stop], self.bonus_columns, bonus_scratch,
                self.bonus_groups, rows.layout.bonus, first, found,
                missing_claims_nothing=True, decimals=rows.decimals,
            )  # fmt: skip
            rows.claimed[start:stop] = bonus.astype(rows.int_type) @ rows.bonus_factors
        return found


def _deductions(
    plan: Plan, incidents: NDArray[np.float64], rows: int, int_type: np.dtype[Any]
) -> Array:
    """Deductions counted: per item up to its cap, in all up to the rubric's cap.

    *incidents* are whole counts as floats (from :func:`counts`).
    """
    if not plan.deduction_caps:
        return np.zeros(rows, dtype=int_type)
    # One small matrix product: incident counts × points → claimed per item.
    points = np.zeros(
        (len(plan.deduction_items), len(plan.deduction_caps)), dtype=int_type
    )
    for column, (item, value) in enumerate(
        zip(plan.deduction_items, plan.deduction_points, strict=True)
    ):
        points[column, item] = value
    if (
        int_type != np.dtype(object)
        and sum(abs(p) for p in plan.deduction_points) * COUNT_LIMIT < FLOAT_EXACT
    ):
        # Every claim and sum stays below 2**52: BLAS in float64 is exact.
        claimed = incidents @ points.astype(np.float64)
        limits = [np.inf if c is None else c for c in plan.deduction_caps]
        np.minimum(claimed, np.asarray(limits, dtype=np.float64), out=claimed)
        total: Array = (claimed @ np.ones(len(limits))).astype(np.int64)
    else:
        most = max(c for c in (*plan.deduction_caps, 0) if c is not None) + 1
        caps = np.asarray(
            [most if c is None else c for c in plan.deduction_caps], dtype=int_type
        )
        claimed = incidents.astype(np.int64).astype(int_type) @ points
        uncapped = np.asarray([c is None for c in plan.deduction_caps])
        counted = np.where(uncapped, claimed, np.minimum(claimed, caps))
        total = counted.sum(axis=1)
    if plan.deduction_cap is not None:
        total = np.minimum(total, plan.deduction_cap)
    return total


def iter_score(  # noqa: PLR0913 - keyword options
    rubric: Rubric,
    chunks: Iterable[object],
    *,
    decimals: int = DEFAULT_DECIMALS,
    keep_attainment: bool = False,
    threads: int = 1,
    engine: Engine = "auto",
) -> Iterator[BulkChunk]:
    """Score chunks one after another, compiling the rubric once.

    Memory stays bounded by one chunk and its result; row numbers in errors
    count from the first chunk.  A chunk with bad cells does not stop the
    run: once one is found, nothing more is yielded, every later chunk is
    still checked, and one :class:`~pbcheck.errors.ValidationError` at the
    end names the problems of all of them (the first
    :data:`~pbcheck.errors.MAX_PROBLEMS`, and a count of the rest).

    >>> import numpy as np
    >>> from pbcheck import Indicator, PassFail, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "台账", 100, PassFail())],
    ...         )
    ...     ],
    ... )
    >>> [len(c) for c in iter_score(rubric, [np.ones((3, 1)), np.zeros((2, 1))])]
    [3, 2]
    """
    plan = compile_plan(rubric, decimals)
    offset = 0
    problems = Problems()
    for chunk in chunks:
        scored = _score_rows(
            rubric, chunk, decimals=decimals, keep_attainment=keep_attainment,
            offset=offset, plan=plan, threads=threads, engine=engine,
        )  # fmt: skip
        if isinstance(scored, Problems):
            # Go on checking: one run names the problems of every chunk.
            problems.merge(scored)
            offset += scored.rows
            continue
        offset += len(scored)
        if not problems.count:
            yield scored
    if problems.count:
        raise _invalid(rubric, problems, 0, offset - 1)


@attrs.frozen(eq=False, repr=False)
class BulkResult:
    """Scores, ranks and grades of many units, as arrays (one entry per unit).

    Exact values are integers over :attr:`denominator` (``total``, ``base``,
    ``adjustment`` = bonus counted − deductions counted, ``veto_cap`` — the
    highest total a capping veto allows, ``max_total`` when none); ``shown``
    is the total as shown, in units of ``10**-places`` (e.g. hundredths), so
    ``Decimal(shown[i]).scaleb(-places)`` is :attr:`pbcheck.Scorecard.rounded_total`.
    ``ranks`` follow the :class:`~pbcheck.RankingPolicy` within each series
    (vetoed units after the others); ``grades`` index
    ``grade_labels`` (0 is the best) under a :class:`~pbcheck.GradingPolicy`.
    ``attainment`` is the ``N × M`` matrix of indicator attainments in
    ``[0, 1]`` (float64; columns as :attr:`BulkLayout.indicators`), kept for
    weight simulations.

    >>> import numpy as np
    >>> from pbcheck import Indicator, PassFail, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "台账", 100, PassFail())],
    ...         )
    ...     ],
    ... )
    >>> from pbcheck.bulk import score_bulk
    >>> result = score_bulk(rubric, np.array([[1.0], [0.0], [1.0]]))
    >>> result
    <BulkResult r: 3 个单位，一票否决 0 个>
    >>> result.ranks.tolist(), result.shown_total(1)
    ([1, 3, 1], Decimal('0.00'))
    """

    rubric: Rubric | RubricSet
    unit_ids: NDArray[Any]
    series: NDArray[Any]
    denominator: int
    places: int
    base: Array
    adjustment: Array
    veto_cap: Array
    total: Array
    shown: Array
    vetoed: NDArray[np.bool_]
    disqualified: NDArray[np.bool_]
    ranks: NDArray[np.int64]
    ranking: RankingPolicy
    grades: NDArray[np.int64] | None
    grading: GradingPolicy | None
    attainment: NDArray[np.float64] | None
    #: With a :class:`~pbcheck.model.rubric_set.RubricSet`: each unit's rubric id.
    rubric_ids: NDArray[Any] | None = None

    def __len__(self) -> int:
        return len(self.total)

    def __repr__(self) -> str:
        vetoed = int(self.disqualified.sum())
        name = self.rubric.id if isinstance(self.rubric, Rubric) else self.rubric.title
        return f"<BulkResult {name}: {len(self)} 个单位，一票否决 {vetoed} 个>"

    @property
    def grade_labels(self) -> tuple[str, ...]:
        """The grading policy's labels, best first (empty without a policy)."""
        return () if self.grading is None else self.grading.labels

    def exact_total(self, row: int) -> Fraction:
        """The exact total of the unit in *row*."""
        return Fraction(int(self.total[row]), self.denominator)

    def shown_total(self, row: int) -> Decimal:
        """The total of the unit in *row* as shown (the rubric's rounding policy)."""
        return Decimal(int(self.shown[row])).scaleb(-self.places)

    def as_float(self, name: str) -> NDArray[np.float64]:
        """An exact column (``total``, ``base``, ``adjustment``, ``veto_cap``) as float64."""
        values = getattr(self, name)
        return np.asarray(values, dtype=np.float64) / self.denominator

    def row_of(self, unit_id: object) -> int:
        """The row of *unit_id*; :class:`KeyError` if absent."""
        found = np.nonzero(self.unit_ids == unit_id)[0]
        if not len(found):
            raise KeyError(unit_id)
        return int(found[0])


def _codes(values: NDArray[Any]) -> NDArray[np.intp]:
    """Values as sortable integer codes that keep their order."""
    if values.dtype != object and np.issubdtype(values.dtype, np.integer):
        return values.astype(np.int64, copy=False)  # read only: no copy needed
    return np.unique(values, return_inverse=True)[1].reshape(-1)


def _groups(labels: NDArray[Any]) -> NDArray[np.intp]:
    """Series labels (names or integer codes) as group codes."""
    if labels.dtype != object and np.issubdtype(labels.dtype, np.integer):
        if len(labels) and labels.min() >= 0 and labels.max() < 2**20:
            return labels.astype(np.intp, copy=False)  # small codes group as they are
        return np.unique(labels, return_inverse=True)[1].reshape(-1)
    return np.unique(labels.astype(str), return_inverse=True)[1].reshape(-1)


@attrs.frozen
class _Sorted:
    """Units sorted by group, then not vetoed before vetoed, then best first.

    ``order`` sorts them; ``group``, ``disqualified`` and ``compared`` are
    those keys in sorted order, and ``new_tie`` marks where (group,
    vetoed, compared) changes.
    """

    order: NDArray[np.intp]
    group: NDArray[np.intp]
    disqualified: NDArray[np.bool_]
    compared: NDArray[np.int64]
    new_tie: NDArray[np.bool_]
    group_start: NDArray[np.intp]


def _sort(
    group: NDArray[np.intp],
    disqualified: NDArray[np.bool_],
    compared: NDArray[np.int64],
    tiebreak: Sequence[NDArray[Any]] = (),
) -> _Sorted:
    """Group, then not vetoed before vetoed, then best first (then *tiebreak*).

    Without tie-breaks the three keys pack into one int64 when they fit, and
    the row number into its low bits when that fits too: then one ``sort``
    of plain integers (much faster than ``argsort``) gives the order, and
    equal keys mark the ties.  Ties may come in any order then, which ranks
    and grades do not see.  Otherwise a lexsort.
    """
    n = len(group)
    sizes = np.bincount(group, minlength=1) if n else np.zeros(1, dtype=np.intp)
    # Sorted by group first: each group is one run, in code order.
    starts = np.cumsum(sizes) - sizes
    sorted_group = np.repeat(np.arange(len(sizes)), sizes)
    group_start = np.repeat(starts, sizes)
    key = None
    if n and not tiebreak:
        low, high = int(compared.min()), int(compared.max())
        span = high - low + 1
        if len(sizes) * 2 * span < 2**62:
            key = (group.astype(np.int64) * 2 + disqualified) * span + (high - compared)
            bits = (n - 1).bit_length()
            if (len(sizes) * 2 * span) << bits < 2**62:
                key <<= bits
                key |= np.arange(n)
                key.sort()
                order = key & ((1 << bits) - 1)
                key >>= bits
            else:
                order = np.argsort(key)
                key = key[order]
    if key is None:
        order = np.lexsort([*tiebreak[::-1], -compared, disqualified, group])
    d, c = disqualified[order], compared[order]
    new_tie = np.ones(n, dtype=bool)
    if key is not None:
        new_tie[1:] = key[1:] != key[:-1]
    else:
        new_tie[1:] = (
            (sorted_group[1:] != sorted_group[:-1])
            | (d[1:] != d[:-1])
            | (c[1:] != c[:-1])
        )
    return _Sorted(order, sorted_group, d, c, new_tie, group_start)


def _starts(flags: NDArray[np.bool_]) -> NDArray[np.intp]:
    """For each position of a sorted run, the index where its run started."""
    index = np.arange(len(flags))
    return np.maximum.accumulate(np.where(flags, index, 0))


def rank_arrays(
    group: NDArray[np.intp],
    disqualified: NDArray[np.bool_],
    compared: NDArray[np.int64],
    policy: RankingPolicy,
    tiebreak: Sequence[NDArray[Any]] = (),
) -> tuple[NDArray[np.int64], _Sorted]:
    """Ranks within groups (vetoed last) and the sorted units, as pbcheck.outcomes.ranking."""
    ordered = _sort(group, disqualified, compared, tiebreak)
    n = len(ordered.order)
    group_start = ordered.group_start
    if policy.ties == "competition":
        ranked = _starts(ordered.new_tie) - group_start + 1
    elif policy.ties == "dense":
        ties: NDArray[np.intp] = np.cumsum(ordered.new_tie)
        ranked = ties - ties[group_start] + 1
    else:
        ranked = np.arange(n) - group_start + 1
    ranks = np.empty(n, dtype=np.int64)
    ranks[ordered.order] = ranked
    return ranks, ordered


def grade_arrays(  # noqa: PLR0913, PLR0917 - internal
    group: NDArray[np.intp],
    disqualified: NDArray[np.bool_],
    compared: NDArray[np.int64],
    thresholds: Sequence[int | None],
    policy: GradingPolicy,
    ordered: _Sorted | None = None,
) -> NDArray[np.int64]:
    """Grade levels as :func:`pbcheck.grade` gives them (thresholds already scaled).

    *ordered* may be the ranking's sorted units when it sorted the same keys.
    """
    if ordered is None:
        ordered = _sort(group, disqualified, compared)
    order, g, d, c = (
        ordered.order,
        ordered.group,
        ordered.disqualified,
        ordered.compared,
    )
    n = len(order)
    sizes = np.bincount(g, minlength=int(g.max()) + 1 if n else 0)
    last = len(policy.tiers) - 1
    level = np.full(n, last, dtype=np.int64)
    remaining = ~d
    for tier_level, (tier, threshold) in enumerate(
        zip(policy.tiers[:-1], thresholds, strict=False)
    ):
        qualified = remaining if threshold is None else remaining & (c >= threshold)
        taken = qualified
        if tier.quota is not None:
            limits = np.asarray(
                [tier.quota.limit(int(s)) for s in sizes], dtype=np.int64
            )
            limit = limits[g]
            running = np.cumsum(qualified)
            before: NDArray[np.int64] = running - qualified
            position: NDArray[np.int64] = (
                running - before[ordered.group_start]
            )  # 1-based among qualified
            taken = qualified & (position <= limit)
            at_limit = qualified & (position == limit)
            after = qualified & (position == limit + 1)
            boundary = np.full(len(sizes), np.iinfo(np.int64).min, dtype=np.int64)
            following = np.full(len(sizes), np.iinfo(np.int64).max, dtype=np.int64)
            boundary[g[at_limit]] = c[at_limit]
            following[g[after]] = c[after]
            tied = boundary == following
            taken &= ~(tied[g] & (c == boundary[g]))
        level[taken] = tier_level
        remaining &= ~taken
    level[d] = last
    out = np.empty(n, dtype=np.int64)
    out[order] = level
    return out


def _rescaled(chunk: BulkChunk, denominator: int) -> BulkChunk:
    """*chunk* with its exact values over *denominator* (a multiple of its own)."""
    factor = denominator // chunk.denominator
    if factor == 1:
        return chunk

    def scaled(values: Array) -> Array:
        if (
            values.dtype != object
            and len(values)
            and int(np.abs(values).max()) * factor >= INT_EXACT
        ):
            values = values.astype(object)
        return values * factor

    return attrs.evolve(
        chunk,
        denominator=denominator,
        base=scaled(chunk.base),
        adjustment=scaled(chunk.adjustment),
        veto_cap=scaled(chunk.veto_cap),
        total=scaled(chunk.total),
    )


def combine(
    rubric: Rubric,
    chunks: Iterable[BulkChunk],
    *,
    ranking: RankingPolicy | None = None,
    grading: GradingPolicy | None = None,
) -> BulkResult:
    """Join scored chunks and rank and grade them together (the cheap second pass).

    Ranks and grades compare units across every chunk, within each series
    (units without a series form the group ``未分系列``; a table without a
    series column is one group).

    >>> import numpy as np
    >>> from pbcheck import Indicator, PassFail, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "台账", 100, PassFail())],
    ...         )
    ...     ],
    ... )
    >>> parts = [
    ...     score_chunk(rubric, np.zeros((1, 1))),
    ...     score_chunk(rubric, np.ones((1, 1))),
    ... ]
    >>> combine(rubric, parts).ranks.tolist()
    [2, 1]
    """
    return _combine(rubric, chunks, ranking=ranking, grading=grading)


def _combine(  # noqa: PLR0913 - internal
    rubric: Rubric | RubricSet,
    chunks: Iterable[BulkChunk],
    *,
    ranking: RankingPolicy | None,
    grading: GradingPolicy | None,
    classes: NDArray[np.intp] | None = None,
    rubric_ids: NDArray[Any] | None = None,
) -> BulkResult:
    """:func:`combine`; with *classes*, grading over all units keeps to each class.

    *classes* are the units' comparable rubric classes (a season of several
    rubrics, whose series already keep to one class each).
    """
    ranking = ranking or RankingPolicy()
    if not isinstance(ranking, RankingPolicy):
        raise InvalidTypeError(("ranking",), ranking, "must be a RankingPolicy")
    if grading is not None and not isinstance(grading, GradingPolicy):
        raise InvalidTypeError(("grading",), grading, "must be a GradingPolicy")
    parts = list(chunks)
    if not parts:
        raise InvalidValueError(("chunks",), [], "must hold at least one chunk")
    denominator, places = parts[0].denominator, parts[0].places
    if any(p.denominator != denominator for p in parts):
        # Chunks with 合理缺项 may hold totals over multiples of the rubric's.
        denominator = math.lcm(*(p.denominator for p in parts))
        parts = [_rescaled(p, denominator) for p in parts]

    @cache  # ordinal ties read base and ids before the result holds them
    def joined(name: str) -> NDArray[Any]:
        return np.concatenate([getattr(p, name) for p in parts])

    with_series = [p.series is not None for p in parts]
    rows = sum(len(p) for p in parts)
    series = (
        np.concatenate(
            [
                np.full(len(p), NO_SERIES, dtype=object)
                if p.series is None
                else p.series
                for p in parts
            ]
        )
        if any(with_series)
        else np.full(rows, NO_SERIES, dtype=object)
    )
    if series.dtype == object:
        series = np.asarray(
            [NO_SERIES if s is None else s for s in series], dtype=object
        )
    total, shown = joined("total"), joined("shown")
    disqualified = joined("disqualified")
    group = _groups(series)
    compared = _codes(total if ranking.basis == "exact" else shown)
    tiebreak: list[NDArray[Any]] = []
    if ranking.ties == "ordinal":
        ids = joined("unit_ids")
        tiebreak = [-_codes(total), -_codes(joined("base")), _codes(ids.astype(str))]
    ranks, sorted_units = rank_arrays(group, disqualified, compared, ranking, tiebreak)
    grades = None
    if grading is not None:
        scale = denominator if grading.basis == "exact" else 10**places
        values = total if grading.basis == "exact" else shown
        thresholds = [
            None if t.min_score is None else _ceil(t.min_score * scale)
            for t in grading.tiers[:-1]
        ]
        if values.dtype == object:
            # Codes keep the order; thresholds become the first code reaching them.
            ordered = np.unique(values)
            thresholds = [
                None if t is None else int(np.searchsorted(ordered, t))
                for t in thresholds
            ]
            values = np.searchsorted(ordered, values)
        same_order = grading.group_by == "series" and grading.basis == ranking.basis
        grade_group = (
            group
            if grading.group_by == "series"
            else np.zeros_like(group)
            if classes is None
            else classes
        )
        grades = grade_arrays(
            grade_group, disqualified, values.astype(np.int64, copy=False), thresholds, grading,
            sorted_units if same_order else None,
        )  # fmt: skip
    attainments = [p.attainment for p in parts]
    kept = [a for a in attainments if a is not None]
    attainment = (
        None
        if len(kept) < len(parts)
        else kept[0]  # one chunk (score_bulk): no copy of the N × M matrix
        if len(kept) == 1
        else np.concatenate(kept)
    )
    return BulkResult(
        rubric=rubric,
        unit_ids=joined("unit_ids"),
        series=series,
        denominator=denominator,
        places=places,
        base=joined("base"),
        adjustment=joined("adjustment"),
        veto_cap=joined("veto_cap"),
        total=total,
        shown=shown,
        vetoed=np.concatenate([p.vetoed for p in parts]),
        disqualified=disqualified,
        ranks=ranks,
        ranking=ranking,
        grades=grades,
        grading=grading,
        attainment=attainment,
        rubric_ids=rubric_ids,
    )


def score_bulk_chunks(  # noqa: PLR0913 - keyword options
    rubric: Rubric,
    chunks: Iterable[object],
    *,
    decimals: int = DEFAULT_DECIMALS,
    ranking: RankingPolicy | None = None,
    grading: GradingPolicy | None = None,
    keep_attainment: bool = False,
    threads: int = 1,
    engine: Engine = "auto",
) -> BulkResult:
    """Score a stream of chunks with bounded memory, then rank across all of them.

    Each chunk is scored and reduced to a few numbers per unit before the next
    is read, so memory holds one chunk plus those per-unit vectors; the
    attainment matrix is dropped unless *keep_attainment*.

    >>> import numpy as np
    >>> from pbcheck import Indicator, PassFail, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[Indicator("a1", "台账", 100, PassFail())],
    ...         )
    ...     ],
    ... )
    >>> table = BulkTable.from_arrays(np.array([[0.0], [1.0], [1.0]]))
    >>> score_bulk_chunks(rubric, table.chunks(2)).ranks.tolist()
    [3, 1, 1]
    """
    return combine(
        rubric,
        iter_score(
            rubric,
            chunks,
            decimals=decimals,
            keep_attainment=keep_attainment,
            threads=threads,
            engine=engine,
        ),
        ranking=ranking,
        grading=grading,
    )
