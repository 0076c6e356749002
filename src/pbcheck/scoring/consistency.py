"""Rater consistency (评分一致性): who scores systematically high or low.

For every indicator scored by two or more raters
(:attr:`pbcheck.scoring.scorecard.IndicatorScore.raters`), each rater's points are
compared with a **consensus**, exactly:

* ``consensus="others"`` (default): the weighted mean of the *other*
  raters' points (leave-one-out), so a lenient rater does not pull the
  yardstick towards itself;
* ``consensus="combined"``: the indicator's combined points, as scored.

The signed deviation is ``points − consensus``; divided by the indicator's
``max_points`` it is comparable across indicators of different sizes.

**Flagging rule**: a rater with at least ``min_judgements`` judgements whose
*mean relative signed deviation* is ``≥ threshold`` is flagged **lenient**
(偏松), ``≤ −threshold`` **severe** (偏严).  The defaults (1/10 of full
marks over at least 3 judgements) are a starting point for an assessment
team's review, not a verdict.  Raters are told apart by source and name
(``考评组 张三``).

>>> from pbcheck import (
...     DirectScore,
...     Evaluation,
...     Indicator,
...     Observation,
...     Rubric,
...     Section,
...     score_all,
... )
>>> rubric = Rubric(
...     "r",
...     "1",
...     "示例",
...     [
...         Section(
...             "s",
...             "综合",
...             10,
...             indicators=[Indicator("i", "综合评分", 10, DirectScore())],
...         )
...     ],
...     total_points=10,
... )
>>> cards = score_all(
...     rubric,
...     [
...         Evaluation(
...             u,
...             [
...                 Observation("i", a, rater="甲"),
...                 Observation("i", b, rater="乙"),
...                 Observation("i", c, rater="丙"),
...             ],
...         )
...         for u, a, b, c in [("x", 9, 6, 7), ("y", 8, 5, 6), ("z", 10, 7, 8)]
...     ],
... )
>>> report = rater_consistency(cards)
>>> [(p.rater, p.flag) for p in report.profiles]
[('考评组 丙', None), ('考评组 乙', 'severe'), ('考评组 甲', 'lenient')]
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.scoring.scorecard import RaterScore, Scorecard

__all__ = [
    "ConsistencyPolicy",
    "ConsistencyReport",
    "Deviation",
    "RaterProfile",
    "rater_consistency",
]


def _threshold(value: Exact) -> Fraction:
    return to_exact(value, ("threshold",))


@attrs.frozen
class ConsistencyPolicy:
    """How consensus is taken and when a rater is flagged.

    Args:
        consensus: ``"others"`` (leave-one-out weighted mean, default) or
            ``"combined"`` (the indicator's combined points).
        threshold: the mean relative signed deviation that flags a rater.
        min_judgements: fewer judgements never flag.

    >>> ConsistencyPolicy(threshold="0.15").threshold
    Fraction(3, 20)
    """

    consensus: Literal["others", "combined"] = attrs.field(
        default="others", validator=attrs.validators.in_(("others", "combined"))
    )
    threshold: Fraction = attrs.field(default=Fraction(1, 10), converter=_threshold)
    min_judgements: int = attrs.field(default=3, validator=attrs.validators.ge(1))


@attrs.frozen
class Deviation:
    """One rater's judgement of one indicator for one unit, against the consensus.

    >>> d = Deviation(
    ...     "czj", "A1", "考评组 甲", Fraction(9), Fraction(13, 2), Fraction(10)
    ... )
    >>> d.deviation, d.relative
    (Fraction(5, 2), Fraction(1, 4))
    """

    unit_id: str
    indicator_id: str
    rater: str
    points: Fraction
    consensus: Fraction
    max_points: Fraction

    @property
    def deviation(self) -> Fraction:
        """``points − consensus`` (positive: more lenient than the others)."""
        return self.points - self.consensus

    @property
    def relative(self) -> Fraction:
        """The deviation as a share of the indicator's full marks."""
        return self.deviation / self.max_points


@attrs.frozen
class RaterProfile:
    """A rater's deviations summed up, and whether they are flagged.

    Profiles come from :func:`rater_consistency`; ``flag`` is ``"lenient"``
    (偏松), ``"severe"`` (偏严) or ``None``:

    >>> profile = RaterProfile(
    ...     "考评组 乙", 3, Fraction(-1, 5), Fraction(1, 5), "severe", "平均偏低 20%"
    ... )
    >>> profile.flag, profile.mean_relative
    ('severe', Fraction(-1, 5))
    """

    rater: str
    judgements: int
    mean_relative: Fraction
    mean_absolute: Fraction
    flag: Literal["lenient", "severe"] | None
    reason: str


@attrs.frozen
class ConsistencyReport:
    """Every deviation and every rater's profile (raters sorted by name).

    >>> report = ConsistencyReport(ConsistencyPolicy(), deviations=(), profiles=())
    >>> report.flagged, report.lines()
    ((), ['评分一致性（0 位评分人，0 位需复核）'])
    """

    policy: ConsistencyPolicy
    deviations: tuple[Deviation, ...]
    profiles: tuple[RaterProfile, ...]

    @property
    def flagged(self) -> tuple[RaterProfile, ...]:
        """The profiles flagged lenient or severe."""
        return tuple(p for p in self.profiles if p.flag is not None)

    def lines(self) -> list[str]:
        """Plain text: one line per rater."""
        out = [
            f"评分一致性（{len(self.profiles)} 位评分人，{len(self.flagged)} 位需复核）"
        ]
        out.extend(f"  {p.rater}：{p.reason}" for p in self.profiles)
        return out


def _key(rater: RaterScore) -> str:
    observation = rater.observation
    return f"{observation.source.label_zh} {observation.rater}".strip()


def _consensus(
    raters: tuple[RaterScore, ...], index: int, combined: Fraction, how: str
) -> Fraction | None:
    if how == "combined":
        return combined
    others = [r for i, r in enumerate(raters) if i != index]
    weight = sum((r.weight for r in others), Fraction(0))
    if weight <= 0:
        return None
    return sum((r.points * r.weight for r in others), Fraction(0)) / weight


def _pct(value: Fraction) -> str:
    return f"{_f(round(value * 100, 2))}%"


def rater_consistency(
    scorecards: Iterable[Scorecard], policy: ConsistencyPolicy | None = None
) -> ConsistencyReport:
    """Compare every rater with the consensus; see the module documentation.

    Indicators with a single rater are skipped (there is nothing to compare).
    The result does not depend on the order of *scorecards*.

    >>> from pbcheck.examples.small import scorecards
    >>> rater_consistency(scorecards({"a": 90})).profiles
    ()
    """
    policy = policy or ConsistencyPolicy()
    deviations: list[Deviation] = []
    for card in sorted(scorecards, key=lambda c: c.unit_id):
        for indicator_id in sorted(card.indicators):
            result = card.indicators[indicator_id]
            if len(result.raters) < 2:
                continue
            for index, rater in enumerate(result.raters):
                consensus = _consensus(
                    result.raters, index, result.points, policy.consensus
                )
                if consensus is None:
                    continue
                deviations.append(
                    Deviation(
                        card.unit_id,
                        indicator_id,
                        _key(rater),
                        rater.points,
                        consensus,
                        result.max_points,
                    )
                )
    by_rater: dict[str, list[Deviation]] = {}
    for deviation in deviations:
        by_rater.setdefault(deviation.rater, []).append(deviation)
    profiles = []
    for name in sorted(by_rater):
        items = by_rater[name]
        count = len(items)
        mean = sum((d.relative for d in items), Fraction(0)) / count
        mean_abs = sum((abs(d.relative) for d in items), Fraction(0)) / count
        flag: Literal["lenient", "severe"] | None = None
        head = f"{count} 次评分，平均偏差 {_pct(mean)}（相对满分），平均绝对偏差 {_pct(mean_abs)}"
        if count < policy.min_judgements:
            reason = f"{head}；评分少于 {policy.min_judgements} 次，不作判断"
        elif mean >= policy.threshold:
            flag = "lenient"
            reason = f"{head}；不低于 +{_pct(policy.threshold)}，系统性偏松，建议复核"
        elif mean <= -policy.threshold:
            flag = "severe"
            reason = f"{head}；不高于 −{_pct(policy.threshold)}，系统性偏严，建议复核"
        else:
            reason = f"{head}；在 ±{_pct(policy.threshold)} 之内"
        profiles.append(RaterProfile(name, count, mean, mean_abs, flag, reason))
    return ConsistencyReport(policy, tuple(deviations), tuple(profiles))
