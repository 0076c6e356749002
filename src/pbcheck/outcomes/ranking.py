"""Rankings (排名) within a series, a liaison group, any grouping, or overall.

Comprehensive assessment compares units within their *series* (系列:
政府工作部门 / 党群部门 / 垂直管理部门); :func:`rank_within` ranks each series
(or each liaison group, 联系片, or each group of any grouping of the org
tree, e.g. a 纪检联系片) on its own, :func:`rank` ranks any set of
scorecards.

The rules, each a field of :class:`RankingPolicy`:

* **What is compared** (比较依据): ``basis="rounded"`` (the default) compares
  the *published* totals (公布分), the totals as shown — rounded once by the
  rubric's :class:`~pbcheck.RoundingPolicy`, two places 四舍五入 unless the
  rubric says otherwise — because offices publish totals to two decimals and
  rank on what they publish: two units both shown as 85.33 are tied, even if
  they differ by 1/300 of a point.  ``basis="exact"`` compares the exact
  totals (:class:`~fractions.Fraction`) instead; each entry's reason then
  shows the longer decimal that decided (``总分 85.3333…（公布为 85.33）``).
  This is pbcheck's default, not a regulation: choose what your office's
  rules say.
* **Ties** (并列): ``"competition"`` by default — 1, 2, 2, 4, as sports tables
  and most party offices write them; ``"dense"`` — 1, 2, 2, 3;
  ``"ordinal"`` — a strict order 1, 2, 3, 4 in which tied units are put in
  order by the total before rounding, then base score (基础分, before bonus
  and deductions), then unit id (so the order never depends on the input
  order).
* **Vetoed units** (一票否决, :attr:`~pbcheck.Scorecard.disqualified`) are
  ranked after every unit that was not vetoed, whatever they scored, and
  among themselves by score with the same tie rule; their ranks continue the
  numbering (in a series of five with one vetoed unit, it is 5th).
* **Comparable groups only** (可比): units are ranked against each other
  only when their scorecards come from the same rubric (the same
  ``rubric_id`` and ``rubric_version``), or from rubrics the policy declares
  comparable (``comparable=``, allowed only for rubrics with the same full
  points, 满分).  A group that mixes other rubrics is an error naming the
  group, its units and their rubrics, unless ``mixed_rubrics="split"``: then
  each rubric's units are ranked apart, in a group whose name says the
  rubric (``政府工作部门（细则 zf 1）``).  Per-unit rubrics made from one
  template keep its id and version, so they are comparable by construction.
* **Assessed, not publicly ranked** (参加考核、不参加公开排名):
  ``unranked=`` names units, each with the reason, that are scored, graded
  and reported like every unit but left out of every ranked table, so they
  take no place, no commendation and no bottom place and are not counted in
  any quota's group size.  Offices do this for sensitive bodies such as the
  纪检监察机关 where their rules say so; whom to leave out is the rubric's
  own rule, never pbcheck's default.

Quotas (名额) for grades, commendation and bottom lists are :class:`Quota`
values: at most ``count`` units, at most ``share`` of the group's units
rounded down (向下取整), or the smaller of the two.

>>> from pbcheck.examples.small import scorecards
>>> table = rank(scorecards({"a": 90, "b": 85, "c": 85, "d": 70}))
>>> [(e.unit_id, e.rank) for e in table]
[('a', 1), ('b', 2), ('c', 2), ('d', 4)]
>>> table.entry("b").reason
'总分 85.00，排第 2 名；与 c 公布分 85.00 相同，并列'
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from pbcheck._numbers import format_exact as _f
from pbcheck._numbers import one_of, to_exact
from pbcheck.errors import (
    DuplicateIdError,
    Id,
    InvalidTypeError,
    InvalidValueError,
    UnknownReferenceError,
    _Problems,
    member,
)
from pbcheck.model.org import OrgTree
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html
from pbcheck.views.frames import Cells, NumericMode, check_numeric, frame_from_rows

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NO_GROUP",
    "NO_SERIES",
    "MixedRubrics",
    "Quota",
    "RankedUnit",
    "Ranking",
    "RankingPolicy",
    "TieBasis",
    "TieMethod",
    "by_unit",
    "comparable_groups",
    "group_cards",
    "group_name",
    "rank",
    "rank_within",
    "ranking_frame",
    "take_top",
]

#: How tied units are numbered.
TieMethod: TypeAlias = Literal["competition", "dense", "ordinal"]
#: What is compared to order units and decide a tie: totals as shown
#: (published, ``"rounded"``) or exact totals.
TieBasis: TypeAlias = Literal["exact", "rounded"]
#: What to do with a group whose scorecards come from rubrics that are not
#: comparable: refuse it, or rank each rubric's units apart.
MixedRubrics: TypeAlias = Literal["refuse", "split"]

#: The group name of units whose ``series`` is ``None``.
NO_SERIES = "未分系列"
#: The group name of units whose ``liaison_group`` is ``None``.
NO_GROUP = "未分联系片"


def _comparable(value: object) -> object:
    # Sets of ids in any iterable form; anything else is left to the validator.
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return tuple(
            frozenset(ids)
            if isinstance(ids, Iterable) and not isinstance(ids, str | bytes)
            else ids
            for ids in value
        )
    return value


def _unranked(value: object) -> object:
    return dict(value) if isinstance(value, Mapping) else value


def _check_unranked(
    _: object, __: attrs.Attribute[Mapping[str, str]], value: object
) -> None:
    """A mapping of unit id → non-blank reason; every problem gathered."""
    problems = _Problems("invalid ranking policy")
    here = ("policy", "unranked")
    if not isinstance(value, dict):
        problems.add(
            InvalidTypeError(
                here, value, "must be a mapping of unit id → reason (不参加排名的理由)"
            )
        )
        problems.raise_if_any()
    assert isinstance(value, dict)  # noqa: S101 - refused above
    for unit_id, reason in value.items():
        if not isinstance(unit_id, str) or not unit_id.strip():
            problems.add(
                InvalidValueError((*here, "unit_id"), unit_id, "must be a unit id")
            )
        elif not isinstance(reason, str) or not reason.strip():
            problems.add(
                InvalidValueError(
                    (*here, Id(unit_id)),
                    reason,
                    "must say why the unit is not ranked (non-blank text)",
                )
            )
    problems.raise_if_any()


def _check_comparable(
    _: object, attribute: attrs.Attribute[tuple[frozenset[str], ...]], value: object
) -> None:
    """Each declared set holds rubric ids as text, no id in two sets."""
    where = ("policy", attribute.name)
    if not isinstance(value, tuple):
        raise InvalidValueError(where, value, "must be a tuple of sets of rubric ids")
    problems = _Problems("invalid comparable rubrics")
    seen: dict[str, int] = {}
    for index, ids in enumerate(value):
        if not isinstance(ids, frozenset) or not ids:
            problems.add(
                InvalidValueError(
                    (*where, index), ids, "must be a non-empty set of rubric ids"
                )
            )
            continue
        for rubric_id in sorted(ids, key=str):
            if not isinstance(rubric_id, str) or not rubric_id.strip():
                problems.add(
                    InvalidValueError(
                        (*where, index), rubric_id, "a rubric id must be non-empty text"
                    )
                )
            elif rubric_id in seen:
                problems.add(
                    InvalidValueError(
                        (*where, index),
                        rubric_id,
                        f"is already declared comparable in set {seen[rubric_id]}; "
                        "put the rubrics in one set",
                    )
                )
            else:
                seen[rubric_id] = index
    problems.raise_if_any()


@attrs.frozen
class RankingPolicy:
    """How units are ranked; see the module documentation for each rule.

    Args:
        ties: ``"competition"`` (1, 2, 2, 4; default), ``"dense"`` (1, 2, 2, 3)
            or ``"ordinal"`` (1, 2, 3, 4, tie-broken by the total before
            rounding, base, unit id).
        basis: ``"rounded"`` (default: the published totals, 公布分) or
            ``"exact"`` totals decide order and ties.
        comparable: sets of rubric ids declared comparable (every version of
            each), e.g. ``({"zf", "qz"},)``; units of those rubrics are ranked
            together.  Only rubrics with the same full points may be declared
            so; ranking checks it.
        mixed_rubrics: a group holding rubrics that are not comparable is
            refused (``"refuse"``, default) or ranked rubric by rubric
            (``"split"``).
        unranked: unit id → reason for units assessed but not publicly
            ranked (参加考核、不参加公开排名): left out of every ranking and
            of the group sizes quotas count.  Empty by default.

    >>> RankingPolicy(ties="dense").ties, RankingPolicy().basis
    ('dense', 'rounded')
    >>> RankingPolicy(unranked={"jw": "纪检监察机关不参加公开排名"}).unranked
    {'jw': '纪检监察机关不参加公开排名'}
    >>> RankingPolicy(unranked={"jw": " "})
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid ranking policy: 1 problem
      policy.unranked[jw]: must say why the unit is not ranked (non-blank text) (got ' ')
    >>> RankingPolicy(comparable=[["zf", "qz"]]).comparable == (
    ...     frozenset({"zf", "qz"}),
    ... )
    True
    """

    ties: TieMethod = attrs.field(
        default="competition",
        validator=one_of(("competition", "dense", "ordinal"), "policy"),
    )
    basis: TieBasis = attrs.field(
        default="rounded", validator=one_of(("exact", "rounded"), "policy")
    )
    comparable: tuple[frozenset[str], ...] = attrs.field(
        default=(), converter=_comparable, validator=_check_comparable
    )
    mixed_rubrics: MixedRubrics = attrs.field(
        default="refuse", validator=one_of(("refuse", "split"), "policy")
    )
    unranked: Mapping[str, str] = attrs.field(
        factory=dict, converter=_unranked, validator=_check_unranked, hash=False
    )

    def ranks(self, card: Scorecard) -> bool:
        """Whether *card*'s unit takes a place in rankings (not ``unranked``).

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": 80})
        >>> (
        ...     RankingPolicy().ranks(card),
        ...     RankingPolicy(unranked={"a": "不排名"}).ranks(card),
        ... )
        (True, False)
        """
        return card.unit_id not in self.unranked

    def compared(self, card: Scorecard) -> Fraction:
        """The value that decides order and ties for *card* under this policy.

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": "85.333"})
        >>> RankingPolicy().compared(card), RankingPolicy(basis="exact").compared(card)
        (Fraction(8533, 100), Fraction(85333, 1000))
        """
        if self.basis == "rounded":
            return Fraction(card.rounded_total)
        return card.total

    def rubric_group(self, card: Scorecard) -> str:
        """The name of the rubrics *card* may be ranked with.

        ``细则 <id> <version>`` for a rubric of its own, or the declared
        ids, ``、``-joined, for rubrics declared comparable.

        >>> from pbcheck.examples.small import scorecards
        >>> (card,) = scorecards({"a": 80})
        >>> RankingPolicy().rubric_group(card)
        '细则 simple 1'
        >>> RankingPolicy(comparable=[{"simple", "other"}]).rubric_group(card)
        '细则 other、simple（声明可比）'
        """
        for ids in self.comparable:
            if card.rubric_id in ids:
                return f"细则 {'、'.join(sorted(ids))}（声明可比）"
        return f"细则 {card.rubric_id} {card.rubric_version}"


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
    '总分 80.00，排第 1 名；与 b 公布分 80.00 相同，并列'
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
        >>> for line in rank(scorecards({"ZF08": 100, "党1": 90})).lines():
        ...     print(line)
        排名（全部，2 个单位）
            1  ZF08  100.00
            2  党1    90.00
        """
        # Columns line up: ids padded to the widest (a CJK character is two
        # columns wide in a terminal), totals right-aligned.
        id_width = max((_width(e.unit_id) for e in self.entries), default=0)
        total_width = max((len(str(e.shown)) for e in self.entries), default=0)
        out = [f"排名（{self.scope}，{len(self)} 个单位）"]
        out.extend(
            (
                f"  {entry.rank:>3}  {entry.unit_id}"
                f"{' ' * (id_width - _width(entry.unit_id))}"
                f"  {entry.shown!s:>{total_width}}"
                + ("  一票否决" if entry.disqualified else "")
                + (f"  并列：{'、'.join(entry.tied_with)}" if entry.tied_with else "")
            )
            for entry in self.entries
        )
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _width(text: str) -> int:
    """Terminal columns of *text*: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


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
    cards: Sequence[Scorecard], policy: RankingPolicy, *, every: bool = False
) -> tuple[RankedUnit, ...]:
    # Units assessed but not publicly ranked take no place: the tables, the
    # lists and the quotas built on them leave them out here.  ``every``
    # orders all of *cards* (rank(), which grading uses to order every
    # assessed unit).
    ordered = _ordered([c for c in cards if every or policy.ranks(c)], policy)
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
    # Units that show the same total but were not tied (exact basis): each
    # reason says why, so the table never seems to contradict what is shown.
    showing: dict[tuple[bool, Decimal], list[str]] = {}
    for card in ordered:
        showing.setdefault((card.disqualified, card.rounded_total), []).append(
            card.unit_id
        )
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
            same_shown = tuple(
                uid
                for uid in showing[card.disqualified, card.rounded_total]
                if uid != card.unit_id and uid not in others
            )
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
                    reason=_reason(
                        card, number, group, offset, policy, same_shown=same_shown
                    ),
                )
            )
    return tuple(entries)


def _longer(value: Fraction, places: int) -> str:
    """*value* as a decimal longer than its shown form, never as a fraction.

    Exactly, when it ends within six more places than shown; else its first
    four more places and ``…`` (digits cut, not rounded, so each one is true).

    >>> _longer(Fraction("89.996"), 2), _longer(Fraction(26749787, 306000), 2)
    ('89.996', '87.417604…')
    >>> _longer(Fraction(-1, 3), 2)
    '-0.333333…'
    """
    sign = "-" if value < 0 else ""
    size = abs(value)
    for extra in range(places + 1, places + 7):
        scaled = size * 10**extra
        if scaled.denominator == 1:
            digits = str(scaled.numerator).rjust(extra + 1, "0")
            return f"{sign}{digits[:-extra]}.{digits[-extra:]}"
    extra = places + 4
    digits = str((size * 10**extra).__floor__()).rjust(extra + 1, "0")
    return f"{sign}{digits[:-extra]}.{digits[-extra:]}…"


def _total_text(total: Fraction, shown: Decimal, *, exact: bool) -> str:
    """The total as a reason shows it: ``总分 90.00``, or with the longer value.

    With *exact* and an exact total that differs from the shown one, the
    longer decimal comes first and the published value after it, so the
    reason says what decided and still agrees with the table.

    >>> _total_text(Fraction("89.996"), Decimal("90.00"), exact=False)
    '总分 90.00'
    >>> _total_text(Fraction("89.996"), Decimal("90.00"), exact=True)
    '总分 89.996（公布为 90.00）'
    """
    if exact and Fraction(shown) != total:
        places = -int(shown.as_tuple().exponent)
        return f"总分 {_longer(total, places)}（公布为 {shown}）"
    return f"总分 {shown}"


def _same_text(entry: RankedUnit, others: str, policy: RankingPolicy) -> str:
    """``与 b 公布分 80.00 相同``: what *entry* shares with *others*, by basis."""
    if policy.basis == "exact":
        return f"与 {others} 总分（未经四舍五入）相同"
    return f"与 {others} 公布分 {entry.shown} 相同"


def _reason(  # noqa: PLR0913 - the entry, its tie group and what it decided
    card: Scorecard,
    number: int,
    group: Sequence[Scorecard],
    offset: int,
    policy: RankingPolicy,
    *,
    same_shown: tuple[str, ...],
) -> str:
    others = [c.unit_id for c in group if c is not card]
    exact_basis = policy.basis == "exact"
    # On the published basis the value before rounding matters only when it
    # orders units that tie (ordinal ties) and differs between them.
    breaks_tie = policy.ties == "ordinal" and len({c.total for c in group}) > 1
    text = (
        f"{_total_text(card.total, card.rounded_total, exact=exact_basis or breaks_tie)}"
        f"，排第 {number} 名"
    )
    if card.disqualified:
        text += "；一票否决，排在所有未被否决的单位之后"
    if others:
        names = "、".join(others)
        if exact_basis:
            same = f"与 {names} 总分（未经四舍五入）相同"
            order = "按基础分、单位编号"
        else:
            same = f"与 {names} 公布分 {card.show(card.total)} 相同"
            order = "按未经四舍五入的总分、基础分、单位编号"
        if policy.ties == "ordinal":
            text += f"；{same}，{order}依次排序，居同分第 {offset + 1} 位"
        else:
            text += f"；{same}，并列"
    if same_shown:
        text += (
            f"；与 {'、'.join(same_shown)} 公布分相同，但本表按未经四舍五入的总分"
            "排名，不并列"
        )
    return text


def _declared(policy: RankingPolicy, card: Scorecard) -> int | None:
    """The index of the set of ``policy.comparable`` that holds *card*'s rubric."""
    for index, ids in enumerate(policy.comparable):
        if card.rubric_id in ids:
            return index
    return None


