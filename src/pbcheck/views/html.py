"""HTML tables for notebooks (``_repr_html_``), built from plain rows.

A leaf helper: it knows no pbcheck type.  Each domain type that shows itself
in a notebook builds its own header and rows and hands them to :func:`table`,
so presentation never reaches into the core and the core never imports
anything above it.  Every text is escaped; long tables are cut with a note,
so a notebook cell stays readable.  Only the standard library is used.

>>> print(table(["单位", "总分"], [["市财政局机关党委", "92.50"], ["<b>", "1"]]))
... # doctest: +ELLIPSIS
<table ...><td style="padding:1px 6px;text-align:left">&lt;b&gt;</td>...
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

__all__ = ["MAX_ROWS", "table", "titled"]

#: Rows shown before a long table is cut.
MAX_ROWS = 30

_TABLE = (
    '<table style="border-collapse:collapse;font-size:90%">'
    "<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
)
_CELL = 'style="padding:1px 6px;text-align:{align}"'


def table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], *, limit: int = MAX_ROWS
) -> str:
    """An escaped HTML table; numbers-looking columns are right-aligned.

    Rows after the first *limit* are left out, with a last row saying how
    many (另有 … 行).

    >>> page = table(["名次", "单位"], [[1, "a"], [2, "<b>"], [3, "c"]], limit=2)
    >>> "&lt;b&gt;" in page, "<b>" in page, "…… 另有 1 行" in page
    (True, False, True)
    >>> 'text-align:right">1</td>' in page
    True
    """
    materialised = [list(row) for row in rows]
    head = "".join(
        f"<th {_CELL.format(align='left')}>{escape(h)}</th>" for h in headers
    )
    lines = []
    for row in materialised[:limit]:
        cells = "".join(
            f"<td {_CELL.format(align=_align(value))}>{escape(str(value))}</td>"
            for value in row
        )
        lines.append(f"<tr>{cells}</tr>")
    if len(materialised) > limit:
        lines.append(
            f'<tr><td colspan="{len(headers)}" {_CELL.format(align="left")}>'
            f"…… 另有 {len(materialised) - limit} 行</td></tr>"
        )
    return _TABLE.format(head=head, body="".join(lines))


def _align(value: object) -> str:
    text = str(value)
    return "right" if text.replace(".", "", 1).lstrip("-").isdigit() else "left"


def titled(title: str, body: str) -> str:
    """A bold escaped title above *body*, in one ``div``.

    *body* is HTML already (a :func:`table`) and is not escaped again.

    >>> titled("排名 <全部>", "<table></table>")
    '<div><p><strong>排名 &lt;全部&gt;</strong></p><table></table></div>'
    """
    return f"<div><p><strong>{escape(title)}</strong></p>{body}</div>"
