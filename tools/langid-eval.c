/* langid-eval.c — how well do we tell the languages of rules/languages apart
 * in short lines?
 *
 * Reads files of labelled lines (one message a line; the label is the last
 * dot-separated part of the name before ".txt", as in everyday.de.txt, or
 * given as FILE=LANG; a line starting with "# " is a comment, such as a
 * sample's header) and runs every line through
 *
 *   ours      etq_rules_language() with the rules of --rules (default rules/)
 *   textcat   libexttextcat with every fingerprint it ships (fpdb.conf), its
 *             tag mapped to our languages' codes; any other counts as und
 *   textcat4  libexttextcat with only the fingerprints of our languages,
 *             the same choices our scorer has
 *
 * It prints, per scorer and file, the share correct, the share "und" and the
 * share wrong, overall and by length (<=20, 21-50, >50 characters).
 * "und" is never correct. With --tap MIN it prints TAP lines instead: one per
 * file, ok when our share correct is at least MIN; one more, ok when our
 * share of lines given a wrong language (not "und") is at most MAX (default
 * 0.02); and "# measure" lines with the figures of every scorer. --errors
 * lists the lines a scorer got wrong (file, truth, guess, line).
 *
 *   langid-eval [--rules DIR]... [--textcat-dir DIR] [--tap MIN [--max-wrong MAX]]
 *               [--errors SCORER] [--no-textcat] FILE[=LANG]...
 *
 * Built without HAVE_EXTTEXTCAT it measures our scorer only. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include "etiquette.h"
#include "internal.h" /* etq_analyse, etq_langid: to time the scorer alone */
#ifdef HAVE_EXTTEXTCAT
#include <textcat.h>
#endif

#ifndef EXTTEXTCAT_DATA
#define EXTTEXTCAT_DATA "/usr/share/libexttextcat"
#endif

/* The codes of our languages (the profiles loaded), then "und" and
 * "other": libexttextcat named a language that is not ours; it counts as
 * "und" (neither right nor a wrong one of ours), but is listed apart. */
static GPtrArray *langs;
static int n_langs, und, other, n_guesses; /* und and other: the indices after our languages */
#define LANG(i) ((const char *)g_ptr_array_index(langs, (i)))
enum { BUCKET_SHORT, BUCKET_MID, BUCKET_LONG, N_BUCKETS };
/* Besides the length buckets and all lines: the lines of 1 to 3 words. */
enum { ALL = N_BUCKETS, FEW_WORDS, N_COUNTS };
static const char *const bucket_names[N_BUCKETS] = { "<=20", "21-50", ">50" };

typedef struct {
	guint n, correct, und;
	guint *guessed;      /* n_guesses */
} Count;

static Count *
counts_new(gsize k)
{
	Count *c = g_new0(Count, k);
	for (gsize i = 0; i < k; i++)
		c[i].guessed = g_new0(guint, n_guesses);
	return c;
}

static void
counts_free(Count *c, gsize k)
{
	for (gsize i = 0; i < k; i++)
		g_free(c[i].guessed);
	g_free(c);
}

typedef struct {
	char *path, *name;
	int lang;
	char **lines;
	guint n_lines;
} Input;

typedef struct {
	const char *name;
	int (*guess)(gpointer data, const char *line);
	gpointer data;
	double seconds;
} Scorer;

static int
lang_index(const char *code)
{
	for (int i = 0; i <= n_langs; i++)
		if (strcmp(code, LANG(i)) == 0)
			return i;
	return -1;
}

static int
bucket_of(const char *line)
{
	glong n = 0; /* characters: bytes that do not continue one (safe on bad UTF-8) */
	for (const char *p = line; *p; p++)
		n += ((guchar)*p & 0xC0) != 0x80;
	return n <= 20 ? BUCKET_SHORT : n <= 50 ? BUCKET_MID : BUCKET_LONG;
}

static gboolean
few_words(const char *line)
{
	char **words = g_strsplit_set(line, " \t", -1);
	guint n = 0;
	for (char **w = words; *w; w++)
		n += **w != '\0';
	g_strfreev(words);
	return n <= 3;
}

/* ---- our scorer ---- */

