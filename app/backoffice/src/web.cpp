// The staff web page (see backoffice.hpp and service.hpp): server-rendered HTML forms for the
// department staff who decide the received items. No script: every action is a form POST,
// answered with a redirect (303) so that reloading a page never sends a decision twice.
//
// Language: the back office is a separate service for department staff, not the counter, and its
// page is written in Simplified Chinese only, so the texts below are literal Chinese and do not go
// through the counter's gettext catalogue (app/po).
//
// Security: sessions and CSRF tokens as described in backoffice.hpp; every text taken from a case,
// a form or the configuration goes into the page through esc(), the one escape function; a
// decision goes through Service::decide(), the same function and rules as POST /v1/decisions.
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/NameValueCollection.h>

#include <algorithm>
#include <ctime>
#include <limits>
#include <sstream>
#include <typeinfo>

#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/exchange_messages.hpp"
#include "onewindow/core/idnumber.hpp"
#include "onewindow/core/password_hash.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace {

constexpr const char* kCookie = "ow_staff";
/// Failed logins in a row that lock a user name, and for how long.
constexpr int kMaxFailedLogins = 5;
constexpr long long kLockSeconds = 15 * 60;
/// User names whose attempts are counted at once; beyond, new names wait (429).
constexpr std::size_t kMaxLoginNames = 4096;
/// A login form's largest body, and its password's.
constexpr std::size_t kMaxLoginBody = 4096;
constexpr std::size_t kMaxPassword = 1024;
/// Cases a page of the list shows.
constexpr int kPageSize = 50;
constexpr const char* kHtml = "text/html; charset=utf-8";

