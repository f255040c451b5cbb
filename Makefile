# make pdf   build every issue under manuscript/ (installs what is missing)
# make test  run the test suite (installs TeX and the Python packages first)
# make setup install only; make bench run the benchmarks; make clean

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
JOBS   ?=

.PHONY: pdf test setup system-packages bench clean

pdf: setup
	$(PY) build.py $(if $(JOBS),-j $(JOBS)) all

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) benchmarks/bench_article.py
	$(PY) benchmarks/bench_issue.py
	$(PY) benchmarks/bench_sandbox.py

setup: system-packages $(STAMP)

system-packages:
	@sh scripts/install-system-packages.sh

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

clean:
	rm -rf build
