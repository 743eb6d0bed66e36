// The reference back office over real HTTP on 127.0.0.1: signatures, idempotent intake and every
// refusal, checked against the real SQLite file. In process (library) and as the real executable.
#include <SQLiteCpp/SQLiteCpp.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "http_test_client.hpp"
#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/json.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
namespace ex = onewindow::exchange;
namespace bo = onewindow::backoffice;
using onewindow::testing::Response;
using onewindow::testing::send_raw;
using onewindow::testing::TempDir;

namespace {

const std::string kSecret = "counter-WX01-shared-secret";

std::string config_text(const fs::path& db) {
    return R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": ")" + db.string() +
           R"(", "departments": [{"code": "weijian", "name": "县卫生健康局"},
                                 {"code": "minzheng", "name": "县民政局"}],
           "counters": [{"id": "WX01", "secret": ")" +
           kSecret + R"("}, {"id": "WX02", "secret": "counter-WX02-shared-secret"}],
           "staff": [{"id": "weijian-office", "secret": "weijian-office-secret",
                      "departments": ["weijian"]},
                     {"id": "minzheng-office", "secret": "minzheng-office-secret",
                      "departments": ["minzheng"]}],
           "max_body_bytes": 4096, "max_clock_skew_seconds": 300})";
}

std::string case_body(const std::string& number = "WX01-20261123-0001",
                      const std::string& department = "weijian",
                      const std::string& material = "出生医学证明.jpg") {
    return R"({"case_number": ")" + number + R"(", "item": "FP-001", "item_version": 1,
        "department": ")" +
           department +
           R"(", "accepted_at": "2026-11-23 09:30:00",
        "applicant": {"name": "王芳"}, "values": {"child_name": "李小明"},
        "materials": [{"key": "birth_certificate", "name": ")" +
           material + R"(", "sha256": ""}]})";
}

/// How a test request is signed; each field can be spoiled on its own.
struct Signing {
    std::string client = "WX01", secret = kSecret;
    long long clock_offset = 0;  // seconds added to the real clock
    std::string nonce;           // empty: a fresh one
    std::string signed_body;     // set: sign this instead of the body sent
};

ex::Headers signed_headers(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& key, const Signing& s) {
    auto headers = ex::sign_request(method, target, s.signed_body.empty() ? body : s.signed_body,
                                    key, s.client, s.secret, std::time(nullptr) + s.clock_offset,
                                    s.nonce.empty() ? ex::new_nonce() : s.nonce);
    if (!key.empty()) headers.emplace_back(ex::kIdempotencyHeader, key);
    return headers;
}

Response post_case(unsigned short port, const std::string& body,
                   const std::string& key = "WX01-20261123-0001/FP-001", const Signing& s = {}) {
    return send_raw(port, "POST", "/v1/cases", body,
                    signed_headers("POST", "/v1/cases", body, key, s));
}

Signing signing_as(const std::string& client, const std::string& secret) {
    Signing s;
    s.client = client;
    s.secret = secret;
    return s;
}

const Signing kWeijianStaff = signing_as("weijian-office", "weijian-office-secret");
const Signing kMinzhengStaff = signing_as("minzheng-office", "minzheng-office-secret");
const Signing kCounter2 = signing_as("WX02", "counter-WX02-shared-secret");

Response post_decision(unsigned short port, const std::string& body,
                       const Signing& s = kWeijianStaff) {
    return send_raw(port, "POST", "/v1/decisions", body,
                    signed_headers("POST", "/v1/decisions", body, "", s));
}

Response get_signed(unsigned short port, const std::string& target, const Signing& s = {}) {
    return send_raw(port, "GET", target, "", signed_headers("GET", target, "", "", s));
}

/// Row counts of every table of the back office's file, read through a connection of our own.
std::vector<long long> row_counts(const fs::path& db) {
    SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
    std::vector<long long> counts;
    for (const char* table : {"cases", "decisions", "nonces"})
        counts.push_back(
            database.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64());
    return counts;
}

struct RunningBackoffice {
    TempDir dir{"onewindow-backoffice"};
    fs::path db = dir.path / "backoffice.db";
    bo::Server server{bo::parse_config(config_text(db), "test config", dir.path)};
    RunningBackoffice() { server.start(); }
    unsigned short port() const { return server.port(); }
};

}  // namespace

