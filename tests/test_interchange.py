"""Tests for pbcheck.io.interchange: round trips, strict loading, limits and schemas."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import subprocess
import sys
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbcheck import (
    AssessmentCycle,
    Indicator,
    OrgTree,
    OrgUnit,
    PassFail,
    Rubric,
    Section,
    TrimmedMean,
    aggregator,
)
from pbcheck.errors import (
    DOCUMENT,
    Id,
    InvalidTypeError,
    PbcheckError,
    ValidationError,
)
from pbcheck.examples import (
    EXAMPLE_YEARS,
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.io.interchange import (
    KINDS,
    SCHEMA_VERSION,
    TOML_KINDS,
    Limits,
    Results,
    dump,
    dumps,
    kind_of,
    load,
    loads,
    schema,
)
from pbcheck.io.interchange.schemas import HERE as SCHEMA_DIR
from pbcheck.io.interchange.schemas import expected_files
from pbcheck.model.aggregation import AggregatorRegistry
from pbcheck.testing import cycles, org_trees, rubrics
from pbcheck.testing._interchange import (
    broken_documents,
    documents,
    evaluation_lists,
    json_values,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "jiangcheng"
SLOW = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def problems_of(data: str | bytes, kind=None, **options) -> list[str]:
    """The rendered problems loading *data* raises (it must raise)."""
    with pytest.raises(ValidationError) as info:
        loads(data, kind, **options)
    return [str(problem) for problem in info.value.problems]


def rubric_data() -> dict:
    return json.loads(dumps(example_rubric()))


def small_rubric(**fields) -> Rubric:
    return Rubric(
        "r",
        "1",
        "细则",
        [
            Section(
                "A", "部分", 100, indicators=[Indicator("A1", "指标", 100, PassFail())]
            )
        ],
        **fields,
    )


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        schema(kind), format_checker=jsonschema.FormatChecker()
    )


class TestRoundTrip:
    @SLOW
    @given(documents(), st.randoms(use_true_random=False))
    def test_json_round_trip_is_lossless_and_deterministic(self, document, rng):
        """Every kind loads back equal; the text is the same however it was reached.

        Dumping twice, dumping what was loaded, and dumping what was loaded
        from a copy with every object's keys shuffled all give the same text.
        """
        text = dumps(document)
        assert loads(text) == document
        assert dumps(document) == text
        assert dumps(loads(text)) == text
        assert text.endswith("}\n")

        def shuffled(value):
            if isinstance(value, dict):
                items = list(value.items())
                rng.shuffle(items)
                return {k: shuffled(v) for k, v in items}
            if isinstance(value, list):
                return [shuffled(v) for v in value]
            return value

        assert dumps(loads(json.dumps(shuffled(json.loads(text))))) == text

    @SLOW
    @given(st.one_of(rubrics(), org_trees(), cycles(), evaluation_lists()))
    def test_toml_round_trip_is_lossless(self, document):
        """Hand-written kinds survive TOML too."""
        assert loads(dumps(document, format="toml"), format="toml") == document

    def test_the_same_bytes_under_another_hash_seed(self):
        """Sets (the tree's series) are sorted: hash randomisation changes nothing."""
        code = (
            "import sys; from pbcheck.examples import example_tree; "
            "from pbcheck.io.interchange import dumps; "
            "sys.stdout.buffer.write(dumps(example_tree()).encode())"
        )
        outputs = {
            subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                check=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            ).stdout
            for seed in ("1", "2", "3")
        }
        assert outputs == {dumps(example_tree()).encode()}

    def test_exact_numbers_travel_as_strings(self):
        """Fractions are written as decimals or n/d strings, never as floats."""
        rubric = small_rubric(total_points=Fraction(100), floor=Fraction(-1, 3))
        data = json.loads(dumps(rubric))
        assert data["floor"] == "-1/3"
        assert data["sections"][0]["weight"] == "100"
        assert "total_points" not in data  # the default is left out

    def test_chinese_stays_readable(self):
        """ensure_ascii=False: titles are written as they read."""
        assert "江城市直机关党建工作责任制考核细则" in dumps(example_rubric())

    def test_results_load_with_every_part(self):
        """A results document gives back rubric, tree, cycle, scorecards and outcomes."""
        season = Results.compute(
            example_rubrics(),
            example_tree(),
            example_cycle(2025),
            example_evaluations(2025)[:6],
            partial=True,
        )
        loaded = loads(dumps(season), "results")
        assert loaded == season
        assert loaded.rubric == example_rubrics()
        assert loaded.cycle == example_cycle(2025)
        assert loaded.scorecard("ZF02").explain().lines() == (
            season.scorecard("ZF02").explain().lines()
        )
        assert str(loaded.outcomes) == str(season.outcomes)
        # Mappings travel sorted, but come back in the engine's order.
        assert list(loaded.outcomes.rankings) == list(season.outcomes.rankings)
        for card, original in zip(loaded.scorecards, season.scorecards, strict=True):
            assert list(card.indicators) == list(original.indicators)
            assert list(card.sections) == list(original.sections)

    def test_aggregators_travel_by_name_and_parameters(self):
        """Parameters that differ from the defaults are written; others are not."""
        rubric = small_rubric(rater_aggregator=TrimmedMean(k=2))
        data = json.loads(dumps(rubric))
        assert data["rater_aggregator"] == {"name": "trimmed_mean", "params": {"k": 2}}
        assert "aggregator" not in data
        assert loads(dumps(rubric)) == rubric

    def test_a_registered_aggregator_loads_through_its_registry(self):
        """Third-party strategies are found in the registry passed to loads."""

        @aggregator("best_of", monotone=True)
        def best_of(values, weights):
            return max(values)

        rubric = small_rubric(rater_aggregator=best_of)
        text = dumps(rubric)
        assert any("best_of" in p for p in problems_of(text))
        registry = AggregatorRegistry.with_builtins()
        registry.register("best_of", lambda: best_of)
        assert loads(text, registry=registry) == rubric

    def test_a_third_party_rule_cannot_be_dumped(self):
        """A rule without an interchange form is a clear error, not a broken file."""

        class Custom(PassFail):
            pass

        rubric = Rubric(
            "r",
            "1",
            "细则",
            [
                Section(
                    "A",
                    "部分",
                    100,
                    indicators=[Indicator("A1", "指标", 100, Custom())],
                )
            ],
        )
        with pytest.raises(PbcheckError, match="no interchange form"):
            dumps(rubric)

    def test_an_aggregator_parameter_without_a_wire_form_names_the_aggregator(self):
        """Only integers, strings and booleans travel; the error names whose field."""

        @attrs.frozen
        class Scaled:
            factor: Fraction = Fraction(1)
            name = "scaled"
            monotone = True

            def __call__(self, values, weights):
                return self.factor * max(values)

        with pytest.raises(InvalidTypeError) as info:
            dumps(small_rubric(rater_aggregator=Scaled(Fraction(1, 2))))
        assert info.value.steps == ("aggregator", Id("scaled"), "factor")
        assert info.value.path == "aggregator[scaled].factor"


