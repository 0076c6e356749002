"""The HTML report's print stylesheet and the structure it relies on (A4, page per series…).

The browser itself is tested in test_browser.py; these tests read the page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.examples.small import small_report
from pbcheck.report import to_html

SERIES = {
    "政府工作部门": ["a", "b", "c"],
    "党群部门": ["d", "e"],
    "垂直管理部门": ["f"],
}


@pytest.fixture(scope="module")
def report():
    return small_report(
        {"a": 95, "b": 80, "c": 60, "d": 90, "e": 70, "f": 85}, series=SERIES
    )


@pytest.fixture(scope="module")
def page(report) -> str:
    return to_html(report, charts=False)


def style(page: str) -> str:
    found = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    assert found is not None
    return found.group(1)


def print_rules(page: str) -> str:
    """The body of the ``@media print`` block."""
    css = style(page)
    start = css.index("@media print{") + len("@media print{")
    depth, at = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(css[at], 0)
        at += 1
    return css[start : at - 1]


class _Cells(HTMLParser):
    """Each table's header texts, and each data cell's class and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[tuple[str, str]]]]] = []
        self._cell: tuple[str, str, list[str]] | None = None
        self.sections: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append(([], []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in {"td", "th"}:
            self._cell = (tag, attrs.get("class") or "", [])
        elif tag == "section":
            self.sections.append(attrs.get("class") or "")

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2].append(data)

    def handle_endtag(self, tag):
        if tag in {"td", "th"} and self._cell is not None:
            kind, css, text = self._cell
            if kind == "th":
                self.tables[-1][0].append("".join(text))
            else:
                self.tables[-1][1][-1].append((css, "".join(text)))
            self._cell = None


def cells(page: str) -> _Cells:
    parser = _Cells()
    parser.feed(page)
    parser.close()
    return parser


class TestPageSetup:
    def test_a4_with_margins(self, page):
        """@page sets A4 and a margin on every side."""
        rule = re.search(r"@page\{size:A4;margin:([^;]+);", style(page))
        assert rule is not None
        assert len(rule.group(1).split()) == 4
        assert all(m.endswith("mm") for m in rule.group(1).split())

    def test_page_numbers_at_the_foot(self, page):
        """A bottom-centre margin box counts pages: 第 n 页，共 m 页."""
        css = style(page)
        foot = re.search(r"@bottom-center\{content:([^;]+);", css)
        assert foot is not None
        assert "counter(page)" in foot.group(1)
        assert "counter(pages)" in foot.group(1)

    def test_running_head_is_the_title_except_on_the_first_page(self, report, page):
        """Pages after the first carry the report's title at the top; the first has
        the title block instead."""
        css = style(page)
        head = re.search(r'@top-center\{content:"([^"]*)"', css)
        assert head is not None
        assert head.group(1) == report.heading
        assert "@page :first{@top-center{content:none}}" in css

    @given(st.text(min_size=1, max_size=30))
    def test_no_title_escapes_the_running_head(self, title):
        """Whatever the title holds (quotes, backslashes, ``</style>``, line
        breaks), it stays inside the CSS string and the <style> element."""
        from pbcheck.report._html import _css

        css = _css(title)
        head = css[css.index("@top-center{content:") :].split(";", 1)[0]
        inside = head[len("@top-center{content:") :]
        assert inside.startswith('"')
        assert inside.endswith('"')
        body = inside[1:-1]
        assert not re.search(r'(?<!\\)"', body.replace("\\\\", ""))
        assert "<" not in body
        assert "\n" not in body
        assert "</style" not in css


class TestPrintRules:
    def test_headers_repeat_and_rows_stay_whole(self, page):
        """thead repeats on each printed page; a row, a figure is never split."""
        rules = print_rules(page)
        assert "thead{display:table-header-group}" in rules
        assert re.search(r"tr,figure,svg\{break-inside:avoid", rules)

    def test_each_series_after_the_first_starts_a_page(self, report, page):
        """One <section class="series"> per series, and sibling sections break
        before them; the lists, charts and profiles each start a page too."""
        parsed = cells(page)
        assert parsed.sections.count("series") == len(report.series)
        assert parsed.sections.count("part") == 3
        rules = print_rules(page)
        assert re.search(
            r"section\.series\+section\.series,section\.part\{break-before:page", rules
        )

    def test_navigation_not_printed(self, page):
        """The screen's table of contents is left out on paper."""
        assert "nav,.screen-only{display:none}" in print_rules(page)

    def test_title_block(self, report, page):
        """The page opens with a title block: the heading and the season's facts."""
        block = re.search(
            r'<header class="title-block">(.*?)</header>', page, re.DOTALL
        )
        assert block is not None
        assert f"<h1>{report.heading}</h1>" in block.group(1)
        assert "考核周期：" in block.group(1)
        assert page.index("</header>") < page.index("<nav>")

    def test_screen_styles_kept(self, page):
        """The screen layout is what it was: centred, at most 72em wide."""
        assert style(page).startswith("body{")
        assert "max-width:72em" in style(page).split("@page")[0]


class TestNoWrap:
    def test_grades_ids_and_names_do_not_wrap(self, page):
        """Cells of 名次, 单位编号, 单位名称, 等次 and the list columns carry a
        class that keeps them on one line; reasons do not."""
        keep = {"名次", "单位编号", "单位名称", "系列", "等次", "表彰", "处于后位"}
        css = style(page)
        assert "td.n,td.k{white-space:nowrap}" in css
        assert "th{background:#f3f3f3;white-space:nowrap}" in css
        seen = set()
        for headers, rows in cells(page).tables:
            for row in rows:
                for header, (css_class, _) in zip(headers, row, strict=False):
                    if header in keep:
                        assert css_class in {"k", "n"}, (header, css_class)
                        seen.add(header)
                    elif header == "理由":
                        assert css_class == ""
        assert {"名次", "单位名称", "等次"} <= seen
