# Datakring developer commands. `make help` lists them; the README explains each one.
# Needs only Python 3.11+ and make: `install` brings uv (from PyPI) when it is missing.

.DEFAULT_GOAL := help
SHELL := /bin/bash

# `pip install --user` and pipx put uv here, which is not always on PATH.
export PATH := $(HOME)/.local/bin:$(PATH)
# Expanded when a recipe runs, so it sees a uv that `install` has just put in place.
UV = $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
RUN = $(UV) run --frozen
MANAGE = $(RUN) python manage.py

PYTEST_ARGS ?=
# `make bench` never touches the database in DATABASE_URL: it fills its own with
# synthetic datasets.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/datakring_bench

.PHONY: help install run worker test lint format check bench messages

help:
	@echo "make install   create .venv from uv.lock (installs uv first if needed)"
	@echo "make run       migrate, load the demo catalogue, serve http://127.0.0.1:8000"
	@echo "make worker    Celery worker + beat (needs REDIS_URL)"
	@echo "make test      the whole test suite (PYTEST_ARGS=... passes options to pytest)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make format    ruff format + ruff check --fix"
	@echo "make check     Django system checks + missing migrations"
	@echo "make bench     benchmarks in bench/ against PostgreSQL (BENCH_DATABASE_URL)"
	@echo "make messages  update and compile the Dutch translations (needs gettext)"

install:
	@if ! command -v uv >/dev/null 2>&1 && ! python3 -m uv --version >/dev/null 2>&1; then \
		echo "uv not found: installing it from PyPI"; \
		python3 -m pip install --user --quiet uv \
		|| python3 -m pip install --user --quiet --break-system-packages uv \
		|| python3 -m pip install --quiet uv \
		|| pipx install uv \
		|| { echo "Could not install uv; see https://docs.astral.sh/uv/" >&2; exit 1; }; \
	fi
	$(UV) sync --locked

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo
	@echo "  Datakring runs at http://127.0.0.1:8000  (admin: http://127.0.0.1:8000/admin/)"
	@echo "  Site manager:             beheerder / datakring-demo"
	@echo "  Editor, Gemeente Utrecht: redacteur / datakring-demo"
	@echo "  Re-user (no publisher):   hergebruiker / datakring-demo  (sign in: /accounts/login/)"
	@echo
	DEBUG=$${DEBUG:-True} $(MANAGE) runserver 127.0.0.1:8000

worker: install
	@if [ -z "$${REDIS_URL:-}" ]; then \
		echo "make worker needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker" >&2; \
		echo "(without it the portal runs every task in-process and needs no worker)" >&2; \
		exit 2; \
	fi
	$(RUN) celery -A portal worker -B --loglevel=INFO \
		--schedule="$${CELERY_BEAT_SCHEDULE_FILE:-.celerybeat-schedule}"

test: install
	$(RUN) pytest $(PYTEST_ARGS)

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

bench: install
	@shopt -s nullglob; scripts=(bench/*.py); \
	if [ $${#scripts[@]} -eq 0 ]; then echo "No benchmarks in bench/" >&2; exit 1; fi; \
	for script in "$${scripts[@]}"; do \
		echo "== $$script"; \
		DATABASE_URL="$(BENCH_DATABASE_URL)" $(RUN) python "$$script" || exit 1; \
	done

messages: install
	@command -v msgfmt >/dev/null || { echo "make messages needs gettext (apt-get install gettext)" >&2; exit 1; }
	$(MANAGE) makemessages --locale nl --no-obsolete --add-location file \
		--ignore ".venv/*" --ignore "staticfiles/*" --ignore "media/*" --ignore "test-artifacts/*" \
		--ignore "tests/*"
	$(MANAGE) compilemessages --locale nl --ignore ".venv/*"
