"""The season store on SQLite and on a real PostgreSQL server (started by the tests).

Every store test runs on both backends (``backend`` parameter): a SQLite
file in a temporary directory, and a fresh database of a PostgreSQL server
this test session starts itself (``tests/store_postgres.py``).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pbcheck import Observation, OutcomePolicy
from pbcheck.errors import (
    ConflictError,
    InvalidValueError,
    NotAuthorisedError,
    RefusedError,
    StoreVersionError,
    TamperedError,
    UnknownItemError,
)
from pbcheck.examples.small import org_tree, simple_rubric
from pbcheck.model.cycle import AssessmentCycle
from pbcheck.season import (
    EVENT_KINDS,
    Actor,
    Authority,
    LetterIssued,
    ProvisionalComputed,
    PublicityOpened,
    ResultsApproved,
    Submitted,
)
from pbcheck.season.ledger import Ledger
from pbcheck.season.plan import SeasonPlan
from pbcheck.store import SCHEMA_VERSION, ChainSummary, Store, _codec, _schema
from pbcheck.testing import (
    HOSTILE_IDS,
    grading_policies,
    outcome_policies,
    stored_events,
)
from store_postgres import PostgresServer, postgres_server  # noqa: F401 - fixture

BEIJING = timezone(timedelta(hours=8))
BACKENDS = ["sqlite", "postgresql"]


def _at(day: int, hour: int = 9, *, year: int = 2026) -> datetime:
    return datetime(year, 1, day, hour, tzinfo=BEIJING)


def _plan(
    season_id: str = "2025", year: int = 2025, units: tuple[str, ...] = ("a", "b")
) -> SeasonPlan:
    return SeasonPlan(
        season_id,
        f"{year}年度考核",
        simple_rubric(),
        org_tree({"党群部门": list(units)}),
        AssessmentCycle.calendar_year(year),
        Authority(
            [
                Actor("kpb", "考核办", "office"),
                Actor("zzb", "组织部", "department"),
                Actor(units[0], "单位甲", "unit", unit_id=units[0]),
            ],
            owners={"s": "zzb"},
        ),
    )


def _submitted(unit: str, value: int, day: int, *, year: int = 2026) -> Submitted:
    return Submitted(
        at=_at(day, year=year),
        actor="zzb",
        unit_id=unit,
        observations=[Observation("i", value)],
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend under test: each store test runs on both."""
    name: str = request.param
    return name


