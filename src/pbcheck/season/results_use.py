r"""Use of results (结果运用): performance points and eligibility for 评先评优.

Once a season's results are approved, other decisions read them.  This
module gives the two tables an office hands on:

* :func:`performance_table` — unit → grade → points or coefficient for the
  annual performance assessment (年度绩效考核), by a
  :class:`PerformancePolicy` the office writes.  pbcheck has **no built-in
  numbers**: how many points a grade is worth is each place's own rule, so
  the policy is always yours.  An example of what one might say (an
  illustration, not a regulation)::

      PerformancePolicy(
          {"好": 5, "较好": 4, "一般": 2, "差": 0},
          vetoed=0,
          basis="党建工作责任制考核结果按等次折算计入年度绩效考核",
      )

* :func:`eligibility_table` — each responsible person (责任人: the unit's
  party secretary and its administrative head) → eligible for 评先评优 or
  not, a note for their annual appraisal (年度考核), and the reason, by an
  :class:`EligibilityPolicy`.  The default takes from the seed documents
  (pbcheck's default, not a regulation) that a unit at the bottom loses
  eligibility for itself and its leaders:

      对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格
      -- 南平市，关于进一步完善机关党建工作责任制的思考

  and, as pbcheck's own default, that a vetoed unit (一票否决) loses it too.

Exact numbers stay exact in the rows (:class:`~fractions.Fraction`); texts
show them by the rubric's rounding.

Three units, their responsible persons registered; 单位b is vetoed:

>>> from datetime import date
>>> from pbcheck import AssessmentCycle, Evaluation, Incident, Observation
>>> from pbcheck import OrgTree, OrgUnit, ResponsiblePerson, Results
>>> from pbcheck.examples.small import simple_rubric
>>> people = {"a": ("张伟", "刘洋"), "b": ("李娜", "陈静"), "c": ("王芳", "赵磊")}
>>> tree = OrgTree(
...     [
...         OrgUnit("root", "机关工委", "working_committee"),
...         *(
...             OrgUnit(
...                 unit_id,
...                 f"单位{unit_id}",
...                 "party_committee",
...                 parent="root",
...                 series="党群部门",
...                 responsible=[
...                     ResponsiblePerson(secretary, "secretary"),
...                     ResponsiblePerson(head, "administrative_head"),
...                 ],
...             )
...             for unit_id, (secretary, head) in people.items()
...         ),
...     ]
... )
>>> results = Results.compute(
...     simple_rubric(),
...     tree,
...     AssessmentCycle.cross_year(2025),
...     [
...         Evaluation("a", [Observation("i", 95)]),
...         Evaluation(
...             "b", [Observation("i", 88)], incidents=[Incident("V", date(2025, 9, 1))]
...         ),
...         Evaluation("c", [Observation("i", 70)]),
...     ],
... )
>>> policy = PerformancePolicy({"好": 5, "较好": 4, "一般": 2, "差": 0}, vetoed=0)
>>> for row in performance_table(results, policy):
...     print(row.unit_id, row.grade, row.value, row.reason)
a 好 5 等次为“好”，计 5.00 分
b 差 0 被一票否决，计 0.00 分
c 一般 2 等次为“一般”，计 2.00 分
>>> rows = eligibility_table(results)
>>> [(r.person, r.role_zh, r.eligible) for r in rows if r.unit_id == "b"]
[('李娜', '书记', False), ('陈静', '行政主要领导', False)]
>>> print(next(r for r in rows if r.unit_id == "b").reason)  # doctest: +ELLIPSIS
所在单位处于后位（...）；所在单位被一票否决，取消评先评优资格；依据pbcheck 默认规则（...）：对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格；一票否决取消评先评优资格为 pbcheck 默认规则
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal

import attrs

from pbcheck._numbers import RoundingPolicy, to_exact
from pbcheck._text import unsafe_character
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.model.org import OrgUnit, Role
from pbcheck.outcomes.consequences import SEED_SOURCE
from pbcheck.outcomes.season import Results
from pbcheck.season import _fields

__all__ = [
    "SEED_ELIGIBILITY_BASIS",
    "EligibilityPolicy",
    "EligibilityRow",
    "PerformanceKind",
    "PerformancePolicy",
    "PerformanceRow",
    "eligibility_table",
    "performance_table",
]

#: What a :class:`PerformancePolicy` gives: points added to the annual
#: performance assessment, or a coefficient it is multiplied by.
PerformanceKind = Literal["points", "coefficient"]

_ROLE_ZH = {Role.SECRETARY: "书记", Role.ADMINISTRATIVE_HEAD: "行政主要领导"}

#: The seed documents' rule on eligibility (南平市).
SEED_ELIGIBILITY_BASIS = "对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格"


def _copied(value: object) -> Any:  # noqa: ANN401 - checked in __attrs_post_init__
    # A copy, so that changing the caller's dict later cannot change the policy.
    return dict(value) if isinstance(value, Mapping) else value


def _as_given(value: object) -> Any:  # noqa: ANN401 - checked in __attrs_post_init__
    return value


def _text_ok(value: object) -> str | None:
    """Why *value* is not a usable single-line text, or ``None``."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    return unsafe_character(value)


