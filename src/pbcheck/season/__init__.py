"""A season as an auditable ledger (考核全过程): events, authority, state.

The pure core of a season's process: immutable events
(:mod:`pbcheck.season.events`), who may do what
(:mod:`pbcheck.season.authority`), and the state that folding the events
gives, replayable to any date (:mod:`pbcheck.season.ledger`); the working
calendar of 公示 windows (:mod:`pbcheck.season.calendar`); the 整改台账
(:mod:`pbcheck.season.rectification`) and the 结果运用 tables
(:mod:`pbcheck.season.results_use`).  No I/O and no clock: "now" is always
a parameter.  Storage is an adapter (:mod:`pbcheck.store`).
"""

from pbcheck.season.authority import Actor, ActorRole, Authority
from pbcheck.season.calendar import WorkingCalendar
from pbcheck.season.collection import CollectionRow, CollectionStatus, ItemStatus
from pbcheck.season.events import (
    EVENT_KINDS,
    Accepted,
    Event,
    LetterIssued,
    NotApplicableMarked,
    ObjectionDecided,
    ObjectionFiled,
    ProvisionalComputed,
    PublicityOpened,
    RectificationClosed,
    RectificationRaised,
    RectificationRechecked,
    RectificationUpdated,
    ResultsApproved,
    Returned,
    SeasonOpened,
    Submitted,
)
from pbcheck.season.ledger import Ledger
from pbcheck.season.plan import SeasonPlan
from pbcheck.season.rectification import (
    RectificationEvent,
    RectificationItem,
    RectificationStatus,
    carry_over,
    propose_rectification,
)
from pbcheck.season.results_use import (
    SEED_ELIGIBILITY_BASIS,
    EligibilityPolicy,
    EligibilityRow,
    PerformanceKind,
    PerformancePolicy,
    PerformanceRow,
    eligibility_table,
    performance_table,
)
from pbcheck.season.state import Objection, ResultChange, SeasonPhase, SeasonState

__all__ = [
    "EVENT_KINDS",
    "SEED_ELIGIBILITY_BASIS",
    "Accepted",
    "Actor",
    "ActorRole",
    "Authority",
    "CollectionRow",
    "CollectionStatus",
    "EligibilityPolicy",
    "EligibilityRow",
    "Event",
    "ItemStatus",
    "Ledger",
    "LetterIssued",
    "NotApplicableMarked",
    "Objection",
    "ObjectionDecided",
    "ObjectionFiled",
    "PerformanceKind",
    "PerformancePolicy",
    "PerformanceRow",
    "ProvisionalComputed",
    "PublicityOpened",
    "RectificationClosed",
    "RectificationEvent",
    "RectificationItem",
    "RectificationRaised",
    "RectificationRechecked",
    "RectificationStatus",
    "RectificationUpdated",
    "ResultChange",
    "ResultsApproved",
    "Returned",
    "SeasonOpened",
    "SeasonPhase",
    "SeasonPlan",
    "SeasonState",
    "Submitted",
    "WorkingCalendar",
    "carry_over",
    "eligibility_table",
    "performance_table",
    "propose_rectification",
]
