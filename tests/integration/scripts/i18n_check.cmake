file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/app/*.cpp" "${SOURCE_DIR}/app/*.hpp")
execute_process(
    COMMAND ${XGETTEXT} --from-code=UTF-8 --language=C++ --keyword=tr --keyword=trf --keyword=wtr --keyword=N_
            --no-location -o "${WORK_DIR}/onewindow.pot" ${sources}
    WORKING_DIRECTORY "${SOURCE_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "xgettext failed")
endif()
if(NOT EXISTS "${WORK_DIR}/onewindow.pot")
    message(STATUS "no translatable strings yet")
    return()
endif()
execute_process(COMMAND ${MSGCMP} "${SOURCE_DIR}/app/po/zh_CN.po" "${WORK_DIR}/onewindow.pot"
    RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "app/po/zh_CN.po lacks translations (see above)")
endif()
