// The administrator's work on a counter (see admin.hpp).
#include "onewindow/core/admin.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "onewindow/core/counter.hpp"
#include "onewindow/core/dispatcher.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"

namespace fs = std::filesystem;

namespace onewindow {

namespace {

std::string members(std::initializer_list<std::pair<const char*, std::string>> list) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    for (const auto& [key, value] : list) detail->set(key, value);
    return to_json(detail);
}

/// An endpoint or client name: letters, digits, '_', '-', '.'.
bool plain_name(const std::string& name) {
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '_' || c == '-' || c == '.';
           });
}

Date parse_day(const std::string& text) {
    auto day = Date::parse(text);
    if (!day || day->year < 2000 || day->year > 2100)
        throw Error(ErrorKind::Input, trf("Date: \"{}\" is not a date YYYY-MM-DD", text));
    return *day;
}

Role parse_role_field(const std::string& text) {
    auto role = parse_role(text);
    if (!role)
        throw Error(ErrorKind::Input,
                    trf("Role: \"{}\" is not a role (clerk, supervisor or administrator)", text));
    return *role;
}

}  // namespace

const char* trust_label(const PluginTrust& plugin) {
    return plugin.trusted   ? N_("trusted")
           : plugin.changed ? N_("changed since trusted: not trusted")
                            : N_("not trusted");
}

Administration::Administration(CaseStore& store, fs::path data_dir, fs::path shipped_calendar,
                               UserAccount who)
    : store_(store),
      data_dir_(std::move(data_dir)),
      shipped_calendar_(std::move(shipped_calendar)),
      who_(std::move(who)) {}

Administration::Administration(const Session& session)
    : Administration(session.counter().store(), session.counter().data_dir(),
                     session.counter().root() / "share" / "onewindow" / "calendar",
                     session.user()) {}

void Administration::create_first_admin(Counter& counter, const std::string& name,
                                        const std::string& display_name,
                                        const std::string& counter_code,
                                        const std::string& password) {
    create_first_admin(counter.store(), name, display_name, counter_code, password);
}

void Administration::require_first_setup(Counter& counter, const char* action) {
    require_first_setup(counter.store(), action);
}

void Administration::allow(Permission permission, const char* action, const std::string& target) {
    const std::string what =
        target.empty() ? std::string(action) : std::string(action) + " " + target;
    const std::string shown =
        target.empty() ? std::string(tr(action)) : std::string(tr(action)) + " " + target;
    store_.accounts().require(who_, permission, what, shown);
}

// Back offices ----------------------------------------------------------------------------------

ExchangeOverview Administration::exchange() {
    allow(Permission::ManageEndpoints, N_("list back office endpoints"), {});
    ExchangeOverview overview;
    if (!fs::exists(exchange_file())) return overview;
    const ExchangeConfig config = ExchangeConfig::load(exchange_file());
    overview.configured = true;
    overview.client = config.client;
    overview.upper_centre = config.upper_centre;
    // The CA file as written in the file (relative to the data folder), not resolved.
    auto raw = load_json_file(exchange_file()).extract<Poco::JSON::Object::Ptr>();
    auto endpoints = raw->getObject("endpoints");
    for (const auto& [name, endpoint] : config.endpoints) {
        EndpointInfo info{name, endpoint.url, "", !endpoint.secret.empty()};
        if (endpoints && endpoints->getObject(name))
            info.ca_file = endpoints->getObject(name)->optValue<std::string>("ca_file", "");
        overview.endpoints.push_back(info);
    }
    return overview;
}

std::string Administration::client_code() const {
    if (fs::exists(exchange_file())) return ExchangeConfig::load(exchange_file()).client;
    return CounterConfig::load(data_dir_ / "counter.json").code;
}

std::string EndpointTest::run() const { return endpoint_health(endpoint, client); }

EndpointTest Administration::endpoint_test(const std::string& name) {
    allow(Permission::ManageEndpoints, N_("test back office endpoint"), name);
    if (fs::exists(exchange_file())) {
        const ExchangeConfig config = ExchangeConfig::load(exchange_file());
        if (const auto found = config.endpoints.find(name); found != config.endpoints.end())
            return {found->second, config.client};
    }
    throw Error(ErrorKind::NotFound, trf("There is no endpoint {}", name));
}

