"""The season ledger: state as the fold of events, replay, refusals, results."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import Observation, Results
from pbcheck.errors import (
    NotAuthorisedError,
    PbcheckError,
    RefusedError,
    UnknownItemError,
    ValidationError,
    render,
)
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.model.evaluation import NotApplicable, Source
from pbcheck.season import (
    Accepted,
    Actor,
    Authority,
    ItemStatus,
    Ledger,
    NotApplicableMarked,
    ObjectionDecided,
    ObjectionFiled,
    ProvisionalComputed,
    PublicityOpened,
    RectificationRaised,
    RectificationUpdated,
    ResultsApproved,
    Returned,
    SeasonOpened,
    SeasonPhase,
    SeasonPlan,
    Submitted,
)
from pbcheck.testing import season_event_candidates, season_events, season_plan

BJ = timezone(timedelta(hours=8))
START = datetime(2026, 1, 5, 9, 0, tzinfo=BJ)


def at(day: int, hour: int = 9) -> datetime:
    """A moment in January 2026, Beijing time."""
    return datetime(2026, 1, day, hour, 0, tzinfo=BJ)


def submit(
    when: datetime, actor: str, unit: str, **scores: int | tuple[int, str]
) -> Submitted:
    """A submission of direct scores (value, or (value, source))."""
    observations = []
    for indicator, spec in scores.items():
        value, source = spec if isinstance(spec, tuple) else (spec, "team")
        observations.append(
            Observation(indicator, value, source=source, rater="考评组")
        )
    return Submitted(at=when, actor=actor, unit_id=unit, observations=observations)


def collected() -> Ledger:
    """Every score of the small season in: 组织部 A1, A2 and 宣传部 B1 for a, b, c."""
    ledger = Ledger.open(season_plan(), at=START, actor="kpb")
    return ledger.record_all(
        [
            submit(at(6), "zzb", "a", A1=36, A2=27),
            submit(at(6), "zzb", "b", A1=30, A2=20),
            submit(at(6), "zzb", "c", A1=20, A2=15),
            submit(at(7), "xcb", "a", B1=27),
            submit(at(7), "xcb", "b", B1=25),
            submit(at(7), "xcb", "c", B1=10),
        ]
    )


def published() -> Ledger:
    """:func:`collected`, computed and put to 公示 from 12 to 16 January."""
    return collected().record_all(
        [
            ProvisionalComputed(at=at(8), actor="kpb"),
            PublicityOpened(
                at=at(12),
                actor="kpb",
                starts=date(2026, 1, 12),
                ends=date(2026, 1, 16),
                working_days=5,
            ),
        ]
    )


class TestFoldProperties:
    @given(season_events())
    def test_every_prefix_replays_to_the_state_built_step_by_step(self, season):
        """Replaying any prefix gives the ledger recorded one event at a time up to it."""
        plan, events = season
        ledger = Ledger(plan, events[:1])
        for count in range(1, len(events) + 1):
            replayed = Ledger(plan, events[:count])
            assert replayed == ledger
            assert replayed.state == ledger.state
            assert replayed.evaluations() == ledger.evaluations()
            assert replayed.collection() == ledger.collection()
            assert replayed.objections() == ledger.objections()
            assert replayed.rectification() == ledger.rectification()
            if count < len(events):
                ledger = ledger.record(events[count])

    @given(season_events(), st.data())
    def test_folding_does_not_depend_on_batching(self, season, data):
        """One by one, all at once and in drawn chunks give the same season."""
        plan, events = season
        whole = Ledger(plan, events)
        one_by_one = Ledger(plan, events[:1])
        for event in events[1:]:
            one_by_one = one_by_one.record(event)
        chunked = Ledger(plan, events[:1])
        rest = list(events[1:])
        while rest:
            size = data.draw(st.integers(1, len(rest)))
            chunked, rest = chunked.record_all(rest[:size]), rest[size:]
        for ledger in (one_by_one, chunked):
            assert ledger == whole
            assert ledger.version == len(events)
            assert ledger.state == whole.state
            assert ledger.evaluations() == whole.evaluations()
            assert ledger.collection() == whole.collection()
            assert ledger.objections() == whole.objections()

    @given(season_events(), st.data())
    def test_a_refused_event_leaves_the_ledger_unchanged(self, season, data):
        """A refused record raises and the ledger and its fold stay as they were."""
        plan, events = season
        ledger = Ledger(plan, events)
        fresh = Ledger(plan, events)
        last = events[-1].at
        for _ in range(data.draw(st.integers(1, 6))):
            later = last + timedelta(hours=data.draw(st.integers(0, 48)))
            candidate = data.draw(season_event_candidates(later))
            # The fold itself checks before it changes: a refused event leaves
            # even the fold it was applied to as it was (not only the ledger).
            fold = ledger._fold.copy()  # the invariant is the fold's
            try:
                fold.apply(candidate)
            except PbcheckError:
                pass
            else:
                continue  # accepted: nothing to check here
            assert fold.state() == fresh.state
            assert fold.evaluations() == fresh.evaluations()
            assert fold.collection() == fresh.collection()
            assert list(fold.objections.values()) == list(fresh.objections())
            assert list(fold.rectification.values()) == list(fresh.rectification())
            with pytest.raises(PbcheckError):
                ledger.record(candidate)
            assert ledger == fresh
            assert ledger.version == len(events)
            assert ledger.state == fresh.state
            assert ledger.evaluations() == fresh.evaluations()
            assert ledger.collection() == fresh.collection()

    @given(season_events(), st.data())
    def test_as_of_is_the_prefix_up_to_that_moment(self, season, data):
        """as_of(moment) replays exactly the events at or before the moment."""
        plan, events = season
        ledger = Ledger(plan, events)
        moment = events[0].at + timedelta(hours=data.draw(st.integers(0, 24 * 40)))
        expected = [e for e in events if e.at <= moment]
        assert ledger.as_of(moment).events == tuple(expected)
        day = moment.date()
        assert ledger.as_of(day).events == tuple(
            e for e in events if e.at.date() <= day
        )


class TestAuthority:
    def test_a_department_may_not_submit_another_departments_indicator(self):
        """宣传部 submitting 组织部's A1 is refused, naming actor, action, target, owner."""
        with pytest.raises(NotAuthorisedError) as caught:
            collected().record(submit(at(9), "xcb", "a", A1=30))
        error = caught.value
        assert str(error) == (
            "xcb（宣传部，评分部门） may not submit A1 for unit a; only zzb（组织部） "
            "or the office (kpb（机关工委考核办）) may"
        )
        assert error.action == "submit"

    def test_a_unit_may_not_score_itself_as_an_assessor(self):
        """A unit's own 考评组 score is refused; its 自评 is recorded."""
        ledger = collected()
        with pytest.raises(NotAuthorisedError, match="a 考评组 score of A1"):
            ledger.record(submit(at(9), "a", "a", A1=40))
        own = ledger.record(submit(at(9), "a", "a", A1=(40, "self")))
        assert Observation("A1", 40, source=Source.SELF, rater="考评组") in (
            own.evaluations()[0].observations
        )

    def test_a_unit_may_not_submit_for_another_unit(self):
        """Unit a submitting 自评 for unit b is refused."""
        with pytest.raises(NotAuthorisedError, match="records for unit b"):
            collected().record(submit(at(9), "a", "b", A1=(40, "self")))

    def test_only_the_office_opens_the_publicity(self):
        """组织部 may not open the 公示."""
        ledger = collected().record(ProvisionalComputed(at=at(8), actor="kpb"))
        with pytest.raises(NotAuthorisedError, match="only the office"):
            ledger.record(
                PublicityOpened(
                    at=at(12),
                    actor="zzb",
                    starts=date(2026, 1, 12),
                    ends=date(2026, 1, 16),
                    working_days=5,
                )
            )

    def test_an_objection_comes_from_the_unit_concerned(self):
        """Unit b filing an objection about unit a is refused."""
        with pytest.raises(NotAuthorisedError, match="an objection for unit a"):
            published().record(
                ObjectionFiled(
                    at=at(13), actor="b", objection_id="Y1", unit_id="a", text="有误"
                )
            )

    def test_an_unknown_actor_is_a_library_error(self):
        """An actor the authority does not list raises UnknownItemError."""
        with pytest.raises(UnknownItemError):
            collected().record(submit(at(9), "nobody", "a", A1=1))

    def test_assignments_follow_ownership(self):
        """组织部 scores A1 and A2 of every unit, 宣传部 B1, a unit its own rows."""
        ledger = collected()
        assert ledger.assignments("zzb") == (
            ("a", "A1"), ("a", "A2"), ("b", "A1"), ("b", "A2"), ("c", "A1"), ("c", "A2"),
        )  # fmt: skip
        assert ledger.assignments("xcb") == (("a", "B1"), ("b", "B1"), ("c", "B1"))
        assert ledger.assignments("kpb") == ()
        assert ledger.assignments("b") == (("b", "A1"), ("b", "A2"), ("b", "B1"))


