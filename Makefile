# One command per job. `make run` and `make test` work on a fresh machine: they set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# Use the machine's PostgreSQL and Redis for tests when they answer and nothing else was chosen.
PG_URL := postgres://postgres@127.0.0.1:5432/portal
REDIS_URL := redis://127.0.0.1:6379/0

.PHONY: run test lint format venv system services static bench bench-quick bench-nodes worker beat demo clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## run: set up, migrate SQLite, load the demo strategies, print demo logins, serve on http://127.0.0.1:$(PORT)
## with a Celery worker (and beat) beside it on a filesystem broker under .broker/ (manage.py run_local)
run: venv
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py migrate --no-input
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py load_demo
	env -u DATABASE_URL -u CELERY_BROKER_URL $(BIN)/python manage.py run_local 127.0.0.1:$(PORT)

## system: Debian packages the tests need (Chromium, poppler, fonts); PostgreSQL and Redis started if down
system:
	bash .ci/system-packages

## test: set up and run every test (PostgreSQL, Redis and a real Celery worker when they answer)
test: venv system
	@if [ -z "$$DATABASE_URL" ] && pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then export DATABASE_URL=$(PG_URL); fi; \
	if [ -z "$$CELERY_BROKER_URL" ] && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then export CELERY_BROKER_URL=$(REDIS_URL); fi; \
	echo "Testing with DATABASE_URL=$${DATABASE_URL:-<SQLite>} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-<in-process>}"; \
	$(BIN)/pytest $(PYTEST_ARGS)

## lint: ruff, the import contract (one-way app graph, no cycles) and migrations check
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	env -u DATABASE_URL $(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## static: rebuild the compiled GOV.UK Frontend CSS/JS (needs Node; the output is committed)
static:
	bash static/build.sh

## worker / beat: the production processes (need CELERY_BROKER_URL and DATABASE_URL); prefork, the pool that
## enforces the task time limits (solo and threads do not)
worker: venv
	$(BIN)/celery -A strategy_portal worker --loglevel=INFO --pool=prefork --concurrency=2

beat: venv
	$(BIN)/celery -A strategy_portal beat --loglevel=INFO -S django

bench: venv
	$(BIN)/python bench/run.py --full

bench-quick: venv
	$(BIN)/python bench/run.py --quick

## bench-nodes: two web nodes behind HAProxy, two workers, shared PostgreSQL, Redis and SeaweedFS; one node and one
## worker killed under load (bench/nodes.py; needs the haproxy Debian package)
bench-nodes: venv
	$(BIN)/python -m bench.nodes

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
