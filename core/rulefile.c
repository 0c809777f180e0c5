/* rulefile.c — one rules file: its lists, rules, patterns and examples
 * (rules/README.md). Any problem fails the whole file, with its line. */
#include <string.h>
#include "load.h"

static const char *const categories[] = {
	"generic", "cold-ask", "public-ask", "self-centred", "self-promo", "bare-greeting",
	"say-thanks", "unanswered", "over-engagement", "cross-post", NULL
};
static const char *const when_names[N_WHEN + 1] = {
	"engaged", "addressed", "mentions_me", "question", "link", "only", "first", NULL
};
static const char *const detector_names[] = { "", "unanswered", "over-engagement", "cross-post", NULL };

static gboolean
valid_category(const char *s)
{
	if (etq_index_of(categories, s) >= 0)
		return TRUE;
	if (!g_str_has_prefix(s, "x-") || !s[2])
		return FALSE;
	for (const char *p = s + 2; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-')
			return FALSE;
	return TRUE;
}

/* ---- phrases ----
 * A list a rule refers to as "@name" is expanded once per file however many
 * rules use it: its phrases are checked and copied into the set once, and
 * each rule takes the pointers. */

static gboolean add_phrases(EtqLoad *c, const cJSON *arr, EtqRule *rule, EtqSlot slot, int depth);

static EtqRule *
holder_new(guint size)
{
	EtqRule *holder = g_new0(EtqRule, 1);
	holder->phrases[SLOT_MATCH] = g_ptr_array_sized_new(size);
	return holder;
}

static void
holder_free(gpointer p)
{
	EtqRule *holder = p;
	g_ptr_array_unref(holder->phrases[SLOT_MATCH]);
	g_free(holder);
}

static void
add_expanded(const EtqRule *holder, EtqRule *rule, EtqSlot slot)
{
	g_ptr_array_extend(rule->phrases[slot], holder->phrases[SLOT_MATCH], NULL, NULL);
	rule->flags[slot] |= holder->flags[SLOT_MATCH];
}

/* The list of the language profile(s) of this file, or NULL. */
static EtqRule *
expand_profile_list(EtqLoad *c, const char *name)
{
	EtqRule *holder = NULL;
	/* A rule of any language reads every profile's list, each phrase once. */
	GHashTable *seen = g_hash_table_new(etq_phrase_hash, g_str_equal);
	for (guint l = 0; l < c->rules->profiles->len; l++) {
		if (c->lang != ETQ_LANG_ANY && c->lang != (int)l)
			continue;
		EtqProfile *prof = g_ptr_array_index(c->rules->profiles, l);
		GPtrArray *list = g_hash_table_lookup(prof->lists, name);
		if (list && !holder)
			holder = holder_new(list->len);
		for (guint i = 0; list && i < list->len; i++)
			if (g_hash_table_add(seen, g_ptr_array_index(list, i)))
				g_ptr_array_add(holder->phrases[SLOT_MATCH],
				                g_string_chunk_insert(c->strings, g_ptr_array_index(list, i)));
	}
	g_hash_table_destroy(seen);
	return holder;
}

/* The profiles' phrases were checked when they loaded. */
static gboolean
add_profile_list(EtqLoad *c, const char *name, EtqRule *rule, EtqSlot slot)
{
	EtqRule *holder = expand_profile_list(c, name);
	if (!holder) {
		etq_fail(c, c->at->str, "no list \"@%s\" in this file or the language profile", name);
		return FALSE;
	}
	g_hash_table_insert(c->expanded, (gpointer)name, holder);
	add_expanded(holder, rule, slot);
	return TRUE;
}

/* A list of this file, checked where it stands ("lists/name"). */
static EtqRule *
expand_file_list(EtqLoad *c, const cJSON *list, const char *name, int depth)
{
	EtqRule *holder = holder_new(cJSON_GetArraySize(list));
	GString *outer = c->at;
	c->at = g_string_new("lists");
	etq_at_key(c, name);
	gboolean ok = add_phrases(c, list, holder, SLOT_MATCH, depth + 1);
	g_string_free(c->at, TRUE);
	c->at = outer;
	if (!ok)
		g_clear_pointer(&holder, holder_free);
	return holder;
}

static gboolean
add_file_list(EtqLoad *c, const cJSON *list, const char *name, EtqRule *rule, EtqSlot slot, int depth)
{
	if (depth > 4) {
		etq_fail(c, "lists", "lists nest too deeply at \"@%s\"", name);
		return FALSE;
	}
	EtqRule *holder = expand_file_list(c, list, name, depth);
	if (!holder)
		return FALSE;
	g_hash_table_insert(c->expanded, (gpointer)name, holder);
	add_expanded(holder, rule, slot);
	return TRUE;
}

static gboolean
add_phrase_entry(EtqLoad *c, const char *s, EtqRule *rule, EtqSlot slot, int depth)
{
	if (strcmp(s, "?") == 0) {
		rule->flags[slot] |= SLOT_QMARK;
		return TRUE;
	}
	if (strcmp(s, "<link>") == 0) {
		rule->flags[slot] |= SLOT_LINK;
		return TRUE;
	}
	if (strcmp(s, "<laugh>") == 0) {
		rule->flags[slot] |= SLOT_LAUGH;
		return TRUE;
	}
	if (strcmp(s, "<placeholder>") == 0) {
		rule->flags[slot] |= SLOT_PLACEHOLDER;
		return TRUE;
	}
	if (s[0] != '@') {
		if (!etq_phrase_valid(c, c->at->str, s))
			return FALSE;
		g_ptr_array_add(rule->phrases[slot], g_string_chunk_insert(c->strings, s));
		return TRUE;
	}
	/* a list used before: no walk through the file's lists (the first
	 * expansion of a name already chose the file's list or the profile's) */
	EtqRule *holder = g_hash_table_lookup(c->expanded, s + 1);
	if (holder) {
		add_expanded(holder, rule, slot);
		return TRUE;
	}
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(c->lists, s + 1);
	if (!list)
		return add_profile_list(c, s + 1, rule, slot);
	return add_file_list(c, list, list->string, rule, slot, depth);
}

/* Most entries are plain words without a mistake: they need no path. "?"
 * is not one (no letters); "@list", "<link>", "<laugh>", "<placeholder>" and phrases
 * with grammar (parsed once, the tree kept for the matcher) are looked at
 * below. */
static gboolean
plain_phrase(const char *s)
{
	const char *problem = NULL;
	return s[0] != '@' && s[0] != '<' && etq_phrase_plain(s, &problem) && !problem;
}

/* The phrases of the array at c->at into a slot of rule. */
static gboolean
add_phrases(EtqLoad *c, const cJSON *arr, EtqRule *rule, EtqSlot slot, int depth)
{
	if (!cJSON_IsArray(arr) || !arr->child) {
		etq_fail(c, c->at->str, "must be a non-empty list of phrases");
		return FALSE;
	}
	guint i = 0;
	for (const cJSON *e = arr->child; e; e = e->next, i++) {
		if (cJSON_IsString(e) && plain_phrase(e->valuestring)) {
			g_ptr_array_add(rule->phrases[slot], g_string_chunk_insert(c->strings, e->valuestring));
			continue;
		}
		gsize up = etq_at_index(c, i);
		gboolean ok = cJSON_IsString(e);
		if (!ok)
			etq_fail(c, c->at->str, "a phrase must be a text");
		else
			ok = add_phrase_entry(c, e->valuestring, rule, slot, depth);
		etq_at_up(c, up);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

/* ---- patterns ---- */

static EtqPattern *
compile_regex(EtqLoad *c, const char *re)
{
	char *error = NULL;
	EtqPattern *rx = etq_pattern_new(re, &error);
	if (!rx) {
		etq_fail_in(c, "regex", "%s", error);
		g_free(error);
	}
	return rx;
}

/* ---- examples ---- */

static void
example_free(gpointer p)
{
	EtqExample *e = p;
	g_free(e->text);
	g_free(e->peer);
	g_free(e->path);
	g_free(e);
}

/* The example at c->at. */
static gboolean
parse_example(EtqLoad *c, const cJSON *j, const EtqRule *rule, EtqExample *ex)
{
	static const char *const keys[] = { "text", "dir", "chat", "known", "peer", NULL };
	ex->ev.dir = rule->dirs & DIR_OUT ? ETQ_DIR_OUT : ETQ_DIR_IN;
	ex->ev.chat = rule->chats & CHAT_IM ? ETQ_CHAT_IM : ETQ_CHAT_GROUP;
	ex->ev.known = ETQ_KNOWN_NO;
	ex->peer = g_strdup("pat");
	ex->path = g_strndup(c->at->str, c->at->len);
	const cJSON *text = j;
	if (cJSON_IsObject(j)) {
		if (!etq_check_keys(c, j, ex->path, keys))
			return FALSE;
		text = cJSON_GetObjectItemCaseSensitive(j, "text");
		const cJSON *dir = cJSON_GetObjectItemCaseSensitive(j, "dir");
		const cJSON *chat = cJSON_GetObjectItemCaseSensitive(j, "chat");
		const cJSON *known = cJSON_GetObjectItemCaseSensitive(j, "known");
		const cJSON *peer = cJSON_GetObjectItemCaseSensitive(j, "peer");
		if (cJSON_IsString(dir))
			ex->ev.dir = strcmp(dir->valuestring, "in") == 0 ? ETQ_DIR_IN : ETQ_DIR_OUT;
		if (cJSON_IsString(chat))
			ex->ev.chat = strcmp(chat->valuestring, "group") == 0 ? ETQ_CHAT_GROUP : ETQ_CHAT_IM;
		if (cJSON_IsBool(known))
			ex->ev.known = cJSON_IsTrue(known) ? ETQ_KNOWN_YES : ETQ_KNOWN_NO;
		if (cJSON_IsString(peer)) {
			g_free(ex->peer);
			ex->peer = g_strdup(peer->valuestring);
		}
	}
	if (!cJSON_IsString(text)) {
		etq_fail(c, ex->path, "an example is a text or an object with \"text\"");
		return FALSE;
	}
	ex->text = g_strdup(text->valuestring);
	ex->ev.text = ex->text;
	ex->ev.peer = ex->peer;
	ex->ev.me = "alex";
	return TRUE;
}

/* The examples of rule at key ("examples" or "counterexamples") below c->at. */
static gboolean
parse_examples(EtqLoad *c, const cJSON *rule_json, const char *key, EtqRule *rule, GPtrArray **out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rule_json, key);
	*out = g_ptr_array_new_with_free_func(example_free);
	if (!arr && rule->detector)
		return TRUE;
	if (!cJSON_IsArray(arr) || !arr->child) {
		etq_fail_in(c, key, "every rule needs a non-empty list \"%s\"", key);
		return FALSE;
	}
	gsize up = etq_at_key(c, key);
	gboolean ok = TRUE;
	guint i = 0;
	for (const cJSON *e = arr->child; e && ok; e = e->next, i++) {
		gsize up_i = etq_at_index(c, i);
		EtqExample *ex = g_new0(EtqExample, 1);
		ok = parse_example(c, e, rule, ex);
		g_ptr_array_add(*out, ex);
		etq_at_up(c, up_i);
	}
	etq_at_up(c, up);
	return ok;
}

/* ---- rules ---- */

void
etq_rule_free(gpointer p)
{
	EtqRule *r = p;
	g_free(r->id);
	g_free(r->key);
	g_free(r->path);
	g_free(r->category);
	for (int s = 0; s < N_SLOTS; s++)
		g_ptr_array_unref(r->phrases[s]);
	etq_pattern_free(r->regex);
	for (int d = 0; d < 2; d++) {
		etq_l10n_clear(&r->message[d]);
		etq_l10n_clear(&r->suggestion[d]);
	}
	if (r->examples)
		g_ptr_array_unref(r->examples);
	if (r->counterexamples)
		g_ptr_array_unref(r->counterexamples);
	g_free(r);
}

static gboolean
parse_choice(EtqLoad *c, const cJSON *obj, const char *key,
             const char *const *names, const guint8 *values, guint8 dflt, guint8 *out)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = dflt;
	if (!j)
		return TRUE;
	int i = cJSON_IsString(j) ? etq_index_of(names, j->valuestring) : -1;
	if (i < 0) {
		etq_fail_in(c, key, "\"%s\" must be one of %s|%s|%s", key, names[0], names[1], names[2]);
		return FALSE;
	}
	*out = values[i];
	return TRUE;
}

/* The "when" at c->at. */
static gboolean
parse_when(EtqLoad *c, const cJSON *when, EtqRule *rule)
{
	memset(rule->when, -1, sizeof rule->when);
	if (!when)
		return TRUE;
	if (!cJSON_IsObject(when)) {
		etq_fail(c, c->at->str, "\"when\" must be an object");
		return FALSE;
	}
	for (const cJSON *e = when->child; e; e = e->next) {
		int w = etq_index_of(when_names, e->string);
		gboolean ok = w >= 0 && cJSON_IsBool(e);
		if (w < 0)
			etq_fail_in(c, e->string, "unknown condition \"%s\"", e->string);
		else if (!ok)
			etq_fail_in(c, e->string, "condition \"%s\" must be true or false", e->string);
		else
			rule->when[w] = cJSON_IsTrue(e);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

static gboolean
parse_params(EtqLoad *c, const cJSON *params, EtqRule *rule)
{
	static const char *const param_names[] = { "min_words", "conversations", "window", NULL };
	gint64 *const param_fields[] = { &rule->cross_post.min_words, &rule->cross_post.conversations,
	                                 &rule->cross_post.window };
	if (params && !cJSON_IsObject(params)) {
		etq_fail_in(c, "params", "params must be an object");
		return FALSE;
	}
	for (const cJSON *e = params ? params->child : NULL; e; e = e->next) {
		int k = etq_index_of(param_names, e->string);
		gboolean ok = k >= 0 && cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= 1e7;
		if (!ok) {
			gsize up = etq_at_key(c, "params");
			etq_fail_in(c, e->string, "params are min_words, conversations and window, whole numbers from 1");
			etq_at_up(c, up);
			return FALSE;
		}
		*param_fields[k] = (gint64)e->valuedouble;
	}
	return TRUE;
}

static gboolean
parse_detector(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "detector");
	rule->cross_post = (EtqCrossPost){ .min_words = 5, .conversations = 3, .window = 600 };
	if (!d)
		return TRUE;
	int i = cJSON_IsString(d) ? etq_index_of(detector_names, d->valuestring) : -1;
	if (i <= 0) {
		etq_fail_in(c, "detector", "detector must be unanswered, over-engagement or cross-post");
		return FALSE;
	}
	rule->detector = i;
	return parse_params(c, cJSON_GetObjectItemCaseSensitive(j, "params"), rule);
}

static gboolean
parse_slots(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	static const char *const slot_names[N_SLOTS] = { "match", "also", "unless", "exclude" };
	gboolean ok = TRUE;
	for (int s = 0; s < N_SLOTS; s++) {
		rule->phrases[s] = g_ptr_array_new();
		const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, slot_names[s]);
		if (!arr)
			continue;
		gsize up = etq_at_key(c, slot_names[s]);
		ok &= add_phrases(c, arr, rule, s, 0);
		etq_at_up(c, up);
	}
	const cJSON *re = cJSON_GetObjectItemCaseSensitive(j, "regex");
	if (re) {
		if (!cJSON_IsString(re))
			etq_fail_in(c, "regex", "regex must be a text");
		else
			rule->regex = compile_regex(c, re->valuestring);
		ok &= rule->regex != NULL;
	}
	return ok;
}

/* "near": {"also": N | "sentence", "unless": …} at c->at. */
static gboolean
parse_near(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	static const char *const slots[] = { "", "also", "unless", NULL };
	const cJSON *near = cJSON_GetObjectItemCaseSensitive(j, "near");
	if (!near)
		return TRUE;
	if (!cJSON_IsObject(near) || !near->child) {
		etq_fail_in(c, "near", "\"near\" must be an object such as {\"also\": 5} or {\"unless\": \"sentence\"}");
		return FALSE;
	}
	gsize up = etq_at_key(c, "near");
	gboolean ok = TRUE;
	for (const cJSON *e = near->child; e && ok; e = e->next) {
		int s = etq_index_of(slots, e->string);
		if (s <= 0) {
			ok = FALSE, etq_fail_in(c, e->string, "\"near\" applies to \"also\" and \"unless\", not \"%s\"", e->string);
		} else if (cJSON_IsString(e) && strcmp(e->valuestring, "sentence") == 0) {
			rule->near[s] = NEAR_SENTENCE;
		} else if (cJSON_IsNumber(e) && e->valuedouble >= 1 && e->valuedouble <= 50 &&
		           e->valuedouble == (int)e->valuedouble) {
			rule->near[s] = (int)e->valuedouble;
		} else {
			ok = FALSE, etq_fail_in(c, e->string, "\"%s\" must be a number of words from 1 to 50, or \"sentence\"", e->string);
		}
		if (ok && !rule->phrases[s]->len) {
			ok = FALSE, etq_fail_in(c, e->string, "\"near\" gives \"%s\" but the rule has no such phrases", e->string);
		}
	}
	etq_at_up(c, up);
	return ok;
}

/* "min_words" or "max_words": N at c->at, into *out. */
static gboolean
parse_word_count(EtqLoad *c, const cJSON *j, const char *key, guint *out)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!n)
		return TRUE;
	if (!cJSON_IsNumber(n) || n->valuedouble < 1 || n->valuedouble > 100 || n->valuedouble != (int)n->valuedouble) {
		etq_fail_in(c, key, "\"%s\" must be a whole number from 1 to 100", key);
		return FALSE;
	}
	*out = (guint)n->valuedouble;
	return TRUE;
}

