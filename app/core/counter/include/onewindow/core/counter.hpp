// The counter: one comprehensive window's working set, and the operations a clerk performs.
//
// A Counter opens everything a window needs from an installation root and a data folder:
//   <root>/share/onewindow/forms/fields.json     the shared field dictionary
//   <root>/share/onewindow/calendar/*.json       working-day calendars
//   <root>/share/onewindow/templates/common/     receipt, notices, guide and booklet templates
//   <root>/plugins/ and <data>/plugins/          plugin folders (bundled and installed)
//   <data>/counter.json                          this counter's code, name, service area, phones
//   <data>/trusted-plugins.json                  the administrator's trusted list
//   <data>/plugin-settings.json                  the plugins' settings (one object per id)
//   <data>/logs/counter.log                      the counter's log (the plugins' log lines)
//   <data>/counter.db, <data>/materials/         the case store and scanned materials, or the
//                                                centre's store that counter.json "store" names
// and offers the flow of design.md: items -> unified form -> validation (form rules + each
// plugin's checks) -> accept (receipt) or one-time notice. The CLI and the shell only call this.
//
// Threads: a Counter is used by one thread at a time (the shell: whoever holds Services::lock()),
// except where a function says "Any thread". Printing comes in two phases so that no lock is
// held across a render, a print or a network call: prepare_*() reads what a document needs
// (the store, the plugin's fill of a result document, the template) on the Counter's thread
// and returns a job (DocumentJob, GuideBookletJob, HandOutJob) that refers to nothing of the
// Counter; the job renders with renderer(), on any thread, without the Counter (document.hpp:
// one renderer serves several threads at once). Only a hand-out comes back to the Counter, to
// record (record_hand_out()). The print_*() and hand_out() functions are prepare + render (+
// record) in one call on the Counter's thread, for the command line.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "onewindow/core/case_store.hpp"
#include "onewindow/core/date.hpp"
#include "onewindow/core/document.hpp"
#include "onewindow/core/guide.hpp"
#include "onewindow/core/id_card.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/printing.hpp"
#include "onewindow/core/unified_form.hpp"

namespace onewindow {

class Catalogue;
class Dictionary;
class PluginHost;
class CaseStore;

/// The remedies a refusal (不予受理) or a rejection (不予批准) names, as counter.json sets them.
/// By default a decision of a 魏县 department can be brought to 魏县人民政府 for administrative
/// reconsideration within 60 days (行政复议法 2023, arts. 20 and 24) or to a court within six
/// months (行政诉讼法 art. 46); the items of `objections` are first objected to another body
/// (legal aid: the county justice bureau, 法律援助法 art. 49). See plugins/LAW.md.
struct Objection {
    std::vector<std::string> items;  // unified codes
    std::string body;                // who hears the objection, e.g. 魏县司法局
    std::string basis;  // the article, e.g. 《中华人民共和国法律援助法》第四十九条
};

struct CounterConfig {
    std::string code = "WX01";
    std::string name = "魏县政务服务中心综合受理窗口";
    std::string service_area = "130434";
    /// The window's own enquiry line. The shipped one is a placeholder, plainly an example:
    /// every installation sets its own.
    std::string enquiry_phone = "0310-0000000（示例号码）";
    std::string default_clerk = "张敏";
    std::string reconsideration_body = "魏县人民政府";
    /// Where an applicant rates the visit later (好差评): "{}" is replaced by the case number and
    /// the receipt carries it as a QR code; empty: no code. The shipped address is an example
    /// (the reserved .example domain): every installation sets its province's rating page.
    std::string rating_url = "https://rating.example/hcp?case={}";
    /// Working days within which a bad rating is followed up (整改回访), 1 to 60.
    int rating_follow_up_working_days = 15;
    std::vector<Objection> objections = {
        {{"000713001000"}, "魏县司法局", "《中华人民共和国法律援助法》第四十九条"}};
    /// Where the case store is (store/database.hpp, Location::parse): empty for this PC's own
    /// <data>/counter.db; "postgresql://..." for a service centre's store shared by its counters.
    std::string store;

    /// What is wrong with the settings: (key, English message for tr()) per problem; none when
    /// the code is a short code without spaces or slashes and the service area a 6-digit
    /// division code. load() reports them as issues of the file, save() refuses to write them.
    std::vector<std::pair<std::string, const char*>> problems() const;

