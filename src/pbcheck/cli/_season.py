"""``pbcheck season``: run a season as an auditable ledger on a store (考核全过程).

Each step is a subcommand acting on a store (``--store URL``: a SQLite file
``season.db`` by default, or ``$PBCHECK_STORE``; PostgreSQL with the
``postgres`` extra) and one of its seasons (``--season ID``; the only one
by default), as an actor of the season's plan (``--as ACTOR``), at a moment
(``--at``: an ISO datetime with its offset; now in the cycle's zone by
default — the command line is an adapter and may read the clock, the
ledger never does).

Steps that record something load the season, build the events, and append
them in one batch naming the version they were built on, so a refusal of
any kind (who may, what the season allows, invalid records, another writer
first) prints one clear line, or the list of problems, and changes nothing.

The reading steps (``status``, ``replay``, ``rectify list``, ``verify``,
``export``) are in :mod:`pbcheck.cli._season_views`; the plan file that
``init`` reads in :mod:`pbcheck.cli._season_plan`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pbcheck._numbers import to_exact
from pbcheck.cli import _season_views as views
from pbcheck.cli._season_common import (
    DEFAULT_STORE,
    acting,
    done,
    load_season,
    moment,
    open_store,
    record,
    sheet_rubric,
    unit_actor,
)
from pbcheck.cli._season_plan import read_plan
from pbcheck.cli._shared import report_problems
from pbcheck.errors import (
    DOCUMENT,
    ConflictError,
    InvalidValueError,
    MissingExtraError,
    NotAuthorisedError,
    Problem,
    RefusedError,
    StoreVersionError,
    TamperedError,
    UnknownItemError,
    ValidationError,
)
from pbcheck.io.interchange import load
from pbcheck.io.spreadsheets import read_evaluations
from pbcheck.model.evaluation import Evaluation, Evidence, Observation, Source
from pbcheck.report import REPORT_FORMATS
from pbcheck.season import events as ev
from pbcheck.season.authority import ActorRole
from pbcheck.season.calendar import WorkingCalendar
from pbcheck.season.collection import ItemStatus
from pbcheck.season.ledger import Ledger
from pbcheck.season.rectification import propose_rectification

if TYPE_CHECKING:
    from pbcheck.cli._shared import SubParsers

__all__ = ["add_parser"]

#: What a refused step prints as one line (a ValidationError lists its problems).
_REFUSALS = (
    NotAuthorisedError,
    RefusedError,
    ConflictError,
    TamperedError,
    StoreVersionError,
    UnknownItemError,
    MissingExtraError,
)


# -- arguments --------------------------------------------------------------------


_SERIES_HELP = (
    "系列：分类考核中各系列细则不同的指标，按系列分别填表和报送 / in a season of several "
    "rubrics, the sheet of one series"
)


def _moment(text: str) -> datetime:
    """An ISO datetime with its offset (``2026-05-12T09:30+08:00``) for ``--at``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            "must be a date and time with its offset, e.g. 2026-05-12T09:30+08:00 "
            f"(got {text!r})"
        )
    return moment


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a date written YYYY-MM-DD (got {text!r})"
        ) from None


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store",
        metavar="URL",
        default=None,
        help=(
            "考核台账库 / the store: a SQLAlchemy URL (default $PBCHECK_STORE, else "
            f"{DEFAULT_STORE}; postgresql+psycopg://… with the postgres extra)"
        ),
    )
    common.add_argument(
        "--season",
        metavar="ID",
        default=None,
        help="考核批次 / the season's id (default: the store's only season)",
    )
    common.add_argument(
        "--as",
        dest="actor",
        metavar="ACTOR",
        default=None,
        help="以谁的身份 / the actor of the plan who acts (the office by default where "
        "only the office may act)",
    )
    common.add_argument(
        "--at",
        type=_moment,
        metavar="DATETIME",
        default=None,
        help="发生时间 / when, ISO with offset (default: now in the cycle's zone)",
    )
    return common


