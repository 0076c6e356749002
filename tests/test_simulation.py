"""Random weightings in NumPy (pbcheck.whatif.simulation) against the exact path."""

import subprocess
import sys
from fractions import Fraction

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import (
    BottomPolicy,
    CommendationPolicy,
    Indicator,
    Median,
    OutcomePolicy,
    PassFail,
    Quota,
    RankingPolicy,
    Rubric,
    Section,
    assess_outcomes,
    score_all,
)
from pbcheck.bulk import score_bulk, table_from_evaluations
from pbcheck.errors import Id, InvalidValueError, ValidationError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import (
    org_tree,
    two_section_attainments,
    two_section_example,
)
from pbcheck.model.org import SERIES_GOVERNMENT
from pbcheck.testing._bulk import bulk_seasons
from pbcheck.testing._simulation import weight_sets, weighted_seasons
from pbcheck.whatif.reweight import reweight
from pbcheck.whatif.simulation import (
    DEFAULT_SAMPLES,
    Attainments,
    Dirichlet,
    Jitter,
    WeightSets,
    simulate,
)
from pbcheck.whatif.sweep import sweep

#: Weight studies compare totals exactly (see pbcheck.whatif._common).
EXACT = RankingPolicy(basis="exact")

POLICIES = (
    OutcomePolicy(ranking=EXACT),
    # Before the office rules of issue 14: vetoed units in the quota, ties spared.
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(
            Quota(count=1), vetoed_in_quota=True, ties="spare", min_group_size=1
        ),
    ),
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(Quota(count=2), ties="include", below=20),
        commendation=CommendationPolicy(Quota(share="0.5"), min_score=30),
    ),
    OutcomePolicy(
        ranking=EXACT,
        bottom=BottomPolicy(Quota(share="0.25"), vetoed=False, group_by="all"),
        commendation=CommendationPolicy(
            Quota(count=2), exclude_bottom=False, group_by="all"
        ),
    ),
)


@pytest.fixture(scope="module")
def example():
    rubric, tree = example_rubric(), example_tree()
    cards = score_all(
        example_rubrics(),
        example_evaluations(2025),
        tree=tree,
        cycle=example_cycle(2025),
    )
    return rubric, tree, cards


def exact_lists(rubric, evaluations, tree, policy, weights):
    """The lists by re-weighting the rubric and re-scoring the exact path."""
    cards = score_all(reweight(rubric, weights, normalise=True), evaluations)
    outcomes = assess_outcomes(cards, tree, policy)
    return set(outcomes.commendation.unit_ids), set(outcomes.bottom.unit_ids), outcomes


def simulated_lists(result):
    rows = result.rows()
    assert all(r.commended in (0, 1) and r.bottom in (0, 1) for r in rows)
    return {r.unit_id for r in rows if r.commended}, {
        r.unit_id for r in rows if r.bottom
    }


