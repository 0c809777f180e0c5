/* scenarios.c — the plugin against a real IRC server.
 *
 * alex is the user: a libpurple IRC account with the plugin loaded. maria,
 * sam, tom and lee are the other people: plain IRC connections (peer.c).
 * All of them are in #etq. sam is in alex's buddy list (known).
 */
#include <string.h>

#include <glib/gstdio.h>

#include <blist.h>
#include <connection.h>
#include <server.h>
#include <pluginpref.h>
#include <prefs.h>
#include <util.h>

#include "harness.h"

#define CHANNEL "#etq"
#define PREF "/plugins/core/etiquette/"

typedef struct {
	Ircd ircd;
	PurpleAccount *account;
	PurplePlugin *plugin;
	PurpleConversation *chan;
	Peer *maria, *sam, *tom, *lee;
} World;

static World w;

/* ---- helpers ---- */

typedef struct {
	Peer *peer;
	guint first;
	const char *target;
	guint n;
} PeerWait;

static gboolean peer_has(gpointer data)
{
	PeerWait *pw = data;

	return peer_count(pw->peer, pw->first, "alex", pw->target) >= pw->n;
}

/* Waits for n messages from alex (to target, or any) since first. */
static guint peer_wait(Peer *peer, guint first, const char *target, guint n, guint ms)
{
	PeerWait pw = { peer, first, target, n };

	wait_until(peer_has, &pw, ms);
	return peer_count(peer, first, "alex", target);
}

/* The text of the i-th message from alex since first, or NULL. */
static const char *peer_text(Peer *peer, guint first, guint i)
{
	guint k, seen = 0;

	for (k = first; k < peer->msgs->len; k++) {
		PeerMsg *m = peer_msg(peer, k);

		if (g_ascii_strcasecmp(m->from, "alex") == 0 && seen++ == i)
			return m->text;
	}
	return NULL;
}

typedef struct {
	const char *conv;
} RequestWait;

static gboolean request_open(gpointer data)
{
	return ui_last_open_request(((RequestWait *)data)->conv) != NULL;
}

/* The question opens inside the send call; the main loop then runs until
 * its idle work is done, as it would before the user can type again. */
static Request *wait_request(const char *conv, guint ms)
{
	RequestWait rw = { conv };

	wait_until(request_open, &rw, ms);
	ui_settle();
	return ui_last_open_request(conv);
}

typedef struct {
	Peer *peer;
	const char *text;
} MarkerWait;

static gboolean marker_seen(gpointer data)
{
	MarkerWait *mw = data;
	guint i;

	for (i = 0; i < mw->peer->msgs->len; i++)
		if (g_strcmp0(peer_msg(mw->peer, i)->text, mw->text) == 0)
			return TRUE;
	return FALSE;
}

/* "Nothing was sent", proved: a marker goes out after it on the same
 * connection, past the plugin (serv_*), and once the peer has it, every
 * earlier line would have arrived too. Returns how many messages from alex
 * (to target, or any) the peer got since first before the marker, or
 * G_MAXUINT if the marker never came. */
static guint sent_before_marker(Peer *peer, guint first, const char *target)
{
	static guint serial;
	PurpleConnection *gc = purple_account_get_connection(w.account);
	char *text = g_strdup_printf("marker %u", ++serial);
	MarkerWait mw = { peer, text };
	guint n;

	if (target != NULL && *target == '#')
		serv_chat_send(gc, purple_conv_chat_get_id(PURPLE_CONV_CHAT(w.chan)), text, 0);
	else
		serv_send_im(gc, peer->nick, text, 0);
	n = wait_until(marker_seen, &mw, 5000) ? peer_count(peer, first, "alex", target) - 1
	                                       : G_MAXUINT;
	g_free(text);
	return n;
}

typedef struct {
	const char *conv;
	guint from;
	PurpleMessageFlags flags;
	const char *contains;
	guint n;
} WriteWait;

static gboolean writes_seen(gpointer data)
{
	WriteWait *ww = data;

	return ui_count_writes(ww->conv, ww->from, ww->flags, ww->contains) >= ww->n;
}

static guint wait_writes(const char *conv, guint from, PurpleMessageFlags flags,
                         const char *contains, guint n, guint ms)
{
	WriteWait ww = { conv, from, flags, contains, n };

	wait_until(writes_seen, &ww, ms);
	return ui_count_writes(conv, from, flags, contains);
}

#define NOTE_FLAGS (PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG)

/* The user types text (plain) and presses Enter: the UI sends markup. */
static void send_text(PurpleConversation *conv, const char *text)
{
	char *html = g_markup_escape_text(text, -1);

	if (purple_conversation_get_type(conv) == PURPLE_CONV_TYPE_IM)
		purple_conv_im_send(PURPLE_CONV_IM(conv), html);
	else
		purple_conv_chat_send(PURPLE_CONV_CHAT(conv), html);
	g_free(html);
}

static PurpleConversation *im(const char *who)
{
	return ui_im(w.account, who);
}

static void stats(guint out[6])
{
	ui_plugin_stats(w.plugin, out);
}

static gboolean frame_has(PurplePluginPrefFrame *frame, const char *name);

/* ---- setup ---- */

