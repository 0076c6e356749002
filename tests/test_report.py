"""Season reports: the model, Markdown, HTML, CSV, the workbook, the 通报 draft."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import textwrap
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle, OrgTree, OrgUnit, assess_outcomes
from pbcheck.errors import Id, InvalidValueError, MissingExtraError, ValidationError
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, scorecards, simple_rubric, small_report
from pbcheck.outcomes.history import History
from pbcheck.outcomes.ranking import Quota
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.outcomes.selection import BottomPolicy, CommendationPolicy
from pbcheck.report import (
    CSV_TABLES,
    CycleReport,
    to_circular,
    to_csv,
    to_html,
    to_markdown,
    to_workbook,
    write_report,
    write_workbook,
)
from pbcheck.report import _tables as t
from pbcheck.report._excel import sheet_name
from pbcheck.scoring.engine import score_all
from pbcheck.testing._outcomes import seasons

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def season():
    """The bundled example scored like ``pbcheck demo``: both years, history."""
    rubric, tree = example_rubrics(), example_tree()
    results = []
    for year in EXAMPLE_YEARS:
        cycle = example_cycle(year)
        cards = score_all(rubric, example_evaluations(year), tree=tree, cycle=cycle)
        results.append((cycle, cards, assess_outcomes(cards, tree, cycle=cycle)))
    history = History([o.cycle_result(c) for c, _, o in results[:-1]])
    cycle, cards, outcomes = results[-1]
    return {
        "rubric": rubric,
        "tree": tree,
        "cycle": cycle,
        "cards": cards,
        "outcomes": outcomes,
        "history": history,
    }


@pytest.fixture(scope="module")
def report(season):
    return CycleReport.build(
        season["cards"],
        season["outcomes"],
        tree=season["tree"],
        rubric=season["rubric"],
        cycle=season["cycle"],
        history=season["history"],
    )


@pytest.fixture(scope="module")
def rendered(report):
    """Every format of the example report, rendered once for the module."""
    return _all_bytes(report)


@pytest.fixture(scope="module")
def workbook(rendered):
    return openpyxl.load_workbook(io.BytesIO(rendered["xlsx"]))


@pytest.fixture(scope="module")
def page(rendered):
    return rendered["html"].decode()


def _by_name(season):
    return {card.unit_id: card for card in season["cards"]}


class TestModel:
    def test_every_unit_once_in_series_and_rank_order(self, report, season):
        """Each scored unit appears once, series in the documents' order, ranks rising."""
        ids = [line.unit_id for line in report.lines]
        assert sorted(ids) == sorted(c.unit_id for c in season["cards"])
        assert [t.series for t in report.series] == [
            "政府工作部门",
            "党群部门",
            "垂直管理部门",
        ]
        for table in report.series:
            ranks = [line.rank for line in table.lines]
            assert ranks == sorted(ranks)

    def test_lines_agree_with_outcomes(self, report, season):
        """Commended, bottom and vetoed flags are those of the outcomes."""
        outcomes = season["outcomes"]
        assert {e.unit_id for e in report.commended} == set(
            outcomes.commendation.unit_ids
        )
        assert {e.unit_id for e in report.bottom} == set(outcomes.bottom.unit_ids)
        vetoed = {c.unit_id for c in season["cards"] if c.disqualified}
        assert vetoed
        assert {line.unit_id for line in report.lines if line.vetoed} == vetoed

    def test_escalation_for_two_years_at_the_bottom(self, report, season):
        """A unit at the bottom in 2024 and 2025 gets the four actions, due after 公布."""
        assert report.escalations
        unit_ids = {e.unit_id for e in report.escalations}
        for unit_id in unit_ids:
            assert unit_id in season["outcomes"].bottom
        labels = [e.label for e in report.escalations if e.unit_id == min(unit_ids)]
        assert labels == ["通报批评", "反馈主管部门", "诫勉谈话", "限期整改"]
        assert all(e.due > report.announced for e in report.escalations)

    def test_no_history_no_escalation(self, season):
        """Without a history the report says nothing was judged, and lists none."""
        plain = CycleReport.build(
            season["cards"],
            season["outcomes"],
            tree=season["tree"],
            rubric=season["rubric"],
            cycle=season["cycle"],
        )
        assert not plain.escalations
        assert not plain.history_given
        assert "未提供往年考评结果" in to_markdown(plain)

    def test_breakdown_sums_to_total(self, report, season):
        """Base + bonus − deductions = total for every unit that was not capped."""
        cards = _by_name(season)
        for unit in report.units:
            line = unit.line
            card = cards[line.unit_id]
            assert line.total == card.total
            top = [s for s in unit.sections if s.depth == 0]
            assert sum(s.points for s in top) == card.base

    def test_missing_scorecard_is_an_error(self, season):
        """A ranked unit without a scorecard is reported, naming the unit."""
        with pytest.raises(ValidationError) as caught:
            CycleReport.build(
                season["cards"][1:],
                season["outcomes"],
                tree=season["tree"],
                rubric=season["rubric"],
                cycle=season["cycle"],
            )
        assert season["cards"][0].unit_id in str(caught.value.problems[0])

    def test_other_rubric_is_an_error(self):
        """Scorecards of another rubric cannot be reported under this one."""
        tree = org_tree({"党群部门": ["a"]})
        cards = scorecards({"a": 90})
        with pytest.raises(ValidationError) as caught:
            CycleReport.build(
                cards,
                assess_outcomes(cards, tree),
                tree=tree,
                rubric=example_rubric(),
                cycle=AssessmentCycle.cross_year(2025),
            )
        (problem,) = caught.value.problems
        assert problem.path == "scorecards[a].rubric_id"
        assert "another rubric" in problem.message

    def test_inputs_that_disagree_name_each_unit_by_its_id(self):
        """A unit id with a dot is one step: ``scorecards['a.b']``, not a field ``b``."""
        tree = org_tree({"党群部门": ["a.b", "c"]})
        cards = scorecards({"a.b": 90, "c": 80})
        outcomes = assess_outcomes(cards, tree)
        with pytest.raises(ValidationError) as caught:
            CycleReport.build(
                cards[:1],
                outcomes,
                tree=tree,
                rubric=simple_rubric(),
                cycle=AssessmentCycle.cross_year(2025),
            )
        (problem,) = caught.value.problems
        assert problem.steps == ("outcomes", "rankings", Id("c"))
        with pytest.raises(ValidationError) as caught:
            CycleReport.build(
                cards,
                outcomes,
                tree=tree,
                rubric=example_rubric(),
                cycle=AssessmentCycle.cross_year(2025),
            )
        paths = [p.path for p in caught.value.problems]
        assert paths == ["scorecards['a.b'].rubric_id", "scorecards[c].rubric_id"]

    def test_repr_fits_a_line(self, report):
        text = repr(report)
        assert "\n" not in text
        assert len(text) < 120
        assert "86 个单位" in text


