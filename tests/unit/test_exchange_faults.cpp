// Faults between a counter and a back office, each bounded in time and stopping by itself: the
// real onewindow-backoffice executable down, or killed with SIGKILL mid-dispatch and restarted;
// the real onewindow-cli killed with SIGKILL mid-dispatch and restarted; answers lost after the
// back office committed; a back office answering 500 or too slowly. Every item must arrive exactly
// once (rows counted in the back office's SQLite file), and failures must back off instead of
// looping hot.
//
// Lost answers after the back office committed: a proxy in front of the real executable drops
// the first answer of each item (test_dispatcher.cpp covers the same after a crash of the
// counter between sending and recording).
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "child_process.hpp"
#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "real_backoffice.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kAcceptedAt = "2026-09-29 10:00:00";
using testing::free_port;
using testing::kSecret;
using testing::RealOffice;

/// One number from a SQLite file, read through a connection of our own (0 when unreadable).
long long number(const fs::path& db, const std::string& sql) {
    try {
        SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
        d.setBusyTimeout(2000);
        return d.execAndGet(sql).getInt64();
    } catch (const SQLite::Exception&) {
        return 0;
    }
}

/// Cases in the back office's file, and how many different items they are.
std::pair<long long, long long> office_rows(const fs::path& db) {
    return {number(db, "SELECT count(*) FROM cases"),
            number(db, "SELECT count(DISTINCT case_number || '/' || item) FROM cases")};
}

long long outbox_in(const fs::path& counter_db, const std::string& state) {
    return number(counter_db, "SELECT count(*) FROM outbox WHERE state = '" + state + "'");
}

/// Waits until `done` or `limit` has passed; whether it is done.
bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

CaseStore open_store(const fs::path& dir) {
    return CaseStore::open(
        dir / "counter.db", dir / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
}

/// `count` cases of one county_health item each, accepted at `now` (local time when not given).
void accept_cases(CaseStore& store, int count, const std::optional<std::string>& now) {
    for (int i = 0; i < count; ++i) {
        AcceptRequest request = testing::sample_accept_request(now);
        request.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        store.cases().accept(request);
    }
}

ExchangeConfig exchange_to(unsigned short port, int timeout_seconds = 5) {
    ExchangeConfig config;
    config.client = "WX01";
    config.timeout_seconds = timeout_seconds;
    config.endpoints["county_health"] = {"http://127.0.0.1:" + std::to_string(port), kSecret, ""};
    return config;
}

/// Stops the back office cleanly and checks that each of the `items` accepted arrived once and
/// is recorded as sent.
void stop_and_check_each_once(RealOffice& office, const fs::path& counter_db, long long items) {
    CHECK(WEXITSTATUS(office.stop()) == 0);
    CHECK(office_rows(office.db) == std::pair<long long, long long>{items, items});
    CHECK(outbox_in(counter_db, "sent") == items);
}

/// A counter's store in a temporary folder, and a real back office (not started) beside it.
struct CounterAndOffice {
    testing::TempDir dir{"onewindow-fault"};
    CaseStore store = open_store(dir.path);
    RealOffice office{dir.path};
    fs::path counter_db = dir.path / "counter.db";
};

/// A back office that answers every request with 500, or only after `delay` (longer than the
/// counter waits); counts the cases sent (POST) and the pulls of decisions (GET) apart.
/// With `forward_port`, a proxy in front of the back office there instead: every request is
/// passed on, but the answer to the first POST of each Idempotency-Key is lost after the back
/// office committed it (held `delay`, then a 500 the counter no longer waits for).
class FaultyOffice {
  public:
    explicit FaultyOffice(std::chrono::milliseconds delay, unsigned short forward_port = 0)
        : delay_(delay),
          forward_port_(forward_port),
          socket_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          server_(new Factory(*this), socket_, new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~FaultyOffice() {
        server_.stopAll(true);
        // stopAll() does not wait for a connection being answered: a thread of Poco's pool
        // still sending would outlive the test (ASan: a use after free at exit).
        for (int i = 0; i < 5000 && server_.currentThreads() > 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    unsigned short port() const { return socket_.address().port(); }
    int posts() const { return posts_; }
    int pulls() const { return pulls_; }

  private:
    /// Passes the request on; the back office's status and body.
    std::pair<int, std::string> forward(Poco::Net::HTTPServerRequest& request) const {
        std::string body(std::istreambuf_iterator<char>(request.stream()), {});
        Poco::Net::HTTPClientSession session("127.0.0.1", forward_port_);
        Poco::Net::HTTPRequest out(request.getMethod(), request.getURI(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : request)
            if (name.rfind("X-OneWindow-", 0) == 0 || name == "Idempotency-Key" ||
                name == "Content-Type")
                out.set(name, value);
        out.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(out) << body;
        Poco::Net::HTTPResponse answer;
        std::istream& in = session.receiveResponse(answer);
        return {static_cast<int>(answer.getStatus()),
                std::string(std::istreambuf_iterator<char>(in), {})};
    }
    /// True the first time `key` is seen.
    bool first_time(const std::string& key) {
        std::lock_guard lock(mutex_);
        return seen_.insert(key).second;
    }

    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(FaultyOffice& office) : office(office) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            const bool post = request.getMethod() == "POST";
            ++(post ? office.posts_ : office.pulls_);
            std::pair<int, std::string> answer{500, ""};
            bool lose = true;
            if (office.forward_port_) {
                const std::string key = request.get("Idempotency-Key", "");
                answer = office.forward(request);
                lose = post && office.first_time(key);
            } else {
                request.stream().ignore(std::numeric_limits<std::streamsize>::max());
            }
            if (lose) {
                std::this_thread::sleep_for(office.delay_);
                answer = {500, ""};
            }
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.first));
            response.setContentType("application/json");
            response.setContentLength(static_cast<std::streamsize>(answer.second.size()));
            response.send() << answer.second;
        }
        FaultyOffice& office;
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        explicit Factory(FaultyOffice& office) : office(office) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(office);
        }
        FaultyOffice& office;
    };

    std::chrono::milliseconds delay_;
    unsigned short forward_port_;
    std::atomic<int> posts_{0}, pulls_{0};
    std::mutex mutex_;  // guards seen_
    std::set<std::string> seen_;
    Poco::Net::ServerSocket socket_;
    Poco::Net::HTTPServer server_;
};

}  // namespace

