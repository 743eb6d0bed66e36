// Users, roles and sign-in, kept in the store: in a centre they are centre-wide (a clerk signs in
// at whichever PC is free, and five failures at WX01 and WX02 count together).
//
// Passwords are stored as salted PBKDF2-SHA256; kMaxFailedLogins failures in a row lock the
// account for kLockMinutes. A sign-in reads and updates the user's row in one transaction that
// locks it (SELECT ... FOR UPDATE on PostgreSQL), so concurrent attempts at several counters
// count one after the other. Every attempt, lock and change is an audit event; a name never
// reveals whether it exists.
// Threads: as Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onewindow/store/database.hpp"

namespace onewindow {

/// Roles (issue: clerk, supervisor, administrator); enforced by the core, not only the window.
enum class Role { Clerk, Supervisor, Administrator };
const char* role_name(Role role);  // "clerk" | "supervisor" | "administrator"

/// What a role may do. Clerks work their own counter; supervisors also read every counter and
/// the reports; administrators may do everything (users, counters, endpoints, plugins).
/// ManageEndpoints: the back offices of exchange.json, agent mode and the client code;
/// ManageCalendar: the administrator's holiday and make-up working day edits;
/// ResolveRatings: closing a bad rating's follow-up (supervisors);
/// ServeApplicants: the window's work with an applicant, taking a case in (accept, one-time
/// notice, refusal, drafts), handing results out and recording the visit's rating (clerks and
/// administrators; a supervisor reviews the windows' work and does not take cases in).
enum class Permission {
    ReadOtherCounters,
    ReadReports,
    ManageUsers,
    ManagePlugins,
    ManageEndpoints,
    ManageCalendar,
    ResolveRatings,
    ServeApplicants
};
bool role_allows(Role role, Permission permission);
std::optional<Role> parse_role(std::string_view name);

struct UserAccount {
    std::string name, display_name, counter;
    Role role = Role::Clerk;
    bool active = true;
    int failed_attempts = 0;
    std::string locked_until;  // "YYYY-MM-DD HH:MM:SS" or empty
};

struct NewUser {
    std::string name, display_name, counter, password;
    Role role = Role::Clerk;
    int iterations = 0;  // PBKDF2-SHA256 rounds; 0 = kPasswordIterations, fewer are refused
};

struct LoginResult {
    enum class Status { Ok, BadCredentials, Locked, Inactive } status = Status::BadCredentials;
    std::optional<UserAccount> user;  // set when Ok
    std::string locked_until;         // set when Locked
    int attempts_left = 0;            // BadCredentials on a known user: tries before the lock
    std::string message;              // for the clerk (translated)
};

namespace store {

class AccountRepository {
  public:
    /// PBKDF2-SHA256 rounds (OWASP's Password Storage Cheat Sheet): create_user() refuses fewer,
    /// and login() rehashes an account stored with fewer at its next successful sign-in.
    static constexpr int kPasswordIterations = 600000;
    static constexpr int kMaxFailedLogins = 5;
    static constexpr int kLockMinutes = 15;

    explicit AccountRepository(Database& db) : db_(db) {}

    void create_user(const NewUser& user, const std::string& actor);
    void set_password(const std::string& name, const std::string& password,
                      const std::string& actor);
    LoginResult login(const std::string& name, const std::string& password,
                      const std::optional<std::string>& now = std::nullopt);
    /// Disables or enables an account (a disabled account cannot sign in); audit
    /// 'user.disabled' / 'user.enabled'. Error(NotFound) for an unknown name.
    void set_active(const std::string& name, bool active, const std::string& actor);
    /// Audit 'user.role_changed'. Error(NotFound) for an unknown name.
    void set_role(const std::string& name, Role role, const std::string& actor);
    /// Records an administrator's change made outside the database (exchange.json, the
    /// calendar edits) as an audit event of `who`. Never pass a secret in `detail_json`.
    void record_change(const UserAccount& who, const std::string& type, const std::string& subject,
                       const std::string& detail_json);
    std::vector<UserAccount> users() const;
    std::optional<UserAccount> find(const std::string& name) const;

    /// `who`'s role as the accounts table holds it now; nullopt when the account is gone or
    /// disabled. Never the role `who` was signed in with: an open shell keeps its UserAccount
    /// from the login, and an administrator may have changed the role since.
    std::optional<Role> role_now(const UserAccount& who) const;
    /// Throws Error(Denied) with the reason in Chinese, and records an 'access.denied' audit
    /// event naming `what`, when `who`'s role now (role_now(), read at every call) does not
    /// allow `permission`. `shown`: how the message names what was refused (translated by the
    /// caller); `what` when empty.
    void require(const UserAccount& who, Permission permission, const std::string& what,
                 const std::string& shown = {});

  private:
    void update_user(const std::string& name, const char* sql, long long value,
                     const std::string& value_text, const std::string& actor,
                     const std::string& type, const std::string& detail);
    Database& db_;
};

}  // namespace store
}  // namespace onewindow
