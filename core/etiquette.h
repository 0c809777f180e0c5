/* etiquette.h — the purple-etiquette rule core.
 *
 * The core reads a chat as events (messages and the passing of time) and
 * answers with findings. It knows nothing of libpurple: the plugin, the
 * etiquette-check command and the tests all drive it through this header.
 *
 *   EtqRules  the rule sets loaded from JSON (see rules/README.md)
 *   EtqState  the memory of one client: conversations, timers, recent posts
 *   EtqEvent  one message, in or out
 *   EtqFinding what looks off, and what to do instead
 *
 * Nothing here does I/O once the rules are loaded, and nothing is global:
 * every object is freed by whoever created it. Not thread-safe: use one
 * EtqState (and its EtqRules) from one thread.
 */
#ifndef ETIQUETTE_H
#define ETIQUETTE_H

#include <glib.h>

G_BEGIN_DECLS

/* The version of the core and its interface (0.x: may still change). */
#define ETQ_VERSION_MAJOR 0
#define ETQ_VERSION_MINOR 3
#define ETQ_VERSION_MICRO 0
#define ETQ_VERSION_STRING "0.3.0"

/* The version of the core actually linked, "MAJOR.MINOR.MICRO". */
const char *etq_version(void);

typedef enum { ETQ_DIR_IN, ETQ_DIR_OUT } EtqDirection;
typedef enum { ETQ_CHAT_IM, ETQ_CHAT_GROUP } EtqChat;
/* Whether the peer is a known contact; UNSET decides from history. */
typedef enum { ETQ_KNOWN_UNSET = -1, ETQ_KNOWN_NO = 0, ETQ_KNOWN_YES = 1 } EtqKnown;
typedef enum { ETQ_SEVERITY_HINT, ETQ_SEVERITY_WARN } EtqSeverity;

typedef struct {
	const char *text;   /* plain UTF-8; invalid bytes are tolerated */
	EtqDirection dir;
	EtqChat chat;
	const char *peer;   /* im: the other person; group: the sender */
	const char *conv;   /* NULL: peer for im, "#group" for group */
	const char *me;     /* the user's own nick, to see mentions; may be NULL */
	EtqKnown known;
	gint64 t;           /* seconds, non-decreasing */
} EtqEvent;

/* Every string of a finding is its own: it outlives a reload of the rules. */
typedef struct {
	char *category;       /* "cold-ask", … */
	char *rule;           /* rule id */
	EtqSeverity severity;
	char *message;        /* for a person, in the UI language */
	char *suggestion;     /* may be NULL */
	char *conv;           /* the conversation it is about */
	gssize span_start;    /* byte span in the event's text, or -1 (timers) */
	gssize span_end;
} EtqFinding;

typedef struct EtqRules EtqRules;
typedef struct EtqRuleSet EtqRuleSet;
typedef struct EtqState EtqState;

/* ---- Rules ---------------------------------------------------------- */

EtqRules *etq_rules_new(void);
void etq_rules_free(EtqRules *rules);

/* Loads every rule set below dir. A rule set whose name is already loaded
 * replaces it (so a user's directory can override a shipped set). Each
 * problem is appended to errors (if not NULL) as a newly allocated
 * "FILE:LINE: reason"; a broken file is skipped, the others still load.
 * Returns the number of rule sets loaded from dir. */
guint etq_rules_load_dir(EtqRules *rules, const char *dir, GPtrArray *errors);
/* Builds what checking needs from every rule set loaded (the phrase
 * matcher, the language model): call it once after the last
 * etq_rules_load_dir, so that it is not the first message that waits
 * (which would build it otherwise). */
void etq_rules_prepare(EtqRules *rules);

guint etq_rules_n_sets(const EtqRules *rules);
const EtqRuleSet *etq_rules_get_set(const EtqRules *rules, guint i);
const EtqRuleSet *etq_rules_find_set(const EtqRules *rules, const char *name);
/* Returns FALSE if no rule set has that name. Takes effect at once. */
gboolean etq_rules_set_enabled(EtqRules *rules, const char *name, gboolean enabled);

const char *etq_rule_set_name(const EtqRuleSet *set);
const char *etq_rule_set_description(const EtqRuleSet *set); /* localised */
const char *etq_rule_set_path(const EtqRuleSet *set);
const char *const *etq_rule_set_languages(const EtqRuleSet *set);
guint etq_rule_set_n_rules(const EtqRuleSet *set);
gboolean etq_rule_set_enabled(const EtqRuleSet *set);

/* Runs every rule's examples (must fire) and counterexamples (must not).
 * Appends "FILE:LINE: reason" for each failure; returns the number of
 * failures. Used by --validate and the test suite. */
guint etq_rules_self_test(EtqRules *rules, GPtrArray *errors);

/* ---- Language ------------------------------------------------------- */

/* The code of the text's language (a profile's, e.g. "de"), or "und",
 * from the text alone (etq_state_feed also goes by the conversation). */
const char *etq_rules_language(const EtqRules *rules, const char *text);

/* ---- Conversation state --------------------------------------------- */

typedef struct {
	gint64 unanswered_seconds;   /* default 600 */
	guint over_engagement_count; /* default 6 */
	guint max_conversations;     /* oldest forgotten beyond this; default 1024 */
} EtqConfig;

void etq_config_init(EtqConfig *config);

/* The rules must outlive the state. */
EtqState *etq_state_new(EtqRules *rules, const EtqConfig *config);
void etq_state_free(EtqState *state);
void etq_state_set_config(EtqState *state, const EtqConfig *config);

/* Gives the state other rules (a reload); the old ones may be freed after. */
void etq_state_set_rules(EtqState *state, EtqRules *rules);

/* Checks a message, remembers it, and fires the timers due at ev->t.
 * Returns the findings (EtqFinding *, freed with the array). lang, if not
 * NULL, receives the message's language (a static string). */
GPtrArray *etq_state_feed(EtqState *state, const EtqEvent *ev, const char **lang);

/* Checks a message against the current state without remembering it:
 * what the plugin asks before a message leaves. No timers fire. */
GPtrArray *etq_state_check(EtqState *state, const EtqEvent *ev, const char **lang);

/* Remembers a message (it was sent or received) without checking it;
 * returns the findings its arrival causes (over-engagement). A message
 * just checked is not read again. */
GPtrArray *etq_state_record(EtqState *state, const EtqEvent *ev);

/* Time passes: returns the findings of timers due at t. */
GPtrArray *etq_state_tick(EtqState *state, gint64 t);

/* The earliest pending timer, or -1 when none: when to tick next. */
gint64 etq_state_next_deadline(const EtqState *state);

/* Forgets a conversation and its timers (the window was closed). */
void etq_state_forget(EtqState *state, const char *conv);

/* Conversations remembered now (bounded by max_conversations). */
guint etq_state_n_conversations(const EtqState *state);

void etq_finding_free(EtqFinding *finding);
const char *etq_severity_name(EtqSeverity severity);

G_END_DECLS

#endif