/* "min_words" and "max_words": how long the message may be. */
static gboolean
parse_word_counts(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	if (!parse_word_count(c, j, "min_words", &rule->min_words) ||
	    !parse_word_count(c, j, "max_words", &rule->max_words))
		return FALSE;
	if (rule->max_words && rule->max_words < rule->min_words) {
		etq_fail_in(c, "max_words", "\"max_words\" is below \"min_words\": no message would do");
		return FALSE;
	}
	return TRUE;
}

/* "ignore": ["quotes", "code"] at c->at. */
static gboolean
parse_ignore(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	static const char *const spans[] = { "quotes", "code", NULL };
	const cJSON *ignore = cJSON_GetObjectItemCaseSensitive(j, "ignore");
	if (!ignore)
		return TRUE;
	gboolean ok = cJSON_IsArray(ignore) && ignore->child;
	for (const cJSON *e = ok ? ignore->child : NULL; e && ok; e = e->next) {
		int k = cJSON_IsString(e) ? etq_index_of(spans, e->valuestring) : -1;
		ok = k >= 0;
		if (ok)
			rule->ignore |= 1 << k;
	}
	if (!ok)
		etq_fail_in(c, "ignore", "\"ignore\" must be a list of \"quotes\" and \"code\"");
	return ok;
}

