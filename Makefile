# The two commands: `make run` (the main job) and `make test` (every test through ctest).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=Release

.PHONY: deps configure build run test bench clean fixtures format format-check

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

bench: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target finml_bench
	@bash bench/run_all.sh $(BUILD_DIR)

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
