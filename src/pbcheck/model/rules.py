"""Scoring rules: how what was observed becomes points (评分规则).

Each rule turns one observed value into points within ``[0, max_points]`` of
its indicator and says why, in a sentence an assessor can read:

===============================  ==================  =====================================
rule                             observed value      points
===============================  ==================  =====================================
:class:`PassFail`                ``True``/``False``  full or nothing (达标/未达标)
:class:`DirectScore`             points              the assessor's score, in ``[0, max]``
:class:`RatioToTarget`           measured value      full at the target, linear below it
:class:`Tiers`                   measured value      points of the highest tier reached
:class:`DeductionPerOccurrence`  count               max − per × count, not below ``floor``
:class:`PointsPerOccurrence`     count               per × count, at most ``cap``
:class:`CountAtLeast`            count               full when count ≥ required
===============================  ==================  =====================================

Dated activity records (三会一课 and the like) are scored by
:class:`pbcheck.model.frequency.Frequency`, which needs the assessment cycle.

Third-party rules implement the :class:`ValueRule` protocol (or
:class:`ActivityRule`); registered in a :class:`RuleRegistry` under a tag, they
travel in rubric files like the built-ins, whose tags are the snake_case names
above (``pass_fail``, ``ratio_to_target``, …, and ``frequency``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction
from typing import (
    ClassVar,
    Literal,
    Protocol,
    TypeGuard,
    get_args,
    runtime_checkable,
)

import attrs

from pbcheck._numbers import Reason, to_exact, whole_at_least
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    Id,
    InvalidTypeError,
    InvalidValueError,
    Path,
    UnknownRuleError,
)
from pbcheck.model._plugins import entry_points
from pbcheck.model.evaluation import ObservedValue
from pbcheck.model.frequency import ActivityRule, Frequency

__all__ = [
    "RULE_ENTRY_POINT_GROUP",
    "RULE_TAG_PATTERN",
    "CountAtLeast",
    "DeductionPerOccurrence",
    "DirectScore",
    "PassFail",
    "PointsPerOccurrence",
    "RatioToTarget",
    "Reason",
    "RuleClass",
    "RuleRegistry",
    "RuleResult",
    "Tiers",
    "ValueKind",
    "ValueRule",
]

#: The kind of value a rule expects.
ValueKind = Literal["pass_fail", "number", "count"]


@attrs.frozen
class RuleResult:
    """Points from one observed value, and the reason in words.

    The built-in rules give a :class:`~pbcheck.model.rules.Reason`, whose
    amounts stay exact until the scoring engine words them with the
    rubric's rounding (``str()`` words them at two places); a rule of your
    own may give plain text.  The exact points are :attr:`points`.

    >>> result = PassFail().points(False, Fraction(2))
    >>> result.points, str(result.reason)
    (Fraction(0, 1), '未达标，得 0 分')
    """

    points: Fraction
    reason: str | Reason


@runtime_checkable
class ValueRule(Protocol):
    """Turns one observed value into points.

    ``config_problems`` returns ``(field, value, message)`` triples for a rule
    that cannot work with the indicator's maximum (checked when the indicator
    is built); *field* is a field name (``"target"``) or a path below the rule
    as steps (``("tiers", 1, "points")``, see :mod:`pbcheck.errors`); ``value_problem`` returns a message for a value the rule cannot
    score (checked before scoring, with every other problem of the
    evaluation).  ``points`` may then assume both are fine, and must return
    points within ``[0, max_points]``.

    A rule of your own is any class with these three methods and a
    ``value_kind``; nothing to inherit.  Here, a 双百 check that gives half
    marks for "nearly" (≥ 90) and full marks for 100:

    >>> @attrs.frozen
    ... class NearlyThere:
    ...     value_kind = "number"
    ...
    ...     def config_problems(self, max_points):
    ...         return ()
    ...
    ...     def value_problem(self, value, max_points):
    ...         return None if 0 <= value <= 100 else "must be a percentage"
    ...
    ...     def points(self, value, max_points):
    ...         if value == 100:
    ...             return RuleResult(max_points, "全覆盖，得满分")
    ...         if value >= 90:
    ...             return RuleResult(max_points / 2, "基本覆盖，得一半分")
    ...         return RuleResult(Fraction(0), "覆盖不足，不得分")
    >>> isinstance(NearlyThere(), ValueRule)
    True
    >>> NearlyThere().points(Fraction(95), Fraction(2)).points
    Fraction(1, 1)
    """

    value_kind: ClassVar[ValueKind]

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str | Path, object, str]]:
        """Problems of this rule's configuration for an indicator worth *max_points*."""
        ...

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """Why *value* cannot be scored, or ``None`` if it can."""
        ...

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Points for *value* on an indicator worth *max_points*."""
        ...


# isinstance() against a runtime-checkable Protocol inspects every member on
# each call (microseconds); scoring and spreadsheet import ask once per
# indicator per unit, so the answer is kept per rule class.  Built-in and user
# rules are attrs classes whose members do not change per instance.
_VALUE_RULE: dict[type, bool] = {}
_ACTIVITY_RULE: dict[type, bool] = {}


def _is_value_rule(rule: object) -> TypeGuard[ValueRule]:
    kind = type(rule)
    if kind not in _VALUE_RULE:
        _VALUE_RULE[kind] = isinstance(rule, ValueRule)
    return _VALUE_RULE[kind]


def _is_activity_rule(rule: object) -> TypeGuard[ActivityRule]:
    kind = type(rule)
    if kind not in _ACTIVITY_RULE:
        _ACTIVITY_RULE[kind] = isinstance(rule, ActivityRule)
    return _ACTIVITY_RULE[kind]


def _as_fraction(value: ObservedValue) -> Fraction:
    """*value* as a Fraction: a Fraction as it is, not copied (scoring is hot)."""
    return value if type(value) is Fraction else Fraction(value)


def _number_problem(value: ObservedValue) -> str | None:
    if isinstance(value, bool):
        return "must be a number, not a pass/fail judgement"
    if value < 0:
        return "must not be negative"
    return None


def _count_problem(value: ObservedValue) -> str | None:
    if isinstance(value, bool) or Fraction(value).denominator != 1:
        return "must be a whole count"
    if value < 0:
        return "must not be negative"
    return None


@attrs.frozen
class PassFail:
    """Full points when met (达标), none otherwise.

    >>> print(PassFail().points(True, Fraction(2)).reason)
    达标，得满分 2 分
    """

    value_kind: ClassVar[ValueKind] = "pass_fail"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """No configuration to check."""
        del max_points
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """Only ``True`` or ``False`` can be scored."""
        if not isinstance(value, bool):
            return "must be True (达标) or False (未达标)"
        return None

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Full points for ``True``, zero for ``False``."""
        if value:
            return RuleResult(max_points, Reason(("达标，得满分 ", max_points, " 分")))
        return RuleResult(Fraction(0), Reason(("未达标，得 0 分",)))


