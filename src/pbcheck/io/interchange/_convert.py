"""The cattrs converters of the interchange format, and the JSON Schema they imply.

One description drives everything: the attrs classes of the domain (their
fields and annotations), plus the hooks below for the handful of types that
need a wire form of their own (exact numbers, dates, rules, aggregators, …).
:func:`make_converter` registers the hooks on a :class:`cattrs.Converter`;
:func:`schema_for` walks the same types and emits the matching JSON Schema.

Structuring is strict: no coercion (``"1"`` is not an int, ``1`` is not a
string, ``1.5`` is never an exact number), every container type is checked,
unknown keys are refused.  Problems are raised the way cattrs raises them (an
exception group whose leaves carry notes saying where), and
:func:`collect_problems` turns the tree into :class:`~pbcheck.errors.Problem`
leaves with document paths.
"""

from __future__ import annotations

import functools
import operator
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from fractions import Fraction
from functools import partial
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    BaseValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from pbcheck._numbers import RoundingPolicy, format_exact, to_exact
from pbcheck.errors import (
    DOCUMENT,
    MAX_PROBLEMS,
    InvalidTypeError,
    InvalidValueError,
    Problem,
    UnknownReferenceError,
    UnknownRuleError,
    ValidationError,
    item,
)
from pbcheck.io.interchange._paths import Path, at, reroot
from pbcheck.io.interchange._sets import (
    BrokenReference,
    RubricSetForm,
    SectionRef,
    rubric_set_structure_hook,
    rubric_set_unstructure_hook,
    section_structure_hook,
    section_unstructure_hook,
)
from pbcheck.model.aggregation import Aggregator, AggregatorRegistry, FunctionAggregator
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import ObservedValue, Source
from pbcheck.model.frequency import ActivityRule
from pbcheck.model.org import Role, UnitKind
from pbcheck.model.rubric import ROOT, Rubric, Section
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import (
    RULE_TAG_PATTERN,
    RuleRegistry,
    Tiers,
    ValueRule,
)
from pbcheck.outcomes.ranking import Ranking
from pbcheck.outcomes.season import Results
from pbcheck.outcomes.selection import AccountabilityKind

T = TypeVar("T")

RULE_TYPE = ValueRule | ActivityRule
#: What a results document embeds: one rubric, or the set of a 分类考核 season.
RUBRIC_OR_SET = Rubric | RubricSet
MOMENT_TYPE = date | datetime
# Attribute renames: the document key differs from the field name.
_RENAMES: dict[type, dict[str, str]] = {AssessmentCycle: {"kind": "cycle_kind"}}

# Longest text accepted for one exact number: generous for computed fractions,
# small enough that parsing it is instant.
_MAX_NUMBER_TEXT = 1000
# Largest magnitude of a JSON integer: nothing in a document needs more.
_MAX_INT = 10**18
_EXACT_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]+/[0-9]+)$"
_DECIMAL_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})$"
)
_DECIMAL_RE = re.compile(_DECIMAL_PATTERN)
_DATE_RE = re.compile(_DATE_PATTERN)
_DATETIME_RE = re.compile(_DATETIME_PATTERN)

_FLOAT_MESSAGE = (
    'must be an exact number written as a string (e.g. "2.5" or "1/3") or an '
    "integer; floating-point numbers are refused because they are not exact"
)


def _kind_of(value: object) -> str:  # noqa: PLR0911 - one answer per JSON type
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float | Decimal):
        return "a floating-point number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _type_problem(value: object, expected: str) -> InvalidTypeError:
    return InvalidTypeError((), value, f"must be {expected}, not {_kind_of(value)}")


# -- primitives ---------------------------------------------------------------


# The wire form of an exact number is the text explanations show: a decimal
# when it has a finite expansion ("2.5", "-0.075"), else "1/3"; it reads back
# to the same value.
exact_text = format_exact


def _str(value: object, _: object) -> str:
    if not isinstance(value, str):
        raise _type_problem(value, "a string")
    return value


def _int(value: object, _: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float | Decimal):
            raise InvalidTypeError(
                (), str(value), "must be a whole number (an integer)"
            )
        raise _type_problem(value, "an integer")
    if abs(value) > _MAX_INT:
        raise InvalidValueError((), value, f"must be at most {_MAX_INT} in size")
    return value


def _bool(value: object, _: object) -> bool:
    if not isinstance(value, bool):
        raise _type_problem(value, "true or false")
    return value


def _exact(value: object, _: object) -> Fraction:
    if isinstance(value, float | Decimal):
        raise InvalidTypeError((), str(value), _FLOAT_MESSAGE)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _type_problem(value, 'an exact number (a string such as "2.5")')
    if isinstance(value, int):
        _int(value, int)
        return Fraction(value)
    if len(value) > _MAX_NUMBER_TEXT:
        raise InvalidValueError(
            (), value[:40] + "…", f"must be at most {_MAX_NUMBER_TEXT} characters"
        )
    whole, point, places = value.partition(".")
    if value.isascii() and whole.isdigit() and (not point or places.isdigit()):
        # The common "85" and "8.5", read without a regex: ASCII digits with
        # at most one point between them, the same value to_exact gives.
        if not point:
            return Fraction(int(whole))
        return Fraction(int(whole + places), 10 ** len(places))
    return to_exact(value, ())


