"""Aggregation strategies: how values combine into one.

One small protocol serves twice: rolling indicator attainments up into section
scores (values are attainment ratios in ``[0, 1]``, weights the children's
weights), and combining several raters' points for one indicator (values are
points, weights the raters' weights).

Built in:

========================  ===============================================  ==========  ==============================
name                      what it computes                                 monotone    ``label_zh`` (what people read)
========================  ===============================================  ==========  ==============================
``weighted_sum``          Σ wᵢ·vᵢ, weights must sum to exactly 1           yes         加权求和
``weighted_mean``         Σ wᵢ·vᵢ / Σ wᵢ (normalises the weights)          yes         加权平均
``trimmed_mean``          drop the *k* highest and *k* lowest, then mean   yes         去掉一个最高分、一个最低分后平均
                          (去掉一个最高分、一个最低分 with ``k=1``)
``median``                middle value (mean of the two middles if even)   yes         中位数
``geometric_mean``        Π vᵢ^(wᵢ/Σw), to ``digits`` significant digits   yes         几何平均
``minimum``               the lowest value                                 yes         取最低分
========================  ===============================================  ==========  ==============================

``name`` is the English registry name files and the API use; ``label_zh``
is what explanations, reports and the command line print.  A strategy of
your own may declare a ``label_zh`` too; :func:`label_zh` falls back to its
``name`` when it does not.

All but ``geometric_mean`` are exact.  ``trimmed_mean``, ``median`` and
``minimum`` treat every value alike and ignore the weights.

Write your own with :func:`aggregator` and register it in an
:class:`AggregatorRegistry`:

>>> @aggregator("max_of", monotone=True)
... def max_of(values, weights):
...     return max(values)
>>> registry = AggregatorRegistry.with_builtins()
>>> registry.register("max_of", lambda: max_of)
>>> registry.create("max_of")([Fraction(1), Fraction(3)], [Fraction(1)] * 2)
Fraction(3, 1)
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Protocol, runtime_checkable

import attrs

from pbcheck._numbers import MAX_DIGITS, whole_at_least
from pbcheck.errors import (
    InvalidValueError,
    InvalidWeightsError,
    NotEnoughRatersError,
    UnknownAggregatorError,
    item,
)
from pbcheck.model._plugins import entry_points

__all__ = [
    "ENTRY_POINT_GROUP",
    "Aggregator",
    "AggregatorRegistry",
    "FunctionAggregator",
    "GeometricMean",
    "Median",
    "Minimum",
    "TrimmedMean",
    "WeightedMean",
    "WeightedSum",
    "aggregator",
    "label_zh",
]

#: The entry-point group third-party packages use to publish strategies.
ENTRY_POINT_GROUP = "pbcheck.aggregators"


@runtime_checkable
class Aggregator(Protocol):
    """Combines values with weights into one value.

    pbcheck calls an aggregator with two sequences of equal, non-zero length:
    the values and their non-negative weights (with a positive sum).  It
    promises to return a :class:`~fractions.Fraction`.  An aggregator used for
    roll-up must keep its result within ``[min(values), max(values)]`` so that
    a section never scores outside ``[0, its points]``; pbcheck checks this and
    reports a strategy that breaks it.

    ``monotone`` declares that raising any value never lowers the result; the
    property tests in :mod:`pbcheck.testing` rely on it.

    An aggregator may also carry a ``label_zh``, its name in Chinese for
    what people read (``"加权平均"``); it is optional, and :func:`label_zh`
    shows the ``name`` of one without it.

    Any object with ``name``, ``monotone`` and this call signature is an
    aggregator; there is nothing to inherit:

    >>> @attrs.frozen
    ... class Highest:
    ...     name = "highest"
    ...     monotone = True
    ...
    ...     def __call__(self, values, weights):
    ...         return max(values)
    >>> isinstance(Highest(), Aggregator), isinstance(Median(), Aggregator)
    (True, True)
    >>> Highest()([Fraction(80), Fraction(92)], [Fraction(1), Fraction(1)])
    Fraction(92, 1)
    """

    @property
    def name(self) -> str:
        """The registry name, e.g. ``"weighted_mean"``."""
        ...

    @property
    def monotone(self) -> bool:
        """Whether raising one value can never lower the result."""
        ...

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* with *weights*."""
        ...