/* id, category and severity; all three are checked, so that one load
 * reports every such mistake of a rule. */
static gboolean
parse_names(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	static const char *const sev[] = { "hint", "warn", NULL };
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
	const cJSON *cat = cJSON_GetObjectItemCaseSensitive(j, "category");
	const cJSON *severity = cJSON_GetObjectItemCaseSensitive(j, "severity");
	gboolean ok = TRUE;
	if (!cJSON_IsString(id) || !*id->valuestring)
		ok = FALSE, etq_fail(c, c->at->str, "rule without an \"id\"");
	else
		rule->id = g_strdup(id->valuestring);
	if (!cJSON_IsString(cat) || !valid_category(cat->valuestring))
		ok = FALSE, etq_fail_in(c, "category", "unknown category \"%s\"",
		                        cJSON_IsString(cat) ? cat->valuestring : "");
	else
		rule->category = g_strdup(cat->valuestring);
	int s = cJSON_IsString(severity) ? etq_index_of(sev, severity->valuestring) : -1;
	if (s < 0)
		ok = FALSE, etq_fail_in(c, "severity", "severity must be warn or hint");
	rule->severity = s == 1 ? ETQ_SEVERITY_WARN : ETQ_SEVERITY_HINT;
	return ok;
}

/* A localised text of the rule at key; optional ones may be missing. */
static gboolean
parse_text(EtqLoad *c, const cJSON *j, const char *key, gboolean optional, EtqText_l10n *out)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, key);
	if (!t && optional)
		return TRUE;
	gsize up = etq_at_key(c, key);
	gboolean ok = etq_l10n_parse(c, t, c->at->str, out);
	etq_at_up(c, up);
	return ok;
}

