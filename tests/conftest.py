"""Shared test configuration: deterministic hypothesis profiles."""

import os

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
