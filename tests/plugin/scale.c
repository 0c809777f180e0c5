/* scale.c — 1,000 conversations at once.
 *
 * alex (libpurple, the plugin loaded) and 1,000 other people, p0000 …
 * p0999. ngircd accepts new connections slowly (a few dozen a second), so
 * they come over 20 IRC connections of 50 nicks each: a connection takes
 * a nick, writes to alex, and moves on to its next nick. alex shares no
 * channel with them, so it never sees a nick change: to alex (and to the
 * plugin) they are 1,000 people, each in an IM conversation of its own.
 * Every one of them writes to alex; every tenth also asks a question.
 * Checked:
 *   every message is written once, unaltered, into its own conversation;
 *   the plugin keeps one conversation per open one (and the core no more
 *   than its bound), no question is asked, no hint storm: a hint only for
 *   a finding, never two in a conversation;
 *   the 100 unanswered questions get their nudge once each, from one timer;
 *   closing the 1,000 conversations leaves nothing behind in the plugin.
 */
#include <stdlib.h>
#include <string.h>

#include <prefs.h>
#include <util.h>

#include "harness.h"

#define N_PEERS 1000
#define N_CONNS 20           /* IRC connections, N_PEERS / N_CONNS nicks each */
#define ASK_EVERY 10         /* every tenth peer also asks a question */
#define CORE_BOUND 1024      /* the core's max_conversations (core/state.c) */
#define UNANSWERED 3         /* unanswered_seconds for this part */
#define NOTE_FLAGS (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG)
#define PREF "/plugins/core/etiquette/"

static Peer *peers[N_CONNS];

static char *peer_name(guint i)
{
	return g_strdup_printf("p%04u", i);
}

/* Both texts travel as IRC sends them; markup characters on purpose. */
static char *hello_text(guint i)
{
	return g_strdup_printf("p%04u here: the build on branch %u is green <b>&amp; \xc3\xbc \"q\"",
	                       i, i % 97);
}

static const char *question = "are you free for a call tomorrow?";

static gboolean all_ready(gpointer data)
{
	guint i;

	(void)data;
	for (i = 0; i < N_CONNS; i++)
		if (!peer_ready(peers[i]))
			return FALSE;
	return TRUE;
}

/* Counts received writes as they come, without rescanning. */
typedef struct {
	guint from, scanned, received, want;
} Arrivals;

static gboolean arrived(gpointer data)
{
	Arrivals *a = data;

	for (; a->scanned < ui_writes->len; a->scanned++) {
		Write *x = g_ptr_array_index(ui_writes, a->scanned);

		a->received += (x->flags & PURPLE_MESSAGE_RECV) && !(x->flags & NOTE_FLAGS);
	}
	return a->received >= a->want;
}

typedef struct {
	guint from, want;
} DebugWait;

static gboolean nudged(gpointer data)
{
	DebugWait *d = data;

	return ui_count_debug(d->from, "finding unanswered ") >= d->want;
}

/* The number of the peer a conversation is with, or -1. */
static int conv_peer(const char *conv)
{
	char *end = NULL;
	long n;

	if (conv == NULL || conv[0] != 'p' || strlen(conv) != 5)
		return -1;
	n = strtol(conv + 1, &end, 10);
	return end != NULL && *end == '\0' && n >= 0 && n < N_PEERS ? (int)n : -1;
}

/* The shared connection of peer i takes its name. */
static void as_peer(guint i)
{
	char *nick = peer_name(i);
	char *line = g_strdup_printf("NICK %s", nick);

	peer_send_raw(peers[i % N_CONNS], line);
	g_free(nick);
	g_free(line);
}

static void close_conversations(void)
{
	GList *convs;

	while ((convs = purple_get_conversations()) != NULL)
		purple_conversation_destroy(convs->data);
}

static void exchange(PurplePlugin *plugin)
{
	guint hello_ok[N_PEERS] = { 0 }, question_ok[N_PEERS] = { 0 }, hints[N_PEERS] = { 0 };
	guint wr = ui_writes->len, dbg = ui_debug->len, requests = ui_requests->len;
	guint i, sent = 0, intact = 0, misplaced = 0, twice = 0, storm = 0, n_hints = 0;
	guint nudges = 0, s[6];
	Arrivals a = { wr, wr, 0, 0 };
	DebugWait d;
	gint64 start = g_get_monotonic_time();

	/* Every peer says hello; once all of that is in, the askers ask: their
	 * deadlines then start together, however long the hellos took (ASan on
	 * a busy machine), and none passes before the checks below. */
	for (i = 0; i < N_PEERS; i++) {
		char *text = hello_text(i);

		as_peer(i);
		peer_privmsg(peers[i % N_CONNS], "alex", text);
		sent++;
		g_free(text);
	}
	a.want = sent;
	wait_until(arrived, &a, 60000);
	for (i = 0; i < N_PEERS; i += ASK_EVERY) {
		as_peer(i);
		peer_privmsg(peers[i % N_CONNS], "alex", question);
		sent++;
	}
	a.want = sent;
	wait_until(arrived, &a, 60000);
	for (i = wr; i < ui_writes->len; i++) {
		Write *x = g_ptr_array_index(ui_writes, i);
		int p = conv_peer(x->conv);

		if ((x->flags & NOTE_FLAGS) == NOTE_FLAGS) {
			n_hints++;
			if (p >= 0 && ++hints[p] > 1)
				storm++;
		} else if (x->flags & PURPLE_MESSAGE_RECV) {
			char *plain = purple_unescape_html(x->message);
			char *hello = p >= 0 ? hello_text((guint)p) : NULL;

			if (p < 0 || g_strcmp0(x->who, x->conv) != 0) {
				misplaced++;
			} else if (strcmp(plain, hello) == 0) {
				twice += hello_ok[p]++ > 0;
			} else if (strcmp(plain, question) == 0 && p % ASK_EVERY == 0) {
				twice += question_ok[p]++ > 0;
			} else {
				misplaced++;
			}
			g_free(plain);
			g_free(hello);
		}
	}
	for (i = 0; i < N_PEERS; i++)
		intact += (hello_ok[i] == 1) + (i % ASK_EVERY == 0 && question_ok[i] == 1);
	check(intact == sent && misplaced == 0 && twice == 0,
	      "%u messages from %u peers: each written once, unaltered, in its own "
	      "conversation (%u intact, %u misplaced or altered, %u twice; %" G_GINT64_FORMAT " ms)",
	      sent, N_PEERS, intact, misplaced, twice, (g_get_monotonic_time() - start) / 1000);
	ui_plugin_stats(plugin, s);
	check(g_list_length(purple_get_ims()) == N_PEERS && s[1] == N_PEERS,
	      "%u conversations open at once; the plugin keeps one for each (%u)", N_PEERS, s[1]);
	check(s[0] >= N_PEERS && s[0] <= CORE_BOUND,
	      "the core remembers them within its bound (%u of at most %u)", s[0], CORE_BOUND);
	check(ui_requests->len == requests && s[3] == 0 && s[2] == 0,
	      "received messages ask nothing and hold nothing (questions %u, held %u)",
	      ui_requests->len - requests, s[2]);
	check(storm == 0 && n_hints == ui_count_debug(dbg, "finding ") &&
	      n_hints <= N_PEERS / ASK_EVERY,
	      "no hint storm: %u hints, one per finding, never two in a conversation", n_hints);
	check(s[4] == 1, "one timer for the %u pending questions (%u)", N_PEERS / ASK_EVERY, s[4]);

	/* The deadline passes: one nudge per unanswered question, then no timer. */
	d.from = ui_debug->len;
	d.want = N_PEERS / ASK_EVERY;
	wait_until(nudged, &d, (UNANSWERED + 5) * 1000);
	run_for(1200);
	memset(hints, 0, sizeof hints);
	storm = 0;
	for (i = 0; i < ui_debug->len - d.from; i++) {
		const char *line = g_ptr_array_index(ui_debug, d.from + i);
		int p;

		if (!g_str_has_prefix(line, "finding unanswered "))
			continue;
		p = conv_peer(strrchr(line, ' ') + 1);
		nudges++;
		if (p < 0 || p % ASK_EVERY != 0 || ++hints[p] > 1)
			storm++;
	}
	ui_plugin_stats(plugin, s);
	check(nudges == N_PEERS / ASK_EVERY && storm == 0,
	      "after unanswered_seconds: %u nudges, one for each asker and nobody else (%u wrong)",
	      nudges, storm);
	check(s[4] == 0, "...and no timer is left (%u)", s[4]);

	close_conversations();
	ui_plugin_stats(plugin, s);
	check(s[0] == 0 && s[1] == 0 && s[2] == 0 && s[3] == 0 && s[4] == 0,
	      "the 1,000 conversations closed: nothing of them is left in the plugin "
	      "(core %u, plugin %u)", s[0], s[1]);
}

void scale_run(const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	PurplePlugin *plugin;
	PurpleAccount *account;
	Ircd ircd;
	guint i, ready = 0;
	gint64 start;

	ui_init(user_dir, NULL);
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL && purple_plugin_load(plugin), "the plugin loads") &&
	    check(ircd_start(&ircd), "ngircd runs")) {
		account = ui_irc_account("alex", ircd.port);
		if (check(ui_wait_connected(account, 20000), "alex connects")) {
			purple_prefs_set_int(PREF "unanswered_seconds", UNANSWERED);
			start = g_get_monotonic_time();
			for (i = 0; i < N_CONNS; i++) {
				char *nick = g_strdup_printf("conn%02u", i);

				peers[i] = peer_start(nick, ircd.port);
				g_free(nick);
			}
			wait_until(all_ready, NULL, 20000);
			for (i = 0; i < N_CONNS; i++)
				ready += peers[i]->welcome && !peers[i]->closed;
			if (check(ready == N_CONNS, "%u IRC connections for %u peers (%u ready in %"
			          G_GINT64_FORMAT " ms)", N_CONNS, N_PEERS, ready,
			          (g_get_monotonic_time() - start) / 1000))
				exchange(plugin);
			for (i = 0; i < N_CONNS; i++)
				if (peers[i] != NULL)
					peer_free(peers[i]);
			memset(peers, 0, sizeof peers);
		}
		purple_plugin_unload(plugin);
		ircd_stop(&ircd);
	}
	ui_quit();
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(user_dir);
}
