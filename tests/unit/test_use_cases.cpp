// The core's use-case services (session.hpp, intake.hpp, case_desk.hpp, supervision.hpp): each
// checks the signed-in user's role inside, on the real store of the test's engine ([store]: the
// SQLite pass and the PostgreSQL pass), and one F9 runs each plugin's validate once (a real
// fixture plugin that logs every call into the counter's log).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "onewindow/core/case_desk.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/counter.hpp"
#include "onewindow/core/demo_data.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/intake.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/core/supervision.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

using namespace onewindow;
namespace fs = std::filesystem;

namespace {

/// A counter data folder the administrator has prepared (the bundled plugins trusted, the demo
/// accounts zhangmin, lijun and admin), with `extra` plugin folders copied in and trusted.
struct Window {
    testing::TempDir data{"onewindow-use-cases"};
    std::unique_ptr<Counter> counter;

    explicit Window(const std::vector<fs::path>& extra = {}) {
        ::setenv("ONEWINDOW_ROOT", ONEWINDOW_STAGE_DIR, 1);
        testing::test_store(data.path).configure(data.path);
        prepare_demo_data(data.path);
        std::vector<fs::path> copies;
        for (const auto& folder : extra) {
            const fs::path copy = data.path / "plugins" / folder.filename();
            fs::create_directories(copy.parent_path());
            fs::copy(folder, copy, fs::copy_options::recursive);
            copies.push_back(copy);
        }
        if (!copies.empty()) {
            Issues issues;
            trust_plugin_folders(data.path / "trusted-plugins.json", copies, issues);
            REQUIRE(issues.empty());
        }
        counter = Counter::open({ONEWINDOW_STAGE_DIR, data.path});
    }

    /// The session of a demo account, as the accounts table holds it.
    Session session(const std::string& name) {
        auto account = counter->store().accounts().find(name);
        REQUIRE(account);
        return Session(*counter, *account);
    }

    /// The 'access.denied' events of `user`, newest first.
    std::vector<AuditEvent> denials(const std::string& user) const {
        AuditFilter filter;
        filter.actor = user;
        filter.type = "access.denied";
        return counter->store().audit().events(filter);
    }
};

/// Runs `action`, which must be refused as Error(Denied), and checks that it left one more
/// 'access.denied' event of `user` naming `what`.
template <typename Action>
void check_denied(Window& window, const std::string& user, const std::string& what, Action action) {
    INFO(what);
    const auto before = window.denials(user).size();
    try {
        action();
        FAIL("not refused");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Denied);
    }
    const auto after = window.denials(user);
    REQUIRE(after.size() == before + 1);
    CHECK(after.front().subject == what);
}

/// A request for 一孩生育服务登记 (family_planning) with the applicant's name only.
IntakeRequest first_child_request() {
    IntakeRequest request;
    request.items = {"000718001001"};
    request.values = new Poco::JSON::Object(true);
    request.values->set("applicant.name", "李娜");
    return request;
}

/// A request for the counting fixture's item (T-counts_validate): the applicant's name and the
/// ID card seen.
IntakeRequest counting_request(const std::string& name) {
    IntakeRequest request;
    request.items = {"T-counts_validate"};
    request.values = new Poco::JSON::Object(true);
    request.values->set("applicant.name", name);
    IntakeMaterial card;
    card.key = "id_card";
    card.supplied = true;
    request.materials.push_back(card);
    return request;
}

/// How often the counting fixture's validate has run at this counter (its lines in
/// <data>/logs/counter.log).
int validate_calls(const Window& window) {
    std::ifstream log(window.data.path / "logs" / "counter.log");
    int calls = 0;
    for (std::string line; std::getline(log, line);)
        if (line.find("counts_validate: validate T-counts_validate") != std::string::npos) ++calls;
    return calls;
}

const fs::path counting_plugin =
    fs::path(ONEWINDOW_BINARY_DIR) / "counting-plugins/counts_validate";

}  // namespace

