# OneWindowSDK package: find_package(OneWindowSDK) + onewindow_add_plugin().
#
# Works from the source tree (sdk/cmake) and from an installed prefix (lib/cmake/OneWindowSDK).
# Provides:
#   OneWindow::sdk_headers      INTERFACE target: the SDK headers + Poco JSON, C++20
#   onewindow_add_plugin(<target>
#       MANIFEST <plugin.json>            the manifest without the library hash
#       SOURCES <files...>
#       [FORMS <files or folders...>]     copied into <plugin dir>/forms
#       [TEMPLATES <files or folders...>] copied into <plugin dir>/templates
#       [OUTPUT_DIR <dir>])               default: ${ONEWINDOW_PLUGIN_STAGE_DIR}/<id> when that
#                                         variable is set (a host tree staging its plugins),
#                                         else ${CMAKE_BINARY_DIR}/<id>
#   Builds the plugin as a MODULE library (hidden visibility, -Wl,--no-undefined) and assembles
#   the installable plugin folder: the library, plugin.json stamped with the library's file name
#   and SHA-256, forms/ and templates/.
include(CMakeFindDependencyMacro)
find_dependency(Poco COMPONENTS Foundation JSON)

set(_onewindow_sdk_cmake_dir "${CMAKE_CURRENT_LIST_DIR}")
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../include/onewindow/sdk/abi.h")
    get_filename_component(_onewindow_sdk_include "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
else()
    get_filename_component(_onewindow_sdk_include "${CMAKE_CURRENT_LIST_DIR}/../../../include"
                           ABSOLUTE)
endif()

if(NOT TARGET OneWindow::sdk_headers)
    add_library(OneWindow::sdk_headers INTERFACE IMPORTED)
    set_target_properties(OneWindow::sdk_headers PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${_onewindow_sdk_include}"
        INTERFACE_LINK_LIBRARIES "Poco::JSON;Poco::Foundation"
        INTERFACE_COMPILE_FEATURES cxx_std_20)
endif()

function(onewindow_add_plugin target)
    cmake_parse_arguments(ARG "" "MANIFEST;OUTPUT_DIR" "SOURCES;FORMS;TEMPLATES" ${ARGN})
    if(NOT ARG_MANIFEST OR NOT ARG_SOURCES)
        message(FATAL_ERROR "onewindow_add_plugin(${target}): MANIFEST and SOURCES are required")
    endif()
    get_filename_component(manifest "${ARG_MANIFEST}" ABSOLUTE)
    file(READ "${manifest}" manifest_text)
    string(JSON plugin_id ERROR_VARIABLE json_error GET "${manifest_text}" id)
    if(json_error)
        message(FATAL_ERROR "${manifest}: $.id: ${json_error}")
    endif()
    if(NOT ARG_OUTPUT_DIR AND ONEWINDOW_PLUGIN_STAGE_DIR)
        set(ARG_OUTPUT_DIR "${ONEWINDOW_PLUGIN_STAGE_DIR}/${plugin_id}")
    elseif(NOT ARG_OUTPUT_DIR)
        set(ARG_OUTPUT_DIR "${CMAKE_BINARY_DIR}/${plugin_id}")
    endif()

    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE OneWindow::sdk_headers)
    # Plugins ship stripped (the dynamic symbol table stays): smaller, and faster to hash at
    # every start. Set ONEWINDOW_PLUGIN_KEEP_DEBUG=ON to debug a plugin.
    target_link_options(${target} PRIVATE -Wl,--no-undefined)
    if(NOT ONEWINDOW_PLUGIN_KEEP_DEBUG)
        target_link_options(${target} PRIVATE -Wl,--strip-all)
    endif()
    set_target_properties(${target} PROPERTIES
        PREFIX ""
        OUTPUT_NAME "${plugin_id}"
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIR}")

    set(copy_commands)
    foreach(kind FORMS TEMPLATES)
        string(TOLOWER ${kind} sub)
        foreach(item IN LISTS ARG_${kind})
            get_filename_component(item "${item}" ABSOLUTE)
            if(IS_DIRECTORY "${item}")
                list(APPEND copy_commands COMMAND ${CMAKE_COMMAND} -E copy_directory
                     "${item}" "${ARG_OUTPUT_DIR}/${sub}")
            else()
                list(APPEND copy_commands COMMAND ${CMAKE_COMMAND} -E make_directory
                     "${ARG_OUTPUT_DIR}/${sub}" COMMAND ${CMAKE_COMMAND} -E copy
                     "${item}" "${ARG_OUTPUT_DIR}/${sub}/")
            endif()
        endforeach()
    endforeach()
    add_custom_command(TARGET ${target} POST_BUILD
        ${copy_commands}
        COMMAND ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DLIBRARY=$<TARGET_FILE:${target}>
                -DOUTPUT=${ARG_OUTPUT_DIR}/plugin.json
                -P "${_onewindow_sdk_cmake_dir}/OneWindowStampManifest.cmake"
        VERBATIM)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${manifest}")
endfunction()
