# Thin wrapper: the real build is CMake. See README.md.
BUILD   ?= build
ASAN    ?= $(BUILD)/asan
JOBS    ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build asan test run bench fuzz deb install clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCSUP_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN) -DCSUP_WERROR=ON -DCSUP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

test: build asan
	ctest --test-dir $(BUILD) --output-on-failure -j 2
	ctest --test-dir $(ASAN) --output-on-failure -j 2 -LE noasan

run: build
	@scripts/run.sh

bench: build
	@bench/run.sh

fuzz: deps
	@scripts/fuzz.sh

deb: build
	@rm -f $(BUILD)/csup_*.deb
	@cd $(BUILD) && cpack -G DEB >cpack.log 2>&1 || { cat cpack.log; exit 1; }
	@ls -1 $(CURDIR)/$(BUILD)/*.deb

install: build
	@cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf $(BUILD)
