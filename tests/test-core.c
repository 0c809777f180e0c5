/* test-core.c — the rule core through its public API (GTest).
 * Uses the small rule sets in tests/fixtures so that what is tested is the
 * engine, not the wording of the shipped rules. Run from the repo root. */
#include <string.h>
#include <glib/gstdio.h>
#include <cJSON.h>
#include "etiquette.h"
#include "internal.h"
#include "load.h"

#define FIXTURES "tests/fixtures/rules"

typedef struct {
	EtqRules *rules;
	EtqState *state;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
	(void)data;
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	f->rules = etq_rules_new();
	g_assert_cmpuint(etq_rules_load_dir(f->rules, FIXTURES, errors), ==, 2);
	g_assert_cmpuint(errors->len, ==, 0);
	g_ptr_array_unref(errors);
	f->state = etq_state_new(f->rules, NULL);
}

static void
teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	etq_state_free(f->state);
	etq_rules_free(f->rules);
}

static EtqEvent
msg(const char *text, EtqDirection dir, EtqChat chat, const char *peer, gint64 t)
{
	EtqEvent ev = { .text = text, .dir = dir, .chat = chat, .peer = peer, .me = "alex",
	                .known = ETQ_KNOWN_UNSET, .t = t };
	return ev;
}

/* The categories found, joined by spaces, for compact assertions. */
static char *
cats(GPtrArray *found)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < found->len; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", ((EtqFinding *)g_ptr_array_index(found, i))->category);
	g_ptr_array_unref(found);
	return g_string_free(s, FALSE);
}

#define assert_feed(f, ev, expected) G_STMT_START { \
	EtqEvent _ev = ev; \
	char *_c = cats(etq_state_feed((f)->state, &_ev, NULL)); \
	g_assert_cmpstr(_c, ==, expected); \
	g_free(_c); \
} G_STMT_END

#define assert_tick(f, t, expected) G_STMT_START { \
	char *_c = cats(etq_state_tick((f)->state, t)); \
	g_assert_cmpstr(_c, ==, expected); \
	g_free(_c); \
} G_STMT_END

/* ---- loading ---- */

static void
test_load_sets(Fixture *f, gconstpointer d)
{
	(void)d;
	g_assert_cmpuint(etq_rules_n_sets(f->rules), ==, 2);
	const EtqRuleSet *basic = etq_rules_find_set(f->rules, "basic");
	g_assert_nonnull(basic);
	g_assert_cmpuint(etq_rule_set_n_rules(basic), ==, 7);
	g_assert_cmpstr(etq_rule_set_description(basic), ==, "Test rules for the core");
	/* in the order the profiles loaded: by file name */
	const char *const *langs = etq_rule_set_languages(basic);
	g_assert_cmpstr(langs[0], ==, "de");
	g_assert_cmpstr(langs[1], ==, "en");
	g_assert_null(langs[2]);
	g_assert_false(etq_rules_set_enabled(f->rules, "nope", FALSE));
	g_assert_cmpuint(etq_rules_self_test(f->rules, NULL), ==, 0);
}

static void
test_broken_files(void)
{
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	etq_rules_load_dir(rules, FIXTURES, errors);
	etq_rules_load_dir(rules, "tests/fixtures/broken", errors);
	g_assert_cmpuint(errors->len, ==, 2);
	g_assert_cmpstr(g_ptr_array_index(errors, 0), ==,
	                "tests/fixtures/broken/category/en.json:4: unknown category \"rudeness\"");
	g_assert_true(g_str_has_prefix(g_ptr_array_index(errors, 1),
	                               "tests/fixtures/broken/syntax/en.json:4: invalid JSON"));
	/* the good sets still work */
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	char *c = cats(etq_state_feed(st, &ev, NULL));
	g_assert_cmpstr(c, ==, "cold-ask");
	g_free(c);
	etq_state_free(st);
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
}

/* json.c's tree of a file, printed as cJSON prints it; *plain: json.c read
 * it itself (not cJSON). */
static char *
json_read_as(EtqRules *rules, const char *path, gboolean *plain)
{
	EtqJson json;
	guint n_errors = 0;
	cJSON *root = etq_load_json(rules, path, &json, NULL, &n_errors);
	g_assert_nonnull(root);
	*plain = json.blocks != NULL;
	char *printed = cJSON_PrintUnformatted(root);
	etq_json_clear(&json);
	return printed;
}

/* json.c builds the tree cJSON would: every shipped rule file (all read by
 * json.c itself) and texts with escapes, numbers and nesting. */
static void
test_json_as_cjson(void)
{
	static const char *const texts[] = {
		"{\"a\": \"caf\\u00e9 \\\"q\\\" \\\\ \\/ \\n\\t\", \"n\": [1, -2.5e3, 0, 1E-2, true, false, null], \"o\": {}, \"e\": []}",
		"[\"\\ud83d\\ude00\", \"\xc3\xbc\", 123456789012, -0, 0.1]",
		"  {\"nested\": {\"deep\": [[[{\"x\": 1}]]]}}\n",
		"{\"a\": \"\\u0000\"}",
	};
	EtqRules *rules = etq_rules_new();
	GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
	GDir *sets = g_dir_open("rules", 0, NULL);
	g_assert_nonnull(sets);
	for (const char *set; (set = g_dir_read_name(sets));) {
		char *dir = g_build_filename("rules", set, NULL);
		GDir *files = g_dir_open(dir, 0, NULL);
		for (const char *f; files && (f = g_dir_read_name(files));)
			if (g_str_has_suffix(f, ".json"))
				g_ptr_array_add(paths, g_build_filename(dir, f, NULL));
		if (files)
			g_dir_close(files);
		g_free(dir);
	}
	g_dir_close(sets);
	g_assert_cmpuint(paths->len, >, 30);
	guint shipped = paths->len;
	char *tmp = g_dir_make_tmp("etq-XXXXXX", NULL);
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
		char *path = g_strdup_printf("%s/%u.json", tmp, i);
		g_assert_true(g_file_set_contents(path, texts[i], -1, NULL));
		g_ptr_array_add(paths, path);
	}
	for (guint i = 0; i < paths->len; i++) {
		const char *path = g_ptr_array_index(paths, i);
		gboolean plain;
		char *ours = json_read_as(rules, path, &plain);
		char *text = NULL;
		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		cJSON *theirs_tree = cJSON_Parse(text);
		char *theirs = cJSON_PrintUnformatted(theirs_tree);
		if (g_strcmp0(ours, theirs) != 0)
			g_error("%s: json.c read %s, cJSON %s", path, ours, theirs);
		/* the shipped files and the first texts are json.c's own reading */
		if (i < shipped + 3)
			g_assert_true(plain);
		cJSON_Delete(theirs_tree);
		cJSON_free(ours);
		cJSON_free(theirs);
		g_free(text);
		if (i >= shipped)
			g_unlink(path);
	}
	g_rmdir(tmp);
	g_free(tmp);
	g_ptr_array_unref(paths);
	etq_rules_free(rules);
}

/* A temporary folder holding one rule file; remove_folder() takes it away. */
static char *
folder_with(const char *name, const char *text)
{
	char *dir = g_dir_make_tmp("etq-XXXXXX", NULL);
	char *path = g_build_filename(dir, name, NULL);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	g_free(path);
	return dir;
}

static void
remove_folder(char *dir, const char *name)
{
	char *file = g_build_filename(dir, name, NULL);
	g_unlink(file);
	g_rmdir(dir);
	g_free(file);
	g_free(dir);
}

/* ---- phrases (rules/README.md, "Phrases") ---- */

#define PHRASE_PROFILE(lang, stemmer, stop) \
	"{\"language\": \"" lang "\"" stemmer ", \"stopwords\": [" stop "], \"lists\": {\"request\": [\"x\"]," \
	" \"offer\": [\"y\"], \"question\": [\"z\"], \"greeting\": [\"hallo\"]}}"

static const char *const phrase_files[] = { "languages/en.json", "languages/de.json", "languages/it.json", "p.json" };

/* A folder with en (english stemmer), de (german) and it (no stemmer)
 * profiles and p.json, a set of rules of language lang: one per phrase,
 * each of its own category x-0, x-1 … Loads it; errors get the problems. */
