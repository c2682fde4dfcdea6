# newsdesk: `make run` sets up and runs the main job; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

PORT ?= 8000
# apt-get needs root: CI runs as root; elsewhere sudo asks.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup run test test-server-mode test-deps lint bench clean

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
	$(BIN)/ruff format --check assistant ingest prompts tests benchmarks
	$(BIN)/mypy

# What the tests need beyond Python packages: Debian's Chromium for the browser tests, curl for the README's examples.
test-deps:
	@if [ ! -x /usr/bin/chromium ] || ! command -v curl >/dev/null; then \
		$(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium curl; \
	fi

# Server mode: the store, ingest and ask tests again, against a real Chroma server (`chroma run` on a free loopback
# port over a temporary folder, started and stopped by tests/chroma_server.py) through NEWSDESK_CHROMA_URL.
SERVER_MODE_TESTS := tests/ingest/test_pipeline.py tests/assistant/test_retrieval.py tests/assistant/test_extractive.py \
	tests/assistant/test_doctor.py tests/assistant/test_cli_ask.py tests/assistant/test_api.py tests/server_mode \
	tests/assistant/test_injection.py tests/assistant/test_evaluation.py tests/assistant/test_chain_llm.py

# Every test with the embedded Chroma (whatever the caller's environment says), then the server mode.
test: lint test-deps
	env -u NEWSDESK_CHROMA_URL $(BIN)/pytest
	$(MAKE) --no-print-directory test-server-mode

test-server-mode: setup
	$(BIN)/python -m tests.chroma_server $(BIN)/pytest -m "not slow" $(SERVER_MODE_TESTS)

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/ingest_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
