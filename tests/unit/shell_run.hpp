// Running a command line (the staged onewindow-cli, poppler's tools) through the shell in tests.
#pragma once

#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>

namespace onewindow::testing {

struct Run {
    int code;
    std::string out;  // stdout and stderr together
};

/// Runs `command` through the shell; its output and exit code.
inline Run run(const std::string& command) {
    std::string output;
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    REQUIRE(pipe);
    std::array<char, 4096> buffer;
    while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    const int status = pclose(pipe);
    return Run{WEXITSTATUS(status), output};
}

/// A path quoted for the shell.
inline std::string quote(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

}  // namespace onewindow::testing