def _check_inputs(
    name: str, values: Sequence[Fraction], weights: Sequence[Fraction]
) -> None:
    here = item("aggregator", name)
    if not values:
        raise InvalidValueError((*here, "values"), list(values), "must not be empty")
    if len(values) != len(weights):
        raise InvalidValueError(
            (*here, "weights"),
            list(weights),
            f"must have one weight per value ({len(values)} values)",
        )
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise InvalidWeightsError(
            (*here, "weights"),
            [str(w) for w in weights],
            "must be non-negative with a positive sum",
        )


@attrs.frozen
class WeightedSum:
    """Σ wᵢ·vᵢ, with weights that sum to exactly 1 (100%).

    The classic points roll-up: a section's attainment is the weighted sum of
    its children's attainments.  Weights that do not sum to 1 are an error,
    never silently renormalised; use :class:`WeightedMean` to normalise.

    >>> WeightedSum()([Fraction(1), Fraction(1, 2)], [Fraction(7, 10), Fraction(3, 10)])
    Fraction(17, 20)
    """

    name = "weighted_sum"
    monotone = True
    label_zh = "加权求和"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* with *weights*."""
        _check_inputs(self.name, values, weights)
        total = sum(weights, Fraction(0))
        if total != 1:
            raise InvalidWeightsError(
                (*item("aggregator", self.name), "weights"),
                [str(w) for w in weights],
                f"must sum to exactly 1 (they sum to {total}); "
                "use weighted_mean to normalise",
            )
        return sum((w * v for v, w in zip(values, weights, strict=True)), Fraction(0))


@attrs.frozen
class WeightedMean:
    """Σ wᵢ·vᵢ / Σ wᵢ: the weighted mean, normalising the weights.

    >>> WeightedMean()([Fraction(90), Fraction(80)], [Fraction(2), Fraction(1)])
    Fraction(260, 3)
    """

    name = "weighted_mean"
    monotone = True
    label_zh = "加权平均"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* with *weights*."""
        _check_inputs(self.name, values, weights)
        products = (w * v for v, w in zip(values, weights, strict=True))
        return sum(products, Fraction(0)) / sum(weights, Fraction(0))


