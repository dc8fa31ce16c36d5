"""Turn a Word document into PDF with LibreOffice (headless, in a private temporary folder, with a time limit)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from coursereview.errors import CourseReviewError

TIMEOUT = 120.0  # seconds; a first start of LibreOffice (new profile) takes a few
_NAMES = ("soffice", "libreoffice")


class PdfError(CourseReviewError):
    """A PDF cannot be made: LibreOffice is missing, failed or took too long."""


def find_soffice() -> str | None:
    """Return the path of LibreOffice's ``soffice`` when it is installed, else None."""
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def docx_to_pdf(data: bytes, soffice: str | None = None, timeout: float = TIMEOUT,
                profile: str | Path | None = None) -> bytes:
    """Return the PDF LibreOffice prints from the .docx bytes ``data``.

    The conversion runs in a fresh temporary folder with its own LibreOffice profile (``profile``
    names a folder to keep one between calls, which saves the first-start cost; calls sharing one
    must not overlap). A conversion that runs past ``timeout`` seconds is killed with its children.
    """
    program = soffice or find_soffice()
    if not program:
        raise PdfError("PDF needs LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="coursereview-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(data)
        user = Path(profile) if profile else folder / "profile"
        command = [program, f"-env:UserInstallation={user.resolve().as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        _run(command, timeout)
        target = folder / "document.pdf"
        if not target.is_file():
            raise PdfError("LibreOffice wrote no PDF (is the document a Word file?)")
        return target.read_bytes()


def _run(command: list[str], timeout: float) -> None:
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise PdfError(f"cannot start LibreOffice ({command[0]}): {exc.strerror or exc}") from None
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise PdfError(f"LibreOffice took longer than {timeout:g} s to make the PDF; it was stopped") from None
    except BaseException:
        _kill(process)
        raise
    if process.returncode != 0:
        last = output.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise PdfError(f"LibreOffice failed to make the PDF (exit {process.returncode}): {last[0][:200]}")


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Stop LibreOffice and the office process it started (they share a process group)."""
    with contextlib.suppress(OSError):
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:  # Windows: no process groups here; soffice ends its office process when killed
            process.kill()
    process.wait()