def _split(
    groups: Mapping[str, Sequence[Scorecard]], policy: RankingPolicy, by: str
) -> list[tuple[str, str, list[Scorecard]]]:
    """Comparable groups as ``(name, group it came from, scorecards)``.

    Raises:
        ValidationError: see :func:`comparable_groups`.
    """
    problems = _Problems("incomparable rubrics in a ranking group")
    out: list[tuple[str, str, list[Scorecard]]] = []
    for name, cards in groups.items():
        classes: dict[str, list[Scorecard]] = {}
        for card in cards:
            classes.setdefault(policy.rubric_group(card), []).append(card)
        for label, members in classes.items():
            full = {c.max_total for c in members}
            if len(full) == 1:
                continue
            points = "；".join(
                f"{c.rubric_id} {c.rubric_version} 满分 {_f(c.max_total)}"
                for c in {(c.rubric_id, c.rubric_version): c for c in members}.values()
            )
            declared = _declared(policy, members[0])
            if declared is not None:
                problems.add(
                    InvalidValueError(
                        ("policy", "comparable", declared),
                        sorted(policy.comparable[declared]),
                        f"declares rubrics comparable whose full points differ "
                        f"({points}) in {by} group {name}; only rubrics with the "
                        "same full points can be ranked together",
                    )
                )
            else:
                problems.add(
                    InvalidValueError(
                        (by, Id(name)),
                        label,
                        f"holds scorecards of one rubric with different full "
                        f"points ({points})",
                    )
                )
        if len(classes) <= 1:
            out.append((name, name, list(cards)))
        elif policy.mixed_rubrics == "split":
            out.extend(
                (f"{name}（{label}）", name, members)
                for label, members in classes.items()
            )
        else:
            held = "; ".join(
                f"{label}: {', '.join(c.unit_id for c in members)}"
                for label, members in classes.items()
            )
            problems.add(
                InvalidValueError(
                    (by, Id(name)),
                    name,
                    f"mixes rubrics that are not comparable ({held}); rank each "
                    "rubric's units apart (RankingPolicy(mixed_rubrics='split')) "
                    "or declare rubrics of equal full points comparable "
                    "(RankingPolicy(comparable=...))",
                )
            )
    problems.raise_if_any()
    return out


