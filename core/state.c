/* state.c — what the core remembers of the conversations.
 *
 * Per conversation: whether there was an exchange both ways (cold asks),
 * an unanswered question's deadline, and how many messages each peer sent
 * in a row without a reply. Across conversations: recent outgoing texts,
 * to see the same post going everywhere. Everything is bounded: the least
 * recently active conversations are forgotten beyond max_conversations,
 * and only a window of recent posts is kept. */
#include <string.h>
#include "internal.h"

#define MAX_STREAK_PEERS 64
#define MAX_POSTS 512
#define MAX_POST_CONVS 16

typedef struct {
	char *name;
	gboolean saw_in, saw_out;
	GList *lru;             /* link in EtqState.lru */
	gint64 deadline;        /* unanswered question, or -1 */
	char *asker;
	GList *pending;         /* link in EtqState.pending */
	GHashTable *streaks;    /* peer -> messages in a row without a reply */
	int lang;               /* of its last message in a known language, or ETQ_LANG_UND */
} Conv;

typedef struct {
	char *key;              /* normalised text */
	guint hash;             /* of key, computed once per message */
	guint n;
	char *convs[MAX_POST_CONVS]; /* where it went, oldest first */
	gint64 times[MAX_POST_CONVS];
	GList *link;            /* in EtqState.posts_order */
} Post;

struct EtqState {
	EtqRules *rules;
	EtqConfig config;
	EtqScratch scratch;
	EtqScratch *s;          /* the message at hand: scratch or a reading's */
	GHashTable *convs;      /* name -> Conv */
	GQueue lru;             /* Conv, most recent first */
	GQueue pending;         /* Conv with a deadline, earliest first */
	GHashTable *posts;      /* set of Post, by key */
	GQueue posts_order;     /* Post, oldest first */
	Post key;               /* the key of message number key_serial (key.key NULL: none) */
	guint serial, key_serial; /* messages taken in */
	gint64 now;
};

void
etq_config_init(EtqConfig *c)
{
	c->unanswered_seconds = 600;
	c->over_engagement_count = 6;
	c->max_conversations = 1024;
}

/* ---- conversations ---- */

static void
conv_free(gpointer p)
{
	Conv *c = p;
	g_free(c->name);
	g_free(c->asker);
	if (c->streaks)
		g_hash_table_destroy(c->streaks);
	g_free(c);
}

static void
cancel_deadline(EtqState *st, Conv *c)
{
	if (c->pending)
		g_queue_delete_link(&st->pending, c->pending);
	c->pending = NULL;
	c->deadline = -1;
	g_clear_pointer(&c->asker, g_free);
}

static void
conv_drop(EtqState *st, Conv *c)
{
	cancel_deadline(st, c);
	g_queue_delete_link(&st->lru, c->lru);
	g_hash_table_remove(st->convs, c->name);
}

/* The least recently active conversation, preferring one without a pending
 * question: forgetting a conversation must not silently drop its reminder
 * while a quieter one could go instead. The search is bounded. */
static Conv *
eviction_candidate(EtqState *st)
{
	guint looked = 0;
	for (GList *l = st->lru.tail; l && looked < 64; l = l->prev, looked++)
		if (!((Conv *)l->data)->pending)
			return l->data;
	return g_queue_peek_tail(&st->lru);
}

static const char *
conv_name(const EtqEvent *ev)
{
	if (ev->conv && *ev->conv)
		return ev->conv;
	if (ev->chat == ETQ_CHAT_GROUP)
		return "#group";
	return ev->peer ? ev->peer : "";
}

static Conv *
conv_get(EtqState *st, const char *name, gboolean create)
{
	Conv *c = g_hash_table_lookup(st->convs, name);
	if (c) {
		if (create && c->lru != st->lru.head) { /* most recent first */
			g_queue_unlink(&st->lru, c->lru);
			g_queue_push_head_link(&st->lru, c->lru);
		}
		return c;
	}
	if (!create)
		return NULL;
	while (g_queue_get_length(&st->lru) >= MAX(st->config.max_conversations, 1))
		conv_drop(st, eviction_candidate(st));
	c = g_new0(Conv, 1);
	c->name = g_strdup(name);
	c->deadline = -1;
	c->lang = ETQ_LANG_UND;
	g_queue_push_head(&st->lru, c);
	c->lru = st->lru.head;
	g_hash_table_insert(st->convs, c->name, c);
	return c;
}

/* ---- time ----
 * The API takes any 64-bit clock: differences and sums must not overflow. */

