"""The print-ready workbook (issue 16): 失分清单 sheets and page setup on every sheet."""

from __future__ import annotations

import io

import pytest

from pbcheck.errors import ValidationError
from pbcheck.examples.small import scorecards, simple_rubric, small_report
from pbcheck.report import report_lost_points, to_workbook
from pbcheck.report._excel import LOST_HEADERS

openpyxl = pytest.importorskip("openpyxl")

_TOTALS = {"a": 95, "b": "87.875", "c": 60}


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def report():
    return small_report(_TOTALS)


@pytest.fixture(scope="module")
def lost(report):
    return report_lost_points(report, scorecards(_TOTALS), simple_rubric())


@pytest.fixture(scope="module")
def book(report, lost):
    return _book(to_workbook(report, lost=lost))


def _rows(sheet, top=1):
    return [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=top, values_only=False)
    ]


class TestLostPoints:
    def test_one_sheet_lists_every_units_lost_points(self, book, lost):
        """``失分清单``: one row per lost point of every unit, amounts as numbers."""
        sheet = book["失分清单"]
        header, *rows = _rows(sheet)
        assert tuple(header) == LOST_HEADERS
        assert len(rows) == sum(len(points) for points in lost.values())
        by_unit = {row[0]: row for row in rows}
        assert by_unit["b"][6] == "综合评分"
        assert by_unit["b"][7:10] == [100, 87.88, 12.13]  # rounded once, 四舍五入
        assert sheet.cell(row=2, column=10).number_format == "0.00"
        assert by_unit["b"][10] == "考评直接评分 87.88 分"

    def test_each_unit_sheet_ends_with_its_own_list(self, book):
        """A unit's sheet carries its 反馈单 block: its rows only, under the headers."""
        sheet = next(s for s in book.worksheets if s.title.startswith("c "))
        values = [row for row in _rows(sheet) if any(v is not None for v in row)]
        start = next(
            n for n, row in enumerate(values) if tuple(row[:12]) == LOST_HEADERS
        )
        block = values[start + 1 :]
        assert [row[0] for row in block] == ["c"]
        assert block[0][9] == 40

    def test_without_lost_points_no_list(self, report):
        """The workbook is as before without ``lost``: no 失分清单 sheet."""
        assert "失分清单" not in _book(to_workbook(report)).sheetnames

    def test_unknown_unit_is_refused(self, report, lost):
        """Lost points of a unit the report does not hold are refused by name."""
        with pytest.raises(ValidationError) as caught:
            to_workbook(report, lost={**lost, "zz": lost["b"]})
        assert [str(p) for p in caught.value.problems] == [
            "lost[zz]: is not a unit of the report (got 'zz')",
            "lost[zz][0].unit_id: must be the unit it is listed under ('zz') (got 'b')",
        ]

    def test_bytes_stay_reproducible(self, report, lost):
        """With the list and page setup, the same inputs still give the same bytes."""
        assert to_workbook(report, lost=lost) == to_workbook(report, lost=lost)


class TestPrinting:
    def test_every_sheet_prints_a4_landscape_one_page_wide(self, book):
        """Every sheet: A4, landscape, fit to one page wide, page numbers in the footer."""
        for sheet in book.worksheets:
            setup = sheet.page_setup
            assert str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title
            assert setup.orientation == "landscape", sheet.title
            assert setup.fitToWidth == 1, sheet.title
            assert setup.fitToHeight == 0, sheet.title
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
            assert "&P" in sheet.oddFooter.center.text, sheet.title

    def test_table_sheets_freeze_repeat_and_filter_their_header(self, book):
        """A one-table sheet freezes row 1, repeats it on each page and filters it."""
        for title in ("党群部门", "表彰名单", "处于后位", "问责整改", "失分清单"):
            sheet = book[title]
            assert sheet.freeze_panes == "A2", title
            assert sheet.print_title_rows == "$1:$1", title
            if sheet.max_row > 1:
                assert sheet.auto_filter.ref.startswith("A1:"), title

    def test_columns_fit_chinese_text(self, book):
        """A column is as wide as its longest cell, CJK characters counted double."""
        sheet = book["失分清单"]
        assert sheet.column_dimensions["K"].width >= 2 * len("失分原因") + 2
        longest = max(len(str(c.value or "")) for c in sheet["B"])
        assert sheet.column_dimensions["B"].width >= 2 * longest
