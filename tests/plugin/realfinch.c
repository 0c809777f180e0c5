/* realfinch.c — the plugin in real Finch, in a tmux of 80 columns, against
 * ngircd.
 *
 * Finch runs with a fresh config (an IRC account "alex", the plugin loaded
 * through a link, the source tree's rules as rules_dir); tmux sends the
 * keys and captures the screen; maria is a plain IRC peer. It proves:
 *   the question is on top of the conversation once Enter is pressed (its
 *   title on the screen's first line), names the conversation, and shows
 *   its buttons without mnemonic underscores; Alt+C (Finch closes windows
 *   with it; Esc closes none) gives the text back as a note, nothing sent;
 *   Send anyway sends it exactly once; the preferences fit 80 columns, in
 *   English and in German. "Nothing sent" is proved by a line typed
 *   afterwards that arrives alone. The screens are kept as text in the
 *   screenshots folder.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "desk.h"
#include "harness.h"

typedef struct {
	char *home;
	char *socket;
	char **env;
} Term;

static gboolean tmux(Term *t, const char *const *args, char **out)
{
	GPtrArray *argv = g_ptr_array_new();
	int status = 0;
	gboolean ok;

	g_ptr_array_add(argv, "tmux");
	g_ptr_array_add(argv, "-S");
	g_ptr_array_add(argv, t->socket);
	for (; *args != NULL; args++)
		g_ptr_array_add(argv, (gpointer)*args);
	g_ptr_array_add(argv, NULL);
	ok = g_spawn_sync(NULL, (char **)argv->pdata, t->env, G_SPAWN_SEARCH_PATH |
	                  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, out, NULL, &status, NULL) &&
	     g_spawn_check_wait_status(status, NULL);
	g_ptr_array_unref(argv);
	return ok;
}

/* Keys by tmux's names (Enter, Tab, M-c, ...). */
static void key(Term *t, const char *name)
{
	const char *args[] = { "send-keys", name, NULL };

	tmux(t, args, NULL);
	run_for(150);
}

static void type(Term *t, const char *text)
{
	const char *args[] = { "send-keys", "-l", text, NULL };

	tmux(t, args, NULL);
	key(t, "Enter");
}

/* The screen as text; with attributes (escapes) when colours is TRUE. */
static char *screen(Term *t, gboolean colours)
{
	const char *plain[] = { "capture-pane", "-p", NULL };
	const char *esc[] = { "capture-pane", "-p", "-e", NULL };
	char *out = NULL;

	if (!tmux(t, colours ? esc : plain, &out)) {
		g_free(out);
		return g_strdup("");
	}
	return out;
}

typedef struct {
	Term *t;
	const char *text;
} ScreenWait;

static gboolean on_screen(gpointer data)
{
	ScreenWait *w = data;
	char *s = screen(w->t, FALSE);
	gboolean found = strstr(s, w->text) != NULL;

	g_free(s);
	if (!found)
		g_usleep(100 * 1000);
	return found;
}

static gboolean wait_screen(Term *t, const char *text, guint ms)
{
	ScreenWait w = { t, text };

	return wait_until(on_screen, &w, ms);
}

/* Whether the highlighted item (white on blue) on the screen holds text. */
static gboolean highlighted(Term *t, const char *text)
{
	char *s = screen(t, TRUE);
	char *pattern = g_strconcat("\033[44m", text, NULL);
	gboolean found = strstr(s, pattern) != NULL;

	g_free(pattern);
	g_free(s);
	return found;
}

/* Presses key until text is highlighted, at most n times. */
static gboolean seek(Term *t, const char *name, const char *text, int n)
{
	while (!highlighted(t, text) && n-- > 0)
		key(t, name);
	return highlighted(t, text);
}

static void keep(Term *t, const char *dir, const char *name)
{
	char *s = screen(t, FALSE), *file;

	if (dir == NULL) {
		g_free(s);
		return;
	}
	g_mkdir_with_parents(dir, 0755);
	file = g_build_filename(dir, name, NULL);
	check(g_file_set_contents(file, s, -1, NULL), "screen kept in %s", file);
	g_free(file);
	g_free(s);
}

