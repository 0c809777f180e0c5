/* fuzz-event-seq.c — arbitrary histories through one state with the shipped rules.
 *
 * The input is a list of lines; each line is one step. Its first four bytes
 * are a header (any byte means something), the rest is the message text:
 *
 *   byte 0  what happens: o = feed out, i = feed in, c = check (out),
 *           C = check (in), r = record (out), R = record (in), t = tick,
 *           f = forget the conversation, s = new config, e/d = enable/disable
 *           a rule set, T = absolute time from the text (a number, may be huge);
 *           any other byte: byte % 13 of that list
 *   byte 1  chat and known: m = im, M = im known, n = im not known, g = group,
 *           G = group known, h = group with an explicit conv; other: byte % 6
 *   byte 2  who: 0-9 a peer and conversation of ten; other bytes pick among 64
 *           peers (many conversations: the LRU), with "me" unset when >= 0x80
 *   byte 3  time step: 0-9 = 0 1 5 30 60 300 599 600 601 3600 seconds;
 *           '-' = 10 s back (the core must cope); other: the byte in seconds
 *
 * Invariants checked after every step: findings complete, spans inside the
 * text, incoming messages get only hints, check twice = same answer, at most
 * max_conversations remembered, no timer due at or before the current time.
 *
 * Seeds: tests/fuzz/seeds/event-seq/. */
#include "fuzz-common.h"

static EtqRules *rules;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_env();
	rules = fuzz_shipped_rules();
	return 0;
}

static const char ops[] = "oicCrRtfsedT";
static const char chats[] = "mMngGh";
static const gint64 steps[] = { 0, 1, 5, 30, 60, 300, 599, 600, 601, 3600 };
static const char *const peers[] = { "pat", "kim", "alex", "", "maria", "Tom", "anna",
	"Straße", "perché", "@x" };

static char *
rule_ids(GPtrArray *found)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		g_string_append_printf(s, "%s/%s|", f->rule, f->message);
	}
	return g_string_free(s, FALSE);
}

static void
check_feed(GPtrArray *found, const EtqEvent *ev)
{
	fuzz_check_findings(found, ev->text);
	for (guint i = 0; i < found->len; i++) {
		const EtqFinding *f = g_ptr_array_index(found, i);
		/* "Incoming messages only ever get hints" (rules/README.md) */
		if (ev->dir == ETQ_DIR_IN && f->span_start >= 0)
			FUZZ_ASSERT(f->severity == ETQ_SEVERITY_HINT);
	}
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
	for (guint i = 0; i < etq_rules_n_sets(rules); i++)
		etq_rules_set_enabled(rules, etq_rule_set_name(etq_rules_get_set(rules, i)), TRUE);
	EtqConfig cfg;
	etq_config_init(&cfg);
	EtqState *st = etq_state_new(rules, &cfg);
	gint64 now = 0;
	gsize pos = 0;
	guint n_steps = 0;
	while (pos < size && n_steps++ < 256) {
		const guint8 *nl = memchr(data + pos, '\n', size - pos);
		gsize len = nl ? (gsize)(nl - (data + pos)) : size - pos;
		guint8 h[4] = { 'o', 'm', '0', '0' };
		memcpy(h, data + pos, MIN(len, 4));
		char *text = len > 4 ? g_strndup((const char *)data + pos + 4, len - 4) : g_strdup("");
		pos += len + (nl != NULL);

		const char *op = strchr(ops, h[0]);
		char o = op && h[0] ? *op : ops[h[0] % 13];
		const char *ch = strchr(chats, h[1]);
		int chat = ch && h[1] ? (int)(ch - chats) : h[1] % 6;
		int who = h[2] >= '0' && h[2] <= '9' ? h[2] - '0' : 10 + h[2] % 64;
		gint64 step = h[3] >= '0' && h[3] <= '9' ? steps[h[3] - '0'] : h[3] == '-' ? -10 : h[3];
		now += step;

		char peer[32], conv[32];
		if (who < 10)
			g_strlcpy(peer, peers[who], sizeof peer);
		else
			g_snprintf(peer, sizeof peer, "peer%d", who);
		g_snprintf(conv, sizeof conv, "#room%d", who % 4);
		EtqEvent ev = {
			.text = text,
			.dir = strchr("oCcr", o) ? ETQ_DIR_OUT : ETQ_DIR_IN,
			.chat = chat < 3 ? ETQ_CHAT_IM : ETQ_CHAT_GROUP,
			.peer = peer,
			.conv = chat == 5 ? conv : NULL,
			.me = h[2] >= 0x80 ? NULL : "alex",
			.known = chat == 1 || chat == 4 ? ETQ_KNOWN_YES : chat == 2 ? ETQ_KNOWN_NO : ETQ_KNOWN_UNSET,
			.t = now,
		};
		if (o == 'C')
			ev.dir = ETQ_DIR_IN;
		else if (o == 'c')
			ev.dir = ETQ_DIR_OUT;
		GPtrArray *found = NULL;
		const char *lang = NULL;
		switch (o) {
		case 'o':
		case 'i':
			found = etq_state_feed(st, &ev, &lang);
			FUZZ_ASSERT(fuzz_lang_ok(lang));
			check_feed(found, &ev);
			break;
		case 'c':
		case 'C': {
			found = etq_state_check(st, &ev, &lang);
			FUZZ_ASSERT(fuzz_lang_ok(lang));
			check_feed(found, &ev);
			GPtrArray *again = etq_state_check(st, &ev, NULL);
			char *a = rule_ids(found), *b = rule_ids(again);
			FUZZ_ASSERT(strcmp(a, b) == 0); /* checking remembers nothing */
			g_free(a);
			g_free(b);
			g_ptr_array_unref(again);
			break;
		}
		case 'r':
		case 'R':
			found = etq_state_record(st, &ev);
			fuzz_check_findings(found, ev.text);
			break;
		case 't':
			found = etq_state_tick(st, now);
			fuzz_check_findings(found, NULL);
			break;
		case 'f':
			etq_state_forget(st, ev.conv ? ev.conv : ev.chat == ETQ_CHAT_GROUP ? "#group" : peer);
			break;
		case 's':
			cfg.unanswered_seconds = 1 + (gint64)(guint8)text[0] * 7;
			cfg.over_engagement_count = (guint8)text[0] % 8;
			cfg.max_conversations = (h[2] % 5);
			etq_state_set_config(st, &cfg);
			break;
		case 'e':
		case 'd': {
			guint n = etq_rules_n_sets(rules);
			const EtqRuleSet *s = etq_rules_get_set(rules, who % n);
			FUZZ_ASSERT(etq_rules_set_enabled(rules, etq_rule_set_name(s), o == 'e'));
			break;
		}
		case 'T': {
			gint64 t = g_ascii_strtoll(text, NULL, 10);
			/* The clocks etiquette-check lets through: |t| < 1e15 seconds. */
			if (t > -(gint64)1000000000000000 && t < (gint64)1000000000000000)
				now = t;
			break;
		}
		}
		if (found)
			g_ptr_array_unref(found);
		FUZZ_ASSERT(etq_state_n_conversations(st) <= MAX(cfg.max_conversations, 1));
		if (o == 't' || o == 'o' || o == 'i') {
			gint64 next = etq_state_next_deadline(st);
			/* Timers due by now have fired (the core's clock never goes back). */
			FUZZ_ASSERT(next < 0 || next > now);
		}
		g_free(text);
	}
	etq_state_free(st);
	return 0;
}