def _decimal(value: object, _: object) -> Decimal:
    if not isinstance(value, str):
        raise _type_problem(value, "a decimal number written as a string")
    if len(value) > _MAX_NUMBER_TEXT or not _DECIMAL_RE.fullmatch(value):
        raise InvalidValueError((), value, 'must be a decimal such as "85.00"')
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):  # pragma: no cover - the pattern
        raise InvalidValueError((), value, "must be a decimal number") from None


def _date(value: object, _: object) -> date:
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InvalidValueError((), value, "is not a calendar date") from None
    raise InvalidValueError((), value, "must be a date written YYYY-MM-DD")


def _moment(value: object, _: object) -> date | datetime:
    # The two patterns exclude each other: the usual plain date is tried first.
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        return _date(value, date)
    if isinstance(value, str) and _DATETIME_RE.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise InvalidValueError((), value, "is not a valid date-time") from None
    raise InvalidValueError(
        (),
        value,
        "must be a date (YYYY-MM-DD) or a date-time with its UTC offset "
        "(e.g. 2026-04-30T23:30:00+08:00)",
    )


def _observed(value: object, _: object) -> ObservedValue:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return _int(value, int)
    try:
        return _exact(value, Fraction)
    except InvalidValueError as exc:
        if not exc.message.startswith("must be a decimal number"):
            raise
        # "是", "达标", "yes": pass/fail is a JSON/TOML boolean, never a word.
        raise InvalidValueError(
            (),
            value,
            "must be true or false (达标 / 未达标) for a pass/fail indicator, or "
            'an exact number such as "8.5"',
        ) from None


def _unstructure_moment(value: date | datetime) -> str:
    return value.isoformat()


def _unstructure_observed(value: ObservedValue) -> object:
    if isinstance(value, bool | int):
        return value
    return exact_text(value)


# -- type predicates ----------------------------------------------------------


def _is_literal(tp: object) -> bool:
    return get_origin(tp) is Literal


def _is_union(tp: object) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_optional(tp: object) -> bool:
    return _is_union(tp) and type(None) in get_args(tp) and len(get_args(tp)) > 1


def _is_enum(tp: object) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


_SEQUENCES = (tuple, list, frozenset, Sequence)


def _is_sequence(tp: object) -> bool:
    return get_origin(tp) in _SEQUENCES


def _is_mapping(tp: object) -> bool:
    return get_origin(tp) in (dict, Mapping, typing.Mapping)


def _non_none(tp: object) -> object:
    rest = tuple(a for a in get_args(tp) if a is not type(None))
    return rest[0] if len(rest) == 1 else Union[rest]  # noqa: UP007


# -- the converter --------------------------------------------------------------


def _with_note(exc: Exception, note: object) -> Exception:
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[list-item]
    return exc


def make_converter(
    registry: AggregatorRegistry | None = None,
    *,
    rules: RuleRegistry | None = None,
    toml: bool = False,
) -> cattrs.Converter:
    """A converter for the interchange format.

    Args:
        registry: resolves aggregator names; the built-ins by default.
        rules: resolves rule tags both ways; the built-ins by default.
        toml: unstructure dates as :class:`~datetime.date` objects (TOML has
            a date type) instead of ISO strings.
    """
    registry = registry or AggregatorRegistry.with_builtins()
    rules = rules or RuleRegistry.with_builtins()
    converter = cattrs.Converter(
        forbid_extra_keys=True, detailed_validation=True, omit_if_default=True
    )
    c = converter
    c.register_structure_hook(str, _str)
    # str enums are str subclasses: each needs its own hook to beat str's.
    for enum in (Source, UnitKind, Role, AccountabilityKind):
        c.register_structure_hook(enum, _structure_enum)
    c.register_structure_hook(int, _int)
    c.register_structure_hook(bool, _bool)
    c.register_structure_hook(Fraction, _exact)
    c.register_structure_hook(Decimal, _decimal)
    c.register_structure_hook(date, _date)
    c.register_structure_hook_func(lambda t: t == MOMENT_TYPE, _moment)
    c.register_structure_hook_func(lambda t: t == ObservedValue, _observed)
    c.register_unstructure_hook(Fraction, exact_text)
    c.register_unstructure_hook(Decimal, lambda d: format(d, "f"))
    if toml:
        c.register_unstructure_hook(date, lambda d: d)
        c.register_unstructure_hook_func(lambda t: t == MOMENT_TYPE, lambda d: d)
    else:
        # A method call, not date.isoformat: datetimes (a date subclass) come here too.
        c.register_unstructure_hook(date, _unstructure_moment)
        c.register_unstructure_hook_func(
            lambda t: t == MOMENT_TYPE, _unstructure_moment
        )
    c.register_unstructure_hook_func(
        lambda t: t == ObservedValue, _unstructure_observed
    )
    c.register_unstructure_hook_func(_is_enum, lambda e: e.value)
    c.register_structure_hook_func(_is_enum, _structure_enum)
    c.register_structure_hook_func(_is_literal, _structure_literal)
    c.register_structure_hook_factory(_is_optional, lambda tp: _optional_hook(c, tp))
    c.register_structure_hook_factory(_is_sequence, lambda tp: _sequence_hook(c, tp))
    c.register_structure_hook_factory(_is_mapping, lambda tp: _mapping_hook(c, tp))
    c.register_unstructure_hook_func(
        lambda t: t == Mapping[Source, Fraction], _unstructure_source_weights
    )
    # Other mappings are written sorted by key: equal objects give equal bytes
    # whatever order their dicts were filled in (see _reordered for loading).
    c.register_unstructure_hook_factory(
        lambda t: _is_mapping(t) and t != Mapping[Source, Fraction],
        lambda _: lambda value: _sorted_mapping(c, value),
    )
    c.register_unstructure_hook_factory(
        _is_homogeneous_tuple, lambda t: _tuple_unstructure(c, t)
    )
    c.register_unstructure_hook_factory(
        lambda t: frozenset in (t, get_origin(t)),
        lambda _: lambda value: sorted(c.unstructure(v) for v in value),
    )
    # Aggregators travel by registry name and parameters.
    c.register_structure_hook_func(
        lambda t: t is Aggregator, lambda v, _: _structure_aggregator(registry, v)
    )
    c.register_unstructure_hook_func(
        lambda t: t is Aggregator or _is_aggregator_class(t), _unstructure_aggregator
    )
    # Rules travel as objects tagged with their ``type``, the tag the rule
    # registry holds for their class.
    c.register_structure_hook_func(
        lambda t: t == RULE_TYPE, lambda v, _: _structure_rule(c, rules, v)
    )
    c.register_unstructure_hook_func(
        lambda t: t == RULE_TYPE, lambda rule: _unstructure_rule(c, rules, rule)
    )
    c.register_structure_hook(Tiers, lambda v, _: _structure_tiers(c, v))
    c.register_structure_hook_factory(attrs.has, lambda cl: _attrs_hook(c, cl))
    c.register_unstructure_hook_factory(
        lambda t: attrs.has(t) and not _is_aggregator_class(t),
        lambda cl: _attrs_unstructure(c, cl),
    )
    # Before any hook below is generated: generated code looks up the hooks
    # of its fields' types when it is made.
    _register_rubric_sets(c)
    rounding_hook = _attrs_hook(c, RoundingPolicy)
    c.register_structure_hook(
        RoundingPolicy, lambda v, _: _bounded_rounding(rounding_hook(v, RoundingPolicy))
    )
    results_hook = _attrs_hook(c, Results)
    c.register_structure_hook(
        Results, lambda v, _: _reordered(results_hook(v, Results))
    )
    return converter


