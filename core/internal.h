/* internal.h — what the core's files share and callers never see. */
#ifndef ETQ_INTERNAL_H
#define ETQ_INTERNAL_H

#include "etiquette.h"
#include "text.h"
#include "pattern.h"

#define ETQ_TEXT_DOMAIN "purple-etiquette"
/* The languages are the loaded profiles (rules/languages/xx.json), numbered
 * in the order they loaded: a language is an index into EtqRules.profiles. */
#define ETQ_LANG_ANY (-1)  /* a rule's language "*": every language */
#define ETQ_LANG_UND (-2)  /* no language: no profile has the code, or the text tells none */

/* ETQ_LANG_ANY for "*", ETQ_LANG_UND when no profile has the code. */
int etq_lang_index(const EtqRules *rules, const char *code);
/* The code of a language index; "und" for ETQ_LANG_UND. */
const char *etq_lang_code(const EtqRules *rules, int lang);

/* The phrase slots of a rule: EXCLUDE holds the phrases (negations,
 * reported speech) after which a match in the same sentence does not count. */
typedef enum { SLOT_MATCH, SLOT_ALSO, SLOT_UNLESS, SLOT_EXCLUDE, N_SLOTS } EtqSlot;
enum { SLOT_QMARK = 1, SLOT_LINK = 2, SLOT_PLACEHOLDER = 4, SLOT_LAUGH = 8 };
/* Spans of a message a rule does not read ("ignore"). */
enum { IGNORE_QUOTES = 1, IGNORE_CODE = 2 };
/* How near an also/unless phrase must be to a match: anywhere, N words, or the same sentence. */
#define NEAR_ANYWHERE 0
#define NEAR_SENTENCE (-1)

typedef enum {
	DETECT_NONE, DETECT_UNANSWERED, DETECT_OVER_ENGAGEMENT, DETECT_CROSS_POST, N_DETECTORS
} EtqDetector;

/* What makes the same post sent around a cross-post. */
typedef struct {
	gint64 min_words;      /* words of substance, default 5 */
	gint64 conversations;  /* different conversations, default 3 */
	gint64 window;         /* seconds, default 600 */
} EtqCrossPost;

/* Conditions of `when`. */
typedef enum {
	WHEN_ENGAGED, WHEN_ADDRESSED, WHEN_MENTIONS_ME, WHEN_QUESTION, WHEN_LINK,
	WHEN_ONLY, WHEN_FIRST, N_WHEN
} EtqWhen;

enum { DIR_IN = 1, DIR_OUT = 2 };
enum { CHAT_IM = 1, CHAT_GROUP = 2 };

typedef struct {
	char *msgid;          /* looked up with gettext */
	GHashTable *by_lang;  /* or texts per UI language (a user's rule) */
} EtqText_l10n;

typedef struct {
	EtqEvent ev;          /* strings owned below */
	char *text, *peer;
	char *path;           /* in its file, e.g. rules/3/examples/1 */
} EtqExample;

typedef struct EtqRule {
	char *id;
	char *key;            /* "id lang": unique among the loaded rules (an id is an idea, once per language) */
	char *path;           /* in its file, e.g. rules/3 */
	char *category;
	EtqSeverity severity;
	guint8 dirs, chats;   /* DIR_* / CHAT_* bits */
	int lang;             /* index, or ETQ_LANG_ANY */
	GPtrArray *phrases[N_SLOTS]; /* normalised phrase strings */
	guint8 flags[N_SLOTS];        /* SLOT_QMARK, SLOT_LINK, SLOT_PLACEHOLDER, SLOT_LAUGH */
	int near[N_SLOTS];            /* of SLOT_ALSO, SLOT_UNLESS: NEAR_* or a number of words */
	guint8 ignore;                /* IGNORE_* */
	guint min_words;              /* the message needs at least this many words; 0: any */
	guint max_words;              /* and at most this many; 0: any */
	EtqPattern *regex;
	gint8 when[N_WHEN];   /* -1: no condition */
	EtqDetector detector;
	EtqCrossPost cross_post;
	EtqText_l10n message[2], suggestion[2];     /* by EtqDirection: message_in, message_out */
	const char *message_text[2], *suggestion_text[2]; /* resolved by etq_rules_prepare */
	GPtrArray *examples, *counterexamples; /* EtqExample */
	const char *file;     /* interned */
	struct EtqRuleSet *set;
	guint index;          /* in EtqRules.all_rules */
} EtqRule;

