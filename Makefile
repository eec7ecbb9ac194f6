# Entraide 54 — the two commands: `make run` (embedded default) and `make test` (PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The embedded default: SQLite under var/, eager Celery tasks, emails and SMS on the console.
# `make run PORT=8123` serves on 8123; the settings build SITE_URL (links in emails and SMS) from PORT.
PORT ?= 8000
RUN_ENV := DEBUG=1 DJANGO_SETTINGS_MODULE=entraide.settings.base PORT=$(PORT)

.PHONY: install run test lint services chromium e2e smoke migrations-check messages bench-triage bench-matching bench-http load-tools bench-hotline bench-duplicates

$(BIN)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed

run: install
	mkdir -p var
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_reference_data
	$(RUN_ENV) $(BIN)/python manage.py load_demo_data
	@echo "Entraide : http://127.0.0.1:$(PORT)  (administration : http://127.0.0.1:$(PORT)/admin/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

services:
	bash scripts/ensure_services.sh

# The browser journeys drive Debian's Chromium (apt-get install chromium chromium-driver where missing).
chromium:
	bash scripts/ensure_chromium.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

migrations-check: install
	DJANGO_SETTINGS_MODULE=entraide.settings.test DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
		$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd $(CURDIR) && $(BIN)/python manage.py compilemessages --ignore=.venv

# The whole suite runs on PostgreSQL and Redis, the browser journeys (marker e2e) included; the smoke run then
# proves the SQLite default still serves. A run that collects no test exits with 5, which make counts as a failure.
test: install services chromium lint migrations-check
	$(BIN)/pytest -m "not smoke"
	$(BIN)/pytest -m smoke

# The browser journeys alone; screenshots and axe-core reports go to var/test-artefacts/e2e/.
e2e: install services chromium
	$(BIN)/pytest -m e2e

# Benchmarks: figures are recorded in BENCHMARKS.md, never asserted in tests.
bench-triage: install services
	$(BIN)/python bench/triage.py

# The hotline journey of tests/e2e/test_hotline.py, timed at an operator's pace (the tests' fixtures as plugins).
bench-hotline: install services chromium
	$(BIN)/python -m pytest bench/hotline_typing.py -p tests.conftest -p tests.e2e.conftest -q -s

bench-matching: install services
	$(BIN)/python bench/matching.py

# The duplicate search (same contact, or similar name and address in the commune) among 100,000 requests, with its plans.
bench-duplicates: install services
	$(BIN)/python bench/duplicates.py

# gunicorn with production settings under wrk (saturation per page) and hey (100 req/s of the mix, then the knee).
load-tools:
	bash scripts/ensure_load_tools.sh

bench-http: install services load-tools
	$(BIN)/python bench/http_load.py
