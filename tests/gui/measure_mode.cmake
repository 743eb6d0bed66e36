# Runs `onewindow --demo --measure` once and checks what it prints: both "ready" lines in order
# and every figure, with the bundled plugins' items (at least the three of family planning) in the
# catalogue.
file(REMOVE_RECURSE ${DATA})
execute_process(COMMAND ${SHELL} --demo --measure --data ${DATA}
    OUTPUT_VARIABLE out ERROR_QUIET RESULT_VARIABLE rc TIMEOUT 90)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "onewindow --measure exited with ${rc}:\n${out}")
endif()
foreach(expected "ready login\nready main\n" "figure keystroke_filter_ms "
        "figure unified_form_show_ms "
        "figure unified_form_items 2 items" "figure shell_rss_mb ")
    string(FIND "${out}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "onewindow --measure did not print \"${expected}\":\n${out}")
    endif()
endforeach()
if(NOT out MATCHES "figure catalogue_items ([0-9]+) items" OR CMAKE_MATCH_1 LESS 3)
    message(FATAL_ERROR "onewindow --measure ran without the bundled plugins:\n${out}")
endif()
