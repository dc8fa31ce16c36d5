"""The fields of a submission as the Word form and the YAML template present them (one list, three uses)."""

from __future__ import annotations

from coursereview.records import record
from coursereview.vocabulary import DELIVERY, KINDS, LEVELS, SESSION_KINDS


@record
class Field:
    """One value a director fills in: where it goes in the data, and how to explain it."""

    path: tuple[str, ...]  # relative to its table: ("director", "email") in the provider table, ("end",) in sessions
    label: str  # the row label or column header in the Word form, e.g. "Director email"
    help: str  # what it means, for people; how to write it depends on the format, so it comes from ``kind``
    need: str = "optional"  # "required", "optional" or a condition such as "required for institutes"
    kind: str = "text"  # text | date | time | part | choice | area | ids | lines | names
    choices: tuple[str, ...] = ()
    example: str = ""  # as the Word form shows it (a choice by its value, an area by its id)

    @property
    def key(self) -> str:
        """Return the last key of the path (the YAML key)."""
        return self.path[-1]


# The note above the example row of the form's instructors and sessions tables; the row under it is
# read as an example (and left out) while every cell still holds the example's text.
EXAMPLE_MARK = "Example — replace or leave"

_INSTITUTES = "optional, for institutes"  # what IIMC's institute directory records of each institute

PROVIDER: tuple[Field, ...] = (
    Field(("name",), "Provider name", "the institute, academy or association that runs the program", "required",
          example="Northwest Clerks Institute"),
    Field(("institution",), "Institution", "the sponsoring university or college", "required for institutes",
          example="University of Puget Sound"),
    Field(("director", "name"), "Director name", "the program director, IIMC's contact", "required",
          example="Jane Doe, MMC"),
    Field(("director", "email"), "Director email", "the director's email address", "required",
          example="director@example.edu"),
    Field(("director", "phone"), "Director phone", "the director's telephone number", example="253-555-0100"),
    Field(("association",), "Association",
          "the clerks' association(s) that sponsor the program (institutes are expected to name one)",
          kind="names", example="Oregon Association of Municipal Recorders"),
    Field(("recognized",), "IIMC recognition", "when IIMC recognised the institute (a date, or the year alone)",
          _INSTITUTES, "date", example="1985"),
    Field(("coordinator",), "Program coordinator", "who coordinates the program, when not the director "
          "(name and contact)", _INSTITUTES, example="Sam Lee, slee@example.edu"),
    Field(("time_to_graduate",), "Time to graduate", "how long a participant takes to complete the institute",
          _INSTITUTES, example="3 years, one part a year"),
)

PROGRAM: tuple[Field, ...] = (
    Field(("title",), "Program title", "the name of this program (and year or part)", "required",
          example="Northwest Clerks Institute 2027, Year 1"),
    Field(("kind",), "Kind", "institute (CMC, multi-year), academy (MMC advanced) or association program",
          "required", "choice", KINDS),
    Field(("part",), "Part", "which year or part of a multi-year institute", "institutes only", "part",
          example="1"),
    Field(("criteria",), "Criteria set", "the criteria set to judge by (id or id@version); empty: chosen by kind",
          example="iimc-institute"),
    Field(("start",), "Start date", "the first day of the program", "required", "date", example="7/11/2027"),
    Field(("end",), "End date", "the last day of the program", "required", "date", example="7/16/2027"),
    Field(("location",), "Location", "city and state, or 'online'", example="Tacoma, WA"),
    Field(("delivery",), "Delivery", "how the program is given", kind="choice", choices=DELIVERY),
    Field(("assessment",), "Learning assessment", "how participants' learning is assessed", "required",
          example="Knowledge transfer plan approved by the director"),
    Field(("attendance",), "Attendance", "how attendance is verified", "required",
          example="Sign-in sheet each morning and afternoon"),
    Field(("makeup",), "Make-up policy", "how an absence excused by the director is made up; "
          "empty when every session must be attended", example="Written assignment set by the director"),
    Field(("certificate",), "Certificate", "the certificate or transcript template (file name or description)",
          "required", example="certificate-template.pdf"),
)

INSTRUCTORS: tuple[Field, ...] = (
    Field(("id",), "ID", "a short name for the instructor that sessions may use instead of the full name; "
          "left empty, it is made from the name (Karen Olson, MMC: karen-olson)", example="jdoe"),
    Field(("name",), "Name", "full name with designations", "required", example="Jane Doe, MMC"),
    Field(("position",), "Position", "job title and employer", example="City Clerk, City of Example"),
    Field(("qualifications",), "Qualifications", "why this person is qualified to teach the sessions", "required",
          example="20 years as clerk; IIMC Academy faculty"),
)

SESSIONS: tuple[Field, ...] = (
    Field(("date",), "Date", "the day of the session; left empty, the date of the session above", "required", "date",
          example="7/12/2027"),
    Field(("start",), "Start", "when the session starts (or the whole range, such as 8:00 - 10:00 AM)", "required",
          "time", example="8:30 AM"),
    Field(("end",), "End", "when the session ends, after the start", "required", "time", example="10:00 AM"),
    Field(("kind",), "Kind", "instruction (the default), exam; break, meal and social count no hours",
          kind="choice", choices=SESSION_KINDS, example="instruction"),
    Field(("title",), "Title", "the session title", "required", example="The Role of the Municipal Clerk"),
    Field(("area",), "Area", "the curriculum area the session counts toward",
          "required for instruction", "area", example="clerk-role"),
    Field(("level",), "Level", "the level the session is offered at (MMC credit needs intermediate or advanced)",
          "required for instruction", "choice", LEVELS, example="basic"),
    Field(("instructors",), "Instructors", "who presents the session: names or ids from the instructors list",
          "required for instruction", "ids", example="jdoe, asmith"),
    Field(("track",), "Track", "concurrent breakouts: sessions in different tracks may overlap"),
    Field(("description",), "Description", "what the session covers", "required for instruction",
          example="Duties of the clerk under state law"),
    Field(("objectives",), "Objectives", "learning objectives", kind="lines",
          example="Name the statutory duties of the clerk"),
)


def display(value: str) -> str:
    """Return how the Word form lists an allowed value: "in-person" -> "In person"."""
    return value.replace("-", " ").capitalize()


def example_text(f: Field, area_titles: dict[str, str]) -> str:
    """Return what the form's example row shows in ``f``'s column: a choice as listed, an area by its title."""
    if f.kind == "area":
        return area_titles.get(f.example) or next(iter(area_titles.values()), "")
    return display(f.example) if f.choices and f.example else f.example