TEST_CASE("HMAC-SHA256 matches RFC 4231 and the canonical string has seven lines", "[exchange]") {
    CHECK(ex::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(ex::hmac_sha256_hex(std::string(131, '\xaa'),
                              "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    ex::SignedRequest r{
        "POST",          "/v1/cases",       "WX01", "1795435200", "0123456789abcdef",
        "WX01-1/FP-001", ex::sha256_hex("")};
    CHECK(ex::canonical_string(r) ==
          "OW1-HMAC-SHA256\nPOST\n/v1/cases\n1795435200\n0123456789abcdef\nWX01\nWX01-1/FP-001\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    // What the sender signs, the receiver accepts; any change is a bad signature.
    auto headers = ex::sign_request("POST", "/v1/cases", "{}", "K/1", "WX01", kSecret, 1000,
                                    "0123456789abcdef");
    ex::ReceivedAuth received{headers[0].second, headers[1].second, headers[2].second,
                              headers[3].second};
    ex::SignedRequest expected{"POST", "/v1/cases", "", "", "", "K/1", ex::sha256_hex("{}")};
    CHECK(ex::check_signature(received, expected, kSecret, 1000, 300).ok());
    CHECK(ex::check_signature(received, expected, kSecret, 1301, 300).failure ==
          ex::AuthFailure::StaleTimestamp);
    CHECK(ex::check_signature(received, expected, "another-secret-16b", 1000, 300).failure ==
          ex::AuthFailure::BadSignature);
    expected.idempotency_key = "K/2";
    CHECK(ex::check_signature(received, expected, kSecret, 1000, 300).failure ==
          ex::AuthFailure::BadSignature);
    received.nonce = "short";
    CHECK(ex::check_auth_headers(received).failure == ex::AuthFailure::MalformedHeader);
    CHECK(ex::new_nonce().size() == 32);
    CHECK(ex::new_nonce() != ex::new_nonce());
}

TEST_CASE("The back office accepts a case once and replays the first answer", "[backoffice]") {
    RunningBackoffice office;
    CHECK(send_raw(office.port(), "GET", "/v1/health", "", {}).status == 200);

    const std::string body = case_body();
    Response first = post_case(office.port(), body);
    REQUIRE(first.status == 201);
    CHECK_FALSE(first.replayed);
    CHECK(first.field("status") == "received");
    CHECK(first.field("reference") == "BO-000001");
    CHECK(row_counts(office.db) == std::vector<long long>{1, 0, 1});

    // Same key, same body, fresh nonce (a dispatcher's retry): the first answer, stored once.
    Response again = post_case(office.port(), body);
    CHECK(again.status == 201);
    CHECK(again.replayed);
    CHECK(again.body == first.body);
    CHECK(row_counts(office.db) == std::vector<long long>{1, 0, 1});

    // Same key, different body: a conflict, nothing stored.
    Response conflict =
        post_case(office.port(), case_body("WX01-20261123-0001", "weijian", "b.jpg"));
    CHECK(conflict.status == 409);
    CHECK(conflict.field("error") == "idempotency_conflict");
    CHECK(row_counts(office.db) == std::vector<long long>{1, 0, 1});

    // Another item is another case.
    Response second =
        post_case(office.port(), case_body("WX01-20261123-0002"), "WX01-20261123-0002/FP-001");
    CHECK(second.status == 201);
    CHECK(second.field("reference") == "BO-000002");
    CHECK(row_counts(office.db) == std::vector<long long>{2, 0, 2});

    Response decisions = get_signed(office.port(), "/v1/decisions?since=0");
    CHECK(decisions.status == 200);
    CHECK(decisions.json()->getArray("decisions")->size() == 0);
    CHECK(decisions.json()->getValue<long long>("cursor") == 0);
}

TEST_CASE("Every refusal names its reason and stores nothing", "[backoffice]") {
    RunningBackoffice office;
    REQUIRE(post_case(office.port(), case_body("WX01-20261123-0009"), "WX01-20261123-0009/FP-001")
                .status == 201);
    auto before = row_counts(office.db);
    const std::string body = case_body();
    Response refused;

    // A request signed with `s` is refused with 401 and `code`.
    auto refused_signature = [&](const Signing& s, const char* code) {
        refused = post_case(office.port(), body, "WX01-20261123-0001/FP-001", s);
        CHECK(refused.status == 401);
        CHECK(refused.field("error") == code);
    };
    Signing s;
    SECTION("wrong secret") {
        s.secret = "not-the-shared-secret";
        refused_signature(s, "bad_signature");
    }
    SECTION("tampered body") {
        s.signed_body = case_body("WX01-20261123-0001", "weijian", "other.jpg");
        refused_signature(s, "bad_signature");
    }
    SECTION("unknown client") {
        s.client = "WX99";
        refused_signature(s, "unknown_client");
    }
    SECTION("missing signature headers") {
        refused = send_raw(office.port(), "POST", "/v1/cases", body,
                           {{ex::kIdempotencyHeader, "WX01-20261123-0001/FP-001"}});
        CHECK(refused.status == 401);
        CHECK(refused.field("error") == "missing_header");
    }
    SECTION("stale timestamp") {
        s.clock_offset = -301;
        refused_signature(s, "stale_timestamp");
        CHECK_THAT(refused.field("message"), Catch::Contains("stale timestamp"));
    }
    SECTION("replayed nonce") {
        // The very same signed request twice: the second is a replay, even of a refused one.
        const std::string key = "WX01-20261123-0001/FP-001";
        const auto headers = signed_headers("POST", "/v1/cases", body, key, {});
        REQUIRE(send_raw(office.port(), "POST", "/v1/cases", body, headers).status == 201);
        before = row_counts(office.db);
        refused = send_raw(office.port(), "POST", "/v1/cases", body, headers);
        CHECK(refused.status == 401);
        CHECK(refused.field("error") == "replayed_nonce");
    }
    SECTION("oversized body") {
        std::string big = case_body();
        big.insert(big.size() - 1, R"(, "padding": ")" + std::string(5000, 'x') + "\"");
        refused = post_case(office.port(), big);
        CHECK(refused.status == 413);
        CHECK(refused.field("error") == "payload_too_large");
    }
    SECTION("malformed JSON") {
        refused = post_case(office.port(), R"({"case_number": "WX01-20261123-0001", )");
        CHECK(refused.status == 400);
        CHECK(refused.field("error") == "malformed_json");
        CHECK(refused.field("path") == "$");
    }
    SECTION("a field of the wrong type") {
        std::string wrong = body;
        wrong.replace(wrong.find("\"item\": \"FP-001\""), 16, "\"item\": 7");
        refused = post_case(office.port(), wrong);
        CHECK(refused.status == 400);
        CHECK(refused.field("error") == "invalid_request");
        CHECK(refused.field("path") == "$.item");
    }
    SECTION("unknown department") {
        refused = post_case(office.port(), case_body("WX01-20261123-0001", "shuiwu"));
        CHECK(refused.status == 404);
        CHECK(refused.field("error") == "unknown_department");
        CHECK(refused.field("path") == "$.department");
    }
    SECTION("path traversal in a material name") {
        refused = post_case(office.port(),
                            case_body("WX01-20261123-0001", "weijian", "../../etc/passwd"));
        CHECK(refused.status == 400);
        CHECK(refused.field("path") == "$.materials[0].name");
    }
    SECTION("missing idempotency key") {
        refused = post_case(office.port(), body, "");
        CHECK(refused.status == 400);
        CHECK(refused.field("error") == "missing_idempotency_key");
    }
    SECTION("idempotency key of another item") {
        refused = post_case(office.port(), body, "WX01-20261123-0001/FP-002");
        CHECK(refused.status == 400);
        CHECK(refused.field("path") == ex::kIdempotencyHeader);
    }
    SECTION("unknown route and wrong method") {
        CHECK(send_raw(office.port(), "GET", "/v1/nothing", "", {}).status == 404);
        refused = send_raw(office.port(), "DELETE", "/v1/cases", "", {});
        CHECK(refused.status == 405);
    }
    CHECK_FALSE(refused.field("message").empty());
    CHECK_FALSE(refused.field("message_zh").empty());
    CHECK(row_counts(office.db) == before);
}

namespace {

/// Sends case <number>/FP-001 from the counter that signs with `s`; returns its reference.
std::string send_case(unsigned short port, const std::string& number, const Signing& s = {}) {
    Response r = post_case(port, case_body(number), number + "/FP-001", s);
    REQUIRE(r.status == 201);
    return r.field("reference");
}

const std::string kApprove =
    R"({"reference": "BO-000001", "outcome": "approved", "decided_by": "赵强",
        "data": {"certificate_number": "WX-FP-2026-0001", "valid_until": "2027-11-23"}})";

Poco::JSON::Array::Ptr decisions_of(const Response& r) {
    REQUIRE(r.status == 200);
    return r.json()->getArray("decisions");
}

long long cursor_at(const Poco::JSON::Array::Ptr& list, unsigned i) {
    return list->getObject(i)->getValue<long long>("cursor");
}

}  // namespace

