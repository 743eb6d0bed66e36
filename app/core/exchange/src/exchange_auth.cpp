// Request signatures of the exchange protocol v1 (see exchange_auth.hpp for the contract).
#include "onewindow/core/exchange_auth.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include <charconv>
#include <cstdlib>
#include <random>

#include "onewindow/core/password_hash.hpp"

namespace onewindow::exchange {

namespace {

// Poco's SHA2Engine lacks the BLOCK_SIZE/DIGEST_SIZE that HMACEngine needs (Poco 1.11).
struct Sha256ForHmac : Poco::SHA2Engine {
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256ForHmac() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

bool nonce_ok(const std::string& nonce) {
    if (nonce.size() < 16 || nonce.size() > 64) return false;
    for (char c : nonce) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::optional<long long> parse_timestamp(const std::string& text) {
    if (text.empty() || text.size() > 15) return std::nullopt;
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

std::string canonical_string(const SignedRequest& r) {
    std::string out(kScheme);
    for (const std::string* part : {&r.method, &r.target, &r.timestamp, &r.nonce, &r.client,
                                    &r.idempotency_key, &r.body_sha256}) {
        out += '\n';
        out += *part;
    }
    return out;
}

std::string sha256_hex(std::string_view data) { return onewindow::sha256_hex(data); }

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    Poco::HMACEngine<Sha256ForHmac> engine{std::string(key)};
    engine.update(message.data(), static_cast<unsigned>(message.size()));
    return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string new_nonce() {
    std::random_device device;  // /dev/urandom (getrandom) with glibc
    static const char* digits = "0123456789abcdef";
    std::string nonce;
    for (int i = 0; i < 4; ++i) {
        unsigned value = device();
        for (int j = 0; j < 8; ++j, value >>= 4) nonce += digits[value & 0xF];
    }
    return nonce;
}

Headers sign_request(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view idempotency_key, std::string_view client,
                     std::string_view secret, long long unix_time, const std::string& nonce) {
    SignedRequest request{std::string(method),
                          std::string(target),
                          std::string(client),
                          std::to_string(unix_time),
                          nonce,
                          std::string(idempotency_key),
                          sha256_hex(body)};
    std::string signature(kSignaturePrefix);
    signature += hmac_sha256_hex(secret, canonical_string(request));
    return {{kClientHeader, request.client},
            {kTimestampHeader, request.timestamp},
            {kNonceHeader, request.nonce},
            {kSignatureHeader, signature}};
}

const char* auth_failure_code(AuthFailure failure) {
    // In the order of the enumerators.
    static constexpr const char* kCodes[] = {"ok",
                                             "missing_header",
                                             "malformed_header",
                                             "unknown_client",
                                             "stale_timestamp",
                                             "bad_signature",
                                             "replayed_nonce"};
    return kCodes[static_cast<std::size_t>(failure)];
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

AuthResult check_auth_headers(const ReceivedAuth& received) {
    const std::pair<const char*, const std::optional<std::string>*> headers[] = {
        {kClientHeader, &received.client},
        {kTimestampHeader, &received.timestamp},
        {kNonceHeader, &received.nonce},
        {kSignatureHeader, &received.signature}};
    for (const auto& [name, value] : headers)
        if (!*value || (*value)->empty())
            return {AuthFailure::MissingHeader, std::string("header ") + name + " is missing"};
    if (!parse_timestamp(*received.timestamp))
        return {AuthFailure::MalformedHeader,
                std::string("header ") + kTimestampHeader + " must be Unix time in whole seconds"};
    if (!nonce_ok(*received.nonce))
        return {AuthFailure::MalformedHeader,
                std::string("header ") + kNonceHeader + " must be 16 to 64 of [A-Za-z0-9_-]"};
    if (received.signature->rfind(kSignaturePrefix, 0) != 0)
        return {AuthFailure::MalformedHeader,
                std::string("header ") + kSignatureHeader + " must start with \"v1=\""};
    return {};
}

AuthResult check_timestamp(const ReceivedAuth& received, long long now_unix,
                           long long max_skew_seconds) {
    AuthResult headers = check_auth_headers(received);
    if (!headers.ok()) return headers;
    const long long timestamp = *parse_timestamp(*received.timestamp);
    const long long skew = timestamp > now_unix ? timestamp - now_unix : now_unix - timestamp;
    if (skew > max_skew_seconds)
        return {AuthFailure::StaleTimestamp, "stale timestamp: " + std::to_string(skew) +
                                                 " s from the server clock (allowed " +
                                                 std::to_string(max_skew_seconds) + " s)"};
    return {};
}

AuthResult check_signature(const ReceivedAuth& received, SignedRequest request,
                           std::string_view secret, long long now_unix,
                           long long max_skew_seconds) {
    AuthResult fresh = check_timestamp(received, now_unix, max_skew_seconds);
    if (!fresh.ok()) return fresh;
    request.client = *received.client;
    request.timestamp = *received.timestamp;
    request.nonce = *received.nonce;
    std::string expected(kSignaturePrefix);
    expected += hmac_sha256_hex(secret, canonical_string(request));
    if (!constant_time_equal(expected, *received.signature))
        return {AuthFailure::BadSignature,
                "bad signature: the HMAC-SHA256 of the canonical request does not match"};
    return {};
}

}  // namespace onewindow::exchange
