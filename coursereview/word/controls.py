"""Content controls: a dropdown list in a table cell as Word writes it (``reader.control_text`` reads one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coursereview.word import PLACEHOLDER
from coursereview.word.markup import Run, clean, quoteattr, run_xml

__all__ = ["PLACEHOLDER", "Choice", "Dropdown"]

_PLACEHOLDER_GREY = "808080"


@dataclass(frozen=True)
class Choice:
    """One item of a dropdown list: the value a program reads, and the text a person sees and picks."""

    value: str
    text: str


@dataclass(frozen=True)
class Dropdown:
    """A cell holding a dropdown list (a Word content control), showing ``PLACEHOLDER`` until chosen.

    It is an inline control (inside the cell's paragraph): LibreOffice keeps those through a
    re-save with their items and placeholder, while it turns a control around whole paragraphs
    into a legacy form field that loses both.
    """

    choices: Sequence[Choice]
    title: str = ""  # the control's name, which Word shows on its handle
    selected: str | None = None  # the value chosen already; None shows the placeholder

    def cell_xml(self, paragraph: str, points: float | None) -> str:
        """Return the cell's w:p, opened by ``paragraph``, holding the control with its text at ``points``."""
        items = "".join(f"<w:listItem w:displayText={quoteattr(clean(c.text))} w:value={quoteattr(clean(c.value))}/>"
                        for c in self.choices)
        chosen = next((c for c in self.choices if c.value == self.selected), None)
        props = f"<w:alias w:val={quoteattr(clean(self.title))}/>" if self.title else ""
        if chosen is None:
            props += "<w:showingPlcHdr/>"
            content = run_xml(Run(PLACEHOLDER, color=_PLACEHOLDER_GREY), points=points)
        else:
            content = run_xml(Run(chosen.text), points=points)
        return (f"{paragraph}<w:sdt><w:sdtPr>{props}<w:dropDownList>{items}</w:dropDownList></w:sdtPr>"
                f"<w:sdtContent>{content}</w:sdtContent></w:sdt></w:p>")
