"""分类考核 in the bulk path: a season of several rubrics, each unit on its own.

The table holds the union of the rubrics' columns (:meth:`BulkLayout.of` a
:class:`~pbcheck.model.rubric_set.RubricSet`); each row is scored by its
unit's rubric (``by_unit``, then ``by_series``, then ``default``) on that
rubric's own columns, and its cells outside that rubric must be empty.
Ranking and grading keep to groups of comparable rubrics, as
:mod:`pbcheck.outcomes.ranking` does.  Per-unit individual indicators
(``RubricSet.individual``, 个性指标) are outside the columnar layout: each such
unit would need a plan of its own, so those units are refused, to be scored by
the exact path.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pbcheck._numbers import format_exact as _f
from pbcheck.bulk._fused import Engine
from pbcheck.bulk._kernel import Problems
from pbcheck.bulk._plan import INT_EXACT
from pbcheck.bulk._score import (
    DEFAULT_DECIMALS,
    BulkChunk,
    BulkResult,
    _combine,
    _invalid,
    _rescaled,
    _score_rows,
    combine,
    score_chunk,
)
from pbcheck.bulk._table import BulkLayout, BulkTable, cell_path
from pbcheck.errors import MAX_PROBLEMS, Id, InvalidValueError, Problem, ValidationError
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.grading import GradingPolicy
from pbcheck.outcomes.ranking import NO_SERIES, RankingPolicy

__all__ = ["score_set"]

_BLOCKS = ("values", "bonus", "deductions", "vetoes")
_NAMES = ("indicators", "bonus", "deductions", "vetoes")


def _note(problems: Problems, problem: Problem) -> None:
    problems.count += 1
    if len(problems.found) < MAX_PROBLEMS:
        problems.found.append(problem)


def _as_set_table(
    rubric_set: RubricSet, layout: BulkLayout, table: object, not_applicable: object
) -> BulkTable:
    if isinstance(table, BulkTable):
        data = table
        for block, name in zip(_BLOCKS, _NAMES, strict=True):
            want = len(getattr(layout, name))
            if getattr(data, block).shape[1] != want:
                raise InvalidValueError(
                    ("table", block),
                    getattr(data, block).shape,
                    f"must have {want} columns, one per {name} column of the "
                    "rubrics' union (BulkLayout.of(rubric_set))",
                )
    else:
        data = BulkTable.from_columns(rubric_set, table)
    return data.marked(not_applicable)


def _assign(
    rubric_set: RubricSet, data: BulkTable, problems: Problems
) -> list[tuple[Rubric, NDArray[np.intp]]]:
    """Each rubric of the set and the rows it scores; unassignable rows reported."""
    rows = len(data)
    series = np.full(rows, None, dtype=object) if data.series is None else data.series
    chosen = np.full(rows, -1, dtype=np.intp)
    index = {r.id: j for j, r in enumerate(rubric_set)}
    labels = series.astype(object)
    missing = np.asarray([label is None for label in labels], dtype=bool)
    names, inverse = np.unique(
        np.where(missing, "", labels).astype(str), return_inverse=True
    )
    inverse = inverse.reshape(-1)
    for code, name in enumerate(names):
        rows_here = (inverse == code) & ~missing
        rubric_id = rubric_set.by_series.get(str(name), rubric_set.default)
        chosen[rows_here] = -1 if rubric_id is None else index[rubric_id]
    if rubric_set.default is not None:
        chosen[missing] = index[rubric_set.default]
    special = set(rubric_set.by_unit) | set(rubric_set.individual)
    ids = data.unit_ids.astype(str)
    for row in np.flatnonzero(np.isin(ids, sorted(special))) if special else ():
        unit = ids[row]
        if unit in rubric_set.individual:
            _note(
                problems,
                InvalidValueError(
                    ("table", int(row), "unit_id"),
                    unit,
                    "has its own indicators (个性指标, RubricSet.individual), which "
                    "the columnar bulk layout does not hold: score it with the "
                    "exact path",
                ),
            )
            chosen[row] = -2
        else:
            chosen[row] = index[rubric_set.by_unit[unit]]
    for row in np.flatnonzero(chosen == -1):
        _note(
            problems,
            InvalidValueError(
                ("table", int(row), "unit_id"),
                ids[row],
                f"is assessed by no rubric of the set: its series "
                f"({series[row] or 'none'}) has no rubric and there is no default",
            ),
        )
    out = []
    for j, rubric in enumerate(rubric_set):
        where = np.flatnonzero(chosen == j)
        if not len(where):
            continue
        if rubric.slots:
            for row in where:
                _note(
                    problems,
                    InvalidValueError(
                        ("table", int(row), "unit_id"),
                        ids[row],
                        f"is assessed by rubric {rubric.id} {rubric.version}, a "
                        "template whose slots each unit fills with its own "
                        "indicators; the bulk layout does not hold them",
                    ),
                )
            continue
        out.append((rubric, where))
    return out


def _own_table(
    rubric: Rubric,
    layout: BulkLayout,
    data: BulkTable,
    where: NDArray[np.intp],
    problems: Problems,
) -> BulkTable:
    """Rows *where* on *rubric*'s own columns; a value outside them is reported."""
    own = BulkLayout.of(rubric)
    blocks = []
    for block, name in zip(_BLOCKS, _NAMES, strict=True):
        names = getattr(layout, name)
        position = {n: j for j, n in enumerate(names)}
        columns = [position[n] for n in getattr(own, name)]
        foreign = [j for j in range(len(names)) if j not in set(columns)]
        cells = getattr(data, block)[where]
        if foreign:
            outside = cells[:, foreign]
            filled = ~np.isnan(outside)
            if block in {"deductions", "vetoes"}:
                filled &= outside != 0  # no incident is nothing
            if data.not_applicable is not None and block == "values":
                filled |= data.not_applicable[where][:, foreign]
            for r, c in zip(*np.nonzero(filled), strict=True):
                row = int(where[r])
                _note(
                    problems,
                    InvalidValueError(
                        cell_path(row, names[foreign[c]]),
                        None if np.isnan(outside[r, c]) else float(outside[r, c]),
                        f"is not an item of rubric {rubric.id} {rubric.version}, "
                        f"which assesses unit {data.unit_ids[row]}: leave it empty",
                    ),
                )
        blocks.append(cells[:, columns])
    values, bonus, deductions, vetoes = blocks
    return BulkTable(
        values,
        bonus,
        deductions,
        vetoes,
        unit_ids=data.unit_ids[where],
        series=None if data.series is None else data.series[where],
        not_applicable=None
        if data.not_applicable is None
        else data.not_applicable[where][
            :, [layout.indicators.index(n) for n in own.indicators]
        ],
    )


