// Reading the back office's configuration file (format: backoffice.hpp).
#include <set>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/json.hpp"
#include "onewindow/core/password_hash.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace {

constexpr std::string_view kHashScheme = "pbkdf2-sha256";

/// The parts of "pbkdf2-sha256$<rounds>$<salt>$<hex>", or false when malformed.
bool split_hash(const std::string& hash, int& rounds, std::string& salt, std::string& digest) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t end; (end = hash.find('$', start)) != std::string::npos; start = end + 1)
        parts.push_back(hash.substr(start, end - start));
    parts.push_back(hash.substr(start));
    if (parts.size() != 4 || parts[0] != kHashScheme || parts[2].empty() || parts[3].size() != 64 ||
        parts[1].empty() || parts[1].size() > 7 ||
        parts[1].find_first_not_of("0123456789") != std::string::npos)
        return false;
    rounds = std::stoi(parts[1]);
    salt = parts[2];
    digest = parts[3];
    return rounds >= kMinStaffRounds;
}

}  // namespace

int staff_hash_rounds(const std::string& password_hash) {
    int rounds = 0;
    std::string salt, digest;
    return split_hash(password_hash, rounds, salt, digest) ? rounds : 0;
}

std::string hash_staff_password(const std::string& password, int rounds) {
    const std::string salt = random_hex(16);
    return std::string(kHashScheme) + "$" + std::to_string(rounds) + "$" + salt + "$" +
           pbkdf2_sha256_hex(password, salt, rounds);
}

bool check_staff_password(const std::string& password_hash, const std::string& password) {
    int rounds = 0;
    std::string salt, digest;
    if (!split_hash(password_hash, rounds, salt, digest)) return false;
    return equal_constant_time(pbkdf2_sha256_hex(password, salt, rounds), digest);
}

Config load_config(const std::filesystem::path& file) {
    return parse_config(read_text_file(file), file.string(),
                        std::filesystem::absolute(file).parent_path());
}

