// The back office's staff web page over real HTTP on 127.0.0.1 (Poco HTTPClientSession): login,
// sessions, CSRF, the case list and detail, decisions through the same code path as the JSON API,
// and a real counter pulling the decisions made in the page.
#include <Poco/JSON/Object.h>
#include <Poco/URI.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "http_test_client.hpp"
#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/json.hpp"
#include "sample_case.hpp"
#include "temp_dir.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

const std::string kAcceptedAt = "2026-09-29 10:00:00";
const std::string kSecret = "counter-WX01-shared-secret";
const std::string kPassword = "赵强的密码 2026";

/// A back office for county_health and civil_affairs with one web user, 赵强, who decides for
/// county_health only.
struct WebOffice {
    testing::TempDir dir{"onewindow-staff-web"};
    fs::path db = dir.path / "office.db";
    backoffice::Server server;
    explicit WebOffice(int session_seconds = 1800)
        : server(backoffice::parse_config(
              R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": "office.db",
                  "departments": [{"code": "county_health", "name": "县卫生健康局"},
                                  {"code": "civil_affairs", "name": "县民政局"}],
                  "counters": [{"id": "WX01", "secret": ")" +
                  kSecret + R"("}],
                  "staff_users": [{"name": "zhaoqiang", "display_name": "赵强",
                                   "password_hash": ")" +
                  backoffice::hash_staff_password(kPassword, backoffice::kMinStaffRounds) + R"(",
                                   "departments": ["county_health"]}],
                  "session_seconds": )" +
                  std::to_string(session_seconds) + "}",
              "web office config", dir.path)) {
        server.start();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
    long long decisions() const {
        SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
        return d.execAndGet("SELECT count(*) FROM decisions").getInt64();
    }
};

using Page = testing::Response;

/// A browser-like request: `cookie` sent as is, `form` as an urlencoded body of a POST.
Page browse(unsigned short port, const std::string& method, const std::string& target,
            const std::string& cookie = {}, const std::string& form = {}) {
    exchange::Headers headers;
    if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
    return testing::send_raw(port, method, target, form, headers,
                             "application/x-www-form-urlencoded");
}

/// An urlencoded form body.
std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        std::string encoded;
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", encoded);
        out += (out.empty() ? "" : "&") + name + "=" + encoded;
    }
    return out;
}

/// Logs in; the "name=value" of the session cookie.
std::string log_in(unsigned short port) {
    Page page = browse(port, "POST", "/staff/login", {},
                       form({{"user", "zhaoqiang"}, {"password", kPassword}}));
    REQUIRE(page.status == 303);
    REQUIRE(page.location == "/staff/cases");
    return page.cookie.substr(0, page.cookie.find(';'));
}

/// The CSRF token in a page's forms.
std::string csrf_of(const std::string& body) {
    const std::string marker = "name=\"csrf\" value=\"";
    const auto at = body.find(marker);
    REQUIRE(at != std::string::npos);
    return body.substr(at + marker.size(), 32);
}

CaseStore open_store(const fs::path& dir) {
    return CaseStore::open(
        dir / "counter.db", dir / "materials",
        WorkingCalendar::load_dir(fs::path(ONEWINDOW_SOURCE_DIR) / "app/core/data/calendar"));
}

/// POST /v1/cases as WX01 would send it: signed, with its idempotency key.
testing::Response post_case(unsigned short port, const std::string& body, const std::string& key) {
    auto headers = exchange::sign_request("POST", "/v1/cases", body, key, "WX01", kSecret,
                                          std::time(nullptr), exchange::new_nonce());
    headers.emplace_back(exchange::kIdempotencyHeader, key);
    return testing::send_raw(port, "POST", "/v1/cases", body, headers);
}

/// WX01's exchange.json: both departments' endpoints at `office`.
ExchangeConfig counter_config(const WebOffice& office) {
    ExchangeConfig config;
    config.client = "WX01";
    config.timeout_seconds = 5;
    config.endpoints["county_health"] = {office.url(), kSecret, ""};
    config.endpoints["civil_affairs"] = {office.url(), kSecret, ""};
    return config;
}

/// The back office's reference of a dispatched item (from the answer its outbox row kept).
std::string reference_of(CaseStore& store, const std::string& number, const std::string& item) {
    for (const auto& row : store.outbox().rows(number))
        if (row.item_code == item)
            return parse_json(row.response, "answer")
                .extract<Poco::JSON::Object::Ptr>()
                ->getValue<std::string>("reference");
    FAIL("no outbox row for " << item);
    return {};
}

}  // namespace