def _register_rubric_sets(c: cattrs.Converter) -> None:
    """Rubric sets (分类考核): common sections written once, referenced by id."""
    section_hook = _attrs_hook(c, Section)
    c.register_structure_hook(Section, section_structure_hook(section_hook))
    section_unhook = _attrs_unstructure(c, Section)
    c.register_unstructure_hook(Section, section_unstructure_hook(section_unhook))
    c.register_structure_hook(
        RubricSet,
        rubric_set_structure_hook(section_hook, _attrs_hook(c, RubricSetForm)),
    )
    c.register_unstructure_hook(
        RubricSet,
        rubric_set_unstructure_hook(
            section_unhook, _attrs_unstructure(c, RubricSetForm)
        ),
    )
    # A results document embeds a rubric or a set: a set is told by ``rubrics``.
    c.register_structure_hook_func(
        lambda t: t == RUBRIC_OR_SET,
        lambda v, _: c.structure(
            v, RubricSet if isinstance(v, dict) and "rubrics" in v else Rubric
        ),
    )
    c.register_unstructure_hook_func(
        lambda t: t == RUBRIC_OR_SET, lambda v: c.unstructure(v, type(v))
    )


def _is_aggregator_class(tp: object) -> bool:
    return isinstance(tp, type) and attrs.has(tp) and hasattr(tp, "monotone")


@functools.cache
def _members(tp: type[Enum]) -> dict[object, Enum]:
    members: dict[object, Enum] = {}
    for member in tp:
        members.setdefault(member.value, member)
    return members


def _structure_enum(value: object, tp: type[Enum]) -> Enum:
    if isinstance(value, str):
        member = _members(tp).get(value)
        if member is not None:
            return member
    choices = [member.value for member in tp]
    raise InvalidValueError(
        (), value, f"must be one of {', '.join(repr(c) for c in choices)}"
    )


def _structure_literal(value: object, tp: object) -> object:
    choices = get_args(tp)
    for choice in choices:
        if type(value) is type(choice) and value == choice:
            return value
    raise InvalidValueError(
        (), value, f"must be one of {', '.join(repr(c) for c in choices)}"
    )


def _optional_hook(c: cattrs.Converter, tp: object) -> Callable[[object, object], Any]:
    inner = _non_none(tp)
    # Looked up at the first use, not now: a class that holds itself would
    # recurse while its own hook is being made.
    inner_hook: Callable[[object, object], Any] | None = None

    def hook(value: object, _: object) -> object:
        nonlocal inner_hook
        if value is None:
            return None
        if inner_hook is None:
            inner_hook = c.get_structure_hook(inner)
        return inner_hook(value, inner)

    return hook


