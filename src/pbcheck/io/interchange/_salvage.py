"""The rule checks of a rubric document whose shape is not sound everywhere.

A rubric (or rubric set) is built from its sections, and a section from its
indicators: one unreadable value (a weight written ``七十``) stops its section
from being built, and with it the rubric, so the rubric's own rules (unique
ids, weights that sum) would never be checked.  The module docstring of
:mod:`pbcheck.io.interchange` promises better: the rules of every part whose
shape is sound are checked too.

:func:`rule_problems` keeps that promise.  It copies the raw document and
puts a *stand-in* in place of each value that had a problem (a sentinel id,
a placeholder title, the section's children's total for a weight, a direct
score for a rule, the default for an optional key), builds the copy, and
keeps the problems it finds that the stand-ins cannot have caused:

* none at or below a replaced value (it was reported already);
* no weight sum of a level holding a stand-in weight (the real weight is not
  known; the model skips such a level for the same reason);
* none of the rubric's own totals when ``total_points``, ``weighting`` or
  ``floor`` was replaced.

The copy keeps every list position, so the paths of what it finds are paths
in the original document.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from pbcheck.errors import DOCUMENT, Problem, Step

__all__ = ["rule_problems"]

DocPath = tuple[Step, ...]

# What each kind of item holds: lists of child items, one nested item, and
# the keys of child items in a mapping (a set's ``individual``).
_LISTS: dict[str, dict[str, str]] = {
    "rubric": {"sections": "section", "deductions": "deduction", "vetoes": "veto"},
    "section": {"sections": "section", "indicators": "indicator"},
    "bonus": {"indicators": "indicator"},
    "rubric_set": {"common": "section", "rubrics": "rubric"},
}
_NESTED: dict[str, dict[str, str]] = {"rubric": {"bonus": "bonus"}}
_PLACEHOLDER = "待定"
_DIRECT_SCORE = {"type": "direct_score"}
# The rubric's own fields whose replacement leaves totals unknown.
_TOTALS = ("total_points", "weighting", "floor")


class _Patcher:
    """Puts stand-ins in a copy of a raw document, remembering where and why."""

    def __init__(self, body: dict[str, Any], kind: str) -> None:
        self.body = copy.deepcopy(body)
        self.kind = kind
        self.replaced: set[DocPath] = set()
        # Levels (paths of a rubric or section) holding a stand-in weight.
        self.unknown_levels: set[DocPath] = set()
        # Rubrics (paths) whose own totals are not known.
        self.unknown_totals: set[DocPath] = set()
        self.renamed_common: dict[str, str] = {}
        self.feasible = True
        self.sentinels: list[str] = []
        self._ids = set(_all_strings(body))
        self._count = 0

    # -- stand-ins --------------------------------------------------------

    def _sentinel(self) -> str:
        while True:
            self._count += 1
            name = f"stand-in-{self._count}"
            if name not in self._ids:
                self.sentinels.append(name)
                return name

    def patch(self, steps: DocPath) -> None:
        """Replace the value a problem at *steps* (below ``$``) is about."""
        kind, item_path, rest = self._locate(steps)
        if kind is None:
            return
        holder = _at(self.body, item_path)
        if not rest:  # the item itself is not of the right shape
            self._replace_item(kind, item_path)
            return
        field = rest[0]
        if not isinstance(holder, dict) or not isinstance(field, str):
            self._replace_item(kind, item_path)
            return
        self._replace_field(kind, item_path, holder, field)

    def _locate(self, steps: DocPath) -> tuple[str | None, DocPath, DocPath]:
        """The innermost item a path is in: its kind, its path, the steps below it."""
        kind = self.kind
        item_path: DocPath = ()
        rest = steps
        while rest:
            field = rest[0]
            if not isinstance(field, str):
                break
            child_kind = _LISTS.get(kind, {}).get(field)
            if child_kind is not None and len(rest) > 1 and isinstance(rest[1], int):
                if not isinstance(_at(self.body, (*item_path, field)), list):
                    break
                kind, item_path, rest = (
                    child_kind,
                    (*item_path, field, rest[1]),
                    rest[2:],
                )
                continue
            nested = _NESTED.get(kind, {}).get(field)
            if nested is not None and len(rest) > 1:
                kind, item_path, rest = nested, (*item_path, field), rest[1:]
                continue
            if kind == "rubric_set" and field == "individual" and len(rest) > 3:
                unit, slot, index = rest[1:4]
                if isinstance(index, int):
                    kind = "indicator"
                    item_path = (*item_path, field, unit, slot, index)
                    rest = rest[4:]
                    continue
            break
        return kind, item_path, rest

    def _replace_item(self, kind: str, path: DocPath) -> None:
        if kind in ("rubric", "rubric_set"):
            # Without the whole rubric nothing built from it means anything.
            self.feasible = False
            return
        parent = _at(self.body, path[:-1])
        stand_in = self._stand_in(kind)
        if isinstance(parent, list) and isinstance(path[-1], int):
            parent[path[-1]] = stand_in
        elif isinstance(parent, dict) and isinstance(path[-1], str):
            if kind == "bonus":
                del parent[path[-1]]
            else:
                parent[path[-1]] = stand_in
        self.replaced.add(path)
        if kind in ("section", "indicator"):
            self.unknown_levels.add(_level_of(path))

    def _stand_in(self, kind: str) -> dict[str, Any]:
        base: dict[str, Any] = {"id": self._sentinel(), "title": _PLACEHOLDER}
        if kind == "section":
            return {**base, "weight": "0", "individual": True}
        if kind == "indicator":
            return {**base, "max_points": "1", "rule": dict(_DIRECT_SCORE)}
        if kind == "deduction":
            return {**base, "points": "1"}
        return base

    def _replace_field(  # noqa: PLR0912 - one answer per kind of item and field
        self, kind: str, path: DocPath, holder: dict[str, Any], field: str
    ) -> None:
        self.replaced.add((*path, field))
        if field in ("id", "title", "version"):
            if kind == "section" and field == "id" and path[:1] == ("common",):
                old = holder.get("id")
                holder["id"] = self._sentinel()
                if isinstance(old, str):  # its references follow it
                    self.renamed_common[old] = holder["id"]
            elif kind == "rubric_set":
                holder.pop(field, None)
            elif kind == "rubric" and field == "id" and self.kind == "rubric_set":
                # What names a rubric of the set cannot be checked now.
                holder["id"] = self._sentinel()
                for name in ("by_series", "by_unit", "default"):
                    self.replaced.add((name,))
            else:
                holder[field] = self._sentinel() if field == "id" else _PLACEHOLDER
            return
        if kind == "section" and "common" in holder:  # a reference
            if field == "common":  # to nothing usable: a stand-in
                self._replace_item(kind, path)
            else:  # a key a reference does not have
                holder.pop(field, None)
            return
        if kind == "section" and field == "weight":
            holder["weight"] = _children_total(holder)
            self.unknown_levels.add(_level_of(path))
            return
        if kind == "indicator" and field in ("max_points", "rule", "weight"):
            holder["max_points"] = "1"
            holder["rule"] = dict(_DIRECT_SCORE)
            holder.pop("weight", None)
            self.replaced.update({(*path, "max_points"), (*path, "rule")})
            self.unknown_levels.add(_level_of(path))
            return
        if kind == "deduction" and field in ("points", "by_category"):
            holder.pop("by_category", None)
            holder["points"] = "1"
            self.replaced.update({(*path, "points"), (*path, "by_category")})
            return
        if field in _LISTS.get(kind, {}):
            if kind == "rubric_set":  # the set's own lists are its whole content
                self.feasible = False
                return
            holder[field] = []
        else:  # optional, or unknown: the default
            holder.pop(field, None)
        if kind == "rubric" and field in _TOTALS:
            self.unknown_totals.add(path)
        if kind == "section":
            self._keep_a_section(holder, path)

    def _keep_a_section(self, holder: dict[str, Any], path: DocPath) -> None:
        """A section left without children becomes a slot, which needs none."""
        if any(holder.get(name) for name in ("sections", "indicators")):
            return
        holder.pop("sections", None)
        holder["individual"] = True
        self.replaced.add((*path, "individual"))

    def follow_renamed_common(self) -> None:
        """References to a common section whose id was replaced name the stand-in."""
        if not self.renamed_common:
            return
        for reference in _references(self.body):
            new = self.renamed_common.get(reference["common"])
            if new is not None:
                reference["common"] = new

    def mark_references(self) -> None:
        """A reference to a stand-in common section has a stand-in weight too."""
        common = self.body.get("common")
        if not isinstance(common, list):
            return
        unknown: set[str] = set()
        for index, section in enumerate(common):
            level = ("common", index)
            replaced = level in self.replaced or (*level, "weight") in self.replaced
            if replaced and isinstance(section, dict):
                unknown.add(str(section.get("id")))
        if not unknown:
            return
        for path, reference in _references_with_paths(self.body, ()):
            if reference["common"] in unknown:
                self.unknown_levels.add(_level_of(path))

    # -- what the stand-ins may have caused -----------------------------------

    def caused(self, problem: Problem) -> bool:
        """Whether *problem* (found in the copy) may be the stand-ins' doing."""
        steps = problem.steps[1:] if problem.steps[:1] == (DOCUMENT,) else problem.steps
        told = f"{problem.message} {problem.value!r}"
        if any(name in told for name in self.sentinels):
            return True  # it would show a stand-in to the user
        for length in range(len(steps) + 1):
            if steps[:length] in self.replaced:
                return True
        if steps[-1:] == ("weights",):
            level = steps[:-1]
            if level in self.unknown_levels or steps[:2] in self.unknown_levels:
                return True
            if self._rubric_of(level) in self.unknown_totals:
                return True
        totals = steps[-1:] in (("floor",), ("cap",))
        return totals and self._rubric_of(steps) in self.unknown_totals

    def _rubric_of(self, steps: DocPath) -> DocPath:
        if self.kind == "rubric_set" and steps[:1] == ("rubrics",):
            return steps[:2]
        return ()


