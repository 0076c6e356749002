"""A season as an auditable ledger (考核全过程): events, authority, state.

The pure core of a season's process: immutable events
(:mod:`pbcheck.season.events`), who may do what
(:mod:`pbcheck.season.authority`), and the state that folding the events
gives, replayable to any date.  No I/O and no clock: "now" is always a
parameter.  Storage is an adapter (:mod:`pbcheck.store`).
"""

from pbcheck.season.authority import Actor, ActorRole, Authority
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
from pbcheck.season.state import Objection, ResultChange, SeasonPhase, SeasonState

__all__ = [
    "EVENT_KINDS",
    "Accepted",
    "Actor",
    "ActorRole",
    "Authority",
    "CollectionRow",
    "CollectionStatus",
    "Event",
    "ItemStatus",
    "Ledger",
    "LetterIssued",
    "NotApplicableMarked",
    "Objection",
    "ObjectionDecided",
    "ObjectionFiled",
    "ProvisionalComputed",
    "PublicityOpened",
    "RectificationClosed",
    "RectificationRaised",
    "RectificationRechecked",
    "RectificationUpdated",
    "ResultChange",
    "ResultsApproved",
    "Returned",
    "SeasonOpened",
    "SeasonPhase",
    "SeasonPlan",
    "SeasonState",
    "Submitted",
]
