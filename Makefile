# Thin wrapper: the real build is CMake. See README.md.
BUILD   ?= build
ASAN    ?= $(BUILD)/asan
FUZZ    ?= $(BUILD)/fuzz
JOBS    ?= $(shell nproc)
# ctest -j: most tests wait rather than compute (tests/CMakeLists.txt)
TEST_JOBS ?= 4
CMAKE_FLAGS ?=

.PHONY: all deps build asan fuzz-build test run bench fuzz deb install clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCSUP_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

asan: deps
	@cmake -S . -B $(ASAN) -DCSUP_WERROR=ON -DCSUP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(ASAN) -j $(JOBS)

# libFuzzer harnesses (clang); no -Werror: clang warns where gcc does not.
fuzz-build: deps
	@cmake -S . -B $(FUZZ) -DCSUP_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ) -j $(JOBS) --target fuzzers

test: build asan fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(TEST_JOBS) --output-junit ctest.xml
	ctest --test-dir $(ASAN) --output-on-failure -j $(TEST_JOBS) -LE noasan --output-junit ctest.xml
	FUZZ_SECONDS=30 ctest --test-dir $(FUZZ) --output-on-failure -j 2 -L fuzz --output-junit ctest.xml
	@scripts/test-summary.sh $(BUILD)/ctest.xml $(ASAN)/ctest.xml $(FUZZ)/ctest.xml

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
