# The SDK works out of tree: sdk/example is configured and built in a temporary folder against
# sdk/cmake alone, then checked (manifest, hash, ELF, load, ABI, init) by onewindow-cli.
add_test(NAME sdk_example_builds_out_of_tree_and_loads
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/sdk-example
            -DCLI=${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli -DGENERATOR=${CMAKE_GENERATOR}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/integration/scripts/sdk_example.cmake)
