// The counter's dispatcher: sends each accepted item (an outbox row, written at acceptance, one
// per item route) to its department's back office with POST /v1/cases (exchange protocol v1,
// see app/backoffice and exchange_auth.hpp), and records what became of it.
//
// Rules:
// - Each row is tried on its own. Every attempt is signed afresh (new timestamp and nonce); the
//   Idempotency-Key is the row's, "<case number>/<item code>", the same on every retry, and the
//   body is the payload stored at acceptance, byte for byte, so a retry after a lost answer gets
//   the back office's first answer instead of a second case.
// - 2xx: sent (the answer is kept on the row, audit 'outbox.sent'). 401, 408, 429, 5xx, no
//   answer at all, or an endpoint not configured yet: retried later. Any other 4xx (400, 403,
//   404, 409, 413, ...): refused for good (audit 'outbox.refused'); it needs a person.
// - Backoff per row: base * 2^(failures - 1) seconds, capped, times a random factor in
//   [1 - jitter, 1 + jitter] so that counters coming back online do not all call at once.
// - One failing item or endpoint never holds back the others: a pass sends the rows of each
//   endpoint on a thread of their own, and a failure only reschedules its own row.
// - A row's case carries the applicant, the form's values and its materials; the scans go first
//   (HEAD /v1/materials/<sha256>, then PUT of the file when the back office lacks it), so the
//   department's staff see them with the case. A back office without /v1/materials gets the
//   case alone.
// - A bundle's order (一件事): a row whose item waits for other items of its case is not due
//   until they are approved; the first pass after the pull that brought the last approval sends
//   it (a Dispatcher pass pulls after it sends: the next pass). A row whose prerequisite was
//   rejected or refused is held for the clerk (store/outbox.hpp).
// - Rows survive restarts: the outbox is in the case database; a pass only reads rows that are
//   due, so a restart does not retry early.
// - Decisions come back by pull (GET /v1/decisions?since=<cursor>), so a counter behind NAT or
//   offline for a day loses nothing: the cursor of each back office (named by its base URL) is
//   kept in the case database and moves in the transaction that keeps the decisions.
//
// Configuration, <data>/exchange.json (a counter without it works offline; nothing is sent):
//   {"client": "WX01", "timeout_seconds": 10,
//    "endpoints": {"county_health": {"url": "https://10.0.0.5:8480", "secret": "...",
//                                    "ca_file": "county-ca.pem"}}}
// "client" is the counter's id at the back offices (X-OneWindow-Client); the counters of a centre
// (one PostgreSQL store) share one, since any of them sends any row and one pull per back office
// serves them all while a back office answers a client about its own cases. Each endpoint name is
// the one a plugin's route names; a URL may carry a path prefix ("http://host/backoffice").
// HTTPS is the switch from http:// to https:// (exchange_tls.hpp: TLS 1.2+, strict
// verification); "ca_file" (relative to the configuration file) names the CA to trust instead
// of the system's.
//
// Agent mode (代办): a village or township service point forwards every item to the upper-level
// centre instead of the departments: "agent": {"upper_centre": "<endpoint name>"}. The payload
// still names the department, so the centre's back office (serving those departments) takes it.
// Each item accepted in agent mode carries a forwarding deadline, fixed at acceptance like the
// promised dates: 2 working days, 3 when its route asks for preliminary review (初审).
//
// Where an item goes is decided at dispatch, not at acceptance: the outbox row keeps the route
// the plugin chose (the department endpoint), and route() maps it through the configuration in
// force when the row is first tried. So switching a counter into or out of agent mode, or
// renaming the upper centre, also moves the rows accepted before the switch that were never
// tried (a village point that gives up its department endpoints does not strand them). Once a
// row has been tried it stays pinned to the endpoint it was tried at (OutboxRow::sent_to): an
// answer lost after that back office committed must be retried there, or the item would become
// two cases at two back offices. An administrator's `outbox retry` lifts the pin.
//
// Threads: dispatch_once() uses the CaseStore it is given (one thread at a time, as always) and
// starts one short-lived thread per endpoint for the network part. A Dispatcher runs passes on
// its own thread with its own CaseStore (from the factory); start/wake/stop from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "onewindow/core/case_store.hpp"