TEST_CASE("Department staff decide cases and each counter pulls its decisions by cursor",
          "[backoffice]") {
    RunningBackoffice office;
    const unsigned short port = office.port();
    for (const char* number : {"WX01-20261123-0001", "WX01-20261123-0002", "WX01-20261123-0003"})
        send_case(port, number);
    CHECK(send_case(port, "WX02-20261123-0001", kCounter2) == "BO-000004");

    Response listed = get_signed(port, "/v1/cases?status=received", kWeijianStaff);
    REQUIRE(listed.status == 200);
    auto cases = listed.json()->getArray("cases");
    REQUIRE(cases->size() == 4);
    CHECK(cases->getObject(0)->getValue<std::string>("reference") == "BO-000001");
    CHECK(cases->getObject(0)
              ->getObject("case")
              ->getObject("applicant")
              ->getValue<std::string>("name") == "王芳");
    CHECK(get_signed(port, "/v1/cases", kMinzhengStaff).json()->getArray("cases")->size() == 0);

    Response approved = post_decision(port, kApprove);
    REQUIRE(approved.status == 201);
    CHECK(approved.json()->getValue<long long>("cursor") == 1);
    CHECK(post_decision(port, R"({"reference": "BO-000002", "outcome": "rejected",
                                  "reason": "不符合生育登记条件"})")
              .status == 201);
    CHECK(post_decision(port, R"({"reference": "BO-000003", "outcome": "correction",
                                  "missing_materials": ["结婚证"], "reason": "复印件不清晰"})")
              .status == 201);
    CHECK(post_decision(port, R"({"reference": "BO-000004", "outcome": "approved",
                                  "data": {"certificate_number": "WX-FP-2026-0002"}})")
              .status == 201);
    CHECK(row_counts(office.db)[1] == 4);

    // WX01 sees its own three decisions, oldest first, with what the documents need.
    auto mine = decisions_of(get_signed(port, "/v1/decisions?since=0"));
    REQUIRE(mine->size() == 3);
    CHECK(cursor_at(mine, 0) == 1);
    CHECK(cursor_at(mine, 1) == 2);
    CHECK(cursor_at(mine, 2) == 3);
    auto first = mine->getObject(0);
    CHECK(first->getValue<std::string>("case_number") == "WX01-20261123-0001");
    CHECK(first->getValue<std::string>("outcome") == "approved");
    CHECK(first->getValue<std::string>("decided_by") == "赵强");
    CHECK(first->getObject("data")->getValue<std::string>("certificate_number") ==
          "WX-FP-2026-0001");
    CHECK(mine->getObject(1)->getValue<std::string>("reason") == "不符合生育登记条件");
    CHECK(mine->getObject(2)->getArray("missing_materials")->getElement<std::string>(0) ==
          "结婚证");
    CHECK(get_signed(port, "/v1/decisions?since=0").json()->getValue<long long>("cursor") == 3);

    // Paging by cursor neither misses nor repeats.
    auto page = decisions_of(get_signed(port, "/v1/decisions?since=0&limit=2"));
    REQUIRE(page->size() == 2);
    auto rest = decisions_of(get_signed(port, "/v1/decisions?since=2&limit=2"));
    REQUIRE(rest->size() == 1);
    CHECK(cursor_at(rest, 0) == 3);
    CHECK(decisions_of(get_signed(port, "/v1/decisions?since=3"))->size() == 0);

    // WX02 sees only its own.
    auto theirs = decisions_of(get_signed(port, "/v1/decisions?since=0", kCounter2));
    REQUIRE(theirs->size() == 1);
    CHECK(cursor_at(theirs, 0) == 4);

    // After a correction the case can still be decided; the new decision gets a new cursor.
    CHECK(post_decision(port, R"({"reference": "BO-000003", "outcome": "approved",
                                  "data": {"certificate_number": "WX-FP-2026-0003"}})")
              .status == 201);
    auto later = decisions_of(get_signed(port, "/v1/decisions?since=3"));
    REQUIRE(later->size() == 1);
    CHECK(cursor_at(later, 0) == 5);
    CHECK(get_signed(port, "/v1/cases?status=approved", kWeijianStaff)
              .json()
              ->getArray("cases")
              ->size() == 3);
}

