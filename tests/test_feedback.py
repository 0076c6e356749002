"""The 失分清单: every point a unit lost, in one place (issue 16, 反馈单).

What is proved, for every generated rubric (any roll-up strategy, bonus,
deductions with and without caps, vetoes) and evaluation, with and without
合理缺项 under every policy:

* the ``indicator``, ``roll_up``, ``deduction`` and ``deduction_cap`` lines
  lose exactly ``total_points − (base − deductions_counted)``: full marks less
  what the unit had before bonus, the ``[floor, max_total]`` bounds and vetoes;
* with bonus, bounds and the ``veto`` lines the list reconciles to the total;
* every line has ``lost == possible − earned`` and loses something;
* waived indicators never appear.
"""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import attrs
import pytest
from hypothesis import given

from pbcheck import Evaluation, Observation, score
from pbcheck.errors import InvalidValueError
from pbcheck.model.aggregation import Minimum
from pbcheck.model.evaluation import Evidence, Incident, NotApplicable
from pbcheck.model.rubric import Deduction, Indicator, Rubric, Section, Veto
from pbcheck.model.rules import DirectScore
from pbcheck.scoring import LostPoint, lost_points
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.testing import rubric_and_evaluation, season_with_waivers

_BEFORE_BONUS = ("indicator", "roll_up", "deduction", "deduction_cap")


def _check_sums(rubric: Rubric, card: Scorecard) -> tuple[LostPoint, ...]:
    lines = lost_points(card, rubric)
    before = sum((p.lost for p in lines if p.kind in _BEFORE_BONUS), Fraction(0))
    assert before == card.total_points - (card.base - card.deductions_counted)
    vetoed = sum((p.lost for p in lines if p.kind == "veto"), Fraction(0))
    bounded = max(
        min(card.total_points - before + card.bonus_counted, card.max_total),
        card.floor,
    )
    assert bounded - vetoed == card.total
    for line in lines:
        assert line.lost == line.possible - line.earned
        assert line.lost or line.kind == "veto"
        assert line.unit_id == card.unit_id
    return lines


class TestProperties:
    @given(rubric_and_evaluation())
    def test_lost_points_add_up(self, pair):
        """Lost points add up to full marks less the total before bonus and vetoes."""
        rubric, evaluation = pair
        _check_sums(rubric, score(rubric, evaluation))

    @given(season_with_waivers())
    def test_waived_indicators_are_not_losses(self, drawn):
        """Under every 合理缺项 policy the sums hold and no waived indicator appears."""
        rubric, _, marked, ids = drawn
        lines = _check_sums(rubric, score(rubric, marked))
        assert not {p.item_id for p in lines if p.kind == "indicator"} & ids

    @given(rubric_and_evaluation())
    def test_rubric_order(self, pair):
        """Indicator lines follow the rubric's order; deductions and vetoes come after."""
        rubric, evaluation = pair
        lines = lost_points(score(rubric, evaluation), rubric)
        order = [i.id for i in rubric.indicators()]
        shown = [p.item_id for p in lines if p.kind == "indicator"]
        assert shown == [i for i in order if i in shown]
        kinds = [p.kind for p in lines if p.kind != "roll_up"]
        assert kinds == sorted(
            kinds, key=("indicator", "deduction", "deduction_cap", "veto").index
        )


def _office_rubric() -> Rubric:
    return Rubric(
        "office",
        "2026",
        "机关党建工作责任制考核细则",
        [
            Section(
                "A",
                "组织建设",
                60,
                indicators=[
                    Indicator("A1", "“三会一课”制度落实", 40, DirectScore()),
                    Indicator("A2", "党员发展工作", 20, DirectScore()),
                ],
            ),
            Section(
                "B",
                "党风廉政建设",
                40,
                indicators=[
                    Indicator("B1", "落实“一岗双责”", 20, DirectScore()),
                    Indicator("B2", "廉政教育", 20, DirectScore()),
                ],
                aggregator=Minimum(),
            ),
        ],
        deductions=[Deduction("K1", "被上级通报批评", points=2)],
        vetoes=[Veto("V1", "意识形态工作出现重大失误", cap=59)],
    )


def _evaluation(**extra: object) -> Evaluation:
    proof = Evidence("会议记录", "JG-2025-031", "支部党员大会记录")
    return Evaluation(
        "czj",
        [
            Observation("A1", "36.5", rater="甲", evidence=[proof]),
            Observation("A1", "37.5", rater="乙"),
            Observation("A2", 20),
            Observation("B1", 18),
            Observation("B2", 20),
        ],
        incidents=[
            Incident(
                "K1",
                date(2025, 9, 1),
                evidence=[Evidence("通报", "市纪委〔2025〕12号")],
            )
        ],
        **extra,  # type: ignore[arg-type]
    )


