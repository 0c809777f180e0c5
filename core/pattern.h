/* pattern.h — a rule's regular expression, compiled once, bounded in work. */
#ifndef ETQ_PATTERN_H
#define ETQ_PATTERN_H

#include <glib.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

typedef struct EtqPattern EtqPattern;

/* Caseless, UTF-8, Unicode classes. NULL and *error set on a bad pattern. */
EtqPattern *etq_pattern_new(const char *re, char **error);
void etq_pattern_free(EtqPattern *p);
/* text must be valid UTF-8 for len bytes. FALSE if no match within the limits.
 * Not const: the first call compiles the pattern with the JIT. */
gboolean etq_pattern_match(EtqPattern *p, const char *text, gsize len, gssize *start, gssize *end);

#endif
