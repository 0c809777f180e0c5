/* quiet.c — "don't warn me about this again".
 *
 * Chosen in the question together with Send anyway, for the person (or
 * channel) of the conversation or for the rules that asked. Kept in the
 * string-list preference not_warned, one entry each:
 *   "person\t<protocol id>\t<account user name>\t<normalised name>"
 *   "rule\t<rule id>"
 * A quieted warning becomes a hint. The preferences frame lists every entry
 * as a ticked box (not_warned_shown/<n>, made for the frame on the fly);
 * unticking it removes the entry, ticking it again puts it back.
 */
#include <string.h>

#include "etiquette-plugin.h"

#define PREF_QUIET ETQP_PREFS "/not_warned"
#define PREF_SHOWN ETQP_PREFS "/not_warned_shown"

/* The entries behind the boxes of the frame last made, by number. */
static GPtrArray *shown;

static char *person_entry(EtqConv *c)
{
	PurpleAccount *account = purple_conversation_get_account(c->conv);

	return g_strdup_printf("person\t%s\t%s\t%s", purple_account_get_protocol_id(account),
	                       purple_account_get_username(account),
	                       purple_normalize(account, purple_conversation_get_name(c->conv)));
}

static gboolean listed(GList *list, const char *entry)
{
	for (; list != NULL; list = list->next)
		if (g_strcmp0(list->data, entry) == 0)
			return TRUE;
	return FALSE;
}

static void free_list(GList *list)
{
	g_list_free_full(list, g_free);
}

gboolean etqp_quiet(EtqConv *c, const char *rule)
{
	GList *list = purple_prefs_get_string_list(PREF_QUIET);
	char *person, *by_rule;
	gboolean quiet;

	if (list == NULL)
		return FALSE;
	person = person_entry(c);
	by_rule = g_strconcat("rule\t", rule, NULL);
	quiet = listed(list, person) || listed(list, by_rule);
	g_free(person);
	g_free(by_rule);
	free_list(list);
	return quiet;
}

static void add(const char *entry)
{
	GList *list = purple_prefs_get_string_list(PREF_QUIET);

	if (!listed(list, entry)) {
		list = g_list_append(list, g_strdup(entry));
		purple_prefs_set_string_list(PREF_QUIET, list);
		purple_debug_info(ETQP_DEBUG, "not warned from now on: %s\n", entry);
	}
	free_list(list);
}

static void drop(const char *entry)
{
	GList *list = purple_prefs_get_string_list(PREF_QUIET), *l;

	for (l = list; l != NULL; l = l->next)
		if (g_strcmp0(l->data, entry) == 0) {
			g_free(l->data);
			list = g_list_delete_link(list, l);
			purple_prefs_set_string_list(PREF_QUIET, list);
			purple_debug_info(ETQP_DEBUG, "warned again: %s\n", entry);
			break;
		}
	free_list(list);
}

void etqp_quiet_add_person(EtqConv *c)
{
	char *entry = person_entry(c);

	add(entry);
	g_free(entry);
}

void etqp_quiet_add_rule(const char *rule)
{
	char *entry = g_strconcat("rule\t", rule, NULL);

	add(entry);
	g_free(entry);
}

/* Boxes of an earlier frame are not kept. */
void etqp_quiet_init(void)
{
	purple_prefs_remove(PREF_SHOWN);
	purple_prefs_add_none(PREF_SHOWN);
}

void etqp_quiet_free(void)
{
	g_clear_pointer(&shown, g_ptr_array_unref);
}

static char *entry_label(const char *entry)
{
	char **part = g_strsplit(entry, "\t", 4);
	char *label;

	if (g_strcmp0(part[0], "person") == 0 && g_strv_length(part) == 4)
		/* TRANSLATORS: a person or channel, and the account */
		label = g_strdup_printf(_("%s (on %s)"), part[3], part[2]);
	else if (g_strcmp0(part[0], "rule") == 0 && part[1] != NULL)
		label = g_strdup_printf(_("rule %s"), part[1]);
	else
		label = g_strdup(entry);
	g_strfreev(part);
	return label;
}

void etqp_quiet_frame(PurplePluginPrefFrame *frame)
{
	GList *list = purple_prefs_get_string_list(PREF_QUIET), *l;
	guint n = 0;

	if (shown != NULL)
		g_ptr_array_unref(shown);
	shown = g_ptr_array_new_with_free_func(g_free);
	etqp_quiet_init();
	if (list != NULL)
		purple_plugin_pref_frame_add(frame, purple_plugin_pref_new_with_label(
			_("Not warned about (untick to be warned again)")));
	for (l = list; l != NULL; l = l->next, n++) {
		char *path = g_strdup_printf(PREF_SHOWN "/%u", n);
		char *label = entry_label(l->data);

		g_ptr_array_add(shown, g_strdup(l->data));
		purple_prefs_add_bool(path, TRUE);
		purple_plugin_pref_frame_add(frame,
			purple_plugin_pref_new_with_name_and_label(path, label));
		g_free(path);
		g_free(label);
	}
	free_list(list);
}

/* A box of the frame was ticked or unticked. Returns FALSE if name is not
 * one of them. */
gboolean etqp_quiet_pref_changed(const char *name, gboolean value)
{
	guint64 n;
	char *end;

	if (!g_str_has_prefix(name, PREF_SHOWN "/"))
		return FALSE;
	n = g_ascii_strtoull(name + strlen(PREF_SHOWN "/"), &end, 10);
	if (shown == NULL || *end != '\0' || n >= shown->len)
		return TRUE;
	if (value)
		add(g_ptr_array_index(shown, n));
	else
		drop(g_ptr_array_index(shown, n));
	return TRUE;
}
