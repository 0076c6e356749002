"""Errors survive pickling, so they cross process boundaries (workers, queues, caches).

An exception pickles its ``args`` and is rebuilt by calling its class with
them.  A problem's ``args`` hold its rendered text, not what it was made of;
each error therefore says how it is rebuilt, and these tests hold every class
of :mod:`pbcheck.errors` to it.
"""

from __future__ import annotations

import functools
import io
import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from fractions import Fraction
from types import TracebackType
from typing import TypeVar

import pytest

from pbcheck import errors
from pbcheck._numbers import to_exact
from pbcheck.errors import (
    DOCUMENT,
    Id,
    InvalidTypeError,
    MissingExtraError,
    PbcheckError,
    Problem,
    UnknownAggregatorError,
    UnknownRuleError,
    ValidationError,
)
from pbcheck.examples import example_rubric
from pbcheck.io.interchange import dumps, loads

_PROBLEM_CLASSES = sorted(
    (
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, Problem)
    ),
    key=lambda cls: cls.__name__,
)
E = TypeVar("E", bound=BaseException)
_STEPS = ("rubric", "sections", Id("思想.建设"), "indicators", 2, "weight")


def _round_trip(error: E) -> E:
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    assert type(copy) is type(error)
    return copy


def _same_problem(copy: Problem, original: Problem) -> None:
    assert type(copy) is type(original)
    assert (copy.steps, copy.path, copy.value, copy.message) == (
        original.steps,
        original.path,
        original.value,
        original.message,
    )
    assert str(copy) == str(original)


@pytest.mark.parametrize("cls", _PROBLEM_CLASSES, ids=lambda cls: cls.__name__)
def test_every_problem_class(cls: type[Problem]) -> None:
    """Each kind of problem comes back with its steps, value and message."""
    original = cls(_STEPS, Fraction(-1, 3), "must be ≥ 0")
    _same_problem(_round_trip(original), original)


def test_notes_come_back_too() -> None:
    """What was added after construction (a note) is restored after rebuilding."""
    original = InvalidTypeError((DOCUMENT, "rounding", "places"), 1.5, "not exact")
    original.add_note("while loading rubric.toml")
    copy = _round_trip(original)
    assert copy.__notes__ == ["while loading rubric.toml"]


def test_a_document_place() -> None:
    """A problem placed in a file keeps the ``$`` root and its indices."""
    original = InvalidTypeError((DOCUMENT, "sections", 1, "weight"), "x", "bad")
    _same_problem(_round_trip(original), original)


@pytest.mark.parametrize(
    "original",
    [
        MissingExtraError("excel", "reading .xlsx workbooks"),
        UnknownAggregatorError("unknown aggregator 'mode'; known: mean"),
        UnknownRuleError("unknown rule 'per_mille'; known: pass_fail"),
        PbcheckError("anything"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_the_other_errors(original: PbcheckError) -> None:
    """Errors that are not problems come back with their text and attributes."""
    copy = _round_trip(original)
    assert str(copy) == str(original)
    assert vars(copy) == vars(original)


def test_missing_extra_keeps_its_fields() -> None:
    """``extra`` and ``feature`` are the constructor's arguments, rebuilt as such."""
    copy = _round_trip(MissingExtraError("plots", "charts in the HTML report"))
    assert (copy.extra, copy.feature) == ("plots", "charts in the HTML report")
    assert isinstance(copy, ImportError)


def test_a_validation_error_of_several() -> None:
    """A group, nested groups included, comes back with every leaf in order."""
    leaves = [
        errors.InvalidValueError(("a", 0), "1", "x"),
        errors.DuplicateIdError(("tree", "units", 2, "id"), "czj", "is a duplicate"),
    ]
    inner = ValidationError("inner", [errors.UnknownReferenceError(("b",), 2, "y")])
    original = ValidationError("invalid rubric", [*leaves, inner])
    copy = _round_trip(original)
    assert copy.message == original.message
    assert str(copy) == str(original)
    assert len(copy.problems) == 3
    for mine, theirs in zip(copy.problems, original.problems, strict=True):
        _same_problem(mine, theirs)


def _bad_rubric() -> str:
    data = json.loads(dumps(example_rubric()))
    data["sections"][0]["weight"] = "-1"
    data["sections"][1]["title"] = ""
    data["colour"] = "red"
    return json.dumps(data, ensure_ascii=False)


def test_raised_in_a_worker_process() -> None:
    """Raised in a worker, an error reaches the caller whole, through the pool."""
    text = _bad_rubric()
    with pytest.raises(ValidationError) as here:
        loads(text, "rubric")
    with ProcessPoolExecutor(max_workers=1) as pool:
        document = pool.submit(functools.partial(loads, text, "rubric"))
        number = pool.submit(functools.partial(to_exact, 0.1, ("x", Id("1"))))
        with pytest.raises(ValidationError) as there:
            document.result()
        with pytest.raises(InvalidTypeError) as exact:
            number.result()
    assert len(there.value.problems) >= 2
    assert str(there.value) == str(here.value)
    for mine, theirs in zip(there.value.problems, here.value.problems, strict=True):
        _same_problem(mine, theirs)
    assert exact.value.steps == ("x", Id("1"))
    assert exact.value.value == 0.1


def test_pickled_with_its_chain_as_tblib_does() -> None:
    """A loading error crosses a process with its chain, as distributed sends it.

    tblib, which distributed installs for the errors it ships between
    processes, pickles an exception with its ``__cause__`` and
    ``__context__``; one link that cannot be rebuilt (cattrs' own errors
    cannot, that way) breaks the whole pool.
    """
    pickling_support = pytest.importorskip("tblib.pickling_support")

    class AsTblib(pickle.Pickler):
        def reducer_override(self, obj: object) -> object:
            if isinstance(obj, BaseException):
                return pickling_support.pickle_exception(obj)
            if isinstance(obj, TracebackType):
                return pickling_support.pickle_traceback(obj)
            return NotImplemented

    with pytest.raises(ValidationError) as caught:
        loads(_bad_rubric(), "rubric")
    buffer = io.BytesIO()
    AsTblib(buffer).dump(caught.value)
    copy = pickle.loads(buffer.getvalue())  # noqa: S301 - our own bytes, just made
    assert str(copy) == str(caught.value)
    for mine, theirs in zip(copy.problems, caught.value.problems, strict=True):
        _same_problem(mine, theirs)
