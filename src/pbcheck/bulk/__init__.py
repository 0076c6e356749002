"""The columnar bulk path: N units × M indicators with NumPy, exactly (批量计分).

The exact path (:func:`pbcheck.score`) explains every point of one unit; this
path scores millions with the same :class:`~pbcheck.Rubric` and gives the
**same** answers: totals equal after the rubric's
:class:`~pbcheck.RoundingPolicy`, and the same ranks, grades and vetoes.  It
needs the ``bulk`` extra (``pip install "pbcheck[bulk]"``); ``import pbcheck``
never imports it.

Input layout
============

One row per unit (:class:`BulkTable`, :class:`BulkLayout`): one float column
per regular indicator holding the already-aggregated raw value its rule
consumes (0/1 for pass/fail, the score for a direct score, the measured value
for ratio-to-target and tiers, a whole count for the occurrence and
count rules); NaN means "not observed", which is refused — the exact path
refuses an indicator without a counted observation too.  Then one column per
bonus indicator (NaN or 0 claims nothing), an incident count per deduction
(per category for deductions ``by_category``), an incident count or 0/1 flag
per veto, and optional ``unit_id`` and ``series``.  Number columns are
decimals with at most ``decimals`` places (4 by default): each float must be
the double nearest to such a decimal, and is read as that decimal.

Outside the layout, refused with a :class:`~pbcheck.errors.ValidationError`
naming each reason: frequency rules (they count dated activities, which a
column of values does not hold) and any custom :class:`~pbcheck.model.rules.ValueRule`;
roll-ups other than the exact built-ins (``weighted_sum``, ``weighted_mean``,
``median``, ``minimum``, ``trimmed_mean``) — ``geometric_mean`` is inexact and
custom aggregators are opaque.  Several raters per indicator are combined
*before* the bulk path (see :func:`table_from_evaluations`).

Why the answers are exact, not nearly exact
===========================================

Every rule's attainment is a fixed rational function of its input, and the
input is an integer ``k`` (a count, a 0/1, or ``value × 10**decimals``).  The
rubric is compiled once (in :class:`~fractions.Fraction`) into integer
constants: attainment of each indicator = ``n / S`` with ``n`` an integer
computed as ``clip(a·k − b, low, high)`` or a step table, each section's
attainment is again an integer over its own scale (weighted sums with integer
factors ``share·S_section / S_child``; minimum, median and trimmed mean on
children brought to a common scale), and the total is an integer over one
common denominator ``D`` (the least common multiple of every denominator the
base, bonus, deductions, caps, floor and veto caps need).  The kernel then
computes with integers only: in binary64 when the compiler proves every
intermediate stays below 2**52 (where every integer, sum and product is exact
whatever order BLAS sums in), otherwise in Python integers (slower, still
exact).  Per-unit totals are int64 numerators over ``D``, rounded to the
policy's places by integer division with the same half-up (or half-even)
rule; ranks and grade thresholds compare those integers.  Nothing is
approximated, so agreement is a theorem of the compilation, and the property
tests check it on generated rubrics and data.

Chunks
======

:func:`score_chunk` is a pure function of its rows; :func:`iter_score` and
:func:`score_bulk_chunks` stream chunks with bounded memory, and
:func:`combine` ranks and grades across all chunks in a second, cheap pass
over a few numbers per unit.  Inside a chunk, rows are scored in blocks of
2048 so that temporaries stay in cache; when the plan is exact in float64,
each block is checked and scored in a few whole-block passes (a block that
fails the check is examined cell by cell).  ``threads=`` scores blocks in
parallel with the same result.

Data already in Dask goes to :func:`pbcheck.bulk.dask.score_dask` (the
``dask`` extra; ``import pbcheck.bulk`` never imports Dask): each row block
of a ``dask.array`` (or partition of a Dask DataFrame) is scored by
:func:`score_chunk` on Dask's current scheduler, only the per-unit integers
come back, and :func:`combine` ranks and grades once; problems of every
block come in one error, rows numbered in the whole input.

Two kernels
===========

With the ``jit`` extra (``pip install "pbcheck[bulk,jit]"``, Numba), a fused
kernel checks, scores and sums each row's cells in one compiled pass, several
times faster than the NumPy passes.  ``engine="auto"`` (the default) uses it
for chunks of 100,000 rows or more when Numba imports, ``"numba"`` always
(:class:`~pbcheck.errors.MissingExtraError` without it), ``"numpy"`` never.
The results are identical: the whole bulk test suite runs on each kernel.
The fused kernel only ever *declines* a chunk (a cell failing its fast
check); NumPy then scores that chunk and names every problem.  Its check is
the NumPy check without division (see the performance page of the docs).

>>> import numpy as np
>>> from pbcheck import GradingPolicy, Indicator, PassFail, Rubric, Section
>>> rubric = Rubric(
...     "r",
...     "1",
...     "细则",
...     [
...         Section(
...             "A", "常规", 100, indicators=[Indicator("a1", "台账", 100, PassFail())]
...         )
...     ],
... )
>>> result = score_bulk(
...     rubric,
...     {"a1": [1, 0, 1], "series": ["党群部门", "党群部门", "政府工作部门"]},
...     grading=GradingPolicy.standard(),
... )
>>> result.ranks.tolist(), [result.grade_labels[g] for g in result.grades]
([1, 2, 1], ['好', '差', '好'])
"""

from __future__ import annotations

try:
    import numpy as np  # noqa: F401 - fail early with a clear message
except ImportError as error:  # pragma: no cover - the extra is installed in tests
    from pbcheck.errors import MissingExtraError

    raise MissingExtraError("bulk", "the columnar bulk path (pbcheck.bulk)") from error

from pbcheck.bulk._plan import unsupported
from pbcheck.bulk._score import (
    BulkChunk,
    BulkResult,
    combine,
    iter_score,
    score_bulk_chunks,
    score_chunk,
)
from pbcheck.bulk._sets import score_bulk
from pbcheck.bulk._table import BulkLayout, BulkTable, table_from_evaluations

__all__ = [
    "BulkChunk",
    "BulkLayout",
    "BulkResult",
    "BulkTable",
    "combine",
    "iter_score",
    "score_bulk",
    "score_bulk_chunks",
    "score_chunk",
    "table_from_evaluations",
    "unsupported",
]
