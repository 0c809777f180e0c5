/* time-check — how long the core takes to check one message, at worst.
 *
 *   time-check [--repeat N] RULES_DIR... -- MESSAGES_FILE
 *
 * Loads every RULES_DIR (like etiquette-check --rules), then checks each line
 * of MESSAGES_FILE (raw text, one message a line; "\n" is not special) as an
 * outgoing IM, an outgoing group message and an incoming group message that
 * mentions the user, N times each (default 5), and prints per message the
 * median time of one check, then the worst:
 *   first check (builds the matcher) 9.1 ms
 *   message 3 (4096 bytes): median 0.412 ms, max 0.6 ms, 1 findings
 *   slowest single check 0.6 ms message 1
 *   worst 0.412 ms message 3
 * Public API only (etiquette.h): it measures what the plugin would see. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "etiquette.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int repeat = 5, i = 1;
	if (argc > 2 && strcmp(argv[1], "--repeat") == 0) {
		repeat = MAX(atoi(argv[2]), 1);
		i = 3;
	}
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	for (; i < argc && strcmp(argv[i], "--"); i++)
		etq_rules_load_dir(rules, argv[i], errors);
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: time-check [--repeat N] RULES_DIR... -- MESSAGES_FILE\n");
		return 2;
	}
	for (guint e = 0; e < errors->len; e++)
		fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, e));
	char *all = NULL;
	gsize len = 0;
	if (!g_file_get_contents(argv[i + 1], &all, &len, NULL)) {
		fprintf(stderr, "time-check: cannot read %s\n", argv[i + 1]);
		return 2;
	}
	char **lines = g_strsplit(all, "\n", -1);
	EtqState *st = etq_state_new(rules, NULL);
	/* The first check builds the matcher: time it apart. */
	EtqEvent warm = { .text = "warm up", .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "pat" };
	gint64 start = g_get_monotonic_time();
	g_ptr_array_unref(etq_state_check(st, &warm, NULL));
	printf("first check (builds the matcher) %.3f ms\n", (g_get_monotonic_time() - start) / 1000.0);
	double *t = g_new(double, repeat);
	double worst = 0, worst_single = 0;
	int worst_at = 0, single_at = 0;
	for (int m = 0; lines[m]; m++) {
		if (!*lines[m])
			continue;
		EtqEvent evs[3] = {
			{ .text = lines[m], .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_IM, .peer = "pat", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = m },
			{ .text = lines[m], .dir = ETQ_DIR_OUT, .chat = ETQ_CHAT_GROUP, .peer = "pat", .conv = "#g", .me = "alex", .known = ETQ_KNOWN_UNSET, .t = m },
			{ .text = lines[m], .dir = ETQ_DIR_IN, .chat = ETQ_CHAT_GROUP, .peer = "alex", .conv = "#g", .me = "pat", .known = ETQ_KNOWN_UNSET, .t = m },
		};
		double msg_worst = 0, msg_single = 0;
		guint n_found = 0;
		for (int v = 0; v < 3; v++) {
			for (int r = 0; r < repeat; r++) {
				gint64 start = g_get_monotonic_time();
				GPtrArray *found = etq_state_check(st, &evs[v], NULL);
				t[r] = (g_get_monotonic_time() - start) / 1000.0;
				msg_single = MAX(msg_single, t[r]);
				n_found = MAX(n_found, found->len);
				g_ptr_array_unref(found);
			}
			qsort(t, repeat, sizeof *t, cmp_double);
			msg_worst = MAX(msg_worst, t[repeat / 2]);
		}
		printf("message %d (%zu bytes): median %.3f ms, max %.3f ms, %u findings\n", m + 1,
		       strlen(lines[m]), msg_worst, msg_single, n_found);
		if (msg_worst > worst)
			worst = msg_worst, worst_at = m + 1;
		if (msg_single > worst_single)
			worst_single = msg_single, single_at = m + 1;
	}
	/* The single slowest check includes one-time work (a pattern's JIT on first use). */
	printf("slowest single check %.3f ms message %d\n", worst_single, single_at);
	printf("worst %.3f ms message %d\n", worst, worst_at);
	g_free(t);
	etq_state_free(st);
	g_strfreev(lines);
	g_free(all);
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	return 0;
}
