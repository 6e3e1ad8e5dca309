# `make run` and `make test` set everything up themselves on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv installs exactly what uv.lock lists (versions and hashes), the set CI tested. It lives in
# a venv of its own so that `uv sync` may remove from .venv whatever the lock does not list.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv

.PHONY: run test test-under-load lint check validate bench lock clean

$(UV):
	$(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# --locked: stop, rather than resolve anew, if pyproject.toml and uv.lock disagree (`make lock`).
$(STAMP): pyproject.toml uv.lock | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) sync --locked --extra dev --python $(PY) --quiet
	touch $(STAMP)

# After changing the dependencies in pyproject.toml: resolve again and write uv.lock.
lock: | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) lock --python $(PY)

# Where `make run` listens: this machine only, unless told (ADDRESS=0.0.0.0 serves a network;
# put it behind a TLS proxy, see README "Deploying").
ADDRESS ?= 127.0.0.1
PORT ?= 8501

run: $(STAMP)
	mkdir -p data
	$(BIN)/python -m course validate || true
	@# glibc would keep each code check's 16 MiB scrypt buffer resident; mmap big blocks instead
	MALLOC_MMAP_THRESHOLD_=1048576 $(BIN)/streamlit run streamlit_app.py \
		--server.address $(ADDRESS) --server.port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/python -m course validate --strict
	$(BIN)/python -m course lint --strict
	$(BIN)/python -m course lint --strict --language es

test: lint validate
	$(BIN)/python -m pytest

# The suite with CPU hogs beside it (load ~16 on two cores): waits must follow what the page
# shows and writes must wait their turn, never a clock. Slow: run before resolving an issue.
test-under-load: lint validate
	$(BIN)/python tests/under_load.py -- $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_load.py
	$(BIN)/python benchmarks/bench_rerun.py
	$(BIN)/python benchmarks/bench_accounts.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache
