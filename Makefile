# postern - top-level build.
#
#   make            build everything into build/
#   make deps       install the Debian packages that the build and tests need
#   make test       deps, build, unit tests (Check), end-to-end tests
#   make asan       the same build and test suite with ASan + UBSan (build-asan/)
#   make run        start a private instance on 127.0.0.1 (see README.md)
#   make install PREFIX=/usr [DESTDIR=...]
#
# Sources are found by directory: src/util -> libutil.a, src/global ->
# libglobal.a, src/master/master*.c -> the master daemon, the other files of
# src/master -> libserver.a (the server skeletons), src/DAEMON/DAEMON.c + the
# other DAEMON_*.c files -> libexec/DAEMON, src/tools/NAME.c -> sbin/NAME.
# Unit tests tests/unit/test_X.c link all libraries; tests named
# test_DAEMON_*.c also link that daemon's modules (all but DAEMON.c).

PREFIX    ?= /usr
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
OPT       ?= -O2 -g
SANITIZE  ?=

ifeq ($(PREFIX),/usr)
CONFIG_DIR  = /etc/postern
QUEUE_DIR   = /var/spool/postern
DATA_DIR    = /var/lib/postern
else
CONFIG_DIR  = $(PREFIX)/etc/postern
QUEUE_DIR   = $(PREFIX)/var/spool/postern
DATA_DIR    = $(PREFIX)/var/lib/postern
endif
DAEMON_DIR  = $(PREFIX)/libexec/postern
COMMAND_DIR = $(PREFIX)/sbin
MAIL_OWNER  ?= postern
SETGID_GROUP ?= postdrop

WARN   = -Wall -Wextra -Werror -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CFLAGS = $(OPT) $(SANITIZE) -std=gnu11 -D_GNU_SOURCE $(WARN) \
         -Isrc/util -Isrc/global -Isrc/master -I$(BUILD)/include
LDFLAGS = $(SANITIZE)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

