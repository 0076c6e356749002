"""``pbcheck score``: score a season from files and write a results document (计分).

Reads the rubric (or a rubric set, 分类考核), org tree, cycle (or a year) and
evaluation files, scores and assesses the season, and writes one
self-contained results document.  Exit 1, with every problem of every file on
stderr and nothing written, if anything fails.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck.cli._shared import partial_banner, report_problems
from pbcheck.cli._validate import add_limit_option, limits_of
from pbcheck.errors import (
    DOCUMENT,
    DuplicateIdError,
    Id,
    InvalidValueError,
    Problem,
    ValidationError,
)
from pbcheck.io.interchange import Results, dump, kind_of, load
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.ranking import RankingPolicy
from pbcheck.outcomes.season import OutcomePolicy

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


def _day(text: str) -> date:
    """A ``YYYY-MM-DD`` date for ``--as-of``; argparse reports anything else."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date written YYYY-MM-DD (got {text!r})"
        ) from None


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``score`` subcommand on *subparsers*."""
    parser = subparsers.add_parser(
        "score",
        help="计分 — score evaluations and write a results document (考评结果)",
        description=(
            "读取考核细则（或分类考核细则）、组织体系、考核周期和考评记录，计分并评定"
            "结果（排名、等次、评先、后位），写入一个自包含的结果文件。 Score a "
            "season from files and write one self-contained results document: "
            "scorecards and outcomes (rankings 排名, grades 等次, commendation 评先 "
            "and bottom 后位 lists) with the rubric (or rubric set), org tree and "
            "cycle embedded, the scorecards in the org tree's order whatever the "
            "order of the evaluations.  With a rubric set (分类考核) each unit is "
            "scored on its own rubric and ranked only with units of the same "
            "rubric.  Nothing is written if any input has a problem."
        ),
    )
    parser.add_argument(
        "--rubric",
        required=True,
        type=Path,
        metavar="R",
        help=(
            "考核细则文件，或分类考核细则文件 / rubric file, or rubric_set file "
            "(several rubrics, 分类考核)"
        ),
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
        "--mixed-rubrics",
        choices=("split", "refuse"),
        default=None,
        help=(
            "不同细则的单位同在一个排名组（联系片、全部）时：分别排名（split，细则集"
            "默认）或报错（refuse，单一细则默认） / when a ranking group (a liaison "
            "group, all units) holds units of rubrics that are not comparable: "
            "rank each rubric's units apart (split, the default with a rubric "
            "set) or refuse (refuse, the default with one rubric)"
        ),
    )
    parser.add_argument(
        "--as-of",
        type=_day,
        default=None,
        metavar="YYYY-MM-DD",
        help=(
            "截至日期（半年自查）：只计这一天以前的记录，结果标明暂定 / score the "
            "season as it stood on this date (a mid-cycle check): only records up "
            "to it count, and every scorecard is marked provisional"
        ),
    )
    parser.add_argument(
        "--partial",
        action="store_true",
        help=(
            "部分单位：允许考评记录未覆盖组织体系中的全部被考核单位，结果标明“部分单位"
            "（N/M）— 非完整结果” / allow evaluations that do not cover every "
            "assessed unit of the tree; the results are marked partial, and "
            "rank and report say so (without it such a season is refused, "
            "naming the units missing)"
        ),
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=_output,
        metavar="RESULTS.json",
        help="结果文件 / the results document to write (.json)",
    )
    add_limit_option(parser)
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


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file.

    The same inode if both exist (hard and symbolic links, ``./``, a
    case-folding file system), else the same resolved path.
    """
    try:
        return first.samefile(second)
    except OSError:
        return first.resolve() == second.resolve()


#: Any kind: the rubric may be a rubric or a rubric set, checked once loaded.
_RUBRIC = None


def _inputs(
    args: argparse.Namespace,
) -> Iterator[tuple[str, Path, type | None]]:
    yield "rubric", args.rubric, _RUBRIC
    yield "tree", args.tree, OrgTree
    if not _YEAR.fullmatch(args.cycle):
        yield "cycle", Path(args.cycle), AssessmentCycle
    for path in args.evaluations:
        yield "evaluations", path, Evaluation


def run(args: argparse.Namespace) -> int:
    """Load, score, assess and write; exit 1 with every problem if anything fails."""
    inputs = [path for _, path, _ in _inputs(args)]
    if clash := next((p for p in inputs if _same_file(p, args.output)), None):
        refused = InvalidValueError(
            (DOCUMENT,),
            str(args.output),
            f"is the input file {clash}; choose another results file",
        )
        report_problems(
            "score", args.output, ValidationError("would overwrite an input", [refused])
        )
        sys.stderr.write("pbcheck score: nothing written / 未写入结果文件\n")
        return 1
    loaded: dict[str, object] = {}
    evaluations: list[Evaluation] = []
    where: dict[str, list[tuple[Path, int]]] = {}
    failed = False
    for role, path, kind in _inputs(args):
        try:
            document = load(path, kind, limits=limits_of(args))
        except ValidationError as exc:
            report_problems("score", path, exc)
            failed = True
            continue
        if role == "rubric" and not isinstance(document, Rubric | RubricSet):
            wrong = InvalidValueError(
                (DOCUMENT, "kind"),
                kind_of(document),
                "must be 'rubric' or 'rubric_set' for --rubric",
            )
            report_problems("score", path, ValidationError("wrong kind", [wrong]))
            failed = True
        elif isinstance(document, tuple):
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
    assert isinstance(rubric, Rubric | RubricSet)  # noqa: S101 - checked above
    assert isinstance(tree, OrgTree)  # noqa: S101 - loaded by kind
    assert isinstance(cycle, AssessmentCycle)  # noqa: S101
    mixed = args.mixed_rubrics or (
        "split" if isinstance(rubric, RubricSet) else "refuse"
    )
    # The default policy, written as before for one rubric.
    policy = (
        OutcomePolicy(ranking=RankingPolicy(mixed_rubrics="split"))
        if mixed == "split"
        else None
    )
    try:
        results = Results.compute(
            rubric,
            tree,
            cycle,
            _progress(tuple(evaluations)),
            policy,
            as_of=args.as_of,
            partial=args.partial,
        )
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
    if results.outcomes.partial:
        sys.stderr.write(f"注意 / note: {partial_banner(results.outcomes)}\n")
    return 0
