#include "onewindow/gui/services.hpp"

#include <wx/app.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"

namespace onewindow::gui {

wxString wtr(const char* english) { return wx(tr(english)); }

std::unique_ptr<Services> Services::open(const ShellOptions& options) {
    std::unique_ptr<Services> services(new Services);
    services->options_ = options;
    if (services->options_.root.empty()) services->options_.root = install_root();
    services->counter_ =
        Counter::open(Counter::Options{services->options_.root, services->options_.data_dir});
    return services;
}

Services::~Services() {
    for (auto& worker : workers_) worker.thread.join();
}

std::filesystem::path Services::documents_dir() const { return options_.data_dir / "documents"; }

void Services::run_in_background(std::function<void()> work,
                                 std::function<void(std::exception_ptr)> done) {
    std::weak_ptr<int> alive = alive_;
    // Join the workers that are done, so a long day leaves no threads behind.
    std::erase_if(workers_, [](Worker& w) {
        if (!w.finished->load()) return false;
        w.thread.join();
        return true;
    });
    auto finished = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back(
        {std::thread([this, work = std::move(work), done = std::move(done), alive, finished] {
             std::exception_ptr error;
             {
                 auto held = lock();
                 try {
                     work();
                 } catch (...) {
                     error = std::current_exception();
                 }
             }
             if (wxTheApp)
                 wxTheApp->CallAfter([done, error, alive] {
                     if (!alive.expired()) done(error);
                 });
             finished->store(true);
         }),
         finished});
}

bool Services::busy() const {
    for (const auto& worker : workers_)
        if (!worker.finished->load()) return true;
    return false;
}

void Services::wait_idle() {
    for (auto& worker : workers_) worker.thread.join();
    workers_.clear();
    if (wxTheApp) wxTheApp->ProcessPendingEvents();
}

}  // namespace onewindow::gui
