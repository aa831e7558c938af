# The few commands people type. Everything installs into .venv from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := data/demo.sqlite
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

FORMS_PORT ?= 8866
PORT ?= $(FORMS_PORT)
HOST ?= 127.0.0.1
STORE ?= $(DEMO_DB)

.PHONY: help venv test-env system-packages demo test lab forms lint clean bench lock messages

help:
	@echo "make demo   set up .venv, write the demo store $(DEMO_DB) and summarise it"
	@echo "make test   set up .venv with test extras and run every test"
	@echo "make lab    open JupyterLab on notebooks/ (http://127.0.0.1:8888)"
	@echo "make forms  serve the participant forms to invitation links (STORE=, HOST=, PORT=)"
	@echo "make lint   ruff check"
	@echo "make messages  extract the texts to translate and update the catalogs (cocope_kit/locale)"
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
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra test --extra hub \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes \
	  --upgrade -o $(LOCK)

demo: venv
	$(BIN)/cocope demo --out $(DEMO_DB) --force
	$(BIN)/cocope info --store $(DEMO_DB)
	@echo
	@echo "Demo store: $(DEMO_DB)   (open the notebooks with 'make lab')"
	@echo "Demo reports (one per CoP and all CoPs side by side; open them in a browser):"
	@$(BIN)/cocope report --store $(DEMO_DB) --out-dir out/reports
	@echo "CoP tree posters (A3 PDF, each in its CoP's language):"
	@for cop in $$($(BIN)/python -c "import cocope_kit as ck; \
	  print(' '.join(ck.open_store('$(DEMO_DB)').read('cop').cop_id))"); do \
	  $(BIN)/cocope poster --store $(DEMO_DB) --cop $$cop --out out/posters/tree_$$cop.pdf || exit 1; done

# The suite drives Debian's Chromium (browser tests), GNU PSPP (the SPSS files are opened with
# it) and poppler-utils (printed posters and hand-outs are read and rendered with pdfinfo,
# pdftotext, pdftoppm); install them when missing (needs root or sudo). A missing one fails
# the suite.
SYSTEM_PACKAGES := chromium:chromium pspp:pspp pdftoppm:poppler-utils
system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@for pair in $(SYSTEM_PACKAGES); do command -v "$${pair%%:*}" >/dev/null 2>&1 || \
	  { echo "$${pair%%:*} is missing: the tests that need it cannot run" >&2; exit 1; }; done

test: test-env system-packages
	$(BIN)/python -m pytest

lab: venv
	cd notebooks && ../$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser $(ROOT_FLAG)

# Participant forms: only invitation links open a form (cards: cocope invite, or notebook 03).
#   make forms STORE=data/school.sqlite HOST=0.0.0.0 PORT=8866
# HOST=0.0.0.0 serves the school network (the address for the cards is printed).
forms: venv
	@if [ ! -f "$(STORE)" ]; then \
	  if [ "$(STORE)" = "$(DEMO_DB)" ]; then $(BIN)/cocope demo --out $(DEMO_DB); \
	  else echo "store $(STORE) not found" >&2; exit 1; fi; fi
	$(BIN)/cocope forms --store $(STORE) --host $(HOST) --port $(PORT)

# Stores are generated once into out/bench/ (cocope demo, seed 0) and reused.
bench: test-env
	$(BIN)/python -m benchmarks.run --record

# Texts of the code in five languages: extract the marked messages into the template and
# bring every language's catalog up to date (then translate what is new; tests/test_i18n.py
# fails on a message missing in any language).
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k gettext -k ngettext:1,2 --no-location \
	  --sort-output --project cocope_kit --version 0.1.0 \
	  --copyright-holder "cocope_kit developers" -o cocope_kit/locale/cocope_kit.pot .
	$(BIN)/pybabel update -i cocope_kit/locale/cocope_kit.pot -d cocope_kit/locale \
	  -D cocope_kit --no-fuzzy-matching --ignore-obsolete -w 100

lint: test-env
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
