# OneWindowSDK package: find_package(OneWindowSDK) + onewindow_add_plugin().
#
# Works from the source tree (sdk/cmake), from the build's stage folder
# (share/onewindow/sdk/cmake) and from an installed prefix (share/cmake/OneWindowSDK, with the
# exported target of OneWindowSDKTargets.cmake; the package onewindow-sdk-dev).
# Provides:
#   OneWindow::sdk_headers      INTERFACE target: the SDK headers + Poco JSON, C++20
#   onewindow_add_plugin(<target>
#       MANIFEST <plugin.json>            the manifest without the library hash; the plugin
#                                         folder is the manifest's folder
#       SOURCES <files...>
#       [FORMS <files or folders...>]     more item forms, copied into <plugin dir>/forms
#       [TEMPLATES <files or folders...>] more templates, copied into <plugin dir>/templates
#       [OUTPUT_DIR <dir>])               default: ${ONEWINDOW_PLUGIN_STAGE_DIR}/<id> when that
#                                         variable is set (a host tree staging its plugins),
#                                         else ${CMAKE_BINARY_DIR}/<id>
#   Builds the plugin as a MODULE library (hidden visibility, -Wl,--no-undefined) and assembles
#   the installable plugin folder: the library, plugin.json stamped with the library's file name
#   and SHA-256, and the plugin's data in the folder's own layout: the dictionary fragment the
#   manifest names ("dictionary"), and the folders forms/ and templates/ beside the manifest.
#   The data is copied again whenever a file of it changes.
#   onewindow_add_plugin_test(<name> PLUGIN <plugin target> SOURCES <files...>)
#   A test executable against the SDK alone (onewindow/sdk/testing.hpp), registered with CTest
#   (call enable_testing() first), given the plugin folder as its first argument.
include(CMakeFindDependencyMacro)
find_dependency(Poco COMPONENTS Foundation JSON)

set(_onewindow_sdk_cmake_dir "${CMAKE_CURRENT_LIST_DIR}")
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/OneWindowSDKTargets.cmake")
    # Installed by the package onewindow-sdk-dev: the exported target (install(EXPORT)).
    include("${CMAKE_CURRENT_LIST_DIR}/OneWindowSDKTargets.cmake")
elseif(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../include/onewindow/sdk/abi.h")
    get_filename_component(_onewindow_sdk_include "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
else()
    get_filename_component(_onewindow_sdk_include "${CMAKE_CURRENT_LIST_DIR}/../../../include"
                           ABSOLUTE)
endif()

if(NOT TARGET OneWindow::sdk_headers AND DEFINED _onewindow_sdk_include)
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

    # The plugin's data, in the layout of its folder: copied by a rule of its own, so that an
    # edited form reaches the plugin folder without relinking the library.
    get_filename_component(plugin_dir "${manifest}" DIRECTORY)
    string(JSON dictionary ERROR_VARIABLE no_dictionary GET "${manifest_text}" dictionary)
    if(no_dictionary)
        set(dictionary "")
    endif()
    set(data_inputs "${manifest}")
    if(dictionary)
        list(APPEND data_inputs "${plugin_dir}/${dictionary}")
    endif()
    set(extra_forms)
    set(extra_templates)
    foreach(kind FORMS TEMPLATES)
        string(TOLOWER ${kind} sub)
        if(IS_DIRECTORY "${plugin_dir}/${sub}")
            file(GLOB_RECURSE found CONFIGURE_DEPENDS "${plugin_dir}/${sub}/*")
            list(APPEND data_inputs ${found})
        endif()
        foreach(item IN LISTS ARG_${kind})
            get_filename_component(item "${item}" ABSOLUTE)
            list(APPEND extra_${sub} "${item}")
            if(IS_DIRECTORY "${item}")
                file(GLOB_RECURSE found CONFIGURE_DEPENDS "${item}/*")
                list(APPEND data_inputs ${found})
            else()
                list(APPEND data_inputs "${item}")
            endif()
        endforeach()
    endforeach()
    set(data_config "${CMAKE_CURRENT_BINARY_DIR}/${target}_data.cmake")
    file(CONFIGURE OUTPUT "${data_config}" CONTENT [=[
set(PLUGIN_DIR "@plugin_dir@")
set(OUTPUT_DIR "@ARG_OUTPUT_DIR@")
set(DICTIONARY "@dictionary@")
set(EXTRA_FORMS "@extra_forms@")
set(EXTRA_TEMPLATES "@extra_templates@")
]=] @ONLY)
    set(data_stamp "${CMAKE_CURRENT_BINARY_DIR}/${target}_data.stamp")
    add_custom_command(OUTPUT "${data_stamp}"
        COMMAND ${CMAKE_COMMAND} -DCONFIG=${data_config}
                -P "${_onewindow_sdk_cmake_dir}/OneWindowStageData.cmake"
        COMMAND ${CMAKE_COMMAND} -E touch "${data_stamp}"
        DEPENDS ${data_inputs} "${data_config}" "${_onewindow_sdk_cmake_dir}/OneWindowStageData.cmake"
        COMMENT "Staging the data of plugin ${plugin_id}" VERBATIM)
    add_custom_target(${target}_data ALL DEPENDS "${data_stamp}")
    add_dependencies(${target} ${target}_data)

    add_custom_command(TARGET ${target} POST_BUILD
        COMMAND ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DLIBRARY=$<TARGET_FILE:${target}>
                -DOUTPUT=${ARG_OUTPUT_DIR}/plugin.json
                -P "${_onewindow_sdk_cmake_dir}/OneWindowStampManifest.cmake"
        VERBATIM)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${manifest}")
    set_property(TARGET ${target} PROPERTY ONEWINDOW_PLUGIN_DIR "${ARG_OUTPUT_DIR}")
endfunction()

function(onewindow_add_plugin_test name)
    cmake_parse_arguments(ARG "" "PLUGIN" "SOURCES" ${ARGN})
    if(NOT ARG_PLUGIN OR NOT ARG_SOURCES)
        message(FATAL_ERROR "onewindow_add_plugin_test(${name}): PLUGIN and SOURCES are required")
    endif()
    get_target_property(plugin_dir ${ARG_PLUGIN} ONEWINDOW_PLUGIN_DIR)
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE OneWindow::sdk_headers ${CMAKE_DL_LIBS})
    add_dependencies(${name} ${ARG_PLUGIN})
    add_test(NAME ${name} COMMAND ${name} "${plugin_dir}")
endfunction()
