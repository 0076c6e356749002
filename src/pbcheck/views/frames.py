"""DataFrames of scorecards, rankings and outcomes, for notebooks (数据表).

Needs the ``frames`` extra (pandas), imported only when a function is called;
without it every function raises :class:`~pbcheck.errors.MissingExtraError`.

How exact numbers arrive in a frame — the ``numeric`` argument of every
function:

* ``"decimal"`` (the default): each score is a :class:`~decimal.Decimal`
  rounded **once** by the scorecard's :class:`~pbcheck.RoundingPolicy` (two
  places, 四舍五入 by default), exactly the figure that
  :meth:`pbcheck.Scorecard.show` prints; the column has ``object`` dtype.
  Attainments (完成度, ratios in ``[0, 1]``) keep two more places than
  scores (``0.8821`` for 88.21%).
* ``"exact"``: each score is the exact :class:`~fractions.Fraction`
  (``object`` dtype) — for checking sums to the last digit.
* ``"float"``: ``float64`` columns, for plotting and statistics only; they
  are *not* exact (``0.1`` is not one tenth) and must never be written back
  as results.

Text and flags (ids, titles, grades, reasons, ``commended`` …) are the same
in every mode.

>>> from pbcheck.examples.small import scorecards
>>> frame = scorecards_frame(scorecards({"a": "85.125", "b": 90}))
>>> frame.loc["a", "total"]
Decimal('85.13')
>>> floats = scorecards_frame(scorecards({"a": "85.125"}), numeric="float")
>>> str(floats["total"].dtype), float(floats.loc["a", "total"])
('float64', 85.125)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

from pbcheck._numbers import RoundingPolicy
from pbcheck.errors import InvalidValueError, MissingExtraError
from pbcheck.model.rubric import ROOT

if TYPE_CHECKING:
    import pandas as pd

    from pbcheck.model.org import OrgTree
    from pbcheck.outcomes.ranking import Ranking
    from pbcheck.outcomes.season import Outcomes
    from pbcheck.scoring.scorecard import Scorecard

__all__ = [
    "NumericMode",
    "outcomes_frame",
    "ranking_frame",
    "scorecard_frame",
    "scorecards_frame",
]

#: How exact numbers are put in a frame: ``"decimal"``, ``"exact"`` or ``"float"``.
NumericMode: TypeAlias = Literal["decimal", "exact", "float"]

_MODES = ("decimal", "exact", "float")


def _check(numeric: str) -> None:
    if numeric not in _MODES:
        raise InvalidValueError(
            "numeric", numeric, "must be 'decimal', 'exact' or 'float'"
        )


class _Number:
    """Turns an exact value into what the chosen mode puts in a cell."""

    def __init__(self, numeric: NumericMode, rounding: RoundingPolicy) -> None:
        self.numeric = numeric
        self.rounding = rounding
        self.ratio = RoundingPolicy(places=rounding.places + 2, mode=rounding.mode)

    def score(self, value: Fraction | None) -> Decimal | Fraction | float | None:
        return self._cell(value, self.rounding)

    def share(self, value: Fraction | None) -> Decimal | Fraction | float | None:
        return self._cell(value, self.ratio)

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


def _frame(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    index: str,
    numeric_columns: Sequence[str],
    numeric: NumericMode,
) -> pd.DataFrame:
    try:
        import pandas as pd  # noqa: PLC0415 - optional extra, imported on use
    except ImportError:
        raise MissingExtraError("frames", "DataFrames (to_frame)") from None
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    for column in numeric_columns:
        frame[column] = frame[column].astype(
            "float64" if numeric == "float" else object
        )
    return frame.set_index(index)


def _parents(card: Scorecard) -> dict[str, str]:
    return {
        child: section_id
        for section_id, section in card.sections.items()
        for child in section.children
    }


_CARD_COLUMNS = (
    "indicator_id",
    "title",
    "section",
    "bonus",
    "points",
    "max_points",
    "attainment",
    "possible",
    "contribution",
    "reason",
)
_CARD_NUMBERS = ("points", "max_points", "attainment", "possible", "contribution")


def scorecard_frame(
    card: Scorecard, *, numeric: NumericMode = "decimal"
) -> pd.DataFrame:
    """One row per indicator of *card* (bonus indicators last), indexed by id.

    Columns: ``title``, ``section`` (the section the indicator sits in, ``""``
    for a bonus indicator), ``bonus``, ``points`` (on the indicator's own
    scale), ``max_points``, ``attainment`` (``points / max_points``),
    ``possible`` (its share of the total) and ``contribution`` (what it adds
    to the base), and ``reason``.  See the module for *numeric*.

    >>> from pbcheck.examples.small import scorecards
    >>> (card,) = scorecards({"a": "85.125"}, bonus={"a": 2})
    >>> frame = scorecard_frame(card)
    >>> list(frame.index), frame.loc["i", "points"], list(frame["bonus"])
    (['i', 'b'], Decimal('83.13'), [False, True])
    """
    _check(numeric)
    number = _Number(numeric, card.rounding)
    parents = _parents(card)
    rows = [
        {
            "indicator_id": result.indicator_id,
            "title": result.title,
            "section": "" if result.bonus else parents.get(result.indicator_id, ""),
            "bonus": result.bonus,
            "points": number.score(result.points),
            "max_points": number.score(result.max_points),
            "attainment": number.share(result.attainment),
            "possible": number.score(result.possible),
            "contribution": number.score(result.contribution),
            "reason": result.reason,
        }
        for result in (*card.indicators.values(), *card.bonus)
    ]
    return _frame(rows, _CARD_COLUMNS, "indicator_id", _CARD_NUMBERS, numeric)


_CARDS_NUMBERS = (
    "base",
    "bonus_claimed",
    "bonus",
    "deductions_claimed",
    "deductions",
    "total",
)


def scorecards_frame(
    cards: Iterable[Scorecard],
    *,
    tree: OrgTree | None = None,
    numeric: NumericMode = "decimal",
) -> pd.DataFrame:
    """One row per scorecard, indexed by unit id and sorted by it.

    Columns: ``name`` and ``series`` (with *tree*, else empty), ``base``,
    ``bonus_claimed``, ``bonus`` (counted), ``deductions_claimed``,
    ``deductions`` (counted), ``total``, ``disqualified`` (一票否决),
    ``vetoes`` (the triggered veto ids, ``、``-joined), then one column per
    section of the rubric (its points), named by section id in rubric order
    (``section:<id>`` when an id is also the name of a column above).
    Rows are sorted by unit id, so the frame never depends on input order.

    >>> from pbcheck.examples.small import scorecards
    >>> frame = scorecards_frame(scorecards({"b": 70, "a": 90}, vetoed={"b"}))
    >>> list(frame.index), list(frame["disqualified"]), frame.loc["a", "s"]
    (['a', 'b'], [False, True], Decimal('90.00'))
    """
    _check(numeric)
    ordered = sorted(cards, key=lambda c: c.unit_id)
    # Every section of any card, each once, in the order first seen.
    sections = list(
        dict.fromkeys(s for card in ordered for s in _section_order(card) if s != ROOT)
    )
    fixed = {"unit_id", "name", "series", *_CARDS_NUMBERS, "disqualified", "vetoes"}
    names = {s: f"section:{s}" if s in fixed else s for s in sections}
    rows = []
    for card in ordered:
        number = _Number(numeric, card.rounding)
        unit = tree[card.unit_id] if tree is not None and card.unit_id in tree else None
        row: dict[str, object] = {
            "unit_id": card.unit_id,
            "name": unit.name if unit is not None else "",
            "series": (unit.series or "") if unit is not None else "",
            "base": number.score(card.base),
            "bonus_claimed": number.score(card.bonus_claimed),
            "bonus": number.score(card.bonus_counted),
            "deductions_claimed": number.score(card.deductions_claimed),
            "deductions": number.score(card.deductions_counted),
            "total": number.score(card.total),
            "disqualified": card.disqualified,
            "vetoes": "、".join(v.veto_id for v in card.vetoes),
        }
        for section_id in sections:
            section = card.sections.get(section_id)
            row[names[section_id]] = (
                None if section is None else number.score(section.points)
            )
        rows.append(row)
    columns = (
        "unit_id",
        "name",
        "series",
        *_CARDS_NUMBERS,
        "disqualified",
        "vetoes",
        *names.values(),
    )
    return _frame(rows, columns, "unit_id", (*_CARDS_NUMBERS, *names.values()), numeric)


def _section_order(card: Scorecard) -> list[str]:
    """Section ids top-down (parents before children), in rubric order."""
    order: list[str] = []

    def visit(section_id: str) -> None:
        order.append(section_id)
        for child in card.sections[section_id].children:
            if child in card.sections:
                visit(child)

    if ROOT in card.sections:
        visit(ROOT)
    return order


_RANKING_COLUMNS = (
    "unit_id",
    "rank",
    "position",
    "total",
    "disqualified",
    "tied_with",
    "reason",
)


def ranking_frame(
    ranking: Ranking, *, numeric: NumericMode = "decimal"
) -> pd.DataFrame:
    """One row per ranked unit, best first, indexed by unit id.

    Columns: ``rank`` (under the tie rule), ``position`` (strict order),
    ``total``, ``disqualified``, ``tied_with`` (``、``-joined ids) and
    ``reason``.  With ``numeric="decimal"`` the total is the figure shown
    (:attr:`~pbcheck.outcomes.ranking.RankedUnit.shown`); with ``"exact"`` the exact
    total.

    >>> from pbcheck.outcomes.ranking import rank
    >>> from pbcheck.examples.small import scorecards
    >>> frame = ranking_frame(rank(scorecards({"a": 80, "b": 90, "c": 80})))
    >>> list(frame.index), list(frame["rank"]), frame.loc["a", "tied_with"]
    (['b', 'a', 'c'], [1, 2, 2], 'c')
    """
    _check(numeric)
    rows = [
        {
            "unit_id": entry.unit_id,
            "rank": entry.rank,
            "position": entry.position,
            "total": _total(entry.total, entry.shown, numeric),
            "disqualified": entry.disqualified,
            "tied_with": "、".join(entry.tied_with),
            "reason": entry.reason,
        }
        for entry in ranking
    ]
    return _frame(rows, _RANKING_COLUMNS, "unit_id", ("total",), numeric)


def _total(
    exact: Fraction, shown: Decimal, numeric: NumericMode
) -> Decimal | Fraction | float:
    if numeric == "exact":
        return exact
    if numeric == "float":
        return float(exact)
    return shown


_OUTCOME_COLUMNS = (
    "unit_id",
    "series",
    "rank",
    "total",
    "grade",
    "commended",
    "bottom",
    "vetoed",
    "commendation_status",
    "rank_reason",
    "grade_reason",
    "commendation_reason",
    "bottom_reason",
)


def outcomes_frame(
    outcomes: Outcomes, *, numeric: NumericMode = "decimal"
) -> pd.DataFrame:
    """One row per unit: series, rank, total, grade, lists and every reason.

    Rows follow the series (in the order of :attr:`Outcomes.rankings
    <pbcheck.outcomes.season.Outcomes.rankings>`) and, within a series, the ranking
    order.  Columns: ``series``, ``rank`` (within the series), ``total``,
    ``grade`` (等次), ``commended`` (表彰), ``bottom`` (处于后位), ``vetoed``
    (一票否决), ``commendation_status`` (``eligible`` / ``ineligible`` /
    ``held``), and the reasons ``rank_reason``, ``grade_reason``,
    ``commendation_reason`` and ``bottom_reason``.

    >>> from pbcheck.outcomes.season import assess_outcomes
    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> outcomes = assess_outcomes(
    ...     scorecards({"a": 95, "b": 80, "c": 60, "d": 85, "e": 88}),
    ...     org_tree({"党群部门": ["a", "b", "c", "d", "e"]}),
    ... )
    >>> frame = outcomes_frame(outcomes)
    >>> row = frame.loc["a"]
    >>> int(row["rank"]), row["grade"], bool(row["commended"]), bool(row["bottom"])
    (1, '好', True, False)
    >>> frame.loc["c", "bottom_reason"]
    '总分 60.00，排第 5 名；位列本组倒数 1，在后位名额 1 个（至多 1 个）之内'
    """
    _check(numeric)
    rows = []
    for series, table in outcomes.rankings.items():
        for entry in table:
            uid = entry.unit_id
            decision = outcomes.commendation.of(uid)
            bottom = outcomes.bottom.of(uid)
            grade = outcomes.grades.of(uid)
            rows.append(
                {
                    "unit_id": uid,
                    "series": series,
                    "rank": entry.rank,
                    "total": _total(entry.total, entry.shown, numeric),
                    "grade": grade.label,
                    "commended": decision.selected,
                    "bottom": bottom.at_bottom,
                    "vetoed": entry.disqualified,
                    "commendation_status": decision.status,
                    "rank_reason": entry.reason,
                    "grade_reason": grade.reason,
                    "commendation_reason": decision.reason,
                    "bottom_reason": bottom.reason,
                }
            )
    return _frame(rows, _OUTCOME_COLUMNS, "unit_id", ("total",), numeric)
