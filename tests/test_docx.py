"""Word documents for the office (issue 16): the draft 通报 and each unit's 反馈单.

Every test opens the files with python-docx, as an office's Word would, and
checks what a reader sees: title, 文号, 主送, headings, the lost-point rows,
the 落款 and the date in official form, the GB/T 9704 page and fonts.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import date
from fractions import Fraction

import pytest

from pbcheck import assess_outcomes
from pbcheck.errors import MissingExtraError, ValidationError
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import scorecards, simple_rubric, small_report
from pbcheck.outcomes.history import History
from pbcheck.report import (
    CycleReport,
    OfficialFonts,
    to_circular,
    to_circular_docx,
    to_feedback_docx,
    write_docx,
)
from pbcheck.report._circular import DRAFT_MARK
from pbcheck.scoring import lost_points
from pbcheck.scoring.engine import score_all

docx = pytest.importorskip("docx")
from docx.oxml.ns import qn  # noqa: E402 - after the skip

_OFFICIAL_DATE = re.compile(r"^\d{4}年(1[0-2]|[1-9])月([1-3]\d|[1-9])日$")
_FRACTION = re.compile(r"\d+/\d+")


@pytest.fixture(scope="module")
def season():
    """The bundled example's second year, with the first as history."""
    rubric, tree = example_rubrics(), example_tree()
    results = []
    for year in EXAMPLE_YEARS:
        cycle = example_cycle(year)
        cards = score_all(rubric, example_evaluations(year), tree=tree, cycle=cycle)
        results.append((cycle, cards, assess_outcomes(cards, tree, cycle=cycle)))
    history = History([o.cycle_result(c) for c, _, o in results[:-1]])
    cycle, cards, outcomes = results[-1]
    report = CycleReport.build(
        cards, outcomes, tree=tree, rubric=rubric, cycle=cycle, history=history
    )
    return {"rubric": rubric, "cards": cards, "report": report}


@pytest.fixture(scope="module")
def sheets(season):
    """The 反馈单 of every unit of the example, opened."""
    report = season["report"]
    return [
        _open(
            to_feedback_docx(
                report,
                card.unit_id,
                lost_points(card, season["rubric"].rubric_for(card.unit_id)),
            )
        )
        for card in season["cards"]
    ]


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def _east_asian(paragraph) -> str:
    run = paragraph.runs[0]
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


