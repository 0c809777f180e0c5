/* profile.c — language profiles (rules/languages/xx.json): stopwords and
 * letters for language identification, and the lists every rule shares. */
#include <string.h>
#include <libstemmer.h>
#include "load.h"

/* ---- language profiles ---- */

void
etq_profile_free(EtqProfile *p)
{
	if (!p)
		return;
	g_free(p->path);
	g_free(p->stemmer);
	g_ptr_array_unref(p->stopwords);
	g_array_free(p->letters, TRUE);
	g_hash_table_destroy(p->lists);
	g_free(p);
}

static gboolean
parse_string_list(EtqLoad *c, const cJSON *arr, const char *path, GPtrArray *out, gboolean normalise)
{
	if (!cJSON_IsArray(arr)) {
		etq_fail(c, path, "must be a list of texts");
		return FALSE;
	}
	int i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		if (!cJSON_IsString(e)) {
			char *p = g_strdup_printf("%s/%d", path, i);
			etq_fail(c, p, "must be a text");
			g_free(p);
			return FALSE;
		}
		g_ptr_array_add(out, normalise ? etq_normalise_phrase(e->valuestring) : g_strdup(e->valuestring));
	}
	return TRUE;
}

static gboolean
parse_profile_lists(EtqLoad *c, const cJSON *lists, EtqProfile *prof)
{
	if (!cJSON_IsObject(lists)) {
		etq_fail(c, "lists", "\"lists\" must be an object of phrase lists");
		return FALSE;
	}
	static const char *const required[] = { "request", "offer", "question", "greeting", NULL };
	for (const char *const *r = required; *r; r++)
		if (!cJSON_GetObjectItemCaseSensitive(lists, *r)) {
			etq_fail(c, "lists", "a language profile needs the list \"%s\"", *r);
			return FALSE;
		}
	for (const cJSON *l = lists->child; l; l = l->next) {
		GPtrArray *phrases = g_ptr_array_new_with_free_func(g_free);
		char *path = g_strdup_printf("lists/%s", l->string);
		gboolean ok = parse_string_list(c, l, path, phrases, FALSE);
		for (guint i = 0; ok && i < phrases->len; i++)
			ok = etq_phrase_valid(c, path, g_ptr_array_index(phrases, i));
		g_free(path);
		if (!ok) {
			g_ptr_array_unref(phrases);
			return FALSE;
		}
		g_hash_table_insert(prof->lists, g_strdup(l->string), phrases);
	}
	return TRUE;
}

/* A Snowball stemmer's name, e.g. "english" (sb_stemmer_list()). */
static gboolean
parse_stemmer(EtqLoad *c, const cJSON *j, EtqProfile *prof)
{
	struct sb_stemmer *s = cJSON_IsString(j) ? sb_stemmer_new(j->valuestring, "UTF_8") : NULL;
	if (!s) {
		GString *names = g_string_new(NULL);
		for (const char **n = sb_stemmer_list(); *n; n++)
			g_string_append_printf(names, "%s%s", names->len ? ", " : "", *n);
		etq_fail(c, "stemmer", "unknown stemmer: \"stemmer\" is one of %s", names->str);
		g_string_free(names, TRUE);
		return FALSE;
	}
	sb_stemmer_delete(s);
	prof->stemmer = g_strdup(j->valuestring);
	return TRUE;
}

static void
load_profile(EtqRules *rules, const char *file, GPtrArray *errors, guint *n_errors)
{
	static const char *const keys[] = { "language", "name", "stopwords", "letters", "stemmer", "lists", NULL };
	char *text = NULL;
	cJSON *root = etq_load_json(file, &text, errors, n_errors);
	if (!root)
		return;
	EtqLoad c = { .file = file, .text = text, .errors = errors, .rules = rules };
	EtqProfile *prof = g_new0(EtqProfile, 1);
	prof->path = g_strdup(file);
	prof->stopwords = g_ptr_array_new_with_free_func(g_free);
	prof->letters = g_array_new(FALSE, FALSE, sizeof(gunichar));
	prof->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(root, "language");
	const cJSON *letters = cJSON_GetObjectItemCaseSensitive(root, "letters");
	const cJSON *stemmer = cJSON_GetObjectItemCaseSensitive(root, "stemmer");
	c.profile = prof;
	int l = cJSON_IsString(lang) ? etq_lang_index(lang->valuestring) : -2;
	gboolean ok = cJSON_IsObject(root) && etq_check_keys(&c, root, "", keys);
	if (ok && l < 0)
		ok = FALSE, etq_fail(&c, "language", "a language profile's \"language\" is en, de, it or nb");
	ok = ok && parse_string_list(&c, cJSON_GetObjectItemCaseSensitive(root, "stopwords"), "stopwords",
	                             prof->stopwords, TRUE);
	if (ok && letters && !cJSON_IsString(letters))
		ok = FALSE, etq_fail(&c, "letters", "\"letters\" must be a text");
	for (const char *p = ok && letters ? letters->valuestring : ""; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		g_array_append_val(prof->letters, ch);
	}
	ok = ok && (!stemmer || parse_stemmer(&c, stemmer, prof));
	ok = ok && parse_profile_lists(&c, cJSON_GetObjectItemCaseSensitive(root, "lists"), prof);
	if (!cJSON_IsObject(root))
		etq_fail(&c, "", "a language profile is an object");
	if (ok) {
		etq_profile_free(rules->profiles[l]);
		rules->profiles[l] = prof;
		etq_matcher_free(rules->matcher);
		rules->matcher = NULL;
	} else {
		etq_profile_free(prof);
	}
	*n_errors += c.n_errors;
	cJSON_Delete(root);
	g_free(text);
}

void
etq_load_profiles(EtqRules *rules, const char *dir, GPtrArray *errors, guint *n_errors)
{
	GPtrArray *names = etq_sorted_entries(dir);
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