def comparable_groups(
    groups: Mapping[str, Sequence[Scorecard]],
    policy: RankingPolicy | None = None,
    *,
    by: str = "all",
) -> dict[str, list[Scorecard]]:
    """*groups* made comparable under *policy*: refused, or split by rubric.

    A group whose scorecards all come from one rubric (or from rubrics
    declared comparable, of equal full points) is kept as it is.  A group
    mixing others is refused, or, with ``mixed_rubrics="split"``, becomes
    one group per rubric named ``<group>（细则 <id> <version>）``.

    Args:
        groups: group name → scorecards, e.g. from :func:`group_cards`.
        policy: the ranking rules (``comparable``, ``mixed_rubrics``).
        by: the grouping the groups belong to, to name a refused group.

    Raises:
        ValidationError: every refused group (naming it, its units and their
            rubrics), and every declared set whose full points differ.

    >>> import attrs
    >>> from pbcheck.examples.small import scorecards
    >>> a, b = scorecards({"a": 80, "b": 90})
    >>> groups = {"党群部门": [a, attrs.evolve(b, rubric_id="other")]}
    >>> list(comparable_groups(groups, RankingPolicy(mixed_rubrics="split")))
    ['党群部门（细则 simple 1）', '党群部门（细则 other 1）']
    >>> comparable_groups(groups, by="series")
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: incomparable rubrics in a ranking group: 1 problem
      series[党群部门]: mixes rubrics that are not comparable (细则 simple 1: a; 细则 other 1: b); ...
    """
    split = _split(groups, policy or RankingPolicy(), by)
    return {name: cards for name, _, cards in split}


