"""Outputs are whole or untouched: report sets, signals, umask, names, locale (issue 17).

Each test here failed before reports were staged and swapped in as one set:
a SIGTERM or a second run part-way through left old and new files mixed
(and ``.bak`` files about), Ctrl-C printed a traceback, new files ignored the
umask, ``--stem`` wrote outside the output folder, long names failed on the
temporary name, ``score -o`` overwrote its own input and ``rank --format
csv`` under ``LC_ALL=C`` turned every 汉字 into ``?``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pbcheck._files import write_atomic
from pbcheck.cli import main
from pbcheck.errors import InvalidValueError
from pbcheck.examples.small import small_report
from pbcheck.report import _write, write_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "jiangcheng"
FORMATS = ("md", "csv", "circular")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every entry of *folder*, hidden ones included, with its content."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} | {
        p.name: b"<dir>" for p in folder.iterdir() if p.is_dir()
    }


def test_a_second_run_part_way_through_the_first_leaves_one_whole_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run B writes its whole set while run A is half-way; A's set ends up whole, not mixed."""
    first, second = small_report({"a": 95, "b": 60}), small_report({"a": 61, "b": 99})
    write_report(second, tmp_path / "b-alone", formats=FORMATS)
    write_report(first, tmp_path / "a-alone", formats=FORMATS)
    real = _write.write_atomic
    calls: list[Path] = []

    def racing(path: Path, data: bytes | str) -> Path:
        calls.append(Path(path))
        if len(calls) == 3:  # A has written two files: B runs to the end now
            monkeypatch.setattr(_write, "write_atomic", real)
            write_report(second, tmp_path / "out", formats=FORMATS)
        return real(path, data)

    monkeypatch.setattr(_write, "write_atomic", racing)
    write_report(first, tmp_path / "out", formats=FORMATS)
    assert snapshot(tmp_path / "out") == snapshot(tmp_path / "a-alone")


def _script(body: str) -> str:
    return textwrap.dedent(body)


@posix_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_writing_leaves_a_whole_set_and_nothing_stray(
    tmp_path: Path, signum: int
) -> None:
    """A signal that arrives after two of the files are written lands after the last one.

    The library installs no handler: an unhandled SIGTERM ends the process,
    yet only once the new set is in place and the staging folder is gone.
    Before, the process died with two new files beside the old others and
    their ``.bak`` copies.
    """
    out = tmp_path / "out"
    write_report(small_report({"a": 10, "b": 20}), out, formats=FORMATS)
    expected = tmp_path / "expected"
    write_report(small_report({"a": 95, "b": 60}), expected, formats=FORMATS)
    script = _script(f"""
        import os, signal
        from pbcheck.examples.small import small_report
        from pbcheck.report import _write, write_report
        real, calls = _write.write_atomic, []
        def interrupted(path, data):
            calls.append(path)
            if len(calls) == 3:
                os.kill(os.getpid(), {int(signum)})
            return real(path, data)
        _write.write_atomic = interrupted
        write_report(small_report({{"a": 95, "b": 60}}), {str(out)!r}, formats={FORMATS!r})
        print("finished")
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert "finished" not in done.stdout  # the signal did end the run...
    assert snapshot(out) == snapshot(expected)  # ...after the whole set was in place


@posix_only
def test_sigterm_ends_the_cli_like_ctrl_c_with_one_line(tmp_path: Path) -> None:
    """``pbcheck report`` under SIGTERM: exit 143, one line on stderr, a whole report."""
    results = tmp_path / "results.json"
    assert _score(results).returncode == 0
    out = tmp_path / "out"
    script = _script(f"""
        import os, signal, sys
        from pbcheck.report import _write
        from pbcheck.cli import command
        real, calls = _write.write_atomic, []
        def interrupted(path, data):
            calls.append(path)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGTERM)
            return real(path, data)
        _write.write_atomic = interrupted
        sys.argv = ["pbcheck", "report", {str(results)!r}, "-o", {str(out)!r}, "--no-charts"]
        sys.exit(command())
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "pbcheck: 已中断 / interrupted (SIGTERM)"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert len(list(out.iterdir())) == 9  # html, xlsx, md, 5 csv, circular


