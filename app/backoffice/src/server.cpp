// The back office's HTTP server: a listening socket (plain or TLS) and the Listener
// (listener.hpp) that hands each request to one Service (service.hpp).
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>

#include "listener.hpp"
#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_tls.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

Server::Server(Config config) : config_(std::move(config)) {}

Server::~Server() { stop(); }

void Server::start() {
    if (listener_) return;
    service_ = std::make_shared<Service>(config_);
    // TLS is spoken by the listener's workers over the plain socket accepted here, so that a
    // client that never starts its handshake holds no thread (listener.hpp).
    Poco::Net::Context::Ptr tls;
    if (!config_.tls_certificate.empty())
        tls = exchange::tls_server_context(config_.tls_certificate.string(),
                                           config_.tls_private_key.string());
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(
            Poco::Net::SocketAddress(config_.address, static_cast<Poco::UInt16>(config_.port)),
            true);
        socket.listen(64);
    } catch (const Poco::Exception& e) {
        throw Error(ErrorKind::Input, "cannot listen on " + config_.address + ":" +
                                          std::to_string(config_.port) + ": " + e.displayText());
    }
    port_ = socket.address().port();
    std::shared_ptr<Service> service = service_;
    listener_ = std::make_unique<Listener>(
        socket, tls, config_.limits,
        [service](Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
            service->handle(request, response);
        });
    listener_->start();
}

void Server::stop() {
    if (!listener_) return;
    service_->shutdown();
    listener_->stop();
    listener_.reset();
    service_.reset();
}

}  // namespace onewindow::backoffice
