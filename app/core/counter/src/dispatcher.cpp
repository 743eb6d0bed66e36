// The counter's dispatcher (see dispatcher.hpp for the rules).
#include "onewindow/core/dispatcher.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/URI.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <ctime>
#include <future>
#include <iomanip>
#include <iterator>
#include <memory>
#include <random>
#include <set>
#include <sstream>

#include "onewindow/core/date.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/exchange_tls.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow {

ExchangeConfig ExchangeConfig::load(const std::filesystem::path& file) {
    return parse(read_text_file(file), file.string(),
                 std::filesystem::absolute(file).parent_path());
}

ExchangeConfig ExchangeConfig::parse(const std::string& text, const std::string& file_name,
                                     const std::filesystem::path& base_dir) {
    Issues issues;
    ExchangeConfig config;
    auto root = ObjectReader::of(parse_json(text, file_name), file_name, "$", issues);
    if (!root.raw()) issues.throw_if_any();
    root.reject_unknown({"client", "timeout_seconds", "endpoints", "agent"});
    config.client = root.string("client");
    config.timeout_seconds =
        static_cast<int>(root.opt_integer("timeout_seconds", 1, 300).value_or(10));
    auto endpoints = root.object("endpoints", true);
    if (endpoints.raw()) {
        for (const auto& name : endpoints.raw()->getNames()) {
            auto entry = endpoints.object(name, true);
            if (!entry.raw()) continue;
            entry.reject_unknown({"url", "secret", "ca_file"});
            ExchangeEndpoint endpoint{entry.string("url"), entry.string("secret"), ""};
            if (auto ca_file = entry.opt_string("ca_file"); ca_file && !ca_file->empty())
                endpoint.ca_file = (base_dir / *ca_file).string();
            if (!endpoint.url.empty()) {
                try {
                    Poco::URI uri(endpoint.url);
                    if ((uri.getScheme() != "http" && uri.getScheme() != "https") ||
                        uri.getHost().empty())
                        entry.fail("url", "must be http[s]://host[:port][/prefix]");
                } catch (const Poco::Exception& e) {
                    entry.fail("url", "is not a URL: " + e.message());
                }
            }
            config.endpoints[name] = endpoint;
        }
    }
    if (root.has("agent")) {
        auto agent = root.object("agent", true);
        if (agent.raw()) {
            agent.reject_unknown({"upper_centre"});
            config.upper_centre = agent.string("upper_centre");
            if (!config.upper_centre.empty() && !config.endpoints.count(config.upper_centre))
                agent.fail("upper_centre",
                           "names no endpoint of $.endpoints: \"" + config.upper_centre + "\"");
        }
    }
    issues.throw_if_any();
    return config;
}

int retry_delay_seconds(int failures, const RetryPolicy& policy, double unit) {
    const int doublings = std::clamp(failures - 1, 0, 30);
    const double capped =
        std::min<double>(policy.max_seconds, policy.base_seconds * std::pow(2.0, doublings));
    const double factor = 1.0 - policy.jitter + 2.0 * policy.jitter * std::clamp(unit, 0.0, 1.0);
    return std::max(1, static_cast<int>(std::lround(capped * factor)));
}

std::string add_seconds(const std::string& local_timestamp, long long seconds) {
    std::tm parts{};
    std::istringstream in(local_timestamp);
    in >> std::get_time(&parts, "%Y-%m-%d %H:%M:%S");
    if (in.fail()) throw Error(ErrorKind::Input, "not a time: \"" + local_timestamp + "\"");
    parts.tm_isdst = -1;
    std::time_t when = std::mktime(&parts) + static_cast<std::time_t>(seconds);
    std::tm out{};
    localtime_r(&when, &out);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &out);
    return buffer;
}

