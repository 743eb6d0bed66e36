# Every message a user can see has a Chinese translation: xgettext extracts tr()/trf()/N_()
# strings from the sources; msgcmp fails when zh_CN.po lacks (or leaves empty) any of them.
find_program(XGETTEXT xgettext REQUIRED)
find_program(MSGCMP msgcmp REQUIRED)
add_test(NAME i18n_zh_CN_catalog_complete
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}
            -DXGETTEXT=${XGETTEXT} -DMSGCMP=${MSGCMP}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/integration/scripts/i18n_check.cmake)
