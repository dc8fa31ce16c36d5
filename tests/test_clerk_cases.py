"""The cases of issue 11, each as a YAML file and as the same agenda typed into the Word form: what a clerk reads.

Each ``tests/data/clerk-cases/NAME.yaml`` is a submission written the way a director writes one.
The test types the same text into a blank Word form (made by ``coursereview new``), cell by cell,
as a director would, and checks both: the verdict and every finding, with its place, message and
hint, exactly as ``NAME.expected.yaml`` gives them for each input. Refresh an expectation only
after reading it as a clerk would: ``pytest tests/test_clerk_cases.py --refresh-clerk-cases``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from test_findings import BASE  # the clean fixture, and the mutation that produces each code at its path
from test_findings import CASES as CODE_CASES

from coursereview.checking import check, load_submission
from coursereview.cli import main
from coursereview.documents.text_report import reading_order, text_report
from coursereview.intake import parse_text
from coursereview.intake.fields import EXAMPLE_MARK, INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.review import Review

CASE_DIR = Path(__file__).parent / "data" / "clerk-cases"
NAMES = sorted(p.stem for p in CASE_DIR.glob("*.yaml") if not p.stem.endswith(".expected"))


def _typed(value: Any, f: Field) -> str:
    """Return the text a director types into a cell for ``value`` (as it is written in the YAML file)."""
    if isinstance(value, list):
        return ("; " if f.kind == "ids" else "\n").join(_typed(v, f) for v in value)
    return str(getattr(value, "text", value))


def _table(document: Any, first: str, second: str = "") -> Any:
    for table in document.tables:
        cells = table.rows[0].cells
        if cells[0].text.startswith(first) and cells[1].text.startswith(second):
            return table
    raise AssertionError(first)


def type_into_form(source: Path, out: Path) -> Path:
    """Type the submission ``source`` into a blank Word form for its kind, as a director would; return ``out``."""
    data = parse_text(source.read_bytes(), source.name).data  # every value as it was typed
    blank = out.with_name("blank-" + out.name)
    result = CliRunner().invoke(main, ["new", "-o", str(blank), "--kind", data["program"]["kind"].split()[-1].lower()])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(blank))
    for title, fields in (("Provider", PROVIDER), ("Program", PROGRAM)):
        labels = {f.label: f for f in fields}
        table = _table(document, title)
        for row in table.rows[1:]:
            f = labels[row.cells[0].paragraphs[0].text.split(" (")[0]]
            value: Any = data.get(title.lower(), {})
            for part in f.path:
                value = value.get(part) if isinstance(value, dict) else None
            row.cells[1].text = "" if value is None else _typed(value, f)
        known = {f.path[0] for f in fields}
        for key, value in (data.get(title.lower()) or {}).items():
            if key not in known:  # a row of the director's own, such as "Titel"
                row = table.add_row()
                row.cells[0].text, row.cells[1].text = key.replace("_", " ").capitalize(), str(value)
    for first, key, fields in (("ID", "instructors", INSTRUCTORS), ("Date", "sessions", SESSIONS)):
        table = _table(document, first, fields[1].label)
        under_example = next((i + 2 for i, row in enumerate(table.rows) if row.cells[0].text.startswith(EXAMPLE_MARK)),
                             1)  # the form's example row stays as it is: directors start below it
        items = data.get(key) or []
        while len(table.rows) - under_example < len(items):
            table.add_row()
        for row, item in zip(table.rows[under_example:], items, strict=False):
            for cell, f in zip(row.cells, fields, strict=True):
                if item.get(f.key) is not None:
                    cell.text = _typed(item[f.key], f)
    document.save(str(out))
    return out


def _seen(review: Review) -> dict[str, Any]:
    """Return what a clerk reads: the verdict, then each finding (errors first) as its place, code, message, hint."""
    return {
        "verdict": review.verdict,
        "findings": [[str(f.location).split(": ", 1)[1] if f.location and f.location.where else
                      f"line {f.location.line}" if f.location else "", f.severity, f.code, f.message, f.hint]
                     for f in reading_order(review.findings)],
    }


def _reviews(name: str, tmp_path: Path) -> dict[str, Review]:
    source = CASE_DIR / f"{name}.yaml"
    form = type_into_form(source, tmp_path / f"{name}.docx")
    return {"yaml": check(load_submission(source)), "form": check(load_submission(form))}


@pytest.mark.parametrize("name", NAMES)
def test_a_clerk_reads_the_expected_findings_in_yaml_and_on_the_form(name: str, tmp_path: Path,
                                                                     request: pytest.FixtureRequest) -> None:
    seen = {kind: _seen(review) for kind, review in _reviews(name, tmp_path).items()}
    expected_file = CASE_DIR / f"{name}.expected.yaml"
    if request.config.getoption("--refresh-clerk-cases"):
        expected_file.write_text(yaml.safe_dump(seen, sort_keys=False, width=200, allow_unicode=True))
    assert seen == yaml.safe_load(expected_file.read_text())


def test_every_case_has_its_expectation() -> None:
    expected = sorted(p.name.removesuffix(".expected.yaml") for p in CASE_DIR.glob("*.expected.yaml"))
    assert expected == NAMES and len(NAMES) >= 10


def test_the_same_findings_at_the_same_places_in_both_inputs(tmp_path: Path) -> None:
    """YAML and Word read an agenda the same way: the same codes on the same data paths, in every case."""
    for name in NAMES:
        reviews = _reviews(name, tmp_path)
        pairs = {kind: sorted((f.code, f.path_text) for f in r.findings) for kind, r in reviews.items()}
        assert pairs["yaml"] == pairs["form"], name
        totals = {kind: (r.tally.total_minutes, r.tally.points) for kind, r in reviews.items()}
        assert totals["yaml"] == totals["form"], name


def test_a_missing_end_is_listed_before_the_hours_it_leaves_short(tmp_path: Path) -> None:
    for review in _reviews("10-missing-end", tmp_path).values():
        lines = text_report(review).splitlines()
        codes = [line.split()[line.split().index("error" if " error " in line else "warning") + 1]
                 for line in lines if " error " in line or " warning " in line]
        assert codes == ["S002", "H002"], lines
        (h002,) = [f for f in review.findings if f.code == "H002"]
        assert "could not be counted: 'Meetings, Minutes and Records Workshop'" in h002.hint


# --- one voice per input: every code, read from YAML and from the same data typed into the form ----

_LABELS = {f.label for fields in (PROVIDER, PROGRAM, INSTRUCTORS, SESSIONS) for f in fields}
_QUOTED = re.compile(r"'[^']*'")  # a title or a value as the director typed it: quoted, not our words


def _ours(text: str) -> str:
    """Return ``text`` without what it quotes of the director's own typing (titles, values)."""
    return _QUOTED.sub("'…'", text)