struct EtqRuleSet {
	char *name;
	char *path;
	EtqText_l10n description;
	char **languages;
	GPtrArray *rules;     /* EtqRule */
	GStringChunk *strings; /* the phrase texts of its rules */
	gboolean enabled;
};

/* What one spelling feature of a language is worth (langid.c). */
typedef struct {
	char *text;             /* normalised word, ending, beginning or letter group */
	guint8 points;
} EtqLangSign;

/* A language profile: its code and name, what tells it apart (langid.c)
 * and the lists every rule shares. */
typedef struct {
	char *path;
	char *code, *name;      /* "fr", "Français" */
	GPtrArray *stopwords;   /* normalised */
	GArray *letters;        /* gunichar */
	/* "langid": EtqLangSign arrays */
	GArray *words, *endings, *beginnings, *inside;
	GHashTable *lists;      /* name -> GPtrArray of raw phrases */
	char *stemmer;          /* Snowball stemmer name ("english"), or NULL */
} EtqProfile;

typedef struct EtqLangModel EtqLangModel;

typedef struct EtqMatcher EtqMatcher;
typedef struct EtqJsonBlock EtqJsonBlock;

struct EtqRules {
	GPtrArray *sets;                     /* EtqRuleSet */
	GPtrArray *profiles;                 /* EtqProfile: the languages, by index */
	EtqLangModel *langid;                /* built with the matcher */
	/* Built at the end of each load: every phrase of every rule in one
	 * matcher (a trie), and the rules in one array. */
	EtqMatcher *matcher;
	guint generation;                    /* matchers built so far: what a state's scratch was read with */
	GPtrArray *all_rules;
	GPtrArray *scan_rules;               /* rules with a pattern or a ?/<link> match */
	GPtrArray *detectors[N_DETECTORS];   /* the rules of each detector */
	GHashTable *slot_words;              /* words of template slots, every profile's (spans.c) */
	/* Phrase text -> EtqSeq: the trees of the phrases with grammar checked
	 * since the last matcher build, which takes them instead of parsing
	 * each again (at most ETQ_PARSED_MAX: a bound on memory). */
	GHashTable *parsed;
	EtqJsonBlock *json_spare;            /* memory of the files read so far, for the next (load.h) */
	const struct EtqRule *only;          /* the self-test checks one rule at a time */
};

/* ---- matcher.c: all phrases of all rules in one index ---- */

#define ETQ_PARSED_MAX 8192

/* What one message matched: per rule, which slots hit and where. */
typedef struct {
	guint8 hit[N_SLOTS];
	guint tok_start, tok_end;   /* the earliest match of SLOT_MATCH, the longest there */
} EtqRuleHit;

typedef struct {
	guint phrase;
	guint tok_start, tok_end;
} EtqOccurrence;

/* Each phrase found, once per start token (its longest match there). */
typedef struct {
	GArray *hits;        /* EtqRuleHit per rule index */
	GArray *hit_rules;   /* guint: rules with any hit, ascending */
	GArray *occurrences; /* EtqOccurrence, by start token */
	/* Internal lists of each language: greetings, question openers, titles. */
	guint8 *greeting_tok;  /* per token: 1 if inside a greeting */
	guint8 *title_len;     /* per token: words of the longest title starting there (at most 255), 0: none */
	gsize tok_cap;         /* bytes of each of the two */
	GArray *question_start; /* int per language: token where a question opener starts, or -1 */
} EtqMatch;

EtqMatcher *etq_matcher_build(EtqRules *rules);
void etq_matcher_free(EtqMatcher *m);
void etq_match_init(EtqMatch *mt);
void etq_match_clear(EtqMatch *mt);
/* Not const: it remembers the words it has seen. */
void etq_matcher_run(EtqMatcher *m, const EtqText *text, EtqMatch *mt);
/* Does phrase `phrase` belong to slot of rule? */
gboolean etq_matcher_phrase_in(const EtqMatcher *m, guint phrase, guint rule, EtqSlot slot);
/* Bytes it keeps between messages: the words seen, buffers (bounded). */
gsize etq_matcher_memory(const EtqMatcher *m);

/* ---- rules.c ---- */
/* The phrases of every rule's slots, a list's counted in each rule that takes it. */
guint etq_rules_n_phrase_entries(const EtqRules *rules);
/* ---- json.c ---- */
void etq_json_blocks_free(EtqJsonBlock **blocks);
/* The first enabled rule of a detector, or NULL. */
const EtqRule *etq_rules_detector(EtqRules *rules, EtqDetector d);
/* In the user's language (gettext, or the rule's own texts); owned by t or gettext. */
const char *etq_l10n_text(const EtqText_l10n *t);