TEST_CASE(
    "Faults: the back office is down while 50 cases are accepted, then starts, and each "
    "arrives once",
    "[faults][dispatcher]") {
    CounterAndOffice setup;
    auto& [dir, store, office, counter_db] = setup;
    const ExchangeConfig config = exchange_to(office.port);
    accept_cases(store, 50, kAcceptedAt);
    auto report = dispatch_once(store, config, {}, kAcceptedAt);
    CHECK(report.sent == 0);
    CHECK(report.retry == 50);

    office.start();
    const std::string later = add_seconds(kAcceptedAt, 3600);  // every backoff has passed
    report = dispatch_once(store, config, {}, later);
    CHECK(report.sent == 50);
    CHECK(dispatch_once(store, config, {}, add_seconds(later, 3600)).results.empty());
    stop_and_check_each_once(office, counter_db, 50);
}

TEST_CASE(
    "Faults: the back office killed with SIGKILL mid-dispatch of 100 items and restarted "
    "gets each once",
    "[faults][dispatcher]") {
    CounterAndOffice setup;
    auto& [dir, store, office, counter_db] = setup;
    office.start();
    accept_cases(store, 100, std::nullopt);
    Dispatcher dispatcher([&] { return open_store(dir.path); }, exchange_to(office.port, 2),
                          RetryPolicy{1, 2, 0.2}, std::chrono::milliseconds(50));
    dispatcher.start();
    dispatcher.wake();
    REQUIRE(wait_for([&] { return office_rows(office.db).first >= 10; }, std::chrono::seconds(20)));
    office.stop(SIGKILL);
    const long long before_kill = office_rows(office.db).first;
    INFO("cases stored when the back office was killed: " << before_kill);
    office.start();
    CHECK(
        wait_for([&] { return outbox_in(counter_db, "pending") == 0; }, std::chrono::seconds(30)));
    dispatcher.stop();
    stop_and_check_each_once(office, counter_db, 100);
}

