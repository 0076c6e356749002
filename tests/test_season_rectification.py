"""The rectification ledger (整改台账): items, transitions, proposals and carry-over."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from fractions import Fraction

import attrs
import pytest
from hypothesis import given

from pbcheck import Evaluation
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    RefusedError,
    UnknownReferenceError,
    ValidationError,
)
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.model.evaluation import Source
from pbcheck.model.org import OrgTree, ResponsiblePerson, Role
from pbcheck.model.rubric import Deduction
from pbcheck.outcomes.consequences import (
    DEFAULT_CONSEQUENCE_RULES,
    ConsequenceRule,
    OnBottom,
    OnGrade,
    OnVeto,
)
from pbcheck.outcomes.history import EscalationStep, History
from pbcheck.outcomes.season import Results
from pbcheck.scoring.engine import score
from pbcheck.scoring.feedback import lost_points
from pbcheck.season.events import (
    RectificationClosed,
    RectificationRaised,
    RectificationRechecked,
    RectificationUpdated,
)
from pbcheck.season.rectification import (
    RectificationEvent,
    RectificationItem,
    RectificationStatus,
    carry_over,
    propose_rectification,
)
from pbcheck.testing._season_calendar import rectification_histories

BEIJING = timezone(timedelta(hours=8))
AT = datetime(2026, 6, 20, 9, 0, tzinfo=BEIJING)


def at(days: int) -> datetime:
    return AT + timedelta(days=days)


def raised_event(**changes: object) -> RectificationRaised:
    event = RectificationRaised(
        at=AT,
        actor="office",
        item_id="ZG-2026-001",
        unit_id="czj",
        problem="“三会一课”记录不全",
        basis="lost_points",
        responsible="周明华",
        deadline=date(2026, 9, 20),
        measures=["建立会议记录台账"],
    )
    return attrs.evolve(event, **changes)  # type: ignore[arg-type]


def update(days: int, **changes: object) -> RectificationUpdated:
    event = RectificationUpdated(
        at=at(days), actor="office", item_id="ZG-2026-001", progress="已制定整改方案"
    )
    return attrs.evolve(event, **changes)  # type: ignore[arg-type]


def close(days: int, **changes: object) -> RectificationClosed:
    event = RectificationClosed(
        at=at(days), actor="office", item_id="ZG-2026-001", reason="整改完成"
    )
    return attrs.evolve(event, **changes)  # type: ignore[arg-type]


def recheck(days: int, *, holds: bool) -> RectificationRechecked:
    return RectificationRechecked(
        at=at(days), actor="office", item_id="ZG-2026-001", holds=holds, reason="回头看"
    )


@pytest.fixture(scope="module")
def results() -> Results:
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(2025),
        example_evaluations(2025),
    )


@pytest.fixture(scope="module")
def earlier() -> Results:
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(2024),
        example_evaluations(2024),
    )


class TestItem:
    def test_raised_copies_the_event(self) -> None:
        """An item raised holds the event's fields, open, with no records yet."""
        item = RectificationItem.raised(raised_event(indicator_id="B3"))
        assert (item.item_id, item.unit_id, item.responsible) == (
            "ZG-2026-001",
            "czj",
            "周明华",
        )
        assert item.measures == ("建立会议记录台账",)
        assert item.indicator_id == "B3"
        assert item.status is RectificationStatus.OPEN
        assert (item.raised_at, item.raised_by) == (AT, "office")
        assert (item.closed_at, item.evidence, item.progress) == (None, (), ())

    def test_raised_refuses_another_event(self) -> None:
        """Only a RectificationRaised raises an item."""
        with pytest.raises(InvalidTypeError):
            RectificationItem.raised(update(1))  # type: ignore[arg-type]

    def test_update_adds_measures_and_moves_the_deadline(self) -> None:
        """Progress is kept, measures are added, a new deadline replaces the old."""
        item = RectificationItem.raised(raised_event())
        moved = item.updated(
            update(3, measures=["每月检查记录"], deadline=date(2026, 10, 31))
        )
        assert moved.measures == ("建立会议记录台账", "每月检查记录")
        assert moved.deadline == date(2026, 10, 31)
        assert len(moved.progress) == 1
        assert item.deadline == date(2026, 9, 20)  # the old item is unchanged
        assert moved.updated(update(4)).deadline == date(2026, 10, 31)

    def test_update_refuses_a_deadline_before_it_was_raised(self) -> None:
        """A deadline before the day the item was raised is refused, naming both."""
        item = RectificationItem.raised(raised_event())
        with pytest.raises(
            RefusedError, match="2026-06-01 is before the item was raised"
        ):
            item.updated(update(1, deadline=date(2026, 6, 1)))

    def test_close_sets_evidence_and_time(self) -> None:
        """A closed item shows when and on what evidence."""
        from pbcheck import Evidence

        proof = Evidence("document", "ZG-2026-001-整改报告.pdf")
        item = RectificationItem.raised(raised_event()).closed(
            close(30, evidence=[proof])
        )
        assert item.status is RectificationStatus.CLOSED
        assert item.closed_at == at(30)
        assert item.evidence == (proof,)

    def test_closing_a_closed_item_is_refused(self) -> None:
        """销号 twice is refused, naming the day of the first."""
        item = RectificationItem.raised(raised_event()).closed(close(30))
        with pytest.raises(RefusedError) as caught:
            item.closed(close(31))
        assert caught.value.action == "close rectification item ZG-2026-001"
        assert "already closed (销号) on 2026-07-20" in caught.value.reason

    def test_updating_a_closed_item_is_refused(self) -> None:
        """A closed item takes no progress until a 回头看 reopens it."""
        item = RectificationItem.raised(raised_event()).closed(close(30))
        with pytest.raises(RefusedError, match="closed"):
            item.updated(update(31))

    def test_rechecking_an_open_item_is_refused(self) -> None:
        """回头看 looks at closed items only."""
        item = RectificationItem.raised(raised_event())
        with pytest.raises(RefusedError, match="not closed"):
            item.rechecked(recheck(5, holds=True))

    def test_a_recheck_that_holds_keeps_it_closed(self) -> None:
        """A 回头看 that holds records itself and changes nothing else."""
        closed = RectificationItem.raised(raised_event()).closed(close(30))
        held = closed.rechecked(recheck(90, holds=True))
        assert held.status is RectificationStatus.CLOSED
        assert held.closed_at == closed.closed_at
        assert len(held.rechecks) == 1

    def test_a_recheck_that_fails_reopens_it(self) -> None:
        """A failed 回头看 reopens the item, which can be updated and closed again."""
        item = (
            RectificationItem.raised(raised_event())
            .closed(close(30))
            .rechecked(recheck(90, holds=False))
        )
        assert item.status is RectificationStatus.REOPENED
        assert (item.closed_at, item.evidence) == (None, ())
        again = item.updated(update(91, deadline=date(2026, 12, 31))).closed(close(120))
        assert again.status is RectificationStatus.CLOSED
        assert len(again.closings) == 2

    def test_an_event_for_another_item_is_refused(self) -> None:
        """Each transition checks the item id."""
        item = RectificationItem.raised(raised_event())
        with pytest.raises(RefusedError, match="for item ZG-2026-002, not ZG-2026-001"):
            item.closed(close(3, item_id="ZG-2026-002"))

    def test_an_event_dated_before_the_last_is_refused(self) -> None:
        """Time does not run backwards on an item."""
        item = RectificationItem.raised(raised_event()).updated(update(10))
        with pytest.raises(RefusedError, match="dated before"):
            item.closed(close(5))

    def test_apply_dispatches_and_refuses_a_second_raise(self) -> None:
        """``apply`` takes each follow-up event; raising the same item again is refused."""
        item = RectificationItem.raised(raised_event())
        assert item.apply(close(3)).status is RectificationStatus.CLOSED
        with pytest.raises(RefusedError, match="already raised"):
            item.apply(raised_event())  # type: ignore[arg-type]
        with pytest.raises(InvalidTypeError):
            item.apply("close")  # type: ignore[arg-type]


