/* realcompanion.c — the Pidgin companion (build/pidgin-etiquette.so) in real
 * Pidgin under Xvfb, against ngircd, typed into with xdotool.
 *
 * The companion's test hooks (ETQ_TEST_HOOKS) write to Pidgin's debug log
 * what the input box holds after a give-back and, at every check of the
 * draft, the draft, whether the live line is shown and what it says; the
 * test waits for those lines. It proves, as maria (a stranger) writes to alex:
 *   typing a cold ask shows the line under the input box, with the reason;
 *   Enter asks, Esc (Edit) puts the text back into the input box (read from
 *   it), and the line is there again for it; editing the draft into a fine
 *   one hides the line, and Enter sends it with no question;
 *   the companion's preferences (Tools → Plugins, Configure Plugin) turn the
 *   line off at once: a template typed then gets no check, Enter still asks.
 * Screenshots of each step go to the screenshots folder.
 */
#include <string.h>

#include "desk.h"
#include "harness.h"

#define COLD_ASK "could you review my cv"
#define FINE "could you come to the meetup on friday?"
#define TEMPLATE "Dear [Name], are you free on friday?"
#define WINDOW_CROP "650x430+0+0"

/* The log line of the next check of draft, from "shown: " or "hidden" on. */
static char *live_line(Desk *d, const char *draft, guint after, guint ms)
{
	char *key = g_strdup_printf("live line of maria for \"%s\": ", draft);
	char *line = desk_wait_log(d, key, after, ms);
	char *state = line ? g_strdup(line + strlen(key)) : NULL;

	g_free(key);
	g_free(line);
	return state;
}

static guint live_count(Desk *d, const char *draft)
{
	char *key = g_strdup_printf("live line of maria for \"%s\": ", draft);
	guint n = desk_log_count(d, key);

	g_free(key);
	return n;
}

static gboolean got_message(gpointer data)
{
	Peer *maria = data;

	return maria->msgs->len > 0 &&
	       strcmp(peer_msg(maria, maria->msgs->len - 1)->from, "alex") == 0;
}

/* Tools → Plugins, Etiquette for Pidgin, Configure Plugin (Alt+U):
 * a screenshot, then its switch (Alt+S) turned off. */
static gboolean switch_off(Desk *d, const char *shots)
{
	char *blist = desk_wait_window(d, "^Buddy", 20000), *plugins = NULL, *prefs = NULL, *off;
	guint n = desk_log_count(d, "live feedback off");

	if (!check(blist != NULL, "real Pidgin, companion: the buddy list is open"))
		return FALSE;
	desk_xdo(d, "windowfocus", "--sync", blist, NULL);
	desk_xdo(d, "key", "ctrl+u", NULL, NULL);
	plugins = desk_wait_window(d, "^Plugins$", 5000);
	if (plugins == NULL) {
		/* once a conversation had the focus, the buddy list may not take
		 * Ctrl+U: Tools → Plugins with the mouse (the buddy list is at
		 * 0,0: no window manager moves it) */
		desk_xdo(d, "mousemove", "176", "13", NULL);
		desk_xdo(d, "click", "1", NULL, NULL);
		run_for(1000);
		desk_xdo(d, "mousemove", "205", "101", NULL);
		desk_xdo(d, "click", "1", NULL, NULL);
		plugins = desk_wait_window(d, "^Plugins$", 20000);
	}
	if (check(plugins != NULL, "real Pidgin, companion: Tools → Plugins opens")) {
		desk_xdo(d, "windowfocus", "--sync", plugins, NULL);
		/* typing finds the row; Esc ends the search (Enter would unload it) */
		desk_xdo(d, "type", "--delay", "50", "Etiquette for");
		desk_xdo(d, "key", "Escape", NULL, NULL);
		prefs = desk_press_for_window(d, "alt+u", 20000);
	}
	if (check(prefs != NULL, "real Pidgin, companion: Configure Plugin opens its preferences")) {
		desk_xdo(d, "windowraise", prefs, NULL, NULL);
		desk_screenshot_window(d, shots, "companion-preferences.png", prefs, NULL);
		desk_xdo(d, "windowfocus", "--sync", prefs, NULL);
		desk_xdo(d, "key", "alt+s", NULL, NULL);
	}
	off = prefs ? desk_wait_log(d, "live feedback off", n, 20000) : NULL;
	check(off != NULL, "real Pidgin, companion: its preferences switch the live line off");
	if (prefs != NULL)
		desk_xdo(d, "key", "Escape", NULL, NULL);
	if (plugins != NULL)
		desk_escape(d, plugins);
	g_free(blist);
	g_free(plugins);
	g_free(prefs);
	g_free(off);
	return off != NULL;
}

/* With the line off, typing is not checked: a template typed and sent is
 * asked about (the positive signal), and no check of it was logged. */
