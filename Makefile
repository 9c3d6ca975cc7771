# E-commerce research workbench. `make help` lists the targets.
# The two commands of the README: `make reports` (set up + run every report) and `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= 2
# the package with every extra: Spark (the Spark catalog job), PostgreSQL (engine="postgres://..."), JupyterLab
# (`make lab`), and the test tools
EXTRAS := test,spark,postgres,lab
KERNEL := --name workbench --display-name "Python (workbench)"

.DEFAULT_GOAL := help
.PHONY: help setup reports test test-fast lab browser java spark-archive bytecode postgres lock benchmark clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[$(EXTRAS)]"
	$(BIN)/python -m ipykernel install --sys-prefix $(KERNEL) >/dev/null
	touch $(STAMP)

setup: $(STAMP) ## Create .venv, install the locked dependencies and the package, register the 'workbench' kernel

reports: setup java spark-archive bytecode ## Set up, then run every report in catalog.yaml on the shipped data (reports/index.html)
	$(BIN)/workbench run --all --jobs $(JOBS)

test: setup browser java postgres spark-archive bytecode ## Set up, then run the whole test suite (package, notebooks, end-to-end, browser, Spark, PostgreSQL)
	$(BIN)/pytest -n $(JOBS) --dist loadgroup tests
	$(BIN)/pytest --nbval-lax --nbval-kernel-name workbench -p no:cacheprovider notebooks

test-fast: setup ## Unit tests only (no notebooks, browser or Spark)
	$(BIN)/pytest -n $(JOBS) -m "not slow and not browser and not spark" tests

lab: setup ## Open JupyterLab on notebooks/ with the project kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks $$([ "$$(id -u)" = 0 ] && echo --allow-root)

browser: ## Install Debian's chromium for the browser tests (needs root; skipped when present)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; }

java: ## Install Java 17 for Spark (needs root; skipped when java is present)
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
	  else echo "java is missing: run 'sudo apt-get install openjdk-17-jre-headless' (Spark tests and the Spark report will be skipped or fail)"; fi; }

# Every report kernel imports the package afresh: with PYTHONDONTWRITEBYTECODE set (as in many CI images and
# containers) each would compile its modules from source again, so they are compiled once here (quick when current).
bytecode: setup
	@$(BIN)/python -m compileall -q workbench

spark-archive: setup java ## Write the Spark JVM's class-data archive once (quicker Spark start; skipped when present)
	-@command -v java >/dev/null 2>&1 && $(BIN)/python -m workbench.spark archive

# The PostgreSQL tests start their own server (initdb in a temporary folder) from these binaries: found on PATH
# or in Debian's /usr/lib/postgresql/<version>/bin (tests/postgres/server.py looks in the same places).
PG_BIN = $(firstword $(dir $(shell command -v initdb 2>/dev/null)) $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin/))))
postgres: ## Install Debian's PostgreSQL server for the PostgreSQL tests (needs root; skipped when present)
	@{ [ -x "$(PG_BIN)initdb" ] && [ -x "$(PG_BIN)postgres" ]; } || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null; \
	  else echo "PostgreSQL is missing: run 'sudo apt-get install postgresql' (the PostgreSQL tests will fail)"; fi; }

lock: ## Re-resolve requirements.lock from pyproject.toml, keeping the locked versions (UPGRADE=1: the newest)
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet $(if $(UPGRADE),,-c requirements.lock) -e ".[$(EXTRAS)]"
	{ echo "# Exact versions of every package the workbench installs with all its extras ($(EXTRAS); Python 3.11, Linux x86_64)."; \
	  echo "# Regenerate with 'make lock' after changing pyproject.toml; the set-up installs with '-c requirements.lock'."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock

benchmark: setup ## Print the speed and memory benchmarks (generates the 1M/10M-line Parquet files once)
	$(BIN)/python benchmarks/run_all.py

clean: ## Remove generated reports and caches (keeps .venv)
	rm -rf reports/* .pytest_cache
