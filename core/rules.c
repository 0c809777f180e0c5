/* rules.c — rule sets: loading them from folders, switching them on and
 * off, and what the rest of the core asks of them.
 *
 * The format is documented in rules/README.md. Loading is strict: an unknown
 * field, category or condition is an error with the file and line, and the
 * file is skipped so the other rule sets still load. */
#include <string.h>
#include "load.h"

int
etq_lang_index(const EtqRules *rules, const char *code)
{
	if (g_strcmp0(code, "*") == 0)
		return ETQ_LANG_ANY;
	for (guint i = 0; i < rules->profiles->len; i++)
		if (g_strcmp0(code, ((EtqProfile *)g_ptr_array_index(rules->profiles, i))->code) == 0)
			return i;
	return ETQ_LANG_UND;
}

const char *
etq_lang_code(const EtqRules *rules, int lang)
{
	if (lang == ETQ_LANG_ANY)
		return "*";
	if (lang < 0 || (guint)lang >= rules->profiles->len)
		return "und";
	return ((EtqProfile *)g_ptr_array_index(rules->profiles, lang))->code;
}

const char *
etq_version(void)
{
	return ETQ_VERSION_STRING;
}

/* ---- localised texts ---- */

const char *
etq_l10n_text(const EtqText_l10n *t)
{
	if (t->msgid)
		return g_dgettext(ETQ_TEXT_DOMAIN, t->msgid);
	if (!t->by_lang)
		return NULL;
	for (const char *const *l = g_get_language_names(); *l; l++) {
		const char *s = g_hash_table_lookup(t->by_lang, *l);
		if (s)
			return s;
	}
	const char *en = g_hash_table_lookup(t->by_lang, "en");
	if (en)
		return en;
	GHashTableIter it;
	gpointer v = NULL;
	g_hash_table_iter_init(&it, t->by_lang);
	g_hash_table_iter_next(&it, NULL, &v);
	return v;
}

/* ---- rule sets ---- */

static void
set_free(gpointer p)
{
	EtqRuleSet *s = p;
	g_free(s->name);
	g_free(s->path);
	etq_l10n_clear(&s->description);
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
parse_set_header(EtqLoad *c, const cJSON *root, const char *path)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
	const cJSON *desc = cJSON_GetObjectItemCaseSensitive(root, "description");
	if (!cJSON_IsString(name) || !valid_name(name->valuestring)) {
		etq_fail(c, "name", "\"name\" must be letters, digits, - and _");
		return NULL;
	}
	EtqRuleSet *set = g_new0(EtqRuleSet, 1);
	set->rules = g_ptr_array_new_with_free_func(etq_rule_free);
	set->strings = g_string_chunk_new(16 * 1024);
	set->name = g_strdup(name->valuestring);
	set->path = g_strdup(path);
	set->enabled = TRUE;
	if (!etq_l10n_parse(c, desc, "description", &set->description)) {
		set_free(set);
		return NULL;
	}
	return set;
}

/* The codes of the languages the set has rules for, in profile order. */
static void
set_languages(const EtqRules *rules, EtqRuleSet *set)
{
	gboolean *seen = g_new0(gboolean, rules->profiles->len);
	for (guint i = 0; i < set->rules->len; i++) {
		int l = ((EtqRule *)g_ptr_array_index(set->rules, i))->lang;
		if (l >= 0)
			seen[l] = TRUE;
	}
	GPtrArray *langs = g_ptr_array_new();
	for (guint l = 0; l < rules->profiles->len; l++)
		if (seen[l])
			g_ptr_array_add(langs, g_strdup(etq_lang_code(rules, l)));
	g_ptr_array_add(langs, NULL);
	g_strfreev(set->languages);
	set->languages = (char **)g_ptr_array_free(langs, FALSE);
	g_free(seen);
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
	set_languages(rules, set);
	etq_matcher_free(rules->matcher);
	rules->matcher = NULL;
}

