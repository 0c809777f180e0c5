/* phrase.c — reading a phrase of a rule (rules/README.md, "Phrases").
 *
 * A phrase is words separated by spaces, where a word may be a prefix
 * (`recommend*`), a stem (`~recommend`), a gap (`*`, `*0-7`), or a group of
 * alternatives `(could|would|can)`, optional when followed by `?`. Each word
 * is normalised by the message tokeniser itself (text.c), so a phrase and a
 * message can never disagree on what a word is: `co-op*` is the word `co`
 * followed by the prefix `op`. The tokeniser reads the whole phrase once
 * (the grammar's `( ) | * ~` are not letters to it); each piece takes the
 * words that start inside it. */
#include <string.h>
#include "phrase.h"
#include "text.h"

/* A phrase's tree is many small arrays (a group's alternatives, each one's
 * pieces): they live in a few blocks, taken in turn and freed at once. */
typedef struct Block {
	struct Block *next;
	gsize size, used;
} Block;

#define BLOCK_MIN 512
#define ALIGN(n) (((n) + 7) & ~(gsize)7)

static gpointer
block_alloc(Block **blocks, gsize size)
{
	Block *b = *blocks;
	size = ALIGN(size);
	if (!b || b->used + size > b->size) {
		gsize cap = MAX(BLOCK_MIN, ALIGN(sizeof *b) + size);
		b = g_malloc(cap);
		b->next = *blocks;
		b->size = cap;
		b->used = ALIGN(sizeof *b);
		*blocks = b;
	}
	gpointer p = (char *)b + b->used;
	b->used += size;
	return p;
}

/* Room for element n of an array that doubles at 0, 1, 2, 4 … elements
 * (the smaller copy stays behind in its block). */
static gpointer
block_grow(Block **blocks, gpointer data, guint n, gsize size)
{
	if (n & (n - 1))
		return data;
	gpointer bigger = block_alloc(blocks, MAX(2 * n, 1) * size);
	if (n)
		memcpy(bigger, data, n * size);
	return bigger;
}

/* The outermost sequence, with the blocks of its tree. */
typedef struct {
	Block *blocks;
	EtqSeq seq;
} Tree;

typedef struct {
	const char *phrase, *p;
	const char *error;
	EtqText *scan;        /* the whole phrase, read by the tokeniser once */
	guint tok;            /* the next token to take */
	int depth;
	Block *blocks;        /* of the tree being built */
} Parser;

void
etq_phrase_free(EtqSeq *seq)
{
	if (!seq)
		return;
	Block *b = ((Tree *)((char *)seq - G_STRUCT_OFFSET(Tree, seq)))->blocks;
	while (b) {
		Block *next = b->next;
		g_free(b);
		b = next;
	}
}

static EtqPiece *
add_piece(Parser *ps, EtqSeq *seq, EtqPieceKind kind)
{
	seq->pieces = block_grow(&ps->blocks, seq->pieces, seq->n, sizeof *seq->pieces);
	EtqPiece *p = &seq->pieces[seq->n++];
	memset(p, 0, sizeof *p);
	p->kind = kind;
	return p;
}

static gboolean
is_delimiter(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '(' || c == ')' || c == '|';
}

/* Moves past the tokens of the piece ending at byte end of the phrase;
 * returns the first. */
static guint
take_tokens(Parser *ps, const char *end)
{
	guint first = ps->tok;
	while (ps->tok < ps->scan->n_tokens && etq_text_token(ps->scan, ps->tok)->start < (gsize)(end - ps->phrase))
		ps->tok++;
	return first;
}

#define VARIANTS_ERROR "can be read in more than 256 ways (alternatives × optional parts)"

/* The words of the piece ending at end: the last one gets `last`, the
 * others `each`. Returns the number of letters of a prefix's piece (its
 * length is checked), of words for the others (0: no word, no letter). */
static guint
add_words(Parser *ps, EtqSeq *seq, const char *end, EtqPieceKind each, EtqPieceKind last)
{
	guint first = take_tokens(ps, end), n = 0;
	for (guint i = first; i < ps->tok; i++)
		n += etq_text_token(ps->scan, i)->norm_len > 0;
	guint letters = 0;
	for (guint i = first, k = 0; i < ps->tok; i++) {
		const EtqToken *tok = etq_text_token(ps->scan, i);
		if (!tok->norm_len)
			continue;
		/* an offset for now: the words move to the sequence's own buffer at the end */
		add_piece(ps, seq, ++k == n ? last : each)->word = GUINT_TO_POINTER(tok->norm + 1);
		letters += last == PIECE_PREFIX ? g_utf8_strlen(etq_token_norm(ps->scan, tok), tok->norm_len) : 1;
	}
	return letters;
}