static int
guess_ours(gpointer data, const char *line)
{
	int l = lang_index(etq_rules_language(data, line));
	return l < 0 ? und : l;
}

/* Mean ns that etq_langid_score and _decide take per line, the text
 * already scanned (which the checker does anyway): the cost of telling the
 * language. */
static double
time_langid(EtqRules *rules, GArray *inputs)
{
	EtqScratch s;
	EtqEvent ev = { 0 };
	gint64 total = 0;
	guint n = 0;
	volatile int sink = 0;
	etq_scratch_init(&s);
	for (guint f = 0; f < inputs->len; f++) {
		const Input *in = &g_array_index(inputs, Input, f);
		for (guint i = 0; i < in->n_lines; i++, n++) {
			ev.text = in->lines[i];
			etq_analyse(rules, &s, &ev);
			gint64 t0 = g_get_monotonic_time();
			for (int k = 0; k < 20; k++) {
				etq_langid_score(rules, &s.text, s.spans.ready ? &s.spans : NULL,
				                 (guint *)s.lang_scores->data);
				sink += etq_langid_decide(rules, (guint *)s.lang_scores->data, ETQ_LANG_UND);
			}
			total += g_get_monotonic_time() - t0;
		}
	}
	(void)sink;
	etq_scratch_clear(&s);
	return n ? total * 1000.0 / 20 / n : 0.0;
}

/* ---- libexttextcat ---- */

#ifdef HAVE_EXTTEXTCAT
/* "[nb--utf8][da--utf8]" -> the first (best) tag, mapped. */
static int
guess_textcat(gpointer data, const char *line)
{
	const char *out = textcat_Classify(data, line, strlen(line));
	if (!out || out[0] != '[')
		return und; /* UNKNOWN or SHORT */
	gsize n = strcspn(out + 1, "-]");
	for (int l = 0; l < n_langs; l++)
		if (strlen(LANG(l)) == n && strncmp(out + 1, LANG(l), n) == 0)
			return l;
	return other;
}

static void *
textcat_open(const char *dir, gboolean only_ours)
{
	char *conf = g_build_filename(dir, "fpdb.conf", NULL);
	char *prefix = g_strconcat(dir, G_DIR_SEPARATOR_S, NULL);
	void *h = NULL;
	if (!only_ours) {
		h = special_textcat_Init(conf, prefix);
	} else {
		/* The shipped conf, narrowed to our languages. */
		char *text = NULL, *tmp = NULL;
		GString *mine = g_string_new(NULL);
		int fd = -1;
		if (g_file_get_contents(conf, &text, NULL, NULL)) {
			char **lines = g_strsplit(text, "\n", -1);
			for (char **l = lines; *l; l++)
				for (int i = 0; i < n_langs; i++)
					if (g_str_has_prefix(*l, LANG(i)) && (*l)[strlen(LANG(i))] == '.')
						g_string_append_printf(mine, "%s\n", *l);
			g_strfreev(lines);
			fd = g_file_open_tmp("langid-eval-XXXXXX.conf", &tmp, NULL);
		}
		if (fd >= 0) {
			FILE *f = fdopen(fd, "w");
			if (f && fputs(mine->str, f) >= 0 && fclose(f) == 0)
				h = special_textcat_Init(tmp, prefix);
			else if (f)
				fclose(f);
			g_unlink(tmp);
		}
		g_free(tmp);
		g_free(text);
		g_string_free(mine, TRUE);
	}
	if (!h)
		fprintf(stderr, "langid-eval: cannot load the libexttextcat fingerprints from %s\n", conf);
	g_free(conf);
	g_free(prefix);
	return h;
}
#endif

/* ---- input ---- */

/* TRUE, FALSE (an error, told), or NO_PROFILE when skip_unknown and
 * the label is no language of the rules. */
enum { NO_PROFILE = 2 };

