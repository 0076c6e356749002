"""Strategies for season ledgers: a small plan and the events a season meets.

:func:`season_plan` is a three-unit season on
:func:`~pbcheck.examples.small.waiver_rubric` (A1, A2 owned by 组织部, B1 by
宣传部); :func:`season_event_candidates` draws any event of it, allowed or not
(wrong actors, late objections, double approvals …); :func:`season_events`
keeps the ones the ledger accepts, so it gives valid seasons of every shape.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from pbcheck.errors import PbcheckError
from pbcheck.examples.small import org_tree, waiver_rubric
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import NotApplicable, Observation, Source
from pbcheck.season import events as ev
from pbcheck.season.authority import Actor, Authority
from pbcheck.season.events import Event
from pbcheck.season.ledger import Ledger
from pbcheck.season.plan import SeasonPlan

__all__ = ["season_event_candidates", "season_events", "season_plan"]

_BEIJING = timezone(timedelta(hours=8))
#: When the drawn seasons open.
SEASON_START = datetime(2026, 1, 5, 9, 0, tzinfo=_BEIJING)
_UNITS = ("a", "b", "c")
_INDICATORS = {"A1": 40, "A2": 30, "B1": 30}


def season_plan() -> SeasonPlan:
    """The small season the strategies draw events for.

    >>> plan = season_plan()
    >>> plan.unit_ids, plan.owner("a", "A2").id, plan.owner("a", "B1").id
    (('a', 'b', 'c'), 'zzb', 'xcb')
    """
    return SeasonPlan(
        "2025",
        "2025年度机关党建工作责任制考核",
        waiver_rubric(),
        org_tree({"党群部门": list(_UNITS)}),
        AssessmentCycle.calendar_year(2025),
        Authority(
            [
                Actor("kpb", "机关工委考核办", "office"),
                Actor("zzb", "组织部", "department"),
                Actor("xcb", "宣传部", "department"),
                *(Actor(u, f"单位{u}", "unit", unit_id=u) for u in _UNITS),
            ],
            owners={"A": "zzb", "B1": "xcb"},
        ),
    )


_ACTORS = ("kpb", "zzb", "xcb", *_UNITS)
_UNIT = st.sampled_from(_UNITS)
_INDICATOR = st.sampled_from(sorted(_INDICATORS))
_OWNERS = {"A1": "zzb", "A2": "zzb", "B1": "xcb"}


def _actor(draw: st.DrawFn, likely: str) -> str:
    """Mostly *likely* (the actor allowed), sometimes anyone (to be refused)."""
    return draw(st.sampled_from([likely] * 6 + list(_ACTORS)))


@st.composite
def _submission(draw: st.DrawFn, at: datetime) -> ev.Submitted:
    unit = draw(_UNIT)
    chosen = draw(st.lists(_INDICATOR, min_size=1, max_size=3, unique=True))
    self_assessed = draw(st.integers(0, 5)) == 0
    source = Source.SELF if self_assessed else Source.TEAM
    likely = unit if self_assessed else _OWNERS[chosen[0]]
    # Now and then a score above the maximum: records the ledger refuses.
    observations = tuple(
        Observation(
            i, draw(st.integers(0, _INDICATORS[i] + 2)), source=source, rater="考评组"
        )
        for i in chosen
    )
    return ev.Submitted(
        at=at, actor=_actor(draw, likely), unit_id=unit, observations=observations
    )


# The kinds of event in the proportions a season meets them.
_KINDS = (
    ["submitted"] * 8
    + ["returned", "accepted", "not_applicable_marked"] * 2
    + ["provisional_computed", "publicity_opened"] * 2
    + ["objection_filed", "objection_decided"] * 3
    + ["results_approved"] * 2
    + ["rectification_raised"]
)


@st.composite
def season_event_candidates(draw: st.DrawFn, at: datetime) -> Event:  # noqa: PLR0911 - one return per kind
    """Any event of :func:`season_plan`'s season at *at*, allowed or not.

    Mostly by the actor who may do it, sometimes by anyone, so that a season
    drawn from these both advances and meets refusals.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(season_event_candidates(SEASON_START))
    ... def check(event):
    ...     assert event.at == SEASON_START
    >>> check()
    """
    kind = draw(st.sampled_from(_KINDS))
    unit = draw(_UNIT)
    indicator = draw(_INDICATOR)
    objection = draw(st.sampled_from(["Y1", "Y2"]))
    office = _actor(draw, "kpb")
    if kind == "submitted":
        return draw(_submission(at))
    if kind == "not_applicable_marked":
        return ev.NotApplicableMarked(
            at=at,
            actor=_actor(draw, _OWNERS[indicator]),
            unit_id=unit,
            marker=NotApplicable(indicator, "本单位无此项职能"),
        )
    if kind in {"accepted", "returned"}:
        reviewer = _actor(draw, _OWNERS[indicator])
        if kind == "accepted":
            return ev.Accepted(
                at=at, actor=reviewer, unit_id=unit, indicator_id=indicator
            )
        return ev.Returned(
            at=at,
            actor=reviewer,
            unit_id=unit,
            indicator_id=indicator,
            reason="佐证不全",
        )
    if kind == "provisional_computed":
        return ev.ProvisionalComputed(at=at, actor=office)
    if kind == "publicity_opened":
        starts = at.date()
        return ev.PublicityOpened(
            at=at,
            actor=office,
            starts=starts,
            ends=starts + timedelta(days=draw(st.integers(0, 6))),
            working_days=draw(st.sampled_from([5, 5, 5, 3])),
        )
    if kind == "objection_filed":
        return ev.ObjectionFiled(
            at=at,
            actor=_actor(draw, unit),
            objection_id=objection,
            unit_id=unit,
            text="分数有误",
        )
    if kind == "objection_decided":
        upheld = draw(st.booleans())
        corrections = (
            (Observation(indicator, _INDICATORS[indicator], rater="复核组"),)
            if upheld and draw(st.booleans())
            else ()
        )
        return ev.ObjectionDecided(
            at=at,
            actor=office,
            objection_id=objection,
            upheld=upheld,
            reason="经复核",
            corrections=corrections,
        )
    if kind == "results_approved":
        return ev.ResultsApproved(at=at, actor=office, reason="领导小组会议审定")
    return ev.RectificationRaised(
        at=at,
        actor=office,
        item_id=draw(st.sampled_from(["ZG1", "ZG2"])),
        unit_id=unit,
        problem="台账不规范",
        basis="lost_points",
        responsible="张三",
        deadline=at.date() + timedelta(days=90),
    )


@st.composite
def season_events(
    draw: st.DrawFn, max_noise: int = 12
) -> tuple[SeasonPlan, tuple[Event, ...]]:
    """A valid season of :func:`season_plan`: drawn events the ledger accepted.

    The season goes through its steps — each owner submitting most of its
    scores, provisional results, a 公示, objections, a decision, approval, a
    rectification item — each step drawn or skipped, with up to *max_noise*
    arbitrary candidates (:func:`season_event_candidates`) mixed in; every
    event the ledger refuses is dropped, so any prefix of steps can occur.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(season_events(max_noise=3))
    ... def check(season):
    ...     plan, events = season
    ...     assert Ledger(plan, events).version == len(events)
    >>> check()
    """
    plan = season_plan()
    ledger = Ledger.open(plan, at=SEASON_START, actor="kpb")
    clock = [SEASON_START]

    def later(hours: st.SearchStrategy[int] | None = None) -> datetime:
        clock[0] += timedelta(
            hours=draw(st.integers(0, 30) if hours is None else hours)
        )
        return clock[0]

    steps: list[object] = []
    for unit in _UNITS:
        for indicator, points in _INDICATORS.items():
            if draw(st.integers(0, 19)) > 0:
                steps.append((unit, indicator, points))
    steps = draw(st.permutations(steps))
    tail = ["provisional", "publicity", "objection", "decision", "approval", "rectify"]
    steps += tail[: draw(st.sampled_from(range(len(tail) + 1)))]
    noise = draw(st.integers(0, max_noise))
    events: list[Event] = []
    for step in steps:
        if noise and draw(st.booleans()):
            noise -= 1
            events.append(draw(season_event_candidates(later())))
        if isinstance(step, tuple):
            unit, indicator, points = step
            events.append(
                ev.Submitted(
                    at=later(),
                    actor=_OWNERS[indicator],
                    unit_id=unit,
                    observations=(
                        Observation(indicator, draw(st.integers(0, points))),
                    ),
                )
            )
        elif step == "provisional":
            events.append(ev.ProvisionalComputed(at=later(), actor="kpb"))
        elif step == "publicity":
            opened = later()
            events.append(
                ev.PublicityOpened(
                    at=opened,
                    actor="kpb",
                    starts=opened.date(),
                    ends=opened.date() + timedelta(days=draw(st.integers(2, 6))),
                    working_days=5,
                )
            )
        elif step == "objection":
            unit = draw(_UNIT)
            events.append(
                ev.ObjectionFiled(
                    at=later(st.integers(0, 24 * 7)),
                    actor=unit,
                    objection_id="Y1",
                    unit_id=unit,
                    text="分数有误",
                )
            )
        elif step == "decision":
            events.append(draw(season_event_candidates(later())))
            events.append(
                ev.ObjectionDecided(
                    at=later(),
                    actor="kpb",
                    objection_id="Y1",
                    upheld=draw(st.booleans()),
                    reason="经复核",
                )
            )
        elif step == "approval":
            events.append(
                ev.ResultsApproved(at=later(st.integers(0, 24 * 8)), actor="kpb")
            )
        else:
            events.append(draw(season_event_candidates(later())))
    for event in events:
        try:
            ledger = ledger.record(event)
        except PbcheckError:
            continue
    return plan, ledger.events
