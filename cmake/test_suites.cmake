# One ctest per GoogleTest suite, not per test case: a suite runs in one process, so its shared
# fixtures (a trained quickstart, saved models) are built once and LibTorch is mapped once per
# suite. The suites are listed after each link by cmake/list_test_suites.cmake, the way
# gtest_discover_tests lists cases. A suite's cases run in order; ctest -j runs suites in parallel.
function(finml_add_test_suites target)
  set(suites_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_suites.cmake")
  add_custom_command(TARGET ${target} POST_BUILD
    COMMAND ${CMAKE_COMMAND} -D EXECUTABLE=$<TARGET_FILE:${target}> -D OUTPUT=${suites_file}
            -D WORKING_DIRECTORY=${CMAKE_SOURCE_DIR}
            -P ${CMAKE_SOURCE_DIR}/cmake/list_test_suites.cmake
    BYPRODUCTS ${suites_file} VERBATIM)
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  file(WRITE ${include_file}
       "if(EXISTS \"${suites_file}\")\n  include(\"${suites_file}\")\nelse()\n"
       "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
endfunction()