static EtqRules *
phrase_rules(char **dir, const char *lang, const char *const *phrases, GPtrArray *errors)
{
	*dir = g_dir_make_tmp("etq-phrase-XXXXXX", NULL);
	char *langs = g_build_filename(*dir, "languages", NULL);
	g_assert_cmpint(g_mkdir(langs, 0700), ==, 0);
	g_free(langs);
	GString *rules = g_string_new(NULL);
	g_string_append_printf(rules, "{\"name\": \"p\", \"description\": \"x\", \"language\": \"%s\", \"rules\": [\n", lang);
	for (guint i = 0; phrases[i]; i++) {
		cJSON *phrase = cJSON_CreateString(phrases[i]);
		char *quoted = cJSON_PrintUnformatted(phrase);
		g_string_append_printf(rules, "%s{\"id\": \"p%u\", \"category\": \"x-%u\", \"severity\": \"warn\",\n"
		                       " \"match\": [%s], \"message\": \"m\", \"examples\": [\"a\"], \"counterexamples\": [\"b\"]}\n",
		                       i ? "," : "", i, i, quoted);
		cJSON_free(quoted);
		cJSON_Delete(phrase);
	}
	g_string_append(rules, "]}\n");
	const char *texts[] = {
		PHRASE_PROFILE("en", ", \"stemmer\": \"english\"", "\"you\", \"me\", \"the\", \"a\", \"my\""),
		PHRASE_PROFILE("de", ", \"stemmer\": \"german\"", "\"ich\", \"du\", \"mich\", \"dich\", \"bei\""),
		PHRASE_PROFILE("it", "", "\"io\", \"tu\""),
		rules->str,
	};
	for (guint i = 0; i < G_N_ELEMENTS(phrase_files); i++) {
		char *path = g_build_filename(*dir, phrase_files[i], NULL);
		g_assert_true(g_file_set_contents(path, texts[i], -1, NULL));
		g_free(path);
	}
	g_string_free(rules, TRUE);
	EtqRules *r = etq_rules_new();
	etq_rules_load_dir(r, *dir, errors);
	return r;
}

static void
phrase_rules_free(EtqRules *rules, char *dir)
{
	etq_rules_free(rules);
	for (guint i = 0; i < G_N_ELEMENTS(phrase_files); i++) {
		char *path = g_build_filename(dir, phrase_files[i], NULL);
		g_unlink(path);
		g_free(path);
	}
	char *langs = g_build_filename(dir, "languages", NULL);
	g_rmdir(langs);
	g_free(langs);
	g_rmdir(dir);
	g_free(dir);
}

/* What each rule of a one-phrase-per-rule set matches in text:
 * "p0=span p2=span" in rule order. */
static char *
phrase_spans(EtqRules *rules, const char *text)
{
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg(text, ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	ev.known = ETQ_KNOWN_YES;
	GPtrArray *found = etq_state_check(st, &ev, NULL);
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < found->len; i++) {
		EtqFinding *fi = g_ptr_array_index(found, i);
		g_string_append_printf(s, "%s%s=%.*s", i ? " " : "", fi->rule,
		                       (int)(fi->span_end - fi->span_start), text + fi->span_start);
	}
	g_ptr_array_unref(found);
	etq_state_free(st);
	return g_string_free(s, FALSE);
}

typedef struct {
	const char *text, *spans; /* what phrase_spans() must answer */
} PhraseCase;

/* Each case against a set of one rule per phrase, in language lang. */
static void
check_phrases(const char *lang, const char *const *phrases, const PhraseCase *cases)
{
	char *dir;
	EtqRules *rules = phrase_rules(&dir, lang, phrases, NULL);
	for (const PhraseCase *c = cases; c->text; c++) {
		char *spans = phrase_spans(rules, c->text);
		if (strcmp(spans, c->spans) != 0)
			g_error("\"%s\": \"%s\", expected \"%s\"", c->text, spans, c->spans);
		g_free(spans);
	}
	phrase_rules_free(rules, dir);
}

static void
test_phrase_alternatives(void)
{
	static const char *const phrases[] = {
		"(job|role|position) at your", "(could|would|can) you (please)? review", "(hi|hello there) pat", NULL
	};
	static const PhraseCase cases[] = {
		{ "any role at your company?", "p0=role at your" },
		{ "a job in your team", "" },
		{ "could you please review it", "p1=could you please review" },
		{ "Can you review it", "p1=Can you review" },
		{ "you could review it", "" },
		/* an alternative of several words; the longest match counts */
		{ "hello there pat", "p2=hello there pat" },
		{ "hello pat", "" },
		{ NULL, NULL },
	};
	check_phrases("*", phrases, cases);
}

static void
test_phrase_gaps(void)
{
	static const char *const phrases[] = { "mich *0-7 empfehl*", "my * cv", "ask *2-3 about", NULL };
	static const PhraseCase cases[] = {
		{ "kannst du mich bei deinem Chef empfehlen", "p0=mich bei deinem Chef empfehlen" },
		{ "mich empfehlen", "p0=mich empfehlen" },
		{ "mich a b c d e f g empfehlen", "p0=mich a b c d e f g empfehlen" },
		{ "mich a b c d e f g h empfehlen", "" },
		{ "my new cv", "p1=my new cv" },
		{ "my cv", "" },
		{ "ask a www.x.org about", "" }, /* a gap skips words, not links */
		{ "ask a b about it", "p2=ask a b about" },
		{ NULL, NULL },
	};
	check_phrases("*", phrases, cases);
}

static void
test_phrase_stems(void)
{
	static const char *const en[] = { "could you ~recommend me", "~review", NULL };
	static const PhraseCase en_cases[] = {
		{ "could you recommending me", "p0=could you recommending me" },
		{ "could you recommend me", "p0=could you recommend me" },
		{ "could you recommit me", "" },
		{ "the reviewer", "p1=reviewer" },
		{ "a preview", "" },
		{ NULL, NULL },
	};
	static const char *const de[] = { "~empfehlen", NULL };
	static const PhraseCase de_cases[] = {
		{ "ich empfehle dich", "p0=empfehle" },
		{ "ich bitte um eine Empfehlung", "p0=Empfehlung" },
		{ "ich empfiehl dich", "" }, /* a vowel change is another stem */
		{ NULL, NULL },
	};
	check_phrases("en", en, en_cases);
	check_phrases("de", de, de_cases);
}

/* Two ways a phrase once vanished (issue 12): a prefix after a hyphen,
 * and many prefixes of one word (each rule still fires). */
static void
test_phrase_prefixes(void)
{
	static const char *const phrases[] = {
		"co-op*", "rec*", "reco*", "recom*", "recomm*", "recommend*", "recommendation", NULL
	};
	static const PhraseCase cases[] = {
		{ "a co-operative bank", "p0=co-operative" },
		{ "a cooperative bank", "" },
		{ "my recommendation", "p1=recommendation p2=recommendation p3=recommendation p4=recommendation "
		                       "p5=recommendation p6=recommendation" },
		{ NULL, NULL },
	};
	check_phrases("*", phrases, cases);
}