TEST_CASE("Every refused decision names its reason and stores nothing", "[backoffice]") {
    RunningBackoffice office;
    const unsigned short port = office.port();
    send_case(port, "WX01-20261123-0001");
    send_case(port, "WX01-20261123-0002");
    REQUIRE(post_decision(port, kApprove).status == 201);
    auto before = row_counts(office.db);
    Response refused;
    auto refused_with = [&](const std::string& body, int status, const char* code,
                            const char* path) {
        refused = post_decision(port, body);
        CHECK(refused.status == status);
        CHECK(refused.field("error") == code);
        CHECK(refused.field("path") == path);
    };

    SECTION("another decision on a decided case") {
        refused_with(R"({"reference": "BO-000001", "outcome": "rejected", "reason": "x"})", 409,
                     "already_decided", "$.outcome");
    }
    SECTION("the same decision again replays the first answer") {
        refused = post_decision(port, kApprove);
        CHECK(refused.status == 201);
        CHECK(refused.replayed);
        CHECK(refused.json()->getValue<long long>("cursor") == 1);
        refused = post_decision(port, R"({"reference": "BO-000009", "outcome": "x"})");
    }
    SECTION("rejected without a reason") {
        refused_with(R"({"reference": "BO-000002", "outcome": "rejected"})", 400, "invalid_request",
                     "$.reason");
    }
    SECTION("correction without materials") {
        refused_with(R"({"reference": "BO-000002", "outcome": "correction",
                         "missing_materials": []})",
                     400, "invalid_request", "$.missing_materials");
    }
    SECTION("approved without the document's data") {
        refused_with(R"({"reference": "BO-000002", "outcome": "approved", "data": {}})", 400,
                     "invalid_request", "$.data");
    }
    SECTION("an unknown outcome") {
        refused_with(R"({"reference": "BO-000002", "outcome": "maybe"})", 400, "invalid_request",
                     "$.outcome");
    }
    SECTION("an unknown or malformed reference") {
        refused_with(R"({"reference": "BO-999999", "outcome": "rejected", "reason": "x"})", 404,
                     "unknown_case", "$.reference");
        refused_with(R"({"reference": "BO-2", "outcome": "rejected", "reason": "x"})", 404,
                     "unknown_case", "$.reference");
    }
    SECTION("malformed JSON") { refused_with(R"({"reference": )", 400, "malformed_json", "$"); }
    // The same valid rejection of BO-000002, signed by `s`.
    auto refused_from = [&](const Signing& s, int status, const char* code) {
        refused = post_decision(
            port, R"({"reference": "BO-000002", "outcome": "rejected", "reason": "x"})", s);
        CHECK(refused.status == status);
        CHECK(refused.field("error") == code);
    };
    SECTION("staff of another department") { refused_from(kMinzhengStaff, 403, "forbidden"); }
    SECTION("a counter may not decide") { refused_from(Signing{}, 401, "unknown_client"); }
    SECTION("a bad staff signature") {
        refused_from(signing_as("weijian-office", "not-the-office-secret"), 401, "bad_signature");
    }
    SECTION("bad cursors and filters") {
        CHECK(get_signed(port, "/v1/decisions?since=-1").status == 400);
        CHECK(get_signed(port, "/v1/decisions?since=1&wait=61").status == 400);
        CHECK(get_signed(port, "/v1/cases?status=lost", kWeijianStaff).status == 400);
        refused = get_signed(port, "/v1/decisions?since=x");
        CHECK(refused.field("error") == "bad_query");
        CHECK(refused.field("path") == "since");
    }
    CHECK_FALSE(refused.field("message_zh").empty());
    CHECK(row_counts(office.db) == before);
}

