"""Tests for the ``validate``, ``score`` and ``schema`` subcommands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pbcheck.cli import main
from pbcheck.examples import (
    example_cycle,
    example_evaluations,
    example_rubric,
    example_tree,
)
from pbcheck.io.interchange import KINDS, Results, dump, dumps, load, schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "jiangcheng"


@pytest.fixture
def season(tmp_path):
    """Rubric, tree and cycle files, and two evaluations files of 3 units each."""
    paths = {
        "rubric": dump(example_rubric(), tmp_path / "rubric.toml"),
        "tree": dump(example_tree(), tmp_path / "org-tree.toml"),
        "cycle": dump(example_cycle(2025), tmp_path / "cycle.json"),
    }
    evaluations = example_evaluations(2025)
    paths["e1"] = dump(evaluations[:3], tmp_path / "e1.json")
    paths["e2"] = dump(evaluations[3:6], tmp_path / "e2.json")
    return paths


def score_args(season, output, *, cycle=None, partial=True):
    """The score command line of the fixture's season: 6 units of 90, so partial."""
    return [
        "score",
        *(["--partial"] if partial else []),
        "--rubric",
        str(season["rubric"]),
        "--tree",
        str(season["tree"]),
        "--cycle",
        cycle or str(season["cycle"]),
        "--evaluations",
        str(season["e1"]),
        str(season["e2"]),
        "-o",
        str(output),
    ]


class TestValidate:
    def test_valid_files_print_one_ok_line_each(self, season, capsys):
        """Exit 0, and an OK line per file naming its kind."""
        files = [str(season[k]) for k in ("rubric", "tree", "cycle", "e1")]
        assert main(["validate", *files]) == 0
        out = capsys.readouterr().out.splitlines()
        assert [line.split()[0] for line in out] == ["OK"] * 4
        assert "rubric: 60 项指标" in out[0]
        assert "org_tree: 87 个组织" in out[1]
        assert "cycle: 2025—2026年度" in out[2]

    def test_every_problem_with_file_and_path(self, season, tmp_path, capsys):
        """Exit 1; stderr lists each problem as FILE: $.path: message."""
        data = json.loads(dumps(example_rubric()))
        data["sections"][0]["weight"] = 7.5
        data["bonus"]["cap"] = "十"
        bad = tmp_path / "bad-rubric.json"
        bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert main(["validate", str(season["cycle"]), str(bad)]) == 1
        captured = capsys.readouterr()
        assert captured.out.startswith("OK")
        err = captured.err.splitlines()
        assert f"{bad}: $.sections[0].weight: must be an exact number" in "\n".join(err)
        assert any(line.startswith(f"{bad}: $.bonus.cap: ") for line in err)
        assert err[-1].startswith("1 file with problems")

    def test_unreadable_files(self, tmp_path, capsys):
        """Missing files, unknown suffixes and garbage are problems, not crashes."""
        garbage = tmp_path / "garbage.json"
        garbage.write_bytes(b"\xff\x00{")
        assert main(["validate", str(tmp_path / "none.json"), str(garbage)]) == 1
        err = capsys.readouterr().err
        assert "none.json: $: cannot be read" in err
        assert "garbage.json: $: is not UTF-8 text" in err

    def test_kind_can_be_required(self, season, capsys):
        """--kind rubric refuses a cycle file."""
        assert main(["validate", "--kind", "rubric", str(season["cycle"])]) == 1
        assert "$.kind: must be 'rubric' here" in capsys.readouterr().err

    def test_usage_errors_exit_2(self, capsys):
        """No file at all is argparse's usage error."""
        with pytest.raises(SystemExit) as info:
            main(["validate"])
        assert info.value.code == 2