/* `*`, or `*N-M` with N ≤ M ≤ ETQ_GAP_MAX. */
static gboolean
parse_gap(Parser *ps, EtqSeq *seq, const char *s, gsize len)
{
	EtqPiece *gap = add_piece(ps, seq, PIECE_GAP);
	gap->min = gap->max = 1;
	take_tokens(ps, s + len); /* the digits */
	if (len == 1)
		return TRUE;
	const char *p = s + 1, *end = s + len;
	guint v[2] = { 0, 0 };
	for (int k = 0; k < 2; k++) {
		const char *digits = p;
		while (p < end && g_ascii_isdigit(*p) && p - digits < 3)
			v[k] = v[k] * 10 + (*p++ - '0');
		if (p == digits || (k == 0 && (p == end || *p++ != '-')))
			break;
		if (k == 1 && p == end && v[0] <= v[1] && v[1] >= 1 && v[1] <= ETQ_GAP_MAX) {
			gap->min = v[0];
			gap->max = v[1];
			return TRUE;
		}
	}
	ps->error = "has a bad gap: write * for one word, or *N-M for N to M words (N ≤ M, 1 ≤ M ≤ 10)";
	return FALSE;
}

/* One piece of text up to the next space or parenthesis. */
static gboolean
parse_text(Parser *ps, EtqSeq *seq)
{
	const char *s = ps->p;
	while (!is_delimiter(*ps->p))
		ps->p++;
	gsize len = ps->p - s;
	if (s[0] == '*' && (len == 1 || g_ascii_isdigit(s[1]) || s[1] == '-'))
		return parse_gap(ps, seq, s, len);
	if (s[0] == '~') {
		if (s[len - 1] == '*') {
			ps->error = "mixes a stem ~ and a prefix * in one word";
			return FALSE;
		}
		if (!add_words(ps, seq, s + len, PIECE_STEM, PIECE_STEM)) {
			ps->error = "has a stem ~ without a word";
			return FALSE;
		}
		return TRUE;
	}
	gboolean prefix = s[len - 1] == '*';
	guint letters = add_words(ps, seq, s + len, PIECE_WORD, prefix ? PIECE_PREFIX : PIECE_WORD);
	if (letters == 0)
		ps->error = "has a piece with no letters or digits";
	else if (prefix && letters < 3)
		ps->error = "has a prefix* shorter than 3 letters";
	return ps->error == NULL;
}

static gboolean parse_seq(Parser *ps, EtqSeq *seq);

/* A group `(a|b c|…)`, optional with `?` after it. */
static gboolean
parse_group(Parser *ps, EtqSeq *seq)
{
	if (++ps->depth > 8) {
		ps->error = "nests parentheses more than 8 deep";
		return FALSE;
	}
	/* the tokeniser keeps i'll one word: i('ll| will) would read "i ll" */
	if (ps->p > ps->phrase && !is_delimiter(ps->p[-1])) {
		ps->error = "has letters right before '(': a group is words of its own — write (i'll|i will), not i('ll| will)";
		return FALSE;
	}
	EtqPiece *group = add_piece(ps, seq, PIECE_GROUP);
	EtqSeq *alts = NULL;
	guint n_alts = 0;
	gboolean ok = TRUE;
	do {
		ps->p++; /* ( or | */
		alts = block_grow(&ps->blocks, alts, n_alts, sizeof *alts);
		memset(&alts[n_alts], 0, sizeof *alts);
		ok = parse_seq(ps, &alts[n_alts++]);
		if (ok && alts[n_alts - 1].n == 0)
			ok = FALSE, ps->error = "has an empty alternative";
		else if (ok && n_alts > ETQ_VARIANTS_MAX) /* and n_alts fits its field */
			ok = FALSE, ps->error = VARIANTS_ERROR;
	} while (ok && *ps->p == '|');
	/* parse_seq may have moved seq->pieces: find the group again */
	group = &seq->pieces[seq->n - 1];
	group->alts = alts;
	group->n_alts = n_alts;
	if (ok && *ps->p != ')')
		ok = FALSE, ps->error = "has unbalanced parentheses";
	if (!ok)
		return FALSE;
	ps->p++;
	if (*ps->p == '?') {
		group->optional = TRUE;
		ps->p++;
	}
	if (!is_delimiter(*ps->p) || *ps->p == '(') {
		ps->error = "has letters right after ')': write (jobs|roles) or (~job|~role), not (job|role)s";
		return FALSE;
	}
	ps->depth--;
	return TRUE;
}

