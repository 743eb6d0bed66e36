// The counter's dispatcher against the real back office on 127.0.0.1: each outbox row on its
// own, backoff with jitter, permanent refusals, idempotent re-sends, the background thread and
// `onewindow-cli dispatch --once`.
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <regex>
#include <thread>
#include <utility>

#include "http_test_client.hpp"
#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const std::string kAcceptedAt = "2026-09-29 10:00:00";

long long count(const fs::path& db, const std::string& sql) {
    SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
    return d.execAndGet(sql).getInt64();
}

/// A back office serving county_health and civil_affairs (not water) for counter WX01.
/// With `tls` (certificate and key files), the back office speaks HTTPS only.
struct Office {
    testing::TempDir dir{"onewindow-dispatch-office"};
    fs::path db = dir.path / "office.db";
    std::string scheme;
    backoffice::Server server;
    explicit Office(const std::optional<std::pair<fs::path, fs::path>>& tls = std::nullopt)
        : scheme(tls ? "https" : "http"),
          server(backoffice::parse_config(
              R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": "office.db",
                  "departments": [{"code": "county_health", "name": "县卫生健康局"},
                                  {"code": "civil_affairs", "name": "县民政局"},
                                  {"code": "social_security", "name": "县人社局"}],
                  "counters": [{"id": "WX01", "secret": "counter-WX01-shared-secret"},
                               {"id": "WX02", "secret": "counter-WX02-shared-secret"}],
                  "staff": [{"id": "health-office", "secret": "health-office-secret",
                             "departments": ["county_health", "civil_affairs",
                                             "social_security"]}])" +
                  (tls ? R"(, "tls": {"certificate": ")" + tls->first.string() +
                             R"(", "private_key": ")" + tls->second.string() + "\"}"
                       : std::string()) +
                  "}",
              "office config", dir.path)) {
        server.start();
    }
    std::string url() const { return scheme + "://127.0.0.1:" + std::to_string(server.port()); }
    long long cases() const { return count(db, "SELECT count(*) FROM cases"); }
    /// A decision by the department's staff (POST /v1/decisions).
    void decide(const std::string& body) const {
        auto headers = exchange::sign_request("POST", "/v1/decisions", body, "", "health-office",
                                              "health-office-secret", std::time(nullptr),
                                              exchange::new_nonce());
        REQUIRE(testing::send_raw(server.port(), "POST", "/v1/decisions", body, headers).status ==
                201);
    }
};

/// A port with nothing listening (bound, then closed).
std::string dead_url() {
    testing::TempDir dir;
    backoffice::Server closed{backoffice::parse_config(
        R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": "x.db",
            "departments": [{"code": "x", "name": "x"}],
            "counters": [{"id": "WX01", "secret": "counter-WX01-shared-secret"}]})",
        "closed config", dir.path)};
    closed.start();
    const std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/prefix/";
    closed.stop();
    return url;
}

/// Accepts a case of three items: county_health, civil_affairs, and water (whose endpoint is
/// the county_health back office, which does not serve water: a permanent refusal).
std::string accept_three(CaseStore& store) {
    AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
    r.items = {testing::sample_item("000718001001", "county_health", "county_health"),
               testing::sample_item("000718002000", "civil_affairs", "civil_affairs"),
               testing::sample_item("000718003000", "water", "county_health")};
    return store.cases().accept(r).case_number;
}

/// The counter's store in `dir` (on the pass's engine); the command line finds it there too.
CaseStore open_store(const fs::path& dir) {
    testing::test_store(dir).configure(dir);
    return testing::test_store(dir).open(
        dir / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
}

ExchangeConfig exchange_config(const std::string& health_url, const std::string& civil_url) {
    ExchangeConfig config;
    config.client = "WX01";
    config.timeout_seconds = 5;
    config.endpoints["county_health"] = {health_url, "counter-WX01-shared-secret", ""};
    config.endpoints["civil_affairs"] = {civil_url, "counter-WX01-shared-secret", ""};
    return config;
}

/// `config` for another exchange client of the office ("WX02": its own secret).
ExchangeConfig as_client(ExchangeConfig config, const std::string& client) {
    config.client = client;
    for (auto& [name, endpoint] : config.endpoints)
        endpoint.secret = "counter-" + client + "-shared-secret";
    return config;
}

/// Agent mode: every item to the upper centre `url`.
ExchangeConfig agent_config(const std::string& url) {
    ExchangeConfig agent;
    agent.client = "WX01";
    agent.timeout_seconds = 5;
    agent.endpoints["upper"] = {url, "counter-WX01-shared-secret", ""};
    agent.upper_centre = "upper";
    return agent;
}

const OutboxRow& row_of(const std::vector<OutboxRow>& rows, const std::string& item_code) {
    for (const auto& row : rows)
        if (row.item_code == item_code) return row;
    FAIL("no outbox row for " << item_code);
    return rows.front();
}

}  // namespace

TEST_CASE("Retry delays double, are capped and jittered", "[dispatcher]") {
    RetryPolicy policy{30, 3600, 0.2};
    CHECK(retry_delay_seconds(1, policy, 0.5) == 30);
    CHECK(retry_delay_seconds(2, policy, 0.5) == 60);
    CHECK(retry_delay_seconds(5, policy, 0.5) == 480);
    CHECK(retry_delay_seconds(12, policy, 0.5) == 3600);
    CHECK(retry_delay_seconds(1000, policy, 0.5) == 3600);
    CHECK(retry_delay_seconds(1, policy, 0.0) == 24);
    CHECK(retry_delay_seconds(1, policy, 0.999999) == 36);
    CHECK(retry_delay_seconds(12, policy, 0.0) == 2880);
    CHECK(add_seconds("2026-09-29 23:59:30", 45) == "2026-09-30 00:00:15");
    CHECK_THROWS_AS(add_seconds("yesterday", 1), Error);
}

TEST_CASE("The exchange configuration names each bad key", "[dispatcher]") {
    try {
        ExchangeConfig::parse(R"({"client": "", "endpoints": {"a": {"url": "ftp://x",
                                  "secret": "s"}, "b": {"url": "http://h", "secret": "s",
                                  "extra": 1}}})",
                              "exchange.json");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("$.client"));
        CHECK_THAT(e.what(), Catch::Contains("$.endpoints.a.url"));
        CHECK_THAT(e.what(), Catch::Contains("$.endpoints.b.extra"));
    }
}

TEST_CASE("Agent mode in the exchange configuration names an endpoint that exists",
          "[dispatcher][agent]") {
    const std::string endpoints =
        R"("endpoints": {"upper": {"url": "http://10.0.0.1:8480", "secret": "s"}})";
    auto config = ExchangeConfig::parse(
        R"({"client": "WX01", )" + endpoints + R"(, "agent": {"upper_centre": "upper"}})", "x");
    CHECK(config.agent_mode());
    CHECK(config.route("county_health") == "upper");
    CHECK_FALSE(
        ExchangeConfig::parse(R"({"client": "WX01", )" + endpoints + "}", "x").agent_mode());
    for (const std::string agent : {R"({"upper_centre": "county"})", R"({"upper_centre": ""})",
                                    R"({"centre": "upper"})", R"("upper")"}) {
        INFO(agent);
        try {
            ExchangeConfig::parse(
                R"({"client": "WX01", )" + endpoints + R"(, "agent": )" + agent + "}",
                "exchange.json");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Input);
            CHECK_THAT(e.what(), Catch::Contains("exchange.json: $.agent"));
        }
    }
}