class TestScore:
    def test_writes_a_self_contained_results_document(self, season, tmp_path, capsys):
        """The results file holds what Results.compute gives, rubric and all."""
        output = tmp_path / "results.json"
        assert main(score_args(season, output)) == 0
        assert "results.json" in capsys.readouterr().err
        loaded = load(output, "results")
        expected = Results.compute(
            example_rubric(),
            example_tree(),
            example_cycle(2025),
            example_evaluations(2025)[:6],
            partial=True,
        )
        assert loaded == expected
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    def test_a_year_means_the_cross_year_cycle(self, season, tmp_path):
        """--cycle 2025 is the same as the 2025—2026 cycle file."""
        output = tmp_path / "results.json"
        assert main(score_args(season, output, cycle="2025")) == 0
        assert load(output, "results").cycle == example_cycle(2025)

    def test_a_failing_run_leaves_the_old_output_untouched(
        self, season, tmp_path, capsys
    ):
        """Problems are listed by file and path; nothing is written."""
        data = json.loads(season["e2"].read_text(encoding="utf-8"))
        data["evaluations"][1]["observations"][2]["value"] = "99"
        season["e2"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        output = tmp_path / "results.json"
        output.write_text("previous results", encoding="utf-8")
        assert main(score_args(season, output)) == 1
        err = capsys.readouterr().err
        assert f"{season['e2']}: $.evaluations[1].observations[2].value: " in err
        assert "nothing written" in err
        assert output.read_text(encoding="utf-8") == "previous results"

    def test_problems_in_several_inputs_are_all_listed(self, season, tmp_path, capsys):
        """A broken tree and a broken evaluations file: both reported, exit 1."""
        season["tree"].write_text(
            season["tree"]
            .read_text(encoding="utf-8")
            .replace('parent = "JGGW"', 'parent = "X"', 1),
            encoding="utf-8",
        )
        season["e1"].write_text("{", encoding="utf-8")
        output = tmp_path / "results.json"
        assert main(score_args(season, output)) == 1
        err = capsys.readouterr().err
        assert f"{season['tree']}: $.units[1].parent: names no unit" in err
        assert f"{season['e1']}: $: is not valid JSON" in err
        assert not output.exists()

    def test_a_unit_in_two_files_is_reported_where_it_repeats(
        self, season, tmp_path, capsys
    ):
        """The second evaluation of a unit is the duplicate, in the second file."""
        data = json.loads(season["e2"].read_text(encoding="utf-8"))
        data["evaluations"][2]["unit_id"] = "ZF01"
        season["e2"].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert main(score_args(season, tmp_path / "r.json")) == 1
        err = capsys.readouterr().err
        assert f"{season['e2']}: $.evaluations[2].unit_id: is evaluated twice" in err

    def test_results_must_be_json(self, season, tmp_path, capsys):
        """-o results.toml is a usage error (exit 2)."""
        with pytest.raises(SystemExit) as info:
            main(score_args(season, tmp_path / "results.toml"))
        assert info.value.code == 2
        assert "must end in .json" in capsys.readouterr().err

    def test_no_progress_bar_off_a_terminal(
        self, season, tmp_path, capsys, monkeypatch
    ):
        """With stderr not a terminal, no bar is drawn even for long inputs."""
        import pbcheck.cli._score as cli_score

        monkeypatch.setattr(cli_score, "PROGRESS_FROM", 1)
        assert main(score_args(season, tmp_path / "r.json")) == 0
        assert "it/s" not in capsys.readouterr().err


class TestProgress:
    def test_a_bar_on_a_terminal_for_long_inputs(self, monkeypatch):
        """On a terminal, long inputs are wrapped in a tqdm bar; short ones are not."""
        import tqdm

        import pbcheck.cli._score as cli_score

        class Terminal:
            def isatty(self):
                return True

            def write(self, text):
                return len(text)

            def flush(self):
                pass

        monkeypatch.setattr(cli_score.sys, "stderr", Terminal())
        items = tuple(example_evaluations(2025)[:3])
        assert cli_score._progress(items) is items
        monkeypatch.setattr(cli_score, "PROGRESS_FROM", 2)
        bar = cli_score._progress(items)
        assert isinstance(bar, tqdm.tqdm)
        assert list(bar) == list(items)

    def test_no_bar_without_tqdm(self, monkeypatch):
        """Without the progress extra the input goes through unchanged."""
        import pbcheck.cli._score as cli_score

        monkeypatch.setattr(cli_score.sys.stderr, "isatty", lambda: True, raising=False)
        monkeypatch.setattr(cli_score, "PROGRESS_FROM", 1)
        monkeypatch.setitem(sys.modules, "tqdm", None)
        items = tuple(example_evaluations(2025)[:2])
        assert cli_score._progress(items) is items


class TestSchema:
    @pytest.mark.parametrize("kind", KINDS)
    def test_prints_the_schema(self, kind, capsys):
        """The printed JSON is the schema of that kind."""
        assert main(["schema", kind]) == 0
        assert json.loads(capsys.readouterr().out) == schema(kind)

    def test_list(self, capsys):
        """--list names every kind with its Chinese term and formats."""
        assert main(["schema", "--list"]) == 0
        out = capsys.readouterr().out.splitlines()
        assert [line.split()[0] for line in out] == list(KINDS)
        assert "考核细则" in out[0]
        assert out[-1].endswith("(JSON)")

    @pytest.mark.parametrize("argv", [["schema"], ["schema", "poem"]])
    def test_usage_errors_exit_2(self, argv, capsys):
        """No kind, or an unknown one, is a usage error."""
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "error:" in capsys.readouterr().err

    def test_help_shows_chinese_beside_english(self, capsys):
        """Each new command's help pairs the Chinese term with the English one."""
        with pytest.raises(SystemExit):
            main(["--help"])
        out = capsys.readouterr().out
        assert "文件校验 — check" in out
        assert "计分 — score" in out
        assert "文件格式 — print" in out


def test_a_real_subprocess_on_the_bundled_files(tmp_path):
    """`python -m pbcheck validate` on the shipped examples exits 0; a bad file exits 1."""
    files = [
        str(EXAMPLES / n) for n in ("rubric.toml", "org-tree.toml", "cycle-2024.toml")
    ]
    ok = subprocess.run(
        [sys.executable, "-m", "pbcheck", "validate", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.count("OK") == 3
    bad = tmp_path / "c.toml"
    bad.write_text(
        'schema_version = 1\nkind = "cycle"\nstart = 1.5\n', encoding="utf-8"
    )
    failed = subprocess.run(
        [sys.executable, "-m", "pbcheck", "validate", str(bad)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert failed.returncode == 1
    assert f"{bad}: $.start: must be a date" in failed.stderr
    assert f"{bad}: $.end: is required but missing" in failed.stderr
