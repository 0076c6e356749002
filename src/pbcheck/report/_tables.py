"""The report's tables as rows of cells, shared by every renderer.

A cell is text, an exact number (:class:`~fractions.Fraction`, shown by the
report's rounding policy) or a :class:`Ratio` (an attainment, shown as a
percentage).  Markdown, HTML and CSV show the rounded text; the workbook
stores the rounded value as a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs

from pbcheck.report._model import (
    CycleReport,
    ListEntry,
    SeriesTable,
    UnitBreakdown,
    UnitLine,
)
from pbcheck.scoring.audit import AuditStatus, AuditTrail

Cell = str | int | Fraction


@attrs.frozen
class Ratio:
    """A share in ``[0, 1]`` shown as a percentage (完成度)."""

    value: Fraction


@attrs.frozen
class Table:
    """A titled table: headers and rows of cells; ``key`` names it in files."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell | Ratio, ...], ...]


YES = "是"

SUMMARY_HEADERS = (
    "名次",
    "单位编号",
    "单位名称",
    "总分",
    "基础分",
    "加分",
    "扣分",
    "等次",
    "表彰",
    "处于后位",
    "一票否决",
)


def flag(value: bool) -> str:
    """``是`` for a set flag, empty otherwise."""
    return YES if value else ""


def _summary_cells(line: UnitLine) -> tuple[Cell, ...]:
    """A unit's cells under :data:`SUMMARY_HEADERS`."""
    return (
        line.rank,
        line.unit_id,
        line.name,
        line.total,
        line.base,
        line.bonus,
        line.deductions,
        line.grade,
        flag(line.commended),
        flag(line.at_bottom),
        flag(line.vetoed),
    )


def summary(table: SeriesTable) -> Table:
    """The ranking table of one series."""
    rows = tuple(_summary_cells(line) for line in table.lines)
    return Table(
        "series", f"{table.series}（{len(table.lines)} 个单位）", SUMMARY_HEADERS, rows
    )


def grade_counts(report: CycleReport) -> Table:
    """How many units of each series got each grade."""
    rows: list[tuple[Cell | Ratio, ...]] = []
    for table in report.series:
        counts = dict.fromkeys(report.grade_labels, 0)
        for line in table.lines:
            counts[line.grade] = counts.get(line.grade, 0) + 1
        rows.append((table.series, len(table.lines), *counts.values()))
    return Table(
        "grades", "等次分布", ("系列", "单位数", *report.grade_labels), tuple(rows)
    )


def _listing(key: str, title: str, entries: Sequence[ListEntry]) -> Table:
    return Table(
        key,
        f"{title}（{len(entries)} 个单位）",
        ("系列", "名次", "单位编号", "单位名称", "理由"),
        tuple((e.series, e.rank, e.unit_id, e.name, e.reason) for e in entries),
    )


def commended(report: CycleReport) -> Table:
    """The commendation list with reasons."""
    return _listing("commended", report.commendation_title, report.commended)


def bottom(report: CycleReport) -> Table:
    """The bottom list with reasons."""
    return _listing("bottom", "考评处于后位", report.bottom)


def escalations(report: CycleReport) -> Table:
    """Escalation actions for runs at the bottom."""
    return Table(
        "escalations",
        f"连续 {report.escalation_length} 年处于后位：问责与整改",
        (
            "单位编号",
            "单位名称",
            "系列",
            "连续后位周期",
            "措施",
            "责任主体",
            "完成期限",
            "说明",
        ),
        tuple(
            (
                e.unit_id,
                e.name,
                e.series,
                e.streak,
                e.label,
                e.by,
                e.due.isoformat(),
                e.reason,
            )
            for e in report.escalations
        ),
    )


def profile(report: CycleReport, table: SeriesTable) -> Table:
    """Points of each top section per unit of a series (分项得分)."""
    by_unit = {unit.line.unit_id: unit for unit in report.units}
    ids = list(report.section_titles)
    rows = []
    for line in table.lines:
        points = {s.section_id: s.points for s in by_unit[line.unit_id].top_sections}
        rows.append(
            (
                line.rank,
                line.name,
                *(points.get(section_id, "") for section_id in ids),
                line.bonus,
                line.deductions,
                line.total,
            )
        )
    headers = (
        "名次",
        "单位名称",
        *report.section_titles.values(),
        "加分",
        "扣分",
        "总分",
    )
    return Table("profile", f"{table.series}：分项得分", headers, tuple(rows))


