"""Building the typed submission reads the plain data and never changes it, clean or broken."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from coursereview.intake import load_document
from coursereview.schema import build_submission

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_document_is_left_as_it_was_read(path: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["sessions"][:0] = [42, {"date": "someday", "start": "25:00"}]
    data["program"]["part"] = "first"
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    for source in (path, broken):
        document = load_document(source)
        before = copy.deepcopy(document.data)
        submission = build_submission(document)
        assert document.data == before
        if source == broken:
            assert submission.findings, "the broken copy must exercise pruning"
