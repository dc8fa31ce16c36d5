"""The organisation profile: who issues the documents (letterhead, contact facts, signatory, date style)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from coursereview.errors import CourseReviewError
from coursereview.intake import parse_text, read_bytes
from coursereview.resources import templates_dir
from coursereview.schema.adapter import flatten

DATE_STYLES = ("us", "long", "iso")
MAX_LOGO_BYTES = 1024 * 1024
_IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


class ProfileError(CourseReviewError):
    """An organisation profile cannot be used (unreadable, invalid, or its logo is)."""


@dataclass(frozen=True)
class Profile:
    """Who issues the documents: name, department, contact facts, optional logo, signatory, date style."""

    name: str
    short_name: str
    department: str
    address: tuple[str, ...]
    phone: str
    email: str
    web: str
    signatory_name: str
    signatory_title: str
    date_style: str = "us"
    logo: bytes | None = None  # PNG or JPEG bytes
    logo_type: str | None = None  # "png" | "jpeg"

    def date(self, day: dt.date | None) -> str:
        """Return ``day`` in the profile's date style: "May 17, 2027" (us), "17 May 2027" (long), ISO."""
        if day is None:
            return ""
        if self.date_style == "iso":
            return day.isoformat()
        if self.date_style == "long":
            return f"{day.day} {day:%B %Y}"
        return f"{day:%B} {day.day}, {day.year}"

    @property
    def issuer(self) -> str:
        """Return who issues the documents as a sentence names them: "IIMC Education Department"."""
        return " ".join(x for x in (self.short_name, self.department) if x)

    def send_to(self) -> str:
        """Return where a provider sends a submission: the issuer and its e-mail address."""
        return f"{self.issuer}, {self.email}" if self.email else self.issuer

    def contact_lines(self) -> list[str]:
        """Return the letterhead's contact lines: address lines, then phone, e-mail and web on one line."""
        reach = " | ".join(x for x in (self.phone, self.email, self.web) if x)
        return [*self.address, *([reach] if reach else [])]


class _SignatorySchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))


class _ProfileSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    short_name = fields.String(load_default="", validate=validate.Length(max=40))
    department = fields.String(load_default="", validate=validate.Length(max=200))
    address = fields.List(fields.String(validate=validate.Length(max=200)), load_default=list,
                          validate=validate.Length(max=6))
    phone = fields.String(load_default="", validate=validate.Length(max=60))
    email = fields.String(load_default="", validate=validate.Length(max=200))
    web = fields.String(load_default="", validate=validate.Length(max=200))
    logo = fields.String(load_default="", validate=validate.Length(max=300))
    signatory = fields.Nested(_SignatorySchema, required=True)
    date_style = fields.String(load_default="us", validate=validate.OneOf(DATE_STYLES))


def load_profile(path: str | FsPath | None = None) -> Profile:
    """Return the profile in ``path`` (YAML), or the shipped default (IIMC's Education Department) for None."""
    if path is None:
        return _shipped()
    path = FsPath(path)
    try:
        raw = read_bytes(path)
    except CourseReviewError as exc:
        raise ProfileError(str(exc)) from None
    return _from_bytes(raw, path.name, path.parent)


@functools.cache
def _shipped() -> Profile:
    """Return the shipped profile, read once (every document of a batch is issued by it)."""
    return _from_bytes((templates_dir() / "profile.yaml").read_bytes(), "profile.yaml", None)


def _from_bytes(raw: bytes, name: str, folder: FsPath | None) -> Profile:
    try:
        document = parse_text(raw, name, schema_id=None)
    except CourseReviewError as exc:
        raise ProfileError(str(exc)) from None
    schema = _ProfileSchema()
    try:
        data: dict[str, Any] = schema.load(document.data)
    except ValidationError as exc:
        problem = flatten(exc.messages, document.data, schema)[0]
        sources = document.sources
        where = sources.key(problem.path) if problem.kind == "unknown" else sources.value(problem.path)
        key = ".".join(str(p) for p in problem.path)
        message = f"unknown key {key!r}" if problem.kind == "unknown" else f"{key}: {problem.message}"
        raise ProfileError(f"{where}: {message}") from None
    logo, logo_type = _logo(data["logo"], folder, name)
    return Profile(
        name=data["name"], short_name=data["short_name"] or data["name"], department=data["department"],
        address=tuple(data["address"]), phone=data["phone"], email=data["email"], web=data["web"],
        signatory_name=data["signatory"]["name"], signatory_title=data["signatory"]["title"],
        date_style=data["date_style"], logo=logo, logo_type=logo_type,
    )


def _logo(given: str, folder: FsPath | None, name: str) -> tuple[bytes | None, str | None]:
    """Return the logo's bytes and type; the file must sit in the profile's own folder."""
    if not given:
        return None, None
    if folder is None or "/" in given or "\\" in given or given.startswith("."):
        raise ProfileError(f"{name}: logo: give the name of an image file in the profile's own folder")
    try:
        raw = read_bytes(folder / given, MAX_LOGO_BYTES)
    except CourseReviewError as exc:
        raise ProfileError(f"{name}: logo: {exc}") from None
    for magic, kind in _IMAGE_MAGIC.items():
        if raw.startswith(magic):
            return raw, kind
    raise ProfileError(f"{name}: logo: {given!r} is not a PNG or JPEG image")
