"""合理缺项 in the bulk path: the same totals, ranks, grades and vetoes as the exact path.

The rule, as issue 14 states it: "pro-rata (按比例折算: earned ÷ applicable
maximum × full points, the usual rule, at the level the rubric says) and full
marks; which one is the rubric's choice.  The rubric can mark an indicator as
never waivable. … marking a non-waivable indicator is an error"; and the bulk
path "supported … where it affects totals".
"""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from pbcheck import (  # noqa: E402
    GradingPolicy,
    Indicator,
    PassFail,
    RankingPolicy,
    Rubric,
    Section,
    grade,
    rank_within,
    score_all,
)
from pbcheck.bulk import (  # noqa: E402
    BulkTable,
    score_bulk,
    score_bulk_chunks,
    table_from_evaluations,
)
from pbcheck.errors import PbcheckError, ValidationError  # noqa: E402
from pbcheck.examples.small import waiver_rubric  # noqa: E402
from pbcheck.model.aggregation import TrimmedMean  # noqa: E402
from pbcheck.model.evaluation import Evaluation, NotApplicable, Observation  # noqa: E402
from pbcheck.model.rubric import NotApplicablePolicy  # noqa: E402
from pbcheck.testing._bulk import bulk_seasons_with_waivers  # noqa: E402

pytestmark = pytest.mark.usefixtures("bulk_engine")

rankings = st.builds(
    RankingPolicy,
    ties=st.sampled_from(["competition", "dense", "ordinal"]),
    basis=st.sampled_from(["exact", "rounded"]),
)


_rubric = waiver_rubric


#: A1 36/40, A2 waived, B1 27/30; a second unit with everything observed.
_COLUMNS = {"A1": [36, 36], "A2": [None, 24], "B1": [27, 27], "unit_id": ["SFJ", "JYJ"]}
_MASK = [[False, True, False], [False, False, False]]


def _messages(raised: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in raised.value.problems]


class TestGolden:
    def test_pro_rata_over_the_rubric(self):
        """按比例折算（全细则）: 63 earned of 70 applicable × 100 = 90.00."""
        result = score_bulk(
            _rubric(), _COLUMNS, not_applicable=_MASK, keep_attainment=True
        )
        assert result.exact_total(0) == 90
        assert str(result.shown_total(0)) == "90.00"
        assert result.exact_total(1) == 36 + 24 + 27
        assert result.attainment is not None
        assert result.attainment[0].tolist() == [0.9, 0.0, 0.9]

    def test_pro_rata_within_the_section(self):
        """按比例折算（本部分）: A keeps its 70, 36/40 × 70 = 63, plus B1 27 = 90.00."""
        rubric = _rubric(NotApplicablePolicy(level="section"))
        result = score_bulk(rubric, _COLUMNS, not_applicable=_MASK)
        assert result.exact_total(0) == 63 + 27

    def test_levels_differ_when_sections_differ(self):
        """A1 40/40, B1 15/30: 55/70 × 100 over the rubric, 70 + 15 within the section."""
        columns = {"A1": [40], "A2": [None], "B1": [15]}
        mask = [[False, True, False]]
        by_total = score_bulk(_rubric(), columns, not_applicable=mask)
        by_section = score_bulk(
            _rubric(NotApplicablePolicy(level="section")), columns, not_applicable=mask
        )
        assert by_total.exact_total(0) == Fraction(55, 70) * 100
        assert by_section.exact_total(0) == 70 + 15

    def test_full_marks(self):
        """按满分计: A2 counts as fully met, 36 + 30 + 27 = 93.00."""
        rubric = _rubric(NotApplicablePolicy("full_marks"))
        result = score_bulk(
            rubric, _COLUMNS, not_applicable=_MASK, keep_attainment=True
        )
        assert str(result.shown_total(0)) == "93.00"
        assert result.attainment is not None
        assert result.attainment[0, 1] == 1.0

    def test_a_section_none_of_whose_indicators_apply_drops_out(self):
        """At the section level an empty section hands its weight up: 60/70 × 100."""
        rubric = _rubric(NotApplicablePolicy(level="section"))
        result = score_bulk(
            rubric,
            {"A1": [36], "A2": [24], "B1": [None]},
            not_applicable=[[False, False, True]],
        )
        assert result.exact_total(0) == Fraction(60, 70) * 100

    def test_ranks_compare_waived_and_plain_units(self):
        """The unit pro-rated to 90 outranks the plain 87: one scale for all."""
        result = score_bulk(_rubric(), _COLUMNS, not_applicable=_MASK)
        assert result.ranks.tolist() == [1, 2]


