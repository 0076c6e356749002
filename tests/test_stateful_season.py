"""A whole assessment history driven step by step, checked against a fresh computation.

The state machine plays a working committee over several cycles: it adds
units, renames units between cycles (a new id with a succession), records and
re-records evaluations, re-scores only what changed, and closes cycles into a
:class:`~pbcheck.outcomes.history.History`.  After every step the incrementally kept
scorecards must equal a from-scratch :func:`~pbcheck.score_all`; outcomes must
not depend on the order of the cards; and the escalations of the latest cycle
must match a simple model of bottom streaks that follows renamed units.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from pbcheck import AssessmentCycle, Evaluation, Incident, Observation, score, score_all
from pbcheck.examples.small import simple_rubric
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.outcomes.history import CycleResult, History, escalations
from pbcheck.outcomes.season import Outcomes, assess_outcomes
from pbcheck.scoring.scorecard import Scorecard

SERIES = ("政府工作部门", "党群部门")
RUBRIC = simple_rubric()
FIRST_YEAR = 2021
# Few distinct values, so that ties (which decide who is last) are common.
TOTALS = st.sampled_from([Fraction(v) for v in (55, 60, 75, 80, 90)])


class SeasonMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.year = FIRST_YEAR
        self.next_number = 0
        self.units: dict[str, str] = {}  # unit id -> series, in insertion order
        self.evaluations: dict[str, Evaluation] = {}
        self.cards: dict[str, Scorecard] = {}  # kept incrementally
        self.results: list[CycleResult] = []
        self.successions: dict[str, dict[str, str]] = {}
        self.renamed_from: dict[str, str] = {}  # this cycle: new id -> old id
        self.assessed_before: set[str] = set()
        self.streaks: dict[str, int] = {}  # model: bottom streak per unit id
        self.expected_escalated: set[str] = set()

    # -- helpers ---------------------------------------------------------
    def _new_id(self) -> str:
        self.next_number += 1
        return f"u{self.next_number}"

    def tree(self) -> OrgTree:
        root = OrgUnit("gw", "江城市直机关工委", UnitKind.WORKING_COMMITTEE)
        return OrgTree(
            [root]
            + [
                OrgUnit(uid, f"单位{uid}", UnitKind.PARTY_COMMITTEE, "gw", series)
                for uid, series in self.units.items()
            ]
        )

    def cycle(self) -> AssessmentCycle:
        return AssessmentCycle.cross_year(self.year)

    def outcomes(self, cards: list[Scorecard]) -> Outcomes:
        # Units join mid-cycle without evaluations: a partial season, marked so.
        return assess_outcomes(cards, self.tree(), cycle=self.cycle(), partial=True)

    # -- rules -----------------------------------------------------------
    @initialize(series=st.lists(st.sampled_from(SERIES), min_size=2, max_size=4))
    def start(self, series: list[str]) -> None:
        for name in series:
            self.units[self._new_id()] = name

    @rule(series=st.sampled_from(SERIES))
    @precondition(lambda self: len(self.units) < 8)
    def add_unit(self, series: str) -> None:
        self.units[self._new_id()] = series

    @rule(data=st.data())
    @precondition(
        lambda self: any(
            u in self.assessed_before and u not in self.renamed_from.values()
            for u in self.units
        )
    )
    def rename_unit(self, data: st.DataObject) -> None:
        candidates = [
            u
            for u in self.units
            if u in self.assessed_before and u not in self.renamed_from.values()
        ]
        old = data.draw(st.sampled_from(candidates))
        new = self._new_id()
        self.units = {(new if u == old else u): s for u, s in self.units.items()}
        self.renamed_from[new] = old
        if old in self.evaluations:
            kept = self.evaluations.pop(old)
            self.evaluations[new] = Evaluation(
                new, kept.observations, incidents=kept.incidents
            )
            self.cards.pop(old)
            self.cards[new] = score(RUBRIC, self.evaluations[new])

    @rule(data=st.data(), total=TOTALS, vetoed=st.booleans())
    def record(self, data: st.DataObject, total: Fraction, vetoed: bool) -> None:
        unit = data.draw(st.sampled_from(sorted(self.units)))
        self._record(unit, total, vetoed)

    def _record(self, unit: str, total: Fraction, vetoed: bool) -> None:
        incidents = [Incident("V", self.cycle().start)] if vetoed else []
        self.evaluations[unit] = Evaluation(
            unit, [Observation("i", total)], incidents=incidents
        )
        # Incremental: only the unit that changed is scored again.
        self.cards[unit] = score(RUBRIC, self.evaluations[unit], cycle=self.cycle())

    @rule(data=st.data())
    @precondition(lambda self: set(self.evaluations) != set(self.units))
    def record_the_rest(self, data: st.DataObject) -> None:
        for unit in sorted(set(self.units) - set(self.evaluations)):
            self._record(unit, data.draw(TOTALS), data.draw(st.booleans()))

    @rule()
    @precondition(lambda self: set(self.evaluations) == set(self.units))
    def close_cycle(self) -> None:
        outcomes = self.outcomes(list(self.cards.values()))
        self.results.append(outcomes.cycle_result(self.cycle()))
        if self.renamed_from:
            self.successions[self.cycle().label_zh] = {
                old: new for new, old in self.renamed_from.items()
            }
        history = History(self.results, successions=self.successions)

        bottom = set(outcomes.bottom.unit_ids)
        streaks = {}
        for unit in self.units:
            before = self.renamed_from.get(unit, unit)
            previous = self.streaks.get(before, 0)
            streaks[unit] = previous + 1 if unit in bottom else 0
        self.streaks = streaks
        self.expected_escalated = {u for u, n in streaks.items() if n >= 2}
        escalated = {a.unit_id for a in escalations(history, latest_only=True)}
        assert escalated == self.expected_escalated

        self.assessed_before = set(self.units)
        self.renamed_from = {}
        self.evaluations = {}
        self.cards = {}
        self.year += 1

    # -- invariants ------------------------------------------------------
    @invariant()
    def incremental_cards_equal_a_fresh_scoring(self) -> None:
        fresh = score_all(RUBRIC, list(self.evaluations.values()), cycle=self.cycle())
        assert {c.unit_id: c for c in fresh} == self.cards

    @invariant()
    def outcomes_do_not_depend_on_card_order(self) -> None:
        if not self.cards:
            return
        cards = list(self.cards.values())
        forward, backward = self.outcomes(cards), self.outcomes(cards[::-1])
        assert forward == backward
        assert str(forward) == str(backward)

    @invariant()
    def every_unit_with_a_card_is_ranked_once(self) -> None:
        if not self.cards:
            return
        outcomes = self.outcomes(list(self.cards.values()))
        ranked = [e.unit_id for table in outcomes.rankings.values() for e in table]
        assert sorted(ranked) == sorted(self.cards)


SeasonMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None
)
TestSeason = SeasonMachine.TestCase
