# mk/langid.mk — language identification: ours against libexttextcat.
# Included by the Makefile (-include mk/langid.mk).
#
#   make langid-eval   builds build/langid-eval and runs it on the shared corpus
#                      (LANGID_CORPUS, default ../shared/corpus) and on the
#                      fixed samples in tests/langid/
#   sh tests/langid/run.sh   the test: TAP lines over tests/langid/sample.*.txt
#                      and short.*.txt
#
# libexttextcat is optional for building: without it the evaluator measures
# our scorer only. `make check` installs it (TEST_DEPS).

LANGID_CORPUS ?= ../shared/corpus
TEST_DEPS += libexttextcat-dev

HAVE_TEXTCAT = $(shell pkg-config --exists libexttextcat 2>/dev/null && echo yes)
TEXTCAT_CFLAGS = $(if $(HAVE_TEXTCAT),-DHAVE_EXTTEXTCAT $(shell pkg-config --cflags libexttextcat) \
	-DEXTTEXTCAT_DATA='"$(shell pkg-config --variable=pkgdatadir libexttextcat)"')
TEXTCAT_LIBS = $(if $(HAVE_TEXTCAT),$(shell pkg-config --libs libexttextcat))

.PHONY: langid-eval
test: $(BUILD)/langid-eval

$(BUILD)/tools/langid-eval.o: tools/langid-eval.c core/etiquette.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(CORE_CFLAGS) $(TEXTCAT_CFLAGS) -Icore -c $< -o $@

$(BUILD)/langid-eval: $(BUILD)/tools/langid-eval.o $(CORE_LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(CORE_LIBS) $(TEXTCAT_LIBS)

langid-eval: $(BUILD)/langid-eval
	@echo "== Tatoeba and IRC lines ($(LANGID_CORPUS))"
	@if [ -d "$(LANGID_CORPUS)" ]; then \
		$(BUILD)/langid-eval --rules rules $(wildcard $(LANGID_CORPUS)/everyday.*.txt) \
			$(wildcard $(LANGID_CORPUS)/chat.en.txt); \
	else echo "(no corpus at $(LANGID_CORPUS); set LANGID_CORPUS=DIR)"; fi
	@echo "== the test samples (tests/langid)"
	@$(BUILD)/langid-eval --rules rules tests/langid/sample.*.txt tests/langid/chat.en.txt
	@$(BUILD)/langid-eval --rules rules tests/langid/short.*.txt
