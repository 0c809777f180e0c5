/* prefs.c — the companion's preference, under /plugins/gtk/etiquette:
 *
 *   live_feedback   bool   TRUE   the line under the input box while typing
 *
 * and the frame Pidgin shows for it (Tools → Plugins → Configure Plugin).
 * A change acts at once.
 */
#include "pidgin-etiquette.h"

void etqg_prefs_init(void)
{
	purple_prefs_add_none("/plugins/gtk");
	purple_prefs_add_none(ETQG_PREFS);
	purple_prefs_add_bool(ETQG_PREF_LIVE, TRUE);
}

static void live_changed(const char *name, PurplePrefType type, gconstpointer value,
                         gpointer data)
{
	(void)name;
	(void)type;
	(void)data;
	purple_debug_info(ETQG_DEBUG, "live feedback %s\n", GPOINTER_TO_INT(value) ? "on" : "off");
	etqg_live_enable(GPOINTER_TO_INT(value));
}

void etqg_prefs_connect(PurplePlugin *plugin)
{
	purple_prefs_connect_callback(plugin, ETQG_PREF_LIVE, live_changed, NULL);
}

GtkWidget *etqg_prefs_frame(PurplePlugin *plugin)
{
	GtkWidget *page = gtk_vbox_new(FALSE, PIDGIN_HIG_CAT_SPACE);
	GtkWidget *frame, *hint;

	(void)plugin;
	gtk_container_set_border_width(GTK_CONTAINER(page), PIDGIN_HIG_BORDER);
	frame = pidgin_make_frame(page, _("While you type"));
	/* short: Pidgin's plugin preferences are 404 px wide */
	pidgin_prefs_checkbox(_("_Show the line under the input box"), ETQG_PREF_LIVE, frame);
	hint = gtk_label_new(_("While you type, a line under the input box says what the message "
	                       "would trigger. Enter still asks before a message that may come "
	                       "across badly goes out."));
	gtk_label_set_line_wrap(GTK_LABEL(hint), TRUE);
	gtk_widget_set_size_request(hint, 300, -1); /* wraps within the 404 px */
	gtk_misc_set_alignment(GTK_MISC(hint), 0.0, 0.5);
	gtk_box_pack_start(GTK_BOX(frame), hint, FALSE, FALSE, 0);
	gtk_widget_show_all(page);
	return page;
}
