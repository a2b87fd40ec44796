# Two-command quick start: `make lab` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_LAB := $(VENV)/.installed-lab
STAMP_TEST := $(VENV)/.installed-test

.PHONY: lab test test-latest test-explore bench clean vega-bundle

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

# .venv/.installed-<extra>: the package with JupyterLab and that extra (lab, test, lite, present);
# reinstalled when pyproject.toml changes. The warm-up compiles and caches the model kernel, so
# no notebook waits for numba (hpgwidgets/warmup.py).
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[lab,$*]"
	$(PY) -m hpgwidgets.warmup
	touch $@

# JupyterLab refuses to run as root unless told to (containers and some lab machines run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

# lab/jupyter_lab_config.py: no news pop-up, windowing off, widgets saved as a "run this cell" note.
lab: $(STAMP_LAB)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --config=lab/jupyter_lab_config.py notebooks/00_start_here.ipynb

# lite-fetch downloads (once; pinned and checked) what the JupyterLite tests build their site from.
# make test needs npm (to fetch Pyodide); the browser tests need Chromium at /usr/bin/chromium (README).
test: $(STAMP_TEST)
	@command -v npm >/dev/null || { echo "make test needs npm (it fetches the JupyterLite site's Pyodide): apt-get install npm"; exit 1; }
	@test -x /usr/bin/chromium || echo "No Chromium at /usr/bin/chromium: the browser tests will be skipped (CI: they fail); apt-get install chromium"
	$(MAKE) --no-print-directory lite-fetch
	$(PY) -m pytest --ignore=tests/site
	@# the course site's tests in a process of their own: its Playwright must not meet the event loop
	@# an earlier notebook or widget test left behind
	$(PY) -m pytest tests/site

# The newest release of every dependency, past pyproject.toml's upper bounds, in a separate
# venv (.venv-latest): the unit tests (not the browser ones) say whether a bound can move.
LATEST_VENV := .venv-latest
LATEST_TESTS ?= --ignore=tests/browser -m "not browser"
test-latest:
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install -q --upgrade pip
	$(PYTHON) tools/latest_requirements.py > $(LATEST_VENV)/requirements.txt
	$(LATEST_VENV)/bin/python -m pip install --upgrade --upgrade-strategy eager -r $(LATEST_VENV)/requirements.txt
	$(LATEST_VENV)/bin/python -m pip install -q --no-deps -e .
	$(LATEST_VENV)/bin/python -m pip list --format=freeze | grep -iE '^(numpy|scipy|pandas|altair|ipywidgets|anywidget|vl-convert-python|numba|jupyterlab|voila)=='
	$(LATEST_VENV)/bin/python -m pytest -q $(LATEST_TESTS)

# Property tests with new random examples each run, failures kept in .hypothesis/ and tried
# first next time. CI stays derandomised (the "ci" profile of tests/conftest.py).
test-explore: $(STAMP_TEST)
	HYPOTHESIS_PROFILE=explore $(PY) -m pytest -q $$(grep -l "from hypothesis" tests/test_*.py)

bench: $(STAMP_TEST)
	$(PY) benchmarks/bench_simulate.py
	$(PY) benchmarks/bench_cohort.py --compare
	$(PY) benchmarks/bench_browser_latency.py
	$(PY) benchmarks/bench_slider_bytes.py
	$(PY) benchmarks/bench_kernel_memory.py
	$(PY) benchmarks/bench_limits.py
	$(PY) benchmarks/bench_import.py
	$(PY) benchmarks/bench_notebooks.py
	$(PY) benchmarks/bench_classroom.py

# The Vega bundle offline charts draw from (hpgwidgets/offline.py); rebuild after upgrading altair.
vega-bundle: $(STAMP_TEST)
	$(PY) tools/build_vega_bundle.py

clean:
	rm -rf $(VENV) $(LATEST_VENV) build dist *.egg-info

