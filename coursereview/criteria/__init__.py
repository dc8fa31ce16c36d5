"""Criteria: versioned criteria sets (criteria/*.yaml) with their own schema, chosen by program kind and date.

The names below are imported on first use (lazy_loader): a batch run with
nothing to do compares criteria files by hash and never loads the criteria schema.
"""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
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
        validate_criteria_data,
    )
    from coursereview.criteria.shipped import shipped_sha256s

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

__getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
    "sets": [name for name in __all__ if name != "shipped_sha256s"],
    "shipped": ["shipped_sha256s"],  # the files as shipped, hashed, never parsed
})
