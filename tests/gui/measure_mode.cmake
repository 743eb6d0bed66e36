# Runs `onewindow --demo --measure` once and checks what it prints: both "ready" lines in order
# and every figure, with the bundled plugins' three family-planning items in the catalogue.
file(REMOVE_RECURSE ${DATA})
execute_process(COMMAND ${SHELL} --demo --measure --data ${DATA}
    OUTPUT_VARIABLE out ERROR_QUIET RESULT_VARIABLE rc TIMEOUT 90)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onewindow --measure exited with ${rc}:\n${out}")
endif()
foreach(expected "ready login\nready main\n" "figure keystroke_filter_ms "
        "figure catalogue_items 3 items" "figure unified_form_show_ms "
        "figure unified_form_items 2 items" "figure shell_rss_mb ")
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "onewindow --measure did not print \"${expected}\":\n${out}")
    endif()
endforeach()
