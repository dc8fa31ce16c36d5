"""Every finding code is produced by at least one input, at the right data path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from coursereview import CATALOG, check, load_submission
from coursereview.rules import families

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())
CUSTOM = str(DATA / "criteria-custom.yaml")


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return mutate


def _all(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        for m in mutations:
            m(doc)

    return mutate


def _as_kind(kind: str) -> Callable[[dict], None]:
    return _all(_set(("program", "kind"), kind), _drop(("program", "part")))


def _only_sessions(*indexes: int) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        doc["sessions"] = [doc["sessions"][i] for i in indexes]

    return mutate


def _no_ethics(doc: dict) -> None:
    for s in doc["sessions"]:
        s["title"] = s["title"].replace("Ethics and ", "")
        s["description"] = s.get("description", "").replace("ethics and ", "")


def _add_instructor(doc: dict) -> None:
    doc["instructors"].append({"id": "cat", "name": "Cat Unused", "qualifications": "x"})


# (code, mutation, expected path, criteria)
CASES = [
    ("S001", _set(("program", "titel"), "x"), "program.titel", None),
    ("S002", _drop(("program", "title")), "program.title", None),
    ("S003", _set(("program", "delivery"), "by-carrier-pigeon"), "program.delivery", None),
    ("S004", _set(("sessions", 0, "date"), "2027-02-30"), "sessions[0].date", None),
    ("S005", _set(("sessions", 0, "start"), "25:00"), "sessions[0].start", None),
    ("T001", _set(("sessions", 0, "end"), "07:30"), "sessions[0].end", None),
    ("T002", _set(("sessions", 2, "start"), "11:00"), "sessions[2].start", None),
    ("T003", _set(("sessions", 0, "date"), "2027-06-01"), "sessions[0].date", None),
    ("T004", _set(("program", "end"), "2027-05-01"), "program.end", None),
    ("T005", _set(("sessions", 0, "start"), "05:00"), "sessions[0].start", None),
    ("T006", _all(_set(("sessions", 2, "start"), "6:00"), _set(("sessions", 2, "end"), "9:00")),
     "sessions[2].start", None),
    ("T007", _only_sessions(0, 1, 2, 6, 7, 8, 9, 10, 11, 12, 13, 14), "sessions", None),
    ("H001", _all(_as_kind("association"), _only_sessions(1)), "sessions", None),
    ("H002", _only_sessions(0, 1, 2, 3, 4, 5), "sessions", None),
    ("H003", _set(("sessions", 0, "end"), "08:20"), "sessions[0].end", None),
    ("H004", _all(_set(("sessions", 1, "kind"), "instruction"), _set(("sessions", 1, "area"), "government"),
                  _set(("sessions", 1, "instructors"), ["ann"]), _set(("sessions", 1, "level"), "basic"),
                  _set(("sessions", 1, "description"), "Working lunch.")), "sessions[0].date", None),
    ("H005", _set(("sessions", 0, "end"), "11:45"), "sessions[0].end", None),
    ("H006", _all(_as_kind("association"), _only_sessions(1)), "sessions", None),
    ("H007", lambda doc: None, "sessions", CUSTOM),
    ("H008", _drop(("sessions", 1, "kind")), "sessions[1].kind", None),
    ("A001", _set(("sessions", 0, "area"), "clerk-roll"), "sessions[0].area", None),
    ("A002", lambda doc: None, "sessions", CUSTOM),
    ("A003", _only_sessions(0, 1, 2), "sessions", None),
    ("A004", _no_ethics, "sessions", None),
    ("A005", _drop(("sessions", 0, "area")), "sessions[0]", None),
    ("I001", _set(("sessions", 0, "instructors"), ["ann", "zed"]), "sessions[0].instructors[1]", None),
    ("I002", _add_instructor, "instructors[2]", None),
    ("I003", _drop(("instructors", 0, "qualifications")), "instructors[0]", None),
    ("I004", _all(_set(("sessions", 2, "start"), "11:00"), _set(("sessions", 2, "instructors"), ["ann"])),
     "sessions[2].instructors", None),
    ("I005", _drop(("sessions", 0, "instructors")), "sessions[0]", None),
    ("I006", _set(("instructors", 1, "id"), "ann"), "instructors[1].id", None),
    ("D001", _drop(("program", "assessment")), "program", None),
    ("D002", _drop(("program", "attendance")), "program", None),
    ("D003", _drop(("program", "certificate")), "program", None),
    ("D004", _drop(("sessions", 0, "description")), "sessions[0]", None),
    ("D005", _drop(("sessions", 0, "level")), "sessions[0]", None),
    ("D006", _as_kind("academy"), "sessions[0].level", None),
    ("P001", _set(("provider", "director", "email"), "dana at example"), "provider.director.email", None),
    ("P002", _drop(("provider", "institution")), "provider", None),
    ("P003", _drop(("provider", "association")), "provider", None),
]


def _review(tmp_path: Path, mutate: Callable[[dict], None], criteria: str | None = None):
    doc = copy.deepcopy(BASE)
    mutate(doc)
    path = tmp_path / "submission.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return check(load_submission(path), criteria)


def test_base_fixture_is_clean(tmp_path: Path) -> None:
    review = _review(tmp_path, lambda doc: None)
    assert review.findings == ()
    assert review.verdict == "approvable"


@pytest.mark.parametrize(("code", "mutate", "path", "criteria"), CASES, ids=[c[0] for c in CASES])
def test_code_is_produced(tmp_path: Path, code: str, mutate, path: str, criteria: str | None) -> None:
    review = _review(tmp_path, mutate, criteria)
    pairs = {(f.code, f.path_text) for f in review.findings}
    assert (code, path) in pairs, pairs
    finding = next(f for f in review.findings if f.code == code)
    assert finding.location is not None and finding.location.line is not None
    assert finding.message and finding.criterion


def test_every_catalog_code_has_a_case() -> None:
    assert sorted({c[0] for c in CASES}) == sorted(CATALOG)


def test_every_code_belongs_to_one_rule_family_or_the_schema() -> None:
    emitted = [code for codes, _ in families().values() for code in codes]
    assert len(emitted) == len(set(emitted))
    schema_codes = {"S001", "S002", "S003", "S004", "S005"}
    assert set(emitted) | schema_codes == set(CATALOG)


def test_severity_follows_the_rule_basis(tmp_path: Path) -> None:
    review = _review(tmp_path, _all(_drop(("program", "attendance")), _drop(("program", "certificate"))))
    by_code = {f.code: f for f in review.findings}
    assert by_code["D002"].severity == "warning"  # observed basis
    assert by_code["D003"].severity == "error"  # published basis
    assert review.verdict == "not-approvable"


def test_provisional_rules_are_marked(tmp_path: Path) -> None:
    review = _review(tmp_path, _drop(("instructors", 0, "qualifications")))
    (finding,) = [f for f in review.findings if f.code == "I003"]
    assert finding.provisional and finding.severity == "warning"
    assert review.verdict == "approvable-with-notes"


def test_findings_sort_by_file_line_code(tmp_path: Path) -> None:
    review = _review(tmp_path, _all(_drop(("program", "attendance")), _set(("sessions", 0, "area"), "nope")))
    keys = [f.sort_key() for f in review.findings]
    assert keys == sorted(keys)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    review = _review(tmp_path, _set(("provider", "director", "emial"), "x@y.org"))
    (finding,) = [f for f in review.findings if f.code == "S001"]
    assert finding.hint == "did you mean 'email'?"


def test_concurrent_tracks_may_overlap_and_count_once(tmp_path: Path) -> None:
    def mutate(doc: dict) -> None:
        del doc["sessions"][1]  # lunch
        doc["sessions"][0]["track"] = "A"  # 08:00-12:00
        doc["sessions"][1].update(start="10:00", end="14:00", track="B")

    review = _review(tmp_path, mutate)
    assert "T002" not in {f.code for f in review.findings}
    assert review.tally.total_minutes == 32 * 60 + 6 * 60  # 08:00-14:00 counts 6 hours, not 8
    assert sum(review.tally.area_minutes.values()) == 40 * 60  # per area: hours offered


def test_empty_required_fields_are_missing_not_invalid(tmp_path: Path) -> None:
    review = _review(tmp_path, _all(_set(("program", "start"), None), _set(("provider", "name"), None)))
    pairs = {(f.code, f.path_text) for f in review.findings}
    assert ("S002", "program.start") in pairs and ("S002", "provider.name") in pairs
    assert not any(f.code in ("S003", "S004") for f in review.findings)


def test_a_crowded_day_gives_at_most_one_overlap_finding_per_session(tmp_path: Path) -> None:
    def crowd(doc: dict) -> None:
        day = doc["sessions"][0]
        doc["sessions"] = [copy.deepcopy(dict(day, title=f"Parallel {i}")) for i in range(300)]  # one teacher

    review = _review(tmp_path, crowd)
    overlaps = [f for f in review.findings if f.code == "T002"]
    double = [f for f in review.findings if f.code == "I004"]
    assert len(overlaps) == 299 and len(double) == 299
    assert len({f.path for f in overlaps}) == 299


def test_tracks_may_overlap_each_other_but_not_a_general_session(tmp_path: Path) -> None:
    def tracks(doc: dict) -> None:
        first = doc["sessions"][0]  # 08:00-12:00
        doc["sessions"][:1] = [copy.deepcopy(dict(first, track="A")), dict(first, track="B", instructors=["bob"]),
                               dict(first, title="Plenary", start="11:00", end="12:00", instructors=["cat"])]
        doc["instructors"].append({"id": "cat", "name": "Cat", "qualifications": "q"})

    review = _review(tmp_path, tracks)
    overlaps = [(f.path_text, f.message) for f in review.findings if f.code == "T002"]
    assert len(overlaps) == 1 and overlaps[0][0] == "sessions[2].start"
