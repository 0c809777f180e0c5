/* matcher.c — every phrase of every rule in one index.
 *
 * Rather than run hundreds of patterns over each message, the words of all
 * phrases are numbered once, and each phrase is filed under its first word.
 * A message is then read once: for each of its words, only the phrases that
 * start with that word are tried. A phrase may belong to many rules (and to
 * the internal greeting and question lists of the language profiles).
 *
 * The rules are loaded often (each start, each edit), so the index is built
 * without an allocation per phrase: while the rules are read, each phrase
 * only notes which list it goes to; at the end the phrases are numbered by
 * list, so that a list is a range of phrase numbers in flat arrays. */
#include <string.h>
#include "internal.h"

#define ANY G_MAXUINT
#define PREFIX_KEY_LEN 3
#define MAX_SYMS 4
#define MAX_OFFSET 31 /* of a phrase's anchor: a bit in SymInfo.offsets */

/* A phrase of the finished index. */
typedef struct {
	guint n;
	guint items;       /* offset of its symbol ids (or ANY) in EtqMatcher.pool: grows
	                    * with the order phrases were added in, the order matches
	                    * are reported in */
	guint members;     /* offset of its owners (owner << 2 | slot) in EtqMatcher.members */
	guint n_members;
} Phrase;

typedef struct {
	char *prefix;      /* without the '*' */
	guint len;
	guint sym;
} Prefix;

/* Owners above the rules: internal lists of the language profiles. */
enum { OWN_GREETING, OWN_QUESTION, N_OWN };

/* The phrases starting with one symbol. Most are filed further under their
 * anchor, their first item after it that is not *, and its offset: so a
 * common first word ("i", "ich", "mich * * empfehlen") does not mean trying
 * hundreds of phrases. Lists are numbers into EtqMatcher.list_start; list 0
 * is always empty. */
typedef struct {
	guint single;       /* one-word phrases */
	guint unanchored;   /* "word *…" with only * after it, or an anchor too far */
	guint32 offsets;    /* bit d: phrases anchored at offset d, in EtqMatcher.anchors */
	guint8 stop_langs;  /* bit mask of languages using it as a stopword */
} SymInfo;

/* The symbol table: "word" or "pre*" -> sym, open addressing. */
typedef struct {
	guint64 head;       /* head_bytes() of its text */
	guint32 hash;
	guint len;
	guint name;         /* offset of its text in EtqMatcher.names */
	guint sym1;         /* sym + 1; 0: an empty slot */
} SymSlot;

/* (first sym, offset, anchor sym) -> list, open addressing. */
typedef struct {
	guint first, offset, anchor;
	guint list;         /* 0: an empty slot */
} AnchorSlot;

struct EtqMatcher {
	SymSlot *sym_slots;
	guint sym_mask;          /* slots - 1, a power of two less one */
	guint n_syms, syms_cap;
	SymInfo *info;           /* per sym */
	GString *names;          /* the texts of the symbols, NUL-terminated */
	GHashTable *prefixes;    /* first PREFIX_KEY_LEN bytes -> GPtrArray of Prefix */
	guint *pool;             /* the items of every phrase, one after the other */
	guint pool_len, pool_cap;
	Phrase *phrases;         /* numbered by list */
	guint *members;          /* the owners of every phrase, one after the other */
	guint *list_start;       /* list -> its first phrase; the next list's is its end */
	AnchorSlot *anchors;
	guint anchor_mask, n_anchors;
	guint n_rules;
	/* What a run finds, copied into its EtqMatch at the end: cheaper than
	 * appending to a GArray one by one. */
	guint *hit_buf;          /* n_rules */
	EtqOccurrence *occ_buf;
	guint occ_cap;
	/* Words seen in messages -> their symbols: one probe per word instead of
	 * a lookup for the word and one for its prefixes. An open-addressing
	 * table that knows each word's length; emptied when it fills up. */
	struct SeenWord *seen;
	guint seen_used;
	GString *seen_words;     /* their texts */
};

