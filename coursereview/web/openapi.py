"""The OpenAPI 3.1 document of the JSON API (served at /api/v1/openapi.json; schemathesis tests the API against it)."""

from __future__ import annotations

import json
from typing import Any

from coursereview import __version__
from coursereview.criteria import shipped_criteria
from coursereview.vocabulary import KINDS, SEVERITIES, VERDICTS
from coursereview.web.uploads import DOCX, MAX_NAME


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


_STRING = {"type": "string"}
_FINDING = {
    "type": "object",
    "required": ["code", "name", "severity", "message", "path", "file", "line", "column", "where", "hint", "criterion",
                 "provisional"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z][0-9]{3}$", "description": "Stable finding code, e.g. T001."},
        "name": _STRING,
        "severity": {"enum": list(SEVERITIES)},
        "message": _STRING,
        "path": {"type": "string", "description": "Where in the data, e.g. sessions[3].end."},
        "file": _nullable("string"),
        "line": _nullable("integer"),
        "column": _nullable("integer"),
        "where": _nullable("string", description='A place in a Word form: sessions table, row 7, column "End".'),
        "hint": _STRING,
        "criterion": _STRING,
        "provisional": {"type": "boolean"},
    },
}
_REVIEW = {
    "type": "object",
    "description": "The review: exactly what `coursereview validate --format json` prints.",
    "required": ["file", "sha256", "verdict", "criteria", "program", "totals", "counts", "findings"],
    "properties": {
        "file": _STRING,
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "verdict": {"enum": list(VERDICTS)},
        "criteria": {"type": "object", "required": ["id", "version", "sha256"],
                     "properties": {"id": _STRING, "version": _STRING, "sha256": _STRING}},
        "program": {
            "type": "object",
            "required": ["title", "provider", "kind", "part", "start", "end"],
            "properties": {"title": _nullable("string"), "provider": _nullable("string"),
                           "kind": _nullable("string"), "part": _nullable("integer"),
                           "start": _nullable("string", format="date"), "end": _nullable("string", format="date")},
        },
        "totals": {
            "type": "object",
            "required": ["contact_hours", "points", "points_category", "areas", "days"],
            "properties": {
                "contact_hours": {"type": "number"},
                "points": {"type": "number"},
                "points_category": _STRING,
                "areas": {"type": "object", "additionalProperties": {"type": "number"},
                          "description": "Contact hours by curriculum area id."},
                "days": {"type": "object", "additionalProperties": {"type": "number"},
                         "description": "Contact hours by ISO date."},
            },
        },
        "counts": {"type": "object", "required": list(SEVERITIES),
                   "properties": {s: {"type": "integer", "minimum": 0} for s in SEVERITIES}},
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    },
}
_LINKS = {"type": "object", "required": ["self", "page", "docx"],
          "properties": {"self": _STRING, "page": _STRING, "docx": _STRING}}
_CRITERIA_SUMMARY = {
    "type": "object",
    "required": ["id", "version", "ref", "title", "kinds", "effective_from", "effective_until", "sha256", "links"],
    "properties": {
        "id": _STRING, "version": _STRING, "ref": {"type": "string", "description": "id@version"}, "title": _STRING,
        "kinds": {"type": "array", "items": {"enum": list(KINDS)}},
        "effective_from": {"type": "string", "format": "date"},
        "effective_until": _nullable("string", format="date"),
        "sha256": _STRING, "links": _LINKS,
    },
}
_CRITERIA = {
    "allOf": [
        {"$ref": "#/components/schemas/CriteriaSummary"},
        {
            "type": "object",
            "required": ["description", "hour_minutes", "counts", "points", "hours", "areas", "rules"],
            "properties": {
                "description": _STRING,
                "hour_minutes": {"type": "integer"},
                "counts": {"type": "object", "additionalProperties": {"type": "boolean"},
                           "description": "Whether each session kind counts as contact time."},
                "points": {"type": "object", "required": ["category", "hours_per_point", "unit", "basis", "source"],
                           "properties": {"category": _STRING, "hours_per_point": {"type": "number"},
                                          "unit": {"type": "number"}, "basis": _STRING, "source": _STRING}},
                "hours": {"type": "array", "items": _STRING},
                "areas": {"type": "array", "items": {
                    "type": "object", "required": ["id", "title", "description", "topics", "min_hours"],
                    "properties": {"id": _STRING, "title": _STRING, "description": _STRING,
                                   "topics": {"type": "array", "items": _STRING}, "min_hours": {"type": "number"}}}},
                "rules": {"type": "array", "items": {
                    "type": "object", "required": ["id", "value", "text", "basis", "severity", "source", "note"],
                    "properties": {"id": _STRING, "value": {"description": "A number, true, or a list of words."},
                                   "text": _STRING, "basis": _STRING, "severity": {"enum": list(SEVERITIES)},
                                   "source": _STRING, "note": _STRING}}},
            },
        },
    ],
}
# Any file is taken: problems in a submission are findings in the review (200); only a file that cannot be
# read at all is a 422. So the body has no schema to violate; the README describes the submission format.
_ANY_FILE: dict[str, Any] = {"description": "A submission in the coursereview/submission@1 format (see the README)."}
_CHECK_RESPONSES = {
    "200": {"description": "The review (whatever the verdict).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Review"}}}},
    "400": _problem("No file, an empty body, or an unknown criteria set."),
    "413": _problem("The file is larger than 2 MiB."),
    "415": _problem("The body's Content-Type is not one the check takes."),
    "422": _problem("The file cannot be read as a submission (syntax, encoding, hostile content, no program kind)."),
}


