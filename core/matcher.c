/* matcher.c — every phrase of every rule in one index.
 *
 * Rather than run hundreds of patterns over each message, the words of all
 * phrases are numbered once, and each phrase is filed under its first word.
 * A message is then read once: for each of its words, only the phrases that
 * start with that word are tried. A phrase may belong to many rules (and to
 * the internal greeting and question lists of the language profiles). */
#include <string.h>
#include "internal.h"

#define ANY G_MAXUINT
#define PREFIX_KEY_LEN 3
#define MAX_SYMS 4

typedef struct {
	guint n;
	guint items;       /* offset of its symbol ids (or ANY) in EtqMatcher.pool */
	guint member;      /* its first owner: owner << 2 | slot */
	GArray *more;      /* further owners, or NULL */
} Phrase;

typedef struct {
	char *prefix;      /* without the '*' */
	guint len;
	guint sym;
} Prefix;

/* Owners above the rules: internal lists of the language profiles. */
enum { OWN_GREETING, OWN_QUESTION, N_OWN };

/* The phrases starting with one word, split by their second word so that a
 * common first word ("i", "ich") does not mean trying hundreds of phrases. */
typedef struct {
	GArray *single;         /* one-word phrases */
	GArray *any_second;     /* phrases whose second item is * */
	GHashTable *by_second;  /* second sym -> GArray of phrase indices */
} FirstIndex;

struct EtqMatcher {
	GHashTable *symbols;   /* "word" or "pre*" -> sym + 1 */
	GHashTable *phrase_ids; /* phrase text (owned by the rules) -> phrase index + 1 */
	guint *pool;           /* the items of every phrase, one after the other */
	guint pool_len, pool_cap;
	GArray *phrases;       /* Phrase */
	GPtrArray *by_first;   /* sym -> FirstIndex */
	GHashTable *prefixes;  /* first PREFIX_KEY_LEN bytes -> GPtrArray of Prefix */
	GByteArray *stop_langs; /* sym -> bit mask of languages using it as a stopword */
	guint n_rules;
	/* Words seen in messages -> their symbols: one probe per word instead of
	 * a lookup for the word and one for its prefixes. An open-addressing
	 * table that knows each word's length; emptied when it fills up. */
	struct SeenWord *seen;
	guint seen_used;
};

typedef struct SeenWord {
	char *word;        /* NULL: empty slot */
	guint32 hash;
	guint len;
	guint n;
	guint syms[MAX_SYMS];
} SeenWord;

#define SEEN_SLOTS 16384 /* a power of two */
#define SEEN_MAX (SEEN_SLOTS / 2)

static void seen_clear(EtqMatcher *m);

static guint
intern(EtqMatcher *m, const char *key)
{
	gpointer v = g_hash_table_lookup(m->symbols, key);
	if (v)
		return GPOINTER_TO_UINT(v) - 1;
	guint sym = g_hash_table_size(m->symbols);
	g_hash_table_insert(m->symbols, g_strdup(key), GUINT_TO_POINTER(sym + 1));
	g_ptr_array_add(m->by_first, NULL);
	guint8 zero = 0;
	g_byte_array_append(m->stop_langs, &zero, 1);
	return sym;
}

static guint
intern_prefix(EtqMatcher *m, const char *prefix)
{
	char *key = g_strconcat(prefix, "*", NULL);
	gboolean known = g_hash_table_contains(m->symbols, key);
	guint sym = intern(m, key);
	g_free(key);
	if (known)
		return sym;
	char *k3 = g_strndup(prefix, PREFIX_KEY_LEN);
	GPtrArray *list = g_hash_table_lookup(m->prefixes, k3);
	if (!list) {
		list = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(m->prefixes, k3, list);
	} else {
		g_free(k3);
	}
	Prefix *p = g_new(Prefix, 1);
	p->prefix = g_strdup(prefix);
	p->len = strlen(prefix);
	p->sym = sym;
	g_ptr_array_add(list, p);
	return sym;
}

static void
push(EtqMatcher *m, guint item)
{
	if (m->pool_len == m->pool_cap) {
		m->pool_cap = MAX(m->pool_cap * 2, 4096);
		m->pool = g_renew(guint, m->pool, m->pool_cap);
	}
	m->pool[m->pool_len++] = item;
}

/* The ASCII case of compile_items without allocating: words are runs of
 * letters and digits (apostrophes inside), lowercased, as in text.c. */
