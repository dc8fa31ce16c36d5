"""`coursereview new` and `coursereview import`: the blank form or template, and reading a filled Word form."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from coursereview.cli.common import CRITERIA_HELP, Fail, one_line_errors, profile_option
from coursereview.io import check_writable, write_atomic
from coursereview.vocabulary import KINDS

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile


@click.command("new")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The file to write: .docx for a Word form, .yaml or .yml for a commented YAML template.")
@click.option("--kind", type=click.Choice(KINDS), default="institute", show_default=True,
              help="The kind of program the form is for.")
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE",
              help=CRITERIA_HELP + " Default: the newest set for --kind.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@profile_option()
@one_line_errors
def new(output: str, kind: str, criteria_ref: str | None, force: bool, profile: Profile) -> None:
    """Write a blank submission to fill in: a Word form (.docx) or a commented YAML file.

    The form lists the curriculum areas and the hours the criteria set requires, then has tables
    for the provider, the program, the instructors and the sessions. Check it when filled with
    `coursereview validate`, or turn it into YAML with `coursereview import`.

    \b
    Example:
      coursereview new -o nwci-2027.docx --kind institute
      coursereview new -o academy.yaml --kind academy
    """
    suffix = Path(output).suffix.lower()
    if suffix not in (".docx", ".yaml", ".yml"):
        raise Fail(f"{output}: cannot tell the format; name the file .docx (Word form) or .yaml (YAML template)")
    check_writable(output, force)
    from coursereview.criteria import resolve_criteria  # here: `import` never loads the criteria schema

    criteria = resolve_criteria(criteria_ref, kind)
    if kind not in criteria.kinds:
        raise Fail(f"criteria set {criteria.ref} is for {', '.join(criteria.kinds)} programs, not {kind}")
    if suffix == ".docx":
        from coursereview.documents.form import build_form

        data: bytes | str = build_form(criteria, kind, criteria_ref, profile)
    else:
        from coursereview.documents.yaml_template import blank_submission

        data = blank_submission(criteria, kind, criteria_ref, profile)
    write_atomic(output, data, force)
    click.echo(f"{output}: blank {kind} {'Word form' if suffix == '.docx' else 'YAML submission'} "
               f"for {criteria.ref}", err=True)


@click.command("import")
@click.argument("form", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The YAML file to write.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@one_line_errors
def import_(form: str, output: str, force: bool) -> None:
    """Read a filled-in Word form into a clean, commented YAML submission.

    Dates and times are written the standard way (2027-07-12, "13:30"), area titles become area
    ids and instructor names become ids. What cannot be read is copied as written, so that
    `coursereview validate` reports it.

    \b
    Example:
      coursereview new -o nwci-2027.docx
      coursereview import nwci-2027.docx -o nwci-2027.yaml
    """
    if Path(output).suffix.lower() not in (".yaml", ".yml"):
        raise Fail(f"{output}: the output of import is YAML; name it .yaml")
    check_writable(output, force)
    from coursereview.documents.yaml_template import dump_submission
    from coursereview.intake.form import read_form

    document = read_form(form)
    write_atomic(output, dump_submission(document.data, document.file), force)
    sessions = document.data.get("sessions", [])
    click.echo(f"{output}: {len(sessions)} sessions imported from {form}", err=True)


def write_criteria_document(ref: str, fmt_: str | None, output: str | None, force: bool,
                            profile: Profile | None = None) -> None:
    """Write criteria set ``ref`` as a docx, md or html document (``criteria show --format``)."""
    from coursereview.criteria import resolve_criteria
    from coursereview.documents.criteria_doc import FORMATS, criteria_document

    if fmt_ is None and output:
        fmt_ = {".htm": "html", ".markdown": "md"}.get(Path(output).suffix.lower(), Path(output).suffix.lower()[1:])
    if fmt_ not in FORMATS:
        raise Fail(f"{output}: cannot tell the format; give --format docx, md or html")
    if fmt_ == "docx" and not output:
        raise Fail("a docx document needs a file: give -o FILE.docx")
    if output:
        check_writable(output, force)
    data = criteria_document(resolve_criteria(ref), fmt_, profile)
    if output:
        write_atomic(output, data, force)
        click.echo(f"{output}: criteria document ({fmt_})", err=True)
    else:
        click.echo(data.decode("utf-8"), nl=False)
