"""Set up a private virtual environment and run pbcheck's everyday jobs.

Usage (from the project root, with any Python >= 3.11)::

    python3 tasks.py demo   # score the bundled example files; print and report them
    python3 tasks.py test   # lint, type-check, check import layers, run every test, build the docs
    python3 tasks.py bench  # benchmarks (not part of CI)

The first run creates ``.venv`` and installs pbcheck with what the job needs,
taken from ``pyproject.toml`` only.  Later runs reuse it and reinstall only when
``pyproject.toml`` has changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _group(name: str, groups: dict[str, list[object]]) -> list[str]:
    """Expand a PEP 735 dependency group, following ``include-group`` entries."""
    requirements: list[str] = []
    for entry in groups[name]:
        if isinstance(entry, dict):
            requirements += _group(entry["include-group"], groups)
        else:
            requirements.append(str(entry))
    return requirements


def _ensure_venv(groups: tuple[str, ...], extras: str) -> None:
    pyproject = (ROOT / "pyproject.toml").read_bytes()
    wanted = hashlib.sha256(pyproject + repr((groups, extras)).encode()).hexdigest()
    stamp = VENV / f".pbcheck-{'-'.join(groups) or 'base'}.stamp"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"creating {VENV.relative_to(ROOT)} ...", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    all_groups = tomllib.loads(pyproject.decode())["dependency-groups"]
    requirements = [r for g in groups for r in _group(g, all_groups)]
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True
    )
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "-e", f".{extras}", *requirements],
        check=True,
        cwd=ROOT,
    )
    stamp.write_text(wanted)


def _run(*args: str | Path) -> None:
    print("$", " ".join(str(a) for a in args), file=sys.stderr)
    subprocess.run(args, check=True, cwd=ROOT)


def demo() -> None:
    """Score the bundled example files (86 units, two cycles); print and report them.

    Runs the real command line on ``examples/jiangcheng/``: ``pbcheck score``
    for the 2024 and 2025 cycles, ``pbcheck rank`` for the 2025 tables (with
    escalations from 2024), and ``pbcheck report``, which writes the HTML
    report, the Excel workbook, Markdown, CSV and a draft circular to ``out/``.
    Then the 2025 season as an auditable ledger, end to end through
    ``pbcheck season`` on a fresh SQLite store in ``out/season/``
    (``examples/jiangcheng/season/demo.py``: every step printed as the command
    a user types, the refused late objection included).
    """
    _ensure_venv((), "[excel,plots,store,holidays-cn]")
    files, out = Path("examples") / "jiangcheng", Path("out")
    (ROOT / out).mkdir(exist_ok=True)
    for year in (2024, 2025):
        _run(
            PYTHON, "-m", "pbcheck", "score",
            "--rubric", files / "rubric.toml",
            "--tree", files / "org-tree.toml",
            "--cycle", files / f"cycle-{year}.toml",
            "--evaluations", files / f"evaluations-{year}.json",
            "-o", out / f"results-{year}.json",
        )  # fmt: skip
    seasons = (out / "results-2025.json", "--previous", out / "results-2024.json")
    _run(PYTHON, "-m", "pbcheck", "rank", *seasons)
    _run(PYTHON, "-m", "pbcheck", "report", *seasons, "-o", out)
    _run(PYTHON, files / "season" / "demo.py", out / "season")


#: Debian packages the browser test needs (tests/test_browser.py), and a file each installs.
_BROWSER_PACKAGES = {
    "chromium": ("/usr/bin/chromium",),
    "fonts-noto-cjk": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",),
}


def _browser_packages() -> None:
    """Install Chromium and the Noto CJK fonts from Debian when root and missing.

    Best effort and quiet: a no-op when they are there (one file check each),
    when not root or not on apt; if apt fails, one loud line, and the
    browser test then skips saying why.
    """
    missing = [
        name
        for name, files in _BROWSER_PACKAGES.items()
        if not any(Path(f).exists() for f in files)
    ]
    apt = "/usr/bin/apt-get"
    if not missing or os.name != "posix" or os.geteuid() != 0 or not Path(apt).exists():
        return
    print(f"installing {' '.join(missing)} for the browser test ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        for command in (
            [apt, "-qq", "update"],
            [apt, "-qq", "install", "-y", "--no-install-recommends", *missing],
        ):
            subprocess.run(
                command,
                check=True,
                env=env,
                timeout=1200,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    except (OSError, subprocess.SubprocessError) as exc:
        print(
            f"!!! COULD NOT INSTALL {' '.join(missing)} ({exc}): "
            "the browser test of the HTML report will be skipped !!!",
            file=sys.stderr,
        )


def test() -> None:
    """Everything CI checks: formatting, lint, types, import layers, tests, docs.

    As root on Debian, Chromium and fonts-noto-cjk are installed first when
    missing, for the test that prints the HTML report in a real browser.
    """
    _browser_packages()
    _ensure_venv(("dev",), "[all]")
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "mypy")
    # The architecture's contracts (pyproject.toml, [tool.importlinter]).
    _run(BIN / "lint-imports", "--no-cache")
    _run(PYTHON, "-m", "pytest", "-p", "no:cacheprovider")
    if (ROOT / "docs" / "conf.py").exists():
        _run(
            PYTHON, "-m", "sphinx", "-n", "-W", "--keep-going", "-q",
            "-b", "html", "docs", "docs/_build/html",
        )  # fmt: skip


def bench() -> None:
    """Run benchmarks/ and print their figures as JSON (minutes; not part of CI)."""
    _ensure_venv(("bench",), "[bulk,jit]")
    _run(PYTHON, "benchmarks/run.py")


JOBS = {"demo": demo, "test": test, "bench": bench}


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(JOBS)}}}")
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    try:
        JOBS[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
