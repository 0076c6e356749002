"""The bulk path: layout, conversions, errors, chunks, and agreement on worked cases."""

import inspect
import json
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

np = pytest.importorskip("numpy")

from pbcheck import (  # noqa: E402
    BonusPool,
    CountAtLeast,
    Deduction,
    DeductionPerOccurrence,
    DirectScore,
    Evaluation,
    GeometricMean,
    GradeTier,
    GradingPolicy,
    Incident,
    Indicator,
    Median,
    Minimum,
    Observation,
    PassFail,
    PointsPerOccurrence,
    Quota,
    RankingPolicy,
    RatioToTarget,
    RoundingPolicy,
    Rubric,
    Section,
    Source,
    Tiers,
    TrimmedMean,
    Veto,
    grade,
    rank_within,
    score_all,
)
from pbcheck.bulk import (  # noqa: E402
    BulkLayout,
    BulkTable,
    combine,
    iter_score,
    score_bulk,
    score_bulk_chunks,
    score_chunk,
    table_from_evaluations,
    unsupported,
)
from pbcheck.bulk._plan import compile_plan  # noqa: E402
from pbcheck.errors import (  # noqa: E402
    MAX_PROBLEMS,
    Id,
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    ValidationError,
    render,
)
from pbcheck.examples import example_rubric  # noqa: E402
from pbcheck.examples.small import org_tree  # noqa: E402
from pbcheck.io.interchange import dumps  # noqa: E402
from pbcheck.io.interchange._paths import reroot  # noqa: E402

pytestmark = pytest.mark.usefixtures("bulk_engine")

DAY = __import__("datetime").date(2025, 9, 1)


def refused(call, *args, **kwargs):
    """Call, expect a ValidationError, return its rendered text."""
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return str(caught.value)


def every_rule_rubric(**fields):
    """Seven rules, two sections (one by median), bonus, deductions, vetoes."""
    return Rubric(
        "bulk",
        "2025",
        "批量计分示例",
        [
            Section(
                "A",
                "常规工作",
                60,
                indicators=[
                    Indicator("a1", "台账完整", 10, PassFail()),
                    Indicator("a2", "考评组评分", 20, DirectScore()),
                    Indicator("a3", "“双强”比例≥85%", 15, RatioToTarget(85, 40)),
                    Indicator("a4", "电教片", 15, Tiers([(4, 5), (6, "7.5"), (8, 15)])),
                ],
            ),
            Section(
                "B",
                "服务发展",
                40,
                indicators=[
                    Indicator("b1", "效能投诉", 10, DeductionPerOccurrence("2.5", 1)),
                    Indicator("b2", "主题活动", 15, PointsPerOccurrence(3, 12)),
                    Indicator("b3", "中心组学习", 15, CountAtLeast(12, partial=True)),
                ],
                aggregator=Median(),
            ),
        ],
        bonus=BonusPool(3, [Indicator("j1", "市级表彰", 4, PointsPerOccurrence(2))]),
        deductions=[
            Deduction("k1", "诫勉谈话", points=1, cap=2),
            Deduction(
                "k2", "违反八项规定", by_category={"乡科级": 2, "一般干部": "0.5"}
            ),
        ],
        deduction_cap=3,
        vetoes=[Veto("v1", "严重违纪"), Veto("v2", "重大事故", cap=60)],
        **fields,
    )


def evaluation(unit_id, values, *, bonus=None, incidents=()):
    observations = [Observation(i, v) for i, v in values.items()]
    if bonus is not None:
        observations.append(Observation("j1", bonus))
    return Evaluation(
        unit_id,
        observations,
        incidents=[
            Incident(item, DAY, category=cat, note=f"{n}")
            for n, (item, cat) in enumerate(incidents)
        ],
    )


