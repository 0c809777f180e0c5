# mk/fuzz.mk — fuzzing and sanitizer builds; included by the Makefile.
#
#   make fuzz          each libFuzzer target for FUZZ_SECONDS (default 300), with
#                      executions and coverage (libFuzzer's final stats)
#   make fuzz-check    each target for 20 s under ASan+UBSan, then every input kept
#                      in tests/fuzz/regressions/ (what `make check` runs)
#   make fuzz-build    only build the targets (build/fuzz/fuzz-*)
#   make asan-test     core, CLI, test-core and score-corpus built with
#                      -fsanitize=address,undefined into build/asan/, then the unit,
#                      CLI golden and corpus tests run on that build
#   make hostile       hostile rule files (tests/hostile/run.sh)
#   make longrun       1M events, 10k peers through etiquette-check: peak RSS
#                      at 10k, 100k, 1M (tools/longrun.sh; LONGRUN_EVENTS=…)
#
# The targets (tests/fuzz/fuzz-*.c) are compiled with Debian's clang 14 and its
# libFuzzer runtime (libclang-rt-14-dev), installed through mk/deps.sh.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 300
FUZZ_DEPS    := clang libclang-rt-14-dev libpcre2-dev
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_NAMES   := event-line rules-load event-seq match
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz-%)
# The core is instrumented for coverage; the target files link libFuzzer's main.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -Wall -Wextra -Wno-missing-field-initializers \
                $(CORE_CFLAGS) $(DEFS) -DFUZZ_SRCDIR='"$(CURDIR)"' -Icore
FUZZ_CORE_OBJ := $(CORE_SRC:%.c=$(FUZZ_DIR)/obj/%.o)

ASAN_DIR     := $(BUILD)/asan
ASAN_CC      ?= clang
ASAN_CFLAGS   = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -Wall -Wextra -Wno-missing-field-initializers \
                $(CORE_CFLAGS) $(DEFS) -Icore
ASAN_LDFLAGS := $(FUZZ_SAN)
ASAN_CORE_LIB := $(ASAN_DIR)/libetiquette.a
ASAN_BINS    := $(ASAN_DIR)/etiquette-check $(ASAN_DIR)/test-core $(ASAN_DIR)/score-corpus

.PHONY: fuzz fuzz-check fuzz-build fuzz-deps asan-build asan-test hostile longrun

fuzz-deps: deps
	@sh mk/deps.sh $(FUZZ_DEPS)

# A fresh make after installing, so that pkg-config sees the new packages.
fuzz-build: fuzz-deps
	@$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz: fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_NO_BUILD=1 sh tests/fuzz/run.sh

fuzz-check: fuzz-build
	@FUZZ_SECONDS=20 FUZZ_NO_BUILD=1 sh tests/fuzz/run.sh

# Made by a pattern rule for a pattern rule: keep them between runs.
.SECONDARY: $(FUZZ_CORE_OBJ)

$(FUZZ_DIR)/obj/%.o: %.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/fuzz-%: tests/fuzz/fuzz-%.c tests/fuzz/fuzz-common.h $(FUZZ_CORE_OBJ) cli/etiquette-check.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_CORE_OBJ) -o $@ $(CORE_LIBS)

# The differential target links the plain reference matcher.
$(FUZZ_DIR)/fuzz-match: tests/fuzz/fuzz-match.c tests/fuzz/reference.c tests/fuzz/reference.h \
		tests/fuzz/fuzz-common.h $(FUZZ_CORE_OBJ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< tests/fuzz/reference.c $(FUZZ_CORE_OBJ) -o $@ $(CORE_LIBS)

hostile: all
	@sh tests/hostile/run.sh

longrun: all
	@sh tools/longrun.sh

# ---- the sanitizer build ----

asan-build: fuzz-deps
	@$(MAKE) --no-print-directory $(ASAN_BINS)

asan-test: asan-build
	@ASAN_NO_BUILD=1 sh tests/fuzz/asan.sh

$(ASAN_DIR)/obj/%.o: %.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(ASAN_CC) $(ASAN_CFLAGS) -fPIC -c $< -o $@

$(ASAN_CORE_LIB): $(CORE_SRC:%.c=$(ASAN_DIR)/obj/%.o)
	@rm -f $@
	ar rcs $@ $^

$(ASAN_DIR)/etiquette-check: $(ASAN_DIR)/obj/cli/etiquette-check.o $(ASAN_CORE_LIB)
	$(ASAN_CC) $(ASAN_LDFLAGS) -o $@ $^ $(CORE_LIBS)

$(ASAN_DIR)/test-core: $(ASAN_DIR)/obj/tests/test-core.o $(ASAN_CORE_LIB)
	$(ASAN_CC) $(ASAN_LDFLAGS) -o $@ $^ $(CORE_LIBS)

$(ASAN_DIR)/score-corpus: $(ASAN_DIR)/obj/tests/score-corpus.o $(ASAN_CORE_LIB)
	$(ASAN_CC) $(ASAN_LDFLAGS) -o $@ $^ $(CORE_LIBS)
