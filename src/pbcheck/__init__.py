"""pbcheck: exact, explainable party-building work-responsibility assessment.

党建工作责任制考核 — org units, indicators, weighted rubrics, evaluations and the
cross-year May-to-April assessment cycle.

Everything public is importable from here; topical modules
(:mod:`pbcheck.model.aggregation`, :mod:`pbcheck.errors`, :mod:`pbcheck.model.rules`,
:mod:`pbcheck.testing`, …) hold the same names grouped by subject.

One season of the bundled example, from records to ranked results:

>>> import pbcheck
>>> from pbcheck.examples import example_cycle, example_evaluations, example_rubric
>>> cards = pbcheck.score_all(
...     example_rubric(), example_evaluations(2025), cycle=example_cycle(2025)
... )
>>> len(cards), cards[0].unit_id, cards[0].rounded_total
(90, 'ZF01', Decimal('89.17'))
"""

from pbcheck._numbers import Exact, RoundingPolicy, format_exact, to_exact
from pbcheck._version import __version__
from pbcheck.errors import PbcheckError, ValidationError
from pbcheck.model.aggregation import (
    Aggregator,
    AggregatorRegistry,
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
from pbcheck.model.rubric import BonusPool, Deduction, Indicator, Rubric, Section, Veto
from pbcheck.model.rules import (
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Tiers,
)
from pbcheck.outcomes.grading import GradeTier, GradingPolicy, grade
from pbcheck.outcomes.history import EscalationPolicy, History, escalations
from pbcheck.outcomes.ranking import Quota, RankingPolicy, rank, rank_within
from pbcheck.outcomes.rating import RatingPolicy, RatingScale, tally
from pbcheck.outcomes.season import OutcomePolicy, Outcomes, assess_outcomes
from pbcheck.outcomes.selection import (
    AccountabilityRecord,
    BottomPolicy,
    CommendationPolicy,
    bottom_list,
    commendation_list,
)
from pbcheck.scoring.audit import AuditEntry, AuditStatus, AuditTrail, audit_trail
from pbcheck.scoring.engine import score, score_all
from pbcheck.scoring.scorecard import Explanation, Scorecard

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
    "BottomPolicy",
    "CommendationPolicy",
    "CountAtLeast",
    "CycleCalendar",
    "Deduction",
    "DeductionPerOccurrence",
    "DirectScore",
    "EscalationPolicy",
    "Evaluation",
    "Evidence",
    "Exact",
    "Explanation",
    "Frequency",
    "FrequencyOutcome",
    "GeometricMean",
    "GradeTier",
    "GradingPolicy",
    "History",
    "Incident",
    "Indicator",
    "Median",
    "Milestone",
    "Minimum",
    "Observation",
    "OrgTree",
    "OrgUnit",
    "OutcomePolicy",
    "Outcomes",
    "PassFail",
    "PbcheckError",
    "PointsPerOccurrence",
    "Quota",
    "RankingPolicy",
    "RatingPolicy",
    "RatingScale",
    "RatioToTarget",
    "ResponsiblePerson",
    "Role",
    "RoundingPolicy",
    "Rubric",
    "Scorecard",
    "Section",
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
    "tally",
    "to_exact",
]
