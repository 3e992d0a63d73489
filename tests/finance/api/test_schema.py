"""The valuation endpoints are documented in the OpenAPI schema, with their own named enumerations."""

import yaml
from django.core.management import call_command


def test_the_schema_documents_the_valuation_endpoints(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))

    schema = yaml.safe_load(target.read_text())
    assert {
        "/api/v1/assets/{id}/schedule/",
        "/api/v1/assets/{id}/ledger/",
        "/api/v1/assets/{id}/book-value/",
        "/api/v1/assets/{id}/revalue/",
        "/api/v1/assets/{id}/impair/",
        "/api/v1/assets/{id}/reverse-impairment/",
        "/api/v1/assets/{id}/improve/",
        "/api/v1/assets/{asset_pk}/readings/",
        "/api/v1/book-values/",
        "/api/v1/depreciation-runs/",
        "/api/v1/depreciation-runs/{id}/",
        "/api/v1/depreciation-runs/{id}/failures/",
    } <= set(schema["paths"])
    assert {"EntryKindEnum", "RunStatusEnum"} <= set(schema["components"]["schemas"])
    assert "202" in schema["paths"]["/api/v1/depreciation-runs/"]["post"]["responses"]
