"""Time a batch of generated submissions rendered to docx with 1 and 2 processes.

Run: python benchmarks/batch.py [--count N] [--format docx] [--smoke]
Prints submissions per second and the speed-up; never fails on timing.
Target: 500 submissions (20-80 sessions each) in under 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

from coursereview import check, load_submission
from coursereview.documents import render
from coursereview.staff.batch import UNREADABLE, run_batch

AREAS = ["government", "clerk-role", "management", "interpersonal", "professional", "special-topics"]
SEED = 20270517


def program(rng: random.Random, number: int) -> dict:
    """Return an institute-like program with 20-80 sessions, 8 one-hour sessions a day around lunch."""
    sessions = rng.randint(20, 80)
    start = dt.date(2027, 1, 4) + dt.timedelta(days=rng.randrange(0, 300))
    items = []
    for i in range(sessions):
        day, slot = divmod(i, 8)
        hour = 8 + slot + (1 if slot >= 4 else 0)  # lunch 12:00-13:00
        date = (start + dt.timedelta(days=day)).isoformat()
        items.append({
            "title": f"Session {i + 1}: {rng.choice(['Ethics', 'Records', 'Budgets', 'Elections'])} {i}",
            "date": date, "start": f"{hour:02d}:00", "end": f"{hour + 1:02d}:00", "area": AREAS[i % len(AREAS)],
            "instructors": [f"p{i % 5}"], "level": rng.choice(["basic", "intermediate", "advanced"]),
            "description": "Realistic content text about the work of a municipal clerk.",
            "objectives": ["one", "two"],
        })
        if slot == 3:
            items.append({"title": "Lunch", "date": date, "start": "12:00", "end": "13:00", "kind": "meal"})
    days = (sessions + 7) // 8
    doc = {
        "schema": "coursereview/submission@1",
        "provider": {"name": f"Bench Institute {number}", "institution": "Bench University",
                     "director": {"name": "B. Director", "email": "b@example.org"}},
        "program": {"title": f"Bench Institute {number}, Part 1", "kind": "institute", "part": 1,
                    "start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat(),
                    "location": "Benchville", "delivery": "in-person", "assessment": "exam",
                    "attendance": "sign-in", "certificate": "cert.pdf"},
        "instructors": [{"id": f"p{i}", "name": f"P {i}", "position": "Clerk", "qualifications": "q"}
                        for i in range(5)],
        "sessions": items,
    }
    if rng.random() < 0.1:
        items[0]["end"] = "07:00"  # some are not approvable
    return doc


def _format(wanted: str) -> str:
    review = check(load_submission(_sample()))
    try:
        render(review, wanted)
    except NotImplementedError:
        print(f"note: {wanted} rendering is not available in this build; timing json instead", file=sys.stderr)
        return "json"
    return wanted


def _sample() -> Path:
    path = Path(tempfile.mkdtemp()) / "sample.yaml"
    path.write_text(yaml.safe_dump(program(random.Random(SEED), 0), sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--format", default="docx")
    parser.add_argument("--smoke", action="store_true", help="20 submissions, for CI")
    args = parser.parse_args()
    count = 20 if args.smoke else args.count
    fmt = _format(args.format)
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        queue = Path(tmp) / "queue"
        queue.mkdir()
        sessions = 0
        for n in range(count):
            doc = program(rng, n)
            sessions += len(doc["sessions"])
            (queue / f"submission-{n:03d}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
        print(f"{count} submissions, {sessions} sessions in all, rendered to {fmt}; {os.cpu_count()} cores")
        seconds = {}
        for workers in (1, 2):
            out = Path(tmp) / f"out-{workers}"
            out.mkdir()
            t0 = time.perf_counter()
            result = run_batch([str(queue)], out, (fmt,), workers=workers)
            seconds[workers] = time.perf_counter() - t0
            unreadable = result.count(UNREADABLE)
            verdicts = [r.verdict for r in result.rows]
            print(f"-j {workers}: {seconds[workers]:.2f} s, {count / seconds[workers]:.1f} submissions/s "
                  f"({verdicts.count('not-approvable')} not approvable, {unreadable} could not be read)")
        t0 = time.perf_counter()
        again = run_batch([str(queue)], Path(tmp) / "out-2", (fmt,), workers=2)
        rerun = time.perf_counter() - t0
        print(f"speed-up with 2 processes: {seconds[1] / seconds[2]:.2f}x; "
              f"re-run with nothing changed: {rerun:.2f} s ({again.count('unchanged')} skipped)")


if __name__ == "__main__":
    main()