TEST_CASE("Where an item goes is decided when it is first tried, and it stays there",
          "[dispatcher][agent][store]") {
    Office office;
    testing::TempDir dir;
    CaseStore store = open_store(dir.path);
    AcceptRequest r = testing::sample_accept_request(kAcceptedAt);  // not an agent yet
    r.items = {testing::sample_item("000718001001", "county_health", "county_health"),
               testing::sample_item("000718002000", "civil_affairs", "civil_affairs")};
    const std::string number = store.cases().accept(r).case_number;
    for (const auto& row : store.outbox().rows()) CHECK(row.forward_by.empty());

    // Before the switch: county_health is tried (and fails), civil_affairs is not configured.
    ExchangeConfig before;
    before.client = "WX01";
    before.timeout_seconds = 5;
    before.endpoints["county_health"] = {dead_url(), "counter-WX01-shared-secret", ""};
    auto report = dispatch_once(store, before, {}, "2026-09-29 10:00:00");
    CHECK(report.retry == 2);
    CHECK(row_of(store.outbox().rows(), "000718001001").sent_to == "county_health");
    CHECK(row_of(store.outbox().rows(), "000718002000").sent_to.empty());  // went nowhere

    // Agent mode on: the untried row goes to the upper centre, the tried one stays pinned.
    ExchangeConfig agent = before;
    agent.endpoints["upper"] = {office.url(), "counter-WX01-shared-secret", ""};
    agent.upper_centre = "upper";
    report = dispatch_once(store, agent, {}, "2026-09-30 10:00:00");
    CHECK(report.sent == 1);
    CHECK(report.retry == 1);
    CHECK(row_of(store.outbox().rows(), "000718002000").state == "sent");
    CHECK(row_of(store.outbox().rows(), "000718002000").sent_to == "upper");
    CHECK(row_of(store.outbox().rows(), "000718001001").state == "pending");
    CHECK(office.cases() == 1);

    // The administrator's retry lifts the pin: it goes where agent mode routes it now.
    store.outbox().requeue(number + "/000718001001", "admin", "2026-09-30 11:00:00");
    CHECK(row_of(store.outbox().rows(), "000718001001").sent_to.empty());
    report = dispatch_once(store, agent, {}, "2026-09-30 11:00:00");
    CHECK(report.sent == 1);
    CHECK(row_of(store.outbox().rows(), "000718001001").sent_to == "upper");
    CHECK(office.cases() == 2);
    // Routes still name the departments, and so do the payloads the centre got.
    CHECK(row_of(store.outbox().rows(), "000718001001").endpoint == "county_health");
    CHECK(count(office.db, "SELECT count(DISTINCT department) FROM cases") == 2);
}

TEST_CASE("An outbox written before schema 7 keeps working, and follows a switch to agent mode",
          "[dispatcher][agent][migration]") {
    Office office;
    testing::TempDir dir;
    {
        CaseStore store = open_store(dir.path);
        AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
        r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        store.cases().accept(r);
    }
    {
        // The file as schema 6 left it: without what steps 15 (merged audit events), 14 (cursors
        // per client), 13 (supplements), 12 (the audit heads per counter), 11 (a bundle's
        // order), 10 (the legal limit's unit), 8 (a centre's claims and the audit head) and 7
        // (the forwarding columns) add.
        SQLite::Database db((dir.path / "counter.db").string(), SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE audit_imports");
        db.exec("DROP TABLE exchange_pulls");
        db.exec("DROP INDEX outbox_case");
        db.exec("ALTER TABLE outbox DROP COLUMN client");
        db.exec("CREATE INDEX case_items_case ON case_items (case_id)");
        db.exec("DROP TABLE supplement_materials");
        db.exec("DROP TABLE supplements");
        db.exec("ALTER TABLE outbox DROP COLUMN kind");
        db.exec("ALTER TABLE case_materials DROP COLUMN supplied_at");
        db.exec("DROP TABLE audit_heads");
        db.exec("DROP TABLE item_waits");
        db.exec("ALTER TABLE case_items DROP COLUMN legal_unit");
        db.exec("DROP TABLE audit_head");
        db.exec("DROP INDEX cases_applicant");
        for (const char* column :
             {"outbox DROP COLUMN claimed_by", "outbox DROP COLUMN claimed_until",
              "exchange_cursors DROP COLUMN pulled_by", "exchange_cursors DROP COLUMN pull_until"})
            db.exec(std::string("ALTER TABLE ") + column);
        db.exec("DROP INDEX outbox_forwarding");
        db.exec("ALTER TABLE outbox DROP COLUMN forward_by");
        db.exec("ALTER TABLE outbox DROP COLUMN sent_to");
        db.exec("PRAGMA user_version = 6");
    }
    CaseStore store = open_store(dir.path);
    CHECK(count(dir.path / "counter.db", "PRAGMA user_version") == store::kSchemaVersion);
    REQUIRE(store.outbox().rows().size() == 1);
    CHECK(store.outbox().rows().front().forward_by.empty());
    CHECK(store.outbox().awaiting_forwarding({2026, 11, 23}).empty());  // not taken in by an agent
    const ExchangeConfig agent = agent_config(office.url());
    CHECK(dispatch_once(store, agent, {}, "2026-09-29 10:00:01").sent == 1);
    CHECK(store.outbox().rows().front().sent_to == "upper");
    CHECK(office.cases() == 1);
}

TEST_CASE("Each outbox row is sent, retried or refused on its own, and never twice as a case",
          "[dispatcher][store]") {
    Office office;
    testing::TempDir dir{"onewindow-dispatch-counter"};
    auto store = open_store(dir.path);
    const std::string number = accept_three(store);
    const std::string dead = dead_url();

    // Pass 1: health is sent, civil (back office unreachable) waits, water is refused.
    auto report = dispatch_once(store, exchange_config(office.url(), dead), {}, kAcceptedAt);
    CHECK(report.sent == 1);
    CHECK(report.retry == 1);
    CHECK(report.refused == 1);
    CHECK(office.cases() == 1);
    auto rows = store.outbox().rows(number);
    const auto& health = row_of(rows, "000718001001");
    CHECK(health.state == "sent");
    CHECK(health.attempts == 1);
    CHECK(health.response.find("\"reference\":\"BO-000001\"") != std::string::npos);
    CHECK(health.sent_at == kAcceptedAt);
    const auto& civil = row_of(rows, "000718002000");
    CHECK(civil.state == "pending");
    CHECK(civil.attempts == 1);
    CHECK(civil.next_attempt_at >= add_seconds(kAcceptedAt, 24));
    CHECK(civil.next_attempt_at <= add_seconds(kAcceptedAt, 36));
    CHECK_THAT(civil.last_error, Catch::Contains("no answer"));
    const auto& water = row_of(rows, "000718003000");
    CHECK(water.state == "refused");
    CHECK_THAT(water.last_error, Catch::Contains("HTTP 404 unknown_department"));
    auto events = store.cases().find(number)->events;
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const AuditEvent& e) { return e.type == "outbox.sent"; }) == 1);
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const AuditEvent& e) { return e.type == "outbox.refused"; }) == 1);
    CHECK(store.audit().verify().ok);

    // Nothing is due before the backoff has passed.
    CHECK(
        dispatch_once(store, exchange_config(office.url(), dead), {}, kAcceptedAt).results.empty());

    // Once due, a second failure doubles the wait; an endpoint missing from the configuration
    // is a failure like any other.
    ExchangeConfig without_civil = exchange_config(office.url(), dead);
    without_civil.endpoints.erase("civil_affairs");
    const std::string due = civil.next_attempt_at;
    report = dispatch_once(store, without_civil, {}, due);
    REQUIRE(report.results.size() == 1);
    CHECK_THAT(report.results[0].message, Catch::Contains("not configured"));
    const auto again = row_of(store.outbox().rows(number), "000718002000");
    CHECK(again.attempts == 2);
    CHECK(again.next_attempt_at >= add_seconds(due, 48));
    CHECK(again.next_attempt_at <= add_seconds(due, 72));

    // The back office is reachable again: the row goes, with the same idempotency key.
    report = dispatch_once(store, exchange_config(office.url(), office.url()), {},
                           again.next_attempt_at);
    CHECK(report.sent == 1);
    CHECK(office.cases() == 2);

    // A crash after sending but before recording: the row is sent again and the back office
    // answers with its first answer instead of taking a second case.
    testing::test_store(dir.path).connect()->exec(
        "UPDATE outbox SET state = 'pending' WHERE item_code = '000718001001'");
    report = dispatch_once(store, exchange_config(office.url(), office.url()), {},
                           again.next_attempt_at);
    CHECK(report.sent == 1);
    CHECK(report.results[0].message == "BO-000001");
    CHECK(office.cases() == 2);
}

