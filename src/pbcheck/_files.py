"""Writing output files atomically: a reader sees the old file or the new one, never half.

Every adapter that writes a file (CLI results, reports, workbooks) goes
through :func:`write_atomic`, so a run that fails part-way leaves previous
outputs untouched.  A report, several files, is written as one unit by
:func:`pbcheck.report.write_report` with :func:`staging_folder` and
:func:`swap_in`.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

__all__ = ["deferred_signals", "staging_folder", "swap_in", "write_atomic"]

#: The signals held back while a set of files is swapped in: Ctrl-C and the
#: ``kill`` a service manager sends take effect once the set is whole.
_HELD = (signal.SIGINT, signal.SIGTERM)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that the file is replaced in one step.

    The data goes to a temporary file in the same directory, is flushed to
    disk, and then renamed over ``path`` (an atomic rename on POSIX and
    Windows).  If anything fails, the temporary file is removed and ``path``
    keeps its previous content.  Text is encoded as UTF-8.  A replaced file
    keeps its permissions; a new one gets those the process's umask allows,
    as any other new file would (``0o644`` under the usual umask ``022``).
    The temporary file has a short name of its own, so a *path* whose name is
    as long as the file system allows can still be written.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> written = write_atomic(folder / "通报.md", "关于表彰的通报")
    >>> written.read_text(encoding="utf-8"), [p.name for p in folder.iterdir()]
    ('关于表彰的通报', ['通报.md'])
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    descriptor, temporary = _new_file(target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            temporary.chmod(mode)
        temporary.replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    return target


def _new_file(folder: Path) -> tuple[int, Path]:
    """A new, empty, uniquely named file in *folder*, open for writing.

    Created with mode ``0o666`` so that the umask decides its permissions
    (:func:`tempfile.mkstemp` would make it ``0o600`` whatever the umask).
    """
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    for _ in range(tempfile.TMP_MAX):
        candidate = folder / f".pbcheck-{secrets.token_hex(6)}.tmp"
        try:
            return os.open(candidate, flags, 0o666), candidate
        except FileExistsError:
            continue
    raise FileExistsError(  # pragma: no cover - 2**48 names taken
        f"no free temporary name in {folder}"
    )


@contextlib.contextmanager
def staging_folder(directory: Path) -> Iterator[Path]:
    """A private folder inside *directory* for files to :func:`swap_in`; removed at the end.

    It lives in *directory* so that moving its files into place is a rename
    on the same file system.  Whatever happens (an error, Ctrl-C, SIGTERM
    handled as Ctrl-C), the folder and everything left in it are removed.
    """
    folder = Path(tempfile.mkdtemp(dir=directory, prefix=".pbcheck-"))
    try:
        (folder / "new").mkdir()
        (folder / "old").mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def swap_in(staged: Path, directory: Path, names: Sequence[str]) -> tuple[Path, ...]:
    """Move the files *names* from ``staged/"new"`` into *directory*, all or none.

    *staged* is a :func:`staging_folder`.  Each file replaces its namesake in
    *directory* with one rename; a replaced file is first linked (or copied,
    where links are not supported) into ``staged/"old"`` so that a failing
    rename can put every file back as it was.  Meanwhile SIGINT and SIGTERM
    are held back (:func:`deferred_signals`), so an interruption lands after
    the last rename (or after the undoing), and on POSIX the folder is locked, so that two runs
    writing into the same folder swap their sets one after the other rather
    than mixing them.  A replaced file keeps its permissions.
    """
    moved: list[Path] = []
    kept: dict[Path, Path] = {}
    with _locked(directory), deferred_signals():
        try:
            for name in names:
                source, target = staged / "new" / name, directory / name
                if target.exists():
                    backup = staged / "old" / name
                    try:
                        os.link(target, backup)
                    except OSError:
                        shutil.copy2(target, backup)
                    kept[target] = backup
                    source.chmod(stat.S_IMODE(target.stat().st_mode))
                source.replace(target)
                moved.append(target)
        except BaseException:
            for target in reversed(moved):
                with contextlib.suppress(OSError):
                    if target in kept:
                        kept[target].replace(target)
                    else:
                        target.unlink()
            raise
        _sync_folder(directory)
    return tuple(moved)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration; they take effect at the end.

    In the main thread each signal's handler is swapped for one that only
    notes the signal; at the end the handlers are put back and every noted
    signal is raised again, so it acts as it would have (Ctrl-C raises
    :class:`KeyboardInterrupt`, an unhandled SIGTERM ends the process) once
    the work is whole.  A handler, not a signal mask: native libraries
    (BLAS, Numba) start threads of their own, and a signal the main thread
    masks is delivered to one of them instead.  Elsewhere (another thread,
    a handler installed outside Python) this does nothing: Python delivers
    signals to the main thread only.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, _frame: object) -> None:
        noted.append(signum)

    previous = {number: signal.getsignal(number) for number in _HELD}
    held = {
        number: handler for number, handler in previous.items() if handler is not None
    }
    for number in held:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number, handler in held.items():
            signal.signal(number, handler)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """An exclusive lock on *directory* itself (POSIX ``flock``), none elsewhere."""
    if sys.platform == "win32":  # pragma: no cover
        yield
        return
    import fcntl  # noqa: PLC0415 - POSIX only

    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _sync_folder(directory: Path) -> None:
    """Flush *directory*'s entries to disk, where the platform allows it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
