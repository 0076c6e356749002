"""The scoring engine: evaluations in, exact and explainable scorecards out (计分).

:func:`score` scores one :class:`~pbcheck.model.evaluation.Evaluation` against a
:class:`~pbcheck.model.rubric.Rubric`; :func:`score_all` scores a whole season and
reports the problems of every evaluation at once.

How a total is made (every step exact):

1. Each observation is scored by its indicator's rule; several raters combine
   through the rater aggregator, weighted by source (自评 is recorded, not
   counted, by default).  Frequency indicators count dated activities.
2. Each indicator's *attainment* is ``points / max_points``; sections roll
   their children's attainments up with their aggregator and weights; a
   section's points are its attainment times its share of the total.
3. ``base`` is the top-level roll-up times ``total_points``.
4. Bonus points are claimed per bonus indicator, and counted up to the cap.
5. Direct deductions are summed per item (up to the item's cap) and in all (up
   to ``deduction_cap``).
6. ``total = base + bonus − deductions``, held within ``[floor, max_total]``.
7. A veto with a cap holds the total at or below it; a disqualifying veto
   leaves the total as computed and marks the unit ``disqualified``.

Every number can be explained with :meth:`Scorecard.explain`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from math import gcd
from typing import TYPE_CHECKING

import attrs

from pbcheck._numbers import format_exact as _f
from pbcheck._numbers import words
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidValueError,
    OutOfCycleError,
    Path,
    Problem,
    UnknownReferenceError,
    _Problems,
    item,
)
from pbcheck.model.aggregation import (
    Aggregator,
    WeightedMean,
    WeightedSum,
    label_zh,
)
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Incident,
    Moment,
    NotApplicable,
    Observation,
)
from pbcheck.model.frequency import evaluate_activities
from pbcheck.model.rubric import ROOT, Deduction, Indicator, Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import _is_activity_rule, _is_value_rule

if TYPE_CHECKING:
    from pbcheck.model.cycle import AssessmentCycle
    from pbcheck.model.org import OrgTree


from pbcheck.scoring.scorecard import (
    DeductionScore,
    IndicatorScore,
    RaterScore,
    Scorecard,
    SectionScore,
    VetoFinding,
)

__all__ = ["score", "score_all"]


# -- the engine ---------------------------------------------------------------


def score(
    rubric: Rubric | RubricSet,
    evaluation: Evaluation,
    *,
    cycle: AssessmentCycle | None = None,
    tree: OrgTree | None = None,
    as_of: date | None = None,
) -> Scorecard:
    """Score one evaluation against *rubric*.

    Every problem of the evaluation — unknown indicators, values a rule cannot
    score, scores above the maximum, missing indicators, duplicate raters,
    records dated outside *cycle* — is raised at once in a
    :class:`~pbcheck.errors.ValidationError`.  *cycle* is required when the
    rubric has frequency indicators, and checks every record's date.  With a
    :class:`~pbcheck.model.rubric_set.RubricSet` the unit's own rubric is used
    (*tree* gives its series).

    With *as_of* (a mid-cycle check, 半年自查) only what had happened by that
    date counts: observations recorded, activities held and incidents dated
    after it are left out (undated observations count), frequency rules count
    only the sub-periods already over, and the scorecard is marked
    provisional (:attr:`Scorecard.as_of`).  *as_of* must lie in *cycle*.

    >>> from pbcheck.model.evaluation import Evaluation, Observation
    >>> from pbcheck.examples.small import simple_rubric
    >>> card = score(simple_rubric(), Evaluation("ZF01", [Observation("i", "88.5")]))
    >>> card
    <Scorecard ZF01: 88.50 / 100>
    >>> from pbcheck.errors import ValidationError, render
    >>> try:
    ...     score(simple_rubric(), Evaluation("ZF02", [Observation("i", 120)]))
    ... except ValidationError as exc:
    ...     print(render(exc)[1])
      evaluations[ZF02].observations[0].value: must not exceed max_points (100) (got 120)
    """
    problems = _Problems(f"invalid evaluation for unit {evaluation.unit_id!r}")
    plan = _Plans(rubric, tree).plan_for(evaluation.unit_id, problems)
    card = None
    if plan is not None and _check_as_of(as_of, cycle, problems):
        card = _Scoring(plan, evaluation, cycle, problems, as_of).scorecard()
    problems.raise_if_any()
    assert card is not None  # noqa: S101 - no problems means a scorecard was built
    return card


def score_all(
    rubric: Rubric | RubricSet,
    evaluations: Iterable[Evaluation],
    *,
    tree: OrgTree | None = None,
    cycle: AssessmentCycle | None = None,
    as_of: date | None = None,
) -> tuple[Scorecard, ...]:
    """Score a season: one scorecard per evaluation, in the order given.

    Problems of *all* evaluations are gathered and raised together; nothing
    is scored unless everything is valid.  With *tree*, every evaluation must
    name a unit of the tree; unit ids must be unique.  With a
    :class:`~pbcheck.model.rubric_set.RubricSet` (分类考核) each unit is scored
    on its own rubric, found by unit id or by its series in *tree*.  *as_of*
    scores the season as it stood on that date, as :func:`score` does.

    >>> from pbcheck.model.evaluation import Evaluation, Observation
    >>> from pbcheck.examples.small import simple_rubric
    >>> score_all(
    ...     simple_rubric(),
    ...     [
    ...         Evaluation("a", [Observation("i", 90)]),
    ...         Evaluation("b", [Observation("i", 75)]),
    ...     ],
    ... )
    (<Scorecard a: 90.00 / 100>, <Scorecard b: 75.00 / 100>)
    """
    problems = _Problems("invalid evaluations")
    cards: list[Scorecard] = []
    if not _check_as_of(as_of, cycle, problems):
        problems.raise_if_any()
    for _, card, found in _season(rubric, evaluations, cycle, tree, as_of):
        problems.extend(list(found))
        if card is not None:
            cards.append(card)
    problems.raise_if_any()
    return tuple(cards)


def _season(
    rubric: Rubric | RubricSet,
    evaluations: Iterable[Evaluation],
    cycle: AssessmentCycle | None,
    tree: OrgTree | None,
    as_of: date | None = None,
) -> Iterator[tuple[Evaluation, Scorecard | None, _Problems]]:
    """Each evaluation of a season with its scorecard, or with its problems.

    The season's checks in one place, for :func:`score_all` (which raises
    them) and :func:`pbcheck.scoring.audit.audit_trail` (which blames records):
    unit ids are unique, name units of *tree* if given, and each evaluation
    is scored.  A scorecard comes only with no problems.
    """
    plans = _Plans(rubric, tree)
    seen: set[str] = set()
    for evaluation in evaluations:
        where = (*_evaluation_path(evaluation.unit_id), "unit_id")
        problems = _Problems(f"invalid evaluation for unit {evaluation.unit_id!r}")
        if evaluation.unit_id in seen:
            problems.add(
                DuplicateIdError(where, evaluation.unit_id, "is evaluated twice")
            )
            yield evaluation, None, problems
            continue
        seen.add(evaluation.unit_id)
        if tree is not None and evaluation.unit_id not in tree:
            problems.add(
                UnknownReferenceError(
                    where, evaluation.unit_id, "names no unit in the org tree"
                )
            )
        plan = plans.plan_for(evaluation.unit_id, problems)
        card = None
        if plan is not None:
            card = _Scoring(plan, evaluation, cycle, problems, as_of).scorecard()
        yield evaluation, None if problems else card, problems


def _check_as_of(
    as_of: date | None, cycle: AssessmentCycle | None, problems: _Problems
) -> bool:
    """Whether *as_of* is usable: a date within *cycle* (required with it)."""
    if as_of is None:
        return True
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        problems.add(InvalidValueError(("as_of",), as_of, "must be a date"))
        return False
    if cycle is None:
        problems.add(
            InvalidValueError(
                ("as_of",),
                as_of.isoformat(),
                "needs the assessment cycle: pass cycle=",
            )
        )
        return False
    if not cycle.start <= as_of <= cycle.end:
        problems.add(
            OutOfCycleError(
                ("as_of",),
                as_of.isoformat(),
                f"lies outside the cycle {cycle.label_zh} "
                f"({cycle.start.isoformat()}—{cycle.end.isoformat()})",
            )
        )
        return False
    return True


def _evaluation_path(unit_id: str) -> Path:
    """Where the problems of one unit's evaluation are: ``evaluations[ZF01]``.

    Every problem of scoring lies below it; the audit trail and the command
    line find a problem's unit and record in these steps.

    >>> _evaluation_path("ZF01")
    ('evaluations', Id('ZF01'))
    """
    return ("evaluations", Id(unit_id))


@attrs.frozen
class _NodePlan:
    """A section (or the root) as scoring rolls it up."""

    node_id: str
    title: str
    strategy: Aggregator
    points: Fraction
    children: tuple[str, ...]
    shares: tuple[Fraction, ...]
    # Per child: the plan of a sub-section, None for an indicator.
    subsections: tuple[_NodePlan | None, ...]
    # For the built-in weighted sum and mean (their shares sum to 1, so both
    # are Σ shareᵢ·attainmentᵢ): each child's (numerator, denominator) factor
    # on an indicator's points (share / max_points) or a section's attainment
    # (share).  None: the strategy is called.
    factors: tuple[tuple[int, int], ...] | None


@attrs.frozen
class _Plan:
    """What scoring needs of a rubric, worked out once per season, not per unit."""

    rubric: Rubric
    regular: Mapping[str, Indicator]
    bonus: Mapping[str, Indicator]
    possible: Mapping[str, Fraction]
    root: _NodePlan
    # How problems name the rubric: "the rubric", or which one of a set.
    named: str = "the rubric"


class _Plans:
    """The plan of each unit's rubric: one rubric, or a set (分类考核), planned once."""

    __slots__ = ("_plans", "_rubric", "_tree")

    def __init__(self, rubric: Rubric | RubricSet, tree: OrgTree | None) -> None:
        self._rubric = rubric
        self._tree = tree
        self._plans: dict[int, _Plan] = {}

    def plan_for(self, unit_id: str, problems: _Problems) -> _Plan | None:
        """The plan for *unit_id*, or ``None`` with the problem reported."""
        rubric = self._rubric
        named = "the rubric"
        if isinstance(rubric, RubricSet):
            unit = None
            if self._tree is not None and unit_id in self._tree:
                unit = self._tree[unit_id]
            try:
                rubric = rubric.rubric_for(
                    unit_id, series=None if unit is None else unit.series
                )
            except Problem as problem:
                problems.add(
                    problem.moved((*_evaluation_path(unit_id), *problem.steps))
                )
                return None
            named = f"rubric {rubric.id} {rubric.version} (this unit's rubric)"
        if rubric.slots:
            problems.add(
                InvalidValueError(
                    ("rubric", "sections", Id(rubric.slots[0].id), "indicators"),
                    [],
                    "is a slot for each unit's own indicators (个性指标): score "
                    "through a RubricSet that fills it",
                )
            )
            return None
        key = id(rubric)
        if key not in self._plans:
            self._plans[key] = attrs.evolve(_plan(rubric), named=named)
        return self._plans[key]


