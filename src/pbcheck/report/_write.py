"""Writing every format of a report into a directory, all or nothing."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, TypeAlias

from pbcheck._files import write_atomic
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
    ``{stem}-通报草稿.txt``.  Everything is rendered before
    anything is written, so a failing renderer (a missing extra, say) writes
    nothing; each file is written atomically
    (:func:`pbcheck._files.write_atomic`), and if a write fails the files
    already written by this call are undone: a file this call created is
    removed, one it replaced gets its earlier content back, so an earlier
    report in *directory* is left as it was.  *directory* is created if
    needed.  Returns the paths written, in order.

    Raises:
        InvalidValueError: an unknown format.
        MissingExtraError: ``xlsx`` without the ``excel`` extra.

    >>> import tempfile
    >>> from pbcheck.report import write_report
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> paths = write_report(report, tempfile.mkdtemp(), formats=("md", "circular"))
    >>> [p.name for p in paths]
    ['report.md', 'report-通报草稿.txt']
    """
    for fmt in formats:
        if fmt not in REPORT_FORMATS:
            raise InvalidValueError(
                ("formats",), fmt, f"must be one of {', '.join(REPORT_FORMATS)}"
            )
    rendered = [
        item
        for fmt in dict.fromkeys(formats)
        for item in _render(report, fmt, stem, charts=charts)
    ]
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    kept: dict[Path, Path] = {}  # an earlier report's file -> its backup
    try:
        for name, data in rendered:
            target = folder / name
            if target.exists():
                kept[target] = _keep(target)
            written.append(write_atomic(target, data))
    except BaseException:
        # Put back what this call replaced; remove what it created.
        for path in written:
            with contextlib.suppress(OSError):
                if path in kept:
                    kept.pop(path).replace(path)
                else:
                    path.unlink()
        raise
    finally:
        for backup in kept.values():
            with contextlib.suppress(OSError):
                backup.unlink()
    return tuple(written)


def _keep(path: Path) -> Path:
    """A second name for *path*'s current content, to put back if the run fails.

    A hard link costs nothing and survives the atomic replacement of *path*;
    where links are not supported, the content is copied (atomically).
    """
    backup = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.bak")
    try:
        os.link(path, backup)
    except OSError:
        write_atomic(backup, path.read_bytes())
    return backup
