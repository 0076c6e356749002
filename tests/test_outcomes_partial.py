"""Partial seasons are refused unless marked, and labelled in every output (issue 17).

Posting 3 of 90 units used to rank them among themselves and mark one 后位
without a word.  Ranking, grading or selecting a season whose scorecards do
not cover the tree's assessed units is now refused unless the caller marks
it partial; a partial season carries the units missing and says so in the
terminal, the results document, and every report format.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle
from pbcheck.cli import main
from pbcheck.errors import ValidationError
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_rubrics,
    example_tree,
)
from pbcheck.examples.small import org_tree, scorecards, simple_rubric
from pbcheck.io.interchange import Results, dump, dumps, loads
from pbcheck.outcomes.season import assess_outcomes, assessed_units
from pbcheck.report import (
    CycleReport,
    to_circular,
    to_csv,
    to_html,
    to_markdown,
    to_workbook,
)

UNITS = [f"u{n:02d}" for n in range(12)]


TREE = org_tree({"政府工作部门": UNITS[:7], "党群部门": UNITS[7:]})


class TestRefusal:
    def test_a_season_covering_the_tree_needs_no_mark(self):
        """Every assessed unit scored: not partial, no banner."""
        outcomes = assess_outcomes(scorecards(dict.fromkeys(UNITS, 80)), TREE)
        assert not outcomes.partial
        assert outcomes.missing_units == ()
        assert outcomes.partial_label == ""

    def test_three_of_twelve_units_are_refused_naming_the_missing(self):
        """The refusal names the first missing units and counts them all."""
        with pytest.raises(ValidationError) as caught:
            assess_outcomes(scorecards({"u00": 90, "u01": 80, "u07": 70}), TREE)
        [problem] = caught.value.problems
        assert problem.path == "scorecards"
        assert "cover 3 of the tree's 12 assessed units" in problem.message
        assert "9 have no scorecard (u02, u03, u04, u05, u06 and 4 more)" in (
            problem.message
        )
        assert "partial=True" in problem.message

    @given(st.sets(st.sampled_from(UNITS), min_size=1, max_size=11))
    def test_any_uncovered_season_is_refused_and_marked_when_allowed(self, scored):
        """Whatever subset is scored: refused unmarked; marked, it lists who is missing."""
        cards = scorecards(dict.fromkeys(sorted(scored), 80))
        with pytest.raises(ValidationError):
            assess_outcomes(cards, TREE)
        outcomes = assess_outcomes(cards, TREE, partial=True)
        assert outcomes.partial
        assert outcomes.missing_units == tuple(u for u in UNITS if u not in scored)
        assert outcomes.partial_label == f"部分单位（{len(scored)}/12）— 非完整结果"

    def test_marking_a_whole_season_partial_changes_nothing(self):
        """partial=True allows gaps; a season without gaps is still a whole one."""
        cards = scorecards(dict.fromkeys(UNITS, 80))
        assert assess_outcomes(cards, TREE, partial=True) == assess_outcomes(
            cards, TREE
        )

    def test_the_working_committee_is_not_assessed(self):
        """The assessor (机关工委) needs no scorecard."""
        assert "root" not in assessed_units(TREE)
        assert len(assessed_units(TREE)) == len(TREE) - 1

    def test_the_bundled_example_covers_its_tree(self):
        """The Jiangcheng season scores all 86 units without being marked."""
        season = Results.compute(
            example_rubrics(),
            example_tree(),
            example_cycle(2025),
            example_evaluations(2025),
        )
        assert not season.outcomes.partial
        assert len(season.scorecards) == len(assessed_units(example_tree())) == 86


class TestDocuments:
    def _partial(self) -> Results:
        return Results.compute(
            example_rubrics(),
            example_tree(),
            example_cycle(2025),
            example_evaluations(2025)[:3],
            partial=True,
        )

    def test_a_partial_season_round_trips_with_its_mark(self):
        """partial and missing_units travel in the results document."""
        season = self._partial()
        raw = json.loads(dumps(season))
        assert raw["outcomes"]["partial"] is True
        assert len(raw["outcomes"]["missing_units"]) == 83
        assert loads(dumps(season), "results") == season

    def test_an_unmarked_partial_document_is_refused(self):
        """A document whose mark was removed: $.outcomes.partial must be true."""
        raw = json.loads(dumps(self._partial()))
        del raw["outcomes"]["partial"]
        del raw["outcomes"]["missing_units"]
        with pytest.raises(ValidationError) as caught:
            loads(json.dumps(raw, ensure_ascii=False), "results")
        [problem] = caught.value.problems
        assert problem.path == "$.outcomes.partial"
        assert "83 of the tree's 86 assessed units have no scorecard" in (
            problem.message
        )

    def test_a_wrong_list_of_missing_units_is_refused(self):
        """missing_units must name exactly the assessed units without a scorecard."""
        raw = json.loads(dumps(self._partial()))
        raw["outcomes"]["missing_units"] = raw["outcomes"]["missing_units"][1:]
        with pytest.raises(ValidationError) as caught:
            loads(json.dumps(raw, ensure_ascii=False), "results")
        assert [p.path for p in caught.value.problems] == ["$.outcomes.missing_units"]


class TestLabels:
    def _report(self) -> CycleReport:
        cards = scorecards({"u00": 90, "u01": 80, "u07": 70})
        return CycleReport.build(
            cards,
            assess_outcomes(cards, TREE, partial=True),
            tree=TREE,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
        )

    def test_every_format_says_partial(self):
        """HTML, Markdown, CSV, the circular draft and the workbook carry the banner."""
        report = self._report()
        label = "部分单位（3/12）— 非完整结果"
        assert report.partial == label
        assert label in to_html(report, charts=False)
        assert label in to_markdown(report).splitlines()[0]
        rows = to_csv(report).splitlines()
        assert rows[0].endswith("结果性质")
        assert all(row.endswith(label) for row in rows[1:])
        assert label in to_circular(report).splitlines()[1]
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(to_workbook(report)))
        assert book.properties.title.endswith(f"（{label}）")
        cover = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
        assert ["结果性质", label] in [row[:2] for row in cover]

    def test_the_outcomes_frame_carries_the_mark(self):
        """A notebook's frame of a partial season says so in its attrs."""
        pytest.importorskip("pandas")
        cards = scorecards({"u00": 90, "u01": 80, "u07": 70})
        frame = assess_outcomes(cards, TREE, partial=True).to_frame()
        assert frame.attrs["partial"] == "部分单位（3/12）— 非完整结果"
        scored = {"u00", "u01", "u07"}
        assert frame.attrs["missing_units"] == [u for u in UNITS if u not in scored]

    def test_a_whole_season_has_no_banner(self):
        """Nothing changes for a season covering the tree."""
        cards = scorecards(dict.fromkeys(UNITS, 80))
        report = CycleReport.build(
            cards,
            assess_outcomes(cards, TREE),
            tree=TREE,
            rubric=simple_rubric(),
            cycle=AssessmentCycle.cross_year(2025),
        )
        assert report.partial == ""
        assert "结果性质" not in to_csv(report)
        assert "部分单位" not in to_markdown(report)


