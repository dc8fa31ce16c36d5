"""Serve the application with waitress, a production WSGI server that runs on Linux and Windows alike."""

from __future__ import annotations

import signal
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
    server = create_server(app, host=host, port=port, threads=THREADS, max_request_body_size=_BODY_CEILING,
                           ident="coursereview", clear_untrusted_proxy_headers=not proxy_headers)
    bound_host, bound_port = _address(server, host)
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


def _address(server: Any, host: str) -> tuple[str, int]:
    """Return the host and port the server is bound to (the first, when it listens on several)."""
    effective = getattr(server, "effective_host", None), getattr(server, "effective_port", None)
    if effective[1] is None and hasattr(server, "effective_listen"):
        first = server.effective_listen[0]
        return str(first[0]), int(first[1])
    return str(effective[0] or host), int(effective[1] or 0)


__all__ = ["serve"]