def _speaks_the_form(f: Any) -> list[str]:
    """Return what in a form finding is not in the form's words (YAML keys, 24-hour times, ISO dates, paths)."""
    wrong = []
    text = f"{f.message} | {f.hint}"
    ours = _ours(text)
    if "add '" in text or re.search(r"\bkeys?\b", ours):
        wrong.append("names a YAML key")
    if re.search(r"\b(?:sessions|instructors)\[|\b(?:program|provider)\.\w", ours):
        wrong.append("shows a data path")
    times = re.findall(r"\b\d{1,2}:\d{2}\b(?!\s*[AP]M)", _ours(f.message) + " " + _ours(f.hint).replace("or 13:30", ""))
    if times:
        wrong.append(f"a time on a 24-hour clock: {times}")
    if re.search(r"\b\d{4}-\d{2}-\d{2}\b", ours):
        wrong.append("an ISO date")
    for label in re.findall(r'"([^"]+)"', text):
        if label not in _LABELS:
            wrong.append(f"a label the form does not have: {label!r}")
    return wrong


def _speaks_yaml(f: Any) -> list[str]:
    """Return what in a YAML finding is not in YAML's words (the form's rows, columns, 12-hour times, US dates)."""
    wrong = []
    ours = _ours(f"{f.message} | {f.hint}")
    if re.search(r"\bfill in\b|\brow\b|\bcolumn\b|\btable\b", ours):
        wrong.append("speaks of the form")
    if re.search(r"\d (?:AM|PM)\b", ours):
        wrong.append("a time with AM/PM")
    if re.search(r"\b\d{1,2}/\d{1,2}/\d{4}\b", ours):
        wrong.append("a US date")
    return wrong


def _shared(f: Any) -> list[str]:
    """Return what no finding may say to a provider: command-line options, sessions counted from 0."""
    text = f"{f.message} | {f.hint}"
    wrong = ["a command-line option"] if re.search(r"(?:^|\s|\()--\w", text) else []
    wrong += [f"session {n}" for n in re.findall(r"\bsession (\d+)", _ours(text)) if int(n) < 1]
    return wrong


@pytest.mark.parametrize(("code", "mutate", "path", "criteria"), CODE_CASES, ids=[c[0] for c in CODE_CASES])
def test_every_code_speaks_the_language_of_its_input(code: str, mutate: Any, path: str, criteria: str | None,
                                                     tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    mutate(doc)
    source = tmp_path / "submission.yaml"
    source.write_text(yaml.safe_dump(doc, sort_keys=False))
    form = type_into_form(source, tmp_path / "submission.docx")
    reviews = {"yaml": check(load_submission(source), criteria), "form": check(load_submission(form), criteria)}
    for kind, review in reviews.items():
        assert (code, path) in {(f.code, f.path_text) for f in review.findings}, kind
        speaks = _speaks_yaml if kind == "yaml" else _speaks_the_form
        wrong = {f"{f.code}: {f.message} ({f.hint})": speaks(f) + _shared(f) for f in review.findings}
        assert not {k: v for k, v in wrong.items() if v}, kind
    (in_yaml,) = [f for f in reviews["yaml"].findings if (f.code, f.path_text) == (code, path)][:1]
    (on_form,) = [f for f in reviews["form"].findings if (f.code, f.path_text) == (code, path)][:1]
    assert on_form.location is not None and on_form.location.where, "a form finding names its table and row"
    assert in_yaml.location is not None and in_yaml.location.line, "a YAML finding names its line"


@pytest.mark.parametrize(("name", "plain"), [
    ("01-afternoon-without-pm", "Did you mean 1:15 PM to 5:15 PM? Write afternoon times with PM."),
    ("06b-noon-typed-as-12-15-am", "Did you mean 12:15 PM to 1:15 PM?"),
    ("09-break-with-kind-lecture", "The kind of session is not valid."),
])
def test_the_status_letter_says_the_same_in_plain_words(name: str, plain: str, tmp_path: Path) -> None:
    from coursereview.documents.letter import required_items

    for review in _reviews(name, tmp_path).values():
        assert any(plain in item.text for item in required_items(review)), [i.text for i in required_items(review)]