def _examples() -> tuple[dict[str, Any], str]:
    """Return a shipped example submission as JSON data and as YAML text (the document's request examples)."""
    from coursereview.intake import parse_text
    from coursereview.resources import examples_dir

    text = (examples_dir() / "institute-part1.yaml").read_text(encoding="utf-8")
    data = parse_text(text.encode("utf-8"), "institute-part1.yaml").data
    return json.loads(json.dumps(data, default=str)), text


def document() -> dict[str, Any]:
    """Return the OpenAPI document."""
    binary = {"type": "string", "format": "binary"}
    as_json, as_yaml = _examples()
    refs = sorted({s.ref for s in shipped_criteria()} | {s.id for s in shipped_criteria()})
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "coursereview API",
            "version": __version__,
            "description": "Check IIMC continuing-education course programs and read the criteria they are judged "
                           "by. Errors are RFC 9457 problem details.",
        },
        "paths": {
            "/api/v1/check": {"post": {
                "operationId": "check",
                "summary": "Check a submission (YAML, JSON or a filled Word form) and return its review",
                "parameters": [
                    {"name": "name", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": MAX_NAME},
                     "description": "The file name shown in the review's locations (default: upload.<type>)."},
                    {"name": "criteria", "in": "query", "required": False, "schema": {"enum": refs},
                     "description": "Judge by this shipped criteria set (id or id@version) instead of the one "
                                    "the program kind chooses."},
                ],
                "requestBody": {"required": True, "content": {
                    "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                                       "properties": {"file": binary}}},
                    "application/json": {"schema": _ANY_FILE, "example": as_json},
                    "application/yaml": {"schema": _ANY_FILE, "example": as_yaml},
                    DOCX: {"schema": binary},
                }},
                "responses": _CHECK_RESPONSES,
            }},
            "/api/v1/criteria": {"get": {
                "operationId": "listCriteria",
                "summary": "List the shipped criteria sets",
                "responses": {"200": {"description": "The criteria sets.", "content": {"application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/CriteriaSummary"}}}}}},
            }},
            "/api/v1/criteria/{ref}": {"get": {
                "operationId": "getCriteria",
                "summary": "One criteria set in full",
                "parameters": [{"name": "ref", "in": "path", "required": True, "schema": {"type": "string"},
                                "example": refs[0],
                                "description": "id@version, or id for the newest version."}],
                "responses": {
                    "200": {"description": "The criteria set.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Criteria"}}}},
                    "404": _problem("No shipped criteria set has that id or id@version."),
                },
            }},
        },
        "components": {"schemas": {
            "Review": _REVIEW,
            "Finding": _FINDING,
            "CriteriaSummary": _CRITERIA_SUMMARY,
            "Criteria": _CRITERIA,
            "Problem": {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
                "type": _STRING, "title": _STRING, "status": {"type": "integer"}, "detail": _STRING}},
        }},
    }
