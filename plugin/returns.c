/* returns.c — a conversation closed while its message was held.
 *
 * Nothing held is lost: the user is shown the text at once in a
 * notification (purple_notify_formatted, so it can be copied), and it is
 * offered back (etqp_offer_back) when a conversation with the same person
 * or channel, on the same account, opens again. Kept in memory only, for at
 * most MAX_RETURNS closed conversations (each was shown already).
 */
#include "etiquette-plugin.h"

#define MAX_RETURNS 64

/* The same person or channel on the same account. */
static char *return_key(PurpleConversation *conv)
{
	PurpleAccount *account = purple_conversation_get_account(conv);

	return g_strdup_printf("%s\n%s\n%d\n%s", purple_account_get_protocol_id(account),
	                       purple_account_get_username(account),
	                       purple_conversation_get_type(conv),
	                       purple_normalize(account, purple_conversation_get_name(conv)));
}

static void tell(PurpleConversation *conv, const char *text)
{
	const char *name = etqp_conv_title(conv);
	char *plain = purple_markup_strip_html(text);
	char *escaped = g_markup_escape_text(plain, -1);
	char **lines = g_strsplit(escaped, "\n", -1);
	char *html = g_strjoinv("<br>", lines);
	char *primary = g_strdup_printf(_("Not sent: your message to %s"), name);
	char *secondary = g_strdup_printf(_("The conversation was closed while the message "
		"was held. It is offered back when you talk with %s again."), name);

	purple_notify_formatted(NULL, _("Etiquette"), primary, secondary, html, NULL, NULL);
	g_free(plain);
	g_free(escaped);
	g_strfreev(lines);
	g_free(html);
	g_free(primary);
	g_free(secondary);
}

void etqp_returns_keep(PurpleConversation *conv, const char *text)
{
	char *key = return_key(conv);
	const char *before = g_hash_table_lookup(etqp->returns, key);

	tell(conv, text);
	purple_debug_info(ETQP_DEBUG, "kept the held text of %s\n",
	                  purple_conversation_get_name(conv));
	if (before == NULL && g_hash_table_size(etqp->returns) >= MAX_RETURNS) {
		GHashTableIter iter;

		g_hash_table_iter_init(&iter, etqp->returns);
		if (g_hash_table_iter_next(&iter, NULL, NULL))
			g_hash_table_iter_remove(&iter);
	}
	g_hash_table_replace(etqp->returns, key, before ?
	                     g_strconcat(before, "\n", text, NULL) : g_strdup(text));
}

static void conversation_created_cb(PurpleConversation *conv, gpointer data)
{
	char *key, *text;
	gpointer stolen_key;

	(void)data;
	if (etqp == NULL || g_hash_table_size(etqp->returns) == 0)
		return;
	key = return_key(conv);
	if (g_hash_table_steal_extended(etqp->returns, key, &stolen_key, (gpointer *)&text)) {
		purple_debug_info(ETQP_DEBUG, "offered back the held text of %s\n",
		                  purple_conversation_get_name(conv));
		etqp_offer_back(conv, text, TRUE);
		g_free(stolen_key);
		g_free(text);
	}
	g_free(key);
}

void etqp_returns_init(void)
{
	etqp->returns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

void etqp_returns_free(void)
{
	g_hash_table_destroy(etqp->returns);
	etqp->returns = NULL;
}

void etqp_returns_connect(PurplePlugin *plugin)
{
	purple_signal_connect(purple_conversations_get_handle(), "conversation-created",
		plugin, PURPLE_CALLBACK(conversation_created_cb), NULL);
}
