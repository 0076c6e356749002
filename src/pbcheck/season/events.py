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

    >>> from datetime import datetime
    >>> opened = SeasonOpened(
    ...     at=datetime.fromisoformat("2026-01-05T09:00+08:00"),
    ...     actor="kpb",
    ...     season_id="2025",
    ...     title="2025年度机关党建工作责任制考核",
    ... )
    >>> opened.kind, opened.at.isoformat()
    ('season_opened', '2026-01-05T09:00:00+08:00')

    An event is an instant: a time without its zone is refused.

    >>> SeasonOpened(at=datetime(2026, 1, 5, 9), actor="kpb", season_id="2025")
    Traceback (most recent call last):
        ...
    pbcheck.errors.InvalidValueError: at: must be timezone-aware \
(e.g. 2026-05-20T09:30+08:00) (got datetime.datetime(2026, 1, 5, 9, 0))
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

    >>> from datetime import datetime
    >>> letter = LetterIssued(
    ...     at=datetime.fromisoformat("2026-01-08T10:00+08:00"),
    ...     actor="kpb",
    ...     unit_id="a",
    ...     own_tasks=["推进机关党建与业务融合"],
    ...     signed_by=["张伟", "李强"],
    ... )
    >>> letter.indicator_ids, letter.signed_by  # no ids: every indicator binds
    ((), ('张伟', '李强'))
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

    A unit's own 自评 (source ``self``), with one of its activities:

    >>> from datetime import date, datetime
    >>> from pbcheck import Activity, Observation
    >>> event = Submitted(
    ...     at=datetime.fromisoformat("2026-01-12T16:30+08:00"),
    ...     actor="a",
    ...     unit_id="a",
    ...     observations=[Observation("A1", 38, source="self", rater="单位a")],
    ...     activities=[Activity("party_day", date(2025, 7, 1))],
    ... )
    >>> event.observations[0].source.value, len(event.activities)
    ('self', 1)
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
    """An indicator found not to apply to a unit (认定合理缺项), with its reason.

    Args:
        unit_id: the unit.
        marker: the indicator and the reason (:class:`~pbcheck.NotApplicable`).

    >>> from datetime import datetime
    >>> from pbcheck import NotApplicable
    >>> event = NotApplicableMarked(
    ...     at=datetime.fromisoformat("2026-01-15T09:00+08:00"),
    ...     actor="kpb",
    ...     unit_id="b",
    ...     marker=NotApplicable("A2", "本单位无行政审批职能"),
    ... )
    >>> event.marker.indicator_id, event.marker.reason
    ('A2', '本单位无行政审批职能')
    """

    kind: ClassVar[str] = "not_applicable_marked"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    marker: NotApplicable = attrs.field(validator=_fields.instance(NotApplicable))


@attrs.frozen(kw_only=True)
class Accepted:
    """A submission's evidence checked and accepted (审核通过).

    >>> from datetime import datetime
    >>> Accepted(
    ...     at=datetime.fromisoformat("2026-01-20T11:00+08:00"),
    ...     actor="zzb",
    ...     unit_id="a",
    ...     indicator_id="A1",
    ... ).kind
    'accepted'
    """

    kind: ClassVar[str] = "accepted"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    indicator_id: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(default="", validator=_fields.free_text)


@attrs.frozen(kw_only=True)
class Returned:
    """A submission sent back for correction (退回补正); the reason is required.

    >>> from datetime import datetime
    >>> returned = Returned(
    ...     at=datetime.fromisoformat("2026-01-20T11:00+08:00"),
    ...     actor="zzb",
    ...     unit_id="a",
    ...     indicator_id="A1",
    ...     reason="佐证材料缺少支部委员会会议记录",
    ... )
    >>> returned.kind, returned.reason
    ('returned', '佐证材料缺少支部委员会会议记录')
    """

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

    >>> from datetime import datetime
    >>> ProvisionalComputed(
    ...     at=datetime.fromisoformat("2026-02-02T09:00+08:00"),
    ...     actor="kpb",
    ...     reason="材料报送截止，形成初步结果",
    ... ).kind
    'provisional_computed'
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

    >>> from datetime import date, datetime
    >>> at = datetime.fromisoformat("2026-02-02T09:00+08:00")
    >>> window = PublicityOpened(
    ...     at=at,
    ...     actor="kpb",
    ...     starts=date(2026, 2, 2),
    ...     ends=date(2026, 2, 6),
    ...     working_days=5,
    ... )
    >>> window.ends - window.starts
    datetime.timedelta(days=4)
    >>> PublicityOpened(
    ...     at=at,
    ...     actor="kpb",
    ...     starts=date(2026, 2, 6),
    ...     ends=date(2026, 2, 2),
    ...     working_days=5,
    ... )
    Traceback (most recent call last):
        ...
    pbcheck.errors.InvalidValueError: ends: must not be before starts (2026-02-06) \
