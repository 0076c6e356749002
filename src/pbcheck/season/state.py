"""Where a season stands (考核进度): its phase, objections and result changes.

Values the ledger (:mod:`pbcheck.season.ledger`) gives out; each is a plain
frozen record, equal when the seasons it describes are equal.

>>> SeasonPhase.PUBLICITY.label_zh
'公示'
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import attrs

from pbcheck.model.evaluation import NotApplicable, Observation

__all__ = ["Objection", "ResultChange", "SeasonPhase", "SeasonState"]


class SeasonPhase(StrEnum):
    """The phase a season is in, from the events so far.

    >>> [phase.label_zh for phase in SeasonPhase]
    ['未启动', '材料报送', '形成初步结果', '公示', '公示结束', '已审定']
    """

    NOT_OPENED = "not_opened"
    """No event yet (a ledger is always opened by :class:`SeasonOpened`)."""
    COLLECTING = "collecting"
    """Letters and submissions: scores are being collected (材料报送)."""
    PROVISIONAL = "provisional"
    """Provisional results formed and not yet published (形成初步结果)."""
    PUBLICITY = "publicity"
    """A 公示 opened; objections are accepted within its window."""
    PUBLICITY_OVER = "publicity_over"
    """The 公示 window has passed (as of the latest event); awaiting 审定."""
    APPROVED = "approved"
    """The results are approved (审定); only rectification goes on."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``公示``."""
        return _PHASE_LABELS[self]


_PHASE_LABELS = {
    SeasonPhase.NOT_OPENED: "未启动",
    SeasonPhase.COLLECTING: "材料报送",
    SeasonPhase.PROVISIONAL: "形成初步结果",
    SeasonPhase.PUBLICITY: "公示",
    SeasonPhase.PUBLICITY_OVER: "公示结束",
    SeasonPhase.APPROVED: "已审定",
}


