# pakketbuild: set-up, build and test in a few commands.
#
#   make build   .venv + pakketbuild, then content/ -> exports/
#   make test    .venv + test tools (Debian packages, npm clients), then pytest, ruff, mypy
#
# Every step checks first and does nothing when its work is already done.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

# CI=true turns a missing test client into a failure instead of a skip (tests/clients).
# Passed through unchanged; never exported empty when unset (tools such as Hypothesis
# switch to CI settings when the variable merely exists).
ifneq ($(origin CI),undefined)
export CI
endif

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.installed
TEST_STAMP  := $(VENV)/.installed-test
LOCK_BUILD  := requirements/build.txt
LOCK_TEST   := requirements/test.txt
PYTEST_ARGS ?=

# Real clients the tests run: Debian packages (checked with dpkg-query, installed with apt-get)
# and npm packages in tests/clients (installed with npm ci from the committed lock file).
APT_PACKAGES := chromium libreoffice-writer-nogui python3-uno poppler-utils libharfbuzz-subset0 faketime \
                jing
CLIENTS      := tests/clients
NPM_STAMP    := $(CLIENTS)/node_modules/.package-lock.json

.PHONY: build venv test-venv lock tools tools-apt tools-npm test lint schema clean distclean \
        vendor-cms

## build: content/ -> exports/ (HTML, PDF, DOCX, JSON feeds)
build: venv
	$(BIN)/pakketbuild build

## venv: .venv with pakketbuild installed editable, re-installed when pyproject.toml or the lock changes
venv: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions with hashes from requirements/ (see requirements/README.md): the same
# libraries everywhere, so the same bytes. make build installs only what building needs.
$(STAMP): pyproject.toml $(LOCK_BUILD) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK_BUILD)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

## test-venv: the test and lint tools as well (pytest, ruff, mypy, PDF checkers, ...)
test-venv: $(TEST_STAMP)

$(TEST_STAMP): $(LOCK_TEST) $(STAMP)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK_TEST)
	touch $@

## lock: regenerate requirements/*.txt from pyproject.toml (uv, universal, with hashes)
UV_VERSION := 0.13.8
UV_COMPILE := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --quiet
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(UV_COMPILE) -o $(LOCK_BUILD)
	$(UV_COMPILE) --extra test --constraint $(LOCK_BUILD) -o $(LOCK_TEST)

## tools: Debian packages and npm clients the tests need (quick when all are present)
tools: tools-apt tools-npm

tools-apt:
	@missing=""; \
	for pkg in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$pkg"; \
	done; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jre-headless"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	cmd="apt-get update && apt-get install -y --no-install-recommends$$missing"; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "Missing Debian packages:$$missing" >&2; \
	  echo "Run as root:  sudo sh -c '$$cmd'" >&2; \
	  exit 1; \
	fi; \
	echo "Installing Debian packages:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq; \
	apt-get install -y -qq --no-install-recommends $$missing

tools-npm: $(NPM_STAMP)

# --ignore-scripts: vnu-jar's postinstall would download a JDK; the machine's Java 17 runs it.
$(NPM_STAMP): $(CLIENTS)/package-lock.json $(CLIENTS)/package.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is required for the test clients" >&2; exit 1; }
	cd $(CLIENTS) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

## test: every test with the real clients, then lint (pass pytest options in PYTEST_ARGS)
test: test-venv tools
	$(BIN)/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory lint

## lint: ruff and mypy (mypy's settings are in pyproject.toml)
lint: test-venv
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/mypy

## vendor-cms: refresh the vendored Decap CMS bundle from tools/cms (npm; maintainers only)
CMS_TOOLS := tools/cms
CMS_ASSET := src/pakketbuild/assets/cms
vendor-cms:
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is required" >&2; exit 1; }
	cd $(CMS_TOOLS) && npm ci --ignore-scripts --no-audit --no-fund
	gzip -9 -n -c $(CMS_TOOLS)/node_modules/decap-cms/dist/decap-cms.js > $(CMS_ASSET)/decap-cms.js.gz
	cp $(CMS_TOOLS)/node_modules/decap-cms/dist/decap-cms.js.LICENSE.txt $(CMS_ASSET)/
	sha=$$(sha256sum $(CMS_TOOLS)/node_modules/decap-cms/dist/decap-cms.js | cut -d' ' -f1); \
	sed -i "s/^sha256 of the uncompressed decap-cms.js: .*/sha256 of the uncompressed decap-cms.js: $$sha/" $(CMS_ASSET)/LICENSE
	@echo "Now set DECAP_VERSION in src/pakketbuild/cms/__init__.py and the version line in $(CMS_ASSET)/LICENSE."

