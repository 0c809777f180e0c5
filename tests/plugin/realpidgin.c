/* realpidgin.c — the plugin in real Pidgin, under Xvfb, against ngircd.
 *
 * Pidgin runs with a fresh config (an IRC account "alex", the plugin and
 * its Pidgin companion loaded, the source tree's rules as the user's rules_dir) on its own
 * X display; xdotool types and presses keys; maria is a plain IRC peer
 * (peer.c). It proves with Pidgin's own dialogs and input box:
 *   a cold ask is held and asked about; Enter (the default, Edit) sends
 *   nothing and puts the text back into the input box, so Enter there asks
 *   again; "Send anyway" (Alt+S) sends it once, unchanged.
 * With a screenshots folder it saves the dialog and the hint as PNGs.
 * Skipped (no check fails) when Xvfb, pidgin or xdotool is missing.
 */
#include <string.h>

#include "desk.h"
#include "harness.h"

/* "nothing arrives": longer than libpurple's one-second IRC send timer */
#define QUIET_WAIT_MS 1200

static void drive(Desk *d, Peer *maria, const char *screenshots)
{
	const char *ask = "could you review my cv?";
	guint first = maria->msgs->len;
	char *conv, *dialog;

	peer_privmsg(maria, "alex", "Hi Alex, nice to meet you at the meetup!");
	peer_privmsg(maria, "alex", "I shared your post about the conference");
	conv = desk_conversation(d, "^maria$");
	if (!check(conv != NULL, "real Pidgin: maria's messages open a conversation window"))
		return;
	desk_xdo(d, "type", "--delay", "10", ask);
	desk_xdo(d, "key", "Return", NULL, NULL);
	dialog = desk_wait_window(d, "^Etiquette$", 5000);
	if (check(dialog != NULL, "real Pidgin: a cold ask is held and the plugin asks")) {
		desk_xdo(d, "windowmove", dialog, "120", "200");
		run_for(QUIET_WAIT_MS);
		desk_screenshot(d, screenshots, "warn-before-send.png", "680x450+0+0");
		check(peer_count(maria, first, "alex", NULL) == 0,
		      "real Pidgin: maria receives nothing while the question is open");
		desk_xdo(d, "windowfocus", "--sync", dialog, NULL);
		desk_xdo(d, "key", "Return", NULL, NULL);
		desk_wait_window_gone(d, "^Etiquette$", 3000);
		run_for(QUIET_WAIT_MS);
		check(peer_count(maria, first, "alex", NULL) == 0,
		      "real Pidgin: Enter picks the default, Edit: nothing is sent");
		desk_xdo(d, "windowraise", conv, NULL, NULL);
		run_for(300);
		desk_screenshot(d, screenshots, "hint.png", "650x430+0+0");
		g_free(dialog);
		desk_xdo(d, "windowfocus", "--sync", conv, NULL);
		desk_xdo(d, "key", "Return", NULL, NULL);
		dialog = desk_wait_window(d, "^Etiquette$", 5000);
		check(dialog != NULL, "real Pidgin: Edit put the text back into the input box "
		      "(Enter there sends it again, and the plugin asks again)");
	}
	if (dialog != NULL) {
		desk_xdo(d, "windowfocus", "--sync", dialog, NULL);
		desk_xdo(d, "key", "alt+s", NULL, NULL);
		run_for(QUIET_WAIT_MS * 2);
		check(peer_count(maria, first, "alex", NULL) == 1 && maria->msgs->len > first &&
		      strcmp(peer_msg(maria, maria->msgs->len - 1)->text, ask) == 0,
		      "real Pidgin: Send anyway (Alt+S) sends it once, unchanged");
	}
	check(desk_log_has(d, "etiquette: finding say-thanks") &&
	      desk_log_has(d, "etiquette: finding cold-ask"),
	      "real Pidgin: the debug log has a line per finding");
	g_free(dialog);
	g_free(conv);
}

void real_pidgin_run(const char *plugin_path, const char *screenshots)
{
	Desk d;
	Ircd ircd;
	Peer *maria = NULL;
	char *companion;

	if (!desk_possible()) {
		note("skipped: real Pidgin needs Xvfb, pidgin and xdotool");
		return;
	}
	if (!check(ircd_start(&ircd), "ngircd runs"))
		return;
	companion = desk_companion_path(plugin_path);
	if (desk_start(&d, plugin_path, companion, ircd.port)) {
		maria = peer_connect("maria", ircd.port);
		if (check(desk_wait_alex_online(maria, 20000),
		          "Pidgin's alex is online"))
			drive(&d, maria, screenshots);
		peer_free(maria);
	}
	desk_stop(&d);
	ircd_stop(&ircd);
	g_free(companion);
}
