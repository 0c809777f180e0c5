/* harness.h — the headless libpurple test client of the plugin.
 *
 *   ui.c         libpurple without a UI: event loop, conversations that
 *                record every write, request dialogs answered by the test,
 *                debug lines kept
 *   ircd.c       ngircd on 127.0.0.1, a free port, a config made at run time
 *   ../../tools/irc/  shared with `make demo`: the GLib event loop of
 *                libpurple, a free port, IRC lines over GIO, remove_tree()
 *   peer.c       the other people: raw IRC connections over GIO
 *   scenarios.c  the checks against the real server
 *   cycles.c     loading and unloading the plugin many times
 *   scale.c      1,000 conversations at once
 *   prefs.c      the plugin's preferences from a damaged prefs.xml
 *   companion.c  the core plugin's signal and IPC for the Pidgin companion
 *   history.c    who the user talked with, known again after a restart
 *   uithread.c   how long a rule load blocks the UI thread (`make bench`)
 *   desk.[ch]    real Pidgin on an Xvfb display: start, xdotool, screenshots
 *   realpidgin.c real Pidgin under Xvfb, driven with xdotool
 *   realfinch.c  real Finch in tmux, 80 columns
 *   realcompanion.c  the Pidgin companion in real Pidgin: input box, live line
 *   main.c       options, counts, the closing line
 */
#ifndef ETQ_TEST_HARNESS_H
#define ETQ_TEST_HARNESS_H

#include <glib.h>
#include <gio/gio.h>

#include <account.h>
#include <conversation.h>
#include <plugin.h>
#include <request.h>

#include "irc.h"

#define UI_ID "etiquette-test"

/* ---- checks (main.c) ---- */
extern guint n_passed, n_failed;
gboolean check(gboolean ok, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void note(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Runs the main loop until cond(data) or timeout; returns cond's value. */
gboolean wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms);
/* Runs the main loop for ms. */
void run_for(guint ms);
/* Runs the main loop until nothing is ready to run. */
void ui_settle(void);

/* ---- the UI (ui.c) ---- */
typedef struct {
	char *conv;      /* the conversation's name */
	int type;        /* PurpleConversationType */
	char *who;
	char *message;
	PurpleMessageFlags flags;
	gint64 at;       /* g_get_monotonic_time() when written */
} Write;

typedef struct {
	char *title, *primary, *secondary;
	PurpleConversation *conv;
	char *conv_name;
	gpointer user_data;
	GCallback cbs[8];
	char *labels[8];
	int n;
	PurpleRequestFields *fields; /* purple_request_fields: cbs[0] ok, cbs[1] cancel */
	gboolean closed;   /* close_request was called */
	gboolean answered;
} Request;

extern GPtrArray *ui_writes;    /* Write * */
extern GPtrArray *ui_requests;  /* Request * */
extern GPtrArray *ui_debug;     /* char *: lines of the "etiquette" category */
extern GPtrArray *ui_notices;   /* char *: notifications, "primary\nsecondary[\ntext]" */

/* ui: the UI id (NULL: UI_ID) */
void ui_init(const char *user_dir, const char *ui);
void ui_quit(void);
void ui_answer(Request *r, int action);
/* Sets a choice field, then answers ok (Send anyway). */
void ui_answer_choice(Request *r, const char *field, int choice);
/* The user closes the request's window without answering. */
void ui_dismiss(Request *r);
/* Notifications from index from on that contain text. */
guint ui_count_notices(guint from, const char *text);
/* Requests not answered and not closed. */
guint ui_open_requests(void);
Request *ui_last_open_request(const char *conv);
/* Writes into conv (by name) from index `from` on with all of `flags`. */
guint ui_count_writes(const char *conv, guint from, PurpleMessageFlags flags,
                      const char *contains);
/* Debug lines from index `from` on that contain `text`. */
guint ui_count_debug(guint from, const char *text);

/* Checks (one check line) that user_dir, after ui_quit(), holds only
 * libpurple's own files and the test's own (`ours`, NULL-terminated, may be
 * NULL): the plugin writes no file of its own. */
gboolean ui_check_user_dir(const char *user_dir, const char *const *ours);

PurplePlugin *ui_probe_plugin(const char *path);
/* The plugin's stats hook: fills out[0..5], see etiquette-plugin.c. */
gboolean ui_plugin_stats(PurplePlugin *plugin, guint out[6]);

PurpleAccount *ui_irc_account(const char *nick, int port);
gboolean ui_wait_connected(PurpleAccount *account, guint timeout_ms);
PurpleConversation *ui_join_chat(PurpleAccount *account, const char *channel);
PurpleConversation *ui_im(PurpleAccount *account, const char *who);

/* ---- ngircd (ircd.c) ---- */
typedef struct {
	GPid pid;
	int port;
	char *dir;
} Ircd;

gboolean ircd_start(Ircd *ircd);
void ircd_stop(Ircd *ircd);
/* remove_tree(): tools/irc/irc.h */

/* ---- the other people (peer.c) ---- */
typedef struct {
	char *from;
	char *target;
	char *text;
} PeerMsg;

typedef struct {
	char *nick;
	GSocketConnection *conn;
	GDataInputStream *in;
	GOutputStream *out;
	GCancellable *cancel;
	GPtrArray *msgs;     /* PeerMsg *: every PRIVMSG received */
	GPtrArray *lines;    /* char *: every line received */
	gboolean welcome;    /* 001 seen */
	GHashTable *joined;  /* channels joined */
	gboolean closed;
} Peer;

/* Connects and waits (5 s at most) for the server's welcome. */
Peer *peer_connect(const char *nick, int port);
/* Connects and registers without waiting; peer_ready() tells when welcomed
 * (or closed). */
Peer *peer_start(const char *nick, int port);
gboolean peer_ready(Peer *peer);
void peer_free(Peer *peer);
void peer_send_raw(Peer *peer, const char *line);
void peer_privmsg(Peer *peer, const char *target, const char *text);
gboolean peer_join(Peer *peer, const char *channel);
/* Messages received from `from` to `target` from index `first` on. */
guint peer_count(Peer *peer, guint first, const char *from, const char *target);
PeerMsg *peer_msg(Peer *peer, guint i);
/* Whether a line received from index `first` on contains text. */
gboolean peer_saw(Peer *peer, guint first, const char *text);
/* Waits up to ms for a line that contains text. */
gboolean peer_wait_saw(Peer *peer, const char *text, guint ms);

/* ---- the tests ---- */
void scenarios_run(const char *plugin_path);
void cycles_run(const char *plugin_path, guint cycles, gboolean valgrind);
void companion_run(const char *plugin_path);
void real_pidgin_run(const char *plugin_path, const char *screenshots);
void real_finch_run(const char *plugin_path, const char *screenshots);
void real_companion_run(const char *plugin_path, const char *screenshots);
void scale_run(const char *plugin_path);
void prefs_run(const char *plugin_path);
void history_run(const char *self, const char *plugin_path);
void history_before_run(const char *user_dir, int port);
void ui_thread_run(const char *plugin_path, const char *big_dir);

#endif
