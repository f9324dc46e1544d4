# provision-headers build. `make` builds, `make test` runs the suite
# (under ASan+UBSan), `make bench` measures, `make install` installs.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/provision-headers
MANDIR = $(PREFIX)/share/man
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR = $(PREFIX)/share/zsh/site-functions

CC ?= gcc
PKGS = libarchive json-c libcrypto zlib libkmod libcurl gpgme libbpf expat rpm
CFLAGS ?= -O2 -g
# Messages are cut to their buffers on purpose (snprintf); paths never
# are: they go through path.c, which fails with -ENAMETOOLONG instead.
CFLAGS += -DPH_DATADIR='"$(DATADIR)"'
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -MMD -MP $(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lpthread

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# BUILD selects the output folder: build/ (normal) or build-san/ (sanitizers).
# FUZZ=1: clang with libFuzzer's coverage, ASan and UBSan, in build-fuzz/.
FUZZ_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
ifeq ($(FUZZ),1)
BUILD = build-fuzz
CC = clang
CFLAGS += $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -O1 -Wno-unknown-warning-option
LDFLAGS += $(FUZZ_FLAGS)
else ifeq ($(SAN),1)
BUILD = build-san
CFLAGS += $(SAN_FLAGS) -O1
LDFLAGS += $(SAN_FLAGS)
else
BUILD = build
endif

# One static library per layer, listed from the top down and linked in
# this order, so a layer that calls upward fails to link; tests/t/05-layers.t
# also refuses an upward #include. lib/ folders are layers of their own.
LAYERS = strategies lib/runnerexec lib/closematch lib/btf lib/bccfix lib/apt lib/rpm lib/pkgfetch lib/distro lib/output lib/store lib/archive lib/net \
	 lib/kconfig lib/kernel util
layer_lib = $(BUILD)/lib$(subst /,-,$(1)).a
layer_objs = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/$(1)/*.c))
LAYER_LIBS = $(foreach l,$(LAYERS),$(call layer_lib,$(l)))
CFLAGS += -Isrc

TOOL_OBJS = $(patsubst src/%.c,$(BUILD)/obj/%.o,$(wildcard src/tool/*.c))
# Everything of the tool but main(), for unit tests of its parts.
TOOL_LIB = $(BUILD)/libtool.a
RUNNER_SRCS = $(wildcard src/runner/*.c)
RUNNER_OBJS = $(RUNNER_SRCS:src/runner/%.c=$(BUILD)/obj/runner/%.o)
RUNNER_PKGS = libbcc libbpf json-c
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

TOOLS = $(BUILD)/tests/tools/bcc-compile $(BUILD)/tests/tools/modload-tool

all: $(BUILD)/provision-headers $(BUILD)/provision-headers-runner $(UNIT_BINS) $(TOOLS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The runner links libbcc (and LLVM inside it); the provisioner must not.
$(BUILD)/obj/runner/%.o: src/runner/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags $(RUNNER_PKGS)) -c $< -o $@

$(BUILD)/provision-headers-runner: $(RUNNER_OBJS)
	$(CC) $(LDFLAGS) $^ $(shell pkg-config --libs $(RUNNER_PKGS)) -o $@

define layer_rule
$(call layer_lib,$(1)): $(call layer_objs,$(1))
	@rm -f $$@
	$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_rule,$(l))))

$(BUILD)/provision-headers: $(TOOL_OBJS) $(LAYER_LIBS)
	$(CC) $(LDFLAGS) $(TOOL_OBJS) $(LAYER_LIBS) $(LDLIBS) -o $@

$(TOOL_LIB): $(filter-out %/main.o,$(TOOL_OBJS))
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(TOOL_LIB) $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(TOOL_LIB) $(LAYER_LIBS) $(LDFLAGS) $(LDLIBS) -o $@

# Test tools link libbcc (LLVM inside): built without sanitizers.
$(BUILD)/tests/tools/bcc-compile: tests/tools/bcc-compile.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -Wall -Wextra -Werror $< $(shell pkg-config --cflags --libs libbcc) -o $@

$(BUILD)/tests/tools/modload-tool: tests/tools/modload-tool.c $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(LAYER_LIBS) $(LDFLAGS) $(LDLIBS) -o $@

san:
	$(MAKE) SAN=1

# libFuzzer targets, one per parser (tests/fuzz/*.c), each with a seed
# corpus in tests/fuzz/corpus/<target>/. `make fuzz` runs every target for
# FUZZ_SECONDS (default 60) and keeps what it finds in build-fuzz/found/.
FUZZ_SRCS = $(wildcard tests/fuzz/*.c)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_SECONDS ?= 60

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LAYER_LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer $< $(LAYER_LIBS) $(LDFLAGS) $(LDLIBS) -o $@

fuzz-build:
	$(MAKE) FUZZ=1 fuzz-bins

fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

# The suite runs against the sanitizer build.
test: san
	PH_BUILD=$(CURDIR)/build-san tests/run

bench: all
	PH_BUILD=$(CURDIR)/build tests/bench/run

install: all install-files

# Installs what the binaries need, without building the tests.
install-files: $(BUILD)/provision-headers $(BUILD)/provision-headers-runner
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(COMPLETIONDIR)
	install -m 0755 $(BUILD)/provision-headers $(BUILD)/provision-headers-runner $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(DATADIR)/distros $(DESTDIR)$(DATADIR)/bpf
	install -m 0644 distros/*.json $(DESTDIR)$(DATADIR)/distros/
	install -m 0644 bpf/*.c $(DESTDIR)$(DATADIR)/bpf/
	install -d $(DESTDIR)$(DATADIR)/patches
	install -m 0644 patches/series patches/kconfig-renames patches/kconfig-implied $(DESTDIR)$(DATADIR)/patches/
	install -m 0644 doc/provision-headers.1 $(DESTDIR)$(MANDIR)/man1/
	ln -sf provision-headers.1 $(DESTDIR)$(MANDIR)/man1/provision-headers-runner.1
	install -m 0644 doc/provision-headers.bash-completion $(DESTDIR)$(COMPLETIONDIR)/provision-headers
	install -d $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0644 doc/_provision-headers $(DESTDIR)$(ZSHCOMPDIR)/_provision-headers

# Removes exactly what install-files installed (same PREFIX and DESTDIR).
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/provision-headers $(DESTDIR)$(BINDIR)/provision-headers-runner
	rm -f $(DESTDIR)$(MANDIR)/man1/provision-headers.1 $(DESTDIR)$(MANDIR)/man1/provision-headers-runner.1
	rm -f $(DESTDIR)$(COMPLETIONDIR)/provision-headers $(DESTDIR)$(ZSHCOMPDIR)/_provision-headers
	rm -rf $(DESTDIR)$(DATADIR)

deps:
	scripts/install-deps

clean:
	rm -rf build build-san build-fuzz

.PHONY: fuzz fuzz-build fuzz-bins all san test bench install install-files uninstall deps clean

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
