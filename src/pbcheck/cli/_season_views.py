"""The reading steps of ``pbcheck season``: template, status, verify, replay, export, lists.

None of them records an event.  Tables for people are padded text
(:mod:`pbcheck.cli._table`); ``--format csv`` and ``--format json`` give the
same rows for machines.  Files are written atomically.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tomllib
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pbcheck._files import write_atomic
from pbcheck.cli import _report
from pbcheck.cli._season_common import (
    acting,
    load_season,
    open_store,
    season_of,
    sheet_rubric,
)
from pbcheck.cli._shared import print_season
from pbcheck.cli._table import table
from pbcheck.errors import (
    DOCUMENT,
    InvalidTypeError,
    InvalidValueError,
    RefusedError,
    TamperedError,
    ValidationError,
)
from pbcheck.io.interchange import Results, dump
from pbcheck.io.spreadsheets import score_sheet
from pbcheck.model.evaluation import Source
from pbcheck.season.authority import ActorRole
from pbcheck.season.collection import CollectionRow, ItemStatus
from pbcheck.season.ledger import Ledger
from pbcheck.season.rectification import RectificationItem
from pbcheck.season.results_use import (
    EligibilityPolicy,
    PerformancePolicy,
    eligibility_table,
    performance_table,
)

__all__ = [
    "as_day",
    "export",
    "print_items",
    "read_table",
    "rectify_list",
    "replay",
    "status",
    "template",
    "verify",
]

_SOURCE_OF_ROLE = {
    ActorRole.OFFICE: Source.TEAM,
    ActorRole.DEPARTMENT: Source.DEPARTMENT,
    ActorRole.UNIT: Source.SELF,
}

_BASIS_ZH = {
    "bottom": "处于后位",
    "grade": "等次",
    "veto": "一票否决",
    "lost_points": "失分清单",
    "spot_check": "明察暗访",
    "other": "其他",
}


def read_table(path: Path) -> dict[str, Any]:
    """A small TOML or JSON file as a table; a problem names the file."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = (
            json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
        )
    except (OSError, ValueError) as exc:  # JSON and TOML decode errors are ValueErrors
        raise ValidationError(
            "cannot read the file",
            [InvalidValueError((DOCUMENT,), str(path), f"cannot be read: {exc}")],
        ) from None
    if not isinstance(raw, dict):
        raise ValidationError(
            "invalid file", [InvalidTypeError((DOCUMENT,), raw, "must be a table")]
        )
    return raw


def as_day(value: object) -> date:
    """A date from TOML (a date) or JSON (``YYYY-MM-DD``)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidValueError(("day",), value, "must be a date written YYYY-MM-DD")


def _write_rows(
    rows: Sequence[Sequence[object]], fmt: str, keys: Sequence[str] | None = None
) -> None:
    """Rows (header first) as CSV, or as JSON objects keyed by *keys*."""
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        names = keys or [str(cell) for cell in rows[0]]
        objects = [dict(zip(names, row, strict=True)) for row in rows[1:]]
        sys.stdout.write(json.dumps(objects, ensure_ascii=False, indent=2) + "\n")


# -- template ---------------------------------------------------------------------


def template(args: argparse.Namespace) -> int:
    """Write an actor's score-sheet template: its units × its indicators."""
    _store, _season_id, ledger = load_season(args)
    actor = acting(args, ledger)
    plan = ledger.plan
    assignments = ledger.assignments(actor.id)
    if args.series is not None:
        tree = plan.tree
        assignments = tuple(p for p in assignments if tree[p[0]].series == args.series)
    rubric = sheet_rubric(ledger, assignments, "write a score sheet", args.series)
    output: Path | None = args.output
    wanted = args.format or (
        "csv" if output is not None and output.suffix.lower() == ".csv" else "xlsx"
    )
    fmt: Literal["xlsx", "csv"] = "csv" if wanted == "csv" else "xlsx"
    output = output or Path(f"{actor.id}-评分表.{fmt}")
    sheet = score_sheet(
        rubric,
        assignments,
        tree=plan.tree,
        source=_SOURCE_OF_ROLE[actor.role],
        rater="考评组" if actor.role is ActorRole.OFFICE else actor.name,
        title=f"{plan.title}：{actor.name}评分表",
        file_format=fmt,
    )
    write_atomic(output, sheet.data)
    sys.stdout.write(
        f"已写入评分表 {output}：{actor.label}，{len(sheet.units)} 个单位 × "
        f"{len(sheet.indicators)} 个指标\n"
    )
    for item_id, why in sheet.left_out:
        sys.stdout.write(f"  不在表内 {item_id}：{why}\n")
    return 0


