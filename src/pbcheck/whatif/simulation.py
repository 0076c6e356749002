"""What-if simulation (权重模拟): how stable are the lists when the weights move?

"How stable is the commendation list if the 70/30 split moves by ten points
either way?"  :func:`simulate` answers with thousands of re-scorings, and
:func:`sweep` with the exact weights at which the lists change.

**Why it is fast.**  With the indicator results fixed, a unit's total is
affine in the top-level weights before it is held within the rubric's range::

    total(w) = min(cap, clamp(T × Σₛ wₛ·aₛ + adjustment, floor, max_total))

(``wₛ`` the top-level shares, ``aₛ`` the unit's top-level section
attainments, ``T`` the total points, ``adjustment`` = bonus counted −
deductions counted, ``cap`` the lowest capping veto).  So K weight samples
for N units are one matrix product, and each list is a per-series top-k
selection.  Only the *top-level* weights move: every section below keeps its
shares, as :func:`pbcheck.whatif.reweight.reweight` does.

**Inputs.**  :class:`Attainments` holds the units' attainments as a float
matrix, either one column per top-level section (what
:meth:`Attainments.from_scorecards` builds; any aggregator may roll up the
levels below) or one column per regular indicator of the rubric (what a bulk
scorer produces; the levels below the top must then be weighted sums or
means, so that a section's attainment is a fixed combination of its
indicators').  The top-level roll-up must be a weighted sum or mean.

**Weights.**  :class:`Jitter` (each top-level weight ± up to *d* points,
uniformly, then renormalised), :class:`Dirichlet` (around the rubric's
weights) and :class:`WeightSets` (weights you give).  Random draws come from
``numpy.random.default_rng(seed)`` with ``seed`` = :data:`DEFAULT_SEED`
unless you pass another: the same call always gives the same result.

**Rules.**  The lists follow :func:`pbcheck.outcomes.season.assess_outcomes` without
ratings or accountability records: the bottom list (处于后位) by quota,
``below`` and vetoes, per series or overall, units tied at a quota's cut-off
spared (or included); the commendation list (评先评优) from the eligible units
— not vetoed, not at the bottom, at least ``min_score`` — up to the quota
(shares rounded down), units tied at the cut-off all left out.  Policies
with ``min_rating`` (they need ratings) or ``basis="rounded"`` ties are
refused, and :func:`simulate` needs both lists decided in the same groups
(both per series, or both over all units).  Rank spreads are competition
ranks within those groups.

**Ties in floating point.**  The exact path compares exact totals; the
simulation computes in float64, where two totals that are equal exactly may
differ in the last bits.  Totals within ``tolerance`` (default
:data:`DEFAULT_TOLERANCE`, 10⁻⁹ points) of each other are treated as tied —
and a total within it of a threshold (``min_score``, ``below``) as equal to
it — so exact ties are resolved exactly as the exact path resolves them.
Two totals that truly differ by less than the tolerance would be reported
tied; such differences are below what float64 can tell apart after a
product of this size anyway.  :attr:`SimulationResult.cutoff_ties` counts
the samples in which a tie at a cut-off decided a list.

**Sweeps are exact.**  :func:`sweep` moves one top-level weight across a
range (the others rescaled in proportion): each total is piecewise affine in
it, so every point at which two units of a series swap, or a total crosses a
threshold, is solved with :class:`~fractions.Fraction` (the reasoning of
:func:`pbcheck.whatif.reweight.swap_point`, for any number of sections), and the lists
on each interval are decided by :func:`~pbcheck.outcomes.selection.bottom_list` and
:func:`~pbcheck.outcomes.selection.commendation_list` themselves.

Needs the ``bulk`` extra (NumPy) for :func:`simulate` and
:class:`Attainments`; it is imported only when used.  :func:`sweep` on
scorecards needs nothing but pbcheck.

>>> from pbcheck.examples.small import org_tree
>>> rubric, evaluations = two_section_example()
>>> tree = org_tree({"政府工作部门": ["a", "b"]})
>>> cards = score_all(rubric, evaluations)
>>> result = sweep(rubric, cards, "常规", 50, 90, tree=tree)
>>> result.change_points
(Fraction(65, 1),)
>>> [(str(i), i.bottom) for i in result.intervals]
[('[50, 65)', ('a',)), ('[65, 65]', ()), ('(65, 90]', ('b',))]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from pbcheck._numbers import Exact, to_exact
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import (
    DuplicateIdError,
    InvalidValueError,
    MissingExtraError,
    UnknownReferenceError,
    _Problems,
)
from pbcheck.examples.small import two_section_example
from pbcheck.model.aggregation import WeightedMean, WeightedSum
from pbcheck.model.org import OrgTree, OrgUnit, UnitKind
from pbcheck.model.rubric import ROOT, Rubric
from pbcheck.outcomes.ranking import NO_SERIES
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.outcomes.selection import bottom_list, commendation_list
from pbcheck.scoring.engine import score_all
from pbcheck.scoring.scorecard import Scorecard, VetoFinding
from pbcheck.views.html import table, titled
from pbcheck.whatif.reweight import reweight

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from numpy.typing import NDArray

    from pbcheck.bulk import BulkResult

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "DEFAULT_TOLERANCE",
    "Attainments",
    "Dirichlet",
    "Jitter",
    "SimulationResult",
    "SimulationRow",
    "SweepInterval",
    "SweepResult",
    "WeightDistribution",
    "WeightSets",
    "simulate",
    "sweep",
]

#: The seed of every random draw unless another is passed (七一, 2025).
DEFAULT_SEED = 20250701
#: How many weight samples :class:`Jitter` and :class:`Dirichlet` draw by default.
DEFAULT_SAMPLES = 1000
#: Totals closer than this (in points) are tied in the simulation.
DEFAULT_TOLERANCE = 1e-9

# Work on about this many (sample, unit) totals at a time: 8 MB per array.
_CHUNK_ELEMENTS = 1 << 20

_FEATURE = "what-if simulation (pbcheck.whatif.simulation)"


def _require_numpy() -> None:
    try:
        import numpy as np  # noqa: F401, PLC0415 - the bulk extra, imported on use
    except ImportError as exc:
        raise MissingExtraError("bulk", _FEATURE) from exc


# -- inputs -------------------------------------------------------------------


def _float_array(value: object) -> NDArray[np.float64]:
    _require_numpy()
    import numpy as np  # noqa: PLC0415

    array = np.array(value, dtype=np.float64)
    array.setflags(write=False)
    return array


def _optional_float_array(value: object) -> NDArray[np.float64] | None:
    return None if value is None else _float_array(value)


def _optional_bool_array(value: object) -> NDArray[np.bool_] | None:
    if value is None:
        return None
    _require_numpy()
    import numpy as np  # noqa: PLC0415

    array = np.array(value, dtype=np.bool_)
    array.setflags(write=False)
    return array


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(eq=False)
class Attainments:
    """A season's attainments as arrays: the input of :func:`simulate`.

    Arrays are copied and made read-only.  ``matrix`` has one row per unit;
    its ``columns`` are either the rubric's top-level section ids (the
    section attainments, ``SectionScore.attainment``) or all of its regular
    indicator ids (indicator attainments, ``points / max_points``; the
    levels below the top must then be weighted sums or means).

    Args:
        unit_ids: one id per row, unique.
        series: each unit's series (系列), the group in which lists are
            decided; :data:`~pbcheck.outcomes.ranking.NO_SERIES` for none.
        matrix: N × M attainments in ``[0, 1]``.
        adjustment: per unit, bonus counted − deductions counted (points).
        columns: what the M columns are (section or indicator ids).
        cap: per unit, the lowest capping veto (``inf`` for none); ``None``
            for no caps at all.
        disqualified: per unit, a disqualifying veto (一票否决); ``None`` for
            none.

    Raises:
        ValidationError: every problem at once — lengths that disagree,
            duplicate ids or columns, attainments outside ``[0, 1]``,
            values that are not finite.

    >>> table = Attainments(
    ...     unit_ids=["a", "b"],
    ...     series=["党群部门", "党群部门"],
    ...     matrix=[[0.9, 0.5], [0.83, 0.63]],
    ...     adjustment=[0, 0],
    ...     columns=["常规", "服务"],
    ... )
    >>> len(table), table.matrix.shape
    (2, (2, 2))
    """

    unit_ids: tuple[str, ...] = attrs.field(converter=_strings)
    series: tuple[str, ...] = attrs.field(converter=_strings)
    matrix: NDArray[np.float64] = attrs.field(converter=_float_array)
    adjustment: NDArray[np.float64] = attrs.field(converter=_float_array)
    columns: tuple[str, ...] = attrs.field(converter=_strings)
    cap: NDArray[np.float64] | None = attrs.field(
        default=None, converter=_optional_float_array
    )
    disqualified: NDArray[np.bool_] | None = attrs.field(
        default=None, converter=_optional_bool_array
    )

    def __attrs_post_init__(self) -> None:
        import numpy as np  # noqa: PLC0415

        problems = _Problems("invalid attainments")
        n = len(self.unit_ids)
        seen: set[str] = set()
        for index, unit_id in enumerate(self.unit_ids):
            if unit_id in seen:
                problems.add(
                    DuplicateIdError(f"unit_ids[{index}]", unit_id, "is given twice")
                )
            seen.add(unit_id)
        if len(set(self.columns)) != len(self.columns):
            problems.add(
                DuplicateIdError("columns", list(self.columns), "must be unique")
            )
        if len(self.series) != n:
            problems.add(
                InvalidValueError(
                    "series", len(self.series), f"must have one entry per unit ({n})"
                )
            )
        shape = (n, len(self.columns))
        if self.matrix.shape != shape:
            problems.add(
                InvalidValueError(
                    "matrix",
                    self.matrix.shape,
                    f"must be units × columns, {shape}",
                )
            )
        elif not (inside := (self.matrix >= 0) & (self.matrix <= 1)).all():
            row, column = np.argwhere(~inside)[0]
            problems.add(
                InvalidValueError(
                    f"matrix[{self.unit_ids[row]}, {self.columns[column]}]",
                    float(self.matrix[row, column]),
                    "must lie within [0, 1]",
                )
            )
        for name in ("adjustment", "cap", "disqualified"):
            array = getattr(self, name)
            if array is not None and array.shape != (n,):
                problems.add(
                    InvalidValueError(
                        name, array.shape, f"must have one entry per unit ({n},)"
                    )
                )
        if self.adjustment.shape == (n,) and not np.all(np.isfinite(self.adjustment)):
            problems.add(InvalidValueError("adjustment", "nan/inf", "must be finite"))
        if self.cap is not None and np.any(np.isnan(self.cap)):
            problems.add(
                InvalidValueError("cap", "nan", "must be a number or inf (no cap)")
            )
        problems.raise_if_any()

    def __len__(self) -> int:
        return len(self.unit_ids)

    @classmethod
    def from_bulk(cls, result: BulkResult) -> Attainments:
        """The arrays of a :func:`pbcheck.bulk.score_bulk` result, for national-scale studies.

        The columns are the rubric's regular indicators (so its levels below
        the top must roll up by weighted sum or mean); the result must keep
        its attainment matrix (``keep_attainment=True``, the default).

        Raises:
            InvalidValueError: the result was scored without its attainment matrix.

        >>> from pbcheck.bulk import score_bulk, table_from_evaluations
        >>> from pbcheck.examples.small import org_tree
        >>> rubric, evaluations = two_section_example()
        >>> tree = org_tree({"党群部门": ["a", "b"]})
        >>> table = table_from_evaluations(rubric, evaluations, tree=tree)
        >>> bulk = Attainments.from_bulk(score_bulk(rubric, table))
        >>> exact = Attainments.from_scorecards(
        ...     rubric, score_all(rubric, evaluations), tree
        ... )
        >>> result = simulate(rubric, bulk, Jitter(10), samples=50)
        >>> result.commended.tolist() == simulate(
        ...     rubric, exact, Jitter(10), samples=50
        ... ).commended.tolist()
        True
        """
        from pbcheck.bulk import BulkLayout  # noqa: PLC0415 - needs NumPy, like this class

        if result.attainment is None:
            raise InvalidValueError(
                "result.attainment",
                None,
                "was not kept: score with keep_attainment=True to simulate",
            )
        return cls(
            unit_ids=[str(u) for u in result.unit_ids.tolist()],
            series=[str(s) for s in result.series.tolist()],
            matrix=result.attainment,
            adjustment=result.as_float("adjustment"),
            columns=BulkLayout.of(result.rubric).indicators,
            cap=result.as_float("veto_cap"),
            disqualified=result.disqualified,
        )

    @classmethod
    def from_scorecards(
        cls, rubric: Rubric, scorecards: Iterable[Scorecard], tree: OrgTree
    ) -> Attainments:
        """The exact path's scorecards as arrays: top-level section attainments.

        Units appear in the order given; their series come from *tree*.

        Raises:
            ValidationError: a scorecard of another rubric, or of a unit
                that is not in *tree*.

        >>> from pbcheck.examples.small import org_tree
        >>> rubric, evaluations = two_section_example()
        >>> cards = score_all(rubric, evaluations)
        >>> table = Attainments.from_scorecards(
        ...     rubric, cards, org_tree({"党群部门": ["a", "b"]})
        ... )
        >>> table.columns, table.matrix.tolist()
        (('常规', '服务'), [[0.9, 0.5], [0.83, 0.63]])
        """
        cards = tuple(scorecards)
        _check_cards(rubric, cards, tree)
        columns = tuple(section.id for section in rubric.sections)
        caps = [
            min((f.cap for f in card.vetoes if f.cap is not None), default=math.inf)
            for card in cards
        ]
        return cls(
            unit_ids=[card.unit_id for card in cards],
            series=[tree[card.unit_id].series or NO_SERIES for card in cards],
            matrix=[
                [float(card.sections[column].attainment) for column in columns]
                for card in cards
            ],
            adjustment=[
                float(card.bonus_counted - card.deductions_counted) for card in cards
            ],
            columns=columns,
            cap=caps if any(c != math.inf for c in caps) else None,
            disqualified=[card.disqualified for card in cards],
        )

    def loadings(self, rubric: Rubric) -> NDArray[np.float64]:
        """M × S: how each column enters the rubric's top-level sections.

        The identity for section columns; for indicator columns, each
        indicator's share of its top-level section's points.

        Raises:
            InvalidValueError: the columns are neither every top-level
                section nor every regular indicator of *rubric*, or a level
                below the top is not a weighted sum or mean.

        >>> rubric, _ = two_section_example()
        >>> table = Attainments(["a"], ["党群部门"], [[1.0, 0.5]], [0], ["R", "F"])
        >>> table.loadings(rubric).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        import numpy as np  # noqa: PLC0415

        sections = [section.id for section in rubric.sections]
        out = np.zeros((len(self.columns), len(sections)))
        if set(self.columns) == set(sections) and len(self.columns) == len(sections):
            for row, column in enumerate(self.columns):
                out[row, sections.index(column)] = 1.0
            return out
        indicators = [indicator.id for indicator in rubric.indicators()]
        if set(self.columns) != set(indicators) or len(self.columns) != len(indicators):
            raise InvalidValueError(
                "attainments.columns",
                list(self.columns[:5]) + (["…"] if len(self.columns) > 5 else []),
                f"must be the top-level sections {sections} or all "
                f"{len(indicators)} regular indicators of rubric {rubric.id!r}",
            )
        by_id = rubric.sections_by_id()
        top_of: dict[str, int] = {}
        for index, section_id in enumerate(sections):
            for node in _descendants(rubric, section_id):
                top_of[node] = index
                section = by_id.get(node)
                if section is not None and not isinstance(
                    section.aggregator, WeightedSum | WeightedMean
                ):
                    raise InvalidValueError(
                        f"rubric.sections[{node}].aggregator",
                        section.aggregator.name,
                        "indicator attainments need weighted sums or means below "
                        "the top level; give top-level section attainments instead",
                    )
        for row, column in enumerate(self.columns):
            top = top_of[column]
            points = rubric.points_of(sections[top])
            if points:
                out[row, top] = float(rubric.points_of(column) / points)
        return out


