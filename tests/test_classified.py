"""分类考核: a season on several rubrics (issue 14, section 2: the model and scoring).

The rule under test: "A season may hold several rubrics (by series, or per
unit), sharing common sections by reference, each checked to sum exactly;
per-unit individual indicators fill a fixed-weight slot.  An observation for an
indicator outside the unit's rubric is an error naming unit, indicator and
rubric."
"""

from __future__ import annotations

import attrs
import pytest

from pbcheck import (
    DirectScore,
    Evaluation,
    Indicator,
    Observation,
    PassFail,
    RoundingPolicy,
    Rubric,
    Section,
    ValidationError,
    score,
    score_all,
)
from pbcheck.examples.small import org_tree
from pbcheck.model.rubric_set import RubricSet

COMMON = Section(
    "A",
    "机关党建常规工作",
    70,
    indicators=[
        Indicator("A1", "“三会一课”制度落实", 40, DirectScore()),
        Indicator("A2", "党风廉政建设", 30, DirectScore(), waivable=False),
    ],
)
GOVERNMENT = Rubric(
    "jgdj-zf",
    "2025",
    "政府工作部门党建工作考核细则",
    [
        COMMON,
        Section(
            "B",
            "服务发展、有效履职",
            30,
            indicators=[
                Indicator("B1", "优化营商环境", 15, DirectScore()),
                Indicator("B2", "行政审批服务", 15, DirectScore()),
            ],
        ),
    ],
)
PARTY_MASS = Rubric(
    "jgdj-qt",
    "2025",
    "党群部门党建工作考核细则",
    [COMMON, Section("B", "服务发展、有效履职", 30, individual=True)],
)
SEASON = RubricSet(
    [GOVERNMENT, PARTY_MASS],
    by_series={"政府工作部门": "jgdj-zf", "党群部门": "jgdj-qt"},
    individual={
        "swzzb": {"B": [Indicator("B-zzb", "基层党建示范点建设", 30, PassFail())]},
        "swxcb": {
            "B": [
                Indicator("B-xcb1", "新时代文明实践", 20, DirectScore()),
                Indicator("B-xcb2", "网络意识形态阵地管理", 10, DirectScore()),
            ]
        },
    },
    title="江城市直机关党建工作责任制分类考核细则",
)
TREE = org_tree({"政府工作部门": ["fgw", "sfj"], "党群部门": ["swzzb", "swxcb"]})


def _observations(**points: object) -> list[Observation]:
    return [Observation(indicator, value) for indicator, value in points.items()]


EVALUATIONS = [
    Evaluation("fgw", _observations(A1=38, A2=28, B1=14, B2=13)),
    Evaluation("sfj", _observations(A1=35, A2=27, B1=12, B2=14)),
    Evaluation("swzzb", _observations(A1=39, A2=29, **{"B-zzb": True})),
    Evaluation("swxcb", _observations(A1=36, A2=26, **{"B-xcb1": 18, "B-xcb2": 8})),
]


class TestAssignment:
    def test_each_unit_is_scored_on_its_own_rubric(self):
        """By series; a unit with individual indicators on its filled template."""
        cards = {c.unit_id: c for c in score_all(SEASON, EVALUATIONS, tree=TREE)}
        assert cards["fgw"].rubric_id == "jgdj-zf"
        assert cards["fgw"].total == 38 + 28 + 14 + 13
        assert cards["swzzb"].rubric_id == "jgdj-qt"
        assert cards["swzzb"].total == 39 + 29 + 30
        assert set(cards["swxcb"].indicators) == {"A1", "A2", "B-xcb1", "B-xcb2"}

    def test_common_sections_are_shared_by_reference(self):
        """One Section object in both rubrics: the common part is one definition."""
        assert GOVERNMENT.sections[0] is PARTY_MASS.sections[0]

    def test_filled_rubrics_keep_the_template_id_and_version(self):
        """Units with different individual indicators stay comparable."""
        a = SEASON.rubric_for("swzzb", series="党群部门")
        b = SEASON.rubric_for("swxcb", series="党群部门")
        assert (a.id, a.version) == (b.id, b.version) == ("jgdj-qt", "2025")
        assert a.indicators() != b.indicators()

    def test_by_unit_wins_over_by_series_and_default_catches_the_rest(self):
        """by_unit first, then by_series, then default."""
        season = RubricSet(
            [GOVERNMENT, PARTY_MASS],
            by_series={"党群部门": "jgdj-qt"},
            by_unit={"sfj": "jgdj-zf"},
            default="jgdj-zf",
        )
        assert season.rubric_for("sfj", series="党群部门") is GOVERNMENT
        assert season.rubric_for("rdbgs", series="人大政协") is GOVERNMENT

    def test_title_version_and_rounding(self):
        """The set's title is given or joined; its version is the common one."""
        assert SEASON.title == "江城市直机关党建工作责任制分类考核细则"
        assert SEASON.version == "2025"
        assert SEASON.rounding == RoundingPolicy()


