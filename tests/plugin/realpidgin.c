/* realpidgin.c — the plugin in real Pidgin, under Xvfb, against ngircd.
 *
 * Pidgin runs on its own X display (desk.c), with the plugin and its
 * companion; xdotool types and presses
 * keys; maria is a plain IRC peer (peer.c). It proves with Pidgin's own
 * windows:
 *   a cold ask is held and asked about, in a window named after the
 *   conversation; Esc closes it and gives the text back at once, nothing
 *   sent; "Send anyway" (Alt+S) sends it once, unchanged; closing the
 *   conversation with a message held shows the text in a notification, and
 *   the text is offered back when maria writes again; the core plugin's
 *   preferences at Pidgin's default size read in English, and in German
 *   after a restart in German, every label whole (read from Pidgin's
 *   widgets by tests/plugin/gtk/labels.c).
 * "Nothing sent" is proved by a line typed afterwards that arrives alone.
 * Screenshots of each go into the screenshots folder.
 */
#include <string.h>

#include "desk.h"
#include "harness.h"

/* Types text into the conversation window and presses Enter. */
static void say(Desk *d, const char *conv, const char *text)
{
	desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	desk_xdo(d, "type", "--delay", "10", text);
	desk_xdo(d, "key", "Return", NULL, NULL);
}

/* "Nothing else was sent", proved: an ordinary line typed after it
 * reaches maria; returns how many lines from alex came since first,
 * before it (G_MAXUINT if it never came). */
static guint sent_before_marker(Desk *d, const char *conv, Peer *maria, guint first)
{
	static guint serial;
	char *text = g_strdup_printf("marker-%u-end", ++serial);
	guint n;

	/* the held text may be back in the input box: the marker replaces it */
	desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	desk_xdo(d, "key", "ctrl+a", "Delete", NULL);
	say(d, conv, text);
	n = peer_wait_saw(maria, text, 10000) ? peer_count(maria, first, "alex", NULL) - 1 : G_MAXUINT;
	g_free(text);
	return n;
}

typedef struct {
	Desk *d;
	const char *text;
} LogWait;

static gboolean log_has(gpointer data)
{
	LogWait *w = data;

	if (desk_log_has(w->d, w->text))
		return TRUE;
	g_usleep(50 * 1000);
	return FALSE;
}

static gboolean wait_log(Desk *d, const char *text, guint ms)
{
	LogWait w = { d, text };

	return wait_until(log_has, &w, ms);
}

/* Esc on the question is Edit: nothing sent, the text back at once. */
static void esc_is_edit(Desk *d, const char *conv, Peer *maria, const char *screenshots)
{
	guint first = maria->msgs->len;
	char *dialog;

	say(d, conv, "could you review my cv?");
	dialog = desk_wait_window(d, "^Etiquette: maria$", 20000);
	if (!check(dialog != NULL, "real Pidgin: a cold ask is held and the plugin asks, "
	           "naming the conversation"))
		return;
	desk_xdo(d, "windowmove", dialog, "110", "165");
	run_for(300);
	desk_screenshot(d, screenshots, "warn-before-send.png", "720x480+0+0");
	desk_escape(d, dialog);
	check(desk_wait_window_gone(d, "^Etiquette: maria$", 20000) &&
	      wait_log(d, "etiquette: gave back the held text of maria", 20000),
	      "real Pidgin: Esc closes the question and gives the text back at once");
	check(sent_before_marker(d, conv, maria, first) == 0,
	      "real Pidgin: ...and nothing was sent (a line typed after it arrives alone)");
	g_free(dialog);
}

static void send_anyway(Desk *d, const char *conv, Peer *maria)
{
	/* a template: maria and alex have talked by now (the marker) */
	const char *ask = "Dear ___, I would love to connect";
	guint first = maria->msgs->len;
	char *dialog;

	say(d, conv, ask);
	dialog = desk_wait_window(d, "^Etiquette: maria$", 20000);
	if (!check(dialog != NULL, "real Pidgin: a template is asked about"))
		return;
	desk_xdo(d, "windowfocus", "--sync", dialog, NULL);
	desk_xdo(d, "key", "alt+s", NULL, NULL);
	check(sent_before_marker(d, conv, maria, first) == 1 &&
	      strcmp(peer_msg(maria, first)->text, ask) == 0,
	      "real Pidgin: Send anyway (Alt+S) sends it once, unchanged");
	g_free(dialog);
}

/* The conversation closed while a message is held: the user is told at
 * once, and the text is offered back when maria writes again. */
