# newsprism developer commands. `make demo` and `make test` work on a brand-new machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml scripts/setup.sh | cksum | cut -d' ' -f1)

.PHONY: setup system-deps demo test test-fast bench lint format clean

$(STAMP): pyproject.toml scripts/setup.sh
	PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

demo: setup
	$(BIN)/newsprism analyze examples/blinken-beijing-2023 -o out --format json,md,html
	@echo "Report: out/index.json and out/<story id>/brief.html (open it in a browser)"

test: setup system-deps
	NEWSPRISM_REQUIRE_PG=1 NEWSPRISM_REQUIRE_BROWSER=1 $(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not postgres"

bench: setup
	$(BIN)/python bench/read_clean.py
	$(BIN)/python bench/cleaning_eval.py
	$(BIN)/python bench/language_eval.py
	$(BIN)/python bench/annotate_speed.py --processes 2
	$(BIN)/python bench/compare_eval.py
	$(BIN)/python bench/conflicts_unseen.py --split eval --judged tests/data/compare/judged-eval.jsonl
	$(BIN)/python bench/compare_speed.py
	$(BIN)/python bench/summary_eval.py --split labelled
	$(BIN)/python bench/summary_eval.py --split eval
	$(BIN)/python bench/claims_judged.py --split eval --judged tests/data/compare/judged-claims-eval.jsonl --facts tests/data/compare/facts-eval.jsonl
	$(BIN)/python bench/cluster_eval.py
	$(BIN)/python bench/engine_speed.py
	$(BIN)/python bench/serve_load.py
	$(BIN)/python bench/serve_load.py --concurrency 50 --duration 60 --corpus
	$(BIN)/python bench/many_articles.py

lint: setup
	$(BIN)/ruff check src tests bench registry
	$(BIN)/ruff format --check src tests bench registry
	$(BIN)/mypy

format: setup
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf out newsprism-out .pytest_cache .mypy_cache .ruff_cache
