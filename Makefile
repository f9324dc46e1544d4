# provision-headers build. `make` builds, `make test` runs the suite
# (under ASan+UBSan), `make bench` measures, `make install` installs.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
DATADIR = $(PREFIX)/share/provision-headers

CC ?= gcc
PKGS = libarchive json-c libcrypto zlib libkmod libcurl gpgme
CFLAGS ?= -O2 -g
# Messages are cut to their buffers on purpose (snprintf); paths never
# are: they go through path.c, which fails with -ENAMETOOLONG instead.
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-format-truncation -MMD -MP $(shell pkg-config --cflags $(PKGS))
LDLIBS += $(shell pkg-config --libs $(PKGS)) -lpthread

SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# BUILD selects the output folder: build/ (normal) or build-san/ (sanitizers).
ifeq ($(SAN),1)
BUILD = build-san
CFLAGS += $(SAN_FLAGS) -O1
LDFLAGS += $(SAN_FLAGS)
else
BUILD = build
endif

CORE_SRCS = $(filter-out src/main.c,$(wildcard src/*.c))
CORE_OBJS = $(CORE_SRCS:src/%.c=$(BUILD)/obj/%.o)
UNIT_SRCS = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

TOOLS = $(BUILD)/tests/tools/bcc-compile

all: $(BUILD)/provision-headers $(UNIT_BINS) $(TOOLS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libph.a: $(CORE_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/provision-headers: $(BUILD)/obj/main.o $(BUILD)/libph.a
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libph.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc $< $(BUILD)/libph.a $(LDFLAGS) $(LDLIBS) -o $@

# Test tools link libbcc (LLVM inside): built without sanitizers.
$(BUILD)/tests/tools/bcc-compile: tests/tools/bcc-compile.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -g -Wall -Wextra -Werror $< $(shell pkg-config --cflags --libs libbcc) -o $@

san:
	$(MAKE) SAN=1

# The suite runs against the sanitizer build.
test: san
	PH_BUILD=$(CURDIR)/build-san tests/run

bench: all
	PH_BUILD=$(CURDIR)/build tests/bench/run

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 0755 $(BUILD)/provision-headers $(DESTDIR)$(BINDIR)/provision-headers

deps:
	scripts/install-deps

clean:
	rm -rf build build-san

.PHONY: all san test bench install deps clean

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d)
