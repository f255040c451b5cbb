# make pdf   build every issue under manuscript/ (installs what is missing)
# make test  run every test tier (installs TeX and the Python packages first), on
#            TEST_WORKERS pytest-xdist workers (auto: one per CPU)
# make test-fast    the unit tier alone (tests/unit: no TeX, no Pandoc), in seconds
# make test-golden  the golden tier alone (tests/golden: Pandoc, no TeX);
#                   UPDATE_GOLDEN=1 make test-golden rewrites its expected files
# make archive  build every final issue and package it for deposit (build/archive/)
# make proof    proofs of every issue: a new round under build/<issue>/proofs/ if its sources changed
# make setup install only; make bench run the benchmarks; make clean

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?=
TEST_WORKERS ?= auto

.PHONY: pdf test test-fast test-golden setup system-packages bench archive proof clean

pdf: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) all

archive: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) archive

proof: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) proof

test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: $(STAMP)
	$(PY) -m pytest tests/unit

test-golden: $(STAMP)
	$(PY) -m pytest tests/golden

bench: setup
	$(PY) benchmarks/bench_article.py
	$(PY) benchmarks/bench_issue.py
	$(PY) benchmarks/bench_sandbox.py
	$(PY) benchmarks/bench_archive.py
	$(PY) benchmarks/bench_preflight.py
	$(PY) benchmarks/bench_proof.py

setup: system-packages $(STAMP)

system-packages:
	@sh scripts/install-system-packages.sh

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

clean:
	rm -rf build
