"""Paths are steps, rendered once in one style; nothing re-parses the text (issue 13)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.cli._score import _located
from pbcheck.errors import (
    DOCUMENT,
    DuplicateIdError,
    Id,
    InvalidValueError,
    Problem,
    Step,
    UnknownReferenceError,
    ValidationError,
    item,
    render_path,
)
from pbcheck.examples.small import simple_rubric
from pbcheck.io.interchange import loads
from pbcheck.io.interchange._paths import reroot
from pbcheck.model.cycle import Milestone
from pbcheck.model.evaluation import Activity, Evaluation, Incident, Observation
from pbcheck.model.org import OrgUnit
from pbcheck.model.rubric import Deduction, Indicator, Rubric, Section, Veto
from pbcheck.model.rules import DirectScore, PassFail, Tiers
from pbcheck.scoring.audit import AuditStatus, _blame, audit_trail

# -- a reader of rendered paths, for the tests only ----------------------------
#
# The library never reads a rendered path back.  This reader exists to prove
# that the documented style is unambiguous: it recovers the steps of every
# rendered path, so two different paths can never render alike.

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"-?[0-9]+")


def _unquote(text: str, start: int, quote: str) -> tuple[str, int]:
    """The quoted text opening at *start*, and the position after its closing quote."""
    out: list[str] = []
    at = start + 1
    while text[at] != quote:
        if text[at] == "\\":
            kind = text[at + 1]
            if kind in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[kind]
                out.append(chr(int(text[at + 2 : at + 2 + width], 16)))
                at += 2 + width
            else:
                out.append(kind)
                at += 2
        else:
            out.append(text[at])
            at += 1
    return "".join(out), at + 1


def _read(text: str) -> tuple[Step, ...]:
    """The steps of a rendered path (the inverse of render_path)."""
    steps: list[Step] = []
    at = 0
    if text.startswith(DOCUMENT):
        steps.append(DOCUMENT)
        at = 1
    elif match := _IDENTIFIER.match(text):
        steps.append(match.group())
        at = match.end()
    while at < len(text):
        if text[at] == ".":
            match = _IDENTIFIER.match(text, at + 1)
            assert match is not None
            steps.append(match.group())
            at = match.end()
            continue
        assert text[at] == "["
        if text[at + 1] == '"':
            name, at = _unquote(text, at + 1, '"')
            steps.append(name)
        elif text[at + 1] == "'":
            value, at = _unquote(text, at + 1, "'")
            steps.append(Id(value))
        else:
            end = text.index("]", at)
            inside = text[at + 1 : end]
            steps.append(int(inside) if _INDEX.fullmatch(inside) else Id(inside))
            at = end
        assert text[at] == "]"
        at += 1
    return tuple(steps)


# Characters that a careless rule would confuse, and a few that do not print.
_TRICKY = st.sampled_from(
    [*"ab_Z09.[]'\"\\$#- ", "中", "思想", "\x00", "\n", "\u3000", "\U0001f600"]
)
_TEXT = st.lists(_TRICKY | st.characters(), max_size=6).map("".join)
_STEPS: st.SearchStrategy[Step] = st.one_of(
    _TEXT,
    st.sampled_from(["$", "sections", "weight", "1", "a.b"]),
    st.integers(-3, 10**6),
    st.builds(Id, _TEXT),
    st.builds(Id, st.sampled_from(["1", "-1", "+1", "B", "$", "#1", "a]b"])),
)
_PATHS = st.lists(_STEPS, max_size=6).map(tuple)


class TestRendering:
    """One style renders every kind of step."""

    @pytest.mark.parametrize(
        ("steps", "text"),
        [
            (("rubric", "sections", Id("B"), "weight"), "rubric.sections[B].weight"),
            ((DOCUMENT, "sections", 1, "weight"), "$.sections[1].weight"),
            (("tree", "units", 2, "id"), "tree.units[2].id"),
            (("sections", Id("思想建设")), "sections[思想建设]"),
            (("by_category", "县处级及以上"), 'by_category["县处级及以上"]'),
            (("a", 'say "hi"\\'), 'a["say \\"hi\\"\\\\"]'),
            (("a", "x\ny"), 'a["x\\x0ay"]'),
            (("a", Id("1")), "a['1']"),
            (("a", Id("-1")), "a['-1']"),
            (("a", Id("a.b")), "a['a.b']"),
            (("a", Id("a]b")), "a['a]b']"),
            (("a", Id("it's")), "a['it\\'s']"),
            (("a", Id("ZF 01")), "a['ZF 01']"),
            (("a", Id("")), "a['']"),
            (("a", Id("2025-A")), "a[2025-A]"),
            (("a", Id("\u3000")), "a['\\u3000']"),
            (("a", "$"), 'a["$"]'),
            (("a", -1), "a[-1]"),
            ((), ""),
        ],
    )
    def test_each_kind_of_step(self, steps, text):
        """Names, indices and ids render as the module docstring says."""
        assert render_path(steps) == text

    def test_document_and_object_roots(self):
        """The same steps under ``$`` name a place in a file, under a kind an object."""
        below = ("sections", 1, "weight")
        assert render_path((DOCUMENT, *below)) == "$.sections[1].weight"
        assert render_path(("rubric", *below)) == "rubric.sections[1].weight"
        assert render_path(below) == "sections[1].weight"

    def test_a_root_that_is_no_identifier_is_quoted(self):
        """Only ``$`` and identifiers stand bare at the start."""
        assert render_path(("县处级", "x")) == '["县处级"].x'

    @pytest.mark.parametrize("step", [True, 1.5, None, b"x"])
    def test_steps_of_another_type_are_refused(self, step):
        """A boolean is not an index, nor a float or None a step: TypeError, not a guess."""
        with pytest.raises(TypeError, match="a path step"):
            render_path(("a", step))

    @given(_PATHS)
    def test_reading_back_recovers_the_steps(self, steps):
        """Rendering has an inverse, so two different paths never render alike."""
        assert _read(render_path(steps)) == steps

    @given(st.lists(_PATHS, min_size=2, max_size=8, unique=True))
    def test_different_paths_render_differently(self, paths):
        """Injective on generated step tuples, tricky characters included."""
        assert len({render_path(p) for p in paths}) == len(paths)

    def test_item_names_by_a_usable_id_only(self):
        """An id that is not a non-empty string leaves the bare kind."""
        assert item("section", "B") == ("section", Id("B"))
        assert item("section", "  ") == ("section",)
        assert item("section", 7) == ("section",)


class TestProblem:
    """A problem keeps its steps and their text."""

    def test_steps_and_text(self):
        """``steps`` is the tuple given; ``path`` and ``str`` use its rendering."""
        problem = InvalidValueError(["evaluations", Id("ZF01"), "unit_id"], "x", "bad")
        assert problem.steps == ("evaluations", Id("ZF01"), "unit_id")
        assert problem.path == "evaluations[ZF01].unit_id"
        assert str(problem) == "evaluations[ZF01].unit_id: bad (got 'x')"

    def test_text_paths_are_kept_as_given_for_now(self):
        """TRANSITION (phase 1): a str path is one step, rendered as it came."""
        problem = InvalidValueError("policy.ranges[优秀].low", 1, "bad")
        assert problem.path == "policy.ranges[优秀].low"
        assert len(problem.steps) == 1
        assert InvalidValueError("", 1, "bad").steps == ()

    def test_moved_keeps_kind_value_and_message(self):
        """``moved`` is the same problem at another place."""
        problem = DuplicateIdError(("tree", "units", 2, "id"), "a", "is a duplicate")
        moved = problem.moved((DOCUMENT, "units", 2, "id"))
        assert type(moved) is DuplicateIdError
        assert (moved.path, moved.value, moved.message) == (
            "$.units[2].id",
            "a",
            "is a duplicate",
        )


def _problems(build) -> list[Problem]:
    with pytest.raises(ValidationError) as caught:
        build()
    return list(caught.value.problems)


class TestConstructorsNameTheirItem:
    """A problem found in an item built in Python names it by its id."""

    def test_section(self):
        """A negative section weight names the section."""
        (problem,) = _problems(
            lambda: Section("B", "服务发展", -30, indicators=[_indicator()])
        )
        assert problem.path == "section[B].weight"
        assert problem.steps == ("section", Id("B"), "weight")

    def test_indicator(self):
        """A rule's own problem is named below the indicator that holds it."""
        problems = _problems(
            lambda: Indicator("A1", "电教片", 2, Tiers([(4, 2), (8, 1)]))
        )
        assert [p.path for p in problems] == ["indicator[A1].rule.tiers[1].points"]

    def test_veto(self):
        """A negative cap names the veto."""
        (problem,) = _problems(lambda: Veto("V1", "发生严重违纪违法案件", cap=-1))
        assert problem.path == "veto[V1].cap"

    def test_deduction(self):
        """A category is a key of a mapping: a name step, quoted when it is Chinese."""
        (problem,) = _problems(
            lambda: Deduction("D2", "违反八项规定", by_category={"乡科级": 0})
        )
        assert problem.path == 'deduction[D2].by_category["乡科级"]'

    def test_org_unit(self):
        """A unit's field names the unit."""
        with pytest.raises(InvalidValueError) as caught:
            OrgUnit("czj", " ", "branch")
        assert caught.value.path == "unit[czj].name"

    def test_milestone(self):
        """A milestone is named by its key."""
        (problem,) = _problems(
            lambda: Milestone("self_check", "", "Self-check", date(2025, 11, 30))
        )
        assert problem.path == "milestone[self_check].name_zh"

    def test_without_a_usable_id_the_bare_kind(self):
        """An empty id names nothing: the problems say ``section.``."""
        problems = _problems(lambda: Section("", "", 1, indicators=[_indicator()]))
        assert [p.path for p in problems] == ["section.id", "section.title"]

    def test_a_duplicate_is_named_by_its_position(self):
        """The second of two siblings with one id: its id would name the first."""
        problems = _problems(
            lambda: Rubric(
                "r",
                "1",
                "细则",
                sections=[
                    Section(
                        "A",
                        "甲",
                        100,
                        indicators=[
                            Indicator("A1", "一", 50, PassFail()),
                            Indicator("A1", "二", 50, PassFail()),
                        ],
                    )
                ],
            )
        )
        duplicate = next(p for p in problems if isinstance(p, DuplicateIdError))
        assert duplicate.steps == ("rubric", "sections", Id("A"), "indicators", 1, "id")
        assert (
            duplicate.message == "is already used at rubric.sections[A].indicators[A1]"
        )


