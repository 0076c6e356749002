"""The columnar input of the bulk path: layout, table, conversions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from pbcheck._numbers import format_exact as _f
from pbcheck.errors import Id, InvalidTypeError, InvalidValueError, Path, _Problems
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import DirectScore

__all__ = ["BulkLayout", "BulkTable", "table_from_evaluations"]

Matrix = NDArray[np.float64]

#: Column names that are not rubric items.
UNIT_ID = "unit_id"
SERIES = "series"


def column_path(name: str) -> Path:
    """Where column *name* of a bulk table is: ``table[a1]``.

    A column is named by its id, so a name that could be misread is quoted
    as any id is (``table['D1[乡科级]']``, see :mod:`pbcheck.errors`).

    >>> from pbcheck.errors import render_path
    >>> render_path(column_path("a1"))
    'table[a1]'
    """
    return ("table", Id(name))


def cell_path(row: int, name: str) -> Path:
    """Where one cell of a bulk table is: ``table[3][a1]``.

    *row* counts from the first row of the whole input, not of a chunk.

    >>> from pbcheck.errors import render_path
    >>> render_path(cell_path(3, "a1"))
    'table[3][a1]'
    """
    return ("table", row, Id(name))


@attrs.frozen
class BulkLayout:
    """The columns a :class:`BulkTable` has for a rubric, in order.

    * ``indicators``: one value per regular indicator (depth first, as
      :meth:`pbcheck.Rubric.indicators`): 0/1 for pass/fail, a decimal number
      for direct scores, ratios to target and tiers, a whole count for the
      occurrence and count rules.  NaN means "not observed", which is an
      error, as in the exact path, unless the cell is marked not applicable
      (合理缺项, :attr:`BulkTable.not_applicable`).
    * ``bonus``: one value per bonus indicator, read like the above; NaN
      claims nothing (a 0 is scored by the rule, like an observation of 0).
    * ``deductions``: an incident count per fixed-points deduction, and per
      category of a deduction ``by_category`` (named ``"D2[乡科级]"``).
    * ``vetoes``: an incident count (or 0/1 flag) per veto item.

    Column names are the rubric's ids, which the rubric keeps unique.

    >>> from pbcheck import Deduction, Indicator, PassFail, Rubric, Section, Veto
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
    ...     deductions=[
    ...         Deduction("D", "违纪", by_category={"乡科级": 2, "一般干部": 1})
    ...     ],
    ...     vetoes=[Veto("V", "一票否决")],
    ... )
    >>> BulkLayout.of(rubric).columns
    ('a1', 'D[乡科级]', 'D[一般干部]', 'V')
    """

    indicators: tuple[str, ...]
    bonus: tuple[str, ...]
    deductions: tuple[str, ...]
    vetoes: tuple[str, ...]

    @classmethod
    def of(cls, rubric: Rubric | RubricSet) -> BulkLayout:
        """The layout of *rubric*; of a season's rubrics, the union of theirs.

        With a :class:`~pbcheck.model.rubric_set.RubricSet` (分类考核) each
        block holds every rubric's columns once, in the order the rubrics
        first name them; a unit's cells outside its own rubric stay empty.
        """
        if isinstance(rubric, RubricSet):
            layouts = [cls.of(r) for r in rubric]
            return cls(
                *(
                    tuple(dict.fromkeys(n for x in layouts for n in getattr(x, name)))
                    for name in ("indicators", "bonus", "deductions", "vetoes")
                )
            )
        deductions: list[str] = []
        for deduction in rubric.deductions:
            if deduction.by_category is None:
                deductions.append(deduction.id)
            else:
                deductions += [f"{deduction.id}[{c}]" for c in deduction.by_category]
        return cls(
            tuple(i.id for i in rubric.indicators()),
            tuple(i.id for i in rubric.bonus.indicators),
            tuple(deductions),
            tuple(v.id for v in rubric.vetoes),
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column, in order: indicators, bonus, deductions, vetoes."""
        return self.indicators + self.bonus + self.deductions + self.vetoes


def _matrix(value: object, rows: int | None, columns: int, path: Path) -> Matrix:
    if value is None:
        return np.full((rows or 0, columns), np.nan)
    array = np.asarray(value)
    if array.dtype != np.float64:
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(
                path, str(array.dtype), "must hold numbers (float, int or bool)"
            ) from None
    if columns == 0 and array.size == 0:
        array = array.reshape((rows or 0, 0))
    if array.ndim != 2 or array.shape[1] != columns:
        raise InvalidValueError(
            path, array.shape, f"must be a matrix with {columns} columns"
        )
    return np.ascontiguousarray(array)