@attrs.frozen
class PerformancePolicy:
    r"""Grade → points or coefficient for the annual performance assessment.

    A policy of the office's own: pbcheck holds no numbers of its own here.

    Args:
        points: every grade label → an exact number (int, Decimal,
            Fraction or a decimal string; floats are refused).
        kind: ``"points"`` (added to the assessment) or ``"coefficient"``
            (it multiplies; must not be negative).
        vetoed: the value of a vetoed unit (一票否决), whatever its grade;
            ``None``: its grade decides.
        bottom: the value of a unit at the bottom (处于后位), whatever its
            grade; ``None``: its grade decides.  A veto comes first.
        basis: the office's rule, quoted in every reason.

    Raises:
        ValidationError: every problem at once (no grades, a blank label, an
            inexact or negative-coefficient value, a bad kind).

    >>> PerformancePolicy(
    ...     {"好": "1.05", "较好": 1, "一般": "0.95", "差": "0.9"}, kind="coefficient"
    ... ).points["好"]
    Fraction(21, 20)
    >>> from pbcheck.errors import ValidationError, render
    >>> try:
    ...     PerformancePolicy({"好": 0.5, "差": "-0.1"}, kind="coefficient")
    ... except ValidationError as exc:
    ...     print("\n".join(render(exc)))  # doctest: +ELLIPSIS
    invalid performance policy: 2 problems
      points["好"]: must be an exact number ...; floats are refused because they are not exact (got 0.5)
      points["差"]: a coefficient must not be negative (got '-0.1')
    """

    points: Mapping[str, Fraction] = attrs.field(converter=_copied)
    kind: PerformanceKind = "points"
    vetoed: Fraction | None = attrs.field(default=None, converter=_as_given)
    bottom: Fraction | None = attrs.field(default=None, converter=_as_given)
    basis: str = ""

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid performance policy")
        points: dict[str, Fraction] = {}
        if not isinstance(self.points, Mapping) or not self.points:
            problems.add(
                InvalidValueError(
                    ("points",), self.points, "must map at least one grade to a number"
                )
            )
        else:
            for label, value in self.points.items():
                if (why := _text_ok(label)) is not None:
                    problems.add(InvalidValueError(("points",), label, why))
                    continue
                try:
                    points[label] = self._value(("points", label), value)
                except Problem as problem:
                    problems.add(problem)
        if self.kind not in {"points", "coefficient"}:
            problems.add(
                InvalidValueError(
                    ("kind",), self.kind, "must be 'points' or 'coefficient'"
                )
            )
        fixed: dict[str, Fraction | None] = {}
        for name in ("vetoed", "bottom"):
            value = getattr(self, name)
            try:
                fixed[name] = None if value is None else self._value((name,), value)
            except Problem as problem:
                problems.add(problem)
        if not isinstance(self.basis, str):
            problems.add(InvalidTypeError(("basis",), self.basis, "must be a string"))
        elif (why := unsafe_character(self.basis, line_breaks=True)) is not None:
            problems.add(InvalidValueError(("basis",), self.basis, why))
        problems.raise_if_any()
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "vetoed", fixed["vetoed"])
        object.__setattr__(self, "bottom", fixed["bottom"])

    def _value(self, path: tuple[str, ...], value: object) -> Fraction:
        exact = to_exact(value, path)
        if self.kind == "coefficient" and exact < 0:
            raise InvalidValueError(path, value, "a coefficient must not be negative")
        return exact