def rank(
    scorecards: Iterable[Scorecard],
    policy: RankingPolicy | None = None,
    *,
    scope: str = "全部",
) -> Ranking:
    """Rank *scorecards* against each other under *policy*.

    The result never depends on the order of *scorecards*.  Every scorecard
    given is ranked, even of a unit the policy leaves ``unranked``: choosing
    the cards is the caller's (grading orders every assessed unit with this);
    the published tables of :func:`rank_within` and the commendation and
    bottom lists leave such units out.  They must be
    comparable (see the module documentation): one table cannot be split,
    so a mix of rubrics is refused even with ``mixed_rubrics="split"``;
    :func:`rank_within` splits.

    Raises:
        ValidationError: a unit has two scorecards, an item is not a
            :class:`~pbcheck.Scorecard`, or the scorecards mix rubrics that
            are not comparable.

    >>> from pbcheck.examples.small import scorecards
    >>> table = rank(scorecards({"a": 80, "b": 90}, vetoed={"b"}))
    >>> [(e.unit_id, e.rank, e.disqualified) for e in table]
    [('a', 1, False), ('b', 2, True)]
    """
    policy = policy or RankingPolicy()
    problems = _Problems("invalid scorecards for ranking")
    cards = _check_cards(scorecards, problems, None)
    problems.raise_if_any()
    comparable_groups({scope: cards}, attrs.evolve(policy, mixed_rubrics="refuse"))
    return Ranking(scope, policy, _ranked(cards, policy, every=True))