def _plan(rubric: Rubric) -> _Plan:
    """The plan of *rubric*: what every unit's scoring would look up again."""
    regular = {i.id: i for i in rubric.indicators()}
    sections = rubric.sections_by_id()
    nodes = rubric._nodes  # noqa: SLF001 - same package

    def plan_node(node_id: str) -> _NodePlan:
        node = nodes[node_id]
        section = sections.get(node_id)
        strategy = rubric.aggregator if section is None else section.aggregator
        subsections = tuple(
            plan_node(child) if child in nodes else None for child in node.children
        )
        maxima = [
            regular[child].max_points for child in node.children if child in regular
        ]
        factors = None
        # Checked, not assumed: only then do both strategies equal the dot product.
        if (
            (type(strategy) is WeightedSum or type(strategy) is WeightedMean)
            and all(type(n) is Fraction for n in (*node.shares, *maxima))
            and sum(node.shares) == 1
            and all(share >= 0 for share in node.shares)
        ):
            scaled = (
                share if sub is not None else share / regular[child].max_points
                for child, share, sub in zip(
                    node.children, node.shares, subsections, strict=True
                )
            )
            factors = tuple((f.numerator, f.denominator) for f in scaled)
        return _NodePlan(
            node_id,
            "总分" if section is None else section.title,
            strategy,
            node.points,
            node.children,
            node.shares,
            subsections,
            factors,
        )

    return _Plan(
        rubric,
        regular,
        {i.id: i for i in rubric.bonus.indicators},
        {i: rubric.points_of(i) for i in regular},
        plan_node(ROOT),
    )


