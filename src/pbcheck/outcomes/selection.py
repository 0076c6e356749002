"""Commendation and bottom lists (评先评优 / 处于后位), with eligibility gates.

Results are "the basis for selecting 党建工作先进单位 and 一先两优", and

    对考评处于后位的机关党组织取消该党组织和单位领导评先评优资格。
    -- 南平市，关于进一步完善机关党建工作责任制的思考

So there are two lists, each decided per series (系列) by default:

* :func:`bottom_list` — who is **at the bottom** (处于后位): the bottom
  ``count`` / ``share`` of a series (:class:`~pbcheck.outcomes.ranking.Quota`; each
  series may have its own, e.g. bottom 3 in one and bottom 5 in another),
  and/or every unit below a score, and (by default) every vetoed unit.
  pbcheck's defaults, as offices apply the rule (none of them is a
  regulation; each is a field of :class:`BottomPolicy`):

  - a vetoed unit (一票否决) is handled by its veto consequence and listed
    for it, but takes **no** quota place: the bottom places go to the
    lowest-ranked units without a veto, so the weakest real performer does
    not escape (``vetoed_in_quota=True`` lets vetoed units fill the places,
    as pbcheck did before);
  - units tied at the last bottom place are **all** named (``ties="include"``;
    ``"spare"`` spares them all, so the list never exceeds the quota);
  - a group with fewer than ``min_group_size`` units competing for the
    places (default 2) has no bottom place: one unit is not "behind" anyone.

  Scores are compared on the ranking's basis (the published total by
  default), for the quota's cut-off and for ``below`` alike.
* :func:`commendation_list` — who is **eligible** and who is **selected**.
  Eligibility gates are separate from the score, and each is reported:

  ====================  =====================================================
  gate                  fails when
  ====================  =====================================================
  ``veto``              the unit was vetoed (一票否决)
  ``bottom``            the unit is on the bottom list (处于后位)
  ``min_score``         the total is below ``min_score``
  ``rating``            the democratic rating (民主测评) is below
                        ``min_rating``, was flagged, or — *held* — is
                        missing or not quorate
  ``accountability``    an :class:`AccountabilityRecord` of ``block_from``
                        severity or heavier (诫勉 by default) fell within the
                        assessment period; a *pending* case of any kind
                        holds the result (结果暂缓) instead
  ====================  =====================================================

  A unit that fails a gate is ineligible; one that fails none but is held
  is neither eligible nor ineligible until the case is decided, and takes no
  place.  Eligible units are then selected in ranking order up to the
  series' quota; units tied at the cut-off all drop, so the quota is never
  exceeded (pbcheck's default: a commendation quota is a number of awards
  the office may not exceed, unlike a bottom quota, which must not let a
  unit escape).  ``min_score`` compares on the ranking's basis.

Both lists are decided within comparable groups only (see
:mod:`pbcheck.outcomes.ranking`): units of rubrics that are not comparable
never compete for the same places.

>>> from pbcheck.examples.small import org_tree, scorecards
>>> tree = org_tree({"政府工作部门": ["a", "b", "c", "d"]})
>>> cards = scorecards({"a": 95, "b": 90, "c": 80, "d": 60})
>>> bottom = bottom_list(cards, tree, BottomPolicy(Quota(count=1)))
>>> bottom.unit_ids
('d',)
>>> chosen = commendation_list(
...     cards, tree, CommendationPolicy(Quota(count=2)), bottom=bottom
... )
>>> chosen.unit_ids
('a', 'b')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck._numbers import Exact, one_of, to_exact, whole_at_least
from pbcheck._numbers import format_exact as _f
from pbcheck.errors import InvalidTypeError, InvalidValueError, _Problems
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import OrgTree
from pbcheck.outcomes.ranking import (
    Quota,
    RankedUnit,
    Ranking,
    RankingPolicy,
    _check_cards,
    _ranked,
    _same_text,
    _split,
    _total_text,
    group_cards,
    take_top,
)
from pbcheck.outcomes.rating import RatingResult
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html

__all__ = [
    "AccountabilityKind",
    "AccountabilityRecord",
    "BottomDecision",
    "BottomList",
    "BottomPolicy",
    "CommendationDecision",
    "CommendationList",
    "CommendationPolicy",
    "GateResult",
    "bottom_list",
    "commendation_list",
]


class AccountabilityKind(StrEnum):
    """Kinds of accountability or discipline (问责 / 处分), lightest first.

    :attr:`severity` orders them; the commendation gate blocks a kind at or
    above its ``block_from`` (诫勉 by default).

    >>> [kind.label_zh for kind in AccountabilityKind][:3]
    ['谈话提醒', '批评教育', '责令检查']
    """

    REMINDER = "reminder"
    """谈话提醒 — a reminder talk."""
    CRITICISM = "criticism"
    """批评教育 — criticism and education."""
    SELF_EXAMINATION = "self_examination"
    """责令检查 — ordered to write a self-examination."""
    CIRCULATED_CRITICISM = "circulated_criticism"
    """通报批评 — public (circulated) criticism."""
    ADMONISHMENT = "admonishment"
    """诫勉 — admonishment (诫勉谈话 or a written 诫勉)."""
    ORGANISATIONAL = "organisational"
    """组织调整或组织处理 — reassignment, removal, ordered resignation, …"""
    DISCIPLINE = "discipline"
    """纪律处分 — party or government discipline."""

    @property
    def severity(self) -> int:
        """Position in the order above, 1 for the lightest.

        >>> AccountabilityKind.ADMONISHMENT.severity > AccountabilityKind.REMINDER.severity
        True
        """
        return list(AccountabilityKind).index(self) + 1

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``诫勉``.

        >>> AccountabilityKind.CIRCULATED_CRITICISM.label_zh
        '通报批评'
        """
        return _KIND_LABELS[self]