def add_parser(subparsers: SubParsers) -> None:
    """Register the ``season`` subcommand and its steps on *subparsers*."""
    parser = subparsers.add_parser(
        "season",
        help="考核全过程台账 — run a season as an auditable ledger on a store",
        description=(
            "把一次考核作为可审计的台账运行：建立、签订责任书、报送、退回补正、公示、"
            "异议、审定、结果运用、整改台账、校验与回放。 Run a season as an "
            "auditable, append-only ledger in a SQLite file or PostgreSQL: each step "
            "is checked against who may do it and what the season allows, and a "
            "refused step changes nothing."
        ),
    )
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    common = _common()

    def step(
        name: str, handler: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        sub = steps.add_parser(name, parents=[common], help=text, description=text)
        sub.set_defaults(func=run, handler=handler)
        return sub

    sub = step(
        "init", _init, "建立考核台账 — create the store and the season from a plan file"
    )
    sub.add_argument(
        "plan", type=Path, metavar="PLAN.toml", help="考核方案文件 / plan file"
    )

    sub = step(
        "letters", _letters, "签订责任书 — issue responsibility letters (责任书)"
    )
    sub.add_argument(
        "units",
        nargs="*",
        metavar="UNIT",
        help="单位编码 (default: every assessed unit)",
    )

    sub = step(
        "template", views.template, "评分表模板 — a department's score sheet to fill in"
    )
    sub.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")
    sub.add_argument("--format", choices=("xlsx", "csv"), default=None)
    sub.add_argument("--series", default=None, help=_SERIES_HELP)

    sub = step("submit", _submit, "报送 — submit a score sheet or evaluations document")
    sub.add_argument(
        "file", type=Path, metavar="FILE", help=".json, .toml, .xlsx or .csv"
    )
    sub.add_argument(
        "--layout",
        choices=("wide", "long"),
        default="wide",
        help="score sheet layout (default wide, as the template)",
    )
    sub.add_argument(
        "--each-unit",
        action="store_true",
        help="各单位自评：每个单位的记录由该单位本身报送 / each unit's records are "
        "submitted by that unit's own actor (its 自评)",
    )
    sub.add_argument("--reason", default="", help="说明 / e.g. 按退回意见补正")
    sub.add_argument("--series", default=None, help=_SERIES_HELP)

    sub = step("status", views.status, "报送情况 — what has come in, what is missing")
    sub.add_argument("--format", choices=("text", "csv", "json"), default="text")

    sub = step(
        "return", _return, "退回补正 — send a unit's indicator back for correction"
    )
    sub.add_argument("unit", metavar="UNIT")
    sub.add_argument("indicator", metavar="INDICATOR")
    sub.add_argument("--reason", required=True, help="退回理由")

    sub = step("accept", _accept, "审核通过 — accept a unit's indicator")
    sub.add_argument("unit", metavar="UNIT", nargs="?")
    sub.add_argument("indicator", metavar="INDICATOR", nargs="?")
    sub.add_argument("--reason", default="")
    sub.add_argument(
        "--none-held",
        action="store_true",
        help=(
            "确认未开展：审核通过本部门（或考核办）负责的、没有任何活动记录的频次类"
            "指标（如“三会一课”），即确认该期间确未开展 / accept every frequency "
            "indicator the actor scores that has no activity record, confirming "
            "that none were held (it scores 0), instead of UNIT INDICATOR"
        ),
    )

    sub = step("publish", _publish, "公示 — compute provisional results and open 公示")
    sub.add_argument(
        "--days", type=int, default=None, help="公示工作日数 (default: the plan's)"
    )
    sub.add_argument("--starts", type=_day, default=None, metavar="YYYY-MM-DD")
    sub.add_argument(
        "--holidays",
        type=Path,
        default=None,
        metavar="FILE",
        help="节假日与调休文件 (TOML/JSON: holidays = [...], workdays = [...])",
    )
    sub.add_argument(
        "--china-holidays",
        action="store_true",
        help="按国务院公布的节假日安排计算 (the holidays-cn extra)",
    )
    sub.add_argument("--reason", default="")

    sub = step("object", _object, "异议 — a unit objects to its published result")
    sub.add_argument("objection_id", metavar="ID")
    sub.add_argument("unit", metavar="UNIT")
    sub.add_argument("--text", required=True)
    sub.add_argument("--indicator", action="append", default=[], metavar="INDICATOR")

    sub = step("decide", _decide, "复核决定 — decide an objection")
    sub.add_argument("objection_id", metavar="ID")
    verdict = sub.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--upheld", dest="upheld", action="store_true")
    verdict.add_argument("--rejected", dest="upheld", action="store_false")
    sub.add_argument("--reason", required=True)
    sub.add_argument(
        "--correct",
        action="append",
        default=[],
        metavar="INDICATOR=VALUE",
        help="更正的评分 / a corrected score, repeatable (upheld only)",
    )
    sub.add_argument(
        "--source",
        choices=[s.value for s in Source],
        default=Source.TEAM.value,
        help="更正评分的来源 (default team, 考评组复核)",
    )

    sub = step("approve", _approve, "审定 — approve the results")
    sub.add_argument("--reason", required=True, help="审定机构和会议")

    # The options go on each action (rectify list --as …), not on the group:
    # argparse would let the action's defaults overwrite the group's values.
    text = "整改台账 — the rectification ledger"
    rectify = steps.add_parser("rectify", help=text, description=text)
    rectify.set_defaults(func=run, handler=_no_op)
    _rectify_parsers(rectify, common)

    _reading_parsers(step)


def _reading_parsers(step: Callable[..., argparse.ArgumentParser]) -> None:
    """The steps that only read: verify, replay, export."""
    step("verify", views.verify, "校验 — recompute the hash chain")

    sub = step("replay", views.replay, "回放 — the season as it stood on a date")
    sub.add_argument("--as-of", type=_day, required=True, metavar="YYYY-MM-DD")
    sub.add_argument("--table", action="store_true", help="print the ranked tables")

    sub = step(
        "export", views.export, "导出 — results, report, 结果运用 and 整改台账 tables"
    )
    sub.add_argument("-o", "--output", type=Path, required=True, metavar="FOLDER")
    sub.add_argument(
        "--provisional",
        action="store_true",
        help="导出公示的初步结果 (before approval)",
    )
    sub.add_argument("--no-charts", dest="charts", action="store_false")
    sub.add_argument(
        "--report-format",
        dest="formats",
        action="append",
        choices=REPORT_FORMATS,
        help="报告格式，可重复 / a report format, repeatable (default: all)",
    )
    sub.add_argument(
        "--policy",
        type=Path,
        default=None,
        metavar="FILE",
        help=(
            "结果运用政策 (TOML/JSON: [performance] 等次折算分值, [eligibility] "
            "评先评优) / the office's policy for the 结果运用 tables"
        ),
    )


def _rectify_parsers(
    parser: argparse.ArgumentParser, common: argparse.ArgumentParser
) -> None:
    actions = parser.add_subparsers(
        dest="rectify_step", required=True, metavar="ACTION"
    )

    def action(
        name: str, handler: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, parents=[common], help=text, description=text)
        sub.set_defaults(handler=handler)
        return sub

    sub = action(
        "propose", _rectify_propose, "列入整改台账 — items from the approved results"
    )
    sub.add_argument("--months", type=int, default=3, help="整改期限（月）(default 3)")
    sub.add_argument("--no-lost-points", dest="lost_points", action="store_false")
    sub = action("update", _rectify_update, "整改进展 — progress on an item")
    sub.add_argument("item_id", metavar="ITEM")
    sub.add_argument("--progress", required=True)
    sub.add_argument("--measure", action="append", default=[])
    sub.add_argument("--deadline", type=_day, default=None, metavar="YYYY-MM-DD")
    sub = action("close", _rectify_close, "销号 — close an item on evidence")
    sub.add_argument("item_id", metavar="ITEM")
    sub.add_argument("--reason", required=True)
    sub.add_argument("--evidence", action="append", default=[], metavar="REF")
    sub = action("recheck", _rectify_recheck, "回头看 — look at a closed item again")
    sub.add_argument("item_id", metavar="ITEM")
    holds = sub.add_mutually_exclusive_group(required=True)
    holds.add_argument("--holds", dest="holds", action="store_true")
    holds.add_argument("--reopen", dest="holds", action="store_false")
    sub.add_argument("--reason", required=True)
    sub = action("list", views.rectify_list, "整改台账 — list the items")
    sub.add_argument("--overdue-as-of", type=_day, default=None, metavar="YYYY-MM-DD")
    sub.add_argument("--format", choices=("text", "csv", "json"), default="text")


# -- running ----------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    """Run one step; a refusal prints one line (or the problems) and returns 1."""
    name = f"season {args.step}" + (
        f" {args.rectify_step}" if args.step == "rectify" else ""
    )
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except ValidationError as exc:
        report_problems(name, Path(getattr(args, "where", "(season)")), exc)
    except Problem as problem:
        report_problems(
            name, Path("(arguments)"), ValidationError("refused", [problem])
        )
    except _REFUSALS as exc:
        sys.stderr.write(f"pbcheck {name}: {exc}\n")
    sys.stderr.write(f"pbcheck {name}: nothing changed / 未作更改\n")
    return 1


def _no_op(
    _args: argparse.Namespace,
) -> int:  # pragma: no cover - argparse requires a step
    return 2


# -- steps ------------------------------------------------------------------------


def _init(args: argparse.Namespace) -> int:
    args.where = args.plan
    plan = read_plan(args.plan)
    store = open_store(args)
    store.init()
    offices = plan.authority.offices()
    actor = args.actor or offices[0].id
    at = args.at or datetime.now(ZoneInfo(plan.cycle.zone)).replace(microsecond=0)
    ledger = store.create(plan, at=at, actor=actor)
    departments = [a for a in plan.authority.actors if a.role is ActorRole.DEPARTMENT]
    return done(
        ledger,
        f"已建立考核台账 {plan.season_id}「{plan.title}」于 {store.url}：被考核单位 "
        f"{len(plan.unit_ids)} 个，评分部门 {len(departments)} 个",
    )


def _letters(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    at = moment(args, ledger)
    tree = ledger.plan.tree
    units = args.units or list(ledger.plan.unit_ids)
    events = [
        ev.LetterIssued(
            at=at,
            actor=actor.id,
            unit_id=unit_id,
            signed_by=[p.name for p in tree[unit_id].responsible]
            if unit_id in tree
            else [],
        )
        for unit_id in units
    ]
    ledger = record(events, loaded)
    return done(ledger, f"已签订责任书 {len(events)} 份")


def _records(args: argparse.Namespace, ledger: Ledger) -> tuple[Evaluation, ...]:
    path: Path = args.file
    args.where = path
    if path.suffix.lower() in (".xlsx", ".csv"):
        pairs = () if args.each_unit else ledger.assignments(acting(args, ledger).id)
        rubric = sheet_rubric(ledger, pairs, "read a score sheet", args.series)
        return read_evaluations(
            path, rubric, layout=args.layout, tree=ledger.plan.tree
        ).evaluations
    return load(path, Evaluation)


def _submit(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    evaluations = _records(args, ledger)
    actor = None if args.each_unit else acting(args, ledger)
    at = moment(args, ledger)
    events: list[ev.Event] = []
    for evaluation in evaluations:
        who = actor or unit_actor(ledger, evaluation.unit_id)
        if evaluation.observations or evaluation.activities or evaluation.incidents:
            events.append(
                ev.Submitted(
                    at=at,
                    actor=who.id,
                    unit_id=evaluation.unit_id,
                    observations=evaluation.observations,
                    activities=evaluation.activities,
                    incidents=evaluation.incidents,
                    reason=args.reason,
                )
            )
        events += [
            ev.NotApplicableMarked(
                at=at, actor=who.id, unit_id=evaluation.unit_id, marker=marker
            )
            for marker in evaluation.not_applicable
        ]
    if not events:
        raise RefusedError("submit", f"{args.file} holds no record to submit")
    ledger = record(events, loaded)
    units = len({e.unit_id for e in events if isinstance(e, ev.Submitted)})
    who_text = "各单位（自评）" if actor is None else actor.label
    return done(ledger, f"已报送 {who_text}：{units} 个单位，{len(events)} 个事件")


def _return(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger)
    event = ev.Returned(
        at=moment(args, ledger),
        actor=actor.id,
        unit_id=args.unit,
        indicator_id=args.indicator,
        reason=args.reason,
    )
    ledger = record([event], loaded)
    return done(ledger, f"已退回补正 {args.unit} {args.indicator}：{args.reason}")


def _accept(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger)
    at = moment(args, ledger)
    if args.none_held == (args.unit is not None):
        raise RefusedError(
            "accept", "name UNIT INDICATOR, or give --none-held (not both)"
        )
    if args.unit is not None and args.indicator is None:
        raise RefusedError(
            "accept", f"name the indicator of unit {args.unit} to accept"
        )
    pairs = (
        _none_held(ledger, actor.id)
        if args.none_held
        else [(args.unit, args.indicator)]
    )
    if not pairs:
        sys.stdout.write("没有待确认未开展的频次类指标\n")
        return 0
    events = [
        ev.Accepted(
            at=at,
            actor=actor.id,
            unit_id=unit_id,
            indicator_id=indicator_id,
            reason=args.reason or ("确认考核期内未开展" if args.none_held else ""),
        )
        for unit_id, indicator_id in pairs
    ]
    ledger = record(events, loaded)
    if args.none_held:
        return done(ledger, f"已确认未开展 {len(events)} 项（频次类指标，计 0 分）")
    return done(ledger, f"已审核通过 {args.unit} {args.indicator}")


def _none_held(ledger: Ledger, actor_id: str) -> list[tuple[str, str]]:
    """(unit, frequency indicator) pairs *actor_id* scores that hold no activity."""
    plan = ledger.plan
    found = []
    for row in ledger.collection().missing:
        if row.owner != actor_id or row.status is not ItemStatus.MISSING:
            continue
        scope = plan.scope(row.unit_id)
        indicator = scope.indicator(row.indicator_id)
        if (
            indicator is not None
            and scope.takes_activities(indicator)
            and not scope.takes_values(indicator)
        ):
            found.append((row.unit_id, row.indicator_id))
    return found


def _calendar(args: argparse.Namespace, starts: date) -> WorkingCalendar:
    if args.china_holidays:
        return WorkingCalendar.china([starts.year])
    if args.holidays is None:
        return WorkingCalendar()
    args.where = args.holidays
    raw = views.read_table(args.holidays)
    unknown = set(raw) - {"holidays", "workdays"}
    if unknown:
        raise ValidationError(
            "invalid holidays file",
            [
                InvalidValueError(
                    (DOCUMENT, key), raw[key], "is not holidays or workdays"
                )
                for key in sorted(unknown)
            ],
        )
    return WorkingCalendar(
        holidays=[views.as_day(d) for d in raw.get("holidays", [])],
        workdays=[views.as_day(d) for d in raw.get("workdays", [])],
    )


def _publish(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    at = moment(args, ledger)
    starts = args.starts or at.astimezone(ZoneInfo(ledger.plan.cycle.zone)).date()
    days = ledger.plan.publicity_days if args.days is None else args.days
    calendar = _calendar(args, starts)
    if not calendar.is_working_day(starts):
        starts = calendar.working_days_from(starts, 1)
    ends = calendar.working_days_from(starts, days)
    events: list[ev.Event] = [
        ev.ProvisionalComputed(at=at, actor=actor.id, reason=args.reason),
        ev.PublicityOpened(
            at=at,
            actor=actor.id,
            starts=starts,
            ends=ends,
            working_days=days,
            reason=args.reason,
        ),
    ]
    ledger = record(events, loaded)
    count = len(ledger.plan.unit_ids)
    missing = ledger.state.provisional_missing
    note = f"，缺 {missing} 项评分" if missing else ""
    return done(
        ledger,
        f"已形成初步结果（{count} 个单位{note}），公示 {starts.isoformat()} 至 "
        f"{ends.isoformat()}（{days} 个工作日）",
    )


def _object(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = (
        ledger.plan.authority.actor(args.actor)
        if args.actor is not None
        else unit_actor(ledger, args.unit)
    )
    event = ev.ObjectionFiled(
        at=moment(args, ledger),
        actor=actor.id,
        objection_id=args.objection_id,
        unit_id=args.unit,
        text=args.text,
        indicator_ids=args.indicator,
    )
    ledger = record([event], loaded)
    return done(ledger, f"已受理异议 {args.objection_id}（{args.unit}）")


def _corrected_value(
    ledger: Ledger, unit_id: str, indicator_id: str, text: str
) -> object:
    rubric = ledger.plan.rubric_of(unit_id)
    where = ("--correct", indicator_id)
    try:
        indicator = rubric.indicator(indicator_id)
    except KeyError:
        raise InvalidValueError(
            where, indicator_id, f"names no indicator of rubric {rubric.id!r}"
        ) from None
    if getattr(indicator.rule, "value_kind", None) == "pass_fail":
        words = {"达标": True, "true": True, "未达标": False, "false": False}
        if text.strip().casefold() not in words:
            raise InvalidValueError(where, text, "must be 达标 or 未达标 (true/false)")
        return words[text.strip().casefold()]
    exact = to_exact(text.strip(), where)
    return exact.numerator if exact.denominator == 1 else Fraction(exact)


def _decide(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    at = moment(args, ledger)
    filed = {o.objection_id: o for o in ledger.objections()}
    if args.objection_id not in filed:
        raise UnknownItemError(
            args.objection_id, list(filed), "the season's objections"
        )
    unit_id = filed[args.objection_id].unit_id
    corrections = []
    for written in args.correct:
        indicator_id, sep, value = written.partition("=")
        if not sep:
            raise InvalidValueError(("--correct",), written, "must be INDICATOR=VALUE")
        corrections.append(
            Observation(
                indicator_id.strip(),
                _corrected_value(ledger, unit_id, indicator_id.strip(), value),
                source=Source(args.source),
                rater=actor.name,
                recorded_at=at.astimezone(ZoneInfo(ledger.plan.cycle.zone)).date(),
                note=args.reason,
            )
        )
    event = ev.ObjectionDecided(
        at=at,
        actor=actor.id,
        objection_id=args.objection_id,
        upheld=args.upheld,
        reason=args.reason,
        corrections=tuple(corrections),
    )
    ledger = record([event], loaded)
    verdict = "成立" if args.upheld else "不成立"
    return done(ledger, f"异议 {args.objection_id} 复核{verdict}：{args.reason}")


def _approve(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    event = ev.ResultsApproved(
        at=moment(args, ledger), actor=actor.id, reason=args.reason
    )
    ledger = record([event], loaded)
    changes = ledger.changes()
    done(ledger, f"已审定：{args.reason}")
    sys.stdout.write(f"公示后变动 {len(changes)} 项\n")
    for change in changes:
        name = ledger.plan.tree[change.unit_id].name
        sys.stdout.write(f"  {name}（{change}）\n")
    return 0


def _rectify_propose(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    final = ledger.final()
    if final is None:
        raise RefusedError(
            "propose rectification items",
            "the results are not approved (审定) yet; approve them first",
        )
    events = propose_rectification(
        final,
        at=moment(args, ledger),
        actor=actor.id,
        months=args.months,
        lost_points=args.lost_points,
        # A later batch continues the ledger's numbering.
        first_number=len(ledger.rectification()) + 1,
    )
    if not events:
        sys.stdout.write("没有需要整改的事项\n")
        return 0
    ledger = record(events, loaded)
    done(ledger, f"已列入整改台账 {len(events)} 项")
    views.print_items(ledger, ledger.rectification()[-len(events) :], limit=8)
    return 0


def _rectify_update(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    event = ev.RectificationUpdated(
        at=moment(args, ledger),
        actor=actor.id,
        item_id=args.item_id,
        progress=args.progress,
        measures=args.measure,
        deadline=args.deadline,
    )
    ledger = record([event], loaded)
    moved = f"，期限改为 {args.deadline.isoformat()}" if args.deadline else ""
    return done(ledger, f"已记录整改进展 {args.item_id}{moved}")


def _rectify_close(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    event = ev.RectificationClosed(
        at=moment(args, ledger),
        actor=actor.id,
        item_id=args.item_id,
        reason=args.reason,
        evidence=tuple(Evidence("document", ref) for ref in args.evidence),
    )
    ledger = record([event], loaded)
    return done(ledger, f"已销号 {args.item_id}")


def _rectify_recheck(args: argparse.Namespace) -> int:
    loaded = load_season(args)
    ledger = loaded[2]
    actor = acting(args, ledger, office=True)
    event = ev.RectificationRechecked(
        at=moment(args, ledger),
        actor=actor.id,
        item_id=args.item_id,
        holds=args.holds,
        reason=args.reason,
    )
    ledger = record([event], loaded)
    verdict = "整改到位" if args.holds else "重新整改"
    return done(ledger, f"回头看 {args.item_id}：{verdict}")