def _sequence_hook(c: cattrs.Converter, tp: object) -> Callable[[object, object], Any]:
    args = get_args(tp)
    item = args[0]
    origin = get_origin(tp)
    # Looked up at the first use, as in _optional_hook.
    item_hook: Callable[[object, object], Any] | None = None

    def noted(exc: Exception, index: int) -> Exception:
        note = IterableValidationNote(f"Structuring {tp} @ index {index}", index, item)
        return _with_note(exc, note)

    def hook(value: object, _: object) -> object:
        nonlocal item_hook
        if not isinstance(value, list):
            raise _type_problem(value, "a list")
        if item_hook is None:
            item_hook = c.get_structure_hook(item)
        items: list[object] = []
        append = items.append
        errors = _Kept()
        try:
            for element in value:
                append(item_hook(element, item))
        except Exception as exc:  # noqa: BLE001 - every problem is collected
            errors.add(noted(exc, len(items)))
        if errors:  # the rest of the list, item by item, for its problems too
            for index in range(len(items) + 1, len(value)):
                try:
                    item_hook(value[index], item)
                except Exception as exc:  # noqa: BLE001 - every problem is collected
                    errors.add(exc, partial(noted, exc, index))
            raise errors.group(f"While structuring {tp}", tp)
        if origin is frozenset:
            return frozenset(items)
        return tuple(items) if origin in (tuple, Sequence) else items

    return hook


def _mapping_hook(c: cattrs.Converter, tp: object) -> Callable[[object, object], Any]:
    key_type, value_type = get_args(tp)

    def hook(value: object, _: object) -> object:
        if not isinstance(value, dict):
            raise _type_problem(value, "an object (a table)")
        out: dict[object, object] = {}
        errors = _Kept()
        for key, element in value.items():
            try:
                structured_key = c.structure(key, key_type)
                out[structured_key] = c.structure(element, value_type)
            except Exception as exc:  # noqa: BLE001 - every problem is collected
                note = IterableValidationNote(
                    f"Structuring mapping @ key {key!r}", key, tp
                )
                errors.add(exc, partial(_with_note, exc, note))
        if errors:
            raise errors.group(f"While structuring {tp}", tp)
        return out

    return hook


class _Kept:
    """The errors of one list or mapping: the first ones, and a count of the rest.

    Once :data:`~pbcheck.errors.MAX_PROBLEMS` problems are kept, later errors
    are only counted (:func:`count_problems`) and let go, so a hostile list
    of a million bad items costs a counter, not a million error trees.
    """

    __slots__ = ("errors", "kept", "omitted")

    def __init__(self) -> None:
        self.errors: list[Exception] = []
        self.kept = 0  # problems in self.errors
        self.omitted = 0

    def __bool__(self) -> bool:
        return bool(self.errors) or bool(self.omitted)

    def add(self, exc: Exception, noted: Callable[[], Exception] | None = None) -> None:
        """Keep *exc* (as *noted* makes it) while there is room, else count it."""
        count = count_problems(exc)
        if self.kept < MAX_PROBLEMS:
            self.errors.append(exc if noted is None else noted())
            self.kept += count
        else:
            self.omitted += count

    def group(self, message: str, tp: object) -> Exception:
        """The kept errors as one cattrs group, carrying the count of the rest."""
        if not self.errors:  # pragma: no cover - the first error is always kept
            return ValueError(message)
        group = IterableValidationError(message, self.errors, tp)  # type: ignore[arg-type]
        group.pbcheck_omitted = self.omitted  # type: ignore[attr-defined]
        return group


def count_problems(exc: BaseException) -> int:
    """How many problems :func:`collect_problems` would find in *exc*, cheaply."""
    if isinstance(exc, BrokenReference):
        return 0
    if isinstance(exc, ValidationError):
        return len(exc.problems) + exc.omitted
    if isinstance(exc, BaseValidationError):
        return sum(count_problems(sub) for sub in exc.exceptions) + getattr(
            exc, "pbcheck_omitted", 0
        )
    if isinstance(exc, ForbiddenExtraKeysError):
        return len(exc.extra_fields)
    return 1


def _sorted_mapping(c: cattrs.Converter, value: Mapping[Any, Any]) -> dict[str, Any]:
    """*value* unstructured, in the order of its keys as written."""
    keyed = [(str(c.unstructure(key)), item) for key, item in value.items()]
    keyed.sort(key=_first)  # stable: equal keys keep their order
    return {key: c.unstructure(item) for key, item in keyed}


_first = operator.itemgetter(0)


def _tuple_unstructure(c: cattrs.Converter, tp: object) -> Callable[[Any], Any]:
    """``tuple[X, ...]`` to a list, as cattrs' own hook does, with a list display.

    The item hook is found as cattrs finds it (when the hook is made, without
    caching), so the output is the same, item for item.
    """
    item_hook = c.get_unstructure_hook(get_args(tp)[0], cache_result=False)
    if item_hook == identity:
        return list

    def hook(value: Iterable[object]) -> list[Any]:
        return [item_hook(item) for item in value]

    return hook


def _is_homogeneous_tuple(tp: object) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and len(args) == 2 and args[1] is Ellipsis


def _unstructure_source_weights(weights: Mapping[Source, Fraction]) -> dict[str, str]:
    return {s.value: exact_text(weights[s]) for s in Source if s in weights}


def _renamed(cl: type) -> dict[str, Any]:
    """The overrides for the fields of *cl* that a document spells differently."""
    return {name: override(rename=new) for name, new in _RENAMES.get(cl, {}).items()}


def _attrs_hook(c: cattrs.Converter, cl: type) -> Callable[[object, object], Any]:
    inner: Callable[[Any, Any], Any] = make_dict_structure_fn(cl, c, **_renamed(cl))

    def hook(value: object, _: object) -> object:
        if not isinstance(value, dict):
            raise _type_problem(value, "an object (a table)")
        return inner(value, cl)

    return hook


