// The commands of onewindow-cli (see main.cpp for the output and exit-code contract).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace onewindow {

/// Runs one command line (without the program name); returns the exit code.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// `demo`: prepares the demo data folder and walks through a day at the window; `store`: the
/// case store when not the folder's own (--store).
int run_demo(const std::string& data_dir, const std::optional<std::string>& store,
             std::ostream& out, std::ostream& err);

}  // namespace onewindow