/* ---- langid.c ---- */
EtqLangModel *etq_langid_build(const EtqRules *rules);
void etq_langid_free(EtqLangModel *m);
/* Points per language (scores[n languages]) for a scanned text; the words
 * in code and template slots of spans (if not NULL) do not count. */
typedef struct EtqSpans EtqSpans;
void etq_langid_score(const EtqRules *rules, const EtqText *text, const EtqSpans *spans, guint *scores);
/* The language the scores tell, prior (the conversation's language, or
 * ETQ_LANG_UND) breaking a tie or a silence; ETQ_LANG_UND if none. */
int etq_langid_decide(const EtqRules *rules, const guint *scores, int prior);
/* Is the normalised word a stopword of any language? */
gboolean etq_is_stopword(const EtqRules *rules, const char *norm);

/* ---- spans.c: quotes, code, sentences and template slots of a message ---- */
typedef struct {
	gsize start, end;   /* bytes */
	guint8 kind;        /* IGNORE_* (0 for a placeholder) */
} EtqSpan;

/* Quotes, code and slots are looked for in a message's first 4 KB. */
#define SPAN_TEXT_MAX 4096

struct EtqSpans {
	gboolean ready;        /* worked out for the current message */
	GArray *skipped;       /* EtqSpan: quotes and code */
	GArray *placeholders;  /* EtqSpan: template slots outside code */
	guint *sentence;       /* per token: its sentence's number */
	guint8 *skip;          /* per token: IGNORE_* of the spans it starts in */
	guint cap;
	gsize marked;          /* bytes of marks that belong to the current message */
	guint8 marks[SPAN_TEXT_MAX]; /* per byte: IGNORE_* of the spans it lies in */
};

GHashTable *etq_slot_words_new(const EtqRules *rules);
void etq_spans_init(EtqSpans *sp);
void etq_spans_clear(EtqSpans *sp);
void etq_spans_find(const EtqRules *rules, const EtqText *t, EtqSpans *sp);
/* FALSE when the text cannot hold a template slot (a quick look). */
gboolean etq_spans_may_have_slot(const EtqText *t);
/* IGNORE_* of the quote and code spans a byte lies in. */
guint8 etq_spans_kind_at(const EtqSpans *sp, gsize at);

/* ---- state.c ---- */
/* Bytes a state keeps (with its rules' matcher's memory of words): the
 * budget tests/test-budget.c holds it to under any input. */
gsize etq_state_memory(const EtqState *st);

/* ---- check.c: one message against the rules ---- */
typedef struct {
	char *raw, *norm;
} EtqName;

typedef struct {
	EtqText text;
	EtqMatch match;
	EtqSpans spans;
	GArray *lang_scores; /* guint per language: etq_langid_score of the text */
	EtqName me, peer;   /* normalised names, cached */
	GArray *places[N_SLOTS]; /* of the rule at hand, reused (check.c) */
	int may_have_slot;  /* etq_spans_may_have_slot of the text, or -1: not yet asked */
} EtqScratch;

typedef struct {
	gboolean engaged;   /* known, or an exchange both ways before */
	gboolean first;     /* nothing said in the conversation before */
} EtqContext;

void etq_scratch_init(EtqScratch *s);
void etq_scratch_clear(EtqScratch *s);
/* Scans and matches ev->text into s; returns the language index, told
 * from the text alone (etq_langid_decide with s->lang_scores adds a prior). */
int etq_analyse(EtqRules *rules, EtqScratch *s, const EtqEvent *ev);
/* Appends the findings of the text rules to out. */
void etq_check_text(EtqRules *rules, EtqScratch *s, int lang, const EtqEvent *ev,
                    const EtqContext *ctx, const char *conv, GPtrArray *out);
gboolean etq_is_question(const EtqScratch *s, int lang);
const char *etq_name_norm(EtqName *cache, const char *raw);
gboolean etq_mentions(EtqScratch *s, const char *name);
gboolean etq_addressed_to_other(const EtqRules *rules, EtqScratch *s, int lang, const char *me);
EtqFinding *etq_finding_new(const EtqRule *rule, EtqDirection dir, const char *conv, const char *peer,
                            const char *me, gint64 minutes, gint64 count);

#endif
