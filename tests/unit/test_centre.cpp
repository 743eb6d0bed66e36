// A service centre on one PostgreSQL store: several counters at once, each with connections of
// its own, as the centre's PCs are. Run in the PostgreSQL pass only ([centre], test_store.hpp).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

#include <libpq-fe.h>

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

WorkingCalendar calendar() {
    return WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar");
}

/// The centre: one store, and a connection per counter (or per thread) opened on demand.
struct Centre {
    testing::TempDir dir{"onewindow-centre"};
    testing::TestStore db{dir.path};
    CaseStore connect() const { return db.open(dir.path / "materials", calendar()); }
};

AcceptRequest request_at(const std::string& counter, const std::string& now,
                         const std::string& id_number = "13043419960315024X") {
    AcceptRequest r = testing::sample_accept_request(now);
    r.counter = counter;
    r.applicant_id_number = id_number;
    r.items = {testing::sample_item("000718001001", "county_health", "county_health")};
    return r;
}

}  // namespace

TEST_CASE("Case numbers stay readable and unique across the centre under concurrent intake",
          "[centre]") {
    Centre centre;
    constexpr int kCounters = 6, kThreadsPerCounter = 2, kCases = 25;
    std::mutex mutex;
    std::vector<std::string> numbers;
    testing::at_once(kCounters * kThreadsPerCounter, [&](int t) {
        const std::string counter = "WX0" + std::to_string(1 + t / kThreadsPerCounter);
        CaseStore store = centre.connect();  // every PC has its own connection
        for (int i = 0; i < kCases; ++i) {
            auto number = store.cases().accept(request_at(counter, "2026-12-02 10:00:00"));
            std::lock_guard lock(mutex);
            numbers.push_back(number.case_number);
        }
    });
    const std::set<std::string> unique(numbers.begin(), numbers.end());
    CHECK(unique.size() == numbers.size());
    CHECK(numbers.size() == std::size_t{kCounters * kThreadsPerCounter * kCases});
    // Each counter's numbers run 0001.. without gaps: WX03-20261202-0050 is the last of WX03.
    for (int c = 1; c <= kCounters; ++c)
        for (int n = 1; n <= kThreadsPerCounter * kCases; ++n) {
            char expected[32];
            std::snprintf(expected, sizeof expected, "WX0%d-20261202-%04d", c, n);
            CHECK(unique.count(expected) == 1);
        }
    CHECK(centre.db.count("cases") == static_cast<long long>(numbers.size()));
    CHECK(centre.connect().audit().verify().ok);
}

TEST_CASE("Each counter's audit chain stays verifiable while every counter writes at once",
          "[centre]") {
    Centre centre;
    testing::at_once(8, [&](int t) {
        CaseStore store = centre.connect();
        const std::string counter = "WX0" + std::to_string(1 + t);
        for (int i = 0; i < 20; ++i) {
            store.cases().accept(request_at(counter, "2026-12-02 11:00:00"));
            store.notices().record_notice({counter, "张敏", "赵丽", "411526199203100247", "[]",
                                           R"([{"subject":"居民户口簿","reason":"未提交"}])",
                                           "2026-12-02 11:00:00"});
        }
    });
    const auto verified = centre.connect().audit().verify();
    CHECK(verified.ok);
    CHECK(verified.events == 8 * 20 * 2);
    // Each counter's chain is in the order of its ids: each event links to its counter's one
    // before it, the first to the (empty) legacy head.
    CHECK(centre.db.scalar(testing::kAuditLinksBroken) == 0);
    CHECK(centre.db.scalar("SELECT count(*) FROM audit_heads") == 8);
}

