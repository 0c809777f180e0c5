/* desk.c — real Pidgin on its own X display (desk.h). */
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "desk.h"
#include "harness.h"

static gboolean have(const char *program)
{
	char *path = g_find_program_in_path(program);

	g_free(path);
	return path != NULL;
}

gboolean desk_possible(void)
{
	return have("Xvfb") && have("pidgin") && have("xdotool") && have("import");
}

char *desk_run_all(Desk *d, const char *const *argv)
{
	char *out = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, d->env, G_SPAWN_SEARCH_PATH |
	                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_free(out);
		return NULL;
	}
	return out;
}

char *desk_run(Desk *d, const char *const *argv)
{
	char *out = desk_run_all(d, argv);

	if (out != NULL)
		out[strcspn(out, "\n")] = '\0';
	return out;
}

void desk_xdo(Desk *d, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { "xdotool", a1, a2, a3, a4, NULL };

	g_free(desk_run(d, argv));
}

void desk_escape(Desk *d, const char *window)
{
	desk_xdo(d, "windowfocus", "--sync", window, NULL);
	desk_xdo(d, "key", "Escape", NULL, NULL);
}

typedef struct {
	Desk *d;
	const char *pattern;
	char *id;
} WindowWait;

static gboolean window_found(gpointer data)
{
	WindowWait *w = data;
	const char *argv[] = { "xdotool", "search", "--name", w->pattern, NULL };

	g_free(w->id);
	w->id = desk_run(w->d, argv);
	if (w->id != NULL && *w->id == '\0') {
		g_free(w->id);
		w->id = NULL;
	}
	if (w->id == NULL)
		g_usleep(100 * 1000);
	return w->id != NULL;
}

char *desk_wait_window(Desk *d, const char *pattern, guint ms)
{
	WindowWait w = { d, pattern, NULL };

	wait_until(window_found, &w, ms);
	return w.id;
}

static gboolean window_gone(gpointer data)
{
	return !window_found(data);
}

gboolean desk_wait_window_gone(Desk *d, const char *pattern, guint ms)
{
	WindowWait w = { d, pattern, NULL };
	gboolean gone = wait_until(window_gone, &w, ms);

	g_free(w.id);
	return gone;
}

char *desk_conversation(Desk *d, const char *pattern)
{
	char *conv = desk_wait_window(d, pattern, 10000);

	if (conv != NULL) {
		desk_xdo(d, "windowsize", conv, "640", "420");
		desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	}
	return conv;
}

void desk_screenshot_window(Desk *d, const char *dir, const char *name, const char *window,
                            const char *crop)
{
	char *file;

	if (dir == NULL)
		return;
	g_mkdir_with_parents(dir, 0755);
	file = g_build_filename(dir, name, NULL);
	g_remove(file);
	{
		const char *argv[] = { "import", "-window", window, "-crop", crop ? crop : "100%",
		                       "+repage", file, NULL };

		g_free(desk_run(d, argv));
	}
	check(g_file_test(file, G_FILE_TEST_EXISTS), "screenshot %s", file);
	g_free(file);
}

void desk_screenshot(Desk *d, const char *dir, const char *name, const char *crop)
{
	desk_screenshot_window(d, dir, name, "root", crop);
}

/* The ids of the visible windows, one per line. By class: a window without
 * a title (Pidgin's plugin preferences) is found too. */
static char *visible_windows(Desk *d)
{
	const char *argv[] = { "xdotool", "search", "--onlyvisible", "--class", ".", NULL };
	char *out = desk_run_all(d, argv);

	return out ? out : g_strdup("");
}

typedef struct {
	Desk *d;
	char *before;
	char *id;
} NewWindowWait;