static gboolean
older_than(gint64 now, gint64 then, gint64 window)
{
	return now > then && (guint64)now - (guint64)then > (guint64)window;
}

static gint64
later(gint64 now, gint64 delay)
{
	return now > G_MAXINT64 - delay ? G_MAXINT64 : now + delay;
}

/* ---- cross-posting ---- */

static guint
post_hash(gconstpointer p)
{
	return ((const Post *)p)->hash;
}

static gboolean
post_equal(gconstpointer a, gconstpointer b)
{
	return strcmp(((const Post *)a)->key, ((const Post *)b)->key) == 0;
}

static void
post_free(gpointer p)
{
	Post *post = p;
	g_free(post->key);
	for (guint i = 0; i < post->n; i++)
		g_free(post->convs[i]);
	g_free(post);
}

/* The text with case, spacing and links normalised (the scanner's words,
 * one space apart); NULL if too short to count. */
static char *
post_key(const EtqText *t, gint64 min_words)
{
	if (t->n_words < min_words)
		return NULL;
	gsize len = t->norm->len ? t->norm->len - 1 : 0; /* each word ends in NUL */
	char *key = g_malloc(len + 1);
	for (gsize i = 0; i < len; i++)
		key[i] = t->norm->str[i] ? t->norm->str[i] : ' ';
	key[len] = '\0';
	return key;
}

static void
prune_posts(EtqState *st, gint64 window)
{
	Post *p;
	while ((p = g_queue_peek_head(&st->posts_order)) &&
	       (g_queue_get_length(&st->posts_order) > MAX_POSTS ||
	        older_than(st->now, p->times[p->n - 1], window))) {
		g_queue_pop_head(&st->posts_order);
		g_hash_table_remove(st->posts, p);
	}
}

/* How many other conversations got this post within the window, and
 * whether this one did. */
static guint
post_spread(const Post *p, const char *conv, gint64 now, gint64 window, gboolean *here)
{
	guint others = 0;
	*here = FALSE;
	for (guint i = 0; p && i < p->n; i++) {
		if (older_than(now, p->times[i], window))
			continue;
		if (strcmp(p->convs[i], conv) == 0)
			*here = TRUE;
		else
			others++;
	}
	return others;
}

static void
post_record(EtqState *st, const Post *key, const char *conv)
{
	Post *p = g_hash_table_lookup(st->posts, key);
	if (!p) {
		p = g_new0(Post, 1);
		p->key = g_strdup(key->key);
		p->hash = key->hash;
		g_hash_table_add(st->posts, p);
	} else {
		g_queue_unlink(&st->posts_order, p->link);
		g_list_free(p->link);
	}
	g_queue_push_tail(&st->posts_order, p);
	p->link = st->posts_order.tail;
	for (guint i = 0; i < p->n; i++)
		if (strcmp(p->convs[i], conv) == 0) {
			p->times[i] = st->now;
			return;
		}
	if (p->n == MAX_POST_CONVS) { /* forget the oldest */
		g_free(p->convs[0]);
		memmove(p->convs, p->convs + 1, --p->n * sizeof p->convs[0]);
		memmove(p->times, p->times + 1, p->n * sizeof p->times[0]);
	}
	p->convs[p->n] = g_strdup(conv);
	p->times[p->n++] = st->now;
}

static void
check_cross_post(EtqState *st, const EtqEvent *ev, const char *conv, gboolean record, GPtrArray *out)
{
	const EtqRule *rule = etq_rules_detector(st->rules, DETECT_CROSS_POST);
	if (!rule || ev->dir != ETQ_DIR_OUT)
		return;
	gint64 window = rule->cross_post.window;
	if (record)
		prune_posts(st, window);
	if (st->key_serial != st->serial) { /* once per message, for check and record */
		g_free(st->key.key);
		st->key.key = post_key(&st->s->text, rule->cross_post.min_words);
		st->key.hash = st->key.key ? g_str_hash(st->key.key) : 0;
		st->key_serial = st->serial;
	}
	if (!st->key.key)
		return;
	gboolean here;
	guint spread = post_spread(g_hash_table_lookup(st->posts, &st->key), conv, st->now, window, &here) + 1;
	if (out && !here && spread == rule->cross_post.conversations) {
		EtqFinding *f = etq_finding_new(rule, ev->dir, conv, ev->peer, ev->me, 0, spread);
		f->span_start = 0;
		f->span_end = st->s->text.len;
		g_ptr_array_add(out, f);
	}
	if (record)
		post_record(st, &st->key, conv);
}

