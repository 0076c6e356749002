"""Terminal tables padded by display width, and the tables ``pbcheck rank`` prints."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.cli import main
from pbcheck.cli._table import display_width, table, tables
from pbcheck.errors import InvalidValueError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import Results, dump, load
from pbcheck.outcomes.history import History, escalations


def gbk_width(text: str) -> int:
    """Display width by another road: GBK spends two bytes on a wide character.

    Right for printable ASCII, the CJK ideographs U+4E00–U+9FA5 and the
    full-width forms U+FF01–U+FF5E, and for nothing else.
    """
    return len(text.encode("gbk"))


#: Cells the GBK oracle measures: ASCII letters, digits and signs, 汉字,
#: and full-width punctuation and letters (，（）Ａ１).
ASCII = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
FULLWIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
CELLS = st.text(st.one_of(ASCII, CJK, FULLWIDTH), min_size=1, max_size=8)


def starts(line: str, cells: list[str]) -> list[int]:
    """The display column (by :func:`gbk_width`) at which each cell begins in *line*."""
    found, at = [], 0
    for cell in cells:
        at = line.index(cell, at)
        found.append(gbk_width(line[:at]))
        at += len(cell)
    return found


class TestDisplayWidth:
    def test_ascii_counts_one_a_character(self):
        """Letters, digits and signs take a column each; nothing takes none."""
        assert display_width("ZF08 100.00") == 11
        assert display_width("") == 0

    def test_chinese_counts_two_a_character(self):
        """Each 汉字 takes two columns, mixed with ASCII or not."""
        assert display_width("市财政局党总支") == 14
        assert display_width("ZF08市财政局") == 4 + 8

    def test_fullwidth_punctuation_counts_two(self):
        """Full-width comma and brackets, the ideographic comma, stop and space take two."""
        assert display_width("，（）") == 6
        assert display_width("、。") == 4
        assert display_width("\u3000") == 2

    def test_combining_marks_count_zero(self):
        """A combining accent sits on the letter before it; so does a wide tone mark."""
        assert display_width("e\u0301") == 1
        assert display_width("a\u0300\u0301\u0302") == 1
        assert display_width("字\u302a") == 2  # 〪 is East Asian Wide, yet combining

    def test_zero_width_characters_count_zero(self):
        """Zero-width space, joiner, and the byte-order mark take no column."""
        assert display_width("a\u200bb\u200dc\ufeff") == 3

    def test_ambiguous_width_counts_one(self):
        """The em dash and curly quotes count one, as outside legacy CJK locales."""
        assert display_width("—“好”") == 1 + 1 + 2 + 1

    @given(st.text(st.one_of(ASCII, CJK, FULLWIDTH)))
    def test_agrees_with_the_gbk_byte_count(self, text):
        """On ASCII, 汉字 and full-width forms the width is the GBK byte count."""
        assert display_width(text) == gbk_width(text)


class TestTable:
    def test_a_mixed_table_exactly(self):
        """Numbers align right, text left, by display width; two spaces between columns."""
        rows = [
            ("名次", "总分", "等次", "单位"),
            ("1", "100.00", "好", "市财政局党总支"),
            ("12", "89.29", "较好", "ZF36"),
        ]
        assert table(rows, ">><<") == [
            "名次    总分  等次  单位",
            "   1  100.00  好    市财政局党总支",
            "  12   89.29  较好  ZF36",
        ]

    def test_indent_and_gap(self):
        """Every line starts with the indent; columns are *gap* spaces apart."""
        lines = table([("a", "好"), ("较好", "b")], "<<", indent="  ", gap=3)
        assert lines == ["  a      好", "  较好   b"]

    def test_no_trailing_spaces(self):
        """The last column is not padded, even when its cell is short or empty."""
        lines = table([("较好", "市财政局党总支"), ("好", ""), ("", "x")], "<<")
        assert lines == ["较好  市财政局党总支", "好", "      x"]
        assert all(line == line.rstrip() for line in lines)

    def test_no_rows_no_lines(self):
        """An empty table prints nothing."""
        assert table([], "<>") == []

    def test_a_row_of_another_block_is_named_by_block_and_row(self):
        """In several blocks, the wrong row is named by its block and its place there."""
        with pytest.raises(InvalidValueError) as info:
            tables([[("a", "b")], [("c", "d"), ("e", "f", "g")]], "<<")
        assert info.value.path == "blocks[1][1]"
        assert info.value.value == ("e", "f", "g")

    def test_tables_share_their_widths(self):
        """Blocks laid out together take the widths of the widest cell of any block."""
        first, second = tables([[("好", "1")], [("较好", "10")]], "<>")
        assert first == ["好     1"]
        assert second == ["较好  10"]

    def test_a_row_of_the_wrong_length_is_named(self):
        """A row with too few cells is an InvalidValueError naming the row and its cells."""
        with pytest.raises(InvalidValueError) as info:
            table([("a", "b"), ("c",)], "<<")
        assert info.value.path == "rows[1]"
        assert info.value.value == ("c",)
        assert "2 cells" in info.value.message

    def test_an_unknown_alignment_is_named(self):
        """Only '<' and '>' align a column; anything else names the align string."""
        with pytest.raises(InvalidValueError) as info:
            table([("a", "b")], "<^")
        assert info.value.path == "align"
        assert info.value.value == "<^"

    @given(
        st.integers(min_value=1, max_value=5).flatmap(
            lambda columns: st.tuples(
                st.text("<>", min_size=columns, max_size=columns),
                st.lists(
                    st.lists(CELLS, min_size=columns, max_size=columns),
                    min_size=1,
                    max_size=8,
                ),
            )
        )
    )
    def test_columns_line_up_on_screen(self, shape):
        """Left-aligned cells start, right-aligned cells end, at one column in every row.

        Measured with the GBK byte count, not with display_width, so the
        property does not lean on the function it checks.
        """
        align, rows = shape
        lines = table(rows, align)
        assert len(lines) == len(rows)
        layout = []
        for line, row in zip(lines, rows, strict=True):
            assert line == line.rstrip()
            assert line.split() == row  # the cells, and only spaces between them
            begins = starts(line, row)
            ends = [b + gbk_width(cell) for b, cell in zip(begins, row, strict=True)]
            for left, right in zip(ends, begins[1:], strict=False):
                assert right - left >= 2  # the gap
            layout.append(
                [
                    b if side == "<" else e
                    for b, e, side in zip(begins, ends, align, strict=True)
                ]
            )
        assert all(edges == layout[0] for edges in layout)


@pytest.fixture(scope="module")
def results_files(tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("results")
    rubric, tree = example_rubrics(), example_tree()
    return {
        year: dump(
            Results.compute(
                rubric, tree, example_cycle(year), example_evaluations(year)
            ),
            folder / f"results-{year}.json",
        )
        for year in (2024, 2025)
    }


def rank_output(results_files, *flags: str) -> str:
    """What `pbcheck rank` prints for the 2025 example, 2024 as the year before."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(
            [
                "rank",
                str(results_files[2025]),
                "--previous",
                str(results_files[2024]),
                *flags,
            ]
        )
    assert code == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def out(results_files) -> str:
    """The concise tables `pbcheck rank` prints by default."""
    return rank_output(results_files)


