# chameleon-c: MySQL/MariaDB to PostgreSQL migration and replication tools.

PREFIX ?= /usr/local
CC ?= cc
PKGS := libmariadb libpq yaml-0.1 libxxhash json-c zlib libzstd

# The developer warning set (git's config.mak.dev), all of it an error.
WARNINGS := -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow \
	-Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
	-Wvla -Wdeclaration-after-statement -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-declaration-after-statement

OPTFLAGS ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lm
CFLAGS_ALL = -std=gnu11 -D_GNU_SOURCE $(OPTFLAGS) $(WARNINGS) -pthread -Ilib $(PKG_CFLAGS) $(SANITIZE_FLAGS) $(CFLAGS)
LDFLAGS_ALL = -pthread $(SANITIZE_FLAGS) $(LDFLAGS)

BUILD ?= build
LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBCHAM := $(BUILD)/libcham.a
PROGRAMS := $(patsubst cmd/%/main.c,%,$(wildcard cmd/*/main.c))
BINS := $(PROGRAMS:%=$(BUILD)/bin/%)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
STYLE_SRC := $(LIB_SRC) $(wildcard lib/*.h) $(wildcard cmd/*/*.c) $(UNIT_SRC) $(wildcard tests/unit/*.h)

# Keep objects between builds (they are intermediate files of pattern rules).
.SECONDARY:

.PHONY: all test unit e2e demo asan debug bench check-style format install clean deps sandbox-up sandbox-down
.PHONY: fuzz fuzz-smoke fuzz-build fuzz-bins soak

all: $(BINS) $(UNIT_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(LIBCHAM): $(LIB_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(BUILD)/bin/%: $(BUILD)/cmd/%/main.o $(LIBCHAM)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIBCHAM)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS)

-include $(LIB_OBJ:.o=.d) $(BINS:$(BUILD)/bin/%=$(BUILD)/cmd/%/main.d) $(UNIT_BINS:$(BUILD)/tests/%=$(BUILD)/tests/unit/%.d)
-include $(FUZZ_BINS:$(BUILD)/fuzz/%=$(BUILD)/tests/fuzz/%.d)

# Installs what is missing (build libraries, both servers); a no-op when all is there.
deps:
	@scripts/install-deps

unit: all
	prove -e '' $(UNIT_BINS)

# The whole suite: unit tests, then end-to-end tests against private servers, and the short
# fuzz pass (tests/e2e/t0990), all under one prove, whose summary is the last line.
test: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-tests $(BUILD)

e2e: all
	@scripts/run-tests --e2e-only $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(BUILD)

# The suite under AddressSanitizer and UBSan, in a build tree of its own.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan OPTFLAGS='-O1 -g -fno-omit-frame-pointer' \
		SANITIZE_FLAGS='-fsanitize=address,undefined -fno-sanitize-recover=all' all
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		scripts/run-tests build-asan

# The fault-injection test run long: FAULT_SECONDS, FAULT_COUNT, SOAK_ROUNDS (tests/soak.sh).
soak: all
	@tests/soak.sh $(BUILD)

debug:
	@$(MAKE) --no-print-directory BUILD=build-debug OPTFLAGS='-O0 -g3' all

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run $(BUILD)

# libFuzzer targets (tests/fuzz/README.md): built with clang into a tree of their own, each run
# for FUZZ_SECONDS after replaying its regressions; fuzz-smoke is the short pass, skipped
# without a clang that has libFuzzer. clang's -Wformat=2 also wants a format attribute on
# logging.c's va_list helper, which gcc does not ask for.
FUZZ_CC ?= clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(LIBCHAM)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPTFLAGS='-O1 -g -fno-omit-frame-pointer' \
		SANITIZE_FLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all' \
		CFLAGS='$(CFLAGS) -Wno-format-nonliteral' fuzz-bins

fuzz:
	+@FUZZ_CC=$(FUZZ_CC) FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run --seconds $(FUZZ_SECONDS)

fuzz-smoke:
	+@FUZZ_CC=$(FUZZ_CC) FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/run --smoke --seconds $(FUZZ_SMOKE_SECONDS)

check-style:
	@out=$$(for f in $(STYLE_SRC); do clang-format --style=file $$f | diff -u $$f - ; done); \
	if [ -n "$$out" ]; then echo "$$out"; echo "check-style: run 'make format'"; exit 1; fi; \
	echo "check-style: $(words $(STYLE_SRC)) files formatted"

format:
	clang-format --style=file -i $(STYLE_SRC)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 scripts/cham-sandbox scripts/cham-verify scripts/cham-status scripts/cham-sync-tables \
		scripts/cham-replicate scripts/cham-migrate $(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build build-asan build-debug build-fuzz
