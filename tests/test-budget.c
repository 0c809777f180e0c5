/* test-budget.c — the memory the core keeps stays within its byte budget
 * whatever peers send (issue 12): counted in bytes (etq_state_memory, from
 * the sizes of what the state holds), not timed. Each case would pass the
 * budget many times over if that part were not bounded. Run from the repo root. */
#include <string.h>
#include "internal.h"

#define STATE_BUDGET (32u << 20)   /* total, under any input */
#define MATCHER_BUDGET (2u << 20)  /* the rules' memory of words seen */

typedef struct {
	EtqRules *rules;
	EtqState *state;
} Fixture;

static void
setup(Fixture *f, gconstpointer data)
{
	(void)data;
	f->rules = etq_rules_new();
	g_assert_cmpuint(etq_rules_load_dir(f->rules, "rules", NULL), >, 0);
	f->state = etq_state_new(f->rules, NULL);
}

static void
teardown(Fixture *f, gconstpointer data)
{
	(void)data;
	etq_state_free(f->state);
	etq_rules_free(f->rules);
}

static void
feed(Fixture *f, const char *text, EtqDirection dir, EtqChat chat, const char *peer, const char *conv, gint64 t)
{
	EtqEvent ev = { .text = text, .dir = dir, .chat = chat, .peer = peer, .conv = conv, .me = "alex",
	                .known = ETQ_KNOWN_UNSET, .t = t };
	g_ptr_array_unref(etq_state_feed(f->state, &ev, NULL));
}

static void
assert_budget(Fixture *f, const char *what)
{
	gsize total = etq_state_memory(f->state), words = etq_matcher_memory(f->rules->matcher);
	g_test_message("measure %s: state %.2f MB, of which the memory of words %.2f MB", what,
	               total / 1048576.0, words / 1048576.0);
	g_assert_cmpuint(total, <=, STATE_BUDGET);
	g_assert_cmpuint(words, <=, MATCHER_BUDGET);
}

/* A long name of its own for each i. */
static char *
long_name(guint i, gsize len)
{
	char *s = g_malloc(len + 1);
	for (gsize k = 0; k < len; k++)
		s[k] = 'a' + (k * 7 + i) % 26;
	g_snprintf(s, len + 1, "%u-", i);
	s[strlen(s)] = 'x';
	s[len] = '\0';
	return s;
}

/* 2,000 peers with 64 KB names ask questions (kept unbounded: 128 MB). */
static void
test_long_names(Fixture *f, gconstpointer d)
{
	(void)d;
	for (guint i = 0; i < 2000; i++) {
		char *name = long_name(i, 64 * 1024);
		feed(f, "are you there? could you help me?", ETQ_DIR_IN, ETQ_CHAT_IM, name, NULL, i);
		g_free(name);
	}
	g_assert_cmpuint(etq_state_n_conversations(f->state), ==, 1024);
	assert_budget(f, "2000 peers with 64 KB names");
}

/* 500 senders with 16 KB names keep writing to me in one channel. */
static void
test_crowded_channel(Fixture *f, gconstpointer d)
{
	(void)d;
	for (guint i = 0; i < 4000; i++) {
		char *name = long_name(i % 500, 16 * 1024);
		feed(f, "alex: look at this", ETQ_DIR_IN, ETQ_CHAT_GROUP, name, "#crowd", i);
		g_free(name);
	}
	assert_budget(f, "500 senders with 16 KB names in one channel");
}

/* 600 posts of 200 KB each, every one sent to two conversations (kept as
 * texts: 120 MB). */
static void
test_long_posts(Fixture *f, gconstpointer d)
{
	(void)d;
	for (guint i = 0; i < 600; i++) {
		GString *post = g_string_new(NULL);
		g_string_append_printf(post, "post %u ", i);
		while (post->len < 200 * 1024)
			g_string_append(post, "our brand new release is out now, have a look ");
		feed(f, post->str, ETQ_DIR_OUT, ETQ_CHAT_GROUP, NULL, "#one", i);
		feed(f, post->str, ETQ_DIR_OUT, ETQ_CHAT_GROUP, NULL, "#two", i);
		g_string_free(post, TRUE);
	}
	assert_budget(f, "600 posts of 200 KB");
}

/* 300,000 distinct words, 30 bytes each, in messages (kept: 9 MB). */
static void
test_many_words(Fixture *f, gconstpointer d)
{
	(void)d;
	GString *text = g_string_new(NULL);
	for (guint i = 0; i < 300000; i++) {
		g_string_append_printf(text, "w%029u ", i);
		if (i % 1000 == 999) {
			feed(f, text->str, ETQ_DIR_IN, ETQ_CHAT_IM, "pat", NULL, i);
			g_string_truncate(text, 0);
		}
	}
	g_string_free(text, TRUE);
	assert_budget(f, "300000 distinct words");
}

/* One 1 MB message: read up to 64 KB, and its buffers not kept after it. */
static void
test_huge_message(Fixture *f, gconstpointer d)
{
	(void)d;
	GString *text = g_string_new(NULL);
	for (guint i = 0; text->len < 1024 * 1024; i++)
		g_string_append_printf(text, "x%u ", i);
	feed(f, text->str, ETQ_DIR_IN, ETQ_CHAT_IM, "pat", NULL, 0);
	g_string_free(text, TRUE);
	assert_budget(f, "one 1 MB message");
	feed(f, "hi", ETQ_DIR_IN, ETQ_CHAT_IM, "pat", NULL, 1);
	g_assert_cmpuint(etq_state_memory(f->state), <=, 1u << 20); /* given back */
}

int
main(int argc, char **argv)
{
	g_setenv("LANGUAGE", "en", TRUE);
	g_test_init(&argc, &argv, NULL);
#define T(path, fn) g_test_add("/budget/" path, Fixture, NULL, setup, fn, teardown)
	T("long-names", test_long_names);
	T("crowded-channel", test_crowded_channel);
	T("long-posts", test_long_posts);
	T("many-words", test_many_words);
	T("huge-message", test_huge_message);
	return g_test_run();
}
