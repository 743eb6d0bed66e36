// A real CUPS scheduler for tests: a private cupsd (its own ServerRoot, spool, logs and socket
// in a temporary folder, no systemd) with one cups-pdf printer named "PDF". While it lives,
// CUPS_SERVER points the CUPS clients at it. cups-pdf writes what it prints to ~/PDF of the
// submitting user, named after the job title.
#pragma once

#include <Poco/Process.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace onewindow::testing {

class CupsServer {
  public:
    explicit CupsServer(bool with_printer = true) {
        namespace fs = std::filesystem;
        const fs::path root = dir_.path;
        for (const char* sub : {"spool/tmp", "log", "cache", "state", "ppd"})
            fs::create_directories(root / sub);
        socket_ = (root / "cups.sock").string();
        std::ofstream(root / "cupsd.conf") << "Listen " << socket_
                                           << "\nLogLevel warn\nWebInterface No\nBrowsing No\n"
                                              "<Location />\n  Order allow,deny\n  Allow all\n"
                                              "</Location>\n";
        std::ofstream(root / "cups-files.conf")
            << "ServerRoot " << root.string() << "\nRequestRoot " << (root / "spool").string()
            << "\nTempDir " << (root / "spool/tmp").string() << "\nCacheDir "
            << (root / "cache").string() << "\nStateDir " << (root / "state").string()
            << "\nErrorLog " << (root / "log/error_log").string() << "\nAccessLog "
            << (root / "log/access_log").string() << "\nPageLog "
            << (root / "log/page_log").string()
            << "\nServerBin /usr/lib/cups\nDataDir /usr/share/cups\n";
        process_ =
            Poco::Process::launch("/usr/sbin/cupsd", {"-f", "-c", (root / "cupsd.conf").string(),
                                                      "-s", (root / "cups-files.conf").string()});
        for (int i = 0; i < 100 && !fs::exists(socket_); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!fs::exists(socket_)) throw std::runtime_error("cupsd did not start");
        previous_ = std::getenv("CUPS_SERVER")
                        ? std::optional<std::string>(std::getenv("CUPS_SERVER"))
                        : std::nullopt;
        ::setenv("CUPS_SERVER", socket_.c_str(), 1);
        if (with_printer)
            run({"lpadmin", "-p", "PDF", "-E", "-v", "cups-pdf:/", "-P",
                 "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"});
    }
    ~CupsServer() {
        if (previous_)
            ::setenv("CUPS_SERVER", previous_->c_str(), 1);
        else
            ::unsetenv("CUPS_SERVER");
        if (process_) {
            Poco::Process::kill(*process_);
            process_->wait();
        }
    }
    CupsServer(const CupsServer&) = delete;
    CupsServer& operator=(const CupsServer&) = delete;

    const std::string& socket() const { return socket_; }

    /// Runs a CUPS administration client against this scheduler; throws when it fails.
    static void run(const std::vector<std::string>& command) {
        std::string line;
        for (const auto& word : command) line += "'" + word + "' ";
        if (std::system((line + ">/dev/null 2>&1").c_str()) != 0)
            throw std::runtime_error("failed: " + line);
    }

    /// Where cups-pdf puts what this process prints: ~/PDF of the current user.
    static std::filesystem::path output_dir() {
        const passwd* user = ::getpwuid(::getuid());
        return std::filesystem::path(user ? user->pw_dir : "/tmp") / "PDF";
    }

    /// Waits (up to 20 s) for cups-pdf to write the file of the job titled `title`.
    static std::optional<std::filesystem::path> wait_for_output(const std::string& title) {
        namespace fs = std::filesystem;
        for (int i = 0; i < 400; ++i) {
            std::error_code error;
            for (fs::directory_iterator it(output_dir(), error), end; !error && it != end;
                 it.increment(error))
                if (it->path().filename().string().rfind(title, 0) == 0 &&
                    it->path().extension() == ".pdf" && complete_pdf(it->path()))
                    return it->path();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return std::nullopt;
    }

    /// Removes earlier output of the job titled `title`, so a test finds its own.
    static void forget_output(const std::string& title) {
        namespace fs = std::filesystem;
        std::error_code error;
        for (fs::directory_iterator it(output_dir(), error), end; !error && it != end;
             it.increment(error))
            if (it->path().filename().string().rfind(title, 0) == 0) fs::remove(it->path());
    }

  private:
    // cups-pdf writes the file while the job runs: it is complete when it ends with %%EOF.
    static bool complete_pdf(const std::filesystem::path& file) {
        std::ifstream in(file, std::ios::binary);
        in.seekg(0, std::ios::end);
        const auto size = static_cast<long long>(in.tellg());
        if (size < 16) return false;
        in.seekg(std::max(0LL, size - 64));
        std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return tail.find("%%EOF") != std::string::npos;
    }
    TempDir dir_{"onewindow-cups"};
    std::string socket_;
    std::optional<Poco::ProcessHandle> process_;
    std::optional<std::string> previous_;
};

}  // namespace onewindow::testing
