"""Word documents (.docx) for the office: the draft 通报 and each unit's 反馈单.

Offices work in Word, so the two documents a season sends out are written
as ``.docx`` in the usual layout of official documents (GB/T 9704—2012,
《党政机关公文格式》), with the ``word`` extra (python-docx):

* A4 paper with the standard margins — 天头 37 mm, 订口 28 mm, a type area
  of 156 mm × 225 mm (so 26 mm right and 35 mm bottom);
* the title in 2号 方正小标宋简体, centred; a 文号 placeholder; 主送 flush
  left ending in a full-width colon; the body in 3号 仿宋_GB2312 with a
  two-character first-line indent at a fixed 28.95 pt (22 lines a page);
  first-level headings (一、) in 黑体;
* the issuing organ (落款) and the date in official form (2026年5月20日),
  the date four characters from the right margin;
* page numbers as ``— 1 —`` in 4号 宋体, odd pages right and even pages
  left, one character in from the margin.

Fonts are named as offices expect (each run sets its east-Asian font), and
the document's font table names a fallback for each (仿宋_GB2312 → 仿宋,
方正小标宋简体 → 宋体, …) that Word uses where the font is not installed;
:class:`OfficialFonts` changes them.  The wording of the 通报 is the text
draft's (:func:`~pbcheck.report.to_circular`): both come from one composer.
The 反馈单 lists every point the unit lost (:func:`pbcheck.scoring.lost_points`).

Like the workbook, the bytes are reproducible: document properties are dated
by the cycle (:attr:`~pbcheck.report.CycleReport.announced`), never by the
clock.  Both are drafts for the office to check, sign and number.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from pbcheck._files import deferred_signals, staging_folder, swap_in, write_atomic
from pbcheck._text import visible
from pbcheck.errors import Id, MissingExtraError, UnknownReferenceError, _Problems
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.report._circular import CircularDraft, cn_date, compose_circular
from pbcheck.report._excel import _fixed_zip
from pbcheck.report._model import CycleReport
from pbcheck.scoring.feedback import LostPoint, lost_points
from pbcheck.scoring.scorecard import Scorecard

if TYPE_CHECKING:
    from types import ModuleType

    from docx.document import Document
    from docx.oxml.text.font import CT_RPr
    from docx.styles.style import ParagraphStyle
    from docx.table import _Cell
    from docx.text.font import Font
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

__all__ = [
    "OfficialFonts",
    "report_lost_points",
    "to_circular_docx",
    "to_feedback_docx",
    "write_docx",
]

# GB/T 9704—2012, 5.2.1 and 5.2.2: A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
_PAGE_MM = (210, 297)
_MARGINS_MM = {"top": 37, "left": 28, "right": 210 - 28 - 156, "bottom": 297 - 37 - 225}
_TITLE_PT = 22  # 2号
_BODY_PT = 16  # 3号
_PAGE_NUMBER_PT = 14  # 4号
_TABLE_PT = 12  # 小四, for the lost-point table
# 22 lines in a 225 mm type area: 225 mm / 22 = 28.95 pt each.
_LINE_PT = 28.95
_INDENT_CHARS = 2
_DATE_RIGHT_CHARS = 4  # 成文日期右空四字


@attrs.frozen
class OfficialFonts:
    """The fonts of an official document, each with the fallback Word may use.

    Args:
        title: the title's font (标题), 方正小标宋简体 by default.
        body: the body's font (正文), 仿宋_GB2312.
        heading: first-level headings (一、), 黑体.
        page_number: page numbers, 宋体.
        latin: digits and Latin letters, Times New Roman.
        fallbacks: font → the font Word uses where it is missing (written to
            the document's font table as ``altName``).

    >>> OfficialFonts().body, OfficialFonts().fallbacks["仿宋_GB2312"]
    ('仿宋_GB2312', '仿宋')
    """

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading: str = "黑体"
    page_number: str = "宋体"
    latin: str = "Times New Roman"
    fallbacks: Mapping[str, str] = attrs.field(
        factory=lambda: {
            "方正小标宋简体": "宋体",
            "仿宋_GB2312": "仿宋",
            "楷体_GB2312": "楷体",
            "黑体": "SimHei",
            "宋体": "SimSun",
        }
    )


def _docx() -> ModuleType:
    try:
        import docx  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("word", "Word documents (.docx)") from None
    return docx


class _Writer:
    """One document being written: page setup, fonts and paragraph kinds."""

    def __init__(self, fonts: OfficialFonts, title: str, stamp: datetime) -> None:
        docx = _docx()
        from docx.shared import Mm, Pt  # noqa: PLC0415 - optional extra

        self.fonts = fonts
        self.Pt = Pt
        self.document: Document = docx.Document()
        props = self.document.core_properties
        props.author = "pbcheck"
        props.last_modified_by = "pbcheck"
        props.title = visible(title)
        props.created = stamp
        props.modified = stamp
        props.revision = 1
        section = self.document.sections[0]
        section.page_width, section.page_height = (Mm(v) for v in _PAGE_MM)
        section.top_margin = Mm(_MARGINS_MM["top"])
        section.bottom_margin = Mm(_MARGINS_MM["bottom"])
        section.left_margin = Mm(_MARGINS_MM["left"])
        section.right_margin = Mm(_MARGINS_MM["right"])
        # The page number sits 7 mm below the type area (GB/T 9704, 7.5).
        section.footer_distance = Mm(_MARGINS_MM["bottom"] - 7 - 5)
        normal = self.document.styles["Normal"]
        self._font(normal.font, normal.element.get_or_add_rPr(), fonts.body, _BODY_PT)
        normal.paragraph_format.line_spacing = Pt(_LINE_PT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        self._page_numbers()
        # Table text by paragraph style, not per run: a sheet can hold
        # hundreds of cells, and one style is what an office would edit.
        self.cell_styles = {
            font: self._table_style(name, font)
            for name, font in (("表格正文", fonts.body), ("表格标题", fonts.heading))
        }

    def _table_style(self, name: str, east_asian: str) -> ParagraphStyle:
        from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415 - optional extra

        style: ParagraphStyle = self.document.styles.add_style(
            name, WD_STYLE_TYPE.PARAGRAPH
        )
        style.base_style = self.document.styles["Normal"]
        self._font(style.font, style.element.get_or_add_rPr(), east_asian, _TABLE_PT)
        style.paragraph_format.line_spacing = 1.0
        return style

    def _font(
        self, font: Font, properties: CT_RPr, east_asian: str, size: float
    ) -> None:
        """Set *font* to *east_asian* for CJK text and the Latin font for the rest."""
        from docx.oxml.ns import qn  # noqa: PLC0415 - optional extra

        font.name = self.fonts.latin
        font.size = self.Pt(size)
        properties.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)

    def run(self, paragraph: Paragraph, text: str, east_asian: str, size: float) -> Run:
        """Add *text* to *paragraph* as a run in *east_asian* at *size* points."""
        run = paragraph.add_run(visible(text))
        self._font(run.font, run._r.get_or_add_rPr(), east_asian, size)  # noqa: SLF001
        return run

    def paragraph(  # noqa: PLR0913 - a paragraph's layout, each by name
        self,
        text: str,
        *,
        font: str | None = None,
        size: float = _BODY_PT,
        align: str = "left",
        indent: bool = True,
        right_chars: float = 0,
        bold: bool = False,
    ) -> Paragraph:
        """One paragraph of *text* in one run; the body's font and indent by default."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415

        paragraph = self.document.add_paragraph()
        paragraph.alignment = {
            "left": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        layout = paragraph.paragraph_format
        if indent:
            layout.first_line_indent = self.Pt(size * _INDENT_CHARS)
        if right_chars:
            layout.right_indent = self.Pt(_BODY_PT * right_chars)
        if text:
            self.run(paragraph, text, font or self.fonts.body, size).font.bold = bold
        return paragraph

    def title(self, text: str) -> None:
        """The title in 2号 小标宋, centred, with a blank line after (GB/T 9704, 7.3.1)."""
        paragraph = self.paragraph(
            text, font=self.fonts.title, size=_TITLE_PT, align="center", indent=False
        )
        paragraph.paragraph_format.line_spacing = self.Pt(_LINE_PT * 1.2)
        self.blank()

    def blank(self) -> None:
        """An empty line of the body."""
        self.paragraph("", indent=False)

    def heading(self, text: str) -> None:
        """A first-level heading (一、…) in 黑体, indented like the body."""
        self.paragraph(text, font=self.fonts.heading)

    def signature(self, issuer: str, issued: str) -> None:
        """落款 centred over the date, the date four characters from the right."""
        self.blank()
        self.blank()
        # Centre the organ over the date: both end at the same distance from
        # the date's centre, in characters (digits count half).
        shift = (_width(issued) - _width(issuer)) / 2
        self.paragraph(
            issuer, align="right", indent=False, right_chars=_DATE_RIGHT_CHARS + shift
        )
        self.paragraph(
            issued, align="right", indent=False, right_chars=_DATE_RIGHT_CHARS
        )

    def _page_numbers(self) -> None:
        """``— 1 —`` in 4号 宋体: odd pages right, even pages left (GB/T 9704, 7.5)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
        from docx.oxml import OxmlElement  # noqa: PLC0415
        from docx.oxml.ns import qn  # noqa: PLC0415

        self.document.settings.odd_and_even_pages_header_footer = True
        section = self.document.sections[0]
        for footer, align, side in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            paragraph = footer.paragraphs[0]
            paragraph.alignment = align
            setattr(
                paragraph.paragraph_format, f"{side}_indent", self.Pt(_PAGE_NUMBER_PT)
            )
            self.run(paragraph, "— ", self.fonts.page_number, _PAGE_NUMBER_PT)
            number = self.run(paragraph, "1", self.fonts.page_number, _PAGE_NUMBER_PT)
            # The run shows the page number Word computes: wrap it in a PAGE field.
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            number._r.addprevious(field)  # noqa: SLF001
            field.append(number._r)  # noqa: SLF001
            self.run(paragraph, " —", self.fonts.page_number, _PAGE_NUMBER_PT)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths_mm: Sequence[float],
    ) -> None:
        """A bordered table, header row in 黑体 and repeated on every page."""
        from docx.enum.table import WD_TABLE_ALIGNMENT  # noqa: PLC0415
        from docx.oxml import OxmlElement  # noqa: PLC0415
        from docx.oxml.ns import qn  # noqa: PLC0415
        from docx.shared import Mm  # noqa: PLC0415

        table = self.document.add_table(rows=1 + len(rows), cols=len(header))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for number, row in enumerate([list(header), *map(list, rows)]):
            cells = table.rows[number].cells
            for column, text in enumerate(row):
                self._cell(
                    cells[column],
                    text,
                    self.fonts.heading if number == 0 else self.fonts.body,
                )
                cells[column].width = Mm(widths_mm[column])
        first = table.rows[0]._tr.get_or_add_trPr()  # noqa: SLF001
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        first.append(repeat)

    def _cell(self, cell: _Cell, text: str, font: str) -> None:
        paragraph = cell.paragraphs[0]
        # Set the style id directly: python-docx's ``paragraph.style`` setter
        # scans every style of the document per call, seconds per sheet.
        properties = paragraph._p.get_or_add_pPr()  # noqa: SLF001
        properties.style = self.cell_styles[font].style_id
        paragraph.add_run(visible(text))

    def data(self, stamp: datetime) -> bytes:
        """The document as reproducible bytes, with the fonts' fallbacks declared."""
        raw = io.BytesIO()
        self.document.save(raw)
        return _fixed_zip(
            raw.getvalue(),
            stamp,
            rewrite={"word/fontTable.xml": self._font_table},
        )

    def _font_table(self, xml: bytes) -> bytes:
        """Declare each font with its fallback (``altName``) in the font table."""
        used = {
            self.fonts.title,
            self.fonts.body,
            self.fonts.heading,
            self.fonts.page_number,
        }
        entries = "".join(
            f'<w:font w:name="{_xml(name)}"><w:altName w:val="{_xml(alt)}"/>'
            '<w:charset w:val="86"/><w:family w:val="auto"/>'
            '<w:pitch w:val="variable"/></w:font>'
            for name, alt in sorted(self.fonts.fallbacks.items())
            if name in used
        )
        return xml.replace(b"</w:fonts>", entries.encode() + b"</w:fonts>")


def _xml(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _width(text: str) -> float:
    """Width of *text* in characters of the body: ASCII counts half."""
    return sum(0.5 if ord(char) < 128 else 1 for char in text)


def _stamp(report: CycleReport) -> datetime:
    return datetime.combine(report.announced, time(0, 0))


_NUMBER_PLACEHOLDER = "〔文号：×机工〔××××〕×号〕"


def _heading_block(
    writer: _Writer, title: str, number: str | None, addressee: str
) -> None:
    writer.paragraph(number or _NUMBER_PLACEHOLDER, align="center", indent=False)
    writer.blank()
    writer.title(title)
    writer.paragraph(f"{addressee}：", indent=False)


def to_circular_docx(  # noqa: PLR0913 - every part of an official document is named
    report: CycleReport,
    *,
    addressee: str = "各直属机关党组织",
    issuer: str | None = None,
    issued: date | None = None,
    number: str | None = None,
    fonts: OfficialFonts | None = None,
) -> bytes:
    """The draft circular (通报) as a Word document, returned as bytes.

    The wording is :func:`~pbcheck.report.to_circular`'s; the layout is
    GB/T 9704's (see :mod:`pbcheck.report`).  *number* is the 发文字号 (a
    placeholder when ``None``), *issuer* the 落款 and *issued* the 成文日期,
    written in official form (2026年5月20日); a placeholder when not given.
    Needs the ``word`` extra (python-docx).

    Raises:
        MissingExtraError: without the ``word`` extra.

    >>> import io, docx
    >>> from datetime import date
    >>> from pbcheck.examples.small import small_report
    >>> data = to_circular_docx(small_report(), issued=date(2026, 5, 20))
    >>> text = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    >>> text[2], text[4], text[-2]
    ('关于2025—2026年度机关党建工作责任制考核结果的通报', '各直属机关党组织：', '2026年5月20日')
    """
    draft = compose_circular(report, addressee=addressee, issuer=issuer, issued=issued)
    writer = _Writer(fonts or OfficialFonts(), draft.title, _stamp(report))
    _circular_body(writer, draft, number)
    return writer.data(_stamp(report))


def _circular_body(writer: _Writer, draft: CircularDraft, number: str | None) -> None:
    _heading_block(writer, draft.title, number, draft.addressee)
    writer.paragraph(draft.opening)
    for heading, body in draft.sections:
        writer.heading(heading)
        for line in body:
            writer.paragraph(line)
    writer.blank()
    writer.paragraph(draft.attachment)
    writer.signature(draft.issuer, draft.issued)
    # 附注 (publicity) below the date, two characters in (GB/T 9704, 7.3.6).
    writer.paragraph(draft.publicity)


#: Columns of the lost-point table and their widths (mm, summing to the 156 mm type area).
_LOST_COLUMNS = (
    ("序号", 10),
    ("考核内容", 24),
    ("指标或事项", 34),
    ("应得分", 14),
    ("实得分", 14),
    ("失分", 14),
    ("失分原因及依据", 46),
)


def to_feedback_docx(  # noqa: PLR0913 - every part of an official document is named
    report: CycleReport,
    unit_id: str,
    lost: Sequence[LostPoint],
    *,
    issuer: str | None = None,
    issued: date | None = None,
    number: str | None = None,
    fonts: OfficialFonts | None = None,
) -> bytes:
    """A unit's 反馈单 (feedback sheet) as a Word document, returned as bytes.

    Addressed to the unit (主送), it gives its total, rank and grade, then
    every point it lost as a table — 考核内容, 指标或事项, 应得分, 实得分,
    失分, and the reason with its evidence — from *lost*
    (:func:`pbcheck.scoring.lost_points` of its scorecard), amounts by the
    rubric's rounding; then asks for rectification within the time the
    rubric sets.  Layout and the other arguments as :func:`to_circular_docx`.

    Raises:
        KeyError: *unit_id* is not a unit of *report*.
        MissingExtraError: without the ``word`` extra.

    >>> import io, docx
    >>> from pbcheck.examples.small import small_report, scorecards, simple_rubric
    >>> report = small_report({"a": 95, "b": "87.5"})
    >>> (card,) = [c for c in scorecards({"b": "87.5"})]
    >>> data = to_feedback_docx(report, "b", lost_points(card, simple_rubric()))
    >>> document = docx.Document(io.BytesIO(data))
    >>> document.paragraphs[4].text
    '单位b：'
    >>> [cell.text for cell in document.tables[0].rows[1].cells][2:6]
    ['综合评分（i）', '100.00', '87.50', '12.50']
    """
    unit = report.unit(unit_id)
    line = unit.line
    cycle = report.cycle
    title = f"{cycle.label_zh}机关党建工作责任制考核反馈单"
    writer = _Writer(
        fonts or OfficialFonts(), f"{title}（{line.name}）", _stamp(report)
    )
    _heading_block(writer, title, number, line.name)
    grade = f"，等次为“{line.grade}”" if line.grade else ""
    writer.paragraph(
        f"根据《{report.rubric_title(line)}》，你单位{cycle.label_zh}"
        f"（{cn_date(cycle.start)}至{cn_date(cycle.end)}）党建工作责任制考核总分"
        f"{report.show(line.total)}分（满分{report.show(unit.max_total)}分），"
        f"在{line.series}中排第{line.rank}名{grade}。"
        "现将失分情况反馈如下，请认真对照整改。"
    )
    writer.heading("一、失分清单")
    if lost:
        total = sum((p.lost for p in lost if p.kind != "veto"), Fraction(0))
        writer.paragraph(
            f"共{len(lost)}项，合计失分{report.show(total)}分（不含一票否决）。"
        )
        rows = [
            (
                str(number_),
                point.section or point.kind_zh,
                f"{point.title}（{point.item_id}）" if point.item_id else point.title,
                report.show(point.possible) if point.kind == "indicator" else "—",
                report.show(point.earned) if point.kind == "indicator" else "—",
                report.show(point.lost),
                _reason(point),
            )
            for number_, point in enumerate(lost, 1)
        ]
        writer.table(
            [name for name, _ in _LOST_COLUMNS], rows, [w for _, w in _LOST_COLUMNS]
        )
    else:
        writer.paragraph("你单位本考核年度没有失分。")
    writer.heading("二、整改要求")
    writer.paragraph(
        "请针对上述失分情况，认真查找原因，制定整改措施，"
        "按照考核细则规定的时限将整改情况书面报送。"
    )
    draft_issuer = issuer or "〔落款单位〕"
    draft_issued = (
        cn_date(issued) if issued is not None else "〔成文日期：××××年××月××日〕"
    )
    writer.signature(draft_issuer, draft_issued)
    return writer.data(_stamp(report))


def _reason(point: LostPoint) -> str:
    evidence = "；".join(
        f"{item.kind}：{item.title or item.ref}（{item.ref}）"
        if item.title
        else f"{item.kind}：{item.ref}"
        for item in point.evidence
    )
    return f"{point.reason}（依据：{evidence}）" if evidence else point.reason


# -- writing a set ----------------------------------------------------------------

_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_NAME_CHARS = 40  # of a unit name in a file name: long names stay within limits


def _file_name(stem: str, taken: set[str]) -> str:
    name = _UNSAFE_NAME.sub("_", visible(stem)).strip(" .") or "_"
    candidate, n = f"{name}.docx", 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}-{n}.docx"
    taken.add(candidate.casefold())
    return candidate


def _check_units(
    problems: _Problems, report: CycleReport, cards: Iterable[Scorecard]
) -> None:
    known = {unit.line.unit_id for unit in report.units}
    for card in cards:
        if card.unit_id not in known:
            problems.add(
                UnknownReferenceError(
                    ("scorecards", Id(card.unit_id)),
                    card.unit_id,
                    "is not a unit of the report",
                )
            )


def report_lost_points(
    report: CycleReport,
    scorecards: Iterable[Scorecard],
    rubric: Rubric | RubricSet,
) -> dict[str, tuple[LostPoint, ...]]:
    """Each scorecard's :func:`~pbcheck.scoring.lost_points`, by unit id, in report order.

    Under *rubric*, or for a :class:`~pbcheck.model.rubric_set.RubricSet`
    under the unit's own rubric.  Give the result to
    :func:`~pbcheck.report.to_workbook` (``lost=``) or
    :func:`to_feedback_docx`.

    Raises:
        ValidationError: a scorecard of a unit the report does not hold.
        InvalidValueError: a scorecard not scored under its rubric.

    >>> from pbcheck.examples.small import small_report, scorecards, simple_rubric
    >>> lost = report_lost_points(
    ...     small_report({"a": 95, "b": 60}), scorecards({"b": 60}), simple_rubric()
    ... )
    >>> {unit: [p.lost for p in points] for unit, points in lost.items()}
    {'b': [Fraction(40, 1)]}
    """
    cards = {card.unit_id: card for card in scorecards}
    problems = _Problems("invalid lost points inputs")
    _check_units(problems, report, cards.values())
    problems.raise_if_any()
    out: dict[str, tuple[LostPoint, ...]] = {}
    for line in report.lines:
        card = cards.get(line.unit_id)
        if card is None:
            continue
        own = (
            rubric.rubric_for(line.unit_id, series=line.series)
            if isinstance(rubric, RubricSet)
            else rubric
        )
        out[line.unit_id] = lost_points(card, own)
    return out


def write_docx(  # noqa: PLR0913 - every part of an official document is named
    report: CycleReport,
    directory: str | os.PathLike[str],
    *,
    scorecards: Iterable[Scorecard] = (),
    rubric: Rubric | RubricSet | None = None,
    addressee: str = "各直属机关党组织",
    issuer: str | None = None,
    issued: date | None = None,
    fonts: OfficialFonts | None = None,
) -> tuple[Path, ...]:
    """Write the draft 通报 and, given the scorecards, each unit's 反馈单 as .docx.

    Files: ``通报草稿.docx`` (:func:`to_circular_docx`) and, for each of
    *scorecards*, ``反馈单-{unit id}-{unit name}.docx``
    (:func:`to_feedback_docx` of its :func:`~pbcheck.scoring.lost_points`
    under *rubric*, or under the unit's rubric of a
    :class:`~pbcheck.model.rubric_set.RubricSet`), in the report's order.
    Characters a file name cannot hold become ``_``.  The set is written
    as one unit, like :func:`~pbcheck.report.write_report`: everything is
    rendered first, then swapped into *directory* (created if needed) by
    renames.  Returns the paths written, in order.

    Raises:
        ValidationError: *scorecards* without *rubric*, or a scorecard of a
            unit the report does not hold.
        InvalidValueError: a scorecard not scored under its rubric.
        MissingExtraError: without the ``word`` extra.

    >>> import tempfile
    >>> from pbcheck.examples.small import small_report, scorecards, simple_rubric
    >>> cards = scorecards({"a": 95, "b": 60})
    >>> paths = write_docx(
    ...     small_report({"a": 95, "b": 60}),
    ...     tempfile.mkdtemp(),
    ...     scorecards=cards,
    ...     rubric=simple_rubric(),
    ... )
    >>> [p.name for p in paths]
    ['通报草稿.docx', '反馈单-a-单位a.docx', '反馈单-b-单位b.docx']
    """
    cards = tuple(scorecards)
    problems = _Problems("invalid Word document inputs")
    if cards and rubric is None:
        problems.add(
            UnknownReferenceError(
                ("rubric",), None, "is needed to list the scorecards' lost points"
            )
        )
    _check_units(problems, report, cards)
    problems.raise_if_any()
    lost = report_lost_points(report, cards, rubric) if rubric is not None else {}
    taken: set[str] = set()
    rendered: list[tuple[str, bytes]] = [
        (
            _file_name("通报草稿", taken),
            to_circular_docx(
                report, addressee=addressee, issuer=issuer, issued=issued, fonts=fonts
            ),
        )
    ]
    for unit_id, points in lost.items():
        name = report.unit(unit_id).line.name
        rendered.append(
            (
                _file_name(f"反馈单-{unit_id}-{name[:_NAME_CHARS]}", taken),
                to_feedback_docx(
                    report, unit_id, points, issuer=issuer, issued=issued, fonts=fonts
                ),
            )
        )
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with deferred_signals(), staging_folder(folder) as staged:
        for name, data in rendered:
            write_atomic(staged / "new" / name, data)
        return swap_in(staged, folder, [name for name, _ in rendered])
