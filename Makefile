# Two commands are all the set-up there is: `make run` and `make test`.
# Each creates .venv and installs the project into it when needed.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench check clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "actlab needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
# tests/test_export.py checks exported modules against PyTorch's autograd: the
# pinned CPU wheel where this machine keeps it (never a multi-GB CUDA download)
	if ls /opt/wheels/torch-2.13.0+cpu-*.whl >/dev/null 2>&1; then \
	  $(BIN)/python -m pip install --quiet torch==2.13.0; \
	else echo "no local torch 2.13.0 CPU wheel: the PyTorch export tests will skip"; fi
	touch $(STAMP)

## the main job: ten activations on ten datasets, 5 seeds, the report in out/compare
run: $(STAMP)
	$(BIN)/actlab compare --out out/compare

## the whole test suite, lint included (warnings are errors)
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## every activation against 50-digit references, both dtypes
check: $(STAMP)
	$(BIN)/actlab check

bench: $(STAMP)
	$(BIN)/python bench/elementwise.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info .pytest_cache .ruff_cache