SEASON = [
    evaluation(
        "甲",
        {
            "a1": True,
            "a2": Fraction("18.5"),
            "a3": 80,
            "a4": 7,
            "b1": 1,
            "b2": 3,
            "b3": 10,
        },
    ),
    evaluation(
        "乙",
        {
            "a1": False,
            "a2": 20,
            "a3": Fraction("62.5"),
            "a4": 9,
            "b1": 5,
            "b2": 5,
            "b3": 12,
        },
        bonus=2,
        incidents=[("k1", None), ("k1", None), ("k1", None), ("k2", "乡科级")],
    ),
    evaluation(
        "丙",
        {
            "a1": True,
            "a2": Fraction("19.25"),
            "a3": 85,
            "a4": 3,
            "b1": 0,
            "b2": 4,
            "b3": 0,
        },
        incidents=[("v2", None)],
    ),
    evaluation(
        "丁",
        {"a1": True, "a2": 20, "a3": 100, "a4": 8, "b1": 0, "b2": 4, "b3": 12},
        bonus=1,
        incidents=[("v1", None)],
    ),
    evaluation(
        "戊",
        {
            "a1": True,
            "a2": Fraction("18.5"),
            "a3": 80,
            "a4": 7,
            "b1": 1,
            "b2": 3,
            "b3": 10,
        },
    ),
]
TREE = org_tree({"政府工作部门": ["甲", "乙", "丙"], "党群部门": ["丁", "戊"]})


