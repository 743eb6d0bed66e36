#include "onewindow/core/counter.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/RegularExpression.h>
#include <fcntl.h>
#include <unistd.h>

#include <mutex>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/catalogue.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/forms.hpp"
#include "onewindow/core/guide.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/paths.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/private_files.hpp"
#include "onewindow/core/report.hpp"
#include "onewindow/core/unified_form.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

/// The counter's log: <data>/logs/counter.log, one line per event from the plugins
/// ("2026-11-23 09:12:03 WARNING civil_affairs: ..."), appended; several processes of one
/// counter (the window, the command line) may write to it at once.
class CounterLogFile {
  public:
    explicit CounterLogFile(fs::path file) : file_(std::move(file)) {}
    void write(const LogLine& line) {
        static const char* const levels[] = {"DEBUG", "INFO", "WARNING", "ERROR"};
        const std::string text = local_timestamp_now() + " " + levels[line.level] + " " +
                                 line.plugin + ": " + line.message + "\n";
        std::lock_guard<std::mutex> lock(mutex_);
        std::error_code ignored;
        fs::create_directories(file_.parent_path(), ignored);
        // O_APPEND: each line lands whole at the end, whoever else writes.
        const int fd = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0) return;  // a log that cannot be written never stops the counter
        const ssize_t written = ::write(fd, text.data(), text.size());
        (void)written;
        ::close(fd);
    }

  private:
    fs::path file_;
    std::mutex mutex_;
};

}  // namespace

struct Counter::State {
    Options options;
    CounterConfig config;
    Catalogue catalogue;
    std::unique_ptr<PluginHost> host;
    std::optional<CaseStore> store;
    std::optional<DocumentRenderer> renderer;
    DocumentTemplate receipt, notice, refusal, correction, rejection, guide, booklet, contents,
        counter_log, supplement;
    std::vector<std::pair<std::string, DocumentTemplate>> results;  // plugin id, result template
    Issues load_issues;
};

Counter::Counter() : state_(std::make_unique<State>()) {}
Counter::~Counter() = default;

std::unique_ptr<Counter> Counter::open(const Options& options) {
    std::unique_ptr<Counter> counter(new Counter());
    State& s = *counter->state_;
    s.options = options;
    const fs::path share = options.root / "share" / "onewindow";
    // Private (private_files.hpp): a folder an earlier version left open is tightened through
    // and through, once; the files at its top (configuration copied in) at every start.
    make_private_tree(options.data_dir, make_private_dir(options.data_dir));
    const fs::path config_file = options.data_dir / "counter.json";
    s.config = CounterConfig::load(config_file);
    if (!fs::exists(config_file)) s.config.save(config_file);

    Issues issues;
    HostOptions host;
    host.dictionary = Dictionary::load(share / "forms" / "fields.json", issues);
    issues.throw_if_any();
    host.plugin_roots = plugin_roots(options.root, options.data_dir);
    host.trusted_list_file = options.data_dir / "trusted-plugins.json";
    host.state_dir = options.data_dir / "state";
    host.settings = new Poco::JSON::Object;
    const fs::path settings_file = options.data_dir / "plugin-settings.json";
    host.settings_file = settings_file.string();
    if (fs::exists(settings_file)) {
        Issues settings_issues;
        auto reader = ObjectReader::of(load_json_file(settings_file), settings_file.string(), "$",
                                       settings_issues);
        for (const auto& id : reader.raw()->getNames())
            reader.object(id, true);  // each must be an object
        settings_issues.throw_if_any();
        host.settings = reader.raw();
    }
    // The plugins' log lines go to the counter's log, <data>/logs/counter.log.
    host.log = [log = std::make_shared<CounterLogFile>(options.data_dir / "logs" / "counter.log")](
                   const LogLine& line) { log->write(line); };
    s.host = std::make_unique<PluginHost>(std::move(host));
    s.host->load_all();

    // The catalogue: every item of every running plugin (the host has checked them against the
    // shared dictionary with the plugins' fragments), and their result-document templates,
    // filled by the plugin (print_result).
    for (const auto& plugin : s.host->plugins()) {
        if (plugin.state != PluginState::Running) continue;
        for (const auto& item : plugin.data.items) s.catalogue.add(item);
        for (const auto& tpl : plugin.data.templates)
            s.results.emplace_back(plugin.manifest.id, tpl);
    }
    const fs::path bundles = share / "forms" / "bundles";
    if (fs::is_directory(bundles))
        for (const auto& entry : fs::directory_iterator(bundles)) {
            Issues bundle_issues;
            Bundle bundle = load_bundle(entry.path(), bundle_issues);
            if (bundle_issues.empty())
                check_bundle_items(
                    bundle, entry.path().string(),
                    [&s](const std::string& code) { return s.catalogue.find(code); },
                    bundle_issues);
            if (bundle_issues.empty()) s.catalogue.add_bundle(std::move(bundle));
            s.load_issues.append(bundle_issues);
        }

    s.store = open_store(options.root, options.data_dir, options.store);
    s.receipt = load_template(share / "templates" / "common" / "receipt.json", issues);
    s.notice = load_template(share / "templates" / "common" / "notice.json", issues);
    s.refusal = load_template(share / "templates" / "common" / "refusal.json", issues);
    s.correction = load_template(share / "templates" / "common" / "correction.json", issues);
    s.rejection = load_template(share / "templates" / "common" / "rejection.json", issues);
    s.guide = load_template(share / "templates" / "common" / "guide.json", issues);
    s.booklet = load_template(share / "templates" / "common" / "booklet.json", issues);
    s.contents = load_template(share / "templates" / "common" / "contents.json", issues);
    s.counter_log = load_template(share / "templates" / "common" / "counter_log.json", issues);
    s.supplement = load_template(share / "templates" / "common" / "supplement.json", issues);
    issues.throw_if_any();
    return counter;
}

