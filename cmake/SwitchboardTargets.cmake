# Per-target build settings: warnings and sanitizers are applied to our own targets
# only, after probing that the compiler accepts them. CMAKE_CXX_FLAGS is never touched.
include(CheckCXXCompilerFlag)
include(CheckLinkerFlag)

function(switchboard_target_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                             -Wnon-virtual-dtor -Wno-missing-field-initializers)
    if(SWITCHBOARD_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# SWITCHBOARD_SANITIZE is a comma list such as "address,undefined".
function(switchboard_target_sanitizers target)
  if(NOT SWITCHBOARD_SANITIZE)
    return()
  endif()
  set(flag "-fsanitize=${SWITCHBOARD_SANITIZE}")
  set(CMAKE_REQUIRED_LINK_OPTIONS "${flag}")
  check_cxx_compiler_flag("${flag}" SWITCHBOARD_HAVE_SANITIZE_FLAG)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT SWITCHBOARD_HAVE_SANITIZE_FLAG)
    message(FATAL_ERROR "compiler does not accept ${flag}")
  endif()
  target_compile_options(${target} PRIVATE ${flag} -fno-omit-frame-pointer)
  if(SWITCHBOARD_BUILD_FUZZERS)
    # Coverage for libFuzzer in our own code too, not only in the harness: without it a fuzzer
    # is blind to the library's branches. The sanitizer runtime supplies the hooks elsewhere.
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    # Whoever links an instrumented static library needs the sanitizer runtime too.
    target_link_options(${target} INTERFACE ${flag})
  else()
    target_link_options(${target} PRIVATE ${flag})
  endif()
endfunction()
