"""Render the review document as HTML or Markdown from the jinja2 templates in templates/."""

from __future__ import annotations

import base64
import functools
import re
from typing import Any

TEMPLATES = {"html": "review.html.j2", "md": "review.md.j2"}
_MD_SPECIAL = re.compile(r"([\\`*_\[<>|#])")
_BLANK_LINES = re.compile(r"\n{3,}")


def render_text(ctx: dict[str, Any], fmt: str) -> str:
    """Return the review document of ``ctx`` (from review_context) as ``fmt`` ('html' or 'md') text."""
    text = _environment(fmt).get_template(TEMPLATES[fmt]).render(**ctx)
    return _BLANK_LINES.sub("\n\n", text) if fmt == "md" else text


def md_escape(value: object) -> str:
    """Return ``value`` as Markdown text that shows literally, on one line, inside a table cell too."""
    text = " ".join(str(value).split())
    return _MD_SPECIAL.sub(r"\\\1", text)


@functools.cache
def _environment(fmt: str) -> Any:
    """Return the jinja2 environment for ``fmt``: HTML escapes every value, Markdown uses |md."""
    import jinja2

    from coursereview.resources import templates_dir

    def load(name: str) -> str:
        return (templates_dir() / name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=fmt == "html",
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env
