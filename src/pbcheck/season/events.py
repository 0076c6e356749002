"""What happened in a season (考核过程记录): immutable events.

A season is the list of its events in the order they happened; its state at
any moment is the fold of the events up to that moment
(:mod:`pbcheck.season.ledger`).  Every event says **when** (``at``, an
instant with its zone), **who** (``actor``, an id of the season's
:class:`~pbcheck.season.authority.Authority`, which gives the actor's name
and role) and, where it matters, **why** (``reason``).  Events are data:
they do not check who may do what (the ledger does, against the authority
and the state), and they never change once made.

The events, in the order a season meets them:

================================  ===========================================
event                             in the season
================================  ===========================================
:class:`SeasonOpened`             考核工作启动 (the first event)
:class:`LetterIssued`             签订责任书（责任清单）
:class:`Submitted`                评分部门报送评分 / 单位自评
:class:`NotApplicableMarked`      认定合理缺项
:class:`Accepted`                 材料审核通过
:class:`Returned`                 退回补正
:class:`ProvisionalComputed`      形成初步结果
:class:`PublicityOpened`          公示
:class:`ObjectionFiled`           提出异议
:class:`ObjectionDecided`         异议复核决定
:class:`ResultsApproved`          审定
:class:`RectificationRaised`      列入整改台账
:class:`RectificationUpdated`     整改进展
:class:`RectificationClosed`      整改销号
:class:`RectificationRechecked`   回头看
================================  ===========================================

>>> from datetime import datetime, timedelta, timezone
>>> from pbcheck import Observation
>>> beijing = timezone(timedelta(hours=8))
>>> event = Submitted(
...     at=datetime(2026, 5, 12, 10, 0, tzinfo=beijing),
...     actor="jw",
...     unit_id="czj",
...     observations=[
...         Observation("C3", 9, source="department", rater="市纪委监委机关")
...     ],
... )
>>> event.kind, event.observations[0].indicator_id
('submitted', 'C3')
>>> Returned(
...     at=datetime(2026, 5, 13, 9, 0, tzinfo=beijing),
...     actor="jw",
...     unit_id="czj",
...     indicator_id="C3",
...     reason="",
... )
Traceback (most recent call last):
    ...
pbcheck.errors.InvalidValueError: reason: a reason must be given (got '')
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, TypeAlias

import attrs

from pbcheck.errors import InvalidValueError
from pbcheck.model.evaluation import (
    Activity,
    Evidence,
    Incident,
    NotApplicable,
    Observation,
)
from pbcheck.season import _fields

__all__ = [
    "EVENT_KINDS",
    "Accepted",
    "Event",
    "LetterIssued",
    "NotApplicableMarked",
    "ObjectionDecided",
    "ObjectionFiled",
    "ProvisionalComputed",
    "PublicityOpened",
    "RectificationClosed",
    "RectificationRaised",
    "RectificationRechecked",
    "RectificationUpdated",
    "ResultsApproved",
    "Returned",
    "SeasonOpened",
    "Submitted",
]

# Every event is ``attrs.frozen(kw_only=True)`` (spelled out on each class so
# that type checkers see it): a call names each field (``at=``, ``actor=``),
# and the common fields come first in every repr and canonical form.


@attrs.frozen(kw_only=True)
class SeasonOpened:
    """The season starts (考核工作启动): the first event of every season.

    Args:
        at: when.
        actor: the office that opens it.
        season_id: the season's id (also the store's key).
        title: e.g. ``2025—2026年度市直机关党建工作责任制考核``.
        definitions: a digest of the season's definitions (rubric, tree,
            cycle, authority), so that the chain also proves which rules it
            ran under; the store fills it, ``""`` where nothing is stored.
    """

    kind: ClassVar[str] = "season_opened"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    season_id: str = attrs.field(validator=_fields.text)
    title: str = attrs.field(default="", validator=_fields.free_text)
    definitions: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class LetterIssued:
    """A responsibility letter (责任书 / 责任清单) issued to one unit.

    Args:
        unit_id: the unit that signs it.
        indicator_ids: the rubric's indicators that bind this unit; empty
            means every indicator of the unit's rubric.
        own_tasks: the unit's own tasks written into its letter (个性化任务),
            one line each.
        signed_by: the responsible persons who signed (names).
    """

    kind: ClassVar[str] = "letter_issued"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    indicator_ids: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )
    own_tasks: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )
    signed_by: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class Submitted:
    """Records submitted for one unit: a department's scores, or the unit's 自评.

    A department (评分部门) submits the indicators it owns; a unit submits
    only its own self-assessment (observations whose source is ``self``).
    A later submission by the same actor for the same unit replaces that
    actor's earlier records of the same indicators (a resubmission after
    退回补正).

    Args:
        unit_id: the unit the records are about.
        observations: judgements of indicators.
        activities: dated activities (三会一课 …).
        incidents: dated incidents (扣分事项, 一票否决事项).
        reason: e.g. ``按退回意见补正``.
    """

    kind: ClassVar[str] = "submitted"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    observations: tuple[Observation, ...] = _fields.records(Observation)
    activities: tuple[Activity, ...] = _fields.records(Activity)
    incidents: tuple[Incident, ...] = _fields.records(Incident)
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class NotApplicableMarked:
    """An indicator found not to apply to a unit (认定合理缺项), with its reason."""

    kind: ClassVar[str] = "not_applicable_marked"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    marker: NotApplicable = attrs.field(
        validator=attrs.validators.instance_of(NotApplicable)
    )


@attrs.frozen(kw_only=True)
class Accepted:
    """A submission's evidence checked and accepted (审核通过)."""

    kind: ClassVar[str] = "accepted"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    indicator_id: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class Returned:
    """A submission sent back for correction (退回补正); the reason is required."""

    kind: ClassVar[str] = "returned"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    indicator_id: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(validator=_fields.required_reason)


