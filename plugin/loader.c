/* loader.c — the rules are read and built in a thread of their own, so
 * that the UI does not wait for them (~50 ms at Pidgin's start, ~250 ms
 * with an organisation's 250k-phrase set).
 *
 * The main thread reads the preferences and starts a load; the worker reads
 * the digest of the user's folder (reload.c) and, if it changed, loads the
 * shipped folder and the user's and builds the matcher (etq_rules_prepare).
 * It calls the core and GLib only (libpurple is not thread-safe): its debug
 * lines and errors are kept and written in the main thread, where an idle
 * callback joins it and hands the result to reload.c.
 *
 * Who owns what: the EtqLoad and the EtqRules it builds belong to the
 * worker until it returns; after the join, to the main thread alone,
 * which adopts the rules (etqp_use_rules) or frees them. While it runs,
 * the two threads share nothing but `cancelled` (atomic).
 *
 * Whatever needs the rules before the first load is adopted (a message
 * sent or received, the preferences frame, the companion's draft check)
 * calls etqp_rules_ready(), which joins the worker at once. A reload keeps
 * the rules in use until the new ones are adopted: by the idle callback,
 * or by etqp_rules_ready() once the worker is done. One load at a time: a
 * reload asked for while one runs starts when it ends, and the result of
 * the one that ran is dropped if rules are in use (the newest wins).
 * Unloading joins the worker and frees what it made.
 */
#include "etiquette-plugin.h"

struct EtqLoad {
	char *shipped;     /* the folders, from the main thread */
	char *user;        /* NULL: no user folder */
	char *seen;        /* the digest of the rules in use: the same, nothing is read */
	char *gate;        /* for the tests: the load ends only once this file is gone */
	gint cancelled;    /* atomic: unloading, stop between steps */
	gint done;         /* atomic: the worker has its results */
	GThread *thread;
	guint idle;        /* the hand-over in the main thread, once the worker ends */
	/* the results */
	char *digest;
	EtqRules *rules;   /* NULL: the folder did not change */
	GPtrArray *errors; /* the user's folder's problems */
	GPtrArray *log;    /* debug lines, each behind '0' + its PurpleDebugLevel */
};

static void load_free(EtqLoad *load)
{
	if (load->idle != 0)
		g_source_remove(load->idle);
	g_free(load->shipped);
	g_free(load->user);
	g_free(load->seen);
	g_free(load->gate);
	g_free(load->digest);
	etq_rules_free(load->rules);
	g_ptr_array_unref(load->errors);
	g_ptr_array_unref(load->log);
	g_free(load);
}

static void log_line(EtqLoad *load, PurpleDebugLevel level, char *text)
{
	g_ptr_array_add(load->log, g_strdup_printf("%c%s", '0' + level, text));
	g_free(text);
}

/* In the worker. Problems go to the log, the user's also into errors. */
static void load_dir(EtqLoad *load, const char *dir, gboolean user)
{
	GPtrArray *found = g_ptr_array_new_with_free_func(g_free);
	guint i, n = etq_rules_load_dir(load->rules, dir, found);

	for (i = 0; i < found->len; i++) {
		log_line(load, PURPLE_DEBUG_WARNING, g_strdup(g_ptr_array_index(found, i)));
		if (user)
			g_ptr_array_add(load->errors, g_strdup(g_ptr_array_index(found, i)));
	}
	log_line(load, PURPLE_DEBUG_INFO, g_strdup_printf("%u rule sets from %s", n, dir));
	g_ptr_array_unref(found);
}

static gboolean cancelled(EtqLoad *load)
{
	return g_atomic_int_get(&load->cancelled);
}

static gboolean done_cb(gpointer data);

/* The tests name a file in ETQ_TEST_LOAD_GATE to see what happens while a
 * load runs, for as long as they need. */
static void pass_gate(EtqLoad *load)
{
	while (load->gate != NULL && g_file_test(load->gate, G_FILE_TEST_EXISTS) && !cancelled(load))
		g_usleep(10 * 1000);
}

/* The worker: the shipped rule sets, then the user's rules_dir (a folder
 * that does not exist is one of its problems), then the matcher. */
