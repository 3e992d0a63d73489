"""QR labels: a printable page whose code opens the asset's page through /t/<tag>."""

import pytest
from django.urls import reverse

from assetreg import labels

pytestmark = pytest.mark.django_db


def test_label_shows_tag_name_site_and_an_inline_qr(world, client_for, settings):
    settings.SITE_URL = "https://assets.example.org/"

    response = client_for("technician").get(reverse("assetreg:asset_label", args=[world.home_asset.pk]))

    assert response.context["label_url"] == "https://assets.example.org/t/HQ-PUMP-1"
    assert "HQ-PUMP-1" in response.text
    assert "Boiler feed pump" in response.text
    assert "Headquarters" in response.text
    assert "<svg" in response.text and 'class="qr"' in response.text
    assert "<img" not in response.text


def test_qr_svg_is_a_scalable_svg_element():
    svg = labels.qr_svg("https://assets.example.org/t/HQ-PUMP-1", title="QR <HQ>")

    assert svg.startswith("<svg")
    assert "viewBox" in svg
    assert 'width="' not in svg.split(">", 1)[0]
    assert "<HQ>" not in svg  # the title is escaped


def test_tag_redirect_opens_the_asset_for_any_case(world, client_for):
    response = client_for("technician").get(reverse("assetreg:tag_redirect", args=["hq-pump-1"]))

    assert response.status_code == 302
    assert response["Location"] == world.home_asset.get_absolute_url()


def test_scanning_while_logged_out_asks_to_log_in_first(world, client):
    response = client.get("/t/HQ-PUMP-1")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/t/HQ-PUMP-1" in response["Location"]