/* Pieces up to the end, or to the `|` or `)` of the group it is in. */
static gboolean
parse_seq(Parser *ps, EtqSeq *seq)
{
	for (;;) {
		while (*ps->p == ' ' || *ps->p == '\t')
			ps->p++;
		char c = *ps->p;
		if (c == '\0' || ((c == '|' || c == ')') && ps->depth > 0))
			return TRUE;
		if (c == ')' || c == '|') {
			ps->error = c == ')' ? "has unbalanced parentheses" : "has | outside parentheses";
			return FALSE;
		}
		if (!(c == '(' ? parse_group(ps, seq) : parse_text(ps, seq)))
			return FALSE;
	}
}

/* ---- variants ---- */

/* Where to go on once a sequence is done: its parents, innermost first. */
typedef struct Frame {
	const EtqSeq *seq;
	guint i;
	const struct Frame *up;
} Frame;

typedef struct {
	const EtqPiece **items; /* room for every piece of the phrase */
	guint n;
	EtqVariantFunc fn;
	gpointer data;
} Expand;

static void
expand(Expand *x, const Frame *f)
{
	while (f && f->i == f->seq->n)
		f = f->up;
	if (!f) {
		x->fn(x->items, x->n, x->data);
		return;
	}
	const EtqPiece *p = &f->seq->pieces[f->i];
	Frame next = { f->seq, f->i + 1, f->up };
	if (p->kind != PIECE_GROUP) {
		x->items[x->n++] = p;
		expand(x, &next);
		x->n--;
		return;
	}
	for (guint a = 0; a < p->n_alts; a++) {
		Frame in = { &p->alts[a], 0, &next };
		expand(x, &in);
	}
	if (p->optional)
		expand(x, &next);
}

static guint
count_pieces(const EtqSeq *seq)
{
	guint n = seq->n;
	for (guint i = 0; i < seq->n; i++)
		for (guint a = 0; a < seq->pieces[i].n_alts; a++)
			n += count_pieces(&seq->pieces[i].alts[a]);
	return n;
}

void
etq_phrase_variants(const EtqSeq *seq, EtqVariantFunc fn, gpointer data)
{
	guint n = count_pieces(seq);
	const EtqPiece *stack[16];
	Expand x = { n <= G_N_ELEMENTS(stack) ? stack : g_new(const EtqPiece *, n), 0, fn, data };
	Frame top = { seq, 0, NULL };
	expand(&x, &top);
	if (x.items != stack)
		g_free(x.items);
}

/* The number of variants, saturated well above ETQ_VARIANTS_MAX. */
static guint
count_variants(const EtqSeq *seq)
{
	guint n = 1;
	for (guint i = 0; i < seq->n; i++) {
		const EtqPiece *p = &seq->pieces[i];
		if (p->kind != PIECE_GROUP)
			continue;
		guint k = p->optional;
		for (guint a = 0; a < p->n_alts; a++)
			k = MIN(k + count_variants(&p->alts[a]), 1u << 16);
		n = MIN(n * k, 1u << 16);
	}
	return n;
}

static void
check_variant(const EtqPiece *const *items, guint n, gpointer data)
{
	const char **error = data;
	guint gaps = 0;
	for (guint i = 0; i < n; i++)
		gaps += items[i]->kind == PIECE_GAP ? items[i]->max : 0;
	if (*error)
		return;
	if (n == 0)
		*error = "is empty (or can be: everything in it is optional)";
	else if (items[0]->kind == PIECE_GAP)
		*error = "starts with *";
	else if (gaps > ETQ_GAP_MAX)
		*error = "skips more than 10 words in its gaps";
}

static gboolean can_be_empty(const EtqSeq *seq);

/* Can some way to read the piece be no word at all? */
static gboolean
piece_can_be_empty(const EtqPiece *p)
{
	if (p->kind != PIECE_GROUP)
		return FALSE;
	if (p->optional)
		return TRUE;
	for (guint a = 0; a < p->n_alts; a++)
		if (can_be_empty(&p->alts[a]))
			return TRUE;
	return FALSE;
}

