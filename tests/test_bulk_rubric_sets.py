"""分类考核 in the bulk path: each unit on its own rubric, ranked only among comparable ones.

The rule, as issue 14 states it: "Outcomes, history, reports and the bulk path
accept such seasons; ranking and bottom/commendation lists happen only within
groups that share a rubric or are declared comparable (same full points),
never silently across different rubrics.  An observation for an indicator
outside the unit's rubric is an error naming unit, indicator and rubric."
"""

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from pbcheck import (  # noqa: E402
    DirectScore,
    GradingPolicy,
    Indicator,
    RankingPolicy,
    Rubric,
    Section,
    grade,
    rank_within,
    score_all,
)
from pbcheck.bulk import BulkLayout, score_bulk, table_from_evaluations  # noqa: E402
from pbcheck.errors import InvalidValueError, ValidationError  # noqa: E402
from pbcheck.model.rubric_set import RubricSet  # noqa: E402
from pbcheck.testing._bulk import bulk_rubric_sets  # noqa: E402

pytestmark = pytest.mark.usefixtures("bulk_engine")

_COMMON = Section(
    "A",
    "机关党建常规工作",
    70,
    indicators=[Indicator("A1", "“三会一课”制度落实", 70, DirectScore())],
)


def _season(party_points: int = 30) -> RubricSet:
    """政府工作部门: A + B1 优化营商环境; 党群部门: A + B2 服务群众 (full points vary)."""
    government = Rubric(
        "jgdj-zf",
        "2025",
        "政府工作部门考核细则",
        [
            _COMMON,
            Section(
                "B",
                "服务发展",
                30,
                indicators=[Indicator("B1", "优化营商环境", 30, DirectScore())],
            ),
        ],
    )
    party = Rubric(
        "jgdj-qt",
        "2025",
        "党群部门考核细则",
        [
            _COMMON,
            Section(
                "B",
                "服务发展",
                party_points,
                indicators=[Indicator("B2", "服务群众", party_points, DirectScore())],
            ),
        ],
        total_points=70 + party_points,
    )
    return RubricSet(
        [government, party],
        by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
    )


_TABLE = {
    "unit_id": ["fgw", "czj", "zzb", "xcb"],
    "series": ["政府工作部门", "政府工作部门", "党群部门", "党群部门"],
    "A1": [63, 60, 65, 60],
    "B1": [27, 29, None, None],
    "B2": [None, None, 20, 28],
}


def _messages(raised: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(p) for p in raised.value.problems]


