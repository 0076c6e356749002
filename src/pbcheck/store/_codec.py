"""Events and season definitions as canonical JSON, and back.

The canonical form is what the hash chain covers, so it must be one text
per value: keys sorted, no spaces, UTF-8 with Chinese left as it is, exact
numbers as text (``"2.5"``, ``"1/3"``), dates ISO (``2026-05-12``) and
instants ISO with their offset (``2026-05-12T10:00:00+08:00``).  Every
event body carries its ``kind`` tag (:data:`pbcheck.season.events.EVENT_KINDS`).

Records inside events (observations, activities, incidents, 合理缺项 and
evidence) are written in the interchange format's own form
(:mod:`pbcheck.io.interchange`, an ``evaluations`` document), so a record
has one serialisation in pbcheck whether it travels in a file or in the
store.  The interchange has no public converter for a single record, so
the records of an event travel inside one evaluation (the *carrier*) and
are taken out of it again: the body holds the lists of records only.

A season's definitions are an empty ``results`` document — it embeds the
rubric (or rubric set), the org tree, the cycle and the outcome policy in
their interchange forms — plus the authority and the 公示 length, in a
small JSON object of our own.
"""

from __future__ import annotations

import hashlib
import json
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from pbcheck.errors import InvalidValueError, PbcheckError
from pbcheck.io.interchange import SCHEMA_VERSION as DOCUMENT_VERSION
from pbcheck.io.interchange import dumps, loads
from pbcheck.model.evaluation import Evaluation, Observation
from pbcheck.outcomes.season import OutcomePolicy, Results
from pbcheck.season import events as season_events
from pbcheck.season.authority import Actor, Authority
from pbcheck.season.events import EVENT_KINDS, Event
from pbcheck.season.plan import SeasonPlan

__all__ = [
    "DEFINITIONS_FORMAT",
    "CodecError",
    "canonical",
    "decode_event",
    "decode_plan",
    "digest",
    "encode_event",
    "encode_plan",
]

#: The version of the definitions' JSON object (not the store's schema).
DEFINITIONS_FORMAT = 1

# The carrier evaluation's unit id: any valid id; it is never stored.
_CARRIER = "carrier"
# The indicator id of the observation that carries a list of evidence.
_EVIDENCE_CARRIER = "evidence"


class CodecError(PbcheckError):
    """A stored text that is not a body or definitions this pbcheck writes."""


def canonical(value: object) -> str:
    """*value* as canonical JSON: sorted keys, no spaces, non-ASCII kept.

    >>> canonical({"b": [1, "二"], "a": None})
    '{"a":null,"b":[1,"二"]}'
    """
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def digest(text: str) -> str:
    """The SHA-256 of *text*'s UTF-8 bytes, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- records, through the interchange's evaluations document ------------------


def _carried(evaluation: Evaluation) -> dict[str, Any]:
    """The interchange form of *evaluation*'s records, as plain JSON values."""
    document = json.loads(dumps([evaluation]))
    carried: dict[str, Any] = document["evaluations"][0]
    return carried


def _carrier(**records: list[Any]) -> Evaluation:
    """An evaluation rebuilt from records in their interchange form."""
    body: dict[str, Any] = {"unit_id": _CARRIER}
    body.update({name: value for name, value in records.items() if value})
    # An activity may name its branch; the carrier declares every one named.
    branches = sorted(
        {
            activity["branch"]
            for activity in records.get("activities", ())
            if isinstance(activity, dict) and isinstance(activity.get("branch"), str)
        }
    )
    if branches:
        body["branches"] = branches
    document = {
        "schema_version": DOCUMENT_VERSION,
        "kind": "evaluations",
        "evaluations": [body],
    }
    (evaluation,) = loads(canonical(document), "evaluations")
    return evaluation


def _branches(event: season_events.Submitted) -> tuple[str, ...]:
    return tuple(sorted({a.branch for a in event.activities if a.branch is not None}))


def _records_of(event: Event) -> dict[str, Any]:
    """The record fields of *event* in their interchange form, by field name."""
    if isinstance(event, season_events.Submitted):
        carried = _carried(
            Evaluation(
                _CARRIER,
                observations=event.observations,
                activities=event.activities,
                incidents=event.incidents,
                branches=_branches(event),
            )
        )
        return {
            "observations": carried.get("observations", []),
            "activities": carried.get("activities", []),
            "incidents": carried.get("incidents", []),
        }
    if isinstance(event, season_events.NotApplicableMarked):
        carried = _carried(Evaluation(_CARRIER, not_applicable=[event.marker]))
        return {"marker": carried["not_applicable"][0]}
    if isinstance(event, season_events.ObjectionDecided):
        carried = _carried(
            Evaluation(
                _CARRIER,
                observations=event.corrections,
                not_applicable=event.not_applicable,
            )
        )
        return {
            "corrections": carried.get("observations", []),
            "not_applicable": carried.get("not_applicable", []),
        }
    if isinstance(event, season_events.RectificationClosed):
        holder = Observation(_EVIDENCE_CARRIER, True, evidence=event.evidence)
        carried = _carried(Evaluation(_CARRIER, observations=[holder]))
        return {"evidence": carried["observations"][0].get("evidence", [])}
    return {}


