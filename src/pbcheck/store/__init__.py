"""The season store (an adapter): seasons as append-only, hash-chained event logs.

A season's ledger (:mod:`pbcheck.season`) is pure: it holds its events in
memory.  :class:`Store` keeps them in SQLite (a file, nothing to set up) or
PostgreSQL (``postgres`` extra), through SQLAlchemy 2:

* **append-only** — the store only inserts events; the database refuses
  UPDATE and DELETE on them (a trigger);
* **optimistic concurrency** — an append names the version it expects; a
  second writer at the same version gets :class:`~pbcheck.errors.ConflictError`
  and nothing of its append is written;
* **tamper evidence** — each event stores the SHA-256 of its canonical form
  and of the event before it; :meth:`Store.verify` recomputes the chain and
  names the first altered, missing or reordered event.  Keep the latest
  hash elsewhere (:class:`ChainSummary`): a chain rewritten as a whole by
  someone who can write the database is only caught against such an anchor.

Needs the ``store`` extra (``pip install "pbcheck[store]"``).
"""

try:
    import sqlalchemy as _sqlalchemy
except ImportError:  # pragma: no cover - the extra is installed in development
    from pbcheck.errors import MissingExtraError

    raise MissingExtraError("store", "the season store (pbcheck.store)") from None

from pbcheck.store._schema import SCHEMA_VERSION
from pbcheck.store._store import ChainSummary, Store

del _sqlalchemy

__all__ = ["SCHEMA_VERSION", "ChainSummary", "Store"]
