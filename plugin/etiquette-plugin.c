/* etiquette-plugin.c — the plugin's info, loading and unloading.
 *
 * Load: read the rule sets (shipped, then the user's rules_dir), make the
 * core's state, connect the signals. Unload: disconnect everything, stop
 * the timer, close the dialogs (their held text goes back to the user),
 * free all state.
 */
#include <string.h>

#include "etiquette-plugin.h"

#ifndef ETQ_RULES_DIR
#define ETQ_RULES_DIR "/usr/local/share/purple-etiquette/rules"
#endif
#ifndef ETQ_LOCALE_DIR
#define ETQ_LOCALE_DIR "/usr/local/share/locale"
#endif

EtqPlugin *etqp = NULL;

/* The build folder of a source tree, when the plugin was loaded from it:
 * the directory of plugin->path if it is called "build". */
static char *source_build_dir(PurplePlugin *plugin)
{
	char *dir, *base;

	if (plugin == NULL || plugin->path == NULL)
		return NULL;
	dir = g_path_get_dirname(plugin->path);
	base = g_path_get_basename(dir);
	if (strcmp(base, "build") != 0) {
		g_free(dir);
		dir = NULL;
	}
	g_free(base);
	return dir;
}

/* rules/ of the source tree next to build/, else the installed folder. */
static char *shipped_rules_dir(PurplePlugin *plugin)
{
	char *build = source_build_dir(plugin);

	if (build != NULL) {
		char *top = g_path_get_dirname(build);
		char *rules = g_build_filename(top, "rules", NULL);

		g_free(top);
		g_free(build);
		if (g_file_test(rules, G_FILE_TEST_IS_DIR))
			return rules;
		g_free(rules);
	}
	return g_strdup(ETQ_RULES_DIR);
}

/* build/locale when loaded from a source tree and it exists. */
static char *locale_dir(PurplePlugin *plugin)
{
	char *build = source_build_dir(plugin);

	if (build != NULL) {
		char *dir = g_build_filename(build, "locale", NULL);

		g_free(build);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
		g_free(dir);
	}
	return g_strdup(ETQ_LOCALE_DIR);
}

static guint load_dir(EtqRules *rules, const char *dir)
{
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	guint i, n = etq_rules_load_dir(rules, dir, errors);

	for (i = 0; i < errors->len; i++)
		purple_debug_warning(ETQP_DEBUG, "%s\n",
		                     (const char *)g_ptr_array_index(errors, i));
	purple_debug_info(ETQP_DEBUG, "%u rule sets from %s\n", n, dir);
	g_ptr_array_unref(errors);
	return n;
}

static EtqRules *load_rules(PurplePlugin *plugin)
{
	EtqRules *rules = etq_rules_new();
	char *shipped = shipped_rules_dir(plugin);
	char *user = etqp_pref_rules_dir();

	if (g_file_test(shipped, G_FILE_TEST_IS_DIR))
		load_dir(rules, shipped);
	else
		purple_debug_warning(ETQP_DEBUG, "no rule sets installed in %s\n", shipped);
	if (user != NULL && g_file_test(user, G_FILE_TEST_IS_DIR))
		load_dir(rules, user);
	g_free(shipped);
	g_free(user);
	return rules;
}

/* Rules and a fresh state, configured from the preferences. */
static void start_core(void)
{
	EtqConfig config;

	etqp->rules = load_rules(etqp->plugin);
	etqp_prefs_add_rulesets();
	etqp_prefs_apply();
	etqp_prefs_config(&config);
	etqp->state = etq_state_new(etqp->rules, &config);
}

static void stop_core(void)
{
	etqp_timers_stop();
	etq_state_free(etqp->state);
	etqp->state = NULL;
	etq_rules_free(etqp->rules);
	etqp->rules = NULL;
}

/* rules_dir changed: the state belongs to the rules, so both start anew. */
void etqp_reload_rules(void)
{
	if (etqp == NULL)
		return;
	stop_core();
	start_core();
}

