"""Criteria: versioned criteria sets (criteria/*.yaml) with their own schema, chosen by program kind and date."""

from coursereview.criteria.sets import (
    RULE_TYPES,
    Area,
    CriteriaSet,
    Points,
    Rule,
    check_criteria_file,
    criteria_sha256,
    criteria_source,
    load_criteria_file,
    resolve_criteria,
    shipped_criteria,
    shipped_sha256s,
    validate_criteria_data,
)

__all__ = [
    "RULE_TYPES",
    "Area",
    "CriteriaSet",
    "Points",
    "Rule",
    "check_criteria_file",
    "criteria_sha256",
    "criteria_source",
    "load_criteria_file",
    "resolve_criteria",
    "shipped_criteria",
    "shipped_sha256s",
    "validate_criteria_data",
]
