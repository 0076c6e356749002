"""The store: seasons as append-only, hash-chained event logs in SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

import attrs
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy import exc as sa_exc

from pbcheck.errors import (
    ConflictError,
    InvalidValueError,
    MissingExtraError,
    RefusedError,
    StoreVersionError,
    TamperedError,
    UnknownItemError,
)
from pbcheck.outcomes.history import History
from pbcheck.season.events import Event, SeasonOpened
from pbcheck.season.ledger import Ledger
from pbcheck.season.plan import SeasonPlan
from pbcheck.store import _chain, _codec, _schema
from pbcheck.store._schema import events as events_table
from pbcheck.store._schema import pbcheck_store
from pbcheck.store._schema import seasons as seasons_table

__all__ = ["ChainSummary", "Store"]

_SCHEMA = "schema"
# Rows read per round trip when a season is replayed or verified.
_BATCH = 10_000


@attrs.frozen
class ChainSummary:
    """A sound season's chain, as :meth:`Store.verify` found it.

    Keep it somewhere the store's administrators cannot write (a signed
    report, a notarised file, the minutes of the approving meeting): passed
    back as *anchor*, it proves the chain was not rewritten as a whole.

    Args:
        season_id: the season.
        events: how many events the chain holds (its version).
        last_hash: the hash of the last event.
        definitions: the digest of the season's definitions.

    >>> from datetime import datetime
    >>> from pbcheck.season import ProvisionalComputed
    >>> from pbcheck.testing import season_plan
    >>> opened = datetime.fromisoformat("2026-01-05T09:00+08:00")
    >>> store = Store("sqlite://")  # in memory
    >>> store.init()
    >>> _ = store.create(season_plan(), at=opened, actor="kpb")
    >>> kept = store.verify("2025")  # printed in the approval report, say
    >>> kept.events, len(kept.last_hash)
    (1, 64)
    >>> computed = ProvisionalComputed(
    ...     at=datetime.fromisoformat("2026-02-02T09:00+08:00"), actor="kpb"
    ... )
    >>> _ = store.append("2025", [computed], expected_version=1)
    >>> store.verify("2025", anchor=kept).events  # the chain grew from the anchor
    2

    The same season written again from scratch (here: opened an hour later)
    is a sound chain on its own, but not the anchored one:

    >>> rewritten = Store("sqlite://")
    >>> rewritten.init()
    >>> _ = rewritten.create(season_plan(), at=opened.replace(hour=10), actor="kpb")
    >>> rewritten.verify("2025", anchor=kept)
    Traceback (most recent call last):
        ...
    pbcheck.errors.TamperedError: season 2025, event 1: its hash is not the anchored one: \
the chain was rewritten
    >>> store.close(), rewritten.close()
    (None, None)
    """

    season_id: str
    events: int
    last_hash: str
    definitions: str


@attrs.frozen
class _Cached:
    """A ledger this Store object read or wrote, and the chain's end it matches."""

    version: int
    last_hash: str
    ledger: Ledger


def _supported(url: sa.URL, text: str) -> None:
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise InvalidValueError(
            ("url",),
            text,
            "must be a SQLite (sqlite:///season.db) or PostgreSQL "
            "(postgresql+psycopg://user@host/db) URL",
        )


