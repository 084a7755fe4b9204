# mfalab: `make lab` opens the lessons, `make test` runs every check.
# Both set up .venv first (Python >= 3.10), through one constraints file of tested versions.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

.PHONY: lab test bench lint typecheck security unit notebooks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'

$(VENV)/.lab-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable '.[lab]'
	touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable '.[test]'
	touch $@ $(VENV)/.lab-installed

LAB_ARGS ?=

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/00_start_here.ipynb

bench: $(VENV)/.test-installed
	$(BIN)/python bench/run.py

test: lint typecheck security unit notebooks

lint: $(VENV)/.test-installed
	$(BIN)/ruff check mfalab tests bench $(wildcard notebooks)

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

security: $(VENV)/.test-installed
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive mfalab

unit: $(VENV)/.test-installed
	$(BIN)/pytest --doctest-modules mfalab tests README.md

notebooks: $(VENV)/.test-installed
ifneq ($(NOTEBOOKS),)
	$(BIN)/pytest --nbval --nbval-current-env --nbval-cell-timeout=120 -p no:cacheprovider $(NOTEBOOKS)
endif

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