class TestOverdue:
    def test_the_deadline_day_is_not_overdue(self) -> None:
        """Overdue begins the day after the deadline."""
        item = RectificationItem.raised(raised_event())
        assert not item.overdue(date(2026, 9, 20))
        assert item.overdue(date(2026, 9, 21))

    def test_a_closed_item_is_never_overdue(self) -> None:
        """Closing stops the clock."""
        item = RectificationItem.raised(raised_event()).closed(close(200))
        assert not item.overdue(date(2027, 6, 1))

    def test_a_reopened_item_keeps_its_old_deadline(self) -> None:
        """Reopened after the deadline, it is overdue until an update moves it."""
        item = (
            RectificationItem.raised(raised_event())
            .closed(close(30))
            .rechecked(recheck(100, holds=False))
        )
        assert item.overdue(date(2026, 10, 1))
        moved = item.updated(update(101, deadline=date(2026, 12, 31)))
        assert not moved.overdue(date(2026, 10, 1))

    def test_as_of_must_be_a_date(self) -> None:
        """A datetime is refused, naming as_of."""
        item = RectificationItem.raised(raised_event())
        with pytest.raises(InvalidTypeError) as caught:
            item.overdue(datetime(2026, 10, 1, tzinfo=UTC))
        assert caught.value.steps == ("as_of",)


