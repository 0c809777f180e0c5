/* realpidgin.c — the plugin in real Pidgin, under Xvfb, against ngircd.
 *
 * Pidgin runs with a fresh config (an IRC account "alex", the plugin
 * loaded, the source tree's rules as the user's rules_dir) on its own
 * X display; xdotool types and presses keys; maria is a plain IRC peer
 * (peer.c). It proves with Pidgin's own dialogs and input box:
 *   a cold ask is held and asked about; Enter (the default, Edit) sends
 *   nothing and puts the text back into the input box, so Enter there asks
 *   again; "Send anyway" (Alt+S) sends it once, unchanged.
 * With a screenshots folder it saves the dialog and the hint as PNGs.
 * Skipped (no check fails) when Xvfb, pidgin or xdotool is missing.
 */
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "harness.h"

/* "nothing arrives": longer than libpurple's one-second IRC send timer */
#define QUIET_WAIT_MS 1200

typedef struct {
	char *display;   /* ":N" */
	char *home;      /* temporary HOME with .purple */
	GPid xvfb, pidgin;
	int xvfb_out;    /* kept open: Xvfb dies of SIGPIPE if it is closed */
	char **env;      /* for pidgin, xdotool, import */
} Desk;

static gboolean have(const char *program)
{
	char *path = g_find_program_in_path(program);

	g_free(path);
	return path != NULL;
}

/* Runs a program on the desk's display; returns its first output line. */
static char *run(Desk *d, const char *const *argv)
{
	char *out = NULL;
	int status = 0;

	if (!g_spawn_sync(NULL, (char **)argv, d->env, G_SPAWN_SEARCH_PATH |
	                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, NULL) ||
	    !g_spawn_check_wait_status(status, NULL)) {
		g_free(out);
		return NULL;
	}
	if (out != NULL)
		out[strcspn(out, "\n")] = '\0';
	return out;
}

static void xdo(Desk *d, const char *a1, const char *a2, const char *a3, const char *a4)
{
	const char *argv[] = { "xdotool", a1, a2, a3, a4, NULL };

	g_free(run(d, argv));
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
	w->id = run(w->d, argv);
	if (w->id != NULL && *w->id == '\0') {
		g_free(w->id);
		w->id = NULL;
	}
	if (w->id == NULL)
		g_usleep(100 * 1000);
	return w->id != NULL;
}

/* The id of the window whose title matches pattern, or NULL. */
static char *wait_window(Desk *d, const char *pattern, guint ms)
{
	WindowWait w = { d, pattern, NULL };

	wait_until(window_found, &w, ms);
	return w.id;
}

static gboolean window_gone(gpointer data)
{
	return !window_found(data);
}

static gboolean wait_window_gone(Desk *d, const char *pattern, guint ms)
{
	WindowWait w = { d, pattern, NULL };
	gboolean gone = wait_until(window_gone, &w, ms);

	g_free(w.id);
	return gone;
}

static void screenshot(Desk *d, const char *dir, const char *name, const char *crop)
{
	char *file;

	if (dir == NULL || !have("import"))
		return;
	g_mkdir_with_parents(dir, 0755);
	file = g_build_filename(dir, name, NULL);
	{
		const char *argv[] = { "import", "-window", "root", "-crop", crop, "+repage", file, NULL };

		g_free(run(d, argv));
	}
	note("screenshot %s", file);
	g_free(file);
}

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