@attrs.frozen
class PerformanceRow:
    """One unit's line of the performance table.

    Args:
        unit_id: the unit; unit_name: its name.
        grade: its grade label (``None`` if it was not graded).
        kind: ``points`` or ``coefficient``.
        value: the exact number.
        text: the number as shown (the rubric's rounding).
        reason: why, in Chinese.

    >>> from pbcheck import AssessmentCycle, Evaluation, Observation, Results
    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> results = Results.compute(
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation(u, [Observation("i", t)])
    ...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
    ...     ],
    ... )
    >>> policy = PerformancePolicy({"好": 5, "较好": 4, "一般": 2, "差": 0}, bottom=0)
    >>> row = performance_table(results, policy)[2]
    >>> row.unit_id, row.grade, row.value, row.text, row.reason
    ('c', '一般', Fraction(0, 1), '0.00', '处于后位，计 0.00 分')
    """

    unit_id: str
    unit_name: str
    grade: str | None
    kind: PerformanceKind
    value: Fraction
    text: str
    reason: str


def _units(results: Results) -> list[OrgUnit]:
    """The scored units, in the tree's order."""
    scored = {card.unit_id for card in results.scorecards}
    return [unit for unit in results.tree if unit.id in scored]


def _grade(results: Results, unit_id: str) -> str | None:
    try:
        return results.outcomes.grades.of(unit_id).label
    except KeyError:
        return None


def _rounding(results: Results, unit_id: str) -> RoundingPolicy:
    return results.scorecard(unit_id).rounding


def performance_table(
    results: Results, policy: PerformancePolicy
) -> tuple[PerformanceRow, ...]:
    r"""Each scored unit's points or coefficient under *policy*, in the tree's order.

    A vetoed unit takes ``policy.vetoed`` and a unit at the bottom
    ``policy.bottom`` when those are set; otherwise its grade decides.

    Raises:
        ValidationError: *policy* names a grade the results' grading does
            not have (a typo would silently never apply), or a unit's grade
            (or lack of one) has no value — each named.

    >>> from pbcheck import AssessmentCycle, Evaluation, Observation, Results
    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> results = Results.compute(
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation(u, [Observation("i", t)])
    ...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
    ...     ],
    ... )
    >>> policy = PerformancePolicy(
    ...     {"好": "1.05", "较好": 1, "一般": "0.95", "差": "0.9"},
    ...     kind="coefficient",
    ...     bottom="0.9",
    ...     basis="本市年度绩效考核办法",
    ... )
    >>> for row in performance_table(results, policy):
    ...     print(row.unit_id, row.text, row.reason)
    a 1.05 等次为“好”，绩效系数 1.05；依据本市年度绩效考核办法
    b 1.00 等次为“较好”，绩效系数 1.00；依据本市年度绩效考核办法
    c 0.90 处于后位，绩效系数 0.90；依据本市年度绩效考核办法

    A grade the results do not have is named, not silently ignored:

    >>> from pbcheck.errors import ValidationError, render
    >>> try:
    ...     performance_table(results, PerformancePolicy({"优秀": 5, "好": 4}))
    ... except ValidationError as exc:
    ...     print("\n".join(render(exc)))
    cannot make the performance table: 3 problems
      policy.points["优秀"]: is not a grade of the results (they are 好、较好、一般、差) (got '优秀')
      policy.points: has no value for unit b's grade (got '较好')
      policy.points: has no value for unit c's grade (got '一般')
    """
    if not isinstance(results, Results):
        raise InvalidTypeError(("results",), results, "must be a Results")
    if not isinstance(policy, PerformancePolicy):
        raise InvalidTypeError(("policy",), policy, "must be a PerformancePolicy")
    problems = _Problems("cannot make the performance table")
    known = results.outcomes.grades.policy.labels
    for label in policy.points:
        if label not in known:
            problems.add(
                UnknownReferenceError(
                    ("policy", "points", label),
                    label,
                    f"is not a grade of the results (they are {'、'.join(known)})",
                )
            )
    bottom = set(results.outcomes.bottom.unit_ids)
    rows = []
    for unit in _units(results):
        grade = _grade(results, unit.id)
        vetoed = results.scorecard(unit.id).disqualified
        if vetoed and policy.vetoed is not None:
            value, why = policy.vetoed, "被一票否决"
        elif unit.id in bottom and policy.bottom is not None:
            value, why = policy.bottom, "处于后位"
        elif grade is not None and grade in policy.points:
            value, why = policy.points[grade], f"等次为“{grade}”"
        else:
            problems.add(
                InvalidValueError(
                    ("policy", "points"),
                    grade,
                    f"has no value for unit {unit.id}'s grade"
                    if grade is not None
                    else f"has no value for unit {unit.id}, which was not graded",
                )
            )
            continue
        text = _rounding(results, unit.id).format(value)
        what = f"计 {text} 分" if policy.kind == "points" else f"绩效系数 {text}"
        reason = f"{why}，{what}" + (f"；依据{policy.basis}" if policy.basis else "")
        rows.append(
            PerformanceRow(unit.id, unit.name, grade, policy.kind, value, text, reason)
        )
    problems.raise_if_any()
    return tuple(rows)


