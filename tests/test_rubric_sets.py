"""分类考核 from files to reports: a rubric_set document through score, rank and report.

The rule under test (issue 14, section 2): "A season may hold several rubrics
(by series, or per unit), sharing common sections by reference … Outcomes,
history, reports … accept such seasons; ranking and bottom/commendation lists
happen only within groups that share a rubric … never silently across
different rubrics."  And for the documents: "Interchange documents, JSON
Schemas, score-sheet import, reports and the CLI carry the new data; old
documents still load."

The season is invented but shaped like a real 机关工委's: a 政府工作部门
series whose rubric has the 行政审批 items, a 党群部门 series whose
service block (服务中心、建设队伍) is each unit's own (个性指标), one common part
(共性指标) written once, and 审计局, which has no licensing function, with its
行政审批 indicator marked 合理缺项.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from pbcheck import Rubric
from pbcheck.cli import main
from pbcheck.errors import ValidationError
from pbcheck.io.interchange import Results, dumps, load, loads, schema
from pbcheck.model.rubric_set import RubricSet

SET_TOML = """\
schema_version = 1
kind = "rubric_set"
title = "江城市直机关党建工作责任制分类考核细则"
version = "2025"

[by_series]
"政府工作部门" = "jgdj-zf"
"党群部门" = "jgdj-qt"

# 共性指标: written once, referred to by each rubric.
[[common]]
id = "A"
title = "机关党建常规工作"
weight = "70"
indicators = [
    { id = "A1", title = "“三会一课”制度落实", max_points = "25", rule = { type = "direct_score" } },
    { id = "A2", title = "党风廉政建设", max_points = "25", rule = { type = "direct_score" }, waivable = false },
    { id = "A3", title = "意识形态工作责任制", max_points = "20", rule = { type = "direct_score" } },
]

[[rubrics]]
id = "jgdj-zf"
version = "2025"
title = "政府工作部门党建工作考核细则"

[[rubrics.sections]]
common = "A"

[[rubrics.sections]]
id = "B"
title = "服务发展、有效履职"
weight = "30"
indicators = [
    { id = "B1", title = "优化营商环境", max_points = "15", rule = { type = "direct_score" } },
    { id = "B2", title = "行政审批服务", max_points = "15", rule = { type = "direct_score" } },
]

[[rubrics]]
id = "jgdj-qt"
version = "2025"
title = "党群部门党建工作考核细则"

[[rubrics.sections]]
common = "A"

[[rubrics.sections]]
id = "C"
title = "服务中心、建设队伍"
weight = "30"
individual = true

# 个性指标: each 党群 unit's own service indicators fill slot C.
[individual.swzzb]
C = [
    { id = "C-zzb1", title = "基层党建示范点建设", max_points = "20", rule = { type = "direct_score" } },
    { id = "C-zzb2", title = "干部教育培训计划完成", max_points = "10", rule = { type = "pass_fail" } },
]

[individual.swxcb]
C = [
    { id = "C-xcb1", title = "新时代文明实践中心建设", max_points = "30", rule = { type = "direct_score" } },
]

