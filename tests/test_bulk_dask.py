"""pbcheck.bulk.dask: Dask arrays scored block by block agree with score_bulk."""

import importlib
import itertools
import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")

from pbcheck import DirectScore, GradingPolicy, Indicator, PassFail, Rubric, Section  # noqa: E402
from pbcheck.bulk import score_bulk, table_from_evaluations  # noqa: E402
from pbcheck.bulk.dask import _Refused, score_dask  # noqa: E402
from pbcheck.errors import (  # noqa: E402
    Id,
    InvalidTypeError,
    InvalidValueError,
    MissingExtraError,
    ValidationError,
)
from pbcheck.testing import bulk_seasons, outcome_policies  # noqa: E402

SERIES = ("政府工作部门", "党群部门", "垂直管理部门")


def two_indicator_rubric():
    """Pass/fail and a direct score, 50 points each."""
    return Rubric(
        "dask",
        "2025",
        "分块计分",
        [
            Section(
                "A",
                "常规工作",
                100,
                indicators=[
                    Indicator("a1", "台账完整", 50, PassFail()),
                    Indicator("a2", "考评组评分", 50, DirectScore()),
                ],
            )
        ],
    )


def fixed_input(rows=40):
    """A seeded input for the rubric above: values, series names, row chunks."""
    rng = np.random.default_rng(2025)
    values = np.column_stack(
        [
            (rng.random(rows) < 0.7).astype(float),
            np.round(rng.uniform(0, 50, rows), 1),
        ]
    )
    series = np.asarray(SERIES, dtype=object)[rng.integers(0, 3, rows)]
    return values, series, (13, 1, 20, 6)


def row_chunks(rows, cuts):
    """Row chunks of *rows* rows (at least one) cut at *cuts*: uneven, never empty."""
    edges = sorted({0, rows, *(c % (rows + 1) for c in cuts)})
    return tuple(b - a for a, b in itertools.pairwise(edges))


def assert_same(result, whole):
    """Ids, series, exact and shown totals, vetoes, ranks and grades are equal."""
    assert len(result) == len(whole)
    assert result.unit_ids.tolist() == whole.unit_ids.tolist()
    assert result.series.tolist() == whole.series.tolist()
    assert result.denominator == whole.denominator
    for name in ("base", "adjustment", "veto_cap", "total", "shown"):
        assert getattr(result, name).tolist() == getattr(whole, name).tolist(), name
    assert np.array_equal(result.vetoed, whole.vetoed)
    assert np.array_equal(result.disqualified, whole.disqualified)
    assert result.ranks.tolist() == whole.ranks.tolist()
    if whole.grades is None:
        assert result.grades is None
    else:
        assert result.grades.tolist() == whole.grades.tolist()


class TestAgreement:
    @settings(max_examples=40)
    @given(bulk_seasons(), outcome_policies(), st.lists(st.integers(0, 8), max_size=4))
    def test_uneven_blocks_agree_with_score_bulk(self, season, policy, cuts):
        """Blocks of uneven rows (other blocks chunked otherwise) give score_bulk's result."""
        rubric, evaluations, tree = season
        table = table_from_evaluations(rubric, evaluations, tree=tree)
        whole = score_bulk(
            rubric,
            table,
            ranking=policy.ranking,
            grading=policy.grading,
            keep_attainment=True,
        )
        rows = row_chunks(len(table), cuts)
        with dask.config.set(scheduler="synchronous"):
            result = score_dask(
                rubric,
                da.from_array(table.values, chunks=(rows, -1)),
                # One block each: rechunked to the values' rows.
                bonus=da.from_array(table.bonus),
                deductions=da.from_array(table.deductions),
                vetoes=table.vetoes,  # in memory: sliced per block
                unit_ids=table.unit_ids,
                series=table.series,
                ranking=policy.ranking,
                grading=policy.grading,
                keep_attainment=True,
            )
        assert_same(result, whole)
        assert np.array_equal(result.attainment, whole.attainment)

    def test_rows_are_numbered_across_blocks_without_ids(self):
        """Without unit ids, units are the row numbers of the whole array."""
        values, series, chunks = fixed_input()
        with dask.config.set(scheduler="synchronous"):
            result = score_dask(
                two_indicator_rubric(),
                da.from_array(values, chunks=(chunks, 2)),
                series=da.from_array(series, chunks=7),
                grading=GradingPolicy.standard(),
            )
        whole = score_bulk(
            two_indicator_rubric(),
            {"a1": values[:, 0], "a2": values[:, 1], "series": series},
            grading=GradingPolicy.standard(),
        )
        assert result.unit_ids.tolist() == list(range(40))
        assert result.attainment is None  # not brought back unless asked
        assert_same(result, whole)