@posix_only
def test_ctrl_c_while_loading_prints_one_line_not_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C during ``pbcheck validate``: status 130 and one line."""
    script = _script(f"""
        import os, signal, sys
        from pbcheck.cli import _validate, command
        def interrupted(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)
        _validate.load = interrupted
        sys.argv = ["pbcheck", "validate", {str(EXAMPLES / "rubric.toml")!r}]
        sys.exit(command())
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 128 + signal.SIGINT
    assert done.stderr == "pbcheck: 已中断 / interrupted (Ctrl-C)\n"


@posix_only
def test_new_files_respect_the_umask(tmp_path: Path) -> None:
    """Under umask 077 a new report and a new results file are 0o600 (before: 0o644)."""
    previous = os.umask(0o077)
    try:
        paths = write_report(small_report(), tmp_path / "out", formats=FORMATS)
        single = write_atomic(tmp_path / "single.txt", "x")
    finally:
        os.umask(previous)
    assert {oct(p.stat().st_mode & 0o777) for p in (*paths, single)} == {"0o600"}


@posix_only
def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    """A report file made group-writable stays so when the report is written again."""
    (path,) = write_report(small_report(), tmp_path, formats=("md",))
    path.chmod(0o664)
    write_report(small_report({"a": 1, "b": 2}), tmp_path, formats=("md",))
    assert oct(path.stat().st_mode & 0o777) == "0o664"


@pytest.mark.parametrize("stem", ["../escaped", "sub/report", "..", ".", "", "a\0b"])
def test_stem_cannot_leave_the_output_folder(tmp_path: Path, stem: str) -> None:
    """A stem with a separator, ``..`` or NUL is refused, naming the stem; nothing is written."""
    out = tmp_path / "out"
    with pytest.raises(InvalidValueError) as caught:
        write_report(small_report(), out, formats=FORMATS, stem=stem)
    assert caught.value.steps == ("stem",)
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_stem_escape_from_the_cli_is_an_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pbcheck report --stem ../x`` exits 1 naming the stem and writes nothing."""
    results = tmp_path / "results.json"
    assert _score(results).returncode == 0
    argv = ["report", str(results), "-o", str(tmp_path / "out"), "--stem", "../x"]
    assert main(argv) == 1
    assert "stem" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_long_names_up_to_the_limit_work(tmp_path: Path) -> None:
    """A stem making a 255-byte file name writes (before: the temporary name overflowed)."""
    tail = len("-通报草稿.txt".encode())
    stem = "长" * ((255 - tail) // 3) + "x" * ((255 - tail) % 3)
    (path,) = write_report(small_report(), tmp_path, formats=("circular",), stem=stem)
    assert len(path.name.encode()) == 255
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_a_name_over_the_limit_is_a_library_error(tmp_path: Path) -> None:
    """One byte too many names the stem and the limit; nothing is written."""
    tail = len("-通报草稿.txt".encode())
    stem = "x" * (256 - tail)
    with pytest.raises(InvalidValueError, match="allows 255"):
        write_report(small_report(), tmp_path, formats=("circular",), stem=stem)
    assert list(tmp_path.iterdir()) == []


def _score(output: Path, *evaluations: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "pbcheck", "score",
            "--rubric", str(EXAMPLES / "rubric.toml"),
            "--tree", str(EXAMPLES / "org-tree.toml"),
            "--cycle", str(EXAMPLES / "cycle-2025.toml"),
            "--evaluations", *map(str, evaluations or (EXAMPLES / "evaluations-2025.json",)),
            "-o", str(output),
        ],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip


def test_score_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    """``score -o`` naming an input (here by another spelling) exits 1 and leaves it as it was."""
    evaluations = tmp_path / "evaluations.json"
    shutil.copy(EXAMPLES / "evaluations-2025.json", evaluations)
    before = evaluations.read_bytes()
    done = _score(tmp_path / "." / "evaluations.json", evaluations)
    assert done.returncode == 1
    assert "is the input file" in done.stderr
    assert evaluations.read_bytes() == before


def test_rank_csv_is_utf8_under_the_c_locale(tmp_path: Path) -> None:
    """With LC_ALL=C (locale coercion off, no PYTHONIOENCODING) the CSV is still UTF-8."""
    results = tmp_path / "results.json"
    assert _score(results).returncode == 0
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LC_", "PYTHONIOENCODING", "PYTHONUTF8", "LANG"))
    }
    env |= {"LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "pbcheck", "rank", str(results), "--format", "csv"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0
    text = done.stdout.decode("utf-8")
    assert "?" not in text
    assert "党" in text or "委" in text