/* message and suggestion, each given for both directions or as _in/_out. */
static gboolean
parse_texts(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	static const char *const own[2][2] = { { "message_in", "message_out" },
	                                       { "suggestion_in", "suggestion_out" } };
	static const char *const shared[2] = { "message", "suggestion" };
	static const guint8 dir_bit[2] = { DIR_IN, DIR_OUT };
	for (int k = 0; k < 2; k++) {
		EtqText_l10n *texts = k == 0 ? rule->message : rule->suggestion;
		for (int d = ETQ_DIR_IN; d <= ETQ_DIR_OUT; d++) {
			const char *key = own[k][d];
			if (!cJSON_GetObjectItemCaseSensitive(j, key)) {
				key = shared[k];
				if (k == 0 && !cJSON_GetObjectItemCaseSensitive(j, key) && !(rule->dirs & dir_bit[d]))
					continue; /* no message for a direction the rule never sees */
			} else if (!(rule->dirs & dir_bit[d])) {
				etq_fail_in(c, key, "\"%s\" on a rule that never sees %s messages", key,
				            d == ETQ_DIR_IN ? "incoming" : "outgoing");
				return FALSE;
			}
			if (!parse_text(c, j, key, k == 1, &texts[d]))
				return FALSE;
		}
	}
	return TRUE;
}

