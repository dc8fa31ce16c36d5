"""Review many submissions at once: validate and render each in parallel, skip unchanged work, write a register."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import glob
import hashlib
import io
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, fields, replace
from multiprocessing.process import BaseProcess
from pathlib import Path

from coursereview.check import check, load_submission
from coursereview.criteria import resolve_criteria
from coursereview.errors import CourseReviewError, OutputError
from coursereview.io import write_atomic
from coursereview.review import Review
from coursereview.word.package import DEFAULT_STAMP

SUFFIXES = (".yaml", ".yml", ".json", ".docx")
MANIFEST = ".coursereview-batch.json"
SUMMARIES = ("summary.csv", "summary.json", "summary.html")
REVIEWED, UNCHANGED, UNREADABLE = "reviewed", "unchanged", "could not read"
_FLUSH_SECONDS = 1.0  # write the manifest at most this often while running (and always at the end)
_GRACE_SECONDS = 10.0  # on a stop, workers may finish the submission in hand this long, then are terminated
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@dataclass(frozen=True)
class Job:
    """One submission to review: where it is, what to write, and under which name."""

    file: str  # as the user named it (shown in the summary)
    key: str  # absolute path (the manifest's key)
    stem: str  # output names are <stem>-review.<format>
    outdir: str
    formats: tuple[str, ...]
    criteria: str | None
    sha256: str | None  # content hash of the file, None when it cannot be read
    stamp: str = DEFAULT_STAMP.isoformat()  # the time written into docx files (ISO 8601)

    def outputs(self) -> tuple[str, ...]:
        return tuple(f"{self.stem}-review.{fmt}" for fmt in self.formats)


@dataclass(frozen=True)
class Row:
    """One line of the batch register."""

    file: str
    status: str  # reviewed | unchanged | could not read
    reason: str = ""
    provider: str | None = None
    program: str | None = None
    kind: str | None = None
    part: int | None = None
    start: str | None = None
    end: str | None = None
    verdict: str | None = None
    errors: int | None = None
    warnings: int | None = None
    contact_hours: float | None = None
    points: float | None = None
    criteria: str | None = None  # id@version that judged it
    criteria_sha256: str | None = None
    outputs: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Return the JSON form of the row."""
        data = asdict(self)
        data["outputs"] = list(self.outputs)
        return data


COLUMNS = tuple(f.name for f in fields(Row))


@dataclass(frozen=True)
class BatchResult:
    """What a batch did: one row per submission, in the order the inputs were given, then one per
    path that matched no submission. ``written`` is False when nothing was found to review: no
    register (summary files, manifest) was written then."""

    rows: tuple[Row, ...]
    outdir: str
    written: bool = True

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    @property
    def exit_code(self) -> int:
        """Return the worst outcome: 2 if any could not be read, 1 if any is not approvable, else 0."""
        if any(r.status == UNREADABLE for r in self.rows):
            return 2
        return 1 if any(r.verdict == "not-approvable" for r in self.rows) else 0


def collect(paths: Iterable[str], exclude: str | Path | None = None) -> list[Path]:
    """Return the submission files named by ``paths`` (files, folders searched recursively, globs).

    Files under ``exclude`` (the output folder), hidden files and Word lock files are left out;
    a file name that does not exist is kept, so it shows up as "could not read". A folder or glob
    that holds no submission adds nothing (``unmatched`` names those).
    """
    return _unique(_collect_each(paths, exclude))


def _collect_each(paths: Iterable[str], exclude: str | Path | None) -> list[tuple[str, list[Path]]]:
    skip = Path(exclude).resolve() if exclude else None
    groups = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            groups.append((given, sorted(f for f in path.rglob("*") if _wanted(f, path, skip))))
        elif path.exists() or not glob.has_magic(given):
            groups.append((given, [path]))
        else:
            matches = sorted(glob.glob(given, recursive=True))
            groups.append((given, [Path(m) for m in matches if _wanted(Path(m), None, skip)]))
    return groups


def _unique(groups: list[tuple[str, list[Path]]]) -> list[Path]:
    unique: dict[Path, Path] = {}
    for _given, found in groups:
        for path in found:
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


def _no_match(given: str) -> str:
    kinds = ", ".join(SUFFIXES)
    if Path(given).is_dir():
        return f"no submission files ({kinds}) in this folder"
    return f"matches no submission files ({kinds})"


