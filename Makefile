# wsman.hyperv — developer and CI entry points. `make help` lists them.
# Needs only Python 3.11 (with venv and pip), gcc, git and make; everything else goes into .venv.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
BUILD := .build
REPORTS := $(BUILD)/reports
# The venv is (re)provisioned when requirements-test.txt changes: the stamp name carries its hash.
REQ_HASH := $(shell sha256sum requirements-test.txt | cut -c1-12)
STAMP := $(VENV)/.requirements-test-$(REQ_HASH)
STAGE := BUILD=$(BUILD) .ci/stage run
# ansible, ansible-lint and the tests find this checkout as the collection wsman.hyperv here
COLLECTIONS := $(CURDIR)/$(BUILD)/collections
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PYTEST := $(BIN)/python -m pytest -p no:cacheprovider
PYTEST_ARGS ?=
# Whichever of these exist are collected; a missing or still empty directory is fine.
UNIT_DIRS := $(wildcard tests/unit tests/simulator)
INTEGRATION_DIRS := $(wildcard tests/integration)

.PHONY: help venv test ruff format sanity unit integration lint demo demo-stage build clean distclean collection-link

help:
	@echo "make demo         the demo: build + install the collection, run demo/playbook.yml against two simulated hosts"
	@echo "make test         everything CI runs: ruff, ansible-test sanity, unit, integration, ansible-lint, demo"
	@echo "make ruff         ruff check (make format: apply ruff format to your files)"
	@echo "make sanity       ansible-test sanity --local --python 3.11 on a temporary collection copy"
	@echo "make unit         pytest $(UNIT_DIRS)"
	@echo "make integration  pytest tests/integration (against the simulator)"
	@echo "make lint         ansible-lint, production profile"
	@echo "make build        ansible-galaxy collection build into .build/"
	@echo "make clean        remove build output and caches (keeps .venv); distclean also removes .venv"

venv: $(STAMP)

$(STAMP): requirements-test.txt
	@if ! $(BIN)/python -c 'import sys; assert sys.version_info[:2] >= (3, 11)' 2>/dev/null; then \
		echo "creating $(VENV) with $(PYTHON)"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV) || exit 1; \
	fi
	@$(BIN)/python -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "$(VENV) needs Python >= 3.11 (ansible-core 2.19); set PYTHON=/path/to/python3.11")'
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	@rm -f $(VENV)/.requirements-test-*
	@touch $@

# tests/conftest.py makes the same link; made here once so parallel workers never race for it.
collection-link:
	@mkdir -p $(COLLECTIONS)/ansible_collections/wsman
	@[ -e $(COLLECTIONS)/ansible_collections/wsman/hyperv ] || ln -s $(CURDIR) $(COLLECTIONS)/ansible_collections/wsman/hyperv

test: venv
	@BUILD=$(BUILD) .ci/stage reset
	@$(MAKE) --no-print-directory -k ruff sanity unit integration lint demo-stage; rc=$$?; \
		BUILD=$(BUILD) .ci/stage report; rc2=$$?; \
		exit $$(( rc || rc2 ))

ruff: venv
	@$(STAGE) ruff ruff check .

format: venv
	ruff format .

sanity: venv
	@$(STAGE) sanity .ci/sanity

unit: venv collection-link
	@$(STAGE) unit $(PYTEST) $(UNIT_DIRS) --junitxml=$(REPORTS)/unit.xml $(PYTEST_ARGS)

# pytest exits 5 when it collected no test: accepted here, and only here, until the
# integration tests exist. Every other non-zero exit fails the stage.
integration: venv collection-link
	@ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(STAGE) integration bash -c 'if [ -z "$(INTEGRATION_DIRS)" ]; then echo "no tests/integration directory yet"; exit 0; fi; \
		$(PYTEST) $(INTEGRATION_DIRS) --junitxml=$(REPORTS)/integration.xml $(PYTEST_ARGS); rc=$$?; \
		if [ $$rc -eq 5 ]; then echo "integration: no tests collected yet (pytest exit 5), not a failure"; rc=0; fi; exit $$rc'

lint: venv collection-link
	@ANSIBLE_COLLECTIONS_PATH=$(COLLECTIONS) $(STAGE) ansible-lint ansible-lint --profile production $(if $(CI),--nocolor)

# demo/run.sh builds the collection with ansible-galaxy, installs it into $(BUILD)/demo-collections
# (the only collections path it uses), starts two simulated Hyper-V hosts and runs demo/playbook.yml;
# the simulators are stopped on exit. Its exit status is make demo's. See docs/demo.md.
demo: venv
	@bash demo/run.sh

# make test's end-to-end smoke test: the demo as a labelled stage.
demo-stage: venv
	@$(STAGE) demo bash demo/run.sh

build: venv
	@mkdir -p $(BUILD)/dist
	ansible-galaxy collection build --force --output-path $(BUILD)/dist .

clean:
	rm -rf $(BUILD) tests/output .pytest_cache .ruff_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
