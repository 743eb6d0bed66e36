# The bundled department plugins. The unit tests (tests/unit/test_<id>_plugin.cpp) load each staged
# plugin through the plugin host; here each staged plugin folder must pass what an outside
# department's folder must pass: `onewindow-cli check` (manifest, item forms against the shared
# dictionary) and `onewindow-cli plugins check` (manifest, hash, ELF, load, ABI, init); both
# exit non-zero on any problem.
# The simulated ID card reader (a device plugin) passes the same checks.
set(onewindow_department_plugins family_planning civil_affairs social_security
    medical_insurance public_security disabled_federation veterans_affairs justice
    idcard_simulator)
foreach(plugin IN LISTS onewindow_department_plugins)
    add_dependencies(onewindow-unit-tests onewindow_${plugin})
    add_test(NAME plugin_${plugin}_forms_check
        COMMAND ${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli check ${ONEWINDOW_PLUGIN_STAGE_DIR}/${plugin})
    add_test(NAME plugin_${plugin}_loads
        COMMAND ${ONEWINDOW_STAGE_DIR}/bin/onewindow-cli plugins check
                ${ONEWINDOW_PLUGIN_STAGE_DIR}/${plugin})
endforeach()
