"""Score-sheet templates: what a department fills in is what read_evaluations reads."""

from __future__ import annotations

import io
from datetime import date
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import (
    CountAtLeast,
    Deduction,
    DirectScore,
    Indicator,
    PassFail,
    RatioToTarget,
    Rubric,
    Section,
    Source,
    Veto,
)
from pbcheck.errors import InvalidValueError, UnknownReferenceError, ValidationError
from pbcheck.examples import example_rubric, example_tree
from pbcheck.io.spreadsheets import read_evaluations, score_sheet
from pbcheck.model.frequency import Frequency

RUBRIC = Rubric(
    "test",
    "1",
    "测试细则",
    [
        Section(
            "A",
            "党建工作",
            10,
            indicators=[
                Indicator("A1", "党建述职", 4, DirectScore()),
                Indicator("A2", "党费按时足额收缴", 1, PassFail()),
                Indicator("A3", "书记“双强”比例", 2, RatioToTarget(target=85)),
                Indicator("A4", "警示教育", 1, CountAtLeast(2)),
                Indicator("A5", "支委会每月至少1次", 1, Frequency(per="month")),
                Indicator("A6", "党建述职", 1, DirectScore()),
            ],
        )
    ],
    total_points=10,
    deductions=[Deduction("K1", "诫勉谈话", points=1)],
    vetoes=[Veto("V1", "严重违纪")],
)

#: Every item for two units, one unit without A3.
ASSIGNED = [
    *((unit, item) for unit in ("u1", "u2") for item in ("A1", "A2", "A4", "A5")),
    ("u1", "A3"),
    ("u1", "K1"),
    ("u2", "V1"),
    ("u1", "A6"),
]


