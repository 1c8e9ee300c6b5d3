# C library targets: liblrsched.so, the C test suite, the C conformance runner, install.
#
#   make lib                  .build/release/liblrsched.so (+ the liblrsched.so.0 symlink)
#   make lib-static-runtime   .build-static/release/liblrsched.so with the Swift runtime
#                             linked in (needs only libc/libm/libstdc++/libgcc_s)
#   make verify-c VECTORS=..  the C conformance runner (make -s: the summary is the last line)
#   make test-c               the C suite (make test runs it)
#   make install PREFIX=..    header, self-contained library + symlinks, lrsched.pc, the CMake
#                             package (lib/cmake/lrsched: find_package(lrsched CONFIG),
#                             target lrsched::lrsched), lrsched-cli
#
# C is compiled with $(CC_C) $(C_STRICT); the tests also with AddressSanitizer and under
# valgrind. Outputs of the C builds go to .build-c/.

.PHONY: lib lib-static-runtime cli-static-runtime verify-c test-c install install-strip c-clean \
        test-c-api test-c-asan test-c-valgrind test-c-abi test-c-article test-c-verify \
        test-c-static-runtime test-c-install test-c-cmake cli-release

CC_C        ?= gcc
CXX_C       ?= g++
SWIFTC      ?= swiftc
C_STRICT    := -std=c11 -Wall -Wextra -Werror -ffp-contract=off
C_OPT       ?= -O1 -g
C_ASAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
C_OUT       := .build-c
LIB_DIR     := .build/release
STATIC_DIR  := .build-static/release
LINK_LIB    := -L$(LIB_DIR) -llrsched -Wl,-rpath,$(abspath $(LIB_DIR))
SWIFT_STATIC = $(SWIFT) build -c release --scratch-path .build-static -Xswiftc -static-stdlib
JANSSON_CFLAGS = $(shell pkg-config --cflags jansson 2>/dev/null)
JANSSON_LIBS   = $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
VALGRIND    := valgrind -q --error-exitcode=1 --leak-check=full \
               --errors-for-leak-kinds=definite,indirect,possible \
               --suppressions=Tests/C/swift-runtime.supp

# The version, from the header.
lrsched_version_part = $(shell sed -n 's/^\#define LRSCHED_VERSION_$(1) *\([0-9]*\).*/\1/p' include/lrsched.h)
LRSCHED_MAJOR   := $(call lrsched_version_part,MAJOR)
LRSCHED_VERSION := $(call lrsched_version_part,MAJOR).$(call lrsched_version_part,MINOR).$(call lrsched_version_part,PATCH)
LRSCHED_ABI     := $(shell sed -n 's/^\#define LRSCHED_ABI_VERSION *\([0-9]*\).*/\1/p' include/lrsched.h)

PREFIX      ?= /usr/local
DESTDIR     ?=
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
BINDIR      ?= $(PREFIX)/bin
DOCDIR      ?= $(PREFIX)/share/doc/lrsched
CMAKEDIR    ?= $(LIBDIR)/cmake/lrsched
# The install-time paths and version in lrsched.pc.in and cmake/*.cmake.in.
INSTALL_SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
                    -e 's|@VERSION@|$(LRSCHED_VERSION)|g'

# ---------------------------------------------------------------------------------------
# Libraries. SwiftPM's own output goes to stderr so that `make -s verify-c` ends with the
# runner's summary on stdout.

lib:
	@$(SWIFT) build -c release --product lrsched 1>&2
	@ln -sf liblrsched.so $(LIB_DIR)/liblrsched.so.0

lib-static-runtime:
	@$(SWIFT_STATIC) --product lrsched 1>&2
	@ln -sf liblrsched.so $(STATIC_DIR)/liblrsched.so.0

cli-static-runtime:
	@$(SWIFT_STATIC) --product lrsched-cli 1>&2

$(C_OUT):
	@mkdir -p $@

# ---------------------------------------------------------------------------------------
# C programs (linked through the header only; order-only on `lib`, which always runs).

