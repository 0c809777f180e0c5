/* state.c — what the core remembers of the conversations.
 *
 * Per conversation: whether there was an exchange both ways (cold asks),
 * an unanswered question's deadline, and how many messages each peer sent
 * in a row without a reply. Across conversations: recent outgoing texts,
 * to see the same post going everywhere. Everything is bounded in bytes,
 * whatever a peer sends: the least recently active conversations are
 * forgotten beyond max_conversations, names are kept up to KEPT_NAME_MAX bytes,
 * peers and posts are kept as hashes, and only a window of recent posts. */
#include <string.h>
#include "internal.h"

#define MAX_STREAK_PEERS 64
#define MAX_POSTS 512
#define MAX_POST_CONVS 16
#define KEPT_NAME_MAX 256            /* bytes of a conversation or peer name kept */

typedef struct {
	guint64 peer;           /* hash of the name */
	guint n;                /* messages in a row without a reply */
} Streak;

typedef struct {
	char *name;             /* at most KEPT_NAME_MAX bytes (bounded_name) */
	gboolean saw_in, saw_out;
	GList *lru;             /* link in EtqState.lru */
	gint64 deadline;        /* unanswered question, or -1 */
	char *asker;
	GList *pending;         /* link in EtqState.pending */
	Streak *streaks;        /* MAX_STREAK_PEERS, or NULL */
	guint n_streaks;
	const char *lang;       /* code (interned) of its last message's language, or NULL:
	                         * a code, as the rules may be replaced (etq_state_set_rules) */
} Conv;

typedef struct {
	guint64 key;            /* hash of the normalised text */
	guint n;
	guint64 convs[MAX_POST_CONVS]; /* hashes of where it went, oldest first */
	gint64 times[MAX_POST_CONVS];
	GList *link;            /* in EtqState.posts_order */
} Post;

struct EtqState {
	EtqRules *rules;
	EtqConfig config;
	EtqScratch scratch;     /* the message at hand */
	GHashTable *convs;      /* name -> Conv */
	GQueue lru;             /* Conv, most recent first */
	GQueue pending;         /* Conv with a deadline, earliest first */
	GHashTable *posts;      /* set of Post, by key */
	GQueue posts_order;     /* Post, oldest first */
	Post key;               /* the key of message number key_serial (key.n 0: none) */
	guint serial, key_serial; /* messages taken in */
	/* What the scratch holds: a sent message is checked, then recorded,
	 * and read once. */
	guint64 text_hash;
	gsize text_len;
	guint rules_generation;
	gint64 now;
};

/* 64-bit FNV-1a: names, peers and posts are kept as these. */
static guint64
hash_bytes(guint64 h, const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		h = (h ^ (guchar)s[i]) * G_GUINT64_CONSTANT(0x100000001B3);
	return h;
}

static guint64
hash_name(const char *s)
{
	return hash_bytes(G_GUINT64_CONSTANT(0xCBF29CE484222325), s ? s : "", s ? strlen(s) : 0);
}

/* A name as kept: itself, or (a peer may send anything) its first bytes
 * and the hash of the whole, which still tells two long names apart. */
static char *
bounded_name(const char *name)
{
	gsize len = strlen(name);
	if (len <= KEPT_NAME_MAX)
		return g_strdup(name);
	const char *cut = g_utf8_find_prev_char(name, name + KEPT_NAME_MAX - 20);
	return g_strdup_printf("%.*s…%016" G_GINT64_MODIFIER "x", (int)(cut ? cut - name : 0), name, hash_name(name));
}

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
	g_free(c->streaks);
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
conv_get(EtqState *st, const char *raw, gboolean create)
{
	char *kept = strlen(raw) > KEPT_NAME_MAX ? bounded_name(raw) : NULL;
	const char *name = kept ? kept : raw;
	Conv *c = g_hash_table_lookup(st->convs, name);
	g_free(kept);
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
	c->name = bounded_name(raw);
	c->deadline = -1;
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
	return (guint)((const Post *)p)->key;
}

