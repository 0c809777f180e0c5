/* rules.c — loading rule sets and language profiles from JSON.
 *
 * The format is documented in rules/README.md. Loading is strict: an unknown
 * field, category or condition is an error with the file and line, and the
 * file is skipped so the other rule sets still load. */
#include <string.h>
#include <stdarg.h>
#include <cJSON.h>
#include "internal.h"
#include "jsonpos.h"

#define MAX_RULE_FILE (4 * 1024 * 1024)

const char *const etq_lang_codes[ETQ_N_LANGS + 1] = { "en", "de", "it", "nb", "und" };

static const char *const categories[] = {
	"generic", "cold-ask", "public-ask", "self-centred", "self-promo", "bare-greeting",
	"say-thanks", "unanswered", "over-engagement", "cross-post", NULL
};
static const char *const when_names[N_WHEN + 1] = {
	"engaged", "addressed", "mentions_me", "question", "link", "only", "first", NULL
};
static const char *const detector_names[] = { "", "unanswered", "over-engagement", "cross-post", NULL };

int
etq_lang_index(const char *code)
{
	if (g_strcmp0(code, "*") == 0)
		return ETQ_LANG_ANY;
	for (int i = 0; i < ETQ_N_LANGS; i++)
		if (g_strcmp0(code, etq_lang_codes[i]) == 0)
			return i;
	return -2;
}

/* ---- errors with file and line ---- */

typedef struct {
	const char *file;
	const char *text;
	GPtrArray *errors;
	guint n_errors;
	EtqRules *rules;
	int lang;
	const cJSON *lists;
	GStringChunk *strings;  /* the set's phrase texts */
	GHashTable *expanded;   /* list name -> EtqRule holding its phrases */
} Ctx;

G_GNUC_PRINTF(3, 4) static void
fail(Ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->n_errors++;
	if (c->errors)
		g_ptr_array_add(c->errors, g_strdup_printf("%s:%u: %s", c->file,
		                etq_json_line(c->text, path), reason));
	g_free(reason);
}

/* ---- localised texts ---- */

static gboolean
l10n_parse(Ctx *c, const cJSON *j, const char *path, EtqText_l10n *out)
{
	if (cJSON_IsString(j) && *j->valuestring) {
		out->msgid = g_strdup(j->valuestring);
		return TRUE;
	}
	if (cJSON_IsObject(j) && j->child) {
		out->by_lang = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		for (const cJSON *e = j->child; e; e = e->next) {
			if (!cJSON_IsString(e)) {
				fail(c, path, "\"%s\" must be a text", e->string);
				return FALSE;
			}
			g_hash_table_insert(out->by_lang, g_strdup(e->string), g_strdup(e->valuestring));
		}
		return TRUE;
	}
	fail(c, path, "must be a text or an object of texts per language");
	return FALSE;
}

static void
l10n_clear(EtqText_l10n *t)
{
	g_free(t->msgid);
	if (t->by_lang)
		g_hash_table_destroy(t->by_lang);
}

char *
etq_l10n_get(const EtqText_l10n *t)
{
	if (t->msgid)
		return g_strdup(g_dgettext(ETQ_TEXT_DOMAIN, t->msgid));
	if (!t->by_lang)
		return NULL;
	for (const char *const *l = g_get_language_names(); *l; l++) {
		const char *s = g_hash_table_lookup(t->by_lang, *l);
		if (s)
			return g_strdup(s);
	}
	const char *en = g_hash_table_lookup(t->by_lang, "en");
	if (en)
		return g_strdup(en);
	GHashTableIter it;
	gpointer v = NULL;
	g_hash_table_iter_init(&it, t->by_lang);
	g_hash_table_iter_next(&it, NULL, &v);
	return g_strdup(v);
}

/* ---- files ---- */

static cJSON *
parse_file(const char *file, char **text_out, GPtrArray *errors, guint *n_errors)
{
	char *text = NULL;
	gsize len = 0;
	GError *err = NULL;
	Ctx c = { .file = file, .text = "", .errors = errors };
	if (!g_file_get_contents(file, &text, &len, &err)) {
		fail(&c, "", "cannot read: %s", err->message);
		g_error_free(err);
		*n_errors += c.n_errors;
		return NULL;
	}
	if (len > MAX_RULE_FILE || strlen(text) != len) {
		fail(&c, "", len > MAX_RULE_FILE ? "file larger than 4 MB" : "file contains a NUL byte");
		*n_errors += c.n_errors;
		g_free(text);
		return NULL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, TRUE);
	if (!root) {
		c.text = text;
		const char *at = end ? end : text;
		c.n_errors++;
		if (errors) {
			char *near = g_strndup(at, 20);
			g_strdelimit(g_strstrip(near), "\r\n\t", ' ');
			g_ptr_array_add(errors, g_strdup_printf("%s:%u: invalid JSON near \"%s\"",
			                file, etq_json_line_at(text, at), near));
			g_free(near);
		}
		*n_errors += c.n_errors;
		g_free(text);
		return NULL;
	}
	*text_out = text;
	return root;
}

static gboolean
check_keys(Ctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
	gboolean ok = TRUE;
	for (const cJSON *e = obj->child; e; e = e->next) {
		gboolean known = FALSE;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, e->string) == 0;
		if (!known) {
			char *p = g_strdup_printf("%s/%s", path, e->string);
			fail(c, p, "unknown field \"%s\"", e->string);
			g_free(p);
			ok = FALSE;
		}
	}
	return ok;
}

