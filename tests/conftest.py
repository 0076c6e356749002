"""Shared test configuration: deterministic hypothesis profiles."""

import os
import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

# CI: derandomized and bounded, so every run checks the same examples.
settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Local: quick feedback while editing.
settings.register_profile("dev", max_examples=25, deadline=None)
# Long runs by hand: HYPOTHESIS_PROFILE=thorough pytest
settings.register_profile("thorough", max_examples=2000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Type-checked by mypy, never run: it calls the API as users write it, files and all.
collect_ignore = ["typing"]


@pytest.fixture(scope="module", params=["numpy", "numba"])
def bulk_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a module's bulk tests on each kernel: ``engine="auto"`` picks this one.

    Module-scoped (hypothesis refuses function-scoped fixtures around
    ``@given``): every table, however small, goes to the chosen kernel.
    """
    from pbcheck.bulk import _fused  # NumPy: imported only when a bulk test asks

    if request.param == "numba" and not _fused.available():
        pytest.skip("Numba (the jit extra) is not installed")
    before = _fused.FUSED_MIN_ROWS
    _fused.FUSED_MIN_ROWS = 0 if request.param == "numba" else sys.maxsize
    yield request.param
    _fused.FUSED_MIN_ROWS = before