Config parse_config(const std::string& text, const std::string& file_name,
                    const std::filesystem::path& base_dir) {
    Issues issues;
    Config config;
    auto root = ObjectReader::of(parse_json(text, file_name), file_name, "$", issues);
    if (!root.raw()) issues.throw_if_any();
    root.reject_unknown({"listen", "database", "departments", "counters", "staff", "max_body_bytes",
                         "max_material_bytes", "max_clock_skew_seconds", "tls", "staff_users",
                         "session_seconds", "limits"});

    auto listen = root.object("listen", true);
    if (listen.raw()) {
        listen.reject_unknown({"address", "port"});
        config.address = listen.string("address");
        config.port = static_cast<int>(listen.integer("port", 0, 65535));
    }
    if (root.has("tls")) {
        auto tls = root.object("tls", true);
        if (tls.raw()) {
            tls.reject_unknown({"certificate", "private_key"});
            config.tls_certificate = base_dir / tls.string("certificate");
            config.tls_private_key = base_dir / tls.string("private_key");
        }
    }
    const std::string database = root.string("database");
    if (!database.empty()) config.database = base_dir / database;

    // Each entry of a required array of objects, with its unknown keys refused; `key` must
    // be unique among the entries.
    auto entries = [&](const std::string& array, bool required,
                       std::initializer_list<std::string_view> known, const std::string& key,
                       const auto& read) {
        std::set<std::string> seen;
        auto list = root.array(array, required);
        for (std::size_t i = 0; i < list->size(); ++i) {
            auto entry = ObjectReader::of(list->get(static_cast<unsigned>(i)), file_name,
                                          json_path_index(root.path_of(array), i), issues);
            if (!entry.raw()) continue;
            entry.reject_unknown(known);
            if (!seen.insert(read(entry)).second) entry.fail(key, "is listed twice");
        }
        if (list->size() == 0 && root.has(array)) root.fail(array, "must not be empty");
    };
    entries("departments", true, {"code", "name"}, "code", [&](ObjectReader& entry) {
        config.departments.push_back({entry.string("code"), entry.string("name")});
        return config.departments.back().code;
    });
    auto client = [&](ObjectReader& entry) {
        Client client{entry.string("id"), entry.string("secret"), {}};
        if (!client.secret.empty() && client.secret.size() < 16)
            entry.fail("secret", "must be at least 16 bytes long");
        return client;
    };
    // The "departments" of a staff entry: at least one, each listed in $.departments.
    auto served_departments = [&](ObjectReader& entry) {
        auto codes = entry.strings("departments", true);
        if (codes.empty()) entry.fail("departments", "must name a department");
        for (std::size_t i = 0; i < codes.size(); ++i) {
            bool known = false;
            for (const auto& department : config.departments)
                known = known || department.code == codes[i];
            if (!known)
                issues.add(file_name, json_path_index(entry.path_of("departments"), i),
                           "department \"" + codes[i] + "\" is not listed in $.departments");
        }
        return codes;
    };
    entries("counters", true, {"id", "secret"}, "id", [&](ObjectReader& entry) {
        config.counters.push_back(client(entry));
        return config.counters.back().id;
    });
    entries("staff", false, {"id", "secret", "departments"}, "id", [&](ObjectReader& entry) {
        Client staff = client(entry);
        staff.departments = served_departments(entry);
        config.staff.push_back(staff);
        return staff.id;
    });
    entries("staff_users", false, {"name", "display_name", "password_hash", "departments"}, "name",
            [&](ObjectReader& entry) {
                StaffUser user{entry.string("name"), entry.opt_string("display_name").value_or(""),
                               entry.string("password_hash"), served_departments(entry)};
                if (user.name.size() > kMaxStaffUserName)
                    entry.fail("name", "must be at most " + std::to_string(kMaxStaffUserName) +
                                           " bytes long");
                if (!user.password_hash.empty() && staff_hash_rounds(user.password_hash) == 0)
                    entry.fail("password_hash",
                               "must be \"pbkdf2-sha256$<rounds>$<salt>$<64 hex digits>\" with " +
                                   std::to_string(kMinStaffRounds) +
                                   " rounds or more (onewindow-backoffice hash-password makes one "
                                   "with " +
                                   std::to_string(kStaffRounds) + ")");
                if (user.display_name.empty()) user.display_name = user.name;
                config.staff_users.push_back(user);
                return user.name;
            });
    for (const auto& staff : config.staff)
        for (const auto& counter : config.counters)
            if (staff.id == counter.id)
                issues.add(file_name, "$.staff", "id \"" + staff.id + "\" is also a counter's id");

    if (auto limit = root.opt_integer("max_body_bytes", 1024, 256LL * 1024 * 1024))
        config.max_body_bytes = static_cast<std::size_t>(*limit);
    if (auto limit = root.opt_integer("max_material_bytes", 1024, 1024LL * 1024 * 1024))
        config.max_material_bytes = static_cast<std::size_t>(*limit);
    if (auto skew = root.opt_integer("max_clock_skew_seconds", 1, 3600))
        config.max_clock_skew_seconds = *skew;
    if (auto seconds = root.opt_integer("session_seconds", 1, 86400))
        config.session_seconds = *seconds;
    if (root.has("limits")) {
        auto limits = root.object("limits", true);
        if (limits.raw()) {
            limits.reject_unknown({"threads", "queue", "max_connections",
                                   "max_connections_per_client", "idle_timeout_seconds",
                                   "io_timeout_seconds"});
            Limits& l = config.limits;
            if (auto n = limits.opt_integer("threads", 2, 64)) l.threads = static_cast<int>(*n);
            if (auto n = limits.opt_integer("queue", 1, 4096))
                l.queue = static_cast<std::size_t>(*n);
            if (auto n = limits.opt_integer("max_connections", 1, 65536))
                l.max_connections = static_cast<std::size_t>(*n);
            if (auto n = limits.opt_integer("max_connections_per_client", 1, 65536))
                l.max_connections_per_client = static_cast<std::size_t>(*n);
            if (auto n = limits.opt_integer("idle_timeout_seconds", 1, 3600))
                l.idle_timeout_seconds = *n;
            if (auto n = limits.opt_integer("io_timeout_seconds", 1, 3600))
                l.io_timeout_seconds = *n;
        }
    }
    issues.throw_if_any();
    return config;
}

}  // namespace onewindow::backoffice