def _indicator() -> Indicator:
    return Indicator("i", "指标", 1, DirectScore())


# A rubric document's shape, enough to walk: ids at several levels.
_RAW = {
    "sections": [
        {"id": "A", "indicators": [{"id": "A1"}]},
        {
            "id": "B",
            "sections": [{"id": "B1"}, {"id": "B.2", "indicators": [{"id": "1"}]}],
        },
    ],
    "units": [{"id": "gw"}, {"id": "czj"}],
}


class TestReroot:
    """Domain steps become document steps by walking the raw document."""

    def test_nested_ids_become_indices(self):
        """Ids at every level, dots and digits included, are looked up."""
        steps = ("rubric", "sections", Id("B"), "sections", Id("B.2"))
        problem = InvalidValueError((*steps, "indicators", Id("1"), "weight"), 1, "x")
        assert (
            reroot(problem, (), _RAW).path
            == "$.sections[1].sections[1].indicators[0].weight"
        )

    def test_an_item_built_at_the_base_drops_its_kind_and_id(self):
        """``section[B1].weight`` of the section at the base is the base's ``weight``."""
        problem = InvalidValueError(("section", Id("B1"), "weight"), -1, "x")
        moved = reroot(problem, ("sections", 1, "sections", 0), _RAW)
        assert moved.steps == (DOCUMENT, "sections", 1, "sections", 0, "weight")
        assert moved.path == "$.sections[1].sections[0].weight"

    def test_positions_stay_positions(self):
        """An index is a position even where an id could be the same digits."""
        problem = DuplicateIdError(("tree", "units", 1, "id"), "czj", "dup")
        assert reroot(problem, (), _RAW).path == "$.units[1].id"

    def test_a_renamed_field(self):
        """``cycle.kind`` is spelt ``cycle_kind`` in a file."""
        problem = InvalidValueError(("cycle", "kind"), "x", "bad")
        assert reroot(problem, (), {}).path == "$.cycle_kind"

    def test_an_unknown_id_stays_an_id(self):
        """An id the document does not hold keeps its brackets, not a guessed index."""
        problem = InvalidValueError(("rubric", "sections", Id("Z"), "weight"), 1, "x")
        assert reroot(problem, (), _RAW).path == "$.sections[Z].weight"

    def test_text_is_never_parsed_into_steps(self):
        """reroot reads steps only: a text path stays the one step it was given."""
        problem = UnknownReferenceError("results.scorecards[1].unit_id", "x", "bad")
        moved = reroot(problem, (), {"scorecards": [{}, {}]})
        assert len(moved.steps) == 2
        assert moved.steps[1] == "results.scorecards[1].unit_id"

    def test_a_loaded_section_names_its_place(self):
        """End to end: a section's own problem, from a file, at its index."""
        text = """
schema_version = 1
kind = "rubric"
id = "r"
version = "1"
title = "细则"

[[sections]]
id = "A"
title = "甲"
weight = "100"
[[sections.indicators]]
id = "A1"
title = "一"
max_points = "100"
rule = { type = "direct_score" }

[[sections]]
id = "B"
title = "乙"
weight = "-1"
[[sections.indicators]]
id = "B1"
title = "二"
max_points = "1"
rule = { type = "direct_score" }
"""
        with pytest.raises(ValidationError) as caught:
            loads(text, "rubric", format="toml")
        paths = [p.path for p in caught.value.problems]
        assert "$.sections[1].weight" in paths


