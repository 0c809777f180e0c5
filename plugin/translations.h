/* translations.h — where the core plugin and Pidgin's companion find
 * their translations.
 *
 * Both use the text domain purple-etiquette, and a process has one folder
 * per domain: whichever plugin binds it last decides for both (Pidgin
 * probes them in no set order). So both bind it by this one rule, from
 * their own file: build/locale when that file, links resolved, is in the
 * build/ folder of a source tree (the tests load both through links),
 * else the installed ETQ_LOCALE_DIR. Include after the plugin's header,
 * which defines GETTEXT_PACKAGE.
 */
#ifndef ETQ_TRANSLATIONS_H
#define ETQ_TRANSLATIONS_H

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libintl.h>

#ifndef ETQ_LOCALE_DIR
#define ETQ_LOCALE_DIR "/usr/local/share/locale"
#endif

/* The build folder of a source tree when the file at path (or what it
 * links to) is in a folder called "build"; NULL otherwise. */
static inline char *etq_source_build_dir(const char *path)
{
	char *dir, *base, *file;

	if (path == NULL)
		return NULL;
	file = realpath(path, NULL);
	dir = g_path_get_dirname(file ? file : path);
	free(file);
	base = g_path_get_basename(dir);
	if (strcmp(base, "build") != 0) {
		g_free(dir);
		dir = NULL;
	}
	g_free(base);
	return dir;
}

/* Binds GETTEXT_PACKAGE for the plugin file at path. */
static inline void etq_bind_translations(const char *path)
{
	char *build = etq_source_build_dir(path);
	char *built = build ? g_build_filename(build, "locale", NULL) : NULL;

	bindtextdomain(GETTEXT_PACKAGE, built && g_file_test(built, G_FILE_TEST_IS_DIR) ?
	               built : ETQ_LOCALE_DIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	g_free(build);
	g_free(built);
}

#endif
