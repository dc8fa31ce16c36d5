"""Time validation of a 60-session program: in-process (load + check) and as a whole process.

Run: python benchmarks/validate.py [--sessions N] [--runs N] [--smoke]
Prints numbers; never fails on timing. Targets: in-process under 20 ms, process under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from coursereview import check, load_submission

AREAS = ["government", "clerk-role", "management", "interpersonal", "professional", "special-topics"]


def program(sessions: int) -> dict:
    """Return a clean institute-like program with ``sessions`` 1-hour sessions, 8 a day."""
    start = dt.date(2027, 5, 17)
    items = []
    for i in range(sessions):
        day, slot = divmod(i, 8)
        hour = 8 + slot + (1 if slot >= 4 else 0)  # lunch 12:00-13:00
        items.append({
            "title": f"Session {i + 1}: Ethics in records {i}", "date": (start + dt.timedelta(days=day)).isoformat(),
            "start": f"{hour:02d}:00", "end": f"{hour + 1:02d}:00", "area": AREAS[i % len(AREAS)],
            "instructors": [f"p{i % 5}"], "level": "intermediate", "description": "Realistic content text.",
            "objectives": ["one", "two"],
        })
    days = (sessions + 7) // 8
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": "Bench Institute", "institution": "Bench University",
                     "director": {"name": "B", "email": "b@example.org"}},
        "program": {"title": "Bench", "kind": "institute", "part": 1, "start": start.isoformat(),
                    "end": (start + dt.timedelta(days=days - 1)).isoformat(), "assessment": "exam",
                    "attendance": "sign-in", "certificate": "cert.pdf"},
        "instructors": [{"id": f"p{i}", "name": f"P {i}", "qualifications": "q"} for i in range(5)],
        "sessions": items,
    }


def _ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, min {min(samples) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--smoke", action="store_true", help="few runs, for CI")
    args = parser.parse_args()
    runs = 3 if args.smoke else args.runs
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(yaml.safe_dump(program(args.sessions), sort_keys=False))
        load_submission(path)  # warm caches (criteria sets, regexes)
        loads, checks, totals = [], [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            submission = load_submission(path)
            t1 = time.perf_counter()
            review = check(submission)
            t2 = time.perf_counter()
            loads.append(t1 - t0)
            checks.append(t2 - t1)
            totals.append(t2 - t0)
        assert review.verdict != "not-approvable", [str(f) for f in review.errors]
        script = Path(sys.executable).parent / "coursereview"
        command = [str(script)] if script.exists() else [shutil.which("coursereview") or sys.executable]
        if command[0] == sys.executable:
            command += ["-m", "coursereview"]
        processes = []
        for _ in range(max(3, runs // 3)):
            t0 = time.perf_counter()
            subprocess.run([*command, "validate", str(path)], capture_output=True, check=False)
            processes.append(time.perf_counter() - t0)
    print(f"validate, {args.sessions} sessions, {runs} runs")
    print(f"  in-process load (YAML -> model): {_ms(loads)}")
    print(f"  in-process check (rules, tally):  {_ms(checks)}")
    print(f"  in-process load + check:          {_ms(totals)}  (target < 20 ms)")
    print(f"  whole process `coursereview validate`: {_ms(processes)}  (target < 300 ms)")


if __name__ == "__main__":
    main()
