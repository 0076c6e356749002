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

from pbcheck import DirectScore, GeometricMean, Indicator, Rubric, Section
from pbcheck._numbers import MAX_PLACES, RoundingPolicy
from pbcheck.errors import (
    Id,
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
    Source,
)
from pbcheck.model.rubric import MAX_DEPTH
from pbcheck.outcomes.grading import GradeGate, GradeOverride
from pbcheck.outcomes.ranking import Quota, RankingPolicy
from pbcheck.outcomes.selection import BottomPolicy, CommendationPolicy


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


def test_an_unknown_rubric_item_names_the_close_ids() -> None:
    """Rubric.indicator and Rubric.points_of refuse an unknown id with the
    library's KeyError, naming the rubric and the ids it has."""
    from pbcheck.examples.small import simple_rubric

    rubric = simple_rubric()
    for lookup in (rubric.indicator, rubric.points_of):
        with pytest.raises(UnknownItemError) as caught:
            lookup("ii")
        assert caught.value.close == ("i",)
        assert f"rubric {rubric.id} {rubric.version}" in str(caught.value)
        assert "$" not in str(caught.value)


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


# -- rubrics ------------------------------------------------------------------------


def _leaf(indicator_id: str, points: int) -> Indicator:
    return Indicator(indicator_id, "指标", points, DirectScore())


def test_a_rubric_nested_too_deep_is_refused_without_recursion_error() -> None:
    """A rubric 1,000 levels deep: an InvalidValueError at the first level too deep."""
    section = Section("L999", "末级", 100, indicators=[_leaf("i", 100)])
    for depth in range(998, -1, -1):
        section = Section(f"L{depth}", "层级", 100, sections=[section])
    with pytest.raises(ValidationError) as caught:
        Rubric("r", "1", "细则", [section])
    [problem] = caught.value.problems
    assert problem.value == f"L{MAX_DEPTH}"
    assert problem.message == f"nests sections more than {MAX_DEPTH} levels deep"
    assert problem.steps[-2:] == ("sections", Id(f"L{MAX_DEPTH}"))


def test_a_rubric_at_the_most_depth_is_built() -> None:
    """MAX_DEPTH levels of sections are still a rubric: the bound is not off by one."""
    section = Section(f"L{MAX_DEPTH}", "末级", 100, indicators=[_leaf("i", 100)])
    for depth in range(MAX_DEPTH - 1, 0, -1):
        section = Section(f"L{depth}", "层级", 100, sections=[section])
    assert Rubric("r", "1", "细则", [section]).max_total == 100


def test_an_unreadable_total_does_not_hide_the_sums_below() -> None:
    """total_points written 七十 is reported, and so is a section's own bad sum."""
    sections = [
        Section("A", "常规", 70, indicators=[_leaf("A1", 60)]),
        Section("B", "发展", 30, indicators=[_leaf("B1", 30)]),
    ]
    with pytest.raises(ValidationError) as caught:
        Rubric("r", "1", "细则", sections, total_points="七十")  # type: ignore[arg-type]
    assert [p.path for p in caught.value.problems] == [
        "rubric.total_points",
        "rubric.sections[A].weights",
    ]


def test_a_missing_weight_does_not_hide_other_sections_problems() -> None:
    """With percent weights, a missing weight in A leaves A's sub-section checked."""
    inner = Section(
        "S",
        "子项",
        50,
        indicators=[
            Indicator("S1", "指标", 5, DirectScore(), weight=60),
            Indicator("S2", "指标", 5, DirectScore(), weight=30),
        ],
    )
    sections = [
        Section("A", "常规", 100, sections=[inner], indicators=[_leaf("A1", 5)]),
    ]
    with pytest.raises(ValidationError) as caught:
        Rubric("r", "1", "细则", sections, weighting="percent")
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "rubric.sections[A].indicators[A1].weight",
        "rubric.sections[A].sections[S].weights",
    ]


def test_source_weights_are_copied() -> None:
    """Changing the caller's dict afterwards cannot change a built rubric."""
    weights = {"self": 0, "team": 1}
    rubric = Rubric(
        "r",
        "1",
        "细则",
        [Section("A", "常规", 100, indicators=[_leaf("A1", 100)])],
        source_weights=weights,  # type: ignore[arg-type]
    )
    weights["team"] = 5
    assert rubric.source_weights[Source.TEAM] == 1


def test_a_bad_source_weight_is_not_called_a_bad_source() -> None:
    """A weight that is not a number is named as such; its source is fine."""
    with pytest.raises(ValidationError) as caught:
        Rubric(
            "r",
            "1",
            "细则",
            [Section("A", "常规", 100, indicators=[_leaf("A1", 100)])],
            source_weights={"team": "一"},  # type: ignore[dict-item]
        )
    [problem] = caught.value.problems
    assert problem.path == "rubric.source_weights.team"
    assert "decimal number" in problem.message


@pytest.mark.parametrize("weights", [None, [("team", 1)], "team"])
def test_source_weights_that_are_not_a_mapping_are_refused(weights: object) -> None:
    """None, a list of pairs or a string: an InvalidTypeError, not AttributeError."""
    with pytest.raises(ValidationError) as caught:
        Rubric(
            "r",
            "1",
            "细则",
            [Section("A", "常规", 100, indicators=[_leaf("A1", 100)])],
            source_weights=weights,  # type: ignore[arg-type]
        )
    [problem] = caught.value.problems
    assert isinstance(problem, InvalidTypeError)
    assert problem.path == "rubric.source_weights"


# -- outcome policies ---------------------------------------------------------------


