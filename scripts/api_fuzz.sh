#!/usr/bin/env bash
# Schemathesis over the whole OpenAPI schema, against a live server started for it on 127.0.0.1 and seeded with
# the demo register, authenticated once as a facility manager (fm) and once as finance staff (finance).
# Fails on any server error (5xx) and on any response that the schema does not describe (status code, content
# type, headers, body). Bounded: API_FUZZ_EXAMPLES test cases per operation and phase (default 10).
#
#   make api-fuzz                      # on a throw-away SQLite file
#   DATABASE_URL=postgres://... make api-fuzz   # on an (empty or migrated) PostgreSQL database
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=.venv/bin/python
PORT="${API_FUZZ_PORT:-8765}"
EXAMPLES="${API_FUZZ_EXAMPLES:-10}"
SEED="${API_FUZZ_SEED:-20261205}"
BASE="http://127.0.0.1:${PORT}"

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Own uploads, logs and Celery broker folder (no worker: queued runs just wait); the database is DATABASE_URL's
# or a SQLite file in the same folder.
export LEDGERLINE_VAR_DIR="$work/var"
unset CELERY_BROKER_URL
export DEBUG=true

echo "Preparing the API server's database (migrate, demo data)"
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py seed_demo >/dev/null

# gunicorn with two worker processes, as in production. schemathesis runs one worker: with two threads, CPython
# 3.11's ast module can crash inside Hypothesis ("AST constructor recursion depth mismatch"), a tool error, not ours.
.venv/bin/gunicorn ledgerline.wsgi --bind "127.0.0.1:${PORT}" --workers 2 --timeout 60 --no-control-socket \
    --error-logfile - >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
    if "$PYTHON" -c "import urllib.request; urllib.request.urlopen('${BASE}/healthz', timeout=2)" 2>/dev/null; then
        break
    fi
    sleep 0.5
done

token_for() {  # token_for USERNAME: a device token from the API's own login
    "$PYTHON" - "$BASE" "$1" <<'PY'
import json, sys, urllib.request
base, username = sys.argv[1], sys.argv[2]
body = json.dumps({"username": username, "password": "ledgerline-demo", "device_name": "schemathesis"}).encode()
request = urllib.request.Request(f"{base}/api/v1/auth/login/", body, {"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=30))["token"])
PY
}

status=0
for role in fm finance; do
    token=$(token_for "$role")
    echo
    echo "==> schemathesis as ${role}"
    # Logging out or revoking tokens would end the run's own session: those two are covered by the test suite.
    .venv/bin/schemathesis run "${BASE}/api/schema/" \
        --header "Authorization: Token ${token}" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --exclude-path /api/v1/auth/logout/ \
        --exclude-path "/api/v1/auth/tokens/{token_key}/" \
        --phases examples,coverage,fuzzing \
        --max-examples "$EXAMPLES" \
        --seed "$SEED" \
        --workers 1 \
        --request-timeout 30 \
        --suppress-health-check all \
        --no-color \
        || status=$?
done
if [ "$status" -ne 0 ]; then
    echo "schemathesis found failures; the server's log follows." >&2
    tail -n 200 "$work/server.log" >&2
fi
exit "$status"