def plan(files: list[Path], outdir: str | Path, formats: tuple[str, ...], criteria: str | None = None,
         stamp: dt.datetime = DEFAULT_STAMP) -> list[Job]:
    """Return a job per file with stable output names (``<stem>-review.<fmt>``, hashed when stems repeat)."""
    stems = [f.stem for f in files]
    taken = {s.casefold() for s in stems if sum(t.casefold() == s.casefold() for t in stems) > 1}
    jobs = []
    for file, stem in zip(files, stems, strict=True):
        key = str(file.resolve())
        if stem.casefold() in taken:
            stem = f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
        jobs.append(Job(str(file), key, stem, str(outdir), formats, criteria, _file_sha256(file), stamp.isoformat()))
    return jobs


def run_batch(paths: Iterable[str], outdir: str | Path, formats: tuple[str, ...] = ("docx",),
              workers: int | None = None, criteria: str | None = None, force: bool = False,
              progress: Callable[[Row, int], None] | None = None,
              stamp: dt.datetime = DEFAULT_STAMP, create_outdir: bool = False) -> BatchResult:
    """Review every submission in ``paths`` into ``outdir`` and write summary.csv, .json and .html there.

    ``workers`` processes run at once (None: one per core; 1: in this process). Submissions whose
    content, criteria, formats and tool version are unchanged since the last run into ``outdir``
    are not redone unless ``force``. ``progress(row, total)`` is called as each submission completes.
    ``stamp`` is the time written into docx documents (see ``docx_package.source_date``).
    A folder or glob in ``paths`` that holds no submission gets a "could not read" row; when
    nothing at all is found, nothing is written. ``create_outdir`` makes ``outdir`` (and its
    parents) once the options are checked and there is something to review.
    """
    from coursereview import __version__
    from coursereview.documents import FORMATS

    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise OutputError(f"unknown format {','.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: is not a folder")
    if not create_outdir and not outdir.is_dir():
        raise OutputError(f"{outdir}: output folder does not exist")
    if criteria:
        resolve_criteria(criteria)  # an unknown or invalid set stops the batch before any work
    groups = _collect_each(paths, outdir)
    files = _unique(groups)
    missed = [Row(given, UNREADABLE, f"{given}: {_no_match(given)}") for given, found in groups if not found]
    if not files:
        return BatchResult(tuple(missed), str(outdir), written=False)
    if not outdir.is_dir():
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot create the output folder: {exc.strerror or exc}") from None
    jobs = plan(files, outdir, tuple(formats), criteria, stamp)
    manifest = _Manifest.load(outdir / MANIFEST, force, f"coursereview {__version__}")
    targets = [name for job in jobs for name in job.outputs()] + list(SUMMARIES)
    manifest.claim(targets, force)
    rows: dict[str, Row] = {}
    todo = []
    for job in jobs:
        kept = None if force else manifest.unchanged(job)
        if kept:
            rows[job.key] = kept
            if progress:
                progress(kept, len(jobs))
        else:
            todo.append(job)
    try:
        with contextlib.closing(_run(todo, workers)) as results:  # closed at once on an interruption
            for job, row in results:
                rows[job.key] = row
                manifest.record(job, row)
                if progress:
                    progress(row, len(jobs))
    finally:
        manifest.flush()
    result = BatchResult(tuple(rows[job.key] for job in jobs) + tuple(missed), str(outdir))
    write_summaries(result, outdir)
    return result


def write_summaries(result: BatchResult, outdir: str | Path) -> list[Path]:
    """Write summary.csv, summary.json and summary.html into ``outdir`` (the batch owns them)."""
    outdir = Path(outdir)
    texts = (summary_csv(result.rows), summary_json(result), summary_html(result))
    return [write_atomic(outdir / name, text, force=True) for name, text in zip(SUMMARIES, texts, strict=True)]