const CounterConfig& Counter::config() const { return state_->config; }
const Dictionary& Counter::dictionary() const { return state_->host->dictionary(); }
const Catalogue& Counter::catalogue() const { return state_->catalogue; }

std::optional<IdCard> Counter::read_id_card() {
    const auto readers = state_->host->devices("id_card_reader");
    if (readers.empty())
        throw Error(ErrorKind::Plugin,
                    tr("No ID card reader is available: ask the administrator to install and "
                       "trust its plugin"));
    return onewindow::read_id_card(*state_->host, readers.front(), Date::today());
}
PluginHost& Counter::plugins() { return *state_->host; }
CaseStore& Counter::store() { return *state_->store; }
const fs::path& Counter::data_dir() const { return state_->options.data_dir; }
const fs::path& Counter::root() const { return state_->options.root; }
const Issues& Counter::load_issues() const { return state_->load_issues; }

UnifiedForm Counter::unified_form(const std::vector<std::string>& codes,
                                  const std::string& source) const {
    std::vector<const ServiceItem*> items;
    Issues issues;
    for (std::size_t i = 0; i < codes.size(); ++i) {
        const ServiceItem* item = state_->catalogue.find(codes[i]);
        if (!item)
            issues.add(source, json_path_index("$.items", i),
                       trf("no service item with code {} is available", codes[i]));
        else if (std::find(items.begin(), items.end(), item) != items.end())
            issues.add("case", json_path_index("$.items", i),
                       trf("item {} is listed twice", codes[i]));
        else
            items.push_back(item);
    }
    issues.throw_if_any();
    UnifiedForm form = build_unified_form(items, dictionary());
    if (!form.conflicts.empty()) {
        std::string message;
        for (const auto& c : form.conflicts) message += (message.empty() ? "" : "\n") + c;
        throw Error(ErrorKind::Input, message);
    }
    return form;
}

namespace {

Poco::JSON::Object::Ptr plugin_request(const std::string& item,
                                       const Poco::JSON::Object::Ptr& values,
                                       const std::vector<IntakeMaterial>& materials, Date today,
                                       const std::string& service_area) {
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    request->set("item", item);
    request->set("values", values);
    Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
    for (const auto& m : materials)
        if (m.supplied || m.tolerated) keys->add(m.key);
    request->set("materials", keys);
    request->set("today", today.iso());
    request->set("service_area", service_area);
    return request;
}

/// [{"code", "name", "department", "department_code", "type"}] of the form's items, as notices
/// and refusals keep them (the type decides whether 行政许可法 is cited; older records lack it).
Poco::JSON::Array::Ptr items_json(const UnifiedForm& form) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const ServiceItem* item : form.items) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("code", item->code);
        entry->set("name", item->name);
        entry->set("department", item->department_name);
        entry->set("department_code", item->department_code);
        entry->set("type", item->type);
        items->add(entry);
    }
    return items;
}

/// The dates a written promise names ("2026年11月30日", "2026-11-30"), in order.
std::vector<Date> dates_in(const std::string& text) {
    static const Poco::RegularExpression pattern("(\\d{4})(?:年|-)(\\d{1,2})(?:月|-)(\\d{1,2})日?");
    std::vector<Date> dates;
    Poco::RegularExpression::MatchVec match;
    for (std::size_t offset = 0; pattern.match(text, offset, match) >= 4;
         offset = match[0].offset + match[0].length) {
        const int year = std::stoi(text.substr(match[1].offset, match[1].length));
        const int month = std::stoi(text.substr(match[2].offset, match[2].length));
        const int day = std::stoi(text.substr(match[3].offset, match[3].length));
        if (Date::valid(year, month, day)) dates.push_back(Date{year, month, day});
    }
    return dates;
}

std::string text_value(const Poco::JSON::Object::Ptr& values, const std::string& key) {
    if (!values->has(key) || values->isNull(key)) return {};
    auto v = values->get(key);
    return v.isString() ? v.extract<std::string>() : v.convert<std::string>();
}

}  // namespace

IntakeReview Counter::review(const IntakeRequest& request) const {
    State& s = *state_;
    IntakeReview review;
    review.now = request.now.value_or(local_timestamp_now());
    const auto today =
        Date::parse(review.now.substr(0, std::min<std::size_t>(10, review.now.size())));
    if (!today) throw Error(ErrorKind::Input, "case: $.now: not a time YYYY-MM-DD HH:MM:SS");
    review.today = *today;
    review.form = std::make_shared<UnifiedForm>(unified_form(request.items, request.source));
    const UnifiedForm& form = *review.form;
    review.values = new Poco::JSON::Object(*request.values);
    derive_values(form, review.values, *today);

    auto label_of = [&](const std::string& key) {
        const UnifiedField* field = form.field(key);
        return field ? field->def.label : key;
    };
    auto add = [&](const Finding& finding) {
        review.findings.push_back(finding);
        const std::string label =
            finding.field.empty() ? std::string(tr("Case")) : label_of(finding.field);
        // Form findings already start with the label; keep the reason only.
        std::string message = finding.message;
        for (const std::string separator : {": ", "："})
            if (message.rfind(label + separator, 0) == 0)
                message = message.substr(label.size() + separator.size());
        (finding.severity == "error" ? review.problems : review.warnings)
            .push_back({label, message});
    };
    for (const auto& f : validate_values(form, review.values, *today)) add(f);
    // The departments' own rules, unless the form itself is already wrong.
    if (review.problems.empty()) {
        for (const ServiceItem* item : form.items) {
            auto answer = s.host->call(item->plugin_id, Operation::Validate,
                                       plugin_request(item->code, review.values, request.materials,
                                                      *today, s.config.service_area));
            auto findings = answer->getArray("findings");
            for (std::size_t i = 0; findings && i < findings->size(); ++i) {
                auto f = findings->getObject(static_cast<unsigned>(i));
                const bool warning = f->optValue<std::string>("severity", "error") == "warning";
                add(Finding{f->optValue<std::string>("field", ""), warning ? "warning" : "error",
                            f->optValue<std::string>("message", "")});
            }
        }
    }
    std::vector<SuppliedMaterial> supplied;
    for (const auto& m : request.materials)
        supplied.push_back({m.key, m.supplied, m.tolerated, m.promise});
    review.missing_materials = check_materials(form, review.values, supplied);
    // A tolerated gap is promised for a day to come: a promise dated before the acceptance
    // cannot be kept (容缺受理 rests on it).
    for (const auto& m : request.materials) {
        if (!m.tolerated) continue;
        for (const Date& promised : dates_in(m.promise))
            if (promised < review.today) {
                auto unified =
                    std::find_if(form.materials.begin(), form.materials.end(),
                                 [&](const UnifiedMaterial& u) { return u.material.key == m.key; });
                review.problems.push_back(
                    {unified == form.materials.end() ? m.key : unified->material.name,
                     trf("the applicant promises it by {}, which is before today ({})",
                         promised.chinese(), review.today.chinese())});
                break;
            }
    }
    return review;
}