def _model(events: tuple[RectificationEvent, ...]) -> tuple[str, int, date]:
    """A reference fold: the status, how many events applied, the deadline."""
    status, applied, deadline = "open", 0, date(1, 1, 1)
    for event in events:
        if isinstance(event, RectificationUpdated):
            if status == "closed":
                continue
            if event.deadline is not None:
                if event.deadline < AT.date():
                    continue
                deadline = event.deadline
        elif isinstance(event, RectificationClosed):
            if status == "closed":
                continue
            status = "closed"
        elif isinstance(event, RectificationRechecked):
            if status != "closed":
                continue
            status = "closed" if event.holds else "reopened"
        applied += 1
    return status, applied, deadline


class TestFold:
    @given(rectification_histories())
    def test_the_fold_follows_the_rules(
        self, history: tuple[RectificationRaised, tuple[RectificationEvent, ...]]
    ) -> None:
        """Folding any run of events gives the status a plain reference fold gives,
        and every refused event leaves the item exactly as it was."""
        raised, later = history
        item = RectificationItem.raised(raised)
        for event in later:
            before = item
            try:
                item = item.apply(event)  # type: ignore[arg-type]
            except RefusedError:
                assert item == before
        status, applied, deadline = _model(later)
        assert item.status.value == status
        assert len(item.progress) + len(item.closings) + len(item.rechecks) == applied
        if deadline != date(1, 1, 1):
            assert item.deadline == deadline
        assert item.closed_at is None or item.status is RectificationStatus.CLOSED


