"""Score-sheet templates (评分表模板): the wide sheet a scorer fills in and sends back.

A season's office hands each department (评分部门) a sheet listing every unit
it must score and every indicator it owns; filled in, the sheet is read back
by :func:`pbcheck.io.spreadsheets.read_evaluations` with ``layout="wide"`` and
no other option.  The layout is exactly that reader's: headers in row 1,
``单位编码`` / ``单位名称`` / ``评分来源`` / ``评分人`` / ``日期`` and then one
column per indicator, headed by the indicator's title (its id where two
indicators share a title), one row per unit with its id, name, source and
rater already written.

What a wide sheet cannot hold is left out and listed on the instructions
sheet (``填表说明``): frequency indicators (scored from dated activity
records, 三会一课 and the like) and deduction and veto items (recorded as
incidents).  The workbook also carries, cheaply, what helps a scorer get it
right first time: a note on each indicator header (id, maximum, how it is
scored), Excel data validation on the value cells (pass/fail from a list,
scores between 0 and the maximum, counts as whole numbers) as *warnings*, so
that ``合理缺项：原因`` can still be written, and cells of an indicator a unit
is not assigned shaded grey.  The CSV variant has the same header and rows
(UTF-8 with a byte-order mark, which Excel on Chinese Windows opens
correctly).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import attrs

from pbcheck._exact_text import format_exact
from pbcheck.errors import (
    InvalidValueError,
    MissingExtraError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.evaluation import Source
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Indicator, Rubric
from pbcheck.model.rules import DirectScore, _is_value_rule

if TYPE_CHECKING:
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["ScoreSheet", "score_sheet"]

#: The fixed columns, in order; each header is one ``read_evaluations`` knows.
_FIXED = ("序号", "单位编码", "单位名称", "评分来源", "评分人", "日期")

#: The sheet the scores go on, and the one that explains them.
SHEET = "评分表"
NOTES = "填表说明"

_KIND_ZH = {
    "pass_fail": "填“达标”或“未达标”",
    "number": "填数值（可写分数形式，如 1/3）",
    "count": "填次数、件数（整数）",
}


@attrs.frozen
class ScoreSheet:
    """A score-sheet template: the file's bytes and what it asks for.

    Args:
        data: the file (.xlsx or .csv) as bytes.
        file_format: ``"xlsx"`` or ``"csv"``.
        units: the units it has a row for, in order.
        indicators: the indicators it has a column for, in order.
        headers: each indicator column's header, by indicator id.
        left_out: assigned items a wide sheet cannot hold (frequency
            indicators, deduction and veto items), with the reason.

    A veto item is reported as an incident, so the sheet leaves it out and
    says why:

    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> sheet = score_sheet(
    ...     simple_rubric(),
    ...     [("a", "i"), ("a", "V"), ("b", "i")],
    ...     tree=org_tree({"党群部门": ["a", "b"]}),
    ...     file_format="csv",
    ... )
    >>> sheet.units, sheet.indicators, sheet.headers
    (('a', 'b'), ('i',), {'i': '综合评分'})
    >>> sheet.left_out
    (('V', '发生严重违纪违法问题：扣分、一票否决事项按事项（Incident）报送，不在本表填分'),)
    """

    data: bytes
    file_format: Literal["xlsx", "csv"]
    units: tuple[str, ...]
    indicators: tuple[str, ...]
    headers: dict[str, str]
    left_out: tuple[tuple[str, str], ...]


def score_sheet(  # noqa: PLR0913 - every option is keyword-only
    rubric: Rubric,
    assignments: Iterable[tuple[str, str]],
    *,
    tree: OrgTree | None = None,
    source: Source | str = Source.DEPARTMENT,
    rater: str = "",
    title: str = "",
    file_format: Literal["xlsx", "csv"] = "xlsx",
) -> ScoreSheet:
    """A score-sheet template for *assignments*, ready to fill in.

    Args:
        rubric: the rubric the scores belong to.
        assignments: ``(unit_id, item_id)`` pairs the scorer must fill in,
            e.g. ``ledger.assignments("jw")``; units and indicators keep the
            order they first appear in.
        tree: gives each row its unit's name (and checks the units).
        source: what the 评分来源 column says (``部门评议`` by default).
        rater: what the 评分人 column says, e.g. the department's name.
        title: the sheet's title on the instructions sheet.
        file_format: ``"xlsx"`` (needs the ``excel`` extra) or ``"csv"``.

    Returns:
        The template and what it holds.

    Raises:
        pbcheck.errors.ValidationError: an assignment names an item that
            is not in the rubric or a unit not in *tree*, or nothing is left
            to fill in.
        pbcheck.errors.MissingExtraError: ``.xlsx`` without openpyxl.

    组织部's sheet for section A of two units, filled in (单位a lacks 行政审批,
    a 合理缺项 written in its cell) and read back:

    >>> from pbcheck.examples.small import org_tree, waiver_rubric
    >>> from pbcheck.io.spreadsheets import read_evaluations
    >>> sheet = score_sheet(
    ...     waiver_rubric(),
    ...     [("a", "A1"), ("a", "A2"), ("b", "A1"), ("b", "A2")],
    ...     tree=org_tree({"党群部门": ["a", "b"]}),
    ...     rater="组织部",
    ...     file_format="csv",
    ... )
    >>> text = sheet.data.decode("utf-8-sig")
    >>> print(text)  # doctest: +NORMALIZE_WHITESPACE
    序号,单位编码,单位名称,评分来源,评分人,日期,基础台账,行政审批服务
    1,a,单位a,部门评议,组织部,,,
    2,b,单位b,部门评议,组织部,,,
    >>> blank = "部门评议,组织部,,,"
    >>> filled = text.replace(
    ...     "单位a," + blank, "单位a,部门评议,组织部,,36,合理缺项：本单位无行政审批职能"
    ... ).replace("单位b," + blank, "单位b,部门评议,组织部,,38,27")
    >>> read = read_evaluations(
    ...     filled.encode(), waiver_rubric(), layout="wide", file_format="csv"
    ... )
    >>> for evaluation in read.evaluations:
    ...     print(
    ...         evaluation.unit_id,
    ...         [(o.indicator_id, o.value) for o in evaluation.observations],
    ...         [n.reason for n in evaluation.not_applicable],
    ...     )
    a [('A1', 36)] ['本单位无行政审批职能']
    b [('A1', 38), ('A2', 27)] []
    """
    if file_format not in ("xlsx", "csv"):
        raise InvalidValueError(
            ("file_format",), file_format, "must be 'xlsx' or 'csv'"
        )
    source = _source(source)
    problems = _Problems("cannot make a score sheet")
    incidents = {d.id: d.title for d in rubric.deductions} | {
        v.id: v.title for v in rubric.vetoes
    }
    units: dict[str, set[str]] = {}
    indicators: dict[str, Indicator] = {}
    left_out: dict[str, str] = {}
    for index, pair in enumerate(assignments):
        unit_id, item_id = pair
        if tree is not None and unit_id not in tree:
            problems.add(
                UnknownReferenceError(
                    ("assignments", index, 0), unit_id, "names no unit in the org tree"
                )
            )
            continue
        if item_id in incidents:
            left_out[item_id] = (
                f"{incidents[item_id]}：扣分、一票否决事项按事项（Incident）报送，不在本表填分"
            )
            continue
        try:
            indicator = rubric.indicator(item_id)
        except KeyError:
            problems.add(
                UnknownReferenceError(
                    ("assignments", index, 1),
                    item_id,
                    f"names no indicator of rubric {rubric.id!r}",
                )
            )
            continue
        if not _is_value_rule(indicator.rule):
            left_out[item_id] = (
                f"{indicator.title}：按活动记录（三会一课等）计分，报送活动记录，不在本表填分"
            )
            continue
        indicators.setdefault(item_id, indicator)
        units.setdefault(unit_id, set()).add(item_id)
    if not problems and not indicators:
        problems.add(
            InvalidValueError(
                ("assignments",),
                sorted(left_out),
                "leave nothing a score sheet can hold (no value-scored indicator)",
            )
        )
    problems.raise_if_any()
    order = _rubric_order(rubric, indicators)
    headers = _headers(rubric, order)
    names = {u: (tree[u].name if tree is not None else "") for u in units}
    rows = [
        [str(number), unit_id, names[unit_id], source.label_zh, rater, ""]
        + [""] * len(order)
        for number, unit_id in enumerate(units, 1)
    ]
    header = [*_FIXED, *(headers[i.id] for i in order)]
    if file_format == "csv":
        data = _csv(header, rows)
    else:
        data = _xlsx(header, rows, order, units, title or rater, left_out)
    return ScoreSheet(
        data,
        file_format,
        tuple(units),
        tuple(i.id for i in order),
        headers,
        tuple(left_out.items()),
    )


def _source(value: Source | str) -> Source:
    try:
        return Source(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Source)
        raise InvalidValueError(
            ("source",), value, f"must be one of {allowed}"
        ) from None


def _rubric_order(rubric: Rubric, wanted: dict[str, Indicator]) -> list[Indicator]:
    """The wanted indicators in the rubric's order (regular, then bonus)."""
    every = [*rubric.indicators(), *rubric.bonus.indicators]
    return [i for i in every if i.id in wanted]