static int
read_input(const char *arg, Input *in, gboolean skip_unknown)
{
	const char *eq = strrchr(arg, '=');
	char *label;
	in->path = eq ? g_strndup(arg, eq - arg) : g_strdup(arg);
	char *base = g_path_get_basename(in->path);
	if (g_str_has_suffix(base, ".txt"))
		base[strlen(base) - 4] = '\0';
	if (eq) {
		label = g_strdup(eq + 1);
	} else {
		const char *dot = strrchr(base, '.');
		label = g_strdup(dot ? dot + 1 : "");
	}
	in->name = base;
	in->lang = lang_index(label);
	if (in->lang < 0 || in->lang == und) {
		fprintf(stderr, "langid-eval: %s: \"%s\" is no language of the rules "
		        "(name it x.LANG.txt or pass FILE=LANG)%s\n", in->path, label,
		        skip_unknown ? ": left out" : "");
		g_free(label);
		return skip_unknown ? NO_PROFILE : FALSE;
	}
	g_free(label);
	char *text;
	GError *err = NULL;
	if (!g_file_get_contents(in->path, &text, NULL, &err)) {
		fprintf(stderr, "langid-eval: %s\n", err->message);
		g_error_free(err);
		return FALSE;
	}
	in->lines = g_strsplit(text, "\n", -1);
	g_free(text);
	/* Drop empty lines (the last one above all) and comments in place. */
	guint j = 0;
	for (guint i = 0; in->lines[i]; i++) {
		g_strchomp(in->lines[i]);
		if (in->lines[i][0] && !g_str_has_prefix(in->lines[i], "# "))
			in->lines[j++] = in->lines[i];
		else
			g_free(in->lines[i]);
	}
	in->lines[j] = NULL;
	in->n_lines = j;
	return TRUE;
}

/* ---- report ---- */

static double
share(guint k, guint n)
{
	return n ? (double)k / n : 0.0;
}

static void
add(Count *c, int truth, int guess)
{
	c->n++;
	c->correct += guess == truth;
	c->und += guess == und || guess == other;
	c->guessed[guess]++;
}

static void
print_row(const char *scorer, const char *name, const Count *all, const Count *b)
{
	printf("%-9s %-14s %5u  %5.3f  %5.3f  %5.3f ", scorer, name, all->n,
	       share(all->correct, all->n), share(all->und, all->n),
	       share(all->n - all->correct - all->und, all->n));
	for (int k = 0; k < N_COUNTS; k++)
		if (k == ALL)
			continue;
		else if (b[k].n)
			printf("  %5.3f (%4u)", share(b[k].correct, b[k].n), b[k].n);
		else
			printf("      -       ");
	printf("   ");
	for (int l = 0; l < n_guesses; l++)
		if (l != other || all->guessed[l])
			printf(" %s:%u", LANG(l), all->guessed[l]);
	printf("\n");
}

