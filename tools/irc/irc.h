/* irc.h — what the plugin's test (tests/plugin/) and `make demo`
 * (tools/demo/) share of IRC over GIO: a free port of 127.0.0.1, a raw
 * line connection to the IRC server, the parts of a received line, and the
 * removal of a temporary folder.
 */
#ifndef ETQ_TOOLS_IRC_H
#define ETQ_TOOLS_IRC_H

#include <glib.h>
#include <gio/gio.h>

/* A TCP port of 127.0.0.1 that nothing listens on now; -1 if none. */
int irc_free_port(void);

/* Connects to 127.0.0.1:port (no_proxy: never through a proxy) and gives
 * the connection's line reader (newlines: LF) and its output stream. NULL,
 * with *error set, when it cannot connect. */
GSocketConnection *irc_connect(int port, gboolean no_proxy, GDataInputStream **in,
                               GOutputStream **out, GError **error);

/* Writes line and "\r\n"; FALSE if the connection is lost. */
gboolean irc_write_line(GOutputStream *out, const char *line);

/* g_data_input_stream_read_line_finish(), without the line's "\r". */
char *irc_read_line_finish(GObject *source, GAsyncResult *result, GError **error);

/* ":nick!user@host COMMAND args :trailing", split in place: *prefix (NULL
 * when none) and *trailing (NULL when none) point into line; returns the
 * command and its arguments (g_strfreev), NULL when a prefix has no command. */
char **irc_parse_line(char *line, char **prefix, char **trailing);

/* Removes a folder and everything below it (temporary folders only). */
void remove_tree(const char *path);

#endif