class TestCommandLine:
    @pytest.fixture
    def files(self, tmp_path):
        evaluations = example_evaluations(2025)
        return {
            "rubric": dump(example_rubric(), tmp_path / "rubric.toml"),
            "tree": dump(example_tree(), tmp_path / "org-tree.toml"),
            "evaluations": dump(evaluations[:3], tmp_path / "e.json"),
        }

    def _argv(self, files, output, *extra):
        return [
            "score",
            "--rubric",
            str(files["rubric"]),
            "--tree",
            str(files["tree"]),
            "--cycle",
            "2025",
            "--evaluations",
            str(files["evaluations"]),
            "-o",
            str(output),
            *extra,
        ]

    def test_score_refuses_three_of_ninety_without_partial(
        self, files, tmp_path, capsys
    ):
        """Exit 1, the missing units named and counted, nothing written."""
        output = tmp_path / "results.json"
        assert main(self._argv(files, output)) == 1
        err = capsys.readouterr().err
        assert "cover 3 of the tree's 86 assessed units" in err
        assert "83 have no scorecard" in err
        assert "nothing written" in err
        assert not output.exists()

    def test_score_partial_then_rank_and_report_say_so(self, files, tmp_path, capsys):
        """--partial writes the season; rank prints the banner first, report labels it."""
        output = tmp_path / "results.json"
        assert main(self._argv(files, output, "--partial")) == 0
        assert "部分单位（3/86）— 非完整结果" in capsys.readouterr().err
        assert main(["rank", str(output)]) == 0
        first = capsys.readouterr().out.splitlines()[0]
        assert first.startswith("【部分单位（3/86）— 非完整结果】")
        assert "等 83 个" in first
        folder = tmp_path / "report"
        assert main(["report", str(output), "-o", str(folder)]) == 0
        markdown = next(folder.glob("*.md")).read_text(encoding="utf-8")
        assert "部分单位（3/86）— 非完整结果" in markdown.splitlines()[0]
