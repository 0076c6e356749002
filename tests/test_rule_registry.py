"""Tests for pbcheck.model.rules.RuleRegistry: a user's own rule travels through files."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from pathlib import Path

import attrs
import jsonschema
import pytest

from pbcheck import (
    AssessmentCycle,
    Evaluation,
    Indicator,
    Observation,
    OrgTree,
    OrgUnit,
    PassFail,
    Rubric,
    Section,
    aggregator,
    score,
    to_exact,
)
from pbcheck.errors import (
    Id,
    InvalidTypeError,
    InvalidValueError,
    PbcheckError,
    UnknownRuleError,
    ValidationError,
)
from pbcheck.io.interchange import Results, dump, dumps, load, loads, schema
from pbcheck.model.aggregation import AggregatorRegistry
from pbcheck.model.frequency import Frequency
from pbcheck.model.rules import (
    RULE_ENTRY_POINT_GROUP,
    CountAtLeast,
    DeductionPerOccurrence,
    DirectScore,
    PointsPerOccurrence,
    RatioToTarget,
    RuleRegistry,
    RuleResult,
    Tiers,
)

#: The tags documents have always used, in their documented order.
BUILTIN_TAGS = (
    "pass_fail",
    "direct_score",
    "ratio_to_target",
    "tiers",
    "deduction_per_occurrence",
    "points_per_occurrence",
    "count_at_least",
    "frequency",
)

#: One configured instance of each built-in rule, by tag.
BUILTIN_EXAMPLES = {
    "pass_fail": PassFail(),
    "direct_score": DirectScore(),
    "ratio_to_target": RatioToTarget(target=85, zero_below=40),
    "tiers": Tiers([(4, 1), (6, "1.5"), (8, 2)]),
    "deduction_per_occurrence": DeductionPerOccurrence(per="0.5", floor="0.5"),
    "points_per_occurrence": PointsPerOccurrence(per="0.5", cap="1.5"),
    "count_at_least": CountAtLeast(required=8, partial=True),
    "frequency": Frequency("quarter", scoring="deduct_per_miss", deduction="0.5"),
}


def _full_at(value: object) -> Fraction:
    return to_exact(value, "full_at")


def _half_at(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, "half_at")


@attrs.frozen
class PerMille:
    """A rate in per mille (‰): full points at ``full_at``, half at ``half_at``."""

    full_at: Fraction = attrs.field(converter=_full_at)
    half_at: Fraction | None = attrs.field(default=None, converter=_half_at)
    value_kind = "number"

    def config_problems(self, max_points):
        if self.half_at is not None and self.half_at >= self.full_at:
            return (("half_at", str(self.half_at), "must be below full_at"),)
        return ()

    def value_problem(self, value, max_points):
        if isinstance(value, bool) or not 0 <= value <= 1000:
            return "must be a rate between 0 and 1000 (‰)"
        return None

    def points(self, value, max_points):
        if value >= self.full_at:
            return RuleResult(max_points, "达到满分线")
        if self.half_at is not None and value >= self.half_at:
            return RuleResult(max_points / 2, "达到半分线")
        return RuleResult(Fraction(0), "未达到")


@attrs.frozen
class Quarterly:
    """An activity rule of one's own: full points for one record a quarter."""

    value_kind = "activity"

    def evaluate(self, occurred, cycle, max_points):
        return Frequency("quarter").evaluate(occurred, cycle, max_points)


def rubric_with(*rules: object) -> Rubric:
    """A rubric of one section holding one 10-point indicator per rule."""
    indicators = [
        Indicator(f"A{index}", f"指标{index}", 10, rule)
        for index, rule in enumerate(rules, 1)
    ]
    return Rubric(
        "r",
        "2025",
        "细则",
        [Section("A", "部分", 10 * len(rules), indicators=indicators)],
        total_points=10 * len(rules),
    )


def registry_with_per_mille() -> RuleRegistry:
    registry = RuleRegistry.with_builtins()
    registry.register("per_mille", PerMille)
    return registry