#: The grouping names every tree knows, besides its own groupings.
_BUILT_IN = ("series", "liaison_group", "all")


def group_name(by: str, group: str | None) -> str:
    """The name of *group* of grouping *by*, with the name of "in no group".

    A unit outside every series is in :data:`NO_SERIES`, outside every
    liaison group in :data:`NO_GROUP`, and outside a grouping of its tree's
    own in ``未分<grouping>``.

    >>> group_name("series", None), group_name("纪检联系片", None)
    ('未分系列', '未分纪检联系片')
    >>> group_name("纪检联系片", "第二片")
    '第二片'
    """
    if group is not None:
        return group
    if by == "series":
        return NO_SERIES
    if by == "liaison_group":
        return NO_GROUP
    return f"未分{by}"


def _scope(by: str, name: str) -> str:
    prefix = {"series": "系列：", "liaison_group": "联系片：", "all": ""}
    return f"{prefix.get(by, f'{by}：')}{name}"


def group_cards(
    scorecards: Iterable[Scorecard],
    tree: OrgTree,
    by: str,
) -> dict[str, list[Scorecard]]:
    """Scorecards grouped by their unit's group in grouping *by* (or all in one).

    *by* is ``"series"``, ``"liaison_group"``, ``"all"`` or the name of a
    grouping of the tree's units (:attr:`~pbcheck.OrgUnit.groupings`).
    Groups appear in tree order; a unit in no group is in the group named by
    :func:`group_name` (e.g. :data:`NO_SERIES`).

    Raises:
        ValidationError: a scorecard names no unit of *tree*, or a unit has
            two scorecards.
        InvalidValueError: *by* names no grouping of *tree*; the message
            lists those it has.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"党群部门": ["a"], "政府工作部门": ["b"]})
    >>> list(group_cards(scorecards({"a": 1, "b": 2}), tree, "series"))
    ['党群部门', '政府工作部门']
    >>> group_cards(scorecards({"a": 1}), tree, "纪检联系片")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: by: is not a grouping of the org tree (known: series, liaison_group, all) (got '纪检联系片')
    """
    problems = _Problems("invalid scorecards for ranking")
    cards = _check_cards(scorecards, problems, tree)
    problems.raise_if_any()
    known = (*_BUILT_IN, *tree.groupings)
    if not isinstance(by, str) or by not in known:
        raise InvalidValueError(
            ("by",),
            by,
            f"is not a grouping of the org tree (known: {', '.join(known)})",
        )
    order = {unit.id: index for index, unit in enumerate(tree)}
    groups: dict[str, list[Scorecard]] = {}
    for card in sorted(cards, key=lambda c: order[c.unit_id]):
        name = group_name(by, tree[card.unit_id].group_of(by))
        groups.setdefault(name, []).append(card)
    return groups


