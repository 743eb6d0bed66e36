// A signed-in session (see session.hpp).
#include "onewindow/core/session.hpp"

#include "onewindow/core/counter.hpp"
#include "onewindow/core/i18n.hpp"

namespace onewindow {

Session::Session(Counter& counter, UserAccount user) : Session(counter, std::move(user), false) {}

Session::Session(Counter& counter, UserAccount user, bool local)
    : counter_(&counter), user_(std::move(user)), local_(local) {}

Session Session::local_operator(Counter& counter) {
    UserAccount user;
    user.name = "onewindow-cli";
    user.display_name = counter.config().default_clerk;
    user.counter = counter.config().code;
    user.role = Role::Administrator;
    return Session(counter, std::move(user), true);
}

void Session::require(Permission permission, const char* action) const {
    if (local_) return;
    counter_->store().accounts().require(user_, permission, action, tr(action));
}

bool Session::may(Permission permission) const {
    if (local_) return true;
    const auto role = counter_->store().accounts().role_now(user_);
    return role && role_allows(*role, permission);
}

SignIn sign_in(Counter& counter, const std::string& name, const std::string& password) {
    SignIn attempt;
    attempt.result = counter.store().accounts().login(name, password);
    if (attempt.result.status == LoginResult::Status::Ok && attempt.result.user)
        attempt.session.emplace(counter, *attempt.result.user);
    return attempt;
}

LoginResult unlock(const Session& session, const std::string& password) {
    return session.counter().store().accounts().login(session.user().name, password);
}

}  // namespace onewindow
