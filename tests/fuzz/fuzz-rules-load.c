/* fuzz-rules-load.c — loading rule files that anyone may have written.
 *
 * The first byte of the input says where the rest goes, in a private temp
 * folder that also holds the small language profiles of tests/fixtures (en, de;
 * a symlink: the shipped ones would make every run several times slower):
 *   '0' (and 4, 8, …)  a single-file rule set       DIR/fuzz.json
 *   '1'                a set folder's rules file    DIR/fuzz/en.json (set.json valid)
 *   '2'                set.json, a NUL, any.json    DIR/fuzz/set.json, DIR/fuzz/any.json
 *   '3'                a language profile           DIR/languages/en.json, with the
 *                      test fixture set "basic" next to it
 * Then etq_rules_load_dir, etq_rules_self_test, every accessor, and a few
 * messages through a state: whatever loaded must also run. Every error must be
 * "FILE:LINE: reason" with a file of this folder.
 *
 * Seeds: tests/fuzz/seeds/rules-load/ (from tests/fixtures and rules/). */
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>
#include "fuzz-common.h"

static char *root;      /* modes 0-2: rule sets, languages -> shipped profiles */
static char *lang_root; /* mode 3: a profile of its own and the fixture set basic */
static char *tmp_dir;   /* holding both */

static void
write_file(const char *path, const guint8 *data, gsize len)
{
	GError *err = NULL;
	if (!g_file_set_contents(path, (const char *)data, len, &err)) {
		fprintf(stderr, "fuzz: %s\n", err->message);
		abort();
	}
}

static void
remove_path(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT)
		abort();
}

