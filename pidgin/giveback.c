/* giveback.c — held text back into the conversation's input box.
 *
 * The core gives held text back by the signal "etiquette-give-back"
 * (plugin/giveback.c); in Pidgin it goes where the user types, the way
 * Pidgin's own Ctrl+Up brings back a sent message: appended to the entry's
 * GtkIMHtml as markup, the cursor at its end and the focus on it. TRUE
 * tells the core the text is there, so it writes a short note instead of
 * the whole text.
 */
#include "pidgin-etiquette.h"

static gboolean give_back_cb(PurpleConversation *conv, const char *text, gpointer data)
{
	PidginConversation *gtkconv;
	GtkTextIter end;
	char **lines;
	char *html;

	(void)data;
	if (conv == NULL || text == NULL || !PIDGIN_IS_PIDGIN_CONVERSATION(conv))
		return FALSE;
	gtkconv = PIDGIN_CONVERSATION(conv);
	if (gtkconv->entry == NULL || !GTK_IS_IMHTML(gtkconv->entry))
		return FALSE;
	/* the held lines are joined by newlines; the entry takes markup */
	lines = g_strsplit(text, "\n", -1);
	html = g_strjoinv("<br>", lines);
	gtk_imhtml_append_text(GTK_IMHTML(gtkconv->entry), html, 0);
	g_strfreev(lines);
	g_free(html);
	gtk_text_buffer_get_end_iter(gtkconv->entry_buffer, &end);
	gtk_text_buffer_place_cursor(gtkconv->entry_buffer, &end);
	gtk_widget_grab_focus(gtkconv->entry);
	if (etqg_test_hooks) {
		char *now = gtk_imhtml_get_text(GTK_IMHTML(gtkconv->entry), NULL, NULL);

		purple_debug_info(ETQG_DEBUG, "input box of %s: %s\n",
		                  purple_conversation_get_name(conv), now);
		g_free(now);
	}
	return TRUE;
}

void etqg_giveback_connect(PurplePlugin *plugin, PurplePlugin *core)
{
	purple_signal_connect(core, "etiquette-give-back", plugin,
	                      PURPLE_CALLBACK(give_back_cb), NULL);
}