static gboolean plugin_load(PurplePlugin *plugin)
{
	etqp = g_new0(EtqPlugin, 1);
	etqp->plugin = plugin;
	start_core();
	etqp_convs_init();
	etqp_giveback_register(plugin);
	etqp_draft_register(plugin);
	etqp_outgoing_connect(plugin);
	etqp_incoming_connect(plugin);
	etqp_prefs_connect(plugin);
	return TRUE;
}

static gboolean plugin_unload(PurplePlugin *plugin)
{
	if (etqp == NULL)
		return TRUE;
	purple_signals_disconnect_by_handle(plugin);
	purple_prefs_disconnect_by_handle(plugin);
	etqp_outgoing_give_back_all();
	etqp_giveback_unregister(plugin);
	purple_plugin_ipc_unregister_all(plugin);
	etqp_convs_free();
	stop_core();
	g_free(etqp);
	etqp = NULL;
	return TRUE;
}

/* For the tests: what the plugin holds now. out[0] conversations in the
 * core, [1] conversations in the plugin, [2] held lines, [3] open or
 * pending dialogs, [4] timers, [5] loaded. Returns how many it filled. */
G_MODULE_EXPORT guint etiquette_plugin_stats(guint *out, guint n);
G_MODULE_EXPORT guint etiquette_plugin_stats(guint *out, guint n)
{
	guint v[6] = { 0, 0, 0, 0, 0, 0 };
	GHashTableIter iter;
	gpointer value;
	guint i;

	if (etqp != NULL) {
		v[0] = etqp->state ? etq_state_n_conversations(etqp->state) : 0;
		v[1] = g_hash_table_size(etqp->convs);
		g_hash_table_iter_init(&iter, etqp->convs);
		while (g_hash_table_iter_next(&iter, NULL, &value)) {
			EtqConv *c = value;

			v[2] += g_queue_get_length(&c->held);
			v[3] += (c->dialog != NULL || c->ask_source != 0);
		}
		v[4] = etqp->timer != 0;
		v[5] = 1;
	}
	for (i = 0; i < n && i < G_N_ELEMENTS(v); i++)
		out[i] = v[i];
	return i;
}

static PurplePluginUiInfo prefs_info = {
	etqp_prefs_frame,
	0,    /* page_num (reserved) */
	NULL, /* frame (reserved) */
	NULL, NULL, NULL, NULL
};

static PurplePluginInfo info = {
	PURPLE_PLUGIN_MAGIC,
	PURPLE_MAJOR_VERSION,
	PURPLE_MINOR_VERSION,
	PURPLE_PLUGIN_STANDARD,
	NULL,                      /* ui_requirement */
	0,                         /* flags */
	NULL,                      /* dependencies */
	PURPLE_PRIORITY_DEFAULT,
	ETQP_ID,
	NULL,                      /* name, set in init_plugin (translated) */
	ETQ_VERSION_STRING,
	NULL,                      /* summary */
	NULL,                      /* description */
	"purple-etiquette",
	NULL,                      /* homepage */
	plugin_load,
	plugin_unload,
	NULL,                      /* destroy */
	NULL,                      /* ui_info */
	NULL,                      /* extra_info */
	&prefs_info,
	NULL,                      /* actions */
	NULL, NULL, NULL, NULL
};

static void init_plugin(PurplePlugin *plugin)
{
	char *dir = locale_dir(plugin);

	bindtextdomain(GETTEXT_PACKAGE, dir);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	g_free(dir);

	info.name = _("Etiquette");
	info.summary = _("Checks chat messages for social-etiquette problems.");
	info.description = _("Warns before a message that could come across badly "
		"leaves (a cold ask, a template, a personal ask in a channel), and "
		"writes hints into the conversation: thank people who share your "
		"work, answer questions, you need not answer every message. Rule "
		"sets can be switched on and off in the preferences.");
	etqp_prefs_init();
}

PURPLE_INIT_PLUGIN(etiquette, init_plugin, info)