TEST_CASE(
    "Hand-out, supply and rating work at any counter, and the case says where it was accepted",
    "[centre]") {
    Centre centre;
    testing::TempDir scans;
    const fs::path scan = scans.path / "id-card.png";
    std::ofstream(scan) << "scan of an ID card, taken at WX01";
    CaseStore wx01 = centre.connect(), wx07 = centre.connect();
    AcceptRequest r = request_at("WX01", "2026-12-02 09:30:00");
    r.materials = {{"id_card", "居民身份证", 1, 0, scan, false, ""}};
    const std::string number = wx01.cases().accept(r).case_number;

    // WX07 finds it by number or by the applicant's ID number, with where it was accepted.
    CaseFilter by_id;
    by_id.applicant_id_number = "13043419960315024X";
    const auto found = wx07.cases().list(by_id);
    REQUIRE(found.size() == 1);
    CHECK(found[0].number == number);
    CHECK(found[0].counter == "WX01");
    const auto record = wx07.cases().find(number);
    REQUIRE(record);
    CHECK(record->counter == "WX01");
    // The scan taken at WX01 is there for WX07 (and its dispatcher) byte for byte.
    REQUIRE(record->materials.size() == 1);
    CHECK(wx07.materials().read(record->materials[0].sha256) ==
          "scan of an ID card, taken at WX01");
    CHECK(wx07.materials().reader()(record->materials[0].sha256) ==
          "scan of an ID card, taken at WX01");

    // The department decides; WX07 hands the result out and the applicant rates the visit there.
    ItemDecision approved;
    approved.cursor = 1;
    approved.case_number = number;
    approved.item_code = "000718001001";
    approved.outcome = "approved";
    approved.decided_by = "赵强";
    approved.decided_at = "2026-12-03 10:00:00";
    CHECK(wx07.decisions().record("http://office", "WX01", {"county_health"}, {approved}, {}, 1,
                                  "2026-12-03 10:05:00") == 1);
    HandOut out;
    out.case_number = number;
    out.item_codes = {"000718001001"};
    out.collector = "李娜";
    out.collector_id_number = "13043419960315024X";
    out.clerk = "王芳";
    out.counter = "WX07";
    out.now = "2026-12-03 14:00:00";
    wx07.hand_outs().record_hand_out(out);
    CHECK(wx01.cases().find(number)->status == "handed_out");
    wx07.hand_outs().record_rating(number, 5, "", "2026-12-03 14:01:00");
    const auto events = wx01.cases().find(number)->events;
    REQUIRE(events.size() >= 3);
    CHECK(events.front().counter == "WX01");  // accepted there
    bool handed_out_at_wx07 = false;
    for (const auto& e : events)
        handed_out_at_wx07 |= e.type == "case.handed_out" && e.counter == "WX07";
    CHECK(handed_out_at_wx07);
    CHECK(wx01.audit().verify().ok);
}

TEST_CASE("Accounts and lockouts are centre-wide: failures at two counters count together",
          "[centre]") {
    Centre centre;
    CaseStore wx01 = centre.connect(), wx02 = centre.connect();
    NewUser clerk;
    clerk.name = "zhangmin";
    clerk.display_name = "张敏";
    clerk.counter = "WX01";
    clerk.password = "window-2026";
    wx01.accounts().create_user(clerk, "admin");
    // Signs in at WX02 with the account made at WX01.
    CHECK(wx02.accounts().login("zhangmin", "window-2026", "2026-12-02 08:30:00").status ==
          LoginResult::Status::Ok);
    for (int i = 0; i < 3; ++i)
        CHECK(wx01.accounts().login("zhangmin", "wrong", "2026-12-02 09:00:00").status ==
              LoginResult::Status::BadCredentials);
    CHECK(wx02.accounts().login("zhangmin", "wrong", "2026-12-02 09:00:01").attempts_left == 1);
    CHECK(wx02.accounts().login("zhangmin", "wrong", "2026-12-02 09:00:02").status ==
          LoginResult::Status::Locked);
    CHECK(wx01.accounts().login("zhangmin", "window-2026", "2026-12-02 09:01:00").status ==
          LoginResult::Status::Locked);

    // Ten wrong passwords at once from ten PCs: the count and the check go one after the
    // other, so no more than five are checked before the lock.
    clerk.name = "wangfang";
    wx01.accounts().create_user(clerk, "admin");
    std::mutex mutex;
    int wrong = 0, locked = 0;
    testing::at_once(10, [&](int) {
        CaseStore pc = centre.connect();
        const auto result = pc.accounts().login("wangfang", "wrong", "2026-12-02 10:00:00");
        std::lock_guard lock(mutex);
        ++(result.status == LoginResult::Status::Locked ? locked : wrong);
    });
    CHECK(wrong == 4);   // the fifth locks the account
    CHECK(locked == 6);  // it and the five that came after it
    CHECK(centre.db.scalar("SELECT count(*) FROM audit_events WHERE type = 'user.login'"
                           " AND subject = 'wangfang' AND detail LIKE '%wrong password%'") == 5);
    CHECK(centre.db.scalar("SELECT count(*) FROM audit_events WHERE type = 'user.locked'"
                           " AND subject = 'wangfang'") == 1);
}