@attrs.frozen
class DirectScore:
    """The assessor's own score, which must lie within ``[0, max_points]``.

    A score above the maximum is an error, never clipped.

    >>> DirectScore().points(Fraction("4.5"), Fraction(5)).points
    Fraction(9, 2)
    """

    value_kind: ClassVar[ValueKind] = "number"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """No configuration to check."""
        del max_points
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A number within ``[0, max_points]``; above the maximum is never clipped."""
        problem = _number_problem(value)
        if problem is None and _as_fraction(value) > max_points:
            return f"must not exceed max_points ({_f(max_points)})"
        return problem

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """The score as given."""
        del max_points
        points = _as_fraction(value)
        return RuleResult(points, Reason(("考评直接评分 ", points, " 分")))


def _positive(_: object, attribute: attrs.Attribute[Fraction], value: Fraction) -> None:
    if value <= 0:
        raise InvalidValueError((attribute.name,), str(value), "must be > 0")


def _non_negative(
    _: object, attribute: attrs.Attribute[Fraction], value: Fraction
) -> None:
    if value < 0:
        raise InvalidValueError((attribute.name,), str(value), "must be ≥ 0")


def _target(value: object) -> Fraction:
    return to_exact(value, ("target",))


def _zero_below(value: object) -> Fraction:
    return to_exact(value, ("zero_below",))


def _per(value: object) -> Fraction:
    return to_exact(value, ("per",))


def _floor(value: object) -> Fraction:
    return to_exact(value, ("floor",))


def _cap(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, ("cap",))


@attrs.frozen
class RatioToTarget:
    """Full points at or above a target, partial credit below it.

    The partial-credit curve is linear from ``zero_below`` (no points) to
    ``target`` (full points)::

        points = max                                   if value ≥ target
               = max × (value − zero_below) / (target − zero_below)
                                                       if zero_below < value < target
               = 0                                     if value ≤ zero_below

    With the default ``zero_below = 0`` this is ``max × value / target``.
    Example: "≥85% of village secretaries are 双强" worth 2 points, measured
    at 80%:

    >>> result = RatioToTarget(target=85).points(Fraction(80), Fraction(2))
    >>> result.points
    Fraction(32, 17)
    >>> print(result.reason)
    实测 80，目标 85，按比例计 2 × 80 ÷ 85，得 1.88 分

    The reason rounds only what it shows (here to the default two places;
    the scoring engine uses the rubric's rounding); the points stay exact.
    """

    target: Fraction = attrs.field(converter=_target, validator=_positive)
    zero_below: Fraction = attrs.field(
        default=Fraction(0), converter=_zero_below, validator=_non_negative
    )
    value_kind: ClassVar[ValueKind] = "number"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """``zero_below`` must lie below ``target``."""
        del max_points
        if self.zero_below >= self.target:
            return (
                (
                    "zero_below",
                    str(self.zero_below),
                    f"must be below the target ({_f(self.target)})",
                ),
            )
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A measured number that is not negative."""
        return _number_problem(value)

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Points along the linear curve described above."""
        measured = _as_fraction(value)
        head = ("实测 ", measured, "，目标 ", self.target)
        if measured >= self.target:
            return RuleResult(
                max_points, Reason((*head, "，达到目标，得满分 ", max_points, " 分"))
            )
        if measured <= self.zero_below:
            return RuleResult(
                Fraction(0), Reason((*head, "，不高于 ", self.zero_below, "，得 0 分"))
            )
        points = (
            max_points * (measured - self.zero_below) / (self.target - self.zero_below)
        )
        # The arithmetic in words, with ÷ rather than a fraction bar: "80/85"
        # would read as a fraction.  Amounts a reader cannot check exactly
        # are rounded; "得" (not "=") does not claim the rounded figure is exact.
        if self.zero_below:
            ratio: tuple[str | Fraction, ...] = (
                " × (", measured, " − ", self.zero_below, ") ÷ (",
                self.target, " − ", self.zero_below, ")",
            )  # fmt: skip
        else:
            ratio = (" × ", measured, " ÷ ", self.target)
        return RuleResult(
            points,
            Reason((*head, "，按比例计 ", max_points, *ratio, "，得 ", points, " 分")),
        )


def _tiers(value: object) -> tuple[tuple[Fraction, Fraction], ...]:
    if not isinstance(value, (list, tuple)):
        raise InvalidTypeError(
            ("tiers",), value, "must be a sequence of (threshold, points) pairs"
        )
    pairs: list[tuple[Fraction, Fraction]] = []
    for index, pair in enumerate(value):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise InvalidTypeError(
                ("tiers", index), pair, "must be a (threshold, points) pair"
            )
        pairs.append(
            (
                to_exact(pair[0], ("tiers", index, "threshold")),
                to_exact(pair[1], ("tiers", index, "points")),
            )
        )
    return tuple(pairs)


@attrs.frozen
class Tiers:
    """Thresholds → points: the points of the highest threshold reached.

    Thresholds must rise strictly and points must not fall, so a better
    measurement never earns fewer points.  A value below the lowest threshold
    earns nothing.

    >>> films = Tiers([(4, 1), (6, "1.5"), (8, 2)])  # education films a year
    >>> print(films.points(Fraction(7), Fraction(2)).reason)
    实测 7，达到 6 档，得 1.5 分
    """

    tiers: tuple[tuple[Fraction, Fraction], ...] = attrs.field(converter=_tiers)
    value_kind: ClassVar[ValueKind] = "number"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str | Path, object, str]]:
        """Tiers must be non-empty, rising, and within the indicator's maximum."""
        problems: list[tuple[str | Path, object, str]] = []
        if not self.tiers:
            problems.append(("tiers", [], "must have at least one tier"))
        for index, (threshold, points) in enumerate(self.tiers):
            if points < 0 or points > max_points:
                problems.append(
                    (
                        ("tiers", index, "points"),
                        str(points),
                        f"must lie within [0, {_f(max_points)}]",
                    )
                )
            if index:
                previous_threshold, previous_points = self.tiers[index - 1]
                if threshold <= previous_threshold:
                    problems.append(
                        (
                            ("tiers", index, "threshold"),
                            str(threshold),
                            (
                                f"must be above the previous threshold "
                                f"({_f(previous_threshold)})"
                            ),
                        )
                    )
                if points < previous_points:
                    problems.append(
                        (
                            ("tiers", index, "points"),
                            str(points),
                            (
                                f"must not be below the previous tier's points "
                                f"({_f(previous_points)})"
                            ),
                        )
                    )
        return problems

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A measured number that is not negative."""
        return _number_problem(value)

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Points of the highest threshold at or below *value*."""
        del max_points
        measured = _as_fraction(value)
        reached = [tier for tier in self.tiers if measured >= tier[0]]
        if not reached:
            return RuleResult(
                Fraction(0),
                Reason(
                    (
                        "实测 ",
                        measured,
                        "，未达到最低档 ",
                        self.tiers[0][0],
                        "，得 0 分",
                    )
                ),
            )
        threshold, points = reached[-1]
        return RuleResult(
            points,
            Reason(
                ("实测 ", measured, "，达到 ", threshold, " 档，得 ", points, " 分")
            ),
        )


@attrs.frozen
class DeductionPerOccurrence:
    """Start from full points and deduct per occurrence, not below ``floor``.

    E.g. −0.5 for each missing record, not below 0:

    >>> print(DeductionPerOccurrence(per="0.5").points(3, Fraction(2)).reason)
    发生 3 次，每次扣 0.5 分，2 − 1.5 = 0.5 分
    """

    per: Fraction = attrs.field(converter=_per, validator=_positive)
    floor: Fraction = attrs.field(
        default=Fraction(0), converter=_floor, validator=_non_negative
    )
    value_kind: ClassVar[ValueKind] = "count"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """The floor must not exceed the indicator's maximum."""
        if self.floor > max_points:
            return (
                (
                    "floor",
                    str(self.floor),
                    f"must not exceed max_points ({_f(max_points)})",
                ),
            )
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A whole, non-negative count."""
        return _count_problem(value)

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Full points less ``per`` per occurrence, floored."""
        deducted = self.per * Fraction(value)
        points = max(max_points - deducted, self.floor)
        parts: tuple[str | Fraction, ...] = (
            f"发生 {value} 次，每次扣 ", self.per, " 分，",
            max_points, " − ", deducted, " = ", max_points - deducted, " 分",
        )  # fmt: skip
        if points != max_points - deducted:
            parts += ("，不低于 ", self.floor, " 分，得 ", points, " 分")
        return RuleResult(points, Reason(parts))


@attrs.frozen
class PointsPerOccurrence:
    """Points for each occurrence, at most ``cap`` (the indicator's maximum by default).

    E.g. 2 points per themed session, at most 12 a cycle:

    >>> PointsPerOccurrence(per=2).points(7, Fraction(12)).points
    Fraction(12, 1)
    """

    per: Fraction = attrs.field(converter=_per, validator=_positive)
    cap: Fraction | None = attrs.field(
        default=None,
        converter=_cap,
        validator=attrs.validators.optional(_positive),
    )
    value_kind: ClassVar[ValueKind] = "count"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """The cap must not exceed the indicator's maximum."""
        if self.cap is not None and self.cap > max_points:
            return (
                (
                    "cap",
                    str(self.cap),
                    f"must not exceed max_points ({_f(max_points)})",
                ),
            )
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A whole, non-negative count."""
        return _count_problem(value)

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """``per`` × count, capped."""
        cap = max_points if self.cap is None else self.cap
        earned = self.per * Fraction(value)
        parts = (f"发生 {value} 次，每次 ", self.per, " 分，计 ", earned, " 分")
        if earned > cap:
            return RuleResult(cap, Reason((*parts, "，封顶 ", cap, " 分")))
        return RuleResult(earned, Reason(parts))


@attrs.frozen
class CountAtLeast:
    """Full points when the count reaches ``required`` (e.g. ≥ 8 education films a year).

    Below it, nothing — or, with ``partial=True``, ``max × count / required``.

    >>> CountAtLeast(required=8, partial=True).points(6, Fraction(2)).points
    Fraction(3, 2)
    """

    required: int = attrs.field(validator=whole_at_least(1, "rule"))
    partial: bool = False
    value_kind: ClassVar[ValueKind] = "count"

    def config_problems(
        self, max_points: Fraction
    ) -> Sequence[tuple[str, object, str]]:
        """No configuration to check beyond construction."""
        del max_points
        return ()

    def value_problem(self, value: ObservedValue, max_points: Fraction) -> str | None:
        """A whole, non-negative count."""
        return _count_problem(value)

    def points(self, value: ObservedValue, max_points: Fraction) -> RuleResult:
        """Full points at ``required``; nothing or a proportional share below."""
        count = Fraction(value)
        head = f"完成 {value} 次，要求至少 {self.required} 次"
        if count >= self.required:
            return RuleResult(
                max_points, Reason((f"{head}，得满分 ", max_points, " 分"))
            )
        if not self.partial:
            return RuleResult(Fraction(0), Reason((f"{head}，未达要求，得 0 分",)))
        points = max_points * count / self.required
        # ÷, not "10/12": a count over a count would read as a fraction.
        return RuleResult(
            points,
            Reason(
                (f"{head}，按比例计 ", max_points, f" × {value} ÷ {self.required}，得 ",
                 points, " 分")
            ),
        )  # fmt: skip


# -- the registry -----------------------------------------------------------------

#: The entry-point group third-party packages use to publish rules.
RULE_ENTRY_POINT_GROUP = "pbcheck.rules"

#: The form of a rule tag: lowercase ASCII words joined by underscores, optionally
#: namespaced with dots (``per_mille``, ``jiangcheng.per_mille``).  A JSON Schema
#: and Python ``re`` pattern alike.
RULE_TAG_PATTERN = r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*$"

_TAG = re.compile(RULE_TAG_PATTERN)
# Long enough for a namespaced tag, short enough to read in an error message.
_MAX_TAG = 64

#: What a tag names: the class of a value rule or of an activity rule.
RuleClass = type[ValueRule] | type[ActivityRule]

# The tags documents have used since the first format: never change them.
_BUILTIN_RULES: dict[str, RuleClass] = {
    "pass_fail": PassFail,
    "direct_score": DirectScore,
    "ratio_to_target": RatioToTarget,
    "tiers": Tiers,
    "deduction_per_occurrence": DeductionPerOccurrence,
    "points_per_occurrence": PointsPerOccurrence,
    "count_at_least": CountAtLeast,
    "frequency": Frequency,
}

_VALUE_RULE_METHODS = ("config_problems", "value_problem", "points")
_VALUE_KINDS: tuple[str, ...] = get_args(ValueKind)


def _not_a_rule_class(rule_class: object) -> str | None:  # noqa: PLR0911 - one answer per shortfall
    """Why *rule_class* cannot be registered, or ``None`` if it can.

    Checked on the class, not an instance: ``isinstance`` against
    :class:`ValueRule` needs an object, and ``issubclass`` refuses protocols
    with data members such as ``value_kind``.
    """
    if not isinstance(rule_class, type):
        return "must be a class (an attrs class implementing ValueRule or ActivityRule)"
    if not attrs.has(rule_class):
        return (
            "must be an attrs class (decorate it with @attrs.frozen), so that "
            "files can carry its fields"
        )
    if callable(getattr(rule_class, "evaluate", None)):
        return None  # an ActivityRule: evaluate is its whole protocol
    missing = [
        name
        for name in _VALUE_RULE_METHODS
        if not callable(getattr(rule_class, name, None))
    ]
    if len(missing) == len(_VALUE_RULE_METHODS):
        return (
            "must implement ValueRule (value_kind, config_problems, value_problem, "
            "points) or ActivityRule (evaluate)"
        )
    if missing:
        return f"must implement ValueRule; it lacks {', '.join(missing)}"
    kind = getattr(rule_class, "value_kind", None)
    if not isinstance(kind, str) or kind not in _VALUE_KINDS:
        return (
            f"must declare value_kind as one of {', '.join(map(repr, _VALUE_KINDS))} "
            f"(it has {kind!r})"
        )
    return None


@attrs.define
class RuleRegistry:
    """Rule tags → rule classes, and back.  An object you hold, not global state.

    A rubric file writes each indicator's rule as an object tagged with its
    ``type`` (``{"type": "ratio_to_target", "target": "85"}``); the loader
    finds the class of a tag, and the writer the tag of a class, through a
    registry.  Register your own rule classes to make rubrics that use them
    travel through files:

    >>> registry = RuleRegistry.with_builtins()
    >>> registry.class_of("ratio_to_target")
    <class 'pbcheck.model.rules.RatioToTarget'>
    >>> registry.tag_of(Tiers)
    'tiers'
    >>> registry.class_of("per_mille")
    Traceback (most recent call last):
    ...
    pbcheck.errors.UnknownRuleError: unknown rule 'per_mille'; known: pass_fail, direct_score, ...

    A rule of your own is an attrs class implementing :class:`ValueRule` (or
    :class:`ActivityRule`):

    >>> @attrs.frozen
    ... class Veto:
    ...     value_kind = "pass_fail"
    ...
    ...     def config_problems(self, max_points):
    ...         return ()
    ...
    ...     def value_problem(self, value, max_points):
    ...         return None if isinstance(value, bool) else "must be True or False"
    ...
    ...     def points(self, value, max_points):
    ...         return RuleResult(max_points if value else Fraction(0), "")
    >>> registry.register("veto", Veto)
    >>> registry.tag_of(Veto), "veto" in registry.names()
    ('veto', True)
    >>> registry.register("veto", Veto)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: registry.tag: is already registered to Veto (pass replace=True) (got 'veto')
    """

    _classes: dict[str, RuleClass] = attrs.field(init=False, factory=dict)
    _tags: dict[type, str] = attrs.field(init=False, factory=dict, repr=False)

    @classmethod
    def with_builtins(cls) -> RuleRegistry:
        """A new registry holding the built-in rules under their file tags."""
        registry = cls()
        registry._classes.update(_BUILTIN_RULES)
        registry._tags.update({rule: tag for tag, rule in _BUILTIN_RULES.items()})
        return registry

    def register(self, tag: str, rule_class: type, *, replace: bool = False) -> None:
        """Register *rule_class* as *tag*, the ``type`` files write it under.

        Args:
            tag: lowercase ASCII words joined by underscores, optionally
                namespaced with dots (:data:`RULE_TAG_PATTERN`): ``per_mille``,
                ``jiangcheng.per_mille``.
            rule_class: an attrs class implementing :class:`ValueRule` or
                :class:`ActivityRule`; its fields are what files carry.
            replace: replace an earlier registration of *tag*, or of
                *rule_class* under another tag, instead of refusing it.

        Raises:
            InvalidTypeError: *tag* is not a string, or *rule_class* is not an
                attrs class implementing a rule protocol.
            InvalidValueError: *tag* is not of the form above, or *tag* or
                *rule_class* is registered already and *replace* is false.

        >>> RuleRegistry().register("PerMille", PassFail)
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidValueError: registry.tag: must be lowercase ASCII words joined by underscores, optionally namespaced with dots, e.g. 'per_mille' (got 'PerMille')
        >>> RuleRegistry().register("pass_fail", RuleResult)
        Traceback (most recent call last):
        ...
        pbcheck.errors.InvalidTypeError: registry[pass_fail]: must implement ValueRule (value_kind, config_problems, value_problem, points) or ActivityRule (evaluate) (got <class 'pbcheck.model.rules.RuleResult'>)
        """
        if not isinstance(tag, str):
            raise InvalidTypeError(("registry", "tag"), tag, "must be a string")
        if len(tag) > _MAX_TAG:
            raise InvalidValueError(
                ("registry", "tag"), tag, f"must be at most {_MAX_TAG} characters"
            )
        if not _TAG.fullmatch(tag):
            raise InvalidValueError(
                ("registry", "tag"),
                tag,
                "must be lowercase ASCII words joined by underscores, optionally "
                "namespaced with dots, e.g. 'per_mille'",
            )
        problem = _not_a_rule_class(rule_class)
        if problem is not None:
            raise InvalidTypeError(("registry", Id(tag)), rule_class, problem)
        registered = self._classes.get(tag)
        previous_tag = self._tags.get(rule_class)
        if not replace:
            if registered is not None:
                raise InvalidValueError(
                    ("registry", "tag"),
                    tag,
                    f"is already registered to {registered.__qualname__} "
                    "(pass replace=True)",
                )
            if previous_tag is not None:
                raise InvalidValueError(
                    ("registry", Id(tag)),
                    rule_class,
                    f"is already registered as {previous_tag!r} (pass replace=True)",
                )
        if registered is not None:
            del self._tags[registered]
        if previous_tag is not None:
            del self._classes[previous_tag]
        self._classes[tag] = rule_class
        self._tags[rule_class] = tag

    def class_of(self, tag: str) -> RuleClass:
        """The rule class registered as *tag*.

        Raises:
            UnknownRuleError: no class is registered as *tag*; the message
                lists the tags that are.
        """
        try:
            return self._classes[tag]
        except (KeyError, TypeError):  # TypeError: an unhashable tag from a file
            known = ", ".join(self.names())
            raise UnknownRuleError(f"unknown rule {tag!r}; known: {known}") from None

    def tag_of(self, rule_class: type) -> str:
        """The tag *rule_class* is registered as (the class exactly, not a subclass).

        Raises:
            UnknownRuleError: *rule_class* is not registered; the message
                names it and says how to register it.

        >>> RuleRegistry.with_builtins().tag_of(RuleResult)
        Traceback (most recent call last):
        ...
        pbcheck.errors.UnknownRuleError: rule class pbcheck.model.rules.RuleResult is not registered; register it first: registry.register('my_tag', RuleResult)
        """
        try:
            return self._tags[rule_class]
        except KeyError:
            name = f"{rule_class.__module__}.{rule_class.__qualname__}"
            raise UnknownRuleError(
                f"rule class {name} is not registered; register it first: "
                f"registry.register('my_tag', {rule_class.__qualname__})"
            ) from None

    def names(self) -> tuple[str, ...]:
        """Registered tags, in the order they were registered.

        The built-ins come first, in their documented order, so schemas and
        messages list the tags the same way every time.
        """
        return tuple(self._classes)

    def load_entry_points(self, group: str = RULE_ENTRY_POINT_GROUP) -> tuple[str, ...]:
        """Register every rule class published in the entry-point *group*.

        One explicit call, never an import-time side effect.  Returns the tags
        added.  A plugin package declares, in its ``pyproject.toml``::

            [project.entry-points."pbcheck.rules"]
            per_mille = "my_package.rules:PerMille"
        """
        added: list[str] = []
        for point in entry_points(group):
            self.register(point.name, point.load())
            added.append(point.name)
        return tuple(added)
