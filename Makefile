# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8765
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint typecheck pytest install clean bench chromium

$(STAMP): pyproject.toml plugins/stint-aider/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps -e plugins/stint-aider
	touch $(STAMP)

install: $(STAMP)

run: install
	@echo "stint is installed in $(VENV); try: $(BIN)/stint --help"
	$(BIN)/stint --help
	$(BIN)/stint status
	@echo "Starting the dashboard and API (Ctrl-C to stop):"
	$(BIN)/stint serve --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check src tests benchmarks plugins
	$(BIN)/ruff format --check src tests benchmarks plugins
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The dashboard tests drive Debian's Chromium through Playwright (Playwright's own
# browser download is not used). Installed once, only when missing.
chromium:
	@test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

pytest: install chromium
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: install
	$(BIN)/python benchmarks/run_all.py $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