[individual.zgh]
C = [
    { id = "C-zgh1", title = "职工之家建设", max_points = "30", rule = { type = "direct_score" } },
]
"""

UNITS = {
    "fgw": ("市发展和改革委员会机关党委", "政府工作部门"),
    "sfj": ("市司法局机关党委", "政府工作部门"),
    "sjj": ("市审计局机关党支部", "政府工作部门"),
    "swzzb": ("市委组织部机关党支部", "党群部门"),
    "swxcb": ("市委宣传部机关党支部", "党群部门"),
    "zgh": ("市总工会机关党支部", "党群部门"),
}

OBSERVED: dict[str, dict[str, object]] = {
    "fgw": {"A1": 23, "A2": 24, "A3": 18, "B1": 14, "B2": 13},
    "sfj": {"A1": 20, "A2": 22, "A3": 17, "B1": 12, "B2": 11},
    # 审计局 has no 行政审批: B2 is 合理缺项 (below), B1 counts for the block.
    "sjj": {"A1": 24, "A2": 25, "A3": 19, "B1": 12},
    "swzzb": {"A1": 24, "A2": 24, "A3": 19, "C-zzb1": 18, "C-zzb2": True},
    "swxcb": {"A1": 21, "A2": 23, "A3": 18, "C-xcb1": 24},
    "zgh": {"A1": 19, "A2": 21, "A3": 16, "C-zgh1": 22},
}
NOT_APPLICABLE = "本单位无行政审批职能"


def _tree() -> dict[str, object]:
    units: list[dict[str, object]] = [
        {"id": "gw", "name": "江城市直机关工委", "kind": "working_committee"}
    ]
    units += [
        {
            "id": unit_id,
            "name": name,
            "kind": "party_committee",
            "parent": "gw",
            "series": series,
        }
        for unit_id, (name, series) in UNITS.items()
    ]
    return {"schema_version": 1, "kind": "org_tree", "units": units}


def _evaluations() -> dict[str, object]:
    evaluations = []
    for unit_id, observed in OBSERVED.items():
        evaluation: dict[str, object] = {
            "unit_id": unit_id,
            "observations": [
                {"indicator_id": key, "value": value} for key, value in observed.items()
            ],
        }
        if unit_id == "sjj":
            evaluation["not_applicable"] = [
                {"indicator_id": "B2", "reason": NOT_APPLICABLE}
            ]
        evaluations.append(evaluation)
    return {"schema_version": 1, "kind": "evaluations", "evaluations": evaluations}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> dict[str, Path]:
    """The season's files, scored by ``pbcheck score``."""
    folder = tmp_path_factory.mktemp("classified")
    files = {
        "set": folder / "分类考核细则.toml",
        "tree": folder / "组织体系.json",
        "evaluations": folder / "考评记录.json",
        "results": folder / "results-2025.json",
    }
    files["set"].write_text(SET_TOML, encoding="utf-8")
    files["tree"].write_text(json.dumps(_tree(), ensure_ascii=False), "utf-8")
    files["evaluations"].write_text(
        json.dumps(_evaluations(), ensure_ascii=False), "utf-8"
    )
    code, _, err = _run(
        "score",
        "--rubric",
        str(files["set"]),
        "--tree",
        str(files["tree"]),
        "--cycle",
        "2025",
        "--evaluations",
        str(files["evaluations"]),
        "-o",
        str(files["results"]),
    )
    assert code == 0, err
    return files


class TestScore:
    def test_each_unit_is_scored_on_its_rubric_of_the_set(self, season):
        """政府 units on jgdj-zf, 党群 units on jgdj-qt with their own slot C."""
        results = load(season["results"], Results)
        assert isinstance(results.rubric, RubricSet)
        cards = {card.unit_id: card for card in results.scorecards}
        assert {u: cards[u].rubric_id for u in cards} == {
            "fgw": "jgdj-zf",
            "sfj": "jgdj-zf",
            "sjj": "jgdj-zf",
            "swzzb": "jgdj-qt",
            "swxcb": "jgdj-qt",
            "zgh": "jgdj-qt",
        }
        assert cards["fgw"].total == 23 + 24 + 18 + 14 + 13
        assert cards["swzzb"].total == 24 + 24 + 19 + 18 + 10
        assert set(cards["swxcb"].indicators) == {"A1", "A2", "A3", "C-xcb1"}

    def test_the_not_applicable_indicator_is_scaled_pro_rata(self, season):
        """审计局's B2 is 合理缺项: 80 of 85 applicable points, scaled to 100 (按比例折算)."""
        results = load(season["results"], Results)
        card = next(c for c in results.scorecards if c.unit_id == "sjj")
        assert card.indicators["B2"].not_applicable is not None
        assert card.indicators["B2"].not_applicable.reason == NOT_APPLICABLE
        assert card.total == Fraction(24 + 25 + 19 + 12, 85) * 100

    def test_units_are_ranked_only_within_their_rubrics_series(self, season):
        """Each series' ranking holds units of one rubric; the overall ranking is split."""
        results = load(season["results"], Results)
        rankings = results.outcomes.rankings
        assert set(rankings["政府工作部门"].unit_ids) == {"fgw", "sfj", "sjj"}
        assert set(rankings["党群部门"].unit_ids) == {"swzzb", "swxcb", "zgh"}
        assert len(results.outcomes.overall) == 0
        by_rubric = results.outcomes.overall_by_rubric
        assert len(by_rubric) == 2
        for table in by_rubric.values():
            assert len({results.rubric_of(u).id for u in table.unit_ids}) == 1
        assert set(results.outcomes.bottom.unit_ids) == {"sfj", "zgh"}

    def test_validate_accepts_every_file_and_names_the_sets_rubrics(self, season):
        """The rubric set, tree, evaluations and results all validate."""
        code, out, err = _run(
            "validate",
            str(season["set"]),
            str(season["tree"]),
            str(season["evaluations"]),
            str(season["results"]),
        )
        assert code == 0, err
        assert "rubric_set: 2 套细则 / rubrics (jgdj-zf、jgdj-qt)" in out

    def test_refusing_mixed_rubrics_names_the_group(self, season, tmp_path):
        """--mixed-rubrics refuse: the groups that mix rubrics are an error, nothing written."""
        target = tmp_path / "r.json"
        code, _, err = _run(
            "score",
            "--rubric",
            str(season["set"]),
            "--tree",
            str(season["tree"]),
            "--cycle",
            "2025",
            "--evaluations",
            str(season["evaluations"]),
            "--mixed-rubrics",
            "refuse",
            "-o",
            str(target),
        )
        assert code == 1
        assert "mixes rubrics that are not comparable" in err
        assert not target.exists()

    def test_a_document_of_another_kind_is_refused_for_rubric(self, season, tmp_path):
        """--rubric names the kind it needs when given an org tree."""
        code, _, err = _run(
            "score",
            "--rubric",
            str(season["tree"]),
            "--tree",
            str(season["tree"]),
            "--cycle",
            "2025",
            "--evaluations",
            str(season["evaluations"]),
            "-o",
            str(tmp_path / "r.json"),
        )
        assert code == 1
        assert "$.kind: must be 'rubric' or 'rubric_set' for --rubric" in err


