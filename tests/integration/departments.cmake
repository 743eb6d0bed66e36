# The bundled department plugins. Their own tests (plugins/<id>/tests/) load each staged plugin
# through the plugin host; here each staged plugin folder must pass what an outside department's
# folder must pass: `onewindow-cli check` (manifest, item forms against the shared dictionary
# and the plugin's fragment) and `onewindow-cli plugins check` (everything the counter loads:
# folder, manifest, hash, ELF, load, ABI, dictionary fragment, forms, settings, init, result
# templates filled from sample data); both exit non-zero on any problem. And each plugin folder
# builds on its own, out of tree against the SDK alone, exactly as sdk/example does.
# The simulated ID card reader (a device plugin) passes the same checks.
set(onewindow_department_plugins family_planning civil_affairs social_security
    medical_insurance public_security disabled_federation veterans_affairs justice
    natural_resources agriculture housing market_regulation taxation housing_fund
    idcard_simulator)
foreach(plugin IN LISTS onewindow_department_plugins)
    add_dependencies(onewindow-unit-tests onewindow_${plugin})
    add_test(NAME plugin_${plugin}_forms_check
        COMMAND ${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli check ${ONEWINDOW_PLUGIN_STAGE_DIR}/${plugin})
    add_test(NAME plugin_${plugin}_loads
        COMMAND ${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli plugins check
                ${ONEWINDOW_PLUGIN_STAGE_DIR}/${plugin})
    add_test(NAME plugin_${plugin}_builds_out_of_tree
        COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR}/plugins/${plugin}
                -DSDK_DIR=${CMAKE_SOURCE_DIR}/sdk/cmake
                -DWORK_DIR=${CMAKE_BINARY_DIR}/out-of-tree/${plugin} -DPLUGIN=${plugin}
                -DCLI=${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli -DGENERATOR=${CMAKE_GENERATOR}
                -P ${CMAKE_CURRENT_SOURCE_DIR}/integration/scripts/sdk_example.cmake)
    set_tests_properties(plugin_${plugin}_builds_out_of_tree PROPERTIES TIMEOUT 600)
endforeach()