std::string Counter::issue_notice(const IntakeRequest& request) {
    return issue_notice(request, review(request));
}

std::string Counter::issue_notice(const IntakeRequest& request, const IntakeReview& checked) {
    if (checked.missing_materials.empty())
        throw Error(ErrorKind::Input,
                    tr("No material is missing: there is nothing to put in a one-time notice"));
    return record_notice(request, checked);
}

std::string Counter::record_notice(const IntakeRequest& request, const IntakeReview& checked) {
    State& s = *state_;
    Poco::JSON::Array::Ptr items = items_json(*checked.form), problems = new Poco::JSON::Array;
    for (const auto& p : checked.missing_materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("subject", p.name);
        entry->set("reason", p.reason);
        problems->add(entry);
    }
    return s.store->notices().record_notice(
        {s.config.code, request.clerk.empty() ? s.config.default_clerk : request.clerk,
         text_value(checked.values, "applicant.name"),
         text_value(checked.values, "applicant.id_number"), to_json(Poco::Dynamic::Var(items)),
         to_json(Poco::Dynamic::Var(problems)), checked.now});
}

IntakeOutcome Counter::intake(const IntakeRequest& request) {
    return intake(request, review(request));
}

IntakeOutcome Counter::intake(const IntakeRequest& request, const IntakeReview& checked) {
    State& s = *state_;
    const UnifiedForm& form = *checked.form;
    const Poco::JSON::Object::Ptr& values = checked.values;
    const std::string& now = checked.now;
    const Date today = checked.today;
    IntakeOutcome outcome;
    outcome.problems = checked.problems;
    outcome.warnings = checked.warnings;
    if (!outcome.problems.empty()) {
        outcome.kind = IntakeOutcome::Kind::Invalid;
        return outcome;
    }
    const std::string clerk = request.clerk.empty() ? s.config.default_clerk : request.clerk;
    if (!checked.missing_materials.empty()) {
        for (const auto& p : checked.missing_materials)
            outcome.problems.push_back({p.name, p.reason});
        outcome.number = record_notice(request, checked);
        outcome.kind = IntakeOutcome::Kind::Notice;
        return outcome;
    }

    AcceptRequest accept;
    // Agent mode is read at each acceptance (the administrator may switch it while the shell
    // runs); a broken exchange.json stops the acceptance rather than lose a forwarding deadline.
    if (const fs::path exchange = s.options.data_dir / "exchange.json"; fs::exists(exchange))
        accept.agent = ExchangeConfig::load(exchange).agent_mode();
    accept.counter = s.config.code;
    accept.clerk = clerk;
    accept.applicant_name = text_value(values, "applicant.name");
    accept.applicant_id_number = text_value(values, "applicant.id_number");
    accept.applicant_phone = text_value(values, "applicant.phone");
    accept.values_json = to_json(values);
    accept.form_snapshot_json = to_json(form_snapshot(form, dictionary().version()));
    accept.now = now;
    std::vector<std::string> codes;
    for (const ServiceItem* item : form.items) codes.push_back(item->code);
    auto order = s.catalogue.order_of(codes);  // a bundle's order: sent after what it needs
    for (const ServiceItem* item : form.items) {
        auto answer = s.host->call(
            item->plugin_id, Operation::Route,
            plugin_request(item->code, values, request.materials, today, s.config.service_area));
        auto routes = answer->getArray("routes");
        if (!routes || routes->size() == 0)
            throw Error(ErrorKind::Plugin,
                        "plugin " + item->plugin_id + ": route: no route for " + item->code);
        auto route = routes->getObject(0);
        AcceptItem a;
        a.code = item->code;
        a.name = item->name;
        a.version = item->version;
        a.department_code = route->optValue<std::string>("department", item->department_code);
        a.department_name = item->department_name;
        a.plugin_id = item->plugin_id;
        a.endpoint = route->optValue<std::string>("endpoint", a.department_code);
        a.preliminary_review =
            route->optValue<bool>("preliminary_review", item->preliminary_review);
        a.required = route->optValue<bool>("required", true);
        a.immediate = item->immediate;
        a.promised_days = item->promised_days;
        a.legal_days = item->legal_days;
        a.legal_unit = item->legal_unit;
        a.waits_for = std::move(order[item->code]);
        accept.items.push_back(a);
    }
    for (const auto& unified : form.materials) {
        auto given =
            std::find_if(request.materials.begin(), request.materials.end(),
                         [&](const IntakeMaterial& m) { return m.key == unified.material.key; });
        if (given == request.materials.end() || (!given->supplied && !given->tolerated)) continue;
        accept.materials.push_back({unified.material.key, unified.material.name,
                                    unified.material.originals, unified.material.copies,
                                    given->file, given->tolerated, given->promise});
    }
    outcome.number = s.store->cases().accept(accept).case_number;
    outcome.kind = IntakeOutcome::Kind::Accepted;
    return outcome;
}

