"""Document paths: where in a file a problem is (``$.sections[1].weight``).

The domain constructors name a problem by steps from their own root
(:mod:`pbcheck.errors`): ``("indicator", Id("A1"), "max_points")``,
``("rubric", "sections", Id("A"), "weights")``,
``("cycle", "milestones", Id("commendation"), "date")``.  A user editing a
file needs the place in the file instead: ``$.sections[0].weights``.
:func:`reroot` walks the steps through the raw document, turning each id into
the index of the item that has it; nothing reads the rendered text.
"""

from __future__ import annotations

from collections.abc import Sequence

from pbcheck.errors import DOCUMENT, Id, Problem, Step

#: A place in a document below its root ``$``: keys (str) and list indices
#: (int); an id (Id) only where the document holds no item with it.
Path = tuple[Step, ...]

# Roots of domain paths that name the object built from the value at the
# base, not a key of it: ``section[B].weight`` is the section's ``weight``.
_ROOTS = frozenset(
    {
        "bonus",
        "calendar",
        "cycle",
        "deduction",
        "frequency",
        "indicator",
        "milestone",
        "observation",
        "policy",
        "quota",
        "results",
        "rounding",
        "rubric",
        "rubric_set",
        "rule",
        "section",
        "tier",
        "tree",
        "unit",
        "veto",
    }
)
# Keys under which the items of a list hold their ids (``units[czj]``).
_ID_KEYS = (
    "id",
    "key",
    "unit_id",
    "label",
    "indicator_id",
    "section_id",
    "deduction_id",
    "veto_id",
)
# Domain field names that a document spells differently, by the root's kind.
_RENAMED = {("cycle", "kind"): "cycle_kind"}


def at(raw: object, path: Path) -> object:
    """The raw value at *path* inside *raw*, or ``None`` if there is none."""
    current = raw
    for step in path:
        current = _child(current, step)
    return current


def _child(current: object, step: object) -> object:
    if isinstance(step, int) and isinstance(current, list) and step < len(current):
        return current[step]
    if isinstance(step, str) and isinstance(current, dict):
        return current.get(step)
    return None


def _find(items: list[object], item_id: str) -> int | None:
    """The index of the item whose id is *item_id*, if there is one."""
    for index, candidate in enumerate(items):
        if isinstance(candidate, dict) and any(
            candidate.get(key) == item_id for key in _ID_KEYS
        ):
            return index
        if (
            isinstance(candidate, dict)
            and _is_reference(candidate)
            and (candidate["common"] == item_id)
        ):
            return index  # a common section of a set, by reference
    return None


def _below_root(steps: Sequence[Step]) -> Sequence[Step]:
    """The steps inside the object at the base: its kind and own id left out."""
    root = steps[0] if steps else None
    if not isinstance(root, str) or root not in _ROOTS:
        return steps
    rest = list(steps[1:])
    if rest and isinstance(rest[0], Id):  # the object's own id: ``section[B]``
        del rest[0]
    if rest and isinstance(rest[0], str):
        rest[0] = _RENAMED.get((root, rest[0]), rest[0])
    return rest


def reroot(problem: Problem, base: Path, raw: object) -> Problem:
    """*problem* moved from its domain path to its place in the document.

    *base* is the document path of the value the object was built from;
    *raw* is the whole raw document, in which ids are looked up to find
    list indices.

    >>> from pbcheck.errors import InvalidValueError
    >>> raw = {"sections": [{"id": "A"}, {"id": "B", "sections": [{"id": "B1"}]}]}
    >>> domain = ("rubric", "sections", Id("B"), "sections", Id("B1"), "weights")
    >>> reroot(InvalidValueError(domain, 1, "bad"), (), raw).path
    '$.sections[1].sections[0].weights'
    >>> section = ("section", Id("B1"), "weight")
    >>> reroot(
    ...     InvalidValueError(section, -1, "bad"), ("sections", 1, "sections", 0), raw
    ... ).path
    '$.sections[1].sections[0].weight'
    """
    place: list[Step] = list(base)
    current = at(raw, base)
    for step in _below_root(problem.steps):
        found = _resolved(current, step)
        place.append(found)
        current = _child(current, found)
        if _is_reference(current):
            place, current = _referenced(raw, place, current)
    return problem.moved((DOCUMENT, *place))


def _resolved(current: object, step: Step) -> Step:
    """*step* as a document step: an id becomes the index of its item (or a key)."""
    if isinstance(step, Id) and isinstance(current, list):
        index = _find(current, step.value)
        if index is not None:
            return index
    if isinstance(step, Id) and isinstance(current, dict) and step.value in current:
        return step.value
    return step


def _is_reference(value: object) -> bool:
    """Whether *value* is a reference to a common section, ``{"common": id}``."""
    return isinstance(value, dict) and isinstance(value.get("common"), str)


def _referenced(
    raw: object, place: list[Step], reference: object
) -> tuple[list[Step], object]:
    """Where a problem inside a referenced common section is: in ``common``.

    A rubric of a set names a common section by reference; what is wrong
    inside it is written once, under the set's ``common`` list.

    >>> raw = {"common": [{"id": "A"}], "rubrics": [{"sections": [{"common": "A"}]}]}
    >>> _referenced(raw, ["rubrics", 0, "sections", 0], {"common": "A"})
    (['common', 0], {'id': 'A'})
    """
    assert isinstance(reference, dict)  # noqa: S101 - checked by _is_reference
    for length in range(len(place) - 1, -1, -1):
        holder = at(raw, tuple(place[:length]))
        sections = holder.get("common") if isinstance(holder, dict) else None
        if isinstance(sections, list):
            index = _find(sections, reference["common"])
            if index is not None:
                return [*place[:length], "common", index], sections[index]
    return place, reference
