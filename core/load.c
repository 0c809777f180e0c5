/* load.c — what reading any rule file needs: errors with file and line,
 * strict field checks, localised texts and phrase checks. */
#include <string.h>
#include <stdarg.h>
#include "load.h"
#include "jsonpos.h"

/* ---- errors with file and line ---- */

static void
fail_v(EtqLoad *c, const char *path, const char *fmt, va_list ap)
{
	c->n_errors++;
	if (!c->errors)
		return;
	char *reason = g_strdup_vprintf(fmt, ap);
	g_ptr_array_add(c->errors, g_strdup_printf("%s:%u: %s", c->file,
	                etq_json_line(c->text, path), reason));
	g_free(reason);
}

G_GNUC_PRINTF(3, 4) void
etq_fail(EtqLoad *c, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fail_v(c, path, fmt, ap);
	va_end(ap);
}

G_GNUC_PRINTF(3, 4) void
etq_fail_in(EtqLoad *c, const char *key, const char *fmt, ...)
{
	gsize up = etq_at_key(c, key);
	va_list ap;
	va_start(ap, fmt);
	fail_v(c, c->at->str, fmt, ap);
	va_end(ap);
	etq_at_up(c, up);
}

/* ---- where the parse is ---- */

gsize
etq_at_key(EtqLoad *c, const char *key)
{
	gsize len = c->at->len;
	if (len)
		g_string_append_c(c->at, '/');
	g_string_append(c->at, key);
	return len;
}

/* Digits by hand: this runs for every rule and example, and a printf
 * would cost more than the rest of the step. */
gsize
etq_at_index(EtqLoad *c, guint i)
{
	char digits[16];
	int n = sizeof digits;
	do
		digits[--n] = '0' + i % 10;
	while (i /= 10);
	gsize len = c->at->len;
	if (len)
		g_string_append_c(c->at, '/');
	g_string_append_len(c->at, digits + n, sizeof digits - n);
	return len;
}

void
etq_at_up(EtqLoad *c, gsize len)
{
	g_string_truncate(c->at, len);
}

/* ---- localised texts ---- */

gboolean
etq_l10n_parse(EtqLoad *c, const cJSON *j, const char *path, EtqText_l10n *out)
{
	if (cJSON_IsString(j) && *j->valuestring) {
		out->msgid = g_strdup(j->valuestring);
		return TRUE;
	}
	if (cJSON_IsObject(j) && j->child) {
		out->by_lang = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		for (const cJSON *e = j->child; e; e = e->next) {
			if (!cJSON_IsString(e)) {
				etq_fail(c, path, "\"%s\" must be a text", e->string);
				return FALSE;
			}
			g_hash_table_insert(out->by_lang, g_strdup(e->string), g_strdup(e->valuestring));
		}
		return TRUE;
	}
	etq_fail(c, path, "must be a text or an object of texts per language");
	return FALSE;
}

void
etq_l10n_clear(EtqText_l10n *t)
{
	g_free(t->msgid);
	if (t->by_lang)
		g_hash_table_destroy(t->by_lang);
}

/* ---- fields ---- */

gboolean
etq_check_keys(EtqLoad *c, const cJSON *obj, const char *path, const char *const *allowed)
{
	gboolean ok = TRUE;
	for (const cJSON *e = obj->child; e; e = e->next) {
		gboolean known = FALSE;
		for (const char *const *a = allowed; *a && !known; a++)
			known = strcmp(*a, e->string) == 0;
		if (!known) {
			char *p = g_strdup_printf("%s/%s", path, e->string);
			etq_fail(c, p, "unknown field \"%s\"", e->string);
			g_free(p);
			ok = FALSE;
		}
	}
	return ok;
}

int
etq_index_of(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* Is there a stemmer for the ~words of this file (a profile: its own)? */
static gboolean
has_stemmer(const EtqLoad *c)
{
	if (c->profile)
		return c->profile->stemmer != NULL;
	for (guint l = 0; l < c->rules->profiles->len; l++)
		if ((c->lang == ETQ_LANG_ANY || c->lang == (int)l) &&
		    ((EtqProfile *)g_ptr_array_index(c->rules->profiles, l))->stemmer)
			return TRUE;
	return FALSE;
}

/* What is wrong with a phrase with grammar, or NULL; its tree is kept
 * in rules->parsed for the matcher build. */
static const char *
grammar_problem(EtqLoad *c, const char *phrase, gboolean *has_stem)
{
	EtqRules *rules = c->rules;
	if (!rules->parsed)
		rules->parsed = g_hash_table_new_full(etq_phrase_hash, g_str_equal, g_free,
		                                      (GDestroyNotify)etq_phrase_free);
	EtqSeq *seq = g_hash_table_lookup(rules->parsed, phrase);
	const char *problem = NULL;
	if (seq) {
		*has_stem = etq_phrase_has_stem(seq);
		return NULL;
	}
	seq = etq_phrase_parse_with(c->scan, phrase, &problem);
	if (!seq)
		return problem;
	*has_stem = etq_phrase_has_stem(seq);
	if (g_hash_table_size(rules->parsed) < ETQ_PARSED_MAX)
		g_hash_table_insert(rules->parsed, g_strdup(phrase), seq);
	else
		etq_phrase_free(seq);
	return NULL;
}

gboolean
etq_phrase_valid(EtqLoad *c, const char *path, const char *phrase)
{
	const char *problem = NULL;
	gboolean has_stem = FALSE;
	if (!etq_phrase_plain(phrase, &problem))
		problem = grammar_problem(c, phrase, &has_stem);
	if (has_stem && !has_stemmer(c))
		problem = "has a stem ~word, but its language has no stemmer (\"stemmer\" in the language profile)";
	if (problem)
		etq_fail(c, path, "phrase \"%s\" %s", phrase, problem);
	return problem == NULL;
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
etq_sorted_entries(const char *dir)
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
