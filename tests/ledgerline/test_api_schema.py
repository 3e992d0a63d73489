"""The OpenAPI schema of the REST API stays valid and free of drf-spectacular warnings."""

import re

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


def _external_references(html: str) -> set[str]:
    """Every src/href in a page that names a host (absolute or protocol-relative URL)."""
    return set(re.findall(r"""(?:src|href)\s*=\s*["']((?:[a-z][a-z0-9+.-]*:)?//[^"']+)""", html, re.IGNORECASE))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_documentation_pages_load_nothing_from_another_host(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert _external_references(html) == set()
    # Redoc's bundle links its maker's logo on a CDN: the page's policy keeps the browser from loading it.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"""<script[^>]+src="([^"]+)""", html)
    assert scripts and all(src.startswith("/static/drf_spectacular_sidecar/") for src in scripts)
    for src in scripts:
        assert client.get(src).status_code == 200