class TestAgreementOnAWorkedSeason:
    def test_totals_ranks_grades_and_vetoes_match_the_exact_path(self):
        """Every rule, a median section, bonus, capped deductions and both vetoes agree."""
        rubric = every_rule_rubric()
        cards = score_all(rubric, SEASON)
        policy = GradingPolicy(
            [
                GradeTier("好", 80, Quota(count=1)),
                GradeTier("一般", 60),
                GradeTier("差"),
            ]
        )
        result = score_bulk(
            rubric, table_from_evaluations(rubric, SEASON, tree=TREE), grading=policy
        )
        ranks = {
            e.unit_id: e.rank for t in rank_within(cards, TREE).values() for e in t
        }
        grades = {g.unit_id: g.level for g in grade(cards, policy, tree=TREE)}
        for row, card in enumerate(cards):
            assert result.exact_total(row) == card.total
            assert result.shown_total(row) == card.rounded_total
            assert result.ranks[row] == ranks[card.unit_id]
            assert result.grades[row] == grades[card.unit_id]
            assert result.disqualified[row] == card.disqualified
        assert result.vetoed.tolist()[2:4] == [[False, True], [True, False]]
        assert result.as_float("veto_cap")[2] == 60

    def test_adjustment_is_bonus_counted_less_deductions_counted(self):
        """乙 claims 4 bonus points (3 counted), loses 2 (k1 capped) + 2 (k2), 3 in all."""
        rubric = every_rule_rubric()
        card = score_all(rubric, SEASON)[1]
        result = score_bulk(rubric, table_from_evaluations(rubric, SEASON))
        assert (card.bonus_counted, card.deductions_counted) == (3, 3)
        assert Fraction(int(result.adjustment[1]), result.denominator) == 0

    def test_half_even_rounding_follows_the_policy(self):
        """A total of exactly x.xx5 rounds to even under half_even, as RoundingPolicy does."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("a", "评分", 100, DirectScore())])],
            rounding=RoundingPolicy(places=2, mode="half_even"),
        )  # fmt: skip
        result = score_bulk(rubric, np.array([[84.125], [84.135], [0.005]]))
        shown = [str(result.shown_total(i)) for i in range(3)]
        assert shown == [
            str(rubric.rounding.apply(Fraction(v)))
            for v in ("84.125", "84.135", "0.005")
        ]
        assert shown == ["84.12", "84.14", "0.00"]

    def test_trimmed_mean_and_minimum_sections(self):
        """Order-based roll-ups agree with the exact path."""
        leaves = [Indicator(f"x{n}", f"指标{n}", 5, DirectScore()) for n in range(4)]
        rubric = Rubric(
            "r", "1", "细则",
            [
                Section("A", "甲", 20, indicators=leaves, aggregator=TrimmedMean()),
                Section("B", "乙", 80, indicators=[Indicator("y", "乙", 80, RatioToTarget(90))]),
            ],
            aggregator=Minimum(),
        )  # fmt: skip
        values = {
            "x0": 1,
            "x1": Fraction("4.5"),
            "x2": 3,
            "x3": 5,
            "y": Fraction("77.7"),
        }
        cards = score_all(rubric, [evaluation("u", values)])
        result = score_bulk(
            rubric, table_from_evaluations(rubric, [evaluation("u", values)])
        )
        assert result.exact_total(0) == cards[0].total


class TestExactnessBeyondFloats:
    def test_large_denominators_switch_to_python_integers(self):
        """Prime targets and nine decimals overflow binary64; the result is still exact."""
        primes = [53, 59, 61, 67, 71, 73, 79, 83, 89, 97]
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[
                Indicator(f"p{p}", f"目标{p}", 10, RatioToTarget(p)) for p in primes
            ])],
        )  # fmt: skip
        assert not compile_plan(rubric, 9).exact_float
        values = {f"p{p}": Fraction(p * 7 + 1, 10) for p in primes}
        cards = score_all(rubric, [evaluation("u", values)])
        result = score_bulk(
            rubric,
            table_from_evaluations(rubric, [evaluation("u", values)], decimals=9),
            decimals=9,
        )
        assert result.exact_total(0) == cards[0].total
        assert result.shown_total(0) == cards[0].rounded_total

    def test_nearest_double_of_a_decimal_is_read_as_that_decimal(self):
        """0.1 + 0.2 is not 0.3 in binary64, and is refused; 0.3 is read as 3/10."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("a", "评分", 100, DirectScore())])],
        )  # fmt: skip
        assert score_bulk(rubric, np.array([[0.3]])).exact_total(0) == Fraction(3, 10)
        text = refused(score_bulk, rubric, np.array([[0.1 + 0.2]]))
        assert "table[0][a]: must be a decimal with at most 4 places" in text

    @pytest.mark.parametrize("huge", [10**12, 2**60, 10**20])
    def test_huge_valid_values_take_the_careful_path_and_agree(self, huge):
        """Counts and measured values past the fast check's range are not errors.

        The whole-block check refuses such a block; the cell-by-cell path must
        then find nothing wrong and score it exactly like the exact path.
        """
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[
                Indicator("ratio", "完成率", 40, RatioToTarget(85)),
                Indicator("count", "活动次数", 30, CountAtLeast(4)),
                Indicator("points", "加分项", 30, PointsPerOccurrence(per=5, cap=30)),
            ])],
        )  # fmt: skip
        values = {"ratio": huge, "count": huge, "points": huge}
        cards = score_all(
            rubric,
            [
                evaluation("u", values),
                evaluation("v", {"ratio": 80, "count": 3, "points": 2}),
            ],
        )
        table = table_from_evaluations(
            rubric,
            [
                evaluation("u", values),
                evaluation("v", {"ratio": 80, "count": 3, "points": 2}),
            ],
        )
        result = score_bulk(rubric, table)
        assert [result.exact_total(i) for i in range(2)] == [c.total for c in cards]
        assert result.ranks.tolist() == [1, 2]

    def test_values_binary64_cannot_hold_are_refused_not_rounded(self):
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("c", "次数", 100, CountAtLeast(4))])],
        )  # fmt: skip
        text = refused(
            table_from_evaluations, rubric, [evaluation("u", {"c": 2**53 + 1})]
        )
        assert "cannot be held exactly in the bulk layout" in text
        assert "9007199254740993" in text
        column = np.array([2**53 + 1], dtype=object)
        with pytest.raises(InvalidValueError, match=r"cannot be held exactly"):
            BulkTable.from_columns(rubric, {"c": column})