namespace {

/// What one HTTP attempt got: a status and body, or no answer (status 0, `error`).
struct Attempt {
    int status = 0;
    std::string body, error;
};

/// The endpoint's base URL without a trailing '/' (how a back office is named in the store).
std::string base_url(const ExchangeEndpoint& endpoint) {
    std::string url = endpoint.url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

/// One signed request; `resource` is what follows the URL's path prefix ("/v1/cases").
Attempt send_signed(const ExchangeEndpoint& endpoint, const std::string& client,
                    const std::string& method, const std::string& resource, const std::string& body,
                    const std::string& idempotency_key, int timeout_seconds) {
    Attempt attempt;
    try {
        const Poco::URI uri(base_url(endpoint));
        const std::string target = uri.getPath() + resource;
        std::unique_ptr<Poco::Net::HTTPClientSession> connection;
        if (uri.getScheme() == "https")
            connection = std::make_unique<Poco::Net::HTTPSClientSession>(
                uri.getHost(), uri.getPort(), exchange::tls_client_context(endpoint.ca_file));
        else
            connection =
                std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        Poco::Net::HTTPClientSession& session = *connection;
        session.setTimeout(Poco::Timespan(timeout_seconds, 0));
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] :
             exchange::sign_request(method, target, body, idempotency_key, client, endpoint.secret,
                                    std::time(nullptr), exchange::new_nonce()))
            request.set(name, value);
        if (!idempotency_key.empty()) request.set(exchange::kIdempotencyHeader, idempotency_key);
        if (method == Poco::Net::HTTPRequest::HTTP_POST) {
            request.setContentType("application/json; charset=utf-8");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        } else if (method == Poco::Net::HTTPRequest::HTTP_PUT) {
            request.setContentType("application/octet-stream");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        attempt.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        attempt.status = static_cast<int>(response.getStatus());
    } catch (const Poco::Exception& e) {
        attempt.status = 0;
        attempt.error = e.displayText();
    } catch (const std::exception& e) {
        attempt.status = 0;
        attempt.error = e.what();
    }
    return attempt;
}

}  // namespace

std::string endpoint_health(const ExchangeEndpoint& endpoint, const std::string& client,
                            int timeout_seconds) {
    const Attempt attempt =
        send_signed(endpoint, client, "GET", "/v1/health", "", "", timeout_seconds);
    if (attempt.status == 200) return {};
    if (attempt.status == 0) return trf("No answer from {}: {}", endpoint.url, attempt.error);
    return trf("{} answered HTTP {} to the health check", endpoint.url,
               std::to_string(attempt.status));
}