class TestPropose:
    def test_every_unit_that_lost_points_gets_an_item_in_tree_order(
        self, results: Results
    ) -> None:
        """One 失分清单 item per unit, in the tree's order, numbered from 001."""
        items = propose_rectification(results, at=AT, actor="office")
        order = [unit.id for unit in results.tree if unit.id != "JGGW"]
        assert [i.unit_id for i in items] == order
        assert [i.item_id for i in items][:2] == ["ZG-2026-001", "ZG-2026-002"]
        assert {i.basis for i in items} == {"lost_points"}

    def test_a_later_batch_continues_the_numbering(self, results: Results) -> None:
        """``first_number`` starts the ids where the ledger's numbering stands."""
        items = propose_rectification(results, at=AT, actor="office", first_number=998)
        assert [i.item_id for i in items[:3]] == [
            "ZG-2026-0998",
            "ZG-2026-0999",
            "ZG-2026-1000",
        ]

    def test_proposals_are_deterministic(self, results: Results) -> None:
        """The same results propose the same events."""
        assert propose_rectification(
            results, at=AT, actor="office"
        ) == propose_rectification(results, at=AT, actor="office")

    def test_the_responsible_person_is_the_secretary(self, results: Results) -> None:
        """责任人 is the unit's 书记 from the tree."""
        (first, *_) = propose_rectification(results, at=AT, actor="office")
        secretary = next(
            p
            for p in results.tree[first.unit_id].responsible
            if p.role is Role.SECRETARY
        )
        assert first.responsible == secretary.name

    def test_deadline_in_calendar_months(self, results: Results) -> None:
        """31 May + 1 month is 30 June; 20 June + 3 months is 20 September."""
        late_may = datetime(2026, 5, 31, 9, tzinfo=BEIJING)
        (one, *_) = propose_rectification(results, at=late_may, actor="o", months=1)
        assert one.deadline == date(2026, 6, 30)
        (three, *_) = propose_rectification(results, at=AT, actor="o")
        assert three.deadline == date(2026, 9, 20)

    def test_the_problem_lists_the_main_losses_rounded(self, results: Results) -> None:
        """The 失分清单 text names the largest losses by the rubric's rounding,
        the total, and how many more items lost points; no fractions."""
        (item, *_) = propose_rectification(results, at=AT, actor="o", main_items=3)
        card = results.scorecard(item.unit_id)
        lines = lost_points(card, results.rubric_of(item.unit_id))
        losing = sorted((x for x in lines if x.lost > 0), key=lambda x: -x.lost)
        total = sum((x.lost for x in lines), Fraction(0))
        assert f"共失 {card.show(total)} 分" in item.problem
        for line in losing[:3]:
            assert f"“{line.title}”（{line.item_id}）失 {card.show(line.lost)} 分" in (
                item.problem
            )
        assert f"“{losing[3].title}”" not in item.problem
        assert f"另有 {len(losing) - 3} 项" in item.problem
        assert "/" not in item.problem
        assert re.findall(r"失 (\S+) 分", item.problem) == [
            card.show(total),
            *(card.show(x.lost) for x in losing[:3]),
            card.show(sum((x.lost for x in losing[3:]), Fraction(0))),
        ]

    def test_consequence_items_take_the_rules_deadline_and_basis(
        self, results: Results
    ) -> None:
        """Bottom, grade and veto rules give items with their basis and due date;
        actions that are not rectifications (约谈) give none."""
        rules = [
            ConsequenceRule(
                "bottom",
                OnBottom(),
                [EscalationStep("rectification", "限期整改", "主要领导", months=2)],
            ),
            ConsequenceRule(
                "poor",
                OnGrade(["差"]),
                [
                    EscalationStep("talk", "约谈", "机关工委", days=30),
                    EscalationStep(
                        "report", "提交书面整改报告", "单位党组织", months=1
                    ),
                ],
            ),
            ConsequenceRule(
                "veto",
                OnVeto(),
                [EscalationStep("rectification", "限期整改", "主要领导", months=3)],
            ),
        ]
        items = propose_rectification(
            results, at=AT, actor="o", rules=rules, lost_points=False
        )
        by_basis: dict[str, list[RectificationRaised]] = {}
        for entry in items:
            by_basis.setdefault(entry.basis, []).append(entry)
        bottom = set(results.outcomes.bottom.unit_ids)
        poor = {g.unit_id for g in results.outcomes.grades if g.label == "差"}
        vetoed = {c.unit_id for c in results.scorecards if c.disqualified}
        assert {i.unit_id for i in by_basis["bottom"]} == bottom
        assert {i.unit_id for i in by_basis["grade"]} == poor
        assert len(by_basis["grade"]) == len(poor)  # 约谈 is not an item
        assert {i.unit_id for i in by_basis["veto"]} == vetoed
        assert {i.deadline for i in by_basis["bottom"]} == {date(2026, 8, 15)}
        assert {i.deadline for i in by_basis["grade"]} == {date(2026, 7, 15)}
        assert all("提交书面整改报告" in i.problem for i in by_basis["grade"])

    def test_a_streak_rule_reads_the_history(
        self, results: Results, earlier: Results
    ) -> None:
        """Under the default rules (two cycles at the bottom) only units at the
        bottom in both cycles get an item, and only for 限期整改."""
        history = History([earlier.cycle_result(), results.cycle_result()])
        items = propose_rectification(
            results,
            at=AT,
            actor="o",
            rules=DEFAULT_CONSEQUENCE_RULES,
            history=history,
            lost_points=False,
        )
        both = set(earlier.outcomes.bottom.unit_ids) & set(
            results.outcomes.bottom.unit_ids
        )
        assert {i.unit_id for i in items} == both
        assert len(items) == len(both)
        assert all(i.basis == "bottom" and "限期整改" in i.problem for i in items)
        assert not propose_rectification(results, at=AT, actor="o", lost_points=False)

    def test_a_history_not_ending_with_the_results_is_refused(
        self, results: Results, earlier: Results
    ) -> None:
        """The history's latest cycle must be the results' own."""
        with pytest.raises(InvalidValueError) as caught:
            propose_rectification(
                results,
                at=AT,
                actor="o",
                history=History([earlier.cycle_result()]),
            )
        assert caught.value.steps == ("history",)

    def test_units_without_a_secretary_are_named(self, results: Results) -> None:
        """Every unit needing an item but lacking a 书记 is named, and nothing is proposed."""
        units = [
            attrs.evolve(
                unit,
                responsible=[ResponsiblePerson("马玉洁", Role.ADMINISTRATIVE_HEAD)],
            )
            if unit.id in {"ZF01", "DQ02"}
            else unit
            for unit in results.tree
        ]
        tree = OrgTree(units, series=results.tree.series)
        bare = attrs.evolve(results, tree=tree)
        with pytest.raises(ValidationError) as caught:
            propose_rectification(bare, at=AT, actor="o")
        assert [p.steps for p in caught.value.problems] == [
            ("unit", _id("ZF01"), "responsible"),
            ("unit", _id("DQ02"), "responsible"),
        ]
        assert all(isinstance(p, UnknownReferenceError) for p in caught.value.problems)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("at", datetime(2026, 6, 20, 9)),  # noqa: DTZ001 - the naive time refused
            ("actor", " "),
            ("months", 0),
            ("id_prefix", ""),
            ("main_items", True),
            ("first_number", 0),
        ],
    )
    def test_bad_arguments_are_named(
        self, results: Results, name: str, value: object
    ) -> None:
        """Each bad argument is refused with its name."""
        arguments: dict[str, object] = {"at": AT, "actor": "o"}
        arguments[name] = value
        with pytest.raises(InvalidValueError) as caught:
            propose_rectification(results, **arguments)  # type: ignore[arg-type]
        assert caught.value.steps == (name,)


