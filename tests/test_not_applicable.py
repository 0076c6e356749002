"""合理缺项: indicators that do not apply to a unit (issue 14, section 1).

The rule under test, as the issue states it: "pro-rata (按比例折算: earned ÷
applicable maximum × full points, the usual rule, at the level the rubric
says) and full marks; which one is the rubric's choice.  The rubric can mark an
indicator as never waivable.  A missing observation without the marker stays
an error; marking a non-waivable indicator is an error; both name unit and
indicator."
"""

from __future__ import annotations

from fractions import Fraction

import attrs
import pytest
from hypothesis import given

from pbcheck import (
    Evaluation,
    Observation,
    ValidationError,
    audit_trail,
    score,
)
from pbcheck.errors import InvalidValueError
from pbcheck.examples.small import waiver_rubric
from pbcheck.io.interchange import dumps, loads
from pbcheck.io.spreadsheets import read_evaluations
from pbcheck.model.aggregation import WeightedSum
from pbcheck.model.evaluation import NotApplicable
from pbcheck.model.rubric import NotApplicablePolicy
from pbcheck.testing import season_with_waivers
from pbcheck.whatif.reweight import reweight
from pbcheck.whatif.sweep import swap_point

_rubric = waiver_rubric


def _evaluation(**extra: object) -> Evaluation:
    return Evaluation(
        "SFJ",
        [Observation("A1", 36), Observation("B1", 27)],
        not_applicable=[NotApplicable("A2", "本单位无行政审批职能")],
        **extra,  # type: ignore[arg-type]
    )


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(problem) for problem in exc.value.problems]


class TestGolden:
    def test_pro_rata_over_the_rubric(self):
        """按比例折算: earned ÷ applicable maximum × full points = 63 ÷ 70 × 100 = 90."""
        card = score(_rubric(), _evaluation())
        assert card.total == 90
        assert card.indicators["A2"].contribution == 0
        # Contributions of what applies still add up to the base.
        assert sum(r.contribution for r in card.indicators.values()) == card.base
        assert card.not_applicable[0].reason == "本单位无行政审批职能"

    def test_pro_rata_within_the_section(self):
        """At the section level the section keeps its 70: A1 36/40 × 70 + B1 27 = 90."""
        card = score(_rubric(NotApplicablePolicy(level="section")), _evaluation())
        assert card.sections["A"].points == 63
        assert card.total == 63 + 27

    def test_levels_differ_when_sections_differ(self):
        """The two levels are different rules: they disagree on uneven sections."""
        evaluation = attrs.evolve(
            _evaluation(), observations=[Observation("A1", 40), Observation("B1", 15)]
        )
        by_total = score(_rubric(), evaluation).total
        by_section = score(_rubric(NotApplicablePolicy(level="section")), evaluation)
        assert by_total == Fraction(55, 70) * 100
        assert by_section.total == 70 + 15

    def test_full_marks(self):
        """按满分计: the indicator counts as fully met: 36 + 30 + 27 = 93."""
        card = score(_rubric(NotApplicablePolicy("full_marks")), _evaluation())
        assert card.total == 93
        assert card.indicators["A2"].points == 30

    def test_a_section_none_of_whose_indicators_apply_drops_out(self):
        """With section-level pro-rata an empty section hands its weight up."""
        rubric = _rubric(NotApplicablePolicy(level="section"))
        evaluation = Evaluation(
            "SFJ",
            [Observation("A1", 36), Observation("A2", 24)],
            not_applicable=[NotApplicable("B1", "本单位不承担创业竞赛任务")],
        )
        card = score(rubric, evaluation)
        assert not card.sections["B"].applicable
        assert card.total == Fraction(60, 70) * 100
        assert "本部分指标均为合理缺项" in str(card.explain())

    def test_explain_and_audit_show_the_marker(self):
        """The explanation and the audit trail both carry the reason."""
        card = score(_rubric(), _evaluation())
        text = str(card.explain())
        assert "合理缺项（本单位无行政审批职能），按比例折算（全细则）" in text
        assert "A2 不适用" in text
        trail = audit_trail(_rubric(), [_evaluation()])
        (entry,) = [e for e in trail if e.kind == "not_applicable"]
        assert entry.item_id == "A2"
        assert "本单位无行政审批职能" in entry.reason
        assert entry.path == "evaluations[SFJ].not_applicable[0]"


