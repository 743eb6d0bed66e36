// Users, roles and login on the counter database (see case_store.hpp).
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"
#include "store_internal.hpp"

namespace onewindow {

namespace {

std::string plus_minutes(const std::string& timestamp, int minutes) {
    int zone = 0;
    Poco::DateTime time = Poco::DateTimeParser::parse("%Y-%m-%d %H:%M:%S", timestamp, zone);
    time += Poco::Timespan(static_cast<long>(minutes) * 60, 0);
    return Poco::DateTimeFormatter::format(time, "%Y-%m-%d %H:%M:%S");
}

void check_password_rules(const std::string& password) {
    if (password.size() < 8)
        throw Error(ErrorKind::Input, tr("A password needs at least 8 characters"));
}

UserAccount read_user(SQLite::Statement& q) {
    UserAccount u;
    u.name = q.getColumn(0).getString();
    u.display_name = q.getColumn(1).getString();
    u.role = parse_role(q.getColumn(2).getString()).value_or(Role::Clerk);
    u.counter = q.getColumn(3).getString();
    u.active = q.getColumn(4).getInt() != 0;
    u.failed_attempts = q.getColumn(5).getInt();
    u.locked_until = q.getColumn(6).getString();
    return u;
}

constexpr const char* kUserColumns =
    "SELECT name, display_name, role, counter, active, failed_attempts, locked_until, salt, hash,"
    " iterations FROM users";

}  // namespace

std::string detail_json(std::initializer_list<std::pair<const char*, std::string>> members) {
    Poco::JSON::Object::Ptr detail = new Poco::JSON::Object(true);
    for (const auto& [key, value] : members) detail->set(key, value);
    return to_json(detail);
}

const char* role_name(Role role) {
    // Stored as they are; N_ marks them for the catalogue, where tr() finds their Chinese.
    switch (role) {
        case Role::Clerk:
            return N_("clerk");
        case Role::Supervisor:
            return N_("supervisor");
        case Role::Administrator:
            return N_("administrator");
    }
    return "clerk";
}

std::optional<Role> parse_role(std::string_view name) {
    for (Role role : {Role::Clerk, Role::Supervisor, Role::Administrator})
        if (name == role_name(role)) return role;
    return std::nullopt;
}

void CaseStore::create_user(const NewUser& user, const std::string& actor) {
    if (user.name.empty() || user.name.find_first_of(" \t\n") != std::string::npos)
        throw Error(ErrorKind::Input, tr("A user name cannot be empty or contain spaces"));
    if (user.display_name.empty())
        throw Error(ErrorKind::Input, tr("A user needs the name shown on documents"));
    check_password_rules(user.password);
    const int iterations = user.iterations > 0 ? user.iterations : kPasswordIterations;
    const std::string salt = random_hex(16);
    const std::string hash = pbkdf2_sha256_hex(user.password, salt, iterations);
    const std::string now = local_timestamp_now();
    guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement exists(*db_, "SELECT 1 FROM users WHERE name = ?");
        exists.bind(1, user.name);
        if (exists.executeStep())
            throw Error(ErrorKind::Input, trf("The user {} already exists", user.name));
        SQLite::Statement insert(
            *db_,
            "INSERT INTO users (name, display_name, role, counter, salt, hash, iterations,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, user.name);
        insert.bind(2, user.display_name);
        insert.bind(3, role_name(user.role));
        insert.bind(4, user.counter);
        insert.bind(5, salt);
        insert.bind(6, hash);
        insert.bind(7, iterations);
        insert.bind(8, now);
        insert.exec();
        append_audit(*statements_,
                     AuditEvent{0, now, actor, user.counter, "user.created", user.name,
                                detail_json({{"role", role_name(user.role)}}), true, ""});
        transaction.commit();
        return 0;
    });
}