typedef struct SeenWord {
	guint64 head;      /* head_bytes() of the word */
	guint len;
	guint word;        /* offset + 1 of its text in EtqMatcher.seen_words; 0: empty slot */
	guint n;
	guint syms[MAX_SYMS];
} SeenWord;

#define SEEN_SLOTS 16384 /* a power of two */
#define SEEN_MAX (SEEN_SLOTS / 2)

/* ---- hashing ---- */

/* The first 8 bytes of a text as a number, or all of a shorter one: two
 * texts of the same length up to 8 are equal when these are. Shorter texts
 * are read in two overlapping parts, never past their end. */
static inline guint64
head_bytes(const char *s, gsize len)
{
	guint64 x;
	guint32 a, b;
	if (len >= 8) {
		memcpy(&x, s, 8);
		return x;
	}
	if (len >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
		return (guint64)a << 32 | b;
	}
	if (len > 0)
		return (guchar)s[0] << 16 | (guchar)s[len / 2] << 8 | (guchar)s[len - 1];
	return 0;
}

/* One multiplication, and its well-mixed high bits folded onto the low
 * ones, which index the tables. */
static inline guint64
mix(guint64 x)
{
	x *= G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
	return x ^ x >> 29;
}

/* Words and phrases are short: hashed 8 bytes at a time. */
static inline guint32
hash_bytes(const char *s, gsize len)
{
	guint64 h = len;
	gsize i = 0;
	for (; len - i > 8; i += 8)
		h = mix(h ^ head_bytes(s + i, 8));
	return mix(h ^ head_bytes(s + i, len - i));
}

/* The same, when head_bytes(s, len) is known already. */
static inline guint32
hash_with_head(const char *s, gsize len, guint64 head)
{
	return len <= 8 ? (guint32)mix(len ^ head) : hash_bytes(s, len);
}

/* ---- symbols ---- */

/* The slot of a symbol: its own, or the empty one where it would go. */
static inline SymSlot *
sym_slot(const EtqMatcher *m, const char *w, guint len, guint64 head, guint32 hash)
{
	for (guint i = hash & m->sym_mask;; i = (i + 1) & m->sym_mask) {
		SymSlot *s = &m->sym_slots[i];
		if (!s->sym1 || (s->head == head && s->len == len &&
		                 (len <= 8 || memcmp(m->names->str + s->name, w, len) == 0)))
			return s;
	}
}

/* sym + 1 of a text, or 0. */
static guint
find_sym(const EtqMatcher *m, const char *w, guint len)
{
	guint64 head = head_bytes(w, len);
	return sym_slot(m, w, len, head, hash_with_head(w, len, head))->sym1;
}

static void
grow_syms(EtqMatcher *m)
{
	SymSlot *old = m->sym_slots;
	guint n_old = m->sym_mask + 1;
	m->sym_mask = n_old * 2 - 1;
	m->sym_slots = g_new0(SymSlot, n_old * 2);
	for (guint i = 0; i < n_old; i++) {
		if (!old[i].sym1)
			continue;
		guint j = old[i].hash & m->sym_mask;
		while (m->sym_slots[j].sym1)
			j = (j + 1) & m->sym_mask;
		m->sym_slots[j] = old[i];
	}
	g_free(old);
}

/* Makes room for element `len` of a growing array. */
static gpointer
reserve(gpointer data, guint len, guint *cap, gsize size)
{
	if (len < *cap)
		return data;
	*cap = MAX(*cap * 2, 256);
	return g_realloc_n(data, *cap, size);
}

static guint
intern(EtqMatcher *m, const char *w, guint len)
{
	guint64 head = head_bytes(w, len);
	guint32 hash = hash_with_head(w, len, head);
	SymSlot *s = sym_slot(m, w, len, head, hash);
	if (s->sym1)
		return s->sym1 - 1;
	guint sym = m->n_syms++;
	*s = (SymSlot){ .head = head, .hash = hash, .len = len, .name = m->names->len, .sym1 = sym + 1 };
	g_string_append_len(m->names, w, len);
	g_string_append_c(m->names, '\0');
	m->info = reserve(m->info, sym, &m->syms_cap, sizeof *m->info);
	m->info[sym] = (SymInfo){ 0 };
	if (m->n_syms * 2 > m->sym_mask)
		grow_syms(m);
	return sym;
}

