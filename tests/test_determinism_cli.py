"""Determinism: the whole CLI pipeline gives byte-identical files whatever the environment.

Two runs in fresh processes — different hash seeds, different locales, and
the second with every evaluations file's units in reversed order — must
write the same results documents, rank CSV, HTML, Excel, Markdown, CSV
tables and 通报 draft, byte for byte.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pbcheck.io.interchange import dump, load

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"

# One process per run: score both seasons, rank, report (with charts).
PIPELINE = r"""
import contextlib, io, sys
from pathlib import Path
from pbcheck.cli import main

folder, evaluations_2024, evaluations_2025, examples = map(Path, sys.argv[1:])
for year, evaluations in ((2024, evaluations_2024), (2025, evaluations_2025)):
    code = main([
        "score",
        "--rubric", str(examples / "rubric.toml"),
        "--tree", str(examples / "org-tree.toml"),
        "--cycle", str(examples / f"cycle-{year}.toml"),
        "--evaluations", str(evaluations),
        "-o", str(folder / f"results-{year}.json"),
    ])
    assert code == 0, year
ranked = io.StringIO()
with contextlib.redirect_stdout(ranked):
    code = main([
        "rank", str(folder / "results-2025.json"),
        "--previous", str(folder / "results-2024.json"), "--format", "csv",
    ])
assert code == 0
(folder / "rank.csv").write_bytes(ranked.getvalue().encode("utf-8"))
code = main([
    "report", str(folder / "results-2025.json"),
    "--previous", str(folder / "results-2024.json"), "-o", str(folder / "report"),
])
assert code == 0
"""


def start(
    folder: Path, env: dict[str, str], evaluations: tuple[Path, Path]
) -> subprocess.Popen[bytes]:
    folder.mkdir()
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))
    }
    environment.update(env)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            PIPELINE,
            str(folder),
            *map(str, evaluations),
            str(EXAMPLES),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )


def outputs(folder: Path, process: subprocess.Popen[bytes]) -> dict[str, bytes]:
    _, stderr = process.communicate()
    assert process.returncode == 0, stderr.decode("utf-8", "replace")
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_pipeline_is_byte_identical_across_seeds_locales_and_input_order(
    tmp_path: Path,
) -> None:
    given = (EXAMPLES / "evaluations-2024.json", EXAMPLES / "evaluations-2025.json")
    reversed_files = []
    for source in given:
        evaluations = load(source, "evaluations")
        assert isinstance(evaluations, tuple)
        assert len(evaluations) > 1
        reversed_files.append(
            dump(evaluations[::-1], tmp_path / f"reversed-{source.name}")
        )
    # Both runs at once: they share nothing but the example files they read.
    one = start(tmp_path / "a", {"PYTHONHASHSEED": "0", "LC_ALL": "C"}, given)
    two = start(
        tmp_path / "b",
        {"PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8"},
        (reversed_files[0], reversed_files[1]),
    )
    first, second = outputs(tmp_path / "a", one), outputs(tmp_path / "b", two)
    names = set(first)
    assert {
        "results-2024.json",
        "results-2025.json",
        "rank.csv",
        "report/report.html",
        "report/report.xlsx",
        "report/report.md",
        "report/report-units.csv",
        "report/report-通报草稿.txt",
    } <= names
    assert set(second) == names
    different = [name for name in sorted(names) if first[name] != second[name]]
    assert different == []
    assert b"<svg" in first["report/report.html"]  # the charts were drawn
