"""Score a Dask array partition by partition, then rank and grade once (Dask 分块计分).

:func:`score_dask` is :func:`~pbcheck.bulk.score_bulk_chunks` for data that
lives in Dask: each row block of a :class:`dask.array.Array` (or each
partition of a Dask DataFrame) is scored by :func:`~pbcheck.bulk.score_chunk`
where it lies, only a few exact integers per unit travel back, and
:func:`~pbcheck.bulk.combine` ranks and grades every unit together.  The
answers are those of :func:`~pbcheck.bulk.score_bulk` on the same rows.

It needs the ``dask`` extra (``pip install "pbcheck[dask]"``: Dask with
``dask.array``, ``distributed`` for clusters, NumPy); ``import pbcheck`` and
``import pbcheck.bulk`` never import Dask.  Dask DataFrames are accepted when
``dask.dataframe`` is installed (``dask[dataframe]``, which pulls in pandas).

The scheduler is the caller's: whatever Dask would use for ``dask.compute``
at the call — a ``distributed.Client`` made earlier (it becomes the
default), ``dask.config.set(scheduler="synchronous")`` for debugging, or the
threaded scheduler otherwise.

>>> import dask
>>> import dask.array as da
>>> import numpy as np
>>> from pbcheck import GradingPolicy, Indicator, PassFail, Rubric, Section
>>> rubric = Rubric(
...     "r",
...     "1",
...     "细则",
...     [
...         Section(
...             "A", "常规", 100, indicators=[Indicator("a1", "台账", 100, PassFail())]
...         )
...     ],
... )
>>> values = da.from_array(np.array([[1.0], [0.0], [1.0]]), chunks=(2, 1))
>>> with dask.config.set(scheduler="synchronous"):
...     result = score_dask(
...         rubric,
...         values,
...         series=["党群部门", "党群部门", "政府工作部门"],
...         grading=GradingPolicy.standard(),
...     )
>>> result.ranks.tolist(), [result.grade_labels[g] for g in result.grades]
([1, 2, 1], ['好', '差', '好'])
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Sequence, Sized
from typing import TYPE_CHECKING, Any, TypeGuard

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    Path,
    Problem,
    ValidationError,
    _Problems,
)

try:
    import dask.array as da
    from dask.base import compute
    from dask.delayed import Delayed, delayed
except ImportError as error:
    raise MissingExtraError(
        "dask", "scoring Dask arrays partition by partition (pbcheck.bulk.dask)"
    ) from error

from pbcheck.bulk._fused import ENGINES, Engine
from pbcheck.bulk._kernel import Problems
from pbcheck.bulk._plan import Plan, compile_plan
from pbcheck.bulk._score import (
    DEFAULT_DECIMALS,
    BulkChunk,
    BulkResult,
    _invalid,
    _score_rows,
    combine,
)
from pbcheck.bulk._table import SERIES, UNIT_ID, BulkLayout, BulkTable, column_path
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.grading import GradingPolicy
from pbcheck.outcomes.ranking import RankingPolicy

if TYPE_CHECKING:
    from dask.dataframe import DataFrame as DaskDataFrame

__all__ = ["score_dask"]

# Dask's functions carry no annotations (mypy --strict refuses to call them
# as they are): these typed names say what they are used for here.
_lazy: Callable[..., Any] = delayed
_compute: Callable[..., tuple[Any, ...]] = compute


@attrs.frozen
class _Job:
    """What every partition's task shares: sent once, not once per task."""

    plan: Plan
    keep_attainment: bool
    engine: Engine


@attrs.frozen
class _Refused:
    """A partition's problems, returned by its task instead of raised.

    A raised error would stop the computation at the first bad partition;
    returned, every partition's problems reach the caller and are named in
    one error.  They travel as ``(class, steps, value, message)``, rebuilt on
    the caller's side: a :class:`~pbcheck.errors.Problem` does not survive
    plain pickling (its ``args`` hold the rendered message, not the three
    arguments its constructor takes).  The steps travel, not the rendered
    path, so the rebuilt problem is found by its steps as the original was.
    """

    rows: int
    count: int
    found: tuple[tuple[type[Problem], Path, object, str], ...]

    @classmethod
    def of(cls, rows: int, found: Sequence[Problem], count: int) -> _Refused:
        """The problems *found* (of *count* in all) in a partition of *rows* rows."""
        return cls(
            rows, count, tuple((type(p), p.steps, p.value, p.message) for p in found)
        )

    def problems(self) -> Problems:
        """The problems, rebuilt, ready to merge as :func:`~pbcheck.bulk.iter_score` does."""
        problems = Problems()
        problems.found = [
            kind(steps, value, message) for kind, steps, value, message in self.found
        ]
        problems.count = self.count
        problems.rows = self.rows
        return problems