def _at(raw: object, path: DocPath) -> Any:  # noqa: ANN401 - raw JSON
    current = raw
    for step in path:
        if isinstance(current, dict) and isinstance(step, str):
            current = current.get(step)
        elif isinstance(current, list) and isinstance(step, int):
            current = current[step] if 0 <= step < len(current) else None
        else:
            return None
    return current


def _level_of(item_path: DocPath) -> DocPath:
    """The level whose weights an item at *item_path* is one of.

    A unit's own indicators (``individual.<unit>.<slot>[i]``) fill a slot of
    the unit's rubric; what that rubric finds is reported under the unit.
    """
    if item_path[:1] == ("individual",):
        return item_path[:2]
    return item_path[:-2]


def _all_strings(raw: object) -> Iterator[str]:
    stack = [raw]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _exact(value: object) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        return None


def _children_total(section: dict[str, Any]) -> str:
    """What a section's children weigh together, so its own level still sums."""
    total = Fraction(0)
    for name, key in (("sections", "weight"), ("indicators", "weight")):
        children = section.get(name)
        if not isinstance(children, list):
            continue
        for child in children:
            if not isinstance(child, dict):
                continue
            weight = child.get(key)
            if weight is None and name == "indicators":
                weight = child.get("max_points")
            value = _exact(weight)
            if value is not None:
                total += value
    return str(total)


