# The few commands people type. Everything installs into .venv from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := data/demo.sqlite
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

FORMS_PORT ?= 8866
STORE ?= $(DEMO_DB)

.PHONY: help venv test-env chromium pspp demo test lab forms lint clean bench lock

help:
	@echo "make demo   set up .venv, write the demo store $(DEMO_DB) and summarise it"
	@echo "make test   set up .venv with test extras and run every test"
	@echo "make lab    open JupyterLab on notebooks/ (http://127.0.0.1:8888)"
	@echo "make forms  serve the participant forms with Voila (http://127.0.0.1:$(FORMS_PORT))"
	@echo "make lint   ruff check"
	@echo "make lock   refresh requirements/lock.txt from pyproject.toml (uv pip compile)"
	@echo "make bench  time the kit against pingouin, plot_likert, krippendorff, sklearn (table; benchmarks/RESULTS.md)"

# Installs come from the committed lock (requirements/lock.txt: every package with its exact
# version and hashes, for Python 3.11 on Linux). `make lock` refreshes it from pyproject.toml.
LOCK := requirements/lock.txt
UV_VERSION := 0.13.8

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the lock or pyproject.toml changes. The kit itself goes in without touching the
# locked packages (--no-deps) and is built with the locked setuptools (--no-build-isolation).
$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed

test-env: $(VENV)/.installed

# uv resolves for Python 3.11 on x86-64 Linux whatever machine runs it, and writes the hashes.
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes \
	  --upgrade -o $(LOCK)

demo: venv
	$(BIN)/cocope demo --out $(DEMO_DB) --force
	$(BIN)/cocope info --store $(DEMO_DB)
	@echo
	@echo "Demo store: $(DEMO_DB)   (open the notebooks with 'make lab')"
	@echo "Demo reports (one per CoP and all CoPs side by side; open them in a browser):"
	@$(BIN)/cocope report --store $(DEMO_DB) --out-dir out/reports

# The browser tests drive Debian's Chromium; install it when missing (needs root or sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Chromium (Debian package)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { echo "Chromium is missing: the browser tests cannot run" >&2; exit 1; }

# The SPSS tests open the exported files with GNU PSPP; install it when missing.
pspp:
	@command -v pspp >/dev/null 2>&1 || { \
	  echo "installing GNU PSPP (Debian package)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq pspp >/dev/null; }
	@command -v pspp >/dev/null 2>&1 || { echo "GNU PSPP is missing: the SPSS tests cannot run" >&2; exit 1; }

test: test-env chromium pspp
	$(BIN)/python -m pytest

lab: venv
	cd notebooks && ../$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser $(ROOT_FLAG)

# Participant forms (Voila, code and tracebacks hidden). Links look like
#   http://127.0.0.1:$(FORMS_PORT)/voila/render/survey.ipynb?cop=at-graz&instrument=cop_climate&wave=post&lang=de
#   http://127.0.0.1:$(FORMS_PORT)/voila/render/network.ipynb?cop=at-graz&wave=followup&rater=at-graz:p1
# (parameters: cocope_kit/widgets/participant.py). STORE=... serves another store.
# iopub_timeout: nbclient's default of 4 s loses a form's output when a whole class opens
# the link at once on a small laptop (the page then stays empty).
forms: venv
	@if [ ! -f "$(STORE)" ]; then \
	  if [ "$(STORE)" = "$(DEMO_DB)" ]; then $(BIN)/cocope demo --out $(DEMO_DB); \
	  else echo "store $(STORE) not found" >&2; exit 1; fi; fi
	COCOPE_STORE=$(abspath $(STORE)) $(BIN)/voila notebooks/forms --no-browser \
	  --Voila.ip=127.0.0.1 --port=$(FORMS_PORT) --show_tracebacks=False \
	  --VoilaExecutor.iopub_timeout=60

# Stores are generated once into out/bench/ (cocope demo, seed 0) and reused.
bench: test-env
	$(BIN)/python -m benchmarks.run --record

lint: test-env
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
