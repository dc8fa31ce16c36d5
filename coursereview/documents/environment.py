"""The one jinja2 environment every text document is rendered with (templates/: review, criteria, batch summary)."""

from __future__ import annotations

import base64
import functools
import re
from typing import TYPE_CHECKING, Any

from coursereview.wording import fmt as _hours
from coursereview.wording import shown

if TYPE_CHECKING:
    import jinja2

TEMPLATES = {"html": "review.html.j2", "md": "review.md.j2"}
_MD_SPECIAL = re.compile(r"([\\`*_\[<>|#])")
_BLANK_LINES = re.compile(r"\n{3,}")


def render_text(ctx: dict[str, Any], fmt: str) -> str:
    """Return the review document of ``ctx`` (from review_context) as ``fmt`` ('html' or 'md') text."""
    text = render_template(TEMPLATES[fmt], **ctx)
    return _BLANK_LINES.sub("\n\n", text) if fmt == "md" else text


def render_template(name: str, **context: Any) -> str:
    """Return template ``name`` from templates/ filled with ``context`` (an HTML template escapes every value)."""
    return environment().get_template(name).render(**context)


def md_escape(value: object) -> str:
    """Return ``value`` as Markdown text that shows literally, on one line, inside a table cell too."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_cell(value: object) -> str:
    """Return ``value`` fit for a Markdown table cell: pipes escaped, line breaks made spaces (Markdown kept)."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def hours(value: float | None) -> str:
    """Return hours or points as shown in a table (``12``, ``7.5``); nothing for a missing value."""
    return "" if value is None else _hours(value)


@functools.cache
def environment() -> jinja2.Environment:
    """Return the jinja2 environment of templates/: an ``*.html.j2`` template escapes every value, any other
    (Markdown) uses ``|md`` or ``|cell``; an undefined name is an error, never an empty string."""
    import jinja2

    from coursereview.resources import templates_dir

    def load(name: str) -> str:
        return (templates_dir() / name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=_is_html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_shown,
    )
    env.filters.update(md=md_escape, cell=md_cell, hours=hours, b64=_base64)
    return env


def _base64(data: bytes) -> str:
    """Return ``data`` in base 64 (an image inside an HTML page)."""
    return base64.b64encode(data).decode("ascii")


def _shown(value: Any) -> Any:
    """Return every text a template prints as wording.shown writes it (an HTML-safe value stays safe)."""
    if not isinstance(value, str):
        return value
    text = shown(value)
    return value if text == value else type(value)(text)


def _is_html(name: str | None) -> bool:
    return name is not None and name.endswith((".html.j2", ".html"))
