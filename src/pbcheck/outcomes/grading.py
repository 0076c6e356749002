"""Grades (等次): tiers by score thresholds and by quotas.

A :class:`GradingPolicy` is a list of :class:`GradeTier`, best first.  The
labels are data (好 / 较好 / 一般 / 差, 优秀 / 良好 / 合格 / 不合格, or your
own).  Each tier but the last may have

* a **threshold** ``min_score``: the lowest total that reaches it (inclusive);
* a **quota** (:class:`~pbcheck.outcomes.ranking.Quota`): at most ``count`` units, or
  ``share`` of the group's units rounded down (向下取整).

The last tier has neither: it takes every unit that reached no tier above,
so **every possible score has exactly one grade**.  Thresholds are lower
bounds and must fall strictly from tier to tier, so bands cannot leave a gap.
Written as ranges (``96–100 / 76–95 / …``) through
:meth:`GradingPolicy.from_ranges`, the ranges are checked to meet exactly:
``96–100`` then ``76–95`` leaves 95.5 nowhere and is rejected.

Thresholds compare the **published total** (公布分, the total as shown:
:attr:`~pbcheck.Scorecard.rounded_total`) by default (``basis="rounded"``),
because offices grade on what they publish: a unit shown as 90.00 reaches a
90 band.  ``basis="exact"`` compares the totals before rounding instead;
reasons then show the longer decimal that decided next to the published one
(``总分 89.996（公布为 90.00）未达到“好”等次线 90``).  Either way a reason
says which value decided and never contradicts the published table.

**Gates and overrides** (:class:`GradeGate`, :class:`GradeOverride`) are the
rubric's own rules about facts beside the score, e.g. "被问责、受到通报批评的
单位不得评为‘好’" (a gate: it caps the best grade a unit may receive) or
"获中央表彰的直接评为‘好’" (an override: it sets the grade).  Their text is
data (``basis``), quoted in the reason as the rule of ``source`` (本细则 by
default); pbcheck ships none.

How a group (a series by default) is graded, in this order:

1. **Veto.** A vetoed unit (一票否决) gets the lowest tier, whatever it scored
   and whatever else applies, and takes no quota.
2. **Overrides.** A unit that meets an override (the first that applies, in
   the policy's order) gets its declared grade, outside the competition for
   places; with ``takes_quota`` (the default) it uses one of that tier's
   places first.
3. **Gates.** A gate never raises a grade: a unit it applies to cannot be
   placed above the gate's ``highest`` grade (the strictest gate that
   applies wins), and does not take a place in the quota of a tier it may
   not receive, so that place goes to the next unit.  A gate also caps an
   override (a prohibition, "不得评为", is not lifted by an honour), unless
   the policy says ``override_beats_gate=True``.
4. **Thresholds and quotas.** Top-down, each tier takes the units that reach
   its threshold, were not placed above and may receive it; with a quota,
   the best ones up to the limit.  **Units tied at the cut-off all drop** to
   the next tier, so a quota is never exceeded.
5. The last tier takes the rest.

>>> from pbcheck.examples.small import org_tree, scorecards
>>> policy = GradingPolicy(
...     [
...         GradeTier("好", 90, Quota(share="0.2")),
...         GradeTier("较好", 80),
...         GradeTier("一般", 60),
...         GradeTier("差"),
...     ]
... )
>>> tree = org_tree({"政府工作部门": ["a", "b", "c", "d", "e"]})
>>> cards = scorecards({"a": 95, "b": 92, "c": 85, "d": 59, "e": 99}, vetoed={"e"})
>>> grades = grade(cards, policy, tree=tree)
>>> [(g.unit_id, g.label) for g in grades]
[('a', '好'), ('b', '较好'), ('c', '较好'), ('d', '差'), ('e', '差')]
>>> print(grades.of("b").reason)
公布分 92.00 达到“好”等次线 90，但“好”名额 1 个（5 个单位 × 20%，向下取整）已用完；达到“较好”等次线 80，评为“较好”
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from typing import Literal, TypeVar

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    Path,
    Problem,
    Step,
    UnknownReferenceError,
    _Problems,
    item,
    member,
)
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import OrgTree
from pbcheck.outcomes.ranking import (
    Quota,
    RankedUnit,
    RankingPolicy,
    TieBasis,
    comparable_groups,
    group_cards,
    rank,
    take_top,
)
from pbcheck.outcomes.selection import AccountabilityKind, AccountabilityRecord
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html

__all__ = [
    "EXCELLENT_LABELS",
    "GOOD_LABELS",
    "GradeGate",
    "GradeOverride",
    "GradeResult",
    "GradeTier",
    "Grades",
    "GradingPolicy",
    "Honour",
    "HonourLevel",
    "grade",
]

#: 好 / 较好 / 一般 / 差 — the four grades of many party-building assessments.
GOOD_LABELS = ("好", "较好", "一般", "差")
#: 优秀 / 良好 / 合格 / 不合格 — the four grades of cadre-style assessments.
EXCELLENT_LABELS = ("优秀", "良好", "合格", "不合格")


def _optional_min(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, ("tier", "min_score"))


@attrs.frozen
class GradeTier:
    """One grade: its label, the score that reaches it, and its quota.

    Args:
        label: the grade's name, e.g. ``好``.
        min_score: the lowest total that reaches it (inclusive); ``None`` for
            the last tier, or for a tier given only by quota.
        quota: at most this many units of a group (:class:`Quota`).

    >>> GradeTier("优秀", "89.5").min_score
    Fraction(179, 2)
    """

    label: str
    min_score: Fraction | None = attrs.field(default=None, converter=_optional_min)
    quota: Quota | None = None

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid grade tier")
        if not isinstance(self.label, str) or not self.label.strip():
            problems.add(
                InvalidValueError(
                    ("tier", "label"), self.label, "must be a non-empty string"
                )
            )
        if self.quota is not None and not isinstance(self.quota, Quota):
            problems.add(
                InvalidTypeError(
                    (*item("tier", self.label), "quota"), self.quota, "must be a Quota"
                )
            )
        problems.raise_if_any()


class HonourLevel(StrEnum):
    """The level of the body that gave an honour (表彰), highest first.

    >>> [level.label_zh for level in HonourLevel]
    ['中央', '省级', '市级', '县级']
    """

    CENTRAL = "central"
    """中央 — the Party Central Committee or a central organ."""
    PROVINCIAL = "provincial"
    """省级 — a provincial party committee or its organs."""
    MUNICIPAL = "municipal"
    """市级 — a city party committee or its organs."""
    COUNTY = "county"
    """县级 — a county party committee or its organs."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``中央``."""
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    HonourLevel.CENTRAL: "中央",
    HonourLevel.PROVINCIAL: "省级",
    HonourLevel.MUNICIPAL: "市级",
    HonourLevel.COUNTY: "县级",
}


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError(
            ("honour", attribute.name), value, "must be a non-empty string"
        )


