"""Every benchmark of pbcheck, one JSON document: ``python benchmarks/run.py``.

    python benchmarks/run.py            # full sizes (about ten minutes, most of it the exact path at 100k units)
    python benchmarks/run.py --quick    # small sizes, seconds

Runs ``bulk.py`` (bulk path vs bare NumPy and scikit-criteria, national-scale
chunked memory), ``exact_path.py`` (exact path linearity) and, if present,
``whatif.py``'s ``main() -> dict``, and prints their figures with the machine
described.  These are scripts, not tests: nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def machine() -> dict[str, object]:
    """CPU model, cores, RAM, load, and the Python / NumPy / Numba versions of this run."""
    try:
        import numpy as np  # noqa: PLC0415 - optional for the exact-path benchmark

        numpy_version = np.__version__
    except ImportError:
        numpy_version = None
    try:
        import numba  # noqa: PLC0415 - the jit extra, optional

        numba_version = numba.__version__
    except ImportError:
        numba_version = None
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": numpy_version,
        "numba": numba_version,
    }


def main(*, quick: bool = False) -> dict[str, object]:
    """Run each benchmark module's ``main`` and merge what they return."""
    sys.path.insert(0, str(HERE))
    result: dict[str, object] = {"machine": machine(), "quick": quick}
    for name in ("bulk", "exact_path", "whatif", "cli_example"):
        if not (HERE / f"{name}.py").exists():
            continue
        module = importlib.import_module(name)
        takes_quick = "quick" in inspect.signature(module.main).parameters
        figures = dict(module.main(quick=quick) if takes_quick else module.main())
        figures.pop("machine", None)  # described once, above
        if name == "whatif":  # written separately: keep its keys apart
            result["whatif"] = figures
        else:
            result.update(figures)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    args = parser.parse_args()
    print(json.dumps(main(quick=args.quick), ensure_ascii=False, indent=2))
