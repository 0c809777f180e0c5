/* outgoing.c — a message is checked before it leaves.
 *
 * sending-im-msg and sending-chat-msg are connected first of all handlers
 * (PURPLE_SIGNAL_PRIORITY_LOWEST), so the check sees the text before an
 * encryption plugin does. A line with a `warn` finding is held back
 * (*message = NULL) and the user is asked with purple_request_fields() on
 * the conversation, the one request kind whose window reports a close:
 *   ok      Send anyway  the held lines go out unchanged, in order, once
 *                        each, through purple_conv_im_send / _chat_send so
 *                        every other plugin still sees them; the question's
 *                        "don't warn me about this again" choice is kept
 *   cancel  Edit         nothing is sent; the text is given back (giveback.c)
 * Closing the window in any way (Esc, its close button, Alt+C in Finch)
 * is Edit. The question is made at once, inside the send signal: Finch
 * raises only windows made while it handles a key, and the Enter that
 * sent the message is that key. Protocols without newlines (IRC) get one
 * signal per line of a paste, all in one go: a line that comes before the
 * main loop runs again joins the held ones, and the question is made anew
 * with all of them. A message the user sends while the question is open
 * means they moved on: the question closes and its text is given back.
 * A rule answered "Send anyway" twice in a conversation asks no more there
 * this session; it becomes a hint. Everything sent is recorded in the
 * core at sent-*.
 */
#include <string.h>

#include "etiquette-plugin.h"

#include <core.h>

/* Times "Send anyway" is chosen for a rule before it stops asking. */
#define OVERRIDES_TO_STOP 2

/* Also what the live line while typing says (draft.c). */
gboolean etqp_would_ask(EtqConv *c, const EtqFinding *f)
{
	return f->severity == ETQ_SEVERITY_WARN && etqp_pref_bool("warn_before_send") &&
	       GPOINTER_TO_UINT(g_hash_table_lookup(c->overridden, f->rule)) < OVERRIDES_TO_STOP &&
	       !etqp_quiet(c, f->rule);
}

static gboolean was_asked(EtqConv *c, const char *rule)
{
	guint i;

	for (i = 0; i < c->asked->len; i++)
		if (strcmp(g_ptr_array_index(c->asked, i), rule) == 0)
			return TRUE;
	return FALSE;
}

/* What the question says about a finding, once per rule. */
static void add_reason(EtqConv *c, const EtqFinding *f)
{
	if (was_asked(c, f->rule))
		return;
	g_ptr_array_add(c->asked, g_strdup(f->rule));
	if (c->reasons->len > 0)
		g_string_append(c->reasons, "\n\n");
	g_string_append(c->reasons, f->message ? f->message : f->category);
	if (f->suggestion != NULL && *f->suggestion != '\0')
		g_string_append_printf(c->reasons, "\n\xe2\x86\x92 %s", f->suggestion);
}

/* Checks one line. If it must be held (or lines are held already), its
 * findings go into the question; otherwise they become hints. Returns
 * TRUE if the line asks. */
static gboolean check_line(EtqConv *c, const char *plain, gboolean holding)
{
	GPtrArray *findings;
	EtqEvent ev;
	gboolean asks = FALSE;
	guint i;

	etqp_event_init(&ev, c, ETQ_DIR_OUT, NULL, plain);
	findings = etq_state_check(etqp->state, &ev, NULL);
	for (i = 0; i < findings->len; i++) {
		const EtqFinding *f = g_ptr_array_index(findings, i);

		etqp_log_finding(f);
		asks = asks || etqp_would_ask(c, f);
	}
	for (i = 0; i < findings->len; i++) {
		const EtqFinding *f = g_ptr_array_index(findings, i);

		if (asks || holding)
			add_reason(c, f);
		else
			etqp_report_hint(c->conv, f);
	}
	g_ptr_array_unref(findings);
	return asks;
}

static void reset_question(EtqConv *c)
{
	g_ptr_array_set_size(c->asked, 0);
	g_string_truncate(c->reasons, 0);
}

