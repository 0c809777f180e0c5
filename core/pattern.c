/* pattern.c — the `regex` of a rule, with a bound on its work.
 *
 * GRegex would do, but it cannot set PCRE2's match and depth limits, and a
 * user's pattern such as (a|aa)*c takes over 100 ms on a 34-byte message.
 * With the limits, a pattern that runs away gives up (no match) instead of
 * holding up the chat client. Patterns are compiled once; the JIT compiles a
 * pattern when it is first used, so loading many rules stays quick. */
#include <string.h>
#include "pattern.h"

/* Enough for every shipped pattern on a 4 KB message; a runaway stops here. */
#define MATCH_LIMIT 20000
#define DEPTH_LIMIT 2000

struct EtqPattern {
	pcre2_code *code;
	gboolean jit_tried;
	char first[128];        /* the ASCII bytes a match can start with … */
	gboolean filtered;      /* … when they are known */
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

static void
add_byte(guint8 *set, guchar b)
{
	set[b >> 3] |= 1u << (b & 7);
	if (g_ascii_isalpha(b)) { /* patterns are caseless */
		b ^= 0x20;
		set[b >> 3] |= 1u << (b & 7);
	}
}

/* The bytes the first atom of a branch can start with; FALSE if unknown. */
static gboolean
first_atom(const char *p, guint8 *set)
{
	while (*p == '^' || *p == '(') {
		if (*p == '(') { /* a group: only a plain one, and without alternatives */
			int depth = 0;
			for (const char *q = p; *q; q++) {
				if (*q == '\\' && q[1]) { q++; continue; }
				depth += *q == '(';
				depth -= *q == ')';
				if (depth == 1 && *q == '|')
					return FALSE;
				if (depth == 0)
					break;
			}
			if (p[1] == '?') {
				const char *colon = strchr(p, ':');
				if (!colon || strspn(p + 2, "-imsx") != (gsize)(colon - p - 2))
					return FALSE;
				p = colon;
			}
		}
		p++;
	}
	const char *atom_end;
	if (*p == '\\') {
		if (!p[1] || g_ascii_isalnum(p[1]))
			return FALSE; /* \w, \d, \b …: a class or an assertion */
		add_byte(set, p[1]);
		atom_end = p + 2;
	} else if (*p == '[') {
		const char *q = p + 1;
		if (*q == '^')
			return FALSE;
		for (; *q && (*q != ']' || q == p + 1); q++) {
			if (*q == '\\') {
				if (!q[1] || g_ascii_isalnum(q[1]))
					return FALSE;
				add_byte(set, *++q);
			} else if (q[1] == '-' && q[2] && q[2] != ']') {
				for (guint b = (guchar)q[0]; b <= (guchar)q[2]; b++)
					add_byte(set, b);
				q += 2;
			} else if ((guchar)*q >= 0x80) {
				return FALSE;
			} else {
				add_byte(set, *q);
			}
		}
		if (*q != ']')
			return FALSE;
		atom_end = q + 1;
	} else if (*p && !strchr(".|)$*+?{", *p) && (guchar)*p < 0x80) {
		add_byte(set, *p);
		atom_end = p + 1;
	} else {
		return FALSE;
	}
	return !(*atom_end == '?' || *atom_end == '*' || g_str_has_prefix(atom_end, "{0"));
}

/* A pattern is tried only on messages holding a byte it can start with:
 * most messages have no "[", "_" or "{" and skip the placeholder patterns. */
static gboolean
first_bytes(const char *re, guint8 *set)
{
	memset(set, 0, 32);
	char **branches = NULL;
	GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
	int depth = 0;
	gboolean in_class = FALSE;
	const char *start = re;
	for (const char *p = re;; p++) {
		if (*p == '\\' && p[1]) { p++; continue; }
		if (in_class && *p) { in_class = *p != ']'; continue; }
		if (*p == '[') in_class = TRUE;
		depth += *p == '(';
		depth -= *p == ')';
		if (*p == '\0' || (*p == '|' && depth == 0)) {
			g_ptr_array_add(parts, g_strndup(start, p - start));
			start = p + 1;
			if (!*p)
				break;
		}
	}
	g_ptr_array_add(parts, NULL);
	branches = (char **)g_ptr_array_free(parts, FALSE);
	gboolean known = !in_class; /* "[]a]" and the like: PCRE2 reads them, this scan does not */
	for (char **b = branches; *b && known; b++)
		known = first_atom(*b, set);
	g_strfreev(branches);
	return known;
}

/* The bytes of a set as a string for strpbrk; FALSE if one is not ASCII
 * (a range such as [a-é]) or NUL. */
static gboolean
set_chars(const guint8 *set, char *chars)
{
	*chars = '\0';
	if (set[0] & 1)
		return FALSE;
	for (guint b = 128; b < 256; b++)
		if (set[b >> 3] & (1u << (b & 7)))
			return FALSE;
	for (guint b = 1; b < 128; b++)
		if (set[b >> 3] & (1u << (b & 7)))
			*chars++ = b;
	*chars = '\0';
	return TRUE;
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
	guint8 set[32];
	p->filtered = first_bytes(re, set) && set_chars(set, p->first);
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

/* text is a C string; len may end before its NUL, and a byte found after
 * it only costs a match that fails. */
static gboolean
may_start(const EtqPattern *p, const char *text)
{
	return !p->filtered || strpbrk(text, p->first);
}

gboolean
etq_pattern_match(EtqPattern *p, const char *text, gsize len, gssize *start, gssize *end)
{
	if (!may_start(p, text))
		return FALSE;
	if (!p->jit_tried) { /* without JIT support, the interpreter runs */
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
