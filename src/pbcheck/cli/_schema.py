"""``pbcheck schema``: print the JSON Schema of a document kind (文件格式).

Prints the schema of one kind as JSON, or with ``--list`` one line per kind
(name and description in columns).  Exit 2 without a kind or ``--list``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from pbcheck.cli._table import table
from pbcheck.io.interchange import KINDS, SCHEMA_VERSION, TOML_KINDS, schema

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]

#: One line per kind for ``--list``.
_DESCRIPTIONS = {
    "rubric": "考核细则 — a rubric: sections, indicators, rules, bonus, deductions, vetoes",
    "rubric_set": (
        "分类考核细则 — several rubrics: common sections (共性指标) written once, "
        "rubric by series or unit, 个性指标"
    ),
    "org_tree": "组织体系 — the org tree: units, series (系列), liaison groups (联系片)",
    "cycle": "考核周期 — an assessment cycle and its milestones",
    "evaluations": "考评记录 — evaluations: observations, activities, incidents",
    "results": "考评结果 — scorecards and outcomes, with rubric, tree and cycle embedded",
}


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``schema`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "schema",
        help="文件格式 — print the JSON Schema of a document kind",
        description=(
            "打印某类文件的 JSON Schema（draft 2020-12）。 Print the JSON Schema "
            f"(draft 2020-12, schema_version {SCHEMA_VERSION}) of a document kind: "
            f"{', '.join(KINDS)}."
        ),
    )
    parser.add_argument(
        "kind",
        nargs="?",
        choices=KINDS,
        metavar="KIND",
        help=f"文件类型 / document kind: {', '.join(KINDS)}",
    )
    parser.add_argument(
        "--list",
        action="store_true",
        help="列出全部文件类型 / list the document kinds instead",
    )
    parser.set_defaults(func=run, schema_parser=parser)


def _formats(kind: str) -> str:
    return "JSON, TOML" if kind in TOML_KINDS else "JSON"


def run(args: argparse.Namespace) -> int:
    """Print the schema or the list of kinds.  Returns the exit code."""
    if args.list:
        rows = [(kind, f"{_DESCRIPTIONS[kind]} ({_formats(kind)})") for kind in KINDS]
        sys.stdout.write("".join(f"{line}\n" for line in table(rows, "<<")))
        return 0
    if args.kind is None:
        args.schema_parser.error("give a KIND or --list / 请指定文件类型或 --list")
    text = json.dumps(schema(args.kind), ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write(text + "\n")
    return 0
