"""Time the Word paths: generate the blank form, and import a filled 60-session form (prints numbers).

Run: python benchmarks/intake.py [--runs N] [--smoke]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import docx

from coursereview.criteria import resolve_criteria
from coursereview.documents.form import build_form
from coursereview.intake.fields import SESSIONS
from coursereview.intake.form import read_form

RUNS = 7


def _timed(func: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _filled(folder: Path) -> Path:
    blank = folder / "blank.docx"
    blank.write_bytes(build_form(resolve_criteria(None, "institute"), "institute"))
    document = docx.Document(str(blank))
    people = next(t for t in document.tables if t.rows[0].cells[1].text.startswith("Name"))
    people.rows[3].cells[0].text, people.rows[3].cells[1].text = "jdoe", "Jane Doe, MMC"  # under the example
    sessions = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Date"))
    columns = [f.key for f in SESSIONS]
    for i, row in enumerate(sessions.rows[3:63]):  # the header, the example's note and the example come first
        day, slot = divmod(i, 8)
        values = {"date": f"7/{12 + day}/2027", "start": f"{8 + slot}:00 AM" if slot < 4 else f"{slot - 3}:00 PM",
                  "end": f"{8 + slot}:50 AM" if slot < 4 else f"{slot - 3}:50 PM", "title": f"Session {i + 1}",
                  "area": "Role of the Clerk (technical)", "level": "basic", "instructors": "Jane Doe, MMC",
                  "description": "What the session covers", "objectives": "First\nSecond"}
        cells = row.cells
        for key, value in values.items():
            cells[columns.index(key)].text = value
    path = folder / "filled.docx"
    document.save(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs of each step (the median is shown)")
    parser.add_argument("--smoke", action="store_true", help="few runs, for CI")
    args = parser.parse_args()
    runs = 2 if args.smoke else args.runs
    criteria = resolve_criteria(None, "institute")
    with tempfile.TemporaryDirectory() as tmp:
        filled = _filled(Path(tmp))
        sessions = len(read_form(filled).data["sessions"])
        assert sessions == 60, sessions
        generate = _timed(lambda: build_form(criteria, "institute"), runs)
        intake = _timed(lambda: read_form(filled), runs)
    print(f"python {sys.version.split()[0]}, median of {runs} runs (warm, in-process)")
    print(f"generate blank Word form (60 session rows):  {generate * 1000:7.1f} ms")
    print(f"import filled form ({sessions} sessions):           {intake * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
