// onewindow-bench's figures of a service centre's store on PostgreSQL (issue 14). Each runs on a
// private PostgreSQL 15 server of its own, started with tests/postgres/pg_server.sh in a temporary
// folder (Unix socket only) and stopped at the end; the baselines are measured on the same server
// in the same run.
#include "bench_postgres.hpp"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <latch>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/store/database.hpp"
#include "onewindow/store/migrate.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace onewindow::bench {

namespace {

const fs::path kServerScript = fs::path(ONEWINDOW_BENCH_DIR) / "../postgres/pg_server.sh";

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

/// A private server for one figure: started in a short temporary folder, stopped and removed
/// at the end.
class Server {
  public:
    Server()
        : dir_(fs::temp_directory_path() /
               ("ow-pgbench-" + std::to_string(std::random_device{}() % 1000000))) {
        run("start");
    }
    ~Server() {
        // ONEWINDOW_BENCH_KEEP_PG=1 keeps the server running and its data, to look into a
        // figure with psql (stop it with pg_server.sh stop DIR).
        if (std::getenv("ONEWINDOW_BENCH_KEEP_PG")) {
            std::cerr << "onewindow-bench: the server is kept in " << dir_.string() << '\n';
            return;
        }
        try {
            run("stop");
        } catch (const std::exception& e) {
            std::cerr << "onewindow-bench: " << e.what() << '\n';
        }
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// A new empty database on the server; its libpq URL.
    std::string database(const std::string& name) {
        exec(url("postgres"), "CREATE DATABASE " + name);
        return url(name);
    }
    std::string url(const std::string& name) const {
        return "postgresql://postgres@/" + name + "?host=" + dir_.string();
    }
    /// The same, as libpq key=value text (what Poco Data's connector takes).
    std::string keywords(const std::string& name) const {
        return "host=" + dir_.string() + " user=postgres dbname=" + name;
    }

  private:
    void run(const std::string& command) const {
        const std::string line =
            "sh '" + kServerScript.string() + "' " + command + " '" + dir_.string() + "'";
        if (std::system(line.c_str()) != 0) throw std::runtime_error(line + " failed");
    }
    fs::path dir_;
};

/// One libpq connection, for the baselines and the bulk data.
class Connection {
  public:
    explicit Connection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK)
            throw std::runtime_error(std::string("PostgreSQL: ") + PQerrorMessage(conn_));
    }
    ~Connection() { PQfinish(conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    PGconn* get() const { return conn_; }

  private:
    PGconn* conn_;
};

/// Runs `sql` (one or several statements, no parameters); throws with the server's message.
void exec(PGconn* conn, const std::string& sql) {
    PGresult* result = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(result);
    const std::string error = PQresultErrorMessage(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("PostgreSQL: " + error + " in " + sql.substr(0, 120));
}

long long count(PGconn* conn, const std::string& sql) {
    PGresult* result = PQexec(conn, sql.c_str());
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        const std::string error = PQresultErrorMessage(result);
        PQclear(result);
        throw std::runtime_error("PostgreSQL: " + error);
    }
    const long long value = std::atoll(PQgetvalue(result, 0, 0));
    PQclear(result);
    return value;
}

WorkingCalendar calendar(const fs::path& stage) {
    return WorkingCalendar::load_dir(stage / "share/onewindow/calendar");
}

CaseStore open_store(const std::string& url, const fs::path& materials, const fs::path& stage) {
    return CaseStore::open(store::Location::parse(url, {}), materials, calendar(stage));
}

}  // namespace

void exec(const std::string& url, const std::string& sql) {
    Connection c(url);
    exec(c.get(), sql);
}

namespace {

/// The accept's own rows as bare SQL through libpq, in the accept's two round trips: the scan,
/// the number, the audit head (locked) and the event's id; then the case, its item, two
/// materials, the outbox row and the audit event with its head, sent with COMMIT in one
/// pipeline. The statements are prepared once, as the store's are.
class SameRows {
  public:
    explicit SameRows(PGconn* conn) : conn_(conn) {
        exec(conn_, "INSERT INTO audit_heads VALUES ('WX99', 0, '')");
        prepare("scan",
                "INSERT INTO materials (sha256, content, stored_at) VALUES ($1, $2::bytea,"
                " '2026-11-23 10:00:00') ON CONFLICT (sha256) DO NOTHING");
        prepare("seq",
                "INSERT INTO counter_sequences VALUES ('WX99', '2026-11-23', '', 1) ON CONFLICT "
                "(counter, day, kind) DO UPDATE SET last = counter_sequences.last + 1 RETURNING "
                "last");
        prepare("head", "SELECT hash FROM audit_heads WHERE counter = 'WX99' FOR UPDATE");
        prepare("id", "SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))");
        prepare("case",
                "INSERT INTO cases (number, counter, clerk, applicant_name, applicant_id_number,"
                " applicant_phone, status, accepted_at, form_snapshot, values_json) VALUES ($1,"
                " 'WX99', '张敏', '李娜', '13043419960315024X', '13831045678', 'accepted',"
                " '2026-11-23 10:00:00', '{}', '{}')");
        const std::string case_id = "(SELECT id FROM cases WHERE number = $1)";
        prepare("item",
                "INSERT INTO case_items (case_id, code, name, version, department_code,"
                " department_name, plugin_id, endpoint, preliminary_review, required, immediate,"
                " promised_days, legal_days, promised_date, legal_date, status) VALUES (" +
                    case_id +
                    ", '000718001001', 'x', 1, 'd', 'd', 'p', 'e', 1, 1, 0, 3, 20, '2026-11-26',"
                    " '2026-12-21', 'accepted')");
        prepare("material",
                "INSERT INTO case_materials (case_id, key, name, originals, copies,"
                " sha256, tolerated, promise) VALUES (" +
                    case_id + ", 'k', 'n', 1, 1, NULL, 0, '')");
        prepare("outbox",
                "INSERT INTO outbox (case_id, item_code, department, endpoint,"
                " idempotency_key, payload, state, next_attempt_at) VALUES (" +
                    case_id + ", 'i', 'd', 'e', $1, '{}', 'pending', 'now')");
        prepare("event",
                "WITH event AS (INSERT INTO audit_events (id, at, actor, counter, type, subject,"
                " detail, success, prev_hash, hash) VALUES ($2::bigint, '2026-11-23 10:00:00',"
                " '张敏', 'WX99', 'case.accepted', $1, '{}', 1, 'a', 'b')) UPDATE audit_heads SET"
                " last_id = $2::bigint, hash = 'b' WHERE counter = 'WX99'");
    }

