// onewindow-backoffice: the reference department back-office service (后台分类审批).
//
// Departments without a system of their own run it; the counters' dispatchers send it the
// items they accepted, and pull the departments' decisions from it. Protocol v1 (HTTP, JSON):
//
//   GET  /v1/health                    unsigned; {"status":"ok","protocol":"v1"}
//   POST /v1/cases                     signed by a counter, header Idempotency-Key
//   POST /v1/supplements               signed by a counter, header Idempotency-Key; materials
//                                      supplied later to a case it sent (below)
//   GET  /v1/decisions?since=<cursor>[&limit=1..500][&wait=0..60]
//                                      signed by a counter; decisions on that counter's cases
//   GET  /v1/cases[?status=received|correction|approved|rejected][&limit=1..500][&after=<cursor>]
//                                      signed by department staff; cases of their departments,
//                                      oldest first, a page at a time (below)
//   POST /v1/decisions                 signed by department staff; decides one case
//   HEAD /v1/materials/<sha256>        signed by a counter; 200 when the file is here, else 404
//   PUT  /v1/materials/<sha256>        signed by a counter; the bytes of a material file (a
//                                      scan) named by its SHA-256 (lowercase hex)
//   /staff/...                         the staff web page (below), for people in a browser
//
// Signatures: onewindow/core/exchange_auth.hpp (headers, canonical string, reasons).
//
// POST /v1/cases. The body is one item of one case for one department:
//   {"case_number": "WX01-20261123-0001", "item": "FP-001", "item_version": 1,
//    "department": "weijian", "accepted_at": "2026-11-23 09:30:00",
//    "applicant": {...}, "values": {...},
//    "materials": [{"key": "birth_certificate", "name": "出生医学证明.jpg", "sha256": "..."}]}
// case_number, item and department are required strings; materials[].name is required and must
// be a plain file name (no '/', '\', control characters, "." or ".."); materials[].sha256, when
// not empty, names the scan sent before (PUT /v1/materials) in 64 lowercase hex; other keys are
// kept as sent (ignored, for forward compatibility). The Idempotency-Key must be
// "<case_number>/<item>". The first accepted request gets 201
// {"status":"received","reference":"BO-000001",
// "case_number":...,"item":...,"department":...,"received_at":"<UTC ISO 8601>"}; that exact
// answer (status and bytes) is stored and replayed for the same key with a byte-identical body
// (header "Idempotent-Replayed: true"); the same key with another body is 409. Keys are scoped
// per client.
//
// POST /v1/supplements. Materials the applicant brought after acceptance, at any counter: a
// tolerated gap's promise kept, or what a correction asked for (exchange_messages.hpp
// SupplementMessage):
//   {"supplement": "WX01-20261123-0001-BJ1", "case_number": "WX01-20261123-0001",
//    "item": "FP-001", "department": "weijian", "reason": "tolerated" | "correction",
//    "supplied_at": "2026-11-25 10:00:00", "counter": "WX02",
//    "materials": [{"key": "photo", "name": "照片.jpg", "sha256": "..."}]}
// Every material carries its scan (sent before, PUT /v1/materials). The Idempotency-Key must be
// "<supplement>/<item>"; the case is the caller's case "<case_number>/<item>" (404 unknown_case
// when it sent none, 409 department_mismatch when its department differs). 201
// {"status":"received","reference":"BO-...","supplement":...,"received_at":...}, replayed like
// a case's; the scans join the case's (staff see them under 补交材料); a case waiting on a
// correction ("correction") is "received" again, to be decided anew.
//
// GET /v1/decisions answers {"decisions": [...], "cursor": <last cursor returned, or since>}, each
// decision {"cursor", "reference", "case_number", "item", "department", "outcome", "reason",
// "data", "missing_materials", "decided_by", "decided_at"}, oldest first. The cursor is the
// decisions table's AUTOINCREMENT key: it only grows and is never reused, so "since the last
// cursor I stored" never misses or repeats a decision. With wait=N the request is held up to N
// seconds until a decision arrives (long poll); without it, it answers at once. A long poll holds
// one of the server's threads ("limits"."threads", 8 by default): at most half of them wait at
// once, further ones answer at once (the counter simply polls again), and stopping the server
// wakes them all.
//
// GET /v1/cases answers {"cases": [...], "total": <all cases that match>, "next": <cursor> | null},
// each case {"cursor", "reference", "counter", "case_number", "item", "department", "status",
// "received_at", "case": <the body the counter sent>}, oldest first, at most `limit` (100 by
// default). "next" is the cursor to pass as `after` for the following page, null on the last
// page: cases received meanwhile are never skipped, and "total" is the true count of the filter.
//
// POST /v1/decisions (department staff or their system). The body:
//   {"reference": "BO-000001", "outcome": "approved", "data": {"certificate_number": "..."},
//    "decided_by": "赵强"}
//   {"reference": "BO-000002", "outcome": "rejected", "reason": "不符合政策规定的条件"}
//   {"reference": "BO-000003", "outcome": "correction", "missing_materials": ["结婚证"],
//    "reason": "结婚证复印件不清晰"}
// approved needs a non-empty "data" object (the fields of the result document); rejected a
// non-empty "reason"; correction (补正) a non-empty list of material names. approved and
// rejected are final: a later different decision is 409 already_decided, while the same body
// sent again replays the first answer (idempotent by content, header Idempotent-Replayed).
// Corrections may follow each other until a final decision. A case of a department the caller
// does not serve is 403 forbidden; an unknown reference 404 unknown_case. The answer is 201
// {"cursor", "reference", "case_number", "item", "outcome", "decided_at"}; the decision and the
// case's new status are one transaction.
//
// Order of checks (the first that fails answers): request target (400 bad_request when it is not
// a valid URI) -> route (404/405) -> body size (413, before the body is read when Content-Length
// says so) -> signature headers, client and clock (401, before any byte of the body is read) ->
// the body, read to its end while hashed (413 past the limit, 400 incomplete_body when it stops
// short) -> signature over the body's hash, then the nonce (401) -> Idempotency-Key (400) ->
// replay/conflict (200-as-stored / 409) -> JSON syntax (400) -> fields (400, every issue listed)
// -> department served here (404) -> key matches the body (400). A refusal stores nothing: an
// accepted request is one SQLite transaction (case row + its nonce); refused ones touch no table.
// A request refused before its body was read is answered with "Connection: close".
//
// PUT /v1/materials/<sha256>. The scans of a case's materials, before the case that lists them:
// the body's SHA-256 must be the name (else 400 digest_mismatch, nothing stored); at most
// "max_material_bytes" (20 MiB by default; 413). 201 {"sha256", "bytes"} when stored, 200 when
// the file was already here (content-addressed: sending it again is harmless). Files are kept in
// the folder "materials" next to the database. The body is streamed to a temporary file in that
// folder while it is hashed (never held in memory), synced, and renamed into place only once the
// signature over that hash and the digest are right; otherwise the temporary file is removed.
//
// Error bodies (every status >= 400) are one JSON object:
//   {"error": "<code>", "message": "<English>", "message_zh": "<简体中文>",
//    "path": "<JSON path or header name, when one is to blame>",
//    "issues": [{"path": "...", "message": "..."}]       (400 on invalid fields only)}
// Codes: bad_request, not_found, method_not_allowed, payload_too_large, incomplete_body,
// header_too_large, busy, missing_header, malformed_header, unknown_client, stale_timestamp,
// bad_signature, replayed_nonce, missing_idempotency_key, idempotency_conflict, malformed_json,
// invalid_request, unknown_department, bad_query, digest_mismatch, unknown_case, forbidden,
// already_decided, internal_error. Messages are meant for administrators and logs: the counter
// translates the code for its clerk, so these bodies do not go through gettext. An internal error
// (500) says no more than that; its details go to the server's standard error.
//
// Connections (src/listener.hpp): a connection gets one of the worker threads only once it has
// sent a whole request head, so idle or half-sent connections cannot make the server
// unreachable. A connection silent for "idle_timeout_seconds" (new, or kept alive between
// requests) is closed; a head over 16 KiB is 431; a body that stops coming for
// "io_timeout_seconds" ends the connection. Connections beyond "max_connections" in all, or
// beyond "max_connections_per_client" from one address, are closed at once; requests beyond
// "queue" waiting for a free thread are answered 503 busy. On an office network the service is
// meant to sit behind an HTTPS front (nginx, see the README and examples/nginx-backoffice.conf)
// that adds TLS and a per-client request rate; its own "tls" serves small set-ups.
//
// Storage: its own SQLite file (WAL, synchronous=FULL, foreign keys, busy timeout,
// PRAGMA user_version migrations), one connection serialised by a mutex.
// Nonces: remembered in memory for twice the allowed skew; those of accepted cases are also
// written (in the case's transaction) and reloaded at start, so a restart does not reopen the
// replay window for a stored case.
//
// The staff web page (web.cpp): server-rendered HTML forms in Simplified Chinese, no script.
//   GET  /staff/login, POST /staff/login    user name + password of a "staff_users" entry
//   POST /staff/logout
//   GET  /staff/cases[?status=...][&before=<cursor>]
//                                           the cases of the user's departments, newest first,
//                                           50 a page, with the true count and a link to the
//                                           next page
//   GET  /staff/cases/<reference>           one case: applicant, values (tables and nested
//                                           values too), materials with thumbnails of the scans
//   GET  /staff/materials/<sha256>          a scan, for a user of a department that has a case
//                                           listing it in its materials (else 404); type sniffed
//                                           (PNG, JPEG, PDF); never cached (no-store)
//   POST /staff/cases/<reference>           a decision; the same function and the same rules as
//                                           POST /v1/decisions (one code path, no copy)
// Masking: ID numbers and phone numbers are masked wherever they are shown, at any depth of the
// values (rows of a table such as household.members, nested objects): by the field's dictionary
// type when the counter sent the types ("types": {"<key>": "id_number" | "phone" | ...}), else
// by the key's name (…id_number, …phone, …mobile); and any resident ID number inside any other
// text (17 digits and a digit or X with a real birth date) is masked too.
// A login opens a session: a random 128-bit id in the cookie "ow_staff" (HttpOnly,
// SameSite=Strict, Path=/staff, Secure with TLS), valid "session_seconds" after the login, kept
// in memory only (a restart logs everybody out). Each session has a random CSRF token that every
// POST but the login carries in the hidden field "csrf": a POST without it or with another one
// is 403 and stores nothing. Without a valid session every page redirects (303) to the login.
// Passwords are stored in the configuration as "pbkdf2-sha256$<rounds>$<salt>$<hex>"
// (onewindow-backoffice hash-password makes one with kStaffRounds); a hash with fewer than
// kMinStaffRounds is refused when the configuration is read. A hash with fewer than kStaffRounds
// is upgraded at the user's next successful login: the new hash is kept in the database (table
// staff_passwords, tied to the configuration's hash it replaces, so that an administrator's new
// hash in the file wins). A wrong user name costs the same time as a wrong password. Logins are
// counted per user name in a bounded table keyed by the name's SHA-256 (4,096 names; names over
// 64 bytes are refused at once and not counted): each attempt is counted under the same lock as
// the check that the name is not locked, before its password is checked, so 5 failed logins in a
// row lock the name for 15 minutes (429) even when they arrive at once. When the table is full of
// names failing now, new names are refused (429) until entries expire. In memory only.
// Every text put into a page goes through one escape function.
//
// Threads: Server is driven from one thread (start/stop); requests run on the listener's worker
// threads ("limits"."threads"), several at once.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace onewindow::backoffice {

