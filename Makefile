# newsdesk: `make run` sets up and runs the main job; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PORT ?= 8000
# apt-get needs root: CI runs as root; elsewhere sudo asks.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test test-deps lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# The CPU build of torch first, so sentence-transformers finds it satisfied (an unpinned torch is a CUDA build).
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

setup: $(STAMP)

# The main job: ingest the example articles (unchanged ones are skipped), then serve the chat UI and the API
# on http://127.0.0.1:$(PORT) until Ctrl+C.
run: setup
	$(BIN)/newsdesk ingest examples/
	$(BIN)/newsdesk serve --port $(PORT)

lint: setup
	$(BIN)/ruff check assistant ingest prompts tests benchmarks
	$(BIN)/mypy

# What the tests need beyond Python packages: Debian's Chromium for the browser tests, curl for the README's examples.
test-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v curl >/dev/null; then \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium curl; \
	fi

test: lint test-deps
	$(BIN)/pytest

bench: setup
	$(BIN)/python benchmarks/ingest_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