static int
index_of(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static gboolean
valid_category(const char *s)
{
	if (index_of(categories, s) >= 0)
		return TRUE;
	if (!g_str_has_prefix(s, "x-") || !s[2])
		return FALSE;
	for (const char *p = s + 2; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-')
			return FALSE;
	return TRUE;
}

/* ---- phrases ---- */

/* What is wrong with a phrase, or NULL; no allocation for ASCII phrases. */
static const char *
phrase_problem(const char *phrase)
{
	gboolean first = TRUE, any_word = FALSE;
	const char *p = phrase;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		const char *start = p;
		guint alnum = 0;
		gboolean ascii = TRUE;
		while (*p && *p != ' ' && *p != '\t') {
			alnum += g_ascii_isalnum(*p);
			ascii &= (guchar)*p < 0x80;
			p++;
		}
		gsize len = p - start;
		if (len == 1 && *start == '*') {
			if (first)
				return "starts with *";
		} else {
			if (!ascii) { /* count letters the way messages are read */
				char *piece = g_strndup(start, len);
				char *norm = etq_normalise_phrase(piece);
				alnum = g_utf8_strlen(norm, -1);
				g_free(norm);
				g_free(piece);
			}
			if (alnum == 0)
				return "has a piece with no letters or digits";
			if (start[len - 1] == '*' && alnum < 3)
				return "has a prefix* shorter than 3 letters";
			any_word = TRUE;
		}
		first = FALSE;
	}
	return any_word ? NULL : "is empty";
}

static gboolean
phrase_valid(Ctx *c, const char *path, const char *phrase)
{
	const char *problem = phrase_problem(phrase);
	if (problem)
		fail(c, path, "phrase \"%s\" %s", phrase, problem);
	return problem == NULL;
}

static gboolean add_phrases(Ctx *c, const cJSON *arr, const char *path, EtqRule *rule, EtqSlot slot, int depth);

static gboolean
add_profile_list(Ctx *c, const char *path, const char *name, EtqRule *rule, EtqSlot slot)
{
	gboolean found = FALSE;
	for (int l = 0; l < ETQ_N_LANGS; l++) {
		if (c->lang != ETQ_LANG_ANY && c->lang != l)
			continue;
		EtqProfile *prof = c->rules->profiles[l];
		GPtrArray *list = prof ? g_hash_table_lookup(prof->lists, name) : NULL;
		for (guint i = 0; list && i < list->len; i++)
			g_ptr_array_add(rule->phrases[slot], g_string_chunk_insert(c->strings, g_ptr_array_index(list, i)));
		found |= list != NULL;
	}
	if (!found)
		fail(c, path, "no list \"@%s\" in this file or the language profile", name);
	return found;
}

static void
expanded_free(gpointer p)
{
	EtqRule *holder = p;
	g_ptr_array_unref(holder->phrases[SLOT_MATCH]);
	g_free(holder);
}

/* A list of this file, expanded and checked once however many rules use it. */
static gboolean
add_file_list(Ctx *c, const cJSON *list, const char *name, EtqRule *rule, EtqSlot slot, int depth)
{
	EtqRule *cached = g_hash_table_lookup(c->expanded, name);
	if (!cached) {
		if (depth > 4) {
			fail(c, "lists", "lists nest too deeply at \"@%s\"", name);
			return FALSE;
		}
		cached = g_new0(EtqRule, 1);
		cached->phrases[SLOT_MATCH] = g_ptr_array_new();
		char *lp = g_strdup_printf("lists/%s", name);
		gboolean ok = add_phrases(c, list, lp, cached, SLOT_MATCH, depth + 1);
		g_free(lp);
		if (!ok) {
			g_ptr_array_unref(cached->phrases[SLOT_MATCH]);
			g_free(cached);
			return FALSE;
		}
		g_hash_table_insert(c->expanded, (gpointer)name, cached);
	}
	GPtrArray *from = cached->phrases[SLOT_MATCH];
	for (guint i = 0; i < from->len; i++)
		g_ptr_array_add(rule->phrases[slot], g_ptr_array_index(from, i));
	rule->flags[slot] |= cached->flags[SLOT_MATCH];
	return TRUE;
}

static gboolean
add_phrase_entry(Ctx *c, const char *s, const char *path, EtqRule *rule, EtqSlot slot, int depth)
{
	if (strcmp(s, "?") == 0) {
		rule->flags[slot] |= SLOT_QMARK;
		return TRUE;
	}
	if (strcmp(s, "<link>") == 0) {
		rule->flags[slot] |= SLOT_LINK;
		return TRUE;
	}
	if (s[0] != '@') {
		if (!phrase_valid(c, path, s))
			return FALSE;
		g_ptr_array_add(rule->phrases[slot], g_string_chunk_insert(c->strings, s));
		return TRUE;
	}
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(c->lists, s + 1);
	if (!list)
		return add_profile_list(c, path, s + 1, rule, slot);
	return add_file_list(c, list, list->string, rule, slot, depth);
}

static gboolean
add_phrases(Ctx *c, const cJSON *arr, const char *path, EtqRule *rule, EtqSlot slot, int depth)
{
	if (!cJSON_IsArray(arr) || !arr->child) {
		fail(c, path, "must be a non-empty list of phrases");
		return FALSE;
	}
	int i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		if (cJSON_IsString(e) && e->valuestring[0] != '@' && strcmp(e->valuestring, "<link>") != 0 &&
		    phrase_problem(e->valuestring) == NULL) {
			g_ptr_array_add(rule->phrases[slot], g_string_chunk_insert(c->strings, e->valuestring));
			continue;
		}
		char *p = g_strdup_printf("%s/%d", path, i);
		gboolean ok = cJSON_IsString(e);
		if (!ok)
			fail(c, p, "a phrase must be a text");
		else
			ok = add_phrase_entry(c, e->valuestring, p, rule, slot, depth);
		g_free(p);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* ---- patterns ---- */

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
		if (in_class) { in_class = *p != ']'; continue; }
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
	gboolean known = TRUE;
	for (char **b = branches; *b && known; b++)
		known = first_atom(*b, set);
	g_strfreev(branches);
	return known;
}

static EtqPattern *
compile_regex(Ctx *c, const char *path, const char *re)
{
	if (nested_repeat(re)) {
		fail(c, path, "pattern repeats a group that repeats inside (catastrophic backtracking)");
		return NULL;
	}
	if (!g_utf8_validate(re, -1, NULL)) {
		fail(c, path, "pattern is not valid UTF-8");
		return NULL;
	}
	char *error = NULL;
	EtqPattern *rx = etq_pattern_new(re, &error);
	if (!rx) {
		fail(c, path, "bad pattern: %s", error);
		g_free(error);
	}
	return rx;
}

/* ---- examples ---- */

static void
example_free(gpointer p)
{
	EtqExample *e = p;
	g_free(e->text);
	g_free(e->peer);
	g_free(e->path);
	g_free(e);
}

static gboolean
parse_example(Ctx *c, const cJSON *j, const char *path, const EtqRule *rule, EtqExample *ex)
{
	static const char *const keys[] = { "text", "dir", "chat", "known", "peer", NULL };
	ex->ev.dir = rule->dirs & DIR_OUT ? ETQ_DIR_OUT : ETQ_DIR_IN;
	ex->ev.chat = rule->chats & CHAT_IM ? ETQ_CHAT_IM : ETQ_CHAT_GROUP;
	ex->ev.known = ETQ_KNOWN_NO;
	ex->peer = g_strdup("pat");
	ex->path = g_strdup(path);
	const cJSON *text = j;
	if (cJSON_IsObject(j)) {
		if (!check_keys(c, j, path, keys))
			return FALSE;
		text = cJSON_GetObjectItemCaseSensitive(j, "text");
		const cJSON *dir = cJSON_GetObjectItemCaseSensitive(j, "dir");
		const cJSON *chat = cJSON_GetObjectItemCaseSensitive(j, "chat");
		const cJSON *known = cJSON_GetObjectItemCaseSensitive(j, "known");
		const cJSON *peer = cJSON_GetObjectItemCaseSensitive(j, "peer");
		if (cJSON_IsString(dir))
			ex->ev.dir = strcmp(dir->valuestring, "in") == 0 ? ETQ_DIR_IN : ETQ_DIR_OUT;
		if (cJSON_IsString(chat))
			ex->ev.chat = strcmp(chat->valuestring, "group") == 0 ? ETQ_CHAT_GROUP : ETQ_CHAT_IM;
		if (cJSON_IsBool(known))
			ex->ev.known = cJSON_IsTrue(known) ? ETQ_KNOWN_YES : ETQ_KNOWN_NO;
		if (cJSON_IsString(peer)) {
			g_free(ex->peer);
			ex->peer = g_strdup(peer->valuestring);
		}
	}
	if (!cJSON_IsString(text)) {
		fail(c, path, "an example is a text or an object with \"text\"");
		return FALSE;
	}
	ex->text = g_strdup(text->valuestring);
	ex->ev.text = ex->text;
	ex->ev.peer = ex->peer;
	ex->ev.me = "alex";
	return TRUE;
}

static gboolean
parse_examples(Ctx *c, const cJSON *arr, const char *path, EtqRule *rule, GPtrArray **out)
{
	*out = g_ptr_array_new_with_free_func(example_free);
	if (!arr && rule->detector)
		return TRUE;
	if (!cJSON_IsArray(arr) || !arr->child) {
		fail(c, path, "every rule needs a non-empty list \"%s\"", strrchr(path, '/') + 1);
		return FALSE;
	}
	int i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		char *p = g_strdup_printf("%s/%d", path, i);
		EtqExample *ex = g_new0(EtqExample, 1);
		gboolean ok = parse_example(c, e, p, rule, ex);
		g_free(p);
		g_ptr_array_add(*out, ex);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* ---- rules ---- */

static void
rule_free(gpointer p)
{
	EtqRule *r = p;
	g_free(r->id);
	g_free(r->category);
	for (int s = 0; s < N_SLOTS; s++)
		g_ptr_array_unref(r->phrases[s]);
	etq_pattern_free(r->regex);
	l10n_clear(&r->message);
	l10n_clear(&r->suggestion);
	if (r->examples)
		g_ptr_array_unref(r->examples);
	if (r->counterexamples)
		g_ptr_array_unref(r->counterexamples);
	g_free(r);
}

static gboolean
parse_choice(Ctx *c, const cJSON *obj, const char *key, const char *path,
             const char *const *names, const guint8 *values, guint8 dflt, guint8 *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = dflt;
	if (!j)
		return TRUE;
	int i = cJSON_IsString(j) ? index_of(names, j->valuestring) : -1;
	if (i < 0) {
		char *p = g_strdup_printf("%s/%s", path, key);
		fail(c, p, "\"%s\" must be one of %s|%s|%s", key, names[0], names[1], names[2]);
		g_free(p);
		return FALSE;
	}
	*out = values[i];
	return TRUE;
}

static gboolean
parse_when(Ctx *c, const cJSON *when, const char *path, EtqRule *rule)
{
	memset(rule->when, -1, sizeof rule->when);
	if (!when)
		return TRUE;
	if (!cJSON_IsObject(when)) {
		fail(c, path, "\"when\" must be an object");
		return FALSE;
	}
	for (const cJSON *e = when->child; e; e = e->next) {
		int w = index_of(when_names, e->string);
		char *p = g_strdup_printf("%s/%s", path, e->string);
		gboolean ok = w >= 0 && cJSON_IsBool(e);
		if (w < 0)
			fail(c, p, "unknown condition \"%s\"", e->string);
		else if (!ok)
			fail(c, p, "condition \"%s\" must be true or false", e->string);
		else
			rule->when[w] = cJSON_IsTrue(e);
		g_free(p);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
parse_detector(Ctx *c, const cJSON *j, const char *path, EtqRule *rule)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detector");
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
	rule->params[0] = 5, rule->params[1] = 3, rule->params[2] = 600;
	if (!d)
		return TRUE;
	char *p = g_strdup_printf("%s/detector", path);
	int i = cJSON_IsString(d) ? index_of(detector_names, d->valuestring) : -1;
	if (i <= 0)
		fail(c, p, "detector must be unanswered, over-engagement or cross-post");
	g_free(p);
	if (i <= 0)
		return FALSE;
	rule->detector = i;
	if (params && !cJSON_IsObject(params)) {
		char *pp = g_strdup_printf("%s/params", path);
		fail(c, pp, "params must be an object");
		g_free(pp);
		return FALSE;
	}
	static const char *const param_names[] = { "min_words", "conversations", "window", NULL };
	for (const cJSON *e = params ? params->child : NULL; e; e = e->next) {
		int k = index_of(param_names, e->string);
		char *pp = g_strdup_printf("%s/params/%s", path, e->string);
		gboolean ok = k >= 0 && cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= 1e7;
		if (!ok)
			fail(c, pp, "params are min_words, conversations and window, whole numbers from 1");
		else
			rule->params[k] = (gint64)e->valuedouble;
		g_free(pp);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
parse_slots(Ctx *c, const cJSON *j, const char *path, EtqRule *rule)
{
	static const char *const slot_names[N_SLOTS] = { "match", "also", "unless" };
	gboolean ok = TRUE;
	for (int s = 0; s < N_SLOTS; s++) {
		rule->phrases[s] = g_ptr_array_new();
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, slot_names[s]);
		if (!arr)
			continue;
		char *p = g_strdup_printf("%s/%s", path, slot_names[s]);
		ok &= add_phrases(c, arr, p, rule, s, 0);
		g_free(p);
	}
	const cJSON *re = cJSON_GetObjectItemCaseSensitive(j, "regex");
	if (re) {
		char *p = g_strdup_printf("%s/regex", path);
		if (!cJSON_IsString(re))
			fail(c, p, "regex must be a text");
		else
			rule->regex = compile_regex(c, p, re->valuestring);
		if (rule->regex)
			rule->regex_filtered = first_bytes(re->valuestring, rule->regex_first);
		ok &= rule->regex != NULL;
		g_free(p);
	}
	return ok;
}

static EtqRule *
parse_rule(Ctx *c, const cJSON *j, const char *path)
{
	static const char *const keys[] = { "id", "category", "severity", "dir", "chat", "match",
		"regex", "also", "unless", "when", "detector", "params", "message", "suggestion",
		"examples", "counterexamples", NULL };
	static const char *const dirs[] = { "in", "out", "any", NULL };
	static const guint8 dir_v[] = { DIR_IN, DIR_OUT, DIR_IN | DIR_OUT };
	static const char *const chats[] = { "im", "group", "any", NULL };
	static const guint8 chat_v[] = { CHAT_IM, CHAT_GROUP, CHAT_IM | CHAT_GROUP };
	static const char *const sev[] = { "hint", "warn", NULL };

	if (!cJSON_IsObject(j)) {
		fail(c, path, "a rule must be an object");
		return NULL;
	}
	if (!check_keys(c, j, path, keys))
		return NULL;
	EtqRule *rule = g_new0(EtqRule, 1);
	rule->lang = c->lang;
	rule->file = g_intern_string(c->file);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(j, "category");
	const cJSON *severity = cJSON_GetObjectItemCaseSensitive(j, "severity");
	char *p = NULL;
	gboolean ok = TRUE;
	if (!cJSON_IsString(id) || !*id->valuestring)
		ok = FALSE, fail(c, path, "rule without an \"id\"");
	else
		rule->id = g_strdup(id->valuestring);
	p = g_strdup_printf("%s/category", path);
	if (!cJSON_IsString(cat) || !valid_category(cat->valuestring))
		ok = FALSE, fail(c, p, "unknown category \"%s\"", cJSON_IsString(cat) ? cat->valuestring : "");
	else
		rule->category = g_strdup(cat->valuestring);
	g_free(p);
	p = g_strdup_printf("%s/severity", path);
	int s = cJSON_IsString(severity) ? index_of(sev, severity->valuestring) : -1;
	if (s < 0)
		ok = FALSE, fail(c, p, "severity must be warn or hint");
	rule->severity = s == 1 ? ETQ_SEVERITY_WARN : ETQ_SEVERITY_HINT;
	g_free(p);
	ok = ok && parse_choice(c, j, "dir", path, dirs, dir_v, DIR_OUT, &rule->dirs)
	        && parse_choice(c, j, "chat", path, chats, chat_v, CHAT_IM | CHAT_GROUP, &rule->chats);
	ok = ok && parse_detector(c, j, path, rule);
	ok = ok && parse_slots(c, j, path, rule);
	p = g_strdup_printf("%s/when", path);
	ok = ok && parse_when(c, cJSON_GetObjectItemCaseSensitive(j, "when"), p, rule);
	g_free(p);
	if (ok && !rule->detector && !rule->regex && rule->phrases[SLOT_MATCH]->len == 0 &&
	    !rule->flags[SLOT_MATCH])
		ok = FALSE, fail(c, path, "a rule needs \"match\", \"regex\" or \"detector\"");
	p = g_strdup_printf("%s/message", path);
	ok = ok && l10n_parse(c, cJSON_GetObjectItemCaseSensitive(j, "message"), p, &rule->message);
	g_free(p);
	const cJSON *sugg = cJSON_GetObjectItemCaseSensitive(j, "suggestion");
	p = g_strdup_printf("%s/suggestion", path);
	ok = ok && (!sugg || l10n_parse(c, sugg, p, &rule->suggestion));
	g_free(p);
	p = g_strdup_printf("%s/examples", path);
	ok = ok && parse_examples(c, cJSON_GetObjectItemCaseSensitive(j, "examples"), p, rule, &rule->examples);
	g_free(p);
	p = g_strdup_printf("%s/counterexamples", path);
	ok = ok && parse_examples(c, cJSON_GetObjectItemCaseSensitive(j, "counterexamples"), p, rule,
	                          &rule->counterexamples);
	g_free(p);
	if (!ok) {
		for (int k = 0; k < N_SLOTS; k++)
			if (!rule->phrases[k])
				rule->phrases[k] = g_ptr_array_new();
		rule_free(rule);
		return NULL;
	}
	return rule;
}

/* Parses the "rules" of one file into set; FALSE (and nothing added) on any error. */
static gboolean
parse_rules_file(Ctx *c, const cJSON *root, EtqRuleSet *set, GHashTable *ids)
{
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(root, "language");
	c->lang = cJSON_IsString(lang) ? etq_lang_index(lang->valuestring) : -2;
	if (c->lang == -2) {
		fail(c, "language", "\"language\" must be en, de, it, nb or *");
		return FALSE;
	}
	c->lists = cJSON_GetObjectItemCaseSensitive(root, "lists");
	c->strings = set->strings;
	g_clear_pointer(&c->expanded, g_hash_table_destroy);
	c->expanded = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, expanded_free);
	if (c->lists && !cJSON_IsObject(c->lists)) {
		fail(c, "lists", "\"lists\" must be an object of phrase lists");
		return FALSE;
	}
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (!cJSON_IsArray(rules)) {
		fail(c, "rules", "\"rules\" must be a list of rules");
		return FALSE;
	}
	GPtrArray *parsed = g_ptr_array_new_with_free_func(rule_free);
	guint before = c->n_errors;
	int i = 0;
	for (const cJSON *r = rules->child; r; r = r->next, i++) {
		char *path = g_strdup_printf("rules/%d", i);
		EtqRule *rule = parse_rule(c, r, path);
		if (rule && (g_hash_table_contains(ids, rule->id))) {
			fail(c, path, "rule id \"%s\" is used twice", rule->id);
			rule_free(rule);
			rule = NULL;
		}
		if (rule) {
			g_hash_table_add(ids, rule->id);
			rule->set = set;
			g_ptr_array_add(parsed, rule);
		}
		g_free(path);
	}
	gboolean ok = c->n_errors == before;
	if (ok) {
		g_ptr_array_extend_and_steal(set->rules, parsed);
	} else {
		for (guint k = 0; k < parsed->len; k++)
			g_hash_table_remove(ids, ((EtqRule *)g_ptr_array_index(parsed, k))->id);
		g_ptr_array_unref(parsed);
	}
	return ok;
}

/* ---- rule sets ---- */

static void
set_free(gpointer p)
{
	EtqRuleSet *s = p;
	g_free(s->name);
	g_free(s->path);
	l10n_clear(&s->description);
	g_strfreev(s->languages);
	g_ptr_array_unref(s->rules);
	g_string_chunk_free(s->strings);
	g_free(s);
}

static gboolean
valid_name(const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
			return FALSE;
	return TRUE;
}

static EtqRuleSet *
parse_set_header(Ctx *c, const cJSON *root, const char *path)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
	if (!cJSON_IsString(name) || !valid_name(name->valuestring)) {
		fail(c, "name", "\"name\" must be letters, digits, - and _");
		return NULL;
	}
	EtqRuleSet *set = g_new0(EtqRuleSet, 1);
	set->rules = g_ptr_array_new_with_free_func(rule_free);
	set->strings = g_string_chunk_new(16 * 1024);
	set->name = g_strdup(name->valuestring);
	set->path = g_strdup(path);
	set->enabled = TRUE;
	if (!l10n_parse(c, desc, "description", &set->description)) {
		set_free(set);
		return NULL;
	}
	return set;
}

static void
set_languages(EtqRuleSet *set)
{
	gboolean seen[ETQ_N_LANGS] = { FALSE };
	for (guint i = 0; i < set->rules->len; i++) {
		int l = ((EtqRule *)g_ptr_array_index(set->rules, i))->lang;
		if (l >= 0)
			seen[l] = TRUE;
	}
	GPtrArray *langs = g_ptr_array_new();
	for (int l = 0; l < ETQ_N_LANGS; l++)
		if (seen[l])
			g_ptr_array_add(langs, g_strdup(etq_lang_codes[l]));
	g_ptr_array_add(langs, NULL);
	set->languages = (char **)g_ptr_array_free(langs, FALSE);
}

static void
install_set(EtqRules *rules, EtqRuleSet *set)
{
	for (guint i = 0; i < rules->sets->len; i++) {
		EtqRuleSet *old = g_ptr_array_index(rules->sets, i);
		if (strcmp(old->name, set->name) == 0) {
			set->enabled = old->enabled;
			rules->sets->pdata[i] = set;
			set_free(old);
			goto done;
		}
	}
	g_ptr_array_add(rules->sets, set);
done:
	set_languages(set);
	etq_matcher_free(rules->matcher);
	rules->matcher = NULL;
}

/* Rule ids must be unique across every set but the one being replaced. */
static GHashTable *
ids_except(EtqRules *rules, const char *set_name)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < rules->sets->len; i++) {
		EtqRuleSet *s = g_ptr_array_index(rules->sets, i);
		if (set_name && strcmp(s->name, set_name) == 0)
			continue;
		for (guint k = 0; k < s->rules->len; k++)
			g_hash_table_add(ids, ((EtqRule *)g_ptr_array_index(s->rules, k))->id);
	}
	return ids;
}