static gboolean setup(const char *plugin_path, const char *user_dir)
{
	ui_init(user_dir, NULL);
	w.plugin = ui_probe_plugin(plugin_path);
	if (!check(w.plugin != NULL && purple_plugin_load(w.plugin),
	           "the plugin loads from %s", plugin_path))
		return FALSE;
	check(strcmp(purple_plugin_get_id(w.plugin), "core-etiquette") == 0,
	      "plugin id is core-etiquette");
	if (!ircd_start(&w.ircd))
		return check(FALSE, "ngircd runs");
	note("ngircd runs on 127.0.0.1:%d", w.ircd.port);
	w.account = ui_irc_account("alex", w.ircd.port);
	if (!check(ui_wait_connected(w.account, 10000), "alex connects over IRC"))
		return FALSE;
	w.maria = peer_connect("maria", w.ircd.port);
	w.sam = peer_connect("sam", w.ircd.port);
	w.tom = peer_connect("tom", w.ircd.port);
	w.lee = peer_connect("lee", w.ircd.port);
	if (!check(w.maria->welcome && w.sam->welcome && w.tom->welcome && w.lee->welcome,
	           "four peers connect"))
		return FALSE;
	purple_blist_add_buddy(purple_buddy_new(w.account, "sam", NULL), NULL, NULL, NULL);
	check(peer_join(w.maria, CHANNEL) && peer_join(w.tom, CHANNEL) &&
	      peer_join(w.sam, CHANNEL), "peers join " CHANNEL);
	w.chan = ui_join_chat(w.account, CHANNEL);
	return check(w.chan != NULL, "alex joins " CHANNEL);
}

/* ---- outgoing ---- */

static void test_cold_ask(void)
{
	const char *text = "Hi Maria \xe2\x80\x94 could you review my cv?";
	PurpleConversation *conv = im("maria");
	guint first = w.maria->msgs->len, dbg = ui_debug->len, wr = ui_writes->len;
	Request *r;

	send_text(conv, text);
	r = wait_request("maria", 2000);
	check(r != NULL, "cold ask to a stranger: the plugin asks before sending");
	if (r == NULL)
		return;
	check(r->fields != NULL && g_strcmp0(r->labels[0], "Send anyway") == 0 &&
	      g_strcmp0(r->labels[1], "Edit") == 0,
	      "the question is a fields request: ok \"%s\", cancel \"%s\" (no mnemonic "
	      "underscore outside Pidgin)", r->labels[0], r->labels[1]);
	check(strstr(r->title, "maria") != NULL && strstr(r->primary, "maria") != NULL,
	      "the question names its conversation (\"%s\")", r->title);
	check(strstr(r->secondary, "\n\xe2\x86\x92 ") != NULL,
	      "the question's suggestion line starts with a marker (\xe2\x86\x92)");
	check(ui_count_debug(dbg, "finding cold-ask ") >= 1 &&
	      ui_count_debug(dbg, " maria") >= 1, "debug line: finding cold-ask <rule> maria");
	check(sent_before_marker(w.maria, first, NULL) == 0,
	      "held: maria receives nothing while the question is open (a marker sent after it arrives alone)");
	check(ui_count_writes("maria", wr, PURPLE_MESSAGE_SEND, NULL) == 0,
	      "held: nothing is shown as sent");
	first = w.maria->msgs->len;
	ui_answer(r, 0);
	check(sent_before_marker(w.maria, first, NULL) == 1,
	      "Send anyway: maria receives exactly one copy");
	check(g_strcmp0(peer_text(w.maria, first, 0), text) == 0,
	      "Send anyway: byte for byte what was typed (got \"%s\")",
	      peer_text(w.maria, first, 0) ? peer_text(w.maria, first, 0) : "(none)");
	check(ui_count_writes("maria", wr, PURPLE_MESSAGE_SEND, "review my cv") == 1,
	      "Send anyway: shown once in the conversation");
}

static void test_cold_ask_edit(void)
{
	const char *text = "Could you review my CV & cover letter?";
	PurpleConversation *conv = im("maria");
	guint first = w.maria->msgs->len, wr = ui_writes->len;
	Request *r;

	send_text(conv, text);
	r = wait_request("maria", 2000);
	if (!check(r != NULL, "cold ask again: asked again"))
		return;
	ui_answer(r, 1);
	check(sent_before_marker(w.maria, first, NULL) == 0, "Edit: maria receives nothing");
	check(ui_count_writes("maria", wr, NOTE_FLAGS, "review my CV &amp; cover letter") == 1,
	      "Edit: the text is offered back as a SYSTEM|NO_LOG note, escaped");
	check(ui_count_writes("maria", wr, PURPLE_MESSAGE_SEND, NULL) == 0,
	      "Edit: nothing is shown as sent");
}

/* IRC has no newlines: Pidgin sends a paste line by line, in one go. */
static void test_paste(void)
{
	const char *lines[] = { "could you review my cv?", "It is two pages.", "Thanks a lot!" };
	PurpleConversation *conv = im("maria");
	guint first = w.maria->msgs->len, requests = ui_requests->len, i;
	Request *r;

	for (i = 0; i < G_N_ELEMENTS(lines); i++)
		send_text(conv, lines[i]);
	r = wait_request("maria", 2000);
	if (!check(r != NULL, "a held paste: one question"))
		return;
	check(ui_open_requests() == 1 && ui_requests->len > requests &&
	      strstr(r->secondary, lines[2]) != NULL,
	      "a held paste: one open question, about all its lines");
	check(sent_before_marker(w.maria, first, NULL) == 0,
	      "a held paste: no later line gets through before the answer");
	first = w.maria->msgs->len;
	ui_answer(r, 0);
	check(sent_before_marker(w.maria, first, NULL) == 3, "Send anyway: the three lines, once each");
	for (i = 0; i < G_N_ELEMENTS(lines); i++)
		check(g_strcmp0(peer_text(w.maria, first, i), lines[i]) == 0,
		      "Send anyway: line %u in its place", i + 1);
}