static gboolean
parse_when_at(EtqLoad *c, const cJSON *j, EtqRule *rule)
{
	gsize up = etq_at_key(c, "when");
	gboolean ok = parse_when(c, cJSON_GetObjectItemCaseSensitive(j, "when"), rule);
	etq_at_up(c, up);
	return ok;
}

/* The rule at c->at, or NULL with its errors added. */
static EtqRule *
parse_rule(EtqLoad *c, const cJSON *j)
{
	static const char *const keys[] = { "id", "category", "severity", "dir", "chat", "match",
		"regex", "also", "unless", "exclude", "near", "ignore", "min_words", "max_words", "when", "detector", "params",
		"message", "message_in", "message_out", "suggestion", "suggestion_in", "suggestion_out",
		"examples", "counterexamples", NULL };
	static const char *const dirs[] = { "in", "out", "any", NULL };
	static const guint8 dir_v[] = { DIR_IN, DIR_OUT, DIR_IN | DIR_OUT };
	static const char *const chats[] = { "im", "group", "any", NULL };
	static const guint8 chat_v[] = { CHAT_IM, CHAT_GROUP, CHAT_IM | CHAT_GROUP };

	if (!cJSON_IsObject(j)) {
		etq_fail(c, c->at->str, "a rule must be an object");
		return NULL;
	}
	if (!etq_check_keys(c, j, c->at->str, keys))
		return NULL;
	EtqRule *rule = g_new0(EtqRule, 1);
	rule->lang = c->lang;
	rule->file = g_intern_string(c->file);
	rule->path = g_strndup(c->at->str, c->at->len);
	gboolean ok = parse_names(c, j, rule);
	if (rule->id)
		rule->key = g_strdup_printf("%s %s", rule->id, etq_lang_code(c->rules, c->lang));
	ok = ok && parse_choice(c, j, "dir", dirs, dir_v, DIR_OUT, &rule->dirs)
	        && parse_choice(c, j, "chat", chats, chat_v, CHAT_IM | CHAT_GROUP, &rule->chats);
	ok = ok && parse_detector(c, j, rule);
	ok = ok && parse_slots(c, j, rule);
	ok = ok && parse_near(c, j, rule) && parse_ignore(c, j, rule) && parse_word_counts(c, j, rule);
	ok = ok && parse_when_at(c, j, rule);
	if (ok && !rule->detector && !rule->regex && rule->phrases[SLOT_MATCH]->len == 0 &&
	    !rule->flags[SLOT_MATCH])
		ok = FALSE, etq_fail(c, c->at->str, "a rule needs \"match\", \"regex\" or \"detector\"");
	ok = ok && parse_texts(c, j, rule);
	ok = ok && parse_examples(c, j, "examples", rule, &rule->examples);
	ok = ok && parse_examples(c, j, "counterexamples", rule, &rule->counterexamples);
	if (!ok) {
		for (int k = 0; k < N_SLOTS; k++)
			if (!rule->phrases[k])
				rule->phrases[k] = g_ptr_array_new();
		etq_rule_free(rule);
		return NULL;
	}
	return rule;
}

