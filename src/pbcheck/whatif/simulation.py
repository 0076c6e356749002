"""Weight simulation (权重模拟（随机抽样）): how often the lists change under random weights.

"How stable is the commendation list if the 70/30 split moves by ten points
either way?"  :func:`simulate` re-scores a season under thousands of
sampled top-level weightings and reports, per unit, how often each list took
it and how far its rank moved (:class:`SimulationResult`).  For the exact
weights at which a list changes, see :mod:`pbcheck.whatif.sweep`; for one
alternative weighting scored exactly, :mod:`pbcheck.whatif.reweight`.

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
refused, and both lists must be decided in the same groups (both per
series, or both over all units).  Rank spreads are competition ranks within
those groups.

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

Needs the ``bulk`` extra (NumPy); it is imported only when used, so this
module imports without it.

>>> from pbcheck.examples.small import two_section_attainments
>>> rubric, season = two_section_attainments()
>>> result = simulate(rubric, season, Jitter(10), samples=200)
>>> [(row.unit_id, row.bottom) for row in result.rows()]
[('a', 0.115), ('b', 0.885)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from pbcheck._numbers import Exact
from pbcheck.errors import (
    DuplicateIdError,
    InvalidValueError,
    MissingExtraError,
    Path,
    Step,
    _Problems,
    member,
)
from pbcheck.model.aggregation import WeightedMean, WeightedSum
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import Rubric
from pbcheck.outcomes.ranking import NO_SERIES
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views.html import table, titled
from pbcheck.whatif._common import (
    STUDY_POLICY,
    basis,
    check_cards,
    check_policy,
    check_top_level,
    shares,
)
from pbcheck.whatif._engine import Engine
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
    "WeightDistribution",
    "WeightSets",
    "simulate",
]


#: The seed of every random draw unless another is passed (七一, 2025).
DEFAULT_SEED = 20250701
#: How many weight samples :class:`Jitter` and :class:`Dirichlet` draw by default.
DEFAULT_SAMPLES = 1000
#: Totals closer than this (in points) are tied in the simulation.
DEFAULT_TOLERANCE = 1e-9

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
                    DuplicateIdError(("unit_ids", index), unit_id, "is given twice")
                )
            seen.add(unit_id)
        if len(set(self.columns)) != len(self.columns):
            problems.add(
                DuplicateIdError(("columns",), list(self.columns), "must be unique")
            )
        if len(self.series) != n:
            problems.add(
                InvalidValueError(
                    ("series",), len(self.series), f"must have one entry per unit ({n})"
                )
            )
        shape = (n, len(self.columns))
        if self.matrix.shape != shape:
            problems.add(
                InvalidValueError(
                    ("matrix",),
                    self.matrix.shape,
                    f"must be units × columns, {shape}",
                )
            )
        elif not (inside := (self.matrix >= 0) & (self.matrix <= 1)).all():
            row, column = (int(i) for i in np.argwhere(~inside)[0])
            problems.add(
                InvalidValueError(
                    (
                        "matrix",
                        _named(self.unit_ids, row),
                        _named(self.columns, column),
                    ),
                    float(self.matrix[row, column]),
                    "must lie within [0, 1]",
                )
            )
        for name in ("adjustment", "cap", "disqualified"):
            array = getattr(self, name)
            if array is not None and array.shape != (n,):
                problems.add(
                    InvalidValueError(
                        (name,), array.shape, f"must have one entry per unit ({n},)"
                    )
                )
        if self.adjustment.shape == (n,) and not np.all(np.isfinite(self.adjustment)):
            problems.add(
                InvalidValueError(("adjustment",), "nan/inf", "must be finite")
            )
        if self.cap is not None and np.any(np.isnan(self.cap)):
            problems.add(
                InvalidValueError(("cap",), "nan", "must be a number or inf (no cap)")
            )
        problems.raise_if_any()

    def __len__(self) -> int:
        return len(self.unit_ids)

    @classmethod
    def from_bulk(cls, result: BulkResult) -> Attainments:
        """The arrays of a :func:`pbcheck.bulk.score_bulk` result, for national-scale studies.

        The columns are the rubric's regular indicators (so its levels below
        the top must roll up by weighted sum or mean); the result must keep
        its attainment matrix: score with ``keep_attainment=True``.

        Raises:
            InvalidValueError: the result was scored without its attainment matrix.

        >>> from pbcheck import score_all
        >>> from pbcheck.bulk import score_bulk, table_from_evaluations
        >>> from pbcheck.examples.small import org_tree, two_section_example
        >>> rubric, evaluations = two_section_example()
        >>> tree = org_tree({"党群部门": ["a", "b"]})
        >>> table = table_from_evaluations(rubric, evaluations, tree=tree)
        >>> bulk = Attainments.from_bulk(
        ...     score_bulk(rubric, table, keep_attainment=True)
        ... )
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
                ("result", "attainment"),
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

        >>> from pbcheck import score_all
        >>> from pbcheck.examples.small import org_tree, two_section_example
        >>> rubric, evaluations = two_section_example()
        >>> cards = score_all(rubric, evaluations)
        >>> table = Attainments.from_scorecards(
        ...     rubric, cards, org_tree({"党群部门": ["a", "b"]})
        ... )
        >>> table.columns, table.matrix.tolist()
        (('常规', '服务'), [[0.9, 0.5], [0.83, 0.63]])
        """
        cards = tuple(scorecards)
        check_cards(rubric, cards, tree)
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

        >>> from pbcheck.examples.small import two_section_example
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
                ("attainments", "columns"),
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
                        (*_place(rubric, node), "aggregator"),
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


def _named(ids: tuple[str, ...], index: int) -> Step:
    """Row or column *index* of the matrix by its id (``matrix[a][常规]``).

    A repeated id names the first row or column that has it, so a later one
    is named by its position.
    """
    return index if ids.index(ids[index]) != index else member(index, ids[index])


def _place(rubric: Rubric, section_id: str) -> Path:
    """Where a section is in *rubric*: ``rubric.sections[B].sections[B1]``."""
    return rubric._nodes[section_id].path  # noqa: SLF001 - the rubric's own plan


def _descendants(rubric: Rubric, node_id: str) -> Iterable[str]:
    yield node_id
    node = rubric._nodes.get(node_id)  # noqa: SLF001 - the rubric's own plan
    for child in node.children if node is not None else ():
        yield from _descendants(rubric, child)


# -- weights ------------------------------------------------------------------


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
        >>> from pbcheck.examples.small import two_section_example
        >>> rubric, _ = two_section_example()
        >>> Jitter(10).draw(rubric, 2, np.random.default_rng(1)).sum(axis=1)
        array([1., 1.])
        """
        ...


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise InvalidValueError((attribute.name,), value, "must be finite and ≥ 0")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not math.isfinite(value) or value <= 0:
        raise InvalidValueError((attribute.name,), value, "must be finite and > 0")