def _attrs_unstructure(c: cattrs.Converter, cl: type) -> Callable[[Any], Any]:
    return make_dict_unstructure_fn(cl, c, _cattrs_omit_if_default=True, **_renamed(cl))


#: The most decimal places or digits a document may ask for: rounding to
#: 10**18 places would make every later use of the number hang.
MAX_PLACES = 100


def _bounded_rounding(policy: RoundingPolicy) -> RoundingPolicy:
    if policy.places > MAX_PLACES:
        raise InvalidValueError(
            ("places",), policy.places, f"must be at most {MAX_PLACES} in a document"
        )
    return policy


def _reordered(results: Results) -> Results:
    """*results* with its mappings back in the order the engine produces.

    Mappings travel sorted by key; equal either way, but a report iterating a
    loaded scorecard should see indicators in rubric order and series in tree
    order, as it would on a freshly computed season.
    """

    def orders(rubric: Rubric) -> tuple[list[str], list[str]]:
        """The rubric's sections (post-order, then the root) and indicators."""
        section_order: list[str] = []

        def post_order(section: Section) -> None:
            for child in section.sections:
                post_order(child)
            section_order.append(section.id)

        for section in rubric.sections:
            post_order(section)
        section_order.append(ROOT)
        return section_order, [indicator.id for indicator in rubric.indicators()]

    def ordered(mapping: Mapping[str, T], order: Sequence[str]) -> dict[str, T]:
        rank = {key: index for index, key in enumerate(order)}
        keys = sorted(mapping, key=lambda key: (rank.get(key, len(rank)), key))
        return {key: mapping[key] for key in keys}

    known: dict[int, tuple[list[str], list[str]]] = {}
    cards = []
    for card in results.scorecards:
        rubric = results.rubric_of(card.unit_id)
        section_order, indicator_order = known.setdefault(id(rubric), orders(rubric))
        cards.append(
            attrs.evolve(
                card,
                sections=ordered(card.sections, section_order),
                indicators=ordered(card.indicators, indicator_order),
            )
        )
    tree_order = {unit.id: index for index, unit in enumerate(results.tree)}

    def by_tree(tables: Mapping[str, Ranking]) -> dict[str, Ranking]:
        def first(name: str) -> tuple[int, str]:
            units = [tree_order.get(e.unit_id, len(tree_order)) for e in tables[name]]
            return (min(units, default=len(tree_order)), name)

        return {name: tables[name] for name in sorted(tables, key=first)}

    outcomes = attrs.evolve(
        results.outcomes,
        rankings=by_tree(results.outcomes.rankings),
        liaison_groups=by_tree(results.outcomes.liaison_groups),
    )
    return attrs.evolve(results, scorecards=cards, outcomes=outcomes)


# -- aggregators ----------------------------------------------------------------


def _structure_aggregator(registry: AggregatorRegistry, value: object) -> Aggregator:
    params: object = {}
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"name", "params"})
        if unknown:
            raise ForbiddenExtraKeysError("", Aggregator, set(unknown))
        if "name" not in value:
            raise _with_note(KeyError("name"), AttributeValidationNote("", "name", str))
        name, params = value["name"], value.get("params", {})
    else:
        name = value
    if not isinstance(name, str):
        raise _type_problem(
            name, "an aggregator name (a string) or {name = …, params = {…}}"
        )
    if not isinstance(params, dict):
        raise _with_note(
            _type_problem(params, "an object of parameters"),
            AttributeValidationNote("", "params", dict),
        )
    if name not in registry.names():
        raise UnknownReferenceError(
            (),
            name,
            f"is not a known aggregator (known: {', '.join(registry.names())})",
        )
    for key, param in params.items():
        if not isinstance(param, bool | int | str):
            raise InvalidValueError(
                ("params", key), param, "must be an integer, a string or a boolean"
            )
        if isinstance(param, int) and abs(param) > MAX_PLACES * 10:
            raise InvalidValueError(
                ("params", key), param, f"must be at most {MAX_PLACES * 10} in size"
            )
    try:
        return registry.create(name, **params)
    except Problem as exc:
        # A parameter's own validator names the field last, after the
        # aggregator it builds: in the document that field is a parameter.
        raise exc.moved(("params", *exc.steps[-1:])) from None
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(
            ("params",), params, f"are not valid parameters of {name!r}: {exc}"
        ) from None


def _unstructure_aggregator(aggregator: Aggregator) -> object:
    params: dict[str, Any] = {}
    if attrs.has(type(aggregator)) and not isinstance(aggregator, FunctionAggregator):
        for field in attrs.fields(cast("Any", type(aggregator))):
            value = getattr(aggregator, field.name)
            if field.init and value != field.default:
                if not isinstance(value, bool | int | str):
                    raise InvalidTypeError(
                        (*item("aggregator", aggregator.name), field.name),
                        value,
                        "has no interchange form (parameters must be integers, "
                        "strings or booleans)",
                    )
                params[field.name] = value
    if params:
        return {"name": aggregator.name, "params": params}
    return aggregator.name


# -- rules ----------------------------------------------------------------------