@pytest.mark.parametrize("policy", [BottomPolicy, CommendationPolicy])
def test_per_series_is_copied(policy: type) -> None:
    """A later change to the caller's dict cannot change a frozen policy."""
    per_series = {"党群部门": Quota(count=5)}
    made = policy(Quota(count=1), per_series=per_series)
    per_series["党群部门"] = Quota(count=50)
    per_series["政府部门"] = Quota(count=9)
    assert made.quota_for("党群部门") == Quota(count=5)
    assert made.quota_for("政府部门") == Quota(count=1)


@pytest.mark.parametrize("policy", [BottomPolicy, CommendationPolicy])
def test_per_series_members_are_checked(policy: type) -> None:
    """A quota that is not a Quota, and a blank series, each named."""
    with pytest.raises(ValidationError) as caught:
        policy(Quota(count=1), per_series={"党群部门": 3, " ": Quota(count=1)})
    assert [(p.path, p.value) for p in caught.value.problems] == [
        ('policy.per_series["党群部门"]', 3),
        ("policy.per_series", " "),
    ]


@pytest.mark.parametrize("policy", [BottomPolicy, CommendationPolicy])
def test_per_series_must_be_a_mapping(policy: type) -> None:
    """A list where a mapping belongs: InvalidTypeError, not AttributeError later."""
    with pytest.raises(InvalidTypeError) as caught:
        policy(Quota(count=1), per_series=[("党群部门", Quota(count=5))])
    assert caught.value.path == "policy.per_series"


def test_a_bad_block_from_lists_the_kinds() -> None:
    """block_from outside AccountabilityKind: InvalidValueError listing the kinds."""
    with pytest.raises(InvalidValueError) as caught:
        CommendationPolicy(Quota(count=1), block_from="诫勉")  # type: ignore[arg-type]
    assert caught.value.path == "policy.block_from"
    assert "'admonishment'" in caught.value.message


def test_bad_gate_kinds_and_override_levels_are_named() -> None:
    """Grade rules: each kind or level outside its enum named by position."""
    with pytest.raises(ValidationError) as caught:
        GradeGate("g", "较好", kinds=["circulated_criticism", "通报"])
    assert [(p.path, p.value) for p in caught.value.problems] == [("kinds[1]", "通报")]
    with pytest.raises(ValidationError) as caught:
        GradeOverride("o", "好", levels=["县级"])
    assert [(p.path, p.value) for p in caught.value.problems] == [("levels[0]", "县级")]


@pytest.mark.parametrize("digits", [10**9, 5, "40", True])
def test_a_geometric_mean_precision_is_bounded(digits: object) -> None:
    """GeometricMean(digits=10**9) would never finish; digits is 10 to MAX_DIGITS."""
    with pytest.raises(InvalidValueError) as caught:
        GeometricMean(digits=digits)  # type: ignore[arg-type]
    assert caught.value.path == "aggregator.digits"
    assert caught.value.value == digits


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: RankingPolicy(ties="skip"), "ties"),  # type: ignore[arg-type]
        (lambda: RankingPolicy(basis="float"), "basis"),  # type: ignore[arg-type]
        (lambda: RankingPolicy(mixed_rubrics="merge"), "mixed_rubrics"),  # type: ignore[arg-type]
        (lambda: BottomPolicy(ties="drop"), "ties"),  # type: ignore[arg-type]
        (lambda: BottomPolicy(group_by="unit"), "group_by"),  # type: ignore[arg-type]
        (
            lambda: CommendationPolicy(Quota(count=1), rating_measure="mean"),  # type: ignore[arg-type]
            "rating_measure",
        ),
        (
            lambda: CommendationPolicy(Quota(count=1), group_by=None),  # type: ignore[arg-type]
            "group_by",
        ),
    ],
)
def test_a_policy_choice_outside_its_options_lists_them(
    make: object, field: str
) -> None:
    """Not attrs' bare ValueError with a tuple for text: the field and the options."""
    with pytest.raises(InvalidValueError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.path == f"policy.{field}"
    assert caught.value.message.startswith("must be one of '")


def test_an_unknown_unit_kind_lists_the_kinds():
    """OrgUnit(kind="科室") is a library error naming the allowed kinds."""
    from pbcheck import OrgUnit
    from pbcheck.errors import InvalidValueError

    with pytest.raises(InvalidValueError) as info:
        OrgUnit(id="czj", name="市财政局机关党委", kind="科室")
    assert info.value.path == "kind"
    assert "working_committee" in info.value.message


@pytest.mark.parametrize("field", ["note", "rater"])
def test_a_lone_surrogate_in_free_text_is_refused_when_recorded(field):
    """It used to pass validate and crash score on writing; now it names the field."""
    from pbcheck import Observation
    from pbcheck.errors import InvalidValueError

    with pytest.raises(InvalidValueError) as info:
        Observation("A1", 1, **{field: "备注\ud800"})
    assert info.value.path == field
    assert "U+D800" in info.value.message


def test_notes_keep_their_line_breaks():
    """A note may span lines; other control characters are refused."""
    from pbcheck import Observation
    from pbcheck.errors import InvalidValueError

    assert Observation("A1", 1, note="第一行\n第二行").note == "第一行\n第二行"
    with pytest.raises(InvalidValueError):
        Observation("A1", 1, note="响铃\a")


def test_a_very_long_number_in_a_sheet_says_so():
    """A 5,000-digit cell names the cell and the digit limit, not "not a number"."""
    from pbcheck.errors import ValidationError
    from pbcheck.examples.small import simple_rubric
    from pbcheck.io.spreadsheets import read_evaluations

    table = f"单位编码,指标编码,得分\nSFJ,i,{'1' * 5000}\n"
    with pytest.raises(ValidationError) as info:
        read_evaluations(table.encode(), simple_rubric(), file_format="csv")
    (problem,) = info.value.problems
    assert problem.path.startswith("<csv>:2:C")
    assert "more than 1000 digits" in problem.message
