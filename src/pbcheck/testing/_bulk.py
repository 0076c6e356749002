"""Hypothesis strategies for the bulk path: rubrics and seasons it can hold.

>>> from hypothesis import given, settings
>>> from pbcheck.bulk import unsupported
>>> @settings(max_examples=3, database=None)
... @given(bulk_rubrics())
... def test_inside_the_layout(rubric):
...     assert not unsupported(rubric)
>>> test_inside_the_layout()
"""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from pbcheck.model.aggregation import (
    Aggregator,
    GeometricMean,
    Median,
    Minimum,
    TrimmedMean,
    WeightedMean,
)
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import Rubric, Section
from pbcheck.model.rubric_set import RubricSet
from pbcheck.testing._rubrics import evaluations_for, rubrics
from pbcheck.testing._waivers import not_applicable_policies, waived

__all__ = [
    "bulk_rubric_sets",
    "bulk_rubrics",
    "bulk_seasons",
    "bulk_seasons_with_waivers",
]

_SERIES = ("政府工作部门", "党群部门", "垂直管理部门")


def _exact_instead(
    draw: st.DrawFn, aggregator: Aggregator, children: int
) -> Aggregator:
    """An exact roll-up in place of the inexact geometric mean."""
    if not isinstance(aggregator, GeometricMean):
        return aggregator
    choices: list[Aggregator] = [WeightedMean(), Median(), Minimum()]
    if children >= 3:  # a trimmed mean of k=1 needs three
        choices.append(TrimmedMean())
    return draw(st.sampled_from(choices))


def _section(draw: st.DrawFn, section: Section) -> Section:
    return attrs.evolve(
        section,
        sections=tuple(_section(draw, s) for s in section.sections),
        aggregator=_exact_instead(
            draw, section.aggregator, len(section.sections) + len(section.indicators)
        ),
    )


@st.composite
def bulk_rubrics(draw: st.DrawFn, *, extras: bool = True) -> Rubric:
    """Rubrics of :func:`~pbcheck.testing.rubrics` that the bulk layout holds.

    The generated rubrics use the built-in value rules only; each geometric
    mean roll-up (inexact, so outside the bulk path) is replaced by a drawn
    exact one (weighted mean, median, minimum, or a trimmed mean where a
    section has three children or more).

    >>> from hypothesis import given, settings
    >>> from pbcheck.bulk import unsupported
    >>> @settings(max_examples=3, database=None)
    ... @given(bulk_rubrics())
    ... def check(rubric):
    ...     assert unsupported(rubric) == []
    >>> check()
    """
    rubric = draw(rubrics(extras=extras))
    return attrs.evolve(
        rubric,
        sections=tuple(_section(draw, s) for s in rubric.sections),
        aggregator=_exact_instead(draw, rubric.aggregator, len(rubric.sections)),
    )


@st.composite
def bulk_seasons(
    draw: st.DrawFn, *, max_units: int = 8
) -> tuple[Rubric, tuple[Evaluation, ...], OrgTree]:
    """A bulk rubric, single-rater evaluations of several units, and their series.

    Units repeat each other's evaluations now and then, so ties are common.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, database=None)
    ... @given(bulk_seasons())
    ... def check(season):
    ...     rubric, evaluations, tree = season
    ...     assert all(e.unit_id in tree for e in evaluations)
    >>> check()
    """
    rubric = draw(bulk_rubrics())
    return _season(draw, rubric, max_units)


def _season(
    draw: st.DrawFn, rubric: Rubric, max_units: int
) -> tuple[Rubric, tuple[Evaluation, ...], OrgTree]:
    """Evaluations of several units of *rubric* (twins now and then), and a tree."""
    count = draw(st.integers(1, max_units))
    evaluations: list[Evaluation] = []
    for n in range(count):
        if evaluations and draw(st.integers(0, 3)) == 0:
            twin = draw(st.sampled_from(evaluations))
            evaluations.append(attrs.evolve(twin, unit_id=f"u{n}"))
        else:
            evaluations.append(
                draw(evaluations_for(rubric, unit_id=f"u{n}", max_raters=1))
            )
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    units += [
        OrgUnit(
            e.unit_id,
            f"单位{e.unit_id}",
            UnitKind.PARTY_COMMITTEE,
            parent="root",
            series=draw(st.sampled_from((*_SERIES, None))),
        )
        for e in evaluations
    ]
    return rubric, tuple(evaluations), OrgTree(units)


