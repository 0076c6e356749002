"""Democratic rating (民主测评) with real ballot accounting.

Since 2006 the Nanping practice has party secretaries report on their work
(书记述职) and members rate them (民主测评).  A rating is counted per rater
group (领导班子 / 党员 / 群众, …) on a :class:`BallotCount`:

* **due** (应参加人数), **issued** (发出), **returned** (收回);
* of the returned ballots: **invalid** (废票), and valid ones that either
  name a category (好 / 较好 / 一般 / 差 — labels are data, see
  :class:`RatingScale`), **abstain** (弃权) or say **don't know** (不了解).

The accounts must balance: ``returned = invalid + abstained + unknown +
Σ votes``; more ballots returned than issued makes the vote **void** (an
error naming the unit and the numbers), as do more issued than due.  A
group is **quorate** when more than half of those due returned a ballot
(过半数; the share is :attr:`RatingPolicy.quorum`).

Two conventions measure a result, both exact and in ``[0, 1]``:

* the **good-or-better rate** (好及较好率): ``(好 + 较好) / denominator``;
* the **weighted rate** (加权得分率): ``Σ coefficient × votes / denominator``
  with coefficients such as 1 / 0.8 / 0.6 / 0.4; times an indicator's
  maximum it gives points (:meth:`RatingResult.points`).

The denominator is the valid ballots by default (abstentions and "don't
know" count as valid but rate nothing); ``denominator="expressed"`` uses only
the ballots that name a category.  A unit is **flagged** when the poorest
category reaches a share (差 ≥ one third by default).  Rater groups are pooled
(every ballot alike) unless :attr:`RatingPolicy.group_weights` weighs each
group's rates.

>>> result = tally(
...     UnitBallots(
...         "czj",
...         [
...             BallotCount(
...                 due=40,
...                 issued=38,
...                 returned=37,
...                 invalid=1,
...                 unknown=2,
...                 votes={"好": 20, "较好": 10, "一般": 3, "较差": 1},
...             )
...         ],
...     )
... )
>>> result.good_rate, result.weighted, result.quorate
(Fraction(5, 6), Fraction(151, 180), True)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck._numbers import Exact, to_exact, whole_at_least
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    InvalidWeightsError,
    Path,
    Problem,
    UnknownReferenceError,
    _Problems,
    item,
    member,
)
from pbcheck.model.evaluation import Observation, Source
from pbcheck.model.rubric import Indicator
from pbcheck.model.rules import DirectScore

__all__ = [
    "BallotCount",
    "GroupTally",
    "RatingPolicy",
    "RatingResult",
    "RatingScale",
    "UnitBallots",
    "rating_observation",
    "tally",
    "tally_all",
]


def _fractions(value: Mapping[str, Exact]) -> dict[str, Fraction]:
    # A key of a mapping: a name step (``scale.coefficients["好"]``).
    return {
        k: to_exact(v, ("scale", "coefficients", str(k)))
        for k, v in dict(value).items()
    }


def _standard_coefficients() -> dict[str, Fraction]:
    return {
        "好": Fraction(1),
        "较好": Fraction(4, 5),
        "一般": Fraction(3, 5),
        "差": Fraction(2, 5),
    }


@attrs.frozen
class RatingScale:
    """The categories of a ballot, their coefficients, and label variants.

    Args:
        categories: best first, e.g. ``("好", "较好", "一般", "差")``.
        coefficients: category → coefficient in ``[0, 1]`` for the weighted
            rate (1 / 0.8 / 0.6 / 0.4 by default).
        good: the categories that count as good or better.
        poor: the category whose share flags a unit (the last by default).
        aliases: label variants → category, e.g. ``{"较差": "差"}``; nothing
            is mapped unless listed here, and an unknown label is an error.

    >>> RatingScale().canonical("较差")
    '差'
    """

    categories: tuple[str, ...] = attrs.field(
        default=("好", "较好", "一般", "差"), converter=tuple
    )
    coefficients: Mapping[str, Fraction] = attrs.field(
        factory=_standard_coefficients, converter=_fractions
    )
    good: frozenset[str] = attrs.field(
        default=frozenset({"好", "较好"}), converter=frozenset
    )
    poor: str | None = None
    aliases: Mapping[str, str] = attrs.field(factory=lambda: {"较差": "差"})

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid rating scale")
        if len(set(self.categories)) != len(self.categories) or not self.categories:
            problems.add(
                InvalidValueError(
                    ("scale", "categories"),
                    list(self.categories),
                    "must be distinct and non-empty",
                )
            )
        known = set(self.categories)
        for label in self.coefficients:
            if label not in known:
                problems.add(
                    UnknownReferenceError(
                        ("scale", "coefficients", str(label)),
                        label,
                        "is not a category",
                    )
                )
        for label in self.good:
            if label not in known:
                # A member of a set, named by itself as an item is by its id.
                problems.add(
                    UnknownReferenceError(
                        ("scale", "good", Id(str(label))), label, "is not a category"
                    )
                )
        for label in self.categories:
            value = self.coefficients.get(label)
            if value is None:
                problems.add(
                    InvalidValueError(
                        ("scale", "coefficients", str(label)), None, "is missing"
                    )
                )
            elif not 0 <= value <= 1:
                problems.add(
                    InvalidValueError(
                        ("scale", "coefficients", str(label)),
                        _f(value),
                        "must lie within [0, 1]",
                    )
                )
        if self.poor is not None and self.poor not in known:
            problems.add(
                UnknownReferenceError(("scale", "poor"), self.poor, "is not a category")
            )
        for alias, target in dict(self.aliases).items():
            if target not in known:
                problems.add(
                    UnknownReferenceError(
                        ("scale", "aliases", str(alias)), target, "is not a category"
                    )
                )
            if alias in known:
                problems.add(
                    InvalidValueError(
                        ("scale", "aliases", str(alias)), alias, "is itself a category"
                    )
                )
        problems.raise_if_any()

    @property
    def poorest(self) -> str:
        """The category whose share flags a unit."""
        return self.poor if self.poor is not None else self.categories[-1]

    def canonical(self, label: str, path: Path = ("label",)) -> str:
        """The category *label* stands for.

        Args:
            label: a category or a listed variant of one.
            path: where *label* was found, as steps (see :mod:`pbcheck.errors`),
                to name it in the error.

        Raises:
            UnknownReferenceError: *label* is neither a category nor an alias.

        >>> RatingScale().canonical("很好")
        Traceback (most recent call last):
        ...
        pbcheck.errors.UnknownReferenceError: label: is not a category (好, 较好, 一般, 差) or a listed variant (较差) (got '很好')
        """
        if label in self.categories:
            return label
        if label in self.aliases:
            return self.aliases[label]
        variants = "、".join(self.aliases) or "none"
        raise UnknownReferenceError(
            path,
            label,
            f"is not a category ({', '.join(self.categories)}) or a listed variant "
            f"({variants})",
        )


_count = whole_at_least(0, "ballot")


@attrs.frozen
class BallotCount:
    """The ballots of one rater group for one unit.

    Args:
        due: how many should take part (应参加人数).
        issued: ballots issued (发出).
        returned: ballots returned (收回).
        votes: category label → valid ballots naming it (variants allowed if
            the scale lists them).
        invalid: spoilt ballots (废票).
        abstained: valid ballots that abstain (弃权).
        unknown: valid ballots that say "don't know" (不了解).
        group: the rater group, e.g. ``党员`` (``全体`` by default).

    >>> BallotCount(due=10, issued=10, returned=9, votes={"好": 9}).group
    '全体'
    """

    due: int = attrs.field(validator=_count)
    issued: int = attrs.field(validator=_count)
    returned: int = attrs.field(validator=_count)
    votes: Mapping[str, int] = attrs.field(factory=dict)
    invalid: int = attrs.field(default=0, validator=_count)
    abstained: int = attrs.field(default=0, validator=_count)
    unknown: int = attrs.field(default=0, validator=_count)
    group: str = "全体"


def _groups(value: Iterable[BallotCount]) -> tuple[BallotCount, ...]:
    return tuple(value)


@attrs.frozen
class UnitBallots:
    """All ballots about one unit, one :class:`BallotCount` per rater group.

    >>> UnitBallots(
    ...     "czj", [BallotCount(due=5, issued=5, returned=5, votes={"好": 5})]
    ... ).unit_id
    'czj'
    """

    unit_id: str
    groups: tuple[BallotCount, ...] = attrs.field(converter=_groups)


def _optional_weights(value: Mapping[str, Exact] | None) -> dict[str, Fraction] | None:
    if value is None:
        return None
    return {
        k: to_exact(v, ("policy", "group_weights", str(k)))
        for k, v in dict(value).items()
    }


def _poor_flag(value: Exact | None) -> Fraction | None:
    return None if value is None else to_exact(value, ("policy", "poor_flag"))


def _quorum(value: Exact) -> Fraction:
    return to_exact(value, ("policy", "quorum"))


@attrs.frozen
class RatingPolicy:
    """How ballots are counted and judged.

    Args:
        scale: the categories and coefficients.
        group_weights: rater group → weight; ``None`` pools every ballot.
        denominator: ``"valid"`` (default) or ``"expressed"``; see the module.
        poor_flag: flag a unit when the poorest category's share reaches this
            (1/3 by default); ``None`` never flags.
        quorum: a group is quorate when ``returned > quorum × due`` (1/2).

    >>> RatingPolicy(group_weights={"领导班子": 3, "党员": 7}).group_weights["党员"]
    Fraction(7, 1)
    """

    scale: RatingScale = attrs.field(factory=RatingScale)
    group_weights: Mapping[str, Fraction] | None = attrs.field(
        default=None, converter=_optional_weights
    )
    denominator: Literal["valid", "expressed"] = attrs.field(
        default="valid", validator=attrs.validators.in_(("valid", "expressed"))
    )
    poor_flag: Fraction | None = attrs.field(
        default=Fraction(1, 3), converter=_poor_flag
    )
    quorum: Fraction = attrs.field(default=Fraction(1, 2), converter=_quorum)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid rating policy")
        for group, weight in (self.group_weights or {}).items():
            if weight < 0:
                problems.add(
                    InvalidWeightsError(
                        ("policy", "group_weights", str(group)),
                        _f(weight),
                        "must be ≥ 0",
                    )
                )
        if self.group_weights is not None and sum(self.group_weights.values()) <= 0:
            problems.add(
                InvalidWeightsError(
                    ("policy", "group_weights"),
                    {k: _f(v) for k, v in self.group_weights.items()},
                    "must have a positive sum",
                )
            )
        if not 0 <= self.quorum < 1:
            problems.add(
                InvalidValueError(
                    ("policy", "quorum"), _f(self.quorum), "must lie within [0, 1)"
                )
            )
        if self.poor_flag is not None and not 0 < self.poor_flag <= 1:
            problems.add(
                InvalidValueError(
                    ("policy", "poor_flag"),
                    _f(self.poor_flag),
                    "must lie within (0, 1]",
                )
            )
        problems.raise_if_any()


@attrs.frozen
class GroupTally:
    """One rater group's counted ballots and rates.

    >>> ballots = UnitBallots(
    ...     "czj",
    ...     [
    ...         BallotCount(
    ...             30,
    ...             30,
    ...             29,
    ...             {"好": 20, "较好": 5, "一般": 2},
    ...             group="党员",
    ...             invalid=1,
    ...             abstained=1,
    ...         )
    ...     ],
    ... )
    >>> (group,) = tally(ballots).groups
    >>> group.valid, group.denominator, group.share(["好", "较好"])
    (28, 28, Fraction(25, 28))
    >>> print(group.summary())
    党员：应到 30，发出 30，收回 29，有效 28（废票 1，弃权 1，不了解 0）；好 20、较好 5、一般 2、差 0
    """

    group: str
    due: int
    issued: int
    returned: int
    invalid: int
    abstained: int
    unknown: int
    counts: Mapping[str, int]
    denominator: int
    quorate: bool

    @property
    def valid(self) -> int:
        """Valid ballots: returned less invalid."""
        return self.returned - self.invalid

    def share(self, categories: Iterable[str]) -> Fraction:
        """The share of *categories* in the denominator (0 when it is 0)."""
        if not self.denominator:
            return Fraction(0)
        return Fraction(sum(self.counts[c] for c in categories), self.denominator)

    def weighted(self, scale: RatingScale) -> Fraction:
        """``Σ coefficient × votes / denominator`` (0 when it is 0)."""
        if not self.denominator:
            return Fraction(0)
        return (
            sum(
                (scale.coefficients[c] * n for c, n in self.counts.items()), Fraction(0)
            )
            / self.denominator
        )

    def summary(self) -> str:
        """The accounts in one line."""
        votes = "、".join(f"{c} {n}" for c, n in self.counts.items())
        return (
            f"{self.group}：应到 {self.due}，发出 {self.issued}，收回 {self.returned}，"
            f"有效 {self.valid}（废票 {self.invalid}，弃权 {self.abstained}，"
            f"不了解 {self.unknown}）；{votes}"
        )


@attrs.frozen
class RatingResult:
    """A unit's democratic rating: per-group accounts and the combined rates.

    Args:
        unit_id: the unit rated.
        groups: each rater group's tally.
        quorate: every group was quorate.
        good_rate: the good-or-better rate, in ``[0, 1]``.
        weighted: the weighted (coefficient) rate, in ``[0, 1]``.
        poor_share: the poorest category's share, in ``[0, 1]``.
        flagged: the poor share reached the policy's flag.
        reason: the result in words.

    >>> result = tally(
    ...     UnitBallots("czj", [BallotCount(10, 10, 10, {"好": 6, "较好": 3, "差": 1})])
    ... )
    >>> result.good_rate, result.poor_share, result.flagged
    (Fraction(9, 10), Fraction(1, 10), False)
    >>> result.value("weighted")
    Fraction(22, 25)
    """

    unit_id: str
    groups: tuple[GroupTally, ...]
    quorate: bool
    good_rate: Fraction
    weighted: Fraction
    poor_share: Fraction
    flagged: bool
    reason: str

    def value(
        self, measure: Literal["good_rate", "weighted"] = "good_rate"
    ) -> Fraction:
        """The rate by *measure*, in ``[0, 1]``."""
        return self.good_rate if measure == "good_rate" else self.weighted

    def points(
        self, max_points: Exact, measure: Literal["good_rate", "weighted"] = "weighted"
    ) -> Fraction:
        """The rate scaled to points: ``rate × max_points``.

        >>> ballots = UnitBallots("a", [BallotCount(5, 5, 5, {"好": 4, "一般": 1})])
        >>> tally(ballots).points(10)
        Fraction(46, 5)
        """
        return self.value(measure) * to_exact(max_points, ("max_points",))


def _pct(value: Fraction) -> str:
    shown = value * 100
    if (shown * 100).denominator == 1:
        return f"{_f(shown)}%"
    return f"{_f(round(shown, 2))}%"


def _check_group(
    unit_id: str,
    ballot: BallotCount,
    path: Path,
    policy: RatingPolicy,
    problems: _Problems,
) -> GroupTally | None:
    """*ballot* counted, or ``None`` after adding its problems (at *path*)."""
    found = len(problems)
    counts = dict.fromkeys(policy.scale.categories, 0)
    for label, number in dict(ballot.votes).items():
        # A key of a mapping: a name step (``votes["好"]``).
        where = (*path, "votes", str(label))
        try:
            category = policy.scale.canonical(label, where)
        except Problem as problem:
            problems.add(problem)
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            problems.add(InvalidValueError(where, number, "must be a whole number ≥ 0"))
            continue
        counts[category] += number
    if ballot.returned > ballot.issued:
        problems.add(
            InvalidValueError(
                (*path, "returned"),
                ballot.returned,
                f"测评无效：单位 {unit_id} 收回 {ballot.returned} 张，多于发出的 "
                f"{ballot.issued} 张",
            )
        )
    if ballot.issued > ballot.due:
        problems.add(
            InvalidValueError(
                (*path, "issued"),
                ballot.issued,
                f"测评无效：单位 {unit_id} 发出 {ballot.issued} 张，多于应参加的 "
                f"{ballot.due} 人",
            )
        )
    accounted = (
        ballot.invalid + ballot.abstained + ballot.unknown + sum(counts.values())
    )
    if len(problems) == found and accounted != ballot.returned:
        problems.add(
            InvalidValueError(
                (*path, "returned"),
                ballot.returned,
                f"单位 {unit_id} 收回 {ballot.returned} 张，但废票 {ballot.invalid} + "
                f"弃权 {ballot.abstained} + 不了解 {ballot.unknown} + 各档票数 "
                f"{sum(counts.values())} = {accounted}，账目不平",
            )
        )
    if len(problems) > found:
        return None
    expressed = sum(counts.values())
    return GroupTally(
        group=ballot.group,
        due=ballot.due,
        issued=ballot.issued,
        returned=ballot.returned,
        invalid=ballot.invalid,
        abstained=ballot.abstained,
        unknown=ballot.unknown,
        counts=counts,
        denominator=expressed
        if policy.denominator == "expressed"
        else ballot.returned - ballot.invalid,
        quorate=ballot.returned > policy.quorum * ballot.due,
    )


def _tally(
    ballots: UnitBallots, policy: RatingPolicy, problems: _Problems, path: Path
) -> RatingResult | None:
    """*ballots* counted, or ``None`` after adding their problems (at *path*)."""
    if not isinstance(ballots, UnitBallots):
        problems.add(InvalidTypeError(path, ballots, "must be UnitBallots"))
        return None
    found = len(problems)
    if not ballots.groups:
        problems.add(InvalidValueError((*path, "groups"), [], "must not be empty"))
    seen: set[str] = set()
    tallies: list[GroupTally] = []
    for index, ballot in enumerate(ballots.groups):
        if ballot.group in seen:
            # Named by position: its name would name the first group.
            problems.add(
                DuplicateIdError(
                    (*path, "groups", index, "group"),
                    ballot.group,
                    "is counted twice",
                )
            )
            continue
        seen.add(ballot.group)
        here = (*path, "groups", member(index, ballot.group))
        weights = policy.group_weights
        if weights is not None and ballot.group not in weights:
            problems.add(
                UnknownReferenceError(
                    (*here, "group"),
                    ballot.group,
                    f"has no weight in the policy ({', '.join(weights)})",
                )
            )
            continue
        result = _check_group(ballots.unit_id, ballot, here, policy, problems)
        if result is not None:
            tallies.append(result)
    if len(problems) > found:
        return None
    return _combine(ballots.unit_id, tuple(tallies), policy)


def _combine(
    unit_id: str, tallies: tuple[GroupTally, ...], policy: RatingPolicy
) -> RatingResult:
    scale = policy.scale
    if policy.group_weights is None:
        denominator = sum(t.denominator for t in tallies)

        def pooled(categories: Iterable[str]) -> Fraction:
            chosen = set(categories)
            if not denominator:
                return Fraction(0)
            return Fraction(
                sum(n for t in tallies for c, n in t.counts.items() if c in chosen),
                denominator,
            )

        good = pooled(scale.good)
        poor = pooled([scale.poorest])
        weighted = (
            sum(
                (
                    scale.coefficients[c] * n
                    for t in tallies
                    for c, n in t.counts.items()
                ),
                Fraction(0),
            )
            / denominator
            if denominator
            else Fraction(0)
        )
        how = "各组合并计票"
    else:
        weights = {t.group: policy.group_weights[t.group] for t in tallies}
        total = sum(weights.values(), Fraction(0)) or Fraction(1)
        good = (
            sum((weights[t.group] * t.share(scale.good) for t in tallies), Fraction(0))
            / total
        )
        poor = (
            sum(
                (weights[t.group] * t.share([scale.poorest]) for t in tallies),
                Fraction(0),
            )
            / total
        )
        weighted = (
            sum((weights[t.group] * t.weighted(scale) for t in tallies), Fraction(0))
            / total
        )
        how = (
            "按测评组权重（"
            + "、".join(f"{g} {_f(w)}" for g, w in weights.items())
            + "）合成"
        )
    quorate = all(t.quorate for t in tallies)
    flagged = policy.poor_flag is not None and poor >= policy.poor_flag
    parts = [f"好及较好率 {_pct(good)}", f"加权得分率 {_pct(weighted)}"]
    if flagged:
        assert policy.poor_flag is not None  # noqa: S101 - flagged implies it
        parts.append(
            f"“{scale.poorest}”占 {_pct(poor)}，达到 {_f(policy.poor_flag)}，予以标记"
        )
    if not quorate:
        short = [t for t in tallies if not t.quorate]
        parts.append(
            "未过半数："
            + "、".join(
                f"{t.group} 应到 {t.due} 人仅收回 {t.returned} 张" for t in short
            )
        )
    return RatingResult(
        unit_id=unit_id,
        groups=tallies,
        quorate=quorate,
        good_rate=good,
        weighted=weighted,
        poor_share=poor,
        flagged=flagged,
        reason=f"{how}，{'，'.join(parts)}",
    )


def tally(ballots: UnitBallots, policy: RatingPolicy | None = None) -> RatingResult:
    """Count one unit's ballots; see the module documentation.

    Raises:
        ValidationError: every problem at once — a void vote (more returned
            than issued, or more issued than due), accounts that do not
            balance, unknown labels, repeated or unweighted groups.

    >>> from pbcheck.errors import ValidationError
    >>> try:
    ...     tally(UnitBallots("czj", [BallotCount(30, 20, 21, {"好": 21})]))
    ... except ValidationError as exc:
    ...     print(exc.problems[0].message)
    测评无效：单位 czj 收回 21 张，多于发出的 20 张
    """
    problems = _Problems(
        f"invalid ballots for unit {getattr(ballots, 'unit_id', '?')!r}"
    )
    path = item("ballots", getattr(ballots, "unit_id", None))
    result = _tally(ballots, policy or RatingPolicy(), problems, path)
    problems.raise_if_any()
    assert result is not None  # noqa: S101 - no problems means a result
    return result


def tally_all(
    ballots: Iterable[UnitBallots], policy: RatingPolicy | None = None
) -> dict[str, RatingResult]:
    """Count every unit's ballots; the problems of all units are raised together.

    >>> results = tally_all(
    ...     [
    ...         UnitBallots("a", [BallotCount(4, 4, 4, {"好": 4})]),
    ...         UnitBallots("b", [BallotCount(4, 4, 1, {"差": 1})]),
    ...     ]
    ... )
    >>> [(u, r.quorate, r.flagged) for u, r in results.items()]
    [('a', True, False), ('b', False, True)]
    """
    policy = policy or RatingPolicy()
    problems = _Problems("invalid ballots")
    results: dict[str, RatingResult] = {}
    seen: set[str] = set()
    for index, given in enumerate(ballots):
        unit_id = getattr(given, "unit_id", None)
        if isinstance(unit_id, str) and unit_id in seen:
            # Named by position: its id would name the first ballots.
            problems.add(
                DuplicateIdError(
                    ("ballots", index, "unit_id"), unit_id, "is counted twice"
                )
            )
            continue
        if isinstance(unit_id, str):
            seen.add(unit_id)
        path = ("ballots", member(index, unit_id))
        result = _tally(given, policy, problems, path)
        if result is not None:
            results[result.unit_id] = result
    problems.raise_if_any()
    return results


def rating_observation(
    result: RatingResult,
    indicator: Indicator,
    *,
    measure: Literal["good_rate", "weighted"] = "weighted",
    source: Source = Source.TEAM,
    rater: str = "民主测评",
) -> Observation:
    """Turn a rating into an :class:`~pbcheck.Observation` for *indicator*.

    For a :class:`~pbcheck.DirectScore` indicator the value is points
    (``rate × max_points``); for any other number rule (e.g.
    :class:`~pbcheck.RatioToTarget` with ``target=90``) it is the rate in
    percent.  The note carries the rating's reason.

    Raises:
        InvalidValueError: the rating was not quorate (it cannot be scored),
            or the indicator's rule does not take a number.

    >>> from pbcheck import Indicator, RatioToTarget
    >>> ballots = UnitBallots("a", [BallotCount(10, 10, 10, {"好": 8, "一般": 2})])
    >>> indicator = Indicator("M1", "民主测评好及较好率≥90%", 2, RatioToTarget(90))
    >>> rating_observation(tally(ballots), indicator, measure="good_rate").value
    Fraction(80, 1)
    """
    if not result.quorate:
        raise InvalidValueError(
            item("ratings", result.unit_id),
            result.reason,
            "未过半数，测评无效，不能计分",
        )
    rate = result.value(measure)
    if isinstance(indicator.rule, DirectScore):
        value = rate * indicator.max_points
    elif getattr(indicator.rule, "value_kind", None) == "number":
        value = rate * 100
    else:
        raise InvalidValueError(
            (*item("indicator", indicator.id), "rule"),
            type(indicator.rule).__name__,
            "must take a number (DirectScore, RatioToTarget, Tiers, …)",
        )
    return Observation(
        indicator.id, value, source=source, rater=rater, note=result.reason
    )
