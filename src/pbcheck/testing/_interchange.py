"""Hypothesis strategies for the interchange format: documents and broken documents.

:func:`documents` draws any object that has a document kind (rubric sets
of 分类考核 from :func:`rubric_sets`, and seasons scored on them, included);
:func:`broken_documents` draws the plain data of a valid document with one
mutation that makes it invalid (a key dropped or added, a type changed, a
reference or a weight sum broken), and names the mutation.

>>> from hypothesis import given, settings
>>> from pbcheck.io.interchange import dumps, loads
>>> @settings(max_examples=5)
... @given(documents())
... def test_round_trip(document):
...     assert loads(dumps(document)) == document
>>> test_round_trip()
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction
from typing import Any

import attrs
from hypothesis import strategies as st

from pbcheck.examples.small import org_tree
from pbcheck.io.interchange import Results, dumps
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Evidence,
    Incident,
    Observation,
    Source,
)
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.grading import GradeTier, GradingPolicy
from pbcheck.outcomes.ranking import Quota, RankingPolicy
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.outcomes.selection import BottomPolicy, CommendationPolicy
from pbcheck.testing._cycles import cycles
from pbcheck.testing._rubrics import evaluations_for, exact_numbers, org_trees, rubrics

__all__ = [
    "MUTATIONS",
    "broken_documents",
    "documents",
    "evaluation_lists",
    "json_values",
    "outcome_policies",
    "results",
    "rubric_sets",
]

#: The kinds of mutation :func:`broken_documents` applies.
MUTATIONS = (
    "drop_required_key",
    "add_unknown_key",
    "change_type",
    "break_reference",
    "break_weights",
)

_TEXT = st.text(
    # Control, format and separator characters are refused in names (pbcheck._text).
    st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp"),
        exclude_characters="\ufffe\uffff",
    ),
    min_size=1,
    max_size=8,
).filter(str.strip)
# Fixed offsets only: a zone name does not travel, its offset does.
_OFFSETS = st.integers(-12 * 4, 14 * 4).map(
    lambda quarters: timezone(timedelta(minutes=15 * quarters))
)


def _moments() -> st.SearchStrategy[date | datetime]:
    days = st.dates(date(2000, 1, 1), date(2099, 12, 31))
    moments = st.datetimes(
        datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.one_of(st.just(UTC), _OFFSETS),
    )
    return st.one_of(days, moments)


def _evidence() -> st.SearchStrategy[tuple[Evidence, ...]]:
    return st.lists(
        st.builds(Evidence, st.sampled_from(["document", "photo", "ledger"]), _TEXT),
        max_size=2,
    ).map(tuple)


def _observed() -> st.SearchStrategy[bool | int | Fraction]:
    return st.one_of(
        st.booleans(),
        st.integers(0, 10**6),
        exact_numbers(0, 1000, places=3),
        st.fractions(0, 100, max_denominator=97),
    )


@st.composite
def _evaluation(draw: st.DrawFn, unit_id: str) -> Evaluation:
    ids = st.sampled_from(["A1", "A2", "B1", "奖1"])
    observations = draw(
        st.lists(
            st.builds(
                Observation,
                ids,
                _observed(),
                source=st.sampled_from(Source),
                rater=st.one_of(st.just(""), _TEXT),
                recorded_at=st.one_of(st.none(), _moments()),
                evidence=_evidence(),
                note=st.one_of(st.just(""), _TEXT),
            ),
            max_size=4,
        )
    )
    activities = draw(
        st.lists(
            st.builds(
                Activity,
                ids,
                _moments(),
                title=st.one_of(st.just(""), _TEXT),
                source=st.sampled_from(Source),
                evidence=_evidence(),
            ),
            max_size=3,
        )
    )
    incidents = draw(
        st.lists(
            st.builds(
                Incident,
                st.sampled_from(["K1", "V1"]),
                _moments(),
                category=st.one_of(st.none(), _TEXT),
                source=st.sampled_from(Source),
                evidence=_evidence(),
                note=st.one_of(st.just(""), _TEXT),
            ),
            max_size=2,
        )
    )
    return Evaluation(unit_id, observations, activities, incidents)


@st.composite
def evaluation_lists(draw: st.DrawFn, *, max_units: int = 4) -> tuple[Evaluation, ...]:
    """Evaluations of distinct units with every kind of record, date and value.

    The records need not fit a rubric: they exercise the format, not scoring.

    >>> from hypothesis import find
    >>> len(find(evaluation_lists(), lambda evaluations: len(evaluations) == 2))
    2
    """
    count = draw(st.integers(0, max_units))
    return tuple(draw(_evaluation(f"u{n}")) for n in range(count))


def outcome_policies() -> st.SearchStrategy[OutcomePolicy]:
    """Outcome policies: tie rules, grades with quotas, bottom and commendation rules.

    >>> from hypothesis import find
    >>> find(outcome_policies(), lambda p: p.ranking.ties == "dense").ranking
    RankingPolicy(ties='dense', basis='exact', comparable=(), mixed_rubrics='refuse', unranked={})
    """
    counts = st.integers(0, 3)
    shares = st.sampled_from(["0.2", "1/3", "0.5"])
    quotas = st.one_of(
        st.builds(Quota, count=counts),
        st.builds(Quota, share=shares),
        st.builds(Quota, count=counts, share=shares),
    )
    grading = st.one_of(
        st.just(GradingPolicy.standard()),
        st.builds(
            lambda quota, basis: GradingPolicy(
                [
                    GradeTier("优秀", 90, quota),
                    GradeTier("良好", 75),
                    GradeTier("一般"),
                ],
                basis=basis,
            ),
            st.one_of(st.none(), quotas),
            st.sampled_from(["exact", "rounded"]),
        ),
    )
    return st.builds(
        OutcomePolicy,
        ranking=st.builds(
            RankingPolicy,
            ties=st.sampled_from(["competition", "dense", "ordinal"]),
            basis=st.sampled_from(["exact", "rounded"]),
        ),
        grading=grading,
        bottom=st.builds(
            BottomPolicy,
            quota=st.one_of(st.none(), quotas),
            below=st.sampled_from([None, 60, "72.5"]),
            ties=st.sampled_from(["spare", "include"]),
        ),
        commendation=st.builds(
            CommendationPolicy,
            quotas,
            min_score=st.sampled_from([None, 80]),
            exclude_bottom=st.booleans(),
        ),
    )


@st.composite
def results(draw: st.DrawFn, *, max_units: int = 3) -> Results:
    """A scored season as :class:`~pbcheck.io.interchange.Results`.

    Generated rubrics (nested sections, every value rule, several raters,
    bonus, deductions, vetoes), a few units in two series, the 2025
    cross-year cycle and random outcome policies.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3)
    ... @given(results())
    ... def test_every_unit_is_ranked(season):
    ...     assert len(season.outcomes.overall) == len(season.scorecards)
    >>> test_every_unit_is_ranked()
    """
    rubric = draw(rubrics(max_depth=1, max_sections=2))
    count = draw(st.integers(1, max_units))
    ids = [f"u{n}" for n in range(count)]
    evaluations = [draw(evaluations_for(rubric, unit_id)) for unit_id in ids]
    by_series: dict[str, list[str]] = {}
    for unit_id in ids:
        by_series.setdefault(
            draw(st.sampled_from(["政府工作部门", "党群部门"])), []
        ).append(unit_id)
    tree = org_tree(by_series)
    cycle = AssessmentCycle.cross_year(2025)
    return Results.compute(rubric, tree, cycle, evaluations, draw(outcome_policies()))


#: The series :func:`rubric_sets` gives a rubric each.
_SET_SERIES = ("政府工作部门", "党群部门", "垂直管理部门")


@st.composite
def rubric_sets(draw: st.DrawFn, *, max_rubrics: int = 3) -> RubricSet:
    """A :class:`~pbcheck.model.rubric_set.RubricSet` whose rubrics share sections.

    One drawn rubric and up to *max_rubrics* − 1 others made from it, each
    with some top-level sections of its own (a retitled copy of equal
    weight), so that the rest are common sections (共性指标) shared by
    reference; a rubric per series, the first as the default, now and then a
    title and version of the set's own.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None)
    ... @given(rubric_sets())
    ... def check(rubric_set):
    ...     assert rubric_set.rubric_for("x").id == rubric_set.rubrics[0].id
    >>> check()
    """
    base = draw(rubrics(max_depth=1, max_sections=3))
    made = [attrs.evolve(base, id="r0")]
    for index in range(1, draw(st.integers(1, max_rubrics))):
        own = draw(st.sets(st.sampled_from([s.id for s in base.sections])))
        sections = [
            attrs.evolve(s, title=f"{s.title}（{index}）") if s.id in own else s
            for s in base.sections
        ]
        made.append(
            attrs.evolve(base, id=f"r{index}", title=f"细则{index}", sections=sections)
        )
    ids = [r.id for r in made]
    return RubricSet(
        made,
        by_series={name: draw(st.sampled_from(ids)) for name in _SET_SERIES},
        default=ids[0],
        title=draw(st.sampled_from(["", "分类考核细则"])),
        version=draw(st.sampled_from(["", "2025"])),
    )


@st.composite
def set_results(draw: st.DrawFn, *, max_units: int = 3) -> Results:
    """A season scored on a rubric set, as :class:`~pbcheck.io.interchange.Results`.

    Units of different rubrics are ranked apart (``mixed_rubrics="split"``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=3, database=None)
    ... @given(set_results())
    ... def check(season):
    ...     assert isinstance(season.rubric, RubricSet)
    >>> check()
    """
    rubric_set = draw(rubric_sets())
    count = draw(st.integers(1, max_units))
    by_series: dict[str, list[str]] = {}
    evaluations = []
    for n in range(count):
        unit_id = f"u{n}"
        series = draw(st.sampled_from(_SET_SERIES))
        by_series.setdefault(series, []).append(unit_id)
        rubric = rubric_set.rubric_for(unit_id, series=series)
        evaluations.append(draw(evaluations_for(rubric, unit_id)))
    policy = draw(outcome_policies())
    policy = attrs.evolve(
        policy, ranking=attrs.evolve(policy.ranking, mixed_rubrics="split")
    )
    return Results.compute(
        rubric_set,
        org_tree(by_series),
        AssessmentCycle.cross_year(2025),
        evaluations,
        policy,
    )


def documents() -> st.SearchStrategy[Any]:
    """Any object with a document kind: rubric, rubric set, org tree, cycle, evaluations, results.

    >>> from hypothesis import given, settings
    >>> from pbcheck.io.interchange import kind_of
    >>> @settings(max_examples=5)
    ... @given(documents())
    ... def test_has_a_kind(document):
    ...     assert kind_of(document)
    >>> test_has_a_kind()
    """
    return st.one_of(
        rubrics(),
        rubric_sets(),
        org_trees(),
        cycles(),
        evaluation_lists(),
        results(),
        set_results(),
    )


def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value (no floats), nested a little: replacement values for mutations.

    >>> from hypothesis import find
    >>> find(json_values(), lambda v: isinstance(v, list))
    []
    """
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.text(max_size=5)
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.text(max_size=4), inner, max_size=3),
        ),
        max_leaves=5,
    )


