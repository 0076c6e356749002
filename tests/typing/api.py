"""Type-checked, never run: the public API used as users will use it.

mypy --strict checks this file with the package, so a change that breaks a
typical call site fails CI.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pbcheck
from pbcheck import (
    AssessmentCycle,
    DirectScore,
    Evaluation,
    Explanation,
    Indicator,
    Observation,
    OrgTree,
    OrgUnit,
    PassFail,
    Rubric,
    Scorecard,
    Section,
    TrimmedMean,
    ValidationError,
    score,
    score_all,
)
from pbcheck.aggregation import AggregatorRegistry, aggregator
from pbcheck.errors import render

rubric = Rubric(
    "r",
    "2025",
    "细则",
    [
        Section(
            "A",
            "常规工作",
            100,
            indicators=[Indicator("a", "指标", 100, DirectScore())],
        )
    ],
    rater_aggregator=TrimmedMean(k=1),
)
tree = OrgTree([OrgUnit("u", "单位", "branch")])
evaluation = Evaluation(
    "u", [Observation("a", "85.5", rater="甲", recorded_at=date(2026, 5, 1))]
)
card: Scorecard = score(rubric, evaluation, cycle=AssessmentCycle.cross_year(2025))
cards: tuple[Scorecard, ...] = score_all(rubric, [evaluation], tree=tree)
total: Fraction = card.total
shown: Decimal = card.rounded_total
why: Explanation = card.explain("A")
lines: list[str] = why.lines()


@aggregator("best", monotone=True)
def best(values: object, weights: object) -> Fraction:
    return Fraction(1)


registry = AggregatorRegistry.with_builtins()
registry.register("best", lambda: best)

try:
    Indicator("x", "指标", 1, PassFail())
except ValidationError as exc:
    report: list[str] = render(exc)
    paths = [problem.path for problem in exc.problems]

version: str = pbcheck.__version__
