# Ledgerline developer commands. Needs only Python 3.11, 3.12 or 3.13 on the PATH.
#   make demo   set up .venv, migrate, seed demo data, run web + Celery worker + beat (Ctrl-C stops all)
#   make test   set up .venv and run the whole test suite (DATABASE_URL / CELERY_BROKER_URL are passed through)
#   make lint   ruff check, ruff format --check and mypy
# PYTHON=/path/to/python3.x picks the interpreter; VENV=.venv-3.13 keeps a second virtualenv beside .venv.

SHELL := /bin/bash
# The supported versions, oldest first; pyproject.toml's requires-python says the same.
PY_SUPPORTED := 3.11, 3.12 or 3.13
PY_IN_RANGE := import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)
# The newest supported python3.x that runs (a pyenv shim for a version that is not selected does not), else
# python3 if it is in range.
PYTHON ?= $(shell for c in python3.13 python3.12 python3.11 python3; do \
	p=$$(command -v $$c 2>/dev/null) && $$p -c '$(PY_IN_RANGE)' 2>/dev/null && { echo $$p; break; }; done)
NO_PYTHON := Python $(PY_SUPPORTED) is needed: none of python3.13, python3.12, python3.11 or python3 on the PATH \
is one of them. Install one, or set PYTHON=/path/to/python3.x.
SET_PYTHON := Set PYTHON=/path/to/python3.x (3.11 to 3.13).
VENV ?= .venv
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
	@test -n "$(PYTHON)" || { echo "$(NO_PYTHON)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -c '$(PY_IN_RANGE)' || { \
		echo "Python $(PY_SUPPORTED) is needed; $(PYTHON) is $$($(PYTHON) -V 2>&1). $(SET_PYTHON)" >&2; exit 1; }
	@test -x $(BIN)/python || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c '$(PY_IN_RANGE)' || { echo "$(VENV) runs $$($(BIN)/python -V 2>&1), but Python \
$(PY_SUPPORTED) is needed; remove it (rm -rf $(VENV)) and run make again." >&2; exit 1; }
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