def _records_from(kind: str, body: Mapping[str, Any]) -> dict[str, object]:
    """The record fields of an event of *kind*, rebuilt from *body*."""
    if kind == "submitted":
        carrier = _carrier(
            observations=_list(body, "observations"),
            activities=_list(body, "activities"),
            incidents=_list(body, "incidents"),
        )
        return {
            "observations": carrier.observations,
            "activities": carrier.activities,
            "incidents": carrier.incidents,
        }
    if kind == "not_applicable_marked":
        marker = body.get("marker")
        if not isinstance(marker, dict):
            raise CodecError(f"marker must be an object (got {marker!r})")
        return {"marker": _carrier(not_applicable=[marker]).not_applicable[0]}
    if kind == "objection_decided":
        carrier = _carrier(
            observations=_list(body, "corrections"),
            not_applicable=_list(body, "not_applicable"),
        )
        return {
            "corrections": carrier.observations,
            "not_applicable": carrier.not_applicable,
        }
    if kind == "rectification_closed":
        evidence = _list(body, "evidence")
        holder = {"indicator_id": _EVIDENCE_CARRIER, "value": True}
        if evidence:
            holder["evidence"] = evidence
        observation = _carrier(observations=[holder]).observations[0]
        return {"evidence": observation.evidence}
    return {}


def _list(body: Mapping[str, Any], name: str) -> list[Any]:
    value = body.get(name, [])
    if not isinstance(value, list):
        raise CodecError(f"{name} must be a list (got {value!r})")
    return value


_RECORD_FIELDS = frozenset(
    {
        "observations",
        "activities",
        "incidents",
        "marker",
        "corrections",
        "not_applicable",
        "evidence",
    }
)


# -- plain fields --------------------------------------------------------------


