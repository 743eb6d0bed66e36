// The signature headers of the exchange protocol (exchange_auth.hpp), as a receiver gets them.
// The input is lines: client, timestamp, nonce, signature, method, target, idempotency key,
// then the body; a line that is missing is a header that is absent. Besides not crashing, what
// sign_request() signs with these values must pass check_signature() whenever its headers are
// well-formed and the clock is right: a mismatch aborts.
#include <cstdlib>
#include <sstream>
#include <vector>

#include "../fuzz_target.hpp"
#include "onewindow/core/exchange_auth.hpp"

namespace ex = onewindow::exchange;

ONEWINDOW_FUZZ_TARGET(exchange_auth) {
    std::istringstream in(onewindow::fuzz::text_of(data, size));
    std::vector<std::string> lines;
    for (std::string line; lines.size() < 7 && std::getline(in, line);) lines.push_back(line);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto line = [&](std::size_t i) -> std::optional<std::string> {
        if (i < lines.size()) return lines[i];
        return std::nullopt;
    };
    constexpr long long kNow = 1795435200;  // 2026-11-23
    const std::string secret = "counter-WX01-shared-secret";
    const ex::ReceivedAuth received{line(0), line(1), line(2), line(3)};
    ex::SignedRequest request;
    request.method = line(4).value_or("POST");
    request.target = line(5).value_or("/v1/cases");
    request.idempotency_key = line(6).value_or("");
    request.body_sha256 = ex::sha256_hex(body);
    ex::check_auth_headers(received);
    ex::check_timestamp(received, kNow, 300);
    ex::check_signature(received, request, secret, kNow, 300);
    ex::auth_failure_code(ex::check_signature(received, request, secret, kNow, 300).failure);

    // What is signed verifies.
    const std::string client = line(0).value_or("WX01"), nonce = line(2).value_or("");
    const auto headers = ex::sign_request(request.method, request.target, body,
                                          request.idempotency_key, client, secret, kNow, nonce);
    const ex::ReceivedAuth sent{headers[0].second, headers[1].second, headers[2].second,
                                headers[3].second};
    if (ex::check_auth_headers(sent).ok() &&
        !ex::check_signature(sent, request, secret, kNow, 300).ok())
        std::abort();
    return 0;
}
