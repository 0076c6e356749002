"""Rubrics: a versioned tree of weighted sections down to indicators (考核细则).

The Nanping practice, for example, weighs regular party-building work 70% and
serving development 30%, splits them into six parts, 24 items and 65
quantified standards, and adds up to 10 bonus points (奖励分)::

    Rubric ─┬─ Section 常规工作 (70) ─┬─ Section 思想建设 (15) ── Indicator …
            │                         └─ …
            ├─ Section 服务发展 (30) ── …
            ├─ BonusPool (cap 10) ── Indicator …
            ├─ Deduction 诫勉谈话 (−1 each) …
            └─ Veto 发生严重违纪 …

Weights are checked when the rubric is built: every weight is finite and
non-negative, and the weights of each level sum to *exactly* their basis —
the parent's points with ``weighting="points"``, 100 with
``weighting="percent"``.  Anything else is an error naming the level, the
weights and their sum; weights are rescaled only when you ask
(:meth:`Rubric.normalising`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any, Final, Literal, cast

import attrs

from pbcheck._numbers import Exact, RoundingPolicy, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck._text import unsafe_character
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    InvalidWeightsError,
    Path,
    Problem,
    UnknownItemError,
    UnknownReferenceError,
    _Problems,
    item,
    render_path,
)
from pbcheck.errors import (
    member as _member,
)
from pbcheck.model.aggregation import Aggregator, WeightedMean, WeightedSum
from pbcheck.model.evaluation import Source
from pbcheck.model.frequency import ActivityRule
from pbcheck.model.rules import ValueRule
from pbcheck.views import html

__all__ = [
    "DEFAULT_SOURCE_WEIGHTS",
    "MAX_DEPTH",
    "BonusPool",
    "Deduction",
    "Indicator",
    "NotApplicablePolicy",
    "Rubric",
    "Section",
    "Veto",
]

#: Self-assessment (自评) is recorded but not counted; every other source counts alike.
DEFAULT_SOURCE_WEIGHTS: Mapping[Source, Fraction] = {
    Source.SELF: Fraction(0),
    Source.TEAM: Fraction(1),
    Source.DEPARTMENT: Fraction(1),
    Source.SPOT_CHECK: Fraction(1),
    Source.LEDGER: Fraction(1),
}


class _Unchecked:
    """An input that failed conversion, kept as it came for the error message."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return repr(self.value)


def _lenient_exact(value: Exact) -> Fraction:
    """Convert if possible; otherwise keep the raw value for post-init reporting."""
    try:
        return to_exact(value, ())
    except Problem:
        return cast("Fraction", _Unchecked(value))


def _lenient_optional_exact(value: Exact | None) -> Fraction | None:
    return None if value is None else _lenient_exact(value)


def _check_exact(problems: _Problems, path: Path, value: object) -> bool:
    """Report a value that failed conversion; True if it is a usable Fraction."""
    if isinstance(value, _Unchecked):
        try:
            to_exact(value.value, path)
        except Problem as problem:
            problems.add(problem)
        return False
    return True


