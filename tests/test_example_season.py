"""The bundled example season (江城市直机关) is one an office would recognise."""

import re
from collections import Counter

import pytest

from pbcheck import History, assess_outcomes, escalations, score_all
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_policy,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.model.evaluation import Source
from pbcheck.model.org import (
    SERIES_GOVERNMENT,
    SERIES_PARTY_MASS,
    SERIES_VERTICAL,
    UnitKind,
)
from pbcheck.report import CycleReport, to_csv
from pbcheck.scoring.audit import audit_trail


@pytest.fixture(scope="module")
def seasons():
    """Both years scored and assessed with the default policy."""
    tree, rubrics = example_tree(), example_rubrics()
    out = {}
    for year in EXAMPLE_YEARS:
        cycle = example_cycle(year)
        cards = score_all(rubrics, example_evaluations(year), tree=tree, cycle=cycle)
        out[year] = (cycle, cards, assess_outcomes(cards, tree, cycle=cycle))
    return out


class TestOrganisations:
    def test_names_are_written_as_offices_write_them(self):
        """No doubled words, no 党组 as a unit, names end in the organisation's kind."""
        for unit in example_tree():
            assert not re.search(r"(机关|党委|党总支|党支部)\1", unit.name), unit.name
            assert unit.kind is not UnitKind.PARTY_GROUP
            if unit.parent:
                assert unit.name.endswith(unit.kind.label_zh), unit.name

    def test_no_dissolved_bodies(self):
        """Bodies merged away in the 2018–2024 reforms are not in the tree."""
        gone = ("工商局", "质监局", "质量技术监督", "食品药品监督", "国家税务局", "地方税务局",
                "检验检疫", "农村工作办公室", "乡村振兴局", "盐务", "银保监")  # fmt: skip
        names = [unit.name for unit in example_tree()]
        assert not [n for n in names if any(g in n for g in gone)]

    def test_three_series_a_mix_of_kinds_and_eight_groups(self):
        """About ninety units; 机关党委, 党总支 and 党支部 all occur; 8 liaison groups."""
        tree = example_tree()
        units = [unit for unit in tree if unit.parent]
        assert 80 <= len(units) <= 95
        assert {u.series for u in units} == {
            SERIES_GOVERNMENT,
            SERIES_PARTY_MASS,
            SERIES_VERTICAL,
        }
        kinds = Counter(u.kind for u in units)
        assert min(kinds[k] for k in (UnitKind.PARTY_COMMITTEE, UnitKind.GENERAL_BRANCH, UnitKind.BRANCH)) >= 10  # fmt: skip
        assert len({u.liaison_group for u in units}) == 8

    def test_vertical_units_are_guided_by_their_system(self):
        """Every vertically managed unit, and only those, names who guides it."""
        for unit in example_tree():
            assert (unit.guided_by is not None) == (unit.series == SERIES_VERTICAL)

    def test_two_distinct_responsible_people_each(self):
        """Each letter names a secretary and a head, nobody twice in the tree."""
        people = [p.name for u in example_tree() for p in u.responsible]
        assert len(people) == len(set(people)) == 2 * (len(example_tree()) - 1)


class TestRubric:
    def test_political_building_first_and_the_seeds_shape(self):
        """70/30, 政治建设 first in the 2019 条例's order, bonus capped at 10."""
        rubric = example_rubric()
        assert [(s.title, s.weight) for s in rubric.sections] == [
            ("机关党建常规工作", 70),
            ("服务发展、有效履职", 30),
        ]
        parts = [p.title for p in rubric.sections[0].sections]
        assert parts[:5] == ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设"]
        assert rubric.bonus.cap == 10

    def test_meeting_frequencies_and_their_sources(self):
        """Three meetings at the 2018 条例's frequencies; 党课 labelled as the rubric's own."""
        rubric = example_rubric()
        expected = {"A3.1.1": "quarter", "A3.1.2": "month", "A3.1.3": "month"}
        for indicator_id, per in expected.items():
            indicator = rubric.indicator(indicator_id)
            assert indicator.rule.per == per
            assert "支部工作条例" in indicator.description
        assert "不是条例的规定" in rubric.indicator("A3.1.4").description

    def test_each_series_has_its_own_b3(self):
        """One template; its slot B3 holds different indicators per series."""
        rubrics = example_rubrics()
        b3 = {
            unit_id: {i.id for i in rubrics.rubric_for(unit_id).indicators()}
            - {i.id for i in rubrics.rubric_for("ZF01").indicators()}
            for unit_id in ("DQ01", "CZ01")
        }
        assert b3["DQ01"]
        assert b3["CZ01"]
        assert not b3["DQ01"] & b3["CZ01"]
        assert len({r.id for r in rubrics}) == 1


