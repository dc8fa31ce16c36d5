"""Time the web application's check (POST /api/v1/check) over loopback: 1, 4 and 8 clients, YAML and Word form.

Run: python benchmarks/web.py [--requests N] [--smoke]
     python benchmarks/web.py staff [...]: the staff pages and decisions (benchmarks/web_staff.py)
Starts `coursereview serve` on a free loopback port with a temporary data folder, prints checks per
second, p50/p95 latency and failures for each case, then the server's resident memory after 200 and
after 2,000 checks. Bounded in count and time; never fails on timing (exit 1 only if a request failed).
Targets on 2 cores: YAML p95 < 250 ms at 8 clients, >= 30 checks/s, no failure; RSS(2000) <= 1.2 x RSS(200).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from coursereview.criteria import resolve_criteria
from coursereview.documents.form import build_form
from coursereview.intake.fields import EXAMPLE_MARK, INSTRUCTORS, SESSIONS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AREAS = ["government", "clerk-role", "management", "interpersonal", "professional", "special-topics"]
TIME_LIMIT = 60.0  # seconds per case, whatever the count


def program(sessions: int = 60) -> dict:
    """Return an institute program with ``sessions`` one-hour sessions, eight a day around lunch."""
    start = dt.date(2027, 5, 17)
    items = []
    for i in range(sessions):
        day, slot = divmod(i, 8)
        hour = 8 + slot + (1 if slot >= 4 else 0)
        items.append({"date": (start + dt.timedelta(days=day)).isoformat(), "start": f"{hour:02d}:00",
                      "end": f"{hour + 1:02d}:00", "title": f"Session {i + 1}: ethics and records {i}",
                      "area": AREAS[i % len(AREAS)], "level": "intermediate", "instructors": [f"p{i % 5}"],
                      "description": "What a municipal clerk does, case by case."})
    days = (sessions + 7) // 8
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": "Bench Institute", "institution": "Bench University",
                     "director": {"name": "B. Director", "email": "b@example.org"}},
        "program": {"title": "Bench Institute 2027, Part 1", "kind": "institute", "part": 1,
                    "start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat(),
                    "location": "Benchville", "delivery": "in-person", "assessment": "exam",
                    "attendance": "sign-in", "certificate": "cert.pdf"},
        "instructors": [{"id": f"p{i}", "name": f"P {i}", "position": "Clerk", "qualifications": "q"}
                        for i in range(5)],
        "sessions": items,
    }


def word_form(data: dict) -> bytes:
    """Return the blank Word form filled with ``data`` (as a director would, with python-docx)."""
    import docx

    document = docx.Document(io.BytesIO(build_form(resolve_criteria(None, "institute"), "institute")))
    answers = {"Provider name": data["provider"]["name"], "Institution": data["provider"]["institution"],
               "Director name": data["provider"]["director"]["name"],
               "Director email": data["provider"]["director"]["email"]}
    answers.update({label: str(data["program"][key]) for label, key in (
        ("Program title", "title"), ("Part", "part"), ("Start date", "start"), ("End date", "end"),
        ("Learning assessment", "assessment"), ("Attendance", "attendance"), ("Certificate", "certificate"))})
    tables = {t.rows[0].cells[0].text.split("\n")[0].split(" (")[0]: t for t in document.tables}
    for row in list(tables["Provider"].rows[1:]) + list(tables["Program"].rows[1:]):
        label = row.cells[0].paragraphs[0].text.split(" (")[0]
        if label in answers:
            row.cells[1].text = answers[label]
    for header, items, fields in (("ID", data["instructors"], INSTRUCTORS), ("Date", data["sessions"], SESSIONS)):
        rows = [r for r in tables[header].rows[1:] if not any(EXAMPLE_MARK in c.text for c in r.cells)]
        for row, item in zip(rows, items, strict=False):
            for cell, f in zip(row.cells, fields, strict=True):
                value = item.get(f.key)
                if value is not None:
                    cell.text = ", ".join(value) if isinstance(value, list) else str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def start_server(data: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "coursereview", "serve", "--port", "0", "--data", str(data)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    line = process.stderr.readline() if process.stderr else ""
    found = re.search(r"serving on (http://[^/]+/)", line)
    if not found:
        process.kill()
        raise SystemExit(f"the server did not start: {line.strip()}")
    return process, found.group(1)


def rss_kib(pid: int) -> int:
    """Return the resident memory of process ``pid`` in KiB (Linux), or 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_case(url: str, body: bytes, ctype: str, clients: int, total: int) -> dict:
    """POST ``body`` ``total`` times from ``clients`` threads (keep-alive connections); return the figures."""
    host = urlsplit(url)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_LIMIT

    def client() -> None:
        conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                started = time.perf_counter()
                error = ""
                try:
                    conn.request("POST", "/api/v1/check?name=bench", body, {"Content-Type": ctype})
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
                    status, error = 0, str(exc) or type(exc).__name__
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        failures.append(error or f"HTTP {status}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"n": len(ordered), "per_s": len(ordered) / wall if wall else 0.0,
            "p50": statistics.median(ordered) * 1000 if ordered else 0.0,
            "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000 if ordered else 0.0,
            "failed": len(failures), "first_failure": failures[0] if failures else ""}


