"""Decision e-mails through a real SMTP server on loopback (aiosmtpd): sent, refused, or the server down."""

from __future__ import annotations

import email
import socket
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner
from flask import Flask
from test_web_staff import PASSWORD, late_end, post, program, receive, sign_in

from coursereview.cli import main
from coursereview.staff import accounts
from coursereview.staff.register import history
from coursereview.staff.submissions import SubmissionStore
from coursereview.web import Settings, create_app


class Inbox:
    """An SMTP handler that keeps what it receives, or refuses every message while ``refuse`` is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        if self.refuse:
            return "550 5.7.1 Message refused by policy"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def make_app(data_dir: Path, port: int) -> Flask:
    app = create_app(Settings(data_dir=data_dir, soffice="", smtp_host="127.0.0.1", smtp_port=port,
                              smtp_starttls=False, mail_from="IIMC Education <education@iimc.example>"))
    accounts.add_user(data_dir / "coursereview.db", "rita", "rita@iimc.example", PASSWORD)
    accounts.add_user(data_dir / "coursereview.db", "ada", "ada@iimc.example", PASSWORD, "admin")
    return app


def test_a_decision_is_e_mailed_with_the_letter(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    app = make_app(tmp_path / "data", port)
    store = SubmissionStore(tmp_path / "data")
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    done = post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="Fix the times.")
    assert done.status_code == 303
    [message] = inbox.messages
    assert message["To"] == "Dana Director <dana@example.org>" and message["From"].startswith("IIMC Education")
    assert "Fix the times." in message.get_body(("plain",)).get_content()
    [letter] = list(message.iter_attachments())
    assert letter.get_filename() == f"{sub.reference}-letter.docx"
    assert letter.get_content() == client.get(f"/staff/submissions/{sub.id}/letter.docx").data
    outbox = tmp_path / "data" / "outbox"
    assert list(outbox.glob("*.eml")) == [] and len(list((outbox / "sent").glob("*.eml"))) == 1


def test_a_refusing_server_keeps_the_message_and_the_decision(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    inbox.refuse = True
    app = make_app(tmp_path / "data", port)
    store = SubmissionStore(tmp_path / "data")
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    done = post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="Fix the times.")
    assert done.status_code == 303
    assert history(store.db)[-1].decision == "returned"
    waiting = list((tmp_path / "data" / "outbox").glob("*.eml"))
    assert len(waiting) == 1 and inbox.messages == []
    admin = sign_in(app, "ada")
    page = admin.get("/staff/outbox").get_data(as_text=True)
    assert waiting[0].name in page
    refused = post(admin, "/staff/outbox/send").get_data(as_text=True)
    assert "0 sent, 1 waiting" in refused and "550" in refused
    inbox.refuse = False
    assert "1 sent, 0 waiting" in post(admin, "/staff/outbox/send").get_data(as_text=True)
    assert len(inbox.messages) == 1 and list((tmp_path / "data" / "outbox").glob("*.eml")) == []


def test_a_server_that_is_down_keeps_the_message_until_outbox_send(tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, live_port = smtp
    app = make_app(tmp_path / "data", free_port())  # nothing listens there
    store = SubmissionStore(tmp_path / "data")
    first, _ = receive(store, program(late_end, "1"))
    second, _ = receive(store, program(salt="2"))
    client = sign_in(app, "rita")
    assert post(client, f"/staff/submissions/{first.id}/decide", choice="return", note="Fix.").status_code == 303
    assert post(client, f"/staff/submissions/{second.id}/decide", choice="approve").status_code == 303
    assert [e.decision for e in history(store.db)] == ["returned", "approved"]
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 2
    down = CliRunner().invoke(main, ["outbox", "send", "--data", str(tmp_path / "data"), "--smtp-host", "127.0.0.1",
                                     "--smtp-port", str(free_port()), "--no-starttls"])
    assert down.exit_code == 1 and "2 waiting" in down.output and "connection refused" in down.output
    sent = CliRunner().invoke(main, ["outbox", "send", "--data", str(tmp_path / "data"), "--smtp-host", "127.0.0.1",
                                     "--smtp-port", str(live_port), "--no-starttls"])
    assert sent.exit_code == 0, sent.output
    assert "2 sent, 0 waiting" in sent.output
    assert sorted(m["Subject"].split(":")[0] for m in inbox.messages) == ["Program approved",
                                                                          "Program review, status update"]