class TestAttainments:
    def test_from_scorecards(self, example):
        """Section attainments, adjustments and vetoes come over as floats."""
        rubric, tree, cards = example
        table = Attainments.from_scorecards(rubric, cards, tree)
        card = cards[0]
        assert table.columns == ("A", "B")
        assert table.matrix[0, 1] == float(card.sections["B"].attainment)
        assert table.adjustment[0] == float(
            card.bonus_counted - card.deductions_counted
        )
        assert table.disqualified.sum() == sum(c.disqualified for c in cards)
        assert table.series[0] == tree[card.unit_id].series
        assert not table.matrix.flags.writeable

    def test_two_section_attainments_are_the_example_scored(self):
        """The example builder gives the arrays of two_section_example's scorecards."""
        rubric, evaluations = two_section_example()
        built_rubric, built = two_section_attainments()
        cards = score_all(rubric, evaluations)
        tree = org_tree({"政府工作部门": ["a", "b"]})
        reference = Attainments.from_scorecards(rubric, cards, tree)
        assert built_rubric == rubric
        assert (built.unit_ids, built.series, built.columns) == (
            reference.unit_ids,
            reference.series,
            reference.columns,
        )
        assert built.matrix.tolist() == reference.matrix.tolist()
        assert built.adjustment.tolist() == reference.adjustment.tolist()

    def test_every_problem_at_once(self):
        """Duplicate ids, a short series and an attainment above 1, together."""
        with pytest.raises(ValidationError) as info:
            Attainments(["a", "a"], ["s"], [[0.5], [1.5]], [0, 0], ["x"])
        assert len(info.value.problems) == 3
        # The second "a" is named by its row: its id would name the first.
        assert [p.path for p in info.value.problems] == [
            "unit_ids[1]",
            "series",
            "matrix[1][x]",
        ]

    def test_a_cell_outside_zero_to_one_is_named_by_unit_and_column(self):
        """The cell is ``matrix[unit][column]``, each an id."""
        with pytest.raises(ValidationError) as info:
            Attainments(
                ["a", "b"], ["s", "s"], [[0.5, 1], [1, -0.5]], [0, 0], ["x", "y"]
            )
        (problem,) = info.value.problems
        assert problem.steps == ("matrix", Id("b"), Id("y"))
        assert problem.path == "matrix[b][y]"

    def test_columns_must_fit_the_rubric(self):
        """Columns that are neither the sections nor the indicators are refused."""
        rubric, _ = two_section_example()
        table = Attainments(["a"], ["s"], [[0.5]], [0], ["R"])
        with pytest.raises(InvalidValueError, match="top-level sections"):
            table.loadings(rubric)

    def test_indicator_columns_agree_with_section_columns(self, example):
        """60 indicator attainments give the same lists as 2 section attainments.

        Indicator columns need one rubric for every unit, and fixed indicator
        weights: the example's government series (each series has its own B3
        indicators), its units without 合理缺项 (a waiver re-weights the rest
        of its section for that unit alone).
        """
        rubric, _, cards = example
        tree = example_tree(SERIES_GOVERNMENT)
        cards = [c for c in cards if c.unit_id in tree and not c.not_applicable]
        sections = Attainments.from_scorecards(rubric, cards, tree)
        ids = [i.id for i in rubric.indicators()][::-1]  # any column order
        indicators = Attainments(
            sections.unit_ids,
            sections.series,
            [[float(c.indicators[i].attainment) for i in ids] for c in cards],
            sections.adjustment,
            ids,
            disqualified=sections.disqualified,
        )
        one = simulate(rubric, sections, Jitter(15), samples=300)
        two = simulate(rubric, indicators, Jitter(15), samples=300)
        assert one.rows() == two.rows()

    def test_indicator_columns_need_linear_sections(self):
        """A median below the top cannot be flattened into indicator weights."""
        rubric, _ = two_section_example()
        varied = attrs.evolve(
            rubric,
            sections=[attrs.evolve(s, aggregator=Median()) for s in rubric.sections],
        )
        table = Attainments(["a"], ["s"], [[0.5, 0.5]], [0], ["R", "F"])
        with pytest.raises(InvalidValueError, match="weighted sums or means"):
            table.loadings(varied)

    def test_a_nested_median_is_named_through_its_parent(self):
        """A section below the top is named where the rubric holds it."""
        rubric = Rubric(
            "r", "1", "细则",
            [
                Section(
                    "A", "常规", 100,
                    sections=[
                        Section(
                            "A.1", "会议", 100,
                            indicators=[Indicator("a1", "台账", 100, PassFail())],
                            aggregator=Median(),
                        )
                    ],
                )
            ],
        )  # fmt: skip
        table = Attainments(["a"], ["s"], [[0.5]], [0], ["a1"])
        with pytest.raises(InvalidValueError) as info:
            table.loadings(rubric)
        assert info.value.steps == (
            "rubric", "sections", Id("A"), "sections", Id("A.1"), "aggregator",
        )  # fmt: skip


