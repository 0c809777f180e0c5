/* timers.c — one timeout at the core's next deadline.
 *
 * After every event the plugin asks the core for its earliest pending
 * timer (an unanswered question) and keeps one purple timeout for it. A
 * reply or a closed conversation removes the core's timer, and the next
 * update moves or removes the timeout; unloading removes it.
 */
#include "etiquette-plugin.h"

static gint64 last_tick = -1;

/* A deadline further away is waited for a day at a time: the tick finds
 * nothing due and sets the timeout again. Keeps at * 1000 from overflowing
 * whatever the core returns. */
#define MAX_WAIT_MS ((gint64)24 * 3600 * 1000)

static gboolean tick_cb(gpointer data)
{
	GPtrArray *findings;
	guint i;

	(void)data;
	etqp->timer = 0;
	last_tick = etqp_now();
	findings = etq_state_tick(etqp->state, last_tick);
	for (i = 0; i < findings->len; i++) {
		const EtqFinding *f = g_ptr_array_index(findings, i);
		EtqConv *c = etqp_conv_by_key(f->conv);

		etqp_log_finding(f);
		etqp_report_hint(c ? c->conv : NULL, f);
	}
	g_ptr_array_unref(findings);
	etqp_timers_update();
	return FALSE;
}

void etqp_timers_stop(void)
{
	if (etqp != NULL && etqp->timer != 0)
		purple_timeout_remove(etqp->timer);
	if (etqp != NULL)
		etqp->timer = 0;
}

/* A timeout for the core's earliest deadline (in whole seconds of the
 * monotonic clock). Coarse second timers may fire a little early: then
 * the tick finds nothing due and the timeout is set again. */
void etqp_timers_update(void)
{
	gint64 at, left_ms, now_ms;

	if (etqp == NULL || etqp->state == NULL)
		return;
	at = etq_state_next_deadline(etqp->state);
	if (etqp->timer != 0 && at == etqp->timer_at)
		return;
	etqp_timers_stop();
	if (at < 0)
		return;
	etqp->timer_at = at;
	now_ms = g_get_monotonic_time() / 1000;
	left_ms = at > (now_ms + MAX_WAIT_MS) / 1000 ? MAX_WAIT_MS : at * 1000 - now_ms;
	if (at <= last_tick)
		left_ms = 1000; /* due, yet the last tick left it: no busy loop */
	if (left_ms > 1000)
		etqp->timer = purple_timeout_add_seconds((guint)((left_ms + 999) / 1000),
		                                         tick_cb, NULL);
	else
		etqp->timer = purple_timeout_add((guint)MAX(left_ms + 1, 0), tick_cb, NULL);
}