def summary_csv(rows: Iterable[Row]) -> str:
    """Return the batch register as CSV (outputs joined with '; ')."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.to_dict()
        data["outputs"] = "; ".join(row.outputs)
        writer.writerow(["" if data[c] is None else data[c] for c in COLUMNS])
    return out.getvalue()


def summary_json(result: BatchResult) -> str:
    """Return the batch register as JSON: counts by verdict and status, and one object per submission."""
    counts = {"submissions": len(result.rows)}
    for verdict in ("approvable", "approvable-with-notes", "not-approvable"):
        counts[verdict] = sum(r.verdict == verdict for r in result.rows)
    for status in (UNREADABLE, REVIEWED, UNCHANGED):
        counts[status] = result.count(status)
    data = {"counts": counts, "exit_code": result.exit_code, "submissions": [r.to_dict() for r in result.rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def summary_html(result: BatchResult) -> str:
    """Return the batch register as an HTML page (templates/summary.html.j2, autoescaped)."""
    import jinja2

    from coursereview.resources import templates_dir
    from coursereview.tally import fmt

    source = templates_dir().joinpath("summary.html.j2").read_text(encoding="utf-8")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters["hours"] = lambda v: "" if v is None else fmt(v)
    counts = json.loads(summary_json(result))["counts"]
    return env.from_string(source).render(rows=result.rows, counts=counts)


def process(job: Job) -> Row:
    """Review one submission and write its documents; never raise (failures become a row)."""
    from coursereview.documents import render

    try:
        submission = load_submission(job.file)
        review = check(submission, job.criteria)
        for fmt, name in zip(job.formats, job.outputs(), strict=True):
            data = render(review, fmt, stamp=dt.datetime.fromisoformat(job.stamp))
            write_atomic(Path(job.outdir) / name, data, force=True)  # the batch claimed these
        return _reviewed(job, review)
    except CourseReviewError as exc:
        return Row(job.file, UNREADABLE, str(exc))
    except Exception as exc:  # one crashing submission never stops the batch
        return Row(job.file, UNREADABLE, f"{job.file}: internal error: {type(exc).__name__}: {exc}")


def _run(todo: list[Job], workers: int | None) -> Iterator[tuple[Job, Row]]:
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(todo) <= 1:
        for job in todo:
            yield job, process(job)
        return
    crashed: list[Job] = []
    with _exit_on_stop_signals():
        yield from _pooled(todo, min(workers, len(todo)), crashed)
        for job in crashed:  # a worker died (not a Python error): retry each alone to find the culprit
            retried: list[Job] = []
            yield from _pooled([job], 1, retried)
            if retried:
                yield job, Row(job.file, UNREADABLE, f"{job.file}: the worker process crashed while reviewing it")


def _pooled(todo: list[Job], workers: int, crashed: list[Job]) -> Iterator[tuple[Job, Row]]:
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_default_stop_signals)
    try:
        pending: dict[Future, Job] = {pool.submit(process, job): job for job in todo}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: pending[f].key):
                job = pending.pop(future)
                try:
                    row = future.result()
                except BrokenProcessPool:
                    crashed.append(job)
                    continue
                yield job, row
    finally:
        _shut_down(pool)


def _shut_down(pool: ProcessPoolExecutor) -> None:
    """Cancel the submissions not yet started and wait for the workers to end; terminate any that
    are still busy after the grace time, so that no worker outlives the batch."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public API before Python 3.14
    timer = threading.Timer(_GRACE_SECONDS, _terminate, (workers,))
    timer.daemon = True
    timer.start()
    try:
        pool.shutdown(wait=True, cancel_futures=True)
    finally:
        timer.cancel()


def _default_stop_signals() -> None:
    """In a worker: let SIGTERM and SIGHUP end it at once, even inside a long C call (no inherited handler);
    a signal the batch ignores (SIGHUP under nohup) stays ignored."""
    for sig in _STOP_SIGNALS:
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, signal.SIG_DFL)


def _terminate(workers: list[BaseProcess]) -> None:
    for worker in workers:
        if worker.is_alive():
            worker.terminate()


@contextlib.contextmanager
def _exit_on_stop_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into SystemExit while the block runs (as Ctrl-C raises KeyboardInterrupt).

    Killed by the default action, the batch would leave its worker processes running; an exception
    lets the pool cancel the queue and end them, and the manifest keep the work already done.
    The previous handlers are restored afterwards. Signal handlers can only be set in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    batch_pid = os.getpid()
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        if os.getpid() != batch_pid:  # a forked worker inherited this handler: end as by default
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if not stopping:  # a second signal must not interrupt the cleanup the first one started
            stopping = True
            raise SystemExit(128 + signum)

    ignored = [sig for sig in _STOP_SIGNALS if signal.getsignal(sig) is signal.SIG_IGN]  # e.g. SIGHUP under nohup
    previous = {sig: signal.signal(sig, stop) for sig in _STOP_SIGNALS if sig not in ignored}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def _reviewed(job: Job, review: Review) -> Row:
    program, t = review.submission.program, review.tally
    return Row(
        file=job.file, status=REVIEWED, provider=review.submission.provider.name, program=program.title,
        kind=program.kind, part=program.part, start=program.start.isoformat() if program.start else None,
        end=program.end.isoformat() if program.end else None, verdict=review.verdict, errors=len(review.errors),
        warnings=len(review.warnings), contact_hours=t.contact_hours, points=t.points, criteria=review.criteria.ref,
        criteria_sha256=review.criteria.sha256, outputs=job.outputs(),
    )


