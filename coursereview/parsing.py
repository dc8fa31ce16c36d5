"""Read dates, times and numbers the way people type them (schema, agenda reader, Word importer, criteria, tally)."""

from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

# The patterns for the less usual ways of writing a time or a date are compiled when first used (the re
# module keeps them), and read case-insensitively (_I): most files write 13:30 and 2027-07-12, and
# compiling them all at import cost a millisecond a run.
_I = re.IGNORECASE
_AMPM = r"[ap]\.?\s*m\.?"
_TIME = rf"^(?P<h>\d{{1,2}})(?:[:.h](?P<m>\d{{2}}))?\s*(?P<ampm>{_AMPM})?$|^(?P<hh>\d{{2}})(?P<mm>\d{{2}})$"
_NOON = r"^(?:12(?:[:.]00)?\s*)?noon$"
_MIDNIGHT = r"^(?:12(?:[:.]00)?\s*)?midnight$"
_TWELVE_HOUR = re.compile(r"\s*[1-9][:.][0-5]\d\s*\Z")  # "8:30", "1.15": a morning or an afternoon time
_ONE_TIME = rf"(?:\d{{1,2}}(?:[:.]\d{{2}})?\s*(?:{_AMPM})?|(?:12(?:[:.]00)?\s*)?(?:noon|midnight))"
_RANGE = rf"^(?P<a>{_ONE_TIME})\s*(?:-|\u2013|\u2014|to|until|till)\s*(?P<b>{_ONE_TIME})$"
_SUFFIX = rf"\s*({_AMPM})$"
_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_US = r"^(?:[a-z]+,?\s+)?(\d{1,2})([/-])(\d{1,2})\2(\d{4}|\d{2})$"
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = r"^(?:[a-z]+,?\s+)?([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$"


def clean(text: str) -> str:
    """Return ``text`` with non-breaking and repeated spaces collapsed and ends trimmed."""
    return " ".join(text.split())  # str.split() splits at every Unicode space, no-break spaces (U+00A0, U+202F) too


def _typed(value: object) -> str | None:
    """Return the text ``value`` was typed as (an unquoted YAML number keeps its text: 8.30, 1300), else None."""
    value = getattr(value, "text", value)
    return clean(value) if isinstance(value, str) else None


def parse_time(value: object) -> dt.time | None:
    """Return the time of day in ``value`` (``13:00``, ``8:30 AM``, ``8.30``, ``0830``, ``noon``), else None.

    A time without AM or PM is read on a 24-hour clock: ``1:15`` is 1:15 AM. Whether that is
    plausible is the timetable rules' question (they offer "did you mean 1:15 PM?"); see
    ``twelve_hour`` for how such a time is recognised.
    """
    if isinstance(value, dt.time):
        return value
    text = value if isinstance(value, str) and len(value) == 5 else _typed(value)  # 13:30: nothing to clean
    if text is None:
        return None
    if len(text) == 5 and text[2] == ":" and text[:2].isdecimal() and text[3:].isdecimal():
        hour, minute = int(text[:2]), int(text[3:])  # "13:30", the way most times are written: as _TIME reads it
        return dt.time(hour, minute) if hour <= 23 and minute <= 59 else None
    text = clean(text)  # as _typed has it (clean twice is clean once)
    if re.match(_NOON, text, _I):
        return dt.time(12, 0)
    if re.match(_MIDNIGHT, text, _I):
        return dt.time(0, 0)
    m = re.match(_TIME, text, _I)
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


def twelve_hour(value: object) -> bool:
    """Return whether ``value`` is a time written as on a 12-hour clock without AM or PM (``8:30``, ``1.15``).

    Such a time may be meant in the morning or in the afternoon; ``08:30`` and ``13:15`` (a
    24-hour clock), ``8:30 AM`` and ``10:15`` (10:15 PM would be too late for a session) may not.
    """
    text = getattr(value, "text", value)
    return isinstance(text, str) and bool(_TWELVE_HOUR.match(text.replace("\u00a0", " ")))


def time_text(value: object) -> str | None:
    """Return ``value`` as a time written the standard way, else None.

    ``8:30 AM`` becomes ``08:30`` and ``1:30 PM`` ``13:30``; a time that may be morning or
    afternoon (``8:30``, see ``twelve_hour``) stays ``8:30``, so that the check can still ask.
    """
    time = parse_time(value)
    if time is None:
        return None
    return f"{time.hour}:{time.minute:02d}" if twelve_hour(value) else time.strftime("%H:%M")


def split_time_range(value: object) -> tuple[str, str] | None:
    """Return the start and end of a time range in one cell (``8:00 - 10:00 AM``), each as it is meant; else None.

    AM or PM written once applies to both ends when that keeps the start before the end
    (``8:00 - 10:00 AM`` is 8:00 AM to 10:00 AM; ``11:00 - 1:00 PM`` is 11:00 AM to 1:00 PM).
    """
    text = _typed(value)
    m = re.match(_RANGE, text, _I) if text else None
    if not m:
        return None
    first, second = clean(m.group("a")), clean(m.group("b"))
    first_suffix, second_suffix = re.search(_SUFFIX, first, _I), re.search(_SUFFIX, second, _I)
    if second_suffix and not first_suffix and re.match(_TIME, first, _I):
        first = _with_suffix(first, second_suffix.group(1), second)
    elif first_suffix and not second_suffix and re.match(_TIME, second, _I):
        second = _with_suffix(second, first_suffix.group(1), first, after=True)
    if parse_time(first) is None or parse_time(second) is None:
        return None
    return first, second


def _with_suffix(text: str, suffix: str, other: str, after: bool = False) -> str:
    """Return ``text`` with ``suffix`` (AM/PM) when that keeps the range in order, else with the other one."""
    other_time = parse_time(other)
    for candidate in (suffix, "PM" if suffix.lower().startswith("a") else "AM"):
        time = parse_time(f"{text} {candidate}")
        if time is not None and other_time is not None and (time > other_time if after else time < other_time):
            return f"{text} {candidate}"
    return text


def parse_date(value: object) -> dt.date | None:
    """Return the date in ``value`` (``2027-07-12``, ``7/12/2027`` or ``7/12/27`` US order, ``July 12, 2027``).

    A two-digit year is in this century (``27`` is 2027). Return None when ``value`` is no date.
    """
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
        if m := re.match(_US, text, _I):
            year = int(m[4]) + (2000 if len(m[4]) == 2 else 0)
            return dt.date(year, int(m[1]), int(m[3]))
        if (m := re.match(_WORDS, text, _I)) and m[1].lower() in _MONTHS:
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