    void accept(int round) {
        if (PQenterPipelineMode(conn_) != 1) fail("pipeline");
        send_plain("BEGIN");
        // A scan of its own, as each accept of the bench has (counter_request()).
        send("scan", {"same-rows-scan-" + std::to_string(round), "scan " + std::to_string(round)});
        send("seq", {});
        send("head", {});
        send("id", {});
        const auto first = read(5);
        const std::string number = "WX99-20261123-" + std::to_string(round);
        send("case", {number});
        send("item", {number});
        send("material", {number});
        send("material", {number});
        send("outbox", {number});
        send("event", {number, first});
        send_plain("COMMIT");
        read(7);
        if (PQexitPipelineMode(conn_) != 1) fail("pipeline exit");
    }

  private:
    void prepare(const char* name, const std::string& sql) {
        PGresult* r = PQprepare(conn_, name, sql.c_str(), 0, nullptr);
        const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
        PQclear(r);
        if (!ok) fail(sql);
    }
    void send(const char* name, const std::vector<std::string>& values) {
        std::vector<const char*> v;
        for (const auto& value : values) v.push_back(value.c_str());
        if (PQsendQueryPrepared(conn_, name, static_cast<int>(v.size()), v.data(), nullptr, nullptr,
                                0) != 1)
            fail(name);
    }
    void send_plain(const char* sql) {
        if (PQsendQueryParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) != 1) fail(sql);
    }
    /// Syncs and reads `commands` answers; the last row's first value.
    std::string read(int commands) {
        if (PQpipelineSync(conn_) != 1) fail("sync");
        std::string last;
        for (int i = 0; i < commands; ++i) {
            PGresult* r = PQgetResult(conn_);
            const auto status = PQresultStatus(r);
            if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
                const std::string error = PQresultErrorMessage(r);
                PQclear(r);
                fail(error);
            }
            if (PQntuples(r) > 0) last = PQgetvalue(r, 0, 0);
            PQclear(r);
            PQclear(PQgetResult(conn_));  // the null after each command's answer
        }
        PGresult* sync = PQgetResult(conn_);
        const bool synced = PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
        PQclear(sync);
        if (!synced) fail("no sync");
        return last;
    }
    [[noreturn]] void fail(const std::string& what) {
        throw std::runtime_error("PostgreSQL (same rows): " + what + ": " + PQerrorMessage(conn_));
    }
    PGconn* conn_;
};

}  // namespace