TEST_CASE("The supervisor's log covers every counter of the centre, and its totals are SQL's",
          "[centre]") {
    Centre centre;
    testing::at_once(4, [&](int t) {
        CaseStore store = centre.connect();
        const std::string counter = "WX0" + std::to_string(1 + t);
        for (int i = 0; i <= t * 3; ++i)
            store.cases().accept(
                request_at(counter, "2026-12-02 0" + std::to_string(8 + t % 2) + ":15:00"));
    });
    CaseStore supervisor = centre.connect();
    const LogPeriod day{{2026, 12, 2}, {2026, 12, 2}, ""};
    const CounterLog all = supervisor.log().counter_log(day);
    CHECK(all.cases == centre.db.scalar("SELECT count(*) FROM cases WHERE accepted_at >= "
                                        "'2026-12-02' AND accepted_at < '2026-12-03'"));
    CHECK(all.cases == 1 + 4 + 7 + 10);
    long long per_counter = 0;
    for (int c = 1; c <= 4; ++c) {
        LogPeriod one = day;
        one.counter = "WX0" + std::to_string(c);
        const CounterLog log = supervisor.log().counter_log(one);
        CHECK(log.cases ==
              centre.db.scalar("SELECT count(*) FROM cases WHERE counter = '" + one.counter + "'"));
        per_counter += log.cases;
    }
    CHECK(per_counter == all.cases);
}

namespace {

/// A back office that counts each POST /v1/cases per Idempotency-Key and takes a few
/// milliseconds over it (the window in which a second dispatcher could send the same row).
class CountingOffice {
  public:
    CountingOffice()
        : server_(new Factory(*this),
                  Poco::Net::ServerSocket(Poco::Net::SocketAddress("127.0.0.1", 0)),
                  new Poco::Net::HTTPServerParams) {
        server_.start();
    }
    ~CountingOffice() { server_.stopAll(true); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }
    std::map<std::string, int> posts() const {
        std::lock_guard lock(mutex_);
        return posts_;
    }

  private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        CountingOffice& office;
        explicit Handler(CountingOffice& o) : office(o) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            std::string body((std::istreambuf_iterator<char>(request.stream())),
                             std::istreambuf_iterator<char>());
            std::this_thread::sleep_for(std::chrono::milliseconds(3));
            const std::string key = request.get("Idempotency-Key", "");
            {
                std::lock_guard lock(office.mutex_);
                ++office.posts_[key];
            }
            response.setStatus(Poco::Net::HTTPResponse::HTTP_CREATED);
            response.setContentType("application/json");
            const std::string answer = R"({"reference": "BO-)" + key + "\"}";
            response.setContentLength(static_cast<std::streamsize>(answer.size()));
            response.send() << answer;
        }
    };
    struct Factory : Poco::Net::HTTPRequestHandlerFactory {
        CountingOffice& office;
        explicit Factory(CountingOffice& o) : office(o) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(
            const Poco::Net::HTTPServerRequest&) override {
            return new Handler(office);
        }
    };
    mutable std::mutex mutex_;
    std::map<std::string, int> posts_;
    Poco::Net::HTTPServer server_;
};

}  // namespace