static gboolean write_config(Desk *d, const char *plugin_path, int port)
{
	char *purple = g_build_filename(d->home, ".purple", NULL);
	char *plugins = g_build_filename(purple, "plugins", NULL);
	char *so = g_canonicalize_filename(plugin_path, NULL);
	char *link = g_build_filename(plugins, "purple-etiquette.so", NULL);
	char *top = g_path_get_dirname(so);
	char *tree = g_path_get_dirname(top);
	char *rules = g_build_filename(tree, "rules", NULL);
	char *accounts = g_strdup_printf(
		"<?xml version='1.0' encoding='UTF-8' ?>\n<account version='1.0'><account>"
		"<protocol>prpl-irc</protocol><name>alex@127.0.0.1</name><settings>"
		"<setting name='port' type='int'>%d</setting>"
		"<setting name='encoding' type='string'>UTF-8</setting>"
		"<setting name='ratelimit-interval' type='int'>0</setting></settings>"
		"<settings ui='gtk-gaim'><setting name='auto-login' type='bool'>1</setting>"
		"</settings></account></account>\n", port);
	/* The plugin is a link in the user's plugin folder, so it is not in a
	 * build/ folder: the rules come from rules_dir. */
	char *prefs = g_markup_printf_escaped(
		"<?xml version='1.0' encoding='UTF-8' ?>\n<pref version='1' name='/'>"
		"<pref name='plugins'><pref name='core'><pref name='etiquette'>"
		"<pref name='rules_dir' type='string' value='%s'/></pref></pref></pref>"
		"<pref name='pidgin'><pref name='plugins'><pref name='loaded' type='pathlist'>"
		"<item value='%s'/></pref></pref></pref></pref>\n", rules, link);
	char *file_a = g_build_filename(purple, "accounts.xml", NULL);
	char *file_p = g_build_filename(purple, "prefs.xml", NULL);
	gboolean ok = g_mkdir_with_parents(plugins, 0700) == 0 && symlink(so, link) == 0 &&
	              g_file_set_contents(file_a, accounts, -1, NULL) &&
	              g_file_set_contents(file_p, prefs, -1, NULL);

	g_free(purple);
	g_free(plugins);
	g_free(so);
	g_free(link);
	g_free(top);
	g_free(tree);
	g_free(rules);
	g_free(accounts);
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
	char *command = g_strdup_printf("exec env %s pidgin -c '%s' -d >'%s' 2>&1",
	                                env != NULL ? env : "", config, log);
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	gboolean ok = g_spawn_async(NULL, (char **)argv, d->env, G_SPAWN_DO_NOT_REAP_CHILD,
	                            NULL, NULL, &d->pidgin, NULL);

	g_free(config);
	g_free(log);
	g_free(command);
	return ok;
}

static gboolean alex_online(gpointer data)
{
	Peer *maria = data;
	guint first = maria->lines->len;

	peer_send_raw(maria, "ISON alex");
	run_for(200);
	return peer_saw(maria, first, " 303 maria :alex");
}

static gboolean pidgin_log_has(Desk *d, const char *text)
{
	char *log = g_build_filename(d->home, "pidgin.log", NULL);
	char *contents = NULL;
	gboolean found;

	g_file_get_contents(log, &contents, NULL, NULL);
	found = contents != NULL && strstr(contents, text) != NULL;
	g_free(contents);
	g_free(log);
	return found;
}

