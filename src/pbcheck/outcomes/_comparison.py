"""Two seasons side by side: who moved, in rank, grade, lists and parts (两年度对比).

:func:`~pbcheck.outcomes.season.compare_seasons` takes two scored seasons (:class:`~pbcheck.Results`)
and gives, per unit, its rank within its series, total, grade (等次), place on
the commendation and bottom lists (表彰、处于后位) in each season, and how
much each part of the rubric (top-level section, e.g. 机关党建常规工作) moved.
The result is plain data (:class:`SeasonComparison`, one
:class:`SeasonChange` per unit, :meth:`SeasonComparison.rows` as
dictionaries) for code without pandas;
:func:`~pbcheck.outcomes.season.comparison_frame` is the same as a DataFrame
in one call.

Units are matched by id.  A unit assessed in only one season is listed
with the other side empty; a unit renamed or merged between the seasons
needs :class:`~pbcheck.outcomes.history.History` and its successions,
which this comparison does not guess.  Ranks are compared only within the
same series, totals and parts only on the same rubric (id and version):
otherwise the change is empty and the reason says why.

The public entry points are :func:`pbcheck.outcomes.season.compare_seasons`
and :func:`pbcheck.outcomes.season.comparison_frame`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Protocol

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck.errors import UnknownReferenceError
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.model.org import OrgTree
from pbcheck.model.rubric import ROOT
from pbcheck.outcomes.grading import Grades, GradingPolicy
from pbcheck.outcomes.ranking import Ranking
from pbcheck.outcomes.selection import BottomList, CommendationList
from pbcheck.scoring.scorecard import Scorecard
from pbcheck.views import html
from pbcheck.views.frames import (
    DEFAULT_NUMERIC,
    Cells,
    NumericMode,
    check_numeric,
    frame_from_rows,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SeasonChange", "SeasonComparison", "compare"]

_SHOWN = RoundingPolicy()


# What a comparison reads of a season: the parts of a Results (which sits in
# the module that imports this one, so it is described here, not imported).
class _Policy(Protocol):
    @property
    def grading(self) -> GradingPolicy: ...


class _Outcomes(Protocol):
    @property
    def policy(self) -> _Policy: ...
    @property
    def rankings(self) -> Mapping[str, Ranking]: ...
    @property
    def grades(self) -> Grades: ...
    @property
    def commendation(self) -> CommendationList: ...
    @property
    def bottom(self) -> BottomList: ...


class _Season(Protocol):
    @property
    def tree(self) -> OrgTree: ...
    @property
    def cycle(self) -> AssessmentCycle: ...
    @property
    def scorecards(self) -> tuple[Scorecard, ...]: ...
    @property
    def outcomes(self) -> _Outcomes: ...


def _parts(
    value: Mapping[str, tuple[Fraction | None, Fraction | None]],
) -> dict[str, tuple[Fraction | None, Fraction | None]]:
    return dict(value)


@attrs.frozen
class SeasonChange:
    """One unit in two seasons.

    Every ``*_before`` / ``*_after`` pair is ``None`` (``False`` for a flag)
    on the side where the unit was not assessed.

    Args:
        unit_id: the unit's id (the same in both seasons).
        name: its name in the later season (else the earlier).
        series: its series in the later season (else the earlier).
        rank_before, rank_after: its rank within its series.
        rank_change: places moved *up* (``rank_before − rank_after``);
            ``None`` unless ranked in the same series in both.
        total_before, total_after: its exact totals.
        total_change: ``total_after − total_before``; ``None`` unless
            scored on the same rubric in both.
        grade_before, grade_after: its grade (等次) labels.
        commended_before, commended_after: on the commendation list (表彰).
        bottom_before, bottom_after: at the bottom (处于后位).
        parts: per part of the rubric (top-level section id), the points
            ``(before, after)``; a side is ``None`` where the part was not
            scored or the rubric changed.
        reason: the changes in words (Chinese), as a report states them.

    >>> SeasonChange("a", rank_before=3, rank_after=1, rank_change=2).moved
    True
    """

    unit_id: str
    name: str = ""
    series: str = ""
    rank_before: int | None = None
    rank_after: int | None = None
    rank_change: int | None = None
    total_before: Fraction | None = None
    total_after: Fraction | None = None
    total_change: Fraction | None = None
    grade_before: str | None = None
    grade_after: str | None = None
    commended_before: bool = False
    commended_after: bool = False
    bottom_before: bool = False
    bottom_after: bool = False
    parts: Mapping[str, tuple[Fraction | None, Fraction | None]] = attrs.field(
        factory=dict, converter=_parts, hash=False
    )
    reason: str = ""

    @property
    def moved(self) -> bool:
        """Its rank, grade or place on a list changed (or it is new, or gone)."""
        return (
            bool(self.rank_change)
            or self.grade_before != self.grade_after
            or self.commended_before != self.commended_after
            or self.bottom_before != self.bottom_after
        )

    def part_change(self, part: str) -> Fraction | None:
        """How far *part* moved (after − before), ``None`` if either is unknown.

        >>> SeasonChange("a", parts={"A": (Fraction(60), Fraction(63))}).part_change(
        ...     "A"
        ... )
        Fraction(3, 1)
        """
        before, after = self.parts.get(part, (None, None))
        return None if before is None or after is None else after - before


def _changes(value: Iterable[SeasonChange]) -> tuple[SeasonChange, ...]:
    return tuple(value)


def _titles(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


def _labels(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(repr=False)
class SeasonComparison:
    """Two seasons compared unit by unit; see :func:`~pbcheck.outcomes.season.compare_seasons`.

    Args:
        before: the earlier season's label (its cycle's ``label_zh``).
        after: the later season's label.
        changes: one per unit assessed in either season, in the later
            season's tree order, then the units only the earlier had.
        parts: the parts compared, id → title, in rubric order.
        grades: the grade labels, best first (the later season's policy,
            then any other label met), for ordering grade columns.

    >>> from pbcheck.outcomes.season import SeasonChange, SeasonComparison
    >>> comparison = SeasonComparison(
    ...     "2024—2025年度",
    ...     "2025—2026年度",
    ...     [SeasonChange("a", rank_before=2, rank_after=1, rank_change=1)],
    ... )
    >>> comparison, [c.unit_id for c in comparison.moved]
    (<SeasonComparison 2024—2025年度 → 2025—2026年度: 1 个单位，名次变化 1 个>, ['a'])
    >>> comparison.rows()[0]["rank_change"]
    1
    """

    before: str
    after: str
    changes: tuple[SeasonChange, ...] = attrs.field(converter=_changes)
    parts: Mapping[str, str] = attrs.field(factory=dict, converter=_titles, hash=False)
    grades: tuple[str, ...] = attrs.field(default=(), converter=_labels)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self) -> Iterator[SeasonChange]:
        return iter(self.changes)

    def of(self, unit_id: str) -> SeasonChange:
        """The change of *unit_id*.

        Raises:
            UnknownReferenceError: no unit of that id in either season.
        """
        for change in self.changes:
            if change.unit_id == unit_id:
                return change
        raise UnknownReferenceError(
            ("unit_id",), unit_id, "was assessed in neither season"
        )

    @property
    def moved(self) -> tuple[SeasonChange, ...]:
        """The units whose rank, grade or list place changed."""
        return tuple(change for change in self.changes if change.moved)

    def __repr__(self) -> str:
        return (
            f"<SeasonComparison {self.before} → {self.after}: "
            f"{len(self.changes)} 个单位，名次变化 "
            f"{sum(1 for c in self.changes if c.rank_change)} 个>"
        )

    def _repr_html_(self) -> str:
        """The units that moved: rank, total, grade and lists, before → after."""
        rows = [
            [
                change.unit_id,
                change.name,
                change.series,
                _pair(change.rank_before, change.rank_after),
                _pair(_shown(change.total_before), _shown(change.total_after)),
                _pair(change.grade_before, change.grade_after),
                _lists(change),
            ]
            for change in self.moved
        ]
        return html.titled(
            f"{self.before} → {self.after}：{len(self.changes)} 个单位，"
            f"{len(rows)} 个名次、等次或名单有变化",
            html.table(["单位", "名称", "系列", "名次", "总分", "等次", "名单"], rows),
        )

    def rows(self, *, numeric: NumericMode = "exact") -> list[dict[str, object]]:
        """One plain dictionary per unit, the frame's columns (no pandas needed).

        Numbers are exact :class:`~fractions.Fraction` by default; *numeric*
        as for frames (:mod:`pbcheck.views.frames`).  Part columns are
        named ``<part id>_change``.
        """
        check_numeric(numeric)
        cells = Cells(numeric)
        out = []
        for change in self.changes:
            row: dict[str, object] = {
                "unit_id": change.unit_id,
                "name": change.name,
                "series": change.series,
                "rank_before": change.rank_before,
                "rank_after": change.rank_after,
                "rank_change": change.rank_change,
                "total_before": cells.score(change.total_before),
                "total_after": cells.score(change.total_after),
                "total_change": cells.score(change.total_change),
                "grade_before": change.grade_before,
                "grade_after": change.grade_after,
                "commended_before": change.commended_before,
                "commended_after": change.commended_after,
                "bottom_before": change.bottom_before,
                "bottom_after": change.bottom_after,
                "list_change": _lists(change),
            }
            for part in self.parts:
                row[f"{part}_change"] = cells.score(change.part_change(part))
            row["reason"] = change.reason
            out.append(row)
        return out

    def to_frame(self, *, numeric: NumericMode = DEFAULT_NUMERIC) -> pd.DataFrame:
        """One row per unit, indexed by unit id; see :func:`~pbcheck.outcomes.season.comparison_frame`."""
        rows = self.rows(numeric=numeric)
        parts = [f"{part}_change" for part in self.parts]
        columns = [
            "unit_id",
            "name",
            "series",
            "rank_before",
            "rank_after",
            "rank_change",
            "total_before",
            "total_after",
            "total_change",
            "grade_before",
            "grade_after",
            "commended_before",
            "commended_after",
            "bottom_before",
            "bottom_after",
            "list_change",
            *parts,
            "reason",
        ]
        grades = [*self.grades]
        return frame_from_rows(
            rows,
            columns,
            index="unit_id",
            numeric_columns=("total_before", "total_after", "total_change", *parts),
            numeric=numeric,
            count_columns=("rank_before", "rank_after", "rank_change"),
            label_columns={
                "series": [],
                "grade_before": grades,
                "grade_after": grades,
            },
            attrs={
                "before": self.before,
                "after": self.after,
                "titles": {
                    f"{part}_change": f"{title} 变化"
                    for part, title in self.parts.items()
                },
            },
        )


def _pair(before: object, after: object) -> str:
    left = "—" if before is None else str(before)
    right = "—" if after is None else str(after)
    return left if left == right else f"{left} → {right}"


def _shown(value: Fraction | None) -> str | None:
    return None if value is None else _SHOWN.format(value)


def _lists(change: SeasonChange) -> str:
    """The list moves in words, e.g. 新入表彰名单、脱离后位."""
    moves = []
    if change.commended_after and not change.commended_before:
        moves.append("新入表彰名单")
    if change.commended_before and not change.commended_after:
        moves.append("移出表彰名单")
    if change.bottom_after and not change.bottom_before:
        moves.append("新列后位")
    if change.bottom_before and not change.bottom_after:
        moves.append("脱离后位")
    return "、".join(moves)


def _side(results: _Season) -> dict[str, dict[str, object]]:
    """What a comparison needs of each unit of one season."""
    outcomes = results.outcomes
    cards = {card.unit_id: card for card in results.scorecards}
    out: dict[str, dict[str, object]] = {}
    for series, ranking in outcomes.rankings.items():
        for entry in ranking:
            uid = entry.unit_id
            card = cards.get(uid)
            out[uid] = {
                "series": series,
                "rank": entry.rank,
                "total": entry.total,
                "grade": outcomes.grades.of(uid).label,
                "commended": uid in outcomes.commendation,
                "bottom": uid in outcomes.bottom,
                "rubric": None
                if card is None
                else (card.rubric_id, card.rubric_version),
                "parts": {} if card is None else _part_points(card),
            }
    return out


def _part_points(card: Scorecard) -> dict[str, Fraction]:
    root = card.sections.get(ROOT)
    if root is None:
        return {}
    return {p: card.sections[p].points for p in root.children if p in card.sections}


def _part_titles(*seasons: _Season) -> dict[str, str]:
    titles: dict[str, str] = {}
    for results in seasons:
        for card in results.scorecards:
            root = card.sections.get(ROOT)
            for part in root.children if root is not None else ():
                if part in card.sections:
                    titles.setdefault(part, card.sections[part].title)
    return titles


def compare(before: _Season, after: _Season) -> SeasonComparison:
    """Every unit of two seasons; see :func:`pbcheck.outcomes.season.compare_seasons`."""
    old, new = _side(before), _side(after)
    order = [u.id for u in after.tree if u.id in new]
    order += [uid for uid in new if uid not in order]
    order += [u.id for u in before.tree if u.id in old and u.id not in new]
    order += [uid for uid in old if uid not in order]
    parts = _part_titles(after, before)
    changes = []
    for uid in order:
        then, now = old.get(uid), new.get(uid)
        # Results holds only units of its tree, so one of the trees has it.
        unit = (after.tree if uid in after.tree else before.tree)[uid]
        changes.append(_change(uid, unit.name, then, now, parts))
    labels = [
        *(tier.label for tier in after.outcomes.policy.grading.tiers),
        *(tier.label for tier in before.outcomes.policy.grading.tiers),
        *(g for c in changes for g in (c.grade_before, c.grade_after) if g),
    ]
    return SeasonComparison(
        before.cycle.label_zh,
        after.cycle.label_zh,
        changes,
        parts,
        tuple(dict.fromkeys(labels)),
    )


def _change(
    uid: str,
    name: str,
    then: dict[str, object] | None,
    now: dict[str, object] | None,
    parts: Mapping[str, str],
) -> SeasonChange:
    def get(side: dict[str, object] | None, key: str) -> object:
        return None if side is None else side[key]

    rank_before, rank_after = get(then, "rank"), get(now, "rank")
    total_before, total_after = get(then, "total"), get(now, "total")
    assert rank_before is None or isinstance(rank_before, int)  # noqa: S101
    assert rank_after is None or isinstance(rank_after, int)  # noqa: S101
    assert total_before is None or isinstance(total_before, Fraction)  # noqa: S101
    assert total_after is None or isinstance(total_after, Fraction)  # noqa: S101
    same_series = (
        then is not None and now is not None and then["series"] == now["series"]
    )
    same_rubric = (
        then is not None and now is not None and then["rubric"] == now["rubric"]
    )
    rank_change = (
        rank_before - rank_after
        if same_series and rank_before is not None and rank_after is not None
        else None
    )
    total_change = (
        total_after - total_before
        if same_rubric and total_before is not None and total_after is not None
        else None
    )
    points_before = get(then, "parts") or {}
    points_after = get(now, "parts") or {}
    assert isinstance(points_before, dict)  # noqa: S101
    assert isinstance(points_after, dict)  # noqa: S101
    compared = {
        part: (
            points_before.get(part) if same_rubric or now is None else None,
            points_after.get(part) if same_rubric or then is None else None,
        )
        for part in parts
    }
    grade_before, grade_after = get(then, "grade"), get(now, "grade")
    change = SeasonChange(
        uid,
        name,
        str(get(now, "series") or get(then, "series") or ""),
        rank_before,
        rank_after,
        rank_change,
        total_before,
        total_after,
        total_change,
        None if grade_before is None else str(grade_before),
        None if grade_after is None else str(grade_after),
        bool(get(then, "commended")),
        bool(get(now, "commended")),
        bool(get(then, "bottom")),
        bool(get(now, "bottom")),
        compared,
    )
    return attrs.evolve(
        change, reason=_reason(change, then, now, same_series, same_rubric)
    )


def _reason(
    change: SeasonChange,
    then: Mapping[str, object] | None,
    now: Mapping[str, object] | None,
    same_series: bool,
    same_rubric: bool,
) -> str:
    if then is None:
        return "上期未参加考评"
    if now is None:
        return "本期未参加考评"
    parts = []
    if not same_series:
        parts.append(f"系列由 {then['series']} 改为 {now['series']}，名次不宜直接比较")
    elif change.rank_change is not None:
        before, after, moved = change.rank_before, change.rank_after, change.rank_change
        if moved > 0:
            parts.append(f"排名由第 {before} 名升至第 {after} 名（上升 {moved} 位）")
        elif moved < 0:
            parts.append(f"排名由第 {before} 名降至第 {after} 名（下降 {-moved} 位）")
        else:
            parts.append(f"排名持平（第 {after} 名）")
    if not same_rubric:
        parts.append("考核细则不同，总分不宜直接比较")
    elif change.total_change is not None:
        assert change.total_before is not None  # noqa: S101
        assert change.total_after is not None  # noqa: S101
        sign = "+" if change.total_change >= 0 else "−"
        parts.append(
            f"总分 {_SHOWN.format(change.total_before)} → "
            f"{_SHOWN.format(change.total_after)}"
            f"（{sign}{_SHOWN.format(abs(change.total_change))}）"
        )
    if change.grade_before or change.grade_after:
        parts.append(f"等次 {change.grade_before or '—'} → {change.grade_after or '—'}")
    lists = _lists(change)
    if lists:
        parts.append(lists)
    return "，".join(parts)