def items(report: CycleReport, units: Sequence[UnitBreakdown] | None = None) -> Table:
    """Every bonus, deduction and veto item of every unit (or of *units*)."""
    kinds = {"bonus": "加分", "deduction": "扣分", "veto": "一票否决"}
    rows = tuple(
        (
            unit.line.unit_id,
            unit.line.name,
            unit.line.series,
            kinds[item.kind],
            item.item_id,
            item.title,
            item.claimed,
            item.counted,
            item.note,
        )
        for unit in (report.units if units is None else units)
        for item in unit.items
    )
    return Table(
        "items",
        "加分、扣分与一票否决事项",
        (
            "单位编号",
            "单位名称",
            "系列",
            "类别",
            "事项编号",
            "事项",
            "申报",
            "计入",
            "说明",
        ),
        rows,
    )


def audit(report: CycleReport) -> Table:
    """Every input record and its status (审计记录), by unit id, then as input.

    Empty when the report has no audit trail.
    """
    trail = report.audit or AuditTrail(())
    order = {"observation": 0, "activity": 1, "incident": 2}
    entries = sorted(
        trail,
        key=lambda e: (e.unit_id, e.evaluation_index, order[e.kind], e.index),
    )
    rows = tuple(e.row() for e in entries)
    return Table("audit", "审计记录", AuditTrail.columns, rows)


def audit_counts(trail: AuditTrail) -> Table:
    """How many records have each status."""
    rows = tuple(
        (status.label_zh, status.value, count)
        for status, count in trail.counts().items()
    )
    return Table("audit_counts", "审计记录", ("状态", "状态代码", "条数"), rows)


def audit_line(trail: AuditTrail) -> str:
    """One sentence: every input record is accounted for, and how."""
    rejected = trail.counts()[AuditStatus.REJECTED]
    tail = f"其中 {rejected} 条被退回，见审计记录表。" if rejected else "无退回记录。"
    return f"本年度全部考评记录均有去向：{trail.summary()}。{tail}"


_SECTION_HEADERS = ("部分编号", "部分名称", "层级", "得分", "满分", "完成度")


def sections(unit: UnitBreakdown) -> Table:
    """Every section of one unit: points, maximum and attainment."""
    return Table(
        "sections",
        f"{unit.line.name}：各部分得分",
        _SECTION_HEADERS,
        tuple(
            (
                s.section_id,
                s.title,
                s.depth + 1,
                s.points,
                s.possible,
                Ratio(s.attainment),
            )
            for s in unit.sections
        ),
    )


_INDICATOR_HEADERS = (
    "指标编号",
    "指标名称",
    "所属部分",
    "得分",
    "满分",
    "折合分",
    "占总分",
    "说明",
)


def indicators(unit: UnitBreakdown) -> Table:
    """Every quantified standard of one unit."""
    return Table(
        "indicators",
        f"{unit.line.name}：各项指标得分",
        _INDICATOR_HEADERS,
        tuple(
            (
                i.indicator_id,
                i.title,
                i.section_id,
                i.points,
                i.max_points,
                i.contribution,
                i.possible,
                i.reason,
            )
            for i in unit.indicators
        ),
    )


def indicators_long(report: CycleReport) -> Table:
    """Every quantified standard of every unit, one row each."""
    rows = tuple(
        (unit.line.unit_id, unit.line.name, unit.line.series, *row)
        for unit in report.units
        for row in indicators(unit).rows
    )
    return Table(
        "indicators",
        "各项指标得分",
        ("单位编号", "单位名称", "系列", *_INDICATOR_HEADERS),
        rows,
    )


def units_long(report: CycleReport) -> Table:
    """One row per unit with every reason: the main CSV table."""
    rows = tuple(
        (
            line.series,
            *_summary_cells(line),
            line.rank_reason,
            line.grade_reason,
            line.commendation_reason,
            line.bottom_reason,
        )
        for line in report.lines
    )
    headers = (
        "系列",
        *SUMMARY_HEADERS,
        "排名说明",
        "等次说明",
        "评先说明",
        "后位说明",
    )
    return Table("units", "考评结果", headers, rows)


def sections_long(report: CycleReport) -> Table:
    """Every section of every unit, one row each."""
    rows = tuple(
        (unit.line.unit_id, unit.line.name, unit.line.series, *row)
        for unit in report.units
        for row in sections(unit).rows
    )
    return Table(
        "sections",
        "各部分得分",
        ("单位编号", "单位名称", "系列", *_SECTION_HEADERS),
        rows,
    )


def show(report: CycleReport, cell: Cell | Ratio) -> str:
    """A cell as text: numbers rounded once by the report's policy."""
    if isinstance(cell, Ratio):
        return f"{report.rounding.format(cell.value * 100)}%"
    if isinstance(cell, Fraction):
        return report.show(cell)
    return str(cell)
