# The two commands a new user needs (see README): `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(PYTHON) -m uv
export UV_LINK_MODE ?= copy

.PHONY: run test test-fast install lint bench clean-db docs-gallery i18n

install:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet "uv>=0.5" || $(PYTHON) -m pip install --quiet --user --break-system-packages "uv>=0.5"
	@$(UV) sync --frozen --quiet

## Run the service on SQLite (migrated, sample register loaded on first start) at http://127.0.0.1:8000
HOST ?= 127.0.0.1
PORT ?= 8000
run: export TRANSFERS_PUBLIC_URL := $(or $(TRANSFERS_PUBLIC_URL),http://$(HOST):$(PORT))
run:
	@echo "[1/6] Installing Python and dependencies (uv; the first run downloads them)..."
	@$(MAKE) --no-print-directory install
	@echo "[2/6] Migrating the database..."
	@$(UV) run --frozen transfers db upgrade
	@echo "[3/6] Loading the sample register (only into an empty database)..."
	@$(UV) run --frozen transfers demo --if-empty
	@echo "[4/6] API key for machines..."
	@$(UV) run --frozen transfers keys bootstrap
	@# -- web workspace (issue 11): a first login, and where to open it
	@echo "[5/6] First workspace login..."
	@$(UV) run --frozen transfers users bootstrap
	@echo "[6/6] Serving. Workspace: http://$(HOST):$(PORT)/   API docs: http://$(HOST):$(PORT)/schema"
	@# -- end web workspace
	@$(UV) run --frozen transfers serve --no-migrate --host $(HOST) --port $(PORT)

## Coverage printed by `make test` (issue 9); `make test COVERAGE_ARGS=` turns it off.
COVERAGE_ARGS ?= --cov --cov-report=term
## Test processes (pytest-xdist): each has its own SQLite file and PostgreSQL database, and runs
## tests of both engines, so the two halves run side by side.
WORKERS ?= auto
XDIST = -n $(WORKERS) --dist loadgroup

## Run the whole test suite on SQLite and PostgreSQL (starts PostgreSQL if it is not running)
test: install
	@scripts/ensure-test-tools
	@export TRANSFERS_TEST_POSTGRES_URL="$${TRANSFERS_TEST_POSTGRES_URL:-$$(scripts/ensure-postgres)}"; \
	echo "PostgreSQL for tests: $$TRANSFERS_TEST_POSTGRES_URL"; \
	$(UV) run --frozen pytest -q -p no:cacheprovider $(XDIST) --durations=20 $(COVERAGE_ARGS) $(PYTEST_ARGS)

## The inner loop: SQLite only, without the slow tests (browser, LibreOffice, fuzz, subprocesses)
test-fast: install
	@TRANSFERS_TEST_BACKENDS=sqlite $(UV) run --frozen pytest -q -p no:cacheprovider $(XDIST) -m "not slow" $(PYTEST_ARGS)

lint: install
	@$(UV) run --frozen ruff check src tests bench migrations
	@$(UV) run --frozen ruff format --check src tests bench migrations
	@$(UV) run --frozen mypy

bench: install
	@for b in bench/bench_*.py; do echo "== $$b"; $(UV) run --frozen python $$b; done

## --- docs-gallery (issue 10) ---------------------------------------------------------------
## Render every document kind in both languages from the sample register into docs-gallery/
## (PDFs and one PNG per page; needs LibreOffice and poppler-utils, see .ci/run)
docs-gallery: install
	@$(UV) run --frozen python tools/docs_gallery.py
## --- end docs-gallery ----------------------------------------------------------------------

## -- web workspace (issue 11): refresh the UI catalogs after changing strings in src/transfers/web
i18n: install
	@cd src/transfers/web && $(UV) run --frozen pybabel extract -F babel.cfg -k N_ -k _ -k ngettext:1,2 --no-location --sort-output --omit-header -o locale/messages.pot . ../common/record_fields.py \
	  && $(UV) run --frozen pybabel update -i locale/messages.pot -d locale -l fi --ignore-obsolete \
	  && $(UV) run --frozen pybabel compile -d locale -l fi --statistics
## -- end web workspace
