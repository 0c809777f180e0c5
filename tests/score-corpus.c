/* score-corpus — how well the shipped rules do on labelled corpora.
 *
 *   score-corpus --gate 0.90 DIR                 the regression set: every
 *       language × text category needs precision and recall >= the gate;
 *   score-corpus --floors FLOORS DIR...          dev and test: per language
 *       precision, recall and F1 per category, macro-F1, language
 *       identification and false alarms; a language's macro-F1 may not fall
 *       more than 0.005 below its floor, nor its false-alarm rate rise more
 *       than 0.005 above it (a ratchet, tests/corpus/README.md);
 *   score-corpus --floors FLOORS --raise DIR...  rewrites FLOORS with the
 *       figures of this run where they are better (never worse);
 *   score-corpus --false-alarms [--max RATE] FILE...  every line of plain
 *       text files (real chat nobody wrote for the rules) as an outgoing IM
 *       to a known peer and as an incoming IM: the share that raises anything.
 *
 * DIR holds <lang>.jsonl files, one case a line (corpus v2): a single
 * message {"text","dir","chat","known","expect":[…],"lang"} checked with a
 * fresh state (peer "pat", me "alex"), or a scenario {"events":[…],"lang"}
 * fed in order into one state, each event (a message or a tick) with its own
 * optional "expect". A finding of a category an event does not expect is a
 * false alarm of that category; a message that expects nothing and gets
 * any finding counts in the false-alarm rate. VERBOSE=1 prints each miss
 * and false alarm (tune on dev only). */
#include <stdio.h>
#include <string.h>
#include <cJSON.h>
#include "etiquette.h"

#define SLACK 0.005

static const char *const text_categories[] = { "generic", "cold-ask", "public-ask", "self-centred",
	"self-promo", "bare-greeting", "say-thanks", NULL };
static const char *const all_categories[] = { "generic", "cold-ask", "public-ask", "self-centred",
	"self-promo", "bare-greeting", "say-thanks", "unanswered", "over-engagement", "cross-post", NULL };

typedef struct {
	guint tp, fp, fn;
} Score;

/* The figures of one language of one folder. */
typedef struct {
	GHashTable *scores;          /* category -> Score */
	guint lang_right, lang_total;
	guint quiet, quiet_alarms;   /* messages expecting nothing, and those with a finding */
	guint bad_lines;
} Tally;

static gboolean verbose;

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
score_for(Tally *t, const char *category)
{
	Score *s = g_hash_table_lookup(t->scores, category);
	if (!s) {
		s = g_new0(Score, 1);
		g_hash_table_insert(t->scores, g_strdup(category), s);
	}
	return s;
}

static double
precision(const Score *s)
{
	return s->tp + s->fp ? (double)s->tp / (s->tp + s->fp) : 1.0;
}

static double
recall(const Score *s)
{
	return s->tp + s->fn ? (double)s->tp / (s->tp + s->fn) : 0.0;
}

static double
f1(const Score *s)
{
	double p = precision(s), r = recall(s);
	return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

/* The findings of one event against what it expects. */
static void
tally_event(Tally *t, GPtrArray *found, const cJSON *expect, const char *text)
{
	GHashTable *fired = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint i = 0; i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		if (g_hash_table_contains(fired, f->category))
			continue;
		g_hash_table_add(fired, (gpointer)f->category);
		gboolean right = expects(expect, f->category);
		score_for(t, f->category)->tp += right;
		score_for(t, f->category)->fp += !right;
		if (!right && verbose)
			printf("# false alarm %s [%s]: %s\n", f->category, f->rule, text ? text : "(tick)");
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, expect) {
		if (cJSON_IsString(e) && !g_hash_table_contains(fired, e->valuestring)) {
			score_for(t, e->valuestring)->fn++;
			if (verbose)
				printf("# missed %s: %s\n", e->valuestring, text ? text : "(tick)");
		}
	}
	if (text && cJSON_GetArraySize(expect) == 0) {
		t->quiet++;
		t->quiet_alarms += found->len > 0;
	}
	g_hash_table_destroy(fired);
}

