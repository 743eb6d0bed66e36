# Stages the shared parts of forms/ (fields.json and bundles/); department folders travel with
# their plugins (onewindow_add_plugin copies them).
file(MAKE_DIRECTORY "${DEST}")
if(EXISTS "${SOURCE}/fields.json")
    file(COPY "${SOURCE}/fields.json" DESTINATION "${DEST}")
endif()
if(IS_DIRECTORY "${SOURCE}/bundles")
    file(COPY "${SOURCE}/bundles" DESTINATION "${DEST}")
endif()
