# Thin wrapper over Meson. Every target installs nothing it does not need.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_TIME  ?= 30
MESON_OPTS ?=

# Debian 12 packages the build, the tests and the tools need.
DEPS = meson ninja-build pkg-config gcc clang libclang-rt-14-dev \
       libusb-1.0-0-dev libexpat1-dev libjson-c-dev libssl-dev libarchive-dev \
       libcmocka-dev libsystemd-dev python3 python3-pytest python3-jsonschema help2man clang-format \
       dbus-daemon python3-dbus python3-gi mender-client mender-artifact jq

.PHONY: all deps build install test asan fuzz format format-check demo bench clean

all: build

deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get)"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

# modemflash, its man pages, bash completion and udev rule (DESTDIR works)
install: build
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir $(DESTDIR))

test: deps build
	@rc=0; meson test -C $(BUILD) --print-errorlogs --num-processes 2 || rc=$$?; \
	/usr/bin/python3 tests/summary.py $(BUILD); exit $$rc

$(BUILD_ASAN)/build.ninja:
	meson setup $(BUILD_ASAN) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug $(MESON_OPTS)

asan: deps $(BUILD_ASAN)/build.ninja
	ninja -C $(BUILD_ASAN)
	@rc=0; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C $(BUILD_ASAN) --print-errorlogs --num-processes 2 --timeout-multiplier 3 || rc=$$?; \
	/usr/bin/python3 tests/summary.py $(BUILD_ASAN); exit $$rc

$(BUILD_FUZZ)/build.ninja:
	CC=clang meson setup $(BUILD_FUZZ) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

fuzz: deps $(BUILD_FUZZ)/build.ninja
	ninja -C $(BUILD_FUZZ)
	/usr/bin/python3 tests/fuzz/run.py $(BUILD_FUZZ) $(FUZZ_TIME)

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@out=$$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run 2>&1 | grep -c 'warning:' || true); \
	if [ "$$out" != 0 ]; then echo "format-check: $$out lines differ from .clang-format (make format)"; exit 1; fi; \
	echo "format-check: ok"

demo: deps build
	bash tools/demo.sh $(BUILD)

bench: deps build
	bash tools/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)

# the simulator as a USB gadget in a QEMU VM (tests/usbvm, docs/usbvm.md)
.PHONY: usbvm
usbvm: deps build
	bash tests/usbvm/run.sh $(BUILD)

# Windows x86_64 (mingw-w64): libraries from Debian's source packages
# (tools/windows/build-deps.sh, cached), then modemflash.exe in
# build-win/dist/ and build-win/modemflash-win64.zip. Not part of `make test`.
BUILD_WIN ?= build-win
WIN_DEPS = gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev cmake dpkg-dev zip
.PHONY: windows windows-deps wine-test
windows-deps:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS) $(WIN_DEPS)"

windows: windows-deps
	@prefix=$$(bash tools/windows/build-deps.sh) && \
	if [ ! -f $(BUILD_WIN)/build.ninja ]; then \
		PKG_CONFIG_LIBDIR=$$prefix/lib/pkgconfig meson setup $(BUILD_WIN) \
			--cross-file tools/windows/mingw64.cross -Dtests=disabled $(MESON_OPTS); fi && \
	PKG_CONFIG_LIBDIR=$$prefix/lib/pkgconfig nice -n 19 ninja -C $(BUILD_WIN) -j2 src/cli/modemflash.exe && \
	rm -rf $(BUILD_WIN)/dist && mkdir -p $(BUILD_WIN)/dist && \
	x86_64-w64-mingw32-strip -o $(BUILD_WIN)/dist/modemflash.exe $(BUILD_WIN)/src/cli/modemflash.exe && \
	cp LICENSE $(BUILD_WIN)/dist/LICENSE.txt && cp $$prefix/VERSIONS $(BUILD_WIN)/dist/LIBRARIES.txt && \
	rm -f $(BUILD_WIN)/modemflash-win64.zip && (cd $(BUILD_WIN)/dist && zip -q -r ../modemflash-win64.zip .) && \
	ls -l $(BUILD_WIN)/dist $(BUILD_WIN)/modemflash-win64.zip

# The Wine tier (tests/wine, docs/windows.md): modemflash.exe under Debian's
# wine64 against the simulator, its ptys mapped to COM ports. Exit 77 when
# Wine cannot run here. Needs `make windows` (a cold library build is ~10-15 min).
wine-test: build windows
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS) wine64"
	bash tests/wine/run.sh $(BUILD) $(BUILD_WIN)/src/cli/modemflash.exe