def _check_text(problems: _Problems, path: Path, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.add(InvalidValueError(path, value, "must be a non-empty string"))
    elif (why := unsafe_character(value)) is not None:  # pbcheck._text's rule
        problems.add(InvalidValueError(path, value, why))


#: How deep sections may nest in a rubric: a top-level section is at depth 1.
#: Real rubrics have three or four levels (部分 / 项目 / 指标); the bound keeps
#: every walk of the tree (checks, scoring, explanations, reports) far from
#: Python's recursion limit.
MAX_DEPTH: Final = 32


def _too_deep(sections: Sequence[object]) -> Problem | None:
    """The first section nested deeper than :data:`MAX_DEPTH`, as a problem.

    Walked with a stack, not recursion: the point is to refuse a tree too
    deep to walk recursively.
    """
    stack: list[tuple[object, Path, int]] = [
        (
            section,
            ("rubric", "sections", _member(index, getattr(section, "id", None))),
            1,
        )
        for index, section in reversed(list(enumerate(sections)))
    ]
    while stack:
        section, path, depth = stack.pop()
        if not isinstance(section, Section):
            continue  # reported by its parent
        if depth > MAX_DEPTH:
            return InvalidValueError(
                path, section.id, f"nests sections more than {MAX_DEPTH} levels deep"
            )
        stack.extend(
            (
                child,
                (*path, "sections", _member(index, getattr(child, "id", None))),
                depth + 1,
            )
            for index, child in reversed(list(enumerate(section.sections)))
        )
    return None


def _sections(value: Iterable[Section]) -> tuple[Section, ...]:
    return tuple(value)


def _indicators(value: Iterable[Indicator]) -> tuple[Indicator, ...]:
    return tuple(value)


def _deductions(value: Iterable[Deduction]) -> tuple[Deduction, ...]:
    return tuple(value)


def _vetoes(value: Iterable[Veto]) -> tuple[Veto, ...]:
    return tuple(value)


@attrs.frozen
class Indicator:
    """One quantified standard (量化标准): what is scored and how.

    Args:
        id: unique within the rubric.
        title: e.g. ``“三会一课”制度落实``.
        max_points: the indicator's own full marks; its rule scores within
            ``[0, max_points]``.
        rule: a :class:`~pbcheck.model.rules.ValueRule` (pass/fail, ratio to target,
            tiers, …) or an :class:`~pbcheck.model.frequency.ActivityRule` (frequency).
        weight: its weight within its section.  With ``weighting="points"`` it
            defaults to ``max_points``; with ``"percent"`` it is required.
        rater_aggregator: how several raters' points combine; defaults to the
            rubric's ``rater_aggregator``.
        description: the standard's full text.
        waivable: whether a unit may be excused from it as not applicable
            (合理缺项, :class:`~pbcheck.model.evaluation.NotApplicable`);
            ``False`` for duties every unit has, e.g. 落实全面从严治党主体责任.

    >>> from pbcheck.model.rules import RatioToTarget
    >>> Indicator(
    ...     "S01", "村党组织书记“双强”比例≥85%", 2, RatioToTarget(target=85)
    ... ).max_points
    Fraction(2, 1)
    """

    id: str
    title: str
    max_points: Fraction = attrs.field(converter=_lenient_exact)
    rule: ValueRule | ActivityRule
    weight: Fraction | None = attrs.field(
        default=None, converter=_lenient_optional_exact
    )
    rater_aggregator: Aggregator | None = None
    description: str = ""
    waivable: bool = True

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid indicator")
        if not isinstance(self.waivable, bool):
            problems.add(
                InvalidTypeError(
                    (*item("indicator", self.id), "waivable"),
                    self.waivable,
                    "must be true or false",
                )
            )
        here = item("indicator", self.id)
        _check_text(problems, (*here, "id"), self.id)
        _check_text(problems, (*here, "title"), self.title)
        if _check_exact(problems, (*here, "max_points"), self.max_points) and (
            self.max_points <= 0
        ):
            problems.add(
                InvalidValueError(
                    (*here, "max_points"), _raw(self.max_points), "must be > 0"
                )
            )
        if (
            self.weight is not None
            and _check_exact(problems, (*here, "weight"), self.weight)
            and self.weight < 0
        ):
            problems.add(
                InvalidWeightsError((*here, "weight"), _raw(self.weight), "must be ≥ 0")
            )
        if isinstance(self.rule, ValueRule):
            if isinstance(self.max_points, Fraction) and self.max_points > 0:
                for field, value, message in self.rule.config_problems(self.max_points):
                    below = (field,) if isinstance(field, str) else tuple(field)
                    problems.add(
                        InvalidValueError((*here, "rule", *below), value, message)
                    )
        elif not isinstance(self.rule, ActivityRule):
            problems.add(
                InvalidTypeError(
                    (*here, "rule"),
                    self.rule,
                    "must be a scoring rule (ValueRule or ActivityRule)",
                )
            )
        if self.rater_aggregator is not None and not isinstance(
            self.rater_aggregator, Aggregator
        ):
            problems.add(
                InvalidTypeError(
                    (*here, "rater_aggregator"),
                    self.rater_aggregator,
                    "must be an Aggregator",
                )
            )
        problems.raise_if_any()


def _lenient_categories(
    value: Mapping[str, Exact] | None,
) -> Mapping[str, Fraction] | None:
    """Keep the mapping as given; ``Deduction`` converts and checks each entry."""
    return None if value is None else cast("Mapping[str, Fraction]", dict(value))


def _raw(value: object) -> object:
    """A value for an error message: strings for exact numbers, as they read."""
    return str(value) if isinstance(value, Fraction) else value


@attrs.frozen
class Section:
    """A weighted group of sub-sections and/or indicators (部分 / 项目).

    Args:
        id: unique within the rubric.
        title: e.g. ``思想建设``.
        weight: its weight within its parent (points or percent, per the
            rubric's ``weighting``).
        sections: sub-sections.
        indicators: indicators directly in this section.
        aggregator: how the children's attainments roll up; weighted sum by
            default.
        individual: a slot for each unit's own indicators (个性指标, e.g. the
            service-development block): in a template it has no children, and
            a :class:`~pbcheck.model.rubric_set.RubricSet` fills it per unit
            with indicators summing exactly to its weight.

    With ``"points"`` weighting (the default) an indicator's weight defaults to
    its ``max_points`` and the children of a section sum to its own points
    (checked when the :class:`Rubric` is built); every id must be non-empty:

    >>> from pbcheck.model.rules import DirectScore, PassFail
    >>> section = Section(
    ...     "A2",
    ...     "组织建设",
    ...     15,
    ...     indicators=[
    ...         Indicator("A2-1", "“三会一课”制度落实", 10, DirectScore()),
    ...         Indicator("A2-2", "党员发展计划完成", 5, PassFail()),
    ...     ],
    ... )
    >>> section.weight, [indicator.max_points for indicator in section.indicators]
    (Fraction(15, 1), [Fraction(10, 1), Fraction(5, 1)])
    >>> Section("", "组织建设", 15)
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid section: ...
      section.id: must be a non-empty string (got '')
    ...

    A problem of a section with an id names it:

    >>> Section("A2", "组织建设", -15, indicators=section.indicators)
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid section: 1 problem
      section[A2].weight: must be ≥ 0 (got '-15')
    """

    id: str
    title: str
    weight: Fraction = attrs.field(converter=_lenient_exact)
    sections: tuple[Section, ...] = attrs.field(default=(), converter=_sections)
    indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=_indicators)
    aggregator: Aggregator = attrs.field(factory=WeightedSum)
    individual: bool = False

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid section")
        here = item("section", self.id)
        _check_text(problems, (*here, "id"), self.id)
        _check_text(problems, (*here, "title"), self.title)
        if _check_exact(problems, (*here, "weight"), self.weight) and self.weight < 0:
            problems.add(
                InvalidWeightsError((*here, "weight"), _raw(self.weight), "must be ≥ 0")
            )
        if not isinstance(self.individual, bool):
            problems.add(
                InvalidTypeError(
                    (*here, "individual"), self.individual, "must be true or false"
                )
            )
        elif self.individual and self.sections:
            problems.add(
                InvalidValueError(
                    (*here, "sections"),
                    [child.id for child in self.sections],
                    "a slot for each unit's own indicators holds indicators only",
                )
            )
        if not self.sections and not self.indicators and not self.individual:
            problems.add(
                InvalidValueError(
                    (*here, "indicators"), [], "a section needs sections or indicators"
                )
            )
        for field, children, kind in (
            ("sections", self.sections, Section),
            ("indicators", self.indicators, Indicator),
        ):
            for index, child in enumerate(children):
                if not isinstance(child, kind):
                    problems.add(
                        InvalidTypeError(
                            (*here, field, index), child, f"must be a {kind.__name__}"
                        )
                    )
        if not isinstance(self.aggregator, Aggregator):
            problems.add(
                InvalidTypeError(
                    (*here, "aggregator"), self.aggregator, "must be an Aggregator"
                )
            )
        problems.raise_if_any()