def _headers(rubric: Rubric, indicators: list[Indicator]) -> dict[str, str]:
    """Each indicator's header: its title where the reader maps that title to it, else its id.

    The reader maps a title to an indicator only when no other indicator of
    the rubric has it, and an id always wins over a title.
    """
    every = [*rubric.indicators(), *rubric.bonus.indicators]
    count: dict[str, int] = {}
    for indicator in every:
        count[indicator.title.strip()] = count.get(indicator.title.strip(), 0) + 1
    ids = {indicator.id for indicator in every}
    headers = {}
    for indicator in indicators:
        text = indicator.title.strip()
        unique = count[text] == 1 and text not in ids and text not in _FIXED
        headers[indicator.id] = text if unique else indicator.id
    return headers


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _rule_zh(indicator: Indicator) -> str:
    kind = getattr(indicator.rule, "value_kind", "number")
    how = _KIND_ZH.get(kind, _KIND_ZH["number"])
    if isinstance(indicator.rule, DirectScore):
        how = f"直接评分，填 0 至 {_points(indicator)} 分"
    return how


def _points(indicator: Indicator) -> str:
    return format_exact(indicator.max_points)


def _xlsx(  # noqa: PLR0913, PLR0917 - internal, called once above
    header: list[str],
    rows: list[list[str]],
    order: list[Indicator],
    units: dict[str, set[str]],
    title: str,
    left_out: dict[str, str],
) -> bytes:
    try:
        from openpyxl import Workbook  # noqa: PLC0415 - optional extra
        from openpyxl.comments import Comment  # noqa: PLC0415
        from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
        from openpyxl.utils import get_column_letter  # noqa: PLC0415
        from openpyxl.worksheet.datavalidation import (  # noqa: PLC0415
            DataValidation,
        )
    except ImportError:
        raise MissingExtraError("excel", "score-sheet templates (.xlsx)") from None
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has a sheet
    sheet.title = SHEET
    bold = Font(bold=True)
    for column, text in enumerate(header, 1):
        cell = sheet.cell(1, column)
        cell.value = text
        cell.data_type = "s"  # text, never a formula, whatever it starts with
        cell.font = bold
    for row, values in enumerate(rows, 2):
        for column, text in enumerate(values, 1):
            if text:
                cell = sheet.cell(row, column)
                cell.value = text
                cell.data_type = "s"
    first = len(_FIXED) + 1
    last_row = len(rows) + 1
    grey = PatternFill("solid", start_color="DDDDDD", end_color="DDDDDD")
    for offset, indicator in enumerate(order):
        column = first + offset
        letter = get_column_letter(column)
        how = _rule_zh(indicator)
        note = (
            f"{indicator.id} {indicator.title}\n满分 {_points(indicator)}；{how}。\n"
            "不适用时填：合理缺项：原因"
        )
        sheet.cell(1, column).comment = Comment(note, "pbcheck", width=260, height=110)
        check = _validation(DataValidation, indicator)
        check.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(check)
        for row, unit_id in enumerate(units, 2):
            if indicator.id not in units[unit_id]:
                sheet.cell(row, column).fill = grey
        sheet.column_dimensions[letter].width = 14
    for letter, width in (("A", 6), ("B", 12), ("C", 28), ("D", 10), ("E", 16)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"{get_column_letter(first)}2"

    _write_notes(book.create_sheet(NOTES), title, header[first - 1 :], order, left_out)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_notes(
    notes: Worksheet,
    title: str,
    headers: list[str],
    order: list[Indicator],
    left_out: dict[str, str],
) -> None:
    """The instructions sheet: how to fill in, each column, what is left out."""
    from openpyxl.styles import Font  # noqa: PLC0415 - optional extra, imported above

    lines = [
        title or "评分表",
        (
            "填写“评分表”工作表：每行一个单位，每个指标一列；单位编码、评分来源、"
            "评分人已填好，请勿改动表头、合并单元格或增加列。"
        ),
        "日期填评分日期（如 2026-05-12），不填时间。",
        (
            "达标类指标填“达标”或“未达标”；计分类填数值，小数超过 15 位时请写成"
            "分数文本（如 1/3）；不写百分号和单位。"
        ),
        (
            "某指标对本单位不适用时，填“合理缺项：原因”。空白单元格视为未评分；"
            "灰色单元格不属于该单位。"
        ),
    ]
    rows: list[tuple[str, ...]] = [(line,) for line in lines]
    rows.append(())
    heading = {len(rows) + 1}
    rows.append(("列名", "指标编码", "指标", "满分", "填写方法"))
    rows += [
        (head, ind.id, ind.title, _points(ind), _rule_zh(ind))
        for head, ind in zip(headers, order, strict=True)
    ]
    if left_out:
        rows.append(())
        heading.add(len(rows) + 1)
        rows.append(("不在本表填报的事项",))
        rows += list(left_out.items())
    for row, values in enumerate(rows, 1):
        for column, text in enumerate(values, 1):
            cell = notes.cell(row, column)
            cell.value = text
            cell.data_type = "s"  # text, never a formula
            if row in heading:
                cell.font = Font(bold=True)
    notes.cell(1, 1).font = Font(bold=True, size=14)
    for letter, width in (("A", 24), ("B", 12), ("C", 36), ("D", 8), ("E", 36)):
        notes.column_dimensions[letter].width = width


def _validation(factory: type[DataValidation], indicator: Indicator) -> DataValidation:
    """Excel's data validation for an indicator's cells, as a warning only.

    A warning, not a stop: ``合理缺项：原因`` fits no list or range, and the
    reader, not Excel, is the judge of a value.
    """
    kind = getattr(indicator.rule, "value_kind", "number")
    if kind == "pass_fail":
        check = factory(type="list", formula1='"达标,未达标"')
    elif kind == "count":
        check = factory(type="whole", operator="greaterThanOrEqual", formula1="0")
    elif isinstance(indicator.rule, DirectScore):
        check = factory(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=_points(indicator),
        )
    else:
        check = factory(type="decimal", operator="greaterThanOrEqual", formula1="0")
    check.allow_blank = True
    check.showErrorMessage = True
    check.errorStyle = "warning"
    check.errorTitle = "请核对"
    check.error = "填写不符合本指标的计分方式；确属不适用请填“合理缺项：原因”。"
    check.showInputMessage = True
    check.promptTitle = indicator.id[:32]
    check.prompt = f"满分 {_points(indicator)}；{_rule_zh(indicator)}"[:255]
    return check
