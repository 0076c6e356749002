"""The audit trail: every input record appears once, with its status (issue 8)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle, assess_outcomes
from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_tree,
)
from pbcheck.examples.small import org_tree, simple_rubric
from pbcheck.model.aggregation import TrimmedMean
from pbcheck.model.evaluation import Activity, Evaluation, Incident, Observation, Source
from pbcheck.model.org import SERIES_GOVERNMENT
from pbcheck.model.rubric import BonusPool, Deduction, Indicator, Rubric, Veto
from pbcheck.model.rules import DirectScore
from pbcheck.report import (
    CycleReport,
    to_csv,
    to_html,
    to_markdown,
    to_workbook,
    write_report,
)
from pbcheck.scoring.audit import AuditStatus, AuditTrail, audit_trail
from pbcheck.scoring.engine import score, score_all
from pbcheck.scoring.scorecard import Record, Scorecard
from pbcheck.testing import evaluations_for, rubric_and_evaluation, rubrics

_DAY = date(2025, 9, 1)


def _records(evaluations: list[Evaluation]) -> int:
    return sum(
        len(e.observations)
        + len(e.activities)
        + len(e.incidents)
        + len(e.not_applicable)
        for e in evaluations
    )


def _explained(card: Scorecard) -> list[Record]:
    """Every record the scorecard's explanation of its total lists."""
    return [
        record
        for explanation in card.explain().walk()
        for record in explanation.records
    ]


def _check_invariants(trail: AuditTrail, evaluations: list[Evaluation]) -> None:
    """One entry per record, each record once, in input order."""
    assert len(trail) == _records(evaluations)
    keys = [(e.evaluation_index, e.kind, e.index) for e in trail]
    assert len(set(keys)) == len(keys)
    expected = [
        (position, kind, index)
        for position, evaluation in enumerate(evaluations)
        for kind, records in (
            ("observation", evaluation.observations),
            ("activity", evaluation.activities),
            ("incident", evaluation.incidents),
            ("not_applicable", evaluation.not_applicable),
        )
        for index in range(len(records))
    ]
    assert keys == expected
    for entry in trail:
        evaluation = evaluations[entry.evaluation_index]
        listed = {
            "observation": evaluation.observations,
            "activity": evaluation.activities,
            "incident": evaluation.incidents,
            "not_applicable": evaluation.not_applicable,
        }[entry.kind]
        assert listed[entry.index] is entry.record
        assert entry.unit_id == evaluation.unit_id
        assert entry.reason
    assert sum(trail.counts().values()) == len(trail)


class TestProperties:
    """The central invariant, on generated rubrics and evaluations."""

    @given(rubric_and_evaluation())
    def test_every_record_once_and_counted_ones_are_explained(
        self, pair: tuple[Rubric, Evaluation]
    ) -> None:
        """Valid evaluations: every record once; counted ones are in explain()."""
        rubric, evaluation = pair
        trail = audit_trail(rubric, [evaluation])
        _check_invariants(trail, [evaluation])
        assert trail.complete
        assert trail.counts()[AuditStatus.REJECTED] == 0
        assert trail.counts()[AuditStatus.NOT_SCORED] == 0
        card = score(rubric, evaluation)
        explained = _explained(card)
        for entry in trail:
            if entry.status in {AuditStatus.COUNTED, AuditStatus.CAPPED}:
                assert any(r is entry.record for r in explained), entry
        self_assessed = sum(o.source is Source.SELF for o in evaluation.observations)
        assert trail.counts()[AuditStatus.NOT_COUNTED] >= self_assessed

    @given(
        rubrics(max_depth=1, max_sections=2),
        st.data(),
    )
    def test_broken_records_are_rejected_never_lost(
        self, rubric: Rubric, data: st.DataObject
    ) -> None:
        """Bad records are reported, not raised; the count still matches."""
        units = data.draw(st.lists(st.sampled_from("abc"), min_size=1, max_size=4))
        evaluations = [data.draw(evaluations_for(rubric, unit)) for unit in units]
        broken = data.draw(st.integers(0, len(evaluations) - 1))
        bad = Observation("不存在的指标", 1)
        target = evaluations[broken]
        evaluations[broken] = attrs.evolve(
            target, observations=(*target.observations, bad)
        )
        trail = audit_trail(rubric, evaluations)
        _check_invariants(trail, evaluations)
        assert not trail.complete
        entry = next(
            e
            for e in trail
            if e.evaluation_index == broken
            and e.record is evaluations[broken].observations[-1]
        )
        assert entry.status is AuditStatus.REJECTED
        # A repeated unit is rejected whole before its records are looked at.
        assert "names no indicator" in entry.reason or "evaluated twice" in entry.reason
        with pytest.raises(ValidationError) as caught:
            score_all(rubric, evaluations)
        assert sorted(map(str, caught.value.problems)) == sorted(trail.problems)