TEST_CASE("Signing in gives a session of the account, a wrong password none",
          "[store][use_cases]") {
    Window window;
    const SignIn wrong = sign_in(*window.counter, "zhangmin", "not-the-password");
    CHECK(wrong.result.status == LoginResult::Status::BadCredentials);
    CHECK_FALSE(wrong.session);
    const SignIn right = sign_in(*window.counter, "zhangmin", kDemoPassword);
    REQUIRE(right.session);
    CHECK(right.session->user().name == "zhangmin");
    CHECK(right.session->clerk() == "张敏");
    CHECK(right.session->user().role == Role::Clerk);
    CHECK_FALSE(right.session->local());
    // The screen locked while idle: the same password opens it, another counts as a failure.
    CHECK(unlock(*right.session, kDemoPassword).status == LoginResult::Status::Ok);
    CHECK(unlock(*right.session, "wrong-again").status == LoginResult::Status::BadCredentials);
}

TEST_CASE("A clerk cannot read the supervision log, its CSV, the audit log, nor resolve ratings",
          "[store][use_cases]") {
    Window window;
    const Supervision clerk(window.session("zhangmin"));
    const LogPeriod today{Date::today(), Date::today(), ""};
    check_denied(window, "zhangmin", "read the counter log", [&] { clerk.log(today); });
    check_denied(window, "zhangmin", "read the counter log", [&] { clerk.logs(today); });
    check_denied(window, "zhangmin", "export the counter log", [&] { clerk.csv(today); });
    const fs::path pdf = window.data.path / "log.pdf";
    check_denied(window, "zhangmin", "print the counter log",
                 [&] { clerk.print_log(PeriodLogs{}, pdf); });
    CHECK_FALSE(fs::exists(pdf));
    check_denied(window, "zhangmin", "read the audit log", [&] { clerk.audit_events({}); });
    check_denied(window, "zhangmin", "verify the audit log", [&] { clerk.verify_audit(); });
    check_denied(window, "zhangmin", "resolve a bad rating",
                 [&] { clerk.resolve_rating(1, "已回访"); });
    CHECK(Session(window.session("zhangmin")).may(Permission::ReadReports) == false);

    // The supervisor reads them all; the denials above are in the audit log, verified.
    const Supervision supervisor(window.session("lijun"));
    CHECK(window.session("lijun").may(Permission::ReadReports));
    const PeriodLogs logs = supervisor.logs(today);
    CHECK(logs.now.period.from == today.from);
    CHECK(logs.before.period.to < today.from);
    CHECK_FALSE(logs.comparison().empty());
    CHECK(supervisor.csv(today).find(',') != std::string::npos);
    AuditFilter denied;
    denied.type = "access.denied";
    CHECK(supervisor.audit_events(denied).size() == 7);
    const AuditVerifyResult verified = supervisor.verify_audit();
    CHECK(verified.ok);
    CHECK(verified.events > 7);
}

TEST_CASE("A supervisor cannot take a case in, keep drafts, hand results out or record ratings",
          "[store][use_cases]") {
    Window window;
    Intake supervisor(window.session("lijun"));
    const IntakeRequest request = first_child_request();
    const auto cases_before = window.counter->store().cases().list({}).size();
    check_denied(window, "lijun", "accept a case", [&] { supervisor.accept(request); });
    check_denied(window, "lijun", "issue a one-time notice", [&] { supervisor.notice(request); });
    check_denied(window, "lijun", "refuse to accept a case",
                 [&] { supervisor.refuse(request, "不属于本窗口受理范围"); });
    check_denied(window, "lijun", "keep a draft", [&] { supervisor.save_draft(request, 0); });
    CHECK(window.counter->store().cases().list({}).size() == cases_before);
    CHECK(window.counter->store().drafts().of_clerk("李军").empty());

    const CaseDesk desk(window.session("lijun"));
    check_denied(window, "lijun", "hand out results", [&] {
        desk.hand_out("WX01-20261203-0001", "李娜", "13043419960315024X", "居民身份证",
                      std::nullopt);
    });
    check_denied(window, "lijun", "record a rating",
                 [&] { desk.rate("WX01-20261203-0001", 5, {}); });
    // Sending an outbox row again or withdrawing it is the window's, not the supervisor's.
    check_denied(window, "lijun", "send an outbox item again", [&] { desk.requeue("x"); });
    check_denied(window, "lijun", "withdraw an outbox item", [&] { desk.cancel("x", "理由"); });
    const CaseDesk clerk(window.session("zhangmin"));
    CHECK_THROWS_MATCHES(clerk.requeue("x"), Error, Catch::Predicate<Error>([](const Error& e) {
                             return e.kind() == ErrorKind::NotFound;
                         }));
    // A clerk's list is of their own counter; another counter's cases are refused.
    CaseFilter other;
    other.counter = "WX07";
    check_denied(window, "zhangmin", "cases of counter WX07", [&] { clerk.list(other); });
    CHECK_NOTHROW(desk.list(other));
}

TEST_CASE("One F9 runs each plugin's validate once: the review's findings serve the acceptance",
          "[intake][use_cases]") {
    REQUIRE(fs::exists(counting_plugin / "plugin.json"));
    Window window({counting_plugin});
    REQUIRE(window.counter->catalogue().find("T-counts_validate"));
    Intake intake(window.session("zhangmin"));

    SECTION("review, then accept the same request: one validation") {
        const IntakeRequest request = counting_request("李娜");
        const IntakeReview review = intake.review(request);  // as the clerk leaves a field
        CHECK(review.problems.empty());
        CHECK(validate_calls(window) == 1);
        const IntakeOutcome outcome = intake.accept(request);  // F9
        REQUIRE(outcome.kind == IntakeOutcome::Kind::Accepted);
        CHECK(validate_calls(window) == 1);
        const auto record = window.counter->store().cases().find(outcome.number);
        REQUIRE(record);
        CHECK(record->clerk == "张敏");  // the session's clerk
        CHECK(record->applicant_name == "李娜");
        // The next acceptance reviews again: the kept review served one decision.
        CHECK(intake.accept(request).kind == IntakeOutcome::Kind::Accepted);
        CHECK(validate_calls(window) == 2);
    }
    SECTION("a value changed after the review: validated again, with the new value") {
        intake.review(counting_request("李娜"));
        CHECK(validate_calls(window) == 1);
        const IntakeOutcome outcome = intake.accept(counting_request("王强"));
        REQUIRE(outcome.kind == IntakeOutcome::Kind::Accepted);
        CHECK(validate_calls(window) == 2);
        CHECK(window.counter->store().cases().find(outcome.number)->applicant_name == "王强");
    }
    SECTION("the plugin's finding in the review refuses the acceptance without a second call") {
        const IntakeRequest nameless = counting_request("");
        CHECK_FALSE(intake.review(nameless).problems.empty());
        const IntakeOutcome outcome = intake.accept(nameless);
        CHECK(outcome.kind == IntakeOutcome::Kind::Invalid);
        CHECK(validate_calls(window) <= 1);  // the form's own rule may stop it before the plugin
    }
}

TEST_CASE("A draft is kept in the case file's format and resumes as the same request",
          "[store][use_cases]") {
    Window window;
    Intake intake(window.session("zhangmin"));
    IntakeRequest request = first_child_request();
    IntakeMaterial promised;
    promised.key = "marriage_certificate";
    promised.tolerated = true;
    promised.promise = "2026-12-10 前补交";
    request.materials.push_back(promised);
    const long long id = intake.save_draft(request, 0);
    const auto drafts = intake.drafts();
    REQUIRE(drafts.size() == 1);
    CHECK(drafts[0].id == id);
    CHECK(drafts[0].counter == "WX01");
    CHECK(drafts[0].title.rfind("李娜 ", 0) == 0);
    // The draft's parts are the case file's: onewindow.case/1 reads them back.
    Poco::JSON::Object::Ptr file = new Poco::JSON::Object(true);
    file->set("format", "onewindow.case/1");
    file->set("items", parse_json(drafts[0].items_json, "items"));
    file->set("values", parse_json(drafts[0].values_json, "values"));
    file->set("materials", parse_json(drafts[0].materials_json, "materials"));
    const IntakeRequest back = IntakeRequest::from_json(file, "draft", window.data.path);
    CHECK(back.items == request.items);
    REQUIRE(back.materials.size() == 1);
    CHECK(back.materials[0].tolerated);
    CHECK(back.materials[0].promise == "2026-12-10 前补交");
    CHECK(to_json(back.values) == to_json(request.values));
    intake.remove_draft(id);
    CHECK(intake.drafts().empty());
}