def _labels(value: Iterable[str] | str) -> frozenset[str]:
    return frozenset((value,) if isinstance(value, str) else value)


def _roles(value: Iterable[Role | str]) -> frozenset[Role]:
    return frozenset(Role(role) for role in value)


@attrs.frozen
class EligibilityPolicy:
    """Who loses eligibility for 评先评优 through their unit's result.

    Args:
        bottom: a unit at the bottom (处于后位) costs its responsible
            persons their eligibility (default ``True``, from the seed).
        vetoed: a vetoed unit (一票否决) does too (default ``True``,
            pbcheck's own default).
        grades: grade labels that do too (default none), e.g. ``{"差"}``.
        roles: whose eligibility the result decides (default both
            responsible persons: the seed says 该党组织和单位领导).
        basis: the rule, quoted in each reason; source: whose rule it is
            (:data:`~pbcheck.outcomes.consequences.SEED_SOURCE` for the
            default; say ``本细则`` when you write your own).

    >>> EligibilityPolicy().source.startswith("pbcheck 默认规则")
    True
    """

    bottom: bool = attrs.field(default=True, validator=_fields.instance(bool))
    vetoed: bool = attrs.field(default=True, validator=_fields.instance(bool))
    grades: frozenset[str] = attrs.field(factory=frozenset, converter=_labels)
    roles: frozenset[Role] = attrs.field(default=frozenset(Role), converter=_roles)
    basis: str = SEED_ELIGIBILITY_BASIS
    source: str = SEED_SOURCE


@attrs.frozen
class EligibilityRow:
    """One responsible person's line of the eligibility table.

    Args:
        unit_id: the unit; unit_name: its name.
        role: the person's role; role_zh: ``书记`` or ``行政主要领导``.
        person: the person's name, ``None`` when the tree registers nobody
            in that role (the row says so, so the gap is seen).
        eligible: whether they keep eligibility for 评先评优.
        note: a line for their annual appraisal (年度考核), e.g.
            ``所在单位2025—2026年度党建工作责任制考核等次为“好”``.
        reason: why eligible or not.

    A policy of the office's own that takes eligibility for the grade 一般
    rather than for the bottom place:

    >>> from pbcheck import AssessmentCycle, Evaluation, Observation, Results
    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> results = Results.compute(
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation(u, [Observation("i", t)])
    ...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
    ...     ],
    ... )
    >>> policy = EligibilityPolicy(grades={"一般"}, bottom=False, source="本细则")
    >>> row = eligibility_table(results, policy)[4]
    >>> row.unit_id, row.role_zh, row.person, row.eligible
    ('c', '书记', None, False)
    >>> row.note
    '所在单位2025—2026年度党建工作责任制考核等次为“一般”，处于后位'
    >>> row.reason  # doctest: +ELLIPSIS
    '未登记书记；所在单位等次为“一般”，取消评先评优资格；依据本细则：...'
    """

    unit_id: str
    unit_name: str
    role: Role
    role_zh: str
    person: str | None
    eligible: bool
    note: str
    reason: str


