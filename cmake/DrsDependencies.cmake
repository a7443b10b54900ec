# Third-party libraries, all from Debian's -dev packages (scripts/install-deps).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(GTest REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(yaml-cpp REQUIRED)
# cpp-httplib: Debian ships it compiled (libcpp-httplib.so) with TLS and
# compression enabled; its pkg-config file carries the matching -D flags,
# which every includer must share or the classes' layouts disagree.
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)

# jemalloc for the controller binary: object sync parses and frees millions
# of small JSON nodes per cycle, and glibc's malloc spent a quarter of the
# no-change cycle's CPU in malloc/free/consolidate (perf); jemalloc cut that
# cycle's CPU by a third (docs/performance.md). Not with sanitizers, which
# bring their own allocator.
add_library(drs_allocator INTERFACE)
if(NOT DRS_SANITIZE)
  find_library(JEMALLOC_LIBRARY NAMES jemalloc REQUIRED)
  target_link_libraries(drs_allocator INTERFACE "${JEMALLOC_LIBRARY}")
endif()
