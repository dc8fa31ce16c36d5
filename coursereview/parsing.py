"""Read dates, times and numbers the way people type them (shared by the schema, the criteria and the tally)."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?\s*m\.?)?$|^(?P<hh>\d{2})(?P<mm>\d{2})$",
    re.IGNORECASE,
)
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.IGNORECASE)


def clean(text: str) -> str:
    """Return ``text`` with non-breaking and repeated spaces collapsed and ends trimmed."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def parse_time(value: object) -> dt.time | None:
    """Return the time of day in ``value`` (``13:00``, ``8:30 AM``, ``8.30``, ``0830``), else None."""
    if isinstance(value, dt.time):
        return value
    value = getattr(value, "text", value)  # an unquoted YAML number keeps its typed text: 8.30, 1300
    if not isinstance(value, str):
        return None
    m = _TIME.match(clean(value))
    if not m:
        return None
    if m.group("hh"):
        hour, minute, ampm = int(m.group("hh")), int(m.group("mm")), None
    else:
        hour, minute, ampm = int(m.group("h")), int(m.group("m") or 0), m.group("ampm")
        if ampm is None and m.group("m") is None:
            return None  # a bare "8" is too ambiguous to be a time
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def parse_date(value: object) -> dt.date | None:
    """Return the date in ``value`` (``2027-07-12``, ``7/12/2027`` US order, ``July 12, 2027``), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = clean(value)
    try:
        if m := _ISO.match(text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := _US.match(text):
            return dt.date(int(m[3]), int(m[1]), int(m[2]))
        if (m := _WORDS.match(text)) and m[1].lower() in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))
    except ValueError:  # a day that does not exist, such as 2027-02-30
        return None
    return None


def exact(value: float) -> Fraction:
    """Return a number exactly as it was written: ``1.1`` is 11/10, not the binary float nearest it.

    A float's shortest decimal form (``repr``) is the number as typed whenever it was typed with at
    most 15 significant digits, so arithmetic on the result honours what the file says.
    """
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
