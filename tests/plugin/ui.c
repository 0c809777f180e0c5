/* ui.c — libpurple without a UI, for the tests.
 *
 * The GLib main loop drives libpurple (event loop ops, tools/irc/purple-glib.c). Every write into a
 * conversation is recorded with its flags; every purple_request_action()
 * and purple_request_fields() is kept until the test answers it (as a UI
 * would: the callback, then purple_request_close()); a request the plugin
 * closes itself gets its cancel callback, as Finch's windows do when
 * destroyed; notifications and debug lines of the "etiquette" category are
 * kept. Logging is off, the user dir is a temporary folder.
 */
#include <stdarg.h>
#include <string.h>

#include <gmodule.h>

#include <blist.h>
#include <connection.h>
#include <core.h>
#include <debug.h>
#include <notify.h>
#include <prefs.h>
#include <prpl.h>
#include <savedstatuses.h>
#include <server.h>
#include <util.h>

#include "harness.h"
#include "purple-glib.h"

GPtrArray *ui_writes;
GPtrArray *ui_requests;
GPtrArray *ui_debug;
GPtrArray *ui_notices;

/* ---- debug ---- */

static void debug_print(PurpleDebugLevel level, const char *category, const char *arg)
{
	(void)level;
	if (g_getenv("ETQ_TEST_VERBOSE") != NULL)
		g_printerr("debug %s: %s", category ? category : "-", arg);
	if (category != NULL && strcmp(category, "etiquette") == 0)
		g_ptr_array_add(ui_debug, g_strchomp(g_strdup(arg)));
}

static gboolean debug_enabled(PurpleDebugLevel level, const char *category)
{
	(void)level;
	return g_getenv("ETQ_TEST_VERBOSE") != NULL ||
	       (category != NULL && strcmp(category, "etiquette") == 0);
}

static PurpleDebugUiOps debug_ops = {
	.print = debug_print,
	.is_enabled = debug_enabled,
};

/* ---- conversations ---- */

static void write_free(gpointer data)
{
	Write *w = data;

	g_free(w->conv);
	g_free(w->who);
	g_free(w->message);
	g_free(w);
}

static void write_conv(PurpleConversation *conv, const char *name, const char *alias,
                       const char *message, PurpleMessageFlags flags, time_t mtime)
{
	Write *w = g_new0(Write, 1);

	(void)alias;
	(void)mtime;
	w->conv = g_strdup(purple_conversation_get_name(conv));
	w->type = purple_conversation_get_type(conv);
	w->who = g_strdup(name);
	w->message = g_strdup(message);
	w->flags = flags;
	w->at = g_get_monotonic_time();
	g_ptr_array_add(ui_writes, w);
	if (g_getenv("ETQ_TEST_VERBOSE") != NULL)
		g_printerr("write %s <%s> [%#x] %s\n", w->conv, name ? name : "", flags, message);
}

static void destroy_conversation(PurpleConversation *conv)
{
	guint i;

	for (i = 0; i < ui_requests->len; i++) {
		Request *r = g_ptr_array_index(ui_requests, i);

		if (r->conv == conv)
			r->conv = NULL;
	}
}

static PurpleConversationUiOps conv_ops = {
	.destroy_conversation = destroy_conversation,
	.write_conv = write_conv,
};

/* ---- requests ---- */

static void request_free(gpointer data)
{
	Request *r = data;
	int i;

	g_free(r->title);
	g_free(r->primary);
	g_free(r->secondary);
	g_free(r->conv_name);
	if (r->fields != NULL)
		purple_request_fields_destroy(r->fields);
	for (i = 0; i < r->n; i++)
		g_free(r->labels[i]);
	g_free(r);
}

