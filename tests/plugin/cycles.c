/* cycles.c — loading and unloading the plugin many times in one process.
 *
 * Each cycle loads the plugin and unloads it at once (its rules still
 * loading in a thread), loads it again, gives it work that leaves state
 * behind (an incoming question with its timer, a hint, an outgoing message
 * held with its question open), unloads it, and closes the conversations. After
 * unloading, the plugin's stats hook must report nothing left.
 * Under valgrind (--valgrind) memcheck counts every byte still allocated,
 * reachable or not, after a warm-up and again after the last cycle: it must
 * not have grown. Without valgrind the heap is only bounded roughly (the
 * allocator's caches blur it), which still catches losing the rules or the
 * state on every cycle.
 */
#include <malloc.h>
#include <string.h>

#include <valgrind/memcheck.h>
#include <time.h>

#ifdef __SANITIZE_ADDRESS__
/* From <sanitizer/allocator_interface.h>, which gcc does not install. */
size_t __sanitizer_get_current_allocated_bytes(void);
#endif

#include <server.h>

#include "harness.h"

#define MAX_GROWTH_PER_CYCLE 4096 /* bytes, without valgrind: allocator noise */

static gboolean request_open(gpointer data)
{
	(void)data;
	return ui_last_open_request(NULL) != NULL;
}

static void close_conversations(void)
{
	GList *convs;

	while ((convs = purple_get_conversations()) != NULL)
		purple_conversation_destroy(convs->data);
}

/* Returns TRUE if the cycle went as it should. */
static gboolean one_cycle(PurplePlugin *plugin, PurpleAccount *account, guint *hints)
{
	PurpleConnection *gc = purple_account_get_connection(account);
	PurpleConversation *conv;
	Request *r;
	guint s[6];
	gboolean ok;

	/* unloaded at once, its rules still loading in a thread */
	if (!purple_plugin_load(plugin) || !purple_plugin_unload(plugin) ||
	    !purple_plugin_load(plugin))
		return FALSE;
	serv_got_im(gc, "maria", "could you help me with this?", PURPLE_MESSAGE_RECV, time(NULL));
	serv_got_im(gc, "sam", "I shared your post", PURPLE_MESSAGE_RECV, time(NULL));
	conv = ui_im(account, "lee");
	purple_conv_im_send(PURPLE_CONV_IM(conv), "could you review my cv?");
	wait_until(request_open, NULL, 2000);
	r = ui_last_open_request(NULL);
	ui_plugin_stats(plugin, s);
	ok = r != NULL && s[2] == 1 && s[4] == 1;
	if (!purple_plugin_unload(plugin))
		return FALSE;
	ok = ok && r->closed && ui_open_requests() == 0;
	ui_plugin_stats(plugin, s);
	ok = ok && s[5] == 0;
	*hints += ui_count_debug(0, "finding say-thanks");
	close_conversations();
	/* what the test itself keeps would look like growth */
	g_ptr_array_set_size(ui_writes, 0);
	g_ptr_array_set_size(ui_debug, 0);
	g_ptr_array_set_size(ui_requests, 0);
	return ok;
}

/* Bytes in use now: memcheck's count of every block, AddressSanitizer's
 * allocator's (it replaces malloc, so mallinfo2() would see nothing), or
 * malloc's. */
/* Under valgrind: the bytes lost (definitely or possibly), which is what a
 * leak of ours becomes; libpurple's reachable caches (IRC buffers and the
 * like) move by a few hundred bytes from cycle to cycle and are not ours.
 * Without valgrind: the heap in use, checked with a tolerance over 90 cycles. */
static size_t heap_in_use(gboolean valgrind)
{
	unsigned long leaked = 0, dubious = 0, reachable = 0, suppressed = 0;

	if (valgrind) {
		VALGRIND_DO_ADDED_LEAK_CHECK;
		VALGRIND_COUNT_LEAKS(leaked, dubious, reachable, suppressed);
		(void)reachable;
		(void)suppressed;
		return leaked + dubious;
	}
#ifdef __SANITIZE_ADDRESS__
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

void cycles_run(const char *plugin_path, guint cycles, gboolean valgrind)
{
	char *user_dir = g_dir_make_tmp("etq-purple-XXXXXX", NULL);
	PurplePlugin *plugin;
	PurpleAccount *account;
	Ircd ircd;
	guint i, good = 0, hints = 0, warm_up = valgrind ? 2 : 10;
	size_t heap_start = 0, heap_end = 0;

	ui_init(user_dir, NULL);
	plugin = ui_probe_plugin(plugin_path);
	if (check(plugin != NULL, "the plugin is found at %s", plugin_path) &&
	    check(ircd_start(&ircd), "ngircd runs")) {
		account = ui_irc_account("alex", ircd.port);
		if (check(ui_wait_connected(account, 20000), "alex connects")) {
			purple_prefs_set_int("/plugins/core/etiquette/unanswered_seconds", 60);
			for (i = 0; i < cycles; i++) {
				if (i == warm_up)
					heap_start = heap_in_use(valgrind);
				good += one_cycle(plugin, account, &hints);
			}
			heap_end = heap_in_use(valgrind);
			check(good == cycles, "%u load/unload cycles, each with a question, a timer, "
			      "a hint and a held message: nothing left after unloading (%u/%u)",
			      cycles, good, cycles);
			check(hints == cycles, "the plugin worked in every cycle (%u say-thanks hints)",
			      hints);
			if (valgrind && cycles > warm_up)
				check(heap_end <= heap_start,
				      "valgrind: not one byte more lost after %u more cycles (%+ld)",
				      cycles - warm_up, (long)heap_end - (long)heap_start);
			else if (cycles > warm_up * 2)
				check(heap_end <= heap_start + MAX_GROWTH_PER_CYCLE * (cycles - warm_up),
				      "the heap stays bounded over %u cycles (%+ld bytes)",
				      cycles - warm_up, (long)heap_end - (long)heap_start);
		}
		ircd_stop(&ircd);
	}
	ui_quit();
	ui_check_user_dir(user_dir, NULL);
	remove_tree(user_dir);
	g_free(user_dir);
}
