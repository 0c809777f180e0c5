# mk/install.mk — installing for real, and the Debian package; included by the Makefile.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#        plugin       $(PLUGINDIR)/purple-etiquette.so   (pkg-config --variable=plugindir purple)
#        companion    $(PIDGIN_PLUGINDIR)/pidgin-etiquette.so (pkg-config --variable=plugindir pidgin)
#        rule sets    $(RULESDIR)/                        ($(DATADIR)/purple-etiquette/rules)
#        CLI          $(BINDIR)/etiquette-check
#        translations $(LOCALEDIR)/*/LC_MESSAGES/          (po/po.mk's install-po)
#   make uninstall [PREFIX=...] [DESTDIR=]                removes exactly those
#
#   make install-user      for you alone, no root needed:
#        plugin       ~/.purple/plugins/purple-etiquette.so (built with the folders below compiled in)
#        companion    ~/.purple/plugins/pidgin-etiquette.so
#        rule sets    ~/.local/share/purple-etiquette/rules/
#        CLI          ~/.local/bin/etiquette-check
#        translations ~/.local/share/locale/
#        your own rule sets go into ~/.purple/etiquette/ (the plugin's rules_dir preference)
#   make uninstall-user    removes those; ~/.purple/etiquette/ stays if it holds anything
#
#   make deb               build/deb/pidgin-etiquette_*.deb from packaging/debian/, checked by lintian
#
# The plugin and the CLI have RULESDIR and LOCALEDIR compiled in, so the objects are
# rebuilt whenever these change (build/.defs): `make && sudo make install PREFIX=/usr`
# installs binaries that look in /usr.

INSTALL   ?= install
BINDIR    ?= $(PREFIX)/bin
PLUGINDIR ?= $(shell pkg-config --variable=plugindir purple 2>/dev/null)
PIDGIN_PLUGINDIR ?= $(shell pkg-config --variable=plugindir pidgin 2>/dev/null)

PURPLE_HOME    ?= $(HOME)/.purple
USER_DATA_HOME ?= $(if $(XDG_DATA_HOME),$(XDG_DATA_HOME),$(HOME)/.local/share)
USER_BINDIR    ?= $(HOME)/.local/bin
USER_RULESDIR  ?= $(USER_DATA_HOME)/purple-etiquette/rules
USER_LOCALEDIR ?= $(USER_DATA_HOME)/locale
USER_BUILD     ?= $(BUILD)/user

# po/po.mk (the translations) defines install-po; used when it is there.
HAVE_INSTALL_PO := $(shell grep -qs '^install-po *:' po/po.mk && echo yes)

DEB_DEPS := build-essential debhelper dpkg-dev lintian
DEB_DIR  := $(BUILD)/deb
# What the package's build needs from the tree (tests and docs stay out).
DEB_SRC  := Makefile README.md mk core cli plugin pidgin po rules tools

.PHONY: install install-user uninstall uninstall-user deb install-files-check
.PHONY: FORCE
FORCE:

# ---- compiled-in folders: rebuild when they change ----

DEFS_STAMP := $(BUILD)/.defs
$(CORE_OBJ) $(PLUGIN_OBJ) $(COMPANION_OBJ) $(BUILD)/cli/etiquette-check.o: $(DEFS_STAMP)
$(DEFS_STAMP): FORCE
	@mkdir -p $(dir $@)
	@printf '%s\n' 'RULESDIR=$(RULESDIR)' 'LOCALEDIR=$(LOCALEDIR)' >$@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

# ---- system (or DESTDIR) install ----

# Copies the rule sets: every file under rules/ but hidden ones, folders kept.
# The target is emptied first (a rule set removed from the tree must not stay
# loaded), but only when it is a .../purple-etiquette/rules folder.
# $(call install_rules,TARGET_DIR)
clean_rules = case '$(1)' in */purple-etiquette/rules) rm -rf '$(1)';; esac
install_rules = $(call clean_rules,$(1)); \
	cd rules && find . -type f ! -name '.*' ! -name '*~' | sort | while read -r f; do \
	$(INSTALL) -D -m 644 "$$f" "$(1)/$${f\#./}" || exit 1; done

install: all $(if $(HAVE_INSTALL_PO),install-po)
	@[ -n '$(PLUGINDIR)' ] || { echo "pkg-config --variable=plugindir purple says nothing: is libpurple-dev installed?" >&2; exit 1; }
	@[ -n '$(PIDGIN_PLUGINDIR)' ] || { echo "pkg-config --variable=plugindir pidgin says nothing: is pidgin-dev installed?" >&2; exit 1; }
	$(INSTALL) -d '$(DESTDIR)$(PLUGINDIR)' '$(DESTDIR)$(PIDGIN_PLUGINDIR)' '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(RULESDIR)'
	$(INSTALL) -m 644 $(BUILD)/purple-etiquette.so '$(DESTDIR)$(PLUGINDIR)/purple-etiquette.so'
	$(INSTALL) -m 644 $(BUILD)/pidgin-etiquette.so '$(DESTDIR)$(PIDGIN_PLUGINDIR)/pidgin-etiquette.so'
	$(INSTALL) -m 755 $(BUILD)/etiquette-check '$(DESTDIR)$(BINDIR)/etiquette-check'
	$(call install_rules,$(DESTDIR)$(RULESDIR))
	@echo "Installed: $(DESTDIR)$(PLUGINDIR)/purple-etiquette.so, $(DESTDIR)$(PIDGIN_PLUGINDIR)/pidgin-etiquette.so, $(DESTDIR)$(BINDIR)/etiquette-check, rules in $(DESTDIR)$(RULESDIR)"
	@[ -n '$(HAVE_INSTALL_PO)' ] || echo "(no po/po.mk with install-po: translations not installed)"

