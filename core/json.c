/* json.c — the JSON of a rule file, read into cJSON's nodes.
 *
 * cJSON allocates every node and string on its own, and a load reads some
 * 35,000 of them only to free them again a moment later. Plain JSON (what
 * rule files are) is read here into a few blocks freed at once. Anything
 * else — an error, escapes of code points cJSON reads its own way (\u0000,
 * lone surrogates), bytes under 0x20 where JSON wants none, a byte order
 * mark, deep nesting — is left to cJSON itself, so that every file gets
 * cJSON's tree and cJSON's error position, as before. */
#include <string.h>
#include "load.h"
#include "jsonpos.h"

#define BLOCK_SIZE (32 * 1024)  /* the heap's, not a fresh mapping for each file */
#define DEPTH_MAX 256           /* cJSON's own limit is 1000 */
#define NUMBER_MAX 63           /* digits cJSON reads of a number */
#define MAX_RULE_FILE (4 * 1024 * 1024)

struct EtqJsonBlock {
	struct EtqJsonBlock *next;
	gsize size, used;
};

#define BLOCK_HEAD ((sizeof(EtqJsonBlock) + 7) & ~(gsize)7)

typedef struct {
	const char *p;
	EtqJsonBlock *blocks;
	EtqJsonBlock **spare;   /* blocks of the files before, to take first */
	int depth;
} Reader;

static gpointer
take(Reader *r, gsize n)
{
	EtqJsonBlock *b = r->blocks;
	n = (n + 7) & ~(gsize)7;
	if (!b || b->used + n > b->size) {
		b = *r->spare;
		if (b && b->size >= BLOCK_HEAD + n) {
			*r->spare = b->next;
		} else {
			b = g_malloc(MAX(BLOCK_SIZE, BLOCK_HEAD + n));
			b->size = MAX(BLOCK_SIZE, BLOCK_HEAD + n);
		}
		b->next = r->blocks;
		b->used = BLOCK_HEAD;
		r->blocks = b;
	}
	gpointer p = (char *)b + b->used;
	b->used += n;
	return p;
}

/* Freed memory at the top of the heap goes back to the system, and the
 * next file would fault it in afresh: a load keeps its blocks until it ends. */
static void
keep_blocks(EtqJsonBlock *b, EtqJsonBlock **spare)
{
	while (b) {
		EtqJsonBlock *next = b->next;
		b->next = *spare;
		*spare = b;
		b = next;
	}
}

void
etq_json_blocks_free(EtqJsonBlock **blocks)
{
	while (*blocks) {
		EtqJsonBlock *next = (*blocks)->next;
		g_free(*blocks);
		*blocks = next;
	}
}

static cJSON *
new_node(Reader *r, int type)
{
	cJSON *j = take(r, sizeof *j);
	memset(j, 0, sizeof *j);
	j->type = type;
	return j;
}

