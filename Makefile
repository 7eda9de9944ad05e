# SPDX-License-Identifier: GPL-2.0
#
#   make                 xtcp.ko against the running kernel (or KDIR=<tree>), and the tools
#   make demo            boot Debian's kernel in a VM and watch one connection live and die
#   make bench           Linux TCP and xtcp side by side in one VM: bulk, request/response, connections, memory
#   make check           every test, in a VM on the debug test kernel and on Debian's stock kernel
#   make fuzz            the fuzzers for longer (SECONDS=N each, SEED=N) on the debug kernel
#   make kernel          only build (or find in the cache) the test kernel
#   make checkpatch      scripts/checkpatch.pl --strict over the kernel sources
#   make sparse          sparse over the module and KUnit sources (C=2)
#   make clean

SHELL := /bin/bash
TOP := $(CURDIR)

# The running kernel's headers, or else the newest Debian kernel headers installed.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; [ -e $$d/Makefile ] && echo $$d || \
	 ls -dv /lib/modules/*/build 2>/dev/null | tail -1)

KERNEL_SOURCES := Kbuild $(wildcard module/* kunit/* include/*/* include/*/*/*)
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -Iinclude/uapi -Itools/lib
TEST_PROGS := $(patsubst tools/testing/%.c,build/bin/%,$(wildcard tools/testing/*.c)) \
	      $(patsubst tools/testing/helpers/%.c,build/bin/%,$(wildcard tools/testing/helpers/*.c)) \
	      $(patsubst tools/examples/%.c,build/bin/%,$(wildcard tools/examples/*.c)) \
	      $(patsubst tools/bench/%.c,build/bin/%,$(wildcard tools/bench/*.c)) \
	      $(patsubst tools/%.c,build/bin/%,$(wildcard tools/*.c))

.PHONY: all modules tools vm-init kernel test-modules stock-modules demo bench bench-impairments check fuzz checkpatch sparse clean

all: modules tools

modules:
	@[ -n "$(KDIR)" ] && [ -e "$(KDIR)/Makefile" ] || { \
	  echo "xtcp: no kernel headers for $$(uname -r); install linux-headers-$$(uname -r) or pass KDIR=<tree>" >&2; exit 1; }
	@if [ "$(origin KDIR)" = file ] && [ "$(KDIR)" != "/lib/modules/$$(uname -r)/build" ]; then \
	  echo "xtcp: no headers for the running kernel $$(uname -r); building against $(KDIR) (KDIR=<tree> picks another)" >&2; fi
	$(MAKE) -C $(KDIR) M=$(TOP) modules

tools: $(TEST_PROGS)

build/bin/%: tools/testing/%.c $(wildcard tools/lib/*.h) include/uapi/linux/xtcp.h
	@mkdir -p build/bin
	$(CC) $(USER_CFLAGS) -o $@ $<

build/bin/%: tools/testing/helpers/%.c $(wildcard tools/lib/*.h) include/uapi/linux/xtcp.h
	@mkdir -p build/bin
	$(CC) $(USER_CFLAGS) -o $@ $<

build/bin/%: tools/%.c $(wildcard tools/lib/*.h) include/uapi/linux/xtcp.h
	@mkdir -p build/bin
	$(CC) $(USER_CFLAGS) -o $@ $<

build/bin/%: tools/examples/%.c $(wildcard tools/lib/*.h) include/uapi/linux/xtcp.h
	@mkdir -p build/bin
	$(CC) $(USER_CFLAGS) -o $@ $<

build/bin/%: tools/bench/%.c $(wildcard tools/lib/*.h) include/uapi/linux/xtcp.h
	@mkdir -p build/bin
	$(CC) $(USER_CFLAGS) -pthread -o $@ $<

vm-init: build/vm/init

build/vm/init: tools/vm/init.c
	@mkdir -p build/vm
	$(CC) -static -Os -Wall -Wextra -Werror -o $@ $<

kernel:
	@tools/vm/build-kernel

# Each kernel gets its own copy of the sources, so their objects never mix.
# rsync keeps the times, so make still only rebuilds what changed.
define build_for
	@mkdir -p build/$(1)
	@rsync -a --delete --exclude='.*' --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
	  --exclude='*.mod.c' --exclude=modules.order Kbuild module kunit include build/$(1)/
	$(MAKE) -s -C $(2) M=$(TOP)/build/$(1) modules
endef

test-modules:
	$(call build_for,test,$$(tools/vm/build-kernel))

stock-modules:
	$(call build_for,stock,$$(. tools/vm/lib.sh; echo /lib/modules/$$(xtcp_stock_release)/build))

demo:
	@tools/demo/run

bench:
	@tools/bench/bench

bench-impairments:
	@tools/bench/impairments

check:
	@tools/vm/check

fuzz:
	@SECONDS_EACH=$(SECONDS) SEED=$(SEED) tools/vm/fuzz

checkpatch:
	@tools/vm/lint checkpatch

sparse:
	@tools/vm/lint sparse

clean:
	@[ -z "$(KDIR)" ] || $(MAKE) -s -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf build