static void
tally_language(Tally *t, const char *want, const char *got, const char *text)
{
	if (!want || !text)
		return;
	t->lang_total++;
	t->lang_right += g_strcmp0(want, got) == 0;
	if (verbose && g_strcmp0(want, got) != 0)
		printf("# language %s, not %s: %s\n", got, want, text);
}

static const char *
string_or(const cJSON *j, const char *key, const char *dflt)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, key));
	return s ? s : dflt;
}

/* An event of the corpus; FALSE when it is neither a message nor a tick. */
static gboolean
parse_event(const cJSON *j, EtqEvent *ev, gboolean *tick, gint64 last_t)
{
	const cJSON *known = cJSON_GetObjectItemCaseSensitive(j, "known");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "t");
	*tick = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "tick"));
	*ev = (EtqEvent) {
		.text = string_or(j, "text", NULL),
		.dir = strcmp(string_or(j, "dir", "out"), "in") == 0 ? ETQ_DIR_IN : ETQ_DIR_OUT,
		.chat = strcmp(string_or(j, "chat", "im"), "group") == 0 ? ETQ_CHAT_GROUP : ETQ_CHAT_IM,
		.peer = string_or(j, "peer", "pat"), .me = string_or(j, "me", "alex"),
		.conv = string_or(j, "conv", NULL),
		.known = !cJSON_IsBool(known) ? ETQ_KNOWN_UNSET : cJSON_IsTrue(known) ? ETQ_KNOWN_YES : ETQ_KNOWN_NO,
		.t = cJSON_IsNumber(t) ? (gint64)t->valuedouble : last_t,
	};
	return *tick || ev->text;
}

static void
score_case(EtqRules *rules, const cJSON *j, Tally *t, const char *path, guint line)
{
	const char *want_lang = string_or(j, "lang", NULL);
	const cJSON *events = cJSON_GetObjectItemCaseSensitive(j, "events");
	EtqState *st = etq_state_new(rules, NULL);
	gint64 last_t = 0;
	const cJSON *one = j;
	for (const cJSON *e = cJSON_IsArray(events) ? events->child : one; e;
	     e = cJSON_IsArray(events) ? e->next : NULL) {
		EtqEvent ev;
		gboolean tick;
		if (!parse_event(e, &ev, &tick, last_t) || ev.t < last_t) {
			printf("# %s:%u: an event needs \"text\" or \"tick\", and times that do not go back\n",
			       path, line);
			t->bad_lines++;
			break;
		}
		last_t = ev.t;
		const char *lang = NULL;
		GPtrArray *found = tick ? etq_state_tick(st, ev.t) : etq_state_feed(st, &ev, &lang);
		tally_event(t, found, cJSON_GetObjectItemCaseSensitive(e, "expect"), ev.text);
		if (!tick)
			tally_language(t, string_or(e, "lang", want_lang), lang, ev.text);
		g_ptr_array_unref(found);
	}
	etq_state_free(st);
}

static void
tally_init(Tally *t)
{
	memset(t, 0, sizeof *t);
	t->scores = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void
tally_clear(Tally *t)
{
	g_hash_table_destroy(t->scores);
}

/* Every case of one file into t; FALSE if it cannot be read. */
static gboolean
score_file(EtqRules *rules, const char *path, Tally *t)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return FALSE;
	char **lines = g_strsplit(text, "\n", -1);
	guint n = 0;
	for (char **l = lines; *l; l++) {
		n++;
		if (!**l)
			continue;
		cJSON *j = cJSON_Parse(*l);
		if (cJSON_IsObject(j)) {
			score_case(rules, j, t, path, n);
		} else {
			printf("# %s:%u: not a JSON object\n", path, n);
			t->bad_lines++;
		}
		cJSON_Delete(j);
	}
	g_strfreev(lines);
	g_free(text);
	return TRUE;
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The languages of a folder: its <lang>.jsonl files, sorted. */
static GPtrArray *
folder_languages(const char *dir)
{
	GPtrArray *langs = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".jsonl"))
			g_ptr_array_add(langs, g_strndup(name, strlen(name) - strlen(".jsonl")));
	if (d)
		g_dir_close(d);
	g_ptr_array_sort(langs, compare_names);
	return langs;
}