static void
load_rules_into(EtqRules *rules, EtqRuleSet *set, const char *file, GPtrArray *errors,
                guint *n_errors, GHashTable *ids)
{
	char *text = NULL;
	cJSON *root = parse_file(file, &text, errors, n_errors);
	if (!root)
		return;
	Ctx c = { .file = file, .text = text, .errors = errors, .rules = rules };
	if (!cJSON_IsObject(root))
		fail(&c, "", "a rules file is an object with \"language\" and \"rules\"");
	else
		parse_rules_file(&c, root, set, ids);
	g_clear_pointer(&c.expanded, g_hash_table_destroy);
	*n_errors += c.n_errors;
	cJSON_Delete(root);
	g_free(text);
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
sorted_entries(const char *dir)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *n;
	while (d && (n = g_dir_read_name(d)))
		if (n[0] != '.')
			g_ptr_array_add(names, g_strdup(n));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	return names;
}

static gboolean
load_set_dir(EtqRules *rules, const char *dir, GPtrArray *errors, guint *n_errors)
{
	char *head = g_build_filename(dir, "set.json", NULL);
	char *text = NULL;
	cJSON *root = parse_file(head, &text, errors, n_errors);
	EtqRuleSet *set = NULL;
	if (root) {
		static const char *const keys[] = { "name", "description", NULL };
		Ctx c = { .file = head, .text = text, .errors = errors, .rules = rules };
		if (cJSON_IsObject(root) && check_keys(&c, root, "", keys))
			set = parse_set_header(&c, root, dir);
		else if (!cJSON_IsObject(root))
			fail(&c, "", "set.json is an object with \"name\" and \"description\"");
		*n_errors += c.n_errors;
		cJSON_Delete(root);
		g_free(text);
	}
	g_free(head);
	if (!set)
		return FALSE;
	GHashTable *ids = ids_except(rules, set->name);
	GPtrArray *names = sorted_entries(dir);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		if (!g_str_has_suffix(n, ".json") || strcmp(n, "set.json") == 0)
			continue;
		char *file = g_build_filename(dir, n, NULL);
		load_rules_into(rules, set, file, errors, n_errors, ids);
		g_free(file);
	}
	g_ptr_array_unref(names);
	g_hash_table_destroy(ids);
	install_set(rules, set);
	return TRUE;
}

