/* client.c — a libpurple client without a UI, for `make demo` when there is
 * neither a display nor a terminal (CI), and for the install test.
 *
 *   etiquette-client --demo --port PORT --plugin SO [--user NICK]
 *                    [--unanswered SECONDS] [--dir DIR]
 *       Signs on to the demo's IRC server as NICK, loads the plugin and
 *       plays the user's part against tools/demo/peer.c: waits for the
 *       say-thanks hint and the unanswered nudge, answers, then sends a cold
 *       ask, prints the warn-before-send question and answers it. Every
 *       line written into a conversation is printed with the plugin's hints.
 *
 *   etiquette-client --probe SO [--rules-dir DIR] [--dir DIR]
 *       purple_plugin_probe() and purple_plugin_load() on SO, then prints
 *       the plugin's id and version, where its rule sets came from and
 *       their names. Exit 0 when it loaded and found at least one rule set.
 *
 * libpurple's user folder is DIR (default: a new temporary folder, removed
 * at the end), never the real ~/.purple.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include <account.h>
#include <blist.h>
#include <connection.h>
#include <conversation.h>
#include <core.h>
#include <debug.h>
#include <plugin.h>
#include <prefs.h>
#include <request.h>
#include <savedstatuses.h>
#include <util.h>

#include "irc.h"
#include "purple-glib.h"

#define UI_ID "etiquette-demo"
#define PREFS "/plugins/core/etiquette"

static gint64 started;
static gboolean quiet;          /* probe: print no conversation */
static GPtrArray *debug_lines;  /* the "etiquette" debug category */
static GPtrArray *requests;     /* Request * */
static gboolean colour;

/* ---- output ---- */

static const char *c_on(const char *code)
{
	return colour ? code : "";
}

static const char *c_off(void)
{
	return colour ? "\033[0m" : "";
}

static double elapsed(void)
{
	return (g_get_monotonic_time() - started) / 1e6;
}

static void say(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void say(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	printf("%s%5.1fs%s  ", c_on("\033[2m"), elapsed(), c_off());
	vprintf(fmt, args);
	printf("\n");
	fflush(stdout);
	va_end(args);
}

/* HTML of a conversation line → plain text on one line. */
static char *plain(const char *html)
{
	char *br = purple_strreplace(html ? html : "", "<br>", "\n");
	char *text = purple_markup_strip_html(br);
	char **lines = g_strsplit(text, "\n", -1);
	char *one = g_strjoinv(" / ", lines);

	g_free(br);
	g_free(text);
	g_strfreev(lines);
	return one;
}

/* ---- event loop on GLib (tools/irc/purple-glib.c) ---- */

static gboolean wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms)
{
	return purple_glib_wait_until(cond, data, timeout_ms, 2000);
}

static gboolean never(gpointer data)
{
	(void)data;
	return FALSE;
}

static void run_for(guint ms)
{
	wait_until(never, NULL, ms);
}

/* ---- debug: the plugin's lines ---- */

static void debug_print(PurpleDebugLevel level, const char *category, const char *arg)
{
	char *line;

	if (category == NULL || strcmp(category, "etiquette") != 0)
		return;
	line = g_strchomp(g_strdup(arg));
	g_ptr_array_add(debug_lines, line);
	if (quiet)
		return;
	if (g_str_has_prefix(line, "finding "))
		say("%s  [plugin debug] %s%s", c_on("\033[2m"), line, c_off());
	else if (level >= PURPLE_DEBUG_WARNING)
		say("%s  [plugin warning] %s%s", c_on("\033[33m"), line, c_off());
}

static gboolean debug_enabled(PurpleDebugLevel level, const char *category)
{
	(void)level;
	return category != NULL && strcmp(category, "etiquette") == 0;
}

static PurpleDebugUiOps debug_ops = {
	.print = debug_print,
	.is_enabled = debug_enabled,
};

static guint debug_count(const char *text)
{
	guint i, n = 0;

	for (i = 0; i < debug_lines->len; i++)
		n += strstr(g_ptr_array_index(debug_lines, i), text) != NULL;
	return n;
}

/* ---- conversations ---- */