/* The held lines as one text, as they were typed. */
static char *held_text(EtqConv *c)
{
	GString *text = g_string_new(NULL);
	GList *l;

	for (l = c->held.head; l != NULL; l = l->next) {
		if (text->len > 0)
			g_string_append_c(text, '\n');
		g_string_append(text, l->data);
	}
	return g_string_free(text, FALSE);
}

static void free_held(EtqConv *c)
{
	char *line;

	while ((line = g_queue_pop_head(&c->held)) != NULL)
		g_free(line);
	reset_question(c);
}

/* Nothing is sent: the text goes back to the user (into the input box
 * where the UI allows it, unless they are typing something else there). */
static void give_back(EtqConv *c, gboolean input_box)
{
	char *text = held_text(c);

	free_held(c);
	purple_debug_info(ETQP_DEBUG, "gave back the held text of %s\n", c->key);
	etqp_offer_back(c->conv, text, input_box);
	g_free(text);
}

static gboolean can_send(PurpleConversation *conv)
{
	if (purple_conversation_get_gc(conv) == NULL)
		return FALSE;
	return purple_conversation_get_type(conv) != PURPLE_CONV_TYPE_CHAT ||
	       !purple_conv_chat_has_left(PURPLE_CONV_CHAT(conv));
}

/* The held lines go out through the normal path, in order, once each. */
static void release(EtqConv *c)
{
	PurpleConversation *conv = c->conv;
	char *line;

	if (!can_send(conv)) {
		give_back(c, TRUE);
		return;
	}
	reset_question(c);
	c->releasing = TRUE;
	while ((line = g_queue_pop_head(&c->held)) != NULL) {
		g_free(c->outbox);
		c->outbox = purple_markup_strip_html(line);
		if (purple_conversation_get_type(conv) == PURPLE_CONV_TYPE_IM)
			purple_conv_im_send(PURPLE_CONV_IM(conv), line);
		else
			purple_conv_chat_send(PURPLE_CONV_CHAT(conv), line);
		g_free(line);
	}
	c->releasing = FALSE;
}

static void count_overrides(EtqConv *c)
{
	guint i;

	for (i = 0; i < c->asked->len; i++) {
		const char *rule = g_ptr_array_index(c->asked, i);
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(c->overridden, rule));

		g_hash_table_replace(c->overridden, g_strdup(rule), GUINT_TO_POINTER(n + 1));
	}
}

enum { QUIET_NO = 0, QUIET_PERSON = 1, QUIET_RULE = 2 }; /* the choice's order */

/* "Don't warn me about this again", as chosen with Send anyway. */
static void keep_quiet(EtqConv *c, PurpleRequestFields *fields)
{
	int choice = fields ? purple_request_fields_get_choice(fields, "quiet") : QUIET_NO;
	guint i;

	if (choice == QUIET_PERSON)
		etqp_quiet_add_person(c);
	for (i = 0; choice == QUIET_RULE && i < c->asked->len; i++)
		etqp_quiet_add_rule(g_ptr_array_index(c->asked, i));
}

static void send_anyway_cb(gpointer data, PurpleRequestFields *fields)
{
	EtqConv *c = data;

	if (c->closing)
		return;
	c->asking = FALSE;
	c->dialog = NULL;
	keep_quiet(c, fields);
	count_overrides(c);
	release(c);
}

/* Edit, and every way of closing the window. Finch calls it for a closed
 * window with the window, not the fields, as the second argument: it is
 * not read. */
static void edit_cb(gpointer data, gpointer unused)
{
	EtqConv *c = data;

	(void)unused;
	if (c->closing)
		return;
	c->asking = FALSE;
	c->dialog = NULL;
	give_back(c, TRUE);
}

/* A button's label: Pidgin shows the mnemonic of "_Edit"; other UIs would
 * show the underscore. */
static char *button_label(const char *label)
{
	GString *s;

	if (g_strcmp0(purple_core_get_ui(), "gtk-gaim") == 0)
		return g_strdup(label);
	s = g_string_new(NULL);
	for (; *label != '\0'; label++)
		if (*label != '_')
			g_string_append_c(s, *label);
	return g_string_free(s, FALSE);
}

