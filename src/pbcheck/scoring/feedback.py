"""The 失分清单 (lost points): every point a unit lost, where and why.

A scorecard says what a unit earned; the 反馈单 an office sends back says what
it *lost*, item by item, with the reason and the evidence, so the unit knows
what to put right.  :func:`lost_points` reads one
:class:`~pbcheck.scoring.scorecard.Scorecard` and gives one :class:`LostPoint`
per place points were lost, in rubric order:

* ``indicator`` — an indicator short of its share of the total: ``possible``
  is that share, ``earned`` its contribution, ``lost`` the difference;
* ``roll_up`` — a section whose roll-up (中位数, 取最低, 几何平均, …) gives
  less than its parts add up to (or more: then ``lost`` is negative); never
  with a weighted sum or weighted mean;
* ``deduction`` — a direct deduction item (直接扣分) with its incidents;
  ``deduction_cap`` — the rubric's cap on all deductions giving points back;
* ``veto`` — a triggered 一票否决, with what the cap took (a disqualifying
  veto takes no points: it takes the unit out of commendation).

合理缺项 indicators are not losses and never appear.  Bonus not earned is not a
loss either: bonus is on top of the base.  What is proved
(``tests/test_feedback.py``): the ``indicator``, ``roll_up``, ``deduction``
and ``deduction_cap`` lines lose exactly ``total_points − (base −
deductions_counted)`` — full marks less what the unit had before bonus, the
``[floor, max_total]`` bounds and vetoes.

The reasons reuse the scorecard's own words (the rule's reason, as in
:meth:`~pbcheck.scoring.scorecard.Scorecard.explain`) and its records; the
amounts they add are shown by the rubric's rounding, never as fractions.

>>> from pbcheck.examples.small import scorecards, simple_rubric
>>> (card,) = scorecards({"czj": "87.5"})
>>> (point,) = lost_points(card, simple_rubric())
>>> point.item_id, point.possible, point.earned, point.lost
('i', Fraction(100, 1), Fraction(175, 2), Fraction(25, 2))
>>> point.reason
'考评直接评分 87.5 分'
>>> point.show(point.lost)
'12.50'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Literal

import attrs

from pbcheck._numbers import RoundingPolicy
from pbcheck.errors import InvalidValueError, item
from pbcheck.model.aggregation import label_zh
from pbcheck.model.evaluation import Evidence, NotApplicable
from pbcheck.model.rubric import ROOT, Rubric
from pbcheck.scoring.scorecard import IndicatorScore, Record, Scorecard

__all__ = ["LostKind", "LostPoint", "lost_points"]

#: What kind of line of the 失分清单 a :class:`LostPoint` is.
LostKind = Literal["indicator", "roll_up", "deduction", "deduction_cap", "veto"]

_KIND_ZH: Mapping[LostKind, str] = {
    "indicator": "指标失分",
    "roll_up": "汇总方法",
    "deduction": "直接扣分",
    "deduction_cap": "扣分上限",
    "veto": "一票否决",
}


@attrs.frozen
class LostPoint:
    """One line of a unit's 失分清单: where points were lost, how many, why.

    Args:
        unit_id: the assessed unit.
        kind: ``indicator``, ``roll_up``, ``deduction``, ``deduction_cap`` or
            ``veto`` (see :mod:`pbcheck.scoring.feedback`).
        item_id: the indicator, section, deduction or veto item.
        title: its title, e.g. ``“三会一课”制度落实``.
        section_path: the ids of the sections it sits in, outermost first
            (empty for deductions and vetoes).
        section_titles: their titles, in the same order.
        possible: what the item could give toward the total (an indicator's
            share of the total; ``0`` for deductions and vetoes).
        earned: what it gave (a deduction's is minus what it took).
        lost: ``possible − earned``, exact.
        reason: why, in Chinese, in the scorecard's words.
        records: the observations, activities and incidents it rests on.
        evidence: the evidence references of those records, each once.
        rounding: the rubric's rounding, for :meth:`show`.

    >>> from fractions import Fraction
    >>> line = LostPoint(
    ...     "czj",
    ...     "deduction",
    ...     "K1",
    ...     "违反中央八项规定精神",
    ...     possible=Fraction(0),
    ...     earned=Fraction(-2),
    ...     lost=Fraction(2),
    ...     reason="发生 1 次，合计 2.00 分",
    ... )
    >>> line.kind_zh, line.show(line.lost)
    ('直接扣分', '2.00')
    """

    unit_id: str
    kind: LostKind
    item_id: str
    title: str
    section_path: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    section_titles: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    possible: Fraction = attrs.field(kw_only=True)
    earned: Fraction = attrs.field(kw_only=True)
    lost: Fraction = attrs.field(kw_only=True)
    reason: str = attrs.field(kw_only=True)
    records: tuple[Record, ...] = attrs.field(default=(), kw_only=True)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), kw_only=True)
    rounding: RoundingPolicy = attrs.field(factory=RoundingPolicy, kw_only=True)

    @property
    def kind_zh(self) -> str:
        """The kind in Chinese, e.g. ``指标失分``."""
        return _KIND_ZH[self.kind]

    @property
    def section(self) -> str:
        """The section titles joined for a table cell, e.g. ``组织建设／三会一课``.

        >>> LostPoint(
        ...     "a",
        ...     "indicator",
        ...     "i",
        ...     "t",
        ...     section_titles=("组织建设", "三会一课"),
        ...     possible=Fraction(1),
        ...     earned=Fraction(0),
        ...     lost=Fraction(1),
        ...     reason="",
        ... ).section
        '组织建设／三会一课'
        """
        return "／".join(self.section_titles)

    def show(self, value: Fraction) -> str:
        """An amount of this line as people read it, by the rubric's rounding."""
        return self.rounding.format(value)


def lost_points(scorecard: Scorecard, rubric: Rubric) -> tuple[LostPoint, ...]:
    """Every point *scorecard*'s unit lost, in rubric order (失分清单).

    Indicators (depth first, as the rubric lists them) with any section
    roll-up that lost points after its indicators, then deductions, the
    deduction cap and vetoes.  Lines that lose nothing are left out;
    合理缺项 indicators never appear.

    Raises:
        InvalidValueError: when *scorecard* was not scored under *rubric*
            (its id or version differ).

    >>> from pbcheck.examples.small import scorecards, simple_rubric
    >>> (card,) = scorecards({"a": 90}, vetoed={"a"})
    >>> [(p.kind, p.item_id, p.lost) for p in lost_points(card, simple_rubric())]
    [('indicator', 'i', Fraction(10, 1)), ('veto', 'V', Fraction(0, 1))]
    >>> lost_points(card, attrs.evolve(simple_rubric(), version="2"))
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: scorecard[a].rubric_version: must be the rubric's version '2' (got '1')
    """
    for field, theirs in (("rubric_id", rubric.id), ("rubric_version", rubric.version)):
        ours = getattr(scorecard, field)
        if ours != theirs:
            raise InvalidValueError(
                (*item("scorecard", scorecard.unit_id), field),
                ours,
                f"must be the rubric's {field.removeprefix('rubric_')} {theirs!r}",
            )
    return tuple(_Lines(scorecard))


class _Lines:
    """Walks one scorecard's sections and items, yielding its lines."""

    def __init__(self, card: Scorecard) -> None:
        self.card = card

    def __iter__(self) -> Iterator[LostPoint]:
        root = self.card.sections.get(ROOT)
        if root is not None:
            yield from self._section(ROOT, (), ())
        yield from self._deductions()
        yield from self._vetoes()

    def _line(
        self, kind: LostKind, item_id: str, title: str, **fields: object
    ) -> LostPoint:
        return LostPoint(
            self.card.unit_id,
            kind,
            item_id,
            title,
            rounding=self.card.rounding,
            **fields,  # type: ignore[arg-type]
        )

    def _records(self, item_id: str) -> tuple[Record, ...]:
        """The records :meth:`Scorecard.explain` shows for *item_id*, in order."""
        explanation = self.card.explain(item_id)
        return tuple(r for part in explanation.walk() for r in part.records)

    def _section(
        self, section_id: str, path: tuple[str, ...], titles: tuple[str, ...]
    ) -> Iterator[LostPoint]:
        section = self.card.sections[section_id]
        if section_id != ROOT:
            path, titles = (*path, section_id), (*titles, section.title)
        parts = Fraction(0)
        for child in section.children:
            if child in self.card.sections:
                parts += self.card.sections[child].points
                yield from self._section(child, path, titles)
            else:
                result = self.card.indicators[child]
                parts += result.contribution
                line = self._indicator(result, path, titles)
                if line is not None:
                    yield line
        gap = parts - section.points
        if gap and section.applicable:
            how = label_zh(section.aggregator)
            change = (
                f"少 {self.card.show(gap)}" if gap > 0 else f"多 {self.card.show(-gap)}"
            )
            yield self._line(
                "roll_up",
                section_id,
                "总分" if section_id == ROOT else section.title,
                section_path=path,
                section_titles=titles,
                possible=parts,
                earned=section.points,
                lost=gap,
                reason=(
                    f"本部分按{how}汇总，得 {self.card.show(section.points)} 分，"
                    f"比各项得分之和 {self.card.show(parts)} 分{change} 分"
                ),
            )

    def _indicator(
        self, result: IndicatorScore, path: tuple[str, ...], titles: tuple[str, ...]
    ) -> LostPoint | None:
        lost = result.possible - result.contribution
        if result.not_applicable is not None or not lost:
            return None
        reason = result.reason  # worded by the engine at the rubric's rounding
        if result.possible != result.max_points:
            reason += (
                f"；本项满分 {self.card.show(result.max_points)} 分，按权重折合 "
                f"{self.card.show(result.possible)} 分，"
                f"计 {self.card.show(result.contribution)} 分"
            )
        records = self._records(result.indicator_id)
        return self._line(
            "indicator",
            result.indicator_id,
            result.title,
            section_path=path,
            section_titles=titles,
            possible=result.possible,
            earned=result.contribution,
            lost=lost,
            reason=reason,
            records=records,
            evidence=_evidence(records),
        )

    def _deductions(self) -> Iterator[LostPoint]:
        card = self.card
        for entry in card.deductions:
            if not entry.counted:
                continue
            cap = ""
            if entry.counted < entry.claimed:
                cap = f"，本项封顶 {card.show(entry.counted)} 分"
            records: tuple[Record, ...] = entry.incidents
            yield self._line(
                "deduction",
                entry.deduction_id,
                entry.title,
                possible=Fraction(0),
                earned=-entry.counted,
                lost=entry.counted,
                reason=(
                    f"发生 {len(entry.incidents)} 次，合计扣 {card.show(entry.claimed)} 分"
                    f"{cap}"
                ),
                records=records,
                evidence=_evidence(records),
            )
        items = sum((item.counted for item in card.deductions), Fraction(0))
        if card.deductions_counted < items:
            back = items - card.deductions_counted
            yield self._line(
                "deduction_cap",
                "",
                "直接扣分上限",
                possible=Fraction(0),
                earned=back,
                lost=-back,
                reason=(
                    f"直接扣分合计 {card.show(items)} 分，超过扣分上限，"
                    f"计 {card.show(card.deductions_counted)} 分"
                ),
            )

    def _vetoes(self) -> Iterator[LostPoint]:
        card = self.card
        # The total before vetoes, as the engine computes it; the lowest cap
        # is the one that holds it, so only that veto's line takes points.
        before = max(
            min(
                card.base + card.bonus_counted - card.deductions_counted, card.max_total
            ),
            card.floor,
        )
        caps = [f.cap for f in card.vetoes if f.cap is not None]
        binding = min(caps) if caps else None
        charged = False
        for finding in card.vetoes:
            taken = Fraction(0)
            if finding.cap is None:
                effect = "取消评先评优资格，不计分数"
            else:
                effect = f"总分不超过 {card.show(finding.cap)} 分"
                if finding.cap == binding and not charged and before > finding.cap:
                    taken = before - finding.cap
                    charged = True
                    effect += (
                        f"，由 {card.show(before)} 分计为 {card.show(finding.cap)} 分"
                    )
            records: tuple[Record, ...] = finding.incidents
            yield self._line(
                "veto",
                finding.veto_id,
                finding.title,
                possible=Fraction(0),
                earned=-taken,
                lost=taken,
                reason=f"触发一票否决（{len(finding.incidents)} 次）：{effect}",
                records=records,
                evidence=_evidence(records),
            )


def _evidence(records: tuple[Record, ...]) -> tuple[Evidence, ...]:
    """The evidence of *records*, each reference once, in order."""
    seen: dict[tuple[str, str], Evidence] = {}
    for record in records:
        if isinstance(record, NotApplicable):
            continue
        for proof in record.evidence:
            seen.setdefault((proof.kind, proof.ref), proof)
    return tuple(seen.values())