class TestRefused:
    def test_column_blocks_are_refused_naming_the_chunks(self):
        """A matrix chunked along columns is refused before anything is scored."""
        values, _, _ = fixed_input()
        with pytest.raises(ValidationError) as caught:
            score_dask(two_indicator_rubric(), da.from_array(values, chunks=(10, 1)))
        (problem,) = caught.value.problems
        assert problem.path == "values.chunks"
        assert problem.value == ((10, 10, 10, 10), (1, 1))
        assert "rechunk({1: -1})" in problem.message

    def test_unknown_row_counts_are_refused(self):
        """Row blocks of unknown size (NaN chunks) are refused, saying what to call."""
        values, _, _ = fixed_input()
        x = da.from_array(values, chunks=(10, 2))
        unknown = x[x[:, 0] >= 0]  # a boolean mask: row counts unknown until computed
        with pytest.raises(ValidationError) as caught:
            score_dask(two_indicator_rubric(), unknown)
        (problem,) = caught.value.problems
        assert problem.path == "values.chunks"
        assert "compute_chunk_sizes()" in problem.message

    def test_every_shape_problem_is_listed_at_once(self):
        """Wrong widths, lengths and types are gathered in one error."""
        values, series, _ = fixed_input()
        with pytest.raises(ValidationError) as caught:
            score_dask(
                two_indicator_rubric(),
                da.from_array(values[:, :1]),
                bonus=np.zeros((40, 1)),
                series=series[:3],
                engine="fast",
            )
        assert [p.path for p in caught.value.problems] == [
            "engine",
            "values",
            "bonus",
            "series",
        ]

    def test_text_values_are_refused(self):
        """A matrix of text is refused as a type problem naming its dtype."""
        with pytest.raises(ValidationError) as caught:
            score_dask(two_indicator_rubric(), da.from_array(np.full((2, 2), "1")))
        (problem,) = caught.value.problems
        assert isinstance(problem, InvalidTypeError)
        assert problem.value == "<U1"

    def test_arrays_in_memory_are_refused(self):
        """A NumPy array is not a Dask array: the message points to score_bulk."""
        values, _, _ = fixed_input()
        with pytest.raises(InvalidTypeError, match="score_bulk"):
            score_dask(two_indicator_rubric(), values)

    def test_bad_cells_of_several_blocks_come_in_one_error(self):
        """Problems of every block are listed with whole-array row numbers."""
        values, _, chunks = fixed_input()
        values[3, 1] = 51.0  # first block
        values[35, 0] = 0.5  # last block
        with (
            dask.config.set(scheduler="synchronous"),
            pytest.raises(ValidationError, match=r"rows 0–39") as caught,
        ):
            score_dask(
                two_indicator_rubric(), da.from_array(values, chunks=(chunks, 2))
            )
        assert [p.path for p in caught.value.problems] == [
            "table[3][a2]",
            "table[35][a1]",
        ]
        assert [p.steps for p in caught.value.problems] == [
            ("table", 3, Id("a2")),
            ("table", 35, Id("a1")),
        ]

    def test_a_refused_partition_travels_with_its_steps(self):
        """Pickled as a worker returns it, a problem comes back with its steps and kind."""
        problem = InvalidValueError(("table", 7, Id("a.2")), 60.0, "must not exceed")
        sent = pickle.dumps(_Refused.of(40, [problem], 3))
        travelled = pickle.loads(sent)  # noqa: S301 - our own bytes, as a worker sends them
        (rebuilt,) = travelled.problems().found
        assert type(rebuilt) is InvalidValueError
        assert rebuilt.steps == ("table", 7, Id("a.2"))
        assert rebuilt.path == "table[7]['a.2']"
        assert (rebuilt.value, rebuilt.message) == (60.0, "must not exceed")
        assert (travelled.problems().count, travelled.problems().rows) == (3, 40)