static guint
intern_prefix(EtqMatcher *m, const char *prefix, guint len)
{
	char *key = g_malloc(len + 2);
	memcpy(key, prefix, len);
	key[len] = '*';
	key[len + 1] = '\0';
	guint n_syms = m->n_syms;
	guint sym = intern(m, key, len + 1);
	g_free(key);
	if (m->n_syms == n_syms) /* known */
		return sym;
	char *k3 = g_strndup(prefix, MIN(len, PREFIX_KEY_LEN));
	GPtrArray *list = g_hash_table_lookup(m->prefixes, k3);
	if (!list) {
		list = g_ptr_array_new_with_free_func(g_free);
		g_hash_table_insert(m->prefixes, k3, list);
	} else {
		g_free(k3);
	}
	Prefix *p = g_new(Prefix, 1);
	p->prefix = g_strndup(prefix, len);
	p->len = len;
	p->sym = sym;
	g_ptr_array_add(list, p);
	return sym;
}

/* ---- anchors ---- */

/* The slot of (first, offset, anchor): its own, or the empty one where it
 * would go. */
static inline AnchorSlot *
anchor_slot(const EtqMatcher *m, guint first, guint offset, guint anchor)
{
	guint32 h = mix(((guint64)first << 32 | anchor) ^ (guint64)offset << 27);
	for (guint i = h & m->anchor_mask;; i = (i + 1) & m->anchor_mask) {
		AnchorSlot *s = &m->anchors[i];
		if (!s->list || (s->first == first && s->offset == offset && s->anchor == anchor))
			return s;
	}
}

static void
grow_anchors(EtqMatcher *m)
{
	AnchorSlot *old = m->anchors;
	guint n_old = m->anchor_mask + 1;
	m->anchor_mask = n_old * 2 - 1;
	m->anchors = g_new0(AnchorSlot, n_old * 2);
	for (guint i = 0; i < n_old; i++)
		if (old[i].list)
			*anchor_slot(m, old[i].first, old[i].offset, old[i].anchor) = old[i];
	g_free(old);
}

/* ---- building ---- */

/* A phrase while the rules are read: numbered in the order first seen. */
typedef struct {
	guint n, items;
	guint list;
} NewPhrase;

typedef struct {
	guint phrase;      /* NewPhrase number */
	guint member;      /* owner << 2 | slot */
} Owner;

/* Phrase text -> NewPhrase number: a phrase shared by many rules is
 * compiled once. Open addressing, sized for all the phrases of the rules. */
typedef struct {
	const char *text;  /* owned by the rules; NULL: an empty slot */
	guint32 hash;
	guint phrase;
} TextSlot;

typedef struct {
	EtqMatcher *m;
	TextSlot *texts;
	guint text_mask;
	NewPhrase *phrases;
	guint n_phrases, phrases_cap;
	Owner *owners;     /* in the order added, which the matches report */
	guint n_owners, owners_cap;
	guint n_lists;
	EtqText scan;      /* for the phrases the ASCII path cannot take */
	GString *piece;
} Build;

static void
push(EtqMatcher *m, guint item)
{
	m->pool = reserve(m->pool, m->pool_len, &m->pool_cap, sizeof *m->pool);
	m->pool[m->pool_len++] = item;
}

static void
push_word(EtqMatcher *m, const char *w, guint len, gboolean prefix)
{
	push(m, prefix ? intern_prefix(m, w, len) : intern(m, w, len));
}

/* Plain ASCII without "http" or "www.": what etq_normalise_phrase reads
 * without the scanner. Words are runs of letters and digits (apostrophes
 * inside), lowercased, as in text.c. */
static gboolean
is_plain_ascii(const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++) {
		guchar c = s[i];
		if (c >= 0x80 || (c == 'h' && len - i >= 4 && memcmp(s + i, "http", 4) == 0) ||
		    (c == 'w' && len - i >= 4 && memcmp(s + i, "www.", 4) == 0))
			return FALSE;
	}
	return TRUE;
}

