# Two commands on a fresh machine:  `make serve` (the chat)  and  `make test` (the tests).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install serve ask test test-fast browser lint eval train bench clean

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

LAWS_INDEX ?= $${QA_DATA_DIR:-$$HOME/.cache/qa-nghiquyet}/laws-index

eval: install  ## the resolution's Q&A set, then the 205 law questions on an index of the eight laws
	$(BIN)/qa eval
	test -e $(LAWS_INDEX) || $(BIN)/qa index build --index $(LAWS_INDEX) --corpus eval/corpora/laws
	$(BIN)/qa eval --qa eval/data/laws_qa.jsonl --index $(LAWS_INDEX) --retriever hybrid --out eval/out/laws

train: install  ## refit qa/answer_model.json on the resolution train split (dev extra)
	$(BIN)/qa eval train-answerer

bench: install  ## speed (bench/RESULTS.md), a growing corpus, tokenisation, answers before/after
	$(BIN)/python bench/run.py
	$(BIN)/python bench/growth.py
	$(BIN)/python bench/tokenisation.py
	$(BIN)/python bench/before_after.py

clean:
	rm -rf $(VENV) eval/out bench/out artifacts