/* ---- the regression set: a fixed gate ---- */

static int
gate_language(const Tally *t, const char *lang, double gate, guint *n)
{
	int failures = 0;
	for (const char *const *c = text_categories; *c; c++) {
		Score zero = { 0 }, *s = g_hash_table_lookup(t->scores, *c);
		s = s ? s : &zero;
		gboolean ok = precision(s) >= gate && recall(s) >= gate;
		failures += !ok;
		printf("%s %u %s %-13s precision %.2f recall %.2f (tp %u fp %u fn %u)\n", ok ? "ok" : "not ok",
		       ++*n, lang, *c, precision(s), recall(s), s->tp, s->fp, s->fn);
	}
	return failures;
}

/* ---- dev and test: figures and floors ---- */

/* Macro-F1 over the categories the language has cases of. */
static double
macro_f1(const Tally *t, guint *n_categories)
{
	double sum = 0;
	guint n = 0;
	for (const char *const *c = all_categories; *c; c++) {
		const Score *s = g_hash_table_lookup(t->scores, *c);
		if (s && s->tp + s->fn) {
			sum += f1(s);
			n++;
		}
	}
	if (n_categories)
		*n_categories = n;
	return n ? sum / n : 0.0;
}

static double
alarm_rate(const Tally *t)
{
	return t->quiet ? (double)t->quiet_alarms / t->quiet : 0.0;
}

static void
add_scores(Tally *into, const Tally *from)
{
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, from->scores);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		Score *s = score_for(into, k);
		const Score *f = v;
		s->tp += f->tp, s->fp += f->fp, s->fn += f->fn;
	}
	into->lang_right += from->lang_right, into->lang_total += from->lang_total;
	into->quiet += from->quiet, into->quiet_alarms += from->quiet_alarms;
}

/* One "# measure" line: what run-all.sh shows of a language. */
static void
print_measure(const Tally *t, const char *split, const char *lang)
{
	GString *line = g_string_new(NULL);
	g_string_append_printf(line, "# measure %s %s: macro-F1 %.2f, language %.2f, false alarms %.1f%% (%u/%u) |",
	                       split, lang, macro_f1(t, NULL),
	                       t->lang_total ? (double)t->lang_right / t->lang_total : 0.0,
	                       100 * alarm_rate(t), t->quiet_alarms, t->quiet);
	for (const char *const *c = all_categories; *c; c++) {
		const Score *s = g_hash_table_lookup(t->scores, *c);
		if (s && s->tp + s->fn)
			g_string_append_printf(line, " %s %.2f", *c, f1(s));
	}
	puts(line->str);
	g_string_free(line, TRUE);
	for (const char *const *c = all_categories; *c; c++) {
		const Score *s = g_hash_table_lookup(t->scores, *c);
		if (s)
			printf("#   %s %s %-15s precision %.2f recall %.2f F1 %.2f (tp %u fp %u fn %u)\n", split, lang,
			       *c, precision(s), recall(s), f1(s), s->tp, s->fp, s->fn);
	}
}

static const cJSON *
floor_of(const cJSON *floors, const char *split, const char *lang, const char *key)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(floors, split), lang);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l, key);
	return cJSON_IsNumber(v) ? v : NULL;
}

