"""Rankings (排名) within a series, a liaison group, or overall.

Comprehensive assessment compares units within their *series* (系列:
政府工作部门 / 党群部门 / 垂直管理部门); :func:`rank_within` ranks each series
(or each liaison group, 联系片) on its own, :func:`rank` ranks any set of
scorecards.

The rules, each a field of :class:`RankingPolicy`:

* **Ties** (并列): ``"competition"`` by default — 1, 2, 2, 4, as sports tables
  and most party offices write them; ``"dense"`` — 1, 2, 2, 3;
  ``"ordinal"`` — a strict order 1, 2, 3, 4 in which tied units are put in
  order by exact total, then base score (基础分, before bonus and deductions),
  then unit id (so the order never depends on the input order).
* **What ties compare**: ``basis="exact"`` (the default) compares the exact
  totals (:class:`~fractions.Fraction`); ``basis="rounded"`` compares the
  totals as shown (the scorecard's :class:`~pbcheck.RoundingPolicy`).  Exact
  is the default because rounding happens only at presentation: two units
  that both *show* 85.33 but differ by 1/300 of a point are not tied, and the
  reason of each entry says so, so an office can see why.  Choose
  ``"rounded"`` when the published table must be the sole basis.
* **Vetoed units** (一票否决, :attr:`~pbcheck.Scorecard.disqualified`) are
  ranked after every unit that was not vetoed, whatever they scored, and
  among themselves by score with the same tie rule; their ranks continue the
  numbering (in a series of five with one vetoed unit, it is 5th).

Quotas (名额) for grades, commendation and bottom lists are :class:`Quota`
values: at most ``count`` units, at most ``share`` of the group's units
rounded down (向下取整), or the smaller of the two.

>>> from pbcheck.examples.small import scorecards
>>> table = rank(scorecards({"a": 90, "b": 85, "c": 85, "d": 70}))
>>> [(e.unit_id, e.rank) for e in table]
[('a', 1), ('b', 2), ('c', 2), ('d', 4)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from pbcheck._numbers import format_exact as _f
from pbcheck._numbers import to_exact
from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownReferenceError,
    _Problems,
    member,
)
from pbcheck.model.org import OrgTree, OrgUnit
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html
from pbcheck.views.frames import Cells, NumericMode, check_numeric, frame_from_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NO_GROUP",
    "NO_SERIES",
    "Quota",
    "RankedUnit",
    "Ranking",
    "RankingPolicy",
    "TieBasis",
    "TieMethod",
    "by_unit",
    "group_cards",
    "rank",
    "rank_within",
    "ranking_frame",
    "take_top",
]

#: How tied units are numbered.
TieMethod: TypeAlias = Literal["competition", "dense", "ordinal"]
#: What is compared to decide a tie: exact totals or totals as shown.
TieBasis: TypeAlias = Literal["exact", "rounded"]

#: The group name of units whose ``series`` is ``None``.
NO_SERIES = "未分系列"
#: The group name of units whose ``liaison_group`` is ``None``.
NO_GROUP = "未分联系片"


@attrs.frozen
class RankingPolicy:
    """How units are ranked; see the module documentation for each rule.

    Args:
        ties: ``"competition"`` (1, 2, 2, 4; default), ``"dense"`` (1, 2, 2, 3)
            or ``"ordinal"`` (1, 2, 3, 4, tie-broken by exact total, base,
            unit id).
        basis: ``"exact"`` (default) or ``"rounded"`` totals decide ties.

    >>> RankingPolicy(ties="dense").ties
    'dense'
    """

    ties: TieMethod = attrs.field(
        default="competition",
        validator=attrs.validators.in_(("competition", "dense", "ordinal")),
    )
    basis: TieBasis = attrs.field(
        default="exact", validator=attrs.validators.in_(("exact", "rounded"))
    )

    def compared(self, card: Scorecard) -> Fraction:
        """The value that decides order and ties for *card* under this policy.

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": "85.333"})
        >>> RankingPolicy(basis="rounded").compared(card)
        Fraction(8533, 100)
        """
        if self.basis == "rounded":
            return Fraction(card.rounded_total)
        return card.total


@attrs.frozen
class RankedUnit:
    """One unit's place in a :class:`Ranking`.

    Args:
        unit_id: the unit.
        rank: its rank under the tie rule (1 is best).
        position: its 1-based place in the strict, deterministic order.
        total: the exact total.
        shown: the total as shown (rounded by the scorecard's policy).
        compared: the value that decided order and ties (exact or rounded).
        disqualified: vetoed (一票否决); ranked after every other unit.
        tied_with: ids of the units it shares ``compared`` with (and the
            veto status).
        reason: why it has this rank, in Chinese.

    >>> from pbcheck.examples.small import scorecards
    >>> first = rank(scorecards({"a": 80, "b": 80})).entries[0]
    >>> first.rank, first.shown, first.tied_with
    (1, Decimal('80.00'), ('b',))
    >>> first.reason
    '总分 80.00，排第 1 名；与 b 精确总分相同，并列'
    """

    unit_id: str
    rank: int
    position: int
    total: Fraction
    shown: Decimal
    compared: Fraction
    disqualified: bool
    tied_with: tuple[str, ...]
    reason: str

    def ties(self, other: RankedUnit) -> bool:
        """Whether *other* is tied with this unit (same value, same veto status).

        >>> from pbcheck.examples.small import scorecards
        >>> a, b = rank(scorecards({"a": 80, "b": 80}))
        >>> a.ties(b)
        True
        """
        return (self.disqualified, self.compared) == (
            other.disqualified,
            other.compared,
        )


def _entries(value: Iterable[RankedUnit]) -> tuple[RankedUnit, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class Ranking:
    """A ranked table of units: entries in their strict order, best first.

    ``repr`` fits a terminal line, ``print`` gives the table, a notebook shows
    it as HTML, and :meth:`to_frame` gives a DataFrame.

    Args:
        scope: what was ranked, e.g. ``系列：政府工作部门`` or ``全部``.
        policy: the rules used.
        entries: one :class:`RankedUnit` per unit, best first.

    >>> from pbcheck.examples.small import scorecards
    >>> table = rank(scorecards({"a": 70, "b": 90}), scope="示例")
    >>> table.rank_of("b"), table.unit_ids
    (1, ('b', 'a'))
    >>> table
    <Ranking 示例: 2 个单位，第 1 名 b 90.00>
    """

    scope: str
    policy: RankingPolicy
    entries: tuple[RankedUnit, ...] = attrs.field(converter=_entries)

    def __repr__(self) -> str:
        head = f"<Ranking {self.scope}: {len(self)} 个单位"
        if self.entries:
            first = self.entries[0]
            head += f"，第 1 名 {first.unit_id} {first.shown}"
        return head + ">"

    def _repr_html_(self) -> str:
        """Rank, unit, total and flags, best first."""
        rows = [
            [
                entry.rank,
                entry.unit_id,
                str(entry.shown),
                "一票否决" if entry.disqualified else "",
                "、".join(entry.tied_with),
            ]
            for entry in self
        ]
        return html.titled(
            f"排名（{self.scope}，{len(self)} 个单位）",
            html.table(["名次", "单位", "总分", "否决", "并列"], rows),
        )

    def to_frame(self, *, numeric: NumericMode = "decimal") -> pd.DataFrame:
        """One row per unit, best first; see :func:`ranking_frame`.

        Needs the ``frames`` extra (pandas).

        >>> from pbcheck.examples.small import scorecards
        >>> rank(scorecards({"a": 70, "b": 90})).to_frame().index.tolist()
        ['b', 'a']
        """
        return ranking_frame(self, numeric=numeric)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[RankedUnit]:
        return iter(self.entries)

    def __contains__(self, unit_id: object) -> bool:
        return any(entry.unit_id == unit_id for entry in self.entries)

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Unit ids in the strict order, best first.

        >>> from pbcheck.examples.small import scorecards
        >>> rank(scorecards({"a": 70, "b": 90})).unit_ids
        ('b', 'a')
        """
        return tuple(entry.unit_id for entry in self.entries)

    def entry(self, unit_id: str) -> RankedUnit:
        """The entry of *unit_id*; :class:`KeyError` if it was not ranked.

        >>> from pbcheck.examples.small import scorecards
        >>> rank(scorecards({"a": 70, "b": 90})).entry("a").position
        2
        """
        for entry in self.entries:
            if entry.unit_id == unit_id:
                return entry
        raise KeyError(unit_id)

    def rank_of(self, unit_id: str) -> int:
        """The rank of *unit_id*; :class:`KeyError` if it was not ranked.

        >>> from pbcheck.examples.small import scorecards
        >>> rank(scorecards({"a": 90, "b": 90, "c": 80})).rank_of("c")
        3
        """
        return self.entry(unit_id).rank

    def lines(self) -> list[str]:
        """The table as plain text lines: a heading, then one line per unit.

        >>> from pbcheck.examples.small import scorecards
        >>> for line in rank(scorecards({"a": 70, "b": 90})).lines():
        ...     print(line)
        排名（全部，2 个单位）
            1  b  90.00
            2  a  70.00
        """
        out = [f"排名（{self.scope}，{len(self)} 个单位）"]
        out.extend(
            f"  {entry.rank:>3}  {entry.unit_id}  {entry.shown}"
            + ("  一票否决" if entry.disqualified else "")
            + (f"  并列：{'、'.join(entry.tied_with)}" if entry.tied_with else "")
            for entry in self.entries
        )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _optional_exact(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, ("quota", "share"))


@attrs.frozen
class Quota:
    """A cap on how many units of a group may be given something (名额).

    ``count`` caps the number; ``share`` caps the fraction of the group's
    units, rounded **down** (e.g. 20% of 12 units is 2, not 2.4 or 3); with
    both, the smaller applies.  The group counts *every* unit in it, vetoed
    ones included.

    >>> Quota(share="0.2").limit(12), Quota(count=3, share="0.5").limit(4)
    (2, 2)
    """

    count: int | None = None
    share: Fraction | None = attrs.field(default=None, converter=_optional_exact)

    def __attrs_post_init__(self) -> None:
        problems = _Problems("invalid quota")
        if self.count is None and self.share is None:
            problems.add(
                InvalidValueError(("quota",), None, "give a count, a share, or both")
            )
        if self.count is not None and (
            isinstance(self.count, bool)
            or not isinstance(self.count, int)
            or self.count < 0
        ):
            problems.add(
                InvalidValueError(
                    ("quota", "count"), self.count, "must be a whole number ≥ 0"
                )
            )
        if self.share is not None and not 0 <= self.share <= 1:
            problems.add(
                InvalidValueError(
                    ("quota", "share"), _f(self.share), "must lie within [0, 1]"
                )
            )
        problems.raise_if_any()

    def limit(self, group_size: int) -> int:
        """The most units a group of *group_size* may have (shares rounded down).

        >>> Quota(count=3, share="0.2").limit(40)
        3
        """
        limits = []
        if self.count is not None:
            limits.append(self.count)
        if self.share is not None:
            limits.append((self.share * group_size).__floor__())
        return min(limits)

    def describe(self, group_size: int) -> str:
        """The limit in words, e.g. ``名额 2 个（12 个单位 × 20%，向下取整）``.

        >>> Quota(share="0.2").describe(12)
        '名额 2 个（12 个单位 × 20%，向下取整）'
        """
        parts = []
        if self.count is not None:
            parts.append(f"至多 {self.count} 个")
        if self.share is not None:
            parts.append(f"{group_size} 个单位 × {_f(self.share * 100)}%，向下取整")
        return f"名额 {self.limit(group_size)} 个（{'；'.join(parts)}）"


def _check_cards(
    scorecards: Iterable[Scorecard], problems: _Problems, tree: OrgTree | None
) -> list[Scorecard]:
    cards: list[Scorecard] = []
    seen: set[str] = set()
    for index, card in enumerate(scorecards):
        if not isinstance(card, Scorecard):
            problems.add(
                InvalidTypeError(("scorecards", index), card, "must be a Scorecard")
            )
            continue
        if card.unit_id in seen:
            # Named by position: its id would name the first scorecard.
            problems.add(
                DuplicateIdError(
                    ("scorecards", index, "unit_id"),
                    card.unit_id,
                    "has two scorecards",
                )
            )
            continue
        if tree is not None and card.unit_id not in tree:
            problems.add(
                UnknownReferenceError(
                    ("scorecards", member(index, card.unit_id), "unit_id"),
                    card.unit_id,
                    "names no unit in the org tree",
                )
            )
            continue
        seen.add(card.unit_id)
        cards.append(card)
    return cards


def _ordered(cards: Sequence[Scorecard], policy: RankingPolicy) -> list[Scorecard]:
    """The strict order: not vetoed first, value, exact total, base, unit id."""
    return sorted(
        cards,
        key=lambda c: (
            c.disqualified,
            -policy.compared(c),
            -c.total,
            -c.base,
            c.unit_id,
        ),
    )


def _ranked(
    cards: Sequence[Scorecard], policy: RankingPolicy
) -> tuple[RankedUnit, ...]:
    ordered = _ordered(cards, policy)
    groups: list[list[Scorecard]] = []
    for card in ordered:
        key = (card.disqualified, policy.compared(card))
        if (
            groups
            and (groups[-1][0].disqualified, policy.compared(groups[-1][0])) == key
        ):
            groups[-1].append(card)
        else:
            groups.append([card])
    entries: list[RankedUnit] = []
    position = 0
    for dense, group in enumerate(groups, start=1):
        first = position + 1
        for offset, card in enumerate(group):
            position += 1
            number = {"competition": first, "dense": dense, "ordinal": position}[
                policy.ties
            ]
            others = tuple(c.unit_id for c in group if c is not card)
            entries.append(
                RankedUnit(
                    unit_id=card.unit_id,
                    rank=number,
                    position=position,
                    total=card.total,
                    shown=card.rounded_total,
                    compared=policy.compared(card),
                    disqualified=card.disqualified,
                    tied_with=others,
                    reason=_reason(card, number, others, offset, policy),
                )
            )
    return tuple(entries)


def _reason(
    card: Scorecard,
    number: int,
    others: tuple[str, ...],
    offset: int,
    policy: RankingPolicy,
) -> str:
    score = f"总分 {card.show(card.total)}"
    if Fraction(card.rounded_total) != card.total:
        score += f"（精确值 {_f(card.total)}）"
    text = f"{score}，排第 {number} 名"
    if card.disqualified:
        text += "；一票否决，排在所有未被否决的单位之后"
    if others:
        basis = "展示分" if policy.basis == "rounded" else "精确总分"
        if policy.ties == "ordinal":
            text += (
                f"；与 {'、'.join(others)} {basis}相同，按精确总分、基础分、单位编号"
                f"依次排序，居同分第 {offset + 1} 位"
            )
        else:
            text += f"；与 {'、'.join(others)} {basis}相同，并列"
    return text


def rank(
    scorecards: Iterable[Scorecard],
    policy: RankingPolicy | None = None,
    *,
    scope: str = "全部",
) -> Ranking:
    """Rank *scorecards* against each other under *policy*.

    The result never depends on the order of *scorecards*.

    Raises:
        ValidationError: a unit has two scorecards, or an item is not a
            :class:`~pbcheck.Scorecard`.

    >>> from pbcheck.examples.small import scorecards
    >>> table = rank(scorecards({"a": 80, "b": 90}, vetoed={"b"}))
    >>> [(e.unit_id, e.rank, e.disqualified) for e in table]
    [('a', 1, False), ('b', 2, True)]
    """
    policy = policy or RankingPolicy()
    problems = _Problems("invalid scorecards for ranking")
    cards = _check_cards(scorecards, problems, None)
    problems.raise_if_any()
    return Ranking(scope, policy, _ranked(cards, policy))


def group_cards(
    scorecards: Iterable[Scorecard],
    tree: OrgTree,
    by: Literal["series", "liaison_group", "all"],
) -> dict[str, list[Scorecard]]:
    """Scorecards grouped by their unit's series or liaison group (or all in one).

    Groups appear in tree order; a unit whose series (liaison group) is
    ``None`` is in :data:`NO_SERIES` (:data:`NO_GROUP`).

    Raises:
        ValidationError: a scorecard names no unit of *tree*, or a unit has
            two scorecards.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a"], "政府工作部门": ["b"]})
    >>> list(group_cards(scorecards({"a": 1, "b": 2}), tree, "series"))
    ['党群部门', '政府工作部门']
    """
    problems = _Problems("invalid scorecards for ranking")
    cards = _check_cards(scorecards, problems, tree)
    problems.raise_if_any()
    if by not in ("series", "liaison_group", "all"):
        raise InvalidValueError(
            ("by",), by, "must be 'series', 'liaison_group' or 'all'"
        )
    key: Callable[[OrgUnit], str] = {
        "series": lambda u: u.series or NO_SERIES,
        "liaison_group": lambda u: u.liaison_group or NO_GROUP,
        "all": lambda _: "全部",
    }[by]
    order = {unit.id: index for index, unit in enumerate(tree)}
    groups: dict[str, list[Scorecard]] = {}
    for card in sorted(cards, key=lambda c: order[c.unit_id]):
        groups.setdefault(key(tree[card.unit_id]), []).append(card)
    return groups


_SCOPE_PREFIX = {"series": "系列：", "liaison_group": "联系片：", "all": ""}


def rank_within(
    scorecards: Iterable[Scorecard],
    tree: OrgTree,
    policy: RankingPolicy | None = None,
    *,
    by: Literal["series", "liaison_group", "all"] = "series",
) -> dict[str, Ranking]:
    """One :class:`Ranking` per series (系列) or per liaison group (联系片).

    Args:
        scorecards: the season's scorecards; each must name a unit of *tree*.
        tree: the org tree that says which series / group a unit is in.
        policy: ranking rules (competition ties on exact totals by default).
        by: ``"series"`` (default), ``"liaison_group"``, or ``"all"`` for one
            overall ranking keyed ``全部``.

    Units of the tree without a scorecard are not ranked.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"政府工作部门": ["a", "b"], "党群部门": ["c"]})
    >>> tables = rank_within(scorecards({"a": 80, "b": 90, "c": 70}), tree)
    >>> {series: table.unit_ids for series, table in tables.items()}
    {'政府工作部门': ('b', 'a'), '党群部门': ('c',)}
    """
    policy = policy or RankingPolicy()
    groups = group_cards(scorecards, tree, by)
    return {
        name: Ranking(f"{_SCOPE_PREFIX[by]}{name}", policy, _ranked(cards, policy))
        for name, cards in groups.items()
    }


def take_top(
    ordered: Sequence[RankedUnit], limit: int
) -> tuple[tuple[RankedUnit, ...], tuple[RankedUnit, ...]]:
    """The first *limit* entries, never more: units tied at the cut-off all drop.

    Returns ``(taken, dropped_at_cut_off)``.  If the entry just past the
    cut-off ties (:meth:`RankedUnit.ties`) with the last one taken, every
    unit with that value is left out, so a quota is never exceeded.

    >>> from pbcheck.examples.small import scorecards
    >>> table = rank(scorecards({"a": 95, "b": 94, "c": 94}))
    >>> taken, dropped = take_top(table.entries, 2)
    >>> [e.unit_id for e in taken], [e.unit_id for e in dropped]
    (['a'], ['b', 'c'])
    """
    if limit >= len(ordered):
        return tuple(ordered), ()
    if limit <= 0:
        return (), ()
    taken = list(ordered[:limit])
    if ordered[limit].ties(taken[-1]):
        boundary = taken[-1]
        dropped = tuple(e for e in ordered if e.ties(boundary))
        taken = [e for e in taken if not e.ties(boundary)]
        return tuple(taken), dropped
    return tuple(taken), ()


def by_unit(tables: Mapping[str, Ranking]) -> dict[str, tuple[str, RankedUnit]]:
    """Each ranked unit's group name and entry, across *tables*.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a"]})
    >>> by_unit(rank_within(scorecards({"a": 60}), tree))["a"][0]
    '党群部门'
    """
    return {
        entry.unit_id: (name, entry)
        for name, table in tables.items()
        for entry in table
    }


# -- DataFrames (the ``frames`` extra) -------------------------------------------

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
    (:attr:`RankedUnit.shown`); with ``"exact"`` the exact total (see
    :mod:`pbcheck.views.frames` for the modes).  Needs the ``frames`` extra
    (pandas); :meth:`Ranking.to_frame` is the same.

    >>> from pbcheck.examples.small import scorecards
    >>> frame = ranking_frame(rank(scorecards({"a": 80, "b": 90, "c": 80})))
    >>> list(frame.index), list(frame["rank"]), frame.loc["a", "tied_with"]
    (['b', 'a', 'c'], [1, 2, 2], 'c')
    """
    check_numeric(numeric)
    cells = Cells(numeric)
    rows = [
        {
            "unit_id": entry.unit_id,
            "rank": entry.rank,
            "position": entry.position,
            "total": cells.shown(entry.total, entry.shown),
            "disqualified": entry.disqualified,
            "tied_with": "、".join(entry.tied_with),
            "reason": entry.reason,
        }
        for entry in ranking
    ]
    return frame_from_rows(
        rows,
        _RANKING_COLUMNS,
        index="unit_id",
        numeric_columns=("total",),
        numeric=numeric,
    )
