"""Say what a finding asks of a provider in plain words: what, where and how, without codes, keys or file positions."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coursereview.documents.profile import Profile
from coursereview.findings import Finding
from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.review import Review
from coursereview.rules.timetable import afternoon_end, afternoon_times, double_bookings, first_clashes
from coursereview.schema.model import Instructor, Session
from coursereview.tally import EARLIEST, LATEST, break_kind, days_without_sessions, titled_as_break
from coursereview.wording import did_you_mean, fmt, number

# The nouns a sentence uses for a field when its form label alone would read oddly ("The end is required").
_NOUNS = {
    ("sessions", "date"): "date", ("sessions", "start"): "start time", ("sessions", "end"): "end time",
    ("sessions", "kind"): "kind of session", ("sessions", "area"): "curriculum area",
    ("sessions", "instructors"): "presenters", ("sessions", "objectives"): "learning objectives",
    ("instructors", "id"): "short name (ID)", ("program", "kind"): "kind of program",
    ("program", "part"): "part (year)", ("provider", "email"): "director's e-mail address",
    ("provider", "phone"): "director's telephone number",
}
_TABLES: dict[str, tuple[str, tuple[Field, ...]]] = {
    "provider": ("Provider details", PROVIDER), "program": ("Program details", PROGRAM),
    "instructors": ("Instructors", INSTRUCTORS), "sessions": ("Sessions", SESSIONS),
}
# Findings about a missing program or provider detail, located at the table: the detail they ask for.
_FIELD_OF = {"D001": ("program", "assessment"), "D002": ("program", "attendance"), "D003": ("program", "certificate"),
             "P002": ("provider", "institution"), "P003": ("provider", "association")}
_QUOTED = re.compile(r"""^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")""")  # the repr() a message starts with


@dataclass(frozen=True)
class Required:
    """One thing a provider must still do (or should note): where it is, what is wrong, how to put it right."""

    where: str  # "Session “Budget Basics”, Monday, July 12, 2027", "Program details: Certificate", ...
    what: str  # a sentence
    how: str  # a sentence, or "" when there is nothing to add
    code: str  # the finding's code: kept for tests and grouping, never printed

    @property
    def text(self) -> str:
        """Return the item as one paragraph: where, what, how."""
        return " ".join(x for x in (f"{self.where}.", self.what, self.how) if x)


def plain_items(review: Review, findings: tuple[Finding, ...], profile: Profile) -> list[Required]:
    """Return one plain item per finding of ``findings`` (from ``review``), in their order."""
    words = _Words(review, profile)
    return [words.item(f) for f in findings]


def covered_codes() -> frozenset[str]:
    """Return the finding codes that have their own plain sentence (every other one is reworded generically)."""
    return frozenset(_WHAT)


