/* bench — figures for `make bench`.
 *
 *   bench load RULES_DIR         rule-load CPU time (median and mean of 50 loads, matcher built)
 *   bench load-first RULES_DIR   the CPU time of one load, the first of the process (as Pidgin starting)
 *   bench generate N CORPUS...   N varied events as JSON lines, from corpus texts
 *                                (BENCH_BYTES=B: each text corpus texts joined up to B bytes)
 *   bench draft RULES_DIR        the Pidgin companion's live line: one check of a draft
 *                                (etq_state_check, as plugin/draft.c does) for every prefix
 *                                of messages typed key by key, against a state with history
 *   bench hostile RULES_DIR      what a hostile peer can make one message cost: the
 *                                slowest of several 4 KB and 1 MB messages of new words,
 *                                of one phrase head repeated, of words sharing a prefix,
 *                                with the rules alone and with a 250k-phrase user set
 *   bench user-set               writes that user set into a new folder, and prints its path
 *
 * The events mix directions, chats, peers (500, or BENCH_PEERS), a tenth as
 * many channels, and ticks, so the timers, conversation state and cross-post
 * window all do their work. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cJSON.h>
#include <glib/gstdio.h>
#include "etiquette.h"

static int
cmp_times(gconstpointer a, gconstpointer b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
	return x < y ? -1 : x > y;
}

/* CPU time of this thread in ns: a busy machine preempts, but does not
 * count what others ran. */
static gint64
thread_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (gint64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
bench_load(const char *dir)
{
	enum { RUNS = 50 };
	gint64 times[RUNS], read[RUNS], total = 0;
	guint sets = 0;
	for (int i = 0; i < RUNS; i++) {
		gint64 t0 = thread_ns();
		EtqRules *rules = etq_rules_new();
		sets = etq_rules_load_dir(rules, dir, NULL);
		read[i] = (thread_ns() - t0) / 1000;
		etq_rules_prepare(rules); /* the matcher and the language model */
		times[i] = (thread_ns() - t0) / 1000;
		total += times[i];
		etq_rules_free(rules);
	}
	qsort(times, RUNS, sizeof times[0], cmp_times);
	qsort(read, RUNS, sizeof read[0], cmp_times);
	printf("rule load: %.2f ms median, %.2f ms mean CPU time (%u rule sets, %d loads; "
	       "files read and checked: %.2f ms median)\n",
	       times[RUNS / 2] / 1000.0, total / 1000.0 / RUNS, sets, RUNS, read[RUNS / 2] / 1000.0);
	return 0;
}

static void
add_texts(GPtrArray *texts, const char *path)
{
	char *data = NULL;
	if (!g_file_get_contents(path, &data, NULL, NULL))
		return;
	char **lines = g_strsplit(data, "\n", -1);
	for (char **l = lines; *l; l++) {
		cJSON *j = cJSON_Parse(*l);
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(j, "text"));
		if (t)
			g_ptr_array_add(texts, g_strdup(t));
		else if (!j && **l) /* plain text lines */
			g_ptr_array_add(texts, g_strdup(*l));
		cJSON_Delete(j);
	}
	g_strfreev(lines);
	g_free(data);
}

static int
bench_generate(long n, int n_files, char **files)
{
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	for (int i = 0; i < n_files; i++)
		add_texts(texts, files[i]);
	if (texts->len == 0) {
		fprintf(stderr, "bench: no texts\n");
		return 1;
	}
	GRand *rand = g_rand_new_with_seed(20261122);
	const char *env = g_getenv("BENCH_PEERS");
	int peers = env ? MAX(atoi(env), 10) : 500;
	env = g_getenv("BENCH_BYTES");
	gsize bytes = env ? strtoul(env, NULL, 10) : 0;
	GString *text = g_string_new(NULL);
	for (long i = 0; i < n; i++) {
		long t = i / 10;
		if (i % 97 == 0) {
			printf("{\"tick\":true,\"t\":%ld}\n", t);
			continue;
		}
		cJSON *o = cJSON_CreateObject();
		gboolean group = g_rand_int_range(rand, 0, 3) == 0;
		int peer = g_rand_int_range(rand, 0, peers);
		char name[32];
		g_string_assign(text, g_ptr_array_index(texts, g_rand_int_range(rand, 0, texts->len)));
		while (text->len < bytes)
			g_string_append_printf(text, " %s", (char *)g_ptr_array_index(texts, g_rand_int_range(rand, 0, texts->len)));
		cJSON_AddStringToObject(o, "text", text->str);
		cJSON_AddStringToObject(o, "dir", g_rand_boolean(rand) ? "in" : "out");
		cJSON_AddStringToObject(o, "chat", group ? "group" : "im");
		g_snprintf(name, sizeof name, "peer%d", peer);
		cJSON_AddStringToObject(o, "peer", name);
		if (group) {
			g_snprintf(name, sizeof name, "#chan%d", peer % (peers / 10));
			cJSON_AddStringToObject(o, "conv", name);
		}
		cJSON_AddStringToObject(o, "me", "alex");
		cJSON_AddNumberToObject(o, "t", t);
		char *s = cJSON_PrintUnformatted(o);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(o);
	}
	g_string_free(text, TRUE);
	g_rand_free(rand);
	g_ptr_array_unref(texts);
	return 0;
}

