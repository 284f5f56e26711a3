# mlsafety_nb: every target sets up the venv it needs, so each works alone on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PYTHONUNBUFFERED := 1
# torch from PyTorch's CPU index on Linux (plain `pip install torch` there pulls a CUDA build of several GB); empty:
# PyPI's default (the CPU build on macOS and Windows). A GPU machine sets its own, e.g. .../whl/cu128.
TORCH_INDEX ?= $(if $(filter Linux,$(shell uname -s)),https://download.pytorch.org/whl/cpu,)
TORCH_PIN := $(shell grep -m1 '^torch==' requirements.txt)
PACK ?= workshop-pack.tar
WHEELHOUSE ?= wheelhouse

.PHONY: install export test test-real reproduce reproduce-full bench clean-runs docs serve-docs readme docs-outputs lab check \
        workshop-pack wheelhouse workshop-install

install: $(STAMP)

$(STAMP): requirements.txt requirements-lock.txt settings.ini setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(if $(TORCH_INDEX),--retries 1 --index-url $(TORCH_INDEX) --extra-index-url https://pypi.org/simple) "$(TORCH_PIN)"
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
	$(BIN)/nbdev_test --n_workers 2 --skip_file_re '^(study|paper)_' --skip_folder_re '^(workshop|[_.])'
	$(BIN)/python -m pytest tests -q

# The cells flagged `real` too: they load the embedded model.
test-real: export
	$(BIN)/nbdev_test --n_workers 1 --flags real --skip_file_re '^(study|paper)_' --skip_folder_re '^(workshop|[_.])'

# The study on the embedded default: every paper section at its headline setting (reproduce.yaml; its minutes were measured from a fresh clone),
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

# The site, in _docs/: every notebook a page (library pages with show_doc, experiment pages with the outputs of the
# executed copies in nbs/_outputs/). With Quarto on PATH, nbdev's own `nbdev_docs` renders it instead.
docs: export
	if command -v quarto >/dev/null; then $(BIN)/nbdev_docs; else $(BIN)/python tools/docs.py build; fi
	$(BIN)/python tools/docs.py check

serve-docs:
	@echo "the site at http://localhost:8000 (Ctrl-C stops it)"; $(BIN)/python -m http.server 8000 -d _docs

# README.md is made from nbs/index.ipynb.
readme: install
	$(BIN)/python tools/docs.py readme

# The executed experiment notebooks of the last `make reproduce` (runs/), copied for the site.
docs-outputs: install
	$(BIN)/python tools/docs.py outputs runs

# JupyterLab at the workshop's first page.
lab: install
	$(BIN)/jupyter lab nbs/workshop/index.ipynb

# The workshop. Instructor, once: `make workshop-pack` (every model, mask and evaluation, float32, in one archive with
# checksums) and `make wheelhouse` (the locked packages for this platform). Participant, offline:
# `make workshop-install PACK=... WHEELHOUSE=...`, then `make check`, then `make lab`.
workshop-pack: install
	$(BIN)/python -m mlsafety_nb.workshop pack $(PACK)

wheelhouse:
	$(PYTHON) -m pip download -q -d $(WHEELHOUSE) $(if $(TORCH_INDEX),--retries 1 --index-url $(TORCH_INDEX) --extra-index-url https://pypi.org/simple) "$(TORCH_PIN)"
	$(PYTHON) -m pip download -q -d $(WHEELHOUSE) --find-links $(WHEELHOUSE) -r requirements.txt -c requirements-lock.txt setuptools wheel
	@ls $(WHEELHOUSE) | grep -m1 '^torch-' && du -sh $(WHEELHOUSE)

workshop-install:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --no-index --find-links $(WHEELHOUSE) -r requirements.txt -c requirements-lock.txt
	$(BIN)/python -m pip install -q --no-index --no-deps --no-build-isolation -e .
	touch $(STAMP)
	$(BIN)/python -m mlsafety_nb.workshop unpack $(PACK)

check: install
	$(BIN)/python -m mlsafety_nb.workshop check