static PurpleRequestFields *question_fields(EtqConv *c)
{
	PurpleRequestFields *fields = purple_request_fields_new();
	PurpleRequestFieldGroup *group = purple_request_field_group_new(NULL);
	PurpleRequestField *quiet = purple_request_field_choice_new("quiet",
		_("Don't warn me again:"), QUIET_NO);
	/* TRANSLATORS: "Don't warn me again: for maria" */
	char *person = g_strdup_printf(_("for %s"), etqp_conv_title(c->conv));

	/* TRANSLATORS: "Don't warn me again: no, warn me next time" */
	purple_request_field_choice_add(quiet, _("no, warn me next time"));
	purple_request_field_choice_add(quiet, person);
	/* TRANSLATORS: "Don't warn me again: for this kind of message" */
	purple_request_field_choice_add(quiet, _("for this kind of message"));
	purple_request_field_group_add_field(group, quiet);
	purple_request_fields_add_group(fields, group);
	g_free(person);
	return fields;
}

/* The question the plugin closes itself: no answer comes from it. */
static void close_dialog(EtqConv *c)
{
	gpointer dialog = c->dialog;

	c->dialog = NULL;
	if (dialog == NULL)
		return;
	c->closing = TRUE;
	purple_request_close(PURPLE_REQUEST_FIELDS, dialog);
	c->closing = FALSE;
}

static void ask(EtqConv *c)
{
	PurpleConversation *conv = c->conv;
	const char *name = etqp_conv_title(conv);
	char *text = held_text(c);
	char *plain = purple_markup_strip_html(text);
	char *title = g_strdup_printf(_("Etiquette: %s"), name);
	char *primary = g_strdup_printf(_("Your message to %s may come across badly."), name);
	char *secondary = g_strdup_printf("%s\n\n%s\n%s", c->reasons->str,
	                                  _("Your message:"), plain);
	char *ok = button_label(_("_Send anyway"));
	char *cancel = button_label(_("_Edit"));
	gpointer handle;

	close_dialog(c); /* a question about fewer lines of the same paste */
	c->asking = TRUE;
	/* The plugin's handle, not the conversation's: libpurple closes the
	 * requests of a conversation before saying it goes, and the held text
	 * must be kept for it then (etqp_outgoing_drop), not given back into
	 * it. */
	handle = purple_request_fields(etqp->plugin, title, primary, secondary, question_fields(c),
		ok, G_CALLBACK(send_anyway_cb), cancel, G_CALLBACK(edit_cb),
		purple_conversation_get_account(conv), purple_conversation_get_name(conv),
		conv, c);
	g_free(text);
	g_free(plain);
	g_free(title);
	g_free(primary);
	g_free(secondary);
	g_free(ok);
	g_free(cancel);
	if (!c->asking)
		return; /* the UI answered inside the call */
	c->asking = FALSE;
	if (handle == NULL) {
		/* No UI can ask: a message nobody can release is not held, and
		 * what the question would have said becomes a hint. */
		char *hint = g_markup_escape_text(c->reasons->str, -1);

		purple_debug_warning(ETQP_DEBUG, "no request UI: sending %s\n", c->key);
		if (etqp_pref_bool("hints"))
			etqp_note(conv, hint);
		g_free(hint);
		release(c);
		return;
	}
	c->dialog = handle;
}

static gboolean paste_done_cb(gpointer data)
{
	EtqConv *c = data;

	c->paste_source = 0;
	return FALSE;
}

static void hold(EtqConv *c, char **message)
{
	g_queue_push_tail(&c->held, *message);
	*message = NULL;
	if (c->paste_source == 0)
		c->paste_source = purple_timeout_add(0, paste_done_cb, c);
	ask(c);
}

/* The question is still open and the user sent something else. */
static void moved_on(EtqConv *c)
{
	close_dialog(c);
	give_back(c, FALSE);
}