class TestStateRefusals:
    def test_a_late_objection_is_refused_naming_the_deadline(self):
        """An objection after the window's last day names the deadline and its day."""
        with pytest.raises(RefusedError) as caught:
            published().record(
                ObjectionFiled(
                    at=at(19), actor="a", objection_id="Y1", unit_id="a", text="有误"
                )
            )
        assert str(caught.value) == (
            "cannot file an objection: the 公示 closed on 2026-01-16 (5 working "
            "days from 2026-01-12); this objection came on 2026-01-19"
        )

    def test_approval_twice_is_refused(self):
        """A second ResultsApproved names the first approval's day."""
        ledger = published().record(ResultsApproved(at=at(19), actor="kpb"))
        assert ledger.state.phase is SeasonPhase.APPROVED
        with pytest.raises(RefusedError) as caught:
            ledger.record(ResultsApproved(at=at(20), actor="kpb"))
        assert str(caught.value) == (
            "cannot approve: the results were already approved on 2026-01-19"
        )

    def test_approval_waits_for_the_window_and_every_objection(self):
        """Approval inside the window, or with an objection pending, is refused."""
        ledger = published()
        with pytest.raises(RefusedError, match="runs until 2026-01-16"):
            ledger.record(ResultsApproved(at=at(16), actor="kpb"))
        filed = ledger.record(
            ObjectionFiled(
                at=at(13), actor="c", objection_id="Y1", unit_id="c", text="有误"
            )
        )
        with pytest.raises(RefusedError, match="not yet decided: Y1"):
            filed.record(ResultsApproved(at=at(19), actor="kpb"))

    def test_approval_with_missing_scores_names_them(self):
        """A returned score left unresubmitted blocks approval and is named."""
        ledger = collected().record_all(
            [
                Returned(at=at(8), actor="zzb", unit_id="b", indicator_id="A2", reason="缺佐证"),
                ProvisionalComputed(at=at(9), actor="kpb"),
                PublicityOpened(
                    at=at(12), actor="kpb", starts=date(2026, 1, 12),
                    ends=date(2026, 1, 16), working_days=5,
                ),
            ]
        )  # fmt: skip
        assert ledger.state.provisional_missing == 1
        with pytest.raises(
            RefusedError, match=r"1 score missing: b A2 \(zzb, returned\)"
        ):
            ledger.record(ResultsApproved(at=at(19), actor="kpb"))

    def test_publicity_needs_results_computed_after_the_last_change(self):
        """A submission after ProvisionalComputed makes PublicityOpened ask to recompute."""
        ledger = collected().record_all(
            [
                ProvisionalComputed(at=at(8), actor="kpb"),
                submit(at(9), "zzb", "a", A1=38),
            ]
        )
        with pytest.raises(RefusedError, match="recompute first"):
            ledger.record(
                PublicityOpened(
                    at=at(12), actor="kpb", starts=date(2026, 1, 12),
                    ends=date(2026, 1, 16), working_days=5,
                )
            )  # fmt: skip

    def test_events_keep_time_order_and_open_once(self):
        """An event dated before the latest, or a second opening, is refused."""
        ledger = collected()
        with pytest.raises(RefusedError, match="time order"):
            ledger.record(submit(at(5, 10), "zzb", "a", A1=1))
        with pytest.raises(RefusedError, match="already opened"):
            ledger.record(SeasonOpened(at=at(9), actor="kpb", season_id="2025"))
        with pytest.raises(RefusedError, match="first event must be SeasonOpened"):
            Ledger(season_plan(), [submit(at(9), "zzb", "a", A1=1)])

    def test_returning_needs_something_received(self):
        """Returned for an indicator nothing was submitted for is refused."""
        ledger = Ledger.open(season_plan(), at=START, actor="kpb")
        with pytest.raises(RefusedError, match="nothing has been received"):
            ledger.record(
                Returned(
                    at=at(8), actor="zzb", unit_id="a", indicator_id="A1", reason="缺"
                )
            )

    def test_submissions_after_approval_are_refused(self):
        """After 审定 the records are closed."""
        ledger = published().record(ResultsApproved(at=at(19), actor="kpb"))
        with pytest.raises(RefusedError, match="records are closed"):
            ledger.record(submit(at(20), "zzb", "a", A1=40))

    def test_invalid_records_are_refused_with_scoring_paths(self):
        """An unknown unit, an unknown indicator and a value over the maximum."""
        ledger = collected()
        with pytest.raises(ValidationError) as caught:
            ledger.record(submit(at(9), "zzb", "a", A1=50, A9=1))
        lines = render(caught.value)
        assert any("evaluations[a].observations[0].value" in line for line in lines)
        assert any(
            "evaluations[a].observations[1].indicator_id" in line for line in lines
        )
        with pytest.raises(ValidationError) as caught:
            ledger.record(submit(at(9), "zzb", "zz", A1=1))
        assert render(caught.value)[1:] == [
            "  unit_id: names no assessed unit of the season (got 'zz')"
        ]