class TestRankAndReport:
    def test_rank_names_each_series_rubric(self, season):
        """Each series heading says the rubric its units were scored on."""
        code, out, err = _run("rank", str(season["results"]))
        assert code == 0, err
        assert "【政府工作部门】  考核细则：政府工作部门党建工作考核细则" in out
        assert "【党群部门】  考核细则：党群部门党建工作考核细则" in out
        assert out.splitlines()[0] == "江城市直机关党建工作责任制分类考核细则（2025版）"

    def test_report_shows_each_rubrics_sections_apart(self, season, tmp_path):
        """One section table per rubric, with that rubric's sections only."""
        code, _, err = _run(
            "report", str(season["results"]), "-o", str(tmp_path), "--no-charts"
        )
        assert code == 0, err
        text = (tmp_path / "report.md").read_text(encoding="utf-8")
        assert "分类考核：政府工作部门党建工作考核细则（jgdj-zf）" in text
        tables = text.split("## 分项得分")[1].split("\n## ")[0]
        government = tables.split("### 政府工作部门（政府工作部门党建工作考核细则）")[1]
        government = government.split("### ")[0]
        party = tables.split("### 党群部门（党群部门党建工作考核细则）")[1]
        assert "服务发展、有效履职" in government
        assert "服务中心、建设队伍" not in government
        assert "服务中心、建设队伍" in party
        assert "服务发展、有效履职" not in party

    def test_report_rows_say_their_rubric_and_not_applicable_shows_why(
        self, season, tmp_path
    ):
        """CSV: a rubric column on each row; 合理缺项（原因） instead of 0 points."""
        code, _, err = _run(
            "report", str(season["results"]), "-o", str(tmp_path), "--format", "csv"
        )
        assert code == 0, err
        units = list(
            csv.DictReader(
                io.StringIO(
                    (tmp_path / "report-units.csv").read_text(encoding="utf-8-sig")
                )
            )
        )
        assert {row["单位编号"]: row["考核细则"] for row in units}["zgh"] == (
            "党群部门党建工作考核细则"
        )
        indicators = list(
            csv.DictReader(
                io.StringIO(
                    (tmp_path / "report-indicators.csv").read_text(encoding="utf-8-sig")
                )
            )
        )
        row = next(
            r for r in indicators if r["单位编号"] == "sjj" and r["指标编号"] == "B2"
        )
        assert row["得分"] == f"合理缺项（{NOT_APPLICABLE}）"
        assert row["折合分"] == "合理缺项"

    def test_every_format_renders(self, season, tmp_path):
        """HTML (with charts when matplotlib is there), Excel and the 通报 draft."""
        code, _, err = _run("report", str(season["results"]), "-o", str(tmp_path))
        assert code == 0, err
        circular = (tmp_path / "report-通报草稿.txt").read_text(encoding="utf-8")
        assert "实行分类考核" in circular
        page = (tmp_path / "report.html").read_text(encoding="utf-8")
        assert page.count("：分项得分</h3>") == 2