static void outgoing(PurpleConversation *conv, char **message)
{
	EtqConv *c;
	char *plain;

	if (etqp == NULL || conv == NULL || message == NULL || *message == NULL ||
	    **message == '\0')
		return;
	c = etqp_conv_get(conv);
	if (c->releasing)
		return;
	etqp_rules_ready();
	plain = purple_markup_strip_html(*message);
	if (c->paste_source != 0 && !g_queue_is_empty(&c->held)) {
		/* another line of the same paste: it waits behind the first */
		check_line(c, plain, TRUE);
		hold(c, message);
	} else {
		if (c->dialog != NULL)
			moved_on(c);
		if (check_line(c, plain, FALSE)) {
			hold(c, message);
		} else {
			g_free(c->outbox);
			c->outbox = plain;
			plain = NULL;
		}
	}
	g_free(plain);
}

static void sending_im_cb(PurpleAccount *account, const char *receiver,
                          char **message, gpointer data)
{
	(void)data;
	outgoing(purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM,
	                                               receiver, account), message);
}

static void sending_chat_cb(PurpleAccount *account, char **message, int id,
                            gpointer data)
{
	PurpleConnection *gc = purple_account_get_connection(account);

	(void)data;
	outgoing(gc ? purple_find_chat(gc, id) : NULL, message);
}

/* A line went out: the core remembers it (the plain text seen before any
 * other plugin changed it), which also answers pending questions. */
static void record(PurpleConversation *conv, const char *message)
{
	EtqConv *c;
	char *plain;
	GPtrArray *findings;
	EtqEvent ev;

	if (etqp == NULL || conv == NULL || message == NULL)
		return;
	etqp_rules_ready();
	c = etqp_conv_get(conv);
	plain = c->outbox ? c->outbox : purple_markup_strip_html(message);
	c->outbox = NULL;
	etqp_event_init(&ev, c, ETQ_DIR_OUT, NULL, plain);
	findings = etq_state_record(etqp->state, &ev);
	etqp_report(conv, findings);
	g_ptr_array_unref(findings);
	g_free(plain);
	etqp_timers_update();
}

static void sent_im_cb(PurpleAccount *account, const char *receiver,
                       const char *message, gpointer data)
{
	(void)data;
	record(purple_find_conversation_with_account(PURPLE_CONV_TYPE_IM,
	                                             receiver, account), message);
}

static void sent_chat_cb(PurpleAccount *account, const char *message, int id,
                         gpointer data)
{
	PurpleConnection *gc = purple_account_get_connection(account);

	(void)data;
	record(gc ? purple_find_chat(gc, id) : NULL, message);
}

void etqp_outgoing_connect(PurplePlugin *plugin)
{
	void *convs = purple_conversations_get_handle();

	purple_signal_connect_priority(convs, "sending-im-msg", plugin,
		PURPLE_CALLBACK(sending_im_cb), NULL, PURPLE_SIGNAL_PRIORITY_LOWEST);
	purple_signal_connect_priority(convs, "sending-chat-msg", plugin,
		PURPLE_CALLBACK(sending_chat_cb), NULL, PURPLE_SIGNAL_PRIORITY_LOWEST);
	purple_signal_connect(convs, "sent-im-msg", plugin,
		PURPLE_CALLBACK(sent_im_cb), NULL);
	purple_signal_connect(convs, "sent-chat-msg", plugin,
		PURPLE_CALLBACK(sent_chat_cb), NULL);
}

/* The question of a conversation goes away. */
static void close_question(EtqConv *c)
{
	if (c->paste_source != 0)
		purple_timeout_remove(c->paste_source);
	c->paste_source = 0;
	close_dialog(c);
}

/* The conversation is going away: its question with it. A held text is
 * shown to the user at once and offered back when the conversation opens
 * again (returns.c). */
void etqp_outgoing_drop(EtqConv *c)
{
	close_question(c);
	if (!g_queue_is_empty(&c->held)) {
		char *text = held_text(c);

		etqp_returns_keep(c->conv, text);
		g_free(text);
	}
	free_held(c);
}

/* The plugin unloads: every open question closes, its text goes back. */
void etqp_outgoing_give_back_all(void)
{
	GHashTableIter iter;
	gpointer value;

	g_hash_table_iter_init(&iter, etqp->convs);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		EtqConv *c = value;

		close_question(c);
		if (!g_queue_is_empty(&c->held))
			give_back(c, TRUE);
	}
}
