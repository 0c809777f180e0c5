# mk/demo.mk — `make demo`; included by the Makefile.
#
#   make demo       installs what is missing (Debian packages), builds, starts
#                   ngircd and two scripted IRC peers on 127.0.0.1, and shows
#                   the plugin in Pidgin ($DISPLAY set), Finch (a terminal) or
#                   a headless libpurple client (neither, as in CI).
#   DEMO_UI=pidgin|finch|headless make demo    to choose the client
#
# The demo's programs (tools/demo/) are built into build/tools/demo/; Pidgin
# and Finch load a copy of the plugin (Pidgin also its companion) built with the repository's rules/
# compiled in (build/demo/), from the demo's own temporary config folder.

DEMO_DIR := $(BUILD)/tools/demo
DEMO_PEER := $(DEMO_DIR)/etiquette-peer
DEMO_CLIENT := $(DEMO_DIR)/etiquette-client
DEMO_PLUGIN := $(BUILD)/demo/purple-etiquette.so
DEMO_COMPANION := $(BUILD)/demo/pidgin-etiquette.so

# ngircd is the demo's server; Pidgin only when there is a display to show it
# (or DEMO_UI=pidgin); the headless client needs neither Pidgin nor Finch.
DEMO_UI ?=
DEMO_ALL_DEPS = ngircd \
	$(if $(filter headless,$(DEMO_UI)),$(filter-out finch pidgin,$(DEMO_DEPS)),$(DEMO_DEPS)) \
	$(if $(filter pidgin,$(DEMO_UI)),pidgin,$(if $(DEMO_UI),,$(if $(DISPLAY),pidgin)))

DEMO_GIO_CFLAGS = $(shell pkg-config --cflags gio-2.0 gio-unix-2.0)
DEMO_GIO_LIBS   = $(shell pkg-config --libs gio-2.0)
DEMO_PURPLE_CFLAGS = $(shell pkg-config --cflags purple glib-2.0 gio-2.0)
DEMO_PURPLE_LIBS   = $(shell pkg-config --libs purple glib-2.0 gio-2.0)
# What the demo shares with the plugin's test (tests/plugin/): IRC over GIO and
# libpurple's GLib event loop (tools/irc/).
IRC_SRC := tools/irc/irc.c
PURPLE_GLIB_SRC := tools/irc/purple-glib.c

.PHONY: demo demo-deps demo-build
demo: demo-deps
	@$(MAKE) --no-print-directory demo-build
	@DEMO_UI='$(DEMO_UI)' BUILD='$(BUILD)' sh tools/demo/demo.sh

demo-deps: deps
	@sh mk/deps.sh $(DEMO_ALL_DEPS)

# Pidgin's companion only when Pidgin will show the demo (as for its deps above)
DEMO_PIDGIN_BUILD = $(if $(filter pidgin,$(DEMO_UI)),$(DEMO_COMPANION),$(if $(DEMO_UI),,$(if $(DISPLAY),$(DEMO_COMPANION))))

demo-build: all $(DEMO_PEER) $(DEMO_CLIENT) $(DEMO_PLUGIN) $(DEMO_PIDGIN_BUILD)

$(DEMO_PEER): tools/demo/peer.c $(IRC_SRC) tools/irc/irc.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEMO_GIO_CFLAGS) -Itools/irc $(filter %.c,$^) -o $@ $(DEMO_GIO_LIBS)

$(DEMO_CLIENT): tools/demo/client.c $(IRC_SRC) $(PURPLE_GLIB_SRC) $(wildcard tools/irc/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEMO_PURPLE_CFLAGS) -Itools/irc $(filter %.c,$^) -o $@ $(DEMO_PURPLE_LIBS)

# The same sources, with this checkout's rules/ and translations compiled in,
# so the copy Pidgin or Finch loads from its plugins folder finds them (and
# Pidgin's companion, so both bind the translations to the same folder).
# ETQ_VARIANT marks the inner make, which builds it with the ordinary rules.
ifndef ETQ_VARIANT
$(DEMO_PLUGIN) $(DEMO_COMPANION): FORCE
	@$(MAKE) --no-print-directory ETQ_VARIANT=demo BUILD='$(BUILD)/demo' \
		RULESDIR='$(CURDIR)/rules' LOCALEDIR='$(abspath $(BUILD))/locale' '$@'
endif
FORCE:
