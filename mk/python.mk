# Python bindings (bindings/python): the CPython extension `lrsched` and the ctypes
# wrapper `lrsched_ctypes`, tested as installed packages.
#
#   make test-python        build the self-contained library (lib-static-runtime), install
#                           the package into a private venv, run the pytest suite and the
#                           conformance vectors through both backends
#   make python-install     just the venv install (quick when nothing changed)
#   make python-bench       the benchmark tables: bindings/python/benchmarks/bench.py (steps,
#                           previews) and bench_train.py (Trainer beside torch's loop); torch
#                           columns where torch is importable. `make bench` runs it too.
#   make python-clean       remove the venv and setuptools' build products
#   make regen-python       regenerate lrsched_ctypes/_decls.py (the ctypes declarations) from
#                           include/lrsched.h with tools/gen_ctypes.py; a pytest fails while
#                           the committed file is stale
#
# The venv (.build-venv, git-ignored) sees the system site-packages (pytest, numpy, and
# torch when present); the package is installed into it with pip, pointed by
# LRSCHED_PREBUILT at the library built here so that pip does not rebuild it. pip builds
# in an isolated environment (it fetches setuptools the first time). A stamp file makes
# the install a no-op until a source file or the library changes. pytest runs from the
# venv's directory, outside the source tree, so the installed package is the one tested.

PY_MK        := $(lastword $(MAKEFILE_LIST))
PYTHON       ?= python3
PY_DIR       := bindings/python
PY_VENV      := .build-venv
PY_VENV_PY   := $(PY_VENV)/bin/python
PY_STAMP     := $(PY_VENV)/.lrsched-installed
PY_LIB       := .build-static/release/liblrsched.so
PY_SOURCES   := $(shell find $(PY_DIR)/src $(PY_DIR)/csrc -type f \( -name '*.py' -o -name '*.pyi' \
                  -o -name '*.c' -o -name 'py.typed' \) 2>/dev/null) \
                $(PY_DIR)/setup.py $(PY_DIR)/pyproject.toml include/lrsched.h
# The vector files the Python runner passes (every shipped file).
PY_VECTORS   ?= $(ALL_VECTORS)
PY_PIP_FLAGS ?= --disable-pip-version-check -q
PYTEST_FLAGS ?= -q

.PHONY: test-python python-install python-bench python-clean regen-python

$(PY_VENV)/.created:
	@echo "python: creating $(PY_VENV)"
	@rm -rf $(PY_VENV)
	@$(PYTHON) -m venv --system-site-packages $(PY_VENV)
	@$(PY_VENV_PY) -c "import pytest" 2>/dev/null || $(PY_VENV_PY) -m pip install $(PY_PIP_FLAGS) pytest
	@touch $@

$(PY_STAMP): $(PY_VENV)/.created $(PY_LIB) $(PY_SOURCES)
	@echo "python: pip install ./$(PY_DIR) (LRSCHED_PREBUILT=$(PY_LIB))"
	@LRSCHED_PREBUILT=$(abspath $(PY_LIB)) $(PY_VENV_PY) -m pip install $(PY_PIP_FLAGS) \
	    --force-reinstall --no-deps ./$(PY_DIR)
	@touch $@

# The library is built by lib-static-runtime (always run: SwiftPM decides); the install
# then depends on the file, so it reruns only when the library was relinked. (A sub-make
# of this file alone, so that the library's timestamp is read after the build.)
python-install: lib-static-runtime
	@$(MAKE) --no-print-directory -f $(PY_MK) $(PY_STAMP) PYTHON="$(PYTHON)"

test-python: python-install
	@cd $(PY_VENV) && ./bin/python -m pytest $(PYTEST_FLAGS) -p no:cacheprovider $(abspath $(PY_DIR)/tests)
	@cd $(PY_VENV) && ./bin/python -m lrsched.conformance $(abspath $(PY_VECTORS)) --backend both \
	    > conformance.out || { cat conformance.out; exit 1; }
	@echo "test-python: python3 -m lrsched.conformance --backend both: $$(tail -n 1 $(PY_VENV)/conformance.out)"

python-bench: python-install
	@cd $(PY_VENV) && ./bin/python $(abspath $(PY_DIR)/benchmarks/bench.py)
	@echo
	@cd $(PY_VENV) && ./bin/python $(abspath $(PY_DIR)/benchmarks/bench_train.py)

# `make bench` (the Swift core's figures, in the top-level Makefile) runs the Python ones too.
bench: python-bench

python-clean:
	rm -rf $(PY_VENV) $(PY_DIR)/build $(PY_DIR)/src/*.egg-info

regen-python:
	$(PYTHON) tools/gen_ctypes.py --header include/lrsched.h --output $(PY_DIR)/src/lrsched_ctypes/_decls.py