@pytest.fixture
def url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A URL of an empty database of *backend*."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'season.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    """An initialised, empty store."""
    with Store(url) as store:
        store.init()
        yield store


def _raw_rows(url: str, season_id: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.select(_schema.events)
                    .where(_schema.events.c.season_id == season_id)
                    .order_by(_schema.events.c.version)
                )
            ]
    finally:
        engine.dispose()


@contextmanager
def _administrator(url: str) -> Iterator[sa.Connection]:
    """A connection that has dropped the append-only triggers, as an admin could.

    The triggers are restored (by the migration step that made them) on the
    way out.
    """
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("DROP TRIGGER pbcheck_events_no_update")
                connection.exec_driver_sql("DROP TRIGGER pbcheck_events_no_delete")
            else:
                connection.exec_driver_sql(
                    "DROP TRIGGER pbcheck_events_append_only ON events"
                )
            yield connection
        with engine.begin() as connection:
            _schema.MIGRATIONS[1][1](connection)
    finally:
        engine.dispose()


def _set_column(url: str, season_id: str, version: int, **values: object) -> None:
    with _administrator(url) as connection:
        connection.execute(
            sa.update(_schema.events)
            .where(
                _schema.events.c.season_id == season_id,
                _schema.events.c.version == version,
            )
            .values(**values)
        )


def _small_season(store: Store, season_id: str = "2025") -> Ledger:
    ledger = store.create(_plan(season_id), at=_at(5), actor="kpb")
    return store.append(
        season_id,
        [
            LetterIssued(at=_at(6), actor="kpb", unit_id="a"),
            LetterIssued(at=_at(6), actor="kpb", unit_id="b"),
            _submitted("a", 90, 10),
            _submitted("b", 70, 11),
            _submitted("b", 75, 12),
        ],
        expected_version=ledger.version,
    )


# -- schema and versions ----------------------------------------------------------


def test_init_creates_the_current_schema_and_is_idempotent(url: str) -> None:
    """A new database has no store; init makes one at SCHEMA_VERSION, twice is fine."""
    with Store(url) as store:
        assert store.schema_version is None
        store.init()
        assert store.schema_version == SCHEMA_VERSION
        store.init()
        assert store.schema_version == SCHEMA_VERSION
        assert store.seasons() == ()


def test_a_database_without_a_store_is_refused(url: str) -> None:
    """Using an empty database before init says to create the store."""
    with Store(url) as store, pytest.raises(StoreVersionError) as caught:
        store.load("2025")
    assert caught.value.found is None
    assert "holds no pbcheck store" in str(caught.value)
    with Store(url) as store, pytest.raises(StoreVersionError):
        store.upgrade()


def test_a_newer_schema_version_is_refused_and_nothing_changes(
    store: Store, url: str
) -> None:
    """A store from a newer pbcheck is refused for reading, writing and init."""
    ledger = _small_season(store)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.update(_schema.pbcheck_store).values(version=99))
    engine.dispose()
    before = _raw_rows(url, "2025")
    with Store(url) as fresh:
        for action in (
            lambda: fresh.load("2025"),
            lambda: fresh.verify("2025"),
            fresh.seasons,
            lambda: fresh.append("2025", [], expected_version=ledger.version),
            fresh.init,
            fresh.upgrade,
        ):
            with pytest.raises(StoreVersionError) as caught:
                action()
            assert (caught.value.found, caught.value.known) == (99, SCHEMA_VERSION)
        assert fresh.schema_version == 99
    assert _raw_rows(url, "2025") == before


def test_an_older_store_is_upgraded_by_its_migrations(url: str) -> None:
    """A version-1 store is refused until upgraded; upgrading adds the triggers."""
    with Store(url) as store:
        store._migrate(create=True, up_to=1)
        assert store.schema_version == 1
        with pytest.raises(StoreVersionError, match="older than"):
            store.seasons()
        with pytest.raises(StoreVersionError, match="older than"):
            store.init()
        assert store.upgrade() == SCHEMA_VERSION
        _small_season(store)
    engine = sa.create_engine(url)
    try:
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(sa.delete(_schema.events))
    finally:
        engine.dispose()


def test_the_database_refuses_update_and_delete_of_events(
    store: Store, url: str
) -> None:
    """The append-only triggers: UPDATE, DELETE (and TRUNCATE) fail; rows stay."""
    _small_season(store)
    before = _raw_rows(url, "2025")
    engine = sa.create_engine(url)
    statements = [
        sa.update(_schema.events).values(body="{}"),
        sa.delete(_schema.events).where(_schema.events.c.version == 6),
    ]
    if engine.dialect.name == "postgresql":
        statements.append(sa.text("TRUNCATE events"))
    try:
        for statement in statements:
            with (
                pytest.raises(sa.exc.DBAPIError, match="append-only"),
                engine.begin() as connection,
            ):
                connection.execute(statement)
    finally:
        engine.dispose()
    assert _raw_rows(url, "2025") == before


@pytest.mark.parametrize(
    "bad", ["not a url", "mysql+pymysql://u@h/db", "postgresql+nodriver://u@h/db"]
)
def test_a_bad_url_is_a_library_error(bad: str) -> None:
    """Only SQLite and PostgreSQL URLs with an installed driver are accepted."""
    with pytest.raises(InvalidValueError) as caught:
        Store(bad)
    assert caught.value.path == "url"


# -- create, load, append ------------------------------------------------------------


def test_a_season_reads_back_equal(store: Store, url: str) -> None:
    """Create and append give a ledger; a fresh Store replays the same ledger."""
    ledger = _small_season(store)
    assert ledger.version == 6
    with Store(url) as fresh:
        loaded = fresh.load("2025")
        assert loaded == ledger
        assert loaded.plan == _plan()
        assert loaded.evaluations() == ledger.evaluations()
        assert fresh.seasons() == ("2025",)
        assert fresh.load("2025", as_of=date(2026, 1, 10)).version == 4


def test_the_opening_event_records_the_definitions_digest(
    store: Store, url: str
) -> None:
    """Event 1 is SeasonOpened carrying the SHA-256 of the stored definitions."""
    ledger = store.create(_plan(), at=_at(5), actor="kpb")
    opened = ledger.events[0]
    assert opened.kind == "season_opened"
    assert opened.definitions == _codec.digest(_codec.encode_plan(_plan()))
    summary = store.verify("2025")
    assert summary.definitions == opened.definitions


def test_creating_a_season_twice_is_refused(store: Store, url: str) -> None:
    """A second create of the same id is refused and the first season is intact."""
    first = store.create(_plan(), at=_at(5), actor="kpb")
    with pytest.raises(RefusedError, match="already holds season 2025"):
        store.create(_plan(), at=_at(6), actor="kpb")
    with Store(url) as fresh:
        assert fresh.load("2025") == first


def test_an_unknown_season_is_named(store: Store) -> None:
    """Loading, appending to or verifying an unknown season names it."""
    store.create(_plan(), at=_at(5), actor="kpb")
    for action in (
        lambda: store.load("2052"),
        lambda: store.verify("2052"),
        lambda: store.append("2052", [], expected_version=1),
    ):
        with pytest.raises(UnknownItemError) as caught:
            action()
        assert caught.value.args[0] == "2052"
        assert "2025" in caught.value.close


def test_a_refused_event_writes_nothing(store: Store, url: str) -> None:
    """What the core refuses (a unit scoring itself) is not written, not even the valid events before it."""
    ledger = _small_season(store)
    before = _raw_rows(url, "2025")
    own_score = Submitted(
        at=_at(20), actor="a", unit_id="a", observations=[Observation("i", 100)]
    )
    with pytest.raises(NotAuthorisedError):
        store.append(
            "2025",
            [_submitted("a", 95, 19), own_score],
            expected_version=ledger.version,
        )
    assert _raw_rows(url, "2025") == before
    with Store(url) as fresh:
        assert fresh.load("2025") == ledger


def test_a_stale_append_is_a_conflict_and_writes_nothing(
    store: Store, url: str
) -> None:
    """Two writers from the same version: the second gets ConflictError, loses nothing stored."""
    ledger = _small_season(store)
    with Store(url) as other:
        theirs = other.load("2025")
        other.append("2025", [_submitted("a", 91, 20)], expected_version=theirs.version)
    before = _raw_rows(url, "2025")
    with pytest.raises(ConflictError) as caught:
        store.append("2025", [_submitted("b", 80, 21)], expected_version=ledger.version)
    assert (caught.value.expected, caught.value.actual) == (6, 7)
    assert _raw_rows(url, "2025") == before
    reloaded = store.load("2025")
    assert reloaded.version == 7
    store.append("2025", [_submitted("b", 80, 21)], expected_version=reloaded.version)
    assert store.verify("2025").events == 8


def test_a_primary_key_collision_is_a_conflict(
    store: Store, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the version check is passed and another writer inserts first, the key refuses ours."""
    ledger = _small_season(store)
    stale = store._end
    with Store(url) as other:
        other.append("2025", [_submitted("a", 91, 20)], expected_version=ledger.version)

    def end_as_it_was(connection: sa.Connection, season_id: str) -> tuple[int, str]:
        version, _hash = stale(connection, season_id)
        assert version == 7
        return 6, _raw_rows(url, season_id)[5][-1]

    monkeypatch.setattr(store, "_end", end_as_it_was)
    before = _raw_rows(url, "2025")
    with pytest.raises(ConflictError) as caught:
        store.append("2025", [_submitted("b", 80, 21)], expected_version=6)
    assert (caught.value.expected, caught.value.actual) == (6, 7)
    assert _raw_rows(url, "2025") == before


