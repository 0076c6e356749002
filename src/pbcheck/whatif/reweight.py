"""What-if analysis (权重模拟): how outcomes move when the weights move.

* :func:`reweight` builds a new :class:`~pbcheck.Rubric` with other top-level
  section weights (e.g. 60/40 instead of 70/30).  With ``"points"``
  weighting every section below is rescaled in proportion, so the rubric
  stays valid; the new top-level weights themselves must sum exactly to
  their basis unless ``normalise=True`` is asked for.
* :func:`what_if` re-scores a season under the new weights and
  :func:`compare_outcomes` reports what changed: ranks, grades, the
  commendation and bottom lists.
* :func:`swap_point` finds, for a rubric of two top-level sections, the
  exact weight at which two units tie — past it their order swaps.  A
  weighted-sum total is linear in the first section's share ``s``::

      total(s) = T × (s × a₁ + (1 − s) × a₂) + bonus − deductions

  (``aᵢ`` the section attainments, ``T`` the total points), so the
  difference of two units is linear too and its root is solved with
  :class:`~fractions.Fraction`, exactly.  It is refused where the total is
  not linear: another roll-up aggregator, a total held at the floor or the
  maximum, or a capping veto.

>>> from pbcheck.examples.small import org_tree
>>> rubric, evaluations = two_section_example()
>>> tree = org_tree({"政府工作部门": ["a", "b"]})
>>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
>>> [(c.unit_id, c.before, c.after) for c in report.rank_changes]
[('a', 1, 2), ('b', 2, 1)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    InvalidValueError,
    InvalidWeightsError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.aggregation import WeightedMean, WeightedSum
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.rating import RatingResult
from pbcheck.outcomes.season import OutcomePolicy, Outcomes, assess_outcomes
from pbcheck.outcomes.selection import AccountabilityRecord
from pbcheck.scoring.engine import score_all
from pbcheck.scoring.scorecard import Scorecard

__all__ = [
    "Change",
    "SwapPoint",
    "WhatIf",
    "compare_outcomes",
    "reweight",
    "swap_point",
    "what_if",
]


def reweight(
    rubric: Rubric, weights: Mapping[str, Exact], *, normalise: bool = False
) -> Rubric:
    """A copy of *rubric* with new top-level section weights.

    Args:
        rubric: the rubric to vary.
        weights: top-level section id → new weight, for every top-level
            section.
        normalise: rescale *weights* to their basis first (``6 / 4`` →
            ``60 / 40``); otherwise they must sum to it exactly.

    Raises:
        ValidationError: an unknown or missing section, a weight that is not
            an exact non-negative number, or weights not summing to the basis.

    >>> rubric, _ = two_section_example()
    >>> [
    ...     s.weight
    ...     for s in reweight(rubric, {"常规": 6, "服务": 4}, normalise=True).sections
    ... ]
    [Fraction(60, 1), Fraction(40, 1)]
    """
    problems = _Problems("invalid weights for what-if")
    known = {section.id for section in rubric.sections}
    new: dict[str, Fraction] = {}
    for section_id, value in weights.items():
        path = f"weights[{section_id}]"
        if section_id not in known:
            problems.add(
                UnknownReferenceError(path, section_id, "is not a top-level section")
            )
            continue
        try:
            weight = to_exact(value, path)
        except Problem as problem:
            problems.add(problem)
            continue
        if weight < 0:
            problems.add(InvalidWeightsError(path, value, "must be ≥ 0"))
        new[section_id] = weight
    for section_id in sorted(known - set(weights)):
        problems.add(
            InvalidWeightsError(
                f"weights[{section_id}]",
                None,
                "is missing: give every top-level section",
            )
        )
    problems.raise_if_any()
    basis = rubric.total_points if rubric.weighting == "points" else Fraction(100)
    total = sum(new.values(), Fraction(0))
    if not normalise and total != basis:
        problems.add(
            InvalidWeightsError(
                "weights",
                {k: _f(v) for k, v in new.items()},
                f"must sum to exactly {_f(basis)} (they sum to {_f(total)}); "
                "pass normalise=True to rescale them",
            )
        )
    problems.raise_if_any()
    fields: dict[str, Any] = {
        field.name: getattr(rubric, field.name)
        for field in attrs.fields(Rubric)
        if field.init
    }
    fields["sections"] = tuple(
        attrs.evolve(section, weight=new[section.id]) for section in rubric.sections
    )
    return Rubric.normalising(**fields)


@attrs.frozen
class Change:
    """One unit's value before and after (a rank, a grade, a list membership).

    >>> from pbcheck.examples.small import org_tree
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
    >>> report.rank_changes[0]
    Change(unit_id='a', group='政府工作部门', before=1, after=2)
    """

    unit_id: str
    group: str
    before: Any
    after: Any


@attrs.frozen
class WhatIf:
    """Two seasons' outcomes side by side, and what changed between them.

    Args:
        baseline: outcomes under the current rubric.
        alternative: outcomes under the varied rubric.
        rank_changes: units whose rank within their series changed.
        grade_changes: units whose grade changed.
        commended_added: units commended only under the alternative.
        commended_removed: units commended only under the baseline.
        bottom_added: units at the bottom only under the alternative.
        bottom_removed: units at the bottom only under the baseline.

    >>> from pbcheck.examples.small import org_tree
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> report = what_if(rubric, evaluations, {"常规": 60, "服务": 40}, tree=tree)
    >>> for line in report.lines():
    ...     print(line)
    权重模拟：与基准相比的变化
      排名 政府工作部门 a：第 1 名 → 第 2 名
      排名 政府工作部门 b：第 2 名 → 第 1 名
    ...
    """

    baseline: Outcomes
    alternative: Outcomes
    rank_changes: tuple[Change, ...]
    grade_changes: tuple[Change, ...]
    commended_added: tuple[str, ...]
    commended_removed: tuple[str, ...]
    bottom_added: tuple[str, ...]
    bottom_removed: tuple[str, ...]

    def lines(self) -> list[str]:
        """Plain text: every change, one per line."""
        out = ["权重模拟：与基准相比的变化"]
        out.extend(
            f"  排名 {c.group} {c.unit_id}：第 {c.before} 名 → 第 {c.after} 名"
            for c in self.rank_changes
        )
        out.extend(
            f"  等次 {c.group} {c.unit_id}：{c.before} → {c.after}"
            for c in self.grade_changes
        )
        for label, ids in (
            ("新增表彰", self.commended_added),
            ("不再表彰", self.commended_removed),
            ("新增后位", self.bottom_added),
            ("不再后位", self.bottom_removed),
        ):
            if ids:
                out.append(f"  {label}：{'、'.join(ids)}")
        if len(out) == 1:
            out.append("  无变化")
        return out


def compare_outcomes(baseline: Outcomes, alternative: Outcomes) -> WhatIf:
    """What changed from *baseline* to *alternative* (same units and tree).

    >>> from pbcheck.outcomes.season import assess_outcomes
    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a", "b"]})
    >>> one = assess_outcomes(scorecards({"a": 90, "b": 80}), tree)
    >>> two = assess_outcomes(scorecards({"a": 79, "b": 80}), tree)
    >>> compare_outcomes(one, two).lines()[1:]
    ['  排名 党群部门 a：第 1 名 → 第 2 名', '  排名 党群部门 b：第 2 名 → 第 1 名', '  等次 党群部门 a：好 → 一般', '  新增后位：a', '  不再后位：b']
    """
    before = {e.unit_id: (g, e.rank) for g, t in baseline.rankings.items() for e in t}
    after = {e.unit_id: (g, e.rank) for g, t in alternative.rankings.items() for e in t}
    rank_changes = tuple(
        Change(uid, group, rank, after[uid][1])
        for uid, (group, rank) in before.items()
        if uid in after and after[uid][1] != rank
    )
    grade_changes = []
    for result in baseline.grades:
        try:
            other = alternative.grades.of(result.unit_id)
        except KeyError:
            continue
        if other.label != result.label:
            grade_changes.append(
                Change(result.unit_id, result.group, result.label, other.label)
            )

    def diff(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(uid for uid in first if uid not in second)

    return WhatIf(
        baseline,
        alternative,
        rank_changes,
        tuple(grade_changes),
        diff(alternative.commendation.unit_ids, baseline.commendation.unit_ids),
        diff(baseline.commendation.unit_ids, alternative.commendation.unit_ids),
        diff(alternative.bottom.unit_ids, baseline.bottom.unit_ids),
        diff(baseline.bottom.unit_ids, alternative.bottom.unit_ids),
    )


def what_if(  # noqa: PLR0913 - every input of the decision is named
    rubric: Rubric,
    evaluations: Iterable[Evaluation],
    weights: Mapping[str, Exact],
    *,
    tree: OrgTree,
    policy: OutcomePolicy | None = None,
    cycle: AssessmentCycle | None = None,
    normalise: bool = False,
    ratings: Mapping[str, RatingResult] | None = None,
    accountability: Iterable[AccountabilityRecord] = (),
) -> WhatIf:
    """Score a season under *rubric* and under new top-level *weights*; compare.

    See :func:`reweight` for *weights* and *normalise*, and
    :func:`~pbcheck.outcomes.season.assess_outcomes` for the other arguments.

    >>> from pbcheck.examples.small import org_tree
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> what_if(rubric, evaluations, {"常规": 70, "服务": 30}, tree=tree).lines()
    ['权重模拟：与基准相比的变化', '  无变化']
    """
    items = tuple(evaluations)
    records = tuple(accountability)
    varied = reweight(rubric, weights, normalise=normalise)
    outcomes = []
    for current in (rubric, varied):
        cards = score_all(current, items, tree=tree, cycle=cycle)
        outcomes.append(
            assess_outcomes(
                cards,
                tree,
                policy,
                ratings=ratings,
                accountability=records,
                cycle=cycle,
            )
        )
    return compare_outcomes(outcomes[0], outcomes[1])


@attrs.frozen
class SwapPoint:
    """Where two units tie as the first top-level section's weight moves.

    Args:
        first: the unit ranked higher now (or the first given, if tied).
        second: the other unit.
        section_id: the first top-level section, whose weight is varied (the
            second takes the rest).
        current_weight: its weight now.
        tie_weight: the weight at which both totals are equal, or ``None``
            when there is none within ``[0, basis]``.
        reason: the answer in words, or why there is none.

    >>> rubric, evaluations = two_section_example()
    >>> a, b = score_all(rubric, evaluations)
    >>> point = swap_point(rubric, a, b)
    >>> point.current_weight, point.tie_weight, point.change
    (Fraction(70, 1), Fraction(65, 1), Fraction(-5, 1))
    """

    first: str
    second: str
    section_id: str
    current_weight: Fraction
    tie_weight: Fraction | None
    reason: str

    @property
    def change(self) -> Fraction | None:
        """``tie_weight − current_weight``: the smallest change that ties them."""
        if self.tie_weight is None:
            return None
        return self.tie_weight - self.current_weight


def _linear(card: Scorecard) -> str | None:
    """Why *card*'s total is not linear in the weights, or ``None``."""
    if any(finding.cap is not None for finding in card.vetoes):
        return f"{card.unit_id} 有封顶的否决项"
    if card.total != card.base + card.bonus_counted - card.deductions_counted:
        return f"{card.unit_id} 的总分受上下限约束"
    return None


