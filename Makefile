# Entraide 54 — the two commands: `make run` (embedded default) and `make test` (PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The embedded default: SQLite under var/, eager Celery tasks, emails and SMS on the console.
RUN_ENV := DEBUG=1 DJANGO_SETTINGS_MODULE=entraide.settings.base

.PHONY: install run test lint services smoke migrations-check messages bench-triage bench-matching

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
	@echo "Entraide 54 : http://127.0.0.1:8000  (administration : http://127.0.0.1:8000/admin/)"
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

services:
	bash scripts/ensure_services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

migrations-check: install
	DJANGO_SETTINGS_MODULE=entraide.settings.test DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
		$(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd $(CURDIR) && $(BIN)/python manage.py compilemessages --ignore=.venv

# The whole suite runs on PostgreSQL and Redis; the smoke run then proves the SQLite default still serves.
test: install services lint migrations-check
	$(BIN)/pytest -m "not smoke"
	$(BIN)/pytest -m smoke

# Benchmarks: figures are recorded in BENCHMARKS.md, never asserted in tests.
bench-triage: install services
	$(BIN)/python bench/triage.py

bench-matching: install services
	$(BIN)/python bench/matching.py