static void close_held(Desk *d, char **conv, Peer *maria, const char *screenshots)
{
	char *dialog, *notice;

	say(d, *conv, "Dear ___, please share my post");
	dialog = desk_wait_window(d, "^Etiquette: maria$", 20000);
	if (!check(dialog != NULL, "real Pidgin: another template is held"))
		return;
	desk_xdo(d, "windowfocus", "--sync", *conv, NULL);
	desk_xdo(d, "key", "ctrl+w", NULL, NULL);
	notice = desk_wait_window(d, "^Etiquette$", 20000);
	check(notice != NULL && desk_wait_window_gone(d, "^Etiquette: maria$", 20000) &&
	      wait_log(d, "etiquette: kept the held text of maria", 20000),
	      "real Pidgin: closing the conversation closes the question and shows the "
	      "held text in a notification");
	if (notice != NULL) {
		desk_xdo(d, "windowraise", notice, NULL, NULL);
		run_for(300);
		desk_screenshot(d, screenshots, "closed-with-held-text.png", "600x420+0+0");
		desk_escape(d, notice);
	}
	g_free(*conv);
	peer_privmsg(maria, "alex", "are you still there?");
	*conv = desk_wait_window(d, "^maria$", 20000);
	check(*conv != NULL && wait_log(d, "etiquette: offered back the held text of maria", 20000),
	      "real Pidgin: maria writes again, the conversation opens with the text offered back");
	g_free(dialog);
	g_free(notice);
}

static void drive(Desk *d, Peer *maria, const char *screenshots)
{
	char *conv;

	peer_privmsg(maria, "alex", "Hi Alex, nice to meet you at the meetup!");
	peer_privmsg(maria, "alex", "I shared your post about the conference");
	conv = desk_conversation(d, "^maria$");
	if (!check(conv != NULL, "real Pidgin: maria's messages open a conversation window"))
		return;
	esc_is_edit(d, conv, maria, screenshots);
	desk_xdo(d, "windowraise", conv, NULL, NULL);
	run_for(300);
	desk_screenshot(d, screenshots, "hint.png", "650x430+0+0");
	send_anyway(d, conv, maria);
	close_held(d, &conv, maria, screenshots);
	check(desk_log_has(d, "etiquette: finding say-thanks") &&
	      desk_log_has(d, "etiquette: finding cold-ask"),
	      "real Pidgin: the debug log has a line per finding");
	g_free(conv);
}

/* What the preferences test types and looks for, in Pidgin's language. */
typedef struct {
	const char *lang;
	const char *plugins;   /* the title of Tools → Plugins */
	const char *find;      /* typed into its list: a piece of the core plugin's row alone */
	const char *labels[4]; /* on the core plugin's page */
} Words;

static const Words english = { "en", "^Plugins$", "Asks before",
                               { "Behaviour", "Ask before sending", "Rule sets", "Greetings" } };
static const Words german = { "de", "^Erweiterungen$", "Fragt nach",
                              { "Verhalten", "Vor dem Senden fragen", "Regelsätze",
                                "Begrüßungen" } };

static gboolean has_label(char **labels, const char *text)
{
	return labels != NULL && g_strv_contains((const char *const *)labels, text);
}

/* The page says what w expects, none of the other language's labels, and
 * no label is cut. */
static void check_labels(Desk *d, const char *prefs, const Words *w, const Words *other)
{
	char **labels = desk_window_labels(d, prefs, 10000), **l;
	char *all = labels ? g_strjoinv(" | ", labels) : g_strdup("(none logged)");
	gboolean ours = labels != NULL, theirs = FALSE, cut = FALSE;
	guint i;

	for (i = 0; i < G_N_ELEMENTS(w->labels); i++) {
		ours = ours && has_label(labels, w->labels[i]);
		theirs = theirs || has_label(labels, other->labels[i]);
	}
	for (l = labels; l != NULL && *l != NULL; l++)
		cut = cut || g_str_has_prefix(*l, "cut: ");
	check(ours && !theirs, "real Pidgin (%s): the core plugin's page reads %s, %s, %s, %s "
	      "and none of the %s labels (%s)", w->lang, w->labels[0], w->labels[1], w->labels[2],
	      w->labels[3], other->lang, all);
	check(labels != NULL && !cut, "real Pidgin (%s): every label on the page is shown whole (%s)",
	      w->lang, all);
	g_strfreev(labels);
	g_free(all);
}

