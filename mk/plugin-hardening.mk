# mk/plugin-hardening.mk — the plugin under sanitizers and valgrind; included by
# the Makefile (`-include mk/plugin-hardening.mk`).
#
#   make plugin-asan-build   the core, the plugin and the plugin's test client built with
#                            gcc -fsanitize=address,undefined into build/asan-plugin/, and
#                            two canary plugins with a planted leak (ETQ_LEAK_CANARY)
#   make plugin-asan-test    that build through the plugin test (tests/plugin/asan.sh):
#                            scenarios with the 5,000-line flood, 1,000 conversations, a
#                            damaged prefs.xml, the emulated and the real Pidgin, load/unload
#                            cycles; LeakSanitizer at exit (tests/plugin/lsan.supp); the
#                            canary's leak must be caught
#   make plugin-valgrind     the normal build's scenario suite, the 1,000 conversations, the
#                            damaged prefs.xml and the emulated Pidgin once under valgrind
#                            memcheck: zero errors, zero definite leaks (tests/plugin/valgrind.sh)
#   make plugin-hardening    both
#   make test / make check   also build all of it (tests/run-all.sh runs both scripts)
#
# The sanitizer build has the source tree's rules/ and build/locale compiled in: the
# plugin only finds rules/ next to a folder called build/ (plugin/etiquette-plugin.c).

# Read once, whether the Makefile includes it or a sub-make names it with -f.
ifndef PLUGIN_HARDENING_MK
PLUGIN_HARDENING_MK := 1

PASAN_DIR    := $(BUILD)/asan-plugin
PASAN_CC     ?= gcc
PASAN_DEPS   := gcc libasan8 libubsan1 ngircd valgrind
PASAN_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PASAN_DEFS    = -DETQ_RULES_DIR='"$(CURDIR)/rules"' -DETQ_LOCALE_DIR='"$(CURDIR)/$(BUILD)/locale"'
PASAN_CFLAGS := -g -O1 $(PASAN_SAN)

