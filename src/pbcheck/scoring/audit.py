"""The audit trail (审计记录): what became of every input record.

Nothing is lost: :func:`audit_trail` gives one :class:`AuditEntry` for every
:class:`~pbcheck.model.evaluation.Observation`, :class:`~pbcheck.model.evaluation.Activity`
and :class:`~pbcheck.model.evaluation.Incident` of every evaluation of a season —
counted, counted under a cap, recorded but not counted, rejected with the
problem's message, or left unscored because its evaluation had problems.

Unlike :func:`~pbcheck.scoring.engine.score_all`, :func:`audit_trail` never raises
for bad records: it reports them.  The statuses are read from the scorecards
themselves (:class:`~pbcheck.scoring.scorecard.IndicatorScore` raters and not-counted
records, :class:`~pbcheck.scoring.scorecard.DeductionScore`,
:class:`~pbcheck.scoring.scorecard.VetoFinding`), so the trail and
:meth:`~pbcheck.scoring.scorecard.Scorecard.explain` always agree.

>>> from pbcheck.model.evaluation import Evaluation, Observation, Source
>>> from pbcheck.examples.small import simple_rubric
>>> trail = audit_trail(
...     simple_rubric(),
...     [
...         Evaluation(
...             "czj",
...             [Observation("i", 88), Observation("i", 95, source=Source.SELF)],
...         ),
...         Evaluation("jgw", [Observation("i", 120)]),
...     ],
... )
>>> [(e.unit_id, e.index, str(e.status)) for e in trail]
[('czj', 0, 'counted'), ('czj', 1, 'recorded_not_counted'), ('jgw', 0, 'rejected')]
>>> trail.entries[2].reason
'退回：value: must not exceed max_points (100) (got 120)'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

import attrs

from pbcheck.errors import (
    Id,
    InvalidValueError,
    Path,
    Problem,
    render_path,
)
from pbcheck.model.aggregation import TrimmedMean, label_zh
from pbcheck.model.evaluation import (
    Activity,
    Evaluation,
    Incident,
    Moment,
    NotApplicable,
    Observation,
    Source,
)
from pbcheck.scoring.engine import _evaluation_path, _season
from pbcheck.scoring.scorecard import IndicatorScore, Record, Scorecard
from pbcheck.views.html import table, titled

if TYPE_CHECKING:
    from pbcheck.model.cycle import AssessmentCycle
    from pbcheck.model.org import OrgTree
    from pbcheck.model.rubric import Indicator, Rubric

__all__ = ["AuditEntry", "AuditStatus", "AuditTrail", "RecordKind", "audit_trail"]

#: Which list of its evaluation a record comes from.
RecordKind = Literal["observation", "activity", "incident", "not_applicable"]

_LISTS: Mapping[RecordKind, str] = {
    "observation": "observations",
    "activity": "activities",
    "incident": "incidents",
    "not_applicable": "not_applicable",
}
_KIND_ZH: Mapping[RecordKind, str] = {
    "observation": "评分记录",
    "activity": "活动记录",
    "incident": "扣分否决事项",
    "not_applicable": "合理缺项",
}


class AuditStatus(StrEnum):
    """What became of one input record.

    >>> AuditStatus("capped").label_zh
    '封顶计入'
    >>> [status.label_zh for status in AuditStatus]
    ['计入', '封顶计入', '记录未计分', '退回', '未评分']
    """

    COUNTED = "counted"
    """计入 — the record counts in full toward its indicator or item."""
    CAPPED = "capped"
    """封顶计入 — it counts, but its item or pool reached a cap (加分上限, 扣分封顶)."""
    NOT_COUNTED = "recorded_not_counted"
    """记录未计分 — kept on record, no weight (自评, 去掉最高分最低分)."""
    REJECTED = "rejected"
    """退回 — named by a problem; scoring refuses it (see the reason)."""
    NOT_SCORED = "not_scored"
    """未评分 — sound itself, but its evaluation has other problems."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``记录未计分``."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    AuditStatus.COUNTED: "计入",
    AuditStatus.CAPPED: "封顶计入",
    AuditStatus.NOT_COUNTED: "记录未计分",
    AuditStatus.REJECTED: "退回",
    AuditStatus.NOT_SCORED: "未评分",
}


@attrs.frozen
class AuditEntry:
    """One input record and what became of it.

    Args:
        unit_id: the evaluated unit.
        kind: ``observation``, ``activity``, ``incident`` or
            ``not_applicable`` (a 合理缺项 marker).
        index: the record's position in its evaluation's list of that kind.
        item_id: the indicator, deduction or veto item it names.
        status: what became of it (:class:`AuditStatus`).
        reason: why, in plain Chinese.
        record: the record itself, unchanged.
        evaluation_index: the evaluation's position in the season.

    >>> from pbcheck.model.evaluation import Observation
    >>> entry = AuditEntry(
    ...     "czj",
    ...     "observation",
    ...     0,
    ...     "i",
    ...     AuditStatus.COUNTED,
    ...     "计入",
    ...     Observation("i", 9),
    ... )
    >>> entry.path, entry.source.label_zh, entry.rater, entry.date
    ('evaluations[czj].observations[0]', '考评组', '', None)
    """

    unit_id: str
    kind: RecordKind
    index: int
    item_id: str
    status: AuditStatus
    reason: str
    record: Record
    evaluation_index: int = 0

    @property
    def path(self) -> str:
        """Where the record is, in the notation of validation problems.

        >>> from pbcheck.model.evaluation import Incident
        >>> from datetime import date
        >>> AuditEntry(
        ...     "a",
        ...     "incident",
        ...     2,
        ...     "K",
        ...     AuditStatus.COUNTED,
        ...     "计入",
        ...     Incident("K", date(2025, 9, 1)),
        ... ).path
        'evaluations[a].incidents[2]'
        """
        return render_path(
            (*_evaluation_path(self.unit_id), _LISTS[self.kind], self.index)
        )

    @property
    def source(self) -> Source:
        """Who recorded it (:class:`~pbcheck.model.evaluation.Source`).

        >>> from pbcheck.model.evaluation import Activity
        >>> from datetime import date
        >>> AuditEntry(
        ...     "a",
        ...     "activity",
        ...     0,
        ...     "B3",
        ...     AuditStatus.COUNTED,
        ...     "计入",
        ...     Activity("B3", date(2025, 6, 18)),
        ... ).source
        <Source.LEDGER: 'ledger'>
        """
        if isinstance(self.record, NotApplicable):
            return Source.TEAM  # marked by the office or its assessment team
        return self.record.source

    @property
    def rater(self) -> str:
        """The rater of an observation; ``""`` for other records.

        >>> from pbcheck.model.evaluation import Observation
        >>> AuditEntry(
        ...     "a",
        ...     "observation",
        ...     0,
        ...     "i",
        ...     AuditStatus.COUNTED,
        ...     "计入",
        ...     Observation("i", 9, rater="甲"),
        ... ).rater
        '甲'
        """
        return self.record.rater if isinstance(self.record, Observation) else ""

    @property
    def date(self) -> Moment | None:
        """When it was recorded (observations) or happened (others).

        >>> from pbcheck.model.evaluation import Incident
        >>> from datetime import date
        >>> AuditEntry(
        ...     "a",
        ...     "incident",
        ...     0,
        ...     "K",
        ...     AuditStatus.COUNTED,
        ...     "计入",
        ...     Incident("K", date(2025, 9, 1)),
        ... ).date
        datetime.date(2025, 9, 1)
        """
        if isinstance(self.record, Observation | NotApplicable):
            return self.record.recorded_at
        return self.record.occurred_at

    def row(self) -> tuple[str, ...]:
        """The entry as text cells, in the order of :attr:`AuditTrail.columns`.

        >>> from pbcheck.model.evaluation import Observation
        >>> AuditEntry(
        ...     "a",
        ...     "observation",
        ...     0,
        ...     "i",
        ...     AuditStatus.COUNTED,
        ...     "计入",
        ...     Observation("i", 9, rater="甲"),
        ... ).row()
        ('a', '评分记录', '0', 'i', '考评组', '甲', '', 'counted', '计入', '计入')
        """
        when = self.date
        return (
            self.unit_id,
            _KIND_ZH[self.kind],
            str(self.index),
            self.item_id,
            self.source.label_zh,
            self.rater,
            "" if when is None else when.isoformat(),
            self.status.value,
            self.status.label_zh,
            self.reason,
        )


