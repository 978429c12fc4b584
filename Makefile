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

# Installs what is missing (build libraries, both servers); a no-op when all is there.
deps:
	@scripts/install-deps

unit: all
	prove -e '' $(UNIT_BINS)

# The whole suite: unit tests, then end-to-end tests against private servers.
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

debug:
	@$(MAKE) --no-print-directory BUILD=build-debug OPTFLAGS='-O0 -g3' all

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/run $(BUILD)

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
	rm -rf build build-asan build-debug
