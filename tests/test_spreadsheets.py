"""Importing evaluations from CSV files and Excel workbooks (pbcheck.io.spreadsheets)."""

from __future__ import annotations

import builtins
import importlib.util
import io
import random
import re
import sys
import zipfile
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import attrs
import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import (
    CountAtLeast,
    Deduction,
    DirectScore,
    Evaluation,
    Evidence,
    Indicator,
    Observation,
    PassFail,
    RatioToTarget,
    Rubric,
    Section,
    Source,
    Veto,
)
from pbcheck.errors import (
    DuplicateIdError,
    MissingExtraError,
    UnknownReferenceError,
    ValidationError,
)
from pbcheck.examples import example_evaluations, example_rubric, example_tree
from pbcheck.io.spreadsheets import (
    CellRef,
    ColumnMapping,
    EvaluationImport,
    Limits,
    read_evaluations,
)
from pbcheck.model.frequency import Frequency
from pbcheck.model.org import SERIES_GOVERNMENT, OrgTree, OrgUnit, UnitKind
from pbcheck.testing import evaluations_for, rubric_and_evaluation, rubrics
from pbcheck.testing._spreadsheets import (
    rows_to_csv,
    rows_to_xlsx,
    spreadsheet_rows,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "jiangcheng"

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
                Indicator("A1", "党建述职", 5, DirectScore()),
                Indicator("A2", "党费按时足额收缴", 1, PassFail()),
                Indicator("A3", "书记“双强”比例", 2, RatioToTarget(target=85)),
                Indicator("A4", "警示教育", 1, CountAtLeast(2)),
                Indicator("A5", "支委会每月至少1次", 1, Frequency(per="month")),
            ],
        )
    ],
    total_points=10,
    deductions=[Deduction("K1", "诫勉谈话", points=1)],
    vetoes=[Veto("V1", "严重违纪")],
)
LONG_HEADER = "单位编码,指标编码,评分来源,评分人,得分\n"


def read_csv(text: str, **options) -> EvaluationImport:
    return read_evaluations(text.encode("utf-8"), RUBRIC, file_format="csv", **options)


