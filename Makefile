# cairn — one C program over one database.  See README.md and docs/build.md.
#
#   make run     install what is missing, build, create the demo school, serve it
#   make check   build and run every test (SQLite, PostgreSQL, ASan+UBSan, fuzz)
#   make bench   run the benchmarks and rewrite docs/benchmarks.md
#
# Sources are found with find: a new .c file anywhere under src/<room>/ is
# built into libcairn.a (objects mirror the folders), a new
# tests/unit/test_*.c becomes a test program, a new fuzz/fuzz_*.c a
# libFuzzer target.  Nothing here needs editing for that.  The web room's
# route table and prototypes are made from the WEBPAGE records beside the
# handlers (tools/mkpages.c, build/gen/pages.[ch]); the stylesheet is
# embedded from src/web/assets/*.css (build/gen/assets.c).

VERSION   := 0.1.0
CC        ?= cc
PKGS      := sqlite3 libpq jansson libsodium libmicrohttpd libcurl
WARN      := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla -Wcast-qual -Wundef \
             -Wno-unused-parameter -Wno-format-truncation
CPPFLAGS  := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L -DCAIRN_VERSION='"$(VERSION)"' \
             -Isrc -Ibuild $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CFLAGS_REL  := -std=c17 -O2 -g $(WARN) -pthread
CFLAGS_ASAN := -std=c17 -O1 -g -fno-omit-frame-pointer $(WARN) -pthread \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined
LIBS      := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lxgboost -lcrack -lm -pthread
TESTLIBS  := $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_SRC   := $(sort $(shell find src -mindepth 2 -name '*.c'))
WEB_SRC   := $(filter src/web/%,$(LIB_SRC))
CSS       := $(sort $(wildcard src/web/assets/*.css))
GEN       := catalog pages assets
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
TESTUTIL  := tests/unit/testutil.c
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))

# build/<mode>/... : mode is rel or asan
objs      = $(patsubst src/%.c,build/$(1)/obj/%.o,$(LIB_SRC)) $(foreach g,$(GEN),build/$(1)/obj/gen/$(g).o)
tests     = $(patsubst tests/unit/%.c,build/$(1)/tests/%,$(TEST_SRC))

.PHONY: all run check check-build deps bench fuzz clean asan help
all: build/rel/cairn

help:
	@sed -n '3,7p' Makefile

deps:
	@scripts/deps.sh

# ---- message catalogs (src/web/i18n.h) -------------------------------------
# po/*.po become sorted C tables in build/gen/catalog.c (scripts/po2c.sh,
# plain sh + awk; a malformed .po stops the build with "po/de.po:LINE: ...").
# Its object joins libcairn.a in each of the three builds, rules below.
PO        := $(sort $(wildcard po/*.po))
build/gen/catalog.c: $(PO) scripts/po2c.sh
	@mkdir -p $(dir $@)
	sh scripts/po2c.sh c $@ $(PO)

# ---- the page table and the stylesheet (tools/mkpages.c) ---------------------
# The generator is a small C program built with the host compiler.  It reads
# every .c file under src/web and docs/openapi.yaml and stops the build with
# "src/web/x/y.c:LINE: what" on a broken record.  It rewrites its outputs
# only when their text changes.
HOST_CC   ?= cc
build/tools/mkpages: tools/mkpages.c
	@mkdir -p $(dir $@)
	$(HOST_CC) -std=c17 -O2 -Wall -Wextra -Werror -o $@ $<
build/gen/pages.c: build/tools/mkpages $(WEB_SRC) docs/openapi.yaml
	@mkdir -p $(dir $@)
	build/tools/mkpages pages build/gen/pages.c build/gen/pages.h docs/openapi.yaml $(WEB_SRC)
build/gen/pages.h: build/gen/pages.c
	@test -f $@
build/gen/assets.c: build/tools/mkpages $(CSS)
	@mkdir -p $(dir $@)
	build/tools/mkpages asset $@ web_asset_cairn_css src/web/assets/cairn.css

# Every object of the web room may include gen/pages.h: make it first.
$(foreach m,rel asan fuzz,$(patsubst src/%.c,build/$(m)/obj/%.o,$(WEB_SRC))): | build/gen/pages.h

build/rel/obj/gen/%.o: build/gen/%.c build/gen/pages.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_REL) -c $< -o $@
build/asan/obj/gen/%.o: build/gen/%.c build/gen/pages.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ASAN) -c $< -o $@
build/fuzz/obj/gen/%.o: build/gen/%.c build/gen/pages.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_OBJ) -MMD -MP -c $< -o $@

# ---- release build -------------------------------------------------------
build/rel/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_REL) -MMD -MP -c $< -o $@
build/rel/libcairn.a: $(call objs,rel)
	@rm -f $@; ar rcs $@ $^
build/rel/cairn: src/main.c build/rel/libcairn.a
	$(CC) $(CPPFLAGS) $(CFLAGS_REL) $< build/rel/libcairn.a $(LIBS) -o $@
build/rel/tests/%: tests/unit/%.c $(TESTUTIL) build/rel/libcairn.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS_REL) $< $(TESTUTIL) build/rel/libcairn.a $(LIBS) $(TESTLIBS) -o $@

# ---- sanitizer build -----------------------------------------------------
build/asan/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_ASAN) -MMD -MP -c $< -o $@
build/asan/libcairn.a: $(call objs,asan)
	@rm -f $@; ar rcs $@ $^
build/asan/cairn: src/main.c build/asan/libcairn.a
	$(CC) $(CPPFLAGS) $(CFLAGS_ASAN) $< build/asan/libcairn.a $(LIBS) -o $@
build/asan/tests/%: tests/unit/%.c $(TESTUTIL) build/asan/libcairn.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS_ASAN) $< $(TESTUTIL) build/asan/libcairn.a $(LIBS) $(TESTLIBS) -o $@

asan: build/asan/cairn $(call tests,asan)

# ---- fuzzing (clang + libFuzzer) -----------------------------------------
FUZZ_CC    := clang
FUZZ_COMMON := -std=c17 -O1 -g $(WARN) -Wno-unknown-warning-option -pthread
FUZZ_OBJ    := $(FUZZ_COMMON) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_FLAGS  := $(FUZZ_COMMON) -fsanitize=fuzzer,address,undefined
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_OBJ) -MMD -MP -c $< -o $@
build/fuzz/libcairn.a: $(call objs,fuzz)
	@rm -f $@; ar rcs $@ $^
build/fuzz/%: fuzz/%.c build/fuzz/libcairn.a
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $< build/fuzz/libcairn.a $(LIBS) -o $@
fuzz: $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

# ---- the two commands ----------------------------------------------------
# Each first installs what is missing, then re-runs make, so the pkg-config
# flags above are read after the libraries exist.
run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory build/rel/cairn
	@scripts/run-demo.sh

# The build of `make check` runs CHECK_JOBS compiles at once (the machine's
# cores) unless make was given -j itself; scripts/check.sh then runs the
# suites in two lanes (CAIRN_CHECK_LANES).
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check:
	@scripts/deps.sh check
	@$(MAKE) --no-print-directory $(if $(filter -j%,$(MAKEFLAGS)),,-j$(CHECK_JOBS)) check-build
	@scripts/check.sh

check-build: build/rel/cairn $(call tests,rel) asan fuzz

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory build/rel/cairn
	@bench/run.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
