# pidgin/pidgin.mk — the Pidgin companion plugin; included by the Makefile.
#
#   make      also builds build/pidgin-etiquette.so (id gtk-etiquette, needs core-etiquette),
#             against Debian's pidgin-dev (GTK 2)

COMPANION_SRC := $(wildcard pidgin/*.c)
COMPANION_OBJ := $(COMPANION_SRC:%.c=$(BUILD)/%.o)
# GTK 2's headers use deprecated GLib types: not our warnings
COMPANION_CFLAGS = $(shell pkg-config --cflags pidgin purple gtk+-2.0) -DGLIB_DISABLE_DEPRECATION_WARNINGS
COMPANION_LIBS   = $(shell pkg-config --libs pidgin purple gtk+-2.0)

all: $(BUILD)/pidgin-etiquette.so

$(BUILD)/pidgin/%.o: pidgin/%.c $(wildcard pidgin/*.h) plugin/translations.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) -fPIC -fvisibility=hidden $(COMPANION_CFLAGS) $(DEFS) -c $< -o $@

$(BUILD)/pidgin-etiquette.so: $(COMPANION_OBJ)
	$(CC) $(CFLAGS) -shared -o $@ $(COMPANION_OBJ) $(COMPANION_LIBS)
