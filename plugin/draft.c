/* draft.c — what a message being typed would trigger, for a UI that shows
 * it while the user types (the Pidgin companion's live line).
 *
 * IPC command "check-draft" on this plugin:
 *     char *(*)(PurpleConversation *conv, const char *text)
 * text is the draft as plain text. The answer is one line for the user,
 * newly allocated (g_free), or NULL when the draft is fine. The draft is
 * checked against the same state as a message that is sent, without being
 * remembered, and its findings are not logged: it has not been sent.
 */
#include "etiquette-plugin.h"

#define CHECK_DRAFT "check-draft"

/* The finding the line is about: the first that would ask, else the first. */
static const EtqFinding *headline(EtqConv *c, GPtrArray *findings, gboolean *asks)
{
	guint i;

	for (i = 0; i < findings->len; i++) {
		const EtqFinding *f = g_ptr_array_index(findings, i);

		if (etqp_would_ask(c, f)) {
			*asks = TRUE;
			return f;
		}
	}
	*asks = FALSE;
	return findings->len > 0 ? g_ptr_array_index(findings, 0) : NULL;
}

static char *line_for(EtqConv *c, GPtrArray *findings)
{
	gboolean asks;
	const EtqFinding *f = headline(c, findings, &asks);
	const char *message;
	GString *line;

	if (f == NULL)
		return NULL;
	message = f->message ? f->message : f->category;
	/* TRANSLATORS: the line under the input box while typing; %s is the
	 * reason, e.g. "You haven't talked with sam before, and this asks
	 * them a favour straight away." */
	line = g_string_new(NULL);
	g_string_printf(line, asks ? _("Enter will ask first: %s") : _("Etiquette: %s"), message);
	if (f->suggestion != NULL && *f->suggestion != '\0')
		g_string_append_printf(line, " → %s", f->suggestion);
	if (findings->len > 1)
		g_string_append_printf(line, " (+%u)", findings->len - 1);
	return g_string_free(line, FALSE);
}

static char *check_draft(PurpleConversation *conv, const char *text)
{
	EtqConv *c;
	EtqEvent ev;
	GPtrArray *findings;
	char *line;

	if (etqp == NULL || conv == NULL || text == NULL || *text == '\0' ||
	    !g_list_find(purple_get_conversations(), conv))
		return NULL;
	etqp_rules_ready();
	c = etqp_conv_get(conv);
	etqp_event_init(&ev, c, ETQ_DIR_OUT, NULL, text);
	findings = etq_state_check(etqp->state, &ev, NULL);
	line = line_for(c, findings);
	g_ptr_array_unref(findings);
	return line;
}

void etqp_draft_register(PurplePlugin *plugin)
{
	purple_plugin_ipc_register(plugin, CHECK_DRAFT, PURPLE_CALLBACK(check_draft),
		purple_marshal_POINTER__POINTER_POINTER,
		purple_value_new(PURPLE_TYPE_STRING), 2,
		purple_value_new(PURPLE_TYPE_SUBTYPE, PURPLE_SUBTYPE_CONVERSATION),
		purple_value_new(PURPLE_TYPE_STRING));
}