/* A request as the UI keeps it, before its buttons. */
static Request *request_new(const char *title, const char *primary, const char *secondary,
                            PurpleConversation *conv, void *user_data)
{
	Request *r = g_new0(Request, 1);

	r->title = g_strdup(title);
	r->primary = g_strdup(primary);
	r->secondary = g_strdup(secondary);
	r->conv = conv;
	r->conv_name = g_strdup(conv ? purple_conversation_get_name(conv) : NULL);
	r->user_data = user_data;
	return r;
}

static void *request_action(const char *title, const char *primary,
                            const char *secondary, int default_action,
                            PurpleAccount *account, const char *who,
                            PurpleConversation *conv, void *user_data,
                            size_t action_count, va_list actions)
{
	Request *r = request_new(title, primary, secondary, conv, user_data);
	size_t i;

	(void)default_action;
	(void)account;
	(void)who;
	for (i = 0; i < action_count; i++) {
		const char *label = va_arg(actions, const char *);
		GCallback cb = va_arg(actions, GCallback);

		if (i < G_N_ELEMENTS(r->cbs)) {
			r->labels[i] = g_strdup(label);
			r->cbs[i] = cb;
			r->n++;
		}
	}
	g_ptr_array_add(ui_requests, r);
	return r;
}

static void *request_fields(const char *title, const char *primary,
                            const char *secondary, PurpleRequestFields *fields,
                            const char *ok_text, GCallback ok_cb,
                            const char *cancel_text, GCallback cancel_cb,
                            PurpleAccount *account, const char *who,
                            PurpleConversation *conv, void *user_data)
{
	Request *r = request_new(title, primary, secondary, conv, user_data);

	(void)account;
	(void)who;
	r->fields = fields;
	r->labels[0] = g_strdup(ok_text);
	r->cbs[0] = ok_cb;
	r->labels[1] = g_strdup(cancel_text);
	r->cbs[1] = cancel_cb;
	r->n = 2;
	g_ptr_array_add(ui_requests, r);
	return r;
}

/* Like Finch: a fields window destroyed without an answer calls its
 * cancel callback, with the window as the second argument. */
static void close_request(PurpleRequestType type, void *handle)
{
	Request *r = handle;

	(void)type;
	r->closed = TRUE;
	if (r->fields != NULL && !r->answered && r->cbs[1] != NULL) {
		r->answered = TRUE;
		((void (*)(gpointer, gpointer))r->cbs[1])(r->user_data, r);
	}
}

static PurpleRequestUiOps request_ops = {
	.request_action = request_action,
	.request_fields = request_fields,
	.close_request = close_request,
};

/* Calls the callback of the action-th action, as a UI would (for fields:
 * 0 is ok, 1 cancel). Like Pidgin, which adds the buttons in reverse
 * order, it passes its own button number rather than the action's index:
 * the plugin must not rely on it. */
void ui_answer(Request *r, int action)
{
	r->answered = TRUE;
	if (r->fields != NULL && action >= 0 && action < 2 && r->cbs[action] != NULL)
		((PurpleRequestFieldsCb)r->cbs[action])(r->user_data, r->fields);
	else if (action >= 0 && action < r->n && r->cbs[action] != NULL)
		((PurpleRequestActionCb)r->cbs[action])(r->user_data, r->n - 1 - action);
	purple_request_close(r->fields ? PURPLE_REQUEST_FIELDS : PURPLE_REQUEST_ACTION, r);
}

void ui_answer_choice(Request *r, const char *field, int choice)
{
	PurpleRequestField *f = r->fields ? purple_request_fields_get_field(r->fields, field) : NULL;

	if (f != NULL)
		purple_request_field_choice_set_value(f, choice);
	ui_answer(r, 0);
}

/* The user closes the window (Esc, its close button, Alt+C). */
void ui_dismiss(Request *r)
{
	purple_request_close(r->fields ? PURPLE_REQUEST_FIELDS : PURPLE_REQUEST_ACTION, r);
}

/* ---- notifications ---- */