TEST_CASE("A long poll for decisions returns as soon as one is made", "[backoffice]") {
    RunningBackoffice office;
    const unsigned short port = office.port();
    send_case(port, "WX01-20261123-0001");

    const auto start = std::chrono::steady_clock::now();
    CHECK(decisions_of(get_signed(port, "/v1/decisions?since=0&wait=1"))->size() == 0);
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(900));

    auto poll = std::async(std::launch::async,
                           [&] { return get_signed(port, "/v1/decisions?since=0&wait=30"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto decided = std::chrono::steady_clock::now();
    REQUIRE(post_decision(port, kApprove).status == 201);
    REQUIRE(poll.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(std::chrono::steady_clock::now() - decided < std::chrono::seconds(5));
    auto found = decisions_of(poll.get());
    REQUIRE(found->size() == 1);
    CHECK(cursor_at(found, 0) == 1);
}

TEST_CASE("A bad configuration is refused with the JSON path of each problem", "[backoffice]") {
    TempDir dir;
    try {
        bo::parse_config(R"({"listen": {"address": "127.0.0.1", "port": 70000},
            "database": "x.db", "departments": [],
            "counters": [{"id": "WX01", "secret": "short"}]})",
                         "backoffice.json", dir.path);
        FAIL("no error");
    } catch (const onewindow::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("$.listen.port"));
        CHECK_THAT(e.what(), Catch::Contains("$.departments"));
        CHECK_THAT(e.what(), Catch::Contains("$.counters[0].secret"));
    }
    const std::string tls_without_key =
        config_text(dir.path / "x.db")
            .insert(1, R"("tls": {"certificate": "office.pem", "key": "office.key"}, )");
    try {
        bo::parse_config(tls_without_key, "backoffice.json", dir.path);
        FAIL("no error");
    } catch (const onewindow::Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("$.tls.private_key: is missing"));
        CHECK_THAT(e.what(), Catch::Contains("$.tls.key: unknown key"));
    }
    // A certificate that is not there is refused when the server starts, naming the file.
    bo::Server server(bo::parse_config(
        config_text(dir.path / "x.db")
            .insert(1, R"("tls": {"certificate": "none.pem", "private_key": "none.key"}, )"),
        "backoffice.json", dir.path));
    CHECK_THROWS_WITH(server.start(), Catch::Contains("none.pem"));
}