/* A whole rule set in one file: set.json's fields and a rules file's. */
static gboolean
load_set_file(EtqRules *rules, const char *file, GPtrArray *errors, guint *n_errors)
{
	static const char *const keys[] = { "name", "description", "language", "lists", "rules", NULL };
	char *text = NULL;
	cJSON *root = parse_file(file, &text, errors, n_errors);
	if (!root)
		return FALSE;
	Ctx c = { .file = file, .text = text, .errors = errors, .rules = rules };
	EtqRuleSet *set = NULL;
	if (!cJSON_IsObject(root))
		fail(&c, "", "a rule set file is an object with name, description, language and rules");
	else if (check_keys(&c, root, "", keys))
		set = parse_set_header(&c, root, file);
	if (set) {
		GHashTable *ids = ids_except(rules, set->name);
		if (parse_rules_file(&c, root, set, ids)) {
			install_set(rules, set);
		} else {
			set_free(set);
			set = NULL;
		}
		g_hash_table_destroy(ids);
	}
	g_clear_pointer(&c.expanded, g_hash_table_destroy);
	*n_errors += c.n_errors;
	cJSON_Delete(root);
	g_free(text);
	return set != NULL;
}

/* ---- language profiles ---- */

static void
profile_free(EtqProfile *p)
{
	if (!p)
		return;
	g_free(p->path);
	g_ptr_array_unref(p->stopwords);
	g_array_free(p->letters, TRUE);
	g_hash_table_destroy(p->lists);
	g_free(p);
}