class TestBuiltins:
    def test_the_builtins_keep_the_tags_documents_use(self):
        """with_builtins holds today's eight tags, in the documented order."""
        assert RuleRegistry.with_builtins().names() == BUILTIN_TAGS
        assert set(BUILTIN_EXAMPLES) == set(BUILTIN_TAGS)

    @pytest.mark.parametrize("tag", BUILTIN_TAGS)
    def test_lookups_go_both_ways(self, tag):
        """class_of and tag_of are inverse for every built-in."""
        registry = RuleRegistry.with_builtins()
        cls = type(BUILTIN_EXAMPLES[tag])
        assert registry.class_of(tag) is cls
        assert registry.tag_of(cls) == tag

    @pytest.mark.parametrize("tag", BUILTIN_TAGS)
    def test_every_builtin_tag_round_trips(self, tag):
        """Each built-in rule is written under its tag and reads back equal."""
        rubric = rubric_with(BUILTIN_EXAMPLES[tag])
        text = dumps(rubric)
        data = json.loads(text)
        assert data["sections"][0]["indicators"][0]["rule"]["type"] == tag
        assert loads(text, "rubric") == rubric
        assert loads(dumps(rubric, format="toml"), "rubric", format="toml") == rubric

    def test_an_empty_registry_knows_nothing(self):
        """RuleRegistry() starts empty: built-ins come only from with_builtins."""
        assert RuleRegistry().names() == ()
        with pytest.raises(UnknownRuleError):
            RuleRegistry().class_of("pass_fail")

    def test_registries_are_independent(self):
        """Registering in one registry leaves another, and the next one, alone."""
        first = registry_with_per_mille()
        assert "per_mille" not in RuleRegistry.with_builtins().names()
        assert first.names() == (*BUILTIN_TAGS, "per_mille")


