# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the core's JSON reader,
# spec builders and state loaders. See fuzz/README.md. Not part of `make test`.
#
#   make fuzz-build                   build every target into $(FUZZ_OUT)/bin
#   make fuzz [FUZZ_SECONDS=600]      run each target FUZZ_SECONDS (default 60), one after another
#   make fuzz-smoke                   build, then run each target ~10 s (FUZZ_SMOKE_SECONDS)
#   make fuzz-crashes                 re-run the saved reproducers in fuzz/crashes/<target>/
#   make fuzz-seeds                   regenerate fuzz/corpus/fuzz_state from the fixtures
#   make fuzz-clean                   remove $(FUZZ_OUT)
#   make fuzz FUZZ_TARGETS=fuzz_spec  just one target
#
# The core is compiled once, instrumented, as its three modules (LRSchedSupport,
# LRSchedJSON, LRSchedCore) in $(FUZZ_OUT)/core; each target is fuzz/<target>.swift +
# fuzz/common/*.swift linked against them. New corpus
# entries go to $(FUZZ_OUT)/corpus/<target> (git-ignored), crashes to
# $(FUZZ_OUT)/artifacts/<target>; the committed seeds in fuzz/corpus/<target> are only read.

FUZZ_SWIFTC        ?= swiftc
FUZZ_OUT           ?= .build-fuzz
FUZZ_TARGETS       ?= fuzz_json fuzz_spec fuzz_state
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_MAX_LEN       ?= 4096
# Extra libFuzzer flags, e.g. FUZZ_ARGS="-only_ascii=1".
FUZZ_ARGS          ?=

FUZZ_MODULES       := LRSchedSupport LRSchedJSON LRSchedCore
FUZZ_CORE_SOURCES  := $(shell find $(addprefix Sources/,$(FUZZ_MODULES)) -name '*.swift' 2>/dev/null | LC_ALL=C sort)
FUZZ_COMMON        := $(wildcard fuzz/common/*.swift)
# lld ships with the Swift toolchain and links the sanitizer runtimes without gold's warnings.
FUZZ_LD            := $(if $(shell command -v ld.lld 2>/dev/null),-use-ld=lld,)
FUZZ_SWIFTFLAGS    ?= -O -swift-version 6 -parse-as-library -package-name lrsched -sanitize=fuzzer,address
FUZZ_CORE_OBJS     := $(foreach m,$(FUZZ_MODULES),$(FUZZ_OUT)/core/$(m).o)
FUZZ_CORE_OBJ      := $(FUZZ_OUT)/core/LRSchedCore.o
FUZZ_BINS          := $(addprefix $(FUZZ_OUT)/bin/,$(FUZZ_TARGETS))

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-crashes fuzz-seeds fuzz-clean

fuzz-build: $(FUZZ_BINS)

# One module after another, each seeing the ones before it.
$(FUZZ_CORE_OBJ): $(FUZZ_CORE_SOURCES) mk/fuzz.mk
	@mkdir -p $(@D)
	@for m in $(FUZZ_MODULES); do \
	  echo "SWIFTC $(@D)/$$m.o (instrumented)"; \
	  $(FUZZ_SWIFTC) $(FUZZ_SWIFTFLAGS) -wmo -module-name $$m -I $(@D) -c \
	    $$(find Sources/$$m -name '*.swift' | LC_ALL=C sort) \
	    -emit-module -emit-module-path $(@D)/$$m.swiftmodule -o $(@D)/$$m.o || exit 1; \
	done

$(FUZZ_OUT)/bin/%: fuzz/%.swift $(FUZZ_COMMON) $(FUZZ_CORE_OBJ)
	@mkdir -p $(@D)
	@echo "SWIFTC $@"
	@$(FUZZ_SWIFTC) $(FUZZ_SWIFTFLAGS) $(FUZZ_LD) -wmo -module-name $* -I $(FUZZ_OUT)/core \
	  fuzz/$*.swift $(FUZZ_COMMON) $(FUZZ_CORE_OBJS) -o $@

fuzz: fuzz-build
	@FUZZ_OUT=$(FUZZ_OUT) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) \
	  bash fuzz/run.sh $(FUZZ_SECONDS) "$(FUZZ_TARGETS)" $(FUZZ_ARGS)

fuzz-smoke: fuzz-build
	@FUZZ_OUT=$(FUZZ_OUT) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FUZZ_CORPUS_SUBDIR=smoke-corpus FUZZ_FRESH_CORPUS=1 \
	  bash fuzz/run.sh $(FUZZ_SMOKE_SECONDS) "$(FUZZ_TARGETS)" $(FUZZ_ARGS)

fuzz-crashes: fuzz-build
	@FUZZ_OUT=$(FUZZ_OUT) bash fuzz/run.sh --reproduce "$(FUZZ_TARGETS)"

# The state seeds are saved states of the fixtures (fuzz/common/Fixtures.swift).
fuzz-seeds: $(FUZZ_OUT)/bin/gen_state_seeds
	@FUZZ_OUT=$(FUZZ_OUT) bash fuzz/tools/write_state_seeds.sh $(FUZZ_OUT)/bin/gen_state_seeds fuzz/corpus/fuzz_state

$(FUZZ_OUT)/bin/gen_state_seeds: fuzz/tools/gen_state_seeds.swift $(FUZZ_COMMON) $(FUZZ_CORE_OBJ)
	@mkdir -p $(@D)
	@echo "SWIFTC $@"
	@$(FUZZ_SWIFTC) $(FUZZ_SWIFTFLAGS) $(FUZZ_LD) -suppress-warnings -wmo -module-name gen_state_seeds \
	  -I $(FUZZ_OUT)/core $(FUZZ_COMMON) fuzz/tools/gen_state_seeds.swift $(FUZZ_CORE_OBJS) -o $@

fuzz-clean:
	rm -rf $(FUZZ_OUT)
