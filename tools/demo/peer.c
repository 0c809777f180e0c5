/* peer.c — the other people in `make demo`: two scripted IRC users on the
 * demo's own ngircd, written with GIO only (no Python, no netcat).
 *
 *   etiquette-peer --free-port                  print a free TCP port of 127.0.0.1
 *   etiquette-peer --wait-port PORT [SECONDS]   exit 0 once PORT accepts connections
 *   etiquette-peer --port PORT --user NICK [--lifetime SECONDS] [--verbose]
 *
 * The script, once NICK is online (polled with ISON):
 *   maria  "I shared your post about …"           the user should thank her
 *   maria  a question, then she waits               unanswered, the user gets a nudge
 *   sam    a stranger says hello                    the user's "Could you review my CV?"
 *                                                    to him is a cold ask
 * and both answer what the user writes to them. Every line they receive is
 * printed ("irc: sam received from alex: …"), so the demo shows what really
 * went through the server; --verbose prints what they send as well. The
 * peer ends when NICK leaves, after --lifetime seconds, or on SIGTERM,
 * SIGINT or SIGHUP.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "irc.h"

typedef struct {
	const char *nick;
	GSocketConnection *conn;
	GDataInputStream *in;
	GOutputStream *out;
	gboolean welcome;
	guint heard;          /* messages received from the user */
} Bot;

static GMainLoop *loop;
static Bot maria = { "maria", NULL, NULL, NULL, FALSE, 0 };
static Bot sam = { "sam", NULL, NULL, NULL, FALSE, 0 };
static const char *user = "alex";
static gboolean user_seen, script_started, verbose;
static int status;

static void say_raw(Bot *bot, const char *line)
{
	if (bot->out != NULL && !irc_write_line(bot->out, line)) {
		g_printerr("irc: %s lost the connection\n", bot->nick);
		g_main_loop_quit(loop);
	}
}

static void say(Bot *bot, const char *text)
{
	char *line = g_strdup_printf("PRIVMSG %s :%s", user, text);

	say_raw(bot, line);
	if (verbose) {
		printf("        irc: %s -> %s: %s\n", bot->nick, user, text);
		fflush(stdout);
	}
	g_free(line);
}

/* ---- the script ---- */

typedef struct {
	Bot *bot;
	char *text;
} Line;

static gboolean say_later_cb(gpointer data)
{
	Line *l = data;

	say(l->bot, l->text);
	g_free(l->text);
	g_free(l);
	return G_SOURCE_REMOVE;
}

static void say_later(Bot *bot, guint ms, const char *text)
{
	Line *l = g_new0(Line, 1);

	l->bot = bot;
	l->text = g_strdup(text);
	g_timeout_add(ms, say_later_cb, l);
}

static void start_script(void)
{
	char *thanks;

	script_started = TRUE;
	thanks = g_strdup_printf("Hi %s! I shared your post about chat etiquette "
	                         "with my team, they loved it.", user);
	say_later(&maria, 800, thanks);
	say_later(&maria, 2000, "Would you give a short talk about it at our meetup next month?");
	say_later(&sam, 3200, "Hello, I'm Sam, I'm new in #pidgin-users. Nice to e-meet you.");
	g_free(thanks);
}

/* What maria and sam answer to the user. */
static void heard(Bot *bot, const char *text)
{
	bot->heard++;
	if (bot == &maria) {
		say_later(bot, 700, bot->heard == 1 ? "Wonderful, thank you! I'll send you the details."
		                                    : "Great, talk soon!");
	} else if (g_strstr_len(text, -1, "CV") != NULL || g_strstr_len(text, -1, "cv") != NULL) {
		say_later(bot, 700, "Sure, send it over, I'm happy to have a look this week.");
	} else {
		char *reply = g_strdup_printf("Nice to meet you too, %s! I work on chat tools myself.",
		                              user);

		say_later(bot, 700, bot->heard == 1 ? reply : "Sounds good.");
		g_free(reply);
	}
}

/* ---- IRC ---- */

/* ":nick!user@host COMMAND args :trailing" */
static void handle_line(Bot *bot, char *line)
{
	char *prefix, *trailing;
	char **args = irc_parse_line(line, &prefix, &trailing);

	if (args == NULL)
		return;
	if (g_strcmp0(args[0], "PING") == 0) {
		char *pong = g_strdup_printf("PONG :%s", trailing ? trailing : "");

		say_raw(bot, pong);
		g_free(pong);
	} else if (g_strcmp0(args[0], "001") == 0) {
		bot->welcome = TRUE;
	} else if (g_strcmp0(args[0], "303") == 0 && bot == &maria) {
		/* ISON reply: the user's nick if online */
		gboolean online = FALSE;
		char **nicks = g_strsplit(trailing ? trailing : "", " ", -1);
		int i;

		for (i = 0; nicks[i] != NULL; i++)
			online |= g_ascii_strcasecmp(nicks[i], user) == 0;
		g_strfreev(nicks);
		if (online && !user_seen) {
			user_seen = TRUE;
			if (verbose) {
				printf("        irc: %s is online\n", user);
				fflush(stdout);
			}
			start_script();
		} else if (!online && user_seen) {
			printf("        irc: %s has left, the peers quit\n", user);
			fflush(stdout);
			g_main_loop_quit(loop);
		}
	} else if (g_strcmp0(args[0], "PRIVMSG") == 0 && prefix != NULL && args[1] != NULL) {
		char *from = g_strndup(prefix, strcspn(prefix, "!"));
		const char *text = trailing ? trailing : "";

		printf("        irc: %s received from %s: %s\n", bot->nick, from, text);
		fflush(stdout);
		if (g_ascii_strcasecmp(from, user) == 0 && text[0] != '\001')
			heard(bot, text);
		g_free(from);
	} else if (g_strcmp0(args[0], "433") == 0) {
		g_printerr("irc: the nick %s is taken\n", bot->nick);
		status = 1;
		g_main_loop_quit(loop);
	}
	g_strfreev(args);
}

