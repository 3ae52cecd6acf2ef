# CityExchange: the commands people reach for. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py
# The test suite and CI talk to PostgreSQL and Redis at their local defaults.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cityexchange
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: run test lint fmt worker beat bench messages install chromium khal wrk migrate demo

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium: Playwright cannot download its own browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# Debian's khal: one of the independent calendar clients the calendar tests read the feed with.
khal:
	@command -v khal >/dev/null 2>&1 || { \
		echo "Installing Debian's khal for the calendar client tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq khal; }

# Debian's wrk drives the benchmark's load (loopback only).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing Debian's wrk for the benchmark..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

migrate: $(STAMP)
	DEBUG=true $(MANAGE) migrate --noinput

demo: migrate
	DEBUG=true $(MANAGE) load_demo

# Embedded mode: SQLite file, tasks in-process, email to the console.
run: demo
	@echo "Serving on http://127.0.0.1:8000 (sign in with a demo login above)"
	DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

test: $(STAMP) chromium khal
	$(VENV)/bin/ruff check .
	DEBUG=true $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production-style processes: set DATABASE_URL, REDIS_URL, EMAIL_URL and SECRET_KEY first.
worker: $(STAMP)
	$(VENV)/bin/celery -A cityexchange worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(VENV)/bin/celery -A cityexchange beat --loglevel=INFO

messages: $(STAMP)
	DEBUG=true $(MANAGE) makemessages -l fr --ignore=.venv --ignore=staticfiles --ignore=test-output --ignore=bench
	DEBUG=true $(MANAGE) compilemessages --ignore=.venv

# The benchmark (bench/README.md): drops and reloads the bench database (BENCH_DATABASE_URL, default
# cx_bench; Redis DB 7), serves with gunicorn, drives it with wrk; writes bench/results.json and bench/README.md.
bench: $(STAMP) wrk
	bash bench/run.sh $(BENCH_ARGS)