typedef struct {
	char *conv;
	PurpleMessageFlags flags;
	char *text;
} Line;

static GPtrArray *lines;  /* Line * */

static void line_free(gpointer data)
{
	Line *l = data;

	g_free(l->conv);
	g_free(l->text);
	g_free(l);
}

static void write_conv(PurpleConversation *conv, const char *name, const char *alias,
                       const char *message, PurpleMessageFlags flags, time_t mtime)
{
	Line *l = g_new0(Line, 1);
	const char *who = alias && *alias ? alias : name;

	(void)mtime;
	l->conv = g_strdup(purple_conversation_get_name(conv));
	l->flags = flags;
	l->text = plain(message);
	g_ptr_array_add(lines, l);
	if (quiet)
		return;
	if (flags & PURPLE_MESSAGE_SYSTEM)
		say("[%s] %s** %s **%s%s", l->conv, c_on("\033[1;36m"), l->text, c_off(),
		    (flags & PURPLE_MESSAGE_NO_LOG) ? "   (not logged)" : "");
	else if (flags & (PURPLE_MESSAGE_ERROR))
		say("[%s] error: %s", l->conv, l->text);
	else if (flags & (PURPLE_MESSAGE_SEND | PURPLE_MESSAGE_RECV))
		say("[%s] %s%s:%s %s", l->conv, c_on((flags & PURPLE_MESSAGE_SEND) ? "\033[1;32m"
		                                                                    : "\033[1;35m"),
		    who ? who : "?", c_off(), l->text);
}

static guint count_lines(const char *conv, PurpleMessageFlags flags, const char *contains)
{
	guint i, n = 0;

	for (i = 0; i < lines->len; i++) {
		Line *l = g_ptr_array_index(lines, i);

		n += g_strcmp0(l->conv, conv) == 0 && (l->flags & flags) == flags &&
		     (contains == NULL || strstr(l->text, contains) != NULL);
	}
	return n;
}

static PurpleConversationUiOps conv_ops = {
	.write_conv = write_conv,
};

/* ---- requests: shown, then answered by the demo ---- */

typedef struct {
	char *primary, *secondary;
	gpointer user_data;
	GCallback cbs[8];
	char *labels[8];
	int n;
	PurpleRequestFields *fields;
	gboolean done;
} Request;

static void request_free(gpointer data)
{
	Request *r = data;
	int i;

	g_free(r->primary);
	g_free(r->secondary);
	for (i = 0; i < r->n; i++)
		g_free(r->labels[i]);
	if (r->fields != NULL)
		purple_request_fields_destroy(r->fields);
	g_free(r);
}

/* The plugin's question: ok is Send anyway, cancel Edit. */
static void *request_fields(const char *title, const char *primary, const char *secondary,
                            PurpleRequestFields *fields, const char *ok_text, GCallback ok_cb,
                            const char *cancel_text, GCallback cancel_cb,
                            PurpleAccount *account, const char *who,
                            PurpleConversation *conv, void *user_data)
{
	Request *r = g_new0(Request, 1);

	(void)title;
	(void)account;
	(void)who;
	(void)conv;
	r->primary = g_strdup(primary);
	r->secondary = g_strdup(secondary);
	r->user_data = user_data;
	r->fields = fields;
	r->labels[0] = purple_strreplace(ok_text ? ok_text : "", "_", "");
	r->cbs[0] = ok_cb;
	r->labels[1] = purple_strreplace(cancel_text ? cancel_text : "", "_", "");
	r->cbs[1] = cancel_cb;
	r->n = 2;
	g_ptr_array_add(requests, r);
	return r;
}

static void close_request(PurpleRequestType type, void *handle)
{
	(void)type;
	((Request *)handle)->done = TRUE;
}

static PurpleRequestUiOps request_ops = {
	.request_fields = request_fields,
	.close_request = close_request,
};

static Request *open_request(void)
{
	guint i;

	for (i = 0; i < requests->len; i++) {
		Request *r = g_ptr_array_index(requests, i);

		if (!r->done)
			return r;
	}
	return NULL;
}

static gboolean has_open_request(gpointer data)
{
	(void)data;
	return open_request() != NULL;
}

