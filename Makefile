# make pdf   build every issue under manuscript/ (installs what is missing)
# make test  run the test suite (installs TeX and the Python packages first)
# make archive  build every final issue and package it for deposit (build/archive/)
# make proof    proofs of every issue: a new round under build/<issue>/proofs/ if its sources changed
# make setup install only; make bench run the benchmarks; make clean

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?=

.PHONY: pdf test setup system-packages bench archive proof clean

pdf: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) all

archive: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) archive

proof: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) proof

test: setup
	$(PY) -m pytest

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
