# mfalab: `make lab` opens the lessons, `make test` runs every check.
# Both set up .venv first (Python >= 3.10), through one constraints file of tested versions.
# Also: `make app` (the login app in Voila), `make demo` (the login in a terminal),
# `make execute` (re-run the lessons and strip widget state before committing them).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt
NOTEBOOKS := $(wildcard notebooks/*.ipynb)

CHROMIUM := /usr/bin/chromium
OATHTOOL := /usr/bin/oathtool
RSVG_CONVERT := /usr/bin/rsvg-convert
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: lab web app demo execute test bench lint typecheck security unit notebooks binder browser \
	screenshots classroom clean postgresql-server workers

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=24'

$(VENV)/.lab-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable '.[lab]'
	touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) --editable '.[test]'
	touch $@ $(VENV)/.lab-installed

# Extra JupyterLab options, e.g. headless or on a remote machine:
#   make lab LAB_ARGS="--no-browser --ip 0.0.0.0 --port 8888"
LAB_ARGS ?=
# JupyterLab refuses to start as root (containers, CI) unless told it may.
AS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
# No news toast over the lessons: JupyterLab fetches no announcements.
NO_NEWS := --LabApp.news_url=None

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab $(AS_ROOT) $(NO_NEWS) $(LAB_ARGS) notebooks/00_start_here.ipynb

# The complete login as an app, in Voila (extra options in APP_ARGS, e.g. --no-browser).
APP_ARGS ?=
app: $(VENV)/.lab-installed
	$(BIN)/voila $(APP_ARGS) notebooks/app.ipynb

# The whole login in a terminal; `make demo DEMO_ARGS=--virtual` answers with the simulated phone.
DEMO_ARGS ?=
demo: $(VENV)/.lab-installed
	$(BIN)/python -m mfalab demo $(DEMO_ARGS)

# Re-execute lessons top to bottom in a fresh kernel, save their outputs, strip widget
# state (it would hold QR codes and recovery codes). One lesson: make execute NOTEBOOKS=...
execute: $(VENV)/.test-installed
ifneq ($(NOTEBOOKS),)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 --ExecutePreprocessor.store_widget_state=False \
		$(NOTEBOOKS)
	$(BIN)/python notebooks/_tools/clean.py $(NOTEBOOKS)
endif

# The web login on http://localhost:5000/ (accounts in your data folder); e.g.
# `make web WEB_ARGS="--port 8000"`.
WEB_ARGS ?=
web: $(VENV)/.lab-installed
	$(BIN)/python -m mfalab web $(WEB_ARGS)

bench: $(VENV)/.test-installed postgresql-server
	$(BIN)/python bench/run.py

test: lint typecheck security unit workers notebooks binder browser classroom

lint: $(VENV)/.test-installed
	$(BIN)/ruff check mfalab tests bench $(wildcard notebooks)

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

security: $(VENV)/.test-installed
	$(BIN)/bandit --quiet --configfile pyproject.toml --recursive mfalab

# The unit suite runs the store, service and race tests on SQLite and on PostgreSQL: its
# fixture starts a throwaway server for the run (tests/postgres_server.py) and stops it.
unit: $(VENV)/.test-installed $(OATHTOOL) $(RSVG_CONVERT) postgresql-server
	$(BIN)/pytest --doctest-modules mfalab tests README.md \
		--ignore=tests/binder --ignore=tests/browser --ignore=tests/classroom \
		--ignore=tests/workers

# The web login on gunicorn with 4 workers and one PostgreSQL database, on loopback: a
# bounded load test (32 visitors at once: one code, one winner; no uncounted failure).
workers: $(VENV)/.test-installed postgresql-server
	$(BIN)/pytest tests/workers

# What Binder installs (repo2docker dry run, a fresh venv from binder/requirements.txt).
binder: $(VENV)/.test-installed
	$(BIN)/pytest tests/binder

# Debian's chromium for the browser tests (never a browser download).
$(CHROMIUM):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji || \
		($(SUDO) apt-get update && \
		 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-color-emoji)

# PostgreSQL's server programs (initdb, pg_ctl, postgres), from Debian's package when missing.
postgresql-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql || \
		($(SUDO) apt-get update && \
		 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql)

# Independent implementations for the interoperability tests (tests/test_interop.py):
# the OATH Toolkit computes codes, librsvg rasterises the QR code's SVG.
$(OATHTOOL):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y oathtool || \
		($(SUDO) apt-get update && \
		 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y oathtool)

$(RSVG_CONVERT):
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y librsvg2-bin || \
		($(SUDO) apt-get update && \
		 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y librsvg2-bin)

# Node.js and npm from apt, only when missing (for the npm packages below, never global).
NODE_AND_NPM := command -v node >/dev/null && command -v npm >/dev/null || \
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm || \
	($(SUDO) apt-get update && \
	 $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm)

# axe-core, the accessibility checker the browser tests inject into every page they check
# (WCAG 2.1 AA): pinned by tests/browser/package-lock.json, installed into build/axe/.
AXE_DIR := build/axe
AXE     := $(AXE_DIR)/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	$(NODE_AND_NPM)
	mkdir -p $(AXE_DIR)
	cp tests/browser/package.json tests/browser/package-lock.json $(AXE_DIR)/
	cd $(AXE_DIR) && npm ci --no-audit --no-fund
	touch $@

# Screenshots change at every run (codes, clocks): tests write them to build/;
# `make screenshots` refreshes the README's in docs/screenshots/ on purpose.
browser: $(VENV)/.test-installed $(CHROMIUM) $(AXE)
	MFALAB_SCREENSHOTS_DIR=build/screenshots $(BIN)/pytest tests/browser

screenshots: $(VENV)/.test-installed $(CHROMIUM) $(AXE)
	MFALAB_SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/browser

# A class on a real JupyterHub (tests/classroom): the hub from .venv, the proxy from npm in
# build/node/ (apt's nodejs and npm only when missing), students' servers from a user image
# built the way the README tells an instructor (a fresh venv in build/classroom/image).
NODE_DIR := build/node
PROXY    := $(NODE_DIR)/node_modules/.bin/configurable-http-proxy
IMAGE    := build/classroom/image
PACKAGE_FILES := $(shell find mfalab -name '*.py' -o -name py.typed)

$(VENV)/.classroom-installed: classroom/requirements.txt constraints.txt $(VENV)/.test-installed
	$(PIP) --requirement classroom/requirements.txt
	touch $@

$(PROXY): classroom/package.json classroom/package-lock.json
	$(NODE_AND_NPM)
	mkdir -p $(NODE_DIR)
	cp classroom/package.json classroom/package-lock.json $(NODE_DIR)/
	cd $(NODE_DIR) && npm ci --no-audit --no-fund
	touch $@

$(IMAGE)/.installed: binder/requirements.txt classroom/requirements.txt constraints.txt \
		pyproject.toml $(PACKAGE_FILES)
	rm -rf $(IMAGE)
	$(PYTHON) -m venv $(IMAGE)
	$(IMAGE)/bin/python -m pip install --quiet --upgrade 'pip>=24'
	$(IMAGE)/bin/python -m pip install --quiet \
		--requirement binder/requirements.txt --requirement classroom/requirements.txt
	touch $@

classroom: $(VENV)/.classroom-installed $(PROXY) $(IMAGE)/.installed $(CHROMIUM)
	$(BIN)/pytest tests/classroom

notebooks: $(VENV)/.test-installed
ifneq ($(NOTEBOOKS),)
	$(BIN)/pytest --nbval --nbval-current-env --nbval-cell-timeout=120 -p no:cacheprovider $(NOTEBOOKS)
endif

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
