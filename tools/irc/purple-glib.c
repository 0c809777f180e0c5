/* purple-glib.c — libpurple without a UI on the GLib main loop (purple-glib.h). */
#include <stdlib.h>

#include <blist.h>
#include <eventloop.h>
#include <prefs.h>
#include <util.h>

#include "purple-glib.h"

#define READ_COND (G_IO_IN | G_IO_HUP | G_IO_ERR)
#define WRITE_COND (G_IO_OUT | G_IO_HUP | G_IO_ERR | G_IO_NVAL)

typedef struct {
	PurpleInputFunction function;
	gpointer data;
} IoClosure;

static gboolean io_invoke(GIOChannel *source, GIOCondition condition, gpointer data)
{
	IoClosure *closure = data;
	PurpleInputCondition cond = 0;

	if (condition & READ_COND)
		cond |= PURPLE_INPUT_READ;
	if (condition & WRITE_COND)
		cond |= PURPLE_INPUT_WRITE;
	closure->function(closure->data, g_io_channel_unix_get_fd(source), cond);
	return TRUE;
}

static guint input_add(gint fd, PurpleInputCondition condition,
                       PurpleInputFunction function, gpointer data)
{
	IoClosure *closure = g_new0(IoClosure, 1);
	GIOChannel *channel = g_io_channel_unix_new(fd);
	GIOCondition cond = 0;
	guint id;

	closure->function = function;
	closure->data = data;
	if (condition & PURPLE_INPUT_READ)
		cond |= READ_COND;
	if (condition & PURPLE_INPUT_WRITE)
		cond |= WRITE_COND;
	id = g_io_add_watch_full(channel, G_PRIORITY_DEFAULT, cond, io_invoke,
	                         closure, g_free);
	g_io_channel_unref(channel);
	return id;
}

static PurpleEventLoopUiOps eventloop_ops = {
	.timeout_add = g_timeout_add,
	.timeout_remove = g_source_remove,
	.input_add = input_add,
	.input_remove = g_source_remove,
	.timeout_add_seconds = g_timeout_add_seconds,
};

void purple_glib_start(const char *user_dir, const char *ui, PurpleDebugUiOps *debug_ops,
                       PurpleCoreUiOps *core_ops)
{
	purple_util_set_user_dir(user_dir);
	purple_debug_set_enabled(FALSE);
	purple_debug_set_ui_ops(debug_ops);
	purple_core_set_ui_ops(core_ops);
	purple_eventloop_set_ui_ops(&eventloop_ops);
	if (!purple_core_init(ui)) {
		g_printerr("libpurple failed to initialise\n");
		exit(2);
	}
	purple_set_blist(purple_blist_new());
	purple_blist_load();
	purple_prefs_load();
	purple_prefs_set_bool("/purple/logging/log_ims", FALSE);
	purple_prefs_set_bool("/purple/logging/log_chats", FALSE);
	purple_prefs_set_bool("/purple/conversations/im/send_typing", FALSE);
}

gboolean purple_glib_wait_until(gboolean (*cond)(gpointer), gpointer data, guint timeout_ms,
                                gulong nap_us)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	while (!cond(data)) {
		if (g_get_monotonic_time() >= end)
			return FALSE;
		/* never block for long: the deadline is checked often */
		if (!g_main_context_iteration(NULL, FALSE))
			g_usleep(nap_us);
	}
	return TRUE;
}
