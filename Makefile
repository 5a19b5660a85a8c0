# Two commands set everything up on a fresh machine: `make up` and `make test`.
# `make up` installs what ollygraph runs on; `make test` adds the test tools (pytest,
# ruff, the Helm chart's renderer and Kubernetes schemas), several times larger.
# Installs use uv, several times faster than pip: the uv on PATH, else one that pip fetches
# into $(VENV)/.uv (a single wheel); with NO_UV=1, or where pip cannot fetch uv, pip.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
STAMP  := $(VENV)/.installed
UV     ?= $(if $(NO_UV),,$(shell command -v uv 2>/dev/null))
BOOT   := $(VENV)/.uv

.PHONY: up test lint install install-runtime schema snapshot snapshot-sql ui bench clean

$(BIN)/python:
	@if [ -n "$(UV)" ]; then \
	  echo "make: creating $(VENV) with $(UV)"; \
	  $(UV) venv --quiet --python $(PYTHON) $(VENV); \
	elif [ -z "$(NO_UV)" ] && echo "make: no uv on PATH; fetching it into $(BOOT) with pip" \
	    && $(PYTHON) -m pip install --disable-pip-version-check --quiet --target $(BOOT) uv; then \
	  echo "make: creating $(VENV) with uv"; \
	  $(BOOT)/bin/uv venv --quiet --allow-existing --python $(PYTHON) $(VENV); \
	else \
	  echo "make: creating $(VENV) with $(PYTHON) -m venv"; \
	  $(PYTHON) -m venv $(VENV); \
	fi

# $(call install,REQUIREMENT): into the venv, with uv when there is one, else with pip
define install
	@uv="$(UV)"; \
	if [ -z "$$uv" ] && [ -z "$(NO_UV)" ] && [ -x $(BOOT)/bin/uv ]; then uv=$(BOOT)/bin/uv; fi; \
	if [ -n "$$uv" ]; then \
	  echo "make: installing $(1) into $(VENV) with uv"; \
	  $$uv pip install --python $(BIN)/python $(1); \
	else \
	  echo "make: installing $(1) into $(VENV) with pip"; \
	  $(BIN)/python -m pip --version >/dev/null 2>&1 || $(BIN)/python -m ensurepip --default-pip; \
	  $(BIN)/python -m pip install --disable-pip-version-check $(1); \
	fi
endef

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(call install,-e .)
	@touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(call install,-e '.[test]')
	@touch $(STAMP)

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

## rebuild the browser UI (gateway/ui/dist, committed) from gateway/ui/src: the exact
## versions of package-lock.json from the npm registry, then esbuild (Node.js 18+)
ui:
	cd gateway/ui && npm ci --no-audit --no-fund && npm run build

clean:
	rm -rf $(VENV) .pytest_cache .ollygraph
