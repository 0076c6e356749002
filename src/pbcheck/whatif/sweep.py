"""Weight sweep (权重扫描（精确临界点）): the exact weights at which results change.

"At what weight of regular work would these two units swap places?"  "If
that weight moved anywhere between 50 and 90, where would the lists change?"
Both answers are exact (:class:`~fractions.Fraction`), not sampled:

* :func:`swap_point` — for a rubric of two top-level sections, the weight at
  which two units tie; past it their order swaps (:class:`SwapPoint`).
* :func:`sweep` — one top-level weight moves across a range, the others
  share the rest in their current proportion; every weight at which the
  commendation or the bottom list changes, and the lists in between
  (:class:`SweepResult`, made of :class:`SweepInterval`).

**Why it can be exact.**  With the indicator results fixed, a unit's total
is affine in the swept weight ``x`` before it is held within the rubric's
range::

    total(x) = min(cap, clamp(T × (o + (a − o) × x / B) + adjustment, floor, max_total))

(``a`` the unit's attainment of the swept section, ``o`` the other sections'
attainments weighted by their share of the rest, ``T`` the total points,
``B`` the basis the weights sum to, ``adjustment`` = bonus counted −
deductions counted, ``cap`` the lowest capping veto).  With two sections
``o`` is the second's attainment and ``x / B`` the first's share ``s``:
``T × (s × a₁ + (1 − s) × a₂)``.  The difference of two units is therefore
piecewise affine in ``x``, with breaks only where a total starts or stops
being held; on each piece its zero is solved exactly.  The top-level roll-up
must be a weighted sum or mean.

:func:`swap_point` solves the one piece there is and refuses (with the
reason, and no tie weight) where a total is not affine: a capping veto or a
total held at the floor or the maximum.  :func:`sweep` finds every crossing
of two units that compete in a group and every weight at which a total
meets a threshold (``min_score``, ``below``), then decides the lists on each
interval with :func:`~pbcheck.outcomes.selection.bottom_list` and
:func:`~pbcheck.outcomes.selection.commendation_list` themselves.  Policies
with ``min_rating`` (they need ratings) or ``basis="rounded"`` ties are
refused.

The sweep reads scorecards and needs nothing but pbcheck; it also reads
:class:`~pbcheck.whatif.simulation.Attainments` (their floats taken as exact
fractions), which need the ``bulk`` extra (NumPy).

>>> from pbcheck import score_all
>>> from pbcheck.examples.small import org_tree, two_section_example
>>> rubric, evaluations = two_section_example()
>>> tree = org_tree({"政府工作部门": ["a", "b"]})
>>> cards = score_all(rubric, evaluations)
>>> swap_point(rubric, *cards).tie_weight
Fraction(65, 1)
>>> result = sweep(rubric, cards, "常规", 50, 90, tree=tree)
>>> result.change_points
(Fraction(65, 1),)
>>> [(str(i), i.bottom) for i in result.intervals]
[('[50, 65)', ('a',)), ('[65, 65]', ('a', 'b')), ('(65, 90]', ('b',))]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from functools import partial

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    Id,
    InvalidValueError,
    UnknownReferenceError,
    _Problems,
    member,
)
from pbcheck.model.aggregation import WeightedMean, WeightedSum
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import ROOT, Rubric
from pbcheck.outcomes.ranking import NO_SERIES
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.outcomes.selection import bottom_list, commendation_list
from pbcheck.scoring.scorecard import Scorecard, VetoFinding
from pbcheck.views.html import table, titled
from pbcheck.whatif._common import (
    STUDY_POLICY,
    basis,
    check_cards,
    check_policy,
    check_top_level,
    not_affine,
    overall,
    shares,
)
from pbcheck.whatif.simulation import Attainments

__all__ = [
    "SwapPoint",
    "SweepInterval",
    "SweepResult",
    "swap_point",
    "sweep",
]

# -- a unit's total along one weight ------------------------------------------


@attrs.frozen
class _Line:
    """One unit's total as a function of the swept weight ``x``.

    Before it is held within the range: ``level + slope × x``.
    """

    unit_id: str
    group: str
    level: Fraction
    slope: Fraction
    adjustment: Fraction
    cap: Fraction | None
    vetoes: tuple[VetoFinding, ...]

    @property
    def disqualified(self) -> bool:
        return any(finding.disqualifies for finding in self.vetoes)


@attrs.frozen
class _Axis:
    """One top-level weight ``x`` moving while the other sections share the rest.

    Each other section ``s`` weighs ``proportions[s] × (basis − x)``; a
    unit's total before it is held is then affine in ``x`` (see the module).

    Args:
        section_id: the section whose weight is ``x``.
        sections: every top-level section id, in the rubric's order.
        proportions: each other section's part of the rest, summing to 1.
        points: the rubric's total points ``T``.
        basis: what the top-level weights sum to.
        current: the swept section's weight now.
    """

    section_id: str
    sections: tuple[str, ...]
    proportions: Mapping[str, Fraction]
    points: Fraction
    basis: Fraction
    current: Fraction

    @classmethod
    def along(cls, rubric: Rubric, section_id: str) -> _Axis:
        """The other sections keep their current proportions.

        Raises:
            InvalidValueError: *section_id* holds all the weight, so the
                others have no proportions to keep.
        """
        ids = tuple(section.id for section in rubric.sections)
        now = dict(zip(ids, shares(rubric), strict=True))
        rest = 1 - now[section_id]
        if rest == 0:
            raise InvalidValueError(
                ("section_id",), section_id, "holds all the weight: nothing to rescale"
            )
        return cls(
            section_id,
            ids,
            {sid: share / rest for sid, share in now.items() if sid != section_id},
            rubric.total_points,
            basis(rubric),
            now[section_id] * basis(rubric),
        )

    def line(  # noqa: PLR0913 - one argument per part of the line
        self,
        unit_id: str,
        group: str,
        attained: Mapping[str, Fraction],
        adjustment: Fraction,
        *,
        cap: Fraction | None = None,
        vetoes: tuple[VetoFinding, ...] = (),
    ) -> _Line:
        """The line of a unit with these top-level section attainments."""
        other = sum(
            (share * attained[sid] for sid, share in self.proportions.items()),
            Fraction(0),
        )
        return _Line(
            unit_id,
            group,
            self.points * other + adjustment,
            self.points * (attained[self.section_id] - other) / self.basis,
            adjustment,
            cap,
            vetoes,
        )

    def line_of(self, card: Scorecard, group: str = "") -> _Line:
        """The line of a scorecard: its attainments, bonus − deductions, vetoes."""
        return self.line(
            card.unit_id,
            group,
            {sid: card.sections[sid].attainment for sid in self.sections},
            card.bonus_counted - card.deductions_counted,
            cap=min((f.cap for f in card.vetoes if f.cap is not None), default=None),
            vetoes=card.vetoes,
        )

    def weights_at(self, x: Fraction) -> dict[str, Fraction]:
        """Every top-level weight when the swept one is *x*."""
        return {
            sid: x
            if sid == self.section_id
            else self.proportions[sid] * (self.basis - x)
            for sid in self.sections
        }


# -- swap points --------------------------------------------------------------


@attrs.frozen
class SwapPoint:
    """Where two units tie as the first top-level section's weight moves.

    Args:
        first: the unit ranked higher now (or the first given, if tied).
        second: the other unit.
        section_id: the first top-level section, whose weight is varied (the
            second takes the rest).
        current_weight: its weight now.
        tie_weight: the weight at which both totals are equal, or ``None``
            when there is none within ``[0, basis]``.
        reason: the answer in words, or why there is none.

    >>> from pbcheck import score_all
    >>> from pbcheck.examples.small import two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> a, b = score_all(rubric, evaluations)
    >>> point = swap_point(rubric, a, b)
    >>> point.current_weight, point.tie_weight, point.change
    (Fraction(70, 1), Fraction(65, 1), Fraction(-5, 1))
    """

    first: str
    second: str
    section_id: str
    current_weight: Fraction
    tie_weight: Fraction | None
    reason: str

    @property
    def change(self) -> Fraction | None:
        """``tie_weight − current_weight``: the smallest change that ties them."""
        if self.tie_weight is None:
            return None
        return self.tie_weight - self.current_weight


def _linear(card: Scorecard) -> str | None:
    """Why *card*'s total is not linear in the weights, or ``None``."""
    if any(finding.cap is not None for finding in card.vetoes):
        return f"{card.unit_id} 有封顶的否决项"
    if card.total != card.base + card.bonus_counted - card.deductions_counted:
        return f"{card.unit_id} 的总分受上下限约束"
    return None


