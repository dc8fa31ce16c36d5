"""Every criteria rule is declared once, in the findings catalog, and everything else follows from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coursereview.criteria import RULE_TYPES, Rule, shipped_criteria
from coursereview.criteria.describe import rule_sentence
from coursereview.criteria.sets import _check_value
from coursereview.findings import CATALOG, RULES
from coursereview.resources import criteria_dir

CRITERIA_FILES = sorted(
    [(f"criteria/{entry.name}", entry.read_text()) for entry in criteria_dir().iterdir()
     if entry.name.endswith((".yaml", ".yml"))]
    + [("tests/data/criteria-custom.yaml", (Path(__file__).parent / "data" / "criteria-custom.yaml").read_text())]
)

# A value each type accepts, and one it refuses.
GOOD = {"number": 12.5, "integer": 30, "flag": True, "keywords": ["ethics"], "level": "intermediate"}
BAD = {"number": -1, "integer": 2.5, "flag": False, "keywords": [], "level": "expert"}


def test_every_finding_type_names_a_declared_rule() -> None:
    undeclared = {t.code: t.rule for t in CATALOG.values() if t.rule is not None and t.rule not in RULES}
    assert not undeclared


def test_every_declared_rule_drives_a_finding() -> None:
    driving = {t.rule for t in CATALOG.values()}
    assert sorted(set(RULES) - driving) == []


def test_rules_are_keyed_by_their_own_id() -> None:
    assert all(rule_id == rule.id for rule_id, rule in RULES.items())


@pytest.mark.parametrize(("name", "text"), CRITERIA_FILES, ids=[f[0] for f in CRITERIA_FILES])
def test_criteria_files_use_only_declared_rules(name: str, text: str) -> None:
    rules = yaml.safe_load(text)["rules"]
    assert rules, name
    assert sorted(set(rules) - set(RULES)) == []


def test_rule_types_are_derived_from_the_catalog() -> None:
    assert {rule_id: rule.value_type for rule_id, rule in RULES.items()} == RULE_TYPES


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_each_rule_value_type_is_checked(rule_id: str) -> None:
    value_type = RULES[rule_id].value_type
    assert _check_value(rule_id, GOOD[value_type]) is None
    assert (_check_value(rule_id, BAD[value_type]) or "").startswith("value must be ")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_each_sentence_shows_the_value_unless_it_is_a_flag(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert rule.sentence.endswith(".") and rule.sentence[0].isupper()
    assert ("{v}" in rule.sentence) == (rule.value_type != "flag")


def test_every_shipped_rule_is_described_by_its_declared_sentence() -> None:
    for criteria in shipped_criteria():
        for rule in criteria.rules.values():
            sentence = rule_sentence(rule)
            assert rule.id not in sentence and "{v}" not in sentence
            assert sentence.startswith(RULES[rule.id].sentence.split("{v}")[0])


def test_a_sentence_shows_lists_and_numbers_as_people_write_them() -> None:
    ethics = Rule("areas.ethics", ["ethics", "ethical"], "observed", "s", "warning")
    assert rule_sentence(ethics) == "At least one session covers ethics (its title or description mentions: " \
                                    "ethics, ethical)."
    hours = Rule("program.min_hours", 30.0, "published", "s", "error")
    assert rule_sentence(hours) == "The program gives at least 30 contact hours."
