// The real onewindow-backoffice executable (from the stage) on 127.0.0.1, for tests that need a
// back office in a process of its own: a configuration file in a folder of the test, a free
// port, counter WX01 with kSecret, and the departments it serves (县卫生健康局 by default).
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "child_process.hpp"

namespace onewindow::testing {

inline const std::string kSecret = "counter-WX01-shared-secret";

/// A loopback port nobody listens on now.
inline unsigned short free_port() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

/// The real onewindow-backoffice with a configuration file in `dir` listening on `port`.
struct RealOffice {
    using Departments = std::vector<std::pair<std::string, std::string>>;  // code, name
    unsigned short port;
    std::filesystem::path config, db;
    std::unique_ptr<ChildProcess> child;

    explicit RealOffice(const std::filesystem::path& dir,
                        const Departments& departments = {{"county_health", "县卫生健康局"}})
        : port(free_port()), config(dir / "backoffice.json"), db(dir / "office.db") {
        std::string list;
        for (const auto& [code, name] : departments)
            list += (list.empty() ? "" : ", ") + std::string(R"({"code": ")") + code +
                    R"(", "name": ")" + name + "\"}";
        std::ofstream(config) << R"({"listen": {"address": "127.0.0.1", "port": )" << port
                              << R"(}, "database": "office.db", "departments": [)" << list
                              << R"(], "counters": [{"id": "WX01", "secret": ")" << kSecret
                              << "\"}]}";
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port); }
    void start() {
        child = std::make_unique<ChildProcess>(
            std::vector<std::string>{std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-backoffice",
                                     "--config", config.string()});
        const std::string line = child->read_line().value_or("");
        INFO(line);
        REQUIRE(line.rfind("LISTENING 127.0.0.1:", 0) == 0);
    }
    /// Stops it (SIGTERM: clean; SIGKILL: in the middle of whatever it does); its wait status.
    int stop(int signal = SIGTERM) {
        child->signal(signal);
        return child->wait();
    }
};

}  // namespace onewindow::testing