TEST_CASE("Every counter runs a dispatcher, and each outbox row is sent by exactly one",
          "[centre][dispatcher]") {
    Centre centre;
    CountingOffice office;
    {
        CaseStore store = centre.connect();
        for (int i = 0; i < 120; ++i)
            store.cases().accept(
                request_at("WX0" + std::to_string(1 + i % 4), "2026-12-02 09:00:00"));
    }
    ExchangeConfig config;
    config.client = "WX01";
    config.timeout_seconds = 5;
    config.endpoints["county_health"] = {office.url(), "counter-WX01-shared-secret", ""};
    std::mutex mutex;
    int sent = 0;
    testing::at_once(4, [&](int t) {
        CaseStore store = centre.connect();
        ExchangeConfig mine = config;
        mine.client = "WX0" + std::to_string(1 + t);
        for (int pass = 0; pass < 20; ++pass) {
            const int n = dispatch_once(store, mine, {}, "2026-12-02 09:00:05").sent;
            std::lock_guard lock(mutex);
            sent += n;
        }
    });
    CHECK(sent == 120);
    const auto posts = office.posts();
    CHECK(posts.size() == 120);
    for (const auto& [key, count] : posts) {
        INFO(key);
        CHECK(count == 1);
    }
    CHECK(centre.db.scalar("SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 1") ==
          120);
    CHECK(centre.db.scalar("SELECT count(*) FROM audit_events WHERE type = 'outbox.sent'") == 120);
}

namespace {

/// A PostgreSQL server of the test's own (tests/postgres/pg_server.sh), to stop and start.
struct PrivateServer {
    std::string dir = "/tmp/owpg-" + std::to_string(::getpid());
    std::string script = std::string(ONEWINDOW_SOURCE_DIR) + "/tests/postgres/pg_server.sh";
    PrivateServer() { start(); }
    ~PrivateServer() {
        stop();
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    void start() { REQUIRE(std::system((script + " start " + dir).c_str()) == 0); }
    void stop() { std::system((script + " stop " + dir + " >/dev/null 2>&1").c_str()); }
    std::string url() const { return "postgresql://postgres@/postgres?host=" + dir; }
};

struct Chinese {
    Chinese() { load_default_catalog(fs::path(ONEWINDOW_STAGE_DIR) / "share/locale"); }
    ~Chinese() { clear_catalog(); }
};

}  // namespace

TEST_CASE(
    "The server stopped mid-intake: a clear message, nothing half-written, the same "
    "intake succeeds once when it is back",
    "[centre][faults]") {
    Chinese chinese;
    PrivateServer server;
    testing::TempDir dir{"onewindow-centre-fault"};
    const store::Location where{store::Engine::PostgreSQL, server.url()};
    CaseStore store = CaseStore::open(where, dir.path / "materials", calendar());
    store.cases().accept(request_at("WX01", "2026-12-02 09:00:00"));
    Draft draft;
    draft.clerk = "张敏";
    draft.counter = "WX01";
    draft.title = "李娜 一孩生育服务登记";
    const long long draft_id = store.drafts().save(draft);

    server.stop();
    const AcceptRequest second = request_at("WX01", "2026-12-02 09:10:00");
    for (int attempt = 0; attempt < 2; ++attempt) {  // the broken connection, then no server
        try {
            store.cases().accept(second);
            FAIL("accepted with the server down");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Storage);
            INFO(e.what());
            CHECK_THAT(e.what(), Catch::Contains("未作任何更改"));
            CHECK_THAT(e.what(), Catch::Contains(attempt == 0 ? "连接已中断" : "无法连接"));
            CHECK_THAT(e.what(), !Catch::Contains("password"));
        }
    }

    server.start();
    const auto accepted = store.cases().accept(second);  // the same connection comes back
    CHECK(accepted.case_number == "WX01-20261202-0002");
    CHECK(store.drafts().find(draft_id));  // the clerk's draft waited
    auto db = store::Database::open(where);
    auto cases = db->prepare("SELECT count(*) FROM cases");
    cases.step();
    CHECK(cases.int64(0) == 2);
    CHECK(store.audit().verify().ok);
}

TEST_CASE("A counter killed with SIGKILL inside a transaction leaves nothing locked for others",
          "[centre][faults]") {
    Centre centre;
    centre.connect().cases().accept(request_at("WX01", "2026-12-02 09:00:00"));
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The killed counter: in the middle of an acceptance, holding its number's row and the
        // audit chain's head, waiting for nothing.
        ::close(ready[0]);
        auto db = store::Database::open(centre.db.location());
        store::Transaction transaction(*db);
        store::next_number(*db, "WX02", "2026-12-02", "");
        db->append_audit(AuditEvent{0, "2026-12-02 09:05:00", "张敏", "WX02", "case.accepted",
                                    "WX02-20261202-0001", "{}", true, ""});
        (void)!::write(ready[1], "x", 1);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);

    // Another counter (and WX02 itself, restarted) go on at once; nothing of the killed one stays.
    CaseStore other = centre.connect();
    other.database().exec("SET lock_timeout = '10s'");  // a lock left behind fails, not hangs
    CHECK(other.cases().accept(request_at("WX03", "2026-12-02 09:06:00")).case_number ==
          "WX03-20261202-0001");
    CHECK(other.cases().accept(request_at("WX02", "2026-12-02 09:07:00")).case_number ==
          "WX02-20261202-0001");
    CHECK(centre.db.count("cases") == 3);
    CHECK(other.audit().verify().ok);
}

