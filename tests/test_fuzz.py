"""Generated hostile input under a time and memory budget: the loader, the Word intake and the criteria never
crash, hang or blow up; each answers with a result or one CourseReviewError.

Each fuzz run is a hypothesis test executed in its own process with an address-space and CPU limit
(``resource.setrlimit``); hypothesis's deadline bounds every example's time. A blow-up shows as a
MemoryError or a deadline, either of which fails the property and prints the example.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

MEMORY = 2 * 1024**3  # bytes of address space a fuzzing process may map (the interpreter, lxml and data)
CPU_SECONDS = 300
WALL_SECONDS = 600
EXAMPLES = int(os.environ.get("COURSEREVIEW_FUZZ_EXAMPLES", "60"))  # more for a longer hunt; the suite runs 60
DATA = Path(__file__).parent / "data"


def _limits() -> None:  # runs in the child before it starts
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


@pytest.mark.parametrize("target", ["fuzz_text", "fuzz_docx", "fuzz_criteria"])
def test_fuzz_in_a_budget(target: str, tmp_path: Path) -> None:
    script = f"import runpy; runpy.run_path({__file__!r})[{target!r}]()"
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, preexec_fn=_limits, capture_output=True,
                          text=True, timeout=WALL_SECONDS, check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]


def _settings() -> settings:
    return settings(max_examples=EXAMPLES, deadline=dt.timedelta(seconds=10), database=None,
                    derandomize=EXAMPLES <= 60,  # the suite's run is the same every time; a longer hunt is not
                    suppress_health_check=list(HealthCheck), print_blob=True)


def _survives(raw: bytes, name: str) -> None:
    """Read, check and render ``raw``: every step gives its result or raises CourseReviewError, nothing else."""
    from coursereview.checking import check
    from coursereview.documents import render
    from coursereview.documents.text_report import text_report
    from coursereview.errors import CourseReviewError
    from coursereview.intake import read_document
    from coursereview.schema import build_submission

    try:
        review = check(build_submission(read_document(raw, name)))
    except CourseReviewError as exc:
        assert str(exc) and "\n" not in str(exc).strip(), repr(exc)
        return
    for fmt in ("md", "html", "json"):
        assert render(review, fmt)
    text_report(review, explain=True)


# --- YAML and JSON text ------------------------------------------------------------------------------------

_BASE = (DATA / "base-institute.yaml").read_text()
_HOSTILE_SCALARS = st.one_of(
    st.text(max_size=40),  # any character: controls, surrogates' neighbours, bidi overrides
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from([
        "9" * 5000, "1e400", "-.inf", ".nan", "0x1F", "0o17", "2027-02-30", "25:61", "8.30", "1300", "~", "null",
        "!!python/object/apply:os.system ['true']", "!!binary aGk=", "!custom x", "&a x", "*a", "*missing",
        "<<: *a", "'\\x1b[2J'", '"\\e[31m"', '"\\u202e"', '"\\ud800"', "[" * 40, "{" * 40, "\t- x", "? x",
        "--- x", "... ", "%YAML 1.2", "|\n  text", ">-\n  folded", "*a, *a, *a, *a", "\u202egnihton",
        "\u2067x\u2069", "x" * 3000,
    ]),
)


@st.composite
def _texts(draw: st.DrawFn) -> tuple[bytes, str]:
    """Draw a submission: the base file with hostile fragments spliced in, or hostile values at its keys."""
    if draw(st.booleans()):
        text = _BASE
        for _ in range(draw(st.integers(1, 6))):
            at = draw(st.integers(0, len(text)))
            cut = draw(st.integers(0, 30))
            text = text[:at] + draw(_HOSTILE_SCALARS) + text[at + cut:]
        encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1"]))
        return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace"), "fuzz.yaml"
    doc = yaml.safe_load(_BASE)
    for _ in range(draw(st.integers(1, 8))):
        target = draw(st.sampled_from(["provider", "program", "sessions", "instructors", "top"]))
        value = draw(st.one_of(_HOSTILE_SCALARS, st.lists(_HOSTILE_SCALARS, max_size=5), st.none(), st.booleans(),
                               st.floats(), st.integers(), st.dictionaries(st.text(max_size=5), st.none(),
                                                                           max_size=3)))
        key = draw(st.sampled_from(["title", "name", "date", "start", "end", "kind", "area", "instructors", "level",
                                    "id", "email", "part", "criteria", "objectives", "track", "<<", "extra"]))
        if target == "top":
            doc[key] = value
        elif target in ("sessions", "instructors") and isinstance(doc.get(target), list):
            items = doc[target]
            if items and isinstance(items[0], dict):
                items[draw(st.integers(0, len(items) - 1))][key] = value
            if draw(st.booleans()):
                items.extend(copy.deepcopy(items[:1]) * draw(st.integers(0, 400)))
        elif target in ("sessions", "instructors"):
            doc[target] = value
        elif isinstance(doc.get(target), dict):
            doc[target][key] = value
    if draw(st.booleans()):
        return json.dumps(doc, default=str, allow_nan=True).encode("utf-8", "surrogatepass"), "fuzz.json"
    return yaml.safe_dump(doc, allow_unicode=True).encode("utf-8", "surrogatepass"), "fuzz.yaml"


def fuzz_text() -> None:
    @_settings()
    @given(_texts())
    def run(case: tuple[bytes, str]) -> None:
        _survives(*case)

    run()


# --- Word forms -----------------------------------------------------------------------------------------


def _blank_form() -> bytes:
    from click.testing import CliRunner

    from coursereview.cli import main

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blank.docx"
        assert CliRunner().invoke(main, ["new", "-o", str(path)]).exit_code == 0
        return path.read_bytes()


_XML_PARTS = st.sampled_from([
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
    b'<!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'.encode("utf-16"),
    b'<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:tr><w:tc><w:p/></w:tc></w:tr>" * 2100 + b"</w:tbl>",
    b"<x>" * 300 + b"</x>" * 300,
    b"<unclosed>",
    b"",
])
_TYPES = st.sampled_from(["application/xml", "text/xml", "image/png", "application/vnd.ms-word.document."
                          "macroEnabled.main+xml", "application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document.main+xml"])


@st.composite
def _forms(draw: st.DrawFn, blank: bytes) -> bytes:
    """Draw a Word file: the blank form with parts replaced or added, declared or not, and bytes changed."""
    changes: dict[str, bytes] = {}
    declared = b""
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        names = z.namelist()
        for _ in range(draw(st.integers(0, 3))):
            name = draw(st.one_of(st.sampled_from(names), st.text(st.characters(min_codepoint=33, max_codepoint=126),
                                                                   min_size=1, max_size=20)))
            changes[name] = draw(st.one_of(_XML_PARTS, st.binary(max_size=300)))
            if draw(st.booleans()):
                declared += f'<Override PartName="/{name}" ContentType="{draw(_TYPES)}"/>'.encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in z.infolist():
                data = changes.pop(info.filename, z.read(info.filename))
                if info.filename == "[Content_Types].xml":
                    data = data.replace(b"</Types>", declared + b"</Types>")
                dst.writestr(info.filename, data)
            for name, data in changes.items():
                dst.writestr(name, data)
    raw = bytearray(out.getvalue())
    for _ in range(draw(st.integers(0, 4))):  # damage: a byte anywhere, or a central directory field
        if draw(st.booleans()):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        else:
            at = raw.find(b"PK\x01\x02")
            field = draw(st.sampled_from([6, 8, 10]))  # version needed, flags, compression method
            raw[at + field:at + field + 2] = struct.pack("<H", draw(st.integers(0, 0xFFFF)))
    if draw(st.booleans()):
        raw = raw[:draw(st.integers(0, len(raw)))]
    return bytes(raw)


def fuzz_docx() -> None:
    blank = _blank_form()

    @_settings()
    @given(_forms(blank))
    def run(raw: bytes) -> None:
        _survives(raw, "fuzz.docx")

    run()


# --- criteria sets ---------------------------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([5e-324, 1e-300, 0.0001, 0.001, 0.01, 1.1, 1.125, 0.3, 1e308, 0, -1, 10**4000, 2**63]),
)
_PATHS = [("points", "hours_per_point"), ("points", "unit"), ("hour", "minutes"), ("areas", 0, "min_hours"),
          ("areas", 0, "title"), ("areas", 1, "id"), ("effective_from",), ("kinds",), ("counts", "break")]


@st.composite
def _criteria_sets(draw: st.DrawFn) -> tuple[bytes, str]:
    from coursereview.findings import RULES

    data = yaml.safe_load((DATA / "criteria-custom.yaml").read_text())
    for _ in range(draw(st.integers(1, 4))):
        value = draw(st.one_of(_NUMBERS, _HOSTILE_SCALARS, st.none(), st.booleans(), st.lists(_NUMBERS, max_size=3)))
        if draw(st.booleans()):
            rule = draw(st.sampled_from(sorted(RULES)))
            data["rules"][rule] = {"value": value, "basis": "published", "source": "fuzz"}
            continue
        path = draw(st.sampled_from(_PATHS))
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    if draw(st.booleans()):
        data["areas"] *= draw(st.integers(1, 60))
        data["areas"][-1]["title"] = "x" + " (a)" * draw(st.integers(0, 20_000))
    if draw(st.booleans()):
        return json.dumps(data, default=str, allow_nan=True).encode("utf-8", "surrogatepass"), "fuzz.json"
    return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass"), "fuzz.yaml"


def fuzz_criteria() -> None:
    from coursereview.checking import check, example_submission
    from coursereview.criteria import check_criteria_file, load_criteria_file
    from coursereview.documents import render
    from coursereview.errors import CourseReviewError

    submission = example_submission("institute-part1")

    @_settings()
    @given(_criteria_sets())
    def run(case: tuple[bytes, str]) -> None:
        raw, name = case
        path = Path(name)
        path.write_bytes(raw)
        try:
            problems = check_criteria_file(path)
        except CourseReviewError as exc:  # not YAML or JSON at all
            assert "\n" not in str(exc).strip(), repr(exc)
            return
        if problems:
            with pytest.raises(CourseReviewError):
                load_criteria_file(path)
            return
        criteria = load_criteria_file(path)  # what criteria check passes, loading accepts and the tally honours
        review = check(submission, criteria)
        assert 0 <= review.tally.points < 10**6 and review.tally.points == review.tally.points
        assert render(review, "md")

    run()
