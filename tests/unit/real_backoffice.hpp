// The real onewindow-backoffice executable (from the stage) on 127.0.0.1, for tests that need a
// back office in a process of its own: a configuration file in a folder of the test, a free
// port, counter WX01 with kSecret, the departments it serves (县卫生健康局 by default), and
// their staff "office-staff" (kStaffSecret), who decide with decide().
#pragma once

#include <Poco/Net/ServerSocket.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "child_process.hpp"
#include "http_test_client.hpp"

namespace onewindow::testing {

inline const std::string kSecret = "counter-WX01-shared-secret";
inline const std::string kStaffSecret = "office-staff-shared-secret";

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
        std::string list, codes;
        for (const auto& [code, name] : departments) {
            list += (list.empty() ? "" : ", ") + std::string(R"({"code": ")") + code +
                    R"(", "name": ")" + name + "\"}";
            codes += (codes.empty() ? "\"" : ", \"") + code + "\"";
        }
        std::ofstream(config) << R"({"listen": {"address": "127.0.0.1", "port": )" << port
                              << R"(}, "database": "office.db", "departments": [)" << list
                              << R"(], "counters": [{"id": "WX01", "secret": ")" << kSecret
                              << R"("}], "staff": [{"id": "office-staff", "secret": ")"
                              << kStaffSecret << R"(", "departments": [)" << codes << "]}]}";
    }
    /// A decision of the staff (POST /v1/decisions, backoffice.hpp); the HTTP status.
    int decide(const std::string& body) const {
        const auto headers =
            exchange::sign_request("POST", "/v1/decisions", body, "", "office-staff", kStaffSecret,
                                   std::time(nullptr), exchange::new_nonce());
        return send_raw(port, "POST", "/v1/decisions", body, headers).status;
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
