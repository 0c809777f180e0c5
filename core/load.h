/* load.h — reading rule files, shared by rules.c (sets), rulefile.c (one
 * rules file) and profile.c (language profiles). Internal to the core. */
#ifndef ETQ_LOAD_H
#define ETQ_LOAD_H

#include <cJSON.h>
#include "internal.h"
#include "phrase.h"

/* Where a load is: the file and its text (for lines), and what the rules
 * in it may refer to. */
typedef struct {
	const char *file;
	const char *text;
	GPtrArray *errors;
	guint n_errors;
	EtqRules *rules;
	int lang;
	const cJSON *lists;
	GStringChunk *strings;  /* the set's phrase texts */
	GHashTable *expanded;   /* list name -> EtqRule holding its phrases */
	const EtqProfile *profile; /* the language profile being read, if one is */
	EtqText *scan;          /* the tokeniser's buffers, reused for every phrase of the file */
	/* While etq_parse_rules runs: where it is, e.g. "rules/3/examples/1",
	 * kept as it goes down so that no path is formatted for every value. */
	GString *at;
} EtqLoad;

/* Adds "FILE:LINE: reason" for the value at path (e.g. "rules/3/category"). */
G_GNUC_PRINTF(3, 4) void etq_fail(EtqLoad *c, const char *path, const char *fmt, ...);
/* The same for the value at key below c->at. */
G_GNUC_PRINTF(3, 4) void etq_fail_in(EtqLoad *c, const char *key, const char *fmt, ...);
/* Go down to key or index below c->at; each returns what etq_at_up takes back. */
gsize etq_at_key(EtqLoad *c, const char *key);
gsize etq_at_index(EtqLoad *c, guint i);
void etq_at_up(EtqLoad *c, gsize len);
/* A file's text and its JSON tree (json.c). */
typedef struct {
	char *text;
	cJSON *root;
	EtqJsonBlock *blocks;   /* the tree's memory, or NULL: cJSON's own tree */
	EtqJsonBlock **spare;   /* where the blocks go when it is cleared */
} EtqJson;

/* The parsed JSON of a file (json->root), or NULL with an error added;
 * either way etq_json_clear frees json (its blocks to rules->json_spare). */
cJSON *etq_load_json(EtqRules *rules, const char *file, EtqJson *json, GPtrArray *errors, guint *n_errors);
void etq_json_clear(EtqJson *json);
gboolean etq_check_keys(EtqLoad *c, const cJSON *obj, const char *path, const char *const *allowed);
int etq_index_of(const char *const *names, const char *s);
gboolean etq_l10n_parse(EtqLoad *c, const cJSON *j, const char *path, EtqText_l10n *out);
void etq_l10n_clear(EtqText_l10n *t);
gboolean etq_phrase_valid(EtqLoad *c, const char *path, const char *phrase);
/* The names in dir, sorted, without hidden files. */
GPtrArray *etq_sorted_entries(const char *dir);

/* rulefile.c: the rules of one file into set; FALSE (nothing added) on any error. */
gboolean etq_parse_rules(EtqLoad *c, const cJSON *root, EtqRuleSet *set, GHashTable *ids);
void etq_rule_free(gpointer rule);

/* profile.c */
void etq_load_profiles(EtqRules *rules, const char *dir, GPtrArray *errors, guint *n_errors);
void etq_profile_free(EtqProfile *p);

#endif
