/* fuzz-match.c — the fast matcher against the plain reference (reference.c).
 *
 * The input's bytes choose a rule set (phrases in the whole v2 grammar from
 * a small vocabulary of words that share prefixes, stems and hyphens, and
 * patterns such as an optional first group), two language profiles with
 * stemmers, and a few messages from the same vocabulary. Each message is
 * matched by the core and by the reference; any difference in a rule's slot
 * hits, its match span, the greeting, question and title words, the stopword
 * counts or the findings (category, rule, span) aborts with both answers.
 *
 * FUZZ_MATCH_SHOW=1 prints the rules and messages of every input.
 *
 * Seeds: tests/fuzz/seeds/match/ (any bytes do; the seeds reach stems,
 * groups and gaps sooner). */
#include <unistd.h>
#include "fuzz-common.h"
#include <cJSON.h>
#include "reference.h"
#include "phrase.h"

static char *root;

static const char *const vocab[] = {
	"co", "op", "co-op", "coop", "cooperate", "review", "reviews", "reviewed", "reviewing", "my", "cv",
	"can", "could", "you", "please", "job", "jobs", "role", "roles", "at", "your", "recommend",
	"recommends", "recommended", "recommending", "recommendation", "empfehlen", "empfehle",
	"empfehlung", "mich", "ich", "dying", "die", "happy", "happiness", "perché", "Straße", "strasse",
	"l'amico", "it's", "a", "ab", "abc", "abcd", "hi", "hello", "there", "the", "Hallo", "kannst", "du",
	"RECOMMENDED", "Co-Op", "café", "cafe", "naïve", "x",
};
static const char *const links[] = { "http://ex.am/ple", "www.co-op.org" };
static const char *const seps[] = { " ", " ", " ", ", ", "-", "? ", "!", "\n", "'", " … ", "@", ": ", " \xf0\x9f\x98\x82 " };
/* Patterns whose first part may be absent, and plain ones; W is a word. */
static const char *const regex_forms[] = {
	"(?:W)?W", "(W)*W", "(W)?W", "W?W", "\\bW\\b", "[{\\[]W[}\\]]", "^W", "W$", "W|W", "(?i)W", "\\?",
	"W(?=W)", "[a-c]W", "(?:W|W)W",
};

typedef struct {
	const guint8 *p;
	gsize left;
} Bytes;

static guint
pick(Bytes *b, guint n)
{
	if (!b->left || n == 0)
		return 0;
	b->left--;
	return *b->p++ % n;
}

static const char *
word(Bytes *b)
{
	return vocab[pick(b, G_N_ELEMENTS(vocab))];
}

static void
add_word_piece(Bytes *b, GString *out)
{
	const char *w = word(b);
	switch (pick(b, 6)) {
	case 0: /* a prefix: the word cut after 3 or more ASCII bytes */
		if (strlen(w) >= 3 && (guchar)w[2] < 0x80) {
			g_string_append_len(out, w, 3 + pick(b, strlen(w) - 2));
			g_string_append_c(out, '*');
			return;
		}
		break;
	case 1:
		g_string_append_c(out, '~');
		break;
	}
	g_string_append(out, w);
}

/* A group of one to three ways, optional or not; a way may hold a group
 * itself (ways that meet again after the inner group, then the outer). */
static void
add_group(Bytes *b, GString *out, int depth)
{
	guint alts = 1 + pick(b, 3);
	g_string_append_c(out, '(');
	for (guint a = 0; a < alts; a++) {
		if (a)
			g_string_append_c(out, '|');
		add_word_piece(b, out);
		switch (pick(b, 4)) {
		case 0:
			g_string_append_c(out, ' ');
			add_word_piece(b, out);
			break;
		case 1:
			if (depth < 2) {
				g_string_append_c(out, ' ');
				add_group(b, out, depth + 1);
				if (pick(b, 2)) {
					g_string_append_c(out, ' ');
					add_word_piece(b, out);
				}
			}
			break;
		}
	}
	g_string_append(out, pick(b, 2) ? ")?" : ")");
}