std::string Counter::refuse(const IntakeRequest& request, const std::string& reason,
                            const std::string& apply_to) {
    State& s = *state_;
    UnifiedForm form = unified_form(request.items, request.source);
    auto items = items_json(form);
    if (!apply_to.empty())  // kept with the items: the store keeps them as they are
        for (std::size_t i = 0; i < items->size(); ++i)
            items->getObject(static_cast<unsigned>(i))->set("apply_to", apply_to);
    return s.store->notices().record_refusal(
        {s.config.code, request.clerk.empty() ? s.config.default_clerk : request.clerk,
         text_value(request.values, "applicant.name"),
         normalize_id_number(text_value(request.values, "applicant.id_number")),
         to_json(Poco::Dynamic::Var(items)), reason, request.now});
}

namespace {

Poco::JSON::Object::Ptr counter_block(const CounterConfig& config, const std::string& clerk) {
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object(true);
    c->set("counter", config.code);
    c->set("counter_name", config.name);
    c->set("clerk", clerk);
    c->set("enquiry_phone", config.enquiry_phone);
    c->set("hotline", "12345");  // 政务服务便民热线, on every document a citizen takes home
    return c;
}

/// The items of a stored notice or refusal ([{"code", "name", "department", ...}]).
Poco::JSON::Array::Ptr stored_items(const std::string& json, const std::string& what) {
    auto items = parse_json(json, what).extract<Poco::JSON::Array::Ptr>();
    return items ? items : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
}

/// The distinct non-empty values of `key` of the items, in order, joined with "、".
std::string joined_values(const Poco::JSON::Array::Ptr& items, const std::string& key) {
    std::vector<std::string> seen;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string value =
            items->getObject(static_cast<unsigned>(i))->optValue<std::string>(key, "");
        if (!value.empty() && std::find(seen.begin(), seen.end(), value) == seen.end())
            seen.push_back(value);
    }
    std::string out;
    for (const auto& v : seen) out += (out.empty() ? "" : "、") + v;
    return out;
}

/// "根据《中华人民共和国行政许可法》第三十二条的规定，" when one of the items is a 行政许可 (the
/// law governs licensing only); otherwise nothing.
std::string licensing_basis(const Poco::JSON::Array::Ptr& items) {
    for (std::size_t i = 0; i < items->size(); ++i)
        if (items->getObject(static_cast<unsigned>(i))->optValue<std::string>("type", "") ==
            "行政许可")
            return tr(
                "Under Article 32 of the Administrative Licensing Law of the People's "
                "Republic of China, ");
    return {};
}

/// What the applicant can do against a refusal or a rejection of `items` (codes), one text
/// each: the objection of an item that has one (legal aid), the reconsideration and the suit
/// for every other item. See CounterConfig and plugins/LAW.md.
std::vector<std::string> remedies(const CounterConfig& config,
                                  const std::vector<std::string>& items) {
    std::vector<std::string> out;
    bool general = false;
    for (const auto& code : items) {
        auto objection =
            std::find_if(config.objections.begin(), config.objections.end(), [&](const auto& o) {
                return std::find(o.items.begin(), o.items.end(), code) != o.items.end();
            });
        if (objection == config.objections.end()) {
            general = true;
            continue;
        }
        const std::string text =
            trf("If you object to this decision, you may raise the objection with {} ({}); if "
                "you disagree with its decision upholding this one, you may apply for "
                "administrative reconsideration or bring an administrative lawsuit.",
                objection->body, objection->basis);
        if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(text);
    }
    if (general)
        out.insert(out.begin(),
                   trf("If you disagree with this decision, you may apply to {} for administrative "
                       "reconsideration within 60 days of the day you know or should know of it "
                       "(Articles 20 and 24 of the Administrative Reconsideration Law of the "
                       "People's Republic of China), or bring an administrative lawsuit before a "
                       "people's court within six months of that day (Article 46 of the "
                       "Administrative Procedure Law of the People's Republic of China).",
                       config.reconsideration_body));
    return out;
}

std::vector<std::string> item_codes(const Poco::JSON::Array::Ptr& items) {
    std::vector<std::string> codes;
    for (std::size_t i = 0; i < items->size(); ++i)
        codes.push_back(
            items->getObject(static_cast<unsigned>(i))->optValue<std::string>("code", ""));
    return codes;
}

/// How a material was received, as the receipt says it: scanned at the window (the original
/// seen and handed back), or the originals and copies kept, never "0 份".
std::string material_received(const CaseMaterialRecord& m) {
    if (!m.sha256.empty()) return tr("original checked and scanned at the window");
    return material_quantity(m.originals, m.copies);
}

/// The data every notice starts from: the counter block under "case" and the applicant with
/// the ID number masked (a notice is not the applicant's own certificate).
Poco::JSON::Object::Ptr notice_data(const CounterConfig& config, const std::string& clerk,
                                    const std::string& applicant_name,
                                    const std::string& applicant_id_number) {
    Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
    data->set("case", counter_block(config, clerk));
    Poco::JSON::Object::Ptr applicant = new Poco::JSON::Object(true);
    applicant->set("name", applicant_name);
    applicant->set("id_masked", mask_id_number(applicant_id_number));
    data->set("applicant", applicant);
    return data;
}

/// An item as documents name it: {"code", "name", "department"}.
Poco::JSON::Object::Ptr item_block(const std::string& code, const std::string& name,
                                   const std::string& department) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object(true);
    item->set("code", code);
    item->set("name", name);
    item->set("department", department);
    return item;
}

