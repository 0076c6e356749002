"""The fused kernel (engine="numba"): its fast check, its choice, its fallback.

Agreement of its answers with the exact path is proved by the whole bulk suite,
which runs once per kernel (the ``bulk_engine`` fixture); here, what only the
fused kernel has.
"""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pytest.importorskip("numba")

from pbcheck import (  # noqa: E402
    CountAtLeast,
    DirectScore,
    Indicator,
    RatioToTarget,
    Rubric,
    Section,
)
from pbcheck.bulk import _fused, score_bulk, score_chunk  # noqa: E402
from pbcheck.bulk._plan import compile_plan  # noqa: E402
from pbcheck.errors import InvalidValueError, MissingExtraError  # noqa: E402


def measured_rubric():
    """One number column with no upper limit, one count column."""
    return Rubric(
        "r", "1", "细则",
        [Section("A", "常规", 100, indicators=[
            Indicator("ratio", "完成率", 60, RatioToTarget(85)),
            Indicator("count", "活动次数", 40, CountAtLeast(4)),
        ])],
    )  # fmt: skip


def division_check(value: float, unit: float) -> bool:
    """The NumPy kernel's check: ``v`` is the double nearest to ``rint(v·u) / u``."""
    k = np.rint(value * unit)
    return bool(k / unit == value) and value >= 0 and k < 2**52


def fast_check(value: float, decimals: int) -> bool:
    """Whether the fused kernel accepts *value* in a number column."""
    leaves = _fused.FusedLeaves.of(compile_plan(measured_rubric(), decimals).leaves)
    block = np.array([[value, 0.0]])
    return leaves.row_sums(block, np.ones(2), missing_is_zero=False) is not None


def neighbours(value: float) -> list[float]:
    """*value* and the doubles on either side of it."""
    return [math.nextafter(value, -math.inf), value, math.nextafter(value, math.inf)]


class TestFastCheck:
    @given(
        st.integers(0, 10**9),
        st.integers(0, 6),
        st.integers(0, 6),
    )
    def test_accepts_exactly_what_division_accepts_near_decimals(
        self, numerator, places, decimals
    ):
        """Decimals and their nextafter neighbours: the two checks agree on each."""
        unit = 10.0**decimals
        for value in neighbours(numerator / 10**places):
            assert fast_check(value, decimals) == division_check(value, unit), value

    @given(st.floats(min_value=0, max_value=2**60) | st.floats(), st.integers(0, 6))
    def test_accepts_exactly_what_division_accepts_anywhere(self, value, decimals):
        """Any double at all, NaN, infinities, negatives and subnormals included."""
        assert fast_check(value, decimals) == division_check(value, 10.0**decimals)

    def test_every_decimal_of_a_grid_is_accepted_and_its_neighbours_are_not(self):
        """0.0000 to 99.9999 in steps of 0.0001 (four places): the exact grid."""
        leaves = _fused.FusedLeaves.of(compile_plan(measured_rubric(), 4).leaves)
        grid = np.arange(1_000_000) / 10**4
        block = np.stack([grid, np.zeros_like(grid)], axis=1)
        assert leaves.row_sums(block, np.ones(2), missing_is_zero=False) is not None
        for step in (np.inf, -np.inf):
            moved = block.copy()
            moved[1:, 0] = np.nextafter(grid[1:], step)
            kept = [
                leaves.row_sums(moved[i : i + 1], np.ones(2), missing_is_zero=False)
                is not None
                for i in range(1, len(grid), 9973)
            ]
            assert not any(kept)