class TestRefusals:
    def test_missing_observation_without_a_marker_stays_an_error(self):
        """A missing observation names unit and indicator and says how to mark it."""
        evaluation = Evaluation("SFJ", [Observation("A1", 36), Observation("B1", 27)])
        with pytest.raises(ValidationError) as info:
            score(_rubric(), evaluation)
        (problem,) = _problems(info)
        assert problem.startswith("evaluations[SFJ].indicators[A2]")
        assert "合理缺项" in problem

    def test_non_waivable_indicator_cannot_be_marked(self):
        """waivable=False: marking it is an error naming unit and indicator."""
        with pytest.raises(ValidationError) as info:
            score(_rubric(A2=False), _evaluation())
        (problem,) = _problems(info)
        assert problem.startswith("evaluations[SFJ].not_applicable[0].indicator_id")
        assert "A2" in problem
        assert "waivable=False" in problem

    @pytest.mark.parametrize(
        ("marker", "expected"),
        [
            (NotApplicable("X9", "无此职能"), "names no indicator of the rubric"),
            (NotApplicable("A2", "重复"), "is already marked at not_applicable[0]"),
            (NotApplicable("A1", "有记录"), "also has records"),
        ],
    )
    def test_bad_markers_are_refused(self, marker, expected):
        """Unknown ids, duplicates and markers beside records are refused."""
        evaluation = attrs.evolve(
            _evaluation(), not_applicable=[*_evaluation().not_applicable, marker]
        )
        with pytest.raises(ValidationError) as info:
            score(_rubric(), evaluation)
        assert any(expected in p for p in _problems(info)), _problems(info)

    @pytest.mark.parametrize("method", ["pro_rata", "full_marks"])
    def test_every_indicator_marked_leaves_nothing_to_score(self, method):
        """A unit to which nothing applies is refused, not given full marks."""
        evaluation = Evaluation(
            "SFJ",
            not_applicable=[NotApplicable(i, "无此职能") for i in ("A1", "A2", "B1")],
        )
        with pytest.raises(ValidationError) as info:
            score(_rubric(NotApplicablePolicy(method)), evaluation)
        (problem,) = _problems(info)
        assert problem.startswith("evaluations[SFJ].not_applicable")
        assert "nothing is left to score" in problem

    def test_a_reason_is_required(self):
        """A marker without a reason is refused when it is made."""
        with pytest.raises(InvalidValueError, match="reason"):
            Evaluation("SFJ", not_applicable=[NotApplicable("A2", "")])

    def test_policy_values_are_checked(self):
        """An unknown method or level names the field."""
        with pytest.raises(InvalidValueError, match="level"):
            NotApplicablePolicy(level="chapter")  # type: ignore[arg-type]


class TestDocuments:
    def test_rubric_and_evaluations_round_trip(self):
        """The policy, waivable flags and markers survive a document round trip."""
        rubric = _rubric(NotApplicablePolicy("full_marks", "section"), A1=False)
        assert loads(dumps(rubric)) == rubric
        assert loads(dumps([_evaluation()])) == (_evaluation(),)

    def test_old_documents_load_with_the_defaults(self):
        """A rubric document without the new fields loads with pro-rata defaults."""
        text = dumps(_rubric()).replace('"waivable": true,', "")
        rubric = loads(text)
        assert rubric.not_applicable == NotApplicablePolicy()
        assert all(i.waivable for i in rubric.indicators())


class TestProperties:
    @given(season_with_waivers())
    def test_never_above_full_points_and_plain_when_nothing_is_waived(self, drawn):
        """Pro-rata never exceeds full points and equals the plain total unwaived."""
        rubric, plain, marked, ids = drawn
        card = score(rubric, marked)
        assert rubric.floor <= card.total <= rubric.max_total
        assert card.base <= rubric.total_points
        if not ids:
            assert card == score(rubric, plain)

    @given(season_with_waivers())
    def test_pro_rata_is_earned_over_applicable_maximum(self, drawn):
        """On weighted sums over the rubric: base = Σ earned ÷ Σ applicable × full."""
        rubric, _, marked, ids = drawn
        linear = (
            all(
                type(s.aggregator) is WeightedSum
                for s in rubric.sections_by_id().values()
            )
            and type(rubric.aggregator) is WeightedSum
        )
        if not ids or not linear or rubric.not_applicable != NotApplicablePolicy():
            return
        card = score(rubric, marked)
        applicable = [i for i in rubric.indicators() if i.id not in ids]
        earned = sum(
            card.indicators[i.id].attainment * rubric.points_of(i.id)
            for i in applicable
        )
        maximum = sum(rubric.points_of(i.id) for i in applicable)
        assert card.base == earned / maximum * rubric.total_points

    @given(season_with_waivers())
    def test_full_marks_never_below_a_zero_score(self, drawn):
        """Full marks count a waived indicator as met: never below scoring it 0."""
        rubric, _, marked, ids = drawn
        if not ids:
            return
        rubric = attrs.evolve(rubric, not_applicable=NotApplicablePolicy("full_marks"))
        card = score(rubric, marked)
        for indicator_id in ids:
            assert card.indicators[indicator_id].attainment == 1