class TestEvaluations:
    def test_a_resubmission_replaces_the_submitters_records(self):
        """Only the latest submission of an indicator by one submitter counts."""
        ledger = collected().record(submit(at(9), "zzb", "a", A1=40))
        a = ledger.evaluations()[0]
        assert [(o.indicator_id, o.value) for o in a.observations] == [
            ("A2", 27), ("B1", 27), ("A1", 40),
        ]  # fmt: skip

    def test_a_returned_indicator_is_missing_until_resubmitted(self):
        """Returned records leave the evaluation; a resubmission brings them back."""
        ledger = collected().record(
            Returned(
                at=at(8), actor="zzb", unit_id="a", indicator_id="A1", reason="缺佐证"
            )
        )
        assert "A1" not in {
            o.indicator_id for o in ledger.evaluations()[0].observations
        }
        row = next(
            r
            for r in ledger.collection().rows
            if r.unit_id == "a" and r.indicator_id == "A1"
        )
        assert (row.status, row.note) == (ItemStatus.RETURNED, "缺佐证")
        assert ledger.collection().missing_for("zzb") == (("a", "A1"),)
        again = ledger.record(submit(at(9), "zzb", "a", A1=35))
        assert again.collection().complete
        accepted = again.record(
            Accepted(at=at(10), actor="zzb", unit_id="a", indicator_id="A1")
        )
        assert accepted.collection().counts()[ItemStatus.ACCEPTED] == 1

    def test_not_applicable_counts_as_collected(self):
        """A 合理缺项 marker fills the row and goes into the evaluation."""
        ledger = Ledger.open(season_plan(), at=START, actor="kpb").record_all(
            [
                submit(at(6), "zzb", "a", A1=36),
                NotApplicableMarked(
                    at=at(6), actor="zzb", unit_id="a",
                    marker=NotApplicable("A2", "本单位无行政审批职能"),
                ),
            ]
        )  # fmt: skip
        counts = ledger.collection().counts()
        assert counts[ItemStatus.NOT_APPLICABLE] == 1
        assert ledger.evaluations()[0].not_applicable[0].indicator_id == "A2"
        with pytest.raises(ValidationError):
            ledger.record(submit(at(7), "zzb", "a", A2=20))

    def test_ranking_with_missing_scores_is_refused_unless_provisional(self):
        """results() names what is missing."""
        ledger = Ledger.open(season_plan(), at=START, actor="kpb").record(
            submit(at(6), "zzb", "a", A1=36, A2=27)
        )
        with pytest.raises(RefusedError, match="missing"):
            ledger.results()

    def test_provisional_results_score_the_complete_units_and_say_partial(self):
        """A provisional picture scores whoever is complete and names the rest."""
        ledger = collected()
        complete = ledger.results()
        units = ledger.plan.unit_ids
        # The same season without the last unit's records.
        shorter = Ledger(
            ledger.plan,
            [
                e
                for e in ledger.events
                if not (isinstance(e, Submitted) and e.unit_id == units[-1])
            ],
        )
        with pytest.raises(RefusedError, match="missing"):
            shorter.results()
        provisional = shorter.results(provisional=True)
        assert provisional.outcomes.partial
        assert provisional.outcomes.missing_units == (units[-1],)
        assert [c.unit_id for c in provisional.scorecards] == list(units[:-1])
        assert not complete.outcomes.partial


