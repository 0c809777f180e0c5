/* live.c — a slim line under the input box that says, while the user
 * types, what the message would trigger, so a problem is fixed before
 * Enter (which still asks).
 *
 * Each conversation pane gets a line (an icon and a label, hidden while
 * the draft is fine) below the box that holds the input box. A change of
 * the entry's buffer starts a timeout unless one is pending; when it fires
 * the draft is checked once by the core's IPC command "check-draft"
 * (plugin/draft.c). So the line follows the typing at most
 * 1000/LIVE_INTERVAL_MS times a second, whatever the typing speed, and a
 * keystroke costs only that test. An empty input box hides the line at once.
 */
#include <string.h>

#include "pidgin-etiquette.h"

#define LIVE_INTERVAL_MS 300
#define LIVE_KEY "etiquette-live"

typedef struct {
	PidginConversation *gtkconv;
	GtkWidget *box;    /* the line: icon and label; ours */
	GtkWidget *label;
	guint timer;       /* pending check, or 0 */
	char *shown;       /* what the label says, or NULL while hidden */
} Live;

static PurplePlugin *core;
static GList *lives;     /* Live *, one per conversation pane */
static gboolean enabled;

static void show(Live *live, const char *line)
{
	if (g_strcmp0(line, live->shown) == 0)
		return;
	g_free(live->shown);
	live->shown = g_strdup(line);
	if (line != NULL) {
		char *markup = g_markup_printf_escaped("<small>%s</small>", line);

		gtk_label_set_markup(GTK_LABEL(live->label), markup);
		gtk_widget_set_tooltip_text(live->box, line);
		gtk_widget_show(live->box);
		g_free(markup);
	} else {
		gtk_widget_hide(live->box);
	}
}

static char *draft(Live *live)
{
	char *text = gtk_imhtml_get_text(GTK_IMHTML(live->gtkconv->entry), NULL, NULL);

	if (text != NULL && *g_strstrip(text) == '\0') {
		g_free(text);
		text = NULL;
	}
	return text;
}

static void update(Live *live)
{
	char *text = draft(live);
	char *line = NULL;
	gboolean ok = FALSE;

	if (text != NULL) {
		line = purple_plugin_ipc_call(core, "check-draft", &ok,
		                              live->gtkconv->active_conv, text);
		if (!ok)
			line = NULL;
	}
	show(live, line);
	if (etqg_test_hooks)
		purple_debug_info(ETQG_DEBUG, "live line of %s for \"%s\": %s%s\n",
		                  purple_conversation_get_name(live->gtkconv->active_conv),
		                  text ? text : "", gtk_widget_get_visible(live->box) ?
		                  "shown: " : "hidden", line ? line : "");
	g_free(line);
	g_free(text);
}

static gboolean update_cb(gpointer data)
{
	Live *live = data;

	live->timer = 0;
	update(live);
	return FALSE;
}

static void changed_cb(GtkTextBuffer *buffer, gpointer data)
{
	Live *live = g_object_get_data(G_OBJECT(data), LIVE_KEY);

	if (live == NULL || !enabled)
		return;
	if (gtk_text_buffer_get_char_count(buffer) == 0) {
		/* sent or cleared: nothing to check */
		if (live->timer != 0)
			g_source_remove(live->timer);
		live->timer = 0;
		show(live, NULL);
	} else if (live->timer == 0) {
		live->timer = g_timeout_add(LIVE_INTERVAL_MS, update_cb, live);
	}
}

static void live_free(gpointer data)
{
	Live *live = data;

	if (live->timer != 0)
		g_source_remove(live->timer);
	lives = g_list_remove(lives, live);
	g_free(live->shown);
	g_free(live);
}

/* The line goes: with its pane, or by etqg_live_stop. */
static void box_destroyed(GtkWidget *box, gpointer data)
{
	(void)data;
	g_object_set_data(G_OBJECT(box), LIVE_KEY, NULL); /* live_free */
}