def _references(raw: object) -> Iterator[dict[str, Any]]:
    for _, reference in _references_with_paths(raw, ()):
        yield reference


def _references_with_paths(
    raw: object, path: DocPath
) -> Iterator[tuple[DocPath, dict[str, Any]]]:
    """Every ``{"common": id}`` below the rubrics of a set, with its path."""
    rubrics = raw.get("rubrics") if isinstance(raw, dict) else None
    stack: list[tuple[DocPath, Any]] = [((*path, "rubrics"), rubrics)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, dict):
            if set(value) == {"common"} and isinstance(value["common"], str):
                yield here, value
                continue
            stack.extend(((*here, key), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend(((*here, index), item) for index, item in enumerate(value))


def rule_problems(
    body: dict[str, Any],
    kind: str,
    found: list[Problem],
    structure: Callable[[dict[str, Any]], object],
    collect: Callable[[BaseException, object], tuple[list[Problem], int]],
) -> tuple[list[Problem], int]:
    """The rule problems of *body*'s sound parts that *found* did not include.

    Args:
        body: the document without its envelope, as parsed.
        kind: ``"rubric"`` or ``"rubric_set"``.
        found: the problems structuring *body* found (document paths).
        structure: builds the object from a body (raises on problems).
        collect: turns what *structure* raised into problems and a count of
            those left out, given the raw document (with its envelope).

    Returns:
        The new problems, and how many more were found but not kept.
    """
    patcher = _Patcher(body, kind)
    for problem in found:
        steps = problem.steps
        if steps[:1] != (DOCUMENT,):
            continue
        patcher.patch(steps[1:])
    if not patcher.feasible or not patcher.replaced:
        return [], 0
    patcher.follow_renamed_common()
    patcher.mark_references()
    try:
        structure(patcher.body)
    except Exception as exc:  # noqa: BLE001 - every problem is collected
        problems, omitted = collect(exc, patcher.body)
    else:
        return [], 0
    seen = {(p.path, p.message) for p in found}
    new = [
        p for p in problems if (p.path, p.message) not in seen and not patcher.caused(p)
    ]
    return new, omitted