def test_hostile_ids_are_stored_and_read_back_unchanged(store: Store, url: str) -> None:
    """Quotes, semicolons, SQL and Chinese punctuation in every id survive the store."""
    units = tuple(HOSTILE_IDS)
    season_id = "2025'; DROP TABLE seasons;--（第一季）"
    plan = _plan(season_id, units=units)
    ledger = store.create(plan, at=_at(5), actor="kpb")
    ledger = store.append(
        season_id,
        [
            Submitted(
                at=_at(10),
                actor="zzb",
                unit_id=unit,
                observations=[Observation("i", 80, rater=unit, note=f"{unit}；说明")],
                reason=unit,
            )
            for unit in units
        ],
        expected_version=ledger.version,
    )
    with Store(url) as fresh:
        assert fresh.seasons() == (season_id,)
        loaded = fresh.load(season_id)
    assert loaded == ledger
    assert [e.unit_id for e in loaded.events[1:]] == list(units)
    assert loaded.plan.unit_ids == units


# -- tamper evidence ----------------------------------------------------------------


def test_a_sound_chain_verifies_and_can_be_anchored(store: Store) -> None:
    """verify returns the count and last hash; the anchor checks a later verify."""
    ledger = _small_season(store)
    summary = store.verify("2025")
    assert summary == ChainSummary(
        "2025", 6, summary.last_hash, ledger.events[0].definitions
    )
    store.append("2025", [_submitted("a", 91, 20)], expected_version=6)
    later = store.verify("2025", anchor=summary)
    assert later.events == 7
    assert later.last_hash != summary.last_hash


