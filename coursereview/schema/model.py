"""The typed model of a course program submission (what the schema produces, what rules read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import field

from coursereview.findings import Finding
from coursereview.location import SourceMap
from coursereview.records import record
from coursereview.vocabulary import INSTRUCTION


@record
class Director:
    """The program director: IIMC's contact for the submission."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None


@record
class Provider:
    """Who runs the program: the institute, academy or association, its institution and its director."""

    name: str | None = None
    institution: str | None = None
    director: Director = field(default_factory=Director)
    association: tuple[str, ...] = ()  # the sponsoring association(s)
    recognized: str | None = None  # when IIMC recognised the institute: an ISO date, or a year
    coordinator: str | None = None  # the program coordinator, when not the director
    time_to_graduate: str | None = None  # e.g. "3 years, one part a year"


@record
class Program:
    """The program itself: its title, kind, part, dates, place and how it is delivered, assessed and attended."""

    title: str | None = None
    kind: str | None = None
    part: int | None = None
    criteria: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    location: str | None = None
    delivery: str | None = None
    assessment: str | None = None
    attendance: str | None = None
    makeup: str | None = None  # how an absence excused by the director is made up
    certificate: str | None = None


@record
class Instructor:
    """One instructor as listed, with the position of the entry in the submission's instructors list."""

    index: int
    id: str | None = None
    name: str | None = None
    position: str | None = None
    qualifications: str | None = None


@record
class Session:
    """One session of the timetable: what, when, where in the curriculum and who teaches it."""

    index: int  # position in the submission's sessions list (paths use it)
    title: str | None = None
    date: dt.date | None = None
    start: dt.time | None = None
    end: dt.time | None = None
    kind: str = INSTRUCTION
    area: str | None = None
    instructors: tuple[str, ...] = ()
    level: str | None = None
    description: str | None = None
    objectives: tuple[str, ...] = ()
    track: str | None = None
    unmarked: tuple[str, ...] = ()  # "start", "end": written without AM/PM as on a 12-hour clock ("1:15")

    @property
    def label(self) -> str:
        """Return the title, or a stand-in naming the session's position."""
        return self.title or f"session {self.index + 1}"

    @property
    def timed(self) -> bool:
        """Return whether date, start and end are known and the end is after the start."""
        return bool(self.date and self.start and self.end and self.end > self.start)

    @property
    def start_minute(self) -> int:
        return self.start.hour * 60 + self.start.minute if self.start else 0

    @property
    def end_minute(self) -> int:
        return self.end.hour * 60 + self.end.minute if self.end else 0

    @property
    def minutes(self) -> int:
        """Return the scheduled length in minutes (0 when the times are unusable)."""
        return self.end_minute - self.start_minute if self.timed else 0


@record
class Submission:
    """A loaded submission: the model, where each value came from, and its structural findings."""

    provider: Provider
    program: Program
    instructors: tuple[Instructor, ...]
    sessions: tuple[Session, ...]
    sources: SourceMap
    file: str
    sha256: str
    findings: tuple[Finding, ...] = ()
