"""What the what-if modules share: the top-level weights, and the checks of a study.

Every what-if study moves only the *top-level* weights, so each needs the
same few facts about them — the basis they are written in, each section's
share of the total — and the sweep and the simulation refuse the same
rubrics, policies and scorecards.  They live here, once.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    DuplicateIdError,
    InvalidValueError,
    UnknownReferenceError,
    _Problems,
    member,
)
from pbcheck.model.aggregation import WeightedMean, WeightedSum
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.ranking import RankingPolicy
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.scoring.scorecard import Scorecard

__all__ = [
    "STUDY_POLICY",
    "basis",
    "check_cards",
    "check_policy",
    "check_top_level",
    "not_affine",
    "overall",
    "shares",
]


#: The outcome rules a weight study applies when given none: the defaults of
#: :class:`~pbcheck.OutcomePolicy`, except that totals are compared exactly.
#: A study asks at which weight two totals cross; compared as published (to
#: two places) every crossing would widen into an interval of weights.
STUDY_POLICY = OutcomePolicy(ranking=RankingPolicy(basis="exact"))


def basis(rubric: Rubric) -> Fraction:
    """What the top-level weights sum to: the total points, or 100 for percent.

    >>> from pbcheck.examples.small import two_section_example
    >>> basis(two_section_example()[0])
    Fraction(100, 1)
    """
    return rubric.total_points if rubric.weighting == "points" else Fraction(100)


def shares(rubric: Rubric) -> list[Fraction]:
    """The top-level sections' shares of the total, in order, summing to 1.

    >>> from pbcheck.examples.small import two_section_example
    >>> shares(two_section_example()[0])
    [Fraction(7, 10), Fraction(3, 10)]
    """
    return [rubric.points_of(s.id) / rubric.total_points for s in rubric.sections]


def check_top_level(rubric: Rubric) -> None:
    """Refuse a rubric whose totals are not affine in its top-level weights.

    Raises:
        InvalidValueError: the top level is not a weighted sum (or mean).
    """
    if not isinstance(rubric.aggregator, WeightedSum | WeightedMean):
        raise InvalidValueError(
            ("rubric", "aggregator"),
            rubric.aggregator.name,
            "the top level must be a weighted sum (or mean): otherwise totals are "
            "not affine in the weights",
        )


def overall(policy: OutcomePolicy) -> bool:
    """Whether the lists are decided over all units rather than per series."""
    return "all" in (policy.bottom.group_by, policy.commendation.group_by)


def check_policy(policy: OutcomePolicy, *, same_groups: bool = False) -> None:
    """Refuse outcome rules that need more than totals (ratings, rounded ties).

    Args:
        policy: the rules to check.
        same_groups: also require both lists to be decided in the same
            groups (the simulation decides them in one pass per group).

    Raises:
        ValidationError: every rule that cannot be studied, at once.
    """
    problems = _Problems("outcome policy not supported by the simulation")
    bottom, commendation = policy.bottom.group_by, policy.commendation.group_by
    if same_groups and bottom != commendation:
        problems.add(
            InvalidValueError(
                ("policy", "commendation", "group_by"),
                commendation,
                f"must equal policy.bottom.group_by ({bottom!r}): the simulation "
                "decides both lists in the same groups",
            )
        )
    if policy.ranking.basis != "exact":
        problems.add(
            InvalidValueError(
                ("policy", "ranking", "basis"),
                policy.ranking.basis,
                "weight studies compare totals exactly (a crossing of published "
                "totals is an interval of weights); use basis='exact'",
            )
        )
    if policy.commendation.min_rating is not None:
        problems.add(
            InvalidValueError(
                ("policy", "commendation", "min_rating"),
                _f(policy.commendation.min_rating),
                "the simulation has no democratic ratings; leave it None",
            )
        )
    problems.raise_if_any()


def check_cards(rubric: Rubric, cards: Sequence[Scorecard], tree: OrgTree) -> None:
    """Refuse scorecards of another rubric, given twice, or of units not in *tree*.

    Raises:
        ValidationError: every such scorecard, at once.
    """
    problems = _Problems("invalid scorecards for simulation")
    seen: set[str] = set()
    for index, card in enumerate(cards):
        # A repeated unit id would name the first scorecard: the repeat is
        # named by its position.
        path = (
            "scorecards",
            index if card.unit_id in seen else member(index, card.unit_id),
        )
        if (card.rubric_id, card.rubric_version) != (rubric.id, rubric.version):
            problems.add(
                InvalidValueError(
                    (*path, "rubric_id"),
                    f"{card.rubric_id} {card.rubric_version}",
                    f"must come from rubric {rubric.id} {rubric.version}",
                )
            )
        if card.unit_id in seen:
            problems.add(
                DuplicateIdError((*path, "unit_id"), card.unit_id, "has two scorecards")
            )
        seen.add(card.unit_id)
        if not_affine(rubric, card):
            problems.add(
                InvalidValueError(
                    (*path, "not_applicable"),
                    [marker.indicator_id for marker in card.not_applicable],
                    "has 合理缺项 pro-rated across top-level sections, so its total "
                    "is not linear in the top-level weights; re-score with "
                    "pbcheck.whatif.reweight.what_if instead",
                )
            )
        if card.unit_id not in tree:
            problems.add(
                UnknownReferenceError(
                    (*path, "unit_id"), card.unit_id, "names no unit in the org tree"
                )
            )
    problems.raise_if_any()


def not_affine(rubric: Rubric, card: Scorecard) -> bool:
    """Whether *card*'s 合理缺项 make its total non-linear in the top-level weights.

    Pro-rata over the whole rubric divides by the applicable share of every
    top-level section, and a top-level section none of whose indicators apply
    hands its weight to the others; both move with the weights.  Full marks,
    and pro-rata within a section that still applies, do not.
    """
    if not card.not_applicable or rubric.not_applicable.method == "full_marks":
        return False
    if rubric.not_applicable.level == "total":
        return True
    return not all(card.sections[s.id].applicable for s in rubric.sections)
