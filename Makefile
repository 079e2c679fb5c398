# Two commands for a fresh machine: `make run` and `make test`. Both build on `make setup`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := server devices tts playlists firmware_sim bench

.PHONY: setup run test lint typecheck pytest fuzz sim clean

# Idempotent install into .venv (re-runs only when pyproject.toml changes); leaves .venv/bin/loa.
setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# Migrate, seed demo data when the database is empty, serve on embedded defaults
# (SQLite + managed broker under ./var).
run: setup
	$(BIN)/loa demo --if-empty
	$(BIN)/loa serve

# Quality gates, then the whole suite (what .ci/run calls).
test: setup lint typecheck pytest

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy $(PACKAGES)

pytest: setup
	$(BIN)/pytest

# The deep API fuzz: schemathesis, 30 derandomized examples per operation per role (admin, officer,
# approver, auditor, device); figures per role in var/fuzz-report.tsv.
fuzz: setup
	mkdir -p var && rm -f var/fuzz-report.tsv
	LOA_FUZZ_EXAMPLES=$${LOA_FUZZ_EXAMPLES:-30} LOA_FUZZ_REPORT=$(CURDIR)/var/fuzz-report.tsv \
		$(BIN)/pytest tests/security/test_fuzz_roles.py -q
	cat var/fuzz-report.tsv

# 50 simulated devices against a running `make run`, for 10 minutes (the same devices every run).
sim: setup
	$(BIN)/loa sim --server http://127.0.0.1:8000 --devices 50 --duration 600

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
