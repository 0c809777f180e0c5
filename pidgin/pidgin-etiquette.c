/* pidgin-etiquette.c — the Pidgin companion's info, loading and unloading.
 *
 * Split like purple-plugin-pack's smartear / gtksmartear: the checking is
 * the libpurple plugin core-etiquette (every UI); this Pidgin plugin needs
 * it (libpurple loads it first and unloads this one before it) and adds
 * what only Pidgin's GTK UI can do.
 */
#include "pidgin-etiquette.h"
#include "../plugin/translations.h"

#ifndef ETQ_VERSION
#define ETQ_VERSION "0.1"
#endif

gboolean etqg_test_hooks = FALSE;

static gboolean plugin_load(PurplePlugin *plugin)
{
	PurplePlugin *core = purple_plugins_find_with_id(ETQG_CORE_ID);

	if (core == NULL || !purple_plugin_is_loaded(core))
		return FALSE;
	etqg_test_hooks = g_getenv("ETQ_TEST_HOOKS") != NULL;
	etqg_giveback_connect(plugin, core);
	etqg_live_start(plugin, core);
	etqg_prefs_connect(plugin);
	return TRUE;
}

static gboolean plugin_unload(PurplePlugin *plugin)
{
	purple_signals_disconnect_by_handle(plugin);
	purple_prefs_disconnect_by_handle(plugin);
	etqg_live_stop();
	return TRUE;
}

static PidginPluginUiInfo ui_info = {
	etqg_prefs_frame,
	0,    /* page_num (reserved) */
	NULL, NULL, NULL, NULL
};

static PurplePluginInfo info = {
	PURPLE_PLUGIN_MAGIC,
	PURPLE_MAJOR_VERSION,
	PURPLE_MINOR_VERSION,
	PURPLE_PLUGIN_STANDARD,
	PIDGIN_PLUGIN_TYPE,
	0,                         /* flags */
	NULL,                      /* dependencies, set in init_plugin */
	PURPLE_PRIORITY_DEFAULT,
	ETQG_ID,
	NULL,                      /* name, set in init_plugin (translated) */
	ETQ_VERSION,
	NULL,                      /* summary */
	NULL,                      /* description */
	"purple-etiquette",
	NULL,                      /* homepage */
	plugin_load,
	plugin_unload,
	NULL,                      /* destroy */
	&ui_info,
	NULL,                      /* extra_info */
	NULL,                      /* prefs_info */
	NULL,                      /* actions */
	NULL, NULL, NULL, NULL
};

static void init_plugin(PurplePlugin *plugin)
{
	etq_bind_translations(plugin->path);
	info.dependencies = g_list_append(NULL, ETQG_CORE_ID);
	info.name = _("Etiquette for Pidgin");
	info.summary = _("Text back into the input box, and a line that says what a "
		"message would trigger while you type.");
	info.description = _("The Pidgin side of Etiquette (tick both): a message you "
		"chose to edit goes back into the input box, and while you type, a line "
		"under the input box says what the message would trigger, so you can "
		"fix it before pressing Enter.");
	etqg_prefs_init();
}

PURPLE_INIT_PLUGIN(pidgin_etiquette, init_plugin, info)