_COLUMNS = ["body", "hash", "previous_hash"]


@pytest.fixture(scope="module")
def tamper_season(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Store]]:
    """One small stored season per backend, restored after each tampering."""
    backend = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('tamper') / 'season.db'}"
    else:
        url = request.getfixturevalue("postgres_server").database()
    with Store(url) as store:
        store.init()
        _small_season(store)
        yield url, store


@pytest.mark.parametrize("tamper_season", BACKENDS, indirect=True)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_verify_names_every_single_byte_change(
    tamper_season: tuple[str, Store], data: st.DataObject
) -> None:
    """Any one ASCII byte of any row's body, hash or previous hash changed: verify names that event."""
    url, store = tamper_season
    rows = _raw_rows(url, "2025")
    version = data.draw(st.integers(1, len(rows)), label="version")
    column = data.draw(st.sampled_from(_COLUMNS), label="column")
    original: str = dict(zip(_schema.events.c.keys(), rows[version - 1], strict=True))[
        column
    ]
    raw = original.encode("utf-8")
    ascii_places = [i for i, byte in enumerate(raw) if byte < 0x80]
    place = data.draw(st.sampled_from(ascii_places), label="place")
    # Another printable ASCII byte: a shift of 1 … 94 within the 95 of them.
    shift = data.draw(st.integers(1, 94), label="shift")
    byte = 0x20 + (raw[place] - 0x20 + shift) % 95
    changed = (raw[:place] + bytes([byte]) + raw[place + 1 :]).decode("utf-8")
    _set_column(url, "2025", version, **{column: changed})
    try:
        with pytest.raises(TamperedError) as caught:
            store.verify("2025")
        assert caught.value.position == version
        with Store(url) as fresh, pytest.raises(TamperedError):
            fresh.load("2025")
    finally:
        _set_column(url, "2025", version, **{column: original})
    assert store.verify("2025").events == len(rows)


def test_a_removed_event_is_named_missing(store: Store, url: str) -> None:
    """Deleting event 3 (triggers dropped) makes event 3 missing."""
    _small_season(store)
    with _administrator(url) as connection:
        connection.execute(
            sa.delete(_schema.events).where(_schema.events.c.version == 3)
        )
    with pytest.raises(TamperedError, match="event 3: is missing") as caught:
        store.verify("2025")
    assert caught.value.position == 3


