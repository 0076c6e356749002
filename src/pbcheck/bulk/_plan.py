"""Compile a rubric into integer arithmetic for the bulk path.

Everything here is pure Python over :class:`~fractions.Fraction`: it runs once
per rubric and decides, for every quantity the kernel computes, the integer
scale that makes it exact.  See :mod:`pbcheck.bulk` for the argument.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck.errors import InvalidValueError, NotEnoughRatersError, Path, _Problems
from pbcheck.model.aggregation import (
    Median,
    Minimum,
    TrimmedMean,
    WeightedMean,
    WeightedSum,
)
from pbcheck.model.rubric import ROOT, Indicator, Rubric
from pbcheck.model.rules import (
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PassFail,
    PointsPerOccurrence,
    RatioToTarget,
    Tiers,
)

#: Integers below this bound are exact in binary64 (2**53), with headroom.
FLOAT_EXACT = 2**52
#: Per-unit integers stay below this bound in int64 (2**62), with headroom.
INT_EXACT = 2**62
#: The most incidents one deduction or veto column may count for one unit.
COUNT_LIMIT = 10**6
#: What a value column holds: 0/1, a decimal number, or a whole count.
InputKind = Literal["pass_fail", "number", "count"]

_RULES = (
    PassFail,
    DirectScore,
    RatioToTarget,
    Tiers,
    DeductionPerOccurrence,
    PointsPerOccurrence,
    CountAtLeast,
)
_LINEAR = (WeightedSum, WeightedMean)
_ORDER = (Minimum, Median, TrimmedMean)


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


@attrs.frozen
class LeafPlan:
    """One indicator as integer arithmetic on its column.

    The column value ``v`` is read as the integer ``k = v × unit`` (``unit`` is
    ``10**decimals`` for numbers, 1 otherwise), clipped to ``[0, saturate]``
    (beyond ``saturate`` the rule gives the same points).  Then either

    * ``steps`` is empty: ``n = clip(a·k − b, low, high)``, or
    * ``n = values[j]`` where ``j`` counts the ``steps`` (integer thresholds
      on ``k``) that ``k`` reaches;

    and the attainment is exactly ``n / scale``.
    """

    id: str
    title: str
    kind: InputKind
    unit: int
    saturate: int
    scale: int
    max_points: Fraction
    a: int = 0
    b: int = 0
    low: int = 0
    high: int = 0
    steps: tuple[int, ...] = ()
    values: tuple[int, ...] = ()
    #: DirectScore: the largest k allowed (points may not exceed the maximum).
    limit: int | None = None

    @property
    def bound(self) -> int:
        """The largest magnitude an intermediate of this leaf reaches."""
        return max(
            self.scale,
            abs(self.a) * self.saturate + abs(self.b),
            self.saturate,
            *self.values,
        )


def _affine(  # noqa: PLR0913, PLR0917 - internal, one argument per constant
    indicator: Indicator,
    kind: InputKind,
    unit: int,
    saturate: int,
    attainment_of_k: tuple[Fraction, Fraction],
    clip: tuple[Fraction, Fraction],
    limit: int | None = None,
) -> LeafPlan:
    """``attainment = clip(slope·k + offset, *clip)`` as integers."""
    slope, offset = attainment_of_k
    scale = math.lcm(
        slope.denominator, offset.denominator, clip[0].denominator, clip[1].denominator
    )
    return LeafPlan(
        indicator.id,
        indicator.title,
        kind,
        unit,
        saturate,
        scale,
        indicator.max_points,
        a=int(slope * scale),
        b=int(-offset * scale),
        low=int(clip[0] * scale),
        high=int(clip[1] * scale),
        limit=limit,
    )


def _steps(
    indicator: Indicator,
    kind: InputKind,
    unit: int,
    thresholds: list[Fraction],
    attainments: list[Fraction],
) -> LeafPlan:
    """``attainment = attainments[j]``, ``j`` = thresholds reached (ints in k)."""
    scale = math.lcm(*(a.denominator for a in attainments))
    steps = tuple(_ceil(t * unit) for t in thresholds)
    return LeafPlan(
        indicator.id,
        indicator.title,
        kind,
        unit,
        max(steps[-1], 0),
        scale,
        indicator.max_points,
        steps=steps,
        values=tuple(int(a * scale) for a in attainments),
    )


def leaf_plan(indicator: Indicator, decimals: int) -> LeafPlan:  # noqa: PLR0911 - one per rule
    """The integer plan of one indicator (the rule must be a built-in value rule)."""
    rule, top = indicator.rule, indicator.max_points
    unit = 10**decimals
    if isinstance(rule, PassFail):
        return _affine(
            indicator,
            "pass_fail",
            1,
            1,
            (Fraction(1), Fraction(0)),
            (Fraction(0), Fraction(1)),
        )
    if isinstance(rule, DirectScore):
        limit = math.floor(top * unit)
        return _affine(
            indicator, "number", unit, limit, (1 / (top * unit), Fraction(0)),
            (Fraction(0), Fraction(1)), limit=limit,
        )  # fmt: skip
    if isinstance(rule, RatioToTarget):
        span = rule.target - rule.zero_below
        return _affine(
            indicator, "number", unit, _ceil(rule.target * unit),
            (1 / (span * unit), -rule.zero_below / span), (Fraction(0), Fraction(1)),
        )  # fmt: skip
    if isinstance(rule, Tiers):
        return _steps(
            indicator, "number", unit, [t for t, _ in rule.tiers],
            [Fraction(0), *(p / top for _, p in rule.tiers)],
        )  # fmt: skip
    if isinstance(rule, DeductionPerOccurrence):
        floor = rule.floor / top
        return _affine(
            indicator, "count", 1, max(_ceil((top - rule.floor) / rule.per), 0),
            (-rule.per / top, Fraction(1)), (floor, Fraction(1)),
        )  # fmt: skip
    if isinstance(rule, PointsPerOccurrence):
        cap = (top if rule.cap is None else rule.cap) / top
        return _affine(
            indicator, "count", 1, _ceil(cap * top / rule.per),
            (rule.per / top, Fraction(0)), (Fraction(0), cap),
        )  # fmt: skip
    assert isinstance(rule, CountAtLeast)  # noqa: S101 - checked by unsupported()
    if rule.partial:
        return _affine(
            indicator, "count", 1, rule.required,
            (Fraction(1, rule.required), Fraction(0)), (Fraction(0), Fraction(1)),
        )  # fmt: skip
    return _steps(
        indicator, "count", 1, [Fraction(rule.required)], [Fraction(0), Fraction(1)]
    )


@attrs.frozen
class NodePlan:
    """A section (or the root) as integer arithmetic on its children.

    ``children`` are ``(is_leaf, index)`` pairs.  ``kind="linear"``:
    ``n = Σ factors[c]·n_c``; otherwise every child is first rescaled by its
    factor to a common scale and ``n`` is the minimum, the median (the sum of
    the two middle values when even) or the sum of the values kept by a
    trimmed mean.  The attainment is ``n / scale``.
    """

    id: str
    kind: Literal["linear", "minimum", "median", "trimmed"]
    children: tuple[tuple[bool, int], ...]
    factors: tuple[int, ...]
    scale: int
    trim: int = 0
    #: For a linear node whose whole subtree is linear: one factor per leaf.
    dense: tuple[int, ...] | None = None

    @property
    def bound(self) -> int:
        """The largest magnitude an intermediate of this node reaches."""
        return self.scale * max(len(self.children), 1)


@attrs.frozen
class Plan:
    """A whole rubric as integer arithmetic; totals are numerators over ``denominator``."""

    rubric: Rubric
    decimals: int
    leaves: tuple[LeafPlan, ...]
    bonus: tuple[LeafPlan, ...]
    nodes: tuple[NodePlan, ...]  # children before parents; the root last
    denominator: int
    base_factor: int  # base numerator = root n × base_factor
    bonus_factors: tuple[int, ...]  # claimed numerator = Σ n_b × factor
    bonus_cap: int
    deduction_points: tuple[int, ...]  # per deduction column
    deduction_items: tuple[int, ...]  # the deduction item of each column
    deduction_caps: tuple[int | None, ...]  # per item
    deduction_cap: int | None
    floor: int
    max_total: int
    veto_caps: tuple[int | None, ...]  # None disqualifies
    exact_float: bool
    #: Per-unit integers over a denominator ``d`` stay below ``d × reach``.
    reach: int = 0
    #: Plans for rows with indicators marked not applicable, by the ids marked
    #: (a cache filled as patterns are met; see :mod:`pbcheck.bulk._waivers`).
    derived: dict[frozenset[str], Plan | Exception] = attrs.field(
        factory=dict, eq=False, repr=False
    )


def unsupported(rubric: Rubric) -> list[InvalidValueError]:
    """Why *rubric* is outside the bulk layout, one problem per reason (or none).

    Ask before building a table: an empty list means every indicator, roll-up
    and item of *rubric* has an exact columnar form.  Each problem names its
    item where the rubric holds it: a nested indicator by its sections.

    >>> from pbcheck.bulk import unsupported
    >>> from pbcheck.examples import example_rubric
    >>> problem = unsupported(example_rubric())[0]
    >>> problem.value
    'Frequency'
    >>> print(problem.path)
    rubric.sections[A].sections[A3].sections['A3.1'].indicators['A3.1.1'].rule
    """
    found: list[InvalidValueError] = []
    for path, indicator in _all_indicators(rubric):
        if not isinstance(indicator.rule, _RULES):
            found.append(
                InvalidValueError(
                    (*path, "rule"),
                    type(indicator.rule).__name__,
                    "the bulk path scores the built-in value rules only (pass/fail, "
                    "direct score, ratio to target, tiers, deduction / points per "
                    "occurrence, count at least); frequency and custom rules need the "
                    "exact path",
                )
            )
    sections = rubric.sections_by_id()
    for node_id in rubric._nodes:  # noqa: SLF001 - same package
        aggregator = (
            rubric.aggregator if node_id == ROOT else sections[node_id].aggregator
        )
        if not isinstance(aggregator, _LINEAR + _ORDER):
            found.append(
                InvalidValueError(
                    (*_place(rubric, node_id), "aggregator"),
                    aggregator.name,
                    "the bulk path rolls up with the exact built-ins only (weighted "
                    "sum, weighted mean, median, minimum, trimmed mean)",
                )
            )
    return found


def _all_indicators(rubric: Rubric) -> Iterator[tuple[Path, Indicator]]:
    """Every indicator, regular then bonus, with its place in *rubric*."""
    # Ids are unique in a rubric, so each id names one place.
    places = {item_id: path for _, path, item_id in rubric._all_ids()}  # noqa: SLF001
    for indicator in (*rubric.indicators(), *rubric.bonus.indicators):
        yield places[indicator.id], indicator


def _place(rubric: Rubric, node_id: str) -> Path:
    """Where a section (or the root, ``rubric``) is: ``rubric.sections[B]``."""
    return rubric._nodes[node_id].path  # noqa: SLF001 - the rubric's own plan


def applicable_shares(rubric: Rubric, waived: frozenset[str]) -> dict[str, Fraction]:
    """The share of each node's (and indicator's) nominal points that applies.

    An indicator applies wholly or not at all; a section applies by the
    weighted share of its children that do (the exact path's pro-rata rule,
    按比例折算).  ``shares[ROOT] == 0`` means nothing is left to score.
    """
    shares: dict[str, Fraction] = {}

    def visit(node_id: str) -> Fraction:
        node = rubric._nodes[node_id]  # noqa: SLF001 - same package
        value = Fraction(0)
        for child, share in zip(node.children, node.shares, strict=True):
            if child in rubric._nodes:  # noqa: SLF001 - same package
                part = visit(child)
            else:
                part = Fraction(child not in waived)
                shares[child] = part
            value += share * part
        shares[node_id] = value
        return value

    visit(ROOT)
    return shares


def _node_plans(
    rubric: Rubric, leaves: tuple[LeafPlan, ...], waived: frozenset[str] = frozenset()
) -> tuple[NodePlan, ...]:
    """Every section and the root as integer roll-ups, children first.

    With *waived* indicators (合理缺项) under the rubric's pro-rata policy,
    each node rolls up only the children that apply, their weights
    renormalised as the exact path does: at level ``"total"`` a child weighs
    its nominal share times the part of it that applies, at ``"section"`` its
    nominal share.  Under full marks the waived leaves are constants and the
    roll-up is the plain one.
    """
    position = {leaf.id: index for index, leaf in enumerate(leaves)}
    nodes: list[NodePlan] = []
    node_index: dict[str, int] = {}
    sections = rubric.sections_by_id()
    policy = rubric.not_applicable
    pro_rata = bool(waived) and policy.method == "pro_rata"
    applies = applicable_shares(rubric, waived) if pro_rata else {}

    def build(node_id: str) -> tuple[int, tuple[int, ...] | None]:
        """Plan *node_id*; its scale and, if its subtree is linear, leaf factors."""
        node = rubric._nodes[node_id]  # noqa: SLF001 - same package
        aggregator = (
            rubric.aggregator if node_id == ROOT else sections[node_id].aggregator
        )
        children: list[tuple[bool, int]] = []
        scales: list[int] = []
        denses: list[tuple[int, ...] | None] = []
        shares = list(node.shares)
        applying = list(node.children)
        if pro_rata:
            # Only what applies rolls up; its weights sum to one again.
            weights = [
                share * applies[child] if policy.level == "total" else share
                for child, share in zip(node.children, node.shares, strict=True)
                if applies[child]
            ]
            applying = [child for child in node.children if applies[child]]
            whole = sum(weights, Fraction(0))
            shares = [weight / whole for weight in weights]
        for child in applying:
            if child in position:
                index = position[child]
                children.append((True, index))
                scales.append(leaves[index].scale)
                denses.append(tuple(int(i == index) for i in range(len(leaves))))
            else:
                child_scale, child_dense = build(child)
                children.append((False, node_index[child]))
                scales.append(child_scale)
                denses.append(child_dense)
        if isinstance(aggregator, _LINEAR):
            # Shares sum to exactly 1, so the weighted mean is the weighted sum.
            ratios = [s / c for s, c in zip(shares, scales, strict=True)]
            scale = math.lcm(*(r.denominator for r in ratios))
            factors = tuple(int(r * scale) for r in ratios)
            dense: tuple[int, ...] | None = None
            if all(d is not None for d in denses):
                dense = tuple(
                    sum(f * d[i] for f, d in zip(factors, denses, strict=True) if d)
                    for i in range(len(leaves))
                )
            plan = NodePlan(
                node_id, "linear", tuple(children), factors, scale, dense=dense
            )
        else:
            dense = None
            common = math.lcm(*scales)
            factors = tuple(common // s for s in scales)
            count = len(children)
            if isinstance(aggregator, Minimum):
                plan = NodePlan(node_id, "minimum", tuple(children), factors, common)
            elif isinstance(aggregator, Median):
                plan = NodePlan(
                    node_id,
                    "median",
                    tuple(children),
                    factors,
                    common * (2 - count % 2),
                )
            else:
                assert isinstance(aggregator, TrimmedMean)  # noqa: S101 - see unsupported()
                kept = count - 2 * aggregator.k
                if kept < 1:
                    raise NotEnoughRatersError(
                        (*_place(rubric, node_id), "aggregator"),
                        aggregator.k,
                        f"a trimmed mean dropping the {aggregator.k} highest and lowest "
                        f"needs at least {2 * aggregator.k + 1} children (got {count})",
                    )
                plan = NodePlan(
                    node_id, "trimmed", tuple(children), factors, common * kept,
                    trim=aggregator.k,
                )  # fmt: skip
        nodes.append(plan)
        node_index[node_id] = len(nodes) - 1
        return plan.scale, dense

    build(ROOT)
    return tuple(nodes)


def _deduction_columns(rubric: Rubric) -> tuple[list[int], list[Fraction]]:
    """Each deduction column's item and points per incident (as BulkLayout orders them)."""
    items: list[int] = []
    points: list[Fraction] = []
    for item, deduction in enumerate(rubric.deductions):
        if deduction.by_category is None:
            assert deduction.points is not None  # noqa: S101 - Deduction checks this
            items.append(item)
            points.append(deduction.points)
        else:
            items += [item] * len(deduction.by_category)
            points += list(deduction.by_category.values())
    return items, points