class TestMarking:
    def test_text_cells_mark_not_applicable_as_score_sheets_do(self):
        """``不适用`` and ``合理缺项：原因`` in a cell mark it; the reason is not kept."""
        result = score_bulk(
            _rubric(),
            {
                "A1": [36, 36],
                "A2": ["合理缺项：本单位无行政审批职能", "不适用"],
                "B1": [27, 27],
            },
        )
        assert [str(result.shown_total(i)) for i in range(2)] == ["90.00", "90.00"]

    def test_a_table_carries_its_mask_through_chunks(self):
        """Chunks of a marked table keep their rows' marks, and rank alike."""
        table = BulkTable.from_columns(_rubric(), _COLUMNS, not_applicable=_MASK)
        assert table.not_applicable is not None
        whole = score_bulk(_rubric(), table)
        chunked = score_bulk_chunks(_rubric(), table.chunks(1))
        assert [chunked.exact_total(i) for i in range(2)] == [
            whole.exact_total(i) for i in range(2)
        ]
        assert chunked.ranks.tolist() == whole.ranks.tolist()

    def test_evaluations_carry_their_markers_into_the_table(self):
        """table_from_evaluations marks the cells of NotApplicable markers."""
        evaluation = Evaluation(
            "SFJ",
            [Observation("A1", 36), Observation("B1", 27)],
            not_applicable=[NotApplicable("A2", "本单位无行政审批职能")],
        )
        table = table_from_evaluations(_rubric(), [evaluation])
        assert table.not_applicable is not None
        assert table.not_applicable.tolist() == [[False, True, False]]
        assert score_bulk(_rubric(), table).exact_total(0) == 90

    def test_an_empty_mask_changes_nothing(self):
        """A mask with no cell marked scores exactly as no mask."""
        columns = {"A1": [36], "A2": [24], "B1": [27]}
        plain = score_bulk(_rubric(), columns)
        masked = score_bulk(_rubric(), columns, not_applicable=[[False] * 3])
        assert masked.denominator == plain.denominator
        assert masked.total.tolist() == plain.total.tolist()


class TestRefusals:
    def test_a_never_waivable_indicator_is_named_by_row_and_column(self):
        """waivable=False: marking it is an error naming the row and the column."""
        with pytest.raises(ValidationError) as raised:
            score_bulk(_rubric(A2=False), _COLUMNS, not_applicable=_MASK)
        (message,) = _messages(raised)
        assert message.startswith("table[0][A2]: may not be marked not applicable")
        assert "waivable=False" in message

    def test_a_marked_cell_holding_a_value_is_refused(self):
        """A value and a marker in one cell: keep one, as the exact path says."""
        with pytest.raises(ValidationError) as raised:
            score_bulk(
                _rubric(),
                {"A1": [36], "A2": [24], "B1": [27]},
                not_applicable=[_MASK[0]],
            )
        (message,) = _messages(raised)
        assert message.startswith("table[0][A2]: is marked not applicable but also")

    def test_a_row_with_nothing_left_to_score_is_named(self):
        """Pro-rata over nothing: the row is named, with the indicators marked."""
        with pytest.raises(ValidationError) as raised:
            score_bulk(
                _rubric(),
                {"A1": [36, None], "A2": [24, None], "B1": [27, None]},
                not_applicable=[[False] * 3, [True] * 3],
            )
        (message,) = _messages(raised)
        assert message.startswith("table[1].not_applicable: marks every indicator")
        assert "['A1', 'A2', 'B1']" in message

    def test_a_trimmed_mean_left_too_few_children_is_named(self):
        """Dropping one of three children of a trimmed mean leaves nothing to trim."""
        rubric = Rubric(
            "r",
            "1",
            "细则",
            [
                Section(
                    "A",
                    "常规",
                    100,
                    indicators=[
                        Indicator("a1", "甲", 30, PassFail()),
                        Indicator("a2", "乙", 30, PassFail()),
                        Indicator("a3", "丙", 40, PassFail()),
                    ],
                    aggregator=TrimmedMean(),
                )
            ],
        )
        with pytest.raises(ValidationError) as raised:
            score_bulk(
                rubric,
                {"a1": [1], "a2": [1], "a3": [None]},
                not_applicable=[[False, False, True]],
            )
        (message,) = _messages(raised)
        assert message.startswith("table[0].not_applicable: leaves too little")

    def test_a_mask_of_another_shape_is_refused(self):
        """The mask has one cell per indicator value."""
        with pytest.raises(PbcheckError, match=r"not_applicable.*1 × 3"):
            score_bulk(
                _rubric(), {"A1": [36], "A2": [24], "B1": [27]}, not_applicable=[[True]]
            )

    def test_a_mask_of_numbers_is_refused(self):
        """Only booleans (or 0/1) mark cells."""
        with pytest.raises(PbcheckError, match="must hold booleans"):
            score_bulk(
                _rubric(),
                {"A1": [36], "A2": [24], "B1": [27]},
                not_applicable=[[0.5, 0, 0]],
            )


