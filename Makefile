# purple-etiquette — see README.md. `make check` and `make demo` install what is missing first.

BUILD     := build
PREFIX    ?= /usr/local
DATADIR   ?= $(PREFIX)/share
LOCALEDIR ?= $(DATADIR)/locale
RULESDIR  ?= $(DATADIR)/purple-etiquette/rules

CC        ?= gcc
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror
# Evaluated when a recipe runs, so after `deps` has installed pkg-config and the -dev packages.
CORE_PKGS   := glib-2.0 libcjson libpcre2-8
CORE_CFLAGS = $(shell pkg-config --cflags $(CORE_PKGS))
CORE_LIBS   = $(shell pkg-config --libs $(CORE_PKGS)) -lstemmer
DEFS        = -DETQ_RULES_DIR='"$(RULESDIR)"' -DETQ_LOCALE_DIR='"$(LOCALEDIR)"'

# Debian packages: to build, to run the tests, to show the demo.
BUILD_DEPS := gcc make pkg-config libglib2.0-dev libcjson-dev libpcre2-dev libstemmer-dev libpurple-dev pidgin-dev \
              gettext
# llvm: llvm-symbolizer, so sanitizer reports name our source lines on a fresh machine
# imagemagick: import, the real-Pidgin tests' screenshots; tmux, finch: the real-Finch test
TEST_DEPS  := ngircd valgrind llvm build-essential debhelper dpkg-dev lintian fakeroot xvfb xdotool pidgin \
              imagemagick tmux finch
DEMO_DEPS  := finch

CORE_SRC := $(wildcard core/*.c)
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
CORE_LIB := $(BUILD)/libetiquette.a

.PHONY: all deps test-deps check test bench demo clean install install-user uninstall
all: $(BUILD)/etiquette-check

deps:
	@sh mk/deps.sh $(BUILD_DEPS)

test-deps: deps
	@sh mk/deps.sh $(TEST_DEPS)

$(BUILD)/%.o: %.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fPIC $(CORE_CFLAGS) $(DEFS) -Icore -c $< -o $@

$(CORE_LIB): $(CORE_OBJ)
	ar rcs $@ $^

$(BUILD)/etiquette-check: $(BUILD)/cli/etiquette-check.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/test-core: $(BUILD)/tests/test-core.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/test-budget: $(BUILD)/tests/test-budget.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

$(BUILD)/score-corpus: $(BUILD)/tests/score-corpus.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

# `check` installs what is missing, then runs every test in a fresh make so
# that pkg-config sees the packages it just installed.
check: test-deps
	@NO_SKIP=1 $(MAKE) --no-print-directory test

test: all $(BUILD)/test-core $(BUILD)/test-budget $(BUILD)/score-corpus
	@sh tests/run-all.sh

$(BUILD)/bench: $(BUILD)/tools/bench.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

# The CLI whose instructions `make bench` counts under callgrind: PCRE2's JIT
# on, as for users (its pattern.o is taken before the library's).
$(BUILD)/jit/pattern.o: core/pattern.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(CORE_CFLAGS) -DETQ_JIT_UNDER_VALGRIND -Icore -c $< -o $@

$(BUILD)/etiquette-check-jit: $(BUILD)/cli/etiquette-check.o $(BUILD)/jit/pattern.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS)

bench: deps
	@sh mk/deps.sh time valgrind
	@$(MAKE) --no-print-directory all $(BUILD)/bench $(BUILD)/etiquette-check-jit $(BUILD)/test-plugin
	@sh tools/bench.sh

clean:
	rm -rf $(BUILD)

-include plugin/plugin.mk
-include pidgin/pidgin.mk
-include mk/plugin-hardening.mk
-include po/po.mk
-include mk/install.mk
-include mk/demo.mk
-include mk/fuzz.mk
-include mk/langid.mk