class TestDocuments:
    def test_the_hand_written_set_conforms_to_its_schema(self):
        """The TOML above, read as data, is valid against rubric_set.schema.json."""
        import tomllib

        jsonschema.validate(tomllib.loads(SET_TOML), schema("rubric_set"))

    def test_loading_expands_references_to_one_section(self):
        """Both rubrics hold the very same common section object."""
        rubric_set = loads(SET_TOML, "rubric_set", format="toml")
        zf, qt = rubric_set.rubric("jgdj-zf"), rubric_set.rubric("jgdj-qt")
        assert zf.sections[0] is qt.sections[0]
        assert zf.sections[0].id == "A"

    def test_dumping_writes_the_shared_section_once(self):
        """JSON and TOML round trips; the common section is written once."""
        rubric_set = loads(SET_TOML, "rubric_set", format="toml")
        text = dumps(rubric_set)
        data = json.loads(text)
        assert [s["id"] for s in data["common"]] == ["A"]
        assert [r["sections"][0] for r in data["rubrics"]] == [{"common": "A"}] * 2
        assert text.count("“三会一课”制度落实") == 1
        assert loads(text, "rubric_set") == rubric_set
        toml = dumps(rubric_set, format="toml")
        assert loads(toml, "rubric_set", format="toml") == rubric_set

    def test_results_with_a_plain_rubric_still_load(self, tmp_path):
        """A results document whose ``rubric`` is one rubric loads as before."""
        from pbcheck.examples import (
            example_cycle,
            example_evaluations,
            example_rubric,
            example_tree,
        )

        # One series of the example is a season of one plain rubric.
        series = "垂直管理部门"
        results = Results.compute(
            example_rubric(series),
            example_tree(series),
            example_cycle(2025),
            example_evaluations(2025, series),
        )
        text = dumps(results)
        assert "common" not in json.loads(text)["rubric"]
        back = loads(text, "results")
        assert isinstance(back.rubric, Rubric)
        assert back == results


class TestProblems:
    def _broken(self, old: str, new: str) -> str:
        assert old in SET_TOML
        return SET_TOML.replace(old, new, 1)

    def test_an_unknown_reference_names_the_known_common_sections(self):
        """A reference to no common section: its $. path and the ids there are."""
        text = self._broken(
            '[[rubrics.sections]]\ncommon = "A"', '[[rubrics.sections]]\ncommon = "X"'
        )
        with pytest.raises(ValidationError) as caught:
            loads(text, "rubric_set", format="toml")
        [problem] = caught.value.problems
        assert problem.path == "$.rubrics[0].sections[0].common"
        assert "names no common section" in problem.message
        assert "(common: A)" in problem.message

    def test_a_problem_in_a_common_section_is_reported_once_under_common(self):
        """A bad weight inside the common part is at $.common[0], not once per rubric."""
        text = self._broken('max_points = "25", rule', 'max_points = "-25", rule')
        with pytest.raises(ValidationError) as caught:
            loads(text, "rubric_set", format="toml")
        paths = [p.path for p in caught.value.problems]
        assert paths == ["$.common[0].indicators[0].max_points"]

    def test_every_problem_of_the_set_is_reported_with_its_path(self):
        """A series naming no rubric and a reference with an extra key, together."""
        text = self._broken('"党群部门" = "jgdj-qt"', '"党群部门" = "jgdj-dq"')
        text = text.replace('common = "A"', 'common = "A"\nweight = "70"', 1)
        with pytest.raises(ValidationError) as caught:
            loads(text, "rubric_set", format="toml")
        messages = {p.path: p.message for p in caught.value.problems}
        assert "$.rubrics[0].sections[0].weight" in messages
        assert (
            "is not a known key (expected: common)"
            in messages["$.rubrics[0].sections[0].weight"]
        )

    def test_rubric_rules_inside_the_set_name_the_rubric(self):
        """A unit's individual indicators that miss the slot's weight: under individual."""
        text = self._broken(
            '{ id = "C-zgh1", title = "职工之家建设", max_points = "30"',
            '{ id = "C-zgh1", title = "职工之家建设", max_points = "25"',
        )
        with pytest.raises(ValidationError) as caught:
            loads(text, "rubric_set", format="toml")
        paths = [p.path for p in caught.value.problems]
        assert paths
        assert all(path.startswith("$.individual.zgh") for path in paths), paths

    def test_a_plain_rubric_cannot_refer_to_common_sections(self):
        """Outside a set, a reference says that only a rubric_set has common sections."""
        rubric_set = loads(SET_TOML, "rubric_set", format="toml")
        data = json.loads(dumps(rubric_set.rubric("jgdj-zf")))
        data["sections"][0] = {"common": "A"}
        with pytest.raises(ValidationError) as caught:
            loads(json.dumps(data), "rubric")
        [problem] = caught.value.problems
        assert problem.path == "$.sections[0].common"
        assert "only a rubric_set document has" in problem.message
