// onewindow-cli: the counter's operations without a window, for scripts, administrators and tests.
//
// Output contract (scripts rely on it): the first line of stdout of `intake` is one of
//   ACCEPTED <case-number> | NOTICE <notice-number> | INVALID    (`refuse`: REFUSED <number>)
// followed by human-readable lines in Chinese. Exit codes: 0 success; 2 bad input (file, field,
// argument); 3 storage failure; 4 plugin failure; 5 document failure; 6 not found; 7 integrity
// check failed; 10 intake ended in a one-time notice (materials missing); 64 usage error.
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/private_files.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    onewindow::keep_new_files_private();  // before any file of the counter is written
    try {
        onewindow::load_default_catalog(onewindow::locale_dir());
        return onewindow::run_cli(args, std::cout, std::cerr);
    } catch (const onewindow::Error& e) {
        std::cerr << e.what() << '\n';
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << e.what() << '\n';
        return 1;
    }
}
