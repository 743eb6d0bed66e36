// Request signatures of the exchange protocol v1 between a counter and a department back office.
//
// This is the ONE place that defines how a request is signed and checked: the counter's
// dispatcher signs with sign_request(), the back office (app/backoffice) checks with
// check_signature(); both call canonical_string(), so the two sides cannot drift apart.
//
// Headers of a signed request (all required, names case-insensitive as in HTTP):
//   X-OneWindow-Client     the caller's id (a counter such as "WX01", or a department's staff
//                          system); it selects the shared secret
//   X-OneWindow-Timestamp  Unix time in whole seconds, decimal ASCII ("1795435200")
//   X-OneWindow-Nonce      16 to 64 characters of [A-Za-z0-9_-], fresh for every request and
//                          every retry (new_nonce(): 32 hex digits from the system's CSPRNG)
//   X-OneWindow-Signature  "v1=" + lower-case hex HMAC-SHA256(secret, canonical string)
//   Idempotency-Key        on POST /v1/cases: "<case number>/<item code>", the same on every
//                          retry of that item (signed too, so it cannot be swapped in transit)
//
// The canonical string is seven lines joined by '\n' (no trailing newline):
//   OW1-HMAC-SHA256
//   <method, upper case>                  POST
//   <request target as sent>              /v1/decisions?since=12 (path plus query, undecoded)
//   <timestamp header>                    1795435200
//   <nonce header>                        5f0c...
//   <client header>                       WX01
//   <idempotency key, empty if none>      WX01-20261123-0001/FP-001
//   <lower-case hex SHA-256 of the body>  (of the empty string for a GET)
// The design names method, path, timestamp and body hash; nonce, client and idempotency key are
// added so that none of the headers the receiver acts on can be changed without breaking the
// signature. The secret is the UTF-8 bytes of the configured string.
//
// The receiver refuses (HTTP 401, reason in the JSON body) a missing or malformed header, an
// unknown client, a timestamp further than the allowed skew from its own clock ("stale
// timestamp"), a signature that does not match ("bad signature") and a nonce it has already seen
// within the skew window ("replayed nonce"; the nonce memory is the receiver's, see
// app/backoffice). Signatures are compared in constant time.
//
// Thread-safety: every function here is pure (new_nonce() reads the system's random device).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onewindow::exchange {

inline constexpr std::string_view kScheme = "OW1-HMAC-SHA256";
inline constexpr std::string_view kSignaturePrefix = "v1=";
inline constexpr const char* kClientHeader = "X-OneWindow-Client";
inline constexpr const char* kTimestampHeader = "X-OneWindow-Timestamp";
inline constexpr const char* kNonceHeader = "X-OneWindow-Nonce";
inline constexpr const char* kSignatureHeader = "X-OneWindow-Signature";
inline constexpr const char* kIdempotencyHeader = "Idempotency-Key";

/// What a signature covers.
struct SignedRequest {
    std::string method;           // "POST"
    std::string target;           // "/v1/cases" or "/v1/decisions?since=3"
    std::string client;           // X-OneWindow-Client
    std::string timestamp;        // X-OneWindow-Timestamp
    std::string nonce;            // X-OneWindow-Nonce
    std::string idempotency_key;  // Idempotency-Key, empty when the request has none
    std::string body_sha256;      // lower-case hex
};

/// The seven-line string above.
std::string canonical_string(const SignedRequest& request);

/// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
/// Lower-case hex HMAC-SHA256 (RFC 2104 / RFC 4231).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

/// 32 lower-case hex digits from the system's random device.
std::string new_nonce();

/// The headers to send with a request, in order: client, timestamp, nonce, signature.
using Headers = std::vector<std::pair<std::string, std::string>>;
Headers sign_request(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view idempotency_key, std::string_view client,
                     std::string_view secret, long long unix_time, const std::string& nonce);

/// Why a request was refused; None when the signature and the timestamp are good.
enum class AuthFailure {
    None,
    MissingHeader,    // one of the four headers is absent
    MalformedHeader,  // timestamp not decimal, nonce of the wrong size or alphabet, no "v1="
    UnknownClient,    // (the receiver's verdict: no secret for that client)
    StaleTimestamp,   // further than the allowed skew from the receiver's clock
    BadSignature,     // HMAC mismatch: wrong secret, or method/target/headers/body changed
    ReplayedNonce     // (the receiver's verdict: nonce already seen)
};

/// Stable machine-readable code: "missing_header", "stale_timestamp", "bad_signature", ...
const char* auth_failure_code(AuthFailure failure);

struct AuthResult {
    AuthFailure failure = AuthFailure::None;
    std::string message;  // English, names the header or the numbers involved
    bool ok() const { return failure == AuthFailure::None; }
};

/// The four signature headers as received (nullopt: absent).
struct ReceivedAuth {
    std::optional<std::string> client, timestamp, nonce, signature;
};

/// Checks headers, timestamp skew and signature of a request whose client secret is `secret`.
/// `request.client/timestamp/nonce` are taken from `received`; the caller fills method, target,
/// idempotency key and body hash. Does not know nonces: the caller checks replay afterwards.
AuthResult check_signature(const ReceivedAuth& received, SignedRequest request,
                           std::string_view secret, long long now_unix, long long max_skew_seconds);

/// Header presence and syntax only (run before looking the client up).
AuthResult check_auth_headers(const ReceivedAuth& received);

/// Headers and the timestamp's skew, without the signature: what a receiver can check before it
/// reads the body the signature covers (check_signature() repeats it).
AuthResult check_timestamp(const ReceivedAuth& received, long long now_unix,
                           long long max_skew_seconds);

/// Constant-time comparison of two strings of the same length (false if lengths differ).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace onewindow::exchange
