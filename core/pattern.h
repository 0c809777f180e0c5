/* pattern.h — a rule's regular expression: compiled once, refused at load if
 * it nests unbounded repeats, and bounded in work by PCRE2's match limits
 * (PCRE2 itself skips to the bytes a match can start with). */
#ifndef ETQ_PATTERN_H
#define ETQ_PATTERN_H

#include <glib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct EtqPattern EtqPattern;

/* Caseless, UTF-8, Unicode classes. NULL and *error set (a sentence for the
 * rule author) on a bad or catastrophic pattern. */
EtqPattern *etq_pattern_new(const char *re, char **error);
void etq_pattern_free(EtqPattern *p);
/* text must be valid UTF-8 for len bytes. FALSE if no match within the limits.
 * Not const: the first call compiles the pattern with the JIT. */
gboolean etq_pattern_match(EtqPattern *p, const char *text, gsize len, gssize *start, gssize *end);

#endif
