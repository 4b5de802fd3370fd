# make demo | make test | make bench  -- everything installs into .venv from the package index.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := $(CURDIR)/.venv
PY          := $(VENV)/bin/python
BUILD       := $(CURDIR)/build
COLLECTIONS := $(BUILD)/collections
COLL_LINK   := $(COLLECTIONS)/ansible_collections/idm/okta_salesforce
SANITY_TREE := $(BUILD)/sanity/ansible_collections/idm/okta_salesforce
FLOORS_VENV := $(BUILD)/venv-floors
PYTEST      := $(PY) -m pytest -p no:cacheprovider

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help venv collection java demo test test-unit test-floors test-repo test-sanity test-integration test-matrix test-planted bench docs clean

help:
	@echo "make demo   - start the simulator and run the collection against it"
	@echo "make test   - unit tests (also with the lowest library versions requirements.txt allows), repository checks,"
	@echo "              the matrix, integration tests (real ansible-playbook), planted bugs"
	@echo "make test-matrix - unit tests, ansible-test sanity and the demo on every supported ansible-core (.ci/matrix.txt)"
	@echo "make test-planted - plant each bug of tests/planted_bugs/bugs.py in a copy and show the suite catches it"
	@echo "make bench  - benchmarks against the simulator (JSON lines); one part: make bench BENCH_ARGS=\"--only rate\""
	@echo "make docs   - regenerate docs/reference/ from the modules' and role's documentation"

venv: $(VENV)/.installed

# A Python that really runs: 3.12/3.13 (ansible-core 2.20) first, else 3.11 with ansible-core 2.19.
$(VENV)/.installed: requirements.txt tests/requirements.txt tests/constraints.txt .ci/find-python
	rm -rf $(VENV)
	set -e; read -r pybin core <<<"$$(bash .ci/find-python)"; \
	echo "Using $$pybin with ansible-core $$core"; \
	"$$pybin" -m venv $(VENV); \
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip; \
	set -o pipefail; $(PY) -m pip install -q --disable-pip-version-check "ansible-core==$$core" \
	    -r requirements.txt -r tests/requirements.txt -c tests/constraints.txt 2>&1 \
	    | { grep -v "^WARNING: Location 'file:" || true; }
	touch $@

collection: $(COLL_LINK)
$(COLL_LINK):
	mkdir -p $(dir $@)
	ln -sfn $(CURDIR) $@

demo: venv collection
	$(PY) -m tests.demo

# The matrix runs ansible-test sanity on every supported ansible-core, the one of .venv included, so
# test-sanity (the same on .venv alone) is not repeated here.
test: test-unit test-floors test-repo test-matrix test-integration test-planted

test-unit: venv collection
	$(PYTEST) -q tests/unit tests/simulator

# The unit tests again, in a venv of the same Python holding the lower bounds of requirements.txt exactly
# (.ci/floors: ansible-core, requests, urllib3, simple-salesforce, PyJWT, cryptography), so that each bound is one the
# code works with. Rebuilt when requirements.txt, tests/requirements.txt or the scripts change.
test-floors: $(FLOORS_VENV)/.installed collection
	$(FLOORS_VENV)/bin/python -m pytest -p no:cacheprovider -q tests/unit

$(FLOORS_VENV)/.installed: requirements.txt tests/requirements.txt .ci/find-python .ci/floors
	rm -rf $(FLOORS_VENV)
	set -e; read -r pybin core <<<"$$(bash .ci/find-python)"; \
	echo "Lower bounds with $$pybin:" $$(bash .ci/floors | tr '\n' ' '); \
	"$$pybin" -m venv $(FLOORS_VENV); \
	bash .ci/floors > $(FLOORS_VENV)/floors.txt; \
	set -o pipefail; $(FLOORS_VENV)/bin/python -m pip install -q --disable-pip-version-check -r $(FLOORS_VENV)/floors.txt 2>&1 \
	    | { grep -v "^WARNING: Location 'file:" || true; }
	touch $@

# The repository as it ships: packaging (EE, AWX credential types), ansible-lint, docs/reference/ current,
# ansible-doc, role variables.
test-repo: venv collection
	$(PYTEST) -q tests/repo

# The Event-Driven Ansible tests run a real ansible-rulebook, whose rules engine needs Java 17+ (.ci/java installs
# the distribution's JRE where it is missing).
test-integration: venv collection java
	$(PYTEST) -q tests/integration tests/reliability