class TestBlame:
    """The audit trail reads a problem's record from its steps."""

    EVALUATION = Evaluation(
        "ZF.01",
        [Observation("i", 90), Observation("i", 80, rater="乙"), Observation("x", 1)],
        activities=[Activity("f", date(2025, 6, 1))],
        incidents=[Incident("K", date(2025, 9, 1))],
    )

    def _statuses(self, *problems: Problem) -> list[tuple[AuditStatus, str]]:
        return _blame(self.EVALUATION, list(problems))

    def test_a_problem_of_one_record(self):
        """``observations[2].indicator_id`` rejects that record, naming the field."""
        here = ("evaluations", Id("ZF.01"))
        problem = UnknownReferenceError(
            (*here, "observations", 2, "indicator_id"), "x", "names nothing"
        )
        statuses = self._statuses(problem)
        assert statuses[2] == (
            AuditStatus.REJECTED,
            "退回：indicator_id: names nothing (got 'x')",
        )
        assert [s for s, _ in statuses].count(AuditStatus.REJECTED) == 1

    def test_a_problem_of_a_whole_indicator(self):
        """``observations[i]`` (an id, not a position) rejects that indicator's records."""
        here = ("evaluations", Id("ZF.01"))
        problem = InvalidValueError((*here, "observations", Id("i")), "9", "too many")
        statuses = self._statuses(problem)
        assert [s for s, _ in statuses[:3]] == [
            AuditStatus.REJECTED,
            AuditStatus.REJECTED,
            AuditStatus.NOT_SCORED,
        ]
        assert statuses[0][1] == "退回：observations[i]: too many (got '9')"

    def test_a_problem_of_the_unit(self):
        """``unit_id`` rejects every record."""
        problem = DuplicateIdError(
            ("evaluations", Id("ZF.01"), "unit_id"), "ZF.01", "is evaluated twice"
        )
        assert {s for s, _ in self._statuses(problem)} == {AuditStatus.REJECTED}

    def test_a_frequency_indicator_without_a_cycle(self):
        """``activities`` rejects the activities of the indicator in the value."""
        problem = InvalidValueError(
            ("evaluations", Id("ZF.01"), "activities"), "f", "x"
        )
        statuses = self._statuses(problem)
        assert statuses[3][0] is AuditStatus.REJECTED
        assert statuses[4][0] is AuditStatus.NOT_SCORED

    def test_end_to_end_with_an_id_that_holds_a_dot(self):
        """A unit id with a dot and brackets is matched by steps, not by its text."""
        trail = audit_trail(
            simple_rubric(), [Evaluation("a.b[1]", [Observation("i", 120)])]
        )
        (entry,) = trail.entries
        assert entry.status is AuditStatus.REJECTED
        assert entry.reason.startswith("退回：value: must not exceed")
        assert entry.path == "evaluations['a.b[1]'].observations[0]"


