"""Provider rules: a director IIMC can reach, an institution for institutes, a sponsoring association."""

from __future__ import annotations

import re
from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context

CODES = ("P001", "P002", "P003")

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


def check(ctx: Context) -> Iterator[Finding]:
    provider = ctx.submission.provider
    email = provider.director.email
    if ctx.rule("provider.director") and email and not _EMAIL.match(email):
        yield ctx.finding("P001", ("provider", "director", "email"), "write it as name@example.org", email=email)
    if ctx.rule("provider.institution") and ctx.submission.program.kind == "institute" and not provider.institution:
        yield ctx.missing("P002", ("provider",), "institution", "the sponsoring university or college")
    if ctx.rule("provider.association") and not provider.association:
        yield ctx.missing("P003", ("provider",), "association", "the clerks' association(s) that sponsor it")