@st.composite
def bulk_seasons_with_waivers(
    draw: st.DrawFn, *, max_units: int = 8
) -> tuple[Rubric, tuple[Evaluation, ...], OrgTree]:
    """A bulk season whose units mark indicators not applicable (合理缺项).

    The rubric counts them by a drawn
    :class:`~pbcheck.model.rubric.NotApplicablePolicy`, and some of its
    indicators may be drawn never waivable.  Units share waiver patterns
    often (twins, and units drawing the same marks), as real seasons do.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, database=None)
    ... @given(bulk_seasons_with_waivers())
    ... def check(season):
    ...     rubric, evaluations, tree = season
    ...     waivable = {i.id for i in rubric.indicators() if i.waivable}
    ...     for evaluation in evaluations:
    ...         assert {m.indicator_id for m in evaluation.not_applicable} <= waivable
    >>> check()
    """
    rubric = draw(bulk_rubrics())
    fixed = draw(
        st.sets(st.sampled_from([i.id for i in rubric.indicators()]), max_size=2)
    )
    rubric = attrs.evolve(
        rubric,
        not_applicable=draw(not_applicable_policies()),
        sections=tuple(_fixed(s, fixed) for s in rubric.sections),
    )
    rubric, evaluations, tree = _season(draw, rubric, max_units)
    marked: list[Evaluation] = []
    for evaluation in evaluations:
        if marked and draw(st.integers(0, 3)) == 0:
            # The same marks as an earlier unit: a pattern shared by rows.
            twin = draw(st.sampled_from(marked))
            ids = {m.indicator_id for m in twin.not_applicable}
            marked.append(
                attrs.evolve(
                    evaluation,
                    observations=[
                        o for o in evaluation.observations if o.indicator_id not in ids
                    ],
                    not_applicable=twin.not_applicable,
                )
            )
        elif draw(st.booleans()):
            marked.append(draw(waived(rubric, evaluation))[0])
        else:
            marked.append(evaluation)
    return rubric, tuple(marked), tree


def _fixed(section: Section, ids: set[str]) -> Section:
    """*section* with the indicators *ids* marked never waivable."""
    return attrs.evolve(
        section,
        sections=tuple(_fixed(s, ids) for s in section.sections),
        indicators=tuple(
            attrs.evolve(i, waivable=False) if i.id in ids else i
            for i in section.indicators
        ),
    )


@st.composite
def bulk_rubric_sets(
    draw: st.DrawFn, *, max_units: int = 8
) -> tuple[RubricSet, tuple[Evaluation, ...], OrgTree]:
    """A season of one to three bulk rubrics (分类考核) and its units' evaluations.

    Each series has a rubric (the first rubric is the default, for units of
    no series); now and then a unit is assessed by another rubric
    (``by_unit``), so its series mixes rubrics.  All rubrics show totals
    alike, as a :class:`~pbcheck.model.rubric_set.RubricSet` requires.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, database=None)
    ... @given(bulk_rubric_sets())
    ... def check(season):
    ...     rubric_set, evaluations, tree = season
    ...     for e in evaluations:
    ...         assert rubric_set.rubric_for(e.unit_id, series=tree[e.unit_id].series)
    >>> check()
    """
    drawn = [draw(bulk_rubrics()) for _ in range(draw(st.integers(1, 3)))]
    rubrics = [
        attrs.evolve(r, id=f"r{j}", rounding=drawn[0].rounding)
        for j, r in enumerate(drawn)
    ]
    ids = [r.id for r in rubrics]
    by_series = {name: draw(st.sampled_from(ids)) for name in _SERIES}
    units = [OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE)]
    by_unit: dict[str, str] = {}
    evaluations: list[Evaluation] = []
    for n in range(draw(st.integers(1, max_units))):
        unit_id = f"u{n}"
        series = draw(st.sampled_from((*_SERIES, None)))
        rubric_id = by_series.get(series, ids[0]) if series else ids[0]
        if len(ids) > 1 and draw(st.integers(0, 4)) == 0:
            rubric_id = by_unit[unit_id] = draw(st.sampled_from(ids))
        rubric = rubrics[ids.index(rubric_id)]
        units.append(
            OrgUnit(
                unit_id,
                f"单位{unit_id}",
                UnitKind.PARTY_COMMITTEE,
                parent="root",
                series=series,
            )
        )
        evaluations.append(draw(evaluations_for(rubric, unit_id=unit_id, max_raters=1)))
    rubric_set = RubricSet(
        rubrics, by_series=by_series, by_unit=by_unit, default=ids[0]
    )
    return rubric_set, tuple(evaluations), OrgTree(units)