static void
usage(void)
{
	fprintf(stderr,
	        "usage: langid-eval [--rules DIR]... [--textcat-dir DIR] [--tap MIN [--max-wrong MAX]]\n"
	        "                   [--errors ours|textcat|textcat4] [--no-textcat] FILE[=LANG]...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	GPtrArray *rule_dirs = g_ptr_array_new();
	const char *textcat_dir = EXTTEXTCAT_DATA, *errors_of = NULL;
	double tap_min = -1, max_wrong = 0.02;
	gboolean use_textcat = TRUE;
	GArray *inputs = g_array_new(FALSE, TRUE, sizeof(Input));
	GPtrArray *files = g_ptr_array_new();

	setlocale(LC_ALL, "");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--rules") == 0 && i + 1 < argc)
			g_ptr_array_add(rule_dirs, argv[++i]);
		else if (strcmp(a, "--textcat-dir") == 0 && i + 1 < argc)
			textcat_dir = argv[++i];
		else if (strcmp(a, "--tap") == 0 && i + 1 < argc)
			tap_min = g_ascii_strtod(argv[++i], NULL);
		else if (strcmp(a, "--max-wrong") == 0 && i + 1 < argc)
			max_wrong = g_ascii_strtod(argv[++i], NULL);
		else if (strcmp(a, "--errors") == 0 && i + 1 < argc)
			errors_of = argv[++i];
		else if (strcmp(a, "--no-textcat") == 0)
			use_textcat = FALSE;
		else if (a[0] == '-')
			usage();
		else
			g_ptr_array_add(files, (gpointer)a);
	}
	if (files->len == 0)
		usage();
	if (rule_dirs->len == 0)
		g_ptr_array_add(rule_dirs, "rules");

	EtqRules *rules = etq_rules_new();
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < rule_dirs->len; i++)
		etq_rules_load_dir(rules, g_ptr_array_index(rule_dirs, i), errs);
	for (guint i = 0; i < errs->len; i++)
		fprintf(stderr, "langid-eval: %s\n", (char *)g_ptr_array_index(errs, i));
	langs = g_ptr_array_new();
	for (guint l = 0; l < rules->profiles->len; l++)
		g_ptr_array_add(langs, (gpointer)etq_lang_code(rules, l));
	n_langs = langs->len;
	g_ptr_array_add(langs, "und");
	g_ptr_array_add(langs, "other");
	und = n_langs, other = n_langs + 1, n_guesses = n_langs + 2;
	for (guint i = 0; i < files->len; i++) {
		Input in = { 0 };
		/* the tables leave out a sample of a language without a profile; a test does not */
		int got = read_input(g_ptr_array_index(files, i), &in, tap_min < 0);
		if (!got)
			return 2;
		if (got == NO_PROFILE) {
			g_free(in.path);
			g_free(in.name);
			continue;
		}
		g_array_append_val(inputs, in);
	}
	if (inputs->len == 0)
		usage();
	g_ptr_array_free(files, TRUE);

	Scorer scorers[3];
	guint n_scorers = 0;
	scorers[n_scorers++] = (Scorer){ "ours", guess_ours, rules, 0 };
#ifdef HAVE_EXTTEXTCAT
	void *tc_all = NULL, *tc_four = NULL;
	if (use_textcat) {
		tc_all = textcat_open(textcat_dir, FALSE);
		tc_four = textcat_open(textcat_dir, TRUE);
		if (tc_all)
			scorers[n_scorers++] = (Scorer){ "textcat", guess_textcat, tc_all, 0 };
		if (tc_four)
			scorers[n_scorers++] = (Scorer){ "textcat4", guess_textcat, tc_four, 0 };
	}
#else
	(void)textcat_dir;
	(void)use_textcat;
#endif

	/* count[scorer][input][bucket], bucket N_BUCKETS = all lengths */
	gsize n_counts = N_COUNTS * n_scorers * inputs->len;
	Count *count = counts_new(n_counts), *total = counts_new(N_COUNTS * n_scorers);