static void
skip_space(Reader *r)
{
	while (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t')
		r->p++;
}

static int
hex_digit(char c)
{
	if (g_ascii_isdigit(c))
		return c - '0';
	c = g_ascii_tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The four hex digits after "\u" at s, or -1. */
static int
hex4(const char *s)
{
	if (s[0] != '\\' || s[1] != 'u')
		return -1;
	int v = 0;
	for (int i = 2; i < 6; i++) {
		int d = hex_digit(s[i]);
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* The code point of "\uXXXX" (or a surrogate pair) at *s, *s moved past
 * it; 0 for what is left to cJSON. */
static gunichar
read_code_point(const char **s)
{
	int hi = hex4(*s);
	if (hi <= 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return 0;
	*s += 6;
	if (hi < 0xD800 || hi > 0xDBFF)
		return hi;
	int lo = hex4(*s);
	if (lo < 0xDC00 || lo > 0xDFFF)
		return 0;
	*s += 6;
	return 0x10000 + ((hi & 0x3FF) << 10 | (lo & 0x3FF));
}

static char
escaped_char(char c)
{
	switch (c) {
	case '"': case '\\': case '/':
		return c;
	case 'b':
		return '\b';
	case 'f':
		return '\f';
	case 'n':
		return '\n';
	case 'r':
		return '\r';
	case 't':
		return '\t';
	default:
		return 0;
	}
}

/* The escaped text between s and end, unescaped into out (no longer
 * than it); FALSE for what is left to cJSON. */
static gboolean
unescape(const char *s, const char *end, char *out)
{
	while (s < end) {
		char e = *s == '\\' ? escaped_char(s[1]) : 0;
		if (*s != '\\') {
			*out++ = *s++;
		} else if (e) {
			*out++ = e;
			s += 2;
		} else {
			gunichar c = read_code_point(&s);
			if (!c)
				return FALSE;
			out += g_unichar_to_utf8(c, out);
		}
	}
	*out = '\0';
	return TRUE;
}

/* Bytes that end the plain run of a string: its quote, an escape, and
 * the control characters JSON wants escaped (a table: one look per byte). */
static const guint8 special[256] = { [0 ... 0x1F] = 1, ['"'] = 1, ['\\'] = 1 };

/* The string at r->p (its opening quote), or NULL. */
static char *
read_string(Reader *r)
{
	const char *s = r->p + 1, *end = s;
	gboolean escaped = FALSE;
	for (;;) {
		while (!special[(guchar)*end])
			end++;
		if (*end == '"')
			break;
		if (*end != '\\' || (guchar)end[1] < 0x20)
			return NULL;
		escaped = TRUE;
		end += 2;
	}
	char *out = take(r, end - s + 1);
	r->p = end + 1;
	if (escaped)
		return unescape(s, end, out) ? out : NULL;
	memcpy(out, s, end - s);
	out[end - s] = '\0';
	return out;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *
number_end(const char *p)
{
	p += *p == '-';
	if (!g_ascii_isdigit(*p))
		return NULL;
	if (*p == '0')
		p++;
	while (g_ascii_isdigit(*p))
		p++;
	if (*p == '.') {
		if (!g_ascii_isdigit(*++p))
			return NULL;
		while (g_ascii_isdigit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p += p[1] == '+' || p[1] == '-';
		if (!g_ascii_isdigit(*++p))
			return NULL;
		while (g_ascii_isdigit(*p))
			p++;
	}
	return p;
}

static cJSON *
read_number(Reader *r)
{
	const char *end = number_end(r->p);
	if (!end || end - r->p > NUMBER_MAX)
		return NULL;
	char digits[NUMBER_MAX + 1];
	memcpy(digits, r->p, end - r->p);
	digits[end - r->p] = '\0';
	r->p = end;
	cJSON *j = new_node(r, cJSON_Number);
	j->valuedouble = g_ascii_strtod(digits, NULL);
	/* saturated, as cJSON does */
	j->valueint = j->valuedouble >= G_MAXINT ? G_MAXINT :
	              j->valuedouble <= (double)G_MININT ? G_MININT : (int)j->valuedouble;
	return j;
}

static cJSON *read_value(Reader *r);

/* The members of an array or object at r->p, up to `close`. */
static cJSON *
read_container(Reader *r, int type, char close)
{
	if (++r->depth > DEPTH_MAX)
		return NULL;
	cJSON *box = new_node(r, type), *last = NULL;
	r->p++;
	skip_space(r);
	while (*r->p != close) {
		char *key = NULL;
		if (type == cJSON_Object) {
			if (*r->p != '"' || !(key = read_string(r)))
				return NULL;
			skip_space(r);
			if (*r->p++ != ':')
				return NULL;
			skip_space(r);
		}
		cJSON *v = read_value(r);
		if (!v)
			return NULL;
		v->string = key;
		v->prev = last;
		if (last)
			last->next = v;
		else
			box->child = v;
		last = v;
		skip_space(r);
		if (*r->p == ',') {
			r->p++;
			skip_space(r);
			if (*r->p == close)
				return NULL; /* a trailing comma */
		} else if (*r->p != close) {
			return NULL;
		}
	}
	r->p++;
	if (box->child)
		box->child->prev = last; /* as cJSON links them */
	r->depth--;
	return box;
}

static cJSON *
read_word(Reader *r, const char *word, int type)
{
	gsize n = strlen(word);
	if (strncmp(r->p, word, n) != 0)
		return NULL;
	r->p += n;
	cJSON *j = new_node(r, type);
	j->valueint = type == cJSON_True;
	return j;
}

static cJSON *
read_value(Reader *r)
{
	switch (*r->p) {
	case '{':
		return read_container(r, cJSON_Object, '}');
	case '[':
		return read_container(r, cJSON_Array, ']');
	case '"': {
		char *s = read_string(r);
		cJSON *j = s ? new_node(r, cJSON_String) : NULL;
		if (j)
			j->valuestring = s;
		return j;
	}
	case 't':
		return read_word(r, "true", cJSON_True);
	case 'f':
		return read_word(r, "false", cJSON_False);
	case 'n':
		return read_word(r, "null", cJSON_NULL);
	default:
		return read_number(r);
	}
}

/* The tree of text (NUL-terminated), or NULL if cJSON is to read it. */
static cJSON *
read_plain(const char *text, EtqJsonBlock **blocks, EtqJsonBlock **spare)
{
	Reader r = { .p = text, .spare = spare };
	skip_space(&r);
	cJSON *root = read_value(&r);
	if (root)
		skip_space(&r);
	if (root && !*r.p) {
		*blocks = r.blocks;
		return root;
	}
	keep_blocks(r.blocks, spare);
	return NULL;
}

void
etq_json_clear(EtqJson *json)
{
	if (json->blocks)
		keep_blocks(json->blocks, json->spare);
	else
		cJSON_Delete(json->root);
	g_free(json->text);
	json->text = NULL;
	json->root = NULL;
	json->blocks = NULL;
}

cJSON *
etq_load_json(EtqRules *rules, const char *file, EtqJson *json, GPtrArray *errors, guint *n_errors)
{
	gsize len = 0;
	GError *err = NULL;
	EtqLoad c = { .file = file, .text = "", .errors = errors };
	memset(json, 0, sizeof *json);
	json->spare = &rules->json_spare;
	if (!g_file_get_contents(file, &json->text, &len, &err)) {
		etq_fail(&c, "", "cannot read: %s", err->message);
		g_error_free(err);
		*n_errors += c.n_errors;
		return NULL;
	}
	const char *text = json->text;
	if (len > MAX_RULE_FILE || strlen(text) != len) {
		etq_fail(&c, "", len > MAX_RULE_FILE ? "file larger than 4 MB" : "file contains a NUL byte");
	} else if ((json->root = read_plain(text, &json->blocks, json->spare))) {
		return json->root;
	} else {
		const char *end = NULL;
		if ((json->root = cJSON_ParseWithLengthOpts(text, len + 1, &end, TRUE)))
			return json->root;
		const char *at = end ? end : text;
		c.n_errors++;
		if (errors) {
			char *near = g_strndup(at, 20);
			g_strdelimit(g_strstrip(near), "\r\n\t", ' ');
			g_ptr_array_add(errors, g_strdup_printf("%s:%u: invalid JSON near \"%s\"",
			                file, etq_json_line_at(text, at), near));
			g_free(near);
		}
	}
	*n_errors += c.n_errors;
	return NULL;
}