@attrs.frozen(eq=False)
class BulkTable:
    """Columnar input for :func:`pbcheck.bulk.score_bulk`: one row per unit.

    Args:
        values: ``N × len(layout.indicators)`` float64 matrix (see
            :class:`BulkLayout` for what each column holds).
        bonus: ``N × len(layout.bonus)``; NaN claims nothing.  Left out by
            :meth:`from_arrays` or :meth:`from_columns`, nothing is claimed.
        deductions: ``N × len(layout.deductions)`` incident counts.
        vetoes: ``N × len(layout.vetoes)`` incident counts or 0/1 flags.
        unit_ids: N ids (strings or integers); ``0 … N-1`` when omitted.
        series: N series names (系列) for ranking and grading, or ``None`` for
            one group; a ``None`` entry is the group ``未分系列``.
        not_applicable: ``N × len(layout.indicators)`` booleans, or ``None``:
            ``True`` marks an indicator that does not apply to the unit (合理
            缺项); its value cell must be NaN.  The rubric's
            :class:`~pbcheck.model.rubric.NotApplicablePolicy` says how it
            counts.  The reasons are not held here (a column of millions of
            texts would cost more than the scores): they stay with the
            evaluations or score sheets the table was made from.

    Build it with :meth:`from_arrays` (blocks left out are NaN: nothing),
    :meth:`from_columns` (a DataFrame, a pyarrow table or a mapping of
    columns) or :func:`table_from_evaluations`.

    >>> import numpy as np
    >>> table = BulkTable.from_arrays(np.array([[1.0, 8.5], [0.0, 9.0]]))
    >>> len(table), table.values.shape
    (2, (2, 2))
    """

    values: Matrix
    bonus: Matrix
    deductions: Matrix
    vetoes: Matrix
    unit_ids: NDArray[Any]
    series: NDArray[Any] | None = None
    not_applicable: NDArray[np.bool_] | None = None

    def __len__(self) -> int:
        return int(self.values.shape[0])

    def marked(self, not_applicable: object) -> BulkTable:
        """This table with *not_applicable* (an ``N × indicators`` mask) as its 合理缺项.

        ``None`` keeps the table as it is.

        >>> import numpy as np
        >>> table = BulkTable.from_arrays(np.array([[1.0, np.nan]]))
        >>> table.marked([[False, True]]).not_applicable.tolist()
        [[False, True]]
        """
        if not_applicable is None:
            return self
        return attrs.evolve(
            self, not_applicable=_mask(not_applicable, self.values.shape)
        )

    @classmethod
    def from_arrays(  # noqa: PLR0913 - one argument per block
        cls,
        values: ArrayLike,
        *,
        bonus: ArrayLike | None = None,
        deductions: ArrayLike | None = None,
        vetoes: ArrayLike | None = None,
        unit_ids: Sequence[object] | NDArray[Any] | None = None,
        series: Sequence[str | None] | NDArray[Any] | None = None,
        layout: BulkLayout | None = None,
        not_applicable: ArrayLike | None = None,
    ) -> BulkTable:
        """A table from matrices; blocks left out are NaN (no claims, no incidents).

        With *layout*, every block's width is checked against it; without,
        *values* sets the indicator count and absent blocks have no columns.
        """
        matrix = _matrix(
            values,
            None,
            np.shape(values)[1] if layout is None else len(layout.indicators),
            ("values",),
        )
        rows = matrix.shape[0]

        def block(value: ArrayLike | None, name: str) -> Matrix:
            width = (
                len(getattr(layout, name))
                if layout is not None
                else (0 if value is None else np.shape(value)[1])
            )
            result = _matrix(value, rows, width, (name,))
            if result.shape[0] != rows:
                raise InvalidValueError(
                    (name,), result.shape, f"must have {rows} rows, like values"
                )
            return result

        ids = np.arange(rows) if unit_ids is None else np.asarray(unit_ids)
        if ids.shape != (rows,):
            raise InvalidValueError(("unit_ids",), ids.shape, f"must hold {rows} ids")
        labels = None if series is None else np.asarray(series)
        if labels is not None and not np.issubdtype(labels.dtype, np.integer):
            labels = labels.astype(object)  # names, None for no series
        if labels is not None and labels.shape != (rows,):
            raise InvalidValueError(
                ("series",), labels.shape, f"must hold {rows} names"
            )
        return cls(
            matrix,
            block(bonus, "bonus"),
            block(deductions, "deductions"),
            block(vetoes, "vetoes"),
            ids,
            labels,
            None if not_applicable is None else _mask(not_applicable, matrix.shape),
        )

    @classmethod
    def from_columns(
        cls,
        rubric: Rubric | RubricSet,
        data: object,
        *,
        first_row: int = 0,
        not_applicable: object = None,
    ) -> BulkTable:
        """A table from named columns: a pandas DataFrame, a pyarrow Table or a mapping.

        Indicator columns are required; bonus, deduction and veto columns
        may be left out (nothing claimed, no incidents).  ``unit_id`` and
        ``series`` columns are used when present (without ``unit_id``, rows are
        numbered from *first_row*).  Neither pandas nor pyarrow
        is imported: any object with ``column_names`` and ``column(name)``
        (pyarrow) or with ``columns`` and ``[name]`` (pandas) will do.

        An indicator that does not apply to a unit (合理缺项) is marked by the
        text ``不适用`` or ``合理缺项`` in its cell (``合理缺项：原因`` too, as
        in score sheets; the reason is not kept), or by *not_applicable*: an
        ``N × indicators`` mask.

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
        >>> BulkTable.from_columns(
        ...     rubric, {"a1": [1, 0], "unit_id": ["甲", "乙"]}
        ... ).unit_ids
        array(['甲', '乙'], dtype='<U1')
        """
        layout = BulkLayout.of(rubric)
        columns = _Columns(data)
        problems = _Problems("invalid bulk table")
        for name in layout.indicators:
            if name not in columns:
                problems.add(
                    InvalidValueError(
                        column_path(name),
                        None,
                        "is missing: every indicator needs a column",
                    )
                )
        problems.raise_if_any()
        rows = len(_column(columns, layout.indicators[0])) if layout.indicators else 0
        marks: dict[int, NDArray[np.bool_]] = {}

        def stack(names: tuple[str, ...], *, waivable: bool = False) -> Matrix:
            """The columns *names* side by side; those left out are NaN."""
            out = np.full((rows, len(names)), np.nan)
            for j, name in enumerate(names):
                if name in columns:
                    out[:, j], marked = _numbers(
                        _column(columns, name), name, first_row, waivable=waivable
                    )
                    if marked is not None:
                        marks[j] = marked
            return out

        values = stack(layout.indicators, waivable=True)
        mask = None
        if marks:
            mask = np.zeros(values.shape, dtype=bool)
            for j, marked in marks.items():
                mask[:, j] = marked
        if not_applicable is not None:
            given = _mask(not_applicable, values.shape)
            mask = given if mask is None else mask | given
        return cls.from_arrays(
            values,
            bonus=stack(layout.bonus),
            deductions=stack(layout.deductions),
            vetoes=stack(layout.vetoes),
            unit_ids=_column(columns, UNIT_ID)
            if UNIT_ID in columns
            else np.arange(first_row, first_row + rows),
            series=_column(columns, SERIES) if SERIES in columns else None,
            layout=layout,
            not_applicable=mask,
        )

    def rows(self, start: int, stop: int) -> BulkTable:
        """Rows ``start:stop`` as a table (views, no copies)."""
        return BulkTable(
            self.values[start:stop],
            self.bonus[start:stop],
            self.deductions[start:stop],
            self.vetoes[start:stop],
            self.unit_ids[start:stop],
            None if self.series is None else self.series[start:stop],
            None if self.not_applicable is None else self.not_applicable[start:stop],
        )

    def chunks(self, size: int) -> Iterable[BulkTable]:
        """Consecutive row blocks of at most *size* rows (views, no copies)."""
        for start in range(0, len(self), size):
            yield self.rows(start, start + size)