java:
	bash .ci/java

# Proof that the suite can fail: each planted bug (a write in check mode, a secret in an error message, a
# swallowed exception, no read-back after a lost answer, ...) applied alone to a copy of the collection, and
# the tests that must catch it run there; fails if any bug is not caught. Nothing is planted in plugins/ here.
test-planted: venv collection
	$(PY) -m tests.planted_bugs

# ansible-test sanity (all tests, no ignore files) on a copy under ansible_collections/<ns>/<name>,
# then antsibull-changelog lint. One test: make test-sanity SANITY_ARGS="--test validate-modules"
test-sanity: venv
	bash .ci/sanity $(VENV) $(SANITY_TREE) $(SANITY_ARGS)

# ---- every supported ansible-core (.ci/matrix.txt: ansible-core and its Python) ---------------------------
# For each line: its own venv under build/matrix/<core>/ (ansible-core pinned, requirements.txt's libraries at
# tests/constraints.txt's pins, the unit tests' runners), then the unit tests, ansible-test sanity (.ci/sanity,
# its tree under build/matrix/<core>/sanity) and the demo (its files under build/matrix/<core>/demo).
# A venv is rebuilt when a requirements file, the matrix or the scripts change.
# One line: make test-matrix-2.21.5
MATRIX_DIR   := $(BUILD)/matrix
MATRIX_CORES := $(shell awk '!/^\#/ && NF {print $$1}' .ci/matrix.txt)

# Each line is mostly one busy process (pytest, pylint, ansible-playbook): MATRIX_JOBS lines run at once (one per
# core here), each line's output shown whole when it ends. A sub-make, so the lines' targets do not depend on .venv.
MATRIX_JOBS  ?= 2

test-matrix:
	@$(MAKE) --no-print-directory -j$(MATRIX_JOBS) --output-sync=target $(MATRIX_CORES:%=test-matrix-%)

# Built by a pattern rule, so make would delete it as an intermediate file after the run.
.PRECIOUS: $(MATRIX_DIR)/%/venv/.installed

test-matrix-%: $(MATRIX_DIR)/%/venv/.installed collection
	@echo "== ansible-core $* on Python $$(cat $(MATRIX_DIR)/$*/venv/python-version)"
	$(MATRIX_DIR)/$*/venv/bin/python -m pytest -p no:cacheprovider -q tests/unit
	bash .ci/sanity $(MATRIX_DIR)/$*/venv $(MATRIX_DIR)/$*/sanity/ansible_collections/idm/okta_salesforce $(SANITY_ARGS)
	DEMO_WORKDIR=$(MATRIX_DIR)/$*/demo $(MATRIX_DIR)/$*/venv/bin/python -m tests.demo

$(MATRIX_DIR)/%/venv/.installed: requirements.txt tests/requirements.txt tests/constraints.txt .ci/matrix.txt .ci/matrix-python
	rm -rf $(dir $@)
	set -e; pyver=$$(awk -v core="$*" '$$1 == core {print $$2}' .ci/matrix.txt); \
	[ -n "$$pyver" ] || { echo "ansible-core $* is not in .ci/matrix.txt" >&2; exit 1; }; \
	pybin=$$(bash .ci/matrix-python "$$pyver"); \
	echo "ansible-core $* with $$pybin"; \
	"$$pybin" -m venv $(dir $@); \
	grep -E '^(pytest|pytest-httpserver|pytest-timeout|PyYAML)[=<>~ ]' tests/requirements.txt > $(dir $@)test-requirements.txt; \
	set -o pipefail; $(dir $@)bin/python -m pip install -q --disable-pip-version-check "ansible-core==$*" \
	    -r requirements.txt -r $(dir $@)test-requirements.txt -c tests/constraints.txt 2>&1 \
	    | { grep -v "^WARNING: Location 'file:" || true; }; \
	$(dir $@)bin/python -c 'import platform; print(platform.python_version())' > $(dir $@)python-version
	touch $@

bench: venv collection
	$(PY) -m tests.bench $(BENCH_ARGS)

# antsibull-docs, offline; tests/repo/test_docs_current.py fails when docs/reference/ is not current.
docs: venv
	$(PY) -m tests.docs_build

clean:
	rm -rf $(VENV) $(BUILD) tests/output