static void live_off(Desk *d, const char *conv, const char *shots)
{
	char *dialog;

	if (!switch_off(d, shots))
		return;
	desk_xdo(d, "windowraise", conv, NULL, NULL);
	desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	desk_xdo(d, "type", "--delay", "30", TEMPLATE);
	desk_xdo(d, "key", "Return", NULL, NULL);
	dialog = desk_wait_window(d, "^Etiquette: maria$", 20000);
	check(dialog != NULL && live_count(d, TEMPLATE) == 0,
	      "real Pidgin, companion: with the line off, a template typed is not checked "
	      "while typing, and Enter still asks");
	if (dialog != NULL)
		desk_escape(d, dialog);
	g_free(dialog);
}

static void drive(Desk *d, Peer *maria, const char *shots)
{
	guint first = maria->msgs->len, n;
	char *conv, *dialog, *state = NULL, *box;
	int i;

	peer_privmsg(maria, "alex", "Hi Alex, nice to meet you at the meetup!");
	conv = desk_conversation(d, "^maria$");
	if (!check(conv != NULL, "real Pidgin, companion: maria's message opens a conversation"))
		return;

	/* typing a cold ask: the line appears */
	n = live_count(d, COLD_ASK);
	desk_xdo(d, "type", "--delay", "30", COLD_ASK);
	state = live_line(d, COLD_ASK, n, 20000);
	check(state != NULL && g_str_has_prefix(state, "shown: Enter will ask first: ") &&
	      strstr(state, "You haven't talked with maria before") != NULL,
	      "real Pidgin, companion: typing a cold ask shows the live line under the input box "
	      "(\"%s\")", state ? state : "no check of the draft");
	desk_screenshot(d, shots, "live-line.png", WINDOW_CROP);
	g_free(state);

	/* Enter still asks; Edit puts the text back into the input box */
	desk_xdo(d, "key", "Return", NULL, NULL);
	dialog = desk_wait_window(d, "^Etiquette: maria$", 20000);
	if (!check(dialog != NULL, "real Pidgin, companion: Enter still asks"))
		goto out;
	n = live_count(d, COLD_ASK);
	desk_escape(d, dialog); /* closing the question is Edit */
	box = desk_wait_log(d, "input box of maria: ", 0, 20000);
	check(g_strcmp0(box, "input box of maria: " COLD_ASK) == 0,
	      "real Pidgin, companion: Edit puts the text back into the input box (\"%s\")",
	      box ? box : "nothing");
	g_free(box);
	desk_wait_window_gone(d, "^Etiquette: maria$", 3000);
	state = live_line(d, COLD_ASK, n, 20000);
	check(state != NULL && g_str_has_prefix(state, "shown: Enter will ask first: "),
	      "real Pidgin, companion: the live line is back for the text given back");
	g_free(state);
	desk_xdo(d, "windowraise", conv, NULL, NULL);
	desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	desk_screenshot(d, shots, "edit-back-in-input-box.png", WINDOW_CROP);

	/* edited into a fine message: the line goes, Enter sends it */
	for (i = 0; i < (int)strlen("review my cv"); i++)
		desk_xdo(d, "key", "BackSpace", NULL, NULL);
	desk_xdo(d, "type", "--delay", "30", FINE + strlen("could you "));
	state = live_line(d, FINE, 0, 20000);
	check(g_strcmp0(state, "hidden") == 0,
	      "real Pidgin, companion: the line is gone once the draft is fine (\"%s\")",
	      state ? state : "no check of the draft");
	g_free(state);
	desk_screenshot(d, shots, "live-line-cleared.png", WINDOW_CROP);
	desk_xdo(d, "key", "Return", NULL, NULL);
	wait_until(got_message, maria, 10000);
	check(peer_count(maria, first, "alex", NULL) == 1 &&
	      strcmp(peer_msg(maria, maria->msgs->len - 1)->text, FINE) == 0,
	      "real Pidgin, companion: the fine message goes out at Enter, unchanged, unasked "
	      "(the first message maria gets from alex)");
	live_off(d, conv, shots);
out:
	g_free(dialog);
	g_free(conv);
}

void real_companion_run(const char *plugin_path, const char *screenshots)
{
	char *companion = desk_companion_path(plugin_path);
	Desk d;
	Ircd ircd;
	Peer *maria;

	if (!check(desk_possible(), "real Pidgin, companion: Xvfb, pidgin and xdotool are "
	           "installed (make check installs them)") ||
	    !check(g_file_test(companion, G_FILE_TEST_EXISTS), "the companion is built: %s",
	           companion) ||
	    !check(ircd_start(&ircd), "ngircd runs")) {
		g_free(companion);
		return;
	}
	if (desk_start(&d, plugin_path, companion, ircd.port)) {
		maria = peer_connect("maria", ircd.port);
		if (check(desk_wait_alex_online(maria, 20000), "Pidgin's alex is online"))
			drive(&d, maria, screenshots ? screenshots : "build/screenshots");
		peer_free(maria);
	}
	desk_stop(&d);
	ircd_stop(&ircd);
	g_free(companion);
}