def swap_point(rubric: Rubric, first: Scorecard, second: Scorecard) -> SwapPoint:
    """The exact weight at which *first* and *second* tie; see the module.

    Both scorecards must come from *rubric*, which must have exactly two
    top-level sections rolled up by a weighted sum (or mean).

    Raises:
        InvalidValueError: the rubric has not two top-level sections, or
            another top-level aggregator.

    >>> from pbcheck import score_all
    >>> from pbcheck.examples.small import two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> a, b = score_all(rubric, evaluations)
    >>> point = swap_point(rubric, a, b)
    >>> point.tie_weight, point.change
    (Fraction(65, 1), Fraction(-5, 1))
    >>> print(point.reason)
    “常规工作”权重为 65 时 a 与 b 总分相同（现为 70）；降低到 65 以下，b 排在 a 之前
    """
    if len(rubric.sections) != 2:
        raise InvalidValueError(
            ("rubric", "sections"),
            [s.id for s in rubric.sections],
            "swap_point needs exactly two top-level sections",
        )
    if not isinstance(rubric.aggregator, WeightedSum | WeightedMean):
        raise InvalidValueError(
            ("rubric", "aggregator"),
            rubric.aggregator.name,
            "swap_point needs a weighted sum (or mean) at the top level",
        )
    for card in (first, second):
        if not_affine(rubric, card):
            raise InvalidValueError(
                ("scorecards", Id(card.unit_id), "not_applicable"),
                [marker.indicator_id for marker in card.not_applicable],
                "has 合理缺项 pro-rated across top-level sections, so its total "
                "is not linear in the top-level weights",
            )
    one, two = rubric.sections
    # Two sections: the second takes all the rest, whatever it weighs now
    # (even nothing, where _Axis.along would find no proportion to keep).
    axis = _Axis(
        one.id,
        (one.id, two.id),
        {two.id: Fraction(1)},
        rubric.total_points,
        basis(rubric),
        rubric.points_of(one.id) / rubric.total_points * basis(rubric),
    )
    if (second.total, second.base) > (first.total, first.base):
        first, second = second, first
    name = f"“{one.title}”权重"

    def answer(tie: Fraction | None, reason: str) -> SwapPoint:
        return SwapPoint(
            first.unit_id, second.unit_id, one.id, axis.current, tie, reason
        )

    for card in (first, second):
        why = _linear(card)
        if why is not None:
            return answer(None, f"{why}，总分不随权重线性变化，无法精确求解")
    lines = (axis.line_of(first), axis.line_of(second))
    slope = lines[0].slope - lines[1].slope
    level = lines[0].level - lines[1].level
    if slope == 0:
        return answer(
            None,
            f"{first.unit_id} 与 {second.unit_id} 的分差不随{name}变化"
            f"（恒为 {_f(level)}），任何权重下都不会交换",
        )
    tie = -level / slope
    if not 0 <= tie <= axis.basis:
        return answer(
            None,
            f"两者总分相等需要{name}为 {_f(tie)}，超出 [0, {_f(axis.basis)}]，"
            "在可行权重内不会交换",
        )
    for card, line in zip((first, second), lines, strict=True):
        if not card.floor <= line.level + line.slope * tie <= card.max_total:
            return answer(
                None, f"在交换点 {card.unit_id} 的总分会触及上下限，无法精确求解"
            )
    direction = "提高到" if tie > axis.current else "降低到"
    side = "以上" if tie > axis.current else "以下"
    return answer(
        tie,
        f"{name}为 {_f(tie)} 时 {first.unit_id} 与 {second.unit_id} 总分相同"
        f"（现为 {_f(axis.current)}）；{direction} {_f(tie)} {side}，"
        f"{second.unit_id} 排在 {first.unit_id} 之前",
    )


