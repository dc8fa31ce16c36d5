"""Shared benchmark machinery: generated programs, timed cases, interleaved rounds, medians and paired ratios.

Every benchmark script runs its command and its baselines in the same run, one after the other in
each round (A B C, then B C A, ...), after a warm-up, so that a busy machine slows them all alike.
A whole process is timed by the kernel's account of that one child (``os.wait4``: user + system CPU
time and peak resident memory); an in-process case by ``time.process_time``. A ratio is the
median over rounds of the two cases' ratio in the same round ("paired"), with its smallest and
largest value. Nothing here ever fails on timing.

Run on its own (``python benchmarks/harness.py [--smoke]``) it times the bare interpreter against
itself as a check of the machinery and of how steady the machine is.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime as dt
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MiB = 1024 * 1024

# --- generated submissions ------------------------------------------------------------------------

AREAS = ("government", "clerk-role", "management", "interpersonal", "professional", "special-topics")
TOPICS = ("Ethics", "Records", "Budgets", "Elections", "Meetings", "Minutes")


def program(sessions: int, number: int = 0, rng: random.Random | None = None) -> dict[str, Any]:
    """Return an institute-like submission with ``sessions`` one-hour sessions, 8 a day around a lunch.

    The same arguments give the same program. With ``rng`` the start date and levels vary, and about
    one program in ten has a session that ends before it starts (not approvable).
    """
    start = dt.date(2027, 1, 4) + dt.timedelta(days=rng.randrange(0, 300) if rng else 133)
    items: list[dict[str, Any]] = []
    for i in range(sessions):
        day, slot = divmod(i, 8)
        hour = 8 + slot + (1 if slot >= 4 else 0)
        date = (start + dt.timedelta(days=day)).isoformat()
        topic = TOPICS[i % len(TOPICS)]
        items.append({
            "title": f"Session {i + 1}: {topic} in the clerk's office", "date": date,
            "start": f"{hour:02d}:00", "end": f"{hour + 1:02d}:00", "area": AREAS[i % len(AREAS)],
            "instructors": [f"p{i % 5}"],
            "level": rng.choice(["basic", "intermediate", "advanced"]) if rng else "intermediate",
            "description": "What the session covers, in a sentence or two about the clerk's daily work.",
            "objectives": ["Name the steps", "Apply them to a case"],
        })
        if slot == 3:
            items.append({"title": "Lunch", "date": date, "start": "12:00", "end": "13:00", "kind": "meal"})
    if rng and rng.random() < 0.1:
        items[0]["end"] = "07:00"
    days = max(1, (sessions + 7) // 8)
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": f"Bench Institute {number}", "institution": "Bench University",
                     "director": {"name": "B. Director", "email": "b.director@example.org"}},
        "program": {"title": f"Bench Institute {number}, Part 1", "kind": "institute", "part": 1,
                    "start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat(),
                    "location": "Benchville", "delivery": "in-person", "assessment": "exam",
                    "attendance": "sign-in", "certificate": "cert.pdf"},
        "instructors": [{"id": f"p{i}", "name": f"P. Person {i}", "position": "City Clerk",
                         "qualifications": "MMC, twenty years in the office"} for i in range(5)],
        "sessions": items,
    }


def write_program(folder: Path, name: str, sessions: int, number: int = 0,
                  rng: random.Random | None = None) -> Path:
    """Write ``program(...)`` as YAML to ``folder/name`` and return its path."""
    import yaml

    path = folder / name
    path.write_text(yaml.safe_dump(program(sessions, number, rng), sort_keys=False), encoding="utf-8")
    return path


# --- timed cases ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """One timed run: wall and CPU seconds, and peak resident bytes for a whole process."""

    wall: float
    cpu: float
    rss: int | None = None

    def metric(self, name: str) -> float:
        value = getattr(self, name)
        if value is None:
            raise ValueError(f"no {name} in this sample")
        return float(value)


Case = Callable[[], Sample]


def command(name: str) -> list[str]:
    """Return the argv that runs the console script ``name`` installed beside this interpreter."""
    script = Path(sys.executable).parent / name
    if not script.exists():
        raise SystemExit(f"{script}: not installed; run the benchmarks with the Python of the environment "
                         "where coursereview is installed")
    return [str(script)]


# Runs commands for ``process``: a small interpreter that forks each one and reports the kernel's account
# of it. Linux counts the memory of the process that forked a child in the child's peak (the copy
# before exec), so children are forked from this small process, never from a benchmark that holds
# big documents; a small forker is also quicker to fork.
_LAUNCHER = r"""
import json, os, sys, time
for line in sys.stdin:
    argv, cwd, env, err = json.loads(line)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            if cwd:
                os.chdir(cwd)
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
            os.execvpe(argv[0], argv, env if env is not None else os.environ)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    print(json.dumps([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
                      os.waitstatus_to_exitcode(status)]), flush=True)