@attrs.frozen
class Objection:
    """An objection (异议) and, once decided, its decision.

    Args:
        objection_id: its id.
        unit_id: the unit objecting to its own result.
        actor: who filed it (the unit's actor id).
        filed_at: when.
        text: what the unit says.
        indicator_ids: the indicators it names, if any.
        decided_at: when it was decided; ``None`` while pending.
        upheld: whether it was upheld; ``None`` while pending.
        reason: the decision's reason (``""`` while pending).
        corrections: observations that replaced the unit's earlier ones.
        not_applicable: 合理缺项 found on review.

    An objection filed in a 公示 and decided on review, as the ledger holds it:

    >>> from datetime import date, datetime
    >>> from pbcheck.season import (
    ...     Ledger,
    ...     ObjectionDecided,
    ...     ObjectionFiled,
    ...     ProvisionalComputed,
    ...     PublicityOpened,
    ... )
    >>> from pbcheck.testing import season_plan
    >>> def at(text):
    ...     return datetime.fromisoformat(text + "+08:00")
    >>> ledger = Ledger.open(season_plan(), at=at("2026-01-05T09:00"), actor="kpb")
    >>> ledger = ledger.record_all(
    ...     [
    ...         ProvisionalComputed(at=at("2026-02-02T09:00"), actor="kpb"),
    ...         PublicityOpened(
    ...             at=at("2026-02-02T09:30"),
    ...             actor="kpb",
    ...             starts=date(2026, 2, 2),
    ...             ends=date(2026, 2, 6),
    ...             working_days=5,
    ...         ),
    ...         ObjectionFiled(
    ...             at=at("2026-02-04T15:00"),
    ...             actor="b",
    ...             objection_id="YY-2026-01",
    ...             unit_id="b",
    ...             text="B1 创业竞赛材料已报送，未计入",
    ...         ),
    ...     ]
    ... )
    >>> ledger.objections()[0].status_zh
    '待复核'
    >>> ledger = ledger.record(
    ...     ObjectionDecided(
    ...         at=at("2026-02-09T10:00"),
    ...         actor="kpb",
    ...         objection_id="YY-2026-01",
    ...         upheld=False,
    ...         reason="经复核，该材料报送时已超过截止时间",
    ...     )
    ... )
    >>> objection = ledger.objections()[0]
    >>> objection.decided, objection.status_zh
    (True, '不成立')
    """

    objection_id: str
    unit_id: str
    actor: str
    filed_at: datetime
    text: str
    indicator_ids: tuple[str, ...] = ()
    decided_at: datetime | None = None
    upheld: bool | None = None
    reason: str = ""
    corrections: tuple[Observation, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()

    @property
    def decided(self) -> bool:
        """Whether it has been decided."""
        return self.decided_at is not None

    @property
    def status_zh(self) -> str:
        """``待复核``, ``成立`` or ``不成立``."""
        if self.upheld is None:
            return "待复核"
        return "成立" if self.upheld else "不成立"


@attrs.frozen
class ResultChange:
    """One difference between the published (公示) and the final (审定) results.

    Args:
        unit_id: the unit.
        what: ``total``, ``rank`` (within its series), ``grade``,
            ``commended`` (党建工作先进单位) or ``bottom`` (处于后位).
        before: as published, as text (``None`` if the unit was not there).
        after: as approved, as text (``None`` if the unit is not there).

    :meth:`Ledger.changes <pbcheck.season.ledger.Ledger.changes>` lists them
    once the results are approved; each reads as one line:

    >>> print(ResultChange("b", "rank", "3", "2"))
    b rank: 3 → 2
    >>> print(ResultChange("b", "grade", "一般", "较好"))
    b grade: 一般 → 较好
    """

    unit_id: str
    what: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        return f"{self.unit_id} {self.what}: {self.before} → {self.after}"


@attrs.frozen
class SeasonState:
    """The season as its events leave it.

    Args:
        season_id: from :class:`~pbcheck.season.events.SeasonOpened`.
        title: likewise.
        phase: where the season stands.
        version: how many events it holds.
        opened_at: when it was opened.
        last_at: the latest event's time.
        letters: unit ids that have a responsibility letter (责任书), in order.
        provisional_at: when provisional results were last formed.
        provisional_missing: how many (unit, indicator) scores were missing
            then (0: the provisional results were complete).
        publicity_starts: the current 公示's first day.
        publicity_ends: its last day for objections.
        approved_at: when the results were approved (审定).
        approved_reason: the approving body and meeting.

    >>> from datetime import date, datetime
    >>> from pbcheck.season import Ledger, ProvisionalComputed, PublicityOpened
    >>> from pbcheck.testing import season_plan
    >>> def at(text):
    ...     return datetime.fromisoformat(text + "+08:00")
    >>> ledger = Ledger.open(season_plan(), at=at("2026-01-05T09:00"), actor="kpb")
    >>> ledger.state.phase.label_zh, ledger.state.version
    ('材料报送', 1)
    >>> ledger = ledger.record_all(
    ...     [
    ...         ProvisionalComputed(at=at("2026-02-02T09:00"), actor="kpb"),
    ...         PublicityOpened(
    ...             at=at("2026-02-02T09:30"),
    ...             actor="kpb",
    ...             starts=date(2026, 2, 2),
    ...             ends=date(2026, 2, 6),
    ...             working_days=5,
    ...         ),
    ...     ]
    ... )
    >>> state = ledger.state
    >>> state.phase.label_zh, state.version, state.publicity_ends.isoformat()
    ('公示', 3, '2026-02-06')
    """

    season_id: str
    title: str
    phase: SeasonPhase
    version: int
    opened_at: datetime | None = None
    last_at: datetime | None = None
    letters: tuple[str, ...] = ()
    provisional_at: datetime | None = None
    provisional_missing: int = 0
    publicity_starts: date | None = None
    publicity_ends: date | None = None
    approved_at: datetime | None = None
    approved_reason: str = ""