static gboolean new_window(gpointer data)
{
	NewWindowWait *w = data;
	char *now = visible_windows(w->d);
	char **ids = g_strsplit(now, "\n", -1);
	guint i;

	for (i = 0; ids[i] != NULL && w->id == NULL; i++) {
		char *line = g_strdup_printf("%s\n", ids[i]);

		if (*ids[i] != '\0' && strstr(w->before, line) == NULL)
			w->id = g_strdup(ids[i]);
		g_free(line);
	}
	g_strfreev(ids);
	g_free(now);
	if (w->id == NULL)
		g_usleep(100 * 1000);
	return w->id != NULL;
}

char *desk_press_for_window(Desk *d, const char *keys, guint ms)
{
	NewWindowWait w = { d, visible_windows(d), NULL };

	desk_xdo(d, "key", keys, NULL, NULL);
	wait_until(new_window, &w, ms);
	g_free(w.before);
	return w.id;
}

static void stop(GPid *pid);

static gboolean start_xvfb(Desk *d)
{
	const char *argv[] = { "Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24",
	                       "-nolisten", "tcp", NULL };
	int out = -1;
	char buf[32] = "";
	ssize_t n;

	if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
	                              G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
	                              G_SPAWN_STDERR_TO_DEV_NULL,
	                              NULL, NULL, &d->xvfb, NULL, &out, NULL, NULL))
		return FALSE;
	d->xvfb_out = out;
	n = read(out, buf, sizeof buf - 1); /* the display number, once it is ready */
	if (n <= 0)
		return FALSE;
	buf[n] = '\0';
	g_strchomp(buf);
	d->display = g_strdup_printf(":%s", buf);
	return TRUE;
}

/* A link to so in plugins/, its item in the pathlist of loaded plugins. */
static gboolean link_plugin(const char *plugins, const char *path, GString *loaded)
{
	char *so = g_canonicalize_filename(path, NULL);
	char *base = g_path_get_basename(so);
	char *link = g_build_filename(plugins, base, NULL);
	char *item = g_markup_printf_escaped("<item value='%s'/>", link);
	gboolean ok = symlink(so, link) == 0;

	g_string_append(loaded, item);
	g_free(so);
	g_free(base);
	g_free(link);
	g_free(item);
	return ok;
}

char *desk_accounts_xml(int port, const char *ui)
{
	return g_strdup_printf(
		"<?xml version='1.0' encoding='UTF-8' ?>\n<account version='1.0'><account>"
		"<protocol>prpl-irc</protocol><name>alex@127.0.0.1</name><settings>"
		"<setting name='port' type='int'>%d</setting>"
		"<setting name='encoding' type='string'>UTF-8</setting>"
		"<setting name='ratelimit-interval' type='int'>0</setting></settings>"
		"<settings ui='%s'><setting name='auto-login' type='bool'>1</setting>"
		"</settings></account></account>\n", port, ui);
}

static gboolean write_config(Desk *d, const char *plugin_path, const char *companion_path,
                             int port)
{
	char *purple = g_build_filename(d->home, ".purple", NULL);
	char *plugins = g_build_filename(purple, "plugins", NULL);
	char *so = g_canonicalize_filename(plugin_path, NULL);
	char *top = g_path_get_dirname(so);
	char *tree = g_path_get_dirname(top);
	char *rules = g_build_filename(tree, "rules", NULL);
	GString *loaded = g_string_new(NULL);
	char *accounts = desk_accounts_xml(port, "gtk-gaim");
	char *prefs = NULL, *rules_pref;
	char *file_a = g_build_filename(purple, "accounts.xml", NULL);
	char *file_p = g_build_filename(purple, "prefs.xml", NULL);
	gboolean ok = g_mkdir_with_parents(plugins, 0700) == 0 &&
	              link_plugin(plugins, plugin_path, loaded) &&
	              (companion_path == NULL || link_plugin(plugins, companion_path, loaded));

	/* The plugins are links in the user's plugin folder, not in a build/
	 * folder: the rules come from rules_dir. */
	rules_pref = g_markup_printf_escaped("<pref name='rules_dir' type='string' value='%s'/>",
	                                     rules);
	prefs = g_strdup_printf(
		"<?xml version='1.0' encoding='UTF-8' ?>\n<pref version='1' name='/'>"
		"<pref name='plugins'><pref name='core'><pref name='etiquette'>%s"
		"</pref></pref></pref>"
		"<pref name='pidgin'><pref name='plugins'><pref name='loaded' type='pathlist'>"
		"%s</pref></pref></pref></pref>\n", rules_pref, loaded->str);
	ok = ok && g_file_set_contents(file_a, accounts, -1, NULL) &&
	     g_file_set_contents(file_p, prefs, -1, NULL);
	g_free(purple);
	g_free(plugins);
	g_free(so);
	g_free(top);
	g_free(tree);
	g_free(rules);
	g_string_free(loaded, TRUE);
	g_free(accounts);
	g_free(rules_pref);
	g_free(prefs);
	g_free(file_a);
	g_free(file_p);
	return ok;
}