class TestRegister:
    def test_registering_twice_needs_replace(self):
        """A tag registered twice is refused unless replace=True, naming the holder."""
        registry = registry_with_per_mille()
        with pytest.raises(InvalidValueError) as info:
            registry.register("per_mille", Quarterly)
        assert info.value.path == "registry.tag"
        assert info.value.value == "per_mille"
        assert "PerMille" in info.value.message
        assert "replace=True" in info.value.message
        registry.register("per_mille", Quarterly, replace=True)
        assert registry.class_of("per_mille") is Quarterly
        with pytest.raises(UnknownRuleError):
            registry.tag_of(PerMille)

    def test_the_same_class_under_a_second_tag_needs_replace(self):
        """One class, one tag: a second tag is refused, or moves the class with replace."""
        registry = registry_with_per_mille()
        with pytest.raises(InvalidValueError) as info:
            registry.register("qian_fen_lv", PerMille)
        assert info.value.path == "registry[qian_fen_lv]"
        assert info.value.value is PerMille
        assert "'per_mille'" in info.value.message
        registry.register("qian_fen_lv", PerMille, replace=True)
        assert registry.tag_of(PerMille) == "qian_fen_lv"
        assert "per_mille" not in registry.names()

    def test_a_builtin_can_be_replaced_explicitly(self):
        """replace=True may put another class under a built-in tag, and says so."""
        registry = RuleRegistry.with_builtins()
        with pytest.raises(InvalidValueError, match="PassFail"):
            registry.register("pass_fail", PerMille)
        registry.register("pass_fail", PerMille, replace=True)
        assert registry.class_of("pass_fail") is PerMille
        with pytest.raises(UnknownRuleError):
            registry.tag_of(PassFail)

    def test_an_activity_rule_class_is_accepted(self):
        """An attrs class with evaluate() is an ActivityRule and registers."""
        registry = RuleRegistry()
        registry.register("quarterly", Quarterly)
        assert registry.tag_of(Quarterly) == "quarterly"

    @pytest.mark.parametrize(
        ("tag", "kind", "message"),
        [
            ("", InvalidValueError, "lowercase ASCII"),
            ("PerMille", InvalidValueError, "lowercase ASCII"),
            ("per mille", InvalidValueError, "lowercase ASCII"),
            ("per-mille", InvalidValueError, "lowercase ASCII"),
            ("1st_rule", InvalidValueError, "lowercase ASCII"),
            ("per_mille\n", InvalidValueError, "lowercase ASCII"),
            ("jiangcheng.", InvalidValueError, "lowercase ASCII"),
            ("千分率", InvalidValueError, "lowercase ASCII"),
            ("a" * 65, InvalidValueError, "at most 64"),
            (5, InvalidTypeError, "must be a string"),
        ],
    )
    def test_a_tag_must_be_a_sensible_identifier(self, tag, kind, message):
        """Tags are lowercase ASCII words (dotted namespaces allowed); others are refused."""
        with pytest.raises(kind) as info:
            RuleRegistry().register(tag, PerMille)
        assert info.value.path == "registry.tag"
        assert info.value.value == tag
        assert message in info.value.message

    def test_a_namespaced_tag_is_accepted(self):
        """Dots namespace a plugin's tags: jiangcheng.per_mille is a tag."""
        registry = RuleRegistry()
        registry.register("jiangcheng.per_mille", PerMille)
        assert registry.class_of("jiangcheng.per_mille") is PerMille

    def test_a_namespaced_tag_is_one_item_of_the_registry(self):
        """A refusal under ``jiangcheng.per_mille`` names that tag whole, quoted."""
        registry = RuleRegistry()
        registry.register("per_mille", PerMille)
        with pytest.raises(InvalidValueError) as info:
            registry.register("jiangcheng.per_mille", PerMille)
        assert info.value.steps == ("registry", Id("jiangcheng.per_mille"))
        assert info.value.path == "registry['jiangcheng.per_mille']"

    def test_non_rule_classes_are_refused(self):
        """Only an attrs class implementing a rule protocol registers; the error says why."""

        class Plain:
            value_kind = "number"

            def config_problems(self, max_points):
                return ()

            def value_problem(self, value, max_points):
                return None

            def points(self, value, max_points):
                return RuleResult(max_points, "")

        @attrs.frozen
        class NoPoints:
            value_kind = "number"

            def config_problems(self, max_points):
                return ()

            def value_problem(self, value, max_points):
                return None

        @attrs.frozen
        class WrongKind(PerMille):
            value_kind = "percentage"

        @attrs.frozen
        class Nothing:
            pass

        cases = [
            (PerMille(10), "must be a class"),
            (Plain, "must be an attrs class"),
            (NoPoints, "it lacks points"),
            (WrongKind, "value_kind as one of 'pass_fail', 'number', 'count'"),
            (Nothing, "must implement ValueRule"),
            (RuleResult, "must implement ValueRule"),
        ]
        for rule_class, message in cases:
            registry = RuleRegistry()
            with pytest.raises(InvalidTypeError) as info:
                registry.register("mine", rule_class)
            assert info.value.path == "registry[mine]"
            assert info.value.value is rule_class
            assert message in info.value.message, rule_class
            assert registry.names() == ()

    def test_an_unknown_tag_lists_the_known_ones(self):
        """class_of of an unknown tag is a LookupError naming it and every known tag."""
        registry = registry_with_per_mille()
        with pytest.raises(LookupError) as info:
            registry.class_of("per_cent")
        assert isinstance(info.value, UnknownRuleError)
        assert isinstance(info.value, PbcheckError)
        text = str(info.value)
        assert "'per_cent'" in text
        for tag in (*BUILTIN_TAGS, "per_mille"):
            assert tag in text

    def test_an_unregistered_class_is_named_with_the_way_to_register_it(self):
        """tag_of of an unregistered class names it and shows registry.register."""
        with pytest.raises(UnknownRuleError) as info:
            RuleRegistry.with_builtins().tag_of(PerMille)
        text = str(info.value)
        assert f"{__name__}.PerMille" in text
        assert "registry.register('my_tag', PerMille)" in text

    def test_a_subclass_is_not_its_parents_tag(self):
        """tag_of matches the class exactly: a subclass of a built-in is unknown."""

        @attrs.frozen
        class StrictPassFail(PassFail):
            pass

        with pytest.raises(UnknownRuleError):
            RuleRegistry.with_builtins().tag_of(StrictPassFail)


