/* fuzz-event-line.c — etiquette-check's input path on arbitrary bytes.
 *
 * The input is what etiquette-check reads on stdin, and it goes through the
 * CLI's own run_stream(): getline, its cJSON arenas, parse_event,
 * etq_state_feed or etq_state_tick, printing; one fresh EtqState per input
 * like one run of the command, line by line. The CLI source is included rather than mirrored, so the fuzzer
 * follows it when it changes. Output goes to /dev/null; an odd-sized input is
 * printed with --format text.
 *
 * Seeds: tests/fuzz/seeds/event-line/ (JSON lines). */
#define main etq_cli_main
#include "../../cli/etiquette-check.c"
#undef main
#include "fuzz-common.h"

static EtqRules *rules;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_env();
	if (!freopen("/dev/null", "w", stdout))
		abort();
	rules = fuzz_shipped_rules();
	return 0;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "rb");
	if (!in)
		abort();
	Output o = { .text_format = size & 1, .colour = (size & 2) != 0, .last_t = 0 };
	run_stream(rules, in, &o);
	fclose(in);
	fflush(stdout);
	return 0;
}
