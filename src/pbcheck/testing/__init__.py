"""Hypothesis strategies for property-testing rubrics, trees, cycles and evaluations.

Public test helpers: the strategies pbcheck's own property tests use, so you can
check your own rubrics the same way.  Needs the ``testing`` extra
(``pip install pbcheck[testing]``), which brings hypothesis.
"""

from pbcheck.testing._cycles import (
    aware_datetimes,
    cycle_calendars,
    cycles,
    dates_in,
    zones,
)
from pbcheck.testing._outcomes import (
    bottom_matrices,
    org_tree,
    scorecards,
    seasons,
    simple_rubric,
)
from pbcheck.testing._rubrics import (
    ROLL_UP_AGGREGATORS,
    evaluations_for,
    exact_numbers,
    indicators,
    observed_values,
    org_trees,
    rubric_and_evaluation,
    rubrics,
    value_rules,
)

__all__ = [
    "ROLL_UP_AGGREGATORS",
    "aware_datetimes",
    "bottom_matrices",
    "cycle_calendars",
    "cycles",
    "dates_in",
    "evaluations_for",
    "exact_numbers",
    "indicators",
    "observed_values",
    "org_tree",
    "org_trees",
    "rubric_and_evaluation",
    "rubrics",
    "scorecards",
    "seasons",
    "simple_rubric",
    "value_rules",
    "zones",
]
