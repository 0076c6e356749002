from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import (
    InvalidWeightsError,
    NotEnoughRatersError,
    UnknownAggregatorError,
)
from pbcheck.model.aggregation import (
    AggregatorRegistry,
    GeometricMean,
    Median,
    Minimum,
    TrimmedMean,
    WeightedMean,
    WeightedSum,
    aggregator,
)
from pbcheck.testing import exact_numbers

ALL = [WeightedMean(), TrimmedMean(), Median(), GeometricMean(), Minimum()]
values_and_weights = st.integers(3, 7).flatmap(
    lambda n: st.tuples(
        st.lists(exact_numbers(0, 100), min_size=n, max_size=n),
        st.lists(exact_numbers(Fraction(1, 100), 10), min_size=n, max_size=n),
    )
)


class TestBuiltins:
    def test_trimmed_mean_drops_highest_and_lowest(self):
        """去掉一个最高分、一个最低分: 95, 90, 88, 70, 60 → mean of 90, 88, 70."""
        scores = [Fraction(x) for x in (95, 90, 88, 70, 60)]
        assert TrimmedMean()(scores, [Fraction(1)] * 5) == Fraction(248, 3)

    def test_trimmed_mean_needs_enough_raters(self):
        """Two raters cannot be trimmed: a clear error, not a silent mean."""
        with pytest.raises(NotEnoughRatersError, match="at least 3"):
            TrimmedMean()([Fraction(1), Fraction(2)], [Fraction(1)] * 2)

    def test_weighted_sum_refuses_weights_not_summing_to_one(self):
        """weighted_sum never renormalises."""
        with pytest.raises(InvalidWeightsError, match="sum to exactly 1"):
            WeightedSum()([Fraction(1), Fraction(1)], [Fraction(1), Fraction(1)])

    def test_geometric_mean_is_close_to_exact(self):
        """Geometric mean of 2 and 8 is 4 (to 40 digits)."""
        assert abs(
            GeometricMean()([Fraction(2), Fraction(8)], [Fraction(1)] * 2) - 4
        ) < Fraction(1, 10**30)

    @pytest.mark.parametrize("strategy", ALL, ids=lambda s: s.name)
    @given(data=values_and_weights)
    def test_means_stay_within_min_and_max(self, strategy, data):
        """Every built-in returns a value between the smallest and largest input."""
        values, weights = data
        assert min(values) <= strategy(values, weights) <= max(values)

    @pytest.mark.parametrize("strategy", ALL, ids=lambda s: s.name)
    @given(data=values_and_weights, bump=exact_numbers(0, 10), index=st.integers(0, 6))
    def test_monotone(self, strategy, data, bump, index):
        """Raising one value never lowers the result (all built-ins declare monotone)."""
        values, weights = data
        index %= len(values)
        raised = list(values)
        raised[index] += bump
        assert strategy.monotone
        assert strategy(values, weights) <= strategy(raised, weights)

    @pytest.mark.parametrize("strategy", ALL, ids=lambda s: s.name)
    @given(data=values_and_weights, order=st.randoms(use_true_random=False))
    def test_order_invariant(self, strategy, data, order):
        """Reordering raters (with their weights) never changes the result."""
        values, weights = data
        pairs = list(zip(values, weights, strict=True))
        order.shuffle(pairs)
        assert strategy([v for v, _ in pairs], [w for _, w in pairs]) == strategy(
            values, weights
        )

    @given(data=values_and_weights, factor=exact_numbers(Fraction(1, 10), 100))
    def test_weighted_mean_scale_invariant(self, data, factor):
        """Scaling every weight by a constant leaves the weighted mean unchanged."""
        values, weights = data
        assert WeightedMean()(values, [w * factor for w in weights]) == WeightedMean()(
            values, weights
        )


class TestRegistry:
    def test_builtins_by_name(self):
        """The registry builds every built-in by name, with parameters."""
        registry = AggregatorRegistry.with_builtins()
        assert registry.names() == (
            "geometric_mean", "median", "minimum", "trimmed_mean", "weighted_mean", "weighted_sum",
        )  # fmt: skip
        assert registry.create("trimmed_mean", k=2) == TrimmedMean(k=2)

    def test_unknown_name(self):
        """An unknown name is a LookupError that lists the known ones."""
        with pytest.raises(UnknownAggregatorError, match="weighted_mean"):
            AggregatorRegistry.with_builtins().create("harmonic")

    def test_registering_twice_needs_replace(self):
        """Registering a name twice is refused unless replace=True."""
        registry = AggregatorRegistry()
        registry.register("x", Median)
        with pytest.raises(ValueError, match="already registered"):
            registry.register("x", Minimum)
        registry.register("x", Minimum, replace=True)
        assert registry.create("x") == Minimum()

    def test_function_aggregator_must_return_fraction(self):
        """A plugin returning a float is caught, so no float enters the exact path."""

        @aggregator("floaty")
        def floaty(values, weights):
            return 0.5

        with pytest.raises(ValueError, match=r"fractions\.Fraction"):
            floaty([Fraction(1)], [Fraction(1)])

    def test_entry_points_loaded_explicitly(self, monkeypatch):
        """Entry points register only on an explicit call."""

        class FakePoint:
            name = "plugin_min"

            def load(self):
                return Minimum

        import importlib.metadata

        monkeypatch.setattr(
            importlib.metadata, "entry_points", lambda group: [FakePoint()]
        )
        registry = AggregatorRegistry()
        assert registry.names() == ()
        assert registry.load_entry_points() == ("plugin_min",)
        assert registry.create("plugin_min") == Minimum()