class TestInputErrors:
    def test_a_text_cell_is_named_by_its_row_in_the_whole_input(self):
        """from_columns names a bad cell table[row][column], rows counted from first_row."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("c", "次数", 100, CountAtLeast(4))])],
        )  # fmt: skip
        column = np.array([1, "三", 2], dtype=object)
        with pytest.raises(InvalidTypeError) as caught:
            BulkTable.from_columns(rubric, {"c": column}, first_row=100)
        assert caught.value.path == "table[101][c]"
        assert caught.value.value == "三"
        big = np.array([1, 2**53 + 1], dtype=object)
        with pytest.raises(InvalidValueError) as too_big:
            BulkTable.from_columns(rubric, {"c": big}, first_row=7)
        assert too_big.value.path == "table[8][c]"

    def test_every_bad_cell_is_reported_with_its_row_and_column(self):
        """NaN, negatives, non-counts, non-0/1 and over-maximum values, all at once."""
        rubric = every_rule_rubric()
        values = np.array(
            [
                [1, 18.5, 80, 7, 1, 3, 10],
                [np.nan, 21, -1, 7, 1.5, 3, 10],
                [2, 18.5, 80, 7, 1, 3, 10],
            ]
        )
        with pytest.raises(ValidationError) as caught:
            score_bulk(rubric, values)
        lines = str(caught.value).splitlines()[1:]
        assert sorted(line.split(":")[0].strip() for line in lines) == [
            "table[1][a1]",
            "table[1][a2]",
            "table[1][a3]",
            "table[1][b1]",
            "table[2][a1]",
        ]
        assert "table[1][a1]: is missing (NaN): not observed" in str(caught.value)
        assert "table[1][a2]: must not exceed max_points" in str(caught.value)
        assert "table[1][a3]: must not be negative" in str(caught.value)
        assert "table[1][b1]: must be a whole count" in str(caught.value)
        assert "table[2][a1]: must be 1 (达标) or 0 (未达标)" in str(caught.value)

    def test_problems_beyond_the_limit_are_counted(self):
        """A table of NaN lists MAX_PROBLEMS problems, each a cell, and counts the rest."""
        rubric = every_rule_rubric()
        with pytest.raises(ValidationError) as caught:
            score_bulk(rubric, np.full((200, 7), np.nan))
        problems = caught.value.problems
        assert len(problems) == MAX_PROBLEMS
        assert all(p.path.startswith("table[") for p in problems)
        assert caught.value.omitted == 200 * 7 - MAX_PROBLEMS
        assert (
            render(caught.value)[-1] == f"  … and {1400 - MAX_PROBLEMS} more problems"
        )

    def test_rows_count_from_the_first_chunk(self):
        """A bad cell in the second chunk names its row in the whole stream."""
        rubric = every_rule_rubric()
        good = np.array([[1, 18.5, 80, 7, 1, 3, 10]] * 3, dtype=float)
        bad = good.copy()
        bad[1, 0] = np.nan
        with pytest.raises(ValidationError, match=r"rows 0–5") as caught:
            list(iter_score(rubric, [good, bad]))
        assert [p.path for p in caught.value.problems] == ["table[4][a1]"]
        with pytest.raises(ValidationError, match=r"rows 3–5"):
            score_chunk(rubric, bad, offset=3)

    def test_every_bad_chunk_is_checked_before_the_error(self):
        """Problems in several chunks come in one error; nothing is yielded after the first."""
        rubric = every_rule_rubric()
        good = np.array([[1, 18.5, 80, 7, 1, 3, 10]] * 3, dtype=float)
        first, second = good.copy(), good.copy()
        first[0, 0] = np.nan
        second[2, 1] = -1.0
        yielded = []
        with pytest.raises(ValidationError, match=r"rows 0–11") as caught:
            yielded.extend(
                len(c) for c in iter_score(rubric, [good, first, good, second])
            )
        assert yielded == [3]
        assert [p.path for p in caught.value.problems] == [
            "table[3][a1]",
            "table[11][a2]",
        ]
        with pytest.raises(ValidationError) as whole:
            score_bulk_chunks(rubric, [first, good, second])
        assert len(whole.value.problems) == 2

    def test_problems_across_chunks_are_listed_to_the_limit_and_counted(self):
        """Chunks' problems share one limit; the rest are counted as omitted."""
        rubric = every_rule_rubric()
        with pytest.raises(ValidationError) as caught:
            score_bulk_chunks(rubric, [np.full((100, 7), np.nan)] * 3)
        assert len(caught.value.problems) == MAX_PROBLEMS
        assert caught.value.omitted == 3 * 100 * 7 - MAX_PROBLEMS

    def test_wrong_width_is_refused(self):
        """A values matrix must have one column per indicator."""
        with pytest.raises(ValueError, match="7 columns"):
            score_bulk(every_rule_rubric(), np.zeros((2, 3)))

    def test_frequency_rules_are_outside_the_layout(self):
        """The example rubric (三会一课 frequencies) is refused, naming each indicator."""
        with pytest.raises(ValidationError) as caught:
            score_bulk(example_rubric(), np.zeros((1, 60)))
        assert "frequency and custom rules need the exact path" in str(caught.value)
        assert len(caught.value.problems) == 6

    def test_unsupported_items_are_named_at_their_place_in_the_rubric(self):
        """A nested section's aggregator is named through its parents, and found in a file."""
        rubric = Rubric(
            "r", "1", "细则",
            [
                Section(
                    "A", "常规", 100,
                    sections=[
                        Section(
                            "A.1", "会议", 100,
                            indicators=[Indicator("a.1", "台账", 100, PassFail())],
                            aggregator=GeometricMean(),
                        )
                    ],
                )
            ],
        )  # fmt: skip
        (problem,) = unsupported(rubric)
        assert problem.steps == (
            "rubric", "sections", Id("A"), "sections", Id("A.1"), "aggregator",
        )  # fmt: skip
        assert problem.path == "rubric.sections[A].sections['A.1'].aggregator"
        raw = json.loads(dumps(rubric))
        assert reroot(problem, (), raw).path == "$.sections[0].sections[0].aggregator"

    def test_a_column_name_that_could_be_misread_is_quoted(self):
        """A cell of column ``a.1`` is ``table[0]['a.1']``, its steps a row and an id."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("a.1", "台账", 100, PassFail())])],
        )  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            score_bulk(rubric, {"a.1": [0.5]})
        (problem,) = caught.value.problems
        assert problem.steps == ("table", 0, Id("a.1"))
        assert problem.path == "table[0]['a.1']"

    def test_incident_counts_must_be_whole(self):
        """A deduction column of 1.5 incidents is refused."""
        rubric = every_rule_rubric()
        table = BulkTable.from_arrays(
            np.array([[1, 18.5, 80, 7, 1, 3, 10]], dtype=float),
            deductions=np.array([[1.5, 0, 0]]),
            layout=BulkLayout.of(rubric),
        )
        assert "table[0][k1]: must be a whole incident count" in refused(
            score_bulk, rubric, table
        )


class TestFromEvaluations:
    def test_several_direct_score_raters_combine_exactly(self):
        """Two raters of a direct score combine by the rater aggregator when building."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("a", "评分", 100, DirectScore())])],
        )  # fmt: skip
        season = [
            Evaluation(
                "u",
                [
                    Observation("a", 90, rater="甲"),
                    Observation("a", Fraction("85.5"), rater="乙"),
                    Observation("a", 100, source=Source.SELF),
                ],
            )
        ]
        table = table_from_evaluations(rubric, season)
        assert table.values.tolist() == [[87.75]]
        assert (
            score_bulk(rubric, table).exact_total(0)
            == score_all(rubric, season)[0].total
        )

    def test_several_raters_of_other_rules_are_refused(self):
        """Pass/fail points combine after the rule: no single value stands for them."""
        rubric = every_rule_rubric()
        doubled = Evaluation(
            "u", [*SEASON[0].observations, Observation("a1", False, rater="乙")]
        )
        text = refused(table_from_evaluations, rubric, [doubled])
        assert "evaluations[u].observations[a1]: has several counted raters" in text
        with pytest.raises(ValidationError) as caught:
            table_from_evaluations(rubric, [doubled])
        assert caught.value.problems[0].steps == (
            "evaluations", Id("u"), "observations", Id("a1"),
        )  # fmt: skip

    def test_a_missing_indicator_is_refused_when_scoring(self):
        """No observation of a regular indicator: NaN, then the same refusal as score()."""
        rubric = every_rule_rubric()
        partial = Evaluation("u", SEASON[0].observations[1:])
        table = table_from_evaluations(rubric, [partial])
        assert np.isnan(table.values[0, 0])
        assert "table[0][a1]: is missing (NaN): not observed" in refused(
            score_bulk, rubric, table
        )
        assert "has no counted observation" in refused(score_all, rubric, [partial])

    def test_too_many_places_are_refused(self):
        """A value with more places than decimals cannot travel in a float column."""
        rubric = every_rule_rubric()
        evaluation_ = Evaluation(
            "u", [*SEASON[0].observations[:1], Observation("a2", Fraction(1, 3)),
                  *SEASON[0].observations[2:]],
        )  # fmt: skip
        assert "more than 4 decimal places" in refused(
            table_from_evaluations, rubric, [evaluation_]
        )


