# Ledgerline developer commands. Needs only Python 3.11 on the PATH (python3.11 or python3).
#   make demo   set up .venv, migrate, seed demo data, run web + Celery worker + beat (Ctrl-C stops all)
#   make test   set up .venv and run the whole test suite (DATABASE_URL / CELERY_BROKER_URL are passed through)
#   make lint   ruff check, ruff format --check and mypy

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help venv demo test lint api-fuzz migrate seed clean

help:
	@echo "make demo    run the demo (web on http://127.0.0.1:$(PORT)/, Celery worker and beat); PORT=8000"
	@echo "make test    run the test suite (set DATABASE_URL and CELERY_BROKER_URL for PostgreSQL and Redis)"
	@echo "make lint    ruff check, ruff format --check, mypy"
	@echo "make api-fuzz  schemathesis over the whole API schema against a live demo server (fm and finance)"
	@echo "make migrate / make seed / make clean"

# The virtualenv is (re)installed only when pyproject.toml is newer than the stamp.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed: put python3.11 (or python3) on the PATH." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
		"Python 3.11 is needed; " + sys.executable + " is " + sys.version.split()[0] + ". Set PYTHON=/path/to/python3.11.")'
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else \
		"$(VENV) runs Python " + sys.version.split()[0] + "; remove it (rm -rf $(VENV)) and run make again.")'
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

demo: $(STAMP)
	PORT=$(PORT) ./scripts/demo.sh

# pytest exits with 5 when it ran no test: that is a failure too, said plainly.
test: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS) || { status=$$?; [ $$status -ne 5 ] || echo "pytest ran no tests." >&2; exit $$status; }

# All three run even when one fails, so one pass shows everything to fix.
lint: $(STAMP)
	@status=0; \
	echo "ruff check ."; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check ."; $(BIN)/ruff format --check . || status=1; \
	echo "mypy ."; $(BIN)/mypy . || status=1; \
	exit $$status

# Schemathesis against a server started for it on 127.0.0.1 (API_FUZZ_PORT, default 8765) with the demo data;
# fails on any server error or response the schema does not describe. API_FUZZ_EXAMPLES bounds the cases.
api-fuzz: $(STAMP)
	./scripts/api_fuzz.sh

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