static gboolean
post_equal(gconstpointer a, gconstpointer b)
{
	return ((const Post *)a)->key == ((const Post *)b)->key;
}

/* The hash of the text with case, spacing and links normalised (the
 * scanner's words); FALSE if too short to count. */
static gboolean
post_key(const EtqText *t, gint64 min_words, guint64 *key)
{
	if (t->n_words < min_words)
		return FALSE;
	*key = hash_bytes(G_GUINT64_CONSTANT(0xCBF29CE484222325), t->norm->str, t->norm->len);
	return TRUE;
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
post_spread(const Post *p, guint64 conv, gint64 now, gint64 window, gboolean *here)
{
	guint others = 0;
	*here = FALSE;
	for (guint i = 0; p && i < p->n; i++) {
		if (older_than(now, p->times[i], window))
			continue;
		if (p->convs[i] == conv)
			*here = TRUE;
		else
			others++;
	}
	return others;
}

static void
post_record(EtqState *st, const Post *key, guint64 conv)
{
	Post *p = g_hash_table_lookup(st->posts, key);
	if (!p) {
		p = g_new0(Post, 1);
		p->key = key->key;
		g_hash_table_add(st->posts, p);
	} else {
		g_queue_unlink(&st->posts_order, p->link);
		g_list_free(p->link);
	}
	g_queue_push_tail(&st->posts_order, p);
	p->link = st->posts_order.tail;
	for (guint i = 0; i < p->n; i++)
		if (p->convs[i] == conv) {
			p->times[i] = st->now;
			return;
		}
	if (p->n == MAX_POST_CONVS) { /* forget the oldest */
		memmove(p->convs, p->convs + 1, --p->n * sizeof p->convs[0]);
		memmove(p->times, p->times + 1, p->n * sizeof p->times[0]);
	}
	p->convs[p->n] = conv;
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
		st->key.n = post_key(&st->scratch.text, rule->cross_post.min_words, &st->key.key);
		st->key_serial = st->serial;
	}
	if (!st->key.n)
		return;
	gboolean here;
	guint64 where = hash_name(conv);
	guint spread = post_spread(g_hash_table_lookup(st->posts, &st->key), where, st->now, window, &here) + 1;
	if (out && !here && spread == rule->cross_post.conversations) {
		EtqFinding *f = etq_finding_new(rule, ev->dir, conv, ev->peer, ev->me, 0, spread);
		f->span_start = 0;
		f->span_end = st->scratch.text.len;
		g_ptr_array_add(out, f);
	}
	if (record)
		post_record(st, &st->key, where);
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
	c->asker = bounded_name(asker ? asker : "");
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
	EtqScratch *s = &st->scratch;
	gboolean for_me = ev->chat == ETQ_CHAT_IM || etq_mentions(s, ev->me);
	if (!for_me)
		return;
	if (etq_is_question(s, lang) && etq_rules_detector(st->rules, DETECT_UNANSWERED))
		set_deadline(st, c, ev->peer);
	if (!c->streaks)
		c->streaks = g_new(Streak, MAX_STREAK_PEERS);
	const char *peer = ev->peer ? ev->peer : "";
	guint64 who = hash_name(peer);
	Streak *k = c->streaks;
	while (k < c->streaks + c->n_streaks && k->peer != who) /* at most MAX_STREAK_PEERS */
		k++;
	if (k == c->streaks + c->n_streaks) {
		if (c->n_streaks == MAX_STREAK_PEERS) /* a crowd: start again */
			c->n_streaks = 0, k = c->streaks;
		*k = (Streak){ who, 0 };
		c->n_streaks++;
	}
	guint n = ++k->n;
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
		c->lang = g_intern_string(etq_lang_code(st->rules, lang));
	if (ev->dir == ETQ_DIR_OUT) {
		c->saw_out = TRUE;
		cancel_deadline(st, c);
		c->n_streaks = 0;
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
	st->convs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, conv_free);
	st->posts = g_hash_table_new_full(post_hash, post_equal, g_free, NULL);
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
	g_free(st);
}

