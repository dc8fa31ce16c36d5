"""Find the submission files a batch is given: files, folders searched recursively, glob patterns."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SUFFIXES = (".yaml", ".yml", ".json", ".docx")


def collect(paths: Iterable[str], exclude: str | Path | None = None) -> list[Path]:
    """Return the submission files named by ``paths`` (files, folders searched recursively, globs), each once.

    Files under ``exclude`` (the output folder), hidden files and Word lock files are left out;
    a file name that does not exist is kept, so it shows up as "could not read". A folder or glob
    that holds no submission adds nothing (``unmatched`` names those). A file ``refused`` names is
    left out: one found in a folder that leads out of it (a symbolic link), or one whose name is
    not valid UTF-8.
    """
    skip = _resolved(exclude)
    unique: dict[Path, Path] = {}
    for given in paths:
        root = _folder(given)
        found = [path for path in _search(given, skip) if _refusal(path, root) is None]
        for path in sorted(found) if root else sorted(found, key=str):  # a folder in path order, a glob by name
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


def refused(paths: Iterable[str], exclude: str | Path | None = None) -> list[tuple[str, str]]:
    """Return ``(name, why)`` for each submission file in ``paths`` that is not reviewed (its name as valid UTF-8).

    A folder is the user's choice of what to review, not of what its links point to: a file found
    in it whose real path leaves it is refused (a file named directly, or by a pattern, is the
    user's own choice). A file name that is not valid UTF-8 is refused anywhere, since it could not
    be shown or recorded as it is.
    """
    skip = _resolved(exclude)
    out: dict[str, str] = {}
    for given in paths:
        root = _folder(given)
        for path in _search(given, skip):
            why = _refusal(path, root)
            if why is not None:
                out.setdefault(_name(path), why)
    return sorted(out.items())


def unmatched(paths: Iterable[str], exclude: str | Path | None = None) -> list[tuple[str, str]]:
    """Return ``(path, why)`` for each folder or glob in ``paths`` that holds no submission file."""
    skip = _resolved(exclude)
    kinds = ", ".join(SUFFIXES)
    missed = []
    for given in paths:
        if next(_search(given, skip), None) is None:  # the first file found is enough
            if Path(given).is_dir():
                missed.append((_name(given), f"no submission files ({kinds}) in this folder"))
            else:
                missed.append((_name(given), f"matches no submission files ({kinds})"))
    return missed


def _name(path: str | Path) -> str:
    """Return ``path`` as text that can be written anywhere: a byte that is not UTF-8 becomes U+FFFD."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def _folder(given: str) -> Path | None:
    """Return the real path of ``given`` when it is a folder (its files must stay inside it), else None."""
    path = Path(given)
    return path.resolve() if path.is_dir() else None


def _refusal(path: Path, root: Path | None) -> str | None:
    """Return why ``path`` (found in the folder ``root``, or named directly when None) is not reviewed, else None."""
    try:
        os.fsencode(str(path)).decode("utf-8")
    except UnicodeDecodeError:
        return "the file name is not valid UTF-8; rename the file"
    if root is not None and not path.resolve().is_relative_to(root):
        return f"a link that leads out of the folder {_name(root)}; name the file it leads to directly to review it"
    return None


def _search(given: str, skip: Path | None) -> Iterator[Path]:
    """Yield the submission files ``given`` names as they are found; a name that does not exist is its own file.

    A folder is walked without following links to other folders; each file found is yielded
    whether or not its real path stays inside (``_refusal`` decides).
    """
    path = Path(given)
    if path.is_dir():
        return (f for f in _walk(path) if _wanted(f, path, skip))
    if path.exists() or not glob.has_magic(given):
        return iter([path])
    return (Path(m) for m in glob.iglob(given, recursive=True) if _wanted(Path(m), None, skip))


def _walk(folder: Path) -> Iterator[Path]:
    """Yield every entry under ``folder`` (files and links to files), not entering linked folders."""
    for top, folders, files in os.walk(folder, followlinks=False):
        folders.sort()
        for name in sorted(files):
            yield Path(top) / name


def _resolved(exclude: str | Path | None) -> Path | None:
    return Path(exclude).resolve() if exclude else None


def _wanted(path: Path, root: Path | None, skip: Path | None) -> bool:
    if not path.is_file() or path.suffix.lower() not in SUFFIXES:
        return False
    parts = path.relative_to(root).parts if root else (path.name,)
    if any(p.startswith(".") for p in parts) or path.name.startswith("~$"):
        return False
    return not (skip and path.resolve().is_relative_to(skip))
