# Python bindings (bindings/python): the CPython extension `lrsched` and the ctypes
# wrapper `lrsched_ctypes`, tested as installed packages.
#
#   make test-python        build the self-contained library (lib-static-runtime), install
#                           the package into the project venv, run the pytest suite and the
#                           conformance vectors through both backends
#   make python-install     just the install into .venv (quick when nothing changed)
#   make python-bench       the benchmark tables: bindings/python/benchmarks/bench.py (steps,
#                           previews) and bench_train.py (Trainer beside torch's loop); torch
#                           columns where torch is importable. `make bench` runs it too.
#   make python-clean       remove the venv (make deps makes it again) and setuptools' build products
#   make regen-python       regenerate lrsched_ctypes/_decls.py (the ctypes declarations) from
#                           include/lrsched.h with tools/gen_ctypes.py; a pytest fails while
#                           the committed file is stale
#
# The package is installed with pip into the project virtualenv (.venv, mk/venv.mk: made
# by `make deps` from $(PYTHON), with the test packages), pointed by LRSCHED_PREBUILT at
# the library built here so that pip does not rebuild it. pip builds in an isolated
# environment (it fetches setuptools the first time). A stamp file makes the install a
# no-op until a source file, the library or the venv changes. pytest runs from
# .build-python, outside the source packages, so the installed package is the one tested.

PY_MK        := $(lastword $(MAKEFILE_LIST))
PY_DIR       := bindings/python
PY_RUN       := .build-python
PY_VENV_PY   := $(abspath $(VENV_PY))
PY_STAMP     := $(VENV)/.lrsched-installed
PY_LIB       := .build-static/release/liblrsched.so
PY_SOURCES   := $(shell find $(PY_DIR)/src $(PY_DIR)/csrc -type f \( -name '*.py' -o -name '*.pyi' \
                  -o -name '*.c' -o -name 'py.typed' \) 2>/dev/null) \
                $(PY_DIR)/setup.py $(PY_DIR)/pyproject.toml include/lrsched.h
# The vector files the Python runner passes (every shipped file).
PY_VECTORS   ?= $(ALL_VECTORS)
PY_PIP_FLAGS ?= --disable-pip-version-check -q
PYTEST_FLAGS ?= -q

.PHONY: test-python python-install python-bench python-clean regen-python

$(PY_STAMP): $(VENV_STAMP) $(PY_LIB) $(PY_SOURCES)
	@echo "python: pip install ./$(PY_DIR) (LRSCHED_PREBUILT=$(PY_LIB))"
	@LRSCHED_PREBUILT=$(abspath $(PY_LIB)) $(PY_VENV_PY) -m pip install $(PY_PIP_FLAGS) \
	    --force-reinstall --no-deps ./$(PY_DIR)
	@touch $@

# The library is built by lib-static-runtime (always run: SwiftPM decides); the install
# then depends on the file, so it reruns only when the library was relinked. (A sub-make
# of this file and mk/venv.mk alone, so that the library's timestamp is read after the build.)
python-install: lib-static-runtime
	@$(MAKE) --no-print-directory -f mk/venv.mk -f $(PY_MK) $(PY_STAMP) PYTHON="$(PYTHON)" VENV="$(VENV)"

test-python: python-install
	@mkdir -p $(PY_RUN)
	@cd $(PY_RUN) && $(PY_VENV_PY) -m pytest $(PYTEST_FLAGS) -p no:cacheprovider $(abspath $(PY_DIR)/tests)
	@cd $(PY_RUN) && $(PY_VENV_PY) -m lrsched.conformance $(abspath $(PY_VECTORS)) --backend both \
	    > conformance.out || { cat conformance.out; exit 1; }
	@echo "test-python: python3 -m lrsched.conformance --backend both: $$(tail -n 1 $(PY_RUN)/conformance.out)"

python-bench: python-install
	@mkdir -p $(PY_RUN)
	@cd $(PY_RUN) && $(PY_VENV_PY) $(abspath $(PY_DIR)/benchmarks/bench.py)
	@echo
	@cd $(PY_RUN) && $(PY_VENV_PY) $(abspath $(PY_DIR)/benchmarks/bench_train.py)
	@echo
	@cd $(PY_RUN) && $(PY_VENV_PY) $(abspath $(PY_DIR)/benchmarks/bench_train.py) --issue-mlp --threads 1
	@echo
	@cd $(PY_RUN) && $(PY_VENV_PY) $(abspath $(PY_DIR)/benchmarks/bench_train.py) --issue-mlp

# `make bench` (the Swift core's figures, in the top-level Makefile) runs the Python ones too.
bench: python-bench

python-clean:
	rm -rf $(VENV) $(PY_RUN) .build-venv $(PY_DIR)/build $(PY_DIR)/src/*.egg-info

regen-python: $(VENV_STAMP)
	$(VENV_PY) tools/gen_ctypes.py --header include/lrsched.h --output $(PY_DIR)/src/lrsched_ctypes/_decls.py
