"""The OpenAPI schema of the REST API stays valid and free of drf-spectacular warnings."""

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient


def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", validate=True, fail_on_warn=True, file=str(target))

    paths = yaml.safe_load(target.read_text())["paths"]
    assert {"/api/v1/assets/", "/api/v1/assets/lookup/", "/api/v1/auth/login/"} <= set(paths)


@pytest.mark.django_db
def test_the_schema_and_its_documentation_page_are_served(client):
    assert APIClient().get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