/* Rule ids must be unique, per language, across every set but the one being replaced. */
static GHashTable *
ids_except(EtqRules *rules, const char *set_name)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < rules->sets->len; i++) {
		EtqRuleSet *s = g_ptr_array_index(rules->sets, i);
		if (set_name && strcmp(s->name, set_name) == 0)
			continue;
		for (guint k = 0; k < s->rules->len; k++)
			g_hash_table_add(ids, ((EtqRule *)g_ptr_array_index(s->rules, k))->key);
	}
	return ids;
}

static void
load_rules_into(EtqRules *rules, EtqRuleSet *set, const char *file, GPtrArray *errors,
                guint *n_errors, GHashTable *ids)
{
	EtqJson json;
	const cJSON *root = etq_load_json(rules, file, &json, errors, n_errors);
	if (!root) {
		etq_json_clear(&json);
		return;
	}
	EtqText scan;
	etq_text_init(&scan);
	EtqLoad c = { .file = file, .text = json.text, .errors = errors, .rules = rules, .scan = &scan };
	if (!cJSON_IsObject(root))
		etq_fail(&c, "", "a rules file is an object with \"language\" and \"rules\"");
	else
		etq_parse_rules(&c, root, set, ids);
	g_clear_pointer(&c.expanded, g_hash_table_destroy);
	etq_text_clear(&scan);
	*n_errors += c.n_errors;
	etq_json_clear(&json);
}


static gboolean
load_set_dir(EtqRules *rules, const char *dir, GPtrArray *errors, guint *n_errors)
{
	char *head = g_build_filename(dir, "set.json", NULL);
	EtqJson json;
	const cJSON *root = etq_load_json(rules, head, &json, errors, n_errors);
	EtqRuleSet *set = NULL;
	if (root) {
		static const char *const keys[] = { "name", "description", NULL };
		EtqLoad c = { .file = head, .text = json.text, .errors = errors, .rules = rules };
		if (cJSON_IsObject(root) && etq_check_keys(&c, root, "", keys))
			set = parse_set_header(&c, root, dir);
		else if (!cJSON_IsObject(root))
			etq_fail(&c, "", "set.json is an object with \"name\" and \"description\"");
		*n_errors += c.n_errors;
	}
	etq_json_clear(&json);
	g_free(head);
	if (!set)
		return FALSE;
	GHashTable *ids = ids_except(rules, set->name);
	GPtrArray *names = etq_sorted_entries(dir);
	guint errors_before = *n_errors;
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
	/* A set whose every file is broken does not replace one that works. */
	if (set->rules->len == 0 && *n_errors > errors_before && etq_rules_find_set(rules, set->name)) {
		set_free(set);
		return FALSE;
	}
	install_set(rules, set);
	return TRUE;
}

/* A whole rule set in one file: set.json's fields and a rules file's. */
static gboolean
load_set_file(EtqRules *rules, const char *file, GPtrArray *errors, guint *n_errors)
{
	static const char *const keys[] = { "name", "description", "language", "lists", "rules", NULL };
	EtqJson json;
	const cJSON *root = etq_load_json(rules, file, &json, errors, n_errors);
	if (!root) {
		etq_json_clear(&json);
		return FALSE;
	}
	EtqText scan;
	etq_text_init(&scan);
	EtqLoad c = { .file = file, .text = json.text, .errors = errors, .rules = rules, .scan = &scan };
	EtqRuleSet *set = NULL;
	if (!cJSON_IsObject(root))
		etq_fail(&c, "", "a rule set file is an object with name, description, language and rules");
	else if (etq_check_keys(&c, root, "", keys))
		set = parse_set_header(&c, root, file);
	if (set) {
		GHashTable *ids = ids_except(rules, set->name);
		if (etq_parse_rules(&c, root, set, ids)) {
			install_set(rules, set);
		} else {
			set_free(set);
			set = NULL;
		}
		g_hash_table_destroy(ids);
	}
	g_clear_pointer(&c.expanded, g_hash_table_destroy);
	etq_text_clear(&scan);
	*n_errors += c.n_errors;
	etq_json_clear(&json);
	return set != NULL;
}