static int
check_floors(const Tally *t, const cJSON *floors, const char *split, const char *lang, guint *n)
{
	const cJSON *f1_floor = floor_of(floors, split, lang, "macro_f1");
	const cJSON *fa_floor = floor_of(floors, split, lang, "false_alarms");
	double m = macro_f1(t, NULL), fa = alarm_rate(t);
	int failures = 0;
	if (!f1_floor || !fa_floor) {
		printf("not ok %u %s %s has no floor in the floors file (see tests/corpus/README.md)\n", ++*n, split, lang);
		return 1;
	}
	gboolean ok = m >= f1_floor->valuedouble - SLACK;
	failures += !ok;
	printf("%s %u %s %s macro-F1 %.3f (floor %.3f)\n", ok ? "ok" : "not ok", ++*n, split, lang, m,
	       f1_floor->valuedouble);
	ok = fa <= fa_floor->valuedouble + SLACK;
	failures += !ok;
	printf("%s %u %s %s false alarms %.3f (floor %.3f)\n", ok ? "ok" : "not ok", ++*n, split, lang, fa,
	       fa_floor->valuedouble);
	return failures;
}

/* Sets a floor to the figure of this run where that is better. */
static void
raise_floor(cJSON *floors, const char *split, const char *lang, const char *key, double now, gboolean higher)
{
	cJSON *s = cJSON_GetObjectItemCaseSensitive(floors, split);
	if (!s)
		s = cJSON_AddObjectToObject(floors, split);
	cJSON *l = cJSON_GetObjectItemCaseSensitive(s, lang);
	if (!l)
		l = cJSON_AddObjectToObject(s, lang);
	cJSON *v = cJSON_GetObjectItemCaseSensitive(l, key);
	now = (higher ? (gint64)(now * 1000) : (gint64)(now * 1000 + 0.999)) / 1000.0; /* 3 decimals, rounded toward the floor */
	if (!v)
		cJSON_AddNumberToObject(l, key, now);
	else if (higher ? now > v->valuedouble : now < v->valuedouble)
		cJSON_SetNumberValue(v, now);
}

/* ---- plain text that should raise nothing ---- */

/* Every line of a text file as an outgoing IM to a known peer and as an
 * incoming IM: one "# measure" line per file with both rates. With max >= 0
 * a rate above it fails. */
static int
false_alarms(EtqRules *rules, const char *path, double max, guint *n)
{
	char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		printf("not ok %u cannot read %s\n", ++*n, path);
		return 1;
	}
	char **lines = g_strsplit(text, "\n", -1);
	guint total = 0, alarms[2] = { 0, 0 };
	for (char **l = lines; *l; l++) {
		if (!**l)
			continue;
		total++;
		for (int in = 0; in < 2; in++) {
			EtqEvent ev = { .text = *l, .dir = in ? ETQ_DIR_IN : ETQ_DIR_OUT, .chat = ETQ_CHAT_IM,
			                .peer = "pat", .me = "alex", .known = in ? ETQ_KNOWN_UNSET : ETQ_KNOWN_YES };
			EtqState *st = etq_state_new(rules, NULL);
			GPtrArray *found = etq_state_feed(st, &ev, NULL);
			alarms[in] += found->len > 0;
			for (guint i = 0; verbose && i < found->len; i++) {
				const EtqFinding *f = g_ptr_array_index(found, i);
				printf("# false alarm %s %s [%s]: %s\n", in ? "in" : "out", f->category, f->rule, *l);
			}
			g_ptr_array_unref(found);
			etq_state_free(st);
		}
	}
	double out_rate = total ? (double)alarms[0] / total : 0, in_rate = total ? (double)alarms[1] / total : 0;
	printf("# measure false alarms %s: out %.2f%% (%u/%u), in %.2f%% (%u/%u)\n", path, 100 * out_rate,
	       alarms[0], total, 100 * in_rate, alarms[1], total);
	int failures = 0;
	if (max >= 0) {
		failures = out_rate > max || in_rate > max;
		printf("%s %u false alarms on %s at most %.2f%%\n", failures ? "not ok" : "ok", ++*n, path, 100 * max);
	}
	g_strfreev(lines);
	g_free(text);
	return failures;
}