/* Times one check of each prefix of text (cut at character boundaries);
 * prints the median, the 99th percentile and the largest CPU time per check. */
static void
time_drafts(EtqState *st, const char *what, const char *text, gboolean im)
{
	EtqEvent ev = { .dir = ETQ_DIR_OUT, .chat = im ? ETQ_CHAT_IM : ETQ_CHAT_GROUP,
	                .peer = im ? "sam" : "#chan1", .me = "alex", .known = ETQ_KNOWN_UNSET,
	                .t = 1000 };
	GArray *times = g_array_new(FALSE, FALSE, sizeof(gint64));
	guint findings = 0;
	for (const char *end = g_utf8_next_char(text); ; end = g_utf8_next_char(end)) {
		char *draft = g_strndup(text, end - text);
		gint64 t0 = thread_ns();
		ev.text = draft;
		GPtrArray *found = etq_state_check(st, &ev, NULL);
		gint64 took = thread_ns() - t0;
		g_array_append_val(times, took);
		findings += found->len > 0;
		g_ptr_array_unref(found);
		g_free(draft);
		if (*end == '\0')
			break;
	}
	g_array_sort(times, cmp_times);
	guint n = times->len;
	printf("draft check: %s, %lu bytes typed key by key: %.1f us median, %.1f us 99th percentile, "
	       "%.1f us at most per check, CPU time (%u checks, %u with a finding)\n", what,
	       (unsigned long)strlen(text), g_array_index(times, gint64, n / 2) / 1000.0,
	       g_array_index(times, gint64, n * 99 / 100) / 1000.0,
	       g_array_index(times, gint64, n - 1) / 1000.0, n, findings);
	g_array_free(times, TRUE);
}

static int
bench_load_first(const char *dir)
{
	gint64 t0 = thread_ns();
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, dir, NULL);
	etq_rules_prepare(rules);
	printf("%.2f\n", (thread_ns() - t0) / 1e6);
	etq_rules_free(rules);
	return 0;
}

static int
bench_draft(const char *dir)
{
	EtqRules *rules = etq_rules_new();
	EtqConfig config;
	if (etq_rules_load_dir(rules, dir, NULL) == 0) {
		fprintf(stderr, "bench: no rules in %s\n", dir);
		return 1;
	}
	etq_rules_prepare(rules);
	etq_config_init(&config);
	EtqState *st = etq_state_new(rules, &config);
	/* history: 5,000 messages in 500 conversations, as after a day of chat */
	for (int i = 0; i < 5000; i++) {
		char peer[32], text[96];
		g_snprintf(peer, sizeof peer, "peer%d", i % 500);
		g_snprintf(text, sizeof text, "message %d about the meetup on friday, see you there", i);
		EtqEvent ev = { .text = text, .dir = i % 2 ? ETQ_DIR_OUT : ETQ_DIR_IN,
		                .chat = ETQ_CHAT_IM, .peer = peer, .me = "alex",
		                .known = ETQ_KNOWN_UNSET, .t = i / 10 };
		g_ptr_array_unref(etq_state_record(st, &ev));
	}
	EtqEvent warm = { .text = "warm up", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "sam",
	                  .known = ETQ_KNOWN_UNSET, .t = 1000 };
	g_ptr_array_unref(etq_state_check(st, &warm, NULL)); /* builds the word table */
	time_drafts(st, "a cold ask in an IM",
	            "Hi Sam, could you review my CV? I'm applying for a data analyst job next week "
	            "and would love feedback from someone who works in the field.", TRUE);
	time_drafts(st, "a personal ask in a channel",
	            "@maria could you send me your phone number and introduce me to your manager? "
	            "I need a referral for the opening on your team by Friday.", FALSE);
	GString *essay = g_string_new(NULL);
	while (essay->len < 2000)
		g_string_append(essay, "Thanks for the talk yesterday, it was great to hear how your "
		                "team moved the build to the new cluster and what you learned. ");
	time_drafts(st, "a long message (2,000 bytes)", essay->str, TRUE);
	g_string_free(essay, TRUE);
	etq_state_free(st);
	etq_rules_free(rules);
	return 0;
}

/* ---- a hostile peer ---- */

