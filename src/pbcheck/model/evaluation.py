"""What was recorded about one unit in one cycle (考评记录).

An :class:`Evaluation` gathers three kinds of record, each with its source, its
date and references to its evidence, so that every point of a result can be
traced back:

* :class:`Observation` — a judgement of one indicator by one rater: a pass/fail,
  a measured value, a count or a direct score (自评, 考评组, 部门评议, 明察暗访).
* :class:`Activity` — a dated activity, e.g. one branch committee meeting
  (支委会), counted by frequency rules (三会一课).
* :class:`Incident` — a dated event that costs points or disqualifies: an
  admonishment of a leader (诫勉, a formal accountability measure), a
  violation of the eight-point rules, a veto.

>>> from datetime import date
>>> Evaluation(
...     unit_id="czj",
...     observations=[
...         Observation(
...             "S01",
...             True,
...             source=Source.TEAM,
...             rater="考评组甲",
...             recorded_at=date(2026, 5, 12),
...             evidence=[Evidence("document", "台账/2025/组织生活记录.pdf")],
...         ),
...     ],
... ).observations[0].value
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import TypeVar, cast

import attrs

from pbcheck._numbers import to_exact
from pbcheck._text import unsafe_character
from pbcheck.errors import (
    DuplicateIdError,
    InvalidTypeError,
    InvalidValueError,
    UnknownReferenceError,
    _Problems,
)

__all__ = [
    "Activity",
    "Evaluation",
    "Evidence",
    "Incident",
    "Moment",
    "NotApplicable",
    "Observation",
    "ObservedValue",
    "Source",
]

_R = TypeVar("_R")

#: A record's date: a calendar date, or a timezone-aware datetime.
Moment = date | datetime
#: What an observation records: a pass/fail judgement, a number, or a count.
ObservedValue = bool | int | Fraction


class Source(StrEnum):
    """Who recorded an observation.

    >>> Source("spot_check"), Source.SPOT_CHECK.label_zh
    (<Source.SPOT_CHECK: 'spot_check'>, '明察暗访')
    >>> [source.label_zh for source in Source]
    ['自评', '考评组', '部门评议', '明察暗访', '电子台账']
    """

    SELF = "self"
    """自评 — the unit's own self-assessment (not counted by default)."""
    TEAM = "team"
    """考评组 — the assessment team (听汇报、查资料)."""
    DEPARTMENT = "department"
    """部门评议 — appraisal by convened departments."""
    SPOT_CHECK = "spot_check"
    """明察暗访 — an unannounced or open spot check during the cycle."""
    LEDGER = "ledger"
    """电子台账 — the electronic ledger kept as work happens (重平时)."""

    @property
    def label_zh(self) -> str:
        """The Chinese name, e.g. ``明察暗访``."""
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    Source.SELF: "自评",
    Source.TEAM: "考评组",
    Source.DEPARTMENT: "部门评议",
    Source.SPOT_CHECK: "明察暗访",
    Source.LEDGER: "电子台账",
}


def _observed(value: object) -> ObservedValue:
    if isinstance(value, bool):
        return value
    exact = to_exact(value, ("observation", "value"))  # bounds an int's digits too
    return value if isinstance(value, int | Fraction) else exact


def _source(value: object) -> Source:
    """*value* as a :class:`Source`; anything else is refused, listing the sources.

    >>> _source("team")
    <Source.TEAM: 'team'>
    >>> _source("考评组")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: source: must be one of 'self', 'team', \
'department', 'spot_check', 'ledger' (got '考评组')
    """
    if isinstance(value, Source):
        return value
    if isinstance(value, str):
        try:
            return Source(value)
        except ValueError:
            pass
    allowed = ", ".join(repr(source.value) for source in Source)
    raise InvalidValueError(("source",), value, f"must be one of {allowed}")


def _moment(value: object, name: str = "occurred_at") -> Moment:
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidValueError(
                (name,),
                value,
                "must be timezone-aware (e.g. 2026-04-30T23:30+08:00)",
            )
        return value
    if isinstance(value, date):
        return value
    raise InvalidTypeError((name,), value, "must be a date or a datetime")


def _optional_moment(value: object) -> Moment | None:
    return None if value is None else _moment(value, "recorded_at")


