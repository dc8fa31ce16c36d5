"""The cases of issue 11, each as a YAML file and as the same agenda typed into the Word form: what a clerk reads.

Each ``tests/data/clerk-cases/NAME.yaml`` is a submission written the way a director writes one.
The test types the same text into a blank Word form (made by ``coursereview new``), cell by cell,
as a director would, and checks both: the verdict and every finding, with its place, message and
hint, exactly as ``NAME.expected.yaml`` gives them for each input. Refresh an expectation only
after reading it as a clerk would: ``pytest tests/test_clerk_cases.py --refresh-clerk-cases``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner

from coursereview.check import check, load_submission
from coursereview.cli import main
from coursereview.documents.text_report import reading_order, text_report
from coursereview.intake import parse_text
from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.review import Review

CASES = Path(__file__).parent / "data" / "clerk-cases"
NAMES = sorted(p.stem for p in CASES.glob("*.yaml") if not p.stem.endswith(".expected"))


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
        for row in _table(document, title).rows[1:]:
            f = labels[row.cells[0].paragraphs[0].text.split(" (")[0]]
            value: Any = data.get(title.lower(), {})
            for part in f.path:
                value = value.get(part) if isinstance(value, dict) else None
            row.cells[1].text = "" if value is None else _typed(value, f)
    for first, key, fields in (("ID", "instructors", INSTRUCTORS), ("Date", "sessions", SESSIONS)):
        table = _table(document, first, fields[1].label)
        for row, item in zip(table.rows[1:], data.get(key) or [], strict=False):
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
    source = CASES / f"{name}.yaml"
    form = type_into_form(source, tmp_path / f"{name}.docx")
    return {"yaml": check(load_submission(source)), "form": check(load_submission(form))}


@pytest.mark.parametrize("name", NAMES)
def test_a_clerk_reads_the_expected_findings_in_yaml_and_on_the_form(name: str, tmp_path: Path,
                                                                     request: pytest.FixtureRequest) -> None:
    seen = {kind: _seen(review) for kind, review in _reviews(name, tmp_path).items()}
    expected_file = CASES / f"{name}.expected.yaml"
    if request.config.getoption("--refresh-clerk-cases"):
        expected_file.write_text(yaml.safe_dump(seen, sort_keys=False, width=200, allow_unicode=True))
    assert seen == yaml.safe_load(expected_file.read_text())


def test_every_case_has_its_expectation() -> None:
    expected = sorted(p.name.removesuffix(".expected.yaml") for p in CASES.glob("*.expected.yaml"))
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
