"""结果运用: performance points or coefficients, and eligibility for 评先评优."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import (
    InvalidTypeError,
    UnknownReferenceError,
    ValidationError,
)
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubrics,
    example_tree,
)
from pbcheck.model.org import OrgTree, ResponsiblePerson, Role
from pbcheck.outcomes.consequences import SEED_SOURCE
from pbcheck.outcomes.season import Results
from pbcheck.season.results_use import (
    EligibilityPolicy,
    PerformancePolicy,
    eligibility_table,
    performance_table,
)

LABELS = ("好", "较好", "一般", "差")
POINTS = {"好": 5, "较好": 4, "一般": 2, "差": 0}


@pytest.fixture(scope="module")
def results() -> Results:
    return Results.compute(
        example_rubrics(),
        example_tree(),
        example_cycle(2025),
        example_evaluations(2025),
    )


def _facts(results: Results) -> tuple[set[str], set[str], dict[str, str]]:
    bottom = set(results.outcomes.bottom.unit_ids)
    vetoed = {card.unit_id for card in results.scorecards if card.disqualified}
    grades = {g.unit_id: g.label for g in results.outcomes.grades}
    return bottom, vetoed, grades


class TestPerformancePolicy:
    def test_values_are_exact(self) -> None:
        """Decimal strings, Decimals and fractions become exact fractions."""
        policy = PerformancePolicy(
            {"好": "1.05", "较好": Decimal("1.00"), "一般": Fraction(19, 20), "差": 0},
            kind="coefficient",
        )
        assert policy.points == {
            "好": Fraction(21, 20),
            "较好": 1,
            "一般": Fraction(19, 20),
            "差": 0,
        }

    def test_every_problem_is_named(self) -> None:
        """A float, a blank label, a negative coefficient and a bad override, at once."""
        with pytest.raises(ValidationError) as caught:
            PerformancePolicy(
                {"好": 0.5, " ": 1, "差": "-1"}, kind="coefficient", vetoed="x"
            )
        assert [p.steps for p in caught.value.problems] == [
            ("points", "好"),
            ("points",),
            ("points", "差"),
            ("vetoed",),
        ]

    def test_no_grades_and_a_bad_kind(self) -> None:
        """An empty mapping and an unknown kind are refused."""
        with pytest.raises(ValidationError) as caught:
            PerformancePolicy({}, kind="percent")  # type: ignore[arg-type]
        assert [p.steps for p in caught.value.problems] == [("points",), ("kind",)]

    def test_points_may_be_negative_but_not_a_coefficient(self) -> None:
        """A negative number of points is a policy's choice; a negative coefficient is not."""
        assert PerformancePolicy({"差": -2}).points["差"] == -2
        with pytest.raises(ValidationError):
            PerformancePolicy({"差": -2}, kind="coefficient")

    def test_the_callers_dict_is_copied(self) -> None:
        """Changing the dict after building the policy changes nothing."""
        given_points: dict[str, object] = {"好": 5}
        policy = PerformancePolicy(given_points)  # type: ignore[arg-type]
        given_points["好"] = 1
        assert policy.points["好"] == 5