static void
add_phrase(Bytes *b, GString *out)
{
	guint n = 1 + pick(b, 4);
	for (guint i = 0; i < n; i++) {
		if (i)
			g_string_append_c(out, ' ');
		switch (i ? pick(b, 6) : 5 - pick(b, 2)) {
		case 0:
			g_string_append(out, "*");
			break;
		case 1:
			g_string_append_printf(out, "*%u-%u", pick(b, 2), 1 + pick(b, 3));
			break;
		case 2:
		case 4:
			add_group(b, out, 0);
			break;
		default:
			add_word_piece(b, out);
		}
	}
}

/* A phrase the grammar takes (the loader would refuse the whole file). */
static void
add_valid_phrase(Bytes *b, cJSON *arr)
{
	GString *s = g_string_new(NULL);
	add_phrase(b, s);
	if (etq_phrase_problem(s->str)) {
		g_string_truncate(s, 0);
		g_string_append(s, word(b));
	}
	cJSON_AddItemToArray(arr, cJSON_CreateString(s->str));
	g_string_free(s, TRUE);
}

static char *
make_regex(Bytes *b)
{
	const char *form = regex_forms[pick(b, G_N_ELEMENTS(regex_forms))];
	GString *s = g_string_new(NULL);
	for (const char *p = form; *p; p++) {
		if (*p != 'W') {
			g_string_append_c(s, *p);
			continue;
		}
		char *esc = g_regex_escape_string(word(b), -1);
		g_string_append(s, esc);
		g_free(esc);
	}
	return g_string_free(s, FALSE);
}

static cJSON *
phrases(Bytes *b, guint max)
{
	cJSON *arr = cJSON_CreateArray();
	guint n = 1 + pick(b, max);
	for (guint i = 0; i < n; i++) {
		guint k = pick(b, 12);
		if (k == 0)
			cJSON_AddItemToArray(arr, cJSON_CreateString("?"));
		else if (k == 1)
			cJSON_AddItemToArray(arr, cJSON_CreateString("<link>"));
		else if (k == 2)
			cJSON_AddItemToArray(arr, cJSON_CreateString("<laugh>"));
		else
			add_valid_phrase(b, arr);
	}
	return arr;
}

static const char *const categories[] = { "cold-ask", "generic", "x-one", "x-two" };

/* A rules file of language lang ("en" or "*"); regexes: rule id -> pattern. */
static char *
make_rules(Bytes *b, const char *lang, const char *prefix, GHashTable *regexes)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddStringToObject(root, "language", lang);
	cJSON *rules = cJSON_AddArrayToObject(root, "rules");
	guint n = 1 + pick(b, 4);
	for (guint i = 0; i < n; i++) {
		cJSON *r = cJSON_CreateObject();
		char *id = g_strdup_printf("fz.%s%u", prefix, i);
		cJSON_AddStringToObject(r, "id", id);
		cJSON_AddStringToObject(r, "category", categories[pick(b, G_N_ELEMENTS(categories))]);
		cJSON_AddStringToObject(r, "severity", "warn");
		cJSON_AddStringToObject(r, "dir", "any");
		char *re = pick(b, 4) == 0 ? make_regex(b) : NULL;
		if (re)
			cJSON_AddStringToObject(r, "regex", re);
		if (!re || pick(b, 2))
			cJSON_AddItemToObject(r, "match", phrases(b, 4));
		g_hash_table_insert(regexes, id, re);
		if (pick(b, 3) == 0)
			cJSON_AddItemToObject(r, "also", phrases(b, 2));
		if (pick(b, 4) == 0)
			cJSON_AddItemToObject(r, "unless", phrases(b, 2));
		cJSON_AddStringToObject(r, "message", "m");
		cJSON *ex = cJSON_AddArrayToObject(r, "examples");
		cJSON_AddItemToArray(ex, cJSON_CreateString("x"));
		cJSON *cex = cJSON_AddArrayToObject(r, "counterexamples");
		cJSON_AddItemToArray(cex, cJSON_CreateString("y"));
		cJSON_AddItemToArray(rules, r);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	return text;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);
	if (!g_file_set_contents(path, text, -1, NULL))
		abort();
	g_free(path);
}

