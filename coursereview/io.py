"""Files in and out: read with a size limit, refusing special files; write all or nothing (temp file + rename)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from coursereview.errors import InputError, OutputError

MAX_BYTES = 2 * 1024 * 1024  # the largest submission or criteria file read


def write_atomic(path: str | Path, data: bytes | str, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to replace an existing file unless ``force``.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed into
    place, so a reader never sees a partial file and a failure leaves nothing behind.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_writable(path, force)
    try:
        return _write(path, data, force)
    except OSError as exc:  # read-only folder, disk full, permission denied ...
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _write(path: Path, data: bytes, force: bool) -> Path:
    import tempfile  # here: reading commands (validate) never load it

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes files private; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never clobber
            except FileExistsError:
                raise OutputError(f"{path}: already exists; use --force to replace it") from None
            except OSError:  # file systems without hard links
                if path.exists():
                    raise OutputError(f"{path}: already exists; use --force to replace it") from None
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_writable(path: str | Path, force: bool = False) -> None:
    """Raise OutputError unless ``path`` can be written (before any expensive work is done)."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a directory; give a file name")
    if path.exists() and not force:
        raise OutputError(f"{path}: already exists; use --force to replace it")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """Return the bytes of ``path``, refusing missing, special and oversized files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError(name, "not a regular file")
        if size > limit:
            raise InputError(name, f"file is {_size(size)}; the limit for a submission is {_size(limit)}")
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    if len(raw) > limit:
        raise InputError(name, f"file is larger than the limit of {_size(limit)}")
    return raw


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"
