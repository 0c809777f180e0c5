/* prefs.c — preferences under /plugins/core/etiquette, and their frame.
 *
 *   rulesets/<name>        bool, one per rule set found      TRUE
 *   warn_before_send       bool                              TRUE
 *   hints                  bool                              TRUE
 *   unanswered_seconds     int                               600
 *   over_engagement_count  int                               6
 *   rules_dir              string                            <user dir>/etiquette
 *   not_warned             string list (quiet.c)             empty
 *
 * warn_before_send and hints are read where they are used; the others are
 * pushed into the core by a callback, so every change acts at once (the
 * rules folder once it rests, reload.c).
 *
 * libpurple keeps them in prefs.xml, which may have been edited by hand or
 * damaged: a preference of the wrong type there is kept as it is and read
 * as FALSE / 0 / NULL (checking would stop without a word). Each one is put
 * back to its default with a debug warning, and the numbers are held
 * within the bounds the frame offers.
 */
#include <string.h>

#include "etiquette-plugin.h"

#include <core.h>

#define PREF_WARN ETQP_PREFS "/warn_before_send"
#define PREF_HINTS ETQP_PREFS "/hints"
#define PREF_UNANSWERED ETQP_PREFS "/unanswered_seconds"
#define PREF_OVER ETQP_PREFS "/over_engagement_count"
#define PREF_RULES_DIR ETQP_PREFS "/rules_dir"

/* The bounds of the numbers, as the frame offers them. */
#define UNANSWERED_MIN 1
#define UNANSWERED_MAX (7 * 24 * 3600)
#define OVER_MIN 2
#define OVER_MAX 1000

/* A preference that exists with another type is removed (with what is
 * below it), so that adding it again gives it its default. */
static void retype(const char *path, PurplePrefType type)
{
	if (!purple_prefs_exists(path) || purple_prefs_get_type(path) == type)
		return;
	purple_debug_warning(ETQP_DEBUG, "preference %s has the wrong type (%d, not %d): "
	                     "back to its default\n", path, purple_prefs_get_type(path), type);
	purple_prefs_remove(path);
}

static void add_none(const char *path)
{
	retype(path, PURPLE_PREF_NONE);
	purple_prefs_add_none(path);
}

static void add_bool(const char *path, gboolean value)
{
	retype(path, PURPLE_PREF_BOOLEAN);
	purple_prefs_add_bool(path, value);
}

static void add_int(const char *path, int value)
{
	retype(path, PURPLE_PREF_INT);
	purple_prefs_add_int(path, value);
}

static void add_string(const char *path, const char *value)
{
	retype(path, PURPLE_PREF_STRING);
	purple_prefs_add_string(path, value);
}

static void add_string_list(const char *path)
{
	retype(path, PURPLE_PREF_STRING_LIST);
	purple_prefs_add_string_list(path, NULL);
}

/* Called once, when the plugin is probed. */
void etqp_prefs_init(void)
{
	char *dir = g_build_filename(purple_user_dir(), "etiquette", NULL);

	add_none(ETQP_PREFS);
	add_none(ETQP_PREFS_RULESETS);
	add_bool(PREF_WARN, TRUE);
	add_bool(PREF_HINTS, TRUE);
	add_int(PREF_UNANSWERED, 600);
	add_int(PREF_OVER, 6);
	add_string(PREF_RULES_DIR, dir);
	add_string_list(ETQP_PREFS "/not_warned");
	etqp_quiet_init();
	g_free(dir);
}

static char *ruleset_pref(const char *name)
{
	return g_strconcat(ETQP_PREFS_RULESETS "/", name, NULL);
}

/* One bool per rule set found; a saved value is kept. */
void etqp_prefs_add_rulesets(void)
{
	guint i, n = etq_rules_n_sets(etqp->rules);

	for (i = 0; i < n; i++) {
		const EtqRuleSet *set = etq_rules_get_set(etqp->rules, i);
		char *path = ruleset_pref(etq_rule_set_name(set));

		add_bool(path, TRUE);
		g_free(path);
	}
}

/* The rule sets switched on or off as the preferences say. */
void etqp_prefs_apply(void)
{
	guint i, n = etq_rules_n_sets(etqp->rules);

	for (i = 0; i < n; i++) {
		const char *name = etq_rule_set_name(etq_rules_get_set(etqp->rules, i));
		char *path = ruleset_pref(name);

		etq_rules_set_enabled(etqp->rules, name, purple_prefs_get_bool(path));
		g_free(path);
	}
}

void etqp_prefs_config(EtqConfig *config)
{
	etq_config_init(config);
	config->unanswered_seconds = CLAMP(purple_prefs_get_int(PREF_UNANSWERED),
	                                   UNANSWERED_MIN, UNANSWERED_MAX);
	config->over_engagement_count = CLAMP(purple_prefs_get_int(PREF_OVER), OVER_MIN, OVER_MAX);
}

gboolean etqp_pref_bool(const char *name)
{
	char *path = g_strconcat(ETQP_PREFS "/", name, NULL);
	gboolean value = purple_prefs_get_bool(path);

	g_free(path);
	return value;
}

/* The user's rules folder, with a leading ~ expanded; NULL if unset. */
char *etqp_pref_rules_dir(void)
{
	const char *dir = purple_prefs_get_string(PREF_RULES_DIR);

	if (dir == NULL || *dir == '\0')
		return NULL;
	if (dir[0] == '~' && (dir[1] == '/' || dir[1] == '\0'))
		return g_build_filename(g_get_home_dir(), dir + 1, NULL);
	return g_strdup(dir);
}

