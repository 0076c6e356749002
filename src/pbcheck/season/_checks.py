"""The checks of a submission, a correction and a 合理缺项 marker, as scoring makes them.

Each gathers every problem of the records into one
:class:`~pbcheck.errors.ValidationError` with the paths scoring uses
(``evaluations[a].observations[0].value``), so that a season never holds a
record the scoring engine would refuse later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidValueError,
    NotAuthorisedError,
    OutOfCycleError,
    Path,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.evaluation import NotApplicable, Observation, Source
from pbcheck.season import events as ev
from pbcheck.season._records import _Unit
from pbcheck.season.authority import Actor
from pbcheck.season.plan import SeasonPlan, _Scope


def _who(actor: Actor) -> str:
    """An actor as refusals name it: ``xcb（市委宣传部，评分部门）``."""
    return f"{actor.id}（{actor.name}，{actor.role.label_zh}）"


def _unit_may_submit(actor: Actor, event: ev.Submitted) -> None:
    """A unit submits only its own 自评: observations of source self, nothing else."""
    who = _who(actor)
    if event.unit_id != actor.unit_id:
        raise NotAuthorisedError(
            who,
            "submit",
            f"records for unit {event.unit_id}",
            f"the departments that own them or the office (a unit submits only "
            f"its own 自评, for unit {actor.unit_id})",
        )
    for observation in event.observations:
        if observation.source is not Source.SELF:
            raise NotAuthorisedError(
                who,
                "submit",
                f"a {observation.source.label_zh} score of "
                f"{observation.indicator_id} for its own unit {event.unit_id}",
                "the department that owns it or the office (a unit submits only "
                "its 自评, source self)",
            )
    if event.activities or event.incidents:
        what = "activities" if event.activities else "incidents"
        raise NotAuthorisedError(
            who,
            "submit",
            f"{what} for its own unit {event.unit_id}",
            "the departments that own them or the office (a unit submits only "
            "its 自评, source self)",
        )


def _check_records(
    plan: SeasonPlan,
    scope: _Scope,
    unit: _Unit,
    event: ev.Submitted,
    submitter: str,
) -> None:
    """Every record of a submission as scoring will need it; all problems at once."""
    path: Path = ("evaluations", Id(event.unit_id))
    problems = _Problems(f"invalid submission for unit {event.unit_id!r}")
    _check_observations(
        plan, scope, unit, event.observations, path=(*path, "observations"),
        problems=problems, submitter=submitter,
    )  # fmt: skip
    cycle = plan.cycle
    for index, activity in enumerate(event.activities):
        where = (*path, "activities", index)
        indicator = scope.indicator(activity.indicator_id)
        if indicator is None or not scope.takes_activities(indicator):
            problems.add(
                UnknownReferenceError(
                    (*where, "indicator_id"),
                    activity.indicator_id,
                    "names no frequency indicator of the unit's rubric",
                )
            )
        elif activity.indicator_id in unit.not_applicable:
            problems.add(_marked(where, activity.indicator_id))
        if activity.branch is not None:
            problems.add(
                InvalidValueError(
                    (*where, "branch"),
                    activity.branch,
                    "the season ledger does not record party branches yet: "
                    "submit the unit's activities without a branch",
                )
            )
        if not cycle.contains(activity.occurred_at):
            problems.add(_outside(plan, (*where, "occurred_at"), activity.occurred_at))
    for index, incident in enumerate(event.incidents):
        where = (*path, "incidents", index)
        if incident.item_id not in scope.incident_items:
            problems.add(
                UnknownReferenceError(
                    (*where, "item_id"),
                    incident.item_id,
                    "names no deduction or veto item of the rubric",
                )
            )
        else:
            categories = scope.incident_items[incident.item_id]
            if categories is not None and incident.category not in categories:
                problems.add(
                    InvalidValueError(
                        (*where, "category"),
                        incident.category,
                        f"must be one of {', '.join(sorted(categories))}",
                    )
                )
        if not cycle.contains(incident.occurred_at):
            problems.add(_outside(plan, (*where, "occurred_at"), incident.occurred_at))
    problems.raise_if_any()


def _check_observations(  # noqa: PLR0913 - the observations and where they go
    plan: SeasonPlan,
    scope: _Scope,
    unit: _Unit,
    observations: Iterable[Observation],
    *,
    path: Path,
    problems: _Problems,
    submitter: str | None,
) -> None:
    """Observations as scoring checks them, and against the unit's other records.

    *submitter* is ``None`` for an objection's corrections, which replace
    every earlier record of their indicators.
    """
    cycle = plan.cycle
    end = max([cycle.end, *(m.date for m in cycle.milestones)])
    seen: set[tuple[str, str, str]] = set()
    # (indicator, source, rater) → who else scored it, among the records that
    # count; the submitter's own are replaced by this submission.
    others: dict[tuple[str, str, str], str] = {}
    if submitter is not None:
        for (author, scored), entry in unit.entries.items():
            if author != submitter and entry.returned is None:
                for other in entry.observations:
                    others[(scored, other.source.value, other.rater)] = author
    for index, observation in enumerate(observations):
        where = (*path, index)
        indicator_id = observation.indicator_id
        indicator = scope.indicator(indicator_id)
        if indicator is None:
            problems.add(
                UnknownReferenceError(
                    (*where, "indicator_id"),
                    indicator_id,
                    f"names no indicator of the unit's rubric "
                    f"{scope.rubric.id} {scope.rubric.version}",
                )
            )
            continue
        if not scope.takes_values(indicator):
            problems.add(
                InvalidValueError(
                    (*where, "indicator_id"),
                    indicator_id,
                    "is a frequency indicator: record Activity entries, "
                    "not observations",
                )
            )
            continue
        message = indicator.rule.value_problem(  # type: ignore[union-attr]
            observation.value, indicator.max_points
        )
        if message is not None:
            problems.add(
                InvalidValueError((*where, "value"), observation.value, message)
            )
        moment = observation.recorded_at
        if moment is not None and not cycle.start <= cycle.local_date(moment) <= end:
            problems.add(
                OutOfCycleError(
                    (*where, "recorded_at"),
                    moment.isoformat(),
                    f"lies outside the cycle {cycle.label_zh} and its assessment "
                    f"({cycle.start.isoformat()}—{end.isoformat()})",
                )
            )
        if submitter is not None and indicator_id in unit.not_applicable:
            problems.add(_marked(where, indicator_id))
        key = (indicator_id, observation.source.value, observation.rater)
        if key in seen:
            problems.add(
                DuplicateIdError(
                    (*where, "rater"),
                    observation.rater,
                    f"already scored {indicator_id} as {observation.source.value} "
                    "in this submission; name each rater apart",
                )
            )
        seen.add(key)
        if submitter is None:
            continue
        earlier = others.get(key)
        if earlier is not None:
            problems.add(
                DuplicateIdError(
                    (*where, "rater"),
                    observation.rater,
                    f"already scored {indicator_id} as "
                    f"{observation.source.value} in {earlier}'s submission; "
                    "name each rater apart",
                )
            )


def _check_marker(  # noqa: PLR0913 - the marker and where it goes
    scope: _Scope,
    unit: _Unit,
    marker: NotApplicable,
    where: Path,
    problems: _Problems,
    *,
    replacing: bool,
) -> None:
    """A 合理缺项 marker as scoring checks it; *replacing* drops the records."""
    indicator_id = marker.indicator_id
    indicator = scope.regular.get(indicator_id)
    if indicator is None:
        problems.add(
            InvalidValueError(
                where,
                indicator_id,
                "is a bonus indicator (加分项): leave it unrecorded instead of "
                "marking it not applicable",
            )
            if indicator_id in scope.bonus
            else UnknownReferenceError(
                where, indicator_id, "names no indicator of the unit's rubric"
            )
        )
        return
    if not indicator.waivable:
        problems.add(
            InvalidValueError(
                where,
                indicator_id,
                f"may not be marked not applicable: rubric {scope.rubric.id} "
                f"{scope.rubric.version} requires every unit to be scored on it "
                "(waivable=False)",
            )
        )
        return
    if replacing:
        return
    if indicator_id in unit.not_applicable:
        problems.add(DuplicateIdError(where, indicator_id, "is already marked"))
    elif unit.live(indicator_id):
        problems.add(
            InvalidValueError(
                where,
                indicator_id,
                "is marked not applicable but also has records; return the "
                "records first (退回补正) or keep them",
            )
        )
    elif set(scope.regular) <= {*unit.not_applicable, indicator_id}:
        problems.add(
            InvalidValueError(
                where,
                indicator_id,
                "would mark every indicator not applicable: nothing is left to score",
            )
        )


def _marked(where: Path, indicator_id: str) -> InvalidValueError:
    return InvalidValueError(
        (*where, "indicator_id"),
        indicator_id,
        "is marked not applicable (合理缺项) for this unit; keep the records or "
        "the marker, not both",
    )


def _outside(plan: SeasonPlan, where: Path, moment: date) -> OutOfCycleError:
    cycle = plan.cycle
    return OutOfCycleError(
        where,
        moment.isoformat(),
        f"lies outside the cycle {cycle.label_zh} "
        f"({cycle.start.isoformat()}—{cycle.end.isoformat()}); "
        "file it in the cycle it belongs to",
    )