/* The end of Pidgin's debug log and output, to tell why it failed. */
static void log_tail(const Desk *d, guint n)
{
	char *log = g_build_filename(d->home, "pidgin.log", NULL), *contents = NULL;
	char **lines;
	guint len, i;

	g_file_get_contents(log, &contents, NULL, NULL);
	lines = g_strsplit(contents ? contents : "(no pidgin.log)", "\n", -1);
	len = g_strv_length(lines);
	for (i = len > n ? len - n : 0; i < len; i++)
		note("pidgin.log: %s", lines[i]);
	g_strfreev(lines);
	g_free(contents);
	g_free(log);
}

/* The plugin's preferences at Pidgin's default size: Tools → Plugins
 * (Ctrl+U), Etiquette, Configure Plugin (Alt+U); what it reads, and a
 * screenshot of it. */
static void prefs_dialog(Desk *d, const char *screenshots, const Words *w, const Words *other)
{
	char *blist = desk_wait_window(d, "^Buddy", 30000), *plugins = NULL, *prefs = NULL;
	const char *argv[] = { "xdotool", "getwindowgeometry", NULL, NULL };
	int i;

	if (!check(blist != NULL, "real Pidgin (%s): the buddy list is open", w->lang)) {
		log_tail(d, 40);
		return;
	}
	/* a busy machine may take the key before the focus: then once more */
	for (i = 0; i < 2 && plugins == NULL; i++) {
		desk_xdo(d, "windowfocus", "--sync", blist, NULL);
		desk_xdo(d, "key", "ctrl+u", NULL, NULL);
		plugins = desk_wait_window(d, w->plugins, 10000);
	}
	if (check(plugins != NULL, "real Pidgin (%s): Tools → Plugins opens", w->lang)) {
		desk_xdo(d, "windowfocus", "--sync", plugins, NULL);
		/* the list has the focus: typing finds the plugin (its name would
		 * find the companion too); Esc closes the search (Enter would
		 * activate the row: unload the plugin) */
		desk_xdo(d, "type", "--delay", "50", w->find);
		desk_xdo(d, "key", "Escape", NULL, NULL);
		prefs = desk_press_for_window(d, "alt+u", 20000);
	}
	if (check(prefs != NULL, "real Pidgin (%s): Configure Plugin opens the preferences", w->lang)) {
		char *name = g_strdup_printf("preferences-%s.png", w->lang), *geometry;

		check_labels(d, prefs, w, other);
		desk_xdo(d, "windowraise", prefs, NULL, NULL);
		run_for(500);
		argv[2] = prefs;
		geometry = desk_run_all(d, argv);
		note("preferences window (%s): %s", w->lang,
		     geometry ? g_strdelimit(geometry, "\n", ' ') : "?");
		desk_screenshot_window(d, screenshots, name, prefs, NULL);
		desk_escape(d, prefs);
		g_free(geometry);
		g_free(name);
	}
	g_free(blist);
	g_free(plugins);
	g_free(prefs);
}

void real_pidgin_run(const char *plugin_path, const char *screenshots)
{
	Desk d;
	Ircd ircd;
	Peer *maria = NULL;
	char *companion;

	if (!check(desk_possible(), "real Pidgin: Xvfb, pidgin, xdotool and import (ImageMagick) "
	           "are installed (make check installs them)"))
		return;
	if (!check(ircd_start(&ircd), "ngircd runs"))
		return;
	companion = desk_companion_path(plugin_path);
	if (desk_start(&d, plugin_path, companion, ircd.port)) {
		maria = peer_connect("maria", ircd.port);
		if (check(desk_wait_alex_online(maria, 20000),
		          "Pidgin's alex is online"))
			drive(&d, maria, screenshots);
		peer_free(maria);
		prefs_dialog(&d, screenshots, &english, &german);
		/* the same in German: Pidgin again, with the plugin's texts in de
		 * (started once: a Pidgin stopped while it starts may leave the
		 * next one without a buddy list). C.UTF-8 is there without the
		 * locales package; gettext takes LANGUAGE in any locale but plain C,
		 * so Pidgin and the plugin read the de catalogues a de_DE.UTF-8
		 * user gets. */
		d.env = g_environ_setenv(d.env, "LC_ALL", "C.UTF-8", TRUE);
		if (check(desk_restart_pidgin(&d, "LANGUAGE", "de"), "Pidgin starts again, in German"))
			prefs_dialog(&d, screenshots, &german, &english);
	}
	desk_stop(&d);
	ircd_stop(&ircd);
	g_free(companion);
}
