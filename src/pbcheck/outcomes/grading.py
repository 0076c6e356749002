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

How a group (a series by default) is graded, in ranking order:

1. A vetoed unit (一票否决) gets the lowest tier, whatever it scored, and
   takes no quota.
2. Top-down, each tier takes the units that reach its threshold and were
   not placed above; with a quota, the best ones up to the limit.  **Units
   tied at the cut-off all drop** to the next tier, so a quota is never
   exceeded.
3. The last tier takes the rest.

Thresholds and ties compare exact totals by default (``basis="exact"``); with
``basis="rounded"`` they compare the totals as shown.

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
总分 92.00，达到“好”等次线 90，但“好”名额 1 个（5 个单位 × 20%，向下取整）已用完，评为“较好”（达到 80）
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from itertools import pairwise
from typing import Literal

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
    _Problems,
    item,
    member,
)
from pbcheck.model.org import OrgTree
from pbcheck.outcomes.ranking import (
    Quota,
    RankedUnit,
    RankingPolicy,
    TieBasis,
    group_cards,
    rank,
    take_top,
)
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html

__all__ = [
    "EXCELLENT_LABELS",
    "GOOD_LABELS",
    "GradeResult",
    "GradeTier",
    "Grades",
    "GradingPolicy",
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


def _tiers(value: Iterable[GradeTier]) -> tuple[GradeTier, ...]:
    return tuple(value)


@attrs.frozen
class GradingPolicy:
    """Grade tiers, best first, and what their thresholds compare.

    Args:
        tiers: the grades, best first; see the module documentation.
        basis: ``"exact"`` (default) or ``"rounded"`` totals meet thresholds
            and decide ties at a quota's cut-off.
        group_by: quotas apply per ``"series"`` (default) or to ``"all"``
            graded units together.

    Raises:
        ValidationError: labels are empty or repeated; the last tier has a
            threshold or a quota (it must catch every remaining score); an
            upper tier has neither; thresholds do not fall strictly.

    >>> from pbcheck.errors import ValidationError
    >>> try:
    ...     GradingPolicy([GradeTier("好", 90), GradeTier("差", 60)])
    ... except ValidationError as exc:
    ...     print(exc.problems[0])
    policy.tiers[差].min_score: the last tier must have no threshold, so that every score has a grade (got '60')
    """

    tiers: tuple[GradeTier, ...] = attrs.field(converter=_tiers)
    basis: TieBasis = "exact"
    group_by: Literal["series", "all"] = "series"

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
        problems.raise_if_any()

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
    def from_ranges(
        cls,
        ranges: Sequence[tuple[str, Exact, Exact]],
        *,
        quotas: dict[str, Quota] | None = None,
        basis: TieBasis = "exact",
        group_by: Literal["series", "all"] = "series",
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
        return cls(tiers, basis=basis, group_by=group_by)


@attrs.frozen
class GradeResult:
    """One unit's grade and why.

    Args:
        unit_id: the unit.
        group: the group whose quota applied (a series, or ``全部``).
        label: the grade given.
        level: its position in the policy, 0 for the best.
        by_score: the grade its score alone reached (before quotas and veto).
        reason: why, in Chinese.

    >>> from pbcheck.examples.small import scorecards
    >>> result = grade(scorecards({"a": 85}), GradingPolicy.standard()).of("a")
    >>> result.label, result.level, result.reason
    ('较好', 1, '总分 85.00，评为“较好”（达到 80）')
    """

    unit_id: str
    group: str
    label: str
    level: int
    by_score: str
    reason: str


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


def grade(
    scorecards: Iterable[Scorecard],
    policy: GradingPolicy,
    *,
    tree: OrgTree | None = None,
) -> Grades:
    """Grade *scorecards* under *policy*; see the module documentation.

    Args:
        scorecards: one per unit.
        policy: the tiers and their rules.
        tree: needed to group by series; without it all units form one group.

    Raises:
        ValidationError: a unit has two scorecards, or is not in *tree*.

    >>> from pbcheck.examples.small import scorecards
    >>> policy = GradingPolicy(
    ...     [GradeTier("优秀", quota=Quota(count=1)), GradeTier("合格")]
    ... )
    >>> [g.label for g in grade(scorecards({"a": 90, "b": 90, "c": 80}), policy)]
    ['合格', '合格', '合格']
    """
    cards = list(scorecards)
    ranking = RankingPolicy(ties="competition", basis=policy.basis)
    if tree is None or policy.group_by == "all":
        if tree is None:
            groups = {"全部": list(rank(cards, ranking).entries)}
        else:
            groups = {
                name: list(rank(group, ranking).entries)
                for name, group in group_cards(cards, tree, "all").items()
            }
    else:
        groups = {
            name: list(rank(group, ranking).entries)
            for name, group in group_cards(cards, tree, "series").items()
        }
    results: list[GradeResult] = []
    for name, entries in groups.items():
        results.extend(_grade_group(name, entries, policy))
    return Grades(policy, results)


def _reached(policy: GradingPolicy, value: Fraction) -> int:
    for level, tier in enumerate(policy.tiers):
        if tier.min_score is None or value >= tier.min_score:
            if tier.min_score is None and tier.quota is not None:
                continue  # a quota-only tier is not reached by score alone
            return level
    return len(policy.tiers) - 1


def _grade_group(
    name: str, entries: Sequence[RankedUnit], policy: GradingPolicy
) -> list[GradeResult]:
    size = len(entries)
    placed: dict[str, tuple[int, str]] = {}
    notes: dict[str, list[str]] = {}
    remaining = [e for e in entries if not e.disqualified]
    last = len(policy.tiers) - 1
    for level, tier in enumerate(policy.tiers[:-1]):
        qualified = [
            e
            for e in remaining
            if tier.min_score is None or e.compared >= tier.min_score
        ]
        taken: Sequence[RankedUnit] = qualified
        dropped: Sequence[RankedUnit] = ()
        if tier.quota is not None:
            limit = tier.quota.limit(size)
            taken, dropped = take_top(qualified, limit)
            described = tier.quota.describe(size)
            line = (
                f"达到“{tier.label}”等次线 {_f(tier.min_score)}，但"
                if tier.min_score is not None
                else ""
            )
            for entry in qualified:
                if entry in taken:
                    continue
                if entry in dropped:
                    others = "、".join(e.unit_id for e in dropped if e is not entry)
                    notes.setdefault(entry.unit_id, []).append(
                        f"{line}与 {others} 同分处于“{tier.label}”{described}的"
                        "名额线上，同分单位一律不占该名额"
                    )
                else:
                    notes.setdefault(entry.unit_id, []).append(
                        f"{line}“{tier.label}”{described}已用完"
                    )
        for entry in taken:
            placed[entry.unit_id] = (level, _threshold_text(tier, entry, size))
        remaining = [e for e in remaining if e.unit_id not in placed]
    for entry in remaining:
        placed[entry.unit_id] = (last, "")
    out = []
    for entry in entries:
        shown = f"总分 {entry.shown}"
        if policy.basis == "exact" and Fraction(entry.shown) != entry.total:
            shown += f"（精确值 {_f(entry.total)}）"
        by_score = policy.tiers[_reached(policy, entry.compared)].label
        if entry.disqualified:
            level = last
            reason = (
                f"{shown}，但一票否决，直接评为最低等次“{policy.tiers[last].label}”"
            )
        else:
            level, how = placed[entry.unit_id]
            label = policy.tiers[level].label
            blocked = notes.get(entry.unit_id, [])
            if blocked:
                reason = f"{shown}，{'；'.join(blocked)}，评为“{label}”"
                if how:
                    reason += f"（{how}）"
            elif level == last:
                above = policy.tiers[last - 1].min_score if last else None
                tail = f"（未达到 {_f(above)}）" if above is not None else ""
                reason = f"{shown}，评为“{label}”{tail}"
            else:
                reason = f"{shown}，评为“{label}”（{how}）"
        out.append(
            GradeResult(
                entry.unit_id, name, policy.tiers[level].label, level, by_score, reason
            )
        )
    return out


def _threshold_text(tier: GradeTier, entry: RankedUnit, size: int) -> str:
    parts = []
    if tier.min_score is not None:
        parts.append(f"达到 {_f(tier.min_score)}")
    if tier.quota is not None:
        parts.append(f"在{tier.quota.describe(size)}之内，名次 {entry.rank}")
    return "，".join(parts)
