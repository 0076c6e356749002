"""A long fuzz run of the CLI and the spreadsheet reader (not collected by pytest).

Runs every check of ``tests/test_fuzz_cli.py`` with many more examples and a
random seed, and prints how many inputs were tried and how many failed::

    nice -n 10 python tests/fuzz_long.py --examples 2000
    nice -n 10 python tests/fuzz_long.py --minutes 8

A failure prints hypothesis's minimal example and its ``@reproduce_failure``
blob; the run then goes on with the next check.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

#: The checks of tests/test_fuzz_cli.py, by name; the slow ones run a fifth as often.
CHECKS = (
    "test_validate_arbitrary_bytes",
    "test_validate_mutated_documents",
    "test_validate_broken_documents",
    "test_score_arbitrary_inputs",
    "test_rank_and_report_arbitrary_results",
    "test_rank_and_report_results_documents",
    "test_read_evaluations_arbitrary_csv",
    "test_read_evaluations_mutated_xlsx",
)
SLOW = (
    "test_score_arbitrary_inputs",
    "test_rank_and_report_results_documents",
    "test_read_evaluations_mutated_xlsx",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="per check and round")
    parser.add_argument(
        "--minutes", type=float, default=0, help="repeat rounds until then"
    )
    args = parser.parse_args()
    # Imported here, so that pytest's doctest collection of this file runs nothing.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import test_fuzz_cli as fuzz

    deadline = time.monotonic() + args.minutes * 60
    failures: list[str] = []
    rounds = 0
    while True:
        rounds += 1
        for name in CHECKS:
            test = getattr(fuzz, name)
            before = fuzz.COUNTER["inputs"]
            slow = name in SLOW
            # Replace the CI settings the test was decorated with.
            test._hypothesis_internal_use_settings = settings(  # type: ignore[attr-defined]
                max_examples=args.examples // 5 if slow else args.examples,
                derandomize=False,
                database=None,
                deadline=None,
                phases=[Phase.generate, Phase.target, Phase.shrink, Phase.explain],
                suppress_health_check=list(HealthCheck),
            )
            try:
                test()
            except Exception:  # noqa: BLE001 - report and go on
                failures.append(test.__name__)
                traceback.print_exc()
            tried = fuzz.COUNTER["inputs"] - before
            sys.stdout.write(f"round {rounds}: {test.__name__}: {tried} inputs\n")
            sys.stdout.flush()
        if time.monotonic() >= deadline:
            break
    sys.stdout.write(
        f"total: {fuzz.COUNTER['inputs']} inputs, {len(failures)} failing checks: "
        f"{failures}\n"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