/// A correction notice's own number: the case number, "-BZ" and the how-many-th correction of
/// the item it is (补正).
std::string correction_number(const std::string& case_number, int nth) {
    return case_number + "-BZ" + std::to_string(nth);
}

std::string chinese_date(const std::string& timestamp) {
    auto date = Date::parse(timestamp.substr(0, 10));
    return date ? date->chinese() : timestamp;
}

std::string chinese_time(const std::string& timestamp) {
    auto date = Date::parse(timestamp.substr(0, 10));
    if (!date) return timestamp;
    return date->chinese() + (timestamp.size() >= 16 ? " " + timestamp.substr(11, 5) : "");
}

}  // namespace

const DocumentRenderer& Counter::renderer() const {
    if (!state_->renderer) state_->renderer.emplace();  // fonts are opened on first use
    return *state_->renderer;
}

DocumentJob Counter::prepare_counter_log(const CounterLog& log, const CounterLog& before,
                                         const fs::path& out) const {
    return {state_->counter_log,
            counter_log_data(log, before, state_->config.name, local_timestamp_now()), out};
}

DocumentJob Counter::prepare_receipt(const std::string& number, const fs::path& out) const {
    const State& s = *state_;
    auto record = s.store->cases().find(number);
    if (!record) throw Error(ErrorKind::NotFound, trf("No case with number {}", number));
    auto data =
        notice_data(s.config, record->clerk, record->applicant_name, record->applicant_id_number);
    auto c = data->getObject("case");
    c->set("number", record->number);
    c->set("accepted_at", chinese_time(record->accepted_at));
    data->getObject("applicant")->set("phone_masked", mask_phone(record->applicant_phone));
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    bool later = false;  // an item decided after today: its result is handed out later
    for (const auto& item : record->items) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("code", item.code);
        entry->set("name", item.name);
        entry->set("department", item.department_name);
        entry->set("promised_date",
                   item.immediate ? std::string(tr("immediate")) : item.promised_date.chinese());
        std::string limit =
            item.immediate ? std::string(tr("immediate"))
                           : trf("promised {} working days", std::to_string(item.promised_days));
        if (!item.immediate && item.legal_days > 0) {
            // In the unit the item had when it was accepted (kept with the case).
            limit += trf(" (legal {})", day_count(item.legal_days, item.legal_unit));
        }
        entry->set("time_limit", limit);
        items->add(entry);
        later = later || !item.immediate;
    }
    data->set("items", items);
    // A case made of a bundle (一件事) names it, its lead department and the date the county
    // promised for the whole: its own commitment in working days from acceptance, not a legal
    // limit (each item keeps its own above).
    std::vector<std::string> codes;
    for (const auto& item : record->items) codes.push_back(item.code);
    const auto accepted = Date::parse(record->accepted_at.substr(0, 10));
    if (const Bundle* bundle = s.catalogue.bundle_of(codes); bundle && accepted) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("name", bundle->name);
        for (const auto& item : record->items)  // the lead is one of the items' departments
            if (item.department_code == bundle->lead) entry->set("lead", item.department_name);
        entry->set("promised_days", std::to_string(bundle->promised_days));
        entry->set(
            "promised_date",
            s.store->calendar().add_working_days(*accepted, bundle->promised_days).chinese());
        data->set("bundle", entry);
    }
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array, gaps = new Poco::JSON::Array;
    for (const auto& m : record->materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("name", m.name);
        if (m.tolerated) {
            entry->set("promise", m.promise);
            gaps->add(entry);
        } else {
            entry->set("received", material_received(m));
            materials->add(entry);
        }
    }
    data->set("materials", materials);
    data->set("gaps", gaps);
    // The window checks that the listed materials are there; the department reviews them and
    // may still ask for a correction: the receipt does not call them complete beyond that.
    c->set("review", gaps->size() ? std::string(tr("the materials listed below were received; "
                                                   "the tolerated gaps follow on the "
                                                   "applicant's written promise"))
                                  : std::string(tr("the materials the items require were "
                                                   "received")));
    std::vector<std::string> notes;
    if (later) {
        notes = {tr("Keep this receipt: you need it to ask about progress and to collect the "
                    "result."),
                 tr("The promised date counts working days from the day of acceptance; weekends "
                    "and public holidays are not counted."),
                 tr("If the department's review finds that a material must be corrected, you "
                    "will receive a correction notice listing everything to correct at once."),
                 tr("Results are handed out at this window; bring your ID card and this "
                    "receipt.")};
    } else {
        notes = {tr("Immediate items are completed on the spot: the result is handed to you "
                    "at this window today."),
                 tr("Keep this receipt as the record of your application.")};
    }
    data->set("notes", text_rows(notes));
    // The applicant may rate the visit later too: a QR code of the rating page for this case.
    c->set("rating_link", s.config.rating_url.empty()
                              ? std::string()
                              : format_message(s.config.rating_url, {record->number}));
    return {s.receipt, data, out};
}

DocumentJob Counter::prepare_notice(const std::string& number, const fs::path& out) const {
    const State& s = *state_;
    auto notice = s.store->notices().find_notice(number);
    if (!notice) throw Error(ErrorKind::NotFound, trf("No one-time notice with number {}", number));
    auto data =
        notice_data(s.config, notice->clerk, notice->applicant_name, notice->applicant_id_number);
    Poco::JSON::Object::Ptr n = new Poco::JSON::Object(true);
    n->set("number", notice->number);
    n->set("date", chinese_date(notice->issued_at));
    auto items = stored_items(notice->items_json, "notice items");
    n->set("basis", licensing_basis(items));
    data->set("notice", n);
    data->set("items", items);
    data->set("problems", parse_json(notice->problems_json, "notice problems"));
    data->set("notes",
              text_rows({tr("This notice lists everything that is missing or wrong; nothing "
                            "else will be asked of you for these items."),
                         tr("Bring this notice with the materials; the window will then "
                            "accept the case on the spot.")}));
    return {s.notice, data, out};
}