def stop_server(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stderr:
        process.stderr.close()


def memory(url: str, pid: int, bodies: dict[str, tuple[bytes, str]], counts: tuple[int, int]) -> int:
    """Print the server's resident memory ``counts[0]`` and ``counts[1]`` checks (half YAML, half Word form,
    from 4 clients) after the timed cases; return how many checks failed.

    The timed cases warm the server up (every code path at 8 clients), so what grows from here on is a leak.
    """
    failed, done, rss = 0, 0, {}
    for count in counts:
        share = (count - done) // len(bodies)
        for body, ctype in bodies.values():
            r = run_case(url, body, ctype, 4, share)
            failed += r["failed"]
            done += r["n"]
        rss[done] = rss_kib(pid)
        if done < count:  # stopped by the time limit
            break
    if len(rss) == 2 and all(rss.values()):
        low, high = sorted(rss)
        print(f"server memory (RSS), half YAML, half Word form: {rss[low] / 1024:.1f} MiB after {low} more checks, "
              f"{rss[high] / 1024:.1f} MiB after {high} (x{rss[high] / rss[low]:.2f})")
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=240, help="checks per case (default 240)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: a few checks per case")
    args = parser.parse_args()
    per_case = 8 if args.smoke else args.requests
    memory_counts = (20, 60) if args.smoke else (200, 2000)

    data = program(60)
    bodies = {"YAML": (yaml.safe_dump(data, sort_keys=False).encode(), "application/yaml"),
              "Word form": (word_form(data), DOCX)}
    failed = 0
    with tempfile.TemporaryDirectory(prefix="coursereview-bench-") as tmp:
        process, url = start_server(Path(tmp) / "data")
        try:
            for body, ctype in bodies.values():  # warm up: first imports, caches
                run_case(url, body, ctype, 1, 3)
            print(f"{'submission':<10} {'clients':>7} {'checks':>6} {'checks/s':>9} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'failed':>6}")
            for name, (body, ctype) in bodies.items():
                for clients in (1, 4, 8):
                    r = run_case(url, body, ctype, clients, per_case)
                    failed += r["failed"]
                    note = f"  ({r['first_failure']})" if r["failed"] else ""
                    print(f"{name:<10} {clients:>7} {r['n']:>6} {r['per_s']:>9.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                          f"{r['failed']:>6}{note}", flush=True)
            print(f"server memory (RSS) after the timed cases: {rss_kib(process.pid) / 1024:.1f} MiB")
            failed += memory(url, process.pid, bodies, memory_counts)
        finally:
            stop_server(process)
    if failed:
        print(f"{failed} requests failed", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["staff"]:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from web_staff import main as staff_main

        sys.exit(staff_main(sys.argv[1:]))
    sys.exit(main())
