# GoogleTest under CTest. Every test carries one label: unit (pure logic, no
# I/O beyond temp files), integration (the real test bed), e2e (whole
# product flows on the test bed).
include(GoogleTest)

# The integration fixture: one test bed per ctest run, started before the
# first test that needs it and torn down after the last, even when tests fail.
set(DRS_CTEST_TESTBED_DIR "${CMAKE_BINARY_DIR}/testbed" CACHE PATH
    "Where the ctest run's own test bed lives")
add_test(NAME testbed.up
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/testbed" --dir "${DRS_CTEST_TESTBED_DIR}" up)
add_test(NAME testbed.down
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/testbed" --dir "${DRS_CTEST_TESTBED_DIR}" down)
set_tests_properties(testbed.up PROPERTIES FIXTURES_SETUP testbed LABELS "integration;e2e" TIMEOUT 300)
set_tests_properties(testbed.down PROPERTIES FIXTURES_CLEANUP testbed LABELS "integration;e2e" TIMEOUT 120)

# drs_test(NAME LABEL [SERIAL] [NO_BED] SOURCES... DEPS ...): a GoogleTest
# binary whose cases are registered one by one, with LABEL; integration and
# e2e tests get the bed unless NO_BED (integration tests of real programs
# other than Kubernetes: sshd, rsync). SERIAL tests run alone (they stop and
# restart the shared bed's components, which would disturb tests running
# beside them).
function(drs_test name label)
  cmake_parse_arguments(ARG "SERIAL;NO_BED" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main drs_warnings)
  set(props LABELS ${label})
  if((label STREQUAL "integration" OR label STREQUAL "e2e") AND NOT ARG_NO_BED)
    list(APPEND props FIXTURES_REQUIRED testbed
         ENVIRONMENT "DRS_TESTBED_DIR=${DRS_CTEST_TESTBED_DIR}")
  endif()
  if(ARG_SERIAL)
    list(APPEND props RUN_SERIAL TRUE)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${props})
endfunction()

# drs_unit_tests(LIBRARY): every *_test.cc beside a library's sources becomes a
# unit test binary linked against that library.
function(drs_unit_tests library)
  file(GLOB tests CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc")
  foreach(test_source IN LISTS tests)
    get_filename_component(test_name "${test_source}" NAME_WE)
    drs_test(${test_name} unit SOURCES "${test_source}" DEPS ${library})
  endforeach()
endfunction()