def _structure_rule(c: cattrs.Converter, rules: RuleRegistry, value: object) -> object:
    if not isinstance(value, dict):
        raise _type_problem(value, "a rule object with a 'type'")
    if "type" not in value:
        raise _with_note(KeyError("type"), AttributeValidationNote("", "type", str))
    tag = value["type"]
    try:
        cls = rules.class_of(tag)
    except UnknownRuleError:
        # InvalidValueError, as before the registry: the error catalogue pins it.
        problem = InvalidValueError(
            (),
            tag,
            f"is not a known rule type (known: {', '.join(rules.names())}); "
            "a rule of your own loads once its class is registered in a "
            "RuleRegistry passed as rules=",
        )
        raise _with_note(problem, AttributeValidationNote("", "type", str)) from None
    rest = {k: v for k, v in value.items() if k != "type"}
    return c.structure(rest, cls)


def _unstructure_rule(
    c: cattrs.Converter, rules: RuleRegistry, rule: object
) -> dict[str, Any]:
    cls = type(rule)
    try:
        tag = rules.tag_of(cls)
    except UnknownRuleError:
        raise InvalidTypeError(
            ("indicator", "rule"),
            rule,
            f"has no interchange form: its class {cls.__module__}.{cls.__qualname__} "
            "is not registered; register it in a RuleRegistry "
            f"(rules.register('my_tag', {cls.__qualname__})) and pass rules=rules",
        ) from None
    if isinstance(rule, Tiers):
        body: object = {
            "tiers": [
                {"threshold": exact_text(t), "points": exact_text(p)}
                for t, p in rule.tiers
            ]
        }
    elif _is_aggregator_class(cls):
        # A rule that also says ``monotone`` is still a rule: its fields.
        body = _attrs_unstructure(c, cls)(rule)
    else:
        body = c.unstructure(rule, cls)
    assert isinstance(body, dict)  # noqa: S101 - attrs classes unstructure to dicts
    return {"type": tag, **body}


@attrs.frozen
class TierStep:
    """One step of a :class:`~pbcheck.model.rules.Tiers` rule, as it travels."""

    threshold: Fraction
    points: Fraction


@attrs.frozen
class TiersForm:
    """The wire form of :class:`~pbcheck.model.rules.Tiers`."""

    tiers: tuple[TierStep, ...]


def _structure_tiers(c: cattrs.Converter, value: object) -> Tiers:
    form = c.structure(value, TiersForm)
    return Tiers([(step.threshold, step.points) for step in form.tiers])


# -- errors ---------------------------------------------------------------------


def _step_of(exc: BaseException) -> tuple[str | int, ...]:
    steps: list[str | int] = []
    # Notes are added as the error travels outwards: the outermost comes last.
    for note in reversed(getattr(exc, "__notes__", ())):
        if isinstance(note, AttributeValidationNote) and note.name:
            # cattrs names the attribute; a renamed one is spelt otherwise in
            # the document (AssessmentCycle.kind is ``cycle_kind``).
            owner = _NOTE_OWNER.match(str(note))
            renames = _RENAMES_BY_NAME.get(owner.group(1) if owner else "", {})
            steps.append(renames.get(note.name, note.name))
        elif isinstance(note, IterableValidationNote):
            steps.append(note.index)
    return tuple(steps)


_NOTE_OWNER = re.compile(r"^Structuring class (\S+) @ attribute ")
_RENAMES_BY_NAME = {cl.__qualname__: names for cl, names in _RENAMES.items()}
_ATTRS_MESSAGE = re.compile(r"^'(\w+)' (must .*)$", re.DOTALL)


def collect_all(exc: BaseException, raw: object) -> tuple[list[Problem], int]:
    """The first :data:`~pbcheck.errors.MAX_PROBLEMS` problems in *exc*, and how many more.

    Only the kept problems are given document paths (rerooting is the costly
    part); the rest are counted.
    """
    found: list[Problem] = []
    omitted = 0

    def walk(exc: BaseException, base: Path) -> None:
        nonlocal omitted
        if len(found) >= MAX_PROBLEMS:
            omitted += count_problems(exc)
            return
        path = (*base, *_step_of(exc))
        if isinstance(exc, BaseValidationError):
            omitted += getattr(exc, "pbcheck_omitted", 0)
            for sub in exc.exceptions:
                walk(sub, path)
            return
        if isinstance(exc, ValidationError):
            omitted += exc.omitted
        found.extend(collect_problems(exc, base, raw))

    walk(exc, ())
    omitted += max(len(found) - MAX_PROBLEMS, 0)
    return found[:MAX_PROBLEMS], omitted


