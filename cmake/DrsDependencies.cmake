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