static void pref_changed(const char *name, PurplePrefType type,
                         gconstpointer value, gpointer data)
{
	(void)data;
	if (etqp == NULL)
		return;
	if (g_str_has_prefix(name, ETQP_PREFS_RULESETS "/")) {
		etqp_rules_ready();
		etq_rules_set_enabled(etqp->rules,
		                      name + strlen(ETQP_PREFS_RULESETS "/"),
		                      GPOINTER_TO_INT(value));
	} else if (strcmp(name, PREF_UNANSWERED) == 0 || strcmp(name, PREF_OVER) == 0) {
		EtqConfig config;

		etqp_rules_ready();
		etqp_prefs_config(&config);
		etq_state_set_config(etqp->state, &config);
		etqp_timers_update();
	} else if (strcmp(name, PREF_RULES_DIR) == 0) {
		etqp_reload_later();
	} else if (type == PURPLE_PREF_BOOLEAN) {
		etqp_quiet_pref_changed(name, GPOINTER_TO_INT(value));
	}
}

/* A callback on the root sees every preference below it. */
void etqp_prefs_connect(PurplePlugin *plugin)
{
	purple_prefs_connect_callback(plugin, ETQP_PREFS, pref_changed, NULL);
}

static void add_pref(PurplePluginPrefFrame *frame, const char *path,
                     const char *label)
{
	purple_plugin_pref_frame_add(frame,
		purple_plugin_pref_new_with_name_and_label(path, label));
}

static void add_int_pref(PurplePluginPrefFrame *frame, const char *path,
                         const char *label, int min, int max)
{
	PurplePluginPref *pref = purple_plugin_pref_new_with_name_and_label(path, label);

	purple_plugin_pref_set_bounds(pref, min, max);
	purple_plugin_pref_frame_add(frame, pref);
}

/* A text wrapped at INFO_COLUMNS for Finch, which does not wrap labels
 * (Pidgin wraps it again to its width). */
#define INFO_COLUMNS 34

static char *wrapped(const char *text)
{
	GString *out = g_string_new(NULL);
	char **words = g_strsplit(text, " ", -1);
	glong line = 0;
	guint i;

	for (i = 0; words[i] != NULL; i++) {
		glong len = g_utf8_strlen(words[i], -1);

		if (line > 0 && line + 1 + len > INFO_COLUMNS) {
			g_string_append_c(out, '\n');
			line = 0;
		} else if (line > 0) {
			g_string_append_c(out, ' ');
			line++;
		}
		g_string_append(out, words[i]);
		line += len;
	}
	g_strfreev(words);
	return g_string_free(out, FALSE);
}

/* A rule set's description reads "Short label: what it is about"; the
 * short label goes next to its box, the rest on a line of its own: below
 * it in Pidgin (an info line), above it as the title of a group in Finch
 * (which shows info lines as "Not implemented yet."). */
static void add_ruleset_prefs(PurplePluginPrefFrame *frame)
{
	gboolean finch = g_strcmp0(purple_core_get_ui(), "gnt-purple") == 0;
	guint i, n = etqp ? etq_rules_n_sets(etqp->rules) : 0;

	if (!finch)
		purple_plugin_pref_frame_add(frame,
			purple_plugin_pref_new_with_label(_("Rule sets")));
	for (i = 0; i < n; i++) {
		const EtqRuleSet *set = etq_rules_get_set(etqp->rules, i);
		const char *name = etq_rule_set_name(set);
		const char *description = etq_rule_set_description(set);
		const char *colon = description ? strstr(description, ": ") : NULL;
		char *path = ruleset_pref(name);
		char *label = colon ? g_strndup(description, colon - description) :
		              g_strdup(description && *description ? description : name);
		char *more = colon && colon[2] != '\0' ? wrapped(colon + 2) : NULL;
		PurplePluginPref *info;

		if (finch)
			purple_plugin_pref_frame_add(frame,
				purple_plugin_pref_new_with_label(more ? more : label));
		add_pref(frame, path, label);
		if (!finch && more != NULL) {
			info = purple_plugin_pref_new_with_label(more);
			purple_plugin_pref_set_type(info, PURPLE_PLUGIN_PREF_INFO);
			purple_plugin_pref_frame_add(frame, info);
		}
		g_free(more);
		g_free(label);
		g_free(path);
	}
}

/* Short labels, the fields with a value first: Pidgin's Configure Plugin
 * dialog is 404 pixels wide, Finch's window must fit 80 columns. */
PurplePluginPrefFrame *etqp_prefs_frame(PurplePlugin *plugin)
{
	PurplePluginPrefFrame *frame = purple_plugin_pref_frame_new();

	(void)plugin;
	etqp_rules_ready();
	purple_plugin_pref_frame_add(frame,
		purple_plugin_pref_new_with_label(_("Behaviour")));
	add_pref(frame, PREF_WARN, _("Ask before sending"));
	add_pref(frame, PREF_HINTS, _("Write hints"));
	add_int_pref(frame, PREF_UNANSWERED, _("Unanswered after (s)"),
	             UNANSWERED_MIN, UNANSWERED_MAX);
	add_int_pref(frame, PREF_OVER, _("Messages in a row"), OVER_MIN, OVER_MAX);
	add_pref(frame, PREF_RULES_DIR, _("My rules folder"));
	add_ruleset_prefs(frame);
	etqp_quiet_frame(frame);
	return frame;
}
