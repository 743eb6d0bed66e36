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
#include "onewindow/core/exchange_messages.hpp"
#include "service.hpp"

namespace fs = std::filesystem;

namespace onewindow::backoffice {

std::string material_type(const std::string& bytes) {
    if (bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0) return "image/png";
    if (bytes.rfind("\xFF\xD8\xFF", 0) == 0) return "image/jpeg";
    if (bytes.rfind("%PDF-", 0) == 0) return "application/pdf";
    return "application/octet-stream";
}

fs::path Service::material_path(const std::string& sha256) const {
    return config_.database.parent_path() / "materials" / sha256.substr(0, 2) / sha256;
}

std::optional<std::string> Service::read_material(const std::string& sha256,
                                                  std::size_t max) const {
    std::ifstream in(material_path(sha256), std::ios::binary);
    if (!in) return std::nullopt;
    if (max == std::numeric_limits<std::size_t>::max())
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    std::string head(max, '\0');
    in.read(head.data(), static_cast<std::streamsize>(max));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

namespace {

/// A file being received into the folder `incoming` (mode 0600), renamed onto its place by
/// commit() after it is synced; removed when it is dropped uncommitted.
class IncomingFile {
  public:
    explicit IncomingFile(const fs::path& folder) {
        fs::create_directories(folder);
        // Two counters (or two threads of one) may send the same scan at once: each writes a
        // file of its own; the renames replace identical content.
        static std::atomic<unsigned long> serial{0};
        path_ = folder / (std::to_string(::getpid()) + "-" + std::to_string(++serial) + ".tmp");
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd_ < 0) throw std::runtime_error(path_.string() + ": " + std::strerror(errno));
    }
    ~IncomingFile() {
        if (fd_ >= 0) ::close(fd_);
        std::error_code ignored;
        if (!committed_) fs::remove(path_, ignored);
    }
    IncomingFile(const IncomingFile&) = delete;
    IncomingFile& operator=(const IncomingFile&) = delete;

    void write(const char* data, std::size_t size) {
        std::size_t written = 0;
        while (written < size) {
            const ssize_t n = ::write(fd_, data + written, size - written);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw std::runtime_error(path_.string() + ": " + std::strerror(errno));
            written += static_cast<std::size_t>(n);
        }
    }
    void commit(const fs::path& target) {
        const bool synced = ::fsync(fd_) == 0;
        ::close(fd_);
        fd_ = -1;
        if (!synced) throw std::runtime_error(path_.string() + ": cannot be synced");
        fs::create_directories(target.parent_path());
        fs::rename(path_, target);
        committed_ = true;
    }

  private:
    fs::path path_;
    int fd_ = -1;
    bool committed_ = false;
};

}  // namespace

Reply Service::material(Poco::Net::HTTPServerRequest& request, const std::string& sha256,
                        bool& drain) {
    if (!exchange::is_sha256_hex(sha256))
        return error_reply(404, "not_found",
                           "a material is named by its SHA-256 in 64 lowercase hex digits");
    const std::string& method = request.getMethod();
    if (method != "HEAD" && method != "PUT") return not_allowed("HEAD or PUT");
    const Client* client = nullptr;
    if (auto refused = pre_authenticate(request, Role::Counter, client)) {
        drain = false;
        return *refused;
    }
    const fs::path file = material_path(sha256);
    // The body goes to disk as it comes, hashed on the way: never more than a buffer in memory.
    std::optional<IncomingFile> incoming;
    if (method == "PUT")
        incoming.emplace(config_.database.parent_path() / "materials" / "incoming");
    std::string received_sha256;
    std::size_t bytes = 0;
    const BodyRead read = read_body(
        request, config_.max_material_bytes,
        [&](const char* data, std::size_t n) {
            bytes += n;
            if (incoming) incoming->write(data, n);
        },
        received_sha256);
    if (read != BodyRead::Complete) {
        drain = false;
        return body_refusal(read, config_.max_material_bytes);
    }
    Caller caller;
    if (auto refused = authenticate(request, received_sha256, {}, *client, caller)) return *refused;
    if (method == "HEAD") {
        if (fs::exists(file)) return {200, {}};
        return error_reply(404, "not_found", "no material " + sha256 + " here");
    }
    if (received_sha256 != sha256)
        return error_reply(400, "digest_mismatch",
                           "the body's SHA-256 is " + received_sha256 + ", not " + sha256, "$");
    Poco::JSON::Object::Ptr answer = new Poco::JSON::Object(true);
    answer->set("sha256", sha256);
    answer->set("bytes", static_cast<Poco::Int64>(bytes));
    if (fs::exists(file)) return {200, to_json(answer)};
    incoming->commit(file);
    return {201, to_json(answer)};
}

}  // namespace onewindow::backoffice