void CaseStore::set_password(const std::string& name, const std::string& password,
                             const std::string& actor) {
    check_password_rules(password);
    const auto user = find_user(name);
    if (!user) throw Error(ErrorKind::NotFound, trf("There is no user {}", name));
    const std::string salt = random_hex(16);
    const std::string hash = pbkdf2_sha256_hex(password, salt, kPasswordIterations);
    const std::string now = local_timestamp_now();
    guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement update(*db_,
                                 "UPDATE users SET salt = ?, hash = ?, iterations = ?,"
                                 " failed_attempts = 0, locked_until = '' WHERE name = ?");
        update.bind(1, salt);
        update.bind(2, hash);
        update.bind(3, kPasswordIterations);
        update.bind(4, name);
        update.exec();
        append_audit(*statements_, AuditEvent{0, now, actor, user->counter, "user.password_set",
                                              name, "{}", true, ""});
        transaction.commit();
        return 0;
    });
}

namespace {

/// Changes one column of a user's row and records the audit event, in one transaction.
void update_user(SQLite::Database& db, StatementCache& cached, const std::string& name,
                 const std::string& sql, const std::string& value, const std::string& actor,
                 const std::string& type, const std::string& detail) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement find(db, "SELECT counter FROM users WHERE name = ?");
    find.bind(1, name);
    if (!find.executeStep()) throw Error(ErrorKind::NotFound, trf("There is no user {}", name));
    const std::string counter = find.getColumn(0).getString();
    find.reset();
    SQLite::Statement update(db, sql);
    update.bind(1, value);
    update.bind(2, name);
    update.exec();
    append_audit(
        cached, AuditEvent{0, local_timestamp_now(), actor, counter, type, name, detail, true, ""});
    transaction.commit();
}

}  // namespace

void CaseStore::set_user_active(const std::string& name, bool active, const std::string& actor) {
    guarded(db_file_, [&] {
        update_user(*db_, *statements_, name, "UPDATE users SET active = ? WHERE name = ?",
                    active ? "1" : "0", actor, active ? "user.enabled" : "user.disabled", "{}");
        return 0;
    });
}

void CaseStore::set_user_role(const std::string& name, Role role, const std::string& actor) {
    guarded(db_file_, [&] {
        update_user(*db_, *statements_, name, "UPDATE users SET role = ? WHERE name = ?",
                    role_name(role), actor, "user.role_changed",
                    detail_json({{"role", role_name(role)}}));
        return 0;
    });
}

void CaseStore::record_change(const UserAccount& who, const std::string& type,
                              const std::string& subject, const std::string& detail) {
    guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        append_audit(*statements_, AuditEvent{0, local_timestamp_now(), who.name, who.counter, type,
                                              subject, detail, true, ""});
        transaction.commit();
        return 0;
    });
}

bool role_allows(Role role, Permission permission) {
    switch (role) {
        case Role::Administrator:
            return true;
        case Role::Supervisor:
            return permission == Permission::ReadOtherCounters ||
                   permission == Permission::ReadReports ||
                   permission == Permission::ResolveRatings;
        case Role::Clerk:
            return false;
    }
    return false;
}

void CaseStore::require(const UserAccount& who, Permission permission, const std::string& what,
                        const std::string& shown) {
    if (role_allows(who.role, permission)) return;
    const std::string now = local_timestamp_now();
    guarded(db_file_, [&] {
        append_audit(*statements_,
                     AuditEvent{0, now, who.name, who.counter, "access.denied", what,
                                detail_json({{"role", role_name(who.role)}}), false, ""});
        return 0;
    });
    throw Error(ErrorKind::Denied, trf("Your role ({}) does not allow this: {}",
                                       tr(role_name(who.role)), shown.empty() ? what : shown));
}

std::vector<CaseSummary> CaseStore::list_cases(const CaseFilter& filter, const UserAccount& who) {
    CaseFilter scoped = filter;
    if (!role_allows(who.role, Permission::ReadOtherCounters)) {
        if (!filter.counter.empty() && filter.counter != who.counter)
            require(who, Permission::ReadOtherCounters, "cases of counter " + filter.counter);
        scoped.counter = who.counter;
    }
    return list_cases(scoped);
}

