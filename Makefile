# The two commands a newcomer needs: `make demo` and `make test`. Each creates ./.venv and installs
# what it needs, so the CLI is .venv/bin/yunshao afterwards.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
PROJECTS ?= 5000
SEED ?= 7

.PHONY: demo test test-fast lint typecheck docs system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[ml,serve,spark,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/yunshao simulate $(DEMO)/data --projects $(PROJECTS) --seed $(SEED)
	$(BIN)/yunshao run $(DEMO)/data --out $(DEMO)/out

test: $(STAMP) system-deps
	$(BIN)/ruff check yunshao tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --durations=15

# the edit-test loop: everything not marked slow (no simulated county of more than a few hundred
# projects, no server or browser, no model trained through MLflow); under a minute on two cores.
# `make test` stays the whole suite (CI).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow" -n 2

lint: $(STAMP)
	$(BIN)/ruff check yunshao tests benchmarks
	$(BIN)/ruff format --check yunshao tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# System packages from Debian, installed when missing: Chromium (page tests), CJK fonts (charts),
# Java (the Spark parity tests), PostgreSQL (the case store's tests on a real server).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi 'noto.*cjk' || missing="$$missing fonts-noto-cjk"; \
	command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing from Debian:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing:$$missing (not root): the tests that need them are skipped"; \
		fi; \
	fi

# the generated catalogs (tests fail when they are stale)
docs: $(STAMP)
	$(BIN)/python -m yunshao.features.catalog
	$(BIN)/python -m yunshao.contract.outputs_doc
	$(BIN)/yunshao rules docs

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache
