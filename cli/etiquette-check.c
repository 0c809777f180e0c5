/* etiquette-check — the rule core on JSON lines (see DESIGN.md §2).
 *
 * One run is one history: every event line goes through one EtqState, and
 * every input line gets exactly one output line, even a broken one. */
#include <stdio.h>
#include <string.h>
#include <locale.h>
#include <unistd.h>
#include <sys/stat.h>
#include <libintl.h>
#include <cJSON.h>
#include "etiquette.h"

enum { EXIT_USAGE = 2, EXIT_RULES = 1 };

typedef struct {
	gboolean text_format;
	gboolean colour;
	gint64 last_t;
	guint line_no;
} Output;

/* ---- where things are ---- */

static char *
exe_dir(void)
{
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	char *dir = exe ? g_path_get_dirname(exe) : g_strdup(".");
	g_free(exe);
	return dir;
}

/* The source tree's rules/ when run from it or from build/, else the installed ones. */
static char *
default_rules_dir(void)
{
	if (g_file_test("rules/networking", G_FILE_TEST_IS_DIR))
		return g_strdup("rules");
	char *dir = exe_dir();
	char *tree = g_build_filename(dir, "..", "rules", NULL);
	g_free(dir);
	if (g_file_test(tree, G_FILE_TEST_IS_DIR))
		return tree;
	g_free(tree);
	return g_strdup(ETQ_RULES_DIR);
}

static void
setup_locale(void)
{
	setlocale(LC_ALL, "");
	char *dir = exe_dir();
	char *local = g_build_filename(dir, "locale", NULL);
	bindtextdomain("purple-etiquette", g_file_test(local, G_FILE_TEST_IS_DIR) ? local : ETQ_LOCALE_DIR);
	bind_textdomain_codeset("purple-etiquette", "UTF-8");
	g_free(local);
	g_free(dir);
}

/* ---- memory for lines ----
 * cJSON allocates every node and string on its own; for a stream of small
 * lines, a bump allocator emptied after the lines are done is several times
 * faster. Only the parse and print of event lines use it, never the rules.
 * (cJSON's hooks are global.) */

typedef struct {
	GSList *blocks;   /* the current block first */
	gsize used, size;
	gsize total;      /* bytes handed out since the last reset */
} Arena;

static Arena *arena_here;

static void *
arena_alloc(size_t n)
{
	Arena *a = arena_here;
	n = (n + 15) & ~(size_t)15;
	if (!a->blocks || a->used + n > a->size) {
		gsize size = MAX(n, 64 * 1024);
		a->blocks = g_slist_prepend(a->blocks, g_malloc(size));
		a->used = 0;
		a->size = size;
	}
	void *p = (char *)a->blocks->data + a->used;
	a->used += n;
	a->total += n;
	return p;
}

static void
arena_free(void *p)
{
	(void)p; /* all of it goes at once in arena_reset */
}

static void
arena_reset(Arena *a)
{
	if (a->blocks && a->blocks->next) { /* big lines: give the memory back */
		g_slist_free_full(a->blocks, g_free);
		a->blocks = NULL;
	}
	a->used = a->total = 0;
}

static void
arena_clear(Arena *a)
{
	g_slist_free_full(a->blocks, g_free);
	a->blocks = NULL;
}

/* ---- events ---- */

/* The fields of an event, found in one pass over the object (the first of
 * a repeated key wins, as with cJSON_GetObjectItem). */
typedef struct {
	const cJSON *t, *tick, *known, *text, *dir, *chat, *peer, *conv, *me;
} Fields;

static void
collect(const cJSON *obj, Fields *f)
{
	static const struct { const char *key; gsize offset; } keys[] = {
		{ "t", G_STRUCT_OFFSET(Fields, t) }, { "tick", G_STRUCT_OFFSET(Fields, tick) },
		{ "known", G_STRUCT_OFFSET(Fields, known) }, { "text", G_STRUCT_OFFSET(Fields, text) },
		{ "dir", G_STRUCT_OFFSET(Fields, dir) }, { "chat", G_STRUCT_OFFSET(Fields, chat) },
		{ "peer", G_STRUCT_OFFSET(Fields, peer) }, { "conv", G_STRUCT_OFFSET(Fields, conv) },
		{ "me", G_STRUCT_OFFSET(Fields, me) },
	};
	memset(f, 0, sizeof *f);
	for (const cJSON *e = obj->child; e; e = e->next) {
		if (cJSON_IsNull(e))
			continue; /* an optional field given as null is absent */
		for (gsize k = 0; k < G_N_ELEMENTS(keys); k++) {
			if (e->string[0] != keys[k].key[0] || strcmp(e->string, keys[k].key) != 0)
				continue;
			const cJSON **slot = G_STRUCT_MEMBER_P(f, keys[k].offset);
			if (!*slot)
				*slot = e;
			break;
		}
	}
}