TEST_CASE(
    "Faults: onewindow-cli killed with SIGKILL mid-dispatch and started again loses and "
    "repeats nothing",
    "[faults][dispatcher][e2e]") {
    testing::TempDir dir{"onewindow-fault-counter-kill"};
    testing::TempDir office_dir{"onewindow-fault-counter-kill-office"};
    RealOffice office(office_dir.path);
    office.start();
    {
        auto store = open_store(dir.path);
        accept_cases(store, 100, std::nullopt);
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(office.port);
    std::ofstream(dir.path / "exchange.json")
        << R"({"client": "WX01", "endpoints": {"county_health": {"url": ")" << url
        << R"(", "secret": ")" << kSecret << R"("}}})";
    const std::vector<std::string> cli{std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-cli",
                                       "--data",
                                       dir.path.string(),
                                       "dispatch",
                                       "--every",
                                       "1"};
    {
        testing::ChildProcess counter(cli);
        REQUIRE(counter.started());
        REQUIRE(
            wait_for([&] { return office_rows(office.db).first >= 10; }, std::chrono::seconds(20)));
        counter.signal(SIGKILL);
        counter.wait();
    }
    INFO("cases stored when the counter was killed: " << office_rows(office.db).first);
    const fs::path counter_db = dir.path / "counter.db";
    testing::ChildProcess counter(cli);
    CHECK(wait_for(
        [&] {
            return outbox_in(counter_db, "pending") == 0 && office_rows(office.db).first == 100;
        },
        std::chrono::seconds(30)));
    counter.signal(SIGTERM);
    const int status = counter.wait();
    CHECK(WIFEXITED(status));
    stop_and_check_each_once(office, counter_db, 100);
}

TEST_CASE("Faults: 500s and slow replies are retried with backoff, a bounded number of times",
          "[faults][dispatcher]") {
    // Each item is tried at once, then after about 1 s, then every 2 s (the cap): within the
    // window a few attempts per item, never a loop as fast as the dispatcher wakes (every 20 ms).
    // Decisions are pulled once per pass, whatever the answer: bounded by the pass interval.
    auto run = [](std::chrono::milliseconds delay, int items, std::chrono::seconds window) {
        testing::TempDir dir{"onewindow-fault-500"};
        FaultyOffice office(delay);
        {
            auto store = open_store(dir.path);
            accept_cases(store, items, std::nullopt);
        }
        Dispatcher dispatcher([&] { return open_store(dir.path); }, exchange_to(office.port(), 1),
                              RetryPolicy{1, 2, 0.0}, std::chrono::milliseconds(20));
        dispatcher.start();
        dispatcher.wake();
        std::this_thread::sleep_for(window);
        dispatcher.stop();
        const fs::path counter_db = dir.path / "counter.db";
        CHECK(outbox_in(counter_db, "pending") == items);
        CHECK(number(counter_db, "SELECT sum(attempts) FROM outbox") ==
              static_cast<long long>(office.posts()));
        CHECK(office.pulls() <= dispatcher.passes() + 1);
        return office.posts();
    };
    SECTION("500 Internal Server Error") {
        const int requests = run(std::chrono::milliseconds(0), 5, std::chrono::seconds(4));
        CHECK(requests >= 5 * 2);  // retried
        CHECK(requests <= 5 * 5);  // but not in a hot loop
    }
    SECTION("Replies slower than the counter waits") {
        const int requests = run(std::chrono::milliseconds(1500), 2, std::chrono::seconds(4));
        CHECK(requests >= 2);
        CHECK(requests <= 2 * 3);
    }
}

TEST_CASE(
    "Faults: answers lost after the back office committed are retried and each item is "
    "stored once",
    "[faults][dispatcher]") {
    CounterAndOffice setup;
    auto& [dir, store, office, counter_db] = setup;
    office.start();
    FaultyOffice proxy(std::chrono::milliseconds(1500), office.port);
    accept_cases(store, 5, std::nullopt);
    Dispatcher dispatcher([&] { return open_store(dir.path); }, exchange_to(proxy.port(), 1),
                          RetryPolicy{1, 2, 0.0}, std::chrono::milliseconds(50));
    dispatcher.start();
    dispatcher.wake();
    CHECK(
        wait_for([&] { return outbox_in(counter_db, "pending") == 0; }, std::chrono::seconds(40)));
    dispatcher.stop();
    CHECK(proxy.posts() >= 2 * 5);  // each item's first answer was lost
    CHECK(number(office.db, "SELECT count(*) FROM cases WHERE response_status = 201") == 5);
    stop_and_check_each_once(office, counter_db, 5);
}