TEST_CASE("Bad store locations, servers and databases: one clear message each, nothing written",
          "[centre][faults]") {
    Chinese chinese;
    testing::TempDir dir{"onewindow-centre-bad"};
    auto refused = [&](const std::string& text) -> std::string {
        try {
            CaseStore::open(store::Location::parse(text, dir.path), dir.path / "m", calendar());
        } catch (const Error& e) {
            return std::to_string(static_cast<int>(e.kind())) + " " + e.what();
        }
        return "opened";
    };
    CHECK_THAT(refused("  "), Catch::StartsWith("2 ") && Catch::Contains("位置为空"));
    CHECK_THAT(refused("mysql://centre/cases"),
               Catch::StartsWith("2 ") && Catch::Contains("mysql://centre/cases"));
    // No such database on the server; no server at all; the password never shown.
    const std::string missing = testing::postgres_url("no_such_database");
    CHECK_THAT(refused(missing), Catch::StartsWith("3 ") && Catch::Contains("无法连接案件数据库") &&
                                     Catch::Contains("no_such_database"));
    CHECK_THAT(refused("postgresql://clerk:s3cret@/cases?host=/tmp/no-such-server"),
               Catch::StartsWith("3 ") && Catch::Contains("无法连接案件数据库") &&
                   Catch::Contains("clerk:***@") && !Catch::Contains("s3cret"));
    // A server of another major version.
    const store::Location where{store::Engine::PostgreSQL, missing};
    CHECK_NOTHROW(store::check_postgres_version(where, 150018));
    try {
        store::check_postgres_version(where, 140011);
        FAIL("PostgreSQL 14 accepted");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Storage);
        CHECK_THAT(e.what(), Catch::Contains("PostgreSQL 14") && Catch::Contains("15 至 17"));
    }

    // Somebody else's database is not taken over.
    testing::TestStore theirs{dir.path};
    {
        PGconn* conn = PQconnectdb(theirs.location().target.c_str());
        PQclear(PQexec(conn, "CREATE TABLE payroll (id INTEGER)"));
        PQfinish(conn);
    }
    CHECK_THAT(refused(theirs.location().target),
               Catch::StartsWith("3 ") && Catch::Contains("不是一窗通的数据库"));

    // A role without the right to create the schema: told so, and nothing is created.
    testing::postgres_admin("DROP ROLE IF EXISTS ow_no_rights");
    testing::postgres_admin("CREATE ROLE ow_no_rights LOGIN");
    testing::TestStore empty{dir.path};
    const std::string as_clerk =
        "postgresql://ow_no_rights@" +
        empty.location().target.substr(std::string("postgresql://postgres@").size());
    CHECK_THAT(refused(as_clerk), Catch::StartsWith("3 ") && Catch::Contains("ow_no_rights") &&
                                      Catch::Contains("没有执行此操作的权限"));
    {
        // Counted without opening it as a store (which would create the schema).
        PGconn* conn = PQconnectdb(empty.location().target.c_str());
        PGresult* tables =
            PQexec(conn, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
        CHECK(std::string(PQgetvalue(tables, 0, 0)) == "0");
        PQclear(tables);
        PQfinish(conn);
    }
    testing::postgres_admin("DROP ROLE ow_no_rights");

    // The command line says the same, with a non-zero exit code.
    const std::string cli = std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-cli --data '" +
                            dir.path.string() + "' --store '" + missing + "' audit verify 2>&1";
    FILE* pipe = ::popen(cli.c_str(), "r");
    std::string output;
    char buffer[512];
    while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    CHECK(WEXITSTATUS(::pclose(pipe)) == 3);
    CHECK_THAT(output, Catch::Contains("无法连接案件数据库"));
}