/* Send anyway twice for one rule in a conversation: it asks no more there. */
static void test_stops_asking(void)
{
	const char *text = "could you review my cv please?";
	guint first = w.maria->msgs->len, requests = ui_requests->len, wr = ui_writes->len;

	send_text(im("maria"), text);
	peer_wait(w.maria, first, NULL, 1, 3000);
	check(ui_requests->len == requests && peer_count(w.maria, first, "alex", NULL) == 1,
	      "after two Send anyway for a rule, it asks no more in that conversation");
	check(ui_count_writes("maria", wr, NOTE_FLAGS, NULL) >= 1, "...and becomes a hint");
}

static void test_template(void)
{
	const char *text = "Dear ___, I would love to connect";
	PurpleConversation *conv = im("sam");
	guint first = w.sam->msgs->len, dbg;
	Request *r;

	send_text(conv, text);
	r = wait_request("sam", 2000);
	if (check(r != NULL, "a template to a known peer (buddy): asked before sending")) {
		check(sent_before_marker(w.sam, first, NULL) == 0, "held: sam receives nothing");
		first = w.sam->msgs->len;
		ui_answer(r, 0);
		check(sent_before_marker(w.sam, first, NULL) == 1 &&
		      g_strcmp0(peer_text(w.sam, first, 0), text) == 0,
		      "Send anyway: sam receives one identical copy");
	}
	purple_prefs_set_bool(PREF "rulesets/templates", FALSE);
	first = w.sam->msgs->len;
	dbg = ui_debug->len;
	send_text(conv, text);
	peer_wait(w.sam, first, NULL, 1, 3000);
	check(ui_last_open_request("sam") == NULL && peer_count(w.sam, first, "alex", NULL) == 1 &&
	      g_strcmp0(peer_text(w.sam, first, 0), text) == 0,
	      "rulesets/templates off: the same text goes straight out, at once");
	check(ui_count_debug(dbg, "finding generic") == 0, "rulesets/templates off: no finding");
	purple_prefs_set_bool(PREF "rulesets/templates", TRUE);
}

static void test_warn_off(void)
{
	const char *text = "Dear ___, I would love to connect with you";
	guint first = w.sam->msgs->len, wr = ui_writes->len, requests = ui_requests->len;

	purple_prefs_set_bool(PREF "warn_before_send", FALSE);
	send_text(im("sam"), text);
	peer_wait(w.sam, first, NULL, 1, 3000);
	check(ui_requests->len == requests && peer_count(w.sam, first, "alex", NULL) == 1,
	      "warn_before_send off: the message goes out");
	check(ui_count_writes("sam", wr, NOTE_FLAGS, NULL) >= 1,
	      "warn_before_send off: the finding becomes a hint");
	purple_prefs_set_bool(PREF "warn_before_send", TRUE);
}

static void test_ordinary(void)
{
	const char *text = "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln: 2 < 3 & \"quoted\" 'single' \xe2\x9c\x93";
	guint first = w.sam->msgs->len, requests = ui_requests->len, wr = ui_writes->len;

	send_text(im("sam"), text);
	/* what the plugin could delay happens inside the send call itself */
	check(ui_count_writes("sam", wr, PURPLE_MESSAGE_SEND, NULL) == 1,
	      "an ordinary message is sent within the send call: no hold, no delay");
	peer_wait(w.sam, first, NULL, 1, 3000);
	check(peer_count(w.sam, first, "alex", NULL) == 1 &&
	      g_strcmp0(peer_text(w.sam, first, 0), text) == 0,
	      "an ordinary message (UTF-8, <, &, quotes) arrives unchanged (got \"%s\")",
	      peer_text(w.sam, first, 0) ? peer_text(w.sam, first, 0) : "(none)");
	check(ui_requests->len == requests && ui_count_writes("sam", wr, NOTE_FLAGS, NULL) == 0,
	      "an ordinary message: no question, no hint");
}

static void test_channel(void)
{
	const char *ask = "maria: could you introduce me to your manager?";
	const char *room = "can someone explain how the build works?";
	guint first = w.tom->msgs->len, dbg = ui_debug->len, wr = ui_writes->len;
	Request *r;

	send_text(w.chan, ask);
	r = wait_request(CHANNEL, 2000);
	if (check(r != NULL, "a personal ask in a channel: asked before sending")) {
		check(ui_count_debug(dbg, "finding public-ask ") >= 1, "debug line: finding public-ask");
		check(sent_before_marker(w.tom, first, CHANNEL) == 0, "held: the channel sees nothing");
		first = w.tom->msgs->len;
		ui_answer(r, 1);
		check(sent_before_marker(w.tom, first, CHANNEL) == 0, "Edit: the channel sees nothing");
		check(ui_count_writes(CHANNEL, wr, NOTE_FLAGS, "introduce me") == 1,
		      "Edit: the text is offered back in the channel window");
	}
	first = w.tom->msgs->len;
	send_text(w.chan, room);
	peer_wait(w.tom, first, CHANNEL, 1, 3000);
	check(ui_last_open_request(CHANNEL) == NULL && peer_count(w.tom, first, "alex", CHANNEL) == 1 &&
	      g_strcmp0(peer_text(w.tom, first, 0), room) == 0,
	      "a question to the room goes straight out");
}

static gboolean quiet_listed(const char *entry)
{
	GList *list = purple_prefs_get_string_list(PREF "not_warned"), *l;
	gboolean found = FALSE;

	for (l = list; l != NULL; l = l->next)
		found = found || g_strcmp0(l->data, entry) == 0;
	g_list_free_full(list, g_free);
	return found;
}

/* "Don't warn me about this again", chosen with Send anyway: for the
 * person, or for the rule; kept in prefs, listed in the frame, removable. */