def _sum_terms(terms: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """Σ topᵢ/bottomᵢ as one unreduced (top, bottom): integers, no Fraction per step."""
    numerator, denominator = 0, 1
    for top, bottom in terms:
        if bottom == denominator:
            numerator += top
        else:
            common = gcd(bottom, denominator)
            numerator = numerator * (bottom // common) + top * (denominator // common)
            denominator = denominator // common * bottom
    return numerator, denominator


class _Scoring:
    """One evaluation scored against a plan, step by step.

    The steps share the evaluation's records sorted by indicator and the
    problems found so far: which observations count (:meth:`_sort_records`),
    each indicator's points (:meth:`_indicator`), the roll-up and the
    adjustments (:meth:`_card`).  Problems are added to *problems*; a
    scorecard comes only when this evaluation added none.
    """

    __slots__ = (
        "activities",
        "as_of",
        "cycle",
        "evaluation",
        "observed",
        "path",
        "plan",
        "problems",
        "refused",
        "waived",
    )

    def __init__(
        self,
        plan: _Plan,
        evaluation: Evaluation,
        cycle: AssessmentCycle | None,
        problems: _Problems,
        as_of: date | None = None,
    ) -> None:
        self.plan = plan
        self.evaluation = evaluation
        self.cycle = cycle
        self.problems = problems
        self.path = _evaluation_path(evaluation.unit_id)
        # Observations that passed their checks, by indicator, with positions.
        self.observed: dict[str, list[tuple[int, Observation]]] = {}
        # Indicators with a value reported as a problem.
        self.refused: set[str] = set()
        self.activities: dict[str, list[Activity]] = {}
        self.as_of = as_of
        # Indicators marked not applicable (合理缺项), with the marker's position.
        self.waived: dict[str, tuple[int, NotApplicable]] = {}

    def scorecard(self) -> Scorecard | None:
        """The scorecard, or ``None`` when this evaluation has problems."""
        found = len(self.problems)
        _check_dates(self.evaluation, self.cycle, self.problems, self.path)
        self._sort_records()
        plan = self.plan
        results: dict[str, IndicatorScore] = {}
        # An indicator whose values were all reported as problems is left out:
        # "no counted observation" would only repeat them.
        for indicator_id, indicator in plan.regular.items():
            if indicator_id in self.waived:
                results[indicator_id] = self._waived(indicator)
                continue
            if indicator_id in self.refused and indicator_id not in self.observed:
                continue
            result = self._indicator(
                indicator, plan.possible[indicator_id], bonus=False
            )
            if result is not None:
                results[indicator_id] = result
        bonus_results = []
        for indicator in plan.bonus.values():
            if indicator.id in self.observed or indicator.id in self.activities:
                result = self._indicator(indicator, indicator.max_points, bonus=True)
                if result is not None:
                    bonus_results.append(result)
        if plan.regular and set(plan.regular) <= set(self.waived):
            # Refused whatever the policy: full marks would give a unit to
            # which nothing applies the full score.
            self.problems.add(
                InvalidValueError(
                    (*self.path, "not_applicable"),
                    sorted(self.waived),
                    "marks every indicator not applicable: nothing is left to score",
                )
            )
        deductions, vetoes = _incidents(
            plan.rubric, self.evaluation, self.problems, self.path, self._later
        )
        if len(self.problems) > found:
            return None
        return self._card(results, tuple(bonus_results), deductions, vetoes)

    def _sort_records(self) -> None:
        """File each observation and activity under its indicator, or report it."""
        regular, bonus, add = self.plan.regular, self.plan.bonus, self.problems.add
        duplicates: set[tuple[str, str, str]] = set()
        for index, observation in enumerate(self.evaluation.observations):
            if self._later(observation.recorded_at):
                continue
            indicator = regular.get(observation.indicator_id) or bonus.get(
                observation.indicator_id
            )
            if indicator is None:
                add(
                    UnknownReferenceError(
                        (*self.path, "observations", index, "indicator_id"),
                        observation.indicator_id,
                        f"names no indicator of {self.plan.named}",
                    )
                )
                continue
            if not _is_value_rule(indicator.rule):
                add(
                    InvalidValueError(
                        (*self.path, "observations", index, "indicator_id"),
                        observation.indicator_id,
                        "is a frequency indicator: record Activity entries, "
                        "not observations",
                    )
                )
                continue
            key = (
                observation.indicator_id,
                observation.source.value,
                observation.rater,
            )
            if key in duplicates:
                add(
                    DuplicateIdError(
                        (*self.path, "observations", index, "rater"),
                        observation.rater,
                        f"already scored {observation.indicator_id} as "
                        f"{observation.source.value}; name each rater apart",
                    )
                )
                continue
            duplicates.add(key)
            message = indicator.rule.value_problem(
                observation.value, indicator.max_points
            )
            if message is not None:
                add(
                    InvalidValueError(
                        (*self.path, "observations", index, "value"),
                        observation.value,
                        message,
                    )
                )
                self.refused.add(observation.indicator_id)
                continue
            self.observed.setdefault(observation.indicator_id, []).append(
                (index, observation)
            )
        for index, activity in enumerate(self.evaluation.activities):
            if self._later(activity.occurred_at):
                continue
            indicator = regular.get(activity.indicator_id) or bonus.get(
                activity.indicator_id
            )
            if indicator is None or not _is_activity_rule(indicator.rule):
                add(
                    UnknownReferenceError(
                        (*self.path, "activities", index, "indicator_id"),
                        activity.indicator_id,
                        f"names no frequency indicator of {self.plan.named}",
                    )
                )
                continue
            self.activities.setdefault(activity.indicator_id, []).append(activity)
        self._sort_waivers()

    def _later(self, moment: Moment | None) -> bool:
        """Whether a record dated *moment* comes after ``as_of`` (left out then)."""
        if self.as_of is None or moment is None or self.cycle is None:
            return False
        return self.cycle.local_date(moment) > self.as_of

    def _sort_waivers(self) -> None:
        """File each 合理缺项 marker under its indicator, or report it."""
        plan, add = self.plan, self.problems.add
        for index, marker in enumerate(self.evaluation.not_applicable):
            where = (*self.path, "not_applicable", index, "indicator_id")
            indicator_id = marker.indicator_id
            indicator = plan.regular.get(indicator_id)
            if indicator is None:
                add(
                    InvalidValueError(
                        where,
                        indicator_id,
                        "is a bonus indicator (加分项): leave it unrecorded "
                        "instead of marking it not applicable",
                    )
                    if indicator_id in plan.bonus
                    else UnknownReferenceError(
                        where, indicator_id, f"names no indicator of {plan.named}"
                    )
                )
            elif not indicator.waivable:
                # Reported here; "no counted observation" would only repeat it.
                self.refused.add(indicator_id)
                add(
                    InvalidValueError(
                        where,
                        indicator_id,
                        f"may not be marked not applicable: rubric "
                        f"{plan.rubric.id} {plan.rubric.version} requires every "
                        "unit to be scored on it (waivable=False)",
                    )
                )
            elif indicator_id in self.waived:
                first = self.waived[indicator_id][0]
                add(
                    DuplicateIdError(
                        where,
                        indicator_id,
                        f"is already marked at not_applicable[{first}]",
                    )
                )
            elif (
                indicator_id in self.observed
                or indicator_id in self.activities
                or (indicator_id in self.refused)
            ):
                add(
                    InvalidValueError(
                        where,
                        indicator_id,
                        "is marked not applicable but also has records; keep the "
                        "records or the marker, not both",
                    )
                )
            else:
                self.waived[indicator_id] = (index, marker)

    def _waived(self, indicator: Indicator) -> IndicatorScore:
        """A 合理缺项 indicator: full marks, or left out to be pro-rated."""
        marker = self.waived[indicator.id][1]
        policy = self.plan.rubric.not_applicable
        full = policy.method == "full_marks"
        return IndicatorScore(
            indicator.id,
            indicator.title,
            indicator.max_points if full else Fraction(0),
            indicator.max_points,
            self.plan.possible[indicator.id] if full else Fraction(0),
            f"合理缺项（{marker.reason}），{policy.label_zh}",
            not_applicable=marker,
        )

    def _indicator(
        self, indicator: Indicator, possible: Fraction, *, bonus: bool
    ) -> IndicatorScore | None:
        """One indicator's score, or ``None`` with its problem reported."""
        rule = indicator.rule
        if _is_activity_rule(rule) and not _is_value_rule(rule):
            return self._frequency(indicator, possible, bonus=bonus)
        assert _is_value_rule(rule)  # noqa: S101 - Indicator checks this
        raters: list[RaterScore] = []
        not_counted: list[Observation] = []
        weights = self.plan.rubric.source_weights
        rounding = self.plan.rubric.rounding
        for _, observation in self.observed.get(indicator.id, ()):
            weight = weights[observation.source]
            if weight == 0:
                not_counted.append(observation)
                continue
            result = rule.points(observation.value, indicator.max_points)
            raters.append(
                RaterScore(
                    observation, result.points, words(result.reason, rounding), weight
                )
            )
        if not raters:
            hint = (
                "; if it does not apply to this unit, mark it not applicable "
                "(合理缺项) with the reason"
                if indicator.waivable and not bonus
                else ""
            )
            self.problems.add(
                InvalidValueError(
                    (*self.path, "indicators", Id(indicator.id)),
                    None,
                    "has no counted observation"
                    + ("（只有自评等不计分的记录）" if not_counted else "")
                    + hint,
                )
            )
            return None
        # Problems of the indicator's raters as a whole.
        where = (*self.path, "observations", Id(indicator.id))
        if len(raters) == 1:
            points, reason, name = raters[0].points, raters[0].reason, None
        else:
            # Order-independence: raters combine in a canonical order.
            raters.sort(
                key=lambda r: (
                    r.observation.source.value,
                    r.observation.rater,
                    r.points,
                )
            )
            strategy = indicator.rater_aggregator or self.plan.rubric.rater_aggregator
            try:
                points = _combine(strategy, raters)
            except Problem as problem:
                self.problems.add(problem.moved(where))
                return None
            name = strategy.name
            method = label_zh(strategy)
            if method.isascii():  # a name without a Chinese label stands apart
                method = f" {method} "
            reason = (
                f"{len(raters)} 位评分人，按{method}合成 {rounding.show(points)} 分"
            )
        if not 0 <= points <= indicator.max_points:
            self.problems.add(
                InvalidValueError(
                    where,
                    _f(points),
                    f"the rule gave points outside [0, {_f(indicator.max_points)}]",
                )
            )
            return None
        return IndicatorScore(
            indicator.id, indicator.title, points, indicator.max_points, possible,
            reason, tuple(raters), tuple(not_counted), aggregator=name, bonus=bonus,
        )  # fmt: skip

    def _frequency(
        self, indicator: Indicator, possible: Fraction, *, bonus: bool
    ) -> IndicatorScore | None:
        """A frequency indicator's score: its activities counted in the cycle."""
        rule = indicator.rule
        assert _is_activity_rule(rule)  # noqa: S101 - checked by the caller
        records = tuple(self.activities.get(indicator.id, ()))
        cycle = self.cycle
        if cycle is None:
            self.problems.add(
                InvalidValueError(
                    (*self.path, "activities"),
                    indicator.id,
                    "a frequency indicator needs the assessment cycle: pass cycle=",
                )
            )
            return None
        # Records outside the cycle are already reported as problems.
        try:
            outcome = evaluate_activities(
                rule,
                [a for a in records if cycle.contains(a.occurred_at)],
                cycle,
                indicator.max_points,
                branches=self.evaluation.branches,
                as_of=self.as_of,
            )
        except Problem as problem:
            # e.g. a per-branch rule for a unit that declares no branch
            self.problems.add(
                problem.moved((*self.path, "indicators", Id(indicator.id)))
            )
            return None
        return IndicatorScore(
            indicator.id, indicator.title, outcome.points, indicator.max_points,
            possible, words(outcome.reason, self.plan.rubric.rounding),
            activities=records, bonus=bonus,
        )  # fmt: skip

    def _card(
        self,
        results: dict[str, IndicatorScore],
        bonus_results: tuple[IndicatorScore, ...],
        deductions: tuple[DeductionScore, ...],
        vetoes: tuple[VetoFinding, ...],
    ) -> Scorecard | None:
        """The scorecard: the roll-up, then bonus, deductions, bounds and vetoes.

        ``None`` when nothing of the rubric applies to the unit (reported).
        """
        rubric = self.plan.rubric
        if self.waived and rubric.not_applicable.method == "pro_rata":
            rolled = _roll_up_pro_rata(
                self.plan.root,
                results,
                set(self.waived),
                by_total=rubric.not_applicable.level == "total",
            )
            if rolled is None:  # pragma: no cover - reported in scorecard()
                return None
            sections, possible = rolled
            results = {
                key: result
                if key not in possible
                else attrs.evolve(result, possible=possible[key])
                for key, result in results.items()
            }
        else:
            sections = _roll_up(self.plan.root, results)
        base = sections[ROOT].attainment * rubric.total_points
        bonus_claimed = sum((b.points for b in bonus_results), Fraction(0))
        bonus_counted = min(bonus_claimed, rubric.bonus.cap)
        deductions_claimed = sum((d.counted for d in deductions), Fraction(0))
        deductions_counted = (
            deductions_claimed
            if rubric.deduction_cap is None
            else min(deductions_claimed, rubric.deduction_cap)
        )
        total = base + bonus_counted - deductions_counted
        total = max(min(total, rubric.max_total), rubric.floor)
        for finding in vetoes:
            if finding.cap is not None:
                total = min(total, finding.cap)
        return Scorecard(
            unit_id=self.evaluation.unit_id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            base=base,
            bonus_claimed=bonus_claimed,
            bonus_counted=bonus_counted,
            deductions_claimed=deductions_claimed,
            deductions_counted=deductions_counted,
            total=total,
            max_total=rubric.max_total,
            floor=rubric.floor,
            total_points=rubric.total_points,
            sections=sections,
            indicators=results,
            bonus=bonus_results,
            deductions=deductions,
            vetoes=vetoes,
            rounding=rubric.rounding,
            as_of=self.as_of,
        )


def _combine(strategy: Aggregator, raters: Sequence[RaterScore]) -> Fraction:
    """Several raters' points as one, by *strategy*."""
    # The built-in weighted mean, on integers; its checks cannot fail for
    # positive Fraction weights.  Anything else goes through the strategy.
    if type(strategy) is WeightedMean and all(
        type(r.points) is Fraction
        and type(r.weight) is Fraction
        and r.weight.numerator > 0
        for r in raters
    ):
        top, bottom = _sum_terms(
            (
                r.weight.numerator * r.points.numerator,
                r.weight.denominator * r.points.denominator,
            )
            for r in raters
        )
        total_top, total_bottom = _sum_terms(
            (r.weight.numerator, r.weight.denominator) for r in raters
        )
        return Fraction(top * total_bottom, bottom * total_top)
    return strategy([r.points for r in raters], [r.weight for r in raters])


def _roll_up(
    root: _NodePlan, results: Mapping[str, IndicatorScore]
) -> dict[str, SectionScore]:
    out: dict[str, SectionScore] = {}
    # Points of another type (from a custom rule) go through the strategies.
    exact = all(type(result.points) is Fraction for result in results.values())

    def attainment(node: _NodePlan) -> Fraction:
        if exact and node.factors is not None:
            terms = [
                results[child].points if sub is None else attainment(sub)
                for child, sub in zip(node.children, node.subsections, strict=True)
            ]
            if all(type(term) is Fraction for term in terms):
                # A convex combination: within [min, max] of the inputs.
                value = Fraction(
                    *_sum_terms(
                        (top * term.numerator, bottom * term.denominator)
                        for (top, bottom), term in zip(node.factors, terms, strict=True)
                    )
                )
                return record(node, value)
            values = [
                results[child].attainment if sub is None else term
                for child, sub, term in zip(
                    node.children, node.subsections, terms, strict=True
                )
            ]
        else:
            values = [
                results[child].attainment if sub is None else attainment(sub)
                for child, sub in zip(node.children, node.subsections, strict=True)
            ]
        value = node.strategy(values, list(node.shares))
        if not min(values) <= value <= max(values):
            raise InvalidValueError(
                (*item("aggregator", node.strategy.name), "result"),
                _f(value),
                f"must return a value within [min, max] of its inputs "
                f"([{_f(min(values))}, {_f(max(values))}])",
            )
        return record(node, value)

    def record(node: _NodePlan, value: Fraction) -> Fraction:
        out[node.node_id] = SectionScore(
            node.node_id,
            node.title,
            value,
            node.points,
            node.strategy.name,
            node.children,
            node.shares,
        )
        return value

    attainment(root)
    return out


def _roll_up_pro_rata(
    root: _NodePlan,
    results: Mapping[str, IndicatorScore],
    waived: set[str],
    *,
    by_total: bool,
) -> tuple[dict[str, SectionScore], dict[str, Fraction]] | None:
    """The roll-up when some indicators do not apply, pro-rata (按比例折算).

    Each node rolls up only its applicable children, their weights rescaled
    to sum to one.  ``by_total``: a child's weight is its nominal share times
    the part of it that applies, so the total is earned ÷ applicable maximum
    over the whole rubric; otherwise each applicable child keeps its nominal
    share and the section keeps its full weight.  Returns the sections and
    each applicable indicator's effective points (``possible``), or ``None``
    when nothing applies.
    """
    out: dict[str, SectionScore] = {}
    possible: dict[str, Fraction] = {}
    applies: dict[str, Fraction] = {}

    def applicable(node: _NodePlan) -> Fraction:
        """The share of *node*'s nominal points that applies to the unit."""
        value = Fraction(0)
        for child, sub, share in zip(
            node.children, node.subsections, node.shares, strict=True
        ):
            part = Fraction(child not in waived) if sub is None else applicable(sub)
            applies[child] = part
            value += share * part
        applies[node.node_id] = value
        return value

    def left_out(node: _NodePlan) -> None:
        for sub in node.subsections:
            if sub is not None:
                left_out(sub)
        out[node.node_id] = SectionScore(
            node.node_id, node.title, Fraction(0), Fraction(0),
            node.strategy.name, node.children, tuple(Fraction(0) for _ in node.shares),
            applicable=False,
        )  # fmt: skip

    def visit(node: _NodePlan, points: Fraction) -> Fraction:
        weights = [
            (share * applies[child] if by_total else share)
            if applies[child]
            else Fraction(0)
            for child, share in zip(node.children, node.shares, strict=True)
        ]
        whole = sum(weights, Fraction(0))
        shares = tuple(weight / whole for weight in weights)
        values: list[Fraction] = []
        used: list[Fraction] = []
        for child, sub, share in zip(
            node.children, node.subsections, shares, strict=True
        ):
            if not share and not applies[child]:
                if sub is not None:
                    left_out(sub)
                continue
            if sub is None:
                possible[child] = points * share
                values.append(results[child].attainment)
            else:
                values.append(visit(sub, points * share))
            used.append(share)
        value = node.strategy(values, used)
        if not min(values) <= value <= max(values):
            raise InvalidValueError(
                (*item("aggregator", node.strategy.name), "result"),
                _f(value),
                f"must return a value within [min, max] of its inputs "
                f"([{_f(min(values))}, {_f(max(values))}])",
            )
        out[node.node_id] = SectionScore(
            node.node_id, node.title, value, points, node.strategy.name,
            node.children, shares,
        )  # fmt: skip
        return value

    if not applicable(root):
        return None
    visit(root, root.points)
    return out, possible


def _incidents(
    rubric: Rubric,
    evaluation: Evaluation,
    problems: _Problems,
    path: Path,
    later: Callable[[Moment], bool],
) -> tuple[tuple[DeductionScore, ...], tuple[VetoFinding, ...]]:
    deductions = {d.id: d for d in rubric.deductions}
    vetoes = {v.id: v for v in rubric.vetoes}
    by_item: dict[str, list[Incident]] = {}
    for index, incident in enumerate(evaluation.incidents):
        if later(incident.occurred_at):
            continue
        where = (*path, "incidents", index)
        deduction = deductions.get(incident.item_id)
        if deduction is None and incident.item_id not in vetoes:
            problems.add(
                UnknownReferenceError(
                    (*where, "item_id"),
                    incident.item_id,
                    "names no deduction or veto item of the rubric",
                )
            )
            continue
        if (
            deduction is not None
            and deduction.by_category is not None
            and incident.category not in deduction.by_category
        ):
            problems.add(
                InvalidValueError(
                    (*where, "category"),
                    incident.category,
                    f"must be one of {', '.join(deduction.by_category)}",
                )
            )
            continue
        by_item.setdefault(incident.item_id, []).append(incident)
    scores = []
    for deduction in rubric.deductions:
        incidents = _canonical(by_item.get(deduction.id, ()))
        if incidents:
            scores.append(_deduct(deduction, incidents))
    findings = [
        VetoFinding(veto.id, veto.title, _canonical(by_item[veto.id]), veto.cap)
        for veto in rubric.vetoes
        if veto.id in by_item
    ]
    return tuple(scores), tuple(findings)


def _canonical(incidents: Sequence[Incident]) -> tuple[Incident, ...]:
    return tuple(
        sorted(
            incidents,
            key=lambda i: (i.occurred_at.isoformat(), i.category or "", i.note),
        )
    )


def _deduct(deduction: Deduction, incidents: tuple[Incident, ...]) -> DeductionScore:
    if deduction.by_category is not None:
        claimed = sum(
            (deduction.by_category[i.category or ""] for i in incidents), Fraction(0)
        )
    else:
        assert deduction.points is not None  # noqa: S101 - Deduction checks this
        claimed = deduction.points * len(incidents)
    counted = claimed if deduction.cap is None else min(claimed, deduction.cap)
    return DeductionScore(
        deduction.id, deduction.title, incidents, claimed, counted, deduction.cap
    )


def _check_dates(
    evaluation: Evaluation,
    cycle: AssessmentCycle | None,
    problems: _Problems,
    path: Path,
) -> None:
    if cycle is None:
        return
    end = _assessment_end(cycle)
    for index, observation in enumerate(evaluation.observations):
        moment = observation.recorded_at
        if moment is not None and not _in_assessment(cycle, moment, end):
            problems.add(
                OutOfCycleError(
                    (*path, "observations", index, "recorded_at"),
                    moment.isoformat(),
                    f"lies outside the cycle {cycle.label_zh} and its assessment "
                    f"({cycle.start.isoformat()}—{end.isoformat()})",
                )
            )
    dated: list[tuple[Path, Moment]] = [
        ((*path, "activities", i, "occurred_at"), a.occurred_at)
        for i, a in enumerate(evaluation.activities)
    ]
    dated += [
        ((*path, "incidents", i, "occurred_at"), r.occurred_at)
        for i, r in enumerate(evaluation.incidents)
    ]
    for where, moment in dated:
        if not cycle.contains(moment):
            problems.add(
                OutOfCycleError(
                    where,
                    moment.isoformat(),
                    f"lies outside the cycle {cycle.label_zh} "
                    f"({cycle.start.isoformat()}—{cycle.end.isoformat()}); "
                    "file it in the cycle it belongs to",
                )
            )


def _in_assessment(cycle: AssessmentCycle, moment: Moment, end: date) -> bool:
    """Observations may be recorded during the period or its assessment (to *end*).

    Scores are given during the assessment (May of the next year for the
    cross-year cycle), after the period has ended; activities and incidents
    must fall within the period itself.
    """
    return cycle.start <= cycle.local_date(moment) <= end


def _assessment_end(cycle: AssessmentCycle) -> date:
    """The last milestone date of the cycle (the commendation), or its end."""
    return max([cycle.end, *(m.date for m in cycle.milestones)])
