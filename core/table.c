/* table.c — see table.h. */
#include <string.h>
#include "table.h"

/* A table fills to 1/2: most look-ups (a message's words, the trie's
 * edges) are misses, which probe to the end of a run. */
#define FULL(n, slots) ((n) * 2 >= (slots))

/* The smallest mask whose table holds expect keys. */
static guint
mask_for(guint expect)
{
	guint mask = 255;
	while (expect * 2 > mask)
		mask = mask * 2 + 1;
	return mask;
}

void
etq_table_init(EtqTable *t, guint expect)
{
	t->size = MAX(expect, 128) * 2 + 1;
	t->n = 0;
	/* one allocation: keys, then the values (zero: empty) */
	t->keys = g_malloc_n(t->size, sizeof *t->keys + sizeof *t->vals);
	t->vals = (guint *)(t->keys + t->size);
	memset(t->vals, 0, t->size * sizeof *t->vals);
}

void
etq_table_clear(EtqTable *t)
{
	g_free(t->keys);
}

void
etq_table_put(EtqTable *t, guint64 key, guint val)
{
	guint i = etq_table_slot(t, key);
	if (!t->vals[i])
		t->n++;
	t->keys[i] = key;
	t->vals[i] = val + 1;
	if (!FULL(t->n, t->size))
		return;
	EtqTable old = *t;
	etq_table_init(t, old.n * 2);
	for (guint k = 0; k < old.size; k++)
		if (old.vals[k])
			etq_table_put(t, old.keys[k], old.vals[k] - 1);
	etq_table_clear(&old);
}

/* ---- texts ---- */

/* Length and first and last 8 bytes (all of most words): texts that
 * differ there differ enough, and reading every byte of thousands of
 * phrases costs more than the rare longer probe. */
static guint32
text_hash(const char *s, gsize len)
{
	guint64 head = 0, tail = 0;
	memcpy(&head, s, MIN(len, 8));
	if (len > 8)
		memcpy(&tail, s + len - MIN(len - 8, 8), MIN(len - 8, 8));
	guint64 h = (head * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15) ^ tail ^ len) * G_GUINT64_CONSTANT(0xC2B2AE3D27D4EB4F);
	return (guint32)(h ^ h >> 32);
}

static guint
texts_slot(const EtqTexts *t, const char *s, gsize len, guint32 hash)
{
	guint i = hash & t->mask;
	while (t->vals[i] &&
	       (t->hashes[i] != hash || strncmp(t->keys[i], s, len) != 0 || t->keys[i][len]))
		i = (i + 1) & t->mask;
	return i;
}

void
etq_texts_init(EtqTexts *t, guint expect)
{
	t->mask = mask_for(expect);
	t->n = 0;
	t->keys = g_new(const char *, t->mask + 1);
	t->hashes = g_new(guint32, t->mask + 1);
	t->vals = g_new0(guint, t->mask + 1);
}

void
etq_texts_clear(EtqTexts *t)
{
	g_free(t->keys);
	g_free(t->hashes);
	g_free(t->vals);
}

guint
etq_texts_slot(const EtqTexts *t, const char *s, gsize len)
{
	return texts_slot(t, s, len, text_hash(s, len));
}

guint
etq_texts_get(const EtqTexts *t, const char *s, gsize len)
{
	return t->vals[etq_texts_slot(t, s, len)];
}

/* An empty slot for a text not in the table yet. */
static guint
free_slot(const EtqTexts *t, guint32 hash)
{
	guint i = hash & t->mask;
	while (t->vals[i])
		i = (i + 1) & t->mask;
	return i;
}

void
etq_texts_put(EtqTexts *t, const char *key, gsize len, guint val)
{
	guint32 hash = text_hash(key, len);
	guint i = texts_slot(t, key, len, hash);
	if (!t->vals[i])
		t->n++;
	t->keys[i] = key;
	t->hashes[i] = hash;
	t->vals[i] = val + 1;
	if (!FULL(t->n, t->mask + 1))
		return;
	EtqTexts old = *t;
	etq_texts_init(t, old.n);
	t->n = old.n;
	for (guint k = 0; k <= old.mask; k++)
		if (old.vals[k]) { /* the keys differ: no need to compare them */
			guint j = free_slot(t, old.hashes[k]);
			t->keys[j] = old.keys[k];
			t->hashes[j] = old.hashes[k];
			t->vals[j] = old.vals[k];
		}
	etq_texts_clear(&old);
}