static const char *
string_field(const cJSON *j, const char *key, gboolean required, const char **err)
{
	if ((j && !cJSON_IsString(j)) || (!j && required)) {
		if (!*err)
			*err = key;
		return NULL;
	}
	return j ? j->valuestring : NULL;
}

/* Fills ev from a parsed line; returns an error text or NULL. */
static char *
parse_event(const cJSON *j, EtqEvent *ev, gboolean *tick, Output *o)
{
	if (!cJSON_IsObject(j))
		return g_strdup("an event is a JSON object");
	Fields f;
	collect(j, &f);
	if (f.t && (!cJSON_IsNumber(f.t) || !(f.t->valuedouble > -1e15 && f.t->valuedouble < 1e15)))
		return g_strdup("\"t\" must be a number of seconds");
	ev->t = f.t ? (gint64)f.t->valuedouble : o->last_t;
	if (ev->t < o->last_t)
		ev->t = o->last_t; /* time never runs backwards */
	*tick = cJSON_IsTrue(f.tick);
	if (f.tick && !cJSON_IsBool(f.tick))
		return g_strdup("\"tick\" must be true or false");
	if (*tick)
		return f.t ? NULL : g_strdup("a tick needs \"t\"");
	const char *bad = NULL;
	ev->text = string_field(f.text, "text", TRUE, &bad);
	const char *dir = string_field(f.dir, "dir", TRUE, &bad);
	const char *chat = string_field(f.chat, "chat", TRUE, &bad);
	ev->peer = string_field(f.peer, "peer", FALSE, &bad);
	ev->conv = string_field(f.conv, "conv", FALSE, &bad);
	ev->me = string_field(f.me, "me", FALSE, &bad);
	if (bad)
		return g_strdup_printf("\"%s\" is missing or not a text", bad);
	if (strcmp(dir, "in") && strcmp(dir, "out"))
		return g_strdup("\"dir\" must be \"in\" or \"out\"");
	if (strcmp(chat, "im") && strcmp(chat, "group"))
		return g_strdup("\"chat\" must be \"im\" or \"group\"");
	if (f.known && !cJSON_IsBool(f.known))
		return g_strdup("\"known\" must be true or false");
	ev->dir = strcmp(dir, "out") == 0 ? ETQ_DIR_OUT : ETQ_DIR_IN;
	ev->chat = strcmp(chat, "im") == 0 ? ETQ_CHAT_IM : ETQ_CHAT_GROUP;
	ev->known = !f.known ? ETQ_KNOWN_UNSET : cJSON_IsTrue(f.known) ? ETQ_KNOWN_YES : ETQ_KNOWN_NO;
	if (!ev->peer)
		ev->peer = "";
	o->last_t = ev->t;
	return NULL;
}

/* ---- output ---- */

static cJSON *
finding_json(const EtqFinding *f)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "category", f->category);
	cJSON_AddStringToObject(o, "rule", f->rule);
	cJSON_AddStringToObject(o, "severity", etq_severity_name(f->severity));
	cJSON_AddStringToObject(o, "message", f->message ? f->message : "");
	if (f->suggestion)
		cJSON_AddStringToObject(o, "suggestion", f->suggestion);
	if (f->span_start >= 0) { /* raw: cJSON would format the numbers as doubles */
		char span[64];
		g_snprintf(span, sizeof span, "[%" G_GSSIZE_FORMAT ",%" G_GSSIZE_FORMAT "]", f->span_start, f->span_end);
		cJSON_AddRawToObject(o, "span", span);
	}
	char *conv = g_utf8_make_valid(f->conv ? f->conv : "", -1);
	cJSON_AddStringToObject(o, "conv", conv);
	g_free(conv);
	return o;
}