def _entries(value: Iterable[AuditEntry]) -> tuple[AuditEntry, ...]:
    return tuple(value)


def _once(
    _: object,
    __: attrs.Attribute[tuple[AuditEntry, ...]],
    value: tuple[AuditEntry, ...],
) -> None:
    seen: set[tuple[int, str, int]] = set()
    for number, entry in enumerate(value):
        key = (entry.evaluation_index, entry.kind, entry.index)
        if key in seen:
            raise InvalidValueError(
                ("entries", number),
                entry.path,
                "lists a record that an earlier entry already lists",
            )
        seen.add(key)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


#: Entries of each status other than ``counted`` shown by ``str(trail)``.
_SHOWN = 10


@attrs.frozen
class AuditTrail:
    """Every input record of a season with its status, in input order.

    ``entries`` follow the evaluations as given and, within one, its
    observations, activities and incidents in order; ``problems`` are the
    rendered validation problems (empty when :func:`~pbcheck.scoring.engine.score_all`
    would succeed).  An entry may list a record only once.

    >>> from pbcheck.model.evaluation import Evaluation, Observation
    >>> from pbcheck.examples.small import simple_rubric
    >>> trail = audit_trail(simple_rubric(), [Evaluation("a", [Observation("i", 90)])])
    >>> len(trail), trail.complete, trail.counts()[AuditStatus.COUNTED]
    (1, True, 1)
    """

    entries: tuple[AuditEntry, ...] = attrs.field(converter=_entries, validator=_once)
    problems: tuple[str, ...] = attrs.field(default=(), converter=_texts)

    #: Column headers of :meth:`rows`.
    columns = (
        "单位",
        "记录类型",
        "序号",
        "指标或事项",
        "来源",
        "评分人",
        "日期",
        "状态代码",
        "状态",
        "说明",
    )

    def __iter__(self) -> Iterator[AuditEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def complete(self) -> bool:
        """True when nothing was rejected and every evaluation was scored.

        >>> from pbcheck.model.evaluation import Evaluation, Observation
        >>> from pbcheck.examples.small import simple_rubric
        >>> audit_trail(
        ...     simple_rubric(), [Evaluation("a", [Observation("x", 1)])]
        ... ).complete
        False
        """
        return not self.problems

    def by_unit(self) -> dict[str, tuple[AuditEntry, ...]]:
        """The entries grouped by unit, units in input order.

        >>> from pbcheck.model.evaluation import Evaluation, Observation
        >>> from pbcheck.examples.small import simple_rubric
        >>> trail = audit_trail(
        ...     simple_rubric(),
        ...     [Evaluation("a", [Observation("i", 90)]), Evaluation("b", [])],
        ... )
        >>> {unit: len(entries) for unit, entries in trail.by_unit().items()}
        {'a': 1}
        """
        out: dict[str, list[AuditEntry]] = {}
        for entry in self.entries:
            out.setdefault(entry.unit_id, []).append(entry)
        return {unit: tuple(entries) for unit, entries in out.items()}

    def counts(self) -> dict[AuditStatus, int]:
        """How many entries have each status (every status, zeros included).

        >>> from pbcheck.model.evaluation import Evaluation, Observation
        >>> from pbcheck.examples.small import simple_rubric
        >>> trail = audit_trail(
        ...     simple_rubric(), [Evaluation("a", [Observation("i", 90)])]
        ... )
        >>> {str(status): n for status, n in trail.counts().items()}
        {'counted': 1, 'capped': 0, 'recorded_not_counted': 0, 'rejected': 0, 'not_scored': 0}
        """
        out = dict.fromkeys(AuditStatus, 0)
        for entry in self.entries:
            out[entry.status] += 1
        return out

    def rows(self) -> list[tuple[str, ...]]:
        """One row of text cells per entry, under :attr:`columns`.

        >>> from pbcheck.model.evaluation import Evaluation, Observation
        >>> from pbcheck.examples.small import simple_rubric
        >>> trail = audit_trail(
        ...     simple_rubric(), [Evaluation("a", [Observation("i", 90)])]
        ... )
        >>> dict(zip(trail.columns, trail.rows()[0]))["状态"]
        '计入'
        """
        return [entry.row() for entry in self.entries]

    def summary(self) -> str:
        """One line: how many records, how many of each status.

        >>> from pbcheck.model.evaluation import Evaluation, Observation
        >>> from pbcheck.examples.small import simple_rubric
        >>> audit_trail(
        ...     simple_rubric(), [Evaluation("a", [Observation("i", 90)])]
        ... ).summary()
        '共 1 条记录：计入 1，封顶计入 0，记录未计分 0，退回 0，未评分 0'
        """
        parts = "，".join(f"{s.label_zh} {n}" for s, n in self.counts().items())
        return f"共 {len(self.entries)} 条记录：{parts}"

    def __str__(self) -> str:
        lines = [self.summary()]
        for status in AuditStatus:
            if status is AuditStatus.COUNTED:
                continue
            chosen = [e for e in self.entries if e.status is status]
            if not chosen:
                continue
            lines.append(f"{status.label_zh}（{status.value}）：")
            lines.extend(
                f"  {e.path} [{e.item_id}]：{e.reason}" for e in chosen[:_SHOWN]
            )
            if len(chosen) > _SHOWN:
                lines.append(f"  …… 另有 {len(chosen) - _SHOWN} 条")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        counts = table(
            ["状态", "状态代码", "条数"],
            [(s.label_zh, s.value, n) for s, n in self.counts().items()],
        )
        shown = [e for e in self.entries if e.status is not AuditStatus.COUNTED]
        rows = [(e.path, e.item_id, e.status.label_zh, e.reason) for e in shown]
        body = counts
        if rows:
            body += table(["记录", "指标或事项", "状态", "说明"], rows)
        return titled(f"审计记录：共 {len(self.entries)} 条", body)


# -- building the trail ---------------------------------------------------------


def audit_trail(
    rubric: Rubric,
    evaluations: Iterable[Evaluation],
    *,
    cycle: AssessmentCycle | None = None,
    tree: OrgTree | None = None,
) -> AuditTrail:
    """The audit trail of a season: one entry per input record, never raising.

    Checks what :func:`~pbcheck.scoring.engine.score_all` checks, with the same
    arguments, but reports each problem on the records it names instead of
    raising.  An evaluation without problems is scored, and its records are
    ``counted``, ``capped`` or ``recorded_not_counted`` as its scorecard
    says — even when other evaluations have problems (``score_all`` would
    then score nothing; see :attr:`AuditTrail.complete`).

    >>> from pbcheck.model.evaluation import Evaluation, Observation
    >>> from pbcheck.examples.small import simple_rubric
    >>> trail = audit_trail(
    ...     simple_rubric(),
    ...     [Evaluation("a", [Observation("i", 90), Observation("x", 1)])],
    ... )
    >>> [(e.index, e.status.label_zh) for e in trail]
    [(0, '未评分'), (1, '退回')]
    >>> trail.problems
    ("evaluations[a].observations[1].indicator_id: names no indicator of the rubric (got 'x')",)
    """
    indicators: dict[str, Indicator] = {i.id: i for i in rubric.indicators()}
    indicators.update((i.id, i) for i in rubric.bonus.indicators)
    entries: list[AuditEntry] = []
    problems: list[str] = []
    for position, (evaluation, card, found) in enumerate(
        _season(rubric, evaluations, cycle, tree)
    ):
        problems.extend(str(problem) for problem in found)
        if card is None:
            statuses = _blame(evaluation, list(found))
        else:
            statuses = _from_card(rubric, indicators, evaluation, card)
        entries.extend(
            AuditEntry(
                evaluation.unit_id,
                kind,
                index,
                _item_id(record),
                status,
                reason,
                record,
                position,
            )
            for (kind, index, record), (status, reason) in zip(
                _records(evaluation), statuses, strict=True
            )
        )
    return AuditTrail(entries, problems)


def _records(evaluation: Evaluation) -> Iterator[tuple[RecordKind, int, Record]]:
    for index, observation in enumerate(evaluation.observations):
        yield "observation", index, observation
    for index, activity in enumerate(evaluation.activities):
        yield "activity", index, activity
    for index, incident in enumerate(evaluation.incidents):
        yield "incident", index, incident
    for index, marker in enumerate(evaluation.not_applicable):
        yield "not_applicable", index, marker


def _item_id(record: Record) -> str:
    return record.item_id if isinstance(record, Incident) else record.indicator_id


_Status = tuple[AuditStatus, str]

_KINDS: Mapping[str, RecordKind] = {v: k for k, v in _LISTS.items()}


def _blame(evaluation: Evaluation, problems: Sequence[Problem]) -> list[_Status]:
    """Statuses of an evaluation with problems: rejected where named.

    A problem naming one record (``observations[3].value``) rejects it; a
    problem about a whole indicator (``indicators[A1]``, ``observations[A1]``,
    ``activities``) rejects that indicator's records that no problem of their
    own named; a problem of the unit (``unit_id``) rejects all its records.
    The problem's steps below the evaluation say which.
    """
    records = list(_records(evaluation))
    position = {(kind, index): n for n, (kind, index, _) in enumerate(records)}
    path = _evaluation_path(evaluation.unit_id)
    own: dict[int, list[str]] = {}
    shared: dict[int, list[str]] = {}
    for problem in problems:
        rest: Path = problem.steps
        if rest[: len(path)] == path:
            rest = rest[len(path) :]
        text = f"{problem.message} (got {problem.value!r})"
        chosen: Iterable[int]
        match rest:
            case (str(name), int(index), *field) if name in _KINDS and field:
                n = position.get((_KINDS[name], index))
                if n is not None:
                    own.setdefault(n, []).append(f"{render_path(field)}: {text}")
                continue
            case ("unit_id",):
                chosen = range(len(records))
            case ("observations" | "indicators", Id(indicator)):
                chosen = _of(records, "observation", indicator)
            case ("activities",):
                chosen = _of(records, "activity", problem.value)
            case ("not_applicable",):
                chosen = [
                    n for n, (k, _, _) in enumerate(records) if k == "not_applicable"
                ]
            case _:  # pragma: no cover - every problem of score() is one of the above
                chosen = ()
        for n in chosen:
            shared.setdefault(n, []).append(f"{render_path(rest)}: {text}")
    others = f"本单位考评记录另有 {len(problems)} 个问题，未生成成绩单，本条未计分"
    out: list[_Status] = []
    for n in range(len(records)):
        reasons = own.get(n) or shared.get(n)
        if reasons:
            out.append((AuditStatus.REJECTED, "退回：" + "；".join(reasons)))
        else:
            out.append((AuditStatus.NOT_SCORED, others))
    return out


def _of(
    records: Sequence[tuple[RecordKind, int, Record]], kind: RecordKind, item: object
) -> list[int]:
    return [
        n
        for n, (k, _, record) in enumerate(records)
        if k == kind and _item_id(record) == item
    ]


def _from_card(
    rubric: Rubric,
    indicators: Mapping[str, Indicator],
    evaluation: Evaluation,
    card: Scorecard,
) -> list[_Status]:
    """Statuses of a scored evaluation, read from its scorecard."""
    results = dict(card.indicators)
    results.update((b.indicator_id, b) for b in card.bonus)
    trimmed = {
        result.indicator_id: _trimmed(result, indicators[result.indicator_id], rubric)
        for result in results.values()
    }
    out: list[_Status] = []
    for _, _, record in _records(evaluation):
        if isinstance(record, Observation):
            result = results[record.indicator_id]
            out.append(_observation(card, result, record, trimmed[result.indicator_id]))
        elif isinstance(record, Activity):
            result = results[record.indicator_id]
            out.append(_activity(card, result))
        elif isinstance(record, NotApplicable):
            result = results[record.indicator_id]
            out.append(
                (
                    AuditStatus.COUNTED,
                    f"指标 {result.indicator_id}（{result.title}）{result.reason}",
                )
            )
        else:
            out.append(_incident(rubric, card, record))
    return out


def _trimmed(
    result: IndicatorScore, indicator: Indicator, rubric: Rubric
) -> tuple[Observation, ...]:
    """The raters that 去掉最高分最低分 dropped, in the engine's order.

    The engine combines raters in a canonical order (source, rater, points);
    :class:`~pbcheck.model.aggregation.TrimmedMean` sorts their points and drops the
    *k* lowest and *k* highest.  A stable sort by points of the canonical order
    names which raters those are (ties: the first ones in canonical order).
    """
    strategy = indicator.rater_aggregator or rubric.rater_aggregator
    if len(result.raters) < 2 or not isinstance(strategy, TrimmedMean):
        return ()
    ranked = sorted(result.raters, key=lambda r: r.points)
    k = strategy.k
    return tuple(r.observation for r in ranked[:k] + ranked[len(ranked) - k :])


def _observation(
    card: Scorecard,
    result: IndicatorScore,
    observation: Observation,
    trimmed: tuple[Observation, ...],
) -> _Status:
    what = f"{'加分项' if result.bonus else '指标'} {result.indicator_id}（{result.title}）"
    if observation in result.not_counted:
        return (
            AuditStatus.NOT_COUNTED,
            f"{what}：来源“{observation.source.label_zh}”的权重为 0，记录未计分",
        )
    rater = next(r for r in result.raters if r.observation == observation)
    if observation in trimmed:
        return (
            AuditStatus.NOT_COUNTED,
            f"{what}：{rater.reason}，去掉最高分、最低分时被去掉",
        )
    reason = f"计入{what}：{rater.reason}，权重 {card.rounding.show(rater.weight)}"
    if len(result.raters) > 1:
        reason += (
            f"；{len(result.raters)} 位评分人按{label_zh(result.aggregator or '')}"
            f"合成 {card.rounding.show(result.points)} 分"
        )
    return _counted(card, result, reason)


def _activity(card: Scorecard, result: IndicatorScore) -> _Status:
    what = f"{'加分项' if result.bonus else '频次指标'} {result.indicator_id}（{result.title}）"
    return _counted(card, result, f"计入{what}：{result.reason}")


def _counted(card: Scorecard, result: IndicatorScore, reason: str) -> _Status:
    """Counted, or capped when a bonus record meets the bonus cap (加分上限)."""
    if result.bonus and card.bonus_counted < card.bonus_claimed:
        return (
            AuditStatus.CAPPED,
            (
                f"{reason}；加分合计申报 {card.rounding.show(card.bonus_claimed)} 分，超过加分上限，"
                f"计入 {card.rounding.show(card.bonus_counted)} 分"
            ),
        )
    return AuditStatus.COUNTED, reason


def _incident(rubric: Rubric, card: Scorecard, incident: Incident) -> _Status:
    for finding in card.vetoes:
        if finding.veto_id == incident.item_id:
            effect = (
                "取消评先资格"
                if finding.cap is None
                else f"总分不超过 {card.rounding.show(finding.cap)} 分"
            )
            return (
                AuditStatus.COUNTED,
                f"触发一票否决 {finding.veto_id}（{finding.title}）：{effect}",
            )
    item = next(d for d in card.deductions if d.deduction_id == incident.item_id)
    deduction = next(d for d in rubric.deductions if d.id == incident.item_id)
    if deduction.by_category is not None:
        points = deduction.by_category[incident.category or ""]
    else:
        assert deduction.points is not None  # noqa: S101 - Deduction checks this
        points = deduction.points
    reason = f"计入直接扣分项 {item.deduction_id}（{item.title}）：本次扣 {card.rounding.show(points)} 分"
    if item.counted < item.claimed:
        return (
            AuditStatus.CAPPED,
            (
                f"{reason}；本项 {len(item.incidents)} 次合计 {card.rounding.show(item.claimed)} 分，"
                f"超过本项封顶 {card.rounding.show(item.counted)} 分"
            ),
        )
    if card.deductions_counted < card.deductions_claimed:
        return (
            AuditStatus.CAPPED,
            (
                f"{reason}；直接扣分合计 {card.rounding.show(card.deductions_claimed)} 分，超过扣分上限，"
                f"计 {card.rounding.show(card.deductions_counted)} 分"
            ),
        )
    return AuditStatus.COUNTED, reason
