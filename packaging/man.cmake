# A man page of a program, generated from its own --help text (what help2man does, without the
# dependency): cmake -DPROGRAM=<executable> -DNAME=<name> -DVERSION=<x.y.z> -DOUTPUT=<page.1.gz>
# -P man.cmake. The help is read in English (the source text: ONEWINDOW_LANG=en, the C
# locale) and set as it prints; the NAME line's summary is each program's, below.
foreach(var PROGRAM NAME VERSION OUTPUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "man.cmake: -D${var}=... is required")
    endif()
endforeach()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LANG=C LC_ALL=C ONEWINDOW_LANG=en ${PROGRAM} --help
                OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR help STREQUAL "")
    message(FATAL_ERROR "${PROGRAM} --help failed (${rc})")
endif()
set(summaries
    "onewindow:the desktop shell of the comprehensive service window (一窗通)"
    "onewindow-cli:the comprehensive service window's operations on the command line"
    "onewindow-backoffice:the reference department back office of OneWindow")
set(summary "OneWindow program")
foreach(entry IN LISTS summaries)
    string(REPLACE ":" ";" entry "${entry}")
    list(GET entry 0 key)
    if(key STREQUAL NAME)
        list(GET entry 1 summary)
    endif()
endforeach()
# roff: a backslash is \e, a line starting with . or ' must be escaped.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
string(REPLACE "-" "\\-" help "${help}")
set(page ".TH ${NAME} 1 \"\" \"OneWindow ${VERSION}\" \"User Commands\"
.SH NAME
${NAME} \\- ${summary}
.SH SYNOPSIS AND OPTIONS
.nf
${help}.fi
.SH VERSION
${NAME} ${VERSION}; \\fB${NAME} \\-\\-version\\fR prints it with the plugin ABI.
.SH SEE ALSO
onewindow(1), onewindow-cli(1), onewindow-backoffice(1)
")
get_filename_component(dir "${OUTPUT}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
string(REGEX REPLACE "\\.gz$" "" plain "${OUTPUT}")
file(WRITE "${plain}" "${page}")
execute_process(COMMAND gzip -9nf "${plain}" COMMAND_ERROR_IS_FATAL ANY)
