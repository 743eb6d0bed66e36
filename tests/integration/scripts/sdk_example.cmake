# Builds a plugin folder (SOURCE_DIR) out of tree in WORK_DIR against the SDK alone (SDK_DIR),
# runs its own tests, and checks the built plugin folder WORK_DIR/PLUGIN with `onewindow-cli
# plugins check` (CLI). A copy with a changed library must fail the check.
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}${err}")
    endif()
    set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${WORK_DIR}" -G "${GENERATOR}"
    "-DOneWindowSDK_DIR=${SDK_DIR}" "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror")
run(${CMAKE_COMMAND} --build "${WORK_DIR}")
if(EXISTS "${WORK_DIR}/CTestTestfile.cmake")
    run(${CMAKE_CTEST_COMMAND} --test-dir "${WORK_DIR}" --output-on-failure)
endif()
run("${CLI}" plugins check "${WORK_DIR}/${PLUGIN}")
if(NOT out MATCHES "OK")
    message(FATAL_ERROR "the out-of-tree plugin does not pass `onewindow-cli plugins check`")
endif()
message(STATUS "${WORK_DIR}/${PLUGIN}: built against ${SDK_DIR} alone, checked OK")

# A changed library no longer matches its manifest: the check must say so (on a copy).
file(REMOVE_RECURSE "${WORK_DIR}/tampered")
file(COPY "${WORK_DIR}/${PLUGIN}/" DESTINATION "${WORK_DIR}/tampered")
file(APPEND "${WORK_DIR}/tampered/${PLUGIN}.so" "tampered")
execute_process(COMMAND "${CLI}" plugins check "${WORK_DIR}/tampered" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "does not match the SHA-256")
    message(FATAL_ERROR "a tampered plugin passed the check: ${out}${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}/tampered")