TEST_CASE("Staff web page: log in, list, approve, reject, and the counter pulls the decisions",
          "[backoffice][web]") {
    WebOffice office;
    const unsigned short port = office.server.port();
    testing::TempDir dir{"onewindow-staff-web-counter"};
    auto store = open_store(dir.path);
    AcceptRequest request = testing::sample_accept_request(kAcceptedAt);
    request.items = {testing::sample_item("000718001001", "county_health", "county_health"),
                     testing::sample_item("000718001002", "county_health", "county_health"),
                     testing::sample_item("000718002000", "civil_affairs", "civil_affairs")};
    const std::string number = store.cases().accept(request).case_number;
    const ExchangeConfig config = counter_config(office);
    REQUIRE(dispatch_once(store, config, {}, kAcceptedAt).sent == 3);
    const std::string approve = reference_of(store, number, "000718001001"),
                      reject = reference_of(store, number, "000718001002"),
                      civil = reference_of(store, number, "000718002000");

    // A case carrying applicant data and materials, with markup in a name.
    const std::string body =
        R"({"case_number": "WX01-20261123-0009", "item": "FP-001", "department": "county_health",
            "accepted_at": "2026-11-23 09:30:00",
            "applicant": {"name": "<b>王芳</b>", "id_number": "130434199001011234",
                          "phone": "13831045678"},
            "values": {"child_name": "李小明"},
            "materials": [{"key": "birth_certificate", "name": "出生医学证明.jpg"}]})";
    auto posted = post_case(port, body, "WX01-20261123-0009/FP-001");
    REQUIRE(posted.status == 201);
    const std::string marked = posted.field("reference");

    // Without a session every page leads to the login.
    Page page = browse(port, "GET", "/staff/cases");
    CHECK(page.status == 303);
    CHECK(page.location == "/staff/login");
    page = browse(port, "GET", "/staff/login");
    CHECK(page.status == 200);
    CHECK(page.content_type == "text/html; charset=utf-8");
    CHECK_THAT(page.body, Catch::Contains("工作人员登录"));

    // A wrong password or an unknown name is refused, with no session.
    page = browse(port, "POST", "/staff/login", {},
                  form({{"user", "zhaoqiang"}, {"password", "wrong password"}}));
    CHECK(page.status == 401);
    CHECK(page.cookie.empty());
    CHECK_THAT(page.body, Catch::Contains("用户名或密码错误"));
    page = browse(port, "POST", "/staff/login", {},
                  form({{"user", "nobody"}, {"password", kPassword}}));
    CHECK(page.status == 401);
    CHECK(page.cookie.empty());
    page = browse(port, "POST", "/staff/login", {},
                  form({{"user", "zhaoqiang"}, {"password", kPassword}}));
    CHECK(page.status == 303);
    CHECK_THAT(page.cookie, Catch::Contains("HttpOnly") && Catch::Contains("SameSite=Strict") &&
                                Catch::Contains("Path=/staff"));
    const std::string cookie = log_in(port);
    CHECK(cookie.size() == std::string("ow_staff=").size() + 32);

    // The list shows the cases of 赵强's department only, escaped and masked.
    page = browse(port, "GET", "/staff/cases", cookie);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains(approve) && Catch::Contains(reject) &&
                              Catch::Contains(marked) && Catch::Contains("赵强（县卫生健康局）"));
    CHECK_THAT(page.body, !Catch::Contains(civil));
    CHECK_THAT(page.body, Catch::Contains("&lt;b&gt;王芳&lt;/b&gt;"));
    CHECK_THAT(page.body, !Catch::Contains("<b>王芳"));
    CHECK_THAT(page.body, Catch::Contains("130434********1234"));
    CHECK_THAT(page.body, !Catch::Contains("130434199001011234"));

    // The detail: data, materials by name, the decision forms with the session's token.
    page = browse(port, "GET", "/staff/cases/" + marked, cookie);
    CHECK(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("出生医学证明.jpg") && Catch::Contains("李小明") &&
                              Catch::Contains("138****5678"));
    CHECK_THAT(page.body, !Catch::Contains("13831045678"));
    const std::string csrf = csrf_of(page.body);
    CHECK(browse(port, "GET", "/staff/cases/" + civil, cookie).status == 404);

    // A POST without the token or with another one is refused, and stores nothing.
    page = browse(port, "POST", "/staff/cases/" + approve, cookie,
                  form({{"outcome", "approved"}, {"certificate_number", "WX-FP-2026-0001"}}));
    CHECK(page.status == 403);
    page = browse(port, "POST", "/staff/cases/" + approve, cookie,
                  form({{"csrf", std::string(32, '0')},
                        {"outcome", "approved"},
                        {"certificate_number", "WX-FP-2026-0001"}}));
    CHECK(page.status == 403);
    CHECK_THAT(page.body, Catch::Contains("未作任何更改"));
    CHECK(office.decisions() == 0);

    // Bad input: the same rules as POST /v1/decisions, said in Chinese, nothing stored.
    page = browse(port, "POST", "/staff/cases/" + approve, cookie,
                  form({{"csrf", csrf}, {"outcome", "approved"}, {"certificate_number", " "}}));
    CHECK(page.status == 400);
    CHECK_THAT(page.body, Catch::Contains("证书编号"));
    page = browse(port, "POST", "/staff/cases/" + reject, cookie,
                  form({{"csrf", csrf}, {"outcome", "rejected"}}));
    CHECK(page.status == 400);
    CHECK_THAT(page.body, Catch::Contains("不予批准须填写理由"));
    page = browse(port, "POST", "/staff/cases/" + civil, cookie,
                  form({{"csrf", csrf}, {"outcome", "rejected"}, {"reason", "x"}}));
    CHECK(page.status == 404);
    CHECK(office.decisions() == 0);

    // Approve one, reject one (Post/Redirect/Get).
    page = browse(
        port, "POST", "/staff/cases/" + approve, cookie,
        form({{"csrf", csrf}, {"outcome", "approved"}, {"certificate_number", "WX-FP-2026-0001"}}));
    CHECK(page.status == 303);
    CHECK(page.location == "/staff/cases/" + approve + "?saved=1");
    page = browse(port, "GET", page.location, cookie);
    CHECK_THAT(page.body, Catch::Contains("处理决定已保存") && Catch::Contains("已批准") &&
                              Catch::Contains("证书编号") && Catch::Contains("WX-FP-2026-0001"));
    CHECK_THAT(page.body, !Catch::Contains("name=\"outcome\""));  // decided: no more forms
    page =
        browse(port, "POST", "/staff/cases/" + reject, cookie,
               form({{"csrf", csrf}, {"outcome", "rejected"}, {"reason", "不符合政策规定的条件"}}));
    CHECK(page.status == 303);
    CHECK_THAT(browse(port, "GET", "/staff/cases/" + reject, cookie).body,
               Catch::Contains("不符合政策规定的条件") && Catch::Contains("赵强"));
    // A final decision is final.
    page = browse(port, "POST", "/staff/cases/" + approve, cookie,
                  form({{"csrf", csrf}, {"outcome", "rejected"}, {"reason", "改主意了"}}));
    CHECK(page.status == 409);
    CHECK_THAT(page.body, Catch::Contains("已办结"));
    CHECK(office.decisions() == 2);

    // The counter pulls them: the items follow, with the page's data.
    auto pulled = pull_decisions(store, config);
    CHECK(pulled.decisions == 2);
    CHECK(pulled.errors.empty());
    auto record = store.cases().find(number);
    CHECK(record->items[0].status == "approved");
    CHECK(record->items[1].status == "rejected");
    auto kept = store.decisions().of_case(number);
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].decided_by == "赵强");
    CHECK_THAT(kept[0].data_json, Catch::Contains("WX-FP-2026-0001"));
    CHECK(kept[1].reason == "不符合政策规定的条件");

    // A correction request names the missing materials, one a line; the case stays open.
    page = browse(port, "POST", "/staff/cases/" + marked, cookie,
                  form({{"csrf", csrf},
                        {"outcome", "correction"},
                        {"missing_materials", "结婚证\r\n\r\n 户口簿 \r\n"}}));
    CHECK(page.status == 303);
    page = browse(port, "GET", "/staff/cases/" + marked, cookie);
    CHECK_THAT(page.body, Catch::Contains("待补正") && Catch::Contains("结婚证、户口簿") &&
                              Catch::Contains("name=\"outcome\""));

    // Logging out ends the session.
    page = browse(port, "POST", "/staff/logout", cookie, form({{"csrf", csrf}}));
    CHECK(page.status == 303);
    CHECK(page.location == "/staff/login");
    CHECK_THAT(page.cookie, Catch::Contains("Max-Age=0"));
    CHECK(browse(port, "GET", "/staff/cases", cookie).location == "/staff/login");
}

