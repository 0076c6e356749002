"""The wire form of a :class:`~pbcheck.model.rubric_set.RubricSet` (分类考核).

A set's rubrics usually share their common part (共性指标).  The document
writes each shared section once, in ``common``, and a rubric's ``sections``
list (at any depth) refers to it by id, ``{"common": "A"}``:

.. code-block:: json

    {"common": [{"id": "A", "title": "机关党建常规工作", "weight": "70", …}],
     "rubrics": [
       {"id": "jgdj-zf", …, "sections": [{"common": "A"}, {"id": "B", …}]},
       {"id": "jgdj-qt", …, "sections": [{"common": "A"},
                                         {"id": "B", …, "individual": true}]}]}

Loading reads ``common`` first, in order (a common section may itself refer
to one written before it), then the rubrics with every reference replaced by
the one :class:`~pbcheck.model.rubric.Section` object it names; a problem of a
common section is reported once, at ``$.common[i]``.  Dumping writes a
section once in ``common`` when two rubrics of the set hold equal sections:
the outermost such sections, the first of each id.

The references live in a context variable while a set is structured or
unstructured, so the section hooks know whether they are inside a set: a
plain rubric document that refers to ``common`` is an error saying so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from typing import Any

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownReferenceError,
)
from pbcheck.model.rubric import Indicator, Rubric, Section
from pbcheck.model.rubric_set import RubricSet

__all__ = [
    "BrokenReference",
    "RubricSetForm",
    "SectionRef",
    "rubric_set_structure_hook",
    "rubric_set_unstructure_hook",
    "section_structure_hook",
    "section_unstructure_hook",
    "shared_sections",
]

StructureHook = Callable[[Any, Any], Any]
UnstructureHook = Callable[[Any], Any]


class BrokenReference(Exception):
    """A reference to a common section that has problems of its own.

    Those problems are reported once, under ``common``; the reference itself
    is not a problem, so :func:`~pbcheck.io.interchange._convert.collect_problems`
    drops it.
    """


@attrs.frozen
class SectionRef:
    """A reference to a common section of the rubric set (共性指标), by its id."""

    common: str


@attrs.frozen(kw_only=True)
class RubricSetForm:
    """Several rubrics for one season (分类考核): common sections written once."""

    title: str = ""
    version: str = ""
    common: tuple[Section, ...] = ()
    rubrics: tuple[Rubric, ...]
    by_series: Mapping[str, str] = attrs.field(factory=dict)
    by_unit: Mapping[str, str] = attrs.field(factory=dict)
    default: str | None = None
    individual: Mapping[str, Mapping[str, tuple[Indicator, ...]]] = attrs.field(
        factory=dict
    )


#: While a set is structured: the common sections read so far by id (``None``
#: for one that has problems of its own).  ``None`` outside a set.
_COMMON: ContextVar[dict[str, Section | None] | None] = ContextVar(
    "pbcheck_common_sections", default=None
)
#: While a set's rubrics are unstructured: the sections written in ``common``.
_SHARED: ContextVar[Mapping[str, Section] | None] = ContextVar(
    "pbcheck_shared_sections", default=None
)


def _noted(exc: Exception, note: object) -> Exception:
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[list-item]
    return exc


def _at_common(exc: Exception) -> Exception:
    return _noted(exc, AttributeValidationNote("@ attribute common", "common", str))


def _resolve(value: dict[Any, Any]) -> Section:
    """The common section *value* (``{"common": id}``) refers to."""
    extra = set(value) - {"common"}
    if extra:
        raise ForbiddenExtraKeysError("", SectionRef, extra)
    name = value["common"]
    if not isinstance(name, str):
        raise _at_common(
            InvalidTypeError((), name, "must be the id of a common section (a string)")
        )
    known = _COMMON.get()
    if known is None:
        raise _at_common(
            InvalidValueError(
                (),
                name,
                "refers to a common section (共性指标), which only a rubric_set "
                "document has; write the section in full here",
            )
        )
    if name not in known:
        raise _at_common(
            UnknownReferenceError(
                (),
                name,
                "names no common section written before this point "
                f"(common: {', '.join(known) or 'none'})",
            )
        )
    section = known[name]
    if section is None:
        raise BrokenReference(name)
    return section


def section_structure_hook(inner: StructureHook) -> StructureHook:
    """*inner* (a section's own hook), reading ``{"common": id}`` as a reference."""

    def hook(value: object, cl: object) -> object:
        if isinstance(value, dict) and "common" in value:
            return _resolve(value)
        return inner(value, cl)

    return hook


def section_unstructure_hook(inner: UnstructureHook) -> UnstructureHook:
    """*inner* (a section's own hook), writing a shared section as a reference."""

    def hook(section: Section) -> object:
        shared = _SHARED.get()
        if shared is not None:
            common = shared.get(section.id)
            if common is not None and (common is section or common == section):
                return {"common": section.id}
        return inner(section)

    return hook


def _structure_common(
    structure: StructureHook, raw: object, known: dict[str, Section | None]
) -> Exception | None:
    """Read the common sections into *known*; the problems, with their places."""
    if not isinstance(raw, list):
        return _at_common(
            InvalidTypeError(
                (), f"<{type(raw).__name__}>", "must be a list of sections"
            )
        )
    errors: list[Exception] = []
    token = _COMMON.set(known)  # a common section may refer to an earlier one
    try:
        for index, item in enumerate(raw):
            note = IterableValidationNote(f"@ index {index}", index, Section)
            try:
                section: Section = structure(item, Section)
            except Exception as exc:  # noqa: BLE001 - every problem is collected
                errors.append(_noted(exc, note))
                ident = item.get("id") if isinstance(item, dict) else None
                if isinstance(ident, str):
                    known.setdefault(ident, None)
                continue
            if section.id in known:
                duplicate = DuplicateIdError(
                    ("id",), section.id, "is already the id of a common section"
                )
                errors.append(_noted(duplicate, note))
                continue
            known[section.id] = section
    finally:
        _COMMON.reset(token)
    if not errors:
        return None
    return _at_common(IterableValidationError("common", errors, list))


def rubric_set_structure_hook(
    structure: StructureHook, form: StructureHook
) -> StructureHook:
    """The structure hook of :class:`RubricSet`, from the hooks of a section and the form.

    Every problem is raised together: those of the common sections, of the
    rubrics and the other keys, then (when the shape is sound) the set's own
    rules from :class:`RubricSet`.
    """

    def hook(value: object, _: object) -> RubricSet:
        if not isinstance(value, dict):
            raise InvalidTypeError(
                (), f"<{type(value).__name__}>", "must be an object (a table)"
            )
        known: dict[str, Section | None] = {}
        errors: list[Exception] = []
        problem = _structure_common(structure, value.get("common", []), known)
        if problem is not None:
            errors.append(problem)
        rest = {key: item for key, item in value.items() if key != "common"}
        token = _COMMON.set(known)
        try:
            body: RubricSetForm = form(rest, RubricSetForm)
        except BaseValidationError as exc:
            errors.extend(exc.exceptions)
        except Exception as exc:  # noqa: BLE001 - every problem is collected
            errors.append(exc)
        finally:
            _COMMON.reset(token)
        if errors:
            raise ClassValidationError("While structuring RubricSet", errors, RubricSet)
        return RubricSet(
            body.rubrics,
            by_series=body.by_series,
            by_unit=body.by_unit,
            default=body.default,
            individual=body.individual,
            title=body.title,
            version=body.version,
        )

    return hook


def shared_sections(rubrics: Sequence[Rubric]) -> dict[str, Section]:
    """The sections written once in ``common``: equal in two rubrics or more.

    Only the outermost: a section inside a shared one is written with it.  Of
    two different shared sections with one id, the first is shared (a
    reference names an id) and the other written in full.

    >>> from pbcheck.examples.small import simple_rubric
    >>> import attrs
    >>> one = simple_rubric()
    >>> other = attrs.evolve(one, id="other")
    >>> list(shared_sections([one, other]))
    ['s']
    >>> shared_sections([one])
    {}
    """
    holders: dict[str, list[tuple[Section, set[int]]]] = {}

    def record(sections: Sequence[Section], index: int) -> None:
        for section in sections:
            variants = holders.setdefault(section.id, [])
            for known, where in variants:
                if known is section or known == section:
                    where.add(index)
                    break
            else:
                variants.append((section, {index}))
            record(section.sections, index)

    for index, rubric in enumerate(rubrics):
        record(rubric.sections, index)
    candidates = {
        section_id: next(s for s, where in variants if len(where) > 1)
        for section_id, variants in holders.items()
        if any(len(where) > 1 for _, where in variants)
    }
    shared: dict[str, Section] = {}

    def outermost(sections: Sequence[Section]) -> None:
        for section in sections:
            common = candidates.get(section.id)
            if common is not None and (common is section or common == section):
                shared.setdefault(section.id, common)
            else:
                outermost(section.sections)

    for rubric in rubrics:
        outermost(rubric.sections)
    return shared


_ORDER = tuple(field.name for field in attrs.fields(RubricSetForm))


def rubric_set_unstructure_hook(
    section: UnstructureHook, form: UnstructureHook
) -> Callable[[RubricSet], dict[str, Any]]:
    """The unstructure hook of :class:`RubricSet`: shared sections written once."""

    def hook(value: RubricSet) -> dict[str, Any]:
        shared = shared_sections(value.rubrics)
        common = [section(s) for s in shared.values()]
        body = RubricSetForm(
            title=value.title,
            version=value.version,
            rubrics=value.rubrics,
            by_series=value.by_series,
            by_unit=value.by_unit,
            default=value.default,
            individual=value.individual,
        )
        token = _SHARED.set(shared)
        try:
            data: dict[str, Any] = form(body)
        finally:
            _SHARED.reset(token)
        if common:
            data["common"] = common
        return {key: data[key] for key in _ORDER if key in data}

    return hook