static void read_cb(GObject *source, GAsyncResult *result, gpointer data)
{
	Bot *bot = data;
	char *line = irc_read_line_finish(source, result, NULL);

	if (line == NULL) {
		g_printerr("irc: the server closed %s's connection\n", bot->nick);
		g_main_loop_quit(loop);
		return;
	}
	handle_line(bot, line);
	g_free(line);
	g_data_input_stream_read_line_async(bot->in, G_PRIORITY_DEFAULT, NULL, read_cb, bot);
}

static gboolean bot_connect(Bot *bot, int port)
{
	GError *error = NULL;
	char *line;

	bot->conn = irc_connect(port, FALSE, &bot->in, &bot->out, &error);
	if (bot->conn == NULL) {
		g_printerr("irc: %s cannot connect to 127.0.0.1:%d: %s\n", bot->nick, port,
		           error->message);
		g_error_free(error);
		return FALSE;
	}
	line = g_strdup_printf("NICK %s\r\nUSER %s 0 * :%s (demo peer)", bot->nick, bot->nick,
	                       bot->nick);
	say_raw(bot, line);
	g_free(line);
	g_data_input_stream_read_line_async(bot->in, G_PRIORITY_DEFAULT, NULL, read_cb, bot);
	return TRUE;
}

static void bot_close(Bot *bot)
{
	if (bot->conn == NULL)
		return;
	say_raw(bot, "QUIT :bye");
	g_io_stream_close(G_IO_STREAM(bot->conn), NULL, NULL);
	g_object_unref(bot->in);
	g_object_unref(bot->conn);
	bot->conn = NULL;
}

static gboolean poll_user(gpointer data)
{
	char *line;

	(void)data;
	if (!maria.welcome)
		return G_SOURCE_CONTINUE;
	line = g_strdup_printf("ISON %s", user);
	say_raw(&maria, line);
	g_free(line);
	return G_SOURCE_CONTINUE;
}

static gboolean stop(gpointer data)
{
	(void)data;
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

static gboolean lifetime_over(gpointer data)
{
	(void)data;
	printf("        irc: the demo's time is over, the peers quit\n");
	fflush(stdout);
	g_main_loop_quit(loop);
	return G_SOURCE_REMOVE;
}

/* ---- helpers for the demo script ---- */

static int wait_port(int port, int seconds)
{
	gint64 end = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;

	do {
		GSocketClient *client = g_socket_client_new();
		GSocketConnection *conn =
			g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);

		g_object_unref(client);
		if (conn != NULL) {
			g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
			g_object_unref(conn);
			return 0;
		}
		g_usleep(100 * 1000);
	} while (g_get_monotonic_time() < end);
	g_printerr("nothing listens on 127.0.0.1:%d after %d s\n", port, seconds);
	return 1;
}

static void usage(const char *argv0)
{
	g_printerr("usage: %s --free-port\n"
	           "       %s --wait-port PORT [SECONDS]\n"
	           "       %s --port PORT --user NICK [--lifetime SECONDS] [--verbose]\n",
	           argv0, argv0, argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	int port = 0, lifetime = 1800, i;

	if (argc >= 2 && strcmp(argv[1], "--free-port") == 0) {
		port = irc_free_port();
		if (port <= 0)
			return 1;
		printf("%d\n", port);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--wait-port") == 0)
		return wait_port(atoi(argv[2]), argc >= 4 ? atoi(argv[3]) : 10);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--user") == 0 && i + 1 < argc)
			user = argv[++i];
		else if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc)
			lifetime = atoi(argv[++i]);
		else if (strcmp(argv[i], "--verbose") == 0)
			verbose = TRUE;
		else
			usage(argv[0]);
	}
	if (port <= 0 || lifetime <= 0)
		usage(argv[0]);

	loop = g_main_loop_new(NULL, FALSE);
	g_unix_signal_add(SIGTERM, stop, NULL);
	g_unix_signal_add(SIGINT, stop, NULL);
	g_unix_signal_add(SIGHUP, stop, NULL);
	if (!bot_connect(&maria, port) || !bot_connect(&sam, port)) {
		bot_close(&maria);
		g_main_loop_unref(loop);
		return 1;
	}
	g_timeout_add(500, poll_user, NULL);
	g_timeout_add_seconds(lifetime, lifetime_over, NULL);
	g_main_loop_run(loop);
	bot_close(&maria);
	bot_close(&sam);
	g_main_loop_unref(loop);
	return status;
}