class TestMarkdown:
    def test_tables_for_every_series(self, report):
        """Each series has a heading and a table with the summary headers."""
        text = to_markdown(report)
        for table in report.series:
            assert f"### {table.series}（{len(table.lines)} 个单位）" in text
        assert (
            "| 名次 | 单位编号 | 单位名称 | 总分 | 基础分 | 加分 | 扣分 | 等次 |"
            in text
        )
        assert "|---:|---|---|---:|" in text
        assert "- 考核单位：江城市直机关工委" in text

    def test_rows_show_rounded_totals(self, report, season):
        """A unit's row shows the total exactly as ``Scorecard.show`` does."""
        card = season["cards"][0]
        line = next(x for x in report.lines if x.unit_id == card.unit_id)
        text = to_markdown(report)
        assert (
            f"| {line.rank} | {card.unit_id} | {line.name} | {card.show(card.total)} |"
            in text
        )

    def test_special_characters_are_escaped(self):
        """A name with ``|`` cannot split a table cell."""
        tree = OrgTree(
            [
                OrgUnit("root", "工委", "working_committee"),
                OrgUnit(
                    "a", "甲|乙*丙", "party_committee", parent="root", series="党群部门"
                ),
            ]
        )
        cards = scorecards({"a": 90})
        report = CycleReport.build(
            cards,
            assess_outcomes(cards, tree),
            tree=tree,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
        )
        text = to_markdown(report)
        assert "甲\\|乙\\*丙" in text
        assert "甲|乙" not in text


