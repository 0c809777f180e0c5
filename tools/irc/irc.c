/* irc.c — IRC over GIO for the plugin's test and `make demo` (irc.h). */
#include <string.h>

#include <glib/gstdio.h>

#include "irc.h"

int irc_free_port(void)
{
	GSocket *socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
	                               G_SOCKET_PROTOCOL_TCP, NULL);
	GInetAddress *loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	GSocketAddress *address = g_inet_socket_address_new(loopback, 0);
	GSocketAddress *bound;
	int port = -1;

	if (socket != NULL && g_socket_bind(socket, address, FALSE, NULL) &&
	    (bound = g_socket_get_local_address(socket, NULL)) != NULL) {
		port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
		g_object_unref(bound);
	}
	g_object_unref(address);
	g_object_unref(loopback);
	if (socket != NULL) {
		g_socket_close(socket, NULL);
		g_object_unref(socket);
	}
	return port;
}

GSocketConnection *irc_connect(int port, gboolean no_proxy, GDataInputStream **in,
                               GOutputStream **out, GError **error)
{
	GSocketClient *client = g_socket_client_new();
	GSocketConnection *conn;

	if (no_proxy)
		g_socket_client_set_enable_proxy(client, FALSE);
	conn = g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, error);
	g_object_unref(client);
	if (conn == NULL)
		return NULL;
	*in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
	g_data_input_stream_set_newline_type(*in, G_DATA_STREAM_NEWLINE_TYPE_LF);
	*out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
	return conn;
}

gboolean irc_write_line(GOutputStream *out, const char *line)
{
	char *data = g_strconcat(line, "\r\n", NULL);
	gboolean ok = g_output_stream_write_all(out, data, strlen(data), NULL, NULL, NULL);

	g_free(data);
	return ok;
}

char *irc_read_line_finish(GObject *source, GAsyncResult *result, GError **error)
{
	gsize length;
	char *line = g_data_input_stream_read_line_finish(G_DATA_INPUT_STREAM(source), result,
	                                                  &length, error);

	if (line != NULL && length > 0 && line[length - 1] == '\r')
		line[length - 1] = '\0';
	return line;
}

char **irc_parse_line(char *line, char **prefix, char **trailing)
{
	char *rest = line, *space;

	*prefix = NULL;
	if (line[0] == ':') {
		space = strchr(line, ' ');
		if (space == NULL)
			return NULL;
		*space = '\0';
		*prefix = line + 1;
		rest = space + 1;
	}
	*trailing = strstr(rest, " :");
	if (*trailing != NULL) {
		**trailing = '\0';
		*trailing += 2;
	}
	return g_strsplit(rest, " ", -1);
}

void remove_tree(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name(dir)) != NULL) {
		char *file = g_build_filename(path, name, NULL);

		if (g_file_test(file, G_FILE_TEST_IS_DIR) && !g_file_test(file, G_FILE_TEST_IS_SYMLINK))
			remove_tree(file);
		else
			g_unlink(file);
		g_free(file);
	}
	if (dir != NULL)
		g_dir_close(dir);
	g_rmdir(path);
}