    static CounterConfig load(const std::filesystem::path& file);  // missing file: defaults
    /// Writes the file atomically; Error(Input) naming the file and the key of the first
    /// problem() (nothing is written then).
    void save(const std::filesystem::path& file) const;
};

/// The case store of a counter's data folder: `override` (a --store option) when given, else
/// counter.json's "store", else <data>/counter.db. Error(Input) for a malformed location.
store::Location store_location(const std::filesystem::path& data_dir,
                               const std::optional<std::string>& override = std::nullopt);
/// Opens that store with the installation's calendar and the folder's calendar edits
/// (<root>/share/onewindow/calendar, <data>/calendar-edits.json) and scans in <data>/materials.
CaseStore open_store(const std::filesystem::path& root, const std::filesystem::path& data_dir,
                     const std::optional<std::string>& override = std::nullopt);

/// One material as the clerk records it at intake.
struct IntakeMaterial {
    std::string key;
    std::filesystem::path file;  // scanned file, optional
    bool supplied = false;       // true when a file is given or the paper was seen
    bool tolerated = false;      // 容缺: to follow on the applicant's written promise
    std::string promise;

    /// The material as an entry of a case file's "materials" (onewindow.case/1): key, file
    /// (when given, as it is), supplied, tolerated, promise (when given). from_json reads it.
    Poco::JSON::Object::Ptr to_json() const;
    /// Reads such an entry: its members and their types, a relative file taken from
    /// `base_dir`; each problem goes to the reader's issues. Whether the material can be decided
    /// on (a tolerated gap's promise, a file that exists) is the case file's check, not this:
    /// a draft may hold a material half recorded.
    static IntakeMaterial from_json(ObjectReader& entry, const std::filesystem::path& base_dir);
};

struct IntakeRequest {
    std::vector<std::string> items;  // unified codes
    std::string clerk;
    Poco::JSON::Object::Ptr values;
    std::vector<IntakeMaterial> materials;
    std::optional<std::string> now;  // "YYYY-MM-DD HH:MM:SS", for tests and replays
    std::string source = "case";     // the case file, for messages
    /// Reads a case file (see app/cli/README.md); every problem named with file and JSON path.
    static IntakeRequest load(const std::filesystem::path& file);
    static IntakeRequest from_json(const Poco::JSON::Object::Ptr& object, const std::string& source,
                                   const std::filesystem::path& base_dir);
};

/// A problem found at intake, for the clerk (Chinese) and the one-time notice.
struct IntakeProblem {
    std::string subject;  // field label or material name
    std::string reason;
};

/// What the counter thinks of a request before any decision: nothing is written.
struct IntakeReview {
    std::string now;
    Date today;
    std::shared_ptr<const UnifiedForm> form;
    Poco::JSON::Object::Ptr values;                 // as typed, with derived values filled in
    std::vector<Finding> findings;                  // by field key: form rules and plugins
    std::vector<IntakeProblem> problems, warnings;  // the same, labelled for the clerk
    std::vector<MaterialProblem> missing_materials;
};

struct IntakeOutcome {
    enum class Kind { Accepted, Notice, Invalid } kind = Kind::Invalid;
    std::string number;                   // case number (Accepted) or notice number (Notice)
    std::vector<IntakeProblem> problems;  // Notice: missing/wrong materials; Invalid: field errors
    std::vector<IntakeProblem> warnings;
};

/// 补正材料通知书: what a back-office decision "correction needed" asks of the applicant.
struct CorrectionRequest {
    std::string number;  // its own number, "<case number>-BZ<n>"; empty: the first, -BZ1
    std::string case_number;
    std::string applicant_name, applicant_id_number;  // the ID number is printed masked
    std::string item_code, item_name, department;
    std::vector<IntakeProblem> materials;  // material name and the reason it is needed
    std::optional<Date> deadline;          // bring them by this day; none: as soon as possible
    Date date;                             // the notice's date
    std::string clerk;                     // empty: the counter's default clerk
};

/// A hand-out prepared (Counter::prepare_hand_out): what is recorded, and the result
/// document of each item to render and print. It refers to nothing of the Counter.
struct HandOutJob {
    HandOut hand_out;  // its counter set: this window
    std::vector<DocumentJob> documents;
    std::optional<PrintOptions> printer;  // CUPS; none: the documents are only written
    /// Renders every document (into <data>/documents) and prints it when a printer is given;
    /// the first that fails throws, so nothing is recorded. Any thread, without the Counter.
    /// Returns the documents printed.
    std::vector<std::filesystem::path> print(const DocumentRenderer& renderer) const;
};

class Counter {
  public:
    struct Options {
        std::filesystem::path root;      // installation root (install_root() by default)
        std::filesystem::path data_dir;  // counter data folder
        std::optional<std::string> store = std::nullopt;  // overrides counter.json "store"
    };
    static std::unique_ptr<Counter> open(const Options& options);
    ~Counter();

