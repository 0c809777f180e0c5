/* reference.h — the plain reference of the matcher and of the text rules'
 * findings, for the differential fuzzer (fuzz-match.c). Slow on purpose:
 * every phrase of every rule is tried at every token, straight from its
 * parsed form, and every pattern runs through PCRE2 without a prefilter. */
#ifndef ETQ_REFERENCE_H
#define ETQ_REFERENCE_H

#include "internal.h"

typedef struct {
	EtqRuleHit *hits;                /* per rule */
	guint8 *greeting_tok;            /* per token */
	guint8 *title_len;               /* per token: the longest title of any language there */
	int *question_start;             /* per language */
} RefMatch;

typedef struct RefMatcher RefMatcher;

RefMatcher *ref_matcher_new(EtqRules *rules);
void ref_matcher_free(RefMatcher *r);
/* text is scanned by the core's tokeniser (the one thing shared). */
void ref_match(RefMatcher *r, const EtqText *text, RefMatch *out);
void ref_match_clear(RefMatch *m);

/* Does the pattern re match the text's first 4 KB (cut at a character,
 * and before any invalid UTF-8)? Plain PCRE2, the core's flags and limits. */
gsize ref_window(const EtqText *text);
gboolean ref_regex(const char *re, const EtqText *text, gssize *start, gssize *end);

/* The findings of rules without `when`, for an outgoing message:
 * regex (and "?"/<link>) rules first, then phrase rules, each in load
 * order; one per category. regexes[rule index] is the rule's pattern or NULL. */
typedef struct {
	const char *category, *rule;
	gssize start, end;
} RefFinding;
GArray *ref_findings(EtqRules *rules, const RefMatch *m, const EtqText *text, int lang,
                     const char *const *regexes);

#endif
