# One path for a case: the shell and the command line call the core's use-case services, never
# the case store itself (scripts/no_store_calls.sh fails on any store() call in app/gui or app/cli).
add_test(NAME shell_and_cli_call_no_store
    COMMAND ${CMAKE_SOURCE_DIR}/tests/integration/scripts/no_store_calls.sh ${CMAKE_SOURCE_DIR})
