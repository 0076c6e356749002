"""The fused kernel: every leaf of a row checked, scored and summed in one pass.

Optional (the ``jit`` extra, Numba; the kernels are in :mod:`._jit`).  The
NumPy kernel makes about a dozen passes over each block of rows (scale,
round, check back, compare with the limits, clip, weigh); compiled, the same
arithmetic runs once per cell while the row is in registers, several times
faster.  It computes exactly what :func:`pbcheck.bulk._kernel.read_leaves_float`
computes, and declines (returns the first row it cannot vouch for) when a
cell fails its fast check; the caller then scores the chunk with NumPy,
which names each problem or, for the rare valid cell the fast check is too
strict for (``v·u ≥ 2**52``), gives the answer.

One check differs in how, not in what.  NumPy tests that a value ``v`` is the
double nearest to ``k / u`` (``k = rint(v·u)``, ``u = 10**decimals``) by
dividing; division is the slowest step of a fused loop, so the kernel tests
the same without it.  ``v`` is a multiple of its ulp ``q``, and ``k/u``
cannot fall exactly half-way between two doubles (that takes 54 significant
bits, and ``k < 2**52``), so ``fl(k/u) == v`` exactly when
``|v·u − k| < u·q/2``.  ``e = v·u − k`` is a multiple of ``q`` far below
``2**53·q``, so one fused multiply-add gives it exactly, and ``u·q/2`` is ``u``
times a power of two: both sides are exact.  The property tests compare the
two checks on decimals and their ``nextafter`` neighbours.

Sums of a row's numerators are reassociated (Numba's ``reassoc`` flag, so the
loop vectorises): every term and partial sum is an integer below ``2**52``
(:meth:`FusedLeaves.exact_with` is checked first), where floating-point addition
is exact in any order.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any, Literal

import attrs
import numpy as np
from numpy.typing import NDArray

from pbcheck.bulk._plan import FLOAT_EXACT, LeafPlan
from pbcheck.errors import InvalidValueError, MissingExtraError

__all__ = [
    "ENGINES",
    "FUSED_MIN_ROWS",
    "Engine",
    "FusedLeaves",
    "available",
    "use_fused",
]

Engine = Literal["auto", "numpy", "numba"]
ENGINES: tuple[Engine, ...] = ("auto", "numpy", "numba")
#: ``engine="auto"`` fuses chunks of at least this many rows: below it, NumPy
#: is fast enough and importing Numba (a few tenths of a second) is not worth it.
FUSED_MIN_ROWS = 100_000


@cache
def _loaded() -> ModuleType | Exception:
    """The compiled kernels, or why they cannot be had."""
    try:
        from pbcheck.bulk import _jit  # noqa: PLC0415 - optional, slow to import
    except ImportError as exc:  # Numba missing, or too old for the NumPy installed
        return exc
    except RuntimeError as exc:  # e.g. Numba finds no writable cache directory
        return exc
    return _jit


def _kernels() -> ModuleType | None:
    """The compiled kernels, or ``None`` when Numba is missing or cannot load."""
    loaded = _loaded()
    return loaded if isinstance(loaded, ModuleType) else None


def available() -> bool:
    """Whether the fused kernel can run (Numba imports beside this NumPy)."""
    return _kernels() is not None


def use_fused(engine: object, rows: int) -> bool:
    """Whether to score *rows* with the fused kernel under *engine*.

    ``"auto"`` falls back to NumPy whenever the kernels cannot be had.

    Raises:
        InvalidValueError: *engine* is not one of :data:`ENGINES`, or is
            ``"numba"`` and Numba is installed but fails to load (for example
            with no writable cache directory).
        MissingExtraError: ``engine="numba"`` and Numba does not import.
    """
    if engine not in ENGINES:
        raise InvalidValueError(("engine",), engine, f"must be one of {list(ENGINES)}")
    if engine == "numpy":
        return False
    if engine == "numba":
        if _kernels() is None:
            failure = _loaded()
            if isinstance(failure, ImportError):
                raise MissingExtraError("jit", 'engine="numba"') from failure
            raise InvalidValueError(
                ("engine",),
                engine,
                f"cannot be used here: Numba failed to load ({failure})",
            )
        return True
    return rows >= FUSED_MIN_ROWS and _kernels() is not None


@attrs.frozen(eq=False)
class FusedLeaves:
    """The constants of a run of leaves, laid out for the fused kernels.

    ``constants``, one float64 array each (exact): unit, the largest ``k``
    allowed (1 for pass/fail), saturate, ``a``, ``b``, low, high.  Step
    columns score 0 in the affine pass and their step value in the step pass.
    """

    constants: tuple[NDArray[np.float64], ...]
    step_columns: NDArray[np.int64]
    thresholds: NDArray[np.float64]
    values: NDArray[np.float64]
    #: The largest ``|n|`` each leaf gives, to bound weighted sums.
    largest: tuple[int, ...]

    @classmethod
    def of(cls, leaves: Sequence[LeafPlan]) -> FusedLeaves:
        """The constants of *leaves* (of a plan exact in float64)."""
        stepped = [j for j, leaf in enumerate(leaves) if leaf.steps]
        width = max((len(leaves[j].steps) for j in stepped), default=0)
        # Padded with thresholds never reached, so a row of one shape serves all.
        thresholds = np.full((max(len(stepped), 1), max(width, 1)), np.inf)
        values = np.zeros((max(len(stepped), 1), max(width, 1) + 1))
        for s, j in enumerate(stepped):
            thresholds[s, : len(leaves[j].steps)] = leaves[j].steps
            values[s, : len(leaves[j].values)] = leaves[j].values
        constants = np.zeros((7, len(leaves)))
        for j, leaf in enumerate(leaves):
            limit = 1 if leaf.kind == "pass_fail" else leaf.limit
            affine = (
                (0, 0, 0, 0) if leaf.steps else (leaf.a, leaf.b, leaf.low, leaf.high)
            )
            constants[:, j] = (
                leaf.unit,
                np.inf if limit is None else limit,
                leaf.saturate,
                *affine,
            )
        largest = tuple(
            max(map(abs, leaf.values))
            if leaf.steps
            else max(abs(leaf.low), abs(leaf.high))
            for leaf in leaves
        )
        return cls(
            constants=tuple(np.ascontiguousarray(row) for row in constants),
            step_columns=np.asarray(stepped, dtype=np.int64),
            thresholds=thresholds,
            values=values,
            largest=largest,
        )

    @property
    def _tables(self) -> tuple[NDArray[Any], ...]:
        """The kernels' arguments after the block, in their order."""
        return (*self.constants, self.step_columns, self.thresholds, self.values)

    def exact_with(self, weights: Sequence[int]) -> bool:
        """Whether every partial weighted sum stays below ``2**52`` (exact in any order)."""
        return (
            sum(abs(int(w)) * m for w, m in zip(weights, self.largest, strict=True))
            < FLOAT_EXACT
        )

    def row_sums(
        self,
        block: NDArray[np.float64],
        weights: NDArray[np.float64],
        *,
        missing_is_zero: bool,
    ) -> NDArray[np.float64] | None:
        """Each row's ``Σ n·w``, or ``None`` when a cell fails the fast check."""
        kernels = _kernels()
        assert kernels is not None  # noqa: S101 - use_fused said yes
        out = np.empty(len(block))
        declined = kernels.row_sums(block, *self._tables, weights, missing_is_zero, out)
        return None if declined >= 0 else out

    def matrix(
        self,
        block: NDArray[np.float64],
        *,
        missing_is_zero: bool,
        out: NDArray[np.float64] | None = None,
    ) -> NDArray[np.float64] | None:
        """Every cell's numerator (into *out*), or ``None`` when a cell fails the check."""
        kernels = _kernels()
        assert kernels is not None  # noqa: S101 - use_fused said yes
        out = np.empty(block.shape) if out is None else out
        declined = kernels.matrix(block, *self._tables, missing_is_zero, out)
        return None if declined >= 0 else out
