"""A rubric document with a format problem still has its rules checked (issue 17).

One unreadable value (a weight written ``七十``) stops its section from being
built; the rules of every part whose shape is sound (unique ids, weights that
sum) must still be checked and reported with it, and the stand-ins the loader
puts in place of the unreadable values must never cause a problem of their own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.errors import DuplicateIdError, InvalidWeightsError, ValidationError
from pbcheck.io.interchange import dumps, loads
from pbcheck.testing import rubric_sets, rubrics

UNREADABLE = "七十"
# Keys whose values are exact numbers in a rubric document.
_EXACT_KEYS = frozenset(
    {"weight", "max_points", "cap", "points", "total_points", "floor", "deduction_cap"}
)


def _section(ident: str, weight: str, *indicators: tuple[str, str]) -> dict[str, Any]:
    return {
        "id": ident,
        "title": f"部分{ident}",
        "weight": weight,
        "indicators": [
            {
                "id": item,
                "title": f"指标{item}",
                "max_points": points,
                "rule": {"type": "pass_fail"},
            }
            for item, points in indicators
        ],
    }


def _rubric(*sections: dict[str, Any], **fields: object) -> str:
    document = {
        "schema_version": 1,
        "kind": "rubric",
        "id": "demo",
        "version": "2025",
        "title": "示例细则",
        "sections": list(sections),
        **fields,
    }
    return json.dumps(document, ensure_ascii=False)


def _problems(text: str, kind: str = "rubric") -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        loads(text, kind)  # type: ignore[call-overload]
    assert caught.value.omitted == 0
    return {p.path: type(p).__name__ for p in caught.value.problems}


class TestExamples:
    def test_a_duplicate_id_in_a_clean_section_is_reported_beside_a_bad_weight(self):
        """The issue's case: 七十 in section A does not hide B1 given twice in B."""
        text = _rubric(
            _section("A", UNREADABLE, ("A1", "30"), ("A2", "40")),
            _section("B", "30", ("B1", "10"), ("B1", "20")),
        )
        assert _problems(text) == {
            "$.sections[0].weight": "InvalidValueError",
            "$.sections[1].indicators[1].id": "DuplicateIdError",
        }

    def test_weights_that_do_not_sum_are_reported_beside_an_unknown_key(self):
        """An unknown key leaves every weight readable: the top level's sum is checked."""
        section = _section("A", "70", ("A1", "30"), ("A2", "40"))
        section["colour"] = "red"
        text = _rubric(section, _section("B", "20", ("B1", "10"), ("B2", "10")))
        assert _problems(text) == {
            "$.sections[0].colour": "InvalidValueError",
            "$.weights": "InvalidWeightsError",
        }

    def test_a_level_with_an_unreadable_weight_is_not_summed(self):
        """The sum of a level holding 七十 is unknown: no weight problem is made up."""
        text = _rubric(
            _section("A", UNREADABLE, ("A1", "30"), ("A2", "40")),
            _section("B", "20", ("B1", "10"), ("B2", "10")),
        )
        assert _problems(text) == {"$.sections[0].weight": "InvalidValueError"}

    def test_deeper_levels_are_summed_beside_a_bad_indicator(self):
        """A bad max_points in B leaves A's sub-sections checked on their own weights."""
        inner = _section("A1", "30", ("x", "20"))
        outer = _section("A", "70")
        outer["indicators"] = []
        outer["sections"] = [inner, _section("A2", "40", ("y", "40"))]
        text = _rubric(outer, _section("B", "30", ("B1", "10"), ("B2", "二十")))
        assert _problems(text) == {
            "$.sections[1].indicators[1].max_points": "InvalidValueError",
            "$.sections[0].sections[0].weights": "InvalidWeightsError",
        }

    def test_deductions_and_vetoes_are_checked_beside_a_bad_total(self):
        """total_points 一百: ids of deductions and vetoes are still compared."""
        text = _rubric(
            _section("A", "70", ("A1", "30"), ("A2", "40")),
            _section("B", "30", ("B1", "10"), ("B2", "20")),
            total_points="一百",
            deductions=[{"id": "A1", "title": "扣分", "points": "1"}],
            vetoes=[{"id": "B1", "title": "否决"}],
        )
        assert _problems(text) == {
            "$.total_points": "InvalidValueError",
            "$.deductions[0].id": "DuplicateIdError",
            "$.vetoes[0].id": "DuplicateIdError",
        }

    def test_a_set_names_an_unknown_rubric_beside_a_bad_common_weight(self):
        """In a rubric_set, 七十 in a common section does not hide by_series' mistake."""
        common = _section("A", UNREADABLE, ("A1", "70"))
        own = _section("B", "30", ("B1", "30"))
        rubric = {
            "id": "r1",
            "version": "2025",
            "title": "细则",
            "sections": [{"common": "A"}, own],
        }
        document = {
            "schema_version": 1,
            "kind": "rubric_set",
            "common": [common],
            "rubrics": [rubric],
            "by_series": {"党群部门": "r2"},
        }
        text = json.dumps(document, ensure_ascii=False)
        assert _problems(text, "rubric_set") == {
            "$.common[0].weight": "InvalidValueError",
            '$.by_series["党群部门"]': "UnknownReferenceError",
        }