static void
cleanup(void)
{
	/* Best effort: the folder is ours alone. */
	char *cmd = g_strdup_printf("rm -rf '%s'", tmp_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", tmp_dir);
	g_free(cmd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_env();
	char *tmp = g_dir_make_tmp("etq-fuzz-rules-XXXXXX", NULL);
	if (!tmp)
		abort();
	root = g_build_filename(tmp, "a", NULL);
	lang_root = g_build_filename(tmp, "b", NULL);
	char *set_dir = g_build_filename(root, "fuzz", NULL);
	char *lang_dir = g_build_filename(lang_root, "languages", NULL);
	char *links[][2] = {
		{ g_build_filename(root, "languages", NULL), FUZZ_SRCDIR "/tests/fixtures/rules/languages" },
		{ g_build_filename(lang_root, "basic", NULL), FUZZ_SRCDIR "/tests/fixtures/rules/basic" },
	};
	if (g_mkdir_with_parents(set_dir, 0700) || g_mkdir_with_parents(lang_dir, 0700))
		abort();
	for (int i = 0; i < 2; i++) {
		if (symlink(links[i][1], links[i][0]) < 0)
			abort();
		g_free(links[i][0]);
	}
	g_free(set_dir);
	g_free(lang_dir);
	tmp_dir = tmp;
	atexit(cleanup);
	return 0;
}

static const EtqEvent sample_events[] = {
	{ .text = "hi", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "pat", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 0 },
	{ .text = "could you review my CV? https://example.com/cv", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "pat", .me = "alex", .known = ETQ_KNOWN_NO, .t = 1 },
	{ .text = "anna: can you introduce me to your boss?", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_GROUP, .peer = "x", .conv = "#a", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 2 },
	{ .text = "alex, what time is it?", .dir = ETQ_DIR_IN, .chat = ETQ_CHAT_GROUP, .peer = "kim", .conv = "#a", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 3 },
	{ .text = "Kannst du bitte meinen Lebenslauf anschauen? [Vorname] {name} _x_", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "jo", .me = NULL, .known = ETQ_KNOWN_YES, .t = 4 },
	{ .text = "ciao, mi puoi aiutare? hei, kan du hjelpe meg?", .dir = ETQ_DIR_IN, .chat = ETQ_CHAT_IM, .peer = "lu", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 5 },
	{ .text = "the same long message goes everywhere now", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_GROUP, .conv = "#b", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 6 },
	{ .text = "the same long message goes everywhere now", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_GROUP, .conv = "#c", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 7 },
	{ .text = "the same long message goes everywhere now", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_GROUP, .conv = "#d", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = 8 },
};

static void
run_loaded(EtqRules *rules)
{
	for (guint i = 0; i < etq_rules_n_sets(rules); i++) {
		const EtqRuleSet *s = etq_rules_get_set(rules, i);
		FUZZ_ASSERT(s && etq_rule_set_name(s) && etq_rule_set_path(s));
		FUZZ_ASSERT(etq_rules_find_set(rules, etq_rule_set_name(s)) == s);
		FUZZ_ASSERT(etq_rule_set_description(s) != NULL);
		for (const char *const *l = etq_rule_set_languages(s); *l; l++)
			FUZZ_ASSERT(fuzz_lang_ok(*l));
		(void)etq_rule_set_n_rules(s);
		FUZZ_ASSERT(etq_rule_set_enabled(s));
	}
	EtqConfig cfg;
	etq_config_init(&cfg);
	cfg.over_engagement_count = 2;
	EtqState *st = etq_state_new(rules, &cfg);
	for (gsize i = 0; i < G_N_ELEMENTS(sample_events); i++) {
		const EtqEvent *ev = &sample_events[i];
		const char *lang = NULL;
		GPtrArray *found = etq_state_check(st, ev, &lang);
		FUZZ_ASSERT(fuzz_lang_ok(lang));
		fuzz_check_findings(found, ev->text);
		g_ptr_array_unref(found);
		found = etq_state_feed(st, ev, &lang);
		fuzz_check_findings(found, ev->text);
		g_ptr_array_unref(found);
		FUZZ_ASSERT(fuzz_lang_ok(etq_rules_language(rules, ev->text)));
	}
	GPtrArray *found = etq_state_tick(st, 100000);
	fuzz_check_findings(found, NULL);
	g_ptr_array_unref(found);
	etq_state_free(st);
	if (etq_rules_n_sets(rules))
		FUZZ_ASSERT(etq_rules_set_enabled(rules, etq_rule_set_name(etq_rules_get_set(rules, 0)), FALSE));
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] % 4;
	data++, size--;
	char *single = g_build_filename(root, "fuzz.json", NULL);
	char *set_json = g_build_filename(root, "fuzz", "set.json", NULL);
	char *en_json = g_build_filename(root, "fuzz", "en.json", NULL);
	char *any_json = g_build_filename(root, "fuzz", "any.json", NULL);
	char *profile = g_build_filename(lang_root, "languages", "en.json", NULL);
	static const char header[] = "{ \"name\": \"fuzz\", \"description\": \"fuzzed\" }";
	remove_path(single);
	remove_path(set_json);
	remove_path(en_json);
	remove_path(any_json);
	remove_path(profile);
	const char *dir = root;
	switch (mode) {
	case 0:
		write_file(single, data, size);
		break;
	case 1:
		write_file(set_json, (const guint8 *)header, sizeof header - 1);
		write_file(en_json, data, size);
		break;
	case 2: {
		const guint8 *nul = memchr(data, '\0', size);
		gsize head = nul ? (gsize)(nul - data) : size;
		write_file(set_json, data, head);
		if (nul)
			write_file(any_json, nul + 1, size - head - 1);
		break;
	}
	case 3:
		write_file(profile, data, size);
		dir = lang_root;
		break;
	}

	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	guint n = etq_rules_load_dir(rules, dir, errors);
	FUZZ_ASSERT(n == etq_rules_n_sets(rules));
	guint load_errors = errors->len;
	/* A failing example's line costs a walk of its file: on big inputs, only
	 * count the failures (the walk is fuzzed through the load errors too). */
	gboolean lines = size <= 4096;
	guint failures = etq_rules_self_test(rules, lines ? errors : NULL);
	FUZZ_ASSERT(errors->len == load_errors + (lines ? failures : 0));
	for (guint i = 0; i < errors->len; i++) {
		const char *e = g_ptr_array_index(errors, i);
		/* FILE:LINE: reason, FILE in our folders */
		FUZZ_ASSERT(g_str_has_prefix(e, root) || g_str_has_prefix(e, lang_root));
		const char *colon = strstr(e, ".json:");
		FUZZ_ASSERT(colon && g_ascii_isdigit(colon[6]));
		FUZZ_ASSERT(strstr(colon + 6, ": ") != NULL);
	}
	run_loaded(rules);
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	g_free(single);
	g_free(set_json);
	g_free(en_json);
	g_free(any_json);
	g_free(profile);
	return 0;
}
