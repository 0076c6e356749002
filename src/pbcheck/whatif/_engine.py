"""The simulation's engine: totals and both lists for many weight samples at once.

:func:`pbcheck.whatif.simulation.simulate` draws the weights and reports;
this module holds the rules of the lists in NumPy — the per-group top-k
selections of :func:`~pbcheck.outcomes.selection.bottom_list` and
:func:`~pbcheck.outcomes.selection.commendation_list`, with float ties
within a tolerance — for a chunk of samples at a time, units sorted by group.
NumPy is imported by the caller's first use (the ``bulk`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.whatif._common import overall

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["Engine"]

# Work on about this many (sample, unit) totals at a time: 8 MB per array.
_CHUNK_ELEMENTS = 1 << 20


@attrs.frozen
class _Group:
    """A contiguous run of units (after sorting by group) and its quotas."""

    start: int
    stop: int
    commend_limit: int
    bottom_limit: int | None


class Engine:
    """Totals and lists for a chunk of samples at a time, units sorted by group.

    Args:
        rubric: the rubric (its range and total points).
        policy: the outcome rules, already checked (``check_policy``).
        tolerance: totals closer than this (points) are tied.
        series: each unit's series.
        attain: N × S top-level section attainments.
        adjustment: per unit, bonus counted − deductions counted.
        cap: per unit, the lowest capping veto (``inf`` for none), or ``None``.
        disqualified: per unit, a disqualifying veto, or ``None``.
    """

    def __init__(  # noqa: PLR0913 - one argument per array of the season
        self,
        rubric: Rubric,
        policy: OutcomePolicy,
        tolerance: float,
        *,
        series: Sequence[str],
        attain: NDArray[np.float64],
        adjustment: NDArray[np.float64],
        cap: NDArray[np.float64] | None,
        disqualified: NDArray[np.bool_] | None,
    ) -> None:
        import numpy as np  # noqa: PLC0415

        self.policy = policy
        self.tol = tolerance
        self.floor = float(rubric.floor)
        self.max_total = float(rubric.max_total)
        # A vetoed unit's key is beyond every other unit's: it is always worse.
        self.big = 2 * (self.max_total - self.floor) + 1
        n = len(series)
        labels = ["全部"] * n if overall(policy) else list(series)
        names = list(dict.fromkeys(labels))
        index = {name: code for code, name in enumerate(names)}
        codes = np.array([index[label] for label in labels], dtype=np.int64)
        self.order = np.argsort(codes, kind="stable")
        self.inverse = np.empty_like(self.order)
        self.inverse[self.order] = np.arange(n)
        self.attain = attain[self.order] * float(rubric.total_points)
        self.adjustment = adjustment[self.order]
        self.cap = None if cap is None else cap[self.order]
        self.disq = (
            np.zeros(n, dtype=np.bool_)
            if disqualified is None
            else disqualified[self.order].copy()
        )
        sizes = np.bincount(codes, minlength=len(names)).tolist()
        self.groups = self._groups(names, sizes)

    def _groups(self, names: Sequence[str], sizes: Sequence[int]) -> list[_Group]:
        """Each group's run of sorted units and its two quotas."""
        groups: list[_Group] = []
        start = 0
        for name, size in zip(names, sizes, strict=True):
            bottom_quota = self.policy.bottom.quota_for(name)
            groups.append(
                _Group(
                    start,
                    start + size,
                    self.policy.commendation.quota_for(name).limit(size),
                    None if bottom_quota is None else bottom_quota.limit(size),
                )
            )
            start += size
        return groups

    def totals(self, shares: NDArray[np.float64]) -> NDArray[np.float64]:
        import numpy as np  # noqa: PLC0415

        totals = shares @ self.attain.T
        totals += self.adjustment
        np.clip(totals, self.floor, self.max_total, out=totals)
        if self.cap is not None:
            np.minimum(totals, self.cap, out=totals)
        return totals

    def run(
        self, shares: NDArray[np.float64], *, ranks: bool
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int32] | None, int]:
        """Commended and bottom counts per unit, ranks (K × N), tie samples."""
        import numpy as np  # noqa: PLC0415

        n = len(self.order)
        commended = np.zeros(n, dtype=np.int64)
        bottom = np.zeros(n, dtype=np.int64)
        all_ranks = np.empty((len(shares), n), dtype=np.int32) if ranks else None
        ties = 0
        step = max(1, _CHUNK_ELEMENTS // max(n, 1))
        for first in range(0, len(shares), step):
            totals = self.totals(shares[first : first + step])
            tie = np.zeros(len(totals), dtype=np.bool_)
            for group in self.groups:
                t = totals[:, group.start : group.stop]
                disq = self.disq[group.start : group.stop]
                key = np.where(disq, self.big - t, -t)  # larger is worse
                low, low_tie = self._bottom(t, key, disq, group.bottom_limit)
                top, top_tie = self._commended(t, disq, low, group.commend_limit)
                bottom[group.start : group.stop] += low.sum(axis=0)
                commended[group.start : group.stop] += top.sum(axis=0)
                tie |= low_tie | top_tie
                if all_ranks is not None:
                    self._ranks(key, all_ranks[first : first + len(t)], group)
            ties += int(tie.sum())
        if all_ranks is not None:
            all_ranks = all_ranks[:, self.inverse]
        return commended[self.inverse], bottom[self.inverse], all_ranks, ties

    def _bottom(
        self,
        t: NDArray[np.float64],
        key: NDArray[np.float64],
        disq: NDArray[np.bool_],
        limit: int | None,
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        import numpy as np  # noqa: PLC0415

        policy = self.policy.bottom
        chosen = np.zeros(t.shape, dtype=np.bool_)
        tie = np.zeros(len(t), dtype=np.bool_)
        # The units competing for the quota's places, as bottom_list decides:
        # vetoed units are handled by their veto unless the policy says
        # otherwise, and a group with too few has no bottom place.
        pool = np.ones(disq.shape, dtype=np.bool_)
        if not policy.vetoed_in_quota:
            pool = ~disq
            key = np.where(pool, key, -np.inf)
        size = int(pool.sum())
        if size < policy.min_group_size:
            limit = None
        elif limit is not None:
            limit = min(limit, size)
        if limit is not None and limit >= size:
            chosen[:] = pool
        elif limit is not None and limit > 0:
            # The limit-th worst key; all within tolerance of it tie with it.
            if limit == 1:
                worst = key.max(axis=1)
            else:
                worst = np.partition(key, size - limit, axis=1)[:, size - limit]
            cut = worst[:, None]
            chosen = key >= cut - self.tol
            tie = chosen.sum(axis=1) > limit
            if policy.ties == "spare" and tie.any():
                chosen = np.where(tie[:, None], key > cut + self.tol, chosen)
        if policy.below is not None:
            chosen |= t < float(policy.below) - self.tol
        if policy.vetoed:
            chosen |= disq
        return chosen, tie

    def _commended(
        self,
        t: NDArray[np.float64],
        disq: NDArray[np.bool_],
        bottom: NDArray[np.bool_],
        limit: int,
    ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
        import numpy as np  # noqa: PLC0415

        policy = self.policy.commendation
        eligible = np.broadcast_to(~disq, t.shape)
        if policy.exclude_bottom:
            eligible = eligible & ~bottom
        if policy.min_score is not None:
            eligible = eligible & (t >= float(policy.min_score) - self.tol)
        tie = np.zeros(len(t), dtype=np.bool_)
        if limit <= 0:
            return np.zeros(t.shape, dtype=np.bool_), tie
        if limit >= t.shape[1]:
            return np.array(eligible), tie
        masked = np.where(eligible, t, -np.inf)
        size = t.shape[1]
        if limit == 1:
            best = masked.max(axis=1)
        else:  # the limit-th best total among the eligible (−inf if fewer)
            best = np.partition(masked, size - limit, axis=1)[:, size - limit]
        cut = best[:, None]
        chosen = eligible & (t >= cut - self.tol)
        tie = chosen.sum(axis=1) > limit
        if tie.any():
            chosen = np.where(tie[:, None], eligible & (t > cut + self.tol), chosen)
        return chosen, tie

    def _ranks(
        self, key: NDArray[np.float64], out: NDArray[np.int32], group: _Group
    ) -> None:
        import numpy as np  # noqa: PLC0415

        # 1 + the units ahead by more than the tolerance: search the sorted
        # keys for each sorted key (in order, so the searches stay cheap),
        # then put the ranks back in the units' places.
        order = np.argsort(key, axis=1)
        ordered = np.take_along_axis(key, order, axis=1)
        ahead = np.empty(order.shape, dtype=np.int32)
        for row in range(len(key)):
            ahead[row] = np.searchsorted(
                ordered[row], ordered[row] - self.tol, side="left"
            )
        ahead += 1
        block = np.empty(order.shape, dtype=np.int32)
        np.put_along_axis(block, order, ahead, axis=1)
        out[:, group.start : group.stop] = block