class _Columns:
    """Named columns of a DataFrame, pyarrow table or mapping, read lazily."""

    def __init__(self, data: object) -> None:
        self.data = data
        if hasattr(data, "column_names") and hasattr(data, "column"):
            self.names = set(data.column_names)
            self.kind = "arrow"
        elif hasattr(data, "columns") and hasattr(data, "__getitem__"):
            self.names = {str(c) for c in data.columns}
            self.kind = "frame"
        elif isinstance(data, Mapping):
            self.names = {str(c) for c in data}
            self.kind = "mapping"
        else:
            raise InvalidTypeError(
                ("table",), type(data).__name__,
                "must be a BulkTable, a DataFrame, a pyarrow Table or a mapping of columns",
            )  # fmt: skip

    def __contains__(self, name: str) -> bool:
        return name in self.names


def _column(columns: _Columns, name: str) -> NDArray[Any]:
    data: Any = columns.data
    if columns.kind == "arrow":
        return np.asarray(data.column(name).to_numpy(zero_copy_only=False))
    if columns.kind == "frame":
        return np.asarray(data[name].to_numpy())
    return np.asarray(data[name])


def _exact_in_binary64(number: int) -> bool:
    try:
        return int(float(number)) == number
    except OverflowError:
        return False


#: How a cell says its indicator does not apply (合理缺项), as score sheets do.
NOT_APPLICABLE_WORDS = ("合理缺项", "不适用")