class TestDataFrames:
    @pytest.fixture
    def frame(self):
        pd = pytest.importorskip("pandas")
        values, series, _ = fixed_input()
        return pd.DataFrame({"a1": values[:, 0], "a2": values[:, 1], "series": series})

    def test_partitions_of_unknown_length_agree(self, frame):
        """A Dask DataFrame's partitions are numbered in order and agree with score_bulk."""
        dd = pytest.importorskip("dask.dataframe")
        with dask.config.set(scheduler="synchronous"):
            result = score_dask(
                two_indicator_rubric(), dd.from_pandas(frame, npartitions=3)
            )
        whole = score_bulk(two_indicator_rubric(), frame)
        assert result.unit_ids.tolist() == list(range(40))
        assert_same(result, whole)

    def test_bad_cells_name_rows_of_the_whole_frame(self, frame):
        """Rows in later partitions are numbered after the partitions before them."""
        dd = pytest.importorskip("dask.dataframe")
        frame.loc[2, "a2"] = -1.0
        frame.loc[38, "a1"] = 2.0
        with (
            dask.config.set(scheduler="synchronous"),
            pytest.raises(ValidationError) as caught,
        ):
            score_dask(two_indicator_rubric(), dd.from_pandas(frame, npartitions=4))
        assert [p.path for p in caught.value.problems] == [
            "table[2][a2]",
            "table[38][a1]",
        ]

    def test_blocks_beside_a_frame_are_refused(self, frame):
        """With a DataFrame, the series comes as a column, not a keyword."""
        dd = pytest.importorskip("dask.dataframe")
        with pytest.raises(ValidationError) as caught:
            score_dask(
                two_indicator_rubric(),
                dd.from_pandas(frame.drop(columns="a2"), npartitions=2),
                series=frame["series"],
            )
        assert [p.path for p in caught.value.problems] == ["series", "table[a2]"]


class TestOptionalExtra:
    def test_import_pbcheck_bulk_does_not_import_dask(self):
        """``import pbcheck`` and ``import pbcheck.bulk`` leave Dask unloaded."""
        code = (
            "import sys, pbcheck, pbcheck.bulk\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dask'))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "[]"

    def test_missing_dask_names_the_extra(self, monkeypatch):
        """Without Dask, importing pbcheck.bulk.dask says to install pbcheck[dask]."""
        for name in [m for m in sys.modules if m.split(".")[0] == "dask"]:
            monkeypatch.setitem(sys.modules, name, None)
        monkeypatch.setitem(sys.modules, "dask", None)
        monkeypatch.delitem(sys.modules, "pbcheck.bulk.dask")
        with pytest.raises(MissingExtraError, match=r'"pbcheck\[dask\]"') as caught:
            importlib.import_module("pbcheck.bulk.dask")
        assert caught.value.extra == "dask"


@pytest.fixture(scope="module")
def client():
    """Two worker processes, one thread each; the client closes before the cluster.

    Its tests come last in the module, so the cluster stops right after them.
    """
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


class TestLocalCluster:
    def test_blocks_are_scored_on_the_workers_and_agree(self, client):
        """On worker processes (the client is Dask's default) the result is score_bulk's."""
        from distributed import get_task_stream

        values, series, chunks = fixed_input()
        with get_task_stream(client) as stream:
            result = score_dask(
                two_indicator_rubric(),
                da.from_array(values, chunks=(chunks, 2)),
                series=series,
                grading=GradingPolicy.standard(),
            )
        scored = [t for t in stream.data if "_score_block" in str(t["key"])]
        assert len(scored) == len(chunks)
        assert {t["worker"] for t in scored} <= set(client.scheduler_info()["workers"])
        whole = score_bulk(
            two_indicator_rubric(),
            {"a1": values[:, 0], "a2": values[:, 1], "series": series},
            grading=GradingPolicy.standard(),
        )
        assert_same(result, whole)

    def test_bad_cells_in_two_blocks_come_back_in_one_error(self, client):
        """Problems found in worker processes are named with whole-array rows, by steps."""
        values, _, chunks = fixed_input()
        values[0, 0] = np.nan  # first block
        values[39, 1] = 60.0  # last block
        with pytest.raises(ValidationError, match=r"rows 0–39") as caught:
            score_dask(
                two_indicator_rubric(), da.from_array(values, chunks=(chunks, 2))
            )
        assert [p.path for p in caught.value.problems] == [
            "table[0][a1]",
            "table[39][a2]",
        ]
        assert [p.steps for p in caught.value.problems] == [
            ("table", 0, Id("a1")),
            ("table", 39, Id("a2")),
        ]
