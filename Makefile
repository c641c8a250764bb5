# Everything a fresh clone needs: each target builds .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Rebuilt when the dependency declarations change.
INSTALLED := $(VENV)/.installed
# nbgrader runs helper commands (alembic) by name: the venv must come first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: demo test test-fast lint bench release clean-venv sandbox-tools test-services \
	browser-tools

$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# torch first and exactly pinned, so no later resolution can pull a CUDA build.
	$(BIN)/pip install --quiet -c constraints.txt torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

# Student code is graded inside bubblewrap (Debian's `bubblewrap`): installed here when missing
# and we are root (a fresh machine or CI); otherwise the command to run is printed.
sandbox-tools:
	@command -v bwrap >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "calcrl grades student code inside bubblewrap: sudo apt-get install bubblewrap" >&2; \
	    exit 1; \
	  fi; }

# The tests start a private PostgreSQL server (Debian's `postgresql`): installed here when
# missing and we are root.
test-services:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	  else \
	    echo "the tests start a PostgreSQL server: sudo apt-get install postgresql" >&2; \
	    exit 1; \
	  fi; }

# The browser tests drive Debian's Chromium (headless, no downloads): installed here when
# missing and we are root.
browser-tools:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "the browser tests drive Chromium: sudo apt-get install chromium" >&2; \
	    exit 1; \
	  fi; }

# The instructor pipeline end to end on the bundled demo class.
demo: $(INSTALLED) sandbox-tools
	$(BIN)/calcrl demo

# make test sets up, lints, runs the whole suite.
test: lint sandbox-tools test-services browser-tools
	$(BIN)/python -m pytest

# Ruff (pinned in constraints.txt, rules in pyproject.toml): undefined names, unused imports...
# then mypy (pinned too) over the package's type hints.
lint: $(INSTALLED)
	$(BIN)/ruff check calcrl_checks tests benchmarks nbgrader_config.py conftest.py
	$(BIN)/mypy calcrl_checks

# The unit tier only (under a minute): no nbgrader runs, no sandbox (tiers: tests/README.md).
test-fast: $(INSTALLED)
	$(BIN)/python -m pytest -q -m unit

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_checks.py
	$(BIN)/python benchmarks/bench_notebooks.py
	$(BIN)/python benchmarks/bench_autograde.py
	$(BIN)/python benchmarks/bench_external_cases.py

# Write what the question specs derive (hidden tests, points, README table) into source/ and
# README.md, then regenerate the committed student version (nbgrader generate_assignment).
release: $(INSTALLED)
	$(BIN)/calcrl specs --write

clean-venv:
	rm -rf $(VENV)
