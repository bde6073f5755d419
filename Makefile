# Two commands on a fresh machine:
#   make run    set up and serve the app on SQLite with demo data (http://127.0.0.1:5000)
#   make test   set up and run the linter and every test
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
SECRET_FILE := instance/dev-secret-key

export FLASK_APP := wsgi

.PHONY: run test lint format catalogs messages check-catalogs db-upgrade seed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

# Browser-test tools from npm (axe-core for the accessibility checks), when npm is here.
NPM := $(shell command -v npm 2>/dev/null)
ifneq ($(NPM),)
TEST_TOOLS := node_modules/.installed
endif

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SECRET_FILE):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@

# Compiled catalogs are built from the .po files, never edited by hand.
catalogs: $(VENV)/.installed-run
	$(BIN)/python -m booking.core.catalogs compile

# Extract new messages into every feature's .po files (then translate them).
messages: $(VENV)/.installed-run
	$(BIN)/python -m booking.core.catalogs update

check-catalogs: $(VENV)/.installed-run
	$(BIN)/python -m booking.core.catalogs check

db-upgrade: $(VENV)/.installed-run $(SECRET_FILE)
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(BIN)/flask db upgrade

seed: db-upgrade
	SECRET_KEY=$$(cat $(SECRET_FILE)) $(BIN)/flask seed-demo

# The local demo: debug mode (without the in-browser debugger) and the outbox showing the
# private links its emails hold, so the app can be tried without a mail server. The app
# refuses SHOW_PRIVATE_LINKS_IN_OUTBOX outside debug mode or with another SECRET_KEY.
run: catalogs seed
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C to stop)"
	SECRET_KEY=$$(cat $(SECRET_FILE)) FLASK_DEBUG=1 SHOW_PRIVATE_LINKS_IN_OUTBOX=1 \
		$(BIN)/flask run --no-debugger --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(VENV)/.installed-dev $(TEST_TOOLS) catalogs lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Every benchmark script in bench/ (files starting with "_" are their shared helpers), each
# printing its own section. The public pages' one needs PostgreSQL and Redis (see README).
bench: $(VENV)/.installed-dev catalogs
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; echo; done

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules
	find booking -name '*.mo' -delete
