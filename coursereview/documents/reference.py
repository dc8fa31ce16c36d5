"""The review's reference number: a short, stable name for one submission's content, quoted in letters."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coursereview.review import Review

PREFIX = "CR-"


def review_reference(review: Review) -> str:
    """Return the reference of ``review``: "CR-" and 8 base32 characters of its submission's sha256.

    The same content always gives the same reference; 40 bits make two submissions of one season
    sharing a reference vanishingly unlikely, and base32 (A-Z, 2-7) reads aloud without 0/O or 1/I doubts.
    """
    digest = bytes.fromhex(review.submission.sha256)
    return PREFIX + base64.b32encode(digest[:5]).decode("ascii")
