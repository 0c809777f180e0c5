/* jsonpos.c — see jsonpos.h. Only skips values; cJSON does the parsing. */
#include <string.h>
#include <stdlib.h>
#include "jsonpos.h"

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *
skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* Skips one value; nesting is counted, strings are skipped whole. */
static const char *
skip_value(const char *p)
{
	int depth = 0;
	do {
		p = skip_ws(p);
		if (*p == '"')
			p = skip_string(p);
		else if (*p == '{' || *p == '[')
			depth++, p++;
		else if (*p == '}' || *p == ']')
			depth--, p++;
		else if (*p == ',' || *p == ':')
			p++;
		else if (*p)
			while (*p && !strchr(" \t\r\n,:]}", *p))
				p++;
	} while (*p && depth > 0);
	return p;
}

/* From the start of an object or array, the value at key or index. */
static const char *
child(const char *p, const char *segment)
{
	gboolean array = *p == '[';
	char *end;
	long index = strtol(segment, &end, 10);
	if (array && *end)
		return NULL;
	p = skip_ws(p + 1);
	for (long i = 0; *p && *p != '}' && *p != ']'; i++) {
		gboolean hit = array && i == index;
		if (!array) {
			const char *key = p + 1;
			p = skip_string(p);
			hit = (size_t)(p - 1 - key) == strlen(segment) && strncmp(key, segment, p - 1 - key) == 0;
			p = skip_ws(p);
			if (*p == ':')
				p = skip_ws(p + 1);
		}
		if (hit)
			return p;
		p = skip_ws(skip_value(p));
		if (*p == ',')
			p = skip_ws(p + 1);
	}
	return NULL;
}

guint
etq_json_line_at(const char *text, const char *pos)
{
	guint line = 1;
	for (const char *p = text; p < pos && *p; p++)
		line += *p == '\n';
	return line;
}

guint
etq_json_line(const char *text, const char *path)
{
	const char *p = skip_ws(text);
	char **segments = g_strsplit(path, "/", -1);
	for (char **s = segments; *s && **s; s++) {
		if (*p != '{' && *p != '[')
			break;
		const char *c = child(p, *s);
		if (!c)
			break;
		p = c;
	}
	g_strfreev(segments);
	return etq_json_line_at(text, p);
}