static void
print_json(const char *lang, const char *error, GPtrArray *found)
{
	if (!error && (!found || found->len == 0)) { /* the common case, without building a tree */
		if (lang) { /* no format to parse on the most common line */
			fputs("{\"lang\":\"", stdout);
			fputs(lang, stdout);
			fputs("\",\"findings\":[]}\n", stdout);
		} else {
			fputs("{\"findings\":[]}\n", stdout);
		}
		return;
	}
	cJSON *o = cJSON_CreateObject();
	if (error)
		cJSON_AddStringToObject(o, "error", error);
	if (lang)
		cJSON_AddStringToObject(o, "lang", lang);
	cJSON *arr = cJSON_AddArrayToObject(o, "findings");
	for (guint i = 0; found && i < found->len; i++)
		cJSON_AddItemToArray(arr, finding_json(g_ptr_array_index(found, i)));
	/* A buffer big enough for most lines at once; cJSON grows it if not.
	 * The arena takes back the tree and the text after the line. */
	puts(cJSON_PrintBuffered(o, 4096, FALSE));
}

static void
print_text(const Output *o, const char *text, const char *error, GPtrArray *found)
{
	const char *warn = o->colour ? "\033[1;31m" : "", *hint = o->colour ? "\033[36m" : "";
	const char *dim = o->colour ? "\033[2m" : "", *off = o->colour ? "\033[0m" : "";
	if (error)
		printf("%sline %u: error: %s%s\n", warn, o->line_no, error, off);
	for (guint i = 0; found && i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		printf("%sline %u:%s %s%s %s%s [%s]\n", dim, o->line_no, off,
		       f->severity == ETQ_SEVERITY_WARN ? warn : hint, etq_severity_name(f->severity),
		       f->category, off, f->rule);
		if (text && f->span_start >= 0 && f->span_end - f->span_start < 200) {
			char *quote = g_utf8_make_valid(text + f->span_start, f->span_end - f->span_start);
			printf("  \"%s\" (%s)\n", quote, f->conv);
			g_free(quote);
		}
		printf("  %s\n", f->message);
		if (f->suggestion)
			printf("  %s→ %s%s\n", dim, f->suggestion, off);
	}
}

/* A line as cJSON reads it, or NULL if it is not JSON. */
static cJSON *
parse_line(char *line, gsize len)
{
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return cJSON_ParseWithLength(line, len);
}

/* Checks and prints one parsed line (the arena takes back j). */
static void
handle_line(EtqState *st, Output *o, const cJSON *j)
{
	o->line_no++;
	EtqEvent ev = { 0 };
	gboolean tick = FALSE;
	char *error = NULL;
	GPtrArray *found = NULL;
	const char *lang = NULL;
	if (!j)
		error = g_strdup("not a JSON object");
	else
		error = parse_event(j, &ev, &tick, o);
	if (!error)
		found = tick ? etq_state_tick(st, ev.t) : etq_state_feed(st, &ev, &lang);
	if (o->text_format)
		print_text(o, tick ? NULL : ev.text, error, found);
	else
		print_json(lang, error, found);
	if (found)
		g_ptr_array_unref(found);
	g_free(error);
}

/* Line by line, also for a pipe or a terminal, where the next line may only
 * come once this one is answered. */
static void
run_lines(EtqState *st, Output *o, FILE *in)
{
	Arena arena = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	arena_here = &arena;
	while ((n = getline(&line, &cap, in)) >= 0) {
		handle_line(st, o, parse_line(line, n));
		arena_reset(&arena);
	}
	free(line);
	arena_clear(&arena);
}

static void
run_stream(EtqRules *rules, FILE *in, Output *o)
{
	EtqState *st = etq_state_new(rules, NULL);
	cJSON_Hooks hooks = { arena_alloc, arena_free };
	cJSON_InitHooks(&hooks);
	run_lines(st, o, in);
	cJSON_InitHooks(NULL);
	arena_here = NULL;
	etq_state_free(st);
}

static gboolean
is_file(FILE *f)
{
	struct stat info;
	return fstat(fileno(f), &info) == 0 && S_ISREG(info.st_mode);
}

static int
run(EtqRules *rules, const char *file, Output *o)
{
	FILE *in = file ? fopen(file, "rb") : stdin;
	if (!in) {
		fprintf(stderr, "etiquette-check: cannot open %s\n", file);
		return EXIT_USAGE;
	}
	/* A client that writes a line and waits for its answer gets it at once. */
	if (!is_file(in) && !is_file(stdout))
		setvbuf(stdout, NULL, _IOLBF, 0);
	run_stream(rules, in, o);
	if (file)
		fclose(in);
	return 0;
}

/* ---- the other modes ---- */