@pytest.fixture(scope="module")
def verbose_out(results_files) -> str:
    """What `pbcheck rank --verbose` prints."""
    return rank_output(results_files, "--verbose")


@pytest.fixture(scope="module")
def season_2025(results_files) -> Results:
    return load(results_files[2025], Results)


def ranked_tables(out: str) -> list[list[str]]:
    """The lines of each 【series】 table: its heading row and one row per unit."""
    blocks, current = [], None
    for line in out.splitlines():
        if line.startswith("【") and "后位" not in line:
            current = []
            blocks.append(current)
        elif not line:
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def expected_marks(season: Results, unit_id: str) -> str:
    """The 名单 cell of a unit, worked out from the results object."""
    outcomes = season.outcomes
    card = next(c for c in season.scorecards if c.unit_id == unit_id)
    marks = [
        mark
        for mark, on in (
            ("表彰", outcomes.commendation.of(unit_id).selected),
            ("后位", outcomes.bottom.of(unit_id).at_bottom),
            ("否决", card.disqualified),
        )
        if on
    ]
    return "、".join(marks) or "-"


class TestRankPrintsAlignedTables:
    def test_every_series_has_a_concise_table(self, out, season_2025):
        """One table per series, each a heading row (rank, total, grade, lists,
        unit) and a row per scored unit."""
        blocks = ranked_tables(out)
        assert [block[0].split() for block in blocks] == [
            ["名次", "总分", "等次", "名单", "单位"]
        ] * len(season_2025.outcomes.rankings)
        assert sum(len(block) - 1 for block in blocks) == len(season_2025.scorecards)

    def test_each_row_is_the_units_rank_total_grade_lists_and_name(
        self, out, season_2025
    ):
        """Every row, in ranking order, holds what the results say of its unit:
        rank, total at the rubric's rounding, grade, 表彰 / 后位 / 否决, name."""
        by_unit = {card.unit_id: card for card in season_2025.scorecards}
        expected = [
            [
                str(entry.rank),
                by_unit[entry.unit_id].show(by_unit[entry.unit_id].total),
                season_2025.outcomes.grades.of(entry.unit_id).label,
                expected_marks(season_2025, entry.unit_id),
                season_2025.tree[entry.unit_id].name,
            ]
            for ranking in season_2025.outcomes.rankings.values()
            for entry in ranking
        ]
        rows = [line.split() for block in ranked_tables(out) for line in block[1:]]
        assert rows == expected

    def test_every_mark_occurs(self, out):
        """The example season has units commended, at the bottom and vetoed,
        and units on no list, so every mark is printed somewhere."""
        marks = {
            mark
            for block in ranked_tables(out)
            for line in block[1:]
            for mark in line.split()[3].split("、")
        }
        assert marks == {"表彰", "后位", "否决", "-"}

    def test_counts_replace_the_reasons(self, out, verbose_out, season_2025):
        """Without --verbose the lists' reasons are left out and one line counts
        each list; with it the reasons are printed."""
        outcomes = season_2025.outcomes
        units = [card.unit_id for card in season_2025.scorecards]
        commended = sum(outcomes.commendation.of(u).selected for u in units)
        bottom = sum(outcomes.bottom.of(u).at_bottom for u in units)
        vetoed = sum(card.disqualified for card in season_2025.scorecards)
        line = f"表彰 {commended} 个，处于后位 {bottom} 个，一票否决 {vetoed} 个"
        assert line in out.splitlines()
        reason = next(
            outcomes.bottom.of(u).reason
            for u in units
            if outcomes.bottom.of(u).at_bottom
        )
        assert reason not in out
        assert reason in verbose_out
        assert line not in verbose_out.splitlines()

    def test_concise_is_shorter(self, out, verbose_out):
        """The default output is a fraction of the verbose one."""
        assert len(out.splitlines()) < len(verbose_out.splitlines())

    def test_verbose_adds_the_parts_of_the_total(self, verbose_out, season_2025):
        """--verbose tables also give 基础分, 加分 and 扣分, from the scorecards."""
        blocks = ranked_tables(verbose_out)
        assert {tuple(block[0].split()) for block in blocks} == {
            ("名次", "总分", "基础分", "加分", "扣分", "等次", "名单", "单位")
        }
        by_unit = {card.unit_id: card for card in season_2025.scorecards}
        first = next(iter(season_2025.outcomes.rankings.values())).entries[0]
        card = by_unit[first.unit_id]
        assert blocks[0][1].split()[:5] == [
            "1",
            card.show(card.total),
            card.show(card.base),
            card.show(card.bonus_counted),
            card.show(card.deductions_counted),
        ]

    def test_grade_marks_and_name_columns_start_at_one_column(self, out):
        """In all tables, heading included, 等次, 名单 and 单位 begin at the same
        display column, whatever the width of each cell."""
        lines = [line for block in ranked_tables(out) for line in block]
        columns = {tuple(starts(line, line.split())[2:5]) for line in lines}
        assert len(columns) == 1
        grades = {line.split()[2] for block in ranked_tables(out) for line in block[1:]}
        assert len({display_width(g) for g in grades}) > 1  # widths differ

    def test_numbers_end_at_one_column(self, out, verbose_out):
        """Rank and the scores are right-aligned: each ends at the same display column."""
        for text, numbers in ((out, 2), (verbose_out, 5)):
            lines = [line for block in ranked_tables(text) for line in block]
            ends = set()
            for line in lines:
                cells = line.split()
                begins = starts(line, cells)
                ends.add(tuple(begins[i] + gbk_width(cells[i]) for i in range(numbers)))
            assert len(ends) == 1

    def test_escalations_line_up(self, out, results_files):
        """The escalation lines are a table too: date, unit and action in columns,
        one line per action of this season."""
        seasons = [load(results_files[year], Results) for year in (2024, 2025)]
        history = History([s.outcomes.cycle_result(s.cycle) for s in seasons])
        actions = escalations(history, latest_only=True)
        section = out.split("【连续两年处于后位：问责与整改】\n")[1].splitlines()
        assert actions
        assert len(section) == len(actions)
        widest = max(gbk_width(line.split()[1]) for line in section)
        assert {tuple(starts(line, line.split())) for line in section} == {
            (2, 14, 14 + widest + 2)
        }

    def test_no_line_ends_in_a_space(self, out):
        """Padding never trails a line."""
        assert all(line == line.rstrip() for line in out.splitlines())