static void
test_phrase_errors(void)
{
	static const struct { const char *lang, *phrase, *error; } cases[] = {
		{ "*", "(could|would you", "p.json:3: phrase \"(could|would you\" has unbalanced parentheses" },
		{ "*", "could) you", "p.json:3: phrase \"could) you\" has unbalanced parentheses" },
		{ "*", "(a||b) c", "p.json:3: phrase \"(a||b) c\" has an empty alternative" },
		{ "*", "mich *0-11 empfehl*", "p.json:3: phrase \"mich *0-11 empfehl*\" has a bad gap" },
		{ "*", "mich *3-1 x", "p.json:3: phrase \"mich *3-1 x\" has a bad gap" },
		{ "*", "(hi)? * you", "p.json:3: phrase \"(hi)? * you\" starts with *" },
		{ "*", "(please)?", "p.json:3: phrase \"(please)?\" is empty" },
		{ "*", "(job|role)s at", "p.json:3: phrase \"(job|role)s at\" has letters right after ')'" },
		{ "*", "i('ll| will) send", "p.json:3: phrase \"i('ll| will) send\" has letters right before '('" },
		{ "*", "a *0-6 b *0-6 c", "p.json:3: phrase \"a *0-6 b *0-6 c\" skips more than 10 words" },
		{ "*", "~recommend*", "p.json:3: phrase \"~recommend*\" mixes a stem ~ and a prefix *" },
		{ "it", "~consigliare", "p.json:3: phrase \"~consigliare\" has a stem ~word, but its language has no stemmer" },
		{ "*", "(a|b) (c|d) (e|f) (g|h) (i|j) (k|l) (m|n) (o|p) (q|r) x",
		  "p.json:3: phrase \"(a|b) (c|d) (e|f) (g|h) (i|j) (k|l) (m|n) (o|p) (q|r) x\" can be read in more than 256 ways" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *phrases[] = { cases[i].phrase, NULL };
		char *dir;
		GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
		EtqRules *rules = phrase_rules(&dir, cases[i].lang, phrases, errors);
		g_assert_cmpuint(errors->len, ==, 1);
		const char *e = g_ptr_array_index(errors, 0);
		const char *rel = e + strlen(dir) + 1;
		g_assert_true(g_str_has_prefix(e, dir));
		if (!g_str_has_prefix(rel, cases[i].error))
			g_error("%s: got %s", cases[i].phrase, rel);
		g_ptr_array_unref(errors);
		phrase_rules_free(rules, dir);
	}
}

/* A group of 65,537 ways is refused like one of 257 (a count that
 * wrapped in its 16 bits would read as one way). */
static void
test_phrase_many_alternatives(void)
{
	for (guint n = 257; n <= 65537; n += 65537 - 257) {
		GString *phrase = g_string_new("(w0");
		for (guint i = 1; i < n; i++)
			g_string_append_printf(phrase, "|w%u", i);
		g_string_append(phrase, ") x");
		const char *phrases[] = { phrase->str, NULL };
		char *dir;
		GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
		EtqRules *rules = phrase_rules(&dir, "*", phrases, errors);
		g_assert_cmpuint(errors->len, ==, 1);
		g_assert_nonnull(strstr(g_ptr_array_index(errors, 0), "can be read in more than 256 ways"));
		g_ptr_array_unref(errors);
		phrase_rules_free(rules, dir);
		g_string_free(phrase, TRUE);
	}
}

static void
test_unknown_stemmer(void)
{
	char *dir = folder_with("en.json", "{\"language\": \"en\",\n \"stemmer\": \"klingon\", \"stopwords\": [],"
	                        " \"lists\": {\"request\": [\"x\"], \"offer\": [\"y\"], \"question\": [\"z\"], \"greeting\": [\"h\"]}}");
	char *langs = g_strdup_printf("%s/languages", dir);
	g_assert_cmpint(g_mkdir(langs, 0700), ==, 0);
	char *from = g_build_filename(dir, "en.json", NULL), *to = g_build_filename(langs, "en.json", NULL);
	g_assert_cmpint(g_rename(from, to), ==, 0);
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	etq_rules_load_dir(rules, dir, errors);
	g_assert_cmpuint(errors->len, ==, 1);
	char *want = g_strdup_printf("%s:2: unknown stemmer: \"stemmer\" is one of ", to);
	g_assert_true(g_str_has_prefix(g_ptr_array_index(errors, 0), want));
	g_assert_nonnull(strstr(g_ptr_array_index(errors, 0), "english"));
	g_free(want);
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	g_unlink(to);
	g_rmdir(langs);
	g_rmdir(dir);
	g_free(from);
	g_free(to);
	g_free(langs);
	g_free(dir);
}

/* The shipped folder and a user's: read one after the other, the matcher
 * built once, when asked, and holding the phrases of both. */
static void
test_prepare_once(void)
{
	char *dir = folder_with("mine.json",
	           "{\"name\": \"mine\", \"description\": \"x\", \"language\": \"*\", \"rules\": [\n"
	           "{\"id\": \"m\", \"category\": \"x-mine\", \"severity\": \"hint\",\n"
	           " \"match\": [\"(purple|violet) (elephant|walrus) parade\"], \"message\": \"m\",\n"
	           " \"examples\": [\"a violet walrus parade\"], \"counterexamples\": [\"a parade\"]}]}\n");
	EtqRules *rules = etq_rules_new();
	g_assert_cmpuint(etq_rules_load_dir(rules, "rules", NULL), >, 0);
	g_assert_null(rules->matcher);
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, NULL), ==, 1);
	g_assert_null(rules->matcher);
	etq_rules_prepare(rules);
	g_assert_nonnull(rules->matcher);
	g_assert_cmpuint(rules->generation, ==, 1);
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = { .text = "look, a purple walrus parade!", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM,
	                .peer = "pat", .known = ETQ_KNOWN_YES, .t = 1 };
	GPtrArray *found = etq_state_check(st, &ev, NULL);
	gboolean mine = FALSE;
	for (guint i = 0; i < found->len; i++)
		mine |= strcmp(((EtqFinding *)g_ptr_array_index(found, i))->rule, "m") == 0;
	g_assert_true(mine);
	g_assert_cmpuint(rules->generation, ==, 1);
	g_ptr_array_unref(found);
	etq_state_free(st);
	etq_rules_free(rules);
	remove_folder(dir, "mine.json");
}

/* A one-file rule set with a catastrophic pattern is refused at load. */
static void
test_catastrophic_pattern(void)
{
	char *dir = folder_with("evil.json",
	           "{\"name\": \"evil\", \"description\": \"x\", \"language\": \"*\", \"rules\": [\n"
	           "{\"id\": \"e\", \"category\": \"x-evil\", \"severity\": \"hint\",\n"
	           " \"regex\": \"(a+)+$\", \"message\": \"m\", \"examples\": [\"a\"], \"counterexamples\": [\"b\"]}]}\n");
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, errors), ==, 0);
	g_assert_cmpuint(errors->len, ==, 1);
	g_assert_nonnull(strstr(g_ptr_array_index(errors, 0), "evil.json:3: pattern repeats"));
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	remove_folder(dir, "evil.json");
}

/* A pattern that backtracks without end is accepted but bounded: it still
 * matches where it should, and gives up (no finding) on a runaway input. */
static void
test_bounded_pattern(void)
{
	char *dir = folder_with("slow.json",
	           "{\"name\": \"slow\", \"description\": \"x\", \"language\": \"*\", \"rules\": [\n"
	           "{\"id\": \"s\", \"category\": \"x-slow\", \"severity\": \"hint\",\n"
	           " \"regex\": \"^(a|aa)*c\", \"message\": \"m\", \"examples\": [\"aac\"], \"counterexamples\": [\"b\"]}]}\n");
	EtqRules *rules = etq_rules_new();
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, NULL), ==, 1);
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("aaac", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	char *c = cats(etq_state_feed(st, &ev, NULL));
	g_assert_cmpstr(c, ==, "x-slow");
	g_free(c);
	char runaway[80];
	memset(runaway, 'a', sizeof runaway - 2);
	runaway[sizeof runaway - 2] = '!';
	runaway[sizeof runaway - 1] = '\0';
	ev.text = runaway;
	c = cats(etq_state_feed(st, &ev, NULL));
	g_assert_cmpstr(c, ==, "");
	g_free(c);
	etq_state_free(st);
	etq_rules_free(rules);
	remove_folder(dir, "slow.json");
}

/* A language is data: a profile and rule files make a fifth language,
 * and a rule file in a language without a profile is an error. */