def test_reordered_events_are_named(store: Store, url: str) -> None:
    """Swapping events 4 and 5 (their rows, hashes and all) breaks the chain at 4."""
    _small_season(store)
    rows = {row[1]: row for row in _raw_rows(url, "2025")}
    keys = _schema.events.c.keys()
    with _administrator(url) as connection:
        for version, source in ((4, 5), (5, 4)):
            values = dict(zip(keys, rows[source], strict=True))
            values.pop("season_id")
            values["version"] = version
            connection.execute(
                sa.update(_schema.events)
                .where(
                    _schema.events.c.season_id == "2025",
                    _schema.events.c.version == version,
                )
                .values(**values)
            )
    with pytest.raises(TamperedError) as caught:
        store.verify("2025")
    assert caught.value.position == 4
    assert "reordered" in caught.value.what


def test_altered_definitions_are_caught(store: Store, url: str) -> None:
    """Changing the stored definitions (with or without their digest) is caught."""
    _small_season(store)
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            definitions = connection.execute(
                sa.select(_schema.seasons.c.definitions)
            ).scalar_one()
            changed = definitions.replace('"publicity_days":5', '"publicity_days":3')
            assert changed != definitions
            connection.execute(sa.update(_schema.seasons).values(definitions=changed))
        with pytest.raises(TamperedError, match="definitions"):
            store.verify("2025")
        with engine.begin() as connection:
            connection.execute(
                sa.update(_schema.seasons).values(digest=_codec.digest(changed))
            )
        with (
            Store(url) as fresh,
            pytest.raises(TamperedError, match="definitions") as caught,
        ):
            fresh.load("2025")
        assert caught.value.position == 1
    finally:
        engine.dispose()


def test_a_rewritten_or_truncated_chain_is_caught_only_by_an_anchor(
    store: Store, url: str
) -> None:
    """Dropping the last event leaves a sound chain; the anchor kept earlier names it."""
    _small_season(store)
    anchor = store.verify("2025")
    with _administrator(url) as connection:
        connection.execute(
            sa.delete(_schema.events).where(_schema.events.c.version == 6)
        )
    assert store.verify("2025").events == 5  # what the chain alone cannot see
    with pytest.raises(TamperedError, match="anchor records 6 events") as caught:
        store.verify("2025", anchor=anchor)
    assert caught.value.position == 6


# -- concurrency across processes -------------------------------------------------


def _writer(url: str, name: str, rounds: int, barrier: Any, results: Any) -> None:
    """One OS process: each round, load, wait for the other, append at that version."""
    with Store(url) as store:
        for round_ in range(rounds):
            ledger = store.load("2025")
            event = Submitted(
                at=_at(20, year=2026) + timedelta(minutes=round_),
                actor="zzb",
                unit_id="a" if name == "A" else "b",
                observations=[Observation("i", 60 + round_)],
                reason=f"{name}-{round_}",
            )
            barrier.wait()
            try:
                store.append("2025", [event], expected_version=ledger.version)
            except ConflictError as exc:
                results.put((round_, name, "conflict", exc.expected, exc.actual))
            else:
                results.put((round_, name, "won", ledger.version, ledger.version + 1))
            barrier.wait()