static gboolean
parse_string_list(Ctx *c, const cJSON *arr, const char *path, GPtrArray *out, gboolean normalise)
{
	if (!cJSON_IsArray(arr)) {
		fail(c, path, "must be a list of texts");
		return FALSE;
	}
	int i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		if (!cJSON_IsString(e)) {
			char *p = g_strdup_printf("%s/%d", path, i);
			fail(c, p, "must be a text");
			g_free(p);
			return FALSE;
		}
		g_ptr_array_add(out, normalise ? etq_normalise_phrase(e->valuestring) : g_strdup(e->valuestring));
	}
	return TRUE;
}

static gboolean
parse_profile_lists(Ctx *c, const cJSON *lists, EtqProfile *prof)
{
	if (!cJSON_IsObject(lists)) {
		fail(c, "lists", "\"lists\" must be an object of phrase lists");
		return FALSE;
	}
	static const char *const required[] = { "request", "offer", "question", "greeting", NULL };
	for (const char *const *r = required; *r; r++)
		if (!cJSON_GetObjectItemCaseSensitive(lists, *r)) {
			fail(c, "lists", "a language profile needs the list \"%s\"", *r);
			return FALSE;
		}
	for (const cJSON *l = lists->child; l; l = l->next) {
		GPtrArray *phrases = g_ptr_array_new_with_free_func(g_free);
		char *path = g_strdup_printf("lists/%s", l->string);
		gboolean ok = parse_string_list(c, l, path, phrases, FALSE);
		for (guint i = 0; ok && i < phrases->len; i++)
			ok = phrase_valid(c, path, g_ptr_array_index(phrases, i));
		g_free(path);
		if (!ok) {
			g_ptr_array_unref(phrases);
			return FALSE;
		}
		g_hash_table_insert(prof->lists, g_strdup(l->string), phrases);
	}
	return TRUE;
}

