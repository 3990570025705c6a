// Where the tests and benchmarks find the checkout and the Python interpreter. The build
// defines SWITCHBOARD_SOURCE_DIR and SWITCHBOARD_PYTHON as calls of these, and gives the
// absolute values to tests/source_paths.cpp alone: no other file's compile command names the
// checkout, so every other object is reused from the compiler cache by a clone elsewhere.
#pragma once

extern "C" const char* switchboard_source_dir();
extern "C" const char* switchboard_python();
