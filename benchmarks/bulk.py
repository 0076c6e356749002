"""The bulk path against bare NumPy and scikit-criteria, and at national scale.

    python benchmarks/bulk.py            # 1,000,000 × 65, and 5,000,000 × 65 chunked
    python benchmarks/bulk.py --quick    # 20,000 × 65 and 200,000 × 65 (seconds)

The rubric is the Nanping-shaped 65-standard rubric of ``pbcheck.examples``
with its four frequency standards turned into count-at-least standards (the
bulk layout holds values, not dated activities); the data are generated per
rule (0/1, one-decimal scores and ratios, whole counts), three series,
sparse bonus claims, deductions and vetoes.

Figures (best of ``--repeat`` runs, one process):

* ``bare_numpy``: ``X @ w`` plus an argsort-based rank within series (one
  argsort of a packed series-and-score key) — the least any weighted-sum
  scorer must do;
* ``bare_numpy_lexsort``: the same ranked with a two-key lexsort, as a
  plainer ranking would be written;
* ``pipeline``: :func:`pbcheck.bulk.score_bulk` as users call it, with its
  defaults (``engine="auto"``: the fused Numba kernel when the ``jit`` extra
  is installed; no attainment matrix kept) — rules, roll-up, bonus,
  deductions, vetoes, totals, rounding, per-series ranks and grades;
* ``pipeline_numpy``: the same with ``engine="numpy"`` (the ``bulk`` extra alone);
* ``pipeline_threads``: the pipeline on one thread per core (blocks of rows in
  parallel; the result is identical);
* ``pipeline_with_attainment``: the same (one thread), also keeping the N × M attainment
  matrix for weight simulation;
* ``skcriteria``: building scikit-criteria's decision matrix and evaluating
  its weighted-sum model on the same matrix;
* ``waivers``: the pipeline on the same rows with about 5% of the
  indicator cells marked 合理缺项 in a few patterns, pro-rata and full marks,
  against the same rows without marks;
* ``national``: :func:`pbcheck.bulk.score_bulk_chunks` over 5,000,000 rows in
  chunks, in a fresh process, with its peak resident memory against the
  input matrix's size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

# One BLAS thread for every contender alike: on a busy machine, spinning BLAS
# threads make ``X @ w`` erratic.  Set before NumPy loads; override from outside.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import attrs
import numpy as np

from pbcheck import CountAtLeast, Frequency, GradingPolicy, Rubric, Section
from pbcheck.bulk import (
    BulkLayout,
    BulkTable,
    score_bulk,
    score_bulk_chunks,
)
from pbcheck.bulk._fused import available as fused_available
from pbcheck.examples import example_rubric
from pbcheck.model.rubric import NotApplicablePolicy
from pbcheck.model.rules import (
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Tiers,
)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine  # noqa: E402

_PERIODS = {"month": 12, "quarter": 4, "half": 2, "cycle": 1}


def _counting(section: Section) -> Section:
    indicators = tuple(
        attrs.evolve(i, rule=CountAtLeast(_PERIODS[i.rule.per], partial=True))
        if isinstance(i.rule, Frequency)
        else i
        for i in section.indicators
    )
    return attrs.evolve(
        section,
        sections=tuple(_counting(s) for s in section.sections),
        indicators=indicators,
    )


def bench_rubric() -> Rubric:
    """The example rubric, frequencies counted as met sub-periods."""
    rubric = example_rubric()
    return attrs.evolve(rubric, sections=tuple(_counting(s) for s in rubric.sections))


def _column(  # noqa: PLR0911 - one return per rule
    rule: object, top: Fraction, rows: int, rng: np.random.Generator
) -> np.ndarray:
    good = np.clip(rng.normal(0.8, 0.12, rows), 0, 1)
    if isinstance(rule, PassFail):
        return (rng.random(rows) < good + 0.1).astype(np.float64)
    if isinstance(rule, DirectScore):
        return np.round(good * float(top) * 10) / 10
    if isinstance(rule, RatioToTarget):
        return (
            np.round(np.minimum(100, float(rule.target) * (0.5 + good * 0.6)) * 10) / 10
        )
    if isinstance(rule, Tiers):
        return np.round(good * 10)
    if isinstance(rule, DeductionPerOccurrence):
        return np.round((1 - good) * 4)
    if isinstance(rule, PointsPerOccurrence):
        return np.round(good * float(top / rule.per) * 1.1)
    assert isinstance(rule, CountAtLeast)  # noqa: S101 - the bench rubric has no others
    return np.round(good * rule.required * 1.1)


def bench_table(rubric: Rubric, rows: int, seed: int = 7) -> BulkTable:
    """Generated rows for *rubric*, filled column by column (no big temporaries)."""
    rng = np.random.default_rng(seed)
    layout = BulkLayout.of(rubric)
    values = np.empty((rows, len(layout.indicators)))
    for j, indicator in enumerate(rubric.indicators()):
        values[:, j] = _column(indicator.rule, indicator.max_points, rows, rng)
    bonus = np.where(
        rng.random((rows, len(layout.bonus))) < 0.1,
        rng.integers(1, 3, (rows, len(layout.bonus))),
        np.nan,
    )
    deductions = (rng.random((rows, len(layout.deductions))) < 0.05).astype(np.float64)
    vetoes = (rng.random((rows, len(layout.vetoes))) < 0.012).astype(np.float64)
    return BulkTable.from_arrays(
        values,
        bonus=bonus,
        deductions=deductions,
        vetoes=vetoes,
        series=rng.integers(0, 3, rows),
        layout=layout,
    )


def _best_of(
    contenders: dict[str, Callable[[], object]], repeat: int
) -> dict[str, float]:
    """Best time of each contender, the runs interleaved so that all see the same load."""
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(repeat):
        for name, function in contenders.items():
            started = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def _ranks_in_series(order: np.ndarray, series: np.ndarray) -> np.ndarray:
    """Ranks from *order*, which sorts the units by series, then best first."""
    sorted_series = series[order]
    starts = np.flatnonzero(np.r_[True, sorted_series[1:] != sorted_series[:-1]])
    counts = np.diff(np.r_[starts, len(order)])
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order)) - np.repeat(starts, counts) + 1
    return ranks


def bare_numpy(
    values: np.ndarray, weights: np.ndarray, series: np.ndarray
) -> np.ndarray:
    """Score by ``X @ w``, rank within series by one argsort: the floor.

    The sort key packs the series and the score into one float (scores lie
    in ``[0, 1000)``), the fastest argsort-based ranking we found (a lexsort
    of the two keys takes about three times as long).
    """
    scores = values @ weights
    return _ranks_in_series(np.argsort(series * 1000.0 - scores), series)


def bare_numpy_lexsort(
    values: np.ndarray, weights: np.ndarray, series: np.ndarray
) -> np.ndarray:
    """The same, ranking with a two-key lexsort (series, then score)."""
    scores = values @ weights
    return _ranks_in_series(np.lexsort((-scores, series)), series)


def skcriteria_wsm(values: np.ndarray, weights: np.ndarray) -> object:
    """scikit-criteria 0.10: decision matrix, then its weighted-sum model."""
    import skcriteria as skc  # noqa: PLC0415 - the bench group only
    from skcriteria.agg.simple import WeightedSumModel  # noqa: PLC0415

    matrix = skc.mkdm(values, [max] * values.shape[1], weights=weights)
    return WeightedSumModel().evaluate(matrix)


def _ratio(seconds: dict[str, float | None], top: str, bottom: str) -> float | None:
    above, below = seconds[top], seconds[bottom]
    return None if above is None or below is None else round(above / below, 2)


def compare(rows: int, repeat: int) -> dict[str, object]:
    """Time the four ways of scoring the same *rows* × 65 matrix."""
    rubric = bench_rubric()
    table = bench_table(rubric, rows)
    points = np.asarray(
        [float(rubric.points_of(i.id) / i.max_points) for i in rubric.indicators()]
    )
    policy = GradingPolicy.standard()
    cores = os.cpu_count() or 1
    contenders: dict[str, Callable[[], object]] = {
        "bare_numpy": lambda: bare_numpy(table.values, points, table.series),
        "bare_numpy_lexsort": lambda: bare_numpy_lexsort(
            table.values, points, table.series
        ),
        # The defaults, as a user calls it: what the default costs is measured.
        "pipeline": lambda: score_bulk(rubric, table, grading=policy),
        "pipeline_numpy": lambda: score_bulk(
            rubric, table, grading=policy, engine="numpy"
        ),
        "pipeline_threads": lambda: score_bulk(
            rubric, table, grading=policy, threads=cores
        ),
        "pipeline_with_attainment": lambda: score_bulk(
            rubric, table, grading=policy, keep_attainment=True
        ),
    }
    try:
        import skcriteria  # noqa: F401, PLC0415 - the bench group only

        contenders["skcriteria"] = lambda: skcriteria_wsm(table.values, points)
    except ImportError:
        pass
    seconds: dict[str, float | None] = {"skcriteria": None}
    if fused_available():  # load (or compile) both fused kernels before timing
        for keep in (False, True):
            score_bulk(
                rubric, bench_table(rubric, 4), keep_attainment=keep, engine="numba"
            )
    seconds.update(_best_of(contenders, repeat))
    out: dict[str, object] = {
        "rows": rows,
        "indicators": table.values.shape[1],
        "seconds": {k: None if v is None else round(v, 4) for k, v in seconds.items()},
        "engine": "numba" if fused_available() else "numpy",
        "pipeline_over_bare_numpy": _ratio(seconds, "pipeline", "bare_numpy"),
        "pipeline_numpy_over_bare_numpy": _ratio(
            seconds, "pipeline_numpy", "bare_numpy"
        ),
        "pipeline_over_bare_numpy_lexsort": _ratio(
            seconds, "pipeline", "bare_numpy_lexsort"
        ),
        "pipeline_threads_over_bare_numpy": _ratio(
            seconds, "pipeline_threads", "bare_numpy"
        ),
        "threads": cores,
        "pipeline_with_attainment_over_bare_numpy": _ratio(
            seconds, "pipeline_with_attainment", "bare_numpy"
        ),
        "skcriteria_over_pipeline": _ratio(seconds, "skcriteria", "pipeline"),
        "skcriteria_over_pipeline_numpy": _ratio(
            seconds, "skcriteria", "pipeline_numpy"
        ),
    }
    return out


def waived_table(table: BulkTable, share: float = 0.05, seed: int = 11) -> BulkTable:
    """*table* with about *share* of its indicator cells marked 合理缺项.

    As in real seasons, the marks follow a few patterns (16, of two to five
    indicators among twelve, one per row for 80% of rows), not a scatter.
    """
    rng = np.random.default_rng(seed)
    rows, columns = table.values.shape
    candidates = rng.choice(columns, 12, replace=False)
    patterns = [
        rng.choice(candidates, rng.integers(2, 6), replace=False) for _ in range(16)
    ]
    mean = sum(len(p) for p in patterns) / len(patterns)
    marked_rows = min(share * columns / mean, 1.0)
    mask = np.zeros((rows, columns), dtype=bool)
    chosen = rng.integers(0, len(patterns), rows)
    chosen[rng.random(rows) >= marked_rows] = -1
    for j, pattern in enumerate(patterns):
        mask[np.ix_(np.flatnonzero(chosen == j), pattern)] = True
    values = np.where(mask, np.nan, table.values)
    return attrs.evolve(table, values=values, not_applicable=mask)


def waivers(rows: int, repeat: int) -> dict[str, object]:
    """A season with 合理缺项 against the same season without (pro-rata, full marks)."""
    rubric = bench_rubric()
    table = bench_table(rubric, rows)
    marked = waived_table(table)
    policy = GradingPolicy.standard()
    full = attrs.evolve(rubric, not_applicable=NotApplicablePolicy("full_marks"))
    contenders: dict[str, Callable[[], object]] = {
        "plain": lambda: score_bulk(
            rubric, table, grading=policy, keep_attainment=False
        ),
        "pro_rata": lambda: score_bulk(
            rubric, marked, grading=policy, keep_attainment=False
        ),
        "full_marks": lambda: score_bulk(
            full, marked, grading=policy, keep_attainment=False
        ),
    }
    seconds = _best_of(contenders, repeat)
    assert marked.not_applicable is not None  # noqa: S101 - set above
    return {
        "rows": rows,
        "waived_cells_share": round(float(marked.not_applicable.mean()), 4),
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "pro_rata_over_plain": _ratio(dict(seconds), "pro_rata", "plain"),
        "full_marks_over_plain": _ratio(dict(seconds), "full_marks", "plain"),
    }


def national(rows: int, chunk: int) -> dict[str, object]:
    """Score *rows* in chunks of *chunk*; peak RSS against the input matrix size."""
    rubric = bench_rubric()
    table = bench_table(rubric, rows)
    after_input = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    result = score_bulk_chunks(
        rubric, table.chunks(chunk), grading=GradingPolicy.standard()
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    input_bytes = (
        table.values.nbytes
        + table.bonus.nbytes
        + table.deductions.nbytes
        + table.vetoes.nbytes
    )
    return {
        "rows": rows,
        "indicators": table.values.shape[1],
        "chunk_rows": chunk,
        "seconds": round(seconds, 2),
        "input_gib": round(table.values.nbytes / 2**30, 2),
        "all_columns_gib": round(input_bytes / 2**30, 2),
        "peak_rss_gib": round(peak / 2**30, 2),
        "peak_rss_after_input_gib": round(after_input / 2**30, 2),
        "peak_over_input_matrix": round(peak / table.values.nbytes, 2),
        "units_ranked": len(result),
    }


def main(*, quick: bool = False, repeat: int = 3) -> dict[str, object]:
    """Both benchmarks; the national one in a fresh process for a clean peak."""
    rows = 20_000 if quick else 1_000_000
    national_rows = 200_000 if quick else 5_000_000
    figures = compare(rows, repeat)
    waived = waivers(rows, repeat)
    process = subprocess.run(  # noqa: S603 - this very script, by its path
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--national",
            str(national_rows),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures["blas_threads"] = os.environ.get("OPENBLAS_NUM_THREADS")
    return {
        "bulk": figures,
        "waivers": waived,
        "national": json.loads(process.stdout),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--national", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--chunk", type=int, default=250_000, help="rows per chunk")
    args = parser.parse_args()
    if args.national:
        print(json.dumps(national(args.national, args.chunk)))
    else:
        result = main(quick=args.quick, repeat=args.repeat)
        print(
            json.dumps({"machine": machine(), **result}, ensure_ascii=False, indent=2)
        )