static void
load_profile(EtqRules *rules, const char *file, GPtrArray *errors, guint *n_errors)
{
	static const char *const keys[] = { "language", "name", "stopwords", "letters", "lists", NULL };
	char *text = NULL;
	cJSON *root = parse_file(file, &text, errors, n_errors);
	if (!root)
		return;
	Ctx c = { .file = file, .text = text, .errors = errors, .rules = rules };
	EtqProfile *prof = g_new0(EtqProfile, 1);
	prof->path = g_strdup(file);
	prof->stopwords = g_ptr_array_new_with_free_func(g_free);
	prof->letters = g_array_new(FALSE, FALSE, sizeof(gunichar));
	prof->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(root, "language");
	const cJSON *letters = cJSON_GetObjectItemCaseSensitive(root, "letters");
	int l = cJSON_IsString(lang) ? etq_lang_index(lang->valuestring) : -2;
	gboolean ok = cJSON_IsObject(root) && check_keys(&c, root, "", keys);
	if (ok && l < 0)
		ok = FALSE, fail(&c, "language", "a language profile's \"language\" is en, de, it or nb");
	ok = ok && parse_string_list(&c, cJSON_GetObjectItemCaseSensitive(root, "stopwords"), "stopwords",
	                             prof->stopwords, TRUE);
	if (ok && letters && !cJSON_IsString(letters))
		ok = FALSE, fail(&c, "letters", "\"letters\" must be a text");
	for (const char *p = ok && letters ? letters->valuestring : ""; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		g_array_append_val(prof->letters, ch);
	}
	ok = ok && parse_profile_lists(&c, cJSON_GetObjectItemCaseSensitive(root, "lists"), prof);
	if (!cJSON_IsObject(root))
		fail(&c, "", "a language profile is an object");
	if (ok) {
		profile_free(rules->profiles[l]);
		rules->profiles[l] = prof;
		etq_matcher_free(rules->matcher);
		rules->matcher = NULL;
	} else {
		profile_free(prof);
	}
	*n_errors += c.n_errors;
	cJSON_Delete(root);
	g_free(text);
}