static void test_quiet(void)
{
	PurplePluginUiInfo *ui = w.plugin->info->prefs_info;
	PurplePluginPrefFrame *frame;
	guint first = w.tom->msgs->len, requests, wr;
	Request *r;

	send_text(im("tom"), "could you review my cv?");
	r = wait_request("tom", 2000);
	if (!check(r != NULL && r->fields != NULL &&
	           purple_request_fields_get_field(r->fields, "quiet") != NULL,
	           "the question has a \"don't warn me about this again\" field"))
		return;
	ui_answer_choice(r, "quiet", 1);
	check(sent_before_marker(w.tom, first, NULL) == 1 &&
	      quiet_listed("person\tprpl-irc\talex@127.0.0.1\ttom"),
	      "Send anyway, not for tom: sent, and tom is kept in the not_warned pref");
	first = w.tom->msgs->len;
	requests = ui_requests->len;
	wr = ui_writes->len;
	send_text(im("tom"), "could you introduce me to your manager?");
	check(sent_before_marker(w.tom, first, NULL) == 1 && ui_requests->len == requests &&
	      ui_count_writes("tom", wr, NOTE_FLAGS, NULL) >= 1,
	      "...the next cold ask to tom goes out without a question, as a hint");

	send_text(im("maria"), "Dear ___, I would love to connect with you all");
	r = wait_request("maria", 2000);
	if (!check(r != NULL, "a template to maria: asked"))
		return;
	ui_answer_choice(r, "quiet", 2);
	first = w.lee->msgs->len;
	requests = ui_requests->len;
	send_text(im("lee"), "Dear ___, I would love to connect with you all");
	check(sent_before_marker(w.lee, first, NULL) == 1 && ui_requests->len == requests,
	      "Send anyway, not for this kind of message: the same template to lee is not asked about");

	frame = ui->get_plugin_pref_frame(w.plugin);
	check(frame_has(frame, PREF "not_warned_shown/0") && frame_has(frame, PREF "not_warned_shown/1") &&
	      purple_prefs_get_bool(PREF "not_warned_shown/0"),
	      "the preferences list both, ticked");
	purple_prefs_set_bool(PREF "not_warned_shown/0", FALSE);
	check(!quiet_listed("person\tprpl-irc\talex@127.0.0.1\ttom"),
	      "unticking tom removes him from the list");
	purple_plugin_pref_frame_destroy(frame);
	send_text(im("tom"), "could you review my portfolio?");
	r = wait_request("tom", 2000);
	check(r != NULL, "...and a cold ask to tom is asked about again");
	if (r != NULL)
		ui_answer(r, 1);
	purple_prefs_set_string_list(PREF "not_warned", NULL);
}

/* The user sends something else while the question is open: the question
 * closes, its text comes back, the new message is checked on its own. */
static void test_moved_on(void)
{
	PurpleConversation *conv = im("lee");
	guint first = w.lee->msgs->len, wr = ui_writes->len;
	Request *r;

	send_text(conv, "could you review my cv?");
	r = wait_request("lee", 2000);
	if (!check(r != NULL, "cold ask to lee: asked"))
		return;
	send_text(conv, "Sorry, wrong window.");
	check(r->closed && ui_last_open_request("lee") == NULL,
	      "sending something else closes the open question");
	check(sent_before_marker(w.lee, first, NULL) == 1 &&
	      g_strcmp0(peer_text(w.lee, first, 0), "Sorry, wrong window.") == 0,
	      "...the new message goes out, the held one does not");
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv") == 1,
	      "...and the held text is given back");
}

/* The user closes the question's window (Esc, close button, Alt+C): that
 * is Edit, at once. */
static void test_dismiss(void)
{
	PurpleConversation *conv = im("lee");
	guint first = w.lee->msgs->len, wr = ui_writes->len, s[6];
	Request *r;

	send_text(conv, "could you review my cv this week?");
	r = wait_request("lee", 2000);
	if (!check(r != NULL, "cold ask to lee: asked"))
		return;
	ui_dismiss(r);
	stats(s);
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv this week") == 1 && s[2] == 0 &&
	      s[3] == 0, "closing the question's window is Edit: the text is back at once");
	check(sent_before_marker(w.lee, first, NULL) == 0, "...and nothing is sent");
}

/* A conversation closed with a message held: the user is told at once,
 * with the text, and it is offered back when they talk with lee again. */
static void test_close_conversation(void)
{
	const char *text = "could you review my cv, lee?";
	PurpleConversation *conv = im("lee");
	guint first = w.lee->msgs->len, notices = ui_notices->len, wr, held[6];
	Request *r;

	send_text(conv, text);
	r = wait_request("lee", 2000);
	if (!check(r != NULL, "cold ask to lee again: asked"))
		return;
	purple_conversation_destroy(conv);
	stats(held);
	check(r->closed && held[2] == 0 && held[3] == 0,
	      "closing the conversation closes its question, nothing stays held");
	check(ui_count_notices(notices, "review my cv, lee?") == 1 &&
	      ui_count_notices(notices, "lee") == 1,
	      "...the user is told at once, with the text");
	check(sent_before_marker(w.lee, first, NULL) == 0, "...and nothing is sent");
	wr = ui_writes->len;
	conv = im("lee");
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv, lee?") == 1,
	      "a conversation with lee opens again: the text is offered back");
	wr = ui_writes->len;
	purple_conversation_destroy(conv);
	conv = im("lee");
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv") == 0,
	      "...once");
}

/* ---- incoming ---- */

