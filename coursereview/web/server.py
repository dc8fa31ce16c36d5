"""Serve the application with waitress, a production WSGI server that runs on Linux and Windows alike."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Callable
from typing import Any

from waitress.server import create_server

THREADS = 4  # checks are CPU-bound (one core's worth under the GIL); two more threads cover PDFs
_BODY_CEILING = 128 * 1024 * 1024  # waitress refuses larger bodies before the application reads them


def serve(app: Any, host: str, port: int, announce: Callable[[str], None], data: str = "",
          proxy_headers: bool = False) -> None:
    """Serve ``app`` on ``host``:``port`` until Ctrl-C or SIGTERM; ``announce`` gets the one start-up line.

    Port 0 picks a free port; the line says which. X-Forwarded-* headers are dropped unless
    ``proxy_headers`` (the application's ``proxy_hops`` setting then decides how many to believe).
    """
    # waitress warns "Task queue depth is N" whenever a request waits for a free thread: normal on a busy
    # machine, and a line on the console that says nothing to the person who started the server.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    sock = _bind(host, port)  # here, not in waitress: a port in use is one OSError, and no socket is left open
    try:
        server = create_server(app, sockets=[sock], threads=THREADS, max_request_body_size=_BODY_CEILING,
                               ident="coursereview", clear_untrusted_proxy_headers=not proxy_headers)
    except BaseException:
        sock.close()
        raise
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    where = f" (data: {data})" if data else ""
    announce(f"coursereview: serving on http://{shown}:{bound_port}/{where}; press Ctrl-C to stop")

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if hasattr(signal, "SIGTERM") else None
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _bind(host: str, port: int) -> socket.socket:
    """Return a socket bound to the first address ``host`` resolves to (IPv4 or IPv6), at ``port``."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                         flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if os.name == "posix":  # restart at once after a stop; on Windows this would let two servers share the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock
