#include "onewindow/gui/services.hpp"

#include <wx/app.h>
#include <wx/button.h>

#include "onewindow/core/i18n.hpp"
#include "onewindow/core/paths.hpp"

#include <set>

namespace onewindow::gui {

wxString wtr(const char* english) { return wx(tr(english)); }

void chinese_buttons(wxWindow* window) {
    static const std::pair<int, const char*> labels[] = {{wxID_OK, N_("OK")},
                                                         {wxID_CANCEL, N_("Cancel")},
                                                         {wxID_CLOSE, N_("Close")},
                                                         {wxID_YES, N_("Yes")},
                                                         {wxID_NO, N_("No")}};
    for (wxWindow* child : window->GetChildren()) {
        if (auto* button = dynamic_cast<wxButton*>(child))
            for (const auto& [id, label] : labels)
                if (button->GetId() == id) button->SetLabel(wtr(label));
        chinese_buttons(child);
    }
}

void Services::set_user(UserAccount user) {
    // The steps of jobs that hold the Counter read the user (session(), intake()): they see the
    // old one or the new one, never half of it.
    auto held = lock();
    user_ = std::move(user);
    intake_ = std::make_unique<Intake>(Session(*counter_, user_));
}

std::unique_ptr<Services> Services::open(const ShellOptions& options) {
    std::unique_ptr<Services> services(new Services);
    services->options_ = options;
    if (services->options_.root.empty()) services->options_.root = install_root();
    services->counter_ = Counter::open(Counter::Options{
        services->options_.root, services->options_.data_dir, services->options_.store});
    const auto data = services->options_.data_dir;
    services->start_dispatcher();
    try {
        if (auto schedule = BackupSchedule::load(data)) {
            services->backups_ = std::make_unique<BackupScheduler>(
                data, *schedule, std::chrono::milliseconds(services->options_.backup_check_ms));
            services->backups_->start();
        }
    } catch (const std::exception& e) {
        services->backup_problem_ = e.what();
    }
    return services;
}

void Services::start_dispatcher() {
    const auto data = options_.data_dir;
    if (!std::filesystem::exists(data / "exchange.json")) return;
    try {
        auto config = ExchangeConfig::load(data / "exchange.json");
        dispatcher_ = std::make_unique<Dispatcher>(
            [root = options_.root, data, store = options_.store] {
                return open_store(root, data, store);
            },
            std::move(config));
        dispatcher_->start();
    } catch (const std::exception& e) {
        exchange_problem_ = e.what();  // the window opens; the status bar tells
    }
}

void Services::restart_dispatcher() {
    if (dispatcher_) dispatcher_->stop();
    dispatcher_.reset();
    exchange_problem_.clear();
    start_dispatcher();
}

Services::~Services() {
    if (backups_) backups_->stop();
    if (dispatcher_) dispatcher_->stop();
    for (auto& worker : workers_) worker.thread.join();
}

void Services::wake_dispatcher() {
    if (dispatcher_) dispatcher_->wake();
}

wxString Services::exchange_status() const {
    if (!exchange_problem_.empty())
        return wxString::Format(wtr("Back offices: configuration error (%s)"),
                                wx(exchange_problem_));
    if (!dispatcher_) return wtr("Back offices: not configured (working offline)");
    if (dispatcher_->passes() == 0) return wtr("Back offices: connecting...");
    if (!dispatcher_->last_error().empty())
        return wxString::Format(wtr("Back offices: %s"), wx(dispatcher_->last_error()));
    std::set<std::string> unreachable;
    for (const auto& result : dispatcher_->last_report().results)
        if (result.outcome == DispatchOutcome::Retry) unreachable.insert(result.endpoint);
    if (unreachable.empty()) return wtr("Back offices: online");
    return wxString::Format(wtr("Back offices: %d unreachable, retrying"),
                            static_cast<int>(unreachable.size()));
}

wxString Services::backup_status() const {
    if (!backup_problem_.empty())
        return wxString::Format(wtr("Backup: configuration error (%s)"), wx(backup_problem_));
    if (!backups_) return wtr("Backup: not scheduled");
    if (const auto error = backups_->last_error(); !error.empty())
        return wxString::Format(wtr("Backup failed: %s"), wx(error));
    if (const auto last = backups_->last_backup()) {
        auto day = Date::parse(last->substr(0, 10));
        return wxString::Format(
            wtr("Last backup: %s"),
            wx((day ? day->chinese() : last->substr(0, 10)) + " " + last->substr(11, 5)));
    }
    return wtr("Backup: waiting for the first one");
}

std::filesystem::path Services::documents_dir() const { return options_.data_dir / "documents"; }

void Services::run_job(std::vector<Step> steps, std::function<void(std::exception_ptr)> done) {
    std::weak_ptr<int> alive = alive_;
    // Join the workers that are done, so a long day leaves no threads behind.
    std::erase_if(workers_, [](Worker& w) {
        if (!w.finished->load()) return false;
        w.thread.join();
        return true;
    });
    auto finished = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back(
        {std::thread([this, steps = std::move(steps), done = std::move(done), alive, finished] {
             std::exception_ptr error;
             for (const auto& step : steps) {
                 std::unique_lock<std::mutex> held;
                 if (step.hold == Hold::Counter) held = lock();
                 try {
                     step.work();
                 } catch (...) {
                     error = std::current_exception();
                     break;
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

void Services::run_in_background(std::function<void()> work,
                                 std::function<void(std::exception_ptr)> done) {
    run_job({{Hold::Counter, std::move(work)}}, std::move(done));
}

void Services::run_unlocked(std::function<void()> work,
                            std::function<void(std::exception_ptr)> done) {
    run_job({{Hold::Nothing, std::move(work)}}, std::move(done));
}

void Services::render_in_background(std::function<DocumentJob()> prepare,
                                    std::function<void(std::exception_ptr)> done) {
    struct Prepared {
        std::optional<DocumentJob> document;
        const DocumentRenderer* renderer = nullptr;
    };
    auto prepared = std::make_shared<Prepared>();
    run_job({{Hold::Counter,
              [this, prepared, prepare = std::move(prepare)] {
                  prepared->document = prepare();
                  prepared->renderer = &counter().renderer();  // opened here, once
              }},
             {Hold::Nothing,
              [prepared] {
                  std::filesystem::create_directories(prepared->document->out.parent_path());
                  prepared->document->render(*prepared->renderer);
              }}},
            std::move(done));
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
