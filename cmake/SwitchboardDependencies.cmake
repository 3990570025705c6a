# Finds every dependency from the system (Debian packages or pip); nothing is downloaded at
# configure time. Included by the top-level CMakeLists.txt.
#
# Everything is looked for first, then one error names every Debian package that is missing,
# so `pip install .` or a fresh checkout fails in seconds with one line to act on.
set(_sb_missing "")

# switchboard_find(<package> <debian package> [find_package arguments...])
macro(switchboard_find package deb)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    list(APPEND _sb_missing ${deb})
  endif()
endmacro()

switchboard_find(Threads libc6-dev)
switchboard_find(SQLite3 libsqlite3-dev)
switchboard_find(SQLiteCpp libsqlitecpp-dev)
switchboard_find(CURL libcurl4-openssl-dev 7.64)
switchboard_find(OpenSSL libssl-dev 1.1)
switchboard_find(fmt libfmt-dev)
switchboard_find(nlohmann_json nlohmann-json3-dev 3.10)
switchboard_find(PhoneNumber libphonenumber-dev)
if(PhoneNumber_FOUND AND NOT TARGET protobuf::libprotobuf)
  list(APPEND _sb_missing libprotobuf-dev)  # libphonenumber's headers include protobuf's
endif()
switchboard_find(PkgConfig pkg-config)
if(PkgConfig_FOUND)
  pkg_check_modules(GMime QUIET IMPORTED_TARGET gmime-3.0)
endif()
if(NOT GMime_FOUND)
  list(APPEND _sb_missing libgmime-3.0-dev)
endif()
if(PkgConfig_FOUND)
  pkg_check_modules(GLib QUIET IMPORTED_TARGET glib-2.0)
  pkg_check_modules(MariaDB QUIET IMPORTED_TARGET libmariadb)  # MariaDB Connector/C
endif()
if(NOT GLib_FOUND)
  list(APPEND _sb_missing libglib2.0-dev)
endif()
if(NOT MariaDB_FOUND)
  list(APPEND _sb_missing libmariadb-dev)
endif()

if(SWITCHBOARD_BUILD_TESTS OR SWITCHBOARD_BUILD_EXAMPLES OR SWITCHBOARD_BUILD_FRONTDESK)
  switchboard_find(CLI11 libcli11-dev)
endif()
if(SWITCHBOARD_BUILD_TESTS OR SWITCHBOARD_BUILD_EXAMPLES)
  if(PkgConfig_FOUND)
    pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)  # example servers, mocks
  endif()
  if(NOT HTTPLIB_FOUND)
    list(APPEND _sb_missing libcpp-httplib-dev)
  endif()
endif()
if(SWITCHBOARD_BUILD_EXAMPLES)
  switchboard_find(Boost libboost-dev 1.74)  # header-only Boost.Beast: the webhook server
endif()
if(SWITCHBOARD_BUILD_TESTS)
  switchboard_find(doctest doctest-dev)
endif()
if(SWITCHBOARD_BUILD_PYTHON)
  find_package(Python 3.8 QUIET COMPONENTS Interpreter Development.Module)
  if(NOT Python_Development.Module_FOUND)
    list(APPEND _sb_missing python3-dev)
  endif()
endif()

if(_sb_missing)
  list(REMOVE_DUPLICATES _sb_missing)
  list(JOIN _sb_missing " " _sb_missing)
  # A line that starts with blanks is printed as it is, unwrapped: one line to copy.
  message(FATAL_ERROR "switchboard needs system libraries that are missing. On Debian 12:\n"
                      "  sudo apt-get install ${_sb_missing}\n")
endif()