class TestRefusals:
    def test_an_observation_outside_the_units_rubric_names_unit_indicator_rubric(self):
        """B1 belongs to the government rubric, not to a 党群 unit's."""
        evaluation = Evaluation(
            "swzzb", _observations(A1=39, A2=29, B1=14, **{"B-zzb": True})
        )
        with pytest.raises(ValidationError) as info:
            score_all(SEASON, [evaluation], tree=TREE)
        (problem,) = info.value.problems
        assert str(problem) == (
            "evaluations[swzzb].observations[2].indicator_id: names no indicator "
            "of rubric jgdj-qt 2025 (this unit's rubric) (got 'B1')"
        )

    def test_a_unit_no_rule_reaches_is_named(self):
        """Without a default, a unit of an unmapped series cannot be scored."""
        tree = org_tree({"人大政协": ["rdbgs"]})
        with pytest.raises(ValidationError) as info:
            score_all(SEASON, [Evaluation("rdbgs", _observations(A1=1))], tree=tree)
        (problem,) = info.value.problems
        assert problem.path == "evaluations[rdbgs].unit_id"
        assert "人大政协" in problem.message

    def test_a_template_unit_without_its_own_indicators_is_named(self):
        """A 党群 unit with no individual indicators cannot use the template."""
        tree = org_tree({"党群部门": ["tzb"]})
        with pytest.raises(ValidationError) as info:
            score_all(SEASON, [Evaluation("tzb", _observations(A1=1))], tree=tree)
        assert "RubricSet.individual" in info.value.problems[0].message

    def test_a_template_cannot_score_alone(self):
        """Scoring the template directly names its slot."""
        with pytest.raises(ValidationError) as info:
            score(PARTY_MASS, EVALUATIONS[2])
        assert info.value.problems[0].path.endswith("sections[B].indicators")

    def test_individual_indicators_must_sum_to_the_slot(self):
        """Weights of a unit's own indicators are checked like any section's."""
        with pytest.raises(ValidationError) as info:
            RubricSet(
                [PARTY_MASS],
                default="jgdj-qt",
                individual={
                    "swzzb": {"B": [Indicator("B-1", "示范点", 20, PassFail())]}
                },
            )
        text = str(info.value)
        assert "rubric_set.individual[swzzb]" in text
        assert "must sum to exactly 30" in text

    def test_rules_must_name_rubrics_of_the_set(self):
        """A series mapped to an unknown rubric id is named with the known ones."""
        with pytest.raises(ValidationError) as info:
            RubricSet([GOVERNMENT], by_series={"党群部门": "jgdj-qt"})
        assert "rubrics: jgdj-zf" in str(info.value)

    def test_rubrics_must_share_a_rounding_policy(self):
        """Published totals of different series are read side by side."""
        other = attrs.evolve(PARTY_MASS, rounding=RoundingPolicy(places=1))
        with pytest.raises(ValidationError) as info:
            RubricSet([GOVERNMENT, other])
        assert "must all show totals by the same rounding policy" in str(info.value)

    def test_repeated_rubric_ids_are_refused(self):
        """Two rubrics with one id could not be told apart."""
        with pytest.raises(ValidationError) as info:
            RubricSet([GOVERNMENT, GOVERNMENT])
        assert "rubric_set.rubrics[1].id: is used by two rubrics" in str(info.value)
