/* peer.c — the other people in the tests: plain IRC connections to the
 * same server, read asynchronously in the same GLib main loop as the
 * libpurple client, so a test can wait for "maria got it" or "nothing
 * arrived". Every PRIVMSG a peer receives is kept byte for byte.
 */
#include <string.h>

#include "harness.h"

static void read_next(Peer *peer);

static void msg_free(gpointer data)
{
	PeerMsg *m = data;

	g_free(m->from);
	g_free(m->target);
	g_free(m->text);
	g_free(m);
}

void peer_send_raw(Peer *peer, const char *line)
{
	if (!peer->closed && !irc_write_line(peer->out, line))
		peer->closed = TRUE;
}

void peer_privmsg(Peer *peer, const char *target, const char *text)
{
	char *line = g_strdup_printf("PRIVMSG %s :%s", target, text);

	peer_send_raw(peer, line);
	g_free(line);
}

/* ":nick!user@host COMMAND args :trailing" */
static void handle_line(Peer *peer, char *line)
{
	char *prefix, *trailing;
	char **args;

	if (g_getenv("ETQ_TEST_VERBOSE") != NULL)
		g_printerr("peer %s < %s\n", peer->nick, line);
	g_ptr_array_add(peer->lines, g_strdup(line));

	args = irc_parse_line(line, &prefix, &trailing);
	if (args == NULL)
		return;
	if (g_strcmp0(args[0], "PING") == 0) {
		char *pong = g_strdup_printf("PONG :%s", trailing ? trailing : "");

		peer_send_raw(peer, pong);
		g_free(pong);
	} else if (g_strcmp0(args[0], "001") == 0) {
		peer->welcome = TRUE;
	} else if (g_strcmp0(args[0], "JOIN") == 0 && prefix != NULL &&
	           g_str_has_prefix(prefix, peer->nick) && prefix[strlen(peer->nick)] == '!') {
		g_hash_table_add(peer->joined, g_strdup(trailing ? trailing : args[1]));
	} else if (g_strcmp0(args[0], "PRIVMSG") == 0 && prefix != NULL && args[1] != NULL) {
		PeerMsg *m = g_new0(PeerMsg, 1);
		char *bang = strchr(prefix, '!');

		m->from = bang ? g_strndup(prefix, bang - prefix) : g_strdup(prefix);
		m->target = g_strdup(args[1]);
		m->text = g_strdup(trailing ? trailing : "");
		g_ptr_array_add(peer->msgs, m);
	}
	g_strfreev(args);
}

static void read_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	Peer *peer = data;
	GError *error = NULL;
	char *line = irc_read_line_finish(source, result, &error);

	if (line == NULL) {
		if (error != NULL && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			peer->closed = TRUE;
		else if (error == NULL)
			peer->closed = TRUE; /* end of stream */
		g_clear_error(&error);
		g_object_unref(peer->cancel); /* the reference read_next took */
		return;
	}
	handle_line(peer, line);
	g_free(line);
	g_object_unref(peer->cancel);
	if (!g_cancellable_is_cancelled(peer->cancel))
		read_next(peer);
}

static void read_next(Peer *peer)
{
	g_object_ref(peer->cancel);
	g_data_input_stream_read_line_async(peer->in, G_PRIORITY_DEFAULT,
	                                    peer->cancel, read_cb, peer);
}

static gboolean welcomed(gpointer data)
{
	Peer *peer = data;

	return peer->welcome || peer->closed;
}

Peer *peer_start(const char *nick, int port)
{
	GError *error = NULL;
	Peer *peer = g_new0(Peer, 1);
	char *line;

	peer->nick = g_strdup(nick);
	peer->msgs = g_ptr_array_new_with_free_func(msg_free);
	peer->lines = g_ptr_array_new_with_free_func(g_free);
	peer->joined = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	peer->cancel = g_cancellable_new();
	peer->conn = irc_connect(port, TRUE, &peer->in, &peer->out, &error);
	if (peer->conn == NULL) {
		g_printerr("peer %s cannot connect: %s\n", nick, error->message);
		g_error_free(error);
		peer->closed = TRUE;
		return peer;
	}
	line = g_strdup_printf("NICK %s", nick);
	peer_send_raw(peer, line);
	g_free(line);
	line = g_strdup_printf("USER %s 0 * :%s (test peer)", nick, nick);
	peer_send_raw(peer, line);
	g_free(line);
	read_next(peer);
	return peer;
}

gboolean peer_ready(Peer *peer)
{
	return welcomed(peer);
}

Peer *peer_connect(const char *nick, int port)
{
	Peer *peer = peer_start(nick, port);

	wait_until(welcomed, peer, 5000);
	return peer;
}

typedef struct {
	Peer *peer;
	const char *channel;
} JoinWait;

static gboolean joined(gpointer data)
{
	JoinWait *w = data;

	return g_hash_table_contains(w->peer->joined, w->channel) || w->peer->closed;
}

gboolean peer_join(Peer *peer, const char *channel)
{
	JoinWait w = { peer, channel };
	char *line = g_strdup_printf("JOIN %s", channel);

	peer_send_raw(peer, line);
	g_free(line);
	return wait_until(joined, &w, 5000) && !peer->closed;
}

guint peer_count(Peer *peer, guint first, const char *from, const char *target)
{
	guint i, n = 0;

	for (i = first; i < peer->msgs->len; i++) {
		PeerMsg *m = g_ptr_array_index(peer->msgs, i);

		n += (from == NULL || g_ascii_strcasecmp(m->from, from) == 0) &&
		     (target == NULL || g_ascii_strcasecmp(m->target, target) == 0);
	}
	return n;
}

PeerMsg *peer_msg(Peer *peer, guint i)
{
	return i < peer->msgs->len ? g_ptr_array_index(peer->msgs, i) : NULL;
}

gboolean peer_saw(Peer *peer, guint first, const char *text)
{
	guint i;

	for (i = first; i < peer->lines->len; i++)
		if (strstr(g_ptr_array_index(peer->lines, i), text) != NULL)
			return TRUE;
	return FALSE;
}

typedef struct {
	Peer *peer;
	const char *text;
} TextWait;

static gboolean saw_text(gpointer data)
{
	TextWait *w = data;

	return peer_saw(w->peer, 0, w->text);
}

gboolean peer_wait_saw(Peer *peer, const char *text, guint ms)
{
	TextWait w = { peer, text };

	return wait_until(saw_text, &w, ms);
}

static gboolean read_stopped(gpointer data)
{
	Peer *peer = data;

	/* only our own reference is left once the pending read has ended */
	return G_OBJECT(peer->cancel)->ref_count == 1;
}

void peer_free(Peer *peer)
{
	if (peer->conn != NULL) {
		peer_send_raw(peer, "QUIT :bye");
		g_cancellable_cancel(peer->cancel);
		wait_until(read_stopped, peer, 2000);
		g_io_stream_close(G_IO_STREAM(peer->conn), NULL, NULL);
		g_object_unref(peer->in);
		g_object_unref(peer->conn);
	}
	g_object_unref(peer->cancel);
	g_ptr_array_unref(peer->msgs);
	g_ptr_array_unref(peer->lines);
	g_hash_table_destroy(peer->joined);
	g_free(peer->nick);
	g_free(peer);
}