## schema: regenerate the JSON Schemas in schema/ from the content model
schema: venv
	$(BIN)/pakketbuild schema

## clean: remove build output and caches (keeps .venv and node_modules)
clean:
	find exports -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf build .pakketbuild-cache .cache .pytest_cache .mypy_cache .ruff_cache .hypothesis
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf src/*.egg-info

## distclean: clean, and also remove .venv and the npm clients
distclean: clean
	rm -rf $(VENV) $(CLIENTS)/node_modules

## bench: measure builds against pandoc and Hugo (Debian), write docs/benchmarks.md
.PHONY: bench
BENCH_APT := pandoc hugo
bench: venv
	@missing=""; \
	for pkg in $(BENCH_APT); do command -v "$$pkg" >/dev/null || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" -ne 0 ]; then echo "Run as root: apt-get install -y$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# --------------------------------------------------------------------------- editors
# The editors' commands, without activating .venv: run them in this folder.
#   make check                      check the texts (every problem, in Dutch)
#   make serve                      preview on http://127.0.0.1:8000/, PDF and Word included
#   make status                     overview: statuses and reviews due
#   make new-item ID=woningscan [KIND=scan] [TITLE="Woningscan"]
#   make new-pakket ID=mijn-pakket ITEMS=woningscan,stappenplan [TITLE="…"]
# Extra options go in ARGS, e.g. make check ARGS=--strict; English: make check ARGS="--lang en".
# (make build, above, puts the site and the PDF/Word/ODT files in exports/.)

.PHONY: check serve status new-item new-pakket messages architecture font-subsets doc-images
ARGS  ?=
KIND  ?= other
TITLE ?=

## check: check the texts in content/ and report every problem
check: venv
	$(BIN)/pakketbuild check $(ARGS)

## serve: preview the site (and its PDF and Word files) on this computer; Ctrl-C stops it
serve: venv
	$(BIN)/pakketbuild serve --documenten $(ARGS)

## status: editorial overview (statuses, reviews due)
status: venv
	$(BIN)/pakketbuild status $(ARGS)

## new-item: a new item file, content/items/$(ID).md
new-item: venv
	@test -n "$(ID)" || { echo "Geef een id mee, bijvoorbeeld: make new-item ID=woningscan" >&2; exit 1; }
	$(BIN)/pakketbuild new item "$(ID)" --kind "$(KIND)" $(if $(TITLE),--title "$(TITLE)") $(ARGS)

## new-pakket: a new pakket file, content/pakketten/$(ID).md
new-pakket: venv
	@test -n "$(ID)" -a -n "$(ITEMS)" || { echo "Geef een id en onderdelen mee, bijvoorbeeld: make new-pakket ID=mijn-pakket ITEMS=woningscan" >&2; exit 1; }
	$(BIN)/pakketbuild new pakket "$(ID)" --items "$(ITEMS)" $(if $(TITLE),--title "$(TITLE)") $(ARGS)

## messages: update the message catalogs (src/pakketbuild/locale) after changing texts
messages: venv
	$(BIN)/python scripts/messages.py

## architecture: redraw the map in docs/architecture.md from the import graph (after moving code)
architecture: venv
	$(BIN)/python scripts/architecture.py
## font-subsets: rewrite the ready-made house font subsets Word and ODT files embed
font-subsets: venv
	$(BIN)/python scripts/font_subsets.py

## doc-images: redraw the page images of the README and docs/documents.md (needs make tools)
doc-images: venv
	$(BIN)/python scripts/doc_images.py
