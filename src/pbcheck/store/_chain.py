r"""The hash chain: each event's hash covers its body and the hash before it.

``hash = sha256(previous_hash + "\\n" + body)`` in hex, over UTF-8; the
first event's ``previous_hash`` is 64 zeros.  Changing, removing or
reordering any stored event breaks the chain at that event; :func:`check`
walks the stored rows and names the first one that breaks it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from pbcheck.errors import TamperedError
from pbcheck.season.events import Event, SeasonOpened
from pbcheck.store._codec import CHUNK, CodecError, decode_events, digest

__all__ = ["GENESIS", "Row", "check", "link", "stored_instant"]

#: The ``previous_hash`` of every season's first event.
GENESIS = "0" * 64


def link(previous_hash: str, body: str) -> str:
    """The hash of an event with canonical *body* following *previous_hash*.

    >>> link(GENESIS, "{}")[:16]
    '5649d09ed68c1715'
    """
    return digest(previous_hash + "\n" + body)


def stored_instant(moment: datetime) -> datetime:
    """*moment* in UTC, as the ``recorded_at`` column holds it.

    SQLite keeps no offset in a datetime column; every dialect gets UTC so
    the column means the same instant everywhere (the body keeps the offset
    the event was recorded with).
    """
    return moment.astimezone(UTC)


def _utc(value: datetime) -> datetime:
    # SQLite hands back the UTC wall time without its zone.  Compared in UTC:
    # Python calls an instant of a repeated hour unequal to any other zone's.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Row(NamedTuple):
    """One stored event row, as read."""

    version: int
    kind: str
    body: str
    recorded_at: datetime
    previous_hash: str
    hash: str


def check(
    season_id: str, definitions_digest: str, rows: Iterable[Row]
) -> Iterator[tuple[Row, Event]]:
    """Each row with its event, after checking it continues the chain.

    Checks, in this order for each row: its version follows the one before
    (else the event is **missing**), its hash matches its content (else it
    was **altered**), its ``previous_hash`` is the hash before it (else
    events were **removed, reordered or replaced** before it), its body is
    an event this pbcheck writes and its ``kind`` and ``recorded_at``
    columns agree with the body; the first event opens this season under
    the stored definitions' digest; no event is dated before the one it
    follows (the ledger records events in time order).

    Raises:
        TamperedError: naming the first row that breaks the chain.
    """
    linked = _linked(season_id, rows)
    latest: datetime | None = None  # in UTC
    while True:
        # Bodies are decoded a chunk at a time (one interchange document);
        # a chunk ends early at the first row whose link is broken, so the
        # rows before it are still checked, in order, before that is named.
        chunk: list[Row] = []
        broken: TamperedError | None = None
        try:
            for row in linked:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    break
        except TamperedError as exc:
            broken = exc
        if not chunk and broken is None:
            return
        try:
            events = decode_events([row.body for row in chunk])
        except CodecError as exc:
            raise TamperedError(
                season_id,
                chunk[exc.index].version,
                f"its body is not an event pbcheck writes: {exc}",
            ) from None
        for row, event in zip(chunk, events, strict=True):
            latest = _check_event(season_id, definitions_digest, row, event, latest)
            yield row, event
        if broken is not None:
            raise broken
        if len(chunk) < CHUNK:
            return


def _linked(season_id: str, rows: Iterable[Row]) -> Iterator[Row]:
    """The rows, each checked to continue the chain (version, hash, link)."""
    previous = GENESIS
    expected = 1
    for row in rows:
        if row.version != expected:
            raise TamperedError(
                season_id,
                expected,
                f"is missing (the next stored event is {row.version})",
            )
        if link(row.previous_hash, row.body) != row.hash:
            raise TamperedError(
                season_id,
                expected,
                "its hash does not match its content: the event was altered",
            )
        if row.previous_hash != previous:
            raise TamperedError(
                season_id,
                expected,
                f"its previous hash is not event {expected - 1}'s hash: events "
                "before it were removed, reordered or replaced",
            )
        yield row
        previous = row.hash
        expected += 1


def _check_event(
    season_id: str,
    definitions_digest: str,
    row: Row,
    event: Event,
    latest: datetime | None,
) -> datetime:
    """Check a decoded row against its columns and the one before; its UTC time."""
    if row.kind != event.kind or _utc(row.recorded_at) != _utc(event.at):
        raise TamperedError(
            season_id,
            row.version,
            "its kind or recorded_at column does not match its body",
        )
    at = _utc(event.at)
    if latest is not None and at < latest:
        # The ledger records events in time order; a stored event dated
        # before the one it follows was moved.
        raise TamperedError(
            season_id,
            row.version,
            f"it is dated {event.at.isoformat()}, before event "
            f"{row.version - 1} ({latest.isoformat()}): events were reordered",
        )
    if row.version == 1:
        _check_opening(season_id, definitions_digest, event)
    elif isinstance(event, SeasonOpened):
        raise TamperedError(
            season_id, row.version, "it opens the season again (only event 1 may)"
        )
    return at


def _check_opening(season_id: str, definitions_digest: str, event: Event) -> None:
    if not isinstance(event, SeasonOpened):
        raise TamperedError(
            season_id, 1, f"it is a {event.kind} event, not the season's opening"
        )
    if event.season_id != season_id:
        raise TamperedError(
            season_id, 1, f"it opens season {event.season_id}, not {season_id}"
        )
    if event.definitions != definitions_digest:
        raise TamperedError(
            season_id,
            1,
            "the season's stored definitions do not match the digest it records: "
            "the definitions were altered",
        )