def _says_not_applicable(item: object) -> bool:
    """``不适用``, ``合理缺项``, or either followed by ``：``/``:`` and a reason."""
    if not isinstance(item, str):
        return False
    text = item.strip()
    return any(
        text == word or text.startswith((f"{word}：", f"{word}:"))
        for word in NOT_APPLICABLE_WORDS
    )


def _mask(value: object, shape: tuple[int, ...]) -> NDArray[np.bool_]:
    """*value* as an ``N × indicators`` boolean mask of 合理缺项 cells."""
    array = np.asarray(value)
    if array.dtype != np.bool_:
        if not (
            np.issubdtype(array.dtype, np.integer) and np.isin(array, (0, 1)).all()
        ):
            raise InvalidTypeError(
                ("not_applicable",),
                str(array.dtype),
                "must hold booleans (True: the indicator does not apply)",
            )
        array = array.astype(bool)
    if array.size == 0 and shape[1] == 0:
        array = array.reshape(shape)
    if array.shape != shape:
        raise InvalidValueError(
            ("not_applicable",),
            array.shape,
            f"must be a {shape[0]} × {shape[1]} mask, one cell per indicator value",
        )
    return np.ascontiguousarray(array)


def _numbers(
    column: NDArray[Any], name: str, first_row: int, *, waivable: bool = False
) -> tuple[NDArray[np.float64], NDArray[np.bool_] | None]:
    """Column *name* as float64, missing entries (None, pandas NA) as NaN.

    With *waivable* (an indicator column), a text cell saying 不适用 or 合理
    缺项 is NaN too, and marked in the mask returned beside (``None`` when no
    cell says so).  A bad cell is named as the kernel names one,
    ``table[row][column]``, with its row counted from *first_row* (the whole
    input's numbering, not the chunk's).
    """
    if waivable and column.dtype.kind in "US":
        column = column.astype(object)  # text cells, e.g. a column of 不适用 only
    if column.dtype != object:
        try:
            return column.astype(np.float64), None
        except (TypeError, ValueError):
            raise InvalidTypeError(
                column_path(name), str(column.dtype), "must hold numbers"
            ) from None
    out = np.empty(column.shape, dtype=np.float64)
    marked: NDArray[np.bool_] | None = None
    for index, item in enumerate(column):
        if item is None or _is_na(item):
            out[index] = np.nan
        elif waivable and _says_not_applicable(item):
            if marked is None:
                marked = np.zeros(column.shape, dtype=bool)
            marked[index] = True
            out[index] = np.nan
        elif isinstance(item, int) and not _exact_in_binary64(item):
            # Most ints past 2**53 have no exact binary64; never round them silently.
            raise InvalidValueError(
                cell_path(first_row + index, name),
                item,
                "cannot be held exactly (binary64)",
            )
        elif isinstance(item, bool | int | float | np.number | np.bool_):
            out[index] = float(item)
        else:
            raise InvalidTypeError(
                cell_path(first_row + index, name),
                item,
                "must be a number or missing"
                + (
                    " (or 不适用 / 合理缺项 when it does not apply)" if waivable else ""
                ),
            )
    return out, marked


def _is_na(item: object) -> bool:
    return type(item).__name__ in {"NAType", "NaTType"}