def _count(count: int | None) -> int:
    if count is None:
        return DEFAULT_SAMPLES
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidValueError(("samples",), count, "must be a whole number ≥ 1")
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
    >>> from pbcheck.examples.small import two_section_example
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

        scale = float(basis(rubric))
        weights = np.array([float(s) * scale for s in shares(rubric)])
        moves = rng.uniform(-self.points, self.points, (_count(count), len(weights)))
        jittered = np.maximum(weights + moves, 0.0)
        sums = jittered.sum(axis=1, keepdims=True)
        if np.any(sums <= 0):
            raise InvalidValueError(
                ("jitter", "points"), self.points, "can push every weight to 0"
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
    >>> from pbcheck.examples.small import two_section_example
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

        centre = np.array([float(s) for s in shares(rubric)])
        positive = centre > 0
        out = np.zeros((_count(count), len(centre)))
        out[:, positive] = rng.dirichlet(
            self.concentration * centre[positive], len(out)
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
    >>> from pbcheck.examples.small import two_section_example
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
                ("samples",),
                count,
                f"WeightSets scores its {len(self.sets)} sets; leave samples=None",
            )
        if not self.sets:
            raise InvalidValueError(("sets",), [], "give at least one weight set")
        return np.array(
            [
                [
                    float(s)
                    for s in shares(reweight(rubric, weights, normalise=self.normalise))
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

    >>> from pbcheck.examples.small import two_section_attainments
    >>> result = simulate(*two_section_attainments(), Jitter(10), samples=200)
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

        >>> from pbcheck.examples.small import two_section_attainments
        >>> result = simulate(
        ...     *two_section_attainments(), WeightSets([{"常规": 60, "服务": 40}])
        ... )
        >>> [(r.unit_id, r.bottom) for r in result.rows()][:2]
        [('a', 1.0), ('b', 0.0)]
        """
        return self._rows(range(len(self.unit_ids)))

    def unstable(self) -> tuple[SimulationRow, ...]:
        """Rows whose place on either list differs between samples or baseline.

        >>> from pbcheck.examples.small import two_section_attainments
        >>> result = simulate(*two_section_attainments(), Jitter(10), samples=20)
        >>> result.unstable()[0].unit_id
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

        >>> from pbcheck.examples.small import two_section_attainments
        >>> frame = simulate(
        ...     *two_section_attainments(), WeightSets([{"常规": 60, "服务": 40}])
        ... ).to_frame()
        >>> frame.loc["a", "bottom"], list(frame.columns)[:3]
        (np.float64(1.0), ['series', 'commended', 'bottom'])
        >>> str(frame["series"].dtype), str(frame["commended"].dtype)
        ('category', 'float64')
        """
        try:
            import pandas as pd  # noqa: PLC0415 - the frames extra
        except ImportError as exc:
            raise MissingExtraError("frames", "SimulationResult.to_frame()") from exc
        # Series as a category (in the order met), as in every other frame.
        columns: dict[str, Any] = {
            "series": pd.Categorical(
                self.series, categories=list(dict.fromkeys(self.series))
            ),
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

    >>> from pbcheck.examples.small import two_section_attainments
    >>> result = simulate(*two_section_attainments(), Jitter(10), samples=200)
    >>> result
    <SimulationResult Jitter(points=10.0): 200 次抽样，2 个单位；表彰 始终 0 个、有时 0 个；后位 始终 0 个、有时 2 个>
    >>> [(row.unit_id, row.bottom, row.baseline_bottom) for row in result.rows()]
    [('a', 0.115, False), ('b', 0.885, True)]
    """
    _require_numpy()
    import numpy as np  # noqa: PLC0415

    policy = policy or STUDY_POLICY
    check_policy(policy, same_groups=True)
    check_top_level(rubric)
    if not math.isfinite(tolerance) or tolerance < 0:
        raise InvalidValueError(("tolerance",), tolerance, "must be finite and ≥ 0")
    drawn = _draw(rubric, distribution, samples, seed)
    engine = Engine(
        rubric,
        policy,
        tolerance,
        series=attainments.series,
        attain=attainments.matrix @ attainments.loadings(rubric),
        adjustment=attainments.adjustment,
        cap=attainments.cap,
        disqualified=attainments.disqualified,
    )
    base = np.array([[float(s) for s in shares(rubric)]])
    base_commended, base_bottom, base_ranks, _ = engine.run(base, ranks=True)
    commended, bottom, all_ranks, ties = engine.run(drawn, ranks=ranks)
    assert base_ranks is not None  # noqa: S101 - asked for above
    weights = drawn * float(basis(rubric))
    weights.setflags(write=False)
    return SimulationResult(
        rubric.id,
        repr(distribution),
        seed,
        tolerance,
        tuple(section.id for section in rubric.sections),
        weights,
        attainments.unit_ids,
        attainments.series,
        commended / len(drawn),
        bottom / len(drawn),
        base_commended.astype(np.bool_),
        base_bottom.astype(np.bool_),
        base_ranks[0],
        None if all_ranks is None else _rank_spread(all_ranks),
        ties,
    )


def _draw(
    rubric: Rubric,
    distribution: WeightDistribution,
    samples: int | None,
    seed: int | None,
) -> NDArray[np.float64]:
    """K × S shares from *distribution*, checked: non-negative, rows summing to 1."""
    import numpy as np  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    drawn = np.asarray(distribution.draw(rubric, samples, rng), dtype=np.float64)
    width = len(rubric.sections)
    if (
        drawn.ndim != 2
        or drawn.shape[1] != width
        or not np.all(np.isfinite(drawn))
        or np.any(drawn < 0)
        or not np.allclose(drawn.sum(axis=1), 1.0)
    ):
        raise InvalidValueError(
            ("distribution",),
            repr(distribution),
            f"must draw K × {width} non-negative shares summing to 1 per row",
        )
    return drawn


def _rank_spread(ranks: NDArray[np.int32]) -> NDArray[np.float64]:
    """N × 5 from K × N ranks: best, quartiles and median, worst."""
    import numpy as np  # noqa: PLC0415

    spread = np.empty((ranks.shape[1], 5))
    spread[:, 0] = ranks.min(axis=0)
    spread[:, 1:4] = np.quantile(ranks, [0.25, 0.5, 0.75], axis=0).T
    spread[:, 4] = ranks.max(axis=0)
    return spread
