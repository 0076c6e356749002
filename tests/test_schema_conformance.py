"""One input contract for services (issue 17): the JSON Schemas agree with the loaders, and problems come back as RFC 9457 problem details.

Documents are generated from each shipped schema and loaded: the loader must
accept each one, or refuse it only for a rule the schema says it cannot
express (see :data:`DOCUMENTED`).  Before the schemas were tightened,
``"1/0"``, empty ids, ``T24:00:00``, ``+25:00`` and blank names passed the
schema and failed the loader.

The documents come from a small generator over the JSON Schema keywords our
schemas use (``_from_schema``): hypothesis-jsonschema 0.23.1, the latest
release, relies on a Hypothesis internal (``many.more``) that current
Hypothesis no longer has.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pbcheck.cli import main
from pbcheck.errors import InvalidValueError, ValidationError
from pbcheck.io.interchange import KINDS, loads, problem_details, schema

#: Letters, digits, punctuation and spaces, Chinese included; control and
#: format characters are refused by the text checks, which the schemas leave
#: to the loader.
_TEXT = st.text(
    st.characters(categories=("L", "N", "P", "Zs"), codec="utf-8"), max_size=8
)
#: Deeper than this, optional fields are left out and lists are empty.
_DEPTH = 5


def _from_schema(root: dict[str, Any]) -> st.SearchStrategy[Any]:  # noqa: C901
    defs = root.get("$defs", {})

    def of(node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:  # noqa: PLR0911
        if "$ref" in node:
            name = node["$ref"].removeprefix("#/$defs/")
            return st.deferred(lambda: of(defs[name], depth + 1))
        if "const" in node:
            return st.just(node["const"])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        for key in ("anyOf", "oneOf"):
            if key in node:
                return st.one_of([of(branch, depth) for branch in node[key]])
        kind = node.get("type")
        if isinstance(kind, list):
            return st.one_of([of({**node, "type": k}, depth) for k in kind])
        if kind == "object":
            return _object(node, depth)
        if kind == "array":
            most = 0 if depth > _DEPTH else 3
            return st.lists(of(node["items"], depth + 1), max_size=most)
        if kind == "string":
            return _string(node)
        if kind == "integer":
            low, high = node.get("minimum", -(10**6)), node.get("maximum", 10**6)
            return st.integers(max(low, -(10**6)), min(high, 10**6))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        msg = f"no generator for {node}"
        raise NotImplementedError(msg)

    def _object(node: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        properties = node.get("properties", {})
        required = set(node.get("required", ()))
        extra = node.get("additionalProperties", True)
        if not properties and isinstance(extra, dict):
            names = (
                of(node["propertyNames"], depth) if "propertyNames" in node else _TEXT
            )
            most = 0 if depth > _DEPTH else 3
            return st.dictionaries(names, of(extra, depth + 1), max_size=most)

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            result = {}
            for key, sub in properties.items():
                if key in required or (depth <= _DEPTH and draw(st.booleans())):
                    result[key] = draw(of(sub, depth + 1))
            return result

        return build()

    def _string(node: dict[str, Any]) -> st.SearchStrategy[str]:
        strategy: st.SearchStrategy[str]
        if "pattern" in node:
            # JSON Schema patterns are ECMA-262: "$" is the very end, where
            # Python's also matches before a final newline.
            pattern = node["pattern"]
            core = pattern.removeprefix("^").removesuffix("$")
            anchored = core != pattern
            strategy = (
                st.from_regex(core, fullmatch=True)
                if anchored
                else _TEXT.filter(lambda text: re.search(pattern, text) is not None)
            )
        else:
            strategy = _TEXT
        if "maxLength" in node:
            strategy = strategy.filter(lambda text: len(text) <= node["maxLength"])
        if "not" in node:
            refused = node["not"].get("enum", ())
            strategy = strategy.filter(lambda text: text not in refused)
        return strategy

    return of(root, 0)


#: What a loader may refuse in a document that satisfies its schema: the
#: rules the schema's description lists as left to the loader (ranges of
#: numbers, unique ids and references, rules between fields, registry names,
#: the machine's zone database).  A problem whose message has none of these
#: is a disagreement: the schema allowed what the loader refuses.
DOCUMENTED = re.compile(
    # ranges of numbers
    r"must be [>≥] 0|must be a whole number ≥|must be at most|must be below"
    r"|must not be below|must not exceed"
    # ids unique, references resolving
    r"|names no |is a duplicate|is already evaluated|is listed twice"
    r"|is used twice|closes a loop|is not a known series|is already the id"
    r"|must fill the slots"
    # dates in order, rules between fields, lists not empty
    r"|must not be before|must run from|must not be empty|give exactly one"
    r"|give a count, a share|needs sections or indicators|at least one tier"
    r"|must sum to exactly|is already used at|holds indicators only"
    # registries and the machine
    r"|is not a known aggregator|is not a known rule type|time zone"
)

#: The examples per kind: a results document takes about a second to draw.
EXAMPLES = 20


@pytest.mark.parametrize("kind", KINDS)
def test_documents_generated_from_the_schema_load(kind: str) -> None:
    """Every document the schema allows loads, or is refused only for a documented rule."""
    document_schema = schema(kind)  # type: ignore[arg-type]
    validator = jsonschema.Draft202012Validator(document_schema)
    description = document_schema["description"]
    assert "ranges of numbers" in description  # the rules below are documented

    # No shrinking: a generated document is already small, and shrinking one
    # drawn from a large schema takes minutes.
    @settings(
        max_examples=min(settings().max_examples, EXAMPLES),
        suppress_health_check=list(HealthCheck),
        deadline=None,
        phases=(Phase.explicit, Phase.generate),
    )
    @given(_from_schema(document_schema))
    def check(document: dict[str, Any]) -> None:
        assert validator.is_valid(document)
        text = json.dumps(document, ensure_ascii=False)
        try:
            loads(text, kind)  # type: ignore[call-overload]
        except ValidationError as exc:
            undocumented = [p for p in exc.problems if not DOCUMENTED.search(p.message)]
            assert not undocumented, "\n".join(map(str, undocumented))

    check()


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("cycle", "start", "2025-02-30"),
        ("cycle", "start", "0000-01-01"),
        ("evaluations", "occurred_at", "2025-06-01T24:00:00+08:00"),
        ("evaluations", "occurred_at", "2025-06-01T12:00:00+25:00"),
        ("evaluations", "value", "1/0"),
        ("org_tree", "id", ""),
        ("org_tree", "id", "  "),
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(
    kind: str, field: str, value: str
) -> None:
    """The values issue 17 found passing the schema and failing the loader now fail both."""
    document = _valid(kind)
    _put(document, field, value)
    valid = jsonschema.Draft202012Validator(schema(kind)).is_valid(document)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        loads(json.dumps(document), kind)  # type: ignore[call-overload]
    assert not valid


def _valid(kind: str) -> dict[str, Any]:
    """A small valid document of *kind*, as JSON data."""
    documents = {
        "cycle": {
            "schema_version": 1,
            "kind": "cycle",
            "cycle_kind": "calendar_year",
            "start": "2025-01-01",
            "end": "2025-12-31",
        },
        "org_tree": {
            "schema_version": 1,
            "kind": "org_tree",
            "units": [{"id": "a", "name": "甲", "kind": "party_committee"}],
        },
        "evaluations": {
            "schema_version": 1,
            "kind": "evaluations",
            "evaluations": [
                {
                    "unit_id": "ZF01",
                    "observations": [{"indicator_id": "P1.1.1", "value": "13/2"}],
                    "activities": [
                        {"indicator_id": "P2.2.1", "occurred_at": "2025-05-02"}
                    ],
                }
            ],
        },
    }
    document: dict[str, Any] = documents[kind]
    loads(json.dumps(document), kind)  # type: ignore[call-overload]
    return document


def _put(node: Any, field: str, value: str) -> None:
    """Set every *field* anywhere in *node* to *value*."""
    if isinstance(node, dict):
        for key in node:
            if key == field:
                node[key] = value
            else:
                _put(node[key], field, value)
    elif isinstance(node, list):
        for item in node:
            _put(item, field, value)


def test_validate_json_prints_rfc_9457_problem_details(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``pbcheck validate --format json``: one problem-details object per bad file, on stdout."""
    bad = tmp_path / "tree.json"
    document = _valid("org_tree")
    _put(document, "id", " ")
    bad.write_text(json.dumps(document), encoding="utf-8")
    good = tmp_path / "cycle.json"
    good.write_text(json.dumps(_valid("cycle")), encoding="utf-8")
    assert main(["validate", "--format", "json", str(bad), str(good)]) == 1
    (details,) = json.loads(capsys.readouterr().out)
    assert details == {
        "type": "urn:pbcheck:validation-error",
        "title": "Unprocessable input",
        "status": 422,
        "detail": "invalid org_tree document: 1 problem",
        "instance": str(bad),
        "errors": [
            {
                "kind": "InvalidValueError",
                "path": "$.units[0].id",
                "steps": ["$", "units", 0, "id"],
                "pointer": "#/units/0/id",
                "value": " ",
                "message": "must be a non-empty string",
            }
        ],
    }