def _wanted(path: Path, root: Path | None, skip: Path | None) -> bool:
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    parts = path.relative_to(root).parts if root else (path.name,)
    if any(p.startswith(".") for p in parts) or path.name.startswith("~$"):
        return False
    return not (skip and path.resolve().is_relative_to(skip))


def _file_sha256(path: Path) -> str | None:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


class _Manifest:
    """What earlier runs into one output folder did: the files the batch owns, and each input's result."""

    def __init__(self, path: Path, tool: str, claimed: set[str], entries: dict[str, dict]) -> None:
        self.path, self.tool, self.claimed, self.entries = path, tool, claimed, entries
        self._dirty = False
        self._flushed = time.monotonic()
        self._criteria_sha: dict[str, str | None] = {}

    @classmethod
    def load(cls, path: Path, force: bool, tool: str) -> _Manifest:
        if not path.exists():
            return cls(path, tool, set(), {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, tool, set(data["claimed"]), dict(data["entries"]))
        except (OSError, ValueError, KeyError, TypeError):
            if force:
                return cls(path, tool, set(), {})
            raise OutputError(f"{path}: not a coursereview batch manifest; remove it or use --force") from None

    def claim(self, names: list[str], force: bool) -> None:
        """Take ownership of the output names; refuse files the batch did not write, unless forced."""
        foreign = [n for n in names if n not in self.claimed and (self.path.parent / n).exists()]
        if foreign and not force:
            more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
            raise OutputError(f"{self.path.parent / foreign[0]}: already exists{more}; use --force to replace it")
        if not set(names) <= self.claimed:
            self.claimed |= set(names)
            self._write()

    def unchanged(self, job: Job) -> Row | None:
        """Return the stored row when ``job`` needs no work: same content, criteria, formats, tool, outputs."""
        entry = self.entries.get(job.key)
        if not entry or job.sha256 is None:
            return None
        same = (entry.get("sha256") == job.sha256 and entry.get("tool") == self.tool
                and entry.get("formats") == list(job.formats) and entry.get("criteria_arg") == job.criteria
                and entry.get("outputs") == list(job.outputs()) and entry.get("stamp") == job.stamp
                and all((self.path.parent / n).is_file() for n in job.outputs()))
        if not same:
            return None
        row = entry["row"]
        ref = job.criteria if job.criteria and Path(job.criteria).is_file() else row.get("criteria")
        if self._current_sha(ref) != row.get("criteria_sha256"):
            return None
        return replace(Row(**{**row, "outputs": tuple(row["outputs"])}), file=job.file, status=UNCHANGED)

    def record(self, job: Job, row: Row) -> None:
        """Remember ``row`` for ``job`` (failures are not remembered: they are retried next time)."""
        if row.status == REVIEWED and job.sha256:
            self.entries[job.key] = {"sha256": job.sha256, "tool": self.tool, "formats": list(job.formats),
                                     "criteria_arg": job.criteria, "outputs": list(job.outputs()), "stamp": job.stamp,
                                     "row": row.to_dict()}
        else:
            self.entries.pop(job.key, None)
        self._dirty = True
        if time.monotonic() - self._flushed >= _FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self._dirty:
            self._write()

    def _write(self) -> None:
        data = {"tool": self.tool, "claimed": sorted(self.claimed), "entries": dict(sorted(self.entries.items()))}
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, indent=1) + "\n", force=True)
        self._dirty = False
        self._flushed = time.monotonic()

    def _current_sha(self, ref: str | None) -> str | None:
        if ref not in self._criteria_sha:
            try:
                self._criteria_sha[ref] = resolve_criteria(ref).sha256 if ref else None
            except CourseReviewError:
                self._criteria_sha[ref] = None
        return self._criteria_sha[ref]