class TestPerformanceTable:
    def test_one_row_per_scored_unit_in_tree_order(self, results: Results) -> None:
        """Rows follow the org tree; each grade gets its value, exactly."""
        rows = performance_table(results, PerformancePolicy(POINTS))
        assert [r.unit_id for r in rows] == [
            u.id for u in results.tree if u.id != "JGGW"
        ]
        _, _, grades = _facts(results)
        assert all(r.value == POINTS[grades[r.unit_id]] for r in rows)
        assert rows[0].unit_name == results.tree[rows[0].unit_id].name

    def test_veto_then_bottom_then_grade(self, results: Results) -> None:
        """A veto's value comes first, then the bottom's, then the grade's."""
        policy = PerformancePolicy(POINTS, vetoed=-3, bottom=-1)
        rows = {r.unit_id: r for r in performance_table(results, policy)}
        bottom, vetoed, grades = _facts(results)
        for unit_id, row in rows.items():
            if unit_id in vetoed:
                assert (row.value, row.reason) == (-3, "被一票否决，计 -3.00 分")
            elif unit_id in bottom:
                assert (row.value, row.reason) == (-1, "处于后位，计 -1.00 分")
            else:
                assert row.reason.startswith(f"等次为“{grades[unit_id]}”")
        assert vetoed
        assert bottom - vetoed

    def test_texts_use_the_rubrics_rounding(self, results: Results) -> None:
        """A third of a point stays exact in the row and shows as 0.33."""
        policy = PerformancePolicy(
            dict.fromkeys(LABELS, "1/3"), kind="coefficient", basis="本市绩效考核办法"
        )
        row = performance_table(results, policy)[0]
        assert row.value == Fraction(1, 3)
        assert row.text == "0.33"
        assert row.reason.endswith("绩效系数 0.33；依据本市绩效考核办法")

    def test_a_grade_the_results_do_not_have_is_refused(self, results: Results) -> None:
        """A typo in a grade label would never apply, so it is refused, named."""
        with pytest.raises(ValidationError) as caught:
            performance_table(results, PerformancePolicy({**POINTS, "优秀": 6}))
        (problem,) = caught.value.problems
        assert isinstance(problem, UnknownReferenceError)
        assert problem.value == "优秀"

    def test_a_grade_without_a_value_names_each_unit(self, results: Results) -> None:
        """Every unit graded 差 is named when 差 has no value."""
        without = {k: v for k, v in POINTS.items() if k != "差"}
        with pytest.raises(ValidationError) as caught:
            performance_table(results, PerformancePolicy(without))
        poor = [u for u, g in _facts(results)[2].items() if g == "差"]
        assert len(caught.value.problems) == len(poor)
        assert all(p.value == "差" for p in caught.value.problems)

    def test_wrong_types_are_refused(self, results: Results) -> None:
        """A policy that is not a PerformancePolicy is refused, named."""
        with pytest.raises(InvalidTypeError) as caught:
            performance_table(results, POINTS)  # type: ignore[arg-type]
        assert caught.value.steps == ("policy",)

    @given(
        st.fixed_dictionaries(
            {label: st.fractions(-10, 10, max_denominator=1000) for label in LABELS}
        ),
        st.none() | st.fractions(-10, 10, max_denominator=1000),
        st.none() | st.fractions(-10, 10, max_denominator=1000),
    )
    def test_every_row_takes_the_policys_exact_value(
        self,
        results: Results,
        points: dict[str, Fraction],
        vetoed: Fraction | None,
        bottom: Fraction | None,
    ) -> None:
        """For any policy, each row's value is exactly the one the rules pick."""
        rows = performance_table(
            results, PerformancePolicy(points, vetoed=vetoed, bottom=bottom)
        )
        at_bottom, disqualified, grades = _facts(results)
        for row in rows:
            if row.unit_id in disqualified and vetoed is not None:
                expected = vetoed
            elif row.unit_id in at_bottom and bottom is not None:
                expected = bottom
            else:
                expected = points[grades[row.unit_id]]
            assert row.value == expected
            assert row.text == results.scorecard(row.unit_id).show(expected)