def problems_of(call) -> list[tuple[str, object, str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return [(p.path, p.value, p.message) for p in caught.value.problems]


def csv_problems(text: str, **options) -> list[tuple[str, object, str]]:
    return problems_of(lambda: read_csv(text, **options))


def workbook_bytes(rows, *, edit=None, title="评分表") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if edit is not None:
        edit(workbook, sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(data: bytes, **options) -> EvaluationImport:
    return read_evaluations(data, RUBRIC, file_format="xlsx", **options)


def values(result: EvaluationImport) -> list[tuple[str, str, object]]:
    return [
        (e.unit_id, o.indicator_id, o.value)
        for e in result.evaluations
        for o in e.observations
    ]


def keyed(evaluations) -> dict[tuple[str, str, Source, str], Observation]:
    return {
        (e.unit_id, o.indicator_id, o.source, o.rater): o
        for e in evaluations
        for o in e.observations
    }


def exactly(observations: dict) -> dict:
    """Observations with each value tagged by kind, so True never equals 1."""
    return {
        key: (isinstance(o.value, bool), attrs.evolve(o, value=o.value))
        for key, o in observations.items()
    }


# -- layouts ------------------------------------------------------------------


class TestLongLayout:
    def test_reads_every_field_of_a_row(self):
        """A long row becomes one observation with its source, rater, date, note and evidence."""
        text = (
            "单位编码,指标编码,评分来源,评分人,得分,日期,备注,依据\n"
            'czj,A1,部门评议,部门评议组,4.5,2026-05-12,材料齐全,"台账/1.pdf\n照片/2.jpg"\n'
        )
        result = read_csv(text)
        (evaluation,) = result.evaluations
        assert evaluation == Evaluation(
            "czj",
            [
                Observation(
                    "A1",
                    Fraction(9, 2),
                    source=Source.DEPARTMENT,
                    rater="部门评议组",
                    recorded_at=date(2026, 5, 12),
                    note="材料齐全",
                    evidence=[
                        Evidence("document", "台账/1.pdf"),
                        Evidence("document", "照片/2.jpg"),
                    ],
                )
            ],
        )
        assert result.rows_read == 1
        assert result.normalisations == ()

    def test_one_evaluation_per_unit_in_first_seen_order(self):
        """Units come out in the order they first appear, each with its rows in order."""
        text = LONG_HEADER + "b,A1,考评组,甲,3\na,A1,考评组,甲,4\nb,A2,考评组,甲,是\n"
        result = read_csv(text)
        assert [e.unit_id for e in result.evaluations] == ["b", "a"]
        assert values(result) == [("b", "A1", 3), ("b", "A2", True), ("a", "A1", 4)]

    def test_optional_columns_default_to_the_team_and_no_rater(self):
        """Without 评分来源 and 评分人 a score is the assessment team's, unnamed."""
        result = read_csv("单位编码,指标编码,得分\nczj,A1,5\n")
        (observation,) = result.evaluations[0].observations
        assert (observation.source, observation.rater) == (Source.TEAM, "")

    def test_indicator_by_title(self):
        """The indicator column accepts the rubric's title as well as the id."""
        result = read_csv(LONG_HEADER + "czj,党建述职,考评组,甲,3\n")
        assert values(result) == [("czj", "A1", 3)]

    def test_sources_by_value_and_label(self):
        """Sources are read from their values and their Chinese labels."""
        rows = "".join(
            f"czj,A1,{written},{n},1\n"
            for n, written in enumerate(
                ["自评", "self", "明察暗访", "Spot_Check", "电子台账"]
            )
        )
        result = read_csv(LONG_HEADER + rows)
        assert [o.source for o in result.evaluations[0].observations] == [
            Source.SELF,
            Source.SELF,
            Source.SPOT_CHECK,
            Source.SPOT_CHECK,
            Source.LEDGER,
        ]

    def test_english_headers_and_stray_spaces(self):
        """English aliases are accepted, and headers are matched after trimming."""
        result = read_csv(" Unit , indicator ,Score \nczj,A1,2\n")
        assert values(result) == [("czj", "A1", 2)]


class TestWideLayout:
    def test_one_column_per_indicator_by_id_or_title(self):
        """Indicator columns are headed by ids or titles; blank cells record nothing."""
        text = "单位编码,评分来源,评分人,党建述职,A2,A3\nczj,考评组,甲,4.5,否,\nsfj,考评组,甲,,是,90\n"
        result = read_evaluations(
            text.encode(), RUBRIC, layout="wide", file_format="csv"
        )
        assert values(result) == [
            ("czj", "A1", Fraction(9, 2)),
            ("czj", "A2", False),
            ("sfj", "A2", True),
            ("sfj", "A3", 90),
        ]

    def test_a_title_shared_by_two_indicators_is_not_a_header(self):
        """A title that two indicators share cannot name a column; the id can."""
        twins = Rubric(
            "t",
            "1",
            "细则",
            [
                Section(
                    "S",
                    "部分",
                    2,
                    indicators=[
                        Indicator("X1", "同名", 1, DirectScore()),
                        Indicator("X2", "同名", 1, DirectScore()),
                    ],
                )
            ],
            total_points=2,
        )
        problems = problems_of(
            lambda: read_evaluations(
                "单位编码,同名,X2\nczj,1,1\n".encode(),
                twins,
                layout="wide",
                file_format="csv",
            )
        )
        assert [(path, value) for path, value, _ in problems] == [
            ("<csv>:1:B (同名)", "同名")
        ]

    def test_notes_are_refused_in_the_wide_layout(self):
        """备注 has no meaning per indicator cell; the message says what to do."""
        problems = problems_of(
            lambda: read_evaluations(
                "单位编码,备注,A1\nczj,好,1\n".encode(),
                RUBRIC,
                layout="wide",
                file_format="csv",
            )
        )
        assert len(problems) == 1
        assert problems[0][0] == "<csv>:1:B (备注)"
        assert "long layout" in problems[0][2]

    def test_frequency_columns_and_blank_sources(self):
        """A frequency indicator's column is refused once; a blank source is an error."""
        text = "单位编码,评分来源,A1,支委会每月至少1次\nu,考评组,1,3\nv,,2,4\n"
        problems = problems_of(
            lambda: read_evaluations(
                text.encode(), RUBRIC, layout="wide", file_format="csv"
            )
        )
        assert [(p, v) for p, v, _ in problems] == [
            ("<csv>:1:D (支委会每月至少1次)", "支委会每月至少1次"),
            ("<csv>:3:B (评分来源)", None),
        ]
        assert "frequency indicator" in problems[0][2]
        assert "must name a source" in problems[1][2]

    def test_no_indicator_column(self):
        """A wide sheet without any indicator column is refused as a whole."""
        problems = problems_of(
            lambda: read_evaluations(
                "单位编码,单位名称\nczj,财政局\n".encode(),
                RUBRIC,
                layout="wide",
                file_format="csv",
            )
        )
        assert problems == [
            (
                "<csv>:1",
                ["单位编码", "单位名称"],
                "no column names an indicator of the rubric by id or title",
            )
        ]


# -- values -------------------------------------------------------------------


class TestValues:
    @pytest.mark.parametrize(
        ("written", "expected"),
        [("4", 4), ("4.5", Fraction(9, 2)), ("1/3", Fraction(1, 3)), ("4.0", 4)],
    )
    def test_numbers_are_exact(self, written, expected):
        """Numbers become ints or exact Fractions, never floats."""
        (value,) = [
            v for *_, v in values(read_csv(LONG_HEADER + f"u,A1,考评组,甲,{written}\n"))
        ]
        assert value == expected
        assert type(value) is type(expected)

    @pytest.mark.parametrize(
        ("written", "expected"),
        [
            ("是", True),
            ("否", False),
            ("合格", True),
            ("不合格", False),
            ("达标", True),
            ("未达标", False),
            ("✓", True),
            ("✗", False),
            ("true", True),
            ("FALSE", False),
        ],
    )
    def test_pass_fail_vocabulary(self, written, expected):
        """The documented words are read as judgements, without a normalisation."""
        result = read_csv(LONG_HEADER + f"u,A2,考评组,甲,{written}\n")
        assert values(result) == [("u", "A2", expected)]
        assert result.normalisations == ()

    def test_full_width_digits_and_spaces_are_normalised_and_reported(self):
        """'　８５ ' is read as 85 on a ratio indicator, and both steps are reported."""
        result = read_csv(LONG_HEADER + "u,A3,考评组,甲,\u3000８５ \n")
        assert values(result) == [("u", "A3", 85)]
        assert [
            (str(n.cell), n.original, n.result, n.reason) for n in result.normalisations
        ] == [
            ("<csv>:2:E (得分)", "\u3000８５ ", "８５", "trimmed surrounding spaces"),
            ("<csv>:2:E (得分)", "８５", "85", "full-width characters to ASCII"),
        ]

    def test_trimmed_ids_are_reported(self):
        """A unit id with a trailing space is trimmed, and the trimming is reported."""
        result = read_csv(LONG_HEADER + "czj ,A1,考评组,甲,1\n")
        assert [e.unit_id for e in result.evaluations] == ["czj"]
        assert [str(n.cell) for n in result.normalisations] == ["<csv>:2:A (单位编码)"]

    @pytest.mark.parametrize(
        ("indicator", "written", "fragment"),
        [
            ("A1", "85%", "ambiguous between points and a share"),
            ("A3", "85%", "write the number alone"),
            ("A3", "1,200", "write 1200"),
            ("A1", "八十五", "Chinese numerals"),
            ("A1", "4分", "without '分': write 4"),
            ("A1", "优秀", "is not a number"),
            ("A1", "6", "must not exceed max_points (5)"),
            ("A1", "-1", "must not be negative"),
            ("A3", "-1", "must not be negative"),
            ("A4", "1.5", "must be a whole count"),
            ("A4", "50%", "must be a whole count"),
            ("A2", "1", "ambiguous between points and a judgement"),
            ("A2", "x", "must be 达标 or 未达标"),
            ("A1", "=SUM(B2:B9)", "looks like a formula"),
            ("A1", "  ", "is empty"),
        ],
    )
    def test_refused_values_name_the_cell_and_say_what_to_write(
        self, indicator, written, fragment
    ):
        """Each refused value is one problem at its cell, with the value as written."""
        problems = csv_problems(LONG_HEADER + f'u,{indicator},考评组,甲,"{written}"\n')
        assert len(problems) == 1
        path, value, message = problems[0]
        assert path == "<csv>:2:E (得分)"
        assert value == written
        assert fragment in message

    def test_activity_and_incident_ids_are_not_scores(self):
        """Frequency indicators and deduction items are refused with a hint."""
        problems = csv_problems(
            LONG_HEADER + "u,A5,考评组,甲,3\nu,K1,考评组,甲,1\nu,Z9,考评组,甲,1\n"
        )
        assert [(p, v) for p, v, _ in problems] == [
            ("<csv>:2:B (指标编码)", "A5"),
            ("<csv>:3:B (指标编码)", "K1"),
            ("<csv>:4:B (指标编码)", "Z9"),
        ]
        assert "frequency indicator" in problems[0][2]
        assert "incident" in problems[1][2]
        assert "names no indicator of rubric 'test'" in problems[2][2]

    def test_dates(self):
        """Dates are ISO or year-first with slashes; anything else is refused."""
        header = "单位编码,指标编码,评分人,得分,日期\n"
        result = read_csv(header + "u,A1,甲,1,2026/5/2\nu,A1,乙,1,2026-05-03\n")
        assert [o.recorded_at for o in result.evaluations[0].observations] == [
            date(2026, 5, 2),
            date(2026, 5, 3),
        ]
        problems = csv_problems(header + "u,A1,甲,1,5/12/2026\nu,A1,乙,1,2026-02-30\n")
        assert [(p, v) for p, v, _ in problems] == [
            ("<csv>:2:E (日期)", "5/12/2026"),
            ("<csv>:3:E (日期)", "2026-02-30"),
        ]

    def test_evidence_lines_are_trimmed_and_reported_notes_kept(self):
        """Evidence references are trimmed (reported); notes stay exactly as written."""
        text = '单位编码,指标编码,得分,备注,依据\nu,A1,1, 见附件 ," 台账/1.pdf\n\n照片/2.jpg"\n'
        result = read_csv(text)
        (observation,) = result.evaluations[0].observations
        assert observation.note == " 见附件 "
        assert [e.ref for e in observation.evidence] == ["台账/1.pdf", "照片/2.jpg"]
        assert [str(n.cell) for n in result.normalisations] == ["<csv>:2:E (依据)"]

    def test_formula_like_notes_are_refused(self):
        """A note starting with '=' would be a formula in Excel: refused, never evaluated."""
        (problem,) = csv_problems("单位编码,指标编码,得分,备注\nu,A1,1,=HYPERLINK(1)\n")
        assert problem[:2] == ("<csv>:2:D (备注)", "=HYPERLINK(1)")

    def test_column_mapping_needs_headers(self):
        """A field mapped to no header is refused when the mapping is built."""
        with pytest.raises(ValueError, match="columns"):
            ColumnMapping(unit=[])

    def test_unknown_source(self):
        """A source that is neither a value nor a label is refused, listing the choices."""
        (problem,) = csv_problems(LONG_HEADER + "u,A1,领导,甲,1\n")
        assert problem[:2] == ("<csv>:2:C (评分来源)", "领导")
        assert "考评组 (team)" in problem[2]


# -- errors -------------------------------------------------------------------


class TestErrors:
    def test_every_problem_of_a_file_at_once_and_nothing_imported(self):
        """Three bad cells in three rows give three problems in one ValidationError."""
        text = LONG_HEADER + "u,A1,考评组,甲,9\nu,A9,考评组,甲,1\nu,A2,考评组,甲,也许\n"
        with pytest.raises(ValidationError) as caught:
            read_csv(text)
        assert [p.path for p in caught.value.problems] == [
            "<csv>:2:E (得分)",
            "<csv>:3:B (指标编码)",
            "<csv>:4:E (得分)",
        ]
        assert "cannot import evaluations from <csv>: 3 problems" in str(caught.value)

    def test_unknown_unit_with_a_tree(self):
        """With an org tree, a unit not in it is an UnknownReferenceError at its cell."""
        tree = OrgTree(
            [
                OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE),
                OrgUnit("czj", "财政局", UnitKind.PARTY_COMMITTEE, parent="root"),
            ]
        )
        with pytest.raises(ValidationError) as caught:
            read_csv(
                LONG_HEADER + "czj,A1,考评组,甲,1\nxxj,A1,考评组,甲,1\n", tree=tree
            )
        (problem,) = caught.value.problems
        assert isinstance(problem, UnknownReferenceError)
        assert (problem.path, problem.value) == ("<csv>:3:A (单位编码)", "xxj")

    def test_duplicate_rows(self):
        """The same unit × indicator × source × rater twice names both cells."""
        text = LONG_HEADER + "u,A1,考评组,甲,1\nu,A1,考评组,乙,1\nu,A1,team,甲,2\n"
        with pytest.raises(ValidationError) as caught:
            read_csv(text)
        (problem,) = caught.value.problems
        assert isinstance(problem, DuplicateIdError)
        assert problem.path == "<csv>:4:E (得分)"
        assert "repeats <csv>:2:E (得分)" in problem.message

    def test_missing_required_columns_name_them_and_list_the_headers(self):
        """A missing column is named with its accepted headers; the headers found are listed."""
        problems = csv_problems("单位编码,指标,分数\nu,A1,1\n")
        assert [p for p, _, _ in problems] == [
            "<csv>:1:B (指标)",
            "<csv>:1:C (分数)",
            "<csv>:1",
        ]
        path, value, message = problems[-1]
        assert path == "<csv>:1"
        assert value == ["单位编码", "指标", "分数"]
        assert "indicator (指标编码 / indicator / indicator_id)" in message
        assert "value (得分 / value / score)" in message
        assert "headers found: 单位编码, 指标, 分数" in message

    def test_duplicate_headers(self):
        """Two columns naming the same field are refused at the second one."""
        problems = csv_problems("单位编码,指标编码,得分,score\nu,A1,1,1\n")
        assert problems == [
            ("<csv>:1:D (score)", "score", "names the same column as <csv>:1:C (得分)")
        ]

    def test_unknown_header_and_ignored_columns(self):
        """Unknown headers are errors unless listed as ignored; 单位名称 is by default."""
        text = "序号,单位编码,单位名称,指标编码,得分,审核\n1,u,财政局,A1,1,张三\n"
        problems = csv_problems(text)
        assert [(p, v) for p, v, _ in problems] == [("<csv>:1:F (审核)", "审核")]
        mapping = ColumnMapping(ignored=["序号", "单位名称", "审核"])
        assert values(read_csv(text, columns=mapping)) == [("u", "A1", 1)]

    def test_value_in_a_column_without_a_header(self):
        """Data under an empty header is not dropped silently."""
        (problem,) = csv_problems("单位编码,指标编码,得分,\nu,A1,1,多余\n")
        assert problem[:2] == ("<csv>:2:D", "多余")

    def test_custom_column_mapping(self):
        """ColumnMapping renames the headers a sheet uses."""
        mapping = ColumnMapping(unit="单位代码", value=["考评得分"])
        result = read_csv("单位代码,指标编码,考评得分\nu,A1,2\n", columns=mapping)
        assert values(result) == [("u", "A1", 2)]

    def test_empty_rows_are_skipped_and_listed(self):
        """Blank rows between data are listed; blank rows at the end just end the table."""
        text = LONG_HEADER + "u,A1,考评组,甲,1\n\n,,,,\nu,A2,考评组,甲,是\n,, ,,\n\n"
        result = read_csv(text)
        assert result.rows_read == 2
        assert [str(ref) for ref in result.rows_skipped] == ["<csv>:3", "<csv>:4"]

    def test_header_row_below_a_title(self):
        """header_row skips a title above the table."""
        text = "江城市2025年度评分表\n" + LONG_HEADER + "u,A1,考评组,甲,1\n"
        assert values(read_csv(text, header_row=2)) == [("u", "A1", 1)]

    def test_missing_header_row(self):
        """An empty file has no header row, which is reported."""
        assert csv_problems("") == [
            ("<csv>:1", None, "the header row is missing: the sheet has fewer rows")
        ]

    def test_bad_arguments(self):
        """Layout and format are checked; bytes need an explicit format."""
        with pytest.raises(ValueError, match="layout"):
            read_evaluations(b"", RUBRIC, layout="tall", file_format="csv")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="file_format"):
            read_evaluations(b"", RUBRIC)


class TestCsvFiles:
    def test_bom_is_handled(self, tmp_path):
        """A UTF-8 byte-order mark does not stick to the first header."""
        path = tmp_path / "scores.csv"
        path.write_bytes(("\ufeff" + LONG_HEADER + "u,A1,考评组,甲,1\n").encode())
        assert values(read_evaluations(path, RUBRIC)) == [("u", "A1", 1)]

    def test_gbk_fails_with_a_hint_and_loads_when_asked(self, tmp_path):
        """GBK bytes are not UTF-8: the error suggests encoding='gbk', which then works."""
        path = tmp_path / "scores.csv"
        path.write_bytes((LONG_HEADER + "u,A1,考评组,甲,1\n").encode("gbk"))
        (problem,) = problems_of(lambda: read_evaluations(path, RUBRIC))
        assert problem[0] == "scores.csv"
        assert 'encoding="gbk"' in problem[2]
        assert "line 1" in problem[2]
        result = read_evaluations(path, RUBRIC, encoding="gbk")
        assert values(result) == [("u", "A1", 1)]
        assert result.evaluations[0].observations[0].rater == "甲"

    def test_paths_name_the_file(self, tmp_path):
        """Problems in a file name the file, the row and the column letter."""
        path = tmp_path / "scores.csv"
        path.write_text(LONG_HEADER + "u,A1,考评组,甲,x\n", encoding="utf-8")
        (problem,) = problems_of(lambda: read_evaluations(path, RUBRIC))
        assert problem[0] == "scores.csv:2:E (得分)"

    def test_invalid_quoting(self):
        """Broken CSV quoting is reported with its row."""
        (problem,) = csv_problems(LONG_HEADER + 'u,A1,考评组,"甲"x,1\n')
        assert problem[0] == "<csv>:2"
        assert "not valid CSV" in problem[2]

    @pytest.mark.parametrize(
        ("limits", "fragment"),
        [
            (Limits(max_bytes=20), "more than the limit of 20 bytes"),
            (Limits(max_rows=3), "more than 3 rows"),
            (Limits(max_columns=4), "more than 4 (Limits.max_columns)"),
        ],
    )
    def test_limits(self, limits, fragment):
        """Oversized inputs stop with a clear error."""
        text = LONG_HEADER + "u,A1,考评组,甲,1\n" * 5
        (problem,) = csv_problems(text, limits=limits)
        assert fragment in problem[2]


# -- Excel ----------------------------------------------------------------------


class TestExcel:
    def test_numeric_cells_are_exact(self):
        """Integer cells stay ints; float cells read as their shortest decimal."""
        data = workbook_bytes(
            [
                ["单位编码", "指标编码", "评分人", "得分"],
                ["u", "A1", "甲", 4],
                ["u", "A1", "乙", 0.1],
                ["u", "A3", "甲", 85.3],
                ["u", "A2", "甲", True],
                [1001, "A2", "甲", False],
            ]
        )
        result = read_xlsx(data)
        assert values(result) == [
            ("u", "A1", 4),
            ("u", "A1", Fraction(1, 10)),
            ("u", "A3", Fraction(853, 10)),
            ("u", "A2", True),
            ("1001", "A2", False),
        ]
        assert type(values(result)[0][2]) is int

    def test_floats_beyond_fifteen_digits_are_refused(self):
        """A binary artefact such as 85.33333333333333 is not read as a score."""
        data = workbook_bytes([["单位编码", "指标编码", "得分"], ["u", "A3", 256 / 3]])
        (problem,) = problems_of(lambda: read_xlsx(data))
        assert problem[0] == "评分表!C2 (得分)"
        assert "significant digits" in problem[2]

    def test_formula_without_cached_value_is_refused(self):
        """openpyxl writes formulas without cached values: never evaluated, reported."""
        data = workbook_bytes(
            [["单位编码", "指标编码", "得分"], ["u", "A1", "=SUM(1,2)"]]
        )
        (problem,) = problems_of(lambda: read_xlsx(data))
        assert problem[:2] == ("评分表!C2 (得分)", "=SUM(1,2)")
        assert "formula without a cached value (=SUM(1,2))" in problem[2]

    def test_formula_with_cached_value_reads_the_cached_value(self):
        """A formula Excel computed is read through its cached value."""
        data = workbook_bytes(
            [["单位编码", "指标编码", "得分"], ["u", "A1", "=SUM(1,2)"]]
        )
        data = _with_cached_value(data, "3")
        assert values(read_xlsx(data)) == [("u", "A1", 3)]

    def test_error_cells_and_dates(self):
        """#DIV/0! is refused; date cells are dates; a time of day is refused."""
        data = workbook_bytes(
            [
                ["单位编码", "指标编码", "评分人", "得分", "日期"],
                ["u", "A1", "甲", "#DIV/0!", datetime(2026, 5, 12)],  # noqa: DTZ001 - Excel times are naive
                ["u", "A1", "乙", 1, datetime(2026, 5, 12, 9, 30)],  # noqa: DTZ001
                ["u", "A1", "丙", 1, date(2026, 5, 13)],
            ]
        )
        problems = problems_of(lambda: read_xlsx(data))
        assert [p for p, _, _ in problems] == ["评分表!D2 (得分)", "评分表!E3 (日期)"]
        assert "Excel error value (#DIV/0!)" in problems[0][2]
        data = workbook_bytes(
            [
                ["单位编码", "指标编码", "评分人", "得分", "日期"],
                ["u", "A1", "丙", 1, date(2026, 5, 13)],
            ]
        )
        (observation,) = read_xlsx(data).evaluations[0].observations
        assert observation.recorded_at == date(2026, 5, 13)

    def test_merged_header_cells_are_refused(self):
        """A merged header hides columns; the merged range is named."""

        def merge(workbook, sheet):
            sheet.merge_cells("C1:D1")

        data = workbook_bytes(
            [["单位编码", "指标编码", "得分", None], ["u", "A1", 1, None]], edit=merge
        )
        problems = problems_of(lambda: read_xlsx(data))
        assert problems[0][:2] == ("评分表!C1", "C1:D1")
        assert "merged header cell" in problems[0][2]

    def test_merged_data_cells_are_refused_but_a_title_above_is_not(self):
        """Merged unit cells must be filled in; a merged title above the header is fine."""

        def merge(workbook, sheet):
            sheet.merge_cells("A1:C1")
            sheet.merge_cells("A3:A4")

        data = workbook_bytes(
            [
                ["2025年度评分表", None, None],
                ["单位编码", "指标编码", "得分"],
                ["u", "A1", 1],
                [None, "A2", "是"],
            ],
            edit=merge,
        )
        problems = problems_of(lambda: read_xlsx(data, header_row=2))
        assert problems[0][:2] == ("评分表!A3:A4", "A3:A4")
        assert "merged range" in problems[0][2]

    def test_sheet_selection(self):
        """The first sheet by default, another by name; an unknown name lists the sheets."""

        def second(workbook, sheet):
            other = workbook.create_sheet("第二页")
            other.append(["单位编码", "指标编码", "得分"])
            other.append(["v", "A1", 2])

        data = workbook_bytes(
            [["单位编码", "指标编码", "得分"], ["u", "A1", 1]], edit=second
        )
        assert values(read_xlsx(data)) == [("u", "A1", 1)]
        assert values(read_xlsx(data, sheet="第二页")) == [("v", "A1", 2)]
        (problem,) = problems_of(lambda: read_xlsx(data, sheet="第三页"))
        assert "['评分表', '第二页']" in problem[2]
        assert problem[:2] == ("sheet", "第三页")  # the argument that named it

    def test_not_a_workbook(self):
        """Bytes that are not a zip archive are reported, not crashed on."""
        (problem,) = problems_of(lambda: read_xlsx(b"not a workbook"))
        assert "not an .xlsx workbook" in problem[2]

    def test_unpacked_size_limit(self):
        """A workbook that unpacks past the limit is refused before it is parsed."""
        data = workbook_bytes([["单位编码", "指标编码", "得分"], ["u", "A1", 1]])
        (problem,) = problems_of(
            lambda: read_xlsx(data, limits=Limits(max_unpacked_bytes=100))
        )
        assert "Limits.max_unpacked_bytes" in problem[2]

    def test_missing_extra(self, monkeypatch):
        """Without openpyxl, reading a workbook raises MissingExtraError naming the extra."""
        real_import = builtins.__import__

        def no_openpyxl(name, *args, **kwargs):
            if name == "openpyxl" or name.startswith("openpyxl."):
                raise ImportError(name)
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", no_openpyxl)
        with pytest.raises(MissingExtraError, match=r"pbcheck\[excel\]"):
            read_xlsx(b"PK")


def _with_cached_value(data: bytes, cached: str) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            payload = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                payload = re.sub(
                    rb"<f>([^<]*)</f><v\s*/?>(?:</v>)?",
                    rb"<f>\1</f><v>" + cached.encode() + rb"</v>",
                    payload,
                )
            target.writestr(info, payload)
    return out.getvalue()


# -- properties -------------------------------------------------------------------


@st.composite
def seasons(draw):
    """A rubric and evaluations of one to three units."""
    rubric = draw(rubrics(max_depth=1, max_sections=2))
    count = draw(st.integers(1, 3))
    evaluations = [draw(evaluations_for(rubric, f"单位{n}")) for n in range(count)]
    return rubric, evaluations


def _read(rubric, data, file_format, layout):
    return read_evaluations(data, rubric, file_format=file_format, layout=layout)


WRITERS = {
    "long-csv": ("csv", "long", rows_to_csv),
    "wide-csv": ("csv", "wide", lambda rows: rows_to_csv(rows, bom=True)),
    "long-xlsx": ("xlsx", "long", rows_to_xlsx),
    "wide-xlsx": ("xlsx", "wide", rows_to_xlsx),
}


class TestRoundTrip:
    @pytest.mark.parametrize("writer", sorted(WRITERS))
    @settings(max_examples=20)
    @given(season=seasons(), shuffle=st.randoms(use_true_random=False))
    def test_written_observations_read_back_exactly(self, writer, season, shuffle):
        """Any generated season, rows in any order, reads back to the same observations."""
        rubric, evaluations = season
        file_format, layout, write = WRITERS[writer]
        headers = "title" if writer == "wide-xlsx" else "id"
        rows = spreadsheet_rows(evaluations, rubric, layout=layout, headers=headers)
        body = rows[1:]
        shuffle.shuffle(body)
        result = _read(rubric, write([rows[0], *body]), file_format, layout)
        assert exactly(keyed(result.evaluations)) == exactly(keyed(evaluations))
        assert {e.unit_id for e in result.evaluations} <= {
            e.unit_id for e in evaluations
        }
        assert result.normalisations == ()
        assert result.rows_read == len(body)

    @settings(max_examples=20)
    @given(pair=rubric_and_evaluation())
    def test_rubric_and_evaluation_round_trip_long(self, pair):
        """The generated single-unit evaluations read back from a long CSV."""
        rubric, evaluation = pair
        data = rows_to_csv(spreadsheet_rows([evaluation], rubric))
        result = _read(rubric, data, "csv", "long")
        assert exactly(keyed(result.evaluations)) == exactly(keyed([evaluation]))

    @pytest.mark.parametrize("writer", sorted(WRITERS))
    @settings(max_examples=15)
    @given(
        season=seasons(),
        pick=st.integers(min_value=0),
        corruption=st.sampled_from(
            ["八十五", "=SUM(B2:B9)", "85%", "1,200", "优", "-1"]
        ),
    )
    def test_one_corrupted_cell_gives_one_problem_naming_it(
        self, writer, season, pick, corruption
    ):
        """Corrupting one value cell yields exactly one problem, at that cell."""
        rubric, evaluations = season
        file_format, layout, write = WRITERS[writer]
        rows = spreadsheet_rows(evaluations, rubric, layout=layout)
        if layout == "long":
            targets = [(r, 4) for r in range(1, len(rows))]
        else:
            targets = [
                (r, c)
                for r in range(1, len(rows))
                for c in range(4, len(rows[0]))
                if rows[r][c] is not None
            ]
        if not targets:
            return
        row, column = targets[pick % len(targets)]
        rows[row][column] = corruption
        with pytest.raises(ValidationError) as caught:
            _read(rubric, write(rows), file_format, layout)
        (problem,) = caught.value.problems
        ref = CellRef(
            "<csv>" if file_format == "csv" else "评分表",
            row + 1,
            column + 1,
            str(rows[0][column]),
            file_format,
        )
        assert problem.path == str(ref)
        assert problem.value == corruption

    @settings(max_examples=15)
    @given(season=seasons(), pick=st.integers(min_value=0))
    def test_full_width_and_spaced_numbers_read_the_same_and_are_reported(
        self, season, pick
    ):
        """A number rewritten in full-width digits with stray spaces reads the same, reported."""
        rubric, evaluations = season
        rows = spreadsheet_rows(evaluations, rubric)
        numeric = [r for r in range(1, len(rows)) if not isinstance(rows[r][4], bool)]
        if not numeric:
            return
        row = numeric[pick % len(numeric)]
        written = rows_to_csv([[rows[row][4]]]).decode().strip()
        decorated = " " + written.translate(FULL_WIDTH) + "\u3000"
        rows[row][4] = decorated
        result = _read(rubric, rows_to_csv(rows), "csv", "long")
        assert exactly(keyed(result.evaluations)) == exactly(keyed(evaluations))
        assert [(str(n.cell), n.original) for n in result.normalisations] == [
            (f"<csv>:{row + 1}:E (得分)", decorated),
            (f"<csv>:{row + 1}:E (得分)", decorated.strip()),
        ]


FULL_WIDTH = str.maketrans("0123456789./", "０１２３４５６７８９．／")


# -- the example files ----------------------------------------------------------


def _make_scores():
    spec = importlib.util.spec_from_file_location(
        "make_scores", EXAMPLES / "make_scores.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_scores", module)
    spec.loader.exec_module(module)
    return module


class TestExampleFiles:
    def test_regenerating_gives_identical_bytes(self):
        """make_scores.py reproduces the committed files byte for byte."""
        make_scores = _make_scores()
        assert (
            make_scores.long_csv() == (EXAMPLES / "scores-2025-long.csv").read_bytes()
        )
        assert (
            make_scores.wide_xlsx() == (EXAMPLES / "scores-2025-wide.xlsx").read_bytes()
        )

    def test_long_csv_imports_to_the_generators_observations(self):
        """Every observation of the 2025 government series, dates and evidence included."""
        result = read_evaluations(
            EXAMPLES / "scores-2025-long.csv", example_rubric(), tree=example_tree()
        )
        expected = example_evaluations(2025, SERIES_GOVERNMENT)
        assert [e.unit_id for e in result.evaluations] == [e.unit_id for e in expected]
        assert exactly(keyed(result.evaluations)) == exactly(keyed(expected))
        assert result.normalisations == ()
        assert result.rows_skipped == ()

    def test_wide_xlsx_imports_to_the_generators_observations(self):
        """The wide workbook carries every observation except its evidence and notes."""
        result = read_evaluations(
            EXAMPLES / "scores-2025-wide.xlsx",
            example_rubric(),
            layout="wide",
            tree=example_tree(),
        )
        expected = [
            attrs.evolve(
                e,
                observations=[
                    attrs.evolve(o, evidence=(), note="") for o in e.observations
                ],
            )
            for e in example_evaluations(2025, SERIES_GOVERNMENT)
        ]
        assert [e.unit_id for e in result.evaluations] == [e.unit_id for e in expected]
        assert exactly(keyed(result.evaluations)) == exactly(keyed(expected))


def test_scrambled_rows_keep_every_unit(tmp_path):
    """Shuffling the example's rows changes the unit order, never the observations."""
    rows = spreadsheet_rows(example_evaluations(2025)[:5], example_rubric())
    body = rows[1:]
    random.Random(7).shuffle(body)  # noqa: S311 - a fixed shuffle, not security
    path = tmp_path / "乱序.csv"
    path.write_bytes(rows_to_csv([rows[0], *body]))
    result = read_evaluations(path, example_rubric())
    assert exactly(keyed(result.evaluations)) == exactly(
        keyed(example_evaluations(2025)[:5])
    )