def _day(_: object, attribute: attrs.Attribute[date], value: date) -> None:
    if not isinstance(value, date):
        raise InvalidTypeError(
            ("honour", attribute.name), value, "must be a datetime.date"
        )


@attrs.frozen
class Honour:
    """An honour a unit received (表彰), an input to grade overrides.

    Kept apart from the :class:`~pbcheck.Evaluation`, like an
    :class:`~pbcheck.outcomes.selection.AccountabilityRecord`: it decides a
    grade by rule, not points.

    Args:
        unit_id: the unit honoured (its party organisation included).
        level: who gave it (:class:`HonourLevel`, or its value such as
            ``"central"``).
        title: the honour, e.g. ``全国先进基层党组织``.
        awarded_on: the date of the decision.
        evidence: where it is recorded, e.g. the document number.

    >>> Honour("czj", "central", "全国先进基层党组织", date(2025, 6, 28)).level.label_zh
    '中央'
    """

    unit_id: str = attrs.field(validator=_text)
    level: HonourLevel = attrs.field(converter=HonourLevel)
    title: str = attrs.field(validator=_text)
    awarded_on: date = attrs.field(validator=_day)
    evidence: str = ""


_E = TypeVar("_E", bound=StrEnum)


def _members(value: object, name: str, enum: type[_E]) -> tuple[_E, ...]:
    """*value*, a list of *enum*'s values, as members; any other is named.

    >>> _members(["central", "县级"], "levels", HonourLevel)
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid grade rule: 1 problem
      levels[1]: must be one of 'central', 'provincial', 'municipal', 'county' (got '县级')
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidTypeError((name,), value, f"must be a list of {enum.__name__}")
    problems = _Problems("invalid grade rule")
    found: list[_E] = []
    allowed = ", ".join(repr(known.value) for known in enum)
    for index, given in enumerate(value):
        try:
            found.append(enum(given))
        except ValueError:
            problems.add(
                InvalidValueError((name, index), given, f"must be one of {allowed}")
            )
    problems.raise_if_any()
    return tuple(found)


def _kinds(value: Iterable[AccountabilityKind | str]) -> tuple[AccountabilityKind, ...]:
    return _members(value, "kinds", AccountabilityKind)


def _levels(value: Iterable[HonourLevel | str]) -> tuple[HonourLevel, ...]:
    return _members(value, "levels", HonourLevel)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _check_rule(
    rule: GradeGate | GradeOverride, kind: str, conditions: Sequence[object]
) -> None:
    problems = _Problems(f"invalid grade {kind}")
    here = item(kind, rule.key) if isinstance(rule.key, str) else (kind,)
    for name in ("key", "source"):
        value = getattr(rule, name)
        if not isinstance(value, str) or not value.strip():
            problems.add(
                InvalidValueError((*here, name), value, "must be a non-empty string")
            )
    if not isinstance(rule.basis, str):
        problems.add(InvalidTypeError((*here, "basis"), rule.basis, "must be text"))
    if not any(conditions):
        problems.add(
            InvalidValueError(
                (*here, "facts"), rule.facts, "needs at least one condition to apply"
            )
        )
    for index, fact in enumerate(rule.facts):
        if not isinstance(fact, str) or not fact.strip():
            problems.add(
                InvalidValueError(
                    (*here, "facts", index), fact, "must be a non-empty string"
                )
            )
    problems.raise_if_any()


@attrs.frozen
class GradeGate:
    """A rule that caps the best grade a unit may receive (不得评为…).

    The gate applies to a unit with a decided accountability record of one
    of ``kinds`` dated within the cycle (when the cycle is known), or with
    one of ``facts`` supplied by the caller.  A pending case does not apply
    a gate: it is not decided.

    Args:
        key: a stable id, e.g. ``accountability``.
        highest: the best grade the unit may receive, e.g. ``较好`` for
            "不得评为‘好’".
        kinds: accountability kinds that apply it
            (:class:`~pbcheck.outcomes.selection.AccountabilityKind` or their
            values); every kind for "被问责".
        facts: facts that apply it, as the caller names them, e.g.
            ``发生重大安全责任事故``.
        basis: the rule's own text, quoted in the reason.
        source: where the rule stands, e.g. ``本细则第十二条``.

    >>> gate = GradeGate(
    ...     "criticism", "较好", kinds=["circulated_criticism"],
    ...     basis="受到通报批评的单位不得评为“好”",
    ... )  # fmt: skip
    >>> gate.kinds
    (<AccountabilityKind.CIRCULATED_CRITICISM: 'circulated_criticism'>,)
    """

    key: str
    highest: str
    kinds: tuple[AccountabilityKind, ...] = attrs.field(default=(), converter=_kinds)
    facts: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    basis: str = ""
    source: str = "本细则"

    def __attrs_post_init__(self) -> None:
        _check_rule(self, "gate", (self.kinds, self.facts))


@attrs.frozen
class GradeOverride:
    """A rule that sets a unit's grade (直接评为…), e.g. for a central honour.

    The override applies to a unit with an :class:`Honour` of one of
    ``levels`` awarded within the cycle (when the cycle is known), or with
    one of ``facts`` supplied by the caller.

    Args:
        key: a stable id, e.g. ``central_honour``.
        grade: the grade it sets, e.g. ``好``.
        levels: honour levels that apply it.
        facts: facts that apply it, as the caller names them.
        takes_quota: the unit uses a place of that grade's quota (default);
            ``False`` when the rule says it does not count (不占名额).
        basis: the rule's own text, quoted in the reason.
        source: where the rule stands, e.g. ``本细则第十三条``.

    >>> GradeOverride("central", "好", levels=["central"]).levels
    (<HonourLevel.CENTRAL: 'central'>,)
    """

    key: str
    grade: str
    levels: tuple[HonourLevel, ...] = attrs.field(default=(), converter=_levels)
    facts: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    takes_quota: bool = True
    basis: str = ""
    source: str = "本细则"

    def __attrs_post_init__(self) -> None:
        _check_rule(self, "override", (self.levels, self.facts))


def _gates(value: Iterable[GradeGate]) -> tuple[GradeGate, ...]:
    return tuple(value)


def _overrides(value: Iterable[GradeOverride]) -> tuple[GradeOverride, ...]:
    return tuple(value)


def _tiers(value: Iterable[GradeTier]) -> tuple[GradeTier, ...]:
    return tuple(value)


@attrs.frozen
class GradingPolicy:
    """Grade tiers, best first, what their thresholds compare, gates and overrides.

    Args:
        tiers: the grades, best first; see the module documentation.
        basis: ``"rounded"`` (default: the published totals, 公布分) or
            ``"exact"`` totals meet thresholds and decide ties at a quota's
            cut-off.  The default is pbcheck's, not a regulation: choose
            what your rules say.
        group_by: quotas apply per ``"series"`` (default) or to ``"all"``
            graded units together.
        gates: rules that cap the best grade (:class:`GradeGate`).
        overrides: rules that set the grade (:class:`GradeOverride`); the
            first that applies to a unit decides.
        override_beats_gate: an override sets its grade even where a gate
            caps the unit lower (default ``False``: the gate wins).

    Raises:
        ValidationError: labels are empty or repeated; the last tier has a
            threshold or a quota (it must catch every remaining score); an
            upper tier has neither; thresholds do not fall strictly; a gate
            or override names a grade the policy does not have, or repeats
            a key.

    >>> from pbcheck.errors import ValidationError
    >>> try:
    ...     GradingPolicy([GradeTier("好", 90), GradeTier("差", 60)])
    ... except ValidationError as exc:
    ...     print(exc.problems[0])
    policy.tiers[差].min_score: the last tier must have no threshold, so that every score has a grade (got '60')
    """

    tiers: tuple[GradeTier, ...] = attrs.field(converter=_tiers)
    basis: TieBasis = "rounded"
    group_by: Literal["series", "all"] = "series"
    gates: tuple[GradeGate, ...] = attrs.field(default=(), converter=_gates)
    overrides: tuple[GradeOverride, ...] = attrs.field(default=(), converter=_overrides)
    override_beats_gate: bool = False

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid grading policy")
        if not self.tiers:
            problems.add(
                InvalidValueError(("policy", "tiers"), [], "must not be empty")
            )
        seen: set[str] = set()
        previous: Fraction | None = None
        for index, tier in enumerate(self.tiers):
            if not isinstance(tier, GradeTier):
                problems.add(
                    InvalidTypeError(
                        ("policy", "tiers", index), tier, "must be a GradeTier"
                    )
                )
                continue
            # A repeated label names the first tier: the repeat is named by
            # its position.
            path: Path = (
                "policy",
                "tiers",
                index if tier.label in seen else Id(tier.label),
            )
            if tier.label in seen:
                problems.add(
                    DuplicateIdError((*path, "label"), tier.label, "is used twice")
                )
            seen.add(tier.label)
            last = index == len(self.tiers) - 1
            if last and tier.min_score is not None:
                problems.add(
                    InvalidValueError(
                        (*path, "min_score"),
                        _f(tier.min_score),
                        "the last tier must have no threshold, so that every "
                        "score has a grade",
                    )
                )
            if last and tier.quota is not None:
                problems.add(
                    InvalidValueError(
                        (*path, "quota"),
                        tier.quota,
                        "the last tier must have no quota: it takes every unit left",
                    )
                )
            if not last and tier.min_score is None and tier.quota is None:
                problems.add(
                    InvalidValueError(
                        (*path, "min_score"),
                        None,
                        "a tier above the last needs a threshold, a quota or both",
                    )
                )
            if tier.min_score is not None:
                if previous is not None and tier.min_score >= previous:
                    problems.add(
                        InvalidValueError(
                            (*path, "min_score"),
                            _f(tier.min_score),
                            f"must be below the threshold of the tier above "
                            f"({_f(previous)})",
                        )
                    )
                previous = tier.min_score
        if self.basis not in ("exact", "rounded"):
            problems.add(
                InvalidValueError(
                    ("policy", "basis"), self.basis, "must be 'exact' or 'rounded'"
                )
            )
        if self.group_by not in ("series", "all"):
            problems.add(
                InvalidValueError(
                    ("policy", "group_by"), self.group_by, "must be 'series' or 'all'"
                )
            )
        self._check_rules(problems, seen)
        problems.raise_if_any()

    def _check_rules(self, problems: _Problems, labels: set[str]) -> None:
        keys: set[str] = set()
        rules: list[tuple[str, int, GradeGate | GradeOverride, str]] = []
        rules.extend(("gates", i, g, "highest") for i, g in enumerate(self.gates))
        rules.extend(("overrides", i, o, "grade") for i, o in enumerate(self.overrides))
        for field, index, rule, target in rules:
            wanted = GradeGate if field == "gates" else GradeOverride
            if not isinstance(rule, wanted):
                problems.add(
                    InvalidTypeError(
                        ("policy", field, index), rule, f"must be a {wanted.__name__}"
                    )
                )
                continue
            # A repeated key is named by its position, like a repeated label.
            path: Path = (
                "policy",
                field,
                index if rule.key in keys else Id(rule.key),
            )
            if rule.key in keys:
                problems.add(
                    DuplicateIdError((*path, "key"), rule.key, "is used twice")
                )
            keys.add(rule.key)
            label = getattr(rule, target)
            if label not in labels:
                problems.add(
                    UnknownReferenceError(
                        (*path, target),
                        label,
                        "is not a grade of the policy ("
                        + "、".join(
                            t.label for t in self.tiers if isinstance(t, GradeTier)
                        )
                        + ")",
                    )
                )

    def level(self, label: str) -> int:
        """The position of grade *label*, 0 for the best; :class:`KeyError` if none.

        >>> GradingPolicy.standard().level("一般")
        2
        """
        for index, tier in enumerate(self.tiers):
            if tier.label == label:
                return index
        raise KeyError(label)

    @classmethod
    def standard(cls) -> GradingPolicy:
        """好 ≥ 90, 较好 ≥ 80, 一般 ≥ 60, 差 below, without quotas.

        >>> GradingPolicy.standard().labels
        ('好', '较好', '一般', '差')
        """
        return cls(
            [
                GradeTier(GOOD_LABELS[0], 90),
                GradeTier(GOOD_LABELS[1], 80),
                GradeTier(GOOD_LABELS[2], 60),
                GradeTier(GOOD_LABELS[3]),
            ]
        )

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels, best first.

        >>> GradingPolicy([GradeTier("合格", 60), GradeTier("不合格")]).labels
        ('合格', '不合格')
        """
        return tuple(tier.label for tier in self.tiers)

    @classmethod
    def from_ranges(  # noqa: PLR0913 - every field of the policy is named
        cls,
        ranges: Sequence[tuple[str, Exact, Exact]],
        *,
        quotas: dict[str, Quota] | None = None,
        basis: TieBasis = "rounded",
        group_by: Literal["series", "all"] = "series",
        gates: Iterable[GradeGate] = (),
        overrides: Iterable[GradeOverride] = (),
    ) -> GradingPolicy:
        r"""Build tiers from score ranges ``(label, low, high)``, best first.

        Ranges must meet exactly: each range's ``high`` equals the ``low`` of
        the range above, and a score exactly on a boundary belongs to the
        upper grade.  A gap (``96–100`` then ``76–95`` leaves 95.5 nowhere)
        or an overlap is an error.  The top range's ``high`` and the bottom
        range's ``low`` are the outer edges only: a score above the top (an
        open rubric with bonus) is in the top grade, one below the bottom in
        the bottom grade.

        >>> from pbcheck.errors import ValidationError, render
        >>> try:
        ...     GradingPolicy.from_ranges(
        ...         [("好", 96, 100), ("较好", 76, 95), ("差", 0, 76)]
        ...     )
        ... except ValidationError as exc:
        ...     print("\n".join(render(exc)))
        invalid grading policy: 1 problem
          policy.ranges[较好].high: must equal the low end of 好 (96): scores between 95 and 96 would have no grade (got '95')
        >>> GradingPolicy.from_ranges(
        ...     [("好", 90, 100), ("较好", 80, 90), ("差", 0, 80)]
        ... ).labels
        ('好', '较好', '差')
        """
        problems = _Problems("invalid grading policy")
        bounds: list[tuple[str, Fraction, Fraction]] = []
        # Each range's place: ``policy.ranges[较好]``, or its position where
        # the label is not a usable id or repeats one before it.
        steps: list[Step] = []
        for index, given in enumerate(ranges):
            try:
                label, low, high = given
                bounds.append(
                    (
                        label,
                        to_exact(low, ("policy", "ranges", index, "low")),
                        to_exact(high, ("policy", "ranges", index, "high")),
                    )
                )
            except Problem as problem:
                problems.add(problem)
                continue
            except (TypeError, ValueError):
                problems.add(
                    InvalidTypeError(
                        ("policy", "ranges", index), given, "must be (label, low, high)"
                    )
                )
                continue
            repeated = any(label == earlier for earlier, _, _ in bounds[:-1])
            steps.append(index if repeated else member(index, label))
        for step, (_, low, high) in zip(steps, bounds, strict=True):
            if low >= high:
                problems.add(
                    InvalidValueError(
                        ("policy", "ranges", step, "low"),
                        _f(low),
                        f"must be below high ({_f(high)})",
                    )
                )
        for step, ((upper, upper_low, _), (_, _, lower_high)) in zip(
            steps[1:], pairwise(bounds), strict=True
        ):
            if lower_high < upper_low:
                problems.add(
                    InvalidValueError(
                        ("policy", "ranges", step, "high"),
                        _f(lower_high),
                        f"must equal the low end of {upper} ({_f(upper_low)}): scores "
                        f"between {_f(lower_high)} and {_f(upper_low)} would have no grade",
                    )
                )
            elif lower_high > upper_low:
                problems.add(
                    InvalidValueError(
                        ("policy", "ranges", step, "high"),
                        _f(lower_high),
                        f"must equal the low end of {upper} ({_f(upper_low)}): scores "
                        f"between {_f(upper_low)} and {_f(lower_high)} would have two grades",
                    )
                )
        problems.raise_if_any()
        quotas = quotas or {}
        tiers = [
            GradeTier(
                label, None if index == len(bounds) - 1 else low, quotas.get(label)
            )
            for index, (label, low, _) in enumerate(bounds)
        ]
        return cls(
            tiers, basis=basis, group_by=group_by, gates=gates, overrides=overrides
        )