def _engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa_exc.ArgumentError:
        raise InvalidValueError(
            ("url",), str(url), "is not a database URL, e.g. sqlite:///season.db"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    _supported(parsed, shown)
    sqlite = parsed.get_backend_name() == "sqlite"
    options: dict[str, Any] = {}
    if sqlite:
        # Wait for another writer's transaction rather than fail at once.
        options["connect_args"] = {"timeout": 30}
    try:
        engine = sa.create_engine(parsed, **options)
    except ImportError:
        raise MissingExtraError("postgres", f"a PostgreSQL store ({shown})") from None
    except sa_exc.NoSuchModuleError:
        raise InvalidValueError(
            ("url",), shown, "names a database driver that is not installed"
        ) from None
    if sqlite:
        _sqlite_transactions(engine)
    return engine


def _sqlite_transactions(engine: sa.Engine) -> None:
    """SQLite: foreign keys on, and BEGIN IMMEDIATE for writing transactions.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's
    ``begin`` decides: a writer takes the write lock when it begins, before
    it reads the version it checks, so two writers cannot both read the
    same version and then deadlock on upgrading their locks.
    """

    @sa_event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:  # noqa: ANN401
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _begin(connection: sa.Connection) -> None:
        writing = connection.get_execution_options().get("pbcheck_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Store:
    """Seasons kept as append-only, hash-chained event logs (SQLite or PostgreSQL).

    A season is stored as its definitions (the plan, as canonical JSON, and
    their SHA-256 digest) and its events in order, each with the hash of
    its canonical body and of the event before it.  The store only ever
    inserts: there is no update or delete path, and the database refuses
    both on the events table (a trigger).  Every append is checked by the
    core first (:class:`~pbcheck.season.ledger.Ledger`), names the version
    it expects, and writes all its events or none.

    Args:
        url: a SQLAlchemy URL: ``sqlite:///season.db`` (a file; the
            default) or ``postgresql+psycopg://user@host/db`` (the
            ``postgres`` extra).

    Raises:
        InvalidValueError: *url* is not a SQLite or PostgreSQL URL.
        MissingExtraError: a PostgreSQL URL without the ``postgres`` extra.

    >>> from datetime import datetime, timedelta, timezone
    >>> from pbcheck.examples.small import org_tree, simple_rubric
    >>> from pbcheck.model.cycle import AssessmentCycle
    >>> from pbcheck.season import Actor, Authority
    >>> from pbcheck.season.plan import SeasonPlan
    >>> store = Store("sqlite://")  # in memory
    >>> store.init()
    >>> plan = SeasonPlan(
    ...     "2025",
    ...     "2025年度考核",
    ...     simple_rubric(),
    ...     org_tree({"党群部门": ["a", "b"]}),
    ...     AssessmentCycle.calendar_year(2025),
    ...     Authority([Actor("kpb", "考核办", "office")]),
    ... )
    >>> at = datetime(2026, 1, 5, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    >>> store.create(plan, at=at, actor="kpb").version
    1
    >>> store.verify("2025").events
    1
    >>> store.close()
    """

    def __init__(self, url: str = "sqlite:///season.db") -> None:
        self._engine = _engine(url)
        self.url = self._engine.url.render_as_string(hide_password=True)
        self._cache: dict[str, _Cached] = {}
        self._current = False

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    # -- connections ------------------------------------------------------

    def close(self) -> None:
        """Close the store's connections (the store may be used again after)."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as connection, connection.begin():
            self._require_current(connection)
            yield connection

    @contextmanager
    def _writing(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as plain:
            connection = plain.execution_options(pbcheck_write=True)
            with connection.begin():
                self._require_current(connection)
                yield connection

    # -- schema -----------------------------------------------------------

    @staticmethod
    def _found_version(connection: sa.Connection) -> int | None:
        if not sa.inspect(connection).has_table(pbcheck_store.name):
            return None
        found: int | None = connection.execute(
            sa.select(pbcheck_store.c.version).where(
                pbcheck_store.c.component == _SCHEMA
            )
        ).scalar_one_or_none()
        return found

    def _require_current(self, connection: sa.Connection) -> None:
        if self._current:
            return
        found = self._found_version(connection)
        if found != _schema.SCHEMA_VERSION:
            raise StoreVersionError(self.url, found, _schema.SCHEMA_VERSION)
        self._current = True

    @property
    def schema_version(self) -> int | None:
        """The store's schema version, or ``None`` where no store was created."""
        with self._engine.connect() as connection:
            return self._found_version(connection)

    def _migrate(self, *, create: bool, up_to: int = _schema.SCHEMA_VERSION) -> None:
        with self._engine.connect() as plain:
            connection = plain.execution_options(pbcheck_write=True)
            with connection.begin():
                found = self._found_version(connection)
                known = _schema.SCHEMA_VERSION
                if found is None and not create:
                    raise StoreVersionError(self.url, None, known)
                if found is not None and found > known:
                    raise StoreVersionError(self.url, found, known)
                if found is not None and found < known and create:
                    raise StoreVersionError(self.url, found, known)
                start = found or 0
                for _title, step in _schema.MIGRATIONS[start:up_to]:
                    step(connection)
                if start == 0:
                    connection.execute(
                        sa.insert(pbcheck_store).values(
                            component=_SCHEMA, version=up_to
                        )
                    )
                elif up_to > start:
                    # The one UPDATE the store makes: of its own version row,
                    # never of an event.
                    connection.execute(
                        sa.update(pbcheck_store)
                        .where(pbcheck_store.c.component == _SCHEMA)
                        .values(version=up_to)
                    )
        self._current = False

    def init(self) -> None:
        """Create the store's tables (every migration); nothing to do if current.

        Raises:
            StoreVersionError: the database holds a store of another
                version (an older one needs :meth:`upgrade`).
        """
        self._migrate(create=True)

    def upgrade(self) -> int:
        """Apply the migrations a store of an older version lacks; its version after.

        Raises:
            StoreVersionError: no store was created there, or a newer one.
        """
        self._migrate(create=False)
        found = self.schema_version
        assert found is not None  # noqa: S101 - just migrated
        return found

    # -- seasons ----------------------------------------------------------

    def seasons(self) -> tuple[str, ...]:
        """The ids of the stored seasons, oldest first."""
        with self._reading() as connection:
            return tuple(
                connection.execute(
                    sa.select(seasons_table.c.season_id).order_by(
                        seasons_table.c.created_at, seasons_table.c.season_id
                    )
                ).scalars()
            )

    def _unknown(self, connection: sa.Connection, season_id: str) -> UnknownItemError:
        known = connection.execute(sa.select(seasons_table.c.season_id)).scalars()
        return UnknownItemError(season_id, list(known), f"the store {self.url}")

    def create(self, plan: SeasonPlan, *, at: datetime, actor: str) -> Ledger:
        """Store a new season: its definitions and the event that opens it.

        The opening event records the definitions' digest, so the chain also
        proves which rules the season ran under.

        Raises:
            RefusedError: the store already holds a season with that id.
            NotAuthorisedError, ValidationError: the core refuses the opening
                (the actor is not an office, …).
        """
        definitions = _codec.encode_plan(plan)
        _codec.check_round_trip(plan, definitions)
        digest = _codec.digest(definitions)
        opened = SeasonOpened(
            at=at,
            actor=actor,
            season_id=plan.season_id,
            title=plan.title,
            definitions=digest,
        )
        ledger = Ledger(plan, [opened])
        body = _codec.encode_event(opened)
        row = self._row(plan.season_id, 1, opened, body, _chain.GENESIS)
        try:
            with self._writing() as connection:
                exists = connection.execute(
                    sa.select(seasons_table.c.season_id).where(
                        seasons_table.c.season_id == plan.season_id
                    )
                ).first()
                if exists is not None:
                    raise self._exists(plan.season_id)
                connection.execute(
                    sa.insert(seasons_table).values(
                        season_id=plan.season_id,
                        definitions=definitions,
                        digest=digest,
                        created_at=_chain.stored_instant(at),
                    )
                )
                connection.execute(sa.insert(events_table), [row])
        except sa_exc.IntegrityError:
            raise self._exists(plan.season_id) from None
        self._cache[plan.season_id] = _Cached(1, row["hash"], ledger)
        return ledger

    @staticmethod
    def _exists(season_id: str) -> RefusedError:
        return RefusedError(
            "create", f"the store already holds season {season_id}; load it instead"
        )

    @staticmethod
    def _row(
        season_id: str, version: int, event: Event, body: str, previous: str
    ) -> dict[str, Any]:
        return {
            "season_id": season_id,
            "version": version,
            "kind": event.kind,
            "body": body,
            "recorded_at": _chain.stored_instant(event.at),
            "previous_hash": previous,
            "hash": _chain.link(previous, body),
        }

    # -- reading ----------------------------------------------------------

    def _definitions(
        self, connection: sa.Connection, season_id: str
    ) -> tuple[str, str]:
        found = connection.execute(
            sa.select(seasons_table.c.definitions, seasons_table.c.digest).where(
                seasons_table.c.season_id == season_id
            )
        ).first()
        if found is None:
            raise self._unknown(connection, season_id)
        definitions, stored_digest = found
        computed = _codec.digest(definitions)
        if computed != stored_digest:
            raise TamperedError(
                season_id,
                1,
                "the season's stored definitions do not match their digest: "
                "the definitions were altered",
            )
        return definitions, computed

    @staticmethod
    @contextmanager
    def _rows(
        connection: sa.Connection, season_id: str
    ) -> Iterator[Iterator[_chain.Row]]:
        # A context, not a generator: a chain check that stops early must
        # still close the cursor, or SQLite keeps the file read-locked.
        result = connection.execute(
            sa.select(
                events_table.c.version,
                events_table.c.kind,
                events_table.c.body,
                events_table.c.recorded_at,
                events_table.c.previous_hash,
                events_table.c.hash,
            )
            .where(events_table.c.season_id == season_id)
            .order_by(events_table.c.version),
            # On this statement only: a server-side cursor cannot insert.
            execution_options={"stream_results": True, "yield_per": _BATCH},
        )
        try:
            yield (_chain.Row(*row) for row in result)
        finally:
            result.close()

    def _read(self, season_id: str) -> _Cached:
        with self._reading() as connection:
            return self._read_with(connection, season_id)

    def _read_with(self, connection: sa.Connection, season_id: str) -> _Cached:
        definitions, digest = self._definitions(connection, season_id)
        try:
            plan = _codec.decode_plan(definitions)
        except _codec.CodecError as exc:
            raise TamperedError(
                season_id, 1, f"the season's definitions do not read: {exc}"
            ) from None
        events: list[Event] = []
        last_hash = _chain.GENESIS
        with self._rows(connection, season_id) as rows:
            for row, event in _chain.check(season_id, digest, rows):
                events.append(event)
                last_hash = row.hash
        if not events:
            raise TamperedError(season_id, 1, "is missing (the season has no events)")
        cached = _Cached(len(events), last_hash, Ledger(plan, events))
        self._cache[season_id] = cached
        return cached

    def load(self, season_id: str, *, as_of: date | datetime | None = None) -> Ledger:
        """The season as its stored events make it (every event replayed and checked).

        Loading checks the hash chain as it reads (a tampered store raises
        :class:`~pbcheck.errors.TamperedError`) and replays every event
        through the core's checks.  A store that loaded or appended the
        season before reuses that ledger while the stored chain still ends
        at the same version and hash (an append by anyone moves that end);
        :meth:`verify` always re-reads every row.

        Args:
            season_id: the season.
            as_of: the season as it stood at that moment (a date: at the
                end of that day), e.g. the provisional list on the 公示 day.

        Raises:
            UnknownItemError: no season has that id.
            TamperedError: the stored chain is broken.
        """
        with self._reading() as connection:
            version, last_hash = self._end(connection, season_id)
            ledger = self._ledger_at(connection, season_id, version, last_hash)
        return ledger if as_of is None else ledger.as_of(as_of)

    # -- appending --------------------------------------------------------

    def append(
        self, season_id: str, events: Iterable[Event], *, expected_version: int
    ) -> Ledger:
        """Append *events* to a season in one transaction: all of them, or none.

        The events are checked by the core first (the season's ledger at
        *expected_version* records them all, or refuses), then written as
        versions ``expected_version + 1 …``, each hashed onto the chain.

        Args:
            season_id: the season.
            events: the events, in order.
            expected_version: the version the caller's ledger is at
                (:attr:`Ledger.version`): another writer's append since
                then is a conflict, never a silent merge.

        Returns:
            The season's ledger after the append.

        Raises:
            ConflictError: the season is no longer at *expected_version*;
                nothing was written: load again, check, retry.
            NotAuthorisedError, RefusedError, ValidationError: the core
                refuses an event; nothing was written.
            InvalidValueError: an event has no stored form that reads back
                equal (named by its place in *events*).
            UnknownItemError: no season has that id.
        """
        new = tuple(events)
        try:
            with self._writing() as connection:
                actual, last_hash = self._end(connection, season_id)
                if actual != expected_version:
                    raise ConflictError(season_id, expected_version, actual)
                ledger = self._ledger_at(connection, season_id, actual, last_hash)
                after = ledger.record_all(new)
                rows = self._encode(season_id, new, actual, last_hash)
                if rows:
                    connection.execute(sa.insert(events_table), rows)
        except sa_exc.IntegrityError:
            # Another writer inserted one of these versions after we read
            # the end of the chain: the primary key refused ours.
            raise ConflictError(
                season_id, expected_version, self._current_version(season_id)
            ) from None
        if rows:
            self._cache[season_id] = _Cached(
                actual + len(rows), rows[-1]["hash"], after
            )
        return after

    def _end(self, connection: sa.Connection, season_id: str) -> tuple[int, str]:
        last = connection.execute(
            sa.select(events_table.c.version, events_table.c.hash)
            .where(events_table.c.season_id == season_id)
            .order_by(events_table.c.version.desc())
            .limit(1)
        ).first()
        if last is None:
            raise self._unknown(connection, season_id)
        return int(last[0]), str(last[1])

    def _current_version(self, season_id: str) -> int:
        with self._reading() as connection:
            found = connection.execute(
                sa.select(sa.func.max(events_table.c.version)).where(
                    events_table.c.season_id == season_id
                )
            ).scalar_one()
            return int(found or 0)

    def _ledger_at(
        self, connection: sa.Connection, season_id: str, version: int, last_hash: str
    ) -> Ledger:
        cached = self._cache.get(season_id)
        if cached is not None and (cached.version, cached.last_hash) == (
            version,
            last_hash,
        ):
            # The chain's end proves the stored prefix is the one we hold.
            return cached.ledger
        return self._read_with(connection, season_id).ledger

    def _encode(
        self, season_id: str, new: Sequence[Event], version: int, previous: str
    ) -> list[dict[str, Any]]:
        bodies = _codec.encode_events(new)
        try:
            back = _codec.decode_events(bodies)
        except _codec.CodecError as exc:
            raise InvalidValueError(
                ("events", exc.index), new[exc.index].kind, f"cannot be stored: {exc}"
            ) from None
        rows = []
        for index, (event, body) in enumerate(zip(new, bodies, strict=True)):
            if back[index] != event:
                raise InvalidValueError(
                    ("events", index),
                    event.kind,
                    "does not read back equal from its stored form",
                )
            row = self._row(season_id, version + index + 1, event, body, previous)
            rows.append(row)
            previous = row["hash"]
        return rows

    # -- checking ---------------------------------------------------------

    def verify(
        self, season_id: str, *, anchor: ChainSummary | None = None
    ) -> ChainSummary:
        """Recompute a season's hash chain; the summary if it is sound.

        Every stored event is read again (never from this object's cache):
        its hash must match its content and follow the hash before it, the
        versions must have no gap, the bodies must be events pbcheck writes,
        and the season's definitions must match the digest its opening
        event records.

        The chain proves the events were not changed one by one.  Someone
        who can write the database could rewrite the whole chain from some
        event on, or drop its last events; *anchor* — a summary kept where
        they cannot write — catches that.

        Args:
            season_id: the season.
            anchor: a summary returned earlier: the chain must still hold
                that many events with that hash at the last of them.

        Raises:
            TamperedError: naming the first altered, missing or reordered
                event (or the anchored one that no longer matches).
            UnknownItemError: no season has that id.
        """
        count = 0
        last_hash = _chain.GENESIS
        anchored: str | None = None
        with self._reading() as connection:
            _definitions, digest = self._definitions(connection, season_id)
            with self._rows(connection, season_id) as rows:
                for row, _event in _chain.check(season_id, digest, rows):
                    count = row.version
                    last_hash = row.hash
                    if anchor is not None and row.version == anchor.events:
                        anchored = row.hash
        if count == 0:
            raise TamperedError(season_id, 1, "is missing (the season has no events)")
        if anchor is not None:
            if anchor.season_id != season_id:
                raise InvalidValueError(
                    ("anchor", "season_id"), anchor.season_id, f"is not {season_id}"
                )
            if anchored is None:
                raise TamperedError(
                    season_id,
                    count + 1,
                    f"is missing: the anchor records {anchor.events} events, "
                    f"the store holds {count}",
                )
            if anchored != anchor.last_hash or anchor.definitions != digest:
                raise TamperedError(
                    season_id,
                    anchor.events,
                    "its hash is not the anchored one: the chain was rewritten",
                )
        return ChainSummary(season_id, count, last_hash, digest)

    # -- across seasons ---------------------------------------------------

    def history(
        self,
        season_ids: Iterable[str],
        *,
        successions: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None,
    ) -> History:
        """The approved seasons' final results as a :class:`~pbcheck.History`.

        For streaks (连续处于后位) and trends across cycles; *successions* as
        :class:`~pbcheck.outcomes.history.History` takes them.

        Raises:
            RefusedError: a season has no approved (审定) results.
            UnknownItemError: no season has one of the ids.
        """
        results = []
        for season_id in season_ids:
            final = self.load(season_id).final()
            if final is None:
                raise RefusedError(
                    "history",
                    f"season {season_id} has no approved results (审定) yet",
                )
            results.append(final.cycle_result())
        return History(results, successions=successions or {})