@attrs.frozen
class BonusPool:
    """Bonus indicators (加分项, 奖励分) and the most they may add together.

    What a unit earns on bonus indicators is *claimed*; at most ``cap`` of it
    is *counted* in the total.

    >>> from pbcheck.model.rules import PointsPerOccurrence
    >>> pool = BonusPool(
    ...     cap=10,
    ...     indicators=[
    ...         Indicator("J1", "受市级以上表彰", 10, PointsPerOccurrence(per=2)),
    ...     ],
    ... )
    >>> pool.cap, [i.id for i in pool.indicators]
    (Fraction(10, 1), ['J1'])
    """

    cap: Fraction = attrs.field(default=Fraction(0), converter=_lenient_exact)
    indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=_indicators)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid bonus pool")
        if _check_exact(problems, ("bonus", "cap"), self.cap) and self.cap < 0:
            problems.add(
                InvalidValueError(("bonus", "cap"), _raw(self.cap), "must be ≥ 0")
            )
        problems.raise_if_any()


@attrs.frozen
class Deduction:
    """A direct deduction outside the indicator items (直接扣分).

    Either a fixed number of ``points`` per incident (e.g. each admonishment
    talk 诫勉谈话 −1), or points ``by_category`` (e.g. a violation of the
    eight-point rules −3 / −2 / −1 / −0.5 by the offender's rank).  ``cap``
    bounds what this item may deduct in one cycle.

    >>> Deduction(
    ...     "D2",
    ...     "违反中央八项规定精神",
    ...     by_category={
    ...         "县处级及以上": 3,
    ...         "乡科级": 2,
    ...         "一般干部": 1,
    ...         "其他人员": "0.5",
    ...     },
    ... ).by_category["其他人员"]
    Fraction(1, 2)
    """

    id: str
    title: str
    points: Fraction | None = attrs.field(
        default=None, converter=_lenient_optional_exact
    )
    by_category: Mapping[str, Fraction] | None = attrs.field(
        default=None, converter=_lenient_categories
    )
    cap: Fraction | None = attrs.field(default=None, converter=_lenient_optional_exact)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid deduction")
        here = item("deduction", self.id)
        _check_text(problems, (*here, "id"), self.id)
        _check_text(problems, (*here, "title"), self.title)
        if (self.points is None) == (self.by_category is None):
            problems.add(
                InvalidValueError(
                    (*here, "points"),
                    None if self.points is None else _raw(self.points),
                    "give exactly one of points or by_category",
                )
            )
        if (
            self.points is not None
            and _check_exact(problems, (*here, "points"), self.points)
            and self.points <= 0
        ):
            problems.add(
                InvalidValueError((*here, "points"), _raw(self.points), "must be > 0")
            )
        if self.by_category is not None:
            converted: dict[str, Fraction] = {}
            for category, value in dict(self.by_category).items():
                path = (*here, "by_category", str(category))
                try:
                    points = to_exact(value, path)
                except Problem as problem:
                    problems.add(problem)
                    continue
                if points <= 0:
                    problems.add(InvalidValueError(path, value, "must be > 0"))
                converted[category] = points
            if not self.by_category:
                problems.add(
                    InvalidValueError((*here, "by_category"), {}, "must not be empty")
                )
            object.__setattr__(self, "by_category", converted)
        if (
            self.cap is not None
            and _check_exact(problems, (*here, "cap"), self.cap)
            and self.cap <= 0
        ):
            problems.add(
                InvalidValueError((*here, "cap"), _raw(self.cap), "must be > 0")
            )
        problems.raise_if_any()


@attrs.frozen
class Veto:
    """A veto item (一票否决): triggered by any incident, whatever the unit scored.

    With ``cap=None`` the unit is disqualified: it is ranked last, given the
    lowest grade and never commended.  With a ``cap`` its total is held at or
    below the cap instead.

    >>> Veto("V1", "发生严重违纪违法案件").disqualifies
    True
    >>> capped = Veto("V2", "意识形态工作出现重大失误", cap=59)
    >>> capped.disqualifies, capped.cap
    (False, Fraction(59, 1))
    """

    id: str
    title: str
    cap: Fraction | None = attrs.field(default=None, converter=_lenient_optional_exact)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid veto")
        here = item("veto", self.id)
        _check_text(problems, (*here, "id"), self.id)
        _check_text(problems, (*here, "title"), self.title)
        if (
            self.cap is not None
            and _check_exact(problems, (*here, "cap"), self.cap)
            and self.cap < 0
        ):
            problems.add(
                InvalidValueError((*here, "cap"), _raw(self.cap), "must be ≥ 0")
            )
        problems.raise_if_any()

    @property
    def disqualifies(self) -> bool:
        """True when the veto disqualifies rather than caps."""
        return self.cap is None


