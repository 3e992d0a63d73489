"""`GET /healthz`: is the database reachable, is the broker reachable? 200 when both are, else 503."""

from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure means unhealthy; the message helps the operator
        return False, f"{type(exc).__name__}: {exc}"


def _broker_ok() -> tuple[bool, str]:
    from ledgerline.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, f"{type(exc).__name__}: {exc}"


def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_msg = _database_ok()
    broker_ok, broker_msg = _broker_ok()
    healthy = db_ok and broker_ok
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": db_msg, "broker": broker_msg},
        status=200 if healthy else 503,
    )
