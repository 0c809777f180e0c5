/* incoming.c — received messages are checked after they are written.
 *
 * wrote-im-msg and wrote-chat-msg with PURPLE_MESSAGE_RECV feed the core
 * (history, hints, timers); delayed messages (backlog, offline messages),
 * auto-replies, system lines and the plugin's own notes are skipped. The
 * message itself is never touched. A closed conversation is forgotten with
 * its timers.
 */
#include "etiquette-plugin.h"

#define SKIP_FLAGS (PURPLE_MESSAGE_DELAYED | PURPLE_MESSAGE_SYSTEM | \
                    PURPLE_MESSAGE_ERROR | PURPLE_MESSAGE_AUTO_RESP | \
                    PURPLE_MESSAGE_INVISIBLE | PURPLE_MESSAGE_SEND)

#ifdef ETQ_LEAK_CANARY
/* Only in the test's canary build (mk/plugin-hardening.mk): one block lost
 * per received message, which the leak checkers must report as the
 * plugin's own. Never defined in a real build. */
static gpointer volatile canary_sink;
#endif

static void incoming(PurpleConversation *conv, const char *who,
                     const char *message, PurpleMessageFlags flags)
{
	EtqConv *c;
	EtqEvent ev;
	GPtrArray *findings;
	char *plain;

	if (etqp == NULL || conv == NULL || message == NULL || etqp_is_writing() ||
	    !(flags & PURPLE_MESSAGE_RECV) || (flags & SKIP_FLAGS))
		return;
	etqp_rules_ready();
	c = etqp_conv_get(conv);
	plain = purple_markup_strip_html(message);
#ifdef ETQ_LEAK_CANARY
	canary_sink = g_strdup_printf("etiquette leak canary: %s", plain);
#endif
	etqp_event_init(&ev, c, ETQ_DIR_IN, who, plain);
	findings = etq_state_feed(etqp->state, &ev, NULL);
	etqp_report(conv, findings);
	g_ptr_array_unref(findings);
	g_free(plain);
	etqp_timers_update();
}

static void wrote_msg_cb(PurpleAccount *account, const char *who,
                         char *message, PurpleConversation *conv,
                         PurpleMessageFlags flags, gpointer data)
{
	(void)account;
	(void)data;
	incoming(conv, who, message, flags);
}

static void deleting_conversation_cb(PurpleConversation *conv, gpointer data)
{
	(void)data;
	etqp_conv_forget(conv);
}

void etqp_incoming_connect(PurplePlugin *plugin)
{
	void *convs = purple_conversations_get_handle();

	purple_signal_connect(convs, "wrote-im-msg", plugin,
		PURPLE_CALLBACK(wrote_msg_cb), NULL);
	purple_signal_connect(convs, "wrote-chat-msg", plugin,
		PURPLE_CALLBACK(wrote_msg_cb), NULL);
	purple_signal_connect(convs, "deleting-conversation", plugin,
		PURPLE_CALLBACK(deleting_conversation_cb), NULL);
}
