"""The organisation's letterhead at the top of an issued document: logo, name, department, contact lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coursereview.documents.profile import Profile
from coursereview.word.markup import ParagraphLook, Run

if TYPE_CHECKING:
    from coursereview.word.writer import Writer

LOGO_HEIGHT = 1080  # twips (0.75 inch)
GREY = "595959"  # contact lines: dark enough to print and to read (7:1 on white)


def letterhead(doc: Writer, profile: Profile, align: str = "center") -> None:
    """Write ``profile``'s letterhead: the logo if any, the name, the department, the contact lines, a rule."""
    if profile.logo:
        doc.image(profile.logo, LOGO_HEIGHT, look=ParagraphLook(align=align, after=4, keep_with_next=True))
    lines = profile.contact_lines()
    doc.block([Run(profile.name, bold=True, points=16)],
              ParagraphLook(align=align, before=0, after=0, keep_with_next=True,
                            rule_below=not (profile.department or lines)))
    if profile.department:
        doc.block([Run(profile.department, points=11)],
                  ParagraphLook(align=align, before=0, after=2 if lines else 0, keep_with_next=True,
                                rule_below=not lines))
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        doc.block([Run(line, points=9, color=GREY)],
                  ParagraphLook(align=align, before=0, after=0, keep_with_next=not last, rule_below=last))