static void
test_new_language(void)
{
	char *dir = g_dir_make_tmp("etq-XXXXXX", NULL);
	char *langs = g_build_filename(dir, "languages", NULL);
	char *set = g_build_filename(dir, "salut", NULL);
	const char *files[][2] = {
		{ "languages/fr.json",
		  "{\"language\": \"fr\", \"name\": \"Français\", \"letters\": \"éèçà\",\n"
		  " \"stopwords\": [\"je\", \"ne\", \"pas\", \"et\", \"toi\", \"est\"],\n"
		  " \"langid\": {\"words\": {\"salut\": 2, \"fur\": 2}, \"endings\": {\"eux\": 2}, \"beginnings\": {\"qu'\": 2},\n"
		  "            \"inside\": {\"eau\": 1}},\n"
		  " \"lists\": {\"request\": [\"peux-tu\"], \"offer\": [\"je peux aider\"],\n"
		  "            \"question\": [\"est-ce que\"], \"greeting\": [\"salut\", \"coucou\"]}}\n" },
		{ "salut/set.json", "{\"name\": \"salut\", \"description\": \"x\"}\n" },
		{ "salut/fr.json",
		  "{\"language\": \"fr\", \"rules\": [\n"
		  "{\"id\": \"salut.only\", \"category\": \"bare-greeting\", \"severity\": \"warn\", \"chat\": \"im\",\n"
		  " \"match\": [\"@greeting\"], \"when\": {\"only\": true}, \"message\": \"m\",\n"
		  " \"examples\": [\"salut !\"], \"counterexamples\": [\"salut, tu viens ce soir ?\"]}]}\n" },
		{ "salut/zz.json", "{\"language\": \"zz\",\n \"rules\": []}\n" },
	};
	g_assert_cmpint(g_mkdir(langs, 0700), ==, 0);
	g_assert_cmpint(g_mkdir(set, 0700), ==, 0);
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		char *path = g_build_filename(dir, files[i][0], NULL);
		g_assert_true(g_file_set_contents(path, files[i][1], -1, NULL));
		g_free(path);
	}
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	g_assert_cmpuint(etq_rules_load_dir(rules, FIXTURES, errors), ==, 2);
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, errors), ==, 1);
	g_assert_cmpuint(errors->len, ==, 1);
	char *want = g_strdup_printf("%s/salut/zz.json:1: no language profile \"zz\"", dir);
	g_assert_true(g_str_has_prefix(g_ptr_array_index(errors, 0), want));
	g_free(want);
	const char *const *codes = etq_rule_set_languages(etq_rules_find_set(rules, "salut"));
	g_assert_cmpstr(codes[0], ==, "fr");
	g_assert_null(codes[1]);
	/* each kind of sign tells French on its own; the older languages keep theirs */
	g_assert_cmpstr(etq_rules_language(rules, "je ne sais pas, et toi ?"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "Salut"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "voilà"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "heureux"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "qu'importe"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "saluuut"), ==, "fr"); /* drawn out */
	/* a word of the French rules and lists only */
	g_assert_cmpstr(etq_rules_language(rules, "coucou"), ==, "fr");
	/* code is no one's language */
	g_assert_cmpstr(etq_rules_language(rules, "je ne sais pas: `the you the you`"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "Ich weiß es nicht, und du?"), ==, "de");
	/* words are compared without accents, but one spelt with a letter only one
	 * language has is that language's: "für" is not the French "(au) fur" */
	g_assert_cmpstr(etq_rules_language(rules, "fur"), ==, "fr");
	g_assert_cmpstr(etq_rules_language(rules, "für"), ==, "de");
	/* a stopword only one language has ("ich") outweighs another's word ("salut") */
	g_assert_cmpstr(etq_rules_language(rules, "salut ich"), ==, "de");
	g_assert_cmpuint(etq_rules_self_test(rules, NULL), ==, 0);
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("salut !", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	const char *lang = NULL;
	GPtrArray *found = etq_state_feed(st, &ev, &lang);
	g_assert_cmpstr(lang, ==, "fr");
	g_assert_cmpuint(found->len, ==, 1);
	g_assert_cmpstr(((EtqFinding *)g_ptr_array_index(found, 0))->rule, ==, "salut.only");
	g_ptr_array_unref(found);
	etq_state_free(st);
	etq_rules_free(rules);
	g_ptr_array_unref(errors);
	for (guint i = G_N_ELEMENTS(files); i > 0; i--) {
		char *path = g_build_filename(dir, files[i - 1][0], NULL);
		g_unlink(path);
		g_free(path);
	}
	g_rmdir(langs);
	g_rmdir(set);
	g_rmdir(dir);
	g_free(langs);
	g_free(set);
	g_free(dir);
}

/* A line too short to tell its language takes the conversation's. */
static void
test_conversation_language(Fixture *f, gconstpointer d)
{
	(void)d;
	const char *lang = NULL;
	EtqEvent ev = msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 0);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "und");
	ev = msg("ich weiß es nicht", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 1);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "de");
	ev = msg("haha", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 2);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "de");
	/* another conversation has its own */
	ev = msg("haha", ETQ_DIR_OUT, ETQ_CHAT_IM, "kim", 3);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "und");
	/* what the text tells wins over the conversation's language */
	ev = msg("what is it, could you tell me?", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 4);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "en");
	/* new rules with a language before the others: the conversation keeps its own */
	ev = msg("ich weiß es nicht", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 5);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	char *dir = g_dir_make_tmp("etq-XXXXXX", NULL);
	char *langs = g_build_filename(dir, "languages", NULL);
	char *aa = g_build_filename(langs, "aa.json", NULL);
	g_assert_cmpint(g_mkdir(langs, 0700), ==, 0);
	g_assert_true(g_file_set_contents(aa, "{\"language\": \"aa\", \"stopwords\": [\"qaf\"], \"lists\": "
	                                  "{\"request\": [], \"offer\": [], \"question\": [], \"greeting\": []}}", -1, NULL));
	EtqRules *again = etq_rules_new();
	etq_rules_load_dir(again, dir, NULL);
	etq_rules_load_dir(again, FIXTURES, NULL);
	etq_state_set_rules(f->state, again);
	ev = msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 6);
	g_ptr_array_unref(etq_state_feed(f->state, &ev, &lang));
	g_assert_cmpstr(lang, ==, "de");
	etq_state_set_rules(f->state, f->rules);
	etq_rules_free(again);
	g_unlink(aa);
	g_rmdir(langs);
	g_rmdir(dir);
	g_free(aa);
	g_free(langs);
	g_free(dir);
}

/* A broken override (every file of it broken) keeps the working set. */
static void
test_broken_override(void)
{
	char *dir = g_dir_make_tmp("etq-XXXXXX", NULL);
	char *set_dir = g_build_filename(dir, "basic", NULL);
	g_mkdir(set_dir, 0700);
	char *head = g_build_filename(set_dir, "set.json", NULL), *file = g_build_filename(set_dir, "en.json", NULL);
	g_assert_true(g_file_set_contents(head, "{\"name\": \"basic\", \"description\": \"mine\"}", -1, NULL));
	g_assert_true(g_file_set_contents(file, "{\"language\": \"en\", \"rules\": [", -1, NULL));
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	etq_rules_load_dir(rules, FIXTURES, errors);
	etq_rules_load_dir(rules, dir, errors);
	g_assert_cmpuint(errors->len, ==, 1);
	g_assert_cmpuint(etq_rule_set_n_rules(etq_rules_find_set(rules, "basic")), ==, 7);
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	g_unlink(file);
	g_unlink(head);
	g_rmdir(set_dir);
	g_rmdir(dir);
	g_free(file);
	g_free(head);
	g_free(set_dir);
	g_free(dir);
}

/* A user's folder overrides a shipped set of the same name. */
static void
test_override(void)
{
	char *dir = folder_with("basic.json",
	           "{\"name\": \"basic\", \"description\": \"mine\", \"language\": \"en\", \"rules\": [\n"
	           "{\"id\": \"mine.x\", \"category\": \"x-mine\", \"severity\": \"hint\",\n"
	           " \"match\": [\"salary\"], \"message\": \"m\", \"examples\": [\"what salary?\"], \"counterexamples\": [\"b\"]}]}\n");
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, FIXTURES, NULL);
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, NULL), ==, 1);
	g_assert_cmpuint(etq_rules_n_sets(rules), ==, 2);
	g_assert_cmpstr(etq_rule_set_description(etq_rules_find_set(rules, "basic")), ==, "mine");
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("could you review my cv? what salary?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	char *c = cats(etq_state_feed(st, &ev, NULL));
	g_assert_cmpstr(c, ==, "x-mine");
	g_free(c);
	etq_state_free(st);
	etq_rules_free(rules);
	remove_folder(dir, "basic.json");
}

/* A finding keeps its strings when the rules that made it are freed (the
 * plugin reloads rules while findings wait in a question). */
static void
test_finding_outlives_rules(void)
{
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, FIXTURES, NULL);
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("Could you review my CV?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	GPtrArray *found = etq_state_feed(st, &ev, NULL);
	g_assert_cmpuint(found->len, ==, 1);
	EtqFinding *f = g_ptr_array_steal_index(found, 0);
	g_ptr_array_unref(found);
	etq_state_free(st);
	etq_rules_free(rules);
	g_assert_cmpstr(f->category, ==, "cold-ask");
	g_assert_cmpstr(f->rule, ==, "basic.cold-ask.en");
	etq_finding_free(f);
}

static void
test_version(void)
{
	char *want = g_strdup_printf("%d.%d.%d", ETQ_VERSION_MAJOR, ETQ_VERSION_MINOR, ETQ_VERSION_MICRO);
	g_assert_cmpstr(etq_version(), ==, want);
	g_assert_cmpstr(ETQ_VERSION_STRING, ==, want);
	g_free(want);
}

/* ---- text rules ---- */

