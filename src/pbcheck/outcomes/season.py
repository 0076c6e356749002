"""Outcomes in one call: rankings, grades, commendation and bottom lists (考评结果运用).

:func:`assess_outcomes` applies an :class:`OutcomePolicy` — ranking, grading,
bottom and commendation rules, all data — to a season's scorecards and
returns an :class:`Outcomes` holding every table and list, each decision with
its reason.  ``print(outcomes)`` gives a plain summary for a terminal;
:meth:`Outcomes.cycle_result` feeds :class:`~pbcheck.outcomes.history.History` for
multi-year escalation.

>>> from pbcheck.examples.small import org_tree, scorecards
>>> tree = org_tree({"政府工作部门": ["a", "b", "c", "d", "e"], "党群部门": ["f", "g"]})
>>> cards = scorecards({"a": 95, "b": 88, "c": 82, "d": 75, "e": 60, "f": 91, "g": 70})
>>> outcomes = assess_outcomes(cards, tree)
>>> outcomes
<Outcomes: 7 个单位，2 个系列；表彰 1 个，处于后位 2 个>
>>> print(outcomes)  # doctest: +ELLIPSIS
考评结果（7 个单位，2 个系列）
排名（系列：政府工作部门，5 个单位）
    1  a  95.00
    2  b  88.00
...
党建工作先进单位（1 个单位）
  政府工作部门  a：总分 95.00，排第 1 名，符合评先条件，在名额 1 个（5 个单位 × 20%，向下取整）之内，评为党建工作先进单位
...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    Path,
    Problem,
    UnknownReferenceError,
    ValidationError,
    _Problems,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree, UnitKind
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes._comparison import SeasonChange, SeasonComparison, compare
from pbcheck.outcomes.grading import Grades, GradingPolicy, Honour, grade
from pbcheck.outcomes.history import CycleResult
from pbcheck.outcomes.ranking import Quota, Ranking, RankingPolicy, rank_within
from pbcheck.outcomes.rating import RatingResult
from pbcheck.outcomes.selection import (
    AccountabilityRecord,
    BottomList,
    BottomPolicy,
    CommendationList,
    CommendationPolicy,
    bottom_list,
    commendation_list,
)
from pbcheck.scoring.engine import score_all
from pbcheck.scoring.scorecard import Scorecard, scorecards_frame
from pbcheck.views import html
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "OutcomePolicy",
    "Outcomes",
    "Results",
    "SeasonChange",
    "SeasonComparison",
    "assess_outcomes",
    "assessed_units",
    "compare_seasons",
    "comparison_frame",
    "outcomes_frame",
]

#: How many missing units a refusal or a banner names before it counts the rest.
SHOWN_MISSING = 5


def assessed_units(tree: OrgTree) -> tuple[str, ...]:
    """The ids of the units a complete season scores: every unit but the assessor.

    The working committee (机关工委) assesses the units of its tree and is
    not assessed itself; every other unit of the tree is (pbcheck's rule: a
    tree lists the units its committee assesses).

    >>> from pbcheck.examples.small import org_tree
    >>> assessed_units(org_tree({"党群部门": ["a", "b"]}))
    ('a', 'b')
    """
    return tuple(u.id for u in tree if u.kind is not UnitKind.WORKING_COMMITTEE)


def _missing(tree: OrgTree, scored: Iterable[str]) -> tuple[str, ...]:
    """The assessed units of *tree* without a scorecard, in tree order."""
    have = set(scored)
    return tuple(uid for uid in assessed_units(tree) if uid not in have)


def _named(missing: tuple[str, ...]) -> str:
    """The first few missing units and a count of the rest: ``a, b and 7 more``."""
    shown = ", ".join(missing[:SHOWN_MISSING])
    rest = len(missing) - SHOWN_MISSING
    return shown if rest <= 0 else f"{shown} and {rest} more"


def _named_zh(missing: tuple[str, ...]) -> str:
    """The same in Chinese: ``a、b 等 9 个``."""
    shown = "、".join(missing[:SHOWN_MISSING])
    return shown if len(missing) <= SHOWN_MISSING else f"{shown} 等 {len(missing)} 个"


def _refuse_partial(tree: OrgTree, missing: tuple[str, ...], scored: int) -> None:
    """Refuse a season that does not cover the tree, unless it is marked partial."""
    total = len(assessed_units(tree))
    raise ValidationError(
        "partial season",
        [
            InvalidValueError(
                ("scorecards",),
                missing[:SHOWN_MISSING],
                f"cover {scored} of the tree's {total} assessed units; "
                f"{len(missing)} have no scorecard ({_named(missing)}): ranking, "
                "grading or selecting them would place units against an "
                "incomplete field; pass partial=True (pbcheck score --partial) "
                "to assess a partial season, labelled as such",
            )
        ],
    )


def _default_bottom() -> BottomPolicy:
    return BottomPolicy(Quota(count=1))


def _default_commendation() -> CommendationPolicy:
    return CommendationPolicy(Quota(share="0.2"))


@attrs.frozen
class OutcomePolicy:
    """Every rule of the outcome layer, as data.

    Args:
        ranking: competition ties on the published totals (公布分) by
            default, within comparable rubrics only.
        grading: 好 ≥ 90 / 较好 ≥ 80 / 一般 ≥ 60 / 差 by default.
        bottom: by default the last unit without a veto of each series
            (every unit tied for that place included; none in a series of
            one unit), and vetoed units for their veto.
        commendation: the top 20% of each series (rounded down) by default,
            excluding vetoed and bottom units and 诫勉 or heavier.

    >>> OutcomePolicy().commendation.quota
    Quota(count=None, share=Fraction(1, 5))
    """

    ranking: RankingPolicy = attrs.field(factory=RankingPolicy)
    grading: GradingPolicy = attrs.field(factory=GradingPolicy.standard)
    bottom: BottomPolicy = attrs.field(factory=_default_bottom)
    commendation: CommendationPolicy = attrs.field(factory=_default_commendation)


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class Outcomes:
    """A season's outcomes; see :func:`assess_outcomes`.

    Args:
        policy: the rules applied.
        rankings: one ranking per series (系列), in tree order.
        liaison_groups: one ranking per liaison group (联系片).
        overall: every unit ranked together, when all are comparable; when
            the policy splits a season of incomparable rubrics, an empty
            ranking whose scope says so, and the rankings are in
            ``overall_by_rubric``.
        grades: each unit's grade (等次) and why.
        bottom: who is at the bottom (处于后位) and why.
        commendation: who is eligible and selected (评先评优) and why.
        groupings: for each grouping of the tree's units
            (:attr:`~pbcheck.OrgUnit.groupings`), one ranking per group,
            e.g. ``outcomes.groupings["纪检联系片"]["第二片"]``.
        overall_by_rubric: the overall rankings of a season split by rubric
            (``mixed_rubrics="split"``), one per rubric; empty otherwise.
        partial: the season does not cover the tree's assessed units (部分单位):
            its ranks, grades and lists are a provisional picture, and every
            output says so.
        missing_units: with *partial*, the assessed units without a scorecard,
            in tree order.

    ``repr`` fits a terminal line, ``print`` gives every table and list, a
    notebook shows a summary per series (``_repr_html_``) and
    :meth:`to_frame` gives one row per unit.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> outcomes = assess_outcomes(
    ...     scorecards({"a": 90, "b": 80, "c": 50}),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ... )
    >>> outcomes
    <Outcomes: 3 个单位，1 个系列；表彰 0 个，处于后位 1 个>
    >>> outcomes.rankings["党群部门"].unit_ids, outcomes.bottom.unit_ids
    (('a', 'b', 'c'), ('c',))
    """

    policy: OutcomePolicy
    rankings: Mapping[str, Ranking]
    liaison_groups: Mapping[str, Ranking]
    overall: Ranking
    grades: Grades
    bottom: BottomList
    commendation: CommendationList
    groupings: Mapping[str, Mapping[str, Ranking]] = attrs.field(factory=dict)
    overall_by_rubric: Mapping[str, Ranking] = attrs.field(factory=dict)
    partial: bool = False
    missing_units: tuple[str, ...] = attrs.field(default=(), converter=_ids)

    @property
    def partial_label(self) -> str:
        """The banner of a partial season, e.g. ``部分单位（3/90）— 非完整结果``; empty if whole.

        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> tree = org_tree({"党群部门": ["a", "b", "c"]})
        >>> assess_outcomes(scorecards({"a": 90}), tree, partial=True).partial_label
        '部分单位（1/3）— 非完整结果'
        >>> assess_outcomes(
        ...     scorecards({"a": 90}), org_tree({"党群部门": ["a"]})
        ... ).partial_label
        ''
        """
        if not self.partial:
            return ""
        scored = self.unit_count
        return f"部分单位（{scored}/{scored + len(self.missing_units)}）— 非完整结果"

    @property
    def unit_count(self) -> int:
        """How many units were assessed: the ranked and the graded but unranked.

        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> tree = org_tree({"党群部门": ["a", "b", "jw"]})
        >>> assess_outcomes(scorecards({"a": 90, "b": 80, "jw": 95}), tree).unit_count
        3
        >>> policy = OutcomePolicy(
        ...     ranking=RankingPolicy(unranked={"jw": "纪检监察机关不参加公开排名"})
        ... )
        >>> assess_outcomes(
        ...     scorecards({"a": 90, "b": 80, "jw": 95}), tree, policy
        ... ).unit_count
        3
        """
        ranked = len(self.overall) + sum(
            len(t) for t in self.overall_by_rubric.values()
        )
        graded = {result.unit_id for result in self.grades}
        return ranked + len(graded & set(self.policy.ranking.unranked))

    def overall_tables(self) -> dict[str, Ranking]:
        """Every overall ranking by name: ``全部``, or one per rubric if split.

        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> list(
        ...     assess_outcomes(
        ...         scorecards({"a": 90}), org_tree({"党群部门": ["a"]})
        ...     ).overall_tables()
        ... )
        ['全部']
        """
        return dict(self.overall_by_rubric) or {"全部": self.overall}

    def __repr__(self) -> str:
        partial = f"；{self.partial_label}" if self.partial else ""
        return (
            f"<Outcomes: {self.unit_count} 个单位，{len(self.rankings)} 个系列；"
            f"表彰 {len(self.commendation.unit_ids)} 个，"
            f"处于后位 {len(self.bottom.unit_ids)} 个{partial}>"
        )

    def _heading(self) -> str:
        heading = f"考评结果（{self.unit_count} 个单位，{len(self.rankings)} 个系列）"
        return f"{heading} {self.partial_label}" if self.partial else heading

    def _repr_html_(self) -> str:
        """One row per series, then both lists."""
        rows = []
        for series, ranking in self.rankings.items():
            first = ranking.entries[0] if ranking.entries else None
            rows.append(
                [
                    series,
                    len(ranking),
                    sum(1 for e in ranking if e.unit_id in self.commendation),
                    sum(1 for e in ranking if e.unit_id in self.bottom),
                    "" if first is None else f"{first.unit_id} {first.shown}",
                ]
            )
        summary = html.table(["系列", "单位数", "表彰", "处于后位", "第 1 名"], rows)
        return html.titled(
            self._heading(),
            summary + self.commendation._repr_html_() + self.bottom._repr_html_(),
        )

    def to_frame(
        self, *, tree: OrgTree | None = None, numeric: NumericMode = DEFAULT_NUMERIC
    ) -> pd.DataFrame:
        """One row per unit; see :func:`outcomes_frame`.

        Columns: series, rank, total, grade, commended, bottom, vetoed,
        commendation status and the reasons; with *tree* the units' names,
        liaison groups and groupings too.  Needs the ``frames`` extra.

        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> outcomes = assess_outcomes(
        ...     scorecards({"a": 90, "b": 50}), org_tree({"党群部门": ["a", "b"]})
        ... )
        >>> outcomes.to_frame()["bottom"].tolist()
        [False, True]
        """
        return outcomes_frame(self, tree=tree, numeric=numeric)

    def summary_lines(self) -> list[str]:
        """Everything as plain text lines: rankings, grades, both lists.

        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> assess_outcomes(
        ...     scorecards({"a": 90}), org_tree({"党群部门": ["a"]})
        ... ).summary_lines()[0]
        '考评结果（1 个单位，1 个系列）'
        """
        out = [self._heading()]
        if self.partial:
            out.append(f"  未评分的单位：{_named_zh(self.missing_units)}")
        for table in self.rankings.values():
            out.extend(table.lines())
        for tables in self.groupings.values():
            for table in tables.values():
                out.extend(table.lines())
        out.extend(self.grades.lines())
        out.extend(self.commendation.lines())
        out.extend(self.bottom.lines())
        return out

    def __str__(self) -> str:
        return "\n".join(self.summary_lines())

    def cycle_result(
        self, cycle: AssessmentCycle, *, scorecards: Iterable[Scorecard] = ()
    ) -> CycleResult:
        """This season as a :class:`~pbcheck.outcomes.history.CycleResult` of *cycle*.

        Ranks are within series; ``top`` means commended; each unit keeps its
        grade, and, from *scorecards* when given, its rubric and per-part
        attainment (for trends across rubric versions).

        >>> from pbcheck import AssessmentCycle
        >>> from pbcheck.examples.small import org_tree, scorecards
        >>> outcomes = assess_outcomes(
        ...     scorecards({"a": 90, "b": 50}), org_tree({"党群部门": ["a", "b"]})
        ... )
        >>> [
        ...     (u.unit_id, u.at_bottom)
        ...     for u in outcomes.cycle_result(AssessmentCycle.cross_year(2025)).units
        ... ]
        [('a', False), ('b', True)]
        """
        return CycleResult.from_lists(
            cycle,
            self.rankings,
            bottom=self.bottom,
            commendation=self.commendation,
            grades=self.grades,
            scorecards=scorecards,
        )


def assess_outcomes(  # noqa: PLR0913 - every input of the decision is named
    scorecards: Iterable[Scorecard],
    tree: OrgTree,
    policy: OutcomePolicy | None = None,
    *,
    ratings: Mapping[str, RatingResult] | None = None,
    accountability: Iterable[AccountabilityRecord] = (),
    cycle: AssessmentCycle | None = None,
    honours: Iterable[Honour] = (),
    facts: Mapping[str, Iterable[str]] | None = None,
    partial: bool = False,
) -> Outcomes:
    """Rank, grade and list a season's units under *policy*, in one call.

    Args:
        scorecards: one per unit; each must name a unit of *tree*.
        tree: the org tree (series and liaison groups).
        policy: the rules; :class:`OutcomePolicy` defaults if omitted.
        ratings: democratic rating results by unit id (commendation gate).
        accountability: accountability records (commendation gate, and the
            grading policy's gates such as 通报批评 → 不得评为“好”).
        cycle: the assessment cycle; decided accountability counts only
            within its period.
        honours: honours (表彰), for the grading policy's overrides such as
            获中央表彰 → 直接评为“好”.
        facts: unit id → facts the office establishes, for gates and
            overrides that name them.
        partial: allow a season whose scorecards do not cover the tree's
            assessed units (:func:`assessed_units`), e.g. a provisional
            picture while evaluations come in.  Its outcomes are marked
            :attr:`Outcomes.partial`, with the units missing, and every
            output labels them 部分单位（N/M）— 非完整结果.

    Raises:
        ValidationError: a scorecard is duplicated or names no unit of the
            tree; a record or rating names no scored unit; the scorecards
            do not cover the tree and *partial* is not set (the problem
            names the first missing units and counts them all).

    Ranking 1 unit of 3 would make it 处于后位 without a word, so it is
    refused unless the season is marked partial:

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a", "b", "c"]})
    >>> assess_outcomes(scorecards({"a": 90}), tree)
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: partial season: 1 problem
      scorecards: cover 1 of the tree's 3 assessed units; 2 have no scorecard (b, c): ...
    >>> assess_outcomes(scorecards({"a": 90}), tree, partial=True)
    <Outcomes: 1 个单位，1 个系列；表彰 0 个，处于后位 0 个；部分单位（1/3）— 非完整结果>

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> outcomes = assess_outcomes(
    ...     scorecards({"a": 90, "b": 80}, vetoed={"a"}),
    ...     org_tree({"党群部门": ["a", "b"]}),
    ... )
    >>> outcomes.grades.of("a").label, outcomes.commendation.unit_ids
    ('差', ())
    """
    policy = policy or OutcomePolicy()
    cards = tuple(scorecards)
    missing = _missing(tree, (card.unit_id for card in cards))
    if missing and not partial:
        _refuse_partial(tree, missing, len(assessed_units(tree)) - len(missing))
    records = tuple(accountability)
    rankings = rank_within(cards, tree, policy.ranking, by="series")
    groups = rank_within(cards, tree, policy.ranking, by="liaison_group")
    groupings = {
        name: rank_within(cards, tree, policy.ranking, by=name)
        for name in tree.groupings
    }
    # The overall ranking obeys the comparability rule like every other:
    # refused, or one per rubric (then ``overall`` is empty and says why).
    everything = rank_within(cards, tree, policy.ranking, by="all")
    if list(everything) == ["全部"]:
        overall, by_rubric = everything["全部"], {}
    else:
        overall = Ranking(_SPLIT_OVERALL, policy.ranking, ())
        by_rubric = everything
    grades = grade(
        cards,
        policy.grading,
        tree=tree,
        accountability=records,
        honours=honours,
        facts=facts,
        cycle=cycle,
        ranking=policy.ranking,
    )
    bottom = bottom_list(cards, tree, policy.bottom, ranking=policy.ranking)
    commendation = commendation_list(
        cards,
        tree,
        policy.commendation,
        bottom=bottom,
        ratings=ratings,
        accountability=records,
        cycle=cycle,
        ranking=policy.ranking,
    )
    return Outcomes(
        policy,
        rankings,
        groups,
        overall,
        grades,
        bottom,
        commendation,
        groupings=groupings,
        overall_by_rubric=by_rubric,
        partial=bool(missing),
        missing_units=missing,
    )


#: The scope of the empty overall ranking of a season split by rubric.
_SPLIT_OVERALL = "全部（细则不可比，按细则分别排名，见 overall_by_rubric）"


def _cards(value: Iterable[Scorecard]) -> tuple[Scorecard, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class Results:
    """A scored season, self-contained: what was scored, how, and what came out.

    A results document embeds the rubric, the org tree and the cycle it was
    computed from, so that a report can be produced from that one file.

    Args:
        rubric: the rubric the scorecards were computed with, or the
            :class:`~pbcheck.model.rubric_set.RubricSet` of a season with
            several rubrics (分类考核).
        tree: the org tree (series and liaison groups).
        cycle: the assessment cycle.
        scorecards: one per unit.
        outcomes: rankings, grades, commendation and bottom lists.

    Construction checks that the parts belong together: every scorecard
    names a unit of the tree once and was computed with this rubric (with a
    set: with the unit's own rubric of the set), and the outcomes rank
    exactly the scored units.

    >>> from pbcheck.examples import example_cycle, example_rubrics, example_tree
    >>> from pbcheck.examples import example_evaluations
    >>> results = Results.compute(
    ...     example_rubrics(),
    ...     example_tree(),
    ...     example_cycle(2025),
    ...     example_evaluations(2025),
    ... )
    >>> len(results.scorecards), results.outcomes.overall.entries[0].rank
    (86, 1)
    """

    rubric: Rubric | RubricSet
    tree: OrgTree
    cycle: AssessmentCycle
    scorecards: tuple[Scorecard, ...] = attrs.field(converter=_cards)
    outcomes: Outcomes

    def __attrs_post_init__(self) -> None:
        problems = _Problems("inconsistent results")
        seen: set[str] = set()
        for index, card in enumerate(self.scorecards):
            # By position: a repeated unit id would name the first scorecard.
            path: Path = ("results", "scorecards", index)
            if not isinstance(card, Scorecard):
                problems.add(InvalidTypeError(path, card, "must be a Scorecard"))
                continue
            if card.unit_id in seen:
                problems.add(
                    DuplicateIdError(
                        (*path, "unit_id"), card.unit_id, "has two scorecards"
                    )
                )
            seen.add(card.unit_id)
            if card.unit_id not in self.tree:
                problems.add(
                    UnknownReferenceError(
                        (*path, "unit_id"),
                        card.unit_id,
                        "names no unit in the org tree",
                    )
                )
            try:
                own = self.rubric_of(card.unit_id)
            except Problem as problem:
                problems.add(problem.moved((*path, *problem.steps)))
                continue
            if (card.rubric_id, card.rubric_version) != (own.id, own.version):
                problems.add(
                    UnknownReferenceError(
                        (*path, "rubric_id"),
                        f"{card.rubric_id} {card.rubric_version}",
                        f"must be the embedded rubric {own.id} {own.version}"
                        + ("" if own is self.rubric else " (the unit's rubric)"),
                    )
                )
        tables: list[tuple[Path, Ranking]] = [
            (("results", "outcomes", "overall"), self.outcomes.overall)
        ]
        tables += [
            (("results", "outcomes", "overall_by_rubric", name), table)
            for name, table in self.outcomes.overall_by_rubric.items()
        ]
        for where, table in tables:
            for index, entry in enumerate(table.entries):
                if entry.unit_id not in seen:
                    problems.add(
                        UnknownReferenceError(
                            (*where, "entries", index, "unit_id"),
                            entry.unit_id,
                            "names no scored unit",
                        )
                    )
        self._check_coverage(problems, seen)
        ranked = {entry.unit_id for _, table in tables for entry in table.entries}
        # Units the policy keeps out of public rankings are scored, not ranked.
        ranked |= set(self.outcomes.policy.ranking.unranked)
        for index, card in enumerate(self.scorecards):
            if isinstance(card, Scorecard) and card.unit_id not in ranked:
                problems.add(
                    UnknownReferenceError(
                        ("results", "scorecards", index, "unit_id"),
                        card.unit_id,
                        "is missing from the outcomes' overall ranking",
                    )
                )
        problems.raise_if_any()

    def _check_coverage(self, problems: _Problems, scored: set[str]) -> None:
        """A season not covering the tree must say so, naming exactly who is missing."""
        outcomes = self.outcomes
        if not isinstance(outcomes, Outcomes):
            return
        missing = _missing(self.tree, scored)
        where = ("results", "outcomes")
        if missing and not outcomes.partial:
            problems.add(
                InvalidValueError(
                    (*where, "partial"),
                    False,
                    f"must be true: {len(missing)} of the tree's "
                    f"{len(assessed_units(self.tree))} assessed units have no "
                    f"scorecard ({_named(missing)})",
                )
            )
        elif outcomes.partial and tuple(outcomes.missing_units) != missing:
            problems.add(
                InvalidValueError(
                    (*where, "missing_units"),
                    list(outcomes.missing_units),
                    f"must be the assessed units without a scorecard ({_named(missing) or 'none'})",
                )
            )

    @classmethod
    def compute(  # noqa: PLR0913 - every input of the season is named
        cls,
        rubric: Rubric | RubricSet,
        tree: OrgTree,
        cycle: AssessmentCycle,
        evaluations: Iterable[Evaluation],
        policy: OutcomePolicy | None = None,
        *,
        as_of: date | None = None,
        partial: bool = False,
    ) -> Results:
        """Score *evaluations* and assess the outcomes: a whole season in one call.

        The scorecards are kept in the org tree's order, so the season (and its
        results document) does not depend on the order of the evaluations.
        With *as_of* the season is scored as it stood on that date (半年自查):
        every scorecard is provisional (:attr:`~pbcheck.Scorecard.as_of`).
        With *partial* the evaluations need not cover the tree's assessed
        units; the outcomes are then marked partial (see
        :func:`assess_outcomes`).

        Raises:
            ValidationError: every problem of the evaluations, as
                :func:`~pbcheck.score_all` reports them; evaluations that do
                not cover the tree without *partial*.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> season = Results.compute(
        ...     example_rubric(), example_tree(), example_cycle(), (), partial=True
        ... )
        >>> season.scorecards, season.outcomes.partial_label
        ((), '部分单位（0/86）— 非完整结果')
        """
        scored = score_all(rubric, evaluations, tree=tree, cycle=cycle, as_of=as_of)
        # score_all with a tree refuses units outside it, so every card has a place.
        place = {unit.id: index for index, unit in enumerate(tree)}
        cards = tuple(sorted(scored, key=lambda card: place[card.unit_id]))
        outcomes = assess_outcomes(cards, tree, policy, cycle=cycle, partial=partial)
        return cls(rubric, tree, cycle, cards, outcomes)

    def __repr__(self) -> str:
        """One line: the cycle, how many units, the rubric (not every scorecard).

        >>> from pbcheck import AssessmentCycle
        >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
        >>> tree = org_tree({"党群部门": ["a", "b"]})
        >>> cards = scorecards({"a": 90})
        >>> outcomes = assess_outcomes(cards, tree, partial=True)
        >>> Results(
        ...     simple_rubric(), tree, AssessmentCycle.cross_year(2025), cards, outcomes
        ... )
        <Results 2025—2026年度: 1 个单位，细则 simple 1；部分单位（1/2）— 非完整结果>
        """
        rubric = self.rubric
        named = (
            f"细则 {rubric.id} {rubric.version}"
            if isinstance(rubric, Rubric)
            else f"{len(rubric.rubrics)} 套细则"
        )
        partial = f"；{self.outcomes.partial_label}" if self.outcomes.partial else ""
        return (
            f"<Results {self.cycle.label_zh}: {len(self.scorecards)} 个单位，"
            f"{named}{partial}>"
        )

    def _repr_html_(self) -> str:
        """The outcomes' summary under the cycle and rubric."""
        return html.titled(repr(self)[1:-1], self.outcomes._repr_html_())

    def to_frame(self, *, numeric: NumericMode = DEFAULT_NUMERIC) -> pd.DataFrame:
        """One row per unit: who it is, its outcomes, and its points per section.

        The columns of :func:`outcomes_frame` with the tree (name, series,
        liaison group, groupings, rank, total, grade, lists, reasons), then
        ``base``, ``bonus``, ``deductions`` and one column per section, as
        :func:`~pbcheck.scoring.scorecard.scorecards_frame` names them
        (``frame.attrs["titles"]`` gives each section's title).  Floats by
        default, for plotting; see :mod:`pbcheck.views.frames` for *numeric*.
        Needs the ``frames`` extra (pandas).

        >>> from pbcheck import AssessmentCycle
        >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
        >>> tree = org_tree({"党群部门": ["a", "b"]})
        >>> cards = scorecards({"a": 90, "b": "72.5"})
        >>> results = Results(
        ...     simple_rubric(),
        ...     tree,
        ...     AssessmentCycle.cross_year(2025),
        ...     cards,
        ...     assess_outcomes(cards, tree),
        ... )
        >>> frame = results.to_frame()
        >>> frame[["name", "rank", "total", "grade", "s"]]
                   name  rank  total grade     s
        unit_id
        a           单位a     1   90.0     好  90.0
        b           单位b     2   72.5    一般  72.5
        >>> frame.attrs["titles"]
        {'s': '综合'}
        """
        check_numeric(numeric)
        outcomes = outcomes_frame(self.outcomes, tree=self.tree, numeric=numeric)
        cards = scorecards_frame(self.scorecards, numeric=numeric)
        titles = cards.attrs.get("titles", {})
        kept = ["base", "bonus", "deductions", *titles]
        extra = cards[kept].rename(
            columns={c: f"section:{c}" for c in titles if c in outcomes.columns}
        )
        frame = outcomes.join(extra)
        frame.attrs = {
            **outcomes.attrs,
            "titles": {
                (f"section:{c}" if c in outcomes.columns else c): t
                for c, t in titles.items()
            },
        }
        return frame

    def cycle_result(self) -> CycleResult:
        """This season as a :class:`~pbcheck.outcomes.history.CycleResult`, with scorecards.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> from pbcheck.examples import example_evaluations
        >>> results = Results.compute(
        ...     example_rubric(),
        ...     example_tree(),
        ...     example_cycle(2025),
        ...     example_evaluations(2025)[:3],
        ...     partial=True,
        ... )
        >>> results.cycle_result().units[0].rubric
        'jiangcheng-jgdj 2025'
        """
        return self.outcomes.cycle_result(self.cycle, scorecards=self.scorecards)

    def rubric_of(self, unit_id: str) -> Rubric:
        """The rubric *unit_id* was scored on: the rubric, or its own of the set.

        Raises:
            UnknownReferenceError: with a rubric set, no rubric of the set
                assesses the unit.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> results = Results.compute(
        ...     example_rubric(), example_tree(), example_cycle(), (), partial=True
        ... )
        >>> results.rubric_of("ZF01") is results.rubric
        True
        """
        if isinstance(self.rubric, Rubric):
            return self.rubric
        series = self.tree[unit_id].series if unit_id in self.tree else None
        return self.rubric.rubric_for(unit_id, series=series)

    def scorecard(self, unit_id: str) -> Scorecard:
        """The scorecard of *unit_id*; :class:`KeyError` if there is none.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> from pbcheck.examples import example_evaluations
        >>> results = Results.compute(
        ...     example_rubric(),
        ...     example_tree(),
        ...     example_cycle(2024),
        ...     example_evaluations(2024)[:3],
        ...     partial=True,
        ... )
        >>> results.scorecard("ZF01").unit_id
        'ZF01'
        """
        for card in self.scorecards:
            if card.unit_id == unit_id:
                return card
        raise KeyError(unit_id)


# -- DataFrames (the ``frames`` extra) -------------------------------------------

_OUTCOME_COLUMNS = (
    "unit_id",
    "name",
    "series",
    "liaison_group",
    "rank",
    "total",
    "grade",
    "commended",
    "bottom",
    "vetoed",
    "commendation_status",
    "rank_reason",
    "grade_reason",
    "commendation_reason",
    "bottom_reason",
)


def outcomes_frame(
    outcomes: Outcomes,
    *,
    tree: OrgTree | None = None,
    numeric: NumericMode = DEFAULT_NUMERIC,
) -> pd.DataFrame:
    """One row per unit: series, rank, total, grade, lists and every reason.

    Rows follow the series (in the order of :attr:`Outcomes.rankings`) and,
    within a series, the ranking order.  Columns: ``name`` and
    ``liaison_group`` (联系片; with *tree*, else empty), ``series``,
    ``rank`` (within the series, ``Int64``), ``total``, ``grade`` (等次),
    ``commended`` (表彰), ``bottom`` (处于后位), ``vetoed`` (一票否决),
    ``commendation_status`` (``eligible`` / ``ineligible`` / ``held``), and
    the reasons ``rank_reason``, ``grade_reason``, ``commendation_reason``
    and ``bottom_reason``; with *tree*, one more column per grouping of its
    units (:attr:`~pbcheck.OrgUnit.groupings`, after ``liaison_group``).
    Series, liaison groups, groupings, grades and statuses are ``category``
    columns.  The total is as in
    :func:`~pbcheck.outcomes.ranking.ranking_frame` (see
    :mod:`pbcheck.views.frames` for the *numeric* modes).  A partial season
    says so in ``frame.attrs``.  Needs the ``frames`` extra (pandas);
    :meth:`Outcomes.to_frame` is the same.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> outcomes = assess_outcomes(
    ...     scorecards({"a": 95, "b": 80, "c": 60, "d": 85, "e": 88}),
    ...     org_tree({"党群部门": ["a", "b", "c", "d", "e"]}),
    ... )
    >>> frame = outcomes_frame(outcomes)
    >>> row = frame.loc["a"]
    >>> int(row["rank"]), row["grade"], bool(row["commended"]), bool(row["bottom"])
    (1, '好', True, False)
    >>> str(frame["rank"].dtype), str(frame["total"].dtype), str(frame["grade"].dtype)
    ('Int64', 'float64', 'category')
    >>> frame.attrs  # a partial season would say so here
    {}
    >>> frame.loc["c", "bottom_reason"]
    '总分 60.00，排第 5 名；在本组位列倒数第 1，在后位名额 1 个（至多 1 个）之内'
    >>> outcomes_frame(outcomes, numeric="decimal").loc["c", "total"]
    Decimal('60.00')
    """
    check_numeric(numeric)
    cells = Cells(numeric)
    units = {} if tree is None else {unit.id: unit for unit in tree}
    ranked = {e.unit_id for ranking in outcomes.rankings.values() for e in ranking}
    in_tree = [unit for unit in units.values() if unit.id in ranked]
    groupings = list(dict.fromkeys(g for unit in in_tree for g in unit.groupings))
    grouping_columns = {
        g: f"grouping:{g}" if g in _OUTCOME_COLUMNS else g for g in groupings
    }
    rows = []
    for series, ranking in outcomes.rankings.items():
        for entry in ranking:
            uid = entry.unit_id
            unit = units.get(uid)
            decision = outcomes.commendation.of(uid)
            bottom = outcomes.bottom.of(uid)
            graded = outcomes.grades.of(uid)
            row: dict[str, object] = {
                "unit_id": uid,
                "name": "" if unit is None else unit.name,
                "series": series,
                "liaison_group": "" if unit is None else unit.liaison_group or "",
                "rank": entry.rank,
                "total": cells.shown(entry.total, entry.shown),
                "grade": graded.label,
                "commended": decision.selected,
                "bottom": bottom.at_bottom,
                "vetoed": entry.disqualified,
                "commendation_status": decision.status,
                "rank_reason": entry.reason,
                "grade_reason": graded.reason,
                "commendation_reason": decision.reason,
                "bottom_reason": bottom.reason,
            }
            for grouping, column in grouping_columns.items():
                row[column] = (unit.groupings.get(grouping) if unit else None) or ""
            rows.append(row)
    columns = list(_OUTCOME_COLUMNS)
    at = columns.index("liaison_group") + 1
    columns[at:at] = grouping_columns.values()
    liaison = [unit.liaison_group or "" for unit in in_tree]
    attrs: dict[str, object] = {}
    if outcomes.partial:  # the frame says what it is, as every output does
        attrs["partial"] = outcomes.partial_label
        attrs["missing_units"] = list(outcomes.missing_units)
    return frame_from_rows(
        rows,
        columns,
        index="unit_id",
        numeric_columns=("total",),
        numeric=numeric,
        count_columns=("rank",),
        label_columns={
            "series": list(outcomes.rankings),
            "liaison_group": liaison,
            "grade": [tier.label for tier in outcomes.policy.grading.tiers],
            "commendation_status": ["eligible", "ineligible", "held"],
            **{
                column: [unit.groupings.get(g) or "" for unit in in_tree]
                for g, column in grouping_columns.items()
            },
        },
        attrs=attrs,
    )


# -- Two seasons side by side ----------------------------------------------------


def compare_seasons(before: Results, after: Results) -> SeasonComparison:
    """Every unit of two seasons: rank, total, grade, lists and parts, then and now.

    Per unit (matched by id): its rank within its series, total, grade
    (等次) and place on the commendation and bottom lists (表彰、处于后位)
    in each season, the changes, and how far each part of the rubric
    (top-level section) moved — as plain data (:class:`SeasonComparison` of
    :class:`SeasonChange`, :meth:`SeasonComparison.rows` as dictionaries);
    :func:`comparison_frame` is the same as a DataFrame.  A unit assessed in
    one season only has the other side empty; ranks are compared within the
    same series only and totals and parts on the same rubric only (else the
    change is ``None`` and the reason says why).  Renamed or merged units
    are not guessed: see :class:`~pbcheck.outcomes.history.History`.

    Raises:
        InvalidTypeError: *before* or *after* is not a :class:`Results`.

    >>> from pbcheck import AssessmentCycle
    >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
    >>> tree = org_tree({"党群部门": ["a", "b", "c"]})
    >>> def season(year, totals):
    ...     cards = scorecards(totals)
    ...     outcomes = assess_outcomes(cards, tree)
    ...     cycle = AssessmentCycle.cross_year(year)
    ...     return Results(simple_rubric(), tree, cycle, cards, outcomes)
    >>> comparison = compare_seasons(
    ...     season(2024, {"a": 90, "b": 80, "c": 70}),
    ...     season(2025, {"a": 75, "b": 85, "c": 70}),
    ... )
    >>> comparison
    <SeasonComparison 2024—2025年度 → 2025—2026年度: 3 个单位，名次变化 2 个>
    >>> change = comparison.of("b")
    >>> change.rank_before, change.rank_after, change.rank_change
    (2, 1, 1)
    >>> print(change.reason)
    排名由第 2 名升至第 1 名（上升 1 位），总分 80.00 → 85.00（+5.00），等次 较好 → 较好
    """
    for name, value in (("before", before), ("after", after)):
        if not isinstance(value, Results):
            raise InvalidTypeError((name,), value, "must be a Results")
    return compare(before, after)


def comparison_frame(
    before: Results, after: Results, *, numeric: NumericMode = DEFAULT_NUMERIC
) -> pd.DataFrame:
    """Two seasons compared as a DataFrame, one row per unit, in one call.

    Columns: ``name``, ``series`` (``category``), ``rank_before``,
    ``rank_after``, ``rank_change`` (``Int64``; up is positive),
    ``total_before``, ``total_after``, ``total_change``, ``grade_before``,
    ``grade_after`` (``category``, best grade first), ``commended_before``,
    ``commended_after``, ``bottom_before``, ``bottom_after`` (flags),
    ``list_change`` (新入表彰名单, 移出表彰名单, 新列后位, 脱离后位), one
    ``<part id>_change`` column per part of the rubric (titled in
    ``frame.attrs["titles"]``), and ``reason``; ``frame.attrs`` also holds
    both seasons' labels.  *numeric* as for every frame
    (:mod:`pbcheck.views.frames`).  See :func:`compare_seasons` for the
    rules; :meth:`SeasonComparison.rows` is the same without pandas.  Needs
    the ``frames`` extra (pandas).

    >>> from pbcheck import AssessmentCycle
    >>> from pbcheck.examples.small import org_tree, scorecards, simple_rubric
    >>> tree = org_tree({"党群部门": ["a", "b"]})
    >>> def season(year, totals):
    ...     cards = scorecards(totals)
    ...     outcomes = assess_outcomes(cards, tree)
    ...     cycle = AssessmentCycle.cross_year(year)
    ...     return Results(simple_rubric(), tree, cycle, cards, outcomes)
    >>> frame = comparison_frame(
    ...     season(2024, {"a": 90, "b": 80}), season(2025, {"a": 70, "b": 95})
    ... )
    >>> frame[["rank_before", "rank_after", "rank_change", "total_change"]]
             rank_before  rank_after  rank_change  total_change
    unit_id
    a                  1           2           -1         -20.0
    b                  2           1            1          15.0
    >>> frame.attrs["titles"]
    {'s_change': '综合 变化'}
    """
    check_numeric(numeric)
    return compare_seasons(before, after).to_frame(numeric=numeric)
