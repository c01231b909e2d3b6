# One front door: make run, make test, make lint, make bench (see README.md).
PYTHON ?= python3.11
VENV := .venv
comma := ,
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := marketplace.settings

.PHONY: run test lint deps-check bench install worker beat services clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(VENV)/.installed node_modules/.installed

# Serve the portal with demo data on the embedded default (SQLite, in-process tasks).
# Quiet on purpose: a newcomer sees the demo summary, the demo users and the URL.
run: install
	@echo "Preparing the database and the demo data (a minute on the first run)..."
	@DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py migrate --noinput --verbosity 0
	@DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py seed_demo
	@DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

# Every test: lint, migrations in step with models, then pytest (browser tests included),
# in one process per core (pytest-xdist), each test file whole in one of them;
# TEST_PROCESSES=0 runs every test in pytest's own process.
TEST_PROCESSES ?= auto
test: install
	./scripts/install-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r marketplace catalog standards brokering seeding

# Every pinned dependency at its newest release (asks PyPI and npm; not part of make test).
deps-check: install
	./scripts/check-deps

services:
	./scripts/services-up

# A Celery worker and the beat scheduler for production-like runs (needs CELERY_BROKER_URL).
# One worker per kind of work in production (marketplace/queues.py, the Procfile):
#   make worker QUEUES=scoring    make worker QUEUES=email    make worker QUEUES=sweeps
# Without QUEUES one worker serves them all (and the default queue), as a laptop needs.
QUEUES ?= marketplace,scoring,email,sweeps
worker: install
	$(BIN)/celery -A marketplace worker --queues $(QUEUES) --hostname "$(firstword $(subst $(comma), ,$(QUEUES)))@%h" --loglevel=INFO

beat: install
	$(BIN)/celery -A marketplace beat --loglevel=INFO

bench: install services
	./bench/run

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
