r"""The interchange format: pbcheck's objects as versioned JSON and TOML documents.

Six kinds of document (文件类型), each a JSON object (or TOML table) with a
``schema_version`` and a ``kind``:

* ``rubric`` — a :class:`~pbcheck.Rubric` (考核细则); JSON or TOML;
* ``rubric_set`` — a :class:`~pbcheck.RubricSet` (分类考核细则): several
  rubrics, their common sections (共性指标) written once in ``common`` and
  referred to as ``{"common": "A"}``; JSON or TOML;
* ``org_tree`` — an :class:`~pbcheck.OrgTree` (组织体系); JSON or TOML;
* ``cycle`` — an :class:`~pbcheck.AssessmentCycle` (考核周期); JSON or TOML;
* ``evaluations`` — :class:`~pbcheck.Evaluation` records (考评记录); JSON or TOML;
* ``results`` — :class:`Results` (考评结果): scorecards and outcomes, with the
  rubric (or rubric set), tree and cycle embedded; JSON.

Exact numbers travel as strings (``"85"``, ``"2.5"``, ``"1/3"``; integers are
accepted too), never as floats.  Loading is strict and complete: every
problem of a file is reported at once in one
:class:`~pbcheck.errors.ValidationError`, each with its path in the file:

>>> from pbcheck.errors import ValidationError
>>> from pbcheck.io.interchange import loads
>>> text = '''{"schema_version": 1, "kind": "org_tree", "units": [
...     {"id": "gw", "name": "机关工委", "kind": "working_committee"},
...     {"id": "czj", "name": "财政局机关党委", "kind": "party_committee",
...      "parent": "gw", "colour": "red"},
...     {"id": "jyj", "name": "教育局机关党委", "kind": "party_committee",
...      "parent": "gw", "series": 3}]}'''
>>> try:
...     loads(text, "org_tree")
... except ValidationError as exc:
...     print(exc)
invalid org_tree document: 2 problems
  $.units[1].colour: is not a known key (expected: id, name, kind, parent, series, liaison_group, responsible, guided_by, groupings) (got 'red')
  $.units[2].series: must be a string, not an integer (got 3)

Problems are found in two passes: first the shape of the whole document
(keys, types, number and date formats), then the rules of every part whose
shape is sound (unique ids, known parents, weights that sum, rule
parameters):

>>> text = '''{"schema_version": 1, "kind": "org_tree", "units": [
...     {"id": "gw", "name": "机关工委", "kind": "working_committee"},
...     {"id": "czj", "name": "财政局机关党委", "kind": "party_committee", "parent": "gw"},
...     {"id": "czj", "name": "教育局机关党委", "kind": "party_committee", "parent": "gw"},
...     {"id": "jyj", "name": "教育局机关党委", "kind": "party_committee", "parent": "jy"}]}'''
>>> try:
...     loads(text, "org_tree")
... except ValidationError as exc:
...     print(exc)
invalid org_tree document: 2 problems
  $.units[2].id: is a duplicate (got 'czj')
  $.units[3].parent: names no unit in the tree (got 'jy')

See ``docs/formats.md`` for the whole format.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypeAlias, cast, overload

import cattrs

from pbcheck._files import write_atomic
from pbcheck.errors import (
    DOCUMENT,
    Id,
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    Problem,
    ValidationError,
    render,
)
from pbcheck.io.interchange._convert import (
    SchemaBuilder,
    collect_all,
    make_converter,
)
from pbcheck.io.interchange._forms import EvaluationsForm
from pbcheck.io.interchange._parse import Format, Limits, decode, read_document
from pbcheck.io.interchange._results import check_results
from pbcheck.io.interchange._salvage import rule_problems
from pbcheck.model.aggregation import AggregatorRegistry
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.evaluation import Evaluation
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.model.rules import RuleClass, RuleRegistry
from pbcheck.outcomes.season import Results

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "TOML_KINDS",
    "Document",
    "JsonNumbers",
    "Kind",
    "Limits",
    "Results",
    "dump",
    "dumps",
    "kind_of",
    "load",
    "loads",
    "problem_details",
    "schema",
]

#: The version of the document format this pbcheck writes and reads.
SCHEMA_VERSION = 1

#: How :func:`loads` reads a JSON number with a fraction or exponent.
JsonNumbers: TypeAlias = Literal["strict", "decimal"]

#: A document kind.
Kind: TypeAlias = Literal[
    "rubric", "rubric_set", "org_tree", "cycle", "evaluations", "results"
]

#: Every document kind, in the order data flows.
KINDS: tuple[Kind, ...] = (
    "rubric",
    "rubric_set",
    "org_tree",
    "cycle",
    "evaluations",
    "results",
)

#: The kinds that may also be written as TOML (hand-written documents).
TOML_KINDS: tuple[Kind, ...] = (
    "rubric",
    "rubric_set",
    "org_tree",
    "cycle",
    "evaluations",
)

#: What a document holds once loaded.
Document: TypeAlias = (
    Rubric | RubricSet | OrgTree | AssessmentCycle | tuple[Evaluation, ...] | Results
)

_TYPES: dict[str, type] = {
    "rubric": Rubric,
    "rubric_set": RubricSet,
    "org_tree": OrgTree,
    "cycle": AssessmentCycle,
    "evaluations": EvaluationsForm,
    "results": Results,
}
_ENVELOPE = ("schema_version", "kind")


@functools.cache
def _default_converter(toml: bool) -> cattrs.Converter:
    return make_converter(toml=toml)


@functools.lru_cache(maxsize=16)
def _rules_converter(
    toml: bool, contents: tuple[tuple[str, RuleClass], ...]
) -> cattrs.Converter:
    # A converter generates its code on first use (~150 ms for a rubric), so
    # one is kept per set of rules.  It holds its own registry, built from the
    # contents it is cached under: a later change to the caller's registry
    # gives other contents and another converter, never a stale one.
    rules = RuleRegistry()
    for tag, rule_class in contents:
        rules.register(tag, rule_class)
    return make_converter(rules=rules, toml=toml)


def _converter(
    registry: AggregatorRegistry | None,
    rules: RuleRegistry | None,
    *,
    toml: bool = False,
) -> cattrs.Converter:
    if registry is not None:
        # An aggregator registry's factories cannot be listed: a converter
        # made for one is not cached, so a later registration is always seen.
        return make_converter(registry, rules=rules, toml=toml)
    if rules is None:
        return _default_converter(toml)
    contents = tuple((tag, rules.class_of(tag)) for tag in rules.names())
    return _rules_converter(toml, contents)


def kind_of(obj: object) -> Kind:
    """The document kind that holds *obj*.

    A sequence of :class:`~pbcheck.Evaluation` is an ``evaluations`` document.

    >>> from pbcheck.examples import example_rubric, example_evaluations
    >>> kind_of(example_rubric()), kind_of(example_evaluations(2025))
    ('rubric', 'evaluations')
    >>> kind_of(42)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidTypeError: document: has no document kind; ...
    """
    for kind, cls in _TYPES.items():
        if isinstance(obj, cls) and kind != "evaluations":
            return kind  # type: ignore[return-value]
    if isinstance(obj, Sequence) and not isinstance(obj, str | bytes):  # noqa: SIM102
        if all(isinstance(item, Evaluation) for item in obj):
            return "evaluations"
    raise InvalidTypeError(
        ("document",),
        type(obj).__name__,
        "has no document kind; expected a Rubric, RubricSet, OrgTree, "
        "AssessmentCycle, Results or a sequence of Evaluation",
    )


def _body(
    obj: object, kind: Kind, *, toml: bool, rules: RuleRegistry | None
) -> dict[str, object]:
    converter = _converter(None, rules, toml=toml)
    if kind == "evaluations":
        data = converter.unstructure(EvaluationsForm(obj), EvaluationsForm)  # type: ignore[arg-type]
    else:
        data = converter.unstructure(obj, _TYPES[kind])
    return {"schema_version": SCHEMA_VERSION, "kind": kind, **data}


def dumps(
    obj: object,
    *,
    format: Format = "json",  # noqa: A002 - the natural name
    rules: RuleRegistry | None = None,
) -> str:
    """*obj* as a document: JSON (default) or TOML text, ending in a newline.

    JSON is UTF-8 with Chinese left readable and keys in a fixed order, so the
    same object always gives the same text.  Documents people read and diff
    (rubrics, org trees, cycles, evaluations) get two-space indents; results
    documents are machine output of several megabytes and are written compact,
    which halves their size and is five times faster to write.  TOML is for
    hand-written kinds (:data:`TOML_KINDS`) and needs the ``toml`` extra.

    Each indicator's rule is written under the tag *rules* holds for its
    class (:class:`~pbcheck.model.rules.RuleRegistry`; the built-in rules by
    default): register a rule of your own there to write it.

    Raises:
        InvalidTypeError: *obj* has no document kind, or holds something
            without an interchange form (a rule whose class is not
            registered in *rules*).
        InvalidValueError: TOML was asked for a results document.
        MissingExtraError: TOML without the ``toml`` extra.

    >>> from pbcheck.examples import example_cycle
    >>> print(dumps(example_cycle(2025))[:70])
    {
      "schema_version": 1,
      "kind": "cycle",
      "start": "2025-05-01",
    """
    kind = kind_of(obj)
    if format == "json":
        body = _body(obj, kind, toml=False, rules=rules)
        if kind == "results":
            # A freshly unstructured body holds no cycles: nothing to check.
            text = json.dumps(
                body, ensure_ascii=False, separators=(",", ":"), check_circular=False
            )
        else:
            text = json.dumps(body, ensure_ascii=False, indent=2)
        return text + "\n"
    if format != "toml":
        raise InvalidValueError(("format",), format, "must be 'json' or 'toml'")
    if kind not in TOML_KINDS:
        raise InvalidValueError(
            ("format",), format, f"{kind} documents are written as JSON only"
        )
    try:
        import tomli_w  # noqa: PLC0415 - optional extra
    except ImportError:
        raise MissingExtraError("toml", "writing TOML documents") from None
    return tomli_w.dumps(_body(obj, kind, toml=True, rules=rules))


def _read_envelope(raw: object, wanted: Kind | None) -> Kind:
    if not isinstance(raw, dict):
        raise ValidationError(
            "invalid document",
            [
                InvalidTypeError(
                    (DOCUMENT,), type(raw).__name__, "must be an object (a table)"
                )
            ],
        )
    problems: list[Problem] = []
    version = raw.get("schema_version")
    kind = raw.get("kind")
    if "schema_version" not in raw:
        problems.append(
            InvalidValueError(
                (DOCUMENT, "schema_version"), None, "is required but missing"
            )
        )
    elif isinstance(version, bool) or not isinstance(version, int | Decimal):
        # A number, as the schema says; "1" and true are not.  1.0 and 1e0 are
        # the number 1 to JSON Schema and to JSON writers that hold numbers as
        # doubles, so the loader compares the value (docs/formats.md).
        problems.append(
            InvalidValueError(
                (DOCUMENT, "schema_version"),
                version,
                f"is not supported: this pbcheck reads schema_version "
                f"{SCHEMA_VERSION}, a number written without quotes",
            )
        )
    elif version != SCHEMA_VERSION:
        problems.append(
            InvalidValueError(
                (DOCUMENT, "schema_version"),
                version,
                f"is not supported: this pbcheck reads schema_version {SCHEMA_VERSION}",
            )
        )
    if "kind" not in raw:
        problems.append(
            InvalidValueError((DOCUMENT, "kind"), None, "is required but missing")
        )
    elif kind not in KINDS:
        problems.append(
            InvalidValueError(
                (DOCUMENT, "kind"),
                kind,
                f"is not a known document kind ({', '.join(KINDS)})",
            )
        )
    elif wanted is not None and kind != wanted:
        problems.append(
            InvalidValueError((DOCUMENT, "kind"), kind, f"must be {wanted!r} here")
        )
    if problems:
        raise ValidationError("invalid document", problems)
    return cast("Kind", kind)


def _wanted(kind: Kind | type | None) -> Kind | None:
    if kind is None or (isinstance(kind, str) and kind in KINDS):
        return kind
    if kind is Evaluation:
        return "evaluations"
    for name, cls in _TYPES.items():
        if kind is cls:
            return name  # type: ignore[return-value]
    raise InvalidValueError(
        ("kind",), kind, f"must be one of {', '.join(KINDS)} or their type"
    )


@overload
def loads(
    data: str | bytes,
    kind: Literal["rubric"] | type[Rubric],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> Rubric: ...
@overload
def loads(
    data: str | bytes,
    kind: Literal["rubric_set"] | type[RubricSet],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> RubricSet: ...
@overload
def loads(
    data: str | bytes,
    kind: Literal["org_tree"] | type[OrgTree],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> OrgTree: ...
@overload
def loads(
    data: str | bytes,
    kind: Literal["cycle"] | type[AssessmentCycle],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> AssessmentCycle: ...
@overload
def loads(
    data: str | bytes,
    kind: Literal["evaluations"] | type[Evaluation],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> tuple[Evaluation, ...]: ...
@overload
def loads(
    data: str | bytes,
    kind: Literal["results"] | type[Results],
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> Results: ...
@overload
def loads(
    data: str | bytes,
    kind: None = ...,
    *,
    format: Format = ...,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
    json_numbers: JsonNumbers = ...,
) -> Document: ...
def loads(  # noqa: PLR0913 - keyword-only options, each with its default
    data: str | bytes,
    kind: Kind | type | None = None,
    *,
    format: Format = "json",  # noqa: A002 - the natural name
    limits: Limits | None = None,
    registry: AggregatorRegistry | None = None,
    rules: RuleRegistry | None = None,
    json_numbers: JsonNumbers = "strict",
) -> Document:
    """Read a document from text or bytes; strict, complete, nothing half-loaded.

    Args:
        data: the document (bytes must be UTF-8).
        kind: the kind expected (``"rubric"`` or :class:`~pbcheck.Rubric`,
            ``"rubric_set"`` or :class:`~pbcheck.RubricSet`, …);
            ``None`` accepts any kind, as the document says.
        format: ``"json"`` or ``"toml"``.
        limits: size, depth and count bounds (:class:`Limits` by default).
        registry: resolves aggregator names (the built-ins by default).
        rules: resolves rule tags (the built-ins by default); register a rule
            of your own in a :class:`~pbcheck.model.rules.RuleRegistry` and
            pass it here to load rubrics that use it.
        json_numbers: how a JSON number with a fraction or an exponent
            (``2.5``, ``1e2``) is read.  ``"strict"`` (the default) refuses
            it: exact numbers are written as strings (``"2.5"``, ``"1/3"``).
            ``"decimal"``, for systems that can only send JSON numbers, reads
            it as the exact decimal its text says, never through a binary
            float: ``0.1`` is ``"0.1"`` and ``2.50`` is ``"2.50"``, as if
            written as those strings.  Only JSON; TOML documents are
            hand-written and stay strict.

    Returns:
        The object: a Rubric, RubricSet, OrgTree, AssessmentCycle, a tuple of
        Evaluation, or :class:`Results`.

    Raises:
        ValidationError: every problem of the document, each with its path
            (``$.sections[1].indicators[3].max_points``).  Nothing else is
            raised, whatever *data* holds.

    >>> from pbcheck.examples import example_cycle
    >>> loads(dumps(example_cycle(2025)), "cycle") == example_cycle(2025)
    True
    >>> loads('{"schema_version": 2, "kind": "cycle"}')
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid document: 1 problem
      $.schema_version: is not supported: this pbcheck reads schema_version 1 (got 2)
    """
    wanted = _wanted(kind)
    if format not in ("json", "toml"):
        raise InvalidValueError(("format",), format, "must be 'json' or 'toml'")
    if json_numbers not in ("strict", "decimal"):
        raise InvalidValueError(
            ("json_numbers",), json_numbers, "must be 'strict' or 'decimal'"
        )
    raw = decode(data, format, limits or Limits(), wanted)
    if json_numbers == "decimal" and format == "json":
        raw = _decimal_numbers(raw)
    found = _read_envelope(raw, wanted)
    assert isinstance(raw, dict)  # noqa: S101 - checked by _read_envelope
    body = {k: v for k, v in raw.items() if k not in _ENVELOPE}
    converter = _converter(registry, rules)
    try:
        obj: object = converter.structure(body, _TYPES[found])
    except Exception as exc:  # noqa: BLE001 - every problem becomes a Problem with a path
        problems, omitted = collect_all(exc, raw)
        if found in ("rubric", "rubric_set") and not omitted:
            # The rules of the parts whose shape is sound, checked on a copy
            # with stand-ins for the rest (see _salvage).
            more, more_omitted = rule_problems(
                body,
                found,
                problems,
                lambda patched: converter.structure(patched, _TYPES[found]),
                collect_all,
            )
            problems = [*problems, *more]
            omitted += more_omitted
    else:
        if isinstance(obj, EvaluationsForm):
            return obj.evaluations
        if isinstance(obj, Results):
            # Checked, not trusted: every figure against what it is computed from.
            problems, omitted = check_results(obj)
            if not problems and not omitted:
                return obj
        else:
            return cast("Document", obj)
    # Raised here, not in the handler, so that the error chains nothing: pickled
    # with its chain (as tblib does once distributed is imported), cattrs' own
    # errors could not be rebuilt in the process that receives it.
    raise ValidationError(f"invalid {found} document", problems, omitted)


def _decimal_numbers(raw: object) -> object:
    """*raw* with each JSON number that has a fraction or exponent as its exact text.

    The parser reads such a number straight from its text into a
    :class:`~decimal.Decimal` (never a float); written out in plain notation
    it is the string an exact number is written as.  A number whose plain
    notation would be longer than the loader reads (``1e999999``) is left as
    it is, and refused as before.
    """
    if isinstance(raw, Decimal):
        if raw.is_finite() and abs(raw.adjusted()) < _MAX_PLAIN_DIGITS:
            return format(raw, "f")
        return raw
    if isinstance(raw, dict):
        converted = {key: _decimal_numbers(value) for key, value in raw.items()}
        if type(raw) is not dict:  # keeps what the parser noted (keys given twice)
            raw.update(converted)
            return raw
        return converted
    if isinstance(raw, list):
        return [_decimal_numbers(item) for item in raw]
    return raw


#: Beyond this exponent a JSON number is not written out in plain notation.
_MAX_PLAIN_DIGITS = 900


def _format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix == ".toml":
        return "toml"
    raise ValidationError(
        f"cannot read {path}",
        [InvalidValueError((DOCUMENT,), str(path), "must end in .json or .toml")],
    )


@overload
def load(
    path: str | Path,
    kind: Literal["rubric"] | type[Rubric],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> Rubric: ...
@overload
def load(
    path: str | Path,
    kind: Literal["rubric_set"] | type[RubricSet],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> RubricSet: ...
@overload
def load(
    path: str | Path,
    kind: Literal["org_tree"] | type[OrgTree],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> OrgTree: ...
@overload
def load(
    path: str | Path,
    kind: Literal["cycle"] | type[AssessmentCycle],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> AssessmentCycle: ...
@overload
def load(
    path: str | Path,
    kind: Literal["evaluations"] | type[Evaluation],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> tuple[Evaluation, ...]: ...
@overload
def load(
    path: str | Path,
    kind: Literal["results"] | type[Results],
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> Results: ...
@overload
def load(
    path: str | Path,
    kind: None = ...,
    *,
    limits: Limits | None = ...,
    registry: AggregatorRegistry | None = ...,
    rules: RuleRegistry | None = ...,
) -> Document: ...
def load(
    path: str | Path,
    kind: Kind | type | None = None,
    *,
    limits: Limits | None = None,
    registry: AggregatorRegistry | None = None,
    rules: RuleRegistry | None = None,
) -> Document:
    """Read a document file: JSON or TOML by its suffix, the kind from the file.

    *limits*, *registry* and *rules* work as for :func:`loads`.

    Raises:
        ValidationError: the file cannot be read, or every problem in it.

    >>> import tempfile, pathlib
    >>> from pbcheck.examples import example_tree
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "org-tree.json"
    >>> _ = dump(example_tree(), target)
    >>> load(target) == example_tree()
    True
    """
    target = Path(path)
    fmt = _format_of(target)
    bounds = limits or Limits()
    # At most one byte past the limit, whatever stat says (/dev/zero, FIFOs).
    data = read_document(target, bounds, _wanted(kind))
    return loads(data, kind, format=fmt, limits=bounds, registry=registry, rules=rules)


def dump(obj: object, path: str | Path, *, rules: RuleRegistry | None = None) -> Path:
    """Write *obj* as a document, atomically; the format follows the suffix.

    Returns the path written.  A failure leaves an existing file untouched.
    *rules* finds the tag of each rule, as for :func:`dumps`.

    >>> import tempfile, pathlib
    >>> from pbcheck.examples import example_cycle
    >>> written = dump(example_cycle(2025), pathlib.Path(tempfile.mkdtemp()) / "c.toml")
    >>> written.read_text(encoding="utf-8").splitlines()[:2]
    ['schema_version = 1', 'kind = "cycle"']
    """
    target = Path(path)
    text = dumps(obj, format=_format_of(target), rules=rules)
    return write_atomic(target, text)


#: What a document can satisfy its schema and still be refused for: rules of
#: values together, or of the machine, that JSON Schema does not express.
#: ``tests/test_schema_conformance.py`` holds the loader to this list.
_SCHEMA_LEAVES_TO_THE_LOADER = (
    "Besides this schema, the loader checks: ranges of numbers (points, caps "
    "and targets > 0, weights >= 0, counts whole and >= 1, shares at most 1); "
    "ids unique and references resolving (parents, series, sections, "
    "indicators, units, rubrics); dates in order and inside the cycle; rules "
    "between fields (points or by_category, sections or indicators, weights "
    "that add up, tiers in order, lists not empty); names of aggregators and "
    "rule types known to the registry; the time zone known to the machine's "
    "zone database; text free of control, format and unpaired surrogate "
    "characters; and, in a results document, that every figure agrees with "
    "what it is computed from.  schema_version is compared as a number, as "
    "JSON Schema compares it: 1, 1.0 and 1e0 are version 1 (pbcheck writes 1)."
)


@functools.cache
def _schema(kind: Kind) -> str:
    # Rubric sets (also one a results document embeds) write common sections
    # once and refer to them by id; the builder allows references there only.
    builder = SchemaBuilder()
    body = builder.object_schema(_TYPES[kind])
    properties = {
        "schema_version": {"const": SCHEMA_VERSION},
        "kind": {"const": kind},
        **body["properties"],
    }
    document: dict[str, object] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:pbcheck:schema:{kind}:{SCHEMA_VERSION}",
        "title": f"pbcheck {kind} document, schema_version {SCHEMA_VERSION}",
        "description": _SCHEMA_LEAVES_TO_THE_LOADER,
        "type": "object",
        "properties": properties,
        "required": ["schema_version", "kind", *body.get("required", [])],
        "additionalProperties": False,
        "$defs": dict(sorted(builder.defs.items())),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True)


def schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a document kind, as a dict.

    The same schemas ship as files in ``pbcheck/interchange/schemas/`` and
    are printed by ``pbcheck schema KIND``.

    >>> schema("rubric")["properties"]["kind"]
    {'const': 'rubric'}
    """
    if kind not in KINDS:
        raise InvalidValueError(("kind",), kind, f"must be one of {', '.join(KINDS)}")
    result: dict[str, Any] = json.loads(_schema(kind))
    return result


#: The ``type`` of every problem-details object pbcheck writes for invalid input.
PROBLEM_TYPE = "urn:pbcheck:validation-error"

#: A text value quoted in a problem-details object is cut to this many characters.
_SHOWN_VALUE = 200


def problem_details(
    error: ValidationError, *, instance: str | None = None
) -> dict[str, Any]:
    """*error* as RFC 9457 problem details: one JSON object a service can return.

    The shape (``application/problem+json``) is the one the service how-to
    documents::

        {
            "type": "urn:pbcheck:validation-error",
            "title": "Unprocessable input",
            "status": 422,
            "detail": "invalid org_tree document: 1 problem",
            "instance": "<file or request, if given>",
            "errors": [
                {
                    "kind": "InvalidValueError",
                    "path": "$.units[0].id",
                    "steps": ["$", "units", 0, "id"],
                    "pointer": "#/units/0/id",
                    "value": "",
                    "message": "must be a non-empty string",
                }
            ],
        }

    ``errors`` is the extension member RFC 9457 shows for validation, one
    entry per problem in order: its class (``kind``), pbcheck's path as text
    and as steps (an id step written ``{"id": …}``), the same place as a
    JSON Pointer into the document when the path is made of keys and
    indexes below ``$``, the offending value (JSON values as they are,
    anything else as its text, text cut to 200 characters) and what was
    expected.  ``status`` is 422 (Unprocessable Content): the request was
    read but its document is invalid.  When a document had more problems
    than :data:`pbcheck.errors.MAX_PROBLEMS`, ``errors`` holds the first ones
    and ``omitted`` counts the rest.

    >>> from pbcheck.errors import ValidationError
    >>> unit = '{"id": "", "name": "机关党委", "kind": "branch"}'
    >>> try:
    ...     loads(f'{{"schema_version": 1, "kind": "org_tree", "units": [{unit}]}}')
    ... except ValidationError as exc:
    ...     details = problem_details(exc, instance="tree.json")
    >>> details["status"], details["detail"], details["instance"]
    (422, 'invalid org_tree document: 1 problem', 'tree.json')
    >>> details["errors"]  # doctest: +NORMALIZE_WHITESPACE
    [{'kind': 'InvalidValueError', 'path': '$.units[0].id',
      'steps': ['$', 'units', 0, 'id'], 'pointer': '#/units/0/id',
      'value': '', 'message': 'must be a non-empty string'}]
    """
    details: dict[str, Any] = {
        "type": PROBLEM_TYPE,
        "title": "Unprocessable input",
        "status": 422,
        "detail": render(error)[0],
    }
    if instance is not None:
        details["instance"] = instance
    details["errors"] = [_problem_entry(problem) for problem in error.problems]
    if error.omitted:
        # Only the first MAX_PROBLEMS problems are kept; say how many more.
        details["omitted"] = error.omitted
    return details


def _problem_entry(problem: Problem) -> dict[str, Any]:
    steps = problem.steps
    entry: dict[str, Any] = {
        "kind": type(problem).__name__,
        "path": problem.path,
        "steps": [{"id": s.value} if isinstance(s, Id) else s for s in steps],
    }
    if steps[:1] == (DOCUMENT,) and all(type(s) in (str, int) for s in steps[1:]):
        entry["pointer"] = "#" + "".join(
            "/" + str(s).replace("~", "~0").replace("/", "~1") for s in steps[1:]
        )
    entry["value"] = _json_value(problem.value)
    entry["message"] = problem.message
    return entry


def _json_value(value: object) -> object:
    """The value as JSON: JSON values as they are, anything else as its text, cut short."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**53:
        return value
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value[:20]]
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= _SHOWN_VALUE else text[:_SHOWN_VALUE] + "…"