static guint word_serial; /* words never seen before, across all messages */

static char *
hostile_text(const char *kind, gsize size)
{
	GString *s = g_string_sized_new(size + 64);
	while (s->len < size) {
		if (strcmp(kind, "new words") == 0)
			g_string_append_printf(s, "q%uz ", word_serial++);
		else if (strcmp(kind, "phrase heads") == 0)
			g_string_append(s, "my cv ");
		else /* words sharing the user set's prefixes */
			g_string_append_printf(s, "abq%u ", word_serial++);
	}
	return g_string_free(s, FALSE);
}

/* The slowest of `runs` incoming messages of a kind, in ms of CPU time. */
static double
hostile_ms(EtqState *st, const char *kind, gsize size, int runs)
{
	gint64 worst = 0;
	for (int i = 0; i < runs; i++) {
		char *text = hostile_text(kind, size);
		EtqEvent ev = { .text = text, .dir = ETQ_DIR_IN, .chat = ETQ_CHAT_IM, .peer = "mallory",
		                .me = "alex", .known = ETQ_KNOWN_UNSET, .t = i };
		gint64 t0 = thread_ns() / 1000;
		g_ptr_array_unref(etq_state_feed(st, &ev, NULL));
		worst = MAX(worst, thread_ns() / 1000 - t0);
		g_free(text);
	}
	return worst / 1000.0;
}

/* A user set of 250,000 phrases: 125k "my cv <x>" (one head) and 125k
 * prefixes sharing their first three letters. */
static char *
user_set(void)
{
	char *dir = g_dir_make_tmp("etq-bench-XXXXXX", NULL);
	GString *s = g_string_new("{\"name\": \"huge\", \"description\": \"250k phrases\", \"language\": \"*\",\n"
	                          " \"rules\": [{\"id\": \"huge.a\", \"category\": \"x-huge\", \"severity\": \"hint\",\n"
	                          " \"message\": \"m\", \"examples\": [\"my cv x0\"], \"counterexamples\": [\"no\"],\n \"match\": [");
	for (int i = 0; i < 250000; i++)
		g_string_append_printf(s, i < 125000 ? "%s\"my cv x%d\"" : "%s\"abq%d*\"", i ? "," : "", i);
	g_string_append(s, "]}]}\n");
	char *file = g_build_filename(dir, "huge.json", NULL);
	if (!g_file_set_contents(file, s->str, s->len, NULL))
		exit(1);
	g_free(file);
	g_string_free(s, TRUE);
	return dir;
}

static void
hostile_cases(EtqRules *rules, const char *label)
{
	static const char *const kinds[] = { "new words", "phrase heads", "prefix words" };
	EtqState *st = etq_state_new(rules, NULL);
	for (gsize k = 0; k < G_N_ELEMENTS(kinds); k++)
		printf("hostile peer, %s: %-12s worst of 20 at 4 KB %.3f ms, worst of 5 at 1 MB %.2f ms\n", label,
		       kinds[k], hostile_ms(st, kinds[k], 4096, 20), hostile_ms(st, kinds[k], 1 << 20, 5));
	etq_state_free(st);
}

static int
bench_hostile(const char *dir)
{
	EtqRules *rules = etq_rules_new();
	etq_rules_load_dir(rules, dir, NULL);
	etq_rules_prepare(rules);
	hostile_cases(rules, "shipped rules");
	char *user = user_set();
	gint64 t0 = thread_ns() / 1000;
	guint n = etq_rules_load_dir(rules, user, NULL);
	etq_rules_prepare(rules);
	printf("hostile peer: a 250k-phrase user set loads in %.0f ms CPU (%u set)\n", (thread_ns() / 1000 - t0) / 1000.0, n);
	hostile_cases(rules, "+250k user set");
	etq_rules_free(rules);
	char *file = g_build_filename(user, "huge.json", NULL);
	g_unlink(file);
	g_rmdir(user);
	g_free(file);
	g_free(user);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hostile") == 0)
		return bench_hostile(argv[2]);
	if (argc == 2 && strcmp(argv[1], "user-set") == 0) {
		char *dir = user_set();
		puts(dir);
		g_free(dir);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "load") == 0)
		return bench_load(argv[2]);
	if (argc == 3 && strcmp(argv[1], "load-first") == 0)
		return bench_load_first(argv[2]);
	if (argc == 3 && strcmp(argv[1], "draft") == 0)
		return bench_draft(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "generate") == 0)
		return bench_generate(atol(argv[2]), argc - 3, argv + 3);
	fprintf(stderr, "usage: bench load RULES_DIR | bench load-first RULES_DIR | bench draft RULES_DIR | bench generate N FILE... | bench hostile RULES_DIR | bench user-set\n");
	return 2;
}