TEST_CASE("The onewindow-backoffice executable serves with a configuration file", "[backoffice]") {
    TempDir dir{"onewindow-backoffice-exe"};
    const fs::path db = dir.path / "office.db";
    const fs::path config = dir.path / "backoffice.json";
    std::ofstream(config) << config_text("office.db");  // relative to the configuration file

    onewindow::testing::ChildProcess office(
        {std::string(ONEWINDOW_STAGE_DIR) + "/bin/onewindow-backoffice", "--config",
         config.string()});
    REQUIRE(office.started());
    const std::string line = office.read_line().value_or("");
    INFO(line);
    REQUIRE(line.rfind("LISTENING 127.0.0.1:", 0) == 0);
    const auto port = static_cast<unsigned short>(std::stoi(line.substr(line.rfind(':') + 1)));

    Response accepted = post_case(port, case_body());
    CHECK(accepted.status == 201);
    Response stale = [&] {
        Signing s;
        s.clock_offset = 3600;
        return post_case(port, case_body(), "WX01-20261123-0001/FP-001", s);
    }();
    CHECK(stale.status == 401);
    CHECK(stale.field("error") == "stale_timestamp");
    CHECK(row_counts(db) == std::vector<long long>{1, 0, 1});

    office.signal(SIGTERM);
    const int status = office.wait();
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("Long polls are capped, leave threads for the staff, and wake when the server stops",
          "[backoffice]") {
    using namespace std::chrono_literals;
    RunningBackoffice office;
    const unsigned short port = office.port();
    send_case(port, "WX01-20261123-0001");
    auto poll = [port](const std::string& target) {
        return std::async(std::launch::async, [port, target]() -> int {
            try {
                return static_cast<int>(decisions_of(get_signed(port, target))->size());
            } catch (const std::exception&) {
                return -1;  // the connection was closed by the stopping server
            }
        });
    };
    std::vector<std::future<int>> waiting;
    for (int i = 0; i < 4; ++i) waiting.push_back(poll("/v1/decisions?since=0&wait=30"));
    std::this_thread::sleep_for(300ms);

    // A fifth long poll answers at once, and the staff still decide while four wait.
    const auto start = std::chrono::steady_clock::now();
    CHECK(decisions_of(get_signed(port, "/v1/decisions?since=0&wait=30"))->size() == 0);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
    CHECK(post_decision(port, kApprove).status == 201);
    for (auto& w : waiting) {
        REQUIRE(w.wait_for(10s) == std::future_status::ready);
        CHECK(w.get() == 1);
    }

    auto last = poll("/v1/decisions?since=1&wait=30");
    std::this_thread::sleep_for(300ms);
    const auto stopping = std::chrono::steady_clock::now();
    office.server.stop();
    CHECK(std::chrono::steady_clock::now() - stopping < 5s);
    REQUIRE(last.wait_for(10s) == std::future_status::ready);
    CHECK(last.get() <= 0);
}

namespace {

std::string supplement_body(const std::string& reason = "correction",
                            const std::string& department = "weijian",
                            const std::string& sha = std::string(64, 'a')) {
    return R"({"supplement": "WX01-20261123-0001-BJ1", "case_number": "WX01-20261123-0001",
        "item": "FP-001", "department": ")" +
           department + R"(", "reason": ")" + reason +
           R"(", "supplied_at": "2026-11-25 10:00:00", "counter": "WX02",
        "materials": [{"key": "marriage", "name": "结婚证.pdf", "copies": 1, "sha256": ")" +
           sha + R"("}]})";
}