/* Prints the dialog as a person would see it and picks `action`. */
static void answer(Request *r, int action, const char *why)
{
	char **sec = g_strsplit(r->secondary ? r->secondary : "", "\n", -1);
	GString *buttons = g_string_new(NULL);
	int i;

	for (i = 0; i < r->n; i++)
		g_string_append_printf(buttons, "%s[%d %s]", i ? " " : "", i, r->labels[i]);
	say("%s+-- the plugin asks before sending (purple_request_fields) --%s",
	    c_on("\033[1;33m"), c_off());
	printf("         %s|%s %s\n", c_on("\033[1;33m"), c_off(), r->primary ? r->primary : "");
	for (i = 0; sec[i] != NULL; i++)
		printf("         %s|%s   %s\n", c_on("\033[1;33m"), c_off(), sec[i]);
	printf("         %s|%s %s\n", c_on("\033[1;33m"), c_off(), buttons->str);
	printf("         %s+-- the demo clicks [%d %s]: %s%s\n", c_on("\033[1;33m"), action,
	       action < r->n ? r->labels[action] : "?", why, c_off());
	fflush(stdout);
	g_strfreev(sec);
	g_string_free(buttons, TRUE);
	r->done = TRUE;
	if (action >= 0 && action < r->n && r->cbs[action] != NULL)
		((PurpleRequestFieldsCb)r->cbs[action])(r->user_data, r->fields);
	purple_request_close(PURPLE_REQUEST_FIELDS, r);
}

/* ---- core ---- */

static void core_ui_init(void)
{
	purple_conversations_set_ui_ops(&conv_ops);
	purple_request_set_ui_ops(&request_ops);
}

static PurpleCoreUiOps core_ops = {
	.ui_init = core_ui_init,
};

static void core_start(const char *user_dir)
{
	debug_lines = g_ptr_array_new_with_free_func(g_free);
	requests = g_ptr_array_new_with_free_func(request_free);
	lines = g_ptr_array_new_with_free_func(line_free);
	purple_glib_start(user_dir, UI_ID, &debug_ops, &core_ops);
}

static void core_stop(void)
{
	purple_core_quit();
	g_ptr_array_unref(debug_lines);
	g_ptr_array_unref(requests);
	g_ptr_array_unref(lines);
}

static gboolean same_file(const char *a, const char *b)
{
	char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
	gboolean same = ra != NULL && rb != NULL && strcmp(ra, rb) == 0;

	free(ra);
	free(rb);
	return same;
}

/* purple_plugin_probe(), making sure the plugin is the file asked for: when
 * the same plugin is also installed in libpurple's plugin folder, libpurple
 * probed that copy at start-up and hands it back instead, so it is set aside
 * (purple_plugin_destroy) and the file probed again. */
static PurplePlugin *load_plugin(const char *path)
{
	char *abs = g_canonicalize_filename(path, NULL);
	PurplePlugin *plugin = purple_plugin_probe(abs);
	int tries;

	for (tries = 0; plugin != NULL && plugin->path != NULL && !same_file(plugin->path, abs) &&
	                tries < 3; tries++) {
		if (!quiet)
			say("(setting aside %s, probed at start-up: it has the same plugin id)",
			    plugin->path);
		else
			printf("set aside: %s (the same plugin id, probed at start-up)\n", plugin->path);
		purple_plugin_destroy(plugin);
		plugin = purple_plugin_probe(abs);
	}
	if (plugin != NULL && plugin->path != NULL && !same_file(plugin->path, abs)) {
		g_printerr("%s: libpurple gives %s instead\n", abs, plugin->path);
		plugin = NULL;
	}
	if (plugin == NULL)
		g_printerr("%s: purple_plugin_probe failed\n", abs);
	else if (plugin->error != NULL)
		g_printerr("%s: %s\n", abs, plugin->error);
	g_free(abs);
	return plugin;
}

/* ---- --probe ---- */

/* The plugin says so when it has adopted the rules its loader read in a
 * thread of its own (plugin/loader.c). */
