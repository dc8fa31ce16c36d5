"""`coursereview user` (staff accounts of the web application) and `coursereview outbox send` (decision e-mails)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from coursereview.cli.common import Fail, Failed, one_line_errors

DATA_HELP = "The web application's data folder (as for `coursereview serve --data`)."


def _data_option(func):  # type: ignore[no-untyped-def]
    return click.option("--data", "data", metavar="DIR", default="coursereview-data", show_default=True,
                        type=click.Path(file_okay=False), help=DATA_HELP)(func)


def _db(data: str, create: bool = False) -> Path:
    from coursereview.staff.submissions import SubmissionStore

    store = SubmissionStore(Path(data))
    if create:
        store.create()
    elif not store.db.exists():
        raise Fail(f"{data}: no data folder with a register here; `coursereview serve --data {data}` makes one")
    return store.db


@click.group()
def user() -> None:
    """Staff accounts for the web application's staff pages (/staff/).

    \b
    Example:
      coursereview user add alex --email alex@iimc.org --admin
      printf '%s\\n' "$PASSWORD" | coursereview user add sam --email sam@iimc.org --password-stdin
      coursereview user list
      coursereview user disable sam
    """


@user.command("add")
@click.argument("name")
@click.option("--email", required=True, help="The user's e-mail address.")
@click.option("--admin", is_flag=True, help="An administrator (manages users, reads the audit log); else a reviewer.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@_data_option
@one_line_errors
def add(name: str, email: str, admin: bool, password_stdin: bool, data: str) -> None:
    """Add a staff account NAME (the password is asked for, or read with --password-stdin).

    \b
    Example:
      coursereview user add alex --email alex@iimc.org --admin
    """
    from coursereview.staff.accounts import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    made = add_user(_db(data, create=True), name, email, password, "admin" if admin else "reviewer",
                    actor="command line")
    click.echo(f"{made.name}: added as {made.role} ({made.email})")


@user.command("list")
@_data_option
@one_line_errors
def list_(data: str) -> None:
    """List every staff account: name, role, e-mail, active or disabled.

    \b
    Example:
      coursereview user list --data coursereview-data
    """
    from coursereview.staff.accounts import list_users

    for u in list_users(_db(data)):
        click.echo(f"{u.name}\t{u.role}\t{u.email}\t{'active' if u.active else 'disabled'}\t{u.created_at}")


@user.command("disable")
@click.argument("name")
@_data_option
@one_line_errors
def disable(name: str, data: str) -> None:
    """Disable account NAME: it can no longer sign in and its sessions end at once.

    \b
    Example:
      coursereview user disable sam
    """
    from coursereview.staff.accounts import disable_user

    made = disable_user(_db(data), name, actor="command line")
    click.echo(f"{made.name}: disabled")


@click.group()
def outbox() -> None:
    """Decision e-mails waiting in the data folder's outbox."""


@outbox.command("send")
@_data_option
@click.option("--smtp-host", required=True, help="The mail server.")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=587, show_default=True)
@click.option("--starttls/--no-starttls", default=True, show_default=True, help="Encrypt with STARTTLS.")
@click.option("--smtp-user", default="", help="Sign in as this user; the password is read from "
                                              "$COURSEREVIEW_SMTP_PASSWORD.")
@one_line_errors
def send(data: str, smtp_host: str, smtp_port: int, starttls: bool, smtp_user: str) -> None:
    """Send every message waiting in DIR/outbox; each one sent moves to DIR/outbox/sent.

    A message the server does not take stays in the outbox (exit 1), to be sent again later.

    \b
    Example:
      coursereview outbox send --smtp-host smtp.example.org --smtp-user education
    """
    from coursereview.staff.outbox import Outbox, SmtpConfig

    result = Outbox(Path(data) / "outbox").send_waiting(SmtpConfig(smtp_host, smtp_port, starttls, smtp_user))
    for name in result.sent:
        click.echo(f"sent {name}")
    for name, why in result.waiting:
        click.echo(f"waiting {name}: {why}", err=True)
    click.echo(f"{len(result.sent)} sent, {len(result.waiting)} waiting", err=True)
    if result.waiting:
        raise Failed()