"""


class _Launcher:
    """The forking process, started on first use and ended when the benchmark ends."""

    _process: subprocess.Popen[str] | None = None

    @classmethod
    def run(cls, argv: list[str], cwd: str | None, env: dict[str, str] | None,
            err: str) -> tuple[float, float, int, int]:
        if cls._process is None:
            cls._process = subprocess.Popen([sys.executable, "-S", "-c", _LAUNCHER], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, text=True)
            atexit.register(cls._process.communicate)
        assert cls._process.stdin is not None and cls._process.stdout is not None
        cls._process.stdin.write(json.dumps([argv, cwd, env, err]) + "\n")
        cls._process.stdin.flush()
        wall, cpu, rss, code = json.loads(cls._process.stdout.readline())
        return wall, cpu, rss, code


def process(argv: Sequence[str | Path], cwd: str | Path | None = None, env: dict[str, str] | None = None,
            ok: Sequence[int] = (0,), before: Callable[[], None] | None = None) -> Case:
    """Return a case that runs ``argv`` as a whole process (stdout discarded) and times it.

    Wall time is from fork to exit; CPU time (user + system) and peak memory are the kernel's
    account of that child and the children it waited for. ``before`` runs untimed before each run
    (e.g. to empty an output folder); an exit status not in ``ok`` stops the benchmark with the
    command's stderr, since its timings would mean nothing.
    """
    args = [str(a) for a in argv]
    where = str(cwd) if cwd is not None else None

    def run() -> Sample:
        if before:
            before()
        with tempfile.TemporaryDirectory() as tmp:
            err = Path(tmp) / "stderr"
            wall, cpu, rss, code = _Launcher.run(args, where, env, str(err))
            if code not in ok:
                lines = err.read_text("utf-8", "replace").strip().splitlines()[-3:] if err.exists() else []
                raise SystemExit(f"{' '.join(args)}: exit {code}: {' / '.join(lines)}")
        return Sample(wall, cpu, rss)

    return run


def in_process(func: Callable[[], object], before: Callable[[], None] | None = None) -> Case:
    """Return a case that calls ``func`` in this process and times it (``before`` runs untimed)."""

    def run() -> Sample:
        if before:
            before()
        w0, c0 = time.perf_counter(), time.process_time()
        func()
        return Sample(time.perf_counter() - w0, time.process_time() - c0)

    return run


def peak_rss(argv: Sequence[str]) -> int:
    """Return the peak resident bytes of one run of ``argv`` (a whole process)."""
    sample = process(argv)()
    assert sample.rss is not None
    return sample.rss


# --- interleaved rounds ---------------------------------------------------------------------------


@dataclass
class Results:
    """The samples of every case, round by round (index r of each list is round r)."""

    samples: dict[str, list[Sample]]
    rounds: int
    seconds: float
    derived: set[str] = field(default_factory=set)

    def series(self, name: str, metric: str = "cpu") -> list[float]:
        return [s.metric(metric) for s in self.samples[name]]

    def median(self, name: str, metric: str = "cpu") -> float:
        return statistics.median(self.series(name, metric))

    def derive(self, name: str, func: Callable[[dict[str, Sample]], Sample]) -> None:
        """Add case ``name`` computed round by round from the others (e.g. a per-file cost)."""
        by_round = [{case: runs[r] for case, runs in self.samples.items()} for r in range(self.rounds)]
        self.samples[name] = [func(one) for one in by_round]
        self.derived.add(name)

    def ratio(self, a: str, b: str, metric: str = "cpu") -> tuple[float, float, float]:
        """Return the median, smallest and largest ratio a/b of runs in the same round."""
        pairs = [x / y for x, y in zip(self.series(a, metric), self.series(b, metric), strict=True) if y > 0]
        if not pairs:
            return math.nan, math.nan, math.nan
        return statistics.median(pairs), min(pairs), max(pairs)


def interleave(cases: dict[str, Case], rounds: int, warmup: int = 1, budget: float | None = None,
               min_rounds: int = 1) -> Results:
    """Run every case once per round, rotating the order, after ``warmup`` untimed rounds.

    Stop after ``rounds`` rounds, or earlier once ``budget`` seconds have gone and at least
    ``min_rounds`` are done.
    """
    names = list(cases)
    for _ in range(warmup):
        for name in names:
            cases[name]()
    samples: dict[str, list[Sample]] = {name: [] for name in names}
    t0 = time.perf_counter()
    done = 0
    while done < rounds:
        shift = done % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(cases[name]())
        done += 1
        if budget is not None and done >= min_rounds and time.perf_counter() - t0 > budget:
            break
    return Results(samples, done, time.perf_counter() - t0)


# --- reporting ------------------------------------------------------------------------------------


def fresh_bytecode() -> None:
    """Compile coursereview's modules where their cached bytecode is missing or stale.

    An interpreter that cannot write its cache (PYTHONDONTWRITEBYTECODE, a read-only tree) compiles
    every edited module again in every process, which a user's installed package never does
    (pip compiles at install time). Timings would then include the compiler.
    """
    import compileall

    import coursereview

    folder = Path(coursereview.__file__).parent
    with contextlib.suppress(OSError):  # a read-only installation: pip compiled it
        compileall.compile_dir(str(folder), quiet=2)


def machine(what: str) -> dict[str, Any]:
    """Print and return what the figures depend on: date, Python, cores, load average now.

    Also makes sure coursereview's bytecode is compiled (``fresh_bytecode``), as an installed package's is.
    """
    fresh_bytecode()
    load = os.getloadavg()
    facts = {"date": dt.date.today().isoformat(), "python": platform.python_version(), "cores": os.cpu_count(),
             "load": load}
    print(f"{what}: {facts['date']}, Python {facts['python']} ({platform.machine()}), {facts['cores']} cores, "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return facts


def loads() -> str:
    """Return the load average now, as printed at the end of a run."""
    return "load average now " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def table(results: Results, title: str) -> None:
    """Print each case's median (min-max) CPU and wall time in ms, and its peak memory when known."""
    print(f"{title}: {results.rounds} interleaved rounds in {results.seconds:.1f} s (CPU and wall: median, "
          "min-max)")
    width = max(len(n) for n in results.samples)
    for name, runs in results.samples.items():
        cells = []
        for metric in ("cpu", "wall"):
            values = [s.metric(metric) for s in runs]
            cells.append(f"{metric} {_ms(statistics.median(values)):>7} ms ({_ms(min(values))}-{_ms(max(values))})")
        rss = [s.rss for s in runs if s.rss is not None]
        if rss:
            cells.append(f"peak {max(rss) / MiB:6.1f} MiB")
        print(f"  {name:<{width}}  " + "   ".join(cells))


