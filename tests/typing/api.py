"""Type-checked, never run: the public API used as users will use it.

mypy --strict checks this file with the package, so a change that breaks a
typical call site fails CI.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import dask.array
import numpy as np
import pandas as pd
from numpy.typing import NDArray

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
from pbcheck.bulk import BulkResult, score_bulk, table_from_evaluations, unsupported
from pbcheck.bulk.dask import score_dask
from pbcheck.errors import InvalidValueError, render
from pbcheck.io.interchange import Results, dumps, load, loads
from pbcheck.io.spreadsheets import ColumnMapping, EvaluationImport, read_evaluations
from pbcheck.model.aggregation import AggregatorRegistry, aggregator
from pbcheck.outcomes.season import Outcomes, assess_outcomes
from pbcheck.report import CycleReport, to_html, to_workbook, write_report
from pbcheck.whatif.simulation import Attainments, Jitter, SimulationResult, simulate

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

# The adapters: documents, spreadsheets, reports, frames, bulk and simulation.


cycle = AssessmentCycle.cross_year(2025)
text: str = dumps(rubric)
again: Rubric = loads(text, "rubric")
# load() is typed by the kind it is asked for, like loads().
read_back: Rubric = load("rubric.toml", "rubric")
loaded_evaluations: tuple[Evaluation, ...] = load("evaluations.json", "evaluations")
read_any: object = load("anything.json")
season: Results = Results.compute(rubric, tree, cycle, [evaluation])
outcomes: Outcomes = assess_outcomes(cards, tree, cycle=cycle)
frame: pd.DataFrame = card.to_frame(numeric="exact")
report_: CycleReport = CycleReport.build(
    cards, outcomes, tree=tree, rubric=rubric, cycle=cycle
)
page: str = to_html(report_, charts=False)
workbook: bytes = to_workbook(report_)
written: tuple[Path, ...] = write_report(report_, "out", formats=("md", "csv"))
imported: EvaluationImport = read_evaluations(
    "scores.csv", rubric, layout="wide", columns=ColumnMapping(unit="单位代码")
)
bulk: BulkResult = score_bulk(rubric, table_from_evaluations(rubric, [evaluation]))
outside_the_layout: list[InvalidValueError] = unsupported(rubric)
on_dask: BulkResult = score_dask(
    rubric, dask.array.zeros((10, 3), chunks=(5, 3)), engine="numpy"
)
attainment: NDArray[np.float64] | None = bulk.attainment
study: SimulationResult = simulate(
    rubric, Attainments.from_bulk(bulk), Jitter(10), samples=10
)

# Rules of one's own travel through files once their class is registered.
from collections.abc import Sequence  # noqa: E402
from typing import ClassVar  # noqa: E402

import attrs  # noqa: E402

from pbcheck.io.interchange import dump  # noqa: E402
from pbcheck.model.rules import (  # noqa: E402
    RULE_ENTRY_POINT_GROUP,
    RuleClass,
    RuleRegistry,
    RuleResult,
    ValueKind,
)


@attrs.frozen
class Nearly:
    value_kind: ClassVar[ValueKind] = "number"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        return ()

    def value_problem(self, value: object, max_points: Fraction) -> str | None:
        return None

    def points(self, value: object, max_points: Fraction) -> RuleResult:
        return RuleResult(max_points, "全覆盖")


rules = RuleRegistry.with_builtins()
rules.register("nearly", Nearly)
rules.register("jiangcheng.nearly", Nearly, replace=True)
added: tuple[str, ...] = rules.load_entry_points(RULE_ENTRY_POINT_GROUP)
tags: tuple[str, ...] = rules.names()
rule_class: RuleClass = rules.class_of("nearly")
tag: str = rules.tag_of(Nearly)
with_rules: str = dumps(rubric, rules=rules)
rubric_again: Rubric = loads(with_rules, "rubric", rules=rules, registry=registry)
from_file: Rubric = load("rubric.toml", "rubric", rules=rules)
written_rubric: Path = dump(rubric, "rubric.json", rules=rules)
