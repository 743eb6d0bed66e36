# The test that installs (issue 19): the three Debian packages built by CPack, checked, unpacked
# into a temporary root and run from there, the SDK example built against the installed SDK,
# the installed shell started under Xvfb, lintian on each package (tests/package/install_test.sh).
# It prints the package sizes (onewindow_deb_mb <= 15) and the installed shell's cold start.
add_test(NAME package_installs
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/package/install_test.sh ${CMAKE_BINARY_DIR}
            ${CMAKE_SOURCE_DIR} ${PROJECT_VERSION})
set_tests_properties(package_installs PROPERTIES LABELS package TIMEOUT 900 RESOURCE_LOCK xvfb)
