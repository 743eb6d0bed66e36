// The applicant every store-level test takes in (李娜, 魏县), so that tests differ only in what
// they are about: items, materials, times.
#pragma once

#include <optional>
#include <string>

#include "onewindow/core/case_store.hpp"

namespace onewindow::testing {

/// Counter WX01, clerk 张敏, applicant 李娜 with her ID number and phone, accepted at `now`
/// (local time when not given); no items, materials, values or form snapshot yet.
inline AcceptRequest sample_accept_request(const std::optional<std::string>& now) {
    AcceptRequest r;
    r.counter = "WX01";
    r.clerk = "张敏";
    r.applicant_name = "李娜";
    r.applicant_id_number = "13043419960315024X";
    r.applicant_phone = "13831045678";
    r.values_json = "{}";
    r.form_snapshot_json = "{}";
    r.now = now;
    return r;
}

/// An account of counter WX01 in `store` with `role` (password "window-2026"), as signed in: the
/// core reads the role from the accounts table at every privileged action, so a test's
/// supervisor must exist there.
inline UserAccount sample_account(CaseStore& store, const std::string& name,
                                  const std::string& display_name, Role role) {
    NewUser user;
    user.name = name;
    user.display_name = display_name;
    user.counter = "WX01";
    user.password = "window-2026";
    user.role = role;
    store.accounts().create_user(user, "setup");
    return *store.accounts().find(name);
}

/// 一孩生育服务登记 of 魏县卫生健康局 under another code and route: promised in 3 working days,
/// legally due in 20.
inline AcceptItem sample_item(const std::string& code, const std::string& department,
                              const std::string& endpoint) {
    AcceptItem item;
    item.code = code;
    item.name = "一孩生育服务登记";
    item.department_code = department;
    item.department_name = "魏县卫生健康局";
    item.plugin_id = "family_planning";
    item.endpoint = endpoint;
    item.promised_days = 3;
    item.legal_days = 20;
    return item;
}

}  // namespace onewindow::testing
