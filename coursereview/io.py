"""Files in and out: read with a size limit, refusing special files; write all or nothing (temp file + rename)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from coursereview.errors import InputError, OutputError

try:  # CPython's own SHA-256 (3.11: _sha256, 3.12 on: _sha2): hashlib loads OpenSSL's libcrypto, about 3 ms a run
    from _sha256 import sha256 as _sha256  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - another Python
    try:
        from _sha2 import sha256 as _sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256 as _sha256

MAX_BYTES = 2 * 1024 * 1024  # the largest submission or criteria file read


def content_hash(data: bytes) -> str:
    """Return the SHA-256 of ``data`` in hexadecimal: what identifies a file's content in reviews and the register."""
    return str(_sha256(data).hexdigest())


# From this many bytes on, OpenSSL's SHA-256 is quicker in all: loading it costs about 3.5 ms, and it then hashes
# a megabyte in 0.7 ms where CPython's own takes 5 ms.
_OPENSSL_FROM = 1024 * 1024


def content_hasher(total: int) -> Callable[[bytes], str]:
    """Return the quickest function giving ``content_hash`` of each of many pieces, ``total`` bytes in all."""
    if total < _OPENSSL_FROM:
        return content_hash
    try:  # OpenSSL's, as hashlib.sha256 is it, without loading hashlib's other algorithms (0.5 ms)
        from _hashlib import openssl_sha256 as sha256  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - a Python built without OpenSSL, or another Python
        from hashlib import sha256
    return lambda data: str(sha256(data).hexdigest())


def write_atomic(path: str | Path, data: bytes | str, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; refuse to replace an existing file unless ``force``.

    The bytes go to a temporary file in the same folder, are flushed to disk, then renamed into
    place, so a reader never sees a partial file and a failure leaves nothing behind. Only a
    regular file is ever replaced: with ``force``, a character device (``/dev/null``) or a named
    pipe with a reader, or a symbolic link to one, is written through as it is; any other kind of
    file is refused. Neither is ever turned into a regular file.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    check_writable(path, force)
    try:
        if _kind(path) in _WRITE_THROUGH:
            return _write_through(path, data)
        return _write(path, data, force)
    except OSError as exc:  # read-only folder, disk full, permission denied ...
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


_WRITE_THROUGH = ("character device", "named pipe")


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
            if _kind(path) not in (None, "regular file"):  # it changed since it was checked: never replace it
                raise OutputError(f"{path}: is a {_kind(path)}, not a regular file; refused")
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


def _write_through(path: Path, data: bytes) -> Path:
    """Write ``data`` into an existing device or named pipe as it is (it cannot be replaced, only written to).

    A pipe is opened without waiting: when no one reads it, the open fails at once instead of hanging.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise OutputError(f"{path}: a named pipe that no one is reading; refused") from None
        raise
    try:
        if _kind_of(os.fstat(fd).st_mode) not in _WRITE_THROUGH:  # swapped since it was checked
            raise OutputError(f"{path}: is not a character device or named pipe any more; refused")
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _kind_of(mode: int) -> str:
    """Return the kind of file ``mode`` (from stat) says: "regular file", "directory", "named pipe", ..."""
    for test, name in ((stat.S_ISREG, "regular file"), (stat.S_ISDIR, "directory"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISFIFO, "named pipe"), (stat.S_ISBLK, "block device"), (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "special file"


def _kind(path: Path) -> str | None:
    """Return the kind of file ``path`` names once symbolic links are followed; None when there is none."""
    try:
        return _kind_of(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:  # a dangling link, a loop, no permission: not a file that can be written through
        return "special file" if path.is_symlink() else None


def is_regular_file(path: str | Path) -> bool:
    """Return whether ``path`` names a regular file (symbolic links followed), without opening it."""
    return _kind(Path(path)) == "regular file"


def check_writable(path: str | Path, force: bool = False) -> None:
    """Raise OutputError unless ``path`` can be written (before any expensive work is done)."""
    path = Path(path)
    kind = _kind(path)
    if kind == "directory":
        raise OutputError(f"{path}: is a directory; give a file name")
    if (kind is not None or path.is_symlink()) and not force:
        raise OutputError(f"{path}: already exists; use --force to replace it")
    if kind not in (None, "regular file", *_WRITE_THROUGH):
        raise OutputError(f"{path}: is a {kind}, not a regular file; refused")
    if not path.parent.is_dir():
        raise OutputError(f"{path}: folder {path.parent} does not exist")


def read_bytes(path: Path, limit: int = MAX_BYTES, what: str = "submission") -> bytes:
    """Return the bytes of ``path``, refusing missing, special and oversized files (``what`` names the limit).

    The kind of file is checked before it is opened and again on the open file, which is opened
    without waiting: a named pipe, a device such as /dev/zero or a socket is refused at once
    instead of blocking or reading without end.
    """
    name = str(path)
    try:
        kind = _kind_of(os.stat(path).st_mode)
        if kind == "directory":
            raise InputError(name, "is a directory, not a regular file")
        if kind != "regular file":
            raise InputError(name, f"is a {kind}, not a regular file")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):  # swapped for another kind since the check above
                raise InputError(name, f"is a {_kind_of(info.st_mode)}, not a regular file")
            if info.st_size > limit:
                size = _size(info.st_size) if _size(info.st_size) != _size(limit) else f"{info.st_size:,} bytes"
                raise InputError(name, f"file is {size}; the limit for a {what} is {_size(limit)}")
            os.set_blocking(fd, True)
            raw = fh.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a regular file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:  # a link loop, a name too long, an I/O error
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a name with a NUL byte
        raise InputError(name, "not a valid file name") from None
    if len(raw) > limit:
        raise InputError(name, f"file is larger than the limit for a {what} of {_size(limit)}")
    return raw


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"