static void *notify_message(PurpleNotifyMsgType type, const char *title,
                            const char *primary, const char *secondary)
{
	(void)type;
	(void)title;
	g_ptr_array_add(ui_notices, g_strdup_printf("%s\n%s", primary ? primary : "",
	                                            secondary ? secondary : ""));
	return NULL;
}

static void *notify_formatted(const char *title, const char *primary,
                              const char *secondary, const char *text)
{
	(void)title;
	g_ptr_array_add(ui_notices, g_strdup_printf("%s\n%s\n%s", primary ? primary : "",
	                                            secondary ? secondary : "", text ? text : ""));
	return NULL;
}

static PurpleNotifyUiOps notify_ops = {
	.notify_message = notify_message,
	.notify_formatted = notify_formatted,
};

guint ui_count_notices(guint from, const char *text)
{
	guint i, n = 0;

	for (i = from; i < ui_notices->len; i++)
		n += strstr(g_ptr_array_index(ui_notices, i), text) != NULL;
	return n;
}

guint ui_open_requests(void)
{
	guint i, n = 0;

	for (i = 0; i < ui_requests->len; i++) {
		Request *r = g_ptr_array_index(ui_requests, i);

		n += !r->answered && !r->closed;
	}
	return n;
}

Request *ui_last_open_request(const char *conv)
{
	guint i;

	for (i = ui_requests->len; i > 0; i--) {
		Request *r = g_ptr_array_index(ui_requests, i - 1);

		if (!r->answered && !r->closed &&
		    (conv == NULL || g_strcmp0(r->conv_name, conv) == 0))
			return r;
	}
	return NULL;
}

guint ui_count_writes(const char *conv, guint from, PurpleMessageFlags flags,
                      const char *contains)
{
	guint i, n = 0;

	for (i = from; i < ui_writes->len; i++) {
		Write *w = g_ptr_array_index(ui_writes, i);

		if ((conv == NULL || g_strcmp0(w->conv, conv) == 0) &&
		    (w->flags & flags) == flags &&
		    (contains == NULL || strstr(w->message, contains) != NULL))
			n++;
	}
	return n;
}

guint ui_count_debug(guint from, const char *text)
{
	guint i, n = 0;

	for (i = from; i < ui_debug->len; i++)
		n += strstr(g_ptr_array_index(ui_debug, i), text) != NULL;
	return n;
}

/* ---- core ---- */

static void core_ui_init(void)
{
	purple_conversations_set_ui_ops(&conv_ops);
	purple_request_set_ui_ops(&request_ops);
	purple_notify_set_ui_ops(&notify_ops);
}

static PurpleCoreUiOps core_ops = {
	.ui_init = core_ui_init,
};

void ui_init(const char *user_dir, const char *ui)
{
	ui_writes = g_ptr_array_new_with_free_func(write_free);
	ui_requests = g_ptr_array_new_with_free_func(request_free);
	ui_debug = g_ptr_array_new_with_free_func(g_free);
	ui_notices = g_ptr_array_new_with_free_func(g_free);

	purple_glib_start(user_dir, ui ? ui : UI_ID, &debug_ops, &core_ops);
}

void ui_quit(void)
{
	purple_core_quit();
	g_ptr_array_unref(ui_writes);
	g_ptr_array_unref(ui_requests);
	g_ptr_array_unref(ui_debug);
	g_ptr_array_unref(ui_notices);
}

/* What libpurple 2.x itself keeps in its user dir: accounts, buddy list,
 * preferences, saved statuses, pounces, smileys, XMPP capabilities, TLS
 * certificates, logs, buddy icons; and Pidgin: its smiley themes and
 * keyboard accelerators. */
static const char *const purple_own[] = {
	"accounts.xml", "blist.xml", "prefs.xml", "status.xml", "pounces.xml",
	"smileys.xml", "xmpp-caps.xml", "certificates", "logs", "icons",
	"custom_smiley", "smileys", "accels", NULL
};

