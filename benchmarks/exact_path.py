"""Exact path linearity: time per record of ``score_all`` from 1k to 100k units.

Evaluations are generated the way ``pbcheck.examples`` generates its 90 units
(the same private generator, seeded), for the Nanping-shaped 65-standard
rubric with its frequency indicators, so every record kind is exercised:
observations from two or three raters, activities, incidents.

    python benchmarks/exact_path.py            # 1k, 10k, 100k units (about five minutes)
    python benchmarks/exact_path.py --quick    # 100 and 1k units (seconds)

Prints JSON: per size, generation and scoring seconds, records, seconds per
record and per unit, and the spread of seconds per record across sizes
(linear means a spread within ±30% of the smallest size's figure).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from datetime import date
from pathlib import Path

from pbcheck import score_all
from pbcheck.examples import _evaluation, example_cycle, example_rubric

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import machine

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (100, 1_000)


def measure(units: int, seed: int = 2025) -> dict[str, float]:
    """Generate *units* evaluations, then time scoring them all at once."""
    rubric, cycle = example_rubric(), example_cycle(2025)
    rng = random.Random(f"pbcheck-bench-{seed}")
    started = time.perf_counter()
    evaluations = [
        _evaluation(
            rubric, cycle, f"U{n:06d}", rng.uniform(0.5, 0.95), rng, date(2026, 5, 12)
        )
        for n in range(units)
    ]
    generated = time.perf_counter() - started
    records = sum(
        len(e.observations) + len(e.activities) + len(e.incidents) for e in evaluations
    )
    gc.collect()
    started = time.perf_counter()
    cards = score_all(rubric, evaluations, cycle=cycle)
    seconds = time.perf_counter() - started
    assert len(cards) == units  # noqa: S101 - a benchmark that scored nothing is void
    return {
        "units": units,
        "records": records,
        "generate_seconds": round(generated, 3),
        "score_seconds": round(seconds, 3),
        "microseconds_per_record": round(seconds / records * 1e6, 3),
        "milliseconds_per_unit": round(seconds / units * 1e3, 3),
    }


def main(
    *, quick: bool = False, sizes: tuple[int, ...] | None = None
) -> dict[str, object]:
    """Measure every size in turn; report the spread of time per record."""
    rows = []
    for units in sizes or (QUICK_SIZES if quick else SIZES):
        rows.append(measure(units))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    per_record = [r["microseconds_per_record"] for r in rows]
    first = per_record[0]
    spread = [round(v / first - 1, 3) for v in per_record]
    return {
        "exact_path": {
            "rubric": "pbcheck.examples (65 standards, frequencies, bonus, deductions, veto)",
            "sizes": rows,
            "per_record_change_vs_smallest": spread,
            "linear_within_30_percent": all(abs(s) <= 0.3 for s in spread),
        }
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1k units")
    parser.add_argument("--sizes", type=int, nargs="*", help="unit counts to run")
    args = parser.parse_args()
    result = main(quick=args.quick, sizes=tuple(args.sizes) if args.sizes else None)
    print(json.dumps({"machine": machine(), **result}, ensure_ascii=False, indent=2))
