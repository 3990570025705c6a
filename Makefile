# switchboard — the two commands: `make demo` and `make test`. Both install what is missing.
BUILD   ?= build
JOBS    ?= 2
PYTHON  ?= python3
CMAKE_FLAGS ?=

PY_EXE := $(shell $(PYTHON) -c 'import sys; print(sys.executable)' 2>/dev/null)
export CMAKE_BUILD_PARALLEL_LEVEL := $(JOBS)

.PHONY: all deps configure build test test-cpp test-python test-frappe bench-frappe run-ctest \
        run-pytest demo bench install wheel stubs sanitize clean help

all: build

help:
	@echo "make demo    install deps, build, run frontdesk's guided demo on a fresh SQLite file"
	@echo "make test    install deps, build, run the C++ (ctest) and Python (pytest) suites"
	@echo "make test-frappe  set up a Frappe site (Helpdesk, CRM), install the app, run tests/frappe"
	@echo "make bench   build and run the benchmarks (results: bench/README.md)"
	@echo "make bench-frappe  route and ingest on a Frappe site against the original scripts"
	@echo "make stubs   regenerate bindings/python/switchboard/_core.pyi"
	@echo "make sanitize  build and run the C++ tests with ASan+UBSan in build-asan/"

deps:
	@PYTHON="$(PYTHON)" scripts/install-deps.sh

$(BUILD)/build.ninja:
	@$(MAKE) --no-print-directory deps
	cmake -S . -B $(BUILD) -G Ninja -DPython_EXECUTABLE="$$($(PYTHON) -c 'import sys; print(sys.executable)')" $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

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
	cd $(BUILD) && ctest -j $(JOBS) --output-on-failure -LE online

run-pytest:
	SWITCHBOARD_BUILD_DIR="$(abspath $(BUILD))" PYTHONPATH="$(abspath $(BUILD))/python" \
	  $(PYTHON) -m pytest tests/python -q

# A real Frappe v15 site with Helpdesk, CRM and Telephony (../shared/frappe/setup-site), the
# Frappe app and the built module installed into its venv, and tests/frappe run there.
test-frappe: build
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" scripts/frappe-test.sh

# Route and ingest on that site against the original scripts (results: bench/README.md).
bench-frappe: build
	BUILD="$(abspath $(BUILD))" PYTHON="$(PYTHON)" scripts/frappe-test.sh bench

demo: build
	$(BUILD)/examples/frontdesk/frontdesk --db $(BUILD)/demo.sqlite demo

bench: build
	cmake --build $(BUILD) -j $(JOBS) --target bench
	@$(MARIADB_RUN) $(PYTHON) bench/run.py --build $(BUILD)

stubs: build
	rm -rf $(BUILD)/stubs
	PYTHONPATH="$(abspath $(BUILD))/python" $(PYTHON) -m pybind11_stubgen switchboard._core \
	  --output-dir $(BUILD)/stubs
	cp $(BUILD)/stubs/switchboard/_core.pyi bindings/python/switchboard/_core.pyi

wheel: deps
	$(PYTHON) -m pip wheel . --no-deps -w dist

# The C++ suite under ASan + UBSan (the Python module is left out: it would need libasan
# preloaded into the interpreter).
sanitize:
	$(MAKE) test-cpp BUILD=build-asan CMAKE_FLAGS="-DSWITCHBOARD_SANITIZE=address,undefined \
	  -DCMAKE_BUILD_TYPE=Debug -DSWITCHBOARD_BUILD_PYTHON=OFF -DSWITCHBOARD_BUILD_BENCH=OFF"

clean:
	@scripts/mariadb-test-server stop $(BUILD)/mariadb; scripts/mariadb-test-server stop build-asan/mariadb
	rm -rf $(BUILD) build-asan dist