# Where each unit's evaluations are: (file, position in its list).
_WHERE = {
    "ZF01": [(Path("e1.json"), 0)],
    "1]x": [(Path("e1.json"), 3), (Path("e2.json"), 1)],
}


class TestLocated:
    """The command line places a season problem in its file by its steps."""

    def _located(self, problem: Problem) -> tuple[Path | None, Problem]:
        return _located(problem, _WHERE)

    def test_a_record_of_a_unit(self):
        """``evaluations[ZF01]…`` is ``$.evaluations[0]…`` of the unit's file."""
        problem = InvalidValueError(
            ("evaluations", Id("ZF01"), "observations", 2, "value"), 120, "too high"
        )
        found, moved = self._located(problem)
        assert found == Path("e1.json")
        assert moved.path == "$.evaluations[0].observations[2].value"
        assert (moved.value, moved.message) == (120, "too high")

    def test_a_unit_evaluated_twice_at_its_second_place(self):
        """A duplicate is reported where it repeats, whatever its id holds."""
        problem = DuplicateIdError(
            ("evaluations", Id("1]x"), "unit_id"), "1]x", "is evaluated twice"
        )
        found, moved = self._located(problem)
        assert (found, moved.path) == (Path("e2.json"), "$.evaluations[1].unit_id")

    def test_other_problems_of_the_unit_at_its_first_place(self):
        """Any other problem of that unit is at its first evaluation."""
        problem = InvalidValueError(
            ("evaluations", Id("1]x"), "indicators", Id("i")), None, "x"
        )
        found, moved = self._located(problem)
        assert (found, moved.path) == (
            Path("e1.json"),
            "$.evaluations[3].indicators[i]",
        )

    @pytest.mark.parametrize(
        "problem",
        [
            InvalidValueError(("evaluations", Id("nobody"), "unit_id"), "x", "x"),
            InvalidValueError(("ratings", Id("ZF01")), "x", "x"),
            InvalidValueError("evaluations[ZF01].unit_id", "x", "x"),
        ],
        ids=["unknown-unit", "not-an-evaluation", "text-path"],
    )
    def test_anything_else_stays_in_the_season(self, problem):
        """No file is guessed for a problem that names no known unit by steps."""
        assert self._located(problem) == (None, problem)
