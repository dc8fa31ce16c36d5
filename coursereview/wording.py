"""How numbers, suggestions and untrusted text are written for people: hours, points, "did you mean", escapes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable


def fmt(value: float) -> str:
    """Return hours or points for people: ``40.0``, ``37.5``, ``22.33``."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def number(value: float) -> str:
    """Return a number from a criteria set for people: ``4``, ``30``, ``0.5``, ``37.5`` (no ``4.0``)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return fmt(value)


# --- text shown to people -----------------------------------------------------------------------

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # embeddings, overrides, isolates
_HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}\ud800-\udfff]")


def shown(text: object) -> str:
    """Return ``text`` as it may be shown to people: in a terminal, a document or a web page.

    Bidirectional embedding, override and isolate characters (U+202A-U+202E, U+2066-U+2069),
    which make text display in another order than it is read, and control characters (but tab
    and newline), which a terminal obeys, are written as visible escapes (``\\u202e``, ``\\x1b``);
    so is a byte of a file name that was not UTF-8 (``\\xff``). Other text is unchanged.
    """
    return _HIDDEN.sub(_escape, str(text))


def shown_json(text: str) -> str:
    """Return JSON ``text`` with each character ``shown`` escapes written as a JSON escape (``\\u202e``).

    The data is the same once read; only what a terminal or a viewer would show changes.
    """
    return _HIDDEN.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by Python as a lone surrogate
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# --- did you mean -------------------------------------------------------------------------------

MAX_CANDIDATES = 500  # did_you_mean compares a word with at most this many choices
MAX_WORD = 100  # ... and only words and choices at most this long (longer ones are not typos of a name)
MAX_WORK = 400_000  # ... and stops once the comparisons have cost this much (characters times characters)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6, work: int = MAX_WORK) -> str | None:
    """Return "did you mean 'x'?" for the choice closest to ``word`` in any case, or None when none is close.

    ``cutoff`` is difflib's similarity ratio (0 to 1) a choice must reach. The work is bounded, since
    a hostile file may list tens of thousands of names: only the first ``MAX_CANDIDATES`` choices are
    compared, neither a word nor a choice longer than ``MAX_WORD`` characters, and the comparisons
    stop once they have cost ``work`` (a full comparison of two texts costs their lengths multiplied).
    """
    return _closest(word, choices, cutoff, work)[0]


def _closest(word: str, choices: Iterable[str], cutoff: float, work: int) -> tuple[str | None, int]:
    """Return the hint for ``word`` (as difflib.get_close_matches would choose) and the work it took."""
    if len(word) > MAX_WORD:
        return None, 0
    import difflib  # here: a clean submission never asks for a suggestion

    by_lower: dict[str, str] = {}
    for choice in itertools.islice(choices, MAX_CANDIDATES):
        if len(choice) <= MAX_WORD:
            by_lower.setdefault(choice.lower(), choice)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word.lower())
    size = max(len(word), 1)
    spent = 0
    best: tuple[float, str] | None = None
    for lowered in by_lower:
        if spent >= work:
            break
        matcher.set_seq1(lowered)
        spent += size + len(lowered)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        spent += size * max(len(lowered), 1)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, lowered) > best):
            best = (score, lowered)
    return (f"did you mean {by_lower[best[1]]!r}?" if best else None), spent


class Suggestions:
    """Did-you-mean hints for one check, with the work bounded for all of them together.

    A hostile file may hold tens of thousands of unknown names: each distinct word is compared
    once (its hint is remembered), and once the comparisons have cost ``work`` in all, no more
    are made and None is returned (the caller's plain hint is shown instead).
    """

    def __init__(self, work: int = 10 * MAX_WORK) -> None:
        self.left = work
        self._seen: dict[tuple[str, float, tuple[str, ...]], str | None] = {}

    def __call__(self, word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
        """Return did_you_mean(word, choices, cutoff), or None once the work allowed is spent."""
        options = tuple(itertools.islice(choices, MAX_CANDIDATES))
        key = (word, cutoff, options)
        if key not in self._seen:
            if self.left <= 0:
                return None
            hint, spent = _closest(word, options, cutoff, min(self.left, MAX_WORK))
            self.left -= spent
            self._seen[key] = hint
        return self._seen[key]