def constant_leaf(indicator: Indicator, attainment: Literal[0, 1]) -> LeafPlan:
    """A waived indicator (合理缺项): attainment *attainment* whatever its cell holds.

    Read as a count, so the 0 its cell is filled with passes the check; the
    affine rule ``clip(0·k + attainment, attainment, attainment)`` ignores it.
    """
    return LeafPlan(
        indicator.id,
        indicator.title,
        "count",
        1,
        0,
        1,
        indicator.max_points,
        a=0,
        b=-attainment,
        low=attainment,
        high=attainment,
    )


def compile_plan(
    rubric: Rubric, decimals: int, waived: frozenset[str] = frozenset()
) -> Plan:
    """The integer plan of *rubric*, or a ValidationError saying why there is none.

    *waived*: regular indicators that do not apply (合理缺项) to the rows this
    plan scores; they count as the rubric's
    :class:`~pbcheck.model.rubric.NotApplicablePolicy` says (their cells are
    read as 0 and ignored).  The caller checks that something applies.
    """
    problems = _Problems(f"rubric {rubric.id!r} cannot be scored by the bulk path")
    problems.extend(unsupported(rubric))
    if (
        isinstance(decimals, bool)
        or not isinstance(decimals, int)
        or not 0 <= decimals <= 9
    ):
        problems.add(
            InvalidValueError(
                ("decimals",), decimals, "must be a whole number in [0, 9]"
            )
        )
    problems.raise_if_any()
    full_marks = rubric.not_applicable.method == "full_marks"
    leaves = tuple(
        constant_leaf(i, 1 if full_marks else 0)
        if i.id in waived
        else leaf_plan(i, decimals)
        for i in rubric.indicators()
    )
    bonus = tuple(leaf_plan(i, decimals) for i in rubric.bonus.indicators)
    nodes = _node_plans(rubric, leaves, waived)
    root_scale = nodes[-1].scale
    deduction_items, deduction_points = _deduction_columns(rubric)
    base_ratio = rubric.total_points / root_scale
    bonus_ratios = [b.max_points / b.scale for b in bonus]
    veto_caps = [v.cap for v in rubric.vetoes]
    fixed = [
        base_ratio,
        *bonus_ratios,
        rubric.bonus.cap,
        *deduction_points,
        *(d.cap for d in rubric.deductions if d.cap is not None),
        *([rubric.deduction_cap] if rubric.deduction_cap is not None else []),
        rubric.floor,
        rubric.max_total,
        *(c for c in veto_caps if c is not None),
    ]
    denominator = math.lcm(*(x.denominator for x in fixed))

    def on_scale(value: Fraction) -> int:
        return int(value * denominator)

    claims = sum(deduction_points, Fraction(0)) * COUNT_LIMIT
    bonus_most = sum((b.max_points for b in bonus), Fraction(0))
    magnitude = (
        (rubric.max_total + abs(rubric.floor) + bonus_most + claims)
        * 2
        * 10**rubric.rounding.places
    )
    vector_bound = denominator * magnitude
    reach = _ceil(magnitude)
    matrix_bound = max(
        [leaf.bound for leaf in (*leaves, *bonus)] + [n.bound for n in nodes]
    )
    return Plan(
        rubric=rubric,
        decimals=decimals,
        leaves=leaves,
        bonus=bonus,
        nodes=nodes,
        denominator=denominator,
        base_factor=on_scale(base_ratio),
        bonus_factors=tuple(on_scale(r) for r in bonus_ratios),
        bonus_cap=on_scale(rubric.bonus.cap),
        deduction_points=tuple(on_scale(p) for p in deduction_points),
        deduction_items=tuple(deduction_items),
        deduction_caps=tuple(
            None if d.cap is None else on_scale(d.cap) for d in rubric.deductions
        ),
        deduction_cap=None
        if rubric.deduction_cap is None
        else on_scale(rubric.deduction_cap),
        floor=on_scale(rubric.floor),
        max_total=on_scale(rubric.max_total),
        veto_caps=tuple(None if c is None else on_scale(c) for c in veto_caps),
        exact_float=matrix_bound < FLOAT_EXACT and vector_bound < INT_EXACT,
        reach=reach,
    )