static gboolean
can_be_empty(const EtqSeq *seq)
{
	for (guint i = 0; i < seq->n; i++)
		if (!piece_can_be_empty(&seq->pieces[i]))
			return FALSE;
	return TRUE;
}

/* Can some way to read seq start with a gap? */
static gboolean
can_start_with_gap(const EtqSeq *seq)
{
	for (guint i = 0; i < seq->n; i++) {
		const EtqPiece *p = &seq->pieces[i];
		if (p->kind != PIECE_GROUP)
			return p->kind == PIECE_GAP;
		for (guint a = 0; a < p->n_alts; a++)
			if (can_start_with_gap(&p->alts[a]))
				return TRUE;
		if (!piece_can_be_empty(p))
			return FALSE;
	}
	return FALSE;
}

/* The most words the gaps of one way to read seq skip. */
static guint
most_gap_words(const EtqSeq *seq)
{
	guint n = 0;
	for (guint i = 0; i < seq->n; i++) {
		const EtqPiece *p = &seq->pieces[i];
		guint most = p->kind == PIECE_GAP ? p->max : 0;
		for (guint a = 0; a < p->n_alts; a++)
			most = MAX(most, most_gap_words(&p->alts[a]));
		n += most;
	}
	return n;
}

/* Most phrases have no problem in any way to read them: that is decided
 * from the tree; only a phrase with one has its ways spelled out, so that
 * the problem of the first way that has one is told. */
static void
check_ways(const EtqSeq *seq, const char **error)
{
	if (can_be_empty(seq) || can_start_with_gap(seq) || most_gap_words(seq) > ETQ_GAP_MAX)
		etq_phrase_variants(seq, check_variant, error);
}

/* ---- one block per tree ----
 * The parse leaves the smaller copies of its arrays behind as they double;
 * a tree that is kept (a load keeps thousands until the matcher is built)
 * is copied into one block of the size it needs. */

static gsize
seq_bytes(const EtqSeq *seq)
{
	gsize n = ALIGN(seq->n * sizeof *seq->pieces);
	for (guint i = 0; i < seq->n; i++) {
		n += ALIGN(seq->pieces[i].n_alts * sizeof(EtqSeq));
		for (guint a = 0; a < seq->pieces[i].n_alts; a++)
			n += seq_bytes(&seq->pieces[i].alts[a]);
	}
	return n;
}

/* from into to, its words pointing into `words` instead of `old`. */
static void
copy_seq(Block **block, EtqSeq *to, const EtqSeq *from, const char *old, const char *words)
{
	to->n = from->n;
	to->pieces = to->n ? memcpy(block_alloc(block, to->n * sizeof *to->pieces), from->pieces,
	                            to->n * sizeof *to->pieces) : NULL;
	for (guint i = 0; i < to->n; i++) {
		EtqPiece *p = &to->pieces[i];
		if (p->kind != PIECE_GROUP && p->word)
			p->word = words + (p->word - old);
		if (p->n_alts)
			p->alts = block_alloc(block, p->n_alts * sizeof *p->alts);
		for (guint a = 0; a < p->n_alts; a++)
			copy_seq(block, &p->alts[a], &from->pieces[i].alts[a], old, words);
	}
}

static EtqSeq *
compact(EtqSeq *seq, const char *words, gsize words_len)
{
	gsize size = ALIGN(sizeof(Block)) + ALIGN(sizeof(Tree)) + seq_bytes(seq) + ALIGN(words_len);
	Block *block = g_malloc(size);
	block->next = NULL;
	block->size = size;
	block->used = ALIGN(sizeof *block);
	Tree *tree = block_alloc(&block, sizeof *tree);
	tree->blocks = block;
	copy_seq(&block, &tree->seq, seq, words, memcpy(block_alloc(&block, words_len), words, words_len));
	etq_phrase_free(seq);
	return &tree->seq;
}

/* From offsets + 1 into the scanned words to pointers into words. */
static void
place_words(EtqSeq *seq, const char *words)
{
	for (guint i = 0; i < seq->n; i++) {
		EtqPiece *p = &seq->pieces[i];
		if (p->kind != PIECE_GROUP && p->word)
			p->word = words + GPOINTER_TO_UINT(p->word) - 1;
		for (guint a = 0; a < p->n_alts; a++)
			place_words(&p->alts[a], words);
	}
}