_KIND_LABELS = {
    AccountabilityKind.REMINDER: "谈话提醒",
    AccountabilityKind.CRITICISM: "批评教育",
    AccountabilityKind.SELF_EXAMINATION: "责令检查",
    AccountabilityKind.CIRCULATED_CRITICISM: "通报批评",
    AccountabilityKind.ADMONISHMENT: "诫勉",
    AccountabilityKind.ORGANISATIONAL: "组织处理",
    AccountabilityKind.DISCIPLINE: "纪律处分",
}


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError((attribute.name,), value, "must be a non-empty string")


def _date(_: object, attribute: attrs.Attribute[date], value: date) -> None:
    if not isinstance(value, date):
        raise InvalidTypeError((attribute.name,), value, "must be a datetime.date")


@attrs.frozen
class AccountabilityRecord:
    """An accountability or discipline fact about a unit or its leaders (问责记录).

    Kept apart from the :class:`~pbcheck.Evaluation`: it is an input to
    eligibility, not to the score.

    Args:
        unit_id: the unit concerned (its leadership included).
        kind: what was decided, or, if pending, what the case is about.
        on: the date of the decision (or of opening the case, if pending).
        pending: the case is open and its result not yet decided.
        note: free text, e.g. the document number.

    >>> AccountabilityRecord("czj", "admonishment", date(2025, 10, 8)).kind.label_zh
    '诫勉'
    """

    unit_id: str = attrs.field(validator=_text)
    kind: AccountabilityKind = attrs.field(converter=AccountabilityKind)
    on: date = attrs.field(validator=_date)
    pending: bool = False
    note: str = ""


def _per_series(value: object) -> dict[str, Quota]:
    """A copy of *value*, a mapping of series to :class:`Quota`, each checked.

    A copy, so that a later change to the caller's dict cannot change a
    frozen policy.

    >>> _per_series({"党群部门": 3})
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid policy: 1 problem
      policy.per_series["党群部门"]: must be a Quota (got 3)
    """
    if not isinstance(value, Mapping):
        raise InvalidTypeError(
            ("policy", "per_series"), value, "must be a mapping of series to Quota"
        )
    problems = _Problems("invalid policy")
    copy: dict[str, Quota] = {}
    for series, quota in value.items():
        if not isinstance(series, str) or not series.strip():
            problems.add(
                InvalidValueError(
                    ("policy", "per_series"),
                    series,
                    "a series must be a non-empty string",
                )
            )
        elif not isinstance(quota, Quota):
            problems.add(
                InvalidTypeError(
                    ("policy", "per_series", series), quota, "must be a Quota"
                )
            )
        else:
            copy[series] = quota
    problems.raise_if_any()
    return copy


def _kind(value: object) -> AccountabilityKind:
    """*value* as an :class:`AccountabilityKind`, or a library error listing them.

    >>> _kind("诫勉")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: policy.block_from: must be one of ...
    """
    if isinstance(value, AccountabilityKind):
        return value
    if isinstance(value, str):
        try:
            return AccountabilityKind(value)
        except ValueError:
            pass
    allowed = ", ".join(repr(kind.value) for kind in AccountabilityKind)
    raise InvalidValueError(
        ("policy", "block_from"), value, f"must be one of {allowed}"
    )


def _below(value: Exact | None) -> Fraction | None:
    return None if value is None else to_exact(value, ("policy", "below"))


