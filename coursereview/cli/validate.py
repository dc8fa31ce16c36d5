"""`coursereview validate`: check submissions and print findings like a compiler."""

from __future__ import annotations

import json

import click

from coursereview.check import check, load_submission
from coursereview.cli.common import CRITERIA_HELP, one_line_errors
from coursereview.errors import CourseReviewError
from coursereview.review import Review
from coursereview.tally import fmt


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--criteria", "criteria_ref", metavar="ID[@VERSION]|FILE", help=CRITERIA_HELP)
@click.option("--format", "fmt_", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: file:line:col lines and a summary; json: one JSON object per file, one per line.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option("--explain", is_flag=True, help="Also print the calculation trail: how every total was reached.")
@one_line_errors
def validate(files: tuple[str, ...], criteria_ref: str | None, fmt_: str, strict: bool, explain: bool) -> None:
    """Check course program submissions against the IIMC guideline criteria.

    FILES are YAML, JSON or filled-in Word (.docx) submissions. Each finding is printed as
    file:line:col: severity CODE message (hint), then a summary of the verdict and the hours.

    \b
    Exit status: 0 approvable (with or without notes), 1 not approvable
    (or, with --strict, any warning), 2 a file could not be read.

    \b
    Example:
      coursereview validate examples/institute-part1.yaml --explain
    """
    worst = 0
    for file in files:
        try:
            review = check(load_submission(file), criteria_ref)
        except CourseReviewError as exc:
            click.echo(str(exc), err=True)
            if fmt_ == "json":  # one object per file, always: a reader can pair them with the inputs
                click.echo(json.dumps({"file": file, "verdict": None, "error": str(exc)}, ensure_ascii=False))
            worst = 2
            continue
        if fmt_ == "json":
            click.echo(json.dumps(review.to_dict(), ensure_ascii=False))
        else:
            _print_text(review, explain)
        failed = review.exit_code or (strict and review.warnings)
        worst = max(worst, 1 if failed else 0)
    raise SystemExit(worst)


def _print_text(review: Review, explain: bool) -> None:
    for finding in review.findings:
        click.echo(str(finding))
    t = review.tally
    counts = review.counts
    click.echo(
        f"{review.submission.file}: {review.verdict_text.upper()} by {review.criteria.ref}: "
        f"{t.summary()}; "
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} info"
    )
    areas = ", ".join(f"{area} {fmt(h)}" for area, h in t.area_hours().items())
    click.echo(f"  hours by area: {areas}")
    if explain:
        click.echo("  calculation trail:")
        for line in t.trail:
            where = f"{line.date} {line.start}-{line.end}"
            area = line.area or "-"
            track = f" track {line.track}" if line.track else ""
            note = f"  [{line.note}]" if line.note else ""
            click.echo(f"    sessions[{line.index}] {where} {line.kind:<11} {area:<14}{track} "
                       f"{line.scheduled:>4} min scheduled, {line.counted:>4} counted  {line.title}{note}")
        for step in t.steps():
            click.echo(f"  {step}")
