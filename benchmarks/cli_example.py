"""The bundled example end to end through the CLI: ``pbcheck score`` on 90 units.

    python benchmarks/cli_example.py            # best of 5 runs of each
    python benchmarks/cli_example.py --repeat 9

Times, in fresh processes (what a user waits for), ``pbcheck score`` on
``examples/jiangcheng`` for the 2025 cycle, reading the TOML rubric, tree and
cycle and the JSON evaluations and writing the results JSON; and, in this
process, the stages of the same work (importing pbcheck, loading the four
files, ``Results.compute``, ``dump``; the garbage collector off, as in the
command), to show where the time goes.  Prints JSON with the machine
described.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE.parent / "examples" / "jiangcheng"
sys.path.insert(0, str(HERE))

from run import machine  # noqa: E402

# As the command runs: the cyclic collector off (see pbcheck.cli.command).
_STAGES = """
import gc
import time
gc.disable()
started = time.perf_counter()
from pbcheck.io.interchange import Results, dump, load
imported = time.perf_counter()
rubric = load({files!r} + "/rubric.toml", "rubric")
tree = load({files!r} + "/org-tree.toml", "org_tree")
cycle = load({files!r} + "/cycle-2025.toml", "cycle")
evaluations = load({files!r} + "/evaluations-2025.json", "evaluations")
loaded = time.perf_counter()
results = Results.compute(rubric, tree, cycle, evaluations)
computed = time.perf_counter()
dump(results, {out!r})
dumped = time.perf_counter()
print(imported - started, loaded - imported, computed - loaded, dumped - computed)
"""


def _command(out: Path) -> list[str]:
    return [
        sys.executable, "-m", "pbcheck", "score",
        "--rubric", str(FILES / "rubric.toml"),
        "--tree", str(FILES / "org-tree.toml"),
        "--cycle", str(FILES / "cycle-2025.toml"),
        "--evaluations", str(FILES / "evaluations-2025.json"),
        "-o", str(out),
    ]  # fmt: skip


def main(*, repeat: int = 5) -> dict[str, object]:
    """Best of *repeat* fresh-process runs: the whole command, and its stages."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "results.json"
        whole = float("inf")
        stages = [float("inf")] * 4
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(_command(out), check=True, capture_output=True)  # noqa: S603 - our own CLI
            whole = min(whole, time.perf_counter() - started)
            script = _STAGES.format(files=str(FILES), out=str(out))
            printed = subprocess.run(  # noqa: S603 - this interpreter, our script
                [sys.executable, "-c", script],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
            stages = [min(a, float(b)) for a, b in zip(stages, printed, strict=True)]
        units = len(json.loads(out.read_text(encoding="utf-8"))["scorecards"])
    names = ("import", "load", "compute", "dump")
    return {
        "cli_example": {
            "units": units,
            "command": "pbcheck score (examples/jiangcheng, 2025)",
            "seconds": round(whole, 3),
            "stages_seconds": {
                n: round(s, 3) for n, s in zip(names, stages, strict=True)
            },
        }
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="best of this many runs")
    args = parser.parse_args()
    print(
        json.dumps(
            {"machine": machine(), **main(repeat=args.repeat)},
            ensure_ascii=False,
            indent=2,
        )
    )