@pytest.fixture
def plugin_site(tmp_path, monkeypatch) -> Iterator[Path]:
    """A folder on sys.path holding an installed-looking plugin distribution."""
    (tmp_path / "myplugin_rules.py").write_text(
        textwrap.dedent(
            """
            from fractions import Fraction

            import attrs

            from pbcheck import to_exact
            from pbcheck.model.rules import RuleResult


            @attrs.frozen
            class PerMille:
                full_at: Fraction = attrs.field(
                    converter=lambda value: to_exact(value, "full_at")
                )
                value_kind = "number"

                def config_problems(self, max_points):
                    return ()

                def value_problem(self, value, max_points):
                    return None if 0 <= value <= 1000 else "must be within 0‰-1000‰"

                def points(self, value, max_points):
                    if value >= self.full_at:
                        return RuleResult(max_points, "达到满分线")
                    return RuleResult(max_points * value / self.full_at, "按比例")
            """
        ),
        encoding="utf-8",
    )
    info = tmp_path / "myplugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: myplugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{RULE_ENTRY_POINT_GROUP}]\nper_mille = myplugin_rules:PerMille\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    sys.modules.pop("myplugin_rules", None)


class TestEntryPoints:
    def test_the_group_is_pbcheck_rules(self):
        """Plugins publish under the documented group name."""
        assert RULE_ENTRY_POINT_GROUP == "pbcheck.rules"

    def test_a_real_entry_point_registers_its_rule(self, plugin_site):
        """A distribution on sys.path publishing pbcheck.rules is found and registered."""
        registry = RuleRegistry.with_builtins()
        assert "per_mille" not in registry.names()  # nothing happens by itself
        assert registry.load_entry_points() == ("per_mille",)
        plugin_class = registry.class_of("per_mille")
        assert plugin_class.__module__ == "myplugin_rules"
        assert registry.tag_of(plugin_class) == "per_mille"

    def test_a_rubric_with_the_plugin_rule_round_trips_and_scores_the_same(
        self, plugin_site
    ):
        """dumps → loads(rules=…) gives an equal rubric that scores the same totals."""
        registry = RuleRegistry.with_builtins()
        registry.load_entry_points()
        rubric = rubric_with(registry.class_of("per_mille")(full_at=8), PassFail())
        text = dumps(rubric, rules=registry)
        assert '"type": "per_mille"' in text
        assert '"full_at": "8"' in text
        loaded = loads(text, "rubric", rules=registry)
        assert loaded == rubric
        evaluation = Evaluation("u", [Observation("A1", 6), Observation("A2", True)])
        assert score(loaded, evaluation).total == score(rubric, evaluation).total
        assert score(rubric, evaluation).total == Fraction(35, 2)

    def test_loading_twice_needs_replace(self, plugin_site):
        """The registry refuses a second load of the same entry points, as a register would."""
        registry = RuleRegistry.with_builtins()
        registry.load_entry_points()
        with pytest.raises(InvalidValueError, match="already registered"):
            registry.load_entry_points()

    def test_an_unknown_group_adds_nothing(self):
        """A group nobody publishes in registers nothing."""
        registry = RuleRegistry.with_builtins()
        assert registry.load_entry_points("pbcheck.no_such_group") == ()
        assert registry.names() == BUILTIN_TAGS

    def test_importing_and_using_the_registry_does_not_load_importlib_metadata(self):
        """importlib.metadata is imported by load_entry_points only (import time)."""
        code = (
            "import sys\n"
            "from pbcheck.io.interchange import dumps\n"
            "from pbcheck.model.rules import RuleRegistry\n"
            "from pbcheck.examples import example_rubric\n"
            "dumps(example_rubric(), rules=RuleRegistry.with_builtins())\n"
            "print('importlib.metadata' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"


class TestInterchange:
    def test_a_registered_rule_round_trips_through_every_form(self, tmp_path):
        """JSON, TOML and files: the custom rule's fields travel as exact text."""
        registry = registry_with_per_mille()
        rubric = rubric_with(PerMille(full_at="7.5", half_at=3), RatioToTarget(85))
        text = dumps(rubric, rules=registry)
        rule = json.loads(text)["sections"][0]["indicators"][0]["rule"]
        assert rule == {"type": "per_mille", "full_at": "7.5", "half_at": "3"}
        assert loads(text, "rubric", rules=registry) == rubric
        toml = dumps(rubric, format="toml", rules=registry)
        assert loads(toml, "rubric", format="toml", rules=registry) == rubric
        for name in ("rubric.json", "rubric.toml"):
            written = dump(rubric, tmp_path / name, rules=registry)
            assert load(written, "rubric", rules=registry) == rubric

    def test_a_registry_changed_after_use_is_seen(self):
        """Converters are reused per set of rules, never a stale one for a changed registry."""
        registry = RuleRegistry.with_builtins()
        rubric = rubric_with(PerMille(full_at=5))
        with pytest.raises(InvalidTypeError):
            dumps(rubric, rules=registry)
        registry.register("per_mille", PerMille)
        text = dumps(rubric, rules=registry)
        registry.register("qian_fen_lv", PerMille, replace=True)
        assert '"type": "qian_fen_lv"' in dumps(rubric, rules=registry)
        # Another registry with the earlier contents writes the earlier tag.
        assert dumps(rubric, rules=registry_with_per_mille()) == text
        assert '"type": "per_mille"' in text

    def test_a_rule_that_declares_monotone_travels_as_a_rule(self):
        """A rule class with a ``monotone`` attribute is not mistaken for an aggregator."""

        @attrs.frozen
        class MonotonePerMille(PerMille):
            monotone = True

        registry = RuleRegistry.with_builtins()
        registry.register("monotone_per_mille", MonotonePerMille)
        rubric = rubric_with(MonotonePerMille(full_at=5))
        text = dumps(rubric, rules=registry)
        rule = json.loads(text)["sections"][0]["indicators"][0]["rule"]
        assert rule == {"type": "monotone_per_mille", "full_at": "5"}
        assert loads(text, "rubric", rules=registry) == rubric

    def test_default_fields_are_omitted_like_the_builtins(self):
        """A custom rule's fields at their defaults are not written."""
        rule = json.loads(
            dumps(rubric_with(PerMille(full_at=5)), rules=registry_with_per_mille())
        )["sections"][0]["indicators"][0]["rule"]
        assert rule == {"type": "per_mille", "full_at": "5"}

    def test_writing_an_unregistered_rule_names_the_class_and_how_to_register_it(
        self,
    ):
        """Without the registry the writer refuses, naming the class and the remedy."""
        rubric = rubric_with(PerMille(full_at=5))
        with pytest.raises(InvalidTypeError) as info:
            dumps(rubric)
        message = info.value.message
        assert f"{__name__}.PerMille" in message
        assert "rules.register('my_tag', PerMille)" in message
        assert "rules=" in message

    def test_loading_an_unknown_tag_names_the_path_and_the_known_tags(self):
        """Without the registry the loader refuses the tag at its path, listing the known."""
        text = dumps(
            rubric_with(PassFail(), PerMille(full_at=5)),
            rules=registry_with_per_mille(),
        )
        with pytest.raises(ValidationError) as info:
            loads(text, "rubric")
        [problem] = info.value.problems
        assert problem.path == "$.sections[0].indicators[1].rule.type"
        assert problem.value == "per_mille"
        for tag in BUILTIN_TAGS:
            assert tag in problem.message
        assert "rules=" in problem.message

    def test_a_custom_rule_is_loaded_strictly(self):
        """Its fields are checked like the built-ins': floats, unknown keys, its own checks."""
        data = json.loads(
            dumps(
                rubric_with(PerMille(full_at=5), PerMille(full_at=6)),
                rules=registry_with_per_mille(),
            )
        )
        first, second = (i["rule"] for i in data["sections"][0]["indicators"])
        first["full_at"] = 7.5
        first["colour"] = "red"
        second["half_at"] = "9"  # above full_at: the rule's own config problem
        with pytest.raises(ValidationError) as info:
            loads(json.dumps(data), "rubric", rules=registry_with_per_mille())
        found = {p.path: p.message for p in info.value.problems}
        assert "floating-point" in found["$.sections[0].indicators[0].rule.full_at"]
        assert "not a known key" in found["$.sections[0].indicators[0].rule.colour"]
        assert (
            found["$.sections[0].indicators[1].rule.half_at"] == "must be below full_at"
        )

    def test_both_registries_together(self):
        """registry= (aggregators) and rules= work side by side."""

        @aggregator("best_of", monotone=True)
        def best_of(values, weights):
            return max(values)

        aggregators = AggregatorRegistry.with_builtins()
        aggregators.register("best_of", lambda: best_of)
        rubric = attrs.evolve(
            rubric_with(PerMille(full_at=5)), rater_aggregator=best_of
        )
        text = dumps(rubric, rules=registry_with_per_mille())
        loaded = loads(
            text, "rubric", registry=aggregators, rules=registry_with_per_mille()
        )
        assert loaded == rubric
        # registry= alone keeps working, with the built-in rules.
        plain = attrs.evolve(rubric_with(DirectScore()), rater_aggregator=best_of)
        assert loads(dumps(plain), "rubric", registry=aggregators) == plain

    def test_a_results_document_with_a_custom_rule_round_trips(self):
        """A whole season embedding the rubric loads back equal through the registry."""
        registry = registry_with_per_mille()
        rubric = rubric_with(PerMille(full_at=5, half_at=2), PassFail())
        tree = OrgTree(
            [
                OrgUnit("gw", "机关工委", "working_committee"),
                OrgUnit("czj", "财政局机关党委", "party_committee", parent="gw"),
            ]
        )
        cycle = AssessmentCycle.cross_year(2025)
        evaluations = [
            Evaluation(
                "czj",
                [
                    Observation("A1", 3, recorded_at=date(2026, 5, 8)),
                    Observation("A2", True, recorded_at=date(2026, 5, 8)),
                ],
            )
        ]
        season = Results.compute(rubric, tree, cycle, evaluations)
        text = dumps(season, rules=registry)
        assert loads(text, "results", rules=registry) == season
        with pytest.raises(ValidationError) as info:
            loads(text, "results")
        [problem] = info.value.problems
        assert problem.path == "$.rubric.sections[0].indicators[0].rule.type"
        assert problem.value == "per_mille"

    def test_the_schema_accepts_registered_rules_and_still_checks_builtins(self):
        """Documents with custom rules validate; a misshapen built-in still does not."""
        check = jsonschema.Draft202012Validator(schema("rubric"))
        data = json.loads(
            dumps(
                rubric_with(PerMille(full_at=5), RatioToTarget(85)),
                rules=registry_with_per_mille(),
            )
        )
        assert not list(check.iter_errors(data))
        rules = [i["rule"] for i in data["sections"][0]["indicators"]]
        rules[0]["type"] = "jiangcheng.per_mille"
        assert check.is_valid(data)
        for bad_tag in ("PerMille", 5, "ratio_to_target"):
            rules[0]["type"] = bad_tag  # a built-in tag needs the built-in's shape
            assert not check.is_valid(data), bad_tag
        rules[0]["type"] = "per_mille"
        rules[1]["colour"] = "red"  # a built-in's shape is exact
        assert not check.is_valid(data)
        del rules[1]["colour"]
        del rules[0]["type"]
        assert not check.is_valid(data)