class TestRecords:
    def test_ballots_spot_checks_and_reasons_for_waivers(self):
        """Nine 民主测评 ballots per unit, one 明察暗访 finding, reasons for 合理缺项."""
        evaluations = example_evaluations(2025)
        for evaluation in evaluations:
            ballots = [o for o in evaluation.observations if o.indicator_id == "A1.3.1"]
            assert len(ballots) == 9
            spot = [o for o in evaluation.observations if o.source is Source.SPOT_CHECK]
            assert [o.indicator_id for o in spot] == ["A4.1.2"]
            assert all(marker.reason for marker in evaluation.not_applicable)
        village = {
            e.unit_id
            for e in evaluations
            if any(m.indicator_id.startswith("B1.") for m in e.not_applicable)
        }
        assert village == {"DQ15", "DQ17", "DQ31"}

    def test_series_filter_keeps_the_same_records(self):
        """A series' evaluations are the whole season's for its units."""
        whole = {e.unit_id: e for e in example_evaluations(2025)}
        for evaluation in example_evaluations(2025, SERIES_VERTICAL):
            assert whole[evaluation.unit_id] == evaluation


class TestOutcomes:
    def test_totals_are_believable(self, seasons):
        """Most totals lie between 85 and 98; a few units are weak; none below 60."""
        for _, cards, _ in seasons.values():
            totals = [float(card.total) for card in cards]
            within = sum(85 <= t <= 98 for t in totals)
            assert within >= 0.85 * len(totals)
            assert 1 <= sum(t < 85 for t in totals) <= 5
            assert min(totals) > 60

    def test_one_veto_case(self, seasons):
        """ZF12 is vetoed in 2025 and is the only vetoed unit of both years."""
        vetoed = {
            year: [c.unit_id for c in cards if c.disqualified]
            for year, (_, cards, _) in seasons.items()
        }
        assert vetoed == {2024: [], 2025: ["ZF12"]}

    def test_the_persistently_weak_unit_is_escalated(self, seasons):
        """ZF15 is at the bottom of its series both years, the only unit escalated."""
        results = [o.cycle_result(c) for c, _, o in seasons.values()]
        for _, _, outcomes in seasons.values():
            assert "ZF15" in outcomes.bottom.unit_ids
        actions = escalations(History(results), latest_only=True)
        assert {a.unit_id for a in actions} == {"ZF15"}

    def test_the_discipline_commission_is_assessed_not_ranked(self, seasons):
        """With the example's policy DQ01 has a grade and no place in a table."""
        cycle, cards, _ = seasons[2025]
        outcomes = assess_outcomes(cards, example_tree(), example_policy(), cycle=cycle)
        assert outcomes.grades.of("DQ01").label
        assert all("DQ01" not in table for table in outcomes.rankings.values())


def test_audit_table_holds_the_waivers():
    """A report's audit table lists 合理缺项 markers beside the other records."""
    series = SERIES_PARTY_MASS
    rubric, tree, cycle = example_rubric(series), example_tree(series), example_cycle()
    evaluations = example_evaluations(2025, series)
    trail = audit_trail(rubric, evaluations, cycle=cycle, tree=tree)
    cards = score_all(rubric, evaluations, tree=tree, cycle=cycle)
    report = CycleReport.build(
        cards,
        assess_outcomes(cards, tree, cycle=cycle),
        tree=tree,
        rubric=rubric,
        cycle=cycle,
        audit=trail,
    )
    table = to_csv(report, "audit")
    assert len(table.splitlines()) - 1 == len(trail)
    assert "合理缺项" in table
