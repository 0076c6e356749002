"""Time and peak memory on hostile files: workbooks with hostile parts, endless devices.

    python benchmarks/hostile.py                       # this tree
    python benchmarks/hostile.py --source OLD/src      # another tree (e.g. a
                                                       # `git archive` of an older commit)
    python benchmarks/hostile.py --quick               # smaller workbooks

Each case runs in a fresh process with its address space capped (4 GiB by
default, ``--cap-gib``), so that a reader that would read ``/dev/zero`` whole
fails with ``MemoryError`` instead of taking the machine down; a case that runs
past ``--timeout`` seconds is stopped and reported as such.  Figures per case:
``seconds`` (the read alone, after imports), ``rss_before_mib`` and
``peak_rss_mib`` (the process's peak resident memory once pbcheck is imported,
and at the end), and ``outcome`` (the error's last line, or the rows read).

Cases:

* ``xlsx_shared_strings``: a valid two-row sheet whose shared strings part
  holds 10 million empty strings (about 250 KB compressed);
* ``xlsx_styles``: the same with a styles part of 1 million cell formats;
* ``xlsx_far_cell``: two rows and one formatted empty cell at XFD1048576,
  with the recorded used range ``A1:XFD1048576``;
* ``xlsx_formulas``: 20,000 rows whose scores are formulas with cached values
  (one opening of the workbook, or two);
* ``csv_dev_zero``: ``read_evaluations("/dev/zero", file_format="csv")``;
* ``document_dev_zero``: ``pbcheck.io.interchange.load`` of ``zero.json``, a
  symbolic link to ``/dev/zero``; ``read_document_dev_zero``: the bounded
  reader ``load`` is to use, on the same link.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import machine  # noqa: E402

from pbcheck.testing import raw_xlsx  # noqa: E402

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("单位编码", "指标编码", "评分来源", "评分人", "得分")
ROW = ("ZF01", "P1.3.3", "考评组", "甲")


def _text(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _sheet(rows: int, score: str, tail: str = "", dimension: str = "") -> bytes:
    header = "".join(_text(f"{c}1", h) for c, h in zip("ABCDE", HEADER, strict=True))
    body = []
    for number in range(2, rows + 2):
        rater = f"甲{number}"
        cells = "".join(
            _text(f"{c}{number}", v)
            for c, v in zip("ABCD", (*ROW[:3], rater), strict=True)
        )
        body.append(f'<row r="{number}">{cells}{score.format(n=number)}</row>')
    dimension = dimension or f"A1:E{rows + 1}"
    return (
        f'<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/><sheetData>'
        f'<row r="1">{header}</row>{"".join(body)}{tail}</sheetData></worksheet>'
    ).encode()


def build(folder: Path, *, quick: bool) -> dict[str, dict[str, object]]:
    """Write the hostile files into *folder*; each case's reading call."""
    strings = 1_000_000 if quick else 10_000_000
    styles = 100_000 if quick else 1_000_000
    formulas = 2_000 if quick else 20_000
    plain = '<c r="E{n}"><v>2</v></c>'
    files = {
        "xlsx_shared_strings": raw_xlsx(
            _sheet(1, plain),
            shared=f'<sst xmlns="{_MAIN}">'.encode()
            + b"<si><t/></si>" * strings
            + b"</sst>",
        ),
        "xlsx_styles": raw_xlsx(
            _sheet(1, plain),
            styles=f'<styleSheet xmlns="{_MAIN}"><cellXfs>'.encode()
            + b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>' * styles
            + b"</cellXfs></styleSheet>",
        ),
        "xlsx_far_cell": raw_xlsx(
            _sheet(
                1,
                plain,
                tail='<row r="1048576"><c r="XFD1048576" s="0"/></row>',
                dimension="A1:XFD1048576",
            )
        ),
        "xlsx_formulas": raw_xlsx(
            _sheet(formulas, '<c r="E{n}"><f>1+1</f><v>2</v></c>')
        ),
    }
    cases: dict[str, dict[str, object]] = {}
    for name, data in files.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        cases[name] = {
            "kind": "sheet",
            "path": str(path),
            "format": "xlsx",
            "bytes": len(data),
        }
    if Path("/dev/zero").exists():
        cases["csv_dev_zero"] = {"kind": "sheet", "path": "/dev/zero", "format": "csv"}
        link = folder / "zero.json"
        link.symlink_to("/dev/zero")
        cases["document_dev_zero"] = {"kind": "document", "path": str(link)}
        cases["read_document_dev_zero"] = {"kind": "read_document", "path": str(link)}
    return cases


_CHILD = r"""
import json, resource, sys, time
cap, case = int(sys.argv[1]), json.loads(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pbcheck.errors import PbcheckError
from pbcheck.examples import example_rubric
from pbcheck.io.interchange import load
from pbcheck.io.spreadsheets import read_evaluations
rubric = example_rubric()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    if case["kind"] == "sheet":
        result = read_evaluations(case["path"], rubric, file_format=case["format"])
        outcome = f"read {result.rows_read} rows"
    elif case["kind"] == "read_document":
        from pbcheck.io.interchange import Limits
        from pbcheck.io.interchange._parse import read_document
        read_document(case["path"], Limits())
        outcome = "read"
    else:
        load(case["path"])
        outcome = "read"
except PbcheckError as exc:
    outcome = str(exc).splitlines()[-1].strip()
except MemoryError:
    outcome = "MemoryError"
except ImportError as exc:
    outcome = f"not in this tree: {exc}"
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": round(seconds, 3),
                  "rss_before_mib": round(before / 1024, 1),
                  "peak_rss_mib": round(peak / 1024, 1),
                  "outcome": outcome[:200]}, ensure_ascii=False))
"""


def measure(
    case: dict[str, object], *, source: str | None, cap_gib: float, timeout: float
) -> dict[str, object]:
    """One case in a fresh, capped process."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source + os.pathsep + env.get("PYTHONPATH", "")
    argv = [sys.executable, "-c", _CHILD, str(int(cap_gib * 2**30)), json.dumps(case)]
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            argv, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"outcome": f"stopped after {timeout:g} s", "seconds": None}
    if done.returncode != 0 or not done.stdout.strip():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "outcome": f"crashed: {tail[:200]}",
            "seconds": round(time.perf_counter() - started, 3),
        }
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(
    *,
    quick: bool = False,
    source: str | None = None,
    cap_gib: float = 4.0,
    timeout: float = 600.0,
) -> dict[str, object]:
    """Every case, measured; the tree measured is this one unless *source* says."""
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, case in build(Path(folder), quick=quick).items():
            figures = measure(case, source=source, cap_gib=cap_gib, timeout=timeout)
            if "bytes" in case:
                figures["file_bytes"] = case["bytes"]
            results[name] = figures
    return {"hostile": results, "hostile_source": source or "this tree"}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller workbooks")
    parser.add_argument("--source", help="the src folder of another tree to measure")
    parser.add_argument("--cap-gib", type=float, default=4.0, help="address-space cap")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per case")
    args = parser.parse_args()
    figures = main(
        quick=args.quick, source=args.source, cap_gib=args.cap_gib, timeout=args.timeout
    )
    print(json.dumps({"machine": machine(), **figures}, ensure_ascii=False, indent=2))
