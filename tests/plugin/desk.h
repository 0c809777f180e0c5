/* desk.h — real Pidgin on its own X display, for the tests that drive it.
 *
 * Xvfb on a free display, a temporary HOME whose .purple has an IRC account
 * "alex" on the test's ngircd and the plugins loaded (links in
 * .purple/plugins, so they are not in a build/ folder: the rules come from
 * the rules_dir preference), Pidgin with -d writing its debug log into
 * HOME/pidgin.log, and xdotool / ImageMagick's import on that display.
 * Pidgin loads the GTK module tests/plugin/gtk/labels.c, which logs the
 * texts of every window it shows.
 */
#ifndef ETQ_TEST_DESK_H
#define ETQ_TEST_DESK_H

#include <glib.h>

#include "harness.h"

typedef struct {
	char *display;   /* ":N" */
	char *home;      /* temporary HOME with .purple */
	GPid xvfb, pidgin;
	int xvfb_out;    /* kept open: Xvfb dies of SIGPIPE if it is closed */
	char **env;      /* for pidgin, xdotool, import */
} Desk;

/* Whether Xvfb, pidgin, xdotool and import (ImageMagick) are installed. */
gboolean desk_possible(void);
/* The Pidgin companion built next to the plugin (build/pidgin-etiquette.so). */
char *desk_companion_path(const char *plugin_path);
/* Xvfb, then Pidgin with plugin_path and, when not NULL, companion_path
 * loaded (its test hooks on: ETQ_TEST_HOOKS), its account on port. */
/* accounts.xml for alex on the IRC server at 127.0.0.1:port, logging in at
 * start in the UI ui ("gtk-gaim" Pidgin, "gnt-purple" Finch). */
char *desk_accounts_xml(int port, const char *ui);
gboolean desk_start(Desk *d, const char *plugin_path, const char *companion_path, int port);
/* Stops Pidgin, checks its user dir, stops Xvfb, removes HOME (unless
 * ETQ_TEST_KEEP is set). */
void desk_stop(Desk *d);

/* Runs a program on the desk's display; returns its first output line,
 * or NULL if it failed. */
char *desk_run(Desk *d, const char *const *argv);
/* The same, with all its output. */
char *desk_run_all(Desk *d, const char *const *argv);
/* Presses keys (xdotool key) and returns the id of the window they open,
 * or NULL after ms. */
char *desk_press_for_window(Desk *d, const char *keys, guint ms);
/* Pidgin again, with var=value in its environment. */
gboolean desk_restart_pidgin(Desk *d, const char *var, const char *value);
void desk_xdo(Desk *d, const char *a1, const char *a2, const char *a3, const char *a4);
/* Escape in a window, once it has the focus: GTK closes a dialog so. */
void desk_escape(Desk *d, const char *window);
/* The id of the window whose title matches pattern, or NULL after ms. */
char *desk_wait_window(Desk *d, const char *pattern, guint ms);
gboolean desk_wait_window_gone(Desk *d, const char *pattern, guint ms);
/* The conversation window whose title matches pattern (10 s at most), made
 * 640x420 and focused, or NULL. */
char *desk_conversation(Desk *d, const char *pattern);
/* A PNG of the crop (WxH+X+Y) of the screen into dir/name (dir NULL: none);
 * a check line says it was saved. */
void desk_screenshot(Desk *d, const char *dir, const char *name, const char *crop);
/* The same of one window (crop NULL: all of it). */
void desk_screenshot_window(Desk *d, const char *dir, const char *name, const char *window,
                            const char *crop);
/* Whether peer sees Pidgin's alex online (ISON) within ms. */
gboolean desk_wait_alex_online(Peer *peer, guint ms);
/* Whether Pidgin's debug log holds text. */
gboolean desk_log_has(Desk *d, const char *text);
/* The texts of window's labels, as tests/plugin/gtk/labels.c logs them once
 * the window is shown (GTK_MODULES), "cut: " before one that cannot be read
 * whole; NULL-terminated, or NULL if they are not logged within ms. */
char **desk_window_labels(Desk *d, const char *window, guint ms);
/* How many lines of Pidgin's debug log hold text. */
guint desk_log_count(Desk *d, const char *text);
/* Waits (ms at most) until more than `after` lines hold text; returns the
 * last line that does, from text on (g_free), or NULL. */
char *desk_wait_log(Desk *d, const char *text, guint after, guint ms);

#endif