    const CounterConfig& config() const;
    const Dictionary& dictionary() const;
    const Catalogue& catalogue() const;
    PluginHost& plugins();
    CaseStore& store();
    const std::filesystem::path& data_dir() const;
    /// The installation root it was opened with (its share/onewindow holds the shipped files).
    const std::filesystem::path& root() const;
    /// Problems met while loading plugins' forms (the shell shows them; the CLI prints them).
    const Issues& load_issues() const;

    /// Builds the unified form of the given items; Error(Input) for unknown codes or conflicts.
    UnifiedForm unified_form(const std::vector<std::string>& item_codes,
                             const std::string& source = "case") const;

    /// Checks a request (form rules, plugins' rules, materials) without writing anything; the
    /// shell calls it as the clerk leaves each field.
    IntakeReview review(const IntakeRequest& request) const;

    /// 一次性告知: records a one-time notice of every missing material; returns its number.
    /// Error(Input) when nothing is missing.
    std::string issue_notice(const IntakeRequest& request);
    /// The same with `checked`, the review() of exactly this request made today (Intake keeps
    /// it, so that one F9 runs each plugin's validate once): nothing is validated again.
    std::string issue_notice(const IntakeRequest& request, const IntakeReview& checked);

    /// Validates and then accepts, or records a one-time notice, or reports invalid input.
    /// Invalid input and failures change nothing in the store.
    IntakeOutcome intake(const IntakeRequest& request);
    /// The same with `checked`, the review() of exactly this request made today (see
    /// issue_notice): the plugins' checks are not run again; `checked.now` is the acceptance's
    /// time, so a caller reusing an older review sets it to the time of the acceptance.
    IntakeOutcome intake(const IntakeRequest& request, const IntakeReview& checked);

    /// Records a refusal to accept (不予受理) of the request's items with the clerk's reason and,
    /// when the matter is outside the departments' remit, where to apply instead; returns its
    /// number. The request is read, not validated: a refusal is the clerk's decision.
    std::string refuse(const IntakeRequest& request, const std::string& reason,
                       const std::string& apply_to = {});

    /// The renderer every document of this counter is drawn with (its fonts are opened on the
    /// first call, on the Counter's thread); the reference may then be used on any thread,
    /// by several at once, for as long as the Counter lives.
    const DocumentRenderer& renderer() const;

    /// The print_*() functions below each have a prepare_*() twin with the same arguments and
    /// errors, which reads and checks everything on the Counter's thread and returns the job
    /// that print_*() renders: prepare_X(args).render(renderer()) is print_X(args).
    DocumentJob prepare_receipt(const std::string& case_number,
                                const std::filesystem::path& out) const;
    DocumentJob prepare_notice(const std::string& notice_number,
                               const std::filesystem::path& out) const;
    DocumentJob prepare_refusal(const std::string& refusal_number,
                                const std::filesystem::path& out) const;
    DocumentJob prepare_supplement(const std::string& number,
                                   const std::filesystem::path& out) const;
    DocumentJob prepare_correction(const CorrectionRequest& request,
                                   const std::filesystem::path& out) const;
    /// Calls the item's plugin (fill_document) for an approved item.
    DocumentJob prepare_result(const std::string& case_number, const std::string& item_code,
                               const std::filesystem::path& out) const;
    DocumentJob prepare_guide(const std::string& item_code, const std::filesystem::path& out) const;
    GuideBookletJob prepare_guide_booklet(const std::filesystem::path& out) const;
    DocumentJob prepare_counter_log(const CounterLog& log, const CounterLog& before,
                                    const std::filesystem::path& out) const;

