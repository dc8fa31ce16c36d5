"""The words every stage shares: program kinds, levels, session kinds, delivery, severities, verdicts.

This module imports nothing, so any stage may use it without pulling in another.
"""

SCHEMA_ID = "coursereview/submission@1"

KINDS = ("institute", "academy", "association")
LEVELS = ("basic", "intermediate", "advanced")
SESSION_KINDS = ("instruction", "exam", "break", "meal", "social")
INSTRUCTION = "instruction"  # the default kind: a taught session, which needs a description, level and presenter
DELIVERY = ("in-person", "online", "hybrid")

BASES = ("published", "observed", "provisional")
SEVERITIES = ("error", "warning", "info")
VERDICTS = ("approvable", "approvable-with-notes", "not-approvable")
DECISIONS = ("approved", "returned")


def is_instructional(kind: str | None) -> bool:
    """Return whether a session of ``kind`` is an instructional (taught) session; no kind given means instruction.

    Whether a session counts as contact time is another question, which each criteria set answers
    (``tally.counts``): the shipped sets count exams too.
    """
    return (kind or INSTRUCTION) == INSTRUCTION