class TestDistributions:
    def test_jitter_stays_within_ten_points(self):
        """70/30 ± 10 keeps the first share within 60–80 and rows summing to 1."""
        rubric, _ = two_section_example()
        shares = Jitter(10).draw(rubric, 2000, np.random.default_rng(3))
        assert np.allclose(shares.sum(axis=1), 1)
        assert shares[:, 0].min() >= 0.6 - 1e-12
        assert shares[:, 0].max() <= 0.8 + 1e-12
        assert shares[:, 0].max() - shares[:, 0].min() > 0.15

    def test_dirichlet_centres_on_the_rubric(self):
        """The mean share is the rubric's; a larger concentration narrows it."""
        rubric, _ = two_section_example()
        wide = Dirichlet(20).draw(rubric, 4000, np.random.default_rng(3))
        narrow = Dirichlet(2000).draw(rubric, 4000, np.random.default_rng(3))
        assert abs(wide[:, 0].mean() - 0.7) < 0.01
        assert narrow[:, 0].std() < wide[:, 0].std() / 5

    def test_bad_parameters(self):
        """Negative jitter, zero concentration and sample counts are refused."""
        with pytest.raises(InvalidValueError):
            Jitter(-1)
        with pytest.raises(InvalidValueError):
            Dirichlet(0)
        rubric, _ = two_section_example()
        with pytest.raises(InvalidValueError, match="samples"):
            Jitter().draw(rubric, 0, np.random.default_rng(1))
        with pytest.raises(InvalidValueError, match="leave samples=None"):
            WeightSets([{"常规": 60, "服务": 40}]).draw(rubric, 3, None)

    def test_weight_sets_are_checked_like_reweight(self):
        """Floats and sums off the basis are refused unless normalising."""
        rubric, _ = two_section_example()
        with pytest.raises(ValidationError):
            WeightSets([{"常规": 6, "服务": 4}]).draw(rubric, None, None)
        with pytest.raises(ValidationError):
            WeightSets([{"常规": 0.6, "服务": 0.4}]).draw(rubric, None, None)
        shares = WeightSets([{"常规": 6, "服务": 4}], normalise=True).draw(
            rubric, None, None
        )
        assert shares.tolist() == [[0.6, 0.4]]