# -- the sweep's result -------------------------------------------------------


@attrs.frozen
class SweepInterval:
    """An interval of the swept weight on which both lists stay the same.

    Args:
        low: its lower end.
        high: its upper end.
        low_closed: whether *low* belongs to it.
        high_closed: whether *high* belongs to it.
        commended: the units commended throughout, in input order.
        bottom: the units at the bottom throughout, in input order.

    >>> from fractions import Fraction
    >>> str(SweepInterval(Fraction(50), Fraction(65), True, False, ("a",), ()))
    '[50, 65)'
    """

    low: Fraction
    high: Fraction
    low_closed: bool
    high_closed: bool
    commended: tuple[str, ...]
    bottom: tuple[str, ...]

    def __contains__(self, x: object) -> bool:
        if not isinstance(x, int | Fraction):
            return False
        above = self.low < x or (self.low_closed and x == self.low)
        below = x < self.high or (self.high_closed and x == self.high)
        return above and below

    def __str__(self) -> str:
        return (
            f"{'[' if self.low_closed else '('}{_f(self.low)}, "
            f"{_f(self.high)}{']' if self.high_closed else ')'}"
        )


@attrs.frozen(repr=False)
class SweepResult:
    """The lists along a sweep of one top-level weight; see :func:`sweep`.

    Args:
        rubric: the rubric swept.
        section_id: the top-level section whose weight moved.
        start: the lowest weight swept (rubric's basis: points or %).
        stop: the highest weight swept.
        intervals: consecutive intervals covering ``[start, stop]``, each
            with its lists; neighbours always differ.

    >>> from pbcheck import score_all
    >>> from pbcheck.examples.small import org_tree, two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> result = sweep(
    ...     rubric, score_all(rubric, evaluations), "常规", 60, 80, tree=tree
    ... )
    >>> print(result)
    权重扫描：“常规工作”权重 60 → 80，名单变化点 1 个（65）
      [60, 65)
        表彰：无
        后位：a
      [65, 65]
        表彰：无
        后位：a、b
      (65, 80]
        表彰：无
        后位：b
    """

    rubric: Rubric
    section_id: str
    start: Fraction
    stop: Fraction
    intervals: tuple[SweepInterval, ...]

    @property
    def change_points(self) -> tuple[Fraction, ...]:
        """The weights at which a list changes, in increasing order."""
        points: list[Fraction] = []
        for interval in self.intervals[1:]:
            if not points or points[-1] != interval.low:
                points.append(interval.low)
        return tuple(points)

    def at(self, x: Exact) -> SweepInterval:
        """The interval that holds weight *x*.

        Raises:
            InvalidValueError: *x* lies outside ``[start, stop]``.
        """
        value = to_exact(x, ("x",))
        for interval in self.intervals:
            if value in interval:
                return interval
        raise InvalidValueError(
            ("x",), x, f"must lie within [{_f(self.start)}, {_f(self.stop)}]"
        )

    def weights_at(self, x: Exact) -> dict[str, Fraction]:
        """Every top-level weight when the swept one is *x*, for :func:`~pbcheck.whatif.reweight.what_if`.

        >>> from fractions import Fraction
        >>> from pbcheck.examples.small import two_section_example
        >>> rubric, _ = two_section_example()
        >>> result = SweepResult(rubric, "常规", Fraction(50), Fraction(90), ())
        >>> result.weights_at(65)
        {'常规': Fraction(65, 1), '服务': Fraction(35, 1)}
        """
        return _Axis.along(self.rubric, self.section_id).weights_at(to_exact(x, ("x",)))

    def lines(self) -> list[str]:
        """One line per interval: the interval, then both lists."""
        section = next(s for s in self.rubric.sections if s.id == self.section_id)
        out = [
            f"权重扫描：“{section.title}”权重 {_f(self.start)} → {_f(self.stop)}，"
            f"名单变化点 {len(self.change_points)} 个"
            + (
                f"（{'、'.join(_f(p) for p in self.change_points)}）"
                if self.change_points
                else ""
            )
        ]
        for interval in self.intervals:
            approx = ""
            if "/" in str(interval):
                approx = f"（≈{float(interval.low):.4f}–{float(interval.high):.4f}）"
            out.append(f"  {interval}{approx}")
            out.append(f"    表彰：{'、'.join(interval.commended) or '无'}")
            out.append(f"    后位：{'、'.join(interval.bottom) or '无'}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        points = "、".join(_f(p) for p in self.change_points) or "无"
        return (
            f"<SweepResult {self.section_id} {_f(self.start)}–{_f(self.stop)}: "
            f"{len(self.intervals)} 段，变化点 {points}>"
        )

    def _repr_html_(self) -> str:
        rows = [
            [str(i), "、".join(i.commended), "、".join(i.bottom)]
            for i in self.intervals
        ]
        return titled(self.lines()[0], table(["权重区间", "表彰", "后位"], rows))


# -- the sweep ----------------------------------------------------------------


def _roots(
    difference: Callable[[Fraction], Fraction],
    breaks: Iterable[Fraction],
    found: set[Fraction],
) -> None:
    """Add every zero of a piecewise-affine *difference* with these breaks.

    On each piece the difference is affine, so a sign change has one root,
    solved exactly (:func:`swap_point` solves the single piece of two
    lines that are never held).
    """
    points = sorted(breaks)
    values = [difference(x) for x in points]
    for (left, d_left), (right, d_right) in itertools.pairwise(
        zip(points, values, strict=True)
    ):
        if d_left == 0:
            found.add(left)
        if d_right == 0:
            found.add(right)
        if d_left * d_right < 0:
            found.add(left + (right - left) * d_left / (d_left - d_right))


def _pieces(
    points: Sequence[Fraction],
) -> Iterator[tuple[Fraction, Fraction, bool, bool]]:
    """Each point, closed, and the open interval after it: low, high, closedness."""
    for point, after in itertools.zip_longest(points, points[1:]):
        yield point, point, True, True
        if after is not None:
            yield point, after, False, False


class _SweptSeason:
    """Every unit's line along the sweep, and the lists they give at any weight.

    Args:
        rubric: the rubric swept (its range, identity and rounding).
        lines: one line per unit, in input order.
        tree: the org tree the lists are decided in.
        policy: the outcome rules.
    """

    def __init__(
        self,
        rubric: Rubric,
        lines: Sequence[_Line],
        tree: OrgTree,
        policy: OutcomePolicy,
    ) -> None:
        self.rubric = rubric
        self.lines = tuple(lines)
        self.tree = tree
        self.policy = policy
        self.floor = rubric.floor
        self.max_total = rubric.max_total
        self._order = {line.unit_id: index for index, line in enumerate(self.lines)}

    def total(self, line: _Line, x: Fraction) -> Fraction:
        """*line*'s total at weight *x*: held within the range, then capped."""
        value = max(self.floor, min(self.max_total, line.level + line.slope * x))
        return value if line.cap is None else min(value, line.cap)

    def kinks(self, line: _Line, low: Fraction, high: Fraction) -> set[Fraction]:
        """Where *line*'s total starts or stops being held, within (low, high)."""
        found: set[Fraction] = set()
        if line.slope == 0:
            return found
        for bound in (self.floor, self.max_total, line.cap):
            if bound is not None:
                x = (bound - line.level) / line.slope
                if low < x < high:
                    found.add(x)
        return found

    def intervals(self, low: Fraction, high: Fraction) -> tuple[SweepInterval, ...]:
        """``[low, high]`` cut where the lists change, each piece with its lists."""
        points = [low, *sorted(self.candidates(low, high)), high]
        # Lists are constant on each piece because nothing crosses inside
        # one; neighbouring pieces with the same lists are merged.
        merged: list[SweepInterval] = []
        for first, last, low_closed, high_closed in _pieces(points):
            commended, bottom = self.lists((first + last) / 2)
            previous = merged[-1] if merged else None
            if previous is not None and (previous.commended, previous.bottom) == (
                commended,
                bottom,
            ):
                merged[-1] = attrs.evolve(previous, high=last, high_closed=high_closed)
            else:
                merged.append(
                    SweepInterval(
                        first, last, low_closed, high_closed, commended, bottom
                    )
                )
        return tuple(merged)

    def candidates(self, low: Fraction, high: Fraction) -> set[Fraction]:
        """Every weight at which two rivals tie or a total meets a threshold."""
        found: set[Fraction] = set()
        kinks = {line.unit_id: self.kinks(line, low, high) for line in self.lines}
        for first, second in self._rivals():
            if first.slope == second.slope and not (
                kinks[first.unit_id] or kinks[second.unit_id]
            ):
                continue  # parallel and never held: never cross
            _roots(
                partial(self._gap, first, second),
                {low, high} | kinks[first.unit_id] | kinks[second.unit_id],
                found,
            )
        thresholds = [
            value
            for value in (self.policy.commendation.min_score, self.policy.bottom.below)
            if value is not None
        ]
        for line in self.lines:
            for threshold in thresholds:
                _roots(
                    partial(self._gap, line, threshold),
                    {low, high} | kinks[line.unit_id],
                    found,
                )
        return {x for x in found if low < x < high}

    def _rivals(self) -> Iterator[tuple[_Line, _Line]]:
        """Pairs whose order can decide a list: same group, both vetoed or neither."""
        classes: dict[tuple[str, bool], list[_Line]] = {}
        for line in self.lines:
            classes.setdefault((line.group, line.disqualified), []).append(line)
        for members in classes.values():
            yield from itertools.combinations(members, 2)

    def _gap(self, line: _Line, other: _Line | Fraction, x: Fraction) -> Fraction:
        """*line*'s total less *other*'s (or less a threshold) at weight *x*."""
        against = other if isinstance(other, Fraction) else self.total(other, x)
        return self.total(line, x) - against

    def lists(self, x: Fraction) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The commended and the bottom units at weight *x*, in input order."""
        cards = [self._card(line, x) for line in self.lines]
        policy = self.policy
        bottom = bottom_list(cards, self.tree, policy.bottom, ranking=policy.ranking)
        chosen = commendation_list(
            cards, self.tree, policy.commendation, bottom=bottom, ranking=policy.ranking
        )
        return (
            tuple(sorted(chosen.unit_ids, key=self._order.__getitem__)),
            tuple(sorted(bottom.unit_ids, key=self._order.__getitem__)),
        )

    def _card(self, line: _Line, x: Fraction) -> Scorecard:
        """A scorecard with just what the lists read: the total, base and vetoes."""
        zero = Fraction(0)
        rubric = self.rubric
        return Scorecard(
            unit_id=line.unit_id,
            rubric_id=rubric.id,
            rubric_version=rubric.version,
            base=line.level + line.slope * x - line.adjustment,
            bonus_claimed=zero,
            bonus_counted=zero,
            deductions_claimed=zero,
            deductions_counted=zero,
            total=self.total(line, x),
            max_total=rubric.max_total,
            floor=rubric.floor,
            total_points=rubric.total_points,
            sections={},
            indicators={},
            vetoes=line.vetoes,
            rounding=rubric.rounding,
        )


def sweep(  # noqa: PLR0913 - every input of the study is named
    rubric: Rubric,
    season: Iterable[Scorecard] | Attainments,
    section_id: str,
    start: Exact,
    stop: Exact,
    *,
    tree: OrgTree | None = None,
    policy: OutcomePolicy | None = None,
) -> SweepResult:
    """Move one top-level weight from *start* to *stop*; find where the lists change.

    The other top-level weights share the rest in their current proportion
    (with 70/20/10, sweeping the first to 50 gives 50/33⅓/16⅔).  Weights are
    in the rubric's basis, as in :func:`pbcheck.whatif.reweight.reweight`.  Every pair
    of units in a series is solved for its crossings, so the cost grows with
    the square of a series' size: a sweep is for a season of the exact path
    (hundreds of units), not for a province.

    Args:
        rubric: the rubric the season was scored with.
        season: its scorecards (exact), or :class:`~pbcheck.whatif.simulation.Attainments`
            (exact in the floats given).
        section_id: the top-level section whose weight moves.
        start: the lowest weight.
        stop: the highest weight.
        tree: the org tree (required with scorecards).
        policy: the outcome rules (:class:`~pbcheck.OutcomePolicy` defaults).

    Raises:
        ValidationError: an unknown section, a range outside the basis, a
            policy that cannot be swept, scorecards of another rubric.

    >>> from pbcheck import score_all
    >>> from pbcheck.examples.small import org_tree, two_section_example
    >>> rubric, evaluations = two_section_example()
    >>> result = sweep(
    ...     rubric,
    ...     score_all(rubric, evaluations),
    ...     "常规",
    ...     60,
    ...     80,
    ...     tree=org_tree({"政府工作部门": ["a", "b"]}),
    ... )
    >>> result
    <SweepResult 常规 60–80: 3 段，变化点 65>
    """
    policy = policy or STUDY_POLICY
    check_policy(policy)
    check_top_level(rubric)
    low, high = to_exact(start, ("start",)), to_exact(stop, ("stop",))
    axis = _sweep_axis(rubric, section_id, low, high)
    everyone = overall(policy)
    if isinstance(season, Attainments):
        lines = _lines_from_attainments(rubric, season, axis, everyone=everyone)
        swept = _SweptSeason(rubric, lines, _synthetic_tree(season), policy)
    else:
        if tree is None:
            raise InvalidValueError(("tree",), None, "is required with scorecards")
        cards = tuple(season)
        check_cards(rubric, cards, tree)
        lines = _lines_from_cards(rubric, cards, tree, axis, everyone=everyone)
        swept = _SweptSeason(rubric, lines, tree, policy)
        _check_totals(swept, cards, axis.current)
    return SweepResult(rubric, section_id, low, high, swept.intervals(low, high))


def _sweep_axis(
    rubric: Rubric, section_id: str, low: Fraction, high: Fraction
) -> _Axis:
    """The swept weight, once the section and the range are known to be sound."""
    ids = [s.id for s in rubric.sections]
    problems = _Problems("invalid sweep")
    if section_id not in ids:
        problems.add(
            UnknownReferenceError(
                ("section_id",), section_id, "is not a top-level section"
            )
        )
    top = basis(rubric)
    # Each bound is named where it is wrong; a range the wrong way round is
    # named at its end.
    if not 0 <= low <= top:
        problems.add(
            InvalidValueError(
                ("start",), _f(low), f"must satisfy 0 ≤ start < stop ≤ {_f(top)}"
            )
        )
    if not 0 <= high <= top or (0 <= low <= top and high <= low):
        problems.add(
            InvalidValueError(
                ("stop",), _f(high), f"must satisfy 0 ≤ start < stop ≤ {_f(top)}"
            )
        )
    problems.raise_if_any()
    return _Axis.along(rubric, section_id)


def _lines_from_cards(
    rubric: Rubric,
    cards: Sequence[Scorecard],
    tree: OrgTree,
    axis: _Axis,
    *,
    everyone: bool,
) -> list[_Line]:
    """The scorecards' lines, grouped by series (or all in one group)."""
    out = []
    for index, card in enumerate(cards):
        missing = [s.id for s in rubric.sections if s.id not in card.sections]
        if missing or ROOT not in card.sections:
            raise InvalidValueError(
                ("scorecards", member(index, card.unit_id), "sections"),
                missing,
                "lacks top-level sections",
            )
        group = "全部" if everyone else tree[card.unit_id].series or NO_SERIES
        out.append(axis.line_of(card, group))
    return out


# What a disqualified row of Attainments stands for: a veto without a cap.
_DISQUALIFIED = VetoFinding("一票否决", "一票否决", (), None)


def _lines_from_attainments(
    rubric: Rubric, season: Attainments, axis: _Axis, *, everyone: bool
) -> list[_Line]:
    """The arrays' lines, each float taken as the exact fraction it is."""
    matrix = season.matrix @ season.loadings(rubric)
    caps, disqualified = season.cap, season.disqualified
    out = []
    for row, (unit_id, series) in enumerate(
        zip(season.unit_ids, season.series, strict=True)
    ):
        attained = {
            sid: Fraction(float(matrix[row, col]))
            for col, sid in enumerate(axis.sections)
        }
        cap = None
        if caps is not None and not math.isinf(caps[row]):
            cap = Fraction(float(caps[row]))
        vetoed = disqualified is not None and bool(disqualified[row])
        out.append(
            axis.line(
                unit_id,
                "全部" if everyone else series,
                attained,
                Fraction(float(season.adjustment[row])),
                cap=cap,
                vetoes=(_DISQUALIFIED,) if vetoed else (),
            )
        )
    return out


def _check_totals(
    swept: _SweptSeason, cards: Sequence[Scorecard], now: Fraction
) -> None:
    """Each line must give the scorecard's own total at today's weight."""
    problems = _Problems("scorecards whose totals are not affine in the weights")
    for index, (line, card) in enumerate(zip(swept.lines, cards, strict=True)):
        if swept.total(line, now) != card.total:
            problems.add(
                InvalidValueError(
                    ("scorecards", member(index, card.unit_id), "total"),
                    _f(card.total),
                    f"differs from base + bonus − deductions held in range "
                    f"({_f(swept.total(line, now))}); was it scored with this rubric?",
                )
            )
    problems.raise_if_any()


def _synthetic_tree(season: Attainments) -> OrgTree:
    """A tree under which the lists group the arrays' units by their series."""
    root = "$工委"
    units = [OrgUnit(root, "机关工委", UnitKind.WORKING_COMMITTEE)]
    units += [
        OrgUnit(
            unit_id,
            unit_id,
            UnitKind.PARTY_COMMITTEE,
            parent=root,
            series=None if series == NO_SERIES else series,
        )
        for unit_id, series in zip(season.unit_ids, season.series, strict=True)
    ]
    return OrgTree(units)
