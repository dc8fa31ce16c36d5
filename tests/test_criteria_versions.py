"""Two versions of each criteria set: a pin re-runs to the same result, no pin gets the newest (2026.2)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.criteria import resolve_criteria, shipped_criteria
from coursereview.criteria import sets as criteria_sets
from coursereview.documents.criteria_doc import criteria_document
from coursereview.documents.review_context import review_context
from coursereview.errors import CriteriaError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Each example as it was when 2026.2 arrived, pinned to 2026.1, beside the review that 2026.1 gave
# it then (recorded before any 2026.2 code or file existed).
PINNED = Path(__file__).resolve().parent / "data" / "pinned-2026.1"
SETS = ("iimc-academy", "iimc-association", "iimc-institute")


def _recorded(name: str) -> str:
    review = check(load_submission(PINNED / f"{name}.yaml"))
    text = json.dumps(review.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace(f"{PINNED}/", "") + "\n"


@pytest.mark.parametrize("name", sorted(p.stem for p in PINNED.glob("*.yaml")))
def test_a_program_pinned_to_2026_1_gives_exactly_its_old_result(name: str) -> None:
    assert _recorded(name) == (PINNED / f"{name}.json").read_text()


def test_every_example_has_a_recorded_2026_1_result() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(p.name for p in PINNED.glob("*.yaml"))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_an_unpinned_program_is_judged_by_2026_2(path: Path) -> None:
    review = check(load_submission(path))
    assert review.criteria.version == "2026.2"
    assert review.criteria == resolve_criteria(None, review.submission.program.kind, review.submission.program.start)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_2026_2_gives_the_examples_no_new_error(path: Path) -> None:
    submission = load_submission(path)
    old = check(submission, f"iimc-{submission.program.kind}@2026.1")
    new = check(submission)

    def errors(review: Any) -> set[tuple[str, str]]:
        return {(f.code, f.path_text) for f in review.errors}

    assert errors(new) <= errors(old)
    assert (new.tally.contact_hours, new.tally.points) == (old.tally.contact_hours, old.tally.points)


def test_criteria_list_shows_both_versions_of_each_set() -> None:
    result = CliRunner().invoke(main, ["criteria", "list"])
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == [
        f"{set_id}@{version}" for set_id in SETS for version in ("2026.1", "2026.2")]


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "criteria").glob("*.yaml")))
def test_criteria_check_passes_on_every_shipped_file(name: str) -> None:
    result = CliRunner().invoke(main, ["criteria", "check", str(ROOT / "criteria" / name)])
    assert result.exit_code == 0, result.output
    assert ": OK: iimc-" in result.stdout


def test_two_shipped_files_with_one_id_and_version_are_refused(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "criteria" / "iimc-institute-2026.2.yaml").read_text()
    (tmp_path / "a.yaml").write_text(text)
    (tmp_path / "b.yaml").write_text(text.replace("title: IIMC CMC", "title: Another IIMC CMC"))
    monkeypatch.setattr(criteria_sets, "criteria_dir", lambda: tmp_path)
    criteria_sets._shipped.cache_clear()
    try:
        with pytest.raises(CriteriaError, match=r"^criteria/b.yaml: iimc-institute@2026.2 is also shipped as "
                                                r"criteria/a.yaml; give the newer file a new version$"):
            shipped_criteria()
    finally:
        criteria_sets._shipped.cache_clear()


def test_the_new_versions_cite_public_pages_not_our_notes() -> None:
    for s in shipped_criteria():
        if s.version != "2026.2":
            continue
        text = (ROOT / s.file).read_text().lower()
        for internal in ("shared/", "domain.md", "seed 0", "seeds"):
            assert internal not in text, (s.file, internal)


# Each new source, as `criteria show` and the criteria documents must cite it.
NEW_SOURCES = {
    "iimc-institute": ("Northwest Clerks Institute PD I, 40 hours = 20 CMC points",
                       "UNC School of Government, a 6-hour day = 3 CMC points",
                       "Minnesota MCFOA Advanced Academy, 12 hours = 6 MMC points",
                       "IIMC-approved institutes, typically sponsored by a state association",
                       "Arizona (ASU: 40 hours over 5 days", "institute directory",
                       "make-up assignment", "Illinois Master Academy gives 22 contact hours in 2.5 days"),
    "iimc-academy": ("toward the CMC or the MMC", "Northwest Clerks Institute PD IV, 12 MMC or CMC points",
                     "advanced programs for MMC credit", "make-up assignment",
                     "Illinois Master Academy gives 22 contact hours in 2.5 days"),
    "iimc-association": ("make-up assignment", "Illinois Master Academy gives 22 contact hours in 2.5 days"),
}


@pytest.mark.parametrize("set_id", SETS)
def test_criteria_show_and_the_criteria_documents_cite_each_new_source(set_id: str) -> None:
    shown = CliRunner().invoke(main, ["criteria", "show", set_id]).stdout
    assert shown.startswith(f"{set_id}@2026.2: ")
    documents = [criteria_document(resolve_criteria(set_id), fmt).decode() for fmt in ("md", "html")]
    for source in NEW_SOURCES[set_id]:
        assert source in " ".join(shown.split()), source
        for document in documents:
            assert source in document, source


# --- what 2026.2 changes, rule by rule ------------------------------------------------------------


def _program(tmp_path: Path, name: str, change: Any, criteria: str | None = None) -> Any:
    data = yaml.safe_load((EXAMPLES / name).read_text())
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return check(load_submission(path), criteria)


def _long_first_day(data: dict) -> None:
    """Give the academy's first day 9.5 contact hours, as the Illinois Master Academy's long days run."""
    day = data["sessions"][0]["date"]
    last = max((s for s in data["sessions"] if s["date"] == day), key=lambda s: s["end"])
    late = copy.deepcopy(last)
    late.update(title="Evening Case Clinic", start=last["end"], end=_plus(last["end"], 90),
                description="Cases brought by the participants.")
    data["sessions"].append(late)


def _plus(hhmm: str, minutes: int) -> str:
    h, m = (int(x) for x in str(hhmm).split(":"))
    total = h * 60 + m + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


def test_a_day_over_8_hours_is_noted_not_warned(tmp_path: Path) -> None:
    old = _program(tmp_path, "academy.yaml", _long_first_day, "iimc-academy@2026.1")
    new = _program(tmp_path, "academy.yaml", _long_first_day)
    (before,) = [f for f in old.findings if f.code == "H004"]
    (after,) = [f for f in new.findings if f.code == "H004"]
    assert (before.severity, old.verdict) == ("warning", "approvable-with-notes")
    assert (after.severity, new.verdict) == ("info", "approvable")
    assert after.message == before.message == "2027-03-10 has 9.5 contact hours; the maximum is 8.0 a day"


def test_an_academy_basic_session_is_a_warning_because_the_level_rule_is_observed(tmp_path: Path) -> None:
    def basic(data: dict) -> None:
        data["sessions"][0]["level"] = "basic"

    old = _program(tmp_path, "academy.yaml", basic, "iimc-academy@2026.1")
    new = _program(tmp_path, "academy.yaml", basic)
    assert [(f.code, f.severity) for f in old.findings] == [("D006", "error")]
    assert [(f.code, f.severity) for f in new.findings] == [("D006", "warning")]
    assert new.verdict == "approvable-with-notes"
    assert new.criteria.rules["documentation.min_level"].basis == "observed"


def test_academy_points_count_for_the_mmc_or_before_it_the_cmc() -> None:
    review = check(load_submission(EXAMPLES / "academy.yaml"))
    category = "MMC Advanced Education, or CMC Education for a participant who does not yet hold the CMC"
    assert review.to_dict()["totals"]["points_category"] == category
    assert f"11.0 {category}" in dict(review_context(review)["hours"]["rows"]).values()
    assert resolve_criteria("iimc-academy@2026.1").points.category == "MMC Advanced Education"


def test_an_institute_that_names_no_sponsoring_association_is_warned(tmp_path: Path) -> None:
    def no_association(data: dict) -> None:
        del data["provider"]["association"]

    new = _program(tmp_path, "institute-part1.yaml", no_association)
    (finding,) = new.findings
    assert (finding.code, finding.severity, finding.path_text) == ("P003", "warning", "provider")
    assert finding.criterion == "iimc-institute@2026.2 provider.association"
    assert _program(tmp_path, "institute-part1.yaml", no_association, "iimc-institute@2026.1").findings == ()
    for kind in ("academy", "association"):  # only the institute set expects one
        assert "provider.association" not in resolve_criteria(f"iimc-{kind}").rules


def test_the_expected_hours_warning_names_the_approved_variants(tmp_path: Path) -> None:
    def shorter(data: dict) -> None:
        data["sessions"] = data["sessions"][:-1]

    new = _program(tmp_path, "institute-part1.yaml", shorter)
    old = _program(tmp_path, "institute-part1.yaml", shorter, "iimc-institute@2026.1")
    [new_h002] = [f for f in new.findings if f.code == "H002"]
    [old_h002] = [f for f in old.findings if f.code == "H002"]
    assert new_h002.hint.startswith(old_h002.hint + ". ")
    for variant in ("Wisconsin and Illinois give 33 to 34 hours a year", "fourth year", "North Carolina"):
        assert variant in new_h002.hint


def test_a_make_up_policy_is_shown_but_does_not_replace_the_attendance_method(tmp_path: Path) -> None:
    review = check(load_submission(EXAMPLES / "institute-part1.yaml"))
    details = dict(review_context(review)["details"])
    assert details["Make-up policy"] == review.submission.program.makeup
    assert "excused by the director" in details["Make-up policy"]

    def only_makeup(data: dict) -> None:
        del data["program"]["attendance"]

    review = _program(tmp_path, "institute-part1.yaml", only_makeup)
    assert [(f.code, f.severity) for f in review.findings] == [("D002", "warning")]


def test_the_institute_directory_fields_reach_the_title_block(tmp_path: Path) -> None:
    def directory(data: dict) -> None:
        data["provider"]["recognized"] = "5/1/1985"

    details = dict(review_context(_program(tmp_path, "institute-part1.yaml", directory))["details"])
    assert details["IIMC recognition"] == "May 1, 1985"  # in the profile's date style, like every date
    assert details["Program coordinator"] == "Daniel Berg, coordinator@mnclerksinstitute.org"
    assert details["Time to graduate"] == "3 years, one 40-hour week each May"
    conference = dict(review_context(check(load_submission(EXAMPLES / "association-conference.yaml")))["details"])
    assert "IIMC recognition" not in conference and "Make-up policy" not in conference


@pytest.mark.parametrize(("value", "read"), [("1985", "1985"), (1985, "1985"), ("1985-05-01", "1985-05-01"),
                                             ("May 1, 1985", "1985-05-01")])
def test_iimc_recognition_is_a_date_or_a_year(tmp_path: Path, value: object, read: str) -> None:
    def recognized(data: dict) -> None:
        data["provider"]["recognized"] = value

    review = _program(tmp_path, "institute-part1.yaml", recognized)
    assert review.findings == () and review.submission.provider.recognized == read


def test_iimc_recognition_that_is_no_date_is_an_error_at_its_key(tmp_path: Path) -> None:
    def recognized(data: dict) -> None:
        data["provider"]["recognized"] = "long ago"

    review = _program(tmp_path, "institute-part1.yaml", recognized)
    (finding,) = review.findings
    assert (finding.code, finding.path_text) == ("S003", "provider.recognized")
    assert "not a date or a year" in finding.message and finding.hint.endswith("or the year alone")