class TestWholeSeason:
    def test_published_final_and_their_differences(self):
        """An upheld objection's correction changes the final results, listed by changes()."""
        ledger = published().record_all(
            [
                ObjectionFiled(
                    at=at(13), actor="c", objection_id="Y1", unit_id="c",
                    text="B1 漏计宣传工作", indicator_ids=["B1"],
                ),
                ObjectionDecided(
                    at=at(15), actor="kpb", objection_id="Y1", upheld=True,
                    reason="经复核，漏计属实",
                    corrections=[Observation("B1", 30, rater="复核组")],
                ),
                ResultsApproved(at=at(19), actor="kpb", reason="领导小组会议审定"),
            ]
        )  # fmt: skip
        before, after = ledger.published(), ledger.final()
        assert before is not None
        assert after is not None
        assert before.scorecard("c").total == 45
        assert after.scorecard("c").total == 65
        assert ("c", "total", "45.00", "65.00") in [
            (c.unit_id, c.what, c.before, c.after) for c in ledger.changes()
        ]
        assert ledger.objections()[0].status_zh == "成立"
        # the published results are those of the evaluations at the 公示
        assert ledger.as_of(date(2026, 1, 12)).results() == before

    def test_rectification_items_follow_their_transitions(self):
        """Raised by the office, updated by the unit concerned, not by another."""
        ledger = published().record(ResultsApproved(at=at(19), actor="kpb"))
        ledger = ledger.record(
            RectificationRaised(
                at=at(20), actor="kpb", item_id="ZG1", unit_id="c", problem="宣传台账缺失",
                basis="lost_points", responsible="张三", deadline=date(2026, 4, 20),
            )
        )  # fmt: skip
        with pytest.raises(NotAuthorisedError, match="rectification item ZG1"):
            ledger.record(
                RectificationUpdated(
                    at=at(21), actor="a", item_id="ZG1", progress="已整改"
                )
            )
        updated = ledger.record(
            RectificationUpdated(
                at=at(21), actor="c", item_id="ZG1", progress="已补齐台账"
            )
        )
        assert updated.rectification()[0].progress[0].progress == "已补齐台账"


