/* jsonpos.h — where in a JSON text a value stands.
 *
 * cJSON keeps no positions, but a rule author needs "FILE:LINE: reason".
 * This walks the raw text along a path such as "rules/3/category" (object
 * keys and array indices) and returns the line of that value, or of the
 * nearest enclosing value that exists. It assumes the text parsed. */
#ifndef ETQ_JSONPOS_H
#define ETQ_JSONPOS_H

#include <glib.h>

guint etq_json_line(const char *text, const char *path);
guint etq_json_line_at(const char *text, const char *pos);

#endif