TEST_CASE("The background dispatcher sends what is accepted and stops cleanly",
          "[dispatcher][store]") {
    Office office;
    testing::TempDir dir{"onewindow-dispatch-thread"};
    auto store = open_store(dir.path);
    Dispatcher dispatcher([&] { return open_store(dir.path); },
                          exchange_config(office.url(), office.url()), {},
                          std::chrono::milliseconds(50));
    dispatcher.start();
    const std::string number = accept_three(store);
    dispatcher.wake();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto settled = [&] {
        for (const auto& row : store.outbox().rows(number))
            if (row.state == "pending") return false;
        return true;
    };
    while (!settled() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    dispatcher.stop();
    CHECK(settled());
    CHECK(office.cases() == 2);
    CHECK(dispatcher.passes() >= 1);
    CHECK(dispatcher.last_error().empty());
}

TEST_CASE("onewindow-cli dispatch, pull and outbox run the exchange from the command line",
          "[dispatcher][e2e][store]") {
    Office office;
    testing::TempDir dir{"onewindow-dispatch-cli"};
    {
        auto store = open_store(dir.path);
        accept_three(store);
    }
    const std::string cli = "'" + std::string(ONEWINDOW_STAGE_DIR) +
                            "/bin/onewindow-cli' --data '" + dir.path.string() + "' ";
    auto run = [&](const std::string& command = "dispatch --once", const std::string& prefix = "") {
        std::string output;
        FILE* pipe = popen((prefix + cli + command + " 2>&1").c_str(), "r");
        std::array<char, 4096> buffer;
        while (auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
            output.append(buffer.data(), n);
        const int status = pclose(pipe);
        return std::pair{WEXITSTATUS(status), output};
    };
    auto [code, output] = run();
    CHECK(code == 6);
    CHECK_THAT(output, Catch::Contains("exchange.json"));

    std::ofstream(dir.path / "exchange.json")
        << R"({"client": "WX01", "endpoints": {"county_health": {"url": ")" << office.url()
        << R"(", "secret": "counter-WX01-shared-secret"}, "civil_affairs": {"url": ")"
        << office.url() << R"(", "secret": "counter-WX01-shared-secret"}}})";
    std::tie(code, output) = run();
    INFO(output);
    CHECK(code == 0);
    CHECK(output.rfind("DISPATCHED sent=2 retry=0 refused=1\n", 0) == 0);
    CHECK_THAT(output, Catch::Contains("已送达"));
    CHECK(office.cases() == 2);
    std::tie(code, output) = run();
    CHECK(output.rfind("DISPATCHED sent=0 retry=0 refused=0\n", 0) == 0);

    office.decide(R"({"reference": "BO-000001", "outcome": "rejected", "reason": "不符合条件"})");
    std::tie(code, output) = run("pull --once");
    CHECK(code == 0);
    CHECK(output.rfind("PULLED decisions=1 errors=0\n", 0) == 0);

    // The administrator sees the refused item and sends it again; a sent one is not resent.
    std::tie(code, output) = run("outbox");
    CHECK(code == 0);
    const std::string number = output.substr(0, output.find('/'));
    CHECK_THAT(output, Catch::Contains(number + "/000718003000\tcounty_health\trefused\t1\t\t"
                                                "HTTP 404 unknown_department"));
    std::tie(code, output) = run("outbox retry " + number + "/000718003000");
    CHECK(code == 0);
    CHECK_THAT(output, Catch::Contains(number + "/000718003000"));
    std::tie(code, output) = run("outbox");
    CHECK_THAT(output, Catch::Contains(number + "/000718003000\tcounty_health\tpending\t0\t"));
    std::tie(code, output) = run("outbox retry " + number + "/000718001001");
    CHECK(code == 2);
    std::tie(code, output) = run("outbox retry WX01-20000101-0001/000718001001");
    CHECK(code == 6);
    std::tie(code, output) = run();
    CHECK(output.rfind("DISPATCHED sent=0 retry=0 refused=1\n", 0) == 0);
    auto store = open_store(dir.path);
    auto events = store.cases().find(number)->events;
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const AuditEvent& e) { return e.type == "outbox.requeued"; }) == 1);

    // As a service: a pass every second until SIGTERM, then a clean stop.
    std::tie(code, output) = run("dispatch --every 1", "timeout --preserve-status -s TERM 2 ");
    CHECK(code == 0);
    CHECK(output.rfind("DISPATCHED sent=0 retry=0 refused=0\nPULLED decisions=0 errors=0\n", 0) ==
          0);
    CHECK(output.size() >= 8);
    CHECK(output.substr(output.size() - 8) == "STOPPED\n");
    std::tie(code, output) = run("dispatch --every 0");
    CHECK(code == 64);
}

TEST_CASE("Decisions come back by pull, items and the case follow them, each is kept once",
          "[dispatcher][store]") {
    Office office;
    testing::TempDir dir{"onewindow-pull"};
    auto store = open_store(dir.path);
    AcceptRequest request = testing::sample_accept_request(kAcceptedAt);
    request.items = {testing::sample_item("000718001001", "county_health", "county_health"),
                     testing::sample_item("000718002000", "civil_affairs", "civil_affairs")};
    const std::string number = store.cases().accept(request).case_number;
    auto config = exchange_config(office.url(), office.url() + "/");
    REQUIRE(dispatch_once(store, config, {}, kAcceptedAt).sent == 2);
    const auto sent = store.cases().find(number);
    for (const auto& item : sent->items) CHECK(item.status == "received");

    auto pulled = pull_decisions(store, config);
    CHECK(pulled.decisions == 0);
    CHECK(pulled.errors.empty());

    // The two items went on two threads: which reference each got is in its row's answer.
    auto reference = [&](const std::string& item) {
        return parse_json(row_of(store.outbox().rows(number), item).response, "answer")
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::string>("reference");
    };
    const std::string health = reference("000718001001"), civil = reference("000718002000");
    office.decide(R"({"reference": ")" + health + R"(", "outcome": "approved", "decided_by": "赵强",
                      "data": {"certificate_number": "WX-FP-2026-0001"}})");
    office.decide(R"({"reference": ")" + civil + R"(", "outcome": "correction",
                      "missing_materials": ["结婚证"]})");
    pulled = pull_decisions(store, config, "2026-09-30 09:00:00");
    CHECK(pulled.decisions == 2);  // both endpoints name one back office: read once
    CHECK(pulled.errors.empty());
    auto record = store.cases().find(number);
    CHECK(record->items[0].status == "approved");
    CHECK(record->items[1].status == "correction_needed");
    CHECK(record->status == "correction_needed");
    const std::string paused = "SELECT count(*) FROM clock_pauses WHERE resumed_on IS NULL";
    CHECK(testing::test_store(dir.path).scalar(paused) == 1);  // it waits on the applicant
    auto kept = store.decisions().of_case(number);
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].item_code == "000718001001");
    CHECK(kept[0].decided_by == "赵强");
    CHECK_THAT(kept[0].data_json, Catch::Contains("WX-FP-2026-0001"));
    CHECK_THAT(kept[1].missing_json, Catch::Contains("结婚证"));
    CHECK(kept[1].received_at == "2026-09-30 09:00:00");
    // The back office's UTC time is kept as this counter's local time, as every other row is.
    CHECK(
        std::regex_match(kept[0].decided_at, std::regex(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})")));
    CHECK(store.decisions().cursor(office.url(), "WX01") == 2);

    // Pulling again keeps nothing; neither does a cursor set back (each decision is kept once).
    CHECK(pull_decisions(store, config).decisions == 0);
    testing::test_store(dir.path).connect()->exec("UPDATE exchange_pulls SET cursor = 0");
    CHECK(pull_decisions(store, config).decisions == 0);
    CHECK(store.decisions().of_case(number).size() == 2);
    CHECK(store.decisions().cursor(office.url(), "WX01") == 2);

    // The corrected item is approved: the case is decided.
    office.decide(R"({"reference": ")" + civil + R"(", "outcome": "approved",
                      "data": {"certificate_number": "WX-MZ-2026-0002"}})");
    CHECK(pull_decisions(store, config).decisions == 1);
    CHECK(store.cases().find(number)->status == "approved");
    CHECK(testing::test_store(dir.path).scalar(paused) == 0);  // decided: the wait is over
    auto events = store.cases().find(number)->events;
    CHECK(std::count_if(events.begin(), events.end(),
                        [](const AuditEvent& e) { return e.type == "item.decided"; }) == 3);
    CHECK(store.audit().verify().ok);

    // A back office that cannot be read is reported; the others are still read.
    config.endpoints["civil_affairs"].url = dead_url();
    pulled = pull_decisions(store, config);
    CHECK(pulled.errors.size() == 1);
    CHECK_THAT(pulled.errors[0], Catch::Contains("no answer"));
}

