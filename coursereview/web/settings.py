"""The web application's settings and its data folder: register, stored files and the secret key."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from coursereview.errors import CourseReviewError
from coursereview.io import MAX_BYTES

DEFAULT_DATA = "coursereview-data"
SECRET_FILE = "secret-key"
MiB = 1024 * 1024


class SettingsError(CourseReviewError):
    """The application cannot start with these settings (data folder unusable, secret key readable by others)."""


@dataclass(frozen=True)
class Settings:
    """Everything the application is told from outside; nothing is read from the environment.

    ``secure_cookies`` marks cookies Secure: turn it on when the application is reached over HTTPS
    (behind a reverse proxy, say). ``proxy_hops`` is how many reverse proxies in front of it set
    X-Forwarded-For/-Proto/-Host (0: none, the headers are ignored). ``soffice`` is LibreOffice's
    program for PDF downloads: "auto" finds it on PATH, "" turns PDF off. Decision e-mails always
    go to DATA/outbox; with ``smtp_host`` they are sent from there too (the SMTP password is the one
    exception to "nothing from the environment": it is read from $COURSEREVIEW_SMTP_PASSWORD at
    send time, so it is never written in settings or files).
    """

    data_dir: Path = Path(DEFAULT_DATA)
    secure_cookies: bool = False
    proxy_hops: int = 0
    soffice: str = "auto"
    pdf_timeout: float = 120.0
    upload_limit: int = MAX_BYTES  # a submission: YAML, JSON or a Word form
    attachment_limit: int = 10 * MiB  # each attached file
    max_attachments: int = 6
    secret_key: str | None = None  # None: generated once and kept in the data folder
    idle_minutes: int = 30  # a staff session ends after this long without a request
    mail_from: str = "IIMC Education Department <education@iimc.example>"
    smtp_host: str = ""  # "": decision e-mails stay in the outbox folder (DATA/outbox) for staff to send
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str = ""  # its password is read from $COURSEREVIEW_SMTP_PASSWORD when a message is sent

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """Return settings from a plain mapping (``create_app({"data_dir": "/srv/crv"})`` under gunicorn)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingsError(f"unknown setting {unknown[0]!r}; the settings are: {', '.join(sorted(known))}")
        settings = replace(cls(), **dict(values))
        return replace(settings, data_dir=Path(settings.data_dir))


def coerce(settings: Settings | Mapping[str, Any] | None) -> Settings:
    """Return ``settings`` as Settings (None: the defaults)."""
    if settings is None:
        return Settings()
    if isinstance(settings, Settings):
        return replace(settings, data_dir=Path(settings.data_dir))
    return Settings.from_mapping(settings)


def secret_key(data_dir: Path) -> str:
    """Return the application's secret key, kept in ``data_dir/secret-key`` (made once, readable by the owner only).

    It signs the session cookie and the forms' CSRF tokens; every process serving the same data folder
    reads the same key. A key file others can read is refused: anyone who reads it can forge sessions.
    """
    path = data_dir / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    try:
        if os.name == "posix" and path.stat().st_mode & 0o077:
            raise SettingsError(f"{path}: the secret key is readable by others; run: chmod 600 {path}")
        key = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the secret key: {getattr(exc, 'strerror', None) or exc}") from None
    if len(key) < 32:
        raise SettingsError(f"{path}: the secret key is too short (delete the file to make a new one)")
    return key


def _create_secret(path: Path) -> None:
    """Write a new random key to ``path`` atomically: concurrent starts all end up with the same key."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a key another process made meanwhile
    except OSError as exc:
        raise SettingsError(f"{path}: cannot write the secret key: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