EtqSeq *
etq_phrase_parse_with(EtqText *scan, const char *phrase, const char **error)
{
	Parser ps = { .phrase = phrase, .p = phrase, .scan = scan };
	Tree *tree = block_alloc(&ps.blocks, sizeof *tree);
	memset(tree, 0, sizeof *tree);
	EtqSeq *seq = &tree->seq;
	etq_text_scan(scan, phrase);
	gboolean ok = parse_seq(&ps, seq);
	char *words = memcpy(block_alloc(&ps.blocks, scan->norm->len + 1), scan->norm->str, scan->norm->len + 1);
	tree->blocks = ps.blocks;
	place_words(seq, words);
	if (ok && count_variants(seq) > ETQ_VARIANTS_MAX)
		ps.error = VARIANTS_ERROR;
	else if (ok)
		check_ways(seq, &ps.error);
	*error = ps.error;
	if (ps.error) {
		etq_phrase_free(seq);
		return NULL;
	}
	return compact(seq, words, scan->norm->len + 1);
}

EtqSeq *
etq_phrase_parse(const char *phrase, const char **error)
{
	EtqText scan;
	etq_text_init(&scan);
	EtqSeq *seq = etq_phrase_parse_with(&scan, phrase, error);
	etq_text_clear(&scan);
	return seq;
}

gboolean
etq_phrase_has_stem(const EtqSeq *seq)
{
	for (guint i = 0; i < seq->n; i++) {
		const EtqPiece *p = &seq->pieces[i];
		if (p->kind == PIECE_STEM)
			return TRUE;
		for (guint a = 0; a < p->n_alts; a++)
			if (etq_phrase_has_stem(&p->alts[a]))
				return TRUE;
	}
	return FALSE;
}

/* Does a grammar sign or a link start at p? (A switch: this runs for every
 * byte of every phrase loaded.) */
static gboolean
grammar_or_link(const char *p)
{
	switch (*p) {
	case '(': case ')': case '|': case '*': case '~':
		return TRUE;
	case 'h':
		return p[1] == 't' && p[2] == 't' && p[3] == 'p';
	case 'w':
		return p[1] == 'w' && p[2] == 'w' && p[3] == '.';
	default:
		return FALSE;
	}
}

/* Plain words and spaces (most phrases): each piece needs a letter or
 * digit, which always starts a word of the tokeniser. */
gboolean
etq_phrase_plain(const char *phrase, const char **error)
{
	gboolean piece_ok = FALSE, any = FALSE;
	for (const char *p = phrase;; p++) {
		guchar c = *p;
		if (c >= 0x80) { /* a letter beyond ASCII, in valid UTF-8 */
			const char *next = g_utf8_find_next_char(p, NULL);
			gunichar u = g_utf8_get_char_validated(p, next ? next - p : -1);
			if (u == (gunichar)-1 || u == (gunichar)-2 || !g_unichar_isalpha(u))
				return FALSE;
			piece_ok = TRUE;
			p = next - 1;
			continue;
		}
		if (c == '\0' || c == ' ' || c == '\t') {
			if (p > phrase && p[-1] != ' ' && p[-1] != '\t' && !piece_ok)
				*error = "has a piece with no letters or digits";
			any |= piece_ok;
			piece_ok = FALSE;
			if (!c)
				break;
		} else if (grammar_or_link(p)) {
			return FALSE;
		}
		piece_ok |= g_ascii_isalnum(c);
	}
	if (!any && !*error)
		*error = "is empty (or can be: everything in it is optional)";
	return TRUE;
}

const char *
etq_phrase_problem(const char *phrase)
{
	const char *error = NULL;
	if (etq_phrase_plain(phrase, &error))
		return error;
	etq_phrase_free(etq_phrase_parse(phrase, &error));
	return error;
}

/* Length and first and last 8 bytes: phrases differ there, and g_str_hash
 * would read every byte of thousands of phrases at each load. */
guint
etq_phrase_hash(gconstpointer phrase)
{
	const char *text = phrase;
	gsize n = strlen(text);
	guint64 head = 0, tail = 0;
	memcpy(&head, text, MIN(n, 8));
	if (n > 8)
		memcpy(&tail, text + n - 8, 8);
	guint64 h = (head * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15) ^ tail) * G_GUINT64_CONSTANT(0xC2B2AE3D27D4EB4F) ^ n;
	return (guint)(h ^ h >> 32);
}