class TestStrictLoading:
    def test_an_error_names_its_path_in_the_document(self):
        """The path points into the file, not into the domain objects."""
        data = rubric_data()
        data["sections"][0]["sections"][0]["sections"][1]["indicators"][0][
            "max_points"
        ] = "-2"
        (problem,) = problems_of(json.dumps(data))
        assert problem.startswith(
            "$.sections[0].sections[0].sections[1].indicators[0].max_points: must be > 0"
        )

    def test_every_structural_problem_at_once(self):
        """Unknown, missing and mistyped keys in several places, reported together."""
        data = rubric_data()
        del data["title"]
        data["colour"] = "red"
        data["sections"][0]["weight"] = 70.0
        data["bonus"]["indicators"][0]["rule"] = {"type": "magic"}
        data["sections"][0]["sections"][0]["sections"][0]["indicators"][0]["rule"] = {
            "type": "tiers",
            "tiers": [{"threshold": "1", "points": True}],
        }
        found = problems_of(json.dumps(data))
        paths = [p.split(":")[0] for p in found]
        assert sorted(paths) == sorted(
            [
                "$.title",
                "$.colour",
                "$.sections[0].weight",
                "$.bonus.indicators[0].rule.type",
                "$.sections[0].sections[0].sections[0].indicators[0].rule.tiers[0].points",
            ]
        )
        assert any("floating-point numbers are refused" in p for p in found)

    def test_every_domain_problem_at_once(self):
        """Weights that do not sum, bad rule parameters, duplicate ids together."""
        data = rubric_data()
        data["sections"][0]["weight"] = "71"
        items = data["sections"][0]["sections"][0]["sections"]
        items[0]["indicators"][0]["rule"] = {
            "type": "ratio_to_target",
            "target": "85",
            "zero_below": "90",
        }
        items[1]["indicators"][1]["id"] = items[1]["indicators"][0]["id"]
        data["deductions"][1]["by_category"]["乡科级"] = "-2"
        found = problems_of(json.dumps(data))
        assert any(
            p.startswith(
                "$.sections[0].sections[0].sections[0].indicators[0].rule.zero_below:"
            )
            for p in found
        )
        assert any(
            p.startswith('$.deductions[1].by_category["乡科级"]: must be > 0')
            for p in found
        )

    def test_weights_that_do_not_sum_name_the_level(self):
        """The sum of a level is checked exactly and reported at that level."""
        data = rubric_data()
        data["sections"][1]["weight"] = "31"
        (problem,) = problems_of(json.dumps(data))
        assert problem.startswith("$.weights: must sum to exactly 100 points")

    def test_dangling_and_duplicate_ids_in_an_org_tree(self):
        """Unknown parents and repeated ids are found with their unit's index."""
        data = json.loads(dumps(example_tree()))
        data["units"][5]["parent"] = "nowhere"
        data["units"][7]["id"] = data["units"][6]["id"]
        found = problems_of(json.dumps(data))
        assert "$.units[7].id: is a duplicate (got 'ZF06')" in found
        assert "$.units[5].parent: names no unit in the tree (got 'nowhere')" in found

    def test_an_evaluation_repeated_in_one_file(self):
        """One unit evaluated twice in a file is an error at the second one."""
        data = json.loads(dumps(example_evaluations(2025)[:3]))
        data["evaluations"][2]["unit_id"] = data["evaluations"][0]["unit_id"]
        (problem,) = problems_of(json.dumps(data))
        assert problem.startswith("$.evaluations[2].unit_id: is already evaluated")

    def test_a_repeated_unit_is_found_at_its_position_whatever_the_ids(self):
        """The second evaluation is named by its index, even where a unit's id is a digit.

        Read back from text, ``evaluations[2]`` could be the evaluation of the
        unit ``"2"``; as steps, 2 is a position.
        """
        data = json.loads(dumps(example_evaluations(2025)[:3]))
        data["evaluations"][1]["unit_id"] = "2"
        data["evaluations"][2]["unit_id"] = data["evaluations"][0]["unit_id"]
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data))
        (problem,) = info.value.problems
        assert problem.steps == (DOCUMENT, "evaluations", 2, "unit_id")
        assert problem.message == "is already evaluated at $.evaluations[0]"

    def test_a_parameter_named_with_a_dot_is_one_key(self):
        """``params["k.x"]`` is one key of the parameters, not ``params.k.x``."""
        data = rubric_data()
        data["rater_aggregator"] = {"name": "trimmed_mean", "params": {"k.x": [1]}}
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data))
        (problem,) = info.value.problems
        assert problem.steps == (DOCUMENT, "rater_aggregator", "params", "k.x")
        assert problem.path == '$.rater_aggregator.params["k.x"]'

    def test_a_parameter_refused_by_its_aggregator_is_named_as_a_parameter(self):
        """The aggregator's own validator names its field; the file has it in params."""
        data = rubric_data()
        data["rater_aggregator"] = {"name": "trimmed_mean", "params": {"k": 0}}
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data))
        (problem,) = info.value.problems
        assert problem.steps == (DOCUMENT, "rater_aggregator", "params", "k")
        assert (problem.value, type(problem).__name__) == (0, "InvalidValueError")

    def test_a_cycle_milestone_out_of_order(self):
        """Cycle rules are checked and located by the milestone's index."""
        data = json.loads(dumps(example_cycle(2025)))
        data["milestones"][6]["date"] = "2026-07-15"
        (problem,) = problems_of(json.dumps(data))
        assert problem.startswith("$.milestones[6].date: must be before July 1")

    def test_results_must_hang_together(self):
        """A scorecard naming a unit the embedded tree lacks is a dangling reference."""
        season = Results.compute(
            example_rubrics(),
            example_tree(),
            example_cycle(2025),
            example_evaluations(2025)[:2],
            partial=True,
        )
        data = json.loads(dumps(season))
        data["scorecards"][1]["unit_id"] = "ghost"
        found = problems_of(json.dumps(data))
        assert any(
            p.startswith("$.scorecards[1].unit_id: names no unit in the org tree")
            for p in found
        )

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                '{"schema_version": 2, "kind": "rubric"}',
                "$.schema_version: is not supported",
            ),
            (
                '{"schema_version": "1", "kind": "rubric"}',
                "$.schema_version: is not supported",
            ),
            (
                '{"schema_version": 1.5, "kind": "rubric"}',
                "$.schema_version: is not supported",
            ),
            (
                '{"schema_version": true, "kind": "rubric"}',
                "$.schema_version: is not supported",
            ),
            (
                '{"schema_version": 1, "kind": "poem"}',
                "$.kind: is not a known document kind",
            ),
            ('{"kind": "rubric"}', "$.schema_version: is required"),
            ("[1, 2]", "$: must be an object"),
            ('{"a": NaN}', "$.a: is not a finite number"),
            ('{"a": [Infinity]}', "$.a[0]: is not a finite number"),
            ('{"a": 1, "a": 2}', "$.a: is given twice"),
            ('{"a": ', "$: is not valid JSON"),
            ('{"a": ' + "9" * 5000 + "}", "$: cannot be parsed"),
            ("[" * 50000 + "]" * 50000, "$: nests lists or objects too deeply"),
        ],
    )
    def test_bad_json(self, text, expected):
        """Envelopes, JSON syntax, NaN and huge numbers give a clear error."""
        assert any(p.startswith(expected) for p in problems_of(text))

    def test_a_kind_other_than_the_one_asked_for(self):
        """Asking for a rubric and getting a cycle is an error at $.kind."""
        assert problems_of(dumps(example_cycle()), "rubric") == [
            "$.kind: must be 'rubric' here (got 'cycle')"
        ]

    def test_bytes_must_be_utf8(self):
        """Bad UTF-8 is refused with the offset; a BOM is tolerated."""
        assert problems_of(b'{"a": "\xff"}')[0].startswith("$: is not UTF-8 text")
        assert (
            loads(b"\xef\xbb\xbf" + dumps(example_cycle()).encode()) == example_cycle()
        )

    def test_toml_dates_are_local_or_carry_an_offset(self):
        """A TOML local date-time has no place in time; NaN is refused in TOML too."""
        text = dumps(example_cycle(), format="toml").replace(
            "start = 2025-05-01", "start = 2025-05-01T08:00:00\nx = nan"
        )
        found = problems_of(text, format="toml")
        assert any(p.startswith("$.start: must carry its UTC offset") for p in found)
        assert any(p.startswith("$.x: is not a finite number") for p in found)

    def test_limits(self):
        """Size, depth and count limits each give a clear error."""
        text = dumps(example_tree())
        size = len(text.encode())
        assert problems_of(text, limits=Limits(max_bytes=100)) == [
            (
                f"$: is {size} bytes, more than the limit of 100 "
                "(400 for a results document) (got None)"
            )
        ]
        assert problems_of(text, limits=Limits(max_depth=2))[0].startswith(
            "$.units[0]: nests deeper than the limit of 2"
        )
        assert (
            "holds more than 50 values"
            in problems_of(text, limits=Limits(max_items=50))[0]
        )

    def test_numbers_that_would_hang_later_are_refused(self):
        """Rounding to 10**18 places or a 10**9-digit geometric mean never loads."""
        data = rubric_data()
        data["rounding"] = {"places": 10**18}
        data["rater_aggregator"] = {
            "name": "geometric_mean",
            "params": {"digits": 10**9},
        }
        found = problems_of(json.dumps(data))
        assert any(
            p.startswith("$.rounding.places: must be at most 100") for p in found
        )
        assert any(
            p.startswith("$.rater_aggregator.params.digits: must be at most")
            for p in found
        )

    @settings(max_examples=200)
    @given(st.binary(max_size=300))
    def test_arbitrary_bytes_raise_only_pbcheck_errors(self, data):
        """Whatever bytes come in, JSON or TOML, only pbcheck's errors come out."""
        for fmt in ("json", "toml"):
            with contextlib.suppress(PbcheckError):
                loads(data, format=fmt)

    @SLOW
    @given(documents(), st.data())
    def test_damaged_documents_raise_only_pbcheck_errors(self, document, data):
        """Valid documents with bytes flipped, cut or inserted never crash the loader."""
        raw = bytearray(dumps(document).encode())
        for _ in range(data.draw(st.integers(1, 5))):
            at = data.draw(st.integers(0, len(raw) - 1))
            action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
            if action == "flip":
                raw[at] = data.draw(st.integers(0, 255))
            elif action == "cut":
                del raw[at:]
                raw += b" "
            else:
                raw[at:at] = data.draw(
                    st.sampled_from([b"1.5", b"NaN", b"[", b'"', b"{}", b"-"])
                )
        with contextlib.suppress(PbcheckError):
            loads(bytes(raw))

    @SLOW
    @given(broken_documents())
    def test_broken_documents_are_rejected_with_a_path(self, broken):
        """Dropped, unknown or mistyped keys, broken references and sums are errors."""
        mutation, data = broken
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data))
        assert info.value.problems, mutation
        assert any(p.path.startswith("$") for p in info.value.problems), mutation


