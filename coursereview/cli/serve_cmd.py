"""`coursereview serve`: run the web application (waitress) on this machine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from coursereview.cli.common import Fail, one_line_errors


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 listens on every network interface.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on; 0 picks a free one (the start-up line says which).")
@click.option("--data", "data", metavar="DIR", default="coursereview-data", show_default=True,
              type=click.Path(file_okay=False),
              help="Data folder: the register (coursereview.db), stored submissions and the secret key. "
                   "Created if missing.")
@click.option("--behind-proxy", "proxies", type=click.IntRange(0, 5), default=0, metavar="N",
              help="Believe the X-Forwarded-For/-Proto/-Host headers of N reverse proxies in front (default 0).")
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure: use when people reach it over HTTPS.")
@click.option("--smtp-host", default="", help="Send decision e-mails through this mail server (else they wait in "
                                              "DIR/outbox).")
@click.option("--smtp-port", type=click.IntRange(1, 65535), default=587, show_default=True)
@click.option("--starttls/--no-starttls", default=True, show_default=True, help="Encrypt mail with STARTTLS.")
@click.option("--smtp-user", default="", help="Mail server user; its password comes from $COURSEREVIEW_SMTP_PASSWORD.")
@click.option("--mail-from", default=None, help="The From address of decision e-mails.")
@one_line_errors
def serve(host: str, port: int, data: str, proxies: int, secure_cookies: bool, smtp_host: str, smtp_port: int,
          starttls: bool, smtp_user: str, mail_from: str | None) -> None:
    """Run the web application: directors check programs in the browser and submit them.

    It listens on http://127.0.0.1:8000/ (this machine only) until Ctrl-C. The data folder holds
    the register that `decide` and `history` use too (DIR/coursereview.db), the stored
    submissions and a generated secret key. For a whole department, run it behind a reverse
    proxy with HTTPS (see the README).

    \b
    IIMC staff sign in at /staff/ (accounts: `coursereview user add`).

    \b
    Example:
      coursereview serve
      coursereview serve --data /srv/coursereview --behind-proxy 1 --secure-cookies
    """
    from coursereview.web import Settings, create_app  # imported here: Flask loads only for this command
    from coursereview.web.server import serve as run

    folder = Path(data)
    settings = Settings(data_dir=folder, proxy_hops=proxies, secure_cookies=secure_cookies, smtp_host=smtp_host,
                        smtp_port=smtp_port, smtp_starttls=starttls, smtp_user=smtp_user)
    if mail_from:
        settings = replace(settings, mail_from=mail_from)
    app = create_app(settings)
    try:
        run(app, host, port, lambda line: click.echo(line, err=True), str(folder.resolve()),
            proxy_headers=proxies > 0)
    except OSError as exc:  # the port is taken, the address is not this machine's, ...
        raise Fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo("coursereview: stopped", err=True)