/// The one escape function: text becomes safe in element content and in quoted attributes.
std::string esc(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

using Names = std::pair<std::string_view, std::string_view>;

/// The Chinese names of the case statuses.
constexpr Names kStatusNames[] = {{"received", "待审批"},
                                  {"correction", "待补正"},
                                  {"approved", "已批准"},
                                  {"rejected", "不予批准"}};

/// Labels of the applicant block's usual keys; other keys are shown as they are sent.
constexpr Names kApplicantLabels[] = {
    {"name", "姓名"}, {"id_number", "公民身份号码"}, {"phone", "联系电话"}, {"address", "住址"}};

/// Labels of the result document's fields that the page's approve form fills.
constexpr Names kResultLabels[] = {{"certificate_number", "证书编号"}, {"valid_until", "有效期至"}};

/// The name of `key` in `names`, or `key` itself when it has none.
template <std::size_t N>
std::string name_in(const Names (&names)[N], const std::string& key) {
    for (const auto& [code, name] : names)
        if (code == key) return std::string(name);
    return key;
}

std::string status_name(const std::string& status) { return name_in(kStatusNames, status); }

/// A JSON value as text: strings as they are, other values as JSON; empty when absent.
std::string text_of(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return {};
    if (value.isString()) return value.extract<std::string>();
    return to_json(value);
}

/// A member of a JSON object as text (text_of); empty when `object` is null or lacks it.
std::string member(const Poco::JSON::Object::Ptr& object, const std::string& key) {
    return object && object->has(key) ? text_of(object->get(key)) : std::string();
}

/// Every resident ID number inside `text` masked, wherever it stands: in a remark, in a
/// disability certificate number (the ID number and two digits), anywhere. A candidate is 17
/// digits and a digit or X, starting where no digit stands before it, with a real birth date
/// (1900 to today) at its place; its check character is not required, since a mistyped number
/// still names a person.
std::string mask_embedded_ids(const std::string& text) {
    static const Date today = Date::today();
    std::string out = text;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    for (std::size_t i = 0; i + 18 <= out.size(); ++i) {
        if (!digit(out[i]) || (i > 0 && digit(out[i - 1]))) continue;
        const std::string_view candidate(out.data() + i, 18);
        const bool shaped = std::all_of(candidate.begin(), candidate.begin() + 17, digit) &&
                            (digit(candidate[17]) || candidate[17] == 'X' || candidate[17] == 'x');
        if (!shaped) continue;
        const auto birth = Date::parse_compact(candidate.substr(6, 8));
        if (!birth || birth->year < 1900 || *birth > today) continue;
        out.replace(i, 18, mask_id_number(candidate));
        i += 17;
    }
    return out;
}

/// A value for display with ID numbers and phone numbers masked: by the field's dictionary
/// `type` when the counter sent one, else by the key's name; any ID number inside other text too.
std::string masked(const std::string& key, const std::string& type, const std::string& value) {
    if (value.empty()) return value;
    const bool id = type.empty() ? key.find("id_number") != std::string::npos : type == "id_number";
    const bool phone = type.empty() ? key.find("phone") != std::string::npos ||
                                          key.find("mobile") != std::string::npos
                                    : type == "phone";
    if (id) return mask_id_number(value);
    if (phone) return mask_phone(value);
    return mask_embedded_ids(value);
}

/// The form's labels and the dictionary types the counter sent with a case ({key: text}).
struct FieldInfo {
    Poco::JSON::Object::Ptr labels, types;
    std::string label(const std::string& key) const { return text(labels, key).value_or(key); }
    std::string type(const std::string& key) const { return text(types, key).value_or(""); }
    static std::optional<std::string> text(const Poco::JSON::Object::Ptr& object,
                                           const std::string& key) {
        if (!object || !object->has(key) || !object->get(key).isString()) return std::nullopt;
        return object->getValue<std::string>(key);
    }
};

/// A value of a case as HTML, masked at every depth: an object as a table of its members, a
/// list of objects (a table field such as household.members) as a table with a row each, other
/// lists joined, text escaped. `key` names the value for its type and label.
std::string value_html(const std::string& key, const Poco::Dynamic::Var& value,
                       const FieldInfo& info, int depth = 0) {
    using Object = Poco::JSON::Object::Ptr;
    using Array = Poco::JSON::Array::Ptr;
    if (value.isEmpty()) return {};
    if (depth > 8)  // deeper than any form: shown as JSON, ID numbers masked
        return esc(mask_embedded_ids(to_json(value)));
    if (value.type() == typeid(Object)) {
        const Object object = value.extract<Object>();
        if (!object || object->size() == 0) return {};
        std::string out = "<table class=\"nested\">";
        for (const auto& name : object->getNames())  // in the order the counter sent them
            out += "<tr><th>" + esc(info.label(name)) + "</th><td>" +
                   value_html(name, object->get(name), info, depth + 1) + "</td></tr>";
        return out + "</table>";
    }
    if (value.type() == typeid(Array)) {
        const Array array = value.extract<Array>();
        if (!array || array->size() == 0) return {};
        bool rows = true;
        std::vector<std::string> columns;
        for (std::size_t i = 0; i < array->size() && rows; ++i) {
            const auto element = array->get(static_cast<unsigned>(i));
            rows = element.type() == typeid(Object) && element.extract<Object>();
            if (!rows) break;
            for (const auto& name : element.extract<Object>()->getNames())
                if (std::find(columns.begin(), columns.end(), name) == columns.end())
                    columns.push_back(name);
        }
        std::string out;
        if (!rows) {
            for (std::size_t i = 0; i < array->size(); ++i)
                out += (i ? "、" : "") +
                       value_html(key, array->get(static_cast<unsigned>(i)), info, depth + 1);
            return out;
        }
        out = "<table class=\"nested\"><tr>";
        for (const auto& column : columns) out += "<th>" + esc(info.label(column)) + "</th>";
        out += "</tr>";
        for (std::size_t i = 0; i < array->size(); ++i) {
            const Object row = array->get(static_cast<unsigned>(i)).extract<Object>();
            out += "<tr>";
            for (const auto& column : columns)
                out += "<td>" +
                       (row->has(column) ? value_html(column, row->get(column), info, depth + 2)
                                         : std::string()) +
                       "</td>";
            out += "</tr>";
        }
        return out + "</table>";
    }
    return esc(masked(key, info.type(key), text_of(value)));
}

/// "2026-11-23T12:01:21Z" as "2026-11-23 12:01:21 UTC"; other texts as they are.
std::string shown_time(std::string time) {
    if (time.size() == 20 && time[10] == 'T' && time.back() == 'Z') {
        time[10] = ' ';
        time.replace(19, 1, " UTC");
    }
    return time;
}

constexpr const char* kStyle = R"(
body{font-family:"WenQuanYi Zen Hei","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;
 background:#f4f6f9;color:#222;font-size:15px}
header{background:#1f4e8c;color:#fff;padding:10px 24px;display:flex;align-items:center;gap:16px}
header strong{font-size:18px;flex:1}header form{margin:0}
main{max-width:1200px;margin:20px auto;background:#fff;padding:20px 28px;border-radius:6px;
 box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:20px;margin:0 0 16px}h2{font-size:16px;margin:22px 0 8px;color:#1f4e8c}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e3e7ee;padding:7px 8px;
 text-align:left;vertical-align:top}th{background:#eef2f8;font-weight:normal;color:#555}
table.list td,table.list th{white-space:nowrap}a{color:#1f4e8c}nav a{margin-right:14px}nav a.on{font-weight:bold;text-decoration:none;color:#222}
.s-received{color:#b36b00}.s-correction{color:#8a4baf}.s-approved{color:#1d7a33}
.s-rejected{color:#b3261e}
table.nested{width:auto;margin:0}table.nested th,table.nested td{padding:3px 8px}
p.pages a{margin-right:14px}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#8c1d18;padding:10px 14px;border-radius:4px}
.ok{background:#e8f5ea;border:1px solid #b7dfbf;color:#1d5a2b;padding:10px 14px;border-radius:4px}
.decide{display:flex;gap:16px;flex-wrap:wrap}.decide form{flex:1;min-width:280px;border:1px solid
 #e3e7ee;border-radius:6px;padding:12px 16px}
label{display:block;margin:8px 0 4px;color:#555}input[type=text],input[type=password],textarea{
 width:100%;box-sizing:border-box;padding:6px 8px;border:1px solid #c5ccd8;border-radius:4px;
 font:inherit}
button{margin-top:10px;padding:6px 18px;border:0;border-radius:4px;background:#1f4e8c;color:#fff;
 font:inherit;cursor:pointer}button.reject{background:#b3261e}button.correct{background:#8a4baf}
header button{background:#fff;color:#1f4e8c;margin:0}
.login{max-width:360px}.muted{color:#777}
img.scan{max-width:180px;max-height:180px;border:1px solid #c5ccd8;border-radius:3px}
)";

/// A whole page: `content` is already HTML; everything else is escaped here.
std::string page(const std::string& title, const std::string& content,
                 const WebSession* session = nullptr, const std::string& who = {}) {
    std::string out =
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>" +
        esc(title) + " - 一窗通部门审批</title><style>" + kStyle +
        "</style></head><body><header><strong>一窗通 · 部门审批</strong>";
    if (session)
        out += "<span>" + esc(who) +
               "</span><form method=\"post\" action=\"/staff/logout\">"
               "<input type=\"hidden\" name=\"csrf\" value=\"" +
               esc(session->csrf) + "\"><button type=\"submit\">退出登录</button></form>";
    out += "</header><main" + std::string(session ? "" : " class=\"login\"") + "><h1>" +
           esc(title) + "</h1>" + content + "</main></body></html>\n";
    return out;
}

/// An HTML answer, with headers that keep it out of caches and frames.
Reply html(int status, std::string body) {
    Reply reply(status, std::move(body));
    reply.content_type = kHtml;
    reply.headers = {
        {"Cache-Control", "no-store"},
        {"X-Frame-Options", "DENY"},
        {"X-Content-Type-Options", "nosniff"},
        {"Content-Security-Policy",
         "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
         "frame-ancestors 'none'"}};
    return reply;
}

Reply redirect(const std::string& to) {
    Reply reply = html(303, {});
    reply.headers.emplace_back("Location", to);
    return reply;
}

std::string message_box(const std::string& message, bool ok = false) {
    return message.empty()
               ? std::string()
               : "<p class=\"" + std::string(ok ? "ok" : "error") + "\">" + esc(message) + "</p>";
}

std::string login_page(const std::string& message, const std::string& name = {}) {
    return page("工作人员登录",
                message_box(message) +
                    "<form method=\"post\" action=\"/staff/login\">"
                    "<label for=\"user\">用户名</label><input type=\"text\" id=\"user\" "
                    "name=\"user\" autocomplete=\"username\" value=\"" +
                    esc(name) +
                    "\" autofocus><label for=\"password\">密码</label><input type=\"password\" "
                    "id=\"password\" name=\"password\" autocomplete=\"current-password\">"
                    "<button type=\"submit\">登录</button></form>");
}

/// The Chinese explanation of a refused decision (the JSON error body of Service::decide).
std::string explain_refusal(const std::string& answer) {
    auto error = parse_json(answer, "answer").extract<Poco::JSON::Object::Ptr>();
    const std::string code = member(error, "error"), path = member(error, "path");
    if (code == "invalid_request") {
        if (path.rfind("$.data", 0) == 0)
            return "批准须填写结果文书所需的数据（至少填写证书编号）。";
        if (path.rfind("$.reason", 0) == 0) return "不予批准须填写理由。";
        if (path.rfind("$.missing_materials", 0) == 0)
            return "要求补正须列出所缺的材料，每行一项。";
        if (path.rfind("$.outcome", 0) == 0) return "请选择处理决定：批准、不予批准或要求补正。";
    }
    const std::string chinese = member(error, "message_zh");
    return (chinese.empty() ? "操作未能完成" : chinese) + "，未作任何更改。";
}

/// A form field's value; empty when absent.
std::string field_of(const std::map<std::string, std::string>& form, const char* name) {
    auto found = form.find(name);
    return found == form.end() ? std::string() : found->second;
}

/// Form values of the lines of `text`, trimmed, empty lines left out.
Poco::JSON::Array::Ptr lines_of(const std::string& text) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        out->add(line.substr(first, line.find_last_not_of(" \t\r") - first + 1));
    }
    return out;
}

}  // namespace

namespace {

/// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        const int length = byte < 0x80   ? 1
                           : byte < 0xC2 ? 0
                           : byte < 0xE0 ? 2
                           : byte < 0xF0 ? 3
                           : byte < 0xF5 ? 4
                                         : 0;
        if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) return false;
        unsigned code = length == 1 ? byte : byte & (0xFFu >> (length + 1));
        for (int k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
            if ((next & 0xC0) != 0x80) return false;
            code = (code << 6) | (next & 0x3Fu);
        }
        if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
            (length == 4 && (code < 0x10000 || code > 0x10FFFF)))
            return false;
        i += static_cast<std::size_t>(length);
    }
    return true;
}

}  // namespace

std::optional<std::map<std::string, std::string>> read_form(const std::string& body) {
    try {
        Poco::Net::HTMLForm fields;
        fields.read(body);
        std::map<std::string, std::string> form;
        for (const auto& [name, value] : fields) {
            // Every text of a form ends up in JSON and in pages: UTF-8 or nothing (fuzzing
            // found decision forms whose bytes made a body POST /v1/decisions could not read).
            if (!valid_utf8(name) || !valid_utf8(value)) return std::nullopt;
            form.emplace(name, value);
        }
        return form;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::optional<Reply> Service::read_form_post(Poco::Net::HTTPServerRequest& request,
                                             std::size_t limit,
                                             std::map<std::string, std::string>& form,
                                             bool& drain) {
    std::string body, sha256;
    const BodyRead read = read_body(
        request, limit, [&](const char* data, std::size_t n) { body.append(data, n); }, sha256);
    if (read != BodyRead::Complete) {
        drain = false;
        return html(read == BodyRead::TooLarge ? 413 : 400,
                    page("请求无效", message_box(read == BodyRead::TooLarge
                                                     ? "提交的内容超过大小限制，未作任何更改。"
                                                     : "提交的内容不完整，未作任何更改。")));
    }
    auto fields = read_form(body);
    if (!fields)
        return html(400, page("请求无效", message_box("提交的表单无法解析，未作任何更改。")));
    form = std::move(*fields);
    return std::nullopt;
}

Reply Service::staff_page(Poco::Net::HTTPServerRequest& request, const Poco::URI& uri,
                          bool& drain) {
    const std::string& path = uri.getPath();
    const std::string& method = request.getMethod();
    if (method != "GET" && method != "POST") {
        drain = false;
        return html(405, page("不支持的请求", message_box("该地址只支持 GET 和 POST 请求。")));
    }
    std::map<std::string, std::string> form;
    if (path == "/staff/login") {
        if (method == "GET") return html(200, login_page({}));
        // The only body read without a session: a login form is small.
        if (auto refused = read_form_post(request, kMaxLoginBody, form, drain)) return *refused;
        return web_login(form);
    }

    // Every other page needs a session, checked before any byte of a body is read.
    std::string id;
    auto session = web_session(request, id);
    if (!session) {
        if (method == "POST") drain = false;
        return redirect("/staff/login");
    }
    if (method == "POST") {
        if (auto refused = read_form_post(request, config_.max_body_bytes, form, drain))
            return *refused;
        auto token = form.find("csrf");
        if (token == form.end() || !equal_constant_time(token->second, session->csrf))
            return html(403, page("请求被拒绝",
                                  message_box("页面已过期或请求来源不明（安全校验未通过），未作任何"
                                              "更改。请回到办件列表重新操作。") +
                                      "<p><a href=\"/staff/cases\">返回办件列表</a></p>"));
    }
    if (path == "/staff/logout" && method == "POST") {
        {
            std::lock_guard lock(sessions_mutex_);
            sessions_.erase(id);
        }
        Reply reply = redirect("/staff/login");
        reply.headers.emplace_back("Set-Cookie", std::string(kCookie) +
                                                     "=; Path=/staff; Max-Age=0; HttpOnly; "
                                                     "SameSite=Strict");
        return reply;
    }
    if ((path == "/staff" || path == "/staff/") && method == "GET") return redirect("/staff/cases");
    if (path == "/staff/cases" && method == "GET") return web_cases(*session, uri);
    const std::string materials = "/staff/materials/";
    if (path.rfind(materials, 0) == 0 && method == "GET")
        return web_material(*session, path.substr(materials.size()));
    const std::string prefix = "/staff/cases/";
    if (path.rfind(prefix, 0) == 0 && path.size() > prefix.size()) {
        const std::string reference = path.substr(prefix.size());
        if (method == "POST") return web_decide(*session, reference, form);
        const bool saved = query_value(uri, "saved").value_or("") == "1";
        return web_case(*session, reference, 200, saved ? "处理决定已保存。" : "", saved);
    }
    return html(404, page("页面不存在", message_box("请求的页面不存在。") +
                                            "<p><a href=\"/staff/cases\">返回办件列表</a></p>"));
}

std::optional<WebSession> Service::web_session(const Poco::Net::HTTPServerRequest& request,
                                               std::string& id) {
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    if (!cookies.has(kCookie)) return std::nullopt;
    id = cookies.get(kCookie);
    std::lock_guard lock(sessions_mutex_);
    auto found = sessions_.find(id);
    if (found == sessions_.end()) return std::nullopt;
    if (found->second.expires_at <= std::time(nullptr)) {
        sessions_.erase(found);
        return std::nullopt;
    }
    return found->second;
}

std::string Service::current_hash(const StaffUser& user) {
    std::lock_guard lock(store_mutex_);
    return store_.staff_password(user.name, user.password_hash).value_or(user.password_hash);
}

Reply Service::web_login(const std::map<std::string, std::string>& form) {
    auto field = [&](const char* name) { return field_of(form, name); };
    const std::string name = field("user"), password = field("password");
    if (name.empty() || password.empty())
        return html(400, login_page("请输入用户名和密码。", name.substr(0, kMaxStaffUserName)));
    // No user has a name this long (the configuration refuses one): refused at once, not
    // counted, not echoed.
    if (name.size() > kMaxStaffUserName || password.size() > kMaxPassword)
        return html(401, login_page("用户名或密码错误。"));
    const long long now = std::time(nullptr);
    const std::string key = exchange::sha256_hex(name).substr(0, 32);
    const std::string locked_out = "登录失败次数过多，该用户名已暂时锁定，请 15 分钟后再试。";
    {
        // The check and the count under one lock, before the password is checked: attempts that
        // arrive together cannot all pass the check (at most kMaxFailedLogins are checked).
        std::lock_guard lock(sessions_mutex_);
        auto entry = failed_logins_.find(key);
        if (entry != failed_logins_.end() && entry->second.locked_until > now)
            return html(429, login_page(locked_out, name));
        if (entry == failed_logins_.end()) {
            if (failed_logins_.size() >= kMaxLoginNames)
                for (auto it = failed_logins_.begin(); it != failed_logins_.end();)
                    it = it->second.locked_until <= now && it->second.last + kLockSeconds <= now
                             ? failed_logins_.erase(it)
                             : std::next(it);
            // Full of names failing right now: a flood; new names wait rather than evict the
            // count of a name under attack.
            if (failed_logins_.size() >= kMaxLoginNames)
                return html(429, login_page("登录失败次数过多，请 15 分钟后再试。", name));
            entry = failed_logins_.emplace(key, LoginFailures{}).first;
        }
        LoginFailures& failures = entry->second;
        failures.last = now;
        if (++failures.count >= kMaxFailedLogins) {
            failures.count = 0;
            failures.locked_until = now + kLockSeconds;
        }
    }
    const StaffUser* user = nullptr;
    for (const auto& candidate : config_.staff_users)
        if (candidate.name == name) user = &candidate;
    // An unknown name is checked against a hash of the current rounds that matches nothing, so
    // that it takes as long as a wrong password and the answer time does not tell which names
    // exist.
    static const std::string nobody = "pbkdf2-sha256$" + std::to_string(kStaffRounds) + "$" +
                                      random_hex(16) + "$" + random_hex(32);
    const std::string hash = user ? current_hash(*user) : nobody;
    if (!check_staff_password(hash, password) || !user)
        return html(401, login_page("用户名或密码错误。", name));
    // A hash of fewer rounds than today's is replaced now that the password is at hand.
    if (staff_hash_rounds(hash) < kStaffRounds) {
        const std::string upgraded = hash_staff_password(password);
        std::lock_guard lock(store_mutex_);
        store_.set_staff_password(user->name, user->password_hash, upgraded);
    }

    const std::string id = random_hex(16);
    {
        std::lock_guard lock(sessions_mutex_);
        failed_logins_.erase(key);
        for (auto it = sessions_.begin(); it != sessions_.end();)
            it = it->second.expires_at <= now ? sessions_.erase(it) : std::next(it);
        // From now: the password check above may have taken a while.
        const long long created = std::time(nullptr);
        sessions_[id] = {user, random_hex(16), created + config_.session_seconds};
    }
    Reply reply = redirect("/staff/cases");
    reply.headers.emplace_back(
        "Set-Cookie", std::string(kCookie) + "=" + id + "; Path=/staff; Max-Age=" +
                          std::to_string(config_.session_seconds) + "; HttpOnly; SameSite=Strict" +
                          (config_.tls_certificate.empty() ? "" : "; Secure"));
    return reply;
}

/// "赵强（县卫生健康局）": who is logged in, for the page header.
static std::string who(const Config& config, const StaffUser& user) {
    std::string departments;
    for (const auto& code : user.departments)
        for (const auto& department : config.departments)
            if (department.code == code)
                departments += (departments.empty() ? "" : "、") + department.name;
    return user.display_name + "（" + departments + "）";
}

static std::string department_name(const Config& config, const std::string& code) {
    for (const auto& department : config.departments)
        if (department.code == code) return department.name;
    return code;
}

Reply Service::web_material(const WebSession& session, const std::string& sha256) {
    bool listed = false;
    if (exchange::is_sha256_hex(sha256)) {
        std::lock_guard lock(store_mutex_);
        listed = store_.lists_material(session.user->departments, sha256);
    }
    std::optional<std::string> bytes;
    if (listed) bytes = read_material(sha256);
    if (!bytes)
        return html(404, page("没有该材料", message_box("没有该材料，或它不属于您所在部门的办件。"),
                              &session, who(config_, *session.user)));
    Reply reply(200, std::move(*bytes));
    reply.content_type = material_type(reply.body);
    // Office PCs are shared: a scan of someone's papers must not stay in the browser's cache.
    reply.headers = {{"Cache-Control", "no-store"},
                     {"X-Content-Type-Options", "nosniff"},
                     {"Content-Security-Policy", "default-src 'none'"}};
    return reply;
}

Reply Service::web_cases(const WebSession& session, const Poco::URI& uri) {
    std::string status = query_value(uri, "status").value_or("");
    if (status != "received" && status != "correction" && status != "approved" &&
        status != "rejected")
        status.clear();
    bool bad = false;
    const long long before =
        query_number(uri, "before", 0, std::numeric_limits<long long>::max(), bad).value_or(0);
    CasePage found;
    {
        std::lock_guard lock(store_mutex_);
        found = store_.cases(session.user->departments, status, kPageSize, bad ? 0 : before, true);
    }
    const auto& rows = found.rows;
    const std::string filter = status.empty() ? "" : "status=" + status;
    std::string content = "<nav>";
    for (const char* name : {"", "received", "correction", "approved", "rejected"})
        content += "<a href=\"/staff/cases" +
                   std::string(*name ? std::string("?status=") + name : "") + "\"" +
                   (status == name ? " class=\"on\"" : "") + ">" +
                   esc(*name ? status_name(name) : "全部") + "</a>";
    content +=
        "</nav><h2>共 " + std::to_string(found.total) + " 件" +
        (before > 0 || found.next ? "（本页 " + std::to_string(rows->size()) + " 件，由新到旧）"
                                  : std::string()) +
        "</h2><table "
        "class=\"list\"><tr><th>后台编号</th><th>办件编号</th><th>事项</th><th>部门</th>"
        "<th>申请人</th><th>证件号码</th><th>受理时间</th><th>接收时间</th><th>状态</th></tr>";
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto row = rows->getObject(static_cast<unsigned>(i));
        auto body = row->getObject("case");
        auto applicant = body ? body->getObject("applicant") : nullptr;
        const std::string reference = member(row, "reference"), state = member(row, "status");
        content += "<tr><td><a href=\"/staff/cases/" + esc(reference) + "\">" + esc(reference) +
                   "</a></td><td>" + esc(member(row, "case_number")) + "</td><td>" +
                   esc(member(row, "item")) + "</td><td>" +
                   esc(department_name(config_, member(row, "department"))) + "</td><td>" +
                   esc(member(applicant, "name")) + "</td><td>" +
                   esc(masked("id_number", "id_number", member(applicant, "id_number"))) +
                   "</td><td>" + esc(member(body, "accepted_at")) + "</td><td>" +
                   esc(shown_time(member(row, "received_at"))) + "</td><td class=\"s-" +
                   esc(state) + "\">" + esc(status_name(state)) + "</td></tr>";
    }
    if (rows->size() == 0)
        content += "<tr><td colspan=\"9\" class=\"muted\">没有符合条件的办件。</td></tr>";
    content += "</table>";
    if (before > 0 || found.next) {
        content += "<p class=\"pages\">";
        if (before > 0)
            content +=
                "<a href=\"/staff/cases" + esc(filter.empty() ? "" : "?" + filter) + "\">最新</a> ";
        if (found.next)
            content += "<a class=\"next\" href=\"" +
                       esc("/staff/cases?" + (filter.empty() ? "" : filter + "&") +
                           "before=" + std::to_string(*found.next)) +
                       "\">下一页</a>";
        content += "</p>";
    }
    return html(200, page("收件列表", content, &session, who(config_, *session.user)));
}

std::string case_data_html(const Poco::JSON::Object::Ptr& body) {
    // The values under the form's own labels when the counter sent them ("labels"), else keys;
    // masked by the dictionary types it sent ("types"), at every depth.
    const FieldInfo info{body->getObject("labels"), body->getObject("types")};
    std::string content;
    auto fields = [&](const char* title, const Poco::JSON::Object::Ptr& object, bool applicant) {
        if (!object || object->size() == 0) return;
        content += "<h2>" + esc(title) + "</h2><table>";
        for (const auto& key : object->getNames()) {  // in the form's order
            const std::string label = applicant ? name_in(kApplicantLabels, key) : info.label(key);
            content += "<tr><th style=\"width:160px\">" + esc(label) + "</th><td>" +
                       value_html(key, object->get(key), info) + "</td></tr>";
        }
        content += "</table>";
    };
    fields("申请人", body->getObject("applicant"), true);
    fields("申报信息", body->getObject("values"), false);
    return content;
}

/// The table of a case's (or a supplement's) materials: a thumbnail of each image scan, a link to
/// a PDF, and a note for a material seen on paper only or not arrived.
std::string Service::materials_html(const Poco::JSON::Array::Ptr& materials) const {
    // The scans arrive before the case (PUT /v1/materials).
    std::string content = "<table><tr><th>材料代码</th><th>材料</th><th>扫描件</th></tr>";
    for (std::size_t i = 0; materials && i < materials->size(); ++i) {
        auto material = materials->getObject(static_cast<unsigned>(i));
        const std::string sha = member(material, "sha256");
        std::string scan = material->has("tolerated_gap")
                               ? "<span class=\"muted\">容缺受理：" +
                                     esc(member(material, "tolerated_gap")) + "</span>"
                               : "<span class=\"muted\">仅核验纸质材料</span>";
        if (exchange::is_sha256_hex(sha)) {
            const auto bytes = read_material(sha, 16);  // enough to tell the type
            const std::string href = "/staff/materials/" + sha;
            if (!bytes)
                scan = "<span class=\"muted\">扫描件尚未传到</span>";
            else if (material_type(*bytes).rfind("image/", 0) == 0)
                scan = "<a href=\"" + href + "\"><img class=\"scan\" src=\"" + href + "\" alt=\"" +
                       esc(member(material, "name")) + "\"></a>";
            else
                scan = "<a href=\"" + href + "\">查看文件</a>";
        }
        content += "<tr><td>" + esc(member(material, "key")) + "</td><td>" +
                   esc(member(material, "name")) + "</td><td>" + scan + "</td></tr>";
    }
    return content + "</table>";
}

Reply Service::web_case(const WebSession& session, const std::string& reference, int status,
                        const std::string& message, bool saved) {
    std::optional<CaseRow> c;
    std::optional<StoredDecision> last;
    {
        std::lock_guard lock(store_mutex_);
        c = store_.find_reference(reference);
        if (c) last = store_.last_decision(c->id);
    }
    if (!c || !serves(session.user->departments, c->department))
        return html(404, page("没有该办件",
                              message_box("没有该办件，或该办件不属于您所在的部门。") +
                                  "<p><a href=\"/staff/cases\">返回办件列表</a></p>",
                              &session, who(config_, *session.user)));
    auto body = parse_json(c->body, "cases.body").extract<Poco::JSON::Object::Ptr>();
    auto materials = body->getArray("materials");

    std::string content =
        message_box(message, saved) + "<p><a href=\"/staff/cases\">← 返回办件列表</a></p><table>";
    auto row = [&](const std::string& label, const std::string& value) {
        content +=
            "<tr><th style=\"width:160px\">" + esc(label) + "</th><td>" + esc(value) + "</td></tr>";
    };
    row("后台编号", c->reference);
    row("办件编号", c->case_number);
    row("事项",
        c->item + (body->has("item_version") ? "（第 " + member(body, "item_version") + " 版）"
                                             : std::string()));
    row("部门", department_name(config_, c->department));
    row("受理窗口", c->client);
    row("受理时间", member(body, "accepted_at"));
    row("接收时间", shown_time(c->received_at));
    content += "<tr><th>状态</th><td class=\"s-" + esc(c->status) + "\">" +
               esc(status_name(c->status)) + "</td></tr>";
    if (last) {
        // The latest decision, as the counter will receive it.
        row("决定人", last->decided_by);
        row("决定时间", shown_time(last->decided_at));
        if (!last->reason.empty()) row("理由", last->reason);
        auto data =
            parse_json(last->data_json, "decisions.data").extract<Poco::JSON::Object::Ptr>();
        for (const auto& [key, value] : *data) row(name_in(kResultLabels, key), text_of(value));
        auto missing = parse_json(last->missing_json, "decisions.missing_materials")
                           .extract<Poco::JSON::Array::Ptr>();
        std::string names;
        for (const auto& name : *missing) names += (names.empty() ? "" : "、") + text_of(name);
        if (!names.empty()) row("所缺材料", names);
    }
    content += "</table>";

    content += case_data_html(body);
    content += "<h2>材料</h2>";
    if (!materials || materials->size() == 0)
        content += "<p class=\"muted\">未随件传送材料。</p>";
    else
        content += materials_html(materials);
    // Materials the applicant brought later, at whichever window (POST /v1/supplements).
    const auto supplements = store_.supplements_of(c->id);
    if (!supplements.empty()) content += "<h2>补交材料</h2>";
    for (const auto& s : supplements) {
        auto supplied = parse_json(s.body, "supplements.body").extract<Poco::JSON::Object::Ptr>();
        content += "<p>" + esc(s.number) + "（" +
                   (s.reason == "correction" ? "补正材料" : "容缺材料补交") + "，" +
                   esc(member(supplied, "counter")) + " 窗口 " +
                   esc(member(supplied, "supplied_at")) + " 收取，" +
                   esc(shown_time(s.received_at)) + " 接收）</p>" +
                   materials_html(supplied->getArray("materials"));
    }

    if (c->status == "received" || c->status == "correction") {
        const std::string action =
            "<form method=\"post\" action=\"/staff/cases/" + esc(c->reference) +
            "\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(session.csrf) +
            "\"><input type=\"hidden\" name=\"outcome\" ";
        content +=
            "<h2>处理决定</h2><div class=\"decide\">" + action +
            "value=\"approved\"><strong>批准</strong><label for=\"certificate_number\">证书编号"
            "</label><input type=\"text\" id=\"certificate_number\" name=\"certificate_number\">"
            "<label for=\"valid_until\">有效期至（可不填）</label><input type=\"text\" "
            "id=\"valid_until\" name=\"valid_until\"><button type=\"submit\">批准</button>"
            "</form>" +
            action +
            "value=\"rejected\"><strong>不予批准</strong><label for=\"reject_reason\">理由"
            "</label><textarea id=\"reject_reason\" name=\"reason\" rows=\"3\"></textarea>"
            "<button type=\"submit\" class=\"reject\">不予批准</button></form>" +
            action +
            "value=\"correction\"><strong>要求补正</strong><label for=\"missing\">所缺材料"
            "（每行一项）</label><textarea id=\"missing\" name=\"missing_materials\" "
            "rows=\"3\"></textarea><label for=\"correction_reason\">说明（可不填）</label>"
            "<input type=\"text\" id=\"correction_reason\" name=\"reason\"><button "
            "type=\"submit\" class=\"correct\">要求补正</button></form></div>";
    }
    return html(status,
                page("办件 " + c->reference, content, &session, who(config_, *session.user)));
}

std::string decision_body(const std::string& reference,
                          const std::map<std::string, std::string>& form,
                          const std::string& decided_by) {
    auto field = [&](const char* name) { return field_of(form, name); };
    const std::string outcome = field("outcome");
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(true);
    body->set("reference", reference);
    body->set("outcome", outcome);
    if (outcome == "approved") {
        Poco::JSON::Object::Ptr data = new Poco::JSON::Object(true);
        for (const char* key : {"certificate_number", "valid_until"})
            if (auto value = lines_of(field(key)); value->size() > 0) data->set(key, value->get(0));
        body->set("data", data);
    }
    if (const std::string reason = field("reason"); !reason.empty()) body->set("reason", reason);
    if (outcome == "correction")
        body->set("missing_materials", lines_of(field("missing_materials")));
    body->set("decided_by", decided_by);
    return to_json(body);
}

Reply Service::web_decide(const WebSession& session, const std::string& reference,
                          const std::map<std::string, std::string>& form) {
    // The form becomes the JSON body of POST /v1/decisions, decided by the same function.
    const Nonce nonce{
        "web:" + session.user->name, random_hex(16),
        static_cast<long long>(std::time(nullptr)) + 2 * config_.max_clock_skew_seconds};
    const Reply answer = decide(session.user->name, session.user->departments,
                                decision_body(reference, form, session.user->display_name), nonce);
    if (answer.status == 201) return redirect("/staff/cases/" + reference + "?saved=1");
    return web_case(session, reference, answer.status, explain_refusal(answer.body));
}

}  // namespace onewindow::backoffice
