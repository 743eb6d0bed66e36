// HTTPS for the exchange protocol (Poco NetSSL over OpenSSL), one set of rules for both sides:
// the counter's dispatcher (client) and onewindow-backoffice (server).
//
// - TLS 1.2 at least, OpenSSL's default cipher list minus the weak ones.
// - A client verifies the server strictly: the chain up to a trusted CA (a given PEM file, e.g. a
//   county's private CA or the back office's own self-signed certificate; else the system's CAs)
//   and the host name against the certificate. A certificate that fails is rejected, never
//   presented to a person (RejectCertificateHandler); the request then fails like any network
//   error and the dispatcher retries it later.
// - The server presents a PEM certificate and an unencrypted PEM private key; it does not ask
//   clients for certificates (they authenticate by request signatures, exchange_auth.hpp).
//
// Threads: the functions may be called from any thread; contexts are immutable once made.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace onewindow::exchange {

/// A client context; `ca_file` empty: the system's CA certificates.
Poco::Net::Context::Ptr tls_client_context(const std::string& ca_file);

/// A server context; throws Error(Input) naming the file when it cannot be used.
Poco::Net::Context::Ptr tls_server_context(const std::string& certificate_file,
                                           const std::string& private_key_file);

}  // namespace onewindow::exchange
