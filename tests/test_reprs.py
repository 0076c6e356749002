"""Short reprs and bounded, escaped HTML for the big objects of a notebook.

A rubric, an org tree, a cycle, a results document and a what-if result
used to print 1–55 KB of dataclass dump; each now has a one-line ``repr``
and a ``_repr_html_`` table cut after a fixed number of rows, with a count
of the rest.  Sizes are derived from generated objects, not the example.
"""

from __future__ import annotations

import html

from hypothesis import given, settings
from hypothesis import strategies as st

from pbcheck import AssessmentCycle, Results, assess_outcomes
from pbcheck.examples.small import (
    org_tree,
    scorecards,
    simple_rubric,
    two_section_example,
)
from pbcheck.model.org import TREE_HTML_ROWS, OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import (
    RUBRIC_HTML_ROWS,
    BonusPool,
    Indicator,
    Rubric,
    Section,
    Veto,
)
from pbcheck.model.rules import DirectScore
from pbcheck.whatif.reweight import what_if


def _big_rubric(parts: int = 10, items: int = 10) -> Rubric:
    """*parts* sections of *items* one-point indicators each."""
    return Rubric(
        "big",
        "1",
        "大细则",
        [
            Section(
                f"P{p}",
                f"部分{p}",
                items,
                indicators=[
                    Indicator(f"P{p}.{i}", f"指标{p}.{i}", 1, DirectScore())
                    for i in range(items)
                ],
            )
            for p in range(parts)
        ],
        total_points=parts * items,
        bonus=BonusPool(cap=5, indicators=[Indicator("J", "表彰", 5, DirectScore())]),
        vetoes=[Veto("V", "严重违纪")],
    )


def _big_tree(count: int) -> OrgTree:
    return org_tree(
        {"政府工作部门": [f"z{n}" for n in range(count)]},
        liaison_groups={f"z{n}": f"第{n % 8}片" for n in range(count)},
    )


class TestRubric:
    def test_repr_is_one_short_line(self):
        """The repr counts parts and indicators instead of listing them."""
        rubric = _big_rubric()
        text = repr(rubric)
        assert "\n" not in text
        assert len(text) < 120
        assert f"{len(rubric.sections)} 个部分" in text
        assert f"{len(rubric.indicators())} 项指标" in text

    def test_html_is_cut_with_a_count(self):
        """A rubric with more rows than the limit says how many are left out."""
        rubric = _big_rubric(parts=RUBRIC_HTML_ROWS + 5, items=1)
        page = rubric._repr_html_()
        rows = len(rubric.sections) + 2  # bonus and veto rows
        assert f"另有 {rows - RUBRIC_HTML_ROWS} 行" in page
        assert len(page) < 20_000

    def test_html_lists_sections_with_points_and_counts(self):
        """Each section appears with its points and how many indicators it holds."""
        rubric = _big_rubric(parts=3, items=4)
        page = rubric._repr_html_()
        for section in rubric.sections:
            assert section.title in page
        assert page.count(">4</td>") >= 3
        assert "奖励分" in page
        assert "一票否决" in page


class TestTree:
    def test_repr_counts(self):
        """The repr counts units, series and liaison groups."""
        tree = _big_tree(100)
        assert repr(tree) == "<OrgTree: 101 个单位，1 个系列，8 个联系片>"

    def test_html_is_bounded_whatever_the_size(self):
        """The page stays the same size for 100 units or 2,000."""
        small = _big_tree(100)._repr_html_()
        large = _big_tree(2_000)._repr_html_()
        assert f"另有 {101 - TREE_HTML_ROWS} 行" in small
        assert f"另有 {2_001 - TREE_HTML_ROWS} 行" in large
        assert abs(len(large) - len(small)) < 100

    @settings(max_examples=30)
    @given(st.text(alphabet="<>&\"'甲b", min_size=1, max_size=12))
    def test_names_are_escaped(self, name):
        """Whatever a unit is called, the page holds it escaped, never raw."""

        def page(called: str) -> str:
            return OrgTree(
                [
                    OrgUnit("root", "机关工委", UnitKind.WORKING_COMMITTEE),
                    OrgUnit(
                        "u",
                        called,
                        UnitKind.PARTY_COMMITTEE,
                        parent="root",
                        series="党群部门",
                    ),
                ]
            )._repr_html_()

        shown = page(name)
        assert f"　{html.escape(name)}</td>" in shown
        # No tag comes from the name: as many as with a harmless one.
        assert shown.count("<") == page("x").count("<")


class TestCycle:
    def test_repr_and_html(self):
        """One line for the repr; the milestones as a table in date order."""
        cycle = AssessmentCycle.cross_year(2025)
        text = repr(cycle)
        assert "\n" not in text
        assert len(text) < 120
        assert cycle.label_zh in text
        page = cycle._repr_html_()
        dates = [m.date.isoformat() for m in cycle.milestones]
        body = page[page.index("<table") :]
        positions = [body.index(d) for d in sorted(dates)]
        assert positions == sorted(positions)


class TestResultsAndWhatIf:
    def test_results_repr_is_short(self):
        """A results document's repr names the cycle and counts, not every card."""
        tree = _big_tree(60)
        cards = scorecards({f"z{n}": 60 + n % 40 for n in range(60)})
        results = Results(
            simple_rubric(),
            tree,
            AssessmentCycle.cross_year(2025),
            cards,
            assess_outcomes(cards, tree),
        )
        text = repr(results)
        assert "\n" not in text
        assert len(text) < 150
        assert "60 个单位" in text
        assert "<table" in results._repr_html_()

    def test_what_if_repr_html_and_frame(self):
        """What-if results show counts, a table of changes and a typed frame."""
        rubric, evaluations = two_section_example()
        tree = org_tree({"政府工作部门": ["a", "b"]})
        sections = [s.id for s in rubric.sections]
        change = what_if(rubric, evaluations, dict.fromkeys(sections, 50), tree=tree)
        text = repr(change)
        assert text.startswith("<WhatIf:")
        assert f"名次变化 {len(change.rank_changes)} 个" in text
        page = change._repr_html_()
        for moved in change.rank_changes:
            assert moved.unit_id in page
        frame = change.to_frame()
        assert str(frame["rank_change"].dtype) == "Int64"
        assert str(frame["total_after"].dtype) == "float64"
        for moved in change.rank_changes:
            assert frame.loc[moved.unit_id, "rank_before"] == moved.before
            assert frame.loc[moved.unit_id, "rank_after"] == moved.after
        assert set(frame.index[frame["bottom_after"]]) == set(
            change.alternative.bottom.unit_ids
        )
