"""The fused kernels, compiled by Numba (imported only through :mod:`._fused`).

Importing this module imports Numba and raises :class:`ImportError` when it
cannot.  See :mod:`pbcheck.bulk._fused` for what the kernels compute and why
their arithmetic is exact.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

__all__ = ["matrix", "row_sums"]

#: Beyond ``k = v·u`` of this size the fast check declines (NumPy decides).
_K_LIMIT = float(2**52)
#: ``2**(E - 53)`` is half an ulp of a double whose exponent bits alone are ``2**E``.
_HALF_ULP = 2.0**-53
_EXPONENT_BITS = 0x7FF0000000000000

_OPTIONS: dict[str, Any] = {"nogil": True, "cache": True, "boundscheck": False}


@intrinsic  # type: ignore[untyped-decorator]
def _fused_multiply_add(typingctx: object, a: Any, b: Any, c: Any) -> Any:  # noqa: ANN401, ARG001
    """``a·b + c`` rounded once (LLVM's ``fma``)."""

    def codegen(context: object, builder: Any, signature: object, args: Any) -> Any:  # noqa: ANN401, ARG001
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@intrinsic  # type: ignore[untyped-decorator]
def _binade(typingctx: object, x: Any) -> Any:  # noqa: ANN401, ARG001
    """``2**E`` for ``x = m·2**E`` with ``1 ≤ m < 2`` (0 for zero and subnormals)."""

    def codegen(context: object, builder: Any, signature: object, args: Any) -> Any:  # noqa: ANN401, ARG001
        bits = builder.bitcast(args[0], ir.IntType(64))
        exponent = builder.and_(bits, ir.Constant(ir.IntType(64), _EXPONENT_BITS))
        return builder.bitcast(exponent, ir.DoubleType())

    return types.float64(types.float64), codegen


@numba.njit(**_OPTIONS, inline="always")  # type: ignore[untyped-decorator]
def _cell(v: float, u: float, limit: float, missing_is_zero: bool) -> Any:  # noqa: ANN401
    """``(k, ok, missing)`` of one cell: ``k = rint(v·u)`` and its fast check."""
    missing = missing_is_zero and v != v  # noqa: PLR0124 - the NaN test
    v = 0.0 if missing else v
    k = np.rint(v * u)
    error = _fused_multiply_add(v, u, -k)
    ok = (
        ((error == 0.0) | (abs(error) < u * _binade(v) * _HALF_ULP))
        & (v >= 0.0)
        & (k <= limit)
        & (k < _K_LIMIT)
    )
    return k, ok, missing


@numba.njit(**_OPTIONS, inline="always")  # type: ignore[untyped-decorator]
def _affine(  # noqa: PLR0913, PLR0917 - a kernel's flat arguments
    k: float, saturate: float, a: float, b: float, low: float, high: float
) -> Any:  # noqa: ANN401
    """``clip(a·min(k, saturate) − b, low, high)``."""
    return min(max(a * min(k, saturate) - b, low), high)


@numba.njit(**_OPTIONS, inline="always")  # type: ignore[untyped-decorator]
def _stepped(k: float, thresholds: Any, values: Any, s: int) -> Any:  # noqa: ANN401
    """The value of step column *s* for ``k``: by how many thresholds it reaches."""
    reached = 0
    for r in range(thresholds.shape[1]):
        reached += k >= thresholds[s, r]
    return values[s, reached]


# The constants come as seven 1-D arrays: rows of one 2-D array (even
# unpacked before the loop) keep LLVM from vectorising it, four times slower.
# The two kernels spell out the same loop rather than share a row helper
# writing into a buffer: through a buffer the sums do not vectorise either.
@numba.njit(**_OPTIONS, fastmath={"reassoc"})  # type: ignore[untyped-decorator]
def row_sums(  # noqa: PLR0913, PLR0917 - a kernel's flat arguments
    block: Any,  # noqa: ANN401
    unit: Any,  # noqa: ANN401
    limit: Any,  # noqa: ANN401
    saturate: Any,  # noqa: ANN401
    a: Any,  # noqa: ANN401
    b: Any,  # noqa: ANN401
    low: Any,  # noqa: ANN401
    high: Any,  # noqa: ANN401
    step_columns: Any,  # noqa: ANN401
    thresholds: Any,  # noqa: ANN401
    values: Any,  # noqa: ANN401
    weights: Any,  # noqa: ANN401
    missing_is_zero: bool,
    out: Any,  # noqa: ANN401
) -> int:
    """Each row's ``Σ n·w`` into *out*; the first row that fails the check, or -1."""
    rows, columns = block.shape
    for i in range(rows):
        total = 0.0
        ok = True
        for j in range(columns):
            k, good, missing = _cell(block[i, j], unit[j], limit[j], missing_is_zero)
            ok &= good
            n = _affine(k, saturate[j], a[j], b[j], low[j], high[j])
            total += (0.0 if missing else n) * weights[j]
        if not ok:
            return i
        for s in range(len(step_columns)):
            j = step_columns[s]
            k, _, missing = _cell(block[i, j], unit[j], limit[j], missing_is_zero)
            n = _stepped(k, thresholds, values, s)
            total += (0.0 if missing else n) * weights[j]
        out[i] = total
    return -1


@numba.njit(**_OPTIONS)  # type: ignore[untyped-decorator]
def matrix(  # noqa: PLR0913, PLR0917 - a kernel's flat arguments
    block: Any,  # noqa: ANN401
    unit: Any,  # noqa: ANN401
    limit: Any,  # noqa: ANN401
    saturate: Any,  # noqa: ANN401
    a: Any,  # noqa: ANN401
    b: Any,  # noqa: ANN401
    low: Any,  # noqa: ANN401
    high: Any,  # noqa: ANN401
    step_columns: Any,  # noqa: ANN401
    thresholds: Any,  # noqa: ANN401
    values: Any,  # noqa: ANN401
    missing_is_zero: bool,
    out: Any,  # noqa: ANN401
) -> int:
    """Every cell's numerator into *out*; the first row that fails the check, or -1."""
    rows, columns = block.shape
    for i in range(rows):
        ok = True
        for j in range(columns):
            k, good, missing = _cell(block[i, j], unit[j], limit[j], missing_is_zero)
            ok &= good
            n = _affine(k, saturate[j], a[j], b[j], low[j], high[j])
            out[i, j] = 0.0 if missing else n
        if not ok:
            return i
        for s in range(len(step_columns)):
            j = step_columns[s]
            k, _, missing = _cell(block[i, j], unit[j], limit[j], missing_is_zero)
            n = _stepped(k, thresholds, values, s)
            out[i, j] = 0.0 if missing else n
    return -1
