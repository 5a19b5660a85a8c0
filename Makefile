# Two commands set everything up on a fresh machine: `make up` and `make test`.
# `make up` installs what ollygraph runs on; `make test` adds the test tools (pytest,
# ruff, the Helm chart's renderer and Kubernetes schemas), several times larger.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
STAMP  := $(VENV)/.installed

.PHONY: up test lint install install-runtime schema snapshot snapshot-sql bench clean

$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## install ollygraph into .venv, without the test tools
install-runtime: $(RUNTIME)

## install ollygraph and the test tools into .venv
install: $(STAMP)

## run ollygraph on its embedded PostgreSQL (ingest :4317/:4318, GraphQL :8000)
up: $(RUNTIME)
	$(BIN)/ollygraph up

## run the test suite (embedded PostgreSQL unless OLLYGRAPH_TEST_DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## print the served GraphQL schema into schema.graphql
schema: $(STAMP)
	$(BIN)/ollygraph schema > schema.graphql

## rewrite the committed snapshot of the migrated database schema
snapshot: $(STAMP)
	$(BIN)/python -m tests.migrations.snapshot --write

## rewrite the committed SQL each GraphQL query runs (tests/gateway/snapshots/*.sql)
snapshot-sql: $(STAMP)
	OLLYGRAPH_UPDATE_SNAPSHOTS=1 $(BIN)/python -m pytest tests/gateway/test_sql_snapshots.py -q

clean:
	rm -rf $(VENV) .pytest_cache .ollygraph
