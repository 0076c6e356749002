"""Writing every format of a report into a directory as one unit: the new set or the old one, never a mix."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeAlias

from pbcheck._files import deferred_signals, staging_folder, swap_in, write_atomic
from pbcheck.errors import InvalidValueError
from pbcheck.report._circular import to_circular
from pbcheck.report._csv import CSV_TABLES, to_csv
from pbcheck.report._excel import to_workbook
from pbcheck.report._html import to_html
from pbcheck.report._markdown import to_markdown
from pbcheck.report._model import CycleReport

#: The formats :func:`write_report` knows.
ReportFormat: TypeAlias = Literal["html", "xlsx", "md", "csv", "circular"]

#: Every format, in the order they are written.
REPORT_FORMATS: tuple[ReportFormat, ...] = ("html", "xlsx", "md", "csv", "circular")


def _render(
    report: CycleReport, fmt: str, stem: str, *, charts: bool
) -> list[tuple[str, bytes | str]]:
    renderers: dict[str, Callable[[], list[tuple[str, bytes | str]]]] = {
        "html": lambda: [(f"{stem}.html", to_html(report, charts=charts))],
        "xlsx": lambda: [(f"{stem}.xlsx", to_workbook(report))],
        "md": lambda: [(f"{stem}.md", to_markdown(report))],
        "csv": lambda: [
            (f"{stem}-{table}.csv", to_csv(report, table))
            for table in (*CSV_TABLES, *(("audit",) if report.audit else ()))
        ],
        "circular": lambda: [(f"{stem}-通报草稿.txt", to_circular(report))],
    }
    return renderers[fmt]()


def write_report(
    report: CycleReport,
    directory: str | os.PathLike[str],
    *,
    formats: Sequence[ReportFormat] = REPORT_FORMATS,
    stem: str = "report",
    charts: bool = True,
) -> tuple[Path, ...]:
    """Render *report* in each of *formats* and write the files into *directory*.

    Files: ``{stem}.html``, ``{stem}.xlsx``, ``{stem}.md``, one
    ``{stem}-{table}.csv`` per CSV table (units, sections, indicators, items,
    escalations, and audit when the report has an audit trail) and
    ``{stem}-通报草稿.txt``.  The set is written as one unit: everything is
    rendered first (a failing renderer, a missing extra say, writes
    nothing), then written into a private staging folder inside *directory*,
    then swapped in by renames (:func:`pbcheck._files.swap_in`), on POSIX
    with *directory* locked against another run swapping in at the same
    time.  SIGINT and SIGTERM are held back while files are written (a
    moment: everything is rendered by then) and take effect after.  So *directory* holds the earlier
    report or the new one, never a mix, and no temporary or backup files are
    left in it, whether a write fails, the run is interrupted or two runs
    race.  *directory* is created if needed; new files get the permissions
    the umask allows, replaced ones keep theirs.  Returns the paths written,
    in order.

    Raises:
        InvalidValueError: an unknown format; a *stem* that is empty, ``.``
            or ``..``, holds a path separator or NUL (it names files *in*
            *directory*, never elsewhere), or makes a file name longer than
            the file system allows.
        MissingExtraError: ``xlsx`` without the ``excel`` extra.

    >>> import tempfile
    >>> from pbcheck.report import write_report
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> paths = write_report(report, tempfile.mkdtemp(), formats=("md", "circular"))
    >>> [p.name for p in paths]
    ['report.md', 'report-通报草稿.txt']
    >>> write_report(report, tempfile.mkdtemp(), stem="../elsewhere")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: stem: must be a file name stem, without a path separator or NUL, and not '.' or '..' (got '../elsewhere')
    """
    for fmt in formats:
        if fmt not in REPORT_FORMATS:
            raise InvalidValueError(
                ("formats",), fmt, f"must be one of {', '.join(REPORT_FORMATS)}"
            )
    _check_stem(stem)
    rendered = [
        item
        for fmt in dict.fromkeys(formats)
        for item in _render(report, fmt, stem, charts=charts)
    ]
    folder = Path(directory)
    _check_lengths(stem, [name for name, _ in rendered], folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Signals are held from the first byte written to the staging folder's
    # removal: even a SIGTERM nobody handles (it ends the process on the spot)
    # lands after the set is whole and the staging folder gone.
    with deferred_signals(), staging_folder(folder) as staged:
        for name, data in rendered:
            write_atomic(staged / "new" / name, data)
        return swap_in(staged, folder, [name for name, _ in rendered])


#: What a stem may not hold: it names files in the output folder, nowhere else.
_SEPARATORS = ("/", "\\", "\0")


def _check_stem(stem: str) -> None:
    if not stem or stem in {".", ".."} or any(s in stem for s in _SEPARATORS):
        raise InvalidValueError(
            ("stem",),
            stem,
            "must be a file name stem, without a path separator or NUL, "
            "and not '.' or '..'",
        )


def _check_lengths(stem: str, names: Sequence[str], folder: Path) -> None:
    """Refuse a stem whose file names the file system could not hold, before writing."""
    limit = _name_max(folder)
    longest = max(names, key=lambda name: len(os.fsencode(name)), default="")
    if len(os.fsencode(longest)) > limit:
        raise InvalidValueError(
            ("stem",),
            stem,
            f"makes the file name {longest!r} {len(os.fsencode(longest))} bytes "
            f"long; the file system allows {limit}",
        )


def _name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of *folder* (or its nearest existing parent) allows."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path())
    try:
        return os.pathconf(existing, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # Windows; unknown
        return 255