/* ---- public ---- */

EtqRules *
etq_rules_new(void)
{
	EtqRules *r = g_new0(EtqRules, 1);
	r->sets = g_ptr_array_new_with_free_func(set_free);
	r->profiles = g_ptr_array_new_with_free_func((GDestroyNotify)etq_profile_free);
	return r;
}

void
etq_rules_free(EtqRules *rules)
{
	if (!rules)
		return;
	g_ptr_array_unref(rules->sets);
	g_ptr_array_unref(rules->profiles);
	etq_matcher_free(rules->matcher);
	etq_langid_free(rules->langid);
	if (rules->all_rules) {
		g_ptr_array_unref(rules->all_rules);
		g_ptr_array_unref(rules->scan_rules);
	}
	for (int d = 0; d < N_DETECTORS; d++)
		if (rules->detectors[d])
			g_ptr_array_unref(rules->detectors[d]);
	if (rules->slot_words)
		g_hash_table_destroy(rules->slot_words);
	if (rules->parsed)
		g_hash_table_destroy(rules->parsed);
	etq_json_blocks_free(&rules->json_spare); /* a file read outside a load leaves its blocks here */
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
		etq_load_profiles(rules, langs, errors, &n_errors);
	g_free(langs);
	GPtrArray *names = etq_sorted_entries(dir);
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
	etq_json_blocks_free(&rules->json_spare);
	return loaded;
}

guint
etq_rules_n_phrase_entries(const EtqRules *rules)
{
	guint n = 0;
	for (guint r = 0; rules->all_rules && r < rules->all_rules->len; r++)
		for (int s = 0; s < N_SLOTS; s++) {
			const GPtrArray *p = ((const EtqRule *)g_ptr_array_index(rules->all_rules, r))->phrases[s];
			n += p ? p->len : 0;
		}
	return n;
}

/* Numbers every rule and builds the matcher, once after the last folder. */
void
etq_rules_prepare(EtqRules *rules)
{
	if (rules->matcher) { /* nothing loaded since: no tree is wanted */
		g_clear_pointer(&rules->parsed, g_hash_table_destroy);
		return;
	}
	if (rules->all_rules) {
		g_ptr_array_unref(rules->all_rules);
		g_ptr_array_unref(rules->scan_rules);
	}
	rules->all_rules = g_ptr_array_new();
	rules->scan_rules = g_ptr_array_new();
	for (int d = 0; d < N_DETECTORS; d++) {
		if (rules->detectors[d])
			g_ptr_array_unref(rules->detectors[d]);
		rules->detectors[d] = g_ptr_array_new();
	}
	for (guint s = 0; s < rules->sets->len; s++) {
		EtqRuleSet *set = g_ptr_array_index(rules->sets, s);
		for (guint i = 0; i < set->rules->len; i++) {
			EtqRule *r = g_ptr_array_index(set->rules, i);
			r->index = rules->all_rules->len;
			/* the UI language is the process's: look the hints up once */
			for (int d = 0; d < 2; d++) {
				r->message_text[d] = etq_l10n_text(&r->message[d]);
				r->suggestion_text[d] = etq_l10n_text(&r->suggestion[d]);
			}
			g_ptr_array_add(rules->all_rules, r);
			if (r->regex || r->flags[SLOT_MATCH])
				g_ptr_array_add(rules->scan_rules, r);
			g_ptr_array_add(rules->detectors[r->detector], r);
		}
	}
	rules->matcher = etq_matcher_build(rules);
	rules->generation++;
	if (rules->slot_words)
		g_hash_table_destroy(rules->slot_words);
	rules->slot_words = etq_slot_words_new(rules);
	etq_langid_free(rules->langid);
	rules->langid = etq_langid_build(rules);
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
	return etq_l10n_text(&set->description);
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
