/* uithread.c — how long a rule load blocks the UI thread (issue 12), for
 * `make bench`: measured, not checked.
 *
 * What the UI cannot draw or answer a key meanwhile is the longest single
 * dispatch of libpurple's main loop (Pidgin's and Finch's are GLib's): at
 * plugin load, the load call itself, then every dispatch until the shipped
 * rules are in use; at a reload (rules_dir changed), every dispatch until
 * "rules folder reloaded". Reloads alternate between an empty folder (the
 * shipped rules alone) and big_dir (e.g. `bench user-set`: 250k phrases).
 * Works with any build of the plugin, so a synchronous one can be compared.
 */
#include <stdlib.h>

#include <glib/gstdio.h>

#include <prefs.h>

#include "harness.h"

#define RULES_DIR "/plugins/core/etiquette/rules_dir"
#define RUNS 5

/* The longest dispatch, in us, until a debug line from index from on holds
 * text (or 60 s). */
static gint64 longest_until(guint from, const char *text)
{
	gint64 end = g_get_monotonic_time() + 60 * G_USEC_PER_SEC, longest = 0;

	while (ui_count_debug(from, text) == 0 && g_get_monotonic_time() < end) {
		gint64 start = g_get_monotonic_time();
		gboolean busy = g_main_context_iteration(NULL, FALSE);

		longest = MAX(longest, g_get_monotonic_time() - start);
		if (!busy)
			g_usleep(200);
	}
	return longest;
}

static int by_time(const void *a, const void *b)
{
	gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

	return (x > y) - (x < y);
}

static void say(const char *what, gint64 *us, guint n)
{
	qsort(us, n, sizeof *us, by_time);
	note("UI thread blocked, %s: %.1f ms median, %.1f ms worst (%u runs)", what,
	     us[n / 2] / 1000.0, us[n - 1] / 1000.0, n);
}

static void load_runs(PurplePlugin *plugin)
{
	gint64 us[RUNS];
	guint i;

	for (i = 0; i < RUNS; i++) {
		guint from = ui_debug->len;
		gint64 start = g_get_monotonic_time(), call;

		purple_plugin_load(plugin);
		call = g_get_monotonic_time() - start;
		us[i] = MAX(call, longest_until(from, "rule sets from"));
		if (i + 1 < RUNS)
			purple_plugin_unload(plugin);
	}
	say("plugin load (shipped rules)", us, RUNS);
}

static void reload_runs(const char *empty, const char *big_dir)
{
	gint64 shipped[RUNS], big[RUNS];
	guint i;

	for (i = 0; i < RUNS; i++) {
		guint from = ui_debug->len;

		purple_prefs_set_string(RULES_DIR, big_dir);
		big[i] = longest_until(from, "rules folder reloaded");
		from = ui_debug->len;
		purple_prefs_set_string(RULES_DIR, empty);
		shipped[i] = longest_until(from, "rules folder reloaded");
	}
	say("reload (shipped rules)", shipped, RUNS);
	say("reload (shipped rules + the user's set)", big, RUNS);
}

void ui_thread_run(const char *plugin_path, const char *big_dir)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	char *empty = g_build_filename(user_dir, "empty", NULL);
	PurplePlugin *plugin;

	g_mkdir(empty, 0700);
	ui_init(user_dir, NULL);
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL, "the plugin is found at %s", plugin_path)) {
		purple_prefs_set_string(RULES_DIR, empty);
		load_runs(plugin);
		reload_runs(empty, big_dir);
		purple_plugin_unload(plugin);
	}
	ui_quit();
	remove_tree(user_dir);
	g_free(empty);
	g_free(user_dir);
}