class TestCircular:
    def test_wording_is_the_text_drafts(self, season):
        """Every line of the text circular is a paragraph of the Word draft, in order."""
        report = season["report"]
        issued = date(2026, 6, 20)
        text = to_circular(report, issuer="江城市直机关工委", issued=issued)
        lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and line != DRAFT_MARK
        ]
        paragraphs = _texts(
            _open(to_circular_docx(report, issuer="江城市直机关工委", issued=issued))
        )
        found = iter(paragraphs)
        missing = [line for line in lines if line not in found]
        assert not missing

    def test_title_number_addressee_headings_and_date(self, season):
        """Title, 文号 placeholder, 主送, numbered 黑体 headings, 落款 and date."""
        document = _open(
            to_circular_docx(
                season["report"],
                addressee="各直属机关党组织",
                issuer="江城市直机关工委",
                issued=date(2026, 5, 20),
            )
        )
        paragraphs = [p for p in document.paragraphs if p.text]
        texts = [p.text for p in paragraphs]
        assert texts[0] == "〔文号：×机工〔××××〕×号〕"
        assert texts[1] == "关于2025—2026年度机关党建工作责任制考核结果的通报"
        assert texts[2] == "各直属机关党组织："
        headings = [
            p for p in paragraphs if re.match(r"^[一二三四五六七八九十]、", p.text)
        ]
        assert [h.text for h in headings] == [
            "一、党建工作先进单位",
            "二、考评处于后位的单位",
            "三、连续两年处于后位的单位",
            "四、有关要求",
        ]
        assert {_east_asian(h) for h in headings} == {"黑体"}
        assert _east_asian(paragraphs[1]) == "方正小标宋简体"
        assert _east_asian(paragraphs[3]) == "仿宋_GB2312"
        assert texts[-3:-1] == ["江城市直机关工委", "2026年5月20日"]
        assert _OFFICIAL_DATE.match(texts[-2])
        assert texts[-1] == "（此件公开发布 / 此件不公开：〔请选择〕）"

    def test_deadlines_are_the_rubrics_rules(self, season):
        """Escalation deadlines are given as the rubric's rules, never 有关规定."""
        texts = _texts(_open(to_circular_docx(season["report"])))
        escalated = [t for t in texts if "前完成" in t]
        assert escalated
        assert all("按照考核细则" in t for t in escalated)
        assert not [t for t in texts if "有关规定" in t]

    def test_placeholders_without_issuer_and_date(self):
        """Without 落款 and date the draft has placeholders to fill in."""
        texts = _texts(_open(to_circular_docx(small_report())))
        assert texts[-3:-1] == ["〔落款单位〕", "〔成文日期：××××年××月××日〕"]

    def test_a4_page_with_gbt_9704_margins(self):
        """A4, 天头 37 mm, 订口 28 mm, type area 156 × 225 mm, page numbers both sides."""
        document = _open(to_circular_docx(small_report()))
        (section,) = document.sections

        def mm(length):  # Word stores twips: 210 mm reads back as 210.0013 mm
            return round(length / 36000, 1)

        assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
        assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
        width = section.page_width - section.left_margin - section.right_margin
        height = section.page_height - section.top_margin - section.bottom_margin
        assert (mm(width), mm(height)) == (156, 225)
        assert document.settings.odd_and_even_pages_header_footer
        for footer in (section.footer, section.even_page_footer):
            xml = footer._element.xml
            assert 'w:instr="PAGE"' in xml
            paragraph = footer.paragraphs[0]
            assert paragraph.text == "—  —"  # the number is a field: Word fills it
            (number,) = paragraph._p.xpath("./w:fldSimple/w:r/w:t")
            assert number.text == "1"

    def test_fonts_declare_their_fallbacks(self):
        """The font table names a fallback for each official font; it can be changed."""
        data = to_circular_docx(small_report())
        table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
        assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in table
        assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in table
        plain = OfficialFonts(body="仿宋", fallbacks={"仿宋": "FangSong"})
        document = _open(to_circular_docx(small_report(), fonts=plain))
        body = next(
            p
            for p in document.paragraphs
            if p.text.startswith("　") or "根据" in p.text
        )
        assert _east_asian(body) == "仿宋"

    def test_bytes_are_reproducible(self):
        """The same report gives the same bytes: dated by the cycle, not the clock."""
        report = small_report()
        data = to_circular_docx(report)
        assert data == to_circular_docx(report)
        props = _open(data).core_properties
        assert props.created.date() == report.announced

    def test_missing_extra_is_named(self, monkeypatch):
        """Without python-docx the error names the ``word`` extra."""
        monkeypatch.setitem(sys.modules, "docx", None)
        with pytest.raises(MissingExtraError, match=r"pbcheck\[word\]"):
            to_circular_docx(small_report())


