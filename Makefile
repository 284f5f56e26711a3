# mlsafety_nb: every target sets up the venv it needs, so each works alone on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1

.PHONY: install export test test-real reproduce reproduce-full bench clean-runs

install: $(STAMP)

$(STAMP): requirements.txt requirements-lock.txt settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt -c requirements-lock.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Notebooks are the source: export them into mlsafety_nb/. In CI the exported package must already match.
export: install
	$(BIN)/nbdev_export
	@if [ "$$CI" = "true" ] && [ -n "$$(git status --porcelain -- mlsafety_nb)" ]; then \
	  echo "mlsafety_nb/ differs from what nbs/ export: run 'make export' and commit"; git status --short -- mlsafety_nb; exit 1; fi

# Library notebooks' test cells (cells flagged real/slow skipped), then pytest (pipeline, smoke runs, real-model checks).
test: export
	$(BIN)/nbdev_test --n_workers 2 --skip_file_re '^(study|paper)_'
	$(BIN)/python -m pytest tests -q

# The cells flagged `real` too: they load the embedded model.
test-real: export
	$(BIN)/nbdev_test --n_workers 1 --flags real --skip_file_re '^(study|paper)_'

# The study on the embedded default: every paper section at its headline setting (reproduce.yaml, 22 min measured from a fresh clone),
# and the complete grids (reproduce-full.yaml, hours). Both print their plan first, and both resume.
reproduce: export
	$(BIN)/mlsnb run reproduce.yaml

reproduce-full: export
	$(BIN)/mlsnb run reproduce-full.yaml

# Speed and memory figures, written to bench/results.json.
bench: export
	$(BIN)/python bench/bench.py --out bench/results.json $(BENCH_ARGS)

clean-runs:
	rm -rf runs
