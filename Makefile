# Two-command quick start: `make lab` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_LAB := $(VENV)/.installed-lab
STAMP_TEST := $(VENV)/.installed-test

.PHONY: lab test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

# .venv/.installed-<extra>: the package with JupyterLab and that extra (lab, test, lite, present);
# reinstalled when pyproject.toml changes.
$(VENV)/.installed-%: pyproject.toml | $(PY)
	$(PY) -m pip install -e ".[lab,$*]"
	touch $@

# JupyterLab refuses to run as root unless told to (containers and some lab machines run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

# lab/jupyter_lab_config.py: no news pop-up, windowing off, widgets saved as a "run this cell" note.
lab: $(STAMP_LAB)
	$(VENV)/bin/jupyter lab $(ALLOW_ROOT) --config=lab/jupyter_lab_config.py notebooks/00_start_here.ipynb

test: $(STAMP_TEST)
	$(PY) -m pytest

bench: $(STAMP_TEST)
	$(PY) benchmarks/bench_simulate.py
	$(PY) benchmarks/bench_cohort.py --compare
	$(PY) benchmarks/bench_browser_latency.py

clean:
	rm -rf $(VENV) build dist *.egg-info

# ---- JupyterLite and presentation mode (platform helper) ----------------------------
# `make lite`: a static JupyterLite site in build/lite (notebooks + this package's wheel);
# `make present`: the classroom dashboard in Voila. The *-build / *-serve targets do the
# work without installing anything, so the browser tests can run them offline.
STAMP_LITE := $(VENV)/.installed-lite
STAMP_PRESENT := $(VENV)/.installed-present
LITE_OUT ?= build/lite
LITE_WHEELS ?= build/lite-wheels
LITE_CONTENTS ?= notebooks
PRESENT_PORT ?= 8866
PRESENT_BROWSER ?=

.PHONY: lite lite-build present present-serve

lite: $(STAMP_LITE)
	$(MAKE) --no-print-directory lite-build
	@echo "JupyterLite site built in $(LITE_OUT); try it with: $(PY) -m http.server -d $(LITE_OUT)"

lite-build:
	@# stale setuptools output (build/lib) or doit state could leak old files into the site
	rm -rf $(LITE_OUT) $(LITE_WHEELS) build/lib .jupyterlite.doit.db
	$(PY) -m pip wheel --no-deps --no-build-isolation --wheel-dir $(LITE_WHEELS) .
	$(VENV)/bin/jupyter lite build --lite-dir lite --contents $(abspath $(LITE_CONTENTS)) \
		--piplite-wheels $(abspath $(LITE_WHEELS))/hpgwidgets-*.whl --output-dir $(abspath $(LITE_OUT))

present: $(STAMP_PRESENT)
	$(MAKE) --no-print-directory present-serve

# JUPYTER_PATH finds the `classroom` template in present/ (no CDN links, large type); the
# JupyterLite kernel's labextension (installed for `make lite`) has no place in Voila.
present-serve:
	JUPYTER_PATH=$(CURDIR)/present $(VENV)/bin/voila notebooks/classroom.ipynb \
		--template=classroom --theme=light --show_tracebacks=True \
		--VoilaConfiguration.extension_denylist=@jupyterlite/pyodide-kernel-extension \
		--Voila.ip=127.0.0.1 --port=$(PRESENT_PORT) $(PRESENT_BROWSER)
