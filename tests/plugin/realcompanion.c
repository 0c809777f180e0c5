/* realcompanion.c — the Pidgin companion (build/pidgin-etiquette.so) in real
 * Pidgin under Xvfb, against ngircd, typed into with xdotool.
 *
 * The companion's test hooks (ETQ_TEST_HOOKS) write to Pidgin's debug log
 * what the input box holds after a give-back and, at every check of the
 * draft, the draft, whether the live line is shown and what it says; the
 * test waits for those lines. It proves, as maria (a stranger) writes to alex:
 *   typing a cold ask shows the line under the input box, with the reason;
 *   Enter asks, Edit puts the text back into the input box (read from it),
 *   and the line is there again for it; editing the draft into a fine one
 *   hides the line, and Enter sends it with no question.
 * Screenshots of each step go to the screenshots folder.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "desk.h"
#include "harness.h"

#define COLD_ASK "could you review my cv"
#define FINE "could you come to the meetup on friday?"
#define WINDOW_CROP "650x430+0+0"

static void screenshot(Desk *d, const char *dir, const char *name)
{
	char *file = g_build_filename(dir, name, NULL);

	g_unlink(file);
	desk_screenshot(d, dir, name, WINDOW_CROP);
	check(g_file_test(file, G_FILE_TEST_EXISTS), "real Pidgin, companion: screenshot %s", file);
	g_free(file);
}

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
	state = live_line(d, COLD_ASK, n, 5000);
	check(state != NULL && g_str_has_prefix(state, "shown: Enter will ask first: ") &&
	      strstr(state, "You haven't talked with maria before") != NULL,
	      "real Pidgin, companion: typing a cold ask shows the live line under the input box "
	      "(\"%s\")", state ? state : "no check of the draft");
	screenshot(d, shots, "live-line.png");
	g_free(state);

	/* Enter still asks; Edit puts the text back into the input box */
	desk_xdo(d, "key", "Return", NULL, NULL);
	dialog = desk_wait_window(d, "^Etiquette: maria$", 5000);
	if (!check(dialog != NULL, "real Pidgin, companion: Enter still asks"))
		goto out;
	n = live_count(d, COLD_ASK);
	desk_xdo(d, "windowfocus", "--sync", dialog, NULL);
	desk_xdo(d, "key", "Escape", NULL, NULL); /* closing the question is Edit */
	box = desk_wait_log(d, "input box of maria: ", 0, 5000);
	check(g_strcmp0(box, "input box of maria: " COLD_ASK) == 0,
	      "real Pidgin, companion: Edit puts the text back into the input box (\"%s\")",
	      box ? box : "nothing");
	g_free(box);
	desk_wait_window_gone(d, "^Etiquette: maria$", 3000);
	state = live_line(d, COLD_ASK, n, 5000);
	check(state != NULL && g_str_has_prefix(state, "shown: Enter will ask first: "),
	      "real Pidgin, companion: the live line is back for the text given back");
	g_free(state);
	desk_xdo(d, "windowraise", conv, NULL, NULL);
	desk_xdo(d, "windowfocus", "--sync", conv, NULL);
	screenshot(d, shots, "edit-back-in-input-box.png");

	/* edited into a fine message: the line goes, Enter sends it */
	for (i = 0; i < (int)strlen("review my cv"); i++)
		desk_xdo(d, "key", "BackSpace", NULL, NULL);
	desk_xdo(d, "type", "--delay", "30", FINE + strlen("could you "));
	state = live_line(d, FINE, 0, 5000);
	check(g_strcmp0(state, "hidden") == 0,
	      "real Pidgin, companion: the line is gone once the draft is fine (\"%s\")",
	      state ? state : "no check of the draft");
	g_free(state);
	screenshot(d, shots, "live-line-cleared.png");
	desk_xdo(d, "key", "Return", NULL, NULL);
	wait_until(got_message, maria, 10000);
	check(peer_count(maria, first, "alex", NULL) == 1 &&
	      strcmp(peer_msg(maria, maria->msgs->len - 1)->text, FINE) == 0,
	      "real Pidgin, companion: the fine message goes out at Enter, unchanged, unasked "
	      "(the first message maria gets from alex)");
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
