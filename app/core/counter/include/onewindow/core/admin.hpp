// The administrator's work on a counter, for onewindow-cli admin and the shell's 管理 page
// (gui/admin_panel.hpp) alike: the back offices and agent mode of <data>/exchange.json, user
// accounts, the calendar edits and the trusted plugins.
//
// Every function requires the acting, signed-in user's role to allow it (ManageEndpoints,
// ManageUsers, ManageCalendar: administrators only). A denied attempt throws Error(Denied) and
// is an 'access.denied' audit event (CaseStore::require); nothing is changed then. Bad input
// throws Error(Input) with a message in Chinese naming the field, before anything is written.
// Every change is an audit event of the acting user; a secret never appears in one, nor in
// anything these functions return.
//
// exchange.json is edited as JSON: the keys it already has are kept, the result is checked by
// ExchangeConfig::parse() before it replaces the file (temporary file, fsync, rename; mode 0600
// since it holds the secrets). A counter without the file gets one whose "client" is its code
// from counter.json.
//
// The calendar edits live in <data>/calendar-edits.json (calendar.hpp), over the shipped
// calendar, so that an update of the program (which replaces the shipped files) keeps them.
// They count from the next time a calendar is loaded: the next CLI command, the next start of
// the shell.
//
// Counters: no table of counters is kept. A counter is one data folder; its code and name are in
// counter.json (CounterConfig), and agent mode is a setting of its own exchange.json, so agent
// mode needs nothing more. Editing counter.json from here is left for the administrator's window.
#pragma once

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "onewindow/core/calendar.hpp"
#include "onewindow/core/case_store.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/plugin_host.hpp"
#include "onewindow/core/session.hpp"
#include "onewindow/store/migrate.hpp"

namespace onewindow {

struct EndpointInfo {
    std::string name, url, ca_file;
    bool secret_set = false;
};

/// A plugin folder found at the counter, as the administrator reviews its trust.
struct PluginTrust {
    TrustedPlugin plugin;  // its manifest (folder, department, version) and digest as read now
    bool trusted = false;  // the trusted list holds this digest for its id: it runs
    bool changed = false;  // the list holds another digest for its id: changed since trusted
};

/// How the administrator reads a plugin's trust (English, for tr()): trusted, changed since
/// trusted (so not trusted), or not trusted.
const char* trust_label(const PluginTrust& plugin);

struct ExchangeOverview {
    bool configured = false;   // exchange.json exists
    std::string client;        // X-OneWindow-Client
    std::string upper_centre;  // agent mode; empty: not an agent
    std::vector<EndpointInfo> endpoints;
};

/// A connection test of a back office, prepared (Administration::endpoint_test): the endpoint
/// with its secret and CA file, and this counter's client code.
struct EndpointTest {
    ExchangeEndpoint endpoint;
    std::string client;
    /// GET /v1/health (endpoint_health): "" when the back office answers, else what went wrong
    /// in Chinese. Any thread; it uses nothing of the Counter.
    std::string run() const;
};

class Administration {
  public:
    /// `shipped_calendar` is <root>/share/onewindow/calendar.
    Administration(CaseStore& store, std::filesystem::path data_dir,
                   std::filesystem::path shipped_calendar, UserAccount who);
    /// The same for the user of a signed-in session (session.hpp), on its counter's store, data
    /// folder and installation. The local operator's session is not an administrator: its
    /// actions are refused (the command line signs in for them, admin --user).
    explicit Administration(const Session& session);

    // Back offices (ManageEndpoints).
    ExchangeOverview exchange();
    /// Adds or replaces an endpoint. `ca_file` is relative to the data folder (or absolute) and
    /// must exist; empty: the system's CAs.
    void set_endpoint(const std::string& name, const std::string& url, const std::string& secret,
                      const std::string& ca_file);
    /// Error(NotFound) for an unknown name; Error(Input) while it is the upper centre.
    void remove_endpoint(const std::string& name);
    /// The connection test (endpoint_health, as the set-up assistant's) of a saved endpoint,
    /// with its secret and CA file: "" when its back office answers, else what went wrong in
    /// Chinese. Error(NotFound) for an unknown name. Changes nothing, so no audit event.
    std::string test_endpoint(const std::string& name);
    /// The same for an endpoint not saved yet (the fields of set_endpoint, not checked).
    std::string test_endpoint(const std::string& url, const std::string& secret,
                              const std::string& ca_file);
    /// The same tests in two phases: the role checked and the endpoint read here (on the
    /// Counter's thread, like every function of this class), the network call in
    /// EndpointTest::run(), on any thread without the Counter (the shell's 管理 page runs it on
    /// a worker). test_endpoint(...) is endpoint_test(...).run().
    EndpointTest endpoint_test(const std::string& name);
    EndpointTest endpoint_test(const std::string& url, const std::string& secret,
                               const std::string& ca_file);
    /// Agent mode on (the endpoint must exist) or off (nullopt).
    void set_upper_centre(const std::optional<std::string>& endpoint);
    void set_client(const std::string& code);

