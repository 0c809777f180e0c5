/* prefs.c — the plugin's preferences from a damaged prefs.xml.
 *
 * The plugin writes no file of its own; what it keeps between runs are its
 * preferences, which libpurple saves in prefs.xml. A hand-edited or damaged
 * prefs.xml can hold them with the wrong type or out of range, and can end
 * in the middle of an element. libpurple keeps such a preference as it
 * found it, and reads a wrong type as FALSE / 0 / NULL: checking would stop
 * without a word (warn_before_send, a rule set), or the hints would come
 * far too often (over_engagement_count). The plugin must put each one back
 * to its default, say so in the debug log, and check as usual.
 */
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include <connection.h>
#include <debug.h>
#include <prefs.h>
#include <server.h>
#include <util.h>

#include "harness.h"

#define PREF "/plugins/core/etiquette/"
#define NOTE_FLAGS (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG)

/* Every preference of the plugin damaged, and the file cut off at the end. */
static const char *damaged =
	"<?xml version='1.0' encoding='UTF-8' ?>\n"
	"<pref version='1' name='/'>\n"
	" <pref name='plugins'><pref name='core'><pref name='etiquette'>\n"
	"  <pref name='warn_before_send' type='string' value='yes please'/>\n"
	"  <pref name='hints' type='int' value='7'/>\n"
	"  <pref name='unanswered_seconds' type='string' value='soon'/>\n"
	"  <pref name='over_engagement_count' type='int' value='-3'/>\n"
	"  <pref name='rules_dir' type='bool' value='1'/>\n"
	"  <pref name='rulesets'>\n"
	"   <pref name='templates' type='string' value='on'/>\n"
	"   <pref name='networking' type='int' value='1'/>\n"
	"  </pref>\n"
	" </pref></pref></pref>\n"
	" <pref name='purple'><pref name='away'><pref name='idle_reporting' type='st";

static gboolean has(const char *name, PurplePrefType type)
{
	char *path = g_strconcat(PREF, name, NULL);
	gboolean ok = purple_prefs_exists(path) && purple_prefs_get_type(path) == type;

	g_free(path);
	return ok;
}

static gboolean request_open(gpointer data)
{
	(void)data;
	return ui_last_open_request(NULL) != NULL;
}

static gboolean rules_in_use(gpointer data)
{
	(void)data;
	return ui_count_debug(0, "rule sets in use") > 0;
}

static void exchange(PurplePlugin *plugin, PurpleAccount *account)
{
	PurpleConnection *gc = purple_account_get_connection(account);
	PurpleConversation *conv;
	guint dbg = ui_debug->len, wr = ui_writes->len, i, s[6];
	Request *r;

	/* over_engagement_count -3: read as 1, every first message after a
	 * reply would earn "you need not answer every message" */
	for (i = 0; i < 3; i++) {
		serv_got_im(gc, "kim", "how was the weekend", PURPLE_MESSAGE_RECV, time(NULL));
		conv = purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, "kim", account);
		if (conv != NULL)
			purple_conv_im_send(PURPLE_CONV_IM(conv), "great, thanks");
	}
	run_for(200);
	check(ui_count_debug(dbg, "finding over-engagement") == 0 &&
	      ui_count_writes("kim", wr, NOTE_FLAGS, NULL) == 0,
	      "over_engagement_count out of range: kept within its bounds, no hint "
	      "in an ordinary back-and-forth");

	/* warn_before_send and rulesets/templates as strings: read as FALSE */
	conv = ui_im(account, "jo");
	purple_conv_im_send(PURPLE_CONV_IM(conv), "Dear ___, I would love to connect");
	wait_until(request_open, NULL, 2000);
	r = ui_last_open_request("jo");
	check(r != NULL, "warn_before_send and a rule set's toggle of the wrong type: back on, "
	      "a template is held and asked about");
	if (r != NULL)
		ui_answer(r, 1);
	ui_plugin_stats(plugin, s);
	check(s[2] == 0 && s[3] == 0, "...and answered, nothing stays held");
}

void prefs_run(const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	char *file = g_build_filename(user_dir, "prefs.xml", NULL);
	PurplePlugin *plugin;
	PurpleAccount *account;
	Ircd ircd;

	g_file_set_contents(file, damaged, -1, NULL);
	ui_init(user_dir, NULL);
	check(purple_prefs_exists(PREF "hints") && purple_prefs_get_type(PREF "hints") == PURPLE_PREF_INT,
	      "libpurple read the damaged prefs.xml as it is (hints is an int)");
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL && purple_plugin_load(plugin),
	          "the plugin loads with its preferences damaged")) {
		/* a toggle per rule set comes with the rules, loaded in a thread */
		check(wait_until(rules_in_use, NULL, 5000), "its rules are in use");
		check(has("warn_before_send", PURPLE_PREF_BOOLEAN) && has("hints", PURPLE_PREF_BOOLEAN) &&
		      has("unanswered_seconds", PURPLE_PREF_INT) &&
		      has("over_engagement_count", PURPLE_PREF_INT) &&
		      has("rules_dir", PURPLE_PREF_STRING) &&
		      has("rulesets/templates", PURPLE_PREF_BOOLEAN) &&
		      has("rulesets/networking", PURPLE_PREF_BOOLEAN),
		      "every preference of the wrong type has its type back");
		check(purple_prefs_get_bool(PREF "warn_before_send") && purple_prefs_get_bool(PREF "hints") &&
		      purple_prefs_get_int(PREF "unanswered_seconds") == 600 &&
		      purple_prefs_get_bool(PREF "rulesets/templates") &&
		      purple_prefs_get_bool(PREF "rulesets/networking"),
		      "...with its default value");
		check(ui_count_debug(0, "wrong type") == 6,
		      "...and a debug warning for each of the 6 (%u)", ui_count_debug(0, "wrong type"));
		if (check(ircd_start(&ircd), "ngircd runs")) {
			account = ui_irc_account("alex", ircd.port);
			if (check(ui_wait_connected(account, 20000), "alex connects"))
				exchange(plugin, account);
			ircd_stop(&ircd);
		}
		purple_plugin_unload(plugin);
	}
	ui_quit();
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(file);
	g_free(user_dir);
}