class TestExampleSeason:
    def test_the_bundled_season_replays_to_the_scored_results(self):
        """The 86-unit example through the ledger scores as Results.compute does."""
        rubric, tree, cycle = example_rubrics(), example_tree(), example_cycle(2025)
        plan = SeasonPlan(
            "2025", "江城市2025—2026年度", rubric, tree, cycle,
            Authority([Actor("kpb", "考核办", "office")]),
        )  # fmt: skip
        evaluations = example_evaluations(2025)
        events = [
            SeasonOpened(
                at=datetime(2026, 5, 1, tzinfo=BJ), actor="kpb", season_id="2025"
            )
        ]
        events += [
            Submitted(
                at=datetime(2026, 5, 12, tzinfo=BJ), actor="kpb", unit_id=e.unit_id,
                observations=e.observations, activities=e.activities, incidents=e.incidents,
            )
            for e in evaluations
        ]  # fmt: skip
        events += [
            NotApplicableMarked(
                at=datetime(2026, 5, 12, tzinfo=BJ), actor="kpb", unit_id=e.unit_id,
                marker=marker,
            )
            for e in evaluations
            for marker in e.not_applicable
        ]  # fmt: skip
        ledger = Ledger(plan, events)
        # units that held no meeting of a frequency indicator: confirmed by acceptance
        none_held = [
            Accepted(at=datetime(2026, 5, 13, tzinfo=BJ), actor="kpb",
                     unit_id=row.unit_id, indicator_id=row.indicator_id)
            for row in ledger.collection().missing
        ]  # fmt: skip
        assert none_held
        ledger = ledger.record_all(none_held)
        assert ledger.collection().complete
        expected = Results.compute(rubric, tree, cycle, evaluations)
        assert ledger.results().scorecards == expected.scorecards


class TestAsOf:
    def test_a_date_is_the_end_of_that_day_in_each_events_own_zone(self):
        """An event late on the 12th in UTC−5 is in as_of(12th), though it is the 13th in Beijing."""
        new_york = timezone(timedelta(hours=-5))
        late = datetime(2026, 1, 12, 23, 30, tzinfo=new_york)
        ledger = Ledger.open(season_plan(), at=START, actor="kpb").record(
            submit(late, "zzb", "a", A1=30)
        )
        assert ledger.as_of(date(2026, 1, 12)).version == 2
        assert ledger.as_of(datetime(2026, 1, 13, 9, 0, tzinfo=BJ)).version == 1
        with pytest.raises(ValueError, match="timezone-aware"):
            ledger.as_of(datetime(2026, 1, 13, 9, 0))  # noqa: DTZ001 - refused


class TestResults:
    def test_provisional_results_of_a_complete_season_are_its_results(self):
        """With nothing missing, provisional and final scoring agree."""
        ledger = collected()
        assert ledger.results(provisional=True) == ledger.results()
        assert ledger.published() is None
        assert ledger.final() is None
        assert ledger.changes() == ()