static gboolean listed(const char *const *names, const char *name)
{
	for (; names != NULL && *names != NULL; names++)
		if (strcmp(*names, name) == 0)
			return TRUE;
	return FALSE;
}

gboolean ui_check_user_dir(const char *user_dir, const char *const *ours)
{
	GDir *dir = g_dir_open(user_dir, 0, NULL);
	GString *seen = g_string_new(NULL), *foreign = g_string_new(NULL);
	const char *name;
	gboolean ok;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		GString *to = listed(purple_own, name) || listed(ours, name) ? seen : foreign;

		g_string_append_printf(to, " %s", name);
	}
	if (dir != NULL)
		g_dir_close(dir);
	ok = check(dir != NULL && foreign->len == 0,
	           "the purple user dir holds only libpurple's files:%s%s%s",
	           seen->str, foreign->len ? "; not libpurple's:" : "", foreign->str);
	g_string_free(seen, TRUE);
	g_string_free(foreign, TRUE);
	return ok;
}

PurplePlugin *ui_probe_plugin(const char *path)
{
	char *abs = g_canonicalize_filename(path, NULL);
	PurplePlugin *plugin = purple_plugin_probe(abs);

	g_free(abs);
	return plugin;
}

gboolean ui_plugin_stats(PurplePlugin *plugin, guint out[6])
{
	guint (*stats)(guint *, guint) = NULL;

	memset(out, 0, 6 * sizeof(guint));
	if (plugin == NULL || plugin->handle == NULL ||
	    !g_module_symbol(plugin->handle, "etiquette_plugin_stats", (gpointer *)&stats) ||
	    stats == NULL)
		return FALSE;
	return stats(out, 6) == 6;
}

/* ---- accounts ---- */

PurpleAccount *ui_irc_account(const char *nick, int port)
{
	char *username = g_strdup_printf("%s@127.0.0.1", nick);
	PurpleAccount *account = purple_account_new(username, "prpl-irc");
	PurpleSavedStatus *status;

	g_free(username);
	purple_account_set_int(account, "port", port);
	purple_account_set_string(account, "encoding", "UTF-8");
	purple_account_set_bool(account, "autodetect_utf8", TRUE);
	/* libpurple's IRC sends one line every 2 s after a burst of 5: not here */
	purple_account_set_int(account, "ratelimit-interval", 0);
	purple_account_set_int(account, "ratelimit-burst", 1000);
	purple_accounts_add(account);
	purple_account_set_enabled(account, purple_core_get_ui(), TRUE);
	status = purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE);
	purple_savedstatus_activate(status);
	return account;
}

static gboolean connected(gpointer data)
{
	return purple_account_is_connected(data);
}

gboolean ui_wait_connected(PurpleAccount *account, guint timeout_ms)
{
	return wait_until(connected, account, timeout_ms);
}

typedef struct {
	PurpleAccount *account;
	const char *channel;
} ChatWait;

static gboolean chat_joined(gpointer data)
{
	ChatWait *w = data;
	PurpleConversation *conv = purple_find_conversation_with_account(
		PURPLE_CONV_TYPE_CHAT, w->channel, w->account);

	return conv != NULL && !purple_conv_chat_has_left(PURPLE_CONV_CHAT(conv));
}

PurpleConversation *ui_join_chat(PurpleAccount *account, const char *channel)
{
	PurpleConnection *gc = purple_account_get_connection(account);
	GHashTable *components = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ChatWait w = { account, channel };

	g_hash_table_insert(components, g_strdup("channel"), g_strdup(channel));
	serv_join_chat(gc, components);
	g_hash_table_destroy(components);
	if (!wait_until(chat_joined, &w, 5000))
		return NULL;
	return purple_find_conversation_with_account(PURPLE_CONV_TYPE_CHAT, channel, account);
}

PurpleConversation *ui_im(PurpleAccount *account, const char *who)
{
	return purple_conversation_new(PURPLE_CONV_TYPE_IM, account, who);
}
