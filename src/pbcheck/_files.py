"""Writing output files atomically: a reader sees the old file or the new one, never half.

Every adapter that writes a file (CLI results, reports, workbooks) goes
through :func:`write_atomic`, so a run that fails part-way leaves previous
outputs untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` so that the file is replaced in one step.

    The data goes to a temporary file in the same directory, is flushed to
    disk, and then renamed over ``path`` (an atomic rename on POSIX and
    Windows).  If anything fails, the temporary file is removed and ``path``
    keeps its previous content.  Text is encoded as UTF-8.  A replaced file
    keeps its permissions; a new one gets ``0o644`` (the temporary file is
    created ``0o600``, which would otherwise leak into the result).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> written = write_atomic(folder / "通报.md", "关于表彰的通报")
    >>> written.read_text(encoding="utf-8"), oct(written.stat().st_mode & 0o777)
    ('关于表彰的通报', '0o644')
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode)
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise
    return target
