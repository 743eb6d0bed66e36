// The scans of the cases' materials (see backoffice.hpp): HEAD and PUT /v1/materials/<sha256>
// from the counters, kept content-addressed next to the database; read back by the staff page.
#include <fcntl.h>
#include <unistd.h>

#include <Poco/JSON/Object.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "onewindow/core/exchange_auth.hpp"
#include "service.hpp"

namespace fs = std::filesystem;

namespace onewindow::backoffice {

bool is_material_name(const std::string& name) {
    if (name.size() != 64) return false;
    for (char c : name)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

std::string material_type(const std::string& bytes) {
    if (bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0) return "image/png";
    if (bytes.rfind("\xFF\xD8\xFF", 0) == 0) return "image/jpeg";
    if (bytes.rfind("%PDF-", 0) == 0) return "application/pdf";
    return "application/octet-stream";
}

fs::path Service::material_path(const std::string& sha256) const {
    return config_.database.parent_path() / "materials" / sha256.substr(0, 2) / sha256;
}

std::optional<std::string> Service::read_material(const std::string& sha256) const {
    std::ifstream in(material_path(sha256), std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

namespace {

/// Writes `bytes` to `target` through a synced temporary file renamed over it.
void write_synced(const fs::path& target, const std::string& bytes) {
    fs::create_directories(target.parent_path());
    // Two counters (or two threads of one) may send the same scan at once: each writes its own
    // temporary file; the renames replace identical content.
    static std::atomic<unsigned long> serial{0};
    const fs::path temp = target.string() + "." + std::to_string(::getpid()) + "-" +
                          std::to_string(++serial) + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error(temp.string() + ": " + std::strerror(errno));
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const std::string reason = std::strerror(errno);
            ::close(fd);
            fs::remove(temp);
            throw std::runtime_error(temp.string() + ": " + reason);
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) throw std::runtime_error(temp.string() + ": cannot be synced");
    fs::rename(temp, target);
}

}  // namespace

Reply Service::material(Poco::Net::HTTPServerRequest& request, const std::string& sha256,
                        bool& drain) {
    if (!is_material_name(sha256))
        return error_reply(404, "not_found",
                           "a material is named by its SHA-256 in 64 lowercase hex digits");
    const std::string& method = request.getMethod();
    if (method != "HEAD" && method != "PUT") return not_allowed("HEAD or PUT");
    std::optional<std::string> body = read_body(request, config_.max_material_bytes);
    if (!body) {
        drain = false;
        return error_reply(413, "payload_too_large",
                           "a material file is larger than " +
                               std::to_string(config_.max_material_bytes) + " bytes");
    }
    Caller caller;
    if (auto refused = authenticate(request, *body, {}, Role::Counter, caller)) return *refused;
    const fs::path file = material_path(sha256);
    if (method == "HEAD") {
        if (fs::exists(file)) return {200, {}};
        return error_reply(404, "not_found", "no material " + sha256 + " here");
    }
    if (exchange::sha256_hex(*body) != sha256)
        return error_reply(
            400, "digest_mismatch",
            "the body's SHA-256 is " + exchange::sha256_hex(*body) + ", not " + sha256, "$");
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(true);
    answer->set("sha256", sha256);
    answer->set("bytes", static_cast<Poco::Int64>(body->size()));
    if (fs::exists(file)) return {200, to_json(answer)};
    write_synced(file, *body);
    return {201, to_json(answer)};
}

}  // namespace onewindow::backoffice