void
etq_state_set_config(EtqState *st, const EtqConfig *config)
{
	st->config = *config;
	while (g_queue_get_length(&st->lru) > MAX(config->max_conversations, 1))
		conv_drop(st, g_queue_peek_tail(&st->lru));
}

/* New rules for the same state: what it remembers of the conversations
 * (exchanges, pending questions, streaks, recent posts) stays. The words of
 * the last message were read with the old rules, so they are read again. */
void
etq_state_set_rules(EtqState *st, EtqRules *rules)
{
	st->rules = rules;
	etq_scratch_clear(&st->scratch);
	etq_scratch_init(&st->scratch);
	st->text_len = G_MAXSIZE; /* nothing read with these rules yet */
	st->serial++;
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
	etq_check_text(st->rules, &st->scratch, lang, ev, &ctx, name, out);
	check_cross_post(st, ev, name, FALSE, out);
}

/* Reads the message into the scratch, unless it holds it already (the same
 * bytes, read with the same rules): a sent message is checked, then
 * recorded. Returns its language, the conversation's when the text alone
 * does not tell (a short "ok", "haha"). */
static int
analyse(EtqState *st, const EtqEvent *ev)
{
	const char *text = ev->text ? ev->text : "";
	gsize len = strlen(text);
	guint64 h = hash_bytes(G_GUINT64_CONSTANT(0xCBF29CE484222325), text, len);
	etq_rules_prepare(st->rules);
	if (st->serial && h == st->text_hash && len == st->text_len && st->rules_generation == st->rules->generation) {
		st->scratch.text.text = text; /* the same bytes, maybe elsewhere */
	} else {
		etq_analyse(st->rules, &st->scratch, ev);
		st->text_hash = h;
		st->text_len = len;
		st->rules_generation = st->rules->generation;
		st->serial++;
	}
	Conv *c = conv_get(st, conv_name(ev), FALSE);
	return etq_langid_decide(st->rules, (const guint *)st->scratch.lang_scores->data, c && c->lang ? etq_lang_index(st->rules, c->lang) : ETQ_LANG_UND);
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

/* GLib's hash table and list nodes, roughly. */
#define NODE_BYTES 32

static gsize
places_memory(const EtqScratch *s)
{
	gsize n = 0;
	for (int k = 0; k < N_SLOTS; k++)
		n += s->places[k]->len * g_array_get_element_size(s->places[k]);
	return n;
}

static gsize
scratch_memory(const EtqScratch *s)
{
	return s->text.tokens_cap * sizeof(EtqToken) + s->text.norm->allocated_len +
	       s->match.hits->len * sizeof(EtqRuleHit) + s->match.hit_rules->len * sizeof(guint) +
	       s->match.occurrences->len * sizeof(EtqOccurrence) + 2 * s->match.tok_cap +
	       s->spans.cap * (sizeof(guint) + 1) + places_memory(s) + (s->spans.skipped->len + s->spans.placeholders->len) * sizeof(EtqSpan) +
	       (s->me.raw ? strlen(s->me.raw) + strlen(s->me.norm) : 0) +
	       (s->peer.raw ? strlen(s->peer.raw) + strlen(s->peer.norm) : 0);
}

gsize
etq_state_memory(const EtqState *st)
{
	gsize n = sizeof *st + scratch_memory(&st->scratch) + etq_matcher_memory(st->rules->matcher);
	for (GList *l = st->lru.head; l; l = l->next) {
		const Conv *c = l->data;
		n += sizeof *c + 2 * NODE_BYTES + strlen(c->name) + 1 + (c->asker ? strlen(c->asker) + 1 : 0) +
		     (c->streaks ? MAX_STREAK_PEERS * sizeof(Streak) : 0) + (c->pending ? NODE_BYTES : 0);
	}
	return n + g_queue_get_length((GQueue *)&st->posts_order) * (sizeof(Post) + 2 * NODE_BYTES);
}

guint
etq_state_n_conversations(const EtqState *st)
{
	return g_hash_table_size(st->convs);
}