    /// Joins a service centre: this counter's store (counter.json "store", else counter.db) is
    /// copied into the centre's store at `location` (store/migrate.hpp: one transaction, the
    /// audit chain verified, pending items kept), then counter.json points at it. Audit
    /// 'store.migrated' in the centre's store, after this counter's events (nothing is added to
    /// the old store: both chains share the counter's anchor, Database::anchor_audit). Running it
    /// again copies nothing (already_done). Error(Input) when the counter already uses `location`.
    /// ManageEndpoints (administrators). Any one thread; nothing else may use the store meanwhile.
    store::MigrationReport join_centre(const std::string& location);
    /// Copies the store of another counter's data folder `folder` (a township point's, brought
    /// on a disk, say: its counter.json "store" or counter.db, its scans, its audit key and
    /// head) into the store at `location`, as join_centre() does, without pointing any counter
    /// at it (onewindow-cli store migrate --from). Running it again copies nothing.
    /// Error(Input) for a folder without a store or a store that is `location` already.
    /// ManageEndpoints. Any one thread; nothing else may use either store meanwhile.
    store::MigrationReport migrate_folder(const std::filesystem::path& folder,
                                          const std::string& location);

    // Users (ManageUsers). Roles by their stored names: clerk, supervisor, administrator.
    std::vector<UserAccount> users();
    void add_user(const std::string& name, const std::string& role, const std::string& counter,
                  const std::string& display_name, const std::string& password);
    void set_user_active(const std::string& name, bool active);
    void set_user_role(const std::string& name, const std::string& role);
    void reset_password(const std::string& name, const std::string& password);

    // Plugins (ManagePlugins).
    /// Trusts the plugins of `folders` (the digest of all their files, plugin_host.hpp) in
    /// <data>/trusted-plugins.json; audit 'plugin.trusted' each. Error(Input) listing every
    /// folder whose manifest is wrong (the others are trusted).
    std::vector<TrustedPlugin> trust_plugins(const std::vector<std::filesystem::path>& folders);
    /// Every plugin folder in `roots` (paths.hpp plugin_roots()) with its digest and whether the
    /// trusted list holds it; a folder that cannot be read or whose manifest is wrong adds
    /// issues and is left out.
    std::vector<PluginTrust> plugins(const std::vector<std::filesystem::path>& roots,
                                     Issues& issues);
    /// Takes the plugins `ids` off the trusted list (they stop running at the next start: no
    /// plugin is unloaded while the shell runs); audit 'plugin.untrusted' each, with the digest
    /// it had. Error(NotFound) naming every id that is not trusted, and then nothing changes.
    void untrust_plugins(const std::vector<std::string>& ids);

    /// True while the store has no active administrator: a new counter being set up, whose
    /// local operator may trust plugins and create the first administrator (create_first_admin).
    static bool first_setup(CaseStore& store);
    /// Whether the shell starts into its set-up assistant: no administrator in the store the
    /// data folder names (`store`: a --store option). A data folder without counter.json whose
    /// SQLite file does not exist yet is a first run without creating that file.
    static bool first_run(const std::filesystem::path& root, const std::filesystem::path& data_dir,
                          const std::optional<std::string>& store = std::nullopt);
    /// The first administrator of a new counter. Once one exists, Error(Denied) and an
    /// 'access.denied' audit event: further users come from an administrator (add_user).
    static void create_first_admin(CaseStore& store, const std::string& name,
                                   const std::string& display_name, const std::string& counter,
                                   const std::string& password);
    /// The same on a counter's store.
    static void create_first_admin(Counter& counter, const std::string& name,
                                   const std::string& display_name, const std::string& counter_code,
                                   const std::string& password);
    /// The local operator of the command line before an administrator exists; once one does,
    /// Error(Denied) with an 'access.denied' event naming `action` (translated in the message).
    static void require_first_setup(CaseStore& store, const char* action);
    static void require_first_setup(Counter& counter, const char* action);

    // Calendar (ManageCalendar). Dates as YYYY-MM-DD.
    std::vector<SpecialDay> special_days(int year);
    /// A day off, named (e.g. 县庆).
    void add_holiday(const std::string& date, const std::string& name);
    /// A make-up working day (调休): a Saturday or Sunday.
    void add_workday(const std::string& date, const std::string& name);
    /// The day counts by the weekday rule again (a shipped holiday removed, or an edit undone);
    /// Error(NotFound) when it is neither a holiday nor a make-up working day.
    void remove_day(const std::string& date);
    /// The calendar as it counts now (shipped + edits).
    WorkingCalendar calendar() const;

  private:
    /// CaseStore::require() with the action named in English in the audit and translated in
    /// the message; `target` (an endpoint, user or date) is added to both.
    void allow(Permission permission, const char* action, const std::string& target);
    std::filesystem::path exchange_file() const { return data_dir_ / "exchange.json"; }
    std::filesystem::path trusted_file() const { return data_dir_ / "trusted-plugins.json"; }
    /// The client code the back offices know this counter by: exchange.json's, else
    /// counter.json's code (what a new exchange.json gets).
    std::string client_code() const;
    /// Reads exchange.json as JSON, lets `change` edit it, checks and writes the result.
    void edit_exchange(const std::function<void(Poco::JSON::Object::Ptr&)>& change);
    void edit_calendar(const Date& day, const std::optional<CalendarEdit>& edit);

    CaseStore& store_;
    std::filesystem::path data_dir_, shipped_calendar_;
    UserAccount who_;
};

}  // namespace onewindow
