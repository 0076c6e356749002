"""Text tables for the terminal, padded by display width (显示宽度).

A terminal gives a Chinese character two columns, so padding by the number of
characters (``f"{name:<8}"``) leaves every column after a Chinese cell out of
line.  Here each cell is measured in columns (:func:`display_width`) and padded
to the widest cell of its column.

>>> rows = [("等次", "单位"), ("好", "ZF08"), ("较好", "DQ11")]
>>> for line in table(rows, "<<"):  # doctest: -NORMALIZE_WHITESPACE
...     print(line)
等次  单位
好    ZF08
较好  DQ11
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from pbcheck.errors import InvalidValueError, Path

__all__ = ["display_width", "table", "tables"]

#: Nothing of these categories takes a column of its own: combining marks
#: (Mn nonspacing, Me enclosing), format characters such as the zero-width
#: space and joiner (Cf), and control characters (Cc).
_ZERO_WIDTH = frozenset({"Mn", "Me", "Cf", "Cc"})


def display_width(text: str) -> int:
    r"""How many terminal columns *text* takes.

    East Asian Wide and Fullwidth characters (汉字, full-width punctuation
    such as ``，（）``) take 2; combining marks, zero-width and control
    characters 0; everything else 1.  Ambiguous-width characters (``—``,
    ``“”``) count 1, as in every terminal outside a legacy CJK locale.

    >>> display_width("ZF08"), display_width("较好"), display_width("（市直机关工委）")
    (4, 4, 16)
    >>> display_width("e\u0301")  # e and a combining acute accent: é
    1
    """
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    # Marks first: a few combining marks (the ideographic tone marks 〪〫) are
    # themselves East Asian Wide, yet sit on the character before them.
    if unicodedata.combining(char) or unicodedata.category(char) in _ZERO_WIDTH:
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def table(
    rows: Iterable[Sequence[str]], align: str, *, indent: str = "", gap: int = 2
) -> list[str]:
    """The lines of one table: each column padded to its widest cell.

    Args:
        rows: the cells, a row at a time (a header row is just the first row).
        align: one character per column, ``"<"`` to align its cells left
            (text) or ``">"`` right (numbers), as in a format spec.
        indent: put before every line.
        gap: spaces between columns.

    Returns:
        One line per row, without a line break.  The last column is not padded
        and no line ends in spaces.

    Raises:
        InvalidValueError: a row whose number of cells is not the number of
            columns, or an *align* character other than ``<`` and ``>``.

    >>> rows = [("名次", "总分"), ("1", "100.00"), ("12", "9.50")]
    >>> for line in table(rows, ">>"):  # doctest: -NORMALIZE_WHITESPACE
    ...     print(line)
    名次    总分
       1  100.00
      12    9.50
    """
    rows = list(rows)
    _check(align, {("rows", index): row for index, row in enumerate(rows)})
    return _lay_out([rows], align, indent, gap)[0]


def tables(
    blocks: Sequence[Sequence[Sequence[str]]],
    align: str,
    *,
    indent: str = "",
    gap: int = 2,
) -> list[list[str]]:
    """Several tables with the same columns, padded alike so they read as one.

    Each block is laid out as :func:`table` lays out its rows, but the columns
    take the widths of the widest cells of *all* blocks: the ranked tables of
    three series line up with each other, not only within themselves.

    >>> first, second = tables([[("好", "ZF08")], [("较好", "DQ11")]], "<<")
    >>> first, second  # doctest: -NORMALIZE_WHITESPACE
    (['好    ZF08'], ['较好  DQ11'])
    """
    rows: dict[Path, Sequence[str]] = {
        ("blocks", number, index): row
        for number, block in enumerate(blocks)
        for index, row in enumerate(block)
    }
    _check(align, rows)
    return _lay_out(blocks, align, indent, gap)


def _check(align: str, rows: dict[Path, Sequence[str]]) -> None:
    if unknown := set(align) - {"<", ">"}:
        raise InvalidValueError(
            ("align",),
            align,
            f"must hold only '<' and '>' (not {''.join(sorted(unknown))!r})",
        )
    for path, row in rows.items():
        if len(row) != len(align):
            raise InvalidValueError(
                path, row, f"must have {len(align)} cells, one per column of {align!r}"
            )


def _lay_out(
    blocks: Sequence[Sequence[Sequence[str]]], align: str, indent: str, gap: int
) -> list[list[str]]:
    widths = [
        max(
            (display_width(row[column]) for block in blocks for row in block), default=0
        )
        for column in range(len(align))
    ]
    spacer = " " * gap
    # Stripping the end leaves the last column unpadded (and a row whose last
    # cells are empty without a tail of spaces).
    return [
        [indent + spacer.join(_padded(row, widths, align)).rstrip(" ") for row in block]
        for block in blocks
    ]


def _padded(row: Sequence[str], widths: Sequence[int], align: str) -> Iterable[str]:
    for cell, width, side in zip(row, widths, align, strict=True):
        room = " " * (width - display_width(cell))
        yield room + cell if side == ">" else cell + room