static gboolean rules_in_use(gpointer data)
{
	guint i;

	(void)data;
	for (i = 0; i < debug_lines->len; i++)
		if (strstr(g_ptr_array_index(debug_lines, i), "rule sets in use") != NULL)
			return TRUE;
	return FALSE;
}

static int probe(const char *path, const char *rules_dir)
{
	PurplePlugin *plugin = load_plugin(path);
	GList *sets, *l;
	guint i, n_sets = 0;
	gboolean loaded;

	if (plugin == NULL || plugin->info == NULL)
		return 1;
	printf("plugin: %s %s \"%s\" from %s\n", plugin->info->id ? plugin->info->id : "?",
	       plugin->info->version ? plugin->info->version : "?",
	       plugin->info->name ? plugin->info->name : "?", plugin->path);
	if (rules_dir != NULL)
		purple_prefs_set_string(PREFS "/rules_dir", rules_dir);
	loaded = purple_plugin_load(plugin) && purple_plugin_is_loaded(plugin);
	printf("loaded: %s\n", loaded ? "yes" : "no");
	if (loaded && !wait_until(rules_in_use, NULL, 30000))
		printf("rules warning: not in use after 30 s\n");
	for (i = 0; i < debug_lines->len; i++) {
		const char *line = g_ptr_array_index(debug_lines, i);
		unsigned n = 0;

		if (strstr(line, " rule sets from ") != NULL && sscanf(line, "%u", &n) == 1) {
			printf("rules: %s\n", line);
			n_sets += n;
		} else if (strstr(line, "rule") != NULL || strstr(line, ".json") != NULL) {
			printf("rules warning: %s\n", line);
		}
	}
	sets = purple_prefs_get_children_names(PREFS "/rulesets");
	printf("rule sets:");
	for (l = sets; l != NULL; l = l->next) {
		const char *name = strrchr(l->data, '/');

		printf(" %s", name ? name + 1 : (char *)l->data);
	}
	printf("\n");
	g_list_free_full(sets, g_free);
	if (loaded)
		purple_plugin_unload(plugin);
	return loaded && n_sets > 0 ? 0 : 1;
}

/* ---- --demo ---- */

static gboolean connected(gpointer data)
{
	return purple_account_is_connected(data);
}

static gboolean unanswered_seen(gpointer data)
{
	(void)data;
	return debug_count("finding unanswered") > 0;
}

typedef struct {
	const char *conv;
	guint n;
} Count;

static gboolean received(gpointer data)
{
	Count *c = data;

	return count_lines(c->conv, PURPLE_MESSAGE_RECV, NULL) >= c->n;
}

static void send_im(PurpleAccount *account, const char *who, const char *text)
{
	PurpleConversation *conv = purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM,
	                                                                 who, account);

	if (conv == NULL)
		conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, account, who);
	say("%s(you type to %s: \"%s\" and press Enter)%s", c_on("\033[2m"), who, text, c_off());
	purple_conv_im_send(PURPLE_CONV_IM(conv), text);
}

static void step(const char *text)
{
	printf("\n%s== %s%s\n", c_on("\033[1m"), text, c_off());
	fflush(stdout);
}