def _renumbered(found: Problems, where: NDArray[np.intp]) -> Problems:
    """*found* in a rubric's rows, with rows numbered in the whole table."""
    out = Problems()
    out.count = found.count
    for problem in found.found:
        steps = problem.steps
        if len(steps) > 1 and steps[0] == "table" and isinstance(steps[1], int):
            out.found.append(problem.moved(("table", int(where[steps[1]]), *steps[2:])))
        else:
            out.found.append(problem)
    return out


def _class_of(rubric: Rubric, ranking: RankingPolicy) -> str:
    """The rubrics *rubric* may be ranked with, named as the ranking names them."""
    for ids in ranking.comparable:
        if rubric.id in ids:
            return f"细则 {'、'.join(sorted(ids))}（声明可比）"
    return f"细则 {rubric.id} {rubric.version}"


def _groups(
    scored: list[tuple[Rubric, NDArray[np.intp]]],
    series: NDArray[Any],
    ranking: RankingPolicy,
    rows: int,
) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Each row's ranking group (its series, split by rubric if asked) and class.

    Raises:
        ValidationError: a series mixing rubrics that are not comparable
            (unless split), or rubrics declared comparable whose full points
            differ.
    """
    problems: list[Problem] = []
    classes: dict[str, list[Rubric]] = {}
    for rubric, _ in scored:
        classes.setdefault(_class_of(rubric, ranking), []).append(rubric)
    for label, members in classes.items():
        if len({r.max_total for r in members}) > 1:
            points = "；".join(
                f"{r.id} {r.version} 满分 {_f(r.max_total)}" for r in members
            )
            declared = next(
                j for j, ids in enumerate(ranking.comparable) if members[0].id in ids
            )
            problems.append(
                InvalidValueError(
                    ("policy", "comparable", declared),
                    sorted(ranking.comparable[declared]),
                    f"declares rubrics comparable whose full points differ "
                    f"({points}); only rubrics with the same full points can be "
                    f"ranked together ({label})",
                )
            )
    code = {label: j for j, label in enumerate(classes)}
    class_of_row = np.zeros(rows, dtype=np.intp)
    for rubric, where in scored:
        class_of_row[where] = code[_class_of(rubric, ranking)]
    names = np.asarray(
        [NO_SERIES if s is None else str(s) for s in series], dtype=object
    )
    groups = names.copy()
    for name in dict.fromkeys(names.tolist()):
        here = names == name
        held = [label for label, j in code.items() if (class_of_row[here] == j).any()]
        if len(held) <= 1:
            continue
        if ranking.mixed_rubrics == "split":
            for label in held:
                groups[here & (class_of_row == code[label])] = f"{name}（{label}）"
        else:
            counts = "; ".join(
                f"{label}: {int((here & (class_of_row == code[label])).sum())} 个单位"
                for label in held
            )
            problems.append(
                InvalidValueError(
                    ("series", Id(name)),
                    name,
                    f"mixes rubrics that are not comparable ({counts}); rank each "
                    "rubric's units apart (RankingPolicy(mixed_rubrics='split')) or "
                    "declare rubrics of equal full points comparable "
                    "(RankingPolicy(comparable=...))",
                )
            )
    if problems:
        raise ValidationError("incomparable rubrics in a ranking group", problems)
    return groups, class_of_row


def _merged(  # noqa: PLR0913 - internal
    parts: list[tuple[Rubric, NDArray[np.intp], BulkChunk]],
    layout: BulkLayout,
    data: BulkTable,
    groups: NDArray[Any],
    places: int,
    *,
    keep_attainment: bool,
) -> BulkChunk:
    """One chunk of every row, in table order, over a common denominator."""
    rows = len(data)
    denominator = math.lcm(*(chunk.denominator for _, _, chunk in parts))
    scaled = [(r, w, _rescaled(c, denominator)) for r, w, c in parts]
    wide = (
        any(
            np.dtype(object)
            in (c.total.dtype, c.base.dtype, c.adjustment.dtype, c.veto_cap.dtype)
            for _, _, c in scaled
        )
        or denominator * max(r.max_total for r, _, _ in parts) * 4 >= INT_EXACT
    )
    int_type = np.dtype(object) if wide else np.dtype(np.int64)

    def gathered(name: str, dtype: np.dtype[Any]) -> NDArray[Any]:
        out = np.zeros(rows, dtype=dtype)
        for _, where, chunk in scaled:
            out[where] = getattr(chunk, name)
        return out

    vetoed = np.zeros((rows, len(layout.vetoes)), dtype=bool)
    attainment = np.full(data.values.shape, np.nan) if keep_attainment else None
    for rubric, where, chunk in scaled:
        own = BulkLayout.of(rubric)
        columns = np.asarray(
            [layout.vetoes.index(n) for n in own.vetoes], dtype=np.intp
        )
        vetoed[np.ix_(where, columns)] = chunk.vetoed
        if attainment is not None and chunk.attainment is not None:
            at = np.asarray(
                [layout.indicators.index(n) for n in own.indicators], dtype=np.intp
            )
            attainment[np.ix_(where, at)] = chunk.attainment
    return BulkChunk(
        unit_ids=data.unit_ids,
        series=groups,
        denominator=denominator,
        places=places,
        base=gathered("base", int_type),
        adjustment=gathered("adjustment", int_type),
        veto_cap=gathered("veto_cap", int_type),
        total=gathered("total", int_type),
        shown=gathered("shown", int_type),
        vetoed=vetoed,
        disqualified=gathered("disqualified", np.dtype(bool)),
        attainment=attainment,
    )


def score_set(  # noqa: PLR0913 - keyword options
    rubric_set: RubricSet,
    table: object,
    *,
    decimals: int,
    ranking: RankingPolicy | None,
    grading: GradingPolicy | None,
    keep_attainment: bool,
    threads: int,
    engine: Engine,
    not_applicable: object,
) -> BulkResult:
    """:func:`pbcheck.bulk.score_bulk` for a season of several rubrics (分类考核)."""
    ranking = ranking or RankingPolicy()
    layout = BulkLayout.of(rubric_set)
    data = _as_set_table(rubric_set, layout, table, not_applicable)
    problems = Problems()
    assigned = _assign(rubric_set, data, problems)
    parts: list[tuple[Rubric, NDArray[np.intp], BulkChunk]] = []
    for rubric, where in assigned:
        own = _own_table(rubric, layout, data, where, problems)
        scored = _score_rows(
            rubric, own, decimals=decimals, keep_attainment=keep_attainment,
            offset=0, plan=None, threads=threads, engine=engine,
        )  # fmt: skip
        if isinstance(scored, Problems):
            problems.merge(_renumbered(scored, where))
        else:
            parts.append((rubric, where, scored))
    if problems.count:
        raise _invalid(rubric_set.title, problems, 0, len(data) - 1)
    series = (
        np.full(len(data), None, dtype=object) if data.series is None else data.series
    )
    groups, classes = _groups([(r, w) for r, w, _ in parts], series, ranking, len(data))
    merged = _merged(
        parts, layout, data, groups, rubric_set.rounding.places,
        keep_attainment=keep_attainment,
    )  # fmt: skip
    if (
        grading is not None
        and grading.group_by == "all"
        and len(set(classes.tolist())) > 1
        and ranking.mixed_rubrics == "refuse"
    ):
        raise InvalidValueError(
            ("grading", "group_by"),
            "all",
            "grades every unit together, but the units are assessed by rubrics "
            "that are not comparable; grade by series, split by rubric "
            "(RankingPolicy(mixed_rubrics='split')) or declare them comparable",
        )
    rubric_ids = np.empty(len(data), dtype=object)
    for rubric, where, _ in parts:
        rubric_ids[where] = rubric.id
    return _combine(
        rubric_set, [merged], ranking=ranking, grading=grading,
        classes=classes, rubric_ids=rubric_ids,
    )  # fmt: skip


def score_bulk(  # noqa: PLR0913 - keyword options
    rubric: Rubric | RubricSet,
    table: object,
    *,
    decimals: int = DEFAULT_DECIMALS,
    ranking: RankingPolicy | None = None,
    grading: GradingPolicy | None = None,
    keep_attainment: bool = False,
    threads: int = 1,
    engine: Engine = "auto",
    not_applicable: object = None,
) -> BulkResult:
    """Score, rank and grade a whole table at once; see :mod:`pbcheck.bulk`.

    Args:
        rubric: built-in value rules and exact roll-ups only (see
            :mod:`pbcheck.bulk` for what is outside the layout); or a
            :class:`~pbcheck.model.rubric_set.RubricSet` (分类考核): each unit
            is scored by its own rubric on the union of the rubrics' columns
            (its cells outside its rubric empty), and ranked and graded only
            within groups of comparable rubrics (see :mod:`pbcheck.bulk`).
        table: a :class:`BulkTable`, an ``N × indicators`` float matrix, a
            DataFrame, a pyarrow Table or a mapping of columns.
        decimals: number columns are decimals with at most this many places;
            each float must be the double nearest to such a decimal.
        ranking: tie rules, as :func:`pbcheck.rank_within`.
        grading: grades, as :func:`pbcheck.grade` with the series as groups.
        keep_attainment: also keep the ``N × M`` attainment matrix
            (:attr:`BulkResult.attainment`), which the what-if simulation
            (:meth:`~pbcheck.whatif.simulation.Attainments.from_bulk`) needs.
            Off by default: it is as large as the input and, on 1,000,000 ×
            65, makes the call about twice as slow.
        threads: score blocks of rows on this many threads (same result).
        engine: ``"auto"``, ``"numpy"`` or ``"numba"``, as :func:`score_chunk`
            (same result).
        not_applicable: an ``N × indicators`` boolean mask of the cells that
            do not apply (合理缺项), as :attr:`BulkTable.not_applicable`; a
            table may carry its own instead.

    Raises:
        ValidationError: every problem of the rubric or of the table's cells.

    >>> import numpy as np
    >>> from pbcheck import DirectScore, Indicator, RatioToTarget, Rubric, Section
    >>> rubric = Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     [
    ...         Section(
    ...             "A",
    ...             "常规",
    ...             100,
    ...             indicators=[
    ...                 Indicator("a1", "“双强”比例≥85%", 40, RatioToTarget(target=85)),
    ...                 Indicator("a2", "考评", 60, DirectScore()),
    ...             ],
    ...         )
    ...     ],
    ... )
    >>> result = score_bulk(rubric, np.array([[80.0, 52.5], [90.0, 60.0]]))
    >>> [str(result.shown_total(i)) for i in range(2)], result.exact_total(0)
    (['90.15', '100.00'], Fraction(3065, 34))
    """
    if isinstance(rubric, RubricSet):
        return score_set(
            rubric, table, decimals=decimals, ranking=ranking, grading=grading,
            keep_attainment=keep_attainment, threads=threads, engine=engine,
            not_applicable=not_applicable,
        )  # fmt: skip
    return combine(
        rubric,
        [
            score_chunk(
                rubric,
                table,
                decimals=decimals,
                keep_attainment=keep_attainment,
                threads=threads,
                engine=engine,
                not_applicable=not_applicable,
            )
        ],
        ranking=ranking,
        grading=grading,
    )