def fill_xlsx(data: bytes, cells: dict[tuple[int, int], object]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["评分表"]
    for (row, column), value in cells.items():
        sheet.cell(row, column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def observed(result) -> dict[tuple[str, str], tuple[object, Source, str, date | None]]:
    return {
        (e.unit_id, o.indicator_id): (o.value, o.source, o.rater, o.recorded_at)
        for e in result.evaluations
        for o in e.observations
    }


def test_filled_xlsx_template_reads_back_as_the_department_s_observations():
    """A filled-in workbook is read by read_evaluations (wide, no options) into
    the department's observations: its source and rater, exact values,
    pass/fail words, a 合理缺项 marker and an empty cell recording nothing."""
    sheet = score_sheet(RUBRIC, ASSIGNED, source="department", rater="市纪委监委机关")
    assert sheet.units == ("u1", "u2")
    assert sheet.indicators == ("A1", "A2", "A3", "A4", "A6")  # the rubric's order
    column = {ind: 7 + i for i, ind in enumerate(sheet.indicators)}
    filled = fill_xlsx(
        sheet.data,
        {
            (2, 6): date(2026, 5, 12),
            (2, column["A1"]): 3.5,
            (2, column["A2"]): "达标",
            (2, column["A3"]): "86/1",
            (2, column["A4"]): 2,
            (2, column["A6"]): "合理缺项：本单位未设此项",
            (3, column["A1"]): "3",
            (3, column["A2"]): "未达标",
        },
    )
    result = read_evaluations(filled, RUBRIC, layout="wide", file_format="xlsx")
    dept = Source.DEPARTMENT
    assert observed(result) == {
        ("u1", "A1"): (Fraction(7, 2), dept, "市纪委监委机关", date(2026, 5, 12)),
        ("u1", "A2"): (True, dept, "市纪委监委机关", date(2026, 5, 12)),
        ("u1", "A3"): (86, dept, "市纪委监委机关", date(2026, 5, 12)),
        ("u1", "A4"): (2, dept, "市纪委监委机关", date(2026, 5, 12)),
        ("u2", "A1"): (3, dept, "市纪委监委机关", None),
        ("u2", "A2"): (False, dept, "市纪委监委机关", None),
    }
    assert [m.indicator_id for m in result.evaluations[0].not_applicable] == ["A6"]
    assert result.normalisations == ()


def test_the_template_itself_reads_as_no_scores():
    """An untouched template is a valid sheet with every unit and no observations."""
    sheet = score_sheet(RUBRIC, ASSIGNED, rater="考评组", source="team")
    result = read_evaluations(sheet.data, RUBRIC, layout="wide", file_format="xlsx")
    assert [(e.unit_id, e.observations) for e in result.evaluations] == [
        ("u1", ()),
        ("u2", ()),
    ]


def test_items_a_wide_sheet_cannot_hold_are_left_out_and_listed():
    """Frequency indicators and deduction/veto items get no column; they are
    listed with the reason, on the instructions sheet too."""
    sheet = score_sheet(RUBRIC, ASSIGNED)
    assert "A5" not in sheet.indicators
    assert dict(sheet.left_out).keys() == {"A5", "K1", "V1"}
    assert "活动记录" in dict(sheet.left_out)["A5"]
    book = openpyxl.load_workbook(io.BytesIO(sheet.data))
    assert book.sheetnames == ["评分表", "填表说明"]
    notes = [c.value for row in book["填表说明"].iter_rows() for c in row if c.value]
    assert {"A5", "K1", "V1", "不在本表填报的事项"} <= set(notes)


def test_headers_are_titles_unless_the_title_is_shared():
    """A title two indicators share would read as neither: that column is headed by its id."""
    sheet = score_sheet(RUBRIC, ASSIGNED)
    assert sheet.headers["A2"] == "党费按时足额收缴"
    assert sheet.headers["A1"] == "A1"
    assert sheet.headers["A6"] == "A6"
    header = next(openpyxl.load_workbook(io.BytesIO(sheet.data)).active.iter_rows())
    assert [c.value for c in header][:6] == [
        "序号",
        "单位编码",
        "单位名称",
        "评分来源",
        "评分人",
        "日期",
    ]


def test_workbook_helps_the_scorer():
    """Header notes, warning-only data validation, and grey cells where a unit
    is not assigned the indicator."""
    sheet = score_sheet(RUBRIC, ASSIGNED)
    ws = openpyxl.load_workbook(io.BytesIO(sheet.data))["评分表"]
    a3 = 7 + sheet.indicators.index("A3")
    assert "满分 2" in ws.cell(1, a3).comment.text
    validations = ws.data_validations.dataValidation
    assert validations
    assert {v.errorStyle for v in validations} == {"warning"}
    assert any(v.type == "list" and "达标" in v.formula1 for v in validations)
    assert ws.cell(3, a3).fill.start_color.rgb.endswith("DDDDDD")
    assert ws.cell(2, a3).fill.fill_type is None


def test_csv_variant_with_unit_names_from_the_tree():
    """The CSV template names each unit from the tree and reads back filled in."""
    tree = example_tree()
    units = ["ZF01", "DQ02", "CZ03"]
    pairs = [(u, "A2.2.1") for u in units]
    sheet = score_sheet(
        example_rubric(), pairs, tree=tree, rater="市委宣传部", file_format="csv"
    )
    lines = sheet.data.decode("utf-8-sig").splitlines()
    assert lines[0].endswith("意识形态工作责任制落实")
    assert tree[units[0]].name in lines[1]
    filled = "\n".join([lines[0], *(line + "1.5" for line in lines[1:])]) + "\n"
    result = read_evaluations(
        filled.encode("utf-8"), example_rubric(), layout="wide", file_format="csv"
    )
    assert observed(result) == {
        (u, "A2.2.1"): (Fraction(3, 2), Source.DEPARTMENT, "市委宣传部", None)
        for u in units
    }


def test_unknown_units_and_items_are_refused_naming_them():
    """An assignment of an item not in the rubric or a unit not in the tree is
    an error naming the value; so is a list with nothing to fill in."""
    with pytest.raises(ValidationError) as caught:
        score_sheet(
            example_rubric(),
            [("nowhere", "A2.2.1"), ("ZF01", "P9.9")],
            tree=example_tree(),
        )
    found = [(type(p), p.value) for p in caught.value.problems]
    assert found == [
        (UnknownReferenceError, "nowhere"),
        (UnknownReferenceError, "P9.9"),
    ]
    with pytest.raises(ValidationError) as caught:
        score_sheet(RUBRIC, [("u1", "K1")])
    [problem] = caught.value.problems
    assert "nothing a score sheet can hold" in problem.message
    with pytest.raises(InvalidValueError, match="committee"):
        score_sheet(RUBRIC, ASSIGNED, source="committee")


@settings(max_examples=15, deadline=None)
@given(data=st.data(), file_format=st.sampled_from(["xlsx", "csv"]))
def test_any_assignment_filled_with_valid_values_reads_back(data, file_format):
    """Property: whichever units and indicators are assigned and whatever valid
    values are written in, reading the filled template gives exactly them."""
    rubric = example_rubric()
    value_indicators = [
        i for i in rubric.indicators() if not isinstance(i.rule, Frequency)
    ]
    units = data.draw(
        st.lists(
            st.sampled_from(["ZF01", "ZF02", "DQ01", "CZ03"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    chosen = data.draw(
        st.lists(st.sampled_from(value_indicators), min_size=1, max_size=5, unique=True)
    )
    pairs = [(u, i.id) for u in units for i in chosen]
    sheet = score_sheet(rubric, pairs, rater="评分人", file_format=file_format)
    by_id = {i.id: i for i in chosen}
    expected = {}
    cells: dict[tuple[int, int], object] = {}
    for row, unit in enumerate(sheet.units, 2):
        for offset, indicator_id in enumerate(sheet.indicators):
            indicator = by_id[indicator_id]
            kind = indicator.rule.value_kind
            if kind == "pass_fail":
                value: object = data.draw(st.booleans())
                written: object = "达标" if value else "未达标"
            elif isinstance(indicator.rule, DirectScore):
                value = data.draw(
                    st.fractions(0, indicator.max_points, max_denominator=4)
                )
                written = f"{value.numerator}/{value.denominator}"
            else:
                value = data.draw(st.integers(0, 40))
                written = value
            expected[(unit, indicator_id)] = value
            cells[(row, 7 + offset)] = written
    if file_format == "xlsx":
        filled = fill_xlsx(sheet.data, cells)
    else:
        lines = sheet.data.decode("utf-8-sig").splitlines()
        rows = [line.split(",") for line in lines]
        for (row, column), written in cells.items():
            rows[row - 1][column - 1] = str(written)
        filled = "\n".join(",".join(r) for r in rows).encode()
    result = read_evaluations(filled, rubric, layout="wide", file_format=file_format)
    got = {key: v[0] for key, v in observed(result).items()}
    assert got == expected
    assert all(isinstance(got[k], bool) == isinstance(expected[k], bool) for k in got)
