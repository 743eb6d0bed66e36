file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/sdk/example" -B "${WORK_DIR}" -G "${GENERATOR}"
                        "-DOneWindowSDK_DIR=${SOURCE_DIR}/sdk/cmake"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring sdk/example out of tree failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "building sdk/example out of tree failed")
endif()
execute_process(COMMAND "${CLI}" plugins check "${WORK_DIR}/example" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "${out}${err}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "OK")
    message(FATAL_ERROR "the out-of-tree plugin does not pass `onewindow-cli plugins check`")
endif()
# A changed library no longer matches its manifest: the check must say so.
file(APPEND "${WORK_DIR}/example/example.so" "tampered")
execute_process(COMMAND "${CLI}" plugins check "${WORK_DIR}/example" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "does not match the SHA-256")
    message(FATAL_ERROR "a tampered plugin passed the check: ${out}${err}")
endif()
