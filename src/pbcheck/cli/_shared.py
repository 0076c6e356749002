"""What the command modules share, so that each command says the same thing the same way.

- :func:`report_problems`: every problem of a file on stderr, one ``FILE: PATH:
  message`` line each (``validate``, ``score``, and the loaders below);
- :func:`load_results`, :func:`history_of`, :func:`load_season`: results
  documents read back, earlier seasons folded into a
  :class:`~pbcheck.outcomes.history.History` (``rank``, ``report``);
- :func:`report_of`: a season's :class:`~pbcheck.report.CycleReport`
  (``rank --format csv``, ``report``, ``demo --out``);
- :func:`print_season`: the ranked tables per series, the lists and the
  escalations (``rank``, ``demo``);
- :func:`partial_banner`: the line that marks a partial season (``score``,
  ``rank``);
- ``SubParsers``, the type every module's ``add_parser`` takes.

Text tables are laid out by :mod:`pbcheck.cli._table`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pbcheck._numbers import RoundingPolicy
from pbcheck.cli._table import table, tables
from pbcheck.errors import ValidationError
from pbcheck.io.interchange import Limits, Results, load
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.history import History, escalations
from pbcheck.outcomes.ranking import Ranking
from pbcheck.outcomes.season import Outcomes
from pbcheck.report import CycleReport
from pbcheck.scoring.scorecard import Scorecard

if TYPE_CHECKING:
    #: What ``add_parser`` registers its subcommand on.
    SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]  # noqa: SLF001

__all__ = [
    "history_of",
    "load_results",
    "load_season",
    "partial_banner",
    "print_season",
    "report_of",
    "report_problems",
]


def report_problems(command: str, path: Path, error: ValidationError) -> None:
    """Print *error* to stderr: a heading, then one ``FILE: PATH: message`` line each."""
    sys.stderr.write(f"pbcheck {command}: {path}: {error.message}\n")
    for problem in error.problems:
        sys.stderr.write(f"{path}: {problem}\n")
    if error.omitted:
        sys.stderr.write(f"{path}: … and {error.omitted} more problems\n")


def load_results(
    command: str, paths: Sequence[Path], limits: Limits | None = None
) -> list[Results] | None:
    """Load results documents; on any problem, report them all and return ``None``."""
    loaded: list[Results] = []
    failed = False
    for path in paths:
        try:
            loaded.append(load(path, Results, limits=limits))
        except ValidationError as exc:
            report_problems(command, path, exc)
            failed = True
    return None if failed else loaded


def history_of(command: str, seasons: Sequence[Results]) -> History | None:
    """The seasons as a :class:`History` (oldest first); ``None`` after reporting problems."""
    try:
        return History([s.outcomes.cycle_result(s.cycle) for s in seasons])
    except ValidationError as exc:
        report_problems(command, Path("(history)"), exc)
        return None


def load_season(
    command: str,
    results: Path,
    previous: Sequence[Path],
    limits: Limits | None = None,
) -> tuple[Results, History] | None:
    """The latest season and its history (earlier seasons first); ``None`` after reporting problems."""
    seasons = load_results(command, [*previous, results], limits)
    if seasons is None:
        return None
    history = history_of(command, seasons)
    if history is None:
        return None
    return seasons[-1], history


def report_of(season: Results, history: History) -> CycleReport:
    """The report of *season*, escalations judged over *history*."""
    return CycleReport.build(
        season.scorecards,
        season.outcomes,
        tree=season.tree,
        rubric=season.rubric,
        cycle=season.cycle,
        history=history,
    )


#: The columns of the concise ranked table: heading and alignment (numbers right, text left).
_CONCISE = (
    ("名次", ">"),
    ("总分", ">"),
    ("等次", "<"),
    ("名单", "<"),
    ("单位", "<"),
)

#: The columns of the verbose ranked table (``--verbose``): the parts of the total too.
_RANKED = (
    ("名次", ">"),
    ("总分", ">"),
    ("基础分", ">"),
    ("加分", ">"),
    ("扣分", ">"),
    ("等次", "<"),
    ("名单", "<"),
    ("单位", "<"),
)


def partial_banner(outcomes: Outcomes) -> str:
    """The line that marks a partial season: how many units, and who is missing.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> from pbcheck.outcomes.season import assess_outcomes
    >>> tree = org_tree({"党群部门": ["a", "b", "c"]})
    >>> print(
    ...     partial_banner(assess_outcomes(scorecards({"a": 90}), tree, partial=True))
    ... )
    【部分单位（1/3）— 非完整结果】名次、等次、评先和后位只在已评分的单位之间比较；未评分：b、c
    """
    missing = outcomes.missing_units
    shown = "、".join(missing[:_SHOWN])
    more = f" 等 {len(missing)} 个" if len(missing) > _SHOWN else ""
    return (
        f"【{outcomes.partial_label}】名次、等次、评先和后位只在已评分的单位之间"
        f"比较；未评分：{shown}{more}"
    )


#: How many missing units the banner names before it counts them.
_SHOWN = 5


def print_season(
    season: Results, history: History | None, *, concise: bool = False
) -> None:
    """Ranked tables per series, the list marks, and this season's escalations.

    One table per series: 名次, 总分, 基础分, 加分, 扣分, 等次, 名单 (表彰
    for the commendation list, 后位 for the bottom list, 否决 for a vetoed
    unit) and 单位, then the lists with every reason
    (:meth:`~pbcheck.outcomes.season.Outcomes.summary_lines`).  *concise*
    (``pbcheck rank`` without ``--verbose``) leaves out the parts of the
    total and the reasons: a line counts each list instead.

    Escalations follow the default :class:`~pbcheck.outcomes.history.EscalationPolicy`
    (two cycles running at the bottom).  The tables of all series share their
    column widths, so they read as one.
    """
    rubric, cycle, tree, outcomes = (
        season.rubric,
        season.cycle,
        season.tree,
        season.outcomes,
    )
    by_unit = {card.unit_id: card for card in season.scorecards}
    lines = [
        *([partial_banner(outcomes), ""] if outcomes.partial else []),
        f"{rubric.title}（{rubric.version}版）",
        f"考核周期 {cycle.label_zh}：{cycle.start.isoformat()} — {cycle.end.isoformat()}",
        f"参评单位 {len(by_unit)} 个；总分 = 基础分 + 加分 − 扣分（{_rounding_zh(rubric.rounding)}）",
    ]
    columns = _CONCISE if concise else _RANKED
    header = tuple(heading for heading, _ in columns)
    blocks = [
        [header]
        + [
            _cells(
                entry.rank,
                by_unit[entry.unit_id],
                outcomes.grades.of(entry.unit_id).label,
                _marks(outcomes, entry.unit_id, by_unit[entry.unit_id]),
                tree[entry.unit_id].name,
                verbose=not concise,
            )
            for entry in ranking
        ]
        for ranking in outcomes.rankings.values()
    ]
    align = "".join(side for _, side in columns)
    for (series, ranking), block in zip(
        outcomes.rankings.items(), tables(blocks, align), strict=True
    ):
        lines += ["", f"【{series}】{_rubric_note(season, ranking)}", *block]
    lines += ["", _counts(season) if concise else "\n".join(outcomes.summary_lines())]
    actions = escalations(history, latest_only=True) if history is not None else ()
    if actions:
        lines += ["", "【连续两年处于后位：问责与整改】"]
        rows = [
            (a.due.isoformat(), tree[a.unit_id].name, f"{a.label}（{a.by}）")
            for a in actions
        ]
        lines += table(rows, "<<<", indent="  ")
    sys.stdout.write("\n".join(lines) + "\n")


def _marks(outcomes: Outcomes, unit_id: str, card: Scorecard) -> str:
    """A unit's list marks: 表彰, 后位, 否决 (in that order), or ``-`` for none."""
    marks = [
        mark
        for mark, on in (
            ("表彰", outcomes.commendation.of(unit_id).selected),
            ("后位", outcomes.bottom.of(unit_id).at_bottom),
            ("否决", card.disqualified),
        )
        if on
    ]
    return "、".join(marks) or "-"


