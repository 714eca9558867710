# followup — two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/followup
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres lint format bench system-deps clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m followup migrate
	$(PY) -m followup serve --host $(HOST) --port $(PORT)

# Debian packages the real-server tests need: Dovecot (IMAP) and Chromium (browser tests).
system-deps:
	@missing=""; \
	command -v dovecot >/dev/null || missing="$$missing dovecot-imapd"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "missing Debian packages:$$missing (run: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

test: $(STAMP) system-deps test-sqlite test-postgres

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	@home=$$(mktemp -d); FOLLOWUP_HOME=$$home DATABASE_URL= $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; rm -rf $$home; exit $$rc

test-postgres: $(STAMP)
	@if $(PY) scripts/pg_reachable.py "$(TEST_DATABASE_URL)"; then \
	  echo "== test suite on PostgreSQL =="; \
	  home=$$(mktemp -d); FOLLOWUP_HOME=$$home DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest $(PYTEST_ARGS); rc=$$?; rm -rf $$home; exit $$rc; \
	elif [ -n "$$CI" ]; then \
	  echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable: CI must run the PostgreSQL pass"; exit 1; \
	else \
	  echo "PostgreSQL at $(TEST_DATABASE_URL) is not reachable: skipping the PostgreSQL pass"; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy followup

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script =="; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