static void test_say_thanks(void)
{
	guint wr = ui_writes->len, dbg = ui_debug->len;

	peer_privmsg(w.maria, "alex", "I shared your post");
	wait_writes("maria", wr, PURPLE_MESSAGE_RECV, "I shared your post", 1, 3000);
	run_for(200);
	check(ui_count_writes("maria", wr, PURPLE_MESSAGE_RECV, "I shared your post") == 1,
	      "incoming: the message is written unchanged");
	check(ui_count_writes("maria", wr, NOTE_FLAGS, NULL) >= 1,
	      "\"I shared your post\": a hint written SYSTEM|NO_LOG");
	check(ui_count_debug(dbg, "finding say-thanks ") >= 1, "debug line: finding say-thanks");

	purple_prefs_set_bool(PREF "hints", FALSE);
	wr = ui_writes->len;
	dbg = ui_debug->len;
	peer_privmsg(w.maria, "alex", "I shared your post with my team");
	wait_writes("maria", wr, PURPLE_MESSAGE_RECV, "with my team", 1, 3000);
	run_for(200);
	check(ui_count_writes("maria", wr, NOTE_FLAGS, NULL) == 0 &&
	      ui_count_debug(dbg, "finding say-thanks ") >= 1,
	      "hints off: no hint in the window, the finding is still logged");
	purple_prefs_set_bool(PREF "hints", TRUE);
}

static gint64 first_note_at(const char *conv, guint from)
{
	guint i;

	for (i = from; i < ui_writes->len; i++) {
		Write *x = g_ptr_array_index(ui_writes, i);

		if (g_strcmp0(x->conv, conv) == 0 && (x->flags & NOTE_FLAGS) == NOTE_FLAGS)
			return x->at;
	}
	return -1;
}

/* Debug lines "finding <category> <rule> <conv>" from index from on. */
static guint findings_in(guint from, const char *category, const char *conv)
{
	char *prefix = g_strdup_printf("finding %s ", category);
	char *suffix = g_strdup_printf(" %s", conv);
	guint i, n = 0;

	for (i = from; i < ui_debug->len; i++) {
		const char *line = g_ptr_array_index(ui_debug, i);

		n += g_str_has_prefix(line, prefix) && g_str_has_suffix(line, suffix);
	}
	g_free(prefix);
	g_free(suffix);
	return n;
}

static void test_unanswered(void)
{
	guint wr = ui_writes->len, dbg, s[6];
	gint64 asked, noted;

	purple_prefs_set_int(PREF "unanswered_seconds", 2);
	dbg = ui_debug->len;
	peer_privmsg(w.sam, "alex", "what time is the meeting tomorrow?");
	peer_privmsg(w.tom, "alex", "are you coming to the party tonight?");
	peer_privmsg(w.tom, CHANNEL, "alex: can you check the logs?");
	peer_privmsg(w.maria, "alex", "are you free tomorrow?");
	wait_writes("tom", wr, PURPLE_MESSAGE_RECV, "party", 1, 3000);
	wait_writes("sam", wr, PURPLE_MESSAGE_RECV, "meeting", 1, 3000);
	wait_writes("maria", wr, PURPLE_MESSAGE_RECV, "free tomorrow", 1, 3000);
	asked = g_get_monotonic_time();
	send_text(im("tom"), "yes, see you there");
	purple_conversation_destroy(im("maria"));
	run_for(4500);
	noted = first_note_at("sam", wr);
	check(findings_in(dbg, "unanswered", "sam") == 1 && noted > 0,
	      "an unanswered question gets its nudge, once");
	check(noted < 0 || noted - asked >= G_USEC_PER_SEC,
	      "...not before unanswered_seconds (after %" G_GINT64_FORMAT " ms)",
	      noted > 0 ? (noted - asked) / 1000 : -1);
	check(findings_in(dbg, "unanswered", CHANNEL) == 1 &&
	      ui_count_writes(CHANNEL, wr, NOTE_FLAGS, NULL) >= 1,
	      "a channel question that mentions alex gets its nudge");
	check(findings_in(dbg, "unanswered", "tom") == 0 &&
	      ui_count_writes("tom", wr, NOTE_FLAGS, NULL) == 0,
	      "a question answered in time gets none");
	check(findings_in(dbg, "unanswered", "maria") == 0,
	      "closing the conversation cancels its nudge");
	stats(s);
	check(s[4] == 0, "no timer is left once nothing is pending");
	purple_prefs_set_int(PREF "unanswered_seconds", 600);
}

static void test_over_engagement(void)
{
	guint dbg = ui_debug->len, wr = ui_writes->len, i;

	purple_prefs_set_int(PREF "over_engagement_count", 3);
	for (i = 1; i <= 3; i++) {
		char *text = g_strdup_printf("message %u in a row", i);

		peer_privmsg(w.lee, "alex", text);
		g_free(text);
	}
	wait_writes("lee", wr, PURPLE_MESSAGE_RECV, "message 3 in a row", 1, 3000);
	run_for(100);
	check(findings_in(dbg, "over-engagement", "lee") == 1 &&
	      ui_count_writes("lee", wr, NOTE_FLAGS, NULL) == 1,
	      "over_engagement_count set to 3: the third message in a row gets the hint");
	purple_prefs_set_int(PREF "over_engagement_count", 6);
}

static gboolean all_flood_written(gpointer data)
{
	guint *want = data;

	return ui_count_writes(CHANNEL, want[0], PURPLE_MESSAGE_RECV, "flood ") >= want[1] ||
	       w.tom->closed;
}

