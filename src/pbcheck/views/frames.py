"""DataFrames built from plain rows, for notebooks (数据表).

A leaf helper, like :mod:`pbcheck.views.html`: it knows no pbcheck domain
type.  Each type that offers a DataFrame builds its own rows next to its
definition and hands them to :func:`frame_from_rows`, so presentation never
reaches into the core.  The frames themselves live with what they show:

* :func:`~pbcheck.scoring.scorecard.scorecard_frame` (one scorecard, one row
  per indicator) and :func:`~pbcheck.scoring.scorecard.scorecards_frame` (one
  row per scorecard) in :mod:`pbcheck.scoring.scorecard`, also as
  :meth:`pbcheck.Scorecard.to_frame`;
* :func:`~pbcheck.outcomes.ranking.ranking_frame` in
  :mod:`pbcheck.outcomes.ranking`, also as :meth:`pbcheck.Ranking.to_frame`;
* :func:`~pbcheck.outcomes.season.outcomes_frame` in
  :mod:`pbcheck.outcomes.season`, also as :meth:`pbcheck.Outcomes.to_frame`;
  :meth:`pbcheck.Results.to_frame` (a whole season: who each unit is, its
  outcomes and its points per section) and
  :func:`~pbcheck.outcomes.season.comparison_frame` (two seasons side by
  side) beside it;
* :func:`~pbcheck.outcomes.history.history_frame` and
  :func:`~pbcheck.outcomes.history.trends_frame` in
  :mod:`pbcheck.outcomes.history`;
* :meth:`pbcheck.whatif.reweight.WhatIf.to_frame` and
  :meth:`pbcheck.whatif.simulation.SimulationResult.to_frame` for what-if
  results.

They need the ``frames`` extra (pandas), imported only when a frame is built;
without it they raise :class:`~pbcheck.errors.MissingExtraError`.

How exact numbers arrive in a frame — the ``numeric`` argument
(:data:`NumericMode`) of every frame function:

* ``"float"`` (the default, :data:`DEFAULT_NUMERIC`): ``float64`` columns,
  so a frame plots, groups and feeds statistics as it comes
  (``frame.plot()``, ``frame.groupby("series").mean()``).  Each value is the
  exact figure converted once to the nearest float: good for charts and
  analysis, *not* exact (``0.1`` is not one tenth), so never write one back
  as a result.
* ``"decimal"``: each score is a :class:`~decimal.Decimal` rounded **once**
  by the scorecard's :class:`~pbcheck.RoundingPolicy` (two places, 四舍五入
  by default), exactly the figure that :meth:`pbcheck.Scorecard.show` prints;
  the column has ``object`` dtype.  Attainments (完成度, ratios in
  ``[0, 1]``) keep two more places than scores (``0.8821`` for 88.21%).
  Services that pass figures on, and reports, use this mode (it was the
  default before ``"float"``).
* ``"exact"``: each score is the exact :class:`~fractions.Fraction`
  (``object`` dtype) — for checking sums to the last digit.

Why ``"float"`` is the default: frames are for notebooks, where the first
thing an analyst does is plot; the exact path is the objects themselves
(:class:`~pbcheck.Scorecard`, results documents), and a service that wants
the printed figures asks for ``numeric="decimal"`` explicitly.

Whatever the mode, the other columns are typed for analysis too: ranks and
counts are nullable integers (``Int64``, so a unit without a rank is
``<NA>``, not a float), labels drawn from a small set (series, liaison
groups, groupings, grades, statuses, sections) are ``category`` columns in
the order first met, and flags are ``bool``.  Ids, names and reasons stay
text.  Frames in ``"float"`` and ``"decimal"`` mode write to Parquet with
pyarrow as they are (see :doc:`/howto/notebook`).

>>> from fractions import Fraction
>>> cells = Cells("decimal")
>>> row = {"unit_id": "a", "total": cells.score(Fraction("85.125"))}
>>> frame = frame_from_rows(
...     [row],
...     ["unit_id", "total"],
...     index="unit_id",
...     numeric_columns=["total"],
...     numeric="decimal",
... )
>>> frame.loc["a", "total"]
Decimal('85.13')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

from pbcheck._numbers import MAX_PLACES, RoundingPolicy
from pbcheck.errors import InvalidValueError, MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_NUMERIC",
    "Cells",
    "NumericMode",
    "check_numeric",
    "frame_from_rows",
]

#: How exact numbers are put in a frame: ``"float"``, ``"decimal"`` or ``"exact"``.
NumericMode: TypeAlias = Literal["float", "decimal", "exact"]

#: The mode of every frame function unless told otherwise: plottable floats.
DEFAULT_NUMERIC: NumericMode = "float"

_MODES: tuple[NumericMode, ...] = ("float", "decimal", "exact")


def check_numeric(numeric: str) -> NumericMode:
    """*numeric* itself if it is a :data:`NumericMode`, else an error naming it.

    Frame functions call it first, so a wrong mode is reported before
    anything else (even before a missing pandas).

    >>> check_numeric("float")
    'float'
    >>> check_numeric("int")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: numeric: must be 'float', 'decimal' or 'exact' (got 'int')
    """
    if numeric not in _MODES:
        raise InvalidValueError(
            ("numeric",), numeric, "must be 'float', 'decimal' or 'exact'"
        )
    return numeric


class Cells:
    """Turns exact values into the cells of one numeric mode.

    Args:
        numeric: the mode (see the module).
        rounding: how ``"decimal"`` cells are rounded — a scorecard's
            :attr:`~pbcheck.Scorecard.rounding`; shares keep two more places.

    >>> from fractions import Fraction
    >>> cells = Cells("decimal")
    >>> cells.score(Fraction(1, 3)), cells.share(Fraction(1, 3)), cells.score(None)
    (Decimal('0.33'), Decimal('0.3333'), None)
    >>> Cells("exact").score(Fraction(1, 3)), Cells("float").score(Fraction(1, 4))
    (Fraction(1, 3), 0.25)
    """

    __slots__ = ("_ratio", "numeric", "rounding")

    def __init__(
        self, numeric: NumericMode, rounding: RoundingPolicy | None = None
    ) -> None:
        self.numeric = check_numeric(numeric)
        self.rounding = RoundingPolicy() if rounding is None else rounding
        self._ratio = RoundingPolicy(
            places=min(self.rounding.places + 2, MAX_PLACES), mode=self.rounding.mode
        )

    def __repr__(self) -> str:
        return f"Cells({self.numeric!r}, {self.rounding!r})"

    def score(self, value: Fraction | None) -> Decimal | Fraction | float | None:
        """A score (points, a total), rounded like the scorecard shows it."""
        return self._cell(value, self.rounding)

    def share(self, value: Fraction | None) -> Decimal | Fraction | float | None:
        """A ratio in ``[0, 1]`` (完成度), with two more places than a score."""
        return self._cell(value, self._ratio)

    def shown(
        self, exact: Fraction, shown: Decimal
    ) -> Decimal | Fraction | float | None:
        """A value its owner already rounded: *shown* in ``"decimal"`` mode.

        For a ranked total, whose figure as shown was fixed by its
        scorecard's policy when it was ranked.

        >>> from decimal import Decimal
        >>> from fractions import Fraction
        >>> Cells("decimal").shown(Fraction(1, 3), Decimal("0.3"))
        Decimal('0.3')
        """
        if self.numeric == "decimal":
            return shown
        return self._cell(exact, self.rounding)

    def _cell(
        self, value: Fraction | None, policy: RoundingPolicy
    ) -> Decimal | Fraction | float | None:
        if value is None:
            return None
        if self.numeric == "exact":
            return value
        if self.numeric == "float":
            return float(value)
        return policy.apply(value)


def frame_from_rows(  # noqa: PLR0913 - each dtype family is named
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[str],
    *,
    index: str | Sequence[str],
    numeric_columns: Iterable[str] = (),
    numeric: NumericMode = DEFAULT_NUMERIC,
    count_columns: Iterable[str] = (),
    label_columns: Iterable[str] | Mapping[str, Sequence[str]] = (),
    attrs: Mapping[str, object] | None = None,
) -> pd.DataFrame:
    """A DataFrame of *rows* with *columns* in order, indexed by *index* (or several).

    The one place frames get their dtypes:

    * *numeric_columns* get ``float64`` dtype in ``"float"`` mode (``None``
      becomes ``NaN``) and ``object`` dtype otherwise, so
      :class:`~decimal.Decimal` and :class:`~fractions.Fraction` cells stay
      exactly what they are (and a column of ``None`` stays one);
    * *count_columns* (ranks, counts) get the nullable ``Int64`` dtype;
    * *label_columns* get a ``category`` dtype whose categories are the
      values in the order first met; given as a mapping, each column's
      categories come in the order it gives (a tree's order of series, say),
      then any value it does not list, as met;
    * *attrs* become the frame's :attr:`~pandas.DataFrame.attrs` (column
      titles, a partial season's banner), which Parquet keeps.

    Raises:
        MissingExtraError: without pandas (the ``frames`` extra).

    >>> frame = frame_from_rows(
    ...     [
    ...         {"id": "a", "x": 0.5, "rank": 1, "series": "党群部门"},
    ...         {"id": "b", "x": None, "rank": None, "series": "政府工作部门"},
    ...     ],
    ...     ["id", "x", "rank", "series"],
    ...     index="id",
    ...     numeric_columns=["x"],
    ...     count_columns=["rank"],
    ...     label_columns=["series"],
    ... )
    >>> [str(t) for t in frame.dtypes], frame.index.tolist()
    (['float64', 'Int64', 'category'], ['a', 'b'])
    >>> list(frame["series"].cat.categories)
    ['党群部门', '政府工作部门']
    """
    records = list(rows)
    try:
        import pandas as pd  # noqa: PLC0415 - optional extra, imported on use
    except ImportError:
        raise MissingExtraError("frames", "DataFrames (to_frame)") from None
    frame = pd.DataFrame.from_records(records, columns=list(columns))
    for column in numeric_columns:
        frame[column] = frame[column].astype(
            "float64" if numeric == "float" else object
        )
    for column in count_columns:
        frame[column] = frame[column].astype("Int64")
    order: Mapping[str, Sequence[str]] = (
        label_columns if isinstance(label_columns, Mapping) else {}
    )
    for column in label_columns:
        given = [*order.get(column, ()), *frame[column].dropna()]
        seen = [v for v in dict.fromkeys(given) if v is not None]
        frame[column] = frame[column].astype(pd.CategoricalDtype(seen))
    frame = frame.set_index(index if isinstance(index, str) else list(index))
    frame.attrs.update(attrs or {})
    return frame
