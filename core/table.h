/* table.h — open-addressing hash tables: one probe into flat arrays, for
 * what a rule load files by the thousand and a message looks up for every
 * word (GHashTable allocates and hashes more per entry). Internal to the core. */
#ifndef ETQ_TABLE_H
#define ETQ_TABLE_H

#include <glib.h>

/* guint64 -> guint. A value is stored plus one; 0 marks an empty slot.
 * Twice as many slots as the keys expected, not a power of two, which
 * could be four times as many. */
typedef struct {
	guint64 *keys;
	guint *vals;
	guint size, n;
} EtqTable;

/* Room for expect keys without growing. */
void etq_table_init(EtqTable *t, guint expect);
void etq_table_clear(EtqTable *t);
void etq_table_put(EtqTable *t, guint64 key, guint val);

static inline guint
etq_table_slot(const EtqTable *t, guint64 key)
{
	guint64 h = key * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15);
	guint i = (guint)((h >> 32) * t->size >> 32); /* the high bits, scaled to the size */
	while (t->vals[i] && t->keys[i] != key)
		if (++i == t->size)
			i = 0;
	return i;
}

/* The value + 1 of key, or 0. */
static inline guint
etq_table_get(const EtqTable *t, guint64 key)
{
	return t->vals[etq_table_slot(t, key)];
}

/* Text -> guint, the same way; the texts stay the caller's and must
 * outlive the table. Slot i holds a text when vals[i] is not 0. */
typedef struct {
	const char **keys;
	guint *vals;
	guint32 *hashes;
	guint mask, n;
} EtqTexts;

void etq_texts_init(EtqTexts *t, guint expect);
void etq_texts_clear(EtqTexts *t);
/* The slot of the len bytes at s (a text of that length), or the empty
 * slot where it would go: vals[slot] is its value + 1, or 0. */
guint etq_texts_slot(const EtqTexts *t, const char *s, gsize len);
/* The value + 1 of the len bytes at s, or 0. */
guint etq_texts_get(const EtqTexts *t, const char *s, gsize len);
/* key: a NUL-terminated text of len bytes, kept by the table. */
void etq_texts_put(EtqTexts *t, const char *key, gsize len, guint val);

#endif