static gboolean start_pidgin(Desk *d)
{
	char *config = g_build_filename(d->home, ".purple", NULL);
	char *log = g_build_filename(d->home, "pidgin.log", NULL);
	/* ETQ_TEST_PIDGIN_ENV: VAR=value words for Pidgin alone, such as the
	 * sanitizer runtimes an instrumented plugin needs (tests/plugin/asan.sh) */
	const char *env = g_getenv("ETQ_TEST_PIDGIN_ENV");
	/* -m: no single-instance check. A Pidgin started right after another
	 * one quit may still find the quitter's name on the session bus and
	 * exit "because another libpurple client is already running" */
	char *command = g_strdup_printf("exec env %s pidgin -m -c '%s' -d >'%s' 2>&1",
	                                env != NULL ? env : "", config, log);
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	gboolean ok = g_spawn_async(NULL, (char **)argv, d->env, G_SPAWN_DO_NOT_REAP_CHILD,
	                            NULL, NULL, &d->pidgin, NULL);

	g_free(config);
	g_free(log);
	g_free(command);
	return ok;
}

char *desk_companion_path(const char *plugin_path)
{
	char *dir = g_path_get_dirname(plugin_path);
	char *path = g_build_filename(dir, "pidgin-etiquette.so", NULL);

	g_free(dir);
	return path;
}

gboolean desk_start(Desk *d, const char *plugin_path, const char *companion_path, int port)
{
	memset(d, 0, sizeof *d);
	d->home = g_dir_make_tmp("etq-pidgin-XXXXXX", NULL);
	if (!check(d->home != NULL && start_xvfb(d), "Xvfb runs"))
		return FALSE;
	note("Xvfb runs on %s", d->display);
	d->env = g_get_environ();
	d->env = g_environ_setenv(d->env, "HOME", d->home, TRUE);
	d->env = g_environ_setenv(d->env, "DISPLAY", d->display, TRUE);
	d->env = g_environ_setenv(d->env, "NO_AT_BRIDGE", "1", TRUE);
	d->env = g_environ_setenv(d->env, "GTK_MODULES", ETQ_TEST_GTK_LABELS, TRUE);
	if (companion_path != NULL)
		d->env = g_environ_setenv(d->env, "ETQ_TEST_HOOKS", "1", TRUE);
	return check(write_config(d, plugin_path, companion_path, port) && start_pidgin(d),
	             "Pidgin starts with the plugin%s", companion_path ? " and its companion" : "");
}

gboolean desk_restart_pidgin(Desk *d, const char *var, const char *value)
{
	stop(&d->pidgin);
	d->env = g_environ_setenv(d->env, var, value, TRUE);
	return start_pidgin(d);
}

static gboolean alex_online(gpointer data)
{
	Peer *peer = data;
	guint first = peer->lines->len;
	char *expect = g_strdup_printf(" 303 %s :alex", peer->nick);
	gboolean online;

	peer_send_raw(peer, "ISON alex");
	run_for(200);
	online = peer_saw(peer, first, expect);
	g_free(expect);
	return online;
}