$(C_OUT)/test_api: Tests/C/test_api.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_api_asan: Tests/C/test_api.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) $(C_ASAN) -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_train: Tests/C/test_train.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_train_asan: Tests/C/test_train.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) $(C_ASAN) -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_threads: Tests/C/test_threads.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -pthread -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_threads_asan: Tests/C/test_threads.c Tests/C/testutil.h include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) $(C_ASAN) -pthread -Iinclude -ITests/C $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/test_dlopen: Tests/C/test_dlopen.c include/lrsched.h | $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -pthread -Iinclude $< -o $@ -ldl

$(C_OUT)/article_lrs: examples/c/article_lrs.c include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -Iinclude $< -o $@ $(LINK_LIB)

$(C_OUT)/beyond_torch: examples/c/beyond_torch.c include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -Iinclude $< -o $@ $(LINK_LIB)

$(C_OUT)/article_train: examples/c/article_train.c include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) $(C_OPT) -Iinclude $< -o $@ $(LINK_LIB) -lm

$(C_OUT)/lrsched-verify-c: Tests/C/verify_vectors.c include/lrsched.h | lib $(C_OUT)
	@$(CC_C) $(C_STRICT) -O2 -g -Iinclude $(JANSSON_CFLAGS) $< -o $@ $(LINK_LIB) $(JANSSON_LIBS) -lm

# ---------------------------------------------------------------------------------------
# The C conformance runner.

verify-c: $(C_OUT)/lrsched-verify-c
	@$(C_OUT)/lrsched-verify-c $(VECTORS)

# ---------------------------------------------------------------------------------------
# The C suite.

test-c: test-c-api test-c-asan test-c-valgrind test-c-abi test-c-article test-c-verify \
        test-c-static-runtime test-c-install test-c-cmake
	@echo "test-c: all C tests passed"

# Every function, bad input, callbacks, state, previews, training; 8 threads.
test-c-api: $(C_OUT)/test_api $(C_OUT)/test_train $(C_OUT)/test_threads
	@$(C_OUT)/test_api
	@$(C_OUT)/test_train
	@$(C_OUT)/test_threads

# The same under AddressSanitizer + UBSan (LeakSanitizer included) ...
test-c-asan: $(C_OUT)/test_api_asan $(C_OUT)/test_train_asan $(C_OUT)/test_threads_asan
	@ASAN_OPTIONS=detect_leaks=1 $(C_OUT)/test_api_asan
	@ASAN_OPTIONS=detect_leaks=1 $(C_OUT)/test_train_asan
	@ASAN_OPTIONS=detect_leaks=1 $(C_OUT)/test_threads_asan

# ... and under valgrind, which also sees the Swift side's writes into C buffers.
# valgrind 3.19 cannot read the toolchain's DWARF 5, so it runs on a copy of the library
# without debug info.
test-c-valgrind: $(C_OUT)/test_api $(C_OUT)/test_train $(C_OUT)/test_threads
	@mkdir -p $(C_OUT)/valgrind
	@objcopy --strip-debug $(LIB_DIR)/liblrsched.so $(C_OUT)/valgrind/liblrsched.so.0
	@LD_LIBRARY_PATH=$(C_OUT)/valgrind $(VALGRIND) $(C_OUT)/test_api
	@LD_LIBRARY_PATH=$(C_OUT)/valgrind $(VALGRIND) $(C_OUT)/test_train
	@LD_LIBRARY_PATH=$(C_OUT)/valgrind $(VALGRIND) $(C_OUT)/test_threads