DocumentJob Counter::prepare_refusal(const std::string& number, const fs::path& out) const {
    const State& s = *state_;
    auto refusal = s.store->notices().find_refusal(number);
    if (!refusal) throw Error(ErrorKind::NotFound, trf("No refusal with number {}", number));
    auto data = notice_data(s.config, refusal->clerk, refusal->applicant_name,
                            refusal->applicant_id_number);
    auto items = stored_items(refusal->items_json, "refusal items");
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object(true);
    r->set("number", refusal->number);
    r->set("date", chinese_date(refusal->refused_at));
    r->set("reason", refusal->reason);
    // The window takes applications in on the departments' behalf: the decision is theirs.
    const std::string issuer = joined_values(items, "department");
    r->set("issuer", issuer.empty() ? s.config.name : issuer);
    r->set("seal", trf("seal of {}", issuer.empty() ? s.config.name : issuer));
    r->set("basis", licensing_basis(items));
    r->set("apply_to", joined_values(items, "apply_to"));
    data->set("refusal", r);
    data->set("items", items);
    data->set("remedies", text_rows(remedies(s.config, item_codes(items))));
    data->set("notes",
              text_rows({tr("When the reason above no longer applies, you may apply again.")}));
    return {s.refusal, data, out};
}

DocumentJob Counter::prepare_correction(const CorrectionRequest& request,
                                        const fs::path& out) const {
    const State& s = *state_;
    if (request.materials.empty())
        throw Error(ErrorKind::Input,
                    tr("A correction notice needs at least one material to correct"));
    auto data =
        notice_data(s.config, request.clerk.empty() ? s.config.default_clerk : request.clerk,
                    request.applicant_name, request.applicant_id_number);
    data->getObject("case")->set("number", request.case_number);
    data->set("item", item_block(request.item_code, request.item_name, request.department));
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object(true);
    c->set("number",
           request.number.empty() ? correction_number(request.case_number, 1) : request.number);
    c->set("deadline",
           request.deadline ? request.deadline->chinese() : std::string(tr("as soon as possible")));
    c->set("by", request.deadline ? trf("by {}", request.deadline->chinese())
                                  : std::string(tr("as soon as possible")));
    c->set("date", request.date.chinese());
    data->set("correction", c);
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const auto& m : request.materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("subject", m.subject);
        entry->set("reason", m.reason);
        materials->add(entry);
    }
    data->set("materials", materials);
    data->set("notes",
              text_rows({tr("Bring this notice with the materials listed above; the time limit "
                            "of the case is paused until they are received."),
                         tr("If the materials are not corrected by the deadline, the "
                            "application may be rejected.")}));
    return {s.correction, data, out};
}

DocumentJob Counter::prepare_supplement(const std::string& number, const fs::path& out) const {
    const State& s = *state_;
    // "<case number>-BJ<n>" (supplements.hpp)
    const std::size_t at = number.rfind("-BJ");
    const std::string case_number = at == std::string::npos ? "" : number.substr(0, at);
    const auto record = s.store->cases().find(case_number);
    std::optional<SupplementRecord> supplement;
    if (record)
        for (auto& kept : s.store->supplements().of_case(case_number))
            if (kept.number == number) supplement = std::move(kept);
    if (!supplement) throw Error(ErrorKind::NotFound, trf("There is no supplement {}", number));
    auto data = notice_data(s.config, supplement->clerk, record->applicant_name,
                            record->applicant_id_number);
    auto c = data->getObject("case");
    c->set("number", record->number);
    c->set("accepted_counter", record->counter);
    Poco::JSON::Object::Ptr block = new Poco::JSON::Object(true);
    block->set("number", supplement->number);
    block->set("at", chinese_time(supplement->supplied_at));
    block->set("reason", supply_reason_label(supplement->reason));
    block->set("what", supplement->reason == "correction"
                           ? std::string(tr("and sent to the department, which decides the item "
                                            "anew; the time limit runs again from today."))
                           : std::string(tr("and sent to the departments: the promise made at "
                                            "acceptance is kept.")));
    data->set("supplement", block);
    Poco::JSON::Array::Ptr materials = new Poco::JSON::Array;
    for (const auto& m : supplement->materials) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        entry->set("name", m.name);
        entry->set("received", std::string(tr("original checked and scanned at the window")));
        materials->add(entry);
    }
    data->set("materials", materials);
    // The items it goes to: its outbox rows ("<supplement>/<item>").
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& row : s.store->outbox().rows(case_number)) {
        if (row.kind != "supplement" || row.idempotency_key.rfind(number + "/", 0) != 0) continue;
        for (const auto& item : record->items)
            if (item.code == row.item_code)
                items->add(item_block(item.code, item.name, item.department_name));
    }
    data->set("items", items);
    data->set("notes",
              text_rows({tr("Keep this receipt with the acceptance receipt; results are handed "
                            "out at any window of the centre.")}));
    return {s.supplement, data, out};
}

DocumentJob Counter::prepare_guide(const std::string& code, const fs::path& out) const {
    const ServiceItem* item = state_->catalogue.find(code);
    if (!item) throw Error(ErrorKind::NotFound, trf("No service item with code {}", code));
    return {state_->guide, guide_data(*item), out};
}

GuideBookletJob Counter::prepare_guide_booklet(const fs::path& out) const {
    const State& s = *state_;
    return {s.booklet,
            s.contents,
            s.guide,
            {s.catalogue.items().begin(), s.catalogue.items().end()},
            {s.config.name, Date::today().chinese()},
            out};
}