class TestFeedback:
    def _weakest(self, season):
        report = season["report"]
        line = min(report.lines, key=lambda line: line.total)
        card = next(c for c in season["cards"] if c.unit_id == line.unit_id)
        return report, line, card

    def test_rows_are_the_units_lost_points(self, season):
        """One row per lost point: item, amounts by the rubric's rounding, reason."""
        report, line, card = self._weakest(season)
        lost = lost_points(card, season["rubric"].rubric_for(card.unit_id))
        document = _open(to_feedback_docx(report, line.unit_id, lost))
        (table,) = document.tables
        header, *rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert header == [
            "序号",
            "考核内容",
            "指标或事项",
            "应得分",
            "实得分",
            "失分",
            "失分原因及依据",
        ]
        assert len(rows) == len(lost)
        for row, point in zip(rows, lost, strict=True):
            assert point.item_id in row[2]
            assert row[5] == report.show(point.lost)
            assert row[6].startswith(point.reason)
            for evidence in point.evidence:
                assert evidence.ref in row[6]
        assert table.rows[0]._tr.trPr.xml.count("w:tblHeader") == 1

    def test_addressed_to_the_unit_with_its_result(self, season):
        """主送 is the unit; the opening gives total, rank and grade; headings follow."""
        report, line, card = self._weakest(season)
        lost = lost_points(card, season["rubric"].rubric_for(card.unit_id))
        texts = _texts(
            _open(
                to_feedback_docx(
                    report,
                    line.unit_id,
                    lost,
                    issuer="江城市直机关工委",
                    issued=date(2026, 6, 18),
                )
            )
        )
        assert texts[1] == "2025—2026年度机关党建工作责任制考核反馈单"
        assert texts[2] == f"{line.name}："
        assert f"总分{report.show(line.total)}分" in texts[3]
        assert f"排第{line.rank}名" in texts[3]
        assert "一、失分清单" in texts
        assert "二、整改要求" in texts
        assert texts[-1] == "2026年6月18日"

    def test_no_fractions_in_what_the_sheet_composes(self, sheets):
        """In all 90 sheets, paragraphs and amount cells hold no fraction like 11/6."""
        texts = []
        for document in sheets:
            texts += _texts(document)
            for table in document.tables:
                texts += [cell.text for row in table.rows for cell in row.cells[:6]]
        assert len(texts) > 90
        assert not [text for text in texts if _FRACTION.search(text)]

    def test_no_fractions_in_the_rules_reasons(self, sheets):
        """Reasons quoted from the rules hold no fraction either (issue 16)."""
        reasons = [
            row.cells[6].text
            for document in sheets
            for table in document.tables
            for row in table.rows
        ]
        assert not [text for text in reasons if _FRACTION.search(text)]

    def test_a_unit_that_lost_nothing(self):
        """A full score gives a sheet saying so, without a table."""
        report = small_report({"a": 100})
        (card,) = scorecards({"a": 100})
        document = _open(
            to_feedback_docx(report, "a", lost_points(card, simple_rubric()))
        )
        assert document.tables == []
        assert "你单位本考核年度没有失分。" in _texts(document)


class TestWriteDocx:
    def test_writes_circular_and_sheets_in_report_order(self, tmp_path):
        """One circular and one sheet per scorecard, named by id and name."""
        cards = scorecards({"a": 95, "b": 60, "c": "80.5"})
        paths = write_docx(
            small_report({"a": 95, "b": 60, "c": "80.5"}),
            tmp_path,
            scorecards=reversed(cards),
            rubric=simple_rubric(),
        )
        assert [p.name for p in paths] == [
            "通报草稿.docx",
            "反馈单-a-单位a.docx",
            "反馈单-c-单位c.docx",
            "反馈单-b-单位b.docx",
        ]
        sheet = _open(paths[-1].read_bytes())
        assert sheet.tables[0].rows[1].cells[5].text == "40.00"

    def test_bad_inputs_are_named(self, tmp_path):
        """A scorecard without a rubric, or of a unit not in the report, is refused."""
        report = small_report({"a": 95})
        with pytest.raises(ValidationError) as caught:
            write_docx(report, tmp_path, scorecards=scorecards({"a": 95, "z": 50}))
        problems = [str(p) for p in caught.value.problems]
        assert problems == [
            "rubric: is needed to list the scorecards' lost points (got None)",
            "scorecards[z]: is not a unit of the report (got 'z')",
        ]
        assert list(tmp_path.iterdir()) == []

    def test_amounts_are_exact_before_rounding(self):
        """The sheet rounds the exact lost points once (12.125 lost shows as 12.13)."""
        report = small_report({"a": "87.875"})
        (card,) = scorecards({"a": "87.875"})
        lost = lost_points(card, simple_rubric())
        assert lost[0].lost == Fraction(97, 8)
        document = _open(to_feedback_docx(report, "a", lost))
        assert document.tables[0].rows[1].cells[5].text == "12.13"