class TestStatuses:
    """Each status, on a small hand-made example."""

    def test_self_assessment_is_recorded_not_counted(self) -> None:
        """自评 has source weight 0: kept, not counted."""
        trail = audit_trail(
            simple_rubric(),
            [
                Evaluation(
                    "czj",
                    [Observation("i", 80), Observation("i", 99, source=Source.SELF)],
                )
            ],
        )
        assert [e.status for e in trail] == [
            AuditStatus.COUNTED,
            AuditStatus.NOT_COUNTED,
        ]
        assert "自评" in trail.entries[1].reason

    def test_trimmed_mean_drops_highest_and_lowest(self) -> None:
        """去掉一个最高分、一个最低分: the dropped raters are not counted."""
        rubric = attrs.evolve(simple_rubric(), rater_aggregator=TrimmedMean())
        values = {"甲": 90, "乙": 70, "丙": 85, "丁": 88}
        evaluation = Evaluation(
            "czj", [Observation("i", v, rater=r) for r, v in values.items()]
        )
        trail = audit_trail(rubric, [evaluation])
        statuses = {e.rater: e.status for e in trail}
        assert statuses == {
            "甲": AuditStatus.NOT_COUNTED,
            "乙": AuditStatus.NOT_COUNTED,
            "丙": AuditStatus.COUNTED,
            "丁": AuditStatus.COUNTED,
        }
        assert score(rubric, evaluation).indicators["i"].points == Fraction(173, 2)

    def test_bonus_over_the_pool_cap_is_capped(self) -> None:
        """Bonus claims beyond the pool cap (加分上限) count only up to it."""
        rubric = attrs.evolve(
            simple_rubric(),
            bonus=BonusPool(
                5,
                [
                    Indicator("b", "加分", 10, DirectScore()),
                    Indicator("c", "加分二", 10, DirectScore()),
                ],
            ),
        )
        capped = Evaluation(
            "a", [Observation("i", 80), Observation("b", 4), Observation("c", 3)]
        )
        within = Evaluation("b", [Observation("i", 80), Observation("b", 4)])
        trail = audit_trail(rubric, [capped, within])
        assert [e.status for e in trail] == [
            AuditStatus.COUNTED,
            AuditStatus.CAPPED,
            AuditStatus.CAPPED,
            AuditStatus.COUNTED,
            AuditStatus.COUNTED,
        ]
        assert "加分上限" in trail.entries[1].reason

    def _deduction_rubric(self, cap: int | None, total_cap: int | None) -> Rubric:
        return attrs.evolve(
            simple_rubric(),
            deductions=[Deduction("K", "违反规定", points=2, cap=cap)],
            deduction_cap=total_cap,
        )

    @pytest.mark.parametrize(
        ("cap", "total_cap", "status", "words"),
        [
            (None, None, AuditStatus.COUNTED, "本次扣 2 分"),
            (3, None, AuditStatus.CAPPED, "本项封顶"),
            (None, 3, AuditStatus.CAPPED, "扣分上限"),
        ],
    )
    def test_deductions_under_caps(
        self, cap: int | None, total_cap: int | None, status: AuditStatus, words: str
    ) -> None:
        """Incidents of an item over its cap or the overall cap are capped."""
        rubric = self._deduction_rubric(cap, total_cap)
        evaluation = Evaluation(
            "a",
            [Observation("i", 80)],
            incidents=[Incident("K", _DAY, note="一"), Incident("K", _DAY, note="二")],
        )
        trail = audit_trail(rubric, [evaluation])
        incidents = [e for e in trail if e.kind == "incident"]
        assert [e.status for e in incidents] == [status, status]
        assert all(words in e.reason for e in incidents)

    def test_veto_incident_is_counted_with_its_effect(self) -> None:
        """A veto incident is counted and says what it does (取消评先资格)."""
        rubric = attrs.evolve(
            simple_rubric(),
            vetoes=[Veto("V", "严重违纪"), Veto("W", "重大事故", cap=60)],
        )
        evaluation = Evaluation(
            "a",
            [Observation("i", 80)],
            incidents=[Incident("V", _DAY), Incident("W", _DAY)],
        )
        entries = [e for e in audit_trail(rubric, [evaluation]) if e.kind == "incident"]
        assert [e.status for e in entries] == [AuditStatus.COUNTED] * 2
        assert "取消评先资格" in entries[0].reason
        assert "总分不超过 60 分" in entries[1].reason

    def test_other_records_of_a_broken_evaluation_are_not_scored(self) -> None:
        """A sound record beside a bad one is reported 未评分, not dropped."""
        trail = audit_trail(
            simple_rubric(),
            [
                Evaluation(
                    "a",
                    [Observation("i", 80), Observation("b", 99)],
                    incidents=[Incident("X", _DAY)],
                )
            ],
        )
        assert [e.status for e in trail] == [
            AuditStatus.NOT_SCORED,
            AuditStatus.REJECTED,
            AuditStatus.REJECTED,
        ]
        assert "must not exceed" in trail.entries[1].reason
        assert "names no deduction or veto item" in trail.entries[2].reason
        assert "另有 2 个问题" in trail.entries[0].reason

    def test_indicator_with_only_self_assessment_rejects_its_records(self) -> None:
        """No counted observation: the indicator's records carry that problem."""
        trail = audit_trail(
            simple_rubric(),
            [Evaluation("a", [Observation("i", 80, source=Source.SELF)])],
        )
        (entry,) = trail
        assert entry.status is AuditStatus.REJECTED
        assert "has no counted observation" in entry.reason

    def test_duplicate_and_unknown_units_reject_every_record(self) -> None:
        """``unit_id`` problems name the whole evaluation."""
        from pbcheck.examples.small import org_tree

        tree = org_tree({"政府工作部门": ["a"]})
        first = Evaluation("a", [Observation("i", 80)])
        again = Evaluation("a", [Observation("i", 70), Observation("b", 1)])
        stranger = Evaluation("zz", [Observation("i", 60)])
        trail = audit_trail(simple_rubric(), [first, again, stranger], tree=tree)
        assert [e.status for e in trail] == [
            AuditStatus.COUNTED,
            AuditStatus.REJECTED,
            AuditStatus.REJECTED,
            AuditStatus.REJECTED,
        ]
        assert "evaluated twice" in trail.entries[1].reason
        assert "no unit in the org tree" in trail.entries[3].reason
        assert len(trail.by_unit()["a"]) == 3