def _descendants(rubric: Rubric, node_id: str) -> Iterable[str]:
    yield node_id
    node = rubric._nodes.get(node_id)  # noqa: SLF001 - the rubric's own plan
    for child in node.children if node is not None else ():
        yield from _descendants(rubric, child)


def _check_cards(rubric: Rubric, cards: Sequence[Scorecard], tree: OrgTree) -> None:
    problems = _Problems("invalid scorecards for simulation")
    seen: set[str] = set()
    for card in cards:
        path = f"scorecards[{card.unit_id}]"
        if (card.rubric_id, card.rubric_version) != (rubric.id, rubric.version):
            problems.add(
                InvalidValueError(
                    f"{path}.rubric_id",
                    f"{card.rubric_id} {card.rubric_version}",
                    f"must come from rubric {rubric.id} {rubric.version}",
                )
            )
        if card.unit_id in seen:
            problems.add(DuplicateIdError(path, card.unit_id, "has two scorecards"))
        seen.add(card.unit_id)
        if card.unit_id not in tree:
            problems.add(
                UnknownReferenceError(
                    f"{path}.unit_id", card.unit_id, "names no unit in the org tree"
                )
            )
    problems.raise_if_any()


# -- weights ------------------------------------------------------------------


def _check_rubric(rubric: Rubric) -> None:
    if not isinstance(rubric.aggregator, WeightedSum | WeightedMean):
        raise InvalidValueError(
            "rubric.aggregator",
            rubric.aggregator.name,
            "the top level must be a weighted sum (or mean): otherwise totals are "
            "not affine in the weights",
        )


