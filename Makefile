# lrsched — the commands the README names. `make help` lists them.
#
# Builds with different flags use different scratch paths so they never rebuild each
# other: .build (debug and release), .build-static (self-contained library).

SWIFT        ?= swift
PYTHON       ?= python3
VECTORS_DIR  := Tests/Vectors/pytorch-2.15
VECTORS      ?= $(VECTORS_DIR)/schedules.json $(VECTORS_DIR)/errors.json
CLI          := .build/release/lrsched-cli

.PHONY: help deps build run verify test test-swift

help:
	@echo "make run      the main job (verify the shipped vectors with the Swift core)"
	@echo "make test     every test suite"
	@echo "make deps     install system and Python packages (idempotent)"
	@echo "make build    release build of the library and lrsched-cli"
	@echo "make verify   lrsched-cli verify \$$VECTORS"

deps:
	@bash tools/install-deps.sh

build:
	$(SWIFT) build -c release

$(CLI): build

run: deps build
	$(CLI) verify $(VECTORS)

verify: build
	@$(CLI) verify $(VECTORS)

test-swift:
	$(SWIFT) test

test: deps test-swift verify test-c

include mk/c.mk
include mk/fuzz.mk