static void test_flood(void)
{
	const guint total = 5000, batch = 100;
	guint wr = ui_writes->len, before[6], after[6], i, sent = 0, ok = 0;
	guint want[2] = { wr, 0 }, requests = ui_requests->len, dbg = ui_debug->len, hints;
	guint questions = total / 500;
	gint64 start = g_get_monotonic_time();

	stats(before);
	while (sent < total) {
		for (i = 0; i < batch && sent < total; i++, sent++) {
			char *text = g_strdup_printf("flood %u: <b>&amp; \xc3\xbc \"q\"%s", sent,
			                             sent % 500 == 0 ? " alex, are you there?" : "");
			peer_privmsg(w.tom, CHANNEL, text);
			g_free(text);
		}
		want[1] = sent;
		if (!wait_until(all_flood_written, want, 10000))
			break;
	}
	for (i = wr; i < ui_writes->len; i++) {
		Write *x = g_ptr_array_index(ui_writes, i);
		char *plain, *expected;

		if (!(x->flags & PURPLE_MESSAGE_RECV) || g_strcmp0(x->conv, CHANNEL) != 0 ||
		    strstr(x->message, "flood ") == NULL)
			continue;
		plain = purple_unescape_html(x->message);
		expected = g_strdup_printf("flood %u: <b>&amp; \xc3\xbc \"q\"%s", ok,
		                           ok % 500 == 0 ? " alex, are you there?" : "");
		ok += strcmp(plain, expected) == 0;
		g_free(plain);
		g_free(expected);
	}
	stats(after);
	check(ok == total, "a flood of %u channel messages: every one written, in order, "
	      "unaltered (%u, in %" G_GINT64_FORMAT " ms)", total, ok,
	      (g_get_monotonic_time() - start) / 1000);
	check(after[0] <= before[0] + 1 && after[1] <= before[1] + 1 && after[2] == 0,
	      "a flood: the plugin's memory stays bounded (conversations %u/%u, plugin %u/%u)",
	      before[0], after[0], before[1], after[1]);
	/* tom's 5,000 lines in a row earn one over-engagement hint; the ten
	 * "alex, are you there?" are questions with a deadline (600 s), not hints */
	hints = ui_count_writes(CHANNEL, wr, NOTE_FLAGS, NULL);
	check(ui_requests->len == requests && ui_open_requests() == 0,
	      "a flood: no question is asked about received lines");
	check(hints <= 2 && hints == ui_count_debug(dbg, "finding ") &&
	      findings_in(dbg, "over-engagement", CHANNEL) <= 1,
	      "a flood: no hint storm (%u hints for %u lines, %u of them questions to alex)",
	      hints, total, questions);
	check(after[4] <= 1 && after[3] == 0,
	      "a flood: at most one timer, no dialog (timers %u, dialogs %u)", after[4], after[3]);
}

/* ---- preferences ---- */

static gboolean frame_has(PurplePluginPrefFrame *frame, const char *name)
{
	GList *l;

	for (l = purple_plugin_pref_frame_get_prefs(frame); l != NULL; l = l->next)
		if (g_strcmp0(purple_plugin_pref_get_name(l->data), name) == 0)
			return TRUE;
	return FALSE;
}

static void test_prefs_frame(const char *extra_set)
{
	PurplePluginUiInfo *ui = w.plugin->info->prefs_info;
	PurplePluginPrefFrame *frame;
	const char *names[] = { "warn_before_send", "hints", "unanswered_seconds",
	                        "over_engagement_count", "rules_dir", "rulesets/networking",
	                        "rulesets/templates", "rulesets/responsiveness", extra_set };
	guint i, found = 0;

	if (!check(ui != NULL && ui->get_plugin_pref_frame != NULL,
	           "the plugin has a preferences frame (PurplePluginUiInfo)"))
		return;
	frame = ui->get_plugin_pref_frame(w.plugin);
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		char *path = g_strconcat(PREF, names[i], NULL);

		if (names[i] != NULL && frame_has(frame, path) && purple_prefs_exists(path))
			found++;
		else if (names[i] != NULL)
			note("missing in the frame or the prefs: %s", path);
		g_free(path);
	}
	check(found == G_N_ELEMENTS(names) - (extra_set == NULL),
	      "the frame has every preference and a toggle per rule set%s%s",
	      extra_set ? ", with " : "", extra_set ? extra_set : "");
	purple_plugin_pref_frame_destroy(frame);
}

typedef struct {
	guint from;
	const char *text;
	guint n;
} DebugWait;

static gboolean debug_seen(gpointer data)
{
	DebugWait *dw = data;

	return ui_count_debug(dw->from, dw->text) >= dw->n;
}

static gboolean wait_debug(guint from, const char *text, guint n, guint ms)
{
	DebugWait dw = { from, text, n };

	return wait_until(debug_seen, &dw, ms);
}

/* Pidgin writes a string preference at every key pressed. */
static void type_rules_dir(const char *path)
{
	size_t i, len = strlen(path);

	for (i = 1; i <= len; i++) {
		char *part = g_strndup(path, i);

		purple_prefs_set_string(PREF "rules_dir", part);
		g_free(part);
	}
}

/* The folder written again with the same content, then broken: it is not
 * read again, then the last good rules stay (said once); the conversation
 * state lives through a reload. */