static void
compile_ascii_piece(EtqMatcher *m, const char *piece, gsize len)
{
	gboolean prefix = piece[len - 1] == '*';
	char word[128];
	for (gsize i = 0; i < len;) {
		if (!g_ascii_isalnum(piece[i])) {
			i++;
			continue;
		}
		gsize w = 0;
		while (i < len && w < sizeof word - 2 &&
		       (g_ascii_isalnum(piece[i]) || (piece[i] == '\'' && i + 1 < len && g_ascii_isalnum(piece[i + 1]))))
			word[w++] = g_ascii_tolower(piece[i++]);
		word[w] = '\0';
		gboolean last = TRUE;
		for (gsize j = i; j < len; j++)
			last &= !g_ascii_isalnum(piece[j]);
		push(m, prefix && last ? intern_prefix(m, word) : intern(m, word));
	}
}

static gboolean
is_ascii(const char *s)
{
	for (; *s; s++)
		if ((guchar)*s >= 0x80)
			return FALSE;
	return TRUE;
}

/* Phrase syntax (rules/README.md): words, `pre*` prefixes and `*` for any
 * one word; each piece is normalised like message text. */

/* Appends the items of a phrase to m->pool. */
static void
compile_items(EtqMatcher *m, const char *phrase)
{
	if (is_ascii(phrase) && !strstr(phrase, "http") && !strstr(phrase, "www.")) {
		for (const char *p = phrase; *p;) {
			while (*p == ' ' || *p == '\t')
				p++;
			const char *start = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
			if (p - start == 1 && *start == '*')
				push(m, ANY);
			else if (p > start)
				compile_ascii_piece(m, start, p - start);
		}
		return;
	}
	char **pieces = g_strsplit_set(phrase, " \t", -1);
	for (char **pc = pieces; *pc; pc++) {
		gsize len = strlen(*pc);
		if (len == 0)
			continue;
		if (strcmp(*pc, "*") == 0) {
			push(m, ANY);
			continue;
		}
		gboolean prefix = (*pc)[len - 1] == '*';
		if (prefix)
			(*pc)[len - 1] = '\0';
		char *norm = etq_normalise_phrase(*pc);
		char **words = g_strsplit(norm, " ", -1);
		for (char **w = words; *w; w++) {
			if (!**w)
				continue;
			push(m, prefix && !w[1] ? intern_prefix(m, *w) : intern(m, *w));
		}
		g_strfreev(words);
		g_free(norm);
	}
	g_strfreev(pieces);
}

static GArray *
new_list(void)
{
	return g_array_new(FALSE, FALSE, sizeof(guint));
}

static void
file_phrase(EtqMatcher *m, const Phrase *p, guint id)
{
	const guint *items = m->pool + p->items;
	FirstIndex *fi = g_ptr_array_index(m->by_first, items[0]);
	if (!fi) {
		fi = g_new0(FirstIndex, 1);
		m->by_first->pdata[items[0]] = fi;
	}
	GArray **list;
	if (p->n == 1) {
		list = &fi->single;
	} else if (items[1] == ANY) {
		list = &fi->any_second;
	} else {
		if (!fi->by_second)
			fi->by_second = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
		GArray *l = g_hash_table_lookup(fi->by_second, GUINT_TO_POINTER(items[1] + 1));
		if (!l) {
			l = new_list();
			g_hash_table_insert(fi->by_second, GUINT_TO_POINTER(items[1] + 1), l);
		}
		g_array_append_val(l, id);
		return;
	}
	if (!*list)
		*list = new_list();
	g_array_append_val(*list, id);
}

static void
add_phrase(EtqMatcher *m, const char *phrase, guint owner, EtqSlot slot)
{
	guint member = owner << 2 | slot;
	gpointer v = g_hash_table_lookup(m->phrase_ids, phrase);
	if (v) {
		Phrase *p = &g_array_index(m->phrases, Phrase, GPOINTER_TO_UINT(v) - 1);
		if (!p->more)
			p->more = g_array_new(FALSE, FALSE, sizeof(guint));
		g_array_append_val(p->more, member);
		return;
	}
	guint start = m->pool_len;
	compile_items(m, phrase);
	if (m->pool_len == start || m->pool[start] == ANY) {
		m->pool_len = start; /* refused by validation already */
		return;
	}
	Phrase p = { .n = m->pool_len - start, .items = start, .member = member };
	guint id = m->phrases->len;
	g_array_append_val(m->phrases, p);
	g_hash_table_insert(m->phrase_ids, (gpointer)phrase, GUINT_TO_POINTER(id + 1));
	file_phrase(m, &p, id);
}