@attrs.frozen
class NotApplicablePolicy:
    """How a rubric counts indicators that do not apply to a unit (合理缺项).

    Args:
        method: ``"pro_rata"`` (按比例折算, the usual rule): the indicator is
            left out and the unit's points are scaled up to full marks over
            what does apply; ``"full_marks"``: the indicator is counted as
            fully met (按满分计).
        level: for ``"pro_rata"``, where the scaling happens.  ``"total"``:
            total = earned ÷ applicable maximum × full points, over the whole
            rubric; ``"section"``: within the indicator's own section, so the
            section keeps its full weight (a section none of whose indicators
            apply drops out of its parent in turn).

    Which rule applies is the rubric's own choice; pbcheck's default is
    pro-rata over the whole rubric.

    >>> NotApplicablePolicy().method, NotApplicablePolicy().level
    ('pro_rata', 'total')
    >>> NotApplicablePolicy("refund")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: rubric.not_applicable.method: must be 'pro_rata' or 'full_marks' (got 'refund')
    """

    method: Literal["pro_rata", "full_marks"] = "pro_rata"
    level: Literal["total", "section"] = "total"

    def __attrs_post_init__(self) -> None:
        where = ("rubric", "not_applicable")
        if self.method not in ("pro_rata", "full_marks"):
            raise InvalidValueError(
                (*where, "method"), self.method, "must be 'pro_rata' or 'full_marks'"
            )
        if self.level not in ("total", "section"):
            raise InvalidValueError(
                (*where, "level"), self.level, "must be 'total' or 'section'"
            )

    @property
    def label_zh(self) -> str:
        """The rule in words, e.g. ``按比例折算（全细则）``.

        >>> NotApplicablePolicy("full_marks").label_zh
        '按满分计'
        """
        if self.method == "full_marks":
            return "按满分计"
        return "按比例折算（" + ("全细则" if self.level == "total" else "本部分") + "）"


@attrs.frozen
class _Node:
    """A section's place in the rubric: its absolute points and children."""

    path: Path
    points: Fraction
    children: tuple[str, ...]
    shares: tuple[Fraction, ...]  # children's weights / basis, summing to 1


def _default_source_weights() -> Mapping[Source, Fraction]:
    return dict(DEFAULT_SOURCE_WEIGHTS)