PASAN_CORE_OBJ   := $(patsubst %.c,$(PASAN_DIR)/%.o,$(wildcard core/*.c))
PASAN_PLUGIN_OBJ := $(patsubst %.c,$(PASAN_DIR)/%.o,$(wildcard plugin/*.c))
PASAN_TEST_OBJ   := $(patsubst %.c,$(PASAN_DIR)/%.o,$(TEST_PLUGIN_SRC))
PASAN_COMPANION_OBJ := $(patsubst %.c,$(PASAN_DIR)/%.o,$(wildcard pidgin/*.c))
# the companion next to the plugin: the real-Pidgin parts load both
PASAN_BINS       := $(PASAN_DIR)/purple-etiquette.so $(PASAN_DIR)/pidgin-etiquette.so \
                    $(PASAN_DIR)/test-plugin \
                    $(PASAN_DIR)/canary/purple-etiquette.so
# The same canary without sanitizers, for valgrind (tests/plugin/valgrind.sh).
PVG_CANARY       := $(PASAN_DIR)/canary-valgrind/purple-etiquette.so

test: $(PASAN_BINS) $(PVG_CANARY)

.PHONY: plugin-asan-deps plugin-asan-build plugin-asan-test plugin-valgrind plugin-hardening
.SECONDARY: $(PASAN_CORE_OBJ) $(PASAN_PLUGIN_OBJ) $(PASAN_TEST_OBJ) $(PASAN_COMPANION_OBJ)

plugin-asan-deps: deps
	@sh mk/deps.sh $(PASAN_DEPS)

# A fresh make after installing, so that pkg-config sees what was just installed;
# it names this file too, in case the Makefile does not include it.
PASAN_MAKE = $(MAKE) --no-print-directory -f Makefile -f mk/plugin-hardening.mk

plugin-asan-build: plugin-asan-deps
	+@$(PASAN_MAKE) $(PASAN_BINS)

plugin-asan-test: plugin-asan-build
	@ETQ_NO_BUILD=1 sh tests/plugin/asan.sh

plugin-valgrind: plugin-asan-deps
	+@$(PASAN_MAKE) all $(BUILD)/test-plugin $(PVG_CANARY)
	@ETQ_NO_BUILD=1 sh tests/plugin/valgrind.sh

plugin-hardening: plugin-asan-test plugin-valgrind

$(PASAN_DIR)/core/%.o: core/%.c $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) -fPIC $(CORE_CFLAGS) $(PASAN_DEFS) -Icore -c $< -o $@

$(PASAN_DIR)/libetiquette.a: $(PASAN_CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(PASAN_DIR)/plugin/%.o: plugin/%.c $(wildcard plugin/*.h) $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(PLUGIN_CFLAGS) $(PASAN_DEFS) \
		-Icore -c $< -o $@

$(PASAN_DIR)/purple-etiquette.so: $(PASAN_PLUGIN_OBJ) $(PASAN_DIR)/libetiquette.a
	$(PASAN_CC) $(PASAN_CFLAGS) -shared -o $@ $(PASAN_PLUGIN_OBJ) $(PASAN_DIR)/libetiquette.a \
		-Wl,--exclude-libs,ALL $(PLUGIN_LIBS)

$(PASAN_DIR)/pidgin/%.o: pidgin/%.c $(wildcard pidgin/*.h) plugin/translations.h
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(COMPANION_CFLAGS) $(PASAN_DEFS) \
		-c $< -o $@

$(PASAN_DIR)/pidgin-etiquette.so: $(PASAN_COMPANION_OBJ)
	$(PASAN_CC) $(PASAN_CFLAGS) -shared -o $@ $(PASAN_COMPANION_OBJ) $(COMPANION_LIBS)

# The canary: the same plugin with one planted leak per received message
# (ETQ_LEAK_CANARY in plugin/incoming.c). tests/plugin/asan.sh proves with it that
# the suppressions in tests/plugin/lsan.supp cannot hide a leak of the plugin's own.
$(PASAN_DIR)/canary/incoming.o: plugin/incoming.c $(wildcard plugin/*.h) $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(PLUGIN_CFLAGS) $(PASAN_DEFS) \
		-DETQ_LEAK_CANARY -Icore -c $< -o $@

PASAN_CANARY_OBJ := $(filter-out $(PASAN_DIR)/plugin/incoming.o,$(PASAN_PLUGIN_OBJ)) \
                    $(PASAN_DIR)/canary/incoming.o

$(PASAN_DIR)/canary/purple-etiquette.so: $(PASAN_CANARY_OBJ) $(PASAN_DIR)/libetiquette.a
	$(PASAN_CC) $(PASAN_CFLAGS) -shared -o $@ $(PASAN_CANARY_OBJ) $(PASAN_DIR)/libetiquette.a \
		-Wl,--exclude-libs,ALL $(PLUGIN_LIBS)

$(PASAN_DIR)/tests/plugin/%.o: tests/plugin/%.c $(TEST_PLUGIN_HDRS)
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) $(TEST_PLUGIN_CFLAGS) -c $< -o $@

$(PASAN_DIR)/tools/irc/%.o: tools/irc/%.c $(TEST_PLUGIN_HDRS)
	@mkdir -p $(dir $@)
	$(PASAN_CC) $(PASAN_CFLAGS) $(WARN) $(TEST_PLUGIN_CFLAGS) -c $< -o $@

$(PASAN_DIR)/test-plugin: $(PASAN_TEST_OBJ) | $(TEST_GTK_LABELS)
	$(PASAN_CC) $(PASAN_CFLAGS) -o $@ $^ $(TEST_PLUGIN_LIBS)

# ---- the valgrind canary: the normal flags, one planted leak ----

PVG_CANARY_OBJ := $(filter-out $(BUILD)/plugin/incoming.o,$(patsubst %.c,$(BUILD)/%.o,$(wildcard plugin/*.c))) \
                  $(PASAN_DIR)/canary-valgrind/incoming.o

$(PASAN_DIR)/canary-valgrind/incoming.o: plugin/incoming.c $(wildcard plugin/*.h) $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(PLUGIN_CFLAGS) $(PASAN_DEFS) \
		-DETQ_LEAK_CANARY -Icore -c $< -o $@

$(PVG_CANARY): $(PVG_CANARY_OBJ) $(CORE_LIB)
	$(CC) $(CFLAGS) -shared -o $@ $(PVG_CANARY_OBJ) $(CORE_LIB) -Wl,--exclude-libs,ALL $(PLUGIN_LIBS)

endif
