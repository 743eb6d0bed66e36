// Users, roles and sign-in (store/accounts.hpp).
#include "onewindow/store/accounts.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timespan.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"
#include "onewindow/store/audit.hpp"
#include "onewindow/store/cases.hpp"

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

UserAccount read_user(const store::Statement& q) {
    UserAccount u;
    u.name = q.text(0);
    u.display_name = q.text(1);
    u.role = parse_role(q.text(2)).value_or(Role::Clerk);
    u.counter = q.text(3);
    u.active = q.integer(4) != 0;
    u.failed_attempts = q.integer(5);
    u.locked_until = q.text(6);
    return u;
}

constexpr const char* kUserColumns =
    "SELECT name, display_name, role, counter, active, failed_attempts, locked_until, salt, hash,"
    " iterations FROM users";

}  // namespace

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

bool role_allows(Role role, Permission permission) {
    switch (role) {
        case Role::Administrator:
            return true;
        case Role::Supervisor:
            return permission == Permission::ReadOtherCounters ||
                   permission == Permission::ReadReports ||
                   permission == Permission::ResolveRatings;
        case Role::Clerk:
            return permission == Permission::ServeApplicants;
    }
    return false;
}

namespace store {

void AccountRepository::create_user(const NewUser& user, const std::string& actor) {
    if (user.name.empty() || user.name.find_first_of(" \t\n") != std::string::npos)
        throw Error(ErrorKind::Input, tr("A user name cannot be empty or contain spaces"));
    if (user.display_name.empty())
        throw Error(ErrorKind::Input, tr("A user needs the name shown on documents"));
    check_password_rules(user.password);
    const int iterations = user.iterations > 0 ? user.iterations : kPasswordIterations;
    if (iterations < kPasswordIterations)
        throw Error(ErrorKind::Input,
                    trf("A password is hashed with at least {} PBKDF2 rounds, not {}",
                        std::to_string(kPasswordIterations), std::to_string(iterations)));
    const std::string salt = random_hex(16);
    const std::string hash = pbkdf2_sha256_hex(user.password, salt, iterations);
    const std::string now = local_timestamp_now();
    Transaction transaction(db_);
    Statement exists = db_.prepare("SELECT 1 FROM users WHERE name = ?");
    exists.bind(1, user.name);
    if (exists.step()) throw Error(ErrorKind::Input, trf("The user {} already exists", user.name));
    db_.prepare(
           "INSERT INTO users (name, display_name, role, counter, salt, hash, iterations,"
           " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, user.name)
        .bind(2, user.display_name)
        .bind(3, role_name(user.role))
        .bind(4, user.counter)
        .bind(5, salt)
        .bind(6, hash)
        .bind(7, iterations)
        .bind(8, now)
        .run();
    db_.append_audit(AuditEvent{0, now, actor, user.counter, "user.created", user.name,
                                detail_json({{"role", role_name(user.role)}}), true, ""});
    transaction.commit();
}

void AccountRepository::set_password(const std::string& name, const std::string& password,
                                     const std::string& actor) {
    check_password_rules(password);
    const auto user = find(name);
    if (!user) throw Error(ErrorKind::NotFound, trf("There is no user {}", name));
    const std::string salt = random_hex(16);
    const std::string hash = pbkdf2_sha256_hex(password, salt, kPasswordIterations);
    const std::string now = local_timestamp_now();
    Transaction transaction(db_);
    db_.prepare(
           "UPDATE users SET salt = ?, hash = ?, iterations = ?, failed_attempts = 0,"
           " locked_until = '' WHERE name = ?")
        .bind(1, salt)
        .bind(2, hash)
        .bind(3, kPasswordIterations)
        .bind(4, name)
        .run();
    db_.append_audit(
        AuditEvent{0, now, actor, user->counter, "user.password_set", name, "{}", true, ""});
    transaction.commit();
}

/// Changes one column of a user's row (`sql` binds the value as ?1 and the name as ?2) and
/// records the audit event, in one transaction.
void AccountRepository::update_user(const std::string& name, const char* sql, long long value,
                                    const std::string& value_text, const std::string& actor,
                                    const std::string& type, const std::string& detail) {
    Transaction transaction(db_);
    Statement find_counter =
        db_.prepare("SELECT counter FROM users WHERE name = ?" + db_.for_update());
    find_counter.bind(1, name);
    if (!find_counter.step()) throw Error(ErrorKind::NotFound, trf("There is no user {}", name));
    const std::string counter = find_counter.text(0);
    Statement update = db_.prepare(sql);
    if (value_text.empty())
        update.bind(1, value);
    else
        update.bind(1, value_text);
    update.bind(2, name).run();
    db_.append_audit(
        AuditEvent{0, local_timestamp_now(), actor, counter, type, name, detail, true, ""});
    transaction.commit();
}

void AccountRepository::set_active(const std::string& name, bool active, const std::string& actor) {
    update_user(name, "UPDATE users SET active = ? WHERE name = ?", active ? 1 : 0, "", actor,
                active ? "user.enabled" : "user.disabled", "{}");
}

void AccountRepository::set_role(const std::string& name, Role role, const std::string& actor) {
    update_user(name, "UPDATE users SET role = ? WHERE name = ?", 0, role_name(role), actor,
                "user.role_changed", detail_json({{"role", role_name(role)}}));
}

void AccountRepository::record_change(const UserAccount& who, const std::string& type,
                                      const std::string& subject, const std::string& detail) {
    db_.append_audit(AuditEvent{0, local_timestamp_now(), who.name, who.counter, type, subject,
                                detail, true, ""});
}

std::optional<Role> AccountRepository::role_now(const UserAccount& who) const {
    const auto account = find(who.name);
    if (!account || !account->active) return std::nullopt;
    return account->role;
}

void AccountRepository::require(const UserAccount& who, Permission permission,
                                const std::string& what, const std::string& shown) {
    const std::optional<Role> role = role_now(who);
    if (role && role_allows(*role, permission)) return;
    const std::string held = role ? role_name(*role) : "none";
    db_.append_audit(AuditEvent{0, local_timestamp_now(), who.name, who.counter, "access.denied",
                                what, detail_json({{"role", held}}), false, ""});
    if (!role)
        throw Error(ErrorKind::Denied, trf("Your account is disabled or gone; sign in again: {}",
                                           shown.empty() ? what : shown));
    throw Error(ErrorKind::Denied, trf("Your role ({}) does not allow this: {}",
                                       tr(role_name(*role)), shown.empty() ? what : shown));
}

LoginResult AccountRepository::login(const std::string& name, const std::string& password,
                                     const std::optional<std::string>& when) {
    const std::string now = check_now(when);
    // The user's row stays locked from the check to the count: sign-ins at several counters
    // count one after the other.
    Transaction transaction(db_);
    Statement q = db_.prepare(std::string(kUserColumns) + " WHERE name = ?" + db_.for_update());
    q.bind(1, name);
    LoginResult result;
    auto audit = [&](const std::string& type, bool success, const std::string& reason,
                     const std::string& counter) {
        db_.append_audit(AuditEvent{0, now, name, counter, type, name,
                                    detail_json({{"reason", reason}}), success, ""});
    };
    if (!q.step()) {
        pbkdf2_sha256_hex(password, "unknown-user", kPasswordIterations);  // same time either way
        result.message = tr("Wrong user name or password");
        audit("user.login", false, "unknown user", "");
        transaction.commit();
        return result;
    }
    UserAccount user = read_user(q);
    const std::string salt = q.text(7);
    const std::string hash = q.text(8);
    const int iterations = q.integer(9);
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
        Statement update =
            db_.prepare("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?");
        if (failed >= kMaxFailedLogins) {
            result.status = LoginResult::Status::Locked;
            result.locked_until = plus_minutes(now, kLockMinutes);
            result.message = trf("Too many wrong passwords: the account is locked until {}",
                                 result.locked_until);
            update.bind(1, 0).bind(2, result.locked_until);
        } else {
            result.attempts_left = kMaxFailedLogins - failed;
            result.message =
                trf("Wrong user name or password ({} attempts left before the account locks)",
                    std::to_string(result.attempts_left));
            update.bind(1, failed).bind(2, "");
        }
        update.bind(3, name).run();
        audit("user.login", false, "wrong password", user.counter);
        if (result.status == LoginResult::Status::Locked)
            db_.append_audit(AuditEvent{0, now, name, user.counter, "user.locked", name,
                                        detail_json({{"until", result.locked_until}}), true, ""});
    } else {
        db_.prepare("UPDATE users SET failed_attempts = 0, locked_until = '' WHERE name = ?")
            .bind(1, name)
            .run();
        if (iterations < kPasswordIterations) {
            // Stored with fewer rounds than today's: rehashed now that the password is known.
            const std::string new_salt = random_hex(16);
            db_.prepare("UPDATE users SET salt = ?, hash = ?, iterations = ? WHERE name = ?")
                .bind(1, new_salt)
                .bind(2, pbkdf2_sha256_hex(password, new_salt, kPasswordIterations))
                .bind_integer(3, kPasswordIterations)
                .bind(4, name)
                .run();
            db_.append_audit(AuditEvent{0, now, name, user.counter, "user.password_rehashed", name,
                                        detail_json({{"from", std::to_string(iterations)},
                                                     {"to", std::to_string(kPasswordIterations)}}),
                                        true, ""});
        }
        user.failed_attempts = 0;
        user.locked_until.clear();
        result.status = LoginResult::Status::Ok;
        result.user = user;
        audit("user.login", true, "", user.counter);
    }
    transaction.commit();
    return result;
}

std::vector<UserAccount> AccountRepository::users() const {
    Statement q = db_.prepare(std::string(kUserColumns) + " ORDER BY name");
    std::vector<UserAccount> out;
    while (q.step()) out.push_back(read_user(q));
    return out;
}

std::optional<UserAccount> AccountRepository::find(const std::string& name) const {
    Statement& q = db_.cached(
        "SELECT name, display_name, role, counter, active, failed_attempts, locked_until, salt,"
        " hash, iterations FROM users WHERE name = ?");
    q.bind(1, name);
    std::optional<UserAccount> user;
    if (q.step()) user = read_user(q);
    q.reset();
    return user;
}

}  // namespace store

}  // namespace onewindow
