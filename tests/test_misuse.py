"""Misuse from Python gets a library error, not a bare one from deep inside (issue 17).

An integrator calling the constructors directly makes mistakes a document
loader would have caught: dicts or ``None`` where records belong, a source
spelt the way people say it, an item id that is not there, a rounding policy
of a million places, a rubric nested a thousand levels deep.  Each is refused
with an error of :mod:`pbcheck.errors` naming the field and the value.
"""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from pbcheck._numbers import MAX_PLACES, RoundingPolicy
from pbcheck.errors import (
    InvalidTypeError,
    InvalidValueError,
    PbcheckError,
    UnknownItemError,
    ValidationError,
)
from pbcheck.examples.small import scorecards
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Incident,
    NotApplicable,
    Observation,
)


@pytest.mark.parametrize(
    "field", ["observations", "activities", "incidents", "not_applicable"]
)
@pytest.mark.parametrize("value", [None, {"indicator_id": "A1"}, 5, "A1"])
def test_records_that_are_not_a_list_are_refused(field: str, value: object) -> None:
    """None, a dict, a number or a string where a list of records belongs."""
    with pytest.raises(InvalidTypeError) as caught:
        Evaluation("czj", **{field: value})  # type: ignore[arg-type]
    assert caught.value.path == field
    assert caught.value.value == value


@pytest.mark.parametrize(
    ("field", "good", "kind"),
    [
        ("observations", Observation("A1", "80"), "an Observation"),
        ("activities", Activity("B3", date(2025, 6, 18)), "an Activity"),
        ("incidents", Incident("D1", date(2025, 6, 18)), "an Incident"),
        ("not_applicable", NotApplicable("B2", "无审批职能"), "a NotApplicable"),
    ],
)
def test_members_that_are_not_records_are_each_named(
    field: str, good: object, kind: str
) -> None:
    """Dicts and None among records: every bad member named by its position."""
    with pytest.raises(ValidationError) as caught:
        Evaluation("czj", **{field: [good, {"indicator_id": "A1"}, None]})  # type: ignore[arg-type]
    assert [(p.path, p.value, p.message) for p in caught.value.problems] == [
        (f"{field}[1]", {"indicator_id": "A1"}, f"must be {kind}"),
        (f"{field}[2]", None, f"must be {kind}"),
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda source: Observation("A1", "80", source=source),
        lambda source: Activity("B3", date(2025, 6, 18), source=source),
        lambda source: Incident("D1", date(2025, 6, 18), source=source),
    ],
    ids=["observation", "activity", "incident"],
)
@pytest.mark.parametrize("source", ["考评组", "TEAM", None, 3])
def test_a_bad_source_lists_the_sources(make: object, source: object) -> None:
    """A source that is not one of Source's values: InvalidValueError listing them."""
    with pytest.raises(InvalidValueError) as caught:
        make(source)  # type: ignore[operator]
    assert caught.value.path == "source"
    assert caught.value.value == source
    assert "'spot_check'" in caught.value.message


def test_a_source_given_as_text_still_works() -> None:
    """The documented spelling, a Source's value, is still accepted."""
    assert Observation("A1", "80", source="spot_check").source.label_zh == "明察暗访"


def test_explaining_an_unknown_item_names_it_and_the_close_ids() -> None:
    """explain("nope") is a PbcheckError and still a KeyError, naming close ids."""
    card = scorecards({"a": 85})[0]
    with pytest.raises(KeyError) as caught:
        card.explain("ii")
    error = caught.value
    assert isinstance(error, UnknownItemError)
    assert isinstance(error, PbcheckError)
    assert error.args[0] == "ii"
    assert error.close == ("i",)
    assert str(error) == "'ii' names nothing in the scorecard; close ids: 'i'"


def test_an_unknown_item_error_survives_pickling() -> None:
    """The error crosses a process with its id, close ids and text."""
    error = UnknownItemError("A3", ["A1", "A2", "B1"], "the scorecard")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.item, copy.close, copy.where, str(copy)) == (
        error.item,
        error.close,
        error.where,
        str(error),
    )


def test_a_rounding_policy_has_a_most_places() -> None:
    """RoundingPolicy(places=10**6) is refused; MAX_PLACES is still accepted."""
    with pytest.raises(InvalidValueError) as caught:
        RoundingPolicy(places=10**6)
    assert caught.value.path == "rounding.places"
    assert caught.value.value == 10**6
    assert RoundingPolicy(places=MAX_PLACES).format(1) == "1." + "0" * MAX_PLACES  # type: ignore[arg-type]