struct Department {
    std::string code, name;
};

/// A caller allowed to sign requests, with its shared secret (at least 16 bytes). Counters send
/// cases and read decisions; department staff (or their systems) read cases and decide them,
/// for the departments listed.
struct Client {
    std::string id, secret;
    std::vector<std::string> departments;  // staff only
};

/// A person of a department who decides in the web page (/staff/login).
struct StaffUser {
    std::string name;           // the login name
    std::string display_name;   // shown and recorded as "decided_by"; the name when empty
    std::string password_hash;  // "pbkdf2-sha256$<rounds>$<salt>$<64 hex>"
    std::vector<std::string> departments;
};

/// PBKDF2-SHA256 rounds of new staff password hashes (OWASP's figure for PBKDF2-HMAC-SHA256),
/// and the fewest a configuration may hold (what earlier versions made); hashes in between are
/// upgraded at the next login.
constexpr int kStaffRounds = 600000;
constexpr int kMinStaffRounds = 310000;

/// A password hash for a StaffUser entry (a fresh random salt each time).
std::string hash_staff_password(const std::string& password, int rounds = kStaffRounds);
/// True when `password` matches `password_hash` (made by hash_staff_password); false for a
/// malformed hash.
bool check_staff_password(const std::string& password_hash, const std::string& password);

