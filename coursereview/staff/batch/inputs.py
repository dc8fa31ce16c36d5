"""Find the submission files a batch is given: files, folders searched recursively, glob patterns.

One pass over the paths (``gather``) finds the files to review, the files refused, the folders and
patterns that hold nothing, and each file's real path (the manifest's key), with one directory
listing per folder and no system call per file beyond it, except for symbolic links: a batch
re-run that finds nothing changed costs little more than reading its inputs.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from coursereview.records import record

SUFFIXES = (".yaml", ".yml", ".json", ".docx")


@record
class Found:
    """What ``gather`` found: the files to review (each once) with their real paths, and what was left out.

    ``files`` are in the order given (a folder's in path order, a pattern's by name), each as
    ``str(Path(...))`` would write it; ``keys[i]`` is the real path of ``files[i]``. ``refused``
    holds ``(name, why)`` sorted by name, ``unmatched`` ``(path, why)`` for each folder or pattern
    that holds no submission.
    """

    files: tuple[str, ...]
    keys: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]
    unmatched: tuple[tuple[str, str], ...]


def gather(paths: Iterable[str], exclude: str | Path | None = None) -> Found:
    """Return the submission files named by ``paths`` (files, folders searched recursively, globs), and what was not.

    Files under ``exclude`` (the output folder), hidden files and Word lock files are left out;
    a file name that does not exist is kept, so it shows up as "could not read". A folder or
    glob that holds no submission adds nothing and is named in ``unmatched``. A file is refused
    (left out, and named in ``refused`` with why) when it was found in a folder it leads out of
    (a symbolic link), or when its name is not valid UTF-8. A folder is the user's choice of
    what to review, not of what its links point to; a file named directly, or by a pattern, is
    the user's own choice.
    """
    skip = _prefix(os.path.realpath(exclude)) if exclude else None
    unique: dict[str, str] = {}
    refusals: dict[str, str] = {}
    missed = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            root = os.path.realpath(path)
            searched = sorted(_in_folder(str(path), root, skip))  # in path order
            if not searched:
                missed.append((_name(given), f"no submission files ({', '.join(SUFFIXES)}) in this folder"))
            for _parts, found, key in searched:
                why = _refusal(found, key, root)
                if why is None:
                    unique.setdefault(key, found)
                else:
                    refusals.setdefault(_name(found), why)
        elif path.exists() or not glob.has_magic(given):
            why = _refusal(str(path), None, None)
            if why is None:
                unique.setdefault(os.path.realpath(path), str(path))  # a link loop too: reading it then says why
            else:
                refusals.setdefault(_name(path), why)
        else:
            matched = sorted(_by_pattern(given, skip))  # by name
            if not matched:
                missed.append((_name(given), f"matches no submission files ({', '.join(SUFFIXES)})"))
            for found, key in matched:
                why = _refusal(found, None, None)
                if why is None:
                    unique.setdefault(key, found)
                else:
                    refusals.setdefault(_name(found), why)
    return Found(tuple(unique.values()), tuple(unique), tuple(sorted(refusals.items())), tuple(missed))


def collect(paths: Iterable[str], exclude: str | Path | None = None) -> list[Path]:
    """Return the submission files named by ``paths``, each once (see ``gather``)."""
    return [Path(file) for file in gather(paths, exclude).files]


def refused(paths: Iterable[str], exclude: str | Path | None = None) -> list[tuple[str, str]]:
    """Return ``(name, why)`` for each submission file in ``paths`` that is not reviewed (see ``gather``)."""
    return list(gather(paths, exclude).refused)


def unmatched(paths: Iterable[str], exclude: str | Path | None = None) -> list[tuple[str, str]]:
    """Return ``(path, why)`` for each folder or glob in ``paths`` that holds no submission file."""
    return list(gather(paths, exclude).unmatched)


def _name(path: str | Path) -> str:
    """Return ``path`` as text that can be written anywhere: a byte that is not UTF-8 becomes U+FFFD."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def _prefix(real: str) -> str:
    """Return the real path ``real`` of a folder as the start every path inside it has."""
    return real if real.endswith("/") else real + "/"


def _inside(key: str, folder: str) -> bool:
    """Return whether the real path ``key`` is the folder ``folder`` (a ``_prefix``) or lies in it."""
    return key.startswith(folder) or key + "/" == folder


def _refusal(path: str, key: str | None, root: str | None) -> str | None:
    """Return why ``path`` (real path ``key``, found in the folder ``root``; named directly when None) is refused."""
    if not path.isascii():
        try:
            os.fsencode(path).decode("utf-8")
        except UnicodeDecodeError:
            return "the file name is not valid UTF-8; rename the file"
    if root is not None and key is not None and not _inside(key, _prefix(root)):
        return f"a link that leads out of the folder {_name(root)}; name the file it leads to directly to review it"
    return None


def _in_folder(folder: str, root: str, skip: str | None) -> Iterator[tuple[tuple[str, ...], str, str]]:
    """Yield ``(parts, path, real path)`` for each submission file under ``folder`` (real path ``root``).

    ``folder`` is as ``str(Path(...))`` writes it, and so is each ``path``. ``parts`` are the
    path's names below ``folder`` (their order is path order). Linked folders are not entered;
    hidden files and folders, Word lock files and files under ``skip`` (the output folder) are
    left out. Since no folder entered is a link, the real path of a file that is not a link is
    ``root`` joined with its names: only a link is resolved, with its own system calls.
    """
    above = "" if folder == "." else folder if folder.endswith("/") else folder + "/"  # Path(".") / "a" is "a"
    for parts, entry in _walk(folder, ()):
        name = entry.name
        if _suffix(name).lower() not in SUFFIXES or name.startswith((".", "~$")):
            continue
        if entry.is_symlink():
            if not Path(entry.path).is_file():  # a dangling link, a loop, a link to a folder or a special file
                continue
            key = os.path.realpath(entry.path)
        else:
            if not entry.is_file(follow_symlinks=False):
                continue
            key = os.path.join(root, *parts)
        if skip is None or not _inside(key, skip):
            yield parts, above + "/".join(parts), key


def _walk(top: str, above: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], os.DirEntry[str]]]:
    """Yield ``(parts, entry)`` for every entry under ``top`` that is not a folder, entering no linked folder.

    A hidden folder is not entered either (nothing in it is reviewed). A folder that cannot be
    listed is passed over, as ``os.walk`` passes it over.
    """
    try:
        with os.scandir(top) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        parts = (*above, entry.name)
        try:
            folder = entry.is_dir()
        except OSError:
            folder = False
        if not folder:
            yield parts, entry
        elif not entry.is_symlink() and not entry.name.startswith("."):
            yield from _walk(entry.path, parts)


def _suffix(name: str) -> str:
    """Return the suffix of the file name ``name`` as ``Path(name).suffix`` gives it."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _by_pattern(pattern: str, skip: str | None) -> Iterator[tuple[str, str]]:
    """Yield ``(path, real path)`` for each submission file the glob ``pattern`` matches, but those under ``skip``."""
    for match in glob.iglob(pattern, recursive=True):
        path = Path(match)
        if (path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith((".", "~$"))):
            key = os.path.realpath(path)
            if skip is None or not _inside(key, skip):
                yield str(path), key
