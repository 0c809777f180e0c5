# plugin/plugin.mk — the libpurple plugin and its test; included by the Makefile.
#
#   make                      also builds build/purple-etiquette.so
#   make test-plugin          builds and runs the plugin's test: ngircd, real Pidgin under
#                             Xvfb (when pidgin, xvfb, xdotool are installed), valgrind

PLUGIN_SRC := $(wildcard plugin/*.c)
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(BUILD)/%.o)
PLUGIN_CFLAGS = $(shell pkg-config --cflags purple gmodule-2.0 $(CORE_PKGS))
PLUGIN_LIBS   = $(shell pkg-config --libs purple gmodule-2.0 $(CORE_PKGS)) -lstemmer

# tools/irc/: shared with the demo (mk/demo.mk): IRC over GIO, libpurple's GLib event loop
TEST_PLUGIN_SRC := $(wildcard tests/plugin/*.c) tools/irc/irc.c tools/irc/purple-glib.c
TEST_PLUGIN_OBJ := $(TEST_PLUGIN_SRC:%.c=$(BUILD)/%.o)
TEST_PLUGIN_CFLAGS = $(shell pkg-config --cflags purple glib-2.0 gobject-2.0 gio-2.0 gmodule-2.0) \
                     -Itools/irc
TEST_PLUGIN_HDRS  := $(wildcard tests/plugin/*.h) $(wildcard tools/irc/*.h)
TEST_PLUGIN_LIBS   = $(shell pkg-config --libs purple glib-2.0 gobject-2.0 gio-2.0 gmodule-2.0)
# A GTK module the real Pidgin of the tests loads: its windows' texts into its
# log (tests/plugin/gtk/labels.c); the test client knows where it is.
TEST_GTK_LABELS := $(BUILD)/test-gtk-labels.so
TEST_PLUGIN_CFLAGS += -DETQ_TEST_GTK_LABELS='"$(abspath $(TEST_GTK_LABELS))"'

.PHONY: test-plugin
all: $(BUILD)/purple-etiquette.so
test: $(BUILD)/test-plugin

# Only purple_init_plugin is exported (and a stats hook for the tests);
# the core's symbols stay inside the plugin.
$(BUILD)/plugin/%.o: plugin/%.c $(wildcard plugin/*.h) $(wildcard core/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(PLUGIN_CFLAGS) $(DEFS) -Icore -c $< -o $@

$(BUILD)/purple-etiquette.so: $(PLUGIN_OBJ) $(CORE_LIB)
	$(CC) $(CFLAGS) -shared -o $@ $(PLUGIN_OBJ) $(CORE_LIB) -Wl,--exclude-libs,ALL $(PLUGIN_LIBS)

$(BUILD)/tests/plugin/%.o: tests/plugin/%.c $(TEST_PLUGIN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(TEST_PLUGIN_CFLAGS) -c $< -o $@

$(BUILD)/tools/irc/%.o: tools/irc/%.c $(TEST_PLUGIN_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(TEST_PLUGIN_CFLAGS) -c $< -o $@

$(BUILD)/test-plugin: $(TEST_PLUGIN_OBJ) | $(TEST_GTK_LABELS)
	$(CC) $(CFLAGS) -o $@ $^ $(TEST_PLUGIN_LIBS)

# GTK 2's headers use deprecated GLib types: not our warnings
$(TEST_GTK_LABELS): tests/plugin/gtk/labels.c
	$(CC) $(CFLAGS) $(WARN) -fPIC -shared $(shell pkg-config --cflags gtk+-2.0) \
		-DGLIB_DISABLE_DEPRECATION_WARNINGS $< -o $@ $(shell pkg-config --libs gtk+-2.0)

test-plugin: all $(BUILD)/test-plugin
	@sh tests/plugin/run.sh
