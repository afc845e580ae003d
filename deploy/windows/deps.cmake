# The Windows agent's dependencies, cross-built by build-deps.sh into
# BS_WIN_DEPS, under the imported-target names the Linux build gets from
# Debian's packages, so agent/, common/ and proto/ link the same way on both.
if(NOT BS_WIN_DEPS)
  message(FATAL_ERROR "BS_WIN_DEPS is not set: run deploy/windows/build-deps.sh")
endif()
set(OPENSSL_ROOT_DIR ${BS_WIN_DEPS})
set(OPENSSL_USE_STATIC_LIBS ON)
find_package(OpenSSL 3 REQUIRED)
find_package(EXPAT REQUIRED)
find_package(Threads REQUIRED)
find_package(nng CONFIG REQUIRED)
find_program(PROTOC_C protoc-c REQUIRED)

function(bs_win_static target lib)
  find_library(BS_WIN_LIB_${lib} NAMES ${lib} PATHS ${BS_WIN_DEPS}/lib NO_DEFAULT_PATH REQUIRED)
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    INTERFACE_LINK_LIBRARIES "${BS_WIN_LIB_${lib}}"
    INTERFACE_INCLUDE_DIRECTORIES ${BS_WIN_DEPS}/include
    INTERFACE_COMPILE_DEFINITIONS "${ARGN}")
endfunction()
bs_win_static(PkgConfig::JANSSON jansson)
bs_win_static(PkgConfig::INIH inih)
bs_win_static(PkgConfig::PROTOBUFC protobuf-c)
# Static expat needs XML_STATIC in every file that includes expat.h.
set_property(TARGET EXPAT::EXPAT APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS XML_STATIC)
# What the static OpenSSL, mbedTLS and NNG need from Windows itself.
set_property(TARGET OpenSSL::Crypto APPEND PROPERTY INTERFACE_LINK_LIBRARIES
  ws2_32 crypt32 bcrypt advapi32 user32)
set_property(TARGET nng::nng APPEND PROPERTY INTERFACE_LINK_LIBRARIES
  ws2_32 mswsock advapi32 bcrypt)
