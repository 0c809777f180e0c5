# po/po.mk — translations (gettext, text domain "purple-etiquette"); included by the Makefile.
#
#   make              also compiles build/locale/<lang>/LC_MESSAGES/purple-etiquette.mo
#                     (etiquette-check and the plugin use build/locale when it is next to them)
#   make pot          re-extracts po/purple-etiquette.pot from the C sources and the rules,
#                     then merges it into every po/<lang>.po: translate what is new or fuzzy
#   make check-po     the translation tests alone (tests/i18n/run.sh)
#   make install-po   installs the .mo files into $(DESTDIR)$(LOCALEDIR)/<lang>/LC_MESSAGES/
#   make uninstall-po removes them
#
# Languages: po/LINGUAS. What is extracted: po/POTFILES.

PO_DOMAIN := purple-etiquette
PO_LANGS  := $(shell cat po/LINGUAS 2>/dev/null)
PO_FILES  := $(PO_LANGS:%=po/%.po)
MO_FILES  := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/$(PO_DOMAIN).mo)
# Debian packages: msgfmt, xgettext, msgmerge (gettext) and jq (rule texts).
PO_DEPS   := gettext jq
PO_INSTALL = $(or $(INSTALL),install)

.PHONY: po-deps pot check-po install-po uninstall-po
all: $(MO_FILES)
test-deps: po-deps

po-deps:
	@sh mk/deps.sh $(PO_DEPS)

$(BUILD)/locale/%/LC_MESSAGES/$(PO_DOMAIN).mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check --output-file=$@ $<

pot: po-deps
	sh po/extract.sh po/$(PO_DOMAIN).pot
	@for lang in $(PO_LANGS); do \
		printf '%s: ' "po/$$lang.po"; \
		msgmerge --update --backup=none --previous po/$$lang.po po/$(PO_DOMAIN).pot || exit 1; \
	done

check-po: po-deps $(MO_FILES) $(BUILD)/etiquette-check
	@sh tests/i18n/run.sh

install-po: $(MO_FILES)
	@for lang in $(PO_LANGS); do \
		$(PO_INSTALL) -d "$(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES" && \
		$(PO_INSTALL) -m 644 "$(BUILD)/locale/$$lang/LC_MESSAGES/$(PO_DOMAIN).mo" \
			"$(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/$(PO_DOMAIN).mo" || exit 1; \
		echo "installed $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/$(PO_DOMAIN).mo"; \
	done

uninstall-po:
	@for lang in $(PO_LANGS); do \
		rm -f "$(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/$(PO_DOMAIN).mo"; \
	done