def test_validate_json_of_valid_files_is_an_empty_array(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every file valid: ``[]`` and exit 0, nothing on stderr."""
    good = tmp_path / "cycle.json"
    good.write_text(json.dumps(_valid("cycle")), encoding="utf-8")
    assert main(["validate", "--format", "json", str(good)]) == 0
    out, err = capsys.readouterr()
    assert (json.loads(out), err) == ([], "")


def test_problem_details_pointer_escapes_and_long_values() -> None:
    """Keys with ``/`` and ``~`` are escaped in the pointer; long values are cut."""
    problem = InvalidValueError(
        ("$", "by_series", "a/b~c"), "x" * 500, "names no rubric"
    )
    details = problem_details(ValidationError("invalid rubric_set document", [problem]))
    (entry,) = details["errors"]
    assert entry["pointer"] == "#/by_series/a~1b~0c"
    assert entry["value"] == "x" * 200 + "…"
    assert "instance" not in details


_NUMBERS = (
    '{"schema_version": 1, "kind": "evaluations", "evaluations": [{"unit_id": "ZF01",'
    ' "observations": [{"indicator_id": "P1", "value": 0.1},'
    ' {"indicator_id": "P2", "value": 2.50}, {"indicator_id": "P3", "value": 1e2}]}]}'
)


def test_json_numbers_are_refused_by_default() -> None:
    """Strict stays the default: a JSON number with a fraction is refused, with its path."""
    with pytest.raises(ValidationError) as caught:
        loads(_NUMBERS)
    paths = [p.path for p in caught.value.problems]
    assert paths == [f"$.evaluations[0].observations[{i}].value" for i in range(3)]


def test_json_numbers_decimal_reads_the_exact_text() -> None:
    """``json_numbers="decimal"``: 0.1 is exactly 1/10 (a float would not be), 1e2 is 100."""
    (evaluation,) = loads(_NUMBERS, "evaluations", json_numbers="decimal")
    values = [observation.value for observation in evaluation.observations]
    assert values == [Fraction(1, 10), Fraction(5, 2), Fraction(100)]
    assert Fraction(0.1) != Fraction(1, 10)  # what reading through float would give


def test_json_numbers_decimal_still_refuses_what_is_not_exact() -> None:
    """A number too long to write out, and an unknown option, are library errors."""
    with pytest.raises(ValidationError) as caught:
        loads(_NUMBERS.replace("1e2", "1e999999"), json_numbers="decimal")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["$.evaluations[0].observations[2].value"]
    with pytest.raises(InvalidValueError, match="json_numbers"):
        loads(_NUMBERS, json_numbers="float")  # type: ignore[call-overload]


#: Spellings of schema_version: the schema and the loader must agree on each.
_VERSIONS = ["1", "1.0", "1e0", "10e-1", '"1"', "true", "2", "1.5", "0", "null"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("version", _VERSIONS)
def test_schema_version_spellings_agree(kind: str, version: str) -> None:
    """The loader takes exactly the schema_version spellings the schema takes.

    JSON Schema compares numbers by value, so 1.0 and 1e0 are version 1 to
    it; the loader agrees (it refused 1.0 before), and still refuses "1",
    true and every other number.  Other problems of the (empty) body are
    not the point: only schema_version's verdict is compared.
    """
    document_schema = schema(kind)  # type: ignore[arg-type]
    text = f'{{"schema_version": {version}, "kind": "{kind}"}}'
    validator = jsonschema.Draft202012Validator(document_schema)
    schema_accepts = not any(
        list(error.path) == ["schema_version"]
        for error in validator.iter_errors(json.loads(text))
    )
    try:
        loads(text, kind)  # type: ignore[call-overload]
        loader_accepts = True
    except ValidationError as exc:
        loader_accepts = not any(
            p.steps[-1:] == ("schema_version",) for p in exc.problems
        )
    assert loader_accepts == schema_accepts
    assert schema_accepts == (version in ("1", "1.0", "1e0", "10e-1"))