Data = Any


def _walk(
    data: Data, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], Data]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _walk(value, (*path, index))


def _parent(data: Data, path: tuple[Any, ...]) -> Data:
    for step in path[:-1]:
        data = data[step]
    return data


# Keys that are required wherever they appear in a document.
_ALWAYS_REQUIRED = frozenset(
    {
        "indicator_id",
        "unit_id",
        "item_id",
        "occurred_at",
        "max_points",
        "weight",
        "rule",
    }
)
# Objects whose keys are data (ids, categories, sources), not field names.
_MAPPING_KEYS = frozenset(
    {
        "by_category",
        "source_weights",
        "sections",
        "indicators",
        "per_series",
        "rankings",
        "liaison_groups",
        "params",
    }
)


def _is_mapping_object(path: tuple[Any, ...], value: Data) -> bool:
    return bool(path) and path[-1] in _MAPPING_KEYS and isinstance(value, dict)


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[str, Any]:
    """``(mutation, data)``: a valid document's data made invalid in one way.

    *mutation* is one of ``pbcheck.testing.MUTATIONS``; the loader must reject *data*.

    >>> from hypothesis import find
    >>> mutation, data = find(
    ...     broken_documents(), lambda pair: pair[0] == "add_unknown_key"
    ... )
    >>> (
    ...     mutation,
    ...     data["kind"]
    ...     in ("rubric", "rubric_set", "org_tree", "cycle", "evaluations", "results"),
    ... )
    ('add_unknown_key', True)
    """
    document = draw(
        st.one_of(rubrics(), rubric_sets(), org_trees(), cycles(), results())
    )
    data = json.loads(dumps(document))
    kind = data["kind"]
    choices = ["drop_required_key", "add_unknown_key", "change_type"]
    if kind in ("rubric", "rubric_set", "org_tree", "results"):
        choices.append("break_reference")
    if kind in ("rubric", "rubric_set"):
        choices.append("break_weights")
    mutation = draw(st.sampled_from(choices))
    spots = list(_walk(data))
    if mutation == "add_unknown_key":
        objects = [
            p for p, v in spots if isinstance(v, dict) and not _is_mapping_object(p, v)
        ]
        path = draw(st.sampled_from(objects))
        target = _parent(data, (*path, None))
        target["zz_unknown"] = 1
    elif mutation == "drop_required_key":
        required = [
            p
            for p, _ in spots
            if p and isinstance(p[-1], str) and p[-1] in _ALWAYS_REQUIRED
        ]
        required += [("kind",), ("schema_version",)]
        path = draw(st.sampled_from(required))
        del _parent(data, path)[path[-1]]
    elif mutation == "change_type":
        # A list where a scalar or object was, or an object where a list was:
        # no field of any kind accepts that.
        candidates = [p for p, v in spots if p and not isinstance(v, list)]
        lists = [p for p, v in spots if p and isinstance(v, list)]
        path = draw(st.sampled_from(candidates + lists))
        parent = _parent(data, path)
        parent[path[-1]] = {"zz": []} if isinstance(parent[path[-1]], list) else [[]]
    elif mutation == "break_reference":
        _break_reference(draw, data)
    else:
        sections = [
            v
            for p, v in spots
            if isinstance(v, dict)
            and "weight" in v
            and "title" in v
            and ("sections" in v or "indicators" in v)
        ]
        section = draw(st.sampled_from(sections))
        section["weight"] = str(Fraction(section["weight"]) + 1)
    return mutation, data


def _break_reference(draw: st.DrawFn, data: Data) -> None:
    if data["kind"] == "org_tree":
        unit = draw(st.sampled_from(data["units"]))
        unit["parent"] = "zz-no-such-unit"
    elif data["kind"] == "results":
        card = draw(st.sampled_from(data["scorecards"]))
        card["unit_id"] = "zz-no-such-unit"
    elif data["kind"] == "rubric_set":
        # A reference to no common section, or a series given no rubric of the set.
        references = [
            v for _, v in _walk(data) if isinstance(v, dict) and "common" in v
        ]
        references = [v for v in references if isinstance(v["common"], str)]
        if references:
            draw(st.sampled_from(references))["common"] = "zz-no-such-section"
        else:
            data["by_series"]["zz-系列"] = "zz-no-such-rubric"
    else:
        # Sections, indicators, deductions and vetoes (not the rubric itself).
        items = [
            v
            for p, v in _walk(data)
            if p and isinstance(v, dict) and "id" in v and "title" in v
        ]
        first, second = draw(st.permutations(items))[:2]
        second["id"] = first["id"]