def collect_problems(  # noqa: PLR0911 - one answer per kind of error
    exc: BaseException, base: Path, raw: object
) -> list[Problem]:
    """Every problem in *exc* (a cattrs or pbcheck error tree), with document paths.

    Args:
        exc: what structuring raised.
        base: the document path of the value being structured.
        raw: the whole raw document, to translate domain paths.
    """
    if isinstance(exc, BrokenReference):  # its section's problems are reported
        return []
    path = (*base, *_step_of(exc))
    if isinstance(exc, ValidationError):
        return [reroot(problem, path, raw) for problem in exc.problems]
    if isinstance(exc, BaseValidationError):
        found: list[Problem] = []
        for sub in exc.exceptions:
            found.extend(collect_problems(sub, path, raw))
        return found
    if isinstance(exc, Problem):
        return [reroot(exc, path, raw)]
    if isinstance(exc, ForbiddenExtraKeysError):
        expected = _expected_keys(exc.cl)
        hint = f" (expected: {', '.join(expected)})" if expected else ""
        return [
            InvalidValueError(
                (DOCUMENT, *path, key),
                _shown(at(raw, (*path, key))),
                f"is not a known key{hint}",
            )
            for key in sorted(exc.extra_fields, key=str)
        ]
    if isinstance(exc, KeyError):
        return [InvalidValueError((DOCUMENT, *path), None, "is required but missing")]
    if isinstance(exc, ValueError | TypeError):
        text = str(exc)
        match = _ATTRS_MESSAGE.match(text)
        if match:  # attrs' own validators: "'k' must be >= 1: 0"
            return [
                InvalidValueError(
                    (DOCUMENT, *path, match.group(1)), None, match.group(2)
                )
            ]
        return [InvalidValueError((DOCUMENT, *path), None, text)]
    return [InvalidValueError((DOCUMENT, *path), None, f"{type(exc).__name__}: {exc}")]


def _shown(value: object) -> object:
    """A raw value as an error message shows it: containers by their kind only."""
    if isinstance(value, dict | list):
        return f"<{_kind_of(value)}>"
    if isinstance(value, str) and len(value) > 60:
        return value[:60] + "…"
    return value


def _expected_keys(cl: object) -> list[str]:
    if not (isinstance(cl, type) and attrs.has(cl)):
        return ["name", "params"] if cl is Aggregator else []
    renames = _RENAMES.get(cl, {})
    return [renames.get(a.name, a.name) for a in attrs.fields(cl) if a.init]


# -- JSON Schema ------------------------------------------------------------------


# The schema's patterns say what the loader accepts, value by value (the
# loader's own patterns above only sort the text into kinds, and then let
# ``date.fromisoformat`` and friends name what is wrong): a denominator is
# never zero; a date is a calendar date of years 0001-9999, 29 February of
# leap years only; a time runs to 23:59:59.999999, and a UTC offset is less
# than a day.
_SCHEMA_EXACT_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+|[0-9]+/0*[1-9][0-9]*)$"
_MONTH_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
)
_LEAP_YEAR = (
    r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
)
_CALENDAR_DATE = rf"(?!0000)(?:[0-9]{{4}}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)"
_SCHEMA_DATE_PATTERN = rf"^{_CALENDAR_DATE}$"
_SCHEMA_DATETIME_PATTERN = (
    rf"^{_CALENDAR_DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r"(?::[0-5][0-9](?:\.[0-9]{1,6})?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
#: Text with something in it: the loader refuses empty and blank text.
_TEXT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"\S",
    "description": "non-blank text",
}

_EXACT_SCHEMA: dict[str, Any] = {
    "description": "an exact number: a decimal or fraction in a string, or an integer",
    "anyOf": [
        {
            "type": "string",
            "pattern": _SCHEMA_EXACT_PATTERN,
            "maxLength": _MAX_NUMBER_TEXT,
        },
        {"type": "integer", "minimum": -_MAX_INT, "maximum": _MAX_INT},
    ],
}
_INT_SCHEMA = {"type": "integer", "minimum": -_MAX_INT, "maximum": _MAX_INT}
_DATE_SCHEMA = {"type": "string", "pattern": _SCHEMA_DATE_PATTERN, "format": "date"}
_MOMENT_SCHEMA = {
    "anyOf": [
        _DATE_SCHEMA,
        {
            "type": "string",
            "pattern": _SCHEMA_DATETIME_PATTERN,
            "format": "date-time",
        },
    ]
}


_NO_DEFAULT = object()

#: Fields whose values the loader limits beyond their type, said in the schema.
_FIELD_SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("Milestone", "key"): {
        "type": "string",
        "pattern": "^[a-z][a-z0-9_]*$",
        "description": "a lowercase English id such as self_check",
    },
    ("AssessmentCycle", "zone"): {
        "type": "string",
        "pattern": "^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z][A-Za-z0-9_+-]*)*$",
        "description": (
            "an IANA time zone name such as Asia/Shanghai, known to the zone "
            "database of the machine that loads the document"
        ),
    },
    ("RoundingPolicy", "places"): {"type": "integer", "minimum": 0, "maximum": 100},
}