static void
add_profile(EtqMatcher *m, int lang, const EtqProfile *prof)
{
	for (guint i = 0; i < prof->stopwords->len; i++) {
		guint sym = intern(m, g_ptr_array_index(prof->stopwords, i));
		m->stop_langs->data[sym] |= 1u << lang;
	}
	static const char *const lists[N_OWN] = { "greeting", "question" };
	for (int k = 0; k < N_OWN; k++) {
		GPtrArray *l = g_hash_table_lookup(prof->lists, lists[k]);
		for (guint i = 0; l && i < l->len; i++)
			add_phrase(m, g_ptr_array_index(l, i), m->n_rules + lang * N_OWN + k, SLOT_MATCH);
	}
}

static void
phrase_clear(gpointer p)
{
	Phrase *ph = p;
	if (ph->more)
		g_array_free(ph->more, TRUE);
}

static void
free_first(gpointer p)
{
	FirstIndex *fi = p;
	if (!fi)
		return;
	if (fi->single)
		g_array_unref(fi->single);
	if (fi->any_second)
		g_array_unref(fi->any_second);
	if (fi->by_second)
		g_hash_table_destroy(fi->by_second);
	g_free(fi);
}

static void
free_prefix_list(gpointer l)
{
	GPtrArray *list = l;
	for (guint i = 0; i < list->len; i++)
		g_free(((Prefix *)g_ptr_array_index(list, i))->prefix);
	g_ptr_array_free(list, TRUE);
}

EtqMatcher *
etq_matcher_build(EtqRules *rules)
{
	EtqMatcher *m = g_new0(EtqMatcher, 1);
	m->symbols = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->phrase_ids = g_hash_table_new(g_str_hash, g_str_equal);
	m->phrases = g_array_new(FALSE, FALSE, sizeof(Phrase));
	g_array_set_clear_func(m->phrases, phrase_clear);
	m->by_first = g_ptr_array_new_with_free_func(free_first);
	m->prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_prefix_list);
	m->stop_langs = g_byte_array_new();
	m->seen = g_new0(SeenWord, SEEN_SLOTS);
	m->n_rules = rules->all_rules->len;
	for (guint r = 0; r < rules->all_rules->len; r++) {
		EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		for (int s = 0; s < N_SLOTS; s++)
			for (guint i = 0; rule->phrases[s] && i < rule->phrases[s]->len; i++)
				add_phrase(m, g_ptr_array_index(rule->phrases[s], i), r, s);
	}
	for (int l = 0; l < ETQ_N_LANGS; l++)
		if (rules->profiles[l])
			add_profile(m, l, rules->profiles[l]);
	return m;
}

static void
seen_clear(EtqMatcher *m)
{
	for (guint i = 0; i < SEEN_SLOTS; i++)
		g_clear_pointer(&m->seen[i].word, g_free);
	m->seen_used = 0;
}

void
etq_matcher_free(EtqMatcher *m)
{
	if (!m)
		return;
	g_hash_table_destroy(m->symbols);
	g_hash_table_destroy(m->phrase_ids);
	g_free(m->pool);
	g_array_free(m->phrases, TRUE);
	g_ptr_array_free(m->by_first, TRUE);
	g_hash_table_destroy(m->prefixes);
	g_byte_array_free(m->stop_langs, TRUE);
	seen_clear(m);
	g_free(m->seen);
	g_free(m);
}

gboolean
etq_matcher_phrase_in(const EtqMatcher *m, guint phrase, guint rule, EtqSlot slot)
{
	const Phrase *p = &g_array_index(m->phrases, Phrase, phrase);
	guint want = rule << 2 | slot;
	if (p->member == want)
		return TRUE;
	for (guint i = 0; p->more && i < p->more->len; i++)
		if (g_array_index(p->more, guint, i) == want)
			return TRUE;
	return FALSE;
}

gboolean
etq_matcher_is_stopword(const EtqMatcher *m, const char *norm)
{
	gpointer v = g_hash_table_lookup(m->symbols, norm);
	return v && m->stop_langs->data[GPOINTER_TO_UINT(v) - 1] != 0;
}