static gboolean write_config(Term *t, const char *plugin_path, int port)
{
	char *purple = g_build_filename(t->home, ".purple", NULL);
	char *plugins = g_build_filename(purple, "plugins", NULL);
	char *so = g_canonicalize_filename(plugin_path, NULL);
	char *link = g_build_filename(plugins, "purple-etiquette.so", NULL);
	char *top = g_path_get_dirname(so), *tree = g_path_get_dirname(top);
	char *rules = g_build_filename(tree, "rules", NULL);
	char *accounts = desk_accounts_xml(port, "gnt-purple");
	char *prefs = g_markup_printf_escaped(
		"<?xml version='1.0' encoding='UTF-8' ?>\n<pref version='1' name='/'>"
		"<pref name='plugins'><pref name='core'><pref name='etiquette'>"
		"<pref name='rules_dir' type='string' value='%s'/></pref></pref></pref>"
		"<pref name='finch'><pref name='plugins'><pref name='loaded' type='pathlist'>"
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

static gboolean start_finch(Term *t, const char *lang)
{
	char *command = g_strdup_printf("exec env HOME='%s' TERM=screen LC_ALL=C.UTF-8 LANGUAGE=%s "
	                                "finch -c '%s/.purple' 2>/dev/null", t->home, lang, t->home);
	const char *args[] = { "new-session", "-d", "-x", "80", "-y", "50", command, NULL };
	gboolean ok = tmux(t, args, NULL) && wait_screen(t, "Buddy", 30000);

	g_free(command);
	return ok;
}

static gboolean server_gone(gpointer data)
{
	Term *t = data;
	const char *args[] = { "has-session", NULL };

	if (!tmux(t, args, NULL))
		return TRUE;
	g_usleep(100 * 1000);
	return FALSE;
}

/* Finch and its tmux go; the next start must not meet the dying server. */
static void stop_finch(Term *t)
{
	const char *args[] = { "kill-server", NULL };

	tmux(t, args, NULL);
	wait_until(server_gone, t, 10000);
	g_remove(t->socket);
}

/* Lines from alex since first, before a marker typed now (G_MAXUINT: the
 * marker never came). */
static guint sent_before_marker(Term *t, Peer *maria, guint first)
{
	static guint serial;
	char *text = g_strdup_printf("marker-%u-end", ++serial);
	guint n;

	type(t, text);
	n = peer_wait_saw(maria, text, 10000) ? peer_count(maria, first, "alex", NULL) - 1 : G_MAXUINT;
	g_free(text);
	return n;
}

static void question(Term *t, Peer *maria, const char *shots)
{
	guint first = maria->msgs->len;
	char *s, *line;

	peer_privmsg(maria, "alex", "Hi Alex, nice to meet you at the meetup!");
	if (!check(wait_screen(t, "nice to meet you", 10000),
	           "real Finch: maria's message opens a conversation"))
		return;
	/* the conversation opened beside the buddy list: the user switches to it */
	seek(t, "M-n", "maria", 3);
	type(t, "could you review my cv?");
	if (!check(wait_screen(t, "Etiquette: maria", 5000), "real Finch: the plugin asks"))
		return;
	s = screen(t, FALSE);
	line = g_strndup(s, strcspn(s, "\n"));
	check(strstr(line, "Etiquette: maria") != NULL && strstr(s, "may come across badly") != NULL,
	      "real Finch: the question is on top after Enter, named after the conversation "
	      "(first line: \"%s\")", line);
	check(strstr(s, "Send anyway") != NULL && strstr(s, "Edit") != NULL &&
	      strstr(s, "_Send") == NULL && strstr(s, "_Edit") == NULL,
	      "real Finch: its buttons read Send anyway and Edit, no underscores");
	keep(t, shots, "finch-question.txt");
	g_free(line);
	g_free(s);

	key(t, "M-c");
	check(wait_screen(t, "Not sent. Your message", 5000),
	      "real Finch: Alt+C closes the question and gives the text back as a note");
	check(sent_before_marker(t, maria, first) == 0,
	      "real Finch: ...and nothing was sent (a line typed after it arrives alone)");

	first = maria->msgs->len;
	type(t, "Dear ___, I would love to connect");
	if (!check(wait_screen(t, "Etiquette: maria", 5000), "real Finch: a template is asked about"))
		return;
	check(seek(t, "Tab", "Send anyway", 4), "real Finch: Tab reaches Send anyway");
	key(t, "Enter");
	check(sent_before_marker(t, maria, first) == 1 &&
	      strcmp(peer_msg(maria, first)->text, "Dear ___, I would love to connect") == 0,
	      "real Finch: Send anyway sends it exactly once, unchanged");
}

/* What the preferences test looks for, in Finch's language. */
typedef struct {
	const char *lang, *plugins, *plugin, *configure, *unanswered, *save;
} Words;

static const Words english = { "en", "Plugins", "[X] Etiquette", "Configure Plugin",
                               "Unanswered after (s)", "Save" };
static const Words german = { "de", "Erweiterungen", "[X] Etikette", "Plugin konfigurieren",
                              "Erinnern nach (s)", "Speichern" };

/* Actions (Alt+A) → Plugins → Etiquette → Configure Plugin. */
static void preferences(Term *t, const char *shots, const Words *w)
{
	char *s, *name;

	key(t, "M-a");
	if (!check(seek(t, "Down", w->plugins, 15), "real Finch (%s): Actions → %s", w->lang,
	           w->plugins))
		return;
	key(t, "Enter");
	wait_screen(t, w->plugin, 5000);
	if (!check(seek(t, "Down", w->plugin, 30) && seek(t, "Tab", w->configure, 8),
	           "real Finch (%s): Etiquette, %s", w->lang, w->configure))
		return;
	key(t, "Enter");
	if (!check(wait_screen(t, w->unanswered, 5000), "real Finch (%s): its preferences open",
	           w->lang))
		return;
	s = screen(t, FALSE);
	name = g_strdup_printf("finch-preferences-%s.txt", w->lang);
	keep(t, shots, name);
	check(strstr(s, "Not implemented") == NULL && strstr(s, "600") != NULL &&
	      strstr(s, w->save) != NULL,
	      "real Finch (%s): every preference is shown with its value, within 80 columns",
	      w->lang);
	g_free(name);
	g_free(s);
}

void real_finch_run(const char *plugin_path, const char *screenshots)
{
	char *finch = g_find_program_in_path("finch"), *tmux_path = g_find_program_in_path("tmux");
	Term t = { NULL, NULL, NULL };
	Peer *maria = NULL;
	Ircd ircd;

	if (!check(finch != NULL && tmux_path != NULL,
	           "real Finch: finch and tmux are installed (make check installs them)"))
		goto out;
	if (!check(ircd_start(&ircd), "ngircd runs"))
		goto out;
	t.home = g_dir_make_tmp("etq-finch-XXXXXX", NULL);
	t.socket = g_build_filename(t.home, "tmux.sock", NULL);
	t.env = g_environ_setenv(g_get_environ(), "HOME", t.home, TRUE);
	if (check(write_config(&t, plugin_path, ircd.port) && start_finch(&t, "en"),
	          "Finch starts in tmux with the plugin")) {
		maria = peer_connect("maria", ircd.port);
		if (check(desk_wait_alex_online(maria, 20000), "Finch's alex is online"))
			question(&t, maria, screenshots);
		preferences(&t, screenshots, &english);
		stop_finch(&t);
		if (check(start_finch(&t, "de"), "Finch starts again, in German"))
			preferences(&t, screenshots, &german);
		stop_finch(&t);
		peer_free(maria);
	}
	ircd_stop(&ircd);
	if (g_getenv("ETQ_TEST_KEEP") == NULL)
		remove_tree(t.home);
out:
	g_free(finch);
	g_free(tmux_path);
	g_free(t.home);
	g_free(t.socket);
	g_strfreev(t.env);
}