void pg_accept_commit(const fs::path& stage, const AcceptRequestFactory& request) {
    Server server;
    const std::string url = server.database("accept");
    Temp temp;
    auto store = open_store(url, temp.path, stage);
    const int rounds = 300;
    std::vector<double> times, same, single;
    // The baseline: a bare single-row insert, committed on its own (autocommit,
    // synchronous_commit on as the server's default), through libpq on the same server.
    // A second one, for diagnosis: the accept's own rows as bare SQL in the accept's two round
    // trips (SameRows). The three alternate, so that all see the same server (its checkpoints,
    // its caches) and the same machine: run one after the other, the ratio swung from 1.0 to
    // 2.0 between runs.
    Connection c(url);
    exec(c.get(), "CREATE TABLE bare_rows (id BIGSERIAL PRIMARY KEY, text TEXT NOT NULL)");
    SameRows rows(c.get());
    for (int i = 0; i < rounds; ++i) {
        const auto row = Clock::now();
        exec(c.get(),
             "INSERT INTO bare_rows (text) VALUES ('WX99-20261123-" + std::to_string(i) + "')");
        single.push_back(ms_since(row));
        const AcceptRequest next = request("WX01", temp.path);  // its scan written untimed
        const auto accepted = Clock::now();
        store.cases().accept(next);
        times.push_back(ms_since(accepted));
        const auto start = Clock::now();
        rows.accept(i);
        same.push_back(ms_since(start));
    }
    print("pg_accept_commit_p50_ms", median(times), "ms");
    print("pg_bare_insert_commit_p50_ms", median(single), "ms");
    print("pg_same_rows_commit_p50_ms", median(same), "ms");
    print("pg_accept_commit_vs_bare_ratio", median(times) / median(single), "ratio");
    print("pg_accept_commit_vs_same_rows_ratio", median(times) / median(same), "ratio");
}

void pg_centre_counters(const fs::path& stage, const AcceptRequestFactory& request) {
    Server server;
    const std::string url = server.database("centre");
    Temp temp;
    { open_store(url, temp.path, stage); }  // the schema, once
    const int counters = 20, each = 100;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    // Each counter connects and has its requests (and their scan files) made before the clock
    // starts: what is timed is the intake, not the bench's own file writing.
    std::latch ready(counters);
    std::promise<void> go;
    std::shared_future<void> started = go.get_future().share();
    for (int c = 0; c < counters; ++c)
        threads.emplace_back([&, c] {
            try {
                // Each counter its own connection, as each PC of the centre has.
                std::optional<CaseStore> store;
                std::vector<AcceptRequest> requests;
                try {
                    store.emplace(open_store(url, temp.path, stage));
                    char code[16];
                    std::snprintf(code, sizeof code, "WX%02d", c + 1);
                    for (int i = 0; i < each; ++i) requests.push_back(request(code, temp.path));
                } catch (...) {
                    ready.count_down();
                    throw;
                }
                ready.count_down();
                started.wait();
                for (const auto& r : requests) store->cases().accept(r);
            } catch (const std::exception& e) {
                std::cerr << "onewindow-bench: counter " << c + 1 << ": " << e.what() << '\n';
                ++failures;
            }
        });
    ready.wait();
    const auto start = Clock::now();
    go.set_value();
    for (auto& t : threads) t.join();
    const double seconds = ms_since(start) / 1000;
    Connection check(url);
    const long long cases = count(check.get(), "SELECT count(*) FROM cases");
    const long long numbers = count(check.get(), "SELECT count(DISTINCT number) FROM cases");
    auto store = open_store(url, temp.path, stage);
    if (failures || cases != counters * each || !store.audit().verify().ok)
        throw std::runtime_error(
            "the centre lost cases or broke its audit chain: " + std::to_string(cases) +
            " cases of " + std::to_string(counters * each));
    print("pg_centre_20_counters_cases_per_s", cases / seconds, "cases/s");
    print("pg_centre_duplicate_numbers", static_cast<double>(cases - numbers), "cases");
}