class TestInputs:
    def columns(self):
        rubric = every_rule_rubric()
        table = table_from_evaluations(rubric, SEASON, tree=TREE)
        layout = BulkLayout.of(rubric)
        data = dict(
            zip(
                layout.columns,
                np.hstack(
                    [table.values, table.bonus, table.deductions, table.vetoes]
                ).T,
                strict=True,
            )
        )
        data["unit_id"] = [e.unit_id for e in SEASON]
        data["series"] = [TREE[e.unit_id].series for e in SEASON]
        return rubric, table, data

    def test_mapping_of_columns(self):
        """A dict of columns gives the same result as the table it came from."""
        rubric, table, data = self.columns()
        assert np.array_equal(
            score_bulk(rubric, data).total, score_bulk(rubric, table).total
        )

    def test_pandas_frame(self):
        """A DataFrame, with missing values as pandas NA in a nullable column."""
        pd = pytest.importorskip("pandas")
        rubric, table, data = self.columns()
        frame = pd.DataFrame(data)
        frame["j1"] = frame["j1"].astype("Float64")
        result = score_bulk(rubric, frame)
        assert np.array_equal(result.total, score_bulk(rubric, table).total)
        assert result.unit_ids.tolist() == [e.unit_id for e in SEASON]

    def test_arrow_table(self):
        """A pyarrow Table, nulls in the bonus column claiming nothing."""
        pa = pytest.importorskip("pyarrow")
        rubric, table, data = self.columns()
        data["j1"] = [None if np.isnan(v) else float(v) for v in data["j1"]]
        arrow = pa.table({k: list(v) for k, v in data.items()})
        assert np.array_equal(
            score_bulk(rubric, arrow).total, score_bulk(rubric, table).total
        )

    def test_layout_names_category_columns(self):
        """Deductions by category have one column per category."""
        assert BulkLayout.of(every_rule_rubric()).deductions == (
            "k1",
            "k2[乡科级]",
            "k2[一般干部]",
        )


