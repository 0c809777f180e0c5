/* ircd.c — a real IRC server for the tests: ngircd on 127.0.0.1, on a
 * free port, with a config written into a temporary folder, in the
 * foreground (-n). Stopped by its PID.
 */
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>


#include "harness.h"

static char *find_ngircd(void)
{
	char *path = g_find_program_in_path("ngircd");

	if (path == NULL && g_file_test("/usr/sbin/ngircd", G_FILE_TEST_IS_EXECUTABLE))
		path = g_strdup("/usr/sbin/ngircd");
	return path;
}

/* Penalties off, so a flood goes through at once; no PAM, ident or DNS. */
static gboolean write_config(Ircd *ircd, const char *path)
{
	char *config = g_strdup_printf(
		"[Global]\n"
		"\tName = irc.etiquette.test\n"
		"\tInfo = purple-etiquette test server\n"
		"\tListen = 127.0.0.1\n"
		"\tPorts = %d\n"
		"\tMotdPhrase = \"purple-etiquette test\"\n"
		"[Limits]\n"
		"\tMaxConnectionsIP = 0\n"
		"\tMaxJoins = 0\n"
		"\tMaxNickLength = 30\n"
		"\tMaxPenaltyTime = 0\n"
		"\tPingTimeout = 300\n"
		"\tPongTimeout = 300\n"
		"[Options]\n"
		"\tPAM = no\n"
		"\tIdent = no\n"
		"\tDNS = no\n"
		"\tRequireAuthPing = no\n",
		ircd->port);
	gboolean ok = g_file_set_contents(path, config, -1, NULL);

	g_free(config);
	return ok;
}

static gboolean port_open(int port)
{
	GSocketClient *client = g_socket_client_new();
	GSocketConnection *conn;

	g_socket_client_set_enable_proxy(client, FALSE);

	g_socket_client_set_timeout(client, 1);
	conn = g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, NULL);
	if (conn != NULL) {
		g_io_stream_close(G_IO_STREAM(conn), NULL, NULL);
		g_object_unref(conn);
	}
	g_object_unref(client);
	return conn != NULL;
}

gboolean ircd_start(Ircd *ircd)
{
	char *ngircd = find_ngircd();
	char *config, *log, *command;
	char *argv[4];
	GError *error = NULL;
	int i;

	memset(ircd, 0, sizeof *ircd);
	if (ngircd == NULL) {
		g_printerr("ngircd not found (apt-get install ngircd)\n");
		return FALSE;
	}
	ircd->dir = g_dir_make_tmp("etq-ngircd-XXXXXX", NULL);
	ircd->port = irc_free_port();
	config = g_build_filename(ircd->dir, "ngircd.conf", NULL);
	log = g_build_filename(ircd->dir, "ngircd.log", NULL);
	if (ircd->dir == NULL || ircd->port <= 0 || !write_config(ircd, config)) {
		g_free(ngircd);
		g_free(config);
		g_free(log);
		return FALSE;
	}
	/* exec keeps the PID: the one we kill is ngircd's own. */
	command = g_strdup_printf("exec '%s' -n -f '%s' >'%s' 2>&1", ngircd, config, log);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = command;
	argv[3] = NULL;
	if (!g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
	                   &ircd->pid, &error)) {
		g_printerr("cannot start ngircd: %s\n", error->message);
		g_error_free(error);
		ircd->pid = 0;
	}
	g_free(command);
	g_free(ngircd);
	g_free(config);
	for (i = 0; ircd->pid != 0 && i < 100 && !port_open(ircd->port); i++)
		g_usleep(50 * 1000);
	if (ircd->pid != 0 && i == 100) {
		char *text = NULL;

		g_file_get_contents(log, &text, NULL, NULL);
		g_printerr("ngircd did not open port %d:\n%s\n", ircd->port, text ? text : "");
		g_free(text);
		ircd_stop(ircd);
	}
	g_free(log);
	return ircd->pid != 0;
}

void ircd_stop(Ircd *ircd)
{
	if (ircd->pid != 0) {
		kill(ircd->pid, SIGTERM);
		waitpid(ircd->pid, NULL, 0);
		g_spawn_close_pid(ircd->pid);
		ircd->pid = 0;
	}
	if (ircd->dir != NULL) {
		if (g_getenv("ETQ_TEST_KEEP") == NULL)
			remove_tree(ircd->dir);
		g_free(ircd->dir);
		ircd->dir = NULL;
	}
}