class TestSchemas:
    def test_shipped_schema_files_are_current(self):
        """The files in the package equal what the code generates."""
        for name, text in expected_files().items():
            assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == text, (
                f"{name} is stale: run python -m pbcheck.io.interchange.schemas"
            )

    @pytest.mark.parametrize("kind", KINDS)
    def test_schemas_are_valid_draft_2020_12(self, kind):
        """Each schema is itself valid and pins its kind and version."""
        jsonschema.Draft202012Validator.check_schema(schema(kind))
        assert schema(kind)["properties"]["schema_version"] == {"const": SCHEMA_VERSION}
        assert schema(kind)["properties"]["kind"] == {"const": kind}

    @SLOW
    @given(documents(), json_values(), st.data())
    def test_dumps_validate_and_what_the_schema_rejects_the_loader_rejects(
        self, document, value, data
    ):
        """Dumped documents are schema-valid; after replacing any value at random,
        if the schema says no, so does the loader."""
        doc = json.loads(dumps(document))
        check = validator(doc["kind"])
        errors = list(check.iter_errors(doc))
        assert not errors, errors[0].message
        spots = []

        def walk(node):
            if isinstance(node, dict):
                spots.extend((node, key) for key in node)
                for child in node.values():
                    walk(child)
            elif isinstance(node, list):
                spots.extend((node, index) for index in range(len(node)))
                for child in node:
                    walk(child)

        walk(doc)
        container, key = data.draw(st.sampled_from(spots))
        container[key] = value
        if not check.is_valid(doc):
            with pytest.raises(ValidationError):
                loads(json.dumps(doc), kind_of(document))

    @SLOW
    @given(broken_documents())
    def test_schema_invalid_broken_documents_are_loader_invalid(self, broken):
        """Structurally broken documents fail the schema and the loader alike."""
        mutation, data = broken
        if mutation in ("add_unknown_key", "drop_required_key", "change_type"):
            assert not validator(str(data.get("kind", "rubric"))).is_valid(data) or (
                data.get("kind") not in KINDS
            )
        with pytest.raises(ValidationError):
            loads(json.dumps(data))

    def test_regeneration_writes_the_files(self, tmp_path):
        """`python -m pbcheck.io.interchange.schemas` writes one file per kind."""
        from pbcheck.io.interchange.schemas import regenerate

        written = regenerate(tmp_path)
        assert sorted(p.name for p in written) == sorted(
            f"{k}.schema.json" for k in KINDS
        )
        assert regenerate(tmp_path) == []


