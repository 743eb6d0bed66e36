# `onewindow-cli plugins new` (CLI) writes a plugin folder into WORK_DIR; it is built against the
# SDK (SDK_DIR), passes its own test and `plugins check` as written.
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${CLI}" plugins new natural_resources --department 魏县自然资源和规划局
                        --dir "${WORK_DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "plugins new failed: ${out}${err}")
endif()
message(STATUS "${out}")
file(READ "${WORK_DIR}/natural_resources/plugin.json" manifest)
file(READ "${WORK_DIR}/natural_resources/dictionary.json" dictionary)
if(NOT manifest MATCHES "\"id\": \"natural_resources\"" OR NOT manifest MATCHES "魏县自然资源和规划局"
   OR NOT dictionary MATCHES "\"natural_resources.site_area\"")
    message(FATAL_ERROR "the scaffold is not the new plugin's own:\n${manifest}\n${dictionary}")
endif()
# A second run must not overwrite it.
execute_process(COMMAND "${CLI}" plugins new natural_resources --department x --dir "${WORK_DIR}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "natural_resources")
    message(FATAL_ERROR "plugins new overwrote an existing folder: ${out}${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${WORK_DIR}/natural_resources
                        -DSDK_DIR=${SDK_DIR} -DWORK_DIR=${WORK_DIR}/build -DPLUGIN=natural_resources
                        -DCLI=${CLI} -DGENERATOR=${GENERATOR}
                        -P ${CMAKE_CURRENT_LIST_DIR}/sdk_example.cmake
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the scaffold does not build, test and check clean")
endif()
