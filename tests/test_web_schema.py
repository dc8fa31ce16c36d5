"""schemathesis against the API's own OpenAPI document: no 5xx, every response as the document says."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import positive_data_acceptance

from coursereview.web import Settings, create_app
from coursereview.web.uploads import DOCX

schemathesis.serializer.alias(DOCX, "application/octet-stream")  # a Word body is bytes like any other

_DATA = tempfile.TemporaryDirectory(prefix="coursereview-api-")  # removed when the test run ends
APP = create_app(Settings(data_dir=Path(_DATA.name) / "data", soffice=""))
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_document(case: schemathesis.Case) -> None:
    # A well-formed request may still be a file that is not a submission (422, documented): the
    # check that every schema-valid body gets a 2xx does not apply to a checker of untrusted files.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