def swap_point(rubric: Rubric, first: Scorecard, second: Scorecard) -> SwapPoint:
    """The exact weight at which *first* and *second* tie; see the module.

    Both scorecards must come from *rubric*, which must have exactly two
    top-level sections rolled up by a weighted sum (or mean).

    Raises:
        InvalidValueError: the rubric has not two top-level sections, or
            another top-level aggregator.

    >>> rubric, evaluations = two_section_example()
    >>> a, b = score_all(rubric, evaluations)
    >>> point = swap_point(rubric, a, b)
    >>> point.tie_weight, point.change
    (Fraction(65, 1), Fraction(-5, 1))
    >>> print(point.reason)
    “常规工作”权重为 65 时 a 与 b 总分相同（现为 70）；降低到 65 以下，b 排在 a 之前
    """
    if len(rubric.sections) != 2:
        raise InvalidValueError(
            "rubric.sections",
            [s.id for s in rubric.sections],
            "swap_point needs exactly two top-level sections",
        )
    if not isinstance(rubric.aggregator, WeightedSum | WeightedMean):
        raise InvalidValueError(
            "rubric.aggregator",
            rubric.aggregator.name,
            "swap_point needs a weighted sum (or mean) at the top level",
        )
    one, two = rubric.sections
    points = rubric.total_points
    basis = points if rubric.weighting == "points" else Fraction(100)
    share_now = rubric.points_of(one.id) / points
    current = share_now * basis
    if (second.total, second.base) > (first.total, first.base):
        first, second = second, first
    name = f"“{one.title}”权重"

    def answer(tie: Fraction | None, reason: str) -> SwapPoint:
        return SwapPoint(first.unit_id, second.unit_id, one.id, current, tie, reason)

    for card in (first, second):
        why = _linear(card)
        if why is not None:
            return answer(None, f"{why}，总分不随权重线性变化，无法精确求解")

    def coefficients(card: Scorecard) -> tuple[Fraction, Fraction]:
        a1 = card.sections[one.id].attainment
        a2 = card.sections[two.id].attainment
        adjust = card.bonus_counted - card.deductions_counted
        return points * (a1 - a2), points * a2 + adjust

    slope_a, level_a = coefficients(first)
    slope_b, level_b = coefficients(second)
    slope, level = slope_a - slope_b, level_a - level_b
    if slope == 0:
        return answer(
            None,
            f"{first.unit_id} 与 {second.unit_id} 的分差不随{name}变化"
            f"（恒为 {_f(level)}），任何权重下都不会交换",
        )
    share = -level / slope
    if not 0 <= share <= 1:
        return answer(
            None,
            f"两者总分相等需要{name}为 {_f(share * basis)}，超出 [0, {_f(basis)}]，"
            "在可行权重内不会交换",
        )
    for card, (card_slope, card_level) in (
        (first, (slope_a, level_a)),
        (second, (slope_b, level_b)),
    ):
        at_tie = card_slope * share + card_level
        if not card.floor <= at_tie <= card.max_total:
            return answer(
                None, f"在交换点 {card.unit_id} 的总分会触及上下限，无法精确求解"
            )
    tie = share * basis
    direction = "提高到" if tie > current else "降低到"
    side = "以上" if tie > current else "以下"
    return answer(
        tie,
        f"{name}为 {_f(tie)} 时 {first.unit_id} 与 {second.unit_id} 总分相同"
        f"（现为 {_f(current)}）；{direction} {_f(tie)} {side}，"
        f"{second.unit_id} 排在 {first.unit_id} 之前",
    )
