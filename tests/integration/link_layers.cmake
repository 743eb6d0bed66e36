# The core's libraries keep their order and the back office links only what it uses (issue 14):
# tests/link/link_check.sh on the built archives and programs. The CLI links everything, so the
# same check must fail on it: that proves the check sees what it looks for.
set(core_layers onewindow_base onewindow_exchange onewindow_forms onewindow_documents
    onewindow_store onewindow_plugins onewindow_counter)
set(core_layer_files)
foreach(layer IN LISTS core_layers)
    list(APPEND core_layer_files $<TARGET_FILE:${layer}>)
endforeach()
add_test(NAME core_libraries_in_dependency_order
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/link/link_check.sh layers ${core_layer_files})
add_test(NAME backoffice_links_no_documents
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/link/link_check.sh program
            $<TARGET_FILE:onewindow-backoffice>)
add_test(NAME link_check_sees_documents_in_cli
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/link/link_check.sh program $<TARGET_FILE:onewindow-cli>)
set_tests_properties(link_check_sees_documents_in_cli PROPERTIES
    PASS_REGULAR_EXPRESSION "found: [^\n]*HPDF_[^\n]*boost::dll::[^\n]*onewindow::CaseStore")