TEST_CASE("Counters of a centre that are clients of their own each read their own decisions",
          "[dispatcher][store]") {
    // A back office answers a client about the cases that client sent: a cursor shared by the
    // clients of one store would move past decisions meant for another client.
    Office office;
    testing::TempDir dir{"onewindow-clients"};
    auto store = open_store(dir.path);
    const ExchangeConfig wx01 = exchange_config(office.url(), office.url());
    const ExchangeConfig wx02 = as_client(wx01, "WX02");
    auto accept_at = [&](const std::string& counter, const ExchangeConfig& config) {
        AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
        r.counter = counter;
        r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
        const std::string number = store.cases().accept(r).case_number;
        REQUIRE(dispatch_once(store, config, {}, kAcceptedAt).sent == 1);
        return parse_json(store.outbox().rows(number).front().response, "answer")
            .extract<Poco::JSON::Object::Ptr>()
            ->getValue<std::string>("reference");
    };
    const std::string first = accept_at("WX01", wx01), second = accept_at("WX02", wx02);
    // Decided in the other order: WX02's case gets the back office's cursor 1, WX01's cursor 2.
    office.decide(R"({"reference": ")" + second + R"(", "outcome": "approved",
                      "data": {"certificate_number": "WX-FP-2026-0002"}})");
    office.decide(R"({"reference": ")" + first + R"(", "outcome": "approved",
                      "data": {"certificate_number": "WX-FP-2026-0001"}})");
    CHECK(pull_decisions(store, wx01, "2026-09-30 09:00:00").decisions == 1);
    CHECK(store.decisions().cursor(office.url(), "WX01") == 2);
    CHECK(store.decisions().cursor(office.url(), "WX02") == 0);  // not read by WX02 yet
    CHECK(pull_decisions(store, wx02, "2026-09-30 09:00:01").decisions == 1);
    CHECK(store.decisions().cursor(office.url(), "WX02") == 1);
    for (const auto& c : store.cases().list({}))
        CHECK(store.cases().find(c.number)->status == "approved");
    CHECK(store.cases().list({}).size() == 2);
    CHECK(pull_decisions(store, wx02, "2026-09-30 09:00:02").decisions == 0);
    CHECK(store.audit().verify().ok);

    // A store of schema 13 kept one cursor per back office: each client starts from it.
    testing::test_store(dir.path).connect()->exec(
        "INSERT INTO exchange_cursors (back_office, cursor) VALUES ('http://legacy.example', 7)");
    CHECK(store.decisions().cursor("http://legacy.example", "WX02") == 7);
    CHECK(store.decisions().claim_pull("http://legacy.example", "WX02", "WX02@pc/1",
                                       "2026-09-30 09:00:03", "2026-09-30 09:10:00") == 7);
    // Held by WX02's puller: another counter of client WX02 waits, client WX01 does not.
    CHECK_FALSE(store.decisions().claim_pull("http://legacy.example", "WX02", "WX02@pc2/1",
                                             "2026-09-30 09:00:04", "2026-09-30 09:10:00"));
    CHECK(store.decisions().claim_pull("http://legacy.example", "WX01", "WX01@pc/1",
                                       "2026-09-30 09:00:04", "2026-09-30 09:10:00") == 7);
}

TEST_CASE("HTTPS is a switch: the dispatcher verifies the back office's certificate strictly",
          "[dispatcher][tls][store]") {
    testing::TempDir keys{"onewindow-tls"};
    const fs::path certificate = keys.path / "office.pem", key = keys.path / "office.key";
    const std::string openssl =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1"
        " -addext subjectAltName=IP:127.0.0.1,DNS:127.0.0.1 -keyout '" +
        key.string() + "' -out '" + certificate.string() + "' 2>/dev/null";
    REQUIRE(std::system(openssl.c_str()) == 0);
    Office office(std::pair{certificate, key});
    REQUIRE(office.url().rfind("https://", 0) == 0);
    testing::TempDir dir{"onewindow-dispatch-tls"};
    auto store = open_store(dir.path);
    const std::string number = accept_three(store);

    // Without the back office's certificate among the trusted ones, nothing is sent.
    auto untrusted = exchange_config(office.url(), office.url());
    auto report = dispatch_once(store, untrusted, {}, kAcceptedAt);
    CHECK(report.retry == 3);
    CHECK_THAT(report.results[0].message, Catch::Contains("certificate verify failed"));
    CHECK(office.cases() == 0);

    // Trusting it, everything goes over TLS; decisions come back the same way.
    auto trusted = untrusted;
    for (auto& [name, endpoint] : trusted.endpoints) endpoint.ca_file = certificate.string();
    const std::string later = row_of(store.outbox().rows(number), "000718001001").next_attempt_at;
    report = dispatch_once(store, trusted, {}, add_seconds(later, 3600));
    CHECK(report.sent == 2);
    CHECK(report.refused == 1);
    CHECK(office.cases() == 2);
    CHECK(pull_decisions(store, trusted).errors.empty());
}

TEST_CASE("The example configurations are valid and work with each other", "[dispatcher][store]") {
    const fs::path examples = fs::path(ONEWINDOW_STAGE_DIR) / "share/onewindow/examples";
    auto office_config = backoffice::load_config(examples / "backoffice.json");
    testing::TempDir dir{"onewindow-examples"};
    office_config.address = "127.0.0.1";
    office_config.port = 0;
    office_config.database = dir.path / "backoffice.db";
    backoffice::Server office(office_config);
    office.start();

    auto exchange = ExchangeConfig::load(examples / "exchange.json");
    for (auto& [name, endpoint] : exchange.endpoints)
        endpoint.url = "http://127.0.0.1:" + std::to_string(office.port());
    auto store = open_store(dir.path);
    AcceptRequest request = testing::sample_accept_request(kAcceptedAt);
    request.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    store.cases().accept(request);
    CHECK(dispatch_once(store, exchange, {}, kAcceptedAt).sent == 1);
}

