# FindPhoneNumber: Google's libphonenumber, which ships neither a CMake config nor a .pc file
# on Debian. Defines the imported target PhoneNumber::PhoneNumber and PhoneNumber_FOUND.
# libphonenumber's public headers include protobuf-generated code, so the target also carries
# protobuf (its headers and library) for whoever links it.
include(FindPackageHandleStandardArgs)

find_path(PhoneNumber_INCLUDE_DIR NAMES phonenumbers/phonenumberutil.h)
find_library(PhoneNumber_LIBRARY NAMES phonenumber)

find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_INCLUDE_DIR)

if(PhoneNumber_FOUND AND NOT TARGET PhoneNumber::PhoneNumber)
  add_library(PhoneNumber::PhoneNumber UNKNOWN IMPORTED)
  set_target_properties(PhoneNumber::PhoneNumber PROPERTIES
    IMPORTED_LOCATION "${PhoneNumber_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}")
  find_package(Protobuf QUIET)
  if(TARGET protobuf::libprotobuf)
    set_property(TARGET PhoneNumber::PhoneNumber APPEND PROPERTY
      INTERFACE_LINK_LIBRARIES protobuf::libprotobuf)
  endif()
endif()

mark_as_advanced(PhoneNumber_INCLUDE_DIR PhoneNumber_LIBRARY)
