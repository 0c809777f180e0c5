/* reload.c — the user's rules folder (rules_dir) is read again when it
 * changed.
 *
 * Pidgin writes a string preference at every key pressed in its entry, so
 * a change is acted on only after the preference rests for RELOAD_DELAY_MS.
 * Then the folder is read again only if its content differs from what was
 * loaded (a digest of the path, every file's name and bytes), and used only
 * if it loads without a problem: a broken or missing folder keeps the last
 * good rules and says so once (per broken content). The conversation state
 * keeps going with the new rules. The folder is read in the loader's
 * thread (loader.c); the rules in use stay until the new ones are adopted.
 */
#include <string.h>

#include "etiquette-plugin.h"

#define RELOAD_DELAY_MS 1000
/* Deeper than any rule set is laid out; stops at a loop of links. */
#define MAX_DEPTH 8

static gint by_name(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void digest_dir(GChecksum *sum, const char *dir, int depth)
{
	GDir *d = depth < MAX_DEPTH ? g_dir_open(dir, 0, NULL) : NULL;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	guint i;

	while (d != NULL && (name = g_dir_read_name(d)) != NULL)
		g_ptr_array_add(names, g_strdup(name));
	if (d != NULL)
		g_dir_close(d);
	g_ptr_array_sort(names, by_name);
	for (i = 0; i < names->len; i++) {
		char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
		char *bytes = NULL;
		gsize len = 0;

		g_checksum_update(sum, (const guchar *)path, strlen(path) + 1);
		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			digest_dir(sum, path, depth + 1);
		else if (g_file_get_contents(path, &bytes, &len, NULL))
			g_checksum_update(sum, (const guchar *)bytes, len);
		g_free(bytes);
		g_free(path);
	}
	g_ptr_array_unref(names);
}

/* What the user's folder (given: NULL when rules_dir is empty) holds now;
 * "" for none. GLib only: the loader's worker calls it. */
char *etqp_folder_digest(const char *given)
{
	char *dir = given ? g_canonicalize_filename(given, NULL) : NULL;
	GChecksum *sum;
	char *digest;

	if (dir == NULL)
		return g_strdup("");
	sum = g_checksum_new(G_CHECKSUM_SHA256);
	g_checksum_update(sum, (const guchar *)dir, strlen(dir) + 1);
	if (g_file_test(dir, G_FILE_TEST_IS_DIR))
		digest_dir(sum, dir, 0);
	digest = g_strdup(g_checksum_get_string(sum));
	g_checksum_free(sum);
	g_free(dir);
	return digest;
}

static void tell_broken(const GPtrArray *errors)
{
	GString *text = g_string_new(NULL);
	guint i;

	for (i = 0; i < errors->len && i < 5; i++)
		g_string_append_printf(text, "%s%s", i ? "\n" : "",
		                       (const char *)g_ptr_array_index(errors, i));
	if (errors->len > 5)
		g_string_append(text, "\n\xe2\x80\xa6");
	purple_debug_warning(ETQP_DEBUG, "rules folder not loaded, the last good rules "
	                     "stay: %s\n", text->str);
	purple_notify_warning(NULL, _("Etiquette"),
		_("Your rules folder has problems: the rules loaded before stay in use."),
		text->str);
	g_string_free(text, TRUE);
}

/* A load ended (loader.c): its rules are used, unless rules are in use
 * and the user's folder has problems. Takes digest and rules (NULL: the
 * folder did not change). */
void etqp_rules_loaded(char *digest, EtqRules *rules, const GPtrArray *errors)
{
	gboolean reload = etqp->rules != NULL;

	if (reload)
		purple_debug_info(ETQP_DEBUG, "rules folder looked at\n");
	if (rules == NULL) {
		g_free(digest);
	} else if (reload && errors->len > 0) {
		etq_rules_free(rules);
		if (g_strcmp0(digest, etqp->broken_seen) != 0)
			tell_broken(errors);
		g_free(etqp->broken_seen);
		etqp->broken_seen = digest;
	} else {
		etqp_use_rules(rules);
		if (reload)
			purple_debug_info(ETQP_DEBUG, "rules folder reloaded\n");
		g_free(etqp->rules_seen);
		etqp->rules_seen = digest;
		g_clear_pointer(&etqp->broken_seen, g_free);
	}
}

static gboolean reload_cb(gpointer data)
{
	(void)data;
	etqp->reload_source = 0;
	etqp_load_start();
	return FALSE;
}

/* rules_dir was written: look at it once it rests. */
void etqp_reload_later(void)
{
	if (etqp->reload_source != 0)
		purple_timeout_remove(etqp->reload_source);
	etqp->reload_source = purple_timeout_add(RELOAD_DELAY_MS, reload_cb, NULL);
}

void etqp_reload_stop(void)
{
	if (etqp->reload_source != 0)
		purple_timeout_remove(etqp->reload_source);
	etqp->reload_source = 0;
	g_clear_pointer(&etqp->rules_seen, g_free);
	g_clear_pointer(&etqp->broken_seen, g_free);
}