TEST_CASE("200 cases for three departments: each item arrives once, every case ends right",
          "[dispatcher][store]") {
    Office office;
    testing::TempDir dir{"onewindow-200"};
    auto store = open_store(dir.path);
    auto config = exchange_config(office.url(), office.url());
    config.endpoints["social_security"] = {office.url(), "counter-WX01-shared-secret", ""};
    const std::pair<const char*, const char*> departments[] = {{"000718001001", "county_health"},
                                                               {"000712001000", "civil_affairs"},
                                                               {"000720001000", "social_security"}};
    std::vector<std::string> numbers;
    std::size_t items = 0;
    for (int i = 0; i < 200; ++i) {
        AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
        for (int d = 0; d <= i % 3; ++d)
            r.items.push_back(testing::sample_item(departments[(i + d) % 3].first,
                                                   departments[(i + d) % 3].second,
                                                   departments[(i + d) % 3].second));
        items += r.items.size();
        numbers.push_back(store.cases().accept(r).case_number);
    }
    REQUIRE(items == 399);  // 67 cases of one item, 67 of two, 66 of three
    std::size_t sent = 0;
    for (int pass = 0; pass < 50 && sent < items; ++pass)
        sent += static_cast<std::size_t>(dispatch_once(store, config, {}, kAcceptedAt).sent);
    CHECK(sent == items);
    CHECK(office.cases() == static_cast<long long>(items));  // each item arrived once
    CHECK(dispatch_once(store, config, {}, kAcceptedAt).sent == 0);

    // The departments decide every item: approved, rejected or a correction, by a fixed pattern.
    auto outcome_of = [](std::size_t case_index, std::size_t item_index) {
        const std::size_t k = (case_index * 7 + item_index) % 5;
        return k < 3 ? "approved" : k == 3 ? "rejected" : "correction";
    };
    for (std::size_t c = 0; c < numbers.size(); ++c) {
        const auto rows = store.outbox().rows(numbers[c]);
        const auto record = store.cases().find(numbers[c]);
        for (std::size_t k = 0; k < record->items.size(); ++k) {
            const auto& row = row_of(rows, record->items[k].code);
            const std::string reference = parse_json(row.response, "answer")
                                              .extract<Poco::JSON::Object::Ptr>()
                                              ->getValue<std::string>("reference");
            const std::string outcome = outcome_of(c, k);
            office.decide(R"({"reference": ")" + reference + R"(", "outcome": ")" + outcome +
                          (outcome == std::string("approved")
                               ? R"(", "data": {"certificate_number": "C-)" + reference + R"("}})"
                           : outcome == std::string("rejected")
                               ? R"(", "reason": "不符合条件"})"
                               : R"(", "missing_materials": ["户口簿"]})"));
        }
    }
    int pulled = 0;
    for (int round = 0; round < 20 && pulled < static_cast<int>(items); ++round)
        pulled += pull_decisions(store, config, "2026-09-30 09:00:00").decisions;
    CHECK(pulled == static_cast<int>(items));
    // Every case's state follows its items: a correction waits; all rejected is rejected; else
    // approved.
    for (std::size_t c = 0; c < numbers.size(); ++c) {
        const auto record = store.cases().find(numbers[c]);
        bool correction = false, all_rejected = true;
        for (std::size_t k = 0; k < record->items.size(); ++k) {
            const std::string outcome = outcome_of(c, k);
            const std::string expected =
                outcome == std::string("correction") ? "correction_needed" : outcome;
            CHECK(record->items[k].status == expected);
            correction = correction || outcome == std::string("correction");
            all_rejected = all_rejected && outcome == std::string("rejected");
        }
        INFO(numbers[c]);
        CHECK(record->status == (correction     ? "correction_needed"
                                 : all_rejected ? "rejected"
                                                : "approved"));
    }
}

namespace {

/// Translations on for a test (the words of the outbox states are checked in Chinese).
struct Chinese {
    Chinese() { load_default_catalog(fs::path(ONEWINDOW_STAGE_DIR) / "share/locale"); }
    ~Chinese() { clear_catalog(); }
};

const std::string kBirth = "000705001000", kMedical = "000733001000", kCard = "000720003000",
                  kRegistration = "000718001001";

/// 新生儿出生一件事 as a bundle's order makes it: 医保参保 and 社保卡 need the 户口 of 出生登记
/// (civil_affairs stands in for the police: the test back office serves it), 生育登记 needs
/// nothing. `birth_department`: a department the back office does not serve refuses 出生登记.
AcceptRequest newborn_request(const std::string& birth_department = "civil_affairs") {
    AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
    AcceptItem birth = testing::sample_item(kBirth, birth_department, "civil_affairs");
    birth.name = "出生登记";
    AcceptItem medical = testing::sample_item(kMedical, "social_security", "social_security");
    medical.name = "城乡居民基本医疗保险参保登记";
    medical.waits_for = {kBirth};
    AcceptItem card = testing::sample_item(kCard, "social_security", "social_security");
    card.name = "社会保障卡申领";
    card.waits_for = {kBirth};
    r.items = {birth, medical, card,
               testing::sample_item(kRegistration, "county_health", "county_health")};
    return r;
}

ExchangeConfig newborn_config(const std::string& url) {
    ExchangeConfig config = exchange_config(url, url);
    config.endpoints["social_security"] = {url, "counter-WX01-shared-secret", ""};
    return config;
}

/// The back office's reference of an item sent (its answer, kept on the row).
std::string reference_of(CaseStore& store, const std::string& number, const std::string& item) {
    return parse_json(row_of(store.outbox().rows(number), item).response, "answer")
        .extract<Poco::JSON::Object::Ptr>()
        ->getValue<std::string>("reference");
}

long long events_of(CaseStore& store, const std::string& number, const std::string& type) {
    const auto events = store.cases().find(number)->events;
    return std::count_if(events.begin(), events.end(),
                         [&](const AuditEvent& e) { return e.type == type; });
}

}  // namespace

TEST_CASE("A bundle's item waits for the decision it needs and goes with the next dispatch",
          "[dispatcher][store][bundle]") {
    Chinese chinese;
    Office office;
    testing::TempDir dir{"onewindow-bundle-order"};
    auto store = open_store(dir.path);
    const std::string number = store.cases().accept(newborn_request()).case_number;
    const auto accepted = store.cases().find(number);
    CHECK(accepted->items[0].waits_for.empty());
    CHECK(accepted->items[1].waits_for == std::vector<std::string>{kBirth});
    CHECK(accepted->items[1].waiting_for == std::vector<std::string>{kBirth});
    const auto config = newborn_config(office.url());

    // 出生登记 and 生育登记 go at once; 医保参保 and 社保卡 wait, however often the dispatcher
    // runs.
    auto report = dispatch_once(store, config, {}, kAcceptedAt);
    CHECK(report.sent == 2);
    CHECK(office.cases() == 2);
    for (const auto& item : {kMedical, kCard}) {
        const OutboxRow row = row_of(store.outbox().rows(number), item);
        CHECK(row.state == "pending");
        CHECK(row.attempts == 0);
        CHECK(row.waiting_for == std::vector<std::string>{"出生登记"});
        CHECK(outbox_state_label(row) == "等待「出生登记」办结后报送");
    }
    CHECK(outbox_state_label(row_of(store.outbox().rows(number), kBirth)) == "已分送部门");
    CHECK(dispatch_once(store, config, {}, "2026-09-29 15:00:00").sent == 0);
    CHECK(pull_decisions(store, config, "2026-09-29 16:00:00").decisions == 0);
    CHECK(dispatch_once(store, config, {}, "2026-09-30 08:00:00").sent == 0);
    CHECK(office.cases() == 2);

    // The back office approves 出生登记; the counter pulls; the next dispatch sends both.
    office.decide(R"({"reference": ")" + reference_of(store, number, kBirth) +
                  R"(", "outcome": "approved", "data": {"certificate_number": "户口-0815"}})");
    CHECK(pull_decisions(store, config, "2026-09-30 09:00:00").decisions == 1);
    CHECK(row_of(store.outbox().rows(number), kMedical).waiting_for.empty());
    CHECK(store.cases().find(number)->items[1].waiting_for.empty());
    report = dispatch_once(store, config, {}, "2026-09-30 09:00:05");
    CHECK(report.sent == 2);
    for (const auto& item : {kMedical, kCard})
        CHECK(row_of(store.outbox().rows(number), item).state == "sent");
    // Four items of one case at the back office; one case and one visit at the counter.
    CHECK(office.cases() == 4);
    CHECK(count(office.db, "SELECT count(DISTINCT case_number) FROM cases") == 1);
    CHECK(store.cases().list({}).size() == 1);
    CHECK(events_of(store, number, "case.accepted") == 1);
    CHECK(events_of(store, number, "outbox.sent") == 4);
    CHECK(events_of(store, number, "outbox.held") == 0);
}

