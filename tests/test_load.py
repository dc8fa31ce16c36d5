"""Bad and hostile input files: one clear line, exit 2, no traceback; locations are exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview.cli import main
from coursereview.intake import MAX_BYTES, parse_text

GOOD_HEAD = b"schema: coursereview/submission@1\n"

# (id, file name, bytes, text expected in the one line)
HOSTILE = [
    ("invalid-utf8", "s.yaml", GOOD_HEAD + b"provider:\n  name: Caf\xe9\n", "s.yaml:3:12: invalid UTF-8 (byte 0xE9)"),
    ("utf16", "s.yaml", "schema: x\n".encode("utf-16"), "s.yaml:1:1: file is UTF-16 encoded"),
    ("tab-indent", "s.yaml", GOOD_HEAD + b"provider:\n\tname: x\n", "s.yaml:3:1: tab character in indentation"),
    ("duplicate-key", "s.yaml", GOOD_HEAD + b"provider: {}\nprovider: {}\n", "s.yaml:3:1: duplicate key 'provider'"),
    ("python-tag", "s.yaml", GOOD_HEAD + b"provider: !!python/object/apply:os.system [ls]\n",
     "s.yaml:2:11: YAML tag"),
    ("custom-tag", "s.yaml", GOOD_HEAD + b"provider: !secret x\n", "s.yaml:2:11: YAML tag '!secret' is not allowed"),
    ("billion-laughs", "s.yaml",
     GOOD_HEAD + b"a: &a [x, x, x, x, x, x, x, x, x]\n"
     + b"".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode() for i in range(9)),
     "YAML aliases expand to too much data"),
    ("many-aliases", "s.yaml", GOOD_HEAD + b"a: &a x\nb: [" + b", ".join([b"*a"] * 150) + b"]\n",
     "more than 100 YAML aliases"),
    ("deep-nesting", "s.yaml", GOOD_HEAD + b"a: " + b"[" * 200 + b"]" * 200 + b"\n", "nesting deeper than 32 levels"),
    ("not-a-mapping", "s.yaml", b"- just\n- a list\n", "s.yaml:1:1: the top level must be a mapping"),
    ("empty", "s.yaml", b"\n\n", "s.yaml:1:1: file is empty"),
    ("unknown-schema", "s.yaml", b"schema: coursereview/submission@9\n", "s.yaml:1:9: unknown schema"),
    ("bad-yaml", "s.yaml", GOOD_HEAD + b"provider: [unclosed\n", "s.yaml:3:1: invalid YAML"),
    ("control-char", "s.yaml", GOOD_HEAD + b"provider: a\x07b\n", "s.yaml:2:12: control character U+0007"),
    ("bad-json", "s.json", b'{"schema": "coursereview/submission@1",\n "provider": }', "s.json:2:14: invalid JSON"),
    ("json-duplicate", "s.json", b'{"program": {}, "program": {}}', "s.json:1:17: duplicate key 'program'"),
    ("json-deep", "s.json", b"[" * 5000 + b"]" * 5000, "nesting deeper than 32 levels"),
    ("too-big", "s.yaml", GOOD_HEAD + b"# " + b"x" * MAX_BYTES + b"\n", "the limit for a submission is 2.0 MiB"),
]


@pytest.mark.parametrize(("name", "content", "expected"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_file_gives_one_line_and_exit_2(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0].replace(str(tmp_path) + "/", "")
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_missing_file_and_directory(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and result.stderr.strip().endswith("nope.yaml: no such file")


def test_other_files_are_still_checked_after_a_bad_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff")
    good = Path(__file__).parent / "data" / "base-institute.yaml"
    result = CliRunner().invoke(main, ["validate", str(bad), str(good)])
    assert result.exit_code == 2
    assert "APPROVABLE" in result.stdout


def test_utf8_bom_is_accepted() -> None:
    document = parse_text(b"\xef\xbb\xbf" + GOOD_HEAD + b"program: {}\n", "s.yaml")
    assert document.data["program"] == {}


def test_times_and_dates_stay_as_typed() -> None:
    document = parse_text(GOOD_HEAD + b"a: 13:00\nb: 2027-07-12\nc: 0830\nd: yes\ne: 1\nf: 1.5\ng: ~\n", "s.yaml")
    assert document.data == {"schema": "coursereview/submission@1", "a": "13:00", "b": "2027-07-12", "c": "0830",
                             "d": "yes", "e": 1, "f": 1.5, "g": None}


def test_locations_of_values_and_keys() -> None:
    document = parse_text(GOOD_HEAD + b"sessions:\n  - title: A\n    end: '10:00'\n", "s.yaml")
    value = document.sources.value(("sessions", 0, "end"))
    key = document.sources.key(("sessions", 0, "end"))
    assert (value.line, value.column) == (4, 10)
    assert (key.line, key.column) == (4, 5)
    assert str(document.sources.value(("sessions", 0, "missing"))) == "s.yaml:3:5"


def test_json_values_have_locations() -> None:
    document = parse_text(b'{"schema": "coursereview/submission@1",\n "program": {"title": "T"}}', "s.json", True)
    location = document.sources.value(("program", "title"))
    assert (location.line, location.column) == (2, 23)


@pytest.mark.parametrize(("name", "content", "expected"), [h[1:] for h in HOSTILE if h[1].endswith(".yaml")],
                         ids=[h[0] for h in HOSTILE if h[1].endswith(".yaml")])
def test_pure_python_parser_gives_the_same_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str,
                                                 content: bytes, expected: str) -> None:
    """Where libyaml is not installed the pure-Python parser runs: same errors, same locations."""
    import yaml

    from coursereview.intake import text as load

    monkeypatch.setattr(load, "_Loader", yaml.SafeLoader)
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert expected in result.stderr.replace(str(tmp_path) + "/", "")


def test_word_form_locations_sort_by_row_number() -> None:
    from coursereview.location import Location

    rows = [Location("f.docx", where=f'sessions table, row {n}, column "End"') for n in (60, 8, 12)]
    assert [r.where.split(",")[1] for r in sorted(rows, key=Location.sort_key)] == [" row 8", " row 12", " row 60"]


def test_office_files_with_other_suffixes_get_a_word_message(tmp_path: Path) -> None:
    import zipfile

    doc = tmp_path / "old.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    odt = tmp_path / "form.odt"
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    for path, expected in ((doc, "Word 97-2003 .doc"), (odt, "not an Office document")):
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert result.exit_code == 2
        assert expected in result.stderr and "UTF-8" not in result.stderr
