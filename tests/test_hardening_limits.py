"""Bounded problem collection and over-long numbers (issue 17).

A hostile input of millions of mistakes must cost bounded memory and print a
bounded report: a :class:`~pbcheck.errors.ValidationError` keeps the first
:data:`~pbcheck.errors.MAX_PROBLEMS` problems and counts the rest.  A number
with more digits than :data:`~pbcheck._numbers.MAX_DIGITS` is refused by name
before Python's own int/str conversion limit (4,300 digits) can fail with a
bare :class:`ValueError`.
"""

from __future__ import annotations

import pickle
import tracemalloc
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from pbcheck import DirectScore, Indicator, to_exact
from pbcheck._numbers import MAX_DIGITS
from pbcheck.errors import (
    MAX_PROBLEMS,
    InvalidValueError,
    Problem,
    ValidationError,
    _Problems,
    render,
)
from pbcheck.examples import example_rubric
from pbcheck.io.spreadsheets import read_evaluations
from pbcheck.model.evaluation import Activity, Evaluation

HUGE = 100_000  # problems found, far more than are kept


def _bad(index: int) -> InvalidValueError:
    return InvalidValueError(("rows", index), index, "is bad")


# -- item 1: bounded problem collection -------------------------------------------


def test_a_validation_error_keeps_the_first_problems_and_counts_the_rest() -> None:
    """Past MAX_PROBLEMS the leaves are counted, not kept; the text says how many."""
    error = ValidationError("invalid table", [_bad(i) for i in range(MAX_PROBLEMS + 7)])
    assert len(error.exceptions) == MAX_PROBLEMS
    assert len(error.problems) == MAX_PROBLEMS
    assert error.omitted == 7
    assert error.problems[-1].steps == ("rows", MAX_PROBLEMS - 1)
    lines = render(error)
    assert lines[0] == f"invalid table: {MAX_PROBLEMS + 7} problems"
    assert lines[-1] == "  … and 7 more problems"
    assert len(lines) == MAX_PROBLEMS + 2
    assert str(error).endswith("… and 7 more problems")


def test_no_count_line_when_every_problem_is_listed() -> None:
    """An error with few problems reads as before: no count line, omitted 0."""
    error = ValidationError("invalid tree", [_bad(0), _bad(1)])
    assert error.omitted == 0
    assert render(error) == [
        "invalid tree: 2 problems",
        "  rows[0]: is bad (got 0)",
        "  rows[1]: is bad (got 1)",
    ]


def test_a_generator_of_problems_is_not_kept_whole() -> None:
    """Given an iterator, the error keeps MAX_PROBLEMS and counts the rest lazily.

    Memory stays bounded: 100,000 problems made one at a time never exist
    together.
    """
    tracemalloc.start()
    try:
        error = ValidationError("invalid table", (_bad(i) for i in range(HUGE)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.omitted == HUGE - MAX_PROBLEMS
    assert peak < 10 * 2**20  # 100,000 problems kept would take ~50 MB


def test_the_collector_keeps_the_first_problems_and_counts_the_rest() -> None:
    """_Problems stops keeping at MAX_PROBLEMS; len counts all; the error says so."""
    problems = _Problems("invalid evaluation")
    before = len(problems)
    for index in range(MAX_PROBLEMS + 3):
        problems.add(_bad(index))
    assert len(problems) == MAX_PROBLEMS + 3 > before
    assert problems.full
    assert len(list(problems)) == MAX_PROBLEMS
    with pytest.raises(ValidationError) as caught:
        problems.raise_if_any()
    assert caught.value.omitted == 3
    assert render(caught.value)[-1] == "  … and 3 more problems"


def test_nested_groups_add_their_counts() -> None:
    """An error holding another counts the inner one's omitted problems too."""
    inner = ValidationError("inner", [_bad(i) for i in range(MAX_PROBLEMS + 2)])
    outer = ValidationError("outer", [_bad(-1), inner], omitted=5)
    assert len(outer.problems) == MAX_PROBLEMS
    # one leaf of the outer group and MAX_PROBLEMS of the inner: one more than shown
    assert outer.omitted == 5 + 2 + 1


def test_the_count_survives_pickling() -> None:
    """A bounded error crosses a process with its count of omitted problems."""
    error = ValidationError("invalid table", [_bad(i) for i in range(MAX_PROBLEMS + 4)])
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert copy.omitted == 4
    assert str(copy) == str(error)


def test_a_bad_count_is_refused() -> None:
    """``omitted`` must be a whole number ≥ 0."""
    with pytest.raises(TypeError, match="omitted"):
        ValidationError("x", [_bad(0)], omitted=-1)


def test_an_evaluation_with_thousands_of_bad_records_lists_a_bounded_number() -> None:
    """A constructor gathering problems through _Problems keeps MAX_PROBLEMS of them."""
    activities = [
        Activity("B3", date(2025, 6, 18), branch="第九支部")
        for _ in range(MAX_PROBLEMS + 50)
    ]
    with pytest.raises(ValidationError) as caught:
        Evaluation("czj", activities=activities)
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.omitted == 50


# -- item 2: long numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "1" * 5000,
        "1" * (MAX_DIGITS + 1),
        "0." + "1" * MAX_DIGITS,
        "1/" + "3" * 5000,
        10**5000,
        -(10**MAX_DIGITS),
        Decimal("1E+5000"),
        Decimal("1E-5000"),
        Fraction(1, 10**5000),
    ],
    ids=[
        "str-5000",
        "str-limit+1",
        "decimals-limit+1",
        "fraction-5000",
        "int-5000",
        "int-limit+1",
        "decimal-exponent",
        "decimal-places",
        "fraction-denominator",
    ],
)
def test_a_number_with_too_many_digits_is_a_library_error(value: object) -> None:
    """Past MAX_DIGITS, to_exact names the field; no bare ValueError from int()."""
    with pytest.raises(InvalidValueError) as caught:
        to_exact(value, ("observations", 0, "value"))
    assert caught.value.path == "observations[0].value"
    assert caught.value.message == f"has more than {MAX_DIGITS} digits"
    assert caught.value.value == value
    assert len(str(caught.value)) < 200  # the value is described, not written out


