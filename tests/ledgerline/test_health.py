"""`GET /healthz` tells a load balancer whether the database and the Celery broker can be reached."""

import socket

import pytest

from ledgerline.celery import app as celery_app

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at a Redis port nobody listens on; put the real broker back afterwards."""
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads this variable before its own settings
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    saved = {key: celery_app.conf.get(key) for key in ("broker_url", "broker_transport_options")}
    celery_app.conf.update(broker_url=url, broker_transport_options={})
    yield url
    celery_app.conf.update(saved)


def test_unavailable_with_a_reason_when_the_broker_is_down(client, broker_down):
    response = client.get("/healthz")

    # Then the check fails with 503 and says which part is down
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"