def rank_within(
    scorecards: Iterable[Scorecard],
    tree: OrgTree,
    policy: RankingPolicy | None = None,
    *,
    by: str = "series",
) -> dict[str, Ranking]:
    """One :class:`Ranking` per series (系列), liaison group (联系片) or any group.

    Args:
        scorecards: the season's scorecards; each must name a unit of *tree*.
        tree: the org tree that says which group a unit is in.
        policy: ranking rules (competition ties on published totals by
            default; groups must be comparable, see the module docs).
        by: ``"series"`` (default), ``"liaison_group"``, the name of a
            grouping of the tree (e.g. ``"纪检联系片"``), or ``"all"`` for
            one overall ranking keyed ``全部``.

    Units of the tree without a scorecard are not ranked, nor are units the
    policy leaves ``unranked`` (assessed, not publicly ranked).  A group split by
    rubric (``mixed_rubrics="split"``) gives one ranking per rubric, keyed
    ``<group>（细则 <id> <version>）``.

    Raises:
        ValidationError: as :func:`group_cards`, and a group mixing rubrics
            that are not comparable (see :func:`comparable_groups`).

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"政府工作部门": ["a", "b"], "党群部门": ["c"]})
    >>> tables = rank_within(scorecards({"a": 80, "b": 90, "c": 70}), tree)
    >>> {series: table.unit_ids for series, table in tables.items()}
    {'政府工作部门': ('b', 'a'), '党群部门': ('c',)}
    """
    policy = policy or RankingPolicy()
    groups = comparable_groups(group_cards(scorecards, tree, by), policy, by=by)
    return {
        name: Ranking(_scope(by, name), policy, _ranked(cards, policy))
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
