/* pidgin-etiquette.h — what the files of the Pidgin companion share.
 *
 * The companion (build/pidgin-etiquette.so, id gtk-etiquette) is a Pidgin
 * plugin that depends on the libpurple plugin core-etiquette and does what
 * needs Pidgin's GTK UI; it talks to the core only through the core's
 * signal and IPC command (plugin/giveback.c, plugin/draft.c):
 *   pidgin-etiquette.c  plugin info, load and unload
 *   giveback.c          held text back into the conversation's input box
 *   live.c              the line under the input box while typing
 *   prefs.c             its preference and the frame that shows it
 */
#ifndef PIDGIN_ETIQUETTE_H
#define PIDGIN_ETIQUETTE_H

#ifndef PURPLE_PLUGINS
#define PURPLE_PLUGINS
#endif
#define GETTEXT_PACKAGE "purple-etiquette"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>

#include <conversation.h>
#include <debug.h>
#include <plugin.h>
#include <prefs.h>
#include <signals.h>
#include <version.h>

#include <gtkconv.h>
#include <gtkimhtml.h>
#include <gtkplugin.h>
#include <gtkprefs.h>
#include <gtkutils.h>

#define ETQG_ID "gtk-etiquette"
#define ETQG_CORE_ID "core-etiquette"
#define ETQG_DEBUG "etiquette-gtk"
#define ETQG_PREFS "/plugins/gtk/etiquette"
#define ETQG_PREF_LIVE ETQG_PREFS "/live_feedback"

/* For the tests (ETQ_TEST_HOOKS set when Pidgin starts): what the input box
 * holds after a give-back and every change of the live line go to the
 * debug log. Off otherwise: a draft is nobody's business. */
extern gboolean etqg_test_hooks;

/* giveback.c */
void etqg_giveback_connect(PurplePlugin *plugin, PurplePlugin *core);

/* live.c */
void etqg_live_start(PurplePlugin *plugin, PurplePlugin *core);
void etqg_live_stop(void);
void etqg_live_enable(gboolean on);

/* prefs.c */
void etqg_prefs_init(void);
void etqg_prefs_connect(PurplePlugin *plugin);
GtkWidget *etqg_prefs_frame(PurplePlugin *plugin);

#endif
