// The absolute paths behind tests/source_paths.h (this file alone is compiled with them).
#include "source_paths.h"

extern "C" const char* switchboard_source_dir() { return SWITCHBOARD_SOURCE_DIR_VALUE; }
extern "C" const char* switchboard_python() { return SWITCHBOARD_PYTHON_VALUE; }