@attrs.frozen(repr=False)
class Rubric:
    """A versioned assessment rubric (考核细则).

    Args:
        id: stable identifier, e.g. ``jiangcheng-jgdj``.
        version: the rubric's version, e.g. ``2025``; scorecards record it.
        title: e.g. ``市直机关党建工作责任制考核细则``.
        sections: the top-level sections.
        total_points: the full score of the base (百分制: 100).
        weighting: ``"points"`` — each weight is the child's points and they
            sum to the parent's points; ``"percent"`` — each weight is a
            percentage of the parent and they sum to 100.
        aggregator: how the top-level sections roll up into the base.
        bonus: bonus indicators and their cap (加分).
        deductions: direct deduction items (直接扣分).
        deduction_cap: the most all direct deductions may take in one cycle.
        vetoes: veto items (一票否决).
        scheme: ``"capped"`` — the total never exceeds ``total_points``, bonus
            included; ``"open"`` — base ± adjustments, so the total may exceed
            ``total_points`` by up to the bonus cap.
        floor: the lowest total possible (0 by default).
        rater_aggregator: how several raters' points for one indicator combine.
        source_weights: the weight of each :class:`~pbcheck.model.evaluation.Source`
            when raters combine; weight 0 records a source without counting it
            (self-assessment by default).
        rounding: how totals are shown (四舍五入 to 2 places by default).
        not_applicable: how indicators that do not apply to a unit count
            (合理缺项; :class:`NotApplicablePolicy`, pro-rata by default).

    A 70/30 rubric in points, with a bonus pool and a veto:

    >>> from pbcheck.model.rules import DirectScore, PassFail, PointsPerOccurrence
    >>> rubric = Rubric(
    ...     "jiangcheng-jgdj",
    ...     "2025",
    ...     "市直机关党建工作责任制考核细则",
    ...     sections=[
    ...         Section(
    ...             "A",
    ...             "机关党建常规工作",
    ...             70,
    ...             indicators=[
    ...                 Indicator("A1", "“三会一课”制度落实", 40, DirectScore()),
    ...                 Indicator("A2", "党建工作责任书签订", 30, PassFail()),
    ...             ],
    ...         ),
    ...         Section(
    ...             "B",
    ...             "服务发展、有效履职",
    ...             30,
    ...             indicators=[Indicator("B1", "创业竞赛", 30, DirectScore())],
    ...         ),
    ...     ],
    ...     bonus=BonusPool(
    ...         cap=10,
    ...         indicators=[
    ...             Indicator("J1", "市级表彰", 10, PointsPerOccurrence(per=5))
    ...         ],
    ...     ),
    ...     vetoes=[Veto("V1", "发生严重违纪违法案件")],
    ... )
    >>> rubric.max_total, rubric.points_of("A1"), [i.id for i in rubric.indicators()]
    (Fraction(100, 1), Fraction(40, 1), ['A1', 'A2', 'B1'])

    Weights that do not add up are refused, never silently rescaled:

    >>> Rubric(
    ...     "r",
    ...     "1",
    ...     "细则",
    ...     sections=[
    ...         Section(
    ...             "A",
    ...             "常规工作",
    ...             70,
    ...             indicators=[Indicator("A1", "台账", 70, PassFail())],
    ...         ),
    ...         Section(
    ...             "B",
    ...             "服务发展",
    ...             20,
    ...             indicators=[Indicator("B1", "竞赛", 20, PassFail())],
    ...         ),
    ...     ],
    ... )
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid rubric 'r': 1 problem
      rubric.weights: must sum to exactly 100 points (they sum to 90) (got {'A': '70', 'B': '20'})
    """

    id: str
    version: str
    title: str
    sections: tuple[Section, ...] = attrs.field(converter=_sections)
    total_points: Fraction = attrs.field(
        default=Fraction(100), converter=_lenient_exact
    )
    weighting: Literal["points", "percent"] = "points"
    aggregator: Aggregator = attrs.field(factory=WeightedSum)
    bonus: BonusPool = attrs.field(factory=BonusPool)
    deductions: tuple[Deduction, ...] = attrs.field(default=(), converter=_deductions)
    deduction_cap: Fraction | None = attrs.field(
        default=None, converter=_lenient_optional_exact
    )
    vetoes: tuple[Veto, ...] = attrs.field(default=(), converter=_vetoes)
    scheme: Literal["capped", "open"] = "capped"
    floor: Fraction = attrs.field(default=Fraction(0), converter=_lenient_exact)
    rater_aggregator: Aggregator = attrs.field(factory=WeightedMean)
    source_weights: Mapping[Source, Fraction] = attrs.field(
        factory=_default_source_weights
    )
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy)
    not_applicable: NotApplicablePolicy = attrs.field(factory=NotApplicablePolicy)
    _nodes: Mapping[str, _Node] = attrs.field(
        init=False, repr=False, eq=False, alias="_nodes"
    )
    _indicators: Mapping[str, tuple[Indicator, Fraction]] = attrs.field(
        init=False, repr=False, eq=False, alias="_indicators"
    )

    def __attrs_post_init__(self) -> None:
        problems = _Problems(f"invalid rubric {self.id!r}")
        _check_text(problems, ("rubric", "id"), self.id)
        _check_text(problems, ("rubric", "version"), self.version)
        _check_text(problems, ("rubric", "title"), self.title)
        totals_ok = _check_exact(
            problems, ("rubric", "total_points"), self.total_points
        )
        if totals_ok and self.total_points <= 0:
            problems.add(
                InvalidValueError(
                    ("rubric", "total_points"), _raw(self.total_points), "must be > 0"
                )
            )
            totals_ok = False
        if self.weighting not in ("points", "percent"):
            problems.add(
                InvalidValueError(
                    ("rubric", "weighting"),
                    self.weighting,
                    "must be 'points' or 'percent'",
                )
            )
        if self.scheme not in ("capped", "open"):
            problems.add(
                InvalidValueError(
                    ("rubric", "scheme"), self.scheme, "must be 'capped' or 'open'"
                )
            )
        if not self.sections:
            problems.add(
                InvalidValueError(("rubric", "sections"), [], "must not be empty")
            )
        if not isinstance(self.not_applicable, NotApplicablePolicy):
            problems.add(
                InvalidTypeError(
                    ("rubric", "not_applicable"),
                    self.not_applicable,
                    "must be a NotApplicablePolicy",
                )
            )
        for name in ("aggregator", "rater_aggregator"):
            if not isinstance(getattr(self, name), Aggregator):
                problems.add(
                    InvalidTypeError(
                        ("rubric", name), getattr(self, name), "must be an Aggregator"
                    )
                )
        if (
            _check_exact(problems, ("rubric", "floor"), self.floor)
            and totals_ok
            and self.floor >= self.total_points
        ):
            problems.add(
                InvalidValueError(
                    ("rubric", "floor"),
                    _raw(self.floor),
                    f"must be below total_points ({_f(self.total_points)})",
                )
            )
        if self.deduction_cap is not None and (
            _check_exact(problems, ("rubric", "deduction_cap"), self.deduction_cap)
            and self.deduction_cap <= 0
        ):
            problems.add(
                InvalidValueError(
                    ("rubric", "deduction_cap"), _raw(self.deduction_cap), "must be > 0"
                )
            )
        object.__setattr__(
            self, "source_weights", self._checked_source_weights(problems)
        )
        nodes: dict[str, _Node] = {}
        indicators: dict[str, tuple[Indicator, Fraction]] = {}
        too_deep = _too_deep(self.sections)
        if too_deep is not None:  # the checks below walk the tree recursively
            problems.add(too_deep)
        else:
            self._check_ids(problems)
            if self.sections:
                self._plan(
                    problems,
                    nodes,
                    indicators,
                    self.total_points if totals_ok else None,
                )
        for veto in self.vetoes:
            if (
                veto.cap is not None
                and isinstance(self.floor, Fraction)
                and veto.cap < self.floor
            ):
                problems.add(
                    InvalidValueError(
                        ("rubric", "vetoes", Id(veto.id), "cap"),
                        _raw(veto.cap),
                        f"must not be below the rubric's floor ({_f(self.floor)})",
                    )
                )
        problems.raise_if_any()
        object.__setattr__(self, "_nodes", nodes)
        object.__setattr__(self, "_indicators", indicators)

    def _checked_source_weights(self, problems: _Problems) -> Mapping[Source, Fraction]:
        # A copy: later changes to the caller's dict cannot reach a frozen rubric.
        weights: dict[Source, Fraction] = {}
        given = self.source_weights
        if not isinstance(given, Mapping):
            problems.add(
                InvalidTypeError(
                    ("rubric", "source_weights"),
                    given,
                    "must be a mapping of sources to weights",
                )
            )
            given = {}
        for key, value in given.items():
            # A key of a mapping: a name step (``rubric.source_weights.team``).
            path = ("rubric", "source_weights", str(key))
            try:
                source = Source(key)
            except ValueError:
                allowed = ", ".join(repr(source.value) for source in Source)
                problems.add(
                    InvalidValueError(
                        path, key, f"is not a known source (one of {allowed})"
                    )
                )
                continue
            try:
                weight = to_exact(value, path)
            except Problem as problem:  # a bad weight, not a bad source
                problems.add(problem)
                continue
            if weight < 0:
                problems.add(InvalidWeightsError(path, value, "must be ≥ 0"))
            weights[source] = weight
        for source in Source:
            weights.setdefault(source, DEFAULT_SOURCE_WEIGHTS[source])
        return weights

    def _check_ids(self, problems: _Problems) -> None:
        seen: dict[str, str] = {}
        for at, path, item_id in self._all_ids():
            if item_id in seen:
                # Named by position: its id would name the first one.
                problems.add(
                    DuplicateIdError(
                        (*at, "id"), item_id, f"is already used at {seen[item_id]}"
                    )
                )
            else:
                seen[item_id] = render_path(path)

    def _all_ids(self) -> Iterator[tuple[Path, Path, str]]:
        """``(path by position, path by id, id)`` of every item that has an id."""

        def steps(
            items: Sequence[Section | Indicator | Deduction | Veto],
        ) -> Iterator[int | Id]:
            # An item is named by its id, unless a sibling before it has the
            # same id: then by its position, as its id names the first.
            before: set[str] = set()
            for index, member in enumerate(items):
                yield index if member.id in before else Id(member.id)
                before.add(member.id)

        def walk(
            section: Section, at: Path, path: Path
        ) -> Iterator[tuple[Path, Path, str]]:
            yield at, path, section.id
            for step, child in zip(
                steps(section.sections), section.sections, strict=True
            ):
                yield from walk(
                    child,
                    (*at, "sections", step),
                    (*path, "sections", Id(child.id)),
                )
            for step, indicator in zip(
                steps(section.indicators), section.indicators, strict=True
            ):
                yield (
                    (*at, "indicators", step),
                    (*path, "indicators", Id(indicator.id)),
                    indicator.id,
                )

        for step, section in zip(steps(self.sections), self.sections, strict=True):
            yield from walk(
                section,
                ("rubric", "sections", step),
                ("rubric", "sections", Id(section.id)),
            )
        groups: tuple[tuple[Path, Sequence[Indicator | Deduction | Veto]], ...] = (
            (("bonus", "indicators"), self.bonus.indicators),
            (("deductions",), self.deductions),
            (("vetoes",), self.vetoes),
        )
        for name, items in groups:
            for step, member in zip(steps(items), items, strict=True):
                yield (
                    ("rubric", *name, step),
                    ("rubric", *name, Id(member.id)),
                    member.id,
                )

    def _weight_of(self, item: Section | Indicator) -> Fraction | None:
        if isinstance(item, Indicator) and item.weight is None:
            return item.max_points if self.weighting == "points" else None
        return item.weight

    def _plan(
        self,
        problems: _Problems,
        nodes: dict[str, _Node],
        indicators: dict[str, tuple[Indicator, Fraction]],
        total: Fraction | None,
    ) -> None:
        """Check every level's weights and work out each node's absolute points.

        A level whose weights cannot be used (one missing or unreadable, or
        the rubric's ``total_points``) is reported, and the levels below it are
        still checked on their own, so one problem does not hide the others.
        """
        percent = self.weighting == "percent"

        def level(  # noqa: PLR0913 - one level of the walk, and whether it records
            node_id: str,
            path: Path,
            points: Fraction | None,
            sections: Sequence[Section],
            leaves: Sequence[Indicator],
            *,
            record: bool,
        ) -> None:
            children: list[Section | Indicator] = [*sections, *leaves]
            if not children:  # an unfilled slot (个性指标): see Rubric.slots
                if record and points is not None:
                    nodes[node_id] = _Node(path, points, (), ())
                return
            weights: list[Fraction | None] = []
            usable = points is not None
            for child in children:
                kind = "sections" if isinstance(child, Section) else "indicators"
                weight = self._weight_of(child)
                if weight is None:
                    problems.add(
                        InvalidWeightsError(
                            (*path, kind, Id(child.id), "weight"),
                            None,
                            "is required with weighting='percent'",
                        )
                    )
                elif not isinstance(weight, Fraction):
                    weight = None  # already reported by the child
                usable = usable and weight is not None
                weights.append(weight)
            if not usable or points is None:
                self._check_below(children, weights, path, level)
                return
            known = [w for w in weights if w is not None]
            basis = Fraction(100) if percent else points
            total = sum(known, Fraction(0))
            if total != basis:
                unit = "%" if percent else "points"
                problems.add(
                    InvalidWeightsError(
                        (*path, "weights"),
                        {c.id: _f(w) for c, w in zip(children, known, strict=True)},
                        f"must sum to exactly {_f(basis)} {unit} "
                        f"(they sum to {_f(total)})",
                    )
                )
                # Not below: a section's weight that breaks this sum would
                # break its own children's sum too, one mistake told twice.
                return
            shares = (
                tuple(w / basis for w in known)
                if basis
                else tuple(Fraction(1, len(known)) for _ in known)
            )
            if record:
                nodes[node_id] = _Node(
                    path, points, tuple(c.id for c in children), shares
                )
            for child, share in zip(children, shares, strict=True):
                child_points = points * share
                if isinstance(child, Section):
                    level(
                        child.id,
                        (*path, "sections", Id(child.id)),
                        child_points,
                        child.sections,
                        child.indicators,
                        record=record,
                    )
                elif record:
                    indicators[child.id] = (child, child_points)

        level(ROOT, ("rubric",), total, self.sections, (), record=True)

    def _check_below(
        self,
        children: Sequence[Section | Indicator],
        weights: Sequence[Fraction | None],
        path: Path,
        level: Callable[..., None],
    ) -> None:
        """Check the levels below a level whose own weights are unusable.

        Nothing is recorded (the rubric will not be built); each sub-section
        is checked against its own weight, which is its points when weights
        are points, and against 100 when they are percentages.
        """
        for child, weight in zip(children, weights, strict=True):
            if isinstance(child, Section):
                points = Fraction(100) if self.weighting == "percent" else weight
                level(
                    child.id,
                    (*path, "sections", Id(child.id)),
                    points,
                    child.sections,
                    child.indicators,
                    record=False,
                )

    @classmethod
    def normalising(cls, **fields: object) -> Rubric:
        """Build a rubric, first rescaling every level's weights to their basis.

        Use this only when you mean it: weights ``(7, 3)`` become ``(70, 30)``
        in a 100-point rubric.  Negative weights are still an error.

        >>> from pbcheck.model.rules import PassFail
        >>> rubric = Rubric.normalising(
        ...     id="r",
        ...     version="1",
        ...     title="细则",
        ...     sections=[
        ...         Section(
        ...             "A",
        ...             "常规工作",
        ...             7,
        ...             indicators=[Indicator("A1", "台账", 1, PassFail())],
        ...         ),
        ...         Section(
        ...             "B",
        ...             "服务发展",
        ...             3,
        ...             indicators=[Indicator("B1", "竞赛", 1, PassFail())],
        ...         ),
        ...     ],
        ... )
        >>> [section.weight for section in rubric.sections]
        [Fraction(70, 1), Fraction(30, 1)]
        """
        weighting = fields.get("weighting", "points")
        total = to_exact(fields.get("total_points", 100), ("rubric", "total_points"))
        sections = tuple(cast("Sequence[Section]", fields["sections"]))
        fields["sections"] = _rescaled_level(sections, (), total, weighting)[0]
        return cls(**fields)  # type: ignore[arg-type]

    # -- queries -----------------------------------------------------------

    @property
    def max_total(self) -> Fraction:
        """The highest total possible: ``total_points``, plus the bonus cap if open."""
        if self.scheme == "open":
            return self.total_points + self.bonus.cap
        return self.total_points

    @property
    def slots(self) -> tuple[Section, ...]:
        """Sections left for each unit's own indicators (个性指标), not yet filled.

        A rubric with slots is a template: it cannot score until a
        :class:`~pbcheck.model.rubric_set.RubricSet` fills them per unit
        (:meth:`filled`).

        >>> from pbcheck.model.rules import DirectScore
        >>> template = Rubric(
        ...     "jgdj",
        ...     "2025",
        ...     "细则",
        ...     [
        ...         Section(
        ...             "A",
        ...             "常规",
        ...             70,
        ...             indicators=[Indicator("A1", "台账", 70, DirectScore())],
        ...         ),
        ...         Section("B", "服务发展", 30, individual=True),
        ...     ],
        ... )
        >>> [slot.id for slot in template.slots]
        ['B']
        """
        return tuple(
            section
            for section in self.sections_by_id().values()
            if section.individual and not section.indicators
        )

    def filled(self, indicators: Mapping[str, Sequence[Indicator]]) -> Rubric:
        """This template with each slot filled: slot id → the unit's indicators.

        The result keeps the template's id and version, so units whose slots
        hold different indicators are still ranked together.  Their weights
        must sum exactly to the slot's, like any section's.

        Raises:
            ValidationError: a slot is left empty, an id names no slot, or the
                filled rubric is invalid (weights, duplicate ids).

        >>> from pbcheck.model.rules import DirectScore
        >>> template = Rubric(
        ...     "jgdj",
        ...     "2025",
        ...     "细则",
        ...     [
        ...         Section(
        ...             "A",
        ...             "常规",
        ...             70,
        ...             indicators=[Indicator("A1", "台账", 70, DirectScore())],
        ...         ),
        ...         Section("B", "服务发展", 30, individual=True),
        ...     ],
        ... )
        >>> rubric = template.filled(
        ...     {"B": [Indicator("B-sfj-1", "公共法律服务体系建设", 30, DirectScore())]}
        ... )
        >>> rubric.points_of("B-sfj-1"), rubric.slots
        (Fraction(30, 1), ())
        """
        problems = _Problems(f"cannot fill rubric {self.id!r}")
        open_slots = {slot.id for slot in self.slots}
        for slot_id in indicators:
            if slot_id not in open_slots:
                problems.add(
                    UnknownReferenceError(
                        ("slots", slot_id),
                        slot_id,
                        "names no unfilled slot of the rubric "
                        f"(slots: {', '.join(sorted(open_slots)) or 'none'})",
                    )
                )
        for slot_id in sorted(open_slots - set(indicators)):
            problems.add(
                InvalidValueError(
                    ("slots", slot_id), [], "is left empty: give the unit's indicators"
                )
            )
        problems.raise_if_any()

        def fill(section: Section) -> Section:
            if section.id in indicators and not section.indicators:
                return attrs.evolve(
                    section, indicators=cast("Any", tuple(indicators[section.id]))
                )
            if not section.sections:
                return section
            return attrs.evolve(
                section,
                sections=cast("Any", tuple(fill(child) for child in section.sections)),
            )

        return attrs.evolve(
            self, sections=cast("Any", tuple(fill(s) for s in self.sections))
        )

    def indicators(self) -> tuple[Indicator, ...]:
        """Every regular (non-bonus) indicator, depth first."""
        return tuple(indicator for indicator, _ in self._indicators.values())

    def indicator(self, indicator_id: str) -> Indicator:
        """The regular or bonus indicator with *indicator_id*.

        Raises:
            UnknownItemError: no indicator has that id (a :class:`KeyError`
                naming the closest ids).
        """
        if indicator_id in self._indicators:
            return self._indicators[indicator_id][0]
        for indicator in self.bonus.indicators:
            if indicator.id == indicator_id:
                return indicator
        known = [*self._indicators, *(i.id for i in self.bonus.indicators)]
        raise UnknownItemError(indicator_id, known, f"rubric {self.id} {self.version}")

    def points_of(self, item_id: str) -> Fraction:
        """The absolute points a section or regular indicator contributes at most.

        Raises:
            UnknownItemError: no section or regular indicator has that id.
        """
        if item_id in self._nodes:
            return self._nodes[item_id].points
        if item_id not in self._indicators:
            known = [
                n for n in (*self._nodes, *self._indicators) if not n.startswith("$")
            ]
            raise UnknownItemError(item_id, known, f"rubric {self.id} {self.version}")
        return self._indicators[item_id][1]

    def sections_by_id(self) -> dict[str, Section]:
        """Every section, by id, depth first."""
        found: dict[str, Section] = {}

        def walk(section: Section) -> None:
            found[section.id] = section
            for child in section.sections:
                walk(child)

        for section in self.sections:
            walk(section)
        return found

    # -- display -----------------------------------------------------------

    def __repr__(self) -> str:
        """One line: a rubric's full repr runs to tens of kilobytes.

        >>> from pbcheck.examples.small import simple_rubric
        >>> simple_rubric()
        <Rubric simple 1「示例细则」: 1 个部分，1 项指标，满分 100，加分至多 10>
        """
        bonus = f"，加分至多 {_f(self.bonus.cap)}" if self.bonus.indicators else ""
        return (
            f"<Rubric {self.id} {self.version}「{self.title}」: "
            f"{len(self.sections)} 个部分，{len(self._indicators)} 项指标，"
            f"满分 {_f(self.total_points)}{bonus}>"
        )

    def _repr_html_(self) -> str:
        """Its sections as an indented table, then bonus, deductions and vetoes.

        Long rubrics are cut after :data:`RUBRIC_HTML_ROWS` rows with a count
        of the rest; every text is escaped.

        >>> from pbcheck.examples.small import simple_rubric
        >>> page = simple_rubric()._repr_html_()
        >>> "细则" in page, "<table" in page
        (True, True)
        """
        rows: list[list[str]] = []

        def walk(section: Section, depth: int) -> None:
            rows.append(
                [
                    section.id,
                    "　" * depth + section.title,
                    _f(self.points_of(section.id)),
                    str(_count(section)),
                ]
            )
            for child in section.sections:
                walk(child, depth + 1)

        for section in self.sections:
            walk(section, 0)
        if self.bonus.indicators:
            rows.append(
                [
                    "",
                    "奖励分（加分）",
                    f"至多 {_f(self.bonus.cap)}",
                    str(len(self.bonus.indicators)),
                ]
            )
        if self.deductions:
            rows.append(["", "直接扣分", "", str(len(self.deductions))])
        if self.vetoes:
            rows.append(["", "一票否决", "", str(len(self.vetoes))])
        title = (
            f"{self.title}（{self.id} {self.version}）：满分 {_f(self.total_points)}，"
            f"{len(self.sections)} 个部分，{len(self._indicators)} 项指标"
        )
        return html.titled(
            title,
            html.table(
                ["编号", "名称", "分值", "指标数"], rows, limit=RUBRIC_HTML_ROWS
            ),
        )