namespace {

/// The centre of big_counter_db (bench.cpp) on PostgreSQL, generated by the server itself:
/// `years` of 274 cases a day at three counters, one item each, a tenth decided through a
/// back office and handed out, a third rated. Applicants: 100,000 ID numbers, 10 cases each.
void big_centre(const std::string& url, int years) {
    Connection c(url);
    const int days = years * 365;
    const std::string first = std::to_string(2026 - years) + "-11-23";
    exec(c.get(), "SET synchronous_commit = off");
    exec(c.get(), "CREATE TEMP TABLE g AS SELECT n, d, k, (DATE '" + first +
                      "' + d) AS day FROM (SELECT n, n / 274 AS d, n % 274 AS k FROM "
                      "generate_series(0, " +
                      std::to_string(days * 274 - 1) + ") AS n) s");
    const std::string recent = "(g.d > " + std::to_string(days - 20) + ")";
    exec(c.get(),
         "INSERT INTO cases (id, number, counter, clerk, applicant_name, applicant_id_number,"
         " applicant_phone, status, accepted_at, form_snapshot, values_json)"
         " SELECT n + 1, 'WX0' || (1 + k % 3) || '-' || to_char(day, 'YYYY-MM-DD') || '-' ||"
         " lpad(k::text, 4, '0'), 'WX0' || (1 + k % 3),"
         " (ARRAY['张敏', '王芳', '刘洋', '陈静'])[1 + k % 4], '李娜',"
         " '1304341990' || lpad((n % 100000)::text, 8, '0'), '13831045678',"
         " CASE WHEN " +
             recent +
             " THEN 'accepted' ELSE 'approved' END,"
             " to_char(day, 'YYYY-MM-DD') || ' ' || lpad((8 + k % 9)::text, 2, '0') || ':' ||"
             " lpad((k % 60)::text, 2, '0') || ':00', '{}', '{}' FROM g");
    exec(c.get(),
         "INSERT INTO case_items (id, case_id, code, name, version, department_code,"
         " department_name, plugin_id, endpoint, preliminary_review, required, immediate,"
         " promised_days, legal_days, promised_date, legal_date, status)"
         " SELECT n + 1, n + 1, '00071800100' || (k % 4), (ARRAY['魏县卫生健康局', '魏县民政局',"
         " '魏县人力资源和社会保障局', '魏县医疗保障局'])[1 + k % 4] || '事项', 1,"
         " (ARRAY['county_health', 'civil_affairs', 'social_security',"
         " 'medical_insurance'])[1 + k % 4], (ARRAY['魏县卫生健康局', '魏县民政局',"
         " '魏县人力资源和社会保障局', '魏县医疗保障局'])[1 + k % 4], 'p', 'e', 0, 1,"
         " CASE WHEN k % 5 = 0 THEN 1 ELSE 0 END, 3, 20, to_char(day + 3, 'YYYY-MM-DD'),"
         " to_char(day + 28, 'YYYY-MM-DD'), CASE WHEN " +
             recent + " THEN 'accepted' ELSE 'approved' END FROM g");
    exec(c.get(),
         "INSERT INTO item_decisions (case_item_id, back_office, cursor, outcome, reason, data,"
         " missing_materials, decided_by, decided_at, received_at)"
         " SELECT n + 1, 'http://office', n + 1, 'approved', '', '{}', '[]', '科员',"
         " to_char(day + 2, 'YYYY-MM-DD') || ' 11:00:00', to_char(day + 2, 'YYYY-MM-DD') ||"
         " ' 11:00:00' FROM g WHERE NOT " +
             recent + " AND k % 10 = 0");
    exec(c.get(),
         "INSERT INTO hand_outs (case_item_id, collector, collector_id_number, proof, clerk,"
         " handed_out_at) SELECT n + 1, '李娜', '13043419960315024X', '居民身份证', '张敏',"
         " to_char(day + 4, 'YYYY-MM-DD') || ' 09:30:00' FROM g WHERE NOT " +
             recent + " AND k % 10 = 0");
    exec(c.get(),
         "INSERT INTO ratings (case_id, level, comment, rated_at, follow_up_by, resolution,"
         " resolved_by, resolved_at) SELECT n + 1, CASE WHEN k % 15 = 0 THEN 2 ELSE 4 + k % 2"
         " END, '', to_char(day, 'YYYY-MM-DD') || ' 10:00:00', CASE WHEN k % 15 = 0 THEN"
         " to_char(day + 21, 'YYYY-MM-DD') ELSE '' END, CASE WHEN k % 15 = 0 AND NOT " +
             recent + " THEN '已回访' ELSE '' END, CASE WHEN k % 15 = 0 AND NOT " + recent +
             " THEN '李军' ELSE '' END, CASE WHEN k % 15 = 0 AND NOT " + recent +
             " THEN to_char(day + 5, 'YYYY-MM-DD') || ' 10:00:00' ELSE '' END FROM g"
             " WHERE k % 3 = 0");
    exec(c.get(), "ANALYZE");
}

}  // namespace

