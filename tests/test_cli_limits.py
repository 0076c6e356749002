"""``--max-document-mib``: the document read limit set from the command line.

A valid evaluations document padded past 1 MiB with JSON whitespace is read
with the default limits (64 MiB) and refused, naming the limit, when the
option sets 1 MiB: so the option reaches the loader of ``validate`` and
``score``.  Raising it past the default is the same path (see
:meth:`pbcheck.io.interchange.Limits.of_mib`).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pbcheck import AssessmentCycle
from pbcheck.cli import main
from pbcheck.errors import InvalidValueError
from pbcheck.examples.small import org_tree, simple_rubric
from pbcheck.io.interchange import Limits, dump
from pbcheck.model.evaluation import Evaluation, Observation

PADDING = 1_200_000  # bytes of whitespace: past 1 MiB, far below 64 MiB


@pytest.fixture
def files(tmp_path):
    """A small season whose evaluations document is padded past 1 MiB."""
    units = ["a", "b"]
    paths = {
        "rubric": dump(simple_rubric(), tmp_path / "rubric.json"),
        "tree": dump(org_tree({"党群部门": units}), tmp_path / "tree.json"),
        "cycle": dump(AssessmentCycle.cross_year(2025), tmp_path / "cycle.json"),
    }
    evaluations = [Evaluation(u, [Observation("i", 80)]) for u in units]
    path = dump(evaluations, tmp_path / "evaluations.json")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(" " * PADDING)
    paths["evaluations"] = path
    return paths


def _score(files, output, *extra):
    return main(
        [
            "score",
            "--rubric",
            str(files["rubric"]),
            "--tree",
            str(files["tree"]),
            "--cycle",
            str(files["cycle"]),
            "--evaluations",
            str(files["evaluations"]),
            "-o",
            str(output),
            *extra,
        ]
    )


class TestValidate:
    def test_default_reads_the_padded_document(self, files, capsys):
        """Under the default 64 MiB the padded document is valid."""
        assert main(["validate", str(files["evaluations"])]) == 0
        assert "OK" in capsys.readouterr().out

    def test_option_sets_the_limit(self, files, capsys):
        """``--max-document-mib 1`` refuses it, naming the limit in bytes."""
        code = main(
            [
                "validate",
                "--kind",
                "evaluations",
                "--max-document-mib",
                "1",
                str(files["evaluations"]),
            ]
        )
        assert code == 1
        assert f"limit of {2**20} bytes" in capsys.readouterr().err

    def test_json_format_uses_the_option_too(self, files, capsys):
        """The problem-details output reads with the same limit."""
        args = ["validate", "--format", "json", "--kind", "evaluations"]
        code = main([*args, "--max-document-mib", "1", str(files["evaluations"])])
        assert code == 1
        assert str(2**20) in capsys.readouterr().out

    @pytest.mark.parametrize("value", ["0", "-3", "1.5", "lots"])
    def test_bad_values_are_refused_by_argparse(self, files, value, capsys):
        """Anything but a whole number ≥ 1 stops the command before reading."""
        with pytest.raises(SystemExit) as stopped:
            main(["validate", "--max-document-mib", value, str(files["rubric"])])
        assert stopped.value.code == 2
        assert "--max-document-mib" in capsys.readouterr().err


class TestScore:
    def test_default_scores(self, files, tmp_path):
        """Under the default limit the season scores and results are written."""
        output = tmp_path / "results.json"
        assert _score(files, output) == 0
        assert output.exists()

    def test_option_sets_the_limit(self, files, tmp_path, capsys):
        """With 1 MiB nothing is written and the evaluations file is named."""
        output = tmp_path / "results.json"
        assert _score(files, output, "--max-document-mib", "1") == 1
        err = capsys.readouterr().err
        assert str(files["evaluations"]) in err
        assert f"limit of {2**20} bytes" in err
        assert not output.exists()


class TestLimitsOfMib:
    @given(st.integers(1, 1 << 20))
    def test_bytes_and_items_grow_together(self, mib):
        """Bytes are exactly *mib* MiB; items never fall below the default."""
        limits = Limits.of_mib(mib)
        default = Limits()
        assert limits.max_bytes == mib * 2**20
        assert limits.max_items >= default.max_items
        assert limits.max_items * default.max_bytes >= (
            default.max_items * limits.max_bytes - default.max_bytes
        )
        assert limits.max_depth == default.max_depth

    @pytest.mark.parametrize("value", [0, -1, True, 1.5, "8"])
    def test_bad_values_name_the_option(self, value):
        """A library error naming ``max_document_mib`` and the value."""
        with pytest.raises(InvalidValueError, match="max_document_mib"):
            Limits.of_mib(value)  # type: ignore[arg-type]


class TestRankAndReport:
    @pytest.fixture
    def padded_results(self, files, tmp_path):
        """A results document padded past four MiB (a results document's 4×)."""
        output = tmp_path / "results.json"
        assert _score(files, output) == 0
        with output.open("a", encoding="utf-8") as handle:
            handle.write(" " * (4 * 2**20 + 1000))
        return output

    def test_rank_reads_it_by_default(self, padded_results, capsys):
        """Under the default limits (256 MiB for results) rank prints the season."""
        assert main(["rank", str(padded_results)]) == 0
        capsys.readouterr()

    @pytest.mark.parametrize("command", ["rank", "report"])
    def test_option_sets_the_limit(self, padded_results, tmp_path, command, capsys):
        """With 1 MiB (so 4 MiB for results) both refuse it, naming the limit."""
        extra = ["-o", str(tmp_path / "report")] if command == "report" else []
        argv = [command, "--max-document-mib", "1", *extra, str(padded_results)]
        assert main(argv) == 1
        err = capsys.readouterr().err
        assert f"larger than the limit of {4 * 2**20} bytes" in err
        assert not (tmp_path / "report").exists()