EndpointTest Administration::endpoint_test(const std::string& url, const std::string& secret,
                                           const std::string& ca_file) {
    allow(Permission::ManageEndpoints, N_("test back office endpoint"), url);
    return {{url, secret, ca_file.empty() ? std::string() : (data_dir_ / ca_file).string()},
            client_code()};
}

std::string Administration::test_endpoint(const std::string& name) {
    return endpoint_test(name).run();
}

std::string Administration::test_endpoint(const std::string& url, const std::string& secret,
                                          const std::string& ca_file) {
    return endpoint_test(url, secret, ca_file).run();
}

void Administration::edit_exchange(const std::function<void(Poco::JSON::Object::Ptr&)>& change) {
    Poco::JSON::Object::Ptr root;
    if (fs::exists(exchange_file())) {
        root = load_json_file(exchange_file()).extract<Poco::JSON::Object::Ptr>();
    } else {
        root = new Poco::JSON::Object(true);
        root->set("client", CounterConfig::load(data_dir_ / "counter.json").code);
        root->set("endpoints", Poco::JSON::Object::Ptr(new Poco::JSON::Object(true)));
    }
    change(root);
    std::ostringstream text;
    root->stringify(text, 2);
    // The parser is the last word: what it refuses is never written.
    ExchangeConfig::parse(text.str(), exchange_file().string(), data_dir_);
    fs::create_directories(data_dir_);
    write_file_atomically(exchange_file(), text.str() + "\n", 0600);
}

void Administration::set_endpoint(const std::string& name, const std::string& url,
                                  const std::string& secret, const std::string& ca_file) {
    allow(Permission::ManageEndpoints, N_("set back office endpoint"), name);
    if (!plain_name(name))
        throw Error(ErrorKind::Input,
                    trf("Endpoint name: \"{}\" may only have letters, digits, _ - and .", name));
    bool url_ok = false;
    try {
        Poco::URI uri(url);
        url_ok = (uri.getScheme() == "http" || uri.getScheme() == "https") &&
                 !uri.getHost().empty() && uri.getQuery().empty() && uri.getFragment().empty();
    } catch (const Poco::Exception&) {
    }
    if (!url_ok)
        throw Error(ErrorKind::Input,
                    trf("URL: \"{}\" is not http[s]://host[:port][/prefix]", url));
    if (secret.empty()) throw Error(ErrorKind::Input, tr("Secret: the secret is empty"));
    if (!ca_file.empty() && !fs::is_regular_file(data_dir_ / ca_file))
        throw Error(ErrorKind::Input, trf("CA file: {} does not exist", ca_file));
    bool replaced = false;
    edit_exchange([&](Poco::JSON::Object::Ptr& root) {
        Poco::JSON::Object::Ptr endpoints = root->getObject("endpoints");
        if (!endpoints) {
            endpoints = new Poco::JSON::Object(true);
            root->set("endpoints", endpoints);
        }
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(true);
        if (auto old = endpoints->getObject(name)) {
            replaced = true;
            for (const auto& key : old->getNames()) entry->set(key, old->get(key));
        }
        entry->set("url", url);
        entry->set("secret", secret);
        if (ca_file.empty())
            entry->remove("ca_file");
        else
            entry->set("ca_file", ca_file);
        endpoints->set(name, entry);
    });
    store_.accounts().record_change(
        who_, "endpoint.set", name,
        members({{"url", url}, {"ca_file", ca_file}, {"replaced", replaced ? "yes" : "no"}}));
}

void Administration::remove_endpoint(const std::string& name) {
    allow(Permission::ManageEndpoints, N_("remove back office endpoint"), name);
    const ExchangeOverview now = exchange();
    if (std::none_of(now.endpoints.begin(), now.endpoints.end(),
                     [&](const EndpointInfo& e) { return e.name == name; }))
        throw Error(ErrorKind::NotFound, trf("There is no endpoint {}", name));
    if (now.upper_centre == name)
        throw Error(ErrorKind::Input,
                    trf("Endpoint {} is the upper centre of agent mode: turn agent mode off or "
                        "choose another upper centre first",
                        name));
    edit_exchange(
        [&](Poco::JSON::Object::Ptr& root) { root->getObject("endpoints")->remove(name); });
    store_.accounts().record_change(who_, "endpoint.removed", name, "{}");
}

