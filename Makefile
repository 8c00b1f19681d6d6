# Two commands matter: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format install init bench eval-redaction eval-detection clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

init: install
	$(BIN)/amanah init

run: init
	$(BIN)/amanah serve

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: install
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python benchmarks/bench_vault.py
	$(BIN)/python benchmarks/bench_audit.py
	$(BIN)/python benchmarks/bench_redaction.py
	$(BIN)/python benchmarks/bench_detection.py

# Scores each labelled set of tests/data/redaction (corpus, dev2, dev3, heldout, heldout2-8; heldout9 is kept blind) separately.
eval-redaction: install
	$(BIN)/python -m amanah.redaction.evaluate

eval-detection: install
	$(BIN)/python -m amanah.detection.evaluate

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