void pg_centre_log(const fs::path& stage) {
    Server server;
    const std::string url = server.database("log");
    Temp temp;
    { open_store(url, temp.path, stage); }
    big_centre(url, 10);
    auto store = open_store(url, temp.path, stage);
    auto median_ms = [&](const std::function<long long()>& job) {
        std::vector<double> times;
        for (int i = 0; i < 7; ++i) {
            const auto start = Clock::now();
            if (job() == 0) throw std::runtime_error("the centre's store found nothing");
            times.push_back(ms_since(start));
        }
        return median(times);
    };
    print("pg_daily_log_1m_ms", median_ms([&] {
              return store.log().counter_log({{2026, 11, 20}, {2026, 11, 20}, ""}).cases;
          }),
          "ms");
    print("pg_month_report_ms", median_ms([&] {
              return store.log().counter_log({{2026, 10, 1}, {2026, 10, 31}, ""}).cases;
          }),
          "ms");
    // 统一窗口出件 at any window: the case by the number on the receipt, and the applicant's cases
    // by the ID number read from the card.
    std::mt19937 random(20261203);
    print("pg_handout_lookup_ms", median_ms([&] {
              const int n = static_cast<int>(random() % 1000000);
              char number[40];
              const Date day = Date{2016, 11, 23}.plus_days(n / 274);
              std::snprintf(number, sizeof number, "WX0%d-%s-%04d", 1 + n % 274 % 3,
                            day.iso().c_str(), n % 274);
              const auto found = store.cases().find(number);
              CaseFilter by_person;
              char id[24];
              std::snprintf(id, sizeof id, "1304341990%08d", n % 100000);
              by_person.applicant_id_number = id;
              by_person.limit = 50;
              return static_cast<long long>(found ? found->items.size() : 0) *
                     static_cast<long long>(store.cases().list(by_person).size());
          }),
          "ms");
}

