# The two commands README.md opens with, and the rest of the tooling. Each target installs what it needs into a
# virtualenv (created on first use, from the lock files), so they work on a fresh clone.
#   .venv       the connector and its tests: requirements-test.lock (requirements.lock + test tools), exactly
#   .venv-demo  PyAirbyte and DuckDB for the demo, apart: PyAirbyte depends on airbyte-cdk too, and the connector's
#               own environment must stay the locked one
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_VENV := .venv-demo

.PHONY: demo test lint unit integration benchmark image-test lock clean

# uv installs the same lock as pip in 3 s instead of 41 (on 2 cores, 2026-12-08; a fresh clone's `make test` is timed
# with it); it is pinned, and installed with pip into the venv. Where uv cannot install (an index only pip's own
# configuration names, say), pip does, without byte-compiling every module of every package (14 of its 41 s: the
# tests compile what they import on first import, under a second).
UV_VERSION := 0.13.10
UV := $(VENV)/bin/uv

$(VENV)/.installed: setup.py requirements.lock requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) -r requirements-test.lock \
		|| $(PY) -m pip install --quiet --no-compile -r requirements-test.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e . || $(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(DEMO_VENV)/.installed: requirements-demo.lock
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet -r requirements-demo.lock
	touch $@

## Sync every stream from the bundled Twilio emulator into DuckDB and print a summary (no Twilio account needed).
demo: $(VENV)/.installed $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python -m integration_tests.demo --connector $(VENV)/bin/source-twilio

# Four processes on two cores: the end-to-end tests spend much of their time waiting (retries' backoff, deadlines,
# trickled pages), and two more processes fill those waits (make test: 332 s with -n 2, 271 s with -n 4; 2026-12-08,
# 333 s with -n 3 and 328 s with -n 6 against 293 s). A test module stays in one process, with its emulator world and
# its order; modules start in the order integration_tests/conftest.py gives them (LONGEST_FIRST), not by test count.
PYTEST := $(PY) -m pytest -q -p no:cacheprovider -n 4 --dist loadfile --no-loadscope-reorder

## The whole test suite: lint, unit tests, emulator end-to-end tests, standard tests.
test: lint
	$(PYTEST) unit_tests integration_tests -m "not image_tests"

## ruff over the repo (ruff.toml); mypy strict over source_twilio/ (mypy.ini).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check --quiet .
	$(VENV)/bin/mypy --config-file mypy.ini

unit: $(VENV)/.installed
	$(PYTEST) unit_tests

integration: $(VENV)/.installed
	$(PYTEST) integration_tests -m "not image_tests"

## Throughput against the emulator, this connector vs Airbyte's source vs a plain fetcher (see benchmarks/).
benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py

## Build the Docker image with podman on a local base and run spec/check/discover/read inside it.
image-test: $(VENV)/.installed
	bash integration_tests/image_test.sh

## Re-resolve requirements.lock after changing setup.py's install_requires (see README.md, "Moving the lock").
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet .
	{ sed -n '1,2p' requirements.lock; .venv-lock/bin/python -m pip freeze --exclude airbyte-source-twilio; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .venv-lock build *.egg-info

clean:
	rm -rf $(VENV) $(DEMO_VENV) build *.egg-info .demo