/* An ASCII word in lower case, in b->piece. */
static const char *
ascii_lower(Build *b, const char *w, gsize len)
{
	g_string_set_size(b->piece, len);
	for (gsize i = 0; i < len; i++)
		b->piece->str[i] = g_ascii_isupper(w[i]) ? w[i] + ('a' - 'A') : w[i];
	return b->piece->str;
}

static gboolean
has_alnum(const char *s, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if (g_ascii_isalnum(s[i]))
			return TRUE;
	return FALSE;
}

/* The words of a plain ASCII piece; a word longer than max_word is cut
 * into several. */
static void
compile_ascii_piece(Build *b, const char *piece, gsize len, gsize max_word)
{
	gboolean prefix = piece[len - 1] == '*';
	for (gsize i = 0; i < len;) {
		if (!g_ascii_isalnum(piece[i])) {
			i++;
			continue;
		}
		gsize start = i, end = len - i > max_word ? i + max_word : len;
		gboolean upper = FALSE;
		for (; i < end; i++) {
			if (g_ascii_isalnum(piece[i]))
				upper |= g_ascii_isupper(piece[i]);
			else if (!(piece[i] == '\'' && i + 1 < len && g_ascii_isalnum(piece[i + 1])))
				break;
		}
		const char *word = upper ? ascii_lower(b, piece + start, i - start) : piece + start;
		push_word(b->m, word, i - start, prefix && !has_alnum(piece + i, len - i));
	}
}

/* A piece of a phrase that is not plain ASCII as a whole: normalised on its
 * own, the way etq_normalise_phrase does, but without building and
 * splitting strings. A word that normalises to nothing is left out, yet
 * still counts as the last one. */
static void
compile_piece(Build *b, const char *piece, gsize len)
{
	gboolean prefix = piece[len - 1] == '*';
	if (is_plain_ascii(piece, len - prefix)) {
		compile_ascii_piece(b, piece, len, G_MAXSIZE);
		return;
	}
	g_string_truncate(b->piece, 0);
	g_string_append_len(b->piece, piece, len - prefix);
	etq_text_scan(&b->scan, b->piece->str);
	guint n = b->scan.n_tokens;
	for (guint i = 0; i < n; i++) {
		const EtqToken *tok = etq_text_token(&b->scan, i);
		if (tok->norm_len)
			push_word(b->m, etq_token_norm(&b->scan, tok), tok->norm_len, prefix && i + 1 == n);
	}
}

/* Phrase syntax (rules/README.md): words, `pre*` prefixes and `*` for any
 * one word, separated by spaces or tabs; each piece is normalised like
 * message text. */

/* Appends the items of a phrase to m->pool. */
static void
compile_items(Build *b, const char *phrase)
{
	/* The words of a plain ASCII phrase were always cut at 126 letters. */
	gboolean ascii = is_plain_ascii(phrase, strlen(phrase));
	for (const char *p = phrase; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (p - start == 1 && *start == '*')
			push(b->m, ANY);
		else if (p > start && ascii)
			compile_ascii_piece(b, start, p - start, 126);
		else if (p > start)
			compile_piece(b, start, p - start);
	}
}

static guint
list_id(Build *b, guint *list)
{
	if (!*list)
		*list = b->n_lists++;
	return *list;
}

/* The list a new phrase goes to: by its first item and its anchor. */
static guint
list_of(Build *b, const guint *items, guint n)
{
	EtqMatcher *m = b->m;
	SymInfo *si = &m->info[items[0]];
	if (n == 1)
		return list_id(b, &si->single);
	guint d = 1;
	while (d < n && items[d] == ANY)
		d++;
	if (d == n || d > MAX_OFFSET)
		return list_id(b, &si->unanchored);
	si->offsets |= 1u << d;
	AnchorSlot *s = anchor_slot(m, items[0], d, items[d]);
	if (s->list)
		return s->list;
	*s = (AnchorSlot){ .first = items[0], .offset = d, .anchor = items[d], .list = b->n_lists++ };
	if (++m->n_anchors * 2 > m->anchor_mask)
		grow_anchors(m);
	return b->n_lists - 1;
}