#define COUNT(s, f) (&count[((s) * inputs->len + (f)) * N_COUNTS])
#define TOTAL(s) (&total[(s) * N_COUNTS])
	for (guint s = 0; s < n_scorers; s++) {
		GTimer *timer = g_timer_new();
		g_timer_stop(timer);
		for (guint f = 0; f < inputs->len; f++) {
			const Input *in = &g_array_index(inputs, Input, f);
			Count *c = COUNT(s, f);
			for (guint i = 0; i < in->n_lines; i++) {
				const char *line = in->lines[i];
				int b = bucket_of(line);
				g_timer_continue(timer);
				int g = scorers[s].guess(scorers[s].data, line);
				g_timer_stop(timer);
				add(&c[b], in->lang, g);
				add(&c[ALL], in->lang, g);
				add(&TOTAL(s)[b], in->lang, g);
				add(&TOTAL(s)[ALL], in->lang, g);
				if (few_words(line)) {
					add(&c[FEW_WORDS], in->lang, g);
					add(&TOTAL(s)[FEW_WORDS], in->lang, g);
				}
				if (g != in->lang && errors_of && strcmp(errors_of, scorers[s].name) == 0)
					printf("%s\t%s\t%s\t%s\n", in->name, LANG(in->lang), LANG(g), line);
			}
		}
		scorers[s].seconds = g_timer_elapsed(timer, NULL);
		g_timer_destroy(timer);
	}

	if (tap_min >= 0) {
		guint t = 0;
		printf("1..%u\n", inputs->len + 1);
		for (guint f = 0; f < inputs->len; f++) {
			const Input *in = &g_array_index(inputs, Input, f);
			const Count *c = &COUNT(0, f)[ALL];
			double acc = share(c->correct, c->n);
			gboolean ok = c->n > 0 && acc >= tap_min;
			printf("%sok %u langid accuracy %s %.3f %s %.2f (%s, %u lines, und %.3f)\n",
			       ok ? "" : "not ", ++t, LANG(in->lang), acc, ok ? "≥" : "<", tap_min,
			       in->name, c->n, share(c->und, c->n));
		}
		/* A line in the wrong language escapes its own rules and meets
		 * another language's: much worse than "und", which meets all. */
		const Count *all = &TOTAL(0)[ALL];
		double wrong = share(all->n - all->correct - all->und, all->n);
		printf("%sok %u langid wrong language %.3f %s %.2f (all files, %u lines)\n",
		       wrong <= max_wrong ? "" : "not ", ++t, wrong, wrong <= max_wrong ? "≤" : ">",
		       max_wrong, all->n);
		for (guint s = 0; s < n_scorers; s++) {
			GString *m = g_string_new(NULL);
			g_string_append_printf(m, "# measure langid %s:", scorers[s].name);
			for (guint f = 0; f < inputs->len; f++) {
				const Count *c = &COUNT(s, f)[ALL];
				g_string_append_printf(m, " %s %.3f", g_array_index(inputs, Input, f).name,
				                       share(c->correct, c->n));
			}
			const Count *tt = TOTAL(s);
			g_string_append_printf(m, "; all %.3f, und %.3f, wrong %.3f; <=20 %.3f, 21-50 %.3f, >50 %.3f; "
			                       "1-3 words %.3f (%u)",
			                       share(tt[ALL].correct, tt[ALL].n),
			                       share(tt[ALL].und, tt[ALL].n),
			                       share(tt[ALL].n - tt[ALL].correct - tt[ALL].und,
			                             tt[ALL].n),
			                       share(tt[0].correct, tt[0].n), share(tt[1].correct, tt[1].n),
			                       share(tt[2].correct, tt[2].n), share(tt[FEW_WORDS].correct, tt[FEW_WORDS].n),
			                       tt[FEW_WORDS].n);
			printf("%s\n", m->str);
			g_string_free(m, TRUE);
		}
	} else {
		printf("%-9s %-14s %5s  %5s  %5s  %5s   %-12s   %-12s   %-12s   %-12s    guessed\n", "scorer",
		       "file", "lines", "right", "und", "wrong", bucket_names[0], bucket_names[1],
		       bucket_names[2], "1-3 words");
		for (guint s = 0; s < n_scorers; s++) {
			for (guint f = 0; f < inputs->len; f++) {
				const Count *c = COUNT(s, f);
				print_row(scorers[s].name, g_array_index(inputs, Input, f).name, &c[ALL], c);
			}
			print_row(scorers[s].name, "ALL", &TOTAL(s)[ALL], TOTAL(s));
			printf("%-9s %.2f µs per line", scorers[s].name,
			       TOTAL(s)[ALL].n ? 1e6 * scorers[s].seconds / TOTAL(s)[ALL].n : 0.0);
			if (s == 0)
				printf(" (scan, match and scorer; the scorer alone: %.0f ns)", time_langid(rules, inputs));
			printf("\n\n");
		}
		printf("right/und/wrong: shares of lines; buckets: share right (lines) by length in characters,\n"
		       "and of the lines of 1 to 3 words.\n");
	}

	for (guint f = 0; f < inputs->len; f++) {
		Input *in = &g_array_index(inputs, Input, f);
		g_strfreev(in->lines);
		g_free(in->path);
		g_free(in->name);
	}
	g_array_free(inputs, TRUE);
	counts_free(count, n_counts);
	counts_free(total, N_COUNTS * n_scorers);
	g_ptr_array_free(langs, TRUE);
#ifdef HAVE_EXTTEXTCAT
	if (tc_all)
		textcat_Done(tc_all);
	if (tc_four)
		textcat_Done(tc_four);
#endif
	etq_rules_free(rules);
	g_ptr_array_free(errs, TRUE);
	g_ptr_array_free(rule_dirs, TRUE);
	return 0;
}
