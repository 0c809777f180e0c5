/* main.c — the plugin's test client.
 *
 *   test-plugin [--plugin build/purple-etiquette.so]             against ngircd
 *   test-plugin [--plugin ...] --cycles N [--valgrind]          load/unload N times
 *   test-plugin [--plugin ...] --companion                      what the Pidgin companion uses
 *   test-plugin [--plugin ...] --real-companion [--screenshots DIR]  the companion in real Pidgin
 *   test-plugin [--plugin ...] --real-pidgin [--screenshots DIR] real Pidgin under Xvfb
 *   test-plugin [--plugin ...] --scale                          1,000 conversations at once
 *   test-plugin [--plugin ...] --prefs                          its preferences damaged
 *   test-plugin [--plugin ...] --history                        known again after a restart
 *   test-plugin [--plugin ...] --ui-thread DIR                  the UI thread during rule loads
 *                                                               (DIR: a big user set)
 *
 * Prints one line per check ("ok - ..." or "not ok - ...") and closes with
 * "N passed, N failed"; exits 1 if anything failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "purple-glib.h"

guint n_passed, n_failed;

gboolean check(gboolean ok, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	printf("%s - ", ok ? "ok" : "not ok");
	vprintf(fmt, args);
	printf("\n");
	fflush(stdout);
	va_end(args);
	if (ok)
		n_passed++;
	else
		n_failed++;
	return ok;
}

void note(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	printf("# ");
	vprintf(fmt, args);
	printf("\n");
	fflush(stdout);
	va_end(args);
}

gboolean wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms)
{
	return purple_glib_wait_until(cond, data, timeout_ms, 1000);
}

static gboolean never(gpointer data)
{
	(void)data;
	return FALSE;
}

void run_for(guint ms)
{
	wait_until(never, NULL, ms);
}

void ui_settle(void)
{
	while (g_main_context_iteration(NULL, FALSE))
		;
}

int main(int argc, char **argv)
{
	const char *plugin = "build/purple-etiquette.so";
	guint cycles = 0;
	gboolean valgrind = FALSE, companion = FALSE, real_pidgin = FALSE, real_companion = FALSE,
	         scale = FALSE, prefs = FALSE, history = FALSE, real_finch = FALSE;
	const char *screenshots = NULL, *ui_thread = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--plugin") == 0 && i + 1 < argc)
			plugin = argv[++i];
		else if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc)
			cycles = (guint)atoi(argv[++i]);
		else if (strcmp(argv[i], "--valgrind") == 0)
			valgrind = TRUE;
		else if (strcmp(argv[i], "--companion") == 0)
			companion = TRUE;
		else if (strcmp(argv[i], "--real-companion") == 0)
			real_companion = TRUE;
		else if (strcmp(argv[i], "--real-pidgin") == 0)
			real_pidgin = TRUE;
		else if (strcmp(argv[i], "--real-finch") == 0)
			real_finch = TRUE;
		else if (strcmp(argv[i], "--scale") == 0)
			scale = TRUE;
		else if (strcmp(argv[i], "--prefs") == 0)
			prefs = TRUE;
		else if (strcmp(argv[i], "--history") == 0)
			history = TRUE;
		else if (strcmp(argv[i], "--history-before") == 0 && i + 2 < argc) {
			/* the first session of --history, in a process of its own */
			history_before_run(argv[i + 1], atoi(argv[i + 2]));
			return n_failed > 0 ? 1 : 0;
		}
		else if (strcmp(argv[i], "--ui-thread") == 0 && i + 1 < argc)
			ui_thread = argv[++i];
		else if (strcmp(argv[i], "--screenshots") == 0 && i + 1 < argc)
			screenshots = argv[++i];
		else {
			fprintf(stderr, "usage: %s [--plugin PATH] [--cycles N [--valgrind] | --companion |\n"
			        "       --real-pidgin [--screenshots DIR] | --real-companion [--screenshots DIR] |\n"
			        "       --real-finch [--screenshots DIR] | --scale | --prefs | --history |\n"
			        "       --ui-thread DIR]\n", argv[0]);
			return 2;
		}
	}
	if (ui_thread != NULL)
		ui_thread_run(plugin, ui_thread);
	else if (real_finch)
		real_finch_run(plugin, screenshots);
	else if (real_pidgin)
		real_pidgin_run(plugin, screenshots);
	else if (real_companion)
		real_companion_run(plugin, screenshots);
	else if (companion)
		companion_run(plugin);
	else if (scale)
		scale_run(plugin);
	else if (prefs)
		prefs_run(plugin);
	else if (history)
		history_run(argv[0], plugin);
	else if (cycles > 0)
		cycles_run(plugin, cycles, valgrind);
	else
		scenarios_run(plugin);
	printf("%u passed, %u failed\n", n_passed, n_failed);
	/* LeakSanitizer ends the process without flushing stdio */
	fflush(stdout);
	return n_failed > 0 ? 1 : 0;
}