TEST_CASE("A rejected prerequisite holds what waits for it, and the clerk sends or withdraws it",
          "[dispatcher][store][bundle]") {
    Chinese chinese;
    Office office;
    testing::TempDir dir{"onewindow-bundle-held"};
    auto store = open_store(dir.path);
    const std::string number = store.cases().accept(newborn_request()).case_number;
    const auto config = newborn_config(office.url());
    REQUIRE(dispatch_once(store, config, {}, kAcceptedAt).sent == 2);
    office.decide(R"({"reference": ")" + reference_of(store, number, kBirth) +
                  R"(", "outcome": "rejected", "reason": "出生医学证明与申报不符"})");
    CHECK(pull_decisions(store, config, "2026-09-30 09:00:00").decisions == 1);

    // Held, not sent, marked for the window, audited.
    auto record = store.cases().find(number);
    for (const auto& item : {kMedical, kCard}) {
        const OutboxRow row = row_of(store.outbox().rows(number), item);
        CHECK(row.state == "blocked");
        CHECK(outbox_state_label(row) == "前置事项未通过，待窗口处理");
        CHECK_THAT(row.last_error, Catch::Contains("prerequisite " + kBirth + " rejected"));
    }
    CHECK(record->items[1].status == "blocked");
    CHECK(status_label(record->items[1].status) == "前置事项未通过，待窗口处理");
    CHECK(events_of(store, number, "outbox.held") == 2);
    for (const auto& e : record->events)
        if (e.type == "outbox.held") {
            CHECK_FALSE(e.success);
            CHECK(event_label(e.type) == "前置事项未通过，暂停报送");
            CHECK_THAT(detail_text(e.detail_json), Catch::Contains("前置事项：" + kBirth));
        }
    CHECK(dispatch_once(store, config, {}, "2026-09-30 09:00:05").sent == 0);
    CHECK(office.cases() == 2);
    // The held items stay open (for the window to handle), and the counter log says why.
    const auto pending =
        store.log().counter_log({Date{2026, 9, 29}, Date{2026, 9, 30}, ""}).pending;
    CHECK(std::count_if(pending.begin(), pending.end(), [](const LogPendingItem& item) {
              return item.item_name == "城乡居民基本医疗保险参保登记";
          }) == 1);
    const std::string csv = store.log().csv({Date{2026, 9, 29}, Date{2026, 9, 29}, ""});
    CHECK_THAT(csv, Catch::Contains("前置事项未通过，待窗口处理"));

    // The clerk sends 社保卡 after all (the applicant's 户口 came another way): it no longer
    // waits for 出生登记.
    store.outbox().requeue(number + "/" + kCard, "张敏", "2026-09-30 10:00:00");
    CHECK(store.cases().find(number)->items[2].waits_for.empty());
    CHECK(store.cases().find(number)->items[2].status == "accepted");
    auto report = dispatch_once(store, config, {}, "2026-09-30 10:00:01");
    CHECK(report.sent == 1);
    CHECK(row_of(store.outbox().rows(number), kCard).state == "sent");
    CHECK(row_of(store.outbox().rows(number), kMedical).state == "blocked");
    record = store.cases().find(number);
    bool lifted = false;
    for (const auto& e : record->events)
        lifted =
            lifted || (e.type == "outbox.requeued" && e.actor == "张敏" &&
                       e.detail_json.find("\"lifted\":\"" + kBirth + "\"") != std::string::npos);
    CHECK(lifted);

    // ... and withdraws 医保参保: never sent, closed, the case decided without it.
    CHECK_THROWS_AS(
        store.outbox().cancel(number + "/" + kMedical, "", "张敏", "2026-09-30 10:05:00"), Error);
    CHECK_THROWS_AS(
        store.outbox().cancel(number + "/" + kCard, "已报送", "张敏", "2026-09-30 10:05:00"),
        Error);
    store.outbox().cancel(number + "/" + kMedical, "出生登记未获批准，申请人另行办理", "张敏",
                          "2026-09-30 10:05:00");
    CHECK(row_of(store.outbox().rows(number), kMedical).state == "cancelled");
    CHECK(outbox_state_label(row_of(store.outbox().rows(number), kMedical)) == "已撤回");
    CHECK(events_of(store, number, "outbox.cancelled") == 1);
    for (const auto& item : {kCard, kRegistration})
        office.decide(R"({"reference": ")" + reference_of(store, number, item) +
                      R"(", "outcome": "approved", "data": {"certificate_number": "C-1"}})");
    CHECK(pull_decisions(store, config, "2026-10-09 09:00:00").decisions == 2);
    record = store.cases().find(number);
    CHECK(record->items[1].status == "cancelled");
    CHECK(record->status == "approved");
    CHECK_FALSE(store.cases().list({})[0].open);
    CHECK(dispatch_once(store, config, {}, "2026-10-09 09:00:05").sent == 0);
    CHECK(office.cases() == 3);
}

TEST_CASE(
    "A prerequisite refused by its back office holds what waits, and sent again they wait again",
    "[dispatcher][store][bundle]") {
    Office office;
    testing::TempDir dir{"onewindow-bundle-refused"};
    auto store = open_store(dir.path);
    // 出生登记's department is one the back office does not serve: refused for good (404).
    const std::string number = store.cases().accept(newborn_request("water")).case_number;
    const auto config = newborn_config(office.url());
    auto report = dispatch_once(store, config, {}, kAcceptedAt);
    CHECK(report.refused == 1);
    CHECK(report.sent == 1);
    for (const auto& item : {kMedical, kCard}) {
        CHECK(row_of(store.outbox().rows(number), item).state == "blocked");
        CHECK_THAT(row_of(store.outbox().rows(number), item).last_error,
                   Catch::Contains("prerequisite " + kBirth + " refused"));
    }
    // The administrator sends 出生登记 again: what waits for it waits again (not sent yet).
    store.outbox().requeue(number + "/" + kBirth, "admin", "2026-09-29 11:00:00");
    for (const auto& item : {kMedical, kCard}) {
        const OutboxRow row = row_of(store.outbox().rows(number), item);
        CHECK(row.state == "pending");
        CHECK(row.waiting_for == std::vector<std::string>{"出生登记"});
        CHECK(store.cases().find(number)->items[1].status == "accepted");
    }
    CHECK(events_of(store, number, "outbox.requeued") == 3);  // 出生登记 and the two released
    report = dispatch_once(store, config, {}, "2026-09-29 11:00:01");
    CHECK(report.refused == 1);  // refused again: held again
    CHECK(report.sent == 0);
    CHECK(row_of(store.outbox().rows(number), kMedical).state == "blocked");
    CHECK(events_of(store, number, "outbox.held") == 4);
    CHECK(office.cases() == 1);
}

TEST_CASE("An agent's waiting item is not late while it waits, its days count from the approval",
          "[dispatcher][store][bundle][agent]") {
    Office office;
    testing::TempDir dir{"onewindow-bundle-agent"};
    auto store = open_store(dir.path);
    AcceptRequest request = newborn_request();
    request.agent = true;
    const std::string number = store.cases().accept(request).case_number;  // Tue 29 September
    // Waiting rows are not counted: only 出生登记 and 生育登记 are to be forwarded, by Thursday
    // 8 October (2 working days; 1-7 October are the National Day holiday).
    auto waiting = store.outbox().awaiting_forwarding({2026, 10, 12});
    REQUIRE(waiting.size() == 2);
    for (const auto& item : waiting) CHECK(item.forward_by == Date{2026, 10, 8});
    CHECK(store.outbox().forwarding_summary({2026, 10, 12}).overdue == 2);

    const ExchangeConfig agent = agent_config(office.url());
    REQUIRE(dispatch_once(store, agent, {}, "2026-09-30 10:00:00").sent == 2);
    CHECK(store.outbox().forwarding_summary({2026, 10, 12}).waiting == 0);  // still waiting

    // Approved; pulled on Monday 12 October: the two waiting items are due by Wednesday 14.
    office.decide(R"({"reference": ")" + reference_of(store, number, kBirth) +
                  R"(", "outcome": "approved", "data": {"certificate_number": "户口-0815"}})");
    CHECK(pull_decisions(store, agent, "2026-10-12 09:00:00").decisions == 1);
    waiting = store.outbox().awaiting_forwarding({2026, 10, 12});
    REQUIRE(waiting.size() == 2);
    for (const auto& item : waiting) {
        CHECK(item.forward_by == Date{2026, 10, 14});
        CHECK(item.state == DeadlineState::OnTime);
    }
    CHECK(dispatch_once(store, agent, {}, "2026-10-13 10:00:00").sent == 2);
    CHECK(events_of(store, number, "forwarding.late") == 0);
    CHECK(store.outbox().awaiting_forwarding({2026, 10, 13}).empty());
}