uninstall:
	@[ -n '$(PLUGINDIR)' ] || { echo "pkg-config --variable=plugindir purple says nothing: is libpurple-dev installed?" >&2; exit 1; }
	rm -f '$(DESTDIR)$(PLUGINDIR)/purple-etiquette.so' '$(DESTDIR)$(BINDIR)/etiquette-check'
	[ -z '$(PIDGIN_PLUGINDIR)' ] || rm -f '$(DESTDIR)$(PIDGIN_PLUGINDIR)/pidgin-etiquette.so'
	$(call clean_rules,$(DESTDIR)$(RULESDIR))
	rmdir '$(DESTDIR)$(dir $(RULESDIR))' 2>/dev/null || true
	rm -f '$(DESTDIR)$(LOCALEDIR)'/*/LC_MESSAGES/purple-etiquette.mo

# ---- for one user, no root ----

# The plugin and the CLI again, in build/user/, with the user's folders compiled
# in. ETQ_VARIANT marks the inner make, which builds them with the ordinary rules.
.PHONY: user-build
user-build:
	@$(MAKE) --no-print-directory ETQ_VARIANT=user BUILD='$(USER_BUILD)' \
		RULESDIR='$(USER_RULESDIR)' LOCALEDIR='$(USER_LOCALEDIR)' \
		'$(USER_BUILD)/purple-etiquette.so' '$(USER_BUILD)/pidgin-etiquette.so' \
		'$(USER_BUILD)/etiquette-check'

install-user: user-build
	$(INSTALL) -d '$(PURPLE_HOME)/plugins' '$(PURPLE_HOME)/etiquette' '$(USER_RULESDIR)' '$(USER_BINDIR)'
	$(INSTALL) -m 644 $(USER_BUILD)/purple-etiquette.so '$(PURPLE_HOME)/plugins/purple-etiquette.so'
	$(INSTALL) -m 644 $(USER_BUILD)/pidgin-etiquette.so '$(PURPLE_HOME)/plugins/pidgin-etiquette.so'
	$(INSTALL) -m 755 $(USER_BUILD)/etiquette-check '$(USER_BINDIR)/etiquette-check'
	$(call install_rules,$(USER_RULESDIR))
	@if [ -n '$(HAVE_INSTALL_PO)' ]; then \
		$(MAKE) --no-print-directory install-po DESTDIR= LOCALEDIR='$(USER_LOCALEDIR)'; fi
	@echo
	@echo "Installed for $$(id -un):"
	@echo "  plugin      $(PURPLE_HOME)/plugins/purple-etiquette.so"
	@echo "  companion   $(PURPLE_HOME)/plugins/pidgin-etiquette.so (Pidgin only)"
	@echo "  rule sets   $(USER_RULESDIR)"
	@echo "  CLI         $(USER_BINDIR)/etiquette-check"
	@echo "  your rules  $(PURPLE_HOME)/etiquette/  (one rule set per file or folder, see rules/README.md)"
	@echo "Restart Pidgin or Finch, then Tools > Plugins > Etiquette (in Pidgin also Etiquette for Pidgin)."

uninstall-user:
	rm -f '$(PURPLE_HOME)/plugins/purple-etiquette.so' '$(PURPLE_HOME)/plugins/pidgin-etiquette.so' \
		'$(USER_BINDIR)/etiquette-check'
	$(call clean_rules,$(USER_RULESDIR))
	rmdir '$(dir $(USER_RULESDIR))' '$(PURPLE_HOME)/etiquette' 2>/dev/null || true
	rm -f '$(USER_LOCALEDIR)'/*/LC_MESSAGES/purple-etiquette.mo

# ---- Debian package ----

# Built from a copy of the tree in build/deb/src, so packaging/debian/ becomes debian/
# and the work tree stays clean; the .deb, .changes and .buildinfo land in build/deb/.
deb: deps
	@sh mk/deps.sh $(DEB_DEPS)
	rm -rf '$(DEB_DIR)'
	mkdir -p '$(DEB_DIR)/src'
	cp -a $(wildcard $(DEB_SRC)) '$(DEB_DIR)/src/'
	rm -rf '$(DEB_DIR)/src/build'
	cp -a packaging/debian '$(DEB_DIR)/src/debian'
	cd '$(DEB_DIR)/src' && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info '$(DEB_DIR)'/pidgin-etiquette_*.deb
	@ls -l '$(DEB_DIR)'/*.deb