TEST_CASE("Staff web page: an expired or unknown session leads to the login and stores nothing",
          "[backoffice][web]") {
    WebOffice office(2);  // whole seconds: at least 1 s left after the login
    const unsigned short port = office.server.port();
    const std::string cookie = log_in(port);
    Page page = browse(port, "GET", "/staff/cases", cookie);
    REQUIRE(page.status == 200);
    const std::string csrf = csrf_of(page.body);
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    page = browse(port, "GET", "/staff/cases", cookie);
    CHECK(page.status == 303);
    CHECK(page.location == "/staff/login");
    page = browse(port, "POST", "/staff/cases/BO-000001", cookie,
                  form({{"csrf", csrf}, {"outcome", "rejected"}, {"reason", "x"}}));
    CHECK(page.status == 303);
    CHECK(page.location == "/staff/login");
    CHECK(browse(port, "GET", "/staff/cases", "ow_staff=" + std::string(32, 'a')).status == 303);
    CHECK(office.decisions() == 0);
}

TEST_CASE("Staff web page: five failed logins in a row lock the user name", "[backoffice][web]") {
    WebOffice office;
    const unsigned short port = office.server.port();
    auto attempt = [&](const std::string& password) {
        return browse(port, "POST", "/staff/login", {},
                      form({{"user", "zhaoqiang"}, {"password", password}}));
    };
    for (int i = 0; i < 4; ++i) CHECK(attempt("wrong password").status == 401);
    CHECK(attempt(kPassword).status == 303);  // a success starts the count again
    for (int i = 0; i < 5; ++i) CHECK(attempt("wrong password").status == 401);
    Page page = attempt(kPassword);
    CHECK(page.status == 429);
    CHECK(page.cookie.empty());
    CHECK_THAT(page.body, Catch::Contains("暂时锁定"));
}