class _Checker(HTMLParser):
    """Checks that every non-void element is closed in order; collects text."""

    VOID = frozenset({"meta", "br", "img", "hr", "input", "link"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Checker:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    return checker


class TestHtml:
    def test_well_formed_with_series_and_lists(self, report, page):
        """Tags balance; every series and every commended unit is in the page."""
        checker = _parse(page)
        assert checker.errors == []
        assert checker.stack == []
        text = "".join(checker.text)
        for table in report.series:
            assert table.series in text
        for entry in report.commended:
            assert entry.name in text
        assert "党建工作先进单位" in text

    def test_charts_are_inline_svg_without_dates(self, page):
        """Two charts as inline SVG, no date metadata, no external references."""
        assert page.count("<svg") == 2
        assert page.count("<figure>") == page.count("<figcaption") == 2
        assert "<dc:date>" not in page
        assert "http://" not in page.replace("http://www.w3.org", "")
        assert "src=" not in page

    def test_without_matplotlib_charts_are_omitted(self, report, monkeypatch):
        """Missing the plots extra, the page says why the charts are missing."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        page = to_html(report)
        assert "<svg" not in page
        assert "图表已省略" in page
        assert "pbcheck[plots]" in page

    def test_names_are_escaped(self):
        """A unit name with markup shows as text, never as markup."""
        tree = OrgTree(
            [
                OrgUnit("root", "工委", "working_committee"),
                OrgUnit(
                    "a",
                    "<script>alert(1)</script>",
                    "party_committee",
                    parent="root",
                    series="党群部门",
                ),
            ]
        )
        cards = scorecards({"a": 90})
        report = CycleReport.build(
            cards,
            assess_outcomes(cards, tree),
            tree=tree,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
        )
        page = to_html(report, charts=False)
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "script" not in _parse(page).tags


class TestCsv:
    def test_bom_headers_and_one_row_per_unit(self, report):
        """UTF-8 BOM, Chinese headers, one row per unit, CRLF line ends."""
        text = to_csv(report)
        assert text.startswith("\ufeff系列,名次,单位编号,单位名称,总分")
        assert "\r\n" in text
        assert len(text.strip().split("\r\n")) == 1 + len(report.units)

    def test_every_table(self, report):
        """Each table is written with its header and rows."""
        sections = to_csv(report, "sections").strip().split("\r\n")
        assert len(sections) == 1 + sum(len(u.sections) for u in report.units)
        escalations = to_csv(report, "escalations").strip().split("\r\n")
        assert len(escalations) == 1 + len(report.escalations)
        indicators = to_csv(report, "indicators").strip().split("\r\n")
        assert len(indicators) == 1 + 60 * len(report.units)
        assert set(CSV_TABLES) == {
            "units",
            "sections",
            "indicators",
            "items",
            "escalations",
        }

    def test_unknown_table(self, report):
        with pytest.raises(InvalidValueError, match="table"):
            to_csv(report, "nope")  # type: ignore[arg-type]

    def test_formula_like_text_is_defused(self):
        """A name a spreadsheet would run is written with a leading quote."""
        report = _formula_report()
        text = to_csv(report)
        assert ',\'=HYPERLINK("http://x"),' in text or "'=HYPERLINK" in text
        assert ",=HYPERLINK" not in text
        assert ",'\u3000＝1," in text


def _formula_report() -> CycleReport:
    names = {
        "a": '=HYPERLINK("http://x")',
        "b": "+1+2",
        "c": "-3",
        "d": "@SUM(A1)",
        "e": "\u3000＝1",  # full-width space and equals sign: still a formula
    }
    tree = OrgTree(
        [
            OrgUnit("root", "工委", "working_committee"),
            *(
                OrgUnit(uid, name, "party_committee", parent="root", series="党群部门")
                for uid, name in names.items()
            ),
        ]
    )
    cards = scorecards({"a": 95, "b": 88, "c": 80, "d": 75, "e": 60})
    return CycleReport.build(
        cards,
        assess_outcomes(cards, tree),
        tree=tree,
        rubric=simple_rubric(),
        cycle=AssessmentCycle.cross_year(2025),
    )


class TestWorkbook:
    def test_sheets(self, workbook, report):
        """总览, one summary per series, the lists, one sheet per unit; valid names."""
        names = workbook.sheetnames
        assert names[:4] == ["总览", "政府工作部门", "党群部门", "垂直管理部门"]
        assert {"表彰名单", "处于后位", "问责整改"} <= set(names)
        assert len(names) == 7 + len(report.units)
        assert len({n.casefold() for n in names}) == len(names)
        for name in names:
            assert len(name) <= 31
            assert not set(name) & set("[]:*?/\\")

    def test_summary_headers_and_numbers(self, workbook, report, season):
        """Chinese headers; a total is a number rounded like ``show``, format 0.00."""
        sheet = workbook["政府工作部门"]
        headers = [c.value for c in sheet[1]]
        assert headers == [
            "名次", "单位编号", "单位名称", "总分", "基础分", "加分", "扣分",
            "等次", "表彰", "处于后位", "一票否决",
        ]  # fmt: skip
        cards = _by_name(season)
        first = report.series[0].lines[0]
        row = list(sheet[2])
        assert row[1].value == first.unit_id
        assert row[3].data_type == "n"
        assert row[3].number_format == "0.00"
        card = cards[first.unit_id]
        assert Decimal(str(row[3].value)) == Decimal(card.show(card.total))
        for index in range(2, sheet.max_row + 1):
            uid = sheet.cell(index, 2).value
            total = sheet.cell(index, 4).value
            assert Decimal(str(total)) == Decimal(cards[uid].show(cards[uid].total))

    def test_vetoed_unit_flagged(self, workbook, season):
        """A vetoed unit has 是 under 一票否决 and is ranked last of its series."""
        vetoed = next(c for c in season["cards"] if c.disqualified)
        series = season["tree"][vetoed.unit_id].series
        sheet = workbook[series]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        row = next(r for r in rows if r[1] == vetoed.unit_id)
        assert row[10] == "是"
        assert row == rows[-1]

    def test_unit_sheet(self, workbook, report):
        """A unit's sheet has its breakdown: sections with points and percent."""
        unit = report.units[0]
        sheet = next(
            workbook[n]
            for n in workbook.sheetnames
            if n.startswith(unit.line.unit_id + " ")
        )
        assert sheet["A1"].value == "单位编号"
        assert sheet["B1"].value == unit.line.unit_id
        values = [c.value for c in sheet["A"]]
        assert "部分编号" in values
        row = values.index("部分编号") + 2
        assert sheet.cell(row, 1).value == unit.sections[0].section_id
        assert sheet.cell(row, 6).number_format == "0.00%"
        assert sheet.cell(row, 4).data_type == "n"
        start = values.index("指标编号") + 2
        listed = [v for v in values[start - 1 :] if v]
        assert listed == [i.indicator_id for i in unit.indicators]
        first = unit.indicators[0]
        assert Decimal(str(sheet.cell(start, 4).value)) == report.rounding.apply(
            first.points
        )

    def test_formula_like_names_are_text(self):
        """Names beginning with = + - @ (ASCII or full width) are text, never formulas."""
        data = to_workbook(_formula_report())
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book["党群部门"]
        names = {sheet.cell(r, 2).value: sheet.cell(r, 3) for r in range(2, 7)}
        assert names["a"].value == '=HYPERLINK("http://x")'
        for cell in names.values():
            assert cell.data_type == "s"
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name)
                    assert b"<f " not in archive.read(name)

    def test_fixed_dates(self, rendered):
        """Zip entries and document properties carry the announcement date."""
        data = rendered["xlsx"]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            stamps = {info.date_time for info in archive.infolist()}
        assert stamps == {(2026, 6, 15, 0, 0, 0)}
        props = openpyxl.load_workbook(io.BytesIO(data)).properties
        assert props.created.date().isoformat() == "2026-06-15"
        assert props.modified == props.created

    def test_sheet_names(self):
        taken: set[str] = set()
        long = "很长的名字" * 10
        first = sheet_name(long, taken)
        second = sheet_name(long, taken)
        assert len(first) == len(second) == 31
        assert first != second
        assert sheet_name("a[b]:c*d?e/f\\g", taken) == "a_b__c_d_e_f_g"
        assert sheet_name("'", taken) == "Sheet"

    def test_write_workbook(self, tmp_path):
        path = write_workbook(small_report(), tmp_path / "结果.xlsx")
        assert path.read_bytes() == to_workbook(small_report())

    def test_missing_openpyxl(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "openpyxl", None)
        with pytest.raises(MissingExtraError, match=r"pbcheck\[excel\]"):
            to_workbook(small_report())


def _circular_lists(text: str) -> tuple[set[str], set[str]]:
    """The unit names listed under 一 (commended) and 二 (bottom)."""
    listed: dict[str, set[str]] = {"一": set(), "二": set()}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        for key in listed:
            if line.startswith(f"{key}、"):
                current = key
        if line.startswith(("三、", "四、")):
            current = None
        if current and line.startswith("（") and "）：" in line:
            names = line.split("：", 1)[1].rstrip("。")
            listed[current].update(names.split("、"))
    return listed["一"], listed["二"]


class TestCircular:
    def test_lists_exactly_commended_and_bottom(self, report):
        """The 通报 names every commended and bottom unit, and no other."""
        text = to_circular(report)
        commended, bottom = _circular_lists(text)
        assert commended == {e.name for e in report.commended}
        assert bottom == {e.name for e in report.bottom}

    def test_form(self, report):
        """Draft mark, title, 主送, consequences, escalations, 落款 placeholders."""
        text = to_circular(report)
        lines = text.splitlines()
        assert lines[0].startswith("【草稿】")
        assert "关于2025—2026年度机关党建工作责任制考核结果的通报" in lines
        assert "各直属机关党组织：" in lines
        assert "取消上述党组织和单位领导本年度评先评优资格" in text
        assert "连续两年处于后位的单位" in text
        for entry in report.escalations:
            assert entry.name in text
        assert "〔落款单位〕" in text
        assert "〔成文日期：××××年××月××日〕" in text

    def test_issuer_and_addressee(self):
        text = to_circular(
            small_report(),
            addressee="各县（市、区）直属机关党组织",
            issuer="中共江城市直属机关工作委员会",
        )
        assert "各县（市、区）直属机关党组织：" in text
        assert "中共江城市直属机关工作委员会" in text
        assert "〔落款单位〕" not in text

    def test_no_commended_no_bottom(self):
        """With nobody on either list the draft says so instead of listing."""
        tree = org_tree({"党群部门": ["a", "b"]})
        cards = scorecards({"a": 90, "b": 80})
        policy = OutcomePolicy(
            bottom=BottomPolicy(), commendation=CommendationPolicy(Quota(count=0))
        )
        report = CycleReport.build(
            cards,
            assess_outcomes(cards, tree, policy),
            tree=tree,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
        )
        text = to_circular(report)
        assert _circular_lists(text) == (set(), set())
        assert "本年度无单位被评为党建工作先进单位" in text
        assert "本年度无单位考评处于后位" in text


class TestWriteReport:
    def test_writes_every_format(self, tmp_path):
        paths = write_report(small_report(), tmp_path / "out")
        names = [p.name for p in paths]
        assert names == [
            "report.html",
            "report.xlsx",
            "report.md",
            *(f"report-{t}.csv" for t in CSV_TABLES),
            "report-通报草稿.txt",
        ]
        assert all(p.exists() for p in paths)
        assert (tmp_path / "out" / "report.md").read_text(
            encoding="utf-8"
        ) == to_markdown(small_report())

    def test_nothing_written_when_a_renderer_fails(self, tmp_path, monkeypatch):
        """A missing extra fails before any file is written."""
        monkeypatch.setitem(sys.modules, "openpyxl", None)
        with pytest.raises(MissingExtraError):
            write_report(small_report(), tmp_path)
        assert list(tmp_path.iterdir()) == []

    def test_written_files_removed_when_a_write_fails(self, tmp_path, monkeypatch):
        from pbcheck.report import _write

        calls = []
        real = _write.write_atomic

        def failing(path, data):
            calls.append(path)
            if len(calls) == 3:
                raise OSError("disk full")
            return real(path, data)

        monkeypatch.setattr(_write, "write_atomic", failing)
        with pytest.raises(OSError, match="disk full"):
            write_report(small_report(), tmp_path)
        assert list(tmp_path.iterdir()) == []

    def test_unknown_format(self, tmp_path):
        with pytest.raises(InvalidValueError, match="formats"):
            write_report(small_report(), tmp_path, formats=("pdf",))  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []


def _all_bytes(report: CycleReport) -> dict[str, bytes]:
    out = {
        "md": to_markdown(report).encode(),
        "html": to_html(report).encode(),
        "xlsx": to_workbook(report),
        "circular": to_circular(report).encode(),
    }
    out.update({f"csv-{t}": to_csv(report, t).encode() for t in CSV_TABLES})
    return out


class TestDeterminism:
    def test_input_order_does_not_matter(self, season, report, rendered):
        """Shuffled scorecards and a shuffled tree give byte-identical files."""
        shuffler = random.Random(7)  # noqa: S311 - a fixed shuffle, not security
        cards = list(season["cards"])
        shuffler.shuffle(cards)
        units = list(season["tree"].units)
        shuffler.shuffle(units)
        tree = OrgTree(units)
        outcomes = assess_outcomes(cards, tree, cycle=season["cycle"])
        other = CycleReport.build(
            cards,
            outcomes,
            tree=tree,
            rubric=season["rubric"],
            cycle=season["cycle"],
            history=season["history"],
        )
        assert other == report
        assert _all_bytes(other) == rendered

    def test_same_bytes_across_hash_seeds_and_locales(self, tmp_path):
        """Two interpreters with different PYTHONHASHSEED and locale write the same files."""
        script = textwrap.dedent(
            """
            import hashlib, sys
            from pbcheck.report import write_report
            from pbcheck.examples.small import small_report
            report = small_report(
                {"a": 95, "b": "88.125", "c": 80, "d": 75, "e": 60, "f": 91, "g": 70},
                series={"政府工作部门": ["a", "b", "c", "d", "e"], "党群部门": ["f", "g"]},
                vetoed={"c"},
            )
            for path in write_report(report, sys.argv[1]):
                print(path.name, hashlib.sha256(path.read_bytes()).hexdigest())
            """
        )
        outputs = []
        for seed, locale in (("0", "C"), ("12345", "C.UTF-8")):
            env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": locale}
            result = subprocess.run(
                [sys.executable, "-c", script, str(tmp_path / seed)],
                capture_output=True,
                text=True,
                encoding="utf-8",
                env=env,
                check=True,
                cwd=ROOT,
            )
            outputs.append(result.stdout)
        assert outputs[0] == outputs[1]
        assert outputs[0].count("\n") == 4 + len(CSV_TABLES)

    def test_html_is_reproducible(self, report, rendered):
        """Rendering twice in one process gives the same page, charts included."""
        assert to_html(report).encode() == rendered["html"]


class TestReprs:
    def test_terminal_reprs(self, season):
        """Short, one-line reprs for the season's objects."""
        outcomes = season["outcomes"]
        card = season["cards"][0]
        assert (
            repr(card) == f"<Scorecard {card.unit_id}: {card.show(card.total)} / 100>"
        )
        texts = [
            repr(card),
            repr(outcomes),
            repr(outcomes.rankings["政府工作部门"]),
            repr(outcomes.grades),
            repr(outcomes.commendation),
            repr(outcomes.bottom),
        ]
        for text in texts:
            assert "\n" not in text
            assert len(text) <= 100, text
        assert repr(outcomes.rankings["政府工作部门"]).startswith(
            "<Ranking 系列：政府工作部门: 39 个单位，第 1 名 "
        )

    def test_vetoed_scorecard_repr(self):
        (card,) = scorecards({"a": 90}, vetoed={"a"})
        assert repr(card) == "<Scorecard a: 90.00 / 100 一票否决>"

    def test_html_reprs_are_escaped_and_balanced(self, season):
        """Notebook HTML escapes ids and closes its tags."""
        cards = scorecards({"<b>x</b>": 90, "y": 50})
        tree = org_tree({"党群部门": ["<b>x</b>", "y"]})
        outcomes = assess_outcomes(cards, tree)
        for obj in (
            cards[0],
            outcomes,
            outcomes.rankings["党群部门"],
            outcomes.grades,
            outcomes.commendation,
            outcomes.bottom,
        ):
            page = obj._repr_html_()
            checker = _parse(page)
            assert checker.errors == []
            assert checker.stack == []
            assert "<b>" not in page
            assert "b" not in checker.tags
        assert "&lt;b&gt;x&lt;/b&gt;" in cards[0]._repr_html_()

    def test_long_ranking_html_is_cut(self, season):
        page = season["outcomes"].rankings["政府工作部门"]._repr_html_()
        assert "另有 9 行" in page

    def test_scorecard_html_shows_sections(self, season):
        card = season["cards"][0]
        page = card._repr_html_()
        assert "思想建设 [A2]" in page
        assert card.show(card.total) in page


def _season_report(tree, cards):
    return CycleReport.build(
        cards,
        assess_outcomes(cards, tree),
        tree=tree,
        rubric=simple_rubric(),
        cycle=AssessmentCycle.cross_year(2025),
    )


class TestProperties:
    @given(seasons(), st.randoms(use_true_random=False))
    def test_order_never_changes_the_text(self, season, shuffler):
        """Shuffling scorecards and tree units changes neither model nor text."""
        tree, cards = season
        report = _season_report(tree, cards)
        shuffled_cards = list(cards)
        shuffler.shuffle(shuffled_cards)
        units = list(tree.units)
        shuffler.shuffle(units)
        other = _season_report(OrgTree(units), shuffled_cards)
        assert other == report
        assert to_markdown(other) == to_markdown(report)
        assert to_circular(other) == to_circular(report)
        assert all(to_csv(other, t) == to_csv(report, t) for t in CSV_TABLES)

    @given(seasons())
    def test_lists_and_flags_agree(self, season):
        """Nobody is both commended and at the bottom; the 通报 lists exactly them."""
        tree, cards = season
        report = _season_report(tree, cards)
        assert len(report.lines) == len(cards)
        commended = {e.unit_id for e in report.commended}
        bottom = {e.unit_id for e in report.bottom}
        assert not commended & bottom
        assert commended == {x.unit_id for x in report.lines if x.commended}
        assert bottom == {x.unit_id for x in report.lines if x.at_bottom}
        assert {x.unit_id for x in report.lines if x.vetoed} <= bottom
        listed = _circular_lists(to_circular(report))
        assert listed == (
            {e.name for e in report.commended},
            {e.name for e in report.bottom},
        )


class TestRubricSets:
    """分类考核: a season on a RubricSet, as every format shows it (issue 14, §2)."""

    @pytest.fixture(scope="class")
    @classmethod
    def classified(cls):
        """The season of tests/test_classified.py, one 政府 unit's B2 合理缺项."""
        from pbcheck import (
            DirectScore,
            Evaluation,
            Indicator,
            Observation,
            Rubric,
            Section,
        )
        from pbcheck.model.evaluation import NotApplicable
        from pbcheck.model.rubric_set import RubricSet
        from pbcheck.outcomes.ranking import RankingPolicy

        common = Section(
            "A",
            "机关党建常规工作",
            70,
            indicators=[Indicator("A1", "“三会一课”制度落实", 70, DirectScore())],
        )
        government = Rubric(
            "jgdj-zf",
            "2025",
            "政府工作部门考核细则",
            [
                common,
                Section(
                    "B",
                    "服务发展、有效履职",
                    30,
                    indicators=[
                        Indicator("B1", "优化营商环境", 15, DirectScore()),
                        Indicator("B2", "行政审批服务", 15, DirectScore()),
                    ],
                ),
            ],
        )
        party = Rubric(
            "jgdj-qt",
            "2025",
            "党群部门考核细则",
            [
                common,
                Section(
                    "C",
                    "服务中心、建设队伍",
                    30,
                    indicators=[Indicator("C1", "联系服务群众", 30, DirectScore())],
                ),
            ],
        )
        rubric_set = RubricSet(
            [government, party],
            by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
            title="分类考核细则",
        )
        tree = org_tree({"政府工作部门": ["a", "b"], "党群部门": ["c", "d"]})
        evaluations = [
            Evaluation(
                "a",
                [Observation("A1", 60), Observation("B1", 12)],
                not_applicable=[NotApplicable("B2", "本单位无行政审批职能")],
            ),
            Evaluation(
                "b", [Observation(i, v) for i, v in (("A1", 50), ("B1", 10), ("B2", 9))]
            ),
            Evaluation("c", [Observation("A1", 65), Observation("C1", 25)]),
            Evaluation("d", [Observation("A1", 55), Observation("C1", 20)]),
        ]
        cards = score_all(rubric_set, evaluations, tree=tree)
        policy = OutcomePolicy(ranking=RankingPolicy(mixed_rubrics="split"))
        outcomes = assess_outcomes(cards, tree, policy)
        report = CycleReport.build(
            cards,
            outcomes,
            tree=tree,
            rubric=rubric_set,
            cycle=AssessmentCycle.cross_year(2025),
        )
        return report, cards, outcomes, tree, rubric_set

    def test_the_heading_names_the_set_and_its_rubrics(self, classified):
        """Title and version are the set's; the rubrics are listed with their ids."""
        report = classified[0]
        assert (report.title, report.rubric_version, report.rubric_set) == (
            "分类考核细则",
            "2025",
            True,
        )
        assert report.rubric_titles == {
            "jgdj-zf": "政府工作部门考核细则",
            "jgdj-qt": "党群部门考核细则",
        }
        text = to_markdown(report)
        assert (
            "- 考核细则：分类考核细则（2025版，分类考核：政府工作部门考核细则（jgdj-zf）；"
            "党群部门考核细则（jgdj-qt））"
        ) in text

    def test_section_tables_never_mix_rubrics(self, classified):
        """Each profile table holds one rubric's units under that rubric's sections."""
        report = classified[0]
        for table in report.series:
            for profile in t.profiles(report, table):
                names = set(profile.headers[2:-3])
                rubric_ids = {
                    line.rubric_id
                    for line in table.lines
                    if line.name in {row[1] for row in profile.rows}
                }
                assert len(rubric_ids) == 1
                assert names == set(report.rubric_sections[rubric_ids.pop()].values())

    def test_each_row_names_its_rubric(self, classified):
        """The summary and the long CSV tables carry a 考核细则 column."""
        report = classified[0]
        summary = t.summary(report, report.series[1])
        column = summary.headers.index("考核细则")
        assert {row[column] for row in summary.rows} == {"党群部门考核细则"}
        header = to_csv(report, "sections").removeprefix("\ufeff").splitlines()[0]
        assert header.split(",")[:4] == ["单位编号", "单位名称", "系列", "考核细则"]

    def test_one_rubric_reports_keep_their_columns(self):
        """Without several rubrics no 考核细则 column is added."""
        report = small_report()
        assert not report.several_rubrics
        assert "考核细则" not in t.summary(report, report.series[0]).headers
        assert "考核细则" not in t.units_long(report).headers

    def test_not_applicable_shows_its_reason_not_zero(self, classified):
        """B2 of unit a: 合理缺项（原因） in the indicator table; it loses nothing."""
        report = classified[0]
        unit = report.unit("a")
        [b2] = [i for i in unit.indicators if i.indicator_id == "B2"]
        assert b2.lost == 0
        row = next(r for r in t.indicators(unit).rows if r[0] == "B2")
        assert row[3] == "合理缺项（本单位无行政审批职能）"
        assert row[5] == "合理缺项"
        markdown_unit = [
            r for r in t.indicators_long(report).rows if r[0] == "a" and "B2" in r
        ]
        assert markdown_unit

    def test_a_scorecard_of_another_rubric_than_its_units_is_named(self, classified):
        """A 党群 unit's card reported under the 政府 rubric: the unit's rubric is named."""
        _, cards, outcomes, _, rubric_set = classified
        tree = org_tree({"政府工作部门": ["a", "b", "c", "d"]})
        with pytest.raises(ValidationError) as caught:
            CycleReport.build(
                cards,
                outcomes,
                tree=tree,
                rubric=rubric_set,
                cycle=AssessmentCycle.cross_year(2025),
            )
        paths = sorted(p.path for p in caught.value.problems)
        assert paths == ["scorecards[c].rubric_id", "scorecards[d].rubric_id"]
        assert "(the unit's rubric of the set)" in caught.value.problems[0].message

    def test_every_format_renders_the_set(self, classified):
        """HTML, the workbook and the 通报 draft mention each rubric."""
        report = classified[0]
        page = to_html(report, charts=False)
        assert "政府工作部门（政府工作部门考核细则）：分项得分" in page
        assert "党群部门（党群部门考核细则）：分项得分" in page
        assert "实行分类考核" in to_circular(report)
        book = openpyxl.load_workbook(io.BytesIO(to_workbook(report)))
        facts = [row[1] for row in book["总览"].iter_rows(values_only=True) if row]
        assert "党群部门考核细则（jgdj-qt）" in facts