TEST_CASE("An item may wait only for another item of its case", "[store][bundle]") {
    testing::TempDir dir;
    auto store = open_store(dir.path);
    for (const std::string& waited : {std::string("000799000000"), kMedical}) {
        AcceptRequest request = newborn_request();
        request.items[1].waits_for = {waited};
        try {
            store.cases().accept(request);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Input);
            CHECK_THAT(e.what(), Catch::Contains(kMedical + " waits for \"" + waited + "\""));
        }
    }
    CHECK(store.cases().list({}).empty());
}

namespace {

const std::string kHealth = "000718001001", kCivil = "000718002000";

/// A case of two items (county_health, civil_affairs) with an ID card scanned and a photo
/// accepted as a tolerated gap, at WX01.
std::string accept_with_gap(CaseStore& store, const fs::path& dir) {
    std::ofstream(dir / "id.png") << "scan of an ID card";
    AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
    r.items = {testing::sample_item(kHealth, "county_health", "county_health"),
               testing::sample_item(kCivil, "civil_affairs", "civil_affairs")};
    r.materials = {{"id_card", "居民身份证", 1, 1, dir / "id.png", false, ""},
                   {"photo", "近期一寸免冠照片", 2, 0, {}, true, "三日内补交"}};
    return store.cases().accept(r).case_number;
}

SupplyRequest supply_at_wx02(const std::string& number, const std::string& reason,
                             const std::string& item, const std::string& key,
                             const fs::path& scan) {
    SupplyRequest s;
    s.case_number = number;
    s.counter = "WX02";
    s.clerk = "王芳";
    s.reason = reason;
    s.item_code = item;
    s.materials = {{key, "", 1, 0, scan}};
    s.now = "2026-09-30 15:00:00";
    return s;
}

/// The counts that a refused supplement must leave as they were.
std::array<long long, 4> supplement_counts(const testing::TestStore& db) {
    return {db.count("supplements"), db.count("supplement_materials"), db.count("outbox"),
            db.count("audit_events")};
}

}  // namespace

TEST_CASE("A tolerated gap supplied at another counter reaches every department that had it",
          "[dispatcher][store][supply]") {
    Office office;
    testing::TempDir dir{"onewindow-supply"};
    auto store = open_store(dir.path);
    const std::string number = accept_with_gap(store, dir.path);
    std::ofstream(dir.path / "photo.jpg") << "\xFF\xD8\xFF the photo brought three days later";

    // Supplied before the case was even sent: its rows wait for the items' own rows.
    const auto result = store.supplements().record(
        supply_at_wx02(number, "tolerated", "", "photo", dir.path / "photo.jpg"));
    CHECK(result.number == number + "-BJ1");
    CHECK(result.items == std::vector<std::string>{kHealth, kCivil});
    auto record = store.cases().find(number);
    REQUIRE(record->materials.size() == 2);
    CHECK(record->materials[1].supplied_at == "2026-09-30 15:00:00");
    CHECK(record->materials[1].sha256 == sha256_of_file(dir.path / "photo.jpg"));
    CHECK(store.materials().read(record->materials[1].sha256) ==
          "\xFF\xD8\xFF the photo brought three days later");
    const auto supplied =
        std::find_if(record->events.begin(), record->events.end(),
                     [](const AuditEvent& e) { return e.type == "case.supplied"; });
    REQUIRE(supplied != record->events.end());
    CHECK(supplied->counter == "WX02");
    CHECK(supplied->actor == "王芳");
    CHECK_THAT(detail_text(supplied->detail_json), Catch::Contains(number + "-BJ1"));
    auto rows = store.outbox().rows(number);
    REQUIRE(rows.size() == 4);
    CHECK(rows[2].kind == "supplement");
    CHECK(rows[2].idempotency_key == number + "-BJ1/" + kHealth);

    auto config = exchange_config(office.url(), office.url());
    CHECK(dispatch_once(store, config, {}, "2026-09-30 15:00:01").sent == 2);  // the items first
    CHECK(dispatch_once(store, config, {}, "2026-09-30 15:00:02").sent == 2);  // then the photo
    for (const auto& row : store.outbox().rows(number)) CHECK(row.state == "sent");
    CHECK(count(office.db, "SELECT count(*) FROM supplements") == 2);
    // The back office lists the photo with each case (its staff see the scan, which arrived).
    CHECK(count(office.db, "SELECT count(*) FROM case_materials WHERE sha256 = '" +
                               record->materials[1].sha256 + "'") == 2);
    CHECK(fs::exists(office.dir.path / "materials" / record->materials[1].sha256.substr(0, 2) /
                     record->materials[1].sha256));
    CHECK(store.audit().verify().ok);

    // What cannot be supplied is refused with its reason, and nothing is written.
    testing::TestStore& db = testing::test_store(dir.path);
    const auto before = supplement_counts(db);
    auto refused = [&](const SupplyRequest& request, ErrorKind kind, const std::string& says) {
        try {
            store.supplements().record(request);
            FAIL("recorded");
        } catch (const Error& e) {
            CHECK(e.kind() == kind);
            CHECK_THAT(e.what(), Catch::Contains(says));
        }
        CHECK(supplement_counts(db) == before);
    };
    refused(supply_at_wx02(number, "tolerated", "", "photo", dir.path / "photo.jpg"),
            ErrorKind::Input, "近期一寸免冠照片");  // already supplied
    refused(supply_at_wx02(number, "tolerated", "", "id_card", dir.path / "photo.jpg"),
            ErrorKind::Input, "id_card");  // never a gap
    refused(supply_at_wx02(number, "tolerated", "", "photo", dir.path / "missing.jpg"),
            ErrorKind::Input, "missing.jpg");
    refused(supply_at_wx02(number, "tolerated", "", "photo", {}), ErrorKind::Input, "photo");
    refused(supply_at_wx02("WX01-20260929-0099", "tolerated", "", "photo", dir.path / "photo.jpg"),
            ErrorKind::NotFound, "WX01-20260929-0099");
    refused(supply_at_wx02(number, "correction", kHealth, "photo", dir.path / "photo.jpg"),
            ErrorKind::Input, kHealth);  // no correction was asked
}

TEST_CASE("A supplement goes under the exchange client its item was sent under",
          "[dispatcher][store][supply]") {
    Office office;
    testing::TempDir dir{"onewindow-supply-client"};
    auto store = open_store(dir.path);
    const std::string number = accept_with_gap(store, dir.path);
    const ExchangeConfig wx01 = exchange_config(office.url(), office.url());
    const ExchangeConfig wx02 = as_client(wx01, "WX02");
    // WX02's dispatcher happened to send the case: the back office knows it from WX02 only.
    CHECK(dispatch_once(store, wx02, {}, "2026-09-29 10:00:01").sent == 2);
    std::ofstream(dir.path / "photo.jpg") << "\xFF\xD8\xFF the photo";
    store.supplements().record(
        supply_at_wx02(number, "tolerated", "", "photo", dir.path / "photo.jpg"));
    // WX01's dispatcher leaves the supplements alone (the back office would answer 404)...
    CHECK(dispatch_once(store, wx01, {}, "2026-09-30 15:00:01").sent == 0);
    for (const auto& row : store.outbox().rows(number))
        if (row.kind == "supplement") CHECK(row.state == "pending");
    // ...and WX02's sends them.
    CHECK(dispatch_once(store, wx02, {}, "2026-09-30 15:00:02").sent == 2);
    for (const auto& row : store.outbox().rows(number)) CHECK(row.state == "sent");
    CHECK(count(office.db, "SELECT count(*) FROM supplements WHERE client = 'WX02'") == 2);
}

