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


_ACTORS = st.sampled_from(["kpb", "zzb", "xcb", *_UNITS])
_UNIT = st.sampled_from(_UNITS)
_INDICATOR = st.sampled_from(sorted(_INDICATORS))


@st.composite
def _observations(draw: st.DrawFn) -> tuple[Observation, ...]:
    chosen = draw(st.lists(_INDICATOR, min_size=1, max_size=3, unique=True))
    source = draw(st.sampled_from([Source.TEAM, Source.TEAM, Source.SELF]))
    return tuple(
        Observation(
            i, draw(st.integers(0, _INDICATORS[i])), source=source, rater="考评组"
        )
        for i in chosen
    )


@st.composite
def season_event_candidates(draw: st.DrawFn, at: datetime) -> ev.Event:  # noqa: PLR0911 - one return per kind
    """Any event of :func:`season_plan`'s season at *at*, allowed or not.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(season_event_candidates(SEASON_START))
    ... def check(event):
    ...     assert event.at == SEASON_START
    >>> check()
    """
    actor = draw(_ACTORS)
    kind = draw(st.integers(0, 12))
    unit = draw(_UNIT)
    indicator = draw(_INDICATOR)
    objection = draw(st.sampled_from(["Y1", "Y2"]))
    if kind <= 3:  # submissions are most of a season
        return ev.Submitted(
            at=at, actor=actor, unit_id=unit, observations=draw(_observations())
        )
    if kind == 4:
        return ev.NotApplicableMarked(
            at=at,
            actor=actor,
            unit_id=unit,
            marker=NotApplicable(indicator, "本单位无此项职能"),
        )
    if kind == 5:
        return ev.Accepted(at=at, actor=actor, unit_id=unit, indicator_id=indicator)
    if kind == 6:
        return ev.Returned(
            at=at, actor=actor, unit_id=unit, indicator_id=indicator, reason="佐证不全"
        )
    if kind == 7:
        return ev.ProvisionalComputed(at=at, actor=actor)
    if kind == 8:
        starts = at.date()
        return ev.PublicityOpened(
            at=at,
            actor=actor,
            starts=starts,
            ends=starts + timedelta(days=draw(st.integers(0, 8))),
            working_days=draw(st.integers(3, 6)),
        )
    if kind == 9:
        return ev.ObjectionFiled(
            at=at, actor=actor, objection_id=objection, unit_id=unit, text="分数有误"
        )
    if kind == 10:
        upheld = draw(st.booleans())
        corrections = (
            (Observation(indicator, _INDICATORS[indicator], rater="复核组"),)
            if upheld and draw(st.booleans())
            else ()
        )
        return ev.ObjectionDecided(
            at=at,
            actor=actor,
            objection_id=objection,
            upheld=upheld,
            reason="经复核",
            corrections=corrections,
        )
    if kind == 11:
        return ev.ResultsApproved(at=at, actor=actor, reason="领导小组会议审定")
    return ev.RectificationRaised(
        at=at,
        actor=actor,
        item_id=draw(st.sampled_from(["ZG1", "ZG2"])),
        unit_id=unit,
        problem="台账不规范",
        basis="lost_points",
        responsible="张三",
        deadline=at.date() + timedelta(days=90),
    )


@st.composite
def season_events(
    draw: st.DrawFn, max_steps: int = 40
) -> tuple[SeasonPlan, tuple[ev.Event, ...]]:
    """A valid season of :func:`season_plan`: the drawn events the ledger accepted.

    Starts with :class:`SeasonOpened`; each step draws a candidate up to two
    days after the last and keeps it if the ledger records it.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(season_events(max_steps=10))
    ... def check(season):
    ...     plan, events = season
    ...     assert Ledger(plan, events).version == len(events)
    >>> check()
    """
    plan = season_plan()
    ledger = Ledger.open(plan, at=SEASON_START, actor="kpb")
    at = SEASON_START
    for _ in range(draw(st.integers(0, max_steps))):
        at += timedelta(hours=draw(st.integers(0, 48)))
        candidate = draw(season_event_candidates(at))
        try:
            ledger = ledger.record(candidate)
        except PbcheckError:
            continue
    return plan, ledger.events