void Administration::set_upper_centre(const std::optional<std::string>& endpoint) {
    allow(Permission::ManageEndpoints, N_("set agent mode"), {});
    if (!endpoint && !fs::exists(exchange_file())) return;  // offline: no agent mode to end
    if (endpoint) {
        const ExchangeOverview now = exchange();
        if (std::none_of(now.endpoints.begin(), now.endpoints.end(),
                         [&](const EndpointInfo& e) { return e.name == *endpoint; }))
            throw Error(ErrorKind::Input,
                        trf("Upper centre: there is no endpoint \"{}\"; set it first", *endpoint));
    }
    edit_exchange([&](Poco::JSON::Object::Ptr& root) {
        if (!endpoint) {
            root->remove("agent");
            return;
        }
        Poco::JSON::Object::Ptr agent = root->getObject("agent");
        if (!agent) agent = new Poco::JSON::Object(true);
        agent->set("upper_centre", *endpoint);
        root->set("agent", agent);
    });
    store_.accounts().record_change(who_, "exchange.agent_set", endpoint.value_or(""),
                                    members({{"agent", endpoint ? "on" : "off"}}));
}

void Administration::set_client(const std::string& code) {
    allow(Permission::ManageEndpoints, N_("set the counter's client code"), {});
    if (!plain_name(code))
        throw Error(ErrorKind::Input,
                    trf("Client code: \"{}\" may only have letters, digits, _ - and .", code));
    edit_exchange([&](Poco::JSON::Object::Ptr& root) { root->set("client", code); });
    store_.accounts().record_change(who_, "exchange.client_set", code, "{}");
}

// The store ---------------------------------------------------------------------------------------

store::MigrationReport Administration::join_centre(const std::string& location) {
    allow(Permission::ManageEndpoints, N_("move the counter's store"), {});
    const store::Location from = store_location(data_dir_);
    const store::Location to = store::Location::parse(location, data_dir_);
    if (to.engine == from.engine && to.target == from.target)
        throw Error(ErrorKind::Input, trf("This counter's store is {} already", to.display()));
    const auto report = store::migrate_store(from, data_dir_ / "materials", to,
                                             data_dir_ / "materials", data_dir_, who_.name);
    store::follow_audit_head(to, data_dir_);
    const fs::path settings = data_dir_ / "counter.json";
    CounterConfig config = CounterConfig::load(settings);
    config.store = location;
    config.save(settings);
    return report;
}

store::MigrationReport Administration::migrate_folder(const fs::path& folder,
                                                      const std::string& location) {
    allow(Permission::ManageEndpoints, N_("move a counter's store"), {});
    if (!fs::is_directory(folder))
        throw Error(ErrorKind::Input, trf("{}: not a counter's data folder", folder.string()));
    const store::Location from = store_location(folder);
    if (from.engine == store::Engine::SQLite && !fs::exists(from.target))
        throw Error(ErrorKind::Input,
                    trf("{}: no case store (counter.db) in this folder", folder.string()));
    const store::Location to = store::Location::parse(location, data_dir_);
    if (to.engine == from.engine && to.target == from.target)
        throw Error(ErrorKind::Input, trf("{}: the store of this folder is {} already",
                                          folder.string(), to.display()));
    // A SQLite target keeps its scans beside its file, as a counter's folder does.
    const fs::path to_materials = to.engine == store::Engine::SQLite
                                      ? fs::path(to.target).parent_path() / "materials"
                                      : folder / "materials";
    return store::migrate_store(from, folder / "materials", to, to_materials, folder, who_.name);
}

// Plugins -----------------------------------------------------------------------------------------

std::vector<TrustedPlugin> Administration::trust_plugins(const std::vector<fs::path>& folders) {
    allow(Permission::ManagePlugins, N_("trust plugins"), {});
    Issues issues;
    auto trusted = trust_plugin_folders(trusted_file(), folders, issues);
    for (const auto& plugin : trusted)
        store_.accounts().record_change(who_, "plugin.trusted", plugin.manifest.id,
                                        "{\"sha256\":\"" + plugin.digest + "\"}");
    issues.throw_if_any();
    return trusted;
}

