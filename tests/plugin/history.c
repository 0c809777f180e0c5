/* history.c — who the user talked with survives a restart, through
 * libpurple's own logs (the plugin writes no file of its own).
 *
 * The first run (a child process, --history-before DIR) logs IMs: kim
 * writes, alex answers; then libpurple quits. The second run (this
 * process) starts libpurple again on the same user dir with the plugin:
 * a cold ask to kim goes straight out, the same to jo (never talked with)
 * is asked about. Both runs against one ngircd.
 */
#include <stdio.h>
#include <string.h>

#include <connection.h>
#include <prefs.h>
#include <server.h>

#include "harness.h"


static gboolean conv_open(gpointer data)
{
	return purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, "kim", data) != NULL;
}

static PurpleAccount *start(const char *user_dir, int port)
{
	PurpleAccount *account;

	ui_init(user_dir, NULL);
	purple_prefs_set_bool("/purple/logging/log_ims", TRUE);
	purple_prefs_set_string("/purple/logging/format", "txt");
	account = ui_irc_account("alex", port);
	return ui_wait_connected(account, 10000) ? account : NULL;
}

/* The earlier session: kim and alex talk, libpurple logs it. */
static void before(const char *user_dir, int port)
{
	PurpleAccount *account = start(user_dir, port);
	Peer *kim = peer_connect("kim", port);
	PurpleConversation *conv;

	if (check(account != NULL && kim->welcome, "first run: alex and kim are online")) {
		peer_privmsg(kim, "alex", "hello alex, how are you?");
		wait_until(conv_open, account, 5000);
		conv = purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM, "kim", account);
		if (conv != NULL)
			purple_conv_im_send(PURPLE_CONV_IM(conv), "fine, good to see you");
		check(conv != NULL && peer_wait_saw(kim, "good to see you", 5000),
		      "first run: kim and alex talk, with logging on");
		check(purple_log_get_total_size(PURPLE_LOG_IM, "kim", account) > 0,
		      "first run: libpurple logged it");
	}
	peer_free(kim);
	ui_quit();
}

typedef struct {
	const char *conv;
} AskWait;

static gboolean asked(gpointer data)
{
	return ui_last_open_request(((AskWait *)data)->conv) != NULL;
}

static void after(const char *plugin_path, const char *user_dir, int port)
{
	PurpleAccount *account = start(user_dir, port);
	PurplePlugin *plugin = ui_probe_plugin(plugin_path);
	Peer *kim = peer_connect("kim", port), *jo = peer_connect("jo", port);
	AskWait aw = { "jo" };
	PurpleConversation *conv;
	guint requests;

	if (!check(account != NULL && plugin != NULL && purple_plugin_load(plugin) &&
	           kim->welcome && jo->welcome, "after a restart: the plugin loads, all online"))
		goto out;
	requests = ui_requests->len;
	conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, account, "kim");
	purple_conv_im_send(PURPLE_CONV_IM(conv), "could you review my cv?");
	check(peer_wait_saw(kim, "could you review my cv?", 5000) && ui_requests->len == requests,
	      "after a restart: kim, from an earlier logged conversation, is no stranger: "
	      "a cold ask goes straight out");
	conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, account, "jo");
	purple_conv_im_send(PURPLE_CONV_IM(conv), "could you review my cv?");
	check(wait_until(asked, &aw, 5000), "...the same to jo, never talked with, is asked about");
	purple_plugin_unload(plugin);
out:
	peer_free(kim);
	peer_free(jo);
	ui_quit();
}

/* Runs the first session as a child (a real restart of libpurple), counts
 * its checks, then the second one here. */
void history_run(const char *self, const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	char *port;
	char *out = NULL;
	char **lines;
	int status = 0;
	Ircd ircd;
	guint i;

	if (!check(ircd_start(&ircd), "ngircd runs"))
		goto out;
	port = g_strdup_printf("%d", ircd.port);
	{
		const char *argv[] = { self, "--history-before", user_dir, port, NULL };

		if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
		                  &out, NULL, &status, NULL))
			check(FALSE, "the first run starts");
	}
	lines = g_strsplit(out ? out : "", "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		if (g_str_has_prefix(lines[i], "ok - "))
			n_passed++;
		else if (g_str_has_prefix(lines[i], "not ok - "))
			n_failed++;
		else
			continue;
		printf("%s\n", lines[i]);
	}
	g_strfreev(lines);
	g_free(out);
	after(plugin_path, user_dir, ircd.port);
	g_free(port);
	ircd_stop(&ircd);
out:
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(user_dir);
}

void history_before_run(const char *user_dir, int port)
{
	before(user_dir, port);
}
