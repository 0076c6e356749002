"""The results document's object: everything a report needs, in one value."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from pbcheck.cycle import AssessmentCycle
from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.evaluation import Evaluation
from pbcheck.org import OrgTree
from pbcheck.outcomes import OutcomePolicy, Outcomes, assess_outcomes
from pbcheck.rubric import Rubric
from pbcheck.scoring import Scorecard, score_all

__all__ = ["Results"]


def _cards(value: Iterable[Scorecard]) -> tuple[Scorecard, ...]:
    return tuple(value)


@attrs.frozen
class Results:
    """A scored season, self-contained: what was scored, how, and what came out.

    A results document embeds the rubric, the org tree and the cycle it was
    computed from, so that a report can be produced from that one file.

    Args:
        rubric: the rubric the scorecards were computed with.
        tree: the org tree (series and liaison groups).
        cycle: the assessment cycle.
        scorecards: one per unit.
        outcomes: rankings, grades, commendation and bottom lists.

    Construction checks that the parts belong together: every scorecard
    names a unit of the tree once and was computed with this rubric, and the
    outcomes rank exactly the scored units.

    >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
    >>> from pbcheck.examples import example_evaluations
    >>> results = Results.compute(
    ...     example_rubric(),
    ...     example_tree(),
    ...     example_cycle(2025),
    ...     example_evaluations(2025),
    ... )
    >>> len(results.scorecards), results.outcomes.overall.entries[0].rank
    (90, 1)
    """

    rubric: Rubric
    tree: OrgTree
    cycle: AssessmentCycle
    scorecards: tuple[Scorecard, ...] = attrs.field(converter=_cards)
    outcomes: Outcomes

    def __attrs_post_init__(self) -> None:
        problems = _Problems("inconsistent results")
        seen: set[str] = set()
        for index, card in enumerate(self.scorecards):
            path = f"results.scorecards[{index}]"
            if not isinstance(card, Scorecard):
                problems.add(InvalidTypeError(path, card, "must be a Scorecard"))
                continue
            if card.unit_id in seen:
                problems.add(
                    DuplicateIdError(
                        f"{path}.unit_id", card.unit_id, "has two scorecards"
                    )
                )
            seen.add(card.unit_id)
            if card.unit_id not in self.tree:
                problems.add(
                    UnknownReferenceError(
                        f"{path}.unit_id", card.unit_id, "names no unit in the org tree"
                    )
                )
            if (card.rubric_id, card.rubric_version) != (
                self.rubric.id,
                self.rubric.version,
            ):
                problems.add(
                    UnknownReferenceError(
                        f"{path}.rubric_id",
                        f"{card.rubric_id} {card.rubric_version}",
                        f"must be the embedded rubric {self.rubric.id} "
                        f"{self.rubric.version}",
                    )
                )
        for index, entry in enumerate(self.outcomes.overall.entries):
            if entry.unit_id not in seen:
                problems.add(
                    UnknownReferenceError(
                        f"results.outcomes.overall.entries[{index}].unit_id",
                        entry.unit_id,
                        "names no scored unit",
                    )
                )
        ranked = {entry.unit_id for entry in self.outcomes.overall.entries}
        for index, card in enumerate(self.scorecards):
            if isinstance(card, Scorecard) and card.unit_id not in ranked:
                problems.add(
                    UnknownReferenceError(
                        f"results.scorecards[{index}].unit_id",
                        card.unit_id,
                        "is missing from the outcomes' overall ranking",
                    )
                )
        problems.raise_if_any()

    @classmethod
    def compute(
        cls,
        rubric: Rubric,
        tree: OrgTree,
        cycle: AssessmentCycle,
        evaluations: Iterable[Evaluation],
        policy: OutcomePolicy | None = None,
    ) -> Results:
        """Score *evaluations* and assess the outcomes: a whole season in one call.

        The scorecards are kept in the org tree's order, so the season (and its
        results document) does not depend on the order of the evaluations.

        Raises:
            ValidationError: every problem of the evaluations, as
                :func:`~pbcheck.score_all` reports them.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> Results.compute(
        ...     example_rubric(), example_tree(), example_cycle(), ()
        ... ).scorecards
        ()
        """
        scored = score_all(rubric, evaluations, tree=tree, cycle=cycle)
        # score_all with a tree refuses units outside it, so every card has a place.
        place = {unit.id: index for index, unit in enumerate(tree)}
        cards = tuple(sorted(scored, key=lambda card: place[card.unit_id]))
        outcomes = assess_outcomes(cards, tree, policy, cycle=cycle)
        return cls(rubric, tree, cycle, cards, outcomes)

    def scorecard(self, unit_id: str) -> Scorecard:
        """The scorecard of *unit_id*; :class:`KeyError` if there is none.

        >>> from pbcheck.examples import example_cycle, example_rubric, example_tree
        >>> from pbcheck.examples import example_evaluations
        >>> results = Results.compute(
        ...     example_rubric(),
        ...     example_tree(),
        ...     example_cycle(2024),
        ...     example_evaluations(2024)[:3],
        ... )
        >>> results.scorecard("ZF01").unit_id
        'ZF01'
        """
        for card in self.scorecards:
            if card.unit_id == unit_id:
                return card
        raise KeyError(unit_id)


def _evaluations(value: Iterable[Evaluation]) -> tuple[Evaluation, ...]:
    return tuple(value)


@attrs.frozen
class EvaluationsForm:
    """The body of an evaluations document: one evaluation per unit."""

    evaluations: tuple[Evaluation, ...] = attrs.field(converter=_evaluations)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid evaluations")
        first: dict[str, int] = {}
        for index, evaluation in enumerate(self.evaluations):
            if evaluation.unit_id in first:
                problems.add(
                    DuplicateIdError(
                        f"evaluations[{index}].unit_id",
                        evaluation.unit_id,
                        f"is already evaluated at $.evaluations[{first[evaluation.unit_id]}]",
                    )
                )
            else:
                first[evaluation.unit_id] = index
        problems.raise_if_any()
