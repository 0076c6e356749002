"""The bulk path agrees with the exact path: totals, ranks, grades, vetoes."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")

from pbcheck import (  # noqa: E402
    GeometricMean,
    GradeTier,
    GradingPolicy,
    Quota,
    RankingPolicy,
    grade,
    rank_within,
    score_all,
)
from pbcheck.bulk import score_bulk, score_bulk_chunks, table_from_evaluations  # noqa: E402
from pbcheck.errors import ValidationError  # noqa: E402
from pbcheck.testing import rubrics  # noqa: E402
from pbcheck.testing._bulk import bulk_seasons  # noqa: E402

pytestmark = pytest.mark.usefixtures("bulk_engine")

rankings = st.builds(
    RankingPolicy,
    ties=st.sampled_from(["competition", "dense", "ordinal"]),
    basis=st.sampled_from(["exact", "rounded"]),
)


@st.composite
def gradings(draw, totals):
    """Three tiers whose thresholds often sit exactly on a unit's total."""
    edges = sorted(
        {
            draw(st.sampled_from(totals)) if totals and draw(st.booleans()) else t
            for t in (
                Fraction(draw(st.integers(0, 120))),
                Fraction(draw(st.integers(0, 120))),
            )
        },
        reverse=True,
    )
    quota = draw(st.none() | st.builds(Quota, count=st.integers(0, 3)))
    tiers = [GradeTier("好", edges[0], quota)]
    if len(edges) > 1:
        tiers.append(GradeTier("较好", edges[1]))
    tiers.append(GradeTier("差"))
    return GradingPolicy(
        tiers,
        basis=draw(st.sampled_from(["exact", "rounded"])),
        group_by=draw(st.sampled_from(["series", "all"])),
    )


class TestAgreement:
    @given(bulk_seasons(), rankings, st.data())
    def test_same_totals_ranks_grades_and_vetoes(self, season, ranking, data):
        """Every unit's exact and shown total, veto, rank and grade match the exact path."""
        rubric, evaluations, tree = season
        cards = score_all(rubric, evaluations)
        policy = data.draw(gradings([c.total for c in cards]))
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        result = score_bulk(rubric, table, ranking=ranking, grading=policy)
        ranks = {
            entry.unit_id: entry.rank
            for table_ in rank_within(cards, tree, ranking).values()
            for entry in table_
        }
        grades = {g.unit_id: g.level for g in grade(cards, policy, tree=tree)}
        for row, card in enumerate(cards):
            assert result.unit_ids[row] == card.unit_id
            assert result.exact_total(row) == card.total
            assert result.shown_total(row) == card.rounded_total
            assert bool(result.disqualified[row]) == card.disqualified
            assert result.ranks[row] == ranks[card.unit_id]
            assert result.grades is not None
            assert result.grades[row] == grades[card.unit_id]
            vetoed = {f.veto_id for f in card.vetoes}
            assert {
                v.id
                for v, hit in zip(rubric.vetoes, result.vetoed[row], strict=True)
                if hit
            } == vetoed

    @given(bulk_seasons(), st.integers(1, 4))
    def test_chunks_change_nothing(self, season, size):
        """Scoring in chunks of any size, with or without attainments, changes nothing."""
        rubric, evaluations, tree = season
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        whole = score_bulk(rubric, table, keep_attainment=True)
        # Without the attainment matrix a linear rubric takes the row-sum path.
        chunked = score_bulk_chunks(rubric, table.chunks(size))
        assert chunked.attainment is None
        assert np.array_equal(whole.total, chunked.total)
        assert np.array_equal(whole.ranks, chunked.ranks)
        kept = score_bulk_chunks(rubric, table.chunks(size), keep_attainment=True)
        assert np.array_equal(whole.attainment, kept.attainment)

    @given(bulk_seasons())
    def test_attainment_and_adjustment_rebuild_the_total(self, season):
        """Attainments are the exact path's; base + adjustment, clipped and capped, is the total."""
        rubric, evaluations, tree = season
        cards = score_all(rubric, evaluations)
        result = score_bulk(
            rubric,
            table_from_evaluations(rubric, evaluations, tree=tree),
            keep_attainment=True,
        )
        assert result.attainment is not None
        for row, card in enumerate(cards):
            for column, indicator in enumerate(rubric.indicators()):
                exact = card.indicators[indicator.id].attainment
                assert result.attainment[row, column] == float(exact)
            adjustment = Fraction(int(result.adjustment[row]), result.denominator)
            assert adjustment == card.bonus_counted - card.deductions_counted
            base = Fraction(int(result.base[row]), result.denominator)
            assert base == card.base
            capped = min(
                max(min(base + adjustment, rubric.max_total), rubric.floor),
                Fraction(int(result.veto_cap[row]), result.denominator),
            )
            assert capped == card.total


class TestOutsideTheLayout:
    @given(rubrics())
    def test_geometric_roll_ups_are_refused(self, rubric):
        """A rubric rolling up by geometric mean is refused, naming where."""
        from pbcheck.bulk import unsupported

        geometric = isinstance(rubric.aggregator, GeometricMean) or any(
            isinstance(s.aggregator, GeometricMean)
            for s in rubric.sections_by_id().values()
        )
        assert bool(unsupported(rubric)) == geometric
        if geometric:
            with pytest.raises(ValidationError) as caught:
                score_bulk(rubric, np.zeros((0, len(rubric.indicators()))))
            assert "geometric_mean" in str(caught.value)
