# detente: `make run` and `make test` each set themselves up from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared/data
DB     ?= $(CURDIR)/var/detente.duckdb

.PHONY: setup system run test lint fix typecheck bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

system:
	bash scripts/system-deps.sh

run: setup
	DETENTE_DB="$${DETENTE_DB:-$(DB)}" $(BIN)/detente demo --data $(SHARED)

lint: setup
	$(BIN)/ruff check detente tests benchmarks
	$(BIN)/ruff format --check detente tests benchmarks

typecheck: setup
	$(BIN)/mypy

fix: setup
	$(BIN)/ruff check --fix detente tests benchmarks
	$(BIN)/ruff format detente tests benchmarks

test: setup system
	$(BIN)/ruff check detente tests benchmarks
	$(BIN)/ruff format --check detente tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup

bench: setup
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
