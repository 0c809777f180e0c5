/* text.h — a message cut into normalised words, with byte spans back into
 * the original text. Internal to the core. */
#ifndef ETQ_TEXT_H
#define ETQ_TEXT_H

#include <glib.h>

typedef struct {
	gsize start, end;   /* bytes in the original text */
	guint norm;         /* offset of the normalised word in EtqText.norm */
	guint norm_len;
	gboolean at;        /* written as @word */
	gboolean link;      /* a whole URL, not a word */
	gunichar next;      /* first non-space character after it, or 0 */
} EtqToken;

typedef struct {
	const char *text;
	gsize len;
	EtqToken *tokens;
	guint n_tokens, tokens_cap;
	GString *norm;      /* normalised words, each NUL-terminated */
	guint n_words;      /* tokens that are not links */
	gboolean question_mark;
	gboolean has_link;
	gboolean laugh;     /* a laughing emoji: 😂 🤣 😜 … (<laugh>) */
	gsize valid_len;    /* bytes before the first invalid UTF-8 sequence */
	gboolean ascii;     /* no byte above 0x7F */
} EtqText;

/* A message is read up to its first ETQ_TEXT_MAX bytes (cut at a
 * character): what a chat message can hold, and a bound on the work and
 * memory any one message costs. */
#define ETQ_TEXT_MAX (64 * 1024)

void etq_text_init(EtqText *t);
void etq_text_clear(EtqText *t);
/* Cuts text (up to ETQ_TEXT_MAX bytes: t->len) into tokens, reusing t's buffers. */
void etq_text_scan(EtqText *t, const char *text);

static inline const char *
etq_token_norm(const EtqText *t, const EtqToken *tok)
{
	return t->norm->str + tok->norm;
}

static inline const EtqToken *
etq_text_token(const EtqText *t, guint i)
{
	return &t->tokens[i];
}

/* Appends the normalised form of one word (casefolded, accents removed). */
void etq_normalise_word(GString *out, const char *word, gsize len);

/* The normalised words of a phrase or name, joined by single spaces. */
char *etq_normalise_phrase(const char *phrase);
/* The same with the caller's scanner (its buffers reused), for many phrases. */
char *etq_normalise_phrase_with(EtqText *scan, const char *phrase);

#endif