static void
load_profiles(EtqRules *rules, const char *dir, GPtrArray *errors, guint *n_errors)
{
	GPtrArray *names = sorted_entries(dir);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		if (!g_str_has_suffix(n, ".json"))
			continue;
		char *file = g_build_filename(dir, n, NULL);
		load_profile(rules, file, errors, n_errors);
		g_free(file);
	}
	g_ptr_array_unref(names);
}

/* ---- public ---- */

EtqRules *
etq_rules_new(void)
{
	EtqRules *r = g_new0(EtqRules, 1);
	r->sets = g_ptr_array_new_with_free_func(set_free);
	return r;
}

void
etq_rules_free(EtqRules *rules)
{
	if (!rules)
		return;
	g_ptr_array_unref(rules->sets);
	for (int l = 0; l < ETQ_N_LANGS; l++)
		profile_free(rules->profiles[l]);
	etq_matcher_free(rules->matcher);
	if (rules->all_rules) {
		g_ptr_array_unref(rules->all_rules);
		g_ptr_array_unref(rules->scan_rules);
	}
	for (int d = 0; d < 4; d++)
		if (rules->detectors[d])
			g_ptr_array_unref(rules->detectors[d]);
	g_free(rules);
}

guint
etq_rules_load_dir(EtqRules *rules, const char *dir, GPtrArray *errors)
{
	guint n_errors = 0, loaded = 0;
	if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		if (errors)
			g_ptr_array_add(errors, g_strdup_printf("%s:0: not a folder of rule sets", dir));
		return 0;
	}
	char *langs = g_build_filename(dir, "languages", NULL);
	if (g_file_test(langs, G_FILE_TEST_IS_DIR))
		load_profiles(rules, langs, errors, &n_errors);
	g_free(langs);
	GPtrArray *names = sorted_entries(dir);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		char *path = g_build_filename(dir, n, NULL);
		char *head = g_build_filename(path, "set.json", NULL);
		if (g_file_test(head, G_FILE_TEST_IS_REGULAR))
			loaded += load_set_dir(rules, path, errors, &n_errors);
		else if (g_str_has_suffix(n, ".json") && g_file_test(path, G_FILE_TEST_IS_REGULAR))
			loaded += load_set_file(rules, path, errors, &n_errors);
		g_free(head);
		g_free(path);
	}
	g_ptr_array_unref(names);
	return loaded;
}

