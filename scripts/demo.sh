#!/usr/bin/env bash
# The Ledgerline demo: migrate, seed the demo register, then run the web server, a Celery worker and Celery beat.
# Ctrl-C (or SIGTERM) stops all three. Run through `make demo`, which sets up .venv first.
# Environment: PORT (default 8000), LEDGERLINE_VAR_DIR (default ./var: SQLite file, broker folder, logs).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
PORT="${PORT:-8000}"
export LEDGERLINE_VAR_DIR="${LEDGERLINE_VAR_DIR:-$PWD/var}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"
# The demo shows the product as users see it: its own 404 and 403 pages, not Django's debug pages (which list
# every URL pattern). Without DEBUG, whitenoise serves the static files collected below, as in production.
export DEBUG="${DEBUG:-false}"
LOG_DIR="$LEDGERLINE_VAR_DIR/log"
mkdir -p "$LOG_DIR"

"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py seed_demo
"$BIN/python" manage.py collectstatic --noinput -v 0

pids=()
stop() {
    trap - INT TERM EXIT
    if ((${#pids[@]})); then
        echo "Stopping the web server, worker and beat..."
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait "${pids[@]}" 2>/dev/null || true
    fi
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap 'stop' EXIT

"$BIN/python" manage.py runserver "127.0.0.1:$PORT" --noreload >"$LOG_DIR/web.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A ledgerline worker -l info --concurrency 1 >"$LOG_DIR/worker.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A ledgerline beat -l info --schedule "$LEDGERLINE_VAR_DIR/celerybeat-schedule" \
    >"$LOG_DIR/beat.log" 2>&1 &
pids+=($!)

# Wait until the web server answers before telling anyone to open it.
if ! "$BIN/python" - "$PORT" <<'PY'; then
import sys, time, urllib.request, urllib.error
url = f"http://127.0.0.1:{sys.argv[1]}/healthz"
for _ in range(120):
    try:
        urllib.request.urlopen(url, timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)  # it answers, even if the broker is not up yet
    except OSError:
        time.sleep(0.5)
sys.exit(1)
PY
    echo "The web server did not start; see $LOG_DIR/web.log" >&2
    exit 1
fi

base="http://127.0.0.1:$PORT"
cat <<TXT

  Ledgerline demo is running.
    Web          $base/
    Admin        $base/admin/
    API docs     $base/api/docs/
    Health       $base/healthz

  Sign in as (password: ledgerline-demo):
    fm         facility manager at Rotterdam (RTM) and Lyon (LYS): web pages
    tech       technician at Rotterdam (RTM): read-only, API for the mobile app
    finance    finance staff: financial fields, admin
    auditor    auditor: reads everything, changes nothing
    admin      administrator (superuser)

  Logs: $LOG_DIR/{web,worker,beat}.log
  Press Ctrl-C to stop.

TXT

# If any of the three stops on its own, stop the others too.
set +e
wait -n "${pids[@]}"
status=$?
echo "A demo process exited (status $status); see the logs in $LOG_DIR." >&2
exit "$status"