def _counts(season: Results) -> str:
    """The line after the concise tables: how many units each list holds, and how to see why."""
    outcomes = season.outcomes
    units = [card.unit_id for card in season.scorecards]
    commended = sum(outcomes.commendation.of(u).selected for u in units)
    bottom = sum(outcomes.bottom.of(u).at_bottom for u in units)
    vetoed = sum(card.disqualified for card in season.scorecards)
    return f"表彰 {commended} 个，处于后位 {bottom} 个，一票否决 {vetoed} 个"


def _rubric_note(season: Results, ranking: Ranking) -> str:
    """``考核细则：…`` after a series heading of a season on a rubric set.

    A ranking holds units of one rubric (or of rubrics declared comparable),
    so the rubric of its units is named once.
    """
    if isinstance(season.rubric, Rubric) or not ranking.entries:
        return ""
    titles = dict.fromkeys(season.rubric_of(e.unit_id).title for e in ranking)
    return f"  考核细则：{'、'.join(titles)}"


def _rounding_zh(policy: RoundingPolicy) -> str:
    mode = "四舍五入" if policy.mode == "half_up" else "四舍六入五成双"
    return f"{mode}保留{policy.places}位小数"


def _cells(  # noqa: PLR0913 - one row's figures, each by name
    rank: int,
    card: Scorecard,
    grade: str,
    marks: str,
    name: str,
    *,
    verbose: bool,
) -> tuple[str, ...]:
    """One unit's row of a ranked table (with the parts of its total when *verbose*)."""
    parts = (
        (
            card.show(card.base),
            card.show(card.bonus_counted),
            card.show(card.deductions_counted),
        )
        if verbose
        else ()
    )
    return (str(rank), card.show(card.total), *parts, grade, marks, name)