class TestSimulate:
    def test_seeded_and_reproducible(self, example):
        """The same seed gives the same result; another seed other weights."""
        rubric, tree, cards = example
        table = Attainments.from_scorecards(rubric, cards, tree)
        one = simulate(rubric, table, Dirichlet(), samples=50)
        two = simulate(rubric, table, Dirichlet(), samples=50)
        three = simulate(rubric, table, Dirichlet(), samples=50, seed=1)
        assert np.array_equal(one.weights, two.weights)
        assert one.rows() == two.rows()
        assert not np.array_equal(one.weights, three.weights)
        assert simulate(rubric, table, Jitter()).samples == DEFAULT_SAMPLES

    def test_baseline_is_the_exact_outcome(self, example):
        """Under the rubric's own weights the lists and ranks are the exact ones.

        The simulation compares exact totals, so the exact outcome it matches
        is the one ranked on exact totals (the example has units whose
        published totals tie, e.g. ZF16 and ZF36 at 90.26).
        """
        rubric, tree, cards = example
        result = simulate(
            rubric,
            Attainments.from_scorecards(rubric, cards, tree),
            Jitter(),
            samples=10,
        )
        outcomes = assess_outcomes(cards, tree, OutcomePolicy(ranking=EXACT))
        rows = result.rows()
        assert {r.unit_id for r in rows if r.baseline_commended} == set(
            outcomes.commendation.unit_ids
        )
        assert {r.unit_id for r in rows if r.baseline_bottom} == set(
            outcomes.bottom.unit_ids
        )
        ranks = {e.unit_id: e.rank for t in outcomes.rankings.values() for e in t}
        assert {r.unit_id: r.baseline_rank for r in rows} == ranks

    def test_near_ties_are_ties(self):
        """Totals 10⁻¹² apart tie at the cut-off (both left out) unless tolerance=0."""
        table = Attainments(
            ["a", "b", "c", "d", "e"],
            ["s"] * 5,
            [[0.9, 0.9], [0.9, 0.9], [0.5, 0.5], [0.4, 0.4], [0.1, 0.1]],
            [0, 1e-12, 0, 0, 0],
            ["常规", "服务"],
        )
        rubric, _ = two_section_example()
        policy = OutcomePolicy(
            ranking=EXACT, commendation=CommendationPolicy(Quota(count=1))
        )
        sets = WeightSets([{"常规": 70, "服务": 30}])
        tied = simulate(rubric, table, sets, policy=policy)
        strict = simulate(rubric, table, sets, policy=policy, tolerance=0)
        assert simulated_lists(tied)[0] == set()
        assert tied.cutoff_ties == 1
        assert simulated_lists(strict)[0] == {"b"}

    def test_caps_and_range(self):
        """Totals are held within [floor, max_total], then under a veto's cap."""
        rubric, _ = two_section_example()
        table = Attainments(
            ["a", "b", "c"],
            ["s"] * 3,
            [[1.0, 1.0], [0.95, 0.95], [0.5, 0.5]],
            [8, 0, -60],
            ["常规", "服务"],
            cap=[60, np.inf, np.inf],
        )
        policy = OutcomePolicy(
            ranking=EXACT, commendation=CommendationPolicy(Quota(count=1))
        )
        result = simulate(rubric, table, Jitter(), samples=20, policy=policy)
        assert [r.commended for r in result.rows()] == [0, 1, 0]
        assert [r.baseline_rank for r in result.rows()] == [2, 1, 3]

    def test_unsupported_policies_and_rubrics(self):
        """Rounded ties, rating gates and a median top level are refused."""
        rubric, _ = two_section_example()
        table = Attainments(["a"], ["s"], [[0.5, 0.5]], [0], ["常规", "服务"])
        with pytest.raises(ValidationError) as info:
            simulate(
                rubric,
                table,
                Jitter(),
                policy=OutcomePolicy(
                    ranking=RankingPolicy(basis="rounded"),
                    commendation=CommendationPolicy(Quota(count=1), min_rating="0.8"),
                ),
            )
        assert len(info.value.problems) == 2
        with pytest.raises(InvalidValueError, match="weighted sum"):
            simulate(attrs.evolve(rubric, aggregator=Median()), table, Jitter())

    def test_reprs_rows_and_frame(self, example):
        """A terminal line, a table, escaped HTML, rows and a DataFrame."""
        rubric, tree, cards = example
        result = simulate(
            rubric, Attainments.from_scorecards(rubric, cards, tree), Jitter(10)
        )
        assert repr(result).startswith(
            "<SimulationResult Jitter(points=10.0): 1000 次抽样"
        )
        text = str(result)
        assert "ZF15" in text
        assert "表彰概率" in text
        html = result._repr_html_()
        assert "<table" in html
        assert "ZF15" in html
        assert {r.unit_id for r in result.unstable()} >= {"DQ05", "DQ25"}
        frame = result.to_frame()
        assert frame.shape[0] == 86
        assert frame.loc["ZF23", "commended"] == 1.0
        assert frame.loc["ZF12", "rank_max"] == 39

    def test_without_ranks(self, example):
        """ranks=False leaves the spread out and the probabilities unchanged."""
        rubric, tree, cards = example
        table = Attainments.from_scorecards(rubric, cards, tree)
        with_ranks = simulate(rubric, table, Jitter(), samples=100)
        without = simulate(rubric, table, Jitter(), samples=100, ranks=False)
        assert [r.commended for r in without.rows()] == [
            r.commended for r in with_ranks.rows()
        ]
        assert without.rows()[0].rank_min is None