/* ---- timers ---- */

static void
fire_due(EtqState *st, gint64 t, GPtrArray *out)
{
	Conv *c;
	while ((c = g_queue_peek_head(&st->pending)) && c->deadline <= t) {
		const EtqRule *rule = etq_rules_detector(st->rules, DETECT_UNANSWERED);
		if (rule) {
			gint64 minutes = (st->config.unanswered_seconds + 30) / 60;
			g_ptr_array_add(out, etq_finding_new(rule, ETQ_DIR_IN, c->name, c->asker, NULL, MAX(minutes, 1), 0));
		}
		cancel_deadline(st, c);
	}
}

static void
set_deadline(EtqState *st, Conv *c, const char *asker)
{
	if (c->pending)
		return; /* the first unanswered question counts */
	c->deadline = later(st->now, MAX(st->config.unanswered_seconds, 0));
	c->asker = g_strdup(asker);
	/* Deadlines come in time order unless the delay changed: keep it sorted. */
	GList *l = st->pending.tail;
	while (l && ((Conv *)l->data)->deadline > c->deadline)
		l = l->prev;
	if (l) {
		g_queue_insert_after(&st->pending, l, c);
		c->pending = l->next;
	} else {
		g_queue_push_head(&st->pending, c);
		c->pending = st->pending.head;
	}
}

/* ---- recording ---- */

static void
record_incoming(EtqState *st, Conv *c, const EtqEvent *ev, int lang, GPtrArray *out)
{
	EtqScratch *s = st->s;
	gboolean for_me = ev->chat == ETQ_CHAT_IM || etq_mentions(s, ev->me);
	if (!for_me)
		return;
	if (etq_is_question(s, lang) && etq_rules_detector(st->rules, DETECT_UNANSWERED))
		set_deadline(st, c, ev->peer);
	if (!c->streaks)
		c->streaks = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	const char *peer = ev->peer ? ev->peer : "";
	guint *count = g_hash_table_lookup(c->streaks, peer);
	if (!count) {
		if (g_hash_table_size(c->streaks) >= MAX_STREAK_PEERS)
			g_hash_table_remove_all(c->streaks);
		count = g_new0(guint, 1);
		g_hash_table_insert(c->streaks, g_strdup(peer), count);
	}
	guint n = ++*count;
	const EtqRule *rule = etq_rules_detector(st->rules, DETECT_OVER_ENGAGEMENT);
	if (rule && out && n == st->config.over_engagement_count)
		g_ptr_array_add(out, etq_finding_new(rule, ev->dir, c->name, peer, ev->me, 0, n));
}

static void
record(EtqState *st, const EtqEvent *ev, int lang, GPtrArray *out)
{
	const char *name = conv_name(ev);
	Conv *c = conv_get(st, name, TRUE);
	if (lang != ETQ_LANG_UND)
		c->lang = lang;
	if (ev->dir == ETQ_DIR_OUT) {
		c->saw_out = TRUE;
		cancel_deadline(st, c);
		if (c->streaks)
			g_hash_table_remove_all(c->streaks);
		check_cross_post(st, ev, name, TRUE, NULL);
	} else {
		c->saw_in = TRUE;
		record_incoming(st, c, ev, lang, out);
	}
}

static void
advance(EtqState *st, gint64 t)
{
	if (t > st->now)
		st->now = t;
}

/* ---- public ---- */

EtqState *
etq_state_new(EtqRules *rules, const EtqConfig *config)
{
	EtqState *st = g_new0(EtqState, 1);
	st->rules = rules;
	if (config)
		st->config = *config;
	else
		etq_config_init(&st->config);
	etq_scratch_init(&st->scratch);
	st->s = &st->scratch;
	st->convs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, conv_free);
	st->posts = g_hash_table_new_full(post_hash, post_equal, post_free, NULL);
	g_queue_init(&st->lru);
	g_queue_init(&st->pending);
	g_queue_init(&st->posts_order);
	st->now = G_MININT64;
	return st;
}

void
etq_state_free(EtqState *st)
{
	if (!st)
		return;
	g_queue_clear(&st->pending);
	g_queue_clear(&st->lru);
	g_queue_clear(&st->posts_order);
	g_hash_table_destroy(st->convs);
	g_hash_table_destroy(st->posts);
	etq_scratch_clear(&st->scratch);
	g_free(st->key.key);
	g_free(st);
}

