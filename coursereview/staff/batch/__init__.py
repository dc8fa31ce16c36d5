"""Review many submissions at once: validate and render each in parallel, skip unchanged work, write a register.

The steps, one module each: ``inputs`` finds the submission files, ``job`` plans and does the work of one
submission, ``manifest`` remembers finished work so a re-run skips it, ``pool`` runs the jobs in worker
processes, ``summary`` writes the register (csv, json, and the HTML page from ``documents.summary``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from coursereview.errors import OutputError
from coursereview.staff.batch.inputs import SUFFIXES, Found, collect, gather, refused, unmatched
from coursereview.staff.batch.job import (
    COLUMNS,
    REVIEWED,
    UNCHANGED,
    UNREADABLE,
    BatchResult,
    Job,
    Row,
    crashed,
    plan,
    process,
)
from coursereview.staff.batch.manifest import MANIFEST, Manifest
from coursereview.staff.batch.summary import (
    SUMMARIES,
    summaries_key,
    summary_csv,
    summary_html,
    summary_json,
    write_summaries,
)
from coursereview.word.package import DEFAULT_STAMP

if TYPE_CHECKING:  # the profile module loads only where a document is written
    from coursereview.documents.profile import Profile

__all__ = [
    "COLUMNS", "MANIFEST", "REVIEWED", "SUFFIXES", "SUMMARIES", "UNCHANGED", "UNREADABLE", "BatchResult", "Found",
    "Job", "Row", "collect", "gather", "plan", "process", "refused", "run_batch", "summary_csv", "summary_html",
    "summary_json", "unmatched", "write_summaries",
]

_GRACE_SECONDS = 10.0  # on a stop, workers may finish the submission in hand this long, then are terminated


def run_batch(paths: Iterable[str], outdir: str | Path, formats: tuple[str, ...] = ("docx",),
              workers: int | None = None, criteria: str | None = None, force: bool = False,
              progress: Callable[[Row, int], None] | None = None,
              stamp: dt.datetime = DEFAULT_STAMP, create_outdir: bool = False,
              profile: Profile | None = None, register: str | Path | None = None) -> BatchResult:
    """Review every submission in ``paths`` into ``outdir`` and write summary.csv, .json and .html there.

    ``workers`` processes run at once (None: one per core; 1: in this process). Submissions whose
    content, criteria, formats and tool version are unchanged since the last run into ``outdir``
    are not redone unless ``force``. ``progress(row, total)`` is called as each submission completes.
    ``stamp`` is the time written into docx documents (see ``coursereview.word.package.source_date``).
    A folder or glob in ``paths`` that holds no submission gets a "could not read" row, and so does
    each file ``inputs.refused`` names (a link out of a folder, a name that is not UTF-8); when
    nothing at all is found, nothing is written. ``create_outdir`` makes ``outdir`` (and its
    parents) once the options are checked and there is something to review. ``profile`` issues the
    documents (None: the shipped one); documents issued by another profile are redone. With a
    decision ``register``, each row shows IIMC's latest recorded decision on that submission.
    """
    from coursereview import __version__
    from coursereview.documents import FORMATS

    paths = list(paths)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise OutputError(f"unknown format {','.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise OutputError(f"{outdir}: is not a folder")
    if not create_outdir and not outdir.is_dir():
        raise OutputError(f"{outdir}: output folder does not exist")
    if criteria:
        from coursereview.criteria import resolve_criteria

        resolve_criteria(criteria)  # an unknown or invalid set stops the batch before any work
    found = gather(paths, exclude=outdir)
    missed = [Row(given, UNREADABLE, f"{given}: {why}") for given, why in found.refused + found.unmatched]
    if not found.files:
        return BatchResult(tuple(missed), str(outdir), written=False)
    if not outdir.is_dir():
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{outdir}: cannot create the output folder: {exc.strerror or exc}") from None
    jobs = plan(found.files, outdir, tuple(formats), criteria, stamp, profile, found.keys)
    manifest = Manifest.load(outdir, force, f"coursereview {__version__}")
    manifest.claim([name for job in jobs for name in job.outputs()] + list(SUMMARIES), force)
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
    if register is not None:
        rows = _with_decisions(rows, jobs, register)
    result = BatchResult(tuple(rows[job.key] for job in jobs) + tuple(missed), str(outdir))
    # The registers are written again only when what they show has changed (or someone changed a file):
    # a run where nothing changed writes nothing, and never loads the page templates.
    inputs = summaries_key(result, jobs[0].profile_id if jobs else None, register is not None)
    if force or not manifest.summaries_current(inputs):
        write_summaries(result, outdir, profile, decisions=register is not None)
        manifest.summaries_written(inputs)
    return result


def _with_decisions(rows: dict[str, Row], jobs: list[Job], register: str | Path) -> dict[str, Row]:
    """Return ``rows`` with IIMC's latest recorded decision on each submission (by its content hash)."""
    from coursereview.staff.register import history

    latest = {entry.submission_sha256: entry for entry in history(register)}  # oldest first: the last one wins
    out = dict(rows)
    for job in jobs:
        entry = latest.get(job.sha256 or "")
        if entry is not None and out[job.key].status != UNREADABLE:
            out[job.key] = replace(out[job.key], decision=entry.decision, decision_override=entry.override,
                                   decided_by=entry.reviewer, decided_at=entry.decided_at)
    return out


def _run(todo: list[Job], workers: int | None) -> Generator[tuple[Job, Row], None, None]:
    """Yield each job with its row: in this process for one worker or one job, else in worker processes."""
    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(todo) <= 1:
        for job in todo:
            yield job, process(job)
        return
    from coursereview.staff.batch.pool import run_in_workers  # here: multiprocessing loads only when it is used

    yield from run_in_workers(process, todo, min(workers, len(todo)), _GRACE_SECONDS, crashed)