class TestEngineChoice:
    def test_auto_fuses_large_chunks_only(self, monkeypatch):
        """``engine="auto"`` takes the fused kernel from FUSED_MIN_ROWS rows on."""
        calls = []
        original = _fused.FusedLeaves.row_sums

        def counted(self, *args, **kwargs):
            calls.append(len(args[0]))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(_fused.FusedLeaves, "row_sums", counted)
        monkeypatch.setattr(_fused, "FUSED_MIN_ROWS", 3)
        rubric = measured_rubric()
        score_chunk(rubric, np.ones((2, 2)))
        assert calls == []
        score_chunk(rubric, np.ones((3, 2)))
        assert calls == [3]
        score_chunk(rubric, np.ones((2, 2)), engine="numba")
        assert calls == [3, 2]
        score_chunk(rubric, np.ones((3, 2)), engine="numpy")
        assert calls == [3, 2]

    def test_unknown_engine_is_refused_by_name(self):
        with pytest.raises(InvalidValueError, match=r"engine.*'numexpr'"):
            score_bulk(measured_rubric(), np.ones((1, 2)), engine="numexpr")

    def test_numba_without_numba_names_the_extra(self, monkeypatch):
        missing = ModuleNotFoundError("No module named 'numba'")
        monkeypatch.setattr(_fused, "_loaded", lambda: missing)
        with pytest.raises(MissingExtraError, match=r"pbcheck\[jit\]"):
            score_bulk(measured_rubric(), np.ones((1, 2)), engine="numba")
        # auto quietly keeps to NumPy
        monkeypatch.setattr(_fused, "FUSED_MIN_ROWS", 0)
        assert score_bulk(measured_rubric(), np.ones((1, 2))).total.tolist() == [
            score_bulk(measured_rubric(), np.ones((1, 2)), engine="numpy").total[0]
        ]

    def test_numba_that_fails_to_load_is_named_and_auto_keeps_to_numpy(
        self, monkeypatch
    ):
        """Installed but unusable (no writable cache directory): said, not hidden."""
        failure = RuntimeError("cannot cache function 'row_sums': no locator available")
        monkeypatch.setattr(_fused, "_loaded", lambda: failure)
        with pytest.raises(InvalidValueError, match=r"Numba failed to load \(cannot"):
            score_bulk(measured_rubric(), np.ones((1, 2)), engine="numba")
        monkeypatch.setattr(_fused, "FUSED_MIN_ROWS", 0)
        auto = score_bulk(measured_rubric(), np.ones((1, 2)))
        assert auto.total.tolist() == [
            score_bulk(measured_rubric(), np.ones((1, 2)), engine="numpy").total[0]
        ]


class TestFallback:
    @pytest.mark.parametrize("huge", [2**49, 10**20])
    def test_a_declined_chunk_is_scored_by_numpy_and_agrees(self, huge):
        """Values past the fast check's range are valid: NumPy scores them instead."""
        rubric = measured_rubric()
        table = np.array([[float(huge), float(huge)], [80.0, 3.0]])
        leaves = _fused.FusedLeaves.of(compile_plan(rubric, 4).leaves)
        assert leaves.row_sums(table, np.ones(2), missing_is_zero=False) is None
        fused = score_bulk(rubric, table, engine="numba")
        assert np.array_equal(
            fused.total, score_bulk(rubric, table, engine="numpy").total
        )
        assert fused.exact_total(0) == 100
        assert fused.exact_total(1) == Fraction(60 * 80, 85)  # 3 of 4: no points

    def test_bad_cells_are_named_as_numpy_names_them(self):
        """The fused kernel only declines; the problems come from the careful path."""
        rubric = Rubric(
            "r", "1", "细则",
            [Section("A", "常规", 100, indicators=[Indicator("a", "评分", 100, DirectScore())])],
        )  # fmt: skip
        table = np.array([[50.0], [0.1 + 0.2], [101.0], [-1.0]])
        messages = {}
        for engine in ("numpy", "numba"):
            with pytest.raises(Exception) as raised:  # noqa: PT011 - compared below
                score_bulk(rubric, table, engine=engine)
            messages[engine] = str(raised.value) + repr(raised.value.exceptions)
        assert messages["numba"] == messages["numpy"]
        assert "table[1][a]" in messages["numba"]
        assert "table[2][a]" in messages["numba"]
        assert "table[3][a]" in messages["numba"]