static void test_reload(const char *top, const char *rules_file)
{
	char *slash = g_strconcat(top, "/", NULL);
	char *good = NULL;
	guint dbg = ui_debug->len, notices = ui_notices->len, s[6], t[6];
	Request *r;

	purple_prefs_set_string(PREF "rules_dir", slash);
	check(wait_debug(dbg, "rules folder looked at", 1, 5000) &&
	      ui_count_debug(dbg, "rules folder reloaded") == 0,
	      "rules_dir names the same folder, unchanged: not read again");
	g_file_get_contents(rules_file, &good, NULL, NULL);
	g_file_set_contents(rules_file, "{ \"language\": \"*\", \"rules\": [ {", -1, NULL);
	dbg = ui_debug->len;
	purple_prefs_set_string(PREF "rules_dir", top);
	wait_debug(dbg, "rules folder looked at", 1, 5000);
	purple_prefs_set_string(PREF "rules_dir", slash);
	wait_debug(dbg, "rules folder looked at", 2, 5000);
	check(ui_count_debug(dbg, "rules folder reloaded") == 0 &&
	      ui_count_notices(notices, "rules folder") == 1 &&
	      ui_count_debug(dbg, "rules folder not loaded") == 1,
	      "a broken rules folder is not used, and said so once (%u notices)",
	      ui_count_notices(notices, "rules folder"));
	send_text(im("sam"), "what is your salary?");
	r = wait_request("sam", 2000);
	check(r != NULL, "...the last good rules stay in use");
	if (r != NULL)
		ui_answer(r, 1);
	stats(s);
	{
		/* mended, and not byte for byte what was loaded before */
		char *mended = g_strconcat(good, "\n", NULL);

		g_file_set_contents(rules_file, mended, -1, NULL);
		g_free(mended);
	}
	dbg = ui_debug->len;
	purple_prefs_set_string(PREF "rules_dir", top);
	wait_debug(dbg, "rules folder reloaded", 1, 5000);
	stats(t);
	check(ui_count_debug(dbg, "rules folder reloaded") == 1 && s[0] > 0 && t[0] == s[0],
	      "mended, it is read again; the conversations the core remembers stay (%u, %u)",
	      s[0], t[0]);
	g_free(good);
	g_free(slash);
}

/* A rule set of the user's own, top/name/, with one rule: an outgoing
 * message with word is held (category x-no-WORD-talk). Returns its rules
 * file. */
static char *write_user_set(const char *top, const char *name, const char *word)
{
	char *dir = g_build_filename(top, name, NULL);
	char *set_file = g_build_filename(dir, "set.json", NULL);
	char *rules_file = g_build_filename(dir, "any.json", NULL);
	char *set = g_strdup_printf("{ \"name\": \"%s\", \"description\": \"No %s talk\" }\n",
	                            name, word);
	char *rules = g_strdup_printf(
		"{ \"language\": \"*\", \"rules\": [ {\n"
		"  \"id\": \"%s.x-no-%s-talk.any.%s\", \"category\": \"x-no-%s-talk\",\n"
		"  \"severity\": \"warn\", \"dir\": \"out\", \"match\": [\"%s\"],\n"
		"  \"message\": \"The %s is not discussed in chat here.\",\n"
		"  \"examples\": [\"what is your %s?\"],\n"
		"  \"counterexamples\": [\"see you at the meeting\"] } ] }\n",
		name, word, word, word, word, word, word);

	g_mkdir_with_parents(dir, 0700);
	g_file_set_contents(set_file, set, -1, NULL);
	g_file_set_contents(rules_file, rules, -1, NULL);
	g_free(rules);
	g_free(set);
	g_free(set_file);
	g_free(dir);
	return rules_file;
}

/* A rule set of the user's own, in rules_dir: loaded once the preference
 * rests, with its own category and its own toggle. */
static void test_user_rules(const char *user_dir)
{
	char *top = g_build_filename(user_dir, "my-rules", NULL);
	char *rules_file = write_user_set(top, "acme", "salary");
	guint first, dbg = ui_debug->len;
	Request *r;

	type_rules_dir(top);
	check(wait_debug(dbg, "rules folder reloaded", 1, 5000) &&
	      ui_count_debug(dbg, "rules folder reloaded") == 1,
	      "rules_dir typed key by key: read once, when it rests");
	check(purple_prefs_exists(PREF "rulesets/acme") && purple_prefs_get_bool(PREF "rulesets/acme"),
	      "rules_dir changed: the user's rule set is loaded, switched on");
	test_prefs_frame("rulesets/acme");
	send_text(im("sam"), "what is your salary?");
	r = wait_request("sam", 2000);
	check(r != NULL && ui_count_debug(dbg, "finding x-no-salary-talk acme.") >= 1,
	      "the user's own category holds a message (x-no-salary-talk)");
	if (r != NULL)
		ui_answer(r, 1);
	test_reload(top, rules_file);
	purple_prefs_set_bool(PREF "rulesets/acme", FALSE);
	first = w.sam->msgs->len;
	send_text(im("sam"), "what is your salary?");
	peer_wait(w.sam, first, NULL, 1, 3000);
	check(ui_last_open_request("sam") == NULL && peer_count(w.sam, first, "alex", NULL) == 1,
	      "rulesets/acme off: the same message goes out");
	g_free(top);
	g_free(rules_file);
}

/* rules_dir changed: the folder is read in the loader's thread, and until
 * its rules are adopted the ones in use check every message. A folder
 * chosen while that load runs wins: the load's rules are dropped, the
 * newest folder is read and used. The loads wait at a gate (a file,
 * ETQ_TEST_LOAD_GATE) for as long as the test looks at them. */