class TestGolden:
    def test_lines_of_an_office_unit(self):
        """A1 loses 3 (two raters), B1 2, Minimum takes 2 more from B, K1 takes 2."""
        rubric = _office_rubric()
        lines = lost_points(score(rubric, _evaluation()), rubric)
        assert [(p.kind, p.item_id, p.lost) for p in lines] == [
            ("indicator", "A1", Fraction(3)),
            ("indicator", "B1", Fraction(2)),
            # Minimum: B is worth 18/20 × 40 = 36, its parts add up to 38.
            ("roll_up", "B", Fraction(2)),
            ("deduction", "K1", Fraction(2)),
        ]
        a1, b1, roll_up, k1 = lines
        assert a1.section_path == ("A",)
        assert a1.section == "组织建设"
        assert a1.title == "“三会一课”制度落实"
        assert a1.reason == "2 位评分人，按加权平均合成 37 分"
        assert [e.ref for e in a1.evidence] == ["JG-2025-031"]
        assert len(a1.records) == 2
        assert b1.evidence == ()
        assert roll_up.reason == (
            "本部分按取最低分汇总，得 36.00 分，比各项得分之和 38.00 分少 2.00 分"
        )
        assert k1.reason == "发生 1 次，合计扣 2.00 分"
        assert k1.possible == 0
        assert k1.earned == -2
        assert [e.ref for e in k1.evidence] == ["市纪委〔2025〕12号"]

    def test_no_fractions_in_the_amounts(self):
        """Amounts the list adds are shown by the rubric's rounding, not as fractions."""
        rubric = _office_rubric()
        evaluation = attrs.evolve(
            _evaluation(),
            observations=[
                Observation("A1", "36.5", rater="甲"),
                Observation("A1", 37, rater="乙"),
                Observation("A1", 37, rater="丙"),
                Observation("A2", 20),
                Observation("B1", "18.5"),
                Observation("B2", 20),
            ],
        )
        lines = lost_points(score(rubric, evaluation), rubric)
        assert lines[0].lost == Fraction(19, 6)
        assert lines[0].show(lines[0].lost) == "3.17"
        for line in lines:
            assert not re.search(r"\d+/\d+", line.reason), line.reason

    def test_capping_veto_takes_what_it_holds(self):
        """A veto capped at 59 takes the points above 59 (93 → 59: 34), named once."""
        rubric = _office_rubric()
        evaluation = attrs.evolve(
            _evaluation(),
            incidents=[
                Incident("V1", date(2025, 10, 8)),
                Incident("V1", date(2025, 11, 8)),
            ],
        )
        card = score(rubric, evaluation)
        (veto,) = [p for p in lost_points(card, rubric) if p.kind == "veto"]
        assert card.total == 59
        assert veto.lost == 34
        assert veto.reason == (
            "触发一票否决（2 次）：总分不超过 59.00 分，由 93.00 分计为 59.00 分"
        )

    def test_disqualifying_veto_is_listed_without_points(self):
        """A disqualifying veto is its own line; it takes no points."""
        rubric = attrs.evolve(
            _office_rubric(), vetoes=[Veto("V1", "发生严重违纪违法案件")]
        )
        evaluation = attrs.evolve(
            _evaluation(), incidents=[Incident("V1", date(2025, 10, 8))]
        )
        (veto,) = [
            p
            for p in lost_points(score(rubric, evaluation), rubric)
            if p.kind == "veto"
        ]
        assert veto.lost == 0
        assert veto.reason == "触发一票否决（1 次）：取消评先评优资格，不计分数"

    def test_deduction_cap_gives_points_back(self):
        """With a deduction cap of 3, three incidents of 2 cost 3: the cap line gives 3 back."""
        rubric = attrs.evolve(_office_rubric(), deduction_cap=3)
        evaluation = attrs.evolve(
            _evaluation(),
            incidents=[Incident("K1", date(2025, 9, d)) for d in (1, 2, 3)],
        )
        lines = lost_points(score(rubric, evaluation), rubric)
        assert [(p.kind, p.lost) for p in lines[-2:]] == [
            ("deduction", Fraction(6)),
            ("deduction_cap", Fraction(-3)),
        ]
        assert lines[-1].reason == "直接扣分合计 6.00 分，超过扣分上限，计 3.00 分"

    def test_waived_indicator_is_not_a_loss(self):
        """A2 marked 合理缺项 is left out; the others are weighed up pro rata."""
        rubric = _office_rubric()
        evaluation = attrs.evolve(
            _evaluation(),
            observations=[
                o for o in _evaluation().observations if o.indicator_id != "A2"
            ],
            not_applicable=[NotApplicable("A2", "本单位无党员发展任务")],
        )
        lines = lost_points(score(rubric, evaluation), rubric)
        assert "A2" not in {p.item_id for p in lines}
        # 40 of 80 applicable points become 50 of 100: A1 loses 3 × 100 / 80.
        assert lines[0].item_id == "A1"
        assert lines[0].lost == Fraction(15, 4)
        assert "本项满分 40.00 分，按权重折合 50.00 分" in lines[0].reason

    def test_a_full_score_loses_nothing(self):
        """Full marks everywhere and no incidents: the list is empty."""
        rubric = _office_rubric()
        evaluation = Evaluation(
            "czj",
            [
                Observation("A1", 40),
                Observation("A2", 20),
                Observation("B1", 20),
                Observation("B2", 20),
            ],
        )
        assert lost_points(score(rubric, evaluation), rubric) == ()


class TestMisuse:
    def test_other_rubric_is_refused_by_name(self):
        """A scorecard of another rubric is refused, naming unit, field and value."""
        rubric = _office_rubric()
        card = score(rubric, _evaluation())
        with pytest.raises(InvalidValueError) as caught:
            lost_points(card, attrs.evolve(rubric, id="other"))
        assert str(caught.value) == (
            "scorecard[czj].rubric_id: must be the rubric's id 'other' (got 'office')"
        )
