// The back office's HTTP server: Poco's HTTPServer (plain or TLS socket) in front of one
// Service (service.hpp), which handles every request.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>

#include "onewindow/backoffice/backoffice.hpp"
#include "onewindow/core/error.hpp"
#include "onewindow/core/exchange_tls.hpp"
#include "service.hpp"

namespace onewindow::backoffice {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(std::shared_ptr<Service> service) : service_(std::move(service)) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        service_->handle(request, response);
    }

  private:
    std::shared_ptr<Service> service_;
};

class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit HandlerFactory(std::shared_ptr<Service> service) : service_(std::move(service)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(service_);
    }

  private:
    std::shared_ptr<Service> service_;
};

}  // namespace

struct Server::Running {
    std::unique_ptr<Poco::Net::HTTPServer> http;
};

Server::Server(Config config) : config_(std::move(config)) {}

Server::~Server() { stop(); }

void Server::start() {
    if (running_) return;
    service_ = std::make_shared<Service>(config_);
    std::unique_ptr<Poco::Net::ServerSocket> listening;
    if (config_.tls_certificate.empty())
        listening = std::make_unique<Poco::Net::ServerSocket>();
    else
        listening = std::make_unique<Poco::Net::SecureServerSocket>(exchange::tls_server_context(
            config_.tls_certificate.string(), config_.tls_private_key.string()));
    Poco::Net::ServerSocket& socket = *listening;
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
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(kMaxThreads);
    params->setKeepAlive(true);
    running_ = std::make_unique<Running>();
    running_->http =
        std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(service_), socket, params);
    running_->http->start();
}

void Server::stop() {
    if (!running_) return;
    service_->shutdown();
    running_->http->stopAll(true);
    running_.reset();
    service_.reset();
}

}  // namespace onewindow::backoffice
