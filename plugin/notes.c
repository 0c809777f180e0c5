/* notes.c — what the user and the debug log see of a finding.
 *
 * Every finding gets a debug line "finding <category> <rule> <conversation>".
 * A hint is written into its conversation as a system line that is never
 * logged, HTML-escaped, when the "hints" preference is on.
 */
#include <time.h>

#include "etiquette-plugin.h"

static gboolean writing = FALSE;

/* TRUE while the plugin writes a note, so it does not check its own. */
gboolean etqp_is_writing(void)
{
	return writing;
}

void etqp_note(PurpleConversation *conv, const char *html)
{
	gboolean was = writing;

	writing = TRUE;
	purple_conversation_write(conv, NULL, html,
	                          PURPLE_MESSAGE_SYSTEM | PURPLE_MESSAGE_NO_LOG,
	                          time(NULL));
	writing = was;
}

void etqp_log_finding(const EtqFinding *f)
{
	purple_debug_info(ETQP_DEBUG, "finding %s %s %s\n", f->category,
	                  f->rule, f->conv ? f->conv : "-");
}

static char *hint_html(const EtqFinding *f)
{
	char *label = g_markup_escape_text(_("Etiquette:"), -1);
	char *message = g_markup_escape_text(f->message ? f->message : f->category, -1);
	GString *html = g_string_new(NULL);

	g_string_append_printf(html, "<b>%s</b> %s", label, message);
	if (f->suggestion != NULL && *f->suggestion != '\0') {
		char *suggestion = g_markup_escape_text(f->suggestion, -1);

		g_string_append_printf(html, " <i>%s</i>", suggestion);
		g_free(suggestion);
	}
	g_free(label);
	g_free(message);
	return g_string_free(html, FALSE);
}

void etqp_report_hint(PurpleConversation *conv, const EtqFinding *f)
{
	char *html;

	if (conv == NULL || !etqp_pref_bool("hints"))
		return;
	html = hint_html(f);
	etqp_note(conv, html);
	g_free(html);
}

/* Logs every finding and writes it as a hint. conv may be NULL (closed). */
void etqp_report(PurpleConversation *conv, GPtrArray *findings)
{
	guint i;

	for (i = 0; findings != NULL && i < findings->len; i++) {
		const EtqFinding *f = g_ptr_array_index(findings, i);

		etqp_log_finding(f);
		etqp_report_hint(conv, f);
	}
}