    /// Writes the receipt of an accepted case / a recorded notice as PDF.
    void print_receipt(const std::string& case_number, const std::filesystem::path& out) const;
    void print_notice(const std::string& notice_number, const std::filesystem::path& out) const;
    /// Writes the refusal notice (不予受理通知书) of a recorded refusal (see refuse()): in the
    /// name of the items' departments, with the reason, where to apply instead, and the
    /// remedies of CounterConfig.
    void print_refusal(const std::string& refusal_number, const std::filesystem::path& out) const;
    /// Writes the receipt of a supplement (补交材料回执, store/supplements.hpp) in the name of
    /// this counter: the materials taken in and the items they go to. Error(NotFound) for an
    /// unknown supplement number.
    void print_supplement(const std::string& number, const std::filesystem::path& out) const;
    /// Writes a correction notice (补正材料通知书) from explicit data; Error(Input) when it
    /// lists no material.
    void print_correction(const CorrectionRequest& request, const std::filesystem::path& out) const;
    /// The correction notice of an item of a case from the back office's latest decision on it,
    /// which must ask for a correction: the materials of its missing_materials (each a material
    /// key of the case, a name, or {"name", "reason"}), its reason, the deadline of its data
    /// ("deadline": "YYYY-MM-DD") if any, dated today. Error(Input) when the latest decision
    /// is not a correction; Error(NotFound) for an unknown case or item.
    CorrectionRequest correction_request(const std::string& case_number,
                                         const std::string& item_code) const;
    /// Writes the result document (e.g. 生育服务登记卡) of an approved item of a case: the
    /// template of the item's plugin (manifest "templates", whose "items" list the item), filled
    /// by the plugin (fill_document) from the case and the back office's latest decision. A
    /// rejected item's result is the 不予批准决定书 (templates/common/rejection.json), filled by
    /// the core: the department's decision, its reason and the remedies.
    /// Error(Input) when the item is not decided yet; Error(NotFound) for an unknown case or
    /// item, or when the plugin has no template for the item; Error(Plugin) when it fails.
    void print_result(const std::string& case_number, const std::string& item_code,
                      const std::filesystem::path& out) const;
    /// 统一窗口出件: prints the result document of every decided item of `hand_out` (into
    /// <data>/documents, and on `printer` through CUPS when it is given), then records the
    /// hand-out. A print that fails throws and records nothing: the case never advances on a
    /// document that did not print. Returns the documents printed.
    std::vector<std::filesystem::path> hand_out(const HandOut& hand_out,
                                                const std::optional<PrintOptions>& printer);
    /// hand_out() in its three phases: prepare_hand_out() checks that every item named is
    /// decided and not handed out (Error(Input) naming it; Error(NotFound) for an unknown case
    /// or item) and prepares the result documents; the job's print() renders and prints them
    /// without the Counter; record_hand_out() records the hand-out of a job that printed,
    /// checking again that no other window handed the case out meanwhile (a centre's counters
    /// share one store): Error(Input) saying so, nothing recorded then.
    HandOutJob prepare_hand_out(const HandOut& hand_out,
                                const std::optional<PrintOptions>& printer) const;
    void record_hand_out(const HandOutJob& job);
    /// The applicant's rating of the visit for a case (好差评, from the rating screen or a later
    /// QR code visit): a bad one is followed up within the counter's setting
    /// (rating_follow_up_working_days). Returns the rating's id. Any thread.
    long long rate(const std::string& case_number, int level, const std::string& comment,
                   const std::optional<std::string>& now = std::nullopt);
    /// Reads the card on the first ID card reader of the running device plugins (nullopt: no
    /// card on it). Error(Plugin) when no reader is available or it fails; Error(Input) when the
    /// card data is wrong. See id_card.hpp. Any thread: it uses only the plugin host (a device
    /// plugin's call waits for nothing but another call into that plugin), so the shell reads
    /// the card without the Counter lock.
    std::optional<IdCard> read_id_card();

    /// Writes the service guide (办事指南) of a catalogue item as PDF.
    void print_guide(const std::string& item_code, const std::filesystem::path& out) const;
    /// Writes the guides of every item of every running plugin as one booklet (cover, contents
    /// by department with page numbers, the guides); returns its entries and page count (the
    /// PDF is in the file only). Error(Document) naming an item whose guide does not fit.
    GuideBooklet print_guide_booklet(const std::filesystem::path& out) const;

    /// The counter log of `period` with the catalogue's 即办 share (CounterLog::catalogue_*).
    /// With `reader`, checks that it may read reports (Error(Access), audited); without, the
    /// caller has checked. Any thread.
    CounterLog counter_log(const LogPeriod& period, const UserAccount* reader) const;
    /// Writes the counter log of `log`'s period as PDF (templates/common/counter_log.json):
    /// figures, bar charts per department and per hour, the comparison with `before` (the log of
    /// previous_period()), deadline warnings and open bad ratings.
    void print_counter_log(const CounterLog& log, const CounterLog& before,
                           const std::filesystem::path& out) const;

  private:
    Counter();
    std::string record_notice(const IntakeRequest& request, const IntakeReview& checked);
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace onewindow
