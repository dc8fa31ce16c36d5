"""The floor of a batch, run by ``batch.py`` as a whole process: load + check + the string-join floor's docx.

Run: python benchmarks/_floor_batch.py OUTLINES OUTDIR FILE...
For each FILE: load and check it, build its review context (as the review docx does), and write the
string-join + zip floor of what its review document says (``OUTLINES/<stem>.json`` and its pictures
``OUTLINES/<stem>/``, read back from our document before the timing) to ``OUTDIR/<stem>-review.docx``.
No manifest, no summaries, no atomic replace and no fsync: the least a batch that writes the same
documents could do.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from _floor import floor_docx

from coursereview import check, load_submission
from coursereview.documents.review_context import review_context


def main() -> None:
    outlines, outdir, *files = sys.argv[1:]
    for name in files:
        stem = Path(name).stem
        review = check(load_submission(name))
        review_context(review)
        doc = json.loads((Path(outlines) / f"{stem}.json").read_text(encoding="utf-8"))
        pictures = {f"word/media/{p.name}": p.read_bytes() for p in sorted((Path(outlines) / stem).iterdir())}
        (Path(outdir) / f"{stem}-review.docx").write_bytes(floor_docx(doc, pictures))


if __name__ == "__main__":
    main()