def eligibility_table(
    results: Results, policy: EligibilityPolicy | None = None
) -> tuple[EligibilityRow, ...]:
    """Each responsible person's eligibility for 评先评优, in the tree's order.

    Per scored unit, one row per role (书记, then 行政主要领导): the person the
    tree registers, or ``None`` with ``未登记`` in the reason.

    Raises:
        ValidationError: *policy* names a grade the results' grading does
            not have.

    >>> from pbcheck import AssessmentCycle, Evaluation, Observation, Results
    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> results = Results.compute(
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b", "c"]}),
    ...     AssessmentCycle.cross_year(2025),
    ...     [
    ...         Evaluation(u, [Observation("i", t)])
    ...         for u, t in [("a", 95), ("b", 88), ("c", 70)]
    ...     ],
    ... )
    >>> rows = eligibility_table(results)
    >>> [(r.unit_id, r.role_zh, r.eligible) for r in rows if r.unit_id != "a"]
    [('b', '书记', True), ('b', '行政主要领导', True), ('c', '书记', False), ('c', '行政主要领导', False)]
    >>> rows[0].note
    '所在单位2025—2026年度党建工作责任制考核等次为“好”'

    The tree registers nobody here, and each row says so:

    >>> rows[0].person, rows[0].reason
    (None, '未登记书记；所在单位未处于后位，未被一票否决，保留评先评优资格')
    """
    if not isinstance(results, Results):
        raise InvalidTypeError(("results",), results, "must be a Results")
    chosen = EligibilityPolicy() if policy is None else policy
    if not isinstance(chosen, EligibilityPolicy):
        raise InvalidTypeError(("policy",), policy, "must be an EligibilityPolicy")
    known = results.outcomes.grades.policy.labels
    problems = _Problems("cannot make the eligibility table")
    for label in sorted(chosen.grades):
        if label not in known:
            problems.add(
                UnknownReferenceError(
                    ("policy", "grades"),
                    label,
                    f"is not a grade of the results (they are {'、'.join(known)})",
                )
            )
    problems.raise_if_any()
    bottom = results.outcomes.bottom
    rows = []
    for unit in _units(results):
        grade = _grade(results, unit.id)
        vetoed = results.scorecard(unit.id).disqualified
        at_bottom = unit.id in bottom
        losses = []
        if chosen.bottom and at_bottom:
            losses.append(f"所在单位处于后位（{bottom.of(unit.id).reason}）")
        if chosen.vetoed and vetoed:
            losses.append("所在单位被一票否决")
        if grade is not None and grade in chosen.grades:
            losses.append(f"所在单位等次为“{grade}”")
        note = _note(results.cycle.label_zh, grade, at_bottom=at_bottom, vetoed=vetoed)
        for role in (Role.SECRETARY, Role.ADMINISTRATIVE_HEAD):
            person = next((p.name for p in unit.responsible if p.role is role), None)
            decided = role in chosen.roles and bool(losses)
            if decided:
                reason = (
                    "；".join(losses)
                    + "，取消评先评优资格；"
                    + _grounds(
                        chosen,
                        bottom=chosen.bottom and at_bottom,
                        vetoed=chosen.vetoed and vetoed,
                        graded=grade is not None and grade in chosen.grades,
                    )
                )
            elif losses:
                reason = "本办法所定取消资格情形不及于" + _ROLE_ZH[role]
            else:
                reason = (
                    "所在单位"
                    + ("处于后位" if at_bottom else "未处于后位")
                    + "，"
                    + ("被一票否决" if vetoed else "未被一票否决")
                    + "，保留评先评优资格"
                )
            if person is None:
                reason = f"未登记{_ROLE_ZH[role]}；{reason}"
            rows.append(
                EligibilityRow(
                    unit.id,
                    unit.name,
                    role,
                    _ROLE_ZH[role],
                    person,
                    not decided,
                    note,
                    reason,
                )
            )
    return tuple(rows)


def _grounds(
    policy: EligibilityPolicy, *, bottom: bool, vetoed: bool, graded: bool
) -> str:
    """Whose rule took the eligibility, for each cause that applied."""
    if policy.source != SEED_SOURCE:
        return f"依据{policy.source}" + (f"：{policy.basis}" if policy.basis else "")
    # The default policy: the seed speaks of the bottom place alone, so a
    # veto or a grade is said to be pbcheck's own rule, never the seed's.
    grounds = []
    if bottom:
        grounds.append(f"依据{SEED_SOURCE}：{policy.basis}")
    if vetoed:
        grounds.append("一票否决取消评先评优资格为 pbcheck 默认规则")
    if graded:
        grounds.append(
            f"等次{'、'.join(sorted(policy.grades))}取消评先评优资格为所设规则"
        )
    return "；".join(grounds)


def _note(cycle: str, grade: str | None, *, at_bottom: bool, vetoed: bool) -> str:
    if grade is None:
        text = f"所在单位{cycle}党建工作责任制考核未评定等次"
    else:
        text = f"所在单位{cycle}党建工作责任制考核等次为“{grade}”"
    if at_bottom:
        text += "，处于后位"
    if vetoed:
        text += "，被一票否决"
    return text