/// The configuration file (JSON), e.g.
///   {"listen": {"address": "127.0.0.1", "port": 8480},
///    "database": "backoffice.db",
///    "departments": [{"code": "weijian", "name": "县卫生健康局"}],
///    "counters": [{"id": "WX01", "secret": "a long random string"}],
///    "staff": [{"id": "weijian-office", "secret": "another long random string",
///               "departments": ["weijian"]}],
///    "staff_users": [{"name": "zhaoqiang", "display_name": "赵强",
///                     "password_hash": "pbkdf2-sha256$600000$...$...",
///                     "departments": ["weijian"]}],
///    "session_seconds": 1800,
///    "max_body_bytes": 1048576, "max_material_bytes": 20971520, "max_clock_skew_seconds": 300,
///    "limits": {"threads": 8, "queue": 64, "max_connections": 512,
///               "max_connections_per_client": 128, "idle_timeout_seconds": 30,
///               "io_timeout_seconds": 10},
///    "tls": {"certificate": "server.pem", "private_key": "server.key"}}
/// "database" and the TLS files relative to the configuration file's folder; port 0 takes a free
/// port. With "tls" the server speaks HTTPS only (onewindow/core/exchange_tls.hpp).
/// How many connections and requests the server takes, and how long it waits for them (the
/// "limits" object of the configuration, every key optional; see "Connections" above).
struct Limits {
    int threads = 8;                               // 2 to 64 worker threads
    std::size_t queue = 64;                        // requests waiting for a thread; more: 503
    std::size_t max_connections = 512;             // open at once, in all
    std::size_t max_connections_per_client = 128;  // open at once from one address
    long long idle_timeout_seconds = 30;           // to send a whole request head
    long long io_timeout_seconds = 10;             // between the bytes of a body, and to answer
};

