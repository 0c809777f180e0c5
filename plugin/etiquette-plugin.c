/* etiquette-plugin.c — the plugin's info, loading and unloading.
 *
 * Load: start reading the rule sets (shipped, then the user's rules_dir)
 * in a thread (loader.c), connect the signals; the core's state is made
 * with the first rules. Unload: disconnect everything, stop the load and
 * the timer, close the dialogs (their held text goes back to the user),
 * free all state.
 */
#include "etiquette-plugin.h"
#include "translations.h"

#ifndef ETQ_RULES_DIR
#define ETQ_RULES_DIR "/usr/local/share/purple-etiquette/rules"
#endif

EtqPlugin *etqp = NULL;

/* rules/ of the source tree next to build/, else the installed folder. */
char *etqp_shipped_rules_dir(void)
{
	char *build = etq_source_build_dir(etqp->plugin ? etqp->plugin->path : NULL);

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

/* The rules in use from now on, with a toggle per rule set. */
static void adopt_rules(EtqRules *rules)
{
	etqp->rules = rules;
	etqp_prefs_add_rulesets();
	etqp_prefs_apply();
	purple_debug_info(ETQP_DEBUG, "%u rule sets in use\n", etq_rules_n_sets(rules));
}

/* The first rules come with a fresh state, configured from the
 * preferences. */
static void start_core(EtqRules *rules)
{
	EtqConfig config;

	adopt_rules(rules);
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

/* New rules for the same state: who the user talked with, pending
 * reminders and recent posts stay. */
void etqp_use_rules(EtqRules *rules)
{
	EtqRules *old = etqp->rules;

	if (old == NULL) {
		start_core(rules);
		return;
	}
	adopt_rules(rules);
	etq_state_set_rules(etqp->state, rules);
	etq_rules_free(old);
	etqp_timers_update();
}

static gboolean plugin_load(PurplePlugin *plugin)
{
	etqp = g_new0(EtqPlugin, 1);
	etqp->plugin = plugin;
	etqp_load_start(); /* adopted when done, or when first needed */
	etqp_convs_init();
	etqp_giveback_register(plugin);
	etqp_draft_register(plugin);
	etqp_returns_init();
	etqp_outgoing_connect(plugin);
	etqp_returns_connect(plugin);
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
	etqp_reload_stop();
	etqp_load_stop();
	etqp_outgoing_give_back_all();
	etqp_giveback_unregister(plugin);
	purple_plugin_ipc_unregister_all(plugin);
	etqp_convs_free();
	etqp_returns_free();
	etqp_quiet_free();
	stop_core();
	g_free(etqp);
	etqp = NULL;
	return TRUE;
}

/* For the tests: what the plugin holds now. out[0] conversations in the
 * core, [1] conversations in the plugin, [2] held lines, [3] open or
 * dialogs, [4] timers, [5] loaded. Returns how many it filled. */
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
			v[3] += c->dialog != NULL;
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
	"purple-etiquette contributors",
	/* a placeholder until the project has a public repository */
	"https://github.com/purple-etiquette/purple-etiquette",
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
	etq_bind_translations(plugin->path);
	info.name = _("Etiquette");
	info.summary = _("Asks before a message that could come across badly "
		"leaves, and writes etiquette hints into your conversations.");
	info.description = _("Before a cold ask to a stranger, a template "
		"(\"Dear ___\"), a personal favour asked in front of a whole channel "
		"or the same post sent everywhere leaves, it asks: Send anyway or "
		"Edit (your text is never lost). While you chat it writes short hints "
		"that are never logged: thank people who share your work, answer "
		"questions, you need not answer every message. Rule sets in English, "
		"German, Italian, Norwegian and French are JSON files you can switch off or "
		"extend with your own in the preferences. Everything stays on your "
		"computer.");
	etqp_prefs_init();
}

PURPLE_INIT_PLUGIN(etiquette, init_plugin, info)