void pg_poco_data_vs_libpq() {
    Server server;
    const std::string url = server.database("driver");
    exec(url, "CREATE TABLE t (id BIGINT PRIMARY KEY, number TEXT NOT NULL, body TEXT NOT NULL)");
    const int rows = 2000;
    const std::string body(400, 'x');
    // libpq: one statement prepared once, executed per row (what the store does).
    double libpq_ms = 0;
    {
        Connection c(url);
        PGresult* p =
            PQprepare(c.get(), "add", "INSERT INTO t VALUES ($1::bigint, $2, $3)", 3, nullptr);
        PQclear(p);
        const auto start = Clock::now();
        for (int i = 0; i < rows; ++i) {
            const std::string id = std::to_string(i), number = "WX01-" + id;
            const char* values[] = {id.c_str(), number.c_str(), body.c_str()};
            PGresult* r = PQexecPrepared(c.get(), "add", 3, values, nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_COMMAND_OK)
                throw std::runtime_error(std::string("libpq: ") + PQresultErrorMessage(r));
            PQclear(r);
        }
        libpq_ms = ms_since(start);
    }
    // Poco Data's PostgreSQL connector: the same rows, its statement object reused.
    double poco_ms = 0;
    {
        using namespace Poco::Data::Keywords;
        Poco::Data::PostgreSQL::Connector::registerConnector();
        Poco::Data::Session session("postgresql", server.keywords("driver"));
        Poco::Int64 id = 0;
        std::string number;
        std::string text = body;
        Poco::Data::Statement add(session);
        add << "INSERT INTO t VALUES ($1, $2, $3)", use(id), use(number), use(text);
        const auto start = Clock::now();
        for (int i = 0; i < rows; ++i) {
            id = rows + i;
            number = "WX02-" + std::to_string(i);
            add.execute();
        }
        poco_ms = ms_since(start);
        Poco::Data::PostgreSQL::Connector::unregisterConnector();
    }
    if (count(Connection(url).get(), "SELECT count(*) FROM t") != 2 * rows)
        throw std::runtime_error("a driver lost rows");
    print("pg_poco_data_vs_libpq_insert_ratio", poco_ms / libpq_ms, "ratio");
}

void pg_material_put(const fs::path& stage) {
    Server server;
    const std::string url = server.database("materials");
    Temp temp;
    auto store = open_store(url, temp.path, stage);
    std::mt19937 random(7);
    std::vector<double> times;
    for (int i = 0; i < 30; ++i) {
        // A 300 KB scan of its own (random bytes: a JPEG does not compress either).
        std::string scan(300 * 1024, '\0');
        for (auto& ch : scan) ch = static_cast<char>(random());
        const std::string sha256 = exchange::sha256_hex(scan);
        const auto start = Clock::now();
        store.materials().put(sha256, scan);
        times.push_back(ms_since(start));
    }
    print("pg_material_put_ms", median(times), "ms");
}

}  // namespace onewindow::bench

namespace onewindow::bench {

void pg_store_merge(const fs::path& stage, const AcceptRequestFactory& request) {
    // A counter's own store of 3,000 cases (each with a scan, all still to send), brought into
    // a centre twice: moved into an empty database (its ids kept), the baseline; and merged into
    // one that holds another counter's cases (new ids, references mapped, its chains walked).
    Temp temp;
    const fs::path own = temp.path / "WX02";
    fs::create_directories(own);
    {
        auto store = CaseStore::open(own / "counter.db", own / "materials", calendar(stage));
        for (int i = 0; i < 3000; ++i) store.cases().accept(request("WX02", temp.path));
    }
    Server server;
    const store::Location source{store::Engine::SQLite, (own / "counter.db").string()};
    const auto location = [&](const std::string& name) {
        return store::Location::parse(server.database(name), {});
    };
    const auto timed = [&](const store::Location& to) {
        const auto start = Clock::now();
        store::migrate_store(source, own / "materials", to, {}, own, "bench");
        return ms_since(start) / 1000;
    };
    const double moved = timed(location("moved"));
    const store::Location centre = location("centre");
    {
        auto store = CaseStore::open(centre, temp.path / "centre", calendar(stage));
        for (int i = 0; i < 300; ++i) store.cases().accept(request("WX01", temp.path));
    }
    const double merged = timed(centre);
    print("pg_store_move_3k_cases_s", moved, "s");
    print("pg_store_merge_3k_cases_s", merged, "s");
    print("pg_store_merge_vs_move_ratio", merged / moved, "ratio");
}

}  // namespace onewindow::bench