/* The array "rules" into parsed, their ids into ids. */
static void
parse_rule_array(EtqLoad *c, const cJSON *rules, EtqRuleSet *set, GHashTable *ids, GPtrArray *parsed)
{
	c->at = g_string_new("rules");
	guint i = 0;
	for (const cJSON *r = rules->child; r; r = r->next, i++) {
		gsize up = etq_at_index(c, i);
		EtqRule *rule = parse_rule(c, r);
		if (rule && (g_hash_table_contains(ids, rule->key))) {
			etq_fail(c, c->at->str, "rule id \"%s\" is used twice in one language", rule->id);
			etq_rule_free(rule);
			rule = NULL;
		}
		if (rule) {
			g_hash_table_add(ids, rule->key);
			rule->set = set;
			g_ptr_array_add(parsed, rule);
		}
		etq_at_up(c, up);
	}
	g_string_free(c->at, TRUE);
	c->at = NULL;
}

/* Parses the "rules" of one file into set; FALSE (and nothing added) on any error. */
gboolean
etq_parse_rules(EtqLoad *c, const cJSON *root, EtqRuleSet *set, GHashTable *ids)
{
	const cJSON *lang = cJSON_GetObjectItemCaseSensitive(root, "language");
	if (!cJSON_IsString(lang)) {
		etq_fail(c, "language", "\"language\" must be the code of a language profile "
		         "(rules/languages/CODE.json) or *");
		return FALSE;
	}
	c->lang = etq_lang_index(c->rules, lang->valuestring);
	if (c->lang == ETQ_LANG_UND) {
		etq_fail(c, "language", "no language profile \"%s\": \"language\" must be the code of "
		         "one (rules/languages/%s.json) or *", lang->valuestring, lang->valuestring);
		return FALSE;
	}
	c->lists = cJSON_GetObjectItemCaseSensitive(root, "lists");
	c->strings = set->strings;
	g_clear_pointer(&c->expanded, g_hash_table_destroy);
	c->expanded = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, holder_free);
	if (c->lists && !cJSON_IsObject(c->lists)) {
		etq_fail(c, "lists", "\"lists\" must be an object of phrase lists");
		return FALSE;
	}
	const cJSON *rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	if (!cJSON_IsArray(rules)) {
		etq_fail(c, "rules", "\"rules\" must be a list of rules");
		return FALSE;
	}
	GPtrArray *parsed = g_ptr_array_new_with_free_func(etq_rule_free);
	guint before = c->n_errors;
	parse_rule_array(c, rules, set, ids, parsed);
	gboolean ok = c->n_errors == before;
	if (ok) {
		g_ptr_array_extend_and_steal(set->rules, parsed);
	} else {
		for (guint k = 0; k < parsed->len; k++)
			g_hash_table_remove(ids, ((EtqRule *)g_ptr_array_index(parsed, k))->key);
		g_ptr_array_unref(parsed);
	}
	return ok;
}

