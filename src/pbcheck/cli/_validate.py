"""``pbcheck validate``: check document files and list every problem (文件校验).

Loads each file as the kind it declares (or ``--kind``), prints an OK line per
valid file and every problem of the others on stderr; with ``--format json``,
one JSON array on stdout of RFC 9457 problem details, one per file with
problems.  Exit 1 if any file has a problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import report_problems
from pbcheck.errors import ValidationError
from pbcheck.io.interchange import (
    KINDS,
    Document,
    Limits,
    Results,
    kind_of,
    load,
    problem_details,
)
from pbcheck.model.rubric_set import RubricSet

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_limit_option", "add_parser", "limits_of", "summary"]


def _mib(text: str) -> int:
    """A whole number of MiB ≥ 1 for ``--max-document-mib``; argparse reports anything else."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"须为不小于 1 的整数 / must be a whole number of MiB ≥ 1 (got {text!r})"
        )
    return value


def add_limit_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-document-mib`` to a command that reads documents.

    Each command that reads documents registers it with this one call and
    reads it back with :func:`limits_of`, so the option means the same
    everywhere.
    """
    default = Limits()
    parser.add_argument(
        "--max-document-mib",
        type=_mib,
        metavar="MIB",
        help=(
            "文件大小上限（MiB），用于规模较大的考核 / the largest document "
            f"read, in MiB (default {default.max_bytes // 2**20}; a results "
            f"document may be {default.results_scale} times larger); raises the "
            "count of values allowed in proportion"
        ),
    )


def limits_of(args: argparse.Namespace) -> Limits:
    """The read limits a command's ``--max-document-mib`` asks for (default ones without it)."""
    mib: int | None = getattr(args, "max_document_mib", None)
    return Limits() if mib is None else Limits.of_mib(mib)


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``validate`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "validate",
        help=(
            "文件校验 — check rubric, rubric set, org tree, cycle, evaluations or "
            "results files"
        ),
        description=(
            "校验文件：逐个读取，列出全部问题及其位置。 Check document files "
            "(.json or .toml): rubric (考核细则), rubric_set (分类考核细则), org "
            "tree (组织体系), cycle (考核周期), evaluations (考评记录) or results "
            "(考评结果), the kind "
            "read from each file.  Prints one OK line per valid file; otherwise "
            "every problem on stderr with its file and path, and exits 1."
        ),
    )
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="文件 / document files"
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        help="要求的文件类型 / require this document kind",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help=(
            "输出格式 / text lines (default), or json: a JSON array on stdout "
            "with one RFC 9457 problem-details object per file with problems"
        ),
    )
    add_limit_option(parser)
    parser.set_defaults(func=run)


def summary(document: Document) -> str:
    """A few words about a loaded document, for the OK line."""
    kind = kind_of(document)
    if isinstance(document, Results):
        return f"{kind}: {len(document.scorecards)} 个单位 / units"
    if kind == "evaluations":
        assert isinstance(document, tuple)  # noqa: S101 - evaluations load as a tuple
        return f"{kind}: {len(document)} 个单位 / units"
    if kind == "org_tree":
        return f"{kind}: {len(document)} 个组织 / units"  # type: ignore[arg-type]
    if kind == "rubric":
        count = len(document.indicators())  # type: ignore[union-attr]
        return f"{kind}: {count} 项指标 / indicators"
    if isinstance(document, RubricSet):
        ids = "、".join(rubric.id for rubric in document)
        return f"{kind}: {len(document)} 套细则 / rubrics ({ids})"
    return f"{kind}: {document.label_zh}"  # type: ignore[union-attr]


def run(args: argparse.Namespace) -> int:
    """Validate every file; exit 0 if all are valid, 1 otherwise."""
    if args.format == "json":
        return _run_json(args)
    failed = 0
    for path in args.files:
        try:
            document = load(path, args.kind, limits=limits_of(args))
        except ValidationError as exc:
            failed += 1
            report_problems("validate", path, exc)
            continue
        sys.stdout.write(f"OK  {path}  ({summary(document)})\n")
    if failed:
        noun = "file" if failed == 1 else "files"
        sys.stderr.write(f"{failed} {noun} with problems / 个文件有问题\n")
    return 1 if failed else 0


def _run_json(args: argparse.Namespace) -> int:
    """``--format json``: the problem details of every file with problems, as one array.

    An empty array when every file is valid; each object is
    :func:`pbcheck.io.interchange.problem_details` with the file as its
    ``instance``.  The JSON is ASCII-escaped, so any console can print it.
    """
    found = []
    for path in args.files:
        try:
            load(path, args.kind, limits=limits_of(args))
        except ValidationError as exc:
            found.append(problem_details(exc, instance=str(path)))
    sys.stdout.write(json.dumps(found, indent=2) + "\n")
    return 1 if found else 0