def _id(value: str) -> object:
    from pbcheck.errors import Id

    return Id(value)


def _item(deadline: date, **changes: object) -> RectificationItem:
    return attrs.evolve(
        RectificationItem.raised(raised_event(deadline=deadline)),
        **changes,  # type: ignore[arg-type]
    )


class TestCarryOver:
    NEXT = example_cycle(2026)

    def test_an_overdue_item_becomes_an_incident(self) -> None:
        """Dated the day after its deadline, naming the item in note and evidence."""
        (incident,) = carry_over(
            [_item(date(2026, 9, 20))],
            as_of=date(2026, 10, 8),
            deduction_item_id="K9",
            cycle=self.NEXT,
        )
        assert incident.item_id == "K9"
        assert incident.occurred_at == date(2026, 9, 21)
        assert incident.source is Source.LEDGER
        assert incident.evidence[0].ref == "ZG-2026-001"
        assert "ZG-2026-001（czj）逾期未完成整改" in incident.note

    def test_a_deadline_before_the_cycle_dates_it_at_the_start(self) -> None:
        """An item late since the previous cycle is dated on the cycle's first day."""
        (incident,) = carry_over(
            [_item(date(2026, 3, 31))],
            as_of=date(2026, 5, 10),
            deduction_item_id="K9",
            cycle=self.NEXT,
        )
        assert incident.occurred_at == self.NEXT.start

    def test_closed_and_timely_items_stay(self) -> None:
        """Closed items and items within their deadline carry nothing; reopened ones do."""
        closed = RectificationItem.raised(raised_event()).closed(close(10))
        timely = _item(date(2026, 12, 31))
        reopened = closed.rechecked(recheck(20, holds=False))
        carried = carry_over(
            [closed, timely, reopened],
            as_of=date(2026, 10, 8),
            deduction_item_id="K9",
            cycle=self.NEXT,
        )
        assert len(carried) == 1
        assert "重新整改" in carried[0].note

    def test_as_of_must_fall_in_the_cycle(self) -> None:
        """A look from outside the next cycle is refused, naming as_of."""
        with pytest.raises(InvalidValueError) as caught:
            carry_over(
                [], as_of=date(2026, 4, 1), deduction_item_id="K9", cycle=self.NEXT
            )
        assert caught.value.steps == ("as_of",)

    def test_the_rubric_must_define_the_deduction(self) -> None:
        """With the next rubric given, an unknown deduction item is refused, naming it."""
        with pytest.raises(UnknownReferenceError, match="it has K1, K2"):
            carry_over(
                [],
                as_of=date(2026, 10, 8),
                deduction_item_id="K9",
                cycle=self.NEXT,
                rubric=example_rubric(),
            )

    def test_the_next_rubric_deducts_for_it(self) -> None:
        """A rubric with a 逾期未整改 deduction takes its points for the incident."""
        rubric = attrs.evolve(
            example_rubric(),
            deductions=(
                *example_rubric().deductions,
                Deduction("K9", "整改逾期未完成", points=1),
            ),
        )
        this = example_cycle(2025)  # the example has records for 2024 and 2025
        (incident,) = carry_over(
            [_item(date(2025, 9, 20))],
            as_of=date(2025, 10, 8),
            deduction_item_id="K9",
            cycle=this,
            rubric=rubric,
        )
        evaluation = next(e for e in example_evaluations(2025) if e.unit_id == "ZF01")
        with_it: Evaluation = attrs.evolve(
            evaluation, incidents=(*evaluation.incidents, incident)
        )
        before = score(rubric, evaluation, cycle=this)
        after = score(rubric, with_it, cycle=this)
        assert before.total - after.total == 1