class TestFiles:
    def test_format_follows_the_suffix(self, tmp_path):
        """dump and load pick JSON or TOML from the suffix; the kind from the file."""
        for name in ("c.json", "c.toml"):
            target = dump(example_cycle(2024), tmp_path / name)
            assert load(target) == example_cycle(2024)
            assert load(target, AssessmentCycle) == example_cycle(2024)

    def test_unknown_suffix_and_missing_file(self, tmp_path):
        """Both are ValidationErrors that say why."""
        with pytest.raises(ValidationError) as info:
            load(tmp_path / "c.yaml")
        assert "must end in .json or .toml" in str(info.value.problems[0])
        with pytest.raises(ValidationError) as info:
            load(tmp_path / "missing.json")
        assert "cannot be read" in str(info.value.problems[0])

    def test_results_are_json_only(self, tmp_path):
        """Results hold nulls, which TOML cannot: asking for TOML is an error."""
        season = Results.compute(
            small_rubric(),
            OrgTree([OrgUnit("a", "甲", "branch")]),
            example_cycle(),
            (),
            partial=True,
        )
        with pytest.raises(PbcheckError, match="JSON only"):
            dump(season, tmp_path / "r.toml")
        assert not (tmp_path / "r.toml").exists()

    def test_kind_of(self):
        """Each object has its kind; evaluations are a sequence of Evaluation."""
        assert kind_of(example_rubric()) == "rubric"
        assert kind_of(example_tree()) == "org_tree"
        assert kind_of(example_cycle()) == "cycle"
        assert kind_of([]) == "evaluations"
        assert set(TOML_KINDS) == set(KINDS) - {"results"}


