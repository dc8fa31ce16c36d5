"""The organisation profile: the shipped default, a profile of one's own, and profiles that cannot be used."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from coursereview.documents.profile import ProfileError, load_profile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_shipped_profile_is_iimcs_education_department() -> None:
    profile = load_profile()
    assert profile.name == "International Institute of Municipal Clerks"
    assert profile.short_name == "IIMC"
    assert "Education" in profile.department
    assert profile.signatory_title == "Director of Professional Development"
    assert profile.date(dt.date(2027, 5, 17)) == "May 17, 2027"
    assert profile.logo is None


@pytest.mark.parametrize(("style", "expected"), [("us", "July 4, 2027"), ("long", "4 July 2027"),
                                                   ("iso", "2027-07-04")])
def test_date_styles(tmp_path: Path, style: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: Ohio Clerks\nsignatory: {{name: A B, title: Chair}}\ndate_style: {style}\n")
    assert load_profile(path).date(dt.date(2027, 7, 4)) == expected


def test_a_profile_of_ones_own_with_a_logo(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    path = tmp_path / "p.yaml"
    path.write_text("name: Ohio Municipal Clerks Association\naddress: [1 Main St, 'Columbus, OH 43215']\n"
                    "phone: (614) 555-0100\nemail: ed@ohclerks.org\nlogo: logo.png\n"
                    "signatory: {name: Dana Whitaker, title: Education Chair}\n")
    profile = load_profile(path)
    assert (profile.logo, profile.logo_type) == (PNG, "png")
    assert profile.short_name == profile.name
    assert profile.contact_lines() == ["1 Main St", "Columbus, OH 43215", "(614) 555-0100 | ed@ohclerks.org"]


@pytest.mark.parametrize(("text", "files", "expected"), [
    ("name: X\n", {}, "p.yaml:1:1: signatory: Missing data for required field."),
    ("name: X\nsignatory: {name: A, title: B}\ncolour: red\n", {}, "p.yaml:3:1: unknown key 'colour'"),
    ("name: X\nsignatory: {name: A, title: B}\ndate_style: french\n", {}, "date_style: Must be one of"),
    ("name: X\nsignatory: {name: A, title: B}\nlogo: ../../etc/passwd\n", {}, "in the profile's own folder"),
    ("name: X\nsignatory: {name: A, title: B}\nlogo: logo.png\n", {"logo.png": b"GIF89a"}, "not a PNG or JPEG"),
    ("name: X\nsignatory: {name: A, title: B}\nlogo: big.png\n", {"big.png": PNG + b"\x00" * (1024 * 1024)},
     "the limit"),
    ("name: X\nsignatory: {name: A, title: B}\nlogo: gone.png\n", {}, "no such file"),
    ("- just a list\n", {}, "the top level must be a mapping"),
], ids=["no-signatory", "unknown-key", "bad-date-style", "logo-path", "logo-not-image", "logo-too-big",
        "logo-missing", "not-a-mapping"])
def test_profiles_that_cannot_be_used_say_why_in_one_line(tmp_path: Path, text: str, files: dict[str, bytes],
                                                           expected: str) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_profile_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="no such file"):
        load_profile(tmp_path / "nope.yaml")
