"""``pbcheck score``: score a season from files and write a results document (计分).

Reads the rubric, org tree, cycle (or a year) and evaluation files, scores and
assesses the season, and writes one self-contained results document.  Exit 1,
with every problem of every file on stderr and nothing written, if anything
fails.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import report_problems
from pbcheck.errors import (
    DOCUMENT,
    DuplicateIdError,
    Id,
    InvalidValueError,
    Problem,
    ValidationError,
)
from pbcheck.io.interchange import Results, dump, load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]

#: More evaluations than this, on a terminal, show a progress bar.
PROGRESS_FROM = 200

_YEAR = re.compile(r"[0-9]{4}")


def _output(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".json":
        raise argparse.ArgumentTypeError(
            f"结果文件须为 .json / the results file must end in .json (got {text!r})"
        )
    return path


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``score`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "score",
        help="计分 — score evaluations and write a results document (考评结果)",
        description=(
            "读取考核细则、组织体系、考核周期和考评记录，计分并评定结果（排名、等次、"
            "评先、后位），写入一个自包含的结果文件。 Score a season from files and "
            "write one self-contained results document: scorecards and outcomes "
            "(rankings 排名, grades 等次, commendation 评先 and bottom 后位 lists) "
            "with the rubric, org tree and cycle embedded, the scorecards in the "
            "org tree's order whatever the order of the evaluations.  Nothing is "
            "written if any input has a problem."
        ),
    )
    parser.add_argument(
        "--rubric",
        required=True,
        type=Path,
        metavar="R",
        help="考核细则文件 / rubric file",
    )
    parser.add_argument(
        "--tree",
        required=True,
        type=Path,
        metavar="T",
        help="组织体系文件 / org tree file",
    )
    parser.add_argument(
        "--cycle",
        required=True,
        metavar="C",
        help=(
            "考核周期文件，或年份（跨年度：YEAR年5月至次年4月） / cycle file, or a "
            "year meaning the cross-year cycle (跨年度) from May YEAR"
        ),
    )
    parser.add_argument(
        "--evaluations",
        required=True,
        nargs="+",
        type=Path,
        metavar="E",
        help="考评记录文件 / evaluations files (one or more)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=_output,
        metavar="RESULTS.json",
        help="结果文件 / the results document to write (.json)",
    )
    parser.set_defaults(func=run)


def _progress(items: tuple[Evaluation, ...]) -> Iterable[Evaluation]:
    """A tqdm bar over *items* on a terminal for long inputs; else *items* as is."""
    if len(items) < PROGRESS_FROM or not sys.stderr.isatty():
        return items
    try:
        from tqdm import tqdm  # noqa: PLC0415 - optional extra
    except ImportError:
        return items
    return tqdm(items, desc="计分 / scoring", unit="个单位", file=sys.stderr)


def _located(
    problem: Problem, where: dict[str, list[tuple[Path, int]]]
) -> tuple[Path | None, Problem]:
    """Which file a season problem is in, and its path in that file.

    Scoring names a problem below its unit's evaluation,
    ``evaluations[ZF01].observations[2].value``; in the file that evaluation
    is ``$.evaluations[1]``.  A unit evaluated twice is reported at its
    second evaluation; every other problem at the (first) evaluation of its
    unit.  Problems of no evaluation stay as they are.
    """
    match problem.steps:
        case ("evaluations", Id(unit), *rest) if unit in where:
            places = where[unit]
        case _:
            return None, problem
    path, index = places[-1] if isinstance(problem, DuplicateIdError) else places[0]
    return path, problem.moved((DOCUMENT, "evaluations", index, *rest))


def _inputs(
    args: argparse.Namespace,
) -> Iterator[tuple[str, Path, type]]:
    yield "rubric", args.rubric, Rubric
    yield "tree", args.tree, OrgTree
    if not _YEAR.fullmatch(args.cycle):
        yield "cycle", Path(args.cycle), AssessmentCycle
    for path in args.evaluations:
        yield "evaluations", path, Evaluation


def run(args: argparse.Namespace) -> int:
    """Load, score, assess and write; exit 1 with every problem if anything fails."""
    loaded: dict[str, object] = {}
    evaluations: list[Evaluation] = []
    where: dict[str, list[tuple[Path, int]]] = {}
    failed = False
    for role, path, kind in _inputs(args):
        try:
            document = load(path, kind)
        except ValidationError as exc:
            report_problems("score", path, exc)
            failed = True
            continue
        if isinstance(document, tuple):
            for index, evaluation in enumerate(document):
                where.setdefault(evaluation.unit_id, []).append((path, index))
                evaluations.append(evaluation)
        else:
            loaded[role] = document
    if _YEAR.fullmatch(args.cycle):
        try:
            loaded["cycle"] = AssessmentCycle.cross_year(int(args.cycle))
        except ValidationError as exc:  # year 0000
            report_problems("score", Path(args.cycle), exc)
            failed = True
    if failed:
        sys.stderr.write("pbcheck score: nothing written / 未写入结果文件\n")
        return 1
    rubric, tree, cycle = loaded["rubric"], loaded["tree"], loaded["cycle"]
    assert isinstance(rubric, Rubric)  # noqa: S101 - loaded by kind
    assert isinstance(tree, OrgTree)  # noqa: S101
    assert isinstance(cycle, AssessmentCycle)  # noqa: S101
    try:
        results = Results.compute(rubric, tree, cycle, _progress(tuple(evaluations)))
    except ValidationError as exc:
        by_file: dict[Path | None, list[Problem]] = {}
        for problem in exc.problems:
            found_in, moved = _located(problem, where)
            by_file.setdefault(found_in, []).append(moved)
        for found_in, problems in by_file.items():
            shown = found_in if found_in is not None else Path("(season)")
            report_problems("score", shown, ValidationError(exc.message, problems))
        sys.stderr.write("pbcheck score: nothing written / 未写入结果文件\n")
        return 1
    try:
        dump(results, args.output)
    except OSError as exc:
        problem = InvalidValueError(
            (DOCUMENT,), str(args.output), f"cannot be written: {exc}"
        )
        report_problems(
            "score", args.output, ValidationError("cannot write", [problem])
        )
        return 1
    sys.stderr.write(
        f"已写入 / wrote {args.output}: {len(results.scorecards)} 个单位 / units\n"
    )
    return 0