def _generator():
    spec = importlib.util.spec_from_file_location(
        "jiangcheng_generate", EXAMPLES / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestBundledExamples:
    def test_checked_in_files_are_what_the_generator_writes(self):
        """examples/jiangcheng/ is current: run its generate.py after changing examples."""
        for name, text in _generator().files().items():
            assert (EXAMPLES / name).read_text(encoding="utf-8") == text, (
                f"{name} is stale: run python examples/jiangcheng/generate.py"
            )

    def test_loading_them_gives_the_example_objects(self):
        """The files hold exactly pbcheck.examples' rubric, tree, cycles, evaluations."""
        assert load(EXAMPLES / "rubric.toml") == example_rubrics()
        assert load(EXAMPLES / "org-tree.toml") == example_tree()
        for year in EXAMPLE_YEARS:
            assert load(EXAMPLES / f"cycle-{year}.toml") == example_cycle(year)
            assert load(EXAMPLES / f"evaluations-{year}.json") == example_evaluations(
                year
            )

    def test_the_rubric_file_is_hand_readable(self):
        """Chinese titles, exact numbers as strings, rules by name, a rubric set."""
        text = (EXAMPLES / "rubric.toml").read_text(encoding="utf-8")
        assert 'title = "政治建设"' in text
        assert 'type = "frequency"' in text
        assert text.startswith('schema_version = 1\nkind = "rubric_set"\n')


def test_dates_are_iso_strings_in_json():
    """Dates travel as YYYY-MM-DD; aware datetimes with their offset."""
    data = json.loads(dumps(example_cycle(2025)))
    assert data["start"] == "2025-05-01"
    assert date.fromisoformat(data["milestones"][-1]["date"]) == date(2026, 6, 30)


def test_results_do_not_depend_on_the_order_of_evaluations():
    from pbcheck.examples import (
        example_cycle,
        example_evaluations,
        example_tree,
    )

    rubric, tree, cycle = example_rubrics(), example_tree(), example_cycle(2025)
    evaluations = example_evaluations(2025)
    forward = Results.compute(rubric, tree, cycle, evaluations)
    backward = Results.compute(rubric, tree, cycle, evaluations[::-1])
    assert [c.unit_id for c in forward.scorecards] == [
        u.id for u in tree if u.id in {c.unit_id for c in forward.scorecards}
    ]
    assert dumps(forward) == dumps(backward)
