# lrsched — the commands the README names. `make help` lists them.
#
# Builds with different flags use different scratch paths so they never rebuild each
# other: .build (debug and release), .build-static (self-contained library).

SWIFT        ?= swift
# OpenBLAS for the trainer's matrix products when libopenblas.a is there (Package.swift).
export LRSCHED_BLAS ?= auto
VECTORS_DIR  := Tests/Vectors/pytorch-2.15
# Every shipped vector file: torch's, then the libraries beyond torch.
ALL_VECTORS  := $(VECTORS_DIR)/schedules.json $(VECTORS_DIR)/errors.json $(VECTORS_DIR)/training.json $(VECTORS_DIR)/added-groups.json \
                $(foreach d,transformers-5.25.0 timm-1.0.31,Tests/Vectors/$(d)/schedules.json Tests/Vectors/$(d)/errors.json)
VECTORS      ?= $(ALL_VECTORS)
CLI          := .build/release/lrsched-cli

# PYTHON, VENV, VENV_PY: the project virtualenv that every Python-using target runs.
include mk/venv.mk

.PHONY: help deps deps-system deps-python build run verify test test-deps test-swift test-cli bench

help:
	@echo "make run      the main job: the article's training under its three schedules (lrsched-cli demo)"
	@echo "make test     every test suite"
	@echo "make deps     install what the build and tests need (idempotent): make deps-system deps-python"
	@echo "make deps-system  the Debian packages (apt-get)"
	@echo "make deps-python  the project virtualenv .venv (from \$$PYTHON, default python3) and the test packages"
	@echo "make build    release build of the library and lrsched-cli"
	@echo "make lib      .build/release/liblrsched.so, the C library (make lib-static-runtime: the self-contained one)"
	@echo "make install PREFIX=...  header, self-contained library, lrsched.pc, CMake package, lrsched-cli (install-strip: stripped)"
	@echo "make verify   lrsched-cli verify \$$VECTORS (default: every shipped vector file)"
	@echo "make verify-c the C conformance runner on \$$VECTORS (make -s: the summary is the last line)"
	@echo "make test-c   the C suite (make test runs it)"
	@echo "make test-python  the Python packages' suite, installed into .venv (make test runs it)"
	@echo "make wheel   manylinux wheels into dist/, one per python3.X on PATH or in PYTHONS=... (make sdist: the sdist)"
	@echo "make test-wheel  \$$PYTHON's wheel in a fresh venv without the Swift toolchain: the Python suite (in make test)"
	@echo "make test-sdist  pip install of the sdist, which builds the library (a minute or more; not in make test)"
	@echo "make test-swift-consumer  packages depending on this one by path and by version build and run (in make test)"
	@echo "make bench    speed figures of the Swift core"
	@echo "make regen    regenerate the files derived from the descriptors and lrsched.h (tools/regen.py)"
	@echo "make regen-check  fail with a diff when a generated file is out of date (make test runs it)"

# Debian packages, then the project virtualenv (tools/install-deps.sh). `make run` needs
# neither: only Swift.
deps: deps-system deps-python

deps-system:
	@bash tools/install-deps.sh --system

deps-python:
	@PYTHON="$(PYTHON)" VENV="$(VENV)" bash tools/install-deps.sh --python

build:
	$(SWIFT) build -c release

$(CLI): build

run: build
	@$(CLI) demo

verify: build
	@$(CLI) verify $(VECTORS)

# The project venv is a virtualenv with tools/install-deps.sh's packages, and `make run`
# runs nothing of Python's (nor the installer).
test-deps: $(VENV_STAMP)
	@$(VENV_PY) -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else "$(VENV_PY) is not a virtualenv")'
	@for p in $$(sed -n 's/^PIP_PACKAGES=(\(.*\))$$/\1/p' tools/install-deps.sh); do \
	    $(VENV_PY) -c "import $$p" || { echo "test-deps: $(VENV) lacks $$p"; exit 1; }; done
	@! $(MAKE) --no-print-directory -n run | grep -F -e install-deps -e python -e '$(VENV)/'
	@echo "test-deps: $(VENV) is a virtualenv from $$(cat $(VENV)/.lrsched-base) with the test packages; make run uses no Python"

test-swift:
	$(SWIFT) test

# The CLI as users run it, and the spec schema (pytest).
test-cli: build $(VENV_STAMP)
	LRSCHED_CLI=$(CURDIR)/$(CLI) $(VENV_PY) -m pytest -q Tests/python

bench:
	$(SWIFT) build -c release --product lrsched-bench
	.build/release/lrsched-bench

# regen-check: the generated files are up to date (mk/regen.mk).
# fuzz-crashes: the fuzz targets still build and every saved reproducer stays fixed.
# test-swift-consumer: the README's Package.swift lines, in a package of their own.
test: deps test-deps regen-check test-swift verify test-cli test-c test-python test-wheel fuzz-crashes \
      test-swift-consumer

include mk/c.mk
include mk/python.mk
include mk/fuzz.mk
include mk/regen.mk
include mk/swift-consumer.mk
include mk/wheel.mk