static void attach(PidginConversation *gtkconv)
{
	GtkWidget *parent = gtkconv->lower_hbox ? gtk_widget_get_parent(gtkconv->lower_hbox) : NULL;
	GtkWidget *icon;
	Live *live;
	GList *l;
	int position = 0;

	if (parent == NULL || !GTK_IS_BOX(parent) || !GTK_IS_IMHTML(gtkconv->entry))
		return;
	for (l = lives; l != NULL; l = l->next)
		if (((Live *)l->data)->gtkconv == gtkconv)
			return;
	live = g_new0(Live, 1);
	live->gtkconv = gtkconv;
	live->box = gtk_hbox_new(FALSE, 6);
	icon = gtk_image_new_from_stock(GTK_STOCK_DIALOG_WARNING, GTK_ICON_SIZE_MENU);
	live->label = gtk_label_new(NULL);
	gtk_misc_set_alignment(GTK_MISC(live->label), 0.0, 0.5);
	gtk_label_set_ellipsize(GTK_LABEL(live->label), PANGO_ELLIPSIZE_END);
	gtk_box_pack_start(GTK_BOX(live->box), icon, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(live->box), live->label, TRUE, TRUE, 0);
	gtk_widget_show(icon);
	gtk_widget_show(live->label);
	/* hidden until there is something to say, even when Pidgin shows all */
	gtk_widget_set_no_show_all(live->box, TRUE);
	gtk_container_child_get(GTK_CONTAINER(parent), gtkconv->lower_hbox,
	                        "position", &position, NULL);
	gtk_box_pack_start(GTK_BOX(parent), live->box, FALSE, FALSE, 0);
	gtk_box_reorder_child(GTK_BOX(parent), live->box, position + 1);
	g_object_set_data_full(G_OBJECT(live->box), LIVE_KEY, live, live_free);
	g_signal_connect(live->box, "destroy", G_CALLBACK(box_destroyed), NULL);
	lives = g_list_prepend(lives, live);
	/* disconnected with the box, should the buffer outlive it */
	g_signal_connect_object(gtkconv->entry_buffer, "changed", G_CALLBACK(changed_cb),
	                        live->box, 0);
	if (enabled && gtk_text_buffer_get_char_count(gtkconv->entry_buffer) > 0)
		live->timer = g_timeout_add(LIVE_INTERVAL_MS, update_cb, live);
}

static void displayed_cb(PidginConversation *gtkconv, gpointer data)
{
	(void)data;
	attach(gtkconv);
}

void etqg_live_enable(gboolean on)
{
	GList *l;

	enabled = on;
	for (l = lives; l != NULL; l = l->next) {
		Live *live = l->data;

		if (live->timer != 0)
			g_source_remove(live->timer);
		live->timer = 0;
		if (on)
			update(live);
		else
			show(live, NULL);
	}
}

void etqg_live_start(PurplePlugin *plugin, PurplePlugin *core_plugin)
{
	GList *l;

	core = core_plugin;
	enabled = purple_prefs_get_bool(ETQG_PREF_LIVE);
	purple_signal_connect(pidgin_conversations_get_handle(), "conversation-displayed",
	                      plugin, PURPLE_CALLBACK(displayed_cb), NULL);
	for (l = purple_get_conversations(); l != NULL; l = l->next)
		if (PIDGIN_IS_PIDGIN_CONVERSATION((PurpleConversation *)l->data))
			attach(PIDGIN_CONVERSATION((PurpleConversation *)l->data));
}

/* Every line goes, and with it its timer and its handler on the buffer. */
void etqg_live_stop(void)
{
	while (lives != NULL) {
		Live *live = lives->data;

		g_signal_handlers_disconnect_by_func(live->gtkconv->entry_buffer,
		                                     changed_cb, live->box);
		gtk_widget_destroy(live->box); /* box_destroyed frees live */
	}
	core = NULL;
}