namespace {

/// The latest decision on an item of a case, if any.
std::optional<ItemDecision> latest_decision(const CaseStore& store, const std::string& case_number,
                                            const std::string& item_code) {
    std::optional<ItemDecision> latest;
    for (auto& d : store.decisions().of_case(case_number))
        if (d.item_code == item_code) latest = std::move(d);
    return latest;
}

const CaseItemRecord& case_item(const CaseRecord& record, const std::string& item_code) {
    for (const auto& item : record.items)
        if (item.code == item_code) return item;
    throw Error(ErrorKind::NotFound,
                trf("Case {} has no item with code {}", record.number, item_code));
}

/// A case, one of its items and the back office's latest decision on it.
struct DecidedItem {
    CaseRecord record;
    CaseItemRecord item;
    std::optional<ItemDecision> decision;
};

DecidedItem decided_item(const CaseStore& store, const std::string& case_number,
                         const std::string& item_code) {
    auto record = store.cases().find(case_number);
    if (!record) throw Error(ErrorKind::NotFound, trf("No case with number {}", case_number));
    CaseItemRecord item = case_item(*record, item_code);
    return {std::move(*record), std::move(item), latest_decision(store, case_number, item_code)};
}

/// The data of the 不予批准决定书 of a rejected item: in the department's name, the reason, the
/// remedies; numbered after the case and the item.
Poco::JSON::Object::Ptr rejection_data(const CounterConfig& config, const CaseRecord& record,
                                       const CaseItemRecord& item, const ItemDecision& decision) {
    auto data =
        notice_data(config, record.clerk, record.applicant_name, record.applicant_id_number);
    auto c = data->getObject("case");
    c->set("number", record.number);
    c->set("accepted_at", chinese_time(record.accepted_at));
    data->set("item", item_block(item.code, item.name, item.department_name));
    Poco::JSON::Object::Ptr d = new Poco::JSON::Object(true);
    d->set("number", record.number + "-" + item.code + "-BY");
    d->set("date", chinese_date(decision.decided_at));
    d->set("reason",
           decision.reason.empty() ? std::string(tr("No reason was given")) : decision.reason);
    d->set("seal", trf("seal of {}", item.department_name));
    data->set("decision", d);
    data->set("remedies", text_rows(remedies(config, {item.code})));
    return data;
}

}  // namespace

CounterLog Counter::counter_log(const LogPeriod& period, const UserAccount* reader) const {
    CounterLog log = reader ? state_->store->counter_log(*reader, period)
                            : state_->store->log().counter_log(period);
    log.rating_follow_up_days = state_->config.rating_follow_up_working_days;
    for (const auto& item : catalogue().items()) {
        ++log.catalogue_items;
        log.catalogue_immediate += item.immediate ? 1 : 0;
    }
    return log;
}

long long Counter::rate(const std::string& case_number, int level, const std::string& comment,
                        const std::optional<std::string>& now) {
    return state_->store->hand_outs().record_rating(case_number, level, comment, now,
                                                    state_->config.rating_follow_up_working_days);
}

namespace {

/// Why the items of `hand_out` cannot be handed out now, by the case as `record` has it: an
/// unknown item, one not decided yet, or one handed out already (`meanwhile`: since the
/// hand-out was prepared, so at another window). Throws Error(Input) naming the item.
/// The store's rules for a hand-out (store/handouts.hpp), checked before anything prints: the
/// collector, and each item's state in `record`; `meanwhile` when the case was read again after
/// printing (another window may have handed it out in between).
void check_hand_out(const CaseRecord& record, const HandOut& hand_out, bool meanwhile) {
    store::check_hand_out(hand_out);
    for (const auto& code : hand_out.item_codes) {
        const CaseItemRecord& item = case_item(record, code);
        if (meanwhile && item.status == "handed_out")
            throw Error(ErrorKind::Input,
                        trf("Case {}: the result of {} was handed out at another window "
                            "meanwhile; nothing was recorded here",
                            record.number, item.name));
        store::check_hand_out_item(code, item.status);
    }
}

}  // namespace

std::vector<fs::path> HandOutJob::print(const DocumentRenderer& renderer) const {
    std::vector<fs::path> printed;
    for (const auto& document : documents) {
        fs::create_directories(document.out.parent_path());
        document.render(renderer);
        if (printer) print_pdf(document.out, *printer);
        printed.push_back(document.out);
    }
    return printed;
}

HandOutJob Counter::prepare_hand_out(const HandOut& hand_out,
                                     const std::optional<PrintOptions>& printer) const {
    const auto record = state_->store->cases().find(hand_out.case_number);
    if (!record) throw Error(ErrorKind::NotFound, trf("There is no case {}", hand_out.case_number));
    check_hand_out(*record, hand_out, false);
    HandOutJob job;
    job.hand_out = hand_out;  // at this window, whichever took the case in
    if (job.hand_out.counter.empty()) job.hand_out.counter = state_->config.code;
    job.printer = printer;
    for (const auto& code : hand_out.item_codes)
        job.documents.push_back(prepare_result(
            hand_out.case_number, code,
            data_dir() / "documents" / (hand_out.case_number + "-" + code + "-result.pdf")));
    return job;
}

void Counter::record_hand_out(const HandOutJob& job) {
    // Another window of the centre may have handed the case out while this one printed: the
    // case as it is now says so in words; the store's own check, in the transaction that
    // records, closes the last gap between this read and that write.
    const auto record = state_->store->cases().find(job.hand_out.case_number);
    if (!record)
        throw Error(ErrorKind::NotFound, trf("There is no case {}", job.hand_out.case_number));
    check_hand_out(*record, job.hand_out, true);
    state_->store->hand_outs().record_hand_out(job.hand_out);
}

