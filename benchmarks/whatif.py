"""What-if simulation against a bare-NumPy baseline.

    python benchmarks/whatif.py           # 1,000 samples × 100,000 units × 65 indicators
    python benchmarks/whatif.py --quick   # 100 samples × 10,000 units

``simulate_with_ranks`` adds each unit's rank spread (a sort of every
series in every sample, and quartiles over the samples); the baselines do
not rank, so it is reported, not compared.

Prints one JSON document; ``main()`` returns it as a dict (``benchmarks/run.py``
calls it).  The workload: the bundled example rubric (70/30, 65 indicators),
random indicator attainments for N units in three series, bonus and
deductions, 1% vetoed; weights drawn by ``Jitter(10)``; the default outcome
policy (top 20% of each series commended, the last of each at the bottom).

Two baselines do the same products and per-series top-k selections in bare
NumPy, without ties, tolerance, validation or rank statistics:

* ``baseline_indicators`` — totals as ``A (N × 65) @ (L @ W)`` per chunk,
  the last unit of each series by ``argmax``, the top 20% of the eligible
  units by ``np.partition`` (the k-th best total as the cut-off);
* ``baseline_sections`` — the 65 columns folded into the two top-level
  sections once, as ``pbcheck.whatif.simulation.simulate`` does, then ``W @ P``.

The target is ``simulate`` (without rank statistics) within 2× the faster
baseline.  Each timing is the best of several runs.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import pbcheck
from pbcheck.examples import example_rubric
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.whatif.simulation import Attainments, Jitter, SimulationResult, simulate

T = TypeVar("T")
SERIES = ("政府工作部门", "党群部门", "垂直管理部门")


def machine() -> dict[str, Any]:
    """CPU, cores, memory and versions of the machine running the benchmark."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = round(
            os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
        )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": memory,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pbcheck": pbcheck.__version__,
    }


def workload(units: int, seed: int = 1) -> tuple[Rubric, Attainments]:
    """The example rubric and random indicator attainments for *units* units."""
    rubric = example_rubric()
    rng = np.random.default_rng(seed)
    ids = [i.id for i in rubric.indicators()]
    series = [SERIES[n % 3] for n in range(units)]
    table = Attainments(
        unit_ids=[f"U{n:07d}" for n in range(units)],
        series=sorted(series, key=SERIES.index),
        matrix=rng.beta(6, 2, (units, len(ids))),
        adjustment=rng.integers(0, 5, units) - rng.integers(0, 3, units),
        columns=ids,
        disqualified=rng.random(units) < 0.01,
    )
    return rubric, table


def baseline(
    rubric: Rubric, table: Attainments, shares: np.ndarray, *, fold: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Commended and bottom counts per unit, in bare NumPy (no ties handled)."""
    n = len(table)
    points = float(rubric.total_points)
    loadings = table.loadings(rubric)
    folded = table.matrix @ loadings if fold else None
    disq = table.disqualified
    assert disq is not None  # noqa: S101 - the workload vetoes some units
    names = list(dict.fromkeys(table.series))
    codes = np.array([names.index(s) for s in table.series])
    bounds = np.searchsorted(codes, np.arange(len(names) + 1))
    commended = np.zeros(n, dtype=np.int64)
    bottom = np.zeros(n, dtype=np.int64)
    step = max(1, (1 << 20) // n)
    for first in range(0, len(shares), step):
        chunk = shares[first : first + step]
        if folded is not None:
            totals = chunk @ folded.T
        else:
            totals = (table.matrix @ (loadings @ chunk.T)).T
        totals *= points
        totals += table.adjustment
        np.clip(totals, float(rubric.floor), float(rubric.max_total), out=totals)
        rows = np.arange(len(chunk))[:, None]
        for start, stop in itertools.pairwise(bounds.tolist()):
            t = totals[:, start:stop]
            d = disq[start:stop]
            worst = np.argmax(np.where(d, np.inf, -t), axis=1)
            low = np.zeros(t.shape, dtype=bool)
            low[rows[:, 0], worst] = True
            low |= d
            limit = (stop - start) // 5
            masked = np.where(low | d, -np.inf, t)
            kth = -np.partition(-masked, limit - 1, axis=1)[:, limit - 1]
            commended[start:stop] += (masked >= kth[:, None]).sum(axis=0)
            bottom[start:stop] += low.sum(axis=0)
    return commended, bottom


def _best(
    runs: dict[str, Callable[[], object]], repeat: int
) -> tuple[dict[str, float], dict[str, object]]:
    """The best time of each run; the runs take turns, so load hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    values: dict[str, object] = {}
    for _ in range(repeat):
        for name, function in runs.items():
            began = time.perf_counter()
            values[name] = function()
            times[name].append(time.perf_counter() - began)
    return {name: min(spent) for name, spent in times.items()}, values


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the benchmark (``--quick`` for a small one) and return its figures."""
    args = sys.argv[1:] if argv is None else argv
    quick = "--quick" in args
    samples, units, repeat = (100, 10_000, 3) if quick else (1000, 100_000, 3)
    rubric, table = workload(units)
    policy = OutcomePolicy()
    rng = np.random.default_rng(2025)
    shares = Jitter(10).draw(rubric, samples, rng)

    def ours(ranks: bool) -> SimulationResult:
        return simulate(
            rubric,
            table,
            Jitter(10),
            samples=samples,
            policy=policy,
            seed=2025,
            ranks=ranks,
        )

    seconds, values = _best(
        {
            "simulate": lambda: ours(False),
            "baseline_indicators": lambda: baseline(rubric, table, shares, fold=False),
            "baseline_sections": lambda: baseline(rubric, table, shares, fold=True),
        },
        repeat,
    )
    extra, _ = _best({"simulate_with_ranks": lambda: ours(True)}, 1)
    seconds.update(extra)
    result = values["simulate"]
    counts = values["baseline_indicators"]
    assert isinstance(result, SimulationResult)  # noqa: S101
    assert isinstance(counts, tuple)  # noqa: S101
    commended, bottom = counts
    agree = bool(
        np.array_equal(np.rint(result.commended * samples), commended)
        and np.array_equal(np.rint(result.bottom * samples), bottom)
    )
    fastest = min(seconds["baseline_indicators"], seconds["baseline_sections"])
    return {
        "benchmark": "whatif",
        "quick": quick,
        "workload": {
            "samples": samples,
            "units": units,
            "indicators": table.matrix.shape[1],
            "series": len(SERIES),
            "distribution": "Jitter(points=10)",
        },
        "machine": machine(),
        "seconds": {k: round(v, 4) for k, v in seconds.items()},
        "ratio_to_fastest_baseline": round(seconds["simulate"] / fastest, 3),
        "target_ratio": 2.0,
        "within_target": seconds["simulate"] <= 2 * fastest,
        "counts_agree_with_baseline": agree,
    }


if __name__ == "__main__":
    print(json.dumps(main(), ensure_ascii=False, indent=2))