static void
list_sets(const EtqRules *rules)
{
	for (guint i = 0; i < etq_rules_n_sets(rules); i++) {
		const EtqRuleSet *s = etq_rules_get_set(rules, i);
		char *langs = g_strjoinv(",", (char **)etq_rule_set_languages(s));
		printf("%-16s %-3s %-12s %3u rules  %s\n    %s\n", etq_rule_set_name(s),
		       etq_rule_set_enabled(s) ? "on" : "off", *langs ? langs : "*",
		       etq_rule_set_n_rules(s), etq_rule_set_path(s), etq_rule_set_description(s));
		g_free(langs);
	}
}

static int
validate(EtqRules *rules, GPtrArray *errors)
{
	etq_rules_self_test(rules, errors);
	for (guint i = 0; i < errors->len; i++)
		printf("%s\n", (char *)g_ptr_array_index(errors, i));
	guint n_rules = 0;
	for (guint i = 0; i < etq_rules_n_sets(rules); i++)
		n_rules += etq_rule_set_n_rules(etq_rules_get_set(rules, i));
	printf("%u rule sets, %u rules: %s\n", etq_rules_n_sets(rules), n_rules,
	       errors->len ? "problems found" : "OK");
	return errors->len ? EXIT_RULES : 0;
}

static gboolean
toggle(EtqRules *rules, char **names, gboolean on)
{
	for (char **n = names; n && *n; n++)
		if (!etq_rules_set_enabled(rules, *n, on)) {
			fprintf(stderr, "etiquette-check: no rule set \"%s\" (see --list)\n", *n);
			return FALSE;
		}
	return TRUE;
}

int
main(int argc, char **argv)
{
	g_autofree char *format = NULL;
	g_auto(GStrv) dirs = NULL, enable = NULL, disable = NULL;
	gboolean do_validate = FALSE, do_list = FALSE, no_default = FALSE;
	GOptionEntry entries[] = {
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format, "Output format: json (default) or text", "json|text" },
		{ "rules", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &dirs, "Add a folder of rule sets after the shipped ones (repeatable; a set of the same name replaces the earlier one)", "DIR" },
		{ "no-default-rules", 0, 0, G_OPTION_ARG_NONE, &no_default, "Leave the shipped rules out", NULL },
		{ "enable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &enable, "Switch a rule set on", "SET" },
		{ "disable", 0, 0, G_OPTION_ARG_STRING_ARRAY, &disable, "Switch a rule set off", "SET" },
		{ "validate", 0, 0, G_OPTION_ARG_NONE, &do_validate, "Check the rule files and their examples", NULL },
		{ "list", 0, 0, G_OPTION_ARG_NONE, &do_list, "List the rule sets", NULL },
		{ NULL }
	};
	setup_locale();
	GOptionContext *ctx = g_option_context_new("[FILE] — check chat events (JSON lines) for etiquette");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *err = NULL;
	int status = 0;
	if (!g_option_context_parse(ctx, &argc, &argv, &err) || argc > 2 ||
	    (format && strcmp(format, "json") && strcmp(format, "text"))) {
		fprintf(stderr, "etiquette-check: %s\n%s", err ? err->message : "bad arguments",
		        "usage: etiquette-check [--format json|text] [--rules DIR]... [--no-default-rules] [--enable SET] [--disable SET] [FILE]\n"
		        "       etiquette-check --validate [--rules DIR]... [--no-default-rules]\n"
		        "       etiquette-check --list [--rules DIR]... [--no-default-rules]\n");
		g_clear_error(&err);
		g_option_context_free(ctx);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);

	EtqRules *rules = etq_rules_new();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	if (!no_default) {
		g_autofree char *shipped = default_rules_dir();
		etq_rules_load_dir(rules, shipped, errors);
	}
	for (char **d = dirs; d && *d; d++)
		etq_rules_load_dir(rules, *d, errors);
	etq_rules_prepare(rules);
	if (!toggle(rules, enable, TRUE) || !toggle(rules, disable, FALSE)) {
		status = EXIT_USAGE;
	} else if (do_validate) {
		status = validate(rules, errors);
	} else {
		for (guint i = 0; i < errors->len; i++)
			fprintf(stderr, "%s\n", (char *)g_ptr_array_index(errors, i));
		if (do_list) {
			list_sets(rules);
		} else {
			Output o = { .text_format = format && strcmp(format, "text") == 0,
			             .colour = isatty(STDOUT_FILENO) && !g_getenv("NO_COLOR"),
			             .last_t = 0 };
			status = run(rules, argc > 1 ? argv[1] : NULL, &o);
		}
		if (status == 0 && errors->len)
			status = EXIT_RULES;
	}
	g_ptr_array_unref(errors);
	etq_rules_free(rules);
	return status;
}