@pytest.fixture(scope="module")
def season() -> tuple[list[Evaluation], AuditTrail]:
    # One rubric per trail: the example's government series (分类考核).
    evaluations = list(example_evaluations(2025, SERIES_GOVERNMENT))
    trail = audit_trail(
        example_rubric(SERIES_GOVERNMENT),
        evaluations,
        cycle=example_cycle(2025),
        tree=example_tree(SERIES_GOVERNMENT),
    )
    return evaluations, trail


class TestExample:
    """The bundled 江城市直机关 example: every record is in the trail."""

    def test_every_record_is_in_the_trail(
        self, season: tuple[list[Evaluation], AuditTrail]
    ) -> None:
        """About 5,700 records of one series (observations, meetings, waivers), none lost.

        Not counted: every self-assessment, and the highest and lowest of each
        unit's nine 民主测评 ballots.
        """
        evaluations, trail = season
        _check_invariants(trail, evaluations)
        assert trail.complete
        assert len(trail) > 5_700
        self_assessed = sum(
            o.source is Source.SELF for e in evaluations for o in e.observations
        )
        assert trail.counts()[AuditStatus.NOT_COUNTED] == self_assessed + 2 * len(
            evaluations
        )
        assert len(trail.by_unit()) == len(evaluations)

    def test_counted_records_are_in_the_explanations(
        self, season: tuple[list[Evaluation], AuditTrail]
    ) -> None:
        """Each counted record is listed by its scorecard's explanation."""
        evaluations, trail = season
        cards = score_all(
            example_rubric(SERIES_GOVERNMENT), evaluations, cycle=example_cycle(2025)
        )
        for card, evaluation in zip(cards, evaluations, strict=True):
            explained = {id(r) for r in _explained(card)}
            entries = trail.by_unit()[evaluation.unit_id]
            counted = [e for e in entries if e.status is AuditStatus.COUNTED]
            assert all(id(e.record) in explained for e in counted)

    def test_out_of_cycle_activity_is_rejected(self) -> None:
        """An activity dated outside the cycle is rejected with the reason."""
        evaluation = example_evaluations(2025)[0]
        late = Activity(evaluation.activities[0].indicator_id, date(2027, 1, 5))
        broken = attrs.evolve(evaluation, activities=(*evaluation.activities, late))
        trail = audit_trail(example_rubric(), [broken], cycle=example_cycle(2025))
        _check_invariants(trail, [broken])
        rejected = [e for e in trail if e.status is AuditStatus.REJECTED]
        assert [e.record for e in rejected] == [late]
        assert "lies outside the cycle" in rejected[0].reason
        assert trail.counts()[AuditStatus.NOT_SCORED] == len(trail) - 1