def ratio_line(results: Results, a: str, b: str, metric: str = "cpu", target: float | None = None,
               label: str | None = None, at_least: bool = False) -> float:
    """Print the paired ratio a/b (median, min-max) against an optional target; return the median.

    The target is a most (``ratio <= target``), or with ``at_least`` a least (a speed-up, say).
    """
    med, low, high = results.ratio(a, b, metric)
    goal = ""
    if target is not None:
        met = med >= target if at_least else med <= target
        goal = f"   target {'>=' if at_least else '<='} {target:g}x: {'met' if met else 'NOT met'}"
    print(f"  {label or f'{a} / {b}'}: {med:.2f}x ({low:.2f}-{high:.2f}, {metric}){goal}")
    return med


def marginal(big: str, small: str, extra: int) -> Callable[[dict[str, Sample]], Sample]:
    """Return a ``Results.derive`` function: the cost of each of ``extra`` more items, (big - small) / extra."""

    def each(runs: dict[str, Sample]) -> Sample:
        return Sample((runs[big].wall - runs[small].wall) / extra, (runs[big].cpu - runs[small].cpu) / extra)

    return each


def exponent(small: float, large: float, n_small: int, n_large: int) -> float:
    """Return k in time ~ n**k between two sizes (1 is linear)."""
    return math.log(large / small) / math.log(n_large / n_small)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--smoke", action="store_true", help="two rounds, for CI")
    args = parser.parse_args()
    machine("harness")
    rounds = 2 if args.smoke else args.rounds
    python = sys.executable
    results = interleave({
        "python -c pass": process([python, "-c", "pass"]),
        "python -c pass (again)": process([python, "-c", "pass"]),
        "python -S -c pass": process([python, "-S", "-c", "pass"]),
    }, rounds, budget=30)
    table(results, "the bare interpreter against itself")
    ratio_line(results, "python -c pass (again)", "python -c pass", label="same command twice (1.00x is steady)")
    ratio_line(results, "python -S -c pass", "python -c pass", label="without site (-S) / with")
    print(f"  {loads()}")


if __name__ == "__main__":
    main()
