"""The batch manifest in the output folder: the files the batch owns, and each input's last result (to skip it)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from coursereview.criteria.shipped import shipped_sha256s
from coursereview.errors import CourseReviewError, InputError, OutputError
from coursereview.io import read_bytes, write_atomic
from coursereview.staff.batch.job import COLUMNS, REVIEWED, UNCHANGED, Job, Row
from coursereview.staff.batch.summary import SUMMARIES

MANIFEST = ".coursereview-batch.json"
MAX_MANIFEST = 256 * 1024 * 1024  # bytes: a manifest remembers about 1 KB per submission
FLUSH_SECONDS = 1.0  # write the manifest at most this often while running (and always at the end)
_KNOWN = frozenset(COLUMNS)


class Manifest:
    """What earlier runs into one output folder did: the files the batch owns, and each input's result."""

    def __init__(self, path: Path, tool: str, claimed: set[str], entries: dict[str, dict],
                 summaries: dict | None = None) -> None:
        self.path, self.tool, self.claimed, self.entries = path, tool, claimed, entries
        self.summaries = summaries or {}  # what the registers were last written from, and the files as written
        self._dirty = False
        self._flushed = time.monotonic()
        self._criteria_sha: dict[str | None, str | None] = {}
        self._criteria_files: dict[str, bool] = {}  # --criteria values: is each a file?
        self._present: dict[str, os.DirEntry[str]] | None = None  # the output folder's entries, listed once

    @classmethod
    def load(cls, outdir: Path, force: bool, tool: str) -> Manifest:
        """Return the manifest of ``outdir`` as ``tool`` (name and version) sees it; a damaged one needs ``force``."""
        path = outdir / MANIFEST
        if not path.exists():
            return cls(path, tool, set(), {})
        try:
            data = json.loads(read_bytes(path, MAX_MANIFEST, "batch manifest").decode("utf-8"))
            summaries = data.get("summaries")
            return cls(path, tool, set(data["claimed"]), dict(data["entries"]),
                       summaries if isinstance(summaries, dict) else None)
        except (InputError, ValueError, KeyError, TypeError):  # also a named pipe or a device by that name
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
        """Return the stored row when ``job`` needs no work: same content, criteria, formats, tool, outputs.

        The output folder is listed once, on the first call, to see that each output is still there
        (``unchanged`` is asked of every job before any work is done).
        """
        entry = self.entries.get(job.key)
        if not entry or job.sha256 is None:
            return None
        outputs = job.outputs()
        same = (entry.get("sha256") == job.sha256 and entry.get("tool") == self.tool
                and entry.get("formats") == list(job.formats) and entry.get("criteria_arg") == job.criteria
                and entry.get("outputs") == list(outputs) and entry.get("stamp") == job.stamp
                and entry.get("profile") == job.profile_id and all(self._is_file(n) for n in outputs))
        if not same:
            return None
        row = entry["row"]
        ref = job.criteria if job.criteria and self._criteria_file(job.criteria) else row.get("criteria")
        if not self._criteria_current(ref, row.get("criteria_sha256")):
            return None
        # A manifest of another version may hold columns this one does not know: those are left out.
        known = dict(row) if _KNOWN.issuperset(row) else {k: v for k, v in row.items() if k in _KNOWN}
        known.update(file=job.file, status=UNCHANGED, outputs=tuple(row["outputs"]), received=job.received)
        return Row(**known)

    def record(self, job: Job, row: Row) -> None:
        """Remember ``row`` for ``job`` (failures are not remembered: they are retried next time)."""
        if row.status == REVIEWED and job.sha256:
            self.entries[job.key] = {"sha256": job.sha256, "tool": self.tool, "formats": list(job.formats),
                                     "criteria_arg": job.criteria, "outputs": list(job.outputs()), "stamp": job.stamp,
                                     "profile": job.profile_id, "row": row.to_dict()}
        else:
            self.entries.pop(job.key, None)
        self._dirty = True
        if time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self.flush()

    def summaries_current(self, inputs: str) -> bool:
        """Return True when the registers were last written from ``inputs`` and are still as written."""
        return (self.summaries.get("inputs") == inputs and self.summaries.get("tool") == self.tool
                and self.summaries.get("files") == _stats(self.path.parent, SUMMARIES))

    def summaries_written(self, inputs: str) -> None:
        """Remember that the registers were just written from ``inputs`` (written to disk at once)."""
        self.summaries = {"inputs": inputs, "tool": self.tool, "files": _stats(self.path.parent, SUMMARIES)}
        self._write()

    def flush(self) -> None:
        """Write what was recorded since the last write (kept work survives an interruption)."""
        if self._dirty:
            self._write()

    def _write(self) -> None:
        data = {"tool": self.tool, "claimed": sorted(self.claimed), "entries": dict(sorted(self.entries.items())),
                "summaries": self.summaries}
        # Compact: json's C encoder writes it (with ``indent`` the Python one would, four times slower); the
        # manifest is written again every FLUSH_SECONDS while a batch runs.
        write_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", force=True)
        self._dirty = False
        self._flushed = time.monotonic()

    def _is_file(self, name: str) -> bool:
        """Return whether ``name`` in the output folder is a regular file (links followed), as ``Path.is_file``."""
        if self._present is None:
            try:
                with os.scandir(self.path.parent) as listing:
                    self._present = {entry.name: entry for entry in listing}
            except OSError:
                self._present = {}
        entry = self._present.get(name)
        if entry is None:
            return False
        try:
            return entry.is_file()
        except OSError:  # a link that leads nowhere it can follow
            return False

    def _criteria_file(self, ref: str) -> bool:
        if ref not in self._criteria_files:
            self._criteria_files[ref] = Path(ref).is_file()
        return self._criteria_files[ref]

    def _criteria_current(self, ref: str | None, sha: str | None) -> bool:
        """Return whether the criteria set ``ref`` is still the one with hash ``sha`` (the one that judged a row).

        A shipped set's stamp is current when its hash is that of a shipped file (whose id@version
        the file itself holds): no set is parsed. A set of one's own is read again, as it may have changed.
        """
        if ref and sha and not ref.endswith((".yaml", ".yml", ".json")) and not self._criteria_file(ref):
            return sha in shipped_sha256s()
        return self._current_sha(ref) == sha

    def _current_sha(self, ref: str | None) -> str | None:
        if ref not in self._criteria_sha:
            from coursereview.criteria import criteria_sha256  # a set of one's own, read again

            try:
                self._criteria_sha[ref] = criteria_sha256(ref) if ref else None
            except CourseReviewError:
                self._criteria_sha[ref] = None
        return self._criteria_sha[ref]


def _stats(folder: Path, names: tuple[str, ...]) -> list[list[int]] | None:
    """Return each file's size and modification time (ns), or None when one is missing: a file edited or removed."""
    try:
        return [[st.st_size, st.st_mtime_ns] for st in ((folder / name).stat() for name in names)]
    except OSError:
        return None