static void
test_cold_ask(Fixture *f, gconstpointer d)
{
	(void)d;
	assert_feed(f, msg("Could you REVIEW my C.V.?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0), "");
	assert_feed(f, msg("Could you review my CV?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0), "cold-ask");
	/* after an exchange both ways the same ask is fine */
	assert_feed(f, msg("sure, what's up?", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 1), "");
	assert_feed(f, msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 2), "");
	/* a known contact is fine from the start */
	EtqEvent ev = msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "kim", 3);
	ev.known = ETQ_KNOWN_YES;
	assert_feed(f, ev, "");
	/* an offer clears it */
	assert_feed(f, msg("could you review my cv? happy to return the favour", ETQ_DIR_OUT, ETQ_CHAT_IM, "lee", 4), "");
}

static void
test_span_and_prefix(Fixture *f, gconstpointer d)
{
	(void)d;
	EtqEvent ev = msg("hey, pls recommended me 😀", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	GPtrArray *found = etq_state_feed(f->state, &ev, NULL);
	g_assert_cmpuint(found->len, ==, 1);
	EtqFinding *fi = g_ptr_array_index(found, 0);
	g_assert_cmpstr(fi->rule, ==, "basic.cold-ask.en");
	g_assert_cmpint(fi->span_start, ==, 9);
	g_assert_cmpint(fi->span_end, ==, 23);
	g_assert_cmpstr(fi->message, ==, "You haven't talked with pat before.");
	g_assert_cmpstr(fi->suggestion, ==, "Engage first.");
	g_assert_cmpstr(fi->conv, ==, "pat");
	g_ptr_array_unref(found);
}

static void
test_public_ask(Fixture *f, gconstpointer d)
{
	(void)d;
	EtqEvent ev = msg("anna: could you introduce me to your boss?", ETQ_DIR_OUT, ETQ_CHAT_GROUP, "x", 0);
	ev.known = ETQ_KNOWN_YES;
	assert_feed(f, ev, "public-ask");
	ev.text = "@anna introduce me to him";
	assert_feed(f, ev, "public-ask");
	ev.text = "could anyone introduce me to rust?";
	assert_feed(f, ev, "");
	ev.text = "well, could anyone introduce me to rust?";
	assert_feed(f, ev, "");
	/* a capitalised name straight before a question word or a pronoun of the language */
	ev.text = "Anna could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Anna you could introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "anna could you introduce me to your boss?";
	assert_feed(f, ev, "");
	ev.text = "Rust could introduce me to your boss";
	assert_feed(f, ev, "");
	ev.text = "Well could anyone introduce me to rust?";
	assert_feed(f, ev, "");
	/* a capitalised first word that opens a question is no name */
	ev.text = "Could you introduce me to your boss?";
	assert_feed(f, ev, "");
	/* a capitalised name after the last comma, ending the message */
	ev.text = "could you introduce me to your boss, Anna?";
	assert_feed(f, ev, "public-ask");
	ev.text = "could you introduce me to your boss, Anna 🙏";
	assert_feed(f, ev, "public-ask");
	ev.text = "could you introduce me to your boss, anna?";
	assert_feed(f, ev, "");
	ev.text = "could you introduce me to your boss, Well?";
	assert_feed(f, ev, "");
	ev.text = "could you introduce me to your boss Anna?";
	assert_feed(f, ev, "");
	ev.text = "could you introduce me, Anna, to your boss?";
	assert_feed(f, ev, "");
	/* a name after a greeting, alone in its sentence */
	ev.text = "hi Anna! could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "hi Anna. could anyone introduce me to rust?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Rust! could anyone introduce me to rust?";
	assert_feed(f, ev, "");
	/* a title of a language's list and a name before a comma or colon */
	ev.text = "Mrs Weber, could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Dr. Rossi: could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Mrs weber, could you introduce me to your boss?";
	assert_feed(f, ev, "");
	ev.text = "Happy Birthday, could you introduce me to your boss?";
	assert_feed(f, ev, "");
	/* a title of several words, a phrase of the list: "(prof|professor) (dr|doctor)?" */
	ev.text = "Prof. Dr. Rossi, could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Professor Rossi: could you introduce me to your boss?";
	assert_feed(f, ev, "public-ask");
	ev.text = "Prof. Dr. rossi, could you introduce me to your boss?";
	assert_feed(f, ev, "");
}

static void
test_bare_greeting(Fixture *f, gconstpointer d)
{
	(void)d;
	assert_feed(f, msg("Hey pat!! 👋", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0), "bare-greeting");
	assert_feed(f, msg("hi, can you help me with the build?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 1), "");
	assert_feed(f, msg("hi", ETQ_DIR_OUT, ETQ_CHAT_GROUP, "pat", 2), "");
	/* emoji sequences are no words: a variation selector (☀️), a skin tone
	 * (👋🏽), a ZWJ sequence (👩‍💻) or a keycap (#️⃣) after a greeting leaves it
	 * a bare greeting, while a letter with a combining accent stays a word */
	assert_feed(f, msg("hello \u2600\uFE0F", ETQ_DIR_OUT, ETQ_CHAT_IM, "sam", 3), "bare-greeting");
	assert_feed(f, msg("hi \U0001F44B\U0001F3FD", ETQ_DIR_OUT, ETQ_CHAT_IM, "kim", 4), "bare-greeting");
	assert_feed(f, msg("hey \U0001F469\u200D\U0001F4BB!", ETQ_DIR_OUT, ETQ_CHAT_IM, "lou", 5), "bare-greeting");
	assert_feed(f, msg("hello #\uFE0F\u20E3", ETQ_DIR_OUT, ETQ_CHAT_IM, "max", 6), "bare-greeting");
	assert_feed(f, msg("hi \uFE0Fpat\uFE0F", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 7), "bare-greeting");
	assert_feed(f, msg("hi ce\u0301line", ETQ_DIR_OUT, ETQ_CHAT_IM, "kai", 8), "");
}

static void
test_direction_and_language(Fixture *f, gconstpointer d)
{
	(void)d;
	assert_feed(f, msg("I shared your post!", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", 0), "say-thanks");
	assert_feed(f, msg("I shared your post!", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 1), "");
	/* in a group, what is said to someone else is not for the user */
	assert_feed(f, msg("bob: I shared your post", ETQ_DIR_IN, ETQ_CHAT_GROUP, "pat", 2), "");
	assert_feed(f, msg("alex: I shared your post", ETQ_DIR_IN, ETQ_CHAT_GROUP, "pat", 3), "say-thanks");
	/* a German rule does not fire on English text and vice versa */
	assert_feed(f, msg("is the lebenslauf ok, could you say?", ETQ_DIR_OUT, ETQ_CHAT_IM, "q", 4), "");
	assert_feed(f, msg("kannst du bitte meinen Lebenslauf lesen", ETQ_DIR_OUT, ETQ_CHAT_IM, "r", 5), "cold-ask");
	g_assert_cmpstr(etq_rules_language(f->rules, "Ich weiß es nicht, und du?"), ==, "de");
	g_assert_cmpstr(etq_rules_language(f->rules, "what is it, could you tell me?"), ==, "en");
	g_assert_cmpstr(etq_rules_language(f->rules, "xyzzy"), ==, "und");
}

static void
test_placeholders_and_custom(Fixture *f, gconstpointer d)
{
	(void)d;
	assert_feed(f, msg("Hi [ Name ], great to meet you", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0), "generic");
	assert_feed(f, msg("Dear ____, great to meet you", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 1), "generic");
	assert_feed(f, msg("see www.example.org", ETQ_DIR_OUT, ETQ_CHAT_IM, "new", 2), "x-link-first");
	assert_feed(f, msg("see www.example.org", ETQ_DIR_OUT, ETQ_CHAT_IM, "new", 3), "");
}

static void
test_toggle_set(Fixture *f, gconstpointer d)
{
	(void)d;
	g_assert_true(etq_rules_set_enabled(f->rules, "basic", FALSE));
	assert_feed(f, msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0), "");
	g_assert_true(etq_rules_set_enabled(f->rules, "basic", TRUE));
	assert_feed(f, msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat2", 1), "cold-ask");
}

/* check() looks without remembering: a held message leaves no trace. */
static void
test_check_does_not_record(Fixture *f, gconstpointer d)
{
	(void)d;
	EtqEvent ev = msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	for (int i = 0; i < 3; i++) {
		char *c = cats(etq_state_check(f->state, &ev, NULL));
		g_assert_cmpstr(c, ==, "cold-ask");
		g_free(c);
	}
	g_assert_cmpuint(etq_state_n_conversations(f->state), ==, 0);
	g_ptr_array_unref(etq_state_record(f->state, &ev));
	g_assert_cmpuint(etq_state_n_conversations(f->state), ==, 1);
}

/* A sent message is checked, then recorded (the plugin's way): the same
 * findings and state as feeding it, also when the text comes back at
 * another address or changed in between. */
static void
test_check_then_record(Fixture *f, gconstpointer d)
{
	(void)d;
	const char *texts[] = { "could you review my cv?", "hi pat, sure, send it over",
	                        "could you review my cv?", "Dear ___, I would love to connect",
	                        "new blog post about our release is up, have a look", NULL };
	const EtqDirection dirs[] = { ETQ_DIR_OUT, ETQ_DIR_IN, ETQ_DIR_OUT, ETQ_DIR_OUT, ETQ_DIR_OUT };
	EtqState *two_step = etq_state_new(f->rules, NULL);
	GString *all = g_string_new(NULL);
	for (int round = 0; round < 3; round++)
		for (int i = 0; texts[i]; i++) {
			char peer[16];
			g_snprintf(peer, sizeof peer, "pat%d", round);
			EtqEvent ev = msg(texts[i], dirs[i], ETQ_CHAT_IM, peer, round * 10 + i);
			const char *l1, *l2;
			char *fed = cats(etq_state_feed(f->state, &ev, &l1));
			char *checked = cats(etq_state_check(two_step, &ev, &l2));
			char *copy = g_strdup(texts[i]); /* the same bytes elsewhere */
			ev.text = copy;
			g_ptr_array_unref(etq_state_record(two_step, &ev));
			g_free(copy);
			g_assert_cmpstr(checked, ==, fed);
			g_assert_cmpstr(l2, ==, l1);
			g_string_append_printf(all, "%s;", fed);
			g_free(fed);
			g_free(checked);
		}
	g_assert_nonnull(strstr(all->str, "cold-ask")); /* the comparison saw findings */
	g_string_free(all, TRUE);
	/* checked one text, recorded another: the recorded one counts */
	EtqEvent ask = msg("could you review my cv?", ETQ_DIR_OUT, ETQ_CHAT_IM, "sam", 50);
	EtqEvent reply = msg("sure", ETQ_DIR_IN, ETQ_CHAT_IM, "sam", 51);
	g_ptr_array_unref(etq_state_check(two_step, &ask, NULL));
	g_ptr_array_unref(etq_state_record(two_step, &reply));
	g_ptr_array_unref(etq_state_record(two_step, &ask));
	ask.t = 52;
	char *c = cats(etq_state_check(two_step, &ask, NULL));
	g_assert_cmpstr(c, ==, ""); /* engaged: both ways */
	g_free(c);
	etq_state_free(two_step);
}

/* ---- conversational detectors ---- */

static void
test_unanswered(Fixture *f, gconstpointer d)
{
	(void)d;
	assert_feed(f, msg("what time is the call?", ETQ_DIR_IN, ETQ_CHAT_IM, "kim", 0), "");
	g_assert_cmpint(etq_state_next_deadline(f->state), ==, 600);
	assert_tick(f, 599, "");
	assert_tick(f, 600, "unanswered");
	assert_tick(f, 1200, ""); /* once */
	/* a reply in time cancels it */
	assert_feed(f, msg("how are you", ETQ_DIR_IN, ETQ_CHAT_IM, "lee", 1300), "");
	assert_feed(f, msg("fine!", ETQ_DIR_OUT, ETQ_CHAT_IM, "lee", 1400), "");
	assert_tick(f, 5000, "");
	g_assert_cmpint(etq_state_next_deadline(f->state), ==, -1);
	/* due timers fire at the next event of any kind */
	assert_feed(f, msg("can you call me?", ETQ_DIR_IN, ETQ_CHAT_IM, "max", 6000), "");
	assert_feed(f, msg("hello there", ETQ_DIR_IN, ETQ_CHAT_IM, "other", 6700), "unanswered");
}

static void
test_unanswered_group(Fixture *f, gconstpointer d)
{
	(void)d;
	EtqEvent q = msg("what is the plan?", ETQ_DIR_IN, ETQ_CHAT_GROUP, "kim", 0);
	q.conv = "#rust";
	assert_feed(f, q, ""); /* to the room, not to the user */
	q.text = "alex: what is the plan?";
	q.t = 10;
	assert_feed(f, q, "");
	assert_tick(f, 700, "unanswered");
}

static void
test_over_engagement(Fixture *f, gconstpointer d)
{
	(void)d;
	for (int i = 1; i <= 5; i++)
		assert_feed(f, msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "fan", i), "");
	assert_feed(f, msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "fan", 6), "over-engagement");
	assert_feed(f, msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "fan", 7), "");
	/* a lively two-way chat never fires */
	for (int i = 0; i < 20; i++) {
		assert_feed(f, msg("haha", ETQ_DIR_IN, ETQ_CHAT_IM, "friend", 10 + i), "");
		if (i % 3 == 2)
			assert_feed(f, msg("sure", ETQ_DIR_OUT, ETQ_CHAT_IM, "friend", 10 + i), "");
	}
}

static void
test_cross_post(Fixture *f, gconstpointer d)
{
	(void)d;
	const char *convs[] = { "#a", "#b", "#b", "#c", "#d" };
	const char *texts[] = { "Join my webinar on Friday https://x.y/1", "join my WEBINAR on friday https://x.y/2",
	                        "join my webinar on friday http://z", "Join my  webinar on Friday! www.q",
	                        "join my webinar on friday" };
	const char *expect[] = { "", "", "", "cross-post", "" };
	for (int i = 0; i < 5; i++) {
		EtqEvent ev = msg(texts[i], ETQ_DIR_OUT, ETQ_CHAT_GROUP, "x", i);
		ev.conv = convs[i];
		ev.known = ETQ_KNOWN_YES;
		assert_feed(f, ev, expect[i]);
	}
	/* short courtesies never count */
	const char *c3[] = { "#a", "#b", "#c" };
	for (int i = 0; i < 3; i++) {
		EtqEvent ev = msg("thanks a lot!", ETQ_DIR_OUT, ETQ_CHAT_GROUP, "x", 10 + i);
		ev.conv = c3[i];
		assert_feed(f, ev, "");
	}
	/* outside the window it is a new post */
	for (int i = 0; i < 3; i++) {
		EtqEvent ev = msg("a long enough message to be counted here", ETQ_DIR_OUT, ETQ_CHAT_GROUP, "x", 100 + i * 400);
		ev.conv = c3[i];
		assert_feed(f, ev, "");
	}
}

static void
test_bounded_conversations(void)
{
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, FIXTURES, NULL);
	EtqConfig cfg;
	etq_config_init(&cfg);
	cfg.max_conversations = 50;
	EtqState *st = etq_state_new(rules, &cfg);
	for (int i = 0; i < 10000; i++) {
		char peer[32];
		g_snprintf(peer, sizeof peer, "peer%d", i);
		EtqEvent ev = msg("what's up?", ETQ_DIR_IN, ETQ_CHAT_IM, peer, i);
		g_ptr_array_unref(etq_state_feed(st, &ev, NULL));
		g_assert_cmpuint(etq_state_n_conversations(st), <=, 50);
	}
	etq_state_forget(st, "peer9999");
	g_assert_cmpuint(etq_state_n_conversations(st), ==, 49);
	etq_state_free(st);
	etq_rules_free(rules);
}

/* ---- odd input: never a crash, never a hang ---- */

static void
test_odd_input(Fixture *f, gconstpointer d)
{
	(void)d;
	const char *odd[] = { "", "\xff\xfe\xfd invalid \xc3", "<b>bold</b> &amp; <a href='x'>",
	                      "\xe2\x80\x99\xe2\x80\x99@@@:::,,,", "@", "a:", "???",
	                      "www.(\xff?", "https://x/[\xc3 name]", NULL };
	for (int i = 0; odd[i]; i++) {
		EtqEvent ev = msg(odd[i], i % 2 ? ETQ_DIR_IN : ETQ_DIR_OUT, ETQ_CHAT_GROUP, "x", i);
		g_ptr_array_unref(etq_state_feed(f->state, &ev, NULL));
	}
	EtqEvent ev = msg(NULL, ETQ_DIR_OUT, ETQ_CHAT_IM, NULL, 10);
	ev.me = NULL;
	g_ptr_array_unref(etq_state_feed(f->state, &ev, NULL));
	GString *huge = g_string_new("could you review my cv? ");
	while (huge->len < 1024 * 1024)
		g_string_append(huge, "word [Name] ___ \xff https://x.y ");
	ev = msg(huge->str, ETQ_DIR_OUT, ETQ_CHAT_IM, "big", 20);
	char *c = cats(etq_state_feed(f->state, &ev, NULL));
	g_assert_cmpstr(c, ==, "generic cold-ask x-link-first"); /* in the rules' file order */
	g_free(c);
	g_string_free(huge, TRUE);
}

/* ---- rule language v2: near, ignore, exclude, placeholders, directions ---- */

#define V2_FIXTURES "tests/fixtures/v2"

static EtqRules *
v2_rules(void)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, FIXTURES, errors);
	g_assert_cmpuint(etq_rules_load_dir(rules, V2_FIXTURES, errors), ==, 1);
	g_assert_cmpuint(errors->len, ==, 0);
	g_ptr_array_unref(errors);
	etq_rules_set_enabled(rules, "basic", FALSE); /* its profiles only */
	return rules;
}

static int
compare_words(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The categories one message raises, with a fresh state, sorted. */
static char *
fired(EtqRules *rules, const char *text, EtqDirection dir)
{
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg(text, dir, ETQ_CHAT_IM, "pat", 0);
	ev.known = ETQ_KNOWN_YES;
	char *c = cats(etq_state_feed(st, &ev, NULL));
	etq_state_free(st);
	char **words = g_strsplit(c, " ", -1);
	qsort(words, g_strv_length(words), sizeof *words, compare_words);
	char *sorted = g_strjoinv(" ", words);
	g_strfreev(words);
	g_free(c);
	return sorted;
}

#define assert_fired(rules, text, dir, expected) G_STMT_START { \
	char *_c = fired(rules, text, dir); \
	if (g_strcmp0(_c, expected) != 0) \
		g_error("\"%s\": got \"%s\", want \"%s\"", text, _c, expected); \
	g_free(_c); \
} G_STMT_END

/* The same id once per language; its examples pass. */
static void
test_v2_ids_per_language(void)
{
	EtqRules *rules = v2_rules();
	g_assert_cmpuint(etq_rule_set_n_rules(etq_rules_find_set(rules, "careful")), ==, 7);
	g_assert_cmpuint(etq_rules_self_test(rules, NULL), ==, 0);
	etq_rules_free(rules);
}

static void
test_v2_near(void)
{
	EtqRules *rules = v2_rules();
	assert_fired(rules, "could you review my cv", ETQ_DIR_OUT, "x-near x-negated x-quoted");
	/* "could you" is 7 words away: too far */
	assert_fired(rules, "could you tell me the time, then I will review my cv", ETQ_DIR_OUT, "x-negated x-quoted");
	/* "later" in another sentence does not cancel; in the same one it does */
	assert_fired(rules, "could you review my cv? later is fine", ETQ_DIR_OUT, "x-near x-negated x-quoted");
	assert_fired(rules, "could you review my cv later", ETQ_DIR_OUT, "x-negated x-quoted");
	etq_rules_free(rules);
}

/* min_words: a short line is not read by the rule */
static void
test_v2_min_words(void)
{
	EtqRules *rules = v2_rules();
	assert_fired(rules, "send me the answers to the quiz", ETQ_DIR_OUT, "x-long");
	assert_fired(rules, "send me that", ETQ_DIR_OUT, "");
	/* <laugh>: a laughing emoji anywhere, not a nervous one */
	assert_fired(rules, "send me the answers to the quiz \xf0\x9f\x98\x82", ETQ_DIR_OUT, "");
	assert_fired(rules, "send me the answers \xf0\x9f\xa4\xa3 to the quiz", ETQ_DIR_OUT, "");
	assert_fired(rules, "send me the answers to the quiz \xf0\x9f\x98\x85", ETQ_DIR_OUT, "x-long");
	etq_rules_free(rules);
}

/* max_words: a long line is not read by the rule (a curt order is short) */
static void
test_v2_max_words(void)
{
	EtqRules *rules = v2_rules();
	assert_fired(rules, "invoices. tonight.", ETQ_DIR_OUT, "x-short");
	assert_fired(rules, "the invoices, tonight please", ETQ_DIR_OUT, "x-short");
	assert_fired(rules, "the invoices for march are in the shared folder", ETQ_DIR_OUT, "");
	etq_rules_free(rules);
}

static void
test_v2_ignore(void)
{
	EtqRules *rules = v2_rules();
	static const char *const unread[] = {
		"he wrote \"review my cv\" to everyone", "she said \xe2\x80\x9creview my cv\xe2\x80\x9d",
		"he wrote \xe2\x80\x9ereview my cv\xe2\x80\x9c", "\xc2\xabreview my cv\xc2\xbb, he said",
		"I said 'review my cv' twice", "type `review my cv` there", "```\nreview my cv\n```", NULL };
	for (const char *const *t = unread; *t; t++)
		assert_fired(rules, *t, ETQ_DIR_OUT, "x-negated");
	/* an apostrophe is not a quote */
	assert_fired(rules, "it's late, review my cv", ETQ_DIR_OUT, "x-negated x-quoted");
	assert_fired(rules, "the students' list: review my cv", ETQ_DIR_OUT, "x-negated x-quoted");
	etq_rules_free(rules);
}

static void
test_v2_exclude(void)
{
	EtqRules *rules = v2_rules();
	assert_fired(rules, "no need to review my cv", ETQ_DIR_OUT, "x-quoted");
	assert_fired(rules, "he asked me to review my cv", ETQ_DIR_OUT, "x-quoted");
	/* the scope ends with the sentence, and a negation after the match does not count */
	assert_fired(rules, "no need to hurry. review my cv", ETQ_DIR_OUT, "x-negated x-quoted");
	assert_fired(rules, "review my cv, no need to hurry", ETQ_DIR_OUT, "x-negated x-quoted");
	assert_fired(rules, "kannst du meinen lebenslauf lesen?", ETQ_DIR_OUT, "x-negated");
	assert_fired(rules, "du musst nicht meinen lebenslauf lesen", ETQ_DIR_OUT, "");
	assert_fired(rules, "sie hat gefragt ob du meinen lebenslauf liest", ETQ_DIR_OUT, "");
	etq_rules_free(rules);
}

static void
test_v2_placeholders(void)
{
	EtqRules *rules = v2_rules();
	static const char *const slots[] = {
		"Hi [Name], hope you are well", "Hey {first_name}, quick question", "Hello <NAME>, an offer",
		"Ciao %FIRSTNAME%, ho visto", "Hallo {{vorname}}, wie geht's?", "Hi $FIRST_NAME, great",
		"Dear ___, I came across your profile", "Hi { person name }, I saw", "apply here: [LINK]",
		"Hi NAME, I saw your profile", "Hallo VORNAME, wie geht es?", "I work at [your company name] now",
		"Hi (first name), nice to meet you", NULL };
	for (const char *const *t = slots; *t; t++)
		assert_fired(rules, *t, ETQ_DIR_OUT, "x-template");
	static const char *const not_slots[] = {
		"-___- oh well", "^___^ sure", "my_var__name is fine", "the mail said \"Hi [Name]\"",
		"use `Hi {name}` in the file", "printf(\"Hi %s\", name) prints it", "echo ${name} and $HOME",
		"f\"Hi {name}\" is an f-string", "WHAT IS YOUR NAME", "[edit: fixed the link]", "see [1] and [2]",
		"<b>bold</b> text", "I got 50% of the name right, 20% wrong", NULL };
	for (const char *const *t = not_slots; *t; t++)
		assert_fired(rules, *t, ETQ_DIR_OUT, "");
	etq_rules_free(rules);
}

/* One rule, a text per direction. */
static void
test_v2_directions(void)
{
	EtqRules *rules = v2_rules();
	EtqState *st = etq_state_new(rules, NULL);
	EtqEvent ev = msg("Hi [Name], an offer", ETQ_DIR_OUT, ETQ_CHAT_IM, "pat", 0);
	GPtrArray *found = etq_state_feed(st, &ev, NULL);
	g_assert_cmpuint(found->len, ==, 1);
	EtqFinding *fi = g_ptr_array_index(found, 0);
	g_assert_cmpstr(fi->rule, ==, "careful.template");
	g_assert_cmpstr(fi->message, ==, "This reads like a template.");
	g_assert_cmpstr(fi->suggestion, ==, "Use their name.");
	g_assert_cmpint(fi->span_start, ==, 3);
	g_assert_cmpint(fi->span_end, ==, 9);
	g_ptr_array_unref(found);
	ev.dir = ETQ_DIR_IN;
	found = etq_state_feed(st, &ev, NULL);
	g_assert_cmpuint(found->len, ==, 1);
	fi = g_ptr_array_index(found, 0);
	g_assert_cmpstr(fi->message, ==, "pat sent a template.");
	g_assert_null(fi->suggestion);
	g_assert_cmpint(fi->severity, ==, ETQ_SEVERITY_HINT);
	g_ptr_array_unref(found);
	etq_state_free(st);
	etq_rules_free(rules);
}

/* Each mistake of the v2 fields is reported at its line. */
static void
test_v2_errors(void)
{
	static const struct { const char *rule, *error; } cases[] = {
		{ "\"match\": [\"a b\"], \"also\": [\"c\"], \"near\": {\"also\": 0},",
		  "x.json:3: \"also\" must be a number of words from 1 to 50, or \"sentence\"" },
		{ "\"match\": [\"a b\"], \"near\": {\"unless\": \"sentence\"},",
		  "x.json:3: \"near\" gives \"unless\" but the rule has no such phrases" },
		{ "\"match\": [\"a b\"], \"near\": {\"match\": 3},",
		  "x.json:3: \"near\" applies to \"also\" and \"unless\", not \"match\"" },
		{ "\"match\": [\"a b\"], \"ignore\": [\"comments\"],",
		  "x.json:3: \"ignore\" must be a list of \"quotes\" and \"code\"" },
		{ "\"match\": [\"a b\"], \"message_in\": \"m\",",
		  "x.json:3: \"message_in\" on a rule that never sees incoming messages" },
		{ "\"match\": [\"a b\"], \"min_words\": 0,",
		  "x.json:3: \"min_words\" must be a whole number from 1 to 100" },
		{ "\"match\": [\"a b\"], \"max_words\": 1.5,",
		  "x.json:3: \"max_words\" must be a whole number from 1 to 100" },
		{ "\"match\": [\"a b\"], \"min_words\": 4, \"max_words\": 3,",
		  "x.json:3: \"max_words\" is below \"min_words\": no message would do" },
		{ "\"match\": [\"a b\"], \"exclude\": [\"@nothing\"],",
		  "x.json:3: no list \"@nothing\" in this file or the language profile" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *text = g_strdup_printf("{\"name\": \"x\", \"description\": \"x\", \"language\": \"en\", \"rules\": [\n"
		                             "{\"id\": \"x.one\", \"category\": \"x-one\", \"severity\": \"hint\",\n"
		                             " %s \"message\": \"m\", \"examples\": [\"a b\"], \"counterexamples\": [\"c\"]}]}\n",
		                             cases[i].rule);
		char *dir = folder_with("x.json", text);
		EtqRules *rules = etq_rules_new();
		GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
		etq_rules_load_dir(rules, FIXTURES, errors);
		etq_rules_load_dir(rules, dir, errors);
		g_assert_cmpuint(errors->len, ==, 1);
		const char *got = g_ptr_array_index(errors, 0);
		if (!g_str_has_suffix(got, cases[i].error))
			g_error("got \"%s\", want \"…%s\"", got, cases[i].error);
		g_ptr_array_unref(errors);
		etq_rules_free(rules);
		remove_folder(dir, "x.json");
		g_free(text);
	}
}

/* The same id twice in one language is refused; a phrase twice in a slot
 * (here through a list) is reported by the self-test with the rule's line. */
static void
test_v2_duplicates(void)
{
	char *dir = folder_with("x.json",
	           "{\"name\": \"x\", \"description\": \"x\", \"language\": \"en\",\n"
	           " \"lists\": {\"asks\": [\"review my cv\", \"pick your brain\"]}, \"rules\": [\n"
	           "{\"id\": \"x.one\", \"category\": \"x-one\", \"severity\": \"hint\",\n"
	           " \"match\": [\"@asks\", \"Review  my CV\"], \"message\": \"m\", \"examples\": [\"review my cv\"], \"counterexamples\": [\"c\"]},\n"
	           "{\"id\": \"x.one\", \"category\": \"x-one\", \"severity\": \"hint\",\n"
	           " \"match\": [\"salary\"], \"message\": \"m\", \"examples\": [\"salary\"], \"counterexamples\": [\"c\"]}]}\n");
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	etq_rules_load_dir(rules, FIXTURES, errors); /* the profile of "en" */
	etq_rules_load_dir(rules, dir, errors);
	g_assert_cmpuint(errors->len, ==, 1);
	g_assert_true(g_str_has_suffix(g_ptr_array_index(errors, 0), "x.json:5: rule id \"x.one\" is used twice in one language"));
	etq_rules_free(rules);
	remove_folder(dir, "x.json");
	dir = folder_with("x.json",
	           "{\"name\": \"x\", \"description\": \"x\", \"language\": \"en\",\n"
	           " \"lists\": {\"asks\": [\"review my cv\", \"pick your brain\"]}, \"rules\": [\n"
	           "{\"id\": \"x.one\", \"category\": \"x-one\", \"severity\": \"hint\",\n"
	           " \"match\": [\"@asks\", \"Review  my CV\"], \"message\": \"m\", \"examples\": [\"review my cv\"], \"counterexamples\": [\"c\"]}]}\n");
	rules = etq_rules_new();
	g_ptr_array_set_size(errors, 0);
	etq_rules_load_dir(rules, FIXTURES, errors);
	g_assert_cmpuint(etq_rules_load_dir(rules, dir, errors), ==, 1);
	g_assert_cmpuint(etq_rules_self_test(rules, errors), ==, 1);
	g_assert_true(g_str_has_suffix(g_ptr_array_index(errors, 0),
	              "/x.json:3: rule x.one has the phrase \"Review  my CV\" twice in \"match\" (check its lists)"));
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	remove_folder(dir, "x.json");
}

int
main(int argc, char **argv)
{
	g_setenv("LANGUAGE", "en", TRUE);
	g_test_init(&argc, &argv, NULL);
#define T(path, fn) g_test_add("/core/" path, Fixture, NULL, setup, fn, teardown)
	T("load/sets", test_load_sets);
	g_test_add_func("/core/load/broken-files", test_broken_files);
	g_test_add_func("/core/load/json-as-cjson", test_json_as_cjson);
	g_test_add_func("/core/load/catastrophic-pattern", test_catastrophic_pattern);
	g_test_add_func("/core/load/override", test_override);
	g_test_add_func("/core/load/bounded-pattern", test_bounded_pattern);
	g_test_add_func("/core/load/broken-override", test_broken_override);
	g_test_add_func("/core/phrase/alternatives", test_phrase_alternatives);
	g_test_add_func("/core/phrase/gaps", test_phrase_gaps);
	g_test_add_func("/core/phrase/stems", test_phrase_stems);
	g_test_add_func("/core/phrase/prefixes", test_phrase_prefixes);
	g_test_add_func("/core/phrase/errors", test_phrase_errors);
	g_test_add_func("/core/phrase/many-alternatives", test_phrase_many_alternatives);
	g_test_add_func("/core/rules/prepare-once", test_prepare_once);
	g_test_add_func("/core/phrase/unknown-stemmer", test_unknown_stemmer);
	g_test_add_func("/core/load/new-language", test_new_language);
	g_test_add_func("/core/api/finding-outlives-rules", test_finding_outlives_rules);
	g_test_add_func("/core/api/version", test_version);
	T("text/cold-ask", test_cold_ask);
	T("text/span-and-prefix", test_span_and_prefix);
	T("text/public-ask", test_public_ask);
	T("text/bare-greeting", test_bare_greeting);
	T("text/direction-and-language", test_direction_and_language);
	T("state/conversation-language", test_conversation_language);
	T("text/placeholders-and-custom", test_placeholders_and_custom);
	T("text/toggle-set", test_toggle_set);
	T("state/check-does-not-record", test_check_does_not_record);
	T("state/check-then-record", test_check_then_record);
	T("state/unanswered", test_unanswered);
	T("state/unanswered-group", test_unanswered_group);
	T("state/over-engagement", test_over_engagement);
	T("state/cross-post", test_cross_post);
	g_test_add_func("/core/state/bounded", test_bounded_conversations);
	T("input/odd", test_odd_input);
	g_test_add_func("/core/v2/ids-per-language", test_v2_ids_per_language);
	g_test_add_func("/core/v2/near", test_v2_near);
	g_test_add_func("/core/v2/ignore", test_v2_ignore);
	g_test_add_func("/core/v2/min-words", test_v2_min_words);
	g_test_add_func("/core/v2/max-words", test_v2_max_words);
	g_test_add_func("/core/v2/exclude", test_v2_exclude);
	g_test_add_func("/core/v2/placeholders", test_v2_placeholders);
	g_test_add_func("/core/v2/directions", test_v2_directions);
	g_test_add_func("/core/v2/errors", test_v2_errors);
	g_test_add_func("/core/v2/duplicates", test_v2_duplicates);
	return g_test_run();
}
