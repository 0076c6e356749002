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

A season's definitions are the interchange documents of its rubric (or
rubric set), org tree and cycle, and — in a small JSON object of our own,
as the interchange has no document of them — a custom outcome policy, the
authority, the 公示 length and the assessed units.  A plan whose stored
form would not read back equal is refused when the season is created.
"""

from __future__ import annotations

import hashlib
import json
import typing
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from fractions import Fraction
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import cattrs

from pbcheck._exact_text import format_exact
from pbcheck.errors import InvalidValueError, PbcheckError
from pbcheck.io.interchange import SCHEMA_VERSION as DOCUMENT_VERSION
from pbcheck.io.interchange import dumps, loads
from pbcheck.model.evaluation import Evaluation, Observation
from pbcheck.model.rubric import Rubric
from pbcheck.model.rubric_set import RubricSet
from pbcheck.outcomes.season import OutcomePolicy
from pbcheck.season import events as season_events
from pbcheck.season.authority import Actor, Authority
from pbcheck.season.events import EVENT_KINDS, Event
from pbcheck.season.plan import SeasonPlan

__all__ = [
    "DEFINITIONS_FORMAT",
    "CodecError",
    "canonical",
    "decode_event",
    "decode_events",
    "decode_plan",
    "digest",
    "encode_event",
    "encode_events",
    "encode_plan",
]

#: Events encoded or decoded together (one interchange document per chunk).
CHUNK = 1000

#: The version of the definitions' JSON object (not the store's schema).
DEFINITIONS_FORMAT = 1

# The indicator id of the observation that carries a list of evidence.
_EVIDENCE_CARRIER = "evidence"


class CodecError(PbcheckError):
    """A stored text that is not a body or definitions this pbcheck writes.

    Attributes:
        index: the place of the bad text in the batch decoded.
    """

    def __init__(self, message: str, *, index: int = 0) -> None:
        super().__init__(message)
        self.index = index


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
#
# Each event with records gets its own carrier evaluation, with a unit id of
# its place in the batch, and a batch of events travels as one evaluations
# document: one dumps or loads per batch, not per event (half the cost).


def _carrier_of(event: Event, unit_id: str) -> Evaluation | None:
    """The carrier of *event*'s records, or ``None`` for an event without any."""
    if isinstance(event, season_events.Submitted):
        branches = sorted({a.branch for a in event.activities if a.branch is not None})
        return Evaluation(
            unit_id,
            observations=event.observations,
            activities=event.activities,
            incidents=event.incidents,
            branches=branches,
        )
    if isinstance(event, season_events.NotApplicableMarked):
        return Evaluation(unit_id, not_applicable=[event.marker])
    if isinstance(event, season_events.ObjectionDecided):
        return Evaluation(
            unit_id, observations=event.corrections, not_applicable=event.not_applicable
        )
    if isinstance(event, season_events.RectificationClosed):
        holder = Observation(_EVIDENCE_CARRIER, True, evidence=event.evidence)
        return Evaluation(unit_id, observations=[holder])
    return None


def _body_records(kind: str, carried: Mapping[str, Any]) -> dict[str, Any]:
    """The body's record fields from a carrier in its interchange form."""
    if kind == "submitted":
        return {
            "observations": carried.get("observations", []),
            "activities": carried.get("activities", []),
            "incidents": carried.get("incidents", []),
        }
    if kind == "not_applicable_marked":
        return {"marker": carried["not_applicable"][0]}
    if kind == "objection_decided":
        return {
            "corrections": carried.get("observations", []),
            "not_applicable": carried.get("not_applicable", []),
        }
    return {"evidence": carried["observations"][0].get("evidence", [])}


def _carried_of(
    kind: str, body: Mapping[str, Any], unit_id: str
) -> dict[str, Any] | None:
    """The carrier, in its interchange form, of a body's record fields."""
    records: dict[str, list[Any]]
    if kind == "submitted":
        records = {
            "observations": _list(body, "observations"),
            "activities": _list(body, "activities"),
            "incidents": _list(body, "incidents"),
        }
    elif kind == "not_applicable_marked":
        marker = body.get("marker")
        if not isinstance(marker, dict):
            raise CodecError(f"marker must be an object (got {marker!r})")
        records = {"not_applicable": [marker]}
    elif kind == "objection_decided":
        records = {
            "observations": _list(body, "corrections"),
            "not_applicable": _list(body, "not_applicable"),
        }
    elif kind == "rectification_closed":
        holder: dict[str, Any] = {"indicator_id": _EVIDENCE_CARRIER, "value": True}
        evidence = _list(body, "evidence")
        if evidence:
            holder["evidence"] = evidence
        records = {"observations": [holder]}
    else:
        return None
    carried: dict[str, Any] = {"unit_id": unit_id}
    carried.update({name: value for name, value in records.items() if value})
    # An activity may name its branch; the carrier declares every one named.
    branches = sorted(
        {
            activity["branch"]
            for activity in records.get("activities", ())
            if isinstance(activity, dict) and isinstance(activity.get("branch"), str)
        }
    )
    if branches:
        carried["branches"] = branches
    return carried