static int demo(int port, const char *plugin_path, const char *nick, int unanswered)
{
	PurplePlugin *plugin = load_plugin(plugin_path);
	PurpleAccount *account;
	PurpleSavedStatus *status;
	char *username;
	Count maria = { "maria", 2 }, sam = { "sam", 1 };
	int problems = 0;

	if (plugin == NULL)
		return 1;
	purple_prefs_set_int(PREFS "/unanswered_seconds", unanswered);
	if (!purple_plugin_load(plugin)) {
		g_printerr("the plugin did not load\n");
		return 1;
	}
	step("You are alex on a local IRC server; maria and sam are scripted peers.");
	username = g_strdup_printf("%s@127.0.0.1", nick);
	account = purple_account_new(username, "prpl-irc");
	g_free(username);
	purple_account_set_int(account, "port", port);
	purple_account_set_string(account, "encoding", "UTF-8");
	purple_accounts_add(account);
	purple_account_set_enabled(account, UI_ID, TRUE);
	status = purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE);
	purple_savedstatus_activate(status);
	if (!wait_until(connected, account, 25000) || !purple_account_is_connected(account)) {
		g_printerr("could not sign on to 127.0.0.1:%d\n", port);
		return 1;
	}
	say("signed on as %s to 127.0.0.1:%d (unanswered_seconds = %d)", nick, port, unanswered);

	step("maria shares your post and asks a question; you do not answer at once.");
	if (!wait_until(received, &maria, 15000)) {
		g_printerr("maria's messages did not arrive\n");
		problems++;
	}
	if (!wait_until(unanswered_seen, NULL, (unanswered + 10) * 1000)) {
		g_printerr("no unanswered nudge within %d s\n", unanswered + 10);
		problems++;
	}
	run_for(300);
	send_im(account, "maria", "Sorry for the wait! Yes, I'd love to give a talk.");
	maria.n = 3;
	wait_until(received, &maria, 5000);

	step("sam, a stranger, says hello. You ask him for a favour straight away.");
	if (!wait_until(received, &sam, 15000)) {
		g_printerr("sam's message did not arrive\n");
		problems++;
	}
	send_im(account, "sam", "Could you review my CV?");
	if (wait_until(has_open_request, NULL, 5000)) {
		answer(open_request(), 1, "nothing goes out, the text comes back");
	} else {
		g_printerr("the cold ask was not held\n");
		problems++;
	}
	run_for(1500);
	say("%s(sam received nothing: see the irc: lines)%s", c_on("\033[2m"), c_off());

	step("You introduce yourself first; once you have talked, the same ask is fine.");
	send_im(account, "sam", "Hi Sam, nice to meet you! I'm Alex, I write about chat etiquette.");
	if (wait_until(has_open_request, NULL, 500))
		answer(open_request(), 0, "an introduction should not need it");
	sam.n = 2;
	wait_until(received, &sam, 5000);
	run_for(300);
	send_im(account, "sam", "Could you review my CV?");
	if (wait_until(has_open_request, NULL, 500)) {
		answer(open_request(), 0, "send it");
		problems++;
		g_printerr("the ask after an exchange was held as well\n");
	}
	sam.n = 3;
	wait_until(received, &sam, 5000);
	run_for(500);

	step(problems ? "Done, with problems (see above)." : "Done.");
	purple_account_set_enabled(account, UI_ID, FALSE);
	run_for(300);
	return problems ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *mode = NULL, *so = NULL, *rules_dir = NULL, *dir = NULL, *nick = "alex";
	int port = 0, unanswered = 5, i, rc;
	char *tmp = NULL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--demo") == 0)
			mode = "demo";
		else if (strcmp(argv[i], "--probe") == 0 && i + 1 < argc) {
			mode = "probe";
			so = argv[++i];
		} else if (strcmp(argv[i], "--plugin") == 0 && i + 1 < argc)
			so = argv[++i];
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			nick = argv[++i];
		else if (strcmp(argv[i], "--unanswered") == 0 && i + 1 < argc)
			unanswered = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rules-dir") == 0 && i + 1 < argc)
			rules_dir = argv[++i];
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else
			mode = NULL, i = argc;
	}
	if (mode == NULL || so == NULL || (strcmp(mode, "demo") == 0 && port <= 0)) {
		g_printerr("usage: %s --demo --port PORT --plugin SO [--user NICK] "
		           "[--unanswered SECONDS] [--dir DIR]\n"
		           "       %s --probe SO [--rules-dir DIR] [--dir DIR]\n",
		           argv[0], argv[0]);
		return 2;
	}
	colour = isatty(STDOUT_FILENO) && g_getenv("NO_COLOR") == NULL;
	quiet = strcmp(mode, "probe") == 0;
	started = g_get_monotonic_time();
	if (dir == NULL)
		dir = tmp = g_dir_make_tmp("etq-client-XXXXXX", NULL);
	if (dir == NULL) {
		g_printerr("cannot make a temporary folder\n");
		return 2;
	}
	core_start(dir);
	rc = quiet ? probe(so, rules_dir) : demo(port, so, nick, unanswered);
	core_stop();
	if (tmp != NULL) {
		remove_tree(tmp);
		g_free(tmp);
	}
	return rc;
}
