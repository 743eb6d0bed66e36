// A signed-in session: who works at this counter (their account and role) and the counter they
// work on. Every use-case service of the core (intake.hpp, case_desk.hpp, supervision.hpp and
// admin.hpp) takes one and checks the role inside, so that the shell and the command line take
// exactly the same path for a case and neither has a rule of its own about who may do what.
//
// Roles are read from the accounts table at every check (AccountRepository::require, which
// records an 'access.denied' audit event and throws Error(Denied) when the role does not allow
// the action), never from the account as it was at sign-in: an administrator may have changed it.
//
// The command line's local operator: onewindow-cli run on the counter's PC, without --user, acts
// as whoever holds the data folder, which holds the database itself (or its connection string);
// local_operator() is that session: its actions are recorded as "onewindow-cli" and no role is
// checked, since the role check would not keep such a user from anything. Signed in (--user),
// the command line is checked like the shell.
//
// Ownership: a Session refers to the Counter, which must outlive it; it is small and copied
// freely. Threads: a Session is used on the thread that uses its Counter (counter.hpp: one
// thread at a time); sign_in() and unlock() as well.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "onewindow/store/accounts.hpp"

namespace onewindow {

class Counter;

class Session {
  public:
    /// The session of a user signed in through sign_in() (or, in tests, an account as the
    /// accounts table holds it).
    Session(Counter& counter, UserAccount user);
    /// The command line's local operator (see above).
    static Session local_operator(Counter& counter);

    Counter& counter() const { return *counter_; }
    /// The account as signed in; for the local operator, an account named "onewindow-cli" of the
    /// counter with the administrator's role (never stored).
    const UserAccount& user() const { return user_; }
    bool local() const { return local_; }
    /// The name a case, a draft or a hand-out records as its clerk: the user's display name.
    const std::string& clerk() const { return user_.display_name; }
    /// Who the audit names: the user's sign-in name ("onewindow-cli" for the local operator).
    const std::string& actor() const { return user_.name; }

    /// Throws Error(Denied) and records 'access.denied' naming `action` (English, translated in
    /// the message) when the user's role now does not allow `permission`; nothing for the local
    /// operator.
    void require(Permission permission, const char* action) const;
    /// Whether the user's role now allows `permission` (no audit event): for what a screen
    /// shows, never instead of require() before an action.
    bool may(Permission permission) const;

  private:
    Session(Counter& counter, UserAccount user, bool local);
    Counter* counter_;
    UserAccount user_;
    bool local_ = false;
};

/// A sign-in attempt: the store's verdict (LoginResult: its message in Chinese for the clerk)
/// and, when it succeeded, the session.
struct SignIn {
    LoginResult result;
    std::optional<Session> session;
};

/// Signs `name` in at `counter` (AccountRepository::login: failures count toward the lock,
/// centre-wide, and each attempt is an audit event).
SignIn sign_in(Counter& counter, const std::string& name, const std::string& password);
/// The signed-in user gives their password again (the screen locked while idle): the same
/// count of failures and lock as sign_in().
LoginResult unlock(const Session& session, const std::string& password);

}  // namespace onewindow