@attrs.frozen
class BottomPolicy:
    """Who is at the bottom (处于后位) of each series.

    Args:
        quota: the bottom ``count`` / ``share`` of each group, or ``None``.
            A share counts every unit of the group, vetoed ones included.
        per_series: a different quota for some series, e.g.
            ``{"政府工作部门": Quota(count=5)}``.
        below: every unit whose total (on the ranking's basis: the
            published total by default) is below this score is at the bottom.
        vetoed: vetoed units (一票否决) are listed at the bottom (default
            ``True``), each with its veto as the reason.
        vetoed_in_quota: vetoed units take places of the bottom quota
            (default ``False``: the places go to the lowest-ranked units
            without a veto; a vetoed unit is handled by its veto).
        ties: ``"include"`` (default) — units tied at the quota's last place
            are all on the list; ``"spare"`` — they are all spared, so the
            list never exceeds the quota.
        min_group_size: a group with fewer units competing for the quota's
            places (vetoed units not counted unless ``vetoed_in_quota``) has
            no bottom place (default 2).  ``below`` and ``vetoed`` still
            apply: they compare no unit with another.
        group_by: ``"series"`` (default) or ``"all"``.

    >>> BottomPolicy(Quota(count=3), per_series={"党群部门": Quota(count=5)}).quota_for(
    ...     "党群部门"
    ... )
    Quota(count=5, share=None)
    >>> (
    ...     BottomPolicy().ties,
    ...     BottomPolicy().vetoed_in_quota,
    ...     BottomPolicy().min_group_size,
    ... )
    ('include', False, 2)
    """

    quota: Quota | None = None
    per_series: Mapping[str, Quota] = attrs.field(factory=dict, converter=_per_series)
    below: Fraction | None = attrs.field(default=None, converter=_below)
    vetoed: bool = True
    ties: Literal["spare", "include"] = attrs.field(
        default="include", validator=one_of(("spare", "include"), "policy")
    )
    group_by: Literal["series", "all"] = attrs.field(
        default="series", validator=one_of(("series", "all"), "policy")
    )
    vetoed_in_quota: bool = False
    min_group_size: int = attrs.field(default=2, validator=whole_at_least(1, "policy"))

    def quota_for(self, group: str) -> Quota | None:
        """The bottom quota of *group*.

        >>> BottomPolicy(Quota(count=1)).quota_for("党群部门")
        Quota(count=1, share=None)
        """
        return self.per_series.get(group, self.quota)


@attrs.frozen
class BottomDecision:
    """Whether one unit is at the bottom, and why.

    >>> from pbcheck.examples.small import scorecards
    >>> decision = bottom_list(scorecards({"a": 50}), None, BottomPolicy(below=60)).of(
    ...     "a"
    ... )
    >>> decision.at_bottom, decision.rank, decision.group
    (True, 1, '全部')
    """

    unit_id: str
    group: str
    rank: int
    at_bottom: bool
    reason: str