@attrs.frozen(kw_only=True)
class ProvisionalComputed:
    """Provisional results formed from the season as it stands (形成初步结果).

    The provisional results are the fold of every event before this one;
    the event fixes that moment, so the list that went to 公示 can be shown
    again later, beside the final one.
    """

    kind: ClassVar[str] = "provisional_computed"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class PublicityOpened:
    """The provisional results published for objections (公示).

    Args:
        starts: the first day of the window.
        ends: the last day on which an objection is accepted; the window is
            ``working_days`` working days from ``starts``, counted with the
            working calendar the office used (weekends, holidays and 调休
            workdays), and the day is stored so that replay never depends on
            calendar data that may change later.
        working_days: the window's length in working days.
    """

    kind: ClassVar[str] = "publicity_opened"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    starts: date = attrs.field(validator=_fields.day)
    ends: date = attrs.field(validator=_fields.day)
    working_days: int = attrs.field(validator=_fields.whole)
    reason: str = attrs.field(default="", validator=_fields.free_text)

    def __attrs_post_init__(self) -> None:
        if self.ends < self.starts:
            raise InvalidValueError(
                ("ends",), self.ends, f"must not be before starts ({self.starts})"
            )


@attrs.frozen(kw_only=True)
class ObjectionFiled:
    """An objection (异议) to the published results, from the unit concerned.

    Args:
        objection_id: the objection's id (e.g. ``YY-2026-03``).
        unit_id: the unit whose result is objected to.
        text: what the unit says.
        indicator_ids: the indicators it concerns, if it names any.
    """

    kind: ClassVar[str] = "objection_filed"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    objection_id: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    text: str = attrs.field(validator=_fields.required_reason)
    indicator_ids: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )


@attrs.frozen(kw_only=True)
class ObjectionDecided:
    """An objection reviewed and decided (复核), with the reason.

    Args:
        objection_id: the objection decided.
        upheld: whether it is upheld (成立) in whole or part.
        reason: why.
        corrections: observations that replace every earlier observation of
            the same indicator for the objection's unit (only when upheld).
        not_applicable: 合理缺项 found on review (only when upheld).
    """

    kind: ClassVar[str] = "objection_decided"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    objection_id: str = attrs.field(validator=_fields.text)
    upheld: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    reason: str = attrs.field(validator=_fields.required_reason)
    corrections: tuple[Observation, ...] = _fields.records(Observation)
    not_applicable: tuple[NotApplicable, ...] = _fields.records(NotApplicable)


@attrs.frozen(kw_only=True)
class ResultsApproved:
    """The results approved (审定): the season's final results from here on.

    Args:
        reason: the approving body and meeting, e.g.
            ``经市直机关工委考核工作领导小组2026年6月18日会议审定``.
    """

    kind: ClassVar[str] = "results_approved"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class RectificationRaised:
    """An item put on the rectification ledger (列入整改台账).

    Args:
        item_id: the item's id (e.g. ``ZG-2026-014``).
        unit_id: the unit that must rectify.
        problem: what is wrong (问题).
        basis: where the item comes from: ``bottom`` (后位), ``grade``,
            ``veto``, ``lost_points`` (失分清单), ``spot_check`` or
            ``other``.
        responsible: the person answerable (责任人).
        deadline: the day by which it must be done.
        measures: the measures (整改措施), one per line.
        indicator_id: the indicator it concerns, if one.
    """

    kind: ClassVar[str] = "rectification_raised"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    problem: str = attrs.field(validator=_fields.required_reason)
    basis: str = attrs.field(
        validator=attrs.validators.in_(
            ("bottom", "grade", "veto", "lost_points", "spot_check", "other")
        )
    )
    responsible: str = attrs.field(validator=_fields.text)
    deadline: date = attrs.field(validator=_fields.day)
    measures: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )
    indicator_id: str | None = attrs.field(
        default=None, validator=_fields.optional_text
    )


@attrs.frozen(kw_only=True)
class RectificationUpdated:
    """Progress on a rectification item (整改进展); a new deadline needs a reason."""

    kind: ClassVar[str] = "rectification_updated"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    progress: str = attrs.field(validator=_fields.required_reason)
    measures: tuple[str, ...] = attrs.field(
        default=(), converter=_fields.texts, validator=_fields.each_text
    )
    deadline: date | None = attrs.field(default=None, validator=_fields.optional_day)


@attrs.frozen(kw_only=True)
class RectificationClosed:
    """A rectification item closed on evidence (销号)."""

    kind: ClassVar[str] = "rectification_closed"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(validator=_fields.required_reason)
    evidence: tuple[Evidence, ...] = _fields.records(Evidence)


@attrs.frozen(kw_only=True)
class RectificationRechecked:
    """A closed item looked at again (回头看): it holds, or it is reopened."""

    kind: ClassVar[str] = "rectification_rechecked"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    holds: bool = attrs.field(validator=attrs.validators.instance_of(bool))
    reason: str = attrs.field(validator=_fields.required_reason)


#: Any season event.
Event: TypeAlias = (
    SeasonOpened
    | LetterIssued
    | Submitted
    | NotApplicableMarked
    | Accepted
    | Returned
    | ProvisionalComputed
    | PublicityOpened
    | ObjectionFiled
    | ObjectionDecided
    | ResultsApproved
    | RectificationRaised
    | RectificationUpdated
    | RectificationClosed
    | RectificationRechecked
)

#: Each event class by its ``kind`` tag (the tag stored with it).
EVENT_KINDS: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (
        SeasonOpened,
        LetterIssued,
        Submitted,
        NotApplicableMarked,
        Accepted,
        Returned,
        ProvisionalComputed,
        PublicityOpened,
        ObjectionFiled,
        ObjectionDecided,
        ResultsApproved,
        RectificationRaised,
        RectificationUpdated,
        RectificationClosed,
        RectificationRechecked,
    )
}