/* Numbers every rule and builds the matcher, once after a load. */
void
etq_rules_prepare(EtqRules *rules)
{
	if (rules->matcher)
		return;
	if (rules->all_rules) {
		g_ptr_array_unref(rules->all_rules);
		g_ptr_array_unref(rules->scan_rules);
	}
	rules->all_rules = g_ptr_array_new();
	rules->scan_rules = g_ptr_array_new();
	for (int d = 0; d < 4; d++) {
		if (rules->detectors[d])
			g_ptr_array_unref(rules->detectors[d]);
		rules->detectors[d] = g_ptr_array_new();
	}
	for (guint s = 0; s < rules->sets->len; s++) {
		EtqRuleSet *set = g_ptr_array_index(rules->sets, s);
		for (guint i = 0; i < set->rules->len; i++) {
			EtqRule *r = g_ptr_array_index(set->rules, i);
			r->index = rules->all_rules->len;
			g_ptr_array_add(rules->all_rules, r);
			if (r->regex || r->flags[SLOT_MATCH])
				g_ptr_array_add(rules->scan_rules, r);
			g_ptr_array_add(rules->detectors[r->detector], r);
		}
	}
	rules->matcher = etq_matcher_build(rules);
}

guint
etq_rules_n_sets(const EtqRules *rules)
{
	return rules->sets->len;
}

const EtqRuleSet *
etq_rules_get_set(const EtqRules *rules, guint i)
{
	return i < rules->sets->len ? g_ptr_array_index(rules->sets, i) : NULL;
}

const EtqRuleSet *
etq_rules_find_set(const EtqRules *rules, const char *name)
{
	for (guint i = 0; i < rules->sets->len; i++) {
		EtqRuleSet *s = g_ptr_array_index(rules->sets, i);
		if (strcmp(s->name, name) == 0)
			return s;
	}
	return NULL;
}

gboolean
etq_rules_set_enabled(EtqRules *rules, const char *name, gboolean enabled)
{
	EtqRuleSet *s = (EtqRuleSet *)etq_rules_find_set(rules, name);
	if (s)
		s->enabled = enabled;
	return s != NULL;
}

const char *etq_rule_set_name(const EtqRuleSet *set) { return set->name; }
const char *etq_rule_set_path(const EtqRuleSet *set) { return set->path; }
const char *const *etq_rule_set_languages(const EtqRuleSet *set) { return (const char *const *)set->languages; }
guint etq_rule_set_n_rules(const EtqRuleSet *set) { return set->rules->len; }
gboolean etq_rule_set_enabled(const EtqRuleSet *set) { return set->enabled; }

const char *
etq_rule_set_description(const EtqRuleSet *set)
{
	if (set->description.msgid)
		return g_dgettext(ETQ_TEXT_DOMAIN, set->description.msgid);
	/* A user's texts per language: keep the chosen one with the set. */
	char *s = etq_l10n_get(&set->description);
	const char *interned = g_intern_string(s);
	g_free(s);
	return interned;
}

const EtqRule *
etq_rules_detector(EtqRules *rules, EtqDetector d)
{
	etq_rules_prepare(rules);
	GPtrArray *list = rules->detectors[d];
	for (guint i = 0; i < list->len; i++) {
		const EtqRule *r = g_ptr_array_index(list, i);
		if (r->set->enabled)
			return r;
	}
	return NULL;
}
