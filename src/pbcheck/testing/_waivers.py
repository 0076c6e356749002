"""Strategies for 合理缺项: evaluations with some indicators marked not applicable."""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from pbcheck.model.evaluation import Evaluation, NotApplicable
from pbcheck.model.rubric import NotApplicablePolicy, Rubric
from pbcheck.testing._rubrics import evaluations_for, rubrics

__all__ = ["not_applicable_policies", "season_with_waivers", "waived"]


def not_applicable_policies() -> st.SearchStrategy[NotApplicablePolicy]:
    """Every 合理缺项 policy: pro-rata over the rubric or the section, or full marks.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(not_applicable_policies())
    ... def check(policy):
    ...     assert policy.method in ("pro_rata", "full_marks")
    >>> check()
    """
    return st.builds(
        NotApplicablePolicy,
        method=st.sampled_from(["pro_rata", "full_marks"]),
        level=st.sampled_from(["total", "section"]),
    )


@st.composite
def waived(
    draw: st.DrawFn, rubric: Rubric, evaluation: Evaluation
) -> tuple[Evaluation, frozenset[str]]:
    """*evaluation* with a drawn set of indicators marked not applicable instead.

    At least one indicator keeps its observations, so something is scored.
    Returns the new evaluation and the ids marked.

    >>> from hypothesis import given, settings
    >>> from pbcheck import score
    >>> from pbcheck.testing import rubric_and_evaluation
    >>> @settings(max_examples=10, database=None, derandomize=True)
    ... @given(
    ...     rubric_and_evaluation().flatmap(
    ...         lambda p: st.tuples(st.just(p[0]), waived(*p))
    ...     )
    ... )
    ... def check(drawn):
    ...     rubric, (evaluation, marked) = drawn
    ...     card = score(rubric, evaluation)
    ...     assert {m.indicator_id for m in card.not_applicable} == marked
    >>> check()
    """
    ids = [indicator.id for indicator in rubric.indicators() if indicator.waivable]
    if len(ids) < 2:  # keep one indicator to score
        return evaluation, frozenset()
    marked = frozenset(
        draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids) - 1))
    )
    return (
        attrs.evolve(
            evaluation,
            observations=[
                o for o in evaluation.observations if o.indicator_id not in marked
            ],
            not_applicable=[
                NotApplicable(indicator_id, f"本单位无 {indicator_id} 相关职能")
                for indicator_id in sorted(marked)
            ],
        ),
        marked,
    )


@st.composite
def season_with_waivers(
    draw: st.DrawFn,
) -> tuple[Rubric, Evaluation, Evaluation, frozenset[str]]:
    """A rubric (any 合理缺项 policy), an evaluation, and the same with waivers.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(season_with_waivers())
    ... def check(drawn):
    ...     rubric, plain, marked, ids = drawn
    ...     assert len(marked.not_applicable) == len(ids)
    >>> check()
    """
    rubric = draw(rubrics())
    rubric = attrs.evolve(rubric, not_applicable=draw(not_applicable_policies()))
    evaluation = draw(evaluations_for(rubric))
    marked, ids = draw(waived(rubric, evaluation))
    return rubric, evaluation, marked, ids