static void
cleanup(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", root);
	g_free(cmd);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_env();
	root = g_dir_make_tmp("etq-fuzz-match-XXXXXX", NULL);
	char *langs = g_build_filename(root, "languages", NULL);
	char *set = g_build_filename(root, "fz", NULL);
	if (!root || g_mkdir_with_parents(langs, 0700) || g_mkdir_with_parents(set, 0700))
		abort();
	write_file(langs, "en.json",
	           "{\"language\": \"en\", \"stemmer\": \"english\", \"stopwords\": [\"the\", \"you\", \"my\", \"at\"],"
	           " \"lists\": {\"request\": [\"could you\"], \"offer\": [\"happy to\"],"
	           " \"question\": [\"(could|can) you\", \"~review\"], \"greeting\": [\"hi\", \"hello (there)?\", \"ab *0-2 abc\"],"
	           " \"titles\": [\"x\", \"the (x|ab)?\", \"co-op*\"]}}");
	write_file(langs, "de.json",
	           "{\"language\": \"de\", \"stemmer\": \"german\", \"stopwords\": [\"ich\", \"mich\", \"du\", \"the\"],"
	           " \"lists\": {\"request\": [\"kannst du\"], \"offer\": [\"gern\"],"
	           " \"question\": [\"kannst du\", \"~empfehlen\"], \"greeting\": [\"hallo\"],"
	           " \"titles\": [\"ab\", \"ab abc\", \"~empfehlen\"]}}");
	write_file(set, "set.json", "{\"name\": \"fz\", \"description\": \"fuzzed\"}");
	g_free(langs);
	g_free(set);
	atexit(cleanup);
	return 0;
}

static char *
make_message(Bytes *b)
{
	GString *s = g_string_new(NULL);
	guint n = pick(b, 24);
	for (guint i = 0; i < n; i++) {
		if (i)
			g_string_append(s, seps[pick(b, G_N_ELEMENTS(seps))]);
		guint k = pick(b, 20);
		g_string_append(s, k == 0 ? links[pick(b, 2)] : word(b));
	}
	return g_string_free(s, FALSE);
}

static void
show(const char *what, guint rule, const EtqRuleHit *fast, const EtqRuleHit *ref)
{
	fprintf(stderr, "%s of rule %u: fast hit %d%d%d span %u-%u, reference hit %d%d%d span %u-%u\n", what, rule,
	        fast->hit[0], fast->hit[1], fast->hit[2], fast->tok_start, fast->tok_end,
	        ref->hit[0], ref->hit[1], ref->hit[2], ref->tok_start, ref->tok_end);
}

