"""The body of an evaluations document, checked as a whole."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from pbcheck.errors import DOCUMENT, DuplicateIdError, _Problems, render_path
from pbcheck.model.evaluation import Evaluation

__all__ = ["EvaluationsForm"]


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
                # The body is the document: the earlier place is in the same file.
                earlier = render_path(
                    (DOCUMENT, "evaluations", first[evaluation.unit_id])
                )
                problems.add(
                    DuplicateIdError(
                        ("evaluations", index, "unit_id"),
                        evaluation.unit_id,
                        f"is already evaluated at {earlier}",
                    )
                )
            else:
                first[evaluation.unit_id] = index
        problems.raise_if_any()