@pytest.mark.parametrize(
    "value",
    ["9" * MAX_DIGITS, "0." + "1" * (MAX_DIGITS - 1), 10**MAX_DIGITS - 1],
    ids=["str", "decimals", "int"],
)
def test_a_number_at_the_limit_is_read(value: object) -> None:
    """MAX_DIGITS digits are still a number: the bound is not off by one."""
    assert to_exact(value, ("x",)) == Fraction(value)  # type: ignore[arg-type]


def test_a_long_weight_given_to_a_constructor_names_the_field() -> None:
    """Indicator(max_points=<5000 digits>) is refused with the field named."""
    with pytest.raises(ValidationError) as caught:
        Indicator("A1", "台账", "1" * 5000, DirectScore())
    [problem] = caught.value.problems
    assert problem.path == "indicator[A1].max_points"
    assert f"more than {MAX_DIGITS} digits" in problem.message


def test_a_long_number_in_a_sheet_names_the_cell() -> None:
    """A 5,000-digit score in a CSV cell is a library error naming the cell."""
    rows = [
        ["单位编码", "指标编码", "评分来源", "评分人", "得分"],
        ["czj", "A2.1.2", "考评组", "考评组甲", "1" * 5000],
    ]
    data = "".join(",".join(row) + "\r\n" for row in rows).encode()
    with pytest.raises(ValidationError) as caught:
        read_evaluations(data, example_rubric(), file_format="csv")
    [problem] = caught.value.problems
    assert isinstance(problem, Problem)
    assert problem.path == "<csv>:2:E (得分)"
    assert problem.value == "1" * 5000


def test_an_over_long_value_is_shortened_in_messages() -> None:
    """A problem quoting a huge value stays short; ``value`` keeps it whole."""
    problem = InvalidValueError(("x",), 7**6000, "is bad")
    assert "about 5071 digits" in str(problem)
    assert problem.value == 7**6000


def test_the_command_line_and_problem_details_count_what_they_leave_out(
    tmp_path, capsys
):
    """1,200 bad evaluations: 1,000 problems shown, then the count of the rest."""
    import json

    from pbcheck.cli import main
    from pbcheck.errors import MAX_PROBLEMS, ValidationError
    from pbcheck.io.interchange import loads, problem_details

    document = {
        "schema_version": 1,
        "kind": "evaluations",
        "evaluations": [[0]] * (MAX_PROBLEMS + 200),
    }
    path = tmp_path / "e.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert f"{path}: … and 200 more problems" in lines
    try:
        loads(json.dumps(document))
    except ValidationError as error:
        details = problem_details(error)
    assert len(details["errors"]) == MAX_PROBLEMS
    assert details["omitted"] == 200


def test_a_document_keeps_the_first_problems_and_counts_every_other_one():
    """Nested problems are counted exactly, though only the first ones are kept.

    100 bad evaluations give all their problems; 500 give five times as many,
    of which the first MAX_PROBLEMS are kept with their paths.
    """
    import json

    from pbcheck.errors import MAX_PROBLEMS, ValidationError
    from pbcheck.io.interchange import loads

    def problems(units: int) -> ValidationError:
        evaluations = [
            {"unit_id": f"u{n}", "observations": [{}, {"indicator_id": ""}]}
            for n in range(units)
        ]
        document = {
            "schema_version": 1,
            "kind": "evaluations",
            "evaluations": evaluations,
        }
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(document))
        return info.value

    few = problems(100)
    assert few.omitted == 0
    many = problems(500)
    assert len(many.problems) == MAX_PROBLEMS
    assert len(many.problems) + many.omitted == 5 * len(few.problems)
    assert many.problems[0].path.startswith("$.evaluations[0].observations[0]")