# ---- JupyterLite and presentation mode (platform helper) ----------------------------
# `make lite`: a static JupyterLite site in build/lite that needs nothing but its own host
# (docs/jupyterlite.md): notebooks, this package's wheel, Pyodide and every package the
# notebooks import. `lite-fetch` is the only step that downloads (npm, PyPI; pinned and
# sha256-checked, kept in $(LITE_PYODIDE)); `lite-build` then works offline, so the browser
# tests can run it. PYODIDE_DIST=<path or URL of an official Pyodide 0.27.x release archive>
# takes Pyodide and its packages from that archive instead of npm and the checked copies.
# `make present`: the classroom dashboard in Voila.
STAMP_LITE := $(VENV)/.installed-lite
STAMP_PRESENT := $(VENV)/.installed-present
LITE_OUT ?= build/lite
LITE_WHEELS ?= build/lite-wheels
LITE_PYODIDE ?= build/lite-pyodide
LITE_CACHE ?= build/lite-cache
LITE_CONTENTS ?= notebooks
PYODIDE_DIST ?=
PRESENT_PORT ?= 8866
PRESENT_BROWSER ?=

# jupyter lite build reads a relative path from lite/, so a local archive is made absolute.
PYODIDE_SOURCE = $(if $(PYODIDE_DIST),$(if $(findstring ://,$(PYODIDE_DIST)),$(PYODIDE_DIST),$(abspath $(PYODIDE_DIST))),$(abspath $(LITE_PYODIDE))/pyodide)

.PHONY: lite lite-fetch lite-build test-lite bench-lite present present-serve

lite: $(STAMP_LITE)
	$(MAKE) --no-print-directory lite-fetch
	$(MAKE) --no-print-directory lite-build
	@echo "JupyterLite site built in $(LITE_OUT); try it with: $(PY) -m http.server -d $(LITE_OUT)"

lite-fetch: | $(PY)
	$(PY) lite/fetch.py --out $(LITE_PYODIDE) $(if $(PYODIDE_DIST),--pyodide-dist $(PYODIDE_DIST))

lite-build:
	@test -d $(LITE_PYODIDE)/wheels || { echo "$(LITE_PYODIDE) is missing: run make lite-fetch first"; exit 1; }
	@# stale setuptools output (build/lib), doit state or another Pyodide's files could leak into
	@# the site; a downloaded PYODIDE_DIST archive stays in $(LITE_CACHE)/pyodide for the next build
	rm -rf $(LITE_OUT) $(LITE_WHEELS) $(LITE_CACHE)/pyodide/pyodide build/lib .jupyterlite.doit.db
	$(PY) -m pip wheel --no-deps --no-build-isolation --wheel-dir $(LITE_WHEELS) .
	JUPYTERLITE_CACHE_DIR=$(abspath $(LITE_CACHE)) $(VENV)/bin/jupyter lite build --lite-dir lite --contents $(abspath $(LITE_CONTENTS)) \
		--piplite-wheels $(abspath $(LITE_WHEELS))/hpgwidgets-*.whl --piplite-wheels $(abspath $(LITE_PYODIDE))/wheels \
		--pyodide $(PYODIDE_SOURCE) --output-dir $(abspath $(LITE_OUT))
	@# browsers ask the site's root for a favicon when the kernel's busy icon resets
	cp $(LITE_OUT)/static/favicons/favicon.ico $(LITE_OUT)/favicon.ico
	@# source maps are for debugging JupyterLite itself: 45 MB no reader downloads
	find $(LITE_OUT) -name '*.map' -delete

# A first visit to the JupyterLite site: download, time, browser memory (docs/deployment.md); notebook 01 and
# slider redraws there (docs/performance.md).
bench-lite: $(STAMP_TEST)
	$(MAKE) --no-print-directory lite-fetch
	$(MAKE) --no-print-directory lite-build
	$(PY) benchmarks/bench_lite.py
	$(PY) benchmarks/bench_lite_notebook.py

# Every notebook run in the site's Pyodide kernel in Chromium, offline (nightly size, ~20 min;
# `make test` runs notebook 01 and the Workbench only).
test-lite: $(STAMP_TEST)
	$(MAKE) --no-print-directory lite-fetch
	HPG_LITE_ALL_NOTEBOOKS=1 $(PY) -m pytest tests/browser/test_lite.py -q

present: $(STAMP_PRESENT)
	$(MAKE) --no-print-directory present-serve

# JUPYTER_PATH finds the `classroom` template in present/ (no CDN links, large type); the
# JupyterLite kernel's labextension (installed for `make lite`) has no place in Voila.
# Served on 127.0.0.1 only, and only to who has the token: other users of this computer could
# otherwise open the dashboard, and its file boxes write as the lecturer. The token is new at
# every start (PRESENT_TOKEN=<secret> chooses one); the link with it is printed and opened in
# the browser once Voila answers (PRESENT_BROWSER=--no-browser: printed only).
# HPG_FILES_FOLDER keeps every figure and scenario the Workbench's file boxes save or load
# inside $(PRESENT_FILES) (workbench/files.py).
PRESENT_FILES ?= $(CURDIR)/build/present-files
PRESENT_TOKEN ?=
define OPEN_WHEN_SERVING
import os, time, urllib.parse, urllib.request, webbrowser
link = os.environ["PRESENT_LINK"]
static = urllib.parse.urljoin(link, "/voila/static/voila-style.js")
for attempt in range(600):
    try:
        urllib.request.urlopen(static, timeout=5).close()
        break
    except OSError:
        time.sleep(0.5)
webbrowser.open(link)
endef
export OPEN_WHEN_SERVING
present-serve:
	mkdir -p $(PRESENT_FILES)
	@# the token travels in the environment (JUPYTER_TOKEN), not on a command line `ps` shows
	@JUPYTER_TOKEN='$(PRESENT_TOKEN)'; \
	export JUPYTER_TOKEN="$${JUPYTER_TOKEN:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(18))')}"; \
	export PRESENT_LINK="http://127.0.0.1:$(PRESENT_PORT)/?token=$$JUPYTER_TOKEN"; \
	echo "Presentation mode: open $$PRESENT_LINK (the dashboard asks for this token)"; \
	$(if $(PRESENT_BROWSER),,$(PY) -c "$$OPEN_WHEN_SERVING" &) \
	HPG_FILES_FOLDER=$(PRESENT_FILES) JUPYTER_PATH=$(CURDIR)/present exec $(VENV)/bin/voila notebooks/classroom.ipynb \
		--template=classroom --theme=light --show_tracebacks=True \
		--VoilaConfiguration.extension_denylist=@jupyterlite/pyodide-kernel-extension \
		--Voila.ip=127.0.0.1 --port=$(PRESENT_PORT) --Voila.auto_token=True --no-browser

# ---- Course site (docs/site.md) ---------------------------------------------------------
# `make site`: the static course site in build/site: every notebook executed and rendered by
# Sphinx (myst-nb, sphinx-book-theme), the JupyterLite site its launch buttons open in
# build/site/lite. Only lite-fetch uses the network (once; cached in build/lite-pyodide).
# `make site-serve` serves it on http://127.0.0.1:$(SITE_PORT)/ ; `make test-site` builds and tests it.
STAMP_SITE := $(VENV)/.installed-site
SITE_OUT ?= build/site
SITE_PORT ?= 8000

.PHONY: site site-build site-serve test-site

site: $(STAMP_SITE)
	$(MAKE) --no-print-directory lite-fetch
	$(MAKE) --no-print-directory site-build

site-build:
	$(PY) site/build.py --out $(SITE_OUT)
	$(MAKE) --no-print-directory lite-build LITE_OUT=$(SITE_OUT)/lite
	@echo "Course site built in $(SITE_OUT); serve it with: make site-serve"

site-serve:
	$(PY) -m http.server --bind 127.0.0.1 --directory $(SITE_OUT) $(SITE_PORT)

test-site: $(STAMP_TEST)
	$(MAKE) --no-print-directory lite-fetch
	$(PY) -m pytest tests/site -q