std::vector<PluginTrust> Administration::plugins(const std::vector<fs::path>& roots,
                                                 Issues& issues) {
    allow(Permission::ManagePlugins, N_("list plugins"), {});
    std::vector<fs::path> folders;
    for (const auto& root : roots)
        for (auto& folder : plugin_folders_in(root)) folders.push_back(std::move(folder));
    const TrustedList list = TrustedList::load(trusted_file());
    std::vector<PluginTrust> found;
    for (auto& plugin : review_plugin_folders(folders, issues)) {
        const std::string trusted = list.trusted_digest(plugin.manifest.id);
        const bool same = !trusted.empty() && trusted == plugin.digest;
        found.push_back({std::move(plugin), same, !trusted.empty() && !same});
    }
    return found;
}

void Administration::untrust_plugins(const std::vector<std::string>& ids) {
    allow(Permission::ManagePlugins, N_("untrust plugins"), {});
    TrustedList list = TrustedList::load(trusted_file());
    std::vector<std::pair<std::string, std::string>> removed;  // id, digest it had
    std::string unknown;
    for (const auto& id : ids) {
        const std::string digest = list.trusted_digest(id);
        if (digest.empty())
            unknown += (unknown.empty() ? "" : ", ") + id;
        else if (list.remove(id))
            removed.emplace_back(id, digest);
    }
    if (!unknown.empty())
        throw Error(ErrorKind::NotFound, trf("Not trusted, so not untrusted: {}", unknown));
    list.save(trusted_file());
    for (const auto& [id, digest] : removed)
        store_.accounts().record_change(who_, "plugin.untrusted", id,
                                        members({{"sha256", digest}}));
}

namespace {

/// Whoever runs the command line before signing in (the local operator).
UserAccount local_operator() {
    UserAccount who;
    who.name = "onewindow-cli";
    who.display_name = "onewindow-cli";
    who.role = Role::Clerk;  // no permission of its own
    return who;
}

}  // namespace

bool Administration::first_setup(CaseStore& store) {
    for (const auto& user : store.accounts().users())
        if (user.active && user.role == Role::Administrator) return false;
    return true;
}

bool Administration::first_run(const fs::path& root, const fs::path& data_dir,
                               const std::optional<std::string>& store) {
    const store::Location where = store_location(data_dir, store);
    if (where.engine == store::Engine::SQLite && !fs::exists(where.target)) return true;
    CaseStore opened = open_store(root, data_dir, store);
    return first_setup(opened);
}

void Administration::require_first_setup(CaseStore& store, const char* action) {
    if (first_setup(store)) return;
    try {
        store.accounts().require(local_operator(), Permission::ManageUsers, action, tr(action));
    } catch (const Error&) {
        throw Error(ErrorKind::Denied,
                    trf("An administrator account exists: {} needs onewindow-cli admin --user "
                        "<administrator>",
                        tr(action)));
    }
}

void Administration::create_first_admin(CaseStore& store, const std::string& name,
                                        const std::string& display_name, const std::string& counter,
                                        const std::string& password) {
    require_first_setup(store, N_("create the first administrator"));
    NewUser user;
    user.name = name;
    user.display_name = display_name;
    user.counter = counter;
    user.password = password;
    user.role = Role::Administrator;
    store.accounts().create_user(user, "onewindow-cli");
}

// Users -------------------------------------------------------------------------------------------

std::vector<UserAccount> Administration::users() {
    allow(Permission::ManageUsers, N_("list users"), {});
    return store_.accounts().users();
}

void Administration::add_user(const std::string& name, const std::string& role,
                              const std::string& counter, const std::string& display_name,
                              const std::string& password) {
    allow(Permission::ManageUsers, N_("add user"), name);
    NewUser user;
    user.name = name;
    user.role = parse_role_field(role);
    if (counter.empty()) throw Error(ErrorKind::Input, tr("Counter: a user needs a counter code"));
    user.counter = counter;
    user.display_name = display_name;
    user.password = password;
    store_.accounts().create_user(user, who_.name);
}