void
etq_match_init(EtqMatch *mt)
{
	memset(mt, 0, sizeof *mt);
	mt->hits = g_array_new(FALSE, TRUE, sizeof(EtqRuleHit));
	mt->hit_rules = g_array_new(FALSE, FALSE, sizeof(guint));
	mt->occurrences = g_array_new(FALSE, FALSE, sizeof(EtqOccurrence));
}

void
etq_match_clear(EtqMatch *mt)
{
	g_array_free(mt->hits, TRUE);
	g_array_free(mt->hit_rules, TRUE);
	g_array_free(mt->occurrences, TRUE);
	g_free(mt->greeting_tok);
}

/* The symbols one word stands for: itself, and every prefix it starts with. */
static guint
lookup_symbols(const EtqMatcher *m, const char *norm, guint len, guint *syms)
{
	guint n = 0;
	gpointer v = g_hash_table_lookup(m->symbols, norm);
	if (v)
		syms[n++] = GPOINTER_TO_UINT(v) - 1;
	if (len < PREFIX_KEY_LEN || g_hash_table_size(m->prefixes) == 0)
		return n;
	char key[PREFIX_KEY_LEN + 1];
	memcpy(key, norm, PREFIX_KEY_LEN);
	key[PREFIX_KEY_LEN] = '\0';
	GPtrArray *list = g_hash_table_lookup(m->prefixes, key);
	for (guint i = 0; list && i < list->len && n < MAX_SYMS; i++) {
		Prefix *p = g_ptr_array_index(list, i);
		if (p->len <= len && memcmp(p->prefix, norm, p->len) == 0)
			syms[n++] = p->sym;
	}
	return n;
}

static guint32
word_hash(const char *w, guint len)
{
	guint32 h = 2166136261u; /* FNV-1a */
	for (guint i = 0; i < len; i++)
		h = (h ^ (guchar)w[i]) * 16777619u;
	return h;
}

static guint
token_symbols(EtqMatcher *m, const char *norm, guint len, guint *syms)
{
	guint32 h = word_hash(norm, len);
	guint i = h & (SEEN_SLOTS - 1);
	SeenWord *w;
	for (w = &m->seen[i]; w->word; w = &m->seen[i = (i + 1) & (SEEN_SLOTS - 1)])
		if (w->hash == h && w->len == len && memcmp(w->word, norm, len) == 0)
			goto found;
	if (m->seen_used >= SEEN_MAX) { /* full: start again */
		seen_clear(m);
		w = &m->seen[h & (SEEN_SLOTS - 1)];
	}
	w->word = g_strndup(norm, len);
	w->hash = h;
	w->len = len;
	w->n = lookup_symbols(m, norm, len, w->syms);
	m->seen_used++;
found:
	memcpy(syms, w->syms, w->n * sizeof *syms);
	return w->n;
}

static gboolean
has_sym(const guint *syms, guint n, guint sym)
{
	for (guint i = 0; i < n; i++)
		if (syms[i] == sym)
			return TRUE;
	return FALSE;
}

static void
record_member(const EtqMatcher *m, EtqMatch *mt, guint member, guint start, guint end)
{
	guint owner = member >> 2, slot = member & 3;
	if (owner >= m->n_rules) {
		guint lang = (owner - m->n_rules) / N_OWN;
		if ((owner - m->n_rules) % N_OWN == OWN_GREETING)
			memset(mt->greeting_tok + start, 1, end - start);
		else if (mt->question_start[lang] < 0 || (guint)mt->question_start[lang] > start)
			mt->question_start[lang] = start;
		return;
	}
	EtqRuleHit *h = &g_array_index(mt->hits, EtqRuleHit, owner);
	if (!(h->hit[0] | h->hit[1] | h->hit[2]))
		g_array_append_val(mt->hit_rules, owner);
	if (slot == SLOT_MATCH && !h->hit[SLOT_MATCH]) {
		h->tok_start = start;
		h->tok_end = end;
	}
	h->hit[slot] = 1;
}

