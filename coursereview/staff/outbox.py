"""The outbox: decision e-mails as .eml files in the data folder, sent by SMTP when configured, kept on failure."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid
from pathlib import Path

from coursereview.errors import CourseReviewError
from coursereview.io import write_atomic

PASSWORD_ENV = "COURSEREVIEW_SMTP_PASSWORD"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SEND_TIMEOUT = 15.0  # seconds for one SMTP conversation
_SENDING = threading.Lock()  # one pass over an outbox at a time in this process: no message goes twice


class OutboxError(CourseReviewError):
    """The outbox folder cannot be written or read."""


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server. The password is never kept in settings: it is read from ``password_env``."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password_env: str = PASSWORD_ENV
    timeout: float = SEND_TIMEOUT

    def password(self) -> str:
        return os.environ.get(self.password_env, "")


@dataclass(frozen=True)
class SendResult:
    """What one pass over the outbox did: messages sent, and the ones still waiting with why."""

    sent: tuple[str, ...]
    waiting: tuple[tuple[str, str], ...]  # (file name, last error)


@dataclass(frozen=True)
class Outbox:
    """Messages waiting in ``folder`` (one .eml each); sent ones move to ``folder/sent``."""

    folder: Path

    @property
    def sent_folder(self) -> Path:
        return self.folder / "sent"

    def put(self, message: EmailMessage, name: str) -> Path:
        """Write ``message`` to the outbox as ``name``.eml (made unique) and return its path."""
        try:
            self.sent_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise OutboxError(f"{self.folder}: cannot create the outbox: {exc.strerror or exc}") from None
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:80]
        for attempt in range(1000):
            path = self.folder / f"{stamp}-{safe}{'-' + str(attempt) if attempt else ''}.eml"
            if not path.exists() and not (self.sent_folder / path.name).exists():
                write_atomic(path, bytes(message), force=False)
                return path
        raise OutboxError(f"{self.folder}: too many messages named {safe}")

    def waiting(self) -> list[Path]:
        """Return the messages not yet sent, oldest first."""
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.eml") if p.is_file())

    def sent(self) -> list[Path]:
        """Return the messages sent, oldest first."""
        if not self.sent_folder.is_dir():
            return []
        return sorted(p for p in self.sent_folder.glob("*.eml") if p.is_file())

    def send_waiting(self, smtp: SmtpConfig | None) -> SendResult:
        """Send every waiting message through ``smtp``; each one sent moves to sent/, each failure stays.

        Without ``smtp`` nothing is sent: the outbox is the delivery (staff pick the files up).
        One connection is used for the whole pass; a server that is down fails the pass at once.
        """
        if smtp is None:
            return SendResult((), tuple((p.name, "no mail server configured") for p in self.waiting()))
        if not _SENDING.acquire(timeout=smtp.timeout):
            return SendResult((), tuple((p.name, "another send is under way") for p in self.waiting()))
        try:
            return self._send(smtp, self.waiting())
        finally:
            _SENDING.release()

    def _send(self, smtp: SmtpConfig, pending: list[Path]) -> SendResult:
        if not pending:
            return SendResult((), ())
        sent: list[str] = []
        waiting: list[tuple[str, str]] = []
        try:
            with _connection(smtp) as server:
                for path in pending:
                    try:
                        message = read_message(path)
                        server.send_message(message)
                    except (smtplib.SMTPException, OSError, OutboxError) as exc:
                        waiting.append((path.name, _reason(exc)))
                        if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
                            break
                        continue
                    _move_sent(path, self.sent_folder)
                    sent.append(path.name)
        except (smtplib.SMTPException, OSError) as exc:
            reason = _reason(exc)
            waiting.extend((p.name, reason) for p in pending if p.name not in sent
                           and all(p.name != w for w, _ in waiting))
        done = set(sent) | {w for w, _ in waiting}
        waiting.extend((p.name, "not tried after an earlier failure") for p in pending if p.name not in done)
        return SendResult(tuple(sent), tuple(waiting))


def read_message(path: Path) -> EmailMessage:
    """Return the message stored at ``path``."""
    try:
        with path.open("rb") as fh:
            message = BytesParser(policy=policy.SMTP).parse(fh)
    except OSError as exc:
        raise OutboxError(f"{path}: cannot read the message: {exc.strerror or exc}") from None
    assert isinstance(message, EmailMessage)
    return message


def compose(sender: str, to: str, subject: str, body: str,
            attachments: tuple[tuple[str, str, bytes], ...] = ()) -> EmailMessage:
    """Return an e-mail: plain-text ``body``, ``attachments`` as (file name, media type, bytes)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    for name, media_type, data in attachments:
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


@contextlib.contextmanager
def _connection(smtp: SmtpConfig):  # type: ignore[no-untyped-def]
    server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout, local_hostname=socket.getfqdn()[:64] or None)
    try:
        server.ehlo()
        if smtp.starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if smtp.user:
            server.login(smtp.user, smtp.password())
        yield server
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
        server.close()


def _move_sent(path: Path, sent_folder: Path) -> None:
    sent_folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):  # another process sent it meanwhile
        os.replace(path, sent_folder / path.name)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"the mail server refused: {exc.smtp_code} {text}".strip()
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused every recipient"
    if isinstance(exc, ConnectionRefusedError):
        return "the mail server is not answering (connection refused)"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the mail server did not answer in time"
    return f"{type(exc).__name__}: {exc}"
