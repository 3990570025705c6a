# Finds every dependency from the system (Debian packages or pip); nothing is downloaded at
# configure time (R11). Included by the top-level CMakeLists.txt.
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(SQLiteCpp REQUIRED)
find_package(CURL 7.64 REQUIRED)
find_package(OpenSSL 1.1 REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PhoneNumber REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(GMime REQUIRED IMPORTED_TARGET gmime-3.0)
pkg_check_modules(GLib REQUIRED IMPORTED_TARGET glib-2.0)
pkg_check_modules(MariaDB REQUIRED IMPORTED_TARGET libmariadb)  # MariaDB Connector/C

if(SWITCHBOARD_BUILD_TESTS OR SWITCHBOARD_BUILD_EXAMPLES)
  find_package(CLI11 REQUIRED)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # example servers, mocks
endif()
if(SWITCHBOARD_BUILD_EXAMPLES)
  find_package(Boost 1.74 REQUIRED)  # header-only Boost.Beast: the webhook server
endif()
if(SWITCHBOARD_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
