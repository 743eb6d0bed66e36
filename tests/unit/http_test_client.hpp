// A plain HTTP client for tests that talk to a back office on 127.0.0.1 (Poco HTTPClientSession):
// sends exactly the headers and body given, so tests can sign, spoil or omit each of them (or
// send a browser's cookie and form).
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <iterator>
#include <string>

#include "onewindow/core/exchange_auth.hpp"
#include "onewindow/core/json.hpp"

namespace onewindow::testing {

struct Response {
    int status = 0;
    std::string body;
    bool replayed = false;                       // header Idempotent-Replayed
    std::string location, cookie, content_type;  // headers Location, Set-Cookie, Content-Type
    Poco::Net::NameValueCollection headers;      // every header of the answer
    Poco::JSON::Object::Ptr json() const {
        return parse_json(body, "response").extract<Poco::JSON::Object::Ptr>();
    }
    std::string field(const std::string& key) const { return json()->getValue<std::string>(key); }
};

/// Sends one request on a new connection; a client that gives up after `timeout_seconds`.
inline Response send_raw(unsigned short port, const std::string& method, const std::string& target,
                         const std::string& body, const exchange::Headers& headers,
                         const std::string& content_type = "application/json",
                         long timeout_seconds = 60) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(timeout_seconds, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty() || method == "POST" || method == "PUT") {
        request.setContentType(content_type);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Response out;
    out.status = static_cast<int>(response.getStatus());
    out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    out.replayed = response.has("Idempotent-Replayed");
    out.location = response.get("Location", "");
    out.cookie = response.get("Set-Cookie", "");
    out.content_type = response.getContentType();
    for (const auto& [name, value] : response) out.headers.add(name, value);
    return out;
}

}  // namespace onewindow::testing
