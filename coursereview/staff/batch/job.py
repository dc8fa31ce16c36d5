"""One submission in a batch: the job (what to read, what to write), doing it, and the register row it gives."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import TYPE_CHECKING

from coursereview.errors import CourseReviewError
from coursereview.io import content_hash, content_hasher, write_atomic
from coursereview.records import record
from coursereview.word import MAX_FILE
from coursereview.word.package import DEFAULT_STAMP

if TYPE_CHECKING:  # the profile module loads only where a document is written, the checker only where one is judged
    from coursereview.documents.profile import Profile
    from coursereview.review import Review

REVIEWED, UNCHANGED, UNREADABLE = "reviewed", "unchanged", "could not read"


@record
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
    profile: Profile | None = None  # who issues the documents; None: the shipped profile
    profile_id: str | None = None  # a hash of ``profile`` (the manifest redoes documents issued by another)
    received: str | None = None  # when the file arrived: its modification time, UTC, ISO 8601

    def outputs(self) -> tuple[str, ...]:
        """Return the names of the documents the job writes into ``outdir``."""
        return tuple(f"{self.stem}-review.{fmt}" for fmt in self.formats)


@record
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
    received: str | None = None  # the file's modification time (UTC, ISO 8601): when it reached the queue
    decision: str | None = None  # IIMC's latest recorded decision (approved | returned), from the register
    decision_override: bool | None = None  # approved although the tool found it not approvable
    decided_by: str | None = None
    decided_at: str | None = None  # UTC, ISO 8601

    def to_dict(self) -> dict:
        """Return the JSON form of the row (every field is a plain value; ``asdict``'s deep copy took most of
        writing a register of hundreds of rows)."""
        data = {name: getattr(self, name) for name in COLUMNS}
        data["outputs"] = list(self.outputs)
        return data


COLUMNS = tuple(f.name for f in fields(Row))


@record
class BatchResult:
    """What a batch did: one row per submission, in the order the inputs were given, then one per
    path that matched no submission. ``written`` is False when nothing was found to review: no
    register (summary files, manifest) was written then."""

    rows: tuple[Row, ...]
    outdir: str
    written: bool = True

    def count(self, status: str) -> int:
        """Return how many rows have ``status``."""
        return sum(r.status == status for r in self.rows)

    @property
    def exit_code(self) -> int:
        """Return the worst outcome: 2 if any could not be read, 1 if any is not approvable, else 0."""
        if any(r.status == UNREADABLE for r in self.rows):
            return 2
        return 1 if any(r.verdict == "not-approvable" for r in self.rows) else 0


def plan(files: Sequence[str | Path], outdir: str | Path, formats: tuple[str, ...], criteria: str | None = None,
         stamp: dt.datetime = DEFAULT_STAMP, profile: Profile | None = None,
         keys: Sequence[str] | None = None) -> list[Job]:
    """Return a job per file with stable output names (``<stem>-review.<format>``, hashed when stems repeat).

    ``keys`` are the files' real paths when the caller has them (``inputs.gather`` does); else
    each file's is found here. Each file is looked at once (one ``stat``) and read once, to hash it.
    """
    if profile is not None:
        from coursereview.documents.profile import load_profile

        if profile == load_profile():
            profile = None  # the shipped one: manifests written before profiles existed stay valid
    profile_id = content_hash(repr(astuple(profile)).encode()) if profile else None
    names = [str(f) for f in files]  # as str(Path(...)) writes them: ``inputs.gather`` gives them so
    if keys is None:
        keys = [os.path.realpath(f) for f in names]
    stems = [Path(f).stem for f in names]
    seen = Counter(s.casefold() for s in stems)
    taken = {s for s, n in seen.items() if n > 1}
    infos = [_stat(f) for f in names]
    digest = content_hasher(sum(info.st_size for info in infos if info is not None and _hashable(info)))
    folder, when = str(outdir), stamp.isoformat()
    jobs = []
    for file, key, stem, info in zip(names, keys, stems, infos, strict=True):
        if stem.casefold() in taken:
            stem = f"{stem}-{content_hash(key.encode())[:8]}"
        sha = _file_sha256(file, digest) if _hashable(info) else None
        jobs.append(Job(file, key, stem, folder, formats, criteria, sha, when, profile, profile_id,
                        _received(info)))
    return jobs


def process(job: Job) -> Row:
    """Review one submission and write its documents; never raise (failures become a row)."""
    from coursereview.checking import check, load_submission  # loaded with the first submission to judge
    from coursereview.documents import render

    try:
        submission = load_submission(job.file)
        review = check(submission, job.criteria)
        for fmt, name in zip(job.formats, job.outputs(), strict=True):
            data = render(review, fmt, stamp=dt.datetime.fromisoformat(job.stamp), profile=job.profile)
            write_atomic(Path(job.outdir) / name, data, force=True)  # the batch claimed these
        return _reviewed(job, review)
    except CourseReviewError as exc:
        return Row(job.file, UNREADABLE, str(exc), received=job.received)
    except Exception as exc:  # one crashing submission never stops the batch
        return Row(job.file, UNREADABLE, f"{job.file}: internal error: {type(exc).__name__}: {exc}",
                   received=job.received)


def crashed(job: Job) -> Row:
    """Return the row of a submission whose worker process died reviewing it (twice)."""
    return Row(job.file, UNREADABLE, f"{job.file}: the worker process crashed while reviewing it",
               received=job.received)


def _reviewed(job: Job, review: Review) -> Row:
    program, t = review.submission.program, review.tally
    return Row(
        file=job.file, status=REVIEWED, provider=review.submission.provider.name, program=program.title,
        kind=program.kind, part=program.part, start=program.start.isoformat() if program.start else None,
        end=program.end.isoformat() if program.end else None, verdict=review.verdict, errors=len(review.errors),
        warnings=len(review.warnings), contact_hours=t.contact_hours, points=t.points, criteria=review.criteria.ref,
        criteria_sha256=review.criteria.sha256, outputs=job.outputs(), received=job.received,
    )


def _stat(path: str) -> os.stat_result | None:
    """Return what ``stat`` says of ``path`` (links followed), or None when it cannot say."""
    try:
        return os.stat(path)
    except (OSError, ValueError):  # ValueError: a name with a NUL byte
        return None


def _hashable(info: os.stat_result | None) -> bool:
    """Return whether a file with ``info`` is read to hash it: a regular file within the size limit.

    A pipe would block, /dev/zero never end, a huge file take minutes: reading such a file in
    the job says why, at once.
    """
    return info is not None and stat.S_ISREG(info.st_mode) and info.st_size <= MAX_FILE


def _received(info: os.stat_result | None) -> str | None:
    """Return when a file with ``info`` reached the queue: its modification time, UTC, to the second (or None)."""
    if info is None:
        return None
    try:
        when = dt.datetime.fromtimestamp(info.st_mtime, dt.UTC).replace(microsecond=0)
    except (OSError, OverflowError, ValueError):
        return None
    return when.isoformat()


def _file_sha256(path: str, digest: Callable[[bytes], str]) -> str | None:
    """Return the SHA-256 of the regular file ``path``, or None when it cannot be read (or is no longer regular).

    The file is opened without waiting and checked again on the open file, so a file swapped for a
    named pipe since it was looked at never blocks the batch.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except (OSError, ValueError):
        return None
    try:
        info = os.fstat(fd)
        if not _hashable(info):
            return None
        data = os.read(fd, info.st_size + 1)  # all of it, and the end of the file, in one read
        if len(data) != info.st_size:  # changed since, or a short read: read on to its end
            chunks = [data]
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
        return digest(data)
    except OSError:
        return None
    finally:
        os.close(fd)