gboolean desk_wait_alex_online(Peer *peer, guint ms)
{
	return peer->welcome && wait_until(alex_online, peer, ms);
}


/* The lines of the log that hold text. */
static char **log_lines(Desk *d, const char *text)
{
	char *log = g_build_filename(d->home, "pidgin.log", NULL);
	char *contents = NULL;
	GPtrArray *found = g_ptr_array_new();
	char **lines, **l;

	g_file_get_contents(log, &contents, NULL, NULL);
	lines = g_strsplit(contents ? contents : "", "\n", -1);
	for (l = lines; *l != NULL; l++) {
		char *at = strstr(*l, text);

		if (at != NULL)
			g_ptr_array_add(found, g_strdup(at));
	}
	g_ptr_array_add(found, NULL);
	g_strfreev(lines);
	g_free(contents);
	g_free(log);
	return (char **)g_ptr_array_free(found, FALSE);
}

guint desk_log_count(Desk *d, const char *text)
{
	char **lines = log_lines(d, text);
	guint n = g_strv_length(lines);

	g_strfreev(lines);
	return n;
}

typedef struct {
	Desk *d;
	const char *text;
	guint after;
	char *last;
} LogWait;

static gboolean log_grew(gpointer data)
{
	LogWait *w = data;
	char **lines = log_lines(w->d, w->text);
	guint n = g_strv_length(lines);

	if (n > w->after)
		w->last = g_strdup(lines[n - 1]);
	else
		g_usleep(50 * 1000);
	g_strfreev(lines);
	return w->last != NULL;
}

char *desk_wait_log(Desk *d, const char *text, guint after, guint ms)
{
	LogWait w = { d, text, after, NULL };

	wait_until(log_grew, &w, ms);
	return w.last;
}

gboolean desk_log_has(Desk *d, const char *text)
{
	return desk_log_count(d, text) > 0;
}

char **desk_window_labels(Desk *d, const char *window, guint ms)
{
	char *prefix = g_strdup_printf("etq-labels %s", window);
	char *end = g_strdup_printf("%s end", prefix);
	char *ended = desk_wait_log(d, end, 0, ms);
	GPtrArray *labels = NULL;
	size_t n = strlen(prefix);

	if (ended != NULL) {
		char **lines = log_lines(d, prefix), **l;

		labels = g_ptr_array_new();
		/* "<prefix>: text" or "<prefix> cut: text"; not "<prefix>0..." (another window) */
		for (l = lines; *l != NULL && !g_str_has_prefix(*l, end); l++) {
			if (g_str_has_prefix(*l + n, ": "))
				g_ptr_array_add(labels, g_strdup(*l + n + 2));
			else if (g_str_has_prefix(*l + n, " cut: "))
				g_ptr_array_add(labels, g_strdup(*l + n + 1));
		}
		g_ptr_array_add(labels, NULL);
		g_strfreev(lines);
	}
	g_free(prefix);
	g_free(end);
	g_free(ended);
	return labels ? (char **)g_ptr_array_free(labels, FALSE) : NULL;
}

static void stop(GPid *pid)
{
	if (*pid != 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		g_spawn_close_pid(*pid);
		*pid = 0;
	}
}

void desk_stop(Desk *d)
{
	stop(&d->pidgin);
	if (d->home != NULL && d->env != NULL) {
		/* Pidgin saves its files as it quits; plugins/ holds the test's links */
		char *purple = g_build_filename(d->home, ".purple", NULL);
		const char *const ours[] = { "plugins", NULL };

		ui_check_user_dir(purple, ours);
		g_free(purple);
	}
	stop(&d->xvfb);
	if (d->xvfb_out > 0)
		close(d->xvfb_out);
	if (d->home != NULL && g_getenv("ETQ_TEST_KEEP") == NULL)
		remove_tree(d->home);
	g_free(d->home);
	g_free(d->display);
	g_strfreev(d->env);
	memset(d, 0, sizeof *d);
}