std::vector<fs::path> Counter::hand_out(const HandOut& hand_out,
                                        const std::optional<PrintOptions>& printer) {
    const HandOutJob job = prepare_hand_out(hand_out, printer);
    auto printed = job.print(renderer());
    record_hand_out(job);
    return printed;
}

void Counter::print_receipt(const std::string& number, const fs::path& out) const {
    prepare_receipt(number, out).render(renderer());
}

void Counter::print_notice(const std::string& number, const fs::path& out) const {
    prepare_notice(number, out).render(renderer());
}

void Counter::print_refusal(const std::string& number, const fs::path& out) const {
    prepare_refusal(number, out).render(renderer());
}

void Counter::print_supplement(const std::string& number, const fs::path& out) const {
    prepare_supplement(number, out).render(renderer());
}

void Counter::print_correction(const CorrectionRequest& request, const fs::path& out) const {
    prepare_correction(request, out).render(renderer());
}

void Counter::print_result(const std::string& case_number, const std::string& item_code,
                           const fs::path& out) const {
    prepare_result(case_number, item_code, out).render(renderer());
}

void Counter::print_guide(const std::string& item_code, const fs::path& out) const {
    prepare_guide(item_code, out).render(renderer());
}

GuideBooklet Counter::print_guide_booklet(const fs::path& out) const {
    return prepare_guide_booklet(out).render(renderer());
}

void Counter::print_counter_log(const CounterLog& log, const CounterLog& before,
                                const fs::path& out) const {
    prepare_counter_log(log, before, out).render(renderer());
}

DocumentJob Counter::prepare_result(const std::string& case_number, const std::string& item_code,
                                    const fs::path& out) const {
    const State& s = *state_;
    const auto [record, item, decision] = decided_item(*s.store, case_number, item_code);
    if (decision && decision->outcome == "rejected") {
        return {s.rejection, rejection_data(s.config, record, item, *decision), out};
    }
    if (!decision || decision->outcome != "approved")
        throw Error(ErrorKind::Input,
                    trf("Case {}: the item {} is not decided yet, so its result document "
                        "cannot be printed",
                        case_number, item.name));
    const DocumentTemplate* tpl = nullptr;
    for (const auto& [plugin, candidate] : s.results)
        if (plugin == item.plugin_id && std::find(candidate.items.begin(), candidate.items.end(),
                                                  item_code) != candidate.items.end())
            tpl = &candidate;
    if (!tpl)
        throw Error(ErrorKind::NotFound,
                    trf("The plugin {} has no result document template for the item {}",
                        item.plugin_id, item.name));
    Poco::JSON::Object::Ptr c = new Poco::JSON::Object(true);
    c->set("number", record.number);
    c->set("accepted_at", record.accepted_at);
    c->set("values", parse_json(record.values_json, "case values"));
    c->set("item", item_block(item.code, item.name, item.department_name));
    Poco::JSON::Object::Ptr d = new Poco::JSON::Object(true);
    d->set("outcome", decision->outcome);
    d->set("decided_at", decision->decided_at);
    d->set("decided_by", decision->decided_by);
    d->set("data", parse_json(decision->data_json, "decision data"));
    Poco::JSON::Object::Ptr request = new Poco::JSON::Object(true);
    request->set("item", item_code);
    request->set("template", tpl->id);
    request->set("case", c);
    request->set("decision", d);
    auto answer = s.host->call(item.plugin_id, Operation::FillDocument, request);
    auto fields = answer->getObject("fields");
    if (!fields)
        throw Error(ErrorKind::Plugin,
                    "plugin " + item.plugin_id + ": fill_document: the answer has no \"fields\"");
    return {*tpl, fields, out};
}

CorrectionRequest Counter::correction_request(const std::string& case_number,
                                              const std::string& item_code) const {
    const auto [record, item, decision] = decided_item(*state_->store, case_number, item_code);
    if (!decision || decision->outcome != "correction")
        throw Error(ErrorKind::Input,
                    trf("Case {}: the back office has not asked for a correction of the item {}",
                        case_number, item.name));
    CorrectionRequest request;
    int nth = 0;  // the how-many-th request for a correction of this item
    for (const auto& d : state_->store->decisions().of_case(case_number))
        if (d.item_code == item_code && d.outcome == "correction") ++nth;
    request.number = correction_number(record.number, std::max(nth, 1));
    request.case_number = record.number;
    request.applicant_name = record.applicant_name;
    request.applicant_id_number = record.applicant_id_number;
    request.item_code = item.code;
    request.item_name = item.name;
    request.department = item.department_name;
    request.date = Date::today();
    const std::string reason = decision->reason.empty()
                                   ? std::string(tr("Required by the back office's review"))
                                   : decision->reason;
    auto missing = parse_json(decision->missing_json, "decision missing materials")
                       .extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; missing && i < missing->size(); ++i) {
        const auto entry = missing->get(static_cast<unsigned>(i));
        IntakeProblem material{"", reason};
        if (entry.type() == typeid(Poco::JSON::Object::Ptr)) {
            auto object = entry.extract<Poco::JSON::Object::Ptr>();
            material.subject = object->optValue<std::string>("name", "");
            material.reason = object->optValue<std::string>("reason", reason);
        } else {
            material.subject = entry.convert<std::string>();
        }
        for (const auto& m : record.materials)  // a material key of the case: its name
            if (m.key == material.subject) material.subject = m.name;
        if (!material.subject.empty()) request.materials.push_back(std::move(material));
    }
    auto data = parse_json(decision->data_json, "decision data").extract<Poco::JSON::Object::Ptr>();
    const std::string deadline = data ? data->optValue<std::string>("deadline", "") : "";
    if (!deadline.empty()) {
        request.deadline = Date::parse(deadline);
        if (!request.deadline)
            throw Error(
                ErrorKind::Input,
                trf("The correction deadline \"{}\" of the back office is not a date", deadline));
    }
    return request;
}

}  // namespace onewindow
