# lrsched — the commands the README names. `make help` lists them.
#
# Builds with different flags use different scratch paths so they never rebuild each
# other: .build (debug and release), .build-static (self-contained library).

SWIFT        ?= swift
PYTHON       ?= python3
VECTORS_DIR  := Tests/Vectors/pytorch-2.15
# Every shipped vector file: torch's, then the libraries beyond torch.
ALL_VECTORS  := $(VECTORS_DIR)/schedules.json $(VECTORS_DIR)/errors.json $(VECTORS_DIR)/training.json \
                $(foreach d,transformers-5.25.0,Tests/Vectors/$(d)/schedules.json Tests/Vectors/$(d)/errors.json)
VECTORS      ?= $(ALL_VECTORS)
CLI          := .build/release/lrsched-cli

.PHONY: help deps build run verify test test-swift test-cli bench

help:
	@echo "make run      the main job: the article's training under its three schedules (lrsched-cli demo)"
	@echo "make test     every test suite"
	@echo "make deps     install system and Python packages (idempotent)"
	@echo "make build    release build of the library and lrsched-cli"
	@echo "make verify   lrsched-cli verify \$$VECTORS (default: every shipped vector file)"
	@echo "make bench    speed figures of the Swift core"
	@echo "make regen    regenerate the files derived from the descriptors and lrsched.h (tools/regen.py)"
	@echo "make regen-check  fail with a diff when a generated file is out of date (make test runs it)"

deps:
	@bash tools/install-deps.sh

build:
	$(SWIFT) build -c release

$(CLI): build

run: deps build
	@$(CLI) demo

verify: build
	@$(CLI) verify $(VECTORS)

test-swift:
	$(SWIFT) test

# The CLI as users run it, and the spec schema (pytest).
test-cli: build
	LRSCHED_CLI=$(CURDIR)/$(CLI) $(PYTHON) -m pytest -q Tests/python

bench:
	$(SWIFT) build -c release --product lrsched-bench
	.build/release/lrsched-bench

# regen-check: the generated files are up to date (mk/regen.mk).
# fuzz-crashes: the fuzz targets still build and every saved reproducer stays fixed.
test: deps regen-check test-swift verify test-cli test-c test-python fuzz-crashes

include mk/c.mk
include mk/python.mk
include mk/fuzz.mk
include mk/regen.mk