struct Config {
    std::string address = "127.0.0.1";
    int port = 8480;
    std::filesystem::path database;
    std::vector<Department> departments;
    std::vector<Client> counters;
    std::vector<Client> staff;           // optional in the file
    std::vector<StaffUser> staff_users;  // optional: people using the web page
    long long session_seconds = 1800;    // 1 to 86400
    std::size_t max_body_bytes = 1024 * 1024;
    std::size_t max_material_bytes = 20 * 1024 * 1024;  // one material file (PUT /v1/materials)
    long long max_clock_skew_seconds = 300;
    Limits limits;
    std::filesystem::path tls_certificate, tls_private_key;  // both empty: plain HTTP
};

/// Reads and checks a configuration file; throws Error(Input) listing every problem with its
/// JSON path.
Config load_config(const std::filesystem::path& file);
/// The same from text; relative database paths resolve against `base_dir`.
Config parse_config(const std::string& text, const std::string& file_name,
                    const std::filesystem::path& base_dir);

class Service;   // the request handling (src/service.hpp)
class Listener;  // the connections (src/listener.hpp)

/// The HTTP server. start() opens the database and binds; stop() (or the destructor) waits for
/// the requests in progress.
class Server {
  public:
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Throws Error(Storage) when the database cannot be opened, Error(Input) when the address
    /// cannot be bound.
    void start();
    void stop();
    /// The bound port (the chosen one when the configuration said 0); valid after start().
    unsigned short port() const { return port_; }
    const Config& config() const { return config_; }

  private:
    Config config_;
    unsigned short port_ = 0;
    std::shared_ptr<Service> service_;
    std::unique_ptr<Listener> listener_;
};

}  // namespace onewindow::backoffice
