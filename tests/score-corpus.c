/* score-corpus — precision and recall of the shipped rules on the labelled
 * corpus in tests/corpus/<lang>.jsonl (written blind to the rules).
 *
 * Each line is one message with its context and the categories that must
 * fire ("expect"); it is checked with a fresh state. For every language and
 * category: precision = right findings / all findings of that category,
 * recall = right findings / all lines expecting it. Below 0.90 fails. */
#include <stdio.h>
#include <string.h>
#include <cJSON.h>
#include "etiquette.h"

#define THRESHOLD 0.90

typedef struct {
	guint tp, fp, fn;
} Score;

static gboolean
expects(const cJSON *expect, const char *category)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, expect)
		if (cJSON_IsString(e) && strcmp(e->valuestring, category) == 0)
			return TRUE;
	return FALSE;
}

static Score *
score_for(GHashTable *scores, const char *category)
{
	Score *s = g_hash_table_lookup(scores, category);
	if (!s) {
		s = g_new0(Score, 1);
		g_hash_table_insert(scores, g_strdup(category), s);
	}
	return s;
}

static void
score_line(EtqRules *rules, const cJSON *j, GHashTable *scores, gboolean verbose)
{
	const cJSON *expect = cJSON_GetObjectItem(j, "expect");
	const cJSON *known = cJSON_GetObjectItem(j, "known");
	const char *dir = cJSON_GetStringValue(cJSON_GetObjectItem(j, "dir"));
	const char *chat = cJSON_GetStringValue(cJSON_GetObjectItem(j, "chat"));
	EtqEvent ev = {
		.text = cJSON_GetStringValue(cJSON_GetObjectItem(j, "text")),
		.dir = g_strcmp0(dir, "in") == 0 ? ETQ_DIR_IN : ETQ_DIR_OUT,
		.chat = g_strcmp0(chat, "group") == 0 ? ETQ_CHAT_GROUP : ETQ_CHAT_IM,
		.peer = "pat", .me = "alex",
		.known = !known ? ETQ_KNOWN_UNSET : cJSON_IsTrue(known) ? ETQ_KNOWN_YES : ETQ_KNOWN_NO,
	};
	EtqState *st = etq_state_new(rules, NULL);
	GPtrArray *found = etq_state_feed(st, &ev, NULL);
	GHashTable *fired = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		if (g_hash_table_contains(fired, f->category))
			continue;
		g_hash_table_add(fired, (gpointer)f->category);
		gboolean right = expects(expect, f->category);
		score_for(scores, f->category)->tp += right;
		score_for(scores, f->category)->fp += !right;
		if (!right && verbose)
			printf("# false alarm %s [%s]: %s\n", f->category, f->rule, ev.text);
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, expect) {
		if (cJSON_IsString(e) && !g_hash_table_contains(fired, e->valuestring)) {
			score_for(scores, e->valuestring)->fn++;
			if (verbose)
				printf("# missed %s: %s\n", e->valuestring, ev.text);
		}
	}
	g_hash_table_destroy(fired);
	g_ptr_array_unref(found);
	etq_state_free(st);
}

static int
score_file(EtqRules *rules, const char *path, const char *lang, guint *n, gboolean verbose)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		printf("not ok %u cannot read %s\n", ++*n, path);
		return 1;
	}
	static const char *const categories[] = { "generic", "cold-ask", "public-ask", "self-centred",
		"self-promo", "bare-greeting", "say-thanks", NULL };
	GHashTable *scores = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		cJSON *j = cJSON_Parse(*l);
		if (j)
			score_line(rules, j, scores, verbose);
		else
			printf("# %s: not JSON: %s\n", path, *l);
		cJSON_Delete(j);
	}
	int failures = 0;
	for (const char *const *c = categories; *c; c++) {
		Score *s = score_for(scores, *c);
		double p = s->tp + s->fp ? (double)s->tp / (s->tp + s->fp) : 1.0;
		double r = s->tp + s->fn ? (double)s->tp / (s->tp + s->fn) : 0.0;
		gboolean ok = p >= THRESHOLD && r >= THRESHOLD;
		failures += !ok;
		printf("%s %u %s %-13s precision %.2f recall %.2f (tp %u fp %u fn %u)\n", ok ? "ok" : "not ok",
		       ++*n, lang, *c, p, r, s->tp, s->fp, s->fn);
	}
	g_strfreev(lines);
	g_free(text);
	g_hash_table_destroy(scores);
	return failures;
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/corpus";
	gboolean verbose = g_getenv("VERBOSE") != NULL;
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, "rules", NULL);
	static const char *const langs[] = { "en", "de", "it", "nb", NULL };
	guint n = 0;
	int failures = 0;
	for (const char *const *l = langs; *l; l++) {
		char *path = g_strdup_printf("%s/%s.jsonl", dir, *l);
		failures += score_file(rules, path, *l, &n, verbose);
		g_free(path);
	}
	etq_rules_free(rules);
	return failures ? 1 : 0;
}