def _text(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError((attribute.name,), value, "must be a non-empty string")
    if (why := unsafe_character(value)) is not None:  # pbcheck._text's rule
        raise InvalidValueError((attribute.name,), value, why)


def _free_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    """Notes and titles may be empty and may hold line breaks, nothing else unsafe."""
    if not isinstance(value, str):
        raise InvalidTypeError((attribute.name,), value, "must be a string")
    if (why := unsafe_character(value, line_breaks=True)) is not None:
        raise InvalidValueError((attribute.name,), value, why)


def _plain_text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    """A name that may be empty (a rater): one line, no unsafe character."""
    if not isinstance(value, str):
        raise InvalidTypeError((attribute.name,), value, "must be a string")
    if (why := unsafe_character(value)) is not None:
        raise InvalidValueError((attribute.name,), value, why)


def _evidence(value: Iterable[Evidence]) -> tuple[Evidence, ...]:
    return tuple(value)


def _records(value: object, name: str, kind: type[_R]) -> tuple[_R, ...]:
    """*value* as a tuple of *kind*; a wrong container or member is a library error.

    Every member of the wrong type is named, by its position, in one
    :class:`~pbcheck.errors.ValidationError`, instead of an ``AttributeError``
    from deep inside scoring.

    >>> _records([{"indicator_id": "A1"}, None], "observations", Observation)
    Traceback (most recent call last):
    ...
    pbcheck.errors.ValidationError: invalid evaluation: 2 problems
      observations[0]: must be an Observation (got {'indicator_id': 'A1'})
      observations[1]: must be an Observation (got None)
    """
    if value is None or isinstance(value, str | bytes | Mapping):
        raise InvalidTypeError(
            (name,), value, f"must be a list of {kind.__name__} records"
        )
    try:
        items = tuple(cast("Iterable[object]", value))
    except TypeError:
        raise InvalidTypeError(
            (name,), value, f"must be a list of {kind.__name__} records"
        ) from None
    problems = _Problems("invalid evaluation")
    for index, record in enumerate(items):
        if not isinstance(record, kind):
            article = "an" if kind.__name__[0] in "AEIOU" else "a"
            problems.add(
                InvalidTypeError(
                    (name, index), record, f"must be {article} {kind.__name__}"
                )
            )
    problems.raise_if_any()
    return cast("tuple[_R, ...]", items)


def _observations(value: Iterable[Observation]) -> tuple[Observation, ...]:
    return _records(value, "observations", Observation)


def _activities(value: Iterable[Activity]) -> tuple[Activity, ...]:
    return _records(value, "activities", Activity)


def _incidents(value: Iterable[Incident]) -> tuple[Incident, ...]:
    return _records(value, "incidents", Incident)


def _not_applicable(value: Iterable[NotApplicable]) -> tuple[NotApplicable, ...]:
    return _records(value, "not_applicable", NotApplicable)


def _branches(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise InvalidTypeError(("branches",), value, "must be a list of branch ids")
    return tuple(value)


def _optional_text(
    _: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidValueError(
            (attribute.name,), value, "must be None or a non-empty string"
        )
    if value is not None and (why := unsafe_character(value)) is not None:
        raise InvalidValueError((attribute.name,), value, why)


@attrs.frozen
class Evidence:
    """A reference to supporting material — never the material itself.

    Args:
        kind: ``document``, ``photo``, ``audio``, ``ledger`` or your own word.
        ref: where it is: a path, a URL, a document number.
        title: a short description.

    >>> Evidence("photo", "台账/2025/七一主题党日.jpg", title="主题党日活动照片")
    Evidence(kind='photo', ref='台账/2025/七一主题党日.jpg', title='主题党日活动照片')
    """

    kind: str = attrs.field(validator=_text)
    ref: str = attrs.field(validator=_text)
    title: str = attrs.field(default="", validator=_free_text)


@attrs.frozen
class Observation:
    """One rater's judgement of one indicator.

    Args:
        indicator_id: the indicator (or bonus indicator) judged.
        value: ``True``/``False`` for pass/fail, a number for measured values and
            direct scores (exact: int, Decimal, Fraction or a string; floats are
            refused), a whole number for counts.
        source: who recorded it (:class:`Source`).
        rater: who exactly, e.g. ``考评组甲``; several raters of one indicator
            must be told apart by ``rater``.
        recorded_at: when; a date, or a timezone-aware datetime.
        evidence: references to the material it rests on.
        note: free text.

    Values become exact; floats are refused, because ``0.1`` is not one tenth:

    >>> Observation("A1", "26.5", rater="考评组甲").value
    Fraction(53, 2)
    >>> Observation("A1", 26.5)
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidTypeError: observation.value: must be an exact number ...
    """

    indicator_id: str = attrs.field(validator=_text)
    value: ObservedValue = attrs.field(converter=_observed)
    source: Source = attrs.field(default=Source.TEAM, converter=_source)
    rater: str = attrs.field(default="", validator=_plain_text)
    recorded_at: Moment | None = attrs.field(default=None, converter=_optional_moment)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    note: str = attrs.field(default="", validator=_free_text)


@attrs.frozen
class Activity:
    """A dated activity counted by a frequency rule (e.g. one 支委会 meeting).

    Args:
        indicator_id: the frequency indicator it counts toward.
        occurred_at: when it took place; a date or an aware datetime.
        title: what it was, e.g. ``2025年6月支委会``.
        source: usually the electronic ledger (电子台账).
        evidence: minutes, photos, sign-in sheets.
        branch: the party branch (党支部) that held it, one of the evaluation's
            :attr:`~Evaluation.branches`; ``None`` for the unit as a whole.

    >>> from datetime import date
    >>> meeting = Activity("B3", date(2025, 6, 18), title="2025年6月支委会")
    >>> meeting.source.label_zh
    '电子台账'
    >>> Activity("B3", date(2025, 6, 18), branch="第一党支部").branch
    '第一党支部'
    """

    indicator_id: str = attrs.field(validator=_text)
    occurred_at: Moment = attrs.field(converter=_moment)
    title: str = attrs.field(default="", validator=_free_text)
    source: Source = attrs.field(default=Source.LEDGER, converter=_source)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    branch: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class NotApplicable:
    """An indicator that does not apply to the unit this cycle (合理缺项).

    The office marks it, with the reason, instead of an observation: e.g. 行政
    审批 for a unit with no licensing function, 挂村服务 for a unit without a
    village.  How the rest of the rubric then counts is the rubric's choice
    (:class:`~pbcheck.model.rubric.NotApplicablePolicy`: pro-rata by default,
    or full marks); an indicator the rubric marks ``waivable=False`` cannot be
    marked.

    Args:
        indicator_id: the regular indicator that does not apply.
        reason: why, in words an official would accept (required).
        recorded_at: when it was marked; a date or an aware datetime.
        evidence: references (the unit's 三定方案, an approval, …).

    >>> NotApplicable("B2", "本单位无行政审批职能").reason
    '本单位无行政审批职能'
    >>> NotApplicable("B2", " ")
    Traceback (most recent call last):
    ...
    pbcheck.errors.InvalidValueError: reason: must be a non-empty string (got ' ')
    """

    indicator_id: str = attrs.field(validator=_text)
    reason: str = attrs.field(validator=_text)
    recorded_at: Moment | None = attrs.field(default=None, converter=_optional_moment)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)


@attrs.frozen
class Incident:
    """A dated event that triggers a direct deduction (直接扣分) or a veto (一票否决).

    Args:
        item_id: the rubric's deduction or veto item.
        occurred_at: when it happened; a date or an aware datetime.
        category: for deductions graded by category, e.g. the offender's rank
            (``县处级``); must be one of the item's categories.
        source: who found it.
        evidence: references (a disciplinary decision's number, …).
        note: free text.

    >>> from datetime import date
    >>> Incident("D2", date(2025, 11, 3), category="乡科级").category
    '乡科级'
    """

    item_id: str = attrs.field(validator=_text)
    occurred_at: Moment = attrs.field(converter=_moment)
    category: str | None = attrs.field(default=None, validator=_optional_text)
    source: Source = attrs.field(default=Source.TEAM, converter=_source)
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=_evidence)
    note: str = attrs.field(default="", validator=_free_text)


@attrs.frozen
class Evaluation:
    """Everything recorded about one unit in one cycle.

    The order of records never changes a result.

    Args:
        unit_id: the :class:`~pbcheck.model.org.OrgUnit` assessed.
        observations: judgements of indicators (:class:`Observation`).
        activities: dated activities for frequency rules (:class:`Activity`).
        incidents: dated deduction or veto events (:class:`Incident`).
        not_applicable: indicators that do not apply to the unit
            (:class:`NotApplicable`, 合理缺项), each with its reason.
        branches: the unit's party branches (党支部) this cycle, for frequency
            rules that apply per branch (三会一课 is each branch's duty).

    >>> from datetime import date
    >>> evaluation = Evaluation(
    ...     "czj",
    ...     observations=[Observation("A1", "80", recorded_at=date(2026, 5, 12))],
    ...     activities=[Activity("B3", date(2025, 6, 18))],
    ... )
    >>> len(evaluation.observations), len(evaluation.activities), evaluation.incidents
    (1, 1, ())
    """

    unit_id: str = attrs.field(validator=_text)
    observations: tuple[Observation, ...] = attrs.field(
        default=(), converter=_observations
    )
    activities: tuple[Activity, ...] = attrs.field(default=(), converter=_activities)
    incidents: tuple[Incident, ...] = attrs.field(default=(), converter=_incidents)
    not_applicable: tuple[NotApplicable, ...] = attrs.field(
        default=(), converter=_not_applicable
    )
    branches: tuple[str, ...] = attrs.field(default=(), converter=_branches)

    def __attrs_post_init__(self) -> None:
        problems = _Problems(f"invalid evaluation for unit {self.unit_id!r}")
        declared: set[str] = set()
        for index, branch in enumerate(self.branches):
            if not isinstance(branch, str) or not branch.strip():
                problems.add(
                    InvalidValueError(
                        ("branches", index), branch, "must be a non-empty string"
                    )
                )
            elif branch in declared:
                problems.add(
                    DuplicateIdError(("branches", index), branch, "is listed twice")
                )
            declared.add(branch)
        for index, activity in enumerate(self.activities):
            if activity.branch is not None and activity.branch not in declared:
                known = "、".join(self.branches) or "none"
                problems.add(
                    UnknownReferenceError(
                        ("activities", index, "branch"),
                        activity.branch,
                        f"names no branch of the unit (branches: {known})",
                    )
                )
        problems.raise_if_any()
