"""Refusals show the product's own 404 and 403 pages, and the log has one line for them, not a traceback."""

import logging

from django.urls import reverse


def test_an_asset_at_another_site_is_the_products_404_page_and_logs_no_warning(world, client_for, caplog):
    caplog.set_level(logging.INFO)

    response = client_for("facility_manager").get(reverse("assetreg:asset_detail", args=[world.away_asset.pk]))

    assert response.status_code == 404
    assert "Nothing here" in response.content.decode()
    assert world.away_asset.asset_tag not in response.content.decode()
    assert [record for record in caplog.records if record.name == "django.request"] == []


def test_a_page_the_role_may_not_open_is_the_products_403_page_and_logs_no_traceback(client_for, caplog):
    caplog.set_level(logging.INFO)

    response = client_for("facility_manager").get(reverse("finance:run_list"))

    assert response.status_code == 403
    assert "You may not do this" in response.content.decode()
    assert [record for record in caplog.records if record.exc_info] == []
