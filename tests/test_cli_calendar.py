"""Tests for the ``pbcheck calendar`` subcommand."""

import argparse
import os
import subprocess
import sys
from datetime import date

import icalendar
import pytest

from pbcheck.cli import _calendar as _cli_calendar

CROSS_YEAR_2025 = [
    "2025—2026年度 (2025–2026)  考核期 / period: 2025-05-01 — 2026-04-30",
    "2025-05-01  考核期开始    Assessment period begins",
    "2025-11-30  半年自查      Half-year self-check",
    "2026-04-30  考核期结束    Assessment period ends",
    "2026-05-01  考评开始      Assessment window opens",
    "2026-05-31  考评结束      Assessment window closes",
    "2026-06-15  考评结果公布  Results announced",
    "2026-06-30  七一表彰      Commendation before July 1 (七一)",
]


def run(*argv: str) -> int:
    """Parse *argv* with a throwaway parser holding only ``calendar``, then run it."""
    parser = argparse.ArgumentParser(prog="pbcheck")
    subparsers = parser.add_subparsers(dest="command", required=True)
    _cli_calendar.add_parser(subparsers)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


class TestCalendarCommand:
    def test_prints_cross_year_milestones(self, capsys):
        """`calendar 2025` prints the 2025—2026 cycle, one milestone a line."""
        assert run("calendar", "2025") == 0
        assert capsys.readouterr().out.splitlines() == CROSS_YEAR_2025

    def test_calendar_year_kind(self, capsys):
        """`--kind calendar-year` prints the 2025 calendar-year cycle."""
        assert run("calendar", "2025", "--kind", "calendar-year") == 0
        lines = capsys.readouterr().out.splitlines()
        assert lines[0].startswith("2025年度 (2025)")
        assert lines[-1] == "2026-02-28  总结表彰      Summary and commendation"

    def test_writes_ics_atomically(self, tmp_path, capsys):
        """`--ics FILE` writes a parseable calendar and leaves no temporary file."""
        target = tmp_path / "milestones.ics"
        assert run("calendar", "2025", "--ics", str(target)) == 0
        parsed = icalendar.Calendar.from_ical(target.read_bytes())
        starts = [e.decoded("dtstart") for e in parsed.walk("VEVENT")]
        assert starts[0] == date(2025, 5, 1)
        assert starts[-1] == date(2026, 6, 30)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["milestones.ics"]
        assert "milestones.ics" in capsys.readouterr().err

    def test_replaces_an_existing_file_keeping_its_mode(self, tmp_path):
        """An existing file is replaced whole, with its permissions kept."""
        target = tmp_path / "m.ics"
        target.write_text("old")
        target.chmod(0o600)
        assert run("calendar", "2026", "--ics", str(target)) == 0
        assert target.read_bytes().startswith(b"BEGIN:VCALENDAR")
        assert target.stat().st_mode & 0o777 == 0o600

    def test_unwritable_target_exits_1(self, tmp_path, capsys):
        """A missing directory is reported on stderr with exit code 1."""
        target = tmp_path / "missing" / "m.ics"
        assert run("calendar", "2025", "--ics", str(target)) == 1
        assert "cannot write" in capsys.readouterr().err
        assert not target.exists()

    def test_missing_ics_extra_exits_1(self, tmp_path, capsys, monkeypatch):
        """Without icalendar, --ics explains how to install the extra."""
        monkeypatch.setitem(sys.modules, "icalendar", None)
        assert run("calendar", "2025", "--ics", str(tmp_path / "m.ics")) == 1
        assert "pbcheck[ics]" in capsys.readouterr().err

    @pytest.mark.parametrize(
        "argv",
        [
            ["calendar", "twenty"],
            ["calendar", "0"],
            ["calendar", "2025", "--kind", "lunar"],
            ["calendar", "2025", "--zone", "Asia/Beijing"],
            ["calendar"],
        ],
    )
    def test_bad_arguments_exit_2(self, argv, capsys):
        """Bad years, kinds and zones are argparse errors: exit status 2."""
        with pytest.raises(SystemExit) as excinfo:
            run(*argv)
        assert excinfo.value.code == 2
        assert "error:" in capsys.readouterr().err

    def test_help_shows_chinese_beside_english(self, capsys):
        """--help pairs the Chinese terms with the English ones."""
        with pytest.raises(SystemExit) as excinfo:
            run("calendar", "--help")
        assert excinfo.value.code == 0
        text = capsys.readouterr().out
        for term in ("跨年度", "cross-year", "自然年度", "calendar-year", "七一表彰"):
            assert term in text


def _main():
    try:
        from pbcheck.cli import main
    except ImportError as exc:  # the sibling subcommand may still be in progress
        pytest.skip(f"pbcheck.cli does not import yet: {exc}")
    return main


class TestThroughTheRealCli:
    def test_main_runs_calendar(self, capsys):
        """pbcheck.cli.main wires the calendar subcommand."""
        assert _main()(["calendar", "2025"]) == 0
        assert capsys.readouterr().out.splitlines() == CROSS_YEAR_2025

    def test_python_dash_m(self):
        """`python -m pbcheck calendar 2025` prints the same lines."""
        _main()
        done = subprocess.run(
            [sys.executable, "-m", "pbcheck", "calendar", "2025"],
            capture_output=True,
            check=False,
            encoding="utf-8",
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == CROSS_YEAR_2025