TEST_CASE("Staff passwords: PBKDF2 hashes check, a malformed hash is refused by name",
          "[backoffice][web]") {
    const std::string hash =
        backoffice::hash_staff_password("一个足够长的密码", backoffice::kMinStaffRounds);
    CHECK(hash.rfind("pbkdf2-sha256$310000$", 0) == 0);
    CHECK(backoffice::check_staff_password(hash, "一个足够长的密码"));
    CHECK_FALSE(backoffice::check_staff_password(hash, "另一个密码"));
    CHECK_FALSE(backoffice::check_staff_password("plain text", "plain text"));
    CHECK(hash != backoffice::hash_staff_password("一个足够长的密码",
                                                  backoffice::kMinStaffRounds));  // salted
    testing::TempDir dir;
    try {
        backoffice::parse_config(
            R"({"listen": {"address": "127.0.0.1", "port": 0}, "database": "x.db",
                "departments": [{"code": "x", "name": "x"}],
                "counters": [{"id": "WX01", "secret": "counter-WX01-shared-secret"}],
                "staff_users": [{"name": "a", "password_hash": "secret",
                                 "departments": ["y"]}], "session_seconds": 0})",
            "bad config", dir.path);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("$.staff_users[0].password_hash") &&
                                 Catch::Contains("$.staff_users[0].departments[0]") &&
                                 Catch::Contains("session_seconds"));
    }
}