def _event_records(kind: str, carrier: Evaluation) -> dict[str, object]:
    """The event's record fields from its rebuilt carrier."""
    if kind == "submitted":
        return {
            "observations": carrier.observations,
            "activities": carrier.activities,
            "incidents": carrier.incidents,
        }
    if kind == "not_applicable_marked":
        return {"marker": carrier.not_applicable[0]}
    if kind == "objection_decided":
        return {
            "corrections": carrier.observations,
            "not_applicable": carrier.not_applicable,
        }
    return {"evidence": carrier.observations[0].evidence}


def _document(carried: list[dict[str, Any]]) -> str:
    return canonical(
        {
            "schema_version": DOCUMENT_VERSION,
            "kind": "evaluations",
            "evaluations": carried,
        }
    )


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


def encode_events(events: Sequence[Event]) -> list[str]:
    """Each of *events* as its canonical body: the text the hash chain covers.

    >>> from datetime import datetime, timedelta, timezone
    >>> from pbcheck.season.events import Returned
    >>> beijing = timezone(timedelta(hours=8))
    >>> (body,) = encode_events(
    ...     [
    ...         Returned(
    ...             at=datetime(2026, 5, 13, 9, 0, tzinfo=beijing),
    ...             actor="jw",
    ...             unit_id="czj",
    ...             indicator_id="C3",
    ...             reason="佐证材料不全",
    ...         )
    ...     ]
    ... )
    >>> print(body)
    {"actor":"jw","at":"2026-05-13T09:00:00+08:00","indicator_id":"C3","kind":"returned","reason":"佐证材料不全","unit_id":"czj"}
    """
    bodies: list[str] = []
    for start in range(0, len(events), CHUNK):
        bodies.extend(_encode_chunk(events[start : start + CHUNK]))
    return bodies


def _encode_chunk(events: Sequence[Event]) -> list[str]:
    carriers: list[Evaluation] = []
    for index, event in enumerate(events):
        carrier = _carrier_of(event, f"e{index}")
        if carrier is not None:
            carriers.append(carrier)
    carried: dict[str, dict[str, Any]] = {}
    if carriers:
        document = json.loads(dumps(carriers))
        carried = {each["unit_id"]: each for each in document["evaluations"]}
    bodies = []
    for index, event in enumerate(events):
        body: dict[str, object] = {"kind": event.kind}
        for field in attrs.fields(type(event)):
            if field.name not in _RECORD_FIELDS:
                body[field.name] = _plain(getattr(event, field.name))
        if f"e{index}" in carried:
            body.update(_body_records(event.kind, carried[f"e{index}"]))
        bodies.append(canonical(body))
    return bodies


def encode_event(event: Event) -> str:
    """*event*'s canonical body (:func:`encode_events` of one)."""
    (body,) = encode_events([event])
    return body