LoginResult CaseStore::login(const std::string& name, const std::string& password,
                             const std::optional<std::string>& when) {
    const std::string now = check_now(when);
    return guarded(db_file_, [&] {
        SQLite::Transaction transaction(*db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement q(*db_, std::string(kUserColumns) + " WHERE name = ?");
        q.bind(1, name);
        LoginResult result;
        auto audit = [&](const std::string& type, bool success, const std::string& reason,
                         const std::string& counter) {
            append_audit(*statements_, AuditEvent{0, now, name, counter, type, name,
                                                  detail_json({{"reason", reason}}), success, ""});
        };
        if (!q.executeStep()) {
            pbkdf2_sha256_hex(password, "unknown-user",
                              kPasswordIterations);  // same time either way
            result.message = tr("Wrong user name or password");
            audit("user.login", false, "unknown user", "");
            transaction.commit();
            return result;
        }
        UserAccount user = read_user(q);
        const std::string salt = q.getColumn(7).getString();
        const std::string hash = q.getColumn(8).getString();
        const int iterations = q.getColumn(9).getInt();
        q.reset();
        if (!user.active) {
            result.status = LoginResult::Status::Inactive;
            result.message = tr("This account is disabled; ask the administrator");
            audit("user.login", false, "disabled", user.counter);
        } else if (!user.locked_until.empty() && user.locked_until > now) {
            result.status = LoginResult::Status::Locked;
            result.locked_until = user.locked_until;
            result.message =
                trf("Too many wrong passwords: the account is locked until {}", user.locked_until);
            audit("user.login", false, "locked", user.counter);
        } else if (!equal_constant_time(pbkdf2_sha256_hex(password, salt, iterations), hash)) {
            const int failed = user.failed_attempts + 1;
            SQLite::Statement update(
                *db_, "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?");
            if (failed >= kMaxFailedLogins) {
                result.status = LoginResult::Status::Locked;
                result.locked_until = plus_minutes(now, kLockMinutes);
                result.message = trf("Too many wrong passwords: the account is locked until {}",
                                     result.locked_until);
                update.bind(1, 0);
                update.bind(2, result.locked_until);
            } else {
                result.attempts_left = kMaxFailedLogins - failed;
                result.message =
                    trf("Wrong user name or password ({} attempts left before the account locks)",
                        std::to_string(result.attempts_left));
                update.bind(1, failed);
                update.bind(2, "");
            }
            update.bind(3, name);
            update.exec();
            audit("user.login", false, "wrong password", user.counter);
            if (result.status == LoginResult::Status::Locked)
                append_audit(*statements_,
                             AuditEvent{0, now, name, user.counter, "user.locked", name,
                                        detail_json({{"until", result.locked_until}}), true, ""});
        } else {
            SQLite::Statement update(
                *db_, "UPDATE users SET failed_attempts = 0, locked_until = '' WHERE name = ?");
            update.bind(1, name);
            update.exec();
            user.failed_attempts = 0;
            user.locked_until.clear();
            result.status = LoginResult::Status::Ok;
            result.user = user;
            audit("user.login", true, "", user.counter);
        }
        transaction.commit();
        return result;
    });
}

std::vector<UserAccount> CaseStore::users() const {
    return guarded(db_file_, [&] {
        SQLite::Statement q(*db_, std::string(kUserColumns) + " ORDER BY name");
        std::vector<UserAccount> out;
        while (q.executeStep()) out.push_back(read_user(q));
        return out;
    });
}

std::optional<UserAccount> CaseStore::find_user(const std::string& name) const {
    return guarded(db_file_, [&]() -> std::optional<UserAccount> {
        SQLite::Statement q(*db_, std::string(kUserColumns) + " WHERE name = ?");
        q.bind(1, name);
        if (!q.executeStep()) return std::nullopt;
        return read_user(q);
    });
}

}  // namespace onewindow