static void
usage(void)
{
	fprintf(stderr, "usage: score-corpus --gate MIN DIR\n"
	                "       score-corpus --floors FILE [--raise] DIR...\n"
	                "       score-corpus --false-alarms [--max RATE] TEXTFILE...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	double gate = -1;
	const char *floors_path = NULL;
	gboolean raise = FALSE, plain = FALSE;
	double max = -1;
	int i = 1;
	for (; i < argc && g_str_has_prefix(argv[i], "--"); i++) {
		if (strcmp(argv[i], "--gate") == 0 && i + 1 < argc)
			gate = g_ascii_strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--floors") == 0 && i + 1 < argc)
			floors_path = argv[++i];
		else if (strcmp(argv[i], "--raise") == 0)
			raise = TRUE;
		else if (strcmp(argv[i], "--false-alarms") == 0)
			plain = TRUE;
		else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
			max = g_ascii_strtod(argv[++i], NULL);
		else
			usage();
	}
	if (i == argc || (gate >= 0) + (floors_path != NULL) + plain != 1 || (raise && !floors_path) ||
	    (max >= 0 && !plain))
		usage();
	verbose = g_getenv("VERBOSE") != NULL;
	if (plain) {
		EtqRules *rules = etq_rules_new();
		etq_rules_load_dir(rules, "rules", NULL);
		guint n = 0;
		int failures = 0;
		for (; i < argc; i++)
			failures += false_alarms(rules, argv[i], max, &n);
		etq_rules_free(rules);
		printf("1..%u\n", n);
		return failures ? 1 : 0;
	}

	cJSON *floors = NULL;
	if (floors_path) {
		char *text = NULL;
		if (g_file_get_contents(floors_path, &text, NULL, NULL))
			floors = cJSON_Parse(text);
		g_free(text);
		if (!floors && !raise) {
			printf("not ok 1 cannot read the floors %s\n", floors_path);
			return 1;
		}
		if (!floors)
			floors = cJSON_CreateObject();
	}

	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, "rules", NULL);
	guint n = 0;
	int failures = 0;
	for (; i < argc; i++) {
		const char *dir = argv[i];
		char *split = g_path_get_basename(dir);
		GPtrArray *langs = folder_languages(dir);
		if (!langs->len) {
			printf("not ok %u %s: no <lang>.jsonl files\n", ++n, dir);
			failures++;
		}
		Tally all;
		tally_init(&all);
		GString *summary = g_string_new(NULL);
		for (guint k = 0; k < langs->len; k++) {
			const char *lang = g_ptr_array_index(langs, k);
			char *path = g_strdup_printf("%s/%s.jsonl", dir, lang);
			Tally t;
			tally_init(&t);
			if (!score_file(rules, path, &t) || t.bad_lines) {
				printf("not ok %u %s: unreadable or bad lines (above)\n", ++n, path);
				failures++;
			}
			if (gate >= 0) {
				failures += gate_language(&t, lang, gate, &n);
			} else {
				print_measure(&t, split, lang);
				g_string_append_printf(summary, " %s %.2f", lang, macro_f1(&t, NULL));
				if (raise) {
					raise_floor(floors, split, lang, "macro_f1", macro_f1(&t, NULL), TRUE);
					raise_floor(floors, split, lang, "false_alarms", alarm_rate(&t), FALSE);
				} else {
					failures += check_floors(&t, floors, split, lang, &n);
				}
			}
			add_scores(&all, &t);
			tally_clear(&t);
			g_free(path);
		}
		if (gate < 0 && langs->len) {
			print_measure(&all, split, "all");
			printf("# summary %s: macro-F1 per language%s\n", split, summary->str);
		}
		g_string_free(summary, TRUE);
		tally_clear(&all);
		g_ptr_array_unref(langs);
		g_free(split);
	}
	if (raise) {
		char *json = cJSON_Print(floors);
		char *text = g_strconcat(json, "\n", NULL);
		gboolean ok = g_file_set_contents(floors_path, text, -1, NULL);
		g_free(text);
		cJSON_free(json);
		printf("# floors %s %s: check the diff before committing\n", floors_path, ok ? "written" : "NOT written");
		failures += !ok;
	}
	cJSON_Delete(floors);
	etq_rules_free(rules);
	printf("1..%u\n", n);
	return failures ? 1 : 0;
}
