# Warnings, sanitizers and ccache for every dr-syncer target.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${CCACHE_PROGRAM}")
endif()

# Strict warnings on our own code only; third-party headers come in as SYSTEM.
add_library(drs_warnings INTERFACE)
target_compile_options(drs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion
  -Wformat=2 -Wimplicit-fallthrough -Wmisleading-indentation -Wduplicated-cond
  -Wlogical-op -Wuseless-cast
  # designated initializers that rely on default member initializers are idiomatic
  -Wno-missing-field-initializers)
if(DRS_WERROR)
  target_compile_options(drs_warnings INTERFACE -Werror)
endif()

if(DRS_SANITIZE)
  add_compile_options(-fsanitize=${DRS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DRS_SANITIZE})
endif()

# drs_library(NAME SOURCES... DEPS ...): one static library per source folder.
function(drs_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC "${PROJECT_SOURCE_DIR}/src")
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE drs_warnings)
endfunction()

# drs_folder_library(NAME DEPS ...): the static library of the current source
# folder, made of every .cc file in it except the *_test.cc ones (globbed so
# that adding a file needs no CMake edit), plus its unit tests.
function(drs_folder_library name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cc")
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  if(NOT sources)
    message(FATAL_ERROR "${CMAKE_CURRENT_SOURCE_DIR} has no sources: a folder exists when something real lives in it")
  endif()
  drs_library(${name} SOURCES ${sources} DEPS ${ARG_DEPS})
  drs_unit_tests(${name})
endfunction()