namespace onewindow {

struct ExchangeEndpoint {
    std::string url, secret;
    std::string ca_file;  // https: PEM CA certificates to trust; empty: the system's
};

struct ExchangeConfig {
    std::string client;
    std::map<std::string, ExchangeEndpoint> endpoints;  // by endpoint name
    int timeout_seconds = 10;
    std::string upper_centre;  // agent mode: the endpoint every item goes to; empty: not agent

    bool agent_mode() const { return !upper_centre.empty(); }
    /// The endpoint an item whose route names `route_endpoint` is sent to now.
    const std::string& route(const std::string& route_endpoint) const {
        return agent_mode() ? upper_centre : route_endpoint;
    }

    /// Reads <data>/exchange.json; Error(Input) naming each bad key with its JSON path.
    static ExchangeConfig load(const std::filesystem::path& file);
    static ExchangeConfig parse(const std::string& text, const std::string& file_name,
                                const std::filesystem::path& base_dir = {});
};

/// The connection test of an endpoint (the set-up assistant's, before it is saved): GET
/// <url>/v1/health, signed like every request. Returns "" when the back office answers 200, else
/// what went wrong, in Chinese (no answer within `timeout_seconds`, or the status it gave).
std::string endpoint_health(const ExchangeEndpoint& endpoint, const std::string& client,
                            int timeout_seconds = 5);

struct RetryPolicy {
    int base_seconds = 30;   // the first retry comes after about this long
    int max_seconds = 3600;  // no wait is longer than this (before jitter)
    double jitter = 0.2;     // 0 to 1
};

/// Seconds to wait after `failures` (>= 1) failed attempts; `unit` is a random number in [0, 1).
int retry_delay_seconds(int failures, const RetryPolicy& policy, double unit);

/// "YYYY-MM-DD HH:MM:SS" (local time) plus `seconds`.
std::string add_seconds(const std::string& local_timestamp, long long seconds);

enum class DispatchOutcome { Sent, Retry, Refused };

struct DispatchResult {
    std::string idempotency_key, endpoint;  // endpoint: where it went (ExchangeConfig::route)
    DispatchOutcome outcome = DispatchOutcome::Retry;
    int http_status = 0;          // 0: no answer
    std::string message;          // the back office's reference when sent, else what went wrong
    std::string next_attempt_at;  // Retry only
};

struct DispatchReport {
    int sent = 0, retry = 0, refused = 0;
    std::vector<DispatchResult> results;
};

/// One pass: every pending row due at `now` (local time by default) is tried once.
DispatchReport dispatch_once(CaseStore& store, const ExchangeConfig& config,
                             const RetryPolicy& policy = {},
                             const std::optional<std::string>& now = std::nullopt);

struct PullReport {
    int decisions = 0;                // decisions kept (new to this store)
    std::vector<std::string> errors;  // one per back office that could not be read
};

/// Pulls the decisions each configured back office has for this counter (GET
/// /v1/decisions?since=<cursor>, page by page) and keeps them (CaseStore::record_decisions);
/// a back office that fails is reported and the others are still read. A decision that cannot be
/// read, or that names an item not sent to this back office or already decided, is set aside
/// with an audit event and the cursor moves past it (DecisionRepository::record()).
PullReport pull_decisions(CaseStore& store, const ExchangeConfig& config,
                          const std::optional<std::string>& now = std::nullopt);

/// Runs dispatch_once() and then pull_decisions() in the background every `interval`, and at once
/// after wake().
class Dispatcher {
  public:
    using StoreFactory = std::function<CaseStore()>;
    Dispatcher(StoreFactory open_store, ExchangeConfig config, RetryPolicy policy = {},
               std::chrono::milliseconds interval = std::chrono::seconds(10));
    ~Dispatcher();  // stop()
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    void wake();
    /// Waits for the pass in progress (its network part is bounded by the timeout).
    void stop();

    /// Passes completed so far, the last one's report, and the last pass-level failure (the
    /// database could not be opened or written; the next pass tries again).
    int passes() const;
    DispatchReport last_report() const;
    std::string last_error() const;

  private:
    void run();

    StoreFactory open_store_;
    ExchangeConfig config_;
    RetryPolicy policy_;
    std::chrono::milliseconds interval_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false, woken_ = false;
    int passes_ = 0;
    DispatchReport last_report_;
    std::string last_error_;
    std::thread thread_;
};

}  // namespace onewindow