/* Compiles a phrase not seen before; G_MAXUINT if it has no words to file
 * it under (refused by validation already). */
static guint
new_phrase(Build *b, const char *phrase)
{
	EtqMatcher *m = b->m;
	guint start = m->pool_len;
	compile_items(b, phrase);
	if (m->pool_len == start || m->pool[start] == ANY) {
		m->pool_len = start;
		return G_MAXUINT;
	}
	guint n = m->pool_len - start;
	b->phrases = reserve(b->phrases, b->n_phrases, &b->phrases_cap, sizeof *b->phrases);
	b->phrases[b->n_phrases] = (NewPhrase){ .n = n, .items = start, .list = list_of(b, m->pool + start, n) };
	return b->n_phrases++;
}

/* The slot of a phrase text: its own, or the empty one where it would go. */
static TextSlot *
text_slot(const Build *b, const char *text, guint32 hash)
{
	for (guint i = hash & b->text_mask;; i = (i + 1) & b->text_mask) {
		TextSlot *s = &b->texts[i];
		if (!s->text || s->text == text || (s->hash == hash && strcmp(s->text, text) == 0))
			return s;
	}
}

static void
add_phrase(Build *b, const char *phrase, guint owner, EtqSlot slot)
{
	guint32 hash = hash_bytes(phrase, strlen(phrase));
	TextSlot *s = text_slot(b, phrase, hash);
	guint id = s->text ? s->phrase : new_phrase(b, phrase);
	if (id == G_MAXUINT)
		return;
	if (!s->text)
		*s = (TextSlot){ .text = phrase, .hash = hash, .phrase = id };
	b->owners = reserve(b->owners, b->n_owners, &b->owners_cap, sizeof *b->owners);
	b->owners[b->n_owners++] = (Owner){ id, owner << 2 | slot };
}

static GPtrArray *
profile_list(const EtqProfile *prof, int k)
{
	static const char *const lists[N_OWN] = { "greeting", "question" };
	return g_hash_table_lookup(prof->lists, lists[k]);
}

static void
add_profile(Build *b, int lang, const EtqProfile *prof)
{
	EtqMatcher *m = b->m;
	for (guint i = 0; i < prof->stopwords->len; i++) {
		const char *w = g_ptr_array_index(prof->stopwords, i);
		guint sym = intern(m, w, strlen(w));
		m->info[sym].stop_langs |= 1u << lang;
	}
	for (int k = 0; k < N_OWN; k++) {
		GPtrArray *l = profile_list(prof, k);
		for (guint i = 0; l && i < l->len; i++)
			add_phrase(b, g_ptr_array_index(l, i), m->n_rules + lang * N_OWN + k, SLOT_MATCH);
	}
}

/* Room for every phrase text the rules and profiles hold, at most half
 * full: the text table never needs to grow. */
static guint
text_slots(const EtqRules *rules)
{
	guint n = 0;
	for (guint r = 0; r < rules->all_rules->len; r++) {
		const EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		for (int s = 0; s < N_SLOTS; s++)
			n += rule->phrases[s] ? rule->phrases[s]->len : 0;
	}
	for (int l = 0; l < ETQ_N_LANGS; l++) {
		for (int k = 0; rules->profiles[l] && k < N_OWN; k++) {
			GPtrArray *list = profile_list(rules->profiles[l], k);
			n += list ? list->len : 0;
		}
	}
	guint slots = 64;
	while (slots < 2 * n)
		slots *= 2;
	return slots;
}

/* Numbers the phrases by list (keeping their order within a list) and
 * gathers the owners of each, in the order they were added. */