static void
reset(const EtqMatcher *m, EtqMatch *mt, guint n_tokens)
{
	for (guint i = 0; i < mt->hit_rules->len; i++)
		memset(&g_array_index(mt->hits, EtqRuleHit, g_array_index(mt->hit_rules, guint, i)),
		       0, sizeof(EtqRuleHit));
	if (mt->hits->len != m->n_rules) {
		g_array_set_size(mt->hits, 0);
		g_array_set_size(mt->hits, m->n_rules);
	}
	g_array_set_size(mt->hit_rules, 0);
	g_array_set_size(mt->occurrences, 0);
	memset(mt->stop_hits, 0, sizeof mt->stop_hits);
	if (mt->greeting_cap < n_tokens + 1) {
		mt->greeting_cap = n_tokens + 1;
		mt->greeting_tok = g_realloc(mt->greeting_tok, mt->greeting_cap);
	}
	memset(mt->greeting_tok, 0, n_tokens + 1);
	for (int l = 0; l < ETQ_N_LANGS; l++)
		mt->question_start[l] = -1;
}

/* Tries the candidate phrases at token i (their first two items already fit). */
static void
try_phrases(const EtqMatcher *m, const EtqText *text, guint (*syms)[MAX_SYMS], const guint8 *nsyms,
            guint i, const GArray *cands, EtqMatch *mt)
{
	guint n = text->tokens->len;
	for (guint c = 0; cands && c < cands->len; c++) {
		guint pid = g_array_index(cands, guint, c);
		const Phrase *p = &g_array_index(m->phrases, Phrase, pid);
		if (i + p->n > n)
			continue;
		const guint *items = m->pool + p->items;
		guint k = 1;
		for (; k < p->n; k++) {
			guint it = items[k];
			if (it == ANY ? etq_text_token(text, i + k)->link
			              : !has_sym(syms[i + k], nsyms[i + k], it))
				break;
		}
		if (k < p->n)
			continue;
		EtqOccurrence occ = { pid, i, i + p->n };
		g_array_append_val(mt->occurrences, occ);
		record_member(m, mt, p->member, i, i + p->n);
		for (guint j = 0; p->more && j < p->more->len; j++)
			record_member(m, mt, g_array_index(p->more, guint, j), i, i + p->n);
	}
}

void
etq_matcher_run(EtqMatcher *m, const EtqText *text, EtqMatch *mt)
{
	guint n = text->tokens->len;
	reset(m, mt, n);
	/* Each word's symbols once, then phrases from each position. */
	guint (*syms)[MAX_SYMS] = g_alloca(sizeof(guint[MAX_SYMS]) * (MIN(n, 1024) + 1));
	guint8 *nsyms = g_newa(guint8, MIN(n, 1024) + 1);
	GArray *heap_syms = NULL;
	GByteArray *heap_n = NULL;
	if (n > 1024) { /* a huge message: keep the stack small */
		heap_syms = g_array_sized_new(FALSE, FALSE, sizeof(guint[MAX_SYMS]), n);
		heap_n = g_byte_array_sized_new(n);
		syms = (guint (*)[MAX_SYMS])heap_syms->data;
		nsyms = heap_n->data;
	}
	for (guint i = 0; i < n; i++) {
		const EtqToken *tok = etq_text_token(text, i);
		nsyms[i] = tok->link ? 0 : token_symbols(m, etq_token_norm(text, tok), tok->norm_len, syms[i]);
		if (nsyms[i]) { /* an exact word comes first; prefixes are never stopwords */
			guint8 langs = m->stop_langs->data[syms[i][0]];
			for (int l = 0; langs && l < ETQ_N_LANGS; l++)
				if (langs & (1u << l))
					mt->stop_hits[l]++;
		}
	}
	for (guint i = 0; i < n; i++) {
		for (guint s = 0; s < nsyms[i]; s++) {
			const FirstIndex *fi = g_ptr_array_index(m->by_first, syms[i][s]);
			if (!fi)
				continue;
			try_phrases(m, text, syms, nsyms, i, fi->single, mt);
			if (i + 1 >= n)
				continue;
			try_phrases(m, text, syms, nsyms, i, fi->any_second, mt);
			for (guint s2 = 0; fi->by_second && s2 < nsyms[i + 1]; s2++)
				try_phrases(m, text, syms, nsyms, i,
				            g_hash_table_lookup(fi->by_second, GUINT_TO_POINTER(syms[i + 1][s2] + 1)), mt);
		}
	}
	if (heap_syms) {
		g_array_free(heap_syms, TRUE);
		g_byte_array_free(heap_n, TRUE);
	}
}