@attrs.frozen
class TrimmedMean:
    """Drop the *k* highest and *k* lowest values, then take the plain mean.

    With ``k=1`` this is 去掉一个最高分、去掉一个最低分.  Fewer than ``2k + 1``
    values is an error (there would be nothing left to average).  Weights are
    ignored: every rater counts alike.

    >>> TrimmedMean()([Fraction(x) for x in (90, 85, 70, 88)], [Fraction(1)] * 4)
    Fraction(173, 2)
    """

    k: int = attrs.field(default=1, validator=whole_at_least(1, "aggregator"))
    name = "trimmed_mean"
    monotone = True

    @property
    def label_zh(self) -> str:
        """``去掉一个最高分、一个最低分后平均`` (with ``k=1``), in words.

        >>> TrimmedMean(k=2).label_zh
        '去掉两个最高分、两个最低分后平均'
        """
        count = _COUNT_ZH.get(self.k, str(self.k))
        return f"去掉{count}个最高分、{count}个最低分后平均"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* (weights are ignored)."""
        _check_inputs(self.name, values, weights)
        if len(values) < 2 * self.k + 1:
            raise NotEnoughRatersError(
                (*item("aggregator", self.name), "values"),
                [str(v) for v in values],
                f"needs at least {2 * self.k + 1} values to drop the {self.k} "
                f"highest and {self.k} lowest (got {len(values)})",
            )
        kept = sorted(values)[self.k : len(values) - self.k]
        return sum(kept, Fraction(0)) / len(kept)


@attrs.frozen
class Median:
    """The middle value; with an even count, the mean of the two middle values.

    >>> Median()(
    ...     [Fraction(3), Fraction(1), Fraction(2), Fraction(10)], [Fraction(1)] * 4
    ... )
    Fraction(5, 2)
    """

    name = "median"
    monotone = True
    label_zh = "中位数"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* (weights are ignored)."""
        _check_inputs(self.name, values, weights)
        ordered = sorted(values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2


_at_least_ten = whole_at_least(10, "aggregator")


def _digits(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    """10 to MAX_DIGITS: a precision of 10**9 digits would never finish."""
    _at_least_ten(instance, attribute, value)
    if value > MAX_DIGITS:
        raise InvalidValueError(
            ("aggregator", attribute.name), value, f"must be at most {MAX_DIGITS}"
        )


@attrs.frozen
class GeometricMean:
    """Π vᵢ^(wᵢ/Σw): punishes imbalance more than the arithmetic mean.

    Roots are irrational in general, so this strategy is the one inexact
    built-in: it computes ``exp(Σ wᵢ·ln vᵢ / Σw)`` in :mod:`decimal` to
    ``digits`` significant digits (correctly rounded ``ln`` and ``exp``, hence
    still monotone) and returns that decimal as a fraction.  Any zero value
    gives zero; negative values are an error.  ``digits`` is a whole number
    from 10 to 1,000 (``pbcheck._numbers.MAX_DIGITS``).

    >>> GeometricMean()([Fraction(1), Fraction(4)], [Fraction(1), Fraction(1)])
    Fraction(2, 1)
    >>> GeometricMean(digits=10**9)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: aggregator.digits: must be at most 1000 (got 1000000000)
    """

    digits: int = attrs.field(default=40, validator=_digits)
    name = "geometric_mean"
    monotone = True
    label_zh = "几何平均"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* with *weights*."""
        _check_inputs(self.name, values, weights)
        if any(v < 0 for v in values):
            raise InvalidValueError(
                (*item("aggregator", self.name), "values"),
                [str(v) for v in values],
                "must be non-negative",
            )
        pairs = [(v, w) for v, w in zip(values, weights, strict=True) if w]
        if any(v == 0 for v, _ in pairs):
            return Fraction(0)
        total = sum(weights, Fraction(0))
        context = decimal.Context(prec=self.digits + 10)
        log_sum = decimal.Decimal(0)
        for value, weight in pairs:
            ln = context.ln(_to_decimal(value, context))
            log_sum = context.add(
                log_sum, context.multiply(ln, _to_decimal(weight / total, context))
            )
        result = Fraction(decimal.Context(prec=self.digits).exp(log_sum))
        # The true mean lies within [min, max]; rounding in ln/exp must not push
        # it out (the geometric mean of equal values is that value).
        low, high = min(v for v, _ in pairs), max(v for v, _ in pairs)
        return min(max(result, low), high)


def _to_decimal(value: Fraction, context: decimal.Context) -> decimal.Decimal:
    return context.divide(
        decimal.Decimal(value.numerator), decimal.Decimal(value.denominator)
    )


@attrs.frozen
class Minimum:
    """The lowest value: a chain is as strong as its weakest link.

    >>> Minimum()([Fraction(3), Fraction(1, 2)], [Fraction(1), Fraction(1)])
    Fraction(1, 2)
    """

    name = "minimum"
    monotone = True
    label_zh = "取最低分"

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Combine *values* (weights are ignored)."""
        _check_inputs(self.name, values, weights)
        return min(values)


AggregateFunction = Callable[[Sequence[Fraction], Sequence[Fraction]], Fraction]


@attrs.frozen
class FunctionAggregator:
    """A plain function wrapped as an :class:`Aggregator` (see :func:`aggregator`).

    Calling it checks the inputs first, then that the function returned a
    :class:`~fractions.Fraction`:

    >>> halfway = FunctionAggregator(
    ...     "halfway", lambda values, weights: (min(values) + max(values)) / 2
    ... )
    >>> halfway([Fraction(60), Fraction(90), Fraction(70)], [Fraction(1)] * 3)
    Fraction(75, 1)
    >>> halfway([], [])
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: aggregator[halfway].values: must not be empty (got [])
    """

    name: str
    function: AggregateFunction = attrs.field(eq=False, repr=False)
    monotone: bool = False
    label_zh: str = ""

    def __call__(
        self, values: Sequence[Fraction], weights: Sequence[Fraction]
    ) -> Fraction:
        """Check the inputs, call the function and check it returned a Fraction."""
        _check_inputs(self.name, values, weights)
        result = self.function(values, weights)
        if not isinstance(result, Fraction):
            raise InvalidValueError(
                (*item("aggregator", self.name), "result"),
                result,
                "an aggregator must return a fractions.Fraction",
            )
        return result


def aggregator(
    name: str, *, monotone: bool = False, label_zh: str = ""
) -> Callable[[AggregateFunction], FunctionAggregator]:
    """Turn a function ``f(values, weights) -> Fraction`` into an aggregator.

    Declare ``monotone=True`` only if raising a value can never lower the
    result: property tests hold you to it.  ``label_zh`` names it in what
    people read (explanations, reports); without one they show *name*.

    >>> @aggregator("second_best", label_zh="取次高分")
    ... def second_best(values, weights):
    ...     return sorted(values)[-2] if len(values) > 1 else values[0]
    >>> second_best
    FunctionAggregator(name='second_best', monotone=False, label_zh='取次高分')
    """

    def wrap(function: AggregateFunction) -> FunctionAggregator:
        return FunctionAggregator(
            name=name, function=function, monotone=monotone, label_zh=label_zh
        )

    return wrap


_COUNT_ZH = {1: "一", 2: "两", 3: "三", 4: "四", 5: "五"}


def label_zh(strategy: Aggregator | str) -> str:
    """What people read for *strategy*: its ``label_zh``, else its ``name``.

    Explanations, reasons, reports and the command line name a strategy
    through this function; the API and files keep the English ``name``.
    Given only a name (a scorecard records the name of the strategy that
    rolled a section up), a built-in's name gives its label, any other name
    itself.

    >>> label_zh(WeightedMean()), label_zh(TrimmedMean())
    ('加权平均', '去掉一个最高分、一个最低分后平均')
    >>> label_zh("weighted_sum"), label_zh("trimmed_mean"), label_zh("highest")
    ('加权求和', '去掉最高分和最低分后平均', 'highest')
    >>> @attrs.frozen
    ... class Highest:
    ...     name = "highest"
    ...     monotone = True
    ...
    ...     def __call__(self, values, weights):
    ...         return max(values)
    >>> label_zh(Highest())
    'highest'
    """
    if isinstance(strategy, str):
        return _NAME_LABELS.get(strategy, strategy)
    label = getattr(strategy, "label_zh", None)
    if isinstance(label, str) and label.strip():
        return label
    return strategy.name


# By name alone a trimmed mean's k is unknown: the label says what it does.
_NAME_LABELS = {
    WeightedSum.name: WeightedSum.label_zh,
    WeightedMean.name: WeightedMean.label_zh,
    TrimmedMean.name: "去掉最高分和最低分后平均",
    Median.name: Median.label_zh,
    GeometricMean.name: GeometricMean.label_zh,
    Minimum.name: Minimum.label_zh,
}


AggregatorFactory = Callable[..., Aggregator]

_BUILTINS: dict[str, AggregatorFactory] = {
    WeightedSum.name: WeightedSum,
    WeightedMean.name: WeightedMean,
    TrimmedMean.name: TrimmedMean,
    Median.name: Median,
    GeometricMean.name: GeometricMean,
    Minimum.name: Minimum,
}


@attrs.define
class AggregatorRegistry:
    """Names → aggregator factories.  An object you hold, not global state.

    File loaders resolve ``aggregator = "trimmed_mean"`` through a registry;
    pass your own registry to make your strategies loadable.

    >>> registry = AggregatorRegistry.with_builtins()
    >>> registry.create("trimmed_mean", k=2)
    TrimmedMean(k=2)
    >>> registry.create("best_of")
    Traceback (most recent call last):
    ...
    pbcheck.errors.UnknownAggregatorError: unknown aggregator 'best_of'; known: ...
    """

    _factories: dict[str, AggregatorFactory] = attrs.field(factory=dict)

    @classmethod
    def with_builtins(cls) -> AggregatorRegistry:
        """A new registry holding the built-in strategies."""
        return cls(dict(_BUILTINS))

    def register(
        self, name: str, factory: AggregatorFactory, *, replace: bool = False
    ) -> None:
        """Register *factory* (called with the strategy's parameters) as *name*."""
        if name in self._factories and not replace:
            raise InvalidValueError(
                ("registry", "name"), name, "is already registered (pass replace=True)"
            )
        self._factories[name] = factory

    def create(self, name: str, **params: object) -> Aggregator:
        """Build the strategy registered as *name* with *params*."""
        try:
            factory = self._factories[name]
        except KeyError:
            known = ", ".join(sorted(self._factories))
            raise UnknownAggregatorError(
                f"unknown aggregator {name!r}; known: {known}"
            ) from None
        return factory(**params)

    def names(self) -> tuple[str, ...]:
        """Registered names, sorted."""
        return tuple(sorted(self._factories))

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> tuple[str, ...]:
        """Register every factory published in the entry-point *group*.

        One explicit call, never an import-time side effect.  Returns the names
        added.  A plugin package declares, in its ``pyproject.toml``::

            [project.entry-points."pbcheck.aggregators"]
            harmonic_mean = "my_package.strategies:HarmonicMean"
        """
        added: list[str] = []
        for point in entry_points(group):
            self.register(point.name, point.load())
            added.append(point.name)
        return tuple(added)