@attrs.frozen
class GradeResult:
    """One unit's grade and why.

    Args:
        unit_id: the unit.
        group: the group whose quota applied (a series, or ``全部``).
        label: the grade given.
        level: its position in the policy, 0 for the best.
        by_score: the grade its score alone reached (before quotas, veto,
            gates and overrides).
        reason: why, in Chinese; it names the value that decided (公布分
            or 总分) and quotes every gate or override that applied.
        gate: the key of the :class:`GradeGate` that capped the grade, if
            one did.
        override: the key of the :class:`GradeOverride` that set the
            grade, if one did.

    >>> from pbcheck.examples.small import scorecards
    >>> result = grade(scorecards({"a": 85}), GradingPolicy.standard()).of("a")
    >>> result.label, result.level, result.reason
    ('较好', 1, '公布分 85.00 达到“较好”等次线 80，评为“较好”')
    >>> result.gate, result.override
    (None, None)
    """

    unit_id: str
    group: str
    label: str
    level: int
    by_score: str
    reason: str
    gate: str | None = None
    override: str | None = None


def _results(value: Iterable[GradeResult]) -> tuple[GradeResult, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class Grades:
    """Every graded unit, grouped in ranking order.

    >>> from pbcheck.examples.small import scorecards
    >>> grades = grade(scorecards({"a": 91, "b": 70}), GradingPolicy.standard())
    >>> grades.counts()
    {'好': 1, '较好': 0, '一般': 1, '差': 0}
    >>> grades
    <Grades: 2 个单位；好 1，较好 0，一般 1，差 0>
    """

    policy: GradingPolicy
    results: tuple[GradeResult, ...] = attrs.field(converter=_results)

    def __repr__(self) -> str:
        counts = "，".join(f"{k} {v}" for k, v in self.counts().items())
        return f"<Grades: {len(self)} 个单位；{counts}>"

    def _repr_html_(self) -> str:
        """How many units got each grade."""
        return html.titled(
            f"等次（{len(self)} 个单位）",
            html.table(["等次", "单位数"], self.counts().items()),
        )

    def __iter__(self) -> Iterator[GradeResult]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def of(self, unit_id: str) -> GradeResult:
        """The grade of *unit_id*; :class:`KeyError` if it was not graded.

        >>> from pbcheck.examples.small import scorecards
        >>> grade(scorecards({"a": 95}), GradingPolicy.standard()).of("a").label
        '好'
        """
        for result in self.results:
            if result.unit_id == unit_id:
                return result
        raise KeyError(unit_id)

    def counts(self) -> dict[str, int]:
        """How many units got each grade, best first (zeros included).

        >>> from pbcheck.examples.small import scorecards
        >>> grade(scorecards({"a": 95, "b": 50}), GradingPolicy.standard()).counts()
        {'好': 1, '较好': 0, '一般': 0, '差': 1}
        """
        counts = dict.fromkeys(self.policy.labels, 0)
        for result in self.results:
            counts[result.label] += 1
        return counts

    def lines(self) -> list[str]:
        """Plain text: a heading with the counts, then one line per unit.

        >>> from pbcheck.examples.small import scorecards
        >>> grade(scorecards({"a": 95}), GradingPolicy.standard()).lines()[0]
        '等次（好 1，较好 0，一般 0，差 0）'
        """
        counts = "，".join(f"{k} {v}" for k, v in self.counts().items())
        out = [f"等次（{counts}）"]
        out.extend(
            f"  {r.group}  {r.unit_id}  {r.label}：{r.reason}" for r in self.results
        )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def grade(  # noqa: PLR0913 - every input of the decision is named
    scorecards: Iterable[Scorecard],
    policy: GradingPolicy,
    *,
    tree: OrgTree | None = None,
    accountability: Iterable[AccountabilityRecord] = (),
    honours: Iterable[Honour] = (),
    facts: Mapping[str, Iterable[str]] | None = None,
    cycle: AssessmentCycle | None = None,
    ranking: RankingPolicy | None = None,
) -> Grades:
    """Grade *scorecards* under *policy*; see the module documentation.

    Args:
        scorecards: one per unit.
        policy: the tiers and their rules.
        tree: needed to group by series; without it all units form one group.
        accountability: accountability records, for the policy's gates.
        honours: honours, for the policy's overrides.
        facts: unit id → facts the caller establishes (e.g.
            ``发生重大安全责任事故``), for gates and overrides that name them.
        cycle: the assessment cycle; records and honours count only when
            dated within it.  Without it every record counts.
        ranking: which rubrics are comparable (``comparable``,
            ``mixed_rubrics``): a quota is shared only by units of comparable
            rubrics; a group mixing others is refused, or split by rubric.

    Raises:
        ValidationError: a unit has two scorecards, or is not in *tree*; a
            record, honour or fact names no graded unit; a group mixes
            rubrics that are not comparable.

    >>> from pbcheck.examples.small import scorecards
    >>> policy = GradingPolicy(
    ...     [GradeTier("优秀", quota=Quota(count=1)), GradeTier("合格")]
    ... )
    >>> [g.label for g in grade(scorecards({"a": 90, "b": 90, "c": 80}), policy)]
    ['合格', '合格', '合格']

    A gate, with the rule's own text quoted:

    >>> from datetime import date
    >>> from pbcheck.outcomes.selection import AccountabilityRecord
    >>> gated = GradingPolicy(
    ...     GradingPolicy.standard().tiers,
    ...     gates=[
    ...         GradeGate(
    ...             "criticism", "较好", kinds=["circulated_criticism"],
    ...             basis="受到通报批评的单位不得评为“好”", source="本细则第十二条",
    ...         )
    ...     ],
    ... )  # fmt: skip
    >>> record = AccountabilityRecord("a", "circulated_criticism", date(2026, 3, 9))
    >>> result = grade(scorecards({"a": "93.5"}), gated, accountability=[record]).of(
    ...     "a"
    ... )
    >>> result.label, result.gate
    ('较好', 'criticism')
    >>> print(result.reason)
    公布分 93.50 达到“好”等次线 90，但2026年3月受到通报批评，按本细则第十二条（受到通报批评的单位不得评为“好”）不得评为“好”；达到“较好”等次线 80，评为“较好”
    """
    cards = list(scorecards)
    records = tuple(accountability)
    awards = tuple(honours)
    known = {card.unit_id for card in cards if isinstance(card, Scorecard)}
    given = _check_inputs(known, records, awards, facts or {})
    comparable = ranking or RankingPolicy()
    order = attrs.evolve(comparable, ties="competition", basis=policy.basis)
    by = "all" if tree is None or policy.group_by == "all" else "series"
    members = {"全部": cards} if tree is None else dict(group_cards(cards, tree, by))
    groups = {
        name: list(rank(group, order).entries)
        for name, group in comparable_groups(members, order, by=by).items()
    }
    rules = _Rules.find(
        policy, units=known, records=records, awards=awards, facts=given, cycle=cycle
    )
    results: list[GradeResult] = []
    for name, entries in groups.items():
        results.extend(_Group(name, entries, policy, rules).grade())
    return Grades(policy, results)


def _check_inputs(
    known: set[str],
    records: Sequence[AccountabilityRecord],
    awards: Sequence[Honour],
    facts: Mapping[str, Iterable[str]],
) -> dict[str, tuple[str, ...]]:
    problems = _Problems("invalid grading inputs")
    for field, values, wanted in (
        ("accountability", records, AccountabilityRecord),
        ("honours", awards, Honour),
    ):
        for index, value in enumerate(values):
            if not isinstance(value, wanted):
                problems.add(
                    InvalidTypeError(
                        (field, index), value, f"must be a {wanted.__name__}"
                    )
                )
            elif value.unit_id not in known:
                problems.add(
                    UnknownReferenceError(
                        (field, index, "unit_id"), value.unit_id, "names no graded unit"
                    )
                )
    given: dict[str, tuple[str, ...]] = {}
    for unit_id, texts in facts.items():
        if unit_id not in known:
            problems.add(
                UnknownReferenceError(
                    ("facts", unit_id), unit_id, "names no graded unit"
                )
            )
        given[unit_id] = _strings(texts)
    problems.raise_if_any()
    return given


@attrs.frozen
class _Applied:
    """A gate or override that applies to one unit, and the facts that apply it."""

    level: int
    rule: GradeGate | GradeOverride
    events: tuple[str, ...]

    def because(self) -> str:
        """``2026年3月受到通报批评，按本细则（…）``: the facts and the rule."""
        quoted = f"（{self.rule.basis}）" if self.rule.basis else ""
        return f"{'、'.join(self.events)}，按{self.rule.source}{quoted}"


def _month(day: date) -> str:
    return f"{day.year}年{day.month}月"


def _in(day: date, cycle: AssessmentCycle | None) -> bool:
    return cycle is None or cycle.start <= day <= cycle.end


@attrs.frozen
class _Rules:
    """The gate (the strictest) and override (the first) that apply to each unit."""

    caps: Mapping[str, _Applied]
    sets: Mapping[str, _Applied]

    @classmethod
    def find(  # noqa: PLR0913 - one argument per kind of fact
        cls,
        policy: GradingPolicy,
        *,
        units: Iterable[str],
        records: Sequence[AccountabilityRecord],
        awards: Sequence[Honour],
        facts: Mapping[str, tuple[str, ...]],
        cycle: AssessmentCycle | None,
    ) -> _Rules:
        caps: dict[str, _Applied] = {}
        sets: dict[str, _Applied] = {}
        for unit_id in units:
            own = facts.get(unit_id, ())
            for gate in policy.gates:
                events = [
                    f"{_month(r.on)}受到{r.kind.label_zh}"
                    for r in records
                    if r.unit_id == unit_id
                    and not r.pending
                    and r.kind in gate.kinds
                    and _in(r.on, cycle)
                ]
                events.extend(fact for fact in own if fact in gate.facts)
                level = policy.level(gate.highest)
                if events and (unit_id not in caps or level > caps[unit_id].level):
                    caps[unit_id] = _Applied(level, gate, tuple(events))
            for override in policy.overrides:
                events = [
                    f"{_month(h.awarded_on)}获{h.level.label_zh}表彰“{h.title}”"
                    for h in awards
                    if h.unit_id == unit_id
                    and h.level in override.levels
                    and _in(h.awarded_on, cycle)
                ]
                events.extend(fact for fact in own if fact in override.facts)
                if events:
                    level = policy.level(override.grade)
                    sets[unit_id] = _Applied(level, override, tuple(events))
                    break
        return cls(caps, sets)


class _Group:
    """One group's grading: overrides, then tiers top-down with gates and quotas."""

    def __init__(
        self,
        name: str,
        entries: Sequence[RankedUnit],
        policy: GradingPolicy,
        rules: _Rules,
    ) -> None:
        self.name = name
        self.entries = entries
        self.policy = policy
        self.rules = rules
        self.last = len(policy.tiers) - 1
        # unit id → (level, what placed it there)
        self.placed: dict[str, tuple[int, str]] = {}
        # unit id → why it did not get a tier above its own
        self.notes: dict[str, list[str]] = {}
        self.capped: set[str] = set()

    def grade(self) -> list[GradeResult]:
        """Every entry's grade, in ranking order."""
        used = self._overrides()
        remaining = [
            e
            for e in self.entries
            if not e.disqualified and e.unit_id not in self.placed
        ]
        size = len(self.entries)
        for level, tier in enumerate(self.policy.tiers[:-1]):
            reached = [e for e in remaining if _meets(tier, e)]
            allowed = []
            for entry in reached:
                cap = self.rules.caps.get(entry.unit_id)
                if cap is None or cap.level <= level:
                    allowed.append(entry)
                elif entry.unit_id not in self.capped:
                    self.capped.add(entry.unit_id)
                    self._note(
                        entry, f"{_line(tier)}但{cap.because()}{_barred(self, cap)}"
                    )
            taken: Sequence[RankedUnit] = allowed
            if tier.quota is not None:
                limit = max(0, tier.quota.limit(size) - used[level])
                taken, dropped = take_top(allowed, limit)
                described = tier.quota.describe(size)
                for entry in allowed:
                    if entry in dropped:
                        others = "、".join(e.unit_id for e in dropped if e is not entry)
                        self._note(
                            entry,
                            f"{_line(tier)}但与 {others} 同分处于“{tier.label}”"
                            f"{described}的名额线上，同分单位一律不占该名额",
                        )
                    elif entry not in taken:
                        self._note(
                            entry, f"{_line(tier)}但“{tier.label}”{described}已用完"
                        )
            for entry in taken:
                self.placed[entry.unit_id] = (level, _reached_text(tier, entry, size))
            remaining = [e for e in remaining if e.unit_id not in self.placed]
        for entry in remaining:
            self.placed[entry.unit_id] = (self.last, "")
        return [self._result(entry) for entry in self.entries]

    def _note(self, entry: RankedUnit, text: str) -> None:
        self.notes.setdefault(entry.unit_id, []).append(text)

    def _overrides(self) -> Counter[int]:
        """Place every overridden unit; count the quota places they use."""
        used: Counter[int] = Counter()
        for entry in self.entries:
            applied = self.rules.sets.get(entry.unit_id)
            if entry.disqualified or applied is None:
                continue
            level = applied.level
            rule = applied.rule
            assert isinstance(rule, GradeOverride)  # noqa: S101 - _Rules.find
            text = f"{applied.because()}直接评为“{rule.grade}”"
            cap = self.rules.caps.get(entry.unit_id)
            if cap is not None and cap.level > level:
                if self.policy.override_beats_gate:
                    text += f"（{cap.because()}{_barred(self, cap)}，但直接评定优先）"
                else:
                    level = cap.level
                    self.capped.add(entry.unit_id)
                    text += f"，但{cap.because()}{_barred(self, cap)}"
            tier = self.policy.tiers[level]
            if level == applied.level and rule.takes_quota and tier.quota is not None:
                used[level] += 1
                text += f"（占“{tier.label}”名额）"
            self.placed[entry.unit_id] = (level, text)
        return used

    def _result(self, entry: RankedUnit) -> GradeResult:
        policy = self.policy
        head = _head(entry, policy)
        by_score = policy.tiers[_reached(policy, entry.compared)].label
        cap = self.rules.caps.get(entry.unit_id)
        applied = self.rules.sets.get(entry.unit_id)
        if entry.disqualified:
            label = policy.tiers[self.last].label
            return GradeResult(
                entry.unit_id,
                self.name,
                label,
                self.last,
                by_score,
                f"{head}，但一票否决，直接评为最低等次“{label}”",
            )
        level, how = self.placed[entry.unit_id]
        label = policy.tiers[level].label
        gate = (
            cap.rule.key if cap is not None and entry.unit_id in self.capped else None
        )
        if applied is not None:
            reason = f"{head}；{how}，评为“{label}”"
            return GradeResult(
                entry.unit_id,
                self.name,
                label,
                level,
                by_score,
                reason,
                gate=gate,
                override=applied.rule.key,
            )
        clauses = _unrounded(entry, policy, level)
        clauses.extend(self.notes.get(entry.unit_id, []))
        if how:
            clauses.append(how)
        elif not clauses and level == self.last and self.last:
            above = policy.tiers[self.last - 1]
            if above.min_score is not None:
                clauses.append(
                    f"未达到“{above.label}”等次线 {_number(above.min_score)}"
                )
        joint = "，" if head.endswith("）") else " "
        reason = (
            f"{head}{joint}{'；'.join(clauses)}，评为“{label}”"
            if clauses
            else f"{head}，评为“{label}”"
        )
        return GradeResult(
            entry.unit_id, self.name, label, level, by_score, reason, gate=gate
        )


def _barred(group: _Group, cap: _Applied) -> str:
    """``不得评为“好”``: every grade above the cap."""
    above = "、".join(f"“{t.label}”" for t in group.policy.tiers[: cap.level])
    return f"不得评为{above}"


def _unrounded(entry: RankedUnit, policy: GradingPolicy, level: int) -> list[str]:
    """Why a published total that reaches a better tier did not, on the exact basis.

    The table shows the published total; when it reaches a threshold that
    the exact total misses, the reason says so, or it would read as a
    mistake.
    """
    if policy.basis != "exact":
        return []
    shown = Fraction(entry.shown)
    return [
        f"按未经四舍五入的总分未达到“{tier.label}”等次线 {_number(tier.min_score)}"
        for tier in policy.tiers[:level]
        if tier.min_score is not None and entry.total < tier.min_score <= shown
    ]


def _meets(tier: GradeTier, entry: RankedUnit) -> bool:
    return tier.min_score is None or entry.compared >= tier.min_score


def _line(tier: GradeTier) -> str:
    """``达到“好”等次线 90，``, or nothing for a tier given by quota alone."""
    if tier.min_score is None:
        return ""
    return f"达到“{tier.label}”等次线 {_number(tier.min_score)}，"


def _reached_text(tier: GradeTier, entry: RankedUnit, size: int) -> str:
    parts = []
    if tier.min_score is not None:
        parts.append(f"达到“{tier.label}”等次线 {_number(tier.min_score)}")
    if tier.quota is not None:
        parts.append(
            f"在“{tier.label}”{tier.quota.describe(size)}之内，名次 {entry.rank}"
        )
    return "，".join(parts)


def _head(entry: RankedUnit, policy: GradingPolicy) -> str:
    """The value that decided: ``公布分 90.00``, or ``总分 89.996（公布为 90.00）``."""
    if policy.basis == "rounded":
        return f"公布分 {entry.shown}"
    if Fraction(entry.shown) == entry.total:
        return f"总分 {entry.shown}"
    places = -int(entry.shown.as_tuple().exponent)
    return f"总分 {_longer(entry.total, places)}（公布为 {entry.shown}）"


def _number(value: Fraction) -> str:
    """A threshold as written: ``90``, ``89.5``; never a fraction."""
    text = _f(value)
    return _longer(value, 0) if "/" in text else text


def _longer(value: Fraction, places: int) -> str:
    """*value* as a decimal longer than *places*, never as a fraction.

    Exactly, when it ends within six more places; else its first four more
    places and ``…`` (digits cut, not rounded, so each shown digit is true).

    >>> _longer(Fraction("89.996"), 2), _longer(Fraction(269, 3), 2)
    ('89.996', '89.666666…')
    """
    sign = "-" if value < 0 else ""
    size = abs(value)
    for extra in range(places + 1, places + 7):
        scaled = size * 10**extra
        if scaled.denominator == 1:
            digits = str(scaled.numerator).rjust(extra + 1, "0")
            return f"{sign}{digits[:-extra]}.{digits[-extra:]}"
    extra = places + 4
    digits = str(int(size * 10**extra)).rjust(extra + 1, "0")
    return f"{sign}{digits[:-extra]}.{digits[-extra:]}…"


def _reached(policy: GradingPolicy, value: Fraction) -> int:
    for level, tier in enumerate(policy.tiers):
        if tier.min_score is None or value >= tier.min_score:
            if tier.min_score is None and tier.quota is not None:
                continue  # a quota-only tier is not reached by score alone
            return level
    return len(policy.tiers) - 1
