# rooflab: the two commands of the README, and their pieces.
#   make run   install what is missing, build, run the default suite on the best device here
#   make test  install what is missing, build, run the tests (and again under ASan + UBSan)

DEBIAN_PACKAGES := cmake ninja-build pkg-config gcc g++ python3 \
                   libopenblas-dev libhwloc-dev libbenchmark-dev libcmocka-dev libcjson-dev \
                   libsleef-dev
# The report test renders report.html in a real browser. Ubuntu (JetPack)
# ships Chromium only as a snap: there the test skips unless one is installed.
TEST_PACKAGES := $(if $(shell grep -s '^ID=ubuntu' /etc/os-release),,chromium)
PRESET ?= default
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
RUN_ARGS ?=

.PHONY: run test deps deps-test build build-sanitize test-default test-sanitize clean

run: deps build
	./build/rooflab run $(RUN_ARGS)

test: deps deps-test test-default test-sanitize

deps:
	@./scripts/install-deps.sh $(DEBIAN_PACKAGES)

deps-test:
	@./scripts/install-deps.sh $(TEST_PACKAGES)

build:
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET) -j $(JOBS)

build-sanitize:
	cmake --preset sanitize
	cmake --build --preset sanitize -j $(JOBS)

# ctest hides a skipped test's output: its reason, from ctest's log of the
# run in the preset's build folder, is printed after the run.
preset_dir = $(if $(filter default,$(1)),build,build-$(1))
SKIP_REASONS = grep -h "^SKIPPED: " $(call preset_dir,$(1))/Testing/Temporary/LastTest.log \
               | sed 's/^SKIPPED: /skipped, because: /' | sort -u || true

test-default: build
	ctest --preset $(PRESET) -j 1
	@$(call SKIP_REASONS,$(PRESET))

test-sanitize: build-sanitize
	ctest --preset sanitize -j 1
	@$(call SKIP_REASONS,sanitize)

clean:
	rm -rf build build-cpu build-sanitize
