// Password hashing and random tokens, shared by the counter's user accounts (accounts.cpp) and
// the back office's staff web login (app/backoffice): salted PBKDF2-SHA256 through OpenSSL.
//
// Thread-safety: every function is pure apart from random_hex(), which reads OpenSSL's
// thread-safe random generator. Errors from OpenSSL throw Error(Storage).
#pragma once

#include <cstddef>
#include <string>

namespace onewindow {

/// PBKDF2-HMAC-SHA256 of `password` with `salt` and `iterations` rounds: 64 lower-case hex digits.
std::string pbkdf2_sha256_hex(const std::string& password, const std::string& salt, int iterations);

/// `bytes` random bytes from OpenSSL as 2 * bytes lower-case hex digits (salts, session ids,
/// CSRF tokens).
std::string random_hex(std::size_t bytes);

/// True when both texts are equal; the time taken depends on the length only, not on where
/// they differ (for comparing hashes and tokens).
bool equal_constant_time(const std::string& a, const std::string& b);

}  // namespace onewindow
