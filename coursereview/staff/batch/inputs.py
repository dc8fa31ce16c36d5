"""Find the submission files a batch is given: files, folders searched recursively, glob patterns."""

from __future__ import annotations

import glob
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json", ".docx")


def collect(paths: Iterable[str], exclude: str | Path | None = None) -> list[Path]:
    """Return the submission files named by ``paths`` (files, folders searched recursively, globs), each once.

    Files under ``exclude`` (the output folder), hidden files and Word lock files are left out;
    a file name that does not exist is kept, so it shows up as "could not read". A folder or glob
    that holds no submission adds nothing (``unmatched`` names those).
    """
    skip = _resolved(exclude)
    unique: dict[Path, Path] = {}
    for given in paths:
        found = _search(given, skip)  # a folder in path order, a pattern in the order of its names
        for path in sorted(found) if Path(given).is_dir() else sorted(found, key=str):
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


def unmatched(paths: Iterable[str], exclude: str | Path | None = None) -> list[tuple[str, str]]:
    """Return ``(path, why)`` for each folder or glob in ``paths`` that holds no submission file."""
    skip = _resolved(exclude)
    kinds = ", ".join(SUFFIXES)
    missed = []
    for given in paths:
        if next(_search(given, skip), None) is None:  # the first file found is enough
            if Path(given).is_dir():
                missed.append((given, f"no submission files ({kinds}) in this folder"))
            else:
                missed.append((given, f"matches no submission files ({kinds})"))
    return missed


def _search(given: str, skip: Path | None) -> Iterator[Path]:
    """Yield the submission files ``given`` names as they are found; a name that does not exist is its own file."""
    path = Path(given)
    if path.is_dir():
        return (f for f in path.rglob("*") if _wanted(f, path, skip))
    if path.exists() or not glob.has_magic(given):
        return iter([path])
    return (Path(m) for m in glob.iglob(given, recursive=True) if _wanted(Path(m), None, skip))


def _resolved(exclude: str | Path | None) -> Path | None:
    return Path(exclude).resolve() if exclude else None


def _wanted(path: Path, root: Path | None, skip: Path | None) -> bool:
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    parts = path.relative_to(root).parts if root else (path.name,)
    if any(p.startswith(".") for p in parts) or path.name.startswith("~$"):
        return False
    return not (skip and path.resolve().is_relative_to(skip))
