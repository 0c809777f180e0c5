/* selftest.c — every rule proves itself on its own examples.
 *
 * Each example must fire its rule and each counterexample must not, each
 * checked with a fresh conversation state, whatever sets are switched on;
 * and no rule has the same phrase twice in a slot. */
#include <string.h>
#include "internal.h"
#include "jsonpos.h"

static gboolean
fires(EtqRules *rules, const EtqRule *rule, const EtqEvent *ev)
{
	EtqState *st = etq_state_new(rules, NULL);
	rules->only = rule;
	GPtrArray *found = etq_state_check(st, ev, NULL);
	rules->only = NULL;
	gboolean hit = FALSE;
	for (guint i = 0; i < found->len && !hit; i++)
		hit = strcmp(((EtqFinding *)g_ptr_array_index(found, i))->rule, rule->id) == 0;
	g_ptr_array_unref(found);
	etq_state_free(st);
	return hit;
}

/* Lines are looked up only for a failure, each file read once per run. */
static guint
line_of(GHashTable *texts, const char *file, const char *path)
{
	char *text = g_hash_table_lookup(texts, file);
	if (!text && g_file_get_contents(file, &text, NULL, NULL))
		g_hash_table_insert(texts, (gpointer)file, text);
	return text ? etq_json_line(text, path) : 0;
}

static guint
run_examples(EtqRules *rules, const EtqRule *rule, GPtrArray *examples, gboolean want,
             GPtrArray *errors, GHashTable *texts)
{
	guint failures = 0;
	for (guint i = 0; examples && i < examples->len; i++) {
		const EtqExample *ex = g_ptr_array_index(examples, i);
		if (fires(rules, rule, &ex->ev) == want)
			continue;
		failures++;
		if (errors)
			g_ptr_array_add(errors, g_strdup_printf("%s:%u: rule %s %s \"%s\" (language %s)",
			                rule->file, line_of(texts, rule->file, ex->path), rule->id, want ? "does not fire on its example" :
			                "fires on its counterexample", ex->text,
			                etq_rules_language(rules, ex->text)));
	}
	return failures;
}

/* The same phrase twice in one slot of a rule (often through two lists):
 * harmless to the matcher, but a sign of copied lists. Compared case-folded
 * with spaces collapsed, as written (the phrase grammar stays as it is). */
static guint
duplicate_phrases(const EtqRule *rule, GPtrArray *errors, GHashTable *texts)
{
	static const char *const slot_names[N_SLOTS] = { "match", "also", "unless", "exclude" };
	guint failures = 0;
	for (int k = 0; k < N_SLOTS; k++) {
		GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (guint i = 0; i < rule->phrases[k]->len; i++) {
			char *folded = g_utf8_casefold(g_ptr_array_index(rule->phrases[k], i), -1);
			char **words = g_strsplit_set(folded, " \t", -1);
			char *key = g_strjoinv(" ", words);
			g_strfreev(words);
			g_free(folded);
			GString *squeezed = g_string_new(NULL);
			for (const char *p = key; *p; p++)
				if (*p != ' ' || (squeezed->len && squeezed->str[squeezed->len - 1] != ' '))
					g_string_append_c(squeezed, *p);
			g_free(key);
			key = g_strchomp(g_string_free(squeezed, FALSE));
			if (!g_hash_table_add(seen, key)) {
				failures++;
				if (errors)
					g_ptr_array_add(errors, g_strdup_printf("%s:%u: rule %s has the phrase \"%s\" twice in \"%s\" (check its lists)",
					                rule->file, line_of(texts, rule->file, rule->path), rule->id,
					                (char *)g_ptr_array_index(rule->phrases[k], i), slot_names[k]));
			}
		}
		g_hash_table_destroy(seen);
	}
	return failures;
}

guint
etq_rules_self_test(EtqRules *rules, GPtrArray *errors)
{
	guint failures = 0;
	etq_rules_prepare(rules);
	GHashTable *texts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (guint r = 0; r < rules->all_rules->len; r++) {
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		failures += run_examples(rules, rule, rule->examples, TRUE, errors, texts);
		failures += run_examples(rules, rule, rule->counterexamples, FALSE, errors, texts);
		failures += duplicate_phrases(rule, errors, texts);
	}
	g_hash_table_destroy(texts);
	return failures;
}
