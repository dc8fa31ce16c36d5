"""Time the web application's staff pages on loopback: the queue and a submission page, and decisions per second.

Run: python benchmarks/web.py staff [--submissions 1000] [--pages 60] [--decisions 25] [--smoke]
(or python benchmarks/web_staff.py [same options]).
The register holds SUBMISSIONS programs; the queue page (every submission) and submission pages (a
random one each, its check made on first sight) are fetched PAGES times each by one signed-in
reviewer, then 4 reviewers decide at once (DECISIONS each; every decision writes the register, the
audit log, the letter and the e-mail to the outbox). Served by waitress on 127.0.0.1, never
elsewhere. Prints p50/p95 and decisions per second; never fails on timing.
Target on 2 cores: queue and submission page p95 under 150 ms with 1,000 submissions.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from waitress.server import create_server

from coursereview.checking import check, read_submission
from coursereview.staff import accounts
from coursereview.staff.submissions import SubmissionStore
from coursereview.web import Settings, create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "data" / "base-institute.yaml"
PASSWORD = "benchmark password"
REVIEWERS = ("ben1", "ben2", "ben3", "ben4")
SEED = 20270517


def populate(store: SubmissionStore, count: int) -> None:
    """Store ``count`` programs (each its own bytes, so each its own check and decision)."""
    base = BASE.read_bytes()
    faulty = base.replace(b"end: '17:00'", b"end: '12:30'", 1)  # a session that ends before it starts
    for n in range(count):
        raw = (faulty if n % 3 == 0 else base) + f"# submission {n}\n".encode()
        review = check(read_submission(raw, f"program-{n}.yaml"))
        store.receive(review, raw, "Dana Director", "dana@example.org")


def signed_in(url: str, name: str) -> tuple[requests.Session, str]:
    """Return a session signed in as ``name`` and a CSRF token for its forms."""
    session = requests.Session()
    page = session.get(f"{url}/staff/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = session.post(f"{url}/staff/login", data={"csrf_token": token, "name": name, "password": PASSWORD},
                            timeout=60, allow_redirects=False)
    if response.status_code != 303:
        raise SystemExit(f"could not sign in as {name}: {response.status_code}")
    page = session.get(f"{url}/staff/", timeout=60).text
    return session, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def timed(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    response = session.get(url, timeout=60)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed


def report(label: str, times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    p50 = statistics.median(ordered)
    print(f"{label:<34} n={len(times):<4} p50 {p50 * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
          f"   {'ok' if p95 < 0.150 else 'over the 150 ms target'}")
    return {"p50": p50, "p95": p95}


def staff_run(submissions: int, pages: int, decisions: int) -> dict[str, Any]:
    """Run the staff benchmark and return its figures."""
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="coursereview-bench-") as tmp:
        data = Path(tmp) / "data"
        app = create_app(Settings(data_dir=data, soffice=""))
        for name in REVIEWERS:
            accounts.add_user(data / "coursereview.db", name, f"{name}@iimc.example", PASSWORD)
        started = time.perf_counter()
        populate(SubmissionStore(data), submissions)
        print(f"{submissions} submissions stored in {time.perf_counter() - started:.1f} s")
        server = create_server(app, host="127.0.0.1", port=0, threads=8)
        url = f"http://127.0.0.1:{server.effective_port}"  # type: ignore[union-attr]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        sessions: list[tuple[requests.Session, str]] = []
        try:
            session, _ = signed_in(url, REVIEWERS[0])
            sessions.append((session, ""))
            timed(session, f"{url}/staff/?status=")  # warm up templates
            queue = [timed(session, f"{url}/staff/?status=") for _ in range(pages)]
            subs = [timed(session, f"{url}/staff/submissions/{rng.randint(1, submissions)}") for _ in range(pages)]
            figures = {"queue": report(f"queue page ({submissions} rows)", queue),
                       "submission": report("submission page (random)", subs)}
            reviewers = [signed_in(url, name) for name in REVIEWERS]
            sessions.extend(reviewers)
            numbers = list(range(1, submissions + 1))
            rng.shuffle(numbers)
            failures: list[str] = []

            def work(index: int) -> None:
                client, token = reviewers[index]
                for number in numbers[index * decisions:(index + 1) * decisions]:
                    response = client.post(f"{url}/staff/submissions/{number}/decide", timeout=60,
                                           allow_redirects=False,
                                           data={"csrf_token": token, "choice": "return", "note": "Benchmark."})
                    if response.status_code != 303:
                        failures.append(f"{number}: {response.status_code}")

            started = time.perf_counter()
            workers = [threading.Thread(target=work, args=(i,)) for i in range(len(REVIEWERS))]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            elapsed = time.perf_counter() - started
            made = len(REVIEWERS) * decisions - len(failures)
            rate = made / elapsed
            print(f"decisions from {len(REVIEWERS)} sessions at once: {made} in {elapsed:.1f} s = {rate:.1f}/s"
                  f"{'; failed: ' + ', '.join(failures[:5]) if failures else ''}")
            figures["decisions_per_second"] = rate  # type: ignore[assignment]
            figures["failed"] = len(failures)  # type: ignore[assignment]
            return figures
        finally:
            for client, _ in sessions:
                client.close()
            server.task_dispatcher.shutdown(timeout=10)  # type: ignore[union-attr]
            server.close()
            thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    sub = parser.add_subparsers(dest="run", required=True)
    staff = sub.add_parser("staff", help="queue and submission pages, decisions per second")
    staff.add_argument("--submissions", type=int, default=1000)
    staff.add_argument("--pages", type=int, default=60, help="fetches of each page")
    staff.add_argument("--decisions", type=int, default=25, help="decisions per reviewer (4 reviewers)")
    staff.add_argument("--smoke", action="store_true", help="a quick run: 60 submissions, 10 fetches, 5 decisions")
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] != ["staff"]:
        argv.insert(0, "staff")
    args = parser.parse_args(argv)
    if args.smoke:
        args.submissions, args.pages, args.decisions = 60, 10, 5
    if args.decisions * len(REVIEWERS) > args.submissions:
        parser.error("more decisions than submissions")
    staff_run(args.submissions, args.pages, args.decisions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
