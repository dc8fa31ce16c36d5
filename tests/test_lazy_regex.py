"""marshmallow's e-mail patterns and PyYAML's scalar patterns are compiled on first use, not at import, and judge
exactly as before."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from marshmallow import ValidationError, validate

from coursereview.lazy_regex import DeferredPattern

ADDRESSES = [
    "b.director@example.org", "jane+iimc@clerks.wa.gov", '"quoted name"@example.org', "user@localhost",
    "user@[192.168.0.1]", "clerk@bücher.example", "clerk@xn--bcher-kva.example", "no-at-sign.example.org",
    "two@@example.org", "user@-leading.example", "user@example", "user@exa_mple.org", "", "a@b.c",
    "ünïcode@example.org", "user@" + "a" * 64 + ".org", "user name@example.org",
]


def _fresh() -> str:
    """Run a fresh interpreter that imports coursereview, and report what its import left behind."""
    code = """
import json, re, sys, types
import coursereview
from coursereview.lazy_regex import DeferredPattern
import marshmallow.validate as v
import yaml
deferred = []
for name, module in list(sys.modules.items()):
    if not isinstance(module, types.ModuleType):
        continue
    for value in list(vars(module).values()):
        inner = vars(value).values() if isinstance(value, type) else ()
        deferred += [name for item in (value, *inner) if isinstance(item, DeferredPattern)]
print(json.dumps({"deferred": sorted(set(deferred)), "compiled": v.Email.DOMAIN_REGEX.compiled,
                  "re_compile": re.compile.__module__}))
"""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_marshmallow_and_yaml_imported_after_coursereview_leave_their_patterns_uncompiled_and_nothing_else() -> None:
    report = json.loads(_fresh())
    assert {name.partition(".")[0] for name in report["deferred"]} == {"marshmallow", "yaml"}
    assert "marshmallow.validate" in report["deferred"] and "yaml.reader" in report["deferred"]
    assert report["compiled"] is False and report["re_compile"] == "re"


YAML_ROUND_TRIP = r"""
import json, sys
if sys.argv[1] == "deferred":
    import coursereview  # first: yaml is imported with its patterns deferred
import yaml
assert ("DeferredPattern" in type(yaml.reader.Reader.NON_PRINTABLE).__name__) == (sys.argv[1] == "deferred")
text = "a: 1.5\nb: 2020-01-01\nc: yes\nd: 0o17\ne: ~\nf: .inf\ng: 1_000\nh: 12:30\ni: 2001-12-14t21:59:43.10-05:00\n"
loaded = yaml.safe_load(text)
pure = yaml.load(text, Loader=yaml.SafeLoader)  # the pure-Python reader and its printable-character check
try:
    yaml.load("bad: \x07", Loader=yaml.SafeLoader)
    refused = ""
except yaml.YAMLError as exc:
    refused = str(exc).splitlines()[0]
dumped = yaml.safe_dump({"n": "123", "b": "yes", "f": "1.5", "d": "2020-01-01", "s": "plain", "t": "12:30"})
print(json.dumps([repr(loaded), repr(pure), refused, dumped]))
"""


def test_yaml_loads_and_dumps_the_same_with_its_patterns_deferred() -> None:
    def run(mode: str) -> list[str]:
        out = subprocess.run([sys.executable, "-c", YAML_ROUND_TRIP, mode], capture_output=True, text=True,
                             check=True).stdout
        return list(json.loads(out))

    deferred, compiled = run("deferred"), run("compiled")
    assert deferred == compiled
    assert "'c': True" in deferred[0] and "datetime.date(2020, 1, 1)" in deferred[0] and "'g': 1000" in deferred[0]
    assert "special characters are not allowed" in deferred[2]
    assert "n: '123'" in deferred[3] and "b: 'yes'" in deferred[3]


@pytest.mark.parametrize("address", ADDRESSES)
def test_marshmallows_email_validator_judges_as_with_patterns_compiled_at_import(address: str) -> None:
    email = validate.Email
    user = re.compile(email.USER_REGEX.pattern, email.USER_REGEX.flags)
    domain = re.compile(email.DOMAIN_REGEX.pattern, email.DOMAIN_REGEX.flags)
    user_part, _, domain_part = address.rpartition("@")
    expected = bool("@" in address and user.match(user_part)
                     and (domain_part in email.DOMAIN_WHITELIST or domain.match(domain_part)))
    try:
        email()(address)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == expected


def test_a_deferred_pattern_is_the_compiled_pattern_once_used() -> None:
    deferred = DeferredPattern(r"(?P<word>[a-z]+)@", re.IGNORECASE)
    assert not deferred.compiled
    assert deferred.match("Clerk@example").group("word") == "Clerk"
    assert deferred.compiled and deferred.flags & re.IGNORECASE and deferred.groupindex == {"word": 1}


BEFORE = """
import json, sys
import yaml  # before coursereview: imported as usual
import coursereview, marshmallow.validate
print(json.dumps([type(yaml.reader.Reader.NON_PRINTABLE).__name__,
                  type(marshmallow.validate.Email.DOMAIN_REGEX).__name__]))
"""


def test_a_library_imported_before_coursereview_is_imported_as_usual() -> None:
    out = subprocess.run([sys.executable, "-c", BEFORE], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == ["Pattern", "DeferredPattern"]
