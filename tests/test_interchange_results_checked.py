"""A results document is checked, not trusted (issue 17).

Every figure of a results document must agree with what it is computed
from: totals with their parts, sections with their children, rankings with
the scorecards under the document's own ranking policy.  A valid document is
never refused (property), a document with one figure changed always is, at
that figure's path, and ``rank`` / ``report`` end with a line, not a crash.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck.cli import main
from pbcheck.errors import ValidationError
from pbcheck.io.interchange import Results, dumps, loads
from pbcheck.testing import results, set_results


@given(st.one_of(results(), set_results()))
def test_a_computed_season_is_never_refused(season: Results):
    """What Results.compute gives, written and read back, passes every check."""
    assert loads(dumps(season), "results") == season


@given(results(), st.data())
def test_a_changed_total_is_refused_at_its_path(season: Results, data):
    """Any scorecard's total moved by any amount is named at that scorecard's total."""
    raw = json.loads(dumps(season))
    index = data.draw(st.integers(0, len(raw["scorecards"]) - 1))
    card = raw["scorecards"][index]
    delta = data.draw(
        st.fractions(min_value=-10, max_value=10, max_denominator=100).filter(bool)
    )
    changed = Fraction(card["total"]) + delta
    card["total"] = str(changed.numerator) + (
        f"/{changed.denominator}" if changed.denominator != 1 else ""
    )
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(raw, ensure_ascii=False), "results")
    paths = [p.path for p in caught.value.problems]
    assert f"$.scorecards[{index}].total" in paths


@given(results(max_units=3), st.data())
def test_a_changed_rank_is_refused_at_its_path(season: Results, data):
    """Any rank of the overall ranking changed to another number is named there."""
    raw = json.loads(dumps(season))
    entries = raw["outcomes"]["overall"]["entries"]
    index = data.draw(st.integers(0, len(entries) - 1))
    rank = entries[index]["rank"]
    entries[index]["rank"] = data.draw(st.integers(0, 10).filter(lambda r: r != rank))
    with pytest.raises(ValidationError) as caught:
        loads(json.dumps(raw, ensure_ascii=False), "results")
    assert f"$.outcomes.overall.entries[{index}].rank" in [
        p.path for p in caught.value.problems
    ]


class TestDownstream:
    @pytest.mark.parametrize("command", ["rank", "report"])
    def test_rank_and_report_refuse_a_tampered_document_with_one_line(
        self, command, tmp_path, capsys
    ):
        """rank 0 in the file: exit 1 and the path, no traceback, nothing written."""
        from pbcheck.examples.small import org_tree, two_section_example

        rubric, evaluations = two_section_example()
        tree = org_tree({"党群部门": ["a", "b"]})
        from pbcheck import AssessmentCycle

        season = Results.compute(
            rubric, tree, AssessmentCycle.cross_year(2025), evaluations
        )
        raw = json.loads(dumps(season))
        raw["outcomes"]["overall"]["entries"][0]["rank"] = 0
        file = tmp_path / "results.json"
        file.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        argv = [command, str(file)]
        if command == "report":
            argv += ["-o", str(tmp_path / "out")]
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert "$.outcomes.overall.entries[0].rank" in err
        assert "Traceback" not in err
        assert not (tmp_path / "out").exists()
