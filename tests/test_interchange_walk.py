"""The first pass over a parsed document keeps MAX_PROBLEMS problems and counts the rest.

Non-finite numbers, keys given twice and times without offsets are found
before the document is structured; a document holding a great many of them
must cost a counter, not a problem object each (issue 17).
"""

from __future__ import annotations

import pytest

from pbcheck.errors import MAX_PROBLEMS, ValidationError, render
from pbcheck.io.interchange import loads


def test_non_finite_numbers_beyond_the_limit_are_counted():
    """5,000 NaNs: MAX_PROBLEMS listed with their paths, the rest counted."""
    count = MAX_PROBLEMS + 4000
    text = (
        '{"schema_version": 1, "kind": "evaluations", "evaluations": ['
        + ",".join(["NaN"] * count)
        + "]}"
    )
    with pytest.raises(ValidationError) as caught:
        loads(text, "evaluations")
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS
    assert problems[0].path == "$.evaluations[0]"
    assert problems[-1].path == f"$.evaluations[{MAX_PROBLEMS - 1}]"
    assert caught.value.omitted == count - MAX_PROBLEMS
    assert render(caught.value)[-1] == f"  … and {count - MAX_PROBLEMS} more problems"


def test_a_few_problems_are_all_listed():
    """Under the limit nothing is left out: every key given twice is named."""
    text = '{"schema_version": 1, "kind": "cycle", "a": 1, "a": 2, "b": NaN}'
    with pytest.raises(ValidationError) as caught:
        loads(text, "cycle")
    assert [p.path for p in caught.value.problems] == ["$.a", "$.b"]
    assert caught.value.omitted == 0
