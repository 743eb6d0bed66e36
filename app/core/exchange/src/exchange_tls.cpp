// HTTPS contexts of the exchange protocol (see exchange_tls.hpp).
#include "onewindow/core/exchange_tls.hpp"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

#include "onewindow/core/error.hpp"

namespace onewindow::exchange {

namespace {

using Poco::Net::Context;

/// OpenSSL and Poco's SSLManager, once: without a handler of our own, Poco would look for one in
/// a Poco::Util::Application configuration we do not have.
void initialize_tls() {
    static std::once_flag once;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
            new Poco::Net::RejectCertificateHandler(false));
        Context::Ptr fallback =
            new Context(Context::TLS_CLIENT_USE, "", Context::VERIFY_STRICT, 9, true);
        fallback->requireMinimumProtocol(Context::PROTO_TLSV1_2);
        Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, fallback);
    });
}

}  // namespace

Context::Ptr tls_client_context(const std::string& ca_file) {
    initialize_tls();
    try {
        Context::Ptr context = new Context(Context::TLS_CLIENT_USE, ca_file, Context::VERIFY_STRICT,
                                           9, ca_file.empty());
        context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
        return context;
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input,
                    ca_file + ": cannot be used as CA certificates: " + e.displayText());
    }
}

Context::Ptr tls_server_context(const std::string& certificate_file,
                                const std::string& private_key_file) {
    initialize_tls();
    try {
        Context::Ptr context = new Context(Context::TLS_SERVER_USE, private_key_file,
                                           certificate_file, "", Context::VERIFY_NONE);
        context->requireMinimumProtocol(Context::PROTO_TLSV1_2);
        return context;
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input, certificate_file + " / " + private_key_file +
                                          ": cannot be used for TLS: " + e.displayText());
    }
}

}  // namespace onewindow::exchange