def _exact_places(raw: Any, path: tuple[str | int, ...] = ()) -> list[tuple]:
    """Every place in a document holding an exact number written as a string."""
    places: list[tuple] = []
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in _EXACT_KEYS and isinstance(value, str):
                places.append((*path, key))
            else:
                places.extend(_exact_places(value, (*path, key)))
    elif isinstance(raw, list):
        for index, value in enumerate(raw):
            places.extend(_exact_places(value, (*path, index)))
    return places


def _set(raw: Any, path: tuple, value: object) -> None:
    for step in path[:-1]:
        raw = raw[step]
    raw[path[-1]] = value


def _text_path(path: tuple) -> str:
    return "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in path)


@given(st.one_of(rubrics(), rubric_sets()), st.data())
def test_one_unreadable_number_is_the_only_problem(document, data):
    """A valid document with one number made unreadable has that one problem, no other.

    The stand-ins that let the rest be checked never cause a problem of their own.
    """
    raw = json.loads(dumps(document))
    places = _exact_places(raw)
    place = data.draw(st.sampled_from(places))
    _set(raw, place, UNREADABLE)
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(raw), raw["kind"])
    assert [p.path for p in caught.value.problems] == [_text_path(place)]


@given(rubrics(max_sections=4), st.data())
def test_a_duplicate_id_is_found_whatever_number_is_unreadable(rubric, data):
    """An indicator id given twice is reported beside an unreadable number elsewhere."""
    raw = json.loads(dumps(rubric))
    indicators = [
        (index, position)
        for index, section in enumerate(raw["sections"])
        for position, _ in enumerate(section.get("indicators", []))
    ]
    sections = {index for index, _ in indicators}
    if len(sections) < 2:
        return
    broken = data.draw(st.sampled_from(sorted(sections)))
    clean = [pair for pair in indicators if pair[0] != broken]
    index, position = data.draw(st.sampled_from(clean))
    twin = raw["sections"][index]["indicators"][position]
    others = [
        item["id"]
        for i, section in enumerate(raw["sections"])
        for item in section.get("indicators", [])
        if item is not twin and i == index
    ]
    if not others:
        return
    twin["id"] = data.draw(st.sampled_from(others))
    raw["sections"][broken]["weight"] = UNREADABLE
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(raw), "rubric")
    kinds = {type(p) for p in caught.value.problems}
    assert DuplicateIdError in kinds
    assert InvalidWeightsError not in kinds
    assert f"$.sections[{broken}].weight" in [p.path for p in caught.value.problems]
