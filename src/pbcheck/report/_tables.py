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


def rubric_fact(report: CycleReport) -> str:
    """What the report was scored on: ``标题（版本版，编号）``, or the set and its rubrics.

    >>> from pbcheck.examples.small import small_report
    >>> rubric_fact(small_report())
    '示例细则（1版，simple）'
    """
    if not report.rubric_set:
        return f"{report.title}（{report.rubric_version}版，{report.rubric_id}）"
    rubrics = "；".join(
        f"{title}（{rubric_id}）" for rubric_id, title in report.rubric_titles.items()
    )
    return f"{report.title}（{report.rubric_version}版，分类考核：{rubrics}）"


def flag(value: bool) -> str:
    """``是`` for a set flag, empty otherwise."""
    return YES if value else ""


#: The column naming each unit's rubric, in a report of several (分类考核).
RUBRIC_HEADER = "考核细则"

#: How a section that does not apply to a unit shows (every indicator 合理缺项).
NOT_APPLICABLE = "合理缺项"


def _summary_headers(report: CycleReport) -> tuple[str, ...]:
    """:data:`SUMMARY_HEADERS`, with the rubric after the name if rubrics differ."""
    if not report.several_rubrics:
        return SUMMARY_HEADERS
    return (*SUMMARY_HEADERS[:3], RUBRIC_HEADER, *SUMMARY_HEADERS[3:])


def _summary_cells(report: CycleReport, line: UnitLine) -> tuple[Cell, ...]:
    """A unit's cells under :func:`_summary_headers`."""
    rubric = (report.rubric_title(line),) if report.several_rubrics else ()
    return (
        line.rank,
        line.unit_id,
        line.name,
        *rubric,
        line.total,
        line.base,
        line.bonus,
        line.deductions,
        line.grade,
        flag(line.commended),
        flag(line.at_bottom),
        flag(line.vetoed),
    )


def summary(report: CycleReport, table: SeriesTable) -> Table:
    """The ranking table of one series; each row names its rubric if rubrics differ."""
    rows = tuple(_summary_cells(report, line) for line in table.lines)
    return Table(
        "series",
        f"{table.series}（{len(table.lines)} 个单位）",
        _summary_headers(report),
        rows,
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


def unranked(report: CycleReport) -> Table:
    """Units assessed and graded but not publicly ranked, each with the reason."""
    return Table(
        "unranked",
        "参加考核、不参加公开排名的单位",
        ("单位编号", "单位名称", "系列", "总分", "等次", "说明"),
        tuple(
            (e.unit_id, e.name, e.series, e.total, e.grade, e.reason)
            for e in report.unranked
        ),
    )


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


def profiles(report: CycleReport, table: SeriesTable) -> list[Table]:
    """Points of each top section per unit of a series (分项得分), one table per rubric.

    Units assessed by different rubrics (分类考核) have different sections:
    each rubric's units get their own table, with that rubric's sections, so
    no table mixes them.  A section that does not apply to a unit (every
    indicator 合理缺项) shows as ``合理缺项``.
    """
    by_unit = {unit.line.unit_id: unit for unit in report.units}
    groups: dict[str, list[UnitLine]] = {}
    for line in table.lines:
        groups.setdefault(line.rubric_id, []).append(line)
    out = []
    for rubric_id, lines in groups.items():
        titles = report.rubric_sections.get(rubric_id, {})
        rows = []
        for line in lines:
            shown: dict[str, Cell] = {
                s.section_id: s.points if s.applicable else NOT_APPLICABLE
                for s in by_unit[line.unit_id].top_sections
            }
            rows.append(
                (
                    line.rank,
                    line.name,
                    *(shown.get(section_id, "") for section_id in titles),
                    line.bonus,
                    line.deductions,
                    line.total,
                )
            )
        headers = ("名次", "单位名称", *titles.values(), "加分", "扣分", "总分")
        scope = table.series
        if report.several_rubrics:
            scope += f"（{report.rubric_titles.get(rubric_id, rubric_id)}）"
        out.append(Table("profile", f"{scope}：分项得分", headers, tuple(rows)))
    return out


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
    order = {"observation": 0, "activity": 1, "incident": 2, "not_applicable": 3}
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
    """Every section of one unit: points, maximum and attainment.

    A section that does not apply to the unit (every indicator 合理缺项)
    shows ``合理缺项`` for its points and attainment, not 0.
    """
    return Table(
        "sections",
        f"{unit.line.name}：各部分得分",
        _SECTION_HEADERS,
        tuple(
            (
                s.section_id,
                s.title,
                s.depth + 1,
                s.points if s.applicable else NOT_APPLICABLE,
                s.possible,
                Ratio(s.attainment) if s.applicable else NOT_APPLICABLE,
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
    """Every quantified standard of one unit.

    An indicator that does not apply to the unit shows ``合理缺项（原因）``
    as its points, never 0; what it adds to the total is then empty when it
    counts for nothing (pro-rata) and its share when the rubric gives full
    marks.
    """
    return Table(
        "indicators",
        f"{unit.line.name}：各项指标得分",
        _INDICATOR_HEADERS,
        tuple(
            (
                i.indicator_id,
                i.title,
                i.section_id,
                i.points if i.shown_points is None else i.shown_points,
                i.max_points,
                i.contribution
                if i.not_applicable is None or i.possible
                else NOT_APPLICABLE,
                i.possible,
                i.reason,
            )
            for i in unit.indicators
        ),
    )


def _unit_columns(report: CycleReport) -> tuple[str, ...]:
    """The columns naming a unit in a long table: the rubric too if rubrics differ."""
    rubric = (RUBRIC_HEADER,) if report.several_rubrics else ()
    return ("单位编号", "单位名称", "系列", *rubric)


def _unit_cells(report: CycleReport, unit: UnitBreakdown) -> tuple[Cell, ...]:
    """A unit's cells under :func:`_unit_columns`."""
    line = unit.line
    rubric = (report.rubric_title(line),) if report.several_rubrics else ()
    return (line.unit_id, line.name, line.series, *rubric)


def indicators_long(report: CycleReport) -> Table:
    """Every quantified standard of every unit, one row each."""
    rows = tuple(
        (*_unit_cells(report, unit), *row)
        for unit in report.units
        for row in indicators(unit).rows
    )
    return Table(
        "indicators",
        "各项指标得分",
        (*_unit_columns(report), *_INDICATOR_HEADERS),
        rows,
    )


def units_long(report: CycleReport) -> Table:
    """One row per unit with every reason: the main CSV table."""
    rows = tuple(
        (
            line.series,
            *_summary_cells(report, line),
            line.rank_reason,
            line.grade_reason,
            line.commendation_reason,
            line.bottom_reason,
        )
        for line in report.lines
    )
    headers = (
        "系列",
        *_summary_headers(report),
        "排名说明",
        "等次说明",
        "评先说明",
        "后位说明",
    )
    return Table("units", "考评结果", headers, rows)


def sections_long(report: CycleReport) -> Table:
    """Every section of every unit, one row each."""
    rows = tuple(
        (*_unit_cells(report, unit), *row)
        for unit in report.units
        for row in sections(unit).rows
    )
    return Table(
        "sections",
        "各部分得分",
        (*_unit_columns(report), *_SECTION_HEADERS),
        rows,
    )


def show(report: CycleReport, cell: Cell | Ratio) -> str:
    """A cell as text: numbers rounded once by the report's policy."""
    if isinstance(cell, Ratio):
        return f"{report.rounding.format(cell.value * 100)}%"
    if isinstance(cell, Fraction):
        return report.show(cell)
    return str(cell)