def _decisions(value: Iterable[BottomDecision]) -> tuple[BottomDecision, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class BottomList:
    """The bottom decision of every ranked unit, in ranking order per group.

    >>> from pbcheck.examples.small import scorecards
    >>> bottom = bottom_list(
    ...     scorecards({"a": 50, "b": 90}), None, BottomPolicy(below=60)
    ... )
    >>> bottom.unit_ids, bottom.of("a").reason
    (('a',), '总分 50.00，排第 2 名；低于 60 分')
    >>> bottom
    <BottomList: 处于后位 1 个，共 2 个单位>

    Args:
        policy: the rules applied.
        decisions: one per ranked unit.
        notes: group → why it has no bottom place (too few units).
    """

    policy: BottomPolicy
    decisions: tuple[BottomDecision, ...] = attrs.field(converter=_decisions)
    notes: Mapping[str, str] = attrs.field(factory=dict)

    def __repr__(self) -> str:
        return f"<BottomList: 处于后位 {len(self.unit_ids)} 个，共 {len(self.decisions)} 个单位>"

    def _repr_html_(self) -> str:
        """The units at the bottom and why."""
        return _listing_html("处于后位", [d for d in self if d.at_bottom])

    def __iter__(self) -> Iterator[BottomDecision]:
        return iter(self.decisions)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.unit_ids

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Ids of the units at the bottom.

        >>> from pbcheck.examples.small import scorecards
        >>> bottom_list(
        ...     scorecards({"a": 50, "b": 70}), None, BottomPolicy(below=60)
        ... ).unit_ids
        ('a',)
        """
        return tuple(d.unit_id for d in self.decisions if d.at_bottom)

    def of(self, unit_id: str) -> BottomDecision:
        """The decision about *unit_id*; :class:`KeyError` if it was not ranked.

        >>> from pbcheck.examples.small import scorecards
        >>> bottom_list(scorecards({"a": 70}), None, BottomPolicy(below=60)).of(
        ...     "a"
        ... ).reason
        '总分 70.00，排第 1 名；不处于后位'
        """
        for decision in self.decisions:
            if decision.unit_id == unit_id:
                return decision
        raise KeyError(unit_id)

    def lines(self) -> list[str]:
        """Plain text: a heading, one line per unit at the bottom, then the notes.

        >>> from pbcheck.examples.small import scorecards
        >>> bottom_list(scorecards({"a": 50}), None, BottomPolicy(below=60)).lines()
        ['处于后位（1 个单位）', '  全部  a：总分 50.00，排第 1 名；低于 60 分']
        >>> for line in bottom_list(
        ...     scorecards({"a": 50}), None, BottomPolicy(Quota(count=1))
        ... ).lines():
        ...     print(line)
        处于后位（0 个单位）
          全部：参与后位排名的单位 1 个，不足 2 个，不设后位名额
        """
        out = [f"处于后位（{len(self.unit_ids)} 个单位）"]
        out.extend(
            f"  {d.group}  {d.unit_id}：{d.reason}"
            for d in self.decisions
            if d.at_bottom
        )
        out.extend(f"  {group}：{note}" for group, note in self.notes.items())
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _tables(
    scorecards: Iterable[Scorecard],
    tree: OrgTree | None,
    ranking: RankingPolicy,
    group_by: Literal["series", "all"],
) -> list[tuple[str, str, Ranking]]:
    """``(group, group it came from, ranking)``: comparable groups, ranked.

    The second name is the series before any split by rubric, so that a
    series' own quota still applies to each of its parts.
    """
    if tree is None:
        problems = _Problems("invalid scorecards for ranking")
        groups = {"全部": _check_cards(scorecards, problems, None)}
        problems.raise_if_any()
        by = "all"
    else:
        groups = group_cards(scorecards, tree, group_by)
        by = group_by
    prefix = {"series": "系列：", "all": ""}[by]
    return [
        (name, base, Ranking(f"{prefix}{name}", ranking, _ranked(cards, ranking)))
        for name, base, cards in _split(groups, ranking, by)
    ]


def _head(entry: RankedUnit, ranking: RankingPolicy) -> str:
    exact = ranking.basis == "exact"
    return f"{_total_text(entry.total, entry.shown, exact=exact)}，排第 {entry.rank} 名"


def _from_bottom(pool: Sequence[RankedUnit], entry: RankedUnit) -> int:
    """*entry*'s place counted from the bottom of *pool*; tied units share it."""
    for index, other in enumerate(reversed(pool), start=1):
        if other.ties(entry):
            return index
    raise KeyError(entry.unit_id)  # pragma: no cover - entry is in pool


class _Bottom:
    """The decision of one group: quota places, ``below``, vetoes, reasons."""

    def __init__(
        self, table: Ranking, quota: Quota | None, policy: BottomPolicy
    ) -> None:
        self.table, self.quota, self.policy = table, quota, policy
        self.why: dict[str, list[str]] = {}
        self.spared: dict[str, str] = {}
        self.note: str | None = None
        self.vetoed_apart = not policy.vetoed_in_quota and any(
            e.disqualified for e in table
        )
        self.pool = [e for e in table if policy.vetoed_in_quota or not e.disqualified]

    def decide(self) -> None:
        if self.quota is not None:
            self._quota(self.quota)
        policy = self.policy
        for entry in self.table:
            if policy.below is not None and entry.compared < policy.below:
                # The head already shows the value that decided.
                self.why.setdefault(entry.unit_id, []).append(
                    f"低于 {_f(policy.below)} 分"
                )
            if entry.disqualified and policy.vetoed:
                self.why.setdefault(entry.unit_id, []).append(
                    "一票否决"
                    if policy.vetoed_in_quota
                    else "一票否决（按否决事项处理，不占后位名额）"
                )
            elif entry.disqualified and not policy.vetoed_in_quota:
                self.spared[entry.unit_id] = "一票否决，按否决事项处理，不占后位名额"

    def _quota(self, quota: Quota) -> None:
        size, pool, policy = len(self.table), self.pool, self.policy
        counted = "（一票否决单位不计）" if self.vetoed_apart else ""
        if len(pool) < policy.min_group_size:
            self.note = (
                f"参与后位排名的单位 {len(pool)} 个{counted}，"
                f"不足 {policy.min_group_size} 个，不设后位名额"
            )
            return
        limit = min(quota.limit(size), len(pool))
        described = quota.describe(size)
        taken, dropped = take_top(list(reversed(pool)), limit)
        among = "在本组未被一票否决的单位中" if self.vetoed_apart else "在本组"
        for entry in dropped:
            others = "、".join(e.unit_id for e in dropped if e is not entry)
            tied = (
                f"{_same_text(entry, others, self.table.policy)}，"
                f"{among}并列倒数第 {_from_bottom(pool, entry)}"
            )
            if policy.ties == "include":
                self.why.setdefault(entry.unit_id, []).append(
                    f"{tied}，处于后位{described}的名额线上，同分单位一并列入"
                )
            else:
                self.spared[entry.unit_id] = (
                    f"{tied}，处于后位{described}的名额线上，按本政策同分单位一律不列入"
                )
        for entry in taken:
            others = "、".join(
                e.unit_id for e in taken if e is not entry and e.ties(entry)
            )
            tied = (
                f"{_same_text(entry, others, self.table.policy)}，并列"
                if others
                else ""
            )
            self.why.setdefault(entry.unit_id, []).append(
                f"{tied}{among}位列倒数第 {_from_bottom(pool, entry)}，"
                f"在后位{described}之内"
            )

    def reason(self, entry: RankedUnit) -> str:
        head = _head(entry, self.table.policy)
        if entry.unit_id in self.why:
            return f"{head}；{'；'.join(self.why[entry.unit_id])}"
        if entry.unit_id in self.spared:
            return f"{head}；{self.spared[entry.unit_id]}"
        if self.note is not None:
            return f"{head}；不处于后位（{self.note}）"
        return f"{head}；不处于后位"


def bottom_list(
    scorecards: Iterable[Scorecard],
    tree: OrgTree | None,
    policy: BottomPolicy,
    *,
    ranking: RankingPolicy | None = None,
) -> BottomList:
    """Decide who is at the bottom (处于后位) of each series; see the module docs.

    Args:
        scorecards: one per unit.
        tree: the org tree (for series); ``None`` treats all units as one group.
        policy: the bottom rules.
        ranking: how units are ordered, what a tie is, and which rubrics are
            comparable.

    Raises:
        ValidationError: a unit has two scorecards, names no unit of *tree*,
            or a group mixes rubrics that are not comparable.

    >>> from pbcheck.examples.small import org_tree, scorecards
    >>> tree = org_tree({"政府工作部门": ["a", "b", "c"], "党群部门": ["d", "e"]})
    >>> cards = scorecards({"a": 90, "b": 80, "c": 80, "d": 70, "e": 60})
    >>> policy = BottomPolicy(Quota(count=1))
    >>> bottom_list(cards, tree, policy).unit_ids
    ('b', 'c', 'e')
    >>> print(bottom_list(cards, tree, policy).of("b").reason)
    总分 80.00，排第 2 名；与 c 公布分 80.00 相同，在本组并列倒数第 1，处于后位名额 1 个（至多 1 个）的名额线上，同分单位一并列入

    A vetoed unit is listed for its veto; the quota place goes to the lowest
    unit without one:

    >>> cards = scorecards({"a": 90, "b": 80, "c": 99}, vetoed={"c"})
    >>> bottom = bottom_list(cards, None, policy)
    >>> bottom.unit_ids
    ('b', 'c')
    >>> print(bottom.of("b").reason)
    总分 80.00，排第 2 名；在本组未被一票否决的单位中位列倒数第 1，在后位名额 1 个（至多 1 个）之内
    """
    ranking = ranking or RankingPolicy()
    decisions: list[BottomDecision] = []
    notes: dict[str, str] = {}
    for group, base, table in _tables(scorecards, tree, ranking, policy.group_by):
        decided = _Bottom(table, policy.quota_for(base), policy)
        decided.decide()
        if decided.note is not None:
            notes[group] = decided.note
        decisions.extend(
            BottomDecision(
                entry.unit_id,
                group,
                entry.rank,
                entry.unit_id in decided.why,
                decided.reason(entry),
            )
            for entry in table
        )
    return BottomList(policy, decisions, notes)


def _min_score(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, ("policy", "min_score"))


def _min_rating(value: object) -> Fraction | None:
    return None if value is None else to_exact(value, ("policy", "min_rating"))


@attrs.frozen
class CommendationPolicy:
    """Who may be commended (评先评优) and how many per series.

    Args:
        quota: places per group (``count`` / ``share``, shares rounded down).
        per_series: a different quota for some series.
        min_score: the lowest total that may be commended.
        min_rating: the lowest democratic rating (民主测评), measured by
            ``rating_measure``; with it, a missing or non-quorate rating
            holds the result.
        rating_measure: ``"good_rate"`` ((好 + 较好) / valid, default) or
            ``"weighted"`` (coefficient mean) — both in ``[0, 1]``.
        exclude_flagged_rating: a rating flagged as too poor (e.g. 差 ≥ 1/3)
            fails the gate (default ``True``).
        block_from: accountability of this severity or heavier within the
            assessment period makes a unit ineligible (诫勉 by default).
        exclude_bottom: units on the bottom list are ineligible (default).
        group_by: ``"series"`` (default) or ``"all"``.
        title: what is awarded, e.g. ``党建工作先进单位``.

    >>> CommendationPolicy(Quota(share="0.2"), min_score=85).min_score
    Fraction(85, 1)
    """

    quota: Quota
    per_series: Mapping[str, Quota] = attrs.field(factory=dict, converter=_per_series)
    min_score: Fraction | None = attrs.field(default=None, converter=_min_score)
    min_rating: Fraction | None = attrs.field(default=None, converter=_min_rating)
    rating_measure: Literal["good_rate", "weighted"] = attrs.field(
        default="good_rate", validator=one_of(("good_rate", "weighted"), "policy")
    )
    exclude_flagged_rating: bool = True
    block_from: AccountabilityKind = attrs.field(
        default=AccountabilityKind.ADMONISHMENT, converter=_kind
    )
    exclude_bottom: bool = True
    group_by: Literal["series", "all"] = attrs.field(
        default="series", validator=one_of(("series", "all"), "policy")
    )
    title: str = "党建工作先进单位"

    def quota_for(self, group: str) -> Quota:
        """The commendation quota of *group*.

        >>> CommendationPolicy(Quota(count=2)).quota_for("党群部门").count
        2
        """
        return self.per_series.get(group, self.quota)


@attrs.frozen
class GateResult:
    """One eligibility gate for one unit: passed, failed or held, and why.

    Args:
        gate: ``veto``, ``bottom``, ``min_score``, ``rating`` or
            ``accountability``.
        status: ``"pass"``, ``"fail"`` or ``"held"`` (结果暂缓).
        reason: why, in Chinese.

    >>> GateResult("veto", "fail", "一票否决，取消评先评优资格").status
    'fail'
    """

    gate: str
    status: Literal["pass", "fail", "held"]
    reason: str


@attrs.frozen
class CommendationDecision:
    """Eligibility and selection of one unit, with every gate's result.

    Args:
        unit_id: the unit.
        group: its series (or ``全部``).
        rank: its rank in the group.
        status: ``"eligible"``, ``"ineligible"`` or ``"held"``.
        selected: commended.
        gates: each gate's result, in the order of the module table.
        reason: the decision in one sentence.

    >>> from pbcheck.examples.small import scorecards
    >>> chosen = commendation_list(
    ...     scorecards({"a": 95}), None, CommendationPolicy(Quota(count=1))
    ... )
    >>> decision = chosen.of("a")
    >>> decision.status, decision.selected, [g.gate for g in decision.gates]
    ('eligible', True, ['veto', 'accountability'])
    """

    unit_id: str
    group: str
    rank: int
    status: Literal["eligible", "ineligible", "held"]
    selected: bool
    gates: tuple[GateResult, ...]
    reason: str

    @property
    def eligible(self) -> bool:
        """Whether every gate passed.

        >>> CommendationDecision("a", "全部", 1, "held", False, (), "暂缓").eligible
        False
        """
        return self.status == "eligible"


def _commendations(
    value: Iterable[CommendationDecision],
) -> tuple[CommendationDecision, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class CommendationList:
    """Every ranked unit's commendation decision, in ranking order per group.

    >>> from pbcheck.examples.small import scorecards
    >>> chosen = commendation_list(
    ...     scorecards({"a": 90, "b": 80}), None, CommendationPolicy(Quota(count=1))
    ... )
    >>> chosen.unit_ids, chosen.of("b").reason
    (('a',), '符合评先条件，但名额 1 个（至多 1 个）已满')
    >>> chosen
    <CommendationList 党建工作先进单位: 入选 1 个，共 2 个单位>
    """

    policy: CommendationPolicy
    decisions: tuple[CommendationDecision, ...] = attrs.field(converter=_commendations)

    def __repr__(self) -> str:
        return (
            f"<CommendationList {self.policy.title}: 入选 {len(self.unit_ids)} 个，"
            f"共 {len(self.decisions)} 个单位>"
        )

    def _repr_html_(self) -> str:
        """The selected units and why."""
        return _listing_html(self.policy.title, [d for d in self if d.selected])

    def __iter__(self) -> Iterator[CommendationDecision]:
        return iter(self.decisions)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self.unit_ids

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """Ids of the units selected, in ranking order per group.

        >>> from pbcheck.examples.small import scorecards
        >>> commendation_list(
        ...     scorecards({"a": 80, "b": 90}), None, CommendationPolicy(Quota(count=1))
        ... ).unit_ids
        ('b',)
        """
        return tuple(d.unit_id for d in self.decisions if d.selected)

    def of(self, unit_id: str) -> CommendationDecision:
        """The decision about *unit_id*; :class:`KeyError` if it was not ranked.

        >>> from pbcheck.examples.small import scorecards
        >>> commendation_list(
        ...     scorecards({"a": 80}), None, CommendationPolicy(Quota(count=1))
        ... ).of("a").selected
        True
        """
        for decision in self.decisions:
            if decision.unit_id == unit_id:
                return decision
        raise KeyError(unit_id)

    def lines(self) -> list[str]:
        """Plain text: the selected units, then those held or ineligible.

        >>> from pbcheck.examples.small import scorecards
        >>> commendation_list(
        ...     scorecards({"a": 80}), None, CommendationPolicy(Quota(count=1))
        ... ).lines()[0]
        '党建工作先进单位（1 个单位）'
        """
        out = [f"{self.policy.title}（{len(self.unit_ids)} 个单位）"]
        out.extend(
            f"  {d.group}  {d.unit_id}：{d.reason}"
            for d in self.decisions
            if d.selected
        )
        others = [d for d in self.decisions if d.status != "eligible"]
        if others:
            out.append("  不具备或暂缓评先资格：")
            out.extend(f"    {d.unit_id}：{d.reason}" for d in others)
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _in_period(record: AccountabilityRecord, cycle: AssessmentCycle | None) -> bool:
    return cycle is None or cycle.start <= record.on <= cycle.end


def _gates(  # noqa: PLR0913, PLR0917 - one argument per gate input
    entry: RankedUnit,
    policy: CommendationPolicy,
    bottom: BottomList | None,
    ratings: Mapping[str, RatingResult] | None,
    records: Iterable[AccountabilityRecord],
    cycle: AssessmentCycle | None,
    basis: str,
) -> tuple[GateResult, ...]:
    gates = [
        GateResult("veto", "fail", "一票否决，取消评先评优资格")
        if entry.disqualified
        else GateResult("veto", "pass", "无一票否决事项")
    ]
    if policy.exclude_bottom and bottom is not None:
        if entry.unit_id in bottom:
            gates.append(
                GateResult(
                    "bottom",
                    "fail",
                    "考评处于后位，取消该党组织和单位领导评先评优资格",
                )
            )
        else:
            gates.append(GateResult("bottom", "pass", "不处于后位"))
    if policy.min_score is not None:
        # On the ranking's basis: a unit shown as 85.00 meets a line of 85
        # on the published basis, whatever its total was before rounding.
        ok = entry.compared >= policy.min_score
        value = _total_text(entry.total, entry.shown, exact=basis == "exact")
        gates.append(
            GateResult(
                "min_score",
                "pass" if ok else "fail",
                f"{value} {'达到' if ok else '低于'}评先最低分 {_f(policy.min_score)}",
            )
        )
    if policy.min_rating is not None or (
        ratings is not None and entry.unit_id in ratings
    ):
        gates.append(_rating_gate(entry.unit_id, policy, ratings))
    gates.append(_accountability_gate(entry.unit_id, policy, records, cycle))
    return tuple(gates)


def _rating_gate(
    unit_id: str, policy: CommendationPolicy, ratings: Mapping[str, RatingResult] | None
) -> GateResult:
    result = None if ratings is None else ratings.get(unit_id)
    if result is None:
        return GateResult("rating", "held", "缺少民主测评结果，结果暂缓")
    if not result.quorate:
        return GateResult(
            "rating", "held", f"民主测评无效（{result.reason}），结果暂缓"
        )
    if policy.exclude_flagged_rating and result.flagged:
        return GateResult("rating", "fail", f"民主测评：{result.reason}")
    if policy.min_rating is None:
        return GateResult("rating", "pass", f"民主测评：{result.reason}")
    value = (
        result.good_rate if policy.rating_measure == "good_rate" else result.weighted
    )
    name = "好及较好率" if policy.rating_measure == "good_rate" else "加权得分率"
    ok = value >= policy.min_rating
    return GateResult(
        "rating",
        "pass" if ok else "fail",
        f"民主测评{name} {_percent(value)} {'达到' if ok else '低于'}要求 "
        f"{_percent(policy.min_rating)}",
    )


def _percent(value: Fraction) -> str:
    shown = value * 100
    if shown.denominator == 1 or (shown * 100).denominator == 1:
        return f"{_f(shown)}%"
    return f"{_f(shown.__round__(2))}%（精确 {_f(value)}）"


def _accountability_gate(
    unit_id: str,
    policy: CommendationPolicy,
    records: Iterable[AccountabilityRecord],
    cycle: AssessmentCycle | None,
) -> GateResult:
    mine = sorted(
        (r for r in records if r.unit_id == unit_id),
        key=lambda r: (r.on, r.kind.severity, r.note),
    )
    pending = [r for r in mine if r.pending]
    decided = [
        r
        for r in mine
        if not r.pending
        and r.kind.severity >= policy.block_from.severity
        and _in_period(r, cycle)
    ]
    if decided:
        what = "；".join(
            f"{r.on.isoformat()} {r.kind.label_zh} {r.note}".rstrip() for r in decided
        )
        return GateResult(
            "accountability",
            "fail",
            f"考核期内受到{policy.block_from.label_zh}或更重的问责（{what}）",
        )
    if pending:
        what = "；".join(
            f"{r.on.isoformat()} {r.kind.label_zh} {r.note}".rstrip() for r in pending
        )
        return GateResult(
            "accountability", "held", f"有未办结的问责案件（{what}），结果暂缓"
        )
    return GateResult(
        "accountability", "pass", f"考核期内无{policy.block_from.label_zh}及以上问责"
    )


def commendation_list(  # noqa: PLR0913 - every input of the decision is named
    scorecards: Iterable[Scorecard],
    tree: OrgTree | None,
    policy: CommendationPolicy,
    *,
    bottom: BottomList | None = None,
    ratings: Mapping[str, RatingResult] | None = None,
    accountability: Iterable[AccountabilityRecord] = (),
    cycle: AssessmentCycle | None = None,
    ranking: RankingPolicy | None = None,
) -> CommendationList:
    """Decide eligibility and selection for commendation; see the module docs.

    Args:
        scorecards: one per unit.
        tree: the org tree (for series); ``None`` treats all units as one group.
        policy: the gates and quotas.
        bottom: the bottom list; its units are ineligible.
        ratings: democratic rating results by unit id.
        accountability: accountability records; unknown unit ids are an error.
        cycle: the assessment cycle; only decided records dated within its
            period count (``None``: every decided record counts).
        ranking: how units are ordered and what a tie is.

    Raises:
        ValidationError: a record or rating names a unit that was not scored.

    >>> from pbcheck.examples.small import scorecards
    >>> records = [AccountabilityRecord("a", "admonishment", date(2025, 10, 8))]
    >>> chosen = commendation_list(
    ...     scorecards({"a": 95, "b": 90}),
    ...     None,
    ...     CommendationPolicy(Quota(count=1)),
    ...     accountability=records,
    ... )
    >>> chosen.unit_ids
    ('b',)
    >>> chosen.of("a").reason
    '不具备评先资格：考核期内受到诫勉或更重的问责（2025-10-08 诫勉）'
    """
    records = tuple(accountability)
    ranking = ranking or RankingPolicy()
    tables = _tables(scorecards, tree, ranking, policy.group_by)
    ranked = {entry.unit_id for _, _, table in tables for entry in table}
    problems = _Problems("invalid commendation inputs")
    for index, record in enumerate(records):
        if not isinstance(record, AccountabilityRecord):
            problems.add(
                InvalidTypeError(
                    ("accountability", index),
                    record,
                    "must be an AccountabilityRecord",
                )
            )
        elif record.unit_id not in ranked:
            problems.add(
                InvalidValueError(
                    ("accountability", index, "unit_id"),
                    record.unit_id,
                    "names no scored unit",
                )
            )
    for unit_id in ratings or {}:
        if unit_id not in ranked:
            problems.add(
                # A key of a mapping: a name step (``ratings["czj"]``).
                InvalidValueError(
                    ("ratings", str(unit_id)), unit_id, "names no scored unit"
                )
            )
    problems.raise_if_any()
    decisions: list[CommendationDecision] = []
    for group, base, table in tables:
        gates = {
            entry.unit_id: _gates(
                entry, policy, bottom, ratings, records, cycle, ranking.basis
            )
            for entry in table
        }
        status = {uid: _status(g) for uid, g in gates.items()}
        eligible = [e for e in table if status[e.unit_id] == "eligible"]
        quota = policy.quota_for(base)
        described = quota.describe(len(table))
        taken, dropped = take_top(eligible, quota.limit(len(table)))
        chosen = {e.unit_id for e in taken}
        for entry in table:
            uid = entry.unit_id
            if status[uid] == "ineligible":
                failed = [g.reason for g in gates[uid] if g.status == "fail"]
                reason = f"不具备评先资格：{'；'.join(failed)}"
            elif status[uid] == "held":
                held = [g.reason for g in gates[uid] if g.status == "held"]
                reason = f"暂缓：{'；'.join(held)}，不占名额"
            elif uid in chosen:
                reason = (
                    f"{_head(entry, ranking)}，符合评先条件，在{described}之内，"
                    f"评为{policy.title}"
                )
            elif entry in dropped:
                others = "、".join(e.unit_id for e in dropped if e is not entry)
                reason = (
                    f"符合评先条件，但{_same_text(entry, others, ranking)}，"
                    f"同处于名额线上（{described}），同分单位一律不占名额"
                )
            else:
                reason = f"符合评先条件，但{described}已满"
            decisions.append(
                CommendationDecision(
                    uid,
                    group,
                    entry.rank,
                    status[uid],
                    uid in chosen,
                    gates[uid],
                    reason,
                )
            )
    return CommendationList(policy, decisions)


def _status(gates: Iterable[GateResult]) -> Literal["eligible", "ineligible", "held"]:
    statuses = {g.status for g in gates}
    if "fail" in statuses:
        return "ineligible"
    if "held" in statuses:
        return "held"
    return "eligible"


def _listing_html(
    title: str, listed: Sequence[BottomDecision | CommendationDecision]
) -> str:
    """A list's notebook table: series, unit and reason of each unit on it."""
    rows = [[d.group, d.unit_id, d.reason] for d in listed]
    return html.titled(
        f"{title}（{len(rows)} 个单位）", html.table(["系列", "单位", "理由"], rows)
    )