class TestEligibility:
    def test_two_rows_per_unit_secretary_first(self, results: Results) -> None:
        """Each unit gives a 书记 row then a 行政主要领导 row with the tree's names."""
        rows = eligibility_table(results)
        assert len(rows) == 2 * len(results.scorecards)
        first, second = rows[:2]
        unit = results.tree[first.unit_id]
        assert (first.role, first.role_zh) == (Role.SECRETARY, "书记")
        assert (second.role, second.role_zh) == (
            Role.ADMINISTRATIVE_HEAD,
            "行政主要领导",
        )
        assert [first.person, second.person] == [p.name for p in unit.responsible]

    def test_default_bottom_and_veto_lose_eligibility(self, results: Results) -> None:
        """By default a unit at the bottom or vetoed costs both persons eligibility,
        the seed quoted for the bottom place and pbcheck named for the veto."""
        bottom, vetoed, _ = _facts(results)
        rows = eligibility_table(results)
        assert {r.unit_id for r in rows if not r.eligible} == bottom | vetoed
        only_bottom = next(r for r in rows if r.unit_id in bottom - vetoed)
        assert f"依据{SEED_SOURCE}" in only_bottom.reason
        assert "所在单位被一票否决" not in only_bottom.reason
        assert "一票否决取消评先评优资格" not in only_bottom.reason
        vetoed_row = next(r for r in rows if r.unit_id in vetoed)
        assert "一票否决取消评先评优资格为 pbcheck 默认规则" in vetoed_row.reason

    def test_an_eligible_person_is_told_why(self, results: Results) -> None:
        """Eligible rows say the unit was neither at the bottom nor vetoed."""
        row = next(r for r in eligibility_table(results) if r.eligible)
        assert row.reason == "所在单位未处于后位，未被一票否决，保留评先评优资格"

    def test_the_note_names_the_grade(self, results: Results) -> None:
        """The appraisal note names the cycle and the unit's grade."""
        _, _, grades = _facts(results)
        for row in eligibility_table(results):
            assert row.note.startswith(
                f"所在单位2025—2026年度党建工作责任制考核等次为“{grades[row.unit_id]}”"
            )

    def test_grades_and_roles_of_ones_own(self, results: Results) -> None:
        """A policy of one's own: 差 loses it, for the secretary only, quoting 本细则."""
        policy = EligibilityPolicy(
            bottom=False,
            vetoed=False,
            grades=["差"],
            roles=["secretary"],
            basis="等次为“差”的单位书记不得评先评优",
            source="本细则",
        )
        rows = eligibility_table(results, policy)
        _, _, grades = _facts(results)
        poor = {u for u, g in grades.items() if g == "差"}
        lost = [r for r in rows if not r.eligible]
        assert {r.unit_id for r in lost} == poor
        assert {r.role for r in lost} == {Role.SECRETARY}
        assert all(
            r.reason.endswith("依据本细则：等次为“差”的单位书记不得评先评优")
            for r in lost
        )
        spared = next(
            r for r in rows if r.unit_id in poor and r.role is Role.ADMINISTRATIVE_HEAD
        )
        assert spared.eligible
        assert spared.reason == "本办法所定取消资格情形不及于行政主要领导"

    def test_an_unregistered_person_is_shown(self, results: Results) -> None:
        """A role nobody holds in the tree gives a row with no name, saying so."""
        units = [
            attrs.evolve(
                unit, responsible=[ResponsiblePerson("谢晓东", Role.SECRETARY)]
            )
            if unit.id == "ZF01"
            else unit
            for unit in results.tree
        ]
        bare = attrs.evolve(results, tree=OrgTree(units, series=results.tree.series))
        rows = [r for r in eligibility_table(bare) if r.unit_id == "ZF01"]
        assert [r.person for r in rows] == ["谢晓东", None]
        assert rows[1].reason.startswith("未登记行政主要领导；")

    def test_an_unknown_grade_is_refused(self, results: Results) -> None:
        """A grade label the results do not have is refused, named."""
        with pytest.raises(ValidationError) as caught:
            eligibility_table(results, EligibilityPolicy(grades=["很差"]))
        assert caught.value.problems[0].value == "很差"

    @given(
        st.booleans(),
        st.booleans(),
        st.sets(st.sampled_from(LABELS)),
        st.sets(st.sampled_from(list(Role))),
    )
    def test_eligibility_follows_the_policy(
        self,
        results: Results,
        bottom: bool,
        vetoed: bool,
        grades: set[str],
        roles: set[Role],
    ) -> None:
        """For any policy, a person loses eligibility iff their role is covered and
        one of the policy's causes holds for their unit."""
        policy = EligibilityPolicy(
            bottom=bottom, vetoed=vetoed, grades=grades, roles=roles
        )
        at_bottom, disqualified, graded = _facts(results)
        for row in eligibility_table(results, policy):
            cause = (
                (bottom and row.unit_id in at_bottom)
                or (vetoed and row.unit_id in disqualified)
                or graded[row.unit_id] in grades
            )
            assert row.eligible is not (cause and row.role in roles)
