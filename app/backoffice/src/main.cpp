// onewindow-backoffice: runs the reference department back office until SIGINT or SIGTERM.
//
//   onewindow-backoffice --config backoffice.json
//   onewindow-backoffice hash-password      reads a password line on stdin, prints the
//                                           "password_hash" of a "staff_users" entry
//
// Prints one line "LISTENING <address>:<port>" on stdout once it accepts requests (scripts and
// tests read the port from it when the configuration asks for port 0), and "STOPPED" on a clean
// stop. Exit codes: 0 stopped by a signal; 2 bad configuration or address; 3 storage failure;
// 64 usage error.
#include <sys/stat.h>

#include <csignal>
#include <iostream>
#include <string>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/version.hpp"

namespace {

const char* const kUsage =
    "Usage: onewindow-backoffice --config FILE\n"
    "       onewindow-backoffice hash-password\n"
    "       onewindow-backoffice --version | --help\n"
    "  --config FILE    serve the exchange protocol v1 as FILE (backoffice.json) says, until\n"
    "                   SIGINT or SIGTERM; prints LISTENING <address>:<port> once it accepts\n"
    "                   requests and STOPPED on a clean stop\n"
    "  hash-password    read a password line on stdin, print the \"password_hash\" of a\n"
    "                   \"staff_users\" entry\n"
    "Exit codes: 0 stopped by a signal; 2 bad configuration or address; 3 storage failure;\n"
    "64 usage error.\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << onewindow::version_line("onewindow-backoffice") << std::endl;
        return 0;
    }
    if (argc == 2 && std::string(argv[1]) == "--help") {
        std::cout << kUsage;
        return 0;
    }
    if (argc == 2 && std::string(argv[1]) == "hash-password") {
        std::string password;
        if (!std::getline(std::cin, password) || password.size() < 8) {
            std::cerr << "give a password of at least 8 characters on stdin\n";
            return 64;
        }
        std::cout << onewindow::backoffice::hash_staff_password(password) << std::endl;
        return 0;
    }
    if (argc != 3 || std::string(argv[1]) != "--config") {
        std::cerr << kUsage;
        return 64;
    }
    // The database, its WAL and the received scans are the applicants' personal data: readable
    // by the service's user only, however it is started (the systemd unit sets UMask=0077 too;
    // an administrator starting it by hand or from cron does not).
    ::umask(0077);
    // Block the stop signals before the server threads start, so that they inherit the mask and
    // only sigwait() below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    try {
        onewindow::backoffice::Server server(onewindow::backoffice::load_config(argv[2]));
        server.start();
        std::cout << "LISTENING " << server.config().address << ':' << server.port() << std::endl;
        int received = 0;
        sigwait(&stop_signals, &received);
        server.stop();
        std::cout << "STOPPED" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << '\n';
        const auto* error = dynamic_cast<const onewindow::Error*>(&e);
        return error ? error->exit_code() : 1;
    }
}
