/* purple-glib.h — libpurple without a UI on the GLib main loop: what the
 * plugin's test (tests/plugin/ui.c) and the demo's headless client
 * (tools/demo/client.c) share.
 */
#ifndef ETQ_TOOLS_PURPLE_GLIB_H
#define ETQ_TOOLS_PURPLE_GLIB_H

#include <glib.h>

#include <core.h>
#include <debug.h>

/* Starts libpurple as the UI `ui`: its user folder user_dir, the given
 * debug and core UI ops, the GLib event loop; debug output and logging off,
 * no typing notifications. Exits 2 if libpurple does not initialise. */
void purple_glib_start(const char *user_dir, const char *ui, PurpleDebugUiOps *debug_ops,
                       PurpleCoreUiOps *core_ops);

/* Runs the main loop until cond(data) or timeout_ms, napping nap_us when it
 * has nothing to do; returns cond's value. */
gboolean purple_glib_wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms,
                                gulong nap_us);

#endif