namespace {

using ScanReader = std::function<std::optional<std::string>(const std::string&)>;

/// The scans an outbox row's case lists (payload "materials"[].sha256).
std::vector<std::string> scans_of(const OutboxRow& row) {
    std::vector<std::string> out;
    try {
        auto payload = parse_json(row.payload, "outbox.payload").extract<Poco::JSON::Object::Ptr>();
        auto materials = payload ? payload->getArray("materials") : nullptr;
        for (std::size_t i = 0; materials && i < materials->size(); ++i) {
            auto material = materials->getObject(static_cast<unsigned>(i));
            const std::string sha = material ? material->optValue<std::string>("sha256", "") : "";
            if (sha.size() == 64) out.push_back(sha);
        }
    } catch (const std::exception&) {
        // a payload without materials (written before they travelled): nothing to upload
    }
    return out;
}

/// Sends one row: first the scans the back office lacks (HEAD, then PUT of the file), then the
/// case (or the supplement, store/supplements.hpp). A failed upload is the row's attempt (retried
/// or refused like the case would be); a scan missing here is skipped, so the case still arrives
/// (the staff page says it is missing).
Attempt send_row(const ExchangeEndpoint& endpoint, const ExchangeConfig& config,
                 const OutboxRow& row, const std::vector<std::string>& scans,
                 const ScanReader& read_scan) {
    for (const auto& sha : scans) {
        const std::string resource = "/v1/materials/" + sha;
        Attempt have =
            send_signed(endpoint, config.client, "HEAD", resource, "", "", config.timeout_seconds);
        if (have.status == 200) continue;
        if (have.status != 404) return have;
        std::optional<std::string> bytes;
        try {
            bytes = read_scan(sha);
        } catch (const Error&) {
        }
        if (!bytes) continue;
        Attempt put = send_signed(endpoint, config.client, "PUT", resource, *bytes, "",
                                  config.timeout_seconds);
        if (put.status == 404 || put.status == 405) break;  // a back office that takes no scans
        if (put.status != 200 && put.status != 201) return put;
    }
    const char* resource = row.kind == "supplement" ? "/v1/supplements" : "/v1/cases";
    return send_signed(endpoint, config.client, "POST", resource, row.payload, row.idempotency_key,
                       config.timeout_seconds);
}

DispatchOutcome classify(int status) {
    if (status >= 200 && status < 300) return DispatchOutcome::Sent;
    if (status == 0 || status == 401 || status == 408 || status == 429 || status >= 500)
        return DispatchOutcome::Retry;
    return DispatchOutcome::Refused;
}

/// "reference" of a 2xx answer; "HTTP <status> <error>: <message>" of a refusal.
std::string describe(const Attempt& attempt) {
    if (attempt.status == 0) return "no answer: " + attempt.error;
    std::string code, message, reference;
    try {
        auto json = parse_json(attempt.body, "answer").extract<Poco::JSON::Object::Ptr>();
        code = json->optValue<std::string>("error", "");
        message = json->optValue<std::string>("message", "");
        reference = json->optValue<std::string>("reference", "");
    } catch (const std::exception&) {
        message = attempt.body.substr(0, 200);
    }
    if (classify(attempt.status) == DispatchOutcome::Sent) return reference;
    return "HTTP " + std::to_string(attempt.status) + (code.empty() ? "" : " " + code) +
           (message.empty() ? "" : ": " + message);
}

double unit_random() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

/// Records one attempt's fate on its row (fills `result.next_attempt_at` for a retry).
/// `tried_at`: the endpoint the attempt went to (pins the row there), empty when it went nowhere.
void record(CaseStore& store, const OutboxRow& row, DispatchResult& result,
            const std::string& answer, const std::string& at, const RetryPolicy& policy,
            const std::string& tried_at) {
    switch (result.outcome) {
        case DispatchOutcome::Sent:
            store.outbox().sent(row.id, answer, at, tried_at);
            break;
        case DispatchOutcome::Refused:
            store.outbox().refused(row.id, result.message, at, tried_at);
            break;
        case DispatchOutcome::Retry:
            result.next_attempt_at =
                add_seconds(at, retry_delay_seconds(row.attempts + 1, policy, unit_random()));
            store.outbox().retry(row.id, result.next_attempt_at, result.message, tried_at);
            break;
    }
}

/// Who claims rows and pulls (outbox.hpp, decisions.hpp): the counter, the PC, the process and
/// the pass, so that two passes never share a claim.
std::string dispatcher_identity(const ExchangeConfig& config) {
    static std::atomic<long long> serial{0};
    char host[256] = "";
    ::gethostname(host, sizeof host - 1);
    return config.client + "@" + host + "/" + std::to_string(::getpid()) + "/" +
           std::to_string(++serial);
}

/// Ends the claims of dispatchers that ran on this PC and whose process is gone (killed, or the
/// PC restarted): their leases need not run out first. Claimers elsewhere are left alone.
void release_claims_of_the_dead(CaseStore& store, const std::string& me, const std::string& now) {
    const std::string here = me.substr(0, me.find('/') + 1);  // "client@host/"
    for (const auto& claimer : store.outbox().claimers(now)) {
        if (claimer.rfind(here, 0) != 0) continue;
        const std::string rest = claimer.substr(here.size());
        const pid_t pid = static_cast<pid_t>(std::atol(rest.c_str()));
        if (pid <= 0 || pid == ::getpid()) continue;
        if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive (or not ours to ask)
        store.outbox().release_claims(claimer);
    }
}

/// One decision of GET /v1/decisions (the `index`th), read by the protocol's codec
/// (exchange_messages.hpp): the first problem, naming its field, is thrown, so that the decision
/// is set aside with it.
ItemDecision read_decision(const Poco::Dynamic::Var& value, std::size_t index) {
    Issues issues;
    const exchange::DecisionMessage m = exchange::decision_from_json(
        value, "GET /v1/decisions", json_path_index("$.decisions", index), issues);
    if (!issues.empty()) throw Error(ErrorKind::Input, issues.list().front().to_string());
    ItemDecision decision;
    decision.cursor = m.cursor;
    decision.case_number = m.case_number;
    decision.item_code = m.item;
    decision.outcome = m.outcome;
    decision.reason = m.reason;
    decision.decided_by = m.decided_by;
    // The back office's clock is UTC; the counter's rows, log and timeline are local.
    decision.decided_at = local_timestamp_of(m.decided_at, "\"decided_at\"");
    decision.data_json = to_json(m.data);
    Poco::JSON::Array::Ptr missing = new Poco::JSON::Array;
    for (const auto& name : m.missing_materials) missing->add(name);
    decision.missing_json = to_json(Poco::Dynamic::Var(missing));
    return decision;
}

/// What can be told of a decision read_decision() refused: its cursor and case, if readable.
UnreadableDecision unreadable_decision(const Poco::Dynamic::Var& value, const std::string& why) {
    UnreadableDecision out;
    out.problem = why;
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) return out;
    const auto d = value.extract<Poco::JSON::Object::Ptr>();
    try {
        if (d->get("cursor").isInteger()) out.cursor = d->getValue<long long>("cursor");
        if (d->get("case_number").isString())
            out.case_number = d->getValue<std::string>("case_number");
    } catch (const std::exception&) {
        // nothing more can be told
    }
    return out;
}

