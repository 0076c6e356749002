"""Fuzzing the text rule: one refused character anywhere in any document kind.

A rubric, rubric set (分类考核), org tree, cycle or evaluations document with
one control, bidirectional, zero-width or other refused character put into
any of its ids, names, titles or free texts (keys that are ids included) is
refused by the loader and by ``pbcheck validate``, the code point named —
never loaded, never a bare Python exception.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from pbcheck.cli import main
from pbcheck.errors import InvalidValueError, ValidationError, render
from pbcheck.io.interchange import loads
from pbcheck.testing._text import UNSAFE_CHARACTERS, unsafe_text_documents

_SUITED = settings(suppress_health_check=[HealthCheck.too_slow])


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


@_SUITED
@given(unsafe_text_documents())
def test_the_loader_names_the_code_point(drawn):
    """The document is refused with an InvalidValueError naming the character."""
    kind, _, char, data = drawn
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(data), kind)
    named = [p for p in caught.value.problems if _code(char) in p.message]
    assert named, "\n".join(render(caught.value))
    assert all(isinstance(p, InvalidValueError) for p in named)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(unsafe_text_documents())
def test_validate_refuses_and_names_the_file(drawn):
    """``pbcheck validate`` exits 1 and prints the code point beside the file."""
    _, _, char, data = drawn
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.json"
        # ASCII escapes: a lone surrogate cannot be written as UTF-8.
        path.write_text(json.dumps(data), encoding="ascii")
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["validate", str(path)])
    assert code == 1
    assert str(path) in err.getvalue()
    assert _code(char) in err.getvalue()


def test_every_class_of_the_rule_is_drawn():
    """The characters cover each class the rule names (and each is refused)."""
    from pbcheck._text import unsafe_character

    kinds = {unsafe_character(f"a{c}b").split("(")[1] for c in UNSAFE_CHARACTERS}
    assert kinds >= {
        "a control character)",
        "a lone surrogate)",
        "a bidirectional control)",
        "a zero-width character)",
        "a line separator)",
        "a noncharacter)",
        "an invisible format character)",
    }
