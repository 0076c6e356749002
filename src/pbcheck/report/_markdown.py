"""The report as Markdown (GitHub-flavoured tables)."""

from __future__ import annotations

import re
from fractions import Fraction

from pbcheck._text import visible
from pbcheck.report import _tables as t
from pbcheck.report._model import CycleReport
from pbcheck.views.text import official_date, official_span

# "&" would start an entity (&#x202e; is a bidi control), "~" strikes text out.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#&~])")
# A bare link becomes a live link in GitHub-flavoured Markdown: escaping the
# ":" of "://" and the "." of "www." keeps it plain text.
_BARE_LINK = re.compile(r"(?<=[A-Za-z0-9])(:)(?=//)|(?<![A-Za-z0-9])((?i:www))(\.)")


def escape_md(text: str) -> str:
    r"""Escape Markdown's special characters and keep a cell on one line.

    Line breaks become spaces; control, bidi and zero-width characters are
    written as ``\uXXXX`` (see :mod:`pbcheck._text`); bare links stay text.

    >>> escape_md("a|b *c*")
    'a\\|b \\*c\\*'
    >>> escape_md("A&B ~x~ https://e.cn www.e.cn")
    'A\\&B \\~x\\~ https\\://e.cn www\\.e.cn'
    """
    flat = visible(" ".join(text.split()))
    flat = _SPECIAL.sub(r"\\\1", flat)
    return _BARE_LINK.sub(lambda m: m.group(2) + "\\." if m.group(2) else "\\:", flat)


def _table(report: CycleReport, table: t.Table) -> list[str]:
    if not table.rows:
        return ["无。", ""]
    numeric = [
        all(isinstance(row[i], int | Fraction | t.Ratio) for row in table.rows)
        for i in range(len(table.headers))
    ]
    out = [
        "| " + " | ".join(escape_md(h) for h in table.headers) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    out.extend(
        "| " + " | ".join(escape_md(t.show(report, cell)) for cell in row) + " |"
        for row in table.rows
    )
    out.append("")
    return out


def heading(report: CycleReport) -> list[str]:
    """Title and the facts of the season, as Markdown lines."""
    cycle = report.cycle
    return [
        f"# {escape_md(report.heading)}",
        "",
        f"- 考核周期：{official_span(cycle.start, cycle.end)}",
        f"- 考核细则：{escape_md(t.rubric_fact(report))}",
        *([f"- 考核单位：{escape_md(report.issuer)}"] if report.issuer else []),
        f"- 参评单位：{len(report.units)} 个，{len(report.series)} 个系列",
        (
            f"- 计分：总分 = 基础分 + 加分 − 扣分，按规则四舍五入保留 "
            f"{report.rounding.places} 位小数"
        ),
        f"- 结果日期：{official_date(report.announced)}",
        "",
    ]


def to_markdown(report: CycleReport) -> str:
    """The whole report as Markdown: rankings, grades, lists, escalations, breakdown.

    Every text is escaped, so unit names cannot break a table.

    >>> from pbcheck.report import to_markdown
    >>> from pbcheck.examples.small import small_report
    >>> report = small_report({"a": 95, "b": 60})
    >>> print(to_markdown(report).splitlines()[0])
    # 示例细则：2025—2026年度考评结果
    """
    out = heading(report)
    out += ["## 排名与等次", ""]
    for table in report.series:
        summary = t.summary(report, table)
        out += [f"### {escape_md(summary.title)}", ""]
        out += _table(report, summary)
    if report.unranked:
        others = t.unranked(report)
        out += [f"### {escape_md(others.title)}", "", *_table(report, others)]
    grades = t.grade_counts(report)
    out += [f"## {grades.title}", "", *_table(report, grades)]
    for listing in (t.commended(report), t.bottom(report)):
        out += [f"## {escape_md(listing.title)}", "", *_table(report, listing)]
    actions = t.escalations(report)
    out += [f"## {actions.title}", ""]
    if report.history_given:
        out += _table(report, actions)
    else:
        out += ["未提供往年考评结果，未判断连续处于后位。", ""]
    out += ["## 分项得分", ""]
    for table in report.series:
        for profile in t.profiles(report, table):
            out += [f"### {escape_md(profile.title)}", "", *_table(report, profile)]
    items = t.items(report)
    out += [f"## {items.title}", "", *_table(report, items)]
    if report.audit is not None:
        counts = t.audit_counts(report.audit)
        out += [f"## {counts.title}", "", escape_md(t.audit_line(report.audit)), ""]
        out += _table(report, counts)
    return "\n".join(out).rstrip("\n") + "\n"
