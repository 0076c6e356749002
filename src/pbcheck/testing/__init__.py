"""Hypothesis strategies for property-testing rubrics, trees, cycles and evaluations.

Public test helpers: the strategies pbcheck's own property tests use, so you can
check your own rubrics the same way.  Needs the ``testing`` extra
(``pip install pbcheck[testing]``), which brings hypothesis.  Besides rubrics,
evaluations, trees, cycles and seasons there are strategies for interchange
documents (valid and broken), spreadsheet writers for score sheets, seasons the
bulk path and the what-if simulation accept.  Small really-scored inputs
(a one-indicator rubric, scorecards with chosen totals, a scored report) are
in :mod:`pbcheck.examples.small`.
"""

from pbcheck.testing._branches import (
    branch_activities,
    branch_frequencies,
    branch_names,
    branch_seasons,
)
from pbcheck.testing._bulk import (
    bulk_rubric_sets,
    bulk_rubrics,
    bulk_seasons,
    bulk_seasons_with_waivers,
)
from pbcheck.testing._cycles import (
    aware_datetimes,
    cycle_calendars,
    cycles,
    dates_in,
    zones,
)
from pbcheck.testing._grades import GradeCase, grade_cases, grading_policies
from pbcheck.testing._interchange import (
    MUTATIONS,
    broken_documents,
    documents,
    evaluation_lists,
    json_values,
    outcome_policies,
    results,
    rubric_sets,
    set_results,
)
from pbcheck.testing._offices import OFFICE_RUBRICS, office_rubric, office_seasons
from pbcheck.testing._outcomes import bottom_matrices, seasons
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
from pbcheck.testing._season import (
    season_event_candidates,
    season_events,
    season_plan,
)
from pbcheck.testing._season_calendar import (
    calendar_days,
    rectification_histories,
    working_calendars,
)
from pbcheck.testing._simulation import weight_sets, weighted_seasons
from pbcheck.testing._spreadsheets import (
    raw_xlsx,
    rows_to_csv,
    rows_to_xlsx,
    spreadsheet_rows,
)
from pbcheck.testing._store import HOSTILE_IDS, stored_events
from pbcheck.testing._text import TEXT_KEYS, UNSAFE_CHARACTERS, unsafe_text_documents
from pbcheck.testing._waivers import (
    not_applicable_policies,
    season_with_waivers,
    waived,
)

__all__ = [
    "HOSTILE_IDS",
    "MUTATIONS",
    "OFFICE_RUBRICS",
    "ROLL_UP_AGGREGATORS",
    "TEXT_KEYS",
    "UNSAFE_CHARACTERS",
    "GradeCase",
    "aware_datetimes",
    "bottom_matrices",
    "branch_activities",
    "branch_frequencies",
    "branch_names",
    "branch_seasons",
    "broken_documents",
    "bulk_rubric_sets",
    "bulk_rubrics",
    "bulk_seasons",
    "bulk_seasons_with_waivers",
    "calendar_days",
    "cycle_calendars",
    "cycles",
    "dates_in",
    "documents",
    "evaluation_lists",
    "evaluations_for",
    "exact_numbers",
    "grade_cases",
    "grading_policies",
    "indicators",
    "json_values",
    "not_applicable_policies",
    "observed_values",
    "office_rubric",
    "office_seasons",
    "org_trees",
    "outcome_policies",
    "raw_xlsx",
    "rectification_histories",
    "results",
    "rows_to_csv",
    "rows_to_xlsx",
    "rubric_and_evaluation",
    "rubric_sets",
    "rubrics",
    "season_event_candidates",
    "season_events",
    "season_plan",
    "season_with_waivers",
    "seasons",
    "set_results",
    "spreadsheet_rows",
    "stored_events",
    "unsafe_text_documents",
    "value_rules",
    "waived",
    "weight_sets",
    "weighted_seasons",
    "working_calendars",
    "zones",
]
