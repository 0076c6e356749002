"""Misuse of the season's values from Python: library errors naming the field, never attrs' own."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from pbcheck.errors import InvalidTypeError, InvalidValueError, PbcheckError
from pbcheck.examples.small import org_tree, simple_rubric
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.season import (
    Actor,
    Authority,
    EligibilityPolicy,
    NotApplicableMarked,
    ObjectionDecided,
    RectificationRaised,
    RectificationRechecked,
    SeasonPlan,
)

AT = datetime(2026, 6, 1, 9, tzinfo=timezone(timedelta(hours=8)))


def _plan(**changes: object) -> SeasonPlan:
    fields: dict[str, object] = {
        "season_id": "2025",
        "title": "2025年度考核",
        "rubric": simple_rubric(),
        "tree": org_tree({"党群部门": ["a", "b"]}),
        "cycle": AssessmentCycle.calendar_year(2025),
        "authority": Authority([Actor("kpb", "考核办", "office")]),
    }
    fields.update(changes)
    return SeasonPlan(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "field", "kind"),
    [
        (
            lambda: ObjectionDecided(
                at=AT, actor="kpb", objection_id="Y1", upheld=1, reason="复核"
            ),
            "upheld",
            InvalidTypeError,
        ),
        (
            lambda: RectificationRechecked(
                at=AT, actor="kpb", item_id="ZG-1", holds="yes", reason="回头看"
            ),
            "holds",
            InvalidTypeError,
        ),
        (
            lambda: NotApplicableMarked(
                at=AT, actor="kpb", unit_id="a", marker={"indicator_id": "i"}
            ),
            "marker",
            InvalidTypeError,
        ),
        (
            lambda: RectificationRaised(
                at=AT,
                actor="kpb",
                item_id="ZG-1",
                unit_id="a",
                problem="问题",
                basis="后位",
                responsible="张三",
                deadline=date(2026, 9, 1),
            ),
            "basis",
            InvalidValueError,
        ),
        (lambda: EligibilityPolicy(bottom="no"), "bottom", InvalidTypeError),
        (lambda: _plan(rubric="rubric.toml"), "rubric", InvalidTypeError),
        (lambda: _plan(tree=None), "tree", InvalidTypeError),
        (lambda: _plan(policy={"bottom": 1}), "policy", InvalidTypeError),
    ],
)
def test_misuse_is_a_library_error_naming_the_field(build, field, kind):
    with pytest.raises(PbcheckError) as caught:
        build()
    assert isinstance(caught.value, kind)
    assert caught.value.path == field
