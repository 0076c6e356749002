"""The report as one self-contained HTML file: inline CSS, charts as inline SVG."""

from __future__ import annotations

import html
from fractions import Fraction

from pbcheck._text import visible
from pbcheck.errors import MissingExtraError
from pbcheck.report import _tables as t
from pbcheck.report._model import CycleReport
from pbcheck.views.text import official_date, official_span


def escape(text: str) -> str:
    r"""HTML-escaped, with control, bidi and zero-width characters as ``\uXXXX``."""
    return html.escape(visible(text))


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",
"PingFang SC",sans-serif;margin:2em auto;max-width:72em;padding:0 1em;
color:#222;line-height:1.5}
header.title-block{border-bottom:2px solid #b22222;margin-bottom:1.5em}
header.title-block h1{font-size:1.6em;margin:0 0 .4em}
header.title-block ul{list-style:none;padding:0;margin:0 0 .8em;
columns:2;font-size:.95em;color:#333}
h2{font-size:1.3em;margin-top:2em;border-left:4px solid #b22222;padding-left:.5em}
h3{font-size:1.1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.2em .6em;vertical-align:top}
th{background:#f3f3f3;white-space:nowrap}
td.n,td.k{white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.commended td{background:#eef7ee}
tr.bottom td{background:#fbeeee}
.flag{font-weight:bold}
.note{color:#555;font-size:.9em}
figure{margin:1em 0}
figure svg{max-width:100%;height:auto}
nav ul{columns:2}
@page{size:A4;margin:20mm 15mm 18mm 15mm;
@top-center{content:"@TITLE@";font-size:9pt;color:#555}
@bottom-center{content:"第 " counter(page) " 页，共 " counter(pages) " 页";
font-size:9pt;color:#555}}
@page :first{@top-center{content:none}}
@media print{
body{margin:0;max-width:none;padding:0;font-size:10.5pt;line-height:1.4}
header.title-block{text-align:center;border-bottom:3px double #b22222}
header.title-block h1{font-size:18pt;margin-top:0}
header.title-block ul{columns:1;display:inline-block;text-align:left}
nav,.screen-only{display:none}
h2,h3{break-after:avoid;page-break-after:avoid}
h2{margin-top:1.2em}
section.series+section.series,section.part{break-before:page;page-break-before:always}
table{font-size:9pt;width:100%}
th,td{padding:.15em .4em}
thead{display:table-header-group}
tr,figure,svg{break-inside:avoid;page-break-inside:avoid}
a{color:inherit;text-decoration:none}
tr.commended td,tr.bottom td,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
figure svg{max-height:22cm}
}
""".strip()

#: Columns whose cells are kept on one line: grades, ids and short names.
_NOWRAP = frozenset(
    {"名次", "单位编号", "单位名称", "系列", "等次", "表彰", "处于后位", "一票否决"}
)


def _css(title: str) -> str:
    """The stylesheet, the running head of printed pages holding *title*.

    The title goes into a CSS string: backslashes, quotes and line breaks
    are escaped, and ``<`` too, so that no title can close the ``<style>``.
    """
    quoted = "".join(
        f"\\{ord(c):x} " if c in '\\"<>\n\r' else c for c in visible(title)
    )
    return _CSS.replace("@TITLE@", quoted)


def _cells(
    report: CycleReport,
    row: tuple[t.Cell | t.Ratio, ...],
    headers: tuple[str, ...],
) -> str:
    out = []
    for index, cell in enumerate(row):
        header = headers[index] if index < len(headers) else ""
        numeric = isinstance(cell, int | Fraction | t.Ratio)
        css = ' class="n"' if numeric else ' class="k"' if header in _NOWRAP else ""
        out.append(f"<td{css}>{escape(t.show(report, cell))}</td>")
    return "".join(out)


def _table(
    report: CycleReport, table: t.Table, classes: list[str] | None = None
) -> str:
    if not table.rows:
        return '<p class="note">无。</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for index, row in enumerate(table.rows):
        css = classes[index] if classes else ""
        attr = f' class="{css}"' if css else ""
        body.append(f"<tr{attr}>{_cells(report, row, table.headers)}</tr>")
    return (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _charts(report: CycleReport) -> str:
    from pbcheck.report._charts import charts  # noqa: PLC0415 - optional extra

    try:
        found = charts(report)
    except MissingExtraError as error:
        return f'<p class="note">图表已省略：{escape(str(error))}</p>'
    return "".join(
        f'<h3 id="chart-{escape(chart.name)}">{escape(chart.title)}</h3>'
        f'<figure>{chart.svg}<figcaption class="note">{escape(chart.caption)}'
        "</figcaption></figure>"
        for chart in found
    )


def to_html(report: CycleReport, *, charts: bool = True) -> str:
    """The whole report as one HTML page, every text escaped.

    Args:
        report: the report.
        charts: include the charts (score distribution per series, section
            attainment); they need the ``plots`` extra (matplotlib) — without
            it the page says that charts were omitted and why.

    >>> from pbcheck.report import to_html
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> page = to_html(report, charts=False)
    >>> page.startswith("<!DOCTYPE html>"), "单位a" in page
    (True, True)
    """
    cycle = report.cycle
    title = report.heading
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_css(title)}</style></head><body>",
        '<header class="title-block">',
        f"<h1>{escape(title)}</h1>",
        "<ul>",
        f"<li>考核周期：{official_span(cycle.start, cycle.end)}</li>",
        f"<li>考核细则：{escape(t.rubric_fact(report))}</li>",
        *([f"<li>考核单位：{escape(report.issuer)}</li>"] if report.issuer else []),
        f"<li>参评单位：{len(report.units)} 个，{len(report.series)} 个系列</li>",
        (
            f"<li>计分：总分 = 基础分 + 加分 − 扣分，按规则四舍五入保留 "
            f"{report.rounding.places} 位小数</li>"
        ),
        f"<li>结果日期：{official_date(report.announced)}</li>",
        "</ul>",
        "</header>",
        "<nav><ul>",
    ]
    parts.extend(
        f'<li><a href="#series-{index}">{escape(table.series)}</a></li>'
        for index, table in enumerate(report.series, 1)
    )
    parts += [
        '<li><a href="#commended">表彰名单</a></li>',
        '<li><a href="#bottom">处于后位</a></li>',
        '<li><a href="#escalations">问责与整改</a></li>',
        '<li><a href="#charts">图表</a></li>',
        '<li><a href="#profile">分项得分</a></li>',
        "</ul></nav>",
        "<h2>排名与等次</h2>",
    ]
    for index, table in enumerate(report.series, 1):
        summary = t.summary(report, table)
        classes = [
            "commended" if line.commended else "bottom" if line.at_bottom else ""
            for line in table.lines
        ]
        parts += [
            '<section class="series">',
            f'<h3 id="series-{index}">{escape(summary.title)}</h3>',
            _table(report, summary, classes),
            "</section>",
        ]
    if report.unranked:
        others = t.unranked(report)
        parts += [
            '<section class="series">',
            f'<h3 id="unranked">{escape(others.title)}</h3>',
            _table(report, others),
            "</section>",
        ]
    grades = t.grade_counts(report)
    parts += [
        '<section class="part">',
        f"<h2>{escape(grades.title)}</h2>",
        _table(report, grades),
    ]
    for key, listing in (
        ("commended", t.commended(report)),
        ("bottom", t.bottom(report)),
    ):
        parts += [
            f'<h2 id="{key}">{escape(listing.title)}</h2>',
            _table(report, listing),
        ]
    actions = t.escalations(report)
    parts.append(f'<h2 id="escalations">{escape(actions.title)}</h2>')
    if report.history_given:
        parts.append(_table(report, actions))
    else:
        parts.append('<p class="note">未提供往年考评结果，未判断连续处于后位。</p>')
    parts += ["</section>", '<section class="part">', '<h2 id="charts">图表</h2>']
    parts.append(_charts(report) if charts else '<p class="note">图表未生成。</p>')
    parts += ["</section>", '<section class="part">', '<h2 id="profile">分项得分</h2>']
    for table in report.series:
        for profile in t.profiles(report, table):
            parts += [f"<h3>{escape(profile.title)}</h3>", _table(report, profile)]
    items = t.items(report)
    parts += [f"<h2>{escape(items.title)}</h2>", _table(report, items)]
    if report.audit is not None:
        counts = t.audit_counts(report.audit)
        parts += [
            f'<h2 id="audit">{escape(counts.title)}</h2>',
            f"<p>{escape(t.audit_line(report.audit))}</p>",
            _table(report, counts),
        ]
    parts += ["</section>", "</body></html>"]
    return "\n".join(parts) + "\n"