class _Words:
    """The facts of one review that plain sentences need, looked up once."""

    def __init__(self, review: Review, profile: Profile) -> None:
        self.review = review
        self.sub = review.submission
        self.profile = profile
        self.form = self.sub.sources.style == "form"

    def item(self, f: Finding) -> Required:
        make = _WHAT.get(f.code)
        if make is None:
            what, how = _sentence(_unquote(f.message)), _sentence(f.hint) if not _has_key(f.hint) else ""
        else:
            what, how = make(self, f)
        return Required(self.where(f), what, how, f.code)

    # --- where ---------------------------------------------------------------------------------------

    def where(self, f: Finding) -> str:
        """Return where ``f`` is, in the provider's terms (and the Word form's table, row and column)."""
        path = _FIELD_OF.get(f.code, f.path)
        if f.code == "H004" and (s := self.session(path)) is not None and s.date:
            return f"The day {self.day(s.date)}"
        if (s := self.session(path)) is not None:
            place = self.session_name(s)
        elif (person := self.instructor(path)) is not None:
            place = f"Instructor {_quote(person.name or person.id or f'in row {person.index + 1}')}"
        elif path and path[0] in ("program", "provider") and len(path) > 1:
            title, fields = _TABLES[path[0]]
            place = f"{title}: {_label(fields, path[1:])}"
        elif path and path[0] in ("program", "provider"):
            place = _TABLES[path[0]][0]
        else:
            place = "The program as a whole"
        form_place = f.location.where if f.location and self.form and len(path) > 1 else None
        if f.code in _FIELD_OF and self.form:
            form_place = f"{path[0]} table, row {_quote(_label(_TABLES[path[0]][1], path[1:]))}"
        return f"{place} (in your form: {_unquote(form_place)})" if form_place else place

    def session_name(self, s: Session) -> str:
        name = f"Session {_quote(s.title)}" if s.title else f"Session {s.index + 1} of the timetable"
        return f"{name}, {self.day(s.date)}" if s.date else name

    def session(self, path: tuple) -> Session | None:
        if len(path) > 1 and path[0] == "sessions" and isinstance(path[1], int) and path[1] < len(self.sub.sessions):
            return self.sub.sessions[path[1]]
        return None

    def instructor(self, path: tuple) -> Instructor | None:
        people = self.sub.instructors
        if len(path) > 1 and path[0] == "instructors" and isinstance(path[1], int) and path[1] < len(people):
            return people[path[1]]
        return None

    # --- how values are written ----------------------------------------------------------------------

    def day(self, day: dt.date) -> str:
        """Return ``day`` with its weekday, in the profile's date style ("Monday, July 12, 2027")."""
        if self.profile.date_style == "iso":
            return day.isoformat()
        return f"{day:%A}{',' if self.profile.date_style == 'us' else ''} {self.profile.date(day)}"

    def time(self, t: dt.time | None) -> str:
        """Return a time of day as the profile's readers write it: "1:30 PM" (US) or "13:30"."""
        if t is None:
            return "?"
        if self.profile.date_style == "us":
            return f"{(t.hour - 1) % 12 + 1}:{t.minute:02d} {'PM' if t.hour >= 12 else 'AM'}"
        return f"{t.hour:02d}:{t.minute:02d}"

    def span(self, s: Session) -> str:
        return f"{self.time(s.start)} to {self.time(s.end)}"

    def noun(self, path: tuple) -> str:
        """Return the field at ``path`` as a noun for a sentence ("end time", "director email")."""
        table = path[0] if path else ""
        keys = tuple(p for p in path[1:] if not isinstance(p, int))
        if (table, keys[-1] if keys else "") in _NOUNS:
            return _NOUNS[(table, keys[-1])]
        fields = _TABLES.get(table, ("", ()))[1]
        return _label(fields, keys).lower() if keys else _words(str(table)) or "value"

    def area_titles(self) -> str:
        return "; ".join(a.title for a in self.review.criteria.areas)

    def rule_value(self, rule_id: str) -> Any:
        rule = self.review.criteria.rule(rule_id)
        return rule.value if rule is not None else None

    @functools.cached_property
    def clashes(self) -> dict[int, Session]:
        """Return, for each session that overlaps an earlier one, that earlier session (by index)."""
        return {later.index: first for first, later in first_clashes(self.sub.sessions, self.review.tally.doubtful)}

    @functools.cached_property
    def double_booked(self) -> dict[int, tuple[str, Session]]:
        """Return, for each session whose presenter already teaches then, the presenter and the other session."""
        doubtful = self.review.tally.doubtful
        return {later.index: (ref, first) for ref, first, later in double_bookings(self.sub.sessions, doubtful)}

    def person(self, ref: str) -> str:
        named = {p.id: p.name for p in self.sub.instructors if p.id}
        return named.get(ref) or ref


# --- one sentence pair (what, how) per finding code ----------------------------------------------------

_Make = Callable[[_Words, Finding], tuple[str, str]]


def _unknown_key(w: _Words, f: Finding) -> tuple[str, str]:
    key = str(f.path[-1]) if f.path else "?"
    return (f"It holds an entry the submission form does not have, {_quote(key)}.",
            "Correct its name if it is misspelt, or remove it.")


def _missing(w: _Words, f: Finding) -> tuple[str, str]:
    return f"The {w.noun(f.path)} is missing; it is required.", "Fill it in."


def _invalid(w: _Words, f: Finding) -> tuple[str, str]:
    detail = f.message.split(": ", 1)[1] if ": " in f.message else ""
    return f"The {w.noun(f.path)} is not valid. {_sentence(_unquote(detail))}".strip(), ""


def _not_a_date(w: _Words, f: Finding) -> tuple[str, str]:
    return (f"The {w.noun(f.path)}, {_quote(_first_quoted(f.message))}, is not a date.",
            "Write dates as month/day/year, for example 7/12/2027, or as July 12, 2027.")


def _not_a_time(w: _Words, f: Finding) -> tuple[str, str]:
    return (f"The {w.noun(f.path)}, {_quote(_first_quoted(f.message))}, is not a time of day.",
            "Write times as 8:30 AM or 1:30 PM (or 13:30 on a 24-hour clock).")


