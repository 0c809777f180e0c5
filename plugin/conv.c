/* conv.c — what the plugin keeps per open conversation, and the events it
 * hands the core.
 *
 * Each PurpleConversation the plugin has seen gets an EtqConv with a name
 * for the core (its key): the conversation's own name, made unique with
 * the account when two accounts talk to the same name. It lives until the
 * conversation is closed or the plugin unloads.
 */
#include <string.h>
#include <time.h>

#include "etiquette-plugin.h"

gint64 etqp_now(void)
{
	return g_get_monotonic_time() / G_USEC_PER_SEC;
}

static void conv_free(gpointer data)
{
	EtqConv *c = data;

	etqp_outgoing_drop(c);
	if (etqp->keys != NULL && g_hash_table_lookup(etqp->keys, c->key) == c)
		g_hash_table_remove(etqp->keys, c->key);
	g_ptr_array_unref(c->asked);
	g_string_free(c->reasons, TRUE);
	g_hash_table_destroy(c->overridden);
	g_free(c->outbox);
	g_free(c->key);
	g_free(c);
}

void etqp_convs_init(void)
{
	etqp->convs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, conv_free);
	etqp->keys = g_hash_table_new(g_str_hash, g_str_equal);
}

void etqp_convs_free(void)
{
	g_hash_table_destroy(etqp->keys);
	etqp->keys = NULL;
	g_hash_table_destroy(etqp->convs);
	etqp->convs = NULL;
}

static char *unique_key(PurpleConversation *conv)
{
	const char *name = purple_conversation_get_name(conv);
	const char *user = purple_account_get_username(purple_conversation_get_account(conv));
	char *key = g_strdup(name);
	guint n = 1;

	if (!g_hash_table_contains(etqp->keys, key))
		return key;
	g_free(key);
	key = g_strdup_printf("%s (%s)", name, user);
	while (g_hash_table_contains(etqp->keys, key)) {
		g_free(key);
		key = g_strdup_printf("%s (%s, %u)", name, user, ++n);
	}
	return key;
}

EtqConv *etqp_conv_lookup(PurpleConversation *conv)
{
	return etqp && etqp->convs ? g_hash_table_lookup(etqp->convs, conv) : NULL;
}

EtqConv *etqp_conv_get(PurpleConversation *conv)
{
	EtqConv *c = etqp_conv_lookup(conv);

	if (c != NULL)
		return c;
	c = g_new0(EtqConv, 1);
	c->conv = conv;
	c->key = unique_key(conv);
	g_queue_init(&c->held);
	c->asked = g_ptr_array_new_with_free_func(g_free);
	c->reasons = g_string_new(NULL);
	c->overridden = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_insert(etqp->convs, conv, c);
	g_hash_table_insert(etqp->keys, c->key, c);
	return c;
}

EtqConv *etqp_conv_by_key(const char *key)
{
	return etqp && etqp->keys && key ? g_hash_table_lookup(etqp->keys, key) : NULL;
}

/* The conversation was closed: the core forgets it and its timers. */
void etqp_conv_forget(PurpleConversation *conv)
{
	EtqConv *c = etqp_conv_lookup(conv);

	if (c == NULL)
		return;
	etqp_rules_ready();
	etq_state_forget(etqp->state, c->key);
	g_hash_table_remove(etqp->convs, conv);
	etqp_timers_update();
}

static const char *my_name(PurpleConversation *conv)
{
	PurpleAccount *account = purple_conversation_get_account(conv);
	PurpleConnection *gc = purple_conversation_get_gc(conv);
	const char *me = gc ? purple_connection_get_display_name(gc) : NULL;

	if (purple_conversation_get_type(conv) == PURPLE_CONV_TYPE_CHAT)
		me = purple_conv_chat_get_nick(PURPLE_CONV_CHAT(conv));
	return me ? me : purple_account_get_username(account);
}

/* The name the user sees for the conversation (alias or channel). */
const char *etqp_conv_title(PurpleConversation *conv)
{
	const char *title = purple_conversation_get_title(conv);

	return title && *title ? title : purple_conversation_get_name(conv);
}

/* Whether libpurple's logs hold an IM conversation with who that began
 * before this one: someone the user talked with in an earlier session.
 * Read once per conversation (the logs are files). */
static gboolean logged_before(EtqConv *c, PurpleAccount *account, const char *who)
{
	GList *logs, *l;
	time_t since;

	if (c->logged != 0)
		return c->logged > 0;
	since = time(NULL);
	for (l = c->conv->logs; l != NULL; l = l->next)
		since = MIN(since, ((PurpleLog *)l->data)->time);
	c->logged = -1;
	if (purple_log_get_total_size(PURPLE_LOG_IM, who, account) > 0) {
		logs = purple_log_get_logs(PURPLE_LOG_IM, who, account);
		for (l = logs; l != NULL; l = l->next)
			if (((PurpleLog *)l->data)->time < since)
				c->logged = 1;
		g_list_free_full(logs, (GDestroyNotify)purple_log_free);
	}
	return c->logged > 0;
}

/* Known: a buddy in the buddy list, or someone from an earlier logged
 * conversation. Otherwise the core decides from this conversation. */
static EtqKnown known(EtqConv *c, PurpleAccount *account, const char *who)
{
	if (who == NULL)
		return ETQ_KNOWN_UNSET;
	if (purple_find_buddy(account, who) != NULL)
		return ETQ_KNOWN_YES;
	if (purple_conversation_get_type(c->conv) == PURPLE_CONV_TYPE_IM &&
	    logged_before(c, account, who))
		return ETQ_KNOWN_YES;
	return ETQ_KNOWN_UNSET;
}

void etqp_event_init(EtqEvent *ev, EtqConv *c, EtqDirection dir,
                     const char *who, const char *text)
{
	PurpleConversation *conv = c->conv;
	PurpleAccount *account = purple_conversation_get_account(conv);
	const char *name = purple_conversation_get_name(conv);

	memset(ev, 0, sizeof *ev);
	ev->text = text;
	ev->dir = dir;
	ev->conv = c->key;
	ev->me = my_name(conv);
	ev->t = etqp_now();
	if (purple_conversation_get_type(conv) == PURPLE_CONV_TYPE_CHAT) {
		ev->chat = ETQ_CHAT_GROUP;
		ev->peer = dir == ETQ_DIR_IN && who ? who : name;
		ev->known = dir == ETQ_DIR_IN ? known(c, account, who) : ETQ_KNOWN_UNSET;
	} else {
		ev->chat = ETQ_CHAT_IM;
		ev->peer = name;
		ev->known = known(c, account, name);
	}
}
