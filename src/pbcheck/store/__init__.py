"""Storage for season ledgers: SQLAlchemy 2, SQLite embedded, PostgreSQL deployed.

An adapter around :mod:`pbcheck.season`: an append-only event log with
optimistic concurrency and a hash chain that makes tampering evident.
Needs the optional ``store`` extra (and ``postgres`` for PostgreSQL).
"""