def _scored(job: _Job, table: object, rows: int, start: int) -> BulkChunk | _Refused:
    """Score one partition whose first row is *start* in the whole input."""
    try:
        scored = _score_rows(
            job.plan.rubric, table, decimals=job.plan.decimals,
            keep_attainment=job.keep_attainment, offset=start, plan=job.plan,
            threads=1, engine=job.engine,
        )  # fmt: skip
    except ValidationError as invalid:  # e.g. a text cell in a DataFrame column
        return _Refused.of(rows, invalid.problems, len(invalid.problems))
    except Problem as problem:
        return _Refused.of(rows, [problem], 1)
    if isinstance(scored, Problems):
        return _Refused.of(rows, scored.found, scored.count)
    return scored


def _score_block(
    job: _Job, start: int, values: NDArray[Any], blocks: dict[str, NDArray[Any] | None]
) -> BulkChunk | _Refused:
    """Score the rows ``start:start + len(values)`` of a Dask array (on a worker).

    *blocks* are the other blocks of :meth:`BulkTable.from_arrays`, cut to
    the same rows.
    """
    rows = len(values)
    ids = blocks["unit_ids"]
    table = BulkTable.from_arrays(
        values,
        bonus=blocks["bonus"],
        deductions=blocks["deductions"],
        vetoes=blocks["vetoes"],
        unit_ids=np.arange(start, start + rows) if ids is None else ids,
        series=blocks["series"],
        layout=BulkLayout.of(job.plan.rubric),
    )
    return _scored(job, table, rows, start)


def _score_partition(job: _Job, start: int, frame: Sized) -> BulkChunk | _Refused:
    """Score a DataFrame partition whose first row is *start* (on a worker)."""
    return _scored(job, frame, len(frame), start)


def _pieces(collection: Any) -> Any:  # noqa: ANN401 - untyped in Dask
    """The blocks of a Dask array (an array of Delayed) or a DataFrame's partitions."""
    return collection.to_delayed()


def _dask_frame(values: object) -> TypeGuard[DaskDataFrame]:
    """Whether *values* is a Dask DataFrame (without importing dask.dataframe)."""
    frames = sys.modules.get("dask.dataframe")
    return frames is not None and isinstance(values, frames.DataFrame)


def _row_blocks(
    value: object,
    name: str,
    row_chunks: tuple[int, ...],
    width: int | None,
    problems: _Problems,
) -> list[Any]:
    """*value* cut into the row blocks of the values (``None``: no block).

    *width* is the number of columns of a matrix of numbers, ``None`` for a
    vector (of ids or series).  A Dask array is rechunked to those rows (and
    one block of columns); any other array is sliced here, and each slice
    travels with its task.
    """
    blocks = len(row_chunks)
    if value is None:
        return [None] * blocks
    array: Any = value if isinstance(value, da.Array) else np.asarray(value)
    rows = sum(row_chunks)
    shape = (rows,) if width is None else (rows, width)
    if tuple(array.shape) != shape:
        want = f"{rows} entries" if width is None else f"{rows} rows × {width} columns"
        problems.add(
            InvalidValueError(
                (name,), tuple(array.shape), f"must have {want}, like values"
            )
        )
        return [None] * blocks
    if width is not None and array.dtype.kind not in "biuf":
        problems.add(
            InvalidTypeError(
                (name,), str(array.dtype), "must hold numbers (float, int or bool)"
            )
        )
        return [None] * blocks
    if isinstance(value, da.Array):
        chunks = (row_chunks,) if width is None else (row_chunks, (width,))
        return list(_pieces(array.rechunk(chunks)).ravel())
    stops = np.cumsum(row_chunks)
    return [
        array[stop - size : stop] for stop, size in zip(stops, row_chunks, strict=True)
    ]


def _check_values(values: da.Array, layout: BulkLayout, problems: _Problems) -> bool:
    """Add what is wrong with *values*; whether its row blocks are known."""
    if values.ndim != 2:
        problems.add(
            InvalidValueError(
                ("values",), values.shape, "must be a matrix: one row per unit"
            )
        )
        return False
    width = len(layout.indicators)
    if values.shape[1] != width:
        problems.add(
            InvalidValueError(
                ("values",),
                values.shape,
                f"must have {width} columns, one per indicators column of the layout",
            )
        )
    if values.dtype.kind not in "biuf":
        problems.add(
            InvalidTypeError(
                ("values",), str(values.dtype), "must hold numbers (float, int or bool)"
            )
        )
    if len(values.chunks[1]) > 1:
        # Joining column blocks is a shuffle across the whole array: the
        # caller chooses it (and when), not this function.
        problems.add(
            InvalidValueError(
                ("values", "chunks"),
                values.chunks,
                "must cut rows only (one block of columns): "
                "call values.rechunk({1: -1}) first",
            )
        )
    if any(np.isnan(size) for size in values.chunks[0]):
        problems.add(
            InvalidValueError(
                ("values", "chunks"),
                values.chunks,
                "must have known row counts: call values.compute_chunk_sizes() first",
            )
        )
        return False
    return True


def _array_tasks(
    job: Delayed,
    values: da.Array,
    layout: BulkLayout,
    blocks: dict[str, object],
    problems: _Problems,
) -> list[Delayed]:
    """One task per row block of *values* (none when a problem was found)."""
    before = len(problems)
    if not _check_values(values, layout, problems):
        return []
    row_chunks: tuple[int, ...] = values.chunks[0]
    widths = {
        "bonus": len(layout.bonus),
        "deductions": len(layout.deductions),
        "vetoes": len(layout.vetoes),
        "unit_ids": None,
        "series": None,
    }
    cut = {
        name: _row_blocks(blocks[name], name, row_chunks, width, problems)
        for name, width in widths.items()
    }
    if len(problems) > before:
        return []
    starts = np.cumsum((0, *row_chunks[:-1]))
    score = _lazy(_score_block)
    return [
        # Dask finds the blocks inside the dict and passes them computed.
        score(job, int(start), part, {name: c[i] for name, c in cut.items()})
        for i, (start, part) in enumerate(
            zip(starts, _pieces(values).ravel(), strict=True)
        )
    ]


def _frame_tasks(
    job: Delayed, values: DaskDataFrame, layout: BulkLayout, problems: _Problems
) -> list[Delayed]:
    """One task per partition of *values*; row numbers follow earlier partitions."""
    names = {str(c) for c in values.columns}
    for name in layout.indicators:
        if name not in names:
            problems.add(
                InvalidValueError(
                    column_path(name),
                    None,
                    "is missing: every indicator needs a column",
                )
            )
    partitions: list[Delayed] = _pieces(values)
    # A partition's row count is known once it is loaded: each offset is the
    # one before plus the length of the partition before (a chain of tiny tasks).
    starts: list[Any] = [0]
    for partition in partitions[:-1]:
        starts.append(_lazy(operator.add)(starts[-1], _lazy(len)(partition)))
    score = _lazy(_score_partition)
    return [
        score(job, start, partition)
        for start, partition in zip(starts, partitions, strict=True)
    ]


def score_dask(  # noqa: PLR0913 - keyword options, one per block of the table
    rubric: Rubric,
    values: object,
    *,
    bonus: object = None,
    deductions: object = None,
    vetoes: object = None,
    unit_ids: object = None,
    series: object = None,
    decimals: int = DEFAULT_DECIMALS,
    ranking: RankingPolicy | None = None,
    grading: GradingPolicy | None = None,
    keep_attainment: bool = False,
    engine: Engine = "auto",
) -> BulkResult:
    """Score a Dask array row block by row block, then rank and grade every unit.

    The blocks are those of :meth:`pbcheck.bulk.BulkTable.from_arrays`, in
    the columns of :class:`~pbcheck.bulk.BulkLayout`: *values* decides the
    row blocks, and must be one block wide — a matrix chunked along columns
    is refused (join them with ``values.rechunk({1: -1})``, a shuffle that is
    the caller's to choose); the other blocks may be Dask arrays (rechunked
    to the row blocks of *values*) or arrays and sequences (sliced, each
    slice sent with its task).  A Dask DataFrame brings every block as named
    columns (as :meth:`~pbcheck.bulk.BulkTable.from_columns`: ``unit_id`` and
    ``series`` among them), and the keyword blocks must then be left out.

    Each block is scored on the workers by the pure
    :func:`~pbcheck.bulk.score_chunk` (with ``threads=1``: Dask already runs
    blocks in parallel), and only the per-unit integers of
    :class:`~pbcheck.bulk.BulkChunk` come back — plus the ``N × M``
    attainment matrix with *keep_attainment*, which is as large as the input.
    :func:`~pbcheck.bulk.combine` then ranks and grades on the caller's
    machine.  The rubric is compiled once, on the caller's machine, and sent
    once.  The computation runs on Dask's current scheduler (see
    :mod:`pbcheck.bulk.dask`).

    Args:
        rubric: built-in value rules and exact roll-ups only (see
            :mod:`pbcheck.bulk`).
        values: an ``N × indicators`` :class:`dask.array.Array` with known
            row chunks, or a Dask DataFrame.
        bonus: ``N × bonus`` values (NaN claims nothing); left out, none.
        deductions: ``N × deductions`` incident counts; left out, none.
        vetoes: ``N × vetoes`` incident counts or 0/1 flags; left out, none.
        unit_ids: N ids; ``0 … N-1`` (row numbers) when left out.
        series: N series names or integer codes; left out, one group.
        decimals: number columns are decimals with at most this many places.
        ranking: tie rules, as :func:`pbcheck.rank_within`.
        grading: grades, as :func:`pbcheck.grade` with the series as groups.
        keep_attainment: bring back the ``N × M`` attainment matrix.
        engine: ``"auto"``, ``"numpy"`` or ``"numba"``, as
            :func:`~pbcheck.bulk.score_chunk` (the same result).

    Returns:
        The result :func:`~pbcheck.bulk.score_bulk` gives on the same rows.

    Raises:
        ValidationError: why the rubric is outside the bulk layout, or what
            is wrong with the blocks' shapes, types and chunks — before any
            block is scored; or, once every block is scored, every problem
            of their cells, in one error, with rows numbered in the whole
            input (the first :data:`~pbcheck.errors.MAX_PROBLEMS` listed, the rest counted), as
            :func:`~pbcheck.bulk.score_bulk_chunks` does.
        InvalidTypeError: *values* is neither a Dask array nor a Dask
            DataFrame.

    >>> import dask
    >>> import dask.array as da
    >>> import numpy as np
    >>> from pbcheck import DirectScore, Indicator, Rubric, Section
    >>> from pbcheck.errors import ValidationError
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
    >>> values = da.from_array(np.array([[80.0], [120.0], [90.0], [-1.0]]), chunks=2)
    >>> try:
    ...     with dask.config.set(scheduler="synchronous"):
    ...         score_dask(rubric, values)
    ... except ValidationError as error:
    ...     print(error)
    invalid bulk table for rubric 'r' (rows 0–3): 2 problems
      table[1][a1]: must not exceed max_points (got 120.0)
      table[3][a1]: must not be negative (got -1.0)
    """
    plan = compile_plan(rubric, decimals)  # a rubric outside the layout fails here
    layout = BulkLayout.of(rubric)
    problems = _Problems(f"invalid Dask input for rubric {rubric.id!r}")
    if ranking is not None and not isinstance(ranking, RankingPolicy):
        problems.add(InvalidTypeError(("ranking",), ranking, "must be a RankingPolicy"))
    if grading is not None and not isinstance(grading, GradingPolicy):
        problems.add(InvalidTypeError(("grading",), grading, "must be a GradingPolicy"))
    if engine not in ENGINES:
        problems.add(
            InvalidValueError(("engine",), engine, f"must be one of {list(ENGINES)}")
        )
    blocks = {
        "bonus": bonus,
        "deductions": deductions,
        "vetoes": vetoes,
        "unit_ids": unit_ids,
        "series": series,
    }
    # Sent once: the tasks share it (on a cluster, from the worker holding it).
    job = _lazy(_Job(plan, keep_attainment, engine), traverse=False)
    if isinstance(values, da.Array):
        tasks = _array_tasks(job, values, layout, blocks, problems)
    elif _dask_frame(values):
        for name, block in blocks.items():
            if block is not None:
                instead = {"unit_ids": UNIT_ID, "series": SERIES}.get(name)
                columns = f"a {instead!r} column" if instead else f"its {name} columns"
                problems.add(
                    InvalidValueError(
                        (name,),
                        type(block).__name__,
                        f"must be left out with a Dask DataFrame (give it {columns})",
                    )
                )
        tasks = _frame_tasks(job, values, layout, problems)
    else:
        raise InvalidTypeError(
            ("values",),
            type(values).__name__,
            "must be a dask.array.Array (rows × indicators) or a Dask DataFrame; "
            "score arrays in memory with pbcheck.bulk.score_bulk",
        )
    problems.raise_if_any()
    parts: tuple[BulkChunk | _Refused, ...] = _compute(*tasks)
    found = Problems()
    for part in parts:
        if isinstance(part, _Refused):
            found.merge(part.problems())
    if found.count:
        rows = sum(p.rows if isinstance(p, _Refused) else len(p) for p in parts)
        raise _invalid(rubric, found, 0, rows - 1)
    return combine(
        rubric,
        [p for p in parts if isinstance(p, BulkChunk)],
        ranking=ranking,
        grading=grading,
    )