def _basis(rubric: Rubric) -> Fraction:
    return rubric.total_points if rubric.weighting == "points" else Fraction(100)


def _shares(rubric: Rubric) -> list[Fraction]:
    """The top-level sections' shares of the total, summing to 1."""
    return [rubric.points_of(s.id) / rubric.total_points for s in rubric.sections]


@runtime_checkable
class WeightDistribution(Protocol):
    """Where weight samples come from; :class:`Jitter` is one.

    pbcheck calls :meth:`draw` once per simulation with the rubric, the
    number of samples asked for (``None``: the distribution's default) and a
    seeded :class:`numpy.random.Generator`; it takes every random number from
    that generator, so results are reproducible.

    >>> isinstance(Jitter(10), WeightDistribution)
    True
    """

    def draw(
        self, rubric: Rubric, count: int | None, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """K × S shares of the top-level sections, each row summing to 1.

        >>> import numpy as np
        >>> rubric, _ = two_section_example()
        >>> Jitter(10).draw(rubric, 2, np.random.default_rng(1)).sum(axis=1)
        array([1., 1.])
        """
        ...


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise InvalidValueError(attribute.name, value, "must be finite and ≥ 0")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise InvalidValueError(attribute.name, value, "must be finite and > 0")


def _count(count: int | None) -> int:
    if count is None:
        return DEFAULT_SAMPLES
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidValueError("samples", count, "must be a whole number ≥ 1")
    return count


@attrs.frozen
class Jitter:
    """Each top-level weight moves by up to ± *points*, uniformly, independently.

    Weights are taken as the rubric writes them (points, or percent with
    ``weighting="percent"``); a weight pushed below 0 is held at 0; each
    sample is then rescaled to the rubric's basis.  On a 70/30 rubric,
    ``Jitter(10)`` gives the first section between 60 and 80.

    Args:
        points: the largest move of each weight (default 10).

    >>> import numpy as np
    >>> rubric, _ = two_section_example()
    >>> shares = Jitter(10).draw(rubric, 1000, np.random.default_rng(7))
    >>> bool(shares[:, 0].min() >= 0.6), bool(shares[:, 0].max() <= 0.8)
    (True, True)
    """

    points: float = attrs.field(default=10.0, converter=float, validator=_non_negative)

    def draw(
        self, rubric: Rubric, count: int | None, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """K × S shares; see the class."""
        import numpy as np  # noqa: PLC0415

        basis = float(_basis(rubric))
        weights = np.array([float(s) * basis for s in _shares(rubric)])
        moves = rng.uniform(-self.points, self.points, (_count(count), len(weights)))
        jittered = np.maximum(weights + moves, 0.0)
        sums = jittered.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise InvalidValueError(
                "jitter.points", self.points, "can push every weight to 0"
            )
        result: NDArray[np.float64] = jittered / sums
        return result


@attrs.frozen
class Dirichlet:
    """Shares drawn from a Dirichlet distribution centred on the rubric's.

    The parameters are ``concentration × share`` of each top-level section,
    so the mean is the rubric's weighting and a larger *concentration* keeps
    the samples closer to it: a share ``p`` has standard deviation
    ``√(p(1 − p) / (concentration + 1))`` — about 4.6 points for 70% with the
    default 100.  Sections weighted 0 stay at 0.

    Args:
        concentration: how tightly samples gather round the rubric's weights.

    >>> import numpy as np
    >>> rubric, _ = two_section_example()
    >>> shares = Dirichlet(100).draw(rubric, 4000, np.random.default_rng(7))
    >>> round(float(shares[:, 0].mean()), 2)
    0.7
    """

    concentration: float = attrs.field(
        default=100.0, converter=float, validator=_positive
    )

    def draw(
        self, rubric: Rubric, count: int | None, rng: np.random.Generator
    ) -> NDArray[np.float64]:
        """K × S shares; see the class."""
        import numpy as np  # noqa: PLC0415

        shares = np.array([float(s) for s in _shares(rubric)])
        positive = shares > 0
        out = np.zeros((_count(count), len(shares)))
        out[:, positive] = rng.dirichlet(
            self.concentration * shares[positive], len(out)
        )
        return out


def _weight_sets(
    value: Iterable[Mapping[str, Exact]],
) -> tuple[Mapping[str, Exact], ...]:
    return tuple(dict(item) for item in value)


@attrs.frozen
class WeightSets:
    """Weights you give: each set maps every top-level section to its weight.

    Each set is checked and converted by :func:`pbcheck.whatif.reweight.reweight`:
    exact numbers only, every section named, summing to the basis unless
    *normalise*.  All sets are scored, in order; no random numbers are used.

    Args:
        sets: e.g. ``[{"常规": 60, "服务": 40}, {"常规": 80, "服务": 20}]``.
        normalise: rescale each set to the basis first (``6 / 4`` → 60 / 40).

    >>> import numpy as np
    >>> rubric, _ = two_section_example()
    >>> WeightSets([{"常规": 60, "服务": 40}]).draw(rubric, None, None).tolist()
    [[0.6, 0.4]]
    """

    sets: tuple[Mapping[str, Exact], ...] = attrs.field(converter=_weight_sets)
    normalise: bool = False

    def draw(
        self, rubric: Rubric, count: int | None, rng: np.random.Generator | None
    ) -> NDArray[np.float64]:
        """K × S shares, one row per set, exactly rounded from the exact shares."""
        import numpy as np  # noqa: PLC0415

        if count is not None and count != len(self.sets):
            raise InvalidValueError(
                "samples",
                count,
                f"WeightSets scores its {len(self.sets)} sets; leave samples=None",
            )
        if not self.sets:
            raise InvalidValueError("sets", [], "give at least one weight set")
        return np.array(
            [
                [
                    float(s)
                    for s in _shares(
                        reweight(rubric, weights, normalise=self.normalise)
                    )
                ]
                for weights in self.sets
            ]
        )


# -- the simulation -------------------------------------------------------------


@attrs.frozen
class SimulationRow:
    """One unit's result over all samples.

    Args:
        unit_id: the unit.
        series: its series.
        commended: the share of samples in which it was commended.
        bottom: the share of samples in which it was at the bottom.
        baseline_commended: commended under the rubric's own weights.
        baseline_bottom: at the bottom under the rubric's own weights.
        baseline_rank: its rank in its series under the rubric's weights.
        rank_min: its best rank over the samples (``None`` if ranks were
            not computed); ranks are competition ranks (1 + units strictly
            ahead, vetoed units after the others) within the group in which
            the lists are decided: the series, or all units with
            ``group_by="all"``.
        rank_q1: the first quartile of its ranks.
        rank_median: the median rank.
        rank_q3: the third quartile.
        rank_max: its worst rank.

    >>> SimulationRow("a", "党群部门", 0.25, 0.0, False, False, 2).rank_min is None
    True
    """

    unit_id: str
    series: str
    commended: float
    bottom: float
    baseline_commended: bool
    baseline_bottom: bool
    baseline_rank: int
    rank_min: int | None = None
    rank_q1: float | None = None
    rank_median: float | None = None
    rank_q3: float | None = None
    rank_max: int | None = None

    @property
    def ranks(self) -> str:
        """The rank spread as text, e.g. ``1–2–4`` (best, median, worst)."""
        if self.rank_min is None:
            return ""
        return f"{self.rank_min}–{self.rank_median:g}–{self.rank_max}"


_SPREAD = ("rank_min", "rank_q1", "rank_median", "rank_q3", "rank_max")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


@attrs.frozen(repr=False, eq=False)
class SimulationResult:
    """What :func:`simulate` found: per unit, how often each list took it.

    ``repr`` is one terminal line, ``print`` gives the table of the units
    ever on a list (:meth:`lines`), a notebook shows it as HTML, :meth:`rows`
    gives every unit and :meth:`to_frame` a DataFrame.  The per-unit arrays
    are in the input order.

    Args:
        rubric_id: the rubric simulated.
        distribution: the weight distribution, as its ``repr``.
        seed: the seed of the random draws.
        tolerance: totals closer than this were tied.
        section_ids: the top-level sections, in the rubric's order.
        weights: K × S sampled weights, in the rubric's basis (points or %).
        unit_ids: the units.
        series: each unit's series.
        commended: per unit, the share of samples that commended it.
        bottom: per unit, the share of samples that put it at the bottom.
        baseline_commended: per unit, commended under the rubric's weights.
        baseline_bottom: per unit, at the bottom under the rubric's weights.
        baseline_rank: per unit, its rank under the rubric's weights.
        rank_spread: N × 5 (best, first quartile, median, third quartile,
            worst rank), or ``None`` if ranks were not computed.
        cutoff_ties: samples in which a tie at a cut-off decided a list.

    >>> result = simulate(*_doc_example(), Jitter(10), samples=200)
    >>> result.commended.tolist(), result.bottom.tolist()
    ([0.0, 0.0], [0.115, 0.885])
    >>> print(result)
    权重模拟：Jitter(points=10.0)，200 次抽样，2 个单位（权重范围 常规 61.0–79.5，服务 20.5–39.0）
      系列  单位  表彰概率  后位概率  基准  名次（最好–中位–最差）
      政府工作部门  a  0.0%  11.5%  1–1–2
      政府工作部门  b  0.0%  88.5%  后位  1–2–2
    """

    rubric_id: str
    distribution: str
    seed: int | None
    tolerance: float
    section_ids: tuple[str, ...]
    weights: NDArray[np.float64]
    unit_ids: tuple[str, ...]
    series: tuple[str, ...]
    commended: NDArray[np.float64]
    bottom: NDArray[np.float64]
    baseline_commended: NDArray[np.bool_]
    baseline_bottom: NDArray[np.bool_]
    baseline_rank: NDArray[np.int32]
    rank_spread: NDArray[np.float64] | None
    cutoff_ties: int

    @property
    def samples(self) -> int:
        """How many weight samples were scored (K)."""
        return int(self.weights.shape[0])

    def _rows(self, indices: Iterable[int]) -> tuple[SimulationRow, ...]:
        out = []
        for i in indices:
            spread: list[Any] = [None] * 5
            if self.rank_spread is not None:
                low, q1, median, q3, high = self.rank_spread[i].tolist()
                spread = [int(low), q1, median, q3, int(high)]
            out.append(
                SimulationRow(
                    self.unit_ids[i],
                    self.series[i],
                    float(self.commended[i]),
                    float(self.bottom[i]),
                    bool(self.baseline_commended[i]),
                    bool(self.baseline_bottom[i]),
                    int(self.baseline_rank[i]),
                    *spread,
                )
            )
        return tuple(out)

    def rows(self) -> tuple[SimulationRow, ...]:
        """One row per unit, in the input order.

        >>> result = simulate(*_doc_example(), WeightSets([{"常规": 60, "服务": 40}]))
        >>> [(r.unit_id, r.bottom) for r in result.rows()][:2]
        [('a', 1.0), ('b', 0.0)]
        """
        return self._rows(range(len(self.unit_ids)))

    def unstable(self) -> tuple[SimulationRow, ...]:
        """Rows whose place on either list differs between samples or baseline.

        >>> simulate(*_doc_example(), Jitter(10), samples=20).unstable()[0].unit_id
        'a'
        """
        import numpy as np  # noqa: PLC0415

        moving = (
            ((self.commended > 0) & (self.commended < 1))
            | ((self.bottom > 0) & (self.bottom < 1))
            | (self.baseline_commended != (self.commended == 1))
            | (self.baseline_bottom != (self.bottom == 1))
        )
        return self._rows(np.flatnonzero(moving).tolist())

    def _shown(self) -> tuple[SimulationRow, ...]:
        import numpy as np  # noqa: PLC0415

        ever = (
            (self.commended > 0)
            | (self.bottom > 0)
            | self.baseline_commended
            | self.baseline_bottom
        )
        series = list(dict.fromkeys(self.series))
        rows = self._rows(np.flatnonzero(ever).tolist())
        return tuple(
            sorted(rows, key=lambda r: (series.index(r.series), -r.commended, r.bottom))
        )

    def _table(self) -> list[list[str]]:
        return [
            [
                row.series,
                row.unit_id,
                _percent(row.commended),
                _percent(row.bottom),
                ("表彰" if row.baseline_commended else "")
                + ("后位" if row.baseline_bottom else ""),
                row.ranks,
            ]
            for row in self._shown()
        ]

    _HEADERS = (
        "系列",
        "单位",
        "表彰概率",
        "后位概率",
        "基准",
        "名次（最好–中位–最差）",
    )

    def _title(self) -> str:
        weights = "，".join(
            f"{sid} {low:.1f}–{high:.1f}"
            for sid, low, high in zip(
                self.section_ids,
                self.weights.min(axis=0),
                self.weights.max(axis=0),
                strict=True,
            )
        )
        return (
            f"权重模拟：{self.distribution}，{self.samples} 次抽样，"
            f"{len(self.unit_ids)} 个单位（权重范围 {weights}）"
        )

    def lines(self) -> list[str]:
        """The title, then one line per unit ever on a list (or on one at baseline)."""
        out = [self._title()]
        out.append("  " + "  ".join(self._HEADERS))
        out.extend(
            "  " + "  ".join(cell for cell in row if cell) for row in self._table()
        )
        if self.cutoff_ties:
            out.append(
                f"  其中 {self.cutoff_ties} 次抽样在名额线上出现同分，同分单位按规则处理"
            )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        def count(values: NDArray[np.float64]) -> tuple[int, int]:
            return int((values == 1).sum()), int(((values > 0) & (values < 1)).sum())

        always_c, some_c = count(self.commended)
        always_b, some_b = count(self.bottom)
        return (
            f"<SimulationResult {self.distribution}: {self.samples} 次抽样，"
            f"{len(self.unit_ids)} 个单位；表彰 始终 {always_c} 个、有时 {some_c} 个；"
            f"后位 始终 {always_b} 个、有时 {some_b} 个>"
        )

    def _repr_html_(self) -> str:

        return titled(self._title(), table(self._HEADERS, self._table()))

    def to_frame(self) -> pd.DataFrame:
        """One row per unit, indexed by unit id (needs the ``frames`` extra).

        >>> frame = simulate(
        ...     *_doc_example(), WeightSets([{"常规": 60, "服务": 40}])
        ... ).to_frame()
        >>> frame.loc["a", "bottom"], list(frame.columns)[:3]
        (np.float64(1.0), ['series', 'commended', 'bottom'])
        """
        try:
            import pandas as pd  # noqa: PLC0415 - the frames extra
        except ImportError as exc:
            raise MissingExtraError("frames", "SimulationResult.to_frame()") from exc
        columns: dict[str, Any] = {
            "series": list(self.series),
            "commended": self.commended,
            "bottom": self.bottom,
            "baseline_commended": self.baseline_commended,
            "baseline_bottom": self.baseline_bottom,
            "baseline_rank": self.baseline_rank,
        }
        if self.rank_spread is not None:
            for index, name in enumerate(_SPREAD):
                columns[name] = self.rank_spread[:, index]
        return pd.DataFrame(columns, index=pd.Index(self.unit_ids, name="unit_id"))


def _overall(policy: OutcomePolicy) -> bool:
    """Whether the lists are decided over all units rather than per series."""
    return "all" in (policy.bottom.group_by, policy.commendation.group_by)


def _check_policy(policy: OutcomePolicy, *, same_groups: bool = False) -> None:
    problems = _Problems("outcome policy not supported by the simulation")
    groups = (policy.bottom.group_by, policy.commendation.group_by)
    if same_groups and groups[0] != groups[1]:
        problems.add(
            InvalidValueError(
                "policy.bottom.group_by, policy.commendation.group_by",
                groups,
                "the simulation decides both lists in the same groups",
            )
        )
    if policy.ranking.basis != "exact":
        problems.add(
            InvalidValueError(
                "policy.ranking.basis",
                policy.ranking.basis,
                "the simulation compares totals; use basis='exact'",
            )
        )
    if policy.commendation.min_rating is not None:
        problems.add(
            InvalidValueError(
                "policy.commendation.min_rating",
                _f(policy.commendation.min_rating),
                "the simulation has no democratic ratings; leave it None",
            )
        )
    problems.raise_if_any()


@attrs.frozen
class _Group:
    """A contiguous run of units (after sorting by group) and its quotas."""

    start: int
    stop: int
    commend_limit: int
    bottom_limit: int | None


class _Engine:
    """Totals and lists for a chunk of samples at a time, units sorted by group."""

    def __init__(
        self,
        rubric: Rubric,
        attainments: Attainments,
        policy: OutcomePolicy,
        tolerance: float,
    ) -> None:
        import numpy as np  # noqa: PLC0415

        self.policy = policy
        self.tol = tolerance
        self.floor = float(rubric.floor)
        self.max_total = float(rubric.max_total)
        # A vetoed unit's key is beyond every other unit's: it is always worse.
        self.big = 2 * (self.max_total - self.floor) + 1
        n = len(attainments)
        labels = ["全部"] * n if _overall(policy) else list(attainments.series)
        names = list(dict.fromkeys(labels))
        index = {name: code for code, name in enumerate(names)}
        codes = np.array([index[label] for label in labels], dtype=np.int64)
        self.order = np.argsort(codes, kind="stable")
        self.inverse = np.empty_like(self.order)
        self.inverse[self.order] = np.arange(n)
        loadings = attainments.loadings(rubric)
        points = float(rubric.total_points)
        self.attain = (attainments.matrix @ loadings)[self.order] * points
        self.adjustment = attainments.adjustment[self.order]
        self.cap = None if attainments.cap is None else attainments.cap[self.order]
        disq = attainments.disqualified
        self.disq = (
            np.zeros(n, dtype=np.bool_) if disq is None else disq[self.order].copy()
        )
        counts = np.bincount(codes, minlength=len(names))
        self.groups: list[_Group] = []
        start = 0
        for name, size in zip(names, counts.tolist(), strict=True):
            bottom_quota = policy.bottom.quota_for(name)
            self.groups.append(
                _Group(
                    start,
                    start + size,
                    policy.commendation.quota_for(name).limit(size),
                    None if bottom_quota is None else bottom_quota.limit(size),
                )
            )
            start += size

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
        size = t.shape[1]
        chosen = np.zeros(t.shape, dtype=np.bool_)
        tie = np.zeros(len(t), dtype=np.bool_)
        if limit is not None and limit >= size:
            chosen[:] = True
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


def simulate(  # noqa: PLR0913 - every input of the study is named
    rubric: Rubric,
    attainments: Attainments,
    distribution: WeightDistribution,
    *,
    samples: int | None = None,
    policy: OutcomePolicy | None = None,
    seed: int | None = DEFAULT_SEED,
    tolerance: float = DEFAULT_TOLERANCE,
    ranks: bool = True,
) -> SimulationResult:
    """Score *attainments* under many top-level weightings; see the module docs.

    Args:
        rubric: the rubric the attainments were scored with (its range,
            total points and top-level weights).
        attainments: the season, as arrays.
        distribution: where the weights come from.
        samples: how many samples (default :data:`DEFAULT_SAMPLES`; every
            set for :class:`WeightSets`).
        policy: the outcome rules (:class:`~pbcheck.OutcomePolicy` defaults).
        seed: seed of ``numpy.random.default_rng`` (:data:`DEFAULT_SEED`);
            ``None`` draws fresh entropy, so results differ between runs.
        tolerance: totals closer than this (points) are tied.
        ranks: also compute each unit's rank spread (memory K × N × 4 bytes).

    Raises:
        MissingExtraError: NumPy (the ``bulk`` extra) is not installed.
        ValidationError: the policy or the rubric cannot be simulated, or
            the attainments do not fit the rubric.

    >>> result = simulate(*_doc_example(), Jitter(10), samples=200)
    >>> result
    <SimulationResult Jitter(points=10.0): 200 次抽样，2 个单位；表彰 始终 0 个、有时 0 个；后位 始终 0 个、有时 2 个>
    >>> [(row.unit_id, row.bottom, row.baseline_bottom) for row in result.rows()]
    [('a', 0.115, False), ('b', 0.885, True)]
    """
    _require_numpy()
    import numpy as np  # noqa: PLC0415

    policy = policy or OutcomePolicy()
    _check_policy(policy, same_groups=True)
    _check_rubric(rubric)
    if not math.isfinite(tolerance) or tolerance < 0:
        raise InvalidValueError("tolerance", tolerance, "must be finite and ≥ 0")
    rng = np.random.default_rng(seed)
    shares = np.asarray(distribution.draw(rubric, samples, rng), dtype=np.float64)
    sections = tuple(section.id for section in rubric.sections)
    if (
        shares.ndim != 2
        or shares.shape[1] != len(sections)
        or not np.all(np.isfinite(shares))
        or np.any(shares < 0)
        or not np.allclose(shares.sum(axis=1), 1.0)
    ):
        raise InvalidValueError(
            "distribution",
            repr(distribution),
            f"must draw K × {len(sections)} non-negative shares summing to 1 per row",
        )
    engine = _Engine(rubric, attainments, policy, tolerance)
    base = np.array([[float(s) for s in _shares(rubric)]])
    base_commended, base_bottom, base_ranks, _ = engine.run(base, ranks=True)
    commended, bottom, all_ranks, ties = engine.run(shares, ranks=ranks)
    spread = None
    if all_ranks is not None:
        spread = np.empty((len(attainments), 5))
        spread[:, 0] = all_ranks.min(axis=0)
        spread[:, 1:4] = np.quantile(all_ranks, [0.25, 0.5, 0.75], axis=0).T
        spread[:, 4] = all_ranks.max(axis=0)
    assert base_ranks is not None  # noqa: S101 - asked for above
    weights = shares * float(_basis(rubric))
    weights.setflags(write=False)
    return SimulationResult(
        rubric.id,
        repr(distribution),
        seed,
        tolerance,
        sections,
        weights,
        attainments.unit_ids,
        attainments.series,
        commended / len(shares),
        bottom / len(shares),
        base_commended.astype(np.bool_),
        base_bottom.astype(np.bool_),
        base_ranks[0],
        spread,
        ties,
    )


def _doc_example() -> tuple[Rubric, Attainments]:
    """The two-unit what-if example as arrays, for the examples above."""
    from pbcheck.examples.small import org_tree  # noqa: PLC0415

    rubric, evaluations = two_section_example()
    tree = org_tree({"政府工作部门": ["a", "b"]})
    return rubric, Attainments.from_scorecards(
        rubric, score_all(rubric, evaluations), tree
    )


# -- the exact sweep ------------------------------------------------------------


@attrs.frozen
class _Line:
    """One unit's total as a function of the swept weight ``x``.

    Before it is held within the range: ``level + slope × x``.
    """

    unit_id: str
    group: str
    level: Fraction
    slope: Fraction
    adjustment: Fraction
    cap: Fraction | None
    vetoes: tuple[VetoFinding, ...]

    @property
    def disqualified(self) -> bool:
        return any(finding.disqualifies for finding in self.vetoes)


class _Lines:
    """Every unit's line, and the range the totals are held in."""

    def __init__(self, lines: Sequence[_Line], rubric: Rubric) -> None:
        self.lines = lines
        self.floor = rubric.floor
        self.max_total = rubric.max_total

    def total(self, line: _Line, x: Fraction) -> Fraction:
        value = max(self.floor, min(self.max_total, line.level + line.slope * x))
        return value if line.cap is None else min(value, line.cap)

    def kinks(self, line: _Line, low: Fraction, high: Fraction) -> set[Fraction]:
        """Where *line*'s total starts or stops being held, within (low, high)."""
        found: set[Fraction] = set()
        if line.slope == 0:
            return found
        for bound in (self.floor, self.max_total, line.cap):
            if bound is not None:
                x = (bound - line.level) / line.slope
                if low < x < high:
                    found.add(x)
        return found


def _roots(
    difference: Callable[[Fraction], Fraction],
    breaks: Iterable[Fraction],
    found: set[Fraction],
) -> None:
    """Add every zero of a piecewise-affine *difference* with these breaks.

    On each piece the difference is affine, so a sign change has one root,
    solved exactly (as :func:`pbcheck.whatif.reweight.swap_point` solves its tie).
    """
    points = sorted(breaks)
    values = [difference(x) for x in points]
    for (left, d_left), (right, d_right) in zip(
        zip(points, values, strict=True),
        zip(points[1:], values[1:], strict=True),
        strict=False,
    ):
        if d_left == 0:
            found.add(left)
        if d_right == 0:
            found.add(right)
        if d_left * d_right < 0:
            found.add(left + (right - left) * d_left / (d_left - d_right))


@attrs.frozen
class SweepInterval:
    """An interval of the swept weight on which both lists stay the same.

    Args:
        low: its lower end.
        high: its upper end.
        low_closed: whether *low* belongs to it.
        high_closed: whether *high* belongs to it.
        commended: the units commended throughout, in input order.
        bottom: the units at the bottom throughout, in input order.

    >>> str(SweepInterval(Fraction(50), Fraction(65), True, False, ("a",), ()))
    '[50, 65)'
    """

    low: Fraction
    high: Fraction
    low_closed: bool
    high_closed: bool
    commended: tuple[str, ...]
    bottom: tuple[str, ...]

    def __contains__(self, x: object) -> bool:
        if not isinstance(x, int | Fraction):
            return False
        above = self.low < x or (self.low_closed and x == self.low)
        below = x < self.high or (self.high_closed and x == self.high)
        return above and below

    def __str__(self) -> str:
        return (
            f"{'[' if self.low_closed else '('}{_f(self.low)}, "
            f"{_f(self.high)}{']' if self.high_closed else ')'}"
        )


@attrs.frozen(repr=False)
class SweepResult:
    """The lists along a sweep of one top-level weight; see :func:`sweep`.

    Args:
        rubric: the rubric swept.
        section_id: the top-level section whose weight moved.
        start: the lowest weight swept (rubric's basis: points or %).
        stop: the highest weight swept.
        intervals: consecutive intervals covering ``[start, stop]``, each
            with its lists; neighbours always differ.

    >>> from pbcheck.examples.small import org_tree
    >>> rubric, evaluations = two_section_example()
    >>> tree = org_tree({"政府工作部门": ["a", "b"]})
    >>> result = sweep(
    ...     rubric, score_all(rubric, evaluations), "常规", 60, 80, tree=tree
    ... )
    >>> print(result)
    权重扫描：“常规工作”权重 60 → 80，名单变化点 1 个（65）
      [60, 65)
        表彰：无
        后位：a
      [65, 65]
        表彰：无
        后位：无
      (65, 80]
        表彰：无
        后位：b
    """

    rubric: Rubric
    section_id: str
    start: Fraction
    stop: Fraction
    intervals: tuple[SweepInterval, ...]

    @property
    def change_points(self) -> tuple[Fraction, ...]:
        """The weights at which a list changes, in increasing order."""
        points: list[Fraction] = []
        for interval in self.intervals[1:]:
            if not points or points[-1] != interval.low:
                points.append(interval.low)
        return tuple(points)

    def at(self, x: Exact) -> SweepInterval:
        """The interval that holds weight *x*.

        Raises:
            InvalidValueError: *x* lies outside ``[start, stop]``.
        """
        value = to_exact(x, "x")
        for interval in self.intervals:
            if value in interval:
                return interval
        raise InvalidValueError(
            "x", x, f"must lie within [{_f(self.start)}, {_f(self.stop)}]"
        )

    def weights_at(self, x: Exact) -> dict[str, Fraction]:
        """Every top-level weight when the swept one is *x*, for :func:`~pbcheck.whatif.reweight.what_if`.

        >>> rubric, _ = two_section_example()
        >>> result = SweepResult(rubric, "常规", Fraction(50), Fraction(90), ())
        >>> result.weights_at(65)
        {'常规': Fraction(65, 1), '服务': Fraction(35, 1)}
        """
        return _weights_at(self.rubric, self.section_id, to_exact(x, "x"))

    def lines(self) -> list[str]:
        """One line per interval: the interval, then both lists."""
        section = next(s for s in self.rubric.sections if s.id == self.section_id)
        out = [
            f"权重扫描：“{section.title}”权重 {_f(self.start)} → {_f(self.stop)}，"
            f"名单变化点 {len(self.change_points)} 个"
            + (
                f"（{'、'.join(_f(p) for p in self.change_points)}）"
                if self.change_points
                else ""
            )
        ]
        for interval in self.intervals:
            approx = ""
            if "/" in str(interval):
                approx = f"（≈{float(interval.low):.4f}–{float(interval.high):.4f}）"
            out.append(f"  {interval}{approx}")
            out.append(f"    表彰：{'、'.join(interval.commended) or '无'}")
            out.append(f"    后位：{'、'.join(interval.bottom) or '无'}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        points = "、".join(_f(p) for p in self.change_points) or "无"
        return (
            f"<SweepResult {self.section_id} {_f(self.start)}–{_f(self.stop)}: "
            f"{len(self.intervals)} 段，变化点 {points}>"
        )

    def _repr_html_(self) -> str:

        rows = [
            [str(i), "、".join(i.commended), "、".join(i.bottom)]
            for i in self.intervals
        ]
        return titled(self.lines()[0], table(["权重区间", "表彰", "后位"], rows))


def _weights_at(rubric: Rubric, section_id: str, x: Fraction) -> dict[str, Fraction]:
    basis = _basis(rubric)
    shares = dict(zip((s.id for s in rubric.sections), _shares(rubric), strict=True))
    rest = 1 - shares[section_id]
    return {
        sid: x if sid == section_id else share * basis * (basis - x) / (basis * rest)
        for sid, share in shares.items()
    }


# A unit as the sweep reads it: id, top-level attainments, bonus − deductions,
# the lowest capping veto, and its veto findings.
_Raw = tuple[
    str, dict[str, Fraction], Fraction, Fraction | None, tuple[VetoFinding, ...]
]


def _lines_from_cards(rubric: Rubric, cards: Sequence[Scorecard]) -> list[_Raw]:
    out = []
    for card in cards:
        missing = [s.id for s in rubric.sections if s.id not in card.sections]
        if missing or ROOT not in card.sections:
            raise InvalidValueError(
                f"scorecards[{card.unit_id}].sections",
                missing,
                "lacks top-level sections",
            )
        out.append(
            (
                card.unit_id,
                {s.id: card.sections[s.id].attainment for s in rubric.sections},
                card.bonus_counted - card.deductions_counted,
                min((f.cap for f in card.vetoes if f.cap is not None), default=None),
                card.vetoes,
            )
        )
    return out


def sweep(  # noqa: PLR0913 - every input of the study is named
    rubric: Rubric,
    season: Iterable[Scorecard] | Attainments,
    section_id: str,
    start: Exact,
    stop: Exact,
    *,
    tree: OrgTree | None = None,
    policy: OutcomePolicy | None = None,
) -> SweepResult:
    """Move one top-level weight from *start* to *stop*; find where the lists change.

    The other top-level weights share the rest in their current proportion
    (with 70/20/10, sweeping the first to 50 gives 50/33⅓/16⅔).  Weights are
    in the rubric's basis, as in :func:`pbcheck.whatif.reweight.reweight`.  Every pair
    of units in a series is solved for its crossings, so the cost grows with
    the square of a series' size: a sweep is for a season of the exact path
    (hundreds of units), not for a province.

    Args:
        rubric: the rubric the season was scored with.
        season: its scorecards (exact), or :class:`Attainments` (exact in
            the floats given).
        section_id: the top-level section whose weight moves.
        start: the lowest weight.
        stop: the highest weight.
        tree: the org tree (required with scorecards).
        policy: the outcome rules (:class:`~pbcheck.OutcomePolicy` defaults).

    Raises:
        ValidationError: an unknown section, a range outside the basis, a
            policy that cannot be swept, scorecards of another rubric.

    >>> rubric, evaluations = two_section_example()
    >>> from pbcheck.examples.small import org_tree
    >>> result = sweep(
    ...     rubric,
    ...     score_all(rubric, evaluations),
    ...     "常规",
    ...     60,
    ...     80,
    ...     tree=org_tree({"政府工作部门": ["a", "b"]}),
    ... )
    >>> result
    <SweepResult 常规 60–80: 3 段，变化点 65>
    """
    policy = policy or OutcomePolicy()
    _check_policy(policy)
    _check_rubric(rubric)
    low, high = to_exact(start, "start"), to_exact(stop, "stop")
    basis = _basis(rubric)
    ids = [s.id for s in rubric.sections]
    problems = _Problems("invalid sweep")
    if section_id not in ids:
        problems.add(
            UnknownReferenceError(
                "section_id", section_id, "is not a top-level section"
            )
        )
    if not 0 <= low < high <= basis:
        problems.add(
            InvalidValueError(
                "start, stop",
                (_f(low), _f(high)),
                f"must satisfy 0 ≤ start < stop ≤ {_f(basis)}",
            )
        )
    problems.raise_if_any()
    shares = dict(zip(ids, _shares(rubric), strict=True))
    if shares[section_id] == 1:
        raise InvalidValueError(
            "section_id", section_id, "holds all the weight: nothing to rescale"
        )
    if isinstance(season, Attainments):
        loadings = season.loadings(rubric)
        matrix = season.matrix @ loadings
        caps = season.cap
        disqualified = season.disqualified
        raw: list[_Raw] = [
            (
                unit_id,
                {sid: Fraction(float(matrix[row, col])) for col, sid in enumerate(ids)},
                Fraction(float(season.adjustment[row])),
                None
                if caps is None or math.isinf(caps[row])
                else Fraction(float(caps[row])),
                (VetoFinding("一票否决", "一票否决", (), None),)
                if disqualified is not None and disqualified[row]
                else (),
            )
            for row, unit_id in enumerate(season.unit_ids)
        ]
        groups = list(season.series)
        tree = _synthetic_tree(season)
    else:
        if tree is None:
            raise InvalidValueError("tree", None, "is required with scorecards")
        cards = tuple(season)
        _check_cards(rubric, cards, tree)
        raw = _lines_from_cards(rubric, cards)
        groups = [tree[card.unit_id].series or NO_SERIES for card in cards]
    points = rubric.total_points
    rest = 1 - shares[section_id]
    lines = []
    for (unit_id, attained, adjustment, cap, vetoes), group in zip(
        raw, groups, strict=True
    ):
        other = (
            sum(
                (shares[sid] * attained[sid] for sid in ids if sid != section_id),
                Fraction(0),
            )
            / rest
        )
        lines.append(
            _Line(
                unit_id,
                "全部" if _overall(policy) else group,
                points * other + adjustment,
                points * (attained[section_id] - other) / basis,
                adjustment,
                cap,
                vetoes,
            )
        )
    table = _Lines(lines, rubric)
    if not isinstance(season, Attainments):
        _check_totals(table, cards, shares[section_id] * basis)
    return _sweep(rubric, table, section_id, low, high, tree, policy)


def _check_totals(table: _Lines, cards: Sequence[Scorecard], now: Fraction) -> None:
    """Each line must give the scorecard's own total at today's weight."""
    problems = _Problems("scorecards whose totals are not affine in the weights")
    for line, card in zip(table.lines, cards, strict=True):
        if table.total(line, now) != card.total:
            problems.add(
                InvalidValueError(
                    f"scorecards[{card.unit_id}].total",
                    _f(card.total),
                    f"differs from base + bonus − deductions held in range "
                    f"({_f(table.total(line, now))}); was it scored with this rubric?",
                )
            )
    problems.raise_if_any()


def _synthetic_tree(season: Attainments) -> OrgTree:
    root = "$工委"
    units = [OrgUnit(root, "机关工委", UnitKind.WORKING_COMMITTEE)]
    units += [
        OrgUnit(
            unit_id,
            unit_id,
            UnitKind.PARTY_COMMITTEE,
            parent=root,
            series=None if series == NO_SERIES else series,
        )
        for unit_id, series in zip(season.unit_ids, season.series, strict=True)
    ]
    return OrgTree(units)


def _candidates(
    table: _Lines, low: Fraction, high: Fraction, policy: OutcomePolicy
) -> set[Fraction]:
    """Every weight at which two units of a class tie or a total meets a threshold."""
    found: set[Fraction] = set()
    kinks = {line.unit_id: table.kinks(line, low, high) for line in table.lines}
    classes: dict[tuple[str, bool], list[_Line]] = {}
    for line in table.lines:
        classes.setdefault((line.group, line.disqualified), []).append(line)
    for members in classes.values():
        for index, first in enumerate(members):
            for second in members[index + 1 :]:
                if first.slope == second.slope and not (
                    kinks[first.unit_id] or kinks[second.unit_id]
                ):
                    continue  # parallel and never held: never cross
                _roots(
                    partial(_gap, table, first, second),
                    {low, high} | kinks[first.unit_id] | kinks[second.unit_id],
                    found,
                )
    thresholds = [
        value
        for value in (policy.commendation.min_score, policy.bottom.below)
        if value is not None
    ]
    for line in table.lines:
        for threshold in thresholds:
            _roots(
                partial(_gap, table, line, threshold),
                {low, high} | kinks[line.unit_id],
                found,
            )
    return {x for x in found if low < x < high}


def _gap(table: _Lines, line: _Line, other: _Line | Fraction, x: Fraction) -> Fraction:
    """*line*'s total less *other*'s (or less a threshold) at weight *x*."""
    against = other if isinstance(other, Fraction) else table.total(other, x)
    return table.total(line, x) - against


def _sweep(  # noqa: PLR0913, PLR0917 - internal
    rubric: Rubric,
    table: _Lines,
    section_id: str,
    low: Fraction,
    high: Fraction,
    tree: OrgTree,
    policy: OutcomePolicy,
) -> SweepResult:
    order = {line.unit_id: index for index, line in enumerate(table.lines)}

    def lists(x: Fraction) -> tuple[tuple[str, ...], tuple[str, ...]]:
        cards = [_card(rubric, table, line, x) for line in table.lines]
        bottom = bottom_list(cards, tree, policy.bottom, ranking=policy.ranking)
        chosen = commendation_list(
            cards, tree, policy.commendation, bottom=bottom, ranking=policy.ranking
        )
        return (
            tuple(sorted(chosen.unit_ids, key=order.__getitem__)),
            tuple(sorted(bottom.unit_ids, key=order.__getitem__)),
        )

    points = [low, *sorted(_candidates(table, low, high, policy)), high]
    # Pieces: each point, and the open interval after it; lists are constant
    # on each piece because nothing crosses inside one.
    pieces: list[tuple[Fraction, Fraction, bool, bool]] = []
    for index, point in enumerate(points):
        pieces.append((point, point, True, True))
        if index + 1 < len(points):
            pieces.append((point, points[index + 1], False, False))
    merged: list[SweepInterval] = []
    for first, last, low_closed, high_closed in pieces:
        commended, bottom = lists((first + last) / 2)
        previous = merged[-1] if merged else None
        if previous is not None and (previous.commended, previous.bottom) == (
            commended,
            bottom,
        ):
            merged[-1] = attrs.evolve(previous, high=last, high_closed=high_closed)
        else:
            merged.append(
                SweepInterval(first, last, low_closed, high_closed, commended, bottom)
            )
    return SweepResult(rubric, section_id, low, high, tuple(merged))


def _card(rubric: Rubric, table: _Lines, line: _Line, x: Fraction) -> Scorecard:
    """A scorecard with just what the lists read: the total, base and vetoes."""
    zero = Fraction(0)
    total = table.total(line, x)
    return Scorecard(
        unit_id=line.unit_id,
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        base=line.level + line.slope * x - line.adjustment,
        bonus_claimed=zero,
        bonus_counted=zero,
        deductions_claimed=zero,
        deductions_counted=zero,
        total=total,
        max_total=rubric.max_total,
        floor=rubric.floor,
        total_points=rubric.total_points,
        sections={},
        indicators={},
        vetoes=line.vetoes,
        rounding=rubric.rounding,
    )