@settings(max_examples=40)
@given(
    weighted_seasons(),
    st.data(),
    st.sampled_from(POLICIES),
)
def test_simulated_lists_equal_the_exact_path(season, data, policy):
    """For exact weights, each sample's lists and ranks are the exact path's."""
    rubric, evaluations, tree = season
    cards = score_all(rubric, evaluations)
    table = Attainments.from_scorecards(rubric, cards, tree)
    for weights in data.draw(st.lists(weight_sets(rubric), min_size=1, max_size=3)):
        result = simulate(
            rubric, table, WeightSets([weights], normalise=True), policy=policy
        )
        commended, bottom, outcomes = exact_lists(
            rubric, evaluations, tree, policy, weights
        )
        assert simulated_lists(result) == (commended, bottom)
        tables = (
            [outcomes.overall]
            if policy.bottom.group_by == "all"
            else outcomes.rankings.values()
        )
        ranks = {e.unit_id: e.rank for t in tables for e in t}
        assert {r.unit_id: r.rank_min for r in result.rows()} == ranks


def test_samples_fall_in_sweep_intervals_with_the_same_lists(example):
    """Sampled 70/30 ± 10 weights give the lists of the sweep interval holding them."""
    rubric, tree, cards = example
    result = sweep(rubric, cards, "A", 60, 80, tree=tree)
    table = Attainments.from_scorecards(rubric, cards, tree)
    for x in (61, Fraction(1313, 20), 72, 79):
        weights = result.weights_at(x)
        sim = simulate(rubric, table, WeightSets([weights]))
        interval = result.at(x)
        assert simulated_lists(sim) == (
            set(interval.commended),
            set(interval.bottom),
        )


def test_import_without_numpy():
    """pbcheck.whatif.simulation imports without NumPy; its arrays say which extra."""
    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import pbcheck.whatif.simulation as s\n"
        "from pbcheck.errors import MissingExtraError\n"
        "for make in (\n"
        "    lambda: s.Attainments(['a'], ['s'], [[1.0]], [0], ['x']),\n"
        "    lambda: s.simulate(None, None, s.Jitter()),\n"
        "):\n"
        "    try:\n"
        "        make()\n"
        "    except MissingExtraError as exc:\n"
        "        print(exc.extra)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["bulk", "bulk"]


def test_mixed_groups_are_refused(example):
    """simulate needs one grouping for both lists (the sweep follows each list's own)."""
    rubric, tree, cards = example
    policy = OutcomePolicy(
        ranking=EXACT, commendation=CommendationPolicy(Quota(count=5), group_by="all")
    )
    table = Attainments.from_scorecards(rubric, cards, tree)
    with pytest.raises(ValidationError) as info:
        simulate(rubric, table, Jitter(), policy=policy)
    assert "same groups" in info.value.problems[0].message
    assert info.value.problems[0].steps == ("policy", "commendation", "group_by")


class TestFromBulk:
    """Arrays from the bulk path give the same study as arrays from scorecards."""

    @settings(max_examples=25, deadline=None)
    @given(season=bulk_seasons(max_units=6))
    def test_same_study_as_from_scorecards(self, season):
        rubric, evaluations, tree = season
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        bulk = Attainments.from_bulk(score_bulk(rubric, table, keep_attainment=True))
        exact = Attainments.from_scorecards(
            rubric, score_all(rubric, evaluations), tree
        )
        studied, reference = _study(rubric, bulk), _study(rubric, exact)
        if studied[0] == "refused" and reference[0] != "refused":
            # Indicator columns cannot stand for a median or minimum below the top.
            assert "weighted sums or means" in str(studied[2])
        else:
            # Otherwise alike, refusals included (e.g. a median at the top).
            assert studied == reference

    def test_needs_the_attainment_matrix(self):
        rubric, evaluations = two_section_example()
        tree = org_tree({"党群部门": ["a", "b"]})
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        result = score_bulk(rubric, table)  # the default keeps no matrix
        with pytest.raises(InvalidValueError, match="keep_attainment"):
            Attainments.from_bulk(result)


def _study(rubric, attainments) -> tuple[object, ...]:
    try:
        result = simulate(rubric, attainments, Jitter(10), samples=20)
    except InvalidValueError as exc:
        return ("refused", exc.path, exc.message)
    return (result.commended.tolist(), result.bottom.tolist())