class TestPresentation:
    """Rows, text and HTML."""

    def test_rows_match_columns(self) -> None:
        """One row per entry, as wide as the header."""
        trail = audit_trail(
            simple_rubric(), [Evaluation("a", [Observation("i", 80, rater="甲")])]
        )
        (row,) = trail.rows()
        assert dict(zip(trail.columns, row, strict=True))["评分人"] == "甲"

    def test_str_lists_what_was_not_counted(self) -> None:
        """The terminal text counts statuses and lists the other entries."""
        evaluations = [
            Evaluation(
                f"u{n}", [Observation("i", 80), Observation("i", 1, source=Source.SELF)]
            )
            for n in range(12)
        ]
        text = str(audit_trail(simple_rubric(), evaluations))
        assert text.splitlines()[0].startswith("共 24 条记录：计入 12")
        assert "evaluations[u0].observations[1]" in text
        assert "另有 2 条" in text

    def test_html_is_escaped(self) -> None:
        """The notebook view escapes what came in."""
        trail = audit_trail(simple_rubric(), [Evaluation("<b>", [Observation("x", 1)])])
        html = trail._repr_html_()
        assert "&lt;b&gt;" in html
        assert "<b>" not in html
        assert Counter(e.status for e in trail)[AuditStatus.REJECTED] == 1


