/* profile.c — language profiles (rules/languages/xx.json): a language's
 * code and name, what tells it apart in a message (stopwords, letters and
 * the signs under "langid", read by langid.c) and the lists every rule
 * shares. A language is nothing but its profile: the core knows no codes. */
#include <string.h>
#include <libstemmer.h>
#include "load.h"

/* ---- language profiles ---- */

static void
signs_free(GArray *signs)
{
	for (guint i = 0; signs && i < signs->len; i++)
		g_free(g_array_index(signs, EtqLangSign, i).text);
	if (signs)
		g_array_free(signs, TRUE);
}

void
etq_profile_free(EtqProfile *p)
{
	if (!p)
		return;
	g_free(p->path);
	g_free(p->stemmer);
	g_free(p->code);
	g_free(p->name);
	g_ptr_array_unref(p->stopwords);
	g_array_free(p->letters, TRUE);
	signs_free(p->words);
	signs_free(p->endings);
	signs_free(p->beginnings);
	signs_free(p->inside);
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
		g_ptr_array_add(out, normalise ? etq_normalise_phrase_with(c->scan, e->valuestring) : g_strdup(e->valuestring));
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

/* The kinds of sign under "langid", as langid.c reads them. */
enum { SIGN_WORD, SIGN_ENDING, SIGN_BEGINNING, SIGN_INSIDE, N_SIGN_KINDS };
static const char *const sign_kinds[] = { "words", "endings", "beginnings", "inside", NULL };

/* What is wrong with a normalised sign of a kind, or NULL. */
static const char *
sign_problem(int kind, const char *norm)
{
	if (!*norm || strchr(norm, ' '))
		return "must be one word";
	if (kind != SIGN_INSIDE)
		return NULL;
	gsize n = strlen(norm);
	for (const char *p = norm; *p; p++)
		if (*p < 'a' || *p > 'z')
			n = 0;
	return n >= 2 && n <= 4 ? NULL : "must be 2 to 4 letters a-z";
}

/* A word as the words of a message are normalised; an affix or letter
 * group as one word (its apostrophe kept: "n't", "l'"). */
static char *
normalise_sign(EtqLoad *c, int kind, const char *text)
{
	if (kind == SIGN_WORD)
		return etq_normalise_phrase_with(c->scan, text);
	GString *out = g_string_new(NULL);
	etq_normalise_word(out, text, strlen(text));
	return g_string_free(out, FALSE);
}

/* "langid": {"words": {"ciao": 2}, "endings": {...}, ...}, each text
 * normalised as the words of a message are. */
static gboolean
parse_langid(EtqLoad *c, const cJSON *j, EtqProfile *prof)
{
	GArray **into[N_SIGN_KINDS] = { &prof->words, &prof->endings, &prof->beginnings, &prof->inside };
	for (int k = 0; k < N_SIGN_KINDS; k++)
		*into[k] = g_array_new(FALSE, FALSE, sizeof(EtqLangSign));
	if (!j)
		return TRUE;
	if (!cJSON_IsObject(j)) {
		etq_fail(c, "langid", "\"langid\" must be an object of words, endings, beginnings and inside");
		return FALSE;
	}
	if (!etq_check_keys(c, j, "langid", sign_kinds))
		return FALSE;
	for (int k = 0; k < N_SIGN_KINDS; k++) {
		const cJSON *signs = cJSON_GetObjectItemCaseSensitive(j, sign_kinds[k]);
		if (!signs)
			continue;
		if (!cJSON_IsObject(signs)) {
			etq_fail(c, "langid", "\"%s\" must be an object of texts and their points (1 to 4)",
			         sign_kinds[k]);
			return FALSE;
		}
		for (const cJSON *e = signs->child; e; e = e->next) {
			EtqLangSign sign = { normalise_sign(c, k, e->string), 0 };
			const char *problem = sign_problem(k, sign.text);
			if (!problem && (!cJSON_IsNumber(e) || e->valuedouble < 1 || e->valuedouble > 4 ||
			                 e->valuedouble != (int)e->valuedouble))
				problem = "must be a number of points, 1 to 4";
			if (problem) {
				char *path = g_strdup_printf("langid/%s/%s", sign_kinds[k], e->string);
				etq_fail(c, path, "\"%s\" %s", e->string, problem);
				g_free(path);
				g_free(sign.text);
				return FALSE;
			}
			sign.points = (guint8)e->valueint;
			g_array_append_val(*into[k], sign);
		}
	}
	return TRUE;
}

/* The code of a profile: the name of its file, letters a-z (ISO 639). */
static gboolean
parse_code(EtqLoad *c, const cJSON *lang, EtqProfile *prof)
{
	char *base = g_path_get_basename(c->file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = '\0';
	gboolean ok = cJSON_IsString(lang) && strcmp(lang->valuestring, base) == 0 &&
	              strcmp(base, "und") != 0 && strlen(base) >= 2 && strlen(base) <= 3;
	for (const char *p = base; ok && *p; p++)
		ok = *p >= 'a' && *p <= 'z';
	if (ok)
		prof->code = g_strdup(base);
	else
		etq_fail(c, "language", "a language profile's \"language\" is its code, 2 or 3 letters a-z "
		         "other than und, and its file is named after it (\"%s\" in %s.json)", base, base);
	g_free(base);
	return ok;
}

/* Puts prof in place of the profile of the same code, or adds a language. */
static void
install_profile(EtqRules *rules, EtqProfile *prof)
{
	int l = etq_lang_index(rules, prof->code);
	if (l >= 0) {
		etq_profile_free(g_ptr_array_index(rules->profiles, l));
		rules->profiles->pdata[l] = prof;
	} else {
		g_ptr_array_add(rules->profiles, prof);
	}
	etq_matcher_free(rules->matcher);
	rules->matcher = NULL;
}

static void
load_profile(EtqRules *rules, const char *file, GPtrArray *errors, guint *n_errors)
{
	static const char *const keys[] = { "language", "name", "stopwords", "letters", "stemmer", "langid", "lists", NULL };
	EtqJson json;
	const cJSON *root = etq_load_json(rules, file, &json, errors, n_errors);
	if (!root) {
		etq_json_clear(&json);
		return;
	}
	EtqText scan;
	etq_text_init(&scan);
	EtqLoad c = { .file = file, .text = json.text, .errors = errors, .rules = rules, .scan = &scan };
	EtqProfile *prof = g_new0(EtqProfile, 1);
	prof->path = g_strdup(file);
	prof->stopwords = g_ptr_array_new_with_free_func(g_free);
	prof->letters = g_array_new(FALSE, FALSE, sizeof(gunichar));
	prof->lists = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
	const cJSON *letters = cJSON_GetObjectItemCaseSensitive(root, "letters");
	const cJSON *stemmer = cJSON_GetObjectItemCaseSensitive(root, "stemmer");
	c.profile = prof;
	gboolean ok = cJSON_IsObject(root) && etq_check_keys(&c, root, "", keys);
	ok = ok && parse_code(&c, cJSON_GetObjectItemCaseSensitive(root, "language"), prof);
	if (ok && name && !cJSON_IsString(name))
		ok = FALSE, etq_fail(&c, "name", "\"name\" must be the language's name, a text");
	prof->name = g_strdup(ok && name ? name->valuestring : prof->code);
	ok = ok && parse_string_list(&c, cJSON_GetObjectItemCaseSensitive(root, "stopwords"), "stopwords",
	                             prof->stopwords, TRUE);
	if (ok && letters && !cJSON_IsString(letters))
		ok = FALSE, etq_fail(&c, "letters", "\"letters\" must be a text");
	for (const char *p = ok && letters ? letters->valuestring : ""; *p; p = g_utf8_next_char(p)) {
		gunichar ch = g_unichar_tolower(g_utf8_get_char(p));
		g_array_append_val(prof->letters, ch);
	}
	ok = ok && (!stemmer || parse_stemmer(&c, stemmer, prof));
	ok = parse_langid(&c, ok ? cJSON_GetObjectItemCaseSensitive(root, "langid") : NULL, prof) && ok;
	ok = ok && parse_profile_lists(&c, cJSON_GetObjectItemCaseSensitive(root, "lists"), prof);
	if (!cJSON_IsObject(root))
		etq_fail(&c, "", "a language profile is an object");
	if (ok)
		install_profile(rules, prof);
	else
		etq_profile_free(prof);
	etq_text_clear(&scan);
	*n_errors += c.n_errors;
	etq_json_clear(&json);
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