static void drive(Desk *d, Peer *maria, const char *screenshots)
{
	const char *ask = "could you review my cv?";
	guint first = maria->msgs->len;
	char *conv, *dialog;

	peer_privmsg(maria, "alex", "Hi Alex, nice to meet you at the meetup!");
	peer_privmsg(maria, "alex", "I shared your post about the conference");
	conv = wait_window(d, "^maria$", 10000);
	if (!check(conv != NULL, "real Pidgin: maria's messages open a conversation window"))
		return;
	xdo(d, "windowsize", conv, "640", "420");
	xdo(d, "windowfocus", "--sync", conv, NULL);
	xdo(d, "type", "--delay", "10", ask);
	xdo(d, "key", "Return", NULL, NULL);
	dialog = wait_window(d, "^Etiquette$", 5000);
	if (check(dialog != NULL, "real Pidgin: a cold ask is held and the plugin asks")) {
		xdo(d, "windowmove", dialog, "120", "200");
		run_for(QUIET_WAIT_MS);
		screenshot(d, screenshots, "warn-before-send.png", "680x450+0+0");
		check(peer_count(maria, first, "alex", NULL) == 0,
		      "real Pidgin: maria receives nothing while the question is open");
		xdo(d, "windowfocus", "--sync", dialog, NULL);
		xdo(d, "key", "Return", NULL, NULL);
		wait_window_gone(d, "^Etiquette$", 3000);
		run_for(QUIET_WAIT_MS);
		check(peer_count(maria, first, "alex", NULL) == 0,
		      "real Pidgin: Enter picks the default, Edit: nothing is sent");
		xdo(d, "windowraise", conv, NULL, NULL);
		run_for(300);
		screenshot(d, screenshots, "hint.png", "650x430+0+0");
		g_free(dialog);
		xdo(d, "windowfocus", "--sync", conv, NULL);
		xdo(d, "key", "Return", NULL, NULL);
		dialog = wait_window(d, "^Etiquette$", 5000);
		check(dialog != NULL, "real Pidgin: Edit put the text back into the input box "
		      "(Enter there sends it again, and the plugin asks again)");
	}
	if (dialog != NULL) {
		xdo(d, "windowfocus", "--sync", dialog, NULL);
		xdo(d, "key", "alt+s", NULL, NULL);
		run_for(QUIET_WAIT_MS * 2);
		check(peer_count(maria, first, "alex", NULL) == 1 && maria->msgs->len > first &&
		      strcmp(peer_msg(maria, maria->msgs->len - 1)->text, ask) == 0,
		      "real Pidgin: Send anyway (Alt+S) sends it once, unchanged");
	}
	check(pidgin_log_has(d, "etiquette: finding say-thanks") &&
	      pidgin_log_has(d, "etiquette: finding cold-ask"),
	      "real Pidgin: the debug log has a line per finding");
	g_free(dialog);
	g_free(conv);
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

void real_pidgin_run(const char *plugin_path, const char *screenshots)
{
	Desk d = { 0 };
	Ircd ircd;
	Peer *maria = NULL;

	if (!have("Xvfb") || !have("pidgin") || !have("xdotool")) {
		note("skipped: real Pidgin needs Xvfb, pidgin and xdotool");
		return;
	}
	d.home = g_dir_make_tmp("etq-pidgin-XXXXXX", NULL);
	if (!check(ircd_start(&ircd), "ngircd runs"))
		goto out;
	if (!start_xvfb(&d)) {
		check(FALSE, "Xvfb runs");
		goto out;
	}
	check(TRUE, "Xvfb runs on %s", d.display);
	d.env = g_get_environ();
	d.env = g_environ_setenv(d.env, "HOME", d.home, TRUE);
	d.env = g_environ_setenv(d.env, "DISPLAY", d.display, TRUE);
	d.env = g_environ_setenv(d.env, "NO_AT_BRIDGE", "1", TRUE);
	if (!check(write_config(&d, plugin_path, ircd.port) && start_pidgin(&d),
	           "Pidgin starts with the plugin"))
		goto out;
	maria = peer_connect("maria", ircd.port);
	if (check(maria->welcome && wait_until(alex_online, maria, 20000),
	          "Pidgin's alex is online"))
		drive(&d, maria, screenshots);
out:
	if (maria != NULL)
		peer_free(maria);
	stop(&d.pidgin);
	if (d.home != NULL) {
		/* Pidgin saves its files as it quits; plugins/ holds the test's link */
		char *purple = g_build_filename(d.home, ".purple", NULL);
		const char *const ours[] = { "plugins", NULL };

		ui_check_user_dir(purple, ours);
		g_free(purple);
	}
	stop(&d.xvfb);
	if (d.xvfb_out > 0)
		close(d.xvfb_out);
	ircd_stop(&ircd);
	if (d.home != NULL && g_getenv("ETQ_TEST_KEEP") == NULL)
		remove_tree(d.home);
	g_free(d.home);
	g_free(d.display);
	g_strfreev(d.env);
}
