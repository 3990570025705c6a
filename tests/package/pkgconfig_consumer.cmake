# Builds and runs examples/consumer/main.cpp the way a Makefile user would, with nothing but
# pkg-config against the installed prefix:  c++ main.cpp $(pkg-config --cflags --libs switchboard)
# cmake -DPREFIX=... -DSOURCE=... -DBINARY=... -DCXX=... -DPKG_CONFIG=... -P pkgconfig_consumer.cmake
set(ENV{PKG_CONFIG_PATH} "${PREFIX}/lib/pkgconfig")
execute_process(COMMAND ${PKG_CONFIG} --cflags --libs switchboard
                OUTPUT_VARIABLE flags OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "pkg-config does not find switchboard in ${PREFIX}")
endif()
message(STATUS "pkg-config --cflags --libs switchboard: ${flags}")
separate_arguments(flags UNIX_COMMAND "${flags}")
execute_process(COMMAND ${CXX} -std=c++17 -o ${BINARY} ${SOURCE} ${flags} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer does not build with pkg-config's flags")
endif()
execute_process(COMMAND ${BINARY} ${BINARY}.sqlite RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the consumer built with pkg-config fails")
endif()
