/* labels.c — a GTK module for the real-Pidgin tests (Pidgin loads it from
 * GTK_MODULES, desk.c). Nothing else reads Pidgin's windows: there is no
 * accessibility bus under Xvfb, and a screenshot proves nothing by itself.
 * So every toplevel window, once shown and laid out, writes its labels to
 * stderr (the test's pidgin.log), one line each:
 *   etq-labels <X window id>: <text, newlines as spaces>
 *   etq-labels <X window id> cut: <text>
 *   etq-labels <X window id> end
 * "cut" is a label the reader cannot read whole: its text needs more room
 * than it was given, it is ellipsized, or it reaches past the right edge of
 * its window or of the scrolled view it is in.
 */
#include <stdio.h>

#include <gdk/gdkx.h>
#include <gtk/gtk.h>

/* The right edge, in window coordinates, of what can be seen of widget:
 * that of the viewport it scrolls in, else of its window. */
static int visible_right(GtkWidget *widget, GtkWidget *window)
{
	GtkWidget *up = gtk_widget_get_ancestor(widget, GTK_TYPE_VIEWPORT);
	GtkAllocation area;
	int x = 0, y = 0;

	if (up == NULL)
		up = window;
	gtk_widget_get_allocation(up, &area);
	gtk_widget_translate_coordinates(up, window, 0, 0, &x, &y);
	return x + area.width;
}

static gboolean label_cut(GtkWidget *label, GtkWidget *window)
{
	GtkAllocation room;
	PangoLayout *layout = gtk_label_get_layout(GTK_LABEL(label));
	int width, height, xpad, ypad, x = 0, y = 0;

	gtk_widget_get_allocation(label, &room);
	gtk_misc_get_padding(GTK_MISC(label), &xpad, &ypad);
	pango_layout_get_pixel_size(layout, &width, &height);
	gtk_widget_translate_coordinates(label, window, 0, 0, &x, &y);
	return width + 2 * xpad > room.width || height + 2 * ypad > room.height ||
	       pango_layout_is_ellipsized(layout) || x + room.width > visible_right(label, window);
}

typedef struct {
	GtkWidget *window;
	gulong xid;
} Dump;

static void walk(GtkWidget *widget, gpointer data)
{
	Dump *dump = data;

	if (!gtk_widget_get_mapped(widget))
		return;
	if (GTK_IS_LABEL(widget) && *gtk_label_get_text(GTK_LABEL(widget)) != '\0') {
		char *text = g_strdelimit(g_strdup(gtk_label_get_text(GTK_LABEL(widget))), "\n", ' ');
		char *line = g_strdup_printf("etq-labels %lu%s: %s\n", dump->xid,
		                             label_cut(widget, dump->window) ? " cut" : "", text);

		fputs(line, stderr); /* one write: the log is shared with Pidgin's output */
		g_free(line);
		g_free(text);
	}
	if (GTK_IS_CONTAINER(widget))
		gtk_container_forall(GTK_CONTAINER(widget), walk, data);
}

static gboolean dump_window(gpointer data)
{
	GtkWidget *window = data;

	if (gtk_widget_get_mapped(window)) {
		Dump dump = { window, GDK_WINDOW_XID(gtk_widget_get_window(window)) };
		char *end = g_strdup_printf("etq-labels %lu end\n", dump.xid);

		walk(window, &dump);
		fputs(end, stderr);
		g_free(end);
	}
	g_object_unref(window);
	return FALSE;
}

/* A toplevel just mapped: read it when GTK is idle, after any resize. */
static gboolean mapped(GSignalInvocationHint *hint, guint n, const GValue *values, gpointer data)
{
	GtkWidget *widget = g_value_get_object(&values[0]);

	(void)hint;
	(void)n;
	(void)data;
	if (GTK_IS_WINDOW(widget))
		g_idle_add_full(G_PRIORITY_LOW, dump_window, g_object_ref(widget), NULL);
	return TRUE;
}

G_MODULE_EXPORT void gtk_module_init(gint *argc, gchar ***argv);

G_MODULE_EXPORT void gtk_module_init(gint *argc, gchar ***argv)
{
	(void)argc;
	(void)argv;
	g_type_class_ref(GTK_TYPE_WIDGET); /* its signals exist once its class does: kept */
	g_signal_add_emission_hook(g_signal_lookup("map", GTK_TYPE_WIDGET), 0, mapped, NULL, NULL);
}