class TestChunksAndRanking:
    def test_ranks_span_chunks(self):
        """Two chunks rank together within their series, ties by competition."""
        rubric = every_rule_rubric()
        table = table_from_evaluations(rubric, SEASON, tree=TREE)
        whole = score_bulk(rubric, table)
        parts = combine(rubric, [score_chunk(rubric, t) for t in table.chunks(2)])
        assert parts.ranks.tolist() == whole.ranks.tolist()
        assert (
            score_bulk_chunks(rubric, table.chunks(1)).ranks.tolist()
            == whole.ranks.tolist()
        )

    @pytest.mark.parametrize("ties", ["competition", "dense", "ordinal"])
    def test_tie_methods(self, ties):
        """甲 and 戊 tie in value; each tie method numbers them as pbcheck.rank does."""
        rubric = every_rule_rubric()
        cards = score_all(rubric, SEASON)
        policy = RankingPolicy(ties=ties)
        expected = {
            e.unit_id: e.rank for e in __import__("pbcheck").rank(cards, policy)
        }
        result = score_bulk(
            rubric, table_from_evaluations(rubric, SEASON), ranking=policy
        )
        assert (
            dict(zip(result.unit_ids.tolist(), result.ranks.tolist(), strict=True))
            == expected
        )

    def test_series_as_integer_codes(self):
        """Series may be integer codes (cheap at national scale)."""
        rubric = every_rule_rubric()
        table = table_from_evaluations(rubric, SEASON, tree=TREE)
        coded = BulkTable.from_arrays(
            table.values, bonus=table.bonus, deductions=table.deductions,
            vetoes=table.vetoes, series=np.array([0, 0, 0, 1, 1]),
        )  # fmt: skip
        assert (
            score_bulk(rubric, coded).ranks.tolist()
            == score_bulk(rubric, table).ranks.tolist()
        )

    def test_shown_total_is_a_decimal(self):
        """Shown totals are Decimals with the policy's places."""
        rubric = every_rule_rubric()
        result = score_bulk(rubric, table_from_evaluations(rubric, SEASON))
        assert isinstance(result.shown_total(0), Decimal)
        assert result.shown_total(0).as_tuple().exponent == -2
        assert result.row_of("丙") == 2