static void
finish(Build *b)
{
	EtqMatcher *m = b->m;
	m->list_start = g_new0(guint, b->n_lists + 1);
	for (guint i = 0; i < b->n_phrases; i++)
		m->list_start[b->phrases[i].list + 1]++;
	for (guint l = 0; l < b->n_lists; l++)
		m->list_start[l + 1] += m->list_start[l];
	guint *next = g_memdup2(m->list_start, b->n_lists * sizeof *next);
	guint *number = g_new(guint, b->n_phrases);
	m->phrases = g_new0(Phrase, b->n_phrases);
	for (guint i = 0; i < b->n_phrases; i++) {
		number[i] = next[b->phrases[i].list]++;
		m->phrases[number[i]].n = b->phrases[i].n;
		m->phrases[number[i]].items = b->phrases[i].items;
	}
	for (guint o = 0; o < b->n_owners; o++)
		m->phrases[number[b->owners[o].phrase]].n_members++;
	guint at = 0;
	for (guint p = 0; p < b->n_phrases; p++) {
		m->phrases[p].members = at;
		at += m->phrases[p].n_members;
		m->phrases[p].n_members = 0;
	}
	m->members = g_new(guint, b->n_owners);
	for (guint o = 0; o < b->n_owners; o++) {
		Phrase *p = &m->phrases[number[b->owners[o].phrase]];
		m->members[p->members + p->n_members++] = b->owners[o].member;
	}
	g_free(number);
	g_free(next);
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
	m->sym_mask = 4095;
	m->sym_slots = g_new0(SymSlot, m->sym_mask + 1);
	m->names = g_string_sized_new(16 * 1024);
	m->prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_prefix_list);
	m->anchor_mask = 4095;
	m->anchors = g_new0(AnchorSlot, m->anchor_mask + 1);
	m->seen_words = g_string_new(NULL);
	m->n_rules = rules->all_rules->len;
	m->hit_buf = g_new(guint, m->n_rules);

	Build b = { .m = m, .text_mask = text_slots(rules) - 1, .n_lists = 1, .piece = g_string_new(NULL) };
	b.texts = g_new0(TextSlot, b.text_mask + 1);
	etq_text_init(&b.scan);
	for (guint r = 0; r < rules->all_rules->len; r++) {
		EtqRule *rule = g_ptr_array_index(rules->all_rules, r);
		for (int s = 0; s < N_SLOTS; s++)
			for (guint i = 0; rule->phrases[s] && i < rule->phrases[s]->len; i++)
				add_phrase(&b, g_ptr_array_index(rule->phrases[s], i), r, s);
	}
	for (int l = 0; l < ETQ_N_LANGS; l++)
		if (rules->profiles[l])
			add_profile(&b, l, rules->profiles[l]);
	finish(&b);
	etq_text_clear(&b.scan);
	g_string_free(b.piece, TRUE);
	g_free(b.texts);
	g_free(b.phrases);
	g_free(b.owners);
	return m;
}

void
etq_matcher_free(EtqMatcher *m)
{
	if (!m)
		return;
	g_free(m->sym_slots);
	g_free(m->info);
	g_string_free(m->names, TRUE);
	g_hash_table_destroy(m->prefixes);
	g_free(m->pool);
	g_free(m->phrases);
	g_free(m->members);
	g_free(m->list_start);
	g_free(m->anchors);
	g_free(m->hit_buf);
	g_free(m->occ_buf);
	g_free(m->seen);
	g_string_free(m->seen_words, TRUE);
	g_free(m);
}

gboolean
etq_matcher_phrase_in(const EtqMatcher *m, guint phrase, guint rule, EtqSlot slot)
{
	const Phrase *p = &m->phrases[phrase];
	guint want = rule << 2 | slot;
	for (guint i = 0; i < p->n_members; i++)
		if (m->members[p->members + i] == want)
			return TRUE;
	return FALSE;
}

