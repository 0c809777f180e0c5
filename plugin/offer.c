/* offer.c — giving held text back to the user ("Edit", a question closed
 * because the user moved on, or the plugin unloading with a question open).
 * Nothing is sent.
 *
 * In Pidgin the text goes back into the conversation's input box, with a
 * short note saying so. The plugin links against libpurple only (so Finch
 * loads it too): it reaches Pidgin's input box through Pidgin's plugin ABI,
 * frozen for all of 2.x — the leading fields of PidginConversation
 * (gtkconv.h) and gtk_imhtml_append_text_with_images(), looked up in the
 * running program — and only when the UI is Pidgin and the entry really is
 * a GtkIMHtml. Everywhere else the text is written into the conversation as
 * a note that is never logged, so it can be copied, edited and sent again.
 */
#include <string.h>

#include <gmodule.h>

#include <core.h>

#include "etiquette-plugin.h"

#define PIDGIN_UI "gtk-gaim"

/* The first fields of Pidgin 2.x's struct _PidginConversation. */
typedef struct {
	PurpleConversation *active_conv;
	GList *convs;
	GList *send_history;
	gpointer win;
	gboolean make_sound;
	gpointer tooltips;
	gpointer tab_cont;
	gpointer tabby;
	gpointer menu_tabby;
	gpointer imhtml;
	gpointer entry_buffer;
	gpointer entry;      /* GtkIMHtml: the input box */
} PidginConversationHead;

typedef void (*AppendFunc)(gpointer imhtml, const char *text, int options, GSList *unused);
typedef const char *(*TypeNameFunc)(gpointer instance);

static gpointer program_symbol(const char *name)
{
	GModule *self = g_module_open(NULL, 0);
	gpointer symbol = NULL;

	if (self != NULL) {
		if (!g_module_symbol(self, name, &symbol))
			symbol = NULL;
		g_module_close(self); /* the program itself stays */
	}
	return symbol;
}

/* Pidgin's input box of conv, or NULL in any other UI. */
static gpointer pidgin_entry(PurpleConversation *conv)
{
	PidginConversationHead *gtkconv;
	TypeNameFunc type_name;

	if (g_strcmp0(purple_core_get_ui(), PIDGIN_UI) != 0 || conv->ui_data == NULL)
		return NULL;
	gtkconv = conv->ui_data;
	type_name = (TypeNameFunc)program_symbol("g_type_name_from_instance");
	if (gtkconv->entry == NULL || type_name == NULL ||
	    g_strcmp0(type_name(gtkconv->entry), "GtkIMHtml") != 0)
		return NULL;
	return gtkconv->entry;
}

static gboolean into_input_box(PurpleConversation *conv, const char *text)
{
	gpointer entry = pidgin_entry(conv);
	AppendFunc append;
	char **lines;
	char *html;

	if (entry == NULL)
		return FALSE;
	append = (AppendFunc)program_symbol("gtk_imhtml_append_text_with_images");
	if (append == NULL)
		return FALSE;
	lines = g_strsplit(text, "\n", -1);
	html = g_strjoinv("<br>", lines);
	append(entry, html, 0, NULL);
	g_strfreev(lines);
	g_free(html);
	html = g_markup_escape_text(_("Not sent. Your message is back in the input box."), -1);
	etqp_note(conv, html);
	g_free(html);
	return TRUE;
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

/* text: the held lines as the UI gave them (markup), joined by newlines.
 * input_box: FALSE when the user is typing something else there now. */
void etqp_offer_back(PurpleConversation *conv, const char *text, gboolean input_box)
{
	char *html;

	if (conv == NULL || text == NULL || *text == '\0')
		return;
	if (input_box && into_input_box(conv, text))
		return;
	html = note_html(text);
	etqp_note(conv, html);
	g_free(html);
}