static gpointer load_rules(gpointer data)
{
	EtqLoad *load = data;

	load->digest = etqp_folder_digest(load->user);
	if (g_strcmp0(load->digest, load->seen) != 0) {
		load->rules = etq_rules_new();
		if (g_file_test(load->shipped, G_FILE_TEST_IS_DIR))
			load_dir(load, load->shipped, FALSE);
		else
			log_line(load, PURPLE_DEBUG_WARNING,
			         g_strdup_printf("no rule sets installed in %s", load->shipped));
		if (load->user != NULL && !g_file_test(load->user, G_FILE_TEST_IS_DIR))
			g_ptr_array_add(load->errors, g_strdup_printf(_("%s: not a folder"), load->user));
		else if (load->user != NULL && !cancelled(load))
			load_dir(load, load->user, TRUE);
		if (!cancelled(load))
			etq_rules_prepare(load->rules); /* once for both folders */
	}
	pass_gate(load);
	g_atomic_int_set(&load->done, TRUE);
	load->idle = g_idle_add(done_cb, load);
	return NULL;
}

/* Reads the preferences and starts the worker, or, while one runs, has
 * a new one start when it ends. */
void etqp_load_start(void)
{
	EtqLoad *load;

	if (etqp->load != NULL) {
		etqp->load_again = TRUE;
		purple_debug_info(ETQP_DEBUG, "a load runs: the next one starts when it ends\n");
		return;
	}
	load = g_new0(EtqLoad, 1);
	load->shipped = etqp_shipped_rules_dir();
	load->user = etqp_pref_rules_dir();
	load->seen = g_strdup(etqp->rules_seen);
	load->gate = g_strdup(g_getenv("ETQ_TEST_LOAD_GATE"));
	load->errors = g_ptr_array_new_with_free_func(g_free);
	load->log = g_ptr_array_new_with_free_func(g_free);
	etqp->load = load;
	purple_debug_info(ETQP_DEBUG, "loading the rules in a thread\n");
	load->thread = g_thread_new("etiquette-rules", load_rules, load);
}

/* The worker has ended, or ends now: its load is the main thread's. */
static EtqLoad *join(void)
{
	EtqLoad *load = etqp->load;

	etqp->load = NULL;
	g_thread_join(load->thread);
	return load;
}

static void hand_over(EtqLoad *load)
{
	gboolean again = etqp->load_again;
	guint i;

	for (i = 0; i < load->log->len; i++) {
		const char *line = g_ptr_array_index(load->log, i);

		purple_debug((PurpleDebugLevel)(line[0] - '0'), ETQP_DEBUG, "%s\n", line + 1);
	}
	etqp->load_again = FALSE;
	if (!again || etqp->rules == NULL) {
		etqp_rules_loaded(load->digest, load->rules, load->errors);
		load->digest = NULL;
		load->rules = NULL;
	}
	load_free(load);
	if (again)
		etqp_load_start();
}

static gboolean done_cb(gpointer data)
{
	EtqLoad *load = join();

	(void)data;
	load->idle = 0; /* this one, which returns FALSE */
	hand_over(load);
	return FALSE;
}

/* Called before etqp->rules or etqp->state is used: before the first load
 * is adopted, it is waited for and adopted now; a reload that has ended is
 * adopted now too (a client whose main loop is not GLib's never runs the
 * idle callback). */
void etqp_rules_ready(void)
{
	gint64 start;

	if (etqp == NULL || etqp->load == NULL)
		return;
	if (etqp->rules != NULL) {
		if (g_atomic_int_get(&etqp->load->done))
			hand_over(join());
		return;
	}
	start = g_get_monotonic_time();
	hand_over(join());
	purple_debug_info(ETQP_DEBUG, "waited %" G_GINT64_FORMAT " us for the rules\n",
	                  g_get_monotonic_time() - start);
}

/* Unloading: the worker stops after its current step; what it made goes. */
void etqp_load_stop(void)
{
	if (etqp->load == NULL)
		return;
	g_atomic_int_set(&etqp->load->cancelled, TRUE);
	load_free(join());
	etqp->load_again = FALSE;
}