DAEMONS = $(filter-out master tools util global,$(notdir $(wildcard src/*)))
DAEMONS_BUILT = $(foreach d,$(DAEMONS),$(if $(wildcard src/$(d)/$(d).c),$(d)))
TOOLS   = $(basename $(notdir $(filter-out src/tools/tool_%.c,$(wildcard src/tools/*.c))))
TOOL_LINKS = mailq newaliases

UTIL_SRC   = $(wildcard src/util/*.c)
GLOBAL_SRC = $(wildcard src/global/*.c)
SERVER_SRC = $(filter-out src/master/master%.c,$(wildcard src/master/*.c))
MASTER_SRC = $(filter src/master/master%.c,$(wildcard src/master/*.c))
TOOLLIB_SRC = $(wildcard src/tools/tool_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBUTIL   = $(BUILD)/lib/libutil.a
LIBGLOBAL = $(BUILD)/lib/libglobal.a
LIBSERVER = $(BUILD)/lib/libserver.a
LIBTOOL   = $(BUILD)/lib/libtool.a
LIBS      = $(LIBSERVER) $(LIBGLOBAL) $(LIBUTIL)

PROGRAMS = $(BUILD)/libexec/master $(foreach d,$(DAEMONS_BUILT),$(BUILD)/libexec/$(d)) \
           $(foreach t,$(TOOLS),$(BUILD)/sbin/$(t))

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: FORCE format all deps test unit golden e2e asan run stop install clean lint fuzz fuzz-build
.SECONDARY:

all: $(PROGRAMS) $(BUILD)/sbin/mailq $(BUILD)/sbin/newaliases

# Compile-time defaults: rewritten only when a path changes.
PATHS_H = $(BUILD)/include/postern_paths.h
PATHS_TEXT = \#define DEF_CONFIG_DIR "$(CONFIG_DIR)"\n\#define DEF_QUEUE_DIR "$(QUEUE_DIR)"\n\#define DEF_DATA_DIR "$(DATA_DIR)"\n\#define DEF_DAEMON_DIR "$(DAEMON_DIR)"\n\#define DEF_COMMAND_DIR "$(COMMAND_DIR)"\n\#define DEF_MAIL_OWNER "$(MAIL_OWNER)"\n\#define DEF_SETGID_GROUP "$(SETGID_GROUP)"\n
$(PATHS_H): FORCE
	@mkdir -p $(dir $@)
	@printf '$(PATHS_TEXT)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi
FORCE:

$(BUILD)/obj/%.o: %.c $(PATHS_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

$(LIBUTIL): $(call obj,$(UTIL_SRC))
$(LIBGLOBAL): $(call obj,$(GLOBAL_SRC))
$(LIBSERVER): $(call obj,$(SERVER_SRC))
$(LIBTOOL): $(call obj,$(TOOLLIB_SRC))
$(BUILD)/lib/%.a:
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

# A daemon's modules (everything but its main file) form lib<daemon>.a.
define daemon_rules
$(BUILD)/lib/lib$(1).a: $(call obj,$(filter-out src/$(1)/$(1).c,$(wildcard src/$(1)/*.c)))
$(BUILD)/libexec/$(1): $(call obj,src/$(1)/$(1).c) $(BUILD)/lib/lib$(1).a $(LIBS)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$(call obj,src/$(1)/$(1).c) $(BUILD)/lib/lib$(1).a $(LIBS)
endef
$(foreach d,$(DAEMONS_BUILT),$(eval $(call daemon_rules,$(d))))

$(BUILD)/libexec/master: $(call obj,$(MASTER_SRC)) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(call obj,$(MASTER_SRC)) $(LIBS)

$(BUILD)/sbin/%: $(BUILD)/obj/src/tools/%.o $(LIBTOOL) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBTOOL) $(LIBS)

$(BUILD)/sbin/mailq $(BUILD)/sbin/newaliases: $(BUILD)/sbin/sendmail
	ln -sf sendmail $@

# Unit tests: each links the shared helpers of tests/unit/support.c.
$(BUILD)/tests/support.o: tests/unit/support.c tests/unit/support.h $(PATHS_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/tests/support.o $(LIBS) $(LIBTOOL) $(foreach d,$(DAEMONS_BUILT),$(BUILD)/lib/lib$(d).a) $(PATHS_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) \
	    $(foreach d,$(DAEMONS_BUILT),$(if $(filter test_$(d)_%,$(notdir $(basename $<))),-Isrc/$(d))) -o $@ $< $(BUILD)/tests/support.o \
	    $(foreach d,$(DAEMONS_BUILT),$(if $(filter test_$(d)_%,$(notdir $(basename $<))),$(BUILD)/lib/lib$(d).a)) \
	    $(LIBTOOL) $(LIBS) $(CHECK_LIBS)

# Debian packages for the build and the tests; quick when all are present.
DEB_PACKAGES = gcc make libc6-dev libssl-dev libdb5.3-dev libpcre2-dev libsasl2-dev check \
               pkg-config python3 swaks pflogsumm
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root to install:$$missing" >&2; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

unit: all $(UNIT_TESTS)
	@failed=0; for t in $(UNIT_TESTS); do \
	    CK_FORK=yes $$t || failed=$$((failed + 1)); \
	done; \
	if [ $$failed -ne 0 ]; then echo "$$failed unit test program(s) failed"; exit 1; fi

e2e: all
	POSTERN_BUILD=$(abspath $(BUILD)) python3 tests/e2e/run.py

test: deps
	$(MAKE) all
	sh tests/lint/layering.sh
	$(MAKE) unit
	$(MAKE) golden
	$(MAKE) e2e

golden: all
	@if [ -x tests/golden/run.sh ]; then POSTERN_BUILD=$(abspath $(BUILD)) tests/golden/run.sh; fi

asan: deps
	$(MAKE) BUILD=build-asan SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" OPT="-O1 -g" all unit golden e2e

bench: all
	python3 tests/bench/run.py --build $(abspath $(BUILD)) $(BENCH_ARGS)

RUN_DIR = $(abspath run)
run: deps all
	@sh conf/make-run.sh "$(abspath $(BUILD))" "$(RUN_DIR)"

stop:
	@[ -f $(RUN_DIR)/etc/main.cf ] && $(BUILD)/sbin/postern -c $(RUN_DIR)/etc stop || true

install: all
	sh conf/install.sh "$(abspath $(BUILD))" "$(DESTDIR)" "$(PREFIX)" "$(CONFIG_DIR)" \
	    "$(QUEUE_DIR)" "$(DATA_DIR)" "$(DAEMON_DIR)" "$(COMMAND_DIR)" "$(MAIL_OWNER)" "$(SETGID_GROUP)"

# Fuzzing: libFuzzer harnesses tests/fuzz/fuzz_NAME.c, built with clang and
# ASan + UBSan into build-fuzz/fuzz/, each run for FUZZ_SECONDS on a copy of
# its seed corpus tests/fuzz/corpus/NAME/ (new inputs stay in
# build-fuzz/corpus/NAME/; a crash is saved as build-fuzz/fuzz/crash-NAME-*).
FUZZ_SECONDS ?= 20
FUZZ_SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_NAMES = $(patsubst tests/fuzz/fuzz_%.c,%,$(filter-out tests/fuzz/fuzz_util.c,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_ARGS = -max_len=12288 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT="-O1 -g" SANITIZE="$(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link" fuzz-build
	@for n in $(FUZZ_NAMES); do \
	    mkdir -p build-fuzz/corpus/$$n; \
	    echo "fuzz_$$n: $(FUZZ_SECONDS)s"; \
	    build-fuzz/fuzz/fuzz_$$n $(FUZZ_ARGS) -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=build-fuzz/fuzz/crash-$$n- build-fuzz/corpus/$$n tests/fuzz/corpus/$$n \
	        > build-fuzz/fuzz/fuzz_$$n.log 2>&1 || { tail -40 build-fuzz/fuzz/fuzz_$$n.log; exit 1; }; \
	    grep -E '^#[0-9]+[[:space:]]+DONE|stat::(number_of_executed_units|average_exec_per_sec)' build-fuzz/fuzz/fuzz_$$n.log; \
	done

fuzz-build: $(foreach n,$(FUZZ_NAMES),$(BUILD)/fuzz/fuzz_$(n))

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.c tests/fuzz/fuzz_util.h $(LIBS) $(BUILD)/lib/libcleanup.a $(BUILD)/lib/libpickup.a $(PATHS_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -Itests/fuzz -Isrc/cleanup -Isrc/pickup -o $@ $< tests/fuzz/fuzz_util.c \
	    $(BUILD)/lib/libcleanup.a $(BUILD)/lib/libpickup.a $(LIBS)

# Apply the checked-in .clang-format to every C file.
format:
	git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/fuzz/*.c' | xargs clang-format --style=file -i

clean:
	rm -rf build build-asan build-fuzz