/// Rows one pass claims.
constexpr std::size_t kRowsPerPass = 100;

}  // namespace

DispatchReport dispatch_once(CaseStore& store, const ExchangeConfig& config,
                             const RetryPolicy& policy, const std::optional<std::string>& now) {
    const std::string at = now.value_or(local_timestamp_now());
    // Claimed for this pass (outbox.hpp): each endpoint's rows go one after the other, so the
    // claim lasts as long as all of them could take at the timeout, and a minute more.
    const std::string lease =
        add_seconds(at, 60 + 2LL * kRowsPerPass * std::max(1, config.timeout_seconds));
    const std::string me = dispatcher_identity(config);
    release_claims_of_the_dead(store, me, at);
    const std::vector<OutboxRow> due =
        store.outbox().claim_due(me, config.client, at, lease, kRowsPerPass);
    const ScanReader read_scan = store.materials().reader();

    // The network part: the rows of each endpoint on a thread of their own. A row tried before
    // stays at the endpoint it was tried at; the others go where the configuration routes them
    // now (see dispatcher.hpp).
    std::vector<std::string> targets(due.size());
    std::map<std::string, std::vector<std::size_t>> by_endpoint;
    for (std::size_t i = 0; i < due.size(); ++i) {
        targets[i] = due[i].sent_to.empty() ? config.route(due[i].endpoint) : due[i].sent_to;
        by_endpoint[targets[i]].push_back(i);
    }
    std::vector<Attempt> attempts(due.size());
    std::vector<std::vector<std::string>> scans(due.size());
    for (std::size_t i = 0; i < due.size(); ++i) scans[i] = scans_of(due[i]);
    std::vector<std::future<void>> running;
    for (const auto& [name, rows] : by_endpoint) {
        auto endpoint = config.endpoints.find(name);
        if (endpoint == config.endpoints.end()) {
            for (std::size_t i : rows)
                attempts[i].error = "endpoint \"" + name + "\" is not configured in exchange.json";
            continue;
        }
        running.push_back(std::async(std::launch::async, [&, rows = &rows, endpoint] {
            for (std::size_t i : *rows)
                attempts[i] = send_row(endpoint->second, config, due[i], scans[i], read_scan);
        }));
    }
    for (auto& task : running) task.get();

    // The bookkeeping, one transaction per row.
    DispatchReport report;
    for (std::size_t i = 0; i < due.size(); ++i) {
        const OutboxRow& row = due[i];
        DispatchResult result{row.idempotency_key,          targets[i],
                              classify(attempts[i].status), attempts[i].status,
                              describe(attempts[i]),        ""};
        try {
            record(store, row, result, attempts[i].body, at, policy,
                   config.endpoints.count(targets[i]) ? targets[i] : std::string());
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound) throw;
            continue;  // another dispatcher (the shell's, a CLI pass) recorded it meanwhile
        }
        switch (result.outcome) {
            case DispatchOutcome::Sent:
                ++report.sent;
                break;
            case DispatchOutcome::Refused:
                ++report.refused;
                break;
            case DispatchOutcome::Retry:
                ++report.retry;
                break;
        }
        report.results.push_back(std::move(result));
    }
    return report;
}

