"""Hypothesis strategies for the text rule: documents with one refused character.

Every id, name, title and free text of a document is held to one rule
(control characters, lone surrogates, bidirectional controls, zero-width and
other invisible characters, line separators and noncharacters are refused,
the code point named).  :func:`unsafe_text_documents` draws the plain data
of a valid rubric, rubric set (分类考核), org tree, cycle or evaluations
document with one such character put into one of its texts — a value or a
key that is an id — and says where.

>>> from hypothesis import find
>>> kind, path, char, data = find(
...     unsafe_text_documents(), lambda drawn: drawn[0] == "rubric_set"
... )
>>> kind, len(char)
('rubric_set', 1)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from pbcheck.io.interchange import dumps
from pbcheck.testing._cycles import cycles
from pbcheck.testing._interchange import evaluation_lists, rubric_sets
from pbcheck.testing._rubrics import org_trees, rubrics

__all__ = ["TEXT_KEYS", "UNSAFE_CHARACTERS", "unsafe_text_documents"]

#: Parsed JSON: objects, lists and scalars.
_Data = Any

#: One character of each refused class, as the rule names them.
UNSAFE_CHARACTERS: tuple[str, ...] = (
    "\x00",  # control (C0)
    "\x07",  # control: the terminal bell
    "\x1b",  # control: starts an escape sequence
    "\n",  # control: forges a line (allowed only in free text)
    "\x85",  # control (C1): next line
    "\ud800",  # lone surrogate
    "\u202e",  # bidirectional control: right-to-left override
    "\u2067",  # bidirectional control: right-to-left isolate
    "\u200b",  # zero-width space
    "\ufeff",  # zero-width no-break space (byte order mark)
    "\u00ad",  # soft hyphen (invisible format character)
    "\u2028",  # line separator
    "\uffff",  # noncharacter
)

#: Keys whose string values are texts a person reads or an id: the rule's scope.
TEXT_KEYS = frozenset(
    {
        "id",
        "unit_id",
        "indicator_id",
        "item_id",
        "parent",
        "title",
        "name",
        "name_zh",
        "name_en",
        "label_zh",
        "label_en",
        "series",
        "liaison_group",
        "rater",
        "reason",
        "note",
        "category",
        "branch",
        "activity",
        "description",
    }
)
#: Objects whose keys are ids or names, so a key is a text too.
_KEYED = frozenset({"by_series", "by_unit", "individual", "groupings"})
#: Characters free text may hold: a line break is refused elsewhere only.
_FREE_TEXT = frozenset({"note", "description", "reason"})


def _texts(data: _Data, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of every text value, and of every key that is an id (ending in a key marker)."""
    if isinstance(data, dict):
        keyed = bool(path) and path[-1] in _KEYED
        for key, value in data.items():
            if keyed:
                yield (*path, (key,))
            if isinstance(value, str) and key in TEXT_KEYS:
                yield (*path, key)
            else:
                yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*path, index))


def _insert(data: _Data, path: tuple[Any, ...], char: str, at: int) -> None:
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if isinstance(last, tuple):  # a key: renamed in place, order kept
        (old,) = last
        new = old[:at] + char + old[at:]
        items = [(new if k == old else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
    else:
        text = parent[last]
        parent[last] = text[:at] + char + text[at:]


@st.composite
def unsafe_text_documents(
    draw: st.DrawFn,
) -> tuple[str, tuple[Any, ...], str, dict[str, Any]]:
    """``(kind, path, character, data)``: a document's data with one refused character.

    *path* leads to the text that now holds *character* (a last step
    ``(key,)`` means the key itself, e.g. a unit id in ``by_series``); the
    loader must refuse *data*, naming the code point.  A line break is put
    only where it is refused (ids, names and titles, not notes or reasons).

    >>> from hypothesis import given, settings
    >>> from pbcheck.io.interchange import loads
    >>> from pbcheck.errors import ValidationError
    >>> @settings(max_examples=5, database=None, derandomize=True)
    ... @given(unsafe_text_documents())
    ... def check(case):
    ...     kind, path, char, data = case
    ...     try:
    ...         loads(json.dumps(data))
    ...     except ValidationError as exc:
    ...         assert f"U+{ord(char):04X}" in str(exc)
    ...     else:
    ...         raise AssertionError(f"{kind}: {char!r} at {path} was accepted")
    >>> check()
    """
    document = draw(
        st.one_of(rubrics(), rubric_sets(), org_trees(), cycles(), evaluation_lists())
    )
    data: dict[str, Any] = json.loads(dumps(document))
    char = draw(st.sampled_from(UNSAFE_CHARACTERS))
    spots = [p for p in _texts(data) if not (char == "\n" and p[-1] in _FREE_TEXT)]
    assume(spots)  # an empty evaluations document holds no text
    path = draw(st.sampled_from(spots))
    last = path[-1]
    if isinstance(last, tuple):
        length = len(last[0])
    else:
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        length = len(parent[last])
    _insert(data, path, char, draw(st.integers(0, length)))
    return data["kind"], path, char, data