# -- status -----------------------------------------------------------------------

_COUNTED = (
    ItemStatus.RECEIVED,
    ItemStatus.ACCEPTED,
    ItemStatus.RETURNED,
    ItemStatus.MISSING,
    ItemStatus.NOT_APPLICABLE,
)


def _counts(rows: Iterable[CollectionRow]) -> list[str]:
    found = dict.fromkeys(_COUNTED, 0)
    for row in rows:
        found[row.status] += 1
    return [str(found[status]) for status in _COUNTED]


def status(args: argparse.Namespace) -> int:
    """The collection: department × indicator, and what each still owes."""
    _store, season_id, ledger = load_season(args)
    plan = ledger.plan
    rows = ledger.collection().rows
    if args.actor is not None:
        plan.authority.actor(args.actor)  # an unknown actor is refused, named
        rows = tuple(row for row in rows if row.owner == args.actor)
    if args.format != "text":
        header = ("owner", "unit_id", "indicator_id", "status", "status_zh", "note")
        _write_rows(
            [
                header,
                *(
                    (
                        r.owner,
                        r.unit_id,
                        r.indicator_id,
                        r.status.value,
                        r.status.label_zh,
                        r.note,
                    )
                    for r in rows
                ),
            ],
            args.format,
        )
        return 0
    state = ledger.state
    lines = [
        f"{state.title}（{season_id}）：{state.phase.label_zh}，版本 {state.version}",
    ]
    by_owner: dict[str, list[CollectionRow]] = {}
    for row in rows:
        by_owner.setdefault(row.owner, []).append(row)
    heading = ("评分部门", "应报", *(s.label_zh for s in _COUNTED))
    lines += table(
        [
            heading,
            *(
                (_name(ledger, owner), str(len(owned)), *_counts(owned))
                for owner, owned in by_owner.items()
            ),
        ],
        "<" + ">" * (len(heading) - 1),
        indent="  ",
    )
    for owner, owned in by_owner.items():
        lines += _owed(ledger, owner, owned, every=args.actor is not None)
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _name(ledger: Ledger, actor_id: str) -> str:
    authority = ledger.plan.authority
    return authority.actor(actor_id).name if actor_id in authority else actor_id


def _owed(
    ledger: Ledger, owner: str, rows: list[CollectionRow], *, every: bool
) -> list[str]:
    """An owner's indicators with something outstanding (all of them if *every*)."""
    by_indicator: dict[str, list[CollectionRow]] = {}
    for row in rows:
        by_indicator.setdefault(row.indicator_id, []).append(row)
    shown = {
        indicator_id: found
        for indicator_id, found in by_indicator.items()
        if every or any(r.status.outstanding for r in found)
    }
    if not shown:
        return []
    lines = [f"【{_name(ledger, owner)}（{owner}）】"]
    cells = [("指标", "名称", *(s.label_zh for s in _COUNTED))]
    for indicator_id, found in shown.items():
        title = ledger.plan.rubric_of(found[0].unit_id).indicator(indicator_id).title
        cells.append((indicator_id, title, *_counts(found)))
    lines += table(cells, "<<" + ">" * len(_COUNTED), indent="  ")
    returned = [r for r in rows if r.status is ItemStatus.RETURNED]
    missing = [r for r in rows if r.status is ItemStatus.MISSING]
    for row in returned:
        lines.append(f"  退回补正 {row.unit_id} {row.indicator_id}：{row.note}")
    if missing:
        units = list(dict.fromkeys(r.unit_id for r in missing))
        more = f" 等 {len(units)} 个单位" if len(units) > 6 else ""
        lines.append(f"  未报送：{'、'.join(units[:6])}{more}（{len(missing)} 项）")
    return lines