gboolean
etq_matcher_is_stopword(const EtqMatcher *m, const char *norm)
{
	guint sym1 = find_sym(m, norm, strlen(norm));
	return sym1 && m->info[sym1 - 1].stop_langs != 0;
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

/* ---- matching ---- */

/* The symbols one word stands for: itself, and every prefix it starts with. */
static guint
lookup_symbols(const EtqMatcher *m, const char *norm, guint len, guint *syms)
{
	guint n = 0;
	guint sym1 = find_sym(m, norm, len);
	if (sym1)
		syms[n++] = sym1 - 1;
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

static void
seen_clear(EtqMatcher *m)
{
	memset(m->seen, 0, SEEN_SLOTS * sizeof *m->seen);
	g_string_truncate(m->seen_words, 0);
	m->seen_used = 0;
}

/* Fills syms (all MAX_SYMS of them, the first n meaningful); returns n. */
static guint
token_symbols(EtqMatcher *m, const char *norm, guint len, guint *syms)
{
	guint64 head = head_bytes(norm, len);
	guint32 h = hash_with_head(norm, len, head);
	guint i = h & (SEEN_SLOTS - 1);
	SeenWord *w;
	if (G_UNLIKELY(!m->seen)) /* on the first message: a load for --list or --validate needs none */
		m->seen = g_new0(SeenWord, SEEN_SLOTS);
	for (w = &m->seen[i]; w->word; w = &m->seen[i = (i + 1) & (SEEN_SLOTS - 1)])
		if (w->head == head && w->len == len &&
		    (len <= 8 || memcmp(m->seen_words->str + w->word - 1, norm, len) == 0))
			goto found;
	if (m->seen_used >= SEEN_MAX) { /* full: start again */
		seen_clear(m);
		w = &m->seen[h & (SEEN_SLOTS - 1)];
	}
	w->word = m->seen_words->len + 1;
	g_string_append_len(m->seen_words, norm, len);
	w->head = head;
	w->len = len;
	w->n = lookup_symbols(m, norm, len, w->syms);
	m->seen_used++;
found:
	memcpy(syms, w->syms, sizeof w->syms); /* a fixed size: no call */
	return w->n;
}

/* One message being matched. */
typedef struct {
	EtqMatcher *m;
	const EtqText *text;
	guint n;                   /* tokens */
	guint (*syms)[MAX_SYMS];   /* per token: the symbols it stands for */
	const guint8 *nsyms;
	EtqMatch *mt;
	guint n_hits, n_occ;       /* in m->hit_buf, m->occ_buf */
} Run;

static gboolean
has_sym(const guint *syms, guint n, guint sym)
{
	for (guint i = 0; i < n; i++)
		if (syms[i] == sym)
			return TRUE;
	return FALSE;
}

static void
record_member(Run *r, guint member, guint start, guint end)
{
	const EtqMatcher *m = r->m;
	EtqMatch *mt = r->mt;
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
	if (!(h->hit[0] | h->hit[1] | h->hit[2] | h->hit[3]))
		m->hit_buf[r->n_hits++] = owner;
	if (slot == SLOT_MATCH && !h->hit[SLOT_MATCH]) {
		h->tok_start = start;
		h->tok_end = end;
	}
	h->hit[slot] = 1;
}

/* Records the owners of the phrases found, from occurrence `from` on. */
static void
record_from(Run *r, guint from)
{
	const EtqMatcher *m = r->m;
	for (guint k = from; k < r->n_occ; k++) {
		const EtqOccurrence *o = &m->occ_buf[k];
		const Phrase *p = &m->phrases[o->phrase];
		for (guint j = 0; j < p->n_members; j++)
			record_member(r, m->members[p->members + j], o->tok_start, o->tok_end);
	}
}

/* Adds an occurrence of each phrase of a list that fits at token i, their
 * first `known` items being known to fit. */
static void
find_in_list(Run *r, guint list, guint i, guint known)
{
	EtqMatcher *m = r->m;
	for (guint pid = m->list_start[list]; pid < m->list_start[list + 1]; pid++) {
		const Phrase *p = &m->phrases[pid];
		if (i + p->n > r->n)
			continue;
		const guint *items = m->pool + p->items;
		guint k = known;
		for (; k < p->n; k++) {
			guint it = items[k];
			if (it == ANY ? etq_text_token(r->text, i + k)->link
			              : !has_sym(r->syms[i + k], r->nsyms[i + k], it))
				break;
		}
		if (k < p->n)
			continue;
		m->occ_buf = reserve(m->occ_buf, r->n_occ, &m->occ_cap, sizeof *m->occ_buf);
		m->occ_buf[r->n_occ++] = (EtqOccurrence){ pid, i, i + p->n };
	}
}

static void
try_list(Run *r, guint list, guint i, guint known)
{
	guint from = r->n_occ;
	find_in_list(r, list, i, known);
	record_from(r, from);
}

/* The occurrences from `from` on in the order their phrases were added. */
static void
sort_occurrences(Run *r, guint from)
{
	EtqOccurrence *o = r->m->occ_buf;
	const Phrase *ph = r->m->phrases;
	for (guint k = from + 1; k < r->n_occ; k++) {
		EtqOccurrence x = o[k];
		guint j = k;
		for (; j > from && ph[o[j - 1].phrase].items > ph[x.phrase].items; j--)
			o[j] = o[j - 1];
		o[j] = x;
	}
}

/* The phrases "first * …" at token i: found from their anchors in the
 * message, then reported in the order they were added, as if tried one by
 * one. */
static void
try_any_second(Run *r, const SymInfo *si, guint i, guint first)
{
	guint from = r->n_occ;
	find_in_list(r, si->unanchored, i, 2);
	for (guint d = 2; d <= MAX_OFFSET && si->offsets >> d && i + d < r->n; d++) {
		if (!(si->offsets >> d & 1))
			continue;
		for (guint s = 0; s < r->nsyms[i + d]; s++) {
			guint list = anchor_slot(r->m, first, d, r->syms[i + d][s])->list;
			if (list)
				find_in_list(r, list, i, 2);
		}
	}
	sort_occurrences(r, from);
	record_from(r, from);
}

/* The phrases starting at token i with symbol sym: one-word ones, then
 * "sym * …", then those anchored at the word after. */
static void
try_first(Run *r, guint i, guint sym)
{
	const SymInfo *si = &r->m->info[sym];
	if (si->single)
		try_list(r, si->single, i, 1);
	if (i + 1 >= r->n)
		return;
	if ((si->unanchored || (si->offsets & ~3u)) && !etq_text_token(r->text, i + 1)->link)
		try_any_second(r, si, i, sym); /* * is a word, not a link */
	for (guint s = 0; (si->offsets & 2) && s < r->nsyms[i + 1]; s++) {
		guint list = anchor_slot(r->m, sym, 1, r->syms[i + 1][s])->list;
		if (list)
			try_list(r, list, i, 2);
	}
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
	memset(mt->stop_hits, 0, sizeof mt->stop_hits);
	if (mt->greeting_cap < n_tokens + 1) {
		mt->greeting_cap = n_tokens + 1;
		mt->greeting_tok = g_realloc(mt->greeting_tok, mt->greeting_cap);
	}
	memset(mt->greeting_tok, 0, n_tokens + 1);
	for (int l = 0; l < ETQ_N_LANGS; l++)
		mt->question_start[l] = -1;
}

static void
set_array(GArray *a, gconstpointer data, guint n, gsize size)
{
	if (a->len != n)
		g_array_set_size(a, n);
	if (n)
		memcpy(a->data, data, n * size);
}

void
etq_matcher_run(EtqMatcher *m, const EtqText *text, EtqMatch *mt)
{
	guint n = text->n_tokens;
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
			guint8 langs = m->info[syms[i][0]].stop_langs;
			for (int l = 0; langs; l++, langs >>= 1)
				mt->stop_hits[l] += langs & 1;
		}
	}
	Run r = { .m = m, .text = text, .n = n, .syms = syms, .nsyms = nsyms, .mt = mt };
	for (guint i = 0; i < n; i++)
		for (guint s = 0; s < nsyms[i]; s++)
			try_first(&r, i, syms[i][s]);
	set_array(mt->hit_rules, m->hit_buf, r.n_hits, sizeof *m->hit_buf);
	set_array(mt->occurrences, m->occ_buf, r.n_occ, sizeof *m->occ_buf);
	if (heap_syms) {
		g_array_free(heap_syms, TRUE);
		g_byte_array_free(heap_n, TRUE);
	}
}