class TestScoreSheets:
    def test_wide_sheet_cells_become_markers(self):
        """A cell 合理缺项：原因 marks the indicator; two raters may agree on it."""
        table = (
            "单位编码,评分人,A1,A2,B1\n"
            "SFJ,考评组甲,36,合理缺项：本单位无行政审批职能,27\n"
            "SFJ,考评组乙,36,不适用：本单位无行政审批职能,27\n"
        )
        imported = read_evaluations(
            table.encode(), _rubric(), file_format="csv", layout="wide"
        )
        (evaluation,) = imported.evaluations
        assert evaluation.not_applicable == (
            NotApplicable("A2", "本单位无行政审批职能"),
        )
        assert score(_rubric(), evaluation).total == 90

    def test_long_sheet_takes_the_reason_from_the_note(self):
        """In the long layout the reason may stand in 备注."""
        table = (
            "单位编码,指标编码,得分,备注\n"
            "SFJ,A1,36,\nSFJ,A2,合理缺项,本单位无行政审批职能\nSFJ,B1,27,\n"
        )
        (evaluation,) = read_evaluations(
            table.encode(), _rubric(), file_format="csv"
        ).evaluations
        assert evaluation.not_applicable[0].reason == "本单位无行政审批职能"

    def test_a_marker_without_a_reason_names_its_cell(self):
        """不适用 alone is refused with the cell and what to write."""
        table = "单位编码,A1,A2,B1\nSFJ,36,不适用,27\n"
        with pytest.raises(ValidationError) as info:
            read_evaluations(
                table.encode(), _rubric(), file_format="csv", layout="wide"
            )
        (problem,) = _problems(info)
        assert problem.startswith("<csv>:2:C (A2)")
        assert "合理缺项：原因" in problem

    def test_different_reasons_for_one_indicator_are_refused(self):
        """Two rater rows giving different reasons name the first cell."""
        table = (
            "单位编码,评分人,A1,A2,B1\n"
            "SFJ,甲,36,合理缺项：无审批职能,27\nSFJ,乙,36,合理缺项：职能已划转,27\n"
        )
        with pytest.raises(ValidationError) as info:
            read_evaluations(
                table.encode(), _rubric(), file_format="csv", layout="wide"
            )
        assert "another reason than <csv>:2:D" in _problems(info)[0]


OTHER = (("A1", 28), ("A2", 21), ("B1", 30))


class TestWhatIf:
    def test_weight_studies_refuse_totals_that_are_not_linear_in_the_weights(self):
        """Pro-rata over the rubric makes a total non-linear: swap_point refuses it."""
        a = score(_rubric(), _evaluation())
        b = score(_rubric(), attrs.evolve(_evaluation(), unit_id="TJJ"))
        with pytest.raises(InvalidValueError) as info:
            swap_point(_rubric(), a, b)
        assert info.value.path == "scorecards[SFJ].not_applicable"

    def test_section_level_pro_rata_stays_linear_and_exact(self):
        """Within a section the total is linear: the swap point matches re-scoring."""
        rubric = _rubric(NotApplicablePolicy(level="section"))
        a = score(rubric, _evaluation())
        b = score(
            rubric,
            Evaluation("TJJ", [Observation(i, v) for i, v in OTHER]),
        )
        point = swap_point(rubric, a, b)
        moved = reweight(rubric, {"A": point.tie_weight, "B": 100 - point.tie_weight})
        assert (
            score(moved, _evaluation()).total
            == score(
                moved, Evaluation("TJJ", [Observation(i, v) for i, v in OTHER])
            ).total
        )