static void
compare(EtqRules *rules, RefMatcher *ref, const char *const *regexes, const char *text)
{
	EtqScratch s;
	etq_scratch_init(&s);
	EtqEvent ev = { .text = text, .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "pat", .me = "alex",
	                .known = ETQ_KNOWN_YES };
	int lang = etq_analyse(rules, &s, &ev);
	RefMatch rm;
	ref_match(ref, &s.text, &rm);
	gboolean same = TRUE;
	for (guint r = 0; r < rules->all_rules->len; r++) {
		const EtqRuleHit *f = &g_array_index(s.match.hits, EtqRuleHit, r), *g = &rm.hits[r];
		gboolean span = f->hit[SLOT_MATCH] && (f->tok_start != g->tok_start || f->tok_end != g->tok_end);
		if (memcmp(f->hit, g->hit, sizeof f->hit) != 0 || span) {
			show("phrases", r, f, g);
			same = FALSE;
		}
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		gssize a0 = -1, a1 = -1, b0 = -1, b1 = -1;
		if (regexes[r] && (etq_pattern_match(rule->regex, s.text.text, ref_window(&s.text), &a0, &a1) !=
		                       ref_regex(regexes[r], &s.text, &b0, &b1) || a0 != b0 || a1 != b1)) {
			fprintf(stderr, "pattern /%s/ of rule %u: fast %zd-%zd, reference %zd-%zd\n", regexes[r], r, a0, a1, b0, b1);
			same = FALSE;
		}
	}
	for (guint t = 0; t < s.text.n_tokens; t++)
		if (s.match.greeting_tok[t] != rm.greeting_tok[t])
			same = FALSE, fprintf(stderr, "greeting at token %u: fast %d, reference %d\n", t,
			                      s.match.greeting_tok[t], rm.greeting_tok[t]);
	for (guint t = 0; t < s.text.n_tokens; t++)
		if (s.match.title_len[t] != rm.title_len[t])
			same = FALSE, fprintf(stderr, "title at token %u: fast %d, reference %d words\n", t,
			                      s.match.title_len[t], rm.title_len[t]);
	for (guint l = 0; l < rules->profiles->len; l++)
		if (g_array_index(s.match.question_start, int, l) != rm.question_start[l])
			same = FALSE, fprintf(stderr, "language %u: question at %d / %d\n", l,
			                      g_array_index(s.match.question_start, int, l), rm.question_start[l]);
	GPtrArray *fast = g_ptr_array_new_with_free_func((GDestroyNotify)etq_finding_free);
	EtqContext ctx = { .engaged = TRUE, .first = FALSE };
	etq_check_text(rules, &s, lang, &ev, &ctx, "pat", fast);
	GArray *slow = ref_findings(rules, &rm, &s.text, lang, regexes);
	for (guint i = 0; i < MAX(fast->len, slow->len); i++) {
		const EtqFinding *f = i < fast->len ? g_ptr_array_index(fast, i) : NULL;
		const RefFinding *g = i < slow->len ? &g_array_index(slow, RefFinding, i) : NULL;
		if (f && g && strcmp(f->rule, g->rule) == 0 && strcmp(f->category, g->category) == 0 &&
		    f->span_start == g->start && f->span_end == g->end)
			continue;
		same = FALSE;
		fprintf(stderr, "finding %u: fast %s %s %zd-%zd, reference %s %s %zd-%zd\n", i,
		        f ? f->category : "-", f ? f->rule : "-", f ? f->span_start : -1, f ? f->span_end : -1,
		        g ? g->category : "-", g ? g->rule : "-", g ? g->start : -1, g ? g->end : -1);
	}
	if (!same || getenv("FUZZ_MATCH_SHOW")) {
		fprintf(stderr, "message: \"%s\"\n", text);
		for (guint r = 0; r < rules->all_rules->len; r++) {
			const EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
			fprintf(stderr, "rule %u %s:", r, rule->id);
			for (int sl = 0; sl < N_SLOTS; sl++)
				for (guint i = 0; i < rule->phrases[sl]->len; i++)
					fprintf(stderr, " %d\"%s\"", sl, (char *)g_ptr_array_index(rule->phrases[sl], i));
			fprintf(stderr, "\n");
		}
	}
	FUZZ_ASSERT(same);
	g_array_free(slow, TRUE);
	g_ptr_array_unref(fast);
	ref_match_clear(&rm);
	etq_scratch_clear(&s);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
	Bytes b = { data, size };
	GHashTable *regexes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *set = g_build_filename(root, "fz", NULL);
	char *en = make_rules(&b, "en", "en", regexes), *any = make_rules(&b, "*", "any", regexes);
	write_file(set, "any.json", any);
	write_file(set, "en.json", en);
	g_free(en);
	g_free(any);
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	etq_rules_load_dir(rules, root, errors);
	for (guint i = 0; i < errors->len; i++)
		fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
	FUZZ_ASSERT(errors->len == 0);
	etq_rules_prepare(rules);
	const char **by_rule = g_new0(const char *, rules->all_rules->len + 1);
	for (guint r = 0; r < rules->all_rules->len; r++)
		by_rule[r] = g_hash_table_lookup(regexes, ((EtqRule *)g_ptr_array_index(rules->all_rules, r))->id);
	RefMatcher *ref = ref_matcher_new(rules);
	for (int i = 0; i < 3; i++) {
		char *msg = make_message(&b);
		compare(rules, ref, by_rule, msg);
		g_free(msg);
	}
	ref_matcher_free(ref);
	g_free(by_rule);
	g_ptr_array_unref(errors);
	g_hash_table_destroy(regexes);
	etq_rules_free(rules);
	g_free(set);
	return 0;
}
