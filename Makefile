# pmo-pulse: `make demo` and `make test` work on a fresh clone with only Python >= 3.11 installed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
TOOLS := .tools
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
DATA_DIR ?= $(or $(PMO_DATA_DIR),data)
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

DEMO_SERVE ?= 1
.PHONY: env env-spark manifest system-deps demo test test-spark bench bench-spark dev lint format clean-data

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(if $(findstring $(TOOLS),$(UV)),$(TOOLS)/bin/uv)
	$(UV) sync --frozen --quiet
	rm -f $(VENV)/.synced-spark
	touch $@

env: $(VENV)/.synced

# The optional Spark engine (pyspark + dbt-spark, ~480 MB; needs Java 17 on the PATH)
$(VENV)/.synced-spark: $(VENV)/.synced
	$(UV) sync --frozen --quiet --extra spark
	touch $@

env-spark: $(VENV)/.synced-spark

manifest: env ## parse the dbt project once per change of it: the manifest Dagster reads and the parse state every build starts from
	$(VENV)/bin/python -c "from pipelines.transform.project import ensure_manifest; ensure_manifest()"

demo: env ## generate the demo portfolio, load it, then serve the dashboards on it
	$(VENV)/bin/pmo demo --data-dir $(DATA_DIR)
	@if [ "$(DEMO_SERVE)" != 0 ]; then $(VENV)/bin/pmo dashboard --data-dir $(DATA_DIR); fi

system-deps: ## Chromium (PDF printing, browser tests) and poppler (PDF text checks), from Debian
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi

test: manifest system-deps ## the whole test suite (the Spark engine's tests are `make test-spark`)
	$(VENV)/bin/pytest -q -n 2 --dist loadgroup --durations=25 -m "not spark"

test-spark: manifest env-spark system-deps ## the same models built on Apache Spark (local mode), proven equal to DuckDB
	$(VENV)/bin/pytest -q -m spark --durations=10

bench: env ## ingestion/build throughput at scale (prints rows per second per stage)
	$(VENV)/bin/python -m bench.run --data-dir bench/out

bench-spark: env-spark ## the same, with the dbt build also on Spark in local mode (1 and 2 cores)
	$(VENV)/bin/python -m bench.run --data-dir bench/out --spark-cores 1,2

dev: env ## the Dagster UI with the asset graph, sharing run history with `pmo refresh`
	mkdir -p $(DATA_DIR)/dagster
	PMO_DATA_DIR=$(DATA_DIR) DAGSTER_HOME=$(abspath $(DATA_DIR))/dagster $(VENV)/bin/dagster dev -m pipelines.definitions

# sqlfluff renders each model with dbt: the profile needs a warehouse path, and dbt's target/
# and logs/ go to a scratch directory with it, so a lint leaves no file behind.
SQLFLUFF_PROCESSES ?= 2

lint: env ## ruff over the Python, sqlfluff (dbt templater) over the dbt project's SQL
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && cd dbt_project && \
		PMO_WAREHOUSE_PATH=$$scratch/lint.duckdb DBT_TARGET_PATH=$$scratch/target \
		DBT_LOG_PATH=$$scratch/logs $(abspath $(VENV))/bin/sqlfluff lint models macros tests \
		--processes $(SQLFLUFF_PROCESSES)

format: env
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean-data: ## remove everything the product generated under the data directory (landing kept)
	rm -rf $(DATA_DIR)/warehouse $(DATA_DIR)/published $(DATA_DIR)/reports $(DATA_DIR)/dagster