PullReport pull_decisions(CaseStore& store, const ExchangeConfig& config,
                          const std::optional<std::string>& now) {
    constexpr int kPage = 100;
    const std::string at = now.value_or(local_timestamp_now());
    PullReport report;
    std::set<std::string> pulled;  // several endpoint names may share one back office
    const std::string puller = dispatcher_identity(config);
    for (const auto& [name, endpoint] : config.endpoints) {
        const std::string back_office = base_url(endpoint);
        if (!pulled.insert(back_office).second) continue;
        std::set<std::string> endpoints;  // the names that lead to this back office
        for (const auto& [other, where] : config.endpoints)
            if (base_url(where) == back_office) endpoints.insert(other);
        // One pull of a back office at a time across a centre (decisions.hpp); a lease long
        // enough for every page at the timeout.
        if (!store.decisions().claim_pull(back_office, config.client, puller, at,
                                          add_seconds(at, 300 + 10LL * config.timeout_seconds)))
            continue;  // another counter of the centre is pulling it now
        for (;;) {
            const long long since = store.decisions().cursor(back_office, config.client);
            const std::string resource =
                "/v1/decisions?since=" + std::to_string(since) + "&limit=" + std::to_string(kPage);
            Attempt answer = send_signed(endpoint, config.client, "GET", resource, "", "",
                                         config.timeout_seconds);
            if (answer.status != 200) {
                report.errors.push_back(back_office + ": " + describe(answer));
                break;
            }
            std::vector<ItemDecision> page;
            std::vector<UnreadableDecision> unreadable;
            long long cursor = since;
            std::size_t answered = 0;
            try {
                auto json = parse_json(answer.body, back_office + "/v1/decisions")
                                .extract<Poco::JSON::Object::Ptr>();
                cursor = json->getValue<long long>("cursor");
                auto list = json->getArray("decisions");
                answered = list ? list->size() : 0;
                for (unsigned i = 0; i < answered; ++i) {
                    // One bad decision is set aside (DecisionRepository::record()); the others
                    // and the cursor go on.
                    try {
                        page.push_back(read_decision(list->get(i), i));
                    } catch (const std::exception& e) {
                        unreadable.push_back(unreadable_decision(list->get(i), e.what()));
                    }
                }
            } catch (const std::exception& e) {
                report.errors.push_back(back_office + ": unreadable answer: " + e.what());
                break;
            }
            try {
                report.decisions += store.decisions().record(back_office, config.client, endpoints,
                                                             page, unreadable, cursor, at);
            } catch (const Error& e) {
                report.errors.push_back(back_office + ": " + e.what());
                break;
            }
            if (answered < static_cast<std::size_t>(kPage) || cursor <= since) break;
        }
        store.decisions().release_pull(back_office, config.client, puller);
    }
    return report;
}

Dispatcher::Dispatcher(StoreFactory open_store, ExchangeConfig config, RetryPolicy policy,
                       std::chrono::milliseconds interval)
    : open_store_(std::move(open_store)),
      config_(std::move(config)),
      policy_(policy),
      interval_(interval) {}

Dispatcher::~Dispatcher() { stop(); }

void Dispatcher::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void Dispatcher::wake() {
    std::lock_guard lock(mutex_);
    woken_ = true;
    wake_.notify_all();
}

void Dispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

int Dispatcher::passes() const {
    std::lock_guard lock(mutex_);
    return passes_;
}

DispatchReport Dispatcher::last_report() const {
    std::lock_guard lock(mutex_);
    return last_report_;
}

std::string Dispatcher::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

void Dispatcher::run() {
    std::optional<CaseStore> store;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        woken_ = false;
        lock.unlock();
        DispatchReport report;
        std::string error;
        try {
            if (!store) store.emplace(open_store_());
            report = dispatch_once(*store, config_, policy_);
            pull_decisions(*store, config_);
        } catch (const std::exception& e) {
            error = e.what();
            store.reset();  // reopened by the next pass
        }
        lock.lock();
        ++passes_;
        if (error.empty())
            last_report_ = std::move(report);
        else
            last_error_ = error;
        wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
    }
}

}  // namespace onewindow