def _outcome(cards, tree, ranking, grading):
    ranks = {
        entry.unit_id: entry.rank
        for table in rank_within(cards, tree, ranking).values()
        for entry in table
    }
    grades = {g.unit_id: g.level for g in grade(cards, grading, tree=tree)}
    return ranks, grades


class TestAgreement:
    @given(bulk_seasons_with_waivers(), rankings, st.sampled_from(["exact", "rounded"]))
    def test_same_totals_ranks_grades_and_vetoes(self, season, ranking, basis):
        """Every unit's exact and shown total, veto, rank and grade match score_all."""
        rubric, evaluations, tree = season
        grading = GradingPolicy(GradingPolicy.standard().tiers, basis=basis)
        try:
            cards = score_all(rubric, evaluations)
        except PbcheckError:
            # The exact path refuses (e.g. a trimmed mean left too few children):
            # so does the bulk path.
            table = table_from_evaluations(rubric, evaluations, tree=tree)
            with pytest.raises(ValidationError):
                score_bulk(rubric, table)
            return
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        # The default call (no attainment matrix) and the one keeping it agree.
        fast = score_bulk(rubric, table, ranking=ranking, grading=grading)
        result = score_bulk(
            rubric, table, ranking=ranking, grading=grading, keep_attainment=True
        )
        assert np.array_equal(fast.total, result.total)
        assert np.array_equal(fast.ranks, result.ranks)
        ranks, grades = _outcome(cards, tree, ranking, grading)
        assert result.grades is not None
        for row, card in enumerate(cards):
            assert result.exact_total(row) == card.total
            assert result.shown_total(row) == card.rounded_total
            assert bool(result.disqualified[row]) == card.disqualified
            assert result.ranks[row] == ranks[card.unit_id]
            assert result.grades[row] == grades[card.unit_id]
            base = Fraction(int(result.base[row]), result.denominator)
            assert base == card.base
            assert result.attainment is not None
            for column, indicator in enumerate(rubric.indicators()):
                exact = card.indicators[indicator.id].attainment
                assert result.attainment[row, column] == float(exact)

    @given(bulk_seasons_with_waivers(), st.integers(1, 3))
    def test_chunks_change_nothing(self, season, size):
        """Chunks meeting different patterns (so different denominators) combine exactly."""
        rubric, evaluations, tree = season
        try:
            table = table_from_evaluations(rubric, evaluations, tree=tree)
            whole = score_bulk(rubric, table)
        except ValidationError:
            return  # refused as a whole; refusals are tested above
        chunked = score_bulk_chunks(rubric, table.chunks(size))
        assert [chunked.exact_total(i) for i in range(len(whole))] == [
            whole.exact_total(i) for i in range(len(whole))
        ]
        assert np.array_equal(whole.shown, chunked.shown)
        assert np.array_equal(whole.ranks, chunked.ranks)
