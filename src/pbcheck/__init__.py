"""pbcheck: exact, explainable party-building work-responsibility assessment.

党建工作责任制考核 — org units, indicators, weighted rubrics, evaluations and the
cross-year May-to-April assessment cycle.

The public API has two tiers:

* **This top level** holds the pipeline's verbs and nouns — what a season
  needs from definitions to outcomes: the model's types (:class:`OrgUnit`,
  :class:`Rubric`, :class:`Evaluation`, :class:`AssessmentCycle`, the rules
  and aggregators), the verbs (:func:`score_all`, :func:`rank`,
  :func:`grade`, :func:`assess_outcomes`, …) **and every type those verbs
  return** (:class:`Scorecard`, :class:`Ranking`, :class:`Grades`,
  :class:`Outcomes`, :class:`Results`, …), and the root errors.
* **Topic namespaces** hold the rest, grouped by pipeline stage:
  :mod:`pbcheck.model`, :mod:`pbcheck.scoring`, :mod:`pbcheck.outcomes`,
  :mod:`pbcheck.whatif`, :mod:`pbcheck.bulk`, :mod:`pbcheck.io`,
  :mod:`pbcheck.report`, :mod:`pbcheck.views`, plus :mod:`pbcheck.errors`,
  :mod:`pbcheck.testing` (hypothesis strategies) and :mod:`pbcheck.examples`
  (example data).  A name of the top level is the same object as in its
  namespace; adapters (files, reports, bulk arrays) are imported from their
  namespace only, so ``import pbcheck`` needs no optional extra.

One season of the bundled example, from records to ranked results:

>>> import pbcheck
>>> from pbcheck.examples import example_cycle, example_evaluations, example_rubrics
>>> cards = pbcheck.score_all(
...     example_rubrics(), example_evaluations(2025), cycle=example_cycle(2025)
... )
>>> len(cards), cards[0].unit_id, cards[0].rounded_total
(86, 'ZF01', Decimal('95.79'))
"""

from pbcheck._numbers import Exact, RoundingPolicy, format_exact, to_exact
from pbcheck._version import __version__
from pbcheck.errors import PbcheckError, ValidationError
from pbcheck.model.aggregation import (
    Aggregator,
    AggregatorRegistry,
    FunctionAggregator,
    GeometricMean,
    Median,
    Minimum,
    TrimmedMean,
    WeightedMean,
    WeightedSum,
    aggregator,
)
from pbcheck.model.cycle import AssessmentCycle, CycleCalendar, Milestone, SubPeriod
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Evidence,
    Incident,
    NotApplicable,
    Observation,
    Source,
)
from pbcheck.model.frequency import Frequency, FrequencyOutcome
from pbcheck.model.org import (
    SERIES_GOVERNMENT,
    SERIES_PARTY_MASS,
    SERIES_VERTICAL,
    OrgTree,
    OrgUnit,
    ResponsiblePerson,
    Role,
    UnitKind,
)
from pbcheck.model.rubric import (
    BonusPool,
    Deduction,
    Indicator,
    NotApplicablePolicy,
    Rubric,
    Section,
    Veto,
)
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import (
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    RuleRegistry,
    Tiers,
)
from pbcheck.outcomes.grading import Grades, GradeTier, GradingPolicy, grade
from pbcheck.outcomes.history import (
    EscalationAction,
    EscalationPolicy,
    History,
    escalations,
)
from pbcheck.outcomes.ranking import Quota, Ranking, RankingPolicy, rank, rank_within
from pbcheck.outcomes.rating import RatingPolicy, RatingResult, RatingScale, tally
from pbcheck.outcomes.season import OutcomePolicy, Outcomes, Results, assess_outcomes
from pbcheck.outcomes.selection import (
    AccountabilityRecord,
    BottomList,
    BottomPolicy,
    CommendationList,
    CommendationPolicy,
    bottom_list,
    commendation_list,
)
from pbcheck.scoring.audit import AuditEntry, AuditStatus, AuditTrail, audit_trail
from pbcheck.scoring.engine import score, score_all
from pbcheck.scoring.scorecard import Explanation, Scorecard
from pbcheck.scoring.self_assessment import SelfAssessmentGaps, self_assessment_gaps

__all__ = [
    "SERIES_GOVERNMENT",
    "SERIES_PARTY_MASS",
    "SERIES_VERTICAL",
    "AccountabilityRecord",
    "Activity",
    "Aggregator",
    "AggregatorRegistry",
    "AssessmentCycle",
    "AuditEntry",
    "AuditStatus",
    "AuditTrail",
    "BonusPool",
    "BottomList",
    "BottomPolicy",
    "CommendationList",
    "CommendationPolicy",
    "CountAtLeast",
    "CycleCalendar",
    "Deduction",
    "DeductionPerOccurrence",
    "DirectScore",
    "EscalationAction",
    "EscalationPolicy",
    "Evaluation",
    "Evidence",
    "Exact",
    "Explanation",
    "Frequency",
    "FrequencyOutcome",
    "FunctionAggregator",
    "GeometricMean",
    "GradeTier",
    "Grades",
    "GradingPolicy",
    "History",
    "Incident",
    "Indicator",
    "Median",
    "Milestone",
    "Minimum",
    "NotApplicable",
    "NotApplicablePolicy",
    "Observation",
    "OrgTree",
    "OrgUnit",
    "OutcomePolicy",
    "Outcomes",
    "PassFail",
    "PbcheckError",
    "PointsPerOccurrence",
    "Quota",
    "Ranking",
    "RankingPolicy",
    "RatingPolicy",
    "RatingResult",
    "RatingScale",
    "RatioToTarget",
    "ResponsiblePerson",
    "Results",
    "Role",
    "RoundingPolicy",
    "Rubric",
    "RubricSet",
    "RuleRegistry",
    "Scorecard",
    "Section",
    "SelfAssessmentGaps",
    "Source",
    "SubPeriod",
    "Tiers",
    "TrimmedMean",
    "UnitKind",
    "ValidationError",
    "Veto",
    "WeightedMean",
    "WeightedSum",
    "__version__",
    "aggregator",
    "assess_outcomes",
    "audit_trail",
    "bottom_list",
    "commendation_list",
    "escalations",
    "format_exact",
    "grade",
    "rank",
    "rank_within",
    "score",
    "score_all",
    "self_assessment_gaps",
    "tally",
    "to_exact",
]
