"""Content controls: a dropdown list in a table cell as Word writes it, and the text one reads as."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from coursereview.word import W

PLACEHOLDER = "Choose…"  # what an unfilled dropdown shows, in grey
_PLACEHOLDER_GREY = "808080"
_SDT_PR, _SDT_CONTENT, _SHOWING_PLACEHOLDER = W + "sdtPr", W + "sdtContent", W + "showingPlcHdr"
_LISTS = (W + "dropDownList", W + "comboBox")


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
        from coursereview.word.markup import Run, clean, quoteattr, run_xml  # here: reading a form writes no XML

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


def control_text(sdt: Any, shown: str) -> str:
    """Return what the content control ``sdt`` (an lxml w:sdt) holds, given the text it ``shown``.

    A control still showing its placeholder holds nothing; a list item picked by its display
    text reads as the item's value ("Role of the Clerk" -> "clerk-role"); anything else, such as
    text typed into a combo box, reads as shown.
    """
    props = sdt.find(_SDT_PR)
    if props is None:
        return shown
    if props.find(_SHOWING_PLACEHOLDER) is not None:
        return ""
    wanted = " ".join(shown.split())
    for kind in _LISTS:
        for item in props.iterfind(f"{kind}/{W}listItem"):
            value = item.get(W + "value")
            text = item.get(W + "displayText", value)
            if value is not None and text is not None and " ".join(text.split()) == wanted:
                return value
    return shown