def test_two_processes_appending_at_once_one_wins_each_version(
    store: Store, url: str
) -> None:
    """Two OS processes append at the same version each round: exactly one wins, nothing is lost."""
    ledger = _small_season(store)
    rounds = 6
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    results = context.Queue()
    workers = [
        context.Process(target=_writer, args=(url, name, rounds, barrier, results))
        for name in ("A", "B")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    outcomes = [results.get(timeout=5) for _ in range(2 * rounds)]
    by_round: dict[int, list[tuple[Any, ...]]] = {}
    for outcome in outcomes:
        by_round.setdefault(outcome[0], []).append(outcome)
    winners = []
    for round_, pair in sorted(by_round.items()):
        kinds = sorted(outcome[2] for outcome in pair)
        assert kinds == ["conflict", "won"], (round_, pair)
        (won,) = [o for o in pair if o[2] == "won"]
        (lost,) = [o for o in pair if o[2] == "conflict"]
        assert won[4] == ledger.version + round_ + 1
        assert (lost[3], lost[4]) == (won[3], won[4])
        winners.append(f"{won[1]}-{round_}")
    with Store(url) as fresh:
        stored = fresh.load("2025")
    assert stored.version == ledger.version + rounds
    assert [e.reason for e in stored.events[ledger.version :]] == winners
    assert store.verify("2025").events == ledger.version + rounds


# -- history ----------------------------------------------------------------------


def _approved(store: Store, season_id: str, year: int, values: dict[str, int]) -> None:
    ledger = store.create(_plan(season_id, year), at=_at(5, year=year + 1), actor="kpb")
    store.append(
        season_id,
        [
            *(
                _submitted(unit, value, 10, year=year + 1)
                for unit, value in values.items()
            ),
            ProvisionalComputed(at=_at(12, year=year + 1), actor="kpb"),
            PublicityOpened(
                at=_at(12, 10, year=year + 1),
                actor="kpb",
                starts=date(year + 1, 1, 13),
                ends=date(year + 1, 1, 19),
                working_days=5,
            ),
            ResultsApproved(at=_at(25, year=year + 1), actor="kpb", reason="经审定"),
        ],
        expected_version=ledger.version,
    )


def test_history_streaks_come_from_approved_seasons(store: Store) -> None:
    """Two approved seasons with b last in both: b's bottom streak is 2."""
    _approved(store, "2024", 2024, {"a": 90, "b": 50})
    _approved(store, "2025", 2025, {"a": 88, "b": 60})
    history = store.history(["2025", "2024"])
    assert [r.cycle.start.year for r in history] == [2024, 2025]
    assert history.streaks()[-1] == {"a": 0, "b": 2}


def test_history_refuses_a_season_not_yet_approved(store: Store) -> None:
    """A season without 审定 results is named, not skipped."""
    _approved(store, "2024", 2024, {"a": 90, "b": 50})
    store.create(_plan("2025", 2025), at=_at(5), actor="kpb")
    with pytest.raises(RefusedError, match="season 2025 has no approved results"):
        store.history(["2024", "2025"])


# -- the codec ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(EVENT_KINDS))
@given(data=st.data())
def test_every_event_kind_round_trips_through_its_canonical_body(
    kind: str, data: st.DataObject
) -> None:
    """decode(encode(e)) == e, and the body is canonical: encoding again gives the same text."""
    event = data.draw(stored_events(kind))
    body = _codec.encode_event(event)
    back = _codec.decode_event(body)
    assert back == event
    assert type(back) is type(event)
    assert _codec.encode_event(back) == body
    assert body == _codec.canonical(__import__("json").loads(body))


def test_a_body_that_is_not_an_event_is_a_codec_error() -> None:
    """Unknown kinds, unknown or missing fields and bad values are named."""
    good = _codec.encode_event(_submitted("a", 90, 10))
    for text, words in [
        ("[]", "not a JSON object"),
        ('{"kind":"exploded"}', "not an event kind"),
        (good.replace('"reason":""', '"reason":"","extra":1'), "unknown fields"),
        (good.replace('"actor":"zzb",', ""), "lacks fields"),
        (good.replace("+08:00", ""), "offset"),
        (good.replace('"value":90', '"value":0.5'), "does not make"),
    ]:
        with pytest.raises(_codec.CodecError, match=words):
            _codec.decode_event(text)


def test_every_plan_field_is_stored() -> None:
    """The definitions hold every SeasonPlan field: a new field must be stored too."""
    import json

    stored = json.loads(_codec.encode_plan(_plan()))
    held = {"season_id", "title", "authority", "publicity_days", "unit_ids"}
    in_results = {"rubric", "tree", "cycle", "policy"}
    fields = {f.name for f in attrs.fields(SeasonPlan) if f.init}
    assert fields == held | in_results
    assert held <= set(stored)
    assert _codec.decode_plan(_codec.encode_plan(_plan())) == _plan()


def test_a_plan_with_a_rubric_set_and_a_custom_policy_reads_back_equal() -> None:
    """A RubricSet, a non-default OutcomePolicy and chosen units survive the definitions."""
    from pbcheck import RubricSet
    from pbcheck.outcomes.grading import GradingPolicy
    from pbcheck.outcomes.ranking import RankingPolicy

    rubric = simple_rubric()
    plan = attrs.evolve(
        _plan(units=("a", "b", "c")),
        rubric=RubricSet([rubric], by_series={"党群部门": rubric.id}),
        policy=OutcomePolicy(
            ranking=RankingPolicy(ties="dense"),
            grading=GradingPolicy.standard(),
        ),
        publicity_days=7,
        unit_ids=("a", "b"),
    )
    text = _codec.encode_plan(plan)
    back = _codec.decode_plan(text)
    assert back == plan
    assert back.policy == plan.policy
    assert back.policy != OutcomePolicy()
    assert _codec.encode_plan(back) == text


@pytest.mark.parametrize("version", [1, 2, 3, 4, 5, 6])
def test_verify_reads_in_chunks_and_still_names_the_first_bad_event(
    version: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With bodies decoded two at a time, a body that hashes right but is no event is named."""
    from pbcheck.store import _chain

    monkeypatch.setattr(_chain, "CHUNK", 2)
    url = f"sqlite:///{tmp_path / 'season.db'}"
    with Store(url) as store:
        store.init()
        _small_season(store)
        rows = _raw_rows(url, "2025")
        previous = rows[version - 1][5]
        # An administrator rewrites the chain from this event on: sound
        # hashes, a body that is not an event.
        body = '{"kind":"submitted"}'
        with _administrator(url) as connection:
            for row in rows[version - 1 :]:
                text = body if row[1] == version else row[3]
                connection.execute(
                    sa.update(_schema.events)
                    .where(
                        _schema.events.c.season_id == "2025",
                        _schema.events.c.version == row[1],
                    )
                    .values(
                        body=text,
                        previous_hash=previous,
                        hash=_chain.link(previous, text),
                    )
                )
                previous = _chain.link(previous, text)
        with pytest.raises(
            TamperedError, match="not an event pbcheck writes"
        ) as caught:
            store.verify("2025")
        assert caught.value.position == version


_PLAN = _plan()
_DEFAULT_POLICY = OutcomePolicy()


@given(
    policy=st.one_of(
        outcome_policies(),
        grading_policies().map(
            lambda grading: attrs.evolve(_DEFAULT_POLICY, grading=grading)
        ),
    )
)
def test_every_outcome_policy_reads_back_equal_from_the_definitions(
    policy: object,
) -> None:
    """Any outcome policy (ranking, grading with gates and overrides, lists) survives the definitions."""
    plan = attrs.evolve(_PLAN, policy=policy)
    text = _codec.encode_plan(plan)
    assert _codec.decode_plan(text) == plan
    assert _codec.encode_plan(_codec.decode_plan(text)) == text


def test_the_bundled_example_season_reads_back_equal(store: Store, url: str) -> None:
    """The Jiangcheng example's 86 evaluations (observations, activities with branches, incidents) stored and replayed."""
    from pbcheck.examples import (
        example_cycle,
        example_evaluations,
        example_rubrics,
        example_tree,
    )

    plan = SeasonPlan(
        "jiangcheng-2025",
        "江城市2025年度考核",
        example_rubrics(),
        example_tree(),
        example_cycle(2025),
        Authority([Actor("kpb", "考核办", "office")]),
    )
    evaluations = example_evaluations(2025)
    ledger = store.create(plan, at=datetime(2026, 5, 5, 9, tzinfo=BEIJING), actor="kpb")
    ledger = store.append(
        "jiangcheng-2025",
        [
            Submitted(
                at=datetime(2026, 5, 6, 9, tzinfo=BEIJING) + timedelta(minutes=n),
                actor="kpb",
                unit_id=evaluation.unit_id,
                observations=evaluation.observations,
                activities=evaluation.activities,
                incidents=evaluation.incidents,
            )
            for n, evaluation in enumerate(evaluations)
        ],
        expected_version=ledger.version,
    )
    with Store(url) as fresh:
        loaded = fresh.load("jiangcheng-2025")
        assert fresh.verify("jiangcheng-2025").events == len(evaluations) + 1
    assert loaded == ledger
    assert loaded.events[1:] == ledger.events[1:]