def _parse(text: str) -> tuple[str, dict[str, Any], dict[str, object]]:
    """A body's kind, its JSON object and its plain fields decoded."""
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise CodecError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise CodecError("the body is not a JSON object")
    kind = body.get("kind")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        raise CodecError(f"the body's kind {kind!r} is not an event kind")
    decoders = _decoders(kind)
    record_names = {f.name for f in attrs.fields(EVENT_KINDS[kind])} & _RECORD_FIELDS
    known = set(decoders) | record_names | {"kind"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise CodecError(f"the body has unknown fields {unknown} for {kind}")
    missing = sorted(set(decoders) - set(body))
    if missing:
        raise CodecError(f"the body lacks fields {missing} for {kind}")
    try:
        fields = {name: decode(body[name]) for name, decode in decoders.items()}
    except (ValueError, TypeError) as exc:
        raise CodecError(f"the body does not make a {kind} event: {exc}") from None
    return kind, body, fields


def _decode_batch(texts: Sequence[str]) -> list[Event]:
    parsed = [_parse(text) for text in texts]
    carried = []
    for index, (kind, body, _fields) in enumerate(parsed):
        carrier = _carried_of(kind, body, f"e{index}")
        if carrier is not None:
            carried.append(carrier)
    carriers: dict[str, Evaluation] = {}
    if carried:
        carriers = {e.unit_id: e for e in loads(_document(carried), "evaluations")}
    events = []
    for index, (kind, _body, fields) in enumerate(parsed):
        if f"e{index}" in carriers:
            fields.update(_event_records(kind, carriers[f"e{index}"]))
        cls: type[Any] = EVENT_KINDS[kind]
        events.append(cls(**fields))
    return events


def decode_events(texts: Sequence[str]) -> list[Event]:
    """The events whose canonical bodies are *texts*.

    Raises:
        CodecError: a text is not an event body (not JSON, an unknown kind,
            a missing or unknown field, a value the event refuses); its
            ``index`` is the first such text's place, the message says what.
    """
    events: list[Event] = []
    for start in range(0, len(texts), CHUNK):
        events.extend(_decode_chunk(texts[start : start + CHUNK], start))
    return events


def _decode_chunk(texts: Sequence[str], start: int) -> list[Event]:
    try:
        return _decode_batch(texts)
    except (CodecError, PbcheckError, ValueError, TypeError, KeyError):
        pass  # find the first bad body, one at a time, for its own message
    for offset, text in enumerate(texts):
        index = start + offset
        try:
            _decode_batch([text])
        except CodecError as exc:
            raise CodecError(str(exc), index=index) from None
        except (PbcheckError, ValueError, TypeError, KeyError) as exc:
            kind = _parse(text)[0]
            raise CodecError(
                f"the body does not make a {kind} event: {exc}", index=index
            ) from None
    raise AssertionError("a batch failed that decodes body by body")  # pragma: no cover


def decode_event(text: str) -> Event:
    """The event whose canonical body is *text* (:func:`decode_events` of one)."""
    (event,) = decode_events([text])
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


def _document_of(obj: object) -> dict[str, Any]:
    """*obj*'s interchange document, as plain JSON values."""
    document: dict[str, Any] = json.loads(dumps(obj))
    return document


@cache
def _policy_converter() -> cattrs.Converter:
    # The policy's classes are attrs classes of texts, flags, whole numbers,
    # exact numbers (written as exact text), enums and id sets: cattrs' own
    # structuring rebuilds them through their constructors, so every
    # validator runs again on the way back.
    converter = cattrs.Converter()
    converter.register_unstructure_hook(Fraction, format_exact)
    converter.register_structure_hook(Fraction, _exact)
    converter.register_unstructure_hook(frozenset, sorted)
    return converter


def _exact(value: object, _: object) -> Fraction:
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise CodecError(f"an exact number must be text (got {value!r})")
    return Fraction(value)


def _policy(plan: SeasonPlan) -> object:
    """A custom outcome policy as plain JSON values (``None`` for the default)."""
    if plan.policy is None:
        return None
    return _policy_converter().unstructure(plan.policy, OutcomePolicy)


def _policy_from(raw: object) -> OutcomePolicy | None:
    if raw is None:
        return None
    try:
        policy: OutcomePolicy = _policy_converter().structure(raw, OutcomePolicy)
    except (cattrs.BaseValidationError, AttributeError) as exc:
        raise CodecError(f"the definitions' policy does not read: {exc!r}") from None
    return policy


def encode_plan(plan: SeasonPlan) -> str:
    """*plan*'s definitions as canonical JSON (the text the digest covers).

    The rubric (or rubric set), org tree and cycle are their interchange
    documents; a custom outcome policy, the authority, the 公示 length and
    the assessed units are this module's own small JSON.
    """
    return canonical(
        {
            "format": DEFINITIONS_FORMAT,
            "season_id": plan.season_id,
            "title": plan.title,
            "rubric": _document_of(plan.rubric),
            "tree": _document_of(plan.tree),
            "cycle": _document_of(plan.cycle),
            "policy": _policy(plan),
            "authority": _authority(plan.authority),
            "publicity_days": plan.publicity_days,
            "unit_ids": list(plan.unit_ids),
        }
    )


def decode_plan(text: str) -> SeasonPlan:
    """The :class:`~pbcheck.season.plan.SeasonPlan` whose definitions are *text*.

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
    document = raw.get("rubric")
    rubric_kind = document.get("kind") if isinstance(document, dict) else None
    if rubric_kind not in ("rubric", "rubric_set"):
        raise CodecError(f"the definitions' rubric is a {rubric_kind!r} document")
    try:
        rubric: Rubric | RubricSet = (
            loads(canonical(raw["rubric"]), "rubric")
            if rubric_kind == "rubric"
            else loads(canonical(raw["rubric"]), "rubric_set")
        )
        tree = loads(canonical(raw["tree"]), "org_tree")
        cycle = loads(canonical(raw["cycle"]), "cycle")
        return SeasonPlan(
            season_id=raw["season_id"],
            title=raw["title"],
            rubric=rubric,
            tree=tree,
            cycle=cycle,
            authority=_authority_from(raw["authority"]),
            policy=_policy_from(raw["policy"]),
            publicity_days=raw["publicity_days"],
            unit_ids=raw["unit_ids"],
        )
    except CodecError:
        raise
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