class SchemaBuilder:
    """Builds JSON Schema (draft 2020-12) from the annotated attrs classes."""

    def __init__(
        self, converter: cattrs.Converter | None = None, *, section_refs: bool = False
    ) -> None:
        """A builder; with *section_refs*, a section may be a reference.

        A reference to a common section (``{"common": id}``) is written in a
        rubric set (also one a results document embeds); the builder turns
        *section_refs* on by itself while it describes a rubric set.
        """
        self.defs: dict[str, dict[str, Any]] = {}
        self.converter = converter or make_converter()
        self.section_refs = section_refs

    def ref(self, cl: type) -> dict[str, Any]:
        """A ``$ref`` to the definition of attrs class *cl*, defining it once.

        Inside a rubric set, a rubric and a section are defined apart
        (``RubricOfSet``, ``SectionOfSet``): only there may a section be a
        reference to a common section.
        """
        name = cl.__name__
        if self.section_refs and cl in (Rubric, Section):
            name += "OfSet"
        if name not in self.defs:
            self.defs[name] = {}  # placeholder: recursion ends here
            self.defs[name] = self.object_schema(cl)
        return {"$ref": f"#/$defs/{name}"}

    def object_schema(self, cl: type) -> dict[str, Any]:
        """The object schema of attrs class *cl* (inline, not a ``$ref``)."""
        if cl is Tiers:
            return self.object_schema(TiersForm)
        if cl is RubricSet:
            outer, self.section_refs = self.section_refs, True
            try:
                return {**self.object_schema(RubricSetForm), "title": "RubricSet"}
            finally:
                self.section_refs = outer
        attrs.resolve_types(cl)
        renames = _RENAMES.get(cl, {})
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cl):
            if not field.init:
                continue
            key = renames.get(field.name, field.name)
            override = _FIELD_SCHEMAS.get((cl.__name__, field.name))
            if override:
                properties[key] = dict(override)
            elif cl is RubricSetForm and field.name == "common":
                # A common section is written in full; references are to it.
                properties[key] = {"type": "array", "items": self.ref(Section)}
            elif field.default == "":  # blank text allowed: it is the default
                properties[key] = {"type": "string"}
            else:
                properties[key] = self.of(field.type)
            if field.default is attrs.NOTHING:
                required.append(key)
            else:
                default = self._default(field)
                if default is not _NO_DEFAULT:
                    properties[key]["default"] = default
        schema: dict[str, Any] = {
            "type": "object",
            "title": cl.__name__,
            "properties": properties,
            "additionalProperties": False,
        }
        if cl.__doc__:
            schema["description"] = cl.__doc__.strip().splitlines()[0]
        if required:
            schema["required"] = required
        return schema

    def _default(self, field: attrs.Attribute[Any]) -> object:
        """A field's default as it would be written, to document what omission means."""
        default: Any = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            if default.takes_self:  # derived from other fields: nothing fixed to show
                return _NO_DEFAULT
            default = default.factory()
        value = self.converter.unstructure(default, field.type)
        return list(value) if isinstance(value, tuple) else value

    def of(self, tp: object) -> dict[str, Any]:  # noqa: PLR0911 - one branch per wire type
        """The schema of any annotated type."""
        simple: dict[object, dict[str, Any]] = {
            str: _TEXT_SCHEMA,
            int: _INT_SCHEMA,
            bool: {"type": "boolean"},
            Fraction: _EXACT_SCHEMA,
            Decimal: {"type": "string", "pattern": _DECIMAL_PATTERN},
            date: _DATE_SCHEMA,
        }
        if tp in simple:
            return dict(simple[tp])
        if tp == MOMENT_TYPE:
            return dict(_MOMENT_SCHEMA)
        if tp == ObservedValue:
            return {"anyOf": [{"type": "boolean"}, _EXACT_SCHEMA]}
        if tp is Aggregator:
            return {
                "description": "an aggregator: its registry name, or name and params",
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "params": {
                                "type": "object",
                                "additionalProperties": {
                                    "type": ["integer", "string", "boolean"]
                                },
                            },
                        },
                        "required": ["name"],
                        "additionalProperties": False,
                    },
                ],
            }
        if tp == RULE_TYPE:
            return self._rule_schema()
        if _is_enum(tp):
            return {"enum": [member.value for member in tp]}  # type: ignore[attr-defined]
        if _is_literal(tp):
            return {"enum": list(get_args(tp))}
        if _is_optional(tp):
            return {"anyOf": [self.of(_non_none(tp)), {"type": "null"}]}
        if tp == RUBRIC_OR_SET:
            return {"anyOf": [self.ref(Rubric), self.ref(RubricSet)]}
        if tp is Section and self.section_refs:
            return {"anyOf": [self.ref(Section), self.ref(SectionRef)]}
        if _is_sequence(tp):
            return {"type": "array", "items": self.of(get_args(tp)[0])}
        if _is_mapping(tp):
            key_type, value_type = get_args(tp)
            schema: dict[str, Any] = {
                "type": "object",
                "additionalProperties": self.of(value_type),
            }
            if _is_enum(key_type) or key_type is str:
                schema["propertyNames"] = self.of(key_type)
            return schema
        if isinstance(tp, type) and attrs.has(tp):
            return self.ref(tp)
        msg = f"no schema for {tp!r}"
        raise TypeError(msg)

    def _rule_schema(self) -> dict[str, Any]:
        """A built-in rule's exact shape, or any object tagged with another tag.

        The schema describes every document, not one caller's registry: a
        registered rule's own fields are checked by the loader that knows it.
        """
        builtins = RuleRegistry.with_builtins()
        variants = []
        for tag in builtins.names():
            body = self.object_schema(builtins.class_of(tag))
            properties = {"type": {"const": tag}, **body["properties"]}
            variant = {**body, "properties": properties}
            variant["required"] = ["type", *body.get("required", [])]
            variants.append(variant)
        variants.append(
            {
                "type": "object",
                "title": "registered rule",
                "description": (
                    "a rule of a class registered in a RuleRegistry, tagged by "
                    "'type' (a tag other than the built-ins), with its own fields"
                ),
                "properties": {
                    "type": {
                        "type": "string",
                        "pattern": RULE_TAG_PATTERN,
                        "not": {"enum": list(builtins.names())},
                    }
                },
                "required": ["type"],
            }
        )
        return {"description": "a scoring rule, tagged by 'type'", "oneOf": variants}