void Administration::set_user_active(const std::string& name, bool active) {
    allow(Permission::ManageUsers, active ? N_("enable user") : N_("disable user"), name);
    if (!active && name == who_.name)
        throw Error(ErrorKind::Input, tr("You cannot disable your own account"));
    store_.accounts().set_active(name, active, who_.name);
}

void Administration::set_user_role(const std::string& name, const std::string& role) {
    allow(Permission::ManageUsers, N_("change the role of user"), name);
    const Role parsed = parse_role_field(role);
    if (name == who_.name && parsed != Role::Administrator)
        throw Error(ErrorKind::Input, tr("You cannot take the administrator role from yourself"));
    store_.accounts().set_role(name, parsed, who_.name);
}

void Administration::reset_password(const std::string& name, const std::string& password) {
    allow(Permission::ManageUsers, N_("reset the password of user"), name);
    store_.accounts().set_password(name, password, who_.name);
}

// Calendar ----------------------------------------------------------------------------------------

WorkingCalendar Administration::calendar() const {
    return WorkingCalendar::load(shipped_calendar_, data_dir_);
}

std::vector<SpecialDay> Administration::special_days(int year) {
    allow(Permission::ManageCalendar, N_("list holidays"), {});
    if (year < 2000 || year > 2100)
        throw Error(ErrorKind::Input, trf("Year: \"{}\" is not a year", std::to_string(year)));
    return calendar().special_days(year);
}

void Administration::edit_calendar(const Date& day, const std::optional<CalendarEdit>& edit) {
    const fs::path file = WorkingCalendar::edits_file(data_dir_);
    auto edits = WorkingCalendar::read_edits(file);
    std::erase_if(edits, [&](const CalendarEdit& e) { return e.date == day; });
    if (edit) {
        edits.push_back(*edit);
    } else {
        // Undo: without an edit of its own, is the day still special in the shipped calendar?
        WorkingCalendar shipped = WorkingCalendar::load_dir(shipped_calendar_);
        for (const auto& special : shipped.special_days(day.year))
            if (special.date == day) {
                edits.push_back(CalendarEdit{CalendarEdit::Kind::Ordinary, day, ""});
                break;
            }
    }
    std::sort(edits.begin(), edits.end(),
              [](const CalendarEdit& a, const CalendarEdit& b) { return a.date < b.date; });
    WorkingCalendar check = WorkingCalendar::load_dir(shipped_calendar_);
    check.apply(edits);
    fs::create_directories(data_dir_);
    WorkingCalendar::write_edits(file, edits);
}

void Administration::add_holiday(const std::string& date, const std::string& name) {
    allow(Permission::ManageCalendar, N_("add holiday"), date);
    const Date day = parse_day(date);
    if (name.empty()) throw Error(ErrorKind::Input, tr("Name: a holiday needs its name"));
    edit_calendar(day, CalendarEdit{CalendarEdit::Kind::Holiday, day, name});
    store_.accounts().record_change(who_, "calendar.edited", day.iso(),
                                    members({{"kind", "holiday"}, {"name", name}}));
}

void Administration::add_workday(const std::string& date, const std::string& name) {
    allow(Permission::ManageCalendar, N_("add make-up working day"), date);
    const Date day = parse_day(date);
    if (day.weekday() < 5)
        throw Error(
            ErrorKind::Input,
            trf("Date: {} is not a Saturday or Sunday, so it is a working day already", day.iso()));
    edit_calendar(day, CalendarEdit{CalendarEdit::Kind::Workday, day, name});
    store_.accounts().record_change(who_, "calendar.edited", day.iso(),
                                    members({{"kind", "workday"}, {"name", name}}));
}

void Administration::remove_day(const std::string& date) {
    allow(Permission::ManageCalendar, N_("remove calendar day"), date);
    const Date day = parse_day(date);
    const auto days = calendar().special_days(day.year);
    if (std::none_of(days.begin(), days.end(), [&](const SpecialDay& d) { return d.date == day; }))
        throw Error(ErrorKind::NotFound,
                    trf("{} is neither a holiday nor a make-up working day", day.iso()));
    edit_calendar(day, std::nullopt);
    store_.accounts().record_change(who_, "calendar.edited", day.iso(),
                                    members({{"kind", "ordinary"}}));
}

}  // namespace onewindow
