/* etiquette-plugin.h — what the files of the libpurple plugin share.
 *
 * The plugin is a thin adapter around the core (core/etiquette.h):
 *   etiquette-plugin.c  plugin info, load and unload, where the rules are
 *   prefs.c             preferences, their frame, acting on changes at once
 *   conv.c              what the plugin remembers per open conversation
 *   outgoing.c          checking a message before it leaves; the dialog
 *   incoming.c          checking received messages; closed conversations
 *   notes.c             findings: the debug line and the hint in the window
 *   giveback.c          giving held text back to the user (Edit): the UI's
 *                       signal "etiquette-give-back", else a note
 *   draft.c             IPC "check-draft": what a message being typed would trigger
 *   timers.c            one timeout at the core's next deadline
 */
#ifndef ETIQUETTE_PLUGIN_H
#define ETIQUETTE_PLUGIN_H

#ifndef PURPLE_PLUGINS
#define PURPLE_PLUGINS
#endif
#define GETTEXT_PACKAGE "purple-etiquette"

#include <glib.h>
#include <glib/gi18n-lib.h>

#include <account.h>
#include <blist.h>
#include <connection.h>
#include <conversation.h>
#include <debug.h>
#include <eventloop.h>
#include <plugin.h>
#include <pluginpref.h>
#include <prefs.h>
#include <request.h>
#include <signals.h>
#include <util.h>
#include <version.h>

#include "etiquette.h"

#define ETQP_ID "core-etiquette"
#define ETQP_DEBUG "etiquette"
#define ETQP_PREFS "/plugins/core/etiquette"
#define ETQP_PREFS_RULESETS ETQP_PREFS "/rulesets"

/* The whole state of a loaded plugin; NULL while it is not loaded. */
typedef struct {
	PurplePlugin *plugin;
	EtqRules *rules;
	EtqState *state;
	GHashTable *convs; /* PurpleConversation * → EtqConv * (owned) */
	GHashTable *keys;  /* the core's conversation name → EtqConv * */
	guint timer;       /* purple timeout at the next deadline, or 0 */
	gint64 timer_at;   /* the deadline it waits for */
} EtqPlugin;

extern EtqPlugin *etqp;

/* What the plugin keeps for one open conversation. */
typedef struct {
	PurpleConversation *conv;
	char *key;           /* its name for the core */
	GQueue held;         /* char *: the held lines, in order */
	GPtrArray *asked;    /* char *: ids of the rules that hold them */
	GString *reasons;    /* what the dialog says about them */
	guint ask_source;    /* pending idle that opens the dialog */
	gpointer dialog;     /* the open purple_request_action, or NULL */
	gboolean asking;     /* inside purple_request_action() */
	gboolean releasing;  /* our own re-send: let it through once */
	char *outbox;        /* plain text of the line on its way out */
	GHashTable *overridden; /* rule id → times "Send anyway" was chosen */
} EtqConv;

/* etiquette-plugin.c */
void etqp_reload_rules(void);

/* prefs.c */
void etqp_prefs_init(void);
void etqp_prefs_add_rulesets(void);
void etqp_prefs_apply(void);
void etqp_prefs_config(EtqConfig *config);
void etqp_prefs_connect(PurplePlugin *plugin);
gboolean etqp_pref_bool(const char *name);
char *etqp_pref_rules_dir(void);
PurplePluginPrefFrame *etqp_prefs_frame(PurplePlugin *plugin);

/* conv.c */
void etqp_convs_init(void);
void etqp_convs_free(void);
EtqConv *etqp_conv_get(PurpleConversation *conv);
EtqConv *etqp_conv_lookup(PurpleConversation *conv);
EtqConv *etqp_conv_by_key(const char *key);
void etqp_conv_forget(PurpleConversation *conv);
void etqp_event_init(EtqEvent *ev, EtqConv *c, EtqDirection dir,
                     const char *who, const char *text);
gint64 etqp_now(void);

/* outgoing.c */
void etqp_outgoing_connect(PurplePlugin *plugin);
void etqp_outgoing_drop(EtqConv *c);
void etqp_outgoing_give_back_all(void);
gboolean etqp_would_ask(EtqConv *c, const EtqFinding *f);

/* incoming.c */
void etqp_incoming_connect(PurplePlugin *plugin);

/* notes.c */
void etqp_note(PurpleConversation *conv, const char *html);
void etqp_report(PurpleConversation *conv, GPtrArray *findings);
void etqp_report_hint(PurpleConversation *conv, const EtqFinding *f);
void etqp_log_finding(const EtqFinding *f);
gboolean etqp_is_writing(void);

/* giveback.c */
void etqp_giveback_register(PurplePlugin *plugin);
void etqp_giveback_unregister(PurplePlugin *plugin);
void etqp_offer_back(PurpleConversation *conv, const char *text, gboolean input_box);

/* draft.c */
void etqp_draft_register(PurplePlugin *plugin);

/* timers.c */
void etqp_timers_update(void);
void etqp_timers_stop(void);

#endif