# Header <-> library: declared = exported (nothing else exported) = implemented with the
# same signatures (the Swift compiler prints the @_cdecl signatures as a C header), and
# every function called by the tests; the header compiles as C99 and C++11.
test-c-abi: lib $(VENV_STAMP) | $(C_OUT)
	@$(SWIFTC) -typecheck -parse-as-library -module-name LRSchedCAPI -I $(LIB_DIR)/Modules \
	    -Xcc -fmodule-map-file=$(LIB_DIR)/LRSchedCShims.build/module.modulemap \
	    -I Sources/LRSchedCShims/include \
	    -Xcc -fmodule-map-file=$(LIB_DIR)/LRSchedKernels.build/module.modulemap \
	    -I Sources/LRSchedKernels/include Sources/LRSchedCAPI/*.swift \
	    -emit-clang-header-path $(C_OUT)/LRSchedCAPI-Swift.h
	@$(VENV_PY) Tests/C/check_abi.py include/lrsched.h $(LIB_DIR)/liblrsched.so $(C_OUT)/LRSchedCAPI-Swift.h \
	    Tests/C/test_api.c Tests/C/test_train.c
	@$(CC_C) -std=c99 -pedantic-errors -Wall -Wextra -Werror -fsyntax-only -x c include/lrsched.h
	@if command -v $(CXX_C) > /dev/null; then \
	    $(CXX_C) -std=c++11 -pedantic-errors -Wall -Wextra -Werror -fsyntax-only -x c++ include/lrsched.h; \
	else echo "test-c-abi: no $(CXX_C); the C++ compile of the header was skipped"; fi

# The examples. article_train.c trains through the library and prints, from its epoch
# callback, exactly the lr lines (and schedule titles) of `lrsched-cli demo`.
test-c-article: $(C_OUT)/article_lrs $(C_OUT)/article_train $(C_OUT)/beyond_torch cli-release
	@$(C_OUT)/article_lrs > $(C_OUT)/article_lrs.out
	@diff -u Tests/C/article_lrs.expected $(C_OUT)/article_lrs.out
	@$(C_OUT)/beyond_torch > $(C_OUT)/beyond_torch.out
	@diff -u Tests/C/beyond_torch.expected $(C_OUT)/beyond_torch.out
	@$(C_OUT)/article_train > $(C_OUT)/article_train.out
	@$(LIB_DIR)/lrsched-cli demo | grep -E '^(epoch|[A-Z])' > $(C_OUT)/demo-lrs.out
	@diff -u $(C_OUT)/demo-lrs.out $(C_OUT)/article_train.out
	@diff -u Tests/C/article_lrs.expected $(C_OUT)/article_train.out
	@echo "test-c-article: examples/c/article_lrs.c prints the article's sequences;" \
	    "beyond_torch.c builds transformers' WSD key by key;" \
	    "article_train.c trains and prints lrsched-cli demo's lr lines"

cli-release:
	@$(SWIFT) build -c release --product lrsched-cli 1>&2

# The runner itself: the shipped vectors pass (training files through the trainer API),
# and tampered vectors are caught (an lr, a training lr, a training loss).
test-c-verify: $(C_OUT)/lrsched-verify-c
	@$(C_OUT)/lrsched-verify-c $(ALL_VECTORS) > $(C_OUT)/verify.out || { cat $(C_OUT)/verify.out; exit 1; }
	@tail -n 1 $(C_OUT)/verify.out | grep -qx "[1-9][0-9]* passed, 0 failed" || { cat $(C_OUT)/verify.out; exit 1; }
	@sed '0,/"gamma": *0\.9}/s//"gamma":0.91}/' $(VECTORS_DIR)/schedules.json > $(C_OUT)/tampered.json
	@! $(C_OUT)/lrsched-verify-c $(C_OUT)/tampered.json > $(C_OUT)/verify-tampered.out
	@grep -q "^FAIL seed/ExponentialLR: step 1 group 0: lr" $(C_OUT)/verify-tampered.out
	@sed -e 's/"lr_after": *0\.09000000000000001/"lr_after":0.09/' \
	    -e 's/"loss": *0\.5710989236831665/"loss":0.5711989236831665/' \
	    $(VECTORS_DIR)/training.json > $(C_OUT)/tampered-training.json
	@! $(C_OUT)/lrsched-verify-c $(C_OUT)/tampered-training.json > $(C_OUT)/verify-tampered-training.out
	@grep -q "^FAIL seed/ExponentialLR: epoch 1: lr_after 0.09000000000000001, expected 0.09$$" \
	    $(C_OUT)/verify-tampered-training.out
	@grep -q "^FAIL mlp/onecycle-per-batch: epoch 1: loss .*, expected 0.5711989236831665 (1e-4 relative)$$" \
	    $(C_OUT)/verify-tampered-training.out
	@test "$$(tail -n 1 $(C_OUT)/verify-tampered-training.out)" = "4 passed, 2 failed"
	@echo "test-c-verify: lrsched-verify-c: $$(tail -n 1 $(C_OUT)/verify.out)"

# The self-contained library: dependencies, no toolchain search path, exports, dlopen
# with the toolchain on no search path; then the suite and the vectors against it.
test-c-static-runtime: lib-static-runtime $(C_OUT)/test_dlopen $(C_OUT)/test_api $(C_OUT)/test_train \
                       $(C_OUT)/lrsched-verify-c
	@Tests/C/check_static_runtime.sh $(STATIC_DIR)/liblrsched.so $(C_OUT)/test_dlopen
	@env -u LD_LIBRARY_PATH LD_LIBRARY_PATH=$(STATIC_DIR) $(C_OUT)/test_api
	@env -u LD_LIBRARY_PATH LD_LIBRARY_PATH=$(STATIC_DIR) $(C_OUT)/test_train
	@env -u LD_LIBRARY_PATH LD_LIBRARY_PATH=$(STATIC_DIR) $(C_OUT)/lrsched-verify-c $(ALL_VECTORS) \
	    > $(C_OUT)/verify-static.out || { cat $(C_OUT)/verify-static.out; exit 1; }
	@tail -n 1 $(C_OUT)/verify-static.out | grep -qx "[1-9][0-9]* passed, 0 failed"

# make install into a scratch prefix, then build a program with pkg-config against it.
test-c-install: | $(C_OUT)
	@Tests/C/check_install.sh "$(MAKE)" $(C_OUT)

# make install into a scratch prefix, then build examples/c/*.c with cmake against its
# CMake package (Tests/cmake) and run them.
test-c-cmake:
	@Tests/cmake/check_cmake.sh "$(MAKE)"

# ---------------------------------------------------------------------------------------
# Install: the self-contained builds (no dependency on the Swift toolchain's location).

install: lib-static-runtime cli-static-runtime
	@install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR)
	@install -m 644 include/lrsched.h $(DESTDIR)$(INCLUDEDIR)/lrsched.h
	@install -m 755 $(STATIC_DIR)/liblrsched.so $(DESTDIR)$(LIBDIR)/liblrsched.so.$(LRSCHED_VERSION)
	@ln -sf liblrsched.so.$(LRSCHED_VERSION) $(DESTDIR)$(LIBDIR)/liblrsched.so.$(LRSCHED_ABI)
	@ln -sf liblrsched.so.$(LRSCHED_ABI) $(DESTDIR)$(LIBDIR)/liblrsched.so
	@$(INSTALL_SUBST) lrsched.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/lrsched.pc
	@install -d $(DESTDIR)$(CMAKEDIR)
	@for f in lrschedConfig lrschedConfigVersion; do \
	    $(INSTALL_SUBST) -e 's|@MAJOR@|$(LRSCHED_MAJOR)|g' -e 's|@ABI@|$(LRSCHED_ABI)|g' \
	        cmake/$$f.cmake.in > $(DESTDIR)$(CMAKEDIR)/$$f.cmake || exit 1; \
	done
	@install -m 755 $(STATIC_DIR)/lrsched-cli $(DESTDIR)$(BINDIR)/lrsched-cli
	@install -d $(DESTDIR)$(DOCDIR)
	@install -m 644 LICENSE NOTICE $(DESTDIR)$(DOCDIR)/
	@echo "installed lrsched $(LRSCHED_VERSION) into $(DESTDIR)$(PREFIX)"

# install, then the library and lrsched-cli stripped (no debug info, no build paths).
install-strip: install
	@strip --strip-unneeded $(DESTDIR)$(LIBDIR)/liblrsched.so.$(LRSCHED_VERSION)
	@strip $(DESTDIR)$(BINDIR)/lrsched-cli

c-clean:
	rm -rf $(C_OUT)