# -- verify and replay ------------------------------------------------------------


def verify(args: argparse.Namespace) -> int:
    """Recompute the hash chain: exit 0 and the last hash, or 1 and the first bad event."""
    store = open_store(args)
    season_id = season_of(store, args)
    try:
        summary = store.verify(season_id)
    except TamperedError as exc:
        sys.stderr.write(f"pbcheck season verify: 校验未通过 / tampered: {exc}\n")
        return 1
    sys.stdout.write(
        f"校验通过 / sound: 考核 {season_id} 共 {summary.events} 个事件，"
        f"最新哈希 {summary.last_hash}\n"
    )
    return 0


def replay(args: argparse.Namespace) -> int:
    """The season as it stood at the end of ``--as-of``: phase, collection, 公示 list."""
    store = open_store(args)
    season_id = season_of(store, args)
    ledger = store.load(season_id, as_of=args.as_of)
    state = ledger.state
    lines = [
        f"{state.title}（{season_id}）截至 {args.as_of.isoformat()}：",
        f"  阶段：{state.phase.label_zh}；事件 {state.version} 个"
        + (f"，最近一次 {state.last_at.isoformat()}" if state.last_at else ""),
    ]
    counts = ledger.collection().counts()
    lines.append(
        "  报送："
        + "，".join(f"{s.label_zh} {counts[s]}" for s in _COUNTED if counts[s])
    )
    if state.publicity_starts is not None and state.publicity_ends is not None:
        lines.append(
            f"  公示：{state.publicity_starts.isoformat()} 至 "
            f"{state.publicity_ends.isoformat()}"
        )
    lines += [
        f"  异议 {o.objection_id}（{o.unit_id}）：{o.status_zh}"
        for o in ledger.objections()
    ]
    if state.approved_at is not None:
        lines.append(
            f"  已审定：{state.approved_at.isoformat()} {state.approved_reason}"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    published = ledger.published()
    if published is not None:
        sys.stdout.write("\n公示的初步结果：\n")
        if args.table:
            print_season(published, None)
        else:
            sys.stdout.write("\n".join(published.outcomes.summary_lines()[:1]) + "\n")
            sys.stdout.write(_lists(ledger, published))
    return 0


def _lists(ledger: Ledger, results: Results) -> str:
    """Each series' first and last place, and the list lines, briefly."""
    tree = ledger.plan.tree
    by_unit = {card.unit_id: card for card in results.scorecards}
    lines = []
    for series, ranking in results.outcomes.rankings.items():
        entries = list(ranking)
        if not entries:
            continue
        first, last = entries[0], entries[-1]
        lines.append(
            f"  【{series}】第1名 {tree[first.unit_id].name} "
            f"{by_unit[first.unit_id].show(by_unit[first.unit_id].total)}；"
            f"第{last.rank}名 {tree[last.unit_id].name} "
            f"{by_unit[last.unit_id].show(by_unit[last.unit_id].total)}"
        )
    return "\n".join(lines) + "\n"


# -- rectification ----------------------------------------------------------------


def _items(ledger: Ledger) -> list[RectificationItem]:
    return [i for i in ledger.rectification() if isinstance(i, RectificationItem)]


_ITEM_HEADER = ("编号", "单位", "来源", "责任人", "期限", "状态", "问题")


def _item_row(ledger: Ledger, item: RectificationItem) -> tuple[str, ...]:
    tree = ledger.plan.tree
    name = tree[item.unit_id].name if item.unit_id in tree else item.unit_id
    return (
        item.item_id,
        name,
        _BASIS_ZH.get(item.basis, item.basis),
        item.responsible,
        item.deadline.isoformat(),
        item.status.label_zh,
        item.problem.splitlines()[0][:40] if item.problem else "",
    )


def print_items(
    ledger: Ledger, items: Sequence[object], *, limit: int | None = None
) -> None:
    """Rectification items as a text table (the first *limit* of them)."""
    shown = [i for i in items if isinstance(i, RectificationItem)]
    rows = [_item_row(ledger, i) for i in shown[:limit]]
    lines = table([_ITEM_HEADER, *rows], "<" * len(_ITEM_HEADER), indent="  ")
    if limit is not None and len(shown) > limit:
        lines.append(f"  … 另有 {len(shown) - limit} 项")
    sys.stdout.write("\n".join(lines) + "\n")


def rectify_list(args: argparse.Namespace) -> int:
    """The rectification ledger; only the overdue items with ``--overdue-as-of``."""
    _store, _season_id, ledger = load_season(args)
    items = _items(ledger)
    as_of: date | None = args.overdue_as_of
    shown = items if as_of is None else [i for i in items if i.overdue(as_of)]
    if args.format != "text":
        _write_rows(_ledger_rows(ledger, shown), args.format, keys=_LEDGER_KEYS)
        return 0
    if as_of is not None:
        sys.stdout.write(
            f"截至 {as_of.isoformat()} 逾期未销号 {len(shown)} 项（共 {len(items)} 项）\n"
        )
    else:
        sys.stdout.write(f"整改台账 {len(items)} 项\n")
    if shown:
        print_items(ledger, shown)
    return 0


_LEDGER_KEYS = (
    "item_id",
    "unit_id",
    "unit_name",
    "basis",
    "indicator_id",
    "responsible",
    "deadline",
    "status",
    "problem",
    "measures",
    "progress",
    "closed_at",
)


def _ledger_rows(
    ledger: Ledger, items: Sequence[RectificationItem]
) -> list[tuple[str, ...]]:
    """The 整改台账 as rows, header first (Chinese headings)."""
    tree = ledger.plan.tree
    header = (
        "编号",
        "单位编码",
        "单位名称",
        "来源",
        "指标",
        "责任人",
        "整改期限",
        "状态",
        "问题",
        "整改措施",
        "整改进展",
        "销号时间",
    )
    rows: list[tuple[str, ...]] = [header]
    for item in items:
        closed = item.closed_at
        rows.append(
            (
                item.item_id,
                item.unit_id,
                tree[item.unit_id].name if item.unit_id in tree else "",
                _BASIS_ZH.get(item.basis, item.basis),
                item.indicator_id or "",
                item.responsible,
                item.deadline.isoformat(),
                item.status.label_zh,
                item.problem,
                "\n".join(item.measures),
                "\n".join(p.progress for p in item.progress),
                closed.isoformat() if closed is not None else "",
            )
        )
    return rows


# -- export -----------------------------------------------------------------------


def _csv_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow([_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def _safe(cell: object) -> str:
    text = "" if cell is None else str(cell)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _xlsx_bytes(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes | None:
    """The tables as one workbook, every cell text; ``None`` without openpyxl."""
    try:
        from openpyxl import Workbook  # noqa: PLC0415 - optional extra
    except ImportError:
        return None
    book = Workbook()
    first = True
    for title, rows in sheets.items():
        if first:
            sheet = book.active
            assert sheet is not None  # noqa: S101 - a new workbook has a sheet
            sheet.title = title
            first = False
        else:
            sheet = book.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, value in enumerate(row, 1):
                cell = sheet.cell(r, c)
                cell.value = "" if value is None else str(value)
                cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _policies(
    args: argparse.Namespace,
) -> tuple[PerformancePolicy | None, EligibilityPolicy]:
    """The 结果运用 policies of ``--policy FILE``: ``[performance]``, ``[eligibility]``."""
    if args.policy is None:
        return None, EligibilityPolicy()
    args.where = args.policy
    raw = read_table(args.policy)
    unknown = sorted(set(raw) - {"performance", "eligibility"})
    if unknown:
        raise ValidationError(
            "invalid policy file",
            [
                InvalidValueError(
                    (DOCUMENT, key), raw[key], "is not performance or eligibility"
                )
                for key in unknown
            ],
        )
    performance = raw.get("performance")
    eligibility = raw.get("eligibility", {})
    for key, value in (("performance", performance), ("eligibility", eligibility)):
        if value is not None and not isinstance(value, dict):
            raise ValidationError(
                "invalid policy file",
                [InvalidTypeError((DOCUMENT, key), value, "must be a table")],
            )
    try:
        return (
            None if performance is None else PerformancePolicy(**performance),
            EligibilityPolicy(**eligibility),
        )
    except TypeError as exc:  # a key the policy does not take
        raise ValidationError(
            "invalid policy file",
            [
                InvalidValueError(
                    (DOCUMENT,), str(args.policy), f"has an unknown key: {exc}"
                )
            ],
        ) from None


def _performance_rows(
    results: Results, policy: PerformancePolicy
) -> list[tuple[str, ...]]:
    kind = {"points": "分值", "coefficient": "系数"}
    rows: list[tuple[str, ...]] = [
        ("单位编码", "单位名称", "等次", "折算方式", "折算结果", "说明")
    ]
    rows += [
        (
            r.unit_id,
            r.unit_name,
            r.grade or "",
            kind.get(r.kind, r.kind),
            r.text,
            r.reason,
        )
        for r in performance_table(results, policy)
    ]
    return rows


def _eligibility_rows(
    results: Results, policy: EligibilityPolicy
) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [
        ("单位编码", "单位名称", "职务", "姓名", "评先评优资格", "年度考核备注", "说明")
    ]
    rows += [
        (
            r.unit_id,
            r.unit_name,
            r.role_zh,
            r.person or "（未登记）",
            "保留" if r.eligible else "取消",
            r.note,
            r.reason,
        )
        for r in eligibility_table(results, policy)
    ]
    return rows


def export(args: argparse.Namespace) -> int:
    """Results document, report set, and the 整改台账 (CSV, and xlsx with the excel extra)."""
    _store, season_id, ledger = load_season(args)
    results = ledger.published() if args.provisional else ledger.final()
    if results is None:
        raise RefusedError(
            "export the results",
            "no 公示 has been opened"
            if args.provisional
            else "the results are not approved (审定) yet; export the published "
            "ones with --provisional",
        )
    folder: Path = args.output
    folder.mkdir(parents=True, exist_ok=True)
    document = dump(results, folder / "results.json")
    sys.stderr.write(f"已写入 / wrote {document}\n")
    code = _report.run(
        argparse.Namespace(
            results=document,
            output=folder / "report",
            previous=[],
            formats=args.formats,
            stem="report",
            charts=args.charts,
        )
    )
    if code:
        return code
    performance, eligibility = _policies(args)
    tables: dict[str, Sequence[Sequence[object]]] = {}
    if performance is not None:
        tables["结果运用-年度绩效"] = _performance_rows(results, performance)
    tables["结果运用-评先评优"] = _eligibility_rows(results, eligibility)
    tables["整改台账"] = _ledger_rows(ledger, _items(ledger))
    for title, rows in tables.items():
        path = write_atomic(folder / f"{title}.csv", _csv_bytes(rows))
        sys.stderr.write(f"已写入 / wrote {path}\n")
    if performance is None:
        sys.stderr.write(
            "未导出年度绩效折算表：等次折算分值由考核办规定，用 --policy FILE 给出 / "
            "no performance table without --policy (the points are the office's rule)\n"
        )
    workbook = _xlsx_bytes(dict(tables))
    if workbook is not None:
        path = write_atomic(folder / "结果运用与整改台账.xlsx", workbook)  # one book
        sys.stderr.write(f"已写入 / wrote {path}\n")
    kind = "初步结果（公示）" if args.provisional else "审定结果"
    sys.stdout.write(
        f"已导出考核 {season_id} 的{kind}：{len(results.scorecards)} 个单位 → {folder}\n"
    )
    return 0