static void test_reload_in_thread(const char *user_dir)
{
	char *top = g_build_filename(user_dir, "my-rules", "other", NULL);
	char *newest = g_build_filename(user_dir, "my-rules", "newest", NULL);
	char *gate = g_build_filename(user_dir, "load-gate", NULL);
	char *rules_file = write_user_set(top, "budget", "budget");
	char *newest_file = write_user_set(newest, "pension", "pension");
	guint first, dbg = ui_debug->len;
	Request *r;

	g_file_set_contents(gate, "", 0, NULL);
	g_setenv("ETQ_TEST_LOAD_GATE", gate, TRUE);
	purple_prefs_set_bool(PREF "rulesets/acme", TRUE);
	purple_prefs_set_string(PREF "rules_dir", top);
	wait_debug(dbg, "loading the rules in a thread", 1, 5000);
	send_text(im("sam"), "what is your salary?");
	r = ui_last_open_request("sam");
	check(r != NULL && ui_count_debug(dbg, "finding x-no-salary-talk") == 1 &&
	      ui_count_debug(dbg, "rules folder reloaded") == 0,
	      "while a reload runs in its thread, the rules in use check (acme holds)");
	if (r != NULL)
		ui_answer(r, 1);
	purple_prefs_set_string(PREF "rules_dir", newest);
	check(wait_debug(dbg, "a load runs: the next one starts when it ends", 1, 5000),
	      "...a newer folder chosen meanwhile waits for that load");
	g_unlink(gate);
	g_unsetenv("ETQ_TEST_LOAD_GATE");
	check(wait_debug(dbg, "rules folder reloaded", 1, 5000) &&
	      wait_debug(dbg, "loading the rules in a thread", 2, 5000),
	      "...then the newest folder is read and its rules adopted");
	first = w.sam->msgs->len;
	send_text(im("sam"), "what is the budget?");
	peer_wait(w.sam, first, NULL, 1, 3000);
	send_text(im("sam"), "what is your pension?");
	r = ui_last_open_request("sam");
	check(peer_count(w.sam, first, "alex", NULL) == 1 && r != NULL &&
	      ui_count_debug(dbg, "finding x-no-pension-talk") == 1 &&
	      ui_count_debug(dbg, "finding x-no-budget-talk") == 0 &&
	      ui_count_debug(dbg, "rules folder reloaded") == 1,
	      "...and apply: the budget rules of the load in between never did, the pension rule holds");
	if (r != NULL)
		ui_answer(r, 1);
	g_free(gate);
	g_free(newest);
	g_free(newest_file);
	g_free(top);
	g_free(rules_file);
}

/* ---- unload, load ---- */

static void test_unload(void)
{
	PurpleConversation *conv = im("lee");
	guint first = w.lee->msgs->len, wr = ui_writes->len, dbg, s[6];
	Request *r;

	send_text(conv, "could you review my cv, please?");
	r = wait_request("lee", 2000);
	if (!check(r != NULL, "before unloading: a question is open"))
		return;
	check(purple_plugin_unload(w.plugin), "the plugin unloads with a question open");
	stats(s);
	check(r->closed && s[5] == 0, "unloading closes its question and frees its state");
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv") == 1,
	      "...the held text is given back, not sent");
	first = w.lee->msgs->len;
	send_text(conv, "could you review my cv?");
	peer_wait(w.lee, first, NULL, 1, 3000);
	check(ui_requests->len > 0 && ui_last_open_request(NULL) == NULL &&
	      peer_count(w.lee, first, "alex", NULL) == 1,
	      "unloaded: no signal is left, messages go out unchecked");
	/* no main loop in between: the rules are never handed over */
	dbg = ui_debug->len;
	check(purple_plugin_load(w.plugin) && purple_plugin_unload(w.plugin),
	      "loaded, and unloaded while its rules load in a thread");
	stats(s);
	check(s[5] == 0 && ui_count_debug(dbg, "loading the rules in a thread") == 1 &&
	      ui_count_debug(dbg, "rule sets in use") == 0,
	      "...the load is stopped and freed, never adopted");
	dbg = ui_debug->len;
	check(purple_plugin_load(w.plugin), "the plugin loads again");
	send_text(conv, "Dear [Name], could you review my cv?");
	r = ui_last_open_request("lee");
	check(r != NULL && ui_count_debug(dbg, "for the rules") == 1 &&
	      ui_count_debug(dbg, "finding generic") == 1,
	      "a template sent at once after loading waits for the rules: held, asked about");
	if (r != NULL)
		ui_answer(r, 1);
}

/* The account goes offline while a question is open; then the user says
 * Send anyway: nothing can go out, so the text comes back instead. */
static void test_offline(void)
{
	PurpleConversation *conv = im("lee");
	guint first = w.lee->msgs->len, wr = ui_writes->len, s[6];
	Request *r;

	send_text(conv, "could you review my cv before friday?");
	r = wait_request("lee", 2000);
	if (!check(r != NULL, "before going offline: a question is open"))
		return;
	purple_account_disconnect(w.account);
	ui_answer(r, 0);
	stats(s);
	check(peer_count(w.lee, first, "alex", NULL) == 0 && s[2] == 0 && s[3] == 0,
	      "offline, then Send anyway: nothing is sent, nothing stays held");
	check(ui_count_writes("lee", wr, NOTE_FLAGS, "review my cv before friday") == 1,
	      "...and the text is given back");
}

static void teardown(const char *user_dir)
{
	if (w.maria) peer_free(w.maria);
	if (w.sam) peer_free(w.sam);
	if (w.tom) peer_free(w.tom);
	if (w.lee) peer_free(w.lee);
	if (w.plugin != NULL && purple_plugin_is_loaded(w.plugin))
		purple_plugin_unload(w.plugin);
	ui_quit();
	ircd_stop(&w.ircd);
	{
		/* test_user_rules() made my-rules/ */
		const char *const ours[] = { "my-rules", NULL };

		ui_check_user_dir(user_dir, ours);
	}
	remove_tree(user_dir);
}

void scenarios_run(const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);

	if (setup(plugin_path, user_dir)) {
		test_ordinary();
		test_cold_ask();
		test_cold_ask_edit();
		test_paste();
		test_stops_asking();
		test_template();
		test_warn_off();
		test_channel();
		test_quiet();
		test_moved_on();
		test_dismiss();
		test_close_conversation();
		test_say_thanks();
		test_unanswered();
		test_over_engagement();
		test_prefs_frame(NULL);
		test_user_rules(user_dir);
		test_reload_in_thread(user_dir);
		test_flood();
		test_unload();
		test_offline(); /* last: alex stays offline */
	}
	teardown(user_dir);
	g_free(user_dir);
}
