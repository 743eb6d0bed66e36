// Digests, password hashing and random tokens, shared by the counter's store (the audit chain,
// scans, user accounts) and the back office: SHA-256 and salted PBKDF2-SHA256 through OpenSSL.
//
// Thread-safety: every function is pure apart from random_hex(), which reads OpenSSL's
// thread-safe random generator. Errors from OpenSSL throw Error(Storage).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace onewindow {

/// SHA-256 of `data` as 64 lower-case hex digits (OpenSSL's one-shot digest: no engine set up per
/// call; the audit chain is verified at hundreds of thousands of events a second).
std::string sha256_hex(std::string_view data);

/// HMAC-SHA256 of `data` keyed with `key`, as 64 lower-case hex digits (the audit chain).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// PBKDF2-HMAC-SHA256 of `password` with `salt` and `iterations` rounds: 64 lower-case hex digits.
std::string pbkdf2_sha256_hex(const std::string& password, const std::string& salt, int iterations);

/// `bytes` random bytes from OpenSSL as 2 * bytes lower-case hex digits (salts, session ids,
/// CSRF tokens).
std::string random_hex(std::size_t bytes);

/// True when both texts are equal; the time taken depends on the length only, not on where
/// they differ (for comparing hashes and tokens).
bool equal_constant_time(const std::string& a, const std::string& b);

}  // namespace onewindow