class TestReport:
    """The optional 审计记录 section of :class:`~pbcheck.report.CycleReport`."""

    @staticmethod
    def _season(evaluations: list[Evaluation], audit: AuditTrail | None) -> CycleReport:
        tree = org_tree({"党群部门": [e.unit_id for e in evaluations]})
        cards = score_all(simple_rubric(), evaluations)
        return CycleReport.build(
            cards,
            assess_outcomes(cards, tree),
            tree=tree,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
            audit=audit,
        )

    @staticmethod
    def _evaluations() -> list[Evaluation]:
        return [
            Evaluation(
                unit,
                [Observation("i", 60 + n), Observation("i", 99, source=Source.SELF)],
            )
            for n, unit in enumerate("abcde")
        ]

    def test_csv_lists_every_record_whatever_the_order(self) -> None:
        """One CSV row per record; reversing the inputs changes no byte."""
        evaluations = self._evaluations()
        texts = []
        for given_order in (evaluations, evaluations[::-1]):
            trail = audit_trail(simple_rubric(), given_order)
            texts.append(to_csv(self._season(given_order, trail), "audit"))
        assert texts[0] == texts[1]
        rows = list(csv.reader(io.StringIO(texts[0].lstrip("\ufeff"))))
        assert tuple(rows[0]) == AuditTrail.columns
        assert len(rows) - 1 == _records(evaluations) == 10
        assert Counter(row[7] for row in rows[1:]) == {
            "counted": 5,
            "recorded_not_counted": 5,
        }

    def test_markdown_and_html_count_the_records(self) -> None:
        """The pages say how many records there were and of which status."""
        evaluations = self._evaluations()
        report = self._season(evaluations, audit_trail(simple_rubric(), evaluations))
        markdown = to_markdown(report)
        assert "## 审计记录" in markdown
        assert "共 10 条记录：计入 5" in markdown
        assert "无退回记录" in markdown
        assert 'id="audit"' in to_html(report, charts=False)

    def test_without_a_trail_nothing_changes(self) -> None:
        """No audit= : no section, and the audit table is refused."""
        report = self._season(self._evaluations(), None)
        assert "审计记录" not in to_markdown(report)
        with pytest.raises(InvalidValueError, match="audit="):
            to_csv(report, "audit")

    def test_write_report_writes_the_audit_table(self, tmp_path: Path) -> None:
        """``write_report`` adds ``report-audit.csv`` only with a trail."""
        evaluations = self._evaluations()
        with_trail = self._season(
            evaluations, audit_trail(simple_rubric(), evaluations)
        )
        names = {p.name for p in write_report(with_trail, tmp_path, formats=["csv"])}
        assert "report-audit.csv" in names
        plain = self._season(evaluations, None)
        names = {
            p.name for p in write_report(plain, tmp_path / "plain", formats=["csv"])
        }
        assert "report-audit.csv" not in names

    def test_trail_of_other_units_is_refused(self) -> None:
        """The trail must describe the scored units."""
        evaluations = self._evaluations()
        stranger = audit_trail(
            simple_rubric(), [Evaluation("zz", [Observation("i", 1)])]
        )
        with pytest.raises(ValidationError) as caught:
            self._season(evaluations, stranger)
        assert [p.path for p in caught.value.problems] == ["audit[zz]"]

    def test_workbook_has_an_audit_sheet(self) -> None:
        """The workbook gains a 审计记录 sheet, one row per record, reproducibly."""
        openpyxl = pytest.importorskip("openpyxl")
        evaluations = self._evaluations()
        report = self._season(evaluations, audit_trail(simple_rubric(), evaluations))
        data = to_workbook(report)
        assert data == to_workbook(report)
        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book["审计记录"]
        assert sheet.max_row - 1 == _records(evaluations)
        plain = openpyxl.load_workbook(
            io.BytesIO(to_workbook(self._season(evaluations, None)))
        )
        assert "审计记录" not in plain.sheetnames


class TestConstruction:
    """An :class:`AuditTrail` lists each record once."""

    def test_a_record_listed_twice_is_refused(self) -> None:
        """Two entries for one record: the second is named."""
        trail = audit_trail(simple_rubric(), [Evaluation("a", [Observation("i", 80)])])
        with pytest.raises(InvalidValueError, match=r"entries\[1\]"):
            AuditTrail([*trail, *trail])