(got '2026-02-02')
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

    >>> from datetime import datetime
    >>> objection = ObjectionFiled(
    ...     at=datetime.fromisoformat("2026-02-04T15:00+08:00"),
    ...     actor="b",
    ...     objection_id="YY-2026-01",
    ...     unit_id="b",
    ...     text="A1 基础台账已于1月补报，未计入",
    ...     indicator_ids=["A1"],
    ... )
    >>> objection.indicator_ids
    ('A1',)
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

    >>> from datetime import datetime
    >>> from pbcheck import Observation
    >>> decision = ObjectionDecided(
    ...     at=datetime.fromisoformat("2026-02-09T10:00+08:00"),
    ...     actor="kpb",
    ...     objection_id="YY-2026-01",
    ...     upheld=True,
    ...     reason="经复核，补报材料齐全，予以采信",
    ...     corrections=[Observation("A1", 36)],
    ... )
    >>> [(o.indicator_id, o.value) for o in decision.corrections]
    [('A1', 36)]
    """

    kind: ClassVar[str] = "objection_decided"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    objection_id: str = attrs.field(validator=_fields.text)
    upheld: bool = attrs.field(validator=_fields.instance(bool))
    reason: str = attrs.field(validator=_fields.required_reason)
    corrections: tuple[Observation, ...] = _fields.records(Observation)
    not_applicable: tuple[NotApplicable, ...] = _fields.records(NotApplicable)


@attrs.frozen(kw_only=True)
class ResultsApproved:
    """The results approved (审定): the season's final results from here on.

    Args:
        reason: the approving body and meeting, e.g.
            ``经市直机关工委考核工作领导小组2026年6月18日会议审定``.

    >>> from datetime import datetime
    >>> approved = ResultsApproved(
    ...     at=datetime.fromisoformat("2026-02-12T16:00+08:00"),
    ...     actor="kpb",
    ...     reason="经考核工作领导小组2026年2月12日会议审定",
    ... )
    >>> approved.kind
    'results_approved'
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

    >>> from datetime import date, datetime
    >>> raised = RectificationRaised(
    ...     at=datetime.fromisoformat("2026-02-20T09:00+08:00"),
    ...     actor="kpb",
    ...     item_id="ZG-2026-001",
    ...     unit_id="c",
    ...     problem="考核处于后位，基础台账不规范",
    ...     basis="bottom",
    ...     responsible="王芳",
    ...     deadline=date(2026, 5, 20),
    ...     measures=["逐月检查支部台账", "开展专题培训"],
    ... )
    >>> raised.measures, raised.deadline.isoformat()
    (('逐月检查支部台账', '开展专题培训'), '2026-05-20')
    """

    kind: ClassVar[str] = "rectification_raised"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    unit_id: str = attrs.field(validator=_fields.text)
    problem: str = attrs.field(validator=_fields.required_reason)
    basis: str = attrs.field(
        validator=_fields.one_of(
            "bottom", "grade", "veto", "lost_points", "spot_check", "other"
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
    """Progress on a rectification item (整改进展); a new deadline needs a reason.

    Args:
        item_id: the item.
        progress: what has been done (required).
        measures: further measures, if any.
        deadline: a new deadline, or ``None`` to keep the item's.

    >>> from datetime import date, datetime
    >>> update = RectificationUpdated(
    ...     at=datetime.fromisoformat("2026-03-20T09:00+08:00"),
    ...     actor="c",
    ...     item_id="ZG-2026-001",
    ...     progress="已完成3个支部台账整理，另2个因换届顺延",
    ...     deadline=date(2026, 6, 20),
    ... )
    >>> update.deadline.isoformat()
    '2026-06-20'
    """

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
    """A rectification item closed on evidence (销号).

    Args:
        item_id: the item.
        reason: why it can be closed (required).
        evidence: references to the material that shows it.

    >>> from datetime import datetime
    >>> from pbcheck import Evidence
    >>> closed = RectificationClosed(
    ...     at=datetime.fromisoformat("2026-05-18T10:00+08:00"),
    ...     actor="kpb",
    ...     item_id="ZG-2026-001",
    ...     reason="整改措施全部落实，经现场查验予以销号",
    ...     evidence=[Evidence("ledger", "整改/ZG-2026-001/台账.pdf")],
    ... )
    >>> closed.evidence[0].ref
    '整改/ZG-2026-001/台账.pdf'
    """

    kind: ClassVar[str] = "rectification_closed"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    reason: str = attrs.field(validator=_fields.required_reason)
    evidence: tuple[Evidence, ...] = _fields.records(Evidence)


@attrs.frozen(kw_only=True)
class RectificationRechecked:
    """A closed item looked at again (回头看): it holds, or it is reopened.

    Args:
        item_id: the item.
        holds: whether the rectification holds; ``False`` reopens the item.
        reason: what the 回头看 found (required).

    >>> from datetime import datetime
    >>> RectificationRechecked(
    ...     at=datetime.fromisoformat("2026-09-10T10:00+08:00"),
    ...     actor="kpb",
    ...     item_id="ZG-2026-001",
    ...     holds=False,
    ...     reason="",
    ... )
    Traceback (most recent call last):
        ...
    pbcheck.errors.InvalidValueError: reason: a reason must be given (got '')
    """

    kind: ClassVar[str] = "rectification_rechecked"
    at: datetime = attrs.field(validator=_fields.moment)
    actor: str = attrs.field(validator=_fields.text)
    item_id: str = attrs.field(validator=_fields.text)
    holds: bool = attrs.field(validator=_fields.instance(bool))
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