void
etq_state_set_config(EtqState *st, const EtqConfig *config)
{
	st->config = *config;
	while (g_queue_get_length(&st->lru) > MAX(config->max_conversations, 1))
		conv_drop(st, g_queue_peek_tail(&st->lru));
}

static GPtrArray *
findings_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)etq_finding_free);
}

static void
check_message(EtqState *st, const EtqEvent *ev, int lang, GPtrArray *out)
{
	const char *name = conv_name(ev);
	Conv *c = conv_get(st, name, FALSE);
	EtqContext ctx = {
		.engaged = ev->known == ETQ_KNOWN_YES || (c && c->saw_in && c->saw_out),
		.first = !c || !(c->saw_in || c->saw_out),
	};
	etq_check_text(st->rules, st->s, lang, ev, &ctx, name, out);
	check_cross_post(st, ev, name, FALSE, out);
}

/* Takes in the next message, read into s (the state's scratch or a
 * reading's); returns its language, the conversation's when the text
 * alone does not tell (a short "ok", "haha"). */
static int
take(EtqState *st, const EtqEvent *ev, EtqScratch *s)
{
	st->s = s;
	st->serial++;
	Conv *c = conv_get(st, conv_name(ev), FALSE);
	return etq_langid_decide(st->rules, (const guint *)s->lang_scores->data, c ? c->lang : ETQ_LANG_UND);
}

static int
analyse(EtqState *st, const EtqEvent *ev)
{
	etq_analyse(st->rules, &st->scratch, ev);
	return take(st, ev, &st->scratch);
}

GPtrArray *
etq_state_check(EtqState *st, const EtqEvent *ev, const char **lang)
{
	GPtrArray *out = findings_new();
	int l = analyse(st, ev);
	if (lang)
		*lang = etq_lang_code(st->rules, l);
	gint64 saved = st->now;
	advance(st, ev->t);
	check_message(st, ev, l, out);
	st->now = saved;
	return out;
}

GPtrArray *
etq_state_record(EtqState *st, const EtqEvent *ev)
{
	GPtrArray *out = findings_new();
	int l = analyse(st, ev);
	advance(st, ev->t);
	record(st, ev, l, out);
	return out;
}

static GPtrArray *
feed(EtqState *st, const EtqEvent *ev, int l, const char **lang)
{
	GPtrArray *out = findings_new();
	advance(st, ev->t);
	fire_due(st, st->now, out);
	if (lang)
		*lang = etq_lang_code(st->rules, l);
	check_message(st, ev, l, out);
	record(st, ev, l, out);
	return out;
}

GPtrArray *
etq_state_feed(EtqState *st, const EtqEvent *ev, const char **lang)
{
	return feed(st, ev, analyse(st, ev), lang);
}

/* ---- reading ahead ---- */

struct EtqReading {
	EtqRules *rules;
	EtqScratch scratch;
};

EtqReading *
etq_reading_new(EtqRules *rules)
{
	EtqReading *r = g_new0(EtqReading, 1);
	r->rules = rules;
	etq_scratch_init(&r->scratch);
	etq_rules_prepare(rules); /* here, before another thread reads */
	return r;
}

void
etq_reading_free(EtqReading *r)
{
	if (!r)
		return;
	etq_scratch_clear(&r->scratch);
	g_free(r);
}

void
etq_read(EtqReading *r, const char *text)
{
	EtqEvent ev = { .text = text };
	etq_analyse(r->rules, &r->scratch, &ev);
}

GPtrArray *
etq_state_feed_read(EtqState *st, const EtqEvent *ev, EtqReading *r, const char **lang)
{
	if (r->rules != st->rules || r->scratch.text.text != ev->text || !ev->text)
		return etq_state_feed(st, ev, lang);
	return feed(st, ev, take(st, ev, &r->scratch), lang);
}

GPtrArray *
etq_state_tick(EtqState *st, gint64 t)
{
	GPtrArray *out = findings_new();
	advance(st, t);
	fire_due(st, st->now, out);
	return out;
}

gint64
etq_state_next_deadline(const EtqState *st)
{
	Conv *c = g_queue_peek_head((GQueue *)&st->pending);
	return c ? c->deadline : -1;
}

void
etq_state_forget(EtqState *st, const char *conv)
{
	Conv *c = conv_get(st, conv, FALSE);
	if (c)
		conv_drop(st, c);
}

guint
etq_state_n_conversations(const EtqState *st)
{
	return g_hash_table_size(st->convs);
}