TEST_CASE("Scans travel before the case and show as thumbnails to its department only",
          "[backoffice][web][materials]") {
    WebOffice office;
    const unsigned short port = office.server.port();
    testing::TempDir dir{"onewindow-staff-web-scans"};
    auto store = open_store(dir.path);
    const fs::path scan = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans/id_card_li_na.png";
    const std::string png = read_text_file(scan), sha = exchange::sha256_hex(png);
    AcceptRequest request = testing::sample_accept_request(kAcceptedAt);
    request.values_json = R"({"child_name": "李小明"})";
    request.form_snapshot_json =
        R"({"sections": [{"title": "子女", "fields": [{"key": "child_name", "label": "子女姓名"}]}]})";
    request.items = {testing::sample_item("000718001001", "county_health", "county_health"),
                     testing::sample_item("000718002000", "civil_affairs", "civil_affairs")};
    request.materials = {{"id_card", "居民身份证", 1, 1, scan, false, ""},
                         {"hukou", "居民户口簿", 1, 0, {}, false, ""},  // seen on paper only
                         {"photo", "近期一寸免冠照片", 1, 0, {}, true, "承诺三日内补交"}};
    const std::string number = store.cases().accept(request).case_number;
    const ExchangeConfig config = counter_config(office);
    REQUIRE(dispatch_once(store, config, {}, kAcceptedAt).sent == 2);
    // Stored once, content-addressed next to the office's database, byte for byte.
    const fs::path kept = office.dir.path / "materials" / sha.substr(0, 2) / sha;
    REQUIRE(fs::exists(kept));
    CHECK(read_text_file(kept) == png);

    // The staff page of the health item: the applicant, the values, a thumbnail of the scan and
    // a note for the paper-only material.
    const std::string cookie = log_in(port);
    Page page =
        browse(port, "GET", "/staff/cases/" + reference_of(store, number, "000718001001"), cookie);
    REQUIRE(page.status == 200);
    CHECK_THAT(page.body, Catch::Contains("<th style=\"width:160px\">子女姓名</th><td>李小明"));
    CHECK_THAT(page.body,
               Catch::Contains("李小明") && Catch::Contains("130434********024X") &&
                   Catch::Contains("<img class=\"scan\" src=\"/staff/materials/" + sha + "\"") &&
                   Catch::Contains("仅核验纸质材料") &&
                   Catch::Contains("容缺受理：承诺三日内补交"));
    CHECK_THAT(page.body, !Catch::Contains("13043419960315024X"));
    page = browse(port, "GET", "/staff/materials/" + sha, cookie);
    CHECK(page.status == 200);
    CHECK(page.content_type == "image/png");
    CHECK(page.body == png);
    // Not without a session; not a file no case of the department lists; not a bad name.
    CHECK(browse(port, "GET", "/staff/materials/" + sha).status == 303);
    CHECK(browse(port, "GET", "/staff/materials/" + std::string(64, 'a'), cookie).status == 404);
    CHECK(browse(port, "GET", "/staff/materials/..%2Foffice.db", cookie).status == 404);

    // The photo promised as a tolerated gap, brought to WX02 later: a section of its own, its
    // scan shown like the others.
    const fs::path photo = fs::path(ONEWINDOW_SOURCE_DIR) / "app/cli/demo/scans/marriage_cert.png";
    const std::string photo_sha = exchange::sha256_hex(read_text_file(photo));
    SupplyRequest supply;
    supply.case_number = number;
    supply.counter = "WX02";
    supply.clerk = "王芳";
    supply.reason = "tolerated";
    supply.materials = {{"photo", "", 1, 0, photo}};
    supply.now = "2026-09-30 15:00:00";
    REQUIRE(store.supplements().record(supply).items.size() == 2);
    REQUIRE(dispatch_once(store, config, {}, "2026-09-30 15:00:01").sent == 2);
    page =
        browse(port, "GET", "/staff/cases/" + reference_of(store, number, "000718001001"), cookie);
    CHECK_THAT(page.body, Catch::Contains("<h2>补交材料</h2>") &&
                              Catch::Contains(number + "-BJ1（容缺材料补交，WX02 窗口") &&
                              Catch::Contains("<img class=\"scan\" src=\"/staff/materials/" +
                                              photo_sha + "\""));
    CHECK(browse(port, "GET", "/staff/materials/" + photo_sha, cookie).status == 200);

    // The protocol: HEAD says whether it is here; a body that is not its name is refused and
    // nothing stored; the same file again is fine; unsigned is 401.
    auto signed_request = [&](const std::string& method, const std::string& target,
                              const std::string& body) {
        auto headers = exchange::sign_request(method, target, body, "", "WX01", kSecret,
                                              std::time(nullptr), exchange::new_nonce());
        return testing::send_raw(port, method, target, body, headers, "application/octet-stream");
    };
    CHECK(signed_request("HEAD", "/v1/materials/" + sha, "").status == 200);
    const std::string other = "another scan";
    const std::string other_sha = exchange::sha256_hex(other);
    CHECK(signed_request("HEAD", "/v1/materials/" + other_sha, "").status == 404);
    auto wrong = signed_request("PUT", "/v1/materials/" + other_sha, "not that scan");
    CHECK(wrong.status == 400);
    CHECK(wrong.field("error") == "digest_mismatch");
    CHECK_FALSE(fs::exists(office.dir.path / "materials" / other_sha.substr(0, 2) / other_sha));
    CHECK(signed_request("PUT", "/v1/materials/" + other_sha, other).status == 201);
    CHECK(signed_request("PUT", "/v1/materials/" + other_sha, other).status == 200);
    CHECK(testing::send_raw(port, "PUT", "/v1/materials/" + other_sha, other, {},
                            "application/octet-stream")
              .status == 401);
    CHECK(signed_request("PUT", "/v1/materials/not-a-digest", other).status == 404);
    // A case naming a malformed digest is refused, naming the field.
    const std::string body =
        R"({"case_number": "WX01-20261123-0010", "item": "FP-001", "department": "county_health",
            "materials": [{"name": "出生医学证明.jpg", "sha256": "../../office.db"}]})";
    auto refused = post_case(port, body, "WX01-20261123-0010/FP-001");
    CHECK(refused.status == 400);
    CHECK(refused.field("path") == "$.materials[0].sha256");
}
