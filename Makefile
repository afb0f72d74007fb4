# The two commands: `make run` (the main job) and `make test` (every test through ctest).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: deps configure build run test bench clean fixtures format format-check fuzz sanitize python \
  screenshots

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS) >/dev/null

# Everything `make test` needs (the binary, its modules, the test binaries); never the benchmarks.
build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Only what `finml run` needs: the binary and the modules it loads.
run: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target finml
	@$(BUILD_DIR)/finml run $(ARGS)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The Python package alone: build/python/finml (put build/python on PYTHONPATH).
python: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target finml_python

# One report of every kind, checked in headless Chromium, and a full-page screenshot of each in
# $(BUILD_DIR)/screenshots for review.
screenshots: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target finml
	@SCREENSHOTS=$(BUILD_DIR)/screenshots bash tests/report/reports_in_browser.sh \
	  $(BUILD_DIR)/finml $(BUILD_DIR)/report_pages

bench: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target finml_bench
	@bash bench/run_all.sh $(BUILD_DIR)

# Builds the fuzz targets with clang's libFuzzer, ASan and UBSan in $(FUZZ_DIR) and runs each for
# FUZZ_SECONDS, two at a time; crash inputs land in tests/fuzz/crashes/<target>/ (commit them with
# the fix: every test run replays them).
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 300
fuzz: deps
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
	  -DCMAKE_CXX_COMPILER=clang++ -DFINML_FUZZ=ON \
	  "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" \
	  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target finml_fuzzers
	@bash tests/fuzz/run_fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

# The unit tests (core, torch, serve) built with AddressSanitizer and UndefinedBehaviorSanitizer in
# $(SANITIZE_DIR); any report fails the run.
SANITIZE_DIR ?= build-sanitize
sanitize: deps
	@cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
	  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" \
	  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target finml finml_tests finml_torch_tests finml_serve_tests
	@cd $(SANITIZE_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS) \
	  -R '^[A-Z]' -E 'style'

# Regenerates the peer reference values under tests/fixtures (R TTR, fGarch, cvar; scikit-learn).
fixtures: deps
	@Rscript tests/fixtures/make_ttr_fixtures.R tests/fixtures
	@Rscript tests/fixtures/make_risk_fixtures.R
	@/usr/bin/python3 tests/fixtures/make_ledoit_wolf_fixture.py
	@/usr/bin/python3 tests/fixtures/make_logistic_fixture.py

# The tree is formatted with the checked-in .clang-format; `make test` checks it too.
format:
	@bash scripts/format-check.sh --fix

format-check:
	@bash scripts/format-check.sh

clean:
	@rm -rf $(BUILD_DIR)
