"""The store's tables and the versioned migrations that create and upgrade them.

One schema for SQLite and PostgreSQL (SQLAlchemy Core):

* ``pbcheck_store`` — one row, ``component = 'schema'``, holding the
  schema version: a store this pbcheck does not know is refused before
  anything is read or written;
* ``seasons`` — each season's definitions (rubric, tree, cycle, policy,
  authority) as canonical JSON text, its SHA-256 digest and when it was
  created;
* ``events`` — the append-only log: ``(season_id, version)`` is the primary
  key, so two writers of the same version collide in the database itself.

Migrations are ordered Python steps; step *n* takes a store from version
*n − 1* to *n*.  A step never changes the tables a released step created
by editing them here: it adds its own DDL (the tables below are version 1's,
and every later step says what it alters).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "events",
    "metadata",
    "pbcheck_store",
    "seasons",
]

metadata = sa.MetaData()

#: The meta table: which schema version the store is at.
pbcheck_store = sa.Table(
    "pbcheck_store",
    metadata,
    sa.Column("component", sa.String(32), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
)

#: One row per season: its definitions and their digest.
seasons = sa.Table(
    "seasons",
    metadata,
    sa.Column("season_id", sa.String(200), primary_key=True),
    sa.Column("definitions", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

#: The append-only event log, hash-chained per season.
events = sa.Table(
    "events",
    metadata,
    sa.Column(
        "season_id",
        sa.String(200),
        sa.ForeignKey("seasons.season_id"),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("previous_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

# Defence in depth beside the code (which has no UPDATE or DELETE path): the
# database itself refuses to change or remove an event.  An administrator who
# can drop a trigger can still rewrite rows; the hash chain shows that, and an
# anchored copy of the latest hash shows a rewrite of the whole chain.
_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER IF NOT EXISTS pbcheck_events_no_update
    BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'pbcheck: events are append-only'); END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS pbcheck_events_no_delete
    BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'pbcheck: events are append-only'); END
    """,
)
_POSTGRESQL_TRIGGERS = (
    """
    CREATE OR REPLACE FUNCTION pbcheck_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'pbcheck: events are append-only (% refused)', TG_OP;
    END
    $$
    """,
    """
    CREATE TRIGGER pbcheck_events_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION pbcheck_events_append_only()
    """,
)


def _create_tables(connection: sa.Connection) -> None:
    """Version 1: the meta table, seasons and events."""
    metadata.create_all(connection, tables=[pbcheck_store, seasons, events])


def _append_only_triggers(connection: sa.Connection) -> None:
    """Version 2: triggers refusing UPDATE and DELETE on events."""
    dialect = connection.dialect.name
    statements = {"sqlite": _SQLITE_TRIGGERS, "postgresql": _POSTGRESQL_TRIGGERS}
    for statement in statements.get(dialect, ()):
        # text(), not the driver directly: it escapes the % of RAISE for psycopg.
        connection.execute(sa.text(statement))


#: The migration steps, in order: step *n* (1-based) brings a store to version *n*.
MIGRATIONS: tuple[tuple[str, Callable[[sa.Connection], None]], ...] = (
    ("tables: pbcheck_store, seasons, events", _create_tables),
    ("append-only triggers on events", _append_only_triggers),
)

#: The schema version this pbcheck writes and reads.
SCHEMA_VERSION = len(MIGRATIONS)
