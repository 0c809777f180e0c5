/* pattern.c — the `regex` of a rule, with a bound on its work.
 *
 * GRegex would do, but it cannot set PCRE2's match and depth limits, and a
 * user's pattern such as (a|aa)*c takes over 100 ms on a 34-byte message.
 * With the limits, a pattern that runs away gives up (no match) instead of
 * holding up the chat client. Patterns are compiled once; the JIT compiles a
 * pattern when it is first used, so loading many rules stays quick. */
#include <string.h>
#include "pattern.h"
/* Memcheck cannot follow JIT-compiled code and reports its reads as
 * uninitialised: under valgrind the interpreter runs instead — but not in
 * the build whose instructions `make bench` counts with callgrind
 * (ETQ_JIT_UNDER_VALGRIND), which runs what users run. */
#if defined(__has_include) && !defined(ETQ_JIT_UNDER_VALGRIND)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* Enough for every shipped pattern on a 4 KB message; a runaway stops here. */
#define MATCH_LIMIT 20000
#define DEPTH_LIMIT 2000

struct EtqPattern {
	pcre2_code *code;
	gboolean jit_tried;
	pcre2_match_data *data;
	pcre2_match_context *context;
};

/* Is the quantifier at q unbounded: *, + or {n,}? */
static gboolean
unbounded(const char *q)
{
	if (*q == '*' || *q == '+')
		return TRUE;
	if (*q != '{' || !g_ascii_isdigit(q[1]))
		return FALSE;
	while (g_ascii_isdigit(*++q))
		;
	return q[0] == ',' && q[1] == '}';
}

/* A group that repeats without bound and holds an unbounded repeat itself,
 * like (a+)+ or (\w*\s?)*, can take exponential time on a near-miss:
 * refuse it at load. */
static gboolean
nested_repeat(const char *re)
{
	gboolean inner[64] = { FALSE };
	int depth = 0;
	gboolean in_class = FALSE;
	for (const char *p = re; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			inner[depth] |= unbounded(p + 1);
			continue;
		}
		if (in_class) {
			in_class = *p != ']';
			inner[depth] |= !in_class && unbounded(p + 1);
			continue;
		}
		if (*p == '[') {
			in_class = TRUE;
		} else if (*p == '(' && depth < 63) {
			inner[++depth] = FALSE;
		} else if (*p == ')' && depth > 0) {
			gboolean had = inner[depth--];
			if (had && unbounded(p + 1))
				return TRUE;
			inner[depth] |= had || unbounded(p + 1);
		} else {
			inner[depth] |= unbounded(p + 1);
		}
	}
	return FALSE;
}

EtqPattern *
etq_pattern_new(const char *re, char **error)
{
	if (!g_utf8_validate(re, -1, NULL)) {
		*error = g_strdup("pattern is not valid UTF-8");
		return NULL;
	}
	if (nested_repeat(re)) {
		*error = g_strdup("pattern repeats a group that repeats inside (catastrophic backtracking)");
		return NULL;
	}
	int code;
	PCRE2_SIZE offset;
	pcre2_code *compiled = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
	                                     PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C,
	                                     &code, &offset, NULL);
	if (!compiled) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof msg);
		*error = g_strdup_printf("bad pattern: %s at character %zu", (char *)msg, (size_t)offset);
		return NULL;
	}
	EtqPattern *p = g_new0(EtqPattern, 1);
	p->code = compiled;
	p->data = pcre2_match_data_create_from_pattern(compiled, NULL);
	p->context = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(p->context, MATCH_LIMIT);
	pcre2_set_depth_limit(p->context, DEPTH_LIMIT);
	return p;
}

void
etq_pattern_free(EtqPattern *p)
{
	if (!p)
		return;
	pcre2_match_context_free(p->context);
	pcre2_match_data_free(p->data);
	pcre2_code_free(p->code);
	g_free(p);
}

gboolean
etq_pattern_match(EtqPattern *p, const char *text, gsize len, gssize *start, gssize *end)
{
	if (!p->jit_tried) { /* without JIT support, the interpreter runs */
		if (!RUNNING_ON_VALGRIND)
			pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
		p->jit_tried = TRUE;
	}
	int rc = pcre2_match(p->code, (PCRE2_SPTR)text, len, 0, PCRE2_NO_UTF_CHECK, p->data, p->context);
	if (rc < 0) /* no match, or a limit reached */
		return FALSE;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->data);
	*start = ov[0];
	*end = ov[1];
	return TRUE;
}
