"""How the review lists findings: in plain words (documents.plain), errors first, repeats of one code as one entry."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from coursereview.criteria.describe import rule_sentence
from coursereview.documents.plain import Required, plain_items
from coursereview.documents.profile import Profile
from coursereview.findings import CATALOG, Finding
from coursereview.review import Review
from coursereview.vocabulary import SEVERITIES

PROVISIONAL = "Provisional rule: our own reading, until IIMC's text is at hand."
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass(frozen=True)
class Entry:
    """One finding as the review lists it, or every finding of one code when it repeats."""

    code: str
    severity: str
    title: str  # the catalog's title of the code, e.g. "Session level missing"
    heading: str  # the title, with how often it occurs when it repeats
    sentences: tuple[str, ...]  # what each finding says, in plain words
    places: tuple[str, ...]  # where each one is, in the same order
    hints: tuple[str, ...]  # what to change (repeats said once)
    rule: str  # the criterion, as the sentence the criteria document uses; "" for data integrity
    provisional: bool
    sessions: tuple[int, ...]  # the session indexes concerned


def sentence(text: str, profile: Profile) -> str:
    """Return ``text`` as a sentence: first letter capital, a full stop at the end, dates in the profile's style."""
    text = _ISO_DATE.sub(lambda m: _date_text(m, profile), " ".join(text.split()))
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _date_text(match: re.Match[str], profile: Profile) -> str:
    try:
        return profile.date(dt.date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        return match[0]


def day_text(day: dt.date, profile: Profile) -> str:
    """Return a day as headings and findings write it: "Monday, May 17, 2027" (as documents.plain does)."""
    if profile.date_style == "iso":
        return day.isoformat()
    return f"{day:%A}{',' if profile.date_style == 'us' else ''} {profile.date(day)}"


def session_index(finding: Finding) -> int | None:
    """Return the index of the session a finding is about, or None."""
    path = finding.path
    if len(path) >= 2 and path[0] == "sessions" and isinstance(path[1], int):
        return path[1]
    return None


def entries(review: Review, profile: Profile) -> list[Entry]:
    """Return the review's findings as the review lists them: errors, then warnings, then notes.

    Each finding is said in plain words, as the letter says it (documents.plain). Findings of
    one code and severity become one entry, in the order the check found them: six sessions off
    the scheduling grid are one finding listing six sessions, not six rows.
    """
    items = plain_items(review, review.findings, profile)
    grouped: dict[tuple[str, str], list[tuple[Finding, Required]]] = {}
    for finding, item in zip(review.findings, items, strict=True):
        grouped.setdefault((finding.severity, finding.code), []).append((finding, item))
    order = {s: i for i, s in enumerate(SEVERITIES)}
    keys = sorted(grouped, key=lambda k: order.get(k[0], len(order)))  # stable: first found first
    return [_entry(grouped[key], review) for key in keys]


def _entry(members: list[tuple[Finding, Required]], review: Review) -> Entry:
    first = members[0][0]
    kind = CATALOG.get(first.code)
    title = kind.title if kind else first.name
    sessions = tuple(i for f, _ in members if (i := session_index(f)) is not None)
    if len(members) == 1:
        heading = title
    elif len(sessions) == len(members):
        heading = f"{title}, in {len(members)} sessions"
    else:
        heading = f"{title}, {len(members)} times"
    rule = ""
    if kind and kind.rule and kind.rule in review.criteria.rules:
        rule = rule_sentence(review.criteria.rules[kind.rule])
    return Entry(
        code=first.code, severity=first.severity, title=title, heading=heading,
        sentences=tuple(item.what for _, item in members), places=tuple(item.where for _, item in members),
        hints=tuple(dict.fromkeys(item.how for _, item in members if item.how)), rule=rule,
        provisional=any(f.provisional for f, _ in members), sessions=sessions,
    )


def summary_sentence(entry: Entry) -> str:
    """Return one entry as page 1 of the review says it: what is wrong and where, in one sentence."""
    if len(entry.sentences) == 1:
        what = entry.sentences[0]
        return f"{what[:-1] if what.endswith('.') else what} ({entry.places[0]})."
    shown = "; ".join(entry.places[:3]) + (f"; and {len(entry.places) - 3} more" if len(entry.places) > 3 else "")
    return f"{entry.heading}: {shown}."
