# Transition — the two quick-start commands are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)
DEV := DJANGO_DEBUG=1
# Tests run with DEBUG off, as production does, on plain HTTP.
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production ALLOWED_HOSTS=testserver,localhost,127.0.0.1 \
	SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 DJANGO_ALLOW_ASYNC_UNSAFE=true
PYTEST_ARGS ?= -n auto

.PHONY: help setup run test faults lint serve bench lock clean sso-deps screenshots

help:
	@echo "make run      set everything up and serve on http://127.0.0.1:8000"
	@echo "make test     run the whole test suite (SQLite; DATABASE_URL for PostgreSQL)"
	@echo "make setup    create the venv, install, migrate, load the framework, create demo accounts"
	@echo "make lint     ruff (lint + format check) and mypy"
	@echo "make faults   the fault suite (tests/faults); set DATABASE_URL to a PostgreSQL database"

$(STAMP): requirements.lock
	@test -x $(PY) || { py=$$(scripts/find-python) && "$$py" -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)
	@mkdir -p staticfiles  # whitenoise looks for it even before collectstatic has run
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_framework
	$(DEV) $(PY) manage.py create_demo_accounts

# The web server and, beside it, the background worker that sends the emails (to this console in
# development) and digests; Ctrl+C, or the web server stopping, stops both.
run: setup
	@echo "Starting the background worker (emails, digests) beside the web server; Ctrl+C stops both."
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(DEV) $(PY) manage.py worker --no-reload --no-startup-delay & worker=$$!; \
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

# The fault suite starts real servers and workers and times them, so it runs on its own (make faults,
# which .ci/run runs on PostgreSQL) rather than racing the parallel test workers for two cores.
test: setup sso-deps
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) -m "not faults"

# The fault suite alone, printing what it measured. Its subprocesses and threads need PostgreSQL: set
# DATABASE_URL (.ci/run does); on SQLite those tests skip, saying why.
faults: setup
	$(TEST_ENV) $(PY) -m pytest tests/faults -p no:xdist -m faults -s -q

# The real OpenID Connect provider the SSO tests start (tests/sso/package.json, locked by package-lock.json).
sso-deps: tests/sso/node_modules/.package-lock.json
tests/sso/node_modules/.package-lock.json: tests/sso/package-lock.json
	cd tests/sso && npm ci --no-audit --no-fund --silent

# The README's screenshots, taken again from the pages as the browser tests draw them (Debian's Chromium).
SHOT_DIR := docs/screenshots
screenshots: setup
	rm -rf .shots && SHOTS=.shots $(TEST_ENV) $(PY) -m pytest tests/browser/test_every_page.py -p no:xdist -q -k "owner or manager"
	mkdir -p $(SHOT_DIR) && cp .shots/d_owner_results.png .shots/d_owner_roadmap.png .shots/d_manager_team.png $(SHOT_DIR)/ && rm -rf .shots

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(TEST_ENV) $(VENV)/bin/mypy transition assessments roadmaps team privacy
	$(VENV)/bin/bandit -q -c pyproject.toml -r transition assessments roadmaps team privacy

# The production setup, locally: PostgreSQL, gunicorn with 2 workers, whitenoise, DEBUG off.
# Plain HTTP on loopback, so the TLS-only cookie and redirect settings are relaxed here only.
SERVE_DB ?= postgres://postgres@127.0.0.1:5432/transition
SERVE_ENV := DATABASE_URL=$(SERVE_DB) SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-the-internet} \
	ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 SECURE_HSTS_SECONDS=0
serve: $(STAMP)
	@psql "$(SERVE_DB)" -c "select 1" >/dev/null 2>&1 || psql "$(dir $(SERVE_DB))postgres" -qc "CREATE DATABASE $(notdir $(SERVE_DB))"
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_framework
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	@echo "Starting the background worker as its own process beside gunicorn; Ctrl+C stops both."
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(SERVE_ENV) $(PY) manage.py worker --no-reload & worker=$$!; \
	$(SERVE_ENV) $(VENV)/bin/gunicorn transition.wsgi --workers 2 --bind 127.0.0.1:8000 --access-logfile - --max-requests 5000 --max-requests-jitter 500

# The benchmark (bench/, README "Performance"): seeds the PostgreSQL databases transition_bench_small
# and transition_bench_large (the only ones it creates or drops; reused once seeded, BENCH_RESEED=1 seeds
# again), then times the engine, counts SQL queries per request and loads gunicorn with wrk on 127.0.0.1.
# BENCH_SECONDS=15 per endpoint and connection count; BENCH_SIZES=small skips the large set.
.PHONY: bench-queries
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m bench

# Only the queries per request, on the small set: deterministic, no load.
bench-queries: $(STAMP)
	$(PY) -m bench queries

# Regenerate the lock after changing pyproject.toml's dependencies.
lock:
	py=$$(scripts/find-python) && rm -rf .lock-venv && "$$py" -m venv .lock-venv && \
	.lock-venv/bin/pip install --quiet $$("$$py" -c 'import tomllib; d = tomllib.load(open("pyproject.toml", "rb")); print(" ".join(repr(x) for x in d["project"]["dependencies"] + d["dependency-groups"]["dev"]))' | tr -d "'") && \
	{ echo "# Exact versions of every package, so every machine installs the same set."; echo "# Regenerate with: make lock"; .lock-venv/bin/pip freeze --exclude-editable | sort -f; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