def _ends_before_start(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    if s is None:
        return _generic(f)
    later = afternoon_end(s)
    how = f"Did you mean {w.time(later)}?" if later else "Correct the times (on a 24-hour clock, 1:30 PM is 13:30)."
    return f"The session ends at {w.time(s.end)}, before it starts at {w.time(s.start)}.", how


def _overlap(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    other = w.clashes.get(s.index) if s is not None else None
    if s is None or other is None:
        return _generic(f)
    return (f"The session ({w.span(s)}) overlaps {_quote(other.label)} ({w.span(other)}) on the same day.",
            "Move one of the two sessions; if they are breakouts held at the same time, put them in different "
            "tracks.")


def _afternoon(w: _Words, s: Session) -> str:
    """Return how to make a session's times clear: its afternoon reading when that fits, else a check."""
    reading = afternoon_times(s)
    if reading is None:
        return f"Check its times: sessions are held between {w.time(_clock(EARLIEST))} and {w.time(_clock(LATEST))}."
    return f"Did you mean {w.time(reading[0])} to {w.time(reading[1])}? Write afternoon times with PM."


def _clock(minutes: int) -> dt.time:
    return dt.time(minutes // 60 % 24, minutes % 60)


def _odd_hour(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    if s is None:
        return _generic(f)
    return (f"The session runs from {w.span(s)}, outside the hours sessions are held; it is not counted until its "
            "times are clear.", _afternoon(w, s))


def _out_of_order(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    above = w.review.tally.doubtful.get(s.index) if s is not None else None
    if s is None or above is None or above.above is None:
        return _generic(f)
    return (f"The session starts at {w.time(s.start)}, before {_quote(above.above.label)} listed above it on the same "
            f"day ({w.time(above.above.start)}); it is not counted until its times are clear.", _afternoon(w, s))


def _empty_days(w: _Words, f: Finding) -> tuple[str, str]:
    program = w.sub.program
    runs = days_without_sessions(w.sub)
    if not runs or program.start is None or program.end is None:
        return _generic(f)
    days = "; ".join(w.profile.date(a) + (f" to {w.profile.date(b)}" if b != a else "") for a, b in runs)
    return (f"The program has no sessions on {days}, though it runs from {w.profile.date(program.start)} to "
            f"{w.profile.date(program.end)}.", "Add the sessions of those days, or correct the program's dates.")


def _meal_as_session(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    word = titled_as_break(s, w.review.criteria) if s is not None else None
    if s is None or word is None:
        return _generic(f)
    return (f"The session is titled as a {word} but entered as a taught session; it is not counted as contact time.",
            f"If it is a {word}, set its kind to {break_kind(word)}; a taught session describes its content and "
            "names its presenter.")


def _outside_dates(w: _Words, f: Finding) -> tuple[str, str]:
    s, program = w.session(f.path), w.sub.program
    if s is None or s.date is None or program.start is None or program.end is None:
        return _generic(f)
    return (f"The session is dated {w.profile.date(s.date)}, outside the program's dates, "
            f"{w.profile.date(program.start)} to {w.profile.date(program.end)}.",
            "Correct the session's date or the program's dates.")


def _program_ends_first(w: _Words, f: Finding) -> tuple[str, str]:
    program = w.sub.program
    return (f"The program ends on {w.profile.date(program.end)}, before it starts on "
            f"{w.profile.date(program.start)}.", "Correct the start or end date.")


def _hours(w: _Words) -> str:
    return fmt(w.review.tally.contact_hours)


def _below_minimum(w: _Words, f: Finding) -> tuple[str, str]:
    minimum = w.rule_value("program.min_hours")
    return (f"The program gives {_hours(w)} contact hours; it must give at least {number(minimum)}.",
            "Add instructional sessions or lengthen them.")


def _below_expected(w: _Words, f: Finding) -> tuple[str, str]:
    expected = w.rule_value("program.expected_hours")
    kind = w.sub.program.kind or "program"
    more = fmt(max(0.0, float(expected) - w.review.tally.contact_hours))
    return (f"The program gives {_hours(w)} contact hours; {number(expected)} are expected for each {kind} part.",
            f"{more} more contact hours would meet it.")


def _too_short(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    minimum = w.rule_value("session.min_minutes")
    if s is None:
        return _generic(f)
    return (f"The session lasts {s.minutes} minutes; a session lasts at least {minimum} minutes.",
            "Lengthen it, or merge it with a neighbouring session on the same subject.")


def _long_day(w: _Words, f: Finding) -> tuple[str, str]:
    s, tally = w.session(f.path), w.review.tally
    if s is None or s.date is None:
        return _generic(f)
    hours = fmt(tally.hours(tally.day_minutes.get(s.date, 0)))
    return (f"The day has {hours} contact hours; at most {number(w.rule_value('day.max_hours'))} a day are expected.",
            "Spread the sessions over more days.")


def _off_blocks(w: _Words, f: Finding) -> tuple[str, str]:
    s, unit = w.session(f.path), w.rule_value("session.granularity_minutes")
    if s is None:
        return _generic(f)
    return (f"The session lasts {s.minutes} minutes, not a whole number of {unit}-minute blocks.",
            f"Schedule sessions in blocks of {unit} minutes.")


def _no_points(w: _Words, f: Finding) -> tuple[str, str]:
    minimum = float(w.rule_value("points.minimum") or 0)
    needed = fmt(minimum * w.review.tally.hours_per_point)
    return (f"The program's {_hours(w)} contact hours earn no points: the least {w.profile.short_name} awards is "
            f"{number(minimum)} point.", f"At least {needed} contact hours earn the minimum.")


def _above_maximum(w: _Words, f: Finding) -> tuple[str, str]:
    return (f"The program gives {_hours(w)} contact hours; at most {number(w.rule_value('program.max_hours'))} "
            "are accepted in one program.", "Split the program into parts.")


def _unknown_area(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    if s is None or not s.area:
        return _generic(f)
    areas = w.review.criteria.areas
    close = did_you_mean(s.area, [a.id for a in areas] + [a.title for a in areas], cutoff=0.5)
    if close:
        guess = close.split("'")[1]
        title = next((a.title for a in areas if guess in (a.id, a.title)), guess)
        how = f"Did you mean {_quote(title)}?"
    else:
        how = f"Choose one of the curriculum areas: {w.area_titles()}."
    return f"The session names a curriculum area, {_quote(s.area)}, that is not one of the criteria's areas.", how


def _area_below(w: _Words, f: Finding) -> tuple[str, str]:
    tally = w.review.tally
    for area in w.review.criteria.areas:
        if area.min_hours and f.message.startswith(area.title):
            have = tally.hours(tally.area_minutes.get(area.id, 0))
            return (f"{area.title} has {fmt(have)} contact hours; it needs at least {number(area.min_hours)}.",
                    f"Add {fmt(area.min_hours - have)} hours of {area.title}.")
    return _generic(f)


def _few_areas(w: _Words, f: Finding) -> tuple[str, str]:
    minutes, areas = w.review.tally.area_minutes, w.review.criteria.areas
    covered = [a for a in areas if minutes.get(a.id, 0) > 0]
    missing = [a.title for a in areas if minutes.get(a.id, 0) <= 0]
    return (f"The program covers {len(covered)} of the {len(areas)} curriculum areas; at least "
            f"{w.rule_value('areas.min_covered')} are expected.", f"Not yet covered: {'; '.join(missing)}.")


def _no_ethics(w: _Words, f: Finding) -> tuple[str, str]:
    return "No session covers ethics.", "Add a session on ethics, for example in Personal and Professional Development."


def _no_area(w: _Words, f: Finding) -> tuple[str, str]:
    return ("The session counts as contact time but names no curriculum area.",
            f"Give it one of the curriculum areas: {w.area_titles()}.")


def _unknown_instructor(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    j = f.path[3] if len(f.path) > 3 and isinstance(f.path[3], int) else None
    if s is None or j is None or j >= len(s.instructors):
        return _generic(f)
    ref = s.instructors[j]
    listed = [p.id for p in w.sub.instructors if p.id]
    close = did_you_mean(ref, listed + [p.name for p in w.sub.instructors if p.name])  # named by id or by name
    if close:
        guess = close.split("'")[1]
        how = f"Did you mean {_quote(guess)} ({w.person(guess)})?" if w.person(guess) != guess else \
            f"Did you mean {_quote(guess)}?"
    else:
        how = "Add the presenter to the instructors list, or correct the name."
    return f"The session names a presenter, {_quote(ref)}, who is not in the instructors list.", how


def _unused(w: _Words, f: Finding) -> tuple[str, str]:
    return ("This instructor presents no session.",
            "Remove the instructor from the list, or name them as the presenter of their sessions.")


def _no_qualifications(w: _Words, f: Finding) -> tuple[str, str]:
    return ("The instructor's qualifications are not stated.",
            "Say why they are qualified to teach: position, years of experience, credentials.")


def _double_booked(w: _Words, f: Finding) -> tuple[str, str]:
    s = w.session(f.path)
    found = w.double_booked.get(s.index) if s is not None else None
    if found is None:
        return _generic(f)
    ref, other = found
    return (f"{w.person(ref)} presents this session and {_quote(other.label)} at the same time.",
            "One person can present only one session at a time: change a presenter or a time.")


def _no_presenter(w: _Words, f: Finding) -> tuple[str, str]:
    return "The session names no presenter.", "Name who presents it, from the instructors list."


def _duplicate_id(w: _Words, f: Finding) -> tuple[str, str]:
    person = w.instructor(f.path)
    ident = person.id if person is not None and person.id else _first_quoted(f.message)
    return (f"The short name (ID) {_quote(ident)} is given to more than one instructor.",
            "Give each instructor a different ID.")


def _simple(what: str, how: str) -> _Make:
    return lambda w, f: (what, how)


def _level_too_low(w: _Words, f: Finding) -> tuple[str, str]:
    s, minimum = w.session(f.path), w.rule_value("documentation.min_level")
    if s is None or not s.level or not minimum:
        return _generic(f)
    kind = w.sub.program.kind or "these"
    return (f"The session is offered at {s.level} level; {kind} sessions must be {minimum} or above.",
            f"Raise the session to {minimum} level, or offer it in a CMC program instead.")


def _bad_email(w: _Words, f: Finding) -> tuple[str, str]:
    email = w.sub.provider.director.email or ""
    return (f"The director's e-mail address, {_quote(email)}, does not look like an e-mail address.",
            "Write it as name@example.org.")


_WHAT: dict[str, _Make] = {
    "S001": _unknown_key, "S002": _missing, "S003": _invalid, "S004": _not_a_date, "S005": _not_a_time,
    "T001": _ends_before_start, "T002": _overlap, "T003": _outside_dates, "T004": _program_ends_first,
    "T005": _odd_hour, "T006": _out_of_order, "T007": _empty_days,
    "H001": _below_minimum, "H002": _below_expected, "H003": _too_short, "H004": _long_day, "H005": _off_blocks,
    "H006": _no_points, "H007": _above_maximum, "H008": _meal_as_session,
    "A001": _unknown_area, "A002": _area_below, "A003": _few_areas, "A004": _no_ethics, "A005": _no_area,
    "I001": _unknown_instructor, "I002": _unused, "I003": _no_qualifications, "I004": _double_booked,
    "I005": _no_presenter, "I006": _duplicate_id,
    "D001": _simple("The program does not say how participants' learning is assessed.",
                    "Describe the test, assignment or plan participants complete."),
    "D002": _simple("The program does not say how attendance is verified.",
                    "Say how, for example a sign-in sheet at each session."),
    "D003": _simple("The program names no certificate or transcript template.",
                    "Name the template's file or describe it, and send the template with the program."),
    "D004": _simple("The session has no description of its content.", "Describe what the session teaches."),
    "D005": _simple("The session states no level.", "Give its level: basic, intermediate or advanced."),
    "D006": _level_too_low,
    "P001": _bad_email,
    "P002": _simple("The institute names no sponsoring university or college.",
                    "Name the university or college that sponsors it."),
    "P003": _simple("The program names no sponsoring association.",
                    "Name the clerks' association or associations that sponsor it."),
}


# --- words -----------------------------------------------------------------------------------------------

def _generic(f: Finding) -> tuple[str, str]:
    """Return the finding's own message and hint as sentences (hints naming a data key are left out)."""
    return _sentence(_unquote(f.message)), "" if _has_key(f.hint) else _sentence(f.hint)


def _has_key(text: str) -> bool:
    """Return whether ``text`` quotes a name such as a data key ("add 'certificate'"), which a provider never sees."""
    return bool(re.search(r"'[a-z_.]+'", text))


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def _quote(text: object) -> str:
    return f"\u201c{text}\u201d"


def _first_quoted(message: str) -> str:
    m = _QUOTED.match(message)
    if not m:
        return message
    inner = m.group(1) if m.group(1) is not None else m.group(2)
    return re.sub(r"\\(.)", r"\1", inner)


def _unquote(text: str) -> str:
    """Return ``text`` with 'quoted' and "quoted" values in typographic quotes."""
    return re.sub(r"""(?<![\w])'([^']*)'(?![\w])|"([^"]*)\"""",
                  lambda m: _quote(m.group(1) if m.group(1) is not None else m.group(2)), text)


def _label(fields: tuple[Field, ...], keys: tuple) -> str:
    """Return the form's label of the field at ``keys`` in a table ("Director email"), else the keys in words."""
    keys = tuple(k for k in keys if not isinstance(k, int))
    for f in fields:
        if f.path == keys[: len(f.path)] and len(keys) >= len(f.path):
            return f.label
    return _words(" ".join(str(k) for k in keys))


def _words(key: str) -> str:
    text = key.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]