class TestOptionalExtra:
    def test_import_pbcheck_does_not_import_numpy_path(self):
        """``import pbcheck`` leaves the bulk path (and NumPy) unloaded."""
        code = "import sys, pbcheck; print('pbcheck.bulk' in sys.modules)"
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"

    def test_missing_numpy_names_the_extra(self):
        """Without NumPy, importing pbcheck.bulk says which extra to install."""
        code = (
            "import sys; sys.modules['numpy'] = None\n"
            "try:\n    import pbcheck.bulk\nexcept ImportError as e:\n"
            "    print(type(e).__name__, e.extra)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "MissingExtraError bulk"
        assert issubclass(MissingExtraError, ImportError)


class TestDefaults:
    def test_the_default_call_keeps_no_attainment_matrix(self):
        """score_bulk's defaults take the fast path: the N × M matrix only when asked.

        The totals, ranks and grades are the same either way.
        """
        rubric = every_rule_rubric()
        table = table_from_evaluations(rubric, SEASON, tree=TREE)
        plain = score_bulk(rubric, table, grading=GradingPolicy.standard())
        kept = score_bulk(
            rubric, table, grading=GradingPolicy.standard(), keep_attainment=True
        )
        assert plain.attainment is None
        assert kept.attainment is not None
        assert kept.attainment.shape == (len(SEASON), len(rubric.indicators()))
        assert np.array_equal(plain.total, kept.total)
        assert np.array_equal(plain.ranks, kept.ranks)
        assert np.array_equal(plain.grades, kept.grades)

    def test_every_entry_point_defaults_to_no_matrix(self):
        """score_bulk, score_chunk and score_bulk_chunks agree on the default."""
        defaults = {
            function.__name__: inspect.signature(function)
            .parameters["keep_attainment"]
            .default
            for function in (score_bulk, score_chunk, score_bulk_chunks)
        }
        assert defaults == dict.fromkeys(defaults, False)


class TestThreads:
    def test_threads_and_blocks_change_nothing(self, monkeypatch):
        """Small blocks (and fused parts) on two threads give the one-thread result."""
        import pbcheck.bulk._score as scoring

        rubric = every_rule_rubric()
        table = table_from_evaluations(rubric, SEASON * 7, tree=None)
        expected = score_bulk(rubric, table, keep_attainment=True)
        monkeypatch.setattr(scoring, "BLOCK_ROWS", 3)
        monkeypatch.setattr(scoring, "FUSED_BLOCK_ROWS", 5)
        threaded = score_bulk(rubric, table, threads=2, keep_attainment=True)
        assert np.array_equal(threaded.total, expected.total)
        assert np.array_equal(threaded.attainment, expected.attainment)
        bad = table.values.copy()
        bad[[4, 30], 0] = np.nan
        broken = BulkTable.from_arrays(bad, layout=BulkLayout.of(rubric))
        text = refused(score_bulk, rubric, broken, threads=2)
        assert text.splitlines()[1:] == [
            "  table[4][a1]: is missing (NaN): not observed, which the exact path refuses too (got None)",
            "  table[30][a1]: is missing (NaN): not observed, which the exact path refuses too (got None)",
        ]