TEST_CASE("An item withdrawn takes its supplements along, and brings them back when sent again",
          "[dispatcher][store][supply]") {
    testing::TempDir dir{"onewindow-supply-withdrawn"};
    auto store = open_store(dir.path);
    const std::string number = accept_with_gap(store, dir.path);
    std::ofstream(dir.path / "photo.jpg") << "\xFF\xD8\xFF the photo";
    store.supplements().record(
        supply_at_wx02(number, "tolerated", "", "photo", dir.path / "photo.jpg"));
    auto state_of = [&](const std::string& kind, const std::string& item) {
        for (const auto& row : store.outbox().rows(number))
            if (row.kind == kind && row.item_code == item) return row.state;
        return std::string("none");
    };
    // The department's system refused the civil item: its supplement says what it waits for.
    const Chinese chinese;
    store.outbox().refused(row_of(store.outbox().rows(number), kCivil).id, "400 bad request",
                           "2026-09-30 15:30:00");
    for (const auto& row : store.outbox().rows(number))
        if (row.kind == "supplement")
            CHECK(outbox_state_label(row) ==
                  (row.item_code == kCivil ? "补交材料待事项重新报送后报送" : "补交材料待报送"));
    store.outbox().cancel(number + "/" + kHealth, "申请人撤回", "张敏", "2026-09-30 16:00:00");
    CHECK(state_of("case", kHealth) == "cancelled");
    CHECK(state_of("supplement", kHealth) == "cancelled");  // nothing waits for it
    CHECK(state_of("supplement", kCivil) == "pending");     // its item may still go
    auto events = store.cases().find(number)->events;
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().type == "outbox.cancelled");
    CHECK_THAT(detail_text(events.back().detail_json), Catch::Contains("supplements"));

    store.outbox().requeue(number + "/" + kHealth, "张敏", "2026-09-30 16:05:00");
    CHECK(state_of("case", kHealth) == "pending");
    CHECK(state_of("supplement", kHealth) == "pending");
    CHECK(state_of("supplement", kCivil) == "pending");
    CHECK(store.audit().verify().ok);
}

TEST_CASE("A correction is answered at any counter: the item goes back and is decided anew",
          "[dispatcher][store][supply]") {
    Office office;
    testing::TempDir dir{"onewindow-correction"};
    auto store = open_store(dir.path);
    const std::string number = accept_with_gap(store, dir.path);
    auto config = exchange_config(office.url(), office.url());
    REQUIRE(dispatch_once(store, config, {}, "2026-09-29 10:00:01").sent == 2);
    const std::string civil = reference_of(store, number, kCivil);
    office.decide(R"({"reference": ")" + civil + R"(", "outcome": "correction",
                      "missing_materials": ["结婚证"]})");
    REQUIRE(pull_decisions(store, config, "2026-09-30 09:00:00").decisions == 1);
    CHECK(store.cases().find(number)->items[1].status == "correction_needed");
    CHECK(count(office.db, "SELECT count(*) FROM cases WHERE status = 'correction'") == 1);

    // The correction waits on the applicant: the item's clock stands from the day it came.
    testing::TestStore& db = testing::test_store(dir.path);
    CHECK(db.scalar("SELECT count(*) FROM clock_pauses WHERE resumed_on IS NULL AND"
                    " paused_from = '2026-09-30'") == 1);
    const Date promised = store.cases().find(number)->items[1].promised_date;

    // The applicant brings it after the National Day holidays, to WX02.
    std::ofstream(dir.path / "marriage.pdf") << "%PDF-1.4 the marriage certificate";
    SupplyRequest answer =
        supply_at_wx02(number, "correction", kCivil, "结婚证", dir.path / "marriage.pdf");
    answer.now = "2026-10-09 10:00:00";
    const auto result = store.supplements().record(answer);
    CHECK(result.items == std::vector<std::string>{kCivil});
    auto record = store.cases().find(number);
    CHECK(record->items[1].status == "accepted");
    CHECK(db.scalar("SELECT count(*) FROM clock_pauses WHERE resumed_on IS NULL") == 0);
    const int stood = store.calendar().working_days_between(Date{2026, 9, 30}, Date{2026, 10, 9});
    CHECK(stood > 0);
    CHECK(record->items[1].paused_days == stood);
    CHECK(record->items[1].promised_date == store.calendar().add_working_days(promised, stood));
    CHECK(record->status == "accepted");
    const auto kept = store.supplements().of_case(number);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].counter == "WX02");
    CHECK(kept[0].reason == "correction");
    REQUIRE(kept[0].materials.size() == 1);
    CHECK(kept[0].materials[0].name == "结婚证");
    // The photo's gap stays open: a correction is not the promised photo.
    CHECK(record->materials[1].supplied_at.empty());

    CHECK(dispatch_once(store, config, {}, "2026-10-09 10:00:01").sent == 1);
    CHECK(store.cases().find(number)->items[1].status == "received");
    CHECK(count(office.db, "SELECT count(*) FROM cases WHERE status = 'correction'") == 0);
    CHECK(count(office.db, "SELECT count(*) FROM supplements WHERE reason = 'correction'") == 1);
    office.decide(R"({"reference": ")" + civil + R"(", "outcome": "approved",
                      "data": {"certificate_number": "WX-MZ-2026-0002"}})");
    REQUIRE(pull_decisions(store, config, "2026-10-12 09:00:00").decisions == 1);
    CHECK(store.cases().find(number)->items[1].status == "approved");
    // Answered once: the same correction cannot be answered again.
    CHECK_THROWS_AS(store.supplements().record(supply_at_wx02(number, "correction", kCivil,
                                                              "结婚证", dir.path / "marriage.pdf")),
                    Error);
    CHECK(store.audit().verify().ok);
}

TEST_CASE("Two counters supplying to one case at once get numbers of their own",
          "[store][supply]") {
    testing::TempDir dir{"onewindow-supply-race"};
    auto store = open_store(dir.path);
    std::ofstream(dir.path / "id.png") << "scan of an ID card";
    AcceptRequest r = testing::sample_accept_request(kAcceptedAt);
    r.items = {testing::sample_item(kHealth, "county_health", "county_health")};
    r.materials = {{"photo", "照片", 1, 0, {}, true, "三日内补交"},
                   {"household", "户口簿", 1, 0, {}, true, "三日内补交"}};
    const std::string number = store.cases().accept(r).case_number;
    std::ofstream(dir.path / "a.png") << "photo";
    std::ofstream(dir.path / "b.png") << "household register";
    std::vector<std::string> numbers(2);
    testing::at_once(2, [&](int t) {
        // A connection of its own, as another counter has (configured once, above).
        auto mine = testing::test_store(dir.path).open(
            dir.path / "materials",
            WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
        numbers[static_cast<std::size_t>(t)] =
            mine.supplements()
                .record(supply_at_wx02(number, "tolerated", "", t == 0 ? "photo" : "household",
                                       dir.path / (t == 0 ? "a.png" : "b.png")))
                .number;
    });
    std::sort(numbers.begin(), numbers.end());
    CHECK(numbers == std::vector<std::string>{number + "-BJ1", number + "-BJ2"});
    const auto record = store.cases().find(number);
    REQUIRE(record);
    for (const auto& m : record->materials) CHECK_FALSE(m.supplied_at.empty());
    CHECK(store.audit().verify().ok);
}
