/* giveback.c — giving held text back to the user ("Edit", a question closed
 * because the user moved on, or the plugin unloading with a question open).
 * Nothing is sent.
 *
 * This plugin links against libpurple only, so every UI loads it. A UI
 * that can put text back where it is typed says so by answering the
 * signal "etiquette-give-back" on this plugin's handle,
 *     gboolean (*)(PurpleConversation *conv, const char *text, gpointer data)
 * with TRUE once the text is there (the Pidgin companion, pidgin/giveback.c,
 * puts it into the input box). text is the held lines as the UI gave them
 * (markup), joined by newlines. When no handler took it — Finch, any other
 * UI, Pidgin without the companion — the text is written into the
 * conversation as a note that is never logged, so it can be copied, edited
 * and sent again.
 */
#include "etiquette-plugin.h"

#define GIVE_BACK_SIGNAL "etiquette-give-back"

void etqp_giveback_register(PurplePlugin *plugin)
{
	purple_signal_register(plugin, GIVE_BACK_SIGNAL,
		purple_marshal_BOOLEAN__POINTER_POINTER,
		purple_value_new(PURPLE_TYPE_BOOLEAN), 2,
		purple_value_new(PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONVERSATION),
		purple_value_new(PURPLE_TYPE_STRING));
}

void etqp_giveback_unregister(PurplePlugin *plugin)
{
	purple_signal_unregister(plugin, GIVE_BACK_SIGNAL);
}

/* Whether a handler of the UI put the text where the user types. */
static gboolean ui_took(PurpleConversation *conv, const char *text)
{
	if (etqp == NULL)
		return FALSE;
	return GPOINTER_TO_INT(purple_signal_emit_return_1(etqp->plugin, GIVE_BACK_SIGNAL,
	                                                   conv, text)) != FALSE;
}

static char *note_html(const char *text)
{
	char *plain = purple_markup_strip_html(text);
	char *escaped = g_markup_escape_text(plain, -1);
	char *label = g_markup_escape_text(_("Not sent. Your message, to edit and send again:"), -1);
	char **lines = g_strsplit(escaped, "\n", -1);
	char *body = g_strjoinv("<br>", lines);
	char *html = g_strdup_printf("<b>%s</b><br>%s", label, body);

	g_free(plain);
	g_free(escaped);
	g_free(label);
	g_strfreev(lines);
	g_free(body);
	return html;
}

/* input_box: FALSE when the user is typing something else there now. */
void etqp_offer_back(PurpleConversation *conv, const char *text, gboolean input_box)
{
	char *html;

	if (conv == NULL || text == NULL || *text == '\0')
		return;
	if (input_box && ui_took(conv, text))
		html = g_markup_escape_text(_("Not sent. Your message is back in the input box."), -1);
	else
		html = note_html(text);
	etqp_note(conv, html);
	g_free(html);
}