class TestSeason:
    def test_columns_are_the_union_of_the_rubrics(self):
        """One column per item of any rubric, each once, in the order first named."""
        assert BulkLayout.of(_season()).indicators == ("A1", "B1", "B2")

    def test_each_unit_is_scored_by_its_own_rubric(self):
        """fgw 63 + 27, zzb 65 + 20: each on its series' rubric."""
        result = score_bulk(
            _season(), _TABLE, grading=GradingPolicy.standard(), keep_attainment=True
        )
        assert [str(result.shown_total(i)) for i in range(4)] == [
            "90.00",
            "89.00",
            "85.00",
            "88.00",
        ]
        assert result.rubric_ids is not None
        assert result.rubric_ids.tolist() == [
            "jgdj-zf",
            "jgdj-zf",
            "jgdj-qt",
            "jgdj-qt",
        ]
        assert result.ranks.tolist() == [1, 2, 2, 1]
        assert result.attainment is not None
        assert np.isnan(result.attainment[0, 2])

    def test_a_value_outside_the_units_rubric_names_row_unit_column_and_rubric(self):
        """B2 is no item of the 政府工作部门 rubric: its cell must stay empty."""
        table = dict(_TABLE, B2=[5, None, 20, 28])
        with pytest.raises(ValidationError) as raised:
            score_bulk(_season(), table)
        (message,) = _messages(raised)
        assert message.startswith("table[0][B2]: is not an item of rubric jgdj-zf 2025")
        assert "unit fgw" in message

    def test_a_series_mixing_rubrics_is_refused_naming_it(self):
        """A 政府工作部门 unit on the 党群 rubric: the series mixes rubrics."""
        season = RubricSet(
            _season().rubrics,
            by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
            by_unit={"czj": "jgdj-qt"},
        )
        table = dict(_TABLE, B1=[27, None, None, None], B2=[None, 29, 20, 28])
        with pytest.raises(ValidationError) as raised:
            score_bulk(season, table)
        (message,) = _messages(raised)
        assert message.startswith("series[政府工作部门]: mixes rubrics")
        assert "细则 jgdj-zf 2025: 1 个单位" in message
        split = score_bulk(season, table, ranking=RankingPolicy(mixed_rubrics="split"))
        assert split.series[1] == "政府工作部门（细则 jgdj-qt 2025）"
        assert split.ranks[:2].tolist() == [1, 1]
        declared = score_bulk(
            season, table, ranking=RankingPolicy(comparable=[{"jgdj-zf", "jgdj-qt"}])
        )
        assert declared.ranks[:2].tolist() == [1, 2]

    def test_rubrics_of_other_full_points_cannot_be_declared_comparable(self):
        """Declared comparable, but 100 and 90 points: refused naming the declaration."""
        season = RubricSet(
            _season(party_points=20).rubrics,
            by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
        )
        table = dict(_TABLE, B2=[None, None, 20, 18])
        with pytest.raises(ValidationError) as raised:
            score_bulk(
                season,
                table,
                ranking=RankingPolicy(comparable=[{"jgdj-zf", "jgdj-qt"}]),
            )
        (message,) = _messages(raised)
        assert message.startswith("policy.comparable[0]: declares rubrics comparable")

    def test_grading_every_unit_together_needs_comparable_rubrics(self):
        """group_by="all" over two rubrics that are not comparable is refused."""
        policy = GradingPolicy(GradingPolicy.standard().tiers, group_by="all")
        with pytest.raises(InvalidValueError, match=r"grading\.group_by"):
            score_bulk(_season(), _TABLE, grading=policy)

    def test_individual_indicators_are_outside_the_layout(self):
        """A unit with its own indicators (个性指标) is refused by row and unit."""
        template = Rubric(
            "jgdj-gx",
            "2025",
            "个性指标细则",
            [_COMMON, Section("B", "服务发展", 30, individual=True)],
        )
        season = RubricSet(
            [*_season().rubrics, template],
            by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
            by_unit={"xcb": "jgdj-gx"},
            individual={"xcb": {"B": [Indicator("B9", "宣传", 30, DirectScore())]}},
        )
        with pytest.raises(ValidationError) as raised:
            score_bulk(season, _TABLE)
        (message,) = _messages(raised)
        assert message.startswith("table[3].unit_id: has its own indicators")


class TestAgreement:
    @given(
        bulk_rubric_sets(),
        st.sampled_from(["competition", "dense", "ordinal"]),
        st.sampled_from(["refuse", "split"]),
        st.sampled_from(["exact", "rounded"]),
    )
    def test_same_totals_ranks_grades_and_vetoes(self, season, ties, mixed, basis):
        """Totals, vetoes, ranks and grades equal score_all's and rank_within's."""
        rubric_set, evaluations, tree = season
        ranking = RankingPolicy(ties=ties, basis=basis, mixed_rubrics=mixed)
        cards = score_all(rubric_set, evaluations, tree=tree)
        table = table_from_evaluations(rubric_set, evaluations, tree=tree)
        try:
            tables = rank_within(cards, tree, ranking)
        except ValidationError:
            with pytest.raises(ValidationError) as raised:
                score_bulk(rubric_set, table, ranking=ranking)
            assert any("mixes rubrics" in m for m in _messages(raised)), _messages(
                raised
            )
            return
        ranks = {e.unit_id: e.rank for t in tables.values() for e in t}
        result = score_bulk(rubric_set, table, ranking=ranking)
        for row, card in enumerate(cards):
            assert result.unit_ids[row] == card.unit_id
            assert result.exact_total(row) == card.total
            assert result.shown_total(row) == card.rounded_total
            assert bool(result.disqualified[row]) == card.disqualified
            assert result.ranks[row] == ranks[card.unit_id]
        if mixed == "refuse" and basis == "rounded":
            # Grades by series, where every series holds one rubric.
            grading = GradingPolicy(GradingPolicy.standard().tiers)
            levels = {g.unit_id: g.level for g in grade(cards, grading, tree=tree)}
            graded = score_bulk(rubric_set, table, ranking=ranking, grading=grading)
            assert graded.grades is not None
            assert {
                card.unit_id: int(graded.grades[row]) for row, card in enumerate(cards)
            } == levels
