"""A real PostgreSQL server for the store's tests, started and stopped by the test run.

The session fixture :func:`postgres_server` finds ``initdb`` and ``pg_ctl``
(on ``PATH`` or in ``/usr/lib/postgresql/15/bin``), creates a cluster in a
temporary directory, starts it on a free port with its unix socket in that
directory, and stops it and removes the directory at the end.  PostgreSQL
refuses to run as root: when the tests run as root, the cluster belongs to
the ``postgres`` user (``runuser``, else ``su``) and the directory is given
to it.  Without the binaries the PostgreSQL tests are skipped, saying so.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)
_USER = "postgres"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found is not None:
        return found
    for directory in _BIN_DIRS:
        candidate = Path(directory) / name
        if candidate.is_file():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """A running server: :meth:`database` makes a fresh database and gives its URL."""

    def __init__(self, port: int, sockets: Path) -> None:
        self.port = port
        self.sockets = sockets
        self._names = itertools.count(1)

    def database(self) -> str:
        """A new, empty database's SQLAlchemy URL (psycopg 3, over TCP)."""
        import psycopg

        name = f"pbcheck_{next(self._names)}"
        with psycopg.connect(
            host=str(self.sockets),
            port=self.port,
            user=_USER,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            connection.execute(f"CREATE DATABASE {name}")  # a counter, not data
        return f"postgresql+psycopg://{_USER}@127.0.0.1:{self.port}/{name}"


def _as_postgres() -> list[str]:
    """The command prefix that runs a program as the postgres user, when root."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is not None:
        return [runuser, "-u", _USER, "--"]
    su = shutil.which("su")
    if su is None:
        raise PostgresUnavailable("running as root without runuser or su")
    return [su, _USER, "-s", "/bin/sh", "-c", '"$0" "$@"']


class PostgresUnavailable(Exception):
    """The server cannot be started here (no binaries, no postgres user, …)."""


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a PostgreSQL server in a temporary directory; stop it and remove it after.

    Raises:
        PostgresUnavailable: no server binaries, or root without a way to
            become the postgres user.
    """
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise PostgresUnavailable(
            "PostgreSQL SERVER BINARIES NOT FOUND (initdb, pg_ctl on PATH or in "
            "/usr/lib/postgresql/15/bin): the store's PostgreSQL tests did not "
            "run; install postgresql-15 to run them"
        )
    prefix = _as_postgres()
    root = Path(tempfile.mkdtemp(prefix="pbcheck-pg-"))
    data, sockets, log = root / "data", root / "sockets", root / "server.log"
    sockets.mkdir()
    if prefix:
        import pwd  # POSIX only, and only needed as root

        try:
            owner = pwd.getpwnam(_USER)
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            raise PostgresUnavailable(
                "running as root and there is no postgres user"
            ) from None
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def run(*command: str) -> None:
        subprocess.run([*prefix, *command], check=True, capture_output=True)

    port = _free_port()
    started = False
    try:
        try:
            run(
                initdb,
                "-D",
                str(data),
                "-U",
                _USER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            )
            options = (
                f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            run(pg_ctl, "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
        except subprocess.CalledProcessError as exc:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"PostgreSQL did not start: {exc.stderr.decode(errors='replace')}\n{text}"
            ) from exc
        started = True
        yield PostgresServer(port, sockets)
    finally:
        if started:
            subprocess.run(
                [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
                check=False,
                capture_output=True,
            )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own for this test session (skipped, loudly, without one)."""
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is missing")
    try:
        with running_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        pytest.skip(str(exc))