def table_from_evaluations(
    rubric: Rubric | RubricSet,
    evaluations: Iterable[Evaluation],
    *,
    tree: OrgTree | None = None,
    decimals: int = 4,
) -> BulkTable:
    """Columns from :class:`~pbcheck.Evaluation` objects, for checks and migrations.

    Each regular or bonus indicator takes the value of its one counted
    observation (sources of weight 0, such as 自评, are left out as in the
    exact path); an indicator without one is NaN (not observed), which
    :func:`~pbcheck.bulk.score_bulk` reports, as :func:`~pbcheck.score` does.
    Several counted raters of a **direct score** are combined exactly here
    with the indicator's (or rubric's) rater aggregator, since a direct
    score's points are its value.  Every value must have at most *decimals*
    places, as :func:`~pbcheck.bulk.score_bulk` reads it back (a float column
    holds such a decimal as its nearest double, which reads back exactly).  Several raters of any other rule are refused: their points
    are combined *after* the rule, so no single raw value stands for them —
    score those with the exact path.  Deductions and vetoes count incidents;
    *tree* gives each unit's series.  Indicators marked not applicable
    (:class:`~pbcheck.model.evaluation.NotApplicable`, 合理缺项) are marked
    in :attr:`BulkTable.not_applicable` (their reasons stay in the
    evaluations).

    Raises:
        ValidationError: every refused indicator, unit by unit.

    >>> from pbcheck import (
    ...     Evaluation,
    ...     Indicator,
    ...     Observation,
    ...     PassFail,
    ...     Rubric,
    ...     Section,
    ... )
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
    >>> table_from_evaluations(
    ...     rubric, [Evaluation("甲", [Observation("a1", True)])]
    ... ).values
    array([[1.]])
    """
    evaluations = list(evaluations)
    if isinstance(rubric, RubricSet):
        return _set_table(rubric, evaluations, tree, decimals)
    layout = BulkLayout.of(rubric)
    problems = _Problems("evaluations the bulk layout cannot hold")
    column = {name: j for j, name in enumerate(layout.indicators + layout.bonus)}
    counts = {name: j for j, name in enumerate(layout.deductions + layout.vetoes)}
    deductions = {d.id: d for d in rubric.deductions}
    values = np.full((len(evaluations), len(column)), np.nan)
    incidents = np.zeros((len(evaluations), len(counts)))
    regular = {name: j for j, name in enumerate(layout.indicators)}
    waived = np.zeros((len(evaluations), len(regular)), dtype=bool)
    for row, evaluation in enumerate(evaluations):
        path = ("evaluations", Id(evaluation.unit_id))
        _mark_waived(evaluation, waived[row], regular, problems)
        counted: dict[str, list[tuple[Fraction, Fraction]]] = {}
        for observation in evaluation.observations:
            weight = rubric.source_weights[observation.source]
            if weight == 0 or observation.indicator_id not in column:
                continue
            counted.setdefault(observation.indicator_id, []).append(
                (Fraction(observation.value), weight)
            )
        for indicator_id, found in counted.items():
            indicator = rubric.indicator(indicator_id)
            if len(found) == 1:
                value = found[0][0]
            elif isinstance(indicator.rule, DirectScore):
                strategy = indicator.rater_aggregator or rubric.rater_aggregator
                value = strategy([v for v, _ in found], [w for _, w in found])
            else:
                problems.add(
                    InvalidValueError(
                        (*path, "observations", Id(indicator_id)),
                        len(found),
                        "has several counted raters; their points combine after the "
                        "rule, so no single value stands for them (score it with the "
                        "exact path)",
                    )
                )
                continue
            scale = 10**decimals
            if (value * scale).denominator != 1:
                problems.add(
                    InvalidValueError(
                        (*path, "observations", Id(indicator_id)),
                        _f(value),
                        f"has more than {decimals} decimal places (decimals={decimals})",
                    )
                )
                continue
            held = float(value)
            # score_bulk reads a float back as the nearest decimal of *decimals*
            # places; past 2**53 that is another number, so refuse, never round.
            if Fraction(round(Fraction(held) * scale), scale) != value:
                problems.add(
                    InvalidValueError(
                        (*path, "observations", Id(indicator_id)),
                        _f(value),
                        "cannot be held exactly in the bulk layout (binary64); "
                        "score it with the exact path",
                    )
                )
                continue
            values[row, column[indicator_id]] = held
        for incident in evaluation.incidents:
            deduction = deductions.get(incident.item_id)
            name = (
                f"{incident.item_id}[{incident.category}]"
                if deduction is not None and deduction.by_category is not None
                else incident.item_id
            )
            if name in counts:
                incidents[row, counts[name]] += 1
            else:
                problems.add(
                    InvalidValueError(
                        (*path, "incidents"), name, "names no deduction or veto column"
                    )
                )
    problems.raise_if_any()
    split = len(layout.indicators)
    cut = len(layout.deductions)
    ids = [e.unit_id for e in evaluations]
    series = None if tree is None else [tree[i].series for i in ids]
    return BulkTable.from_arrays(
        values[:, :split],
        bonus=values[:, split:],
        deductions=incidents[:, :cut],
        vetoes=incidents[:, cut:],
        unit_ids=np.asarray(ids, dtype=object),
        series=series,
        layout=layout,
        not_applicable=waived if waived.any() else None,
    )


