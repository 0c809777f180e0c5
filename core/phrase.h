/* phrase.h — the phrase grammar of rules/README.md ("Phrases"), parsed
 * once into a small tree that the matcher compiles and the tests' reference
 * matcher reads directly. Internal to the core. */
#ifndef ETQ_PHRASE_H
#define ETQ_PHRASE_H

#include <glib.h>
#include "text.h"

#define ETQ_GAP_MAX 10        /* words a phrase's gaps may skip in all */
#define ETQ_VARIANTS_MAX 256  /* ways to read one phrase (alternatives × optional parts) */

typedef enum {
	PIECE_WORD,    /* a normalised word */
	PIECE_PREFIX,  /* a word starting with `word` */
	PIECE_STEM,    /* a word with the stem of `word` (in the rule's language) */
	PIECE_GAP,     /* min..max words (not links) */
	PIECE_GROUP    /* one of alts, or nothing when optional */
} EtqPieceKind;

typedef struct EtqPiece EtqPiece;

typedef struct {
	EtqPiece *pieces;     /* their words are in the tree's own memory */
	guint n;
} EtqSeq;

struct EtqPiece {
	union {
		const char *word; /* WORD, PREFIX, STEM */
		EtqSeq *alts;     /* GROUP */
	};
	guint sym;            /* WORD, PREFIX: the matcher's symbol, set when it files the phrase */
	guint16 n_alts;       /* GROUP (at most ETQ_VARIANTS_MAX) */
	guint8 kind;          /* EtqPieceKind */
	guint8 optional;      /* GROUP */
	guint8 min, max;      /* GAP (at most ETQ_GAP_MAX) */
};

/* The phrase as a sequence; NULL and *error (a sentence completing
 * "phrase \"…\" …") if it is malformed. */
EtqSeq *etq_phrase_parse(const char *phrase, const char **error);
/* The same with the caller's tokeniser buffers, for many phrases. */
EtqSeq *etq_phrase_parse_with(EtqText *scan, const char *phrase, const char **error);
void etq_phrase_free(EtqSeq *seq);
gboolean etq_phrase_has_stem(const EtqSeq *seq);

/* Each way to read the phrase as a flat list of WORD, PREFIX, STEM and GAP
 * pieces (pointing into seq), in a stable order. */
typedef void (*EtqVariantFunc)(const EtqPiece *const *items, guint n, gpointer data);
void etq_phrase_variants(const EtqSeq *seq, EtqVariantFunc fn, gpointer data);

/* Is the phrase plain words and spaces (no grammar, no link)? If so, *error
 * (NULL before) tells what is wrong with it, if anything. Quicker than a parse. */
gboolean etq_phrase_plain(const char *phrase, const char **error);

/* What is wrong with a phrase, or NULL (the grammar alone: stems are
 * checked against the language by the loader). */
const char *etq_phrase_problem(const char *phrase);

/* A GHashFunc for phrase texts (with g_str_equal), cheaper than g_str_hash. */
guint etq_phrase_hash(gconstpointer phrase);

#endif
