"""Write submissions as commented YAML: the blank template for `new`, and imported data for `import`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.parsing import parse_date
from coursereview.vocabulary import SCHEMA_ID

if TYPE_CHECKING:
    from coursereview.criteria import CriteriaSet
    from coursereview.documents.profile import Profile

# The standard order of keys in a submission (design.md, "Submission format").
ORDER: dict[tuple[str, ...], tuple[str, ...]] = {
    (): ("schema", "provider", "program", "instructors", "sessions"),
    ("provider",): ("name", "institution", "director", "association", "recognized", "coordinator",
                    "time_to_graduate"),
    ("provider", "director"): ("name", "email", "phone"),
    ("program",): ("title", "kind", "part", "criteria", "start", "end", "location", "delivery", "assessment",
                   "attendance", "makeup", "certificate"),
    ("instructors",): ("id", "name", "position", "qualifications"),
    ("sessions",): ("title", "date", "start", "end", "kind", "area", "instructors", "level", "description",
                    "objectives", "track"),
}
_COMMENT_COLUMN = 40
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;'()&/+!?@%$*=_:-]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
_YAML_FORMS = {"date": "a date, e.g. 2027-07-12, or 7/12/2027 (month/day/year)",
               "time": "a time of day, e.g. 8:30 AM, 1:15 PM, or 13:15 on the 24-hour clock",
               "part": "1, 2 or 3", "ids": "list of instructor ids or names, e.g. [jdoe, Karen Olson]",
               "lines": "list, one objective per item", "names": "one name, or a list",
               "area": "a curriculum area id or title (listed at the top of this file)"}


def scalar(value: Any) -> str:
    """Return ``value`` as a YAML scalar that the loader reads back as the same value (times quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _TIME.fullmatch(text):
        return f'"{text}"'
    if _ISO_DATE.fullmatch(text):
        return text
    plain = (_PLAIN.fullmatch(text) and not text.endswith((" ", ":")) and ": " not in text and " #" not in text
             and text.lower() not in _RESERVED)
    return text if plain else _double_quoted(text)


def _double_quoted(text: str) -> str:
    """Return ``text`` as a YAML double-quoted scalar, escaping what a YAML reader would refuse or fold."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(ch):04x}" if _unsafe(ch) else ch for ch in quoted)


def _unsafe(ch: str) -> bool:
    code = ord(ch)
    return 0x7F <= code <= 0x9F or ch in "\u2028\u2029\ufeff\ufffe\uffff" or 0xD800 <= code <= 0xDFFF


def _help(f: Field) -> str:
    parts = [f.need, f.help]
    if f.choices:
        parts.append(" | ".join(f.choices))
    elif f.kind in _YAML_FORMS:
        parts.append(_YAML_FORMS[f.kind])
    return "; ".join(parts)


def _line(indent: str, key: str, value: str, comment: str = "") -> str:
    text = f"{indent}{key}:{' ' + value if value else ''}"
    if comment:
        text = text.ljust(_COMMENT_COLUMN - 1) + f" # {comment}"
    return text


def blank_submission(criteria: CriteriaSet, kind: str, criteria_ref: str | None = None,
                     profile: Profile | None = None) -> str:
    """Return a blank submission for a ``kind`` program, every field commented, the areas listed.

    ``profile`` (default: IIMC's Education Department) says where to send it.
    """
    from coursereview.criteria.describe import hours_lines  # here: `import` (dump_submission) needs neither
    from coursereview.documents.profile import load_profile

    out = [
        f"# Course program submission ({SCHEMA_ID}) for an IIMC {kind} program,",
        f"# judged by {criteria.title} ({criteria.ref}).",
        "# Fill in the values after the colons; leave empty or delete what does not apply.",
        "# Each comment says what the value means, whether it is required, and the allowed values.",
        "# Check it before you send it:  coursereview validate THIS-FILE.yaml",
        f"# Send it to: {(profile or load_profile()).send_to()}",
        "#",
        "# Curriculum areas (write the id in sessions[].area):",
    ]
    out += [f"#   {a.id:<16} {a.title}" + (f" (at least {a.min_hours:g} h)" if a.min_hours else "")
            for a in criteria.areas]
    out += ["#", "# How hours count:"] + [f"#   {line}" for line in hours_lines(criteria)]
    out += [f"schema: {SCHEMA_ID}", "provider:"]
    prefilled = {"kind": kind, "criteria": criteria_ref or ""}
    director_done = False
    for f in PROVIDER:
        if f.path[0] == "director":
            if not director_done:
                out.append(_line("  ", "director", "", "the program director, IIMC's contact"))
                director_done = True
            out.append(_line("    ", f.key, "", _help(f)))
        else:
            out.append(_line("  ", f.key, "", _help(f)))
    out.append("program:")
    out += [_line("  ", f.key, scalar(prefilled[f.key]) if prefilled.get(f.key) else "", _help(f)) for f in PROGRAM]
    out.append("instructors:                            # one item per instructor; copy the block for more")
    out += _blank_item(INSTRUCTORS, ORDER[("instructors",)])
    out.append("sessions:                               # one item per session, break or meal, in time order")
    out += _blank_item(SESSIONS, ORDER[("sessions",)])
    return "\n".join(out) + "\n"


def _blank_item(fields: tuple[Field, ...], order: tuple[str, ...]) -> list[str]:
    by_key = {f.key: f for f in fields}
    return [_line("  - " if i == 0 else "    ", key, "", _help(by_key[key])) for i, key in enumerate(order)]


def dump_submission(data: dict[str, Any], source: str = "") -> str:
    """Return submission ``data`` as clean YAML: keys in the standard order, a comment on each section."""
    out = [f"# Imported by coursereview from {Path(source).name}." if source else "# coursereview submission",
           "# Check it with:  coursereview validate THIS-FILE.yaml"]
    helps = {("provider", *f.path): f.help for f in PROVIDER} | {("program", *f.path): f.help for f in PROGRAM}
    for key in _ordered(data, ()):
        value = data[key]
        if key in ("instructors", "sessions") and isinstance(value, list):
            out.append(f"{key}:" if value else f"{key}: []")
            last_date = None
            for item in value:
                if key == "sessions" and isinstance(item, dict) and item.get("date") != last_date:
                    last_date = item.get("date")
                    day = parse_date(last_date)
                    out.append(f"  # {day.strftime('%A, %B %-d, %Y') if day else last_date}")
                out += _mapping(item, ("sessions",) if key == "sessions" else ("instructors",), "  - ", "    ", {})
        elif isinstance(value, dict):
            out.append(f"{key}:")
            out += _mapping(value, (key,), "  ", "  ", helps)
        else:
            out.append(_line("", key, _value(value)))
    return "\n".join(out) + "\n"


def _ordered(mapping: dict[str, Any], path: tuple[str, ...]) -> list[str]:
    order = ORDER.get(path, ())
    return [k for k in order if k in mapping] + [k for k in mapping if k not in order]


def _mapping(mapping: Any, path: tuple[str, ...], first: str, rest: str, helps: dict[tuple, str]) -> list[str]:
    if not isinstance(mapping, dict):
        return [f"{first.rstrip()} {_value(mapping)}"]
    if not mapping:
        return [f"{first}{{}}" if first.strip() else f"{first.rstrip()} {{}}"]
    out: list[str] = []
    for i, key in enumerate(_ordered(mapping, path)):
        indent = first if i == 0 else rest
        value = mapping[key]
        if isinstance(value, dict):
            out.append(_line(indent, key, "", helps.get((*path, key), "")))
            out += _mapping(value, (*path, key), rest + "  ", rest + "  ", helps)
        elif isinstance(value, list) and not _flow(value):
            out.append(_line(indent, key, "" if value else "[]", helps.get((*path, key), "")))
            out += [f"{rest}  - {_value(v)}" for v in value]
        else:
            out.append(_line(indent, key, _value(value), helps.get((*path, key), "")))
    return out


def _flow(values: list[Any]) -> bool:
    return all(isinstance(v, str) and _ID.fullmatch(v) and v.lower() not in _RESERVED for v in values) and bool(values)


def _value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]" if _flow(value) else json.dumps(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return scalar(value)