def _plain(value: object) -> object:
    """A plain field's JSON value: texts, flags, whole numbers, days, instants."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, datetime):
        return _instant_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(member) for member in value]
    raise CodecError(f"no canonical form for {type(value).__name__} {value!r}")


def _instant_text(moment: datetime) -> str:
    """ISO 8601 with the offset; an IANA zone's name follows in brackets (RFC 9557).

    The name keeps an instant in the hour a clock repeats (the end of summer
    time) equal to itself: Python compares such an instant across zones as
    unequal to everything, so the event must come back in its own zone.

    >>> from zoneinfo import ZoneInfo
    >>> _instant_text(
    ...     datetime(2008, 11, 2, 1, 0, fold=1, tzinfo=ZoneInfo("America/New_York"))
    ... )
    '2008-11-02T01:00:00-05:00[America/New_York]'
    """
    text = moment.isoformat()
    zone = moment.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key:
        return f"{text}[{zone.key}]"
    return text


def _instant(value: object) -> datetime:
    if not isinstance(value, str):
        raise CodecError(f"an instant must be ISO text (got {value!r})")
    text, bracket, zone_name = value.partition("[")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise CodecError(f"an instant must have its offset (got {value!r})")
    if not bracket:
        return moment
    if not zone_name.endswith("]"):
        raise CodecError(f"an instant's zone must end with ']' (got {value!r})")
    try:
        zone = ZoneInfo(zone_name[:-1])
    except (ValueError, ZoneInfoNotFoundError):
        raise CodecError(f"an instant names an unknown zone (got {value!r})") from None
    offset = moment.utcoffset()
    for fold in (0, 1):
        local = moment.replace(tzinfo=zone, fold=fold)
        if local.utcoffset() == offset:
            return local
    raise CodecError(f"an instant's offset is not its zone's (got {value!r})")


def _day(value: object) -> date:
    if not isinstance(value, str) or len(value) != len("2026-05-12"):
        raise CodecError(f"a day must be ISO text YYYY-MM-DD (got {value!r})")
    return date.fromisoformat(value)


def _optional_day(value: object) -> date | None:
    return None if value is None else _day(value)


def _as_is(value: object) -> object:
    return value


@cache
def _decoders(kind: str) -> dict[str, Callable[[object], object]]:
    """How each plain field of events of *kind* is read back, by its type."""
    cls = EVENT_KINDS[kind]
    hints = typing.get_type_hints(cls)
    decoders: dict[str, Callable[[object], object]] = {}
    for field in attrs.fields(cls):
        hint = hints[field.name]
        if field.name in _RECORD_FIELDS:
            continue
        if hint is datetime:
            decoders[field.name] = _instant
        elif hint is date:
            decoders[field.name] = _day
        elif hint == date | None:
            decoders[field.name] = _optional_day
        else:
            # Texts, flags, whole numbers, lists of texts: the event's own
            # converters and validators check them as they would any caller's.
            decoders[field.name] = _as_is
    return decoders


# -- events ---------------------------------------------------------------------


def encode_event(event: Event) -> str:
    """*event* as its canonical body: the text the hash chain covers.

    >>> from datetime import datetime, timedelta, timezone
    >>> from pbcheck.season.events import Returned
    >>> beijing = timezone(timedelta(hours=8))
    >>> print(
    ...     encode_event(
    ...         Returned(
    ...             at=datetime(2026, 5, 13, 9, 0, tzinfo=beijing),
    ...             actor="jw",
    ...             unit_id="czj",
    ...             indicator_id="C3",
    ...             reason="佐证材料不全",
    ...         )
    ...     )
    ... )
    {"actor":"jw","at":"2026-05-13T09:00:00+08:00","indicator_id":"C3","kind":"returned","reason":"佐证材料不全","unit_id":"czj"}
    """
    body: dict[str, object] = {"kind": event.kind}
    for field in attrs.fields(type(event)):
        if field.name not in _RECORD_FIELDS:
            body[field.name] = _plain(getattr(event, field.name))
    body.update(_records_of(event))
    return canonical(body)


def decode_event(text: str) -> Event:
    """The event whose canonical body is *text*.

    Raises:
        CodecError: *text* is not an event body (not JSON, an unknown kind,
            a missing or unknown field, a value the event refuses); the
            message says what.
    """
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise CodecError("the body is not a JSON object")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        raise CodecError(f"the body's kind {kind!r} is not an event kind")
    cls: type[Any] = EVENT_KINDS[kind]
    decoders = _decoders(kind)
    record_names = {f.name for f in attrs.fields(cls)} & _RECORD_FIELDS
    known = set(decoders) | record_names | {"kind"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise CodecError(f"the body has unknown fields {unknown} for {kind}")
    missing = sorted(set(decoders) - set(body))
    if missing:
        raise CodecError(f"the body lacks fields {missing} for {kind}")
    try:
        fields = {name: decode(body[name]) for name, decode in decoders.items()}
        fields.update(_records_from(kind, body))
        event: Event = cls(**fields)
    except CodecError:
        raise
    except (PbcheckError, ValueError, TypeError, KeyError) as exc:
        raise CodecError(f"the body does not make a {kind} event: {exc}") from None
    return event


# -- season definitions -------------------------------------------------------


def _authority(authority: Authority) -> dict[str, object]:
    return {
        "actors": [
            {
                "id": actor.id,
                "name": actor.name,
                "role": actor.role.value,
                "unit_id": actor.unit_id,
            }
            for actor in authority.actors
        ],
        "owners": dict(authority.owners),
    }


def _authority_from(raw: Mapping[str, Any]) -> Authority:
    return Authority(
        actors=[
            Actor(a["id"], a["name"], a["role"], unit_id=a["unit_id"])
            for a in raw["actors"]
        ],
        owners=raw["owners"],
    )


def encode_plan(plan: SeasonPlan) -> str:
    """*plan*'s definitions as canonical JSON (the text the digest covers)."""
    empty = Results.compute(
        plan.rubric, plan.tree, plan.cycle, (), plan.policy or OutcomePolicy()
    )
    return canonical(
        {
            "format": DEFINITIONS_FORMAT,
            "season_id": plan.season_id,
            "title": plan.title,
            "definitions": json.loads(dumps(empty)),
            "custom_policy": plan.policy is not None,
            "authority": _authority(plan.authority),
            "publicity_days": plan.publicity_days,
            "unit_ids": list(plan.unit_ids),
        }
    )


def decode_plan(text: str) -> SeasonPlan:
    """The :class:`~pbcheck.season.ledger.SeasonPlan` whose definitions are *text*.

    Raises:
        CodecError: not definitions this pbcheck writes; the message says why.
    """
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"the definitions are not JSON: {exc}") from None
    found = raw.get("format") if isinstance(raw, dict) else None
    if found != DEFINITIONS_FORMAT:
        raise CodecError(
            f"definitions of format {found!r}; this pbcheck reads "
            f"format {DEFINITIONS_FORMAT}"
        )
    try:
        empty = loads(canonical(raw["definitions"]), "results")
        return SeasonPlan(
            season_id=raw["season_id"],
            title=raw["title"],
            rubric=empty.rubric,
            tree=empty.tree,
            cycle=empty.cycle,
            authority=_authority_from(raw["authority"]),
            policy=empty.outcomes.policy if raw["custom_policy"] else None,
            publicity_days=raw["publicity_days"],
            unit_ids=raw["unit_ids"],
        )
    except (PbcheckError, ValueError, TypeError, KeyError) as exc:
        raise CodecError(f"the definitions do not make a season plan: {exc}") from None


def check_round_trip(plan: SeasonPlan, text: str) -> None:
    """Refuse a plan whose stored form would not read back as the same plan."""
    if decode_plan(text) != plan:
        raise InvalidValueError(
            ("plan",),
            plan.season_id,
            "does not read back equal from its stored definitions "
            "(a rule or aggregator without an interchange form?)",
        )
