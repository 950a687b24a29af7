# The two commands README.md opens with, and the rest of the tooling. Each target installs what it needs
# into .venv (created on first use), so they work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test unit integration benchmark image-test clean

$(VENV)/.installed: setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[tests]'
	touch $@

$(VENV)/.demo-installed: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[tests,demo]'
	touch $@

## Sync every stream from the bundled Twilio emulator into DuckDB and print a summary (no Twilio account needed).
demo: $(VENV)/.demo-installed
	$(PY) -m integration_tests.demo

## The whole test suite: unit tests, emulator end-to-end tests, standard tests.
test: $(VENV)/.installed
	$(PY) -m pytest unit_tests integration_tests -q -p no:cacheprovider -m "not image_tests"

unit: $(VENV)/.installed
	$(PY) -m pytest unit_tests -q -p no:cacheprovider

integration: $(VENV)/.installed
	$(PY) -m pytest integration_tests -q -p no:cacheprovider -m "not image_tests"

## Throughput against the emulator, this connector vs Airbyte's source vs a plain fetcher (see benchmarks/).
benchmark: $(VENV)/.installed
	$(PY) benchmarks/run.py

## Build the Docker image with podman on a local base and run spec/check/discover/read inside it.
image-test: $(VENV)/.installed
	bash integration_tests/image_test.sh

clean:
	rm -rf $(VENV) build *.egg-info .demo