def _set_table(
    rubric_set: RubricSet,
    evaluations: list[Evaluation],
    tree: OrgTree | None,
    decimals: int,
) -> BulkTable:
    """:func:`table_from_evaluations` of a season of several rubrics (分类考核).

    Each evaluation fills its unit's rubric's columns of the union layout
    (:meth:`BulkLayout.of` the set); its other cells stay empty.
    """
    layout = BulkLayout.of(rubric_set)
    problems = _Problems("evaluations the bulk layout cannot hold")
    by_rubric: dict[str, list[int]] = {}
    for row, evaluation in enumerate(evaluations):
        unit = evaluation.unit_id
        series = tree[unit].series if tree is not None and unit in tree else None
        try:
            assessed = rubric_set.rubric_for(unit, series=series)
        except InvalidValueError as problem:
            problems.add(problem.moved(("evaluations", Id(unit), "unit_id")))
            continue
        by_rubric.setdefault(assessed.id, []).append(row)
    problems.raise_if_any()
    rows = len(evaluations)
    blocks = {
        name: np.full((rows, len(getattr(layout, name))), np.nan)
        for name in ("indicators", "bonus", "deductions", "vetoes")
    }
    mask = np.zeros((rows, len(layout.indicators)), dtype=bool)
    for rubric_id, where in by_rubric.items():
        own_rubric = rubric_set.rubric(rubric_id)
        part = table_from_evaluations(
            own_rubric, [evaluations[r] for r in where], decimals=decimals
        )
        own = BulkLayout.of(own_rubric)
        index = np.asarray(where, dtype=np.intp)
        for name, block in zip(
            ("indicators", "bonus", "deductions", "vetoes"),
            (part.values, part.bonus, part.deductions, part.vetoes),
            strict=True,
        ):
            names = getattr(layout, name)
            columns = np.asarray(
                [names.index(n) for n in getattr(own, name)], dtype=np.intp
            )
            blocks[name][np.ix_(index, columns)] = block
            if name == "indicators" and part.not_applicable is not None:
                mask[np.ix_(index, columns)] = part.not_applicable
    ids = [e.unit_id for e in evaluations]
    return BulkTable.from_arrays(
        blocks["indicators"],
        bonus=blocks["bonus"],
        deductions=blocks["deductions"],
        vetoes=blocks["vetoes"],
        unit_ids=np.asarray(ids, dtype=object),
        series=None if tree is None else [tree[i].series for i in ids],
        layout=layout,
        not_applicable=mask if mask.any() else None,
    )


def _mark_waived(
    evaluation: Evaluation,
    waived: NDArray[np.bool_],
    regular: Mapping[str, int],
    problems: _Problems,
) -> None:
    """Mark in *waived* (one row) the indicators *evaluation* marks not applicable."""
    path = ("evaluations", Id(evaluation.unit_id))
    for index, marker in enumerate(evaluation.not_applicable):
        j = regular.get(marker.indicator_id)
        where = (*path, "not_applicable", index, "indicator_id")
        if j is None:
            problems.add(
                InvalidValueError(
                    where,
                    marker.indicator_id,
                    "names no regular indicator of the rubric (only those "
                    "can be marked not applicable)",
                )
            )
        elif waived[j]:
            problems.add(
                InvalidValueError(
                    where, marker.indicator_id, "is marked not applicable twice"
                )
            )
        else:
            waived[j] = True
