# The few commands people type. Everything installs into .venv from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := data/demo.sqlite
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: help venv test-env demo test lab lint clean

help:
	@echo "make demo   set up .venv, write the demo store $(DEMO_DB) and summarise it"
	@echo "make test   set up .venv with test extras and run every test"
	@echo "make lab    open JupyterLab on notebooks/ (http://127.0.0.1:8888)"
	@echo "make lint   ruff check"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

test-env: $(VENV)/.installed-test

demo: venv
	$(BIN)/cocope demo --out $(DEMO_DB) --force
	$(BIN)/cocope info --store $(DEMO_DB)
	@echo
	@echo "Demo store: $(DEMO_DB)   (open the notebooks with 'make lab')"

test: test-env
	$(BIN)/python -m pytest

lab: venv
	cd notebooks && ../$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser $(ROOT_FLAG)

lint: test-env
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
