# switchboard — the two commands: `make demo` and `make test`. Both install what is missing.
BUILD   ?= build
JOBS    ?= 2
PYTHON  ?= python3
PREFIX  ?= /usr/local
CMAKE_FLAGS ?=
# The tests that need the package registries (PyPI, deb.debian.org) carry the ctest label
# `online` (their pytest files the marker `online`; they run under ctest). They run by
# default; ONLINE=0 leaves them out (offline machines, quick iterations).
ONLINE ?= 1
FUZZ_SECONDS ?= 60

PY_EXE := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)

ifeq ($(ONLINE),0)
CTEST_FILTER  := -LE online
endif
# ccache, when installed, makes rebuilding the same sources (another build dir, the wheel,
# another clone of the repository) cheap: paths are hashed relative to the checkout.
CCACHE := $(shell command -v ccache 2>/dev/null)
ifneq ($(CCACHE),)
LAUNCHER := -DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_C_COMPILER_LAUNCHER=$(CCACHE)
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= true
endif
FUZZERS := $(patsubst tests/fuzz/fuzz_%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))

.PHONY: all deps configure build test test-cpp test-python run-ctest run-pytest demo bench fuzz \
        test-frappe bench-frappe workload-frappe install wheel stubs sanitize clean help

all: build

help:
	@echo "make demo      install deps, build, run frontdesk's guided demo on a new SQLite file"
	@echo "make test      install deps, build what the tests need, run ctest and pytest"
	@echo "               (ONLINE=0: without the tests that need PyPI / deb.debian.org)"
	@echo "make test-frappe  set up a Frappe site (Helpdesk, CRM), install the app, run tests/frappe"
	@echo "make install   the library, headers, CMake and pkg-config files and frontdesk"
	@echo "               into PREFIX (default /usr/local)"
	@echo "make wheel     a manylinux wheel in dist/ (module + frontdesk), repaired by auditwheel"
	@echo "make bench     build and run the benchmarks (results: bench/README.md)"
	@echo "make bench-frappe  route and ingest on a Frappe site against the original scripts"
	@echo "make workload-frappe  a generated workload lived on a Frappe site, against SQLite"
	@echo "                   (WORKLOAD_MAILS [2000], WORKLOAD_SEED [1])"
	@echo "make fuzz      build the libFuzzer targets with clang, run each FUZZ_SECONDS (60)"
	@echo "make stubs     regenerate bindings/python/switchboard/_core.pyi"
	@echo "make sanitize  build and run the C++ tests with ASan+UBSan in build-asan/"

deps:
	@PYTHON="$(PYTHON)" scripts/install-deps.sh

$(BUILD)/build.ninja:
	@$(MAKE) --no-print-directory deps
	cmake -S . -B $(BUILD) -G Ninja -DPython_EXECUTABLE="$$($(PYTHON) -c 'import sys; print(sys.executable)')" \
	  $(LAUNCHER) $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

# Everything `make test` runs (benchmarks and libFuzzer binaries are left out of `all`).
build: configure
	cmake --build $(BUILD) -j $(JOBS)

# MariaDB tests use $$SWITCHBOARD_TEST_MARIADB_URL when set, else a private server under
# $(BUILD)/mariadb that scripts/mariadb-test-server starts for the run and stops afterwards.
MARIADB_RUN = scripts/mariadb-test-server run $(BUILD)/mariadb

test-cpp: build
	@$(MARIADB_RUN) $(MAKE) --no-print-directory run-ctest

test-python: build
	@$(MARIADB_RUN) $(MAKE) --no-print-directory run-pytest

test: build
	@$(MARIADB_RUN) $(MAKE) --no-print-directory run-ctest run-pytest

run-ctest:
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure $(CTEST_FILTER)

run-pytest:
	SWITCHBOARD_BUILD_DIR="$(abspath $(BUILD))" PYTHONPATH="$(abspath $(BUILD))/python" \
	  $(PYTHON) -m pytest tests/python -q -m "not online" -n $(JOBS) --dist worksteal

# A real Frappe v15 site with Helpdesk, CRM and Telephony (../shared/frappe/setup-site), the
# Frappe app and the built module installed into its venv, and tests/frappe run there.
test-frappe: build
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" scripts/frappe-test.sh

# Route and ingest on that site against the original scripts (results: bench/README.md).
bench-frappe: build
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" scripts/frappe-test.sh bench

workload-frappe: build
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" WORKLOAD_MAILS="$(WORKLOAD_MAILS)" \
	  WORKLOAD_SEED="$(WORKLOAD_SEED)" scripts/frappe-test.sh workload

demo: build
	$(BUILD)/examples/frontdesk/frontdesk demo --db $(BUILD)/demo.sqlite --force

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target bench
	@$(MARIADB_RUN) $(PYTHON) bench/run.py --build $(BUILD)

# libFuzzer binaries (clang) in build-fuzz/; each runs FUZZ_SECONDS from its corpus, new
# inputs kept in build-fuzz/corpus/<name>/. Their corpora also replay in `make test`.
fuzz:
	@PYTHON="$(PYTHON)" scripts/install-deps.sh fuzz
	@test -f build-fuzz/build.ninja || CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja \
	  -DSWITCHBOARD_BUILD_FUZZERS=ON -DSWITCHBOARD_BUILD_PYTHON=OFF -DSWITCHBOARD_BUILD_EXAMPLES=OFF \
	  -DSWITCHBOARD_BUILD_FRONTDESK=OFF -DSWITCHBOARD_BUILD_BENCH=OFF $(LAUNCHER)
	cmake --build build-fuzz -j $(JOBS) --target $(addprefix fuzzer_,$(FUZZERS))
	@for f in $(FUZZERS); do mkdir -p build-fuzz/corpus/$$f; echo "== fuzzer_$$f"; \
	  build-fuzz/tests/fuzz/fuzzer_$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build-fuzz/corpus/$$f tests/fuzz/corpora/$$f || exit 1; done

# The library, headers, CMake package, pkg-config file and frontdesk into PREFIX.
install: configure
	cmake --build $(BUILD) -j $(JOBS) --target switchboard frontdesk
	cmake --install $(BUILD) --prefix "$(PREFIX)"

# A wheel for pip users: built by scikit-build-core, repaired by auditwheel (system libraries
# bundled, the lowest manylinux tag this machine allows) into dist/.
wheel: deps
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" scripts/build-wheel.sh

stubs: build
	rm -rf $(BUILD)/stubs
	PYTHONPATH="$(abspath $(BUILD))/python" $(PYTHON) -m pybind11_stubgen switchboard._core \
	  --output-dir $(BUILD)/stubs
	cp $(BUILD)/stubs/switchboard/_core.pyi bindings/python/switchboard/_core.pyi

# The C++ suite under ASan + UBSan (the Python module is left out: it would need libasan
# preloaded into the interpreter).
sanitize:
	$(MAKE) test-cpp BUILD=build-asan CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE=address,undefined \
	  -DCMAKE_BUILD_TYPE=Debug -DSWITCHBOARD_BUILD_PYTHON=OFF -DSWITCHBOARD_BUILD_BENCH=OFF"

clean:
	@scripts/mariadb-test-server stop $(BUILD)/mariadb; scripts/mariadb-test-server stop build-asan/mariadb
	rm -rf $(BUILD) build-asan build-fuzz dist
