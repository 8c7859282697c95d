# Two commands on a fresh machine:  `make serve` (the chat)  and  `make test` (the tests).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install serve ask test test-fast browser lint eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch first, pinned to the local CPU build; anything else pulls a multi-GB CUDA build
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: install  ## the chat on http://127.0.0.1:7860 (builds the index on first run)
	$(BIN)/qa serve

ask: install  ## one sample question from the command line
	$(BIN)/qa ask "chỉ tiêu hộ nghèo 2024"

browser:  ## Debian's chromium for the browser tests (Playwright's own download does not work here)
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core) \
	  || echo "chromium could not be installed: browser tests will be skipped"

test: install browser
	$(BIN)/pytest -q

test-fast: install  ## every test that needs no model, server or browser
	$(BIN)/pytest -q -m "not model and not browser and not slow"

lint: install
	$(BIN)/ruff check corpus index qa ui eval cli tests bench
	$(BIN)/mypy corpus index qa ui eval cli

eval: install
	$(BIN)/qa eval

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) eval/out bench/out artifacts