#: Rows of sections a rubric shows in a notebook before it is cut.
RUBRIC_HTML_ROWS = 40


def _count(section: Section) -> int:
    """How many indicators a section holds, at any depth."""
    return len(section.indicators) + sum(_count(s) for s in section.sections)


#: The id under which the rubric's top level appears in plans and explanations.
ROOT = "$total"


def _rescaled_level(
    sections: Sequence[Section],
    indicators: Sequence[Indicator],
    points: Fraction,
    weighting: object,
) -> tuple[tuple[Section, ...], tuple[Indicator, ...]]:
    basis = points if weighting == "points" else Fraction(100)
    raw = [s.weight for s in sections] + [
        i.max_points if i.weight is None and weighting == "points" else i.weight
        for i in indicators
    ]
    weights = [to_exact(w, ("weight",)) if w is not None else Fraction(0) for w in raw]
    total = sum(weights, Fraction(0))
    if total <= 0 or any(w < 0 for w in weights):
        raise InvalidWeightsError(
            ("weights",), [_f(w) for w in weights], "must be ≥ 0 with a positive sum"
        )
    scaled = [w * basis / total for w in weights]
    new_sections = []
    for section, weight in zip(sections, scaled, strict=False):
        child_points = weight if weighting == "points" else points * weight / 100
        subs, leaves = _rescaled_level(
            section.sections, section.indicators, child_points, weighting
        )
        new_sections.append(
            attrs.evolve(
                section,
                weight=weight,
                sections=cast("Any", subs),
                indicators=cast("Any", leaves),
            )
        )
    new_indicators = [
        attrs.evolve(indicator, weight=weight)
        for indicator, weight in zip(indicators, scaled[len(sections) :], strict=True)
    ]
    return tuple(new_sections), tuple(new_indicators)
