/* companion.c — what the core plugin offers the Pidgin companion, tested
 * without Pidgin (the companion itself runs in real Pidgin: realcompanion.c):
 *   the signal "etiquette-give-back": a handler that takes the held text
 *   gets it as typed (markup) and the core only writes a short note; without
 *   a taker the whole text becomes the note; a user who moved on keeps the
 *   input box (no signal);
 *   the IPC command "check-draft": one line for a draft that would ask,
 *   NULL for a fine one, nothing logged and nothing remembered, gone after
 *   unloading.
 */
#include <string.h>

#include <debug.h>
#include <signals.h>

#include "harness.h"

typedef struct {
	gboolean take;       /* what the handler answers */
	guint calls;
	char *text;          /* the last text it got */
} Taker;

static gboolean give_back_cb(PurpleConversation *conv, const char *text, gpointer data)
{
	Taker *t = data;

	(void)conv;
	t->calls++;
	g_free(t->text);
	t->text = g_strdup(text);
	return t->take;
}

static gboolean request_open(gpointer data)
{
	return ui_last_open_request(data) != NULL;
}

static Request *ask(PurpleConversation *conv, const char *text)
{
	char *html = g_markup_escape_text(text, -1);

	purple_conv_im_send(PURPLE_CONV_IM(conv), html);
	g_free(html);
	wait_until(request_open, (gpointer)purple_conversation_get_name(conv), 2000);
	ui_settle(); /* the question opens in the send call; the loop runs on before the user types */
	return ui_last_open_request(purple_conversation_get_name(conv));
}

static guint notes(const char *conv, guint from, const char *contains)
{
	return ui_count_writes(conv, from, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG, contains);
}

static void give_back_cases(PurplePlugin *plugin, PurpleConversation *conv)
{
	const char *name = purple_conversation_get_name(conv);
	Taker taker = { TRUE, 0, NULL };
	guint wr = ui_writes->len;
	Request *r;

	purple_signal_connect(plugin, "etiquette-give-back", &taker,
	                      PURPLE_CALLBACK(give_back_cb), &taker);
	r = ask(conv, "could you review my cv & portfolio?");
	if (!check(r != NULL, "companion: a cold ask is held and asked about"))
		return;
	ui_answer(r, 1);
	check(taker.calls == 1 && g_strcmp0(taker.text, "could you review my cv &amp; portfolio?") == 0,
	      "companion: Edit gives the held text to the signal's handler, as markup (\"%s\")",
	      taker.text ? taker.text : "(none)");
	check(notes(name, wr, "input box") == 1 && notes(name, wr, "review my cv") == 0 &&
	      ui_count_writes(name, wr, PURPLE_MESSAGE_SEND, NULL) == 0,
	      "companion: the handler took it: nothing is sent, a short note says where the text is");

	wr = ui_writes->len;
	r = ask(conv, "could you review my cv?");
	if (r != NULL)
		purple_conv_im_send(PURPLE_CONV_IM(conv), "Sorry, wrong window.");
	check(r != NULL && r->closed && taker.calls == 1 && notes(name, wr, "review my cv") == 1,
	      "companion: a user who moved on keeps the input box: no signal, the text is a note");

	taker.take = FALSE;
	wr = ui_writes->len;
	r = ask(conv, "could you review my cv, please?");
	if (r != NULL)
		ui_answer(r, 1);
	check(r != NULL && taker.calls == 2 && notes(name, wr, "review my cv, please?") == 1 &&
	      notes(name, wr, "input box") == 0,
	      "companion: a handler that does not take the text leaves it to the note");
	purple_signals_disconnect_by_handle(&taker);
	g_free(taker.text);
}

static char *check_draft(PurplePlugin *plugin, PurpleConversation *conv, const char *text,
                         gboolean *ok)
{
	return purple_plugin_ipc_call(plugin, "check-draft", ok, conv, text);
}

static void draft_cases(PurplePlugin *plugin, PurpleConversation *conv)
{
	guint debug = ui_debug->len, wr = ui_writes->len, before[6], after[6];
	gboolean ok = FALSE;
	char *line;

	ui_plugin_stats(plugin, before);
	line = check_draft(plugin, conv, "could you review my cv?", &ok);
	check(ok && line != NULL && g_str_has_prefix(line, "Enter will ask first: ") &&
	      strstr(line, "haven't talked with lee before") != NULL && strchr(line, '\n') == NULL,
	      "companion: check-draft says in one line what a cold ask would trigger (\"%s\")",
	      line ? line : "(none)");
	g_free(line);
	line = check_draft(plugin, conv, "could you", &ok);
	check(ok && line == NULL, "companion: check-draft answers NULL for a fine draft");
	line = check_draft(plugin, conv, "", &ok);
	check(ok && line == NULL, "companion: check-draft answers NULL for an empty draft");
	ui_plugin_stats(plugin, after);
	check(ui_count_debug(debug, "finding") == 0 && ui_writes->len == wr &&
	      before[0] == after[0] && before[2] == after[2],
	      "companion: a draft is not logged, not written, not remembered");
	purple_plugin_unload(plugin);
	line = check_draft(plugin, conv, "could you review my cv?", &ok);
	check(!ok && line == NULL, "companion: check-draft is gone once the plugin is unloaded");
}

void companion_run(const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	PurplePlugin *plugin;
	PurpleAccount *account;
	PurpleConversation *conv;
	Ircd ircd;

	ui_init(user_dir, NULL);
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL && purple_plugin_load(plugin), "the plugin loads") &&
	    check(ircd_start(&ircd), "ngircd runs")) {
		account = ui_irc_account("alex", ircd.port);
		if (check(ui_wait_connected(account, 10000), "alex connects")) {
			conv = ui_im(account, "lee");
			give_back_cases(plugin, conv);
			draft_cases(plugin, conv);
		}
		ircd_stop(&ircd);
	}
	ui_quit();
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(user_dir);
}
