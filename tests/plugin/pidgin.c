/* pidgin.c — "Edit" in Pidgin: the held text goes back into the input box.
 *
 * The plugin reaches Pidgin's input box through Pidgin 2.x's plugin ABI
 * (plugin/offer.c). This client plays that part of Pidgin: its UI id is
 * Pidgin's ("gtk-gaim"), a conversation's ui_data starts like Pidgin's
 * PidginConversation (gtkconv.h), its entry is an object of a type named
 * GtkIMHtml, and the program exports gtk_imhtml_append_text_with_images().
 * The IRC side is real (ngircd); only the window is emulated.
 */
#include <string.h>

#include <glib-object.h>
#include <gmodule.h>

#include "harness.h"

/* The leading fields of Pidgin 2.14's struct _PidginConversation. */
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
	gpointer entry;
	gboolean auto_resize;
	gboolean entry_growing;
	gpointer rest[32];
} FakePidginConversation;

/* What Pidgin's input box holds (markup), in this emulation. */
static GString *input_box;
static gpointer entry_object;

G_MODULE_EXPORT void gtk_imhtml_append_text_with_images(gpointer imhtml, const char *text,
                                                        int options, GSList *unused);
G_MODULE_EXPORT void gtk_imhtml_append_text_with_images(gpointer imhtml, const char *text,
                                                        int options, GSList *unused)
{
	(void)options;
	(void)unused;
	if (imhtml == entry_object)
		g_string_append(input_box, text);
}

static GType imhtml_type(void)
{
	static GType type = 0;

	if (type == 0)
		type = g_type_register_static_simple(G_TYPE_OBJECT, "GtkIMHtml",
		                                     sizeof(GObjectClass), NULL,
		                                     sizeof(GObject), NULL, 0);
	return type;
}

static gboolean request_open(gpointer data)
{
	return ui_last_open_request(data) != NULL;
}

static Request *ask(PurpleConversation *conv, const char *text)
{
	char *html = g_markup_escape_text(text, -1);

	purple_conv_im_send(PURPLE_CONV_IM(conv), html);
	g_free(html);
	wait_until(request_open, (gpointer)purple_conversation_get_name(conv), 2000);
	return ui_last_open_request(purple_conversation_get_name(conv));
}

static void edit_cases(PurplePlugin *plugin, PurpleConversation *conv)
{
	const char *name = purple_conversation_get_name(conv);
	guint wr = ui_writes->len;
	Request *r;

	r = ask(conv, "could you review my cv & portfolio?");
	if (!check(r != NULL, "Pidgin: a cold ask is held and asked about"))
		return;
	ui_answer(r, 1);
	check(strcmp(input_box->str, "could you review my cv &amp; portfolio?") == 0,
	      "Pidgin: Edit puts the text back into the input box, as markup (\"%s\")",
	      input_box->str);
	check(ui_count_writes(name, wr, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
	                      "input box") == 1 &&
	      ui_count_writes(name, wr, PURPLE_MESSAGE_SEND, NULL) == 0,
	      "Pidgin: nothing is sent, a short note says where the text is");

	g_string_truncate(input_box, 0);
	wr = ui_writes->len;
	r = ask(conv, "could you review my cv?");
	if (r != NULL)
		purple_conv_im_send(PURPLE_CONV_IM(conv), "Sorry, wrong window.");
	check(r != NULL && r->closed && input_box->len == 0 &&
	      ui_count_writes(name, wr, PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
	                      "review my cv") == 1,
	      "Pidgin: when the user moved on, the held text becomes a note, "
	      "the input box is left alone");

	g_string_truncate(input_box, 0);
	r = ask(conv, "could you review my cv, please?");
	purple_plugin_unload(plugin);
	check(r != NULL && r->closed && strcmp(input_box->str, "could you review my cv, please?") == 0,
	      "Pidgin: unloading with a question open puts its text back into the input box");
}

void pidgin_run(const char *plugin_path)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	FakePidginConversation *gtkconv = g_new0(FakePidginConversation, 1);
	PurplePlugin *plugin;
	PurpleAccount *account;
	PurpleConversation *conv;
	Ircd ircd;

	input_box = g_string_new(NULL);
	entry_object = g_object_new(imhtml_type(), NULL);
	ui_init(user_dir, "gtk-gaim");
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL && purple_plugin_load(plugin), "the plugin loads") &&
	    check(ircd_start(&ircd), "ngircd runs")) {
		account = ui_irc_account("alex", ircd.port);
		if (check(ui_wait_connected(account, 10000), "alex connects")) {
			conv = ui_im(account, "lee");
			gtkconv->active_conv = conv;
			gtkconv->entry = entry_object;
			conv->ui_data = gtkconv;
			edit_cases(plugin, conv);
			conv->ui_data = NULL;
		}
		ircd_stop(&ircd);
	}
	ui_quit();
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(user_dir);
	g_free(gtkconv);
	g_object_unref(entry_object);
	g_string_free(input_box, TRUE);
}