Response post_supplement(unsigned short port, const std::string& body,
                         const std::string& key = "WX01-20261123-0001-BJ1/FP-001",
                         const Signing& s = {}) {
    return send_raw(port, "POST", "/v1/supplements", body,
                    signed_headers("POST", "/v1/supplements", body, key, s));
}

long long supplements_in(const fs::path& db) {
    SQLite::Database database(db.string(), SQLite::OPEN_READONLY);
    return database.execAndGet("SELECT count(*) FROM supplements").getInt64();
}

}  // namespace

TEST_CASE("Materials supplied later join their case once, and a correction goes back to review",
          "[backoffice][supply]") {
    RunningBackoffice office;
    const unsigned short port = office.port();
    REQUIRE(send_case(port, "WX01-20261123-0001") == "BO-000001");
    REQUIRE(post_decision(port, R"({"reference": "BO-000001", "outcome": "correction",
                                    "missing_materials": ["结婚证"]})")
                .status == 201);

    // What is refused names its reason, and nothing is stored.
    auto refused = [&](const Response& r, int status, const std::string& error,
                       const std::string& says) {
        CHECK(r.status == status);
        CHECK(r.field("error") == error);
        CHECK_THAT(r.body, Catch::Contains(says));
        CHECK(supplements_in(office.db) == 0);
    };
    refused(post_supplement(port, supplement_body("forgotten")), 400, "invalid_request",
            "$.reason");
    refused(post_supplement(port, supplement_body("correction", "weijian", "")), 400,
            "invalid_request", "$.materials[0].sha256");
    refused(post_supplement(port, supplement_body(), ""), 400, "missing_idempotency_key",
            ex::kIdempotencyHeader);
    refused(post_supplement(port, supplement_body(), "WX01-20261123-0001-BJ2/FP-001"), 400,
            "invalid_request", "<supplement>/<item>");
    refused(post_supplement(port, supplement_body("correction", "minzheng")), 409,
            "department_mismatch", "minzheng");
    // Another counter's client has no such case: supplements reach the cases a client sent.
    refused(post_supplement(port, supplement_body(), "WX01-20261123-0001-BJ1/FP-001", kCounter2),
            404, "unknown_case", "WX02");
    CHECK(send_raw(port, "GET", "/v1/supplements", "", {}).status == 405);

    const std::string body = supplement_body();
    Response first = post_supplement(port, body);
    REQUIRE(first.status == 201);
    CHECK(first.field("reference") == "BO-000001");
    CHECK(first.field("supplement") == "WX01-20261123-0001-BJ1");
    CHECK(supplements_in(office.db) == 1);
    {
        SQLite::Database database(office.db.string(), SQLite::OPEN_READONLY);
        CHECK(database.execAndGet("SELECT status FROM cases WHERE id = 1").getString() ==
              "received");
        // Its scan may now be uploaded and read with the case.
        CHECK(database
                  .execAndGet("SELECT count(*) FROM case_materials WHERE sha256 = '" +
                              std::string(64, 'a') + "'")
                  .getInt64() == 1);
    }
    Response again = post_supplement(port, body);
    CHECK(again.status == 201);
    CHECK(again.replayed);
    CHECK(again.body == first.body);
    CHECK(post_supplement(port, supplement_body("tolerated")).status == 409);
    CHECK(supplements_in(office.db) == 1);
    // Decided anew after the correction.
    CHECK(post_decision(port, kApprove).status == 201);
}
