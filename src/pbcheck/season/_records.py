"""A unit's current records in a season, and each indicator's collection status.

:class:`_Unit` values are never changed in place: a change builds a new one,
so the fold copies only its unit mapping, and a snapshot (provisional,
published, approved) cannot be touched by later events.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import attrs

from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Incident,
    NotApplicable,
    Observation,
)
from pbcheck.season.collection import ItemStatus
from pbcheck.season.plan import _Scope


@attrs.frozen
class _Entry:
    """One submitter's current records of one indicator for one unit."""

    observations: tuple[Observation, ...]
    activities: tuple[Activity, ...]
    at: datetime
    version: int
    # The return's reason while returned (退回补正) and not resubmitted.
    returned: str | None = None


@attrs.frozen
class _Unit:
    """Everything current about one unit; replaced, never changed in place."""

    # (submitter id or "objection:<id>", indicator id) → entry, in arrival order.
    entries: Mapping[tuple[str, str], _Entry] = attrs.field(factory=dict)
    # (submitter id, item id) → the submitter's incidents of that item.
    incidents: Mapping[tuple[str, str], tuple[Incident, ...]] = attrs.field(
        factory=dict
    )
    not_applicable: Mapping[str, NotApplicable] = attrs.field(factory=dict)
    # Indicator id → the version of the event that accepted it.
    accepted: Mapping[str, int] = attrs.field(factory=dict)

    def live(self, indicator_id: str) -> list[tuple[str, _Entry]]:
        """The entries of *indicator_id* that count (not returned)."""
        return [
            (who, entry)
            for (who, ind), entry in self.entries.items()
            if ind == indicator_id and entry.returned is None
        ]

    def evaluation(self, unit_id: str) -> Evaluation:
        """The unit's current records as one evaluation.

        Returned entries are left out: returned material is not accepted,
        so the indicator counts as missing until it is resubmitted.
        """
        observations: list[Observation] = []
        activities: list[Activity] = []
        for entry in self.entries.values():
            if entry.returned is None:
                observations += entry.observations
                activities += entry.activities
        incidents = [i for found in self.incidents.values() for i in found]
        return Evaluation(
            unit_id,
            observations,
            activities,
            incidents,
            tuple(self.not_applicable.values()),
        )


def _statuses(unit: _Unit, scope: _Scope) -> dict[str, tuple[ItemStatus, str]]:
    """Each regular indicator of the unit in the collection, with its note.

    One pass over the unit's entries: a counted entry (an activity, or an
    observation of a source the rubric weighs) makes the indicator received;
    acceptance after its latest counted entry makes it accepted; returned
    entries alone make it returned; nothing, missing.
    """
    weights = scope.rubric.source_weights
    latest: dict[str, int] = {}
    returned: dict[str, str] = {}
    for (_, indicator_id), entry in unit.entries.items():
        if entry.returned is not None:
            returned[indicator_id] = entry.returned
        elif entry.activities or any(
            weights[o.source] != 0 for o in entry.observations
        ):
            latest[indicator_id] = max(latest.get(indicator_id, -1), entry.version)
    found: dict[str, tuple[ItemStatus, str]] = {}
    for indicator_id in scope.regular:
        marker = unit.not_applicable.get(indicator_id)
        accepted = unit.accepted.get(indicator_id)
        if marker is not None:
            found[indicator_id] = (ItemStatus.NOT_APPLICABLE, marker.reason)
        elif indicator_id in latest:
            done = accepted is not None and accepted > latest[indicator_id]
            found[indicator_id] = (
                (ItemStatus.ACCEPTED, "") if done else (ItemStatus.RECEIVED, "")
            )
        elif indicator_id in returned:
            found[indicator_id] = (ItemStatus.RETURNED, returned[indicator_id])
        elif accepted is not None:  # a frequency indicator: none were held
            found[indicator_id] = (ItemStatus.ACCEPTED, "确认无活动记录")
        else:
            found[indicator_id] = (ItemStatus.MISSING, "")
    return found
