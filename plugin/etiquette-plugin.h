/* etiquette-plugin.h — what the files of the libpurple plugin share.
 *
 * The plugin is a thin adapter around the core (core/etiquette.h):
 *   etiquette-plugin.c  plugin info, load and unload, where the rules are
 *   prefs.c             preferences, their frame, acting on changes at once
 *   conv.c              what the plugin remembers per open conversation
 *   outgoing.c          checking a message before it leaves; the question
 *   incoming.c          checking received messages; closed conversations
 *   returns.c           held text of a closed conversation, offered back
 *   quiet.c             "don't warn me about this again", in the prefs
 *   loader.c            loading the rules in a thread of their own
 *   reload.c            the user's rules folder, reloaded when it changed
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
#include <log.h>
#include <notify.h>
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

typedef struct EtqLoad EtqLoad;

/* The whole state of a loaded plugin; NULL while it is not loaded. */
typedef struct {
	PurplePlugin *plugin;
	EtqRules *rules;     /* NULL until the first load is adopted (loader.c) */
	EtqState *state;     /* made with the first rules */
	EtqLoad *load;       /* loader.c: the load running, or NULL */
	gboolean load_again; /* loader.c: another was asked for meanwhile */
	GHashTable *convs; /* PurpleConversation * → EtqConv * (owned) */
	GHashTable *keys;  /* the core's conversation name → EtqConv * */
	guint timer;       /* purple timeout at the next deadline, or 0 */
	gint64 timer_at;   /* the deadline it waits for */
	GHashTable *returns; /* returns.c: held text of closed conversations */
	guint reload_source; /* reload.c: pending look at the rules folder */
	char *rules_seen;    /* reload.c: digest of the user's folder loaded */
	char *broken_seen;   /* reload.c: digest of the broken folder told about */
} EtqPlugin;

extern EtqPlugin *etqp;

/* What the plugin keeps for one open conversation. */
typedef struct {
	PurpleConversation *conv;
	char *key;           /* its name for the core */
	GQueue held;         /* char *: the held lines, in order */
	GPtrArray *asked;    /* char *: ids of the rules that hold them */
	GString *reasons;    /* what the dialog says about them */
	guint paste_source;  /* idle: lines still arriving in the same go */
	gpointer dialog;     /* the open purple_request_fields, or NULL */
	gboolean asking;     /* inside purple_request_fields() */
	gboolean closing;    /* the plugin closes the question itself */
	gboolean releasing;  /* our own re-send: let it through once */
	char *outbox;        /* plain text of the line on its way out */
	GHashTable *overridden; /* rule id → times "Send anyway" was chosen */
	int logged;          /* an earlier logged conversation: 1, none: -1, unread: 0 */
} EtqConv;

/* etiquette-plugin.c */
char *etqp_shipped_rules_dir(void);
void etqp_use_rules(EtqRules *rules);

/* loader.c */
void etqp_load_start(void);
void etqp_rules_ready(void);
void etqp_load_stop(void);

/* reload.c */
char *etqp_folder_digest(const char *given);
void etqp_rules_loaded(char *digest, EtqRules *rules, const GPtrArray *errors);
void etqp_reload_later(void);
void etqp_reload_stop(void);

/* returns.c */
void etqp_returns_init(void);
void etqp_returns_free(void);
void etqp_returns_keep(PurpleConversation *conv, const char *text);
void etqp_returns_connect(PurplePlugin *plugin);

/* quiet.c */
gboolean etqp_quiet(EtqConv *c, const char *rule);
void etqp_quiet_add_person(EtqConv *c);
void etqp_quiet_add_rule(const char *rule);
void etqp_quiet_init(void);
void etqp_quiet_free(void);
void etqp_quiet_frame(PurplePluginPrefFrame *frame);
gboolean etqp_quiet_pref_changed(const char *name, gboolean value);

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
const char *etqp_conv_title(PurpleConversation *conv);

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
