/* fuzz-common.h — what the libFuzzer targets share.
 *
 * FUZZ_SRCDIR is the repository (set by mk/fuzz.mk), so a target finds the
 * shipped rules/ wherever it runs. A broken invariant aborts, which libFuzzer
 * reports as a crash with the input that caused it. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "etiquette.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

#define FUZZ_ASSERT(cond)                                                                   \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz invariant failed: %s (%s:%d)\n", #cond, __FILE__, \
			        __LINE__);                                                  \
			abort();                                                            \
		}                                                                           \
	} while (0)

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* GLib's own allocator would hide use-after-free from ASan. */
G_GNUC_UNUSED static void
fuzz_env(void)
{
	setenv("G_SLICE", "always-malloc", 1);
	setenv("G_DEBUG", "gc-friendly", 1);
	setenv("LANGUAGE", "en", 1);
}

/* The shipped rule sets, loaded once; any load error is a bug in itself. */
G_GNUC_UNUSED static EtqRules *
fuzz_shipped_rules(void)
{
	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	guint n = etq_rules_load_dir(rules, FUZZ_SRCDIR "/rules", errors);
	for (guint i = 0; i < errors->len; i++)
		fprintf(stderr, "fuzz: shipped rules: %s\n", (char *)g_ptr_array_index(errors, i));
	if (n == 0 || errors->len) {
		fprintf(stderr, "fuzz: the shipped rules in %s/rules did not load\n", FUZZ_SRCDIR);
		abort();
	}
	g_ptr_array_unref(errors);
	return rules;
}

/* A language the core names is "und" or one with a shipped profile
 * (rules/languages/<code>.json): languages are data, not a list here. */
G_GNUC_UNUSED static gboolean
fuzz_lang_ok(const char *lang)
{
	static GHashTable *known;
	if (!lang)
		return FALSE;
	if (strcmp(lang, "und") == 0)
		return TRUE;
	if (!known)
		known = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	gpointer seen = g_hash_table_lookup(known, lang);
	if (!seen) {
		char *file = g_strdup_printf("rules/languages/%s.json", lang);
		seen = GINT_TO_POINTER(g_file_test(file, G_FILE_TEST_IS_REGULAR) ? 1 : 2);
		g_free(file);
		g_hash_table_insert(known, g_strdup(lang), seen);
	}
	return GPOINTER_TO_INT(seen) == 1;
}

/* Every finding is complete, and its span lies inside the text it is about. */
G_GNUC_UNUSED static void
fuzz_check_findings(GPtrArray *found, const char *text)
{
	FUZZ_ASSERT(found != NULL);
	gsize len = text ? strlen(text) : 0;
	for (guint i = 0; i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		FUZZ_ASSERT(f && f->category && f->rule && f->message && f->conv);
		FUZZ_ASSERT(f->severity == ETQ_SEVERITY_HINT || f->severity == ETQ_SEVERITY_WARN);
		FUZZ_ASSERT(etq_severity_name(f->severity) != NULL);
		if (f->span_start < 0) {
			FUZZ_ASSERT(f->span_end < 0);
		} else {
			FUZZ_ASSERT(text != NULL);
			FUZZ_ASSERT(f->span_start <= f->span_end && (gsize)f->span_end <= len);
		}
	}
}

#endif