TEST_CASE(
    "A draft reads back typed field for field and a damaged one names the draft and the field",
    "[store][use_cases]") {
    Window window;
    Intake intake(window.session("zhangmin"));
    IntakeRequest request = first_child_request();
    request.values->set("applicant.phone", "13700001111");
    request.values->set("household.size", 3);  // a number field
    Poco::JSON::Array::Ptr members = new Poco::JSON::Array;
    for (const auto& [name, income] : {std::pair{"李娜", 2600.5}, std::pair{"王强", 3100.0}}) {
        Poco::JSON::Object::Ptr member = new Poco::JSON::Object(true);
        member->set("member.name", std::string(name));
        member->set("member.relation", std::string("配偶"));
        member->set("member.monthly_income", income);
        members->add(member);
    }
    request.values->set("household.members", members);
    const fs::path scan = window.data.path / "id_card.png";
    std::ofstream(scan) << "scan";
    IntakeMaterial card;
    card.key = "id_card";
    card.file = scan;
    card.supplied = true;
    IntakeMaterial promised;
    promised.key = "marriage_certificate";
    promised.tolerated = true;
    promised.promise = "2026-12-10 前补交";
    IntakeMaterial half;  // ticked as tolerated, the promise not typed yet
    half.key = "household_register";
    half.tolerated = true;
    request.materials = {card, promised, half};
    const long long id = intake.save_draft(request, 0);
    const auto drafts = intake.drafts();
    REQUIRE(drafts.size() == 1);

    const DraftContent content = Intake::read_draft(drafts[0]);
    CHECK(content.items == request.items);
    CHECK(content.values == std::map<std::string, std::string>{{"applicant.name", "李娜"},
                                                               {"applicant.phone", "13700001111"},
                                                               {"household.size", "3"}});
    REQUIRE(content.tables.size() == 1);
    const auto& rows = content.tables.at("household.members");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::map<std::string, std::string>{{"member.name", "李娜"},
                                                        {"member.relation", "配偶"},
                                                        {"member.monthly_income", "2600.5"}});
    CHECK(rows[1].at("member.name") == "王强");
    CHECK(rows[1].at("member.monthly_income") == "3100");
    REQUIRE(content.materials.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        INFO(request.materials[i].key);
        CHECK(content.materials[i].key == request.materials[i].key);
        CHECK(content.materials[i].file == request.materials[i].file);
        CHECK(content.materials[i].supplied == request.materials[i].supplied);
        CHECK(content.materials[i].tolerated == request.materials[i].tolerated);
        CHECK(content.materials[i].promise == request.materials[i].promise);
    }

    // Damaged parts: each problem names the draft and the member, and all are told at once.
    const auto failure = [](const Draft& draft) -> std::string {
        try {
            Intake::read_draft(draft);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Input);
            return e.what();
        }
        FAIL("the damaged draft was read");
        return {};
    };
    const std::string named = "draft " + std::to_string(id) + " (" + drafts[0].title + "): ";
    Draft damaged = drafts[0];
    damaged.values_json = R"({"applicant.name": "李娜", "household.members": [{"member.name": )";
    CHECK_THAT(failure(damaged), Catch::StartsWith(named + "$.values: malformed JSON"));
    damaged.values_json = R"({"applicant.name": {"x": 1}, "household.members": [["李娜"]]})";
    damaged.items_json = R"(["000718001001", 7])";
    damaged.materials_json = R"([{"key": "id_card", "supplied": "yes"}])";
    const std::string message = failure(damaged);
    CHECK_THAT(message, Catch::Contains(named + "$.items[1]: must be a string"));
    CHECK_THAT(message, Catch::Contains(named + "$.values[\"applicant.name\"]: must be text"));
    CHECK_THAT(message, Catch::Contains(
                            named + "$.values[\"household.members\"][0]: must be a JSON object"));
    CHECK_THAT(message, Catch::Contains(named + "$.materials[0].supplied:"));
    damaged = drafts[0];
    damaged.materials_json = R"({"key": "id_card"})";
    CHECK_THAT(failure(damaged), Catch::Contains(named + "$.materials: must be a JSON array"));
}
